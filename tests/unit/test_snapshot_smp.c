/*
 * Snapshots of a bare board with several CPUs (devices/machine_snapshot.c):
 * the round-robin state of devices/machine.c (which CPU runs, the CPU whose
 * quantum goes on and what is left of it, the switch count) comes back on
 * load, the virtual clock follows the CPU that runs, and a snapshot whose
 * quantum or CPU numbers are out of range is refused without changing the
 * machine.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "base/snapshot.h"
#include "devices/machine.h"
#include "devices/machine_snapshot.h"

static void make_smp_machine(struct machine *m, unsigned cpus)
{
    struct machine_config cfg = { .board = "vexpress-a9", .memory = 16u << 20, .cpus = cpus,
                                  .mhz = 100 };
    ck_assert_int_eq(machine_create(m, &cfg), 0);
    ck_assert_uint_eq(m->cpu_count, cpus);
}

/* CPU 0 ran 1000 instructions, then CPU 1 was switched in and ran 250. */
static void run_some(struct machine *m)
{
    m->cpu[0].icount += 1000;
    machine_switch_cpu(m, &m->cpu[1]);
    m->cpu[1].icount += 250;
    m->smp_next = 1;
    m->smp_quantum_left = MACHINE_SMP_QUANTUM - 250;
    m->smp_switches = 3;
}

START_TEST(smp_state_roundtrip)
{
    static struct machine m;
    make_smp_machine(&m, 2);
    run_some(&m);
    uint64_t total = machine_instructions(&m);
    uint64_t now_ps = vclock_now_ps(&m.clock);
    ck_assert_uint_eq(total, 1250);

    char err[320];
    struct snapshot_writer w;
    snapshot_writer_init(&w);
    ck_assert_int_eq(machine_snapshot_save(&m, &w, err, sizeof(err)), 0);

    /* The machine moves on: CPU 0 runs again with a fresh quantum. */
    machine_switch_cpu(&m, &m.cpu[0]);
    m.cpu[0].icount += 5000;
    m.smp_next = 0;
    m.smp_quantum_left = 42;
    m.smp_switches = 9;

    ck_assert_int_eq(machine_snapshot_load(&m, w.buf, w.len, err, sizeof(err)), 0);
    ck_assert_ptr_eq(m.current_cpu, &m.cpu[1]);
    ck_assert_uint_eq(machine_current_cpu_index(&m), 1);
    ck_assert_uint_eq(m.smp_next, 1);
    ck_assert_uint_eq(m.smp_quantum_left, MACHINE_SMP_QUANTUM - 250);
    ck_assert_uint_eq(m.smp_switches, 3);
    ck_assert_uint_eq(machine_instructions(&m), total);
    /* Time is counted by CPU 1's instructions again, from the same instant. */
    ck_assert_ptr_eq(m.clock.icount, &m.cpu[1].icount);
    ck_assert_ptr_eq(m.clock.run_end, &m.cpu[1].run_end);
    ck_assert_uint_eq(vclock_now_ps(&m.clock), now_ps);
    m.cpu[1].icount += 10;
    ck_assert_uint_eq(machine_instructions(&m), total + 10);
    ck_assert_uint_eq(vclock_now_ps(&m.clock), now_ps + 10 * m.clock.ps_per_insn);

    /* Saving the loaded machine (before it ran on) gives the same bytes. */
    m.cpu[1].icount -= 10;
    struct snapshot_writer again;
    snapshot_writer_init(&again);
    ck_assert_int_eq(machine_snapshot_save(&m, &again, err, sizeof(err)), 0);
    ck_assert_uint_eq(again.len, w.len);
    ck_assert(memcmp(again.buf, w.buf, w.len) == 0);
    snapshot_writer_free(&again);
    snapshot_writer_free(&w);
    machine_destroy(&m);
}
END_TEST

START_TEST(smp_bad_quantum_refused)
{
    static struct machine m;
    make_smp_machine(&m, 2);
    run_some(&m);
    /* savevm writes what it finds; loadvm must not accept a quantum longer
     * than the run loop ever gives (machine.c). */
    m.smp_quantum_left = MACHINE_SMP_QUANTUM + 1;
    char err[320];
    struct snapshot_writer w;
    snapshot_writer_init(&w);
    ck_assert_int_eq(machine_snapshot_save(&m, &w, err, sizeof(err)), 0);

    machine_switch_cpu(&m, &m.cpu[0]);
    m.smp_next = 0;
    m.smp_quantum_left = 42;
    ck_assert_int_eq(machine_snapshot_load(&m, w.buf, w.len, err, sizeof(err)), -1);
    ck_assert_msg(strstr(err, "instructions left of a 10000-instruction quantum"), "%s", err);
    ck_assert_ptr_eq(m.current_cpu, &m.cpu[0]);
    ck_assert_ptr_eq(m.clock.icount, &m.cpu[0].icount);
    ck_assert_uint_eq(m.smp_next, 0);
    ck_assert_uint_eq(m.smp_quantum_left, 42);
    snapshot_writer_free(&w);
    machine_destroy(&m);
}
END_TEST

START_TEST(smp_cpu_count_must_match)
{
    static struct machine two, four;
    make_smp_machine(&two, 2);
    make_smp_machine(&four, 4);
    run_some(&two);
    char err[320];
    struct snapshot_writer w;
    snapshot_writer_init(&w);
    ck_assert_int_eq(machine_snapshot_save(&two, &w, err, sizeof(err)), 0);
    ck_assert_int_eq(machine_snapshot_load(&four, w.buf, w.len, err, sizeof(err)), -1);
    ck_assert_msg(strstr(err, "the snapshot has 2 CPUs; this machine has 4"), "%s", err);
    ck_assert_ptr_eq(four.current_cpu, &four.cpu[0]);
    snapshot_writer_free(&w);
    machine_destroy(&two);
    machine_destroy(&four);
}
END_TEST

Suite *snapshot_smp_suite(void)
{
    Suite *s = suite_create("snapshot_smp");
    TCase *tc = tcase_create("round_robin");
    tcase_add_test(tc, smp_state_roundtrip);
    tcase_add_test(tc, smp_bad_quantum_refused);
    tcase_add_test(tc, smp_cpu_count_must_match);
    suite_add_tcase(s, tc);
    return s;
}
