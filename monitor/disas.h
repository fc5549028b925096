/*
 * Disassembly for the monitor (`x/i`, `disas`, `next`) through capstone,
 * kept apart from the executor's decode tables (STYLE.md: presentation
 * comes from capstone, not from the execution tables).
 */
#ifndef MONITOR_DISAS_H
#define MONITOR_DISAS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mon_disas {
    size_t handle[2];   /* capstone csh for [ARM, Thumb]; 0 = not opened */
    bool opened[2];
    bool failed[2];
};

struct mon_insn {
    unsigned size;          /* bytes: 4 (ARM), 2 or 4 (Thumb) */
    uint32_t encoding;      /* ARM word, or Thumb hw1 (<< 16 | hw2 for 32-bit) */
    bool thumb;             /* decoded as Thumb */
    bool valid;             /* capstone decoded it */
    bool is_call;           /* BL or BLX: `next` steps over it */
    char mnemonic[32];
    char operands[160];
};

void mon_disas_init(struct mon_disas *d);
void mon_disas_close(struct mon_disas *d);

/*
 * Decodes one instruction at addr from bytes (len available, at least 2
 * for Thumb and 4 for ARM). An encoding capstone does not know is
 * returned as valid = false with a ".word"/".short" mnemonic. Returns 0,
 * or -1 when capstone cannot be opened.
 */
int mon_disas_one(struct mon_disas *d, bool thumb, uint32_t addr, const uint8_t *bytes,
                  size_t len, struct mon_insn *insn);

#endif
