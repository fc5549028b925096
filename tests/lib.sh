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
