/*
 * ARM PrimeCell PL110/PL111 Colour LCD Controller (CLCD): timing and
 * control registers, a 256-entry palette, and a DMA engine that scans the
 * framebuffer out of guest RAM. Here the scan-out is pl110_render(), which
 * the display frontend and screendump call; registers and behaviour in
 * pl110.c.
 */
#ifndef DEVICES_PL110_H
#define DEVICES_PL110_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/clock.h"
#include "devices/device.h"
#include "devices/irq.h"
#include "mmu/aspace.h"

/*
 * Register layouts. The Versatile PB carries a PL110 whose control and
 * interrupt-mask registers already sit where the PL111 has them (control
 * +0x18, IMSC +0x1c, RIS +0x20, MIS +0x24, ICR +0x28); Linux's pl111 DRM
 * driver calls it "PL110 Versatile".
 */
enum pl110_variant {
    PL110_PLAIN,        /* PL110 r0: IMSC +0x18, control +0x1c */
    PL110_VERSATILE,    /* PL110 with the PL111 register order; SYS_CLCD 16-bit mux */
    PL111,              /* PL111: adds 5:6:5 and 4:4:4 modes (no hardware cursor here) */
};

/* The largest frame the timing registers can describe (PPL 6 bits, LPP 10 bits). */
#define PL110_MAX_WIDTH 1024u
#define PL110_MAX_HEIGHT 2048u   /* dual panel: twice 1024 lines */
#define PL110_PALETTE_WORDS 128u

/* Versatile SYS_CLCD[1:0]: how the board's PLD rewires 16 bpp pixels. */
enum pl110_mux {
    PL110_MUX_888 = 0,          /* no 16 bpp rewiring (treated as 5:6:5, as QEMU) */
    PL110_MUX_5551 = 1,         /* controller-native 1:5:5:5 */
    PL110_MUX_565_R_LSB = 2,    /* 5:6:5, red in bits 4:0 */
    PL110_MUX_565_B_LSB = 3,    /* 5:6:5, blue in bits 4:0 (Linux's RGB565) */
};

struct pl110 {
    struct device dev;
    enum pl110_variant variant;
    struct irq_line irq;        /* CLCDINTR: the OR of the masked interrupts */
    int irq_level;
    struct aspace *as;          /* where the framebuffer DMA reads from */
    struct clock_event frame;   /* next frame boundary that can raise an interrupt */

    uint32_t timing[4];         /* LCDTiming0-3 */
    uint32_t upbase;            /* LCDUPBASE */
    uint32_t lpbase;            /* LCDLPBASE */
    uint32_t control;           /* LCDControl */
    uint32_t imsc;              /* LCDIMSC (PL110: LCDINTRENABLE) */
    uint32_t ris;               /* LCDRIS (PL110: LCDStatus) */
    uint32_t palette[PL110_PALETTE_WORDS];
    unsigned mux;               /* enum pl110_mux, from the Versatile system registers */

    /*
     * Frames are counted from frame_origin_ns, the time LcdEn was set; the
     * interrupt bits of frame n are raised at frame_origin_ns + n * period
     * (frames_seen is the last n whose bits are in ris).
     */
    uint64_t frame_origin_ns;
    uint64_t frames_seen;
    uint64_t frame_period_ns;

    uint64_t frames_rendered;   /* for `devices` */
};

/*
 * as: the address space the framebuffer lives in (the board's). irq goes
 * to VIC 16 on the Versatile PB.
 */
struct pl110 *pl110_create(const char *name, uint64_t base, enum pl110_variant variant,
                           struct irq_line irq, struct aspace *as, struct vclock *clock,
                           struct trace *trace);

/*
 * The SYS_CLCD[1:0] format mux as an input wire: the level is the 2-bit
 * mux value (enum pl110_mux). For versatile_sysregs.clcd_mux.
 */
struct irq_line pl110_mux_input(struct pl110 *clcd);
void pl110_set_mux(struct pl110 *clcd, unsigned mux);

/*
 * Scans the current frame out of guest RAM into xrgb_out as 0x00RRGGBB,
 * row-major with no padding. xrgb_out must hold PL110_MAX_WIDTH *
 * PL110_MAX_HEIGHT pixels. *width and *height receive the frame size from
 * the timing registers. Returns 1 when the panel is on (LcdEn and LcdPwr)
 * and a frame was produced, 0 when it is off (the frame is black, of the
 * programmed size, or 0 x 0 when never programmed). Parts of the
 * framebuffer outside RAM read as black.
 */
int pl110_render(struct pl110 *clcd, uint32_t *xrgb_out, unsigned *width, unsigned *height);

/* True when LcdEn and LcdPwr are both set. */
bool pl110_display_on(const struct pl110 *clcd);

#endif
