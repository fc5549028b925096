/*
 * Versatile Express V2M-P1 motherboard system registers (Motherboard
 * Express uATX TRM, ARM DUI 0447, "System register summary" and
 * "Configuration registers"; QEMU hw/misc/arm_sysctl.c for what Linux and
 * QEMU expect, Linux drivers/bus/vexpress-config.c for the bus protocol).
 *
 * MMIO: 4 KiB at 0x10000000 (legacy map, CA9) or 0x1c010000 (RS1 map,
 * CA15). No interrupt.
 *
 * Modelled: SYS_ID, SYS_SW, the LEDs, the 100 Hz and 24 MHz counters (from
 * virtual time: Linux's sched_clock reads SYS_24MHZ on the CA9), the flag
 * registers (SYS_FLAGS holds the secondary CPUs' entry address during SMP
 * boot; SYS_NVFLAGS survive a reset), SYS_MCI card detect (inputs from the
 * MMCI slot), SYS_FLASH, SYS_CFGSW, SYS_MISC (reads 0: daughterboard site 1
 * is the master site), SYS_DMA, SYS_PROCID0/1, and the configuration bus.
 *
 * Configuration bus: the guest writes SYS_CFGDATA (for a write), clears
 * SYS_CFGSTAT, writes SYS_CFGCTRL with the start bit and polls SYS_CFGSTAT
 * for "complete"; a read's result is then in SYS_CFGDATA. Here a transfer
 * completes within the SYS_CFGCTRL write. Answered, as QEMU does:
 *   OSC (1)      site 0 devices 0-5: the motherboard oscillators; site 1:
 *                the daughterboard's (read and write, in Hz)
 *   VOLT (2)     site 0 device 0: VIO 3.3 V; site 1: the daughterboard's
 *                supplies (read only, in microvolts)
 *   RESET (5), SHUTDOWN (8), REBOOT (9)   site 0 device 0, write: passed to
 *                the board through power_request (Linux's vexpress-poweroff
 *                uses SHUTDOWN for poweroff and REBOOT or RESET for reboot)
 *   MUXFPGA (7), DVIMODE (11)   site 0 device 0: stored, no effect
 * Anything else (DCC or board position not 0, site 2, AMP, TEMP, SCC,
 * POWER, ENERGY, unknown devices) completes with the error bit set.
 *
 * Not modelled: the switches' meaning (SYS_SW and SYS_CFGSW are plain
 * storage), the oscillators' effect on anything (the UARTs and timers run
 * at their fixed rates whatever OSC says), the NOR flash write protection.
 */
#include "devices/vexpress_sysregs.h"

#include <stdlib.h>

#include "base/trace.h"
#include "devices/machine_snapshot.h"

/* Register offsets (TRM "System register summary"). */
#define SYS_ID          0x00  /* RO */
#define SYS_SW          0x04
#define SYS_LED         0x08
#define SYS_100HZ       0x24  /* RO */
#define SYS_FLAGS       0x30  /* read: SYS_FLAGS; write: SYS_FLAGSSET */
#define SYS_FLAGSCLR    0x34  /* WO */
#define SYS_NVFLAGS     0x38  /* read: SYS_NVFLAGS; write: SYS_NVFLAGSSET */
#define SYS_NVFLAGSCLR  0x3c  /* WO */
#define SYS_MCI         0x48  /* RO */
#define SYS_FLASH       0x4c
#define SYS_CFGSW       0x58
#define SYS_24MHZ       0x5c  /* RO */
#define SYS_MISC        0x60  /* RO */
#define SYS_DMA         0x64
#define SYS_PROCID0     0x84  /* RO */
#define SYS_PROCID1     0x88  /* RO */
#define SYS_CFGDATA     0xa0
#define SYS_CFGCTRL     0xa4
#define SYS_CFGSTAT     0xa8
#define SYS_LAST        SYS_CFGSTAT

#define SW_MASK         0xffu
#define LED_MASK        0xffu
#define CFGSW_MASK      0xffu

/* SYS_MCI */
#define MCI_CARDIN      (1u << 0)
#define MCI_WPROT       (1u << 1)

/* SYS_FLASH: bit 0 enables NOR flash programming. */
#define FLASH_MASK      1u

/* SYS_PROCID1: site 2 has no daughterboard (as QEMU). */
#define PROCID1_EMPTY   0xff000000u

/* SYS_CFGCTRL (TRM "SYS_CFGCTRL Register bit assignments"). */
#define CFGCTRL_START          (1u << 31)
#define CFGCTRL_WRITE          (1u << 30)
#define CFGCTRL_DCC_SHIFT      26
#define CFGCTRL_DCC_MASK       0xfu
#define CFGCTRL_FUNC_SHIFT     20
#define CFGCTRL_FUNC_MASK      0x3fu
#define CFGCTRL_RESERVED       (3u << 18)
#define CFGCTRL_SITE_SHIFT     16
#define CFGCTRL_SITE_MASK      0x3u
#define CFGCTRL_POS_SHIFT      12
#define CFGCTRL_POS_MASK       0xfu
#define CFGCTRL_DEVICE_MASK    0xfffu

/* SYS_CFGSTAT */
#define CFGSTAT_COMPLETE       (1u << 0)
#define CFGSTAT_ERROR          (1u << 1)
#define CFGSTAT_MASK           3u

/* Configuration functions (TRM "Configuration functions"; Linux vexpress.h). */
enum cfg_function {
    CFG_OSC = 1,
    CFG_VOLT = 2,
    CFG_AMP = 3,
    CFG_TEMP = 4,
    CFG_RESET = 5,
    CFG_SCC = 6,
    CFG_MUXFPGA = 7,
    CFG_SHUTDOWN = 8,
    CFG_REBOOT = 9,
    CFG_DVIMODE = 11,
    CFG_POWER = 12,
    CFG_ENERGY = 13,
};

/* Sites on the bus: the motherboard and the two daughterboard sites. */
#define SITE_MB   0u
#define SITE_DB1  1u

/* Motherboard oscillators at reset, in Hz (as QEMU). */
static const uint32_t mb_osc_reset[VEXPRESS_MB_OSCS] = {
    50000000,   /* OSC0: static memory controller clock */
    23750000,   /* OSC1: motherboard CLCD pixel clock */
    24000000,   /* OSC2: peripheral clock (UARTs, KMI, MMCI): v2m:oscclk2 */
    24000000,   /* OSC3: reserved */
    24000000,   /* OSC4: system bus global clock */
    24000000,   /* OSC5: reserved */
};

/* VIO, the motherboard-daughterboard bus voltage. */
#define MB_VIO_UV 3300000u

/* V2P-CA9 (as QEMU's a9 daughterboard): voltages in microvolts, clocks in Hz. */
static const uint32_t ca9_volts[] = {
    1000000,    /* VD10: SoC internal logic */
    1000000,    /* VD10_S2: PL310, L2 cache, RAM */
    1000000,    /* VD10_S3: Cortex-A9 cores, SCU */
    1800000,    /* VCC1V8: DDR2 */
    900000,     /* DDR2VTT */
    3300000,    /* VCC3V3: board logic */
};

static const uint32_t ca9_oscs[] = {
    45000000,   /* OSC0: AXI ACLK (DT extsaxiclk) */
    23750000,   /* OSC1: daughterboard CLCD clock (DT clcdclk) */
    66670000,   /* OSC2: test chip reference clock (DT tcrefclk) */
};

const struct vexpress_daughterboard vexpress_db_ca9 = {
    .name = "V2P-CA9",
    .proc_id = VEXPRESS_PROC_ID_CA9,
    .osc_hz = ca9_oscs,
    .osc_count = sizeof(ca9_oscs) / sizeof(ca9_oscs[0]),
    .volt_uv = ca9_volts,
    .volt_count = sizeof(ca9_volts) / sizeof(ca9_volts[0]),
};

/* V2P-CA15 (as QEMU's a15 daughterboard). */
static const uint32_t ca15_volts[] = {
    900000,     /* Vcore */
};

static const uint32_t ca15_oscs[] = {
    60000000,   /* OSC0: CPU_CLK reference */
    0,          /* OSC1-3: reserved */
    0,
    0,
    40000000,   /* OSC4: external AXI master clock */
    23750000,   /* OSC5: HDLCD PLL reference */
    50000000,   /* OSC6: static memory controller */
    60000000,   /* OSC7: SYSCLK reference */
    40000000,   /* OSC8: DDR2 PLL reference */
};

const struct vexpress_daughterboard vexpress_db_ca15 = {
    .name = "V2P-CA15",
    .proc_id = VEXPRESS_PROC_ID_CA15,
    .osc_hz = ca15_oscs,
    .osc_count = sizeof(ca15_oscs) / sizeof(ca15_oscs[0]),
    .volt_uv = ca15_volts,
    .volt_count = sizeof(ca15_volts) / sizeof(ca15_volts[0]),
};

#define NS_PER_100HZ 10000000ull

static const char *const sysregs_names[] = {
    [SYS_ID / 4] = "SYS_ID",             [SYS_SW / 4] = "SYS_SW",
    [SYS_LED / 4] = "SYS_LED",           [SYS_100HZ / 4] = "SYS_100HZ",
    [SYS_FLAGS / 4] = "SYS_FLAGS",       [SYS_FLAGSCLR / 4] = "SYS_FLAGSCLR",
    [SYS_NVFLAGS / 4] = "SYS_NVFLAGS",   [SYS_NVFLAGSCLR / 4] = "SYS_NVFLAGSCLR",
    [SYS_MCI / 4] = "SYS_MCI",           [SYS_FLASH / 4] = "SYS_FLASH",
    [SYS_CFGSW / 4] = "SYS_CFGSW",       [SYS_24MHZ / 4] = "SYS_24MHZ",
    [SYS_MISC / 4] = "SYS_MISC",         [SYS_DMA / 4] = "SYS_DMA",
    [SYS_PROCID0 / 4] = "SYS_PROCID0",   [SYS_PROCID1 / 4] = "SYS_PROCID1",
    [SYS_CFGDATA / 4] = "SYS_CFGDATA",   [SYS_CFGCTRL / 4] = "SYS_CFGCTRL",
    [SYS_CFGSTAT / 4] = "SYS_CFGSTAT",
};

static const char *const cfg_function_names[] = {
    [CFG_OSC] = "OSC",         [CFG_VOLT] = "VOLT",       [CFG_AMP] = "AMP",
    [CFG_TEMP] = "TEMP",       [CFG_RESET] = "RESET",     [CFG_SCC] = "SCC",
    [CFG_MUXFPGA] = "MUXFPGA", [CFG_SHUTDOWN] = "SHUTDOWN", [CFG_REBOOT] = "REBOOT",
    [CFG_DVIMODE] = "DVIMODE", [CFG_POWER] = "POWER",     [CFG_ENERGY] = "ENERGY",
};

/* For tracing and the dump. */
static const char *sysregs_reg_name(uint32_t offset)
{
    if ((offset & 3) || offset / 4 >= sizeof(sysregs_names) / sizeof(sysregs_names[0]))
        return NULL;
    return sysregs_names[offset / 4];
}

static const char *cfg_function_name(unsigned function)
{
    const char *name = NULL;
    if (function < sizeof(cfg_function_names) / sizeof(cfg_function_names[0]))
        name = cfg_function_names[function];
    return name ? name : "?";
}

static uint64_t sysregs_now_ns(const struct vexpress_sysregs *sys)
{
    return vclock_now_ns(sys->dev.clock);
}

/* 24 MHz = 3 ticks per 125 ns, exact in integers. */
static uint32_t sysregs_24mhz(const struct vexpress_sysregs *sys)
{
    return (uint32_t)(sysregs_now_ns(sys) * 3 / 125);
}

/* One decoded SYS_CFGCTRL command. */
struct cfg_command {
    unsigned dcc, function, site, position, device;
    bool write;
};

static struct cfg_command cfg_decode(uint32_t ctrl)
{
    struct cfg_command c;
    c.dcc = (ctrl >> CFGCTRL_DCC_SHIFT) & CFGCTRL_DCC_MASK;
    c.function = (ctrl >> CFGCTRL_FUNC_SHIFT) & CFGCTRL_FUNC_MASK;
    c.site = (ctrl >> CFGCTRL_SITE_SHIFT) & CFGCTRL_SITE_MASK;
    c.position = (ctrl >> CFGCTRL_POS_SHIFT) & CFGCTRL_POS_MASK;
    c.device = ctrl & CFGCTRL_DEVICE_MASK;
    c.write = (ctrl & CFGCTRL_WRITE) != 0;
    return c;
}

/* The oscillator register a command names, or NULL. */
static uint32_t *cfg_osc(struct vexpress_sysregs *sys, const struct cfg_command *c)
{
    if (c->site == SITE_MB && c->device < VEXPRESS_MB_OSCS)
        return &sys->mb_osc[c->device];
    if (c->site == SITE_DB1 && c->device < sys->db->osc_count)
        return &sys->db_osc[c->device];
    return NULL;
}

/* A read on the bus; false when no device answers. */
static bool cfg_read(struct vexpress_sysregs *sys, const struct cfg_command *c, uint32_t *value)
{
    switch (c->function) {
    case CFG_OSC: {
        uint32_t *osc = cfg_osc(sys, c);
        if (!osc)
            return false;
        *value = *osc;
        return true;
    }
    case CFG_VOLT:
        if (c->site == SITE_MB && c->device == 0) {
            *value = MB_VIO_UV;
            return true;
        }
        if (c->site == SITE_DB1 && c->device < sys->db->volt_count) {
            *value = sys->db->volt_uv[c->device];
            return true;
        }
        return false;
    case CFG_MUXFPGA:
        if (c->site != SITE_MB || c->device != 0)
            return false;
        *value = sys->muxfpga;
        return true;
    case CFG_DVIMODE:
        if (c->site != SITE_MB || c->device != 0)
            return false;
        *value = sys->dvimode;
        return true;
    default:
        return false;
    }
}

static bool cfg_power(struct vexpress_sysregs *sys, const struct cfg_command *c,
                      enum vexpress_power_request what)
{
    if (c->site != SITE_MB || c->device != 0)
        return false;
    if (sys->power_request)
        sys->power_request(sys->power_opaque, what);
    return true;
}

/* A write on the bus; false when no device accepts it. */
static bool cfg_write(struct vexpress_sysregs *sys, const struct cfg_command *c, uint32_t value)
{
    switch (c->function) {
    case CFG_OSC: {
        uint32_t *osc = cfg_osc(sys, c);
        if (!osc)
            return false;
        *osc = value;
        return true;
    }
    case CFG_MUXFPGA:
        if (c->site != SITE_MB || c->device != 0)
            return false;
        sys->muxfpga = value;
        return true;
    case CFG_DVIMODE:
        if (c->site != SITE_MB || c->device != 0)
            return false;
        sys->dvimode = value;
        return true;
    case CFG_SHUTDOWN:
        return cfg_power(sys, c, VEXPRESS_POWER_SHUTDOWN);
    case CFG_REBOOT:
        return cfg_power(sys, c, VEXPRESS_POWER_REBOOT);
    case CFG_RESET:
        return cfg_power(sys, c, VEXPRESS_POWER_RESET);
    default:
        return false;
    }
}

/* Runs the transfer SYS_CFGCTRL describes; it completes at once. */
static void cfg_transfer(struct vexpress_sysregs *sys)
{
    struct cfg_command c = cfg_decode(sys->cfgctrl);
    bool ok = false;
    sys->cfg_transfers++;
    /* Only the first board in the stack (position 0) on the default
     * daughterboard configuration controller (DCC 0) is there. */
    if (c.dcc == 0 && c.position == 0 && (c.site == SITE_MB || c.site == SITE_DB1)) {
        if (c.write) {
            ok = cfg_write(sys, &c, sys->cfgdata);
        } else {
            uint32_t value = 0;
            ok = cfg_read(sys, &c, &value);
            if (ok)
                sys->cfgdata = value;
        }
    }
    sys->cfgstat = CFGSTAT_COMPLETE;
    if (!ok) {
        sys->cfgstat |= CFGSTAT_ERROR;
        sys->cfg_errors++;
        trace_printf(sys->dev.trace, TRACE_UNIMP,
                     "%s: config bus %s of function %u (%s) site %u position %u device %u"
                     " dcc %u: no such device", sys->dev.name, c.write ? "write" : "read",
                     c.function, cfg_function_name(c.function), c.site, c.position,
                     c.device, c.dcc);
    }
}

static uint32_t sysregs_read(struct vexpress_sysregs *sys, uint32_t offset)
{
    switch (offset) {
    case SYS_ID:
        return VEXPRESS_SYS_ID;
    case SYS_SW:
        return sys->sw;
    case SYS_LED:
        return sys->leds;
    case SYS_100HZ:
        return (uint32_t)(sysregs_now_ns(sys) / NS_PER_100HZ);
    case SYS_FLAGS:
        return sys->flags;
    case SYS_NVFLAGS:
        return sys->nvflags;
    case SYS_MCI:
        return sys->mci;
    case SYS_FLASH:
        return sys->flash;
    case SYS_CFGSW:
        return sys->cfgsw;
    case SYS_24MHZ:
        return sysregs_24mhz(sys);
    case SYS_MISC:
        return 0;
    case SYS_DMA:
        return sys->dma;
    case SYS_PROCID0:
        return sys->db->proc_id;
    case SYS_PROCID1:
        return PROCID1_EMPTY;
    case SYS_CFGDATA:
        return sys->cfgdata;
    case SYS_CFGCTRL:
        return sys->cfgctrl;
    case SYS_CFGSTAT:
        return sys->cfgstat;
    case SYS_FLAGSCLR:
    case SYS_NVFLAGSCLR:
        device_guest_error(&sys->dev, "read of write-only %s", sysregs_reg_name(offset));
        return 0;
    default:
        device_guest_error(&sys->dev, "read of unknown register +0x%03x", offset);
        return 0;
    }
}

static void sysregs_write(struct vexpress_sysregs *sys, uint32_t offset, uint32_t value)
{
    switch (offset) {
    case SYS_SW:
        sys->sw = value & SW_MASK;
        break;
    case SYS_LED:
        sys->leds = value & LED_MASK;
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
    case SYS_FLASH:
        sys->flash = value & FLASH_MASK;
        break;
    case SYS_CFGSW:
        sys->cfgsw = value & CFGSW_MASK;
        break;
    case SYS_DMA:
        sys->dma = value;
        break;
    case SYS_CFGDATA:
        sys->cfgdata = value;
        break;
    case SYS_CFGCTRL:
        /* The start bit only triggers the transfer and reads as zero. */
        sys->cfgctrl = value & ~(CFGCTRL_START | CFGCTRL_RESERVED);
        if (value & CFGCTRL_START)
            cfg_transfer(sys);
        break;
    case SYS_CFGSTAT:
        sys->cfgstat = value & CFGSTAT_MASK;
        break;
    case SYS_ID:
    case SYS_100HZ:
    case SYS_MCI:
    case SYS_24MHZ:
    case SYS_MISC:
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
    struct vexpress_sysregs *sys = opaque;
    uint32_t value = sysregs_read(sys, offset & ~3u) >> ((offset & 3) * 8);
    if (size < 4)
        value &= (1u << (size * 8)) - 1;
    device_trace_access(&sys->dev, "read", offset, sysregs_reg_name(offset), value, size);
    return value;
}

static void sysregs_mmio_write(void *opaque, uint32_t offset, uint32_t value, unsigned size)
{
    struct vexpress_sysregs *sys = opaque;
    device_trace_access(&sys->dev, "write", offset, sysregs_reg_name(offset), value, size);
    if (size != 4 || (offset & 3)) {
        device_guest_error(&sys->dev, "%u-byte write to +0x%03x ignored (32-bit registers)",
                           size, offset);
        return;
    }
    sysregs_write(sys, offset, value);
}

static const struct mmio_ops sysregs_mmio_ops = {
    .read = sysregs_mmio_read,
    .write = sysregs_mmio_write,
};

void vexpress_sysregs_set_mci(struct vexpress_sysregs *sys, bool card_in, bool read_only)
{
    sys->mci = (card_in ? MCI_CARDIN : 0) | (read_only ? MCI_WPROT : 0);
}

uint32_t vexpress_sysregs_flags(const struct vexpress_sysregs *sys)
{
    return sys->flags;
}

/*
 * Board reset: the oscillators return to their reset frequencies.
 * SYS_NVFLAGS, the switches and the card-detect inputs survive.
 */
static void sysregs_reset(struct device *dev)
{
    struct vexpress_sysregs *sys = (struct vexpress_sysregs *)dev;
    sys->leds = 0;
    sys->flags = 0;
    sys->flash = 0;
    sys->dma = 0;
    sys->cfgdata = 0;
    sys->cfgctrl = 0;
    sys->cfgstat = 0;
    for (unsigned i = 0; i < VEXPRESS_MB_OSCS; i++)
        sys->mb_osc[i] = mb_osc_reset[i];
    for (unsigned i = 0; i < sys->db->osc_count; i++)
        sys->db_osc[i] = sys->db->osc_hz[i];
    sys->muxfpga = 0;
    sys->dvimode = 0;
}

static void sysregs_dump(struct device *dev, FILE *out)
{
    struct vexpress_sysregs *sys = (struct vexpress_sysregs *)dev;
    fprintf(out, "%s (vexpress-sysregs) @ 0x%08llx: daughterboard %s, %llu config transfers"
            " (%llu errors)\n", dev->name, (unsigned long long)dev->base, sys->db->name,
            (unsigned long long)sys->cfg_transfers, (unsigned long long)sys->cfg_errors);
    unsigned column = 0;
    for (uint32_t offset = 0; offset <= SYS_LAST; offset += 4) {
        const char *name = sysregs_reg_name(offset);
        if (!name || offset == SYS_FLAGSCLR || offset == SYS_NVFLAGSCLR)
            continue;
        /* Reads of this block have no side effects. */
        fprintf(out, "  %-14s 0x%08x", name, sysregs_read(sys, offset));
        if (++column == 3) {
            fputc('\n', out);
            column = 0;
        }
    }
    if (column)
        fputc('\n', out);
    fprintf(out, "  motherboard OSC0-%u:", VEXPRESS_MB_OSCS - 1);
    for (unsigned i = 0; i < VEXPRESS_MB_OSCS; i++)
        fprintf(out, " %u", sys->mb_osc[i]);
    fprintf(out, " Hz\n  daughterboard OSC0-%u:", sys->db->osc_count - 1);
    for (unsigned i = 0; i < sys->db->osc_count; i++)
        fprintf(out, " %u", sys->db_osc[i]);
    fprintf(out, " Hz\n  MUXFPGA %u DVIMODE %u\n", sys->muxfpga, sys->dvimode);
}

static void sysregs_destroy(struct device *dev)
{
    free(dev);
}

/* savevm/loadvm: the registers and the oscillator settings. */
static int sysregs_snapshot(struct device *dev, struct snapshot_io *io)
{
    struct vexpress_sysregs *sys = (struct vexpress_sysregs *)dev;
    struct vexpress_sysregs *s = snapshot_stage(io, sys, sizeof(*sys));
    if (!s)
        return -1;
    uint32_t *regs[] = { &s->sw, &s->leds, &s->flags, &s->nvflags, &s->mci, &s->flash,
                         &s->cfgsw, &s->dma, &s->cfgdata, &s->cfgctrl, &s->cfgstat,
                         &s->muxfpga, &s->dvimode };
    for (size_t i = 0; i < sizeof(regs) / sizeof(regs[0]); i++)
        snap_u32(io, regs[i]);
    snap_u32_array(io, s->mb_osc, VEXPRESS_MB_OSCS);
    snap_u32_array(io, s->db_osc, VEXPRESS_DB_MAX_OSCS);
    snap_u64(io, &s->cfg_transfers);
    snap_u64(io, &s->cfg_errors);
    return snapshot_unstage(io, sys, s);
}

struct vexpress_sysregs *vexpress_sysregs_create(const char *name, uint64_t base,
                                                 const struct vexpress_daughterboard *db,
                                                 vexpress_power_fn *power_request,
                                                 void *power_opaque, struct vclock *clock,
                                                 struct trace *trace)
{
    if (!db || db->osc_count == 0 || db->osc_count > VEXPRESS_DB_MAX_OSCS ||
        db->volt_count > VEXPRESS_DB_MAX_VOLTS)
        return NULL;
    struct vexpress_sysregs *sys = calloc(1, sizeof(*sys));
    if (!sys)
        return NULL;
    sys->dev.name = name;
    sys->dev.type = "vexpress-sysregs";
    sys->dev.base = base;
    sys->dev.size = 0x1000;
    sys->dev.ops = &sysregs_mmio_ops;
    sys->dev.reset = sysregs_reset;
    sys->dev.dump = sysregs_dump;
    sys->dev.destroy = sysregs_destroy;
    sys->dev.snapshot = sysregs_snapshot;
    sys->dev.trace = trace;
    sys->dev.clock = clock;
    sys->db = db;
    sys->power_request = power_request;
    sys->power_opaque = power_opaque;
    sysregs_reset(&sys->dev);
    return sys;
}
