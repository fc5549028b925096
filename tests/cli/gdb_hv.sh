#!/usr/bin/env bash
# gdb-multiarch against the gdb stub on the partitioned demo board
# (configs/demo.cfg: mini-OS Dom0 + DomU; acceptance 4 of issue 6, "lists
# domains as threads"), in batch mode:
#  - `info threads` shows one thread per vCPU, named by domain;
#  - a breakpoint on DomU's app_main for that thread stops there, in the
#    DomU's thread (Dom0 runs other code at the same virtual address);
#  - stepi steps that vCPU (pc + 4, no switch to another thread);
#  - memory is read through the selected thread's own translation: the
#    same virtual address holds each domain's own name string;
#  - `monitor domains` passes through; kill ends the emulator with 0.
# Why: with two guests at the same virtual addresses, a stub that reads
# the wrong vCPU's memory or reports the wrong thread shows a plausible
# but foreign program.
set -u
. "$(dirname "$0")/../lib.sh"
command -v gdb-multiarch > /dev/null ||
    { echo "gdb-multiarch is not installed (scripts/install-deps)"; exit 1; }
NM=${CROSS_COMPILE:-arm-none-eabi-}nm
for elf in dom0 domu; do
    if [ ! -f "$FIRMWARE/minios/$elf.elf" ]; then
        echo "no $FIRMWARE/minios/$elf.elf (make O=$O builds it)"
        exit 1
    fi
done
top=$(cd "$(dirname "$0")/../.." && pwd)
addr_of() { "$NM" "$1" | awk -v s="$2" '$3 == s { print $1; exit }'; }
DOMU_MAIN=0x$(addr_of "$FIRMWARE/minios/domu.elf" app_main)
DOMU_NAME=0x$(addr_of "$FIRMWARE/minios/domu.elf" app_name)
DOM0_NAME=0x$(addr_of "$FIRMWARE/minios/dom0.elf" app_name)
if [ "$DOMU_MAIN" = 0x ] || [ "$DOMU_NAME" = 0x ] || [ "$DOM0_NAME" = 0x ] ||
   [ "$DOMU_NAME" = "$DOM0_NAME" ]; then
    echo "app_main/app_name not found in the mini-OS ELFs (or app_name at one address)"
    exit 1
fi

"$EMU" -S -gdb tcp::0 -s "domain dom0.kernel=$FIRMWARE/minios/dom0.elf" \
    -s "domain guest1.kernel=$FIRMWARE/minios/domu.elf" "$top/configs/demo.cfg" \
    < /dev/null > "$TMP/emu.out" 2> "$TMP/emu.err" &
emu_pid=$!
port=
for _ in $(seq 50); do
    port=$(sed -n 's/.*gdb stub listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$TMP/emu.err")
    [ -n "$port" ] && break
    sleep 0.1
done
[ -n "$port" ] || { echo "no gdb port announced:"; sed 's/^/    | /' "$TMP/emu.err"; exit 1; }

# gdb numbers the threads 1, 2 in the order of qfThreadInfo: dom0 vcpu0,
# then dom1 vcpu0 (target ids 1 and 0x101 = 257).
timeout 300 gdb-multiarch -nx -batch -ex "set pagination off" -ex "set confirm off" \
    -ex "target remote 127.0.0.1:$port" -ex "info threads" \
    -ex "break *$DOMU_MAIN thread 2" -ex "continue" -ex "info threads" \
    -ex 'p/x $pc' -ex "stepi" -ex 'p/x $pc' -ex "x/s $DOMU_NAME" \
    -ex "thread 1" -ex "x/s $DOM0_NAME" -ex "x/s $DOMU_NAME" \
    -ex "monitor domains" -ex "kill" > "$TMP/gdb.out" 2>&1
sed 's/^/    | /' "$TMP/gdb.out"

fail() { echo "FAIL: $1"; kill "$emu_pid" 2> /dev/null; exit 1; }
grep -q "^\* 1 *Thread 1 (dom0 vcpu0 (dom0), svc mode)" "$TMP/gdb.out" ||
    fail "info threads: dom0 vcpu0 as thread 1"
grep -q "^  2 *Thread 257 (dom1 vcpu0 (guest1), svc mode)" "$TMP/gdb.out" ||
    fail "info threads: dom1 vcpu0 as thread 257"
grep -q "^Thread 2 hit Breakpoint 1, $DOMU_MAIN in" "$TMP/gdb.out" ||
    fail "the breakpoint on DomU's app_main hit in DomU's thread"
grep -q "^\* 2 *Thread 257 (dom1 vcpu0 (guest1)" "$TMP/gdb.out" ||
    fail "info threads after the stop: thread 2 (DomU) current"
grep -q "^\$1 = $DOMU_MAIN\$" "$TMP/gdb.out" || fail "pc at the breakpoint"
grep -q "^\$2 = $(printf '0x%x' $((DOMU_MAIN + 4)))\$" "$TMP/gdb.out" ||
    fail "stepi: pc + 4 in the same thread"
# The names the guests print in their banners ("mini-OS domu: ...").
domu=$(sed -n 's/.*mini-OS \([a-z0-9]*\): armhv paravirtual.*/\1/p' "$TMP/emu.out" | sort -u)
echo "  banner names: $(echo $domu)"
grep -q "^$DOMU_NAME:	\"domu\"\$" "$TMP/gdb.out" || fail "x/s in DomU's thread: its name"
echo "$domu" | grep -qx domu || fail "DomU's banner"
grep -q "^$DOM0_NAME:	\"dom0\"\$" "$TMP/gdb.out" || fail "x/s in Dom0's thread: its name"
[ "$(grep -c "^$DOMU_NAME:	\"domu\"\$" "$TMP/gdb.out")" -eq 1 ] ||
    fail "Dom0's thread must not see DomU's string at DomU's address"
grep -q "^[* ] 1 *guest1 " "$TMP/gdb.out" || fail "monitor domains passed through"
for _ in $(seq 100); do
    kill -0 "$emu_pid" 2> /dev/null || break
    sleep 0.1
done
kill -0 "$emu_pid" 2> /dev/null && fail "the emulator still runs after kill"
wait "$emu_pid"
rc=$?
[ $rc -eq 0 ] || fail "emulator exit status $rc after kill"
echo "  threads, thread breakpoint, stepi, per-thread memory, monitor passthrough, kill: ok"
