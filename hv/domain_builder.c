/*
 * The domain builder (see hv/domain_builder.h).
 */
#include "hv/domain_builder.h"

#include <errno.h>
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/report.h"
#include "devices/loader.h"
#include "hv/vplatform.h"

#define BUILDER_LOWMEM (128u << 20)     /* DTB and initrd below RAM + 128 MiB */
#define BUILDER_DTB_MAX (64u << 10)     /* generated blobs are a few KiB */
#define BUILDER_DTB_SLACK 4096u         /* room for the properties a fixup adds */
#define GIC_PHANDLE 1u

/* GIC interrupt specifier cells (ABI doc 2.3): type, number, flags. */
#define DT_IRQ_SPI 0u
#define DT_IRQ_PPI 1u
#define DT_IRQ_LEVEL_HIGH 4u
#define DT_PPI_ALL_CPUS_LEVEL_LOW 0xf08u

static uint64_t align_up(uint64_t value, uint64_t align)
{
    return (value + align - 1) & ~(align - 1);
}

/* ---- device tree generation (libfdt sequential write) ---- */

static int prop_strings(void *fdt, const char *name, const char *a, const char *b)
{
    char buf[128];
    size_t la = strlen(a) + 1, lb = b ? strlen(b) + 1 : 0;
    if (la + lb > sizeof(buf))
        return -FDT_ERR_NOSPACE;
    memcpy(buf, a, la);
    if (b)
        memcpy(buf + la, b, lb);
    return fdt_property(fdt, name, buf, (int)(la + lb));
}

/* reg = <0 base 0 size> with #address-cells = #size-cells = 2. */
static int prop_reg2(void *fdt, uint64_t base, uint64_t size, uint64_t base2, uint64_t size2)
{
    fdt64_t cells[4] = { cpu_to_fdt64(base), cpu_to_fdt64(size), cpu_to_fdt64(base2),
                         cpu_to_fdt64(size2) };
    return fdt_property(fdt, "reg", cells, size2 ? (int)sizeof(cells) : 2 * 8);
}

static int prop_irqs(void *fdt, const uint32_t *triples, unsigned count)
{
    fdt32_t cells[12];
    for (unsigned i = 0; i < 3 * count && i < 12; i++)
        cells[i] = cpu_to_fdt32(triples[i]);
    return fdt_property(fdt, "interrupts", cells, (int)(3 * count * sizeof(fdt32_t)));
}

static const char *dt_compatible(const char *type)
{
    if (strcmp(type, "pl011") == 0) return "arm,pl011";
    if (strcmp(type, "sp804") == 0) return "arm,sp804";
    if (strcmp(type, "pl031") == 0) return "arm,pl031";
    if (strcmp(type, "pl050") == 0) return "arm,pl050";
    if (strcmp(type, "pl181") == 0) return "arm,pl180";
    if (strcmp(type, "pl110") == 0) return "arm,pl110";
    if (strcmp(type, "pl111") == 0) return "arm,pl111";
    if (strcmp(type, "lan9118") == 0) return "smsc,lan9118";
    if (strcmp(type, "sp810") == 0) return "arm,sp810";
    if (strcmp(type, "vexpress-sysregs") == 0) return "arm,vexpress-sysreg";
    return type;
}

#define FDT_TRY(expr)                                                                      \
    do {                                                                                   \
        int fdt_try_rc_ = (expr);                                                          \
        if (fdt_try_rc_ < 0)                                                               \
            return fdt_try_rc_;                                                            \
    } while (0)

static int dt_cpus(void *fdt, const struct domain *d)
{
    FDT_TRY(fdt_begin_node(fdt, "cpus"));
    FDT_TRY(fdt_property_u32(fdt, "#address-cells", 1));
    FDT_TRY(fdt_property_u32(fdt, "#size-cells", 0));
    for (unsigned i = 0; i < d->max_vcpus; i++) {
        char name[16];
        snprintf(name, sizeof(name), "cpu@%u", i);
        FDT_TRY(fdt_begin_node(fdt, name));
        FDT_TRY(fdt_property_string(fdt, "device_type", "cpu"));
        FDT_TRY(fdt_property_string(fdt, "compatible", "arm,cortex-a15"));
        FDT_TRY(fdt_property_u32(fdt, "reg", i));
        if (d->max_vcpus > 1)
            FDT_TRY(fdt_property_string(fdt, "enable-method", "psci"));
        FDT_TRY(fdt_end_node(fdt));
    }
    return fdt_end_node(fdt);
}

static int dt_devices(void *fdt, const struct hv_dt_device *devices, unsigned count)
{
    for (unsigned i = 0; i < count; i++) {
        const struct hv_dt_device *dev = &devices[i];
        char name[64];
        snprintf(name, sizeof(name), "%s@%llx", dev->name, (unsigned long long)dev->base);
        FDT_TRY(fdt_begin_node(fdt, name));
        const char *compat = dt_compatible(dev->type);
        bool primecell = strncmp(compat, "arm,pl", 6) == 0 || strcmp(compat, "arm,sp804") == 0 ||
                         strcmp(compat, "arm,sp810") == 0;
        FDT_TRY(prop_strings(fdt, "compatible", compat, primecell ? "arm,primecell" : NULL));
        FDT_TRY(prop_reg2(fdt, dev->base, dev->size, 0, 0));
        uint32_t irqs[6];
        unsigned n = 0;
        if (dev->spi >= 0) {
            irqs[3 * n] = DT_IRQ_SPI, irqs[3 * n + 1] = (uint32_t)dev->spi;
            irqs[3 * n + 2] = DT_IRQ_LEVEL_HIGH;
            n++;
        }
        if (dev->spi2 >= 0) {
            irqs[3 * n] = DT_IRQ_SPI, irqs[3 * n + 1] = (uint32_t)dev->spi2;
            irqs[3 * n + 2] = DT_IRQ_LEVEL_HIGH;
            n++;
        }
        if (n)
            FDT_TRY(prop_irqs(fdt, irqs, n));
        FDT_TRY(fdt_end_node(fdt));
    }
    return 0;
}

/* The tree of ABI doc 2.5, for d. */
static int dt_generate(void *fdt, int size, const struct domain *d,
                       const struct hv_domain_spec *spec, uint64_t initrd_start,
                       uint64_t initrd_end, const struct hv_dt_device *devices,
                       unsigned nr_devices)
{
    FDT_TRY(fdt_create(fdt, size));
    FDT_TRY(fdt_finish_reservemap(fdt));
    FDT_TRY(fdt_begin_node(fdt, ""));
    FDT_TRY(prop_strings(fdt, "compatible", "xen,xenvm-4.17", "xen,xenvm"));
    FDT_TRY(fdt_property_string(fdt, "model", "armhv-emu Xen guest"));
    FDT_TRY(fdt_property_u32(fdt, "interrupt-parent", GIC_PHANDLE));
    FDT_TRY(fdt_property_u32(fdt, "#address-cells", 2));
    FDT_TRY(fdt_property_u32(fdt, "#size-cells", 2));

    FDT_TRY(fdt_begin_node(fdt, "chosen"));
    if (spec->cmdline)
        FDT_TRY(fdt_property_string(fdt, "bootargs", spec->cmdline));
    if (initrd_end > initrd_start) {
        FDT_TRY(fdt_property_u64(fdt, "linux,initrd-start", initrd_start));
        FDT_TRY(fdt_property_u64(fdt, "linux,initrd-end", initrd_end));
    }
    FDT_TRY(fdt_end_node(fdt));

    FDT_TRY(dt_cpus(fdt, d));

    FDT_TRY(fdt_begin_node(fdt, "psci"));
    FDT_TRY(fdt_property_string(fdt, "compatible", "arm,psci-0.2"));
    FDT_TRY(fdt_property_string(fdt, "method", "hvc"));
    FDT_TRY(fdt_end_node(fdt));

    char name[40];
    snprintf(name, sizeof(name), "memory@%llx", (unsigned long long)d->ram_base);
    FDT_TRY(fdt_begin_node(fdt, name));
    FDT_TRY(fdt_property_string(fdt, "device_type", "memory"));
    FDT_TRY(prop_reg2(fdt, d->ram_base, d->ram_size, 0, 0));
    FDT_TRY(fdt_end_node(fdt));

    snprintf(name, sizeof(name), "interrupt-controller@%x", XEN_GUEST_GICD_BASE);
    FDT_TRY(fdt_begin_node(fdt, name));
    FDT_TRY(fdt_property_string(fdt, "compatible", "arm,cortex-a15-gic"));
    FDT_TRY(fdt_property_u32(fdt, "#interrupt-cells", 3));
    FDT_TRY(fdt_property_u32(fdt, "#address-cells", 0));
    FDT_TRY(fdt_property(fdt, "interrupt-controller", NULL, 0));
    FDT_TRY(prop_reg2(fdt, XEN_GUEST_GICD_BASE, 0x1000, XEN_GUEST_GICC_BASE, 0x2000));
    FDT_TRY(fdt_property_u32(fdt, "phandle", GIC_PHANDLE));
    FDT_TRY(fdt_end_node(fdt));

    FDT_TRY(fdt_begin_node(fdt, "timer"));
    FDT_TRY(fdt_property_string(fdt, "compatible", "arm,armv7-timer"));
    const uint32_t timer_irqs[] = {
        DT_IRQ_PPI, 13, DT_PPI_ALL_CPUS_LEVEL_LOW, DT_IRQ_PPI, 14, DT_PPI_ALL_CPUS_LEVEL_LOW,
        DT_IRQ_PPI, 11, DT_PPI_ALL_CPUS_LEVEL_LOW, DT_IRQ_PPI, 10, DT_PPI_ALL_CPUS_LEVEL_LOW,
    };
    FDT_TRY(prop_irqs(fdt, timer_irqs, 4));
    FDT_TRY(fdt_end_node(fdt));

    /* No unit address: Linux compares the node name with strcmp (2.2). */
    FDT_TRY(fdt_begin_node(fdt, "hypervisor"));
    FDT_TRY(prop_strings(fdt, "compatible", "xen,xen-4.17", "xen,xen"));
    FDT_TRY(prop_reg2(fdt, XEN_GUEST_GNTTAB_BASE, (uint64_t)HV_GNTTAB_FRAMES * XEN_PAGE_SIZE,
                      0, 0));
    const uint32_t evtchn_irq[] = {
        DT_IRQ_PPI, XEN_GUEST_EVTCHN_PPI - 16, DT_PPI_ALL_CPUS_LEVEL_LOW,
    };
    FDT_TRY(prop_irqs(fdt, evtchn_irq, 1));
    FDT_TRY(fdt_end_node(fdt));

    FDT_TRY(dt_devices(fdt, devices, nr_devices));

    FDT_TRY(fdt_end_node(fdt));
    return fdt_finish(fdt);
}

/* ---- a given blob: rewrite /memory, bootargs and the initrd range ---- */

static int dt_set_node_prop(void *fdt, const char *path, const char *prop, const void *val,
                            int len)
{
    int node = fdt_path_offset(fdt, path);
    if (node < 0)
        node = fdt_add_subnode(fdt, 0, path + 1);
    if (node < 0)
        return node;
    return fdt_setprop(fdt, node, prop, val, len);
}

static int dt_fixup(void *fdt, const struct domain *d, const struct hv_domain_spec *spec,
                    uint64_t initrd_start, uint64_t initrd_end)
{
    /* Assumes the 2-cell root a Xen guest tree has (ABI doc 2.3). */
    fdt64_t reg[2] = { cpu_to_fdt64(d->ram_base), cpu_to_fdt64(d->ram_size) };
    int rc = dt_set_node_prop(fdt, "/memory", "reg", reg, sizeof(reg));
    if (rc == 0)
        rc = dt_set_node_prop(fdt, "/memory", "device_type", "memory", 7);
    if (rc == 0 && spec->cmdline)
        rc = dt_set_node_prop(fdt, "/chosen", "bootargs", spec->cmdline,
                              (int)strlen(spec->cmdline) + 1);
    if (rc == 0 && initrd_end > initrd_start) {
        fdt64_t start = cpu_to_fdt64(initrd_start), end = cpu_to_fdt64(initrd_end);
        rc = dt_set_node_prop(fdt, "/chosen", "linux,initrd-start", &start, 8);
        if (rc == 0)
            rc = dt_set_node_prop(fdt, "/chosen", "linux,initrd-end", &end, 8);
    }
    return rc;
}

static void *dt_from_file(const char *path, const struct domain *d,
                          const struct hv_domain_spec *spec, uint64_t initrd_start,
                          uint64_t initrd_end)
{
    uint8_t *blob;
    uint64_t size;
    if (loader_read_file(path, 16u << 20, &blob, &size) < 0)
        return NULL;
    if (size < sizeof(struct fdt_header) || fdt_check_header(blob) != 0 ||
        fdt_totalsize(blob) > size) {
        report_error("%s: not a valid device tree blob", path);
        free(blob);
        return NULL;
    }
    int room = (int)(size + BUILDER_DTB_SLACK + (spec->cmdline ? strlen(spec->cmdline) : 0));
    void *fdt = malloc((size_t)room);
    int rc = fdt ? fdt_open_into(blob, fdt, room) : -FDT_ERR_NOSPACE;
    free(blob);
    if (rc == 0)
        rc = dt_fixup(fdt, d, spec, initrd_start, initrd_end);
    if (rc < 0) {
        report_error("%s: cannot update the device tree for domain %s: %s", path, d->name,
                     fdt_strerror(rc));
        free(fdt);
        return NULL;
    }
    fdt_pack(fdt);
    return fdt;
}

/* ---- loading ---- */

static int where(const struct hv_domain_spec *spec, const char *what)
{
    if (spec->origin)
        report_error_at(spec->origin, spec->line, "[domain %s] %s", spec->name, what);
    else
        report_error("domain %s: %s", spec->name, what);
    return -1;
}

int hv_builder_load(struct domain *d, const struct hv_domain_spec *spec,
                    const struct hv_dt_device *devices, unsigned nr_devices,
                    struct hv_boot_image *out)
{
    memset(out, 0, sizeof(*out));
    if (!spec->kernel)
        return where(spec, "no kernel given");
    struct loaded_image kernel;
    if (loader_load_kernel(d->as, spec->kernel, d->ram_base, -1, &kernel) < 0)
        return where(spec, "cannot load the kernel (see above)");
    if (kernel.low < d->ram_base || kernel.high > d->ram_base + d->ram_size)
        return where(spec, "the kernel does not lie inside the domain's RAM");
    out->entry = kernel.entry;
    out->kernel_low = kernel.low;
    out->kernel_high = kernel.high;

    uint64_t ram_end = d->ram_base + d->ram_size;
    uint64_t lowmem_end = d->ram_size > BUILDER_LOWMEM ? d->ram_base + BUILDER_LOWMEM : ram_end;
    uint64_t next_free = align_up(kernel.high, XEN_PAGE_SIZE);
    if (spec->initrd) {
        uint64_t offset = d->ram_size / 2 < BUILDER_LOWMEM ? d->ram_size / 2 : BUILDER_LOWMEM;
        uint64_t start = d->ram_base + offset;
        if (start < next_free)
            start = next_free;
        struct loaded_image initrd;
        if (loader_load_raw(d->as, spec->initrd, start, &initrd) < 0)
            return where(spec, "cannot load the initrd (see above): is memory large enough?");
        out->initrd_start = start;
        out->initrd_end = initrd.high;
        next_free = align_up(initrd.high, XEN_PAGE_SIZE);
    }

    void *fdt;
    if (spec->dtb) {
        fdt = dt_from_file(spec->dtb, d, spec, out->initrd_start, out->initrd_end);
        if (!fdt)
            return -1;
    } else {
        fdt = malloc(BUILDER_DTB_MAX);
        int rc = fdt ? dt_generate(fdt, BUILDER_DTB_MAX, d, spec, out->initrd_start,
                                   out->initrd_end, devices, nr_devices)
                     : -FDT_ERR_NOSPACE;
        if (rc < 0) {
            free(fdt);
            char msg[128];
            snprintf(msg, sizeof(msg), "cannot generate the device tree: %s", fdt_strerror(rc));
            return where(spec, msg);
        }
    }
    uint64_t size = fdt_totalsize(fdt);
    /* At the top of lowmem, clear of the initrd (ABI doc 2.1). */
    uint64_t dtb = (lowmem_end - size) & ~(uint64_t)(XEN_PAGE_SIZE - 1);
    if (dtb < next_free)
        dtb = next_free;
    int rc = dtb + size <= ram_end ? aspace_write_bytes(d->as, dtb, fdt, size) : -ERANGE;
    free(fdt);
    if (rc < 0)
        return where(spec, "no room for the device tree in the domain's RAM");
    out->dtb = dtb;
    return 0;
}

int hv_builder_xenstore(struct xs_store *xs, const struct domain *d)
{
    char path[96];
    int rc = 0;
#define XS_PATH(fmt, ...) (snprintf(path, sizeof(path), "/local/domain/%u/" fmt, d->domid, \
                                    ##__VA_ARGS__), path)
    rc |= xs_printf(xs, XS_PATH("name"), "%s", d->name);
    rc |= xs_printf(xs, XS_PATH("domid"), "%u", d->domid);
    rc |= xs_mkdir(xs, XS_PATH("control"));
    rc |= xs_mkdir(xs, XS_PATH("device"));
    rc |= xs_mkdir(xs, XS_PATH("data"));
    for (unsigned i = 0; i < d->max_vcpus; i++) {
        char node[48];
        snprintf(node, sizeof(node), "cpu/%u/availability", i);
        rc |= xs_printf(xs, XS_PATH("%s", node), "online");
    }
#undef XS_PATH
    return rc ? -EIO : 0;
}

void hv_builder_reset_vcpu(struct arm_cpu *cpu, uint64_t entry, uint32_t r0, uint32_t r2)
{
    /* Documentation/arm/booting.rst: SVC, interrupts masked, MMU off. */
    cpu_reset(cpu);
    cpu_set_cpsr(cpu, MODE_SVC | PSR_I | PSR_F | PSR_A, 0xffffffffu);
    cpu->r[0] = r0;
    cpu->r[1] = 0xffffffffu;
    cpu->r[2] = r2;
    cpu->thumb = entry & 1;
    cpu->r[15] = (uint32_t)entry & ~1u;
}
