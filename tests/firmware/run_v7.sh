#!/usr/bin/env bash
# Boots every ARMv7 bare-metal test program (firmware/tests-v7/) on the
# emulated Versatile Express with the Cortex-A15 tile and checks that it
# ends with "Test result: SUCCESS". The programs themselves say what they
# test; see their first comments. Skips (exit 0) only when the ARMv7
# firmware has not been built; a failing program fails the script.
set -u
. "$(dirname "$0")/../lib.sh"

shopt -s nullglob
elfs=("$FIRMWARE"/tests-v7/*.elf)
if [ ${#elfs[@]} -eq 0 ]; then
    echo "SKIP: no ARMv7 firmware in $FIRMWARE/tests-v7 (build it with make firmware)"
    exit 0
fi

status=0
for elf in "${elfs[@]}"; do
    name=$(basename "$elf" .elf)
    cat > "$TMP/$name.cfg" <<CFG
[machine]
board = vexpress-a15
memory = 256M
[boot]
kernel = $(realpath "$elf")
[serial0]
backend = stdio
CFG
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
exit $status
