/*
 * Placing boot images in guest physical memory: ELF files (libelf), raw
 * binaries at an address, and Linux zImages. Every failure names the file
 * and says what is wrong with it; nothing is loaded partly without saying so.
 */
#ifndef DEVICES_LOADER_H
#define DEVICES_LOADER_H

#include <stdint.h>

#include "mmu/aspace.h"

struct loaded_image {
    uint64_t entry;        /* physical entry point */
    uint64_t low, high;    /* physical range written [low, high) */
    int is_zimage;
};

/* Detects ELF / zImage / raw and loads accordingly. raw_address < 0: no raw. */
int loader_load_kernel(struct aspace *as, const char *path, uint64_t ram_base,
                       int64_t raw_address, struct loaded_image *out);
int loader_load_elf(struct aspace *as, const char *path, struct loaded_image *out);
int loader_load_raw(struct aspace *as, const char *path, uint64_t address,
                    struct loaded_image *out);
/* True if path starts like a Linux ARM zImage (magic at offset 0x24). */
int loader_file_is_zimage(const char *path);
/* Reads a whole file (malloc'd) with a size cap; prints errors. */
int loader_read_file(const char *path, uint64_t limit, uint8_t **data, uint64_t *size);

#endif
