/*
 * 16-bit Thumb instruction handlers: ARMv5TE (ARM DDI 0100I chapter A7)
 * and the ARMv6/ARMv6T2/ARMv7 additions (DDI 0406C A6.2, A8.8); flag rules
 * as in the ARMv7 A8.8 pseudocode, which agrees with ARMv5 for these forms.
 *
 * Each handler works on operands thumb_decode() extracted (see the form
 * list in thumb_insns.def) and is wrapped for IT blocks (thumb_exec.h).
 * While it runs r[15] holds the instruction's address + 4. Conventions:
 *  - return 0 to fall through to the next instruction;
 *  - on a branch or exception write r[15] and return 1;
 *  - when a memory access touched a device (helper returned > 0) set r[15]
 *    to the next instruction and return 1, so the executor looks at
 *    interrupts before going on (thumb_mem_exit);
 *  - on a memory fault return cpu_data_abort() with no register written:
 *    multi-register loads collect into a buffer and commit at the end, so
 *    the base and the loaded registers keep their values (the Base
 *    Restored Abort Model of DDI 0100I A2.6.5, which the ARM926EJ-S uses,
 *    and an allowed ARMv7 behaviour).
 *
 * Behaviour chosen where the architecture leaves a choice, matching unicorn
 * (QEMU 5.0) on the ARM926 and the Cortex-A15:
 *  - MUL leaves C (and V) unchanged, the ARMv5 rule (C was UNPREDICTABLE
 *    on ARMv4T);
 *  - STMIA with the base in the list stores the base's original value at
 *    every position and writes back (ARM ARM: UNPREDICTABLE unless the
 *    base is the lowest register, where the original value is stored);
 *  - LDMIA with the base in the list loads the base and does not write back.
 * With SCTLR.U set (every ARMv7 core) LDMIA/STMIA/PUSH/POP need a word-
 * aligned address (DDI 0406C A3.2.1); on ARMv5 the low bits are ignored.
 */
#include <stddef.h>

#include "base/trace.h"
#include "cpu/alu.h"
#include "cpu/cpu.h"
#include "cpu/decode.h"
#include "cpu/mem.h"
#include "cpu/thumb_exec.h"
#include "cpu/thumb_insns.def" /* forms and flags only */
#include "cpu/v7_ops.h"

/* Prototypes of every handler, from the table (checks the definitions). */
#define THUMB_INSN(mask, match, form, handler, features) \
    int handler(struct arm_cpu *cpu, const struct decoded_insn *d);
#include "cpu/thumb_insns.def"

/* ---- IT blocks (see thumb_exec.h) ---- */

int thumb_it_exec(struct arm_cpu *cpu, const struct decoded_insn *d, insn_handler body)
{
    uint8_t it = cpu->it;
    if (!cond_passed(cpu, it >> 4)) {
        cpu->it = thumb_it_advance(it);
        return 0;
    }
    int rc = body(cpu, d);
    /* After an exception entry cpu->it is 0 and stays 0. */
    cpu->it = thumb_it_advance(cpu->it);
    return rc;
}

int thumb_it_exec_exret(struct arm_cpu *cpu, const struct decoded_insn *d, insn_handler body)
{
    uint8_t it = cpu->it;
    if (!cond_passed(cpu, it >> 4)) {
        cpu->it = thumb_it_advance(it);
        return 0;
    }
    /* The return loads ITSTATE with the rest of the CPSR (it must be the
     * last instruction of a block, A8.8.231). */
    return body(cpu, d);
}

/* IT (A8.8.54): firstcond:mask become ITSTATE. Not itself conditional; an
 * IT inside an IT block is UNPREDICTABLE and simply starts a new block. */
int thumb_it(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    cpu->it = (uint8_t)d->imm;
    return 0;
}

int thumb_raise_undefined(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    trace_printf(cpu->trace, TRACE_EXCEPTION, "cpu%u undefined instruction 0x%08x at 0x%08x",
                 cpu->index, d->raw, cpu_insn_addr(cpu));
    return cpu_undefined(cpu, 2);
}

THUMB_HANDLER(thumb_undefined)
{
    return thumb_raise_undefined(cpu, d);
}

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

/* ADD/SUB results without touching the flags (inside an IT block). */
static inline uint32_t thumb_add_nf(struct arm_cpu *cpu, uint32_t x, uint32_t y,
                                    uint32_t carry, bool setflags)
{
    if (setflags)
        return add_with_carry_flags(cpu, x, y, carry);
    return x + y + carry;
}

/* ---- shifts by immediate, add/subtract (A7.1: LSL (1), ADD (1)-(3), SUB) ---- */

/* Shift by immediate; LSLS #0 is MOVS Rd, Rm (C unchanged). */
static inline int thumb_shift_imm(struct arm_cpu *cpu, const struct decoded_insn *d,
                                  unsigned type, bool setflags)
{
    uint32_t carry;
    uint32_t result = shift_with_carry(cpu->r[d->rm], type, d->imm, cpu->c, &carry);
    cpu->r[d->rd] = result;
    if (setflags) {
        cpu->c = (uint8_t)carry;
        set_nz(cpu, result);
    }
    return 0;
}

THUMB_HANDLER_SETFLAGS(thumb_lsl_imm)
{
    return thumb_shift_imm(cpu, d, SHIFT_LSL, setflags);
}

THUMB_HANDLER_SETFLAGS(thumb_lsr_imm)
{
    return thumb_shift_imm(cpu, d, SHIFT_LSR, setflags);
}

THUMB_HANDLER_SETFLAGS(thumb_asr_imm)
{
    return thumb_shift_imm(cpu, d, SHIFT_ASR, setflags);
}

THUMB_HANDLER_SETFLAGS(thumb_add_reg)
{
    cpu->r[d->rd] = thumb_add_nf(cpu, cpu->r[d->rn], cpu->r[d->rm], 0, setflags);
    return 0;
}

THUMB_HANDLER_SETFLAGS(thumb_sub_reg)
{
    cpu->r[d->rd] = thumb_add_nf(cpu, cpu->r[d->rn], ~cpu->r[d->rm], 1, setflags);
    return 0;
}

/* ADDS Rd, Rn, #imm3 and ADDS Rd, #imm8 (the form sets Rn = Rd). */
THUMB_HANDLER_SETFLAGS(thumb_add_imm)
{
    cpu->r[d->rd] = thumb_add_nf(cpu, cpu->r[d->rn], d->imm, 0, setflags);
    return 0;
}

THUMB_HANDLER_SETFLAGS(thumb_sub_imm)
{
    cpu->r[d->rd] = thumb_add_nf(cpu, cpu->r[d->rn], ~d->imm, 1, setflags);
    return 0;
}

/* MOVS Rd, #imm8: N and Z only (C, V unchanged). */
THUMB_HANDLER_SETFLAGS(thumb_mov_imm)
{
    cpu->r[d->rd] = d->imm;
    if (setflags) {
        cpu->n = 0;
        cpu->z = d->imm == 0;
    }
    return 0;
}

THUMB_HANDLER(thumb_cmp_imm)
{
    add_with_carry_flags(cpu, cpu->r[d->rn], ~d->imm, 1);
    return 0;
}

/* ---- data processing, register (A7.1: AND ... MVN) ---- */

THUMB_HANDLER_SETFLAGS(thumb_and)
{
    uint32_t result = cpu->r[d->rd] & cpu->r[d->rm];
    cpu->r[d->rd] = result;
    if (setflags)
        set_nz(cpu, result);
    return 0;
}

THUMB_HANDLER_SETFLAGS(thumb_eor)
{
    uint32_t result = cpu->r[d->rd] ^ cpu->r[d->rm];
    cpu->r[d->rd] = result;
    if (setflags)
        set_nz(cpu, result);
    return 0;
}

THUMB_HANDLER_SETFLAGS(thumb_orr)
{
    uint32_t result = cpu->r[d->rd] | cpu->r[d->rm];
    cpu->r[d->rd] = result;
    if (setflags)
        set_nz(cpu, result);
    return 0;
}

THUMB_HANDLER_SETFLAGS(thumb_bic)
{
    uint32_t result = cpu->r[d->rd] & ~cpu->r[d->rm];
    cpu->r[d->rd] = result;
    if (setflags)
        set_nz(cpu, result);
    return 0;
}

THUMB_HANDLER_SETFLAGS(thumb_mvn)
{
    uint32_t result = ~cpu->r[d->rm];
    cpu->r[d->rd] = result;
    if (setflags)
        set_nz(cpu, result);
    return 0;
}

THUMB_HANDLER(thumb_tst)
{
    set_nz(cpu, cpu->r[d->rn] & cpu->r[d->rm]);
    return 0;
}

/* MULS: N, Z; C unchanged on ARMv5 and later (A7.1 MUL), V unchanged. */
THUMB_HANDLER_SETFLAGS(thumb_mul)
{
    uint32_t result = cpu->r[d->rd] * cpu->r[d->rm];
    cpu->r[d->rd] = result;
    if (setflags)
        set_nz(cpu, result);
    return 0;
}

/*
 * Shifts by register: the amount is Rs[7:0]; 0 leaves C alone, >= 32
 * shifts everything out (A7.1: LSL (2), LSR (2), ASR (2), ROR).
 */
static inline int thumb_shift_reg(struct arm_cpu *cpu, const struct decoded_insn *d,
                                  unsigned type, bool setflags)
{
    uint32_t carry;
    uint32_t result = shift_with_carry(cpu->r[d->rd], type, cpu->r[d->rm] & 0xff, cpu->c,
                                       &carry);
    cpu->r[d->rd] = result;
    if (setflags) {
        cpu->c = (uint8_t)carry;
        set_nz(cpu, result);
    }
    return 0;
}

THUMB_HANDLER_SETFLAGS(thumb_lsl_reg)
{
    return thumb_shift_reg(cpu, d, SHIFT_LSL, setflags);
}

THUMB_HANDLER_SETFLAGS(thumb_lsr_reg)
{
    return thumb_shift_reg(cpu, d, SHIFT_LSR, setflags);
}

THUMB_HANDLER_SETFLAGS(thumb_asr_reg)
{
    return thumb_shift_reg(cpu, d, SHIFT_ASR, setflags);
}

THUMB_HANDLER_SETFLAGS(thumb_ror_reg)
{
    return thumb_shift_reg(cpu, d, SHIFT_ROR, setflags);
}

THUMB_HANDLER_SETFLAGS(thumb_adc)
{
    cpu->r[d->rd] = thumb_add_nf(cpu, cpu->r[d->rd], cpu->r[d->rm], cpu->c, setflags);
    return 0;
}

THUMB_HANDLER_SETFLAGS(thumb_sbc)
{
    cpu->r[d->rd] = thumb_add_nf(cpu, cpu->r[d->rd], ~cpu->r[d->rm], cpu->c, setflags);
    return 0;
}

/* NEG Rd, Rm is RSBS Rd, Rm, #0. */
THUMB_HANDLER_SETFLAGS(thumb_neg)
{
    cpu->r[d->rd] = thumb_add_nf(cpu, 0, ~cpu->r[d->rm], 1, setflags);
    return 0;
}

/* CMP Rn, Rm: low registers (DP form) and hi registers (HI form). */
THUMB_HANDLER(thumb_cmp_reg)
{
    add_with_carry_flags(cpu, cpu->r[d->rn], ~cpu->r[d->rm], 1);
    return 0;
}

THUMB_HANDLER(thumb_cmn)
{
    add_with_carry_flags(cpu, cpu->r[d->rn], cpu->r[d->rm], 0);
    return 0;
}

/* ---- hi-register operations, BX/BLX (A7.1: ADD (4), CMP (3), MOV (3), BX) ---- */

THUMB_HANDLER(thumb_add_hi)
{
    cpu->r[d->rd] = cpu->r[d->rn] + cpu->r[d->rm];
    return 0;
}

/* ADD PC, Rm: a branch that stays in Thumb state (bit 0 cleared). */
THUMB_HANDLER(thumb_add_pc)
{
    cpu_branch(cpu, cpu->r[15] + cpu->r[d->rm]);
    return 1;
}

THUMB_HANDLER(thumb_mov_hi)
{
    cpu->r[d->rd] = cpu->r[d->rm];
    return 0;
}

THUMB_HANDLER(thumb_mov_pc)
{
    cpu_branch(cpu, cpu->r[d->rm]);
    return 1;
}

THUMB_HANDLER(thumb_bx)
{
    cpu_branch_exchange(cpu, cpu->r[d->rm]);
    return 1;
}

/* BLX Rm (ARMv5T): read Rm before LR is written, so BLX LR works. */
THUMB_HANDLER(thumb_blx_reg)
{
    uint32_t target = cpu->r[d->rm];
    cpu->r[14] = thumb_return_link(cpu);
    cpu_branch_exchange(cpu, target);
    return 1;
}

/* ---- loads and stores (A7.1: LDR (1)-(4) ... STRH (2)) ---- */

/* LDR Rd, [PC, #imm8 * 4]: the base is Align(PC, 4). */
THUMB_HANDLER(thumb_ldr_lit)
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

THUMB_HANDLER(thumb_str_reg)
{
    return thumb_store(cpu, d, cpu->r[d->rn] + cpu->r[d->rm], 4);
}

THUMB_HANDLER(thumb_strh_reg)
{
    return thumb_store(cpu, d, cpu->r[d->rn] + cpu->r[d->rm], 2);
}

THUMB_HANDLER(thumb_strb_reg)
{
    return thumb_store(cpu, d, cpu->r[d->rn] + cpu->r[d->rm], 1);
}

THUMB_HANDLER(thumb_ldr_reg)
{
    return thumb_load(cpu, d, cpu->r[d->rn] + cpu->r[d->rm], 4);
}

THUMB_HANDLER(thumb_ldrh_reg)
{
    return thumb_load(cpu, d, cpu->r[d->rn] + cpu->r[d->rm], 2);
}

THUMB_HANDLER(thumb_ldrb_reg)
{
    return thumb_load(cpu, d, cpu->r[d->rn] + cpu->r[d->rm], 1);
}

THUMB_HANDLER(thumb_ldrsb_reg)
{
    return thumb_load(cpu, d, cpu->r[d->rn] + cpu->r[d->rm], -1);
}

THUMB_HANDLER(thumb_ldrsh_reg)
{
    return thumb_load(cpu, d, cpu->r[d->rn] + cpu->r[d->rm], -2);
}

THUMB_HANDLER(thumb_str_imm)
{
    return thumb_store(cpu, d, cpu->r[d->rn] + d->imm, 4);
}

THUMB_HANDLER(thumb_strh_imm)
{
    return thumb_store(cpu, d, cpu->r[d->rn] + d->imm, 2);
}

THUMB_HANDLER(thumb_strb_imm)
{
    return thumb_store(cpu, d, cpu->r[d->rn] + d->imm, 1);
}

THUMB_HANDLER(thumb_ldr_imm)
{
    return thumb_load(cpu, d, cpu->r[d->rn] + d->imm, 4);
}

THUMB_HANDLER(thumb_ldrh_imm)
{
    return thumb_load(cpu, d, cpu->r[d->rn] + d->imm, 2);
}

THUMB_HANDLER(thumb_ldrb_imm)
{
    return thumb_load(cpu, d, cpu->r[d->rn] + d->imm, 1);
}

/* ---- address arithmetic without flags (A7.1: ADD (5)-(7), SUB (4)) ---- */

/* ADD Rd, PC, #imm8 * 4 (ADR): the base is Align(PC, 4). */
THUMB_HANDLER(thumb_adr)
{
    cpu->r[d->rd] = (cpu->r[15] & ~3u) + d->imm;
    return 0;
}

/* ADD Rd, SP, #imm8 * 4 and ADD SP, #imm7 * 4 (the form sets Rn = SP). */
THUMB_HANDLER(thumb_add_sp)
{
    cpu->r[d->rd] = cpu->r[d->rn] + d->imm;
    return 0;
}

THUMB_HANDLER(thumb_sub_sp)
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
int thumb_load_list(struct arm_cpu *cpu, uint32_t addr, uint32_t list, uint32_t value[16])
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
int thumb_store_list(struct arm_cpu *cpu, uint32_t addr, uint32_t list)
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

void thumb_commit_list(struct arm_cpu *cpu, uint32_t list, const uint32_t value[16])
{
    while (list) {
        unsigned reg = (unsigned)__builtin_ctz(list);
        cpu->r[reg] = value[reg];
        list &= list - 1;
    }
}

/*
 * ARMv7 (SCTLR.U set): a multiple transfer at an address that is not word
 * aligned is an alignment fault whatever SCTLR.A says (A3.2.1). Returns
 * true after recording the fault.
 */
bool thumb_ldstm_misaligned(struct arm_cpu *cpu, uint32_t addr, bool write)
{
    if (likely(!(addr & 3)) || !(cpu->cp15.sctlr & SCTLR_U))
        return false;
    v7_alignment_fault(cpu, addr, write);
    return true;
}

/* PUSH {list, lr}: STMDB SP!; SP is written only once every store is done. */
THUMB_HANDLER(thumb_push)
{
    uint32_t start = cpu->r[13] - 4u * d->rs;
    if (thumb_ldstm_misaligned(cpu, start, true))
        return cpu_data_abort(cpu);
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
THUMB_HANDLER(thumb_pop)
{
    uint32_t value[16];
    uint32_t sp = cpu->r[13];
    if (thumb_ldstm_misaligned(cpu, sp, false))
        return cpu_data_abort(cpu);
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
THUMB_HANDLER(thumb_stmia)
{
    uint32_t base = cpu->r[d->rn];
    if (thumb_ldstm_misaligned(cpu, base, true))
        return cpu_data_abort(cpu);
    int rc = thumb_store_list(cpu, base, d->imm);
    if (unlikely(rc < 0))
        return cpu_data_abort(cpu);
    cpu->r[d->rn] = base + 4u * d->rs;
    return thumb_mem_exit(cpu, rc);
}

/* LDMIA Rn!, {list}: writeback only when Rn is not loaded. */
THUMB_HANDLER(thumb_ldmia)
{
    uint32_t value[16];
    uint32_t base = cpu->r[d->rn];
    if (thumb_ldstm_misaligned(cpu, base, false))
        return cpu_data_abort(cpu);
    int rc = thumb_load_list(cpu, base, d->imm, value);
    if (unlikely(rc < 0))
        return cpu_data_abort(cpu);
    if (!(d->flags & THUMB_F_BASE_IN_LIST))
        cpu->r[d->rn] = base + 4u * d->rs;
    thumb_commit_list(cpu, d->imm, value);
    return thumb_mem_exit(cpu, rc);
}

/* ---- exceptions (A7.1: SWI, BKPT) ---- */

/*
 * SVC: LR_svc = the next instruction (insn + 2). Inside an IT block the
 * SPSR gets the ITSTATE of the next instruction (TakeSVCException:
 * ITAdvance() before the CPSR is saved).
 */
THUMB_HANDLER(thumb_svc)
{
    (void)d;
    cpu->it = thumb_it_advance(cpu->it);
    return cpu_svc(cpu, 2);
}

/* BKPT: a prefetch abort with the debug-event status, LR_abt = insn + 4.
 * Unconditional even inside an IT block (A8.8.24), so not wrapped; the
 * SPSR keeps the ITSTATE of the BKPT itself. */
int thumb_bkpt(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    (void)d;
    return cpu_prefetch_abort(cpu, cpu_insn_addr(cpu), THUMB_IFSR_DEBUG_EVENT);
}

/* ---- branches (A7.1: B (1), B (2), BL/BLX (1)) ---- */

/* B<cond> and B: PC + signed offset (the executor tested d->cond). */
THUMB_HANDLER(thumb_b)
{
    cpu->r[15] += d->imm;
    return 1;
}

/* BL/BLX prefix (H = 0b10): LR = PC + (SignExtend(offset_11) << 12). */
THUMB_HANDLER(thumb_bl_prefix)
{
    cpu->r[14] = cpu->r[15] + d->imm;
    return 0;
}

/* BL suffix (H = 0b11): PC = LR + (offset_11 << 1), LR = next | 1. */
THUMB_HANDLER(thumb_bl_suffix)
{
    uint32_t target = cpu->r[14] + d->imm;
    cpu->r[14] = thumb_return_link(cpu);
    cpu->r[15] = target & ~1u;
    return 1;
}

/* BLX suffix (H = 0b01, ARMv5T): as BL, then ARM state at a word address. */
THUMB_HANDLER(thumb_blx_suffix)
{
    uint32_t target = cpu->r[14] + d->imm;
    cpu->r[14] = thumb_return_link(cpu);
    cpu->thumb = 0;
    cpu->r[15] = target & ~3u;
    return 1;
}

/* ---- ARMv6/ARMv6T2 additions (DDI 0406C A6.2.5) ---- */

/* CBZ/CBNZ Rn, label: forward only, PC + i:imm5:'0' (A8.8.29). */
THUMB_HANDLER(thumb_cbz)
{
    bool zero = cpu->r[d->rn] == 0;
    if (zero == !(d->flags & THUMB_F_NONZERO)) {
        cpu->r[15] += d->imm;
        return 1;
    }
    return 0;
}

THUMB_HANDLER(thumb_sxth)
{
    cpu->r[d->rd] = v7_extend_add(V7_SXTH, 0, cpu->r[d->rm]);
    return 0;
}

THUMB_HANDLER(thumb_sxtb)
{
    cpu->r[d->rd] = v7_extend_add(V7_SXTB, 0, cpu->r[d->rm]);
    return 0;
}

THUMB_HANDLER(thumb_uxth)
{
    cpu->r[d->rd] = v7_extend_add(V7_UXTH, 0, cpu->r[d->rm]);
    return 0;
}

THUMB_HANDLER(thumb_uxtb)
{
    cpu->r[d->rd] = v7_extend_add(V7_UXTB, 0, cpu->r[d->rm]);
    return 0;
}

THUMB_HANDLER(thumb_rev)
{
    cpu->r[d->rd] = v7_rev(cpu->r[d->rm]);
    return 0;
}

THUMB_HANDLER(thumb_rev16)
{
    cpu->r[d->rd] = v7_rev16(cpu->r[d->rm]);
    return 0;
}

THUMB_HANDLER(thumb_revsh)
{
    cpu->r[d->rd] = v7_revsh(cpu->r[d->rm]);
    return 0;
}

/* SETEND LE/BE (A8.8.156): CPSR.E (v7_setend). */
THUMB_HANDLER(thumb_setend)
{
    v7_setend(cpu, d->imm != 0);
    return thumb_continue_exit(cpu, d);
}

/* CPSIE/CPSID <aif> (B9.3.2, T1): imm = im:A:I:F; a NOP in User mode. */
THUMB_HANDLER(thumb_cps)
{
    if (!v7_cps(cpu, (d->imm & 0x10) ? 3 : 2, d->imm & 7, false, 0))
        return 0;
    return thumb_continue_exit(cpu, d);
}

/* NOP, YIELD and the unallocated hints. */
THUMB_HANDLER(thumb_nop)
{
    (void)cpu;
    (void)d;
    return 0;
}

THUMB_HANDLER(thumb_wfi)
{
    return v7_wfi(cpu, d->len);
}

THUMB_HANDLER(thumb_wfe)
{
    return v7_wfe(cpu, d->len);
}

THUMB_HANDLER(thumb_sev)
{
    (void)d;
    v7_sev(cpu);
    return 0;
}
