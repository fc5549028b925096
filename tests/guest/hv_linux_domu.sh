#!/usr/bin/env bash
# Issue 5, acceptance 2: Debian's unmodified armmp zImage (Linux 6.1) as a
# Xen DomU beside a running mini-OS Dom0 on the partitioned vexpress-a15,
# console=hvc0 (the PV console) and the test initramfs rootfs-armhf.cpio.gz:
# it must reach ARMHV-GUEST-READY, compute the same md5 as on bare metal
# (tests/guest/linux_vexpress.sh), print ARMHV-WORKLOAD-DONE, then power
# off (SCHEDOP_shutdown), and the run must end with exit status 0.
#
# The DomU's console goes to stdout like Dom0's UART; its lines carry the
# "[linux] " prefix (docs/hypervisor.md, "Consoles"), which this test also
# checks, and Dom0's toolstack shell answers `list` with both domains. With ARMHV_SKIP_SLOW=1 (the sanitizer build) it passes without
# booting, as linux_vexpress.sh does.
set -u
. "$(dirname "$0")/../lib.sh"
find_guests || exit 1
if [ "${ARMHV_SKIP_SLOW:-0}" = 1 ]; then
    echo "SKIP (ARMHV_SKIP_SLOW=1): the Linux DomU boot is run by the normal build's tests"
    exit 0
fi
dom0=$(realpath "$FIRMWARE/minios/dom0.elf" 2>/dev/null)
if [ ! -f "$dom0" ]; then
    echo "no Dom0 mini-OS at $FIRMWARE/minios/dom0.elf (make O=$O firmware builds it)"
    exit 1
fi

cat > "$TMP/hv-linux.cfg" <<CFG
[machine]
board = vexpress-a15
memory = 512M
rtc = 2025-01-01T00:00:00
realtime = no
[hypervisor]
exit-when = domus-down
[domain dom0]
memory = 64M
kernel = $dom0
devices = serial0
[domain linux]
memory = 256M
kernel = $GUESTS/vexpress-a9/zImage
initrd = $GUESTS/rootfs-armhf.cpio.gz
cmdline = console=hvc0 armhv.autopoweroff
[serial0]
backend = stdio
CFG

# Dom0's shell on the board UART gets one command: `list` must show both.
printf 'list\n' > "$TMP/in"
timeout 1200 "$EMU" --headless --stats "$TMP/hv-linux.cfg" < "$TMP/in" \
    > "$TMP/out" 2> "$TMP/err"
rc=$?
echo "  $(tail -n 1 "$TMP/err")"
# The DomU's console: its lines, without the prefix.
sed -n 's/^\[linux\] //p' "$TMP/out" | tr -d '\r' > "$TMP/linux.out"
grep -E "^ARMHV|^Linux \(none\)|^96995b58|armhv: powering off|reboot: Power down" \
    "$TMP/linux.out" | sed 's/^/    | /'

status=0
if [ $rc -ne 0 ]; then
    echo "  exit status $rc (want 0)"
    echo "  last lines of the terminal:"
    tail -n 25 "$TMP/out" | sed 's/^/    | /'
    echo "  stderr:"
    tail -n 10 "$TMP/err" | sed 's/^/    | /'
    status=1
fi
if ! grep -q "Booting Linux on physical CPU" "$TMP/linux.out"; then
    echo "  the kernel printed nothing on hvc0 (no '[linux] Booting Linux' line)"
    status=1
fi
expect_in "$TMP/linux.out" "^ARMHV-GUEST-READY" "the ready marker on hvc0" || status=1
expect_in "$TMP/linux.out" "^Linux (none) 6.1.0-50-armmp #1 SMP Debian 6.1.176-1 (2026-07-02) armv7l" \
    "uname" || status=1
expect_in "$TMP/linux.out" "^96995b58d4cbf6aaa9041b4f00c7f6ae  -" \
    "the md5 of 8 MiB of zeros, as on bare metal" || status=1
expect_in "$TMP/linux.out" "^ARMHV-WORKLOAD-DONE" "the workload marker" || status=1
expect_in "$TMP/linux.out" "armhv: powering off" "/init powering off" || status=1
expect_in "$TMP/out" "^\[armhv: domain 1 (linux) shut down: poweroff\]" \
    "the hypervisor's notice that the DomU powered off" || status=1
expect_in "$TMP/out" "^1  *linux  *\(running\|blocked\)  *262144 " "Dom0's list showing the DomU with its memory" ||
    status=1
exit $status
