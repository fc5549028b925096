/*
 * Screenshots of the emulated display: PNG (8-bit RGB, chunks written
 * here, IDAT compressed with zlib) or binary PPM (P6). Used by the
 * monitor's `screendump FILE` and by tests.
 */
#ifndef FRONTENDS_SCREENDUMP_H
#define FRONTENDS_SCREENDUMP_H

#include <stdint.h>

struct pl110;

/*
 * Writes the w x h image xrgb (0x00RRGGBB, row-major, no padding) to path:
 * PNG when the name ends in ".png" (any case), else PPM. Returns 0 or a
 * negative errno (-EINVAL for an empty image; the file is removed when
 * writing fails part-way).
 */
int screendump_write(const char *path, const uint32_t *xrgb, unsigned w, unsigned h);

/*
 * Renders the CLCD's current frame and writes it as above. -ENODATA when
 * the controller has never been programmed (no frame size); a panel that
 * is programmed but off is written as a black frame.
 */
int screendump_pl110(struct pl110 *clcd, const char *path);

#endif
