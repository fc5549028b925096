/*
 * Helpers shared by every device model: guest-error and access tracing,
 * and the PrimeCell identification registers that every AMBA peripheral
 * carries in the last 32 bytes of its 4 KiB window.
 */
#include "devices/device.h"

#include <stdarg.h>

#include "base/trace.h"

/* PrimeCell ID block (PrimeCell TRMs, "Peripheral and PrimeCell ID"). */
#define PRIMECELL_ID_FIRST 0xfe0u
#define PRIMECELL_ID_LAST  0xffcu

/* PrimeCellID0-3: the same four bytes on every ARM PrimeCell. */
static const uint8_t primecell_cell_id[4] = { 0x0d, 0xf0, 0x05, 0xb1 };

static const char *const primecell_id_names[8] = {
    "PeriphID0", "PeriphID1", "PeriphID2", "PeriphID3",
    "PCellID0", "PCellID1", "PCellID2", "PCellID3",
};

void device_guest_error(struct device *dev, const char *fmt, ...)
{
    if (!trace_enabled(dev->trace, TRACE_GUEST_ERROR))
        return;
    char msg[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    /* trace_printf applies the per-class cap, which is the rate limit. */
    trace_printf(dev->trace, TRACE_GUEST_ERROR, "%s@0x%08llx: %s", dev->name,
                 (unsigned long long)dev->base, msg);
}

void device_trace_access(struct device *dev, const char *what, uint32_t offset,
                         const char *reg_name, uint32_t value, unsigned size)
{
    if (!trace_enabled(dev->trace, TRACE_MMIO))
        return;
    if (!reg_name && offset >= PRIMECELL_ID_FIRST && offset <= PRIMECELL_ID_LAST &&
        (offset & 3) == 0)
        reg_name = primecell_id_names[(offset - PRIMECELL_ID_FIRST) >> 2];
    if (reg_name)
        trace_printf(dev->trace, TRACE_MMIO, "%s@0x%08llx %s %s = 0x%x (%u bytes)",
                     dev->name, (unsigned long long)dev->base, what, reg_name, value, size);
    else
        trace_printf(dev->trace, TRACE_MMIO, "%s@0x%08llx %s +0x%03x = 0x%x (%u bytes)",
                     dev->name, (unsigned long long)dev->base, what, offset, value, size);
}

int primecell_id_read(const uint8_t periph_id[4], uint32_t offset, uint32_t *value)
{
    if (offset < PRIMECELL_ID_FIRST || offset > PRIMECELL_ID_LAST || (offset & 3))
        return 0;
    unsigned index = (offset - PRIMECELL_ID_FIRST) >> 2;
    *value = index < 4 ? periph_id[index] : primecell_cell_id[index - 4];
    return 1;
}
