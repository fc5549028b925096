/*
 * ARM multiplies: MUL/MLA and the 64-bit UMULL/UMLAL/SMULL/SMLAL (DDI 0100I
 * A4.1.40, A4.1.35, A4.1.129, A4.1.128, A4.1.87, A4.1.76), and the ARMv5TE
 * signed halfword forms SMLA<x><y>, SMLAW<y>, SMULW<y>, SMLAL<x><y>,
 * SMUL<x><y> (A4.1.74, A4.1.79, A4.1.88, A4.1.75, A4.1.86); the ARMv6
 * UMAAL and ARMv6T2 MLS (DDI 0406C A8.8.255, A8.8.101).
 *
 * Flags: on ARMv5 the S forms set N and Z only; C and V are unchanged
 * (ARMv4 left C UNPREDICTABLE, ARMv5 defines it as unaffected). The DSP
 * accumulating forms set the sticky Q flag when the 32-bit accumulate
 * overflows; the 64-bit SMLAL<x><y> never touches Q.
 *
 * Registers (see arm_exec.h): rd = Rd/RdHi, rn = Rn(accumulate)/RdLo,
 * rs = Rs, rm = Rm; the decoder never lets a destination be the PC.
 */
#include "cpu/arm_exec.h"

#define ALWAYS_INLINE inline __attribute__((always_inline))

static ALWAYS_INLINE int mul_exec(struct arm_cpu *cpu, const struct decoded_insn *d,
                                  unsigned op, bool s)
{
    uint32_t rm = cpu->r[d->rm];
    uint32_t rs = cpu->r[d->rs];

    if (op == MUL_MUL || op == MUL_MLA) {
        uint32_t result = rm * rs;
        if (op == MUL_MLA)
            result += cpu->r[d->rn];
        cpu->r[d->rd] = result;
        if (s)
            set_nz(cpu, result);
        return 0;
    }

    uint64_t result;
    if (op == MUL_UMULL || op == MUL_UMLAL)
        result = (uint64_t)rm * rs;
    else
        result = (uint64_t)((int64_t)(int32_t)rm * (int32_t)rs);
    if (op == MUL_UMLAL || op == MUL_SMLAL)
        result += (uint64_t)cpu->r[d->rd] << 32 | cpu->r[d->rn];
    /* RdLo first: with RdHi == RdLo (UNPREDICTABLE) the high word wins,
     * as in QEMU. */
    cpu->r[d->rn] = (uint32_t)result;
    cpu->r[d->rd] = (uint32_t)(result >> 32);
    if (s)
        set_nz64(cpu, result);
    return 0;
}

#define MUL_OPS(X) X(MUL) X(MLA) X(UMULL) X(UMLAL) X(SMULL) X(SMLAL)

#define MUL_HANDLERS_OF(op)                                                         \
    static int mul_##op##_0(struct arm_cpu *cpu, const struct decoded_insn *d)     \
    {                                                                               \
        return mul_exec(cpu, d, MUL_##op, false);                                   \
    }                                                                               \
    static int mul_##op##_1(struct arm_cpu *cpu, const struct decoded_insn *d)     \
    {                                                                               \
        return mul_exec(cpu, d, MUL_##op, true);                                    \
    }

MUL_OPS(MUL_HANDLERS_OF)

#define MUL_ROW(op) [MUL_##op] = { mul_##op##_0, mul_##op##_1 },

const insn_handler arm_mul_handlers[MUL_OP_COUNT][2] = {
    MUL_OPS(MUL_ROW)
};

/* Signed 16-bit half of value: the top one when top is set. */
static inline int32_t half16(uint32_t value, bool top)
{
    return (int16_t)(top ? value >> 16 : value);
}

/* Rd = Rm.x * Rs.y + Rn; Q on signed overflow of the addition. */
int arm_smlaxy(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    int32_t product = half16(cpu->r[d->rm], d->flags & MULF_X) *
                      half16(cpu->r[d->rs], d->flags & MULF_Y);
    cpu->r[d->rd] = arm_add_set_q(cpu, (uint32_t)product, cpu->r[d->rn]);
    return 0;
}

/* Rd = Rm.x * Rs.y; the product of two 16-bit values always fits. */
int arm_smulxy(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    int32_t product = half16(cpu->r[d->rm], d->flags & MULF_X) *
                      half16(cpu->r[d->rs], d->flags & MULF_Y);
    cpu->r[d->rd] = (uint32_t)product;
    return 0;
}

/* The top 32 bits of the 48-bit product Rm * Rs.y. */
static inline uint32_t smulw_product(const struct arm_cpu *cpu, const struct decoded_insn *d)
{
    int64_t product = (int64_t)(int32_t)cpu->r[d->rm] * half16(cpu->r[d->rs], d->flags & MULF_Y);
    return (uint32_t)(product >> 16);
}

int arm_smlawy(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    cpu->r[d->rd] = arm_add_set_q(cpu, smulw_product(cpu, d), cpu->r[d->rn]);
    return 0;
}

int arm_smulwy(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    cpu->r[d->rd] = smulw_product(cpu, d);
    return 0;
}

/* RdHi:RdLo += Rm.x * Rs.y (64-bit, wraps, no Q). */
int arm_smlalxy(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    int64_t product = (int64_t)half16(cpu->r[d->rm], d->flags & MULF_X) *
                      half16(cpu->r[d->rs], d->flags & MULF_Y);
    uint64_t acc = (uint64_t)cpu->r[d->rd] << 32 | cpu->r[d->rn];
    acc += (uint64_t)product;
    cpu->r[d->rn] = (uint32_t)acc;
    cpu->r[d->rd] = (uint32_t)(acc >> 32);
    return 0;
}

/* UMAAL (ARMv6, A8.8.255): RdHi:RdLo = Rn * Rm + RdHi + RdLo; the sum
 * cannot overflow 64 bits. No flags. */
int arm_umaal(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    uint64_t result = (uint64_t)cpu->r[d->rm] * cpu->r[d->rs] + cpu->r[d->rd] + cpu->r[d->rn];
    cpu->r[d->rn] = (uint32_t)result;
    cpu->r[d->rd] = (uint32_t)(result >> 32);
    return 0;
}

/* MLS (ARMv6T2, A8.8.101): Rd = Ra - Rn * Rm. No flags. */
int arm_mls(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    cpu->r[d->rd] = cpu->r[d->rn] - cpu->r[d->rm] * cpu->r[d->rs];
    return 0;
}
