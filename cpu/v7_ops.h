/*
 * ARMv6/ARMv7 operations shared by the ARM (A32) and Thumb (T32) executors.
 *
 * The two instruction sets encode these operations differently but mean
 * the same thing, so each decoder extracts its own fields and both call
 * the functions here. Two kinds:
 *
 *  - value operations (media/SIMD arithmetic, saturation, extends, bit
 *    field and byte-reverse operations, the DSP multiplies, divide): take
 *    operand values, return the result, and set Q or GE where the ARM ARM
 *    says so. The small ones are static inline here.
 *  - state operations (exclusive monitor, MRS/MSR including the banked
 *    forms, CPS, SETEND, SRS/RFE, WFI/WFE/SEV, HVC): follow the handler
 *    return convention of cpu/decode.h. Those that need to know where the
 *    next instruction is take the instruction length (2 or 4) and use
 *    cpu_insn_addr(), so they work in both states. When they UNDEF, LR_und
 *    is the instruction's address + 4 (ARM) or + 2 (Thumb, also after a
 *    32-bit instruction: TakeUndefInstrException).
 *
 * References: ARM ARM DDI 0406C, A8.8 (instruction pseudocode), A2.3 and
 * A3.4 (exclusive monitors), B1.3.3 and B9.3 (CPSR writes, MRS/MSR banked,
 * SRS/RFE, CPS), B1.8 (exceptions).
 *
 * The exclusive monitor lives in struct arm_cpu: excl_addr is the tagged
 * address (~0 when the monitor is in the Open Access state) and excl_value
 * the size in bytes of the access that tagged it (1, 2, 4 or 8), so a
 * STREX of another size or address fails (the ARM ARM leaves that case
 * UNPREDICTABLE; failing is what hardware does). The model is the local
 * monitor only (one core per interpreter thread): whoever switches vCPUs
 * on one host thread must clear the monitor (v7_excl_clear), as real
 * hardware does on the exception entry that a world switch implies.
 */
#ifndef CPU_V7_OPS_H
#define CPU_V7_OPS_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu/cpu.h"
#include "cpu/decode.h"

/* ---- parallel addition and subtraction (A8.4.? / A5.4.1 / A6.3.13) ---- */

/*
 * The operation (the same six in both instruction sets; each decoder maps
 * its op fields onto these) and the prefix (S, Q, SH, U, UQ, UH).
 */
enum v7_par_op { V7_PAR_ADD16, V7_PAR_ASX, V7_PAR_SAX, V7_PAR_SUB16, V7_PAR_ADD8,
                 V7_PAR_SUB8, V7_PAR_OP_COUNT };
enum v7_par_kind { V7_PAR_S, V7_PAR_Q, V7_PAR_SH, V7_PAR_U, V7_PAR_UQ, V7_PAR_UH,
                   V7_PAR_KIND_COUNT };

/* SADD16 ... UHSUB8: result; the S and U forms set GE (A2.2.1 "GE bits"). */
uint32_t v7_parallel(struct arm_cpu *cpu, enum v7_par_kind kind, enum v7_par_op op,
                     uint32_t n, uint32_t m);

/* SEL: byte i from n if GE[i], else from m (A8.8.153). */
static inline uint32_t v7_sel(const struct arm_cpu *cpu, uint32_t n, uint32_t m)
{
    uint32_t mask = 0;
    for (unsigned i = 0; i < 4; i++)
        if ((cpu->ge >> i) & 1)
            mask |= 0xffu << (8 * i);
    return (n & mask) | (m & ~mask);
}

/* USAD8 / USADA8 (with acc): sum of absolute byte differences (A8.8.254). */
uint32_t v7_usad8(uint32_t n, uint32_t m, uint32_t acc);

/* ---- saturation (A8.8.160 SSAT, A8.8.244 USAT and the 16-bit forms) ---- */

/* SignedSatQ to bits (1..32) / UnsignedSatQ to bits (0..31); set Q on clip. */
uint32_t v7_ssat(struct arm_cpu *cpu, int32_t value, unsigned bits);
uint32_t v7_usat(struct arm_cpu *cpu, int32_t value, unsigned bits);
/* Each halfword saturated: bits 1..16 (SSAT16) / 0..15 (USAT16). */
uint32_t v7_ssat16(struct arm_cpu *cpu, uint32_t value, unsigned bits);
uint32_t v7_usat16(struct arm_cpu *cpu, uint32_t value, unsigned bits);

/* QADD/QSUB/QDADD/QDSUB (A8.8.124-A8.8.134): Rm op Rn, set Q on clip. */
uint32_t v7_qadd(struct arm_cpu *cpu, uint32_t a, uint32_t b);
uint32_t v7_qsub(struct arm_cpu *cpu, uint32_t a, uint32_t b);
uint32_t v7_qdadd(struct arm_cpu *cpu, uint32_t m, uint32_t n);
uint32_t v7_qdsub(struct arm_cpu *cpu, uint32_t m, uint32_t n);

/* ---- extends (A8.8.221-A8.8.226, A8.8.271-A8.8.276) ---- */

enum v7_extend_op { V7_SXTB, V7_SXTH, V7_SXTB16, V7_UXTB, V7_UXTH, V7_UXTB16 };

/*
 * The extend of value (already rotated by the instruction's ROR #0/8/16/24)
 * added to n: SXTAB, SXTAH, SXTAB16 (each halfword), ... Pass n = 0 for
 * the plain SXTB & co.
 */
static inline uint32_t v7_extend_add(enum v7_extend_op op, uint32_t n, uint32_t value)
{
    switch (op) {
    case V7_SXTB:
        return n + (uint32_t)(int32_t)(int8_t)value;
    case V7_SXTH:
        return n + (uint32_t)(int32_t)(int16_t)value;
    case V7_UXTB:
        return n + (value & 0xff);
    case V7_UXTH:
        return n + (value & 0xffff);
    case V7_SXTB16: {
        uint32_t lo = (n + (uint32_t)(int32_t)(int8_t)value) & 0xffff;
        uint32_t hi = (n >> 16) + (uint32_t)(int32_t)(int8_t)(value >> 16);
        return hi << 16 | lo;
    }
    default: { /* V7_UXTB16 */
        uint32_t lo = (n + (value & 0xff)) & 0xffff;
        uint32_t hi = (n >> 16) + ((value >> 16) & 0xff);
        return hi << 16 | lo;
    }
    }
}

/* ---- bit and byte operations ---- */

static inline uint32_t v7_rev(uint32_t v)
{
    return __builtin_bswap32(v);
}

/* REV16: bytes swapped within each halfword (A8.8.145). */
static inline uint32_t v7_rev16(uint32_t v)
{
    return ((v & 0x00ff00ffu) << 8) | ((v >> 8) & 0x00ff00ffu);
}

/* REVSH: the low halfword byte-swapped and sign-extended (A8.8.146). */
static inline uint32_t v7_revsh(uint32_t v)
{
    return (uint32_t)(int32_t)(int16_t)(uint16_t)((v & 0xff) << 8 | ((v >> 8) & 0xff));
}

static inline uint32_t v7_rbit(uint32_t v)
{
    v = ((v >> 1) & 0x55555555u) | ((v & 0x55555555u) << 1);
    v = ((v >> 2) & 0x33333333u) | ((v & 0x33333333u) << 2);
    v = ((v >> 4) & 0x0f0f0f0fu) | ((v & 0x0f0f0f0fu) << 4);
    return __builtin_bswap32(v);
}

static inline uint32_t v7_clz(uint32_t v)
{
    return v ? (uint32_t)__builtin_clz(v) : 32;
}

/* BFI: d[msb:lsb] = n[msb-lsb:0]; BFC is BFI with n = 0 (A8.8.20, A8.8.21).
 * msb < lsb is UNPREDICTABLE: d is returned unchanged. */
static inline uint32_t v7_bfi(uint32_t d, uint32_t n, unsigned lsb, unsigned msb)
{
    if (msb < lsb)
        return d;
    unsigned width = msb - lsb + 1;
    uint32_t mask = (width >= 32 ? 0xffffffffu : (1u << width) - 1) << lsb;
    return (d & ~mask) | ((n << lsb) & mask);
}

/* UBFX/SBFX: width bits from lsb (A8.8.246, A8.8.154). lsb + width > 32 is
 * UNPREDICTABLE: the bits above 31 read as zero. */
static inline uint32_t v7_ubfx(uint32_t n, unsigned lsb, unsigned width)
{
    uint32_t v = n >> lsb;
    return width >= 32 ? v : v & ((1u << width) - 1);
}

static inline uint32_t v7_sbfx(uint32_t n, unsigned lsb, unsigned width)
{
    uint32_t v = v7_ubfx(n, lsb, width);
    return width >= 32 ? v : (uint32_t)sign_extend32(v, width);
}

/* PKHBT: n[15:0] with shifted m[31:16]; PKHTB: shifted m[15:0] with n[31:16]
 * (A8.8.125; the caller applies LSL / ASR to m). */
static inline uint32_t v7_pkhbt(uint32_t n, uint32_t m_shifted)
{
    return (m_shifted & 0xffff0000u) | (n & 0xffff);
}

static inline uint32_t v7_pkhtb(uint32_t n, uint32_t m_shifted)
{
    return (n & 0xffff0000u) | (m_shifted & 0xffff);
}

/* ---- multiplies (A8.8.164 ff.) ---- */

/*
 * SMLAD/SMLSD (and SMUAD/SMUSD with a = 0): n.lo * m'.lo +/- n.hi * m'.hi
 * + a, m' = m with halves swapped when swap (the X forms). Q is set when
 * the sum does not fit 32 bits.
 */
uint32_t v7_smlad(struct arm_cpu *cpu, uint32_t n, uint32_t m, uint32_t a, bool swap,
                  bool subtract);
/* SMLALD/SMLSLD: the same into a 64-bit accumulator, no Q (A8.8.178). */
uint64_t v7_smlald(uint32_t n, uint32_t m, uint64_t acc, bool swap, bool subtract);
/* SMMUL/SMMLA/SMMLS: the top word of (a << 32) +/- n * m, rounded when round. */
uint32_t v7_smmla(uint32_t n, uint32_t m, uint32_t a, bool round, bool subtract);
/* SMLA<x><y> (acc, Q on overflow) / SMUL<x><y> (accumulate = false). */
uint32_t v7_smlaxy(struct arm_cpu *cpu, uint32_t n, uint32_t m, uint32_t a, bool n_top,
                   bool m_top, bool accumulate);
/* SMLAW<y> / SMULW<y>: (n * m.half) >> 16 (+ a, Q on overflow). */
uint32_t v7_smlawy(struct arm_cpu *cpu, uint32_t n, uint32_t m, uint32_t a, bool m_top,
                   bool accumulate);
/* SMLAL<x><y>: 64-bit accumulate of the 16 x 16 product. */
static inline uint64_t v7_smlalxy(uint32_t n, uint32_t m, uint64_t acc, bool n_top, bool m_top)
{
    int32_t a = (int16_t)(n_top ? n >> 16 : n);
    int32_t b = (int16_t)(m_top ? m >> 16 : m);
    return acc + (uint64_t)(int64_t)(a * b);
}

/* UMAAL: n * m + lo + hi (cannot overflow 64 bits, A8.8.255). */
static inline uint64_t v7_umaal(uint32_t n, uint32_t m, uint32_t lo, uint32_t hi)
{
    return (uint64_t)n * m + lo + hi;
}

/*
 * SDIV/UDIV (A8.8.165, A8.8.248; CPU_FEAT_DIV only): divide by zero gives
 * 0 (SCTLR.DZ is 0 on the A15, and the A-profile traps no division), and
 * INT_MIN / -1 gives INT_MIN (the 2^31 of the pseudocode in 32 bits).
 */
static inline uint32_t v7_sdiv(uint32_t n, uint32_t m)
{
    if (m == 0)
        return 0;
    if (n == 0x80000000u && m == 0xffffffffu)
        return 0x80000000u;
    return (uint32_t)((int32_t)n / (int32_t)m);
}

static inline uint32_t v7_udiv(uint32_t n, uint32_t m)
{
    return m ? n / m : 0;
}

/* ---- exclusive monitor (A3.4) ---- */

static inline void v7_excl_clear(struct arm_cpu *cpu)
{
    cpu->excl_addr = ~0u;
    cpu->excl_value = 0;
}

/*
 * LDREX{B,H,D}: alignment check (always, A3.2.1), load, tag the monitor.
 * size is 1, 2, 4 or 8 (then *hi gets the word at addr + 4). Returns < 0
 * on a fault (cpu->fault set, nothing loaded or tagged), else the memory
 * result (> 0: a device was touched).
 */
int v7_ldrex(struct arm_cpu *cpu, uint32_t addr, unsigned size, uint32_t *lo, uint32_t *hi);
/*
 * STREX{B,H,D}: alignment check, then the store only if the monitor holds
 * exactly (addr, size); *status = 0 when stored, 1 when not. Every STREX
 * leaves the monitor open, except one that faults (it is re-executed after
 * the abort handler). Returns < 0 on a fault, else the memory result.
 */
int v7_strex(struct arm_cpu *cpu, uint32_t addr, unsigned size, uint32_t lo, uint32_t hi,
             uint32_t *status);

/*
 * Records an alignment fault (ARMv7 short-descriptor DFSR: FS = 0b00001,
 * WnR) for va in cpu->fault and returns -1. For the accesses that must be
 * aligned whatever SCTLR.A says: LDM/STM, LDRD/STRD, exclusives, SRS/RFE.
 */
int v7_alignment_fault(struct arm_cpu *cpu, uint32_t va, bool write);

/* ---- status registers (B9.3.8 MRS, B9.3.12 MSR, B1.3.3) ---- */

/*
 * MRS Rd, CPSR/APSR: the execution state bits (IT, J, T) read as zero
 * (B9.3.8: mask 0xf8ff03df). User mode reads the same value, which the
 * ARM ARM allows (the other bits are UNKNOWN there).
 */
static inline uint32_t v7_mrs_cpsr(const struct arm_cpu *cpu)
{
    return cpu_get_cpsr(cpu) & 0xf8ff03dfu;
}

/*
 * MSR CPSR_<fields>, value (CPSRWriteByInstr with is_excpt_return false):
 * mask bit 3 = f, 2 = s, 1 = x, 0 = c. N Z C V Q and GE at any level, E
 * at any level, A/I/F/M only when privileged; IT, J and T never. An
 * invalid mode is ignored (UNPREDICTABLE). Returns true if a control bit
 * changed, in which case the handler must leave the straight-line loop.
 */
bool v7_msr_cpsr(struct arm_cpu *cpu, uint32_t value, unsigned mask);
/* MSR SPSR_<fields>: false (UNPREDICTABLE: the caller UNDEFs) in modes
 * without an SPSR and in User mode. */
bool v7_msr_spsr(struct arm_cpu *cpu, uint32_t value, unsigned mask);

/*
 * MRS/MSR (banked register), Virtualization Extensions (B9.3.9, B9.3.10,
 * Table B9-4): R selects the SPSRs, sysm the register. Return 0, or -1
 * when the access is UNPREDICTABLE (User mode, a register of the current
 * mode, Hyp registers outside Hyp/Monitor mode, an unallocated sysm): the
 * caller takes the Undefined Instruction exception, as QEMU does.
 * ELR_hyp is held in the Hyp bank's r14 slot (cpu.c banks LR per mode).
 */
int v7_banked_read(struct arm_cpu *cpu, bool r, unsigned sysm, uint32_t *value);
int v7_banked_write(struct arm_cpu *cpu, bool r, unsigned sysm, uint32_t value);

/*
 * CPS (B9.3.2): imod 2 = enable (clear), 3 = disable (set) the A/I/F bits
 * in aif (bit 2 = A, 1 = I, 0 = F); change_mode switches to mode. A no-op
 * in User mode. Returns true if anything changed (leave the loop).
 */
bool v7_cps(struct arm_cpu *cpu, unsigned imod, unsigned aif, bool change_mode,
            unsigned mode);

/*
 * SETEND (A8.8.156): sets or clears CPSR.E, the endianness of data
 * accesses (cpu_data_big_endian in cpu/cpu.h).
 */
void v7_setend(struct arm_cpu *cpu, bool big);

/* ---- exception-related instructions ---- */

/*
 * SRS{DB,IA,DA,IB} SP{!}, #mode (B9.3.16): stores LR and SPSR of the
 * current mode at the banked SP of mode. inc/before give the addressing
 * (IA: inc, !before; DB: !inc, before). len is 4 (both encodings). Runs as
 * a handler: returns 0, or non-zero after an exception or a device access.
 * UNDEFINED in User and System mode (UNPREDICTABLE: QEMU UNDEFs too) and
 * for a mode the model lacks.
 */
int v7_srs(struct arm_cpu *cpu, unsigned mode, bool inc, bool before, bool wback,
           unsigned len);
/* RFE{..} Rn{!} (B9.3.13): loads PC and CPSR, an exception return. */
int v7_rfe(struct arm_cpu *cpu, unsigned rn, bool inc, bool before, bool wback,
           unsigned len);

/*
 * ERET and SUBS PC, LR, #imm (B9.3.3, B9.3.20): in Hyp mode ERET returns to
 * ELR_hyp; elsewhere CPSR <- SPSR and PC <- target. UNDEFINED in User and
 * System mode (UNPREDICTABLE). Returns 1.
 */
int v7_exception_return(struct arm_cpu *cpu, uint32_t target, unsigned len);

/*
 * WFI (A8.8.425): halts until an interrupt (cpu_set_irq/fiq wake it), unless
 * one is already asserted (WFI wakes on an interrupt even when it is
 * masked). WFE (A8.8.424): clears a pending event and goes on, else halts
 * like WFI. SEV: sets the event register (one core: the sender's own; a
 * multi-core board must set every core's). All return non-zero with r[15]
 * at the next instruction, so the executor stops and looks.
 */
int v7_wfi(struct arm_cpu *cpu, unsigned len);
int v7_wfe(struct arm_cpu *cpu, unsigned len);
void v7_sev(struct arm_cpu *cpu);

/* Handler-style "continue with the next instruction, outside the loop". */
static inline int v7_continue_exit(struct arm_cpu *cpu, unsigned len)
{
    cpu->r[15] = cpu_insn_addr(cpu) + len;
    return 1;
}

/*
 * HVC #imm16 (B9.3.5; Virtualization Extensions). The hypervisor installs
 * cpu->hvc_hook; it is called with r[15] already at the next instruction
 * (the preferred return address) and may change any CPU state (a world
 * switch). It returns 0 when it handled the call, or < 0 to refuse it
 * without having changed anything, which makes the HVC UNDEFINED. Without
 * the extension, from User mode, or with no hook, HVC is UNDEFINED. Always
 * returns non-zero.
 */
int cpu_hvc(struct arm_cpu *cpu, uint32_t imm16, unsigned len);

#endif
