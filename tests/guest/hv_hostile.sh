#!/usr/bin/env bash
# The hostile DomU (issue 5, acceptance 3): firmware/minios/apps/hostile.c
# runs beside Dom0 and a demo DomU and attacks the hypervisor: frames
# outside its memory, forged and stale grant references, its own grants
# mapped twice and unmapped with wrong handles, unbound ports and other
# domains' ports, other domains' xenstore nodes, pointers outside its
# memory in every hypercall that takes one, toolstack operations. Each
# attempt prints "HOSTILE <name>: got ... expected ... OK|FAIL"; all must
# be OK. Then Dom0 must still answer `list` on its serial shell, and the
# run must end cleanly on Dom0's poweroff (under ASan/UBSan too: CI runs
# the suite with O=build-asan).
set -u
. "$(dirname "$0")/../lib.sh"

for elf in dom0 domu hostile; do
    if [ ! -f "$FIRMWARE/minios/$elf.elf" ]; then
        echo "$FIRMWARE/minios/$elf.elf is missing: build with make O=$O"
        exit 1
    fi
done
cat > "$TMP/hostile.cfg" <<CFG
[machine]
board = vexpress-a15
memory = 256M
realtime = no
[hypervisor]
[domain dom0]
memory = 64M
kernel = $(realpath "$FIRMWARE/minios/dom0.elf")
devices = serial0
[domain guest1]
memory = 32M
kernel = $(realpath "$FIRMWARE/minios/domu.elf")
cmdline = heartbeats=1 then=stay
[domain hostile]
memory = 32M
kernel = $(realpath "$FIRMWARE/minios/hostile.elf")
[serial0]
backend = stdio
CFG

start_with_input "$TMP/out" --stats "$TMP/hostile.cfg"

wait_for "HOSTILE summary:" 120 || exit 1
wait_for "domain [0-9]* (hostile) shut down: poweroff" 60 || exit 1
grep '^\[hostile\] HOSTILE ' "$TMP/out" | sed 's/^\[hostile\] /  /'
lines=$(grep -c '^\[hostile\] HOSTILE [a-z0-9_]*: got ' "$TMP/out")
oks=$(grep -c '^\[hostile\] HOSTILE [a-z0-9_]*: got .* OK$' "$TMP/out")
summary=$(grep -m1 'HOSTILE summary:' "$TMP/out")
if [ "$lines" -lt 60 ] || [ "$oks" -ne "$lines" ] ||
   ! grep -q "HOSTILE summary: $lines checks, $lines OK, 0 FAIL" <<< "$summary"; then
    echo "hostile checks: $lines lines, $oks OK; $summary"
    exit 1
fi
echo "  all $lines attacks got the documented error"

# Dom0 and the other DomU are unharmed.
printf 'list\n' >&3
wait_for "^1 *guest1 " 60 || exit 1
if ! grep -Eq '^0 +dom0 +(running|blocked) +65536 ' "$TMP/out"; then
    echo "Dom0 missing from list"
    exit 1
fi
grep -E '^[0-9]+ +[a-z]' "$TMP/out" | sed 's/^/    | /'
echo "  Dom0 still answers list"

printf 'poweroff\n' >&3
wait_exit 30
echo "  exit status after Dom0's poweroff: $status"
no_sanitizer_report "$TMP/out.err" || exit 1
[ $status -eq 0 ]
