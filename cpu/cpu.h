/*
 * One ARM processor (or one hypervisor vCPU: the same struct).
 *
 * The CPSR is split so the hot paths never pack or unpack it: the ALU writes
 * the N, Z, C, V and Q flags as separate bytes, the Thumb bit is a byte the
 * executor reads to pick a decoder, and the remaining control bits (mode,
 * I, F, A, E, J) sit in cpsr_ctl. cpu_get_cpsr() builds the architectural
 * value (ARM ARM B1.3.3, "The Current Program Status Register").
 *
 * r[] always holds the registers of the current mode; the other modes'
 * banked copies live in bank[] and are swapped by cpu_switch_mode().
 *
 * r[15] outside an instruction is the address of the next instruction to
 * run. While a handler runs, r[15] reads as that instruction's address + 8
 * (ARM) or + 4 (Thumb), as the architecture defines a PC operand; a handler
 * that changes the flow writes r[15] (cpu_branch*) and returns non-zero.
 */
#ifndef CPU_CPU_H
#define CPU_CPU_H

#include <stdbool.h>
#include <stdint.h>

#include "base/compiler.h"
#include "cpu/cp15.h"
#include "cpu/tlb.h"
#include "cpu/vfp.h"

struct arm_cpu;
struct decoded_insn;
struct decode_block;
struct decode_cache;
struct trace;

/* Processor modes, CPSR.M (ARM ARM B1.3.1, Table B1-1). */
enum arm_mode {
    MODE_USR = 0x10,
    MODE_FIQ = 0x11,
    MODE_IRQ = 0x12,
    MODE_SVC = 0x13,
    MODE_MON = 0x16,
    MODE_ABT = 0x17,
    MODE_HYP = 0x1a,
    MODE_UND = 0x1b,
    MODE_SYS = 0x1f,
};

/* Register banks: USR and SYS share one. */
enum arm_bank {
    BANK_USR,
    BANK_FIQ,
    BANK_IRQ,
    BANK_SVC,
    BANK_ABT,
    BANK_UND,
    BANK_MON,
    BANK_HYP,
    BANK_COUNT
};

/* CPSR bit positions. */
#define PSR_N (1u << 31)
#define PSR_Z (1u << 30)
#define PSR_C (1u << 29)
#define PSR_V (1u << 28)
#define PSR_Q (1u << 27)
#define PSR_IT_LO_MASK (3u << 25)
#define PSR_J (1u << 24)
#define PSR_GE_MASK (0xfu << 16)
#define PSR_IT_HI_MASK (0x3fu << 10)
#define PSR_E (1u << 9)
#define PSR_A (1u << 8)
#define PSR_I (1u << 7)
#define PSR_F (1u << 6)
#define PSR_T (1u << 5)
#define PSR_M_MASK 0x1fu
/* Bits held in cpsr_ctl (everything that is not a flag, GE, IT or T). */
#define PSR_CTL_MASK (PSR_J | PSR_E | PSR_A | PSR_I | PSR_F | PSR_M_MASK)

/* Feature bits of a cpu_model; decoders UNDEF what the model lacks. */
enum cpu_feature {
    CPU_FEAT_V5TE = 1u << 0,
    CPU_FEAT_JAZELLE = 1u << 1,  /* BXJ exists (and behaves as BX) */
    CPU_FEAT_V6 = 1u << 2,
    CPU_FEAT_V6K = 1u << 3,
    CPU_FEAT_V7 = 1u << 4,
    CPU_FEAT_THUMB2 = 1u << 5,
    CPU_FEAT_VFP2 = 1u << 6,
    CPU_FEAT_VFP3 = 1u << 7,
    CPU_FEAT_NEON = 1u << 8,
    CPU_FEAT_DIV = 1u << 9,
    CPU_FEAT_GENERIC_TIMER = 1u << 10,
    CPU_FEAT_VIRT = 1u << 11,
    CPU_FEAT_LPAE = 1u << 12,
    CPU_FEAT_MP = 1u << 13,
    CPU_FEAT_SECURITY = 1u << 14,
    CPU_FEAT_VMSA_V5 = 1u << 15, /* ARMv5 MMU (coarse/fine tables, subpages) */
};

struct cpu_model {
    const char *name;
    uint32_t midr;       /* CP15 c0 Main ID */
    uint32_t ctr;        /* CP15 c0 Cache Type */
    uint32_t features;   /* enum cpu_feature bits */
};

const struct cpu_model *cpu_model_find(const char *name);
extern const struct cpu_model cpu_model_arm926;
extern const struct cpu_model cpu_model_cortex_a9;
extern const struct cpu_model cpu_model_cortex_a15;

/* Exceptions, ARM ARM B1.8 (vector offsets in the comments). */
enum arm_exception {
    EXC_RESET,          /* 0x00 */
    EXC_UNDEFINED,      /* 0x04 */
    EXC_SVC,            /* 0x08 */
    EXC_PREFETCH_ABORT, /* 0x0c */
    EXC_DATA_ABORT,     /* 0x10 */
    EXC_IRQ,            /* 0x18 */
    EXC_FIQ,            /* 0x1c */
    EXC_COUNT
};

/*
 * A fault reported by the memory system; the instruction that caused it
 * turns it into an abort with cpu_data_abort()/cpu_prefetch_abort().
 * fsr is already in the format of the model's fault status register.
 */
struct mem_fault {
    uint32_t fsr;
    uint32_t far;
    bool write;
};

/* Flags for the memory slow path. */
#define MEM_USER   (1u << 0) /* LDRT/STRT: check as PL0 */
#define MEM_EXEC   (1u << 1)
#define MEM_NOFAULT (1u << 2) /* debugger access: no FSR update, no side effects */

/*
 * The memory system under the CPU (implemented by mmu/). The inline fast
 * paths in cpu/mem.h hit the TLB; everything else comes here.
 * load/store return 0 on success, > 0 on success when a device was touched
 * (the executor then leaves its straight-line loop so interrupts are seen),
 * and < 0 on a fault recorded in cpu->fault.
 */
struct cpu_memory_ops {
    int (*load)(struct arm_cpu *cpu, uint32_t va, unsigned size, uint32_t *value,
                unsigned flags);
    int (*store)(struct arm_cpu *cpu, uint32_t va, unsigned size, uint32_t value,
                 unsigned flags);
    /* Decoded block for the page holding va, or NULL with cpu->fault set. */
    struct decode_block *(*fetch_block)(struct arm_cpu *cpu, uint32_t va, bool thumb);
    /* Physical address of va for the monitor (no side effects); < 0 if none. */
    int (*translate_debug)(struct arm_cpu *cpu, uint32_t va, uint64_t *pa);
    /*
     * ARMv7 VA-to-PA operations (CP15 ATS1CPR/CPW/CUR/CUW, DDI 0406C
     * B4.2): the PAR value (short-descriptor format) for a read or write
     * of va at PL1 or PL0. No FSR/FAR, TLB or cpu->fault change.
     */
    uint32_t (*ats)(struct arm_cpu *cpu, uint32_t va, bool write, bool user);
};

/*
 * Coprocessor handlers. Each returns 0 on success or -1 when the access is
 * UNDEFINED (the executor then takes the Undefined Instruction exception).
 * A handler that changes translation state must flush the TLB itself.
 */
struct coproc_access {
    unsigned opc1, crn, crm, opc2;
};

struct coproc_ops {
    int (*mrc)(struct arm_cpu *cpu, const struct coproc_access *a, uint32_t *value);
    int (*mcr)(struct arm_cpu *cpu, const struct coproc_access *a, uint32_t value);
    int (*mrrc)(struct arm_cpu *cpu, unsigned opc1, unsigned crm, uint32_t *lo, uint32_t *hi);
    int (*mcrr)(struct arm_cpu *cpu, unsigned opc1, unsigned crm, uint32_t lo, uint32_t hi);
    int (*cdp)(struct arm_cpu *cpu, uint32_t insn);
    /* LDC/STC: the executor computes addresses; the coprocessor takes words. */
    int (*ldc_word)(struct arm_cpu *cpu, uint32_t insn, unsigned index, uint32_t value);
    int (*stc_word)(struct arm_cpu *cpu, uint32_t insn, unsigned index, uint32_t *value);
    /* Number of words an LDC/STC transfers, or -1 for UNDEFINED. */
    int (*ldc_stc_count)(struct arm_cpu *cpu, uint32_t insn);
};

/*
 * The generic timer (ARM ARM B8) seen from CP15 c14. The counter and the
 * timers live in devices/ (they need virtual time and interrupt lines);
 * cp15.c forwards c14 accesses here. Each returns 0, or -1 for UNDEFINED.
 */
struct generic_timer_ops {
    int (*read)(void *opaque, struct arm_cpu *cpu, const struct coproc_access *a,
                uint32_t *value);
    int (*write)(void *opaque, struct arm_cpu *cpu, const struct coproc_access *a,
                 uint32_t value);
    /* 64-bit registers (MRRC/MCRR p15, opc1, c14): CNTPCT, CNTVCT, CVALs, CNTVOFF. */
    int (*read64)(void *opaque, struct arm_cpu *cpu, unsigned opc1, uint64_t *value);
    int (*write64)(void *opaque, struct arm_cpu *cpu, unsigned opc1, uint64_t value);
};

struct arm_cpu {
    /* --- hot state, touched by almost every instruction --- */
    uint32_t r[16];
    uint8_t n, z, c, v;   /* each 0 or 1 */
    uint8_t q;            /* sticky saturation flag */
    uint8_t ge;           /* GE[3:0] (ARMv6 SIMD) */
    uint8_t thumb;        /* CPSR.T */
    uint8_t it;           /* ITSTATE (Thumb-2), 0 outside an IT block */
    uint32_t cpsr_ctl;    /* PSR_CTL_MASK bits of the CPSR */

    struct tlb_entry *tlb_cur;      /* tlb[privileged] */
    struct decode_block *cur_block; /* block the executor is running from */
    uint64_t icount;                /* instructions retired */
    uint64_t run_end;               /* cpu_run stops when icount reaches it */

    /* Set by anything that must stop the straight-line loop at once. */
    uint8_t exit_request;
    uint8_t halted;       /* in WFI/WFE until an interrupt */
    uint8_t irq_line;     /* level of the IRQ input */
    uint8_t fiq_line;     /* level of the FIQ input */

    /* --- banked state --- */
    uint32_t bank_r13[BANK_COUNT];
    uint32_t bank_r14[BANK_COUNT];
    uint32_t bank_spsr[BANK_COUNT];
    uint32_t usr_r8_r12[5];   /* r8-r12 of every mode but FIQ */
    uint32_t fiq_r8_r12[5];
    uint32_t spsr;            /* SPSR of the current mode (0 in USR/SYS) */

    /* --- memory --- */
    struct tlb_entry tlb[2][TLB_ENTRIES];  /* [0] PL0, [1] PL1 */
    /* Indices filled since the last full flush, so a flush (Linux flushes
     * the whole TLB on every ARMv5 context switch) touches only those. */
    uint16_t tlb_used[2][TLB_ENTRIES];
    unsigned tlb_used_count[2];
    bool tlb_used_overflow;     /* the lists overflowed: flush everything */
    const struct cpu_memory_ops *mem;
    void *mem_opaque;                      /* the mmu layer's per-cpu context */
    struct decode_cache *dcache;
    struct mem_fault fault;

    /* --- system control --- */
    const struct cpu_model *model;
    struct cp15_state cp15;
    const struct coproc_ops *coproc[16];
    struct {
        uint32_t teecr, teehbr;   /* ThumbEE (cpu/cp14.c) */
    } cp14;
    const struct generic_timer_ops *gtimer;   /* NULL: c14 is UNDEFINED */
    void *gtimer_opaque;

    /* VFP / Advanced SIMD registers and control (cpu/vfp.c). */
    struct vfp_state vfp;

    /* Exclusive monitor (ARMv6+): address tagged by LDREX, or ~0 when open. */
    uint32_t excl_addr;
    uint32_t excl_value;      /* size in bytes of the tagged access (cpu/v7_ops.h) */
    /* WFE/SEV event register (ARMv6K+, ARM ARM B1.8.13). */
    uint8_t event_register;
    /* HVC #imm (Virtualization Extensions): the hypervisor's handler, see
     * cpu_hvc() in cpu/v7_ops.h; NULL makes HVC UNDEFINED. */
    int (*hvc_hook)(struct arm_cpu *cpu, uint32_t imm);
    void *hvc_opaque;

    /* Counters for `stats`. */
    uint64_t exceptions_taken[EXC_COUNT];

    unsigned index;          /* CPU number on the board / vCPU number */
    struct trace *trace;
};

void cpu_init(struct arm_cpu *cpu, const struct cpu_model *model, unsigned index);
/* Installs CP14 (debug ID, ThumbEE) on ARMv7 models. */
void cp14_attach(struct arm_cpu *cpu);
void cpu_reset(struct arm_cpu *cpu);

/* CPSR/SPSR access (ARM ARM B1.3.3). */
uint32_t cpu_get_cpsr(const struct arm_cpu *cpu);
/* Writes the bits in mask; switches register banks when M changes. */
void cpu_set_cpsr(struct arm_cpu *cpu, uint32_t value, uint32_t mask);
void cpu_switch_mode(struct arm_cpu *cpu, unsigned new_mode);
bool cpu_mode_is_valid(const struct arm_cpu *cpu, unsigned mode);
enum arm_bank cpu_mode_bank(unsigned mode);
const char *cpu_mode_name(unsigned mode);

static inline unsigned cpu_mode(const struct arm_cpu *cpu)
{
    return cpu->cpsr_ctl & PSR_M_MASK;
}

static inline bool cpu_privileged(const struct arm_cpu *cpu)
{
    return cpu_mode(cpu) != MODE_USR;
}

static inline bool cpu_mode_has_spsr(unsigned mode)
{
    return mode != MODE_USR && mode != MODE_SYS;
}

/*
 * CPSR.E (ARMv6+, DDI 0406C A3.3.1, BE-8): data accesses are big-endian;
 * instruction fetches and translation table walks are not affected. While
 * E = 1 no TLB entry has a read or write tag (cpu_set_cpsr and exception
 * entry drop them, mmu/ sets none), so every data access takes the slow
 * path, which byte-reverses each halfword and word; the inline fast paths
 * never see E.
 */
static inline bool cpu_data_big_endian(const struct arm_cpu *cpu)
{
    return (cpu->cpsr_ctl & PSR_E) != 0;
}

/* User-mode registers, whatever the current mode (LDM/STM ^, monitor). */
uint32_t cpu_get_user_reg(const struct arm_cpu *cpu, unsigned reg);
void cpu_set_user_reg(struct arm_cpu *cpu, unsigned reg, uint32_t value);

/* Branch helpers: a handler calls one and returns non-zero. */
static inline void cpu_branch(struct arm_cpu *cpu, uint32_t target)
{
    cpu->r[15] = target & (cpu->thumb ? ~1u : ~3u);
}

/* BX semantics: bit 0 selects Thumb (ARM ARM A2.4.2 BXWritePC). */
static inline void cpu_branch_exchange(struct arm_cpu *cpu, uint32_t target)
{
    cpu->thumb = target & 1;
    cpu->r[15] = target & (cpu->thumb ? ~1u : ~3u);
}

/* Address of the executing instruction (valid inside a handler). */
static inline uint32_t cpu_insn_addr(const struct arm_cpu *cpu)
{
    return cpu->r[15] - (cpu->thumb ? 4 : 8);
}

/*
 * Exception entry (ARM ARM B1.8, TakeException pseudocode). return_addr is
 * the value written to the new mode's LR. Leaves r[15] at the vector; the
 * calling handler returns non-zero.
 */
void cpu_take_exception(struct arm_cpu *cpu, enum arm_exception exc, uint32_t return_addr);
/* Convenience forms used by instruction handlers; each returns 1. */
int cpu_undefined(struct arm_cpu *cpu, unsigned insn_len);
int cpu_svc(struct arm_cpu *cpu, unsigned insn_len);
int cpu_data_abort(struct arm_cpu *cpu);
int cpu_prefetch_abort(struct arm_cpu *cpu, uint32_t addr, uint32_t ifsr);
/* Return from exception: CPSR <- SPSR, PC <- target (SUBS PC, LR / LDM ^). */
void cpu_exception_return(struct arm_cpu *cpu, uint32_t target);

/* Interrupt inputs, driven by the board's interrupt controller. */
void cpu_set_irq(struct arm_cpu *cpu, int level);
void cpu_set_fiq(struct arm_cpu *cpu, int level);
/* Takes a pending, unmasked FIQ/IRQ; returns true if one was taken. */
bool cpu_check_interrupts(struct arm_cpu *cpu);

/* Runs up to budget instructions; returns how many were executed. */
uint64_t cpu_run(struct arm_cpu *cpu, uint64_t budget);

/* Drops every TLB entry (both privilege levels). */
void cpu_tlb_flush(struct arm_cpu *cpu);

/* The mmu layer calls this before filling an entry that held nothing. */
static inline void cpu_tlb_note_fill(struct arm_cpu *cpu, unsigned priv, unsigned index)
{
    if (cpu->tlb[priv][index].tag_translated != TLB_INVALID)
        return;
    if (cpu->tlb_used_count[priv] < TLB_ENTRIES)
        cpu->tlb_used[priv][cpu->tlb_used_count[priv]++] = (uint16_t)index;
    else
        cpu->tlb_used_overflow = true;  /* after per-page flushes refilled entries */
}
/* Drops the entries of the domains in the mask (bit n = domain n). */
void cpu_tlb_flush_domains(struct arm_cpu *cpu, uint32_t domains);
/* Drops the entries that map va's page. */
void cpu_tlb_flush_page(struct arm_cpu *cpu, uint32_t va);
/* Invalidates every read and write tag, keeping translations and code
 * (CPSR.E became 1: see cpu_data_big_endian). */
void cpu_tlb_drop_data_tags(struct arm_cpu *cpu);

#endif
