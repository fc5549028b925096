#!/usr/bin/env bash
# Hypercall round-trip benchmark (issue 5, acceptance 5): runs the mini-OS
# program firmware/minios/apps/hcbench.c as the only domain under
# armhv-emu --stats, once with a loop of N xen_version hypercalls and once
# with the same loop without the HVC, RUNS times each, and reports from the
# medians:
#   host ns per hypercall   = (host time with HVC - host time without) / N
#   guest insns per hypercall = (instructions with HVC - without) / N
# (times and counts from the --stats line). See bench/README.md.
#
#   O=build bench/hypercall.sh
#   N=5000000 RUNS=5 O=build bench/hypercall.sh
#
# Exit status: 0 when every run completed and the hypervisor counted N
# hypercalls in each HVC run, 1 otherwise.
set -u
cd "$(dirname "$0")/.."
O=${O:-build}
N=${N:-2000000}
RUNS=${RUNS:-3}
EMU=${EMU:-$O/armhv-emu}
ELF=$O/firmware/minios/hcbench.elf
RUN_TIMEOUT=${RUN_TIMEOUT:-600}

TMP=$(mktemp -d "${TMPDIR:-/tmp}/armhv-bench.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

for f in "$EMU" "$ELF"; do
    if [ ! -e "$f" ]; then
        echo "bench: $f not found (build it with: make O=$O)" >&2
        exit 1
    fi
done

for mode in hvc empty; do
    cat > "$TMP/$mode.cfg" <<CFG
[machine]
board = vexpress-a15
memory = 256M
[hypervisor]
[domain bench]
memory = 32M
kernel = $(realpath "$ELF")
cmdline = n=$N loop=$mode
CFG
done

# run_once MODE RUN: appends "mode run host_seconds instructions" to
# $TMP/results, or explains on stderr why it could not.
run_once() {
    local mode=$1 run=$2 out=$TMP/$1.$2.out rc
    timeout "$RUN_TIMEOUT" "$EMU" --stats "$TMP/$mode.cfg" < /dev/null > "$out" 2>&1
    rc=$?
    local result stats
    result=$(grep -a -m1 'hcbench: loop=' "$out")
    stats=$(grep -a -m1 '^armhv-emu: [0-9]* instructions in ' "$out")
    if [ $rc -ne 0 ] || [ -z "$result" ] || [ -z "$stats" ]; then
        echo "bench: $mode run $run failed (exit $rc); last output:" >&2
        tail -n 5 "$out" | sed 's/^/    | /' >&2
        return 1
    fi
    if [ "$mode" = hvc ] && ! grep -q "hypercalls_counted=$N\b" <<< "$result"; then
        echo "bench: the hypervisor did not count $N hypercalls: $result" >&2
        return 1
    fi
    local insns seconds
    insns=$(sed 's/^armhv-emu: \([0-9]*\) instructions in .*/\1/' <<< "$stats")
    seconds=$(sed 's/.* instructions in \([0-9.]*\) s host time.*/\1/' <<< "$stats")
    echo "$mode $run $seconds $insns" >> "$TMP/results"
}

ok=1
: > "$TMP/results"
for run in $(seq "$RUNS"); do
    for mode in hvc empty; do
        run_once "$mode" "$run" || ok=0
    done
done
[ -s "$TMP/results" ] || exit 1

median() { # median MODE COLUMN
    awk -v m="$1" -v c="$2" '$1 == m { print $c }' "$TMP/results" | sort -g |
        awk '{ v[NR] = $1 }
             END { if (NR) print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'
}

printf '%-6s %4s %12s %14s\n' loop run host_s instructions
awk '{ printf "%-6s %4s %12s %14s\n", $1, $2, $3, $4 }' "$TMP/results"
hvc_s=$(median hvc 3) empty_s=$(median empty 3)
hvc_i=$(median hvc 4) empty_i=$(median empty 4)
if [ -n "$hvc_s" ] && [ -n "$empty_s" ]; then
    awk -v n="$N" -v hs="$hvc_s" -v es="$empty_s" -v hi="$hvc_i" -v ei="$empty_i" 'BEGIN {
        printf "\nN = %d hypercalls (xen_version), median of the runs:\n", n
        printf "  host time:  %.3f s with HVC, %.3f s without\n", hs, es
        printf "  host ns per hypercall:      %.1f (whole loop iteration: %.1f)\n",
               (hs - es) * 1e9 / n, hs * 1e9 / n
        printf "  guest insns per hypercall:  %.3f (loop overhead %.3f insns per iteration)\n",
               (hi - ei) / n, ei / n
        printf "\ncsv: n,host_ns_per_hypercall,guest_insns_per_hypercall\n"
        printf "csv: %d,%.1f,%.3f\n", n, (hs - es) * 1e9 / n, (hi - ei) / n
    }'
fi
[ $ok = 1 ]
