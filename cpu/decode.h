/*
 * The cached decoder (DESIGN.md, "Cached decoder").
 *
 * Decoded instructions live in per-physical-page blocks: 1024 ARM slots or
 * 2048 Thumb halfword slots per 4 KiB page, keyed by physical address so a
 * block survives remapping and is shared by every mapping of the page. A
 * slot starts as "decode me" (cpu_decode_slot); the first execution decodes
 * it in place and runs it. A store to a page with decoded code resets every
 * slot of its blocks to "decode me" (decode_cache_invalidate_page). Only the
 * handler pointer is reset, so a handler that is running while its own page
 * is invalidated still reads valid operands.
 */
#ifndef CPU_DECODE_H
#define CPU_DECODE_H

#include <stdbool.h>
#include <stdint.h>

struct arm_cpu;
struct decoded_insn;
struct cpu_model;

/*
 * Runs one decoded instruction. Returns 0 when execution continues with the
 * next sequential instruction, non-zero when r[15] was written (branch,
 * exception) or the executor must look at interrupts/devices before going on.
 */
typedef int (*insn_handler)(struct arm_cpu *cpu, const struct decoded_insn *d);

/* Condition codes (ARM ARM A8.3). */
enum arm_cond {
    COND_EQ, COND_NE, COND_CS, COND_CC, COND_MI, COND_PL, COND_VS, COND_VC,
    COND_HI, COND_LS, COND_GE, COND_LT, COND_GT, COND_LE, COND_AL, COND_NV
};

/*
 * One decoded instruction: the handler and pre-extracted operands. What the
 * operand fields mean is up to each handler family; the names say what they
 * usually hold. 24 bytes on a 64-bit host.
 */
struct decoded_insn {
    insn_handler handler;
    uint32_t raw;        /* the encoding (Thumb-2: first halfword << 16 | second) */
    uint32_t imm;        /* immediate, rotated immediate, offset, register list */
    uint8_t cond;        /* enum arm_cond; the executor skips failing ones.
                            In ARM blocks, 16 and up name an inline path
                            of the executor (cpu/exec.c), set after
                            decoding; no handler reads cond */
    uint8_t rd, rn, rm;
    uint8_t rs;          /* shift register, or Ra for multiply-accumulate */
    uint8_t shift;       /* shift type (LSL/LSR/ASR/ROR/RRX) and flags */
    uint8_t len;         /* 2 or 4 (Thumb), 4 (ARM) */
    uint8_t flags;       /* family-specific bits (S, P/U/W, ...) */
};

enum decode_set { DECODE_ARM, DECODE_THUMB, DECODE_SET_COUNT };

/*
 * After a block's 1024 or 2048 slots come DECODE_END_SLOTS slots whose
 * handler is cpu_page_end, so the executor's straight-line loop needs no
 * end-of-page test: an ARM run reaches the first; a Thumb run the first,
 * or the second after a 32-bit instruction in the page's last halfword.
 */
#define DECODE_END_SLOTS 2

struct decode_block {
    uint64_t phys;                  /* physical page address */
    uint8_t *host;                  /* host memory of that page */
    enum decode_set set;
    unsigned decoded;               /* slots decoded since the last reset */
    struct decode_block *hash_next;
    struct decoded_insn slot[];     /* 1024 (ARM) or 2048 (Thumb), then the end slots */
};

#define DECODE_CACHE_BUCKETS 4096

struct decode_cache {
    struct decode_block *bucket[DECODE_CACHE_BUCKETS];
    uint64_t blocks;          /* blocks allocated */
    uint64_t decodes;         /* slots decoded (misses) */
    uint64_t invalidations;   /* page invalidations by stores */
};

void decode_cache_init(struct decode_cache *dc);
void decode_cache_destroy(struct decode_cache *dc);
/* The block for (phys, set), created with every slot "decode me". */
struct decode_block *decode_cache_get(struct decode_cache *dc, uint64_t phys, uint8_t *host,
                                      enum decode_set set);
/* Returns true if the page had decoded code (ARM or Thumb). */
bool decode_cache_invalidate_page(struct decode_cache *dc, uint64_t phys);
/* Resets every block (e.g. after loading a snapshot). */
void decode_cache_invalidate_all(struct decode_cache *dc);

/* The "decode me" handler every fresh slot holds. */
int cpu_decode_slot(struct arm_cpu *cpu, const struct decoded_insn *d);
/*
 * The end slots' handler: the "instruction" there is the next page's
 * first. It takes back the executor's count for it and returns non-zero
 * with r[15] at that address, so the executor looks the next page up.
 */
int cpu_page_end(struct arm_cpu *cpu, const struct decoded_insn *d);

/*
 * Decoders (cpu/arm_decode.c, cpu/thumb_decode.c). They fill *d entirely
 * (handler included) from the encoding; an encoding the model does not
 * have decodes to a handler that takes the Undefined Instruction exception.
 * thumb_decode receives both halfwords; hw2 is only meaningful when hw1
 * starts a 32-bit Thumb-2 instruction and the model has Thumb-2.
 */
void arm_decode(const struct cpu_model *model, uint32_t insn, struct decoded_insn *d);
void thumb_decode(const struct cpu_model *model, uint16_t hw1, uint16_t hw2,
                  struct decoded_insn *d);
/* True if hw1 is the first half of a 32-bit Thumb instruction on this model. */
bool thumb_is_32bit(const struct cpu_model *model, uint16_t hw1);

/* Handler for UNDEFINED encodings, shared by every decoder. */
int insn_undefined(struct arm_cpu *cpu, const struct decoded_insn *d);

#endif
