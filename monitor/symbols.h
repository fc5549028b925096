/*
 * Symbol table for the monitor: function and object names from the boot
 * kernel when it is an ELF file (read with libelf), or from a Linux
 * System.map given to `symbols FILE`. Used to print `<main+0x10>` beside
 * addresses and to accept names wherever an address is expected.
 */
#ifndef MONITOR_SYMBOLS_H
#define MONITOR_SYMBOLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct symbol {
    uint32_t addr;
    uint32_t size;      /* 0: unknown (System.map), bounded by the next symbol */
    bool thumb;         /* ELF function symbol with bit 0 set */
    char kind;          /* System.map / nm letter: T t D d B b ... */
    const char *name;
};

struct symtab {
    struct symbol *sym;     /* sorted by address */
    size_t count, cap;
    size_t *by_name;        /* indices sorted by name */
    char *names;            /* one block holding every name */
    size_t names_len, names_cap;
    char source[256];       /* file the symbols came from */
};

void symtab_init(struct symtab *st);
void symtab_free(struct symtab *st);

/*
 * Replaces the table with the symbols of path: an ELF file's .symtab, or
 * a text file of "ADDR TYPE NAME" lines (System.map, nm output). Returns
 * the number of symbols loaded, or -1 with a message in err.
 */
long symtab_load(struct symtab *st, const char *path, char *err, size_t err_len);
/* True when path starts with the ELF magic. */
bool symtab_file_is_elf(const char *path);

/*
 * Adds one symbol (tests, and the loaders); call symtab_finish after. For
 * code kinds (T, t) bit 0 of addr is the Thumb bit, as in ELF.
 */
int symtab_add(struct symtab *st, uint32_t addr, uint32_t size, char kind, const char *name);
void symtab_finish(struct symtab *st);

/* The symbol covering addr and the offset into it; NULL if none is near. */
const struct symbol *symtab_lookup_addr(const struct symtab *st, uint32_t addr,
                                        uint32_t *offset);
const struct symbol *symtab_lookup_name(const struct symtab *st, const char *name);
/* "main", "main+0x10", or "" when no symbol covers addr. */
void symtab_format(const struct symtab *st, uint32_t addr, char *buf, size_t len);

#endif
