/*
 * Screenshot files (frontends/screendump.c): a small image with distinct
 * pixels is written as PPM and read back byte for byte, and as PNG, whose
 * structure is checked by hand (signature, chunk order, IHDR fields, every
 * chunk's CRC) and whose IDAT is inflated with zlib and compared pixel by
 * pixel. Then the error paths (-errno, no half-written file) and a dump
 * of a PL110 frame. A subtly wrong PNG opens in some viewers and not in
 * others, and the tests that compare screenshots would silently pass.
 */
#include <check.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "devices/clock.h"
#include "devices/pl110.h"
#include "frontends/screendump.h"
#include "mmu/aspace.h"

#define W 5
#define H 3

static const uint32_t image[W * H] = {
    0xff0000, 0x00ff00, 0x0000ff, 0xffffff, 0x000000,
    0x123456, 0x654321, 0xabcdef, 0x010203, 0xfefdfc,
    0x7f7f7f, 0x800000, 0x008000, 0x000080, 0x00ffff,
};

struct tmpdir {
    char dir[64];
    char path[128];
};

static void tmp_make(struct tmpdir *t, const char *name)
{
    snprintf(t->dir, sizeof(t->dir), "/tmp/armhv-screendump-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(t->dir));
    snprintf(t->path, sizeof(t->path), "%s/%s", t->dir, name);
}

static void tmp_remove(struct tmpdir *t)
{
    unlink(t->path);
    rmdir(t->dir);
}

static uint8_t *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
    long size = ftell(f);
    ck_assert_int_ge(size, 0);
    rewind(f);
    uint8_t *buf = malloc((size_t)size + 1);
    ck_assert_ptr_nonnull(buf);
    ck_assert_uint_eq(fread(buf, 1, (size_t)size, f), (size_t)size);
    fclose(f);
    *len = (size_t)size;
    return buf;
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

START_TEST(test_ppm_round_trip)
{
    struct tmpdir t;
    tmp_make(&t, "shot.ppm");
    ck_assert_int_eq(screendump_write(t.path, image, W, H), 0);
    size_t len;
    uint8_t *buf = slurp(t.path, &len);
    static const char header[] = "P6\n5 3\n255\n";
    size_t hlen = strlen(header);
    ck_assert_uint_eq(len, hlen + W * H * 3);
    ck_assert_int_eq(memcmp(buf, header, hlen), 0);
    for (unsigned i = 0; i < W * H; i++) {
        const uint8_t *p = buf + hlen + 3 * i;
        uint32_t px = (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
        ck_assert_msg(px == image[i], "pixel %u: 0x%06x != 0x%06x", i, px, image[i]);
    }
    free(buf);
    tmp_remove(&t);
}
END_TEST

START_TEST(test_png_structure_and_pixels)
{
    struct tmpdir t;
    tmp_make(&t, "shot.PNG");       /* the suffix test ignores case */
    ck_assert_int_eq(screendump_write(t.path, image, W, H), 0);
    size_t len;
    uint8_t *buf = slurp(t.path, &len);
    static const uint8_t sig[8] = { 0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a };
    ck_assert_uint_ge(len, 8);
    ck_assert_int_eq(memcmp(buf, sig, 8), 0);

    uint8_t *idat = NULL;
    size_t idat_len = 0, pos = 8;
    unsigned chunk = 0;
    bool saw_iend = false;
    while (pos < len) {
        ck_assert_uint_ge(len - pos, 12);
        uint32_t clen = be32(buf + pos);
        const uint8_t *type = buf + pos + 4;
        ck_assert_uint_ge(len - pos - 12, clen);
        const uint8_t *data = type + 4;
        uint32_t crc = (uint32_t)crc32(crc32(0, Z_NULL, 0), type, 4 + clen);
        ck_assert_uint_eq(be32(data + clen), crc);
        if (chunk == 0) {
            ck_assert_int_eq(memcmp(type, "IHDR", 4), 0);
            ck_assert_uint_eq(clen, 13);
            ck_assert_uint_eq(be32(data), W);
            ck_assert_uint_eq(be32(data + 4), H);
            ck_assert_uint_eq(data[8], 8);      /* bit depth */
            ck_assert_uint_eq(data[9], 2);      /* truecolour */
            ck_assert_uint_eq(data[10], 0);     /* deflate */
            ck_assert_uint_eq(data[11], 0);     /* adaptive filtering */
            ck_assert_uint_eq(data[12], 0);     /* no interlace */
        } else if (memcmp(type, "IDAT", 4) == 0) {
            idat = realloc(idat, idat_len + clen);
            ck_assert_ptr_nonnull(idat);
            memcpy(idat + idat_len, data, clen);
            idat_len += clen;
        } else if (memcmp(type, "IEND", 4) == 0) {
            ck_assert_uint_eq(clen, 0);
            saw_iend = true;
        }
        pos += 12 + clen;
        chunk++;
        if (saw_iend)
            break;
    }
    ck_assert(saw_iend);
    ck_assert_uint_eq(pos, len);        /* nothing after IEND */
    ck_assert_uint_gt(idat_len, 0);

    uint8_t raw[H * (1 + 3 * W) + 16];
    uLongf raw_len = sizeof(raw);
    ck_assert_int_eq(uncompress(raw, &raw_len, idat, idat_len), Z_OK);
    ck_assert_uint_eq(raw_len, H * (1 + 3 * W));
    for (unsigned y = 0; y < H; y++) {
        const uint8_t *row = raw + y * (1 + 3 * W);
        ck_assert_uint_eq(row[0], 0);      /* filter type None */
        for (unsigned x = 0; x < W; x++) {
            const uint8_t *p = row + 1 + 3 * x;
            uint32_t px = (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
            ck_assert_uint_eq(px, image[y * W + x]);
        }
    }
    free(idat);
    free(buf);
    tmp_remove(&t);
}
END_TEST

START_TEST(test_errors)
{
    ck_assert_int_eq(screendump_write("/nonexistent-dir/x.png", image, W, H), -ENOENT);
    ck_assert_int_eq(screendump_write("/tmp/never-written.ppm", image, 0, H), -EINVAL);
    ck_assert_int_eq(access("/tmp/never-written.ppm", F_OK), -1);
    /* A full device: the error comes back and no partial file is left. */
    if (access("/dev/full", W_OK) == 0)
        ck_assert_int_eq(screendump_write("/dev/full", image, W, H), -ENOSPC);
}
END_TEST

START_TEST(test_pl110_dump)
{
    struct aspace as;
    struct vclock clock;
    uint64_t icount = 0;
    ck_assert_int_eq(aspace_init(&as, NULL), 0);
    ck_assert_int_eq(aspace_add_ram(&as, 0, 1u << 20, "ram"), 0);
    vclock_init(&clock, 1000);
    vclock_attach_counter(&clock, &icount, NULL);
    struct pl110 *clcd = pl110_create("clcd", 0x10120000, PL110_VERSATILE,
                                      irq_line_make(NULL, NULL, 0), &as, &clock, NULL);
    ck_assert_ptr_nonnull(clcd);
    struct tmpdir t;
    tmp_make(&t, "clcd.ppm");
    ck_assert_int_eq(screendump_pl110(clcd, t.path), -ENODATA);
    /* 16x2 at 24 bpp, one red pixel. */
    clcd->dev.ops->write(clcd, 0x00, 0, 4);
    clcd->dev.ops->write(clcd, 0x04, 1, 4);
    clcd->dev.ops->write(clcd, 0x10, 0x1000, 4);
    clcd->dev.ops->write(clcd, 0x18, 0x0821 | (5u << 1), 4);
    uint32_t red = 0xff;
    ck_assert_int_eq(aspace_write_bytes(&as, 0x1000, &red, 4), 0);
    ck_assert_int_eq(screendump_pl110(clcd, t.path), 0);
    size_t len;
    uint8_t *buf = slurp(t.path, &len);
    static const char header[] = "P6\n16 2\n255\n";
    ck_assert_uint_eq(len, strlen(header) + 16 * 2 * 3);
    ck_assert_int_eq(memcmp(buf, header, strlen(header)), 0);
    ck_assert_uint_eq(buf[strlen(header)], 0xff);
    ck_assert_uint_eq(buf[strlen(header) + 1], 0x00);
    free(buf);
    tmp_remove(&t);
    clcd->dev.destroy(&clcd->dev);
    aspace_destroy(&as);
}
END_TEST

Suite *screendump_suite(void)
{
    Suite *s = suite_create("screendump");
    TCase *tc = tcase_create("files");
    tcase_add_test(tc, test_ppm_round_trip);
    tcase_add_test(tc, test_png_structure_and_pixels);
    tcase_add_test(tc, test_errors);
    tcase_add_test(tc, test_pl110_dump);
    suite_add_tcase(s, tc);
    return s;
}
