/*
 * The hypercall dispatcher (see hv/hypercall.h and docs/hypervisor.md,
 * "Hypercalls").
 *
 * Each handler reads its arguments from the caller's registers, copies
 * argument structures in and results out through the caller's own
 * translation, and returns the value for r0. Error numbers and their order
 * of checks follow Xen 4.17 (common/ and arch/arm/), except where the ABI
 * document decides otherwise; those places say so.
 */
#include "hv/hypercall.h"

#include <stdbool.h>
#include <string.h>

#include "base/trace.h"
#include "hv/console.h"
#include "hv/evtchn.h"
#include "hv/grant_table.h"
#include "hv/guest_mem.h"
#include "hv/toolstack.h"
#include "hv/xen_abi.h"

/* The version hv/ reports (XENVER_version, the /hypervisor node). */
#define XEN_VERSION_MAJOR 4u
#define XEN_VERSION_MINOR 17u
#define XEN_EXTRAVERSION ".0-armhv"
/* What Xen on a 32-bit ARM host reports for XENVER_capabilities. */
#define XEN_CAPABILITIES "xen-3.0-armv7l "

/* HVC is a 32-bit instruction in both ARM (A1) and Thumb (T1) state. */
#define HVC_INSN_BYTES 4u

/* One hypercall in progress. */
struct hcall {
    struct domain *d;
    unsigned vcpu;
    struct arm_cpu *cpu;
    bool preempted;             /* re-execute the HVC: r0 is left alone */
};

static uint32_t arg(const struct hcall *c, unsigned i)
{
    return c->cpu->r[i];
}

/* Argument registers were advanced past the work done: run the HVC again. */
static int preempt(struct hcall *c)
{
    c->preempted = true;
    return 0;
}

static int copy_in(struct hcall *c, uint32_t va, void *buf, size_t len)
{
    return hv_copy_from_guest(c->d, c->cpu, va, buf, len);
}

static int copy_out(struct hcall *c, uint32_t va, const void *buf, size_t len)
{
    return hv_copy_to_guest(c->d, c->cpu, va, buf, len);
}

/* Writes a NUL-padded string field of exactly size bytes. */
static int copy_out_string(struct hcall *c, uint32_t va, const char *s, size_t size)
{
    char buf[XEN_CAPABILITIES_LEN];
    memset(buf, 0, size);
    strncpy(buf, s, size - 1);
    return copy_out(c, va, buf, size) < 0 ? -XEN_EFAULT : 0;
}

/* Shuts target down and tells the platform once. */
static void shut_down(struct domain *target, uint32_t reason)
{
    if (hv_domain_shutdown(target, reason) && target->hv->domain_shutdown)
        target->hv->domain_shutdown(target, reason);
}

/* ---- xen_version (doc 4.2) ---- */

static int hc_xen_version(struct hcall *c)
{
    uint32_t cmd = arg(c, 0), ptr = arg(c, 1);
    switch (cmd) {
    case XEN_XENVER_version:
        return (int)((XEN_VERSION_MAJOR << 16) | XEN_VERSION_MINOR);
    case XEN_XENVER_extraversion:
        return copy_out_string(c, ptr, XEN_EXTRAVERSION, XEN_EXTRAVERSION_LEN);
    case XEN_XENVER_compile_info: {
        struct xen_compile_info info;
        memset(&info, 0, sizeof(info));
        /* Fixed strings: a guest must see the same hypervisor whatever
         * host built the emulator (replay compares runs). */
        strcpy(info.compiler, "armhv-emu C11");
        strcpy(info.compile_by, "armhv");
        strcpy(info.compile_domain, "armhv-emu");
        strcpy(info.compile_date, "n/a");
        return copy_out(c, ptr, &info, sizeof(info)) < 0 ? -XEN_EFAULT : 0;
    }
    case XEN_XENVER_capabilities:
        return copy_out_string(c, ptr, XEN_CAPABILITIES, XEN_CAPABILITIES_LEN);
    case XEN_XENVER_changeset:
        return copy_out_string(c, ptr, "armhv-emu", XEN_CHANGESET_LEN);
    case XEN_XENVER_platform_parameters: {
        /* The hypervisor takes no part of the guest's virtual space. */
        struct xen_platform_parameters p = {.virt_start = 0};
        return copy_out(c, ptr, &p, sizeof(p)) < 0 ? -XEN_EFAULT : 0;
    }
    case XEN_XENVER_get_features: {
        struct xen_feature_info fi;
        if (copy_in(c, ptr, &fi, sizeof(fi)) < 0)
            return -XEN_EFAULT;
        if (fi.submap_idx != 0)     /* XENFEAT_NR_SUBMAPS = 1; doc 4.2 */
            return -XEN_EINVAL;
        /* Never dom0 (bit 11) for a DomU: Linux would act as Dom0. */
        fi.submap = XEN_DOMU_FEATURES | (c->d->privileged ? 1u << XEN_FEAT_dom0 : 0);
        return copy_out(c, ptr, &fi, sizeof(fi)) < 0 ? -XEN_EFAULT : 0;
    }
    case XEN_XENVER_pagesize:
        return (int)XEN_PAGE_SIZE;
    case XEN_XENVER_guest_handle: {
        /* No UUIDs here: a fixed handle that carries the domain id. */
        uint8_t h[XEN_DOMAIN_HANDLE_LEN] = {0};
        h[14] = (uint8_t)(c->d->domid >> 8);
        h[15] = (uint8_t)c->d->domid;
        return copy_out(c, ptr, h, sizeof(h)) < 0 ? -XEN_EFAULT : 0;
    }
    default:
        return -XEN_ENOSYS;
    }
}

/* ---- memory_op (doc 4.5) ---- */

static int hc_memory_op(struct hcall *c)
{
    /* The upper bits are Xen's continuation state; hv/ never sets them. */
    uint32_t cmd = arg(c, 0) & XEN_MEMOP_CMD_MASK, ptr = arg(c, 1);
    switch (cmd) {
    case XEN_XENMEM_add_to_physmap: {
        struct xen_add_to_physmap xatp;
        if (copy_in(c, ptr, &xatp, sizeof(xatp)) < 0)
            return -XEN_EFAULT;
        struct domain *target;
        int rc = hv_domain_lookup_target(c->d, xatp.domid, &target);
        if (rc < 0)
            return rc;
        switch (xatp.space) {
        case XEN_XENMAPSPACE_shared_info:
            return xatp.idx == 0 ? hv_evtchn_map_shared_info(target, xatp.gpfn)
                                 : -XEN_EINVAL;
        case XEN_XENMAPSPACE_grant_table:
            return hv_gnttab_add_to_physmap(target, xatp.idx, xatp.gpfn);
        default:
            /* gmfn, gmfn_range, gmfn_foreign, dev_mmio: a domain's RAM
             * partition is fixed here. */
            return -XEN_ENOSYS;
        }
    }
    default:
        /* increase/decrease_reservation and populate_physmap (the balloon
         * must see failure, doc 4.5), remove_from_physmap,
         * add_to_physmap_range, and the rest. */
        return -XEN_ENOSYS;
    }
}

/* ---- vcpu_op (doc 4.8) ---- */

static int hc_vcpu_op(struct hcall *c)
{
    uint32_t cmd = arg(c, 0), id = arg(c, 1), ptr = arg(c, 2);
    struct domain *d = c->d;
    /* Xen looks the vCPU up before the sub-op. */
    if (id >= d->max_vcpus || !d->vcpu[id].cpu)
        return -XEN_ENOENT;
    switch (cmd) {
    case XEN_VCPUOP_register_vcpu_info: {
        struct xen_vcpu_register_vcpu_info info;
        if (copy_in(c, ptr, &info, sizeof(info)) < 0)
            return -XEN_EFAULT;
        return hv_evtchn_register_vcpu_info(d, id, info.mfn, info.offset);
    }
    case XEN_VCPUOP_register_runstate_memory_area: {
        /* A guest handle: only its low 32 bits are set by Linux (doc 3.3). */
        uint64_t handle;
        if (copy_in(c, ptr, &handle, sizeof(handle)) < 0)
            return -XEN_EFAULT;
        d->vcpu[id].runstate_registered = true;
        d->vcpu[id].runstate_va = (uint32_t)handle;
        return 0;
    }
    case XEN_VCPUOP_is_up:
        return d->vcpu[id].online ? 1 : 0;
    default:
        /* initialise, up, down (PSCI brings vCPUs up on ARM), timers,
         * send_nmi, get_physid, ... */
        return -XEN_ENOSYS;
    }
}

/* ---- hvm_op (doc 4.4) ---- */

static int hc_hvm_op(struct hcall *c)
{
    uint32_t op = arg(c, 0), ptr = arg(c, 1);
    if (op != XEN_HVMOP_get_param && op != XEN_HVMOP_set_param)
        return -XEN_ENOSYS;
    struct xen_hvm_param p;
    if (copy_in(c, ptr, &p, sizeof(p)) < 0)
        return -XEN_EFAULT;
    if (p.index >= XEN_HVM_NR_PARAMS)
        return -XEN_EINVAL;
    struct domain *target;
    int rc = hv_domain_lookup_target(c->d, p.domid, &target);
    if (rc < 0)
        return rc;
    if (op == XEN_HVMOP_set_param) {
        /* The ABI document: only x86 HVM callback setup uses set_param;
         * a DomU may not change its store or console pages and ports. */
        if (!c->d->privileged)
            return -XEN_EPERM;
        return hv_domain_set_param(target, p.index, p.value);
    }
    rc = hv_domain_get_param(target, p.index, &p.value);
    if (rc < 0)
        return rc;
    return copy_out(c, ptr, &p, sizeof(p)) < 0 ? -XEN_EFAULT : 0;
}

/* ---- event_channel_op and grant_table_op (doc 4.6, 4.7) ---- */

static int hc_event_channel_op(struct hcall *c)
{
    return hv_evtchn_op(c->d, c->cpu, arg(c, 0), arg(c, 1));
}

static int hc_grant_table_op(struct hcall *c)
{
    uint32_t cmd = arg(c, 0), uop = arg(c, 1), count = arg(c, 2);
    uint32_t done;
    int rc = hv_gnttab_op(c->d, c->cpu, cmd, uop, count, &done);
    if (rc != HV_PREEMPTED)
        return rc;
    c->cpu->r[1] = uop + done * (uint32_t)hv_gnttab_op_size(cmd);
    c->cpu->r[2] = count - done;
    return preempt(c);
}

/* ---- sched_op (doc 4.10) ---- */

/* Blocks the calling vCPU unless an event is already waiting for it. */
static void block_caller(struct hcall *c)
{
    struct xen_vcpu_info *vi = hv_evtchn_vcpu_info(c->d, c->vcpu);
    if (vi && vi->evtchn_upcall_pending)
        return;
    c->d->vcpu[c->vcpu].blocked = true;
    if (c->d->hv->vcpu_block)
        c->d->hv->vcpu_block(c->d, c->vcpu);
}

static int sched_poll(struct hcall *c, uint32_t ptr)
{
    struct xen_sched_poll poll;
    if (copy_in(c, ptr, &poll, sizeof(poll)) < 0)
        return -XEN_EFAULT;
    if (poll.nr_ports > XEN_SCHED_POLL_MAX_PORTS)
        return -XEN_EINVAL;
    uint32_t ports[XEN_SCHED_POLL_MAX_PORTS];
    if (copy_in(c, (uint32_t)poll.ports, ports, poll.nr_ports * sizeof(ports[0])) < 0)
        return -XEN_EFAULT;
    bool pending = false;
    for (uint32_t i = 0; i < poll.nr_ports; i++) {
        if (ports[i] >= XEN_EVTCHN_2L_NR_CHANNELS)
            return -XEN_EINVAL;
        pending |= hv_evtchn_is_pending(c->d, ports[i]);
    }
    /* The timeout is not modelled: the vCPU waits for an event (an
     * upcall or interrupt); the guest re-checks its ports on return. */
    if (!pending)
        block_caller(c);
    return 0;
}

static int hc_sched_op(struct hcall *c)
{
    uint32_t cmd = arg(c, 0), ptr = arg(c, 1);
    struct domain *d = c->d;
    switch (cmd) {
    case XEN_SCHEDOP_yield:
        /* hvc_xen spins on yield while out[] is full: drain it first. */
        hv_console_drain(d);
        if (d->hv->vcpu_yield)
            d->hv->vcpu_yield(d, c->vcpu);
        return 0;
    case XEN_SCHEDOP_block:
        block_caller(c);
        return 0;
    case XEN_SCHEDOP_poll:
        return sched_poll(c, ptr);
    case XEN_SCHEDOP_shutdown: {
        struct xen_sched_shutdown s;
        if (copy_in(c, ptr, &s, sizeof(s)) < 0)
            return -XEN_EFAULT;
        if (s.reason > XEN_SHUTDOWN_soft_reset)
            return -XEN_EINVAL;
        shut_down(d, s.reason);
        return 0;
    }
    case XEN_SCHEDOP_remote_shutdown: {
        struct xen_sched_remote_shutdown s;
        if (copy_in(c, ptr, &s, sizeof(s)) < 0)
            return -XEN_EFAULT;
        if (s.reason > XEN_SHUTDOWN_soft_reset)
            return -XEN_EINVAL;
        struct domain *target;
        int rc = hv_domain_lookup_target(d, s.domain_id, &target);
        if (rc < 0)
            return rc;
        /* Xen: XSM_DM_PRIV, so not even a domain on itself unless it is
         * privileged. */
        if (!d->privileged)
            return -XEN_EPERM;
        shut_down(target, s.reason);
        return 0;
    }
    default:
        /* shutdown_code, watchdog, pin_override, ... */
        return -XEN_ENOSYS;
    }
}

/* ---- console_io (doc 4.3) ---- */

static int hc_console_io(struct hcall *c)
{
    uint32_t cmd = arg(c, 0), count = arg(c, 1), ptr = arg(c, 2);
    struct domain *d = c->d;
    char buf[HV_CONSOLE_IO_CHUNK];
    switch (cmd) {
    case XEN_CONSOLEIO_write: {
        uint32_t n = count < sizeof(buf) ? count : (uint32_t)sizeof(buf);
        if (copy_in(c, ptr, buf, n) < 0)
            return -XEN_EFAULT;
        hv_console_output(d, buf, n);
        if (n == count)
            return 0;
        c->cpu->r[1] = count - n;
        c->cpu->r[2] = ptr + n;
        return preempt(c);
    }
    case XEN_CONSOLEIO_read: {
        /* Only Dom0's hvc uses it; a DomU reads nothing (doc 4.3). */
        if (!d->privileged || !d->hv->console_read || count == 0)
            return 0;
        uint32_t n = count < sizeof(buf) ? count : (uint32_t)sizeof(buf);
        /* Check the buffer before taking input that could not be stored. */
        if (copy_in(c, ptr, buf, n) < 0)
            return -XEN_EFAULT;
        size_t got = d->hv->console_read(d, buf, n);
        if (got > n)
            got = n;
        if (copy_out(c, ptr, buf, got) < 0)
            return -XEN_EFAULT;
        return (int)got;
    }
    default:
        return -XEN_ENOSYS;
    }
}

/* ---- vm_assist (doc 4.9) ---- */

static int hc_vm_assist(struct hcall *c)
{
    uint32_t cmd = arg(c, 0), type = arg(c, 1);
    if (cmd != XEN_VMASST_CMD_enable && cmd != XEN_VMASST_CMD_disable)
        return -XEN_ENOSYS;
    /* The only type Xen offers ARM guests. hv/ never writes the runstate
     * area, so the update-flag protocol holds trivially. */
    if (type != XEN_VMASST_TYPE_runstate_update_flag)
        return -XEN_EINVAL;
    if (cmd == XEN_VMASST_CMD_enable)
        c->d->vm_assist |= 1u << type;
    else
        c->d->vm_assist &= ~(1u << type);
    return 0;
}

/* ---- domctl: the armhv toolstack (hv/toolstack.c) ---- */

static int hc_domctl(struct hcall *c)
{
    return hv_toolstack_domctl(c->d, c->cpu, arg(c, 0));
}

/* ---- the table ---- */

struct hypercall {
    const char *name;
    int (*run)(struct hcall *c);
};

static const struct hypercall hypercalls[XEN_NR_HYPERCALLS] = {
    [XEN_HC_memory_op] = {"memory_op", hc_memory_op},
    [XEN_HC_xen_version] = {"xen_version", hc_xen_version},
    [XEN_HC_console_io] = {"console_io", hc_console_io},
    [XEN_HC_grant_table_op] = {"grant_table_op", hc_grant_table_op},
    [XEN_HC_vm_assist] = {"vm_assist", hc_vm_assist},
    [XEN_HC_vcpu_op] = {"vcpu_op", hc_vcpu_op},
    [XEN_HC_sched_op] = {"sched_op", hc_sched_op},
    [XEN_HC_event_channel_op] = {"event_channel_op", hc_event_channel_op},
    [XEN_HC_hvm_op] = {"hvm_op", hc_hvm_op},
    [XEN_HC_domctl] = {"domctl", hc_domctl},
};

const char *hv_hypercall_name(uint32_t nr)
{
    return nr < XEN_NR_HYPERCALLS ? hypercalls[nr].name : NULL;
}

/* ---- HVC #0: PSCI 0.2 (doc 3.6, 11) ---- */

/* The vCPU a PSCI target affinity names (Aff0 = vCPU index), or -1. */
static int psci_target(const struct domain *d, uint32_t mpidr)
{
    /* Aff1 and Aff2 must be 0; bits 31:24 (U, MT, the RES1 bit) are not
     * part of the affinity. */
    uint32_t vcpu = mpidr & 0xFFu;
    if ((mpidr & 0x00FFFF00u) || vcpu >= d->max_vcpus || !d->vcpu[vcpu].cpu)
        return -1;
    return (int)vcpu;
}

static int32_t psci_call(struct hcall *c)
{
    struct domain *d = c->d;
    uint32_t fn = arg(c, 0);
    switch (fn) {
    case PSCI_0_2_FN_PSCI_VERSION:
        return PSCI_VERSION_0_2;
    case PSCI_0_2_FN_MIGRATE_INFO_TYPE:
        return PSCI_MIGRATE_TOS_MP;
    case PSCI_1_0_FN_PSCI_FEATURES:
        switch (arg(c, 1)) {
        case PSCI_0_2_FN_PSCI_VERSION:
        case PSCI_0_2_FN_MIGRATE_INFO_TYPE:
        case PSCI_0_2_FN_CPU_ON:
        case PSCI_0_2_FN_AFFINITY_INFO:
        case PSCI_0_2_FN_SYSTEM_OFF:
        case PSCI_0_2_FN_SYSTEM_RESET:
            return PSCI_SUCCESS;
        default:
            return PSCI_NOT_SUPPORTED;
        }
    case PSCI_0_2_FN_CPU_ON: {
        int v = psci_target(d, arg(c, 1));
        if (v < 0)
            return PSCI_INVALID_PARAMS;
        if (d->vcpu[v].online)
            return PSCI_ALREADY_ON;
        if (!d->hv->vcpu_on)
            return PSCI_NOT_SUPPORTED;
        int rc = d->hv->vcpu_on(d, (unsigned)v, arg(c, 2), arg(c, 3));
        if (rc == PSCI_SUCCESS)
            d->vcpu[v].online = true;
        return rc;
    }
    case PSCI_0_2_FN_AFFINITY_INFO: {
        int v = psci_target(d, arg(c, 1));
        if (v < 0 || arg(c, 2) != 0)    /* only affinity level 0 */
            return PSCI_INVALID_PARAMS;
        return d->vcpu[v].online ? PSCI_AFFINITY_ON : PSCI_AFFINITY_OFF;
    }
    case PSCI_0_2_FN_SYSTEM_OFF:
        shut_down(d, XEN_SHUTDOWN_poweroff);
        return PSCI_SUCCESS;
    case PSCI_0_2_FN_SYSTEM_RESET:
        shut_down(d, XEN_SHUTDOWN_reboot);
        return PSCI_SUCCESS;
    default:
        /* CPU_SUSPEND, CPU_OFF, SMCCC_VERSION, 64-bit ids, ... */
        return PSCI_NOT_SUPPORTED;
    }
}

/* ---- the entry point ---- */

int hv_hypercall(struct domain *d, unsigned vcpu, struct arm_cpu *cpu, uint32_t imm)
{
    d->stats.traps++;
    if (vcpu >= HV_MAX_VCPUS || d->vcpu[vcpu].cpu != cpu) {
        trace_printf(d->hv->trace, TRACE_GUEST_ERROR, "d%u: HVC from an unknown vCPU %u",
                     d->domid, vcpu);
        return -1;
    }
    struct hcall c = {.d = d, .vcpu = vcpu, .cpu = cpu};
    if (imm == XEN_SMCCC_HVC_IMM) {
        d->stats.psci_calls++;
        uint32_t fn = cpu->r[0];
        int32_t rc = psci_call(&c);
        cpu->r[0] = (uint32_t)rc;
        trace_printf(d->hv->trace, TRACE_HV, "d%uv%u: PSCI 0x%08x = %d", d->domid, vcpu, fn,
                     rc);
        return 0;
    }
    if (imm != XEN_HYPERCALL_TAG) {
        trace_printf(d->hv->trace, TRACE_GUEST_ERROR, "d%uv%u: HVC #0x%x is not a hypercall",
                     d->domid, vcpu, imm);
        return -1;
    }
    uint32_t nr = cpu->r[12];
    hv_domain_count_hypercall(d, nr);
    const struct hypercall *h = nr < XEN_NR_HYPERCALLS ? &hypercalls[nr] : NULL;
    uint32_t a0 = cpu->r[0], a1 = cpu->r[1], a2 = cpu->r[2];
    int rc = h && h->run ? h->run(&c) : -XEN_ENOSYS;
    if (c.preempted) {
        cpu->r[15] -= HVC_INSN_BYTES;
        trace_printf(d->hv->trace, TRACE_HV, "d%uv%u: %s(0x%x, 0x%x, 0x%x) preempted", d->domid,
                     vcpu, h->name, a0, a1, a2);
        return HV_PREEMPTED;
    }
    cpu->r[0] = (uint32_t)rc;
    if (trace_enabled(d->hv->trace, TRACE_HV))  /* the hot path: no formatting */
        trace_printf(d->hv->trace, TRACE_HV, "d%uv%u: %s#%u(0x%x, 0x%x, 0x%x) = %d",
                     d->domid, vcpu, h && h->name ? h->name : "hypercall", nr, a0, a1, a2, rc);
    return 0;
}
