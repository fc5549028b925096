/*
 * The partitioned machine end to end (hv/system.h): a vexpress-a15 board
 * split into Dom0 and a DomU, each running a tiny hand-assembled guest
 * (an ELF written by the test) that makes real hypercalls through HVC:
 * xen_version, console_io write, a long store loop, a read just outside
 * its own RAM, then sched_op shutdown.
 *
 * What must hold, and the bug each check would catch:
 *   - both consoles get their guest's line (console_io routed per domain);
 *   - after a few slices both domains have run (round-robin in virtual
 *     time: a scheduler that runs one domain to completion fails);
 *   - each domain's RAM is its partition of the board's RAM (a copy
 *     instead of a window fails), and a read past the end of a domain's
 *     RAM, where the board has the other domain's memory, sees zero
 *     (isolation);
 *   - the DomU's shutdown is reported and the domain destroyed while Dom0
 *     keeps running, and Dom0's shutdown ends the run with status 0.
 */
#include <check.h>
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "devices/machine.h"
#include "hv/grant_table.h"
#include "hv/sched.h"
#include "hv/system.h"
#include "mmu/mmu.h"

#define MIB (1u << 20)
#define GUEST_BASE 0x40008000u
#define GUEST_DATA 0x40009000u      /* +0 counter, +4 probe, +8 version, +12 reason */
#define GUEST_MSG_OFFSET 0x200u

/* ---- a tiny ARM assembler ---- */

struct prog {
    uint32_t word[128];
    unsigned n;
};

static void emit(struct prog *p, uint32_t insn)
{
    ck_assert_uint_lt(p->n, 128);
    p->word[p->n++] = insn;
}

/* MOVW/MOVT Rd, #value (ARMv7, A8.8.102/A8.8.106). */
static void mov32(struct prog *p, unsigned rd, uint32_t value)
{
    uint32_t lo = value & 0xffff, hi = value >> 16;
    emit(p, 0xe3000000u | (lo >> 12) << 16 | rd << 12 | (lo & 0xfff));
    if (hi)
        emit(p, 0xe3400000u | (hi >> 12) << 16 | rd << 12 | (hi & 0xfff));
}

#define HVC_XEN 0xe140ea71u         /* HVC #0xEA1 */

/*
 * The guest: r5 = xen_version(0); console_io(write, msg); counter loop
 * of `loops` stores; probe = *probe_addr; sched_op(shutdown, poweroff).
 */
static void assemble(struct prog *p, const char *msg, uint32_t loops, uint32_t probe_addr)
{
    memset(p, 0, sizeof(*p));
    mov32(p, 12, 17);                       /* xen_version */
    mov32(p, 0, 0);                         /* XENVER_version */
    mov32(p, 1, 0);
    emit(p, HVC_XEN);
    emit(p, 0xe1a05000u);                   /* mov r5, r0 */
    mov32(p, 3, GUEST_DATA);
    emit(p, 0xe5835008u);                   /* str r5, [r3, #8] */
    mov32(p, 12, 18);                       /* console_io */
    mov32(p, 0, 0);                         /* CONSOLEIO_write */
    mov32(p, 1, (uint32_t)strlen(msg));
    mov32(p, 2, GUEST_BASE + GUEST_MSG_OFFSET);
    emit(p, HVC_XEN);
    mov32(p, 3, GUEST_DATA);
    mov32(p, 4, 0);
    mov32(p, 8, loops);
    unsigned loop = p->n;
    emit(p, 0xe2844001u);                   /* add r4, r4, #1 */
    emit(p, 0xe5834000u);                   /* str r4, [r3] */
    emit(p, 0xe1540008u);                   /* cmp r4, r8 */
    int32_t back = (int32_t)loop - (int32_t)p->n - 2;
    emit(p, 0x1a000000u | ((uint32_t)back & 0xffffff));   /* bne loop */
    mov32(p, 7, probe_addr);
    emit(p, 0xe5976000u);                   /* ldr r6, [r7] */
    emit(p, 0xe5836004u);                   /* str r6, [r3, #4] */
    mov32(p, 12, 29);                       /* sched_op */
    mov32(p, 0, 2);                         /* SCHEDOP_shutdown */
    emit(p, 0xe283100cu);                   /* add r1, r3, #12: reason 0 = poweroff */
    emit(p, HVC_XEN);
    emit(p, 0xeafffffeu);                   /* b . */
}

/* Writes p and msg as a one-segment ELF at GUEST_BASE; returns the path. */
static char *write_elf(const struct prog *p, const char *msg)
{
    uint8_t image[0x1000];
    memset(image, 0, sizeof(image));
    memcpy(image, p->word, p->n * 4);
    memcpy(image + GUEST_MSG_OFFSET, msg, strlen(msg));

    Elf32_Ehdr eh;
    memset(&eh, 0, sizeof(eh));
    memcpy(eh.e_ident, ELFMAG, SELFMAG);
    eh.e_ident[EI_CLASS] = ELFCLASS32;
    eh.e_ident[EI_DATA] = ELFDATA2LSB;
    eh.e_ident[EI_VERSION] = EV_CURRENT;
    eh.e_type = ET_EXEC;
    eh.e_machine = EM_ARM;
    eh.e_version = EV_CURRENT;
    eh.e_entry = GUEST_BASE;
    eh.e_phoff = sizeof(eh);
    eh.e_flags = 0x05000000;                /* EABI version 5 */
    eh.e_ehsize = sizeof(eh);
    eh.e_phentsize = sizeof(Elf32_Phdr);
    eh.e_phnum = 1;
    Elf32_Phdr ph;
    memset(&ph, 0, sizeof(ph));
    ph.p_type = PT_LOAD;
    ph.p_offset = 0x100;
    ph.p_vaddr = ph.p_paddr = GUEST_BASE;
    ph.p_filesz = sizeof(image);
    ph.p_memsz = sizeof(image) + 0x1000;    /* + the data page (zero) */
    ph.p_flags = PF_R | PF_W | PF_X;
    ph.p_align = 0x100;

    char *path = strdup("/tmp/armhv-hvsys-XXXXXX");
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    uint8_t pad[0x100 - sizeof(eh) - sizeof(ph)];
    memset(pad, 0, sizeof(pad));
    ck_assert_int_eq(write(fd, &eh, sizeof(eh)), (int)sizeof(eh));
    ck_assert_int_eq(write(fd, &ph, sizeof(ph)), (int)sizeof(ph));
    ck_assert_int_eq(write(fd, pad, sizeof(pad)), (int)sizeof(pad));
    ck_assert_int_eq(write(fd, image, sizeof(image)), (int)sizeof(image));
    close(fd);
    return path;
}

/* ---- console capture ---- */

struct capture {
    char buf[512];
    size_t len;
};

static void capture_write(void *opaque, const uint8_t *buf, size_t len)
{
    struct capture *c = opaque;
    size_t room = sizeof(c->buf) - 1 - c->len;
    if (len > room)
        len = room;
    memcpy(c->buf + c->len, buf, len);
    c->len += len;
    c->buf[c->len] = 0;
}

static void capture_notice(void *opaque, const char *msg)
{
    capture_write(opaque, (const uint8_t *)msg, strlen(msg));
    capture_write(opaque, (const uint8_t *)"\n", 1);
}

struct hv_fixture {
    struct machine m;
    struct hv_system *sys;
    struct capture console[2], notices;
    char *kernel[2];
};

static uint32_t read_ipa(struct domain *d, uint32_t ipa)
{
    uint32_t v = 0xdeadbeef;
    aspace_read(d->as, ipa, 4, &v);
    return v;
}

static struct hv_fixture *hv_fixture_new(uint32_t loops0, uint32_t loops1,
                                         enum hv_exit_when exit_when)
{
    struct hv_fixture *f = calloc(1, sizeof(*f));
    ck_assert_ptr_nonnull(f);
    struct machine_config mc;
    memset(&mc, 0, sizeof(mc));
    mc.board = "vexpress-a15";
    mc.memory = 64 * MIB;
    mc.cpus = 1;
    mc.mhz = 100;
    ck_assert_int_eq(machine_create(&f->m, &mc), 0);

    struct prog p;
    /* Each probes the first page past its 16 MiB of RAM: in board terms
     * that is the other partition (Dom0) or beyond both (DomU). */
    assemble(&p, "hello from dom0\n", loops0, 0x41009000);
    f->kernel[0] = write_elf(&p, "hello from dom0\n");
    assemble(&p, "hello from guest1\n", loops1, 0x41009000);
    f->kernel[1] = write_elf(&p, "hello from guest1\n");

    struct hv_system_config *cfg = calloc(1, sizeof(*cfg));
    cfg->scheduler = "round-robin";
    cfg->slice_us = 1000;
    cfg->exit_when = exit_when;
    cfg->nr_domains = 2;
    cfg->notice = capture_notice;
    cfg->notice_opaque = &f->notices;
    const char *names[2] = { "dom0", "guest1" };
    for (unsigned i = 0; i < 2; i++) {
        struct hv_domain_spec *s = &cfg->domain[i];
        s->name = names[i];
        s->privileged = i == 0;
        s->memory = 16 * MIB;
        s->vcpus = 1;
        s->kernel = f->kernel[i];
        s->autostart = true;
        s->console = (struct char_backend){ capture_write, &f->console[i] };
    }
    cfg->domain[0].devices[0] = "serial0";
    cfg->domain[0].nr_devices = 1;
    ck_assert_int_eq(hv_system_create(&f->m, cfg, &f->sys), 0);
    free(cfg);
    return f;
}

static void hv_fixture_free(struct hv_fixture *f)
{
    hv_system_destroy(f->sys);
    machine_destroy(&f->m);
    for (unsigned i = 0; i < 2; i++) {
        unlink(f->kernel[i]);
        free(f->kernel[i]);
    }
    free(f);
}

START_TEST(test_two_domains_run_and_shut_down)
{
    struct hv_fixture *f = hv_fixture_new(400000, 100000, HV_EXIT_DOM0);
    struct hv *hv = hv_system_hv(f->sys);
    struct domain *d0 = hv_domain_by_id(hv, 0), *d1 = hv_domain_by_id(hv, 1);
    ck_assert_ptr_nonnull(d0);
    ck_assert_ptr_nonnull(d1);
    ck_assert(d0->privileged);
    ck_assert(!d1->privileged);

    /* The partitions are the board's RAM: Dom0 first, then guest1. */
    aspace_write(d1->as, 0x40000100, 4, 0x600df00d);
    uint32_t v = 0;
    aspace_read(&f->m.as, f->m.ram_base + 16 * MIB + 0x100, 4, &v);
    ck_assert_uint_eq(v, 0x600df00d);
    ck_assert_ptr_eq(aspace_host_ptr(d0->as, 0x40000000, 4),
                     aspace_host_ptr(&f->m.as, f->m.ram_base, 4));

    /* Three slices of 1 ms at 100 MHz: both domains have run. */
    ck_assert_int_eq(machine_run(&f->m, 350000), STOP_BUDGET);
    ck_assert_uint_gt(d0->stats.instructions, 50000);
    ck_assert_uint_gt(d1->stats.instructions, 50000);
    ck_assert_uint_ge(d0->stats.world_switches + d1->stats.world_switches, 3);
    ck_assert_uint_eq(machine_instructions(&f->m),
                      d0->stats.instructions + d1->stats.instructions);
    ck_assert_str_eq(f->console[0].buf, "hello from dom0\n");
    ck_assert_str_eq(f->console[1].buf, "hello from guest1\n");
    ck_assert_uint_eq(read_ipa(d0, GUEST_DATA + 8), 0x00040011);   /* Xen 4.17 */

    /* guest1 finishes first: reported and destroyed; Dom0 goes on. */
    enum machine_stop_reason why = machine_run(&f->m, 20000000);
    ck_assert_int_eq(why, STOP_SHUTDOWN);
    ck_assert_int_eq(f->m.shutdown_status, 0);
    ck_assert_ptr_null(hv_domain_by_id(hv, 1));
    ck_assert_ptr_nonnull(strstr(f->notices.buf, "domain 1 (guest1) shut down: poweroff"));
    ck_assert_ptr_nonnull(strstr(f->notices.buf, "domain 0 (dom0) shut down: poweroff"));
    ck_assert(strstr(f->notices.buf, "guest1") < strstr(f->notices.buf, "(dom0)"));
    ck_assert_int_eq(d0->state, HV_DOMAIN_SHUTDOWN);

    /* Dom0 counted to the end, and saw nothing past its RAM although the
     * board has guest1's counter page there. */
    ck_assert_uint_eq(read_ipa(d0, GUEST_DATA), 400000);
    ck_assert_uint_eq(read_ipa(d0, GUEST_DATA + 4), 0);
    aspace_read(&f->m.as, f->m.ram_base + 16 * MIB + 0x9000, 4, &v);
    ck_assert_uint_eq(v, 100000);   /* guest1's counter, in its partition */
    hv_fixture_free(f);
}
END_TEST

START_TEST(test_exit_when_domus_down)
{
    struct hv_fixture *f = hv_fixture_new(2000000, 1000, HV_EXIT_DOMUS_DOWN);
    ck_assert_int_eq(machine_run(&f->m, 0), STOP_SHUTDOWN);
    ck_assert_int_eq(f->m.shutdown_status, 0);
    struct domain *d0 = hv_domain_by_id(hv_system_hv(f->sys), 0);
    ck_assert_ptr_nonnull(d0);
    ck_assert_int_ne(d0->state, HV_DOMAIN_SHUTDOWN);   /* Dom0 was still counting */
    ck_assert_ptr_nonnull(strstr(f->notices.buf, "domain 1 (guest1) shut down: poweroff"));
    hv_fixture_free(f);
}
END_TEST

/*
 * A guest that sleeps: it enables its vGIC and the virtual timer's PPI
 * (ID 27), arms CNTV_TVAL for 10000 ticks (160 us) and executes WFI with
 * interrupts masked; it must wake when the timer fires through its vGIC
 * (time jumping over the idle stretch), then acknowledge ID 27 in GICC_IAR.
 */
static void assemble_sleeper(struct prog *p)
{
    memset(p, 0, sizeof(*p));
    static const uint32_t writes[][2] = {
        { XEN_GUEST_GICD_BASE + 0x000, 1 },         /* GICD_CTLR */
        { XEN_GUEST_GICD_BASE + 0x100, 1u << 27 },  /* GICD_ISENABLER0 */
        { XEN_GUEST_GICC_BASE + 0x000, 1 },         /* GICC_CTLR */
        { XEN_GUEST_GICC_BASE + 0x004, 0xff },      /* GICC_PMR */
    };
    for (unsigned i = 0; i < 4; i++) {
        mov32(p, 3, writes[i][0]);
        mov32(p, 4, writes[i][1]);
        emit(p, 0xe5834000u);               /* str r4, [r3] */
    }
    mov32(p, 4, 10000);
    emit(p, 0xee0e4f13u);                   /* mcr p15, 0, r4, c14, c3, 0: CNTV_TVAL */
    mov32(p, 4, 1);
    emit(p, 0xee0e4f33u);                   /* mcr p15, 0, r4, c14, c3, 1: CNTV_CTL */
    emit(p, 0xe320f003u);                   /* wfi */
    mov32(p, 3, XEN_GUEST_GICC_BASE + 0x00c);
    emit(p, 0xe5936000u);                   /* ldr r6, [r3]: GICC_IAR */
    mov32(p, 3, GUEST_DATA);
    emit(p, 0xe5836004u);                   /* str r6, [r3, #4] */
    mov32(p, 12, 29);                       /* sched_op */
    mov32(p, 0, 2);                         /* SCHEDOP_shutdown */
    emit(p, 0xe283100cu);                   /* add r1, r3, #12 */
    emit(p, HVC_XEN);
    emit(p, 0xeafffffeu);
}

START_TEST(test_wfi_sleeps_until_the_virtual_timer)
{
    struct machine *m = calloc(1, sizeof(*m));
    struct machine_config mc;
    memset(&mc, 0, sizeof(mc));
    mc.board = "vexpress-a15";
    mc.memory = 32 * MIB;
    mc.mhz = 100;
    ck_assert_int_eq(machine_create(m, &mc), 0);
    struct prog p;
    assemble_sleeper(&p);
    char *kernel = write_elf(&p, "");
    struct capture notices = { .len = 0 };
    struct hv_system_config *cfg = calloc(1, sizeof(*cfg));
    cfg->nr_domains = 1;
    cfg->notice = capture_notice;
    cfg->notice_opaque = &notices;
    cfg->domain[0] = (struct hv_domain_spec){ .name = "dom0", .privileged = true,
                                               .memory = 16 * MIB, .autostart = true,
                                               .kernel = kernel };
    struct hv_system *sys;
    ck_assert_int_eq(hv_system_create(m, cfg, &sys), 0);
    ck_assert_int_eq(machine_run(m, 0), STOP_SHUTDOWN);
    struct domain *d0 = hv_domain_by_id(hv_system_hv(sys), 0);
    ck_assert_uint_eq(read_ipa(d0, GUEST_DATA + 4), 27);
    /* It slept: few instructions, but at least 160 us of virtual time. */
    ck_assert_uint_lt(d0->stats.instructions, 200);
    ck_assert_uint_ge(vclock_now_ns(&m->clock), 160000);
    ck_assert_uint_ge(hv_system_sched(sys)->idle_skips, 1);
    hv_system_destroy(sys);
    machine_destroy(m);
    unlink(kernel);
    free(kernel);
    free(cfg);
    free(m);
}
END_TEST

/* The grant-mapping glue: a page of guest1 appears in Dom0's space at
 * host_addr (shared, not copied), read-only when asked, and goes away. */
START_TEST(test_grant_mapping_glue)
{
    struct hv_fixture *f = hv_fixture_new(10, 10, HV_EXIT_DOM0);
    struct hv *hv = hv_system_hv(f->sys);
    struct domain *d0 = hv_domain_by_id(hv, 0), *d1 = hv_domain_by_id(hv, 1);
    aspace_write(d1->as, 0x40123000, 4, 0x1234abcd);
    struct hv_gnttab_mapping map = {
        .granter = 1, .ref = 8, .handle = 0, .host_addr = 0x50000000,
        .frame_gpa = 0x40123000, .host = aspace_host_ptr(d1->as, 0x40123000, 4096),
        .readonly = false,
    };
    ck_assert_int_eq(hv->grant_map_install(d0, &map), XEN_GNTST_okay);
    ck_assert_uint_eq(read_ipa(d0, 0x50000000), 0x1234abcd);
    aspace_write(d0->as, 0x50000004, 4, 0x55);
    ck_assert_uint_eq(read_ipa(d1, 0x40123004), 0x55);
    /* Over existing RAM: refused. */
    struct hv_gnttab_mapping bad = map;
    bad.host_addr = 0x40000000;
    ck_assert_int_ne(hv->grant_map_install(d0, &bad), XEN_GNTST_okay);
    hv->grant_map_remove(d0, &map);
    ck_assert_uint_eq(read_ipa(d0, 0x50000000), 0);
    map.readonly = true;
    ck_assert_int_eq(hv->grant_map_install(d0, &map), XEN_GNTST_okay);
    aspace_write(d0->as, 0x50000004, 4, 0x66);
    ck_assert_uint_eq(read_ipa(d1, 0x40123004), 0x55);
    hv->grant_map_remove(d0, &map);
    hv_fixture_free(f);
}
END_TEST

/*
 * The toolstack's destroy and create: a destroyed DomU frees its slot and
 * can be built again from its section (a new id), but not while any other
 * space still shows its partition (a stale grant mapping would let the
 * mapper see the new domain's memory).
 */
START_TEST(test_toolstack_destroy_and_recreate)
{
    struct hv_fixture *f = hv_fixture_new(900000, 300000, HV_EXIT_DOM0);
    struct hv *hv = hv_system_hv(f->sys);
    ck_assert_int_eq(machine_run(&f->m, 250000), STOP_BUDGET);
    struct domain *d0 = hv_domain_by_id(hv, 0), *d1 = hv_domain_by_id(hv, 1);
    uint16_t id = 0;
    ck_assert_int_eq(hv->toolstack_create(hv, "guest1", &id), -XEN_EEXIST);
    ck_assert_int_eq(hv->toolstack_create(hv, "dom0", &id), -XEN_ENOENT);
    ck_assert_int_eq(hv->toolstack_create(hv, "nosuch", &id), -XEN_ENOENT);

    struct hv_gnttab_mapping map = {
        .granter = 1, .host_addr = 0x50000000, .frame_gpa = 0x40009000,
    };
    ck_assert_int_eq(hv->grant_map_install(d0, &map), XEN_GNTST_okay);
    ck_assert_int_eq(hv->toolstack_destroy(d1), 0);
    ck_assert_ptr_null(hv_domain_by_id(hv, 1));
    ck_assert_int_eq(hv->toolstack_create(hv, "guest1", &id), -XEN_EBUSY);
    hv->grant_map_remove(d0, &map);

    f->console[1].len = 0;
    ck_assert_int_eq(hv->toolstack_create(hv, "guest1", &id), 0);
    ck_assert_uint_eq(id, 2);
    struct domain *d2 = hv_domain_by_id(hv, 2);
    ck_assert_ptr_nonnull(d2);
    /* Built afresh on the same partition: the old counter is overwritten
     * by the new ELF's zeroed data page. */
    ck_assert_uint_eq(read_ipa(d2, GUEST_DATA), 0);
    ck_assert_int_eq(machine_run(&f->m, 30000000), STOP_SHUTDOWN);
    ck_assert_str_eq(f->console[1].buf, "hello from guest1\n");
    ck_assert_ptr_nonnull(strstr(f->notices.buf, "domain 2 (guest1) shut down: poweroff"));
    hv_fixture_free(f);
}
END_TEST

/* The debugger hooks reach vCPUs: a breakpoint (single-step mode) on an
 * address only guest1 executes stops in guest1's vCPU; a watchpoint
 * installed on the board's CPU 0, as the monitor does, catches guest1's
 * store to its counter. */
struct debug_probe {
    uint32_t break_pc;
    const struct arm_cpu *break_cpu;
    struct arm_cpu *hit_cpu;
    unsigned watch_hits;
};

static enum machine_stop_reason probe_check(void *opaque, struct arm_cpu *cpu)
{
    struct debug_probe *p = opaque;
    struct mmu_context *ctx = cpu->mem_opaque;
    if (ctx->watch_hit.pending) {
        p->watch_hits++;
        p->hit_cpu = cpu;
        return STOP_WATCHPOINT;
    }
    if (p->break_pc && cpu->r[15] == p->break_pc && cpu == p->break_cpu) {
        p->hit_cpu = cpu;
        return STOP_BREAKPOINT;
    }
    return STOP_NONE;
}

START_TEST(test_debugger_hooks_reach_vcpus)
{
    struct hv_fixture *f = hv_fixture_new(900000, 300000, HV_EXIT_DOM0);
    struct hv *hv = hv_system_hv(f->sys);
    struct domain *d1 = hv_domain_by_id(hv, 1);
    struct debug_probe probe = { 0 };
    f->m.debug_check = probe_check;
    f->m.debug_opaque = &probe;

    /* Both guests share their code addresses; the breakpoint's condition
     * is "guest1's vCPU" (Dom0 runs there first and goes on). */
    probe.break_pc = GUEST_BASE + 4;
    probe.break_cpu = hv_domain_vcpu(d1, 0);
    f->m.debug_single_step = true;
    enum machine_stop_reason why = machine_run(&f->m, 0);
    ck_assert_int_eq(why, STOP_BREAKPOINT);
    ck_assert_ptr_eq(probe.hit_cpu, hv_domain_vcpu(d1, 0));
    ck_assert_ptr_eq(machine_current_cpu(&f->m), hv_domain_vcpu(d1, 0));
    ck_assert_uint_eq(hv_domain_vcpu(d1, 0)->r[15], GUEST_BASE + 4);
    f->m.debug_single_step = false;
    probe.break_pc = 0;

    /* guest1's counter, by physical address in guest1's space. */
    static const struct mmu_watch watch = {
        .addr = GUEST_DATA, .len = 4, .access = MMU_WATCH_WRITE, .physical = true,
    };
    mmu_set_watchpoints(&f->m.mmu[0], &watch, 1);
    why = machine_run(&f->m, 0);
    ck_assert_int_eq(why, STOP_WATCHPOINT);
    ck_assert_uint_eq(probe.watch_hits, 1);
    /* Dom0 stores to the same IPA of its own space; either may hit first,
     * but a hit is always the running vCPU's. */
    ck_assert_ptr_eq(probe.hit_cpu, machine_current_cpu(&f->m));
    mmu_set_watchpoints(&f->m.mmu[0], NULL, 0);
    why = machine_run(&f->m, 0);
    ck_assert_int_eq(why, STOP_SHUTDOWN);
    ck_assert_uint_eq(probe.watch_hits, 1);
    hv_fixture_free(f);
}
END_TEST

/*
 * Two vCPUs in one domain: vCPU 0 starts vCPU 1 with PSCI CPU_ON (HVC #0)
 * and waits in a WFE loop for the flag vCPU 1 stores, followed by SEV.
 * No interrupt ever arrives, so this finishes only if a WFE in a
 * multi-vCPU domain yields to the other vCPU instead of sleeping until an
 * interrupt (a scheduler that sleeps there ends with STOP_HALTED).
 */
START_TEST(test_smp_cpu_on_and_wfe)
{
    struct machine *m = calloc(1, sizeof(*m));
    struct machine_config mc;
    memset(&mc, 0, sizeof(mc));
    mc.board = "vexpress-a15";
    mc.memory = 32 * MIB;
    mc.mhz = 100;
    ck_assert_int_eq(machine_create(m, &mc), 0);

    struct prog p;
    memset(&p, 0, sizeof(p));
    mov32(&p, 0, 0x84000003);               /* PSCI CPU_ON (SMC32) */
    mov32(&p, 1, 1);                        /* target MPIDR: vCPU 1 */
    mov32(&p, 2, GUEST_BASE + 0x100);       /* its entry */
    mov32(&p, 3, 0x1234);                   /* its r0 */
    emit(&p, 0xe1400070u);                  /* hvc #0 */
    mov32(&p, 3, GUEST_DATA);
    emit(&p, 0xe5830008u);                  /* str r0, [r3, #8]: PSCI status */
    unsigned loop = p.n;
    emit(&p, 0xe320f002u);                  /* wfe */
    emit(&p, 0xe5934000u);                  /* ldr r4, [r3] */
    emit(&p, 0xe3540000u);                  /* cmp r4, #0 */
    int32_t back = (int32_t)loop - (int32_t)p.n - 2;
    emit(&p, 0x0a000000u | ((uint32_t)back & 0xffffff));  /* beq loop */
    emit(&p, 0xe5834004u);                  /* str r4, [r3, #4] */
    mov32(&p, 12, 29);                      /* sched_op */
    mov32(&p, 0, 2);                        /* SCHEDOP_shutdown */
    emit(&p, 0xe283100cu);                  /* add r1, r3, #12 */
    emit(&p, HVC_XEN);
    emit(&p, 0xeafffffeu);
    while (p.n < 0x100 / 4)
        emit(&p, 0xe320f000u);              /* nop */
    /* vCPU 1: flag = r0, SEV, then sleep. */
    mov32(&p, 3, GUEST_DATA);
    emit(&p, 0xe5830000u);                  /* str r0, [r3] */
    emit(&p, 0xe320f004u);                  /* sev */
    emit(&p, 0xe320f003u);                  /* wfi */
    emit(&p, 0xeafffffdu);                  /* b wfi */
    char *kernel = write_elf(&p, "");

    struct capture notices = { .len = 0 };
    struct hv_system_config *cfg = calloc(1, sizeof(*cfg));
    cfg->nr_domains = 1;
    cfg->notice = capture_notice;
    cfg->notice_opaque = &notices;
    cfg->domain[0] = (struct hv_domain_spec){ .name = "dom0", .privileged = true,
                                               .memory = 16 * MIB, .vcpus = 2,
                                               .autostart = true, .kernel = kernel };
    struct hv_system *sys;
    ck_assert_int_eq(hv_system_create(m, cfg, &sys), 0);
    ck_assert_int_eq(machine_run(m, 10000000), STOP_SHUTDOWN);
    struct domain *d0 = hv_domain_by_id(hv_system_hv(sys), 0);
    ck_assert_uint_eq(read_ipa(d0, GUEST_DATA + 8), 0);         /* PSCI_SUCCESS */
    ck_assert_uint_eq(read_ipa(d0, GUEST_DATA + 4), 0x1234);
    ck_assert_uint_eq(hv_domain_vcpu(d0, 1)->index, 1);       /* MPIDR.Aff0 */
    ck_assert(d0->vcpu[1].online);
    hv_system_destroy(sys);
    machine_destroy(m);
    unlink(kernel);
    free(kernel);
    free(cfg);
    free(m);
}
END_TEST

START_TEST(test_config_errors)
{
    struct machine *m = calloc(1, sizeof(*m));
    struct machine_config mc;
    memset(&mc, 0, sizeof(mc));
    mc.board = "vexpress-a15";
    mc.memory = 32 * MIB;
    ck_assert_int_eq(machine_create(m, &mc), 0);
    struct hv_system_config *cfg = calloc(1, sizeof(*cfg));
    cfg->nr_domains = 2;
    cfg->domain[0] = (struct hv_domain_spec){ .name = "dom0", .privileged = true,
                                               .memory = 16 * MIB, .autostart = true,
                                               .kernel = "/nonexistent" };
    cfg->domain[1] = (struct hv_domain_spec){ .name = "big", .memory = 32 * MIB };
    struct hv_system *sys = NULL;
    /* 48M of domains on a 32M board. */
    ck_assert_int_eq(hv_system_create(m, cfg, &sys), -1);
    ck_assert_ptr_null(sys);
    cfg->domain[1].memory = 8 * MIB;
    cfg->domain[1].devices[0] = "uart1";
    cfg->domain[1].nr_devices = 1;
    ck_assert_int_eq(hv_system_create(m, cfg, &sys), -1);      /* DomU pass-through */
    cfg->domain[1].nr_devices = 0;
    cfg->domain[0].devices[0] = "nosuchdevice";
    cfg->domain[0].nr_devices = 1;
    ck_assert_int_eq(hv_system_create(m, cfg, &sys), -1);
    cfg->domain[0].nr_devices = 0;
    /* A missing kernel fails the build cleanly. */
    ck_assert_int_eq(hv_system_create(m, cfg, &sys), -1);
    ck_assert_ptr_null(m->run_hook);
    free(cfg);
    machine_destroy(m);
    free(m);
}
END_TEST

Suite *hv_system_suite(void)
{
    Suite *s = suite_create("hv_system");
    TCase *tc = tcase_create("partition");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_two_domains_run_and_shut_down);
    tcase_add_test(tc, test_exit_when_domus_down);
    tcase_add_test(tc, test_wfi_sleeps_until_the_virtual_timer);
    tcase_add_test(tc, test_grant_mapping_glue);
    tcase_add_test(tc, test_toolstack_destroy_and_recreate);
    tcase_add_test(tc, test_debugger_hooks_reach_vcpus);
    tcase_add_test(tc, test_smp_cpu_on_and_wfe);
    tcase_add_test(tc, test_config_errors);
    suite_add_tcase(s, tc);
    return s;
}
