/*
 * thumb: ARM/Thumb interworking and Thumb-1 arithmetic.  This whole file
 * is compiled as Thumb code (see THUMB_TESTS in firmware/Makefile), so
 * main() itself runs in Thumb state and every call into the ARM runtime
 * (printf, CP15 accessors, exception hooks) is an interworking call made
 * by BLX or by a linker-converted BL.
 *
 * Why: the ARMv5T state switch rules are a classic emulator bug source:
 * BX/BLX take the state from bit 0 of the target, BLX(1) from ARM state
 * aligns and adds the H bit, BLX(1) from Thumb aligns the PC down to a
 * word, LDR/LDM/POP to pc interwork on ARMv5 but MOV pc does not, and
 * "BX pc" in Thumb lands in ARM state at the next word.  References:
 * ARM ARM (DDI 0100I) A2.8 (Thumb state), A4.1 BL/BLX(1), BLX(2), BX,
 * LDM(1) and LDR (interworking on v5T), A7.1 Thumb instructions
 * (ADC/SBC/shifts by register, NEG, MUL flags: C unchanged from ARMv5),
 * A2.5 condition flags.
 *
 * Checked:
 *  1. ARM -> Thumb: BX Rm, BLX Rm, BLX label (target at a halfword, H bit),
 *     LDR pc, LDM/POP {pc}; Thumb -> ARM: BX Rm, BLX Rm, BLX label at both
 *     word alignments, POP {pc} returning to ARM, "BX pc";
 *  2. C code compiled as Thumb calling ARM code and vice versa, including
 *     a Thumb exception hook called by the ARM runtime;
 *  3. 22 Thumb data-processing instructions against their ARM equivalents
 *     on 13 x 13 operand pairs and three incoming flag states (result and
 *     NZCV), plus known answers for the shift-by-register corner cases;
 *  4. Thumb C sanity: CRC-32, division through libgcc (ARM code).
 */
#include "runtime.h"

/* ---- 1. Interworking branches ------------------------------------------- */

/*
 * Targets: t_add1 (Thumb), t_add2_half (Thumb, at an address = 2 mod 4),
 * t_add3_pop (Thumb, returns by POP {pc}), a_add10 (ARM).
 * Routines named arm_* are ARM code, thumb_* Thumb code; each returns the
 * argument plus what the target added, or garbage if a state went wrong.
 */
u32 arm_bx_thumb(u32), arm_blx_reg_thumb(u32), arm_blx_imm_thumb(u32);
u32 arm_ldr_pc_thumb(u32), arm_pop_pc_thumb(u32), arm_call_thumb_pop(u32);
u32 thumb_bx_arm(u32), thumb_blx_reg_arm(u32), thumb_blx_imm_arm_w(u32);
u32 thumb_blx_imm_arm_h(u32), thumb_bx_pc(u32);
extern const char t_add2_half[];
__asm__(
"   .syntax unified\n"
"   .text\n"
"   .thumb\n"
"   .balign 4\n"
"   .global t_add1\n"
"   .type t_add1, %function\n"
"   .thumb_func\n"
"t_add1:\n"
"   adds    r0, r0, #1\n"
"   bx      lr\n"
"   .size t_add1, . - t_add1\n"
"   .balign 4\n"
"   nop\n"                              /* puts the next function at 2 mod 4 */
"   .global t_add2_half\n"
"   .type t_add2_half, %function\n"
"   .thumb_func\n"
"t_add2_half:\n"
"   adds    r0, r0, #2\n"
"   bx      lr\n"
"   .size t_add2_half, . - t_add2_half\n"
"   .global t_add3_pop\n"
"   .type t_add3_pop, %function\n"
"   .thumb_func\n"
"t_add3_pop:\n"
"   push    {r4, lr}\n"
"   adds    r0, r0, #3\n"
"   pop     {r4, pc}\n"                 /* lr may be an ARM address: interworks */
"   .size t_add3_pop, . - t_add3_pop\n"
"\n"
"   .arm\n"
"   .balign 4\n"
"   .global a_add10\n"
"   .type a_add10, %function\n"
"a_add10:\n"
"   add     r0, r0, #10\n"
"   bx      lr\n"
"   .size a_add10, . - a_add10\n"
"\n"
"   .global arm_bx_thumb\n"
"   .type arm_bx_thumb, %function\n"
"arm_bx_thumb:\n"
"   push    {r4, lr}\n"
"   ldr     r1, =t_add1\n"              /* Thumb symbol: bit 0 set */
"   mov     lr, pc\n"                   /* lr = the pop below */
"   bx      r1\n"
"   pop     {r4, pc}\n"
"   .size arm_bx_thumb, . - arm_bx_thumb\n"
"   .global arm_blx_reg_thumb\n"
"   .type arm_blx_reg_thumb, %function\n"
"arm_blx_reg_thumb:\n"
"   push    {r4, lr}\n"
"   ldr     r1, =t_add1\n"
"   blx     r1\n"
"   pop     {r4, pc}\n"
"   .size arm_blx_reg_thumb, . - arm_blx_reg_thumb\n"
"   .global arm_blx_imm_thumb\n"
"   .type arm_blx_imm_thumb, %function\n"
"arm_blx_imm_thumb:\n"
"   push    {r4, lr}\n"
"   blx     t_add2_half\n"              /* BLX(1) with H = 1 */
"   pop     {r4, pc}\n"
"   .size arm_blx_imm_thumb, . - arm_blx_imm_thumb\n"
"   .global arm_ldr_pc_thumb\n"
"   .type arm_ldr_pc_thumb, %function\n"
"arm_ldr_pc_thumb:\n"
"   push    {r4, lr}\n"
"   adr     lr, 1f\n"
"   ldr     pc, =t_add1\n"              /* LDR to pc interworks on ARMv5T */
"1: pop     {r4, pc}\n"
"   .size arm_ldr_pc_thumb, . - arm_ldr_pc_thumb\n"
"   .global arm_pop_pc_thumb\n"
"   .type arm_pop_pc_thumb, %function\n"
"arm_pop_pc_thumb:\n"
"   push    {r4, lr}\n"
"   adr     lr, 1f\n"
"   ldr     r1, =t_add1\n"
"   push    {r1}\n"
"   pop     {pc}\n"                     /* LDM to pc interworks on ARMv5T */
"1: pop     {r4, pc}\n"
"   .size arm_pop_pc_thumb, . - arm_pop_pc_thumb\n"
"   .global arm_call_thumb_pop\n"
"   .type arm_call_thumb_pop, %function\n"
"arm_call_thumb_pop:\n"
"   push    {r4, lr}\n"
"   blx     t_add3_pop\n"               /* returns to ARM by a Thumb POP {pc} */
"   pop     {r4, pc}\n"
"   .size arm_call_thumb_pop, . - arm_call_thumb_pop\n"
"   .ltorg\n"
"\n"
"   .thumb\n"
"   .balign 4\n"
"   .global thumb_bx_arm\n"
"   .type thumb_bx_arm, %function\n"
"   .thumb_func\n"
"thumb_bx_arm:\n"
"   push    {r4, lr}\n"
"   ldr     r1, =a_add10\n"
"   adr     r2, 1f\n"
"   adds    r2, r2, #1\n"               /* return to Thumb */
"   mov     lr, r2\n"
"   bx      r1\n"
"   .balign 4\n"
"1: pop     {r4, pc}\n"
"   .size thumb_bx_arm, . - thumb_bx_arm\n"
"   .global thumb_blx_reg_arm\n"
"   .type thumb_blx_reg_arm, %function\n"
"   .thumb_func\n"
"thumb_blx_reg_arm:\n"
"   push    {r4, lr}\n"
"   ldr     r1, =a_add10\n"
"   blx     r1\n"
"   pop     {r4, pc}\n"
"   .size thumb_blx_reg_arm, . - thumb_blx_reg_arm\n"
"   .balign 4\n"
"   .global thumb_blx_imm_arm_w\n"
"   .type thumb_blx_imm_arm_w, %function\n"
"   .thumb_func\n"
"thumb_blx_imm_arm_w:\n"
"   push    {r4, lr}\n"
"   nop\n"
"   blx     a_add10\n"                  /* BLX(1) at 0 mod 4 */
"   pop     {r4, pc}\n"
"   .size thumb_blx_imm_arm_w, . - thumb_blx_imm_arm_w\n"
"   .balign 4\n"
"   .global thumb_blx_imm_arm_h\n"
"   .type thumb_blx_imm_arm_h, %function\n"
"   .thumb_func\n"
"thumb_blx_imm_arm_h:\n"
"   push    {r4, lr}\n"
"   blx     a_add10\n"                  /* BLX(1) at 2 mod 4: PC aligned down */
"   pop     {r4, pc}\n"
"   .size thumb_blx_imm_arm_h, . - thumb_blx_imm_arm_h\n"
"   .balign 4\n"
"   .global thumb_bx_pc\n"
"   .type thumb_bx_pc, %function\n"
"   .thumb_func\n"
"thumb_bx_pc:\n"
"   bx      pc\n"                       /* at 0 mod 4: ARM state at . + 4 */
"   nop\n"
"   .arm\n"
"   add     r0, r0, #0x40\n"
"   bx      lr\n"                       /* back to the Thumb caller */
"   .size thumb_bx_pc, . - thumb_bx_pc\n"
"   .ltorg\n");

static void test_interworking(void)
{
    /* A Thumb function symbol has bit 0 set. */
    TEST_EQ("t_add2_half at 2 mod 4", addr_of(t_add2_half) & 3, 2 | 1);
    TEST_EQ("ARM BX Rm -> Thumb", arm_bx_thumb(100), 101);
    TEST_EQ("ARM BLX Rm -> Thumb", arm_blx_reg_thumb(100), 101);
    TEST_EQ("ARM BLX label -> Thumb at a halfword (H bit)", arm_blx_imm_thumb(100), 102);
    TEST_EQ("ARM LDR pc -> Thumb", arm_ldr_pc_thumb(100), 101);
    TEST_EQ("ARM POP {pc} -> Thumb", arm_pop_pc_thumb(100), 101);
    TEST_EQ("Thumb POP {pc} -> ARM caller", arm_call_thumb_pop(100), 103);
    TEST_EQ("Thumb BX Rm -> ARM", thumb_bx_arm(100), 110);
    TEST_EQ("Thumb BLX Rm -> ARM", thumb_blx_reg_arm(100), 110);
    TEST_EQ("Thumb BLX label -> ARM (0 mod 4)", thumb_blx_imm_arm_w(100), 110);
    TEST_EQ("Thumb BLX label -> ARM (2 mod 4)", thumb_blx_imm_arm_h(100), 110);
    TEST_EQ("Thumb BX pc -> ARM", thumb_bx_pc(100), 164);
    printf("1. interworking: BX/BLX reg/BLX imm/LDR pc/POP pc in both directions: ok\n");
}

/* ---- 2. Thumb C <-> ARM runtime ------------------------------------------ */

static volatile u32 thumb_hook_calls;

/* A Thumb-compiled exception hook, called by the ARM stub through BLX. */
static void thumb_svc_hook(struct exc_frame *f)
{
    thumb_hook_calls++;
    TEST_TRUE("hook sees an ARM-state SVC caller", !(f->cpsr & PSR_T));
    f->r[0] += 0x1000;
}

u32 arm_svc_plus(u32 x);
__asm__(
"   .syntax unified\n"
"   .text\n"
"   .arm\n"
"   .global arm_svc_plus\n"
"   .type arm_svc_plus, %function\n"
"arm_svc_plus:\n"
"   push    {r4, lr}\n"
"   svc     #1\n"
"   pop     {r4, pc}\n"
"   .size arm_svc_plus, . - arm_svc_plus\n");

static void test_c_interworking(void)
{
    u32 (*volatile arm_fn)(u32) = arm_blx_reg_thumb;   /* ARM code via a pointer */

    TEST_EQ("Thumb C -> ARM code via a function pointer", arm_fn(7), 8);
    TEST_TRUE("Thumb C -> ARM runtime", (cp15_read_midr() >> 24) == 0x41);
    exc_set_hook(EXC_SVC, thumb_svc_hook);
    TEST_EQ("ARM runtime -> Thumb hook", arm_svc_plus(5), 0x1005);
    exc_set_hook(EXC_SVC, 0);
    TEST_EQ("Thumb hook called once", thumb_hook_calls, 1);
    printf("2. Thumb C calling the ARM runtime and called back from it: ok\n");
}

/* ---- 3. Thumb data processing vs ARM -------------------------------------- */

struct op_io {
    u32 a, b, psr_in, fn;       /* inputs; psr_in holds NZCV in bits 31:28 */
    u32 result, psr_out;
};

void run_op(struct op_io *io);
extern const char thumb_ops[], arm_ops[];
#define N_OPS 22
/* Thumb op i is at thumb_ops + 4 * i ("op; bx lr"), ARM op i at arm_ops + 8 * i. */
__asm__(
"   .syntax unified\n"
"   .text\n"
"   .arm\n"
"   .global run_op\n"
"   .type run_op, %function\n"
"run_op:\n"
"   push    {r4, lr}\n"
"   mov     r4, r0\n"
"   ldr     r2, [r4, #8]\n"
"   msr     cpsr_f, r2\n"
"   ldr     r0, [r4, #0]\n"
"   ldr     r1, [r4, #4]\n"
"   ldr     r3, [r4, #12]\n"
"   blx     r3\n"
"   mrs     r2, cpsr\n"
"   str     r0, [r4, #16]\n"
"   str     r2, [r4, #20]\n"
"   pop     {r4, pc}\n"
"   .size run_op, . - run_op\n"
"\n"
"   .thumb\n"
"   .balign 4\n"
"   .global thumb_ops\n"
"thumb_ops:\n"
"   adds    r0, r0, r1\n   bx lr\n"    /* 0 */
"   subs    r0, r0, r1\n   bx lr\n"    /* 1 */
"   adcs    r0, r1\n       bx lr\n"    /* 2 */
"   sbcs    r0, r1\n       bx lr\n"    /* 3 */
"   lsls    r0, r1\n       bx lr\n"    /* 4: shift by register */
"   lsrs    r0, r1\n       bx lr\n"    /* 5 */
"   asrs    r0, r1\n       bx lr\n"    /* 6 */
"   rors    r0, r1\n       bx lr\n"    /* 7 */
"   ands    r0, r1\n       bx lr\n"    /* 8 */
"   eors    r0, r1\n       bx lr\n"    /* 9 */
"   orrs    r0, r1\n       bx lr\n"    /* 10 */
"   bics    r0, r1\n       bx lr\n"    /* 11 */
"   mvns    r0, r1\n       bx lr\n"    /* 12 */
"   negs    r0, r1\n       bx lr\n"    /* 13 */
"   muls    r0, r1, r0\n   bx lr\n"    /* 14: C, V unchanged on ARMv5 */
"   cmp     r0, r1\n       bx lr\n"    /* 15 */
"   cmn     r0, r1\n       bx lr\n"    /* 16 */
"   tst     r0, r1\n       bx lr\n"    /* 17 */
"   lsrs    r0, r0, #32\n  bx lr\n"    /* 18: immediate 0 encodes 32 */
"   asrs    r0, r0, #32\n  bx lr\n"    /* 19 */
"   lsls    r0, r0, #31\n  bx lr\n"    /* 20 */
"   subs    r0, #200\n     bx lr\n"    /* 21 */
"\n"
"   .arm\n"
"   .balign 4\n"
"   .global arm_ops\n"
"arm_ops:\n"
"   adds    r0, r0, r1\n       bx lr\n"
"   subs    r0, r0, r1\n       bx lr\n"
"   adcs    r0, r0, r1\n       bx lr\n"
"   sbcs    r0, r0, r1\n       bx lr\n"
"   movs    r0, r0, lsl r1\n   bx lr\n"
"   movs    r0, r0, lsr r1\n   bx lr\n"
"   movs    r0, r0, asr r1\n   bx lr\n"
"   movs    r0, r0, ror r1\n   bx lr\n"
"   ands    r0, r0, r1\n       bx lr\n"
"   eors    r0, r0, r1\n       bx lr\n"
"   orrs    r0, r0, r1\n       bx lr\n"
"   bics    r0, r0, r1\n       bx lr\n"
"   mvns    r0, r1\n           bx lr\n"
"   rsbs    r0, r1, #0\n       bx lr\n"
"   muls    r0, r1, r0\n       bx lr\n"
"   cmp     r0, r1\n           bx lr\n"
"   cmn     r0, r1\n           bx lr\n"
"   tst     r0, r1\n           bx lr\n"
"   movs    r0, r0, lsr #32\n  bx lr\n"
"   movs    r0, r0, asr #32\n  bx lr\n"
"   movs    r0, r0, lsl #31\n  bx lr\n"
"   subs    r0, r0, #200\n     bx lr\n");

static const char *const op_names[N_OPS] = {
    "ADDS", "SUBS", "ADCS", "SBCS", "LSLS reg", "LSRS reg", "ASRS reg", "RORS reg",
    "ANDS", "EORS", "ORRS", "BICS", "MVNS", "NEGS", "MULS", "CMP", "CMN", "TST",
    "LSRS #32", "ASRS #32", "LSLS #31", "SUBS #200",
};

static void thumb_op(unsigned op, u32 a, u32 b, u32 nzcv_in, u32 *res, u32 *nzcv)
{
    struct op_io io = { a, b, nzcv_in << 28, addr_of(thumb_ops) + 4 * op + 1, 0, 0 };

    run_op(&io);
    *res = io.result;
    *nzcv = io.psr_out >> 28;
}

static void arm_op(unsigned op, u32 a, u32 b, u32 nzcv_in, u32 *res, u32 *nzcv)
{
    struct op_io io = { a, b, nzcv_in << 28, addr_of(arm_ops) + 8 * op, 0, 0 };

    run_op(&io);
    *res = io.result;
    *nzcv = io.psr_out >> 28;
}

#define F_N 8u
#define F_Z 4u
#define F_C 2u
#define F_V 1u

struct known {
    unsigned op;
    u32 a, b, nzcv_in, result, nzcv;
};

/* Worked by hand from the ARM ARM pseudocode. */
static const struct known known_answers[] = {
    { 0, 0xffffffff, 1, 0, 0, F_Z | F_C },
    { 0, 0x7fffffff, 1, 0, 0x80000000, F_N | F_V },
    { 1, 0, 1, 0, 0xffffffff, F_N },                    /* borrow: C clear */
    { 1, 5, 5, 0, 0, F_Z | F_C },
    { 2, 1, 1, F_C, 3, 0 },
    { 3, 5, 3, 0, 1, F_C },                              /* 5 - 3 - 1 */
    { 4, 1, 32, 0, 0, F_Z | F_C },                       /* bit 0 is the last out */
    { 4, 1, 33, F_C, 0, F_Z },
    { 4, 0x80000001, 0, F_C, 0x80000001, F_N | F_C },    /* by 0: C unchanged */
    { 4, 3, 0x101, 0, 6, 0 },                            /* only Rs[7:0] counts */
    { 5, 0x80000000, 32, 0, 0, F_Z | F_C },
    { 5, 0x80000000, 33, F_C, 0, F_Z },
    { 6, 0x80000000, 40, 0, 0xffffffff, F_N | F_C },
    { 6, 0x40000000, 200, F_C, 0, F_Z },
    { 7, 0x80000001, 1, 0, 0xc0000000, F_N | F_C },
    { 7, 0x80000001, 32, 0, 0x80000001, F_N | F_C },     /* by 32: C = bit 31 */
    { 7, 0x00000001, 0, F_C, 1, F_C },                   /* by 0: C unchanged */
    { 13, 1, 1, 0, 0xffffffff, F_N },
    { 13, 0, 0, 0, 0, F_Z | F_C },
    { 13, 0, 0x80000000, 0, 0x80000000, F_N | F_V },
    { 14, 0x10000, 0x10000, F_C | F_V, 0, F_Z | F_C | F_V },
    { 16, 0xffffffff, 1, 0, 0xffffffff, F_Z | F_C },     /* CMN: r0 unchanged */
    { 18, 0x80000000, 0, 0, 0, F_Z | F_C },
    { 19, 0x80000000, 0, 0, 0xffffffff, F_N | F_C },
    { 20, 3, 0, 0, 0x80000000, F_N | F_C },
    { 21, 100, 0, 0, (u32)-100, F_N },
};

static const u32 operands[] = {
    0, 1, 2, 31, 32, 33, 255, 256, 0x7fffffff, 0x80000000, 0x80000001, 0xffffffff,
    0x12345678,
};

static void test_alu(void)
{
    static const u32 flags_in[] = { 0, F_C, F_N | F_Z | F_C | F_V };
    u32 tr, tf, ar, af, n = 0;

    for (unsigned i = 0; i < ARRAY_SIZE(known_answers); i++) {
        const struct known *k = &known_answers[i];

        thumb_op(k->op, k->a, k->b, k->nzcv_in, &tr, &tf);
        if (tr != k->result || tf != k->nzcv)
            test_fail("Thumb %s %08x, %08x (NZCV in %x): got %08x NZCV %x, expected %08x %x",
                      op_names[k->op], k->a, k->b, k->nzcv_in, tr, tf, k->result, k->nzcv);
    }
    for (unsigned op = 0; op < N_OPS; op++) {
        for (unsigned i = 0; i < ARRAY_SIZE(operands); i++) {
            for (unsigned j = 0; j < ARRAY_SIZE(operands); j++) {
                for (unsigned f = 0; f < ARRAY_SIZE(flags_in); f++) {
                    u32 a = operands[i], b = operands[j];

                    thumb_op(op, a, b, flags_in[f], &tr, &tf);
                    arm_op(op, a, b, flags_in[f], &ar, &af);
                    if (tr != ar || tf != af)
                        test_fail("Thumb %s %08x, %08x (NZCV in %x): %08x NZCV %x, "
                                  "ARM gives %08x %x", op_names[op], a, b, flags_in[f],
                                  tr, tf, ar, af);
                    n++;
                }
            }
        }
    }
    printf("3. Thumb ALU: %u known answers, %u cases equal to ARM (result, NZCV): ok\n",
           (unsigned)ARRAY_SIZE(known_answers), n);
}

/* ---- 4. Thumb C sanity ------------------------------------------------------- */

static u32 crc32(const char *s)
{
    u32 crc = 0xffffffffu;

    for (; *s; s++) {
        crc ^= (u8)*s;
        for (int i = 0; i < 8; i++)
            crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1)));
    }
    return ~crc;
}

static void test_c_sanity(void)
{
    volatile u32 a = 1000000007u, b = 13, c = 0xfffffffbu, d = 7;
    volatile s32 e = -1000000, f = 7;

    TEST_EQ("CRC-32 computed in Thumb", crc32("The quick brown fox jumps over the lazy dog"),
            0x414fa339);
    TEST_EQ("unsigned division (libgcc, ARM)", a / b, 76923077);
    TEST_EQ("unsigned remainder", a % b, 6);
    TEST_EQ("unsigned division, top bit set", c / d, 613566755);
    TEST_EQ("signed division truncates", (u32)(e / f), (u32)-142857);
    TEST_EQ("signed remainder", (u32)(e % f), (u32)-1);
    printf("4. Thumb C: CRC-32 and libgcc division: ok\n");
}

int main(void)
{
    printf("thumb: interworking and Thumb arithmetic (main runs in Thumb state)\n");
    test_interworking();
    test_c_interworking();
    test_alu();
    test_c_sanity();
    test_pass();
}
