#!/usr/bin/env bash
# The [hypervisor] and [domain NAME] sections of board.cfg: every mistake
# is an error naming file, line and key, with exit status 1, found before
# any domain is built (docs/hypervisor.md, docs/board-cfg.md).
set -u
. "$(dirname "$0")/../lib.sh"

status=0
touch "$TMP/kernel.elf"

# check NAME EXPECTED CFG-BODY [options...]: writes $TMP/NAME.cfg, runs it and
# wants exit status 1 and the exact line "armhv-emu: $TMP/NAME.cfg:EXPECTED"
# (EXPECTED "-s: ..." for an override: the line is "armhv-emu: -s: ...";
# a trailing * matches any rest of the line).
check() {
    local name=$1 expected=$2 body=$3
    shift 3
    printf '%s\n' "$body" > "$TMP/$name.cfg"
    "$EMU" --headless "$@" "$TMP/$name.cfg" > "$TMP/$name.out" 2>&1 < /dev/null
    local rc=$?
    local want="armhv-emu: $TMP/$name.cfg:$expected"
    case $expected in -s:*) want="armhv-emu: $expected" ;; esac
    local found=1
    if [ "${want%\*}" != "$want" ]; then
        want=${want%\*}
        while IFS= read -r line; do
            [ "${line#"$want"}" != "$line" ] && found=0
        done < "$TMP/$name.out"
    else
        grep -qxF -- "$want" "$TMP/$name.out" && found=0
    fi
    if [ $rc -ne 1 ]; then
        echo "  FAIL $name: exit status $rc (want 1)"
        sed 's/^/    | /' "$TMP/$name.out" | tail -n 10
        status=1
    elif [ $found -ne 0 ]; then
        echo "  FAIL $name: expected the line"
        echo "    $want"
        echo "  got:"
        sed 's/^/    | /' "$TMP/$name.out" | tail -n 10
        status=1
    else
        echo "  ok   $name: ${want#armhv-emu: "$TMP"/}"
    fi
}

machine='[machine]
board = vexpress-a15
memory = 256M'
dom0='[domain dom0]
memory = 64M
kernel = kernel.elf
devices = serial0'
guest='[domain guest1]
memory = 64M
kernel = kernel.elf'

check boot-and-hypervisor \
    "4: [boot] cannot be used with [hypervisor] (line 6): each domain names its kernel in its [domain NAME] section" \
    "$machine
[boot]
kernel = kernel.elf
[hypervisor]
$dom0"

check wrong-board \
    "2: [machine] board: 'vexpress-a9': the hypervisor needs vexpress-a15 (a Cortex-A15 with the virtualization extensions)" \
    "[machine]
board = vexpress-a9
memory = 256M
[hypervisor]
$dom0"

check no-domain \
    "4: [hypervisor]: no [domain NAME] section: the first one is Dom0" \
    "$machine
[hypervisor]
scheduler = round-robin"

check domain-without-hypervisor \
    "4: [domain dom0] needs a [hypervisor] section" \
    "$machine
$dom0"

check dom0-autostart-no \
    "9: [domain dom0] autostart: 'no': Dom0 (the first [domain] section) must start with the machine" \
    "$machine
[hypervisor]
$dom0
autostart = no
$guest"

check devices-on-domu \
    "12: [domain guest1] devices: only Dom0 ([domain dom0], the first [domain] section) gets board devices" \
    "$machine
[hypervisor]
$dom0
$guest
devices = serial1"

check unknown-device \
    "8: [domain dom0] devices: 'uart9': no such device on vexpress-a15 (it has serial0..serial3, *" \
    "$machine
[hypervisor]
[domain dom0]
memory = 64M
kernel = kernel.elf
devices = serial0, uart9"

check serial-out-of-range \
    "8: [domain dom0] devices: 'serial7': no such device on vexpress-a15 (it has serial0..serial3, *" \
    "$machine
[hypervisor]
[domain dom0]
memory = 64M
kernel = kernel.elf
devices = serial7"

check device-twice \
    "8: [domain dom0] devices: 'serial0' is listed twice" \
    "$machine
[hypervisor]
[domain dom0]
memory = 64M
kernel = kernel.elf
devices = serial0, serial0"

check memory-too-large \
    "13: [domain guest2] memory: the domains need 320M in all but [machine] memory is 256M" \
    "$machine
[hypervisor]
$dom0
$guest
[domain guest2]
memory = 192M
kernel = kernel.elf"

check memory-override-too-large \
    "-s: [domain guest1] memory: the domains need 320M in all but [machine] memory is 256M" \
    "$machine
[hypervisor]
$dom0
$guest" -s "domain guest1.memory=256M"

check duplicate-domain \
    "9: duplicate section [domain dom0] (first at line 5)" \
    "$machine
[hypervisor]
$dom0
[domain dom0]
memory = 64M
kernel = kernel.elf"

check memory-not-page-aligned \
    "10: [domain guest1] memory: '1001K': not a multiple of 4K (the page size)" \
    "$machine
[hypervisor]
$dom0
[domain guest1]
memory = 1001K
kernel = kernel.elf"

check memory-missing \
    "9: [domain guest1] memory: missing: how much RAM the domain gets, e.g. memory = 64M" \
    "$machine
[hypervisor]
$dom0
[domain guest1]
kernel = kernel.elf"

check kernel-missing \
    "9: [domain guest1] kernel: missing: nothing to run in the domain" \
    "$machine
[hypervisor]
$dom0
[domain guest1]
memory = 64M"

check kernel-not-found \
    "11: [domain guest1] kernel: $TMP/no-such.elf: No such file or directory" \
    "$machine
[hypervisor]
$dom0
[domain guest1]
memory = 64M
kernel = no-such.elf"

check domain-without-name \
    "9: section [domain] needs a name: [domain NAME]" \
    "$machine
[hypervisor]
$dom0
[domain]
memory = 64M"

check bad-domain-name \
    "9: [domain guest/1]: a domain name is 1-31 letters, digits, '-' or '_'" \
    "$machine
[hypervisor]
$dom0
[domain guest/1]
memory = 64M"

check bad-console \
    "12: [domain guest1] console: 'pty': expected stdio, null or file:PATH" \
    "$machine
[hypervisor]
$dom0
$guest
console = pty"

check bad-slice \
    "5: [hypervisor] slice: '10': expected a duration such as 1ms, 500us or 2s" \
    "$machine
[hypervisor]
slice = 10
$dom0"

check bad-vcpus \
    "12: [domain guest1] vcpus: '0': must be 1..8" \
    "$machine
[hypervisor]
$dom0
$guest
vcpus = 0"

check unknown-domain-key \
    "12: unknown key 'vbd' in section [domain guest1]" \
    "$machine
[hypervisor]
$dom0
$guest
vbd = disk0:xvda"

exit $status
