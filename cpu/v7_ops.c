/*
 * ARMv6/ARMv7 operations shared by the ARM and Thumb executors; the
 * interface and the modelling choices are described in cpu/v7_ops.h.
 * Pseudocode references are to the ARM ARM, DDI 0406C.
 */
#include "cpu/v7_ops.h"

#include "base/trace.h"
#include "cpu/alu.h"
#include "cpu/mem.h"

/* ---- parallel addition and subtraction (A8.8.126 QADD16 ... A8.8.266) ---- */

/* Lane i of v, bits wide, sign- or zero-extended. */
static inline int32_t par_lane(uint32_t v, unsigned i, unsigned bits, bool sign)
{
    uint32_t raw = (v >> (i * bits)) & ((1u << bits) - 1);
    return sign ? sign_extend32(raw, bits) : (int32_t)raw;
}

uint32_t v7_parallel(struct arm_cpu *cpu, enum v7_par_kind kind, enum v7_par_op op,
                     uint32_t n, uint32_t m)
{
    const bool bytes = op == V7_PAR_ADD8 || op == V7_PAR_SUB8;
    const unsigned bits = bytes ? 8 : 16, lanes = bytes ? 4 : 2;
    const bool sign = kind == V7_PAR_S || kind == V7_PAR_Q || kind == V7_PAR_SH;
    const uint32_t lane_mask = (1u << bits) - 1;
    uint32_t result = 0;
    unsigned ge = 0;

    for (unsigned i = 0; i < lanes; i++) {
        /* ASX: low = n.lo - m.hi, high = n.hi + m.lo; SAX the other way. */
        unsigned mi = i;
        bool sub;
        switch (op) {
        case V7_PAR_ASX:
            mi = 1 - i;
            sub = i == 0;
            break;
        case V7_PAR_SAX:
            mi = 1 - i;
            sub = i == 1;
            break;
        case V7_PAR_SUB16:
        case V7_PAR_SUB8:
            sub = true;
            break;
        default:
            sub = false;
            break;
        }
        int32_t a = par_lane(n, i, bits, sign), b = par_lane(m, mi, bits, sign);
        int32_t r = sub ? a - b : a + b;
        bool ge_lane = false, sat = false;
        uint32_t out;
        switch (kind) {
        case V7_PAR_S:
            out = (uint32_t)r;
            ge_lane = r >= 0;
            break;
        case V7_PAR_U:
            /* Unsigned: GE is the carry of an add, NOT borrow of a subtract. */
            out = (uint32_t)r;
            ge_lane = sub ? r >= 0 : r >= (int32_t)(1u << bits);
            break;
        case V7_PAR_Q:
            out = (uint32_t)signed_saturate(r, bits, &sat);
            break;
        case V7_PAR_UQ:
            out = unsigned_saturate(r, bits, &sat);
            break;
        default: /* SH, UH: the halved exact result, bits <bits:1> */
            out = (uint32_t)(r >> 1);
            break;
        }
        result |= (out & lane_mask) << (i * bits);
        if (ge_lane)
            ge |= (bytes ? 1u : 3u) << (i * (bytes ? 1 : 2));
    }
    /* The saturating and halving forms leave GE (and Q) alone. */
    if (kind == V7_PAR_S || kind == V7_PAR_U)
        cpu->ge = (uint8_t)ge;
    return result;
}

uint32_t v7_usad8(uint32_t n, uint32_t m, uint32_t acc)
{
    for (unsigned i = 0; i < 32; i += 8) {
        int32_t a = (int32_t)((n >> i) & 0xff), b = (int32_t)((m >> i) & 0xff);
        acc += (uint32_t)(a > b ? a - b : b - a);
    }
    return acc;
}

/* ---- saturation ---- */

uint32_t v7_ssat(struct arm_cpu *cpu, int32_t value, unsigned bits)
{
    bool sat = false;
    uint32_t r = (uint32_t)signed_saturate(value, bits, &sat);
    cpu->q |= sat;
    return r;
}

uint32_t v7_usat(struct arm_cpu *cpu, int32_t value, unsigned bits)
{
    bool sat = false;
    uint32_t r = unsigned_saturate(value, bits, &sat);
    cpu->q |= sat;
    return r;
}

uint32_t v7_ssat16(struct arm_cpu *cpu, uint32_t value, unsigned bits)
{
    bool sat = false;
    uint32_t lo = (uint32_t)signed_saturate((int16_t)value, bits, &sat) & 0xffff;
    uint32_t hi = (uint32_t)signed_saturate((int16_t)(value >> 16), bits, &sat) & 0xffff;
    cpu->q |= sat;
    return hi << 16 | lo;
}

uint32_t v7_usat16(struct arm_cpu *cpu, uint32_t value, unsigned bits)
{
    bool sat = false;
    uint32_t lo = unsigned_saturate((int16_t)value, bits, &sat);
    uint32_t hi = unsigned_saturate((int16_t)(value >> 16), bits, &sat);
    cpu->q |= sat;
    return hi << 16 | lo;
}

uint32_t v7_qadd(struct arm_cpu *cpu, uint32_t a, uint32_t b)
{
    bool sat = false;
    uint32_t r = (uint32_t)signed_saturate((int64_t)(int32_t)a + (int32_t)b, 32, &sat);
    cpu->q |= sat;
    return r;
}

uint32_t v7_qsub(struct arm_cpu *cpu, uint32_t a, uint32_t b)
{
    bool sat = false;
    uint32_t r = (uint32_t)signed_saturate((int64_t)(int32_t)a - (int32_t)b, 32, &sat);
    cpu->q |= sat;
    return r;
}

/* QDADD: Rm + sat(2 * Rn); Q if either step saturates (A8.8.131). */
uint32_t v7_qdadd(struct arm_cpu *cpu, uint32_t m, uint32_t n)
{
    return v7_qadd(cpu, m, v7_qadd(cpu, n, n));
}

uint32_t v7_qdsub(struct arm_cpu *cpu, uint32_t m, uint32_t n)
{
    return v7_qsub(cpu, m, v7_qadd(cpu, n, n));
}

/* ---- multiplies ---- */

static inline int64_t half_product(uint32_t n, uint32_t m, bool top)
{
    int32_t a = top ? (int16_t)(n >> 16) : (int16_t)n;
    int32_t b = top ? (int16_t)(m >> 16) : (int16_t)m;
    return (int64_t)a * b;
}

uint32_t v7_smlad(struct arm_cpu *cpu, uint32_t n, uint32_t m, uint32_t a, bool swap,
                  bool subtract)
{
    if (swap)
        m = ror32(m, 16);
    int64_t p1 = half_product(n, m, false), p2 = half_product(n, m, true);
    int64_t r = (subtract ? p1 - p2 : p1 + p2) + (int32_t)a;
    if (r != (int32_t)r)
        cpu->q = 1;
    return (uint32_t)r;
}

uint64_t v7_smlald(uint32_t n, uint32_t m, uint64_t acc, bool swap, bool subtract)
{
    if (swap)
        m = ror32(m, 16);
    int64_t p1 = half_product(n, m, false), p2 = half_product(n, m, true);
    return acc + (uint64_t)(subtract ? p1 - p2 : p1 + p2);
}

/* Modulo 2^64 arithmetic gives the same bits 63:32 as the pseudocode's
 * unbounded integers (A8.8.188-A8.8.190). */
uint32_t v7_smmla(uint32_t n, uint32_t m, uint32_t a, bool round, bool subtract)
{
    uint64_t prod = (uint64_t)((int64_t)(int32_t)n * (int32_t)m);
    uint64_t r = (uint64_t)a << 32;
    r = subtract ? r - prod : r + prod;
    if (round)
        r += 0x80000000u;
    return (uint32_t)(r >> 32);
}

uint32_t v7_smlaxy(struct arm_cpu *cpu, uint32_t n, uint32_t m, uint32_t a, bool n_top,
                   bool m_top, bool accumulate)
{
    int32_t x = n_top ? (int16_t)(n >> 16) : (int16_t)n;
    int32_t y = m_top ? (int16_t)(m >> 16) : (int16_t)m;
    int64_t r = (int64_t)x * y;
    if (!accumulate)
        return (uint32_t)r;
    r += (int32_t)a;
    if (r != (int32_t)r)
        cpu->q = 1;
    return (uint32_t)r;
}

uint32_t v7_smlawy(struct arm_cpu *cpu, uint32_t n, uint32_t m, uint32_t a, bool m_top,
                   bool accumulate)
{
    int32_t y = m_top ? (int16_t)(m >> 16) : (int16_t)m;
    /* (n * y)<47:16>: an arithmetic shift of the exact 48-bit product. */
    int64_t r = ((int64_t)(int32_t)n * y) >> 16;
    if (!accumulate)
        return (uint32_t)r;
    r = (int64_t)(int32_t)(uint32_t)r + (int32_t)a;
    if (r != (int32_t)r)
        cpu->q = 1;
    return (uint32_t)r;
}

/* ---- exclusive monitor ---- */

/*
 * Alignment fault for an access that must be aligned whatever SCTLR.A says
 * (DDI 0406C A3.2.1, Table A3-1: LDM/STM, LDRD/STRD, SWP, LDREX/STREX,
 * SRS/RFE, LDC/STC, VLDM/VSTM), used by the ARM and Thumb executors. The
 * same record as mmu_alignment_fault(), kept in cpu/ so it does not reach
 * up into mmu/. The fault is recorded in the current DFSR format: short descriptor
 * FS = 0b00001 with WnR, or with TTBCR.EAE the long-descriptor STATUS
 * 0b100001 (DDI 0406C B4.1.52).
 */
int v7_alignment_fault(struct arm_cpu *cpu, uint32_t va, bool write)
{
    uint32_t wnr = write ? 1u << 11 : 0;
    if (cpu->cp15.ttbcr & TTBCR_EAE)
        cpu->fault.fsr = 1u << 9 | 0x21u | wnr;
    else
        cpu->fault.fsr = 0x1u | wnr;
    cpu->fault.far = va;
    cpu->fault.write = write;
    trace_printf(cpu->trace, TRACE_MMU, "cpu%u alignment fault: %s at 0x%08x", cpu->index,
                 write ? "write" : "read", va);
    return -1;
}

/* Exclusives are single-copy atomic only when naturally aligned; the
 * doubleword forms need 8-byte alignment (A8.8.77 LDREXD). */
static inline bool excl_misaligned(uint32_t addr, unsigned size)
{
    return (addr & (size - 1)) != 0;
}

int v7_ldrex(struct arm_cpu *cpu, uint32_t addr, unsigned size, uint32_t *lo, uint32_t *hi)
{
    int rc, rc2 = 0;
    if (excl_misaligned(addr, size))
        return v7_alignment_fault(cpu, addr, false);
    if (size == 8) {
        rc = cpu_load32(cpu, addr, lo);
        if (rc < 0)
            return rc;
        rc2 = cpu_load32(cpu, addr + 4, hi);
        if (rc2 < 0)
            return rc2;
    } else {
        rc = cpu_load_sized(cpu, cpu->tlb_cur, addr, size, lo, 0);
        if (rc < 0)
            return rc;
    }
    cpu->excl_addr = addr;
    cpu->excl_value = size;
    return rc | rc2;
}

int v7_strex(struct arm_cpu *cpu, uint32_t addr, unsigned size, uint32_t lo, uint32_t hi,
             uint32_t *status)
{
    int rc = 0, rc2 = 0;
    if (excl_misaligned(addr, size))
        return v7_alignment_fault(cpu, addr, true);
    bool pass = cpu->excl_addr == addr && cpu->excl_value == size;
    if (pass) {
        /* Both words of a doubleword are in one page: if the first store
         * passes the MMU, so does the second. */
        if (size == 8) {
            rc = cpu_store32(cpu, addr, lo);
            if (rc >= 0)
                rc2 = cpu_store32(cpu, addr + 4, hi);
        } else {
            rc = cpu_store_sized(cpu, cpu->tlb_cur, addr, size, lo, 0);
        }
        if (rc < 0 || rc2 < 0)
            return -1;
    }
    v7_excl_clear(cpu);
    *status = pass ? 0 : 1;
    return rc | rc2;
}

/* ---- status registers ---- */

bool v7_msr_cpsr(struct arm_cpu *cpu, uint32_t value, unsigned mask)
{
    const bool priv = cpu_privileged(cpu);
    uint32_t bits = 0;
    if (mask & 8)
        bits |= PSR_N | PSR_Z | PSR_C | PSR_V | PSR_Q;
    if (mask & 4)
        bits |= PSR_GE_MASK;
    if (mask & 2)
        bits |= PSR_E | (priv ? PSR_A : 0);
    if ((mask & 1) && priv)
        bits |= PSR_I | PSR_F | PSR_M_MASK;
    if (!bits)
        return false;
    cpu_set_cpsr(cpu, value, bits);
    return (bits & PSR_CTL_MASK) != 0;
}

bool v7_msr_spsr(struct arm_cpu *cpu, uint32_t value, unsigned mask)
{
    if (!cpu_mode_has_spsr(cpu_mode(cpu)))
        return false;
    uint32_t bytes = 0;
    for (unsigned i = 0; i < 4; i++)
        if (mask & (1u << i))
            bytes |= 0xffu << (8 * i);
    cpu->spsr = (cpu->spsr & ~bytes) | (value & bytes);
    return true;
}

/* What a banked-register sysm names (Table B9-4). */
enum banked_kind { BK_R8_R12, BK_SP, BK_LR, BK_SPSR, BK_ELR_HYP, BK_NONE };

struct banked_target {
    unsigned mode;
    enum banked_kind kind;
    unsigned index;     /* BK_R8_R12: 0..4 for r8..r12 */
};

static struct banked_target banked_decode(bool r, unsigned sysm)
{
    struct banked_target t = { 0, BK_NONE, 0 };
    /* sysm 16..31 go in pairs (LR, SP) per mode; the SPSR sits on the LR's
     * number with R = 1. */
    static const uint8_t pair_mode[8] = { MODE_IRQ, MODE_SVC, MODE_ABT, MODE_UND, 0, 0,
                                          MODE_MON, MODE_HYP };
    if (r) {
        if (sysm == 14) {
            t.mode = MODE_FIQ;
            t.kind = BK_SPSR;
        } else if (sysm >= 16 && !(sysm & 1) && pair_mode[(sysm - 16) / 2]) {
            t.mode = pair_mode[(sysm - 16) / 2];
            t.kind = BK_SPSR;
        }
        return t;
    }
    if (sysm < 16) {
        if ((sysm & 7) == 7)
            return t;
        t.mode = sysm < 8 ? MODE_USR : MODE_FIQ;
        unsigned reg = 8 + (sysm & 7);
        t.kind = reg == 13 ? BK_SP : reg == 14 ? BK_LR : BK_R8_R12;
        t.index = reg - 8;
        return t;
    }
    unsigned mode = pair_mode[(sysm - 16) / 2];
    if (!mode)
        return t;
    t.mode = mode;
    t.kind = (sysm & 1) ? BK_SP : BK_LR;
    if (mode == MODE_HYP && t.kind == BK_LR)
        t.kind = BK_ELR_HYP;
    return t;
}

/*
 * The register the target names, or NULL when the access is UNPREDICTABLE
 * (B9.3.9): from User mode, to a register the current mode itself uses
 * (those are accessed as plain registers), to a mode the model lacks, to
 * the Hyp registers other than from Monitor mode (ELR_hyp and SPSR_hyp also
 * from Hyp mode).
 */
static uint32_t *banked_slot(struct arm_cpu *cpu, bool r, unsigned sysm)
{
    struct banked_target t = banked_decode(r, sysm);
    unsigned cur = cpu_mode(cpu);
    enum arm_bank cur_bank = cpu_mode_bank(cur);

    if (t.kind == BK_NONE || cur == MODE_USR || !cpu_mode_is_valid(cpu, t.mode))
        return NULL;
    if (t.mode == MODE_HYP &&
        !(cur == MODE_MON || (cur == MODE_HYP && t.kind != BK_SP)))
        return NULL;
    enum arm_bank bank = cpu_mode_bank(t.mode);
    switch (t.kind) {
    case BK_R8_R12:
        if ((t.mode == MODE_FIQ) == (cur == MODE_FIQ))
            return NULL;
        return t.mode == MODE_FIQ ? &cpu->fiq_r8_r12[t.index] : &cpu->usr_r8_r12[t.index];
    case BK_SP:
    case BK_LR:
        if (bank == cur_bank)
            return NULL;
        return t.kind == BK_SP ? &cpu->bank_r13[bank] : &cpu->bank_r14[bank];
    case BK_SPSR:
        if (bank == cur_bank)
            return cur == MODE_HYP ? &cpu->spsr : NULL;
        return &cpu->bank_spsr[bank];
    case BK_ELR_HYP:
        return cur == MODE_HYP ? &cpu->r[14] : &cpu->bank_r14[BANK_HYP];
    default:
        return NULL;
    }
}

int v7_banked_read(struct arm_cpu *cpu, bool r, unsigned sysm, uint32_t *value)
{
    uint32_t *slot = banked_slot(cpu, r, sysm);
    if (!slot)
        return -1;
    *value = *slot;
    return 0;
}

int v7_banked_write(struct arm_cpu *cpu, bool r, unsigned sysm, uint32_t value)
{
    uint32_t *slot = banked_slot(cpu, r, sysm);
    if (!slot)
        return -1;
    *slot = value;
    return 0;
}

bool v7_cps(struct arm_cpu *cpu, unsigned imod, unsigned aif, bool change_mode,
            unsigned mode)
{
    uint32_t mask = 0, value = 0;
    if (!cpu_privileged(cpu))
        return false;
    if (imod & 2) {
        if (aif & 4)
            mask |= PSR_A;
        if (aif & 2)
            mask |= PSR_I;
        if (aif & 1)
            mask |= PSR_F;
        if (imod & 1)
            value = mask;
    }
    if (change_mode && cpu_mode_is_valid(cpu, mode)) {
        mask |= PSR_M_MASK;
        value |= mode;
    }
    if (!mask)
        return false;
    cpu_set_cpsr(cpu, value, mask);
    return true;
}

void v7_setend(struct arm_cpu *cpu, bool big)
{
    cpu_set_cpsr(cpu, big ? PSR_E : 0, PSR_E);
}

/* ---- exception-related instructions ---- */

/*
 * The Undefined Instruction exception from these instructions: LR = the
 * instruction's address + 4 (ARM) or + 2 (Thumb, whatever the length:
 * the TakeUndefInstrException pseudocode, DDI 0406C B1.9).
 */
static int v7_undefined(struct arm_cpu *cpu)
{
    return cpu_undefined(cpu, cpu->thumb ? 2 : 4);
}

/* Lowest address of a two-word SRS/RFE transfer (B9.3.13, B9.3.16). */
static inline uint32_t srs_rfe_lowest(uint32_t base, bool inc, bool before)
{
    if (inc)
        return before ? base + 4 : base;
    return before ? base - 8 : base - 4;
}

int v7_srs(struct arm_cpu *cpu, unsigned mode, bool inc, bool before, bool wback,
           unsigned len)
{
    unsigned cur = cpu_mode(cpu);
    if (!cpu_mode_has_spsr(cur) || cur == MODE_HYP || mode == MODE_HYP ||
        !cpu_mode_is_valid(cpu, mode))
        return v7_undefined(cpu);

    enum arm_bank bank = cpu_mode_bank(mode);
    bool live = bank == cpu_mode_bank(cur);
    uint32_t base = live ? cpu->r[13] : cpu->bank_r13[bank];
    uint32_t addr = srs_rfe_lowest(base, inc, before);
    if (addr & 3) {
        v7_alignment_fault(cpu, addr, true);
        return cpu_data_abort(cpu);
    }
    int rc = cpu_store32(cpu, addr, cpu->r[14]);
    if (rc < 0)
        return cpu_data_abort(cpu);
    int rc2 = cpu_store32(cpu, addr + 4, cpu->spsr);
    if (rc2 < 0)
        return cpu_data_abort(cpu);
    if (wback) {
        uint32_t nb = inc ? base + 8 : base - 8;
        if (live)
            cpu->r[13] = nb;
        else
            cpu->bank_r13[bank] = nb;
    }
    return (rc | rc2) ? v7_continue_exit(cpu, len) : 0;
}

int v7_rfe(struct arm_cpu *cpu, unsigned rn, bool inc, bool before, bool wback,
           unsigned len)
{
    (void)len;   /* a branch either way: the length only matters to SRS */
    if (!cpu_privileged(cpu) || cpu_mode(cpu) == MODE_HYP)
        return v7_undefined(cpu);
    uint32_t base = cpu->r[rn];
    uint32_t addr = srs_rfe_lowest(base, inc, before);
    uint32_t pc, psr;
    if (addr & 3) {
        v7_alignment_fault(cpu, addr, false);
        return cpu_data_abort(cpu);
    }
    if (cpu_load32(cpu, addr, &pc) < 0 || cpu_load32(cpu, addr + 4, &psr) < 0)
        return cpu_data_abort(cpu);
    if (wback)
        cpu->r[rn] = inc ? base + 8 : base - 8;
    /* CPSRWriteByInstr(psr, '1111', TRUE): every bit, the execution state
     * included; then BranchWritePC in the new state. */
    cpu_set_cpsr(cpu, psr, 0xffffffffu);
    cpu->r[15] = pc & (cpu->thumb ? ~1u : ~3u);
    v7_excl_clear(cpu);
    cpu->exit_request = 1;
    return 1;
}

int v7_exception_return(struct arm_cpu *cpu, uint32_t target, unsigned len)
{
    unsigned mode = cpu_mode(cpu);
    (void)len;   /* a branch either way (kept for symmetry with v7_rfe & co) */
    if (!cpu_mode_has_spsr(mode))
        return v7_undefined(cpu);
    /* ELR_hyp lives in the Hyp bank's LR slot, live in r[14] in Hyp mode. */
    if (mode == MODE_HYP)
        target = cpu->r[14];
    cpu_exception_return(cpu, target);
    return 1;
}

int v7_wfi(struct arm_cpu *cpu, unsigned len)
{
    cpu->r[15] = cpu_insn_addr(cpu) + len;
    if (!cpu->irq_line && !cpu->fiq_line)
        cpu->halted = 1;
    cpu->exit_request = 1;
    return 1;
}

int v7_wfe(struct arm_cpu *cpu, unsigned len)
{
    if (cpu->event_register) {
        cpu->event_register = 0;
        return v7_continue_exit(cpu, len);
    }
    return v7_wfi(cpu, len);
}

void v7_sev(struct arm_cpu *cpu)
{
    cpu->event_register = 1;
}

int cpu_hvc(struct arm_cpu *cpu, uint32_t imm16, unsigned len)
{
    if (!(cpu->model->features & CPU_FEAT_VIRT) || !cpu_privileged(cpu) || !cpu->hvc_hook)
        return v7_undefined(cpu);
    uint32_t pc_operand = cpu->r[15];
    cpu->r[15] = cpu_insn_addr(cpu) + len;
    if (cpu->hvc_hook(cpu, imm16) < 0) {
        cpu->r[15] = pc_operand;
        return v7_undefined(cpu);
    }
    cpu->exit_request = 1;
    return 1;
}
