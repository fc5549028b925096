#!/usr/bin/env python3
"""Boot-time benchmark: armhv-emu and qemu-system-arm side by side.

Boots the same Linux guest (../shared/guests or $ARMHV_GUESTS) in both,
alternating runs, and reports the median wall time from process start to
the serial lines ARMHV-GUEST-READY and ARMHV-WORKLOAD-DONE and to process
exit, and the user + system CPU time of each process (the steadier figure
when other work shares the host), plus the ratio armhv/QEMU, as a table
and as CSV.

Usage: bench/boot.py [-n RUNS] [--emu PATH] [BOARD...]   (default: versatilepb)
Boards: versatilepb, vexpress-a9, vexpress-a15.
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
APPEND = "console=ttyAMA0 armhv.autopoweroff"


def guest_dir():
    for d in (os.environ.get("ARMHV_GUESTS"), os.path.join(TOP, "..", "shared", "guests")):
        if d and os.path.isfile(os.path.join(d, "versatilepb", "zImage")):
            return os.path.abspath(d)
    sys.exit("no guest images: set ARMHV_GUESTS or run scripts/fetch-guests")


def boards(g):
    return {
        "versatilepb": {
            "qemu": ["-M", "versatilepb", "-m", "128M"],
            "cfg": "[machine]\nboard = versatilepb\nmemory = 128M\nrtc = 2025-01-01T00:00:00\n",
            "kernel": f"{g}/versatilepb/zImage",
            "dtb": f"{g}/versatilepb/versatile-pb.dtb",
            "initrd": f"{g}/rootfs-armel.cpio.gz",
        },
        "vexpress-a9": {
            "qemu": ["-M", "vexpress-a9", "-m", "256M"],
            "cfg": "[machine]\nboard = vexpress-a9\nmemory = 256M\nrtc = 2025-01-01T00:00:00\n",
            "kernel": f"{g}/vexpress-a9/zImage",
            "dtb": f"{g}/vexpress-a9/vexpress-v2p-ca9.dtb",
            "initrd": f"{g}/rootfs-armhf.cpio.gz",
        },
        "vexpress-a15": {
            "qemu": ["-M", "vexpress-a15", "-cpu", "cortex-a15", "-m", "256M"],
            "cfg": "[machine]\nboard = vexpress-a15\nmemory = 256M\nrtc = 2025-01-01T00:00:00\n",
            "kernel": f"{g}/vexpress-a9/zImage",
            "dtb": f"{g}/vexpress-a9/vexpress-v2p-ca15-tc1.dtb",
            "initrd": f"{g}/rootfs-armhf.cpio.gz",
        },
    }


def run_once(cmd):
    """Returns seconds to READY, to DONE and to exit (None if not seen), and
    the process's user + system CPU seconds."""
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL)
    ready = done = None
    for line in p.stdout:
        now = time.monotonic() - t0
        if ready is None and b"ARMHV-GUEST-READY" in line:
            ready = now
        if done is None and b"ARMHV-WORKLOAD-DONE" in line:
            done = now
    # wait4 rather than wait: the CPU time is the steadier figure when
    # other work shares the host.
    _, _, usage = os.wait4(p.pid, 0)
    p.returncode = 0
    return ready, done, time.monotonic() - t0, usage.ru_utime + usage.ru_stime


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else float("nan")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", "--runs", type=int, default=3)
    ap.add_argument("--emu", default=os.path.join(TOP, os.environ.get("O", "build"), "armhv-emu"))
    ap.add_argument("board", nargs="*", default=["versatilepb"])
    args = ap.parse_args()
    g = guest_dir()
    table = boards(g)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.board:
            if name not in table:
                sys.exit(f"unknown board {name} (have: {', '.join(table)})")
            b = table[name]
            cfg = os.path.join(tmp, f"{name}.cfg")
            with open(cfg, "w") as f:
                f.write(b["cfg"] + f"[boot]\nkernel = {b['kernel']}\ndtb = {b['dtb']}\n"
                        f"initrd = {b['initrd']}\ncmdline = {APPEND}\n"
                        "[serial0]\nbackend = stdio\n")
            emu_cmd = [args.emu, cfg]
            qemu_cmd = (["qemu-system-arm"] + b["qemu"] +
                        ["-kernel", b["kernel"], "-dtb", b["dtb"], "-initrd", b["initrd"],
                         "-append", APPEND, "-nographic", "-no-reboot",
                         "-audiodev", "none,id=snd0"])
            results = {"armhv": [], "qemu": []}
            for i in range(args.runs):
                results["armhv"].append(run_once(emu_cmd))
                results["qemu"].append(run_once(qemu_cmd))
                print(f"  run {i + 1}/{args.runs}: armhv {results['armhv'][-1][2]:.2f} s "
                      f"({results['armhv'][-1][3]:.2f} s cpu), "
                      f"qemu {results['qemu'][-1][2]:.2f} s "
                      f"({results['qemu'][-1][3]:.2f} s cpu)", file=sys.stderr)
            med = {k: [median([r[j] for r in v]) for j in range(4)] for k, v in results.items()}
            rows.append((name, med))

    print(f"\nmedian of {args.runs} alternating runs, seconds of wall time "
          "(last row: user + system CPU time of the whole run)")
    print(f"{'board':<13} {'what':<22} {'armhv':>8} {'qemu':>8} {'ratio':>7}")
    labels = ["to ARMHV-GUEST-READY", "to ARMHV-WORKLOAD-DONE", "to exit", "CPU time to exit"]
    for name, med in rows:
        for j, label in enumerate(labels):
            a, q = med["armhv"][j], med["qemu"][j]
            print(f"{name:<13} {label:<22} {a:8.2f} {q:8.2f} {a / q:7.2f}")
    print("\nCSV")
    print("board,measure,armhv_s,qemu_s,ratio")
    for name, med in rows:
        for j, label in enumerate(["ready", "done", "exit", "cpu"]):
            a, q = med["armhv"][j], med["qemu"][j]
            print(f"{name},{label},{a:.3f},{q:.3f},{a / q:.3f}")


if __name__ == "__main__":
    main()
