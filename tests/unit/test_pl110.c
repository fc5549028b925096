/*
 * PL110 CLCD (devices/pl110.c), driven through its MMIO ops with RAM in an
 * address space and a virtual clock advanced by hand (1 instruction =
 * 1 ns). The registers are programmed the way Linux's pl111 DRM driver
 * does on the Versatile PB (800x600, RGB565 through the SYS_CLCD mux 3,
 * Versatile register order), known pixels are put in RAM and the rendered
 * frame is compared pixel by pixel; then every other pixel format, the
 * byte/pixel orders, dual panel, a framebuffer leaving RAM, the plain
 * PL110 register order, and the frame interrupt (LNBU after one frame of
 * virtual time, cleared by ICR, masked by IMSC). A wrong bit here is a
 * guest screen with swapped colours, garbage, or a DRM driver whose
 * vblank wait times out.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "devices/clock.h"
#include "devices/pl110.h"
#include "mmu/aspace.h"

#define RAM_SIZE (8u << 20)
#define FB_BASE 0x00100000u
#define FRAME_NS 16666667u      /* 1/60 s */

/* Register offsets as Linux's clcd-regs.h names them. */
#define TIM0 0x00
#define TIM1 0x04
#define TIM2 0x08
#define TIM3 0x0c
#define UBAS 0x10
#define LBAS 0x14
#define PL111_CNTL 0x18
#define PL111_IENB 0x1c
#define PL111_RIS 0x20
#define PL111_MIS 0x24
#define PL111_ICR 0x28
#define PL110_IENB 0x18
#define PL110_CNTL 0x1c
#define PL110_STAT 0x20
#define PALETTE 0x200

#define CNTL_LCDEN (1u << 0)
#define CNTL_BPP(n) ((unsigned)(n) << 1)
#define CNTL_LCDBW (1u << 4)
#define CNTL_LCDTFT (1u << 5)
#define CNTL_LCDDUAL (1u << 7)
#define CNTL_BGR (1u << 8)
#define CNTL_BEBO (1u << 9)
#define CNTL_BEPO (1u << 10)
#define CNTL_LCDPWR (1u << 11)
#define CNTL_VCOMP(n) ((unsigned)(n) << 12)
#define BPP1 0
#define BPP4 2
#define BPP8 3
#define BPP16 4
#define BPP24 5
#define BPP16_565 6
#define BPP12_444 7
#define IRQ_LNBU (1u << 2)
#define IRQ_VCOMP (1u << 3)

struct env {
    struct aspace as;
    struct vclock clock;
    uint64_t icount;
    int irq_level;
    unsigned irq_changes;
    struct pl110 *clcd;
    uint32_t *frame;
};

static void irq_probe(void *opaque, unsigned line, int level)
{
    struct env *e = opaque;
    (void)line;
    e->irq_level = level;
    e->irq_changes++;
}

static struct env *env_new(enum pl110_variant variant)
{
    struct env *e = calloc(1, sizeof(*e));
    ck_assert_ptr_nonnull(e);
    ck_assert_int_eq(aspace_init(&e->as, NULL), 0);
    ck_assert_int_eq(aspace_add_ram(&e->as, 0, RAM_SIZE, "ram"), 0);
    vclock_init(&e->clock, 1000);
    vclock_attach_counter(&e->clock, &e->icount, NULL);
    e->clcd = pl110_create("clcd", 0x10120000, variant, irq_line_make(irq_probe, e, 16),
                           &e->as, &e->clock, NULL);
    ck_assert_ptr_nonnull(e->clcd);
    ck_assert_int_eq(aspace_add_mmio(&e->as, 0x10120000, 0x1000, e->clcd->dev.ops, e->clcd,
                                     "clcd"), 0);
    e->frame = calloc((size_t)PL110_MAX_WIDTH * PL110_MAX_HEIGHT, sizeof(uint32_t));
    ck_assert_ptr_nonnull(e->frame);
    return e;
}

static void env_free(struct env *e)
{
    e->clcd->dev.destroy(&e->clcd->dev);
    aspace_destroy(&e->as);
    free(e->frame);
    free(e);
}

static uint32_t rd(struct env *e, uint32_t offset)
{
    return e->clcd->dev.ops->read(e->clcd, offset, 4);
}

static void wr(struct env *e, uint32_t offset, uint32_t value)
{
    e->clcd->dev.ops->write(e->clcd, offset, value, 4);
}

static void advance_ns(struct env *e, uint64_t ns)
{
    e->icount += ns;
    vclock_run_due(&e->clock);
}

static void poke16(struct env *e, uint32_t pa, uint16_t v)
{
    uint8_t b[2] = { (uint8_t)v, (uint8_t)(v >> 8) };
    ck_assert_int_eq(aspace_write_bytes(&e->as, pa, b, 2), 0);
}

static void poke32(struct env *e, uint32_t pa, uint32_t v)
{
    uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };
    ck_assert_int_eq(aspace_write_bytes(&e->as, pa, b, 4), 0);
}

static void poke8(struct env *e, uint32_t pa, uint8_t v)
{
    ck_assert_int_eq(aspace_write_bytes(&e->as, pa, &v, 1), 0);
}

/* The timing words pl111_display_enable() writes for a mode. */
static void program_timings(struct env *e, unsigned w, unsigned h)
{
    unsigned hsw = 128, hfp = 40, hbp = 88, vsw = 4, vfp = 1, vbp = 23;
    wr(e, TIM0, ((w / 16 - 1) << 2) | ((hsw - 1) << 8) | ((hfp - 1) << 16) | ((hbp - 1) << 24));
    wr(e, TIM1, (h - 1) | ((vsw - 1) << 10) | (vfp << 16) | (vbp << 24));
    wr(e, TIM2, (rd(e, TIM2) & 0x0400001fu) | ((w - 1) << 16));
    wr(e, TIM3, 0);
}

/* Linux on the Versatile PB: RGB565 = BPP16, BGR cleared, SYS_CLCD mux 3. */
static void linux_enable_rgb565(struct env *e, unsigned w, unsigned h)
{
    program_timings(e, w, h);
    wr(e, UBAS, FB_BASE);
    uint32_t cntl = CNTL_LCDEN | CNTL_LCDTFT | CNTL_VCOMP(1) | CNTL_BPP(BPP16);
    wr(e, PL111_CNTL, cntl);
    pl110_set_mux(e->clcd, PL110_MUX_565_B_LSB);
    wr(e, PL111_CNTL, cntl | CNTL_LCDPWR);
}

static int render(struct env *e, unsigned *w, unsigned *h)
{
    return pl110_render(e->clcd, e->frame, w, h);
}

START_TEST(test_ids)
{
    struct env *e = env_new(PL110_VERSATILE);
    static const uint32_t id[8] = { 0x10, 0x11, 0x04, 0x00, 0x0d, 0xf0, 0x05, 0xb1 };
    for (unsigned i = 0; i < 8; i++)
        ck_assert_uint_eq(rd(e, 0xfe0 + 4 * i), id[i]);
    env_free(e);

    e = env_new(PL111);
    ck_assert_uint_eq(rd(e, 0xfe0), 0x11);
    ck_assert_uint_eq(rd(e, 0xfe8), 0x24);
    env_free(e);
}
END_TEST

START_TEST(test_registers_read_back)
{
    struct env *e = env_new(PL110_VERSATILE);
    program_timings(e, 800, 600);
    ck_assert_uint_eq(rd(e, TIM0), (49u << 2) | (127u << 8) | (39u << 16) | (87u << 24));
    ck_assert_uint_eq(rd(e, TIM1), 599u | (3u << 10) | (1u << 16) | (23u << 24));
    ck_assert_uint_eq(rd(e, TIM2), 799u << 16);
    wr(e, UBAS, 0x00123457);
    ck_assert_uint_eq(rd(e, UBAS), 0x00123454);    /* word aligned */
    wr(e, PL111_CNTL, 0x1829);
    ck_assert_uint_eq(rd(e, PL111_CNTL), 0x1829);
    wr(e, PL111_IENB, 0xffffffff);
    ck_assert_uint_eq(rd(e, PL111_IENB), 0x1e);
    wr(e, PALETTE + 4, 0x7c001f);
    ck_assert_uint_eq(rd(e, PALETTE + 4), 0x7c001f);
    /* Halfword palette writes land in their half. */
    e->clcd->dev.ops->write(e->clcd, PALETTE + 6, 0x03e0, 2);
    ck_assert_uint_eq(rd(e, PALETTE + 4), 0x03e0001f);
    env_free(e);
}
END_TEST

START_TEST(test_linux_rgb565_800x600)
{
    struct env *e = env_new(PL110_VERSATILE);
    linux_enable_rgb565(e, 800, 600);
    poke16(e, FB_BASE + 0, 0xf800);                 /* red */
    poke16(e, FB_BASE + 2, 0x07e0);                 /* green */
    poke16(e, FB_BASE + 4, 0x001f);                 /* blue */
    poke16(e, FB_BASE + 6, 0x8410);                 /* grey: 10000 100000 10000 */
    poke16(e, FB_BASE + (599 * 800 + 799) * 2, 0xffff);
    poke16(e, FB_BASE + (300 * 800 + 17) * 2, 0x001f);
    unsigned w, h;
    ck_assert_int_eq(render(e, &w, &h), 1);
    ck_assert_uint_eq(w, 800);
    ck_assert_uint_eq(h, 600);
    ck_assert_uint_eq(e->frame[0], 0xff0000);
    ck_assert_uint_eq(e->frame[1], 0x00ff00);
    ck_assert_uint_eq(e->frame[2], 0x0000ff);
    ck_assert_uint_eq(e->frame[3], 0x848284);
    ck_assert_uint_eq(e->frame[4], 0x000000);
    ck_assert_uint_eq(e->frame[300 * 800 + 17], 0x0000ff);
    ck_assert_uint_eq(e->frame[599 * 800 + 799], 0xffffff);

    /* Mux 2 puts red in bits 4:0 instead; BGR swaps back. */
    pl110_set_mux(e->clcd, PL110_MUX_565_R_LSB);
    render(e, &w, &h);
    ck_assert_uint_eq(e->frame[0], 0x0000ff);
    ck_assert_uint_eq(e->frame[2], 0xff0000);
    wr(e, PL111_CNTL, rd(e, PL111_CNTL) | CNTL_BGR);
    render(e, &w, &h);
    ck_assert_uint_eq(e->frame[0], 0xff0000);

    /* The mux as the system registers drive it: a wire whose level is the value. */
    struct irq_line mux = pl110_mux_input(e->clcd);
    irq_set(&mux, PL110_MUX_5551);
    ck_assert_uint_eq(e->clcd->mux, PL110_MUX_5551);
    env_free(e);
}
END_TEST

START_TEST(test_5551_and_pl111_modes)
{
    struct env *e = env_new(PL110_VERSATILE);
    program_timings(e, 16, 2);
    wr(e, UBAS, FB_BASE);
    pl110_set_mux(e->clcd, PL110_MUX_5551);
    wr(e, PL111_CNTL, CNTL_LCDEN | CNTL_LCDTFT | CNTL_LCDPWR | CNTL_BPP(BPP16));
    poke16(e, FB_BASE, 0x001f);         /* bits 4:0 = red */
    poke16(e, FB_BASE + 2, 0x03e0);     /* 9:5 green */
    poke16(e, FB_BASE + 4, 0x7c00);     /* 14:10 blue */
    unsigned w, h;
    render(e, &w, &h);
    ck_assert_uint_eq(w, 16);
    ck_assert_uint_eq(h, 2);
    ck_assert_uint_eq(e->frame[0], 0xff0000);
    ck_assert_uint_eq(e->frame[1], 0x00ff00);
    ck_assert_uint_eq(e->frame[2], 0x0000ff);
    env_free(e);

    e = env_new(PL111);
    program_timings(e, 16, 1);
    wr(e, UBAS, FB_BASE);
    wr(e, PL111_CNTL, CNTL_LCDEN | CNTL_LCDTFT | CNTL_LCDPWR | CNTL_BPP(BPP16_565));
    poke16(e, FB_BASE, 0x001f);
    poke16(e, FB_BASE + 2, 0x07e0);
    render(e, &w, &h);
    ck_assert_uint_eq(e->frame[0], 0xff0000);
    ck_assert_uint_eq(e->frame[1], 0x00ff00);
    wr(e, PL111_CNTL, CNTL_LCDEN | CNTL_LCDTFT | CNTL_LCDPWR | CNTL_BPP(BPP12_444));
    poke16(e, FB_BASE, 0x0f00);
    poke16(e, FB_BASE + 2, 0x0080);
    render(e, &w, &h);
    ck_assert_uint_eq(e->frame[0], 0x0000ff);
    ck_assert_uint_eq(e->frame[1], 0x008800);
    env_free(e);
}
END_TEST

START_TEST(test_24bpp)
{
    struct env *e = env_new(PL110_VERSATILE);
    program_timings(e, 32, 4);
    wr(e, UBAS, FB_BASE);
    wr(e, PL111_CNTL, CNTL_LCDEN | CNTL_LCDTFT | CNTL_LCDPWR | CNTL_BPP(BPP24));
    poke32(e, FB_BASE, 0x000000ff);         /* red in the low byte */
    poke32(e, FB_BASE + 4, 0x0000ff00);
    poke32(e, FB_BASE + 8, 0xff123456);     /* top byte ignored */
    poke32(e, FB_BASE + (3 * 32 + 31) * 4, 0x00ffffff);
    unsigned w, h;
    ck_assert_int_eq(render(e, &w, &h), 1);
    ck_assert_uint_eq(e->frame[0], 0xff0000);
    ck_assert_uint_eq(e->frame[1], 0x00ff00);
    ck_assert_uint_eq(e->frame[2], 0x563412);
    ck_assert_uint_eq(e->frame[3 * 32 + 31], 0xffffff);
    wr(e, PL111_CNTL, rd(e, PL111_CNTL) | CNTL_BGR);   /* Linux's XRGB8888 */
    render(e, &w, &h);
    ck_assert_uint_eq(e->frame[0], 0x0000ff);
    ck_assert_uint_eq(e->frame[2], 0x123456);
    env_free(e);
}
END_TEST

START_TEST(test_palette_modes)
{
    struct env *e = env_new(PL110_VERSATILE);
    program_timings(e, 16, 2);
    wr(e, UBAS, FB_BASE);
    /* Entries 0..3: black, red, green, blue (I:B:G:R 1:5:5:5). */
    wr(e, PALETTE + 0, 0x001f0000);
    wr(e, PALETTE + 4, 0x7c0003e0);
    wr(e, PALETTE + 0x1fc, 0xffff0000);         /* entry 255: white */
    wr(e, PL111_CNTL, CNTL_LCDEN | CNTL_LCDTFT | CNTL_LCDPWR | CNTL_BPP(BPP8));
    poke8(e, FB_BASE + 0, 1);
    poke8(e, FB_BASE + 1, 2);
    poke8(e, FB_BASE + 2, 3);
    poke8(e, FB_BASE + 16 + 15, 255);
    unsigned w, h;
    render(e, &w, &h);
    ck_assert_uint_eq(e->frame[0], 0xff0000);
    ck_assert_uint_eq(e->frame[1], 0x00ff00);
    ck_assert_uint_eq(e->frame[2], 0x0000ff);
    ck_assert_uint_eq(e->frame[3], 0x000000);
    ck_assert_uint_eq(e->frame[31], 0xffffff);

    /* 4 bpp, LBLP: pixel 0 in bits 3:0 of byte 0. */
    wr(e, PL111_CNTL, CNTL_LCDEN | CNTL_LCDTFT | CNTL_LCDPWR | CNTL_BPP(BPP4));
    poke8(e, FB_BASE + 0, 0x21);
    poke8(e, FB_BASE + 1, 0x03);
    render(e, &w, &h);
    ck_assert_uint_eq(e->frame[0], 0xff0000);
    ck_assert_uint_eq(e->frame[1], 0x00ff00);
    ck_assert_uint_eq(e->frame[2], 0x0000ff);
    ck_assert_uint_eq(e->frame[3], 0x000000);
    /* LBBP (BEPO): pixel 0 in bits 7:4. */
    wr(e, PL111_CNTL, rd(e, PL111_CNTL) | CNTL_BEPO);
    render(e, &w, &h);
    ck_assert_uint_eq(e->frame[0], 0x00ff00);
    ck_assert_uint_eq(e->frame[1], 0xff0000);
    ck_assert_uint_eq(e->frame[2], 0x000000);
    ck_assert_uint_eq(e->frame[3], 0x0000ff);

    /* 1 bpp: 16 pixels per line = 2 bytes; line 1 starts at byte 2. */
    wr(e, PL111_CNTL, CNTL_LCDEN | CNTL_LCDTFT | CNTL_LCDPWR | CNTL_BPP(BPP1));
    poke8(e, FB_BASE + 0, 0x81);
    poke8(e, FB_BASE + 1, 0x00);
    poke8(e, FB_BASE + 2, 0x02);
    poke8(e, FB_BASE + 3, 0x00);
    render(e, &w, &h);
    ck_assert_uint_eq(e->frame[0], 0xff0000);
    ck_assert_uint_eq(e->frame[1], 0x000000);
    ck_assert_uint_eq(e->frame[7], 0xff0000);
    ck_assert_uint_eq(e->frame[16 + 1], 0xff0000);
    ck_assert_uint_eq(e->frame[16 + 0], 0x000000);

    /* Mono STN: red bits 4:1 of the entry as grey. */
    wr(e, PL111_CNTL, CNTL_LCDEN | CNTL_LCDBW | CNTL_LCDPWR | CNTL_BPP(BPP1));
    render(e, &w, &h);
    ck_assert_uint_eq(e->frame[0], 0xffffff);
    env_free(e);
}
END_TEST

START_TEST(test_big_endian_orders)
{
    struct env *e = env_new(PL110_VERSATILE);
    program_timings(e, 16, 1);
    wr(e, UBAS, FB_BASE);
    pl110_set_mux(e->clcd, PL110_MUX_565_B_LSB);
    wr(e, PL111_CNTL, CNTL_LCDEN | CNTL_LCDTFT | CNTL_LCDPWR | CNTL_BPP(BPP16) |
                      CNTL_BEBO | CNTL_BEPO);
    /* BBBP: the first pixel is the big-endian halfword at the start. */
    poke8(e, FB_BASE + 0, 0xf8);
    poke8(e, FB_BASE + 1, 0x00);
    poke8(e, FB_BASE + 2, 0x00);
    poke8(e, FB_BASE + 3, 0x1f);
    unsigned w, h;
    render(e, &w, &h);
    ck_assert_uint_eq(e->frame[0], 0xff0000);
    ck_assert_uint_eq(e->frame[1], 0x0000ff);
    env_free(e);
}
END_TEST

START_TEST(test_dual_panel)
{
    struct env *e = env_new(PL110_VERSATILE);
    program_timings(e, 16, 2);
    wr(e, UBAS, FB_BASE);
    wr(e, LBAS, FB_BASE + 0x10000);
    wr(e, PL111_CNTL, CNTL_LCDEN | CNTL_LCDPWR | CNTL_LCDDUAL | CNTL_BPP(BPP24));
    poke32(e, FB_BASE, 0xff);
    poke32(e, FB_BASE + 0x10000 + 16 * 4, 0xff0000);  /* lower panel, line 1 */
    unsigned w, h;
    render(e, &w, &h);
    ck_assert_uint_eq(w, 16);
    ck_assert_uint_eq(h, 4);
    ck_assert_uint_eq(e->frame[0], 0xff0000);
    ck_assert_uint_eq(e->frame[3 * 16], 0x0000ff);
    env_free(e);
}
END_TEST

START_TEST(test_off_and_unprogrammed)
{
    struct env *e = env_new(PL110_VERSATILE);
    unsigned w = 1, h = 1;
    ck_assert_int_eq(render(e, &w, &h), 0);
    ck_assert_uint_eq(w, 0);
    ck_assert_uint_eq(h, 0);

    program_timings(e, 32, 8);
    wr(e, UBAS, FB_BASE);
    poke32(e, FB_BASE, 0xff);
    /* Enabled but not powered: black frame of the programmed size. */
    wr(e, PL111_CNTL, CNTL_LCDEN | CNTL_LCDTFT | CNTL_BPP(BPP24));
    e->frame[0] = 0x123456;
    ck_assert_int_eq(render(e, &w, &h), 0);
    ck_assert_uint_eq(w, 32);
    ck_assert_uint_eq(h, 8);
    ck_assert_uint_eq(e->frame[0], 0);
    ck_assert(!pl110_display_on(e->clcd));
    wr(e, PL111_CNTL, rd(e, PL111_CNTL) | CNTL_LCDPWR);
    ck_assert(pl110_display_on(e->clcd));
    ck_assert_int_eq(render(e, &w, &h), 1);
    ck_assert_uint_eq(e->frame[0], 0xff0000);
    env_free(e);
}
END_TEST

START_TEST(test_framebuffer_outside_ram)
{
    struct env *e = env_new(PL110_VERSATILE);
    /* 64 lines of 64 pixels at 24 bpp = 256 bytes/line: the last 16 lines
     * fall beyond the end of RAM and must read as black, not crash. */
    program_timings(e, 64, 64);
    uint32_t base = RAM_SIZE - 48 * 256;
    wr(e, UBAS, base);
    wr(e, PL111_CNTL, CNTL_LCDEN | CNTL_LCDTFT | CNTL_LCDPWR | CNTL_BPP(BPP24));
    for (unsigned y = 0; y < 48; y++)
        poke32(e, base + y * 256, 0x00ff00);
    unsigned w, h;
    ck_assert_int_eq(render(e, &w, &h), 1);
    ck_assert_uint_eq(e->frame[0], 0x00ff00);
    ck_assert_uint_eq(e->frame[47 * 64], 0x00ff00);
    ck_assert_uint_eq(e->frame[48 * 64], 0);
    ck_assert_uint_eq(e->frame[63 * 64 + 63], 0);
    /* Entirely unmapped. */
    wr(e, UBAS, 0x80000000u);
    e->frame[0] = 1;
    ck_assert_int_eq(render(e, &w, &h), 1);
    ck_assert_uint_eq(e->frame[0], 0);
    env_free(e);
}
END_TEST

START_TEST(test_frame_interrupt)
{
    struct env *e = env_new(PL110_VERSATILE);
    linux_enable_rgb565(e, 800, 600);
    ck_assert_int_eq(e->irq_level, 0);
    /* drm_crtc_vblank_on -> pl111_display_enable_vblank: IENB = LNBU. */
    wr(e, PL111_IENB, IRQ_LNBU);
    advance_ns(e, FRAME_NS - 1000);
    ck_assert_int_eq(e->irq_level, 0);
    ck_assert_uint_eq(rd(e, PL111_MIS), 0);
    advance_ns(e, 2000);
    ck_assert_int_eq(e->irq_level, 1);
    ck_assert_uint_eq(rd(e, PL111_MIS), IRQ_LNBU);
    ck_assert_uint_eq(rd(e, PL111_RIS), IRQ_LNBU | IRQ_VCOMP);
    /* pl111_irq: read MIS, write it to ICR. */
    wr(e, PL111_ICR, rd(e, PL111_MIS));
    ck_assert_int_eq(e->irq_level, 0);
    ck_assert_uint_eq(rd(e, PL111_MIS), 0);
    /* The next frame raises it again, on time. */
    advance_ns(e, FRAME_NS - 2000);
    ck_assert_int_eq(e->irq_level, 0);
    advance_ns(e, 2000);
    ck_assert_int_eq(e->irq_level, 1);
    wr(e, PL111_ICR, IRQ_LNBU | IRQ_VCOMP);
    /* Masked (vblank off): no interrupt, and no event armed for it. */
    wr(e, PL111_IENB, 0);
    ck_assert(!clock_event_armed(&e->clcd->frame));
    advance_ns(e, 5 * (uint64_t)FRAME_NS);
    ck_assert_int_eq(e->irq_level, 0);
    ck_assert_uint_eq(rd(e, PL111_RIS), IRQ_LNBU | IRQ_VCOMP);  /* raw status still counts */
    /* Unmasking with the raw bit already set raises the output at once. */
    wr(e, PL111_IENB, IRQ_VCOMP);
    ck_assert_int_eq(e->irq_level, 1);
    wr(e, PL111_ICR, IRQ_VCOMP);
    ck_assert_int_eq(e->irq_level, 0);
    /* Disabling the controller stops the frames. */
    wr(e, PL111_CNTL, 0);
    ck_assert(!clock_event_armed(&e->clcd->frame));
    advance_ns(e, 5 * (uint64_t)FRAME_NS);
    ck_assert_int_eq(e->irq_level, 0);
    env_free(e);
}
END_TEST

START_TEST(test_plain_pl110_order)
{
    struct env *e = env_new(PL110_PLAIN);
    program_timings(e, 16, 1);
    wr(e, UBAS, FB_BASE);
    wr(e, PL110_CNTL, CNTL_LCDEN | CNTL_LCDTFT | CNTL_LCDPWR | CNTL_BPP(BPP24));
    wr(e, PL110_IENB, IRQ_LNBU);
    ck_assert_uint_eq(rd(e, PL110_CNTL), CNTL_LCDEN | CNTL_LCDTFT | CNTL_LCDPWR |
                                         CNTL_BPP(BPP24));
    ck_assert_uint_eq(rd(e, PL110_IENB), IRQ_LNBU);
    ck_assert(pl110_display_on(e->clcd));
    advance_ns(e, FRAME_NS + 1);
    ck_assert_int_eq(e->irq_level, 1);
    ck_assert_uint_eq(rd(e, PL110_STAT), IRQ_LNBU | IRQ_VCOMP);
    wr(e, PL110_STAT, IRQ_LNBU);        /* LCDStatus: write 1 to clear */
    ck_assert_int_eq(e->irq_level, 0);
    env_free(e);
}
END_TEST

START_TEST(test_reset)
{
    struct env *e = env_new(PL110_VERSATILE);
    linux_enable_rgb565(e, 800, 600);
    wr(e, PL111_IENB, IRQ_LNBU);
    advance_ns(e, FRAME_NS + 1);
    ck_assert_int_eq(e->irq_level, 1);
    e->clcd->dev.reset(&e->clcd->dev);
    ck_assert_int_eq(e->irq_level, 0);
    ck_assert_uint_eq(rd(e, PL111_CNTL), 0);
    ck_assert(!clock_event_armed(&e->clcd->frame));
    env_free(e);
}
END_TEST

Suite *pl110_suite(void)
{
    Suite *s = suite_create("pl110");
    TCase *tc = tcase_create("clcd");
    tcase_add_test(tc, test_ids);
    tcase_add_test(tc, test_registers_read_back);
    tcase_add_test(tc, test_linux_rgb565_800x600);
    tcase_add_test(tc, test_5551_and_pl111_modes);
    tcase_add_test(tc, test_24bpp);
    tcase_add_test(tc, test_palette_modes);
    tcase_add_test(tc, test_big_endian_orders);
    tcase_add_test(tc, test_dual_panel);
    tcase_add_test(tc, test_off_and_unprogrammed);
    tcase_add_test(tc, test_framebuffer_outside_ram);
    tcase_add_test(tc, test_frame_interrupt);
    tcase_add_test(tc, test_plain_pl110_order);
    tcase_add_test(tc, test_reset);
    suite_add_tcase(s, tc);
    return s;
}
