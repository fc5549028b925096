/*
 * A domain's virtual platform (see hv/vplatform.h): vGIC, generic timer,
 * magic pages, vCPUs, and the Dom0 pass-through mappings.
 */
#include "hv/vplatform.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/report.h"
#include "hv/sched.h"

/* The generic timer's PPIs in the DT's order: secure phys, non-secure
 * phys, virtual, hyp (ABI doc 2.3: INTIDs 29, 30, 27, 26). */
static const unsigned vp_gtimer_ppi[GT_TIMER_COUNT] = { 13, 14, 11, 10 };

#define VP_CPU_IRQ 0
#define VP_CPU_FIQ 1

/* The vGIC's outputs: line 2n is vCPU n's IRQ, 2n + 1 its FIQ; a rising
 * line wakes a waiting vCPU. */
static void vp_cpu_input(void *opaque, unsigned line, int level)
{
    struct hv_vplatform *vp = opaque;
    unsigned vcpu = line / 2;
    struct arm_cpu *cpu = vp->cpu[vcpu];
    if (line % 2 == VP_CPU_FIQ)
        cpu_set_fiq(cpu, level);
    else
        cpu_set_irq(cpu, level);
    if (level && cpu->halted && vp->sched)
        hv_sched_kick(vp->sched, cpu);
}

/* Which vCPU of the domain makes the vGIC access being served: the one
 * running now if it is ours, else vCPU 0 (the monitor, hv itself). */
static unsigned vp_current_vcpu(void *opaque)
{
    struct hv_vplatform *vp = opaque;
    struct arm_cpu *cur = machine_current_cpu(vp->m);
    for (unsigned i = 0; i < vp->nr_vcpus; i++)
        if (vp->cpu[i] == cur)
            return i;
    return 0;
}

static int vp_create_vgic(struct hv_vplatform *vp, unsigned nr_vcpus)
{
    struct gic_config gc = {
        .version = GIC_V2,
        .num_irqs = HV_VGIC_IRQS,
        .num_cpus = nr_vcpus,
        .dist_name = vp->gicd_name,
        .cpu_name = vp->gicc_name,
        .dist_base = XEN_GUEST_GICD_BASE,
        .cpu_base = XEN_GUEST_GICC_BASE,
        .cpu_sel = { vp_current_vcpu, vp },
    };
    for (unsigned i = 0; i < nr_vcpus; i++) {
        gc.irq_out[i] = irq_line_make(vp_cpu_input, vp, 2 * i + VP_CPU_IRQ);
        gc.fiq_out[i] = irq_line_make(vp_cpu_input, vp, 2 * i + VP_CPU_FIQ);
    }
    vp->vgic = gic_create(&gc, &vp->m->trace);
    if (!vp->vgic)
        return -ENOMEM;
    struct aspace *as = vp->d->as;
    int rc = aspace_add_mmio(as, vp->vgic->dist.base, vp->vgic->dist.size, vp->vgic->dist.ops,
                             &vp->vgic->dist, vp->gicd_name);
    if (rc == 0)
        rc = aspace_add_mmio(as, vp->vgic->cpu.base, vp->vgic->cpu.size, vp->vgic->cpu.ops,
                             &vp->vgic->cpu, vp->gicc_name);
    return rc;
}

static int vp_create_gtimer(struct hv_vplatform *vp, unsigned nr_vcpus)
{
    struct irq_line ppi[GENERIC_TIMER_MAX_CPUS][GT_TIMER_COUNT];
    memset(ppi, 0, sizeof(ppi));
    for (unsigned i = 0; i < nr_vcpus; i++)
        for (unsigned t = 0; t < GT_TIMER_COUNT; t++)
            ppi[i][t] = gic_ppi_input(vp->vgic, i, vp_gtimer_ppi[t]);
    vp->gtimer = generic_timer_create(vp->gtimer_name, &vp->m->clock, nr_vcpus, ppi,
                                      &vp->m->trace);
    if (!vp->gtimer)
        return -ENOMEM;
    /* CNTVCT starts near 0 for the new domain (ABI doc 10). */
    uint64_t now = generic_timer_count(vp->gtimer);
    for (unsigned i = 0; i < nr_vcpus; i++) {
        vp->gtimer->cpus[i].cntvoff = now;
        generic_timer_attach_cpu(vp->gtimer, vp->cpu[i]);
    }
    return 0;
}

static int vp_create_vcpus(struct hv_vplatform *vp, unsigned nr_vcpus,
                           int (*hvc_hook)(struct arm_cpu *, uint32_t), void *hvc_opaque)
{
    for (unsigned i = 0; i < nr_vcpus; i++) {
        struct arm_cpu *cpu = calloc(1, sizeof(*cpu));
        if (!cpu)
            return -ENOMEM;
        vp->cpu[i] = cpu;
        vp->nr_vcpus = i + 1;
        cpu_init(cpu, &cpu_model_cortex_a15, i);
        cpu->trace = &vp->m->trace;
        mmu_attach(&vp->mmu[i], cpu, vp->d->as);
        cpu->hvc_hook = hvc_hook;
        cpu->hvc_opaque = hvc_opaque;
        /* Powered off until the builder (vCPU 0) or PSCI CPU_ON starts it. */
        cpu->halted = 1;
        int rc = hv_domain_add_vcpu(vp->d, cpu);
        if (rc < 0)
            return rc;
    }
    return 0;
}

struct hv_vplatform *hv_vplatform_create(struct machine *m, struct domain *d, unsigned nr_vcpus,
                                         int (*hvc_hook)(struct arm_cpu *, uint32_t),
                                         void *hvc_opaque)
{
    if (nr_vcpus == 0 || nr_vcpus > HV_VPLATFORM_MAX_VCPUS) {
        report_error("domain %s: vcpus must be 1..%u", d->name, HV_VPLATFORM_MAX_VCPUS);
        return NULL;
    }
    struct hv_vplatform *vp = calloc(1, sizeof(*vp));
    if (!vp) {
        report_error("domain %s: out of memory", d->name);
        return NULL;
    }
    vp->m = m;
    vp->d = d;
    snprintf(vp->gicd_name, sizeof(vp->gicd_name), "d%u-gicd", d->domid);
    snprintf(vp->gicc_name, sizeof(vp->gicc_name), "d%u-gicc", d->domid);
    snprintf(vp->gtimer_name, sizeof(vp->gtimer_name), "d%u-gtimer", d->domid);

    const char *what = "vCPUs";
    int rc = vp_create_vcpus(vp, nr_vcpus, hvc_hook, hvc_opaque);
    if (rc == 0) {
        what = "virtual GIC";
        rc = vp_create_vgic(vp, nr_vcpus);
    }
    if (rc == 0) {
        what = "generic timer";
        rc = vp_create_gtimer(vp, nr_vcpus);
    }
    if (rc == 0) {
        what = "magic pages";
        rc = aspace_add_ram(d->as, XEN_GUEST_MAGIC_BASE, HV_MAGIC_PAGES * XEN_PAGE_SIZE,
                            "magic");
    }
    if (rc < 0) {
        report_error("domain %s: cannot create its %s: %s", d->name, what, strerror(-rc));
        hv_vplatform_destroy(vp);
        return NULL;
    }
    vp->console_page = aspace_host_ptr(d->as, HV_CONSOLE_PAGE, XEN_PAGE_SIZE);
    vp->xenstore_page = aspace_host_ptr(d->as, HV_XENSTORE_PAGE, XEN_PAGE_SIZE);
    return vp;
}

void hv_vplatform_destroy(struct hv_vplatform *vp)
{
    if (!vp)
        return;
    generic_timer_destroy(vp->gtimer);
    if (vp->vgic) {
        vp->vgic->dist.destroy(&vp->vgic->dist);
        vp->vgic->cpu.destroy(&vp->vgic->cpu);
    }
    for (unsigned i = 0; i < vp->nr_vcpus; i++) {
        if (!vp->cpu[i])
            continue;
        if (vp->d && vp->d->as)
            aspace_detach_cpu(vp->d->as, vp->cpu[i]);
        free(vp->cpu[i]);
    }
    free(vp);
}

int hv_vplatform_map_device(struct hv_vplatform *vp, struct device *dev)
{
    if (!dev->size)
        return -EINVAL;
    return aspace_add_mmio(vp->d->as, dev->base, dev->size, dev->ops, dev, dev->name);
}

void hv_vplatform_set_pending(struct hv_vplatform *vp, unsigned vcpu, unsigned intid)
{
    /* GICD_ISPENDR<n> (IHI 0048B 4.3.7): banked for IDs 0-31. */
    gic_dist_write(vp->vgic, vcpu, 0x200 + (intid / 32) * 4, 1u << (intid % 32), 4);
}

struct irq_line hv_vplatform_spi(struct hv_vplatform *vp, unsigned spi)
{
    return gic_spi_input(vp->vgic, spi);
}
