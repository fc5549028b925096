/*
 * ARM PrimeXsys System Controller SP810 (ARM DDI 0254, "Programmer's
 * model"), as on the Versatile Express motherboard at 0x10001000 (legacy
 * map) or 0x1c020000 (RS1 map).
 *
 * MMIO: 4 KiB. SCCTRL +0x000, SCSYSSTAT +0x004, SCIMCTRL +0x008, SCIMSTAT
 * +0x00c, SCXTALCTRL +0x010, SCPLLCTRL +0x014, SCPLLFCTRL +0x018,
 * SCPERCTRL0/1 +0x01c/+0x020, SCPEREN/SCPERDIS/SCPERCLKEN/SCPERSTAT
 * +0x024..+0x030, SCSYSID0-3 +0xee0..+0xeec, SCITCR/SCITIR0/SCITIR1/SCITOR
 * +0xf00..+0xf0c, SCCNTCTRL/SCCNTDATA/SCCNTSTEP +0xf10..+0xf18, PrimeCell
 * IDs at +0xfe0 (0x00041810). No interrupt output is wired on this board.
 *
 * Modelled as storage with the documented read-only views: the operating
 * mode changes at once (ModeStatus reports the mode ModeCtrl asks for,
 * since there is no crystal or PLL to wait for), the crystal and PLL
 * control registers are plain storage, SCPEREN/SCPERDIS set and clear the
 * peripheral clock enables that SCPERCLKEN and SCPERSTAT show. Linux's
 * clk-sp810 read-modify-writes SCCTRL's TimerEnNSel bits to run the SP804s
 * from the 1 MHz TIMCLK.
 *
 * Not modelled: the clock selects' effect (the SP804 model always counts
 * at 1 MHz, as QEMU's), remapping (RemapClear is stored, RemapStat reads
 * as cleared), the watchdog and timer enable overrides, the system reset
 * SCSYSSTAT writes request (logged, not performed: on the Versatile
 * Express the board resets through the config bus), the interrupt mode
 * and the integration test registers, the counter test registers (RAZ/WI).
 */
#include "devices/sp810.h"

#include <stdlib.h>

#include "base/trace.h"
#include "devices/machine_snapshot.h"

/* Register offsets (DDI 0254 table 3-1). */
#define SCCTRL       0x000
#define SCSYSSTAT    0x004
#define SCIMCTRL     0x008
#define SCIMSTAT     0x00c
#define SCXTALCTRL   0x010
#define SCPLLCTRL    0x014
#define SCPLLFCTRL   0x018
#define SCPERCTRL0   0x01c
#define SCPERCTRL1   0x020
#define SCPEREN      0x024  /* WO */
#define SCPERDIS     0x028  /* WO */
#define SCPERCLKEN   0x02c  /* RO */
#define SCPERSTAT    0x030  /* RO */
#define SCSYSID0     0xee0  /* RO, ..SCSYSID3 at 0xeec */
#define SCSYSID3     0xeec
#define SCITCR       0xf00
#define SCITIR0      0xf04  /* RO */
#define SCITIR1      0xf08  /* RO */
#define SCITOR       0xf0c
#define SCCNTCTRL    0xf10
#define SCCNTDATA    0xf14
#define SCCNTSTEP    0xf18

/* SCCTRL (DDI 0254 3.3.1). */
#define CTRL_MODECTRL_MASK   0x7u           /* [2:0] requested mode */
#define CTRL_MODESTATUS_SHIFT 3             /* [6:3] current mode, RO */
#define CTRL_MODESTATUS_MASK (0xfu << CTRL_MODESTATUS_SHIFT)
#define CTRL_REMAPCLEAR      (1u << 8)
#define CTRL_REMAPSTAT       (1u << 9)      /* RO */
#define CTRL_HCLKDIVSEL_MASK (0x7u << 12)
#define CTRL_TIMER_BITS      (0xffu << 15)  /* TimerEn0Sel..TimerEn3Ov, [22:15] */
#define CTRL_WDOGENOV        (1u << 23)
#define CTRL_WRITABLE        (CTRL_MODECTRL_MASK | CTRL_REMAPCLEAR | CTRL_HCLKDIVSEL_MASK | \
                              CTRL_TIMER_BITS | CTRL_WDOGENOV)

/* ModeCtrl requests and the ModeStatus they settle in. */
#define MODE_SLEEP   0u
#define MODE_DOZE    1u
#define MODE_SLOW    2u
#define MODE_NORMAL  4u
/* ModeStatus encodings of the stable states (DDI 0254 table 3-4). */
#define STATUS_SLEEP  0x0u
#define STATUS_DOZE   0x1u
#define STATUS_SLOW   0x2u
#define STATUS_NORMAL 0x4u

/* SCIMCTRL: ItMdEn [0], ItMdCtrl [3:1]; SCIMSTAT: ItMdStat [0]. */
#define IMCTRL_MASK  0xfu
#define IMSTAT_MASK  0x1u

/* SCXTALCTRL and SCPLLCTRL: bit 1 enables the crystal oscillator / the PLL. */
#define XTAL_EN      (1u << 1)
#define PLL_EN       (1u << 1)

#define SCITCR_MASK  0x1u
#define SCITOR_MASK  0xffffu

/* SCPeriphID0-3 (part 0x810, ARM, revision 0). */
static const uint8_t sp810_periph_id[4] = { 0x10, 0x18, 0x04, 0x00 };

static const char *const sp810_names[] = {
    [SCCTRL / 4] = "SCCTRL",         [SCSYSSTAT / 4] = "SCSYSSTAT",
    [SCIMCTRL / 4] = "SCIMCTRL",     [SCIMSTAT / 4] = "SCIMSTAT",
    [SCXTALCTRL / 4] = "SCXTALCTRL", [SCPLLCTRL / 4] = "SCPLLCTRL",
    [SCPLLFCTRL / 4] = "SCPLLFCTRL", [SCPERCTRL0 / 4] = "SCPERCTRL0",
    [SCPERCTRL1 / 4] = "SCPERCTRL1", [SCPEREN / 4] = "SCPEREN",
    [SCPERDIS / 4] = "SCPERDIS",     [SCPERCLKEN / 4] = "SCPERCLKEN",
    [SCPERSTAT / 4] = "SCPERSTAT",
};

static const char *const sp810_high_names[] = {
    "SCITCR", "SCITIR0", "SCITIR1", "SCITOR", "SCCNTCTRL", "SCCNTDATA", "SCCNTSTEP",
};

static const char *sp810_reg_name(uint32_t offset)
{
    static const char *const sysid[4] = { "SCSYSID0", "SCSYSID1", "SCSYSID2", "SCSYSID3" };
    if (offset & 3)
        return NULL;
    if (offset / 4 < sizeof(sp810_names) / sizeof(sp810_names[0]))
        return sp810_names[offset / 4];
    if (offset >= SCSYSID0 && offset <= SCSYSID3)
        return sysid[(offset - SCSYSID0) / 4];
    if (offset >= SCITCR && offset <= SCCNTSTEP)
        return sp810_high_names[(offset - SCITCR) / 4];
    return NULL;
}

/* The stable mode a ModeCtrl request ends in; reserved encodings act as SLOW. */
static uint32_t sp810_mode_status(uint32_t modectrl)
{
    switch (modectrl) {
    case MODE_SLEEP:
        return STATUS_SLEEP;
    case MODE_DOZE:
        return STATUS_DOZE;
    case MODE_NORMAL:
    case MODE_NORMAL | 1:
    case MODE_NORMAL | 2:
    case MODE_NORMAL | 3:
        return STATUS_NORMAL;
    case MODE_SLOW:
    default:
        return STATUS_SLOW;
    }
}

static uint32_t sp810_scctrl(const struct sp810 *sc)
{
    uint32_t status = sp810_mode_status(sc->scctrl & CTRL_MODECTRL_MASK);
    return (sc->scctrl & CTRL_WRITABLE) | (status << CTRL_MODESTATUS_SHIFT);
}

static uint32_t sp810_read(struct sp810 *sc, uint32_t offset)
{
    uint32_t value;
    if (primecell_id_read(sp810_periph_id, offset, &value))
        return value;
    if (offset >= SCSYSID0 && offset <= SCSYSID3 && !(offset & 3))
        return 0;       /* system identification: implementation defined, none here */

    switch (offset) {
    case SCCTRL:
        return sp810_scctrl(sc);
    case SCSYSSTAT:
        return 0;
    case SCIMCTRL:
        return sc->imctrl;
    case SCIMSTAT:
        return sc->imstat;
    case SCXTALCTRL:
        return sc->xtalctrl;
    case SCPLLCTRL:
        return sc->pllctrl;
    case SCPLLFCTRL:
        return sc->pllfctrl;
    case SCPERCTRL0:
    case SCPERCTRL1:
        return sc->perctrl[(offset - SCPERCTRL0) / 4];
    case SCPERCLKEN:
    case SCPERSTAT:
        return sc->perclken;
    case SCITCR:
        return sc->itcr;
    case SCITIR0:
    case SCITIR1:
        return 0;
    case SCITOR:
        return sc->itor;
    case SCCNTCTRL:
    case SCCNTDATA:
    case SCCNTSTEP:
        return 0;
    case SCPEREN:
    case SCPERDIS:
        device_guest_error(&sc->dev, "read of write-only %s", sp810_reg_name(offset));
        return 0;
    default:
        device_guest_error(&sc->dev, "read of unknown register +0x%03x", offset);
        return 0;
    }
}

static void sp810_write(struct sp810 *sc, uint32_t offset, uint32_t value)
{
    switch (offset) {
    case SCCTRL:
        sc->scctrl = value & CTRL_WRITABLE;
        break;
    case SCSYSSTAT:
        /* Any write asks the system for a soft reset, which the Versatile
         * Express does not wire to anything Linux uses. */
        trace_printf(sc->dev.trace, TRACE_UNIMP, "%s: SCSYSSTAT write 0x%x: system reset "
                     "request not wired", sc->dev.name, value);
        break;
    case SCIMCTRL:
        sc->imctrl = value & IMCTRL_MASK;
        break;
    case SCIMSTAT:
        sc->imstat = value & IMSTAT_MASK;
        break;
    case SCXTALCTRL:
        sc->xtalctrl = value;
        break;
    case SCPLLCTRL:
        sc->pllctrl = value;
        break;
    case SCPLLFCTRL:
        sc->pllfctrl = value;
        break;
    case SCPERCTRL0:
    case SCPERCTRL1:
        sc->perctrl[(offset - SCPERCTRL0) / 4] = value;
        break;
    case SCPEREN:
        sc->perclken |= value;
        break;
    case SCPERDIS:
        sc->perclken &= ~value;
        break;
    case SCITCR:
        sc->itcr = value & SCITCR_MASK;
        break;
    case SCITOR:
        sc->itor = value & SCITOR_MASK;
        break;
    case SCCNTCTRL:
    case SCCNTDATA:
    case SCCNTSTEP:
        trace_printf(sc->dev.trace, TRACE_UNIMP, "%s: counter test register +0x%03x "
                     "write 0x%x ignored", sc->dev.name, offset, value);
        break;
    case SCPERCLKEN:
    case SCPERSTAT:
    case SCITIR0:
    case SCITIR1:
        device_guest_error(&sc->dev, "write 0x%x to read-only %s", value,
                           sp810_reg_name(offset));
        break;
    default:
        if (offset >= SCSYSID0 && offset <= SCSYSID3)
            device_guest_error(&sc->dev, "write 0x%x to read-only SCSYSID", value);
        else
            device_guest_error(&sc->dev, "write 0x%x to unknown register +0x%03x", value,
                               offset);
        break;
    }
}

static uint32_t sp810_mmio_read(void *opaque, uint32_t offset, unsigned size)
{
    struct sp810 *sc = opaque;
    uint32_t value = sp810_read(sc, offset & ~3u) >> ((offset & 3) * 8);
    if (size < 4)
        value &= (1u << (size * 8)) - 1;
    device_trace_access(&sc->dev, "read", offset, sp810_reg_name(offset), value, size);
    return value;
}

static void sp810_mmio_write(void *opaque, uint32_t offset, uint32_t value, unsigned size)
{
    struct sp810 *sc = opaque;
    device_trace_access(&sc->dev, "write", offset, sp810_reg_name(offset), value, size);
    if (size != 4 || (offset & 3)) {
        device_guest_error(&sc->dev, "%u-byte write to +0x%03x ignored (32-bit registers)",
                           size, offset);
        return;
    }
    sp810_write(sc, offset, value);
}

static const struct mmio_ops sp810_mmio_ops = {
    .read = sp810_mmio_read,
    .write = sp810_mmio_write,
};

unsigned sp810_timer_clock_select(const struct sp810 *sc, unsigned n)
{
    return n < 4 && (sc->scctrl & SP810_SCCTRL_TIMEREN_SEL(n)) ? 1 : 0;
}

/*
 * The state the board firmware leaves: NORMAL mode, crystal and PLL on,
 * every peripheral clock enabled, timers on REFCLK (Linux selects TIMCLK).
 */
static void sp810_reset(struct device *dev)
{
    struct sp810 *sc = (struct sp810 *)dev;
    sc->scctrl = MODE_NORMAL;
    sc->imctrl = 0;
    sc->imstat = 0;
    sc->xtalctrl = XTAL_EN;
    sc->pllctrl = PLL_EN;
    sc->pllfctrl = 0;
    sc->perctrl[0] = 0;
    sc->perctrl[1] = 0;
    sc->perclken = 0xffffffffu;
    sc->itcr = 0;
    sc->itor = 0;
}

static void sp810_dump(struct device *dev, FILE *out)
{
    struct sp810 *sc = (struct sp810 *)dev;
    fprintf(out, "%s (sp810) @ 0x%08llx: timer clocks", dev->name,
            (unsigned long long)dev->base);
    for (unsigned n = 0; n < 4; n++)
        fprintf(out, " %u=%s", n, sp810_timer_clock_select(sc, n) ? "TIMCLK" : "REFCLK");
    fputc('\n', out);
    unsigned column = 0;
    for (uint32_t offset = SCCTRL; offset <= SCPERSTAT; offset += 4) {
        if (offset == SCPEREN || offset == SCPERDIS)
            continue;
        fprintf(out, "  %-11s 0x%08x", sp810_reg_name(offset), sp810_read(sc, offset));
        if (++column == 3) {
            fputc('\n', out);
            column = 0;
        }
    }
    if (column)
        fputc('\n', out);
}

static void sp810_destroy(struct device *dev)
{
    free(dev);
}

/* savevm/loadvm: every register (the model has no other state). */
static int sp810_snapshot(struct device *dev, struct snapshot_io *io)
{
    struct sp810 *sc = (struct sp810 *)dev;
    struct sp810 *s = snapshot_stage(io, sc, sizeof(*sc));
    if (!s)
        return -1;
    uint32_t *regs[] = { &s->scctrl, &s->imctrl, &s->imstat, &s->xtalctrl, &s->pllctrl,
                         &s->pllfctrl, &s->perctrl[0], &s->perctrl[1], &s->perclken,
                         &s->itcr, &s->itor };
    for (size_t i = 0; i < sizeof(regs) / sizeof(regs[0]); i++)
        snap_u32(io, regs[i]);
    return snapshot_unstage(io, sc, s);
}

struct sp810 *sp810_create(const char *name, uint64_t base, struct trace *trace)
{
    struct sp810 *sc = calloc(1, sizeof(*sc));
    if (!sc)
        return NULL;
    sc->dev.name = name;
    sc->dev.type = "sp810";
    sc->dev.base = base;
    sc->dev.size = 0x1000;
    sc->dev.ops = &sp810_mmio_ops;
    sc->dev.reset = sp810_reset;
    sc->dev.dump = sp810_dump;
    sc->dev.destroy = sp810_destroy;
    sc->dev.snapshot = sp810_snapshot;
    sc->dev.trace = trace;
    sp810_reset(&sc->dev);
    return sc;
}
