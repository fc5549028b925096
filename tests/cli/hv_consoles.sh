#!/usr/bin/env bash
# The consoles of a partitioned board on one terminal (docs/hypervisor.md,
# "Consoles and Ctrl-A"), driven through tmux like a person at a keyboard:
# the DomU's lines carry "[guest1] " while it does not have the keyboard;
# Ctrl-A h lists the escapes; Ctrl-A n moves the keyboard board UART ->
# dom0 -> guest1 -> board UART with a notice each time, Ctrl-A 1 and
# Ctrl-A 0 pick domain 1's console and the board UART; what is typed
# reaches the console that has it (the DomU mini-OS answers it, Dom0's shell
# on the board UART answers `list`); Ctrl-A x quits with status 0.
set -u
. "$(dirname "$0")/../lib.sh"
command -v tmux > /dev/null || { echo "tmux is not installed (scripts/install-deps)"; exit 1; }
for elf in dom0 domu; do
    if [ ! -f "$FIRMWARE/minios/$elf.elf" ]; then
        echo "no $FIRMWARE/minios/$elf.elf (make O=$O firmware builds it)"
        exit 1
    fi
done

cat > "$TMP/demo.cfg" <<CFG
[machine]
board = vexpress-a15
memory = 256M
[hypervisor]
[domain dom0]
memory = 64M
kernel = $(realpath "$FIRMWARE/minios/dom0.elf")
devices = serial0
[domain guest1]
memory = 32M
kernel = $(realpath "$FIRMWARE/minios/domu.elf")
CFG

session="armhv-hv-$$"
emu=$(realpath "$EMU")
cat > "$TMP/pane.sh" <<PANE
"$emu" --headless "$TMP/demo.cfg"
echo \$? > "$TMP/rc"
sleep 60
PANE
tmux new-session -d -s "$session" -x 160 -y 60 "bash $TMP/pane.sh"
trap 'tmux kill-session -t "$session" 2>/dev/null; rm -rf "$TMP"' EXIT

screen() { tmux capture-pane -p -t "$session" -S -300; }
wait_for() { # wait_for PATTERN SECONDS WHAT
    for _ in $(seq $(($2 * 4))); do
        screen | grep -q -- "$1" && { echo "  ok   $3"; return 0; }
        sleep 0.25
    done
    echo "  FAIL $3: timed out waiting for '$1'; screen:"
    screen | grep -v '^$' | tail -n 30 | sed 's/^/    | /'
    exit 1
}

wait_for '^\[guest1\] domu: staying alive' 60 "the DomU's lines are prefixed [guest1]"
wait_for '^dom0>' 10 "Dom0's shell prompt on the board UART, not prefixed"
tmux send-keys -t "$session" C-a h
wait_for '^\[armhv: Ctrl-A x quit | c monitor | n next console' 10 "Ctrl-A h lists the escapes"
tmux send-keys -t "$session" C-a n
wait_for '^\[armhv: input -> dom0 console\]' 10 "Ctrl-A n: dom0's console"
tmux send-keys -t "$session" C-a n
wait_for '^\[armhv: input -> guest1 console\]' 10 "Ctrl-A n again: guest1's console"
tmux send-keys -t "$session" "typed-to-guest1" Enter
wait_for '^domu: .*typed-to-guest1' 10 "the DomU answers the line, unprefixed while it has the keyboard"
tmux send-keys -t "$session" C-a n
wait_for '^\[armhv: input -> board UART\]' 10 "Ctrl-A n again: back to the board UART"
tmux send-keys -t "$session" C-a 1
wait_for '^\[armhv: input -> guest1 console\]' 10 "Ctrl-A 1: domain 1's console"
tmux send-keys -t "$session" "typed-after-ctrl-a-1" Enter
wait_for '^domu: .*typed-after-ctrl-a-1' 10 "the DomU answers what is typed after Ctrl-A 1"
tmux send-keys -t "$session" C-a 7
wait_for '^\[armhv: no domain 7: input stays on guest1\]' 10 "Ctrl-A 7: no such domain, focus kept"
tmux send-keys -t "$session" C-a 0
wait_for '^\[armhv: input -> board UART\]' 10 "Ctrl-A 0: the board UART"
tmux send-keys -t "$session" "list" Enter
wait_for '^1 *guest1 *\(running\|blocked\)' 10 "Dom0's shell answers list with both domains"
screen | grep -E '^(0|1) +(dom0|guest1) ' | sed 's/^/    | /'
tmux send-keys -t "$session" C-a x
for _ in $(seq 40); do [ -s "$TMP/rc" ] && break; sleep 0.25; done
[ -s "$TMP/rc" ] || { echo "  FAIL Ctrl-A x did not end the emulator"; exit 1; }
[ "$(cat "$TMP/rc")" = 0 ] || { echo "  FAIL exit status $(cat "$TMP/rc") after Ctrl-A x"; exit 1; }
echo "  ok   Ctrl-A x: exit status 0"
