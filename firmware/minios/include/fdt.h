/*
 * Just enough of a flattened device tree reader (devicetree specification
 * v0.3, chapter 5) to learn our RAM and command line from the DTB the
 * domain builder hands us in r2.
 */
#ifndef MINIOS_FDT_H
#define MINIOS_FDT_H

#include <stdbool.h>
#include <stdint.h>

struct boot_info {
    uint64_t ram_base, ram_size;        /* first /memory reg entry */
    const char *cmdline;                /* /chosen/bootargs, or "" */
};

/* false if dtb is not a valid blob. */
bool fdt_parse(const void *dtb, struct boot_info *info);

#endif
