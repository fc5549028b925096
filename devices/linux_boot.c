/*
 * Direct Linux boot (see devices/linux_boot.h). The memory layout is
 * QEMU's, so the same kernel sees the same addresses under both:
 * zImage at RAM + 64 KiB, initrd at RAM + min(RAM/2, 128 MiB), the DTB
 * after the initrd on a 4 KiB boundary.
 */
#include "devices/linux_boot.h"

#include <errno.h>
#include <libfdt.h>
#include <stdlib.h>
#include <string.h>

#include "base/report.h"
#include "devices/loader.h"

#define INITRD_MAX_OFFSET (128u << 20)
#define DTB_EXTRA_SPACE 4096u /* room for the nodes and properties we add */

static uint64_t align_up(uint64_t value, uint64_t align)
{
    return (value + align - 1) & ~(align - 1);
}

/*
 * The secondary CPUs' holding pen (struct machine_smp_pen), ARM code run
 * with the MMU off, like the Versatile Express boot monitor:
 *
 *   ldr  r2, gic_cpu        @ this CPU's GIC CPU interface
 *   mov  r1, #1
 *   str  r1, [r2]           @ GICC_CTLR: forward Group 0 interrupts
 *   mov  r1, #0xff
 *   str  r1, [r2, #4]       @ GICC_PMR: let every priority through
 *   ldr  r0, release
 * 1:wfi                     @ the OS wakes us with an SGI...
 *   ldr  r1, [r0]
 *   cmp  r1, #0
 *   beq  1b                 @ ...after writing our entry point there
 *   bx   r1
 * gic_cpu: .word GIC CPU interface base
 * release: .word release register address
 *
 * The SGI stays pending in the GIC, so the kernel takes it once it
 * unmasks interrupts (Linux's IPI_WAKEUP does nothing).
 *
 * A CPU the device tree does not list is never started by the kernel,
 * but the kernel's first wake-up SGIs go to every CPU interface (Linux's
 * GIC driver targets 0xff until a CPU has come up), and a CPU released
 * from the pen would then spin in the kernel's own pen for good. Such a
 * CPU is parked instead, after the pen's two literal words: its GIC
 * interface stays disabled, so nothing wakes it:
 *
 * parked: wfi
 *   b    parked
 */
static const uint32_t smp_pen_code[] = {
    0xe59f2024, 0xe3a01001, 0xe5821000, 0xe3a010ff, 0xe5821004, 0xe59f0014,
    0xe320f003, 0xe5901000, 0xe3510000, 0x0afffffb, 0xe12fff11,
};
static const uint32_t smp_parked_code[] = { 0xe320f003, 0xeafffffd };

#define PEN_WORDS (sizeof(smp_pen_code) / 4)
#define PEN_PARKED_OFFSET ((PEN_WORDS + 2) * 4)

/*
 * Bit n set when the device tree's /cpus has a cpu node whose reg is n
 * (MPIDR affinity; the CPU number on these boards); all set without a
 * device tree or /cpus.
 */
static uint32_t dtb_cpu_mask(const void *fdt)
{
    int cpus = fdt_path_offset(fdt, "/cpus");
    if (cpus < 0)
        return ~0u;
    uint32_t mask = 0;
    int node;
    fdt_for_each_subnode(node, fdt, cpus) {
        const char *type = fdt_getprop(fdt, node, "device_type", NULL);
        int len;
        const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &len);
        if (!type || strcmp(type, "cpu") != 0 || !reg || len < 4)
            continue;
        uint32_t id = fdt32_to_cpu(reg[len / 4 - 1]) & 0xffffu;
        if (id < 32)
            mask |= 1u << id;
    }
    return mask ? mask : ~0u;
}

/* Writes the pen; every CPU but CPU 0 waits in it, or is parked if the
 * device tree (cpu_mask) does not list it. */
static int smp_pen_setup(struct machine *m, uint32_t cpu_mask)
{
    const struct machine_smp_pen *pen = &m->smp_pen;
    uint32_t image[PEN_WORDS + 2 + 2];
    memcpy(image, smp_pen_code, sizeof(smp_pen_code));
    image[PEN_WORDS] = pen->gic_cpu_base;
    image[PEN_WORDS + 1] = pen->release_addr;
    memcpy(&image[PEN_WORDS + 2], smp_parked_code, sizeof(smp_parked_code));
    int rc = aspace_write_bytes(&m->as, pen->pen_base, image, sizeof(image));
    if (rc < 0) {
        report_error("%s: cannot write the secondary CPUs' boot pen at 0x%08x",
                     m->board_name, pen->pen_base);
        return rc;
    }
    for (unsigned i = 1; i < m->cpu_count; i++) {
        struct arm_cpu *cpu = &m->cpu[i];
        bool listed = (cpu_mask >> i) & 1;
        if (!listed)
            report_warning("%s: the device tree has no cpu node for CPU %u: it stays parked",
                           m->board_name, i);
        cpu_set_cpsr(cpu, MODE_SVC | PSR_I | PSR_F | PSR_A, 0xffffffffu);
        cpu->thumb = 0;
        cpu->r[15] = pen->pen_base + (listed ? 0 : PEN_PARKED_OFFSET);
    }
    return 0;
}

/* Sets a property, creating /chosen or /memory as needed. */
static int fdt_path_node(void *fdt, const char *name)
{
    int node = fdt_path_offset(fdt, name);
    if (node >= 0)
        return node;
    return fdt_add_subnode(fdt, 0, name + 1);
}

static int fdt_set_cells(void *fdt, int node, const char *prop, uint64_t value, int cells)
{
    if (cells == 2)
        return fdt_setprop_u64(fdt, node, prop, value);
    return fdt_setprop_u32(fdt, node, prop, (uint32_t)value);
}

static int fdt_root_cells(const void *fdt, const char *name, int fallback)
{
    int len;
    const fdt32_t *p = fdt_getprop(fdt, 0, name, &len);
    return p && len == 4 ? (int)fdt32_to_cpu(*p) : fallback;
}

/* Rewrites /memory, /chosen bootargs and the initrd range (as QEMU does). */
static int dtb_fixup(const char *path, void *fdt, uint64_t ram_base, uint64_t ram_size,
                     const char *cmdline, uint64_t initrd_start, uint64_t initrd_end)
{
    int addr_cells = fdt_root_cells(fdt, "#address-cells", 1);
    int size_cells = fdt_root_cells(fdt, "#size-cells", 1);
    int memory = fdt_path_node(fdt, "/memory");
    int chosen = fdt_path_node(fdt, "/chosen");
    if (memory < 0 || chosen < 0) {
        report_error("%s: cannot add /memory or /chosen: %s", path,
                     fdt_strerror(memory < 0 ? memory : chosen));
        return -EINVAL;
    }
    uint8_t reg[16];
    int len = 0;
    if (addr_cells == 2) {
        fdt64_t v = cpu_to_fdt64(ram_base);
        memcpy(reg, &v, 8);
        len = 8;
    } else {
        fdt32_t v = cpu_to_fdt32((uint32_t)ram_base);
        memcpy(reg, &v, 4);
        len = 4;
    }
    if (size_cells == 2) {
        fdt64_t v = cpu_to_fdt64(ram_size);
        memcpy(reg + len, &v, 8);
        len += 8;
    } else {
        fdt32_t v = cpu_to_fdt32((uint32_t)ram_size);
        memcpy(reg + len, &v, 4);
        len += 4;
    }
    int rc = fdt_setprop_string(fdt, memory, "device_type", "memory");
    if (!rc)
        rc = fdt_setprop(fdt, memory, "reg", reg, len);
    if (!rc && cmdline)
        rc = fdt_setprop_string(fdt, chosen, "bootargs", cmdline);
    if (!rc && initrd_end > initrd_start) {
        rc = fdt_set_cells(fdt, chosen, "linux,initrd-start", initrd_start, addr_cells);
        if (!rc)
            rc = fdt_set_cells(fdt, chosen, "linux,initrd-end", initrd_end, addr_cells);
    }
    if (rc) {
        report_error("%s: cannot update the device tree: %s", path, fdt_strerror(rc));
        return -EINVAL;
    }
    return 0;
}

int linux_boot_setup(struct machine *m, const struct linux_boot *boot)
{
    struct loaded_image kernel;
    int rc = loader_load_kernel(&m->as, boot->kernel, m->ram_base, -1, &kernel);
    if (rc < 0)
        return rc;

    uint64_t initrd_start = 0, initrd_end = 0;
    uint64_t next_free = kernel.high;
    if (boot->initrd) {
        uint64_t offset = m->ram_size / 2;
        if (offset > INITRD_MAX_OFFSET)
            offset = INITRD_MAX_OFFSET;
        initrd_start = m->ram_base + offset;
        if (initrd_start < kernel.high)
            initrd_start = align_up(kernel.high, 4096);
        struct loaded_image initrd;
        rc = loader_load_raw(&m->as, boot->initrd, initrd_start, &initrd);
        if (rc < 0)
            return rc;
        initrd_end = initrd.high;
        next_free = initrd_end;
    }

    uint64_t dtb_addr = 0;
    uint32_t dt_cpus = ~0u;
    if (boot->dtb) {
        uint8_t *blob;
        uint64_t size;
        rc = loader_read_file(boot->dtb, 16u << 20, &blob, &size);
        if (rc < 0)
            return rc;
        if (size < sizeof(struct fdt_header) || fdt_check_header(blob) != 0 ||
            fdt_totalsize(blob) > size) {
            report_error("%s: not a valid device tree blob (%s)", boot->dtb,
                         size < sizeof(struct fdt_header) ? "too short"
                                                          : fdt_strerror(fdt_check_header(blob)));
            free(blob);
            return -EINVAL;
        }
        uint64_t room = size + DTB_EXTRA_SPACE + (boot->cmdline ? strlen(boot->cmdline) : 0);
        void *fdt = malloc(room);
        if (!fdt) {
            free(blob);
            return -ENOMEM;
        }
        rc = fdt_open_into(blob, fdt, (int)room);
        free(blob);
        if (rc == 0)
            rc = dtb_fixup(boot->dtb, fdt, m->ram_base, m->ram_size, boot->cmdline,
                           initrd_start, initrd_end);
        else
            report_error("%s: %s", boot->dtb, fdt_strerror(rc));
        if (rc == 0) {
            dt_cpus = dtb_cpu_mask(fdt);
            fdt_pack(fdt);
            dtb_addr = align_up(next_free, 4096);
            if (!aspace_host_ptr(&m->as, dtb_addr, fdt_totalsize(fdt))) {
                report_error("%s: no room for the device tree in guest RAM", boot->dtb);
                rc = -ERANGE;
            } else {
                rc = aspace_write_bytes(&m->as, dtb_addr, fdt, fdt_totalsize(fdt));
            }
        } else {
            rc = -EINVAL;
        }
        free(fdt);
        if (rc < 0)
            return rc;
    }

    if (m->cpu_count > 1 && m->smp_pen.pen_base) {
        rc = smp_pen_setup(m, dt_cpus);
        if (rc < 0)
            return rc;
    }

    /* Entry state: Documentation/arm/booting.rst, "Calling the kernel image". */
    struct arm_cpu *cpu = &m->cpu[0];
    cpu_set_cpsr(cpu, MODE_SVC | PSR_I | PSR_F | PSR_A, 0xffffffffu);
    cpu->r[0] = 0;
    cpu->r[1] = boot->machine_type;
    cpu->r[2] = (uint32_t)dtb_addr;
    cpu->thumb = kernel.entry & 1;
    cpu->r[15] = (uint32_t)kernel.entry & ~1u;
    return 0;
}
