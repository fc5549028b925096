#!/usr/bin/env bash
# The monitor's hypervisor commands (issue 6) on configs/demo.cfg: mini-OS
# Dom0 and one mini-OS DomU, driven by -x scripts. Each command's output is
# checked against what the guests themselves published (their xenstore
# keys, the ports and grant refs they print on their consoles, their ELF
# symbols) or against another command's view of the same object, not
# against a previous run:
#  1. before anything runs: the default vCPU is Dom0's vCPU 0 at the ELF
#     entry; `domain guest1` + `break` at DomU's app_main stops in domain 1
#     only (Dom0 runs different code at that address); `step 1000` in a
#     domain advances exactly that vCPU by 1000 instructions.
#  2. after boot: domains, regs per domain (different PCs), evtchn (the
#     console and xenstore service ports, the interdomain pair seen from
#     both ends), grants (the ref DomU published as data/demo-gref),
#     xenstore ls/read/write/watch (a monitor watch reporting the write),
#     rings (console and xenstore indexes), walk with the stage-2 step
#     (machine address = the domain's RAM partition), stats per domain,
#     trace hypercalls.
#  3. bad input: unknown domain, xenstore errors, hv commands on a bare
#     board: a clear error, exit status 1, no crash.
# Why: these views are how a student sees the split between domains; a
# view that mixes up domains (a breakpoint stopping the wrong guest, a walk
# landing in the wrong partition) teaches the wrong thing.
set -u
. "$(dirname "$0")/../lib.sh"

status=0
H="[0-9a-f]"
NM=${CROSS_COMPILE:-arm-none-eabi-}nm
for elf in dom0 domu; do
    if [ ! -f "$FIRMWARE/minios/$elf.elf" ]; then
        echo "no $FIRMWARE/minios/$elf.elf (make O=$O builds it)"
        exit 1
    fi
done
top=$(cd "$(dirname "$0")/../.." && pwd)
DEMO="$top/configs/demo.cfg"
OVERRIDES=(-s "domain dom0.kernel=$FIRMWARE/minios/dom0.elf"
           -s "domain guest1.kernel=$FIRMWARE/minios/domu.elf")
addr_of() { "$NM" "$1" | awk -v s="$2" '$3 == s { print $1; exit }'; }
DOMU_MAIN=$(addr_of "$FIRMWARE/minios/domu.elf" app_main)
DOM0_MAIN=$(addr_of "$FIRMWARE/minios/dom0.elf" app_main)
ENTRY=$(addr_of "$FIRMWARE/minios/dom0.elf" _start)
[ -n "$DOMU_MAIN" ] && [ -n "$DOM0_MAIN" ] && [ "$DOMU_MAIN" != "$DOM0_MAIN" ] ||
    { echo "  FAIL app_main not found in the mini-OS ELFs (or at the same address)"; exit 1; }

# run_monitor NAME [EXPECTED-STATUS]: runs $TMP/NAME.script on the demo.
run_monitor() {
    timeout 300 "$EMU" "${OVERRIDES[@]}" -x "$TMP/$1.script" "$DEMO" < /dev/null \
        > "$TMP/$1.out" 2>&1
    local rc=$?
    if [ $rc -ne "${2:-0}" ]; then
        echo "  FAIL $1: exit status $rc (expected ${2:-0})"
        sed 's/^/    | /' "$TMP/$1.out" | tail -n 40
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

# same WHAT A B: two values taken from the output must agree.
same() {
    if [ -n "$2" ] && [ "$2" = "$3" ]; then
        echo "  ok   $1 ($2)"
    else
        echo "  FAIL $1: '$2' != '$3'"
        status=1
    fi
}

# ---- 1. selection, per-domain breakpoint, stepping one vCPU ----
cat > "$TMP/sel.script" <<SCRIPT
domain
regs
domain guest1
break 0x$DOMU_MAIN
info break
cont
domain
vcpu
step 1000
vcpu
delete
watch 0x39000c0c
cont
info break
quit
SCRIPT
run_monitor sel
check sel "domain" "^following the running vCPU: domain 0 \(dom0\) vcpu0: pc=0x$ENTRY svc mode" \
    "default: Dom0's vCPU 0 at the ELF entry"
check sel "regs" "pc=$ENTRY" "regs: Dom0's vCPU before it ran"
check sel "domain guest1" "^selected domain 1 \(guest1\) vcpu0: pc=0x$ENTRY" "select by name"
check sel "break 0x$DOMU_MAIN" "^breakpoint 1 at 0x$DOMU_MAIN in domain 1$" \
    "a breakpoint scoped to the selected domain"
check sel "info break" "^1 +break +0x$DOMU_MAIN \(dom1\) +0 +-$" "listed with its domain"
check sel "cont" "^breakpoint 1 at 0x$DOMU_MAIN, hit 1 time$" "hit once"
check sel "cont" "^=> 0x$DOMU_MAIN:" "stopped at DomU's app_main"
check sel "domain" 2 "^selected domain 1 \(guest1\) vcpu0: pc=0x$DOMU_MAIN" "in domain 1"
before=$(out_of sel "vcpu" 1 | sed -n 's/^\* dom1 vcpu0: .* icount \([0-9]*\) .*/\1/p')
after=$(out_of sel "vcpu" 2 | sed -n 's/^\* dom1 vcpu0: .* icount \([0-9]*\) .*/\1/p')
check sel "step 1000" "^stepped 1000 instructions; pc=0x4$H{7} arm mode=" "step 1000 in domain 1"
same "step 1000: domain 1's vCPU ran exactly 1000 instructions" "$((before + 1000))" "$after"
# out_prod of DomU's console ring (xencons_interface: offset 3084 of the
# page at 0x39000000, identity-mapped while its MMU is off).
check sel "watch 0x39000c0c" "^watchpoint 2: write of 4 bytes at 0x39000c0c in domain 1$" \
    "a watchpoint scoped to domain 1"
check sel "cont" 2 "^watchpoint 2: write of 4 bytes at 0x39000c0c \(pa 0x39000c0c\) \
by the instruction at 0x4$H{7}, hit 1 time$" \
    "the watchpoint hit by DomU's console write"
check sel "cont" 2 "^  old value 0x$H{8}, new value 0x$H{8}$" "watch: old and new out_prod"
old_prod=$(out_of sel "cont" 2 | sed -n 's/^  old value 0x\([0-9a-f]*\), new value 0x\([0-9a-f]*\)$/\1/p')
new_prod=$(out_of sel "cont" 2 | sed -n 's/^  old value 0x\([0-9a-f]*\), new value 0x\([0-9a-f]*\)$/\2/p')
if [ -n "$old_prod" ] && [ $((0x${new_prod:-0})) -gt $((0x$old_prod)) ]; then
    echo "  ok   watch: out_prod grew from 0x$old_prod to 0x$new_prod"
else
    echo "  FAIL watch: out_prod '$old_prod' -> '$new_prod'"
    status=1
fi
check sel "info break" 2 "^2 +watchw +0x39000c0c len 4 \(dom1\) +1 +-$" "info break: the scoped watch"

# A breakpoint set while following (any domain) that another domain hits:
# the selection moves to the vCPU that hit it. Dom0 runs its own code at
# DomU's app_main address first.
printf 'break 0x%s\ndomain 1\ncont\ndomain\nquit\n' "$DOMU_MAIN" > "$TMP/switch.script"
run_monitor switch
check switch "break 0x$DOMU_MAIN" "^breakpoint 1 at 0x$DOMU_MAIN$" "an unscoped breakpoint"
check switch "cont" "^\[now in domain 0 \(dom0\) vcpu0\]$" "the hit moves the selection"
check switch "domain" "^selected domain 0 \(dom0\) vcpu0: pc=0x$DOMU_MAIN" "now in dom0"

# ---- 2. inspecting the booted system ----
# The grant ref DomU published, for a made-up split-driver ring-ref below.
printf 'step 2000000\nxenstore read /local/domain/1/data/demo-gref\nquit\n' > "$TMP/gref.script"
run_monitor gref
GREF=$(out_of gref "xenstore read /local/domain/1/data/demo-gref" | sed -n 's/.* = "\([0-9]*\)"$/\1/p')
cat > "$TMP/hv.script" <<SCRIPT
step 2000000
domains
domain 0
regs
walk pc
domain 1
regs
walk pc
walk 0x03001000
walk 0x38000000
evtchn 0
evtchn guest1
grants 1
grants 0
xenstore ls /local/domain/1
xenstore read /local/domain/1/data/demo-gref
xenstore read /local/domain/1/data/demo-port
xenstore watch /local/domain/1/data
xenstore write /local/domain/1/data/monitor-test hello from the monitor
xenstore read /local/domain/1/data/monitor-test
step 1
xenstore watch
xenstore write /local/domain/1/device/vbd/51712/ring-ref ${GREF:-0}
xenstore write /local/domain/1/device/vif/0/tx-ring-ref bogus
rings 1
rings 0
stats
trace hypercalls on
trace
trace hypercalls off
quit
SCRIPT
run_monitor hv
check hv "domains" "^ +0 +dom0 +(running|blocked) +64M +1 +[1-9][0-9]{4,} +[1-9][0-9]* +[1-9]" \
    "domains: dom0, 64M, 1 vCPU, instructions, hypercalls, traps"
check hv "domains" "^[* ] 1 +guest1 +(running|blocked) +32M +1 +[1-9][0-9]{4,} +[1-9][0-9]* +[1-9]" \
    "domains: guest1, 32M"
check hv "domains" "^[* ] 1 +guest1 .* [1-9][0-9]* +[1-9][0-9]* +[1-9][0-9]*$" \
    "domains: guest1 switched in, sent and received events"
pc0=$(out_of hv "regs" 1 | sed -n 's/.*pc=\([0-9a-f]*\).*/\1/p')
pc1=$(out_of hv "regs" 2 | sed -n 's/.*pc=\([0-9a-f]*\).*/\1/p')
if [ -n "$pc0" ] && [ -n "$pc1" ] && [ "$pc0" != "$pc1" ]; then
    echo "  ok   regs: domain 0 at $pc0, domain 1 at $pc1"
else
    echo "  FAIL regs: domain 0 and domain 1 at '$pc0' and '$pc1'"
    status=1
fi
# Board RAM starts at 0x80000000 (vexpress-a15 RS1); the partitions follow
# in file order: dom0 64M, then guest1. IPA 0x40000000 is each one's start.
ma0=$(printf '%08x' $((0x80000000 + 0x$pc0 - 0x40000000)))
ma1=$(printf '%08x' $((0x84000000 + 0x$pc1 - 0x40000000)))
check hv "walk pc" 1 "^stage 2: dom0 IPA 0x$pc0 -> machine PA 0x$ma0 \(RAM .*the domain's RAM partition\)" \
    "walk in dom0: IPA -> its partition"
check hv "walk pc" 2 "^stage 2: dom1 IPA 0x$pc1 -> machine PA 0x$ma1 \(RAM .*the domain's RAM partition\)" \
    "walk in dom1: IPA -> its partition"
check hv "walk pc" 2 "^  dom1 RAM: IPA 0x40000000\+0x2000000 = machine 0x84000000\+0x2000000$" \
    "walk: the partition"
check hv "walk 0x03001000" "^stage 2: dom1 IPA 0x03001000 is device 'd1-gicd' \(emulated" \
    "walk: the virtual GIC"
check hv "walk 0x38000000" "^stage 2: dom1 IPA 0x38000000 is hypervisor-owned memory" \
    "walk: the grant-table frames"

gref=$(out_of hv "xenstore read /local/domain/1/data/demo-gref" | sed -n 's/.* = "\([0-9]*\)"$/\1/p')
dport=$(out_of hv "xenstore read /local/domain/1/data/demo-port" | sed -n 's/.* = "\([0-9]*\)"$/\1/p')
same "the guest's console names the same grant ref as xenstore" "$gref" \
    "$(sed -n 's/.*granted page as ref \([0-9]*\),.*/\1/p' "$TMP/hv.out")"
check hv "evtchn guest1" "^ +$dport +interdomain +dom0 port [0-9]+ " \
    "evtchn: DomU's published port is interdomain to dom0"
peer=$(out_of hv "evtchn guest1" | sed -n "s/^ *$dport  *interdomain  *dom0 port \([0-9]*\) .*/\1/p")
check hv "evtchn 0" "^ +$peer +interdomain +dom1 port $dport " "evtchn: the same channel from dom0's end"
check hv "evtchn guest1" "^ +[0-9]+ +service +xenstore " "evtchn: the xenstore port"
check hv "evtchn guest1" "^ +[0-9]+ +service +PV console back-end " "evtchn: the console port"
check hv "evtchn guest1" "^vcpu0: evtchn_upcall_pending=[01] pending_sel=$H{16} .* [1-9][0-9]* upcalls" \
    "evtchn: the vCPU's upcall state"
conport=$(out_of hv "evtchn guest1" | sed -n 's/^ *\([0-9]*\)  *service  *PV console.*/\1/p')
xsport=$(out_of hv "evtchn guest1" | sed -n 's/^ *\([0-9]*\)  *service  *xenstore.*/\1/p')
check hv "grants 1" "^ +$gref +permit_access(,readonly)? +0 +0x$H{6} +0x4$H{7} " \
    "grants: the published ref, granted to dom0"
check hv "grants 1" "^grant table of domain 1 \(guest1\): [1-9][0-9]* frames? at IPA 0x38000000" \
    "grants: the table"
check hv "grants 0" "^mappings domain 0 holds \(0\):" "grants: dom0 copies, holds no mapping"
check hv "xenstore ls /local/domain/1" '^  name = "guest1"  \(n1' "xenstore ls: name"
check hv "xenstore ls /local/domain/1" '^  domid = "1"  \(n1' "xenstore ls: domid"
check hv "xenstore ls /local/domain/1" '^    greeting = "hello from mini-OS"' \
    "xenstore ls: the DomU's own key, nested"
check hv "xenstore write /local/domain/1/data/monitor-test hello from the monitor" \
    '^/local/domain/1/data/monitor-test = "hello from the monitor"' "xenstore write"
check hv "xenstore read /local/domain/1/data/monitor-test" \
    '^/local/domain/1/data/monitor-test = "hello from the monitor"$' "xenstore read: round trip"
check hv "step 1" "^xenstore watch /local/domain/1/data fired:$" "monitor watch fired"
check hv "step 1" '^  \+ /local/domain/1/data/monitor-test = "hello from the monitor"$' \
    "monitor watch: the added node"
check hv "xenstore watch" "^monitor watch /local/domain/1/data: [0-9]+ nodes, fired 1 time$" \
    "xenstore watch: listed, fired once"
check hv "xenstore watch" "^domain 1 \(guest1\): [0-9]+ watch(es)?, .* [1-9][0-9]* requests" \
    "xenstore watch: the guest's connection"
check hv "rings 1" "^console ring at IPA 0x39000000, event channel $conport; [1-9][0-9]* bytes out" \
    "rings: the console ring on the console port"
check hv "rings 1" "^  out \(guest -> hv, 2048 bytes\): out_prod=([1-9][0-9]*) out_cons=\1 pending=0$" \
    "rings: console output all consumed"
check hv "rings 1" "^xenstore ring at IPA 0x39001000, event channel $xsport; connection connected" \
    "rings: the xenstore ring on the xenstore port"
check hv "rings 1" "^  req \(guest -> xenstore\): req_prod=([1-9][0-9]*) req_cons=\1 pending=0$" \
    "rings: xenstore requests all consumed"
check hv "rings 0" "^console: no PV console ring \(Dom0" "rings: Dom0 has no PV console"
gframe=$(out_of hv "grants 1" | sed -n "s/^ *$gref  *permit_access[a-z,]*  *0  *0x\([0-9a-f]*\) .*/\1/p")
gframe=$(printf %x $((0x${gframe:-0})))
check hv "rings 1" \
    "^/local/domain/1/device/vbd/51712/ring-ref = \"$gref\": frame 0x$gframe granted to dom0$" \
    "rings: a ring-ref found through xenstore, resolved through the grant table"
check hv "rings 1" "^  req_prod=[0-9]+ rsp_prod=[0-9]+ req_event=[0-9]+ rsp_event=[0-9]+" \
    "rings: the shared ring's indexes"
check hv "rings 1" "^/local/domain/1/device/vif/0/tx-ring-ref = \"bogus\": not a grant ref of this domain$" \
    "rings: a bad ring-ref is reported, not followed"
check hv "stats" "^domain 1 \(guest1\): [1-9][0-9]* instructions, [1-9][0-9]* hypercalls" \
    "stats: per domain"
check hv "stats" "^  hypercalls: .*event_channel_op=[1-9]" "stats: hypercalls by name"
check hv "stats" "^  vcpu0: [1-9][0-9]* instructions, [1-9][0-9]* upcalls" "stats: per vCPU"
check hv "stats" "^scheduler: 2 vCPUs, slice [1-9][0-9]* instructions, [1-9][0-9]* world switches" \
    "stats: the scheduler"
check hv "trace hypercalls on" "^trace hypercalls on$" "trace hypercalls"
check hv "trace" "^hv +on$" "trace: the class is the hv class"

# ---- 3. bad input ----
for bad in "domain 7|no domain 7" "evtchn nosuch|no domain named 'nosuch'" \
           "xenstore read /no/such/node|xenstore read /no/such/node: ENOENT" \
           "xenstore write relative|usage: xenstore write" "vcpu 3|domain 0 has no vcpu '3'" \
           "cpu 1|use domain N and vcpu N|pick one with domain N"; do
    cmd=${bad%%|*}
    printf '%s\nquit\n' "$cmd" > "$TMP/bad.script"
    run_monitor bad 1
    if grep -q -E "^error: .*(${bad#*|})" "$TMP/bad.out"; then
        echo "  ok   bad: '$cmd' refused"
    else
        echo "  FAIL bad: '$cmd':"
        sed 's/^/    | /' "$TMP/bad.out" | tail -n 5
        status=1
    fi
done
write_cfg "$TMP/bare.cfg" "$FIRMWARE/tests/exceptions.elf"
printf 'domains\nquit\n' > "$TMP/bare.script"
timeout 60 "$EMU" -x "$TMP/bare.script" "$TMP/bare.cfg" < /dev/null > "$TMP/bare.out" 2>&1
if [ $? -eq 1 ] && grep -q "^error: no hypervisor" "$TMP/bare.out"; then
    echo "  ok   bare board: domains refused"
else
    echo "  FAIL bare board: domains"
    sed 's/^/    | /' "$TMP/bare.out" | tail -n 5
    status=1
fi
exit $status
