/*
 * Versatile PB system registers (Versatile PB user guide, ARM DUI 0224,
 * "Status and system control registers"; QEMU hw/misc/arm_sysctl.c for
 * what Linux and QEMU expect).
 *
 * MMIO: 4 KiB at 0x10000000 (the DT maps 0x200 as the core module view
 * and 0x1000 as the FPGA view; they are the same registers). No interrupt.
 *
 * Modelled: SYS_ID, the LEDs, the oscillator registers (stored, behind
 * SYS_LOCK; SYS_OSCRESETn are their reset values), SYS_LOCK (0xa05f
 * unlocks, bit 16 reads the lock state), the 100 Hz and 24 MHz counters
 * (from virtual time: Linux's sched_clock reads SYS_24MHZ), the flag
 * registers (SYS_NVFLAGS survive a reset), SYS_RESETCTL (with the lock
 * open, a write with bit 8 set, e.g. Linux's 0x105, asks the board for a
 * reset through a callback), SYS_PCICTL (reads 1: PCI present, as QEMU),
 * SYS_MCI card detect (inputs from the MMCI slots), SYS_CLCD (bits 13:8
 * read-only 0x1f, bits 1:0 drive the CLCD format mux), SYS_PROCIDn.
 *
 * Not modelled: the switches and boot select (read 0), the oscillators'
 * effect on anything, the test oscillator counters SYS_TEST_OSCn (read 0),
 * the configuration registers' meaning (SYS_CFGDATAn, SYS_DMAPSRn,
 * SYS_IOSEL, SYS_PLDCTL, SYS_BUSID, SYS_MISC, SYS_CLCDSER are stored).
 */
#include "devices/versatile_sysregs.h"

#include <stdlib.h>

#include "base/trace.h"
#include "devices/machine_snapshot.h"

/* Register offsets (user guide, "Status and system control registers"). */
#define SYS_ID          0x00  /* RO */
#define SYS_SW          0x04  /* RO: user switches */
#define SYS_LED         0x08
#define SYS_OSC0        0x0c  /* ..SYS_OSC4 at 0x1c, lock-protected */
#define SYS_OSC4        0x1c
#define SYS_LOCK        0x20
#define SYS_100HZ       0x24  /* RO */
#define SYS_CFGDATA1    0x28
#define SYS_CFGDATA2    0x2c
#define SYS_FLAGS       0x30  /* read: SYS_FLAGS; write: SYS_FLAGSSET */
#define SYS_FLAGSCLR    0x34  /* WO */
#define SYS_NVFLAGS     0x38  /* read: SYS_NVFLAGS; write: SYS_NVFLAGSSET */
#define SYS_NVFLAGSCLR  0x3c  /* WO */
#define SYS_RESETCTL    0x40  /* lock-protected */
#define SYS_PCICTL      0x44
#define SYS_MCI         0x48  /* RO */
#define SYS_FLASH       0x4c
#define SYS_CLCD        0x50
#define SYS_CLCDSER     0x54
#define SYS_BOOTCS      0x58  /* RO */
#define SYS_24MHZ       0x5c  /* RO */
#define SYS_MISC        0x60
#define SYS_DMAPSR0     0x64
#define SYS_DMAPSR1     0x68
#define SYS_DMAPSR2     0x6c
#define SYS_IOSEL       0x70
#define SYS_PLDCTL      0x74
#define SYS_BUSID       0x80
#define SYS_PROCID0     0x84  /* RO */
#define SYS_PROCID1     0x88  /* RO */
#define SYS_OSCRESET0   0x8c  /* ..SYS_OSCRESET4 at 0x9c */
#define SYS_OSCRESET4   0x9c
#define SYS_TEST_OSC0   0xc0  /* RO, ..SYS_TEST_OSC4 at 0xd0 */
#define SYS_TEST_OSC4   0xd0

/* SYS_LED: eight user LEDs. */
#define LED_MASK 0xffu

/* SYS_LOCK */
#define LOCK_VALUE   0xa05fu
#define LOCK_LOCKVAL_MASK 0xffffu
#define LOCK_LOCKED  (1u << 16)

/* SYS_RESETCTL: bits 7:0 the reset level, bit 8 starts the reset. */
#define RESETCTL_MASK  0x1ffu
#define RESETCTL_PUSH  (1u << 8)

/* SYS_PCICTL: PCI bridge present/enabled. */
#define PCICTL_PRESENT 1u

/* SYS_MCI: card detect of MMCI0 and MMCI1. */
#define MCI_CARDIN0 (1u << 0)

/* SYS_FLASH: bit 0 enables writes to the NOR flash. */
#define FLASH_WRITE_ENABLE 1u

/* SYS_CLCD: bits 13:8 CLCDID (read-only), bits 1:0 LCD format mux. */
#define CLCD_ID_MASK  0x3f00u
#define CLCD_RESET    0x1f00u   /* CLCDID 0x1f: VGA display, as QEMU */
#define CLCD_MUX_MASK 0x3u

#define PROCID1_VALUE 0xff000000u   /* no second core tile (as QEMU) */

#define NS_PER_100HZ   10000000ull

static const char *const sysregs_names[] = {
    [SYS_ID / 4] = "SYS_ID",             [SYS_SW / 4] = "SYS_SW",
    [SYS_LED / 4] = "SYS_LED",           [SYS_OSC0 / 4] = "SYS_OSC0",
    [0x10 / 4] = "SYS_OSC1",             [0x14 / 4] = "SYS_OSC2",
    [0x18 / 4] = "SYS_OSC3",             [SYS_OSC4 / 4] = "SYS_OSC4",
    [SYS_LOCK / 4] = "SYS_LOCK",         [SYS_100HZ / 4] = "SYS_100HZ",
    [SYS_CFGDATA1 / 4] = "SYS_CFGDATA1", [SYS_CFGDATA2 / 4] = "SYS_CFGDATA2",
    [SYS_FLAGS / 4] = "SYS_FLAGS",       [SYS_FLAGSCLR / 4] = "SYS_FLAGSCLR",
    [SYS_NVFLAGS / 4] = "SYS_NVFLAGS",   [SYS_NVFLAGSCLR / 4] = "SYS_NVFLAGSCLR",
    [SYS_RESETCTL / 4] = "SYS_RESETCTL", [SYS_PCICTL / 4] = "SYS_PCICTL",
    [SYS_MCI / 4] = "SYS_MCI",           [SYS_FLASH / 4] = "SYS_FLASH",
    [SYS_CLCD / 4] = "SYS_CLCD",         [SYS_CLCDSER / 4] = "SYS_CLCDSER",
    [SYS_BOOTCS / 4] = "SYS_BOOTCS",     [SYS_24MHZ / 4] = "SYS_24MHZ",
    [SYS_MISC / 4] = "SYS_MISC",         [SYS_DMAPSR0 / 4] = "SYS_DMAPSR0",
    [SYS_DMAPSR1 / 4] = "SYS_DMAPSR1",   [SYS_DMAPSR2 / 4] = "SYS_DMAPSR2",
    [SYS_IOSEL / 4] = "SYS_IOSEL",       [SYS_PLDCTL / 4] = "SYS_PLDCTL",
    [SYS_BUSID / 4] = "SYS_BUSID",       [SYS_PROCID0 / 4] = "SYS_PROCID0",
    [SYS_PROCID1 / 4] = "SYS_PROCID1",   [SYS_OSCRESET0 / 4] = "SYS_OSCRESET0",
    [0x90 / 4] = "SYS_OSCRESET1",        [0x94 / 4] = "SYS_OSCRESET2",
    [0x98 / 4] = "SYS_OSCRESET3",        [SYS_OSCRESET4 / 4] = "SYS_OSCRESET4",
    [SYS_TEST_OSC0 / 4] = "SYS_TEST_OSC0", [0xc4 / 4] = "SYS_TEST_OSC1",
    [0xc8 / 4] = "SYS_TEST_OSC2",        [0xcc / 4] = "SYS_TEST_OSC3",
    [SYS_TEST_OSC4 / 4] = "SYS_TEST_OSC4",
};

/* For tracing and the dump. */
static const char *sysregs_reg_name(uint32_t offset)
{
    if ((offset & 3) || offset / 4 >= sizeof(sysregs_names) / sizeof(sysregs_names[0]))
        return NULL;
    return sysregs_names[offset / 4];
}

static bool sysregs_locked(const struct versatile_sysregs *sys)
{
    return sys->lockval != LOCK_VALUE;
}

static uint64_t sysregs_now_ns(const struct versatile_sysregs *sys)
{
    return vclock_now_ns(sys->dev.clock);
}

/* 24 MHz = 3 ticks per 125 ns, exact in integers. */
static uint32_t sysregs_24mhz(const struct versatile_sysregs *sys)
{
    return (uint32_t)(sysregs_now_ns(sys) * 3 / 125);
}

static uint32_t sysregs_read(struct versatile_sysregs *sys, uint32_t offset)
{
    if (offset >= SYS_OSC0 && offset <= SYS_OSC4 && !(offset & 3))
        return sys->osc[(offset - SYS_OSC0) >> 2];
    if (offset >= SYS_OSCRESET0 && offset <= SYS_OSCRESET4 && !(offset & 3))
        return sys->oscreset[(offset - SYS_OSCRESET0) >> 2];
    if (offset >= SYS_TEST_OSC0 && offset <= SYS_TEST_OSC4 && !(offset & 3))
        return 0;

    switch (offset) {
    case SYS_ID:
        return sys->sys_id;
    case SYS_SW:
        return 0;
    case SYS_LED:
        return sys->leds;
    case SYS_LOCK:
        return sys->lockval | (sysregs_locked(sys) ? LOCK_LOCKED : 0);
    case SYS_100HZ:
        return (uint32_t)(sysregs_now_ns(sys) / NS_PER_100HZ);
    case SYS_CFGDATA1:
        return sys->cfgdata1;
    case SYS_CFGDATA2:
        return sys->cfgdata2;
    case SYS_FLAGS:
        return sys->flags;
    case SYS_NVFLAGS:
        return sys->nvflags;
    case SYS_RESETCTL:
        return sys->resetctl;
    case SYS_PCICTL:
        return PCICTL_PRESENT;
    case SYS_MCI:
        return sys->mci;
    case SYS_FLASH:
        return sys->flash;
    case SYS_CLCD:
        return sys->clcd;
    case SYS_CLCDSER:
        return sys->clcdser;
    case SYS_BOOTCS:
        return 0;
    case SYS_24MHZ:
        return sysregs_24mhz(sys);
    case SYS_MISC:
        return sys->misc;
    case SYS_DMAPSR0:
    case SYS_DMAPSR1:
    case SYS_DMAPSR2:
        return sys->dmapsr[(offset - SYS_DMAPSR0) >> 2];
    case SYS_IOSEL:
        return sys->iosel;
    case SYS_PLDCTL:
        return sys->pldctl;
    case SYS_BUSID:
        return sys->busid;
    case SYS_PROCID0:
        return sys->proc_id0;
    case SYS_PROCID1:
        return PROCID1_VALUE;
    case SYS_FLAGSCLR:
    case SYS_NVFLAGSCLR:
        device_guest_error(&sys->dev, "read of write-only %s", sysregs_reg_name(offset));
        return 0;
    default:
        device_guest_error(&sys->dev, "read of unknown register +0x%03x", offset);
        return 0;
    }
}

static void sysregs_write_resetctl(struct versatile_sysregs *sys, uint32_t value)
{
    if (sysregs_locked(sys)) {
        device_guest_error(&sys->dev, "SYS_RESETCTL write 0x%x while SYS_LOCK is locked",
                           value);
        return;
    }
    sys->resetctl = value & RESETCTL_MASK;
    if ((value & RESETCTL_PUSH) && sys->reset_request)
        sys->reset_request(sys->reset_opaque);
}

static void sysregs_write(struct versatile_sysregs *sys, uint32_t offset, uint32_t value)
{
    if (offset >= SYS_OSC0 && offset <= SYS_OSC4 && !(offset & 3)) {
        if (sysregs_locked(sys))
            device_guest_error(&sys->dev, "%s write 0x%x while SYS_LOCK is locked",
                               sysregs_reg_name(offset), value);
        else
            sys->osc[(offset - SYS_OSC0) >> 2] = value;
        return;
    }
    if (offset >= SYS_OSCRESET0 && offset <= SYS_OSCRESET4 && !(offset & 3)) {
        sys->oscreset[(offset - SYS_OSCRESET0) >> 2] = value;
        return;
    }

    switch (offset) {
    case SYS_LED:
        sys->leds = value & LED_MASK;
        break;
    case SYS_LOCK:
        sys->lockval = value & LOCK_LOCKVAL_MASK;
        break;
    case SYS_CFGDATA1:
        sys->cfgdata1 = value;
        break;
    case SYS_CFGDATA2:
        sys->cfgdata2 = value;
        break;
    case SYS_FLAGS:
        sys->flags |= value;
        break;
    case SYS_FLAGSCLR:
        sys->flags &= ~value;
        break;
    case SYS_NVFLAGS:
        sys->nvflags |= value;
        break;
    case SYS_NVFLAGSCLR:
        sys->nvflags &= ~value;
        break;
    case SYS_RESETCTL:
        sysregs_write_resetctl(sys, value);
        break;
    case SYS_PCICTL:
        /* Linux writes 1 to enable the bridge; there is nothing to enable. */
        break;
    case SYS_FLASH:
        sys->flash = value & FLASH_WRITE_ENABLE;
        break;
    case SYS_CLCD:
        sys->clcd = (sys->clcd & CLCD_ID_MASK) | (value & ~CLCD_ID_MASK);
        irq_set(&sys->clcd_mux, (int)(value & CLCD_MUX_MASK));
        break;
    case SYS_CLCDSER:
        sys->clcdser = value;
        break;
    case SYS_MISC:
        sys->misc = value;
        break;
    case SYS_DMAPSR0:
    case SYS_DMAPSR1:
    case SYS_DMAPSR2:
        sys->dmapsr[(offset - SYS_DMAPSR0) >> 2] = value;
        break;
    case SYS_IOSEL:
        sys->iosel = value;
        break;
    case SYS_PLDCTL:
        sys->pldctl = value;
        break;
    case SYS_BUSID:
        sys->busid = value;
        break;
    case SYS_ID:
    case SYS_SW:
    case SYS_100HZ:
    case SYS_MCI:
    case SYS_BOOTCS:
    case SYS_24MHZ:
    case SYS_PROCID0:
    case SYS_PROCID1:
        device_guest_error(&sys->dev, "write 0x%x to read-only %s", value,
                           sysregs_reg_name(offset));
        break;
    default:
        device_guest_error(&sys->dev, "write 0x%x to unknown register +0x%03x", value, offset);
        break;
    }
}

static uint32_t sysregs_mmio_read(void *opaque, uint32_t offset, unsigned size)
{
    struct versatile_sysregs *sys = opaque;
    uint32_t value = sysregs_read(sys, offset);
    if (size < 4)
        value &= (1u << (size * 8)) - 1;
    device_trace_access(&sys->dev, "read", offset, sysregs_reg_name(offset), value, size);
    return value;
}

static void sysregs_mmio_write(void *opaque, uint32_t offset, uint32_t value, unsigned size)
{
    struct versatile_sysregs *sys = opaque;
    device_trace_access(&sys->dev, "write", offset, sysregs_reg_name(offset), value, size);
    sysregs_write(sys, offset, value);
}

static const struct mmio_ops sysregs_mmio_ops = {
    .read = sysregs_mmio_read,
    .write = sysregs_mmio_write,
};

void versatile_sysregs_set_card_present(struct versatile_sysregs *sys, unsigned slot,
                                        bool present)
{
    if (slot > 1)
        return;
    if (present)
        sys->mci |= MCI_CARDIN0 << slot;
    else
        sys->mci &= ~(MCI_CARDIN0 << slot);
}

/*
 * Board reset: the lock closes, the oscillators take their SYS_OSCRESETn
 * values. SYS_NVFLAGS, SYS_OSCRESETn and the card-detect inputs survive.
 */
static void sysregs_reset(struct device *dev)
{
    struct versatile_sysregs *sys = (struct versatile_sysregs *)dev;
    sys->leds = 0;
    sys->lockval = 0;
    for (unsigned i = 0; i < VERSATILE_SYSREGS_OSCS; i++)
        sys->osc[i] = sys->oscreset[i];
    sys->cfgdata1 = 0;
    sys->cfgdata2 = 0;
    sys->flags = 0;
    sys->resetctl = 0;
    sys->flash = 0;
    sys->clcd = CLCD_RESET;
    sys->clcdser = 0;
    sys->misc = 0;
    for (unsigned i = 0; i < 3; i++)
        sys->dmapsr[i] = 0;
    sys->iosel = 0;
    sys->pldctl = 0;
    sys->busid = 0;
}

/* Reads of this block have no side effects, so the dump uses the read path. */
static void sysregs_dump(struct device *dev, FILE *out)
{
    struct versatile_sysregs *sys = (struct versatile_sysregs *)dev;
    fprintf(out, "%s (versatile-sysregs) @ 0x%08llx: %s\n", dev->name,
            (unsigned long long)dev->base, sysregs_locked(sys) ? "locked" : "unlocked");
    unsigned column = 0;
    for (uint32_t offset = 0; offset <= SYS_TEST_OSC4; offset += 4) {
        const char *name = sysregs_reg_name(offset);
        if (!name || offset == SYS_FLAGSCLR || offset == SYS_NVFLAGSCLR)
            continue;
        fprintf(out, "  %-14s 0x%08x", name, sysregs_read(sys, offset));
        if (++column == 3) {
            fputc('\n', out);
            column = 0;
        }
    }
    if (column)
        fputc('\n', out);
}

static void sysregs_destroy(struct device *dev)
{
    free(dev);
}

/* savevm/loadvm: every register. */
static int sysregs_snapshot(struct device *dev, struct snapshot_io *io)
{
    struct versatile_sysregs *sys = (struct versatile_sysregs *)dev;
    struct versatile_sysregs *s = snapshot_stage(io, sys, sizeof(*sys));
    if (!s)
        return -1;
    uint32_t *regs[] = { &s->sys_id, &s->proc_id0, &s->leds, &s->lockval, &s->cfgdata1,
                         &s->cfgdata2, &s->flags, &s->nvflags, &s->resetctl, &s->mci,
                         &s->flash, &s->clcd, &s->clcdser, &s->misc, &s->dmapsr[0],
                         &s->dmapsr[1], &s->dmapsr[2], &s->iosel, &s->pldctl, &s->busid };
    for (size_t i = 0; i < sizeof(regs) / sizeof(regs[0]); i++)
        snap_u32(io, regs[i]);
    snap_u32_array(io, s->osc, VERSATILE_SYSREGS_OSCS);
    snap_u32_array(io, s->oscreset, VERSATILE_SYSREGS_OSCS);
    return snapshot_unstage(io, sys, s);
}

struct versatile_sysregs *versatile_sysregs_create(const char *name, uint64_t base,
                                                   uint32_t sys_id, uint32_t proc_id0,
                                                   void (*reset_request)(void *opaque),
                                                   void *reset_opaque, struct vclock *clock,
                                                   struct trace *trace)
{
    struct versatile_sysregs *sys = calloc(1, sizeof(*sys));
    if (!sys)
        return NULL;
    sys->dev.name = name;
    sys->dev.type = "versatile-sysregs";
    sys->dev.base = base;
    sys->dev.size = 0x1000;
    sys->dev.ops = &sysregs_mmio_ops;
    sys->dev.reset = sysregs_reset;
    sys->dev.dump = sysregs_dump;
    sys->dev.destroy = sysregs_destroy;
    sys->dev.snapshot = sysregs_snapshot;
    sys->dev.trace = trace;
    sys->dev.clock = clock;
    sys->sys_id = sys_id;
    sys->proc_id0 = proc_id0;
    sys->reset_request = reset_request;
    sys->reset_opaque = reset_opaque;
    sysregs_reset(&sys->dev);
    return sys;
}
