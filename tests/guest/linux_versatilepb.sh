#!/usr/bin/env bash
# Boots the real Linux 6.1 guest on Versatile PB (../shared/guests) to the
# /init markers: the kernel, the initramfs, the VIC/SIC/SP804/PL011 path and
# the CPU and MMU must all be right for the MD5 of 8 MiB of zeros to match
# what QEMU prints, and the reset path must end the run with status 0.
set -u
. "$(dirname "$0")/../lib.sh"
find_guests || exit 1

write_linux_cfg "$TMP/linux.cfg" "console=ttyAMA0 armhv.autopoweroff"
timeout 300 "$EMU" --stats "$TMP/linux.cfg" < /dev/null > "$TMP/out" 2> "$TMP/err"
rc=$?
cat "$TMP/err"
grep -E "ARMHV|md5|96995b58|reboot:" "$TMP/out" | sed 's/^/    | /'
[ $rc -eq 0 ] || { echo "exit status $rc (want 0)"; tail -n 20 "$TMP/out"; exit 1; }
expect_in "$TMP/out" "^ARMHV-GUEST-READY" "the ready marker" &&
expect_in "$TMP/out" "^Linux (none) 6.1.192 #1 Wed Jan  1 00:00:00 UTC 2025 armv5tejl" "uname" &&
expect_in "$TMP/out" "^96995b58d4cbf6aaa9041b4f00c7f6ae  -" "QEMU's md5 of 8 MiB of zeros" &&
expect_in "$TMP/out" "^ARMHV-WORKLOAD-DONE" "the workload marker" &&
expect_in "$TMP/out" "reboot: Restarting system" "the guest's reset"
