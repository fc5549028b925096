/*
 * Thumb instruction handlers (ARMv5TE, ARM DDI 0100I chapter A7; flag rules
 * as in the ARMv7 ARM ARM A8.8 pseudocode, which agrees for these forms).
 *
 * Each handler works on operands thumb_decode() extracted (see the form
 * list in thumb_insns.def). While it runs r[15] holds the instruction's
 * address + 4. Conventions:
 *  - return 0 to fall through to the next instruction;
 *  - on a branch or exception write r[15] and return 1;
 *  - when a memory access touched a device (helper returned > 0) set r[15]
 *    to the next instruction and return 1, so the executor looks at
 *    interrupts before going on (thumb_mem_exit);
 *  - on a memory fault return cpu_data_abort() with no register written:
 *    multi-register loads collect into a buffer and commit at the end, so
 *    the base and the loaded registers keep their values (the Base
 *    Restored Abort Model of DDI 0100I A2.6.5, which the ARM926EJ-S uses).
 *
 * Behaviour chosen where the architecture leaves a choice, matching unicorn
 * (QEMU 5.0) on the ARM926:
 *  - MUL leaves C (and V) unchanged, the ARMv5 rule (C was UNPREDICTABLE
 *    on ARMv4T);
 *  - STMIA with the base in the list stores the base's original value at
 *    every position and writes back (ARM ARM: UNPREDICTABLE unless the
 *    base is the lowest register, where the original value is stored);
 *  - LDMIA with the base in the list loads the base and does not write back.
 */
#include <stddef.h>

#include "cpu/alu.h"
#include "cpu/cpu.h"
#include "cpu/decode.h"
#include "cpu/mem.h"
#include "cpu/thumb_insns.def" /* forms and flags only */

/* Prototypes of every handler, from the table (checks the definitions). */
#define THUMB_INSN(mask, match, form, handler, features) \
    int handler(struct arm_cpu *cpu, const struct decoded_insn *d);
#define THUMB32_INSN(mask, match, form, handler, features) \
    int handler(struct arm_cpu *cpu, const struct decoded_insn *d);
#include "cpu/thumb_insns.def"

/*
 * After a successful 16-bit access: rc > 0 means a device was touched;
 * leave the straight-line loop at the next instruction (insn + 2).
 */
static inline int thumb_mem_exit(struct arm_cpu *cpu, int rc)
{
    if (likely(rc == 0))
        return 0;
    cpu->r[15] -= 2;
    return 1;
}

/* Address of the instruction after this 16-bit one, with the Thumb bit. */
static inline uint32_t thumb_return_link(const struct arm_cpu *cpu)
{
    return (cpu->r[15] - 2) | 1;
}

/* ---- shifts by immediate, add/subtract (A7.1: LSL (1), ADD (1)-(3), SUB) ---- */

int thumb_lsl_imm(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    uint32_t carry;
    uint32_t result = shift_with_carry(cpu->r[d->rm], SHIFT_LSL, d->imm, cpu->c, &carry);
    cpu->r[d->rd] = result;
    cpu->c = (uint8_t)carry;
    set_nz(cpu, result);
    return 0;
}

int thumb_lsr_imm(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    uint32_t carry;
    uint32_t result = shift_with_carry(cpu->r[d->rm], SHIFT_LSR, d->imm, cpu->c, &carry);
    cpu->r[d->rd] = result;
    cpu->c = (uint8_t)carry;
    set_nz(cpu, result);
    return 0;
}

int thumb_asr_imm(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    uint32_t carry;
    uint32_t result = shift_with_carry(cpu->r[d->rm], SHIFT_ASR, d->imm, cpu->c, &carry);
    cpu->r[d->rd] = result;
    cpu->c = (uint8_t)carry;
    set_nz(cpu, result);
    return 0;
}

int thumb_add_reg(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    cpu->r[d->rd] = add_with_carry_flags(cpu, cpu->r[d->rn], cpu->r[d->rm], 0);
    return 0;
}

int thumb_sub_reg(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    cpu->r[d->rd] = add_with_carry_flags(cpu, cpu->r[d->rn], ~cpu->r[d->rm], 1);
    return 0;
}

/* ADDS Rd, Rn, #imm3 and ADDS Rd, #imm8 (the form sets Rn = Rd). */
int thumb_add_imm(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    cpu->r[d->rd] = add_with_carry_flags(cpu, cpu->r[d->rn], d->imm, 0);
    return 0;
}

int thumb_sub_imm(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    cpu->r[d->rd] = add_with_carry_flags(cpu, cpu->r[d->rn], ~d->imm, 1);
    return 0;
}

/* MOVS Rd, #imm8: N and Z only (C, V unchanged). */
int thumb_mov_imm(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    cpu->r[d->rd] = d->imm;
    cpu->n = 0;
    cpu->z = d->imm == 0;
    return 0;
}

int thumb_cmp_imm(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    add_with_carry_flags(cpu, cpu->r[d->rn], ~d->imm, 1);
    return 0;
}

/* ---- data processing, register (A7.1: AND ... MVN) ---- */

int thumb_and(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    uint32_t result = cpu->r[d->rd] & cpu->r[d->rm];
    cpu->r[d->rd] = result;
    set_nz(cpu, result);
    return 0;
}

int thumb_eor(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    uint32_t result = cpu->r[d->rd] ^ cpu->r[d->rm];
    cpu->r[d->rd] = result;
    set_nz(cpu, result);
    return 0;
}

int thumb_orr(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    uint32_t result = cpu->r[d->rd] | cpu->r[d->rm];
    cpu->r[d->rd] = result;
    set_nz(cpu, result);
    return 0;
}

int thumb_bic(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    uint32_t result = cpu->r[d->rd] & ~cpu->r[d->rm];
    cpu->r[d->rd] = result;
    set_nz(cpu, result);
    return 0;
}

int thumb_mvn(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    uint32_t result = ~cpu->r[d->rm];
    cpu->r[d->rd] = result;
    set_nz(cpu, result);
    return 0;
}

int thumb_tst(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    set_nz(cpu, cpu->r[d->rn] & cpu->r[d->rm]);
    return 0;
}

/* MULS: N, Z; C unchanged on ARMv5 and later (A7.1 MUL), V unchanged. */
int thumb_mul(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    uint32_t result = cpu->r[d->rd] * cpu->r[d->rm];
    cpu->r[d->rd] = result;
    set_nz(cpu, result);
    return 0;
}

/*
 * Shifts by register: the amount is Rs[7:0]; 0 leaves C alone, >= 32
 * shifts everything out (A7.1: LSL (2), LSR (2), ASR (2), ROR).
 */
static inline int thumb_shift_reg(struct arm_cpu *cpu, const struct decoded_insn *d,
                                  unsigned type)
{
    uint32_t carry;
    uint32_t result = shift_with_carry(cpu->r[d->rd], type, cpu->r[d->rm] & 0xff, cpu->c,
                                       &carry);
    cpu->r[d->rd] = result;
    cpu->c = (uint8_t)carry;
    set_nz(cpu, result);
    return 0;
}

int thumb_lsl_reg(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    return thumb_shift_reg(cpu, d, SHIFT_LSL);
}

int thumb_lsr_reg(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    return thumb_shift_reg(cpu, d, SHIFT_LSR);
}

int thumb_asr_reg(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    return thumb_shift_reg(cpu, d, SHIFT_ASR);
}

int thumb_ror_reg(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    return thumb_shift_reg(cpu, d, SHIFT_ROR);
}

int thumb_adc(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    cpu->r[d->rd] = add_with_carry_flags(cpu, cpu->r[d->rd], cpu->r[d->rm], cpu->c);
    return 0;
}

int thumb_sbc(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    cpu->r[d->rd] = add_with_carry_flags(cpu, cpu->r[d->rd], ~cpu->r[d->rm], cpu->c);
    return 0;
}

/* NEG Rd, Rm is RSBS Rd, Rm, #0. */
int thumb_neg(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    cpu->r[d->rd] = add_with_carry_flags(cpu, 0, ~cpu->r[d->rm], 1);
    return 0;
}

/* CMP Rn, Rm: low registers (DP form) and hi registers (HI form). */
int thumb_cmp_reg(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    add_with_carry_flags(cpu, cpu->r[d->rn], ~cpu->r[d->rm], 1);
    return 0;
}

int thumb_cmn(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    add_with_carry_flags(cpu, cpu->r[d->rn], cpu->r[d->rm], 0);
    return 0;
}

/* ---- hi-register operations, BX/BLX (A7.1: ADD (4), CMP (3), MOV (3), BX) ---- */

int thumb_add_hi(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    cpu->r[d->rd] = cpu->r[d->rn] + cpu->r[d->rm];
    return 0;
}

/* ADD PC, Rm: a branch that stays in Thumb state (bit 0 cleared). */
int thumb_add_pc(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    cpu_branch(cpu, cpu->r[15] + cpu->r[d->rm]);
    return 1;
}

int thumb_mov_hi(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    cpu->r[d->rd] = cpu->r[d->rm];
    return 0;
}

int thumb_mov_pc(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    cpu_branch(cpu, cpu->r[d->rm]);
    return 1;
}

int thumb_bx(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    cpu_branch_exchange(cpu, cpu->r[d->rm]);
    return 1;
}

/* BLX Rm (ARMv5T): read Rm before LR is written, so BLX LR works. */
int thumb_blx_reg(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    uint32_t target = cpu->r[d->rm];
    cpu->r[14] = thumb_return_link(cpu);
    cpu_branch_exchange(cpu, target);
    return 1;
}

/* ---- loads and stores (A7.1: LDR (1)-(4) ... STRH (2)) ---- */

/* LDR Rd, [PC, #imm8 * 4]: the base is Align(PC, 4). */
int thumb_ldr_lit(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    uint32_t value;
    int rc = cpu_load32(cpu, (cpu->r[15] & ~3u) + d->imm, &value);
    if (unlikely(rc < 0))
        return cpu_data_abort(cpu);
    cpu->r[d->rd] = value;
    return thumb_mem_exit(cpu, rc);
}

/*
 * One body per access kind; the address is the only thing the register
 * and immediate forms (and SP-relative, whose form sets Rn = SP) differ in.
 */
static inline int thumb_store(struct arm_cpu *cpu, const struct decoded_insn *d,
                              uint32_t addr, unsigned size)
{
    int rc = cpu_store_sized(cpu, cpu->tlb_cur, addr, size, cpu->r[d->rd], 0);
    if (unlikely(rc < 0))
        return cpu_data_abort(cpu);
    return thumb_mem_exit(cpu, rc);
}

/* size 4: word with the ARMv5 rotation; negative size: sign-extending. */
static inline int thumb_load(struct arm_cpu *cpu, const struct decoded_insn *d,
                             uint32_t addr, int size)
{
    uint32_t value;
    int rc;
    if (size == 4)
        rc = cpu_load32_rotated(cpu, addr, &value);
    else
        rc = cpu_load_sized(cpu, cpu->tlb_cur, addr, (unsigned)(size < 0 ? -size : size),
                            &value, 0);
    if (unlikely(rc < 0))
        return cpu_data_abort(cpu);
    if (size == -1)
        value = (uint32_t)(int32_t)(int8_t)value;
    else if (size == -2)
        value = (uint32_t)(int32_t)(int16_t)value;
    cpu->r[d->rd] = value;
    return thumb_mem_exit(cpu, rc);
}

int thumb_str_reg(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    return thumb_store(cpu, d, cpu->r[d->rn] + cpu->r[d->rm], 4);
}

int thumb_strh_reg(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    return thumb_store(cpu, d, cpu->r[d->rn] + cpu->r[d->rm], 2);
}

int thumb_strb_reg(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    return thumb_store(cpu, d, cpu->r[d->rn] + cpu->r[d->rm], 1);
}

int thumb_ldr_reg(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    return thumb_load(cpu, d, cpu->r[d->rn] + cpu->r[d->rm], 4);
}

int thumb_ldrh_reg(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    return thumb_load(cpu, d, cpu->r[d->rn] + cpu->r[d->rm], 2);
}

int thumb_ldrb_reg(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    return thumb_load(cpu, d, cpu->r[d->rn] + cpu->r[d->rm], 1);
}

int thumb_ldrsb_reg(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    return thumb_load(cpu, d, cpu->r[d->rn] + cpu->r[d->rm], -1);
}

int thumb_ldrsh_reg(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    return thumb_load(cpu, d, cpu->r[d->rn] + cpu->r[d->rm], -2);
}

int thumb_str_imm(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    return thumb_store(cpu, d, cpu->r[d->rn] + d->imm, 4);
}

int thumb_strh_imm(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    return thumb_store(cpu, d, cpu->r[d->rn] + d->imm, 2);
}

int thumb_strb_imm(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    return thumb_store(cpu, d, cpu->r[d->rn] + d->imm, 1);
}

int thumb_ldr_imm(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    return thumb_load(cpu, d, cpu->r[d->rn] + d->imm, 4);
}

int thumb_ldrh_imm(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    return thumb_load(cpu, d, cpu->r[d->rn] + d->imm, 2);
}

int thumb_ldrb_imm(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    return thumb_load(cpu, d, cpu->r[d->rn] + d->imm, 1);
}

/* ---- address arithmetic without flags (A7.1: ADD (5)-(7), SUB (4)) ---- */

/* ADD Rd, PC, #imm8 * 4 (ADR): the base is Align(PC, 4). */
int thumb_adr(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    cpu->r[d->rd] = (cpu->r[15] & ~3u) + d->imm;
    return 0;
}

/* ADD Rd, SP, #imm8 * 4 and ADD SP, #imm7 * 4 (the form sets Rn = SP). */
int thumb_add_sp(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    cpu->r[d->rd] = cpu->r[d->rn] + d->imm;
    return 0;
}

int thumb_sub_sp(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    cpu->r[d->rd] = cpu->r[d->rn] - d->imm;
    return 0;
}

/* ---- multiple transfers (A7.1: LDMIA, POP, PUSH, STMIA) ---- */

/*
 * Loads the registers of list (ascending, one word each from addr) into
 * value[]; no register changes. Returns < 0 on a fault, else the OR of the
 * access results (> 0 if a device was touched).
 */
static int thumb_load_list(struct arm_cpu *cpu, uint32_t addr, uint32_t list,
                           uint32_t value[16])
{
    int touched = 0;
    while (list) {
        unsigned reg = (unsigned)__builtin_ctz(list);
        int rc = cpu_load32(cpu, addr, &value[reg]);
        if (unlikely(rc < 0))
            return rc;
        touched |= rc;
        addr += 4;
        list &= list - 1;
    }
    return touched;
}

/* Stores the registers of list (ascending) from addr; memory only. */
static int thumb_store_list(struct arm_cpu *cpu, uint32_t addr, uint32_t list)
{
    int touched = 0;
    while (list) {
        unsigned reg = (unsigned)__builtin_ctz(list);
        int rc = cpu_store32(cpu, addr, cpu->r[reg]);
        if (unlikely(rc < 0))
            return rc;
        touched |= rc;
        addr += 4;
        list &= list - 1;
    }
    return touched;
}

static void thumb_commit_list(struct arm_cpu *cpu, uint32_t list, const uint32_t value[16])
{
    while (list) {
        unsigned reg = (unsigned)__builtin_ctz(list);
        cpu->r[reg] = value[reg];
        list &= list - 1;
    }
}

/* PUSH {list, lr}: STMDB SP!; SP is written only once every store is done. */
int thumb_push(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    uint32_t start = cpu->r[13] - 4u * d->rs;
    int rc = thumb_store_list(cpu, start, d->imm);
    if (unlikely(rc < 0))
        return cpu_data_abort(cpu);
    cpu->r[13] = start;
    return thumb_mem_exit(cpu, rc);
}

/*
 * POP {list, pc}: LDMIA SP!. Loading PC interworks from ARMv5T (bit 0
 * selects Thumb, A7.1 POP) unless the ARM926's SCTLR.L4 asks for the ARMv4
 * behaviour (ARM926EJ-S TRM 2.3.5: bit 0 is then ignored).
 */
int thumb_pop(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    uint32_t value[16];
    uint32_t sp = cpu->r[13];
    int rc = thumb_load_list(cpu, sp, d->imm, value);
    if (unlikely(rc < 0))
        return cpu_data_abort(cpu);
    thumb_commit_list(cpu, d->imm & 0xff, value);
    cpu->r[13] = sp + 4u * d->rs;
    if (!(d->imm & 0x8000))
        return thumb_mem_exit(cpu, rc);
    if ((d->flags & THUMB_F_INTERWORK) &&
        !((d->flags & THUMB_F_L4) && (cpu->cp15.sctlr & SCTLR_L4)))
        cpu_branch_exchange(cpu, value[15]);
    else
        cpu_branch(cpu, value[15]);
    return 1;
}

/* STMIA Rn!, {list}: every register, then writeback (see the file comment). */
int thumb_stmia(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    uint32_t base = cpu->r[d->rn];
    int rc = thumb_store_list(cpu, base, d->imm);
    if (unlikely(rc < 0))
        return cpu_data_abort(cpu);
    cpu->r[d->rn] = base + 4u * d->rs;
    return thumb_mem_exit(cpu, rc);
}

/* LDMIA Rn!, {list}: writeback only when Rn is not loaded. */
int thumb_ldmia(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    uint32_t value[16];
    uint32_t base = cpu->r[d->rn];
    int rc = thumb_load_list(cpu, base, d->imm, value);
    if (unlikely(rc < 0))
        return cpu_data_abort(cpu);
    if (!(d->flags & THUMB_F_BASE_IN_LIST))
        cpu->r[d->rn] = base + 4u * d->rs;
    thumb_commit_list(cpu, d->imm, value);
    return thumb_mem_exit(cpu, rc);
}

/* ---- exceptions (A7.1: SWI, BKPT) ---- */

/* SVC: LR_svc = the next instruction (insn + 2). */
int thumb_svc(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    (void)d;
    return cpu_svc(cpu, 2);
}

/* BKPT: a prefetch abort with the debug-event status, LR_abt = insn + 4. */
int thumb_bkpt(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    (void)d;
    return cpu_prefetch_abort(cpu, cpu_insn_addr(cpu), THUMB_IFSR_DEBUG_EVENT);
}

/* ---- branches (A7.1: B (1), B (2), BL/BLX (1)) ---- */

/* B<cond> and B: PC + signed offset (the executor tested d->cond). */
int thumb_b(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    cpu->r[15] += d->imm;
    return 1;
}

/* BL/BLX prefix (H = 0b10): LR = PC + (SignExtend(offset_11) << 12). */
int thumb_bl_prefix(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    cpu->r[14] = cpu->r[15] + d->imm;
    return 0;
}

/* BL suffix (H = 0b11): PC = LR + (offset_11 << 1), LR = next | 1. */
int thumb_bl_suffix(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    uint32_t target = cpu->r[14] + d->imm;
    cpu->r[14] = thumb_return_link(cpu);
    cpu->r[15] = target & ~1u;
    return 1;
}

/* BLX suffix (H = 0b01, ARMv5T): as BL, then ARM state at a word address. */
int thumb_blx_suffix(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    uint32_t target = cpu->r[14] + d->imm;
    cpu->r[14] = thumb_return_link(cpu);
    cpu->thumb = 0;
    cpu->r[15] = target & ~3u;
    return 1;
}

/* ---- 32-bit BL/BLX (Thumb-2 cores; ARMv7 ARM ARM A8.8.25) ---- */

/* r[15] = insn + 4 is also the next instruction here. */
int thumb2_bl(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    uint32_t next = cpu->r[15];
    cpu->r[14] = next | 1;
    cpu->r[15] = next + d->imm;
    return 1;
}

int thumb2_blx(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    uint32_t next = cpu->r[15];
    cpu->r[14] = next | 1;
    cpu->thumb = 0;
    cpu->r[15] = (next & ~3u) + d->imm;
    return 1;
}
