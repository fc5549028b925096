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

# start_with_input OUT ARGS...: runs the emulator with ARGS in the
# background, stdout to OUT and stderr to OUT.err, its stdin a FIFO held
# open on fd 3 (type with `printf 'list\n' >&3`). Sets pid; the EXIT trap
# closes the FIFO, stops the emulator and removes $TMP.
start_with_input() {
    local out=$1
    shift
    RUN_OUT=$out
    mkfifo "$TMP/in"
    "$EMU" "$@" < "$TMP/in" > "$out" 2> "$out.err" &
    pid=$!
    exec 3> "$TMP/in"
    trap 'exec 3>&-; kill "$pid" 2> /dev/null; rm -rf "$TMP"' EXIT
}

# wait_for PATTERN SECONDS: waits until the output of start_with_input
# matches PATTERN (grep); fails with its tail if the emulator exits first
# or time runs out.
wait_for() {
    for _ in $(seq $(($2 * 10))); do
        grep -q -- "$1" "$RUN_OUT" && return 0
        kill -0 "$pid" 2> /dev/null || break
        sleep 0.1
    done
    echo "timed out waiting for '$1'; output:"
    tail -n 25 "$RUN_OUT" | sed 's/^/    | /'
    return 1
}

# wait_exit SECONDS: waits for the emulator of start_with_input to exit
# (killing it after SECONDS) and sets status to its exit status.
wait_exit() {
    for _ in $(seq $(($1 * 10))); do kill -0 "$pid" 2> /dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2> /dev/null; then
        echo "the emulator did not exit within $1 s; killed"
        kill "$pid"
    fi
    status=0
    wait "$pid" || status=$?
}

# no_sanitizer_report FILE: fails (printing it) if FILE holds an ASan,
# LSan or UBSan report.
no_sanitizer_report() {
    if grep -Eq 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$1"; then
        echo "sanitizer report:"
        sed 's/^/    | /' "$1" | head -n 40
        return 1
    fi
}
