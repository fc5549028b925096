/*
 * Advanced SIMD (NEON) for the Cortex-A9 and Cortex-A15 (ARM ARM DDI
 * 0406C, A7.4 data processing, A7.7 element and structure loads/stores,
 * A8.8 for each instruction's pseudocode).
 *
 * Execution model. Almost every data-processing instruction is "apply a
 * lane function to each element": the decoder picks a handler generated
 * from one lane function and one loop shape, and stores the operands:
 *
 *   rd, rn, rm   D register numbers (D:Vd, N:Vn, M:Vm; Q registers as
 *                their even D number)
 *   shift        size field: elements of 8 << shift bits
 *   flags        NF_Q (two D registers per operand), NF_U (unsigned),
 *                NF_SCALAR (second operand is Dm[imm]), NF_W (wide Vn)
 *   imm          shift amount, fraction bits, scalar index or immediate
 *
 * Loop shapes: elementwise (3-same, 2-reg misc, shift by immediate,
 * scalar), long (D x D -> Q), narrow (Q x Q -> D), pairwise. Lane
 * functions see zero-extended elements and return the (masked) result;
 * saturation sets a context flag that becomes FPSCR.QC, and
 * floating-point lanes use the standard FPSCR value (StandardFPSCRValue():
 * default NaN, flush-to-zero, round to nearest) with exceptions
 * accumulated in the FPSCR.
 *
 * Not implemented (UNDEFINED): the ARMv8 AArch32 additions (VMAXNM,
 * VRINT*, VCVTA..., SHA/AES, VQRDMLAH); polynomial VMULL.P64.
 */
#include "cpu/neon.h"

#include <string.h>

#include "cpu/cpu.h"
#include "cpu/decode.h"
#include "cpu/fpu_ops.h"
#include "cpu/mem.h"
#include "cpu/vfp.h"

#define ALWAYS_INLINE inline __attribute__((always_inline))

/* decoded_insn.flags for data processing */
#define NF_Q      0x01u
#define NF_U      0x02u
#define NF_SCALAR 0x04u
#define NF_W      0x08u

/* Leave the straight-line loop and continue with the next instruction
 * (every NEON encoding is 32 bits; r[15] is insn + 8 in ARM state). */
static int neon_continue_exit(struct arm_cpu *cpu)
{
    if (!cpu->thumb)
        cpu->r[15] -= 4;
    return 1;
}

/* ---- lane helpers ---- */

static inline uint64_t lane_mask(unsigned esize)
{
    return esize >= 64 ? ~0ull : (1ull << esize) - 1;
}

static inline uint64_t lane_get(uint64_t v, unsigned e, unsigned esize)
{
    return esize >= 64 ? v : (v >> (e * esize)) & lane_mask(esize);
}

static inline int64_t sext(uint64_t v, unsigned esize)
{
    if (esize >= 64)
        return (int64_t)v;
    unsigned s = 64 - esize;
    return (int64_t)(v << s) >> s;
}

static inline uint64_t replicate(uint64_t x, unsigned esize)
{
    x &= lane_mask(esize);
    for (; esize < 64; esize *= 2)
        x |= x << esize;
    return x;
}

static inline uint64_t shr_u(uint64_t x, unsigned s)
{
    return s >= 64 ? 0 : x >> s;
}

static inline int64_t shr_s(int64_t x, unsigned s)
{
    return x >> (s >= 64 ? 63 : s);
}

struct lane_ctx {
    unsigned esize;
    bool u;
    bool sat;           /* saturation happened: FPSCR.QC */
    unsigned shift;     /* immediate shift / fraction bits */
    struct fp_status st;
};

typedef uint64_t lane_fn(struct lane_ctx *c, uint64_t d, uint64_t a, uint64_t b);

/* The element as a 64-bit integer, signed unless the U bit is set. */
static inline int64_t lx(const struct lane_ctx *c, uint64_t v)
{
    return c->u ? (int64_t)v : sext(v, c->esize);
}

static inline int64_t smax_of(unsigned esize)
{
    return esize >= 64 ? INT64_MAX : ((int64_t)1 << (esize - 1)) - 1;
}

static inline int64_t smin_of(unsigned esize)
{
    return -smax_of(esize) - 1;
}

/* SignedSatQ / UnsignedSatQ of a value that fits in an int64. */
static uint64_t sat_s(struct lane_ctx *c, int64_t v, unsigned esize)
{
    if (v > smax_of(esize)) {
        c->sat = true;
        return (uint64_t)smax_of(esize);
    }
    if (v < smin_of(esize)) {
        c->sat = true;
        return (uint64_t)smin_of(esize);
    }
    return (uint64_t)v;
}

static uint64_t sat_u(struct lane_ctx *c, int64_t v, unsigned esize)
{
    if (v < 0) {
        c->sat = true;
        return 0;
    }
    if ((uint64_t)v > lane_mask(esize)) {
        c->sat = true;
        return lane_mask(esize);
    }
    return (uint64_t)v;
}

static uint64_t sat_x(struct lane_ctx *c, int64_t v, unsigned esize)
{
    return c->u ? sat_u(c, v, esize) : sat_s(c, v, esize);
}

/* 64-bit saturating add/subtract (the only sizes that do not fit int64). */
static uint64_t qadd64(struct lane_ctx *c, uint64_t a, uint64_t b, bool is_unsigned)
{
    uint64_t r = a + b;
    if (is_unsigned) {
        if (r < a) {
            c->sat = true;
            return ~0ull;
        }
        return r;
    }
    if (((a ^ r) & (b ^ r)) >> 63) {
        c->sat = true;
        return (int64_t)a < 0 ? (uint64_t)INT64_MIN : (uint64_t)INT64_MAX;
    }
    return r;
}

static uint64_t qsub64(struct lane_ctx *c, uint64_t a, uint64_t b, bool is_unsigned)
{
    uint64_t r = a - b;
    if (is_unsigned) {
        if (a < b) {
            c->sat = true;
            return 0;
        }
        return r;
    }
    if (((a ^ b) & (a ^ r)) >> 63) {
        c->sat = true;
        return (int64_t)a < 0 ? (uint64_t)INT64_MIN : (uint64_t)INT64_MAX;
    }
    return r;
}

/* ---- integer lane functions: three registers of the same length ---- */

static uint64_t l_hadd(struct lane_ctx *c, uint64_t d, uint64_t a, uint64_t b)
{
    (void)d;
    return (uint64_t)((lx(c, a) + lx(c, b)) >> 1);
}

static uint64_t l_rhadd(struct lane_ctx *c, uint64_t d, uint64_t a, uint64_t b)
{
    (void)d;
    return (uint64_t)((lx(c, a) + lx(c, b) + 1) >> 1);
}

static uint64_t l_hsub(struct lane_ctx *c, uint64_t d, uint64_t a, uint64_t b)
{
    (void)d;
    return (uint64_t)((lx(c, a) - lx(c, b)) >> 1);
}

static uint64_t l_qadd(struct lane_ctx *c, uint64_t d, uint64_t a, uint64_t b)
{
    (void)d;
    if (c->esize == 64)
        return qadd64(c, a, b, c->u);
    return sat_x(c, lx(c, a) + lx(c, b), c->esize);
}

static uint64_t l_qsub(struct lane_ctx *c, uint64_t d, uint64_t a, uint64_t b)
{
    (void)d;
    if (c->esize == 64)
        return qsub64(c, a, b, c->u);
    return sat_x(c, lx(c, a) - lx(c, b), c->esize);
}

static uint64_t l_cgt(struct lane_ctx *c, uint64_t d, uint64_t a, uint64_t b)
{
    (void)d;
    return lx(c, a) > lx(c, b) ? ~0ull : 0;
}

static uint64_t l_cge(struct lane_ctx *c, uint64_t d, uint64_t a, uint64_t b)
{
    (void)d;
    return lx(c, a) >= lx(c, b) ? ~0ull : 0;
}

/*
 * Register shifts (VSHL, VRSHL, VQSHL, VQRSHL): a is the value (Vm), the
 * signed bottom byte of b (Vn) the shift; negative shifts go right.
 */
static uint64_t shift_right(const struct lane_ctx *c, uint64_t a, unsigned s, bool round)
{
    unsigned es = c->esize;
    if (round && s > es)
        return 0;
    if (c->u) {
        uint64_t r = shr_u(a, s);
        return round ? r + ((a >> (s - 1)) & 1) : r;
    }
    int64_t x = sext(a, es);
    int64_t r = shr_s(x, s);
    return (uint64_t)(round ? r + ((x >> (s - 1)) & 1) : r);
}

static uint64_t sat_shift_left(struct lane_ctx *c, uint64_t a, unsigned s)
{
    unsigned es = c->esize;
    if (c->u) {
        if (a == 0 || s == 0)
            return a;
        if (s >= es || (a >> (es - s)) != 0) {
            c->sat = true;
            return lane_mask(es);
        }
        return a << s;
    }
    int64_t x = sext(a, es);
    if (x == 0 || s == 0)
        return (uint64_t)x;
    if (s >= es) {
        c->sat = true;
        return (uint64_t)(x < 0 ? smin_of(es) : smax_of(es));
    }
    int64_t r = (int64_t)((uint64_t)x << s);
    if ((r >> s) != x || r > smax_of(es) || r < smin_of(es)) {
        c->sat = true;
        return (uint64_t)(x < 0 ? smin_of(es) : smax_of(es));
    }
    return (uint64_t)r;
}

static uint64_t l_shl(struct lane_ctx *c, uint64_t d, uint64_t a, uint64_t b)
{
    (void)d;
    int s = (int8_t)(b & 0xff);
    if (s >= 0)
        return (unsigned)s >= c->esize ? 0 : a << s;
    return shift_right(c, a, (unsigned)-s, false);
}

static uint64_t l_rshl(struct lane_ctx *c, uint64_t d, uint64_t a, uint64_t b)
{
    (void)d;
    int s = (int8_t)(b & 0xff);
    if (s >= 0)
        return (unsigned)s >= c->esize ? 0 : a << s;
    return shift_right(c, a, (unsigned)-s, true);
}

static uint64_t l_qshl(struct lane_ctx *c, uint64_t d, uint64_t a, uint64_t b)
{
    (void)d;
    int s = (int8_t)(b & 0xff);
    if (s >= 0)
        return sat_shift_left(c, a, (unsigned)s);
    return shift_right(c, a, (unsigned)-s, false);
}

static uint64_t l_qrshl(struct lane_ctx *c, uint64_t d, uint64_t a, uint64_t b)
{
    (void)d;
    int s = (int8_t)(b & 0xff);
    if (s >= 0)
        return sat_shift_left(c, a, (unsigned)s);
    return shift_right(c, a, (unsigned)-s, true);
}

static uint64_t l_max(struct lane_ctx *c, uint64_t d, uint64_t a, uint64_t b)
{
    (void)d;
    return lx(c, a) >= lx(c, b) ? a : b;
}

static uint64_t l_min(struct lane_ctx *c, uint64_t d, uint64_t a, uint64_t b)
{
    (void)d;
    return lx(c, a) <= lx(c, b) ? a : b;
}

static uint64_t l_abd(struct lane_ctx *c, uint64_t d, uint64_t a, uint64_t b)
{
    (void)d;
    int64_t diff = lx(c, a) - lx(c, b);
    return (uint64_t)(diff < 0 ? -diff : diff);
}

static uint64_t l_aba(struct lane_ctx *c, uint64_t d, uint64_t a, uint64_t b)
{
    return d + l_abd(c, d, a, b);
}

static uint64_t l_add(struct lane_ctx *c, uint64_t d, uint64_t a, uint64_t b)
{
    (void)c, (void)d;
    return a + b;
}

static uint64_t l_sub(struct lane_ctx *c, uint64_t d, uint64_t a, uint64_t b)
{
    (void)c, (void)d;
    return a - b;
}

static uint64_t l_tst(struct lane_ctx *c, uint64_t d, uint64_t a, uint64_t b)
{
    (void)c, (void)d;
    return (a & b) ? ~0ull : 0;
}

static uint64_t l_ceq(struct lane_ctx *c, uint64_t d, uint64_t a, uint64_t b)
{
    (void)c, (void)d;
    return a == b ? ~0ull : 0;
}

static uint64_t l_mla(struct lane_ctx *c, uint64_t d, uint64_t a, uint64_t b)
{
    (void)c;
    return d + a * b;
}

static uint64_t l_mls(struct lane_ctx *c, uint64_t d, uint64_t a, uint64_t b)
{
    (void)c;
    return d - a * b;
}

static uint64_t l_mul(struct lane_ctx *c, uint64_t d, uint64_t a, uint64_t b)
{
    (void)c, (void)d;
    return a * b;
}

/* Polynomial (carry-less) multiply over GF(2) (A2.8 "Polynomial
 * arithmetic over {0, 1}"): the low esize bits of the product. */
static uint64_t poly_mul(uint64_t a, uint64_t b, unsigned bits)
{
    uint64_t r = 0;
    for (unsigned i = 0; i < bits; i++)
        if ((b >> i) & 1)
            r ^= a << i;
    return r;
}

static uint64_t l_pmul(struct lane_ctx *c, uint64_t d, uint64_t a, uint64_t b)
{
    (void)d;
    return poly_mul(a, b, c->esize);
}

/* VQDMULH / VQRDMULH (16 and 32 bit): high half of 2*a*b, saturating the
 * one overflowing case (most negative squared). */
static uint64_t qdmulh(struct lane_ctx *c, uint64_t a, uint64_t b, bool round)
{
    unsigned es = c->esize;
    int64_t x = sext(a, es), y = sext(b, es);
    if (x == smin_of(es) && y == smin_of(es)) {
        c->sat = true;
        return (uint64_t)smax_of(es);
    }
    int64_t p = 2 * x * y + (round ? (int64_t)1 << (es - 1) : 0);
    return (uint64_t)(p >> es);
}

static uint64_t l_qdmulh(struct lane_ctx *c, uint64_t d, uint64_t a, uint64_t b)
{
    (void)d;
    return qdmulh(c, a, b, false);
}

static uint64_t l_qrdmulh(struct lane_ctx *c, uint64_t d, uint64_t a, uint64_t b)
{
    (void)d;
    return qdmulh(c, a, b, true);
}

/* Bitwise operations run on whole 64-bit registers. */
static uint64_t l_and(struct lane_ctx *c, uint64_t d, uint64_t a, uint64_t b)
{
    (void)c, (void)d;
    return a & b;
}

static uint64_t l_bic(struct lane_ctx *c, uint64_t d, uint64_t a, uint64_t b)
{
    (void)c, (void)d;
    return a & ~b;
}

static uint64_t l_orr(struct lane_ctx *c, uint64_t d, uint64_t a, uint64_t b)
{
    (void)c, (void)d;
    return a | b;
}

static uint64_t l_orn(struct lane_ctx *c, uint64_t d, uint64_t a, uint64_t b)
{
    (void)c, (void)d;
    return a | ~b;
}

static uint64_t l_eor(struct lane_ctx *c, uint64_t d, uint64_t a, uint64_t b)
{
    (void)c, (void)d;
    return a ^ b;
}

/* VBSL: d selects between n (1) and m (0); VBIT inserts n where m is 1;
 * VBIF inserts n where m is 0. */
static uint64_t l_bsl(struct lane_ctx *c, uint64_t d, uint64_t a, uint64_t b)
{
    (void)c;
    return (a & d) | (b & ~d);
}

static uint64_t l_bit(struct lane_ctx *c, uint64_t d, uint64_t a, uint64_t b)
{
    (void)c;
    return (a & b) | (d & ~b);
}

static uint64_t l_bif(struct lane_ctx *c, uint64_t d, uint64_t a, uint64_t b)
{
    (void)c;
    return (d & b) | (a & ~b);
}

static uint64_t l_mvn(struct lane_ctx *c, uint64_t d, uint64_t a, uint64_t b)
{
    (void)c, (void)d, (void)b;
    return ~a;
}

/* ---- floating-point lane functions (single precision) ---- */

#define FP_LANE(name, expr)                                                          \
    static uint64_t name(struct lane_ctx *c, uint64_t d, uint64_t a, uint64_t b)     \
    {                                                                                \
        uint32_t fd = (uint32_t)d, fa = (uint32_t)a, fb = (uint32_t)b;               \
        (void)c, (void)fd, (void)fa, (void)fb;                                       \
        return (expr);                                                               \
    }

#define ST (&c->st)
#define MASK_IF(cond) ((cond) ? 0xffffffffu : 0u)

FP_LANE(l_fadd, fp32_add(fa, fb, ST))
FP_LANE(l_fsub, fp32_sub(fa, fb, ST))
FP_LANE(l_fabd, fp32_abs(fp32_sub(fa, fb, ST)))
FP_LANE(l_fmul, fp32_mul(fa, fb, ST))
FP_LANE(l_fmla, fp32_add(fd, fp32_mul(fa, fb, ST), ST))
FP_LANE(l_fmls, fp32_add(fd, fp32_neg(fp32_mul(fa, fb, ST)), ST))
FP_LANE(l_fma, fp32_muladd(fd, fa, fb, ST))
FP_LANE(l_fms, fp32_muladd(fd, fp32_neg(fa), fb, ST))
FP_LANE(l_fceq, MASK_IF(fp32_compare_eq(fa, fb, ST)))
FP_LANE(l_fcge, MASK_IF(fp32_compare_ge(fa, fb, ST)))
FP_LANE(l_fcgt, MASK_IF(fp32_compare_gt(fa, fb, ST)))
FP_LANE(l_facge, MASK_IF(fp32_compare_ge(fp32_abs(fa), fp32_abs(fb), ST)))
FP_LANE(l_facgt, MASK_IF(fp32_compare_gt(fp32_abs(fa), fp32_abs(fb), ST)))
FP_LANE(l_fmax, fp32_max(fa, fb, ST))
FP_LANE(l_fmin, fp32_min(fa, fb, ST))
FP_LANE(l_frecps, fp32_recip_step(fa, fb, ST))
FP_LANE(l_frsqrts, fp32_rsqrt_step(fa, fb, ST))
/* two registers, miscellaneous (operand a) */
FP_LANE(l_fcgt0, MASK_IF(fp32_compare_gt(fa, 0, ST)))
FP_LANE(l_fcge0, MASK_IF(fp32_compare_ge(fa, 0, ST)))
FP_LANE(l_fceq0, MASK_IF(fp32_compare_eq(fa, 0, ST)))
FP_LANE(l_fcle0, MASK_IF(fp32_compare_ge(0, fa, ST)))
FP_LANE(l_fclt0, MASK_IF(fp32_compare_gt(0, fa, ST)))
FP_LANE(l_fabs, fp32_abs(fa))
FP_LANE(l_fneg, fp32_neg(fa))
FP_LANE(l_frecpe, fp32_recip_estimate(fa, ST))
FP_LANE(l_frsqrte, fp32_rsqrt_estimate(fa, ST))
FP_LANE(l_urecpe, u32_recip_estimate(fa))
FP_LANE(l_ursqrte, u32_rsqrt_estimate(fa))
/* VCVT between single precision and 32-bit (fixed-point) integers:
 * to integer rounds towards zero, from integer to nearest (A8.8.305). */
FP_LANE(l_cvt_f_s, fp32_from_fixed((int32_t)fa, c->shift, ST))
FP_LANE(l_cvt_f_u, fp32_from_fixed((int64_t)fa, c->shift, ST))
FP_LANE(l_cvt_s_f, fp32_to_fixed(fa, 32, c->shift, false, FP_ROUND_ZERO, ST))
FP_LANE(l_cvt_u_f, fp32_to_fixed(fa, 32, c->shift, true, FP_ROUND_ZERO, ST))

/* ---- two registers, miscellaneous: integer ---- */

static unsigned clz_bits(uint64_t v, unsigned esize)
{
    unsigned n = 0;
    for (int i = (int)esize - 1; i >= 0 && !((v >> i) & 1); i--)
        n++;
    return n;
}

static uint64_t l_cls(struct lane_ctx *c, uint64_t d, uint64_t a, uint64_t b)
{
    (void)d, (void)b;
    int64_t x = sext(a, c->esize);
    uint64_t v = (uint64_t)(x < 0 ? ~x : x) & lane_mask(c->esize);
    return clz_bits(v, c->esize) - 1;
}

static uint64_t l_clz(struct lane_ctx *c, uint64_t d, uint64_t a, uint64_t b)
{
    (void)d, (void)b;
    return clz_bits(a, c->esize);
}

static uint64_t l_cnt(struct lane_ctx *c, uint64_t d, uint64_t a, uint64_t b)
{
    (void)c, (void)d, (void)b;
    return (uint64_t)__builtin_popcountll(a);
}

static uint64_t l_qabs(struct lane_ctx *c, uint64_t d, uint64_t a, uint64_t b)
{
    (void)d, (void)b;
    int64_t x = sext(a, c->esize);
    return sat_s(c, x < 0 ? -x : x, c->esize);
}

static uint64_t l_qneg(struct lane_ctx *c, uint64_t d, uint64_t a, uint64_t b)
{
    (void)d, (void)b;
    return sat_s(c, -sext(a, c->esize), c->esize);
}

static uint64_t l_abs(struct lane_ctx *c, uint64_t d, uint64_t a, uint64_t b)
{
    (void)d, (void)b;
    int64_t x = sext(a, c->esize);
    return (uint64_t)(x < 0 ? -x : x);
}

static uint64_t l_neg(struct lane_ctx *c, uint64_t d, uint64_t a, uint64_t b)
{
    (void)c, (void)d, (void)b;
    return -a;
}

static uint64_t l_cgt0(struct lane_ctx *c, uint64_t d, uint64_t a, uint64_t b)
{
    (void)d, (void)b;
    return sext(a, c->esize) > 0 ? ~0ull : 0;
}

static uint64_t l_cge0(struct lane_ctx *c, uint64_t d, uint64_t a, uint64_t b)
{
    (void)d, (void)b;
    return sext(a, c->esize) >= 0 ? ~0ull : 0;
}

static uint64_t l_ceq0(struct lane_ctx *c, uint64_t d, uint64_t a, uint64_t b)
{
    (void)c, (void)d, (void)b;
    return a == 0 ? ~0ull : 0;
}

static uint64_t l_cle0(struct lane_ctx *c, uint64_t d, uint64_t a, uint64_t b)
{
    (void)d, (void)b;
    return sext(a, c->esize) <= 0 ? ~0ull : 0;
}

static uint64_t l_clt0(struct lane_ctx *c, uint64_t d, uint64_t a, uint64_t b)
{
    (void)d, (void)b;
    return sext(a, c->esize) < 0 ? ~0ull : 0;
}

/* ---- shifts by an immediate (operand a, amount c->shift) ---- */

static uint64_t l_shr(struct lane_ctx *c, uint64_t d, uint64_t a, uint64_t b)
{
    (void)d, (void)b;
    return shift_right(c, a, c->shift, false);
}

static uint64_t l_sra(struct lane_ctx *c, uint64_t d, uint64_t a, uint64_t b)
{
    (void)b;
    return d + shift_right(c, a, c->shift, false);
}

static uint64_t l_rshr(struct lane_ctx *c, uint64_t d, uint64_t a, uint64_t b)
{
    (void)d, (void)b;
    return shift_right(c, a, c->shift, true);
}

static uint64_t l_rsra(struct lane_ctx *c, uint64_t d, uint64_t a, uint64_t b)
{
    (void)b;
    return d + shift_right(c, a, c->shift, true);
}

static uint64_t l_sri(struct lane_ctx *c, uint64_t d, uint64_t a, uint64_t b)
{
    (void)b;
    uint64_t mask = shr_u(lane_mask(c->esize), c->shift);
    return (d & ~mask) | (shr_u(a, c->shift) & mask);
}

static uint64_t l_shl_imm(struct lane_ctx *c, uint64_t d, uint64_t a, uint64_t b)
{
    (void)d, (void)b;
    return a << c->shift;
}

static uint64_t l_sli(struct lane_ctx *c, uint64_t d, uint64_t a, uint64_t b)
{
    (void)b;
    uint64_t mask = lane_mask(c->esize) << c->shift;
    return (d & ~mask) | ((a << c->shift) & mask);
}

static uint64_t l_qshl_imm(struct lane_ctx *c, uint64_t d, uint64_t a, uint64_t b)
{
    (void)d, (void)b;
    return sat_shift_left(c, a, c->shift);
}

/* VQSHLU: signed operand, unsigned saturated result. */
static uint64_t l_qshlu_imm(struct lane_ctx *c, uint64_t d, uint64_t a, uint64_t b)
{
    (void)d, (void)b;
    if (sext(a, c->esize) < 0) {
        c->sat = true;
        return 0;
    }
    struct lane_ctx uc = *c;
    uc.u = true;
    uint64_t r = sat_shift_left(&uc, a, c->shift);
    c->sat |= uc.sat;
    return r;
}

/* ---- narrowing (a, b: elements of 2 * esize bits) ---- */

static uint64_t l_addhn(struct lane_ctx *c, uint64_t d, uint64_t a, uint64_t b)
{
    (void)d;
    return (a + b) >> c->esize;
}

static uint64_t l_raddhn(struct lane_ctx *c, uint64_t d, uint64_t a, uint64_t b)
{
    (void)d;
    return (a + b + (1ull << (c->esize - 1))) >> c->esize;
}

static uint64_t l_subhn(struct lane_ctx *c, uint64_t d, uint64_t a, uint64_t b)
{
    (void)d;
    return (a - b) >> c->esize;
}

static uint64_t l_rsubhn(struct lane_ctx *c, uint64_t d, uint64_t a, uint64_t b)
{
    (void)d;
    return (a - b + (1ull << (c->esize - 1))) >> c->esize;
}

/*
 * Narrowing with saturation: the wide element shifted right (and
 * rounded), then saturated to esize. A 64-bit unsigned element does not
 * fit an int64, so unsigned sources are handled as uint64.
 */
static uint64_t narrow_sat(struct lane_ctx *c, uint64_t a, unsigned s, bool round,
                           bool src_unsigned, bool dst_unsigned)
{
    const unsigned es = c->esize;
    if (src_unsigned) {
        uint64_t r = s ? (a >> s) + (round ? (a >> (s - 1)) & 1 : 0) : a;
        if (r > lane_mask(es)) {
            c->sat = true;
            return lane_mask(es);
        }
        return r;
    }
    int64_t x = sext(a, 2 * es);
    int64_t r = s ? (x >> s) + (round ? (x >> (s - 1)) & 1 : 0) : x;
    return dst_unsigned ? sat_u(c, r, es) : sat_s(c, r, es);
}

static uint64_t l_shrn(struct lane_ctx *c, uint64_t d, uint64_t a, uint64_t b)
{
    (void)d, (void)b;
    return a >> c->shift;
}

static uint64_t l_rshrn(struct lane_ctx *c, uint64_t d, uint64_t a, uint64_t b)
{
    (void)d, (void)b;
    return (a >> c->shift) + ((a >> (c->shift - 1)) & 1);
}

static uint64_t l_qshrn(struct lane_ctx *c, uint64_t d, uint64_t a, uint64_t b)
{
    (void)d, (void)b;
    return narrow_sat(c, a, c->shift, false, c->u, c->u);
}

static uint64_t l_qrshrn(struct lane_ctx *c, uint64_t d, uint64_t a, uint64_t b)
{
    (void)d, (void)b;
    return narrow_sat(c, a, c->shift, true, c->u, c->u);
}

static uint64_t l_qshrun(struct lane_ctx *c, uint64_t d, uint64_t a, uint64_t b)
{
    (void)d, (void)b;
    return narrow_sat(c, a, c->shift, false, false, true);
}

static uint64_t l_qrshrun(struct lane_ctx *c, uint64_t d, uint64_t a, uint64_t b)
{
    (void)d, (void)b;
    return narrow_sat(c, a, c->shift, true, false, true);
}

static uint64_t l_movn(struct lane_ctx *c, uint64_t d, uint64_t a, uint64_t b)
{
    (void)c, (void)d, (void)b;
    return a;
}

static uint64_t l_qmovn(struct lane_ctx *c, uint64_t d, uint64_t a, uint64_t b)
{
    (void)d, (void)b;
    return narrow_sat(c, a, 0, false, c->u, c->u);
}

static uint64_t l_qmovun(struct lane_ctx *c, uint64_t d, uint64_t a, uint64_t b)
{
    (void)d, (void)b;
    return narrow_sat(c, a, 0, false, false, true);
}

/* ---- lengthening (a, b already extended; d: element of 2 * esize) ---- */

static uint64_t l_abdl(struct lane_ctx *c, uint64_t d, uint64_t a, uint64_t b)
{
    (void)c, (void)d;
    int64_t diff = (int64_t)a - (int64_t)b;
    return (uint64_t)(diff < 0 ? -diff : diff);
}

static uint64_t l_abal(struct lane_ctx *c, uint64_t d, uint64_t a, uint64_t b)
{
    return d + l_abdl(c, d, a, b);
}

static uint64_t l_pmull(struct lane_ctx *c, uint64_t d, uint64_t a, uint64_t b)
{
    (void)d;
    return poly_mul(a, b, c->esize);
}

/* 2 * a * b saturated to 2 * esize bits (VQDMULL and the accumulating
 * forms); only the most negative squared overflows. */
static uint64_t qdmull(struct lane_ctx *c, uint64_t a, uint64_t b)
{
    unsigned es = c->esize;
    if ((int64_t)a == smin_of(es) && (int64_t)b == smin_of(es)) {
        c->sat = true;
        return (uint64_t)smax_of(2 * es);
    }
    return (uint64_t)(2 * (int64_t)a * (int64_t)b);
}

static uint64_t l_qdmull(struct lane_ctx *c, uint64_t d, uint64_t a, uint64_t b)
{
    (void)d;
    return qdmull(c, a, b);
}

static uint64_t sat_add_wide(struct lane_ctx *c, uint64_t d, uint64_t p, bool sub)
{
    unsigned wes = 2 * c->esize;
    if (wes == 64)
        return sub ? qsub64(c, d, p, false) : qadd64(c, d, p, false);
    int64_t x = sext(d, wes), y = sext(p, wes);
    return sat_s(c, sub ? x - y : x + y, wes);
}

static uint64_t l_qdmlal(struct lane_ctx *c, uint64_t d, uint64_t a, uint64_t b)
{
    return sat_add_wide(c, d, qdmull(c, a, b), false);
}

static uint64_t l_qdmlsl(struct lane_ctx *c, uint64_t d, uint64_t a, uint64_t b)
{
    return sat_add_wide(c, d, qdmull(c, a, b), true);
}

static uint64_t l_shll(struct lane_ctx *c, uint64_t d, uint64_t a, uint64_t b)
{
    (void)d, (void)b;
    return a << c->shift;
}

/* ---- pairwise ---- */

static uint64_t l_pmax(struct lane_ctx *c, uint64_t d, uint64_t a, uint64_t b)
{
    return l_max(c, d, a, b);
}

static uint64_t l_pmin(struct lane_ctx *c, uint64_t d, uint64_t a, uint64_t b)
{
    return l_min(c, d, a, b);
}

/* ---- loop shapes ---- */

static inline void ctx_init(struct lane_ctx *c, const struct arm_cpu *cpu,
                            const struct decoded_insn *d)
{
    c->esize = 8u << d->shift;
    c->u = d->flags & NF_U;
    c->sat = false;
    c->shift = d->imm;
    c->st = fp_status_standard(cpu->vfp.fpscr);
}

static inline void ctx_finish(struct arm_cpu *cpu, const struct lane_ctx *c)
{
    cpu->vfp.fpscr |= c->st.flags | (c->sat ? FPSCR_QC : 0);
}

/* Dm[index] replicated over a register (the scalar forms). */
static inline uint64_t scalar_operand(const struct arm_cpu *cpu, const struct decoded_insn *d,
                                      unsigned esize)
{
    return replicate(lane_get(cpu->vfp.d[d->rm], d->imm, esize), esize);
}

/* Vd[e] = fn(Vd[e], Vn[e], Vm[e]) for every element of 1 or 2 registers. */
static ALWAYS_INLINE int run_elementwise(struct arm_cpu *cpu, const struct decoded_insn *d,
                                         lane_fn *fn)
{
    if (unlikely(!vfp_neon_enabled(cpu)))
        return insn_undefined(cpu, d);
    struct lane_ctx c;
    ctx_init(&c, cpu, d);
    uint64_t *reg = cpu->vfp.d;
    const unsigned es = c.esize;
    const uint64_t mask = lane_mask(es);
    const unsigned regs = (d->flags & NF_Q) ? 2 : 1;
    const bool scalar = d->flags & NF_SCALAR;
    const uint64_t sc = scalar ? scalar_operand(cpu, d, es) : 0;
    if (scalar)
        c.shift = 0;
    for (unsigned r = 0; r < regs; r++) {
        uint64_t vd = reg[d->rd + r], vn = reg[d->rn + r];
        uint64_t vm = scalar ? sc : reg[d->rm + r];
        uint64_t res;
        if (es == 64) {
            res = fn(&c, vd, vn, vm);
        } else {
            res = 0;
            for (unsigned sh = 0; sh < 64; sh += es)
                res |= (fn(&c, (vd >> sh) & mask, (vn >> sh) & mask, (vm >> sh) & mask) & mask)
                       << sh;
        }
        reg[d->rd + r] = res;
    }
    ctx_finish(cpu, &c);
    return 0;
}

static inline uint64_t extend(const struct lane_ctx *c, uint64_t v)
{
    return c->u ? v : (uint64_t)sext(v, c->esize);
}

/* Qd[e] = fn(Qd[e], Dn[e] (or Qn[e] with NF_W), Dm[e]), elements widened. */
static ALWAYS_INLINE int run_long(struct arm_cpu *cpu, const struct decoded_insn *d,
                                  lane_fn *fn)
{
    if (unlikely(!vfp_neon_enabled(cpu)))
        return insn_undefined(cpu, d);
    struct lane_ctx c;
    ctx_init(&c, cpu, d);
    uint64_t *reg = cpu->vfp.d;
    const unsigned es = c.esize, wes = 2 * es;
    const uint64_t mask = lane_mask(es), wmask = lane_mask(wes);
    const unsigned per = 64 / wes;
    const bool scalar = d->flags & NF_SCALAR;
    const uint64_t vn = reg[d->rn];
    const uint64_t vm = scalar ? scalar_operand(cpu, d, es) : reg[d->rm];
    if (scalar)
        c.shift = 0;
    uint64_t out[2] = { 0, 0 };
    for (unsigned e = 0; e < 64 / es; e++) {
        unsigned r = e / per, sh = (e % per) * wes;
        uint64_t dl = (reg[d->rd + r] >> sh) & wmask;
        uint64_t a = (d->flags & NF_W) ? (reg[d->rn + r] >> sh) & wmask
                                       : extend(&c, (vn >> (e * es)) & mask);
        uint64_t b = extend(&c, (vm >> (e * es)) & mask);
        out[r] |= (fn(&c, dl, a, b) & wmask) << sh;
    }
    reg[d->rd] = out[0];
    reg[d->rd + 1] = out[1];
    ctx_finish(cpu, &c);
    return 0;
}

/* Dd[e] = fn(Qn[e], Qm[e]) with elements narrowed to esize. */
static ALWAYS_INLINE int run_narrow(struct arm_cpu *cpu, const struct decoded_insn *d,
                                    lane_fn *fn)
{
    if (unlikely(!vfp_neon_enabled(cpu)))
        return insn_undefined(cpu, d);
    struct lane_ctx c;
    ctx_init(&c, cpu, d);
    uint64_t *reg = cpu->vfp.d;
    const unsigned es = c.esize, wes = 2 * es;
    const uint64_t mask = lane_mask(es), wmask = lane_mask(wes);
    const unsigned per = 64 / wes;
    uint64_t out = 0;
    for (unsigned e = 0; e < 64 / es; e++) {
        unsigned r = e / per, sh = (e % per) * wes;
        uint64_t a = (reg[d->rn + r] >> sh) & wmask;
        uint64_t b = (reg[d->rm + r] >> sh) & wmask;
        out |= (fn(&c, 0, a, b) & mask) << (e * es);
    }
    reg[d->rd] = out;
    ctx_finish(cpu, &c);
    return 0;
}

/* Dd = fn over adjacent pairs of Dn (low half) then of Dm (high half). */
static ALWAYS_INLINE int run_pairwise(struct arm_cpu *cpu, const struct decoded_insn *d,
                                      lane_fn *fn)
{
    if (unlikely(!vfp_neon_enabled(cpu)))
        return insn_undefined(cpu, d);
    struct lane_ctx c;
    ctx_init(&c, cpu, d);
    const unsigned es = c.esize, half = 32 / es;
    const uint64_t mask = lane_mask(es);
    const uint64_t src[2] = { cpu->vfp.d[d->rn], cpu->vfp.d[d->rm] };
    uint64_t out = 0;
    for (unsigned i = 0; i < 2; i++)
        for (unsigned e = 0; e < half; e++) {
            uint64_t x = lane_get(src[i], 2 * e, es), y = lane_get(src[i], 2 * e + 1, es);
            out |= (fn(&c, 0, x, y) & mask) << ((i * half + e) * es);
        }
    cpu->vfp.d[d->rd] = out;
    ctx_finish(cpu, &c);
    return 0;
}

#define ELEMENTWISE(name, fn) \
    static int name(struct arm_cpu *cpu, const struct decoded_insn *d) \
    {                                                                  \
        return run_elementwise(cpu, d, fn);                            \
    }
#define LONG(name, fn) \
    static int name(struct arm_cpu *cpu, const struct decoded_insn *d) \
    {                                                                  \
        return run_long(cpu, d, fn);                                   \
    }
#define NARROW(name, fn) \
    static int name(struct arm_cpu *cpu, const struct decoded_insn *d) \
    {                                                                  \
        return run_narrow(cpu, d, fn);                                 \
    }
#define PAIRWISE(name, fn) \
    static int name(struct arm_cpu *cpu, const struct decoded_insn *d) \
    {                                                                  \
        return run_pairwise(cpu, d, fn);                               \
    }

/* Elementwise (three same, scalar, two-register misc, shift immediate). */
#define NEON_ELEMENTWISE_OPS(X) \
    X(n_hadd, l_hadd) X(n_rhadd, l_rhadd) X(n_hsub, l_hsub) X(n_qadd, l_qadd)         \
    X(n_qsub, l_qsub) X(n_cgt, l_cgt) X(n_cge, l_cge) X(n_shl, l_shl) X(n_rshl, l_rshl) \
    X(n_qshl, l_qshl) X(n_qrshl, l_qrshl) X(n_max, l_max) X(n_min, l_min)             \
    X(n_abd, l_abd) X(n_aba, l_aba) X(n_add, l_add) X(n_sub, l_sub) X(n_tst, l_tst)    \
    X(n_ceq, l_ceq) X(n_mla, l_mla) X(n_mls, l_mls) X(n_mul, l_mul) X(n_pmul, l_pmul)  \
    X(n_qdmulh, l_qdmulh) X(n_qrdmulh, l_qrdmulh) X(n_and, l_and) X(n_bic, l_bic)     \
    X(n_orr, l_orr) X(n_orn, l_orn) X(n_eor, l_eor) X(n_bsl, l_bsl) X(n_bit, l_bit)    \
    X(n_bif, l_bif) X(n_mvn, l_mvn)                                                    \
    X(n_fadd, l_fadd) X(n_fsub, l_fsub) X(n_fabd, l_fabd) X(n_fmul, l_fmul)            \
    X(n_fmla, l_fmla) X(n_fmls, l_fmls) X(n_fma, l_fma) X(n_fms, l_fms)                \
    X(n_fceq, l_fceq) X(n_fcge, l_fcge) X(n_fcgt, l_fcgt) X(n_facge, l_facge)          \
    X(n_facgt, l_facgt) X(n_fmax, l_fmax) X(n_fmin, l_fmin) X(n_frecps, l_frecps)      \
    X(n_frsqrts, l_frsqrts) X(n_fcgt0, l_fcgt0) X(n_fcge0, l_fcge0) X(n_fceq0, l_fceq0) \
    X(n_fcle0, l_fcle0) X(n_fclt0, l_fclt0) X(n_fabs, l_fabs) X(n_fneg, l_fneg)        \
    X(n_frecpe, l_frecpe) X(n_frsqrte, l_frsqrte) X(n_urecpe, l_urecpe)                \
    X(n_ursqrte, l_ursqrte) X(n_cvt_f_s, l_cvt_f_s) X(n_cvt_f_u, l_cvt_f_u)            \
    X(n_cvt_s_f, l_cvt_s_f) X(n_cvt_u_f, l_cvt_u_f) X(n_cls, l_cls) X(n_clz, l_clz)    \
    X(n_cnt, l_cnt) X(n_qabs, l_qabs) X(n_qneg, l_qneg) X(n_abs, l_abs) X(n_neg, l_neg) \
    X(n_cgt0, l_cgt0) X(n_cge0, l_cge0) X(n_ceq0, l_ceq0) X(n_cle0, l_cle0)            \
    X(n_clt0, l_clt0) X(n_shr, l_shr) X(n_sra, l_sra) X(n_rshr, l_rshr)                \
    X(n_rsra, l_rsra) X(n_sri, l_sri) X(n_shl_imm, l_shl_imm) X(n_sli, l_sli)          \
    X(n_qshl_imm, l_qshl_imm) X(n_qshlu_imm, l_qshlu_imm)
NEON_ELEMENTWISE_OPS(ELEMENTWISE)

#define NEON_LONG_OPS(X) \
    X(n_addl, l_add) X(n_subl, l_sub) X(n_abdl, l_abdl) X(n_abal, l_abal)              \
    X(n_mlal, l_mla) X(n_mlsl, l_mls) X(n_mull, l_mul) X(n_pmull, l_pmull)             \
    X(n_qdmull, l_qdmull) X(n_qdmlal, l_qdmlal) X(n_qdmlsl, l_qdmlsl) X(n_shll, l_shll)
NEON_LONG_OPS(LONG)

#define NEON_NARROW_OPS(X) \
    X(n_addhn, l_addhn) X(n_raddhn, l_raddhn) X(n_subhn, l_subhn) X(n_rsubhn, l_rsubhn) \
    X(n_shrn, l_shrn) X(n_rshrn, l_rshrn) X(n_qshrn, l_qshrn) X(n_qrshrn, l_qrshrn)    \
    X(n_qshrun, l_qshrun) X(n_qrshrun, l_qrshrun) X(n_movn, l_movn) X(n_qmovn, l_qmovn) \
    X(n_qmovun, l_qmovun)
NEON_NARROW_OPS(NARROW)

#define NEON_PAIRWISE_OPS(X) \
    X(n_padd, l_add) X(n_pmax, l_pmax) X(n_pmin, l_pmin) X(n_fpadd, l_fadd)            \
    X(n_fpmax, l_fmax) X(n_fpmin, l_fmin)
NEON_PAIRWISE_OPS(PAIRWISE)

/* VPADDL / VPADAL (A8.8.363, A8.8.360): adjacent pairs summed into
 * elements of twice the size; imm = 1 accumulates. */
static int n_paddl(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    if (!vfp_neon_enabled(cpu))
        return insn_undefined(cpu, d);
    struct lane_ctx c;
    ctx_init(&c, cpu, d);
    const unsigned es = c.esize, wes = 2 * es;
    const unsigned regs = (d->flags & NF_Q) ? 2 : 1;
    for (unsigned r = 0; r < regs; r++) {
        uint64_t vm = cpu->vfp.d[d->rm + r], vd = cpu->vfp.d[d->rd + r], out = 0;
        for (unsigned e = 0; e < 64 / wes; e++) {
            uint64_t sum = extend(&c, lane_get(vm, 2 * e, es)) +
                           extend(&c, lane_get(vm, 2 * e + 1, es));
            if (d->imm)
                sum += lane_get(vd, e, wes);
            out |= (sum & lane_mask(wes)) << (e * wes);
        }
        cpu->vfp.d[d->rd + r] = out;
    }
    return 0;
}

/* ---- permutations ---- */

/* VREV16/32/64 (A8.8.376): imm = container size in bits. */
static int n_rev(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    if (!vfp_neon_enabled(cpu))
        return insn_undefined(cpu, d);
    const unsigned es = 8u << d->shift;
    const unsigned flip = d->imm / es - 1;
    const unsigned regs = (d->flags & NF_Q) ? 2 : 1;
    for (unsigned r = 0; r < regs; r++) {
        uint64_t in = cpu->vfp.d[d->rm + r], out = 0;
        for (unsigned e = 0; e < 64 / es; e++)
            out |= lane_get(in, e, es) << ((e ^ flip) * es);
        cpu->vfp.d[d->rd + r] = out;
    }
    return 0;
}

static int n_swp(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    if (!vfp_neon_enabled(cpu))
        return insn_undefined(cpu, d);
    const unsigned regs = (d->flags & NF_Q) ? 2 : 1;
    for (unsigned r = 0; r < regs; r++) {
        uint64_t t = cpu->vfp.d[d->rd + r];
        cpu->vfp.d[d->rd + r] = cpu->vfp.d[d->rm + r];
        cpu->vfp.d[d->rm + r] = t;
    }
    return 0;
}

/* Lanes of Vd (then Vm) of a D or Q operation as one array. */
struct lane_array {
    uint64_t v[32];
    unsigned n;   /* lanes per operand */
};

static void lanes_load(const struct arm_cpu *cpu, unsigned reg, unsigned regs, unsigned es,
                       uint64_t *out)
{
    for (unsigned r = 0; r < regs; r++)
        for (unsigned e = 0; e < 64 / es; e++)
            out[r * (64 / es) + e] = lane_get(cpu->vfp.d[reg + r], e, es);
}

static void lanes_store(struct arm_cpu *cpu, unsigned reg, unsigned regs, unsigned es,
                        const uint64_t *in)
{
    for (unsigned r = 0; r < regs; r++) {
        uint64_t v = 0;
        for (unsigned e = 0; e < 64 / es; e++)
            v |= in[r * (64 / es) + e] << (e * es);
        cpu->vfp.d[reg + r] = v;
    }
}

enum permute_kind { PERM_TRN, PERM_UZP, PERM_ZIP };

/*
 * VTRN (A8.8.414): swap odd lanes of Vd with even lanes of Vm.
 * VUZP (A8.8.419): Vd:Vm de-interleaved, even lanes to Vd, odd to Vm.
 * VZIP (A8.8.420): Vd and Vm interleaved, first half to Vd.
 */
static int n_permute(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    if (!vfp_neon_enabled(cpu))
        return insn_undefined(cpu, d);
    const unsigned es = 8u << d->shift;
    const unsigned regs = (d->flags & NF_Q) ? 2 : 1;
    const unsigned n = regs * 64 / es;
    uint64_t vd[16], vm[16], all[32];
    lanes_load(cpu, d->rd, regs, es, vd);
    lanes_load(cpu, d->rm, regs, es, vm);
    switch (d->imm) {
    case PERM_TRN: {
        /* With Vd = Vm (UNPREDICTABLE) the swaps happen in place, as QEMU. */
        uint64_t *m = d->rd == d->rm ? vd : vm;
        for (unsigned e = 0; e + 1 < n; e += 2) {
            uint64_t t = vd[e + 1];
            vd[e + 1] = m[e];
            m[e] = t;
        }
        if (m == vd)
            memcpy(vm, vd, n * sizeof(uint64_t));
        break;
    }
    case PERM_UZP:
        memcpy(all, vd, n * sizeof(uint64_t));
        memcpy(all + n, vm, n * sizeof(uint64_t));
        for (unsigned e = 0; e < n; e++) {
            vd[e] = all[2 * e];
            vm[e] = all[2 * e + 1];
        }
        break;
    default:
        for (unsigned e = 0; e < n; e++) {
            all[2 * e] = vd[e];
            all[2 * e + 1] = vm[e];
        }
        memcpy(vd, all, n * sizeof(uint64_t));
        memcpy(vm, all + n, n * sizeof(uint64_t));
        break;
    }
    /* Vm first: with Vd = Vm (UNPREDICTABLE) Vd's result stays, as QEMU. */
    lanes_store(cpu, d->rm, regs, es, vm);
    lanes_store(cpu, d->rd, regs, es, vd);
    return 0;
}

/* VEXT (A8.8.328): bytes imm.. of Vm:Vn. */
static int n_ext(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    if (!vfp_neon_enabled(cpu))
        return insn_undefined(cpu, d);
    const unsigned bytes = (d->flags & NF_Q) ? 16 : 8;
    uint8_t src[32], out[16];
    memcpy(src, &cpu->vfp.d[d->rn], bytes);
    memcpy(src + bytes, &cpu->vfp.d[d->rm], bytes);
    memcpy(out, src + d->imm, bytes);
    memcpy(&cpu->vfp.d[d->rd], out, bytes);
    return 0;
}

/* VTBL/VTBX (A8.8.415): imm = table length in registers, NF_U = VTBX. */
static int n_tbl(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    if (!vfp_neon_enabled(cpu))
        return insn_undefined(cpu, d);
    uint8_t table[32], idx[8], out[8];
    const unsigned len = d->imm * 8;
    for (unsigned r = 0; r < d->imm; r++)
        memcpy(table + 8 * r, &cpu->vfp.d[(d->rn + r) & 31], 8);
    memcpy(idx, &cpu->vfp.d[d->rm], 8);
    memcpy(out, &cpu->vfp.d[d->rd], 8);
    for (unsigned i = 0; i < 8; i++) {
        if (idx[i] < len)
            out[i] = table[idx[i]];
        else if (!(d->flags & NF_U))
            out[i] = 0;
    }
    memcpy(&cpu->vfp.d[d->rd], out, 8);
    return 0;
}

/* VDUP (scalar), A8.8.323. */
static int n_dup_scalar(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    if (!vfp_neon_enabled(cpu))
        return insn_undefined(cpu, d);
    uint64_t v = scalar_operand(cpu, d, 8u << d->shift);
    cpu->vfp.d[d->rd] = v;
    if (d->flags & NF_Q)
        cpu->vfp.d[d->rd + 1] = v;
    return 0;
}

/* VCVT between half and single precision (A8.8.310, Advanced SIMD):
 * imm = 0: Dd (4 x F16) <- Qm (4 x F32); imm = 1: Qd <- Dm. */
static int n_cvt_half(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    if (!vfp_neon_enabled(cpu))
        return insn_undefined(cpu, d);
    struct fp_status st = fp_status_standard(cpu->vfp.fpscr);
    uint32_t *s = cpu->vfp.s;
    if (d->imm == 0) {
        uint64_t out = 0;
        for (unsigned e = 0; e < 4; e++)
            out |= (uint64_t)fp32_to_fp16(s[2 * d->rm + e], &st) << (16 * e);
        cpu->vfp.d[d->rd] = out;
    } else {
        uint64_t in = cpu->vfp.d[d->rm];
        uint32_t out[4];
        for (unsigned e = 0; e < 4; e++)
            out[e] = fp16_to_fp32((uint16_t)(in >> (16 * e)), &st);
        memcpy(&s[2 * d->rd], out, sizeof(out));
    }
    cpu->vfp.fpscr |= st.flags;
    return 0;
}

/* ---- one register and a modified immediate (A7.4.6) ---- */

/* d->imm: the immediate's 32-bit pattern (already inverted for VMVN and
 * VBIC); d->rs = 1: the cmode 1110/op 1 byte mask, imm = imm8. */
static inline uint64_t modimm_value(const struct decoded_insn *d)
{
    if (!d->rs)
        return (uint64_t)d->imm << 32 | d->imm;
    uint64_t v = 0;
    for (unsigned i = 0; i < 8; i++)
        if ((d->imm >> i) & 1)
            v |= 0xffull << (8 * i);
    return v;
}

static int n_vmov_imm(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    if (!vfp_neon_enabled(cpu))
        return insn_undefined(cpu, d);
    uint64_t v = modimm_value(d);
    cpu->vfp.d[d->rd] = v;
    if (d->flags & NF_Q)
        cpu->vfp.d[d->rd + 1] = v;
    return 0;
}

static int n_vorr_imm(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    if (!vfp_neon_enabled(cpu))
        return insn_undefined(cpu, d);
    uint64_t v = modimm_value(d);
    cpu->vfp.d[d->rd] |= v;
    if (d->flags & NF_Q)
        cpu->vfp.d[d->rd + 1] |= v;
    return 0;
}

static int n_vand_imm(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    if (!vfp_neon_enabled(cpu))
        return insn_undefined(cpu, d);
    uint64_t v = modimm_value(d);
    cpu->vfp.d[d->rd] &= v;
    if (d->flags & NF_Q)
        cpu->vfp.d[d->rd + 1] &= v;
    return 0;
}

/* ---- element and structure loads/stores (A7.7) ---- */

/*
 * A transfer described once at decode time (d->imm):
 *   bits 1:0  log2 of the element size in bytes
 *   bits 4:2  structure elements n - 1 (VLD1..VLD4)
 *   bits 7:5  registers per structure element - 1 (VLD1 with 2-4 regs,
 *             VLD2 with two registers each)
 *   bit  8    register spacing 2 (else 1)
 *   bits 11:9 log2 of the alignment required by the hint (0: none)
 *   bits 14:12 lane index (single lane forms)
 *   bits 16:15 form: 0 multiple structures, 1 one lane, 2 all lanes
 *   bit  17   load
 * d->rd = Vd, d->rn = Rn, d->rm = Rm.
 */
enum ls_form { LS_MULTIPLE, LS_ONE_LANE, LS_ALL_LANES };

#define LS_ESIZE(imm)  ((imm) & 3u)
#define LS_NELEM(imm)  ((((imm) >> 2) & 7u) + 1)
#define LS_REGS(imm)   ((((imm) >> 5) & 7u) + 1)
#define LS_INC(imm)    ((((imm) >> 8) & 1u) + 1)
#define LS_ALIGN(imm)  (((imm) >> 9) & 7u)
#define LS_INDEX(imm)  (((imm) >> 12) & 7u)
#define LS_FORM(imm)   (((imm) >> 15) & 3u)
#define LS_LOAD(imm)   (((imm) >> 17) & 1u)

static uint32_t ls_pack(unsigned ebytes_log2, unsigned nelem, unsigned regs, unsigned inc,
                        unsigned align_log2, unsigned index, enum ls_form form, bool load)
{
    return ebytes_log2 | (nelem - 1) << 2 | (regs - 1) << 5 | (inc - 1) << 8 |
           align_log2 << 9 | index << 12 | (uint32_t)form << 15 | (uint32_t)load << 17;
}

/* Alignment fault (ARMv7 short-descriptor DFSR: FS = 0b00001, WnR). */
static int neon_alignment_fault(struct arm_cpu *cpu, uint32_t addr, bool write)
{
    cpu->fault.fsr = 0x1u | (write ? 1u << 11 : 0);
    cpu->fault.far = addr;
    cpu->fault.write = write;
    return cpu_data_abort(cpu);
}

/*
 * A 64-bit element is moved as two word accesses; with CPSR.E = 1 each
 * word is byte-reversed by the memory system and the word at the lower
 * address is the element's high half (BE-8, DDI 0406C A3.3.1), so the
 * words of each element trade places.
 */
static void swap_word_pairs(uint8_t *buf, unsigned len)
{
    for (unsigned i = 0; i + 8 <= len; i += 8) {
        uint8_t lo[4];
        memcpy(lo, buf + i, 4);
        memmove(buf + i, buf + i + 4, 4);
        memcpy(buf + i + 4, lo, 4);
    }
}

/*
 * Reads len bytes of consecutive elements (ebytes each) into buf: one
 * memcpy when the range is in one page the read TLB maps to RAM, else
 * element by element through the memory system (a 64-bit element as two
 * words). Returns < 0 on a fault, > 0 when a device was touched.
 */
static int neon_read(struct arm_cpu *cpu, uint32_t addr, uint8_t *buf, unsigned len,
                     unsigned ebytes)
{
    struct tlb_entry *e = &cpu->tlb_cur[tlb_index(addr)];
    if ((addr & ~TLB_PAGE_MASK) + len <= TLB_PAGE_SIZE &&
        e->tag_read == (addr & TLB_PAGE_MASK)) {
        memcpy(buf, (const uint8_t *)(e->addend + addr), len);
        return 0;
    }
    unsigned step = ebytes > 4 ? 4 : ebytes;
    int touched = 0;
    for (unsigned i = 0; i < len; i += step) {
        uint32_t v;
        int rc = cpu_load_sized(cpu, cpu->tlb_cur, addr + i, step, &v, 0);
        if (rc < 0)
            return rc;
        touched |= rc;
        memcpy(buf + i, &v, step);
    }
    if (ebytes == 8 && cpu_data_big_endian(cpu))
        swap_word_pairs(buf, len);
    return touched;
}

static int neon_write(struct arm_cpu *cpu, uint32_t addr, uint8_t *buf, unsigned len,
                      unsigned ebytes)
{
    struct tlb_entry *e = &cpu->tlb_cur[tlb_index(addr)];
    if ((addr & ~TLB_PAGE_MASK) + len <= TLB_PAGE_SIZE &&
        e->tag_write == (addr & TLB_PAGE_MASK)) {
        memcpy((uint8_t *)(e->addend + addr), buf, len);
        return 0;
    }
    unsigned step = ebytes > 4 ? 4 : ebytes;
    int touched = 0;
    if (ebytes == 8 && cpu_data_big_endian(cpu))
        swap_word_pairs(buf, len);   /* the caller's scratch image */
    for (unsigned i = 0; i < len; i += step) {
        uint32_t v = 0;
        memcpy(&v, buf + i, step);
        int rc = cpu_store_sized(cpu, cpu->tlb_cur, addr + i, step, v, 0);
        if (rc < 0)
            return rc;
        touched |= rc;
    }
    return touched;
}

/*
 * VLDn/VSTn. The memory image of a transfer is built in (or read into) a
 * buffer; registers change only after every load succeeded, so an abort
 * leaves Vd.. and Rn as they were. Stores may have written a prefix.
 */
static int n_ldst(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    if (!vfp_neon_enabled(cpu))
        return insn_undefined(cpu, d);
    const uint32_t imm = d->imm;
    const unsigned ebytes = 1u << LS_ESIZE(imm), es = 8 * ebytes;
    const unsigned nelem = LS_NELEM(imm), regs = LS_REGS(imm), inc = LS_INC(imm);
    const enum ls_form form = (enum ls_form)LS_FORM(imm);
    const bool load = LS_LOAD(imm);
    const uint32_t addr = cpu->r[d->rn];
    uint8_t buf[32];
    unsigned len;

    switch (form) {
    case LS_MULTIPLE:
        len = 8 * regs * nelem;
        break;
    case LS_ONE_LANE:
    default:
        len = ebytes * nelem;
        break;
    }

    /* The alignment hint always faults; SCTLR.A checks each element. */
    unsigned align = LS_ALIGN(imm) ? 1u << LS_ALIGN(imm) : 1;
    if ((addr & (align - 1)) || ((cpu->cp15.sctlr & SCTLR_A) && (addr & (ebytes - 1))))
        return neon_alignment_fault(cpu, addr, !load);

    int rc;
    uint64_t *reg = cpu->vfp.d;
    if (load) {
        rc = neon_read(cpu, addr, buf, len, ebytes);
        if (rc < 0)
            return cpu_data_abort(cpu);
        if (form == LS_MULTIPLE && nelem == 1) {
            /* VLD1: memory order is register order. */
            for (unsigned r = 0; r < regs; r++)
                memcpy(&reg[(d->rd + r) & 31], buf + 8 * r, 8);
        } else if (form == LS_MULTIPLE) {
            unsigned elems = 64 / es, pos = 0;
            for (unsigned r = 0; r < regs; r++)
                for (unsigned e = 0; e < elems; e++)
                    for (unsigned k = 0; k < nelem; k++, pos += ebytes) {
                        uint64_t x = 0;
                        memcpy(&x, buf + pos, ebytes);
                        uint64_t *dr = &reg[(d->rd + r + k * inc) & 31];
                        uint64_t mask = lane_mask(es) << (e * es);
                        *dr = (*dr & ~mask) | (x << (e * es) & mask);
                    }
        } else {
            for (unsigned k = 0; k < nelem; k++) {
                uint64_t x = 0;
                memcpy(&x, buf + k * ebytes, ebytes);
                for (unsigned r = 0; r < (form == LS_ALL_LANES ? regs : 1); r++) {
                    uint64_t *dr = &reg[(d->rd + k * inc + r) & 31];
                    if (form == LS_ALL_LANES) {
                        *dr = replicate(x, es);
                    } else {
                        unsigned sh = LS_INDEX(imm) * es;
                        uint64_t mask = lane_mask(es) << sh;
                        *dr = (*dr & ~mask) | (x << sh);
                    }
                }
            }
        }
    } else {
        if (form == LS_MULTIPLE && nelem == 1) {
            for (unsigned r = 0; r < regs; r++)
                memcpy(buf + 8 * r, &reg[(d->rd + r) & 31], 8);
        } else if (form == LS_MULTIPLE) {
            unsigned elems = 64 / es, pos = 0;
            for (unsigned r = 0; r < regs; r++)
                for (unsigned e = 0; e < elems; e++)
                    for (unsigned k = 0; k < nelem; k++, pos += ebytes) {
                        uint64_t x = lane_get(reg[(d->rd + r + k * inc) & 31], e, es);
                        memcpy(buf + pos, &x, ebytes);
                    }
        } else {
            for (unsigned k = 0; k < nelem; k++) {
                uint64_t x = lane_get(reg[(d->rd + k * inc) & 31], LS_INDEX(imm), es);
                memcpy(buf + k * ebytes, &x, ebytes);
            }
        }
        rc = neon_write(cpu, addr, buf, len, ebytes);
        if (rc < 0)
            return cpu_data_abort(cpu);
    }

    /* Writeback: Rm = 15 none, 13 by the transfer size, else Rn += Rm. */
    if (d->rm != 15)
        cpu->r[d->rn] = addr + (d->rm == 13 ? len : cpu->r[d->rm]);
    return rc > 0 ? neon_continue_exit(cpu) : 0;
}

/* VFPv4 / Advanced SIMDv2 fused multiply-accumulate (MVFR1.SIMDFMAC). */
static int n_vfma(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    if ((cpu->vfp.mvfr1 >> 28) == 0)
        return insn_undefined(cpu, d);
    return n_fma(cpu, d);
}

static int n_vfms(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    if ((cpu->vfp.mvfr1 >> 28) == 0)
        return insn_undefined(cpu, d);
    return n_fms(cpu, d);
}

/* ====================================================================== */
/* Decoding (A32 form; Thumb is translated first).                          */
/* ====================================================================== */

static inline unsigned vd_of(uint32_t insn)
{
    return bit32(insn, 22) << 4 | bits32(insn, 12, 4);
}

static inline unsigned vn_of(uint32_t insn)
{
    return bit32(insn, 7) << 4 | bits32(insn, 16, 4);
}

static inline unsigned vm_of(uint32_t insn)
{
    return bit32(insn, 5) << 4 | bits32(insn, 0, 4);
}

static void make_undefined(struct decoded_insn *d)
{
    d->handler = insn_undefined;
}

/* Q operations name Q registers by their even D number: odd is UNDEFINED. */
static bool q_regs_ok(unsigned a, unsigned b, unsigned c)
{
    return !((a | b | c) & 1);
}

/* ---- three registers of the same length (A7.4.1) ---- */

enum dp3_kind {
    DP3_UNDEF,
    DP3_INT,        /* h[0]; sizes allowed per mask */
    DP3_SHIFT,      /* like INT, operands are Vd, Vm, Vn (value, shift) */
    DP3_PAIR,       /* integer pairwise: D registers only */
    DP3_LOGIC,      /* VAND ... VBIF selected by U:size */
    DP3_FLOAT,      /* h[bit 21], sz (bit 20) must be 0 */
    DP3_FPAIR, /* float pairwise, D only */
    DP3_FADD_PAIR,  /* U=1 op 1101: VPADD.F32 (bit 21 = 0, D only) / VABD.F32 */
};

struct dp3_entry {
    uint8_t kind;
    uint8_t sizes;        /* bit n: size n allowed (integer kinds) */
    insn_handler h[2];
};

#define S012 0x7u
#define S0123 0xfu
#define S12 0x6u
#define S0 0x1u

/* Indexed by opcode (bits 11:8), B (bit 4), U (bit 24). */
static const struct dp3_entry dp3_table[16][2][2] = {
    [0x0] = { { { DP3_INT, S012, { n_hadd } }, { DP3_INT, S012, { n_hadd } } },
              { { DP3_INT, S0123, { n_qadd } }, { DP3_INT, S0123, { n_qadd } } } },
    [0x1] = { { { DP3_INT, S012, { n_rhadd } }, { DP3_INT, S012, { n_rhadd } } },
              { { DP3_LOGIC, 0, { 0 } }, { DP3_LOGIC, 0, { 0 } } } },
    [0x2] = { { { DP3_INT, S012, { n_hsub } }, { DP3_INT, S012, { n_hsub } } },
              { { DP3_INT, S0123, { n_qsub } }, { DP3_INT, S0123, { n_qsub } } } },
    [0x3] = { { { DP3_INT, S012, { n_cgt } }, { DP3_INT, S012, { n_cgt } } },
              { { DP3_INT, S012, { n_cge } }, { DP3_INT, S012, { n_cge } } } },
    [0x4] = { { { DP3_SHIFT, S0123, { n_shl } }, { DP3_SHIFT, S0123, { n_shl } } },
              { { DP3_SHIFT, S0123, { n_qshl } }, { DP3_SHIFT, S0123, { n_qshl } } } },
    [0x5] = { { { DP3_SHIFT, S0123, { n_rshl } }, { DP3_SHIFT, S0123, { n_rshl } } },
              { { DP3_SHIFT, S0123, { n_qrshl } }, { DP3_SHIFT, S0123, { n_qrshl } } } },
    [0x6] = { { { DP3_INT, S012, { n_max } }, { DP3_INT, S012, { n_max } } },
              { { DP3_INT, S012, { n_min } }, { DP3_INT, S012, { n_min } } } },
    [0x7] = { { { DP3_INT, S012, { n_abd } }, { DP3_INT, S012, { n_abd } } },
              { { DP3_INT, S012, { n_aba } }, { DP3_INT, S012, { n_aba } } } },
    [0x8] = { { { DP3_INT, S0123, { n_add } }, { DP3_INT, S0123, { n_sub } } },
              { { DP3_INT, S012, { n_tst } }, { DP3_INT, S012, { n_ceq } } } },
    [0x9] = { { { DP3_INT, S012, { n_mla } }, { DP3_INT, S012, { n_mls } } },
              { { DP3_INT, S012, { n_mul } }, { DP3_INT, S0, { n_pmul } } } },
    [0xa] = { { { DP3_PAIR, S012, { n_pmax } }, { DP3_PAIR, S012, { n_pmax } } },
              { { DP3_PAIR, S012, { n_pmin } }, { DP3_PAIR, S012, { n_pmin } } } },
    [0xb] = { { { DP3_INT, S12, { n_qdmulh } }, { DP3_INT, S12, { n_qrdmulh } } },
              { { DP3_PAIR, S012, { n_padd } }, { DP3_UNDEF, 0, { 0 } } } },
    [0xc] = { { { DP3_UNDEF, 0, { 0 } }, { DP3_UNDEF, 0, { 0 } } },
              { { DP3_FLOAT, 0, { n_vfma, n_vfms } }, { DP3_UNDEF, 0, { 0 } } } },
    [0xd] = { { { DP3_FLOAT, 0, { n_fadd, n_fsub } }, { DP3_FADD_PAIR, 0, { n_fpadd, n_fabd } } },
              { { DP3_FLOAT, 0, { n_fmla, n_fmls } }, { DP3_FLOAT, 0, { n_fmul, NULL } } } },
    [0xe] = { { { DP3_FLOAT, 0, { n_fceq, NULL } }, { DP3_FLOAT, 0, { n_fcge, n_fcgt } } },
              { { DP3_UNDEF, 0, { 0 } }, { DP3_FLOAT, 0, { n_facge, n_facgt } } } },
    [0xf] = { { { DP3_FLOAT, 0, { n_fmax, n_fmin } }, { DP3_FPAIR, 0, { n_fpmax, n_fpmin } } },
              { { DP3_FLOAT, 0, { n_frecps, n_frsqrts } }, { DP3_UNDEF, 0, { 0 } } } },
};

/* VAND VBIC VORR VORN / VEOR VBSL VBIT VBIF by U:size. */
static const insn_handler dp3_logic[8] = {
    n_and, n_bic, n_orr, n_orn, n_eor, n_bsl, n_bit, n_bif,
};

static void dec_three_same(uint32_t insn, struct decoded_insn *d)
{
    const unsigned size = bits32(insn, 20, 2);
    const bool q = bit32(insn, 6), u = bit32(insn, 24);
    const struct dp3_entry *e = &dp3_table[bits32(insn, 8, 4)][bit32(insn, 4)][u];
    if (q)
        d->flags |= NF_Q;
    if (u)
        d->flags |= NF_U;
    d->shift = (uint8_t)size;
    switch (e->kind) {
    case DP3_INT:
    case DP3_SHIFT:
    case DP3_PAIR:
        if (!((e->sizes >> size) & 1) || (e->kind == DP3_PAIR && q))
            return make_undefined(d);
        d->handler = e->h[0];
        if (e->kind == DP3_SHIFT) {
            unsigned t = d->rn;
            d->rn = d->rm;
            d->rm = (uint8_t)t;
        }
        break;
    case DP3_LOGIC:
        d->handler = dp3_logic[u << 2 | size];
        d->shift = 3;
        break;
    case DP3_FLOAT:
    case DP3_FPAIR:
    case DP3_FADD_PAIR: {
        bool op = bit32(insn, 21);
        bool pair = e->kind == DP3_FPAIR || (e->kind == DP3_FADD_PAIR && !op);
        if (bit32(insn, 20) || !e->h[op] || (pair && q))
            return make_undefined(d);
        d->handler = e->h[op];
        d->shift = 2;
        break;
    }
    default:
        return make_undefined(d);
    }
    if (q && !q_regs_ok(d->rd, d->rn, d->rm))
        make_undefined(d);
}

/* ---- three registers of different lengths (A7.4.2) ---- */

enum dpl_kind { DPL_UNDEF, DPL_LONG, DPL_WIDE, DPL_NARROW };

struct dpl_entry {
    uint8_t kind;
    uint8_t sizes;
    insn_handler h[2];   /* by U */
};

static const struct dpl_entry dpl_table[16] = {
    [0x0] = { DPL_LONG, S012, { n_addl, n_addl } },
    [0x1] = { DPL_WIDE, S012, { n_addl, n_addl } },
    [0x2] = { DPL_LONG, S012, { n_subl, n_subl } },
    [0x3] = { DPL_WIDE, S012, { n_subl, n_subl } },
    [0x4] = { DPL_NARROW, S012, { n_addhn, n_raddhn } },
    [0x5] = { DPL_LONG, S012, { n_abal, n_abal } },
    [0x6] = { DPL_NARROW, S012, { n_subhn, n_rsubhn } },
    [0x7] = { DPL_LONG, S012, { n_abdl, n_abdl } },
    [0x8] = { DPL_LONG, S012, { n_mlal, n_mlal } },
    [0x9] = { DPL_LONG, S12, { n_qdmlal, NULL } },
    [0xa] = { DPL_LONG, S012, { n_mlsl, n_mlsl } },
    [0xb] = { DPL_LONG, S12, { n_qdmlsl, NULL } },
    [0xc] = { DPL_LONG, S012, { n_mull, n_mull } },
    [0xd] = { DPL_LONG, S12, { n_qdmull, NULL } },
    [0xe] = { DPL_LONG, S0, { n_pmull, NULL } },   /* VMULL.P8 */
};

static void dec_three_diff(uint32_t insn, struct decoded_insn *d)
{
    const unsigned size = bits32(insn, 20, 2);
    const bool u = bit32(insn, 24);
    const struct dpl_entry *e = &dpl_table[bits32(insn, 8, 4)];
    if (e->kind == DPL_UNDEF || !((e->sizes >> size) & 1) || !e->h[u])
        return make_undefined(d);
    d->handler = e->h[u];
    d->shift = (uint8_t)size;
    /* VMULL.P8 is an unsigned operation; VADDHN & co ignore U. */
    if (u || e->h[0] == n_pmull)
        d->flags |= NF_U;
    bool ok;
    switch (e->kind) {
    case DPL_LONG:
        ok = !(d->rd & 1);
        break;
    case DPL_WIDE:
        d->flags |= NF_W;
        ok = !((d->rd | d->rn) & 1);
        break;
    default:
        ok = !((d->rn | d->rm) & 1);
        break;
    }
    if (!ok)
        make_undefined(d);
}

/* ---- two registers and a scalar (A7.4.3) ---- */

enum dps_kind { DPS_UNDEF, DPS_Q, DPS_QF, DPS_LONG };

struct dps_entry {
    uint8_t kind;       /* DPS_Q: U is Q; DPS_QF: float, U is Q; DPS_LONG: U signedness */
    insn_handler h;
};

static const struct dps_entry dps_table[16] = {
    [0x0] = { DPS_Q, n_mla },
    [0x1] = { DPS_QF, n_fmla },
    [0x2] = { DPS_LONG, n_mlal },
    [0x3] = { DPS_LONG, n_qdmlal },
    [0x4] = { DPS_Q, n_mls },
    [0x5] = { DPS_QF, n_fmls },
    [0x6] = { DPS_LONG, n_mlsl },
    [0x7] = { DPS_LONG, n_qdmlsl },
    [0x8] = { DPS_Q, n_mul },
    [0x9] = { DPS_QF, n_fmul },
    [0xa] = { DPS_LONG, n_mull },
    [0xb] = { DPS_LONG, n_qdmull },
    [0xc] = { DPS_Q, n_qdmulh },
    [0xd] = { DPS_Q, n_qrdmulh },
};

static void dec_scalar(uint32_t insn, struct decoded_insn *d)
{
    const unsigned size = bits32(insn, 20, 2);
    const unsigned op = bits32(insn, 8, 4);
    const bool u = bit32(insn, 24);
    const struct dps_entry *e = &dps_table[op];
    /* VQDMLAL/VQDMLSL/VQDMULL are signed only. */
    bool signed_only = op == 0x3 || op == 0x7 || op == 0xb;
    if (e->kind == DPS_UNDEF || size == 0 || (e->kind == DPS_QF && size != 2) ||
        (signed_only && u))
        return make_undefined(d);
    d->handler = e->h;
    d->shift = (uint8_t)size;
    d->flags |= NF_SCALAR;
    if (size == 1) {
        d->rm = (uint8_t)bits32(insn, 0, 3);
        d->imm = bit32(insn, 5) << 1 | bit32(insn, 3);
    } else {
        d->rm = (uint8_t)bits32(insn, 0, 4);
        d->imm = bit32(insn, 5);
    }
    if (e->kind == DPS_LONG) {
        if (u)
            d->flags |= NF_U;
        if (d->rd & 1)
            make_undefined(d);
    } else if (u) {
        d->flags |= NF_Q;
        if ((d->rd | d->rn) & 1)
            make_undefined(d);
    }
}

/* ---- two registers and a shift amount (A7.4.4) ---- */

static void dec_shift(uint32_t insn, struct decoded_insn *d)
{
    const bool l = bit32(insn, 7), q = bit32(insn, 6), u = bit32(insn, 24);
    const unsigned imm6 = bits32(insn, 16, 6), op = bits32(insn, 8, 4);
    unsigned size;
    if (l)
        size = 3;
    else if (imm6 & 0x20)
        size = 2;
    else if (imm6 & 0x10)
        size = 1;
    else
        size = 0;
    const unsigned esize = 8u << size;
    const unsigned right = (l ? 64 : 2 * esize) - imm6;   /* right shift amount */
    const unsigned left = l ? imm6 : imm6 - esize;        /* left shift amount */
    d->shift = (uint8_t)size;
    d->rn = d->rm;
    if (q)
        d->flags |= NF_Q;
    if (u)
        d->flags |= NF_U;

    enum { SH_ELEM, SH_NARROW, SH_LONG } shape = SH_ELEM;
    switch (op) {
    case 0x0: d->handler = n_shr; d->imm = right; break;
    case 0x1: d->handler = n_sra; d->imm = right; break;
    case 0x2: d->handler = n_rshr; d->imm = right; break;
    case 0x3: d->handler = n_rsra; d->imm = right; break;
    case 0x4:
        if (!u)
            return make_undefined(d);
        d->handler = n_sri;
        d->imm = right;
        break;
    case 0x5: d->handler = u ? n_sli : n_shl_imm; d->imm = left; break;
    case 0x6:
        if (!u)
            return make_undefined(d);
        d->handler = n_qshlu_imm;
        d->imm = left;
        break;
    case 0x7: d->handler = n_qshl_imm; d->imm = left; break;
    case 0x8:
    case 0x9:
        if (l)
            return make_undefined(d);
        shape = SH_NARROW;
        d->imm = right;
        if (op == 0x8)
            d->handler = u ? (q ? n_qrshrun : n_qshrun) : (q ? n_rshrn : n_shrn);
        else
            d->handler = q ? n_qrshrn : n_qshrn;
        /* VQSHRUN and friends read signed elements: U is the result's. */
        if (op == 0x8)
            d->flags &= (uint8_t)~NF_U;
        d->flags &= (uint8_t)~NF_Q;
        break;
    case 0xa:
        if (l || q)
            return make_undefined(d);
        shape = SH_LONG;
        d->handler = n_shll;
        d->imm = left;
        break;
    case 0xe:
    case 0xf:
        /* VCVT fixed point <-> single (A8.8.308): fbits = 64 - imm6. */
        if (l || !(imm6 & 0x20))
            return make_undefined(d);
        d->imm = 64 - imm6;
        d->shift = 2;
        if (op == 0xe)
            d->handler = u ? n_cvt_f_u : n_cvt_f_s;
        else
            d->handler = u ? n_cvt_u_f : n_cvt_s_f;
        break;
    default:
        return make_undefined(d);
    }
    bool ok;
    switch (shape) {
    case SH_NARROW:
        ok = !(d->rm & 1);
        break;
    case SH_LONG:
        ok = !(d->rd & 1);
        break;
    default:
        ok = !q || q_regs_ok(d->rd, d->rm, 0);
        break;
    }
    if (!ok)
        make_undefined(d);
}

/* ---- one register and a modified immediate (A7.4.6) ---- */

static void dec_modimm(uint32_t insn, struct decoded_insn *d)
{
    const unsigned cmode = bits32(insn, 8, 4);
    const bool op = bit32(insn, 5), q = bit32(insn, 6);
    const uint32_t imm8 = bit32(insn, 24) << 7 | bits32(insn, 16, 3) << 4 | bits32(insn, 0, 4);
    uint32_t v;   /* AdvSIMDExpandImm's 32-bit pattern */
    if (q) {
        d->flags |= NF_Q;
        if (d->rd & 1)
            return make_undefined(d);
    }
    switch (cmode >> 1) {
    case 0: v = imm8; break;
    case 1: v = imm8 << 8; break;
    case 2: v = imm8 << 16; break;
    case 3: v = imm8 << 24; break;
    case 4: v = (imm8 | imm8 << 16); break;
    case 5: v = (imm8 << 8 | imm8 << 24); break;
    case 6: v = (cmode & 1) ? (imm8 << 16 | 0xffff) : (imm8 << 8 | 0xff); break;
    default:
        if (!(cmode & 1)) {
            if (op) {   /* 64-bit byte mask */
                d->rs = 1;
                d->imm = imm8;
                d->handler = n_vmov_imm;
                return;
            }
            v = imm8 * 0x01010101u;
        } else {
            if (op)
                return make_undefined(d);
            /* VFPExpandImm for single precision */
            v = (imm8 >> 7) << 31 | ((imm8 & 0x40) ? 0x3e000000u : 0x40000000u) |
                (imm8 & 0x3f) << 19;
        }
        d->imm = v;
        d->handler = n_vmov_imm;
        return;
    }
    /* Odd cmode below 12 is VORR (op 0) / VBIC (op 1); the rest VMOV/VMVN. */
    bool orr_bic = (cmode & 1) && cmode < 12;
    if (orr_bic) {
        d->imm = op ? ~v : v;
        d->handler = op ? n_vand_imm : n_vorr_imm;
    } else {
        d->imm = op ? ~v : v;
        d->handler = n_vmov_imm;
    }
}

/* ---- two registers, miscellaneous (A7.4.5) ---- */

static void dec_two_misc(uint32_t insn, struct decoded_insn *d)
{
    const unsigned size = bits32(insn, 18, 2), a = bits32(insn, 16, 2);
    const unsigned b = bits32(insn, 7, 4);   /* bits 10:7 */
    const bool q = bit32(insn, 6);
    d->shift = (uint8_t)size;
    d->rn = d->rm;
    if (q)
        d->flags |= NF_Q;
    bool q_checked = true;   /* Vd and Vm are both Q when Q = 1 */
    bool size_ok = size != 3;

    switch (a) {
    case 0:
        switch (b) {
        case 0x0: case 0x1: case 0x2:   /* VREV64/32/16 */
            d->handler = n_rev;
            d->imm = 64u >> b;
            size_ok = size + b < 3;
            break;
        case 0x4: case 0x5:   /* VPADDL */
        case 0xc: case 0xd:   /* VPADAL */
            d->handler = n_paddl;
            if (b & 1)
                d->flags |= NF_U;
            d->imm = b >= 0xc;
            break;
        case 0x8: d->handler = n_cls; break;
        case 0x9: d->handler = n_clz; break;
        case 0xa: d->handler = n_cnt; size_ok = size == 0; break;
        case 0xb: d->handler = n_mvn; size_ok = size == 0; d->shift = 3; break;
        case 0xe: d->handler = n_qabs; break;
        case 0xf: d->handler = n_qneg; break;
        default: return make_undefined(d);
        }
        break;
    case 1: {
        static const insn_handler int_ops[8] = {
            n_cgt0, n_cge0, n_ceq0, n_cle0, n_clt0, NULL, n_abs, n_neg,
        };
        static const insn_handler fp_ops[8] = {
            n_fcgt0, n_fcge0, n_fceq0, n_fcle0, n_fclt0, NULL, n_fabs, n_fneg,
        };
        bool f = b & 8;
        d->handler = (f ? fp_ops : int_ops)[b & 7];
        if (!d->handler)
            return make_undefined(d);
        if (f)
            size_ok = size == 2;
        break;
    }
    case 2:
        switch (b) {
        case 0x0:
            d->handler = n_swp;
            size_ok = size == 0;
            break;
        case 0x1:
        case 0x2:
        case 0x3:
            d->handler = n_permute;
            d->imm = b == 1 ? PERM_TRN : b == 2 ? PERM_UZP : PERM_ZIP;
            if (b != 1 && !q && size == 2)
                size_ok = false;
            break;
        case 0x4:
        case 0x5: {
            /* VMOVN, VQMOVUN, VQMOVN.S, VQMOVN.U by bits 7:6. */
            static const insn_handler movn[4] = { n_movn, n_qmovun, n_qmovn, n_qmovn };
            unsigned op = bits32(insn, 6, 2);
            d->handler = movn[op];
            if (op == 3)
                d->flags |= NF_U;
            d->flags &= (uint8_t)~NF_Q;
            q_checked = false;
            if (d->rm & 1)
                return make_undefined(d);
            break;
        }
        case 0x6:
            /* VSHLL by the element size (A8.8.395 encoding 2). */
            if (q)
                return make_undefined(d);
            d->handler = n_shll;
            d->imm = 8u << size;
            q_checked = false;
            if (d->rd & 1)
                return make_undefined(d);
            break;
        case 0xc:
        case 0xe:
            /* VCVT half <-> single: bit 8 = to single. */
            if (q || size != 1)
                return make_undefined(d);
            d->handler = n_cvt_half;
            d->imm = bit32(insn, 8);
            q_checked = false;
            if ((d->imm ? d->rd : d->rm) & 1)
                return make_undefined(d);
            break;
        default:
            return make_undefined(d);
        }
        break;
    default: /* 3 */
        /* bits 10:7: 10F0 VRECPE, 10F1 VRSQRTE, 11op VCVT float <-> integer */
        if ((b & 0xc) == 0xc) {
            static const insn_handler cvt[4] = { n_cvt_f_s, n_cvt_f_u, n_cvt_s_f, n_cvt_u_f };
            d->handler = cvt[bits32(insn, 7, 2)];
        } else if ((b & 0xc) == 0x8) {
            bool f = bit32(insn, 8), rsqrt = bit32(insn, 7);
            d->handler = f ? (rsqrt ? n_frsqrte : n_frecpe) : (rsqrt ? n_ursqrte : n_urecpe);
        } else {
            return make_undefined(d);
        }
        size_ok = size == 2;
        d->imm = 0;
        break;
    }
    if (!size_ok)
        return make_undefined(d);
    if (q && q_checked && !q_regs_ok(d->rd, d->rm, 0))
        make_undefined(d);
}

/* ---- VEXT, VTBL/VTBX, VDUP (scalar) ---- */

static void dec_vext(uint32_t insn, struct decoded_insn *d)
{
    const bool q = bit32(insn, 6);
    d->imm = bits32(insn, 8, 4);
    d->handler = n_ext;
    if (q)
        d->flags |= NF_Q;
    if ((!q && d->imm >= 8) || (q && !q_regs_ok(d->rd, d->rn, d->rm)))
        make_undefined(d);
}

static void dec_vtbl(uint32_t insn, struct decoded_insn *d)
{
    d->imm = bits32(insn, 8, 2) + 1;
    d->handler = n_tbl;
    if (bit32(insn, 6))
        d->flags |= NF_U;
    if (d->rn + d->imm > 32)
        make_undefined(d);
}

static void dec_vdup_scalar(uint32_t insn, struct decoded_insn *d)
{
    const unsigned imm4 = bits32(insn, 16, 4);
    const bool q = bit32(insn, 6);
    if (imm4 & 1) {
        d->shift = 0;
        d->imm = imm4 >> 1;
    } else if (imm4 & 2) {
        d->shift = 1;
        d->imm = imm4 >> 2;
    } else if (imm4 & 4) {
        d->shift = 2;
        d->imm = imm4 >> 3;
    } else {
        return make_undefined(d);
    }
    d->handler = n_dup_scalar;
    if (q) {
        d->flags |= NF_Q;
        if (d->rd & 1)
            make_undefined(d);
    }
}

/* Advanced SIMD data processing, A7.4 Table A7-8 (A = bits 23:19,
 * B = bits 11:8, C = bits 7:4). */
static void dec_data_processing(uint32_t insn, struct decoded_insn *d)
{
    d->rd = (uint8_t)vd_of(insn);
    d->rn = (uint8_t)vn_of(insn);
    d->rm = (uint8_t)vm_of(insn);
    if (!bit32(insn, 23))
        return dec_three_same(insn, d);
    if (bit32(insn, 4)) {
        if (!bit32(insn, 7) && bits32(insn, 19, 3) == 0)
            return dec_modimm(insn, d);
        return dec_shift(insn, d);
    }
    if (bits32(insn, 20, 2) != 3)
        return bit32(insn, 6) ? dec_scalar(insn, d) : dec_three_diff(insn, d);
    if (!bit32(insn, 24))
        return dec_vext(insn, d);
    unsigned b = bits32(insn, 8, 4);
    if (!(b & 8))
        return dec_two_misc(insn, d);
    if ((b & 0xc) == 0x8)
        return dec_vtbl(insn, d);
    if (b == 0xc && !bit32(insn, 7))
        return dec_vdup_scalar(insn, d);
    make_undefined(d);
}

/* ---- element and structure loads/stores (A7.7) ---- */

/* Multiple structures by type (bits 11:8): elements, registers, spacing. */
struct ls_multi {
    uint8_t nelem, regs, inc;
    uint8_t bad_align;   /* bit n: align value n UNDEFINED */
};

static const struct ls_multi ls_multi_table[16] = {
    [0x7] = { 1, 1, 1, 0xc },   /* VLD1, one register: align<1> = 0 */
    [0xa] = { 1, 2, 1, 0x8 },   /* two registers: align != 11 */
    [0x6] = { 1, 3, 1, 0xc },
    [0x2] = { 1, 4, 1, 0x0 },
    [0x8] = { 2, 1, 1, 0x8 },   /* VLD2 */
    [0x9] = { 2, 1, 2, 0x8 },
    [0x3] = { 2, 2, 2, 0x0 },
    [0x4] = { 3, 1, 1, 0xc },   /* VLD3 */
    [0x5] = { 3, 1, 2, 0xc },
    [0x0] = { 4, 1, 1, 0x0 },   /* VLD4 */
    [0x1] = { 4, 1, 2, 0x0 },
};

static void dec_ldst_multiple(uint32_t insn, struct decoded_insn *d, bool load)
{
    const struct ls_multi *m = &ls_multi_table[bits32(insn, 8, 4)];
    const unsigned size = bits32(insn, 6, 2), align = bits32(insn, 4, 2);
    if (!m->nelem || ((m->bad_align >> align) & 1) || (size == 3 && m->nelem > 1))
        return make_undefined(d);
    if (d->rd + (m->regs - 1) + (m->nelem - 1) * m->inc > 31)
        return make_undefined(d);
    d->imm = ls_pack(size, m->nelem, m->regs, m->inc, align ? align + 2 : 0, 0, LS_MULTIPLE,
                     load);
}

static void dec_ldst_one_lane(uint32_t insn, struct decoded_insn *d, bool load)
{
    const unsigned size = bits32(insn, 10, 2), nelem = bits32(insn, 8, 2) + 1;
    const unsigned ia = bits32(insn, 4, 4);
    unsigned index, inc = 1, align = 0;   /* align: log2 bytes, 0 none */
    switch (size) {
    case 0:
        index = ia >> 1;
        if (ia & 1) {
            if (nelem == 1 || nelem == 3)
                return make_undefined(d);
            align = nelem == 2 ? 1 : 2;
        }
        break;
    case 1:
        index = ia >> 2;
        if (nelem == 1 && (ia & 2))
            return make_undefined(d);
        if (nelem > 1 && (ia & 2))
            inc = 2;
        if (ia & 1) {
            if (nelem == 3)
                return make_undefined(d);
            align = nelem == 1 ? 1 : nelem == 2 ? 2 : 3;
        }
        break;
    default: /* 2 */
        index = ia >> 3;
        if (nelem == 1) {
            if ((ia & 4) || ((ia & 3) != 0 && (ia & 3) != 3))
                return make_undefined(d);
            align = (ia & 3) ? 2 : 0;
        } else {
            if (ia & 4)
                inc = 2;
            if (nelem == 2) {
                if (ia & 2)
                    return make_undefined(d);
                align = (ia & 1) ? 3 : 0;
            } else if (nelem == 3) {
                if (ia & 3)
                    return make_undefined(d);
            } else {
                if ((ia & 3) == 3)
                    return make_undefined(d);
                align = (ia & 3) ? 2 + (ia & 3) : 0;
            }
        }
        break;
    }
    if (d->rd + (nelem - 1) * inc > 31)
        return make_undefined(d);
    d->imm = ls_pack(size, nelem, 1, inc, align, index, LS_ONE_LANE, load);
}

static void dec_ld_all_lanes(uint32_t insn, struct decoded_insn *d)
{
    const unsigned nelem = bits32(insn, 8, 2) + 1;
    unsigned size = bits32(insn, 6, 2);
    const bool t = bit32(insn, 5), a = bit32(insn, 4);
    unsigned regs = 1, inc = 1, align = 0;
    switch (nelem) {
    case 1:
        if (size == 3 || (size == 0 && a))
            return make_undefined(d);
        regs = t ? 2 : 1;
        align = a ? size : 0;
        break;
    case 2:
        if (size == 3)
            return make_undefined(d);
        inc = t ? 2 : 1;
        align = a ? size + 1 : 0;
        break;
    case 3:
        if (size == 3 || a)
            return make_undefined(d);
        inc = t ? 2 : 1;
        break;
    default:
        inc = t ? 2 : 1;
        if (size == 3) {
            if (!a)
                return make_undefined(d);
            size = 2;
            align = 4;
        } else {
            align = a ? (size == 2 ? 3 : size + 2) : 0;
        }
        break;
    }
    if (d->rd + (regs - 1) + (nelem - 1) * inc > 31)
        return make_undefined(d);
    d->imm = ls_pack(size, nelem, regs, inc, align, 0, LS_ALL_LANES, true);
}

static void dec_load_store(uint32_t insn, struct decoded_insn *d)
{
    const bool load = bit32(insn, 21);
    d->rd = (uint8_t)vd_of(insn);
    d->rn = (uint8_t)bits32(insn, 16, 4);
    d->rm = (uint8_t)bits32(insn, 0, 4);
    d->handler = n_ldst;
    if (d->rn == 15)
        return make_undefined(d);
    if (!bit32(insn, 23))
        dec_ldst_multiple(insn, d, load);
    else if (bits32(insn, 10, 2) != 3)
        dec_ldst_one_lane(insn, d, load);
    else if (load)
        dec_ld_all_lanes(insn, d);
    else
        make_undefined(d);
}

void neon_decode_arm(const struct cpu_model *model, uint32_t insn, struct decoded_insn *d)
{
    d->handler = insn_undefined;
    d->raw = insn;
    d->imm = 0;
    d->cond = COND_AL;
    d->rd = d->rn = d->rm = d->rs = 0;
    d->shift = 0;
    d->len = 4;
    d->flags = 0;
    if (!(model->features & CPU_FEAT_NEON))
        return;
    if ((insn & 0xff100000u) == 0xf4000000u)
        dec_load_store(insn, d);
    else if ((insn & 0xfe000000u) == 0xf2000000u)
        dec_data_processing(insn, d);
}

/* T32 -> A32: data processing 111U 1111 -> 1111 001U, loads/stores
 * 1111 1001 -> 1111 0100 (A7.4, A7.7: "the T32 encoding is the A32
 * encoding with the U bit moved"). */
void neon_decode_thumb(const struct cpu_model *model, uint32_t insn32, struct decoded_insn *d)
{
    uint32_t a32;
    if ((insn32 & 0xef000000u) == 0xef000000u)
        a32 = 0xf2000000u | bit32(insn32, 28) << 24 | (insn32 & 0x00ffffffu);
    else if ((insn32 & 0xff100000u) == 0xf9000000u)
        a32 = 0xf4000000u | (insn32 & 0x00ffffffu);
    else
        a32 = 0;   /* not Advanced SIMD: UNDEFINED below */
    neon_decode_arm(model, a32, d);
    d->raw = insn32;
}
