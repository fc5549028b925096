/*
 * Thumb-2 (ARMv7-A, 16- and 32-bit Thumb) instruction tests on a
 * Cortex-A15 (and a Cortex-A9 where the two differ) with RAM, MMU off.
 *
 * What is tested and why: every class of the 32-bit encodings against the
 * ARM ARM (DDI 0406C A8.8 pseudocode): ThumbExpandImm and its carry (the
 * rotated constants set C, the replicated ones keep it), shifted-register
 * operands (LSR/ASR #32, RRX), the plain binary immediates (ADDW/SUBW/ADR,
 * MOVW/MOVT, bit fields, saturation with Q), the media instructions
 * (parallel add/subtract with GE, SEL, extends, reverses, CLZ, QADD & co),
 * every multiply and divide (INT_MIN / -1, divide by zero), loads and
 * stores in each addressing mode, LDRD/STRD, LDM/STM/PUSH/POP with the PC,
 * the exclusives (success, failure, CLREX, size mismatch, alignment
 * fault), TBB/TBH, CBZ/CBNZ, the branches; the system instructions (MRS,
 * MSR, banked registers, CPS, SETEND, WFI/WFE/SEV, ISB, SRS/RFE, SUBS PC,
 * LR, HVC, SMC, coprocessor access); and IT blocks: conditions and
 * else-branches, the flag-setting 16-bit forms that do not set flags
 * inside a block, single-stepping equal to running, and SVC, UNDEFINED,
 * data aborts and interrupts in the middle of a block (SPSR.IT and the
 * return into the block). These are where a hand-written Thumb-2 decoder
 * goes wrong: a wrong bit in an encoding table, a flag rule per form, and
 * ITSTATE kept in the decoded instruction instead of the CPU.
 *
 * Encodings come from GNU as (arm-none-eabi-as -mcpu=cortex-a15 -mthumb);
 * the source line is in the comment next to each.
 */
#include <check.h>
#include <stdbool.h>
#include <string.h>

#include "cpu/alu.h"
#include "cpu/cpu.h"
#include "cpu/decode.h"
#include "cpu/thumb_exec.h"
#include "cpu/vfp.h"
#include "tests/unit/cpu_fixture.h"

#define T2_DATA FIXTURE_DATA
#define T2_STACK 0x60000u

static struct cpu_fixture *t2_new_model(const struct cpu_model *m)
{
    struct cpu_fixture *f = fixture_init();
    ck_assert_ptr_nonnull(f);
    cpu_init(&f->cpu, m, 0);
    mmu_attach(&f->mmu, &f->cpu, &f->as);
    vfp_attach(&f->cpu);
    f->cpu.r[15] = FIXTURE_CODE;
    f->cpu.r[13] = T2_STACK;
    return f;
}

static struct cpu_fixture *t2_new(void)
{
    return t2_new_model(&cpu_model_cortex_a15);
}

/* Places n halfwords at a fresh 16-byte aligned address + skew. */
static uint32_t t2_load(struct cpu_fixture *f, const uint16_t *code, unsigned n, unsigned skew)
{
    uint32_t addr = ((f->next + 15) & ~15u) + skew;
    fixture_write_code(f, addr, code, 2u * n);
    f->next = addr + 2u * n;
    return addr;
}

static void t2_run_at(struct cpu_fixture *f, uint32_t addr, unsigned steps)
{
    f->cpu.r[15] = addr;
    f->cpu.thumb = 1;
    ck_assert_uint_eq(fixture_step(f, steps), steps);
}

static uint32_t t2_run(struct cpu_fixture *f, const uint16_t *code, unsigned n, unsigned steps)
{
    uint32_t addr = t2_load(f, code, n, 0);
    t2_run_at(f, addr, steps);
    return addr;
}

static void set_nzcv(struct arm_cpu *cpu, unsigned nzcv)
{
    cpu->n = (nzcv >> 3) & 1;
    cpu->z = (nzcv >> 2) & 1;
    cpu->c = (nzcv >> 1) & 1;
    cpu->v = nzcv & 1;
}

/* Writes an ARM instruction into the vector at addr (exception returns). */
static void put_vector(struct cpu_fixture *f, uint32_t addr, uint32_t insn)
{
    fixture_write_code(f, addr, &insn, 4);
}

/* ---- one-instruction cases: r0-r3 in, r2 (and r3) out, NZCV/Q/GE ---- */

struct t2_case {
    const char *what;
    uint16_t hw[2];
    uint32_t in[4];          /* r0-r3 */
    unsigned nzcv_in;
    uint32_t r2;             /* expected r2 */
    unsigned nzcv_out;
    int8_t q_out;            /* expected Q (starts 0), -1: not checked */
    uint8_t ge_in;
    int8_t ge_out;           /* -1: GE must be unchanged */
    bool check_r3;
    uint32_t r3;
};

#define CASE(w, h1, h2, a, b, c, dd, fi, out, fo) \
    { w, { h1, h2 }, { a, b, c, dd }, fi, out, fo, 0, 0, -1, false, 0 }
#define CASE_Q(w, h1, h2, a, b, c, dd, out, q) \
    { w, { h1, h2 }, { a, b, c, dd }, 0, out, 0, q, 0, -1, false, 0 }
#define CASE_GE(w, h1, h2, a, b, gin, out, gout) \
    { w, { h1, h2 }, { a, b, 0, 0 }, 0, out, 0, 0, gin, gout, false, 0 }
#define CASE_LONG(w, h1, h2, a, b, lo, hi, out_lo, out_hi) \
    { w, { h1, h2 }, { a, b, lo, hi }, 0, out_lo, 0, -1, 0, -1, true, out_hi }

static const struct t2_case dp_cases[] = {
    /* ThumbExpandImm_C: a rotated constant sets C = imm[31]; the
     * replicated patterns (00XY00XY & co) and plain imm8 keep C. */
    CASE("ands rot C", 0xf010, 0x427f, 0x12345678, 0, 0, 0, 0x1, 0x12000000, 0x3),
    CASE("ands repl", 0xf010, 0x12ff, 0xff00ff00, 0, 0, 0, 0xa, 0, 0x6),
    CASE("movs rot", 0xf05f, 0x4200, 0, 0, 0, 0, 0x0, 0x80000000, 0xa),
    CASE("mvns imm8", 0xf07f, 0x02ff, 0, 0, 0, 0, 0x2, 0xffffff00, 0xa),
    CASE("mvns imm8 C0", 0xf07f, 0x02ff, 0, 0, 0, 0, 0x0, 0xffffff00, 0x8),
    CASE("orn imm", 0xf060, 0x02ff, 0x1200, 0, 0, 0, 0x5, 0xffffff00, 0x5),
    CASE("orr imm", 0xf440, 0x7280, 1, 0, 0, 0, 0x0, 0x101, 0x0),
    CASE("eor ror8", 0xea80, 0x2231, 0xff, 0x12345678, 0, 0, 0x0, 0x781234a9, 0x0),
    CASE("bics rot", 0xf030, 0x4270, 0xf0000001, 0, 0, 0, 0x4, 1, 0x2),
    /* teq/tst/cmp/cmn leave r2 alone (in[2] = 7) */
    CASE("teq rot", 0xf090, 0x4f00, 0x80000000, 0, 7, 0, 0x9, 7, 0x7),
    CASE("tst imm8", 0xf010, 0x0f01, 2, 0, 7, 0, 0xb, 7, 0x7),
    CASE("adds carry", 0xf110, 0x0201, 0xffffffff, 0, 0, 0, 0x0, 0, 0x6),
    CASE("adcs ovf", 0xf150, 0x0200, 0x7fffffff, 0, 0, 0, 0x2, 0x80000000, 0x9),
    CASE("sbcs borrow", 0xf170, 0x0200, 0, 0, 0, 0, 0x0, 0xffffffff, 0x8),
    CASE("rsbs 1", 0xf1d0, 0x0200, 1, 0, 0, 0, 0x0, 0xffffffff, 0x8),
    CASE("rsbs 0", 0xf1d0, 0x0200, 0, 0, 0, 0, 0x0, 0, 0x6),
    CASE("cmp eq", 0xf5b0, 0x5f80, 0x1000, 0, 7, 0, 0x9, 7, 0x6),
    CASE("cmn zero", 0xf110, 0x0f01, 0xffffffff, 0, 7, 0, 0x0, 7, 0x6),
    CASE("adds lsl4", 0xeb10, 0x1201, 1, 0x08000000, 0, 0, 0x0, 0x80000001, 0x8),
    CASE("subs asr32", 0xebb0, 0x0221, 0, 0x80000000, 0, 0, 0x2, 1, 0x0),
    CASE("lsrs #32", 0xea5f, 0x0210, 0x80000000, 0, 0, 0, 0x0, 0, 0x6),
    CASE("movs rrx", 0xea5f, 0x0230, 3, 0, 0, 0, 0x2, 0x80000001, 0xa),
    CASE("movs ror4", 0xea5f, 0x1230, 0xf, 0, 0, 0, 0x0, 0xf0000000, 0xa),
    CASE("adc reg", 0xeb40, 0x0201, 1, 2, 0, 0, 0x2, 4, 0x2),
    CASE("sub lsl1", 0xeba0, 0x0241, 10, 3, 0, 0, 0x0, 4, 0x0),
    CASE("rsb lsr1", 0xebc0, 0x0251, 2, 10, 0, 0, 0x0, 3, 0x0),
    CASE("orns keeps C", 0xea70, 0x0201, 0, 0xffffffff, 0, 0, 0x2, 0, 0x6),
    CASE("mvn asr1", 0xea6f, 0x0260, 0x80000000, 0, 0, 0, 0x0, 0x3fffffff, 0x0),
    CASE("pkhbt", 0xeac0, 0x4201, 0x11112222, 0x33334444, 0, 0, 0x0, 0x44442222, 0x0),
    CASE("pkhtb 16", 0xeac0, 0x4221, 0x11112222, 0x33334444, 0, 0, 0x0, 0x11113333, 0x0),
    CASE("pkhtb 32", 0xeac0, 0x0221, 0x11112222, 0x80000000, 0, 0, 0x0, 0x1111ffff, 0x0),
    CASE("sbc imm", 0xf160, 0x0200, 5, 0, 0, 0, 0x0, 4, 0x0),
    /* plain binary immediate */
    CASE("addw", 0xf600, 0x72ff, 1, 0, 0, 0, 0x6, 0x1000, 0x6),
    CASE("subw", 0xf2a0, 0x0201, 0, 0, 0, 0, 0x6, 0xffffffff, 0x6),
    CASE("movw", 0xf64a, 0x32cd, 0, 0, 0xffffffff, 0, 0x0, 0xabcd, 0x0),
    CASE("movt", 0xf2c1, 0x2234, 0, 0, 0xffff5678, 0, 0x0, 0x12345678, 0x0),
    CASE("bfi", 0xf360, 0x120b, 0xab, 0, 0xffffffff, 0, 0x0, 0xfffffabf, 0x0),
    CASE("bfc", 0xf36f, 0x020f, 0, 0, 0x12345678, 0, 0x0, 0x12340000, 0x0),
    CASE("ubfx", 0xf3c0, 0x7203, 0xa0000000, 0, 0, 0, 0x0, 0xa, 0x0),
    CASE("sbfx", 0xf340, 0x1203, 0x80, 0, 0, 0, 0x0, 0xfffffff8, 0x0),
    /* register shifts and extends */
    CASE("lsls reg", 0xfa10, 0xf201, 0x80000001, 1, 0, 0, 0x0, 2, 0x2),
    CASE("lsls reg 32", 0xfa10, 0xf201, 0x80000001, 0x120, 0, 0, 0x0, 0, 0x6),
    CASE("asr reg 40", 0xfa40, 0xf201, 0x80000000, 40, 0, 0, 0x5, 0xffffffff, 0x5),
    CASE("rors reg", 0xfa70, 0xf201, 0x12, 4, 0, 0, 0xf, 0x20000001, 0x1),
    CASE("sxtab ror8", 0xfa40, 0xf291, 10, 0x0000ff00, 0, 0, 0x0, 9, 0x0),
    CASE("uxtah ror16", 0xfa10, 0xf2a1, 0x10000, 0xabcd0000, 0, 0, 0x0, 0x1abcd, 0x0),
    CASE("sxtb16", 0xfa2f, 0xf281, 0, 0x12801280, 0, 0, 0x0, 0xff80ff80, 0x0),
    CASE("uxtb16 ror8", 0xfa3f, 0xf291, 0, 0x11223344, 0, 0, 0x0, 0x00110033, 0x0),
    CASE("sxtab16", 0xfa20, 0xf281, 0x00010001, 0x00ff00ff, 0, 0, 0x0, 0, 0x0),
    CASE("sxth.w", 0xfa0f, 0xf281, 0, 0x00018000, 0, 0, 0x0, 0xffff8000, 0x0),
    CASE("uxtb ror24", 0xfa5f, 0xf2b1, 0, 0x12345678, 0, 0, 0x0, 0x12, 0x0),
    /* reverses, CLZ, SEL-free misc */
    CASE("rev", 0xfa91, 0xf281, 0, 0x11223344, 0, 0, 0x0, 0x44332211, 0x0),
    CASE("rev16", 0xfa91, 0xf291, 0, 0x11223344, 0, 0, 0x0, 0x22114433, 0x0),
    CASE("revsh", 0xfa91, 0xf2b1, 0, 0x000080ff, 0, 0, 0x0, 0xffffff80, 0x0),
    CASE("rbit", 0xfa91, 0xf2a1, 0, 1, 0, 0, 0x0, 0x80000000, 0x0),
    CASE("clz", 0xfab1, 0xf281, 0, 0x00010000, 0, 0, 0x0, 15, 0x0),
    CASE("clz 0", 0xfab1, 0xf281, 0, 0, 0, 0, 0x0, 32, 0x0),
    /* multiplies (no flags in the 32-bit forms) */
    CASE("mul", 0xfb00, 0xf201, 6, 7, 0, 0, 0xf, 42, 0xf),
    CASE("mla", 0xfb00, 0x3201, 6, 7, 0, 100, 0x0, 142, 0x0),
    CASE("mls", 0xfb00, 0x3211, 6, 7, 0, 100, 0x0, 58, 0x0),
    CASE("smulbb", 0xfb10, 0xf201, 0x0001fffe, 0x00020003, 0, 0, 0x0, 0xfffffffa, 0x0),
    CASE("smladx", 0xfb20, 0x3211, 0x00020003, 0x00050007, 0, 1, 0x0, 30, 0x0),
    CASE("smusd", 0xfb40, 0xf201, 0x00020003, 0x00050007, 0, 0, 0x0, 11, 0x0),
    CASE("smlsd", 0xfb40, 0x3201, 0x00020003, 0x00050007, 0, 100, 0x0, 111, 0x0),
    CASE("smmul", 0xfb50, 0xf201, 0x40000000, 0x40000000, 0, 0, 0x0, 0x10000000, 0x0),
    CASE("smmulr", 0xfb50, 0xf211, 0x00010000, 0x00008000, 0, 0, 0x0, 1, 0x0),
    CASE("smmul no round", 0xfb50, 0xf201, 0x00010000, 0x00008000, 0, 0, 0x0, 0, 0x0),
    CASE("smmla", 0xfb50, 0x3201, 0x40000000, 0x40000000, 0, 5, 0x0, 0x10000005, 0x0),
    CASE("smmls", 0xfb60, 0x3201, 0x40000000, 0x40000000, 0, 0x10000000, 0x0, 0, 0x0),
    CASE("smlawb", 0xfb30, 0x3201, 0x00020000, 0x00000003, 0, 10, 0x0, 16, 0x0),
    CASE("smulwt", 0xfb30, 0xf211, 0xffff0000, 0x00020000, 0, 0, 0x0, 0xfffffffe, 0x0),
    CASE("usad8", 0xfb70, 0xf201, 0x01020304, 0x04030201, 0, 0, 0x0, 8, 0x0),
    CASE("usada8", 0xfb70, 0x3201, 0x01020304, 0x04030201, 0, 100, 0x0, 108, 0x0),
    CASE("sdiv", 0xfb90, 0xf2f1, 0xfffffff9, 2, 0, 0, 0x0, 0xfffffffd, 0x0),
    CASE("sdiv min/-1", 0xfb90, 0xf2f1, 0x80000000, 0xffffffff, 0, 0, 0x0, 0x80000000, 0x0),
    CASE("sdiv by 0", 0xfb90, 0xf2f1, 12345, 0, 7, 0, 0x0, 0, 0x0),
    CASE("udiv", 0xfbb0, 0xf2f1, 0xffffffff, 2, 0, 0, 0x0, 0x7fffffff, 0x0),
    CASE("udiv by 0", 0xfbb0, 0xf2f1, 0xffffffff, 0, 7, 0, 0x0, 0, 0x0),
    /* saturation and Q */
    CASE_Q("ssat 8 clip", 0xf300, 0x0207, 200, 0, 0, 0, 127, 1),
    CASE_Q("ssat 8 in", 0xf300, 0x0207, 0xffffffce, 0, 0, 0, 0xffffffce, 0),
    CASE_Q("ssat 16 asr4", 0xf320, 0x120f, 0x7fffffff, 0, 0, 0, 0x7fff, 1),
    CASE_Q("usat 8 clip", 0xf380, 0x0208, 300, 0, 0, 0, 255, 1),
    CASE_Q("usat 8 neg", 0xf380, 0x0208, 0xfffffffb, 0, 0, 0, 0, 1),
    CASE_Q("usat 0", 0xf380, 0x0200, 5, 0, 0, 0, 0, 1),
    CASE_Q("usat 0 of 0", 0xf380, 0x0200, 0, 0, 0, 0, 0, 0),
    CASE_Q("ssat16 4", 0xf320, 0x0203, 0x0009fff0, 0, 0, 0, 0x0007fff8, 1),
    CASE_Q("usat16 4", 0xf3a0, 0x0204, 0x0020fffe, 0, 0, 0, 0x000f0000, 1),
    CASE_Q("ssat 32 lsl1", 0xf300, 0x025f, 0x40000000, 0, 0, 0, 0x80000000, 0),
    CASE_Q("qadd", 0xfa81, 0xf280, 0x7fffffff, 1, 0, 0, 0x7fffffff, 1),
    CASE_Q("qdsub", 0xfa81, 0xf2b0, 0, 0x40000000, 0, 0, 0x80000001, 1),
    CASE_Q("qsub", 0xfa81, 0xf2a0, 0x80000000, 1, 0, 0, 0x80000000, 1),
    CASE_Q("qdadd", 0xfa81, 0xf290, 1, 2, 0, 0, 5, 0),
    CASE_Q("smlabt ovf", 0xfb10, 0x3211, 0x00008000, 0x80000000, 0, 0x40000000, 0x80000000, 1),
    CASE_Q("smuad ovf", 0xfb20, 0xf201, 0x80008000, 0x80008000, 0, 0, 0x80000000, 1),
    CASE_Q("qadd16 no Q", 0xfa90, 0xf211, 0x7fff8000, 0x0001ffff, 0, 0, 0x7fff8000, 0),
    /* parallel add/subtract and GE */
    CASE_GE("sadd16", 0xfa90, 0xf201, 0x7fff0001, 0x0001ffff, 0x0, 0x80000000, 0xf),
    CASE_GE("sadd16 mixed", 0xfa90, 0xf201, 0, 0xffff0001, 0x0, 0xffff0001, 0x3),
    CASE_GE("uadd8", 0xfa80, 0xf241, 0x80ff0102, 0x80010203, 0x3, 0x00000305, 0xc),
    CASE_GE("shadd8", 0xfa80, 0xf221, 0x7f80fe02, 0x7f80fe04, 0x5, 0x7f80fe03, -1),
    CASE_GE("uqsub8", 0xfac0, 0xf251, 0x10200304, 0x20100402, 0x5, 0x00100002, -1),
    CASE_GE("usax", 0xfae0, 0xf241, 0x0005ffff, 0x00010006, 0x0, 0xffff0000, 0x3),
    CASE_GE("sasx", 0xfaa0, 0xf201, 0x00010003, 0x0005ffff, 0x0, 0x0000fffe, 0xc),
    CASE_GE("uhsub16", 0xfad0, 0xf261, 0x00020000, 0x00010002, 0x5, 0x0000ffff, -1),
    CASE_GE("ssub8", 0xfac0, 0xf201, 0x80000102, 0x01000201, 0x0, 0x7f00ff01, 0x5),
    CASE_GE("sel", 0xfaa0, 0xf281, 0x11223344, 0xaabbccdd, 0x5, 0xaa22cc44, -1),
    /* long multiplies: RdLo = r2, RdHi = r3 */
    CASE_LONG("smull", 0xfb80, 0x2301, 0xffffffff, 2, 0, 0, 0xfffffffe, 0xffffffff),
    CASE_LONG("umull", 0xfba0, 0x2301, 0xffffffff, 2, 0, 0, 0xfffffffe, 1),
    CASE_LONG("smlal", 0xfbc0, 0x2301, 0xffffffff, 2, 1, 0, 0xffffffff, 0xffffffff),
    CASE_LONG("umlal", 0xfbe0, 0x2301, 1, 1, 0xffffffff, 0, 0, 1),
    CASE_LONG("umaal", 0xfbe0, 0x2361, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff,
              0xffffffff, 0xffffffff),
    CASE_LONG("smlalbb", 0xfbc0, 0x2381, 0x0000fffe, 3, 10, 0, 4, 0),
    CASE_LONG("smlald", 0xfbc0, 0x23c1, 0x00020003, 0x00050007, 0, 0, 31, 0),
    CASE_LONG("smlsldx", 0xfbd0, 0x23d1, 0x00020003, 0x00050007, 0xffffffff, 0xffffffff,
              0, 0),
};

START_TEST(test_data_processing)
{
    struct cpu_fixture *f = t2_new();
    struct arm_cpu *cpu = &f->cpu;
    for (size_t i = 0; i < sizeof(dp_cases) / sizeof(dp_cases[0]); i++) {
        const struct t2_case *c = &dp_cases[i];
        memcpy(cpu->r, c->in, sizeof(c->in));
        set_nzcv(cpu, c->nzcv_in);
        cpu->q = 0;
        cpu->ge = c->ge_in;
        uint32_t addr = t2_run(f, c->hw, 2, 1);
        ck_assert_msg(cpu->r[2] == c->r2, "%s: r2 = 0x%08x, want 0x%08x", c->what, cpu->r[2],
                      c->r2);
        if (c->check_r3)
            ck_assert_msg(cpu->r[3] == c->r3, "%s: r3 = 0x%08x, want 0x%08x", c->what,
                          cpu->r[3], c->r3);
        ck_assert_msg(cpu_nzcv(cpu) == c->nzcv_out, "%s: NZCV %x, want %x", c->what,
                      cpu_nzcv(cpu), c->nzcv_out);
        if (c->q_out >= 0)
            ck_assert_msg(cpu->q == c->q_out, "%s: Q %u", c->what, cpu->q);
        ck_assert_msg(cpu->ge == (c->ge_out < 0 ? c->ge_in : (unsigned)c->ge_out),
                      "%s: GE %x", c->what, cpu->ge);
        ck_assert_msg(cpu->r[15] == addr + 4 && cpu->thumb, "%s: pc 0x%08x", c->what,
                      cpu->r[15]);
    }
    fixture_free(f);
}
END_TEST

/* ADR, ADD Rd, SP, #imm and the PC as a base: Align(PC, 4). */
START_TEST(test_pc_and_sp_operands)
{
    struct cpu_fixture *f = t2_new();
    struct arm_cpu *cpu = &f->cpu;
    static const uint16_t code[] = {
        0xf20f, 0x0204, /* addw r2, pc, #4 (adr.w r2, . + 8 from an aligned insn) */
        0xf2af, 0x0304, /* subw r3, pc, #4 */
        0xf10d, 0x0408, /* add.w r4, sp, #8 */
    };
    /* At a 4-aligned address and at a 2 mod 4 one: Align(PC, 4). */
    for (unsigned skew = 0; skew <= 2; skew += 2) {
        uint32_t a = t2_load(f, code, 6, skew);
        t2_run_at(f, a, 3);
        ck_assert_uint_eq(cpu->r[2], ((a + 4) & ~3u) + 4);
        ck_assert_uint_eq(cpu->r[3], ((a + 8) & ~3u) - 4);
        ck_assert_uint_eq(cpu->r[4], T2_STACK + 8);
    }
    fixture_free(f);
}
END_TEST

/* ---- loads and stores ---- */

START_TEST(test_load_store_single)
{
    struct cpu_fixture *f = t2_new();
    struct arm_cpu *cpu = &f->cpu;
    const uint32_t base = T2_DATA + 0x100;
    fixture_write32(f, base, 0x84838281);
    fixture_write32(f, base + 4, 0x11223344);
    fixture_write32(f, base - 4, 0xcafef00d);
    fixture_write32(f, base + 0x404, 0x0badf00d);
    fixture_write32(f, base + 12, 0x55667788);

    static const struct {
        const char *what;
        uint16_t hw[2];
        uint32_t r2, r0_after;
    } loads[] = {
        { "ldr imm12", { 0xf8d0, 0x2404 }, 0x0badf00d, base },  /* ldr.w r2, [r0, #0x404] */
        { "ldr -imm8", { 0xf850, 0x2c04 }, 0xcafef00d, base },  /* ldr r2, [r0, #-4] */
        { "ldr pre wb", { 0xf850, 0x2f04 }, 0x11223344, base + 4 }, /* ldr r2, [r0, #4]! */
        { "ldr post wb", { 0xf850, 0x2908 }, 0x84838281, base - 8 }, /* ldr r2, [r0], #-8 */
        { "ldr reg lsl2", { 0xf850, 0x2021 }, 0x55667788, base }, /* ldr.w r2, [r0, r1, lsl #2] */
        { "ldrsb", { 0xf990, 0x2001 }, 0xffffff82, base },      /* ldrsb.w r2, [r0, #1] */
        { "ldrsh", { 0xf9b0, 0x2002 }, 0xffff8483, base },      /* ldrsh.w r2, [r0, #2] */
        { "ldrh", { 0xf8b0, 0x2002 }, 0x8483, base },           /* ldrh.w r2, [r0, #2] */
        { "ldrb", { 0xf890, 0x2003 }, 0x84, base },             /* ldrb.w r2, [r0, #3] */
        { "ldrt", { 0xf850, 0x2e04 }, 0x11223344, base },       /* ldrt r2, [r0, #4] */
        { "ldr unaligned", { 0xf8d0, 0x2001 }, 0x44848382, base }, /* ldr.w r2, [r0, #1] */
    };
    for (size_t i = 0; i < sizeof(loads) / sizeof(loads[0]); i++) {
        cpu->r[0] = base;
        cpu->r[1] = 3;
        cpu->r[2] = 0;
        uint32_t a = t2_run(f, loads[i].hw, 2, 1);
        ck_assert_msg(cpu->r[2] == loads[i].r2, "%s: r2 = 0x%08x", loads[i].what, cpu->r[2]);
        ck_assert_msg(cpu->r[0] == loads[i].r0_after, "%s: r0 = 0x%08x", loads[i].what,
                      cpu->r[0]);
        ck_assert_uint_eq(cpu->r[15], a + 4);
    }

    /* Stores: strb.w r2, [r0, #5]; strh r2, [r0, #-6]; str r2, [r0, #8]!;
     * strt r2, [r0, #4] */
    static const uint16_t stores[] = { 0xf880, 0x2005, 0xf820, 0x2c06, 0xf840, 0x2f08,
                                       0xf840, 0x2e04 };
    fixture_write32(f, base + 4, 0);
    fixture_write32(f, base - 8, 0);
    cpu->r[0] = base;
    cpu->r[2] = 0xa1b2c3d4;
    t2_run(f, stores, 8, 4);
    ck_assert_uint_eq(fixture_read32(f, base + 4), 0x0000d400);
    ck_assert_uint_eq(fixture_read32(f, base - 8), 0xc3d40000);
    ck_assert_uint_eq(fixture_read32(f, base + 8), 0xa1b2c3d4);
    ck_assert_uint_eq(cpu->r[0], base + 8);
    ck_assert_uint_eq(fixture_read32(f, base + 12), 0xa1b2c3d4);
    fixture_free(f);
}
END_TEST

/* LDR (literal) from both halfword alignments, PLD/PLI, LDR PC. */
START_TEST(test_literal_hints_ldr_pc)
{
    struct cpu_fixture *f = t2_new();
    struct arm_cpu *cpu = &f->cpu;
    /* ldr.w r2, [pc, #0x40]; ldr.w r3, [pc, #-0x40]; pld [r0, #4]; pli [r0, #4] */
    static const uint16_t code[] = { 0xf8df, 0x2040, 0xf85f, 0x3040, 0xf890, 0xf004,
                                     0xf990, 0xf004 };
    for (unsigned skew = 0; skew <= 2; skew += 2) {
        uint32_t a = t2_load(f, code, 8, skew);
        uint32_t lit1 = ((a + 4) & ~3u) + 0x40, lit2 = ((a + 8) & ~3u) - 0x40;
        fixture_write32(f, lit1, 0x600df00d);
        fixture_write32(f, lit2, 0xfeedface);
        cpu->r[0] = 0xdead0000;  /* hints never access memory */
        t2_run_at(f, a, 4);
        ck_assert_uint_eq(cpu->r[2], 0x600df00d);
        ck_assert_uint_eq(cpu->r[3], 0xfeedface);
        ck_assert_uint_eq(cpu->r[15], a + 16);
        f->next = lit1 + 8;
    }

    /* ldr.w pc, [r0, #4]: interworks (LoadWritePC) */
    static const uint16_t ldrpc[] = { 0xf8d0, 0xf004 };
    fixture_write32(f, T2_DATA + 4, 0x9001);
    cpu->r[0] = T2_DATA;
    t2_run(f, ldrpc, 2, 1);
    ck_assert_uint_eq(cpu->r[15], 0x9000);
    ck_assert_uint_eq(cpu->thumb, 1);
    fixture_write32(f, T2_DATA + 4, 0x9004);
    t2_run(f, ldrpc, 2, 1);
    ck_assert_uint_eq(cpu->r[15], 0x9004);
    ck_assert_uint_eq(cpu->thumb, 0);
    fixture_free(f);
}
END_TEST

START_TEST(test_ldrd_strd)
{
    struct cpu_fixture *f = t2_new();
    struct arm_cpu *cpu = &f->cpu;
    const uint32_t base = T2_DATA + 0x200;
    fixture_write32(f, base + 8, 0x11111111);
    fixture_write32(f, base + 12, 0x22222222);
    fixture_write32(f, base, 0x33333333);
    fixture_write32(f, base + 4, 0x44444444);

    static const uint16_t ldrd_off[] = { 0xe9d0, 0x2302 };  /* ldrd r2, r3, [r0, #8] */
    cpu->r[0] = base;
    t2_run(f, ldrd_off, 2, 1);
    ck_assert_uint_eq(cpu->r[2], 0x11111111);
    ck_assert_uint_eq(cpu->r[3], 0x22222222);
    ck_assert_uint_eq(cpu->r[0], base);

    static const uint16_t ldrd_post[] = { 0xe870, 0x2302 };  /* ldrd r2, r3, [r0], #-8 */
    t2_run(f, ldrd_post, 2, 1);
    ck_assert_uint_eq(cpu->r[2], 0x33333333);
    ck_assert_uint_eq(cpu->r[3], 0x44444444);
    ck_assert_uint_eq(cpu->r[0], base - 8);

    static const uint16_t strd_pre[] = { 0xe960, 0x2302 };  /* strd r2, r3, [r0, #-8]! */
    cpu->r[0] = base + 0x20;
    cpu->r[2] = 0xaaaa5555;
    cpu->r[3] = 0x5555aaaa;
    t2_run(f, strd_pre, 2, 1);
    ck_assert_uint_eq(cpu->r[0], base + 0x18);
    ck_assert_uint_eq(fixture_read32(f, base + 0x18), 0xaaaa5555);
    ck_assert_uint_eq(fixture_read32(f, base + 0x1c), 0x5555aaaa);

    /* ldrd r2, r3, [pc, #16] from a 2 mod 4 address */
    static const uint16_t ldrd_lit[] = { 0xe9df, 0x2304 };
    uint32_t a = t2_load(f, ldrd_lit, 2, 2);
    uint32_t lit = ((a + 4) & ~3u) + 16;
    fixture_write32(f, lit, 0x01020304);
    fixture_write32(f, lit + 4, 0x05060708);
    t2_run_at(f, a, 1);
    ck_assert_uint_eq(cpu->r[2], 0x01020304);
    ck_assert_uint_eq(cpu->r[3], 0x05060708);

    /* LDRD needs a word-aligned address: alignment fault (DFSR FS = 1). */
    cpu->r[0] = base + 2;
    cpu->r[2] = 0x77;
    t2_run(f, ldrd_off, 2, 1);
    ck_assert_int_eq(fixture_vector(f), 0x10);
    ck_assert_uint_eq(cpu->cp15.dfsr & 0x40f, 0x1);
    ck_assert_uint_eq(cpu->cp15.dfar, base + 10);
    ck_assert_uint_eq(cpu->r[2], 0x77);
    fixture_free(f);
}
END_TEST

START_TEST(test_ldm_stm_push_pop)
{
    struct cpu_fixture *f = t2_new();
    struct arm_cpu *cpu = &f->cpu;
    const uint32_t base = T2_DATA + 0x300;
    for (uint32_t i = 0; i < 8; i++)
        fixture_write32(f, base + 4 * i, 0x100 + i);

    static const uint16_t ldmia[] = { 0xe8b0, 0x000e };  /* ldmia.w r0!, {r1, r2, r3} */
    cpu->r[0] = base;
    t2_run(f, ldmia, 2, 1);
    ck_assert_uint_eq(cpu->r[1], 0x100);
    ck_assert_uint_eq(cpu->r[3], 0x102);
    ck_assert_uint_eq(cpu->r[0], base + 12);

    static const uint16_t ldmdb[] = { 0xe910, 0x0006 };  /* ldmdb r0, {r1, r2} */
    t2_run(f, ldmdb, 2, 1);
    ck_assert_uint_eq(cpu->r[1], 0x101);
    ck_assert_uint_eq(cpu->r[2], 0x102);
    ck_assert_uint_eq(cpu->r[0], base + 12);

    static const uint16_t stmdb[] = { 0xe920, 0x000e };  /* stmdb r0!, {r1, r2, r3} */
    cpu->r[0] = base + 0x40;
    cpu->r[1] = 0xa1;
    cpu->r[2] = 0xa2;
    cpu->r[3] = 0xa3;
    t2_run(f, stmdb, 2, 1);
    ck_assert_uint_eq(cpu->r[0], base + 0x34);
    ck_assert_uint_eq(fixture_read32(f, base + 0x34), 0xa1);
    ck_assert_uint_eq(fixture_read32(f, base + 0x3c), 0xa3);

    static const uint16_t stmia[] = { 0xe8a0, 0x0006 };  /* stmia.w r0!, {r1, r2} */
    t2_run(f, stmia, 2, 1);
    ck_assert_uint_eq(cpu->r[0], base + 0x3c);
    ck_assert_uint_eq(fixture_read32(f, base + 0x38), 0xa2);

    /* push.w {r1, r2, lr}; pop.w {r1, r2, pc}: the PC interworks */
    static const uint16_t push[] = { 0xe92d, 0x4006 };
    static const uint16_t pop[] = { 0xe8bd, 0x8006 };
    cpu->r[13] = T2_STACK;
    cpu->r[1] = 11;
    cpu->r[2] = 22;
    cpu->r[14] = 0x9001;
    t2_run(f, push, 2, 1);
    ck_assert_uint_eq(cpu->r[13], T2_STACK - 12);
    ck_assert_uint_eq(fixture_read32(f, T2_STACK - 4), 0x9001);
    cpu->r[1] = cpu->r[2] = 0;
    t2_run(f, pop, 2, 1);
    ck_assert_uint_eq(cpu->r[13], T2_STACK);
    ck_assert_uint_eq(cpu->r[1], 11);
    ck_assert_uint_eq(cpu->r[2], 22);
    ck_assert_uint_eq(cpu->r[15], 0x9000);
    ck_assert_uint_eq(cpu->thumb, 1);

    /* Misaligned LDM: alignment fault, base and registers unchanged. */
    cpu->r[0] = base + 2;
    cpu->r[1] = 0x5a;
    t2_run(f, ldmia, 2, 1);
    ck_assert_int_eq(fixture_vector(f), 0x10);
    ck_assert_uint_eq(cpu->cp15.dfsr & 0x40f, 0x1);
    ck_assert_uint_eq(cpu->r[0], base + 2);
    ck_assert_uint_eq(cpu->r[1], 0x5a);

    /* The 16-bit forms check alignment on ARMv7 too: ldmia r0!, {r1} */
    static const uint16_t ldm16[] = { 0xc802 };
    cpu->r[0] = base + 1;
    t2_run(f, ldm16, 1, 1);
    ck_assert_int_eq(fixture_vector(f), 0x10);
    fixture_free(f);
}
END_TEST

/* ---- exclusives ---- */

START_TEST(test_exclusives)
{
    struct cpu_fixture *f = t2_new();
    struct arm_cpu *cpu = &f->cpu;
    const uint32_t base = T2_DATA + 0x400;
    fixture_write32(f, base + 4, 41);

    /* ldrex r2, [r0, #4]; add r2, #1 (16-bit, ADDS); strex r3, r2, [r0, #4] */
    static const uint16_t inc[] = { 0xe850, 0x2f01, 0x3201, 0xe840, 0x2301 };
    cpu->r[0] = base;
    t2_run(f, inc, 5, 3);
    ck_assert_uint_eq(cpu->r[3], 0);
    ck_assert_uint_eq(fixture_read32(f, base + 4), 42);
    ck_assert_uint_eq(cpu->excl_addr, ~0u);

    /* A second STREX without LDREX fails and stores nothing. */
    static const uint16_t strex[] = { 0xe840, 0x2301 };
    cpu->r[2] = 99;
    t2_run(f, strex, 2, 1);
    ck_assert_uint_eq(cpu->r[3], 1);
    ck_assert_uint_eq(fixture_read32(f, base + 4), 42);

    /* LDREX, CLREX, STREX: fails. */
    static const uint16_t clrex[] = { 0xe850, 0x2f01, 0xf3bf, 0x8f2f, 0xe840, 0x2301 };
    t2_run(f, clrex, 6, 3);
    ck_assert_uint_eq(cpu->r[3], 1);
    ck_assert_uint_eq(fixture_read32(f, base + 4), 42);

    /* LDREXB then a word STREX to the same address: size mismatch, fails.
     * ldrexb r2, [r0]; strex r3, r2, [r0, #0] */
    static const uint16_t mismatch[] = { 0xe8d0, 0x2f4f, 0xe840, 0x2300 };
    cpu->r[0] = base + 4;
    t2_run(f, mismatch, 4, 2);
    ck_assert_uint_eq(cpu->r[3], 1);

    /* Byte and halfword pairs succeed: ldrexh r2, [r0]; strexh r3, r2, [r0] */
    static const uint16_t half[] = { 0xe8d0, 0x2f5f, 0xe8c0, 0x2f53 };
    t2_run(f, half, 4, 2);
    ck_assert_uint_eq(cpu->r[3], 0);
    ck_assert_uint_eq(cpu->r[2], 42);

    /* ldrexd r2, r4, [r0]; strexd r3, r2, r4, [r0] (swapped words) */
    static const uint16_t dbl_ld[] = { 0xe8d0, 0x247f };
    static const uint16_t dbl_st[] = { 0xe8c0, 0x2473 };
    fixture_write32(f, base + 8, 0x11111111);
    fixture_write32(f, base + 12, 0x22222222);
    cpu->r[0] = base + 8;
    t2_run(f, dbl_ld, 2, 1);
    ck_assert_uint_eq(cpu->r[2], 0x11111111);
    ck_assert_uint_eq(cpu->r[4], 0x22222222);
    cpu->r[2] = 0x33333333;
    cpu->r[4] = 0x44444444;
    t2_run(f, dbl_st, 2, 1);
    ck_assert_uint_eq(cpu->r[3], 0);
    ck_assert_uint_eq(fixture_read32(f, base + 8), 0x33333333);
    ck_assert_uint_eq(fixture_read32(f, base + 12), 0x44444444);

    /* LDREXD needs 8-byte alignment, LDREX 4: alignment faults. */
    cpu->r[0] = base + 4;
    t2_run(f, dbl_ld, 2, 1);
    ck_assert_int_eq(fixture_vector(f), 0x10);
    ck_assert_uint_eq(cpu->cp15.dfsr & 0x40f, 0x1);
    ck_assert_uint_eq(cpu->cp15.dfar, base + 4);
    static const uint16_t ldrex0[] = { 0xe850, 0x2f00 };  /* ldrex r2, [r0] */
    cpu_set_cpsr(cpu, MODE_SVC | PSR_I | PSR_F, PSR_M_MASK | PSR_I | PSR_F);
    cpu->r[0] = base + 2;
    t2_run(f, ldrex0, 2, 1);
    ck_assert_int_eq(fixture_vector(f), 0x10);
    ck_assert_uint_eq(cpu->cp15.dfar, base + 2);
    fixture_free(f);
}
END_TEST

/* ---- branches ---- */

START_TEST(test_branches)
{
    struct cpu_fixture *f = t2_new();
    struct arm_cpu *cpu = &f->cpu;

    static const uint16_t beq[] = { 0xf000, 0x807e };  /* beq.w . + 0x100 */
    cpu->z = 1;
    uint32_t a = t2_run(f, beq, 2, 1);
    ck_assert_uint_eq(cpu->r[15], a + 0x100);
    cpu->z = 0;
    a = t2_run(f, beq, 2, 1);
    ck_assert_uint_eq(cpu->r[15], a + 4);

    static const uint16_t bw[] = { 0xf7fe, 0xbffe };  /* b.w . - 0x1000 */
    a = t2_run(f, bw, 2, 1);
    ck_assert_uint_eq(cpu->r[15], a - 0x1000);

    static const uint16_t bl[] = { 0xf001, 0xfffe };  /* bl . + 0x2000 */
    a = t2_run(f, bl, 2, 1);
    ck_assert_uint_eq(cpu->r[15], a + 0x2000);
    ck_assert_uint_eq(cpu->r[14], (a + 4) | 1);

    static const uint16_t blx[] = { 0xf000, 0xe87e };  /* blx . + 0x100 (to ARM) */
    a = t2_load(f, blx, 2, 2);
    t2_run_at(f, a, 1);
    ck_assert_uint_eq(cpu->thumb, 0);
    ck_assert_uint_eq(cpu->r[15], (a & ~3u) + 0x100);
    ck_assert_uint_eq(cpu->r[14], (a + 4) | 1);

    /* cbz r0, . + 8 / cbnz r0, . + 8 */
    static const uint16_t cbz[] = { 0xb110 };
    static const uint16_t cbnz[] = { 0xb910 };
    cpu->r[0] = 0;
    a = t2_run(f, cbz, 1, 1);
    ck_assert_uint_eq(cpu->r[15], a + 8);
    a = t2_run(f, cbnz, 1, 1);
    ck_assert_uint_eq(cpu->r[15], a + 2);
    cpu->r[0] = 5;
    a = t2_run(f, cbz, 1, 1);
    ck_assert_uint_eq(cpu->r[15], a + 2);
    a = t2_run(f, cbnz, 1, 1);
    ck_assert_uint_eq(cpu->r[15], a + 8);

    /* bxj r0: BX on a core with the trivial Jazelle extension */
    static const uint16_t bxj[] = { 0xf3c0, 0x8f00 };
    cpu->r[0] = 0x9000;
    t2_run(f, bxj, 2, 1);
    ck_assert_uint_eq(cpu->r[15], 0x9000);
    ck_assert_uint_eq(cpu->thumb, 0);
    fixture_free(f);
}
END_TEST

START_TEST(test_table_branch)
{
    struct cpu_fixture *f = t2_new();
    struct arm_cpu *cpu = &f->cpu;
    /*
     *   tbb [pc, r1]
     *   .byte 2, 4, 0, 0        table (entries in halfwords from insn + 4)
     *   movs r0, #1             insn + 8
     *   b .
     *   movs r0, #2             insn + 12
     *   b .
     */
    static const uint16_t code[] = { 0xe8df, 0xf001, 0x0402, 0x0000, 0x2001, 0xe7fe,
                                     0x2002, 0xe7fe };
    for (uint32_t index = 0; index < 2; index++) {
        cpu->r[1] = index;
        cpu->r[0] = 0;
        uint32_t a = t2_run(f, code, 8, 2);
        ck_assert_uint_eq(cpu->r[0], index + 1);
        ck_assert_uint_eq(cpu->r[15], a + 10 + 4 * index);
    }
    /* tbh [r0, r1, lsl #1]: entry 0x80 -> PC + 0x100 */
    static const uint16_t tbh[] = { 0xe8d0, 0xf011 };
    fixture_write32(f, T2_DATA + 4, 0x00800040);
    cpu->r[0] = T2_DATA;
    cpu->r[1] = 3;
    uint32_t a = t2_run(f, tbh, 2, 1);
    ck_assert_uint_eq(cpu->r[15], a + 4 + 0x100);
    fixture_free(f);
}
END_TEST

/* ---- IT blocks ---- */

/* ITSTATE as the CPSR holds it: IT[1:0] in 26:25, IT[7:2] in 15:10. */
static uint32_t cpsr_it(uint32_t psr)
{
    return ((psr >> 25) & 3) | ((psr >> 10) & 0x3f) << 2;
}

START_TEST(test_it_conditions)
{
    struct cpu_fixture *f = t2_new();
    struct arm_cpu *cpu = &f->cpu;
    /* itte ne; movne r0, #1; movne r1, #2; moveq r2, #3; movs r3, #0 */
    static const uint16_t code[] = { 0xbf1a, 0x2001, 0x2102, 0x2203, 0x2300 };
    for (unsigned z = 0; z < 2; z++) {
        cpu->r[0] = cpu->r[1] = cpu->r[2] = 9;
        set_nzcv(cpu, z ? 0x4 : 0x8);
        uint32_t a = t2_run(f, code, 5, 4);
        ck_assert_uint_eq(cpu->r[0], z ? 9 : 1);
        ck_assert_uint_eq(cpu->r[1], z ? 9 : 2);
        ck_assert_uint_eq(cpu->r[2], z ? 3 : 9);
        /* MOV inside the block leaves the flags (MOVS would set N/Z) */
        ck_assert_uint_eq(cpu_nzcv(cpu), z ? 0x4u : 0x8u);
        ck_assert_uint_eq(cpu->it, 0);
        ck_assert_uint_eq(cpu->r[15], a + 8);
        /* outside the block the same encoding is MOVS */
        t2_run_at(f, a + 8, 1);
        ck_assert_uint_eq(cpu_nzcv(cpu), 0x4);
    }
    fixture_free(f);
}
END_TEST

/* ADDS (16-bit) sets flags only outside IT; CMP always does. */
START_TEST(test_it_flag_setting)
{
    struct cpu_fixture *f = t2_new();
    struct arm_cpu *cpu = &f->cpu;
    /* it eq; addeq r0, r1, r2 (0x1888: ADDS outside IT) */
    static const uint16_t add_in_it[] = { 0xbf08, 0x1888 };
    cpu->r[1] = 0xffffffff;
    cpu->r[2] = 1;
    set_nzcv(cpu, 0x4);
    t2_run(f, add_in_it, 2, 2);
    ck_assert_uint_eq(cpu->r[0], 0);
    ck_assert_uint_eq(cpu_nzcv(cpu), 0x4);   /* no C from the add */
    static const uint16_t adds[] = { 0x1888 };
    t2_run(f, adds, 1, 1);
    ck_assert_uint_eq(cpu_nzcv(cpu), 0x6);

    /* itt eq; cmpeq r0, r1; moveq r2, #1: the CMP clears Z, the MOV is skipped */
    static const uint16_t cmp_in_it[] = { 0xbf04, 0x4288, 0x2201 };
    cpu->r[0] = 1;
    cpu->r[1] = 2;
    cpu->r[2] = 7;
    set_nzcv(cpu, 0x4);
    t2_run(f, cmp_in_it, 3, 3);
    ck_assert_uint_eq(cpu->r[2], 7);
    ck_assert_uint_eq(cpu_nzcv(cpu), 0x8);

    /* A 32-bit flag-setting instruction sets flags inside IT too:
     * it ne; addsne.w r0, r1, #1 */
    static const uint16_t adds_w[] = { 0xbf18, 0xf111, 0x0001 };
    cpu->r[1] = 0xffffffff;
    set_nzcv(cpu, 0x0);
    t2_run(f, adds_w, 3, 2);
    ck_assert_uint_eq(cpu->r[0], 0);
    ck_assert_uint_eq(cpu_nzcv(cpu), 0x6);
    fixture_free(f);
}
END_TEST

/* Stepping one instruction at a time gives the state of a run, and the
 * CPSR shows ITSTATE between the instructions of a block. */
START_TEST(test_it_step_equals_run)
{
    /*
     * ittet gt
     * addgt r0, #1; addgt.w r1, r1, #2; addle r2, #3; addgt r3, #4
     * adds r4, #5
     */
    static const uint16_t code[] = { 0xbfc5, 0x3001, 0xf101, 0x0102, 0x3203, 0x3304,
                                     0x3405 };
    for (unsigned nzcv = 0; nzcv < 16; nzcv++) {
        struct cpu_fixture *a = t2_new(), *b = t2_new();
        set_nzcv(&a->cpu, nzcv);
        set_nzcv(&b->cpu, nzcv);
        uint32_t pa = t2_load(a, code, 7, 0), pb = t2_load(b, code, 7, 0);
        ck_assert_uint_eq(pa, pb);
        t2_run_at(a, pa, 6);
        b->cpu.r[15] = pb;
        b->cpu.thumb = 1;
        for (unsigned i = 0; i < 6; i++) {
            ck_assert_uint_eq(fixture_step(b, 1), 1);
            if (i == 0)
                ck_assert_uint_eq(cpsr_it(cpu_get_cpsr(&b->cpu)), 0xc5);
        }
        ck_assert_mem_eq(a->cpu.r, b->cpu.r, sizeof(a->cpu.r));
        ck_assert_uint_eq(cpu_get_cpsr(&a->cpu), cpu_get_cpsr(&b->cpu));
        unsigned pass = (cond_table[COND_GT] >> nzcv) & 1;
        ck_assert_uint_eq(a->cpu.r[0], pass ? 1u : 0u);
        ck_assert_uint_eq(a->cpu.r[1], pass ? 2u : 0u);
        ck_assert_uint_eq(a->cpu.r[2], pass ? 0u : 3u);
        ck_assert_uint_eq(a->cpu.r[3], pass ? 4u : 0u);
        ck_assert_uint_eq(a->cpu.r[4], 5);
        ck_assert_uint_eq(a->cpu.it, 0);
        fixture_free(a);
        fixture_free(b);
    }
}
END_TEST

/*
 * SVC in an IT block: the SPSR holds the ITSTATE of the next instruction
 * (TakeSVCException advances it), and MOVS PC, LR returns into the rest of
 * the block.
 */
START_TEST(test_it_svc_and_return)
{
    struct cpu_fixture *f = t2_new();
    struct arm_cpu *cpu = &f->cpu;
    put_vector(f, 0x08, 0xe1b0f00e);   /* movs pc, lr */
    /* itt eq; svceq #1; addeq r0, #1; adds r1, #1 */
    static const uint16_t code[] = { 0xbf04, 0xdf01, 0x3001, 0x3101 };
    cpu->r[0] = cpu->r[1] = 0;
    set_nzcv(cpu, 0x4);
    uint32_t a = t2_run(f, code, 4, 2);
    ck_assert_int_eq(fixture_vector(f), 0x08);
    ck_assert_uint_eq(cpu->r[14], a + 4);
    ck_assert_uint_eq(cpsr_it(cpu->spsr), 0x08);   /* EQ, last instruction */
    ck_assert(cpu->spsr & PSR_T);
    ck_assert_uint_eq(cpu->it, 0);
    ck_assert_uint_eq(fixture_step(f, 1), 1);      /* the return */
    ck_assert_uint_eq(cpu->r[15], a + 4);
    ck_assert_uint_eq(cpu->it, 0x08);
    ck_assert_uint_eq(fixture_step(f, 2), 2);
    ck_assert_uint_eq(cpu->r[0], 1);
    ck_assert_uint_eq(cpu->r[1], 1);
    ck_assert_uint_eq(cpu->it, 0);

    /* Condition failing: the SVC is skipped. */
    set_nzcv(cpu, 0x0);
    cpu->r[0] = 0;
    a = t2_run(f, code, 4, 4);
    ck_assert_uint_eq(cpu->r[15], a + 8);
    ck_assert_uint_eq(cpu->r[0], 0);
    fixture_free(f);
}
END_TEST

/* UNDEFINED in an IT block: the SPSR holds the instruction's own ITSTATE;
 * with a failing condition it is skipped like any other. */
START_TEST(test_it_undefined)
{
    struct cpu_fixture *f = t2_new();
    struct arm_cpu *cpu = &f->cpu;
    /* ite eq; udf #1 / udf.w; addne r0, #1 */
    static const uint16_t code16[] = { 0xbf0c, 0xde01, 0x3001 };
    static const uint16_t code32[] = { 0xbf0c, 0xf7f0, 0xa000, 0x3001 };
    set_nzcv(cpu, 0x4);
    uint32_t a = t2_run(f, code16, 3, 2);
    ck_assert_int_eq(fixture_vector(f), 0x04);
    ck_assert_uint_eq(cpu->r[14], a + 4);
    ck_assert_uint_eq(cpsr_it(cpu->spsr), 0x0c);
    a = t2_run(f, code32, 4, 2);
    ck_assert_int_eq(fixture_vector(f), 0x04);
    ck_assert_uint_eq(cpu->r[14], a + 4);   /* UDF.W at a + 2: LR = address + 2 */
    ck_assert_uint_eq(cpsr_it(cpu->spsr), 0x0c);

    cpu_set_cpsr(cpu, MODE_SVC | PSR_I | PSR_F, PSR_M_MASK | PSR_I | PSR_F);
    set_nzcv(cpu, 0x0);
    cpu->r[0] = 0;
    a = t2_run(f, code16, 3, 3);
    ck_assert_uint_eq(cpu->r[15], a + 6);
    ck_assert_uint_eq(cpu->r[0], 1);
    ck_assert_uint_eq(cpu->it, 0);
    fixture_free(f);
}
END_TEST

/* A data abort in an IT block saves the faulting instruction's ITSTATE;
 * SUBS PC, LR, #8 re-executes it inside the block. */
START_TEST(test_it_data_abort_restart)
{
    struct cpu_fixture *f = t2_new();
    struct arm_cpu *cpu = &f->cpu;
    put_vector(f, 0x10, 0xe25ef008);   /* subs pc, lr, #8 */
    /* itt eq; ldrdeq r2, r3, [r0]; addeq r4, #1 */
    static const uint16_t code[] = { 0xbf04, 0xe9d0, 0x2300, 0x3401 };
    fixture_write32(f, T2_DATA + 0x500, 0xaaaa);
    fixture_write32(f, T2_DATA + 0x504, 0xbbbb);
    cpu->r[0] = T2_DATA + 0x502;    /* misaligned: alignment fault */
    cpu->r[4] = 0;
    set_nzcv(cpu, 0x4);
    uint32_t a = t2_run(f, code, 4, 2);
    ck_assert_int_eq(fixture_vector(f), 0x10);
    ck_assert_uint_eq(cpu->r[14], a + 2 + 8);
    ck_assert_uint_eq(cpsr_it(cpu->spsr), 0x04);
    cpu->r[0] = T2_DATA + 0x500;    /* the "handler" fixes the cause */
    ck_assert_uint_eq(fixture_step(f, 3), 3);
    ck_assert_uint_eq(cpu->r[2], 0xaaaa);
    ck_assert_uint_eq(cpu->r[3], 0xbbbb);
    ck_assert_uint_eq(cpu->r[4], 1);
    ck_assert_uint_eq(cpu->r[15], a + 8);
    ck_assert_uint_eq(cpu->it, 0);
    ck_assert(cpu->thumb);
    fixture_free(f);
}
END_TEST

/* An interrupt between two instructions of a block: taken there, the
 * SPSR holds ITSTATE, and the return finishes the block. */
START_TEST(test_it_interrupted)
{
    struct cpu_fixture *f = t2_new();
    struct arm_cpu *cpu = &f->cpu;
    put_vector(f, 0x18, 0xe25ef004);   /* subs pc, lr, #4 */
    /* itete mi; addmi r0, #1; addpl r1, #1; addmi r2, #1; addpl r3, #1 */
    static const uint16_t code[] = { 0xbf4b, 0x3001, 0x3101, 0x3201, 0x3301 };
    cpu->r[0] = cpu->r[1] = cpu->r[2] = cpu->r[3] = 0;
    set_nzcv(cpu, 0x8);
    cpu_set_cpsr(cpu, 0, PSR_I);
    uint32_t a = t2_run(f, code, 5, 2);
    ck_assert_uint_eq(cpu->r[15], a + 4);
    uint8_t it_mid = cpu->it;
    cpu_set_irq(cpu, 1);
    ck_assert_uint_eq(fixture_step(f, 1), 1);   /* takes the IRQ, runs "subs pc" */
    cpu_set_irq(cpu, 0);
    /* after the IRQ entry the first instruction was the vector's */
    ck_assert_uint_eq(cpu->r[15], a + 4);
    ck_assert_uint_eq(cpu->it, it_mid);
    ck_assert_uint_eq(cpu->exceptions_taken[EXC_IRQ], 1);
    ck_assert_uint_eq(fixture_step(f, 3), 3);
    ck_assert_uint_eq(cpu->r[0], 1);
    ck_assert_uint_eq(cpu->r[1], 0);
    ck_assert_uint_eq(cpu->r[2], 1);
    ck_assert_uint_eq(cpu->r[3], 0);
    ck_assert_uint_eq(cpu->it, 0);
    fixture_free(f);
}
END_TEST

/* ---- system instructions ---- */

START_TEST(test_mrs_msr_cps_setend)
{
    struct cpu_fixture *f = t2_new();
    struct arm_cpu *cpu = &f->cpu;

    /* msr apsr_nzcvq, r0; mrs r2, apsr (T and IT read as 0) */
    static const uint16_t flags[] = { 0xf380, 0x8800, 0xf3ef, 0x8200 };
    cpu->r[0] = 0xf8000000 | MODE_USR;   /* the mode bits are not written */
    t2_run(f, flags, 4, 2);
    ck_assert_uint_eq(cpu_nzcv(cpu), 0xf);
    ck_assert_uint_eq(cpu->q, 1);
    ck_assert_uint_eq(cpu_mode(cpu), MODE_SVC);
    ck_assert_uint_eq(cpu->r[2], (cpu_get_cpsr(cpu) & ~PSR_T));

    /* msr cpsr_fc, r0: mode change from SVC to SYS; then to USR */
    static const uint16_t msr_fc[] = { 0xf380, 0x8900 };
    cpu->r[0] = MODE_SYS | PSR_I | PSR_F;
    uint32_t a = t2_run(f, msr_fc, 2, 1);
    ck_assert_uint_eq(cpu_mode(cpu), MODE_SYS);
    ck_assert_uint_eq(cpu->r[15], a + 4);
    cpu->r[0] = MODE_USR;
    t2_run(f, msr_fc, 2, 1);
    ck_assert_uint_eq(cpu_mode(cpu), MODE_USR);
    ck_assert(!(cpu->cpsr_ctl & PSR_I));
    /* In User mode the c field is ignored. */
    cpu->r[0] = MODE_SVC | PSR_I;
    t2_run(f, msr_fc, 2, 1);
    ck_assert_uint_eq(cpu_mode(cpu), MODE_USR);
    ck_assert(!(cpu->cpsr_ctl & PSR_I));
    /* cpsid i is a NOP in User mode */
    static const uint16_t cpsid[] = { 0xb672 };
    t2_run(f, cpsid, 1, 1);
    ck_assert(!(cpu->cpsr_ctl & PSR_I));
    /* MRS SPSR in User mode: UNDEFINED */
    static const uint16_t mrs_spsr[] = { 0xf3ff, 0x8200 };
    t2_run(f, mrs_spsr, 2, 1);
    ck_assert_int_eq(fixture_vector(f), 0x04);
    ck_assert_uint_eq(cpu_mode(cpu), MODE_UND);

    /* msr spsr_fsxc, r0; mrs r2, spsr (UND mode has one) */
    static const uint16_t spsr[] = { 0xf390, 0x8f00, 0xf3ff, 0x8200 };
    cpu->r[0] = 0x800001d0;
    t2_run(f, spsr, 4, 2);
    ck_assert_uint_eq(cpu->spsr, 0x800001d0);
    ck_assert_uint_eq(cpu->r[2], 0x800001d0);

    /* cpsie af; cpsid i; cpsid if, #0x13 (to SVC); cps #0x1f */
    static const uint16_t cps[] = { 0xb665, 0xb672, 0xf3af, 0x8773, 0xf3af, 0x811f };
    cpu_set_cpsr(cpu, PSR_A | PSR_F, PSR_A | PSR_F | PSR_I);
    t2_run(f, cps, 1, 1);
    ck_assert(!(cpu->cpsr_ctl & (PSR_A | PSR_F)));
    a = t2_run(f, cps + 1, 1, 1);
    ck_assert(cpu->cpsr_ctl & PSR_I);
    ck_assert_uint_eq(cpu->r[15], a + 2);
    t2_run(f, cps + 2, 2, 1);
    ck_assert_uint_eq(cpu_mode(cpu), MODE_SVC);
    ck_assert(cpu->cpsr_ctl & PSR_F);
    t2_run(f, cps + 4, 2, 1);
    ck_assert_uint_eq(cpu_mode(cpu), MODE_SYS);

    /* setend be; setend le: CPSR.E */
    static const uint16_t setend[] = { 0xb658, 0xb650 };
    t2_run(f, setend, 1, 1);
    ck_assert(cpu->cpsr_ctl & PSR_E);
    t2_run(f, setend + 1, 1, 1);
    ck_assert(!(cpu->cpsr_ctl & PSR_E));
    fixture_free(f);
}
END_TEST

START_TEST(test_banked_registers)
{
    struct cpu_fixture *f = t2_new();
    struct arm_cpu *cpu = &f->cpu;
    cpu->bank_r13[BANK_USR] = 0x1234;
    cpu->bank_spsr[BANK_IRQ] = 0x600001d2;
    /* mrs r2, sp_usr; mrs r3, spsr_irq (from SVC) */
    static const uint16_t mrs[] = { 0xf3e5, 0x8220, 0xf3f0, 0x8330 };
    t2_run(f, mrs, 4, 2);
    ck_assert_uint_eq(cpu->r[2], 0x1234);
    ck_assert_uint_eq(cpu->r[3], 0x600001d2);
    /* msr elr_hyp, r0 from SVC: UNPREDICTABLE, UNDEFINED here */
    static const uint16_t msr_elr[] = { 0xf380, 0x8e30 };
    t2_run(f, msr_elr, 2, 1);
    ck_assert_int_eq(fixture_vector(f), 0x04);
    fixture_free(f);

    /* The Cortex-A9 has no Virtualization Extensions: UNDEFINED. */
    f = t2_new_model(&cpu_model_cortex_a9);
    cpu = &f->cpu;
    t2_run(f, mrs, 2, 1);
    ck_assert_int_eq(fixture_vector(f), 0x04);
    fixture_free(f);
}
END_TEST

START_TEST(test_wait_and_barriers)
{
    struct cpu_fixture *f = t2_new();
    struct arm_cpu *cpu = &f->cpu;
    /* wfi: halts with the PC at the next instruction */
    static const uint16_t wfi[] = { 0xbf30, 0x2001 };
    cpu->r[0] = 0;
    uint32_t a = t2_run(f, wfi, 2, 1);
    ck_assert_uint_eq(cpu->halted, 1);
    ck_assert_uint_eq(cpu->r[15], a + 2);
    ck_assert_uint_eq(fixture_step(f, 5), 0);
    cpu_set_irq(cpu, 1);    /* masked, but wakes the core */
    ck_assert_uint_eq(cpu->halted, 0);
    ck_assert_uint_eq(fixture_step(f, 1), 1);
    ck_assert_uint_eq(cpu->r[0], 1);
    cpu_set_irq(cpu, 0);

    /* wfe with no event halts; sev; wfe goes on and clears the event */
    static const uint16_t wfe[] = { 0xbf20 };
    static const uint16_t sev_wfe[] = { 0xbf40, 0xbf20, 0x2002 };
    t2_run(f, wfe, 1, 1);
    ck_assert_uint_eq(cpu->halted, 1);
    cpu->halted = 0;
    a = t2_run(f, sev_wfe, 3, 3);
    ck_assert_uint_eq(cpu->halted, 0);
    ck_assert_uint_eq(cpu->event_register, 0);
    ck_assert_uint_eq(cpu->r[0], 2);

    /* the 32-bit hints, DSB, DMB, ISB just continue */
    static const uint16_t hints[] = { 0xf3af, 0x8000, 0xf3af, 0x8004, 0xbf10, 0xf3bf, 0x8f4f,
                                      0xf3bf, 0x8f5b, 0xf3bf, 0x8f6f, 0x2003 };
    cpu->event_register = 0;
    a = t2_run(f, hints, 12, 7);
    ck_assert_uint_eq(cpu->r[15], a + 24);
    ck_assert_uint_eq(cpu->r[0], 3);
    ck_assert_uint_eq(cpu->event_register, 1);
    fixture_free(f);
}
END_TEST

START_TEST(test_srs_rfe_subs_pc_lr)
{
    struct cpu_fixture *f = t2_new();
    struct arm_cpu *cpu = &f->cpu;
    /* In IRQ mode: srsdb sp!, #0x13 stores LR_irq and SPSR_irq on SP_svc. */
    cpu->r[13] = T2_STACK;   /* SVC's SP */
    cpu_set_cpsr(cpu, MODE_IRQ | PSR_I, PSR_M_MASK | PSR_I);
    cpu->r[14] = 0x8123;
    cpu->spsr = 0x20000033;
    static const uint16_t srs[] = { 0xe82d, 0xc013 };
    t2_run(f, srs, 2, 1);
    ck_assert_uint_eq(cpu->bank_r13[BANK_SVC], T2_STACK - 8);
    ck_assert_uint_eq(fixture_read32(f, T2_STACK - 8), 0x8123);
    ck_assert_uint_eq(fixture_read32(f, T2_STACK - 4), 0x20000033);

    /* rfeia r0!: PC and CPSR from memory, an exception return */
    static const uint16_t rfe[] = { 0xe9b0, 0xc000 };
    cpu->r[0] = T2_STACK - 8;
    t2_run(f, rfe, 2, 1);
    ck_assert_uint_eq(cpu->r[15], 0x8122);
    ck_assert_uint_eq(cpu_mode(cpu), MODE_SVC);
    ck_assert(cpu->thumb);
    ck_assert_uint_eq(cpu->c, 1);
    /* r0 was the IRQ mode's (shared) r0 */
    ck_assert_uint_eq(cpu->r[0], T2_STACK);

    /* subs pc, lr, #4 from ABT mode returns to LR - 4 with CPSR = SPSR */
    static const uint16_t subs[] = { 0xf3de, 0x8f04 };
    cpu_set_cpsr(cpu, MODE_ABT, PSR_M_MASK);
    cpu->r[14] = 0x9005;
    cpu->spsr = MODE_SVC | PSR_T | PSR_N;
    t2_run(f, subs, 2, 1);
    ck_assert_uint_eq(cpu->r[15], 0x9000);
    ck_assert_uint_eq(cpu_mode(cpu), MODE_SVC);
    ck_assert_uint_eq(cpu->n, 1);
    /* eret from SVC (not Hyp): SUBS PC, LR, #0 */
    static const uint16_t eret[] = { 0xf3de, 0x8f00 };
    cpu->r[14] = 0x9100;
    cpu->spsr = MODE_SYS;
    t2_run(f, eret, 2, 1);
    ck_assert_uint_eq(cpu->r[15], 0x9100);
    ck_assert_uint_eq(cpu->thumb, 0);
    ck_assert_uint_eq(cpu_mode(cpu), MODE_SYS);
    /* in System mode (no SPSR): UNDEFINED */
    t2_run(f, eret, 2, 1);
    ck_assert_int_eq(fixture_vector(f), 0x04);
    fixture_free(f);
}
END_TEST

static uint32_t hvc_seen_imm, hvc_seen_pc;

static int hvc_hook(struct arm_cpu *cpu, uint32_t imm)
{
    hvc_seen_imm = imm;
    hvc_seen_pc = cpu->r[15];
    cpu->r[0] = 0x600d;
    return 0;
}

START_TEST(test_hvc_smc_udf)
{
    struct cpu_fixture *f = t2_new();
    struct arm_cpu *cpu = &f->cpu;
    static const uint16_t hvc[] = { 0xf7e1, 0x8234 };  /* hvc #0x1234 */
    /* no hook: UNDEFINED; LR_und = address + 2 for any Thumb instruction
     * (TakeUndefInstrException: Linux reads both halfwords at LR - 2) */
    uint32_t a = t2_run(f, hvc, 2, 1);
    ck_assert_int_eq(fixture_vector(f), 0x04);
    ck_assert_uint_eq(cpu->r[14], a + 2);
    /* with a hook: called with the return address in r[15] */
    cpu_set_cpsr(cpu, MODE_SVC, PSR_M_MASK);
    cpu->hvc_hook = hvc_hook;
    a = t2_run(f, hvc, 2, 1);
    ck_assert_uint_eq(hvc_seen_imm, 0x1234);
    ck_assert_uint_eq(hvc_seen_pc, a + 4);
    ck_assert_uint_eq(cpu->r[15], a + 4);
    ck_assert_uint_eq(cpu->r[0], 0x600d);
    ck_assert_uint_eq(cpu_mode(cpu), MODE_SVC);
    /* from User mode: UNDEFINED even with a hook */
    cpu_set_cpsr(cpu, MODE_USR, PSR_M_MASK);
    t2_run(f, hvc, 2, 1);
    ck_assert_int_eq(fixture_vector(f), 0x04);

    /* smc #0: no secure monitor, UNDEFINED; udf.w likewise */
    static const uint16_t smc[] = { 0xf7f0, 0x8000 };
    static const uint16_t udf[] = { 0xf7f0, 0xa000 };
    a = t2_run(f, smc, 2, 1);
    ck_assert_int_eq(fixture_vector(f), 0x04);
    ck_assert_uint_eq(cpu->r[14], a + 2);
    a = t2_run(f, udf, 2, 1);
    ck_assert_int_eq(fixture_vector(f), 0x04);
    ck_assert_uint_eq(cpu->r[14], a + 2);
    fixture_free(f);

    /* Cortex-A9: HVC does not exist */
    f = t2_new_model(&cpu_model_cortex_a9);
    f->cpu.hvc_hook = hvc_hook;
    t2_run(f, hvc, 2, 1);
    ck_assert_int_eq(fixture_vector(f), 0x04);
    fixture_free(f);
}
END_TEST

START_TEST(test_coprocessor)
{
    struct cpu_fixture *f = t2_new();
    struct arm_cpu *cpu = &f->cpu;
    /* mrc p15, 0, r2, c0, c0, 0 (MIDR); mcr p15, 0, r0, c13, c0, 4 (TPIDRPRW) */
    static const uint16_t cp15[] = { 0xee10, 0x2f10, 0xee0d, 0x0f90 };
    cpu->r[0] = 0xabcdef01;
    uint32_t a = t2_run(f, cp15, 4, 2);
    ck_assert_uint_eq(cpu->r[2], cpu_model_cortex_a15.midr);
    ck_assert_uint_eq(cpu->cp15.tpidrprw, 0xabcdef01);
    ck_assert_uint_eq(cpu->r[15], a + 8);

    /* VFP through the coprocessor path: vldr d0, [r0, #8];
     * vmrs APSR_nzcv, fpscr */
    cpu->cp15.cpacr = 0xfu << 20;
    cpu->vfp.fpexc = FPEXC_EN;
    cpu->vfp.fpscr = 0xa0000000;
    fixture_write32(f, T2_DATA + 8, 0x11223344);
    fixture_write32(f, T2_DATA + 12, 0x55667788);
    static const uint16_t vfp[] = { 0xed90, 0x0b02, 0xeef1, 0xfa10 };
    cpu->r[0] = T2_DATA;
    set_nzcv(cpu, 0);
    t2_run(f, vfp, 4, 2);
    ck_assert_uint_eq(cpu->vfp.d[0], 0x5566778811223344ull);
    ck_assert_uint_eq(cpu_nzcv(cpu), 0xa);

    /* MRC2 (T = 1): UNDEFINED */
    static const uint16_t mrc2[] = { 0xfe10, 0x2f10 };
    a = t2_run(f, mrc2, 2, 1);
    ck_assert_int_eq(fixture_vector(f), 0x04);
    ck_assert_uint_eq(cpu->r[14], a + 2);

    /* VFP disabled: the lazy-enable trap, LR = address + 2 */
    cpu_set_cpsr(cpu, MODE_SVC, PSR_M_MASK);
    cpu->vfp.fpexc = 0;
    a = t2_run(f, vfp, 2, 1);
    ck_assert_int_eq(fixture_vector(f), 0x04);
    ck_assert_uint_eq(cpu->r[14], a + 2);
    fixture_free(f);
}
END_TEST

/*
 * Advanced SIMD in Thumb state goes to the NEON decoder; its handlers run
 * through the IT machinery like the others (t2_neon and its handler copy
 * in the second halfword's slot, thumb2_exec.c): outside a block, inside
 * one with the condition failing and passing, and again from the cache.
 */
START_TEST(test_neon_in_thumb)
{
    struct cpu_fixture *f = t2_new();
    struct arm_cpu *cpu = &f->cpu;
    cpu->cp15.cpacr = 0xfu << 20;
    cpu->vfp.fpexc = FPEXC_EN;
    /* it ne; vaddne.i32 q0, q1, q2; vld1.32 {d0}, [r0] */
    static const uint16_t code[] = { 0xbf18, 0xef22, 0x0844, 0xf920, 0x078f };
    uint32_t a = t2_load(f, code, 5, 0);
    for (unsigned round = 0; round < 2; round++) {
        for (unsigned i = 0; i < 4; i++) {
            cpu->vfp.s[4 + i] = 10 * (i + 1);     /* q1 = d2:d3 = s4-s7 */
            cpu->vfp.s[8 + i] = i + 1;            /* q2 = s8-s11 */
            cpu->vfp.s[i] = 0;
        }
        set_nzcv(cpu, 0x4);                       /* EQ: the VADD is skipped */
        t2_run_at(f, a, 2);
        ck_assert_uint_eq(cpu->vfp.s[0], 0);
        ck_assert_uint_eq(cpu->r[15], a + 6);
        ck_assert_uint_eq(cpu->it, 0);
        set_nzcv(cpu, 0x0);                       /* NE: it runs */
        t2_run_at(f, a, 2);
        for (unsigned i = 0; i < 4; i++)
            ck_assert_uint_eq(cpu->vfp.s[i], 11 * (i + 1));
        /* outside a block, from the IT's successor */
        cpu->vfp.s[0] = 0;
        t2_run_at(f, a + 2, 1);
        ck_assert_uint_eq(cpu->vfp.s[0], 11);
    }
    /* an element load with writeback-free addressing */
    fixture_write32(f, T2_DATA, 0x01234567);
    fixture_write32(f, T2_DATA + 4, 0x89abcdef);
    cpu->r[0] = T2_DATA;
    t2_run_at(f, a + 6, 1);
    ck_assert_uint_eq(cpu->vfp.d[0], 0x89abcdef01234567ull);
    /* NEON disabled (FPEXC.EN = 0): UNDEFINED, also from the cache, with
     * LR = address + 2 (Linux then reads both halfwords to enable NEON) */
    cpu->vfp.fpexc = 0;
    t2_run_at(f, a + 2, 1);
    ck_assert_int_eq(fixture_vector(f), 0x04);
    ck_assert_uint_eq(cpu->r[14], a + 4);
    fixture_free(f);
}
END_TEST

/* ---- decoder properties ---- */

/* Every encoding decodes to a handler with the right length; SDIV/UDIV
 * only on the A15. */
START_TEST(test_decode_sweep)
{
    static const uint16_t hw2s[] = { 0x0000, 0xffff, 0x8000, 0x7fff, 0xf0f0, 0x0f0f, 0xd000,
                                     0xa5a5, 0x5a5a, 0xe800, 0x1234, 0xc000 };
    const struct cpu_model *models[] = { &cpu_model_cortex_a15, &cpu_model_cortex_a9 };
    struct decoded_insn d;
    for (size_t m = 0; m < 2; m++) {
        for (uint32_t hw1 = 0; hw1 <= 0xffff; hw1++) {
            bool wide = thumb_is_32bit(models[m], (uint16_t)hw1);
            ck_assert(wide == ((hw1 >> 11) >= 0x1d));
            for (size_t k = 0; k < (wide ? ARRAY_SIZE(hw2s) : 1); k++) {
                memset(&d, 0xa5, sizeof(d));
                thumb_decode(models[m], (uint16_t)hw1, hw2s[k], &d);
                ck_assert_ptr_nonnull(d.handler);
                ck_assert_uint_eq(d.len, wide ? 4 : 2);
                ck_assert(d.cond <= COND_AL);
            }
        }
    }
    thumb_decode(&cpu_model_cortex_a15, 0xfb90, 0xf2f1, &d);   /* sdiv */
    ck_assert(d.handler != thumb_undefined);
    thumb_decode(&cpu_model_cortex_a9, 0xfb90, 0xf2f1, &d);
    ck_assert(d.handler == thumb_undefined);
    /* 16-bit ARMv6/v7 additions exist on both */
    thumb_decode(&cpu_model_cortex_a9, 0xb2c0, 0, &d);        /* uxtb */
    ck_assert(d.handler != thumb_undefined);
    thumb_decode(&cpu_model_cortex_a9, 0xba80, 0, &d);        /* HLT space */
    ck_assert(d.handler == thumb_undefined);
}
END_TEST

/* A 32-bit instruction whose second halfword is on the next page. */
START_TEST(test_page_crossing)
{
    struct cpu_fixture *f = t2_new();
    struct arm_cpu *cpu = &f->cpu;
    static const uint16_t code[] = { 0xf64a, 0x32cd };   /* movw r2, #0xabcd */
    uint32_t a = 0x9ffe;
    fixture_write_code(f, a, code, 4);
    t2_run_at(f, a, 1);
    ck_assert_uint_eq(cpu->r[2], 0xabcd);
    ck_assert_uint_eq(cpu->r[15], a + 4);
    fixture_free(f);
}
END_TEST

Suite *thumb2_suite(void)
{
    Suite *s = suite_create("thumb2");
    TCase *tc = tcase_create("cortex-a15");
    tcase_add_test(tc, test_data_processing);
    tcase_add_test(tc, test_pc_and_sp_operands);
    tcase_add_test(tc, test_load_store_single);
    tcase_add_test(tc, test_literal_hints_ldr_pc);
    tcase_add_test(tc, test_ldrd_strd);
    tcase_add_test(tc, test_ldm_stm_push_pop);
    tcase_add_test(tc, test_exclusives);
    tcase_add_test(tc, test_branches);
    tcase_add_test(tc, test_table_branch);
    tcase_add_test(tc, test_it_conditions);
    tcase_add_test(tc, test_it_flag_setting);
    tcase_add_test(tc, test_it_step_equals_run);
    tcase_add_test(tc, test_it_svc_and_return);
    tcase_add_test(tc, test_it_undefined);
    tcase_add_test(tc, test_it_data_abort_restart);
    tcase_add_test(tc, test_it_interrupted);
    tcase_add_test(tc, test_mrs_msr_cps_setend);
    tcase_add_test(tc, test_banked_registers);
    tcase_add_test(tc, test_wait_and_barriers);
    tcase_add_test(tc, test_srs_rfe_subs_pc_lr);
    tcase_add_test(tc, test_hvc_smc_udf);
    tcase_add_test(tc, test_coprocessor);
    tcase_add_test(tc, test_neon_in_thumb);
    tcase_add_test(tc, test_decode_sweep);
    tcase_add_test(tc, test_page_crossing);
    suite_add_tcase(s, tc);
    return s;
}
