#!/usr/bin/env bash
# The gdb stub at the packet level (GDB manual, appendix E), for what a
# batch gdb session cannot show: addresses other than the local host are
# refused (the protocol has no authentication), the stub answers each
# packet as specified (checksums, target.xml, threads, memory round trip,
# one-instruction step, watchpoint insert/remove, monitor pass-through with
# a failing command), gdb's Ctrl-C (0x03) stops a running machine with
# SIGINT, and after detaching the guest runs on to its normal end.
set -u
. "$(dirname "$0")/../lib.sh"
find_guests || exit 1
write_linux_cfg "$TMP/linux.cfg" "console=ttyAMA0 armhv.autopoweroff"

echo "-- addresses"
for spec in tcp:0.0.0.0:1234 tcp:192.168.1.1:1234 tcp:127.0.0.1:http udp::1234; do
    "$EMU" -gdb "$spec" "$TMP/linux.cfg" < /dev/null > "$TMP/bad.out" 2>&1
    rc=$?
    if [ $rc -ne 2 ] || ! grep -q -- "-gdb $spec: " "$TMP/bad.out"; then
        echo "-gdb $spec: expected usage error (status 2), got $rc:"
        sed 's/^/    | /' "$TMP/bad.out"
        exit 1
    fi
    echo "  refused: $(head -n 1 "$TMP/bad.out")"
done

echo "-- packets"
"$EMU" -S -gdb tcp:localhost:0 "$TMP/linux.cfg" < /dev/null > "$TMP/emu.out" 2> "$TMP/emu.err" &
emu_pid=$!
port=
for _ in $(seq 50); do
    port=$(sed -n 's/.*gdb stub listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$TMP/emu.err")
    [ -n "$port" ] && break
    sleep 0.1
done
[ -n "$port" ] || { echo "no gdb port announced"; cat "$TMP/emu.err"; exit 1; }
exec 5<> "/dev/tcp/127.0.0.1/$port"
trap 'kill $emu_pid 2> /dev/null; rm -rf "$TMP"' EXIT

checksum() {
    local sum=0 i c
    for ((i = 0; i < ${#1}; i++)); do
        printf -v c '%d' "'${1:i:1}"
        sum=$(((sum + c) & 255))
    done
    printf '%02x' "$sum"
}
send() { printf '$%s#%s' "$1" "$(checksum "$1")" >&5; }
# recv: the next packet's data in PKT (acks skipped, checksum verified).
recv() {
    local c data sum
    PKT=
    while :; do
        IFS= read -r -n 1 -t 10 -u 5 c || { echo "timeout waiting for a packet"; return 1; }
        [ "$c" = '$' ] && break
    done
    IFS= read -r -d '#' -t 10 -u 5 data || { echo "truncated packet"; return 1; }
    IFS= read -r -n 2 -t 10 -u 5 sum || { echo "no checksum"; return 1; }
    if [ "$sum" != "$(checksum "$data")" ]; then
        echo "bad checksum on '$data'"
        return 1
    fi
    printf '+' >&5
    PKT=$data
}
# ask PACKET PATTERN WHAT: sends, expects a reply matching PATTERN (grep -E).
ask() {
    send "$1"
    recv || return 1
    local flat=${PKT//$'\n'/ }
    if ! grep -Eq -- "$2" <<< "$flat"; then
        echo "$3: '$1' answered '$flat', expected /$2/"
        return 1
    fi
    echo "  $1 -> ${flat:0:60}$([ ${#flat} -gt 60 ] && echo ...)"
}
hex() { printf '%s' "$1" | od -An -tx1 | tr -d ' \n'; }
unhex() { printf '%b' "$(sed 's/\(..\)/\\x\1/g' <<< "$1")"; }

ask "qSupported:multiprocess+;swbreak+;xmlRegisters=arm" \
    "^PacketSize=[0-9a-f]+;.*qXfer:features:read\+" "qSupported" &&
ask "?" "^T05thread:1;0f:[0-9a-f]{8};19:[0-9a-f]{8};" "stop reason" &&
ask "qXfer:features:read:target.xml:0,fff" "^l<\?xml.*org\.gnu\.gdb\.arm\.core" "target.xml" &&
ask "qXfer:features:read:nosuch.xml:0,fff" "^E" "an unknown annex" &&
ask "qfThreadInfo" "^m1$" "thread list" && ask "qsThreadInfo" "^l$" "thread list end" &&
ask "qC" "^QC1$" "current thread" && ask "qAttached" "^1$" "attached" &&
ask "Hg1" "^OK$" "select thread 1" && ask "Hg7" "^E" "select a thread that does not exist" &&
ask "vCont?" "^vCont;c;C;s;S$" "vCont actions" &&
ask "g" "^[0-9a-f]{136}$" "r0-r15 and cpsr" &&
ask "p19" "^[0-9a-f]{8}$" "cpsr alone" && ask "p11" "^E" "a register that does not exist" ||
    exit 1

# Memory round trip at 1 MiB of RAM (MMU still off), then put it back.
ask "m100000,4" "^[0-9a-f]{8}$" "read RAM" || exit 1
saved=$PKT
ask "M100000,4:deadbeef" "^OK$" "write RAM" && ask "m100000,4" "^deadbeef$" "read back" &&
ask "M100000,4:$saved" "^OK$" "restore RAM" || exit 1

# One instruction: the pc (register 15, little-endian) moves by 4.
le32() { echo $((16#${1:6:2}${1:4:2}${1:2:2}${1:0:2})); }
ask "pf" "^[0-9a-f]{8}$" "pc" || exit 1
pc_before=$(le32 "$PKT")
ask "s" "^T05thread:1;0f:[0-9a-f]{8};" "single step" || exit 1
pc_after=$(le32 "$(sed 's/.*;0f:\([0-9a-f]*\);.*/\1/' <<< "$PKT")")
[ $((pc_after - pc_before)) -eq 4 ] ||
    { echo "step: pc $pc_before -> $pc_after, expected + 4"; exit 1; }

ask "Z2,100000,4" "^OK$" "insert a write watchpoint" &&
ask "z2,100000,4" "^OK$" "remove it" &&
ask "Z0,c068faa4,4" "^OK$" "insert a breakpoint" && ask "z0,c068faa4,4" "^OK$" "remove it" ||
    exit 1

# monitor CMD: output as O packets (hex), then OK, or E01 when it fails.
send "qRcmd,$(hex regs)"
out=
while recv && [ "${PKT:0:1}" = O ] && [ "$PKT" != OK ]; do out+=$(unhex "${PKT:1}"); done
[ "$PKT" = OK ] && grep -q "icount" <<< "$out" ||
    { echo "monitor regs: '$PKT', output '$out'"; exit 1; }
echo "  qRcmd regs -> $(wc -l <<< "$out") lines of output, OK"
send "qRcmd,$(hex nosuchcommand)"
out=
while recv && [ "${PKT:0:1}" = O ] && [ "$PKT" != OK ]; do out+=$(unhex "${PKT:1}"); done
[ "$PKT" = E01 ] && grep -q "nosuchcommand" <<< "$out" ||
    { echo "monitor nosuchcommand: '$PKT', output '$out'"; exit 1; }
echo "  qRcmd nosuchcommand -> '$(head -n 1 <<< "$out")', E01"

# A bad checksum is answered with '-' and the packet ignored.
printf '$g#00' >&5
IFS= read -r -n 1 -t 10 -u 5 c
[ "$c" = - ] || { echo "bad checksum answered '$c', expected '-'"; exit 1; }
echo "  \$g#00 (bad checksum) -> -"

# Continue, then gdb's Ctrl-C: the running machine stops with SIGINT.
send "c"
sleep 0.5
printf '\003' >&5
recv && grep -Eq "^T02thread:1;" <<< "$PKT" ||
    { echo "Ctrl-C: expected a T02 stop reply, got '$PKT'"; exit 1; }
echo "  c, 0x03 -> ${PKT:0:40}..."

ask "D" "^OK$" "detach" || exit 1
exec 5>&-
for _ in $(seq 3000); do kill -0 "$emu_pid" 2> /dev/null || break; sleep 0.1; done
wait "$emu_pid"
rc=$?
expect_in "$TMP/emu.out" "ARMHV-WORKLOAD-DONE" "the guest running on after detach" || exit 1
[ $rc -eq 0 ] || { echo "emulator exit status $rc"; exit 1; }
echo "  detached: the guest ran its workload and powered off (status 0)"
