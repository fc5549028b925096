/*
 * The domain builder (DESIGN.md, "Domain builder"; ABI doc 2 and 7.5):
 * puts a guest into a freshly created domain and gets it ready to run.
 *
 *   - kernel: an ELF file (entry from its header; mini-OS links at
 *     0x40008000) or a Linux zImage (at RAM + 64 KiB, where devices/loader.c
 *     places it on a bare board);
 *   - initrd (optional): at RAM + min(RAM/2, 128 MiB), or after the kernel;
 *   - device tree: the spec's dtb if given (its /memory, /chosen bootargs
 *     and initrd range rewritten), else generated with libfdt following ABI
 *     doc 2.3-2.5 exactly: root compatible "xen,xenvm-4.17", /cpus with one
 *     "arm,cortex-a15" per vCPU, /memory, the vGIC ("arm,cortex-a15-gic" at
 *     0x03001000/0x03002000), "arm,armv7-timer" with PPIs 13, 14, 11, 10,
 *     /hypervisor ("xen,xen-4.17", "xen,xen"; reg = the grant-table region;
 *     interrupts = PPI 15 = INTID 31), psci 0.2 over HVC, /chosen bootargs
 *     and initrd. Dom0's pass-through devices get a node each (compatible
 *     from the device model, reg, interrupts), so a guest can find them.
 *     The blob goes at the top of the first 128 MiB of RAM (below the end
 *     of RAM), or after the initrd if that reaches higher;
 *   - xenstore: /local/domain/<id>/{name, domid, control/, device/,
 *     cpu/N/availability} (ABI doc 7.5);
 *   - vCPU 0: SVC mode, IRQ/FIQ/aborts masked, MMU off, ARM or Thumb per
 *     the entry's bit 0, r0 = 0, r1 = 0xffffffff, r2 = the DTB's IPA.
 * Every failure prints what and where (file, section line) and returns -1.
 */
#ifndef HV_DOMAIN_BUILDER_H
#define HV_DOMAIN_BUILDER_H

#include <stdint.h>

#include "hv/domain.h"
#include "hv/system.h"
#include "hv/xenstore.h"

struct hv_boot_image {
    uint64_t entry;
    uint64_t dtb;               /* IPA of the device tree (0: none) */
    uint64_t kernel_low, kernel_high;
    uint64_t initrd_start, initrd_end;
};

/* One pass-through device described in Dom0's device tree. */
struct hv_dt_device {
    const char *name;
    const char *type;           /* device model: "pl011" */
    uint64_t base, size;
    int spi, spi2;              /* -1: none */
};

/* Loads kernel, initrd and the device tree into d's RAM. */
int hv_builder_load(struct domain *d, const struct hv_domain_spec *spec,
                    const struct hv_dt_device *devices, unsigned nr_devices,
                    struct hv_boot_image *out);
/* Writes d's initial xenstore entries (d must be introduced first). */
int hv_builder_xenstore(struct xs_store *xs, const struct domain *d);
/* The boot register state of a vCPU entering at entry with r2 = dtb
 * (also PSCI CPU_ON's, with r0 = context). */
void hv_builder_reset_vcpu(struct arm_cpu *cpu, uint64_t entry, uint32_t r0, uint32_t r2);

#endif
