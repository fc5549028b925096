/*
 * The interpreter loop (DESIGN.md, "The CPU core").
 *
 * The outer loop finds the decode block for the PC's page (a TLB compare in
 * the common case), takes pending interrupts and stops when the budget is
 * spent. The inner loop runs straight through the slots: set the
 * architectural PC operand, test the condition, call the handler. It
 * leaves only when a handler returns non-zero and something wants a look
 * (exit_request, a change of instruction set, a page without a decoded
 * block in the TLB), or when the budget runs out, so the common case costs
 * one indirect call and a few compares per instruction. In ARM state the
 * commonest instructions do not even make the call (run_arm).
 */
#include <stddef.h>

#include "base/trace.h"
#include "cpu/alu.h"
#include "cpu/arm_fast.h"
#include "cpu/cpu.h"
#include "cpu/decode.h"
#include "cpu/mem.h"

/*
 * ---- inline paths for the hottest ARM instructions ----
 *
 * An ARM slot whose handler is one of these gets an operation number in
 * place of its condition, EXEC_OP_FIRST and up (cond values 0-15 keep
 * their meaning), and the ARM loop runs its common case inline from
 * cpu/arm_fast.h: no call, no stack frame, and a dispatch jump of its own
 * after each, which the host's branch predictor learns per instruction
 * kind. Anything else (a TLB miss, a device, a fault) runs the slot's
 * handler as usual. Only the executor and cpu_decode_slot (which assigns
 * the numbers) know about this; a reset slot goes back to COND_AL.
 *
 * Word/byte loads and stores: name, L, B, offset form (0 immediate,
 * LDST_REG_LSL_ADD register), index mode.
 */
#define EXEC_INLINE_LDST(X)                                                        \
    X(LDR_IMM_OFF, 1, 0, 0, LDST_OFFSET)                                           \
    X(LDR_IMM_PRE, 1, 0, 0, LDST_PRE_WB)                                           \
    X(LDR_IMM_POST, 1, 0, 0, LDST_POST)                                            \
    X(STR_IMM_OFF, 0, 0, 0, LDST_OFFSET)                                           \
    X(STR_IMM_PRE, 0, 0, 0, LDST_PRE_WB)                                           \
    X(STR_IMM_POST, 0, 0, 0, LDST_POST)                                            \
    X(LDRB_IMM_OFF, 1, 1, 0, LDST_OFFSET)                                          \
    X(LDRB_IMM_POST, 1, 1, 0, LDST_POST)                                           \
    X(STRB_IMM_OFF, 0, 1, 0, LDST_OFFSET)                                          \
    X(STRB_IMM_POST, 0, 1, 0, LDST_POST)                                           \
    X(LDR_LSL_OFF, 1, 0, LDST_REG_LSL_ADD, LDST_OFFSET)                            \
    X(STR_LSL_OFF, 0, 0, LDST_REG_LSL_ADD, LDST_OFFSET)                            \
    X(LDRB_LSL_OFF, 1, 1, LDST_REG_LSL_ADD, LDST_OFFSET)                           \
    X(STRB_LSL_OFF, 0, 1, LDST_REG_LSL_ADD, LDST_OFFSET)

/* Data processing: name, opcode, operand form, S, shift type. */
#define EXEC_INLINE_DP(X)                                                          \
    X(CMP_REG_S, DP_CMP, DP_FORM_REG, 1, SHIFT_FROM_SLOT)                          \
    X(CMP_IMM_S, DP_CMP, DP_FORM_IMM, 1, SHIFT_FROM_SLOT)                          \
    X(CMN_IMM_S, DP_CMN, DP_FORM_IMM, 1, SHIFT_FROM_SLOT)                          \
    X(TST_IMM_S, DP_TST, DP_FORM_IMM, 1, SHIFT_FROM_SLOT)                          \
    X(ADD_REG, DP_ADD, DP_FORM_REG, 0, SHIFT_FROM_SLOT)                            \
    X(ADD_REG_S, DP_ADD, DP_FORM_REG, 1, SHIFT_FROM_SLOT)                          \
    X(ADD_IMM, DP_ADD, DP_FORM_IMM, 0, SHIFT_FROM_SLOT)                            \
    X(ADD_IMM_S, DP_ADD, DP_FORM_IMM, 1, SHIFT_FROM_SLOT)                          \
    X(ADD_LSL, DP_ADD, DP_FORM_SHIFT_IMM, 0, SHIFT_LSL)                            \
    X(SUB_LSR, DP_SUB, DP_FORM_SHIFT_IMM, 0, SHIFT_LSR)                            \
    X(SUB_REG, DP_SUB, DP_FORM_REG, 0, SHIFT_FROM_SLOT)                            \
    X(SUB_REG_S, DP_SUB, DP_FORM_REG, 1, SHIFT_FROM_SLOT)                          \
    X(SUB_IMM, DP_SUB, DP_FORM_IMM, 0, SHIFT_FROM_SLOT)                            \
    X(SUB_IMM_S, DP_SUB, DP_FORM_IMM, 1, SHIFT_FROM_SLOT)                          \
    X(RSB_IMM, DP_RSB, DP_FORM_IMM, 0, SHIFT_FROM_SLOT)                            \
    X(ADC_IMM, DP_ADC, DP_FORM_IMM, 0, SHIFT_FROM_SLOT)                            \
    X(AND_IMM, DP_AND, DP_FORM_IMM, 0, SHIFT_FROM_SLOT)                            \
    X(AND_REG, DP_AND, DP_FORM_REG, 0, SHIFT_FROM_SLOT)                            \
    X(ORR_REG, DP_ORR, DP_FORM_REG, 0, SHIFT_FROM_SLOT)                            \
    X(ORR_IMM, DP_ORR, DP_FORM_IMM, 0, SHIFT_FROM_SLOT)                            \
    X(ORR_LSL, DP_ORR, DP_FORM_SHIFT_IMM, 0, SHIFT_LSL)                            \
    X(ORR_ASR, DP_ORR, DP_FORM_SHIFT_IMM, 0, SHIFT_ASR)                            \
    X(EOR_REG, DP_EOR, DP_FORM_REG, 0, SHIFT_FROM_SLOT)                            \
    X(EOR_ROR, DP_EOR, DP_FORM_SHIFT_IMM, 0, SHIFT_ROR)                            \
    X(BIC_IMM, DP_BIC, DP_FORM_IMM, 0, SHIFT_FROM_SLOT)                            \
    X(MOV_REG, DP_MOV, DP_FORM_REG, 0, SHIFT_FROM_SLOT)                            \
    X(MOV_IMM, DP_MOV, DP_FORM_IMM, 0, SHIFT_FROM_SLOT)                            \
    X(MVN_IMM, DP_MVN, DP_FORM_IMM, 0, SHIFT_FROM_SLOT)                            \
    X(MOV_LSL, DP_MOV, DP_FORM_SHIFT_IMM, 0, SHIFT_LSL)                            \
    X(MOV_LSR, DP_MOV, DP_FORM_SHIFT_IMM, 0, SHIFT_LSR)                            \
    X(MOV_ASR, DP_MOV, DP_FORM_SHIFT_IMM, 0, SHIFT_ASR)                            \
    X(MOV_ROR, DP_MOV, DP_FORM_SHIFT_IMM, 0, SHIFT_ROR)

/* Halfword loads and stores: name, handler index. */
#define EXEC_INLINE_HALF(X)                                                        \
    X(LDRH, LDSTX_LDRH)                                                            \
    X(STRH, LDSTX_STRH)

/*
 * Numbering: the unconditional paths from EXEC_OP_FIRST, then B<cond>
 * (EXEC_OP_B + cond), then the conditional forms of the unconditional
 * paths (EXEC_OP_COND + the path's number - EXEC_OP_FIRST), which test
 * the condition from the encoding (ARM: bits 31:28 of raw) first.
 */
#define EXEC_OP_FIRST 16u

enum exec_inline_op {
    EXEC_OP_BEFORE_FIRST = EXEC_OP_FIRST - 1,
#define EXEC_OP_ENUM(name, ...) EXEC_OP_##name,
    EXEC_INLINE_LDST(EXEC_OP_ENUM)
    EXEC_INLINE_DP(EXEC_OP_ENUM)
    EXEC_INLINE_HALF(EXEC_OP_ENUM)
#undef EXEC_OP_ENUM
    EXEC_OP_B,
    EXEC_OP_COND = EXEC_OP_B + COND_AL + 1,
    EXEC_OP_COUNT = EXEC_OP_COND + (EXEC_OP_B - EXEC_OP_FIRST)
};
_Static_assert(EXEC_OP_COUNT <= 256, "operation numbers live in the cond byte");

/* The operation number of the inline path for a freshly decoded ARM slot,
 * or its condition when it has none. */
static uint8_t exec_inline_op(const struct decoded_insn *d)
{
    if (d->cond > COND_AL)
        return d->cond;
    if (d->handler == arm_b)
        return (uint8_t)(EXEC_OP_B + d->cond);
    /*
     * The inline paths do not set r[15], so a slot that reads the PC (ADR,
     * literal loads, stores of the PC) keeps its handler. rm counts only
     * for register operands: immediate forms leave encoding bits there.
     */
    unsigned op = COND_AL;
    bool reads_pc = d->rd == 15 || d->rn == 15;
#define EXEC_OP_OF_LDST(name, load, byte, reg, index)                              \
    if (d->handler == ((reg) ? arm_ldst_lsl_handlers[load][byte][index]            \
                             : arm_ldst_handlers[load][byte][0][index])) {          \
        op = EXEC_OP_##name;                                                       \
        reads_pc |= (reg) && d->rm == 15;                                          \
    }
    EXEC_INLINE_LDST(EXEC_OP_OF_LDST)
#undef EXEC_OP_OF_LDST
#define EXEC_OP_OF_DP(name, dp_op, form, s, type)                                  \
    if (d->handler == ((form) == DP_FORM_SHIFT_IMM ? arm_dp_shift_imm_handlers[dp_op][type][s] \
                                                   : arm_dp_handlers[dp_op][form][s])) { \
        op = EXEC_OP_##name;                                                       \
        reads_pc |= (form) != DP_FORM_IMM && d->rm == 15;                          \
    }
    EXEC_INLINE_DP(EXEC_OP_OF_DP)
#undef EXEC_OP_OF_DP
#define EXEC_OP_OF_HALF(name, index)                                               \
    if (d->handler == arm_ldst_extra_handlers[index]) {                            \
        op = EXEC_OP_##name;                                                       \
        reads_pc |= (d->flags & LSF_REG) && d->rm == 15;                           \
    }
    EXEC_INLINE_HALF(EXEC_OP_OF_HALF)
#undef EXEC_OP_OF_HALF
    if (op == COND_AL || reads_pc)
        return d->cond;
    return (uint8_t)(d->cond == COND_AL ? op : EXEC_OP_COND + (op - EXEC_OP_FIRST));
}

int insn_undefined(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    trace_printf(cpu->trace, TRACE_EXCEPTION, "cpu%u undefined instruction 0x%08x at 0x%08x",
                 cpu->index, d->raw, cpu_insn_addr(cpu));
    /* LR_und is the instruction's address + 4 in ARM state and + 2 in Thumb
     * state whatever the instruction's length (ARM ARM B1.8.5, Table B1-7):
     * Linux re-reads a 32-bit Thumb instruction from LR - 2. */
    (void)d;
    return cpu_undefined(cpu, cpu->thumb ? 2 : 4);
}

/*
 * "Decode me": the executor calls this for a slot never decoded (or reset
 * by a store to its page). It reads the encoding from the page the block
 * maps, decodes into the slot and runs the result.
 */
int cpu_decode_slot(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    struct decode_block *block = cpu->cur_block;
    struct decoded_insn *slot = (struct decoded_insn *)d;
    uint32_t offset = cpu_insn_addr(cpu) & (TLB_PAGE_SIZE - 1);

    if (block->set == DECODE_ARM) {
        uint32_t insn;
        memcpy(&insn, block->host + offset, 4);
        arm_decode(cpu->model, insn, slot);
    } else {
        uint16_t hw1, hw2 = 0;
        memcpy(&hw1, block->host + offset, 2);
        if (thumb_is_32bit(cpu->model, hw1)) {
            if (offset + 2 < TLB_PAGE_SIZE) {
                memcpy(&hw2, block->host + offset + 2, 2);
            } else {
                /* The second halfword is on the next page: fetch it through
                 * the MMU so a fault there becomes a prefetch abort. */
                uint32_t value;
                uint32_t next = cpu_insn_addr(cpu) + 2;
                if (cpu_load_sized(cpu, cpu->tlb_cur, next, 2, &value, MEM_EXEC) < 0) {
                    /* LR is the instruction's, IFAR the faulting halfword's. */
                    cpu_prefetch_abort(cpu, cpu_insn_addr(cpu), cpu->fault.fsr);
                    if (cpu->model->features & CPU_FEAT_V6)
                        cpu->cp15.ifar = cpu->fault.far;
                    return 1;
                }
                hw2 = (uint16_t)value;
                /* Not cached: the next page may change independently. */
                struct decoded_insn once;
                thumb_decode(cpu->model, hw1, hw2, &once);
                slot->len = once.len;
                if (once.cond != COND_AL && !cond_passed(cpu, once.cond))
                    return 0;
                return once.handler(cpu, &once);
            }
        }
        thumb_decode(cpu->model, hw1, hw2, slot);
    }
    block->decoded++;
    cpu->dcache->decodes++;
    const unsigned cond = slot->cond;
    if (block->set == DECODE_ARM)
        slot->cond = exec_inline_op(slot);
    if (cond != COND_AL && !cond_passed(cpu, cond))
        return 0;
    return slot->handler(cpu, slot);
}

int cpu_page_end(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    (void)d;
    cpu->icount--;
    cpu->r[15] = cpu_insn_addr(cpu);
    return 1;
}

/* Finds the block for the PC; NULL after taking a prefetch abort. */
static struct decode_block *exec_lookup_block(struct arm_cpu *cpu, uint32_t pc)
{
    struct tlb_entry *e = &cpu->tlb_cur[tlb_index(pc)];
    if (likely(e->tag_exec == (pc & TLB_PAGE_MASK) && e->code[cpu->thumb]))
        return e->code[cpu->thumb];
    struct decode_block *block = cpu->mem->fetch_block(cpu, pc, cpu->thumb);
    if (!block) {
        cpu->r[15] = pc + (cpu->thumb ? 4 : 8);
        cpu_prefetch_abort(cpu, pc, cpu->fault.fsr);
    }
    return block;
}

/*
 * Straight-line run in one instruction set; returns the next PC. Always
 * inlined with a constant `thumb`, so the slot step and the PC offset are
 * immediates in each copy.
 *
 * The instruction counter lives in a local and is stored before every
 * handler (devices and the PMU read cpu->icount in the middle of an
 * instruction, and it must already count that instruction); only
 * cpu_page_end changes it, and it returns non-zero, after which the loop
 * reads it back. run_end is re-read after every instruction, since a
 * handler may lower it (a device arming an earlier timer event, a
 * watchpoint).
 *
 * In ARM state every slot is 4 bytes long, so the next slot is the next
 * array element; only Thumb reads the length back from the slot, after
 * the handler ran (a "decode me" slot learns its length by running). The
 * end of the page needs no test: the block's end slots (cpu_page_end)
 * send the loop to the next page like a branch.
 *
 * Leaving the page, by its end slot or by a branch, continues in the next
 * page's block when its TLB entry has one and nothing asked for a look
 * (exit_request): that is what the outer loop of cpu_run would do, since
 * with exit_request clear no interrupt has become deliverable since its
 * last check (raising a line, unmasking and mode changes all set it).
 */
static inline __attribute__((always_inline)) uint32_t
run_insns(struct arm_cpu *cpu, struct decode_block *block, uint32_t pc, const unsigned thumb)
{
    const unsigned shift = thumb ? 1 : 2;
    const uint32_t pc_offset = thumb ? 4 : 8;
    uint32_t page = pc & TLB_PAGE_MASK;
    const struct decoded_insn *slot = &block->slot[(pc & ~TLB_PAGE_MASK) >> shift];
    uint64_t icount = cpu->icount;

    for (;;) {
        cpu->r[15] = pc + pc_offset;
        cpu->icount = ++icount;
        if (likely(slot->cond == COND_AL) || cond_passed(cpu, slot->cond)) {
            if (unlikely(slot->handler(cpu, slot))) {
                pc = cpu->r[15];
                icount = cpu->icount;
                if (cpu->exit_request || cpu->thumb != thumb || icount >= cpu->run_end)
                    return pc;
                if ((pc & TLB_PAGE_MASK) != page) {
                    const struct tlb_entry *e = &cpu->tlb_cur[tlb_index(pc)];
                    if (unlikely(e->tag_exec != (pc & TLB_PAGE_MASK) || !e->code[thumb]))
                        return pc;
                    block = e->code[thumb];
                    cpu->cur_block = block;
                    page = pc & TLB_PAGE_MASK;
                }
                slot = &block->slot[(pc & ~TLB_PAGE_MASK) >> shift];
                continue;
            }
        }
        if (thumb) {
            unsigned len = slot->len;
            pc += len;
            slot += len >> 1;
        } else {
            pc += 4;
            slot++;
        }
        if (unlikely(icount >= cpu->run_end))
            return pc;
    }
}

/*
 * GCC merges the identical dispatch jumps of the paths back into one
 * unless global CSE and cross-jumping are off for this function (its
 * manual says as much for computed gotos); Clang keeps them apart anyway
 * and has no such attribute.
 */
#if defined(__GNUC__) && !defined(__clang__)
#define EXEC_KEEP_DISPATCH_JUMPS __attribute__((optimize("no-gcse", "no-crossjumping")))
#else
#define EXEC_KEEP_DISPATCH_JUMPS
#endif

/*
 * The ARM-state loop: run_insns with the inline paths above. Each path
 * ends with its own dispatch jump (labels as values, a GNU C extension
 * GCC and Clang share). cpu->icount is brought up to date before every
 * handler call and on the way out; the inline paths touch neither devices
 * nor the clock, and they cannot lower run_end, so a local copy refreshed
 * after each call does. The behaviour, instruction counts included, is
 * run_insns(cpu, block, pc, 0)'s exactly.
 */
static uint32_t __attribute__((noinline)) EXEC_KEEP_DISPATCH_JUMPS
run_arm(struct arm_cpu *cpu, struct decode_block *block, uint32_t pc)
{
    static const void *const dispatch[EXEC_OP_COUNT] = {
        [COND_EQ] = &&generic, [COND_NE] = &&generic, [COND_CS] = &&generic,
        [COND_CC] = &&generic, [COND_MI] = &&generic, [COND_PL] = &&generic,
        [COND_VS] = &&generic, [COND_VC] = &&generic, [COND_HI] = &&generic,
        [COND_LS] = &&generic, [COND_GE] = &&generic, [COND_LT] = &&generic,
        [COND_GT] = &&generic, [COND_LE] = &&generic, [COND_AL] = &&call,
        [COND_NV] = &&generic,
#define EXEC_OP_LABEL(name, ...)                                                   \
        [EXEC_OP_##name] = &&op_##name,                                            \
        [EXEC_OP_COND + EXEC_OP_##name - EXEC_OP_FIRST] = &&cond_##name,
        EXEC_INLINE_LDST(EXEC_OP_LABEL)
        EXEC_INLINE_DP(EXEC_OP_LABEL)
        EXEC_INLINE_HALF(EXEC_OP_LABEL)
#undef EXEC_OP_LABEL
        [EXEC_OP_B + COND_EQ] = &&op_B, [EXEC_OP_B + COND_NE] = &&op_B,
        [EXEC_OP_B + COND_CS] = &&op_B, [EXEC_OP_B + COND_CC] = &&op_B,
        [EXEC_OP_B + COND_MI] = &&op_B, [EXEC_OP_B + COND_PL] = &&op_B,
        [EXEC_OP_B + COND_VS] = &&op_B, [EXEC_OP_B + COND_VC] = &&op_B,
        [EXEC_OP_B + COND_HI] = &&op_B, [EXEC_OP_B + COND_LS] = &&op_B,
        [EXEC_OP_B + COND_GE] = &&op_B, [EXEC_OP_B + COND_LT] = &&op_B,
        [EXEC_OP_B + COND_GT] = &&op_B, [EXEC_OP_B + COND_LE] = &&op_B,
        [EXEC_OP_B + COND_AL] = &&op_B,
    };
    uint32_t page = pc & TLB_PAGE_MASK;
    const struct decoded_insn *slot = &block->slot[(pc & ~TLB_PAGE_MASK) >> 2];
    uint64_t icount = cpu->icount;
    uint64_t run_end = cpu->run_end;

/* Count the slot's instruction and go to its path. */
#define DISPATCH()                                                                 \
    do {                                                                           \
        ++icount;                                                                  \
        goto *dispatch[slot->cond];                                                \
    } while (0)
/* On to the next slot, if the budget allows. */
#define NEXT()                                                                     \
    do {                                                                           \
        pc += 4;                                                                   \
        slot++;                                                                    \
        if (unlikely(icount >= run_end))                                           \
            goto out;                                                              \
        DISPATCH();                                                                \
    } while (0)

    DISPATCH();

generic:
    if (!cond_passed(cpu, slot->cond))
        NEXT();
call:
    cpu->r[15] = pc + 8;
    cpu->icount = icount;
    if (unlikely(slot->handler(cpu, slot))) {
        pc = cpu->r[15];
        icount = cpu->icount;
        run_end = cpu->run_end;
        if (cpu->exit_request || cpu->thumb || icount >= run_end)
            goto out;
        goto jump;
    }
    run_end = cpu->run_end;
    NEXT();

jump:
    /* pc is a branch target; the exit checks are done. */
    if ((pc & TLB_PAGE_MASK) != page) {
        const struct tlb_entry *e = &cpu->tlb_cur[tlb_index(pc)];
        if (unlikely(e->tag_exec != (pc & TLB_PAGE_MASK) || !e->code[0]))
            goto out;
        block = e->code[0];
        cpu->cur_block = block;
        page = pc & TLB_PAGE_MASK;
    }
    slot = &block->slot[(pc & ~TLB_PAGE_MASK) >> 2];
    DISPATCH();

op_B: {
        /* arm_b, with the executor's checks after a taken branch. */
        const unsigned cond = slot->cond - EXEC_OP_B;
        if (cond != COND_AL && !cond_passed(cpu, cond))
            NEXT();
        pc += 8 + slot->imm;
        if (cpu->exit_request || icount >= run_end)
            goto out;
        goto jump;
    }

/* The conditional form of a path: test, then the path itself. */
#define EXEC_OP_COND_PATH(name, ...)                                               \
    cond_##name:                                                                   \
        if (!cond_passed(cpu, slot->raw >> 28))                                    \
            NEXT();                                                                \
        goto op_##name;
    EXEC_INLINE_LDST(EXEC_OP_COND_PATH)
    EXEC_INLINE_DP(EXEC_OP_COND_PATH)
    EXEC_INLINE_HALF(EXEC_OP_COND_PATH)
#undef EXEC_OP_COND_PATH

#define EXEC_OP_LDST_PATH(name, load, byte, reg, index)                            \
    op_##name:                                                                     \
        if (unlikely(!ldst_fast(cpu, slot, load, byte, reg, index)))               \
            goto call;                                                             \
        NEXT();
    EXEC_INLINE_LDST(EXEC_OP_LDST_PATH)
#undef EXEC_OP_LDST_PATH

#define EXEC_OP_DP_PATH(name, op, form, s, type)                                   \
    op_##name: {                                                                   \
        uint32_t result = dp_compute_shift(cpu, slot, op, form, s, type);          \
        if (dp_writes_rd(op))                                                      \
            cpu->r[slot->rd] = result;                                             \
        NEXT();                                                                    \
    }
    EXEC_INLINE_DP(EXEC_OP_DP_PATH)
#undef EXEC_OP_DP_PATH

op_LDRH:
    if (unlikely(!extra_load_fast(cpu, slot, 2, false)))
        goto call;
    NEXT();

op_STRH:
    if (unlikely(!strh_fast(cpu, slot)))
        goto call;
    NEXT();

out:
    cpu->icount = icount;
    return pc;
#undef NEXT
#undef DISPATCH
}

uint64_t cpu_run(struct arm_cpu *cpu, uint64_t budget)
{
    uint64_t start = cpu->icount;

    /* run_end may come closer while we run: a device arming a timer event
     * due before it lowers it (vclock_arm_ns), so the event fires on time. */
    cpu->run_end = start + budget;
    while (cpu->icount < cpu->run_end && !cpu->halted) {
        cpu->exit_request = 0;
        cpu_check_interrupts(cpu);
        uint32_t pc = cpu->r[15];
        struct decode_block *block = exec_lookup_block(cpu, pc);
        if (!block) {
            cpu->icount++;  /* the aborted fetch counts as one step */
            continue;
        }
        cpu->cur_block = block;
        if (cpu->thumb)
            cpu->r[15] = run_insns(cpu, block, pc, 1);
        else
            cpu->r[15] = run_arm(cpu, block, pc);
    }
    cpu->exit_request = 0;
    return cpu->icount - start;
}
