/*
 * Snapshots of a partitioned machine (hv/system_snapshot.c), on a Dom0 and
 * a DomU whose kernels only spin: state that the demo and Linux round trips
 * of tests/cli/savevm_hv.sh never reach. A grant mapping Dom0 holds of a
 * DomU page is an alias region in Dom0's address space, not a value: after
 * the mapping was dropped, loadvm must install it again (same frame, same
 * pins, same maptrack handle), and a load that fails validation must leave
 * the dropped state as it was.
 */
#include <check.h>
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/snapshot.h"
#include "devices/machine.h"
#include "devices/machine_snapshot.h"
#include "hv/evtchn.h"
#include "hv/grant_table.h"
#include "hv/system.h"

#define MIB (1u << 20)
#define SPIN_BASE 0x40008000u
#define GRANTED_PAGE 0x40123000u
#define MAP_AT 0x50000000u

/* A kernel that spins (`b .`), as a one-segment ELF; returns its path. */
static char *write_spin_elf(void)
{
    uint8_t image[0x100];
    memset(image, 0, sizeof(image));
    const uint32_t branch_to_self = 0xeafffffeu;
    memcpy(image, &branch_to_self, 4);

    Elf32_Ehdr eh;
    memset(&eh, 0, sizeof(eh));
    memcpy(eh.e_ident, ELFMAG, SELFMAG);
    eh.e_ident[EI_CLASS] = ELFCLASS32;
    eh.e_ident[EI_DATA] = ELFDATA2LSB;
    eh.e_ident[EI_VERSION] = EV_CURRENT;
    eh.e_type = ET_EXEC;
    eh.e_machine = EM_ARM;
    eh.e_version = EV_CURRENT;
    eh.e_entry = SPIN_BASE;
    eh.e_phoff = sizeof(eh);
    eh.e_flags = 0x05000000;                /* EABI version 5 */
    eh.e_ehsize = sizeof(eh);
    eh.e_phentsize = sizeof(Elf32_Phdr);
    eh.e_phnum = 1;
    Elf32_Phdr ph;
    memset(&ph, 0, sizeof(ph));
    ph.p_type = PT_LOAD;
    ph.p_offset = sizeof(eh) + sizeof(ph);
    ph.p_vaddr = ph.p_paddr = SPIN_BASE;
    ph.p_filesz = ph.p_memsz = sizeof(image);
    ph.p_flags = PF_R | PF_X;
    ph.p_align = 4;

    char *path = strdup("/tmp/armhv-hvsnap-XXXXXX");
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, &eh, sizeof(eh)), (int)sizeof(eh));
    ck_assert_int_eq(write(fd, &ph, sizeof(ph)), (int)sizeof(ph));
    ck_assert_int_eq(write(fd, image, sizeof(image)), (int)sizeof(image));
    close(fd);
    return path;
}

static void quiet(void *opaque, const char *msg)
{
    (void)opaque;
    (void)msg;
}

struct fixture {
    struct machine m;
    struct hv_system *sys;
    char *kernel;
};

static struct fixture *fixture_new(void)
{
    struct fixture *f = calloc(1, sizeof(*f));
    ck_assert_ptr_nonnull(f);
    struct machine_config mc = { .board = "vexpress-a15", .memory = 64 * MIB, .cpus = 1,
                                 .mhz = 100 };
    ck_assert_int_eq(machine_create(&f->m, &mc), 0);
    f->kernel = write_spin_elf();
    struct hv_system_config *cfg = calloc(1, sizeof(*cfg));
    ck_assert_ptr_nonnull(cfg);
    cfg->scheduler = "round-robin";
    cfg->slice_us = 1000;
    cfg->nr_domains = 2;
    cfg->notice = quiet;
    const char *names[2] = { "dom0", "guest1" };
    for (unsigned i = 0; i < 2; i++) {
        struct hv_domain_spec *s = &cfg->domain[i];
        s->name = names[i];
        s->privileged = i == 0;
        s->memory = 16 * MIB;
        s->vcpus = 1;
        s->kernel = f->kernel;
        s->autostart = true;
    }
    ck_assert_int_eq(hv_system_create(&f->m, cfg, &f->sys), 0);
    free(cfg);
    return f;
}

static void fixture_free(struct fixture *f)
{
    hv_system_destroy(f->sys);
    machine_destroy(&f->m);
    unlink(f->kernel);
    free(f->kernel);
    free(f);
}

static uint32_t read_ipa(struct domain *d, uint32_t ipa)
{
    uint32_t v = 0xdeadbeef;
    aspace_read(d->as, ipa, 4, &v);
    return v;
}

static uint64_t state_hash(struct machine *m)
{
    char err[320];
    struct snapshot_writer w;
    snapshot_writer_init(&w);
    ck_assert_msg(machine_snapshot_save(m, &w, err, sizeof(err)) == 0, "%s", err);
    uint64_t h = snapshot_hash(w.buf, w.len, SNAPSHOT_HASH_SEED);
    snapshot_writer_free(&w);
    return h;
}

START_TEST(grant_mapping_survives_a_round_trip)
{
    struct fixture *f = fixture_new();
    ck_assert_int_eq(machine_run(&f->m, 20000), STOP_BUDGET);
    struct hv *hv = hv_system_hv(f->sys);
    struct domain *d0 = hv_domain_by_id(hv, 0), *d1 = hv_domain_by_id(hv, 1);

    /* The DomU grants a page to Dom0 (ref 8: v1 entry flags, domid, frame),
     * and Dom0 maps it writable at MAP_AT. */
    ck_assert_int_eq(hv_gnttab_add_to_physmap(d1, 0, XEN_GUEST_GNTTAB_BASE >> 12), 0);
    aspace_write(d1->as, GRANTED_PAGE, 4, 0x1234abcd);
    aspace_write(d1->as, XEN_GUEST_GNTTAB_BASE + 8 * 8 + 2, 2, 0);
    aspace_write(d1->as, XEN_GUEST_GNTTAB_BASE + 8 * 8 + 4, 4, GRANTED_PAGE >> 12);
    aspace_write(d1->as, XEN_GUEST_GNTTAB_BASE + 8 * 8, 2, XEN_GTF_permit_access);
    struct xen_gnttab_map_grant_ref op = { .host_addr = MAP_AT,
                                           .flags = XEN_GNTMAP_host_map, .ref = 8, .dom = 1 };
    struct hv_gnttab_mapping map;
    ck_assert_int_eq(hv_gnttab_map(d0, &op, &map), XEN_GNTST_okay);
    ck_assert_uint_eq(read_ipa(d0, MAP_AT), 0x1234abcd);
    uint64_t before = state_hash(&f->m);

    char err[320];
    struct snapshot_writer w;
    snapshot_writer_init(&w);
    ck_assert_msg(machine_snapshot_save(&f->m, &w, err, sizeof(err)) == 0, "%s", err);

    /* Dom0 unmaps: the alias goes, the pin and the maptrack entry too. */
    struct hv_gnttab_mapping gone;
    ck_assert_int_eq(hv_gnttab_unmap(d0, map.handle, MAP_AT, &gone), XEN_GNTST_okay);
    hv->grant_map_remove(d0, &gone);
    ck_assert_uint_ne(read_ipa(d0, MAP_AT), 0x1234abcd);
    ck_assert_uint_eq(hv_gnttab_active_entry(d1, 8)->rw_pins, 0);
    uint64_t unmapped = state_hash(&f->m);
    ck_assert(unmapped != before);

    /* A payload cut short is refused and changes nothing. */
    ck_assert_int_eq(machine_snapshot_load(&f->m, w.buf, w.len - 100, err, sizeof(err)), -1);
    ck_assert_uint_ne(read_ipa(d0, MAP_AT), 0x1234abcd);
    ck_assert(state_hash(&f->m) == unmapped);

    /* The whole snapshot brings the mapping back. */
    ck_assert_msg(machine_snapshot_load(&f->m, w.buf, w.len, err, sizeof(err)) == 0, "%s", err);
    ck_assert_uint_eq(read_ipa(d0, MAP_AT), 0x1234abcd);
    aspace_write(d0->as, MAP_AT + 4, 4, 0x55);
    ck_assert_uint_eq(read_ipa(d1, GRANTED_PAGE + 4), 0x55);
    ck_assert_uint_eq(hv_gnttab_active_entry(d1, 8)->rw_pins, 1);
    ck_assert_uint_eq(d0->gnttab->maptrack_used, 1);
    aspace_write(d0->as, MAP_AT + 4, 4, 0);
    ck_assert(state_hash(&f->m) == before);

    /* And Dom0 can unmap it by its old handle. */
    ck_assert_int_eq(hv_gnttab_unmap(d0, map.handle, MAP_AT, &gone), XEN_GNTST_okay);
    hv->grant_map_remove(d0, &gone);
    ck_assert_uint_ne(read_ipa(d0, MAP_AT), 0x1234abcd);

    /* Loading again while nothing is mapped: the run goes on as saved. */
    ck_assert_int_eq(machine_snapshot_load(&f->m, w.buf, w.len, err, sizeof(err)), 0);
    ck_assert_int_eq(machine_run(&f->m, 20000), STOP_BUDGET);
    snapshot_writer_free(&w);
    fixture_free(f);
}
END_TEST

START_TEST(event_channels_and_scheduler_round_trip)
{
    struct fixture *f = fixture_new();
    ck_assert_int_eq(machine_run(&f->m, 30000), STOP_BUDGET);
    struct hv *hv = hv_system_hv(f->sys);
    struct domain *d1 = hv_domain_by_id(hv, 1);
    struct xen_evtchn_alloc_unbound op = { .dom = XEN_DOMID_SELF, .remote_dom = 0 };
    ck_assert_int_eq(hv_evtchn_alloc_unbound(d1, &op), 0);
    uint32_t port = op.port;
    uint64_t at = machine_instructions(&f->m);

    char err[320];
    struct snapshot_writer w;
    snapshot_writer_init(&w);
    ck_assert_msg(machine_snapshot_save(&f->m, &w, err, sizeof(err)) == 0, "%s", err);
    ck_assert_int_eq(machine_run(&f->m, 50000), STOP_BUDGET);
    ck_assert_int_eq(hv_evtchn_close(d1, port), 0);
    uint64_t straight = 0;
    {
        /* What the machine looks like 50000 instructions after the save. */
        ck_assert_int_eq(machine_snapshot_load(&f->m, w.buf, w.len, err, sizeof(err)), 0);
        ck_assert_uint_eq(machine_instructions(&f->m), at);
        struct xen_evtchn_status st = { .dom = XEN_DOMID_SELF, .port = port };
        ck_assert_int_eq(hv_evtchn_status(d1, &st), 0);
        ck_assert_uint_eq(st.status, XEN_EVTCHNSTAT_unbound);
        ck_assert_int_eq(machine_run(&f->m, 50000), STOP_BUDGET);
        straight = state_hash(&f->m);
    }
    ck_assert_int_eq(machine_snapshot_load(&f->m, w.buf, w.len, err, sizeof(err)), 0);
    ck_assert_int_eq(machine_run(&f->m, 50000), STOP_BUDGET);
    ck_assert(state_hash(&f->m) == straight);
    snapshot_writer_free(&w);
    fixture_free(f);
}
END_TEST

Suite *hv_snapshot_suite(void)
{
    Suite *s = suite_create("hv_snapshot");
    TCase *tc = tcase_create("partitioned");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, grant_mapping_survives_a_round_trip);
    tcase_add_test(tc, event_channels_and_scheduler_round_trip);
    suite_add_tcase(s, tc);
    return s;
}
