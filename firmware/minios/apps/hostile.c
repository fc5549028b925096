/*
 * The hostile DomU (issue 5, acceptance 3): attempts everything a DomU
 * must not be able to do and checks that each attempt gets the documented
 * Xen error (../shared/docs/xen-arm-guest-abi.md: -errno values, section
 * 3.4; GNTST_* statuses for grant operations, section 6.3; xenstore error
 * names, section 7.2; hv/grant_table.h and hv/evtchn.h for which of them
 * applies). One line per attempt:
 *     HOSTILE <name>: got <value> (<name>) expected <value> (<name>) OK|FAIL
 * then "HOSTILE summary: N checks, N OK, N FAIL" and a shutdown.
 *
 * The attacks, in order: frames outside our RAM (add_to_physmap); grants
 * (forged, never granted, stale, granted to another, foreign frames,
 * read-only mapped writable, our own mapped twice and unmapped with wrong
 * handles and addresses, copies by frame and by bad ref); event channels
 * (port 0, free and out-of-range ports, Dom0's ports and domain); xenstore
 * (Dom0's and another DomU's home, the root); a pointer outside our memory
 * in every pointer-taking hypercall and sub-operation; the toolstack and
 * privileged operations; a grant batch running off the end of RAM; and
 * last, corrupt xenstore and console rings (no error to check there: the
 * test checks that the hypervisor survives, under the sanitizers too).
 *
 * It runs beside Dom0 and, in the test, a demo DomU whose xenstore home it
 * attacks; the test then checks that Dom0 still answers.
 */
#include "arch.h"
#include "armhv_domctl.h"
#include "console.h"
#include "events.h"
#include "gnttab.h"
#include "hypercall.h"
#include "kernel.h"
#include "lib.h"
#include "xenstore.h"

const char app_name[] = "hostile";

/*
 * A page of our RAM (a copy destination), and one we grant. Grants are
 * mapped in a hole of our guest-physical space 1 MiB past the end of RAM:
 * the hypervisor maps a grant only where nothing else is (grant_map_install
 * refuses an IPA that is RAM with GNTST_bad_virt_addr).
 */
static uint8_t map_target[XEN_PAGE_SIZE] __attribute__((aligned(XEN_PAGE_SIZE)));
static uint8_t granted_page[XEN_PAGE_SIZE] __attribute__((aligned(XEN_PAGE_SIZE)));
#define GRANT_MAP_GAP 0x100000u

static unsigned checks, failures;

static const char *gntst_name(long st)
{
    static const char *const names[] = {
        "GNTST_okay", "GNTST_general_error", "GNTST_bad_domain", "GNTST_bad_gntref",
        "GNTST_bad_handle", "GNTST_bad_virt_addr", "GNTST_bad_dev_addr",
        "GNTST_no_device_space", "GNTST_permission_denied", "GNTST_bad_page",
        "GNTST_bad_copy_arg", "GNTST_address_too_big", "GNTST_eagain", "GNTST_no_space",
    };

    return st <= 0 && -st < (long)ARRAY_SIZE(names) ? names[-st] : "GNTST_?";
}

static void report(const char *name, long got, long expected, const char *got_name,
                   const char *expected_name)
{
    bool ok = got == expected;

    checks++;
    failures += !ok;
    printk("HOSTILE %s: got %ld (%s) expected %ld (%s) %s\n", name, got, got_name, expected,
           expected_name, ok ? "OK" : "FAIL");
}

/* A hypercall result or xenstore error: -XEN_E* or 0. */
static void expect_errno(const char *name, long got, long expected)
{
    report(name, got, expected, xen_errno_name(got), xen_errno_name(expected));
}

/* A grant operation's per-element status. */
static void expect_gntst(const char *name, long got, long expected)
{
    report(name, got, expected, gntst_name(got), gntst_name(expected));
}

static uint32_t ram_end(void)
{
    return (uint32_t)(boot_info.ram_base + boot_info.ram_size);
}

/* ---- memory: frames outside our RAM ---- */

static long add_to_physmap(uint16_t domid, uint32_t space, uint64_t idx, uint64_t gpfn)
{
    struct xen_add_to_physmap xatp = { .domid = domid, .space = space, .idx = idx, .gpfn = gpfn };

    return HYPERVISOR_memory_op(XENMEM_add_to_physmap, &xatp);
}

static void attack_physmap(void)
{
    expect_errno("physmap_shared_info_below_ram",
                 add_to_physmap(DOMID_SELF, XENMAPSPACE_shared_info, 0, 0x30000), -XEN_EINVAL);
    expect_errno("physmap_shared_info_past_ram",
                 add_to_physmap(DOMID_SELF, XENMAPSPACE_shared_info, 0, ram_end() >> 12),
                 -XEN_EINVAL);
    expect_errno("physmap_shared_info_on_gic",
                 add_to_physmap(DOMID_SELF, XENMAPSPACE_shared_info, 0, GUEST_GICD_BASE >> 12),
                 -XEN_EINVAL);
    expect_errno("physmap_grant_frame_past_max",
                 add_to_physmap(DOMID_SELF, XENMAPSPACE_grant_table, gnttab_max_frames(),
                                (GUEST_GNTTAB_BASE >> 12) + gnttab_max_frames()),
                 -XEN_EINVAL);
    expect_errno("physmap_grant_frame_onto_ram",
                 add_to_physmap(DOMID_SELF, XENMAPSPACE_grant_table, 0,
                                (uintptr_t)map_target >> 12),
                 -XEN_EINVAL);
    expect_errno("physmap_into_dom0",
                 add_to_physmap(0, XENMAPSPACE_shared_info, 0, (uintptr_t)map_target >> 12),
                 -XEN_EPERM);
}

/* ---- grants: forged, stale, foreign, doubled ---- */

static long map_grant(uint16_t dom, uint32_t ref, uint32_t flags, uint64_t host_addr,
                      uint32_t *handle)
{
    struct gnttab_map_grant_ref op = { .host_addr = host_addr, .flags = flags, .ref = ref,
                                       .dom = dom };
    long rc = HYPERVISOR_grant_table_op(GNTTABOP_map_grant_ref, &op, 1);

    if (rc < 0)
        return rc;
    if (handle)
        *handle = op.handle;
    return op.status;
}

static long unmap_grant(uint64_t host_addr, uint32_t handle)
{
    struct gnttab_unmap_grant_ref op = { .host_addr = host_addr, .handle = handle };
    long rc = HYPERVISOR_grant_table_op(GNTTABOP_unmap_grant_ref, &op, 1);

    return rc < 0 ? rc : op.status;
}

static long copy_grant(uint32_t src, uint16_t src_dom, uint16_t flags, uint16_t offset,
                       uint16_t len)
{
    struct gnttab_copy op = {
        .source = { .domid = src_dom, .offset = offset },
        .dest = { .u.gmfn = (uintptr_t)map_target >> 12, .domid = DOMID_SELF },
        .len = len,
        .flags = flags,
    };

    if (flags & GNTCOPY_source_gref)
        op.source.u.ref = src;
    else
        op.source.u.gmfn = src;
    long rc = HYPERVISOR_grant_table_op(GNTTABOP_copy, &op, 1);

    return rc < 0 ? rc : op.status;
}

static void attack_grants(void)
{
    uint16_t me = kernel_domid;
    uint64_t at = ram_end() + GRANT_MAP_GAP;
    uint32_t own_frame = (uint32_t)((uintptr_t)granted_page >> 12);
    uint32_t h1 = 0, h2 = 0;

    expect_gntst("grant_map_forged_ref_out_of_range",
                 map_grant(me, 100000, GNTMAP_host_map, at, NULL), GNTST_bad_gntref);
    expect_gntst("grant_map_never_granted_ref",
                 map_grant(me, 300, GNTMAP_host_map, at, NULL), GNTST_general_error);
    expect_gntst("grant_map_unknown_domain",
                 map_grant(0x7000, 8, GNTMAP_host_map, at, NULL), GNTST_bad_domain);
    expect_gntst("grant_map_dom0_ref_not_for_us",
                 map_grant(0, 8, GNTMAP_host_map, at, NULL), GNTST_general_error);
    expect_gntst("grant_map_no_flags",
                 map_grant(me, 8, 0, at, NULL), GNTST_bad_gntref);

    /* A grant of a frame that is not our RAM: the UART and Dom0-only MMIO. */
    long ref = gnttab_grant_access(me, 0x1c090, false);

    expect_gntst("grant_map_foreign_frame",
                 ref < 0 ? ref : map_grant(me, (uint32_t)ref, GNTMAP_host_map, at, NULL),
                 GNTST_bad_page);
    if (ref >= 0)
        gnttab_end_access((grant_ref_t)ref);
    ref = gnttab_grant_access(me, ram_end() >> 12, false);
    expect_gntst("grant_map_frame_past_our_ram",
                 ref < 0 ? ref : map_grant(me, (uint32_t)ref, GNTMAP_host_map, at, NULL),
                 GNTST_bad_page);
    if (ref >= 0)
        gnttab_end_access((grant_ref_t)ref);

    /* Stale: granted, revoked, then mapped. */
    ref = gnttab_grant_access(me, own_frame, false);
    if (ref >= 0)
        gnttab_end_access((grant_ref_t)ref);
    expect_gntst("grant_map_stale_ref",
                 ref < 0 ? ref : map_grant(me, (uint32_t)ref, GNTMAP_host_map, at, NULL),
                 GNTST_general_error);

    /* Granted to Dom0, mapped by us. */
    ref = gnttab_grant_access(0, own_frame, false);
    expect_gntst("grant_map_ref_granted_to_other",
                 ref < 0 ? ref : map_grant(me, (uint32_t)ref, GNTMAP_host_map, at, NULL),
                 GNTST_general_error);
    if (ref >= 0)
        gnttab_end_access((grant_ref_t)ref);

    /* Read-only grant mapped writable. */
    ref = gnttab_grant_access(me, own_frame, true);
    expect_gntst("grant_map_readonly_as_writable",
                 ref < 0 ? ref : map_grant(me, (uint32_t)ref, GNTMAP_host_map, at, NULL),
                 GNTST_permission_denied);
    if (ref >= 0)
        gnttab_end_access((grant_ref_t)ref);

    /* Our own grant mapped twice, then unmapped with wrong handles. */
    ref = gnttab_grant_access(me, own_frame, false);
    if (ref < 0) {
        expect_gntst("grant_own_grant", ref, GNTST_okay);
        return;
    }
    expect_gntst("grant_map_own_grant_first",
                 map_grant(me, (uint32_t)ref, GNTMAP_host_map, at, &h1), GNTST_okay);
    /* The same grant again, at the next page: a second handle. */
    expect_gntst("grant_map_own_grant_second",
                 map_grant(me, (uint32_t)ref, GNTMAP_host_map, at + XEN_PAGE_SIZE, &h2),
                 GNTST_okay);
    snprintf((char *)granted_page, 64, "granted by %u", me);
    expect_errno("grant_mapping_shows_granted_page",
                 memcmp((const void *)(uintptr_t)(at + XEN_PAGE_SIZE), granted_page, 64) ? -1 : 0,
                 0);
    expect_errno("grant_revoke_while_mapped", gnttab_end_access((grant_ref_t)ref),
                 -XEN_EBUSY);
    expect_gntst("grant_unmap_wrong_handle", unmap_grant(at, h1 + h2 + 1000), GNTST_bad_handle);
    expect_gntst("grant_unmap_handle_at_wrong_addr", unmap_grant(at + 2 * XEN_PAGE_SIZE, h1),
                 GNTST_general_error);
    expect_gntst("grant_unmap_first", unmap_grant(at, h1), GNTST_okay);
    expect_gntst("grant_unmap_first_again", unmap_grant(at, h1), GNTST_bad_handle);
    expect_gntst("grant_unmap_second", unmap_grant(at + XEN_PAGE_SIZE, h2), GNTST_okay);
    expect_errno("grant_revoke_after_unmap", gnttab_end_access((grant_ref_t)ref), 0);

    expect_gntst("grant_copy_from_dom0_frame",
                 copy_grant(0x40000, 0, 0, 0, 16), GNTST_permission_denied);
    expect_gntst("grant_copy_from_frame_outside_ram",
                 copy_grant(0x30000, DOMID_SELF, 0, 0, 16), GNTST_bad_page);
    expect_gntst("grant_copy_forged_ref",
                 copy_grant(100000, me, GNTCOPY_source_gref, 0, 16), GNTST_bad_gntref);
    expect_gntst("grant_copy_past_page_end",
                 copy_grant(own_frame, DOMID_SELF, 0, 4000, 200), GNTST_bad_copy_arg);
}

/* ---- event channels: unbound ports, other domains' ports ---- */

static void attack_events(void)
{
    expect_errno("evtchn_send_port_0", evtchn_send(0), -XEN_EINVAL);
    expect_errno("evtchn_send_free_port", evtchn_send(1000), -XEN_EINVAL);
    expect_errno("evtchn_send_port_out_of_range", evtchn_send(5000), -XEN_EINVAL);
    expect_errno("evtchn_close_free_port", evtchn_close(1001), -XEN_EINVAL);
    expect_errno("evtchn_unmask_out_of_range", evtchn_unmask(5000), -XEN_EINVAL);

    struct evtchn_alloc_unbound alloc = { .dom = 0, .remote_dom = 0 };
    expect_errno("evtchn_alloc_in_dom0",
                 HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &alloc), -XEN_EPERM);
    expect_errno("evtchn_bind_dom0_port_1", evtchn_bind_interdomain(0, 1), -XEN_EINVAL);
    expect_errno("evtchn_bind_dom0_port_out_of_range", evtchn_bind_interdomain(0, 5000),
                 -XEN_EINVAL);
    expect_errno("evtchn_bind_unknown_domain", evtchn_bind_interdomain(0x7000, 1), -XEN_ESRCH);

    struct evtchn_status status = { .dom = 0, .port = 1 };
    expect_errno("evtchn_status_of_dom0_port",
                 HYPERVISOR_event_channel_op(EVTCHNOP_status, &status), -XEN_EPERM);

    /* A port we allocated for Dom0 only: we may not bind it ourselves. */
    long port = evtchn_alloc_unbound(0);

    expect_errno("evtchn_bind_own_port_meant_for_dom0",
                 port < 0 ? port : evtchn_bind_interdomain(kernel_domid, (evtchn_port_t)port),
                 -XEN_EINVAL);
}

/* ---- xenstore: other domains' homes, Dom0's, the root ---- */

static void attack_xenstore(void)
{
    char buf[64], path[64];
    uint16_t other = kernel_domid == 1 ? 2 : 1;

    expect_errno("xenstore_read_dom0_name", xs_read("/local/domain/0/name", buf, sizeof(buf)),
                 -XEN_EACCES);
    expect_errno("xenstore_write_dom0_home", xs_write("/local/domain/0/hostile", "x"),
                 -XEN_EACCES);
    expect_errno("xenstore_list_dom0_home", xs_directory("/local/domain/0", buf, sizeof(buf)),
                 -XEN_EACCES);
    expect_errno("xenstore_rm_dom0_home", xs_rm("/local/domain/0"), -XEN_EACCES);
    snprintf(path, sizeof(path), "/local/domain/%u/name", other);
    expect_errno("xenstore_read_other_domu_name", xs_read(path, buf, sizeof(buf)), -XEN_EACCES);
    snprintf(path, sizeof(path), "/local/domain/%u/data/hostile", other);
    expect_errno("xenstore_write_other_domu_home", xs_write(path, "x"), -XEN_EACCES);
    expect_errno("xenstore_list_all_domains", xs_directory("/local/domain", buf, sizeof(buf)),
                 -XEN_EACCES);
    expect_errno("xenstore_write_root", xs_write("/hostile", "x"), -XEN_EACCES);
    expect_errno("xenstore_read_missing_under_dom0",
                 xs_read("/local/domain/0/no/such/node", buf, sizeof(buf)), -XEN_EACCES);
    snprintf(path, sizeof(path), "/local/domain/%u/data/ok", kernel_domid);
    expect_errno("xenstore_write_own_home_allowed", xs_write(path, "fine"), 0);
}

/* ---- pointers outside our memory, in every hypercall that takes one ---- */

/* Every (hypercall, sub-operation) whose argument is a pointer. */
static const struct pointer_call {
    const char *name;
    uint32_t nr, cmd;
} pointer_calls[] = {
    { "xen_version_extraversion", __HYPERVISOR_xen_version, 1 },
    { "xen_version_compile_info", __HYPERVISOR_xen_version, 2 },
    { "xen_version_capabilities", __HYPERVISOR_xen_version, 3 },
    { "xen_version_changeset", __HYPERVISOR_xen_version, 4 },
    { "xen_version_platform_parameters", __HYPERVISOR_xen_version, 5 },
    { "xen_version_get_features", __HYPERVISOR_xen_version, XENVER_get_features },
    { "xen_version_guest_handle", __HYPERVISOR_xen_version, 8 },
    { "memory_op_add_to_physmap", __HYPERVISOR_memory_op, XENMEM_add_to_physmap },
    { "vcpu_op_register_vcpu_info", __HYPERVISOR_vcpu_op, VCPUOP_register_vcpu_info },
    { "vcpu_op_register_runstate", __HYPERVISOR_vcpu_op, VCPUOP_register_runstate_memory_area },
    { "hvm_op_set_param", __HYPERVISOR_hvm_op, HVMOP_set_param },
    { "hvm_op_get_param", __HYPERVISOR_hvm_op, HVMOP_get_param },
    { "sched_op_shutdown", __HYPERVISOR_sched_op, SCHEDOP_shutdown },
    { "sched_op_poll", __HYPERVISOR_sched_op, 3 },
    { "sched_op_remote_shutdown", __HYPERVISOR_sched_op, SCHEDOP_remote_shutdown },
    { "evtchn_op_bind_interdomain", __HYPERVISOR_event_channel_op, EVTCHNOP_bind_interdomain },
    { "evtchn_op_bind_virq", __HYPERVISOR_event_channel_op, 1 },
    { "evtchn_op_close", __HYPERVISOR_event_channel_op, EVTCHNOP_close },
    { "evtchn_op_send", __HYPERVISOR_event_channel_op, EVTCHNOP_send },
    { "evtchn_op_status", __HYPERVISOR_event_channel_op, EVTCHNOP_status },
    { "evtchn_op_alloc_unbound", __HYPERVISOR_event_channel_op, EVTCHNOP_alloc_unbound },
    { "evtchn_op_bind_vcpu", __HYPERVISOR_event_channel_op, 8 },
    { "evtchn_op_unmask", __HYPERVISOR_event_channel_op, EVTCHNOP_unmask },
    { "grant_op_map", __HYPERVISOR_grant_table_op, GNTTABOP_map_grant_ref },
    { "grant_op_unmap", __HYPERVISOR_grant_table_op, GNTTABOP_unmap_grant_ref },
    { "grant_op_setup_table", __HYPERVISOR_grant_table_op, GNTTABOP_setup_table },
    { "grant_op_copy", __HYPERVISOR_grant_table_op, GNTTABOP_copy },
    { "grant_op_query_size", __HYPERVISOR_grant_table_op, GNTTABOP_query_size },
    { "grant_op_set_version", __HYPERVISOR_grant_table_op, GNTTABOP_set_version },
};

/* Calls it with the pointer where its convention puts one. */
static long call_with_pointer(const struct pointer_call *call, uint32_t ptr)
{
    switch (call->nr) {
    case __HYPERVISOR_vcpu_op:
        return hypercall5(call->nr, call->cmd, 0, ptr, 0, 0);
    case __HYPERVISOR_grant_table_op:
        return hypercall5(call->nr, call->cmd, ptr, 1, 0, 0);
    default:
        return hypercall5(call->nr, call->cmd, ptr, 0, 0, 0);
    }
}

static void attack_pointers(void)
{
    /* No memory at all; MMIO; just past RAM; starting in RAM and ending past it. */
    const struct {
        const char *name;
        uint32_t ptr;
    } where[] = {
        { "unmapped", 0x30000000u },
        { "gic", GUEST_GICC_BASE },
        { "past_ram", ram_end() },
        { "straddling_ram_end", ram_end() - 2 },   /* every argument is >= 4 bytes */
    };
    char name[96];

    for (unsigned i = 0; i < ARRAY_SIZE(pointer_calls); i++) {
        for (unsigned w = 0; w < ARRAY_SIZE(where); w++) {
            snprintf(name, sizeof(name), "ptr_%s_%s", pointer_calls[i].name, where[w].name);
            expect_errno(name, call_with_pointer(&pointer_calls[i], where[w].ptr), -XEN_EFAULT);
        }
    }
    expect_errno("ptr_console_io_write_past_ram",
                 HYPERVISOR_console_io(CONSOLEIO_write, 16, (void *)(uintptr_t)ram_end()),
                 -XEN_EFAULT);
    expect_errno("ptr_console_io_write_on_gic",
                 HYPERVISOR_console_io(CONSOLEIO_write, 16, (void *)GUEST_GICC_BASE),
                 -XEN_EFAULT);
    expect_errno("ptr_console_io_write_straddling",
                 HYPERVISOR_console_io(CONSOLEIO_write, 16, (void *)(uintptr_t)(ram_end() - 8)),
                 -XEN_EFAULT);

    /* An output that does not fit: the struct is read, the result cannot be written. */
    struct xen_hvm_param *p = (struct xen_hvm_param *)(uintptr_t)(ram_end() - 8);
    expect_errno("ptr_hvm_op_result_past_ram", HYPERVISOR_hvm_op(HVMOP_get_param, p),
                 -XEN_EFAULT);

    /* setup_table's frame list: Xen reports it in the status. */
    struct gnttab_setup_table setup = { .dom = DOMID_SELF, .nr_frames = 1,
                                        .frame_list = 0x30000000u };
    long rc = HYPERVISOR_grant_table_op(GNTTABOP_setup_table, &setup, 1);
    expect_gntst("ptr_grant_setup_table_frame_list", rc < 0 ? rc : setup.status,
                 GNTST_bad_virt_addr);
}

/* ---- the toolstack from a DomU ---- */

static void attack_toolstack(void)
{
    struct armhv_domctl op;

    memset(&op, 0, sizeof(op));
    op.cmd = ARMHV_DOMCTL_getinfo;
    op.interface_version = ARMHV_DOMCTL_VERSION;
    expect_errno("domctl_getinfo_from_domu", HYPERVISOR_domctl(&op), -XEN_EPERM);
    op.cmd = ARMHV_DOMCTL_destroy;
    op.domid = 0;
    expect_errno("domctl_destroy_dom0_from_domu", HYPERVISOR_domctl(&op), -XEN_EPERM);
    op.cmd = ARMHV_DOMCTL_pause;
    op.domid = kernel_domid == 1 ? 2 : 1;
    expect_errno("domctl_pause_other_from_domu", HYPERVISOR_domctl(&op), -XEN_EPERM);
    memset(&op, 0, sizeof(op));
    op.cmd = ARMHV_DOMCTL_create;
    op.interface_version = ARMHV_DOMCTL_VERSION;
    strlcpy(op.u.create.name, "dom0", sizeof(op.u.create.name));
    expect_errno("domctl_create_from_domu", HYPERVISOR_domctl(&op), -XEN_EPERM);
    expect_errno("domctl_bad_pointer_from_domu", HYPERVISOR_domctl((void *)0x30000000),
                 -XEN_EPERM);
    struct xen_hvm_param set = { .domid = DOMID_SELF, .index = HVM_PARAM_STORE_PFN,
                                 .value = 0x40000 };
    expect_errno("hvm_set_param_from_domu", HYPERVISOR_hvm_op(HVMOP_set_param, &set),
                 -XEN_EPERM);
    struct xen_hvm_param get = { .domid = 0, .index = HVM_PARAM_STORE_PFN };
    expect_errno("hvm_get_param_of_dom0", HYPERVISOR_hvm_op(HVMOP_get_param, &get),
                 -XEN_EPERM);
    struct sched_remote_shutdown remote = { .domain_id = 0, .reason = SHUTDOWN_poweroff };
    expect_errno("sched_remote_shutdown_dom0",
                 HYPERVISOR_sched_op(SCHEDOP_remote_shutdown, &remote), -XEN_EPERM);
    struct vcpu_register_vcpu_info info = { .mfn = (uintptr_t)map_target >> 12 };
    expect_errno("vcpu_op_on_missing_vcpu",
                 HYPERVISOR_vcpu_op(VCPUOP_register_vcpu_info, 5, &info), -XEN_ENOENT);
}

/*
 * A batch that runs off the end of our RAM: 0x10000000 map operations
 * starting 16 KiB before the end (zeroed, so each fails on its own). The
 * hypervisor works through them in preemptible batches, re-executing the
 * HVC, until an element cannot be read: -EFAULT, not a hang or a crash.
 */
static void attack_long_batch(void)
{
    uint8_t *tail = (uint8_t *)(uintptr_t)(ram_end() - 0x4000);

    memset(tail, 0, 0x4000);
    expect_errno("grant_op_batch_running_off_ram",
                 HYPERVISOR_grant_table_op(GNTTABOP_map_grant_ref, tail, 0x10000000u),
                 -XEN_EFAULT);
}

/*
 * Last, because it leaves our own rings unusable: a xenstore request
 * whose header claims more than the 4096-byte payload limit, then
 * xenstore and console ring indices that claim more bytes than the rings
 * hold, each followed by a notification (and a yield, which makes the
 * console back-end drain). The back-ends must refuse them without
 * reading outside the rings; the test then checks that Dom0 still works
 * and that the sanitizers saw nothing. Our own printk falls back to
 * console_io when it finds the console indices corrupt.
 */
static void attack_rings(void)
{
    uint64_t store_pfn = 0, store_port = 0, cons_pfn = 0, cons_port = 0;

    hvm_get_param(HVM_PARAM_STORE_PFN, &store_pfn);
    hvm_get_param(HVM_PARAM_STORE_EVTCHN, &store_port);
    hvm_get_param(HVM_PARAM_CONSOLE_PFN, &cons_pfn);
    hvm_get_param(HVM_PARAM_CONSOLE_EVTCHN, &cons_port);
    if (store_pfn && store_port) {
        volatile struct xenstore_domain_interface *xs =
            (volatile struct xenstore_domain_interface *)(uintptr_t)(store_pfn << 12);
        struct xsd_sockmsg hdr = { .type = XS_WRITE, .req_id = 0xbad, .len = 100000 };
        uint32_t prod = xs->req_prod;

        for (unsigned i = 0; i < sizeof(hdr); i++)
            xs->req[(prod + i) & (XENSTORE_RING_SIZE - 1)] = ((const char *)&hdr)[i];
        for (unsigned i = sizeof(hdr); i < 512; i++)
            xs->req[(prod + i) & (XENSTORE_RING_SIZE - 1)] = 'A';
        wmb();
        xs->req_prod = prod + 512;
        evtchn_send((evtchn_port_t)store_port);
        HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
        xs->req_prod = xs->req_cons + 5000;
        xs->rsp_cons = xs->rsp_prod + 7777;
        evtchn_send((evtchn_port_t)store_port);
        HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
    }
    if (cons_pfn && cons_port) {
        volatile struct xencons_interface *cons =
            (volatile struct xencons_interface *)(uintptr_t)(cons_pfn << 12);

        cons->out_prod = cons->out_cons + 100000;
        cons->in_cons = cons->in_prod + 5000;
        evtchn_send((evtchn_port_t)cons_port);
        HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
    }
    printk("hostile: sent an oversized xenstore request and corrupt ring indices\n");
}

void app_main(void)
{
    printk("hostile: domain %u, RAM 0x%08lx-0x%08lx: attacking\n", kernel_domid,
           (unsigned long)boot_info.ram_base, (unsigned long)ram_end());
    if (!kernel_domid || !boot_info.ram_size) {
        printk("HOSTILE setup: got 0 (no domid or RAM size) expected 1 FAIL\n");
        printk("HOSTILE summary: 1 checks, 0 OK, 1 FAIL\n");
        return;
    }
    attack_physmap();
    attack_grants();
    attack_events();
    attack_xenstore();
    attack_pointers();
    attack_toolstack();
    attack_long_batch();
    attack_rings();
    printk("HOSTILE summary: %u checks, %u OK, %u FAIL\n", checks, checks - failures, failures);
}
