#!/usr/bin/env bash
# Determinism (acceptance 3 of issue 6): time in the machine is virtual,
# so two runs of the same configuration, without input, must print the
# same console output byte for byte and retire the same number of
# instructions in the same virtual time. A difference means host state
# (host time, uninitialised memory, pointer values, the host's speed)
# leaks into the guest. The Linux guest boots, runs its workload and
# powers off; its RTC is fixed (rtc = host would differ between runs).
set -u
. "$(dirname "$0")/../lib.sh"
find_guests || exit 1

write_linux_cfg "$TMP/linux.cfg" "console=ttyAMA0 armhv.autopoweroff"
sed -i 's/^\[machine\]$/[machine]\nrealtime = no/' "$TMP/linux.cfg"

# Both runs at once: the host is busier than for one, which must not matter.
for run in 1 2; do
    "$EMU" --stats "$TMP/linux.cfg" < /dev/null > "$TMP/out$run" 2> "$TMP/err$run" &
    pids[run]=$!
done
for run in 1 2; do
    wait "${pids[run]}"
    rc=$?
    echo "  run $run: exit status $rc; $(grep -o '[0-9]* instructions.*' "$TMP/err$run")"
    [ $rc -eq 0 ] || { sed 's/^/    | /' "$TMP/err$run"; exit 1; }
done
expect_in "$TMP/out1" "ARMHV-WORKLOAD-DONE" "the guest's workload to finish" || exit 1
if ! cmp -s "$TMP/out1" "$TMP/out2"; then
    echo "console output differs between two runs:"
    diff "$TMP/out1" "$TMP/out2" | head -n 20 | sed 's/^/    | /'
    exit 1
fi
echo "  console output identical ($(wc -c < "$TMP/out1") bytes)"
# "N instructions ... guest time T s": host time and MIPS may differ.
summary() { sed -n 's/.* \([0-9]*\) instructions in .* guest time \(.*\)$/\1 \2/p' "$1"; }
sum1=$(summary "$TMP/err1")
sum2=$(summary "$TMP/err2")
if [ -z "$sum1" ] || [ "$sum1" != "$sum2" ]; then
    echo "instruction count or guest time differs: '$sum1' vs '$sum2'"
    exit 1
fi
echo "  instructions and guest time identical: $sum1"
