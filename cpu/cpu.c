/*
 * Processor state: reset, the CPSR, register banking and exception entry.
 * References: ARM ARM (DDI 0406C) B1.3 "Processor modes and the core
 * registers", B1.8 "Exception handling"; for the ARM926EJ-S, DDI 0100I A2.
 */
#include "cpu/cpu.h"

#include <string.h>

#include "base/trace.h"
#include "cpu/decode.h"

static void tlb_entry_clear(struct tlb_entry *e)
{
    e->tag_read = e->tag_write = e->tag_exec = e->tag_translated = TLB_INVALID;
    e->code[0] = e->code[1] = NULL;
}

static void tlb_clear_all(struct arm_cpu *cpu)
{
    for (unsigned p = 0; p < 2; p++) {
        for (unsigned i = 0; i < TLB_ENTRIES; i++)
            tlb_entry_clear(&cpu->tlb[p][i]);
        cpu->tlb_used_count[p] = 0;
    }
    cpu->tlb_used_overflow = false;
}

void cpu_init(struct arm_cpu *cpu, const struct cpu_model *model, unsigned index)
{
    memset(cpu, 0, sizeof(*cpu));
    cpu->model = model;
    cpu->index = index;
    cp15_attach(cpu);
    cp14_attach(cpu);
    vfp_attach(cpu);
    cpu_reset(cpu);
}

/* Reset (ARM ARM B1.8.4): SVC mode, IRQ/FIQ/async aborts masked, ARM state. */
void cpu_reset(struct arm_cpu *cpu)
{
    memset(cpu->r, 0, sizeof(cpu->r));
    memset(cpu->bank_r13, 0, sizeof(cpu->bank_r13));
    memset(cpu->bank_r14, 0, sizeof(cpu->bank_r14));
    memset(cpu->bank_spsr, 0, sizeof(cpu->bank_spsr));
    memset(cpu->usr_r8_r12, 0, sizeof(cpu->usr_r8_r12));
    memset(cpu->fiq_r8_r12, 0, sizeof(cpu->fiq_r8_r12));
    cpu->n = cpu->z = cpu->c = cpu->v = cpu->q = 0;
    cpu->ge = 0;
    cpu->it = 0;
    cpu->thumb = 0;
    cpu->spsr = 0;
    cpu->cpsr_ctl = MODE_SVC | PSR_I | PSR_F | PSR_A;
    cpu->halted = 0;
    cpu->exit_request = 0;
    cpu->excl_addr = ~0u;
    cpu->event_register = 0;
    cpu->cp14.teecr = cpu->cp14.teehbr = 0;
    cp15_reset(cpu);
    vfp_reset(cpu);
    cpu->tlb_cur = cpu->tlb[1];
    tlb_clear_all(cpu);
    /* Reset vector: 0 or 0xffff0000 with high vectors (SCTLR.V). */
    cpu->r[15] = (cpu->cp15.sctlr & SCTLR_V) ? 0xffff0000u : 0;
}

enum arm_bank cpu_mode_bank(unsigned mode)
{
    switch (mode) {
    case MODE_FIQ: return BANK_FIQ;
    case MODE_IRQ: return BANK_IRQ;
    case MODE_SVC: return BANK_SVC;
    case MODE_ABT: return BANK_ABT;
    case MODE_UND: return BANK_UND;
    case MODE_MON: return BANK_MON;
    case MODE_HYP: return BANK_HYP;
    default: return BANK_USR;
    }
}

const char *cpu_mode_name(unsigned mode)
{
    switch (mode) {
    case MODE_USR: return "usr";
    case MODE_FIQ: return "fiq";
    case MODE_IRQ: return "irq";
    case MODE_SVC: return "svc";
    case MODE_MON: return "mon";
    case MODE_ABT: return "abt";
    case MODE_HYP: return "hyp";
    case MODE_UND: return "und";
    case MODE_SYS: return "sys";
    default: return "???";
    }
}

/* Modes the model implements (MON needs Security, HYP Virtualization). */
bool cpu_mode_is_valid(const struct arm_cpu *cpu, unsigned mode)
{
    switch (mode) {
    case MODE_USR: case MODE_FIQ: case MODE_IRQ: case MODE_SVC:
    case MODE_ABT: case MODE_UND: case MODE_SYS:
        return true;
    case MODE_MON:
        return cpu->model->features & CPU_FEAT_SECURITY;
    case MODE_HYP:
        return cpu->model->features & CPU_FEAT_VIRT;
    default:
        return false;
    }
}

/*
 * Swaps banked registers: r13/r14/SPSR per bank, r8-r12 between FIQ and the
 * rest. Callers have already checked the mode is valid.
 */
void cpu_switch_mode(struct arm_cpu *cpu, unsigned new_mode)
{
    unsigned old_mode = cpu_mode(cpu);
    enum arm_bank old_bank = cpu_mode_bank(old_mode);
    enum arm_bank new_bank = cpu_mode_bank(new_mode);

    cpu->cpsr_ctl = (cpu->cpsr_ctl & ~PSR_M_MASK) | new_mode;
    cpu->tlb_cur = cpu->tlb[new_mode != MODE_USR];
    if (old_bank == new_bank)
        return;

    if (old_bank == BANK_FIQ) {
        memcpy(cpu->fiq_r8_r12, &cpu->r[8], sizeof(cpu->fiq_r8_r12));
        memcpy(&cpu->r[8], cpu->usr_r8_r12, sizeof(cpu->usr_r8_r12));
    } else if (new_bank == BANK_FIQ) {
        memcpy(cpu->usr_r8_r12, &cpu->r[8], sizeof(cpu->usr_r8_r12));
        memcpy(&cpu->r[8], cpu->fiq_r8_r12, sizeof(cpu->fiq_r8_r12));
    }
    cpu->bank_r13[old_bank] = cpu->r[13];
    cpu->bank_r14[old_bank] = cpu->r[14];
    cpu->bank_spsr[old_bank] = cpu->spsr;
    cpu->r[13] = cpu->bank_r13[new_bank];
    cpu->r[14] = cpu->bank_r14[new_bank];
    cpu->spsr = cpu->bank_spsr[new_bank];
}

uint32_t cpu_get_cpsr(const struct arm_cpu *cpu)
{
    uint32_t it = cpu->it;
    return (uint32_t)cpu->n << 31 | (uint32_t)cpu->z << 30 | (uint32_t)cpu->c << 29 |
           (uint32_t)cpu->v << 28 | (uint32_t)cpu->q << 27 | (it & 3) << 25 |
           (uint32_t)(cpu->ge & 0xf) << 16 | (it >> 2) << 10 |
           (uint32_t)cpu->thumb << 5 | cpu->cpsr_ctl;
}

/*
 * Writes the CPSR bits selected by mask. The caller applies the
 * architecture's write rules (MSR in User mode may only write flags, etc.);
 * an invalid target mode is ignored here, which is what the ARM926 does
 * (the ARM ARM calls it UNPREDICTABLE).
 */
void cpu_set_cpsr(struct arm_cpu *cpu, uint32_t value, uint32_t mask)
{
    if (mask & PSR_N) cpu->n = (value >> 31) & 1;
    if (mask & PSR_Z) cpu->z = (value >> 30) & 1;
    if (mask & PSR_C) cpu->c = (value >> 29) & 1;
    if (mask & PSR_V) cpu->v = (value >> 28) & 1;
    if (mask & PSR_Q) cpu->q = (value >> 27) & 1;
    if (mask & PSR_GE_MASK)
        cpu->ge = (uint8_t)((cpu->ge & ~(mask >> 16)) | ((value & mask) >> 16)) & 0xf;
    if (mask & (PSR_IT_LO_MASK | PSR_IT_HI_MASK)) {
        uint32_t old = cpu_get_cpsr(cpu);
        uint32_t merged = (old & ~mask) | (value & mask);
        cpu->it = (uint8_t)(((merged >> 25) & 3) | (((merged >> 10) & 0x3f) << 2));
    }
    if (mask & PSR_T)
        cpu->thumb = (value >> 5) & 1;
    uint32_t ctl_mask = mask & PSR_CTL_MASK;
    /* CPSR[9] is reserved before ARMv6 (DDI 0100I A2.5): E stays 0. */
    if (!(cpu->model->features & CPU_FEAT_V6))
        ctl_mask &= ~PSR_E;
    if (ctl_mask) {
        bool was_big = cpu_data_big_endian(cpu);
        unsigned new_mode = (mask & PSR_M_MASK) ? value & PSR_M_MASK : cpu_mode(cpu);
        if (!cpu_mode_is_valid(cpu, new_mode)) {
            new_mode = cpu_mode(cpu);
            ctl_mask &= ~PSR_M_MASK;
        }
        uint32_t other = ctl_mask & ~PSR_M_MASK;
        cpu->cpsr_ctl = (cpu->cpsr_ctl & ~other) | (value & other);
        if (new_mode != cpu_mode(cpu))
            cpu_switch_mode(cpu, new_mode);
        if (!was_big && cpu_data_big_endian(cpu))
            cpu_tlb_drop_data_tags(cpu);
        /* An unmasked pending interrupt must be seen at once. */
        cpu->exit_request = 1;
    }
}

uint32_t cpu_get_user_reg(const struct arm_cpu *cpu, unsigned reg)
{
    unsigned mode = cpu_mode(cpu);
    if (reg >= 8 && reg <= 12 && mode == MODE_FIQ)
        return cpu->usr_r8_r12[reg - 8];
    if ((reg == 13 || reg == 14) && cpu_mode_bank(mode) != BANK_USR)
        return reg == 13 ? cpu->bank_r13[BANK_USR] : cpu->bank_r14[BANK_USR];
    return cpu->r[reg];
}

void cpu_set_user_reg(struct arm_cpu *cpu, unsigned reg, uint32_t value)
{
    unsigned mode = cpu_mode(cpu);
    if (reg >= 8 && reg <= 12 && mode == MODE_FIQ)
        cpu->usr_r8_r12[reg - 8] = value;
    else if ((reg == 13 || reg == 14) && cpu_mode_bank(mode) != BANK_USR)
        (reg == 13 ? cpu->bank_r13 : cpu->bank_r14)[BANK_USR] = value;
    else
        cpu->r[reg] = value;
}

/* Mode, vector offset and the mask bits set on entry (ARM ARM B1.8.1). */
static const struct {
    uint8_t mode;
    uint8_t vector;
    uint8_t mask_fiq;
    const char *name;
} exception_info[EXC_COUNT] = {
    [EXC_RESET] = { MODE_SVC, 0x00, 1, "reset" },
    [EXC_UNDEFINED] = { MODE_UND, 0x04, 0, "undefined" },
    [EXC_SVC] = { MODE_SVC, 0x08, 0, "svc" },
    [EXC_PREFETCH_ABORT] = { MODE_ABT, 0x0c, 0, "prefetch-abort" },
    [EXC_DATA_ABORT] = { MODE_ABT, 0x10, 0, "data-abort" },
    [EXC_IRQ] = { MODE_IRQ, 0x18, 0, "irq" },
    [EXC_FIQ] = { MODE_FIQ, 0x1c, 1, "fiq" },
};

static uint32_t exception_vector_base(const struct arm_cpu *cpu)
{
    if (cpu->cp15.sctlr & SCTLR_V)
        return 0xffff0000u;
    if (cpu->model->features & CPU_FEAT_SECURITY)
        return cpu->cp15.vbar;
    return 0;
}

void cpu_take_exception(struct arm_cpu *cpu, enum arm_exception exc, uint32_t return_addr)
{
    uint32_t old_cpsr = cpu_get_cpsr(cpu);
    unsigned mode = exception_info[exc].mode;

    trace_printf(cpu->trace, TRACE_EXCEPTION, "cpu%u %s from %s (lr=0x%08x cpsr=0x%08x)",
                 cpu->index, exception_info[exc].name, cpu_mode_name(cpu_mode(cpu)),
                 return_addr, old_cpsr);
    cpu->exceptions_taken[exc]++;

    cpu_switch_mode(cpu, mode);
    cpu->spsr = old_cpsr;
    cpu->r[14] = return_addr;
    cpu->cpsr_ctl |= PSR_I;
    if (exception_info[exc].mask_fiq)
        cpu->cpsr_ctl |= PSR_F;
    /* ARMv6+: asynchronous aborts are masked on entry to Abort, IRQ and FIQ
     * modes and on reset, not on Undefined or SVC (ARM ARM B1.8.3). */
    if ((cpu->model->features & CPU_FEAT_V6) && exc != EXC_UNDEFINED && exc != EXC_SVC)
        cpu->cpsr_ctl |= PSR_A;
    /* ARMv6+: the handler's data endianness is SCTLR.EE (DDI 0406C B1.8.3,
     * TakeException: CPSR.E = SCTLR.EE). */
    if (cpu->model->features & CPU_FEAT_V6) {
        bool big = (cpu->cp15.sctlr & SCTLR_EE) != 0;
        cpu->cpsr_ctl = (cpu->cpsr_ctl & ~PSR_E) | (big ? PSR_E : 0);
        if (big && !(old_cpsr & PSR_E))
            cpu_tlb_drop_data_tags(cpu);
    }
    cpu->it = 0;
    cpu->excl_addr = ~0u;   /* ClearExclusiveLocal on exception entry */
    cpu->thumb = (cpu->cp15.sctlr & SCTLR_TE) ? 1 : 0;
    cpu->halted = 0;
    cpu->exit_request = 1;  /* new mode: the executor re-selects its TLB */
    cpu->r[15] = exception_vector_base(cpu) + exception_info[exc].vector;
}

int cpu_undefined(struct arm_cpu *cpu, unsigned insn_len)
{
    cpu_take_exception(cpu, EXC_UNDEFINED, cpu_insn_addr(cpu) + insn_len);
    return 1;
}

int cpu_svc(struct arm_cpu *cpu, unsigned insn_len)
{
    cpu_take_exception(cpu, EXC_SVC, cpu_insn_addr(cpu) + insn_len);
    return 1;
}

/* Data abort: LR = faulting instruction + 8, in both states (B1.8.7). */
int cpu_data_abort(struct arm_cpu *cpu)
{
    cpu->cp15.dfsr = cpu->fault.fsr;
    cpu->cp15.dfar = cpu->fault.far;
    cpu_take_exception(cpu, EXC_DATA_ABORT, cpu_insn_addr(cpu) + 8);
    return 1;
}

/*
 * Prefetch abort for the instruction at addr: LR = addr + 4. On ARMv5 the
 * FAR is not written for prefetch aborts; IFSR exists on the ARM926 (c5,
 * opc2 1) and from ARMv6 on, IFAR from ARMv6 on.
 */
int cpu_prefetch_abort(struct arm_cpu *cpu, uint32_t addr, uint32_t ifsr)
{
    cpu->cp15.ifsr = ifsr;
    if (cpu->model->features & CPU_FEAT_V6)
        cpu->cp15.ifar = addr;
    cpu->r[15] = addr + (cpu->thumb ? 4 : 8);
    cpu_take_exception(cpu, EXC_PREFETCH_ABORT, addr + 4);
    return 1;
}

/* CPSR <- SPSR, then branch (ARM ARM B1.9.10 "Exception return"). */
void cpu_exception_return(struct arm_cpu *cpu, uint32_t target)
{
    uint32_t spsr = cpu->spsr;
    cpu->excl_addr = ~0u;   /* ClearExclusiveLocal on exception return */
    if (cpu_mode_has_spsr(cpu_mode(cpu)))
        cpu_set_cpsr(cpu, spsr, 0xffffffffu);
    cpu->r[15] = target & (cpu->thumb ? ~1u : ~3u);
    cpu->exit_request = 1;
}

void cpu_set_irq(struct arm_cpu *cpu, int level)
{
    cpu->irq_line = level != 0;
    if (level) {
        cpu->halted = 0;
        cpu->exit_request = 1;
    }
}

void cpu_set_fiq(struct arm_cpu *cpu, int level)
{
    cpu->fiq_line = level != 0;
    if (level) {
        cpu->halted = 0;
        cpu->exit_request = 1;
    }
}

/*
 * Called between instructions, when r[15] is the next instruction. The
 * interrupted instruction's address + 4 goes to LR, so the handler's
 * SUBS PC, LR, #4 resumes it (B1.8.10/B1.8.11).
 */
bool cpu_check_interrupts(struct arm_cpu *cpu)
{
    uint32_t next = cpu->r[15];
    if (cpu->fiq_line && !(cpu->cpsr_ctl & PSR_F)) {
        cpu_take_exception(cpu, EXC_FIQ, next + 4);
        return true;
    }
    if (cpu->irq_line && !(cpu->cpsr_ctl & PSR_I)) {
        cpu_take_exception(cpu, EXC_IRQ, next + 4);
        return true;
    }
    return false;
}

void cpu_tlb_flush(struct arm_cpu *cpu)
{
    if (cpu->tlb_used_overflow) {
        tlb_clear_all(cpu);
        return;
    }
    for (unsigned p = 0; p < 2; p++) {
        for (unsigned i = 0; i < cpu->tlb_used_count[p]; i++)
            tlb_entry_clear(&cpu->tlb[p][cpu->tlb_used[p][i]]);
        cpu->tlb_used_count[p] = 0;
    }
}

/*
 * Linux with CPU_SW_DOMAIN_PAN rewrites DACR around every user access,
 * toggling only the user domain: keep the kernel's entries.
 */
void cpu_tlb_flush_domains(struct arm_cpu *cpu, uint32_t domains)
{
    if (cpu->tlb_used_overflow) {
        tlb_clear_all(cpu);
        return;
    }
    for (unsigned p = 0; p < 2; p++) {
        unsigned kept = 0;
        for (unsigned i = 0; i < cpu->tlb_used_count[p]; i++) {
            uint16_t index = cpu->tlb_used[p][i];
            struct tlb_entry *e = &cpu->tlb[p][index];
            if (e->tag_translated != TLB_INVALID && !((domains >> e->domain) & 1))
                cpu->tlb_used[p][kept++] = index;
            else
                tlb_entry_clear(e);
        }
        cpu->tlb_used_count[p] = kept;
    }
}

void cpu_tlb_flush_page(struct arm_cpu *cpu, uint32_t va)
{
    /* The entry stays in tlb_used: clearing it twice is harmless. */
    for (unsigned p = 0; p < 2; p++)
        tlb_entry_clear(&cpu->tlb[p][tlb_index(va)]);
}

static void tlb_entry_drop_data(struct tlb_entry *e)
{
    e->tag_read = e->tag_write = TLB_INVALID;
}

/* Every entry with a tag was noted in tlb_used since the last full flush. */
void cpu_tlb_drop_data_tags(struct arm_cpu *cpu)
{
    for (unsigned p = 0; p < 2; p++) {
        if (cpu->tlb_used_overflow) {
            for (unsigned i = 0; i < TLB_ENTRIES; i++)
                tlb_entry_drop_data(&cpu->tlb[p][i]);
        } else {
            for (unsigned i = 0; i < cpu->tlb_used_count[p]; i++)
                tlb_entry_drop_data(&cpu->tlb[p][cpu->tlb_used[p][i]]);
        }
    }
}
