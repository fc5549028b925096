/*
 * ARM PrimeCell PL190 Vectored Interrupt Controller (PL190 TRM, ARM DDI 0181).
 *
 * MMIO: 4 KiB. Outputs: nVICIRQ and nVICFIQ to the CPU (modelled
 * active-high: 1 = interrupt requested). Inputs: 32 level-sensitive lines.
 *
 * An input is pending when (line | VICSOFTINT) is set; VICINTENABLE masks
 * it, VICINTSELECT routes it to FIQ or IRQ. IRQs go through the priority
 * logic: 16 vectored slots (VICVECTCNTLn names a source, slot 0 is the
 * highest priority) then every other source at the default level. Reading
 * VICVECTADDR acknowledges the highest-priority pending IRQ, returns its
 * VICVECTADDRn (or VICDEFVECTADDR) and masks interrupts of the same or
 * lower priority until VICVECTADDR is written (TRM, "Interrupt
 * priority"). FIQs are not prioritised.
 *
 * Not modelled: VICPROTECTION is stored but not enforced (the bus does not
 * tell us the privilege of an access); the integration test registers
 * (VICITCR test mode, VICITIPn/VICITOPn read as zero); daisy-chaining
 * (VICVECTADDRIN).
 */
#include "devices/pl190.h"

#include <stdlib.h>

#include "base/trace.h"
#include "devices/machine_snapshot.h"

/* Register offsets (TRM, "Summary of registers"). */
#define VICIRQSTATUS     0x000  /* RO */
#define VICFIQSTATUS     0x004  /* RO */
#define VICRAWINTR       0x008  /* RO */
#define VICINTSELECT     0x00c
#define VICINTENABLE     0x010  /* read: enable mask; write: set bits */
#define VICINTENCLEAR    0x014  /* WO */
#define VICSOFTINT       0x018  /* read: soft mask; write: set bits */
#define VICSOFTINTCLEAR  0x01c  /* WO */
#define VICPROTECTION    0x020
#define VICVECTADDR      0x030
#define VICDEFVECTADDR   0x034
#define VICVECTADDR0     0x100  /* ..0x13c */
#define VICVECTCNTL0     0x200  /* ..0x23c */
#define VICITCR          0x300
#define VICITIP1         0x304
#define VICITIP2         0x308
#define VICITOP1         0x30c
#define VICITOP2         0x310

/* VICVECTCNTLn */
#define VECTCNTL_ENABLE      (1u << 5)
#define VECTCNTL_SOURCE_MASK 0x1fu

#define PROTECTION_ENABLE 1u

/* VICPeriphID0-3 (TRM, "Peripheral identification registers"). */
static const uint8_t pl190_periph_id[4] = { 0x90, 0x11, 0x04, 0x00 };

static const char *const pl190_vectaddr_names[PL190_VECTORS] = {
    "VICVECTADDR0", "VICVECTADDR1", "VICVECTADDR2", "VICVECTADDR3",
    "VICVECTADDR4", "VICVECTADDR5", "VICVECTADDR6", "VICVECTADDR7",
    "VICVECTADDR8", "VICVECTADDR9", "VICVECTADDR10", "VICVECTADDR11",
    "VICVECTADDR12", "VICVECTADDR13", "VICVECTADDR14", "VICVECTADDR15",
};

static const char *const pl190_vectcntl_names[PL190_VECTORS] = {
    "VICVECTCNTL0", "VICVECTCNTL1", "VICVECTCNTL2", "VICVECTCNTL3",
    "VICVECTCNTL4", "VICVECTCNTL5", "VICVECTCNTL6", "VICVECTCNTL7",
    "VICVECTCNTL8", "VICVECTCNTL9", "VICVECTCNTL10", "VICVECTCNTL11",
    "VICVECTCNTL12", "VICVECTCNTL13", "VICVECTCNTL14", "VICVECTCNTL15",
};

/* For tracing only. */
static const char *pl190_reg_name(uint32_t offset)
{
    if (offset >= VICVECTADDR0 && offset < VICVECTADDR0 + 4 * PL190_VECTORS && !(offset & 3))
        return pl190_vectaddr_names[(offset - VICVECTADDR0) >> 2];
    if (offset >= VICVECTCNTL0 && offset < VICVECTCNTL0 + 4 * PL190_VECTORS && !(offset & 3))
        return pl190_vectcntl_names[(offset - VICVECTCNTL0) >> 2];
    switch (offset) {
    case VICIRQSTATUS: return "VICIRQSTATUS";
    case VICFIQSTATUS: return "VICFIQSTATUS";
    case VICRAWINTR: return "VICRAWINTR";
    case VICINTSELECT: return "VICINTSELECT";
    case VICINTENABLE: return "VICINTENABLE";
    case VICINTENCLEAR: return "VICINTENCLEAR";
    case VICSOFTINT: return "VICSOFTINT";
    case VICSOFTINTCLEAR: return "VICSOFTINTCLEAR";
    case VICPROTECTION: return "VICPROTECTION";
    case VICVECTADDR: return "VICVECTADDR";
    case VICDEFVECTADDR: return "VICDEFVECTADDR";
    case VICITCR: return "VICITCR";
    case VICITIP1: return "VICITIP1";
    case VICITIP2: return "VICITIP2";
    case VICITOP1: return "VICITOP1";
    case VICITOP2: return "VICITOP2";
    default: return NULL;
    }
}

static uint32_t pl190_raw(const struct pl190 *vic)
{
    return vic->level | vic->soft;
}

static uint32_t pl190_irq_status(const struct pl190 *vic)
{
    return pl190_raw(vic) & vic->enable & ~vic->select;
}

static uint32_t pl190_fiq_status(const struct pl190 *vic)
{
    return pl190_raw(vic) & vic->enable & vic->select;
}

/* The level now in service: the lowest set bit of the priority stack. */
static unsigned pl190_current_level(const struct pl190 *vic)
{
    return vic->in_service ? (unsigned)__builtin_ctz(vic->in_service) : PL190_LEVEL_IDLE;
}

/* Recomputes both outputs from the status registers; the only place they change. */
static void pl190_update_irq(struct pl190 *vic)
{
    int irq = (pl190_irq_status(vic) & vic->preempt[pl190_current_level(vic)]) != 0;
    int fiq = pl190_fiq_status(vic) != 0;
    if (irq != vic->irq_level) {
        vic->irq_level = irq;
        trace_printf(vic->dev.trace, TRACE_IRQ, "%s: IRQ output %d", vic->dev.name, irq);
        irq_set(&vic->irq_out, irq);
    }
    if (fiq != vic->fiq_level) {
        vic->fiq_level = fiq;
        trace_printf(vic->dev.trace, TRACE_IRQ, "%s: FIQ output %d", vic->dev.name, fiq);
        irq_set(&vic->fiq_out, fiq);
    }
}

/* Rebuilds preempt[] after a VICVECTCNTLn write. */
static void pl190_update_priorities(struct pl190 *vic)
{
    uint32_t above = 0;
    for (unsigned slot = 0; slot < PL190_VECTORS; slot++) {
        vic->preempt[slot] = above;
        if (vic->vect_cntl[slot] & VECTCNTL_ENABLE)
            above |= 1u << (vic->vect_cntl[slot] & VECTCNTL_SOURCE_MASK);
    }
    vic->preempt[PL190_LEVEL_DEFAULT] = above;      /* every vectored source */
    vic->preempt[PL190_LEVEL_IDLE] = 0xffffffffu;   /* anything */
}

/* Priority level of a source: its first enabled vector slot, else the default. */
static unsigned pl190_source_level(const struct pl190 *vic, unsigned source)
{
    for (unsigned slot = 0; slot < PL190_VECTORS; slot++)
        if ((vic->vect_cntl[slot] & VECTCNTL_ENABLE) &&
            (vic->vect_cntl[slot] & VECTCNTL_SOURCE_MASK) == source)
            return slot;
    return PL190_LEVEL_DEFAULT;
}

static uint32_t pl190_level_address(const struct pl190 *vic, unsigned level)
{
    return level < PL190_VECTORS ? vic->vect_addr[level] : vic->def_vect_addr;
}

/*
 * VICVECTADDR read: the start of an ISR. The highest-priority pending IRQ
 * that may preempt the current level becomes the current level. With
 * nothing new to acknowledge the address of the level in service is
 * returned again (the TRM leaves a read with nothing pending undefined; the
 * default vector is returned then).
 */
static uint32_t pl190_acknowledge(struct pl190 *vic)
{
    unsigned current = pl190_current_level(vic);
    uint32_t pending = pl190_irq_status(vic) & vic->preempt[current];
    if (!pending)
        return pl190_level_address(vic, current);
    unsigned best = PL190_LEVEL_DEFAULT;
    for (unsigned source = 0; source < PL190_INPUTS; source++) {
        if (!(pending & (1u << source)))
            continue;
        unsigned level = pl190_source_level(vic, source);
        if (level < best)
            best = level;
    }
    vic->in_service |= 1u << best;
    pl190_update_irq(vic);
    return pl190_level_address(vic, best);
}

static uint32_t pl190_read(struct pl190 *vic, uint32_t offset)
{
    uint32_t value;
    if (primecell_id_read(pl190_periph_id, offset, &value))
        return value;
    if (offset >= VICVECTADDR0 && offset < VICVECTADDR0 + 4 * PL190_VECTORS && !(offset & 3))
        return vic->vect_addr[(offset - VICVECTADDR0) >> 2];
    if (offset >= VICVECTCNTL0 && offset < VICVECTCNTL0 + 4 * PL190_VECTORS && !(offset & 3))
        return vic->vect_cntl[(offset - VICVECTCNTL0) >> 2];

    switch (offset) {
    case VICIRQSTATUS:
        return pl190_irq_status(vic);
    case VICFIQSTATUS:
        return pl190_fiq_status(vic);
    case VICRAWINTR:
        return pl190_raw(vic);
    case VICINTSELECT:
        return vic->select;
    case VICINTENABLE:
        return vic->enable;
    case VICSOFTINT:
        return vic->soft;
    case VICPROTECTION:
        return vic->protection;
    case VICVECTADDR:
        return pl190_acknowledge(vic);
    case VICDEFVECTADDR:
        return vic->def_vect_addr;
    case VICITCR:
        return vic->itcr;
    case VICITIP1:
    case VICITIP2:
    case VICITOP1:
    case VICITOP2:
        return 0;
    case VICINTENCLEAR:
    case VICSOFTINTCLEAR:
        device_guest_error(&vic->dev, "read of write-only register +0x%03x", offset);
        return 0;
    default:
        device_guest_error(&vic->dev, "read of unknown register +0x%03x", offset);
        return 0;
    }
}

static void pl190_write(struct pl190 *vic, uint32_t offset, uint32_t value)
{
    if (offset >= VICVECTADDR0 && offset < VICVECTADDR0 + 4 * PL190_VECTORS && !(offset & 3)) {
        vic->vect_addr[(offset - VICVECTADDR0) >> 2] = value;
        return;
    }
    if (offset >= VICVECTCNTL0 && offset < VICVECTCNTL0 + 4 * PL190_VECTORS && !(offset & 3)) {
        vic->vect_cntl[(offset - VICVECTCNTL0) >> 2] =
            value & (VECTCNTL_ENABLE | VECTCNTL_SOURCE_MASK);
        pl190_update_priorities(vic);
        pl190_update_irq(vic);
        return;
    }

    switch (offset) {
    case VICIRQSTATUS:
        /* Read-only, but Linux's vic_init writes 0 here; ignore quietly. */
        return;
    case VICINTSELECT:
        vic->select = value;
        break;
    case VICINTENABLE:
        vic->enable |= value;
        break;
    case VICINTENCLEAR:
        vic->enable &= ~value;
        break;
    case VICSOFTINT:
        vic->soft |= value;
        break;
    case VICSOFTINTCLEAR:
        vic->soft &= ~value;
        break;
    case VICPROTECTION:
        vic->protection = value & PROTECTION_ENABLE;
        return;
    case VICVECTADDR:
        /* End of ISR: the value is ignored, the current level is popped. */
        vic->in_service &= vic->in_service - 1;
        break;
    case VICDEFVECTADDR:
        vic->def_vect_addr = value;
        return;
    case VICITCR:
        vic->itcr = value & 1;
        if (vic->itcr)
            trace_printf(vic->dev.trace, TRACE_UNIMP, "%s: VICITCR test mode not modelled",
                         vic->dev.name);
        return;
    case VICFIQSTATUS:
    case VICRAWINTR:
        device_guest_error(&vic->dev, "write 0x%x to read-only register +0x%03x", value,
                           offset);
        return;
    default:
        device_guest_error(&vic->dev, "write 0x%x to unknown register +0x%03x", value, offset);
        return;
    }
    pl190_update_irq(vic);
}

static uint32_t pl190_mmio_read(void *opaque, uint32_t offset, unsigned size)
{
    struct pl190 *vic = opaque;
    uint32_t value = pl190_read(vic, offset);
    if (size < 4)
        value &= (1u << (size * 8)) - 1;
    device_trace_access(&vic->dev, "read", offset, pl190_reg_name(offset), value, size);
    return value;
}

static void pl190_mmio_write(void *opaque, uint32_t offset, uint32_t value, unsigned size)
{
    struct pl190 *vic = opaque;
    device_trace_access(&vic->dev, "write", offset, pl190_reg_name(offset), value, size);
    pl190_write(vic, offset, value);
}

static const struct mmio_ops pl190_mmio_ops = {
    .read = pl190_mmio_read,
    .write = pl190_mmio_write,
};

static void pl190_set_input(void *opaque, unsigned line, int level)
{
    struct pl190 *vic = opaque;
    uint32_t bit = 1u << line;
    uint32_t old = vic->level;
    vic->level = level ? old | bit : old & ~bit;
    if (vic->level != old)
        pl190_update_irq(vic);
}

struct irq_line pl190_irq_input(struct pl190 *vic, unsigned line)
{
    if (line >= PL190_INPUTS)
        return irq_line_make(NULL, NULL, 0);
    return irq_line_make(pl190_set_input, vic, line);
}

/* Input levels are wires driven by the sources, so reset keeps them. */
static void pl190_reset(struct device *dev)
{
    struct pl190 *vic = (struct pl190 *)dev;
    vic->soft = 0;
    vic->enable = 0;
    vic->select = 0;
    vic->protection = 0;
    for (unsigned i = 0; i < PL190_VECTORS; i++) {
        vic->vect_addr[i] = 0;
        vic->vect_cntl[i] = 0;
    }
    vic->def_vect_addr = 0;
    vic->itcr = 0;
    vic->in_service = 0;
    pl190_update_priorities(vic);
    pl190_update_irq(vic);
}

static void pl190_dump(struct device *dev, FILE *out)
{
    struct pl190 *vic = (struct pl190 *)dev;
    unsigned current = pl190_current_level(vic);
    fprintf(out, "%s (pl190) @ 0x%08llx: IRQ out %d, FIQ out %d\n", dev->name,
            (unsigned long long)dev->base, vic->irq_level, vic->fiq_level);
    fprintf(out, "  VICIRQSTATUS   0x%08x  VICFIQSTATUS    0x%08x\n", pl190_irq_status(vic),
            pl190_fiq_status(vic));
    fprintf(out, "  VICRAWINTR     0x%08x  (inputs 0x%08x, soft 0x%08x)\n", pl190_raw(vic),
            vic->level, vic->soft);
    fprintf(out, "  VICINTSELECT   0x%08x  VICINTENABLE    0x%08x\n", vic->select, vic->enable);
    fprintf(out, "  VICSOFTINT     0x%08x  VICPROTECTION   0x%08x\n", vic->soft,
            vic->protection);
    fprintf(out, "  VICDEFVECTADDR 0x%08x  VICITCR         0x%08x\n", vic->def_vect_addr,
            vic->itcr);
    if (current == PL190_LEVEL_IDLE)
        fprintf(out, "  in service: none\n");
    else if (current == PL190_LEVEL_DEFAULT)
        fprintf(out, "  in service: default vector (stack 0x%05x)\n", vic->in_service);
    else
        fprintf(out, "  in service: vector %u (stack 0x%05x)\n", current, vic->in_service);
    for (unsigned i = 0; i < PL190_VECTORS; i++)
        fprintf(out, "  %-14s 0x%08x  %-15s 0x%02x%s\n", pl190_vectaddr_names[i],
                vic->vect_addr[i], pl190_vectcntl_names[i], vic->vect_cntl[i],
                (vic->vect_cntl[i] & VECTCNTL_ENABLE) ? "  (enabled)" : "");
}

static void pl190_destroy(struct device *dev)
{
    free(dev);
}

/* savevm/loadvm: registers, input levels and the priority stack. */
static int pl190_snapshot(struct device *dev, struct snapshot_io *io)
{
    struct pl190 *vic = (struct pl190 *)dev;
    struct pl190 *s = snapshot_stage(io, vic, sizeof(*vic));
    if (!s)
        return -1;
    uint32_t *regs[] = { &s->level, &s->soft, &s->enable, &s->select, &s->protection,
                         &s->def_vect_addr, &s->itcr, &s->in_service };
    for (size_t i = 0; i < sizeof(regs) / sizeof(regs[0]); i++)
        snap_u32(io, regs[i]);
    snap_u32_array(io, s->vect_addr, PL190_VECTORS);
    snap_u32_array(io, s->vect_cntl, PL190_VECTORS);
    snap_u32_array(io, s->preempt, PL190_LEVEL_IDLE + 1);
    snap_level(io, "nVICIRQ", &s->irq_level);
    snap_level(io, "nVICFIQ", &s->fiq_level);
    return snapshot_unstage(io, vic, s);
}

struct pl190 *pl190_create(const char *name, uint64_t base, struct irq_line irq,
                           struct irq_line fiq, struct trace *trace)
{
    struct pl190 *vic = calloc(1, sizeof(*vic));
    if (!vic)
        return NULL;
    vic->dev.name = name;
    vic->dev.type = "pl190";
    vic->dev.base = base;
    vic->dev.size = 0x1000;
    vic->dev.ops = &pl190_mmio_ops;
    vic->dev.reset = pl190_reset;
    vic->dev.dump = pl190_dump;
    vic->dev.destroy = pl190_destroy;
    vic->dev.snapshot = pl190_snapshot;
    vic->dev.trace = trace;
    vic->irq_out = irq;
    vic->fiq_out = fiq;
    pl190_reset(&vic->dev);
    return vic;
}
