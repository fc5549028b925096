/*
 * ARM floating-point semantics on host IEEE arithmetic (see fpu_ops.h).
 * Pseudocode names are those of the ARM ARM (DDI 0406C) appendix D and
 * A2.7: FPUnpack, FPProcessNaN(s), FPRound, FPToFixed, FixedToFP,
 * FPRecipEstimate, FPRSqrtEstimate.
 *
 * Host rounding and flags: on x86-64 the SSE control/status register is
 * set around each operation (one ldmxcsr/stmxcsr pair, much cheaper than
 * fenv.h's x87+SSE round trip); other hosts use fenv.h. Operands pass
 * through volatile variables so the compiler keeps the arithmetic
 * between the mode switch and the flag read (the project does not build
 * with -frounding-math).
 */
#include "cpu/fpu_ops.h"

#include <math.h>
#include <string.h>

#if defined(__x86_64__) || (defined(__i386__) && defined(__SSE2_MATH__))
#include <xmmintrin.h>
#define FPU_HOST_MXCSR 1
#else
#include <fenv.h>
#endif

/* ---- host environment ---- */

#ifdef FPU_HOST_MXCSR
/* MXCSR: exception flags in bits 5:0 (IE DE ZE OE UE PE), all exceptions
 * masked (12:7), rounding control in 14:13, DAZ and FTZ off. */
#define MXCSR_BASE 0x1f80u
static const unsigned mxcsr_rounding[4] = {
    [FP_ROUND_NEAREST] = 0x0000u,
    [FP_ROUND_PLUS_INF] = 0x4000u,
    [FP_ROUND_MINUS_INF] = 0x2000u,
    [FP_ROUND_ZERO] = 0x6000u,
};

static inline unsigned host_begin(unsigned rmode)
{
    unsigned saved = _mm_getcsr();
    _mm_setcsr(MXCSR_BASE | mxcsr_rounding[rmode & 3]);
    return saved;
}

static inline uint32_t host_end(unsigned saved)
{
    unsigned csr = _mm_getcsr();
    _mm_setcsr(saved);
    uint32_t flags = 0;
    if (csr & 0x01u)
        flags |= FPSCR_IOC;
    if (csr & 0x04u)
        flags |= FPSCR_DZC;
    if (csr & 0x08u)
        flags |= FPSCR_OFC;
    if (csr & 0x10u)
        flags |= FPSCR_UFC;
    if (csr & 0x20u)
        flags |= FPSCR_IXC;
    return flags;
}
#else
static const int fenv_rounding[4] = {
    [FP_ROUND_NEAREST] = FE_TONEAREST,
    [FP_ROUND_PLUS_INF] = FE_UPWARD,
    [FP_ROUND_MINUS_INF] = FE_DOWNWARD,
    [FP_ROUND_ZERO] = FE_TOWARDZERO,
};

static inline unsigned host_begin(unsigned rmode)
{
    unsigned saved = (unsigned)fegetround();
    fesetround(fenv_rounding[rmode & 3]);
    feclearexcept(FE_ALL_EXCEPT);
    return saved;
}

static inline uint32_t host_end(unsigned saved)
{
    int ex = fetestexcept(FE_ALL_EXCEPT);
    fesetround((int)saved);
    uint32_t flags = 0;
    if (ex & FE_INVALID)
        flags |= FPSCR_IOC;
    if (ex & FE_DIVBYZERO)
        flags |= FPSCR_DZC;
    if (ex & FE_OVERFLOW)
        flags |= FPSCR_OFC;
    if (ex & FE_UNDERFLOW)
        flags |= FPSCR_UFC;
    if (ex & FE_INEXACT)
        flags |= FPSCR_IXC;
    return flags;
}
#endif

static inline unsigned rmode_of(const struct fp_status *st)
{
    return (st->fpscr & FPSCR_RMODE_MASK) >> FPSCR_RMODE_SHIFT;
}

static inline float f32_val(uint32_t bits)
{
    float f;
    memcpy(&f, &bits, 4);
    return f;
}

static inline uint32_t f32_bits(float f)
{
    uint32_t bits;
    memcpy(&bits, &f, 4);
    return bits;
}

static inline double f64_val(uint64_t bits)
{
    double d;
    memcpy(&d, &bits, 8);
    return d;
}

static inline uint64_t f64_bits(double d)
{
    uint64_t bits;
    memcpy(&bits, &d, 8);
    return bits;
}

enum host_op { HOST_ADD, HOST_SUB, HOST_MUL, HOST_DIV, HOST_SQRT, HOST_FMA };

static uint32_t host_f32(enum host_op op, uint32_t a, uint32_t b, uint32_t c, unsigned rmode,
                         uint32_t *flags)
{
    volatile float va = f32_val(a), vb = f32_val(b), vc = f32_val(c);
    volatile float vr;
    unsigned saved = host_begin(rmode);
    switch (op) {
    case HOST_ADD: vr = va + vb; break;
    case HOST_SUB: vr = va - vb; break;
    case HOST_MUL: vr = va * vb; break;
    case HOST_DIV: vr = va / vb; break;
    case HOST_SQRT: vr = sqrtf(va); break;
    default: vr = fmaf(va, vb, vc); break;
    }
    *flags = host_end(saved);
    return f32_bits(vr);
}

static uint64_t host_f64(enum host_op op, uint64_t a, uint64_t b, uint64_t c, unsigned rmode,
                         uint32_t *flags)
{
    volatile double va = f64_val(a), vb = f64_val(b), vc = f64_val(c);
    volatile double vr;
    unsigned saved = host_begin(rmode);
    switch (op) {
    case HOST_ADD: vr = va + vb; break;
    case HOST_SUB: vr = va - vb; break;
    case HOST_MUL: vr = va * vb; break;
    case HOST_DIV: vr = va / vb; break;
    case HOST_SQRT: vr = sqrt(va); break;
    default: vr = fma(va, vb, vc); break;
    }
    *flags = host_end(saved);
    return f64_bits(vr);
}

/* double -> float with the given rounding (FPRound to single). */
static uint32_t host_f64_to_f32(double d, unsigned rmode, uint32_t *flags)
{
    volatile double vd = d;
    volatile float vr;
    unsigned saved = host_begin(rmode);
    vr = (float)vd;
    *flags = host_end(saved);
    return f32_bits(vr);
}

/* ---- classification, FPUnpack's flush, NaN processing ---- */

#define F32_SIGN 0x80000000u
#define F32_EXP 0x7f800000u
#define F32_FRAC 0x007fffffu
#define F32_QUIET 0x00400000u
#define F32_MIN_NORMAL 0x00800000u
#define F64_SIGN 0x8000000000000000ull
#define F64_EXP 0x7ff0000000000000ull
#define F64_FRAC 0x000fffffffffffffull
#define F64_QUIET 0x0008000000000000ull
#define F64_MIN_NORMAL 0x0010000000000000ull

static inline bool f32_is_snan(uint32_t a)
{
    return fp32_is_nan(a) && !(a & F32_QUIET);
}

static inline bool f64_is_snan(uint64_t a)
{
    return fp64_is_nan(a) && !(a & F64_QUIET);
}

static inline bool f32_is_inf(uint32_t a) { return (a & ~F32_SIGN) == F32_EXP; }
static inline bool f64_is_inf(uint64_t a) { return (a & ~F64_SIGN) == F64_EXP; }
static inline bool f32_is_zero(uint32_t a) { return (a & ~F32_SIGN) == 0; }
static inline bool f64_is_zero(uint64_t a) { return (a & ~F64_SIGN) == 0; }

/* FPUnpack with FPSCR.FZ: a denormal operand reads as a signed zero. */
static inline uint32_t f32_flush_in(uint32_t a, struct fp_status *st)
{
    if ((st->fpscr & FPSCR_FZ) && !(a & F32_EXP) && (a & F32_FRAC)) {
        st->flags |= FPSCR_IDC;
        return a & F32_SIGN;
    }
    return a;
}

static inline uint64_t f64_flush_in(uint64_t a, struct fp_status *st)
{
    if ((st->fpscr & FPSCR_FZ) && !(a & F64_EXP) && (a & F64_FRAC)) {
        st->flags |= FPSCR_IDC;
        return a & F64_SIGN;
    }
    return a;
}

/* FPProcessNaN: quieten (Invalid Operation for a signalling NaN), or the
 * default NaN in DN mode. */
static uint32_t f32_process_nan(uint32_t a, struct fp_status *st)
{
    if (f32_is_snan(a))
        st->flags |= FPSCR_IOC;
    if (st->fpscr & FPSCR_DN)
        return FP32_DEFAULT_NAN;
    return a | F32_QUIET;
}

static uint64_t f64_process_nan(uint64_t a, struct fp_status *st)
{
    if (f64_is_snan(a))
        st->flags |= FPSCR_IOC;
    if (st->fpscr & FPSCR_DN)
        return FP64_DEFAULT_NAN;
    return a | F64_QUIET;
}

/* FPProcessNaNs: the first signalling NaN wins, then the first quiet one.
 * Only called when at least one operand is a NaN. */
static uint32_t f32_process_nans(uint32_t a, uint32_t b, struct fp_status *st)
{
    if (f32_is_snan(a))
        return f32_process_nan(a, st);
    if (f32_is_snan(b))
        return f32_process_nan(b, st);
    return f32_process_nan(fp32_is_nan(a) ? a : b, st);
}

static uint64_t f64_process_nans(uint64_t a, uint64_t b, struct fp_status *st)
{
    if (f64_is_snan(a))
        return f64_process_nan(a, st);
    if (f64_is_snan(b))
        return f64_process_nan(b, st);
    return f64_process_nan(fp64_is_nan(a) ? a : b, st);
}

/* FPProcessNaNs3 (fused multiply-add: addend first). */
static uint32_t f32_process_nans3(uint32_t a, uint32_t b, uint32_t c, struct fp_status *st)
{
    if (f32_is_snan(a))
        return f32_process_nan(a, st);
    if (f32_is_snan(b))
        return f32_process_nan(b, st);
    if (f32_is_snan(c))
        return f32_process_nan(c, st);
    if (fp32_is_nan(a))
        return f32_process_nan(a, st);
    return f32_process_nan(fp32_is_nan(b) ? b : c, st);
}

static uint64_t f64_process_nans3(uint64_t a, uint64_t b, uint64_t c, struct fp_status *st)
{
    if (f64_is_snan(a))
        return f64_process_nan(a, st);
    if (f64_is_snan(b))
        return f64_process_nan(b, st);
    if (f64_is_snan(c))
        return f64_process_nan(c, st);
    if (fp64_is_nan(a))
        return f64_process_nan(a, st);
    return f64_process_nan(fp64_is_nan(b) ? b : c, st);
}

/*
 * FPRound's tail on a host result r (hflags: what the host raised).
 * `below_min` tells, for a result rounded to exactly the smallest normal
 * with an inexact flag, whether the exact value was below it (ARM detects
 * tininess before rounding). A NaN out of the host is an invalid
 * operation: ARM's default NaN. With FZ, a tiny result becomes zero with
 * only Underflow raised.
 */
static uint32_t f32_finish(uint32_t r, uint32_t hflags, bool below_min, struct fp_status *st)
{
    if (fp32_is_nan(r)) {
        st->flags |= hflags;
        return FP32_DEFAULT_NAN;
    }
    uint32_t mag = r & ~F32_SIGN;
    bool inexact = hflags & FPSCR_IXC;
    bool tiny = (mag < F32_MIN_NORMAL && (mag != 0 || inexact)) || below_min;
    if (tiny) {
        if (st->fpscr & FPSCR_FZ) {
            st->flags |= FPSCR_UFC | (hflags & (FPSCR_IOC | FPSCR_DZC));
            return r & F32_SIGN;
        }
        if (inexact)
            hflags |= FPSCR_UFC;
    }
    st->flags |= hflags;
    return r;
}

static uint64_t f64_finish(uint64_t r, uint32_t hflags, bool below_min, struct fp_status *st)
{
    if (fp64_is_nan(r)) {
        st->flags |= hflags;
        return FP64_DEFAULT_NAN;
    }
    uint64_t mag = r & ~F64_SIGN;
    bool inexact = hflags & FPSCR_IXC;
    bool tiny = (mag < F64_MIN_NORMAL && (mag != 0 || inexact)) || below_min;
    if (tiny) {
        if (st->fpscr & FPSCR_FZ) {
            st->flags |= FPSCR_UFC | (hflags & (FPSCR_IOC | FPSCR_DZC));
            return r & F64_SIGN;
        }
        if (inexact)
            hflags |= FPSCR_UFC;
    }
    st->flags |= hflags;
    return r;
}

/* True when the host result needs the exact tininess check. */
static inline bool f32_at_min_inexact(uint32_t r, uint32_t hflags)
{
    return (r & ~F32_SIGN) == F32_MIN_NORMAL && (hflags & FPSCR_IXC);
}

static inline bool f64_at_min_inexact(uint64_t r, uint32_t hflags)
{
    return (r & ~F64_SIGN) == F64_MIN_NORMAL && (hflags & FPSCR_IXC);
}

/*
 * Tininess before rounding for a host result that rounded to exactly the
 * smallest normal with an inexact flag: the exact value was below it iff
 * rounding it towards zero gives less than the smallest normal (rounding
 * is monotonic and the smallest normal is representable).
 */
static bool f32_below_min(enum host_op op, uint32_t a, uint32_t b, uint32_t c)
{
    uint32_t ignored;
    return (host_f32(op, a, b, c, FP_ROUND_ZERO, &ignored) & ~F32_SIGN) < F32_MIN_NORMAL;
}

static bool f64_below_min(enum host_op op, uint64_t a, uint64_t b, uint64_t c)
{
    uint32_t ignored;
    return (host_f64(op, a, b, c, FP_ROUND_ZERO, &ignored) & ~F64_SIGN) < F64_MIN_NORMAL;
}

/* ---- arithmetic ---- */

static uint32_t f32_binop(enum host_op op, uint32_t a, uint32_t b, struct fp_status *st)
{
    a = f32_flush_in(a, st);
    b = f32_flush_in(b, st);
    if (fp32_is_nan(a) || fp32_is_nan(b))
        return f32_process_nans(a, b, st);
    uint32_t hflags;
    uint32_t r = host_f32(op, a, b, 0, rmode_of(st), &hflags);
    bool below = f32_at_min_inexact(r, hflags) && f32_below_min(op, a, b, 0);
    return f32_finish(r, hflags, below, st);
}

static uint64_t f64_binop(enum host_op op, uint64_t a, uint64_t b, struct fp_status *st)
{
    a = f64_flush_in(a, st);
    b = f64_flush_in(b, st);
    if (fp64_is_nan(a) || fp64_is_nan(b))
        return f64_process_nans(a, b, st);
    uint32_t hflags;
    uint64_t r = host_f64(op, a, b, 0, rmode_of(st), &hflags);
    bool below = f64_at_min_inexact(r, hflags) && f64_below_min(op, a, b, 0);
    return f64_finish(r, hflags, below, st);
}

uint32_t fp32_add(uint32_t a, uint32_t b, struct fp_status *st)
{
    return f32_binop(HOST_ADD, a, b, st);
}

uint32_t fp32_sub(uint32_t a, uint32_t b, struct fp_status *st)
{
    return f32_binop(HOST_SUB, a, b, st);
}

uint32_t fp32_mul(uint32_t a, uint32_t b, struct fp_status *st)
{
    return f32_binop(HOST_MUL, a, b, st);
}

uint32_t fp32_div(uint32_t a, uint32_t b, struct fp_status *st)
{
    return f32_binop(HOST_DIV, a, b, st);
}

uint64_t fp64_add(uint64_t a, uint64_t b, struct fp_status *st)
{
    return f64_binop(HOST_ADD, a, b, st);
}

uint64_t fp64_sub(uint64_t a, uint64_t b, struct fp_status *st)
{
    return f64_binop(HOST_SUB, a, b, st);
}

uint64_t fp64_mul(uint64_t a, uint64_t b, struct fp_status *st)
{
    return f64_binop(HOST_MUL, a, b, st);
}

uint64_t fp64_div(uint64_t a, uint64_t b, struct fp_status *st)
{
    return f64_binop(HOST_DIV, a, b, st);
}

/* FPSqrt: a square root is never tiny; negative non-zero is invalid (the
 * host says so and returns a NaN, which f32_finish makes the default). */
uint32_t fp32_sqrt(uint32_t a, struct fp_status *st)
{
    a = f32_flush_in(a, st);
    if (fp32_is_nan(a))
        return f32_process_nan(a, st);
    uint32_t hflags;
    uint32_t r = host_f32(HOST_SQRT, a, 0, 0, rmode_of(st), &hflags);
    return f32_finish(r, hflags, false, st);
}

uint64_t fp64_sqrt(uint64_t a, struct fp_status *st)
{
    a = f64_flush_in(a, st);
    if (fp64_is_nan(a))
        return f64_process_nan(a, st);
    uint32_t hflags;
    uint64_t r = host_f64(HOST_SQRT, a, 0, 0, rmode_of(st), &hflags);
    return f64_finish(r, hflags, false, st);
}

/*
 * FPMulAdd (VFPv4): NaNs by FPProcessNaNs3 with the addend first, except
 * that a quiet NaN addend with infinity * zero is an invalid operation
 * giving the default NaN.
 */
uint32_t fp32_muladd(uint32_t addend, uint32_t op1, uint32_t op2, struct fp_status *st)
{
    addend = f32_flush_in(addend, st);
    op1 = f32_flush_in(op1, st);
    op2 = f32_flush_in(op2, st);
    bool inf_zero = (f32_is_inf(op1) && f32_is_zero(op2)) ||
                    (f32_is_zero(op1) && f32_is_inf(op2));
    if (fp32_is_nan(addend) || fp32_is_nan(op1) || fp32_is_nan(op2)) {
        uint32_t r = f32_process_nans3(addend, op1, op2, st);
        if (inf_zero && !f32_is_snan(addend)) {
            st->flags |= FPSCR_IOC;
            return FP32_DEFAULT_NAN;
        }
        return r;
    }
    uint32_t hflags;
    uint32_t r = host_f32(HOST_FMA, op1, op2, addend, rmode_of(st), &hflags);
    bool below = f32_at_min_inexact(r, hflags) && f32_below_min(HOST_FMA, op1, op2, addend);
    return f32_finish(r, hflags, below, st);
}

uint64_t fp64_muladd(uint64_t addend, uint64_t op1, uint64_t op2, struct fp_status *st)
{
    addend = f64_flush_in(addend, st);
    op1 = f64_flush_in(op1, st);
    op2 = f64_flush_in(op2, st);
    bool inf_zero = (f64_is_inf(op1) && f64_is_zero(op2)) ||
                    (f64_is_zero(op1) && f64_is_inf(op2));
    if (fp64_is_nan(addend) || fp64_is_nan(op1) || fp64_is_nan(op2)) {
        uint64_t r = f64_process_nans3(addend, op1, op2, st);
        if (inf_zero && !f64_is_snan(addend)) {
            st->flags |= FPSCR_IOC;
            return FP64_DEFAULT_NAN;
        }
        return r;
    }
    uint32_t hflags;
    uint64_t r = host_f64(HOST_FMA, op1, op2, addend, rmode_of(st), &hflags);
    bool below = f64_at_min_inexact(r, hflags) && f64_below_min(HOST_FMA, op1, op2, addend);
    return f64_finish(r, hflags, below, st);
}

/* ---- comparisons ---- */

static unsigned compare_values(double x, double y)
{
    if (x == y)
        return 0x6;
    return x < y ? 0x8 : 0x2;
}

unsigned fp32_compare(uint32_t a, uint32_t b, bool signal_nans, struct fp_status *st)
{
    a = f32_flush_in(a, st);
    b = f32_flush_in(b, st);
    if (fp32_is_nan(a) || fp32_is_nan(b)) {
        if (signal_nans || f32_is_snan(a) || f32_is_snan(b))
            st->flags |= FPSCR_IOC;
        return 0x3;
    }
    return compare_values(f32_val(a), f32_val(b));
}

unsigned fp64_compare(uint64_t a, uint64_t b, bool signal_nans, struct fp_status *st)
{
    a = f64_flush_in(a, st);
    b = f64_flush_in(b, st);
    if (fp64_is_nan(a) || fp64_is_nan(b)) {
        if (signal_nans || f64_is_snan(a) || f64_is_snan(b))
            st->flags |= FPSCR_IOC;
        return 0x3;
    }
    return compare_values(f64_val(a), f64_val(b));
}

/* FPCompareEQ: quiet (only a signalling NaN is invalid). */
bool fp32_compare_eq(uint32_t a, uint32_t b, struct fp_status *st)
{
    return fp32_compare(a, b, false, st) == 0x6;
}

/* FPCompareGE/GT: every NaN is an invalid operation. */
bool fp32_compare_ge(uint32_t a, uint32_t b, struct fp_status *st)
{
    unsigned nzcv = fp32_compare(a, b, true, st);
    return nzcv == 0x6 || nzcv == 0x2;
}

bool fp32_compare_gt(uint32_t a, uint32_t b, struct fp_status *st)
{
    return fp32_compare(a, b, true, st) == 0x2;
}

/* FPMax/FPMin: of two zeros the most positive / negative sign wins. */
uint32_t fp32_max(uint32_t a, uint32_t b, struct fp_status *st)
{
    a = f32_flush_in(a, st);
    b = f32_flush_in(b, st);
    if (fp32_is_nan(a) || fp32_is_nan(b))
        return f32_process_nans(a, b, st);
    if (f32_is_zero(a) && f32_is_zero(b))
        return a & b;
    return f32_val(a) > f32_val(b) ? a : b;
}

uint32_t fp32_min(uint32_t a, uint32_t b, struct fp_status *st)
{
    a = f32_flush_in(a, st);
    b = f32_flush_in(b, st);
    if (fp32_is_nan(a) || fp32_is_nan(b))
        return f32_process_nans(a, b, st);
    if (f32_is_zero(a) && f32_is_zero(b))
        return a | b;
    return f32_val(a) < f32_val(b) ? a : b;
}

/* ---- reciprocal and reciprocal square root estimates ---- */

/*
 * The RecipEstimate() / RecipSqrtEstimate() pseudocode of VRECPE and
 * VRSQRTE, in the integer form of the ARMv8 pseudocode (it computes the
 * same table as ARMv7's description in doubles). a is a 9-bit fixed-point
 * fraction in units of 1/512: 256..511 is 0.5 <= x < 1 (128..255 is
 * 0.25 <= x < 0.5, square root only). The estimate r, 256..511, means
 * r / 256: the callers keep its low 8 bits as the result's fraction.
 */
static unsigned recip_estimate(unsigned a)
{
    a = a * 2 + 1;
    unsigned b = (1u << 19) / a;
    return (b + 1) / 2;
}

static unsigned rsqrt_estimate(unsigned a)
{
    if (a < 256) {
        a = a * 2 + 1;
    } else {
        a = (a >> 1) << 1;
        a = (a + 1) * 2;
    }
    unsigned b = 512;
    while (a * (b + 1) * (b + 1) < (1u << 28))
        b++;
    return (b + 1) / 2;
}

/* FPRecipEstimate for single precision (Advanced SIMD, standard FPSCR). */
uint32_t fp32_recip_estimate(uint32_t a, struct fp_status *st)
{
    a = f32_flush_in(a, st);
    uint32_t sign = a & F32_SIGN;
    if (fp32_is_nan(a))
        return f32_process_nan(a, st);
    if (f32_is_inf(a))
        return sign;
    if (f32_is_zero(a)) {
        st->flags |= FPSCR_DZC;
        return sign | F32_EXP;
    }
    unsigned exp = (a >> 23) & 0xff;
    if (exp >= 253) {
        /* |a| >= 2^126: the reciprocal underflows (flushed with FZ). */
        st->flags |= FPSCR_UFC;
        return sign;
    }
    unsigned est = recip_estimate(256 | ((a & F32_FRAC) >> 15));
    uint32_t result_exp = 253 - exp;
    return sign | result_exp << 23 | (est & 0xff) << 15;
}

uint32_t fp32_rsqrt_estimate(uint32_t a, struct fp_status *st)
{
    a = f32_flush_in(a, st);
    if (fp32_is_nan(a))
        return f32_process_nan(a, st);
    if (f32_is_zero(a)) {
        st->flags |= FPSCR_DZC;
        return (a & F32_SIGN) | F32_EXP;
    }
    if (a & F32_SIGN) {
        st->flags |= FPSCR_IOC;
        return FP32_DEFAULT_NAN;
    }
    if (f32_is_inf(a))
        return 0;
    unsigned exp = (a >> 23) & 0xff;
    unsigned frac9 = 256 | ((a & F32_FRAC) >> 15);
    /* Even biased exponent: 0.5 <= x < 1; odd: 0.25 <= x < 0.5. */
    unsigned scaled = (exp & 1) ? frac9 >> 1 : frac9;
    unsigned est = rsqrt_estimate(scaled);
    uint32_t result_exp = (380 - exp) / 2;
    return result_exp << 23 | (est & 0xff) << 15;
}

uint32_t u32_recip_estimate(uint32_t a)
{
    if (!(a & 0x80000000u))
        return 0xffffffffu;
    return recip_estimate(a >> 23) << 23;
}

uint32_t u32_rsqrt_estimate(uint32_t a)
{
    if (!(a & 0xc0000000u))
        return 0xffffffffu;
    return rsqrt_estimate(a >> 23) << 23;
}

/*
 * FPRecipStep (VRECPS): 2 - a * b, with infinity * zero giving 2.0; the
 * ARMv7 step rounds the product and the difference separately.
 */
uint32_t fp32_recip_step(uint32_t a, uint32_t b, struct fp_status *st)
{
    a = f32_flush_in(a, st);
    b = f32_flush_in(b, st);
    if (fp32_is_nan(a) || fp32_is_nan(b))
        return f32_process_nans(a, b, st);
    if ((f32_is_inf(a) && f32_is_zero(b)) || (f32_is_zero(a) && f32_is_inf(b)))
        return 0x40000000u;   /* 2.0 */
    return fp32_sub(0x40000000u, fp32_mul(a, b, st), st);
}

/* FPRSqrtStep (VRSQRTS): (3 - a * b) / 2, infinity * zero giving 1.5. */
uint32_t fp32_rsqrt_step(uint32_t a, uint32_t b, struct fp_status *st)
{
    a = f32_flush_in(a, st);
    b = f32_flush_in(b, st);
    if (fp32_is_nan(a) || fp32_is_nan(b))
        return f32_process_nans(a, b, st);
    if ((f32_is_inf(a) && f32_is_zero(b)) || (f32_is_zero(a) && f32_is_inf(b)))
        return 0x3fc00000u;   /* 1.5 */
    uint32_t diff = fp32_sub(0x40400000u, fp32_mul(a, b, st), st);
    return fp32_div(diff, 0x40000000u, st);
}

/* ---- fixed point and integer conversions ---- */

/*
 * FPToFixed on an exact (non-NaN) value: scale, round to an integer with
 * rmode, saturate. Saturation is an Invalid Operation (and then not
 * Inexact).
 */
static uint32_t double_to_fixed(double x, unsigned bits, unsigned fbits, bool is_unsigned,
                                unsigned rmode, struct fp_status *st)
{
    double scaled = ldexp(x, (int)fbits);
    double t = trunc(scaled);
    double frac = isinf(scaled) ? 0.0 : scaled - t;   /* exact */
    switch (rmode & 3) {
    case FP_ROUND_NEAREST:
        if (fabs(frac) > 0.5 || (fabs(frac) == 0.5 && fmod(t, 2.0) != 0))
            t += scaled < 0 ? -1.0 : 1.0;
        break;
    case FP_ROUND_PLUS_INF:
        if (frac > 0)
            t += 1.0;
        break;
    case FP_ROUND_MINUS_INF:
        if (frac < 0)
            t -= 1.0;
        break;
    default:
        break;
    }
    double lo = is_unsigned ? 0.0 : -ldexp(1.0, (int)bits - 1);
    double hi = is_unsigned ? ldexp(1.0, (int)bits) - 1.0 : ldexp(1.0, (int)bits - 1) - 1.0;
    if (t > hi) {
        st->flags |= FPSCR_IOC;
        t = hi;
    } else if (t < lo) {
        st->flags |= FPSCR_IOC;
        t = lo;
    } else if (frac != 0) {
        st->flags |= FPSCR_IXC;
    }
    return (uint32_t)(int64_t)t;
}

uint32_t fp32_to_fixed(uint32_t a, unsigned bits, unsigned fbits, bool is_unsigned,
                       unsigned rmode, struct fp_status *st)
{
    a = f32_flush_in(a, st);
    if (fp32_is_nan(a)) {
        st->flags |= FPSCR_IOC;
        return 0;
    }
    return double_to_fixed(f32_val(a), bits, fbits, is_unsigned, rmode, st);
}

uint32_t fp64_to_fixed(uint64_t a, unsigned bits, unsigned fbits, bool is_unsigned,
                       unsigned rmode, struct fp_status *st)
{
    a = f64_flush_in(a, st);
    if (fp64_is_nan(a)) {
        st->flags |= FPSCR_IOC;
        return 0;
    }
    return double_to_fixed(f64_val(a), bits, fbits, is_unsigned, rmode, st);
}

/* FixedToFP: the scaled value is exact in double (|value| < 2^32), so
 * single precision rounds once and double precision not at all. */
uint32_t fp32_from_fixed(int64_t value, unsigned fbits, struct fp_status *st)
{
    uint32_t hflags;
    uint32_t r = host_f64_to_f32(ldexp((double)value, -(int)fbits), rmode_of(st), &hflags);
    st->flags |= hflags & FPSCR_IXC;
    return r;
}

uint64_t fp64_from_fixed(int64_t value, unsigned fbits, struct fp_status *st)
{
    (void)st;
    return f64_bits(ldexp((double)value, -(int)fbits));
}

/* ---- precision conversions ---- */

uint64_t fp32_to_fp64(uint32_t a, struct fp_status *st)
{
    a = f32_flush_in(a, st);
    if (fp32_is_nan(a)) {
        if (f32_is_snan(a))
            st->flags |= FPSCR_IOC;
        if (st->fpscr & FPSCR_DN)
            return FP64_DEFAULT_NAN;
        return (uint64_t)(a & F32_SIGN) << 32 | F64_EXP | F64_QUIET |
               (uint64_t)(a & (F32_FRAC >> 1)) << 29;
    }
    return f64_bits((double)f32_val(a));
}

uint32_t fp64_to_fp32(uint64_t a, struct fp_status *st)
{
    a = f64_flush_in(a, st);
    if (fp64_is_nan(a)) {
        if (f64_is_snan(a))
            st->flags |= FPSCR_IOC;
        if (st->fpscr & FPSCR_DN)
            return FP32_DEFAULT_NAN;
        return ((uint32_t)(a >> 32) & F32_SIGN) | F32_EXP | F32_QUIET |
               (uint32_t)((a & (F64_FRAC >> 1)) >> 29);
    }
    double d = f64_val(a);
    uint32_t hflags;
    uint32_t r = host_f64_to_f32(d, rmode_of(st), &hflags);
    bool below = f32_at_min_inexact(r, hflags) && fabs(d) < 0x1p-126;
    return f32_finish(r, hflags, below, st);
}

/*
 * Shifts m right by `shift` rounding per rmode (sign: the value's sign);
 * sets *inexact when bits were lost.
 */
static uint64_t round_shift(uint64_t m, unsigned shift, bool sign, unsigned rmode,
                            bool *inexact)
{
    /* Callers pass m < 2^62: a larger shift only leaves sticky bits. */
    if (shift > 62)
        shift = 62;
    if (shift == 0) {
        *inexact = false;
        return m;
    }
    uint64_t q = m >> shift;
    uint64_t rem = m & ((1ull << shift) - 1);
    uint64_t half = 1ull << (shift - 1);
    *inexact = rem != 0;
    if (!rem)
        return q;
    switch (rmode & 3) {
    case FP_ROUND_NEAREST:
        if (rem > half || (rem == half && (q & 1)))
            q++;
        break;
    case FP_ROUND_PLUS_INF:
        if (!sign)
            q++;
        break;
    case FP_ROUND_MINUS_INF:
        if (sign)
            q++;
        break;
    default:
        break;
    }
    return q;
}

/*
 * FPHalfToSingle: exact. With FPSCR.AHP the format has no infinities or
 * NaNs (exponent 31 is an ordinary exponent). Half-precision inputs are
 * not flushed (ARMv7 FPUnpack flushes single and double only).
 */
uint32_t fp16_to_fp32(uint16_t a, struct fp_status *st)
{
    uint32_t sign = (uint32_t)(a & 0x8000u) << 16;
    unsigned exp = (a >> 10) & 0x1f;
    uint32_t frac = a & 0x3ffu;
    if (exp == 31 && !(st->fpscr & FPSCR_AHP)) {
        if (frac == 0)
            return sign | F32_EXP;
        if (!(frac & 0x200u))
            st->flags |= FPSCR_IOC;
        if (st->fpscr & FPSCR_DN)
            return FP32_DEFAULT_NAN;
        return sign | F32_EXP | F32_QUIET | frac << 13;
    }
    if (exp == 0) {
        if (frac == 0)
            return sign;
        int e = -14;
        while (!(frac & 0x400u)) {
            frac <<= 1;
            e--;
        }
        return sign | (uint32_t)(e + 127) << 23 | (frac & 0x3ffu) << 13;
    }
    return sign | (exp - 15 + 127) << 23 | frac << 13;
}

/* FPSingleToHalf: FPRound to 16 bits (IEEE or AHP format); FZ does not
 * apply to the half-precision result. */
uint16_t fp32_to_fp16(uint32_t a, struct fp_status *st)
{
    bool ahp = st->fpscr & FPSCR_AHP;
    a = f32_flush_in(a, st);
    bool sign = a >> 31;
    uint16_t hsign = (uint16_t)(sign << 15);
    if (fp32_is_nan(a)) {
        if (ahp) {
            st->flags |= FPSCR_IOC;
            return hsign;
        }
        if (f32_is_snan(a))
            st->flags |= FPSCR_IOC;
        if (st->fpscr & FPSCR_DN)
            return FP16_DEFAULT_NAN;
        return hsign | 0x7e00u | (uint16_t)((a & F32_FRAC) >> 13);
    }
    if (f32_is_inf(a)) {
        if (ahp) {
            st->flags |= FPSCR_IOC;
            return hsign | 0x7fffu;
        }
        return hsign | 0x7c00u;
    }
    if (f32_is_zero(a))
        return hsign;

    /* value = m * 2^(e - 23) with m normalised to 24 bits */
    unsigned rmode = rmode_of(st);
    int e = (int)((a >> 23) & 0xff) - 127;
    uint64_t m = a & F32_FRAC;
    if (e == -127) {
        e = -126;
        while (!(m & 0x800000u)) {
            m <<= 1;
            e--;
        }
    } else {
        m |= 0x800000u;
    }
    bool inexact;
    bool tiny = e < -14;
    unsigned shift = tiny ? (unsigned)(13 + (-14 - e)) : 13;
    uint64_t q = round_shift(m, shift, sign, rmode, &inexact);
    uint32_t result;
    if (tiny) {
        /* Denormal (or rounded up into the smallest normal: q = 0x400
         * lands on exponent 1 by itself). */
        result = (uint32_t)q;
    } else {
        int biased = e + 15;
        if (q == 0x800u) {   /* mantissa rounded up to 2.0 */
            q >>= 1;
            biased++;
        }
        int max_biased = ahp ? 31 : 30;
        if (biased > max_biased) {
            if (ahp) {
                st->flags |= FPSCR_IOC;
                return hsign | 0x7fffu;
            }
            st->flags |= FPSCR_OFC | FPSCR_IXC;
            bool to_inf = rmode == FP_ROUND_NEAREST ||
                          (rmode == FP_ROUND_PLUS_INF && !sign) ||
                          (rmode == FP_ROUND_MINUS_INF && sign);
            return hsign | (to_inf ? 0x7c00u : 0x7bffu);
        }
        result = (uint32_t)biased << 10 | (uint32_t)(q & 0x3ffu);
    }
    if (inexact) {
        st->flags |= FPSCR_IXC;
        if (tiny)
            st->flags |= FPSCR_UFC;
    }
    return hsign | (uint16_t)result;
}
