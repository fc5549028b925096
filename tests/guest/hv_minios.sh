#!/usr/bin/env bash
# The hypervisor demo (issue 5, acceptance 1) with the project's mini-OS:
# Dom0 (toolstack shell on the board UART) and a DomU (demo application)
# run concurrently on vexpress-a15. Checked: the DomU's console lines
# appear while Dom0's shell is up; the DomU's xenstore write, its grant
# read by Dom0 (GNTTABOP_copy) and Dom0's event to it; Dom0's `list`,
# typed on the serial input, shows both domains with their memory; `pause`
# and `unpause`; `console 1` shows the DomU's console history until
# Ctrl-]; `create` of an autostart = no section and `destroy`; `poweroff`
# ends the run with status 0.
set -u
. "$(dirname "$0")/../lib.sh"

for elf in dom0 domu; do
    if [ ! -f "$FIRMWARE/minios/$elf.elf" ]; then
        echo "$FIRMWARE/minios/$elf.elf is missing: build with make O=$O"
        exit 1
    fi
done
cat > "$TMP/demo.cfg" <<CFG
[machine]
board = vexpress-a15
memory = 256M
realtime = no
[hypervisor]
scheduler = round-robin
slice = 1ms
[domain dom0]
memory = 64M
kernel = $(realpath "$FIRMWARE/minios/dom0.elf")
devices = serial0
[domain guest1]
memory = 32M
kernel = $(realpath "$FIRMWARE/minios/domu.elf")
cmdline = heartbeats=3 then=stay
[domain spare]
memory = 16M
kernel = $(realpath "$FIRMWARE/minios/domu.elf")
cmdline = heartbeats=1 then=stay
autostart = no
[serial0]
backend = stdio
CFG

start_with_input "$TMP/out" --stats "$TMP/demo.cfg"

ok=0
if wait_for "^dom0> " 60 &&
   wait_for "^\[guest1\] domu: hello from domain 1 (\"guest1\")" 60 &&
   wait_for "^\[guest1\] domu: heartbeat 3, uptime 3000 ms" 60 &&
   wait_for "^\[guest1\] domu: staying alive" 60; then
    printf 'list\n' >&3
    wait_for "^1 *guest1 " 60 && ok=1
fi
[ $ok = 1 ] || exit 1
echo "  Dom0's shell and the DomU ran side by side; list answered"

fail() { echo "$1"; sed 's/^/    | /' "$TMP/out" | tail -n 30; exit 1; }
# Dom0 is running (its shell executes `list`); guest1 waits for console
# input with no timer armed, so every vCPU of it is blocked.
grep -Eq '^0 +dom0 +running +65536 +1 ' "$TMP/out" ||
    fail "list does not show Dom0 running with 65536 KiB and 1 vCPU"
grep -Eq '^1 +guest1 +blocked +32768 +1 ' "$TMP/out" ||
    fail "list does not show guest1 blocked with 32768 KiB and 1 vCPU"
expect_in "$TMP/out" '^\[guest1\] domu: xenstore data/greeting = "hello from mini-OS"' \
    "the DomU's xenstore write read back" || exit 1
expect_in "$TMP/out" \
    "^\[dom0\] dom0: domain 1's grant 8 says \"greetings from domain 1's granted page\"" \
    "Dom0 reading the DomU's grant" || exit 1
expect_in "$TMP/out" '^\[guest1\] domu: event from Dom0 received' \
    "Dom0's event reaching the DomU" || exit 1
grep -E '^(0|1) ' "$TMP/out" | sed 's/^/    | /'

printf 'pause 1\nlist\n' >&3
wait_for "^pause 1: done" 30 && wait_for "^1 *guest1 *paused " 30 || exit 1
printf 'unpause 1\n' >&3
wait_for "^unpause 1: done" 30 || exit 1
echo "  pause/unpause: guest1 listed as paused in between"

# The DomU console's history through Dom0's toolstack (no "[guest1]" prefix).
printf 'console 1\n' >&3
wait_for "^\[console of domain 1" 30 && wait_for "^domu: heartbeat 2, uptime 2000 ms" 30 || exit 1
printf 'hello\n' >&3
wait_for "^\[guest1\] domu: you typed \"hello\"" 30 || exit 1
printf '\035' >&3
wait_for "^\[back to the Dom0 shell\]" 30 || exit 1
echo "  console 1 showed the DomU's output, forwarded typing, Ctrl-] returned"

# The toolstack: start the autostart = no section, see it run, destroy it.
printf 'create spare\n' >&3
wait_for "^created domain 2 (spare)" 30 && wait_for "^\[spare\] domu: heartbeat 1," 30 || exit 1
printf 'list\n' >&3
wait_for "^2 *spare *[a-z]* *16384 " 30 || exit 1
printf 'destroy spare\ncreate nosuch\n' >&3
wait_for "^destroy 2: done" 30 && wait_for "^create nosuch: ENOENT" 30 || exit 1
lists=$(grep -c '^ID  *NAME ' "$TMP/out")
printf 'list\n' >&3
for _ in $(seq 300); do
    [ "$(grep -c '^ID  *NAME ' "$TMP/out")" -gt "$lists" ] && break
    sleep 0.1
done
wait_for "^1 *guest1 " 1 > /dev/null
sleep 0.2
if [ "$(grep -c '^2 *spare ' "$TMP/out")" -ne 1 ]; then
    echo "spare still listed after destroy:"
    tail -n 8 "$TMP/out" | sed 's/^/    | /'
    exit 1
fi
echo "  create spare started domain 2, destroy removed it, create nosuch: ENOENT"

printf 'bogus\n' >&3
wait_for "^unknown command 'bogus'" 30 || exit 1
printf 'poweroff\n' >&3
wait_exit 30
echo "  exit status after Dom0's poweroff: $status"
no_sanitizer_report "$TMP/out.err" || exit 1
[ $status -eq 0 ]
