/*
 * ARM Versatile PB (PB926EJ-S): an ARM926EJ-S, SDRAM at 0 and the devices
 * of versatile-ab.dts + versatile-pb.dts (Linux 6.1), wired as QEMU's
 * versatilepb machine. The table below is the memory map: one line per
 * device-tree node, in address order, so it can be ticked off against the
 * DT and ../guests/README.md. Lines marked ABSENT are not modelled yet;
 * their addresses are unmapped and read as zero (the PrimeCell IDs Linux
 * probes then match no driver).
 *
 * Interrupts: the PL190 VIC drives the CPU's IRQ and FIQ inputs; the
 * secondary controller (SIC) feeds VIC 31 and passes lines 21-30 through
 * to the VIC lines of the same number.
 */
#include "devices/boards/versatilepb.h"

#include <errno.h>

#include "base/report.h"
#include "devices/pl011.h"
#include "devices/pl050.h"
#include "devices/pl110.h"
#include "devices/pl031.h"
#include "devices/pl181.h"
#include "devices/pl190.h"
#include "devices/smc91c111.h"
#include "devices/sp804.h"
#include "devices/versatile_i2c.h"
#include "devices/versatile_sic.h"
#include "devices/versatile_sysregs.h"

#define VPB_RAM_BASE 0x00000000u
#define VPB_MAX_MEMORY (256u << 20)     /* SDRAM window below the 0x10000000 devices */
#define VPB_DEFAULT_MEMORY (128u << 20)
#define VPB_LINUX_MACHINE_TYPE 0x183    /* MACH_TYPE_VERSATILE_PB */

enum vpb_model {
    VPB_ABSENT,         /* not modelled: unmapped, reads as zero */
    VPB_SYSREGS,
    VPB_SIC,
    VPB_VIC,
    VPB_SP804,
    VPB_PL031,
    VPB_PL011,
    VPB_I2C,            /* SBCon with the DS1338 RTC */
    VPB_PL181,          /* MMCI; port = card slot (machine_config.disk) */
    VPB_SMC91C111,
    VPB_PL110,          /* CLCD, Versatile variant; 16 bpp mux from SYS_CLCD */
    VPB_KMI_KBD,        /* PL050 + PS/2 keyboard */
    VPB_KMI_MOUSE,      /* PL050 + PS/2 mouse */
};

enum vpb_irq_kind { IRQ_NONE, IRQ_CPU, IRQ_VIC, IRQ_SIC };

struct vpb_irq {
    enum vpb_irq_kind kind;
    unsigned line;
};

#define NO_IRQ  { IRQ_NONE, 0 }
#define TO_CPU  { IRQ_CPU, 0 }
#define VIC(n)  { IRQ_VIC, (n) }
#define SIC(n)  { IRQ_SIC, (n) }
#define NO_PORT ~0u

struct vpb_slot {
    enum vpb_model model;
    const char *name;
    uint32_t base;
    struct vpb_irq irq;     /* the DT's (first) interrupt */
    unsigned port;          /* PL011: machine_config.serial; PL181: .disk */
};

/* MCIINTR1 of MMCI0/1, the DT's second interrupt. QEMU wires SIC 1 and 2;
 * Linux attaches its PIO handler to the DT's line, so follow the DT. */
static const struct vpb_irq vpb_mmci_irq1[2] = { SIC(23), SIC(2) };

static const struct vpb_slot vpb_map[] = {
    /* model        name        base        irq       serial port */
    { VPB_SYSREGS,  "sysregs",  0x10000000, NO_IRQ,  NO_PORT },
    { VPB_ABSENT,   "pci",      0x10001000, SIC(27), NO_PORT },  /* SIC 27-30 */
    { VPB_I2C,      "i2c",      0x10002000, NO_IRQ,  NO_PORT },
    { VPB_SIC,      "sic",      0x10003000, VIC(31), NO_PORT },
    { VPB_ABSENT,   "aaci",     0x10004000, VIC(24), NO_PORT },  /* QEMU: SIC 24 */
    { VPB_PL181,    "mmci0",    0x10005000, SIC(22), 0       },  /* and SIC 23 (QEMU: 1) */
    { VPB_KMI_KBD,  "kmi0",     0x10006000, SIC(3),  NO_PORT },
    { VPB_KMI_MOUSE, "kmi1",    0x10007000, SIC(4),  NO_PORT },
    { VPB_ABSENT,   "lcd",      0x10008000, NO_IRQ,  NO_PORT },
    { VPB_PL011,    "uart3",    0x10009000, SIC(6),  3       },
    { VPB_ABSENT,   "sci1",     0x1000a000, SIC(5),  NO_PORT },
    { VPB_PL181,    "mmci1",    0x1000b000, SIC(1),  1       },  /* and SIC 2 (QEMU: 23, 2) */
    { VPB_SMC91C111, "eth",     0x10010000, VIC(25), NO_PORT },  /* QEMU: SIC 25 */
    { VPB_ABSENT,   "ssmc",     0x10100000, NO_IRQ,  NO_PORT },
    { VPB_ABSENT,   "mpmc",     0x10110000, NO_IRQ,  NO_PORT },
    { VPB_PL110,    "clcd",     0x10120000, VIC(16), NO_PORT },
    { VPB_ABSENT,   "dma",      0x10130000, VIC(17), NO_PORT },
    { VPB_VIC,      "vic",      0x10140000, TO_CPU,  NO_PORT },
    { VPB_ABSENT,   "sysctl",   0x101e0000, NO_IRQ,  NO_PORT },
    { VPB_ABSENT,   "watchdog", 0x101e1000, VIC(0),  NO_PORT },
    { VPB_SP804,    "timer01",  0x101e2000, VIC(4),  NO_PORT },
    { VPB_SP804,    "timer23",  0x101e3000, VIC(5),  NO_PORT },
    { VPB_ABSENT,   "gpio0",    0x101e4000, VIC(6),  NO_PORT },
    { VPB_ABSENT,   "gpio1",    0x101e5000, VIC(7),  NO_PORT },
    { VPB_ABSENT,   "gpio2",    0x101e6000, VIC(8),  NO_PORT },
    { VPB_ABSENT,   "gpio3",    0x101e7000, VIC(9),  NO_PORT },
    { VPB_PL031,    "rtc",      0x101e8000, VIC(10), NO_PORT },
    { VPB_ABSENT,   "sci0",     0x101f0000, VIC(15), NO_PORT },
    { VPB_PL011,    "uart0",    0x101f1000, VIC(12), 0       },
    { VPB_PL011,    "uart1",    0x101f2000, VIC(13), 1       },
    { VPB_PL011,    "uart2",    0x101f3000, VIC(14), 2       },
    { VPB_ABSENT,   "ssp",      0x101f4000, VIC(11), NO_PORT },
    { VPB_ABSENT,   "flash",    0x34000000, NO_IRQ,  NO_PORT },
};

#define VPB_CPU_IRQ 0
#define VPB_CPU_FIQ 1

/* What the wiring needs while the board is built. */
struct vpb_build {
    struct machine *m;
    const struct machine_config *cfg;
    struct arm_cpu *cpu;
    struct pl190 *vic;
    struct versatile_sic *sic;
    struct pl011 *uart[MACHINE_MAX_SERIAL];
    struct versatile_sysregs *sys;
    struct pl181 *mmci[MACHINE_MAX_DISKS];
    int error;              /* set by vpb_create_device when it reports one */
};

static void vpb_cpu_input(void *opaque, unsigned line, int level)
{
    struct arm_cpu *cpu = opaque;
    if (line == VPB_CPU_FIQ)
        cpu_set_fiq(cpu, level);
    else
        cpu_set_irq(cpu, level);
}

static void vpb_reset_request(void *opaque)
{
    machine_request_shutdown(opaque, 0, "guest reset via SYS_RESETCTL");
}

static struct irq_line vpb_irq(const struct vpb_build *b, struct vpb_irq irq)
{
    switch (irq.kind) {
    case IRQ_VIC:
        return pl190_irq_input(b->vic, irq.line);
    case IRQ_SIC:
        return versatile_sic_irq_input(b->sic, irq.line);
    case IRQ_CPU:
    case IRQ_NONE:
    default:
        return irq_line_make(NULL, NULL, 0);
    }
}

/* Controllers first: every other device needs their inputs. */
static unsigned vpb_build_order(enum vpb_model model)
{
    return model == VPB_VIC ? 0 : model == VPB_SIC ? 1 : 2;
}

static struct device *vpb_create_device(struct vpb_build *b, const struct vpb_slot *slot)
{
    struct machine *m = b->m;
    struct irq_line irq = vpb_irq(b, slot->irq);
    switch (slot->model) {
    case VPB_VIC:
        b->vic = pl190_create(slot->name, slot->base,
                              irq_line_make(vpb_cpu_input, b->cpu, VPB_CPU_IRQ),
                              irq_line_make(vpb_cpu_input, b->cpu, VPB_CPU_FIQ), &m->trace);
        return b->vic ? &b->vic->dev : NULL;
    case VPB_SIC: {
        struct irq_line passthrough[VERSATILE_SIC_INPUTS];
        for (unsigned line = 0; line < VERSATILE_SIC_INPUTS; line++)
            passthrough[line] = pl190_irq_input(b->vic, line);
        b->sic = versatile_sic_create(slot->name, slot->base, irq, passthrough, &m->trace);
        return b->sic ? &b->sic->dev : NULL;
    }
    case VPB_SYSREGS: {
        struct versatile_sysregs *sys = versatile_sysregs_create(
            slot->name, slot->base, VERSATILE_SYS_ID_PB926, VERSATILE_PROC_ID_ARM926,
            vpb_reset_request, m, &m->clock, &m->trace);
        b->sys = sys;
        return sys ? &sys->dev : NULL;
    }
    case VPB_SP804: {
        struct sp804 *timer = sp804_create(slot->name, slot->base, irq, &m->clock, &m->trace);
        return timer ? &timer->dev : NULL;
    }
    case VPB_PL031: {
        struct pl031 *rtc = pl031_create(slot->name, slot->base, irq,
                                         (uint32_t)b->cfg->rtc_base, &m->clock, &m->trace);
        return rtc ? &rtc->dev : NULL;
    }
    case VPB_I2C: {
        struct versatile_i2c *i2c = versatile_i2c_create(slot->name, slot->base, &m->clock,
                                                         &m->trace, b->cfg->rtc_base);
        return i2c ? &i2c->dev : NULL;
    }
    case VPB_PL011: {
        struct pl011 *uart = pl011_create(slot->name, slot->base, irq,
                                          &b->cfg->serial[slot->port], &m->clock, &m->trace);
        b->uart[slot->port] = uart;
        return uart ? &uart->dev : NULL;
    }
    case VPB_PL181: {
        const struct machine_disk *disk = &b->cfg->disk[slot->port];
        struct sdcard *card = NULL;
        if (disk->image) {
            char err[256];
            card = sdcard_open(disk->image, disk->read_only, err, sizeof(err));
            if (!card) {
                report_error("[disk%u] image: %s", slot->port, err);
                b->error = -EINVAL;
                return NULL;
            }
        }
        struct pl181 *mmc = pl181_create(slot->name, slot->base, irq,
                                         vpb_irq(b, vpb_mmci_irq1[slot->port]), card,
                                         &m->clock, &m->trace);
        if (!mmc)
            sdcard_close(card);
        b->mmci[slot->port] = mmc;
        return mmc ? &mmc->dev : NULL;
    }
    case VPB_SMC91C111: {
        /* No host network yet: transmitted frames are dropped. */
        struct smc91c111 *nic = smc91c111_create(slot->name, slot->base, irq, NULL,
                                                 net_backend_null(), &m->trace);
        return nic ? &nic->dev : NULL;
    }
    case VPB_PL110: {
        struct pl110 *clcd = pl110_create(slot->name, slot->base, PL110_VERSATILE, irq, &m->as,
                                          &m->clock, &m->trace);
        /* SYS_CLCD[1:0] selects how 16 bpp pixels are wired (sysregs come first). */
        if (clcd && b->sys)
            b->sys->clcd_mux = pl110_mux_input(clcd);
        return clcd ? &clcd->dev : NULL;
    }
    case VPB_KMI_KBD:
    case VPB_KMI_MOUSE: {
        struct ps2_device *port = NULL;
        if (slot->model == VPB_KMI_KBD) {
            struct ps2_keyboard *kbd = ps2_keyboard_create("keyboard", &m->trace);
            port = kbd ? &kbd->port : NULL;
        } else {
            struct ps2_mouse *mouse = ps2_mouse_create("mouse", &m->trace);
            port = mouse ? &mouse->port : NULL;
        }
        /* The KMI owns the PS/2 device (and frees it, even on failure). */
        struct pl050 *kmi = pl050_create(slot->name, slot->base, irq, port, &m->trace);
        return kmi ? &kmi->dev : NULL;
    }
    case VPB_ABSENT:
    default:
        return NULL;
    }
}

static int vpb_create(struct machine *m, const struct machine_config *cfg)
{
    uint64_t memory = cfg->memory ? cfg->memory : VPB_DEFAULT_MEMORY;
    if (cfg->cpus > 1) {
        report_error("versatilepb: the board has one CPU (asked for %u)", cfg->cpus);
        return -EINVAL;
    }
    if (memory > VPB_MAX_MEMORY || (memory & 0xfff)) {
        report_error("versatilepb: memory must be a multiple of 4K, at most 256M");
        return -EINVAL;
    }

    struct vpb_build b = { .m = m, .cfg = cfg };
    b.cpu = machine_add_cpu(m, &cpu_model_arm926);
    if (!b.cpu)
        return -ENOSPC;
    int rc = aspace_add_ram(&m->as, VPB_RAM_BASE, memory, "sdram");
    if (rc < 0) {
        report_error("versatilepb: cannot allocate %llu bytes of RAM",
                     (unsigned long long)memory);
        return rc;
    }
    m->ram_base = VPB_RAM_BASE;
    m->ram_size = memory;

    for (unsigned order = 0; order < 3; order++) {
        for (unsigned i = 0; i < sizeof(vpb_map) / sizeof(vpb_map[0]); i++) {
            const struct vpb_slot *slot = &vpb_map[i];
            if (slot->model == VPB_ABSENT || vpb_build_order(slot->model) != order)
                continue;
            struct device *dev = vpb_create_device(&b, slot);
            if (!dev) {
                if (b.error)
                    return b.error;
                report_error("versatilepb: out of memory creating %s", slot->name);
                return -ENOMEM;
            }
            rc = machine_add_device(m, dev);
            if (rc < 0) {
                report_error("versatilepb: cannot map %s at 0x%08x", slot->name, slot->base);
                dev->destroy(dev);
                return rc;
            }
        }
    }

    /* SYS_MCI card-detect inputs follow the card slots. */
    for (unsigned slot = 0; slot < MACHINE_MAX_DISKS; slot++)
        if (b.sys && b.mmci[slot])
            versatile_sysregs_set_card_present(b.sys, slot, pl181_card_present(b.mmci[slot]));

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

const struct board board_versatilepb = {
    .name = "versatilepb",
    .description = "ARM Versatile PB (ARM926EJ-S)",
    .default_cpu = "arm926",
    .ram_base = VPB_RAM_BASE,
    .default_memory = VPB_DEFAULT_MEMORY,
    .max_memory = VPB_MAX_MEMORY,
    .linux_machine_type = VPB_LINUX_MACHINE_TYPE,
    .create = vpb_create,
};
