#!/usr/bin/env bash
# Bad input never crashes: each case must give a clear message that names
# the problem (file, line, key) and a non-zero exit status. Run under the
# ASan+UBSan build too (make O=build-asan check), where a crash would show.
set -u
. "$(dirname "$0")/../lib.sh"

status=0
check() { # check NAME EXPECTED-PATTERN -- command...
    local name=$1 pattern=$2
    shift 3
    "$@" > "$TMP/out" 2>&1 < /dev/null
    local rc=$?
    if [ $rc -eq 0 ] || [ $rc -ge 128 ]; then
        echo "  FAIL $name: exit status $rc (want a clean non-zero exit)"
        sed 's/^/    | /' "$TMP/out" | tail -n 10
        status=1
    elif ! grep -q -- "$pattern" "$TMP/out"; then
        echo "  FAIL $name: message '$pattern' not found:"
        sed 's/^/    | /' "$TMP/out" | tail -n 10
        status=1
    else
        echo "  ok   $name: $(head -n 1 "$TMP/out")"
    fi
}

check "missing config" "nonexistent.cfg: cannot open configuration" -- \
    "$EMU" "$TMP/nonexistent.cfg"

printf '[machine]\nboard = versatilepb\nmemroy = 64M\n' > "$TMP/unknown-key.cfg"
check "unknown key" "unknown-key.cfg:3: unknown key 'memroy' in section \[machine\]" -- \
    "$EMU" "$TMP/unknown-key.cfg"

printf '[machine]\nboard = versatilepb\n[bogus]\n' > "$TMP/unknown-section.cfg"
check "unknown section" "unknown-section.cfg:3: unknown section \[bogus\]" -- \
    "$EMU" "$TMP/unknown-section.cfg"

printf '[machine]\nboard = versatilepb\nmemory = lots\n' > "$TMP/bad-value.cfg"
check "bad value" "bad-value.cfg:3: \[machine\] memory: 'lots'" -- \
    "$EMU" "$TMP/bad-value.cfg"

printf '[machine]\nboard = zx81\n' > "$TMP/bad-board.cfg"
check "unknown board" "bad-board.cfg:2: \[machine\] board: 'zx81' is not one of" -- \
    "$EMU" "$TMP/bad-board.cfg"

write_cfg "$TMP/missing-kernel.cfg" /dev/null
sed -i "s|^kernel = .*|kernel = no-such-kernel.elf|" "$TMP/missing-kernel.cfg"
check "missing kernel" "missing-kernel.cfg:5: \[boot\] kernel: .*no-such-kernel.elf: No such file or directory" -- \
    "$EMU" "$TMP/missing-kernel.cfg"

elf=$(ls "$FIRMWARE"/tests/*.elf | head -n 1)
head -c 200 "$elf" > "$TMP/truncated.elf"
write_cfg "$TMP/truncated.cfg" "$TMP/truncated.elf"
check "truncated ELF" "truncated.elf: .*\(truncated\|not a valid ELF\|program header\)" -- \
    "$EMU" "$TMP/truncated.cfg"

head -c 4096 /dev/urandom > "$TMP/garbage.bin"
write_cfg "$TMP/garbage.cfg" "$TMP/garbage.bin"
check "raw binary without address" "set \[boot\] kernel-address" -- \
    "$EMU" "$TMP/garbage.cfg"

check "bad option" "unrecognized option" -- "$EMU" --frobnicate "$TMP/garbage.cfg"
check "bad override" "-s machine.nothing=1: unknown key 'nothing'" -- \
    "$EMU" -s machine.nothing=1 "$TMP/garbage.cfg"

exit $status
