/*
 * ARM L2C-310 Level 2 Cache Controller (PL310) r3p2 (L2C-310 TRM, ARM DDI
 * 0246, chapter 3 "Programmers Model").
 *
 * MMIO: 4 KiB. Output: L2CCINTR (the combined interrupt), which stays low.
 *
 * There is no cache behind the registers: memory is always coherent, so
 * the controller is its configuration. Control, auxiliary control, RAM
 * latencies, event counter configuration, lockdown, address filtering,
 * debug, prefetch and power control are stored and read back. Every
 * maintenance operation (cache sync, invalidate/clean by PA, index or way)
 * completes at once, so the "operation in progress" bits Linux polls read
 * as 0. Cache ID 0x410000c8 (ARM, L2C-310 r3p2) and Cache Type 0x1c100100
 * are QEMU's values; the auxiliary control resets to QEMU's 0x02020000 (16
 * KiB ways, 8-way: Linux reports "8 ways, 128 kB").
 *
 * Not modelled: the event counters do not count, no interrupt ever becomes
 * raw-pending (ECNTR, PARRT, PARRD, ERRWT, ERRWD, ERRRT, ERRRD, SLVERR,
 * DECERR), the auxiliary control write-while-enabled error response.
 */
#include "devices/pl310.h"

#include <stdlib.h>

#include "base/trace.h"
#include "devices/machine_snapshot.h"

/* Register offsets (TRM Table 3-1). */
#define L2X0_CACHE_ID          0x000  /* RO */
#define L2X0_CACHE_TYPE        0x004  /* RO */
#define L2X0_CTRL              0x100
#define L2X0_AUX_CTRL          0x104
#define L2X0_TAG_LATENCY       0x108
#define L2X0_DATA_LATENCY      0x10c
#define L2X0_EV_COUNTER_CTRL   0x200
#define L2X0_EV_COUNTER1_CFG   0x204
#define L2X0_EV_COUNTER0_CFG   0x208
#define L2X0_EV_COUNTER1       0x20c
#define L2X0_EV_COUNTER0       0x210
#define L2X0_INT_MASK          0x214
#define L2X0_INT_MASK_STATUS   0x218  /* RO */
#define L2X0_INT_RAW_STATUS    0x21c  /* RO */
#define L2X0_INT_CLEAR         0x220  /* WO */
#define L2X0_CACHE_SYNC        0x730
#define L2X0_INV_PA            0x770
#define L2X0_INV_WAY           0x77c
#define L2X0_CLEAN_PA          0x7b0
#define L2X0_CLEAN_INDEX       0x7b8
#define L2X0_CLEAN_WAY         0x7bc
#define L2X0_CLEAN_INV_PA      0x7f0
#define L2X0_CLEAN_INV_INDEX   0x7f8
#define L2X0_CLEAN_INV_WAY     0x7fc
#define L2X0_LOCKDOWN_D0       0x900  /* D at 0x900 + 8n, I at 0x904 + 8n, n = 0..7 */
#define L2X0_LOCKDOWN_END      0x940
#define L2X0_LOCK_LINE_EN      0x950
#define L2X0_UNLOCK_WAY        0x954
#define L2X0_FILTER_START      0xc00
#define L2X0_FILTER_END        0xc04
#define L2X0_DEBUG_CTRL        0xf40
#define L2X0_PREFETCH_CTRL     0xf60
#define L2X0_POWER_CTRL        0xf80

#define PL310_CACHE_ID    0x410000c8u
#define PL310_CACHE_TYPE  0x1c100100u
#define PL310_AUX_RESET   0x02020000u

#define CTRL_ENABLE        1u
#define LATENCY_MASK       0x777u     /* setup, read, write latencies */
#define EV_COUNTER_CTRL_MASK 0x7u     /* enable, counter resets (write 1) */
#define EV_CFG_MASK        0x3fu      /* event source, interrupt generation */
#define INT_MASK           0x1ffu     /* nine interrupt sources */
#define WAY_MASK           0xffu      /* 8 ways (0xffff with 16 ways) */
#define FILTER_ADDR_MASK   0xfff00000u
#define FILTER_ENABLE      1u
#define DEBUG_CTRL_MASK    0x7u
/* r3p2: double linefill (30, 27, 23), I/D prefetch (29, 28), prefetch drop (24),
 * exclusive sequence (21), prefetch offset [4:0]. */
#define PREFETCH_CTRL_MASK 0x79a0001fu
#define POWER_CTRL_MASK    0x3u

static const char *pl310_reg_name(uint32_t offset)
{
    switch (offset) {
    case L2X0_CACHE_ID: return "reg0_cache_id";
    case L2X0_CACHE_TYPE: return "reg0_cache_type";
    case L2X0_CTRL: return "reg1_control";
    case L2X0_AUX_CTRL: return "reg1_aux_control";
    case L2X0_TAG_LATENCY: return "reg1_tag_ram_control";
    case L2X0_DATA_LATENCY: return "reg1_data_ram_control";
    case L2X0_EV_COUNTER_CTRL: return "reg2_ev_counter_ctrl";
    case L2X0_EV_COUNTER1_CFG: return "reg2_ev_counter1_cfg";
    case L2X0_EV_COUNTER0_CFG: return "reg2_ev_counter0_cfg";
    case L2X0_EV_COUNTER1: return "reg2_ev_counter1";
    case L2X0_EV_COUNTER0: return "reg2_ev_counter0";
    case L2X0_INT_MASK: return "reg2_int_mask";
    case L2X0_INT_MASK_STATUS: return "reg2_int_mask_status";
    case L2X0_INT_RAW_STATUS: return "reg2_int_raw_status";
    case L2X0_INT_CLEAR: return "reg2_int_clear";
    case L2X0_CACHE_SYNC: return "reg7_cache_sync";
    case L2X0_INV_PA: return "reg7_inv_pa";
    case L2X0_INV_WAY: return "reg7_inv_way";
    case L2X0_CLEAN_PA: return "reg7_clean_pa";
    case L2X0_CLEAN_INDEX: return "reg7_clean_index";
    case L2X0_CLEAN_WAY: return "reg7_clean_way";
    case L2X0_CLEAN_INV_PA: return "reg7_clean_inv_pa";
    case L2X0_CLEAN_INV_INDEX: return "reg7_clean_inv_index";
    case L2X0_CLEAN_INV_WAY: return "reg7_clean_inv_way";
    case L2X0_LOCK_LINE_EN: return "reg9_lock_line_en";
    case L2X0_UNLOCK_WAY: return "reg9_unlock_way";
    case L2X0_FILTER_START: return "reg12_addr_filtering_start";
    case L2X0_FILTER_END: return "reg12_addr_filtering_end";
    case L2X0_DEBUG_CTRL: return "reg15_debug_ctrl";
    case L2X0_PREFETCH_CTRL: return "reg15_prefetch_ctrl";
    case L2X0_POWER_CTRL: return "reg15_power_ctrl";
    default:
        if (offset >= L2X0_LOCKDOWN_D0 && offset < L2X0_LOCKDOWN_END && !(offset & 3))
            return (offset & 4) ? "reg9_i_lockdown" : "reg9_d_lockdown";
        return NULL;
    }
}

/* Recomputes L2CCINTR from raw status & mask; the only place it changes. */
static void pl310_update_irq(struct pl310 *l2)
{
    int level = (l2->int_raw & l2->int_mask) != 0;
    if (level == l2->irq_level)
        return;
    l2->irq_level = level;
    trace_printf(l2->dev.trace, TRACE_IRQ, "%s: L2CCINTR %d", l2->dev.name, level);
    irq_set(&l2->irq, level);
}

static uint32_t pl310_read(struct pl310 *l2, uint32_t offset)
{
    if (offset >= L2X0_LOCKDOWN_D0 && offset < L2X0_LOCKDOWN_END) {
        unsigned master = (offset - L2X0_LOCKDOWN_D0) >> 3;
        return (offset & 4) ? l2->i_lockdown[master] : l2->d_lockdown[master];
    }
    switch (offset) {
    case L2X0_CACHE_ID:
        return PL310_CACHE_ID;
    case L2X0_CACHE_TYPE:
        return PL310_CACHE_TYPE;
    case L2X0_CTRL:
        return l2->control;
    case L2X0_AUX_CTRL:
        return l2->aux_control;
    case L2X0_TAG_LATENCY:
        return l2->tag_latency;
    case L2X0_DATA_LATENCY:
        return l2->data_latency;
    case L2X0_EV_COUNTER_CTRL:
        return l2->ev_counter_ctrl;
    case L2X0_EV_COUNTER1_CFG:
        return l2->ev_counter_cfg[1];
    case L2X0_EV_COUNTER0_CFG:
        return l2->ev_counter_cfg[0];
    case L2X0_EV_COUNTER1:
        return l2->ev_counter[1];
    case L2X0_EV_COUNTER0:
        return l2->ev_counter[0];
    case L2X0_INT_MASK:
        return l2->int_mask;
    case L2X0_INT_MASK_STATUS:
        return l2->int_raw & l2->int_mask;
    case L2X0_INT_RAW_STATUS:
        return l2->int_raw;
    case L2X0_CACHE_SYNC:
    case L2X0_INV_PA:
    case L2X0_INV_WAY:
    case L2X0_CLEAN_PA:
    case L2X0_CLEAN_INDEX:
    case L2X0_CLEAN_WAY:
    case L2X0_CLEAN_INV_PA:
    case L2X0_CLEAN_INV_INDEX:
    case L2X0_CLEAN_INV_WAY:
        return 0;   /* every operation has completed */
    case L2X0_LOCK_LINE_EN:
        return l2->lock_line_en;
    case L2X0_UNLOCK_WAY:
        return 0;   /* unlocking completes at once */
    case L2X0_FILTER_START:
        return l2->filter_start;
    case L2X0_FILTER_END:
        return l2->filter_end;
    case L2X0_DEBUG_CTRL:
        return l2->debug_ctrl;
    case L2X0_PREFETCH_CTRL:
        return l2->prefetch_ctrl;
    case L2X0_POWER_CTRL:
        return l2->power_ctrl;
    case L2X0_INT_CLEAR:
        device_guest_error(&l2->dev, "read of write-only reg2_int_clear");
        return 0;
    default:
        device_guest_error(&l2->dev, "read of unknown register +0x%03x", offset);
        return 0;
    }
}

static void pl310_write(struct pl310 *l2, uint32_t offset, uint32_t value)
{
    if (offset >= L2X0_LOCKDOWN_D0 && offset < L2X0_LOCKDOWN_END) {
        unsigned master = (offset - L2X0_LOCKDOWN_D0) >> 3;
        if (offset & 4)
            l2->i_lockdown[master] = value & WAY_MASK;
        else
            l2->d_lockdown[master] = value & WAY_MASK;
        return;
    }
    switch (offset) {
    case L2X0_CTRL:
        l2->control = value & CTRL_ENABLE;
        break;
    case L2X0_AUX_CTRL:
        l2->aux_control = value;
        break;
    case L2X0_TAG_LATENCY:
        l2->tag_latency = value & LATENCY_MASK;
        break;
    case L2X0_DATA_LATENCY:
        l2->data_latency = value & LATENCY_MASK;
        break;
    case L2X0_EV_COUNTER_CTRL:
        /* Bits 1 and 2 reset counter 0 / 1 and read as 0. */
        if (value & 2)
            l2->ev_counter[0] = 0;
        if (value & 4)
            l2->ev_counter[1] = 0;
        l2->ev_counter_ctrl = value & 1;
        break;
    case L2X0_EV_COUNTER1_CFG:
        l2->ev_counter_cfg[1] = value & EV_CFG_MASK;
        break;
    case L2X0_EV_COUNTER0_CFG:
        l2->ev_counter_cfg[0] = value & EV_CFG_MASK;
        break;
    case L2X0_EV_COUNTER1:
        l2->ev_counter[1] = value;
        break;
    case L2X0_EV_COUNTER0:
        l2->ev_counter[0] = value;
        break;
    case L2X0_INT_MASK:
        l2->int_mask = value & INT_MASK;
        break;
    case L2X0_INT_CLEAR:
        l2->int_raw &= ~value;
        break;
    case L2X0_CACHE_SYNC:
    case L2X0_INV_PA:
    case L2X0_INV_WAY:
    case L2X0_CLEAN_PA:
    case L2X0_CLEAN_INDEX:
    case L2X0_CLEAN_WAY:
    case L2X0_CLEAN_INV_PA:
    case L2X0_CLEAN_INV_INDEX:
    case L2X0_CLEAN_INV_WAY:
        /* Memory is always coherent: nothing to do, done at once. */
        return;
    case L2X0_LOCK_LINE_EN:
        l2->lock_line_en = value & 1;
        return;
    case L2X0_UNLOCK_WAY:
        return;
    case L2X0_FILTER_START:
        l2->filter_start = value & (FILTER_ADDR_MASK | FILTER_ENABLE);
        return;
    case L2X0_FILTER_END:
        l2->filter_end = value & FILTER_ADDR_MASK;
        return;
    case L2X0_DEBUG_CTRL:
        l2->debug_ctrl = value & DEBUG_CTRL_MASK;
        return;
    case L2X0_PREFETCH_CTRL:
        l2->prefetch_ctrl = value & PREFETCH_CTRL_MASK;
        return;
    case L2X0_POWER_CTRL:
        l2->power_ctrl = value & POWER_CTRL_MASK;
        return;
    case L2X0_CACHE_ID:
    case L2X0_CACHE_TYPE:
    case L2X0_INT_MASK_STATUS:
    case L2X0_INT_RAW_STATUS:
        device_guest_error(&l2->dev, "write 0x%x to read-only register +0x%03x", value,
                           offset);
        return;
    default:
        device_guest_error(&l2->dev, "write 0x%x to unknown register +0x%03x", value, offset);
        return;
    }
    pl310_update_irq(l2);
}

static uint32_t pl310_mmio_read(void *opaque, uint32_t offset, unsigned size)
{
    struct pl310 *l2 = opaque;
    uint32_t value = pl310_read(l2, offset & ~3u);
    if (size < 4)
        value = (value >> ((offset & 3) * 8)) & ((1u << (size * 8)) - 1);
    device_trace_access(&l2->dev, "read", offset, pl310_reg_name(offset), value, size);
    return value;
}

static void pl310_mmio_write(void *opaque, uint32_t offset, uint32_t value, unsigned size)
{
    struct pl310 *l2 = opaque;
    device_trace_access(&l2->dev, "write", offset, pl310_reg_name(offset), value, size);
    if (size != 4 || (offset & 3)) {
        device_guest_error(&l2->dev, "%u-byte write at +0x%03x (word access only)", size,
                           offset);
        return;
    }
    pl310_write(l2, offset, value);
}

static const struct mmio_ops pl310_mmio_ops = {
    .read = pl310_mmio_read,
    .write = pl310_mmio_write,
};

/* TRM reset values, with QEMU's auxiliary control; the cache is disabled. */
static void pl310_reset(struct device *dev)
{
    struct pl310 *l2 = (struct pl310 *)dev;
    l2->control = 0;
    l2->aux_control = PL310_AUX_RESET;
    l2->tag_latency = 0;
    l2->data_latency = 0;
    l2->ev_counter_ctrl = 0;
    for (unsigned i = 0; i < 2; i++) {
        l2->ev_counter_cfg[i] = 0;
        l2->ev_counter[i] = 0;
    }
    l2->int_mask = 0;
    l2->int_raw = 0;
    for (unsigned i = 0; i < PL310_LOCKDOWN_MASTERS; i++) {
        l2->d_lockdown[i] = 0;
        l2->i_lockdown[i] = 0;
    }
    l2->lock_line_en = 0;
    l2->filter_start = 0;
    l2->filter_end = 0;
    l2->debug_ctrl = 0;
    l2->prefetch_ctrl = 0;
    l2->power_ctrl = 0;
    pl310_update_irq(l2);
}

static void pl310_dump(struct device *dev, FILE *out)
{
    struct pl310 *l2 = (struct pl310 *)dev;
    fprintf(out, "%s (pl310) @ 0x%08llx: cache %s, L2CCINTR %d\n", dev->name,
            (unsigned long long)dev->base, (l2->control & CTRL_ENABLE) ? "enabled" : "disabled",
            l2->irq_level);
    fprintf(out, "  reg0_cache_id        0x%08x  reg0_cache_type        0x%08x\n",
            PL310_CACHE_ID, PL310_CACHE_TYPE);
    fprintf(out, "  reg1_control         0x%08x  reg1_aux_control       0x%08x\n", l2->control,
            l2->aux_control);
    fprintf(out, "  reg1_tag_ram_control 0x%08x  reg1_data_ram_control  0x%08x\n",
            l2->tag_latency, l2->data_latency);
    fprintf(out, "  reg2_int_mask        0x%08x  reg2_int_raw_status    0x%08x\n", l2->int_mask,
            l2->int_raw);
    fprintf(out, "  reg12_filter         0x%08x-0x%08x\n", l2->filter_start, l2->filter_end);
    fprintf(out, "  reg15_prefetch_ctrl  0x%08x  reg15_power_ctrl       0x%08x\n",
            l2->prefetch_ctrl, l2->power_ctrl);
    fprintf(out, "  reg9_d_lockdown     ");
    for (unsigned i = 0; i < PL310_LOCKDOWN_MASTERS; i++)
        fprintf(out, " %02x", l2->d_lockdown[i]);
    fprintf(out, "\n  reg9_i_lockdown     ");
    for (unsigned i = 0; i < PL310_LOCKDOWN_MASTERS; i++)
        fprintf(out, " %02x", l2->i_lockdown[i]);
    fputc('\n', out);
}

static void pl310_destroy(struct device *dev)
{
    free(dev);
}

/* savevm/loadvm: every register (no cache contents are modelled). */
static int pl310_snapshot(struct device *dev, struct snapshot_io *io)
{
    struct pl310 *l2 = (struct pl310 *)dev;
    struct pl310 *s = snapshot_stage(io, l2, sizeof(*l2));
    if (!s)
        return -1;
    snap_level(io, "L2CCINTR", &s->irq_level);
    uint32_t *regs[] = { &s->control, &s->aux_control, &s->tag_latency, &s->data_latency,
                         &s->ev_counter_ctrl, &s->ev_counter_cfg[0], &s->ev_counter_cfg[1],
                         &s->ev_counter[0], &s->ev_counter[1], &s->int_mask, &s->int_raw,
                         &s->lock_line_en, &s->filter_start, &s->filter_end, &s->debug_ctrl,
                         &s->prefetch_ctrl, &s->power_ctrl };
    for (size_t i = 0; i < sizeof(regs) / sizeof(regs[0]); i++)
        snap_u32(io, regs[i]);
    snap_u32_array(io, s->d_lockdown, PL310_LOCKDOWN_MASTERS);
    snap_u32_array(io, s->i_lockdown, PL310_LOCKDOWN_MASTERS);
    return snapshot_unstage(io, l2, s);
}

struct pl310 *pl310_create(const char *name, uint64_t base, struct irq_line irq,
                           struct trace *trace)
{
    struct pl310 *l2 = calloc(1, sizeof(*l2));
    if (!l2)
        return NULL;
    l2->dev.name = name;
    l2->dev.type = "pl310";
    l2->dev.base = base;
    l2->dev.size = 0x1000;
    l2->dev.ops = &pl310_mmio_ops;
    l2->dev.reset = pl310_reset;
    l2->dev.dump = pl310_dump;
    l2->dev.destroy = pl310_destroy;
    l2->dev.snapshot = pl310_snapshot;
    l2->dev.trace = trace;
    l2->irq = irq;
    pl310_reset(&l2->dev);
    return l2;
}
