#!/usr/bin/env bash
# The monitor on a socket while the machine runs (-monitor
# tcp:127.0.0.1:PORT, and unix:PATH when python3 is there to connect):
# `stop` holds the running machine, commands answer on the socket, a
# breakpoint hit after `cont` is reported to the client and holds the
# machine again, a second client is turned away, `quit` ends the run with
# status 0 and the UNIX socket file is removed. A listener on anything but
# loopback is refused: the monitor can read and write all guest memory.
# The guest is a one-instruction loop ("b ."), so it never ends by itself.
set -u
. "$(dirname "$0")/../lib.sh"

status=0
fail() {
    echo "  FAIL $1"
    [ -f "$TMP/client.log" ] && sed 's/^/    client| /' "$TMP/client.log" | tail -n 20
    [ -f "$TMP/emu.out" ] && sed 's/^/    emu| /' "$TMP/emu.out" | tail -n 10
    status=1
}

printf '\xfe\xff\xff\xea' > "$TMP/loop.bin"      # b . (ARM), at 0x10000
write_cfg "$TMP/loop.cfg" "$TMP/loop.bin"
sed -i 's/^\[boot\]$/[boot]\nkernel-address = 0x10000/' "$TMP/loop.cfg"

# Refused: a non-loopback address.
if "$EMU" -monitor tcp:0.0.0.0:5555 "$TMP/loop.cfg" < /dev/null > "$TMP/refused" 2>&1; then
    fail "tcp:0.0.0.0 was accepted"
elif grep -q "127.0.0.1 only" "$TMP/refused"; then
    echo "  ok   -monitor tcp:0.0.0.0 refused: $(head -n 1 "$TMP/refused")"
else
    fail "tcp:0.0.0.0 refused without the reason: $(cat "$TMP/refused")"
fi

# Start on a free port (retry a few on "address in use").
pid=
for try in 1 2 3 4 5; do
    port=$((20000 + (RANDOM % 20000)))
    "$EMU" -monitor tcp:127.0.0.1:$port "$TMP/loop.cfg" < /dev/null > "$TMP/emu.out" 2>&1 &
    pid=$!
    for i in $(seq 50); do
        if exec 3<> /dev/tcp/127.0.0.1/$port; then
            break 2
        fi 2> /dev/null
        kill -0 $pid 2> /dev/null || break
        sleep 0.1
    done
    kill $pid 2> /dev/null
    wait $pid 2> /dev/null
    pid=
done
if [ -z "$pid" ]; then
    fail "could not start the emulator with a monitor socket"
    exit 1
fi
trap 'kill $pid 2> /dev/null; rm -rf "$TMP"' EXIT

# expect PATTERN: reads the client's lines (prompts stripped) until one matches.
expect() {
    local line
    while IFS= read -r -t 10 line <&3; do
        line=${line//"(armhv) "/}
        echo "$line" >> "$TMP/client.log"
        [[ $line =~ $1 ]] && return 0
    done
    return 1
}
# say CMD PATTERN WHAT
say() {
    echo "> $1" >> "$TMP/client.log"
    echo "$1" >&3
    if expect "$2"; then
        echo "  ok   $3"
    else
        fail "$3: /$2/ not answered to '$1'"
    fi
}

expect "^armhv-emu monitor" || fail "no banner"
say "stop" "^stopped$" "stop holds the running machine"
say "print 6 * 7" "^= 0x0000002a \(42\)$" "print answers on the socket"
say "regs" "^r12=.*pc=00010000" "regs: the loop's PC"
say "x/i pc" "^=> 0x00010000: +eafffffe +b #0x10000$" "x/i pc"
# The machine is held: its instruction count does not move between looks.
say "print 1" "^= 0x00000001" "still answering"
say "stats" "^cpu0: [0-9]+ instructions" "stats"
count1=$(grep -o "^cpu0: [0-9]*" "$TMP/client.log" | tail -n 1)
sleep 0.3
say "stats" "^cpu0: [0-9]+ instructions" "stats again"
count2=$(grep -o "^cpu0: [0-9]*" "$TMP/client.log" | tail -n 1)
if [ "$count1" = "$count2" ]; then
    echo "  ok   stopped: no instructions ran ($count1)"
else
    fail "the machine ran while stopped: '$count1' then '$count2'"
fi

# A second client is turned away while the first is connected.
if exec 4<> /dev/tcp/127.0.0.1/$port && IFS= read -r -t 5 line <&4 &&
    [[ $line == *"another client is connected"* ]]; then
    echo "  ok   a second client is refused"
else
    fail "second client: '${line:-nothing}'"
fi
exec 4<&- 2> /dev/null

say "break 0x10000" "^breakpoint 1 at 0x00010000$" "break"
say "cont" "^breakpoint 1 at 0x00010000, hit 1 time$" \
    "cont, then the breakpoint hit is reported to the client"
say "info break" "^1 +break +0x00010000 +1 " "info break: one hit"
say "delete" "^deleted 1 breakpoint" "delete"
echo "quit" >&3
if wait $pid; then
    echo "  ok   quit from the socket ends the run with status 0"
else
    fail "exit status $? after quit"
fi
exec 3<&- 2> /dev/null

# A UNIX socket: connect with python3 if it is there.
if command -v python3 > /dev/null; then
    sock=$TMP/mon.sock
    "$EMU" -monitor unix:$sock "$TMP/loop.cfg" < /dev/null > "$TMP/emu.out" 2>&1 &
    pid=$!
    python3 - "$sock" > "$TMP/unix.log" 2>&1 <<'PY'
import socket, sys, time
for _ in range(100):
    try:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(sys.argv[1])
        break
    except OSError:
        time.sleep(0.05)
else:
    sys.exit("cannot connect")
s.settimeout(10)
s.sendall(b"stop\nprint 1 + 2\nquit\n")
data = b""
while True:
    chunk = s.recv(4096)
    if not chunk:
        break
    data += chunk
print(data.decode())
PY
    wait $pid
    rc=$?
    if [ $rc -eq 0 ] && grep -q "= 0x00000003 (3)" "$TMP/unix.log" && [ ! -e "$sock" ]; then
        echo "  ok   unix socket: commands answered, quit, socket file removed"
    else
        fail "unix socket (exit $rc): $(tr '\n' '|' < "$TMP/unix.log")"
    fi
else
    echo "  skip unix socket: no python3 to connect with"
fi
exit $status
