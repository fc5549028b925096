#!/usr/bin/env bash
# CPU benchmark: runs firmware/bench/alu_loop.c (a loop with a known guest
# instruction count) in armhv-emu and in qemu-system-arm, RUNS times each,
# and prints guest MIPS per run and the armhv-emu / QEMU ratio of the
# medians, as a table and as CSV.  See bench/README.md.
#
#   O=build bench/cpu.sh          (what `make bench` runs)
#   RUNS=5 O=build bench/cpu.sh
#
# Exit status: 0 when armhv-emu ran and every checksum agreed, 1 otherwise.
# A missing qemu-system-arm only drops the QEMU rows and the ratio.
set -u
cd "$(dirname "$0")/.."
O=${O:-build}
RUNS=${RUNS:-3}
EMU=${EMU:-$O/armhv-emu}
QEMU=${QEMU:-qemu-system-arm}
ELF=$O/firmware/bench/alu_loop.elf
RUN_TIMEOUT=${RUN_TIMEOUT:-600}

TMP=$(mktemp -d "${TMPDIR:-/tmp}/armhv-bench.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

if [ ! -f "$ELF" ]; then
    echo "bench: $ELF not found (build it with: make O=$O firmware)" >&2
    exit 1
fi

cat > "$TMP/board.cfg" <<CFG
[machine]
board = versatilepb
memory = 128M
[boot]
kernel = $(realpath "$ELF")
[serial0]
backend = stdio
CFG

# run_once NAME RUN: runs one emulator, appends "name run wall cpu insns checksum"
# to $TMP/results, or explains on stderr why it could not.
run_once() {
    local name=$1 run=$2 out=$TMP/$1.$2.out rc
    local -a cmd
    case $name in
    armhv-emu) cmd=("$EMU" "$TMP/board.cfg") ;;
    qemu)      cmd=("$QEMU" -M versatilepb -m 128M -nographic -no-reboot -monitor none
                    -serial stdio -audiodev none,id=noaudio -kernel "$ELF") ;;
    esac
    # bash's time keyword: wall, user and system seconds of the child.
    local TIMEFORMAT='%R %U %S'
    { time timeout "$RUN_TIMEOUT" "${cmd[@]}" < /dev/null > "$out" 2>&1; } 2> "$TMP/time"
    rc=$?
    local line
    line=$(grep -a -m1 '^alu_loop: loop_insns=' "$out")
    if [ $rc -ne 0 ] || [ -z "$line" ]; then
        echo "bench: $name run $run failed (exit $rc); last output:" >&2
        tail -n 5 "$out" | sed 's/^/    | /' >&2
        return 1
    fi
    local insns sum wall usr sys
    insns=$(sed -n 's/.*loop_insns=\([0-9]*\).*/\1/p' <<< "$line")
    sum=$(sed -n 's/.*checksum=\([0-9a-f]*\).*/\1/p' <<< "$line")
    read -r wall usr sys < "$TMP/time"
    echo "$name $run $wall $(awk -v u="$usr" -v s="$sys" 'BEGIN { printf "%.3f", u + s }') \
$insns $sum" >> "$TMP/results"
}

status=0
: > "$TMP/results"
emulators=()
if [ -x "$EMU" ]; then
    emulators+=(armhv-emu)
else
    echo "bench: $EMU not built" >&2
    status=1
fi
if command -v "$QEMU" > /dev/null; then
    emulators+=(qemu)
else
    echo "bench: $QEMU not found: QEMU rows and the ratio are skipped" >&2
fi

for name in "${emulators[@]}"; do
    for run in $(seq 1 "$RUNS"); do
        run_once "$name" "$run" || { status=1; break; }
    done
done

if [ ! -s "$TMP/results" ]; then
    echo "bench: no emulator produced a result" >&2
    exit 1
fi

# The checksum must be the same everywhere: otherwise one of the CPUs is wrong
# and its speed means nothing.
if [ "$(awk '{ print $6 }' "$TMP/results" | sort -u | wc -l)" -ne 1 ]; then
    echo "bench: checksums differ between runs/emulators:" >&2
    awk '{ print "    " $1 " run " $2 ": " $6 }' "$TMP/results" >&2
    status=1
fi
grep -q '^armhv-emu ' "$TMP/results" || status=1

# Table, then CSV.  MIPS = guest loop instructions / wall seconds; the CPU
# column divides by the emulator process's user + system time instead,
# which is steadier on a loaded machine.
awk -v host="$(uname -m)" '
function median(a, n,    i, j, t) {
    for (i = 2; i <= n; i++)
        for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
{
    name[NR] = $1; run[NR] = $2; wall[NR] = $3; cpu[NR] = $4; insns[NR] = $5; sum[NR] = $6
    mips[NR] = $5 / $3 / 1e6
    cmips[NR] = $4 > 0 ? $5 / $4 / 1e6 : 0
    if (!($1 in n))
        order[++nemu] = $1
    n[$1]++; m[$1, n[$1]] = mips[NR]; cm[$1, n[$1]] = cmips[NR]
}
END {
    printf "guest: alu_loop, %d instructions per run (host %s)\n\n", insns[1], host
    printf "%-10s %4s %9s %9s %11s %11s  %s\n", "emulator", "run", "wall s", "cpu s",
           "MIPS(wall)", "MIPS(cpu)", "checksum"
    for (i = 1; i <= NR; i++)
        printf "%-10s %4d %9.3f %9.3f %11.1f %11.1f  %s\n", name[i], run[i], wall[i],
               cpu[i], mips[i], cmips[i], sum[i]
    print ""
    for (k = 1; k <= nemu; k++) {
        e = order[k]
        for (i = 1; i <= n[e]; i++) { w[i] = m[e, i]; c[i] = cm[e, i] }
        med[e] = median(w, n[e]); cmed[e] = median(c, n[e])
        printf "%-10s median %8.1f MIPS (wall), %8.1f MIPS (cpu)\n", e, med[e], cmed[e]
    }
    ratio = "n/a"; cratio = "n/a"
    if (("armhv-emu" in med) && ("qemu" in med) && med["qemu"] > 0) {
        ratio = sprintf("%.3f", med["armhv-emu"] / med["qemu"])
        cratio = sprintf("%.3f", cmed["armhv-emu"] / cmed["qemu"])
    }
    printf "ratio armhv-emu/QEMU: %s (wall), %s (cpu)\n", ratio, cratio

    print ""
    print "emulator,run,wall_s,cpu_s,guest_insns,mips_wall,mips_cpu,checksum"
    for (i = 1; i <= NR; i++)
        printf "%s,%d,%.3f,%.3f,%d,%.1f,%.1f,%s\n", name[i], run[i], wall[i], cpu[i],
               insns[i], mips[i], cmips[i], sum[i]
    printf "ratio,median,,,,%s,%s,\n", ratio, cratio
}' "$TMP/results"
exit $status
