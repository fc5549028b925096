#!/usr/bin/env bash
# An ext2 image as the Versatile PB's SD card (PL181 MMCI): the guest mounts
# it, writes a file, syncs and resets the board; a second boot reads the
# file back; and the host sees the file in the image (debugfs). This is the
# path that makes guest writes durable: the card model writes each block
# with pwrite and fdatasyncs when the guest's write command completes.
set -u
. "$(dirname "$0")/../lib.sh"
find_guests || exit 1
command -v mkfs.ext2 > /dev/null || { echo "mkfs.ext2 missing (scripts/install-deps)"; exit 1; }

mkdir -p "$TMP/seed"
echo "seeded-by-host" > "$TMP/seed/host.txt"
mkfs.ext2 -q -F -b 1024 -d "$TMP/seed" "$TMP/card.img" 16M || exit 1

write_linux_cfg "$TMP/linux.cfg" "console=ttyAMA0"
printf '[disk0]\nimage = %s\n' "$TMP/card.img" >> "$TMP/linux.cfg"

# boot COMMANDS: boots to the shell, types COMMANDS, waits for the run to end.
boot() {
    local out=$1 commands=$2
    rm -f "$TMP/in"
    mkfifo "$TMP/in"
    timeout 300 "$EMU" "$TMP/linux.cfg" < "$TMP/in" > "$out" 2>&1 &
    local pid=$!
    exec 3> "$TMP/in"
    for _ in $(seq 300); do
        grep -q "armhv: starting shell on console" "$out" && break
        kill -0 $pid 2> /dev/null || break
        sleep 1
    done
    sleep 1
    printf '%s\n' "$commands" >&3
    wait $pid
    local rc=$?
    exec 3>&-
    return $rc
}

boot "$TMP/boot1.out" "mkdir -p /mnt && mount -t ext2 /dev/mmcblk0 /mnt && cat /mnt/host.txt && echo written-by-guest-\$((6*7)) > /mnt/guest.txt && umount /mnt && sync && echo FIRST-BOOT-OK; reboot -f"
rc=$?
grep -E "mmc0|mmcblk0|seeded|FIRST-BOOT" "$TMP/boot1.out" | sed 's/^/    1| /'
[ $rc -eq 0 ] || { echo "first boot: exit status $rc"; tail -n 20 "$TMP/boot1.out"; exit 1; }
expect_in "$TMP/boot1.out" "^seeded-by-host" "the host's file read by the guest" || exit 1
expect_in "$TMP/boot1.out" "^FIRST-BOOT-OK" "the guest's write and sync" || exit 1

boot "$TMP/boot2.out" "mkdir -p /mnt && mount -t ext2 -o ro /dev/mmcblk0 /mnt && cat /mnt/guest.txt; reboot -f"
rc=$?
grep -E "written-by-guest" "$TMP/boot2.out" | sed 's/^/    2| /'
[ $rc -eq 0 ] || { echo "second boot: exit status $rc"; exit 1; }
expect_in "$TMP/boot2.out" "^written-by-guest-42" "the file written in the first boot" || exit 1

host_view=$(debugfs -R "cat /guest.txt" "$TMP/card.img" 2> /dev/null)
echo "    host| debugfs cat /guest.txt: $host_view"
[ "$host_view" = "written-by-guest-42" ] || { echo "host does not see the guest's file"; exit 1; }
e2fsck -fn "$TMP/card.img" > "$TMP/fsck" 2>&1 || { cat "$TMP/fsck"; exit 1; }
echo "    host| e2fsck -fn: clean"
