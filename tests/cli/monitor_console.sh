#!/usr/bin/env bash
# The interactive monitor on a terminal, typed into through tmux: tab
# completion of a command, a symbol and a banked register name, history
# (Up repeats the last command), `cont` to a breakpoint coming back to the
# prompt, and Ctrl-A c stopping a running guest into the monitor.
set -u
. "$(dirname "$0")/../lib.sh"
command -v tmux > /dev/null || { echo "tmux is not installed (scripts/install-deps)"; exit 1; }

status=0
emu=$(realpath "$EMU")
session="armhv-mon-$$"
trap 'tmux kill-session -t "$session" 2> /dev/null; rm -rf "$TMP"' EXIT

wait_for() { # wait_for PATTERN SECONDS WHAT
    for _ in $(seq $(($2 * 5))); do
        if tmux capture-pane -p -t "$session" -S -200 | grep -q -E -- "$1"; then
            echo "  ok   $3"
            return 0
        fi
        sleep 0.2
    done
    echo "  FAIL $3: timed out waiting for /$1/; screen:"
    tmux capture-pane -p -t "$session" -S -40 | sed 's/^/    | /'
    status=1
    return 1
}

start() { # start ARGS...: the emulator in a fresh tmux session
    tmux kill-session -t "$session" 2> /dev/null
    printf '"%s" %s; echo "exit status $?"; sleep 60\n' "$emu" "$*" > "$TMP/pane.sh"
    tmux new-session -d -s "$session" -x 150 -y 50 "bash $TMP/pane.sh"
}

ELF=$FIRMWARE/tests/exceptions.elf
write_cfg "$TMP/exc.cfg" "$ELF"
MAIN=$("${CROSS_COMPILE:-arm-none-eabi-}nm" "$ELF" | awk '$3 == "main" { print $1 }')

start -S "$TMP/exc.cfg"
wait_for "armhv-emu monitor: type help" 20 "-S starts in the monitor" || exit 1
tmux send-keys -t "$session" "brea" Tab "mai" Tab Enter
wait_for "^\(armhv\) break main ?$" 10 "completion of a command and a symbol"
wait_for "^breakpoint 1 at 0x$MAIN <main>" 10 "the completed command ran"
tmux send-keys -t "$session" "cont" Enter
wait_for "^breakpoint 1 at 0x$MAIN <main>, hit 1 time" 20 "cont comes back at the breakpoint"
tmux send-keys -t "$session" "print sp_sv" Tab Enter
wait_for "^\(armhv\) print sp_svc ?$" 10 "completion of a banked register"
tmux send-keys -t "$session" Up Enter
for _ in $(seq 25); do
    n=$(tmux capture-pane -p -t "$session" -S -200 | grep -c "^(armhv) print sp_svc")
    [ "$n" -ge 2 ] && break
    sleep 0.2
done
if [ "${n:-0}" -ge 2 ]; then
    echo "  ok   Up recalls the last command"
else
    echo "  FAIL history: 'print sp_svc' seen ${n:-0} times"
    status=1
fi
tmux send-keys -t "$session" "quit" Enter
wait_for "^exit status 0" 10 "quit"

# Ctrl-A c stops a running guest (a "b ." loop) into the monitor.
printf '\xfe\xff\xff\xea' > "$TMP/loop.bin"
write_cfg "$TMP/loop.cfg" "$TMP/loop.bin"
sed -i 's/^\[boot\]$/[boot]\nkernel-address = 0x10000/' "$TMP/loop.cfg"
start "$TMP/loop.cfg"
# Keys typed before the emulator puts the terminal in raw mode are
# discarded (TCSAFLUSH): repeat until the monitor answers.
for _ in $(seq 20); do
    sleep 0.5
    tmux send-keys -t "$session" C-a c
    tmux capture-pane -p -t "$session" | grep -q "armhv-emu monitor: type help" && break
done
wait_for "armhv-emu monitor: type help" 10 "Ctrl-A c enters the monitor"
# A repeat of Ctrl-A c may have reached the prompt after the monitor opened
# (readline reads it as beginning-of-line + "c"): clear the line first.
tmux send-keys -t "$session" C-u
tmux send-keys -t "$session" "x/i pc" Enter
wait_for "^=> 0x00010000: +eafffffe +b #0x10000" 10 "the guest's loop, stopped"
tmux send-keys -t "$session" "quit" Enter
wait_for "^exit status 0" 10 "quit from the monitor"
exit $status
