/*
 * The Xen ARM32 guest ABI as mini-OS uses it: hypercall numbers, errno
 * values, shared_info/vcpu_info, event-channel, grant-table, memory, vCPU,
 * HVM-parameter and scheduler operations, the console and xenstore rings.
 * Written from ../shared/docs/xen-arm-guest-abi.md (sections 3-9), which
 * cites Linux 6.1's include/xen/interface/ and Xen's public headers. The
 * guest keeps its own copy: it never includes a host header.
 *
 * AAPCS layout: uint64_t is 8-byte aligned, guest handles are 8 bytes with
 * the pointer in the low word. The sizes are checked at compile time.
 */
#ifndef MINIOS_XEN_H
#define MINIOS_XEN_H

#include <stddef.h>
#include <stdint.h>

#define XEN_CHECK_OFF(type, field, off) \
    _Static_assert(offsetof(struct type, field) == (off), #type "." #field)
#define XEN_CHECK_SIZE(type, size) \
    _Static_assert(sizeof(struct type) == (size), "sizeof " #type)

/* Guest-physical map (doc 2.4, Xen's GUEST_* names). */
#define GUEST_GICD_BASE     0x03001000u
#define GUEST_GICC_BASE     0x03002000u
#define GUEST_GNTTAB_BASE   0x38000000u
#define GUEST_MAGIC_BASE    0x39000000u
#define GUEST_RAM0_BASE     0x40000000u
#define GUEST_EVTCHN_PPI    31u
#define GUEST_VTIMER_PPI    27u
#define XEN_PAGE_SHIFT      12
#define XEN_PAGE_SIZE       4096u

/* Hypercall numbers (include/xen/interface/xen.h, doc 3.5). */
#define __HYPERVISOR_memory_op          12
#define __HYPERVISOR_xen_version        17
#define __HYPERVISOR_console_io         18
#define __HYPERVISOR_grant_table_op     20
#define __HYPERVISOR_vm_assist          21
#define __HYPERVISOR_vcpu_op            24
#define __HYPERVISOR_sched_op           29
#define __HYPERVISOR_event_channel_op   32
#define __HYPERVISOR_hvm_op             34
#define __HYPERVISOR_domctl             36

/* Xen errno values, returned negated (Xen's public errno.h, doc 3.4). */
#define XEN_EPERM   1
#define XEN_ENOENT  2
#define XEN_ESRCH   3
#define XEN_EAGAIN  11
#define XEN_ENOMEM  12
#define XEN_EACCES  13
#define XEN_EFAULT  14
#define XEN_EBUSY   16
#define XEN_EEXIST  17
#define XEN_EINVAL  22
#define XEN_ENOSPC  28
#define XEN_ENOSYS  38

#define DOMID_SELF      0x7FF0u
#define DOMID_INVALID   0x7FF4u

typedef uint16_t domid_t;
typedef uint32_t evtchn_port_t;
typedef uint32_t grant_ref_t;

/* ---- xen_version (doc 4.2) ---- */
#define XENVER_version      0
#define XENVER_get_features 6
struct xen_feature_info {
    uint32_t submap_idx;
    uint32_t submap;
};
XEN_CHECK_SIZE(xen_feature_info, 8);

/* ---- console_io (doc 4.3) ---- */
#define CONSOLEIO_write 0
#define CONSOLEIO_read  1

/* ---- shared_info / vcpu_info (doc 5.1) ---- */
struct vcpu_info {
    uint8_t evtchn_upcall_pending;
    uint8_t evtchn_upcall_mask;
    uint8_t pad[6];
    uint64_t evtchn_pending_sel;
    uint8_t time[32];           /* pvclock, unused on ARM */
};
XEN_CHECK_OFF(vcpu_info, evtchn_pending_sel, 8);
XEN_CHECK_SIZE(vcpu_info, 48);

#define EVTCHN_2L_NR_CHANNELS 4096u
struct shared_info {
    struct vcpu_info vcpu_info[1];
    uint64_t evtchn_pending[64];
    uint64_t evtchn_mask[64];
    uint32_t wc_version;
    uint32_t wc_sec;
    uint32_t wc_nsec;
    uint32_t wc_sec_hi;
};
XEN_CHECK_OFF(shared_info, evtchn_pending, 48);
XEN_CHECK_OFF(shared_info, evtchn_mask, 560);
XEN_CHECK_OFF(shared_info, wc_version, 1072);
XEN_CHECK_SIZE(shared_info, 1088);

/* ---- memory_op (doc 4.5) ---- */
#define XENMEM_add_to_physmap       7
#define XENMAPSPACE_shared_info     0
#define XENMAPSPACE_grant_table     1
struct xen_add_to_physmap {
    uint16_t domid;
    uint16_t size;
    uint32_t space;
    uint64_t idx;
    uint64_t gpfn;
};
XEN_CHECK_OFF(xen_add_to_physmap, idx, 8);
XEN_CHECK_OFF(xen_add_to_physmap, gpfn, 16);
XEN_CHECK_SIZE(xen_add_to_physmap, 24);

/* ---- vcpu_op (doc 4.8) ---- */
#define VCPUOP_register_runstate_memory_area 5
#define VCPUOP_register_vcpu_info   10
struct vcpu_register_vcpu_info {
    uint64_t mfn;
    uint32_t offset;
    uint32_t rsvd;
};
XEN_CHECK_SIZE(vcpu_register_vcpu_info, 16);

/* ---- hvm_op (doc 4.4) ---- */
#define HVMOP_set_param 0
#define HVMOP_get_param 1
#define HVM_PARAM_STORE_PFN         1
#define HVM_PARAM_STORE_EVTCHN      2
#define HVM_PARAM_CONSOLE_PFN       17
#define HVM_PARAM_CONSOLE_EVTCHN    18
struct xen_hvm_param {
    uint16_t domid;
    uint32_t index;
    uint64_t value;
};
XEN_CHECK_OFF(xen_hvm_param, value, 8);
XEN_CHECK_SIZE(xen_hvm_param, 16);

/* ---- sched_op (doc 4.10) ---- */
#define SCHEDOP_yield       0
#define SCHEDOP_block       1
#define SCHEDOP_shutdown    2
#define SHUTDOWN_poweroff   0
#define SHUTDOWN_reboot     1
#define SHUTDOWN_crash      3
#define SCHEDOP_remote_shutdown 4
struct sched_shutdown {
    uint32_t reason;
};
struct sched_remote_shutdown {
    domid_t domain_id;
    uint32_t reason;
};
XEN_CHECK_SIZE(sched_remote_shutdown, 8);

/* ---- event_channel_op (doc 4.7) ---- */
#define EVTCHNOP_bind_interdomain   0
#define EVTCHNOP_close              3
#define EVTCHNOP_send               4
#define EVTCHNOP_status             5
#define EVTCHNOP_alloc_unbound      6
#define EVTCHNOP_unmask             9
struct evtchn_alloc_unbound {
    domid_t dom;
    domid_t remote_dom;
    evtchn_port_t port;
};
XEN_CHECK_SIZE(evtchn_alloc_unbound, 8);
struct evtchn_bind_interdomain {
    domid_t remote_dom;
    evtchn_port_t remote_port;
    evtchn_port_t local_port;
};
XEN_CHECK_SIZE(evtchn_bind_interdomain, 12);
struct evtchn_port_op {         /* send, close, unmask */
    evtchn_port_t port;
};
struct evtchn_status {
    domid_t dom;
    evtchn_port_t port;
    uint32_t status;
    uint32_t vcpu;
    uint32_t u[2];
};
XEN_CHECK_SIZE(evtchn_status, 24);

/* ---- grant_table_op, v1 (doc 4.6, 6) ---- */
#define GNTTABOP_map_grant_ref      0
#define GNTTABOP_unmap_grant_ref    1
#define GNTTABOP_setup_table        2
#define GNTTABOP_copy               5
#define GNTTABOP_query_size         6
#define GNTTABOP_set_version        8

#define GTF_permit_access   1u
#define GTF_readonly        (1u << 2)
#define GTF_reading         (1u << 3)
#define GTF_writing         (1u << 4)
#define GNTMAP_host_map     (1u << 1)
#define GNTMAP_readonly     (1u << 2)
#define GNTCOPY_source_gref (1u << 0)
#define GNTCOPY_dest_gref   (1u << 1)
#define GNTTAB_NR_RESERVED_ENTRIES 8u

#define GNTST_okay              0
#define GNTST_general_error     (-1)
#define GNTST_bad_domain        (-2)
#define GNTST_bad_gntref        (-3)
#define GNTST_bad_handle        (-4)
#define GNTST_bad_virt_addr     (-5)
#define GNTST_permission_denied (-8)
#define GNTST_bad_page          (-9)
#define GNTST_bad_copy_arg      (-10)

struct grant_entry_v1 {
    uint16_t flags;
    domid_t domid;
    uint32_t frame;
};
XEN_CHECK_SIZE(grant_entry_v1, 8);

struct gnttab_map_grant_ref {
    uint64_t host_addr;
    uint32_t flags;
    grant_ref_t ref;
    domid_t dom;
    int16_t status;
    uint32_t handle;
    uint64_t dev_bus_addr;
};
XEN_CHECK_OFF(gnttab_map_grant_ref, status, 18);
XEN_CHECK_OFF(gnttab_map_grant_ref, handle, 20);
XEN_CHECK_SIZE(gnttab_map_grant_ref, 32);

struct gnttab_unmap_grant_ref {
    uint64_t host_addr;
    uint64_t dev_bus_addr;
    uint32_t handle;
    int16_t status;
};
XEN_CHECK_OFF(gnttab_unmap_grant_ref, handle, 16);
XEN_CHECK_OFF(gnttab_unmap_grant_ref, status, 20);
XEN_CHECK_SIZE(gnttab_unmap_grant_ref, 24);

struct gnttab_setup_table {
    domid_t dom;
    uint32_t nr_frames;
    int16_t status;
    uint64_t frame_list;        /* guest handle of uint64_t[nr_frames] */
};
XEN_CHECK_OFF(gnttab_setup_table, status, 8);
XEN_CHECK_OFF(gnttab_setup_table, frame_list, 16);
XEN_CHECK_SIZE(gnttab_setup_table, 24);

struct gnttab_query_size {
    domid_t dom;
    uint32_t nr_frames;
    uint32_t max_nr_frames;
    int16_t status;
};
XEN_CHECK_SIZE(gnttab_query_size, 16);

struct gnttab_copy_ptr {
    union {
        grant_ref_t ref;
        uint64_t gmfn;
    } u;
    domid_t domid;
    uint16_t offset;
};
struct gnttab_copy {
    struct gnttab_copy_ptr source;
    struct gnttab_copy_ptr dest;
    uint16_t len;
    uint16_t flags;
    int16_t status;
};
XEN_CHECK_OFF(gnttab_copy, len, 32);
XEN_CHECK_OFF(gnttab_copy, status, 36);
XEN_CHECK_SIZE(gnttab_copy, 40);

/* ---- PV console ring (include/xen/interface/io/console.h, doc 8) ---- */
struct xencons_interface {
    char in[1024];
    char out[2048];
    uint32_t in_cons, in_prod;
    uint32_t out_cons, out_prod;
};
XEN_CHECK_OFF(xencons_interface, in_cons, 3072);
XEN_CHECK_OFF(xencons_interface, out_prod, 3084);

/* ---- xenstore ring and messages (io/xs_wire.h, doc 7.1-7.2) ---- */
#define XENSTORE_RING_SIZE 1024u
#define XENSTORE_PAYLOAD_MAX 4096u
struct xenstore_domain_interface {
    char req[XENSTORE_RING_SIZE];
    char rsp[XENSTORE_RING_SIZE];
    uint32_t req_cons, req_prod;
    uint32_t rsp_cons, rsp_prod;
    uint32_t server_features;
    uint32_t connection;
    uint32_t error;
};
XEN_CHECK_OFF(xenstore_domain_interface, req_cons, 2048);
XEN_CHECK_OFF(xenstore_domain_interface, connection, 2068);

enum xsd_sockmsg_type {
    XS_DIRECTORY = 1,
    XS_READ = 2,
    XS_WATCH = 4,
    XS_UNWATCH = 5,
    XS_TRANSACTION_START = 6,
    XS_TRANSACTION_END = 7,
    XS_WRITE = 11,
    XS_MKDIR = 12,
    XS_RM = 13,
    XS_WATCH_EVENT = 15,
    XS_ERROR = 16,
};
struct xsd_sockmsg {
    uint32_t type;
    uint32_t req_id;
    uint32_t tx_id;
    uint32_t len;
};
XEN_CHECK_SIZE(xsd_sockmsg, 16);

#endif
