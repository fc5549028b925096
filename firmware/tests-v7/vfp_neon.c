/*
 * vfp_neon: VFPv4 and Advanced SIMD (NEON) on the Cortex-A15.
 *
 * Why: Debian's armhf user space and the armmp kernel use VFP for every
 * floating-point operation and NEON for memcpy, checksums and crypto;
 * the kernel enables the unit lazily by catching the Undefined
 * Instruction exception a disabled unit raises.  An emulator must trap
 * exactly when CPACR/FPEXC say so, give IEEE 754 results bit for bit
 * (ARM's default NaN is positive, unlike the host's x86 one), honour the
 * FPSCR rounding mode, flush-to-zero and default-NaN bits, set the
 * cumulative flags, saturate conversions, and implement NEON's own rules
 * (always flush-to-zero and default NaN, saturation with FPSCR.QC,
 * structure loads that de-interleave, polynomial multiplication).
 * References: ARM ARM DDI 0406C: B4.1.40 CPACR and B6.1 (the Floating-point
 * system registers: CPACR cp10/cp11 and FPEXC.EN gate the unit; VMRS/VMSR
 * of FPEXC, FPSID and MVFR0/1 work at PL1 with FPEXC.EN = 0; the
 * CheckAdvSIMDOrVFPEnabled() pseudocode), A2.7 "Floating-point data
 * types and arithmetic" (IEEE 754, NaN handling and the default NaN, FZ,
 * DN, rounding modes, the "standard FPSCR value" Advanced SIMD uses),
 * A2.6 "Advanced SIMD and Floating-point Extensions" (FPSCR: N Z C V, QC,
 * DN, FZ, RMode, IDC IXC UFC OFC DZC IOC), the instruction pages in A8.8
 * (VADD, VMUL, VDIV, VSQRT, VFMA, VCMP, VCVT/VCVTR, VQADD, VCNT, VMULL
 * with the polynomial type, VLD1-VLD4, VST1-VST4, VRECPE/VRECPS, VTBL),
 * A2.8 polynomial arithmetic over {0,1}; Cortex-A15 TRM DDI 0438 chapter
 * 14 (FPSID 0x410430f0, MVFR0 0x10110222, MVFR1 0x11111111).
 *
 * The whole program is built without compiler-generated VFP code (the
 * Makefile's -mgeneral-regs-only): every VFP/NEON instruction is in an
 * asm statement, so nothing touches the unit before the test enables it.
 *
 * Checked:
 *  1. disabled unit: with CPACR.cp10/cp11 = 0 even VMRS FPEXC is
 *     UNDEFINED; with full CPACR but FPEXC.EN = 0, FPEXC reads but VMRS
 *     FPSCR, VADD.F32, a NEON VADD and VLD1 are UNDEFINED (LR_und = the
 *     instruction + 4); PL1-only CPACR makes a PL0 VADD UNDEFINED;
 *  2. FPSID, MVFR0, MVFR1 of the Cortex-A15; FPEXC.EN reads back;
 *  3. IEEE arithmetic with known bit patterns (single and double): add,
 *     multiply, divide, square root, fused multiply-add vs VMLA;
 *  4. exceptions and cumulative flags: 0/0 and sqrt(-1) -> default NaN
 *     0x7fc00000 + IOC, 1/0 -> inf + DZC, overflow -> inf + OFC/IXC,
 *     inexact -> IXC; NaN propagation (quiet NaN payload kept, signalling
 *     NaN quietened with IOC, SNaN beats QNaN); FPSCR.DN;
 *  5. denormals: exact denormal results with FZ = 0, flushed inputs (IDC)
 *     and outputs (UFC) with FZ = 1;
 *  6. FPSCR.RMode: 1/3 and -1/3 in the four rounding modes; VCVTR ties;
 *  7. VCMP/VCMPE flags through VMRS APSR_nzcv (unordered = 0011, IOC only
 *     for VCMPE with a quiet NaN);
 *  8. VCVT: round towards zero, saturation of out-of-range values and NaN
 *     with IOC, unsigned of a negative, fixed-point, single <-> double;
 *  9. NEON integer: VADD wraps, VQADD saturates and sets FPSCR.QC, VMUL,
 *     VMAX, VCNT, VSHL by a negative register amount, VTBL out of range;
 * 10. NEON float: lanes with denormals flushed and NaNs made default
 *     whatever FPSCR.FZ/DN say, VRECPE/VRECPS, VCVT saturation;
 * 11. VLD2/VLD3/VLD4 de-interleave, VST2/VST3 interleave, single-lane and
 *     all-lane loads, post-increment writeback, an alignment fault for a
 *     ":64" hint on an unaligned address;
 * 12. VMULL.P8 and VMUL.P8 against a carry-less multiplication reference.
 */
#include "runtime.h"

#define FPSCR_IOC       (1u << 0)
#define FPSCR_DZC       (1u << 1)
#define FPSCR_OFC       (1u << 2)
#define FPSCR_UFC       (1u << 3)
#define FPSCR_IXC       (1u << 4)
#define FPSCR_IDC       (1u << 7)
#define FPSCR_FLAGS     0x9fu
#define FPSCR_RMODE(m)  ((u32)(m) << 22)
#define FPSCR_FZ        (1u << 24)
#define FPSCR_DN        (1u << 25)
#define FPSCR_QC        (1u << 27)
#define RM_RN           0u
#define RM_RP           1u
#define RM_RM           2u
#define RM_RZ           3u

#define F32_ONE         0x3f800000u
#define F32_TWO         0x40000000u
#define F32_THREE       0x40400000u
#define F32_HALF        0x3f000000u
#define F32_MAX         0x7f7fffffu
#define F32_INF         0x7f800000u
#define F32_DEFAULT_NAN 0x7fc00000u
#define F32_MIN_NORMAL  0x00800000u
#define F64_DEFAULT_NAN 0x7ff8000000000000ull

/* ---- Undefined instruction probes ------------------------------------------------------ */

struct undef_seen {
    u32 count;
    u32 exc_lr;
    u32 spsr;
};

static volatile struct undef_seen und;

static void hook_undef(struct exc_frame *f)
{
    und.count++;
    und.exc_lr = f->exc_lr;
    und.spsr = f->cpsr;
    /* The preset resume address is the next instruction. */
}

static void hook_svc(struct exc_frame *f)
{
    f->cpsr = (f->cpsr & ~PSR_MODE_MASK) | MODE_SVC;
}

/* Each probe executes one instruction at a global label; r0/r1 scratch. */
void probe_vmrs_fpexc(void), probe_vmrs_fpscr(void), probe_vadd(void), probe_neon_add(void);
void probe_vld1(void);
extern const char probe_vmrs_fpexc_insn[], probe_vmrs_fpscr_insn[], probe_vadd_insn[];
extern const char probe_neon_add_insn[], probe_vld1_insn[];
u32 call_user(void (*fn)(void));
__asm__(
"   .syntax unified\n"
"   .text\n"
"   .arm\n"
"   .fpu neon-vfpv4\n"
"   .global probe_vmrs_fpexc, probe_vmrs_fpscr, probe_vadd, probe_neon_add, probe_vld1\n"
"   .global probe_vmrs_fpexc_insn, probe_vmrs_fpscr_insn, probe_vadd_insn\n"
"   .global probe_neon_add_insn, probe_vld1_insn\n"
"probe_vmrs_fpexc:\n"
"probe_vmrs_fpexc_insn:\n"
"   vmrs    r0, fpexc\n"
"   bx      lr\n"
"probe_vmrs_fpscr:\n"
"probe_vmrs_fpscr_insn:\n"
"   vmrs    r0, fpscr\n"
"   bx      lr\n"
"probe_vadd:\n"
"probe_vadd_insn:\n"
"   vadd.f32 s0, s1, s2\n"
"   bx      lr\n"
"probe_neon_add:\n"
"probe_neon_add_insn:\n"
"   vadd.i32 q0, q1, q2\n"
"   bx      lr\n"
"probe_vld1:\n"
"   mov     r0, sp\n"
"probe_vld1_insn:\n"
"   vld1.32 {d0}, [r0]\n"
"   bx      lr\n"
/* u32 call_user(fn): run fn in User mode, come back by SVC. */
"   .global call_user\n"
"   .type call_user, %function\n"
"call_user:\n"
"   push    {r4-r11, lr}\n"
"   mov     r4, r0\n"
"   msr     cpsr_c, #0xd0\n"
"   blx     r4\n"
"   svc     #0x76\n"
"   pop     {r4-r11, pc}\n"
"   .size call_user, . - call_user\n");

static void expect_undef(const char *what, void (*probe)(void), const char *insn, bool want)
{
    u32 before = und.count;

    probe();
    if (want) {
        if (und.count != before + 1)
            test_fail("%s: not UNDEFINED", what);
        TEST_EQ("LR_und = the instruction + 4", und.exc_lr, addr_of(insn) + 4);
    } else if (und.count != before) {
        test_fail("%s: UNDEFINED (LR_und %08x)", what, und.exc_lr);
    }
}

static void fp_enable(void)
{
    vfp_fpexc_write(FPEXC_EN);
    isb();
}

static void test_enable(void)
{
    exc_set_hook(EXC_UNDEF, hook_undef);
    exc_set_hook(EXC_SVC, hook_svc);

    TEST_EQ("CPACR cp10/cp11 at reset: no access", (cp15_cpacr_read() >> 20) & 0xf, 0);
    expect_undef("CPACR = 0: VMRS FPEXC", probe_vmrs_fpexc, probe_vmrs_fpexc_insn, true);
    expect_undef("CPACR = 0: VADD.F32", probe_vadd, probe_vadd_insn, true);
    expect_undef("CPACR = 0: NEON VADD.I32", probe_neon_add, probe_neon_add_insn, true);

    cp15_cpacr_write(0xfu << 20);       /* cp10, cp11: full access */
    isb();
    TEST_EQ("CPACR cp10/cp11 read back", (cp15_cpacr_read() >> 20) & 0xf, 0xf);
    vfp_fpexc_write(0);
    isb();
    expect_undef("FPEXC.EN = 0: VMRS FPEXC", probe_vmrs_fpexc, probe_vmrs_fpexc_insn, false);
    TEST_EQ("FPEXC.EN clear", vfp_fpexc_read() & FPEXC_EN, 0);
    expect_undef("FPEXC.EN = 0: VMRS FPSCR", probe_vmrs_fpscr, probe_vmrs_fpscr_insn, true);
    expect_undef("FPEXC.EN = 0: VADD.F32", probe_vadd, probe_vadd_insn, true);
    expect_undef("FPEXC.EN = 0: NEON VADD.I32", probe_neon_add, probe_neon_add_insn, true);
    expect_undef("FPEXC.EN = 0: VLD1", probe_vld1, probe_vld1_insn, true);

    fp_enable();
    TEST_EQ("FPEXC.EN set", vfp_fpexc_read() & FPEXC_EN, FPEXC_EN);
    expect_undef("enabled: VMRS FPSCR", probe_vmrs_fpscr, probe_vmrs_fpscr_insn, false);
    expect_undef("enabled: VADD.F32", probe_vadd, probe_vadd_insn, false);
    expect_undef("enabled: NEON VADD.I32", probe_neon_add, probe_neon_add_insn, false);
    expect_undef("enabled: VLD1", probe_vld1, probe_vld1_insn, false);

    /* cp10/cp11 = 01: PL1 only. */
    cp15_cpacr_write(0x5u << 20);
    isb();
    u32 before = und.count;
    call_user(probe_vadd);
    TEST_EQ("PL1-only CPACR: VADD at PL0 is UNDEFINED", und.count, before + 1);
    TEST_EQ("taken from User mode", und.spsr & PSR_MODE_MASK, MODE_USR);
    TEST_EQ("LR_und from PL0", und.exc_lr, addr_of(probe_vadd_insn) + 4);
    expect_undef("PL1-only CPACR: VADD at PL1", probe_vadd, probe_vadd_insn, false);
    cp15_cpacr_write(0xfu << 20);
    isb();
    call_user(probe_vadd);
    TEST_EQ("full CPACR: VADD at PL0 runs", und.count, before + 1);
    printf("1. CPACR/FPEXC gate VFP and NEON (UNDEFINED when disabled, PL0 vs PL1): ok\n");
}

static void test_ids(void)
{
    TEST_EQ("FPSID", vfp_fpsid_read(), 0x410430f0u);
    TEST_EQ("MVFR0", vfp_mvfr0_read(), 0x10110222u);
    TEST_EQ("MVFR1", vfp_mvfr1_read(), 0x11111111u);
    TEST_EQ("FPEXC", vfp_fpexc_read(), FPEXC_EN);
    printf("2. FPSID %08x MVFR0 %08x MVFR1 %08x: ok\n", vfp_fpsid_read(), vfp_mvfr0_read(),
           vfp_mvfr1_read());
}

/* ---- Scalar helpers ------------------------------------------------------------------------- */

static void fpscr_set(u32 v)
{
    __asm__ volatile("vmsr fpscr, %0" : : "r"(v) : "memory");
}

static u32 fpscr_get(void)
{
    u32 v;

    __asm__ volatile("vmrs %0, fpscr" : "=r"(v) : : "memory");
    return v;
}

#define F32_OP2(name, insn)                                                           \
    static u32 name(u32 a, u32 b)                                                     \
    {                                                                                 \
        u32 r;                                                                        \
        __asm__ volatile("vmov s0, %1\n"                                              \
                         "vmov s1, %2\n"                                              \
                         insn " s2, s0, s1\n"                                         \
                         "vmov %0, s2"                                                \
                         : "=r"(r) : "r"(a), "r"(b) : "s0", "s1", "s2", "memory");    \
        return r;                                                                     \
    }

#define F64_OP2(name, insn)                                                           \
    static u64 name(u64 a, u64 b)                                                     \
    {                                                                                 \
        u64 r;                                                                        \
        __asm__ volatile("vmov d0, %Q1, %R1\n"                                        \
                         "vmov d1, %Q2, %R2\n"                                        \
                         insn " d2, d0, d1\n"                                         \
                         "vmov %Q0, %R0, d2"                                          \
                         : "=r"(r) : "r"(a), "r"(b) : "d0", "d1", "d2", "memory");    \
        return r;                                                                     \
    }

#define F32_OP1(name, insn)                                                           \
    static u32 name(u32 a)                                                            \
    {                                                                                 \
        u32 r;                                                                        \
        __asm__ volatile("vmov s0, %1\n"                                              \
                         insn " s1, s0\n"                                             \
                         "vmov %0, s1"                                                \
                         : "=r"(r) : "r"(a) : "s0", "s1", "memory");                  \
        return r;                                                                     \
    }

F32_OP2(vadd_f32, "vadd.f32")
F32_OP2(vsub_f32, "vsub.f32")
F32_OP2(vmul_f32, "vmul.f32")
F32_OP2(vdiv_f32, "vdiv.f32")
F64_OP2(vadd_f64, "vadd.f64")
F64_OP2(vmul_f64, "vmul.f64")
F64_OP2(vdiv_f64, "vdiv.f64")
F32_OP1(vsqrt_f32, "vsqrt.f32")
F32_OP1(vcvt_s32_f32, "vcvt.s32.f32")
F32_OP1(vcvtr_s32_f32, "vcvtr.s32.f32")
F32_OP1(vcvt_u32_f32, "vcvt.u32.f32")
F32_OP1(vcvt_f32_s32, "vcvt.f32.s32")

static u64 vsqrt_f64(u64 a)
{
    u64 r;

    __asm__ volatile("vmov d0, %Q1, %R1\n"
                     "vsqrt.f64 d1, d0\n"
                     "vmov %Q0, %R0, d1"
                     : "=r"(r) : "r"(a) : "d0", "d1", "memory");
    return r;
}

/* d = c + a * b, fused (VFMA) or with an intermediate rounding (VMLA). */
static u32 vfma_f32(u32 a, u32 b, u32 c)
{
    u32 r;

    __asm__ volatile("vmov s0, %1\n"
                     "vmov s1, %2\n"
                     "vmov s2, %3\n"
                     "vfma.f32 s2, s0, s1\n"
                     "vmov %0, s2"
                     : "=r"(r) : "r"(a), "r"(b), "r"(c) : "s0", "s1", "s2", "memory");
    return r;
}

static u32 vmla_f32(u32 a, u32 b, u32 c)
{
    u32 r;

    __asm__ volatile("vmov s0, %1\n"
                     "vmov s1, %2\n"
                     "vmov s2, %3\n"
                     "vmla.f32 s2, s0, s1\n"
                     "vmov %0, s2"
                     : "=r"(r) : "r"(a), "r"(b), "r"(c) : "s0", "s1", "s2", "memory");
    return r;
}

/* Result and the cumulative flags it raised (flags cleared first, rest of FPSCR = mode). */
struct fp_result {
    u32 v;
    u32 flags;
};

static u32 fp_mode;     /* FPSCR control bits for the next operations */

static void fp_begin(void)
{
    fpscr_set(fp_mode);
}

static void check32(const char *what, u32 got, u32 want, u32 want_flags)
{
    u32 flags = fpscr_get() & FPSCR_FLAGS;

    if (got != want)
        test_fail("%s: result %08x, expected %08x", what, got, want);
    if (flags != want_flags)
        test_fail("%s: FPSCR flags %02x, expected %02x", what, flags, want_flags);
}

static void check64(const char *what, u64 got, u64 want, u32 want_flags)
{
    u32 flags = fpscr_get() & FPSCR_FLAGS;

    if (got != want)
        test_fail("%s: result %08x%08x, expected %08x%08x", what, (u32)(got >> 32), (u32)got,
                  (u32)(want >> 32), (u32)want);
    if (flags != want_flags)
        test_fail("%s: FPSCR flags %02x, expected %02x", what, flags, want_flags);
}

/* Run one scalar operation with clean flags under fp_mode, then check it. */
#define CHECK32(what, expr, want, flags) do {                                         \
        fp_begin();                                                                   \
        u32 r_ = (expr);                                                              \
        check32((what), r_, (want), (flags));                                         \
    } while (0)

#define CHECK64(what, expr, want, flags) do {                                         \
        fp_begin();                                                                   \
        u64 r_ = (expr);                                                              \
        check64((what), r_, (want), (flags));                                         \
    } while (0)

/* ---- 3. IEEE arithmetic --------------------------------------------------------------------- */

static void test_arith(void)
{
    fp_mode = FPSCR_RMODE(RM_RN);
    CHECK32("1 + 2", vadd_f32(F32_ONE, F32_TWO), F32_THREE, 0);
    CHECK32("1 - 2", vsub_f32(F32_ONE, F32_TWO), 0xbf800000u, 0);
    CHECK32("1.5 * -2.25", vmul_f32(0x3fc00000u, 0xc0100000u), 0xc0580000u, 0);
    CHECK32("1 / 3", vdiv_f32(F32_ONE, F32_THREE), 0x3eaaaaabu, FPSCR_IXC);
    CHECK32("sqrt(2) single", vsqrt_f32(F32_TWO), 0x3fb504f3u, FPSCR_IXC);
    CHECK32("x - x = +0", vsub_f32(0x40490fdbu, 0x40490fdbu), 0, 0);
    CHECK32("-0 + -0 = -0", vadd_f32(0x80000000u, 0x80000000u), 0x80000000u, 0);
    CHECK64("0.1 + 0.2 double", vadd_f64(0x3fb999999999999aull, 0x3fc999999999999aull),
            0x3fd3333333333334ull, FPSCR_IXC);
    CHECK64("1.5 * -2.25 double", vmul_f64(0x3ff8000000000000ull, 0xc002000000000000ull),
            0xc00b000000000000ull, 0);
    CHECK64("1 / 3 double", vdiv_f64(0x3ff0000000000000ull, 0x4008000000000000ull),
            0x3fd5555555555555ull, FPSCR_IXC);
    CHECK64("sqrt(2) double", vsqrt_f64(0x4000000000000000ull), 0x3ff6a09e667f3bcdull,
            FPSCR_IXC);
    /*
     * (1 + 2^-12)^2 - (1 + 2^-11) = 2^-24: fused keeps it, VMLA rounds the
     * product to 1 + 2^-11 first (a tie, to even) and gets 0.
     */
    CHECK32("VFMA (fused)", vfma_f32(0x3f800800u, 0x3f800800u, 0xbf801000u), 0x33800000u, 0);
    CHECK32("VMLA (product rounded)", vmla_f32(0x3f800800u, 0x3f800800u, 0xbf801000u), 0,
            FPSCR_IXC);
    printf("3. IEEE add/sub/mul/div/sqrt single and double, VFMA vs VMLA: ok\n");
}

/* ---- 4. Exceptions, NaNs -------------------------------------------------------------------- */

static void test_exceptions(void)
{
    fp_mode = FPSCR_RMODE(RM_RN);
    CHECK32("0 / 0 = default NaN", vdiv_f32(0, 0), F32_DEFAULT_NAN, FPSCR_IOC);
    CHECK32("sqrt(-1) = default NaN", vsqrt_f32(0xbf800000u), F32_DEFAULT_NAN, FPSCR_IOC);
    CHECK32("inf - inf = default NaN", vsub_f32(F32_INF, F32_INF), F32_DEFAULT_NAN, FPSCR_IOC);
    CHECK64("0 / 0 double = default NaN", vdiv_f64(0, 0), F64_DEFAULT_NAN, FPSCR_IOC);
    CHECK32("1 / 0 = +inf", vdiv_f32(F32_ONE, 0), F32_INF, FPSCR_DZC);
    CHECK32("-1 / 0 = -inf", vdiv_f32(0xbf800000u, 0), 0xff800000u, FPSCR_DZC);
    CHECK32("max * 2 = +inf", vmul_f32(F32_MAX, F32_TWO), F32_INF, FPSCR_OFC | FPSCR_IXC);
    CHECK32("inf * 2 = inf, exact", vmul_f32(F32_INF, F32_TWO), F32_INF, 0);

    /* NaN propagation (A2.7, FPProcessNaNs()): quiet NaNs keep their payload. */
    CHECK32("QNaN + 1 keeps the payload", vadd_f32(0x7fc12345u, F32_ONE), 0x7fc12345u, 0);
    CHECK32("1 + negative QNaN", vadd_f32(F32_ONE, 0xffc00abcu), 0xffc00abcu, 0);
    CHECK32("SNaN + 1 is quietened, IOC", vadd_f32(0x7f812345u, F32_ONE), 0x7fc12345u,
            FPSCR_IOC);
    CHECK32("QNaN + SNaN: the SNaN wins", vadd_f32(0x7fc00001u, 0x7f800002u), 0x7fc00002u,
            FPSCR_IOC);
    CHECK32("QNaN + QNaN: the first wins", vadd_f32(0x7fc00003u, 0x7fc00004u), 0x7fc00003u,
            0);
    CHECK64("double SNaN quietened", vadd_f64(0x7ff0000000000123ull, 0),
            0x7ff8000000000123ull, FPSCR_IOC);

    fp_mode = FPSCR_RMODE(RM_RN) | FPSCR_DN;
    CHECK32("DN: QNaN + 1 = default NaN", vadd_f32(0x7fc12345u, F32_ONE), F32_DEFAULT_NAN, 0);
    CHECK32("DN: SNaN + 1 = default NaN, IOC", vadd_f32(0x7f812345u, F32_ONE),
            F32_DEFAULT_NAN, FPSCR_IOC);
    CHECK64("DN: double", vadd_f64(0xfff0000000000001ull, 0), F64_DEFAULT_NAN, FPSCR_IOC);
    fp_mode = FPSCR_RMODE(RM_RN);

    /* The cumulative flags stay set until written. */
    fpscr_set(0);
    vdiv_f32(F32_ONE, 0);
    vdiv_f32(F32_ONE, F32_THREE);
    TEST_EQ("flags accumulate", fpscr_get() & FPSCR_FLAGS, FPSCR_DZC | FPSCR_IXC);
    printf("4. default NaN 0x7fc00000, IOC/DZC/OFC/IXC, NaN propagation, FPSCR.DN: ok\n");
}

/* ---- 5. Denormals --------------------------------------------------------------------------- */

static void test_denormals(void)
{
    fp_mode = FPSCR_RMODE(RM_RN);
    CHECK32("denormal + denormal", vadd_f32(1, 1), 2, 0);
    CHECK32("min normal * 0.5: exact denormal, no UFC", vmul_f32(F32_MIN_NORMAL, F32_HALF),
            0x00400000u, 0);
    CHECK32("min normal / 3: inexact denormal, UFC", vdiv_f32(F32_MIN_NORMAL, F32_THREE),
            0x002aaaabu, FPSCR_UFC | FPSCR_IXC);
    CHECK32("denormal * 2^24", vmul_f32(3, 0x4b800000u), 0x01c00000u, 0);

    fp_mode = FPSCR_RMODE(RM_RN) | FPSCR_FZ;
    CHECK32("FZ: denormal inputs flushed (IDC)", vadd_f32(1, 1), 0, FPSCR_IDC);
    CHECK32("FZ: negative denormal input flushed to -0", vadd_f32(0x80000001u, 0x80000000u),
            0x80000000u, FPSCR_IDC);
    CHECK32("FZ: denormal result flushed (UFC)", vmul_f32(F32_MIN_NORMAL, F32_HALF), 0,
            FPSCR_UFC);
    CHECK32("FZ: normal results unaffected", vadd_f32(F32_MIN_NORMAL, F32_MIN_NORMAL),
            0x01000000u, 0);
    fp_mode = FPSCR_RMODE(RM_RN);
    printf("5. denormals: exact with FZ = 0; FZ flushes inputs (IDC) and results (UFC): ok\n");
}

/* ---- 6. Rounding modes ---------------------------------------------------------------------- */

static void test_rounding(void)
{
    static const struct {
        u32 mode;
        u32 third, minus_third;
    } cases[] = {
        { RM_RN, 0x3eaaaaabu, 0xbeaaaaabu },
        { RM_RP, 0x3eaaaaabu, 0xbeaaaaaau },
        { RM_RM, 0x3eaaaaaau, 0xbeaaaaabu },
        { RM_RZ, 0x3eaaaaaau, 0xbeaaaaaau },
    };

    for (u32 i = 0; i < ARRAY_SIZE(cases); i++) {
        fp_mode = FPSCR_RMODE(cases[i].mode);
        CHECK32("1/3 rounded", vdiv_f32(F32_ONE, F32_THREE), cases[i].third, FPSCR_IXC);
        CHECK32("-1/3 rounded", vdiv_f32(0xbf800000u, F32_THREE), cases[i].minus_third,
                FPSCR_IXC);
        TEST_EQ("RMode reads back", (fpscr_get() >> 22) & 3, cases[i].mode);
    }
    /* Overflow in round-towards-zero gives the largest finite number. */
    fp_mode = FPSCR_RMODE(RM_RZ);
    CHECK32("RZ: max * 2 = max", vmul_f32(F32_MAX, F32_TWO), F32_MAX, FPSCR_OFC | FPSCR_IXC);

    /* VCVTR rounds with FPSCR.RMode; 2.5 and -2.5 are ties. */
    fp_mode = FPSCR_RMODE(RM_RN);
    CHECK32("VCVTR RN 2.5 -> 2 (ties to even)", vcvtr_s32_f32(0x40200000u), 2, FPSCR_IXC);
    CHECK32("VCVTR RN 3.5 -> 4", vcvtr_s32_f32(0x40600000u), 4, FPSCR_IXC);
    CHECK32("VCVTR RN -2.5 -> -2", vcvtr_s32_f32(0xc0200000u), 0xfffffffeu, FPSCR_IXC);
    fp_mode = FPSCR_RMODE(RM_RP);
    CHECK32("VCVTR RP 2.5 -> 3", vcvtr_s32_f32(0x40200000u), 3, FPSCR_IXC);
    fp_mode = FPSCR_RMODE(RM_RM);
    CHECK32("VCVTR RM -2.5 -> -3", vcvtr_s32_f32(0xc0200000u), 0xfffffffdu, FPSCR_IXC);
    fp_mode = FPSCR_RMODE(RM_RN);
    printf("6. RMode RN/RP/RM/RZ for 1/3 and -1/3, RZ overflow, VCVTR ties: ok\n");
}

/* ---- 7. Comparisons ------------------------------------------------------------------------- */

/* VCMP or VCMPE, then VMRS APSR_nzcv, FPSCR: returns CPSR[31:28]. */
static u32 vcmp_flags(u32 a, u32 b, bool e)
{
    u32 psr;

    if (e)
        __asm__ volatile("vmov s0, %1\n"
                         "vmov s1, %2\n"
                         "vcmpe.f32 s0, s1\n"
                         "vmrs APSR_nzcv, fpscr\n"
                         "mrs %0, cpsr"
                         : "=r"(psr) : "r"(a), "r"(b) : "s0", "s1", "cc", "memory");
    else
        __asm__ volatile("vmov s0, %1\n"
                         "vmov s1, %2\n"
                         "vcmp.f32 s0, s1\n"
                         "vmrs APSR_nzcv, fpscr\n"
                         "mrs %0, cpsr"
                         : "=r"(psr) : "r"(a), "r"(b) : "s0", "s1", "cc", "memory");
    return psr >> 28;
}

static void test_compare(void)
{
    fp_mode = FPSCR_RMODE(RM_RN);
    CHECK32("1 < 2: N", vcmp_flags(F32_ONE, F32_TWO, false), 0x8, 0);
    CHECK32("2 = 2: ZC", vcmp_flags(F32_TWO, F32_TWO, false), 0x6, 0);
    CHECK32("+0 = -0: ZC", vcmp_flags(0, 0x80000000u, false), 0x6, 0);
    CHECK32("3 > 2: C", vcmp_flags(F32_THREE, F32_TWO, false), 0x2, 0);
    CHECK32("VCMP QNaN: unordered CV, no IOC", vcmp_flags(0x7fc00000u, F32_ONE, false), 0x3,
            0);
    CHECK32("VCMPE QNaN: unordered, IOC", vcmp_flags(0x7fc00000u, F32_ONE, true), 0x3,
            FPSCR_IOC);
    CHECK32("VCMP SNaN: IOC", vcmp_flags(F32_ONE, 0x7f800001u, false), 0x3, FPSCR_IOC);
    printf("7. VCMP/VCMPE flags via VMRS APSR_nzcv, unordered, IOC rules: ok\n");
}

/* ---- 8. Conversions ------------------------------------------------------------------------- */

static u32 vcvt_fixed_s32_f32_16(u32 a)
{
    u32 r;

    __asm__ volatile("vmov s0, %1\n"
                     "vcvt.s32.f32 s0, s0, #16\n"
                     "vmov %0, s0"
                     : "=r"(r) : "r"(a) : "s0", "memory");
    return r;
}

static u32 vcvt_f32_f64(u64 a)
{
    u32 r;

    __asm__ volatile("vmov d0, %Q1, %R1\n"
                     "vcvt.f32.f64 s2, d0\n"
                     "vmov %0, s2"
                     : "=r"(r) : "r"(a) : "d0", "s2", "memory");
    return r;
}

static u64 vcvt_f64_f32(u32 a)
{
    u64 r;

    __asm__ volatile("vmov s0, %1\n"
                     "vcvt.f64.f32 d1, s0\n"
                     "vmov %Q0, %R0, d1"
                     : "=r"(r) : "r"(a) : "s0", "d1", "memory");
    return r;
}

static void test_convert(void)
{
    fp_mode = FPSCR_RMODE(RM_RN);    /* VCVT to integer ignores it: towards zero */
    CHECK32("VCVT 3.7 -> 3", vcvt_s32_f32(0x406ccccdu), 3, FPSCR_IXC);
    CHECK32("VCVT -3.7 -> -3", vcvt_s32_f32(0xc06ccccdu), 0xfffffffdu, FPSCR_IXC);
    CHECK32("VCVT 1e10 saturates", vcvt_s32_f32(0x501502f9u), 0x7fffffffu, FPSCR_IOC);
    CHECK32("VCVT -1e10 saturates", vcvt_s32_f32(0xd01502f9u), 0x80000000u, FPSCR_IOC);
    CHECK32("VCVT -2^31 exact", vcvt_s32_f32(0xcf000000u), 0x80000000u, 0);
    CHECK32("VCVT NaN -> 0", vcvt_s32_f32(F32_DEFAULT_NAN), 0, FPSCR_IOC);
    CHECK32("VCVT +inf saturates", vcvt_s32_f32(F32_INF), 0x7fffffffu, FPSCR_IOC);
    CHECK32("VCVT.U32 -1 -> 0", vcvt_u32_f32(0xbf800000u), 0, FPSCR_IOC);
    CHECK32("VCVT.U32 -0.5 -> 0, inexact only", vcvt_u32_f32(0xbf000000u), 0, FPSCR_IXC);
    CHECK32("VCVT.U32 4e9", vcvt_u32_f32(0x4f6e6b28u), 4000000000u, 0);
    CHECK32("VCVT.U32 5e9 saturates", vcvt_u32_f32(0x4f9502f9u), 0xffffffffu, FPSCR_IOC);
    CHECK32("VCVT.F32.S32 -7", vcvt_f32_s32(0xfffffff9u), 0xc0e00000u, 0);
    CHECK32("VCVT.F32.S32 2^24 + 1 rounds", vcvt_f32_s32(0x01000001u), 0x4b800000u, FPSCR_IXC);
    CHECK32("fixed point: 1.5 with 16 fraction bits", vcvt_fixed_s32_f32_16(0x3fc00000u),
            0x18000u, 0);
    CHECK32("fixed point saturates", vcvt_fixed_s32_f32_16(0x47000000u), 0x7fffffffu,
            FPSCR_IOC);
    CHECK32("double -> single, inexact", vcvt_f32_f64(0x3ff0000000000001ull), F32_ONE,
            FPSCR_IXC);
    CHECK32("double -> single overflow", vcvt_f32_f64(0x47f0000000000000ull), F32_INF,
            FPSCR_OFC | FPSCR_IXC);
    CHECK64("single -> double", vcvt_f64_f32(0xc0580000u), 0xc00b000000000000ull, 0);
    CHECK64("single SNaN -> double QNaN", vcvt_f64_f32(0x7f800001u), 0x7ff8000020000000ull,
            FPSCR_IOC);
    printf("8. VCVT: towards zero, saturation + IOC, NaN -> 0, unsigned, fixed, f32/f64: ok\n");
}

/* ---- NEON helpers --------------------------------------------------------------------------- */

static u8 na[16] __attribute__((aligned(16)));
static u8 nb[16] __attribute__((aligned(16)));
static u8 nr[16] __attribute__((aligned(16)));

/* nr = insn(qa, qb) with q0 = na, q1 = nb, result q2. */
#define NEON_Q3(name, insn)                                                           \
    static void name(void)                                                            \
    {                                                                                 \
        __asm__ volatile("vld1.8 {d0-d1}, [%0]\n"                                     \
                         "vld1.8 {d2-d3}, [%1]\n"                                     \
                         insn "\n"                                                    \
                         "vst1.8 {d4-d5}, [%2]"                                       \
                         : : "r"(na), "r"(nb), "r"(nr)                                \
                         : "d0", "d1", "d2", "d3", "d4", "d5", "memory");             \
    }

NEON_Q3(neon_add_i8, "vadd.i8 q2, q0, q1")
NEON_Q3(neon_qadd_u8, "vqadd.u8 q2, q0, q1")
NEON_Q3(neon_qadd_s16, "vqadd.s16 q2, q0, q1")
NEON_Q3(neon_mul_i32, "vmul.i32 q2, q0, q1")
NEON_Q3(neon_max_s8, "vmax.s8 q2, q0, q1")
NEON_Q3(neon_cnt_8, "vcnt.8 q2, q0")
NEON_Q3(neon_shl_s8, "vshl.s8 q2, q0, q1")
NEON_Q3(neon_tbl, "vtbl.8 d4, {d0, d1}, d2\n vtbl.8 d5, {d0, d1}, d3")
NEON_Q3(neon_add_f32, "vadd.f32 q2, q0, q1")
NEON_Q3(neon_mul_f32, "vmul.f32 q2, q0, q1")
NEON_Q3(neon_recpe_f32, "vrecpe.f32 q2, q0")
NEON_Q3(neon_recps_f32, "vrecps.f32 q2, q0, q1")
NEON_Q3(neon_cvt_s32_f32, "vcvt.s32.f32 q2, q0")
NEON_Q3(neon_mul_p8, "vmul.p8 q2, q0, q1")

static void neon_mull_p8(u16 *out)
{
    __asm__ volatile("vld1.8 {d0}, [%0]\n"
                     "vld1.8 {d2}, [%1]\n"
                     "vmull.p8 q2, d0, d2\n"
                     "vst1.16 {d4-d5}, [%2]"
                     : : "r"(na), "r"(nb), "r"(out) : "d0", "d2", "d4", "d5", "memory");
}

static u32 word_of(const u8 *p, u32 i)
{
    return (u32)p[4 * i] | (u32)p[4 * i + 1] << 8 | (u32)p[4 * i + 2] << 16 |
           (u32)p[4 * i + 3] << 24;
}

static void set_word(u8 *p, u32 i, u32 v)
{
    p[4 * i] = (u8)v;
    p[4 * i + 1] = (u8)(v >> 8);
    p[4 * i + 2] = (u8)(v >> 16);
    p[4 * i + 3] = (u8)(v >> 24);
}

static u32 half_of(const u8 *p, u32 i)
{
    return (u32)p[2 * i] | (u32)p[2 * i + 1] << 8;
}

static void set_half(u8 *p, u32 i, u32 v)
{
    p[2 * i] = (u8)v;
    p[2 * i + 1] = (u8)(v >> 8);
}

static u32 popcount8(u32 v)
{
    u32 n = 0;

    for (; v; v >>= 1)
        n += v & 1;
    return n;
}

/* ---- 9. NEON integer ------------------------------------------------------------------------ */

static void test_neon_int(void)
{
    for (u32 i = 0; i < 16; i++) {
        na[i] = (u8)(0x17 * i + 0xe9);
        nb[i] = (u8)(0x3d * i + 0x20);
    }

    fpscr_set(0);
    neon_add_i8();
    for (u32 i = 0; i < 16; i++)
        TEST_EQ("VADD.I8 wraps", nr[i], (u8)(na[i] + nb[i]));
    TEST_EQ("VADD does not set QC", fpscr_get() & FPSCR_QC, 0);

    neon_qadd_u8();
    bool saturated = false;
    for (u32 i = 0; i < 16; i++) {
        u32 sum = (u32)na[i] + nb[i];
        saturated |= sum > 0xff;
        TEST_EQ("VQADD.U8 saturates", nr[i], sum > 0xff ? 0xff : sum);
    }
    TEST_TRUE("some lanes saturated", saturated);
    TEST_EQ("VQADD saturation sets FPSCR.QC", fpscr_get() & FPSCR_QC, FPSCR_QC);

    fpscr_set(0);
    for (u32 i = 0; i < 8; i++) {
        set_half(na, i, i & 1 ? 0x8000u + i : 0x7ff0u + i);
        set_half(nb, i, i & 1 ? 0xffe0u : 0x0020u);
    }
    neon_qadd_s16();
    for (u32 i = 0; i < 8; i++) {
        s32 a = (s32)(short)half_of(na, i), b = (s32)(short)half_of(nb, i), s = a + b;
        s = s > 32767 ? 32767 : s < -32768 ? -32768 : s;
        TEST_EQ("VQADD.S16 saturates both ways", half_of(nr, i), (u32)s & 0xffff);
    }
    TEST_EQ("QC set by VQADD.S16", fpscr_get() & FPSCR_QC, FPSCR_QC);

    for (u32 i = 0; i < 4; i++) {
        set_word(na, i, 0x12345678u * (i + 1));
        set_word(nb, i, 0x9abcdef1u + i);
    }
    neon_mul_i32();
    for (u32 i = 0; i < 4; i++)
        TEST_EQ("VMUL.I32 low 32 bits", word_of(nr, i), word_of(na, i) * word_of(nb, i));

    for (u32 i = 0; i < 16; i++) {
        na[i] = (u8)(0x35 * i + 0x81);
        nb[i] = (u8)(0x59 * i + 0x7c);
    }
    neon_max_s8();
    for (u32 i = 0; i < 16; i++) {
        signed char a = (signed char)na[i], b = (signed char)nb[i];
        TEST_EQ("VMAX.S8 signed", nr[i], (u8)(a > b ? a : b));
    }
    neon_cnt_8();
    for (u32 i = 0; i < 16; i++)
        TEST_EQ("VCNT.8", nr[i], popcount8(na[i]));

    /* VSHL by register: a negative amount shifts right (arithmetic for .S8). */
    for (u32 i = 0; i < 16; i++)
        nb[i] = (u8)((int)(i % 9) - 4);
    neon_shl_s8();
    for (u32 i = 0; i < 16; i++) {
        int sh = (int)(i % 9) - 4;
        int a = (signed char)na[i];
        int want = sh >= 0 ? a << sh : a >> -sh;
        TEST_EQ("VSHL.S8 by a signed register amount", nr[i], (u8)want);
    }

    /* VTBL with a two-register table: indices >= 16 give 0. */
    for (u32 i = 0; i < 16; i++) {
        na[i] = (u8)(0xa0 + i);
        nb[i] = (u8)((i * 7) % 20);
    }
    neon_tbl();
    for (u32 i = 0; i < 16; i++)
        TEST_EQ("VTBL.8", nr[i], nb[i] < 16 ? na[nb[i]] : 0);
    printf("9. NEON integer: VADD wrap, VQADD.U8/S16 saturation + QC, VMUL, VMAX, VCNT, "
           "VSHL, VTBL: ok\n");
}

/* ---- 10. NEON float ------------------------------------------------------------------------- */

static void test_neon_float(void)
{
    /* FPSCR.FZ/DN clear: NEON uses the standard FPSCR value anyway (FZ, DN, RN). */
    fpscr_set(0);
    static const u32 a[4] = { 1, 0x7fc12345u, 0x3fc00000u, 0x80000000u };
    static const u32 b[4] = { 1, F32_ONE, 0x40100000u, 0x80000000u };
    static const u32 sum[4] = { 0, F32_DEFAULT_NAN, 0x40700000u, 0x80000000u };
    for (u32 i = 0; i < 4; i++) {
        set_word(na, i, a[i]);
        set_word(nb, i, b[i]);
    }
    neon_add_f32();
    for (u32 i = 0; i < 4; i++)
        TEST_EQ("NEON VADD.F32: FZ and DN always", word_of(nr, i), sum[i]);
    CHECK32("the same in VFP keeps the denormal", vadd_f32(1, 1), 2, 0);
    CHECK32("the same in VFP keeps the payload", vadd_f32(0x7fc12345u, F32_ONE), 0x7fc12345u,
            0);

    static const u32 m1[4] = { 0x3fc00000u, F32_MAX, 0x00800000u, 0xc0000000u };
    static const u32 m2[4] = { 0xc0100000u, F32_TWO, F32_HALF, 0x40400000u };
    static const u32 prod[4] = { 0xc0580000u, F32_INF, 0, 0xc0c00000u };
    for (u32 i = 0; i < 4; i++) {
        set_word(na, i, m1[i]);
        set_word(nb, i, m2[i]);
    }
    neon_mul_f32();
    for (u32 i = 0; i < 4; i++)
        TEST_EQ("NEON VMUL.F32 (overflow, flushed underflow)", word_of(nr, i), prod[i]);

    /* Reciprocal estimate (A2.7 RecipEstimate) and the Newton-Raphson step 2 - a * b. */
    static const u32 re_in[4] = { F32_ONE, F32_TWO, 0, 0xc0000000u };
    static const u32 re_out[4] = { 0x3f7f8000u, 0x3eff8000u, F32_INF, 0xbeff8000u };
    for (u32 i = 0; i < 4; i++)
        set_word(na, i, re_in[i]);
    neon_recpe_f32();
    for (u32 i = 0; i < 4; i++)
        TEST_EQ("VRECPE.F32", word_of(nr, i), re_out[i]);
    static const u32 rs_a[4] = { F32_TWO, F32_INF, F32_ONE, 0x40400000u };
    static const u32 rs_b[4] = { F32_HALF, 0, F32_ONE, F32_HALF };
    static const u32 rs_out[4] = { F32_ONE, F32_TWO, F32_ONE, F32_HALF };
    for (u32 i = 0; i < 4; i++) {
        set_word(na, i, rs_a[i]);
        set_word(nb, i, rs_b[i]);
    }
    neon_recps_f32();
    for (u32 i = 0; i < 4; i++)
        TEST_EQ("VRECPS.F32 (inf * 0 = 2)", word_of(nr, i), rs_out[i]);

    static const u32 cv_in[4] = { 0x501502f9u, 0xd01502f9u, F32_DEFAULT_NAN, 0xbfc00000u };
    static const u32 cv_out[4] = { 0x7fffffffu, 0x80000000u, 0, 0xffffffffu };
    for (u32 i = 0; i < 4; i++)
        set_word(na, i, cv_in[i]);
    neon_cvt_s32_f32();
    for (u32 i = 0; i < 4; i++)
        TEST_EQ("NEON VCVT.S32.F32 saturates", word_of(nr, i), cv_out[i]);
    printf("10. NEON float: always FZ and DN, VMUL, VRECPE/VRECPS, VCVT saturation: ok\n");
}

/* ---- 11. Structure loads and stores --------------------------------------------------------- */

static u8 src[64] __attribute__((aligned(16)));
static u8 dst[64] __attribute__((aligned(16)));

struct abort_seen {
    u32 count, dfsr, dfar;
};

static volatile struct abort_seen ab;

static void hook_dabort(struct exc_frame *f)
{
    ab.count++;
    ab.dfsr = cp15_read_dfsr();
    ab.dfar = cp15_read_far();
    f->pc = f->exc_lr - 4;
}

static void test_structures(void)
{
    for (u32 i = 0; i < 64; i++) {
        src[i] = (u8)(i + 1);
        dst[i] = 0;
    }

    /* VLD2.8: even bytes to d0, odd bytes to d1. */
    __asm__ volatile("vld2.8 {d0, d1}, [%0]\n"
                     "vst1.8 {d0, d1}, [%1]"
                     : : "r"(src), "r"(dst) : "d0", "d1", "memory");
    for (u32 i = 0; i < 8; i++) {
        TEST_EQ("VLD2.8 even elements", dst[i], src[2 * i]);
        TEST_EQ("VLD2.8 odd elements", dst[8 + i], src[2 * i + 1]);
    }

    /* VLD3.16: elements 0,3,6,9 / 1,4,7,10 / 2,5,8,11. */
    __asm__ volatile("vld3.16 {d0, d1, d2}, [%0]\n"
                     "vst1.16 {d0, d1, d2}, [%1]"
                     : : "r"(src), "r"(dst) : "d0", "d1", "d2", "memory");
    for (u32 r = 0; r < 3; r++)
        for (u32 e = 0; e < 4; e++)
            TEST_EQ("VLD3.16 de-interleaves", half_of(dst, 4 * r + e), half_of(src, 3 * e + r));

    /* VLD4.32: words 0,4 / 1,5 / 2,6 / 3,7. */
    __asm__ volatile("vld4.32 {d0, d1, d2, d3}, [%0]\n"
                     "vst1.32 {d0, d1, d2, d3}, [%1]"
                     : : "r"(src), "r"(dst) : "d0", "d1", "d2", "d3", "memory");
    for (u32 r = 0; r < 4; r++)
        for (u32 e = 0; e < 2; e++)
            TEST_EQ("VLD4.32 de-interleaves", word_of(dst, 2 * r + e), word_of(src, 4 * e + r));

    /* VST3.8 interleaves three registers: the inverse of VLD3. */
    for (u32 i = 0; i < 64; i++)
        dst[i] = 0xee;
    __asm__ volatile("vld1.8 {d0, d1, d2}, [%0]\n"
                     "vst3.8 {d0, d1, d2}, [%1]"
                     : : "r"(src), "r"(dst) : "d0", "d1", "d2", "memory");
    for (u32 e = 0; e < 8; e++)
        for (u32 r = 0; r < 3; r++)
            TEST_EQ("VST3.8 interleaves", dst[3 * e + r], src[8 * r + e]);
    TEST_EQ("VST3.8 writes 24 bytes only", dst[24], 0xee);

    /* VST2.16 then VLD2.16 round trip. */
    __asm__ volatile("vld1.16 {d0, d1}, [%0]\n"
                     "vst2.16 {d0, d1}, [%1]"
                     : : "r"(src), "r"(dst) : "d0", "d1", "memory");
    for (u32 e = 0; e < 4; e++) {
        TEST_EQ("VST2.16 first", half_of(dst, 2 * e), half_of(src, e));
        TEST_EQ("VST2.16 second", half_of(dst, 2 * e + 1), half_of(src, 4 + e));
    }

    /* One lane, and all lanes (replicated). */
    u32 lanes[2];
    __asm__ volatile("vmov.i32 d0, #0\n"
                     "vld1.32 {d0[1]}, [%0]\n"
                     "vst1.32 {d0}, [%1]"
                     : : "r"(src + 8), "r"(lanes) : "d0", "memory");
    TEST_EQ("VLD1.32 single lane: other lane kept", lanes[0], 0);
    TEST_EQ("VLD1.32 single lane", lanes[1], word_of(src, 2));
    __asm__ volatile("vld2.16 {d0[], d1[]}, [%0]\n"
                     "vst1.16 {d0, d1}, [%1]"
                     : : "r"(src + 4), "r"(dst) : "d0", "d1", "memory");
    for (u32 e = 0; e < 4; e++) {
        TEST_EQ("VLD2.16 all lanes, first", half_of(dst, e), half_of(src, 2));
        TEST_EQ("VLD2.16 all lanes, second", half_of(dst, 4 + e), half_of(src, 3));
    }

    /* Post-increment: by the transfer size (!) and by a register. */
    const u8 *p = src;
    u32 step = 5;
    __asm__ volatile("vld1.8 {d0}, [%0]!\n"
                     "vld1.8 {d1}, [%0], %2\n"
                     "vst1.8 {d0, d1}, [%1]"
                     : "+r"(p) : "r"(dst), "r"(step) : "d0", "d1", "memory");
    TEST_EQ("VLD1 [Rn]! then [Rn], Rm: address", addr_of(p), addr_of(src) + 8 + 5);
    TEST_EQ("post-increment loads", dst[0], src[0]);
    TEST_EQ("post-increment loads", dst[15], src[15]);

    /* An alignment hint the address does not meet: alignment fault (DFSR FS 0x01). */
    exc_set_hook(EXC_DABORT, hook_dabort);
    ab.count = 0;
    __asm__ volatile("vld1.32 {d0}, [%0:64]" : : "r"(src + 4) : "d0", "memory");
    TEST_EQ("VLD1 :64 on a 4-byte aligned address faults", ab.count, 1);
    TEST_EQ("alignment fault DFSR", ab.dfsr & 0x3f0fu, FS_ALIGN);
    TEST_EQ("alignment fault DFAR", ab.dfar, addr_of(src + 4));
    exc_set_hook(EXC_DABORT, 0);
    printf("11. VLD2/3/4 de-interleave, VST2/3 interleave, lanes, writeback, alignment: ok\n");
}

/* ---- 12. Polynomial multiplication ---------------------------------------------------------- */

static u32 clmul8(u32 a, u32 b)
{
    u32 r = 0;

    for (u32 i = 0; i < 8; i++)
        if (b & (1u << i))
            r ^= a << i;
    return r;
}

static void test_poly(void)
{
    static const u8 pa[8] = { 0xff, 0x80, 0x13, 0x01, 0xa5, 0x00, 0x57, 0xc3 };
    static const u8 pb[8] = { 0xff, 0x80, 0x57, 0xcd, 0x5a, 0x77, 0x83, 0x3c };
    u16 out[8];

    for (u32 i = 0; i < 16; i++) {
        na[i] = pa[i % 8] ^ (u8)(i >= 8 ? 0x29 : 0);
        nb[i] = pb[i % 8] ^ (u8)(i >= 8 ? 0x94 : 0);
    }
    neon_mull_p8(out);
    TEST_EQ("VMULL.P8 0xff * 0xff", out[0], 0x5555);
    TEST_EQ("VMULL.P8 0x80 * 0x80", out[1], 0x4000);
    for (u32 i = 0; i < 8; i++)
        TEST_EQ("VMULL.P8 carry-less product", out[i], clmul8(na[i], nb[i]));
    neon_mul_p8();
    for (u32 i = 0; i < 16; i++)
        TEST_EQ("VMUL.P8 low 8 bits", nr[i], clmul8(na[i], nb[i]) & 0xff);
    printf("12. VMULL.P8 / VMUL.P8 carry-less products: ok\n");
}

int main(void)
{
    printf("vfp_neon: VFPv4 and NEON on %s\n", BOARD_NAME);
    test_enable();
    test_ids();
    test_arith();
    test_exceptions();
    test_denormals();
    test_rounding();
    test_compare();
    test_convert();
    test_neon_int();
    test_neon_float();
    test_structures();
    test_poly();
    test_pass();
}
