#!/usr/bin/env bash
# The monitor, driven by -x scripts: every command's output is checked for
# content, with expected values taken from the programs themselves (nm,
# objdump, System.map) rather than from a previous run.
#
#  1. exceptions.elf (firmware/tests): break at main (symbols from the
#     ELF), regs at a known state, x/4x against objdump's words, x/i, x/s,
#     disas, step, until, next over a call to printf, a conditional
#     breakpoint (only data aborts reach it), the FIQ handler: banked
#     registers shown from FIQ mode, the VIC line routed to FIQ, a
#     watchpoint on the FIQ record stopping at the store with old and new
#     value, and stats.
#  2. mmu.elf: walk after the MMU is on (section, small page as user,
#     translation fault), a physical watchpoint catching writes through two
#     different virtual aliases, x vs xp, tlb (the watched page has no fast
#     tags, the code page has r-x and a decoded ARM block), a read watch.
#  3. Linux on Versatile PB (../shared/guests, skipped without it):
#     System.map symbols (found beside the zImage), a breakpoint in the VIC handler, irq, devices,
#     stats, x/s linux_banner, walk of a kernel address, tlb, trace to a
#     file.
# Why: a monitor that prints plausible but wrong values (a banked register
# from the wrong bank, a walk that does not match what the MMU does, a
# watchpoint that stops an instruction late) misleads exactly the people
# it is meant to teach.
set -u
. "$(dirname "$0")/../lib.sh"

status=0
H="[0-9a-f]"    # a hex digit, for shorter patterns
NM=${CROSS_COMPILE:-arm-none-eabi-}nm
OBJDUMP=${CROSS_COMPILE:-arm-none-eabi-}objdump

# addr_of ELF SYMBOL: 8 hex digits.
addr_of() {
    "$NM" "$1" | awk -v s="$2" '$3 == s { print $1; exit }'
}

# run_monitor NAME CFG: runs $TMP/NAME.script, output in $TMP/NAME.out.
run_monitor() {
    timeout 300 "$EMU" -x "$TMP/$1.script" "$2" < /dev/null > "$TMP/$1.out" 2>&1
    local rc=$?
    if [ $rc -ne 0 ]; then
        echo "  FAIL $1: exit status $rc"
        sed 's/^/    | /' "$TMP/$1.out" | tail -n 30
        status=1
    fi
}

# out_of NAME CMD [N]: what the N-th (default first) `CMD` printed.
out_of() {
    awk -v cmd="(armhv) $2" -v want="${3:-1}" '
        index($0, "(armhv) ") == 1 { inside = ($0 == cmd) && (++seen == want); next }
        inside { print }' "$TMP/$1.out"
}

# check NAME CMD [N] REGEX WHAT: REGEX (egrep) in the output of CMD.
check() {
    local name=$1 cmd=$2 n=1
    shift 2
    if [ $# -eq 3 ]; then
        n=$1
        shift
    fi
    if out_of "$name" "$cmd" "$n" | grep -q -E -- "$1"; then
        echo "  ok   $name: $2"
    else
        echo "  FAIL $name: $2: /$1/ not in the output of '$cmd':"
        out_of "$name" "$cmd" "$n" | sed 's/^/    | /' | head -n 40
        status=1
    fi
}

# ---- 1. exceptions.elf ----
ELF=$FIRMWARE/tests/exceptions.elf
write_cfg "$TMP/exc.cfg" "$ELF"
MAIN=$(addr_of "$ELF" main)
SVC_TOP=$(addr_of "$ELF" stack_svc_top)
FIQ_REC=$(addr_of "$ELF" fiq_rec)
RAW_FIQ=$(addr_of "$ELF" raw_fiq)
# main's first four words and the first call to printf in main.
WORDS=$("$OBJDUMP" -d --start-address=0x$MAIN --stop-address=$((0x$MAIN + 16)) "$ELF" |
        awk '/^ +[0-9a-f]+:/ { printf "%s ", $2 }')
FIRST_MNEMONIC=$("$OBJDUMP" -d --start-address=0x$MAIN --stop-address=$((0x$MAIN + 4)) "$ELF" |
                 awk '/^ +[0-9a-f]+:/ { print $3 }')
BL_PRINTF=$("$OBJDUMP" -d --start-address=0x$MAIN "$ELF" |
            awk '/^ +[0-9a-f]+:.*\tbl\t.*<printf>/ { sub(":", "", $1); print $1; exit }')
[ -n "$BL_PRINTF" ] && BL_PRINTF=$(printf '%08x' $((0x$BL_PRINTF)))
AFTER_BL=$(printf '%08x' $((0x$BL_PRINTF + 4)))
if [ -z "$MAIN" ] || [ -z "$BL_PRINTF" ] || [ -z "$FIQ_REC" ]; then
    echo "  FAIL cannot find main, its call to printf or fiq_rec in $ELF"
    exit 1
fi

cat > "$TMP/exc.script" <<SCRIPT
symbols
break main
info break
cont
regs
print pc == main
set r0 0x1234 + 1
print r0 == 0x1235
cpu
x/4x main
x/4i main
x/s [exc_names]
x/2i exc_svc_thumb
x/i exc_svc_thumb_insn thumb
disas exc_svc_arm_insn 2
step 3
until 0x$BL_PRINTF
next
print pc
delete
break exc_dispatch if r0 == 4
cont
print r0
cont
print r0
info break
delete
break raw_fiq
cont
regs
irq
watch fiq_rec
cont
print lr == exc_fiq_unmask_next + 4
print lr_fiq == lr && spsr_fiq == spsr
delete
cont
stats
quit
SCRIPT
run_monitor exc "$TMP/exc.cfg"
check exc "symbols" "^[0-9]+ symbols from .*exceptions.elf" "ELF symbols loaded at start"
check exc "break main" "^breakpoint 1 at 0x$MAIN <main>$" "break at a symbol"
check exc "info break" "^1 +break +0x$MAIN <main> +0 +-$" "listed with 0 hits"
check exc "cont" "^breakpoint 1 at 0x$MAIN <main>, hit 1 time$" "stopped at main"
check exc "cont" "^=> 0x$MAIN <main>: +${WORDS%% *} +$FIRST_MNEMONIC " "the next instruction shown"
check exc "regs" "pc=$MAIN" "regs: pc at main"
check exc "regs" "sp=$SVC_TOP" "regs: sp at the SVC stack top"
check exc "regs" "^cpu0 arm926: mode svc, ARM state" "regs: mode and state"
check exc "regs" "^cpsr=[0-9a-f]{8} \[.{5} IF. arm svc\]" "regs: CPSR decoded"
check exc "regs" "^  svc +$SVC_TOP +$H{8} +$H{8} +\(current\)" "regs: banked SVC current"
check exc "regs" "^  und +[0-9a-f]{8}" "regs: banked UND listed"
check exc "regs" "sctlr=[0-9a-f]{8} \[.*\] MMU off" "regs: SCTLR decoded"
check exc "print pc == main" "^= 0x00000001 \(1\)$" "print: expression with a symbol"
check exc "set r0 0x1234 + 1" "^r0 = 0x00001235$" "set a register"
check exc "print r0 == 0x1235" "^= 0x00000001" "the register holds it"
check exc "cpu" "^\* cpu0 arm926 +mode svc +pc=$MAIN" "cpu: the CPUs"
check exc "x/4x main" "^0x$MAIN <main>: ${WORDS% }$" "x/4x: the words objdump shows"
check exc "x/4i main" "^=> 0x$MAIN <main>: +${WORDS%% *} +$FIRST_MNEMONIC" "x/4i: PC marked"
check exc "x/4i main" "^   0x$H{8} <main\+0xc>: +$H{8} +bl #0x$H+$" "x/4i: 4th line"
check exc "x/s [exc_names]" ': "reset"$' "x/s through a pointer"
check exc "x/2i exc_svc_thumb" "<exc_svc_thumb>: +b510 +push \{r4, lr\}" \
    "x/i: Thumb function symbol"
check exc "x/i exc_svc_thumb_insn thumb" "<exc_svc_thumb_insn>: +df42 +svc #0x42" "x/i thumb"
check exc "disas exc_svc_arm_insn 2" "<exc_svc_arm_insn>: +ef123456 +svc #0x123456" "disas"
check exc "step 3" "^stepped 3 instructions; pc=0x$(printf %08x $((0x$MAIN + 12))) <main\+0xc>" \
    "step 3"
check exc "until 0x$BL_PRINTF" "^reached 0x$BL_PRINTF <main\+0x[0-9a-f]+>" "until"
check exc "next" "^next: over bl #0x[0-9a-f]+, to 0x$AFTER_BL" "next: a call"
check exc "next" "^reached 0x$AFTER_BL <main\+0x[0-9a-f]+>" "next: back after the call"
check exc "print pc" "^= 0x$AFTER_BL" "next: pc after the call"
check exc "break exc_dispatch if r0 == 4" "^breakpoint 2 at 0x$H+ <exc_dispatch> if r0 == 4" \
    "conditional breakpoint set"
check exc "cont" 2 "^breakpoint 2 at 0x[0-9a-f]+ <exc_dispatch>, hit 1 time" \
    "conditional breakpoint hit"
check exc "print r0" 1 "^= 0x00000004 \(4\)" "the condition held (data abort, not SVC/undef)"
check exc "cont" 3 "^breakpoint 2 at 0x[0-9a-f]+ <exc_dispatch>, hit 2 times" "second hit counted"
check exc "print r0" 2 "^= 0x00000004 \(4\)" "the condition held again"
check exc "info break" 2 "^2 +break +0x$H+ <exc_dispatch> +2 +r0 == 4$" "info break: hits, cond"
check exc "cont" 4 "^breakpoint 3 at 0x$RAW_FIQ <raw_fiq>, hit 1 time" "stopped in the FIQ handler"
check exc "regs" 2 "^cpu0 arm926: mode fiq" "regs: FIQ mode"
check exc "regs" 2 "^  fiq +$H{8} +$H{8} +$H{8} +\(current\)" "regs: FIQ bank current"
check exc "regs" 2 "^  r8-r12 usr: 18181818 19191919 1a1a1a1a 1b1b1b1b 1c1c1c1c" \
    "regs: the interrupted r8-r12 from the other bank"
check exc "regs" 2 "^cpsr=[0-9a-f]{8} \[.{5} IF. arm fiq\]  spsr=" "regs: CPSR/SPSR in FIQ mode"
check exc "irq" "^cpu0: IRQ input 0 .*FIQ input 1 \(masked by CPSR.F\)" "irq: CPU inputs"
check exc "irq" "^ +1 +0 +1 yes +fiq +yes" "irq: VIC line 1 soft, routed to FIQ, pending"
check exc "irq" "^  FIQSTATUS 1$" "irq: FIQ status"
check exc "watch fiq_rec" "^watchpoint 4: write of 4 bytes at 0x$FIQ_REC <fiq_rec>$" "watch set"
check exc "cont" 5 "^watchpoint 4: write of 4 bytes at 0x$FIQ_REC <fiq_rec> \(pa 0x$FIQ_REC\) \
by the instruction at 0x$H+ <raw_fiq\+0x$H+>, hit 1 time" \
    "watch: stopped by the store in raw_fiq"
check exc "cont" 5 "old value 0x00000000, new value 0x00000001" "watch: old and new value"
check exc "cont" 5 "^=> 0x[0-9a-f]+ <raw_fiq\+0x[0-9a-f]+>: +[0-9a-f]{8} +str lr" \
    "watch: stopped right after the store"
check exc "print lr == exc_fiq_unmask_next + 4" "^= 0x00000001" "FIQ LR = next insn + 4"
check exc "print lr_fiq == lr && spsr_fiq == spsr" "^= 0x00000001" "banked names in FIQ mode"
check exc "cont" 6 "^machine shut down" "ran to the end"
check exc "stats" "^cpu0: [0-9]+ instructions; exceptions: reset=0 und=[1-9][0-9]* \
svc=[1-9][0-9]* .* fiq=1$" \
    "stats: exceptions by type"
check exc "stats" "^decode cache: [1-9][0-9]* blocks, [1-9][0-9]* decodes \(hit rate [0-9]+\.[0-9]{4}% of instructions\)" "stats: decode cache and its hit rate"
check exc "stats" "^last run: [0-9]+ instructions in [0-9.]+ s host time: [0-9.]+ guest MIPS" \
    "stats: last run"
grep -q "^Test result: SUCCESS" "$TMP/exc.out" || {
    echo "  FAIL exc: the program did not pass under the monitor"
    status=1
}

# ---- 2. mmu.elf: walk, tlb, physical and read watchpoints ----
ELF=$FIRMWARE/tests/mmu.elf
write_cfg "$TMP/mmu.cfg" "$ELF"
# check_alias("section alias", VA_SEC_A + 0x12344, VA_SEC_B + 0x12344, ...)
# writes v = 0x5a000000 ^ va_write ^ (va_read << 4), then ~v through the PA.
V=$(printf '%08x' $(( (0x5a000000 ^ 0x40012344 ^ ((0x40112344 << 4) & 0xffffffff)) )))
NOTV=$(printf '%08x' $(( ~0x$V & 0xffffffff )))
cat > "$TMP/mmu.script" <<SCRIPT
break mmu_enable
cont
delete
until lr
walk 0x40012344
walk 0x40211ffc w user
walk 0x40400000
watch pa:0x01012344
cont
x/x 0x40112344
xp/x 0x01012344
cont
tlb
watch 0x40012344 4 r
cont
info break
delete
cont
quit
SCRIPT
run_monitor mmu "$TMP/mmu.cfg"
check mmu "until lr" "^reached 0x[0-9a-f]+ <main\+0x[0-9a-f]+>" "returned from mmu_enable"
check mmu "walk 0x40012344" "first-level descriptor at PA 0x[0-9a-f]+ = 0x01000c12" \
    "walk: the section descriptor"
check mmu "walk 0x40012344" "1 MiB section, base 0x01000000, domain 0" "walk: section decoded"
check mmu "walk 0x40012344" "=> read allowed: PA 0x01012344" "walk: read allowed"
check mmu "walk 0x40012344" "^result: VA 0x40012344 -> PA 0x01012344 \(1024 KiB mapping\)" \
    "walk: result"
check mmu "walk 0x40211ffc w user" "coarse page table at PA 0x[0-9a-f]+, domain 1" \
    "walk: coarse table"
check mmu "walk 0x40211ffc w user" "4 KiB small page, base 0x01120000" "walk: small page"
check mmu "walk 0x40211ffc w user" "=> write allowed: PA 0x01120ffc" "walk: user write"
check mmu "walk 0x40400000" "FAULT: section translation fault; FSR 0x005" "walk: fault"
check mmu "cont" 2 "^watchpoint 2: write of 4 bytes at 0x40012344 \(pa 0x01012344\) \
by the instruction at 0x$H+ <check_alias\+0x$H+>, hit 1 time" \
    "pa watch: write through the first alias"
check mmu "cont" 2 "old value 0x00000000, new value 0x$V" "pa watch: values"
check mmu "x/x 0x40112344" "^0x40112344: $V" "x through the second alias"
check mmu "xp/x 0x01012344" "^pa 0x01012344: $V" "xp: the physical word"
check mmu "cont" 3 "^watchpoint 2: write of 4 bytes at 0x01012344 \(pa 0x01012344\).*hit 2 times" \
    "pa watch: write through the identity map"
check mmu "cont" 3 "old value 0x$V, new value 0x$NOTV" "pa watch: second values"
check mmu "tlb" "^PL1 +010 +00010000 +00010000 +rwx +r-x +A- " "tlb: code page, decoded ARM block"
check mmu "tlb" "^PL1 +012 +[0-9a-f]{8} +01012000 +rwx +--- " "tlb: watched page has no fast tags"
check mmu "tlb" "^[1-9][0-9]* valid entr" "tlb: count"
check mmu "cont" 4 "^watchpoint 3: read of 4 bytes at 0x40012344 \(pa 0x01012344\)" "read watch"
check mmu "cont" 4 "^  value 0x$NOTV$" "read watch: value read"
check mmu "info break" "^2 +watchw +pa:0x01012344 len 4 +2 " "info break: pa watch"
check mmu "info break" "^3 +watchr +0x40012344 len 4 +1 " "info break: read watch"
check mmu "cont" 5 "^machine shut down" "ran to the end"

# ---- 3. Linux ----
if find_guests > /dev/null; then
    write_linux_cfg "$TMP/linux.cfg" "console=ttyAMA0 armhv.autopoweroff"
    MAP=$GUESTS/versatilepb/System.map
    VIC_IRQ=$(awk '$3 == "vic_handle_irq" { print $1 }' "$MAP")
    cat > "$TMP/linux.script" <<SCRIPT
symbols
symbols $MAP
step 250000000
break vic_handle_irq
cont
delete
irq
devices
devices timer01
stats
x/s linux_banner
walk start_kernel
tlb
screendump $TMP/screen.ppm
trace irq on $TMP/irq.trace
step 200000
trace irq off
trace
quit
SCRIPT
    run_monitor linux "$TMP/linux.cfg"
    check linux "symbols" "^[0-9]{4,} symbols from .*/System.map" \
        "System.map beside the zImage loaded at start"
    check linux "symbols $MAP" "^loaded [0-9]{4,} symbols" "symbols FILE"
    check linux "cont" "^breakpoint 1 at 0x$VIC_IRQ <vic_handle_irq>, hit 1 time" \
        "breakpoint in the kernel's VIC handler"
    check linux "irq" "^cpu0: IRQ input 1 \(masked by CPSR.I\)" "irq: CPU IRQ input raised"
    check linux "irq" "^vic \(pl190 VIC\) at 0x10140000: nVICIRQ 1" "irq: VIC output"
    check linux "irq" "yes +irq +yes$" "irq: a pending enabled line"
    check linux "irq" "^sic \(Versatile SIC\) at 0x10003000" "irq: SIC"
    check linux "devices" "^vic +pl190 +0x10140000-0x10140fff" "devices: VIC"
    check linux "devices" "^timer01 +sp804 +0x101e2000-0x101e2fff" "devices: timer"
    check linux "devices" "^uart0 +pl011 +0x101f1000-0x101f1fff" "devices: UART"
    check linux "devices timer01" "Timer1: Load 0x[0-9a-f]{8}" "devices NAME: registers"
    check linux "stats" "exceptions: .* irq=[1-9][0-9]*" "stats: IRQs taken"
    check linux "stats" "^  mmu: [1-9][0-9]* TLB fills \([0-9]+\.[0-9] per 10\^6 instructions\), [1-9][0-9]* slow-path walks" "stats: MMU"
    check linux "stats" "^session: [0-9]{9,} instructions" "stats: session"
    check linux "x/s linux_banner" ': "Linux version 6\.1' "x/s: the kernel banner"
    check linux "walk start_kernel" "1 MiB section" "walk: kernel section"
    check linux "walk start_kernel" "privileged rwx user ---" "walk: kernel-only"
    check linux "tlb" "^PL1 +[0-9a-f]{3} +c[0-9a-f]{7} " "tlb: kernel pages"
    check linux "screendump $TMP/screen.ppm" "^wrote .*screen.ppm from clcd" "screendump"
    if [ "$(head -c 11 "$TMP/screen.ppm" 2> /dev/null | tr '\n' ' ')" = "P6 800 600 " ]; then
        echo "  ok   linux: screendump wrote an 800x600 PPM"
    else
        echo "  FAIL linux: screendump file: $(head -c 20 "$TMP/screen.ppm" | od -c | head -n 1)"
        status=1
    fi
    check linux "trace" "^irq +off" "trace: state"
    if grep -q "^\[irq\] " "$TMP/irq.trace" 2> /dev/null; then
        echo "  ok   linux: trace irq to a file"
    else
        echo "  FAIL linux: no [irq] lines in the trace file"
        status=1
    fi
else
    echo "  skip Linux part: no guest images (see README.md)"
fi

exit $status
