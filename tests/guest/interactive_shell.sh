#!/usr/bin/env bash
# The busybox shell on the terminal frontend, driven through tmux like a
# person at a keyboard: type a command, see its output; Ctrl-A x quits and
# the terminal's settings are exactly what they were before (stty -g).
set -u
. "$(dirname "$0")/../lib.sh"
find_guests || exit 1
command -v tmux > /dev/null || { echo "tmux is not installed (scripts/install-deps)"; exit 1; }

write_linux_cfg "$TMP/linux.cfg" "console=ttyAMA0"
session="armhv-test-$$"
emu=$(realpath "$EMU")
cat > "$TMP/pane.sh" <<PANE
stty -g > "$TMP/stty-before"
"$emu" "$TMP/linux.cfg"
echo \$? > "$TMP/rc"
stty -g > "$TMP/stty-after"
sleep 60
PANE
tmux new-session -d -s "$session" -x 160 -y 50 "bash $TMP/pane.sh"
trap 'tmux kill-session -t "$session" 2>/dev/null; rm -rf "$TMP"' EXIT

wait_for() { # wait_for PATTERN SECONDS
    for _ in $(seq "$2"); do
        tmux capture-pane -p -t "$session" -S -200 | grep -q -- "$1" && return 0
        sleep 1
    done
    echo "timed out waiting for '$1'; screen:"
    tmux capture-pane -p -t "$session" -S -40 | sed 's/^/    | /'
    return 1
}

wait_for "armhv: starting shell on console" 240 || exit 1
sleep 1
tmux send-keys -t "$session" "echo hi-from-\$((6*7))" Enter
wait_for "^hi-from-42" 60 || exit 1
echo "  shell answered: hi-from-42"
tmux send-keys -t "$session" C-a x
for _ in $(seq 30); do [ -s "$TMP/stty-after" ] && break; sleep 1; done
[ -s "$TMP/rc" ] || { echo "Ctrl-A x did not end the emulator"; exit 1; }
echo "  exit status after Ctrl-A x: $(cat "$TMP/rc")"
[ "$(cat "$TMP/rc")" = 0 ] || exit 1
if ! cmp -s "$TMP/stty-before" "$TMP/stty-after"; then
    echo "terminal not restored: before $(cat "$TMP/stty-before"), after $(cat "$TMP/stty-after")"
    exit 1
fi
echo "  terminal settings restored"
