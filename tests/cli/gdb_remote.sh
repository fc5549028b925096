#!/usr/bin/env bash
# gdb-multiarch against the gdb stub (acceptance 4 of issue 6), in batch
# mode, like a person debugging a guest:
#  1. a bare-metal program with symbols: break at main, continue, read the
#     registers and the stack, stepi (pc + 4), list the CPUs as threads,
#     pass `monitor regs` through, watch a variable an interrupt handler
#     writes, kill;
#  2. the Linux guest without symbols (MMU on): a breakpoint at the
#     virtual address of start_kernel from System.map, the same checks,
#     then detach, after which the guest must boot to the end untouched.
# gdb must pick the ARM architecture from the stub's target.xml alone.
set -u
. "$(dirname "$0")/../lib.sh"
command -v gdb-multiarch > /dev/null ||
    { echo "gdb-multiarch is not installed (scripts/install-deps)"; exit 1; }

# start_emu CFG: runs the emulator stopped, waiting for gdb on a free port.
start_emu() {
    "$EMU" -S -gdb tcp::0 "$1" < /dev/null > "$TMP/emu.out" 2> "$TMP/emu.err" &
    emu_pid=$!
    port=
    for _ in $(seq 50); do
        port=$(sed -n 's/.*gdb stub listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$TMP/emu.err")
        [ -n "$port" ] && return 0
        sleep 0.1
    done
    echo "the emulator did not announce its gdb port:"
    sed 's/^/    | /' "$TMP/emu.err"
    return 1
}

# run_gdb OUT GDB-ARGS...: one batch session against the emulator. When
# gdb cannot connect, it also shows whether the emulator still runs and
# what it printed, so a failure says which side went wrong.
run_gdb() {
    local out=$1
    shift
    timeout 300 gdb-multiarch -nx -batch -ex "set pagination off" -ex "set confirm off" \
        "$@" > "$out" 2>&1
    sed 's/^/    | /' "$out"
    if grep -q "^127\.0\.0\.1:[0-9]*: " "$out"; then
        if kill -0 "$emu_pid" 2> /dev/null; then
            echo "    (gdb could not connect; the emulator is still running)"
        else
            echo "    (gdb could not connect; the emulator has exited)"
        fi
        sed 's/^/    emu| /' "$TMP/emu.err"
    fi
}

# wait_emu SECONDS: the emulator's exit status, or 124 if it is still running.
wait_emu() {
    for _ in $(seq $(($1 * 10))); do
        kill -0 "$emu_pid" 2> /dev/null || { wait "$emu_pid"; return $?; }
        sleep 0.1
    done
    kill "$emu_pid"
    return 124
}

# value NAME FILE: the hex value of `p/x` output "$N = 0x..." number NAME.
value() { sed -n "s/^\\\$$1 = \\(0x[0-9a-f]*\\)\$/\\1/p" "$2"; }

check_common() { # check_common OUT BP_ADDR
    local out=$1 bp=$2
    expect_in "$out" "^pc  *$bp " "info registers: pc at the breakpoint" || return 1
    expect_in "$out" "^cpsr  *0x" "info registers: cpsr" || return 1
    expect_in "$out" "^sp  *0x" "info registers: sp" || return 1
    local sp
    sp=$(sed -n 's/^sp  *\(0x[0-9a-f]*\) .*/\1/p' "$out" | head -n 1)
    expect_in "$out" "^$sp.*:	0x[0-9a-f]*	0x[0-9a-f]*	0x[0-9a-f]*	0x[0-9a-f]*\$" \
        "x/4x \$sp: four words read at sp" || return 1
    local before after
    before=$(value 1 "$out")
    after=$(value 2 "$out")
    if [ "$before" != "$bp" ] || [ $((after - before)) -ne 4 ]; then
        echo "stepi: pc went from '$before' to '$after', expected $bp to $bp + 4"
        return 1
    fi
    echo "  stepi: pc $before -> $after"
    expect_in "$out" "^\* 1 *Thread 1 (cpu0 arm926" "info threads: CPU 0 as thread 1" ||
        return 1
    # The monitor's own register dump, passed through, at the same pc.
    expect_in "$out" "pc=$(printf %08x "$after")" "monitor regs: pc after the stepi" ||
        return 1
    expect_in "$out" "icount [0-9]" "monitor regs: the instruction count" || return 1
}

echo "-- firmware with symbols"
elf="$FIRMWARE/tests/irq_timer.elf"
write_cfg "$TMP/fw.cfg" "$elf"
start_emu "$TMP/fw.cfg" || exit 1
run_gdb "$TMP/gdb1.out" -ex "file $elf" -ex "target remote 127.0.0.1:$port" \
    -ex "break main" -ex "continue" -ex "info registers" -ex 'x/4x $sp' \
    -ex 'p/x $pc' -ex "stepi" -ex 'p/x $pc' -ex "info threads" -ex "monitor regs" \
    -ex "watch st.timer_count" -ex "continue" -ex 'p st.timer_count' -ex "kill"
bp=$(sed -n 's/^Breakpoint 1 at \(0x[0-9a-f]*\): file .*/\1/p' "$TMP/gdb1.out")
expect_in "$TMP/gdb1.out" "^Breakpoint 1, main ()" "the breakpoint at main hit" &&
check_common "$TMP/gdb1.out" "$bp" &&
expect_in "$TMP/gdb1.out" "^Hardware watchpoint 2: st.timer_count" "a hardware watchpoint" &&
expect_in "$TMP/gdb1.out" "^New value = 1\$" "the watchpoint reporting the ISR's write" &&
expect_in "$TMP/gdb1.out" "^\$3 = 1\$" "the watched variable read after the stop" || exit 1
wait_emu 30
rc=$?
[ $rc -eq 0 ] || { echo "emulator exit status $rc after kill"; exit 1; }
echo "  kill: the emulator exited with status 0"

echo "-- Linux guest, breakpoint at start_kernel (virtual address)"
find_guests || exit 1
start_kernel=0x$(awk '$3 == "start_kernel" { print $1 }' "$GUESTS/versatilepb/System.map")
[ "$start_kernel" != 0x ] || { echo "start_kernel not in System.map"; exit 1; }
write_linux_cfg "$TMP/linux.cfg" "console=ttyAMA0 armhv.autopoweroff"
start_emu "$TMP/linux.cfg" || exit 1
run_gdb "$TMP/gdb2.out" -ex "target remote 127.0.0.1:$port" \
    -ex "show architecture" -ex "break *$start_kernel" -ex "continue" -ex "info registers" \
    -ex 'x/4x $sp' -ex 'p/x $pc' -ex "stepi" -ex 'p/x $pc' -ex "info threads" \
    -ex "monitor regs" -ex "detach"
expect_in "$TMP/gdb2.out" "currently \"arm\"" "gdb choosing ARM from target.xml" &&
expect_in "$TMP/gdb2.out" "^Breakpoint 1, $start_kernel in" "the breakpoint at start_kernel hit" &&
check_common "$TMP/gdb2.out" "$start_kernel" &&
expect_in "$TMP/gdb2.out" "cpsr=.* svc\]" "monitor regs: kernel in SVC mode" &&
expect_in "$TMP/gdb2.out" "MMU on" "monitor regs: the MMU on" &&
expect_in "$TMP/gdb2.out" "Inferior 1 .* detached" "gdb detaching" || exit 1
wait_emu 300
rc=$?
expect_in "$TMP/emu.out" "ARMHV-WORKLOAD-DONE" "the guest booting on after detach" || exit 1
[ $rc -eq 0 ] || { echo "emulator exit status $rc after the guest powered off"; exit 1; }
echo "  detach: the guest ran its workload and powered off (status 0)"
