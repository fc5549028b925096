/*
 * The interpreter loop (DESIGN.md, "The CPU core").
 *
 * The outer loop finds the decode block for the PC's page (a TLB compare in
 * the common case), takes pending interrupts and stops when the budget is
 * spent. The inner loop runs straight through the slots of one page: set
 * the architectural PC operand, test the condition, call the handler. It
 * leaves only when a handler returns non-zero (branch, exception, device
 * access), at the end of the page, or when the budget runs out, so the
 * common case costs one indirect call and a few compares per instruction.
 */
#include <stddef.h>

#include "base/trace.h"
#include "cpu/alu.h"
#include "cpu/cpu.h"
#include "cpu/decode.h"
#include "cpu/mem.h"

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
    if (slot->cond != COND_AL && !cond_passed(cpu, slot->cond))
        return 0;
    return slot->handler(cpu, slot);
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
 * Straight-line run within one page and instruction set; returns the next
 * PC. Always inlined with a constant `thumb`, so the slot index shift and
 * the PC offset are immediates in each copy.
 */
static inline __attribute__((always_inline)) uint32_t
run_page(struct arm_cpu *cpu, struct decode_block *block, uint32_t pc, const unsigned thumb)
{
    const uint32_t page = pc & TLB_PAGE_MASK;
    const unsigned shift = thumb ? 1 : 2;
    const uint32_t pc_offset = thumb ? 4 : 8;
    for (;;) {
        struct decoded_insn *slot = &block->slot[(pc & ~TLB_PAGE_MASK) >> shift];
        cpu->r[15] = pc + pc_offset;
        cpu->icount++;
        if (slot->cond == COND_AL || cond_passed(cpu, slot->cond)) {
            if (slot->handler(cpu, slot)) {
                /* A branch that stays in the page continues here unless
                 * something (interrupt, mode change, WFI) wants a look. */
                pc = cpu->r[15];
                if (cpu->exit_request || (pc & TLB_PAGE_MASK) != page ||
                    cpu->thumb != thumb || cpu->icount >= cpu->run_end)
                    return pc;
                continue;
            }
        }
        pc += slot->len;
        if (unlikely((pc & TLB_PAGE_MASK) != page || cpu->icount >= cpu->run_end))
            return pc;
    }
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
            cpu->r[15] = run_page(cpu, block, pc, 1);
        else
            cpu->r[15] = run_page(cpu, block, pc, 0);
    }
    cpu->exit_request = 0;
    return cpu->icount - start;
}
