/*
 * The monitor's small language: numbers, register names (banked ones
 * included), symbols, and expressions such as `sp + 8`, `[r1 + 4]` (the
 * word at that virtual address) or `r0 == 5 && [0x1000] != 0`, as used by
 * `x ADDR`, `break ADDR if COND` and friends; and the FMT of `x/NFMT`.
 *
 * Nothing here touches a machine directly: an expression reads registers
 * from a const CPU and memory through a callback, so it is unit-tested
 * without a board.
 */
#ifndef MONITOR_EXPR_H
#define MONITOR_EXPR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cpu/cpu.h"

struct symtab;

/* Parses a whole string as an unsigned number: 0x.., 0b.., or decimal. */
int mon_parse_number(const char *text, uint64_t *value);

/*
 * Reads a register by name: r0-r15, sp, lr, pc, ip, fp, sl, sb, cpsr,
 * spsr, and banked copies as NAME_MODE (sp_svc, lr_irq, spsr_abt,
 * r8_fiq, r13_usr, ...). Returns false for an unknown name, or for a
 * banked name the CPU does not have (spsr_usr, sp_hyp without the
 * Virtualization Extensions).
 */
bool mon_reg_read(const struct arm_cpu *cpu, const char *name, uint32_t *value);
/* Writes one as above (cpsr: the whole register, with a bank switch). */
bool mon_reg_write(struct arm_cpu *cpu, const char *name, uint32_t value);
/* Names for completion, NULL-terminated. */
extern const char *const mon_reg_names[];

/* Register banks a model has (USR, FIQ, IRQ, SVC, ABT, UND; MON, HYP). */
bool mon_cpu_has_bank(const struct arm_cpu *cpu, enum arm_bank bank);
const char *mon_bank_name(enum arm_bank bank);

struct mon_expr_env {
    const struct arm_cpu *cpu;       /* NULL: no registers */
    const struct symtab *syms;       /* NULL: no symbols */
    /* [ADDR] operand: the word at a virtual address; < 0 if unreadable. */
    int (*read_word)(void *opaque, uint32_t va, uint32_t *value);
    void *opaque;
};

/*
 * Evaluates text. Grammar (C precedence, 32-bit unsigned arithmetic):
 *   expr    := or
 *   or      := and { "||" and }
 *   and     := cmp { "&&" cmp }
 *   cmp     := bitor [ ("=="|"!="|"<"|"<="|">"|">=") bitor ]
 *   bitor   := bitand { "|" bitand }      bitand := sum { "&" sum }
 *   sum     := product { ("+"|"-") product }
 *   product := unary { ("*"|"<<"|">>") unary }
 *   unary   := ("-"|"~"|"!") unary | primary
 *   primary := NUMBER | REGISTER | $REGISTER | SYMBOL | "[" expr "]" | "(" expr ")"
 * Returns 0, or -1 with a message in err.
 */
int mon_expr_eval(const struct mon_expr_env *env, const char *text, uint32_t *value,
                  char *err, size_t err_len);

/* The /NFMT of x and xp: count, format letter and unit size. */
enum mon_xfmt_kind {
    XFMT_HEX = 'x',
    XFMT_DEC = 'd',
    XFMT_UNSIGNED = 'u',
    XFMT_STRING = 's',
    XFMT_INSN = 'i',
    XFMT_CHAR = 'c',
};

struct mon_xfmt {
    unsigned count;     /* units, strings or instructions */
    char kind;          /* enum mon_xfmt_kind */
    unsigned size;      /* 1, 2 or 4 bytes (x, d, u) */
};

/*
 * Parses what follows the slash ("4xw", "10i", "s", "xb"); letters may
 * come in any order after the count. Defaults: hex words, 4 units (1 for
 * strings, 4 instructions). Returns 0, or -1 with a message in err.
 */
int mon_parse_xfmt(const char *fmt, struct mon_xfmt *f, char *err, size_t err_len);

#endif
