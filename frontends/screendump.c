/*
 * Screenshot writer. PNG is written chunk by chunk (PNG specification,
 * 2nd edition, ISO/IEC 15948): the signature, IHDR (8-bit truecolour, no
 * interlace), one IDAT holding the zlib stream of the filtered scanlines
 * (filter type 0, "None", on every row), IEND; each chunk's CRC is zlib's
 * crc32 over its type and data. Anything else is binary PPM (netpbm P6,
 * maxval 255).
 */
#include "frontends/screendump.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <zlib.h>

#include "devices/pl110.h"

static const uint8_t png_signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };

/* IHDR fields (PNG spec 11.2.2). */
#define PNG_BIT_DEPTH 8
#define PNG_COLOUR_RGB 2
#define PNG_FILTER_NONE 0

static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static bool has_png_suffix(const char *path)
{
    size_t len = strlen(path);
    return len >= 4 && strcasecmp(path + len - 4, ".png") == 0;
}

/* Length, type, data, CRC(type + data). Returns 0 or -1 on a short write. */
static int png_chunk(FILE *f, const char *type, const uint8_t *data, uint32_t len)
{
    uint8_t head[8], tail[4];
    put_be32(head, len);
    memcpy(head + 4, type, 4);
    uLong crc = crc32(0L, Z_NULL, 0);
    crc = crc32(crc, (const Bytef *)type, 4);
    if (len)
        crc = crc32(crc, data, len);
    put_be32(tail, (uint32_t)crc);
    if (fwrite(head, 1, sizeof(head), f) != sizeof(head) ||
        (len && fwrite(data, 1, len, f) != len) ||
        fwrite(tail, 1, sizeof(tail), f) != sizeof(tail))
        return -1;
    return 0;
}

static int write_png(FILE *f, const uint32_t *xrgb, unsigned w, unsigned h)
{
    size_t row = 1 + (size_t)w * 3;
    size_t raw_len = row * h;
    uint8_t *raw = malloc(raw_len);
    uLongf packed_len = compressBound((uLong)raw_len);
    uint8_t *packed = malloc(packed_len);
    int rc = -ENOMEM;
    if (!raw || !packed)
        goto out;
    for (unsigned y = 0; y < h; y++) {
        uint8_t *p = raw + y * row;
        *p++ = PNG_FILTER_NONE;
        for (unsigned x = 0; x < w; x++) {
            uint32_t px = xrgb[(size_t)y * w + x];
            *p++ = (uint8_t)(px >> 16);
            *p++ = (uint8_t)(px >> 8);
            *p++ = (uint8_t)px;
        }
    }
    if (compress2(packed, &packed_len, raw, (uLong)raw_len, Z_DEFAULT_COMPRESSION) != Z_OK)
        goto out;

    uint8_t ihdr[13];
    put_be32(ihdr, w);
    put_be32(ihdr + 4, h);
    ihdr[8] = PNG_BIT_DEPTH;
    ihdr[9] = PNG_COLOUR_RGB;
    ihdr[10] = 0;   /* compression: deflate */
    ihdr[11] = 0;   /* filter method 0 */
    ihdr[12] = 0;   /* no interlace */
    rc = -EIO;
    if (fwrite(png_signature, 1, sizeof(png_signature), f) != sizeof(png_signature) ||
        png_chunk(f, "IHDR", ihdr, sizeof(ihdr)) < 0 ||
        png_chunk(f, "IDAT", packed, (uint32_t)packed_len) < 0 ||
        png_chunk(f, "IEND", NULL, 0) < 0)
        goto out;
    rc = 0;
out:
    free(raw);
    free(packed);
    return rc;
}

static int write_ppm(FILE *f, const uint32_t *xrgb, unsigned w, unsigned h)
{
    if (fprintf(f, "P6\n%u %u\n255\n", w, h) < 0)
        return -EIO;
    uint8_t *line = malloc((size_t)w * 3);
    if (!line)
        return -ENOMEM;
    int rc = 0;
    for (unsigned y = 0; y < h && rc == 0; y++) {
        for (unsigned x = 0; x < w; x++) {
            uint32_t px = xrgb[(size_t)y * w + x];
            line[3 * x] = (uint8_t)(px >> 16);
            line[3 * x + 1] = (uint8_t)(px >> 8);
            line[3 * x + 2] = (uint8_t)px;
        }
        if (fwrite(line, 3, w, f) != w)
            rc = -EIO;
    }
    free(line);
    return rc;
}

int screendump_write(const char *path, const uint32_t *xrgb, unsigned w, unsigned h)
{
    if (!w || !h || w > 0x7fffffffu / 3 || !xrgb)
        return -EINVAL;
    FILE *f = fopen(path, "wb");
    if (!f)
        return -errno;
    /* Only a regular file of ours is removed on failure (not /dev/full...). */
    struct stat st;
    bool regular = fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode);
    errno = 0;
    int rc = has_png_suffix(path) ? write_png(f, xrgb, w, h) : write_ppm(f, xrgb, w, h);
    /* A write error's errno (ENOSPC, EIO) says more than our -EIO. */
    if (rc == -EIO && errno)
        rc = -errno;
    if (fclose(f) != 0 && rc == 0)
        rc = errno ? -errno : -EIO;
    if (rc < 0 && regular)
        remove(path);
    return rc;
}

int screendump_pl110(struct pl110 *clcd, const char *path)
{
    uint32_t *frame = malloc((size_t)PL110_MAX_WIDTH * PL110_MAX_HEIGHT * sizeof(*frame));
    if (!frame)
        return -ENOMEM;
    unsigned w, h;
    pl110_render(clcd, frame, &w, &h);
    int rc = (w && h) ? screendump_write(path, frame, w, h) : -ENODATA;
    free(frame);
    return rc;
}
