/*
 * Flattened device tree walk (devicetree specification v0.3, 5.2 header,
 * 5.4 structure block tokens). Big-endian throughout. We only look at the
 * root's #address-cells/#size-cells, the first /memory node's reg and
 * /chosen's bootargs, and we bound every read by the blob's size.
 */
#include "fdt.h"
#include "lib.h"

#define FDT_MAGIC       0xd00dfeedu
#define FDT_BEGIN_NODE  1u
#define FDT_END_NODE    2u
#define FDT_PROP        3u
#define FDT_NOP         4u
#define FDT_END         9u

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t read_cells(const uint8_t *p, uint32_t cells)
{
    uint64_t v = 0;

    for (uint32_t i = 0; i < cells; i++)
        v = v << 32 | be32(p + 4 * i);
    return v;
}

bool fdt_parse(const void *dtb, struct boot_info *info)
{
    const uint8_t *blob = dtb;

    info->cmdline = "";
    if (!blob || be32(blob) != FDT_MAGIC)
        return false;
    uint32_t total = be32(blob + 4), off_struct = be32(blob + 8);
    uint32_t off_strings = be32(blob + 12), size_struct = be32(blob + 36);

    if (total > 0x100000 || off_struct >= total || off_strings >= total ||
        size_struct > total - off_struct)
        return false;
    const uint8_t *p = blob + off_struct, *end = p + size_struct;
    uint32_t addr_cells = 2, size_cells = 2;
    int depth = 0;
    bool in_memory = false, in_chosen = false, found_memory = false;

    while (p + 4 <= end) {
        uint32_t token = be32(p);

        p += 4;
        if (token == FDT_BEGIN_NODE) {
            const char *name = (const char *)p;
            size_t len = strnlen(name, (size_t)(end - p));

            depth++;
            in_memory = depth == 2 && (!strcmp(name, "memory") || !strncmp(name, "memory@", 7));
            in_chosen = depth == 2 && !strcmp(name, "chosen");
            p += (len + 4) & ~3u;
        } else if (token == FDT_END_NODE) {
            depth--;
            in_memory = in_chosen = false;
        } else if (token == FDT_PROP) {
            if (p + 8 > end)
                break;
            uint32_t len = be32(p), nameoff = be32(p + 4);
            const uint8_t *value = p + 8;

            if (len > (uint32_t)(end - value) || nameoff >= total - off_strings)
                break;
            const char *name = (const char *)blob + off_strings + nameoff;

            if (depth == 1 && !strcmp(name, "#address-cells") && len == 4)
                addr_cells = be32(value);
            else if (depth == 1 && !strcmp(name, "#size-cells") && len == 4)
                size_cells = be32(value);
            else if (in_memory && !found_memory && !strcmp(name, "reg") &&
                     addr_cells <= 2 && size_cells <= 2 &&
                     len >= 4 * (addr_cells + size_cells)) {
                info->ram_base = read_cells(value, addr_cells);
                info->ram_size = read_cells(value + 4 * addr_cells, size_cells);
                found_memory = true;
            } else if (in_chosen && !strcmp(name, "bootargs") && len > 0 &&
                       value[len - 1] == '\0') {
                info->cmdline = (const char *)value;
            }
            p = value + ((len + 3) & ~3u);
        } else if (token == FDT_NOP) {
            continue;
        } else {
            break;      /* FDT_END or garbage */
        }
    }
    return found_memory;
}
