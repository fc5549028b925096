# Shared helpers for the shell tests. Source it; O is the build directory.
O=${O:-build}
EMU=${EMU:-$O/armhv-emu}
FIRMWARE=$O/firmware
TMP=$(mktemp -d "${TMPDIR:-/tmp}/armhv-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

# write_cfg FILE KERNEL: a versatilepb board.cfg booting KERNEL.
write_cfg() {
    cat > "$1" <<CFG
[machine]
board = versatilepb
memory = 128M
[boot]
kernel = $(realpath "$2")
[serial0]
backend = stdio
CFG
}

# expect_in FILE PATTERN WHAT: fails the test with a message if missing.
expect_in() {
    if ! grep -q -- "$2" "$1"; then
        echo "expected $3: '$2' not found in output:"
        sed 's/^/    | /' "$1" | tail -n 20
        return 1
    fi
}

# Guest images: ../shared/guests beside the checkout, or $ARMHV_GUESTS
# (scripts/fetch-guests builds them from Debian's archive).
find_guests() {
    local top
    top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
    for dir in "${ARMHV_GUESTS:-}" "$top/../shared/guests"; do
        if [ -n "$dir" ] && [ -f "$dir/versatilepb/zImage" ]; then
            GUESTS=$(cd "$dir" && pwd)
            return 0
        fi
    done
    echo "no guest images: set ARMHV_GUESTS or run scripts/fetch-guests (see README.md)"
    return 1
}

# write_linux_cfg FILE CMDLINE: versatilepb Linux with the test initramfs.
write_linux_cfg() {
    cat > "$1" <<CFG
[machine]
board = versatilepb
memory = 128M
rtc = 2025-01-01T00:00:00
[boot]
kernel = $GUESTS/versatilepb/zImage
dtb = $GUESTS/versatilepb/versatile-pb.dtb
initrd = $GUESTS/rootfs-armel.cpio.gz
cmdline = $2
[serial0]
backend = stdio
CFG
}
