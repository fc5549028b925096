/*
 * ARM PrimeCell PL110 / PL111 Colour LCD Controller (PL110 TRM, ARM DDI
 * 0161; PL111 TRM, ARM DDI 0293).
 *
 * MMIO: 4 KiB. Timing registers +0x00..+0x0c, panel base addresses +0x10
 * (upper) and +0x14 (lower), control and interrupt registers from +0x18
 * (order per variant, see pl110.h), palette +0x200..+0x3fc (two 16-bit
 * entries per word), PrimeCell IDs at +0xfe0. Output: CLCDINTR, the OR of
 * the masked interrupts (VIC 16 on the Versatile PB).
 *
 * Scan-out: the frame is (PPL + 1) * 16 pixels by LPP + 1 lines (twice
 * that many lines in dual-panel mode, the lower half from LCDLPBASE), read
 * line after line from LCDUPBASE with no padding, converted by
 * pl110_render() when the frontend asks. Pixel formats (LcdBpp):
 * 1/2/4/8 bpp through the palette (5:5:5 entries; mono STN panels show red
 * bits 4:1 as grey), 16 bpp, 24 bpp (8:8:8 in the low 24 bits of a 32-bit
 * word) and, on the PL111 only, 5:6:5 and 4:4:4. In every format red comes
 * from the least significant field and LCDControl.BGR swaps red and blue.
 * 16 bpp is 1:5:5:5 on a plain PL110 and PL111; on the Versatile it goes
 * through the board's SYS_CLCD mux (pl110_set_mux): 5:5:5, 5:6:5 with red
 * or with blue in bits 4:0 (Linux's RGB565: mux 3, BGR clear), or, for mux
 * 0 (the 8:8:8 setting, meaningless at 16 bpp), 5:6:5 as QEMU does.
 * Byte/pixel order: LBLP, BBBP (BEBO: big-endian words, first pixel in
 * the most significant bits) and LBBP (BEPO: first pixel in the most
 * significant bits of each byte, below 8 bpp).
 *
 * Interrupts, from virtual time: the controller starts counting frames
 * when LcdEn is set, one frame every 1/60 s (the pixel clock is not
 * modelled), and at each frame start raises LNBU (the upper/lower base
 * registers were copied to the current-address registers) and VCOMP (the
 * vertical-compare point of LcdVComp, which falls in the same frame). A
 * clock event is armed for the next frame only while it could change the
 * interrupt output; reads catch up with frames that passed in between.
 *
 * Not modelled: the pixel clock and timing generation (TIM2/TIM3 are
 * stored, LcdVComp does not move the interrupt within the frame), FIFO
 * underflow and bus errors (FUF and MBERROR never set), the PL111
 * hardware cursor (+0xc00.., reads as zero, writes ignored), the PL111
 * watermark. LCDUPCURR/LCDLPCURR read as the frame's start address.
 */
#include "devices/pl110.h"

#include <stdlib.h>
#include <string.h>

#include "base/trace.h"
#include "devices/machine_snapshot.h"

/* Register offsets common to every variant (PL110 TRM table 3-1). */
#define LCD_TIMING0    0x000
#define LCD_TIMING1    0x004
#define LCD_TIMING2    0x008
#define LCD_TIMING3    0x00c
#define LCD_UPBASE     0x010
#define LCD_LPBASE     0x014
/* PL111 order, also the Versatile PL110's (PL111 TRM table 3-1). */
#define PL111_CONTROL  0x018
#define PL111_IMSC     0x01c
#define PL111_RIS      0x020  /* RO */
#define PL111_MIS      0x024  /* RO */
#define PL111_ICR      0x028  /* WO */
#define PL111_UPCURR   0x02c  /* RO */
#define PL111_LPCURR   0x030  /* RO */
/* Plain PL110 order. */
#define PL110_IMSC     0x018  /* LCDINTRENABLE */
#define PL110_CONTROL  0x01c
#define PL110_STATUS   0x020  /* raw status; write 1 to clear */
#define PL110_MIS      0x024  /* RO: LCDInterrupt */
#define PL110_UPCURR   0x028  /* RO */
#define PL110_LPCURR   0x02c  /* RO */
#define LCD_PALETTE    0x200  /* ..0x3fc */
#define LCD_PALETTE_END (LCD_PALETTE + 4 * PL110_PALETTE_WORDS)
#define PL111_CURSOR   0xc00  /* ..0xc2c, not modelled */
#define PL111_CURSOR_END 0xc30

/* LCDTiming0/1 (TRM 3.3.1-3.3.2): only the active size matters here. */
#define TIM0_PPL_SHIFT 2
#define TIM0_PPL_MASK  0x3fu
#define TIM1_LPP_MASK  0x3ffu

/* LCDControl (TRM 3.3.6). */
#define CNTL_LCDEN      (1u << 0)
#define CNTL_BPP_SHIFT  1
#define CNTL_BPP_MASK   (7u << CNTL_BPP_SHIFT)
#define CNTL_LCDBW      (1u << 4)
#define CNTL_LCDTFT     (1u << 5)
#define CNTL_LCDMONO8   (1u << 6)
#define CNTL_LCDDUAL    (1u << 7)
#define CNTL_BGR        (1u << 8)
#define CNTL_BEBO       (1u << 9)
#define CNTL_BEPO       (1u << 10)
#define CNTL_LCDPWR     (1u << 11)
#define CNTL_VCOMP_SHIFT 12
#define CNTL_VCOMP_MASK (3u << CNTL_VCOMP_SHIFT)
#define CNTL_PL110_MASK 0x3fffu
#define CNTL_PL111_MASK 0x13fffu   /* + WATERMARK, bit 16 */

/* LcdBpp encodings. */
enum {
    BPP_1, BPP_2, BPP_4, BPP_8, BPP_16, BPP_24, BPP_16_565, BPP_12_444,
};

/* Interrupt bits, the same in IMSC/RIS/MIS/ICR (TRM 3.3.7-3.3.10). */
#define INT_FUF     (1u << 1)
#define INT_LNBU    (1u << 2)
#define INT_VCOMP   (1u << 3)
#define INT_MBERROR (1u << 4)
#define INT_MASK    (INT_FUF | INT_LNBU | INT_VCOMP | INT_MBERROR)
#define INT_FRAME   (INT_LNBU | INT_VCOMP)

/* Base addresses are word aligned (bits 1:0 read as zero). */
#define BASE_MASK 0xfffffffcu

#define FRAME_HZ 60u

/* CLCDPeriphID0-3 (PL110 TRM 3.3.13, PL111 TRM 3.3.17: revision 2). */
static const uint8_t pl110_periph_id[4] = { 0x10, 0x11, 0x04, 0x00 };
static const uint8_t pl111_periph_id[4] = { 0x11, 0x11, 0x24, 0x00 };

/* Logical registers, so one switch serves both layouts. */
enum pl110_reg {
    REG_NONE, REG_TIMING, REG_UPBASE, REG_LPBASE, REG_CONTROL, REG_IMSC, REG_RIS, REG_MIS,
    REG_ICR, REG_UPCURR, REG_LPCURR, REG_PALETTE, REG_CURSOR,
};

static bool pl111_order(const struct pl110 *c)
{
    return c->variant != PL110_PLAIN;
}

static enum pl110_reg pl110_decode(const struct pl110 *c, uint32_t offset)
{
    if (offset & 3)
        return REG_NONE;
    if (offset <= LCD_TIMING3)
        return REG_TIMING;
    if (offset >= LCD_PALETTE && offset < LCD_PALETTE_END)
        return REG_PALETTE;
    if (c->variant == PL111 && offset >= PL111_CURSOR && offset < PL111_CURSOR_END)
        return REG_CURSOR;
    switch (offset) {
    case LCD_UPBASE: return REG_UPBASE;
    case LCD_LPBASE: return REG_LPBASE;
    default: break;
    }
    if (pl111_order(c)) {
        switch (offset) {
        case PL111_CONTROL: return REG_CONTROL;
        case PL111_IMSC: return REG_IMSC;
        case PL111_RIS: return REG_RIS;
        case PL111_MIS: return REG_MIS;
        case PL111_ICR: return REG_ICR;
        case PL111_UPCURR: return REG_UPCURR;
        case PL111_LPCURR: return REG_LPCURR;
        default: return REG_NONE;
        }
    }
    switch (offset) {
    case PL110_IMSC: return REG_IMSC;
    case PL110_CONTROL: return REG_CONTROL;
    case PL110_STATUS: return REG_RIS;
    case PL110_MIS: return REG_MIS;
    case PL110_UPCURR: return REG_UPCURR;
    case PL110_LPCURR: return REG_LPCURR;
    default: return REG_NONE;
    }
}

/* For tracing only. */
static const char *pl110_reg_name(const struct pl110 *c, uint32_t offset)
{
    static const char *const timing[4] = {
        "LCDTiming0", "LCDTiming1", "LCDTiming2", "LCDTiming3",
    };
    switch (pl110_decode(c, offset)) {
    case REG_TIMING: return timing[offset >> 2];
    case REG_UPBASE: return "LCDUPBASE";
    case REG_LPBASE: return "LCDLPBASE";
    case REG_CONTROL: return "LCDControl";
    case REG_IMSC: return pl111_order(c) ? "LCDIMSC" : "LCDINTRENABLE";
    case REG_RIS: return pl111_order(c) ? "LCDRIS" : "LCDStatus";
    case REG_MIS: return pl111_order(c) ? "LCDMIS" : "LCDInterrupt";
    case REG_ICR: return "LCDICR";
    case REG_UPCURR: return "LCDUPCURR";
    case REG_LPCURR: return "LCDLPCURR";
    case REG_PALETTE: return "LCDPalette";
    case REG_CURSOR: return "ClcdCrsr";
    case REG_NONE:
    default: return NULL;
    }
}

static bool pl110_enabled(const struct pl110 *c)
{
    return c->control & CNTL_LCDEN;
}

bool pl110_display_on(const struct pl110 *c)
{
    return (c->control & (CNTL_LCDEN | CNTL_LCDPWR)) == (CNTL_LCDEN | CNTL_LCDPWR);
}

/* Recomputes CLCDINTR from RIS & IMSC; the only place it changes. */
static void pl110_update_irq(struct pl110 *c)
{
    int level = (c->ris & c->imsc) != 0;
    if (level != c->irq_level) {
        c->irq_level = level;
        trace_printf(c->dev.trace, TRACE_IRQ, "%s: CLCDINTR %d", c->dev.name, level);
        irq_set(&c->irq, level);
    }
}

/* Raises the frame interrupts for every frame start that has passed. */
static void pl110_catch_up(struct pl110 *c)
{
    if (!pl110_enabled(c))
        return;
    uint64_t now = vclock_now_ns(c->dev.clock);
    uint64_t frames = now > c->frame_origin_ns ? (now - c->frame_origin_ns) / c->frame_period_ns
                                               : 0;
    if (frames > c->frames_seen) {
        c->frames_seen = frames;
        c->ris |= INT_FRAME;
    }
}

/* Arms the event for the next frame start only if it could raise the output. */
static void pl110_schedule(struct pl110 *c)
{
    struct vclock *clock = c->dev.clock;
    if (!pl110_enabled(c) || !(c->imsc & ~c->ris & INT_FRAME)) {
        vclock_cancel(clock, &c->frame);
        return;
    }
    vclock_arm_ns(clock, &c->frame,
                  c->frame_origin_ns + (c->frames_seen + 1) * c->frame_period_ns);
}

static void pl110_frame_event(void *opaque)
{
    struct pl110 *c = opaque;
    pl110_catch_up(c);
    pl110_update_irq(c);
    pl110_schedule(c);
}

static void pl110_write_control(struct pl110 *c, uint32_t value)
{
    uint32_t mask = c->variant == PL111 ? CNTL_PL111_MASK : CNTL_PL110_MASK;
    bool was_enabled = pl110_enabled(c);
    c->control = value & mask;
    if (pl110_enabled(c) && !was_enabled) {
        c->frame_origin_ns = vclock_now_ns(c->dev.clock);
        c->frames_seen = 0;
    }
    unsigned bpp = (c->control & CNTL_BPP_MASK) >> CNTL_BPP_SHIFT;
    if (c->variant != PL111 && bpp > BPP_24)
        device_guest_error(&c->dev, "LCDControl LcdBpp %u is reserved on the PL110", bpp);
}

static uint32_t pl110_read(struct pl110 *c, uint32_t offset)
{
    uint32_t value;
    if (primecell_id_read(c->variant == PL111 ? pl111_periph_id : pl110_periph_id, offset,
                          &value))
        return value;
    switch (pl110_decode(c, offset)) {
    case REG_TIMING:
        return c->timing[offset >> 2];
    case REG_UPBASE:
    case REG_UPCURR:
        return c->upbase;
    case REG_LPBASE:
    case REG_LPCURR:
        return c->lpbase;
    case REG_CONTROL:
        return c->control;
    case REG_IMSC:
        return c->imsc;
    case REG_RIS:
        pl110_catch_up(c);
        pl110_update_irq(c);
        return c->ris;
    case REG_MIS:
        pl110_catch_up(c);
        pl110_update_irq(c);
        return c->ris & c->imsc;
    case REG_PALETTE:
        return c->palette[(offset - LCD_PALETTE) >> 2];
    case REG_CURSOR:
        trace_printf(c->dev.trace, TRACE_UNIMP, "%s: hardware cursor +0x%03x not modelled",
                     c->dev.name, offset);
        return 0;
    case REG_ICR:
        device_guest_error(&c->dev, "read of write-only LCDICR");
        return 0;
    case REG_NONE:
    default:
        device_guest_error(&c->dev, "read of unknown register +0x%03x", offset);
        return 0;
    }
}

static void pl110_write(struct pl110 *c, uint32_t offset, uint32_t value)
{
    pl110_catch_up(c);
    switch (pl110_decode(c, offset)) {
    case REG_TIMING:
        c->timing[offset >> 2] = value;
        return;
    case REG_UPBASE:
        c->upbase = value & BASE_MASK;
        return;
    case REG_LPBASE:
        c->lpbase = value & BASE_MASK;
        return;
    case REG_PALETTE:
        c->palette[(offset - LCD_PALETTE) >> 2] = value;
        return;
    case REG_CONTROL:
        pl110_write_control(c, value);
        break;
    case REG_IMSC:
        c->imsc = value & INT_MASK;
        break;
    case REG_ICR:
        c->ris &= ~value;
        break;
    case REG_RIS:
        if (pl111_order(c)) {
            device_guest_error(&c->dev, "write 0x%x to read-only LCDRIS", value);
            return;
        }
        c->ris &= ~value;   /* PL110 LCDStatus: write 1 to clear */
        break;
    case REG_MIS:
    case REG_UPCURR:
    case REG_LPCURR:
        device_guest_error(&c->dev, "write 0x%x to read-only %s", value,
                           pl110_reg_name(c, offset));
        return;
    case REG_CURSOR:
        trace_printf(c->dev.trace, TRACE_UNIMP, "%s: hardware cursor +0x%03x = 0x%x ignored",
                     c->dev.name, offset, value);
        return;
    case REG_NONE:
    default:
        device_guest_error(&c->dev, "write 0x%x to unknown register +0x%03x", value, offset);
        return;
    }
    pl110_update_irq(c);
    pl110_schedule(c);
}

static uint32_t pl110_mmio_read(void *opaque, uint32_t offset, unsigned size)
{
    struct pl110 *c = opaque;
    uint32_t value = pl110_read(c, offset & ~3u);
    if (size < 4)
        value = (value >> ((offset & 3) * 8)) & ((1u << (size * 8)) - 1);
    device_trace_access(&c->dev, "read", offset, pl110_reg_name(c, offset), value, size);
    return value;
}

static void pl110_mmio_write(void *opaque, uint32_t offset, uint32_t value, unsigned size)
{
    struct pl110 *c = opaque;
    device_trace_access(&c->dev, "write", offset, pl110_reg_name(c, offset), value, size);
    if (size < 4) {
        /* Only the palette has a use for narrow writes (halfword entries). */
        uint32_t word = offset & ~3u;
        if (pl110_decode(c, word) != REG_PALETTE) {
            device_guest_error(&c->dev, "%u-byte write 0x%x to +0x%03x", size, value, offset);
            return;
        }
        unsigned shift = (offset & 3) * 8;
        uint32_t mask = ((1u << (size * 8)) - 1) << shift;
        uint32_t *entry = &c->palette[(word - LCD_PALETTE) >> 2];
        *entry = (*entry & ~mask) | ((value << shift) & mask);
        return;
    }
    pl110_write(c, offset, value);
}

static const struct mmio_ops pl110_mmio_ops = {
    .read = pl110_mmio_read,
    .write = pl110_mmio_write,
};

void pl110_set_mux(struct pl110 *c, unsigned mux)
{
    c->mux = mux & 3;
}

static void pl110_mux_set(void *opaque, unsigned line, int level)
{
    (void)line;
    pl110_set_mux(opaque, (unsigned)level);
}

struct irq_line pl110_mux_input(struct pl110 *c)
{
    return irq_line_make(pl110_mux_set, c, 0);
}

/* ---- scan-out ---- */

static uint32_t expand5(uint32_t v)
{
    return (v << 3) | (v >> 2);
}

static uint32_t expand6(uint32_t v)
{
    return (v << 2) | (v >> 4);
}

static uint32_t expand4(uint32_t v)
{
    return (v << 4) | v;
}

static uint32_t xrgb(uint32_t r, uint32_t g, uint32_t b, bool swap)
{
    return swap ? (b << 16) | (g << 8) | r : (r << 16) | (g << 8) | b;
}

/* How one frame is laid out in memory and decoded. */
struct scan_format {
    unsigned mode;          /* LcdBpp, with the Versatile mux folded in */
    unsigned bits;          /* per pixel in memory */
    bool swap;              /* red and blue exchanged (BGR) */
    bool mux_565;           /* Versatile 16 bpp through the 5:6:5 mux */
    uint32_t lut[256];      /* palette modes */
};

static void pl110_scan_format(const struct pl110 *c, struct scan_format *f)
{
    static const unsigned bits[8] = { 1, 2, 4, 8, 16, 32, 16, 16 };
    f->mode = (c->control & CNTL_BPP_MASK) >> CNTL_BPP_SHIFT;
    f->bits = bits[f->mode];
    f->swap = (c->control & CNTL_BGR) != 0;
    f->mux_565 = false;
    if (c->variant == PL110_VERSATILE && f->mode == BPP_16 && c->mux != PL110_MUX_5551) {
        f->mux_565 = true;
        if (c->mux == PL110_MUX_565_B_LSB)
            f->swap = !f->swap;
    }
    if (f->mode > BPP_8)
        return;
    /* Palette entries: I:B[14:10]:G[9:5]:R[4:0] (TRM 3.3.12). */
    bool mono = (c->control & (CNTL_LCDBW | CNTL_LCDTFT)) == CNTL_LCDBW;
    unsigned entries = 1u << f->bits;
    for (unsigned i = 0; i < entries; i++) {
        uint32_t e = (c->palette[i >> 1] >> ((i & 1) * 16)) & 0xffff;
        if (mono) {
            uint32_t grey = expand4((e >> 1) & 0xf);
            f->lut[i] = (grey << 16) | (grey << 8) | grey;
        } else {
            f->lut[i] = xrgb(expand5(e & 0x1f), expand5((e >> 5) & 0x1f),
                             expand5((e >> 10) & 0x1f), f->swap);
        }
    }
}

static uint32_t load_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
           ((uint32_t)p[3] << 24);
}

static uint32_t pixel_to_xrgb(const struct scan_format *f, uint32_t v)
{
    switch (f->mode) {
    case BPP_1:
    case BPP_2:
    case BPP_4:
    case BPP_8:
        return f->lut[v & 0xff];
    case BPP_16:
        if (f->mux_565)
            return xrgb(expand5(v & 0x1f), expand6((v >> 5) & 0x3f), expand5((v >> 11) & 0x1f),
                        f->swap);
        return xrgb(expand5(v & 0x1f), expand5((v >> 5) & 0x1f), expand5((v >> 10) & 0x1f),
                    f->swap);
    case BPP_24:
        return xrgb(v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, f->swap);
    case BPP_16_565:
        return xrgb(expand5(v & 0x1f), expand6((v >> 5) & 0x3f), expand5((v >> 11) & 0x1f),
                    f->swap);
    case BPP_12_444:
    default:
        return xrgb(expand4(v & 0xf), expand4((v >> 4) & 0xf), expand4((v >> 8) & 0xf),
                    f->swap);
    }
}

/*
 * The formats Linux uses, without the per-pixel format switch: the
 * display frontend converts a whole 800x600 frame 60 times a second.
 * Lines are whole multiples of 16 pixels (PPL counts in 16s), so they go
 * in fixed chunks the compiler turns into vector code. swap set: red in
 * the high field (Linux's RGB565 through mux 3, and XRGB8888).
 */
#define SCAN_CHUNK 16

static void load_le16_chunk(uint16_t px[SCAN_CHUNK], const uint8_t *src)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    memcpy(px, src, SCAN_CHUNK * sizeof(px[0]));
#else
    for (unsigned i = 0; i < SCAN_CHUNK; i++)
        px[i] = (uint16_t)(src[2 * i] | (src[2 * i + 1] << 8));
#endif
}

static void load_le32_chunk(uint32_t px[SCAN_CHUNK], const uint8_t *src)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    memcpy(px, src, SCAN_CHUNK * sizeof(px[0]));
#else
    for (unsigned i = 0; i < SCAN_CHUNK; i++)
        px[i] = load_le32(src + 4 * i);
#endif
}

static void scan_line_565(const uint8_t *src, unsigned width, bool swap, uint32_t *out)
{
    unsigned hi_shift = swap ? 16 : 0, lo_shift = swap ? 0 : 16;
    /* Pointers, not out[base + i]: a 32-bit index could wrap, which stops
     * the vectorizer. */
    for (const uint32_t *end = out + width; out < end; out += SCAN_CHUNK, src += 2 * SCAN_CHUNK) {
        uint16_t px[SCAN_CHUNK];
        load_le16_chunk(px, src);
        for (size_t i = 0; i < SCAN_CHUNK; i++) {
            uint32_t v = px[i];
            uint32_t lo = v & 0x1f, mid = (v >> 5) & 0x3f, hi = v >> 11;
            lo = (lo << 3) | (lo >> 2);
            mid = (mid << 2) | (mid >> 4);
            hi = (hi << 3) | (hi >> 2);
            out[i] = (hi << hi_shift) | (mid << 8) | (lo << lo_shift);
        }
    }
}

static void scan_line_888(const uint8_t *src, unsigned width, bool swap, uint32_t *out)
{
    unsigned hi_shift = swap ? 16 : 0, lo_shift = swap ? 0 : 16;
    for (const uint32_t *end = out + width; out < end; out += SCAN_CHUNK, src += 4 * SCAN_CHUNK) {
        uint32_t px[SCAN_CHUNK];
        load_le32_chunk(px, src);
        for (size_t i = 0; i < SCAN_CHUNK; i++) {
            uint32_t v = px[i];
            out[i] = (((v >> 16) & 0xff) << hi_shift) | (v & 0xff00) | ((v & 0xff) << lo_shift);
        }
    }
}

/*
 * One line of width pixels from src (at least ceil(width * bits / 32)
 * words). Pixel i occupies bits [p, p + bits) of the little-endian
 * stream in LBLP order; BEBO reads big-endian words with the first pixel
 * at the top, BEPO puts the first pixel of each byte at its top.
 */
static void scan_line(const struct pl110 *c, const struct scan_format *f, const uint8_t *src,
                      unsigned width, uint32_t *out)
{
    unsigned bits = f->bits;
    uint32_t mask = bits == 32 ? 0xffffffffu : (1u << bits) - 1;
    bool bebo = c->control & CNTL_BEBO;
    bool bepo = (c->control & CNTL_BEPO) && bits < 8;

    if (!bebo && !bepo && (f->mux_565 || f->mode == BPP_16_565)) {
        scan_line_565(src, width, f->swap, out);
        return;
    }
    if (!bebo && !bepo && f->mode == BPP_24) {
        scan_line_888(src, width, f->swap, out);
        return;
    }
    if (!bebo && !bepo && bits == 16) {
        for (unsigned x = 0; x < width; x++)
            out[x] = pixel_to_xrgb(f, (uint32_t)src[2 * x] | ((uint32_t)src[2 * x + 1] << 8));
        return;
    }
    for (unsigned x = 0; x < width; x++) {
        unsigned p = x * bits;
        uint32_t word = load_le32(src + (p / 32) * 4);
        unsigned in_word = p % 32;
        unsigned shift;
        if (bebo) {
            word = __builtin_bswap32(word);
            shift = 32 - bits - in_word;
        } else if (bepo) {
            shift = (in_word & ~7u) + (8 - bits - (in_word & 7));
        } else {
            shift = in_word;
        }
        out[x] = pixel_to_xrgb(f, (word >> shift) & mask);
    }
}

/* count lines of one panel, read from base, into out. */
static void scan_panel(struct pl110 *c, const struct scan_format *f, uint32_t base,
                       unsigned width, unsigned count, uint32_t *out)
{
    uint32_t stride = width * f->bits / 8;
    uint32_t fetch = (width * f->bits + 31) / 32 * 4;
    uint8_t line[PL110_MAX_WIDTH * 4];
    for (unsigned y = 0; y < count; y++) {
        uint64_t pa = (uint64_t)base + (uint64_t)y * stride;
        const uint8_t *src = aspace_host_ptr(c->as, pa, fetch);
        if (!src) {
            /* Straddles a region boundary or leaves RAM: copy what is there. */
            memset(line, 0, fetch);
            if (aspace_read_bytes(c->as, pa, line, fetch) < 0 &&
                aspace_read_bytes(c->as, pa, line, stride) < 0) {
                memset(out + (size_t)y * width, 0, width * sizeof(*out));
                continue;
            }
            src = line;
        }
        scan_line(c, f, src, width, out + (size_t)y * width);
    }
}

static void pl110_geometry(const struct pl110 *c, unsigned *width, unsigned *lines,
                           unsigned *panels)
{
    *width = (((c->timing[0] >> TIM0_PPL_SHIFT) & TIM0_PPL_MASK) + 1) * 16;
    *lines = (c->timing[1] & TIM1_LPP_MASK) + 1;
    *panels = (c->control & CNTL_LCDDUAL) ? 2 : 1;
}

int pl110_render(struct pl110 *c, uint32_t *xrgb_out, unsigned *width, unsigned *height)
{
    unsigned w, lines, panels;
    if (!c->timing[0] && !c->timing[1] && !pl110_enabled(c)) {
        *width = *height = 0;       /* never programmed */
        return 0;
    }
    pl110_geometry(c, &w, &lines, &panels);
    *width = w;
    *height = lines * panels;
    if (!pl110_display_on(c)) {
        memset(xrgb_out, 0, (size_t)w * lines * panels * sizeof(*xrgb_out));
        return 0;
    }
    struct scan_format f;
    pl110_scan_format(c, &f);
    scan_panel(c, &f, c->upbase, w, lines, xrgb_out);
    if (panels == 2)
        scan_panel(c, &f, c->lpbase, w, lines, xrgb_out + (size_t)w * lines);
    c->frames_rendered++;
    return 1;
}

/* ---- device ---- */

static void pl110_reset(struct device *dev)
{
    struct pl110 *c = (struct pl110 *)dev;
    vclock_cancel(dev->clock, &c->frame);
    memset(c->timing, 0, sizeof(c->timing));
    c->upbase = c->lpbase = 0;
    c->control = 0;
    c->imsc = 0;
    c->ris = 0;
    memset(c->palette, 0, sizeof(c->palette));
    c->frames_seen = 0;
    c->frame_origin_ns = vclock_now_ns(dev->clock);
    pl110_update_irq(c);
}

static const char *pl110_mode_name(const struct pl110 *c)
{
    static const char *const names[8] = {
        "1 bpp", "2 bpp", "4 bpp", "8 bpp", "16 bpp", "24 bpp", "16 bpp 5:6:5", "12 bpp 4:4:4",
    };
    return names[(c->control & CNTL_BPP_MASK) >> CNTL_BPP_SHIFT];
}

static void pl110_dump(struct device *dev, FILE *out)
{
    struct pl110 *c = (struct pl110 *)dev;
    static const char *const variant[] = { "pl110", "pl110 versatile", "pl111" };
    static const char *const mux[] = { "8:8:8", "5:5:5", "5:6:5 red-LSB", "5:6:5 blue-LSB" };
    unsigned w, lines, panels;
    pl110_geometry(c, &w, &lines, &panels);
    fprintf(out, "%s (%s) @ 0x%08llx: CLCDINTR %d, display %s\n", dev->name,
            variant[c->variant], (unsigned long long)dev->base, c->irq_level,
            pl110_display_on(c) ? "on" : pl110_enabled(c) ? "enabled, powered down" : "off");
    fprintf(out, "  LCDTiming0 0x%08x  LCDTiming1 0x%08x  LCDTiming2 0x%08x  LCDTiming3 0x%08x\n",
            c->timing[0], c->timing[1], c->timing[2], c->timing[3]);
    fprintf(out, "  LCDUPBASE  0x%08x  LCDLPBASE  0x%08x\n", c->upbase, c->lpbase);
    fprintf(out, "  LCDControl 0x%08x (%s%s%s%s%s%s)\n", c->control, pl110_mode_name(c),
            (c->control & CNTL_LCDTFT) ? ", TFT" : ", STN",
            (c->control & CNTL_LCDDUAL) ? ", dual panel" : "",
            (c->control & CNTL_BGR) ? ", BGR" : "", (c->control & CNTL_BEBO) ? ", BEBO" : "",
            (c->control & CNTL_BEPO) ? ", BEPO" : "");
    fprintf(out, "  LCDIMSC 0x%02x  LCDRIS 0x%02x  LCDMIS 0x%02x\n", c->imsc, c->ris,
            c->ris & c->imsc);
    fprintf(out, "  frame %ux%u, %llu frames since enable, %llu rendered", w, lines * panels,
            (unsigned long long)c->frames_seen, (unsigned long long)c->frames_rendered);
    if (c->variant == PL110_VERSATILE)
        fprintf(out, ", SYS_CLCD mux %u (%s)", c->mux, mux[c->mux]);
    fputc('\n', out);
}

static void pl110_destroy(struct device *dev)
{
    struct pl110 *c = (struct pl110 *)dev;
    vclock_cancel(dev->clock, &c->frame);
    free(c);
}

/* savevm/loadvm: timing, base, control and interrupt registers, palette, frame clock. */
static int pl110_snapshot(struct device *dev, struct snapshot_io *io)
{
    struct pl110 *clcd = (struct pl110 *)dev;
    struct pl110 *s = snapshot_stage(io, clcd, sizeof(*clcd));
    if (!s)
        return -1;
    snap_level(io, "CLCDINTR", &s->irq_level);
    snap_event(io, &s->frame);
    snap_u32_array(io, s->timing, 4);
    uint32_t *regs[] = { &s->upbase, &s->lpbase, &s->control, &s->imsc, &s->ris };
    for (size_t i = 0; i < sizeof(regs) / sizeof(regs[0]); i++)
        snap_u32(io, regs[i]);
    snap_u32_array(io, s->palette, PL110_PALETTE_WORDS);
    snap_u32_max(io, "SYS_CLCD mux", &s->mux, PL110_MUX_565_B_LSB);
    snap_u64(io, &s->frame_origin_ns);
    snap_u64(io, &s->frames_seen);
    snap_u64(io, &s->frame_period_ns);
    snap_u64(io, &s->frames_rendered);
    if (!snapshot_saving(io) && s->frame_period_ns == 0)
        snap_fail(io, "frame period of 0 ns");
    return snapshot_unstage(io, clcd, s);
}

struct pl110 *pl110_create(const char *name, uint64_t base, enum pl110_variant variant,
                           struct irq_line irq, struct aspace *as, struct vclock *clock,
                           struct trace *trace)
{
    struct pl110 *c = calloc(1, sizeof(*c));
    if (!c)
        return NULL;
    c->dev.name = name;
    c->dev.type = variant == PL111 ? "pl111" : "pl110";
    c->dev.base = base;
    c->dev.size = 0x1000;
    c->dev.ops = &pl110_mmio_ops;
    c->dev.reset = pl110_reset;
    c->dev.dump = pl110_dump;
    c->dev.destroy = pl110_destroy;
    c->dev.snapshot = pl110_snapshot;
    c->dev.trace = trace;
    c->dev.clock = clock;
    c->variant = variant;
    c->irq = irq;
    c->as = as;
    c->frame_period_ns = (1000000000ull + FRAME_HZ / 2) / FRAME_HZ;
    clock_event_init(&c->frame, name, pl110_frame_event, c);
    pl110_reset(&c->dev);
    return c;
}
