/*
 * ARM loads and stores: word/byte (DDI 0100I A5.2 "Addressing Mode 2",
 * with the T variants), halfword/signed/doubleword (A5.3 "Addressing
 * Mode 3"), load/store multiple (A5.4, with the user-bank and
 * exception-return forms), SWP/SWPB (A4.1.108/A4.1.109).
 *
 * Abort rules: a handler checks every access before it changes a register,
 * so an aborted load leaves all registers as they were (for LDM this is one
 * instance of the ARMv5 "base restored" model, DDI 0100I A2.6.5) and an
 * aborted store does no writeback. Loads write the base back before the
 * loaded register, so "LDR Rn, [Rn], #4" ends with the loaded value
 * (UNPREDICTABLE; QEMU's order). Stores of the PC store insn + 8 (the
 * ARM926 stores + 12; ARM ARM: IMPLEMENTATION DEFINED; + 8 matches QEMU and
 * unicorn, which the differential tests compare against).
 */
#include <string.h>

#include "cpu/arm_exec.h"
#include "cpu/arm_fast.h"

/* ---- word and unsigned byte ---- */

static ALWAYS_INLINE int ldst_exec(struct arm_cpu *cpu, const struct decoded_insn *d,
                                   bool load, bool byte, unsigned reg, unsigned index)
{
    const uint32_t base = cpu->r[d->rn];
    const uint32_t offset = ldst_offset(cpu, d, reg);
    const uint32_t addr = index == LDST_POST ? base : base + offset;
    uint32_t value;
    int rc;

    if (load) {
        rc = byte ? cpu_load8(cpu, addr, &value) : cpu_load32_rotated(cpu, addr, &value);
        if (unlikely(rc < 0))
            return cpu_data_abort(cpu);
        if (index != LDST_OFFSET)
            cpu->r[d->rn] = base + offset;
        cpu->r[d->rd] = value;
    } else {
        value = cpu->r[d->rd];
        rc = byte ? cpu_store8(cpu, addr, value) : cpu_store32(cpu, addr, value);
        if (unlikely(rc < 0))
            return cpu_data_abort(cpu);
        if (index != LDST_OFFSET)
            cpu->r[d->rn] = base + offset;
    }
    return arm_mem_done(cpu, rc);
}

#define LDST_HANDLER(name, load, byte, reg, index)                                 \
    static __attribute__((noinline)) int ldst_##name##_slow(struct arm_cpu *cpu,   \
                                                           const struct decoded_insn *d) \
    {                                                                              \
        return ldst_exec(cpu, d, load, byte, reg, index);                          \
    }                                                                              \
    static int ldst_##name(struct arm_cpu *cpu, const struct decoded_insn *d)      \
    {                                                                              \
        if (likely(ldst_fast(cpu, d, load, byte, reg, index)))                     \
            return 0;                                                              \
        return ldst_##name##_slow(cpu, d);                                         \
    }

#define LDST_HANDLERS_OF(name, load, byte)                                         \
    LDST_HANDLER(name##_imm_off, load, byte, false, LDST_OFFSET)                   \
    LDST_HANDLER(name##_imm_pre, load, byte, false, LDST_PRE_WB)                   \
    LDST_HANDLER(name##_imm_post, load, byte, false, LDST_POST)                    \
    LDST_HANDLER(name##_reg_off, load, byte, true, LDST_OFFSET)                    \
    LDST_HANDLER(name##_reg_pre, load, byte, true, LDST_PRE_WB)                    \
    LDST_HANDLER(name##_reg_post, load, byte, true, LDST_POST)                     \
    LDST_HANDLER(name##_lsl_off, load, byte, LDST_REG_LSL_ADD, LDST_OFFSET)        \
    LDST_HANDLER(name##_lsl_pre, load, byte, LDST_REG_LSL_ADD, LDST_PRE_WB)        \
    LDST_HANDLER(name##_lsl_post, load, byte, LDST_REG_LSL_ADD, LDST_POST)

LDST_HANDLERS_OF(str, false, false)
LDST_HANDLERS_OF(strb, false, true)
LDST_HANDLERS_OF(ldr, true, false)
LDST_HANDLERS_OF(ldrb, true, true)

#define LDST_ROW(name)                                                             \
    {                                                                              \
        { ldst_##name##_imm_off, ldst_##name##_imm_pre, ldst_##name##_imm_post },  \
        { ldst_##name##_reg_off, ldst_##name##_reg_pre, ldst_##name##_reg_post },  \
    }

/* [L][B][register offset][index] */
const insn_handler arm_ldst_handlers[2][2][2][LDST_INDEX_COUNT] = {
    { LDST_ROW(str), LDST_ROW(strb) },
    { LDST_ROW(ldr), LDST_ROW(ldrb) },
};

#define LDST_LSL_ROW(name)                                                         \
    { ldst_##name##_lsl_off, ldst_##name##_lsl_pre, ldst_##name##_lsl_post }

/* [L][B][index]: register offset, LSL, added */
const insn_handler arm_ldst_lsl_handlers[2][2][LDST_INDEX_COUNT] = {
    { LDST_LSL_ROW(str), LDST_LSL_ROW(strb) },
    { LDST_LSL_ROW(ldr), LDST_LSL_ROW(ldrb) },
};

/* Unprivileged word load, rotated like LDR when unaligned (A4.1.24). */
static int load_user_word(struct arm_cpu *cpu, uint32_t addr, uint32_t *value)
{
    int rc = cpu_load_user(cpu, addr, 4, value);
    if (rc >= 0 && (addr & 3) && !(cpu->cp15.sctlr & SCTLR_U))
        *value = ror32(*value, 8 * (addr & 3));
    return rc;
}

/*
 * The rare word/byte forms: LDRT/STRT/LDRBT/STRBT (accesses checked as
 * User mode, always post-indexed) and loads to the PC, which interwork on
 * ARMv5T (A4.1.23: bit 0 selects Thumb) unless SCTLR.L4 is set.
 */
int arm_ldst_generic(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    const bool load = bit32(d->raw, 20);
    const bool byte = bit32(d->raw, 22);
    const bool user = d->flags & LSF_USER;
    const uint32_t base = cpu->r[d->rn];
    const uint32_t offset = (d->flags & LSF_REG) ? ldst_offset(cpu, d, true) : d->imm;
    const uint32_t addr = (d->flags & LSF_P) ? base + offset : base;
    uint32_t value;
    int rc;

    if (load) {
        if (user)
            rc = byte ? cpu_load_user(cpu, addr, 1, &value) : load_user_word(cpu, addr, &value);
        else
            rc = byte ? cpu_load8(cpu, addr, &value) : cpu_load32_rotated(cpu, addr, &value);
        if (rc < 0)
            return cpu_data_abort(cpu);
        if (d->flags & LSF_WB)
            cpu->r[d->rn] = base + offset;
        if (d->rd == 15) {
            arm_load_pc(cpu, value);
            return 1;
        }
        cpu->r[d->rd] = value;
        return arm_mem_done(cpu, rc);
    }

    value = cpu->r[d->rd];
    if (user)
        rc = cpu_store_user(cpu, addr, byte ? 1 : 4, value);
    else
        rc = byte ? cpu_store8(cpu, addr, value) : cpu_store32(cpu, addr, value);
    if (rc < 0)
        return cpu_data_abort(cpu);
    if (d->flags & LSF_WB)
        cpu->r[d->rn] = base + offset;
    return arm_mem_done(cpu, rc);
}

/* ---- halfword, signed byte/halfword, doubleword ---- */

static ALWAYS_INLINE int extra_load(struct arm_cpu *cpu, const struct decoded_insn *d,
                                    unsigned size, bool sign)
{
    uint32_t wb, value;
    uint32_t addr = extra_address(cpu, d, &wb);
    int rc;
    if (unlikely(d->flags & LSF_USER))
        rc = cpu_load_user(cpu, addr, size, &value);
    else
        rc = size == 2 ? cpu_load16(cpu, addr, &value) : cpu_load8(cpu, addr, &value);
    if (unlikely(rc < 0))
        return cpu_data_abort(cpu);
    if (sign)
        value = (uint32_t)sign_extend32(value, size * 8);
    if (d->flags & LSF_WB)
        cpu->r[d->rn] = wb;
    cpu->r[d->rd] = value;
    return arm_mem_done(cpu, rc);
}

#define EXTRA_LOAD_HANDLER(name, size, sign)                                       \
    static __attribute__((noinline)) int ldstx_##name##_slow(struct arm_cpu *cpu,  \
                                                            const struct decoded_insn *d) \
    {                                                                              \
        return extra_load(cpu, d, size, sign);                                     \
    }                                                                              \
    static int ldstx_##name(struct arm_cpu *cpu, const struct decoded_insn *d)     \
    {                                                                              \
        if (likely(extra_load_fast(cpu, d, size, sign)))                           \
            return 0;                                                              \
        return ldstx_##name##_slow(cpu, d);                                        \
    }

EXTRA_LOAD_HANDLER(ldrh, 2, false)
EXTRA_LOAD_HANDLER(ldrsb, 1, true)
EXTRA_LOAD_HANDLER(ldrsh, 2, true)

static __attribute__((noinline)) int ldstx_strh_slow(struct arm_cpu *cpu,
                                                     const struct decoded_insn *d)
{
    uint32_t wb;
    uint32_t addr = extra_address(cpu, d, &wb);
    uint32_t value = cpu->r[d->rd];
    int rc;
    if (unlikely(d->flags & LSF_USER))
        rc = cpu_store_user(cpu, addr, 2, value);
    else
        rc = cpu_store16(cpu, addr, value);
    if (unlikely(rc < 0))
        return cpu_data_abort(cpu);
    if (d->flags & LSF_WB)
        cpu->r[d->rn] = wb;
    return arm_mem_done(cpu, rc);
}

static int ldstx_strh(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    if (likely(strh_fast(cpu, d)))
        return 0;
    return ldstx_strh_slow(cpu, d);
}

/*
 * LDRD/STRD on ARMv6+ (SCTLR.U set) need a word-aligned address whatever
 * SCTLR.A says (DDI 0406C A3.2.1); ARMv5 leaves the unaligned case
 * UNPREDICTABLE and the memory layer accesses the aligned words.
 */
static ALWAYS_INLINE bool dual_misaligned(const struct arm_cpu *cpu, uint32_t addr)
{
    return unlikely(addr & 3) && arm_strict_align(cpu);
}

/* LDRD (A4.1.26): Rt even (checked by the decoder). Both words are read
 * before any register changes. */
static int ldstx_ldrd(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    uint32_t wb, lo, hi;
    uint32_t addr = extra_address(cpu, d, &wb);
    if (dual_misaligned(cpu, addr)) {
        v7_alignment_fault(cpu, addr, false);
        return cpu_data_abort(cpu);
    }
    int rc1 = cpu_load32(cpu, addr, &lo);
    if (unlikely(rc1 < 0))
        return cpu_data_abort(cpu);
    int rc2 = cpu_load32(cpu, addr + 4, &hi);
    if (unlikely(rc2 < 0))
        return cpu_data_abort(cpu);
    /* The pair first, then the base: with writeback to Rt or Rt2
     * (UNPREDICTABLE) the base wins, as in QEMU. */
    cpu->r[d->rd] = lo;
    if (unlikely(d->rd == 14)) {
        /* Rt2 = PC (UNPREDICTABLE): a plain branch, as in QEMU. */
        if (d->flags & LSF_WB)
            cpu->r[d->rn] = wb;
        cpu_branch(cpu, hi);
        return 1;
    }
    cpu->r[d->rd + 1] = hi;
    if (d->flags & LSF_WB)
        cpu->r[d->rn] = wb;
    return arm_mem_done(cpu, rc1 | rc2);
}

/* STRD (A4.1.103): both stores in order; an abort on either means no
 * writeback. With Rt = 14 the PC (insn + 8) is the second word. */
static int ldstx_strd(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    uint32_t wb;
    uint32_t addr = extra_address(cpu, d, &wb);
    uint32_t lo = cpu->r[d->rd], hi = cpu->r[d->rd + 1];
    if (dual_misaligned(cpu, addr)) {
        v7_alignment_fault(cpu, addr, true);
        return cpu_data_abort(cpu);
    }
    int rc1 = cpu_store32(cpu, addr, lo);
    if (unlikely(rc1 < 0))
        return cpu_data_abort(cpu);
    int rc2 = cpu_store32(cpu, addr + 4, hi);
    if (unlikely(rc2 < 0))
        return cpu_data_abort(cpu);
    if (d->flags & LSF_WB)
        cpu->r[d->rn] = wb;
    return arm_mem_done(cpu, rc1 | rc2);
}

const insn_handler arm_ldst_extra_handlers[LDSTX_COUNT] = {
    [LDSTX_STRH] = ldstx_strh,
    [LDSTX_LDRH] = ldstx_ldrh,
    [LDSTX_LDRSB] = ldstx_ldrsb,
    [LDSTX_LDRSH] = ldstx_ldrsh,
    [LDSTX_LDRD] = ldstx_ldrd,
    [LDSTX_STRD] = ldstx_strd,
};

/* ---- load/store multiple ---- */

/*
 * Host pointer for count words at addr when they all sit in one page whose
 * TLB entry allows the access directly (the test the single-access fast
 * path in cpu/mem.h makes, done once per block), else NULL. An unaligned
 * base never matches and takes the per-word path.
 */
static inline uint8_t *block_host(struct arm_cpu *cpu, uint32_t addr, unsigned count,
                                  bool write)
{
    uint32_t last = addr + 4 * count - 1;
    if ((addr ^ last) & TLB_PAGE_MASK)
        return NULL;
    const struct tlb_entry *e = &cpu->tlb_cur[tlb_index(addr)];
    uint32_t tag = write ? e->tag_write : e->tag_read;
    if (tag != (addr & (TLB_PAGE_MASK | 3)))
        return NULL;
    return (uint8_t *)(e->addend + addr);
}

/*
 * LDM/STM on ARMv6+ (SCTLR.U set) need a word-aligned address whatever
 * SCTLR.A says (DDI 0406C A3.2.1): records the alignment fault and
 * returns true. The fast paths never see an unaligned base.
 */
static bool block_misaligned(struct arm_cpu *cpu, uint32_t addr, bool write)
{
    if (likely(!(addr & 3)) || !arm_strict_align(cpu))
        return false;
    v7_alignment_fault(cpu, addr, write);
    return true;
}

/*
 * Per-word reads of list into values[] (lowest register at the lowest
 * address). Returns < 0 on a fault, else the OR of the access results.
 * The address goes to the memory layer as computed: with SCTLR.A and
 * SCTLR.U clear (ARMv5) an unaligned base accesses the aligned words
 * (DDI 0100I A4.1.20: bits 1:0 ignored).
 */
static int block_read_slow(struct arm_cpu *cpu, unsigned list, uint32_t addr,
                           uint32_t values[16])
{
    int dev = 0;
    if (block_misaligned(cpu, addr, false))
        return -1;
    for (unsigned rest = list; rest; rest &= rest - 1) {
        unsigned i = (unsigned)__builtin_ctz(rest);
        int rc = cpu_load32(cpu, addr, &values[i]);
        if (unlikely(rc < 0))
            return rc;
        dev |= rc;
        addr += 4;
    }
    return dev;
}

/* values[] for list, from host memory when possible. */
static int block_read(struct arm_cpu *cpu, unsigned list, unsigned count, uint32_t addr,
                      uint32_t values[16])
{
    const uint8_t *host = block_host(cpu, addr, count, false);
    if (unlikely(!host))
        return block_read_slow(cpu, list, addr, values);
    for (unsigned rest = list; rest; rest &= rest - 1) {
        memcpy(&values[__builtin_ctz(rest)], host, 4);
        host += 4;
    }
    return 0;
}

/* The per-word LDM path: a fault is possible, so values are staged. */
static __attribute__((noinline)) int block_load_slow(struct arm_cpu *cpu, unsigned rn,
                                                     unsigned list, uint32_t lowest,
                                                     bool writeback, uint32_t wb_value,
                                                     uint32_t next_pc)
{
    uint32_t values[16];
    int rc = block_read_slow(cpu, list, lowest, values);
    if (unlikely(rc < 0))
        return cpu_data_abort(cpu);
    if (writeback)
        cpu->r[rn] = wb_value;
    for (unsigned rest = list & 0x7fff; rest; rest &= rest - 1) {
        unsigned i = (unsigned)__builtin_ctz(rest);
        cpu->r[i] = values[i];
    }
    if (list & 0x8000) {
        arm_load_pc(cpu, values[15]);
        return 1;
    }
    if (rc > 0) {
        cpu->r[15] = next_pc;
        return 1;
    }
    return 0;
}

int arm_block_load(struct arm_cpu *cpu, unsigned rn, unsigned list, unsigned count,
                   uint32_t lowest, bool writeback, uint32_t wb_value, uint32_t next_pc)
{
    const uint8_t *host = block_host(cpu, lowest, count, false);
    if (unlikely(!host))
        return block_load_slow(cpu, rn, list, lowest, writeback, wb_value, next_pc);

    /* Nothing can fault: load straight into the registers, base first so
     * a loaded base wins. */
    if (writeback)
        cpu->r[rn] = wb_value;
    for (unsigned rest = list & 0x7fff; rest; rest &= rest - 1) {
        memcpy(&cpu->r[__builtin_ctz(rest)], host, 4);
        host += 4;
    }
    if (likely(!(list & 0x8000)))
        return 0;
    uint32_t pc_value;
    memcpy(&pc_value, host, 4);
    arm_load_pc(cpu, pc_value);
    return 1;
}

/* The per-word STM path: stores in order, stopping at a fault. */
static __attribute__((noinline)) int block_store_slow(struct arm_cpu *cpu, unsigned rn,
                                                      unsigned list, uint32_t lowest,
                                                      bool writeback, uint32_t wb_value,
                                                      uint32_t next_pc)
{
    uint32_t addr = lowest;
    int dev = 0;
    if (block_misaligned(cpu, addr, true))
        return cpu_data_abort(cpu);
    for (unsigned rest = list; rest; rest &= rest - 1) {
        unsigned i = (unsigned)__builtin_ctz(rest);
        int rc = cpu_store32(cpu, addr, cpu->r[i]);
        if (unlikely(rc < 0))
            return cpu_data_abort(cpu);
        dev |= rc;
        addr += 4;
    }
    if (writeback)
        cpu->r[rn] = wb_value;
    if (dev > 0) {
        cpu->r[15] = next_pc;
        return 1;
    }
    return 0;
}

int arm_block_store(struct arm_cpu *cpu, unsigned rn, unsigned list, unsigned count,
                    uint32_t lowest, bool writeback, uint32_t wb_value, uint32_t next_pc)
{
    uint8_t *host = block_host(cpu, lowest, count, true);
    if (unlikely(!host))
        return block_store_slow(cpu, rn, list, lowest, writeback, wb_value, next_pc);
    for (unsigned rest = list; rest; rest &= rest - 1) {
        memcpy(host, &cpu->r[__builtin_ctz(rest)], 4);
        host += 4;
    }
    if (writeback)
        cpu->r[rn] = wb_value;
    return 0;
}

/* For LDM/STM slots the decoder puts the register count in rd, the lowest
 * address's offset from Rn in rs and the writeback delta in shift. */
static inline uint32_t block_lowest(const struct arm_cpu *cpu, const struct decoded_insn *d)
{
    return cpu->r[d->rn] + (uint32_t)(int32_t)(int8_t)d->rs;
}

static inline uint32_t block_wb(const struct arm_cpu *cpu, const struct decoded_insn *d)
{
    return cpu->r[d->rn] + (uint32_t)(int32_t)(int8_t)d->shift;
}

int arm_ldm(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    return arm_block_load(cpu, d->rn, d->imm, d->rd, block_lowest(cpu, d), d->flags & LSF_WB,
                          block_wb(cpu, d), cpu->r[15] - 4);
}

/* STM stores the base's original value even when it is written back
 * (A4.1.97: only defined for the lowest register; QEMU always does so). */
int arm_stm(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    return arm_block_store(cpu, d->rn, d->imm, d->rd, block_lowest(cpu, d), d->flags & LSF_WB,
                           block_wb(cpu, d), cpu->r[15] - 4);
}

/*
 * LDM (2), user registers (A4.1.21): loads the User-mode bank. No
 * writeback (the decoder UNDEFs W = 1). In User mode UNPREDICTABLE:
 * UNDEFINED, as QEMU.
 */
int arm_ldm_user(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    uint32_t values[16];
    if (!cpu_privileged(cpu))
        return insn_undefined(cpu, d);
    int rc = block_read(cpu, d->imm, d->rd, block_lowest(cpu, d), values);
    if (unlikely(rc < 0))
        return cpu_data_abort(cpu);
    for (unsigned rest = d->imm; rest; rest &= rest - 1) {
        unsigned i = (unsigned)__builtin_ctz(rest);
        cpu_set_user_reg(cpu, i, values[i]);
    }
    return arm_mem_done(cpu, rc);
}

/*
 * LDM (3), exception return (A4.1.22): loads the current bank, writes the
 * base back, then CPSR <- SPSR and PC <- the loaded word (the T bit comes
 * from the SPSR, not from bit 0).
 */
int arm_ldm_exret(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    uint32_t values[16];
    if (!cpu_privileged(cpu))
        return insn_undefined(cpu, d);
    uint32_t wb = block_wb(cpu, d);
    int rc = block_read(cpu, d->imm, d->rd, block_lowest(cpu, d), values);
    if (unlikely(rc < 0))
        return cpu_data_abort(cpu);
    if (d->flags & LSF_WB)
        cpu->r[d->rn] = wb;
    for (unsigned rest = d->imm & 0x7fff; rest; rest &= rest - 1) {
        unsigned i = (unsigned)__builtin_ctz(rest);
        cpu->r[i] = values[i];
    }
    v7_excl_clear(cpu);   /* an exception return clears the local monitor */
    cpu_exception_return(cpu, values[15]);
    return 1;
}

/* STM (2), user registers (A4.1.98). Writeback (UNPREDICTABLE) goes to the
 * current mode's base, as in QEMU. */
int arm_stm_user(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    if (!cpu_privileged(cpu))
        return insn_undefined(cpu, d);
    uint32_t addr = block_lowest(cpu, d);
    int dev = 0;
    if (block_misaligned(cpu, addr, true))
        return cpu_data_abort(cpu);
    for (unsigned rest = d->imm; rest; rest &= rest - 1) {
        unsigned i = (unsigned)__builtin_ctz(rest);
        int rc = cpu_store32(cpu, addr, cpu_get_user_reg(cpu, i));
        if (unlikely(rc < 0))
            return cpu_data_abort(cpu);
        dev |= rc;
        addr += 4;
    }
    if (d->flags & LSF_WB)
        cpu->r[d->rn] = block_wb(cpu, d);
    return arm_mem_done(cpu, dev);
}

/* ---- swap ---- */

/*
 * SWP/SWPB exist on ARMv7 cores with the Multiprocessing Extensions only
 * while SCTLR.SW is set (DDI 0406C B4.1.130; UNDEFINED otherwise, which
 * is how Linux's SWP emulation catches them).
 */
static ALWAYS_INLINE bool swp_disabled(const struct arm_cpu *cpu)
{
    return (cpu->model->features & CPU_FEAT_MP) && !(cpu->cp15.sctlr & SCTLR_SW);
}

/* SWP (A4.1.108): on ARMv5 an unaligned address loads a rotated word like
 * LDR; ARMv6+ needs word alignment (DDI 0406C A3.2.1). The store is
 * checked before Rd changes. */
int arm_swp(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    uint32_t addr = cpu->r[d->rn];
    uint32_t store = cpu->r[d->rm];
    uint32_t old;
    if (unlikely(swp_disabled(cpu)))
        return insn_undefined(cpu, d);
    if (block_misaligned(cpu, addr, false))
        return cpu_data_abort(cpu);
    int rc1 = cpu_load32_rotated(cpu, addr, &old);
    if (unlikely(rc1 < 0))
        return cpu_data_abort(cpu);
    int rc2 = cpu_store32(cpu, addr, store);
    if (unlikely(rc2 < 0))
        return cpu_data_abort(cpu);
    cpu->r[d->rd] = old;
    return arm_mem_done(cpu, rc1 | rc2);
}

int arm_swpb(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    uint32_t addr = cpu->r[d->rn];
    uint32_t store = cpu->r[d->rm];
    uint32_t old;
    if (unlikely(swp_disabled(cpu)))
        return insn_undefined(cpu, d);
    int rc1 = cpu_load8(cpu, addr, &old);
    if (unlikely(rc1 < 0))
        return cpu_data_abort(cpu);
    int rc2 = cpu_store8(cpu, addr, store);
    if (unlikely(rc2 < 0))
        return cpu_data_abort(cpu);
    cpu->r[d->rd] = old;
    return arm_mem_done(cpu, rc1 | rc2);
}
