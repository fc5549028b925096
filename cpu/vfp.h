/*
 * VFPv3-D32 / VFPv4 floating point and the Advanced SIMD register file
 * (ARM ARM DDI 0406C, A2.5 "Advanced SIMD and Floating-point Extensions",
 * B6.1 "Floating-point and Advanced SIMD system registers").
 *
 * The extension registers are one bank seen three ways: D0-D31 (64 bit),
 * Q0-Q15 (Q<n> = D<2n+1>:D<2n>) and S0-S31, where S<2n> is the low and
 * S<2n+1> the high half of D<n> (A2.6.2, Figure A2-6). A union with the
 * host's little-endian layout gives every view without shuffling.
 *
 * ARM-state floating-point instructions are coprocessor instructions on
 * cp10 (single precision) and cp11 (double precision): data processing is
 * CDP, VMOV/VMRS/VMSR/VDUP are MCR/MRC, two-register VMOVs are MCRR/MRRC,
 * and VLDR/VSTR/VLDM/VSTM/VPUSH/VPOP are LDC/STC. vfp_attach() installs
 * the handlers in cpu->coproc[10] and [11]; the Advanced SIMD data
 * processing and element load/store encodings live in cpu/neon.c.
 */
#ifndef CPU_VFP_H
#define CPU_VFP_H

#include <stdbool.h>
#include <stdint.h>

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the VFP register union assumes a little-endian host"
#endif

/* FPSCR, the Floating-point Status and Control Register. */
#define FPSCR_N       (1u << 31)
#define FPSCR_Z       (1u << 30)
#define FPSCR_C       (1u << 29)
#define FPSCR_V       (1u << 28)
#define FPSCR_QC      (1u << 27)  /* Advanced SIMD cumulative saturation */
#define FPSCR_AHP     (1u << 26)  /* alternative half-precision format */
#define FPSCR_DN      (1u << 25)  /* default NaN mode */
#define FPSCR_FZ      (1u << 24)  /* flush-to-zero mode */
#define FPSCR_RMODE_SHIFT 22
#define FPSCR_RMODE_MASK  (3u << 22)
#define FPSCR_STRIDE_MASK (3u << 20)
#define FPSCR_LEN_MASK    (7u << 16)
#define FPSCR_IDC     (1u << 7)   /* input denormal (flushed) */
#define FPSCR_IXC     (1u << 4)   /* inexact */
#define FPSCR_UFC     (1u << 3)   /* underflow */
#define FPSCR_OFC     (1u << 2)   /* overflow */
#define FPSCR_DZC     (1u << 1)   /* division by zero */
#define FPSCR_IOC     (1u << 0)   /* invalid operation */
#define FPSCR_CUMULATIVE (FPSCR_IDC | FPSCR_IXC | FPSCR_UFC | FPSCR_OFC | FPSCR_DZC | FPSCR_IOC)
#define FPSCR_NZCV    0xf0000000u
/*
 * Writable bits. The Cortex-A9 and A15 do not trap floating-point
 * exceptions, so the enable bits IDE/IXE/UFE/OFE/DZE/IOE (15, 12:8) read
 * as zero (Cortex-A9 FPU TRM 2.4; as QEMU).
 */
#define FPSCR_WRITABLE 0xfff7009fu

/* FPSCR.RMode (A2.7.3). */
enum fp_rounding { FP_ROUND_NEAREST, FP_ROUND_PLUS_INF, FP_ROUND_MINUS_INF, FP_ROUND_ZERO };

/* FPEXC, the Floating-point Exception Register: only EN and EX exist here. */
#define FPEXC_EX (1u << 31)
#define FPEXC_EN (1u << 30)
#define FPEXC_WRITABLE (FPEXC_EX | FPEXC_EN)

/* System register numbers of VMRS/VMSR (the reg field, bits 19:16). */
enum vfp_sysreg {
    VFP_REG_FPSID = 0,
    VFP_REG_FPSCR = 1,
    VFP_REG_MVFR1 = 6,
    VFP_REG_MVFR0 = 7,
    VFP_REG_FPEXC = 8,
};

/* CPACR fields (B4.1.40). */
#define CPACR_CP10_SHIFT 20
#define CPACR_ASEDIS (1u << 31)

struct vfp_state {
    union {
        uint64_t d[32];
        uint32_t s[64];   /* s[0..31] are S0-S31 */
        uint16_t h[128];
        uint8_t b[256];
    };
    uint32_t fpscr;
    uint32_t fpexc;
    /* Identification, per model (set by vfp_attach). */
    uint32_t fpsid;
    uint32_t mvfr0;
    uint32_t mvfr1;
};

struct arm_cpu;
struct cpu_model;

/*
 * Installs the cp10/cp11 handlers and the ID registers when the model has
 * VFP (CPU_FEAT_VFP2/VFP3); does nothing for the others, whose cp10/cp11
 * accesses stay UNDEFINED. Call after cp15_attach() and before cpu_reset().
 */
void vfp_attach(struct arm_cpu *cpu);
/* Reset state (B6.1): FPEXC.EN = 0, FPSCR = 0, registers zeroed. */
void vfp_reset(struct arm_cpu *cpu);

/*
 * Access checks (ARM ARM CheckAdvSIMDOrVFPEnabled() pseudocode; CPACR is
 * B4.1.40): CPACR.cp10 must allow the current privilege level and
 * FPEXC.EN must be set, else the instruction is UNDEFINED (Linux's lazy
 * VFP context switch depends on that exception). Advanced SIMD also
 * honours CPACR.ASEDIS.
 */
bool vfp_enabled(const struct arm_cpu *cpu);
bool vfp_neon_enabled(const struct arm_cpu *cpu);

/*
 * The floating-point data-processing instruction (cp10/cp11 CDP space,
 * A7.5) in its A32 form; Thumb callers pass hw1 << 16 | hw2 (bits 27:0
 * are the same). Returns 0, or -1 for UNDEFINED.
 */
int vfp_cdp(struct arm_cpu *cpu, uint32_t insn);

#endif
