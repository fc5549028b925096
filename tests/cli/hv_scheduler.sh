#!/usr/bin/env bash
# The partitioned machine's run loop (hv/sched.c, hv/system.c), with three
# mini-OS domains: Dom0 and two DomUs that print a heartbeat every second
# of virtual time and then shut down (guest1 after 3, guest2 after 5).
# Checked:
#   - both DomUs run concurrently: their heartbeats interleave in virtual
#     time (guest1's third comes before guest2's fourth), so neither waits
#     for the other to finish (a scheduler that runs one domain to the end,
#     or starves a sleeping one, fails);
#   - each DomU's shutdown is reported in order and, with
#     [hypervisor] exit-when = domus-down, the run ends with status 0 when
#     the last one is down; the guest time matches the heartbeats (~5 s),
#     i.e. idle stretches were skipped, not spun through;
#   - the run is deterministic: two runs retire exactly the same number of
#     instructions and print the same bytes (world switches happen at
#     instruction counts, never at host-time points);
#   - `-d hv` traces the world switches.
set -u
. "$(dirname "$0")/../lib.sh"

for elf in dom0 domu; do
    if [ ! -f "$FIRMWARE/minios/$elf.elf" ]; then
        echo "$FIRMWARE/minios/$elf.elf is missing: build with make O=$O"
        exit 1
    fi
done
cat > "$TMP/three.cfg" <<CFG
[machine]
board = vexpress-a15
memory = 256M
realtime = no
rtc = 2025-01-01T00:00:00
[hypervisor]
slice = 1ms
exit-when = domus-down
[domain dom0]
memory = 64M
kernel = $(realpath "$FIRMWARE/minios/dom0.elf")
devices = serial0
[domain guest1]
memory = 32M
kernel = $(realpath "$FIRMWARE/minios/domu.elf")
cmdline = heartbeats=3 then=shutdown
[domain guest2]
memory = 32M
kernel = $(realpath "$FIRMWARE/minios/domu.elf")
cmdline = heartbeats=5 then=shutdown
[serial0]
backend = stdio
CFG

status=0
for run in 1 2; do
    timeout 120 "$EMU" --headless --stats "$TMP/three.cfg" < /dev/null \
        > "$TMP/out$run" 2> "$TMP/err$run"
    rc=$?
    if [ $rc -ne 0 ]; then
        echo "  run $run: exit status $rc (want 0)"
        tail -n 15 "$TMP/out$run" "$TMP/err$run" | sed 's/^/    | /'
        status=1
    fi
done
[ $status -eq 0 ] || exit 1
echo "  $(tail -n 1 "$TMP/err1")"

line_of() { # line_of FILE PATTERN: number of the first matching line
    grep -n -- "$2" "$1" | head -n 1 | cut -d: -f1
}
g1_third=$(line_of "$TMP/out1" "^\[guest1\] .*heartbeat 3")
g2_first=$(line_of "$TMP/out1" "^\[guest2\] .*heartbeat 1")
g2_fourth=$(line_of "$TMP/out1" "^\[guest2\] .*heartbeat 4")
if [ -z "$g1_third" ] || [ -z "$g2_first" ] || [ -z "$g2_fourth" ]; then
    echo "  missing heartbeats:"
    grep "heartbeat" "$TMP/out1" | sed 's/^/    | /'
    status=1
elif [ "$g2_first" -gt "$g1_third" ] || [ "$g1_third" -gt "$g2_fourth" ]; then
    echo "  the DomUs did not run side by side (lines: guest2 #1 $g2_first," \
         "guest1 #3 $g1_third, guest2 #4 $g2_fourth)"
    status=1
else
    echo "  heartbeats interleave: guest2 #1 (line $g2_first) < guest1 #3 ($g1_third) < guest2 #4 ($g2_fourth)"
fi

down1=$(line_of "$TMP/out1" "^\[armhv: domain 1 (guest1) shut down: poweroff\]")
down2=$(line_of "$TMP/out1" "^\[armhv: domain 2 (guest2) shut down: poweroff\]")
if [ -z "$down1" ] || [ -z "$down2" ] || [ "$down1" -gt "$down2" ]; then
    echo "  expected guest1's then guest2's shutdown notice:"
    grep "armhv:" "$TMP/out1" | sed 's/^/    | /'
    status=1
fi

# ~5 s of virtual time (guest2's five heartbeats), run in well under that.
guest_s=$(sed -n 's/.*guest time \([0-9.]*\) s.*/\1/p' "$TMP/err1")
if ! awk -v t="$guest_s" 'BEGIN { exit !(t >= 4.9 && t < 6.5) }'; then
    echo "  guest time ${guest_s:-?} s, want about 5 s"
    status=1
fi

insns1=$(sed -n 's/^armhv-emu: \([0-9]*\) instructions.*/\1/p' "$TMP/err1")
insns2=$(sed -n 's/^armhv-emu: \([0-9]*\) instructions.*/\1/p' "$TMP/err2")
if [ -z "$insns1" ] || [ "$insns1" != "$insns2" ]; then
    echo "  not deterministic: $insns1 vs $insns2 instructions"
    status=1
elif ! cmp -s "$TMP/out1" "$TMP/out2"; then
    echo "  not deterministic: the two runs printed different output"
    diff "$TMP/out1" "$TMP/out2" | head -n 10 | sed 's/^/    | /'
    status=1
else
    echo "  deterministic: $insns1 instructions and identical output in both runs"
fi

timeout 120 "$EMU" --headless -d hv -D "$TMP/trace" "$TMP/three.cfg" < /dev/null \
    > /dev/null 2>&1
if ! grep -q "switch to d2 vcpu0" "$TMP/trace" 2>/dev/null; then
    echo "  -d hv traced no world switch to guest2:"
    head -n 5 "$TMP/trace" 2>/dev/null | sed 's/^/    | /'
    status=1
fi
exit $status
