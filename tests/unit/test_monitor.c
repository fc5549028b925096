/*
 * The monitor's parsers and its hook into the memory slow path.
 *
 * What is tested and why: a breakpoint condition or an `x` address that
 * parses differently from what the user typed stops the machine in the
 * wrong place, or never, and the user blames the guest. So: numbers in
 * every base the help promises and the malformed ones refused; expression
 * precedence (C's), memory operands, registers including every banked
 * copy (read and write land in the bank the CPU will use: cpu.h keeps the
 * current mode's copy in r[]); symbols from a System.map and their
 * lookup both ways; the x/NFMT letters; tab completion; and the
 * watchpoint hook in mmu/ (mmu.h, "Watchpoints"): a watched page must
 * lose its fast-path TLB tags, a store to the watched bytes must be
 * reported with old and new value and end cpu_run after the instruction,
 * and accesses beside the range, by the debugger or of the wrong kind
 * must not be reported.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cpu/mem.h"
#include "monitor/breakpoints.h"
#include "monitor/console.h"
#include "monitor/expr.h"
#include "monitor/monitor.h"
#include "monitor/symbols.h"
#include "tests/unit/cpu_fixture.h"

/* ---- numbers ---- */

START_TEST(test_numbers)
{
    uint64_t v;
    ck_assert_int_eq(mon_parse_number("0x1f", &v), 0);
    ck_assert_uint_eq(v, 31);
    ck_assert_int_eq(mon_parse_number("0X10", &v), 0);
    ck_assert_uint_eq(v, 16);
    ck_assert_int_eq(mon_parse_number("42", &v), 0);
    ck_assert_uint_eq(v, 42);
    ck_assert_int_eq(mon_parse_number("0b101", &v), 0);
    ck_assert_uint_eq(v, 5);
    ck_assert_int_eq(mon_parse_number("0", &v), 0);
    ck_assert_uint_eq(v, 0);
    ck_assert_int_eq(mon_parse_number("", &v), -1);
    ck_assert_int_eq(mon_parse_number("0x", &v), -1);
    ck_assert_int_eq(mon_parse_number("12a", &v), -1);
    ck_assert_int_eq(mon_parse_number("-1", &v), -1);
    ck_assert_int_eq(mon_parse_number("0x10000000000000000", &v), -1);
}
END_TEST

/* ---- expressions ---- */

/* Memory for [ADDR]: word = address ^ 0x5a5a0000, nothing above 0x10000. */
static int fake_read(void *opaque, uint32_t va, uint32_t *value)
{
    (void)opaque;
    if (va >= 0x10000)
        return -1;
    *value = va ^ 0x5a5a0000u;
    return 0;
}

static struct cpu_fixture *expr_fixture(struct mon_expr_env *env, struct symtab *st)
{
    struct cpu_fixture *f = fixture_init();
    ck_assert_ptr_nonnull(f);
    for (unsigned i = 0; i < 13; i++)
        f->cpu.r[i] = i * 0x11;
    f->cpu.r[13] = 0x7000;
    memset(env, 0, sizeof(*env));
    env->cpu = &f->cpu;
    env->syms = st;
    env->read_word = fake_read;
    return f;
}

static uint32_t eval_ok(const struct mon_expr_env *env, const char *text)
{
    uint32_t v = 0xdeadbeef;
    char err[160] = "";
    int rc = mon_expr_eval(env, text, &v, err, sizeof(err));
    ck_assert_msg(rc == 0, "'%s' failed: %s", text, err);
    return v;
}

static void eval_fails(const struct mon_expr_env *env, const char *text, const char *why)
{
    uint32_t v;
    char err[160] = "";
    ck_assert_msg(mon_expr_eval(env, text, &v, err, sizeof(err)) < 0, "'%s' parsed", text);
    ck_assert_msg(strstr(err, why), "'%s': message '%s' lacks '%s'", text, err, why);
}

START_TEST(test_expressions)
{
    struct mon_expr_env env;
    struct symtab st;
    symtab_init(&st);
    symtab_add(&st, 0x8000, 0x40, 'T', "main");
    symtab_add(&st, 0x9001, 0x10, 'T', "thumb_fn");
    symtab_add(&st, 0x20000, 4, 'D', "counter");
    symtab_finish(&st);
    struct cpu_fixture *f = expr_fixture(&env, &st);

    ck_assert_uint_eq(eval_ok(&env, "r1"), 0x11);
    ck_assert_uint_eq(eval_ok(&env, "$r2"), 0x22);
    ck_assert_uint_eq(eval_ok(&env, "r1 + r2 * 2"), 0x11 + 0x44);      /* * before + */
    ck_assert_uint_eq(eval_ok(&env, "(r1 + r2) * 2"), 0x66);
    ck_assert_uint_eq(eval_ok(&env, "1 << 4 | 1"), 17);                  /* | after << */
    ck_assert_uint_eq(eval_ok(&env, "0xff & 0x0f + 1"), 0x10);           /* & after + */
    ck_assert_uint_eq(eval_ok(&env, "-1"), 0xffffffffu);
    ck_assert_uint_eq(eval_ok(&env, "~0 >> 28"), 0xf);
    ck_assert_uint_eq(eval_ok(&env, "sp - 8"), 0x6ff8);
    ck_assert_uint_eq(eval_ok(&env, "pc"), FIXTURE_CODE);
    ck_assert_uint_eq(eval_ok(&env, "ip == r12"), 1);
    ck_assert_uint_eq(eval_ok(&env, "fp"), 0xbb);
    /* Comparisons are unsigned and give 0 or 1. */
    ck_assert_uint_eq(eval_ok(&env, "r5 == 0x55"), 1);
    ck_assert_uint_eq(eval_ok(&env, "r5 != 0x55"), 0);
    ck_assert_uint_eq(eval_ok(&env, "-1 > 5"), 1);
    ck_assert_uint_eq(eval_ok(&env, "r1 <= 0x11"), 1);
    ck_assert_uint_eq(eval_ok(&env, "r1 < 0x11"), 0);
    ck_assert_uint_eq(eval_ok(&env, "r1 >= 0x12"), 0);
    ck_assert_uint_eq(eval_ok(&env, "r0 == 0 && r1 == 0x11"), 1);
    ck_assert_uint_eq(eval_ok(&env, "r0 == 1 && r1 == 0x11"), 0);
    ck_assert_uint_eq(eval_ok(&env, "r0 == 1 || r1 == 0x11"), 1);
    ck_assert_uint_eq(eval_ok(&env, "!r0"), 1);
    ck_assert_uint_eq(eval_ok(&env, "!(r0 == 0)"), 0);
    /* Memory operands. */
    ck_assert_uint_eq(eval_ok(&env, "[0x100]"), 0x5a5a0100u);
    ck_assert_uint_eq(eval_ok(&env, "[r1 + 3]"), 0x5a5a0014u);
    ck_assert_uint_eq(eval_ok(&env, "[0x100] == 0x5a5a0100"), 1);
    ck_assert_uint_eq(eval_ok(&env, "[[0x10] & 0xfff]"), 0x5a5a0010u);
    /* Symbols; Thumb function addresses drop the T bit. */
    ck_assert_uint_eq(eval_ok(&env, "main"), 0x8000);
    ck_assert_uint_eq(eval_ok(&env, "main+8"), 0x8008);
    ck_assert_uint_eq(eval_ok(&env, "thumb_fn"), 0x9000);
    ck_assert_uint_eq(eval_ok(&env, "pc == main"), 1);
    /* The CPSR as a value: ARM926 in SVC mode after reset. */
    ck_assert_uint_eq(eval_ok(&env, "cpsr & 0x1f"), MODE_SVC);

    eval_fails(&env, "r1 ==", "ends too early");
    eval_fails(&env, "[0x10", "missing ']'");
    eval_fails(&env, "(1 + 2", "missing ')'");
    eval_fails(&env, "nosuch + 1", "unknown register or symbol 'nosuch'");
    eval_fails(&env, "5 5", "unexpected");
    eval_fails(&env, "[0x20000]", "cannot read memory at 0x00020000");
    eval_fails(&env, "0x1g", "not a 32-bit number");
    eval_fails(&env, "0x100000000", "not a 32-bit number");
    eval_fails(&env, "r16", "unknown register or symbol 'r16'");
    eval_fails(&env, "spsr_usr", "unknown");      /* USR has no SPSR */
    eval_fails(&env, "r8_irq", "unknown");        /* r8-r12 bank for FIQ only */
    eval_fails(&env, "sp_hyp", "unknown");        /* no Virtualization Ext. */
    eval_fails(&env, "r1 @ 2", "unexpected '@");

    /* Without a CPU or symbols, names are unknown, numbers still work. */
    struct mon_expr_env bare = { 0 };
    ck_assert_uint_eq(eval_ok(&bare, "2 * 3 + 1"), 7);
    eval_fails(&bare, "r0", "unknown register");
    eval_fails(&bare, "[4]", "cannot read memory");
    fixture_free(f);
    symtab_free(&st);
}
END_TEST

/* ---- banked registers ---- */

START_TEST(test_banked_registers)
{
    struct cpu_fixture *f = fixture_init();
    ck_assert_ptr_nonnull(f);
    struct arm_cpu *cpu = &f->cpu;
    uint32_t v;
    ck_assert_uint_eq(cpu_mode(cpu), MODE_SVC);

    /* Writes to other modes' banks land where cpu_switch_mode reads them. */
    ck_assert(mon_reg_write(cpu, "sp_irq", 0x1111));
    ck_assert(mon_reg_write(cpu, "lr_irq", 0x2222));
    ck_assert(mon_reg_write(cpu, "spsr_irq", 0x600000d3));
    ck_assert(mon_reg_write(cpu, "r8_fiq", 0x8f8f));
    ck_assert(mon_reg_write(cpu, "sp_usr", 0x3333));
    ck_assert(mon_reg_write(cpu, "sp_svc", 0x4444));    /* current mode: r[13] */
    ck_assert_uint_eq(cpu->r[13], 0x4444);
    ck_assert(mon_reg_read(cpu, "sp", &v));
    ck_assert_uint_eq(v, 0x4444);
    ck_assert(mon_reg_read(cpu, "r13_usr", &v));
    ck_assert_uint_eq(v, 0x3333);

    cpu->r[8] = 0x8888;
    cpu_switch_mode(cpu, MODE_IRQ);
    ck_assert_uint_eq(cpu->r[13], 0x1111);
    ck_assert_uint_eq(cpu->r[14], 0x2222);
    ck_assert_uint_eq(cpu->spsr, 0x600000d3);
    ck_assert(mon_reg_read(cpu, "spsr", &v));
    ck_assert_uint_eq(v, 0x600000d3);
    ck_assert(mon_reg_read(cpu, "sp_svc", &v));       /* now banked away */
    ck_assert_uint_eq(v, 0x4444);

    cpu_switch_mode(cpu, MODE_FIQ);
    ck_assert_uint_eq(cpu->r[8], 0x8f8f);
    ck_assert(mon_reg_read(cpu, "r8_usr", &v));       /* the other set */
    ck_assert_uint_eq(v, 0x8888);
    ck_assert(mon_reg_read(cpu, "r8_fiq", &v));
    ck_assert_uint_eq(v, 0x8f8f);
    ck_assert(mon_reg_write(cpu, "r9_usr", 0x9999));
    cpu_switch_mode(cpu, MODE_SYS);
    ck_assert_uint_eq(cpu->r[9], 0x9999);
    ck_assert(!mon_reg_read(cpu, "spsr", &v));        /* SYS has none */
    ck_assert(mon_reg_read(cpu, "sp", &v));
    ck_assert_uint_eq(v, 0x3333);                      /* SYS shares USR's SP */

    /* The PC written is the next instruction, aligned for the state. */
    ck_assert(mon_reg_write(cpu, "pc", 0x8003));
    ck_assert_uint_eq(cpu->r[15], 0x8000);
    /* CPSR writes switch banks; an invalid mode is refused. */
    ck_assert(mon_reg_write(cpu, "cpsr", 0x000000d2));
    ck_assert_uint_eq(cpu_mode(cpu), MODE_IRQ);
    ck_assert_uint_eq(cpu->r[13], 0x1111);
    ck_assert(!mon_reg_write(cpu, "cpsr", 0x000000c5));
    ck_assert(!mon_reg_write(cpu, "nosuch", 1));
    ck_assert(!mon_cpu_has_bank(cpu, BANK_HYP));
    fixture_free(f);
}
END_TEST

/* ---- x/NFMT ---- */

START_TEST(test_xfmt)
{
    struct mon_xfmt f;
    char err[160];
    ck_assert_int_eq(mon_parse_xfmt("", &f, err, sizeof(err)), 0);
    ck_assert_uint_eq(f.count, 4);
    ck_assert_int_eq(f.kind, 'x');
    ck_assert_uint_eq(f.size, 4);
    ck_assert_int_eq(mon_parse_xfmt("16xb", &f, err, sizeof(err)), 0);
    ck_assert_uint_eq(f.count, 16);
    ck_assert_uint_eq(f.size, 1);
    ck_assert_int_eq(mon_parse_xfmt("2dh", &f, err, sizeof(err)), 0);
    ck_assert_int_eq(f.kind, 'd');
    ck_assert_uint_eq(f.size, 2);
    ck_assert_int_eq(mon_parse_xfmt("hu", &f, err, sizeof(err)), 0);    /* any order */
    ck_assert_int_eq(f.kind, 'u');
    ck_assert_uint_eq(f.size, 2);
    ck_assert_int_eq(mon_parse_xfmt("10i", &f, err, sizeof(err)), 0);
    ck_assert_int_eq(f.kind, 'i');
    ck_assert_uint_eq(f.count, 10);
    ck_assert_int_eq(mon_parse_xfmt("s", &f, err, sizeof(err)), 0);
    ck_assert_uint_eq(f.count, 1);
    ck_assert_int_eq(mon_parse_xfmt("c", &f, err, sizeof(err)), 0);
    ck_assert_uint_eq(f.size, 1);
    ck_assert_int_eq(mon_parse_xfmt("4q", &f, err, sizeof(err)), -1);
    ck_assert(strstr(err, "unknown letter 'q'"));
    ck_assert_int_eq(mon_parse_xfmt("0x", &f, err, sizeof(err)), -1);
    ck_assert_int_eq(mon_parse_xfmt("xd", &f, err, sizeof(err)), -1);
    ck_assert(strstr(err, "two formats"));
    ck_assert_int_eq(mon_parse_xfmt("ib", &f, err, sizeof(err)), -1);
    ck_assert_int_eq(mon_parse_xfmt("99999999x", &f, err, sizeof(err)), -1);
}
END_TEST

/* ---- symbols ---- */

START_TEST(test_symbols_map)
{
    char path[] = "/tmp/armhv-test-map.XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    FILE *f = fdopen(fd, "w");
    fputs("c0008000 T stext\n"
          "c0008000 T _text\n"
          "c0008100 t __create_page_tables\n"
          "c0100000 T start_kernel\n"
          "c0200000 D linux_banner\n"
          "00000000 A __absolute\n"
          "c0300000 b $d\n", f);
    fclose(f);
    struct symtab st;
    symtab_init(&st);
    char err[256];
    ck_assert_int_eq(symtab_load(&st, path, err, sizeof(err)), 5);
    uint32_t off;
    const struct symbol *s = symtab_lookup_addr(&st, 0xc0008004, &off);
    ck_assert_ptr_nonnull(s);
    ck_assert_str_eq(s->name, "_text");     /* same address: the first by name */
    ck_assert_uint_eq(off, 4);
    s = symtab_lookup_addr(&st, 0xc0008150, &off);
    ck_assert_str_eq(s->name, "__create_page_tables");
    ck_assert_uint_eq(off, 0x50);
    ck_assert_ptr_null(symtab_lookup_addr(&st, 0xc0007fff, &off));
    ck_assert_ptr_null(symtab_lookup_addr(&st, 0xc0180000, &off));   /* far past */
    ck_assert_uint_eq(symtab_lookup_name(&st, "start_kernel")->addr, 0xc0100000);
    ck_assert_ptr_null(symtab_lookup_name(&st, "__absolute"));
    ck_assert_ptr_null(symtab_lookup_name(&st, "$d"));
    char buf[64];
    symtab_format(&st, 0xc0100010, buf, sizeof(buf));
    ck_assert_str_eq(buf, "start_kernel+0x10");
    symtab_format(&st, 0x1000, buf, sizeof(buf));
    ck_assert_str_eq(buf, "");

    /* A malformed line names the file and line. */
    f = fopen(path, "w");
    fputs("c0008000 T stext\nthis is not a map\n", f);
    fclose(f);
    ck_assert_int_eq(symtab_load(&st, path, err, sizeof(err)), -1);
    ck_assert(strstr(err, ":2: expected 'ADDRESS TYPE NAME'"));
    /* The old table survives a failed load. */
    ck_assert_ptr_nonnull(symtab_lookup_name(&st, "start_kernel"));
    unlink(path);
    symtab_free(&st);
}
END_TEST

/* ---- completion ---- */

START_TEST(test_completion)
{
    struct machine *m = calloc(1, sizeof(*m));
    struct monitor *mon = calloc(1, sizeof(*mon));
    ck_assert_ptr_nonnull(m);
    ck_assert_ptr_nonnull(mon);
    monitor_init(mon, m, stdout);
    symtab_add(&mon->syms, 0x8000, 0, 'T', "start_kernel");
    symtab_add(&mon->syms, 0x9000, 0, 'T', "start_secondary");
    symtab_finish(&mon->syms);

    /* In the command table's order. */
    char *c = monitor_complete(mon, "wa", 0, "wa", 0);
    ck_assert_str_eq(c, "watch");
    free(c);
    c = monitor_complete(mon, "wa", 0, "wa", 1);
    ck_assert_str_eq(c, "walk");
    free(c);
    ck_assert_ptr_null(monitor_complete(mon, "wa", 0, "wa", 2));
    c = monitor_complete(mon, "help di", 5, "di", 0);
    ck_assert_str_eq(c, "disas");
    free(c);
    c = monitor_complete(mon, "trace mm", 6, "mm", 0);
    ck_assert_str_eq(c, "mmio");
    free(c);
    c = monitor_complete(mon, "trace mmu o", 10, "o", 1);
    ck_assert_str_eq(c, "off");
    free(c);
    c = monitor_complete(mon, "x/4x sp_i", 5, "sp_i", 0);
    ck_assert_str_eq(c, "sp_irq");
    free(c);
    c = monitor_complete(mon, "break start_s", 6, "start_s", 0);
    ck_assert_str_eq(c, "start_secondary");
    free(c);
    c = monitor_complete(mon, "break start_", 6, "start_", 1);
    ck_assert_str_eq(c, "start_secondary");
    free(c);
    monitor_destroy(mon);
    free(mon);
    free(m);
}
END_TEST

/* ---- the watchpoint hook in mmu/ ---- */

#define WATCHED 0x40000u    /* FIXTURE_DATA */

START_TEST(test_watch_hook)
{
    struct cpu_fixture *f = fixture_init();
    ck_assert_ptr_nonnull(f);
    struct arm_cpu *cpu = &f->cpu;
    fixture_write32(f, WATCHED + 8, 0x11111111);
    /* str r1, [r0, #8]; str r1, [r0, #16]; ldr r2, [r0, #8]; b . */
    fixture_write32(f, FIXTURE_CODE, 0xe5801008);
    fixture_write32(f, FIXTURE_CODE + 4, 0xe5801010);
    fixture_write32(f, FIXTURE_CODE + 8, 0xe5902008);
    fixture_write32(f, FIXTURE_CODE + 12, 0xeafffffe);
    cpu->r[0] = WATCHED;
    cpu->r[1] = 0x22222222;

    /* Warm the TLB: the page has fast tags before the watch. */
    uint32_t v;
    ck_assert_int_eq(cpu_load32(cpu, WATCHED + 8, &v), 0);
    ck_assert_int_eq(cpu_store32(cpu, WATCHED + 12, 0), 0);
    ck_assert_uint_eq(cpu->tlb[1][tlb_index(WATCHED)].tag_write, WATCHED);

    struct mmu_watch w = { .addr = WATCHED + 8, .len = 4, .access = MMU_WATCH_WRITE };
    mmu_set_watchpoints(&f->mmu, &w, 1);
    ck_assert(mmu_watch_page(&f->mmu, WATCHED, 0x12345000));       /* by VA */
    ck_assert(!mmu_watch_page(&f->mmu, WATCHED + 0x1000, WATCHED)); /* VA watch, PA page */

    /* The store hits: cpu_run ends after one instruction. */
    uint64_t done = cpu_run(cpu, 100);
    ck_assert_uint_eq(done, 1);
    ck_assert_uint_eq(cpu->r[15], FIXTURE_CODE + 4);
    ck_assert(f->mmu.watch_hit.pending);
    ck_assert(f->mmu.watch_hit.write);
    ck_assert_uint_eq(f->mmu.watch_hit.va, WATCHED + 8);
    ck_assert_uint_eq(f->mmu.watch_hit.pa, WATCHED + 8);
    ck_assert_uint_eq(f->mmu.watch_hit.old_value, 0x11111111);
    ck_assert_uint_eq(f->mmu.watch_hit.value, 0x22222222);
    ck_assert_uint_eq(f->mmu.watch_hit.insn_addr, FIXTURE_CODE);
    ck_assert_uint_eq(fixture_read32(f, WATCHED + 8), 0x22222222);   /* it completed */
    /* The page kept no fast tags. */
    ck_assert_uint_ne(cpu->tlb[1][tlb_index(WATCHED)].tag_write, WATCHED);
    ck_assert_uint_ne(cpu->tlb[1][tlb_index(WATCHED)].tag_read, WATCHED);
    mmu_watch_hit_done(&f->mmu);
    ck_assert(!f->mmu.watch_hit.pending);
    ck_assert(!cpu->halted);

    /* Beside the range (same page) and a read of a write watch: no hit. */
    done = cpu_run(cpu, 2);
    ck_assert_uint_eq(done, 2);
    ck_assert(!f->mmu.watch_hit.pending);
    ck_assert_uint_eq(cpu->r[2], 0x22222222);

    /* A debugger write never hits. */
    uint32_t zero = 0;
    ck_assert_int_eq(cpu_debug_write(cpu, WATCHED + 8, &zero, 4), 0);
    ck_assert(!f->mmu.watch_hit.pending);

    /* A physical read watch sees a load through any virtual address. */
    struct mmu_watch r = { .addr = WATCHED + 8, .len = 1, .access = MMU_WATCH_READ,
                           .physical = true };
    mmu_set_watchpoints(&f->mmu, &r, 1);
    cpu->r[15] = FIXTURE_CODE + 8;
    done = cpu_run(cpu, 100);
    ck_assert_uint_eq(done, 1);
    ck_assert(f->mmu.watch_hit.pending);
    ck_assert(!f->mmu.watch_hit.write);
    ck_assert_uint_eq(f->mmu.watch_hit.size, 4);
    mmu_watch_hit_done(&f->mmu);

    /* Removing the list gives the page its fast tags back. */
    mmu_set_watchpoints(&f->mmu, NULL, 0);
    ck_assert_int_eq(cpu_store32(cpu, WATCHED + 8, 5), 0);
    ck_assert_uint_eq(cpu->tlb[1][tlb_index(WATCHED)].tag_write, WATCHED);
    fixture_free(f);
}
END_TEST

Suite *monitor_suite(void)
{
    Suite *s = suite_create("monitor");
    TCase *tc = tcase_create("parse");
    tcase_add_test(tc, test_numbers);
    tcase_add_test(tc, test_expressions);
    tcase_add_test(tc, test_banked_registers);
    tcase_add_test(tc, test_xfmt);
    tcase_add_test(tc, test_symbols_map);
    tcase_add_test(tc, test_completion);
    suite_add_tcase(s, tc);
    TCase *hook = tcase_create("watch_hook");
    tcase_add_test(hook, test_watch_hook);
    suite_add_tcase(s, hook);
    return s;
}
