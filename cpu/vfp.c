/*
 * VFPv3-D32 (Cortex-A9) and VFPv4-D32 (Cortex-A15) through the cp10/cp11
 * coprocessor interface (ARM ARM DDI 0406C, A7.5 "Floating-point
 * data-processing instructions", A7.6 "Extension register load/store
 * instructions", A7.8 "8, 16, and 32-bit transfer between ARM core and
 * extension registers", A7.9 "64-bit transfers").
 *
 *   CDP  cp10/11            VADD ... VCVT (vfp_cdp)
 *   MCR/MRC cp10, opc1 0    VMOV Sn <-> Rt
 *   MCR/MRC cp10, opc1 7    VMSR / VMRS (FPSID, FPSCR, MVFR0/1, FPEXC)
 *   MCR cp11                VMOV Dd[x] <- Rt (opc1 0xx), VDUP (opc1 1xx)
 *   MRC cp11                VMOV Rt <- Dn[x]
 *   MCRR/MRRC cp10/cp11     VMOV two singles / one double <-> Rt, Rt2
 *   LDC/STC cp10/cp11       VLDR/VSTR, VLDM/VSTM (VPUSH/VPOP)
 *
 * Every access is checked against CPACR.cp10 (B4.1.40) and FPEXC.EN, as
 * the CheckAdvSIMDOrVFPEnabled() pseudocode does: a disabled unit makes
 * the instruction UNDEFINED, which is how Linux switches VFP contexts
 * lazily. The ID and FPEXC registers remain reachable from PL1 while
 * FPEXC.EN is clear.
 *
 * Not modelled: short vectors. Neither core supports them (MVFR0[27:24]
 * = 0): a data-processing instruction with FPSCR.LEN or STRIDE non-zero
 * is UNDEFINED (Cortex-A9 Floating-Point Unit TRM, DDI 0408: no short
 * vector hardware; QEMU emulates them on its A9, hence its MVFR0 of
 * 0x11110222). Trapped floating-point exceptions do not exist on these
 * cores; FPINST, FPINST2 and FPEXC.EX-driven support code are absent.
 * HCPTR/NSACR (Hyp and Non-secure access control) are not checked yet.
 */
#include "cpu/vfp.h"

#include <string.h>

#include "cpu/cpu.h"
#include "cpu/fpu_ops.h"

/*
 * Identification registers FPSID, MVFR0, MVFR1. FPSID: implementer
 * ARM, subarchitecture VFPv3 with common subarchitecture v2 (A9) / v3
 * (A15), part 0x30 (A9, revision 0 as our r0p0 MIDR; the r4p1 TRM shows
 * 0x41033094) / 0xf0 (A15). MVFR0: 32 double registers, single, double,
 * divide, square root, all rounding modes, no trapping, no short vectors.
 * MVFR1: flush-to-zero, default NaN, Advanced SIMD load/store, integer,
 * single precision, half-precision conversion; the A15 adds fused
 * multiply-accumulate (VFPv4). Values from the Cortex-A9 Floating-Point
 * Unit TRM (MVFR0 without short vectors; QEMU reports 0x11110222) and the
 * Cortex-A15 TRM, which QEMU's cortex-a15 also uses.
 */
struct vfp_ids {
    uint32_t part;     /* MIDR[15:4] */
    uint32_t fpsid, mvfr0, mvfr1;
};

static const struct vfp_ids vfp_id_table[] = {
    { 0xc09, 0x41033090u, 0x10110222u, 0x01111111u },   /* Cortex-A9 */
    { 0xc0f, 0x410430f0u, 0x10110222u, 0x11111111u },   /* Cortex-A15 */
};

/* ---- access checks ---- */

static bool cpacr_allows(const struct arm_cpu *cpu)
{
    switch ((cpu->cp15.cpacr >> CPACR_CP10_SHIFT) & 3) {
    case 1:
        return cpu_privileged(cpu);
    case 3:
        return true;
    default:
        return false;   /* 00 no access; 10 is reserved */
    }
}

bool vfp_enabled(const struct arm_cpu *cpu)
{
    return (cpu->vfp.fpexc & FPEXC_EN) && cpacr_allows(cpu);
}

bool vfp_neon_enabled(const struct arm_cpu *cpu)
{
    return (cpu->model->features & CPU_FEAT_NEON) && !(cpu->cp15.cpacr & CPACR_ASEDIS) &&
           vfp_enabled(cpu);
}

/* VFPv4 (fused multiply-add): MVFR1.FPFMAC / SIMDFMAC. */
static bool has_fused_mac(const struct arm_cpu *cpu)
{
    return (cpu->vfp.mvfr1 >> 28) != 0;
}

/* Half-precision conversions in VFP: MVFR1.FPHP. */
static bool has_fp_half(const struct arm_cpu *cpu)
{
    return ((cpu->vfp.mvfr1 >> 24) & 0xf) != 0;
}

/* ---- register numbering (A7.3: Sx = Vx:x-bit, Dx = x-bit:Vx) ---- */

static inline unsigned sreg(uint32_t insn, unsigned vpos, unsigned bpos)
{
    return bits32(insn, vpos, 4) << 1 | bit32(insn, bpos);
}

static inline unsigned dreg(uint32_t insn, unsigned vpos, unsigned bpos)
{
    return bit32(insn, bpos) << 4 | bits32(insn, vpos, 4);
}

static inline void set_fpscr_flags(struct arm_cpu *cpu, const struct fp_status *st)
{
    cpu->vfp.fpscr |= st->flags;
}

/* ---- data processing (CDP) ---- */

/* VFPExpandImm() (A7.5, modified immediate constants). */
static uint32_t expand_imm32(unsigned imm8)
{
    return (uint32_t)(imm8 >> 7) << 31 | ((imm8 & 0x40) ? 0x3e000000u : 0x40000000u) |
           (uint32_t)(imm8 & 0x3f) << 19;
}

static uint64_t expand_imm64(unsigned imm8)
{
    return (uint64_t)(imm8 >> 7) << 63 |
           ((imm8 & 0x40) ? 0x3fc0000000000000ull : 0x4000000000000000ull) |
           (uint64_t)(imm8 & 0x3f) << 48;
}

/* The three-operand arithmetic group, opc1 = bits 23,21,20 (D removed). */
enum vfp_arith {
    VFP_MLA_MLS = 0x0,
    VFP_NMLS_NMLA = 0x1,
    VFP_MUL_NMUL = 0x2,
    VFP_ADD_SUB = 0x3,
    VFP_DIV = 0x8,
    VFP_FNMS_FNMA = 0x9,
    VFP_FMA_FMS = 0xa,
    VFP_OTHER = 0xb,
};

static int arith32(struct arm_cpu *cpu, unsigned opc1, bool op, uint32_t insn,
                   struct fp_status *st)
{
    unsigned d = sreg(insn, 12, 22), n = sreg(insn, 16, 7), m = sreg(insn, 0, 5);
    uint32_t vn = cpu->vfp.s[n], vm = cpu->vfp.s[m], vd = cpu->vfp.s[d];
    uint32_t r;
    switch (opc1) {
    case VFP_MLA_MLS: {
        /* VMLA: Sd + Sn*Sm; VMLS: Sd + -(Sn*Sm), two roundings (A8.8.337). */
        uint32_t product = fp32_mul(vn, vm, st);
        r = fp32_add(vd, op ? fp32_neg(product) : product, st);
        break;
    }
    case VFP_NMLS_NMLA: {
        /* VNMLS (op 0): -Sd + Sn*Sm; VNMLA (op 1): -Sd - Sn*Sm (A8.8.351). */
        uint32_t product = fp32_mul(vn, vm, st);
        r = fp32_add(fp32_neg(vd), op ? fp32_neg(product) : product, st);
        break;
    }
    case VFP_MUL_NMUL:
        r = fp32_mul(vn, vm, st);
        if (op)
            r = fp32_neg(r);
        break;
    case VFP_ADD_SUB:
        r = op ? fp32_sub(vn, vm, st) : fp32_add(vn, vm, st);
        break;
    case VFP_DIV:
        if (op)
            return -1;
        r = fp32_div(vn, vm, st);
        break;
    case VFP_FNMS_FNMA:
        /* VFNMA (op 1): -Sd + -Sn*Sm; VFNMS (op 0): -Sd + Sn*Sm (A8.8.320). */
        if (!has_fused_mac(cpu))
            return -1;
        r = fp32_muladd(fp32_neg(vd), op ? fp32_neg(vn) : vn, vm, st);
        break;
    default: /* VFP_FMA_FMS: VFMA (op 0) Sd + Sn*Sm, VFMS (op 1) Sd + -Sn*Sm */
        if (!has_fused_mac(cpu))
            return -1;
        r = fp32_muladd(vd, op ? fp32_neg(vn) : vn, vm, st);
        break;
    }
    cpu->vfp.s[d] = r;
    return 0;
}

static int arith64(struct arm_cpu *cpu, unsigned opc1, bool op, uint32_t insn,
                   struct fp_status *st)
{
    unsigned d = dreg(insn, 12, 22), n = dreg(insn, 16, 7), m = dreg(insn, 0, 5);
    uint64_t vn = cpu->vfp.d[n], vm = cpu->vfp.d[m], vd = cpu->vfp.d[d];
    uint64_t r;
    switch (opc1) {
    case VFP_MLA_MLS: {
        uint64_t product = fp64_mul(vn, vm, st);
        r = fp64_add(vd, op ? fp64_neg(product) : product, st);
        break;
    }
    case VFP_NMLS_NMLA: {
        uint64_t product = fp64_mul(vn, vm, st);
        r = fp64_add(fp64_neg(vd), op ? fp64_neg(product) : product, st);
        break;
    }
    case VFP_MUL_NMUL:
        r = fp64_mul(vn, vm, st);
        if (op)
            r = fp64_neg(r);
        break;
    case VFP_ADD_SUB:
        r = op ? fp64_sub(vn, vm, st) : fp64_add(vn, vm, st);
        break;
    case VFP_DIV:
        if (op)
            return -1;
        r = fp64_div(vn, vm, st);
        break;
    case VFP_FNMS_FNMA:
        if (!has_fused_mac(cpu))
            return -1;
        r = fp64_muladd(fp64_neg(vd), op ? fp64_neg(vn) : vn, vm, st);
        break;
    default:
        if (!has_fused_mac(cpu))
            return -1;
        r = fp64_muladd(vd, op ? fp64_neg(vn) : vn, vm, st);
        break;
    }
    cpu->vfp.d[d] = r;
    return 0;
}

static void set_fpscr_nzcv(struct arm_cpu *cpu, unsigned nzcv)
{
    cpu->vfp.fpscr = (cpu->vfp.fpscr & ~FPSCR_NZCV) | (uint32_t)nzcv << 28;
}

/*
 * opc1 = 1x11: the "other" group, selected by opc2 (bits 19:16) and
 * opc3 (bits 7:6) (A7.5, Table A7-17).
 */
static int other_ops(struct arm_cpu *cpu, uint32_t insn, struct fp_status *st)
{
    const bool dp = bit32(insn, 8);
    const unsigned opc2 = bits32(insn, 16, 4);
    const bool t7 = bit32(insn, 7);   /* opc3<1> */
    struct vfp_state *v = &cpu->vfp;

    if (!bit32(insn, 6)) {
        /* VMOV (immediate), VFPv3; bits 7 and 5 are (0): UNDEFINED when set
         * (UNPREDICTABLE in the ARM ARM, QEMU's choice). */
        if (bit32(insn, 7) || bit32(insn, 5))
            return -1;
        unsigned imm8 = bits32(insn, 16, 4) << 4 | bits32(insn, 0, 4);
        if (dp)
            v->d[dreg(insn, 12, 22)] = expand_imm64(imm8);
        else
            v->s[sreg(insn, 12, 22)] = expand_imm32(imm8);
        return 0;
    }

    const unsigned sd = sreg(insn, 12, 22), sm = sreg(insn, 0, 5);
    const unsigned dd = dreg(insn, 12, 22), dm = dreg(insn, 0, 5);
    switch (opc2) {
    case 0x0: /* VMOV (register) / VABS: bit operations, no exceptions */
    case 0x1: /* VNEG / VSQRT */
        if (opc2 == 1 && t7) {
            if (dp)
                v->d[dd] = fp64_sqrt(v->d[dm], st);
            else
                v->s[sd] = fp32_sqrt(v->s[sm], st);
            return 0;
        }
        if (dp) {
            uint64_t x = v->d[dm];
            v->d[dd] = opc2 ? fp64_neg(x) : t7 ? fp64_abs(x) : x;
        } else {
            uint32_t x = v->s[sm];
            v->s[sd] = opc2 ? fp32_neg(x) : t7 ? fp32_abs(x) : x;
        }
        return 0;
    case 0x2:
    case 0x3: {
        /* VCVTB/VCVTT (half <-> single, A8.8.310): T selects the top half. */
        if (dp || !has_fp_half(cpu))
            return -1;
        unsigned shift = t7 ? 16 : 0;
        if (opc2 == 2) {
            v->s[sd] = fp16_to_fp32((uint16_t)(v->s[sm] >> shift), st);
        } else {
            uint32_t h = fp32_to_fp16(v->s[sm], st);
            v->s[sd] = (v->s[sd] & ~(0xffffu << shift)) | h << shift;
        }
        return 0;
    }
    case 0x4:
    case 0x5: {
        /* VCMP{E} (A8.8.301): E (bit 7) signals quiet NaNs too. The
         * compare-with-zero form has M:Vm = (0): UNDEFINED otherwise
         * (UNPREDICTABLE in the ARM ARM, QEMU's choice). */
        if (opc2 == 5 && (bits32(insn, 0, 4) || bit32(insn, 5)))
            return -1;
        unsigned nzcv;
        if (dp)
            nzcv = fp64_compare(v->d[dd], opc2 == 5 ? 0 : v->d[dm], t7, st);
        else
            nzcv = fp32_compare(v->s[sd], opc2 == 5 ? 0 : v->s[sm], t7, st);
        set_fpscr_nzcv(cpu, nzcv);
        return 0;
    }
    case 0x7:
        /* VCVT between double and single (A8.8.307) */
        if (!t7)
            return -1;
        if (dp)
            v->s[sd] = fp64_to_fp32(v->d[dm], st);
        else
            v->d[dd] = fp32_to_fp64(v->s[sm], st);
        return 0;
    case 0x8: {
        /* VCVT integer -> float (A8.8.306): bit 7 = signed; Sm holds it. */
        uint32_t x = v->s[sm];
        int64_t value = t7 ? (int64_t)(int32_t)x : (int64_t)x;
        if (dp)
            v->d[dd] = fp64_from_fixed(value, 0, st);
        else
            v->s[sd] = fp32_from_fixed(value, 0, st);
        return 0;
    }
    case 0xc:
    case 0xd: {
        /* VCVT{R} float -> integer: bit 16 = signed, bit 7 = round towards
         * zero (else the FPSCR rounding mode, VCVTR). */
        unsigned rmode = t7 ? FP_ROUND_ZERO : (st->fpscr & FPSCR_RMODE_MASK) >> FPSCR_RMODE_SHIFT;
        bool is_unsigned = opc2 == 0xc;
        if (dp)
            v->s[sd] = fp64_to_fixed(v->d[dm], 32, 0, is_unsigned, rmode, st);
        else
            v->s[sd] = fp32_to_fixed(v->s[sm], 32, 0, is_unsigned, rmode, st);
        return 0;
    }
    case 0xa:
    case 0xb:
    case 0xe:
    case 0xf: {
        /* VCVT between floating point and fixed point, in place (A8.8.309):
         * bit 18 = to fixed, bit 16 = unsigned, bit 7 = 32-bit (else 16),
         * imm4:i = size - fraction bits. */
        bool to_fixed = bit32(insn, 18);
        bool is_unsigned = bit32(insn, 16);
        unsigned size = t7 ? 32 : 16;
        unsigned imm = bits32(insn, 0, 4) << 1 | bit32(insn, 5);
        if (imm > size)
            return -1;   /* negative fraction bits: UNPREDICTABLE */
        unsigned fbits = size - imm;
        if (to_fixed) {
            uint32_t r = dp ? fp64_to_fixed(v->d[dd], size, fbits, is_unsigned, FP_ROUND_ZERO, st)
                            : fp32_to_fixed(v->s[sd], size, fbits, is_unsigned, FP_ROUND_ZERO,
                                            st);
            if (dp)
                v->d[dd] = is_unsigned ? (uint64_t)r : (uint64_t)(int64_t)(int32_t)r;
            else
                v->s[sd] = r;
        } else {
            uint32_t x = dp ? (uint32_t)v->d[dd] : v->s[sd];
            int64_t value;
            if (size == 16)
                value = is_unsigned ? (int64_t)(x & 0xffff) : (int64_t)(int16_t)x;
            else
                value = is_unsigned ? (int64_t)x : (int64_t)(int32_t)x;
            if (dp)
                v->d[dd] = fp64_from_fixed(value, fbits, st);
            else
                v->s[sd] = fp32_from_fixed(value, fbits, st);
        }
        return 0;
    }
    default:
        return -1;
    }
}

int vfp_cdp(struct arm_cpu *cpu, uint32_t insn)
{
    if (!vfp_enabled(cpu))
        return -1;
    /* No short vectors on these cores (see the file comment). */
    if (cpu->vfp.fpscr & (FPSCR_LEN_MASK | FPSCR_STRIDE_MASK))
        return -1;
    if (bit32(insn, 4))
        return -1;
    unsigned opc1 = bits32(insn, 20, 2) | bit32(insn, 23) << 3;
    bool op = bit32(insn, 6);
    struct fp_status st = fp_status_of(cpu->vfp.fpscr);
    int rc;
    if (opc1 == VFP_OTHER)
        rc = other_ops(cpu, insn, &st);
    else if (opc1 & 4)
        rc = -1;
    else if (bit32(insn, 8))
        rc = arith64(cpu, opc1, op, insn, &st);
    else
        rc = arith32(cpu, opc1, op, insn, &st);
    if (rc == 0)
        set_fpscr_flags(cpu, &st);
    return rc;
}

/* ---- system registers: VMRS / VMSR (A8.8.348, A8.8.349) ---- */

/*
 * FPSCR needs the unit enabled; FPSID, MVFRx and FPEXC are PL1-only in
 * VFPv3 and ignore FPEXC.EN, but not CPACR (B6.1.2).
 */
static int vmrs(struct arm_cpu *cpu, unsigned reg, uint32_t *value)
{
    if (reg == VFP_REG_FPSCR) {
        if (!vfp_enabled(cpu))
            return -1;
        *value = cpu->vfp.fpscr;
        return 0;
    }
    if (!cpu_privileged(cpu) || !cpacr_allows(cpu))
        return -1;
    switch (reg) {
    case VFP_REG_FPSID:
        *value = cpu->vfp.fpsid;
        return 0;
    case VFP_REG_MVFR0:
        *value = cpu->vfp.mvfr0;
        return 0;
    case VFP_REG_MVFR1:
        *value = cpu->vfp.mvfr1;
        return 0;
    case VFP_REG_FPEXC:
        *value = cpu->vfp.fpexc;
        return 0;
    default:
        return -1;
    }
}

static int vmsr(struct arm_cpu *cpu, unsigned reg, uint32_t value)
{
    if (reg == VFP_REG_FPSCR) {
        if (!vfp_enabled(cpu))
            return -1;
        cpu->vfp.fpscr = value & FPSCR_WRITABLE;
        return 0;
    }
    if (!cpu_privileged(cpu) || !cpacr_allows(cpu))
        return -1;
    switch (reg) {
    case VFP_REG_FPSID:
    case VFP_REG_MVFR0:
    case VFP_REG_MVFR1:
        return 0;   /* read-only: writes ignored (as QEMU; UNPREDICTABLE) */
    case VFP_REG_FPEXC:
        cpu->vfp.fpexc = value & FPEXC_WRITABLE;
        return 0;
    default:
        return -1;
    }
}

/* ---- 8/16/32-bit transfers ---- */

/* Element size and index of VMOV scalar: opc1<1:0>:opc2<1:0> (A7.8). */
static int scalar_of(unsigned opc1, unsigned opc2, unsigned *esize, unsigned *index)
{
    unsigned sel = (opc1 & 3) << 2 | (opc2 & 3);
    if (sel & 8) {
        *esize = 8;
        *index = sel & 7;
    } else if (sel & 1) {
        *esize = 16;
        *index = (sel >> 1) & 3;
    } else if (!(sel & 2)) {
        *esize = 32;
        *index = (sel >> 2) & 1;
    } else {
        return -1;
    }
    return 0;
}

/*
 * Every 8/16/32-bit transfer has (0) in bits 3:0 (CRm), VMOV Sn and
 * VMRS/VMSR also in bits 6:5 and VMRS/VMSR in bit 7: set, they are
 * UNPREDICTABLE; we take them as UNDEFINED, as QEMU does.
 */
static bool cp10_sbz_ok(const struct coproc_access *a)
{
    return a->crm == 0 && (a->opc2 & (a->opc1 == 7 ? 7 : 3)) == 0;
}

/* cp10 MRC: VMOV Rt, Sn (opc1 0) and VMRS (opc1 7). */
static int cp10_mrc(struct arm_cpu *cpu, const struct coproc_access *a, uint32_t *value)
{
    if (!cp10_sbz_ok(a))
        return -1;
    if (a->opc1 == 7)
        return vmrs(cpu, a->crn, value);
    if (a->opc1 != 0 || !vfp_enabled(cpu))
        return -1;
    *value = cpu->vfp.s[a->crn << 1 | a->opc2 >> 2];
    return 0;
}

static int cp10_mcr(struct arm_cpu *cpu, const struct coproc_access *a, uint32_t value)
{
    if (!cp10_sbz_ok(a))
        return -1;
    if (a->opc1 == 7)
        return vmsr(cpu, a->crn, value);
    if (a->opc1 != 0 || !vfp_enabled(cpu))
        return -1;
    cpu->vfp.s[a->crn << 1 | a->opc2 >> 2] = value;
    return 0;
}

/* cp11 MRC: VMOV Rt, Dn[x] (A8.8.342); opc1<2> is U. */
static int cp11_mrc(struct arm_cpu *cpu, const struct coproc_access *a, uint32_t *value)
{
    unsigned esize, index;
    if (a->crm != 0 || scalar_of(a->opc1, a->opc2, &esize, &index) < 0)
        return -1;
    bool is_unsigned = a->opc1 & 4;
    if (esize == 32 ? (is_unsigned || !vfp_enabled(cpu)) : !vfp_neon_enabled(cpu))
        return -1;
    uint64_t dn = cpu->vfp.d[(a->opc2 >> 2) << 4 | a->crn];
    uint32_t x = (uint32_t)(dn >> (index * esize));
    if (esize == 8)
        *value = is_unsigned ? (x & 0xff) : (uint32_t)(int32_t)(int8_t)x;
    else if (esize == 16)
        *value = is_unsigned ? (x & 0xffff) : (uint32_t)(int32_t)(int16_t)x;
    else
        *value = x;
    return 0;
}

/* VDUP (ARM core register), A8.8.324: opc1 = 1BQ, opc2 = D0E. */
static int vdup_core(struct arm_cpu *cpu, const struct coproc_access *a, uint32_t value)
{
    if (!vfp_neon_enabled(cpu) || (a->opc2 & 2))
        return -1;
    unsigned be = ((a->opc1 >> 1) & 1) << 1 | (a->opc2 & 1);
    bool q = a->opc1 & 1;
    unsigned d = (a->opc2 >> 2) << 4 | a->crn;
    if (be == 3 || (q && (d & 1)))
        return -1;
    uint64_t x;
    if (be == 0)
        x = value * 0x0000000100000001ull;
    else if (be == 1)
        x = (value & 0xffff) * 0x0001000100010001ull;
    else
        x = (value & 0xff) * 0x0101010101010101ull;
    cpu->vfp.d[d] = x;
    if (q)
        cpu->vfp.d[d + 1] = x;
    return 0;
}

/* cp11 MCR: VMOV Dd[x], Rt (A8.8.341) or VDUP. */
static int cp11_mcr(struct arm_cpu *cpu, const struct coproc_access *a, uint32_t value)
{
    if (a->crm != 0)
        return -1;
    if (a->opc1 & 4)
        return vdup_core(cpu, a, value);
    unsigned esize, index;
    if (scalar_of(a->opc1, a->opc2, &esize, &index) < 0)
        return -1;
    if (esize == 32 ? !vfp_enabled(cpu) : !vfp_neon_enabled(cpu))
        return -1;
    uint64_t *dd = &cpu->vfp.d[(a->opc2 >> 2) << 4 | a->crn];
    unsigned shift = index * esize;
    uint64_t mask = (esize == 32 ? 0xffffffffull : (1ull << esize) - 1) << shift;
    *dd = (*dd & ~mask) | (((uint64_t)value << shift) & mask);
    return 0;
}

/* ---- 64-bit transfers: opc1 (insn bits 7:4) = 00M1 (A7.9) ---- */

static int cp10_mrrc(struct arm_cpu *cpu, unsigned opc1, unsigned crm, uint32_t *lo,
                     uint32_t *hi)
{
    unsigned m = crm << 1 | ((opc1 >> 1) & 1);
    if ((opc1 & 0xd) != 1 || m == 31 || !vfp_enabled(cpu))
        return -1;
    *lo = cpu->vfp.s[m];
    *hi = cpu->vfp.s[m + 1];
    return 0;
}

static int cp10_mcrr(struct arm_cpu *cpu, unsigned opc1, unsigned crm, uint32_t lo,
                     uint32_t hi)
{
    unsigned m = crm << 1 | ((opc1 >> 1) & 1);
    if ((opc1 & 0xd) != 1 || m == 31 || !vfp_enabled(cpu))
        return -1;
    cpu->vfp.s[m] = lo;
    cpu->vfp.s[m + 1] = hi;
    return 0;
}

static int cp11_mrrc(struct arm_cpu *cpu, unsigned opc1, unsigned crm, uint32_t *lo,
                     uint32_t *hi)
{
    unsigned m = ((opc1 >> 1) & 1) << 4 | crm;
    if ((opc1 & 0xd) != 1 || !vfp_enabled(cpu))
        return -1;
    *lo = cpu->vfp.s[2 * m];
    *hi = cpu->vfp.s[2 * m + 1];
    return 0;
}

static int cp11_mcrr(struct arm_cpu *cpu, unsigned opc1, unsigned crm, uint32_t lo,
                     uint32_t hi)
{
    unsigned m = ((opc1 >> 1) & 1) << 4 | crm;
    if ((opc1 & 0xd) != 1 || !vfp_enabled(cpu))
        return -1;
    cpu->vfp.s[2 * m] = lo;
    cpu->vfp.s[2 * m + 1] = hi;
    return 0;
}

/* ---- extension register loads and stores (A7.6) ---- */

/* First word of the transfer in the s[] view: Sd = Vd:D, Dd = D:Vd. */
static unsigned ldst_first_word(uint32_t insn)
{
    return bit32(insn, 8) ? 2 * dreg(insn, 12, 22) : sreg(insn, 12, 22);
}

/*
 * VLDR/VSTR (P = 1, W = 0): one register. VLDM/VSTM: increment after
 * (P = 0, U = 1) or decrement before with writeback (P = 1, U = 0,
 * W = 1); imm8 counts words (an odd count with doubles is the FLDMX/FSTMX
 * form: the extra word is skipped). Anything else, an empty list or one
 * running past the last register is UNDEFINED here (UNPREDICTABLE in the
 * ARM ARM).
 */
static int vfp_ldc_stc_count(struct arm_cpu *cpu, uint32_t insn)
{
    if (!vfp_enabled(cpu))
        return -1;
    bool p = bit32(insn, 24), u = bit32(insn, 23), w = bit32(insn, 21);
    bool dp = bit32(insn, 8);
    unsigned imm8 = bits32(insn, 0, 8);
    if (p && !w)
        return dp ? 2 : 1;
    if (p == u)
        return -1;
    if (dp) {
        unsigned regs = imm8 / 2, d = dreg(insn, 12, 22);
        if (regs == 0 || regs > 16 || d + regs > 32)
            return -1;
        return (int)regs * 2;
    }
    unsigned d = sreg(insn, 12, 22);
    if (imm8 == 0 || d + imm8 > 32)
        return -1;
    return (int)imm8;
}

/*
 * The s[] word the index-th word of the transfer belongs to. A doubleword
 * is two word accesses whose order follows the data endianness (A8.8.333
 * VLDR: D[d] = if BigEndian() then word1:word2 else word2:word1), so with
 * CPSR.E = 1 the word at the lower address is the high half.
 */
static unsigned ldst_word(const struct arm_cpu *cpu, uint32_t insn, unsigned index)
{
    if (bit32(insn, 8) && cpu_data_big_endian(cpu))
        index ^= 1;
    return (ldst_first_word(insn) + index) & 63;
}

static int vfp_ldc_word(struct arm_cpu *cpu, uint32_t insn, unsigned index, uint32_t value)
{
    cpu->vfp.s[ldst_word(cpu, insn, index)] = value;
    return 0;
}

static int vfp_stc_word(struct arm_cpu *cpu, uint32_t insn, unsigned index, uint32_t *value)
{
    *value = cpu->vfp.s[ldst_word(cpu, insn, index)];
    return 0;
}

static const struct coproc_ops vfp_cp10_ops = {
    .mrc = cp10_mrc,
    .mcr = cp10_mcr,
    .mrrc = cp10_mrrc,
    .mcrr = cp10_mcrr,
    .cdp = vfp_cdp,
    .ldc_word = vfp_ldc_word,
    .stc_word = vfp_stc_word,
    .ldc_stc_count = vfp_ldc_stc_count,
};

static const struct coproc_ops vfp_cp11_ops = {
    .mrc = cp11_mrc,
    .mcr = cp11_mcr,
    .mrrc = cp11_mrrc,
    .mcrr = cp11_mcrr,
    .cdp = vfp_cdp,
    .ldc_word = vfp_ldc_word,
    .stc_word = vfp_stc_word,
    .ldc_stc_count = vfp_ldc_stc_count,
};

void vfp_attach(struct arm_cpu *cpu)
{
    if (!(cpu->model->features & (CPU_FEAT_VFP2 | CPU_FEAT_VFP3)))
        return;
    uint32_t part = (cpu->model->midr >> 4) & 0xfff;
    const struct vfp_ids *ids = &vfp_id_table[0];
    for (size_t i = 0; i < ARRAY_SIZE(vfp_id_table); i++)
        if (vfp_id_table[i].part == part)
            ids = &vfp_id_table[i];
    cpu->vfp.fpsid = ids->fpsid;
    cpu->vfp.mvfr0 = ids->mvfr0;
    cpu->vfp.mvfr1 = ids->mvfr1;
    cpu->coproc[10] = &vfp_cp10_ops;
    cpu->coproc[11] = &vfp_cp11_ops;
}

void vfp_reset(struct arm_cpu *cpu)
{
    memset(cpu->vfp.d, 0, sizeof(cpu->vfp.d));
    cpu->vfp.fpscr = 0;
    cpu->vfp.fpexc = 0;
}
