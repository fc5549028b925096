/*
 * The virtual platform of one domain (ABI doc 2.4; hv-contract "guest-
 * physical map"): what its guest-physical address space holds besides the
 * RAM partition hv_domain_create() maps, and the vCPUs that run in it.
 *
 *   0x03001000  GICD, 4 KiB   a devices/gic.c instance (GIC-400 style, v2),
 *   0x03002000  GICC, 8 KiB   one CPU interface per vCPU
 *   0x38000000  grant-table frames (hv/grant_table.c maps them)
 *   0x39000000  magic page: PV console ring   (HVM_PARAM_CONSOLE_PFN)
 *   0x39001000  magic page: xenstore ring     (HVM_PARAM_STORE_PFN)
 *   0x40000000  RAM (the domain's window onto the board's RAM)
 *   Dom0 only:  the MMIO of each passed-through board device, at its board
 *               address, its interrupts routed to SPIs of this vGIC.
 *
 * Each vCPU is a Cortex-A15 struct arm_cpu attached (mmu_attach) to the
 * domain's address space, numbered 0.. inside the domain (cpu->index is
 * the vCPU number, so MPIDR.Aff0, the vGIC's banked registers and the
 * generic timer's per-CPU state all follow it). Its generic timer is a
 * devices/generic_timer.c instance per domain, whose four outputs per vCPU
 * go to the vGIC's PPIs in the DT's order (IDs 29, 30, 27, 26), on the
 * machine's single virtual clock. CNTVOFF starts at the counter value of
 * the domain's creation, so CNTVCT starts near 0 (ABI doc 10).
 */
#ifndef HV_VPLATFORM_H
#define HV_VPLATFORM_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/generic_timer.h"
#include "devices/gic.h"
#include "devices/machine.h"
#include "hv/domain.h"
#include "mmu/mmu.h"

#define HV_VGIC_IRQS 160u               /* as the board's GIC-400: SPIs 0..127 */
#define HV_VPLATFORM_MAX_VCPUS GENERIC_TIMER_MAX_CPUS
#define HV_MAGIC_PAGES 2u
#define HV_CONSOLE_PAGE (XEN_GUEST_MAGIC_BASE + 0 * XEN_PAGE_SIZE)
#define HV_XENSTORE_PAGE (XEN_GUEST_MAGIC_BASE + 1 * XEN_PAGE_SIZE)
#define HV_GNTTAB_FRAMES 32u            /* GNTTABOP_query_size max_nr_frames */

struct hv_sched;

struct hv_vplatform {
    struct machine *m;
    struct hv_sched *sched;         /* told when an interrupt wakes a waiting vCPU */
    struct domain *d;
    struct gic *vgic;
    struct generic_timer *gtimer;
    struct arm_cpu *cpu[HV_VPLATFORM_MAX_VCPUS];    /* allocated */
    struct mmu_context mmu[HV_VPLATFORM_MAX_VCPUS];
    unsigned nr_vcpus;
    /* Device names for traces and the monitor ("d1-gicd"). */
    char gicd_name[24], gicc_name[24], gtimer_name[24];
    uint8_t *console_page, *xenstore_page;          /* host pointers */
};

/*
 * Builds d's platform: vGIC, generic timer, magic pages and nr_vcpus
 * vCPUs (registered with hv_domain_add_vcpu, reset, halted until the
 * builder starts vCPU 0). hvc_hook/hvc_opaque go to every vCPU. Returns
 * NULL after printing what failed.
 */
struct hv_vplatform *hv_vplatform_create(struct machine *m, struct domain *d, unsigned nr_vcpus,
                                         int (*hvc_hook)(struct arm_cpu *, uint32_t),
                                         void *hvc_opaque);
/* Frees the vGIC and timer (their events are cancelled) and the vCPUs. */
void hv_vplatform_destroy(struct hv_vplatform *vp);

/*
 * Maps a board device's registers into d's space at the same address
 * (Dom0 pass-through). 0 or -errno.
 */
int hv_vplatform_map_device(struct hv_vplatform *vp, struct device *dev);

/* Makes interrupt ID intid pending on vCPU vcpu's interface (the event
 * PPI), as a GICD_ISPENDR write would. */
void hv_vplatform_set_pending(struct hv_vplatform *vp, unsigned vcpu, unsigned intid);
/* The input wire of the vGIC's SPI spi. */
struct irq_line hv_vplatform_spi(struct hv_vplatform *vp, unsigned spi);

#endif
