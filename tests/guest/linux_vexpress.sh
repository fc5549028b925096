#!/usr/bin/env bash
# Debian's unmodified armmp kernel (Linux 6.1, XZ zImage, ARMv7 + VFP/NEON,
# SMP kernel on one CPU) on both Versatile Express boards, to the /init
# markers with QEMU's md5 of 8 MiB of zeros, ending with the config-bus
# power-off (exit status 0). This exercises the ARMv7 ISA incl. Thumb-2
# (busybox armhf is Thumb-2), VFP, the v7 MMU, the GIC, the A9 private
# timer and the A15 generic timer, and the motherboard config bus.
#
# Each boot takes about 3.6 G guest instructions; with ARMHV_SKIP_SLOW=1
# (set by .ci/run for the sanitizer build, where they take minutes) the
# test says so and passes without booting.
set -u
. "$(dirname "$0")/../lib.sh"
find_guests || exit 1
if [ "${ARMHV_SKIP_SLOW:-0}" = 1 ]; then
    echo "SKIP (ARMHV_SKIP_SLOW=1): vexpress boots are run by the normal build's tests"
    exit 0
fi

status=0
boot() { # boot BOARD DTB
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
    timeout 600 "$EMU" --headless --stats "$TMP/$1.cfg" < /dev/null > "$TMP/$1.out" 2> "$TMP/$1.err"
    local rc=$?
    echo "  $1: $(tail -n 1 "$TMP/$1.err")"
    grep -E "^ARMHV|^Linux \(none\)|^96995b58|reboot: Power down" "$TMP/$1.out" | sed 's/^/    | /'
    if [ $rc -ne 0 ]; then
        echo "  $1: exit status $rc (want 0)"
        tail -n 20 "$TMP/$1.out" | sed 's/^/    | /'
        return 1
    fi
    expect_in "$TMP/$1.out" "^ARMHV-GUEST-READY" "$1: the ready marker" &&
    expect_in "$TMP/$1.out" "^Linux (none) 6.1.0-50-armmp #1 SMP Debian 6.1.176-1 (2026-07-02) armv7l" "$1: uname" &&
    expect_in "$TMP/$1.out" "^96995b58d4cbf6aaa9041b4f00c7f6ae  -" "$1: QEMU's md5 of 8 MiB of zeros" &&
    expect_in "$TMP/$1.out" "^ARMHV-WORKLOAD-DONE" "$1: the workload marker" &&
    expect_in "$TMP/$1.out" "reboot: Power down" "$1: the config-bus power-off"
}

boot vexpress-a9 vexpress-v2p-ca9.dtb || status=1
boot vexpress-a15 vexpress-v2p-ca15-tc1.dtb || status=1
exit $status
