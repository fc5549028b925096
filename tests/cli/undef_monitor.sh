#!/usr/bin/env bash
# A guest executing an undefined instruction with no handler installed must
# take the Undefined Instruction exception (ARM ARM B1.8.5: mode und,
# LR = instruction + 4, vector 0x4), visibly in the monitor, and the
# emulator must keep running and stay inspectable.
set -u
. "$(dirname "$0")/../lib.sh"

write_cfg "$TMP/undef.cfg" "$FIRMWARE/tests/undef_nohandler.elf"
cat > "$TMP/script" <<'SCRIPT'
step 200000
regs
quit
SCRIPT
"$EMU" -x "$TMP/script" "$TMP/undef.cfg" < /dev/null > "$TMP/out" 2>&1
rc=$?
cat "$TMP/out" | sed 's/^/    | /'
[ $rc -eq 0 ] || { echo "exit status $rc"; exit 1; }
expect_in "$TMP/out" "about to execute undefined instruction" "the program's message" &&
expect_in "$TMP/out" "und=1" "one Undefined exception counted" &&
expect_in "$TMP/out" "cpsr=.* und\]" "the CPU in Undefined mode"
