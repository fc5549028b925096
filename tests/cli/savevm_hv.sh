#!/usr/bin/env bash
# savevm/loadvm of a partitioned machine (hv/system_snapshot.c): the demo
# (configs/demo.cfg: mini-OS Dom0 and a mini-OS DomU) is saved at several
# instants K of its boot, chosen so the snapshot catches the domains in
# different phases (Dom0's toolstack starting, the DomU's xenstore
# handshake, grant and event channel set up with Dom0, the DomU's timer
# heartbeats); a fresh process loads each snapshot and runs N more
# instructions; a third process runs K + N without stopping. The three
# `statehash` values must be equal, at K and at K + N: a scheduler slice,
# a vCPU register, an event channel bit, a grant pin, a xenstore watch or
# queued reply, a vGIC or generic timer state or a magic page that the
# snapshot forgot or restored wrongly makes the run diverge. The same round
# trip then runs on configs/xen-linux-domu.cfg (Linux as a DomU beside
# Dom0), in the middle of the Linux boot.
#
# A snapshot file is untrusted input: a flipped byte, a truncated file, an
# hv section with another set of domains or a domain not running, a
# snapshot of the bare board, and a partitioned snapshot loaded into the
# bare board must each give a clear error and leave the running machine
# exactly as it was (same state hash), which then runs on and loads the
# good file.
set -u
. "$(dirname "$0")/../lib.sh"

for elf in dom0 domu; do
    if [ ! -f "$FIRMWARE/minios/$elf.elf" ]; then
        echo "no $FIRMWARE/minios/$elf.elf (make O=$O builds it)"
        exit 1
    fi
done
top=$(cd "$(dirname "$0")/../.." && pwd)
DEMO="$top/configs/demo.cfg"
LINUX="$top/configs/xen-linux-domu.cfg"
# Deterministic: a fixed wallclock, no waiting for host time.
FIXED=(-s machine.rtc=2025-01-01T00:00:00 -s machine.realtime=no)
DEMO_ARGS=(-s "domain dom0.kernel=$FIRMWARE/minios/dom0.elf"
           -s "domain guest1.kernel=$FIRMWARE/minios/domu.elf" "${FIXED[@]}" "$DEMO")
# The demo's boot is done after about 400000 instructions (every vCPU then
# waits for console input); K covers its phases, N runs it to the end.
DEMO_KS=(150000 250000 300000 330000 360000)
N_DEMO=150000
K_LINUX=${SAVEVM_HV_K:-2300000000}
N_LINUX=100000000
status=0

run() { # run NAME SCRIPT-LINES... -- EMU-ARGS...: started stopped, commands from a -x script
    local name=$1
    shift
    local lines=()
    while [ "$1" != "--" ]; do lines+=("$1"); shift; done
    shift
    printf '%s\n' "${lines[@]}" quit > "$TMP/$name.x"
    timeout 600 "$EMU" -S --headless -x "$TMP/$name.x" "$@" < /dev/null > "$TMP/$name.out" 2>&1
    local rc=$?
    if [ $rc -ne 0 ]; then
        echo "  FAIL run $name: exit status $rc"
        tail -n 15 "$TMP/$name.out" | sed 's/^/    | /'
        status=1
    fi
}
hashes() { # hashes FILE: HASH@INSTRUCTION of each statehash
    local re='^\(([a-z]*) \)\{0,1\}state hash \([0-9a-f]*\) at instruction \([0-9]*\)$'
    sed -n "s/$re/\\2@\\3/p" "$1"
}
sections_at() { # sections_at FILE N: the per-section lines after the Nth state hash
    awk -v n="$2" '/state hash/ { seen++; next } seen == n && /^  [a-z]/' "$1"
}

# roundtrip NAME K N ARGS...: saver (K, savevm, N), loader (loadvm, N) and
# straight (K + N) must agree at K (saver, loader) and at K + N (all three).
roundtrip() {
    local name=$1 k=$2 n=$3 snap=$TMP/$1.snap
    shift 3
    run "$name-straight" "step $((k + n))" "statehash sections" -- "$@" &
    local straight_pid=$!
    run "$name-saver" "step $k" "statehash sections" "savevm $snap" "step $n" \
        "statehash sections" -- "$@"
    run "$name-loader" "loadvm $snap" "statehash sections" "step $n" "statehash sections" \
        -- "$@"
    wait $straight_pid
    [ $status -eq 0 ] || return 1
    local saver loader straight
    saver=($(hashes "$TMP/$name-saver.out"))
    loader=($(hashes "$TMP/$name-loader.out"))
    straight=$(hashes "$TMP/$name-straight.out")
    if [ -z "${saver[1]:-}" ] || [ "${saver[0]}" != "${loader[0]:-}" ] ||
       [ "${saver[1]}" != "${loader[1]:-}" ] || [ "${saver[1]}" != "$straight" ]; then
        echo "  FAIL $name: state hashes differ: at K saver ${saver[0]:-?}, loader" \
             "${loader[0]:-?}; after N saver ${saver[1]:-?}, loader ${loader[1]:-?}," \
             "straight ${straight:-?}"
        echo "  sections that differ at K (saver <, loader >):"
        diff <(sections_at "$TMP/$name-saver.out" 1) <(sections_at "$TMP/$name-loader.out" 1) |
            grep '^[<>]' | sed 's/^/    /'
        echo "  sections that differ after N (loader <, straight >):"
        diff <(sections_at "$TMP/$name-loader.out" 2) <(sections_at "$TMP/$name-straight.out" 1) |
            grep '^[<>]' | sed 's/^/    /'
        status=1
        return 1
    fi
    echo "  ok   $name: savevm at $k (${saver[0]}), loadvm, N more: ${saver[1]}, as without stopping"
}

for k in "${DEMO_KS[@]}"; do
    roundtrip "demo-$k" "$k" "$N_DEMO" "${DEMO_ARGS[@]}"
done
SNAP=$TMP/demo-300000.snap
[ -f "$SNAP" ] || exit 1
grep -h "^saved" "$TMP/demo-300000-saver.out" | sed 's/^/  /'
saved_hash=$(hashes "$TMP/demo-300000-saver.out" | head -n 1)
# What the demo did after K: the DomU's greeting through the grant and
# event channel set up after the load.
if grep -q "dom0: domain 1's grant 8 says" "$TMP/demo-300000-loader.out" &&
   grep -q "heartbeat 5" "$TMP/demo-300000-loader.out"; then
    echo "  ok   after loadvm at 300000 Dom0 read the DomU's grant and the DomU's timer ran"
else
    echo "  FAIL the loaded demo did not reach the grant and heartbeat messages"
    tail -n 20 "$TMP/demo-300000-loader.out" | sed 's/^/    | /'
    status=1
fi

if [ "${ARMHV_SKIP_SLOW:-0}" = 1 ]; then
    echo "  (ARMHV_SKIP_SLOW=1: the Linux DomU round trip is run by the normal build's tests)"
elif find_guests > /dev/null 2>&1; then
    roundtrip linux "$K_LINUX" "$N_LINUX" -s "domain dom0.kernel=$FIRMWARE/minios/dom0.elf" \
        -s "domain linux.kernel=$GUESTS/vexpress-a9/zImage" \
        -s "domain linux.initrd=$GUESTS/rootfs-armhf.cpio.gz" "${FIXED[@]}" "$LINUX"
    grep -h "^saved" "$TMP/linux-saver.out" | sed 's/^/  /'
else
    echo "  (no guest images: the Linux DomU round trip is skipped)"
fi

# ---- bad snapshots ----
size=$(wc -c < "$SNAP")
cp "$SNAP" "$TMP/flipped.snap"
printf '\x55' | dd of="$TMP/flipped.snap" bs=1 seek=$((size / 2)) conv=notrunc status=none
head -c $((size / 2)) "$SNAP" > "$TMP/truncated.snap"
bad=(flipped "corrupt" truncated "truncated")

# hv sections with a valid checksum but another set of domains.
if command -v python3 > /dev/null; then
    python3 - "$SNAP" "$TMP" <<'PY'
import struct, sys, zlib
src, out = sys.argv[1], sys.argv[2]
raw = open(src, 'rb').read()
header, payload = raw[:32], bytearray(zlib.decompress(raw[32:]))

def sections(p):
    pos = 0
    while pos < len(p):
        n = p[pos]
        name = bytes(p[pos + 1:pos + 1 + n]).decode()
        version_at = pos + 1 + n
        length = struct.unpack_from('<Q', p, version_at + 4)[0]
        yield name, version_at, version_at + 12
        pos = version_at + 12 + length

def write(name, p):
    h = bytearray(header)
    struct.pack_into('<I', h, 24, zlib.crc32(p) & 0xffffffff)
    open(f'{out}/{name}.snap', 'wb').write(bytes(h) + zlib.compress(bytes(p), 1))

hv = {name: d for name, v, d in sections(payload)}['hv']
p = bytearray(payload)              # three [domain] sections
struct.pack_into('<I', p, hv, 3)
write('specs', p)
p = bytearray(payload)              # guest1 ran as domain 7 (made by the toolstack)
struct.pack_into('<i', p, hv + 8, 7)
write('domid', p)
PY
    bad+=(specs "the snapshot has 3 [domain] sections; this machine has 2"
          domid "[domain guest1] runs as domain 7 in the snapshot, as domain 1 here")
else
    echo "  (python3 missing: field-level corruption cases skipped)"
fi

# The bare board's snapshot has no hv section.
run bare "step 100000" "savevm $TMP/bare.snap" -- "${FIXED[@]}" \
    "$top/configs/vexpress-a15-linux.cfg"
bad+=(bare "section 'hv' is missing")

{
    echo "step 200000"
    echo "statehash"
    for ((i = 0; i < ${#bad[@]}; i += 2)); do echo "loadvm $TMP/${bad[i]}.snap"; done
    echo "statehash"
    echo "step 50000"
    echo "statehash"
    echo "loadvm $SNAP"
    echo "statehash"
    echo "quit"
} > "$TMP/bad.in"
"$EMU" -S --headless "${DEMO_ARGS[@]}" < "$TMP/bad.in" > "$TMP/bad.out" 2>&1
for ((i = 0; i < ${#bad[@]}; i += 2)); do
    line=$(grep -a "error: loadvm: $TMP/${bad[i]}.snap" "$TMP/bad.out")
    if [[ "$line" == *"${bad[i + 1]}"* && "$line" == *"the machine is unchanged" ]]; then
        echo "  ok   ${bad[i]}: ${line#*error: loadvm: $TMP/}"
    else
        echo "  FAIL ${bad[i]}: wanted '${bad[i + 1]}', got: ${line:-nothing}"
        status=1
    fi
done
h=($(hashes "$TMP/bad.out"))
if [ "${#h[@]}" -eq 4 ] && [ "${h[0]}" = "${h[1]}" ] && [ "${h[2]%@*}" != "${h[1]%@*}" ] &&
   [ "${h[2]#*@}" = 250000 ] && [ "${h[3]}" = "$saved_hash" ]; then
    echo "  ok   the machine was untouched by the bad files, ran on, then loaded the good one"
else
    echo "  FAIL state hashes around the bad loads: ${h[*]}"
    echo "       (want the first two equal and the last the saved $saved_hash)"
    tail -n 20 "$TMP/bad.out" | sed 's/^/    | /'
    status=1
fi

# The other way round: a partitioned machine's snapshot into the bare board.
printf 'loadvm %s\nquit\n' "$SNAP" |
    "$EMU" -S --headless "${FIXED[@]}" "$top/configs/vexpress-a15-linux.cfg" \
    > "$TMP/intobare.out" 2>&1
if grep -q "error: loadvm: .*partitioned machine.*; the machine is unchanged" "$TMP/intobare.out"; then
    echo "  ok   into the bare board: $(grep -o 'error: loadvm: .*' "$TMP/intobare.out" |
                                       sed "s|$TMP/||")"
else
    echo "  FAIL loading the demo's snapshot into the bare board was not refused"
    tail -n 5 "$TMP/intobare.out" | sed 's/^/    | /'
    status=1
fi
exit $status
