#!/usr/bin/env bash
# Boots every bare-metal test program (firmware/tests/) on the emulated
# Versatile PB and checks that it ends with "Test result: SUCCESS". The
# programs themselves say what they test; see their first comments.
set -u
. "$(dirname "$0")/../lib.sh"

status=0
count=0
for elf in "$FIRMWARE"/tests/*.elf; do
    name=$(basename "$elf" .elf)
    case "$name" in undef_nohandler) continue ;; esac
    count=$((count + 1))
    write_cfg "$TMP/$name.cfg" "$elf"
    timeout 120 "$EMU" --max-insns 2000000000 "$TMP/$name.cfg" < /dev/null \
        > "$TMP/$name.out" 2>&1
    rc=$?
    # The programs accept QEMU's known deviations from the ARM ARM with a
    # "WARN: qemu-deviation" line; armhv-emu must not need that leniency.
    if grep -q "^Test result: SUCCESS" "$TMP/$name.out" && [ $rc -eq 0 ] &&
        ! grep -q "WARN: qemu-deviation" "$TMP/$name.out"; then
        echo "  ok   $name"
    else
        echo "  FAIL $name (exit $rc)"
        sed 's/^/    | /' "$TMP/$name.out" | tail -n 15
        status=1
    fi
done
if [ $count -eq 0 ]; then
    echo "no firmware tests found in $FIRMWARE/tests"
    exit 1
fi
exit $status
