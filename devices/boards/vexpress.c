/*
 * ARM Versatile Express: the V2M-P1 motherboard with a CoreTile, wired as
 * QEMU's vexpress-a9 and vexpress-a15 machines and laid out as Linux 6.1's
 * vexpress-v2m.dtsi / vexpress-v2m-rs1.dtsi, vexpress-v2p-ca9.dts and
 * vexpress-v2p-ca15-tc1.dts. Each table below is one memory map, one line
 * per device-tree node in address order, so it can be ticked off against
 * the DT and ../guests/README.md. Lines marked ABSENT are not modelled:
 * their addresses are unmapped and read as zero (the PrimeCell IDs Linux
 * probes then match no driver).
 *
 *   vexpress-a9   legacy motherboard map (CS7 peripherals at 0x10000000),
 *                 V2P-CA9: RAM at 0x60000000, Cortex-A9 MPCore private
 *                 region (SCU, GIC, global/private timers) at 0x1e000000,
 *                 PL310 L2 cache controller at 0x1e00a000
 *   vexpress-a15  RS1 motherboard map (peripherals at 0x1c000000),
 *                 V2P-CA15: RAM at 0x80000000, GIC-400 distributor and CPU
 *                 interface at 0x2c001000/0x2c002000, the generic timer
 *                 (CP15, PPIs 13, 14, 11, 10), 64 KiB SRAM at 0x2e000000
 *
 * Interrupts: the GIC drives each CPU's IRQ and FIQ inputs. Motherboard
 * interrupt n is GIC SPI n (interrupt ID 32 + n) on both tiles, as the
 * DT's interrupt-map says; the tiles' own devices list their SPIs.
 *
 * Power: the motherboard config bus (vexpress_sysregs.c) ends the run on
 * SHUTDOWN (Linux's poweroff), REBOOT and RESET (reboot).
 *
 * CPUs: machine.cpus = 1..4 (the MPCore tiles have up to four). The
 * machine time-shares them (devices/machine.c); the GIC's banked
 * registers, the A9 private timers and the generic timer serve the CPU
 * that runs. Secondary boot is the real board's, as Linux 6.1's
 * platsmp-vexpress.c expects (the DTs have no enable-method and no PSCI
 * node): the boot monitor holds the secondaries in WFI; the kernel writes
 * their entry point to SYS_FLAGS and sends them an SGI. The pen is
 * written by devices/linux_boot.c into the last page of the PSRAM,
 * which Linux leaves alone (an mtd-ram nobody writes to).
 */
#include "devices/boards/vexpress.h"

#include <errno.h>
#include <string.h>

#include "base/report.h"
#include "devices/a9_mpcore.h"
#include "devices/generic_timer.h"
#include "devices/gic.h"
#include "devices/lan9118.h"
#include "devices/pl011.h"
#include "devices/pl031.h"
#include "devices/pl050.h"
#include "devices/pl110.h"
#include "devices/pl181.h"
#include "devices/pl310.h"
#include "devices/ps2.h"
#include "devices/sp804.h"
#include "devices/sp810.h"
#include "devices/vexpress_sysregs.h"

#define VE_LINUX_MACHINE_TYPE 0x8e0     /* MACH_TYPE_VEXPRESS */
#define VE_DEFAULT_MEMORY (128u << 20)  /* QEMU's default */
#define VE_A9_RAM_BASE 0x60000000u
#define VE_A9_MAX_MEMORY (1ull << 30)   /* the 0x60000000-0x9fffffff window */
#define VE_A15_RAM_BASE 0x80000000u
#define VE_A15_MAX_MEMORY (2ull << 30)  /* the rest of the 32-bit space */

#define VE_A9_PERIPHBASE 0x1e000000u
#define VE_A15_PERIPHBASE 0x2c000000u
#define VE_A9_GIC_IRQS 96               /* GICD_TYPER 0x402, as QEMU */
#define VE_A15_GIC_IRQS 160             /* GICD_TYPER 0x404, as QEMU */
/* GIC-400 blocks from PERIPHBASE (Cortex-A15 MPCore TRM, "Memory map"). */
#define VE_A15_GICD_OFFSET 0x1000u
#define VE_A15_GICC_OFFSET 0x2000u
#define VE_A9_GICC_OFFSET 0x100u        /* Cortex-A9 MPCore TRM, "Private memory region" */
#define VE_SYS_FLAGS 0x30u              /* from the sysregs base: the secondaries' entry */
#define VE_PSRAM_SIZE (32u << 20)
#define VE_MAX_CPUS 4

/* The generic timer's PPIs, in the DT's order (secure/non-secure phys, virt, hyp). */
static const unsigned ve_gtimer_ppi[GT_TIMER_COUNT] = { 13, 14, 11, 10 };

enum ve_model {
    VE_ABSENT,          /* not modelled: unmapped, reads as zero */
    VE_RAM,             /* RAM region; arg = size in bytes */
    VE_A9_MPCORE,       /* SCU, GIC, timers at PERIPHBASE (interrupt controller) */
    VE_GIC400,          /* GIC-400 at PERIPHBASE + the generic timer (interrupt controller) */
    VE_PL310,
    VE_SYSREGS,
    VE_SP810,
    VE_PL180,           /* MMCI: spi = MCIINTR0, spi2 = MCIINTR1; arg = card slot */
    VE_KMI_KEYBOARD,
    VE_KMI_MOUSE,
    VE_PL011,           /* arg = machine_config.serial port */
    VE_SP804,
    VE_PL031,
    VE_PL111,
    VE_LAN9118,
};

#define NO_IRQ -1

struct ve_slot {
    enum ve_model model;
    const char *name;
    uint32_t base;
    int spi;            /* the DT's (first) interrupt as a GIC SPI number, or NO_IRQ */
    int spi2;           /* its second interrupt, or NO_IRQ */
    uint32_t arg;
};

/* V2M-P1 "legacy" map (vexpress-v2m.dtsi): CS7 peripherals at 0x10000000. */
static const struct ve_slot ve_mb_legacy[] = {
    /* model            name        base        spi     spi2    arg */
    { VE_SYSREGS,       "sysregs",  0x10000000, NO_IRQ, NO_IRQ, 0 },
    { VE_SP810,         "sysctl",   0x10001000, NO_IRQ, NO_IRQ, 0 },
    { VE_ABSENT,        "i2c-pcie", 0x10002000, NO_IRQ, NO_IRQ, 0 },
    { VE_ABSENT,        "aaci",     0x10004000, 11,     NO_IRQ, 0 },
    { VE_PL180,         "mmci",     0x10005000, 9,      10,     0 },
    { VE_KMI_KEYBOARD,  "kmi0",     0x10006000, 12,     NO_IRQ, 0 },
    { VE_KMI_MOUSE,     "kmi1",     0x10007000, 13,     NO_IRQ, 0 },
    { VE_PL011,         "uart0",    0x10009000, 5,      NO_IRQ, 0 },
    { VE_PL011,         "uart1",    0x1000a000, 6,      NO_IRQ, 1 },
    { VE_PL011,         "uart2",    0x1000b000, 7,      NO_IRQ, 2 },
    { VE_PL011,         "uart3",    0x1000c000, 8,      NO_IRQ, 3 },
    { VE_ABSENT,        "wdt",      0x1000f000, 0,      NO_IRQ, 0 },
    { VE_SP804,         "timer01",  0x10011000, 2,      NO_IRQ, 0 },
    { VE_SP804,         "timer23",  0x10012000, 3,      NO_IRQ, 0 },
    { VE_ABSENT,        "i2c-dvi",  0x10016000, NO_IRQ, NO_IRQ, 0 },
    { VE_PL031,         "rtc",      0x10017000, 4,      NO_IRQ, 0 },
    { VE_ABSENT,        "cf",       0x1001a000, NO_IRQ, NO_IRQ, 0 },
    { VE_PL111,         "clcd",     0x1001f000, 14,     NO_IRQ, 0 },
    { VE_ABSENT,        "flash0",   0x40000000, NO_IRQ, NO_IRQ, 0 },
    { VE_ABSENT,        "flash1",   0x44000000, NO_IRQ, NO_IRQ, 0 },
    { VE_RAM,           "psram",    0x48000000, NO_IRQ, NO_IRQ, 32u << 20 },
    { VE_RAM,           "vram",     0x4c000000, NO_IRQ, NO_IRQ, 8u << 20 },
    { VE_LAN9118,       "eth",      0x4e000000, 15,     NO_IRQ, 0 },
    { VE_ABSENT,        "usb",      0x4f000000, 16,     NO_IRQ, 0 },
};

/* V2M-P1 "RS1" map (vexpress-v2m-rs1.dtsi): peripherals at 0x1c000000. */
static const struct ve_slot ve_mb_rs1[] = {
    /* model            name        base        spi     spi2    arg */
    { VE_ABSENT,        "flash0",   0x08000000, NO_IRQ, NO_IRQ, 0 },
    { VE_ABSENT,        "flash1",   0x0c000000, NO_IRQ, NO_IRQ, 0 },
    { VE_RAM,           "psram",    0x14000000, NO_IRQ, NO_IRQ, 32u << 20 },
    { VE_RAM,           "vram",     0x18000000, NO_IRQ, NO_IRQ, 8u << 20 },
    { VE_LAN9118,       "eth",      0x1a000000, 15,     NO_IRQ, 0 },
    { VE_ABSENT,        "usb",      0x1b000000, 16,     NO_IRQ, 0 },
    { VE_SYSREGS,       "sysregs",  0x1c010000, NO_IRQ, NO_IRQ, 0 },
    { VE_SP810,         "sysctl",   0x1c020000, NO_IRQ, NO_IRQ, 0 },
    { VE_ABSENT,        "i2c-pcie", 0x1c030000, NO_IRQ, NO_IRQ, 0 },
    { VE_ABSENT,        "aaci",     0x1c040000, 11,     NO_IRQ, 0 },
    { VE_PL180,         "mmci",     0x1c050000, 9,      10,     0 },
    { VE_KMI_KEYBOARD,  "kmi0",     0x1c060000, 12,     NO_IRQ, 0 },
    { VE_KMI_MOUSE,     "kmi1",     0x1c070000, 13,     NO_IRQ, 0 },
    { VE_PL011,         "uart0",    0x1c090000, 5,      NO_IRQ, 0 },
    { VE_PL011,         "uart1",    0x1c0a0000, 6,      NO_IRQ, 1 },
    { VE_PL011,         "uart2",    0x1c0b0000, 7,      NO_IRQ, 2 },
    { VE_PL011,         "uart3",    0x1c0c0000, 8,      NO_IRQ, 3 },
    { VE_ABSENT,        "wdt",      0x1c0f0000, 0,      NO_IRQ, 0 },
    { VE_SP804,         "timer01",  0x1c110000, 2,      NO_IRQ, 0 },
    { VE_SP804,         "timer23",  0x1c120000, 3,      NO_IRQ, 0 },
    { VE_ABSENT,        "i2c-dvi",  0x1c160000, NO_IRQ, NO_IRQ, 0 },
    { VE_PL031,         "rtc",      0x1c170000, 4,      NO_IRQ, 0 },
    { VE_ABSENT,        "cf",       0x1c1a0000, NO_IRQ, NO_IRQ, 0 },
    { VE_PL111,         "clcd",     0x1c1f0000, 14,     NO_IRQ, 0 },
};

/* V2P-CA9 (vexpress-v2p-ca9.dts). */
static const struct ve_slot ve_db_ca9[] = {
    /* model            name        base        spi     spi2    arg */
    { VE_PL111,         "clcd-db",  0x10020000, 44,     NO_IRQ, 0 },
    { VE_ABSENT,        "dmc",      0x100e0000, NO_IRQ, NO_IRQ, 0 },
    { VE_ABSENT,        "smc",      0x100e1000, 45,     46,     0 },
    { VE_SP804,         "timer-db", 0x100e4000, 48,     NO_IRQ, 0 },  /* DT: disabled */
    { VE_ABSENT,        "wdt-db",   0x100e5000, 51,     NO_IRQ, 0 },
    { VE_A9_MPCORE,     "mpcore",   0x1e000000, NO_IRQ, NO_IRQ, 0 },  /* SCU, GIC, TWD */
    { VE_PL310,         "l2cc",     0x1e00a000, 43,     NO_IRQ, 0 },
};

/* V2P-CA15 (vexpress-v2p-ca15-tc1.dts). */
static const struct ve_slot ve_db_ca15[] = {
    /* model            name        base        spi     spi2    arg */
    { VE_ABSENT,        "hdlcd",    0x2b000000, 85,     NO_IRQ, 0 },
    { VE_ABSENT,        "wdt-db",   0x2b060000, 98,     NO_IRQ, 0 },  /* DT: disabled */
    { VE_ABSENT,        "dmc",      0x2b0a0000, NO_IRQ, NO_IRQ, 0 },
    { VE_GIC400,        "gic",      0x2c000000, NO_IRQ, NO_IRQ, 0 },  /* + generic timer */
    { VE_ABSENT,        "gic-vif",  0x2c004000, NO_IRQ, NO_IRQ, 0 },  /* GICH, GICV */
    { VE_RAM,           "sram",     0x2e000000, NO_IRQ, NO_IRQ, 64u << 10 },
    { VE_ABSENT,        "dma",      0x7ffb0000, 92,     NO_IRQ, 0 },
    { VE_ABSENT,        "smc",      0x7ffd0000, 86,     NO_IRQ, 0 },
};

#define VE_TABLE(t) { t, sizeof(t) / sizeof(t[0]) }

struct ve_table {
    const struct ve_slot *slot;
    unsigned count;
};

/* What differs between the two boards. */
struct ve_variant {
    const char *board;              /* for messages */
    const struct cpu_model *cpu;
    uint32_t ram_base;
    uint64_t max_memory;
    uint32_t periphbase;            /* CBAR */
    uint32_t gic_cpu_base;          /* GIC CPU interface (the secondary pen enables it) */
    const struct vexpress_daughterboard *db;
    struct ve_table motherboard;
    struct ve_table daughterboard;
};

static const struct ve_variant ve_a9 = {
    .board = "vexpress-a9",
    .cpu = &cpu_model_cortex_a9,
    .ram_base = VE_A9_RAM_BASE,
    .max_memory = VE_A9_MAX_MEMORY,
    .periphbase = VE_A9_PERIPHBASE,
    .gic_cpu_base = VE_A9_PERIPHBASE + VE_A9_GICC_OFFSET,
    .db = &vexpress_db_ca9,
    .motherboard = VE_TABLE(ve_mb_legacy),
    .daughterboard = VE_TABLE(ve_db_ca9),
};

static const struct ve_variant ve_a15 = {
    .board = "vexpress-a15",
    .cpu = &cpu_model_cortex_a15,
    .ram_base = VE_A15_RAM_BASE,
    .max_memory = VE_A15_MAX_MEMORY,
    .periphbase = VE_A15_PERIPHBASE,
    .gic_cpu_base = VE_A15_PERIPHBASE + VE_A15_GICC_OFFSET,
    .db = &vexpress_db_ca15,
    .motherboard = VE_TABLE(ve_mb_rs1),
    .daughterboard = VE_TABLE(ve_db_ca15),
};

/* What the wiring needs while the board is built. */
struct ve_build {
    struct machine *m;
    const struct machine_config *cfg;
    const struct ve_variant *v;
    struct gic *gic;
    struct pl011 *uart[MACHINE_MAX_SERIAL];
    struct vexpress_sysregs *sys;
    struct pl181 *mmci;
    int error;              /* set by ve_create_device when it reported one */
};

#define VE_CPU_IRQ 0
#define VE_CPU_FIQ 1

static void ve_cpu_input(void *opaque, unsigned line, int level)
{
    struct arm_cpu *cpu = opaque;
    if (line == VE_CPU_FIQ)
        cpu_set_fiq(cpu, level);
    else
        cpu_set_irq(cpu, level);
}

static void ve_power_request(void *opaque, enum vexpress_power_request what)
{
    struct machine *m = opaque;
    switch (what) {
    case VEXPRESS_POWER_SHUTDOWN:
        machine_request_shutdown(m, 0, "guest power-off via the config bus");
        break;
    case VEXPRESS_POWER_REBOOT:
        machine_request_shutdown(m, 0, "guest reboot via the config bus");
        break;
    case VEXPRESS_POWER_RESET:
    default:
        machine_request_shutdown(m, 0, "guest reset via the config bus");
        break;
    }
}

/* The banked registers belong to the CPU that runs (machine.c). */
static unsigned ve_current_cpu(void *opaque)
{
    return machine_current_cpu_index(opaque);
}

static struct irq_line ve_irq(const struct ve_build *b, int spi)
{
    if (spi < 0 || !b->gic)
        return irq_line_make(NULL, NULL, 0);
    return gic_spi_input(b->gic, (unsigned)spi);
}

/* The interrupt controller first: every other device needs its inputs. */
static unsigned ve_build_order(enum ve_model model)
{
    return model == VE_A9_MPCORE || model == VE_GIC400 ? 0 : 1;
}

static struct device *ve_create_a9_mpcore(struct ve_build *b, const struct ve_slot *slot)
{
    struct machine *m = b->m;
    struct a9_mpcore_config mc = {
        .periphbase = slot->base,
        .num_cpus = m->cpu_count,
        .num_irqs = VE_A9_GIC_IRQS,
        .cpu_sel = { ve_current_cpu, m },
    };
    for (unsigned i = 0; i < m->cpu_count; i++) {
        mc.irq_out[i] = irq_line_make(ve_cpu_input, &m->cpu[i], VE_CPU_IRQ);
        mc.fiq_out[i] = irq_line_make(ve_cpu_input, &m->cpu[i], VE_CPU_FIQ);
    }
    struct a9_mpcore *mp = a9_mpcore_create(slot->name, &mc, &m->clock, &m->trace);
    if (!mp)
        return NULL;
    b->gic = mp->gic;
    return &mp->dev;
}

/*
 * The GIC-400's distributor and CPU interface are two devices; the
 * generic timer (no registers: CP15 c14) is a third, kept on the device
 * list so it is reset and destroyed with the machine.
 */
static struct device *ve_create_gic400(struct ve_build *b, const struct ve_slot *slot)
{
    struct machine *m = b->m;
    struct gic_config gc = {
        .version = GIC_V2,
        .num_irqs = VE_A15_GIC_IRQS,
        .num_cpus = m->cpu_count,
        .dist_name = "gic-dist",
        .cpu_name = "gic-cpu",
        .dist_base = slot->base + VE_A15_GICD_OFFSET,
        .cpu_base = slot->base + VE_A15_GICC_OFFSET,
        .cpu_sel = { ve_current_cpu, m },
    };
    for (unsigned i = 0; i < m->cpu_count; i++) {
        gc.irq_out[i] = irq_line_make(ve_cpu_input, &m->cpu[i], VE_CPU_IRQ);
        gc.fiq_out[i] = irq_line_make(ve_cpu_input, &m->cpu[i], VE_CPU_FIQ);
    }
    struct gic *gic = gic_create(&gc, &m->trace);
    if (!gic)
        return NULL;
    int rc = machine_add_device(m, &gic->dist);
    if (rc < 0) {
        report_error("%s: cannot map the GIC distributor at 0x%08llx", b->v->board,
                     (unsigned long long)gc.dist_base);
        gic->dist.destroy(&gic->dist);
        gic->cpu.destroy(&gic->cpu);
        b->error = rc;
        return NULL;
    }
    b->gic = gic;

    struct irq_line ppi[GENERIC_TIMER_MAX_CPUS][GT_TIMER_COUNT];
    for (unsigned i = 0; i < m->cpu_count; i++)
        for (unsigned t = 0; t < GT_TIMER_COUNT; t++)
            ppi[i][t] = gic_ppi_input(gic, i, ve_gtimer_ppi[t]);
    struct generic_timer *gt = generic_timer_create("gtimer", &m->clock, m->cpu_count, ppi,
                                                    &m->trace);
    if (!gt) {
        gic->cpu.destroy(&gic->cpu);
        return NULL;
    }
    for (unsigned i = 0; i < m->cpu_count; i++)
        generic_timer_attach_cpu(gt, &m->cpu[i]);
    rc = machine_add_device(m, &gt->dev);
    if (rc < 0) {
        report_error("%s: cannot register the generic timer", b->v->board);
        generic_timer_destroy(gt);
        gic->cpu.destroy(&gic->cpu);
        b->error = rc;
        return NULL;
    }
    return &gic->cpu;
}

static struct device *ve_create_mmci(struct ve_build *b, const struct ve_slot *slot)
{
    struct machine *m = b->m;
    const struct machine_disk *disk = &b->cfg->disk[slot->arg];
    struct sdcard *card = NULL;
    if (disk->image) {
        char err[256];
        card = sdcard_open(disk->image, disk->read_only, err, sizeof(err));
        if (!card) {
            report_error("[disk%u] image: %s", slot->arg, err);
            b->error = -EINVAL;
            return NULL;
        }
    }
    struct pl181 *mmc = pl181_create(slot->name, slot->base, ve_irq(b, slot->spi),
                                     ve_irq(b, slot->spi2), card, &m->clock, &m->trace);
    if (!mmc)
        sdcard_close(card);
    b->mmci = mmc;
    return mmc ? &mmc->dev : NULL;
}

static struct device *ve_create_kmi(struct ve_build *b, const struct ve_slot *slot)
{
    struct machine *m = b->m;
    struct ps2_device *port;
    if (slot->model == VE_KMI_KEYBOARD) {
        struct ps2_keyboard *kbd = ps2_keyboard_create(slot->name, &m->trace);
        port = kbd ? &kbd->port : NULL;
    } else {
        struct ps2_mouse *mouse = ps2_mouse_create(slot->name, &m->trace);
        port = mouse ? &mouse->port : NULL;
    }
    if (!port)
        return NULL;
    struct pl050 *kmi = pl050_create(slot->name, slot->base, ve_irq(b, slot->spi), port,
                                     &m->trace);
    if (!kmi) {
        ps2_device_destroy(port);
        return NULL;
    }
    return &kmi->dev;
}

static struct device *ve_create_device(struct ve_build *b, const struct ve_slot *slot)
{
    struct machine *m = b->m;
    struct irq_line irq = ve_irq(b, slot->spi);
    switch (slot->model) {
    case VE_A9_MPCORE:
        return ve_create_a9_mpcore(b, slot);
    case VE_GIC400:
        return ve_create_gic400(b, slot);
    case VE_PL310: {
        struct pl310 *l2 = pl310_create(slot->name, slot->base, irq, &m->trace);
        return l2 ? &l2->dev : NULL;
    }
    case VE_SYSREGS: {
        struct vexpress_sysregs *sys = vexpress_sysregs_create(
            slot->name, slot->base, b->v->db, ve_power_request, m, &m->clock, &m->trace);
        b->sys = sys;
        return sys ? &sys->dev : NULL;
    }
    case VE_SP810: {
        struct sp810 *sc = sp810_create(slot->name, slot->base, &m->trace);
        return sc ? &sc->dev : NULL;
    }
    case VE_PL180:
        return ve_create_mmci(b, slot);
    case VE_KMI_KEYBOARD:
    case VE_KMI_MOUSE:
        return ve_create_kmi(b, slot);
    case VE_PL011: {
        struct pl011 *uart = pl011_create(slot->name, slot->base, irq,
                                          &b->cfg->serial[slot->arg], &m->clock, &m->trace);
        b->uart[slot->arg] = uart;
        return uart ? &uart->dev : NULL;
    }
    case VE_SP804: {
        struct sp804 *timer = sp804_create(slot->name, slot->base, irq, &m->clock, &m->trace);
        return timer ? &timer->dev : NULL;
    }
    case VE_PL031: {
        struct pl031 *rtc = pl031_create(slot->name, slot->base, irq,
                                         (uint32_t)b->cfg->rtc_base, &m->clock, &m->trace);
        return rtc ? &rtc->dev : NULL;
    }
    case VE_PL111: {
        struct pl110 *clcd = pl110_create(slot->name, slot->base, PL111, irq, &m->as,
                                          &m->clock, &m->trace);
        return clcd ? &clcd->dev : NULL;
    }
    case VE_LAN9118: {
        /* No host network yet: transmitted frames are dropped. */
        struct lan9118 *nic = lan9118_create(slot->name, slot->base, irq, NULL,
                                             net_backend_null(), &m->clock, &m->trace);
        return nic ? &nic->dev : NULL;
    }
    case VE_RAM:
    case VE_ABSENT:
    default:
        return NULL;
    }
}

static int ve_add_ram(struct ve_build *b, const struct ve_slot *slot)
{
    int rc = aspace_add_ram(&b->m->as, slot->base, slot->arg, slot->name);
    if (rc < 0)
        report_error("%s: cannot add %s (%u bytes at 0x%08x)", b->v->board, slot->name,
                     slot->arg, slot->base);
    return rc;
}

static int ve_populate(struct ve_build *b, const struct ve_table *table, unsigned order)
{
    for (unsigned i = 0; i < table->count; i++) {
        const struct ve_slot *slot = &table->slot[i];
        if (slot->model == VE_ABSENT || ve_build_order(slot->model) != order)
            continue;
        if (slot->model == VE_RAM) {
            int rc = ve_add_ram(b, slot);
            if (rc < 0)
                return rc;
            continue;
        }
        struct device *dev = ve_create_device(b, slot);
        if (!dev) {
            if (b->error)
                return b->error;
            report_error("%s: out of memory creating %s", b->v->board, slot->name);
            return -ENOMEM;
        }
        int rc = machine_add_device(b->m, dev);
        if (rc < 0) {
            report_error("%s: cannot map %s at 0x%08x", b->v->board, slot->name, slot->base);
            dev->destroy(dev);
            return rc;
        }
    }
    return 0;
}

/* Where the table puts a device both motherboard maps have. */
static uint32_t ve_slot_base(const struct ve_table *table, enum ve_model model, const char *name)
{
    for (unsigned i = 0; i < table->count; i++)
        if (table->slot[i].model == model && strcmp(table->slot[i].name, name) == 0)
            return table->slot[i].base;
    return 0;
}

static int ve_check_config(const struct ve_variant *v, const struct machine_config *cfg,
                           uint64_t memory)
{
    if (cfg->cpus > VE_MAX_CPUS) {
        report_error("%s: the tile has at most %u CPUs (asked for %u)", v->board, VE_MAX_CPUS,
                     cfg->cpus);
        return -EINVAL;
    }
    if (memory > v->max_memory || memory == 0 || (memory & 0xfff)) {
        report_error("%s: memory must be a multiple of 4K, at most %lluM", v->board,
                     (unsigned long long)(v->max_memory >> 20));
        return -EINVAL;
    }
    for (unsigned slot = 1; slot < MACHINE_MAX_DISKS; slot++)
        if (cfg->disk[slot].image) {
            report_error("%s: the board has one card slot ([disk0]); [disk%u] is not "
                         "connected", v->board, slot);
            return -EINVAL;
        }
    return 0;
}

static int ve_create(struct machine *m, const struct machine_config *cfg,
                     const struct ve_variant *v)
{
    uint64_t memory = cfg->memory ? cfg->memory : VE_DEFAULT_MEMORY;
    int rc = ve_check_config(v, cfg, memory);
    if (rc < 0)
        return rc;

    unsigned cpus = cfg->cpus ? cfg->cpus : 1;
    for (unsigned i = 0; i < cpus; i++) {
        struct arm_cpu *cpu = machine_add_cpu(m, v->cpu);
        if (!cpu)
            return -ENOSPC;
        /* The tile's PERIPHBASE pins, read back through CBAR. */
        cpu->cp15.cbar = v->periphbase;
    }
    rc = aspace_add_ram(&m->as, v->ram_base, memory, "sdram");
    if (rc < 0) {
        report_error("%s: cannot allocate %llu bytes of RAM", v->board,
                     (unsigned long long)memory);
        return rc;
    }
    m->ram_base = v->ram_base;
    m->ram_size = memory;
    m->smp_pen = (struct machine_smp_pen){
        .pen_base = ve_slot_base(&v->motherboard, VE_RAM, "psram") + VE_PSRAM_SIZE - 4096,
        .gic_cpu_base = v->gic_cpu_base,
        .release_addr = ve_slot_base(&v->motherboard, VE_SYSREGS, "sysregs") + VE_SYS_FLAGS,
    };

    struct ve_build b = { .m = m, .cfg = cfg, .v = v };
    for (unsigned order = 0; order < 2; order++) {
        rc = ve_populate(&b, &v->daughterboard, order);
        if (rc < 0)
            return rc;
        rc = ve_populate(&b, &v->motherboard, order);
        if (rc < 0)
            return rc;
    }

    /* SYS_MCI card detect and write protect follow the card slot. */
    if (b.sys && b.mmci)
        vexpress_sysregs_set_mci(b.sys, pl181_card_present(b.mmci),
                                 pl181_card_read_only(b.mmci));

    /* Serial inputs in port order: the frontend's console is input 0 = UART0. */
    for (unsigned port = 0; port < MACHINE_MAX_SERIAL; port++) {
        if (!b.uart[port])
            continue;
        rc = machine_add_serial_input(m, &b.uart[port]->in);
        if (rc < 0)
            return rc;
    }
    return 0;
}

int vexpress_device_irqs(const char *board, const char *name, int *spi, int *spi2)
{
    const struct ve_variant *v = strcmp(board, ve_a9.board) == 0    ? &ve_a9
                                 : strcmp(board, ve_a15.board) == 0 ? &ve_a15
                                                                     : NULL;
    if (!v)
        return -ENOENT;
    const struct ve_table *tables[] = { &v->motherboard, &v->daughterboard };
    for (unsigned t = 0; t < 2; t++) {
        for (unsigned i = 0; i < tables[t]->count; i++) {
            const struct ve_slot *slot = &tables[t]->slot[i];
            if (slot->model == VE_ABSENT || slot->model == VE_RAM ||
                strcmp(slot->name, name) != 0)
                continue;
            *spi = slot->spi;
            *spi2 = slot->spi2;
            return 0;
        }
    }
    return -ENOENT;
}

static int ve_a9_create(struct machine *m, const struct machine_config *cfg)
{
    return ve_create(m, cfg, &ve_a9);
}

static int ve_a15_create(struct machine *m, const struct machine_config *cfg)
{
    return ve_create(m, cfg, &ve_a15);
}

const struct board board_vexpress_a9 = {
    .name = "vexpress-a9",
    .description = "ARM Versatile Express, V2P-CA9 tile (Cortex-A9)",
    .default_cpu = "cortex-a9",
    .ram_base = VE_A9_RAM_BASE,
    .default_memory = VE_DEFAULT_MEMORY,
    .max_memory = VE_A9_MAX_MEMORY,
    .linux_machine_type = VE_LINUX_MACHINE_TYPE,
    .create = ve_a9_create,
};

const struct board board_vexpress_a15 = {
    .name = "vexpress-a15",
    .description = "ARM Versatile Express, V2P-CA15 tile (Cortex-A15)",
    .default_cpu = "cortex-a15",
    .ram_base = VE_A15_RAM_BASE,
    .default_memory = VE_DEFAULT_MEMORY,
    .max_memory = VE_A15_MAX_MEMORY,
    .linux_machine_type = VE_LINUX_MACHINE_TYPE,
    .create = ve_a15_create,
};
