/*
 * Advanced SIMD (NEON) data processing and element/structure loads and
 * stores (ARM ARM DDI 0406C, A7.4 "Advanced SIMD data-processing
 * instructions" and A7.7 "Advanced SIMD element or structure load/store
 * instructions"). The registers are the VFP bank (cpu/vfp.h); the
 * core <-> scalar transfers (VMOV scalar, VDUP from a core register) are in
 * the cp11 MCR/MRC space and live in cpu/vfp.c.
 *
 * The ARM and Thumb decoders hand these encodings over whole:
 *
 *   A32  1111 001x xxxx ...   data processing      (insn & 0xfe000000) == 0xf2000000
 *        1111 0100 xxx0 ...   element load/store   (insn & 0xff100000) == 0xf4000000
 *   T32  111x 1111 xxxx ...   data processing      (insn & 0xef000000) == 0xef000000
 *        1111 1001 xxx0 ...   element load/store   (insn & 0xff100000) == 0xf9000000
 *
 * (T32 as hw1 << 16 | hw2; its U bit, bit 28, is bit 24 of the A32 form.)
 * The decoded handlers are unconditional (cond = COND_AL); a Thumb
 * decoder may set d->cond from an IT block afterwards. Handlers check
 * CPACR/FPEXC/ASEDIS at run time and take the Undefined Instruction
 * exception when Advanced SIMD is disabled.
 */
#ifndef CPU_NEON_H
#define CPU_NEON_H

#include <stdbool.h>
#include <stdint.h>

struct cpu_model;
struct decoded_insn;

static inline bool neon_is_arm_insn(uint32_t insn)
{
    return (insn & 0xfe000000u) == 0xf2000000u || (insn & 0xff100000u) == 0xf4000000u;
}

static inline bool neon_is_thumb_insn(uint32_t insn32)
{
    return (insn32 & 0xef000000u) == 0xef000000u || (insn32 & 0xff100000u) == 0xf9000000u;
}

/* Fill *d entirely (insn_undefined for encodings the model lacks). */
void neon_decode_arm(const struct cpu_model *model, uint32_t insn, struct decoded_insn *d);
void neon_decode_thumb(const struct cpu_model *model, uint32_t insn32, struct decoded_insn *d);

#endif
