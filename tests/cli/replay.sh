#!/usr/bin/env bash
# Record and replay of terminal input (acceptance 3 of issue 6): a session
# typed into the Linux guest's busybox shell through a pipe is recorded
# with --record; --replay of the log, with stdin from /dev/null, must give
# the same console output byte for byte and end at the same instruction
# count. Input arrives at host-dependent moments, so only the log makes
# the second run equal to the first. Also: a damaged log is refused with a
# message naming its line.
set -u
. "$(dirname "$0")/../lib.sh"
find_guests || exit 1

write_linux_cfg "$TMP/linux.cfg" "console=ttyAMA0"
sed -i 's/^\[machine\]$/[machine]\nrealtime = no/' "$TMP/linux.cfg"

start_with_input "$TMP/rec.out" --stats --record "$TMP/log" "$TMP/linux.cfg"
ok=0
if wait_for "armhv: starting shell on console" 240; then
    sleep 0.5
    printf 'echo hello-$((6*7))\n' >&3
    wait_for "^hello-42" 60 &&
    printf 'uname -m\n' >&3 &&
    wait_for "^armv5tejl" 60 &&
    printf 'reboot -f\n' >&3 &&
    ok=1
fi
exec 3>&-
[ $ok = 1 ] || exit 1
wait_exit 60
echo "  recording: exit status $status, $(grep -c '^in ' "$TMP/log") input events"
expect_in "$TMP/rec.out" "reboot: Restarting system" "the guest rebooting" || exit 1

"$EMU" --stats --replay "$TMP/log" "$TMP/linux.cfg" < /dev/null > "$TMP/rep.out" \
    2> "$TMP/rep.err"
rc=$?
echo "  replay: exit status $rc"
sed 's/^/    | /' "$TMP/rep.err"
[ $rc -eq 0 ] || exit 1
if ! cmp -s "$TMP/rec.out" "$TMP/rep.out"; then
    echo "console output differs between recording and replay:"
    diff "$TMP/rec.out" "$TMP/rep.out" | head -n 20 | sed 's/^/    | /'
    exit 1
fi
echo "  console output identical ($(wc -c < "$TMP/rep.out") bytes)"
rec_insns=$(grep -o '[0-9]* instructions' "$TMP/rec.out.err")
rep_insns=$(grep -o '[0-9]* instructions' "$TMP/rep.err")
if [ -z "$rec_insns" ] || [ "$rec_insns" != "$rep_insns" ]; then
    echo "instruction counts differ: recorded '$rec_insns', replayed '$rep_insns'"
    exit 1
fi
echo "  instruction count identical: $rep_insns"

# A log is untrusted input: each damage is refused before the run starts.
check_refused() { # check_refused WHAT PATTERN
    "$EMU" --replay "$TMP/bad" "$TMP/linux.cfg" < /dev/null > "$TMP/bad.out" 2>&1
    local rc=$?
    if [ $rc -eq 0 ] || ! grep -q -- "$2" "$TMP/bad.out"; then
        echo "a log with $1 was not refused with '$2' (status $rc):"
        sed 's/^/    | /' "$TMP/bad.out" | head -n 5
        return 1
    fi
    echo "  refused $1: $(head -n 1 "$TMP/bad.out")"
}
sed '1s/.*/armhv-emu input log 99/' "$TMP/log" > "$TMP/bad"
check_refused "an unknown version" "version 99" || exit 1
awk '/^in / && !done { print "in 5 zz"; done = 1; next } { print }' "$TMP/log" > "$TMP/bad"
check_refused "a malformed input line" "bad:[0-9]*: expected: in ICOUNT PS HEXBYTES" || exit 1
awk '/^in / { n++; if (n == 2) { print "in 1 1 41"; next } } { print }' "$TMP/log" > "$TMP/bad"
check_refused "a point that goes back" "goes back in time" || exit 1
sed 's/^mhz .*/mhz 7/' "$TMP/log" > "$TMP/bad"
check_refused "another machine's log" "recorded on board" || exit 1
