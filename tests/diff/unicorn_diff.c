/*
 * unicorn-diff: differential test of the ARMv5TE core (the ARM926EJ-S model)
 * against libunicorn's ARM926 (QEMU's translator, unicorn 2.0.1), and of
 * the ARMv7-A ARM-state core (the Cortex-A15 model) against unicorn's
 * Cortex-A15 (the a15 set).
 *
 * Why: the executors are table-driven and hand-written from the ARM ARM;
 * a second, independent implementation catches the flag, shifter, address
 * and writeback slips that hand-written unit tests miss.
 *
 * How: every case is a one-instruction program. Both emulators get the same
 * random registers (r0-r14, NZCVQ, I, F, the mode and its SPSR), the same
 * RAM (1 MiB at 0, tests/unit/cpu_fixture.h), and run exactly one
 * instruction from CASE_ADDR: uc_emu_start(count = 1) and cpu_run(cpu, 1).
 * Then r0-r15, the CPSR (N Z C V Q I F T M), the SPSR of the final mode
 * and, for classes that need it, every mode's banked registers and the
 * scratch and code pages are compared. Instructions come from templates,
 * one per class, with random fields (condition, registers, shifts, offsets,
 * register lists); the templates steer operands so addresses stay inside
 * the scratch page and branches stay inside RAM, and they avoid the
 * encodings listed in exclusions[] (UNPREDICTABLE per the ARM ARM, or
 * places where QEMU is known to differ from an ARM926).
 *
 * Exceptions: unicorn does not enter exception vectors. An UNDEFINED
 * encoding ends uc_emu_start() with UC_ERR_INSN_INVALID; SVC and BKPT call
 * the interrupt hook (EXCP_SWI = 2, EXCP_BKPT = 7) with the registers
 * untouched. armhv takes the exception, and the test checks its entry state
 * against the ARM ARM (DDI 0100I A2.6): mode, LR, SPSR = old CPSR, I set,
 * T clear, PC = vector.
 *
 * A third set, seq, runs short sequences (2..SEQ_MAX instructions) of the
 * classes whose operands cannot leave memory, so the executor loop and the
 * decode cache are covered too, including stores that patch code which
 * then runs (the -smc and -repatch classes).
 *
 * A fourth set, a15, runs random ARMv7 ARM instructions on a second pair of
 * emulators, armhv's Cortex-A15 and unicorn's: the ARMv5 classes ARMv7
 * keeps plus the ARMv6/v6K/v6T2/v7 additions (media, MOVW/MOVT, divide,
 * bitfields, exclusives as LDREX/STREX sequences, CPS, SETEND, SRS, RFE,
 * banked MRS/MSR, ERET, hints). There GE, A and E are compared too.
 *
 * Four more sets run on the Cortex-A15 pair with the floating-point unit
 * enabled (unicorn_diff_vfp.h): vfp (VFPv4 data processing), fp-misc
 * (core <-> extension register transfers, VMRS/VMSR, VLDR/VSTR/VLDM/VSTM,
 * sequences, code patched by VSTR/VST1, and VFP/NEON instructions inside
 * Thumb IT blocks), neon (Advanced SIMD
 * data processing) and neon-ldst (element and structure loads and
 * stores). They also set and compare D0-D31, the FPSCR and FPEXC.
 *
 * Every case is generated from its own seed (run seed, set, index), so a
 * mismatch is reproduced alone with --only INDEX. Output ends with one line:
 *   unicorn-diff: arm N ok, thumb N ok, seq N ok, a15 N ok, t2 N ok, vfp N ok,
 *   fp-misc N ok, neon N ok, neon-ldst N ok, M mismatches (seed S)
 */
#include <dlfcn.h>
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <capstone.h>
#include <unicorn/unicorn.h>

#include "cpu/cpu.h"
#include "mmu/aspace.h"
#include "mmu/mmu.h"
#include "tests/unit/cpu_fixture.h"

/* ---- memory layout (inside the fixture's RAM at 0, FIXTURE_RAM_SIZE) ---- */

#define RAM_SIZE FIXTURE_RAM_SIZE
#define CASE_ADDR 0x00008000u              /* the instruction under test */
#define PAGE_END_ADDR 0x00008ffeu          /* last halfword of its page */
#define CODE_PAGE (CASE_ADDR & ~0xfffu)
#define SCRATCH_BASE 0x00040000u           /* loads and stores go here */
#define SCRATCH_SIZE 0x2000u
#define BRANCH_RANGE 0x3000u               /* branch targets: CASE_ADDR +- this */
#define UC_UNTIL 0xfffffff0u               /* never reached: count = 1 stops us */

#define CPSR_CMP_MASK (PSR_N | PSR_Z | PSR_C | PSR_V | PSR_Q | PSR_I | PSR_F | PSR_T | \
                       PSR_M_MASK)

#define DEFAULT_SEED 1u
#define DEFAULT_COUNT 100000u
#define DEFAULT_SEQ_COUNT 20000u
#define DEFAULT_MAX_FAIL 10u

/* unicorn's exception numbers (QEMU target/arm/cpu.h) seen by UC_HOOK_INTR. */
#define UC_EXCP_SWI 2
#define UC_EXCP_DATA_ABORT 4
#define UC_EXCP_BKPT 7

/*
 * What the generators never produce, and why. DDI 0100I is the ARMv5 ARM
 * ARM (ARM926EJ-S is ARMv5TEJ); DDI 0406C is the ARMv7 ARM ARM, whose
 * pseudocode keeps the pre-ARMv6 rules.
 */
struct exclusion {
    const char *what;
    const char *why;
};

static const struct exclusion exclusions[] = {
    /* UNPREDICTABLE per the ARM ARM */
    { "any cond = 0b1111 other than BLX(imm)/PLD",
      "UNPREDICTABLE before ARMv5, UNDEFINED/coprocessor space after (DDI 0100I A3.2.1)" },
    { "DP with S=1 and Rd=PC in USR/SYS",
      "no SPSR: UNPREDICTABLE (DDI 0100I A4.1, 'If <Rd> is R15 and S is set')" },
    { "DP writing PC with result bits[1:0] != 0 in ARM state",
      "BranchWritePC: UNPREDICTABLE before ARMv6 (DDI 0406C A2.3.1); "
      "templates keep operands word-aligned" },
    { "DP register-shifted-register with Rd/Rn/Rm/Rs = PC",
      "UNPREDICTABLE (DDI 0100I A5.1.4-A5.1.10, 'Specifying R15 as <Rd>, <Rm>, <Rn> or <Rs>')" },
    { "TST/TEQ/CMP/CMN with Rd != 0, MOV/MVN with Rn != 0",
      "SBZ fields: UNPREDICTABLE if not zero (DDI 0100I A4.1)" },
    { "MUL/MLA with Rd == Rm; any multiply with a PC operand",
      "UNPREDICTABLE before ARMv6 (DDI 0100I A4.1.40, A4.1.28)" },
    { "UMULL/UMLAL/SMULL/SMLAL with RdHi == RdLo or either == Rm",
      "UNPREDICTABLE before ARMv6 (DDI 0100I A4.1.87)" },
    { "SMLAL<x><y> with RdHi == RdLo; DSP ops, QADD family, CLZ with PC",
      "UNPREDICTABLE (DDI 0100I A4.1.75, A4.1.46, A4.1.12)" },
    { "LDR/STR(B) with writeback (or post-index) and Rn == Rt or Rn == PC",
      "UNPREDICTABLE (DDI 0100I A5.2.3-A5.2.10)" },
    { "LDR/STR register offset with Rm == PC",
      "UNPREDICTABLE (DDI 0100I A5.2.3)" },
    { "LDRB/LDRH/LDRSB/LDRSH to PC; LDRT to PC",
      "UNPREDICTABLE (DDI 0100I A4.1.24-A4.1.30)" },
    { "STR/STRB/STRH/STM/STRD storing PC",
      "stored value IMPLEMENTATION DEFINED (+8 or +12, DDI 0100I A2.4.3); "
      "QEMU stores +8" },
    { "LDRH/STRH/LDRSH at an odd address; LDRD/STRD not 8-byte aligned",
      "UNPREDICTABLE before ARMv6 without SCTLR.U (DDI 0100I A4.1.28, A4.1.20)" },
    { "halfword/doubleword forms with P=0, W=1",
      "UNPREDICTABLE on ARMv5 (the ARMv6T2 LDRHT space)" },
    { "LDRD/STRD with odd Rt or Rt = LR; LDRD writeback with Rn in {Rt, Rt+1}; "
      "LDRD with Rm in {Rt, Rt+1}",
      "UNPREDICTABLE (DDI 0100I A4.1.20, A4.1.102)" },
    { "LDM/STM with empty list or Rn = PC",
      "UNPREDICTABLE (DDI 0100I A5.4)" },
    { "LDM with writeback and Rn in the list; STM with writeback and Rn in the "
      "list but not lowest",
      "UNPREDICTABLE (DDI 0100I A4.1.20, A4.1.97)" },
    { "LDM/STM ^ (user registers) with writeback, or in USR/SYS",
      "UNPREDICTABLE (DDI 0100I A4.1.21, A4.1.98)" },
    { "LDR/LDM/POP loading PC with value bits[1:0] = 0b10",
      "UNPREDICTABLE (DDI 0100I A4.1.23)" },
    { "SWP/SWPB with Rn == Rd or Rn == Rm, or any PC operand",
      "UNPREDICTABLE (DDI 0100I A4.1.108)" },
    { "BLX(register)/BXJ with Rm = PC; BX/BLX to an ARM address with bit 1 set",
      "UNPREDICTABLE (DDI 0100I A4.1.9, A4.1.10)" },
    { "MSR writing the T or J bits, reserved bits, or an invalid mode; "
      "MSR/MRS SPSR in USR/SYS; MSR fields s and x",
      "UNPREDICTABLE (DDI 0100I A4.1.39, A2.5)" },
    { "BKPT with cond != AL; UNDEFINED encodings with cond != AL",
      "UNPREDICTABLE / IMPLEMENTATION DEFINED (DDI 0100I A4.1.7, DDI 0406C A8.3)" },
    { "Thumb ADD/MOV/CMP high-register form with two low registers",
      "UNPREDICTABLE before ARMv6 (DDI 0100I A7.1.6, A7.1.25, A7.1.46)" },
    { "Thumb CMP high-register form with PC",
      "UNPREDICTABLE (DDI 0406C A8.8.38)" },
    { "Thumb MUL with Rd == Rm",
      "UNPREDICTABLE before ARMv6 (DDI 0100I A7.1.45)" },
    { "Thumb BX with H1 set, BLX with Rm = PC, BX PC from a non-word-aligned address",
      "UNPREDICTABLE / SBZ (DDI 0100I A7.1.18, A7.1.19)" },
    { "Thumb LDMIA/STMIA/PUSH/POP with empty list; STMIA with Rn in the list but "
      "not lowest",
      "UNPREDICTABLE (DDI 0100I A7.1.27, A7.1.57)" },
    { "Thumb BLX suffix with offset bit 0 set",
      "UNDEFINED on ARMv5 (DDI 0100I A7.1.17)" },
    /* QEMU deviations from an ARM926 */
    { "word LDR/STR/SWP/LDM/STM at an unaligned address",
      "ARM926 (SCTLR.U = 0) rotates the loaded word / ignores address[1:0]; "
      "QEMU does an ARMv6-style unaligned access" },
    { "Thumb BL/BLX prefix not followed by a suffix, except at a page end",
      "QEMU fuses the pair into one 32-bit instruction and UNDEFs a lone prefix "
      "unless it is the last halfword of a page" },
    { "Thumb BL suffix alone with LR bit 0 set",
      "QEMU computes LR + (offset << 1 | 1) and interworks, so an odd LR (which no "
      "prefix produces) lands in ARM state" },
    { "Thumb CBZ/CBNZ, IT and the hint space 0xbfxx",
      "ARMv6T2 encodings: UNDEFINED on ARMv5, but QEMU decodes them without a "
      "feature check" },
    { "ADDS/ANDS/ORRS/... PC (data processing with S, Rd = PC, other than SUBS/MOVS)",
      "ARM ARM: CPSR <- SPSR for every opcode (DDI 0100I A4.1); QEMU 5.0 (unicorn 2.0.1) "
      "returns from the exception only for SUBS and MOVS and sets NZCV for the rest" },
    { "MRC p15, 0, Rd, c1, c0, 0 (SCTLR)",
      "QEMU resets the ARM926 SCTLR to 0x00090078; the ARM926EJ-S TRM (2.3.5, SBO bits "
      "18 and 16) gives 0x00050078" },
    /* ARMv7 (the a15 set): UNPREDICTABLE per DDI 0406C */
    { "ARMv6+ media, multiply, divide, bitfield and exclusive instructions with a PC "
      "operand; SMMLS with Ra = PC",
      "UNPREDICTABLE (DDI 0406C A8.8); armhv UNDEFs, QEMU reads the PC" },
    { "UMAAL/SMLALD/SMLSLD with RdHi == RdLo",
      "UNPREDICTABLE (DDI 0406C A8.8.255, A8.8.178)" },
    { "CPS with imod = 01, or imod = 00 and M = 0, or A:I:F = 000 with imod = 1x",
      "UNPREDICTABLE (DDI 0406C B9.3.2)" },
    { "LDREX/STREX pairs of different sizes; a plain store between LDREX and STREX; "
      "a STREX not preceded in the same case by LDREX or CLREX",
      "IMPLEMENTATION DEFINED whether the monitor passes (DDI 0406C A3.4.5); QEMU "
      "compares the loaded value, armhv the tagged address and size; the harness keeps "
      "no monitor state from one case to the next" },
    { "LDM/STM, LDRD/STRD, SWP, SRS/RFE, LDREX/STREX at an unaligned address",
      "ARMv7 alignment fault whatever SCTLR.A says (DDI 0406C A3.2.1): QEMU 5.0 does not "
      "check LDM/STM/LDRD/SRS/RFE, and unicorn ends the run on a data abort; the unit "
      "tests (test_arm_v7.c) cover these" },
    { "Modes Monitor and Hyp in CPS, MSR, SRS, RFE and the banked MRS/MSR",
      "depend on the Security state and EL2/EL3 configuration, which QEMU and armhv "
      "model differently (armhv runs Secure PL1 with no monitor)" },
    /* ARMv7: QEMU (unicorn 2.0.1) deviations */
    { "YIELD; WFI and WFE",
      "unicorn reports QEMU's internal EXCP_YIELD as an invalid instruction; WFI/WFE "
      "halt the core, which a single-instruction run cannot compare" },
    { "HVC and SMC",
      "QEMU's Cortex-A15 has EL2/EL3 and takes the exception there (unicorn's interrupt "
      "hook); armhv UNDEFs HVC without a hypervisor hook and SMC (no monitor)" },
    { "SMLAD/SMLADX whose two products overflow 32 bits but whose sum with Ra does not",
      "ARM ARM: Q only if the final result overflows (DDI 0406C A8.8.177); QEMU before "
      "8.0 also sets Q on the intermediate sum" },
    { "MRC p15 c0 ID reads on the Cortex-A15",
      "the MIDRs differ: armhv models r4p0 (0x414fc0f0), QEMU's cortex-a15 is r2p1" },
    { "VFP and Advanced SIMD encodings in the a15 and t2 sets",
      "the unit is disabled there (FPEXC.EN = 0); the vfp, fp-misc, neon and neon-ldst "
      "sets cover them" },
    /* Thumb-2 (the t2 set): QEMU (unicorn 2.0.1) deviations */
    { "MSR CPSR_x / APSR with the E bit set in User mode",
      "ARM ARM: E is writable at any privilege (B9.3.12 CPSRWriteByInstr); QEMU 5.0 "
      "masks MSR in User mode with NZCVQ and GE only" },
    { "ISB inside an IT block",
      "QEMU 5.0 ends the translation block at an ISB without saving ITSTATE, so the "
      "rest of the block runs unconditionally (A8.8.54: ISB may be in an IT block)" },
    { "an exception with its condition passing inside an IT block; BX/BLX as the "
      "last instruction of one",
      "unicorn stops at an exception instead of entering the vector, and its IT-block "
      "flag (no_exit_request) survives into ARM state; failing UDFs are generated" },
    /*
     * The floating-point sets (vfp, fp-misc, neon, neon-ldst; "(fp)"),
     * enforced by fp_excluded() in unicorn_diff_vfp.h. UNPREDICTABLE
     * encodings on which both emulators choose to UNDEF (VTBL/VTBX or
     * VLDM/VSTM lists past the last register, ...) stay in.
     */
    { "VCVT between floating point and fixed point with imm4:i > size (fp)",
      "frac_bits < 0: UNPREDICTABLE (DDI 0406C A8.8.309); armhv UNDEFs, QEMU converts" },
    { "VSWP, VTRN, VUZP, VZIP with Vd == Vm (fp)",
      "the results are UNKNOWN (DDI 0406C, the Operation of each: 'if d == m then ... "
      "UNKNOWN'); armhv and QEMU differ (VTRN.16)" },
    { "VLD1-VLD4/VST1-VST4 whose register list runs past D31 (fp)",
      "UNPREDICTABLE (DDI 0406C A8.8.320 ff.: 'd+regs > 32', 'd2/d3/d4 > 31'); QEMU 5.0 "
      "writes past its register array for the multiple-structure and all-lanes forms" },
    { "VMOV Rt, Rt2 <-> Sm, Sm1 with Sm = S31; VMOV to two core registers with Rt == Rt2 (fp)",
      "UNPREDICTABLE (DDI 0406C A8.8.344, A8.8.345)" },
    { "VMOV, VMRS, VMSR, VDUP with Rt = PC (but VMRS APSR_nzcv, FPSCR), or Rt = SP in "
      "Thumb; VSTR/VLDM/VSTM with Rn = PC (fp)",
      "UNPREDICTABLE (DDI 0406C A8.8.341-A8.8.349, and the VSTR, VLDM, VSTM decode "
      "pseudocode); an ARM-state VSTR or VLDM on the PC would reach memory the harness does "
      "not compare" },
    { "VMSR FPSCR setting bit 19; VMSR FPEXC setting bits other than EN (fp)",
      "FPSCR[19] is UNK/SBZP, FPEXC[29:0] SUBARCHITECTURE DEFINED and EX = 1 enters the "
      "VFP exceptional state, which neither models (DDI 0406C, the FPSCR and FPEXC "
      "descriptions in B6.1; Cortex-A15 TRM); QEMU stores FPSCR[19] and the whole FPEXC, "
      "armhv drops FPSCR[19] and keeps FPEXC.EX and EN only" },
    /* The floating-point sets: QEMU 5.0 (unicorn 2.0.1) deviations */
    { "FPSCR.LEN/STRIDE != 0 with VCMP, VCMPE or any VCVT (fp)",
      "these cores have no short-vector hardware (MVFR0[27:24] = 0); with Len != 0 'the VFP "
      "data-processing instructions generate exceptions' (Cortex-A9 NEON MPE TRM, DDI "
      "0409, FPSCR), so armhv UNDEFs all of them; QEMU 5.0 checks Len/Stride only in the "
      "instructions short vectors iterate (VADD ... VSQRT, VMOV) and runs VCMP/VCVT as "
      "scalars. Len/Stride != 0 is still generated for those others" },
    { "VMUL.F32 space with sz<1> = 1: U = 1, A = 1101, B = 1, C = 1x (fp)",
      "UNDEFINED (DDI 0406C A7.4.1, Table A7-9 has no entry); QEMU 5.0 accepts sizes 0 and "
      "2 for its NEON_3R_FLOAT_MULTIPLY and runs it as VMUL.F32" },
    { "VQDMULL with U = 1 (fp)",
      "UNDEFINED (DDI 0406C A7.4.2, Table A7-10: VQDMULL is U = 0 only); QEMU 5.0's "
      "neon_3reg_wide[] lacks the U check for VQDMULL (it has it for VQDMLAL/VQDMLSL)" },
    { "VLDn/VSTn with an alignment hint at an address it does not fit (fp)",
      "Alignment fault (DDI 0406C A8.8.320 ff., A3.2.1); QEMU 5.0 ignores the hints "
      "(disas_neon_ls_insn uses no MO_ALIGN), armhv takes the Data Abort. Hinted bases are "
      "32-byte aligned; unhinted ones anything" },
    { "VLDR, VSTR, VLDM, VSTM at an address that is not word-aligned (fp)",
      "Alignment fault whatever SCTLR.A says (DDI 0406C A3.2.1, Table A3-1); QEMU 5.0 does "
      "not check, armhv takes the Data Abort" },
    { "CPACR.cp10/cp11 other than full access (fp)",
      "unicorn 2.0.1 stubs fp_exception_el() to return 0 (qemu/target/arm/helper.c), so "
      "CPACR never traps; tests/unit/test_vfp.c covers armhv's check. FPEXC.EN = 0 is "
      "generated (1 case in 32)" },
    /* Out of scope of this harness */
    { "coprocessor instructions other than the MRC p15 c0 ID reads",
      "change system state that the harness does not compare" },
    { "load/store with register offset and Rm == Rn",
      "harness limitation: the address cannot be steered into the scratch page" },
};

/* ---- random numbers (xorshift64*, state in the caller) ---- */

struct rng {
    uint64_t s;
};

static uint64_t splitmix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

static void rng_seed(struct rng *g, uint64_t seed)
{
    g->s = splitmix64(seed) | 1;
}

static uint32_t rng_u32(struct rng *g)
{
    g->s ^= g->s >> 12;
    g->s ^= g->s << 25;
    g->s ^= g->s >> 27;
    return (uint32_t)((g->s * 0x2545f4914f6cdd1dull) >> 32);
}

static uint32_t rng_below(struct rng *g, uint32_t n)
{
    return (uint32_t)(((uint64_t)rng_u32(g) * n) >> 32);
}

static bool rng_bit(struct rng *g)
{
    return rng_u32(g) >> 31;
}

/* A register value: half the time one of the values where flags flip. */
static uint32_t rng_value(struct rng *g)
{
    static const uint32_t edge[] = {
        0, 1, 2, 3, 4, 0x1f, 0x20, 0x21, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff,
        0x10000, 0x3fffffff, 0x40000000, 0x7ffffffe, 0x7fffffff, 0x80000000, 0x80000001,
        0xc0000000, 0xfffffffe, 0xffffffff, 0xffff8000, 0xffffff80,
    };
    switch (rng_below(g, 4)) {
    case 0:
        return edge[rng_below(g, ARRAY_SIZE(edge))];
    case 1:
        return rng_below(g, 64) - 32;
    default:
        return rng_u32(g);
    }
}

/* A shift amount register value: the bottom byte matters (0..255). */
static uint32_t rng_shift_value(struct rng *g)
{
    uint32_t low = rng_bit(g) ? rng_below(g, 40) : rng_below(g, 256);
    return (rng_bit(g) ? rng_u32(g) & ~0xffu : 0) | low;
}

/* ---- registers ---- */

#define REGS_ALL 0xffffu
#define REGS_NOPC 0x7fffu
#define REGS_LOW 0x00ffu
#define REG_BIT(r) (1u << (r))

static unsigned pick_reg(struct rng *g, uint32_t allowed)
{
    unsigned n = (unsigned)__builtin_popcount(allowed);
    unsigned k = rng_below(g, n);
    for (unsigned r = 0; r < 16; r++)
        if ((allowed & REG_BIT(r)) && k-- == 0)
            return r;
    return 0;
}

/* Banked registers of every mode (USR/SYS share one bank). */
enum { BM_USR, BM_FIQ, BM_IRQ, BM_SVC, BM_ABT, BM_UND, BM_COUNT };
static const uint32_t bank_mode[BM_COUNT] = {
    MODE_USR, MODE_FIQ, MODE_IRQ, MODE_SVC, MODE_ABT, MODE_UND,
};

struct banks {
    uint32_t usr_hi[5];           /* r8-r12 outside FIQ mode */
    uint32_t fiq_hi[5];
    uint32_t r13[BM_COUNT], r14[BM_COUNT], spsr[BM_COUNT];  /* spsr[BM_USR] unused */
};

struct state {
    uint32_t r[16];
    uint32_t cpsr;
    uint32_t spsr;     /* of the current mode; meaningless in USR/SYS */
};

/* The floating-point state of the vfp, fp-misc, neon and neon-ldst sets (CF_FP). */
struct fp_state {
    uint64_t d[32];
    uint32_t fpscr;
    uint32_t fpexc;    /* FPEXC: EN set but in 1 case of 32; VMSR may change it */
};

static const uint32_t valid_modes[] = {
    MODE_USR, MODE_FIQ, MODE_IRQ, MODE_SVC, MODE_ABT, MODE_UND, MODE_SYS,
};

static bool mode_has_spsr(uint32_t cpsr)
{
    unsigned m = cpsr & PSR_M_MASK;
    return m != MODE_USR && m != MODE_SYS;
}

/* A PSR value the architecture allows in an SPSR: no reserved bits. */
static uint32_t random_psr(struct rng *g, bool allow_thumb)
{
    uint32_t v = rng_u32(g) & (PSR_N | PSR_Z | PSR_C | PSR_V | PSR_Q | PSR_I | PSR_F);
    if (allow_thumb && rng_bit(g))
        v |= PSR_T;
    return v | valid_modes[rng_below(g, ARRAY_SIZE(valid_modes))];
}

/* ---- test cases and classes ---- */

#define CF_ANYMODE 0x01u  /* run in a random mode (else SVC) */
#define CF_MEM 0x02u      /* refill the scratch page; compare scratch + code page */
#define CF_BANKS 0x04u    /* set and compare every mode's banked registers */
#define CF_PRIV 0x08u     /* a privileged mode with an SPSR (not USR/SYS) */
#define CF_FP 0x10u       /* FPU enabled; set and compare D0-D31, FPSCR and FPEXC */
#define CF_IT 0x20u       /* a Thumb IT block: compare ITSTATE, clear unicorn's IT flag */

#define MAX_POKES 2
#define TRAILER_LEN 4
#define SEQ_MAX 12        /* longest instruction sequence (the seq set) */

struct test_case {
    const struct insn_class *cls;
    uint64_t seed;
    unsigned index;
    bool thumb;
    uint32_t addr;        /* of the instruction */
    uint8_t code[4 * SEQ_MAX + TRAILER_LEN];
    unsigned len;         /* instruction bytes: 4 (ARM, Thumb pair), 2, or a sequence */
    unsigned steps;       /* instructions unicorn runs (a Thumb BL pair is one) */
    struct state init;
    struct fp_state fp;   /* initial D0-D31, FPSCR and FPEXC (CF_FP) */
    struct banks banks;
    struct {
        uint32_t addr, value;
    } poke[MAX_POKES];    /* words written after the scratch fill */
    unsigned npoke;
    uint32_t cpsr_mask;   /* PSR bits compared: CPSR_CMP_MASK, + GE, A, E on ARMv7 */
    bool multi;           /* several instructions: the operands an instruction sees
                           * are not the initial registers (exclusions that look
                           * at operand values must not rely on tc->init) */
};

struct insn_class {
    const char *name;
    bool thumb;
    unsigned weight;
    unsigned flags;
    void (*gen)(struct rng *g, struct test_case *tc);
};

static void put_arm(struct test_case *tc, uint32_t insn)
{
    memcpy(tc->code, &insn, 4);
    tc->len = 4;
    tc->steps = 1;
}

static void put_thumb(struct test_case *tc, uint16_t hw)
{
    memcpy(tc->code, &hw, 2);
    tc->len = 2;
    tc->steps = 1;
}

static void put_thumb_pair(struct test_case *tc, uint16_t hw1, uint16_t hw2)
{
    memcpy(tc->code, &hw1, 2);
    memcpy(tc->code + 2, &hw2, 2);
    tc->len = 4;
    tc->steps = 1;
}

static uint32_t random_priv_mode(struct rng *g)
{
    static const uint32_t m[] = { MODE_FIQ, MODE_IRQ, MODE_SVC, MODE_ABT, MODE_UND };
    return m[rng_below(g, ARRAY_SIZE(m))];
}

/* Condition field: AL half the time so the operation itself is exercised. */
static uint32_t arm_cond(struct rng *g)
{
    return (rng_bit(g) ? COND_AL : rng_below(g, 15)) << 28;
}

/* A scratch address for size bytes with the given alignment. */
static uint32_t scratch_addr(struct rng *g, uint32_t size, uint32_t align)
{
    uint32_t a = SCRATCH_BASE + rng_below(g, SCRATCH_SIZE - size + 1);
    return a & ~(align - 1);
}

/* A branch target in RAM near the instruction. */
static uint32_t code_target(struct rng *g, uint32_t align)
{
    uint32_t a = CASE_ADDR - BRANCH_RANGE + rng_below(g, 2 * BRANCH_RANGE);
    return a & ~(align - 1);
}

/* Value for BX/LDR-to-PC: Thumb (bit 0 set) or ARM (bits[1:0] = 00). */
static uint32_t interwork_target(struct rng *g)
{
    return rng_bit(g) ? code_target(g, 2) | 1 : code_target(g, 4);
}

/* The shifter on an immediate amount, as addressing mode 2 applies it. */
static uint32_t model_shift_imm(uint32_t v, unsigned type, unsigned amount, unsigned c)
{
    switch (type) {
    case 0:
        return v << amount;
    case 1:
        return amount ? v >> amount : 0;
    case 2:
        return (uint32_t)((int32_t)v >> (amount ? amount : 31));
    default:
        return amount ? ror32(v, amount) : (c << 31) | (v >> 1);
    }
}

static void add_poke(struct test_case *tc, uint32_t addr, uint32_t value)
{
    if (tc->npoke < MAX_POKES) {
        tc->poke[tc->npoke].addr = addr;
        tc->poke[tc->npoke].value = value;
        tc->npoke++;
    }
}

/*
 * Sets Rn so that the access goes to addr: offset is the (already shifted)
 * offset magnitude, pre selects pre-indexing. Arithmetic is modulo 2^32,
 * so any offset works.
 */
static void steer_base(struct test_case *tc, unsigned rn, uint32_t addr, uint32_t offset,
                       bool pre, bool up)
{
    tc->init.r[rn] = pre ? (up ? addr - offset : addr + offset) : addr;
}

/* ================= ARM templates ================= */

enum { OP_AND, OP_EOR, OP_SUB, OP_RSB, OP_ADD, OP_ADC, OP_SBC, OP_RSC,
       OP_TST, OP_TEQ, OP_CMP, OP_CMN, OP_ORR, OP_MOV, OP_BIC, OP_MVN };

/* Fixes SBZ fields of a data-processing encoding (exclusions[]). */
static void dp_fix_fields(unsigned op, unsigned *s, unsigned *rd, unsigned *rn)
{
    if (op >= OP_TST && op <= OP_CMN) {
        *s = 1;     /* S = 0 is the miscellaneous space */
        *rd = 0;
    }
    if (op == OP_MOV || op == OP_MVN)
        *rn = 0;
}

static uint32_t dp_encode(uint32_t cond, unsigned op, unsigned s, unsigned rn, unsigned rd)
{
    return cond | op << 21 | s << 20 | rn << 16 | rd << 12;
}

static uint32_t random_imm12(struct rng *g)
{
    uint32_t rot = rng_bit(g) ? 0 : rng_below(g, 16);
    return rot << 8 | (rng_u32(g) & 0xff);
}

static void gen_arm_dp_imm(struct rng *g, struct test_case *tc)
{
    unsigned op = rng_below(g, 16), s = rng_bit(g);
    unsigned rd = pick_reg(g, REGS_NOPC), rn = pick_reg(g, REGS_ALL);
    dp_fix_fields(op, &s, &rd, &rn);
    put_arm(tc, dp_encode(arm_cond(g), op, s, rn, rd) | 1u << 25 | random_imm12(g));
}

static void gen_arm_dp_shift_imm(struct rng *g, struct test_case *tc)
{
    unsigned op = rng_below(g, 16), s = rng_bit(g);
    unsigned rd = pick_reg(g, REGS_NOPC), rn = pick_reg(g, REGS_ALL);
    unsigned rm = pick_reg(g, REGS_ALL);
    static const unsigned edges[] = { 0, 1, 31 };
    unsigned amount = rng_bit(g) ? rng_below(g, 32) : edges[rng_below(g, 3)];
    dp_fix_fields(op, &s, &rd, &rn);
    put_arm(tc, dp_encode(arm_cond(g), op, s, rn, rd) | amount << 7 | rng_below(g, 4) << 5 | rm);
}

static void gen_arm_dp_shift_reg(struct rng *g, struct test_case *tc)
{
    unsigned op = rng_below(g, 16), s = rng_bit(g);
    unsigned rd = pick_reg(g, REGS_NOPC), rn = pick_reg(g, REGS_NOPC);
    unsigned rm = pick_reg(g, REGS_NOPC), rs = pick_reg(g, REGS_NOPC);
    dp_fix_fields(op, &s, &rd, &rn);
    tc->init.r[rs] = rng_shift_value(g);
    put_arm(tc, dp_encode(arm_cond(g), op, s, rn, rd) | rs << 8 | rng_below(g, 4) << 5 |
                1u << 4 | rm);
}

/*
 * Rd = PC: a computed branch. Operands are word-aligned (immediate and
 * LSL forms only, ops that keep alignment) so the target is too.
 */
static uint32_t dp_pc_operands(struct rng *g, struct test_case *tc, unsigned *op_out,
                               const unsigned *ops, unsigned nops, unsigned *rn_out)
{
    unsigned op = ops[rng_below(g, nops)];
    unsigned rn = pick_reg(g, REGS_ALL);
    if (op == OP_MOV)
        rn = 0;
    if (rn != 15)
        tc->init.r[rn] = rng_bit(g) ? code_target(g, 4) : rng_value(g) & ~3u;
    uint32_t operand2;
    if (rng_bit(g)) {
        uint32_t imm;
        do
            imm = random_imm12(g);
        while (ror32(imm & 0xff, 2 * (imm >> 8)) & 3);
        operand2 = 1u << 25 | imm;
    } else {
        unsigned rm = pick_reg(g, REGS_ALL);
        if (rm != 15)
            tc->init.r[rm] = rng_bit(g) ? code_target(g, 4) : rng_value(g) & ~3u;
        operand2 = rng_below(g, 32) << 7 | rm;   /* LSL #amount keeps alignment */
    }
    *op_out = op;
    *rn_out = rn;
    return operand2;
}

static void gen_arm_dp_pc(struct rng *g, struct test_case *tc)
{
    static const unsigned ops[] = { OP_AND, OP_EOR, OP_SUB, OP_RSB, OP_ADD, OP_ORR, OP_MOV,
                                    OP_BIC };
    unsigned op, rn;
    uint32_t operand2 = dp_pc_operands(g, tc, &op, ops, ARRAY_SIZE(ops), &rn);
    put_arm(tc, dp_encode(arm_cond(g), op, 0, rn, 15) | operand2);
}

/*
 * Rd = PC with S: exception return, CPSR <- SPSR (DDI 0100I A4.1, A2.6).
 * Only SUBS and MOVS: see exclusions[] for the others.
 */
static void gen_arm_dp_excret(struct rng *g, struct test_case *tc)
{
    static const unsigned ops[] = { OP_SUB, OP_MOV };
    unsigned op, rn;
    uint32_t operand2 = dp_pc_operands(g, tc, &op, ops, ARRAY_SIZE(ops), &rn);
    tc->init.spsr = random_psr(g, true);
    put_arm(tc, dp_encode(arm_cond(g), op, 1, rn, 15) | operand2);
}

static void gen_arm_mul(struct rng *g, struct test_case *tc)
{
    unsigned kind = rng_below(g, 6), s = rng_bit(g);
    uint32_t cond = arm_cond(g);
    unsigned rs = pick_reg(g, REGS_NOPC);
    if (kind < 2) {     /* MUL, MLA */
        unsigned rd = pick_reg(g, REGS_NOPC);
        unsigned rm = pick_reg(g, REGS_NOPC & ~REG_BIT(rd));
        unsigned rn = kind ? pick_reg(g, REGS_NOPC) : 0;
        put_arm(tc, cond | kind << 21 | s << 20 | rd << 16 | rn << 12 | rs << 8 | 0x90 | rm);
    } else {            /* UMULL, UMLAL, SMULL, SMLAL */
        unsigned hi = pick_reg(g, REGS_NOPC);
        unsigned lo = pick_reg(g, REGS_NOPC & ~REG_BIT(hi));
        unsigned rm = pick_reg(g, REGS_NOPC & ~REG_BIT(hi) & ~REG_BIT(lo));
        put_arm(tc, cond | (kind + 2) << 21 | s << 20 | hi << 16 | lo << 12 | rs << 8 | 0x90 |
                    rm);
    }
}

/* ARMv5TE DSP: signed halfword multiplies, saturating arithmetic, CLZ. */
static void gen_arm_dsp(struct rng *g, struct test_case *tc)
{
    uint32_t cond = arm_cond(g);
    unsigned rd = pick_reg(g, REGS_NOPC), rn = pick_reg(g, REGS_NOPC);
    unsigned rs = pick_reg(g, REGS_NOPC), rm = pick_reg(g, REGS_NOPC);
    unsigned x = rng_bit(g), y = rng_bit(g);
    switch (rng_below(g, 7)) {
    case 0: /* SMLA<x><y> Rd, Rm, Rs, Rn */
        put_arm(tc, cond | 0x01000080 | rd << 16 | rn << 12 | rs << 8 | y << 6 | x << 5 | rm);
        break;
    case 1: /* SMLAW<y> / SMULW<y> */
        if (rng_bit(g))
            put_arm(tc, cond | 0x01200080 | rd << 16 | rn << 12 | rs << 8 | y << 6 | rm);
        else
            put_arm(tc, cond | 0x012000a0 | rd << 16 | rs << 8 | y << 6 | rm);
        break;
    case 2: /* SMLAL<x><y> RdLo, RdHi, Rm, Rs */
        rn = pick_reg(g, REGS_NOPC & ~REG_BIT(rd));
        put_arm(tc, cond | 0x01400080 | rd << 16 | rn << 12 | rs << 8 | y << 6 | x << 5 | rm);
        break;
    case 3: /* SMUL<x><y> */
        put_arm(tc, cond | 0x01600080 | rd << 16 | rs << 8 | y << 6 | x << 5 | rm);
        break;
    case 4:
    case 5: /* QADD, QSUB, QDADD, QDSUB Rd, Rm, Rn */
        put_arm(tc, cond | 0x01000050 | rng_below(g, 4) << 21 | rn << 16 | rd << 12 | rm);
        break;
    default: /* CLZ */
        /* leading-zero counts 0..32 equally likely */
        tc->init.r[rm] = rng_bit(g) ? (uint32_t)((uint64_t)rng_u32(g) >> rng_below(g, 33))
                                    : rng_value(g);
        put_arm(tc, cond | 0x016f0f10 | rd << 12 | rm);
        break;
    }
}

/* LDR/STR/LDRB/STRB (+T) with an immediate offset, or a literal. */
static void gen_arm_ldst_imm(struct rng *g, struct test_case *tc)
{
    unsigned l = rng_bit(g), b = rng_bit(g), p = rng_below(g, 4) != 0, u = rng_bit(g);
    unsigned w = rng_below(g, 3) == 0;
    bool wb = !p || w;
    unsigned size = b ? 1 : 4;
    unsigned rt = pick_reg(g, REGS_NOPC);
    uint32_t imm = rng_below(g, 4096);
    unsigned rn;
    if (!wb && rng_below(g, 8) == 0) {
        /* PC-relative: stays inside RAM around the code */
        rn = 15;
        if (size == 4)
            imm &= ~3u;
    } else {
        rn = pick_reg(g, wb ? REGS_NOPC & ~REG_BIT(rt) : REGS_NOPC);
        steer_base(tc, rn, scratch_addr(g, size, size), imm, p, u);
    }
    put_arm(tc, arm_cond(g) | 0x04000000 | p << 24 | u << 23 | b << 22 | w << 21 | l << 20 |
                rn << 16 | rt << 12 | imm);
}

/* LDR/STR/LDRB/STRB (+T) with a scaled register offset. */
static void gen_arm_ldst_reg(struct rng *g, struct test_case *tc)
{
    unsigned l = rng_bit(g), b = rng_bit(g), p = rng_below(g, 4) != 0, u = rng_bit(g);
    unsigned w = rng_below(g, 3) == 0;
    bool wb = !p || w;
    unsigned size = b ? 1 : 4;
    unsigned rt = pick_reg(g, REGS_NOPC);
    unsigned rn = pick_reg(g, wb ? REGS_NOPC & ~REG_BIT(rt) : REGS_NOPC);
    unsigned rm = pick_reg(g, REGS_NOPC & ~REG_BIT(rn));
    unsigned type = rng_below(g, 4);
    unsigned amount = rng_bit(g) ? 0 : rng_below(g, 32);
    tc->init.r[rm] = rng_value(g);
    uint32_t offset = model_shift_imm(tc->init.r[rm], type, amount, (tc->init.cpsr >> 29) & 1);
    steer_base(tc, rn, scratch_addr(g, size, size), offset, p, u);
    put_arm(tc, arm_cond(g) | 0x06000000 | p << 24 | u << 23 | b << 22 | w << 21 | l << 20 |
                rn << 16 | rt << 12 | amount << 7 | type << 5 | rm);
}

/* LDRH/STRH/LDRSB/LDRSH, immediate or register offset (addressing mode 3). */
static void gen_arm_ldst_half(struct rng *g, struct test_case *tc)
{
    static const struct {
        unsigned l, sh, size;
    } kinds[] = { { 1, 1, 2 }, { 0, 1, 2 }, { 1, 2, 1 }, { 1, 3, 2 } };
    unsigned k = rng_below(g, ARRAY_SIZE(kinds));
    unsigned p = rng_below(g, 4) != 0, u = rng_bit(g), w = p ? rng_below(g, 3) == 0 : 0;
    bool wb = !p || w;
    bool imm_form = rng_bit(g);
    unsigned size = kinds[k].size;
    unsigned rt = pick_reg(g, REGS_NOPC);
    unsigned rn, rm = 0;
    uint32_t offset, low;
    if (imm_form && !wb && kinds[k].l && rng_below(g, 8) == 0) {
        rn = 15;
        offset = rng_below(g, 256) & ~(size - 1);
        low = (offset >> 4) << 8 | (offset & 0xf) | 1u << 22;
    } else {
        rn = pick_reg(g, wb ? REGS_NOPC & ~REG_BIT(rt) : REGS_NOPC);
        if (imm_form) {
            offset = rng_below(g, 256);
            low = (offset >> 4) << 8 | (offset & 0xf) | 1u << 22;
        } else {
            rm = pick_reg(g, REGS_NOPC & ~REG_BIT(rn));
            offset = rng_value(g);
            tc->init.r[rm] = offset;
            low = rm;
        }
        steer_base(tc, rn, scratch_addr(g, size, size), offset, p, u);
    }
    put_arm(tc, arm_cond(g) | p << 24 | u << 23 | w << 21 | kinds[k].l << 20 | rn << 16 |
                rt << 12 | 0x90 | kinds[k].sh << 5 | low);
}

/* LDRD/STRD (ARMv5TE). */
static void gen_arm_ldrd_strd(struct rng *g, struct test_case *tc)
{
    unsigned store = rng_bit(g);
    unsigned p = rng_below(g, 4) != 0, u = rng_bit(g), w = p ? rng_below(g, 3) == 0 : 0;
    bool wb = !p || w;
    bool imm_form = rng_bit(g);
    unsigned rt = 2 * rng_below(g, 7);        /* even, not LR */
    uint32_t pair = REG_BIT(rt) | REG_BIT(rt + 1);
    unsigned rn, rm = 0;
    uint32_t offset, low;
    if (!store && imm_form && !wb && rng_below(g, 8) == 0) {
        rn = 15;
        offset = rng_below(g, 32) * 8;
        u = 1;   /* CASE_ADDR + 8 is 8-aligned */
        low = (offset >> 4) << 8 | (offset & 0xf) | 1u << 22;
    } else {
        rn = pick_reg(g, wb ? REGS_NOPC & ~pair : REGS_NOPC);
        if (imm_form) {
            offset = rng_below(g, 32) * 8;
            low = (offset >> 4) << 8 | (offset & 0xf) | 1u << 22;
        } else {
            rm = pick_reg(g, REGS_NOPC & ~REG_BIT(rn) & (store ? REGS_NOPC : ~pair));
            offset = rng_value(g) & ~7u;
            tc->init.r[rm] = offset;
            low = rm;
        }
        steer_base(tc, rn, scratch_addr(g, 8, 8), offset, p, u);
    }
    put_arm(tc, arm_cond(g) | p << 24 | u << 23 | w << 21 | rn << 16 | rt << 12 |
                (store ? 0xf0u : 0xd0u) | low);
}

/* LDR PC, [Rn, #imm]: interworking load (ARMv5, DDI 0100I A4.1.23). */
static void gen_arm_ldr_pc(struct rng *g, struct test_case *tc)
{
    unsigned p = rng_below(g, 4) != 0, u = rng_bit(g), w = p ? rng_bit(g) : 0;
    unsigned rn = pick_reg(g, REGS_NOPC);
    uint32_t imm = rng_below(g, 1024) & ~3u;
    uint32_t a = scratch_addr(g, 4, 4);
    steer_base(tc, rn, a, imm, p, u);
    add_poke(tc, a, interwork_target(g));
    put_arm(tc, arm_cond(g) | 0x04100000 | p << 24 | u << 23 | w << 21 | rn << 16 | 15u << 12 |
                imm);
}

/* Register list of n random registers from allowed (non-empty). */
static uint32_t random_list(struct rng *g, uint32_t allowed)
{
    uint32_t list = 0;
    unsigned density = 1 + rng_below(g, 3);
    for (unsigned r = 0; r < 16; r++)
        if ((allowed & REG_BIT(r)) && rng_below(g, 4) < density)
            list |= REG_BIT(r);
    if (!list)
        list = REG_BIT(pick_reg(g, allowed));
    return list;
}

/* Points Rn at a scratch block for an LDM/STM of n words; returns its lowest address. */
static uint32_t steer_block(struct rng *g, struct test_case *tc, unsigned rn, unsigned pu,
                            unsigned n)
{
    uint32_t low = scratch_addr(g, 4 * n, 4);
    uint32_t base;
    switch (pu) {
    case 0: base = low + 4 * n - 4; break;   /* DA */
    case 1: base = low; break;               /* IA */
    case 2: base = low + 4 * n; break;       /* DB */
    default: base = low - 4; break;          /* IB */
    }
    tc->init.r[rn] = base;
    return low;
}

static uint32_t ldm_encode(uint32_t cond, unsigned pu, unsigned s, unsigned w, unsigned l,
                           unsigned rn, uint32_t list)
{
    return cond | 0x08000000 | pu << 23 | s << 22 | w << 21 | l << 20 | rn << 16 | list;
}

static void gen_arm_ldm_stm(struct rng *g, struct test_case *tc)
{
    unsigned l = rng_bit(g), w = rng_bit(g), pu = rng_below(g, 4);
    unsigned rn = pick_reg(g, REGS_NOPC);
    uint32_t list = random_list(g, REGS_NOPC);
    if (w && (list & REG_BIT(rn)) && (l || (list & (REG_BIT(rn) - 1)))) {
        list &= ~REG_BIT(rn);
        if (!list)
            list = REG_BIT(pick_reg(g, REGS_NOPC & ~REG_BIT(rn)));
    }
    steer_block(g, tc, rn, pu, (unsigned)__builtin_popcount(list));
    put_arm(tc, ldm_encode(arm_cond(g), pu, 0, w, l, rn, list));
}

/* LDM with PC in the list: interworking on ARMv5 (DDI 0100I A4.1.20). */
static void gen_arm_ldm_pc(struct rng *g, struct test_case *tc)
{
    unsigned w = rng_bit(g), pu = rng_below(g, 4);
    unsigned rn = pick_reg(g, REGS_NOPC);
    uint32_t list = (rng_bit(g) ? random_list(g, REGS_NOPC) : 0) | REG_BIT(15);
    if (w)
        list &= ~REG_BIT(rn);
    unsigned n = (unsigned)__builtin_popcount(list);
    uint32_t low = steer_block(g, tc, rn, pu, n);
    add_poke(tc, low + 4 * (n - 1), interwork_target(g));
    put_arm(tc, ldm_encode(arm_cond(g), pu, 0, w, 1, rn, list));
}

/*
 * LDM/STM ^: STM of the user registers, LDM of the user registers, and
 * LDM with PC = exception return (DDI 0100I A4.1.21-22, A4.1.98).
 */
static void gen_arm_ldm_user(struct rng *g, struct test_case *tc)
{
    unsigned pu = rng_below(g, 4), kind = rng_below(g, 3);
    unsigned rn = pick_reg(g, REGS_NOPC);
    uint32_t cond = arm_cond(g);
    if (kind < 2) {
        uint32_t list = random_list(g, REGS_NOPC);
        steer_block(g, tc, rn, pu, (unsigned)__builtin_popcount(list));
        put_arm(tc, ldm_encode(cond, pu, 1, 0, kind, rn, list));
        return;
    }
    unsigned w = rng_bit(g);
    uint32_t list = (rng_bit(g) ? random_list(g, REGS_NOPC) : 0) | REG_BIT(15);
    if (w)
        list &= ~REG_BIT(rn);
    unsigned n = (unsigned)__builtin_popcount(list);
    uint32_t low = steer_block(g, tc, rn, pu, n);
    tc->init.spsr = random_psr(g, true);
    uint32_t target = (tc->init.spsr & PSR_T) ? code_target(g, 2) | rng_bit(g)
                                              : code_target(g, 4);
    add_poke(tc, low + 4 * (n - 1), target);
    put_arm(tc, ldm_encode(cond, pu, 1, w, 1, rn, list));
}

static void gen_arm_swp(struct rng *g, struct test_case *tc)
{
    unsigned b = rng_bit(g);
    unsigned rn = pick_reg(g, REGS_NOPC);
    unsigned rd = pick_reg(g, REGS_NOPC & ~REG_BIT(rn));
    unsigned rm = pick_reg(g, REGS_NOPC & ~REG_BIT(rn));
    tc->init.r[rn] = scratch_addr(g, 4, b ? 1 : 4);
    put_arm(tc, arm_cond(g) | 0x01000090 | b << 22 | rn << 16 | rd << 12 | rm);
}

static void gen_arm_branch(struct rng *g, struct test_case *tc)
{
    int32_t words = (int32_t)rng_below(g, 2 * BRANCH_RANGE / 4) - BRANCH_RANGE / 4;
    put_arm(tc, arm_cond(g) | 0x0a000000 | rng_bit(g) << 24 | ((uint32_t)words & 0xffffff));
}

/* BX, BLX (register), BXJ (behaves as BX without a Jazelle VM, DDI 0100I A4.1.11). */
static void gen_arm_bx(struct rng *g, struct test_case *tc)
{
    static const uint32_t ops[] = { 0x012fff10, 0x012fff30, 0x012fff20 };
    unsigned k = rng_below(g, 3);
    unsigned rm = pick_reg(g, k == 0 ? REGS_ALL : REGS_NOPC);
    if (rm != 15)
        tc->init.r[rm] = interwork_target(g);
    put_arm(tc, arm_cond(g) | ops[k] | rm);
}

/* BLX (immediate): cond = 0b1111, to Thumb (DDI 0100I A4.1.9). */
static void gen_arm_blx_imm(struct rng *g, struct test_case *tc)
{
    int32_t words = (int32_t)rng_below(g, 2 * BRANCH_RANGE / 4) - BRANCH_RANGE / 4;
    put_arm(tc, 0xfa000000 | rng_bit(g) << 24 | ((uint32_t)words & 0xffffff));
}

/* MRS/MSR on the CPSR and SPSR with the f and c fields (DDI 0100I A4.1.38-39). */
static void gen_arm_msr_mrs(struct rng *g, struct test_case *tc)
{
    bool has_spsr = mode_has_spsr(tc->init.cpsr);
    unsigned r = has_spsr ? rng_bit(g) : 0;
    uint32_t cond = arm_cond(g);
    unsigned kind = rng_below(g, 4);
    uint32_t f_byte = rng_u32(g) & 0xf8000000u;
    uint32_t c_byte = (rng_u32(g) & (PSR_I | PSR_F)) |
                      valid_modes[rng_below(g, ARRAY_SIZE(valid_modes))];
    if (r && rng_bit(g))
        c_byte |= PSR_T;
    if (kind == 0) {
        put_arm(tc, cond | 0x010f0000 | r << 22 | pick_reg(g, REGS_NOPC) << 12);
    } else if (kind == 1) {   /* MSR imm, f field: imm8 ror 8 */
        put_arm(tc, cond | 0x0328f000 | r << 22 | 4u << 8 | f_byte >> 24);
    } else if (kind == 2) {   /* MSR imm, c field */
        put_arm(tc, cond | 0x0321f000 | r << 22 | c_byte);
    } else {                  /* MSR reg, fields f, c or fc; s/x bytes are junk */
        static const unsigned masks[] = { 8, 1, 9 };
        unsigned rm = pick_reg(g, REGS_NOPC);
        tc->init.r[rm] = f_byte | (rng_u32(g) & 0x00ffff00u) | c_byte;
        put_arm(tc, cond | 0x0120f000 | r << 22 | masks[rng_below(g, 3)] << 16 | rm);
    }
}

/* MRC p15 ID reads: MIDR, CTR (ARM926EJ-S TRM 2.3.2, 2.3.3). */
static void gen_arm_cp15_id(struct rng *g, struct test_case *tc)
{
    static const struct {
        unsigned crn, opc2;
    } regs[] = { { 0, 0 }, { 0, 1 } };
    unsigned k = rng_below(g, ARRAY_SIZE(regs));
    put_arm(tc, arm_cond(g) | 0x0e100f10 | regs[k].crn << 16 | pick_reg(g, REGS_NOPC) << 12 |
                regs[k].opc2 << 5);
}

static void gen_arm_svc_bkpt(struct rng *g, struct test_case *tc)
{
    if (rng_bit(g))
        put_arm(tc, arm_cond(g) | 0x0f000000 | (rng_u32(g) & 0xffffff));
    else
        put_arm(tc, 0xe1200070 | (rng_u32(g) & 0xfff00) | (rng_u32(g) & 0xf));
}

/*
 * Encodings an ARMv5TE core must UNDEF: ARMv6/ARMv6T2 additions, the
 * media space (DDI 0100I A3.1: cond 011x ... bit 4 = 1) and UDF.
 */
static void gen_arm_undef(struct rng *g, struct test_case *tc)
{
    static const uint32_t templates[] = {
        0x06bf0f30, /* REV */
        0x06bf0fb0, /* REV16 */
        0x06ff0fb0, /* REVSH */
        0x06af0070, /* SXTB */
        0x06bf0070, /* SXTH */
        0x06ef0070, /* UXTB */
        0x06ff0070, /* UXTH */
        0x06800fb0, /* SEL */
        0x06a00010, /* SSAT */
        0x06e00010, /* USAT */
        0x06500f90, /* UADD8 */
        0x06800010, /* PKHBT */
        0x01900f9f, /* LDREX */
        0x01800f90, /* STREX */
        0x00400090, /* UMAAL */
        0x0700f010, /* SMUAD */
        0x0750f010, /* SMMUL */
        0x03000000, /* MOVW */
        0x03400000, /* MOVT */
        0x07c0001f, /* BFC */
        0x07e00050, /* UBFX */
        0x06ff0f30, /* RBIT */
        0x00600090, /* MLS */
        0x07f000f0, /* UDF */
    };
    uint32_t insn;
    if (rng_below(g, 4) == 0) {
        insn = 0x06000010 | (rng_u32(g) & 0x01ffffef);   /* random media space */
    } else {
        uint32_t t = templates[rng_below(g, ARRAY_SIZE(templates))];
        /* randomise the register fields, keep the fixed bits */
        uint32_t regs = rng_u32(g) & 0x000ff00fu;
        uint32_t fixed = 0x000ff00fu & t;
        insn = t | (regs & ~fixed & 0x000ff00fu);
        if (t == 0x03000000 || t == 0x03400000)
            insn = t | (rng_u32(g) & 0x000fffff);
    }
    put_arm(tc, 0xe0000000 | insn);
}

static void gen_arm_pld(struct rng *g, struct test_case *tc)
{
    unsigned rn = pick_reg(g, REGS_NOPC);
    tc->init.r[rn] = scratch_addr(g, 4, 1);
    put_arm(tc, 0xf550f000 | rng_bit(g) << 23 | rn << 16 | rng_below(g, 4096));
}

/* ================= Thumb templates ================= */

static uint32_t thumb_low(struct rng *g)
{
    return pick_reg(g, REGS_LOW);
}

static void gen_t_shift_imm(struct rng *g, struct test_case *tc)
{
    put_thumb(tc, (uint16_t)(rng_below(g, 3) << 11 | rng_below(g, 32) << 6 | thumb_low(g) << 3 |
                             thumb_low(g)));
}

static void gen_t_addsub(struct rng *g, struct test_case *tc)
{
    put_thumb(tc, (uint16_t)(0x1800 | rng_below(g, 4) << 9 | rng_below(g, 8) << 6 |
                             thumb_low(g) << 3 | thumb_low(g)));
}

static void gen_t_imm8(struct rng *g, struct test_case *tc)
{
    put_thumb(tc, (uint16_t)(0x2000 | rng_below(g, 4) << 11 | thumb_low(g) << 8 |
                             (rng_u32(g) & 0xff)));
}

static void gen_t_alu(struct rng *g, struct test_case *tc)
{
    unsigned op = rng_below(g, 16);
    unsigned rd = thumb_low(g);
    unsigned rm = op == 13 ? pick_reg(g, REGS_LOW & ~REG_BIT(rd)) : thumb_low(g);
    if (op == 2 || op == 3 || op == 4 || op == 7)   /* shifts by register */
        tc->init.r[rm] = rng_shift_value(g);
    put_thumb(tc, (uint16_t)(0x4000 | op << 6 | rm << 3 | rd));
}

/* ADD/CMP/MOV with a high register (DDI 0100I A7.1.6, A7.1.25, A7.1.46). */
static void gen_t_hireg(struct rng *g, struct test_case *tc)
{
    unsigned op = rng_below(g, 3);
    unsigned rd, rm;
    do {
        rd = pick_reg(g, op == 1 ? REGS_NOPC : REGS_ALL);
        rm = pick_reg(g, op == 1 ? REGS_NOPC : REGS_ALL);
    } while (rd < 8 && rm < 8);
    if (rd == 15 && rm != 15) {
        /* a branch: keep it in RAM most of the time */
        tc->init.r[rm] = op == 0 ? (uint32_t)rng_below(g, 0x2000) - 0x1000 : code_target(g, 2);
    }
    put_thumb(tc, (uint16_t)(0x4400 | op << 8 | (rd >> 3) << 7 | rm << 3 | (rd & 7)));
}

static void gen_t_bx(struct rng *g, struct test_case *tc)
{
    unsigned link = rng_bit(g);
    uint32_t allowed = link ? REGS_NOPC : REGS_ALL;
    if (tc->addr & 2)
        allowed &= REGS_NOPC;   /* BX PC from a non-word-aligned address */
    unsigned rm = pick_reg(g, allowed);
    if (rm != 15)
        tc->init.r[rm] = interwork_target(g);
    put_thumb(tc, (uint16_t)(0x4700 | link << 7 | rm << 3));
}

static void gen_t_ldr_lit(struct rng *g, struct test_case *tc)
{
    put_thumb(tc, (uint16_t)(0x4800 | thumb_low(g) << 8 | (rng_u32(g) & 0xff)));
}

/* Load/store with register offset: STR STRH STRB LDRSB LDR LDRH LDRB LDRSH. */
static void gen_t_ldst_reg(struct rng *g, struct test_case *tc)
{
    static const unsigned size[8] = { 4, 2, 1, 1, 4, 2, 1, 2 };
    unsigned op = rng_below(g, 8);
    unsigned rn = thumb_low(g), rt = thumb_low(g);
    unsigned rm = pick_reg(g, REGS_LOW & ~REG_BIT(rn));
    uint32_t a = scratch_addr(g, size[op], size[op]);
    uint32_t m = rng_value(g);
    tc->init.r[rm] = m;
    tc->init.r[rn] = a - m;
    put_thumb(tc, (uint16_t)(0x5000 | op << 9 | rm << 6 | rn << 3 | rt));
}

/* Load/store with immediate offset: word, byte, halfword. */
static void gen_t_ldst_imm(struct rng *g, struct test_case *tc)
{
    unsigned kind = rng_below(g, 3), l = rng_bit(g), imm5 = rng_below(g, 32);
    unsigned rn = thumb_low(g), rt = thumb_low(g);
    static const unsigned scale[3] = { 4, 1, 2 };
    uint32_t off = imm5 * scale[kind];
    tc->init.r[rn] = scratch_addr(g, scale[kind], scale[kind]) - off;
    uint16_t base = kind == 0 ? 0x6000 : kind == 1 ? 0x7000 : 0x8000;
    put_thumb(tc, (uint16_t)(base | l << 11 | imm5 << 6 | rn << 3 | rt));
}

static void gen_t_ldst_sp(struct rng *g, struct test_case *tc)
{
    unsigned imm8 = rng_below(g, 256);
    tc->init.r[13] = scratch_addr(g, 4, 4) - imm8 * 4;
    put_thumb(tc, (uint16_t)(0x9000 | rng_bit(g) << 11 | thumb_low(g) << 8 | imm8));
}

/* ADD Rd, PC/SP, #imm; ADD/SUB SP, #imm (DDI 0100I A7.1.8-A7.1.10). */
static void gen_t_addpcsp(struct rng *g, struct test_case *tc)
{
    if (rng_bit(g))
        put_thumb(tc, (uint16_t)(0xa000 | rng_bit(g) << 11 | thumb_low(g) << 8 |
                                 (rng_u32(g) & 0xff)));
    else
        put_thumb(tc, (uint16_t)(0xb000 | rng_bit(g) << 7 | (rng_u32(g) & 0x7f)));
}

static void gen_t_push_pop(struct rng *g, struct test_case *tc)
{
    unsigned pop = rng_bit(g), r = rng_bit(g);
    uint32_t list = rng_u32(g) & 0xff;
    if (!list && !r)
        list = REG_BIT(thumb_low(g));
    unsigned n = (unsigned)__builtin_popcount(list) + r;
    uint32_t low = scratch_addr(g, 4 * n, 4);
    tc->init.r[13] = pop ? low : low + 4 * n;
    if (pop && r)
        add_poke(tc, low + 4 * (n - 1), interwork_target(g));
    put_thumb(tc, (uint16_t)(0xb400 | pop << 11 | r << 8 | list));
}

static void gen_t_ldm_stm(struct rng *g, struct test_case *tc)
{
    unsigned l = rng_bit(g), rn = thumb_low(g);
    uint32_t list = random_list(g, REGS_LOW);
    if (!l && (list & REG_BIT(rn)) && (list & (REG_BIT(rn) - 1))) {
        list &= ~REG_BIT(rn);
        if (!list)
            list = REG_BIT(pick_reg(g, REGS_LOW & ~REG_BIT(rn)));
    }
    tc->init.r[rn] = scratch_addr(g, 4 * (unsigned)__builtin_popcount(list), 4);
    put_thumb(tc, (uint16_t)(0xc000 | l << 11 | rn << 8 | list));
}

static void gen_t_bcond(struct rng *g, struct test_case *tc)
{
    put_thumb(tc, (uint16_t)(0xd000 | rng_below(g, 14) << 8 | (rng_u32(g) & 0xff)));
}

static void gen_t_b(struct rng *g, struct test_case *tc)
{
    put_thumb(tc, (uint16_t)(0xe000 | (rng_u32(g) & 0x7ff)));
}

/* BL/BLX as the prefix + suffix pair; on ARMv5 these are two instructions. */
static void gen_t_bl_pair(struct rng *g, struct test_case *tc)
{
    int32_t off = (int32_t)rng_below(g, 2 * BRANCH_RANGE) - BRANCH_RANGE;
    bool blx = rng_bit(g);
    off &= blx ? ~3 : ~1;
    uint16_t hi = (uint16_t)(0xf000 | (((uint32_t)off >> 12) & 0x7ff));
    uint16_t lo = (uint16_t)((blx ? 0xe800 : 0xf800) | (((uint32_t)off >> 1) & 0x7ff));
    put_thumb_pair(tc, hi, lo);
}

/* BL/BLX suffix alone: PC = LR + offset (DDI 0100I A7.1.17). */
static void gen_t_bl_suffix(struct rng *g, struct test_case *tc)
{
    bool blx = rng_bit(g);
    uint32_t imm = rng_u32(g) & 0x7ff;
    if (blx)
        imm &= ~1u;
    tc->init.r[14] = code_target(g, 2);
    put_thumb(tc, (uint16_t)((blx ? 0xe800 : 0xf800) | imm));
}

/* BL prefix alone, at the last halfword of a page (see exclusions[]). */
static void gen_t_bl_prefix(struct rng *g, struct test_case *tc)
{
    tc->addr = PAGE_END_ADDR;
    put_thumb(tc, (uint16_t)(0xf000 | (rng_u32(g) & 0x7ff)));
}

static void gen_t_svc_bkpt(struct rng *g, struct test_case *tc)
{
    put_thumb(tc, (uint16_t)((rng_bit(g) ? 0xdf00 : 0xbe00) | (rng_u32(g) & 0xff)));
}

/* ARMv6 Thumb additions and the permanently undefined 0xdexx (UNDEF on ARMv5). */
static void gen_t_undef(struct rng *g, struct test_case *tc)
{
    static const uint16_t templates[] = {
        0xde00, /* B<cond=1110>: UNDEFINED */
        0xba00, /* REV */
        0xba40, /* REV16 */
        0xbac0, /* REVSH */
        0xb200, /* SXTH */
        0xb240, /* SXTB */
        0xb280, /* UXTH */
        0xb2c0, /* UXTB */
    };
    unsigned k = rng_below(g, ARRAY_SIZE(templates) + 2);
    if (k == ARRAY_SIZE(templates))
        put_thumb(tc, (uint16_t)(0xb660 | (rng_u32(g) & 0x17)));      /* CPS */
    else if (k == ARRAY_SIZE(templates) + 1)
        put_thumb(tc, (uint16_t)(0xb650 | rng_bit(g) << 3));          /* SETEND */
    else
        put_thumb(tc, (uint16_t)(templates[k] | (rng_u32(g) & (k ? 0x3f : 0xff))));
}

/* ================= instruction sequences ================= */

/*
 * The seq set runs 2..SEQ_MAX instructions back to back, so the executor's
 * straight-line loop (PC operand per slot, failed conditions, flags carried
 * from one instruction to the next) and the decode cache are exercised,
 * not just single handlers. Only instructions whose operands cannot leave
 * the mapped memory take part: register-only classes and PC-relative
 * loads. The "-smc" classes start with a store of a fresh encoding over a
 * later instruction of the same sequence: the cached decoder must notice
 * (DESIGN.md, "a store that hits a page with decoded code invalidates
 * that page's block").
 */

/* LDR/LDRB/LDRH Rt, [PC, #+-imm]: stays inside the code page. */
static void gen_arm_ldr_literal(struct rng *g, struct test_case *tc)
{
    unsigned rt = pick_reg(g, REGS_NOPC), u = rng_bit(g);
    if (rng_bit(g)) {
        unsigned b = rng_bit(g);
        uint32_t imm = rng_below(g, 1024) & (b ? ~0u : ~3u);
        put_arm(tc, arm_cond(g) | 0x051f0000 | u << 23 | b << 22 | rt << 12 | imm);
    } else {
        uint32_t imm = rng_below(g, 256) & ~1u;
        put_arm(tc, arm_cond(g) | 0x015f00b0 | u << 23 | rt << 12 | (imm >> 4) << 8 |
                    (imm & 0xf));
    }
}

/* MRS, or MSR CPSR_f: flags only, so the mode stays put. */
static void gen_arm_msr_flags(struct rng *g, struct test_case *tc)
{
    if (rng_bit(g))
        put_arm(tc, arm_cond(g) | 0x010f0000 | pick_reg(g, REGS_NOPC) << 12);
    else
        put_arm(tc, arm_cond(g) | 0x0328f000 | 4u << 8 | (rng_u32(g) & 0xf8));
}

/* Thumb hi-register ADD/MOV/CMP that does not write PC. */
static void gen_t_hireg_nopc(struct rng *g, struct test_case *tc)
{
    do
        gen_t_hireg(g, tc);
    while ((tc->code[0] & 0x87) == 0x87 && (tc->code[1] & 3) != 1);  /* Rd = PC, not CMP */
}

static void (*const seq_arm_gens[])(struct rng *, struct test_case *) = {
    gen_arm_dp_imm, gen_arm_dp_shift_imm, gen_arm_dp_shift_reg, gen_arm_mul, gen_arm_dsp,
    gen_arm_ldr_literal, gen_arm_msr_flags,
};

static void (*const seq_thumb_gens[])(struct rng *, struct test_case *) = {
    gen_t_shift_imm, gen_t_addsub, gen_t_imm8, gen_t_alu, gen_t_alu, gen_t_hireg_nopc,
    gen_t_ldr_lit,
};

/* One instruction from the sequence generators, for slot addr. */
static unsigned seq_one(struct rng *g, struct test_case *tc, uint32_t addr, uint8_t *out)
{
    struct test_case one = *tc;
    one.addr = addr;
    if (tc->thumb)
        seq_thumb_gens[rng_below(g, ARRAY_SIZE(seq_thumb_gens))](g, &one);
    else
        seq_arm_gens[rng_below(g, ARRAY_SIZE(seq_arm_gens))](g, &one);
    tc->init = one.init;      /* keep the operand set-up (shift amounts...) */
    memcpy(out, one.code, one.len);
    return one.len;
}

/*
 * n instructions from the sequence generators. With smc, slot 0 stores a
 * fresh encoding over slot j >= 2 and slot j - 1 is a branch to the next
 * instruction. Both emulators run with the caches off (SCTLR.I = C = 0 at
 * reset), so on an ARM926 the store reaches memory and the taken branch
 * flushes the prefetched instructions: the new encoding must run. Without
 * the branch either instruction would be right (the ARM926 may already
 * have fetched the old one), and QEMU only looks at stores into the block
 * it is running at the next block boundary.
 */
static void gen_sequence(struct rng *g, struct test_case *tc, bool smc)
{
    unsigned n = (smc ? 3 : 2) + rng_below(g, SEQ_MAX - (smc ? 2 : 1));
    unsigned size = tc->thumb ? 2 : 4;
    unsigned j = smc ? 2 + rng_below(g, n - 2) : 0;
    uint8_t fresh[4];
    tc->addr = CASE_ADDR;
    for (unsigned i = smc ? 1 : 0; i < n; i++) {
        if (smc && i == j - 1) {
            static const uint32_t arm_next = 0xeaffffff;   /* b .+4 */
            static const uint16_t thumb_next = 0xe7ff;     /* b .+2 */
            memcpy(tc->code + i * size, tc->thumb ? (const void *)&thumb_next : &arm_next,
                   size);
        } else {
            seq_one(g, tc, tc->addr + i * size, tc->code + i * size);
        }
    }
    if (smc) {
        /* The value register is set last, so no generator's set-up
         * overwrites it. */
        seq_one(g, tc, tc->addr + j * size, fresh);
        if (tc->thumb) {
            unsigned rb = thumb_low(g), rx = pick_reg(g, REGS_LOW & ~REG_BIT(rb));
            uint16_t strh = (uint16_t)(0x8000 | j << 6 | rb << 3 | rx);   /* strh rx, [rb, #2j] */
            memcpy(tc->code, &strh, 2);
            uint16_t value;
            memcpy(&value, fresh, 2);
            tc->init.r[rb] = tc->addr;
            tc->init.r[rx] = (rng_u32(g) & 0xffff0000u) | value;
        } else {
            unsigned rx = pick_reg(g, REGS_NOPC);
            uint32_t str = 0xe58f0000 | rx << 12 | (4 * j - 8);   /* str rx, [pc, #4j-8] */
            memcpy(tc->code, &str, 4);
            memcpy(&tc->init.r[rx], fresh, 4);
        }
    }
    tc->len = n * size;
    tc->steps = n;
}

/*
 * Patch an instruction that has already run, then run it again: a store
 * to the code page (which drops its decoded code), the instruction X, a
 * literal load of X', a store of X' over X and a branch back to it. With
 * the caches off the branch is all an ARM926 needs to fetch X' (see
 * gen_sequence), and the cached decoder must run X' too: the first store
 * must not leave the page untracked while its block is still being
 * decoded (DESIGN.md, "self-modifying code ... correct without a flush").
 */
static void gen_repatch(struct rng *g, struct test_case *tc)
{
    uint8_t x[4], x2[4];
    if (!tc->thumb) {
        const uint32_t base = CASE_ADDR;
        unsigned ra = pick_reg(g, REGS_NOPC), rb = pick_reg(g, REGS_NOPC);
        uint32_t prog[5] = {
            0xe58f0100 | ra << 12,   /* base+0:  str ra, [pc, #0x100] (data on the page) */
            0,                       /* base+4:  X */
            0xe59f0100 | rb << 12,   /* base+8:  ldr rb, [pc, #0x100] (X') */
            0xe50f0010 | rb << 12,   /* base+12: str rb, [pc, #-16] (over X) */
            0xeafffffb,              /* base+16: b base+4 */
        };
        seq_one(g, tc, base + 4, x);
        seq_one(g, tc, base + 4, x2);
        memcpy(&prog[1], x, 4);
        memcpy(tc->code, prog, sizeof(prog));
        uint32_t patched;
        memcpy(&patched, x2, 4);
        add_poke(tc, base + 16 + 0x100, patched);
        tc->addr = base;
        tc->len = sizeof(prog);
    } else {
        /* Thumb has no PC-relative store: SP points at the page. X sits
         * word-aligned so one STR writes X' and the LDR after it. */
        const uint32_t base = CASE_ADDR;
        unsigned ra = thumb_low(g), rb = thumb_low(g);
        do
            seq_one(g, tc, base + 4, x);
        while (x[1] >> 2 == 0x11);    /* 010001xx: hi-register ops may write SP */
        do
            seq_one(g, tc, base + 4, x2);
        while (x2[1] >> 2 == 0x11);
        uint16_t prog[5] = {
            (uint16_t)(0x9040 | ra << 8),   /* base+2:  str ra, [sp, #0x100] */
            0,                              /* base+4:  X */
            (uint16_t)(0x4840 | rb << 8),   /* base+6:  ldr rb, [pc, #0x100] -> base+0x108 */
            (uint16_t)(0x9001 | rb << 8),   /* base+8:  str rb, [sp, #4] (X' and the LDR) */
            0xe7fb,                         /* base+10: b base+4 */
        };
        memcpy(&prog[1], x, 2);
        memcpy(tc->code, prog, sizeof(prog));
        uint16_t patched;
        memcpy(&patched, x2, 2);
        add_poke(tc, base + 0x108, (uint32_t)prog[2] << 16 | patched);
        tc->init.r[13] = base;
        tc->addr = base + 2;
        tc->len = sizeof(prog);
    }
    tc->steps = 6;
}

static void gen_seq_arm(struct rng *g, struct test_case *tc)
{
    gen_sequence(g, tc, false);
}

static void gen_seq_arm_smc(struct rng *g, struct test_case *tc)
{
    gen_sequence(g, tc, true);
}

static void gen_seq_thumb(struct rng *g, struct test_case *tc)
{
    gen_sequence(g, tc, false);
}

static void gen_seq_thumb_smc(struct rng *g, struct test_case *tc)
{
    gen_sequence(g, tc, true);
}

/* ================= ARMv7 templates (the Cortex-A15 set) ================= */

/*
 * The a15 set runs on armhv's Cortex-A15 and unicorn's (QEMU's
 * cortex-a15): the ARMv5 classes that mean the same on ARMv7 plus the
 * ARMv6/ARMv6K/ARMv6T2/ARMv7 additions (DDI 0406C A5). The initial CPSR
 * and SPSRs also get random GE and A bits, and the comparison covers GE,
 * A and E. Encodings are canonical (SBO fields set, SBZ clear).
 */

/* GE and A bits for an ARMv7 PSR. */
static uint32_t random_psr_v7_extra(struct rng *g)
{
    /* E = 1 in one case of four: big-endian data from the start (BE-8) */
    return (rng_u32(g) & (PSR_GE_MASK | PSR_A)) | (rng_below(g, 4) == 0 ? PSR_E : 0);
}

static void gen_v7_movw_movt(struct rng *g, struct test_case *tc)
{
    uint32_t imm16 = rng_bit(g) ? rng_value(g) & 0xffff : rng_u32(g) & 0xffff;
    put_arm(tc, arm_cond(g) | (rng_bit(g) ? 0x03400000u : 0x03000000u) | (imm16 >> 12) << 16 |
                pick_reg(g, REGS_NOPC) << 12 | (imm16 & 0xfff));
}

/* Lane-edge operands for the media classes: halfwords and bytes at the
 * values where sums carry, saturate or change sign. */
static uint32_t rng_media_value(struct rng *g)
{
    static const uint16_t edge16[] = { 0, 1, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0x8001,
                                       0xfffe, 0xffff };
    static const uint8_t edge8[] = { 0, 1, 0x7f, 0x80, 0x81, 0xfe, 0xff };
    switch (rng_below(g, 4)) {
    case 0:
        return (uint32_t)edge16[rng_below(g, ARRAY_SIZE(edge16))] << 16 |
               edge16[rng_below(g, ARRAY_SIZE(edge16))];
    case 1: {
        uint32_t v = 0;
        for (unsigned i = 0; i < 4; i++)
            v |= (uint32_t)edge8[rng_below(g, ARRAY_SIZE(edge8))] << (8 * i);
        return v;
    }
    default:
        return rng_value(g);
    }
}

/* Three distinct-or-not registers with media-edge values. */
static void media_regs(struct rng *g, struct test_case *tc, unsigned *rd, unsigned *rn,
                       unsigned *rm)
{
    *rd = pick_reg(g, REGS_NOPC);
    *rn = pick_reg(g, REGS_NOPC);
    *rm = pick_reg(g, REGS_NOPC);
    tc->init.r[*rn] = rng_media_value(g);
    tc->init.r[*rm] = rng_media_value(g);
}

/* SADD16 ... UHSUB8 (A5.4.1/A5.4.2): op1 01/10/11, op2 000-100, 111. */
static void gen_v7_parallel(struct rng *g, struct test_case *tc)
{
    static const unsigned op2s[] = { 0, 1, 2, 3, 4, 7 };
    unsigned rd, rn, rm;
    media_regs(g, tc, &rd, &rn, &rm);
    put_arm(tc, arm_cond(g) | 0x06000f10 | rng_bit(g) << 22 | (1 + rng_below(g, 3)) << 20 |
                rn << 16 | rd << 12 | op2s[rng_below(g, ARRAY_SIZE(op2s))] << 5 | rm);
}

/* SEL, with the random GE bits of the initial CPSR; sometimes right
 * after a GE-setting UADD8/SSUB16 so SEL sees computed flags. */
static void gen_v7_sel(struct rng *g, struct test_case *tc)
{
    unsigned rd, rn, rm;
    media_regs(g, tc, &rd, &rn, &rm);
    uint32_t sel = 0xe6800fb0 | rn << 16 | rd << 12 | rm;
    if (rng_bit(g)) {
        put_arm(tc, arm_cond(g) | (sel & 0x0fffffffu));
        return;
    }
    static const uint32_t ge_ops[] = { 0xe6500f90, 0xe6100f70, 0xe6500f10, 0xe6100f30 };
    unsigned a = pick_reg(g, REGS_NOPC), b = pick_reg(g, REGS_NOPC);
    unsigned t = pick_reg(g, REGS_NOPC & ~REG_BIT(rn) & ~REG_BIT(rm));
    tc->init.r[a] = rng_media_value(g);
    tc->init.r[b] = rng_media_value(g);
    uint32_t prog[2] = { ge_ops[rng_below(g, ARRAY_SIZE(ge_ops))] | a << 16 | t << 12 | b, sel };
    memcpy(tc->code, prog, sizeof(prog));
    tc->len = 8;
    tc->steps = 2;
}

/* SSAT/USAT (any shift), SSAT16/USAT16. */
static void gen_v7_sat(struct rng *g, struct test_case *tc)
{
    unsigned rd = pick_reg(g, REGS_NOPC), rn = pick_reg(g, REGS_NOPC);
    unsigned is_unsigned = rng_bit(g);
    tc->init.r[rn] = rng_media_value(g);
    if (rng_bit(g)) {
        put_arm(tc, arm_cond(g) | 0x06a00f30 | is_unsigned << 22 | rng_below(g, 16) << 16 |
                    rd << 12 | rn);
    } else {
        unsigned amount = rng_bit(g) ? 0 : rng_below(g, 32);
        put_arm(tc, arm_cond(g) | 0x06a00010 | is_unsigned << 22 | rng_below(g, 32) << 16 |
                    rd << 12 | amount << 7 | rng_bit(g) << 6 | rn);
    }
}

/* SXTAB16/SXTAB/SXTAH/UXTAB16/UXTAB/UXTAH and the Rn = 1111 forms. */
static void gen_v7_extend(struct rng *g, struct test_case *tc)
{
    static const unsigned op1s[] = { 0, 2, 3, 4, 6, 7 };
    unsigned rd, rn, rm;
    media_regs(g, tc, &rd, &rn, &rm);
    if (rng_bit(g))
        rn = 15;
    put_arm(tc, arm_cond(g) | 0x06800070 | op1s[rng_below(g, ARRAY_SIZE(op1s))] << 20 |
                rn << 16 | rd << 12 | rng_below(g, 4) << 10 | rm);
}

/* REV, REV16, RBIT, REVSH; PKHBT/PKHTB. */
static void gen_v7_rev_pkh(struct rng *g, struct test_case *tc)
{
    static const uint32_t revs[] = { 0x06bf0f30, 0x06bf0fb0, 0x06ff0f30, 0x06ff0fb0 };
    unsigned rd, rn, rm;
    media_regs(g, tc, &rd, &rn, &rm);
    if (rng_bit(g))
        put_arm(tc, arm_cond(g) | revs[rng_below(g, 4)] | rd << 12 | rm);
    else
        put_arm(tc, arm_cond(g) | 0x06800010 | rn << 16 | rd << 12 | rng_below(g, 32) << 7 |
                    rng_bit(g) << 6 | rm);
}

/* SMLAD/SMUAD/SMLSD/SMUSD(X), SMLALD/SMLSLD(X), SMMLA/SMMUL/SMMLS(R),
 * USAD8/USADA8: Rd/RdHi 19:16, Ra/RdLo 15:12, Rm 11:8, Rn 3:0. */
static void gen_v7_media_mul(struct rng *g, struct test_case *tc)
{
    uint32_t cond = arm_cond(g);
    unsigned rd = pick_reg(g, REGS_NOPC), rn = pick_reg(g, REGS_NOPC);
    unsigned rm = pick_reg(g, REGS_NOPC), ra = pick_reg(g, REGS_NOPC);
    unsigned x = rng_bit(g);
    tc->init.r[rn] = rng_media_value(g);
    tc->init.r[rm] = rng_media_value(g);
    if (rng_below(g, 4) == 0)
        tc->init.r[rn] = tc->init.r[rm] = 0x80008000;   /* the one sum that overflows */
    switch (rng_below(g, 5)) {
    case 0: { /* SMLAD/SMLSD, Ra = 15: SMUAD/SMUSD */
        unsigned sub = rng_bit(g);
        if (rng_below(g, 3) == 0)
            ra = 15;
        /* See exclusions[]: QEMU sets Q when the two products alone
         * overflow (only 0x8000 * 0x8000 twice) even if Ra brings the sum
         * back into range; keep Ra out of that case. */
        if (!sub && ra != 15 && tc->init.r[rn] == 0x80008000 && tc->init.r[rm] == 0x80008000 &&
            (int32_t)tc->init.r[ra] < 0)
            ra = 15;
        put_arm(tc, cond | 0x07000010 | rd << 16 | ra << 12 | rm << 8 | sub << 6 | x << 5 |
                    rn);
        break;
    }
    case 1: /* SMLALD/SMLSLD, RdHi != RdLo */
        ra = pick_reg(g, REGS_NOPC & ~REG_BIT(rd));
        put_arm(tc, cond | 0x07400010 | rd << 16 | ra << 12 | rm << 8 | rng_bit(g) << 6 |
                    x << 5 | rn);
        break;
    case 2: /* SMMLA/SMMUL */
        if (rng_below(g, 3) == 0)
            ra = 15;
        put_arm(tc, cond | 0x07500010 | rd << 16 | ra << 12 | rm << 8 | x << 5 | rn);
        break;
    case 3: /* SMMLS */
        put_arm(tc, cond | 0x075000d0 | rd << 16 | ra << 12 | rm << 8 | x << 5 | rn);
        break;
    default: /* USAD8/USADA8 */
        if (rng_bit(g))
            ra = 15;
        put_arm(tc, cond | 0x07800010 | rd << 16 | ra << 12 | rm << 8 | rn);
        break;
    }
}

/* SDIV/UDIV with the interesting divisors (0, -1) often. */
static void gen_v7_div(struct rng *g, struct test_case *tc)
{
    unsigned rd = pick_reg(g, REGS_NOPC), rn = pick_reg(g, REGS_NOPC);
    unsigned rm = pick_reg(g, REGS_NOPC);
    switch (rng_below(g, 4)) {
    case 0:
        tc->init.r[rm] = 0;
        break;
    case 1:
        tc->init.r[rn] = 0x80000000;
        tc->init.r[rm] = 0xffffffff;
        break;
    default:
        tc->init.r[rm] = rng_value(g);
        break;
    }
    put_arm(tc, arm_cond(g) | (rng_bit(g) ? 0x0730f010u : 0x0710f010u) | rd << 16 | rm << 8 |
                rn);
}

/* SBFX/UBFX (lsb + width <= 32), BFC/BFI (msb >= lsb). */
static void gen_v7_bitfield(struct rng *g, struct test_case *tc)
{
    unsigned rd = pick_reg(g, REGS_NOPC), rn = pick_reg(g, REGS_NOPC);
    unsigned lsb = rng_below(g, 32);
    if (rng_bit(g)) {
        unsigned widthm1 = rng_below(g, 32 - lsb);
        put_arm(tc, arm_cond(g) | (rng_bit(g) ? 0x07e00050u : 0x07a00050u) | widthm1 << 16 |
                    rd << 12 | lsb << 7 | rn);
    } else {
        unsigned msb = lsb + rng_below(g, 32 - lsb);
        if (rng_below(g, 4) == 0)
            rn = 15;   /* BFC */
        put_arm(tc, arm_cond(g) | 0x07c00010 | msb << 16 | rd << 12 | lsb << 7 | rn);
    }
}

/* UMAAL (RdHi != RdLo) and MLS. */
static void gen_v7_umaal_mls(struct rng *g, struct test_case *tc)
{
    unsigned hi = pick_reg(g, REGS_NOPC), rn = pick_reg(g, REGS_NOPC);
    unsigned rm = pick_reg(g, REGS_NOPC);
    if (rng_bit(g)) {
        unsigned lo = pick_reg(g, REGS_NOPC & ~REG_BIT(hi));
        put_arm(tc, arm_cond(g) | 0x00400090 | hi << 16 | lo << 12 | rm << 8 | rn);
    } else {
        put_arm(tc, arm_cond(g) | 0x00600090 | hi << 16 | pick_reg(g, REGS_NOPC) << 12 |
                    rm << 8 | rn);
    }
}

/* An even register pair (Rt, Rt + 1), Rt < 14, clear of the registers in avoid. */
static unsigned pick_pair(struct rng *g, uint32_t avoid)
{
    uint32_t pairs = 0;
    for (unsigned r = 0; r < 14; r += 2)
        if (!(avoid & (3u << r)))
            pairs |= REG_BIT(r);
    return pick_reg(g, pairs);
}

/*
 * LDREX{,B,H,D} then STREX of the same size: to the tagged address
 * (succeeds), to another one (fails), or with CLREX in between (fails);
 * or CLREX then STREX alone (fails). Every case starts by setting the
 * monitor, so no state leaks from one case to the next. The loaded
 * registers never include the base, so the STREX address stays aligned
 * (an unaligned one faults on armhv before the monitor check, QEMU checks
 * the monitor first: both are allowed, A3.4.5).
 */
static void gen_v7_exclusive(struct rng *g, struct test_case *tc)
{
    static const unsigned sizes[] = { 4, 8, 1, 2 };    /* by bits 22:21 */
    unsigned k = rng_below(g, 4), size = sizes[k];
    bool dual = size == 8;
    uint32_t cond = arm_cond(g);
    unsigned rn = pick_reg(g, REGS_NOPC);
    unsigned rt = dual ? pick_pair(g, REG_BIT(rn)) : pick_reg(g, REGS_NOPC & ~REG_BIT(rn));
    unsigned rs = dual ? pick_pair(g, 0) : pick_reg(g, REGS_NOPC);
    uint32_t busy = REG_BIT(rn) | REG_BIT(rs) | (dual ? REG_BIT(rs + 1) : 0);
    unsigned rd = pick_reg(g, REGS_NOPC & ~busy);
    tc->init.r[rn] = scratch_addr(g, 16, 8) + rng_below(g, 2) * size;
    uint32_t ldrex = cond | 0x01900f9f | k << 21 | rn << 16 | rt << 12;
    uint32_t strex = cond | 0x01800f90 | k << 21 | rn << 16 | rd << 12 | rs;
    uint32_t prog[4];
    unsigned n = 0;
    if (rng_below(g, 3) == 0)
        prog[n++] = 0xf1010000 | rng_bit(g) << 9;             /* setend be/le */
    switch (rng_below(g, 5)) {
    case 0:
    case 1:
        prog[n++] = ldrex;
        prog[n++] = strex;
        break;
    case 2: /* another address: the base moves between the two */
        prog[n++] = ldrex;
        prog[n++] = 0xe2800000 | rn << 16 | rn << 12 | size;   /* add rn, rn, #size */
        prog[n++] = strex;
        break;
    case 3:
        prog[n++] = ldrex;
        prog[n++] = 0xf57ff01f;                               /* clrex */
        prog[n++] = strex;
        break;
    default:
        prog[n++] = 0xf57ff01f;
        prog[n++] = strex;
        break;
    }
    memcpy(tc->code, prog, 4 * n);
    tc->len = 4 * n;
    tc->steps = n;
}

/* CPS with the defined imod/M combinations; a NOP in User mode. */
static void gen_v7_cps(struct rng *g, struct test_case *tc)
{
    unsigned imod = rng_below(g, 3) ? 2 + rng_bit(g) : 0;
    unsigned m = imod ? rng_bit(g) : 1;
    unsigned aif = imod ? 1 + rng_below(g, 7) : 0;
    unsigned mode = m ? valid_modes[rng_below(g, ARRAY_SIZE(valid_modes))] : 0;
    put_arm(tc, 0xf1000000 | imod << 18 | m << 17 | aif << 6 | mode);
}

static void gen_v7_setend(struct rng *g, struct test_case *tc)
{
    put_arm(tc, 0xf1010000 | rng_bit(g) << 9);
}

/*
 * BE-8 data (DDI 0406C A3.3.1): 2..SEQ_MAX instructions mixing SETEND
 * BE/LE with loads and stores of every size off one base register that
 * none of them writes: LDR/STR{B} (offsets need not be aligned, and may
 * cross into the scratch page's second half), LDRH/STRH/LDRSH/LDRSB,
 * LDRD/STRD, LDM/STM without writeback, and LDREX/STREX pairs. CPSR.E
 * flips mid-sequence, so armhv's executor must stop using the fast-path
 * translations it filled while E was 0, and start again afterwards. No
 * SETEND between an LDREX and its STREX: QEMU's STREX compares the data
 * it loaded, in the endianness of each access, where the ARM ARM monitor
 * compares only the address.
 */
static void gen_v7_endian_seq(struct rng *g, struct test_case *tc)
{
    unsigned n = 2 + rng_below(g, SEQ_MAX - 1), i = 0;
    unsigned rb = pick_reg(g, REGS_NOPC);
    uint32_t others = REGS_NOPC & ~REG_BIT(rb);
    uint32_t prog[SEQ_MAX];
    tc->init.r[rb] = SCRATCH_BASE + 0x100 + (rng_below(g, SCRATCH_SIZE - 0x200) & ~7u);
    while (i < n) {
        uint32_t cond = arm_cond(g), u = rng_bit(g), l = rng_bit(g);
        unsigned rt = pick_reg(g, others);
        switch (rng_below(g, 7)) {
        case 0:     /* setend be/le */
            prog[i++] = 0xf1010000 | rng_bit(g) << 9;
            break;
        case 1: {   /* ldr/str{b} rt, [rb, #+-imm12] */
            uint32_t imm = rng_below(g, 0x100);
            prog[i++] = cond | 0x05000000 | u << 23 | rng_bit(g) << 22 | l << 20 | rb << 16 |
                        rt << 12 | imm;
            break;
        }
        case 2: {   /* ldrh/strh/ldrsh/ldrsb rt, [rb, #+-imm8] */
            static const uint32_t ops[] = { 0xb0, 0xb0, 0xf0, 0xd0 };
            unsigned k = rng_below(g, 4);
            uint32_t imm = rng_below(g, 0x100);
            prog[i++] = cond | 0x01400000 | ops[k] | u << 23 | (k ? 1u : l) << 20 | rb << 16 |
                        rt << 12 | (imm >> 4) << 8 | (imm & 0xf);
            break;
        }
        case 3: {   /* ldrd/strd rt, rt+1, [rb, #+-imm8], word-aligned */
            unsigned rp = pick_pair(g, REG_BIT(rb));
            uint32_t imm = rng_below(g, 0x100) & ~3u;
            prog[i++] = cond | 0x014000d0 | (l ? 0u : 0x20u) | u << 23 | rb << 16 | rp << 12 |
                        (imm >> 4) << 8 | (imm & 0xf);
            break;
        }
        case 4: {   /* ldm/stm{ia,ib,da,db} rb, {list without rb} */
            uint32_t list = rng_u32(g) & others & 0x7fffu;
            if (!list)
                list = REG_BIT(rt);
            prog[i++] = cond | 0x08000000 | rng_bit(g) << 24 | u << 23 | l << 20 | rb << 16 |
                        list;
            break;
        }
        default: {  /* ldrex{b,h,d}; strex{b,h,d} at rb, as a pair */
            static const unsigned sizes[] = { 4, 8, 1, 2 };    /* by bits 22:21 */
            unsigned k = rng_below(g, 4);
            bool dual = sizes[k] == 8;
            if (i + 2 > n)
                break;
            unsigned lt = dual ? pick_pair(g, REG_BIT(rb)) : rt;
            unsigned rs = dual ? pick_pair(g, 0) : pick_reg(g, REGS_NOPC);
            uint32_t busy = REG_BIT(rb) | REG_BIT(rs) | (dual ? REG_BIT(rs + 1) : 0);
            unsigned rd = pick_reg(g, REGS_NOPC & ~busy);
            prog[i++] = 0xe1900f9f | k << 21 | rb << 16 | lt << 12;
            prog[i++] = 0xe1800f90 | k << 21 | rb << 16 | rd << 12 | rs;
            break;
        }
        }
    }
    memcpy(tc->code, prog, 4 * n);
    tc->len = 4 * n;
    tc->steps = n;
}

static unsigned bank_index(uint32_t mode)
{
    for (unsigned b = 0; b < BM_COUNT; b++)
        if (bank_mode[b] == mode)
            return b;
    return BM_USR;   /* System mode shares User's bank */
}

/* SRS{DA,IA,DB,IB} SP{!}, #mode to the stack of a non-Hyp, non-Monitor mode. */
static void gen_v7_srs(struct rng *g, struct test_case *tc)
{
    static const int lowest_off[4] = { -4, 0, -8, 4 };   /* DA, IA, DB, IB by P:U */
    unsigned pu = rng_below(g, 4), w = rng_bit(g);
    uint32_t mode = valid_modes[rng_below(g, ARRAY_SIZE(valid_modes))];
    uint32_t lowest = scratch_addr(g, 8, 4);
    uint32_t sp = lowest - (uint32_t)lowest_off[pu];
    uint32_t cur = tc->init.cpsr & PSR_M_MASK;
    if (bank_index(mode) == bank_index(cur))
        tc->init.r[13] = sp;
    else
        tc->banks.r13[bank_index(mode)] = sp;
    put_arm(tc, 0xf84d0500 | pu << 23 | w << 21 | mode);
}

/* RFE{DA,IA,DB,IB} Rn{!}: PC and CPSR from the scratch page. */
static void gen_v7_rfe(struct rng *g, struct test_case *tc)
{
    static const int lowest_off[4] = { -4, 0, -8, 4 };
    unsigned pu = rng_below(g, 4), w = rng_bit(g);
    unsigned rn = pick_reg(g, REGS_NOPC);
    uint32_t lowest = scratch_addr(g, 8, 4);
    uint32_t psr = random_psr(g, true) | random_psr_v7_extra(g);
    tc->init.r[rn] = lowest - (uint32_t)lowest_off[pu];
    add_poke(tc, lowest, (psr & PSR_T) ? code_target(g, 2) : code_target(g, 4));
    add_poke(tc, lowest + 4, psr);
    put_arm(tc, 0xf8100a00 | pu << 23 | w << 21 | rn << 16);
}

/* MRS/MSR (banked register) to the registers of the modes both sides
 * model (not Monitor or Hyp), from any mode: the forbidden combinations
 * UNDEF on both. */
static void gen_v7_banked(struct rng *g, struct test_case *tc)
{
    static const uint8_t sysm_r0[] = { 0, 1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12, 13, 14,
                                       16, 17, 18, 19, 20, 21, 22, 23 };
    static const uint8_t sysm_r1[] = { 14, 16, 18, 20, 22 };
    unsigned r = rng_below(g, 4) == 0;
    unsigned sysm = r ? sysm_r1[rng_below(g, ARRAY_SIZE(sysm_r1))]
                      : sysm_r0[rng_below(g, ARRAY_SIZE(sysm_r0))];
    unsigned reg = pick_reg(g, REGS_NOPC);
    uint32_t fields = r << 22 | (sysm & 15) << 16 | (sysm >> 4) << 8;
    if (rng_bit(g))
        put_arm(tc, arm_cond(g) | 0x01000200 | fields | reg << 12);
    else
        put_arm(tc, arm_cond(g) | 0x0120f200 | fields | reg);
}

/* ERET from a mode with an SPSR: SUBS PC, LR, #0 in effect. */
static void gen_v7_eret(struct rng *g, struct test_case *tc)
{
    tc->init.spsr = random_psr(g, true) | random_psr_v7_extra(g);
    tc->init.r[14] = (tc->init.spsr & PSR_T) ? code_target(g, 2) : code_target(g, 4);
    put_arm(tc, arm_cond(g) | 0x0160006e);
}

/* ALU writes to the PC interwork on ARMv7 (A2.3.1 ALUWritePC). */
static void gen_v7_dp_pc(struct rng *g, struct test_case *tc)
{
    static const unsigned ops[] = { OP_MOV, OP_ADD, OP_SUB, OP_EOR, OP_ORR };
    unsigned op = ops[rng_below(g, ARRAY_SIZE(ops))];
    unsigned rn = op == OP_MOV ? 0 : pick_reg(g, REGS_NOPC);
    unsigned rm = pick_reg(g, REGS_NOPC & ~REG_BIT(rn));
    uint32_t target = interwork_target(g);
    uint32_t m = op == OP_MOV ? target : rng_value(g);
    tc->init.r[rm] = m;
    if (op == OP_ADD)
        tc->init.r[rn] = target - m;
    else if (op == OP_SUB)
        tc->init.r[rn] = target + m;
    else if (op == OP_EOR)
        tc->init.r[rn] = target ^ m;
    else if (op == OP_ORR)
        tc->init.r[rn] = target;    /* target | (target & m) */
    if (op == OP_ORR)
        tc->init.r[rm] = target & m;
    put_arm(tc, dp_encode(arm_cond(g), op, 0, rn, 15) | rm);
}

/* Hints and barriers that complete at once on both sides. */
static void gen_v7_hints(struct rng *g, struct test_case *tc)
{
    static const uint32_t hints[] = {
        0xe320f000, /* nop */
        0xe320f004, /* sev */
        0xe320f0f0, /* dbg #0 */
        0xf57ff040, /* dsb */
        0xf57ff050, /* dmb */
        0xf57ff060, /* isb */
        0xf57ff01f, /* clrex */
        0xf5d0f000, /* pld */
        0xf590f000, /* pldw */
        0xf4d0f000, /* pli */
        0xf4100000, /* unallocated memory hint (MP Extensions): NOP */
        0xf6100000, /* the same, register form */
    };
    uint32_t insn = hints[rng_below(g, ARRAY_SIZE(hints))];
    if ((insn >> 28) == 0xe) {
        insn = arm_cond(g) | (insn & 0x0fffffffu);
        if ((insn & 0xf0) == 0xf0)
            insn |= rng_below(g, 16);
    } else if ((insn & 0xfff00000u) == 0xf5700000u) {
        if ((insn & 0xf0) != 0x10)
            insn |= rng_below(g, 16);
    } else {
        unsigned rn = pick_reg(g, REGS_NOPC);
        tc->init.r[rn] = scratch_addr(g, 4, 1);
        insn = (insn & ~(1u << 23)) | rng_bit(g) << 23 | rn << 16 | rng_below(g, 4096);
        if ((insn & 0xff100000u) == 0xf6100000u)
            insn &= ~0x10u;   /* register form: bit 4 = 0 */
        else if ((insn & 0xff700000u) == 0xf4100000u)
            insn |= rng_u32(g) & 0xf000u;
    }
    put_arm(tc, insn);
}

/* Encodings an ARMv7 core UNDEFs too: media holes, UDF, impossible
 * bitfields, exclusives with forbidden registers. */
static void gen_v7_undef(struct rng *g, struct test_case *tc)
{
    uint32_t regs = rng_u32(g) & 0x000ff00fu;
    switch (rng_below(g, 7)) {
    case 6: { /* the cond = 1111 coprocessor forms of cp10, cp11, cp14, cp15 */
        static const uint32_t forms[] = {
            0xfe000010, /* mcr2 */
            0xfe100010, /* mrc2 */
            0xfe000000, /* cdp2 */
            0xfc400000, /* mcrr2 */
            0xfc500000, /* mrrc2 */
            0xfd800000, /* stc2 */
            0xfd900000, /* ldc2 */
        };
        static const unsigned cps[] = { 10, 11, 14, 15 };
        uint32_t form = forms[rng_below(g, ARRAY_SIZE(forms))];
        uint32_t fields = form >= 0xfe000000u ? (rng_u32(g) & 0x00eff0efu)
                                              : (rng_u32(g) & 0x002ff0ffu);
        put_arm(tc, form | fields | cps[rng_below(g, 4)] << 8);
        break;
    }
    case 0: /* parallel add/subtract, op1 = 00 or op2 = 101/110 */
        if (rng_bit(g))
            put_arm(tc, 0xe6000f10 | rng_bit(g) << 22 | (rng_u32(g) & 0x7u) << 5 |
                        (regs & 0x000ff00fu));
        else
            put_arm(tc, 0xe6000f10 | rng_bit(g) << 22 | (1 + rng_below(g, 3)) << 20 |
                        (5 + rng_bit(g)) << 5 | regs);
        break;
    case 1: /* UDF */
        put_arm(tc, 0xe7f000f0 | (rng_u32(g) & 0x000fff0fu));
        break;
    case 2: { /* BFI/BFC with msb < lsb */
        unsigned lsb = 1 + rng_below(g, 31);
        put_arm(tc, 0xe7c00010 | rng_below(g, lsb) << 16 | pick_reg(g, REGS_NOPC) << 12 |
                    lsb << 7 | pick_reg(g, REGS_ALL));
        break;
    }
    case 3: { /* SBFX/UBFX running past bit 31 */
        unsigned lsb = 1 + rng_below(g, 31);
        unsigned widthm1 = 32 - lsb + rng_below(g, lsb);
        put_arm(tc, 0xe7a00050 | rng_bit(g) << 22 | widthm1 << 16 | lsb << 7 |
                    pick_reg(g, REGS_NOPC) << 12 | pick_reg(g, REGS_NOPC));
        break;
    }
    case 4: { /* STREX with Rd = Rn or Rd = Rt */
        unsigned rn = pick_reg(g, REGS_NOPC), rt = pick_reg(g, REGS_NOPC);
        unsigned rd = rng_bit(g) ? rn : rt;
        put_arm(tc, 0xe1800f90 | rng_below(g, 4) << 21 | rn << 16 | rd << 12 | rt);
        break;
    }
    default: { /* LDREXD/STREXD with an odd Rt */
        unsigned rn = pick_reg(g, REGS_NOPC), rt = 2 * rng_below(g, 7) + 1;
        if (rng_bit(g))
            put_arm(tc, 0xe1b00f9f | rn << 16 | rt << 12);
        else
            put_arm(tc, 0xe1a00f90 | rn << 16 | pick_reg(g, REGS_NOPC & ~REG_BIT(rn)) << 12 | rt);
        break;
    }
    }
}

/* ---- the class table ---- */

#define ARM_CLASSES(X) \
    X(arm_dp_imm,        "dp-imm",         8, CF_ANYMODE) \
    X(arm_dp_shift_imm,  "dp-shift-imm",   8, CF_ANYMODE) \
    X(arm_dp_shift_reg,  "dp-shift-reg",   8, CF_ANYMODE) \
    X(arm_dp_pc,         "dp-pc",          2, CF_ANYMODE) \
    X(arm_dp_excret,     "dp-excret",      2, CF_PRIV | CF_BANKS) \
    X(arm_mul,           "mul",            5, CF_ANYMODE) \
    X(arm_dsp,           "dsp",            5, CF_ANYMODE) \
    X(arm_ldst_imm,      "ldst-imm",       6, CF_ANYMODE | CF_MEM) \
    X(arm_ldst_reg,      "ldst-reg",       6, CF_ANYMODE | CF_MEM) \
    X(arm_ldst_half,     "ldst-half",      5, CF_ANYMODE | CF_MEM) \
    X(arm_ldrd_strd,     "ldrd-strd",      3, CF_ANYMODE | CF_MEM) \
    X(arm_ldr_pc,        "ldr-pc",         2, CF_ANYMODE | CF_MEM) \
    X(arm_ldm_stm,       "ldm-stm",        5, CF_ANYMODE | CF_MEM) \
    X(arm_ldm_pc,        "ldm-pc",         2, CF_ANYMODE | CF_MEM) \
    X(arm_ldm_user,      "ldm-stm-user",   2, CF_PRIV | CF_MEM | CF_BANKS) \
    X(arm_swp,           "swp",            2, CF_ANYMODE | CF_MEM) \
    X(arm_branch,        "b-bl",           3, CF_ANYMODE) \
    X(arm_bx,            "bx-blx-bxj",     3, CF_ANYMODE) \
    X(arm_blx_imm,       "blx-imm",        1, CF_ANYMODE) \
    X(arm_msr_mrs,       "msr-mrs",        3, CF_ANYMODE | CF_BANKS) \
    X(arm_cp15_id,       "mrc-p15-id",     1, 0) \
    X(arm_svc_bkpt,      "svc-bkpt",       1, CF_ANYMODE) \
    X(arm_undef,         "undef-v6",       2, CF_ANYMODE) \
    X(arm_pld,           "pld",            1, CF_ANYMODE)

#define THUMB_CLASSES(X) \
    X(t_shift_imm,       "t-shift-imm",    4, CF_ANYMODE) \
    X(t_addsub,          "t-addsub",       4, CF_ANYMODE) \
    X(t_imm8,            "t-imm8",         4, CF_ANYMODE) \
    X(t_alu,             "t-alu",          8, CF_ANYMODE) \
    X(t_hireg,           "t-hireg",        4, CF_ANYMODE) \
    X(t_bx,              "t-bx-blx",       2, CF_ANYMODE) \
    X(t_ldr_lit,         "t-ldr-lit",      2, CF_ANYMODE) \
    X(t_ldst_reg,        "t-ldst-reg",     5, CF_ANYMODE | CF_MEM) \
    X(t_ldst_imm,        "t-ldst-imm",     5, CF_ANYMODE | CF_MEM) \
    X(t_ldst_sp,         "t-ldst-sp",      2, CF_ANYMODE | CF_MEM) \
    X(t_addpcsp,         "t-add-pc-sp",    2, CF_ANYMODE) \
    X(t_push_pop,        "t-push-pop",     3, CF_ANYMODE | CF_MEM) \
    X(t_ldm_stm,         "t-ldmia-stmia",  3, CF_ANYMODE | CF_MEM) \
    X(t_bcond,           "t-bcond",        3, CF_ANYMODE) \
    X(t_b,               "t-b",            1, CF_ANYMODE) \
    X(t_bl_pair,         "t-bl-pair",      2, CF_ANYMODE) \
    X(t_bl_suffix,       "t-bl-suffix",    1, CF_ANYMODE) \
    X(t_bl_prefix,       "t-bl-prefix",    1, CF_ANYMODE) \
    X(t_svc_bkpt,        "t-svc-bkpt",     1, CF_ANYMODE) \
    X(t_undef,           "t-undef-v6",     1, CF_ANYMODE)

/*
 * The Cortex-A15 set: the ARMv5 classes whose meaning ARMv7 keeps (not the
 * ARMv5-only undef-v6, nor mrc-p15-id: the two models' MIDRs differ), the
 * ARMv7 interworking ALU write to the PC, and the ARMv6+ additions.
 */
#define A15_CLASSES(X) \
    X(arm_dp_imm,        "dp-imm",         4, CF_ANYMODE) \
    X(arm_dp_shift_imm,  "dp-shift-imm",   4, CF_ANYMODE) \
    X(arm_dp_shift_reg,  "dp-shift-reg",   3, CF_ANYMODE) \
    X(arm_dp_pc,         "dp-pc",          1, CF_ANYMODE) \
    X(v7_dp_pc,          "v7-dp-pc-bx",    2, CF_ANYMODE) \
    X(arm_dp_excret,     "dp-excret",      1, CF_PRIV | CF_BANKS) \
    X(arm_mul,           "mul",            2, CF_ANYMODE) \
    X(arm_dsp,           "dsp",            2, CF_ANYMODE) \
    X(arm_ldst_imm,      "ldst-imm",       3, CF_ANYMODE | CF_MEM) \
    X(arm_ldst_reg,      "ldst-reg",       3, CF_ANYMODE | CF_MEM) \
    X(arm_ldst_half,     "ldst-half",      2, CF_ANYMODE | CF_MEM) \
    X(arm_ldrd_strd,     "ldrd-strd",      2, CF_ANYMODE | CF_MEM) \
    X(arm_ldr_pc,        "ldr-pc",         1, CF_ANYMODE | CF_MEM) \
    X(arm_ldm_stm,       "ldm-stm",        3, CF_ANYMODE | CF_MEM) \
    X(arm_ldm_pc,        "ldm-pc",         1, CF_ANYMODE | CF_MEM) \
    X(arm_ldm_user,      "ldm-stm-user",   1, CF_PRIV | CF_MEM | CF_BANKS) \
    X(arm_swp,           "swp",            1, CF_ANYMODE | CF_MEM) \
    X(arm_branch,        "b-bl",           1, CF_ANYMODE) \
    X(arm_bx,            "bx-blx-bxj",     2, CF_ANYMODE) \
    X(arm_blx_imm,       "blx-imm",        1, CF_ANYMODE) \
    X(arm_msr_mrs,       "msr-mrs",        2, CF_ANYMODE | CF_BANKS) \
    X(arm_svc_bkpt,      "svc-bkpt",       1, CF_ANYMODE) \
    X(arm_pld,           "pld",            1, CF_ANYMODE) \
    X(v7_movw_movt,      "movw-movt",      4, CF_ANYMODE) \
    X(v7_parallel,       "parallel",       8, CF_ANYMODE) \
    X(v7_sel,            "sel",            3, CF_ANYMODE) \
    X(v7_sat,            "sat",            4, CF_ANYMODE) \
    X(v7_extend,         "extend",         4, CF_ANYMODE) \
    X(v7_rev_pkh,        "rev-pkh",        3, CF_ANYMODE) \
    X(v7_media_mul,      "media-mul",      5, CF_ANYMODE) \
    X(v7_div,            "sdiv-udiv",      3, CF_ANYMODE) \
    X(v7_bitfield,       "bitfield",       4, CF_ANYMODE) \
    X(v7_umaal_mls,      "umaal-mls",      2, CF_ANYMODE) \
    X(v7_exclusive,      "exclusive",      5, CF_ANYMODE | CF_MEM) \
    X(v7_cps,            "cps",            2, CF_ANYMODE | CF_BANKS) \
    X(v7_setend,         "setend",         1, CF_ANYMODE) \
    X(v7_endian_seq,     "endian-seq",     3, CF_ANYMODE | CF_MEM) \
    X(v7_srs,            "srs",            2, CF_ANYMODE | CF_MEM | CF_BANKS) \
    X(v7_rfe,            "rfe",            2, CF_ANYMODE | CF_MEM | CF_BANKS) \
    X(v7_banked,         "mrs-msr-banked", 3, CF_ANYMODE | CF_BANKS) \
    X(v7_eret,           "eret",           1, CF_PRIV | CF_BANKS) \
    X(v7_hints,          "hints-barriers", 2, CF_ANYMODE) \
    X(v7_undef,          "undef-v7",       2, CF_ANYMODE)

#define CLASS_ARM(fn, name, weight, flags) { name, false, weight, flags, gen_##fn },
#define CLASS_THUMB(fn, name, weight, flags) { name, true, weight, flags, gen_##fn },

static const struct insn_class arm_classes[] = { ARM_CLASSES(CLASS_ARM) };
static const struct insn_class thumb_classes[] = { THUMB_CLASSES(CLASS_THUMB) };
static const struct insn_class a15_classes[] = { A15_CLASSES(CLASS_ARM) };

/* The t2 set: Thumb-2 on both Cortex-A15s (its templates and classes). */
#include "tests/diff/unicorn_diff_thumb2.h"
/* The vfp, fp-misc, neon and neon-ldst sets, also on the Cortex-A15s. */
#include "tests/diff/unicorn_diff_vfp.h"

enum { SET_ARM, SET_THUMB, SET_SEQ, SET_A15, SET_T2, SET_VFP, SET_FP_MISC, SET_NEON,
       SET_NEON_LDST, SET_COUNT };
static const char *const set_name[SET_COUNT] = { "arm", "thumb", "seq", "a15", "t2", "vfp",
                                                 "fp-misc", "neon", "neon-ldst" };

/* The sets that run on the Cortex-A15 pair. */
static bool set_is_v7(unsigned set)
{
    return set == SET_A15 || set == SET_T2 || set >= SET_VFP;
}
#define MAX_CLASSES 64

static const struct insn_class *set_classes(unsigned set, unsigned *count)
{
    static const struct insn_class seq_classes[] = {
        { "seq-arm", false, 3, CF_ANYMODE | CF_MEM, gen_seq_arm },
        { "seq-arm-smc", false, 1, CF_ANYMODE | CF_MEM, gen_seq_arm_smc },
        { "seq-thumb", true, 3, CF_ANYMODE | CF_MEM, gen_seq_thumb },
        { "seq-thumb-smc", true, 1, CF_ANYMODE | CF_MEM, gen_seq_thumb_smc },
        { "seq-arm-repatch", false, 1, CF_ANYMODE | CF_MEM, gen_repatch },
        { "seq-thumb-repatch", true, 1, CF_ANYMODE | CF_MEM, gen_repatch },
    };
    switch (set) {
    case SET_ARM:
        *count = ARRAY_SIZE(arm_classes);
        return arm_classes;
    case SET_THUMB:
        *count = ARRAY_SIZE(thumb_classes);
        return thumb_classes;
    case SET_A15:
        *count = ARRAY_SIZE(a15_classes);
        return a15_classes;
    case SET_T2:
        *count = ARRAY_SIZE(t2_classes);
        return t2_classes;
    case SET_VFP:
        *count = ARRAY_SIZE(vfp_classes);
        return vfp_classes;
    case SET_FP_MISC:
        *count = ARRAY_SIZE(fp_misc_classes);
        return fp_misc_classes;
    case SET_NEON:
        *count = ARRAY_SIZE(neon_classes);
        return neon_classes;
    case SET_NEON_LDST:
        *count = ARRAY_SIZE(neon_ldst_classes);
        return neon_ldst_classes;
    default:
        *count = ARRAY_SIZE(seq_classes);
        return seq_classes;
    }
}

static unsigned pick_class(struct rng *g, const struct insn_class *cls, unsigned n)
{
    unsigned total = 0;
    for (unsigned i = 0; i < n; i++)
        total += cls[i].weight;
    unsigned k = rng_below(g, total);
    for (unsigned i = 0; i < n; i++) {
        if (k < cls[i].weight)
            return i;
        k -= cls[i].weight;
    }
    return 0;
}

static uint64_t case_seed(uint64_t seed, unsigned set, unsigned index)
{
    return splitmix64(seed * 0x100000001b3ull ^ (uint64_t)set << 40 ^ index);
}

/* Builds case (set, index) of the run; returns the class index. */
static unsigned make_case(uint64_t seed, unsigned set, unsigned index, struct test_case *tc)
{
    struct rng g;
    unsigned ncls;
    const struct insn_class *classes = set_classes(set, &ncls);

    memset(tc, 0, sizeof(*tc));
    tc->seed = case_seed(seed, set, index);
    tc->index = index;
    rng_seed(&g, tc->seed);
    unsigned ci = pick_class(&g, classes, ncls);
    const struct insn_class *cls = &classes[ci];
    tc->cls = cls;
    tc->thumb = cls->thumb;
    tc->addr = (cls->thumb && rng_bit(&g)) ? CASE_ADDR + 2 : CASE_ADDR;

    for (unsigned r = 0; r < 15; r++)
        tc->init.r[r] = rng_value(&g);
    uint32_t mode = MODE_SVC;
    if (cls->flags & CF_PRIV)
        mode = random_priv_mode(&g);
    else if ((cls->flags & CF_ANYMODE) && rng_bit(&g))
        mode = valid_modes[rng_below(&g, ARRAY_SIZE(valid_modes))];
    tc->init.cpsr = (random_psr(&g, false) & ~PSR_M_MASK) | mode | (tc->thumb ? PSR_T : 0);
    tc->init.spsr = random_psr(&g, true);
    tc->cpsr_mask = CPSR_CMP_MASK;
    if (set_is_v7(set)) {
        tc->init.cpsr |= random_psr_v7_extra(&g);
        tc->cpsr_mask |= PSR_GE_MASK | PSR_A | PSR_E;
    }
    if (cls->flags & CF_FP)
        fp_random_state(&g, &tc->fp);
    if (set == SET_T2 || (cls->flags & CF_IT))
        tc->cpsr_mask |= PSR_IT_LO_MASK | PSR_IT_HI_MASK;
    if (cls->flags & CF_BANKS) {
        for (unsigned i = 0; i < 5; i++) {
            tc->banks.usr_hi[i] = rng_value(&g);
            tc->banks.fiq_hi[i] = rng_value(&g);
        }
        for (unsigned b = 0; b < BM_COUNT; b++) {
            tc->banks.r13[b] = rng_value(&g);
            tc->banks.r14[b] = rng_value(&g);
            tc->banks.spsr[b] = random_psr(&g, true);
        }
    }
    cls->gen(&g, tc);
    if (set_is_v7(set)) {
        /* after the generator, which may have picked its own SPSRs */
        tc->init.spsr |= random_psr_v7_extra(&g);
        for (unsigned b = 0; b < BM_COUNT; b++)
            tc->banks.spsr[b] |= random_psr_v7_extra(&g);
    }
    tc->init.r[15] = tc->addr;
    /*
     * What follows the instruction must be harmless: with count = 1,
     * unicorn 2.0.1 still raises UNDEFINED for an undefined encoding that
     * follows in the same translation block, and reports
     * UC_ERR_INSN_INVALID after the instruction under test completed.
     * "b ." (in the case's instruction set) ends the block.
     */
    static const uint32_t arm_trailer = 0xeafffffe;
    static const uint16_t thumb_trailer[2] = { 0xe7fe, 0xe7fe };
    memcpy(tc->code + tc->len, tc->thumb ? (const void *)thumb_trailer : &arm_trailer,
           TRAILER_LEN);
    return ci;
}

/* ================= the two emulators ================= */

enum exc_kind { EXK_NONE, EXK_UNDEF, EXK_SVC, EXK_PABT, EXK_DABT, EXK_OTHER };
static const char *const exc_name[] = {
    "none", "undefined", "svc", "prefetch-abort (bkpt)", "data-abort", "other",
};

struct outcome {
    struct state st;
    struct fp_state fp;            /* CF_FP */
    struct banks banks;
    enum exc_kind exc;
    const char *error;             /* harness-level failure */
    uint8_t scratch[SCRATCH_SIZE];
    uint8_t code[4096];
};

/*
 * libunicorn is loaded with dlmopen() into a link namespace of its own and
 * called through this table. It exports thousands of QEMU-internal names
 * (cpu_reset, mmu_translate, cpu_exit, ...); linked normally, the
 * executable's armhv functions of the same names would interpose on
 * unicorn's internal calls (ELF symbol interposition) and crash it.
 */
struct uc_api {
    void *lib;
    uc_err (*open)(uc_arch arch, uc_mode mode, uc_engine **uc);
    uc_err (*close)(uc_engine *uc);
    uc_err (*ctl)(uc_engine *uc, uc_control_type control, ...);
    const char *(*strerror)(uc_err code);
    uc_err (*reg_write)(uc_engine *uc, int regid, const void *value);
    uc_err (*reg_read)(uc_engine *uc, int regid, void *value);
    uc_err (*mem_write)(uc_engine *uc, uint64_t address, const void *bytes, size_t size);
    uc_err (*mem_read)(uc_engine *uc, uint64_t address, void *bytes, size_t size);
    uc_err (*mem_map)(uc_engine *uc, uint64_t address, size_t size, uint32_t perms);
    uc_err (*emu_start)(uc_engine *uc, uint64_t begin, uint64_t until, uint64_t timeout,
                        size_t count);
    uc_err (*emu_stop)(uc_engine *uc);
    uc_err (*hook_add)(uc_engine *uc, uc_hook *hh, int type, void *callback, void *user_data,
                       uint64_t begin, uint64_t end, ...);
};

static int uc_api_load(struct uc_api *api)
{
    static const char *const names[] = { "libunicorn.so.2", "libunicorn.so" };
    static const struct {
        const char *name;
        size_t offset;
    } syms[] = {
        { "uc_open", offsetof(struct uc_api, open) },
        { "uc_close", offsetof(struct uc_api, close) },
        { "uc_ctl", offsetof(struct uc_api, ctl) },
        { "uc_strerror", offsetof(struct uc_api, strerror) },
        { "uc_reg_write", offsetof(struct uc_api, reg_write) },
        { "uc_reg_read", offsetof(struct uc_api, reg_read) },
        { "uc_mem_write", offsetof(struct uc_api, mem_write) },
        { "uc_mem_read", offsetof(struct uc_api, mem_read) },
        { "uc_mem_map", offsetof(struct uc_api, mem_map) },
        { "uc_emu_start", offsetof(struct uc_api, emu_start) },
        { "uc_emu_stop", offsetof(struct uc_api, emu_stop) },
        { "uc_hook_add", offsetof(struct uc_api, hook_add) },
    };
    memset(api, 0, sizeof(*api));
    for (size_t i = 0; i < ARRAY_SIZE(names) && !api->lib; i++)
        api->lib = dlmopen(LM_ID_NEWLM, names[i], RTLD_NOW | RTLD_LOCAL);
    if (!api->lib) {
        fprintf(stderr, "unicorn-diff: cannot load libunicorn: %s\n", dlerror());
        return -1;
    }
    for (size_t i = 0; i < ARRAY_SIZE(syms); i++) {
        void *sym = dlsym(api->lib, syms[i].name);
        if (!sym) {
            fprintf(stderr, "unicorn-diff: libunicorn lacks %s\n", syms[i].name);
            return -1;
        }
        /* POSIX guarantees a function pointer survives this round trip */
        memcpy((char *)api + syms[i].offset, &sym, sizeof(sym));
    }
    return 0;
}

struct uc_side {
    struct uc_api api;
    uc_engine *uc;
    int intno;
};

struct harness {
    struct uc_side u;
    bool has_fp;                   /* the Cortex-A15 pair: FPU state set per case */
    struct cpu_fixture *f;
    csh cs[2];                     /* capstone ARM, Thumb */
    bool have_cs;
    uint8_t *image;                /* pristine RAM contents */
    bool verbose;
};

static const int uc_gpr[16] = {
    UC_ARM_REG_R0, UC_ARM_REG_R1, UC_ARM_REG_R2, UC_ARM_REG_R3, UC_ARM_REG_R4,
    UC_ARM_REG_R5, UC_ARM_REG_R6, UC_ARM_REG_R7, UC_ARM_REG_R8, UC_ARM_REG_R9,
    UC_ARM_REG_R10, UC_ARM_REG_R11, UC_ARM_REG_R12, UC_ARM_REG_R13, UC_ARM_REG_R14,
    UC_ARM_REG_R15,
};

static void uc_set(struct uc_side *u, int reg, uint32_t value)
{
    u->api.reg_write(u->uc, reg, &value);
}

static uint32_t uc_get(struct uc_side *u, int reg)
{
    uint32_t value = 0;
    u->api.reg_read(u->uc, reg, &value);
    return value;
}

/* Writes guest memory and drops translations of it (unicorn does not
 * notice code changed behind its back). */
static void uc_put_mem(struct uc_side *u, uint32_t addr, const void *buf, size_t len)
{
    u->api.mem_write(u->uc, addr, buf, len);
    u->api.ctl(u->uc, UC_CTL_WRITE(UC_CTL_TB_REMOVE_CACHE, 2), (uint64_t)addr,
               (uint64_t)addr + len);
}

static void uc_hook_intr_cb(uc_engine *uc, uint32_t intno, void *opaque)
{
    struct uc_side *u = opaque;
    u->intno = (int)intno;
    u->api.emu_stop(uc);
}

/* Every mode's banked registers, written mode by mode through the CPSR. */
static void uc_put_banks(struct uc_side *u, const struct banks *b)
{
    for (unsigned m = 0; m < BM_COUNT; m++) {
        uc_set(u, UC_ARM_REG_CPSR, bank_mode[m] | PSR_I | PSR_F);
        uc_set(u, UC_ARM_REG_R13, b->r13[m]);
        uc_set(u, UC_ARM_REG_R14, b->r14[m]);
        if (m != BM_USR)
            uc_set(u, UC_ARM_REG_SPSR, b->spsr[m]);
        if (m == BM_USR || m == BM_FIQ)
            for (unsigned i = 0; i < 5; i++)
                uc_set(u, uc_gpr[8 + i], m == BM_USR ? b->usr_hi[i] : b->fiq_hi[i]);
    }
}

static void uc_get_banks(struct uc_side *u, struct banks *b)
{
    for (unsigned m = 0; m < BM_COUNT; m++) {
        uc_set(u, UC_ARM_REG_CPSR, bank_mode[m] | PSR_I | PSR_F);
        b->r13[m] = uc_get(u, UC_ARM_REG_R13);
        b->r14[m] = uc_get(u, UC_ARM_REG_R14);
        b->spsr[m] = m == BM_USR ? 0 : uc_get(u, UC_ARM_REG_SPSR);
        if (m == BM_USR || m == BM_FIQ)
            for (unsigned i = 0; i < 5; i++)
                (m == BM_USR ? b->usr_hi : b->fiq_hi)[i] = uc_get(u, uc_gpr[8 + i]);
    }
}

static void hv_put_banks(struct arm_cpu *cpu, const struct banks *b)
{
    for (unsigned m = 0; m < BM_COUNT; m++) {
        cpu_set_cpsr(cpu, bank_mode[m] | PSR_I | PSR_F, PSR_M_MASK | PSR_I | PSR_F | PSR_T);
        cpu->r[13] = b->r13[m];
        cpu->r[14] = b->r14[m];
        if (m != BM_USR)
            cpu->spsr = b->spsr[m];
        if (m == BM_USR || m == BM_FIQ)
            memcpy(&cpu->r[8], m == BM_USR ? b->usr_hi : b->fiq_hi, 5 * sizeof(uint32_t));
    }
}

static void hv_get_banks(struct arm_cpu *cpu, struct banks *b)
{
    for (unsigned m = 0; m < BM_COUNT; m++) {
        cpu_set_cpsr(cpu, bank_mode[m] | PSR_I | PSR_F, PSR_M_MASK | PSR_I | PSR_F | PSR_T);
        b->r13[m] = cpu->r[13];
        b->r14[m] = cpu->r[14];
        b->spsr[m] = m == BM_USR ? 0 : cpu->spsr;
        if (m == BM_USR || m == BM_FIQ)
            memcpy(m == BM_USR ? b->usr_hi : b->fiq_hi, &cpu->r[8], 5 * sizeof(uint32_t));
    }
}

/* Memory both emulators see: the scratch page (per case) and the pokes. */
static void fill_memory(struct harness *h, const struct test_case *tc)
{
    uint8_t buf[SCRATCH_SIZE];
    if (tc->cls->flags & CF_MEM) {
        struct rng g;
        rng_seed(&g, tc->seed ^ 0x5c5c5c5c5c5c5c5cull);
        for (unsigned i = 0; i < SCRATCH_SIZE; i += 4) {
            uint32_t v = rng_value(&g);
            memcpy(buf + i, &v, 4);
        }
        uc_put_mem(&h->u, SCRATCH_BASE, buf, SCRATCH_SIZE);
        aspace_write_bytes(&h->f->as, SCRATCH_BASE, buf, SCRATCH_SIZE);
    }
    for (unsigned i = 0; i < tc->npoke; i++) {
        uc_put_mem(&h->u, tc->poke[i].addr, &tc->poke[i].value, 4);
        aspace_write_bytes(&h->f->as, tc->poke[i].addr, &tc->poke[i].value, 4);
    }
}

/* Puts the code page back as it was (stores may have hit it). */
static void restore_code(struct harness *h, const struct test_case *tc)
{
    const uint8_t *page = h->image + CODE_PAGE;
    uc_put_mem(&h->u, CODE_PAGE, page, 4096);
    aspace_write_bytes(&h->f->as, CODE_PAGE, page, 4096);
    if (tc->addr + tc->len + 4 > CODE_PAGE + 4096) {
        uint32_t extra = CODE_PAGE + 4096;
        uc_put_mem(&h->u, extra, h->image + extra, 8);
        aspace_write_bytes(&h->f->as, extra, h->image + extra, 8);
    }
}

/*
 * The floating-point unit: the case's FPEXC, D0-D31 and FPSCR for CF_FP
 * cases, FPEXC.EN = 0 for the others (CPACR is set once, in
 * harness_init()). QEMU 5.0 reads FPEXC.EN when it looks up a
 * translation (cpu_get_tb_cpu_state), so no stale code survives the
 * switch.
 */
static void uc_put_fp(struct uc_side *u, const struct test_case *tc)
{
    bool fp = tc->cls->flags & CF_FP;
    uc_set(u, UC_ARM_REG_FPEXC, 0);
    if (!fp)
        return;
    for (unsigned i = 0; i < 32; i++)
        u->api.reg_write(u->uc, UC_ARM_REG_D0 + (int)i, &tc->fp.d[i]);
    uc_set(u, UC_ARM_REG_FPSCR, tc->fp.fpscr);
    uc_set(u, UC_ARM_REG_FPEXC, tc->fp.fpexc);
}

static void uc_get_fp(struct uc_side *u, struct fp_state *fp)
{
    for (unsigned i = 0; i < 32; i++) {
        fp->d[i] = 0;
        u->api.reg_read(u->uc, UC_ARM_REG_D0 + (int)i, &fp->d[i]);
    }
    fp->fpscr = uc_get(u, UC_ARM_REG_FPSCR);
    fp->fpexc = uc_get(u, UC_ARM_REG_FPEXC);
}

static void run_unicorn(struct harness *h, const struct test_case *tc, struct outcome *o)
{
    struct uc_side *u = &h->u;
    uint32_t cpsr = tc->init.cpsr & ~PSR_T;   /* the start address picks the state */

    if (tc->cls->flags & CF_BANKS)
        uc_put_banks(u, &tc->banks);
    if (h->has_fp)
        uc_put_fp(u, tc);
    uc_set(u, UC_ARM_REG_CPSR, cpsr);
    if (mode_has_spsr(cpsr))
        uc_set(u, UC_ARM_REG_SPSR, tc->init.spsr);
    for (unsigned r = 0; r < 15; r++)
        uc_set(u, uc_gpr[r], tc->init.r[r]);
    bool cpsr_taken = !((uc_get(u, UC_ARM_REG_CPSR) ^ cpsr) & tc->cpsr_mask);
    uc_put_mem(u, tc->addr, tc->code, tc->len + TRAILER_LEN);

    u->intno = -1;
    uc_err err = u->api.emu_start(u->uc, tc->addr | tc->thumb, UC_UNTIL, 0, tc->steps);

    for (unsigned r = 0; r < 16; r++)
        o->st.r[r] = uc_get(u, uc_gpr[r]);
    o->st.cpsr = uc_get(u, UC_ARM_REG_CPSR);
    o->st.spsr = mode_has_spsr(o->st.cpsr) ? uc_get(u, UC_ARM_REG_SPSR) : 0;
    o->exc = EXK_NONE;
    o->error = NULL;
    if (u->intno == UC_EXCP_SWI)
        o->exc = EXK_SVC;
    else if (u->intno == UC_EXCP_DATA_ABORT)
        o->exc = EXK_DABT;
    else if (u->intno == UC_EXCP_BKPT)
        o->exc = EXK_PABT;
    else if (u->intno >= 0)
        o->exc = EXK_OTHER;
    else if (err == UC_ERR_INSN_INVALID)
        o->exc = EXK_UNDEF;
    else if (err == UC_ERR_FETCH_UNMAPPED && o->st.r[15] != tc->addr)
        o->exc = EXK_NONE;  /* branched out of RAM; the instruction itself completed */
    else if (err != UC_ERR_OK)
        o->error = u->api.strerror(err);
    if (!cpsr_taken)
        o->error = "unicorn did not accept the initial CPSR";

    if (tc->cls->flags & CF_FP)
        uc_get_fp(u, &o->fp);
    if (tc->cls->flags & CF_BANKS)
        uc_get_banks(u, &o->banks);
    if (tc->cls->flags & CF_MEM) {
        u->api.mem_read(u->uc, SCRATCH_BASE, o->scratch, SCRATCH_SIZE);
        u->api.mem_read(u->uc, CODE_PAGE, o->code, sizeof(o->code));
    }
}

/*
 * unicorn 2.0.1 keeps its "inside an IT block" flag (uc->no_exit_request,
 * which disables the instruction-count stop) from the last Thumb
 * instruction it translated until it translates the next one, so a case
 * that ends its translation inside or right after an IT block (a branch,
 * an exception) would leave the next uc_emu_start() unable to stop after
 * count instructions. Translating a fresh Thumb NOP outside any block
 * clears it: a NOP; b . pair at IT_RESET_ADDR (outside the code and
 * scratch pages, restored afterwards) runs with count = 1.
 */
#define IT_RESET_ADDR 0x00006000u

static void uc_clear_it_quirk(struct harness *h)
{
    static const uint16_t nop_loop[2] = { 0xbf00, 0xe7fe };
    struct uc_side *u = &h->u;
    uc_set(u, UC_ARM_REG_CPSR, MODE_SVC | PSR_I | PSR_F);
    uc_put_mem(u, IT_RESET_ADDR, nop_loop, sizeof(nop_loop));
    u->api.emu_start(u->uc, IT_RESET_ADDR | 1, UC_UNTIL, 0, 1);
    uc_put_mem(u, IT_RESET_ADDR, h->image + IT_RESET_ADDR, sizeof(nop_loop));
}

static void run_armhv(struct harness *h, const struct test_case *tc, struct outcome *o)
{
    struct arm_cpu *cpu = &h->f->cpu;
    uint64_t before[EXC_COUNT];

    if (tc->cls->flags & CF_BANKS)
        hv_put_banks(cpu, &tc->banks);
    cpu_set_cpsr(cpu, tc->init.cpsr, 0xffffffffu);
    if (mode_has_spsr(tc->init.cpsr))
        cpu->spsr = tc->init.spsr;
    memcpy(cpu->r, tc->init.r, sizeof(cpu->r));
    if (h->has_fp) {
        bool fp = tc->cls->flags & CF_FP;
        cpu->cp15.cpacr = FP_CPACR;
        cpu->vfp.fpexc = fp ? tc->fp.fpexc : 0;
        if (fp) {
            memcpy(cpu->vfp.d, tc->fp.d, sizeof(tc->fp.d));
            cpu->vfp.fpscr = tc->fp.fpscr;
        }
    }
    cpu->halted = 0;
    aspace_write_bytes(&h->f->as, tc->addr, tc->code, tc->len + TRAILER_LEN);
    /*
     * aspace_write_bytes() alone does not always drop decoded code: after a
     * guest store has invalidated a page once, the page is no longer
     * tracked although its block keeps being decoded (the bug the
     * seq-*-repatch classes report). Drop it here so one case cannot leak
     * stale instructions into the next.
     */
    decode_cache_invalidate_page(&h->f->as.dcache, CODE_PAGE);
    decode_cache_invalidate_page(&h->f->as.dcache, CODE_PAGE + 4096);

    memcpy(before, cpu->exceptions_taken, sizeof(before));
    cpu_run(cpu, tc->steps);
    /* A Thumb BL pair is two instructions on ARMv5: run the suffix too
     * (on Thumb-2 cores it is one, and a branch may land at addr + 2). */
    if (tc->thumb && tc->steps == 1 && tc->len == 4 && cpu->thumb &&
        !(cpu->model->features & CPU_FEAT_THUMB2) && cpu->r[15] == tc->addr + 2 &&
        !memcmp(before, cpu->exceptions_taken, sizeof(before)))
        cpu_run(cpu, 1);

    memcpy(o->st.r, cpu->r, sizeof(o->st.r));
    o->st.cpsr = cpu_get_cpsr(cpu);
    o->st.spsr = mode_has_spsr(o->st.cpsr) ? cpu->spsr : 0;
    o->exc = EXK_NONE;
    o->error = NULL;
    static const enum exc_kind kinds[EXC_COUNT] = {
        [EXC_RESET] = EXK_OTHER, [EXC_UNDEFINED] = EXK_UNDEF, [EXC_SVC] = EXK_SVC,
        [EXC_PREFETCH_ABORT] = EXK_PABT, [EXC_DATA_ABORT] = EXK_DABT,
        [EXC_IRQ] = EXK_OTHER, [EXC_FIQ] = EXK_OTHER,
    };
    for (unsigned e = 0; e < EXC_COUNT; e++)
        if (cpu->exceptions_taken[e] != before[e])
            o->exc = kinds[e];

    if (tc->cls->flags & CF_FP) {
        memcpy(o->fp.d, cpu->vfp.d, sizeof(o->fp.d));
        o->fp.fpscr = cpu->vfp.fpscr;
        o->fp.fpexc = cpu->vfp.fpexc;
    }
    if (tc->cls->flags & CF_BANKS)
        hv_get_banks(cpu, &o->banks);
    if (tc->cls->flags & CF_MEM) {
        aspace_read_bytes(&h->f->as, SCRATCH_BASE, o->scratch, SCRATCH_SIZE);
        aspace_read_bytes(&h->f->as, CODE_PAGE, o->code, sizeof(o->code));
    }
}

/* ================= comparison and reports ================= */

struct verdict {
    uint32_t reg_diff;     /* bit per register */
    uint32_t dreg_diff;    /* bit per D register (CF_FP) */
    bool cpsr, spsr, banks, mem, exc, fpscr;
    const char *why;       /* for exception-entry checks */
};

static bool verdict_ok(const struct verdict *v)
{
    return !v->reg_diff && !v->dreg_diff && !v->cpsr && !v->spsr && !v->banks && !v->mem &&
           !v->exc && !v->fpscr && !v->why;
}

static uint32_t exc_mode(enum exc_kind k)
{
    return k == EXK_UNDEF ? MODE_UND : k == EXK_SVC ? MODE_SVC : MODE_ABT;
}

static uint32_t exc_vector(enum exc_kind k)
{
    return k == EXK_UNDEF ? 0x04 : k == EXK_SVC ? 0x08 : k == EXK_PABT ? 0x0c : 0x10;
}

/* LR on entry (DDI 0406C pseudocode TakeUndefInstrException, TakeSVCException,
 * TakePrefetchAbortException, TakeDataAbortException): the next instruction
 * after an UNDEF or SVC (+2 in Thumb state even for a 32-bit instruction),
 * the instruction + 4 after a prefetch abort and + 8 after a data abort. */
static uint32_t exc_lr(const struct test_case *tc, enum exc_kind k)
{
    if (k == EXK_DABT)
        return tc->addr + 8;
    return k == EXK_PABT ? tc->addr + 4 : tc->addr + (tc->thumb ? 2 : 4);
}

/* D registers whose values differ, as a bit mask; *ctl: FPSCR or FPEXC do. */
static uint32_t fp_diff(const struct fp_state *a, const struct fp_state *b, bool *ctl)
{
    uint32_t diff = 0;
    for (unsigned i = 0; i < 32; i++)
        if (a->d[i] != b->d[i])
            diff |= 1u << i;
    *ctl = a->fpscr != b->fpscr || a->fpexc != b->fpexc;
    return diff;
}

/*
 * Both raised the same synchronous exception: unicorn stops before the
 * vector, so check armhv's entry against the ARM ARM from the start state
 * (DDI 0100I A2.6.3-A2.6.5): LR = next instruction (UNDEF, SVC) or
 * instruction + 4 (prefetch abort), SPSR = old CPSR, I set, T clear.
 */
static void check_exception_entry(const struct test_case *tc, const struct outcome *hv,
                                  enum exc_kind k, struct verdict *v)
{
    uint32_t lr = exc_lr(tc, k);
    /* E = SCTLR.EE = 0 (ARMv7 B1.8.3) */
    uint32_t want_cpsr = (tc->init.cpsr & ~(PSR_M_MASK | PSR_T | PSR_E)) | PSR_I | exc_mode(k);
    bool from_fiq = (tc->init.cpsr & PSR_M_MASK) == MODE_FIQ;

    for (unsigned r = 0; r < (from_fiq ? 8u : 13u); r++)
        if (hv->st.r[r] != tc->init.r[r])
            v->reg_diff |= REG_BIT(r);
    if (hv->st.r[14] != lr)
        v->reg_diff |= REG_BIT(14);
    if (hv->st.r[15] != exc_vector(k))
        v->reg_diff |= REG_BIT(15);
    /* not A: the ARM ARM sets it on entry to Abort, IRQ and FIQ mode only */
    if ((hv->st.cpsr ^ want_cpsr) & tc->cpsr_mask & ~PSR_A)
        v->cpsr = true;
    if ((hv->st.spsr ^ tc->init.cpsr) & tc->cpsr_mask)
        v->spsr = true;
    /* the instruction must leave the floating-point state alone */
    if (tc->cls->flags & CF_FP)
        v->dreg_diff = fp_diff(&hv->fp, &tc->fp, &v->fpscr);
    if (!verdict_ok(v))
        v->why = "armhv exception entry differs from the ARM ARM (expected state shown as "
                 "'unicorn')";
}

static void compare(const struct test_case *tc, const struct outcome *uo,
                    const struct outcome *ho, struct verdict *v)
{
    memset(v, 0, sizeof(*v));
    if (uo->error) {
        v->why = uo->error;
        return;
    }
    if (uo->exc != ho->exc) {
        v->exc = true;
        return;
    }
    if (uo->exc != EXK_NONE) {
        if (uo->exc == EXK_OTHER)
            v->why = "unexpected exception kind";
        else
            check_exception_entry(tc, ho, uo->exc, v);
        return;
    }
    for (unsigned r = 0; r < 16; r++)
        if (uo->st.r[r] != ho->st.r[r])
            v->reg_diff |= REG_BIT(r);
    v->cpsr = (uo->st.cpsr ^ ho->st.cpsr) & tc->cpsr_mask;
    v->spsr = mode_has_spsr(uo->st.cpsr) && ((uo->st.spsr ^ ho->st.spsr) & tc->cpsr_mask);
    if (tc->cls->flags & CF_BANKS) {
        struct banks a = uo->banks, b = ho->banks;
        for (unsigned m = 0; m < BM_COUNT; m++) {
            a.spsr[m] &= tc->cpsr_mask;
            b.spsr[m] &= tc->cpsr_mask;
        }
        v->banks = memcmp(&a, &b, sizeof(a)) != 0;
    }
    if (tc->cls->flags & CF_MEM)
        v->mem = memcmp(uo->scratch, ho->scratch, SCRATCH_SIZE) != 0 ||
                 memcmp(uo->code, ho->code, sizeof(uo->code)) != 0;
    if (tc->cls->flags & CF_FP)
        v->dreg_diff = fp_diff(&uo->fp, &ho->fp, &v->fpscr);
}

static void disassemble(struct harness *h, const struct test_case *tc, char *out, size_t size)
{
    cs_insn *insn;
    snprintf(out, size, "?");
    if (!h->have_cs)
        return;
    size_t n = cs_disasm(h->cs[tc->thumb], tc->code, tc->len, tc->addr, 0, &insn);
    if (n == 0)
        return;
    size_t used = 0;
    out[0] = 0;
    for (size_t i = 0; i < n && used < size; i++)
        used += (size_t)snprintf(out + used, size - used, "%s%s %s", i ? "; " : "",
                                 insn[i].mnemonic, insn[i].op_str);
    cs_free(insn, n);
}

static void format_encoding(const struct test_case *tc, char *out, size_t size)
{
    size_t used = 0;
    out[0] = 0;
    for (unsigned off = 0; off < tc->len && used < size; off += tc->thumb ? 2 : 4) {
        if (tc->thumb) {
            uint16_t hw;
            memcpy(&hw, tc->code + off, 2);
            used += (size_t)snprintf(out + used, size - used, "%s%04x", off ? " " : "", hw);
        } else {
            uint32_t w;
            memcpy(&w, tc->code + off, 4);
            used += (size_t)snprintf(out + used, size - used, "%s%08" PRIx32, off ? " " : "",
                                     w);
        }
    }
}

static void print_state(const char *label, const struct state *s, uint32_t diff, bool cpsr_diff,
                        bool spsr_diff)
{
    printf("  %-8s", label);
    for (unsigned r = 0; r < 16; r++) {
        if (r && r % 4 == 0)
            printf("\n          ");
        printf(" r%-2u=%08" PRIx32 "%c", r, s->r[r], (diff & REG_BIT(r)) ? '*' : ' ');
    }
    printf("\n           cpsr=%08" PRIx32 "%c (%c%c%c%c%c %s%s%s%s) spsr=%08" PRIx32 "%c\n",
           s->cpsr, cpsr_diff ? '*' : ' ', s->cpsr & PSR_N ? 'N' : 'n',
           s->cpsr & PSR_Z ? 'Z' : 'z', s->cpsr & PSR_C ? 'C' : 'c',
           s->cpsr & PSR_V ? 'V' : 'v', s->cpsr & PSR_Q ? 'Q' : 'q',
           cpu_mode_name(s->cpsr & PSR_M_MASK), s->cpsr & PSR_T ? " T" : "",
           s->cpsr & PSR_I ? " I" : "", s->cpsr & PSR_F ? " F" : "", s->spsr,
           spsr_diff ? '*' : ' ');
}

/* D0-D31 four to a line, then the FPSCR; '*' marks a difference. */
static void print_fp_state(const char *label, const struct fp_state *fp, uint32_t diff,
                           bool fpscr_diff)
{
    printf("  %-8s", label);
    for (unsigned i = 0; i < 32; i++) {
        if (i && i % 4 == 0)
            printf("\n          ");
        printf(" d%-2u=%016" PRIx64 "%c", i, fp->d[i], (diff & (1u << i)) ? '*' : ' ');
    }
    printf("\n           fpscr=%08" PRIx32 "%c (%c%c%c%c%s%s%s rmode=%u flags=%02" PRIx32
           ") fpexc=%08" PRIx32 "\n",
           fp->fpscr, fpscr_diff ? '*' : ' ', fp->fpscr & FPSCR_N ? 'N' : 'n',
           fp->fpscr & FPSCR_Z ? 'Z' : 'z', fp->fpscr & FPSCR_C ? 'C' : 'c',
           fp->fpscr & FPSCR_V ? 'V' : 'v', fp->fpscr & FPSCR_QC ? " QC" : "",
           fp->fpscr & FPSCR_DN ? " DN" : "", fp->fpscr & FPSCR_FZ ? " FZ" : "",
           (unsigned)((fp->fpscr & FPSCR_RMODE_MASK) >> FPSCR_RMODE_SHIFT),
           fp->fpscr & FPSCR_CUMULATIVE, fp->fpexc);
}

static void print_banks(const char *label, const struct banks *b)
{
    static const char *const names[BM_COUNT] = { "usr", "fiq", "irq", "svc", "abt", "und" };
    printf("  %-8s usr r8-r12=%08" PRIx32 " %08" PRIx32 " %08" PRIx32 " %08" PRIx32
           " %08" PRIx32 "  fiq r8-r12=%08" PRIx32 " %08" PRIx32 " %08" PRIx32 " %08" PRIx32
           " %08" PRIx32 "\n", label, b->usr_hi[0], b->usr_hi[1], b->usr_hi[2], b->usr_hi[3],
           b->usr_hi[4], b->fiq_hi[0], b->fiq_hi[1], b->fiq_hi[2], b->fiq_hi[3], b->fiq_hi[4]);
    printf("          ");
    for (unsigned m = 0; m < BM_COUNT; m++)
        printf(" %s:%08" PRIx32 "/%08" PRIx32 "/%08" PRIx32, names[m], b->r13[m], b->r14[m],
               m == BM_USR ? 0 : b->spsr[m] & CPSR_CMP_MASK);
    printf("\n");
}

static void print_mem_diff(const struct outcome *uo, const struct outcome *ho)
{
    unsigned shown = 0;
    for (unsigned i = 0; i < SCRATCH_SIZE && shown < 8; i++) {
        if (uo->scratch[i] != ho->scratch[i]) {
            printf("  memory  [%08x] unicorn %02x armhv %02x\n", SCRATCH_BASE + i,
                   uo->scratch[i], ho->scratch[i]);
            shown++;
        }
    }
    for (unsigned i = 0; i < sizeof(uo->code) && shown < 8; i++) {
        if (uo->code[i] != ho->code[i]) {
            printf("  memory  [%08x] unicorn %02x armhv %02x\n", CODE_PAGE + i, uo->code[i],
                   ho->code[i]);
            shown++;
        }
    }
}

/* The state an exception entry should produce, for the report. */
static void expected_exception_state(const struct test_case *tc, const struct outcome *ho,
                                     enum exc_kind k, struct state *s)
{
    *s = ho->st;
    bool from_fiq = (tc->init.cpsr & PSR_M_MASK) == MODE_FIQ;
    for (unsigned r = 0; r < (from_fiq ? 8u : 13u); r++)
        s->r[r] = tc->init.r[r];
    s->r[14] = exc_lr(tc, k);
    s->r[15] = exc_vector(k);
    s->cpsr = (tc->init.cpsr & ~(PSR_M_MASK | PSR_T | PSR_E)) | PSR_I | exc_mode(k);
    s->spsr = tc->init.cpsr;
}

static void report_mismatch(struct harness *h, uint64_t seed, unsigned set,
                            const struct test_case *tc, const struct outcome *uo,
                            const struct outcome *ho, const struct verdict *v, unsigned nth)
{
    char enc[160], dis[640];
    format_encoding(tc, enc, sizeof(enc));
    disassemble(h, tc, dis, sizeof(dis));
    printf("MISMATCH %u: %s case %u (seed %" PRIu64 "), class %s, at 0x%08" PRIx32 "\n", nth,
           set_name[set], tc->index, seed, tc->cls->name, tc->addr);
    printf("  encoding %s  %s\n", enc, dis);
    printf("  reproduce: unicorn-diff --seed %" PRIu64 " --set %s --only %u --verbose\n", seed,
           set_name[set], tc->index);
    if (uo->error)
        printf("  unicorn error: %s\n", uo->error);
    if (v->exc)
        printf("  exception: unicorn %s, armhv %s\n", exc_name[uo->exc], exc_name[ho->exc]);
    if (v->why && !uo->error)
        printf("  %s\n", v->why);
    print_state("initial", &tc->init, 0, false, false);
    if (uo->exc != EXK_NONE && uo->exc == ho->exc && uo->exc != EXK_OTHER) {
        struct state want;
        expected_exception_state(tc, ho, uo->exc, &want);
        print_state("expected", &want, v->reg_diff, v->cpsr, v->spsr);
    } else {
        print_state("unicorn", &uo->st, v->reg_diff, v->cpsr, v->spsr);
    }
    print_state("armhv", &ho->st, v->reg_diff, v->cpsr, v->spsr);
    if (tc->cls->flags & CF_FP) {
        print_fp_state("fp in", &tc->fp, 0, false);
        bool exc = uo->exc != EXK_NONE && uo->exc == ho->exc;
        print_fp_state(exc ? "expected" : "unicorn", exc ? &tc->fp : &uo->fp, v->dreg_diff,
                       v->fpscr);
        print_fp_state("armhv", &ho->fp, v->dreg_diff, v->fpscr);
    }
    if (tc->cls->flags & CF_BANKS) {
        print_banks("banks in", &tc->banks);
        if (v->banks) {
            print_banks("unicorn", &uo->banks);
            print_banks("armhv", &ho->banks);
        }
    }
    for (unsigned i = 0; i < tc->npoke; i++)
        printf("  poke    [%08" PRIx32 "] = %08" PRIx32 "\n", tc->poke[i].addr,
               tc->poke[i].value);
    if (v->mem)
        print_mem_diff(uo, ho);
    fflush(stdout);
}

/* ================= setup and main loop ================= */

/* One emulator pair: armhv's model and unicorn's uc_cpu (UC_CPU_ARM_*). */
static int harness_init(struct harness *h, uint64_t seed, const struct cpu_model *model,
                        int uc_cpu)
{
    memset(h, 0, sizeof(*h));
    h->f = fixture_init_model(model);
    h->image = malloc(RAM_SIZE);
    if (!h->f || !h->image) {
        fprintf(stderr, "unicorn-diff: out of memory\n");
        return -ENOMEM;
    }
    /* RAM: random words (literal loads and branch targets read them), with
     * the fixture's vectors kept. */
    struct rng g;
    rng_seed(&g, seed ^ 0xc0dec0dec0dec0deull);
    aspace_read_bytes(&h->f->as, 0, h->image, 0x100);
    for (uint32_t a = 0x100; a < RAM_SIZE; a += 4) {
        uint32_t v = rng_u32(&g);
        /*
         * No Thumb IT (0xbfxx) anywhere: unicorn 2.0.1 sets a "no exit
         * request inside an IT block" flag when it translates one and does
         * not always clear it, after which count = 1 no longer stops at the
         * next block and later cases run on past their instruction.
         */
        if ((v >> 8 & 0xff) == 0xbf)
            v &= ~0x8000u;
        if ((v >> 24) == 0xbf)
            v &= ~0x80000000u;
        memcpy(h->image + a, &v, 4);
    }
    aspace_write_bytes(&h->f->as, 0, h->image, RAM_SIZE);

    struct uc_side *u = &h->u;
    if (uc_api_load(&u->api) < 0)
        return -EIO;
    uc_err err = u->api.open(UC_ARCH_ARM, UC_MODE_ARM, &u->uc);
    if (err == UC_ERR_OK)
        err = u->api.ctl(u->uc, UC_CTL_WRITE(UC_CTL_CPU_MODEL, 1), uc_cpu);
    if (err == UC_ERR_OK)
        err = u->api.mem_map(u->uc, 0, RAM_SIZE, UC_PROT_ALL);
    if (err == UC_ERR_OK)
        err = u->api.mem_write(u->uc, 0, h->image, RAM_SIZE);
    uc_hook hook;
    if (err == UC_ERR_OK)
        err = u->api.hook_add(u->uc, &hook, UC_HOOK_INTR, (void *)uc_hook_intr_cb, u, 1, 0);
    if (err != UC_ERR_OK) {
        fprintf(stderr, "unicorn-diff: unicorn setup failed: %s\n", u->api.strerror(err));
        return -EIO;
    }
    h->have_cs = cs_open(CS_ARCH_ARM, CS_MODE_ARM, &h->cs[0]) == CS_ERR_OK &&
                 cs_open(CS_ARCH_ARM, CS_MODE_THUMB, &h->cs[1]) == CS_ERR_OK;
    /*
     * ARMv7 with the Multiprocessing Extensions UNDEFs SWP/SWPB unless
     * SCTLR.SW is set (reset value 0); QEMU does not model the bit, so
     * armhv's Cortex-A15 runs with it set, as Linux sets it.
     */
    h->f->cpu.cp15.sctlr |= SCTLR_SW;
    /*
     * The floating-point sets need cp10/cp11 access (CPACR, B4.1.40);
     * FPEXC.EN is set per case (uc_put_fp). unicorn 2.0.1 reaches CPACR
     * only through UC_ARM_REG_CP_REG (its UC_ARM_REG_C1_C0_2 write is a
     * no-op). Its Cortex-A15 runs Non-secure (SCR.NS = 1), where CPACR.cp10
     * and cp11 ignore writes unless NSACR.cp10/cp11 (bits 10, 11) allow
     * Non-secure access (B4.1.111), so NSACR goes first. QEMU folds CPACR
     * into the translation flags when the CPSR is next written, which every
     * case does.
     */
    if (model->features & CPU_FEAT_NEON) {
        uc_arm_cp_reg nsacr = { .cp = 15, .crn = 1, .crm = 1, .opc1 = 0, .opc2 = 2,
                                .sec = 1, .val = 0xc00 };
        uc_arm_cp_reg cpacr = { .cp = 15, .crn = 1, .crm = 0, .opc1 = 0, .opc2 = 2,
                                .val = FP_CPACR };
        err = u->api.reg_write(u->uc, UC_ARM_REG_CP_REG, &nsacr);
        if (err == UC_ERR_OK)
            err = u->api.reg_write(u->uc, UC_ARM_REG_CP_REG, &cpacr);
        cpacr.val = 0;
        if (err == UC_ERR_OK)
            err = u->api.reg_read(u->uc, UC_ARM_REG_CP_REG, &cpacr);
        if (err != UC_ERR_OK || cpacr.val != FP_CPACR) {
            fprintf(stderr, "unicorn-diff: cannot enable unicorn's FPU (CPACR %#" PRIx64
                    ", %s)\n", cpacr.val, u->api.strerror(err));
            return -EIO;
        }
        h->f->cpu.cp15.cpacr = FP_CPACR;
        h->has_fp = true;
    }
    return 0;
}

static void harness_free(struct harness *h)
{
    if (h->have_cs) {
        cs_close(&h->cs[0]);
        cs_close(&h->cs[1]);
    }
    if (h->u.uc)
        h->u.api.close(h->u.uc);
    if (h->f)
        fixture_free(h->f);
    free(h->image);
}

/*
 * Checks the harness itself: unicorn must stop after exactly one
 * instruction, or every comparison below would be meaningless.
 */
static int self_check(struct harness *h)
{
    static const uint32_t prog[2] = { 0xe3a01001, 0xe3a02002 };   /* mov r1,#1; mov r2,#2 */
    struct uc_side *u = &h->u;
    uc_put_mem(u, CASE_ADDR, prog, sizeof(prog));
    uc_set(u, UC_ARM_REG_CPSR, MODE_SVC | PSR_I | PSR_F);
    uc_set(u, UC_ARM_REG_R1, 0);
    uc_set(u, UC_ARM_REG_R2, 0);
    uc_err err = u->api.emu_start(u->uc, CASE_ADDR, UC_UNTIL, 0, 1);
    bool ok = err == UC_ERR_OK && uc_get(u, UC_ARM_REG_R1) == 1 &&
              uc_get(u, UC_ARM_REG_R2) == 0 && uc_get(u, UC_ARM_REG_PC) == CASE_ADDR + 4;
    uc_put_mem(u, CASE_ADDR, h->image + CASE_ADDR, sizeof(prog));
    if (!ok) {
        fprintf(stderr, "unicorn-diff: unicorn does not stop after one instruction\n");
        return -1;
    }
    return 0;
}

struct options {
    uint64_t seed;
    unsigned count;          /* per single-instruction set */
    unsigned seq_count;
    bool sets[SET_COUNT];
    bool verbose;
    bool stats;
    long only;
    unsigned start;
    unsigned max_fail;
};

static void usage(FILE *out)
{
    fprintf(out,
            "usage: unicorn-diff [--seed N] [--count N] [--seq-count N]\n"
            "                    [--set arm|thumb|both|seq|a15|t2|vfp|fp-misc|neon|\n"
            "                           neon-ldst|fp|all]\n"
            "                    [--start INDEX] [--only INDEX] [--max-fail N] [--stats]\n"
            "                    [--verbose] [--list-exclusions]\n"
            "Runs N random ARMv5TE instructions per set (default %u ARM, %u Thumb) and\n"
            "%u short sequences on armhv's ARM926 and on libunicorn's, and N random\n"
            "ARMv7 ARM instructions (set a15, default %u), Thumb-2 instructions and IT\n"
            "blocks (set t2), VFP data-processing (vfp), VFP transfers and loads/stores\n"
            "and VFP/NEON in IT blocks (fp-misc), Advanced SIMD data-processing (neon)\n"
            "and element/structure loads/stores (neon-ldst; fp = these four) on both\n"
            "Cortex-A15s, comparing registers, NZCVQ (+ GE, A, E on ARMv7, IT for t2),\n"
            "mode, SPSR, memory, and D0-D31, FPSCR and FPEXC for the floating-point sets\n"
            "after each (default set: all).\n",
            DEFAULT_COUNT, DEFAULT_COUNT, DEFAULT_SEQ_COUNT, DEFAULT_COUNT);
}

static int parse_uint(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno || !*s || *end || *s == '-')
        return -1;
    *out = v;
    return 0;
}

static int parse_options(int argc, char **argv, struct options *o)
{
    memset(o, 0, sizeof(*o));
    o->seed = DEFAULT_SEED;
    o->count = DEFAULT_COUNT;
    o->seq_count = DEFAULT_SEQ_COUNT;
    o->sets[SET_ARM] = o->sets[SET_THUMB] = o->sets[SET_SEQ] = o->sets[SET_A15] = true;
    for (unsigned k = SET_T2; k < SET_COUNT; k++)
        o->sets[k] = true;
    o->only = -1;
    o->max_fail = DEFAULT_MAX_FAIL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
        uint64_t n;
        if (!strcmp(a, "--verbose") || !strcmp(a, "-v")) {
            o->verbose = true;
        } else if (!strcmp(a, "--stats")) {
            o->stats = true;
        } else if (!strcmp(a, "--list-exclusions")) {
            for (size_t k = 0; k < ARRAY_SIZE(exclusions); k++)
                printf("- %s\n    %s\n", exclusions[k].what, exclusions[k].why);
            exit(0);
        } else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            exit(0);
        } else if (val && !strcmp(a, "--set")) {
            bool all = !strcmp(val, "all");
            bool both = all || !strcmp(val, "both");
            bool fp = all || !strcmp(val, "fp");
            bool any = false;
            for (unsigned k = 0; k < SET_COUNT; k++) {
                bool group = k == SET_ARM || k == SET_THUMB ? both
                             : k >= SET_VFP                 ? fp
                                                            : all;
                o->sets[k] = group || !strcmp(val, set_name[k]);
                any |= o->sets[k];
            }
            if (!any) {
                fprintf(stderr, "unicorn-diff: --set takes arm, thumb, both, seq, a15, t2, vfp, "
                                "fp-misc, neon, neon-ldst, fp or all\n");
                return -1;
            }
            i++;
        } else if (val && (!strcmp(a, "--seed") || !strcmp(a, "--count") ||
                           !strcmp(a, "--only") || !strcmp(a, "--start") ||
                           !strcmp(a, "--seq-count") ||
                           !strcmp(a, "--max-fail"))) {
            if (parse_uint(val, &n) < 0 || (strcmp(a, "--seed") && n > 0xffffffffu)) {
                fprintf(stderr, "unicorn-diff: bad number '%s' for %s\n", val, a);
                return -1;
            }
            if (!strcmp(a, "--seed"))
                o->seed = n;
            else if (!strcmp(a, "--count"))
                o->count = (unsigned)n;
            else if (!strcmp(a, "--seq-count"))
                o->seq_count = (unsigned)n;
            else if (!strcmp(a, "--only"))
                o->only = (long)n;
            else if (!strcmp(a, "--start"))
                o->start = (unsigned)n;
            else
                o->max_fail = n ? (unsigned)n : 1;
            i++;
        } else {
            fprintf(stderr, "unicorn-diff: unknown option '%s'\n", a);
            usage(stderr);
            return -1;
        }
    }
    return 0;
}

struct class_stats {
    unsigned run, failed;
    unsigned exceptions;   /* cases that ended in an exception (both agreeing) */
    unsigned regs_same;    /* cases that changed no register but the PC (a failed
                            * condition, a store, CMP with equal flags...); in
                            * the fp sets D0-D31, FPSCR and FPEXC count too */
};

/* True when, per unicorn, no register or flag changed and the PC moved on. */
static bool case_left_regs_alone(const struct test_case *tc, const struct outcome *uo)
{
    bool fp_ctl_diff = false;
    uint32_t dreg_diff = 0;
    if (tc->cls->flags & CF_FP)
        dreg_diff = fp_diff(&uo->fp, &tc->fp, &fp_ctl_diff);
    return uo->exc == EXK_NONE && !dreg_diff && !fp_ctl_diff &&
           !memcmp(uo->st.r, tc->init.r, 15 * sizeof(uint32_t)) &&
           !((uo->st.cpsr ^ tc->init.cpsr) & tc->cpsr_mask) &&
           uo->st.r[15] == tc->addr + tc->len;
}

int main(int argc, char **argv)
{
    struct options opt;
    if (parse_options(argc, argv, &opt) < 0)
        return 2;

    struct harness h, h15;
    bool want_a15 = false;
    for (unsigned set = 0; set < SET_COUNT; set++)
        want_a15 |= opt.sets[set] && set_is_v7(set);
    memset(&h15, 0, sizeof(h15));
    if (harness_init(&h, opt.seed, &cpu_model_arm926, UC_CPU_ARM_926) < 0 ||
        self_check(&h) < 0 ||
        (want_a15 && (harness_init(&h15, opt.seed, &cpu_model_cortex_a15,
                                   UC_CPU_ARM_CORTEX_A15) < 0 ||
                      self_check(&h15) < 0))) {
        harness_free(&h);
        harness_free(&h15);
        return 2;
    }
    h.verbose = h15.verbose = opt.verbose;

    struct test_case *tc = malloc(sizeof(*tc));
    struct outcome *uo = malloc(sizeof(*uo));
    struct outcome *ho = malloc(sizeof(*ho));
    struct class_stats stats[SET_COUNT][MAX_CLASSES];
    unsigned ok[SET_COUNT] = { 0 }, mismatches = 0;
    if (!tc || !uo || !ho) {
        fprintf(stderr, "unicorn-diff: out of memory\n");
        return 2;
    }
    memset(stats, 0, sizeof(stats));

    for (unsigned set = 0; set < SET_COUNT && mismatches < opt.max_fail; set++) {
        if (!opt.sets[set])
            continue;
        unsigned first = opt.only >= 0 ? (unsigned)opt.only : opt.start;
        unsigned count = set == SET_SEQ ? opt.seq_count : opt.count;
        unsigned last = opt.only >= 0 ? first + 1 : opt.start + count;
        struct harness *hh = set_is_v7(set) ? &h15 : &h;
        for (unsigned i = first; i < last && mismatches < opt.max_fail; i++) {
            unsigned ci = make_case(opt.seed, set, i, tc);
            fill_memory(hh, tc);
            run_unicorn(hh, tc, uo);
            if (set == SET_T2 || (tc->cls->flags & CF_IT))
                uc_clear_it_quirk(hh);
            /* unicorn's pokes and code are in place; armhv gets the same */
            run_armhv(hh, tc, ho);
            struct verdict v;
            compare(tc, uo, ho, &v);
            stats[set][ci].run++;
            if (uo->exc != EXK_NONE && uo->exc == ho->exc)
                stats[set][ci].exceptions++;
            if (case_left_regs_alone(tc, uo))
                stats[set][ci].regs_same++;
            if (opt.verbose) {
                char enc[160], dis[640];
                format_encoding(tc, enc, sizeof(enc));
                disassemble(hh, tc, dis, sizeof(dis));
                printf("%s %u %-14s %-9s %-32s %s\n", set_name[set], i, tc->cls->name, enc,
                       dis, verdict_ok(&v) ? "ok" : "MISMATCH");
            }
            if (verdict_ok(&v) && opt.verbose && opt.only >= 0) {
                print_state("initial", &tc->init, 0, false, false);
                print_state("unicorn", &uo->st, 0, false, false);
                print_state("armhv", &ho->st, 0, false, false);
                if (tc->cls->flags & CF_FP) {
                    print_fp_state("fp in", &tc->fp, 0, false);
                    print_fp_state("unicorn", &uo->fp, 0, false);
                    print_fp_state("armhv", &ho->fp, 0, false);
                }
            }
            if (verdict_ok(&v)) {
                ok[set]++;
            } else {
                stats[set][ci].failed++;
                report_mismatch(hh, opt.seed, set, tc, uo, ho, &v, ++mismatches);
            }
            restore_code(hh, tc);
        }
    }

    if (opt.stats) {
        printf("%-9s %-16s %8s %8s %8s %8s\n", "set", "class", "run", "failed", "exc",
               "regs-same");
        for (unsigned set = 0; set < SET_COUNT; set++) {
            unsigned n;
            const struct insn_class *cls = set_classes(set, &n);
            for (unsigned c = 0; c < n; c++)
                if (stats[set][c].run)
                    printf("%-9s %-16s %8u %8u %8u %8u\n", set_name[set], cls[c].name,
                           stats[set][c].run, stats[set][c].failed,
                           stats[set][c].exceptions, stats[set][c].regs_same);
        }
    }
    printf("unicorn-diff:");
    for (unsigned set = 0; set < SET_COUNT; set++)
        printf(" %s %u ok,", set_name[set], ok[set]);
    printf(" %u mismatches (seed %" PRIu64 ")\n", mismatches, opt.seed);
    free(tc);
    free(uo);
    free(ho);
    harness_free(&h);
    harness_free(&h15);
    return mismatches ? 1 : 0;
}
