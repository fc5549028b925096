/*
 * Xen's ARM32 guest ABI as hv/ sees it: hypercall numbers, sub-operations,
 * argument structures, shared_info/vcpu_info, grant entries and Xen's errno
 * values. Transcribed from ../shared/docs/xen-arm-guest-abi.md (which cites
 * Linux 6.1's include/xen/interface/ and Xen's public headers); the names
 * follow Xen's with an XEN_ / xen_ prefix so they never clash with a host
 * header.
 *
 * Layout rules of the ABI (AAPCS, doc section 3.3): uint64_t fields are
 * 8-byte aligned, guest handles are 8-byte unions whose low 32 bits hold
 * the guest virtual address (the upper half may be garbage: never use it),
 * xen_pfn_t and xen_ulong_t are 64-bit. Every structure below is copied to
 * and from guest memory byte for byte, so its offsets and size are checked
 * at compile time against the document; the host must be little-endian,
 * as the emulator assumes everywhere.
 */
#ifndef HV_XEN_ABI_H
#define HV_XEN_ABI_H

#include <stddef.h>
#include <stdint.h>

#define XEN_ABI_CHECK(type, field, off) \
    _Static_assert(offsetof(struct type, field) == (off), #type "." #field " offset")
#define XEN_ABI_SIZE(type, size) \
    _Static_assert(sizeof(struct type) == (size), "sizeof " #type)

/* ---- calling convention (doc 3.1, 3.2) ---- */

#define XEN_HYPERCALL_TAG 0xEA1u    /* HVC #0xEA1: number in r12, args r0-r4 */
#define XEN_SMCCC_HVC_IMM 0x0000u   /* HVC #0: SMCCC / PSCI */
#define XEN_GUEST_EVTCHN_PPI 31u    /* event-channel upcall, INTID 31 (PPI 15) */
#define XEN_GUEST_VTIMER_PPI 27u    /* virtual timer, INTID 27 */

/* Recommended DomU guest-physical map (doc 2.4, Xen's GUEST_* names). */
#define XEN_GUEST_GICD_BASE 0x03001000u
#define XEN_GUEST_GICC_BASE 0x03002000u
#define XEN_GUEST_GNTTAB_BASE 0x38000000u
#define XEN_GUEST_MAGIC_BASE 0x39000000u    /* console pfn +0, xenstore pfn +1 */
#define XEN_GUEST_RAM0_BASE 0x40000000u

#define XEN_PAGE_SHIFT 12
#define XEN_PAGE_SIZE 4096u

/* ---- hypercall numbers (include/xen/interface/xen.h, doc 3.5) ---- */

enum xen_hypercall {
    XEN_HC_set_trap_table = 0,
    XEN_HC_mmu_update = 1,
    XEN_HC_platform_op = 7,
    XEN_HC_memory_op = 12,
    XEN_HC_multicall = 13,
    XEN_HC_xen_version = 17,
    XEN_HC_console_io = 18,
    XEN_HC_physdev_op_compat = 19,
    XEN_HC_grant_table_op = 20,
    XEN_HC_vm_assist = 21,
    XEN_HC_vcpu_op = 24,
    XEN_HC_sched_op = 29,
    XEN_HC_callback_op = 30,
    XEN_HC_event_channel_op = 32,
    XEN_HC_physdev_op = 33,
    XEN_HC_hvm_op = 34,
    XEN_HC_sysctl = 35,
    XEN_HC_domctl = 36,
    XEN_HC_dm_op = 41,
    XEN_HC_arch_0 = 48,
    XEN_HC_arch_7 = 55,
};
#define XEN_NR_HYPERCALLS 64u       /* per-number counters cover 0..63 */

/* ---- errno values returned negated in r0 (Xen's public errno.h, doc 3.4) ---- */

enum xen_errno {
    XEN_EPERM = 1,
    XEN_ENOENT = 2,
    XEN_ESRCH = 3,
    XEN_EINTR = 4,
    XEN_EIO = 5,
    XEN_ENXIO = 6,
    XEN_E2BIG = 7,
    XEN_EBADF = 9,
    XEN_EAGAIN = 11,
    XEN_ENOMEM = 12,
    XEN_EACCES = 13,
    XEN_EFAULT = 14,
    XEN_EBUSY = 16,
    XEN_EEXIST = 17,
    XEN_ENODEV = 19,
    XEN_EISDIR = 21,
    XEN_EINVAL = 22,
    XEN_ENOSPC = 28,
    XEN_EROFS = 30,
    XEN_ENOSYS = 38,
    XEN_ENOTEMPTY = 39,
    XEN_ETIME = 62,
    XEN_EOPNOTSUPP = 95,
    XEN_EISCONN = 106,
};

/* ---- domain ids (doc 3.3) ---- */

#define XEN_DOMID_FIRST_RESERVED 0x7FF0u
#define XEN_DOMID_SELF 0x7FF0u
#define XEN_DOMID_IO 0x7FF1u
#define XEN_DOMID_XEN 0x7FF2u
#define XEN_DOMID_INVALID 0x7FF4u

/* ---- shared_info and vcpu_info (include/xen/interface/xen.h, doc 5.1) ---- */

#define XEN_EVTCHN_2L_WORDS 64u                      /* xen_ulong_t words */
#define XEN_EVTCHN_2L_NR_CHANNELS (XEN_EVTCHN_2L_WORDS * 64u)   /* 4096 ports */
#define XEN_LEGACY_MAX_VCPUS 1u

/* pvclock_vcpu_time_info: unused by ARM Linux, kept for the layout. */
struct xen_vcpu_time_info {
    uint32_t version;
    uint32_t pad0;
    _Alignas(8) uint64_t tsc_timestamp;
    _Alignas(8) uint64_t system_time;
    uint32_t tsc_to_system_mul;
    int8_t tsc_shift;
    uint8_t flags;
    uint8_t pad1[2];
};
XEN_ABI_CHECK(xen_vcpu_time_info, system_time, 16);
XEN_ABI_CHECK(xen_vcpu_time_info, tsc_shift, 28);
XEN_ABI_SIZE(xen_vcpu_time_info, 32);

struct xen_vcpu_info {
    uint8_t evtchn_upcall_pending;      /* set by hv, cleared by the guest */
    uint8_t evtchn_upcall_mask;         /* ignored on ARM */
    uint8_t pad[6];
    _Alignas(8) uint64_t evtchn_pending_sel;  /* bit w: word w may be pending */
    struct xen_vcpu_time_info time;
};
XEN_ABI_CHECK(xen_vcpu_info, evtchn_upcall_pending, 0);
XEN_ABI_CHECK(xen_vcpu_info, evtchn_upcall_mask, 1);
XEN_ABI_CHECK(xen_vcpu_info, evtchn_pending_sel, 8);
XEN_ABI_CHECK(xen_vcpu_info, time, 16);
XEN_ABI_SIZE(xen_vcpu_info, 48);

struct xen_shared_info {
    struct xen_vcpu_info vcpu_info[XEN_LEGACY_MAX_VCPUS];
    _Alignas(8) uint64_t evtchn_pending[XEN_EVTCHN_2L_WORDS];
    _Alignas(8) uint64_t evtchn_mask[XEN_EVTCHN_2L_WORDS];
    uint32_t wc_version;                /* odd while an update is in progress */
    uint32_t wc_sec;
    uint32_t wc_nsec;
    uint32_t wc_sec_hi;
};
XEN_ABI_CHECK(xen_shared_info, evtchn_pending, 48);
XEN_ABI_CHECK(xen_shared_info, evtchn_mask, 560);
XEN_ABI_CHECK(xen_shared_info, wc_version, 1072);
XEN_ABI_CHECK(xen_shared_info, wc_sec, 1076);
XEN_ABI_CHECK(xen_shared_info, wc_nsec, 1080);
XEN_ABI_CHECK(xen_shared_info, wc_sec_hi, 1084);
XEN_ABI_SIZE(xen_shared_info, 1088);

/* ---- event_channel_op (include/xen/interface/event_channel.h, doc 4.7) ---- */

enum xen_evtchnop {
    XEN_EVTCHNOP_bind_interdomain = 0,
    XEN_EVTCHNOP_bind_virq = 1,
    XEN_EVTCHNOP_bind_pirq = 2,
    XEN_EVTCHNOP_close = 3,
    XEN_EVTCHNOP_send = 4,
    XEN_EVTCHNOP_status = 5,
    XEN_EVTCHNOP_alloc_unbound = 6,
    XEN_EVTCHNOP_bind_ipi = 7,
    XEN_EVTCHNOP_bind_vcpu = 8,
    XEN_EVTCHNOP_unmask = 9,
    XEN_EVTCHNOP_reset = 10,
    XEN_EVTCHNOP_init_control = 11,
    XEN_EVTCHNOP_expand_array = 12,
    XEN_EVTCHNOP_set_priority = 13,
};

/* EVTCHNOP_status results. */
enum xen_evtchnstat {
    XEN_EVTCHNSTAT_closed = 0,
    XEN_EVTCHNSTAT_unbound = 1,
    XEN_EVTCHNSTAT_interdomain = 2,
    XEN_EVTCHNSTAT_pirq = 3,
    XEN_EVTCHNSTAT_virq = 4,
    XEN_EVTCHNSTAT_ipi = 5,
};

/* Virtual IRQs (include/xen/interface/xen.h). */
enum xen_virq {
    XEN_VIRQ_TIMER = 0,         /* per vCPU */
    XEN_VIRQ_DEBUG = 1,         /* per vCPU */
    XEN_VIRQ_CONSOLE = 2,       /* global: Dom0's hypervisor console */
    XEN_VIRQ_DOM_EXC = 3,       /* global: a domain shut down or crashed */
    XEN_VIRQ_TBUF = 4,
    XEN_VIRQ_DEBUGGER = 6,
    XEN_VIRQ_XENOPROF = 7,      /* per vCPU */
    XEN_VIRQ_CON_RING = 8,
    XEN_VIRQ_PCPU_STATE = 9,
    XEN_VIRQ_MEM_EVENT = 10,
    XEN_VIRQ_ARGO = 11,         /* per domain */
    XEN_VIRQ_ENOMEM = 12,
    XEN_VIRQ_XENPMU = 13,       /* per vCPU */
    XEN_VIRQ_ARCH_0 = 16,
    XEN_VIRQ_ARCH_7 = 23,
};
#define XEN_NR_VIRQS 24u

struct xen_evtchn_alloc_unbound {
    uint16_t dom;               /* IN: DOMID_SELF or (privileged) another */
    uint16_t remote_dom;        /* IN: who may bind the other end */
    uint32_t port;              /* OUT */
};
XEN_ABI_CHECK(xen_evtchn_alloc_unbound, remote_dom, 2);
XEN_ABI_CHECK(xen_evtchn_alloc_unbound, port, 4);
XEN_ABI_SIZE(xen_evtchn_alloc_unbound, 8);

struct xen_evtchn_bind_interdomain {
    uint16_t remote_dom;        /* IN */
    uint32_t remote_port;       /* IN: unbound, allocated for the caller */
    uint32_t local_port;        /* OUT */
};
XEN_ABI_CHECK(xen_evtchn_bind_interdomain, remote_port, 4);
XEN_ABI_CHECK(xen_evtchn_bind_interdomain, local_port, 8);
XEN_ABI_SIZE(xen_evtchn_bind_interdomain, 12);

struct xen_evtchn_bind_virq {
    uint32_t virq;              /* IN */
    uint32_t vcpu;              /* IN */
    uint32_t port;              /* OUT */
};
XEN_ABI_CHECK(xen_evtchn_bind_virq, port, 8);
XEN_ABI_SIZE(xen_evtchn_bind_virq, 12);

/* send, close and unmask all take just a port. */
struct xen_evtchn_port {
    uint32_t port;
};
XEN_ABI_SIZE(xen_evtchn_port, 4);

struct xen_evtchn_bind_vcpu {
    uint32_t port;
    uint32_t vcpu;
};
XEN_ABI_SIZE(xen_evtchn_bind_vcpu, 8);

struct xen_evtchn_status {
    uint16_t dom;               /* IN */
    uint32_t port;              /* IN */
    uint32_t status;            /* OUT: enum xen_evtchnstat */
    uint32_t vcpu;              /* OUT: vCPU notified */
    union {
        struct {
            uint16_t dom;
        } unbound;
        struct {
            uint16_t dom;
            uint32_t port;
        } interdomain;
        uint32_t pirq;
        uint32_t virq;
    } u;
};
XEN_ABI_CHECK(xen_evtchn_status, port, 4);
XEN_ABI_CHECK(xen_evtchn_status, status, 8);
XEN_ABI_CHECK(xen_evtchn_status, vcpu, 12);
XEN_ABI_CHECK(xen_evtchn_status, u, 16);
XEN_ABI_CHECK(xen_evtchn_status, u.interdomain.port, 20);
XEN_ABI_SIZE(xen_evtchn_status, 24);

struct xen_evtchn_init_control {
    _Alignas(8) uint64_t control_gfn;
    uint32_t offset;
    uint32_t vcpu;
    uint8_t link_bits;          /* OUT */
};
XEN_ABI_CHECK(xen_evtchn_init_control, vcpu, 12);
XEN_ABI_CHECK(xen_evtchn_init_control, link_bits, 16);
XEN_ABI_SIZE(xen_evtchn_init_control, 24);

/* ---- grant tables v1 (include/xen/interface/grant_table.h, doc 6) ---- */

struct xen_grant_entry_v1 {
    uint16_t flags;             /* GTF_* */
    uint16_t domid;             /* the grantee */
    uint32_t frame;             /* the granter's gfn */
};
XEN_ABI_CHECK(xen_grant_entry_v1, domid, 2);
XEN_ABI_CHECK(xen_grant_entry_v1, frame, 4);
XEN_ABI_SIZE(xen_grant_entry_v1, 8);

#define XEN_GRANT_ENTRIES_PER_FRAME (XEN_PAGE_SIZE / 8u)   /* 512 */
#define XEN_GNTTAB_NR_RESERVED_ENTRIES 8u

#define XEN_GTF_invalid 0u
#define XEN_GTF_permit_access 1u
#define XEN_GTF_accept_transfer 2u
#define XEN_GTF_transitive 3u
#define XEN_GTF_type_mask 3u
#define XEN_GTF_readonly (1u << 2)
#define XEN_GTF_reading (1u << 3)   /* set by hv while the grantee reads */
#define XEN_GTF_writing (1u << 4)   /* set by hv while the grantee may write */
#define XEN_GTF_PWT (1u << 5)
#define XEN_GTF_PCD (1u << 6)
#define XEN_GTF_PAT (1u << 7)
#define XEN_GTF_sub_page (1u << 8)

enum xen_gnttabop {
    XEN_GNTTABOP_map_grant_ref = 0,
    XEN_GNTTABOP_unmap_grant_ref = 1,
    XEN_GNTTABOP_setup_table = 2,
    XEN_GNTTABOP_dump_table = 3,
    XEN_GNTTABOP_transfer = 4,
    XEN_GNTTABOP_copy = 5,
    XEN_GNTTABOP_query_size = 6,
    XEN_GNTTABOP_unmap_and_replace = 7,
    XEN_GNTTABOP_set_version = 8,
    XEN_GNTTABOP_get_status_frames = 9,
    XEN_GNTTABOP_get_version = 10,
    XEN_GNTTABOP_swap_grant_ref = 11,
    XEN_GNTTABOP_cache_flush = 12,
};

#define XEN_GNTMAP_device_map (1u << 0)
#define XEN_GNTMAP_host_map (1u << 1)
#define XEN_GNTMAP_readonly (1u << 2)
#define XEN_GNTMAP_application_map (1u << 3)
#define XEN_GNTMAP_contains_pte (1u << 4)

#define XEN_GNTCOPY_source_gref (1u << 0)
#define XEN_GNTCOPY_dest_gref (1u << 1)

/* Per-operation status (int16_t in each struct). */
enum xen_gntst {
    XEN_GNTST_okay = 0,
    XEN_GNTST_general_error = -1,
    XEN_GNTST_bad_domain = -2,
    XEN_GNTST_bad_gntref = -3,
    XEN_GNTST_bad_handle = -4,
    XEN_GNTST_bad_virt_addr = -5,
    XEN_GNTST_bad_dev_addr = -6,
    XEN_GNTST_no_device_space = -7,
    XEN_GNTST_permission_denied = -8,
    XEN_GNTST_bad_page = -9,
    XEN_GNTST_bad_copy_arg = -10,
    XEN_GNTST_address_too_big = -11,
    XEN_GNTST_eagain = -12,
    XEN_GNTST_no_space = -13,
};

struct xen_gnttab_map_grant_ref {
    _Alignas(8) uint64_t host_addr; /* IN: page-aligned IPA in the caller's map */
    uint32_t flags;             /* IN: GNTMAP_* */
    uint32_t ref;               /* IN */
    uint16_t dom;               /* IN: the granter */
    int16_t status;             /* OUT: GNTST_* */
    uint32_t handle;            /* OUT */
    _Alignas(8) uint64_t dev_bus_addr; /* OUT */
};
XEN_ABI_CHECK(xen_gnttab_map_grant_ref, flags, 8);
XEN_ABI_CHECK(xen_gnttab_map_grant_ref, ref, 12);
XEN_ABI_CHECK(xen_gnttab_map_grant_ref, dom, 16);
XEN_ABI_CHECK(xen_gnttab_map_grant_ref, status, 18);
XEN_ABI_CHECK(xen_gnttab_map_grant_ref, handle, 20);
XEN_ABI_CHECK(xen_gnttab_map_grant_ref, dev_bus_addr, 24);
XEN_ABI_SIZE(xen_gnttab_map_grant_ref, 32);

struct xen_gnttab_unmap_grant_ref {
    _Alignas(8) uint64_t host_addr;    /* IN */
    _Alignas(8) uint64_t dev_bus_addr; /* IN, ignored */
    uint32_t handle;            /* IN */
    int16_t status;             /* OUT */
};
XEN_ABI_CHECK(xen_gnttab_unmap_grant_ref, dev_bus_addr, 8);
XEN_ABI_CHECK(xen_gnttab_unmap_grant_ref, handle, 16);
XEN_ABI_CHECK(xen_gnttab_unmap_grant_ref, status, 20);
XEN_ABI_SIZE(xen_gnttab_unmap_grant_ref, 24);

struct xen_gnttab_setup_table {
    uint16_t dom;               /* IN */
    uint32_t nr_frames;         /* IN */
    int16_t status;             /* OUT */
    _Alignas(8) uint64_t frame_list;   /* guest handle of xen_pfn_t[nr_frames] */
};
XEN_ABI_CHECK(xen_gnttab_setup_table, nr_frames, 4);
XEN_ABI_CHECK(xen_gnttab_setup_table, status, 8);
XEN_ABI_CHECK(xen_gnttab_setup_table, frame_list, 16);
XEN_ABI_SIZE(xen_gnttab_setup_table, 24);

struct xen_gnttab_query_size {
    uint16_t dom;               /* IN */
    uint32_t nr_frames;         /* OUT */
    uint32_t max_nr_frames;     /* OUT */
    int16_t status;             /* OUT */
};
XEN_ABI_CHECK(xen_gnttab_query_size, nr_frames, 4);
XEN_ABI_CHECK(xen_gnttab_query_size, max_nr_frames, 8);
XEN_ABI_CHECK(xen_gnttab_query_size, status, 12);
XEN_ABI_SIZE(xen_gnttab_query_size, 16);

struct xen_gnttab_set_version {
    uint32_t version;           /* IN/OUT */
};
XEN_ABI_SIZE(xen_gnttab_set_version, 4);

struct xen_gnttab_copy_ptr {
    union {
        uint32_t ref;           /* with GNTCOPY_*_gref: a ref in domid's table */
        _Alignas(8) uint64_t gmfn;  /* otherwise the caller's own gfn */
    } u;
    uint16_t domid;
    uint16_t offset;
};
XEN_ABI_CHECK(xen_gnttab_copy_ptr, domid, 8);
XEN_ABI_CHECK(xen_gnttab_copy_ptr, offset, 10);
XEN_ABI_SIZE(xen_gnttab_copy_ptr, 16);

struct xen_gnttab_copy {
    struct xen_gnttab_copy_ptr source;
    struct xen_gnttab_copy_ptr dest;
    uint16_t len;
    uint16_t flags;             /* GNTCOPY_* */
    int16_t status;             /* OUT */
};
XEN_ABI_CHECK(xen_gnttab_copy, dest, 16);
XEN_ABI_CHECK(xen_gnttab_copy, len, 32);
XEN_ABI_CHECK(xen_gnttab_copy, flags, 34);
XEN_ABI_CHECK(xen_gnttab_copy, status, 36);
XEN_ABI_SIZE(xen_gnttab_copy, 40);

/* ---- memory_op (include/xen/interface/memory.h, doc 4.5) ---- */

#define XEN_MEMOP_CMD_MASK 0x3Fu    /* upper bits: continuation state */

enum xen_memop {
    XEN_XENMEM_increase_reservation = 0,
    XEN_XENMEM_decrease_reservation = 1,
    XEN_XENMEM_populate_physmap = 6,
    XEN_XENMEM_add_to_physmap = 7,
    XEN_XENMEM_remove_from_physmap = 15,
    XEN_XENMEM_add_to_physmap_range = 23,
};

enum xen_mapspace {
    XEN_XENMAPSPACE_shared_info = 0,
    XEN_XENMAPSPACE_grant_table = 1,
    XEN_XENMAPSPACE_gmfn = 2,
    XEN_XENMAPSPACE_gmfn_range = 3,
    XEN_XENMAPSPACE_gmfn_foreign = 4,
    XEN_XENMAPSPACE_dev_mmio = 5,
};

struct xen_add_to_physmap {
    uint16_t domid;
    uint16_t size;              /* garbage unless space == gmfn_range: ignore */
    uint32_t space;
    _Alignas(8) uint64_t idx;
    _Alignas(8) uint64_t gpfn;
};
XEN_ABI_CHECK(xen_add_to_physmap, size, 2);
XEN_ABI_CHECK(xen_add_to_physmap, space, 4);
XEN_ABI_CHECK(xen_add_to_physmap, idx, 8);
XEN_ABI_CHECK(xen_add_to_physmap, gpfn, 16);
XEN_ABI_SIZE(xen_add_to_physmap, 24);

struct xen_remove_from_physmap {
    uint16_t domid;
    _Alignas(8) uint64_t gpfn;
};
XEN_ABI_CHECK(xen_remove_from_physmap, gpfn, 8);
XEN_ABI_SIZE(xen_remove_from_physmap, 16);

struct xen_memory_reservation {
    _Alignas(8) uint64_t extent_start;  /* guest handle */
    _Alignas(8) uint64_t nr_extents;
    uint32_t extent_order;
    uint32_t address_bits;
    uint16_t domid;
};
XEN_ABI_CHECK(xen_memory_reservation, nr_extents, 8);
XEN_ABI_CHECK(xen_memory_reservation, extent_order, 16);
XEN_ABI_CHECK(xen_memory_reservation, address_bits, 20);
XEN_ABI_CHECK(xen_memory_reservation, domid, 24);
XEN_ABI_SIZE(xen_memory_reservation, 32);

/* ---- vcpu_op (include/xen/interface/vcpu.h, doc 4.8) ---- */

enum xen_vcpuop {
    XEN_VCPUOP_initialise = 0,
    XEN_VCPUOP_up = 1,
    XEN_VCPUOP_down = 2,
    XEN_VCPUOP_is_up = 3,
    XEN_VCPUOP_register_runstate_memory_area = 5,
    XEN_VCPUOP_register_vcpu_info = 10,
};

struct xen_vcpu_register_vcpu_info {
    _Alignas(8) uint64_t mfn;   /* guest frame of the vcpu_info */
    uint32_t offset;            /* within that frame */
    uint32_t rsvd;              /* uninitialised by Linux: ignore */
};
XEN_ABI_CHECK(xen_vcpu_register_vcpu_info, offset, 8);
XEN_ABI_SIZE(xen_vcpu_register_vcpu_info, 16);

struct xen_vcpu_runstate_info {
    int32_t state;
    _Alignas(8) uint64_t state_entry_time;  /* bit 63: XEN_RUNSTATE_UPDATE */
    _Alignas(8) uint64_t time[4];
};
XEN_ABI_CHECK(xen_vcpu_runstate_info, state_entry_time, 8);
XEN_ABI_CHECK(xen_vcpu_runstate_info, time, 16);
XEN_ABI_SIZE(xen_vcpu_runstate_info, 48);

/* ---- sched_op (include/xen/interface/sched.h, doc 4.10) ---- */

enum xen_schedop {
    XEN_SCHEDOP_yield = 0,
    XEN_SCHEDOP_block = 1,
    XEN_SCHEDOP_shutdown = 2,
    XEN_SCHEDOP_poll = 3,
    XEN_SCHEDOP_remote_shutdown = 4,
    XEN_SCHEDOP_shutdown_code = 5,
    XEN_SCHEDOP_watchdog = 6,
};

enum xen_shutdown_reason {
    XEN_SHUTDOWN_poweroff = 0,
    XEN_SHUTDOWN_reboot = 1,
    XEN_SHUTDOWN_suspend = 2,
    XEN_SHUTDOWN_crash = 3,
    XEN_SHUTDOWN_watchdog = 4,
    XEN_SHUTDOWN_soft_reset = 5,
};

struct xen_sched_shutdown {
    uint32_t reason;
};
XEN_ABI_SIZE(xen_sched_shutdown, 4);

struct xen_sched_poll {
    _Alignas(8) uint64_t ports;     /* guest handle of evtchn_port_t[nr_ports] */
    uint32_t nr_ports;
    _Alignas(8) uint64_t timeout;   /* absolute system time in ns; 0: none */
};
XEN_ABI_CHECK(xen_sched_poll, nr_ports, 8);
XEN_ABI_CHECK(xen_sched_poll, timeout, 16);
XEN_ABI_SIZE(xen_sched_poll, 24);
#define XEN_SCHED_POLL_MAX_PORTS 128u  /* Xen refuses more (common/sched/core.c) */

struct xen_sched_remote_shutdown {
    uint16_t domain_id;
    uint32_t reason;
};
XEN_ABI_CHECK(xen_sched_remote_shutdown, reason, 4);
XEN_ABI_SIZE(xen_sched_remote_shutdown, 8);

/* ---- console_io, xen_version, hvm_op, vm_assist (doc 4.2-4.4, 4.9) ---- */

#define XEN_CONSOLEIO_write 0u
#define XEN_CONSOLEIO_read 1u

enum xen_xenver {
    XEN_XENVER_version = 0,
    XEN_XENVER_extraversion = 1,
    XEN_XENVER_compile_info = 2,
    XEN_XENVER_capabilities = 3,
    XEN_XENVER_changeset = 4,
    XEN_XENVER_platform_parameters = 5,
    XEN_XENVER_get_features = 6,
    XEN_XENVER_pagesize = 7,
    XEN_XENVER_guest_handle = 8,
};

struct xen_feature_info {
    uint32_t submap_idx;        /* IN */
    uint32_t submap;            /* OUT */
};
XEN_ABI_SIZE(xen_feature_info, 8);

/* XENVER_compile_info (include/xen/interface/version.h). */
struct xen_compile_info {
    char compiler[64];
    char compile_by[16];
    char compile_domain[32];
    char compile_date[32];
};
XEN_ABI_SIZE(xen_compile_info, 144);

#define XEN_EXTRAVERSION_LEN 16u    /* xen_extraversion_t */
#define XEN_CAPABILITIES_LEN 1024u  /* xen_capabilities_info_t */
#define XEN_CHANGESET_LEN 64u       /* xen_changeset_info_t */
#define XEN_DOMAIN_HANDLE_LEN 16u   /* xen_domain_handle_t (a UUID) */

/* XENVER_platform_parameters: xen_ulong_t virt_start, 64-bit on ARM. */
struct xen_platform_parameters {
    _Alignas(8) uint64_t virt_start;
};
XEN_ABI_SIZE(xen_platform_parameters, 8);

/* XENFEAT_* bit numbers (include/xen/interface/features.h, doc 4.2). */
#define XEN_FEAT_writable_page_tables 0
#define XEN_FEAT_auto_translated_physmap 2
#define XEN_FEAT_dom0 11
#define XEN_FEAT_memory_op_vnode_supported 13
#define XEN_FEAT_ARM_SMCCC_supported 14
#define XEN_FEAT_not_direct_mapped 16
#define XEN_FEAT_direct_mapped 17
#define XEN_DOMU_FEATURES 0x00016005u   /* bits 0, 2, 13, 14, 16 */

enum xen_hvmop {
    XEN_HVMOP_set_param = 0,
    XEN_HVMOP_get_param = 1,
};

enum xen_hvm_param_index {
    XEN_HVM_PARAM_CALLBACK_IRQ = 0,
    XEN_HVM_PARAM_STORE_PFN = 1,
    XEN_HVM_PARAM_STORE_EVTCHN = 2,
    XEN_HVM_PARAM_CONSOLE_PFN = 17,
    XEN_HVM_PARAM_CONSOLE_EVTCHN = 18,
};
/* Indices 0..39 exist (HVM_NR_PARAMS is 40 since Xen 4.15, whose index 39
 * is VMTRACE_PT_SIZE); anything above is -EINVAL. */
#define XEN_HVM_NR_PARAMS 40u

struct xen_hvm_param {
    uint16_t domid;
    uint32_t index;
    _Alignas(8) uint64_t value;
};
XEN_ABI_CHECK(xen_hvm_param, index, 4);
XEN_ABI_CHECK(xen_hvm_param, value, 8);
XEN_ABI_SIZE(xen_hvm_param, 16);

#define XEN_VMASST_CMD_enable 0u
#define XEN_VMASST_CMD_disable 1u
#define XEN_VMASST_TYPE_runstate_update_flag 5u

/* ---- PV console ring (include/xen/interface/io/console.h, doc 8) ---- */

#define XENCONS_IN_SIZE 1024u
#define XENCONS_OUT_SIZE 2048u

struct xencons_interface {
    char in[XENCONS_IN_SIZE];       /* back-end -> guest */
    char out[XENCONS_OUT_SIZE];     /* guest -> back-end */
    uint32_t in_cons, in_prod;      /* guest writes in_cons */
    uint32_t out_cons, out_prod;    /* guest writes out_prod */
};
XEN_ABI_CHECK(xencons_interface, out, 1024);
XEN_ABI_CHECK(xencons_interface, in_cons, 3072);
XEN_ABI_CHECK(xencons_interface, in_prod, 3076);
XEN_ABI_CHECK(xencons_interface, out_cons, 3080);
XEN_ABI_CHECK(xencons_interface, out_prod, 3084);
XEN_ABI_SIZE(xencons_interface, 3088);

/* ---- HVC #0: SMCCC / PSCI 0.2 (include/uapi/linux/psci.h, doc 3.6) ---- */

#define PSCI_0_2_FN_PSCI_VERSION 0x84000000u
#define PSCI_0_2_FN_CPU_SUSPEND 0x84000001u
#define PSCI_0_2_FN_CPU_OFF 0x84000002u
#define PSCI_0_2_FN_CPU_ON 0x84000003u
#define PSCI_0_2_FN_AFFINITY_INFO 0x84000004u
#define PSCI_0_2_FN_MIGRATE_INFO_TYPE 0x84000006u
#define PSCI_0_2_FN_SYSTEM_OFF 0x84000008u
#define PSCI_0_2_FN_SYSTEM_RESET 0x84000009u
#define PSCI_1_0_FN_PSCI_FEATURES 0x8400000Au

#define PSCI_VERSION_0_2 0x00000002u        /* major << 16 | minor */
#define PSCI_MIGRATE_TOS_MP 2u              /* MIGRATE_INFO_TYPE: none needed */
#define PSCI_AFFINITY_ON 0u
#define PSCI_AFFINITY_OFF 1u

enum psci_return {
    PSCI_SUCCESS = 0,
    PSCI_NOT_SUPPORTED = -1,
    PSCI_INVALID_PARAMS = -2,
    PSCI_DENIED = -3,
    PSCI_ALREADY_ON = -4,
    PSCI_ON_PENDING = -5,
    PSCI_INTERNAL_FAILURE = -6,
};

/* ---- the armhv toolstack hypercall (domctl, number 36) ----
 *
 * Not Xen's domctl: the project's own small ABI for Dom0's toolstack shell
 * (docs/hypervisor.md, "Toolstack hypercall (domctl)"). r0 = guest VA of a
 * struct armhv_domctl; the hypervisor copies it in, runs cmd on the domain
 * named by domid and copies the whole struct back (only on success, or for
 * -XEN_EFAULT not at all). Only a privileged caller (Dom0) may use it: a
 * DomU gets -XEN_EPERM before anything else is looked at. A mismatching
 * interface_version gives -XEN_EACCES, an unknown cmd -XEN_ENOSYS.
 *
 * Layout (AAPCS: uint64_t is 8-byte aligned; identical for the host and an
 * arm-none-eabi guest, checked below; the guest keeps its own copy in
 * firmware/minios/include/armhv_domctl.h):
 *
 *   off size  field
 *     0   4   cmd                  ARMHV_DOMCTL_*
 *     4   4   interface_version    ARMHV_DOMCTL_VERSION
 *     8   2   domid                target (or, for getinfo, first id to look at)
 *    10   2   pad0                 ignored
 *    12   4   pad1                 ignored
 *    16  96   u                    per-command payload (union, 8-aligned)
 *   size 112
 *
 *   u.create        (cmd 1)  0 char name[32] IN ([domain NAME] section,
 *                                 NUL-terminated within 32 bytes)
 *                           32 uint16_t domid OUT
 *   destroy/pause/unpause (2,3,4): no payload; domid names the target
 *   u.getinfo       (cmd 5)  0 uint16_t domid OUT (the domain found)
 *                            2 uint16_t pad
 *                            4 uint32_t state OUT (ARMHV_DOMSTATE_*)
 *                            8 uint32_t flags OUT (ARMHV_DOMINFO_*)
 *                           12 uint32_t shutdown_reason OUT (XEN_SHUTDOWN_*)
 *                           16 uint32_t nr_vcpus OUT
 *                           20 uint32_t max_vcpus OUT
 *                           24 uint64_t memory_kb OUT
 *                           32 char name[32] OUT (NUL-terminated)
 *                           64 uint64_t instructions OUT (retired by its vCPUs)
 *                           72 uint64_t hypercalls OUT (all numbers)
 *                           80 uint64_t events_sent OUT
 *                           88 uint64_t world_switches OUT
 *   u.console_read  (cmd 6)  0 uint64_t offset IN/OUT (running byte count)
 *                            8 uint64_t buffer IN (guest handle: low 32 bits
 *                                 are the VA, upper 32 ignored)
 *                           16 uint32_t len IN (buffer size)
 *                           20 uint32_t bytes OUT (copied)
 *   u.console_write (cmd 7)  0 uint64_t buffer IN (guest handle, as above)
 *                            8 uint32_t len IN
 *                           12 uint32_t bytes OUT (accepted)
 */
#define ARMHV_DOMCTL_VERSION 0x41480001u   /* "AH", version 1 */

enum armhv_domctl_cmd {
    ARMHV_DOMCTL_create = 1,
    ARMHV_DOMCTL_destroy = 2,
    ARMHV_DOMCTL_pause = 3,
    ARMHV_DOMCTL_unpause = 4,
    ARMHV_DOMCTL_getinfo = 5,
    ARMHV_DOMCTL_console_read = 6,
    ARMHV_DOMCTL_console_write = 7,
};

/* getinfo.state: the domain's life-cycle state. */
enum armhv_domstate {
    ARMHV_DOMSTATE_running = 0,
    ARMHV_DOMSTATE_paused = 1,
    ARMHV_DOMSTATE_blocked = 2,
    ARMHV_DOMSTATE_shutdown = 3,
    ARMHV_DOMSTATE_dying = 4,
};

/* getinfo.flags */
#define ARMHV_DOMINFO_dying (1u << 0)
#define ARMHV_DOMINFO_shutdown (1u << 1)
#define ARMHV_DOMINFO_paused (1u << 2)
#define ARMHV_DOMINFO_blocked (1u << 3)
#define ARMHV_DOMINFO_privileged (1u << 4)

#define ARMHV_DOMCTL_NAME_MAX 32u

struct armhv_domctl_create {
    char name[ARMHV_DOMCTL_NAME_MAX];
    uint16_t domid;
};

struct armhv_domctl_getinfo {
    uint16_t domid;
    uint16_t pad;
    uint32_t state;
    uint32_t flags;
    uint32_t shutdown_reason;
    uint32_t nr_vcpus;
    uint32_t max_vcpus;
    _Alignas(8) uint64_t memory_kb;
    char name[ARMHV_DOMCTL_NAME_MAX];
    _Alignas(8) uint64_t instructions;
    _Alignas(8) uint64_t hypercalls;
    _Alignas(8) uint64_t events_sent;
    _Alignas(8) uint64_t world_switches;
};

struct armhv_domctl_console_read {
    _Alignas(8) uint64_t offset;
    _Alignas(8) uint64_t buffer;
    uint32_t len;
    uint32_t bytes;
};

struct armhv_domctl_console_write {
    _Alignas(8) uint64_t buffer;
    uint32_t len;
    uint32_t bytes;
};

struct armhv_domctl {
    uint32_t cmd;
    uint32_t interface_version;
    uint16_t domid;
    uint16_t pad0;
    uint32_t pad1;
    union {
        struct armhv_domctl_create create;
        struct armhv_domctl_getinfo getinfo;
        struct armhv_domctl_console_read console_read;
        struct armhv_domctl_console_write console_write;
        _Alignas(8) uint8_t raw[96];
    } u;
};
XEN_ABI_CHECK(armhv_domctl_create, domid, 32);
XEN_ABI_SIZE(armhv_domctl_create, 34);
XEN_ABI_CHECK(armhv_domctl_getinfo, state, 4);
XEN_ABI_CHECK(armhv_domctl_getinfo, flags, 8);
XEN_ABI_CHECK(armhv_domctl_getinfo, shutdown_reason, 12);
XEN_ABI_CHECK(armhv_domctl_getinfo, nr_vcpus, 16);
XEN_ABI_CHECK(armhv_domctl_getinfo, max_vcpus, 20);
XEN_ABI_CHECK(armhv_domctl_getinfo, memory_kb, 24);
XEN_ABI_CHECK(armhv_domctl_getinfo, name, 32);
XEN_ABI_CHECK(armhv_domctl_getinfo, instructions, 64);
XEN_ABI_CHECK(armhv_domctl_getinfo, hypercalls, 72);
XEN_ABI_CHECK(armhv_domctl_getinfo, events_sent, 80);
XEN_ABI_CHECK(armhv_domctl_getinfo, world_switches, 88);
XEN_ABI_SIZE(armhv_domctl_getinfo, 96);
XEN_ABI_CHECK(armhv_domctl_console_read, buffer, 8);
XEN_ABI_CHECK(armhv_domctl_console_read, len, 16);
XEN_ABI_CHECK(armhv_domctl_console_read, bytes, 20);
XEN_ABI_SIZE(armhv_domctl_console_read, 24);
XEN_ABI_CHECK(armhv_domctl_console_write, len, 8);
XEN_ABI_CHECK(armhv_domctl_console_write, bytes, 12);
XEN_ABI_SIZE(armhv_domctl_console_write, 16);
XEN_ABI_CHECK(armhv_domctl, interface_version, 4);
XEN_ABI_CHECK(armhv_domctl, domid, 8);
XEN_ABI_CHECK(armhv_domctl, u, 16);
XEN_ABI_SIZE(armhv_domctl, 112);

#endif
