/*
 * Booting a Linux kernel directly, the way QEMU's -kernel and a boot loader
 * do (Documentation/arm/booting.rst): zImage in RAM, initrd and the device
 * tree after it, r0 = 0, r1 = machine type, r2 = DTB address, SVC mode with
 * interrupts masked, MMU and caches off.
 */
#ifndef DEVICES_LINUX_BOOT_H
#define DEVICES_LINUX_BOOT_H

#include <stdint.h>

#include "devices/machine.h"

struct linux_boot {
    const char *kernel;     /* zImage (or ELF) path */
    const char *dtb;        /* may be NULL: then no device tree is passed */
    const char *initrd;     /* may be NULL */
    const char *cmdline;    /* may be NULL */
    uint32_t machine_type;  /* r1 */
};

/*
 * Loads everything and sets CPU 0 up for entry; on a machine with more
 * than one CPU and a holding pen (machine.smp_pen) it also writes the pen
 * and parks the other CPUs in it, for the kernel to release. Prints
 * errors, returns -errno.
 */
int linux_boot_setup(struct machine *m, const struct linux_boot *boot);

#endif
