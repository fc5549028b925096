#!/usr/bin/env bash
# Debian's armmp kernel on both Versatile Express boards with two CPUs
# (machine.cpus=2): the kernel releases CPU1 from the boot pen through
# SYS_FLAGS and a wake-up SGI (platsmp-vexpress.c), reports "smp: Brought
# up 1 node, 2 CPUs", and the /init workload still reaches its markers with
# QEMU's md5 of 8 MiB of zeros and the config-bus power-off. The CPUs are
# time-shared round-robin (devices/machine.c); the run is deterministic, so
# two runs of the same board retire the same number of instructions.
#
# The CA9 device tree lists four CPUs: with two, Linux gives up on CPU2 and
# CPU3 after a second of guest time each ("failed to boot"), as on a real
# tile with two cores fitted. Each boot takes about 3.9 G guest
# instructions; with ARMHV_SKIP_SLOW=1 the test says so and passes
# without booting.
set -u
. "$(dirname "$0")/../lib.sh"
find_guests || exit 1
if [ "${ARMHV_SKIP_SLOW:-0}" = 1 ]; then
    echo "SKIP (ARMHV_SKIP_SLOW=1): vexpress SMP boots are run by the normal build's tests"
    exit 0
fi

status=0
boot() { # boot BOARD DTB CPUS
    cat > "$TMP/$1.cfg" <<CFG
[machine]
board = $1
memory = 256M
rtc = 2025-01-01T00:00:00
realtime = no
[boot]
kernel = $GUESTS/vexpress-a9/zImage
dtb = $GUESTS/vexpress-a9/$2
initrd = $GUESTS/rootfs-armhf.cpio.gz
cmdline = console=ttyAMA0 armhv.autopoweroff
[serial0]
backend = stdio
CFG
    timeout 600 "$EMU" --headless --stats -s machine.cpus=$3 "$TMP/$1.cfg" < /dev/null \
        > "$TMP/$1.out" 2> "$TMP/$1.err"
    local rc=$?
    echo "  $1 with $3 CPUs: $(tail -n 1 "$TMP/$1.err")"
    grep -E "^ARMHV|^96995b58|reboot: Power down|smp: Brought up|CPU[0-9]: (thread|failed)" \
        "$TMP/$1.out" | sed 's/^/    | /'
    if [ $rc -ne 0 ]; then
        echo "  $1: exit status $rc (want 0)"
        tail -n 20 "$TMP/$1.out" | sed 's/^/    | /'
        return 1
    fi
    expect_in "$TMP/$1.out" "smp: Brought up 1 node, $3 CPUs" "$1: all $3 CPUs online" &&
    expect_in "$TMP/$1.out" "CPU1: thread -1, cpu 1, socket 0, mpidr 80000001" "$1: CPU1's MPIDR" &&
    expect_in "$TMP/$1.out" "^ARMHV-GUEST-READY" "$1: the ready marker" &&
    expect_in "$TMP/$1.out" "^96995b58d4cbf6aaa9041b4f00c7f6ae  -" "$1: QEMU's md5 of 8 MiB of zeros" &&
    expect_in "$TMP/$1.out" "^ARMHV-WORKLOAD-DONE" "$1: the workload marker" &&
    expect_in "$TMP/$1.out" "reboot: Power down" "$1: the config-bus power-off"
}

boot vexpress-a9 vexpress-v2p-ca9.dtb 2 || status=1
first=$(grep -o '^armhv-emu: [0-9]* instructions' "$TMP/vexpress-a9.err")
boot vexpress-a15 vexpress-v2p-ca15-tc1.dtb 2 || status=1

# Determinism: the same SMP boot again retires exactly as many instructions.
if [ $status -eq 0 ]; then
    boot vexpress-a9 vexpress-v2p-ca9.dtb 2 > /dev/null || status=1
    again=$(grep -o '^armhv-emu: [0-9]* instructions' "$TMP/vexpress-a9.err")
    if [ -z "$first" ] || [ "$first" != "$again" ]; then
        echo "  vexpress-a9: two identical SMP runs differ: '$first' vs '$again'"
        status=1
    else
        echo "  vexpress-a9: a second run retires the same count (${first#armhv-emu: })"
    fi
fi
exit $status
