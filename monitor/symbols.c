/*
 * Symbol tables (symbols.h): ELF .symtab through libelf, or System.map
 * text. ARM ELF files carry mapping symbols ($a, $t, $d: AAELF "Mapping
 * symbols") that mark code/data boundaries rather than name anything;
 * they are skipped, as are section and file symbols.
 */
#include "monitor/symbols.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Without a size, a symbol covers at most this much after its address. */
#define SYMTAB_MAX_GAP 0x10000u

void symtab_init(struct symtab *st)
{
    memset(st, 0, sizeof(*st));
}

void symtab_free(struct symtab *st)
{
    free(st->sym);
    free(st->by_name);
    free(st->names);
    symtab_init(st);
}

int symtab_add(struct symtab *st, uint32_t addr, uint32_t size, char kind, const char *name)
{
    if (st->count == st->cap) {
        size_t cap = st->cap ? st->cap * 2 : 256;
        struct symbol *sym = realloc(st->sym, cap * sizeof(*sym));
        if (!sym)
            return -ENOMEM;
        st->sym = sym;
        st->cap = cap;
    }
    size_t len = strlen(name) + 1;
    if (st->names_len + len > st->names_cap) {
        size_t cap = st->names_cap ? st->names_cap : 4096;
        while (cap < st->names_len + len)
            cap *= 2;
        char *names = realloc(st->names, cap);
        if (!names)
            return -ENOMEM;
        st->names = names;
        st->names_cap = cap;
    }
    memcpy(st->names + st->names_len, name, len);
    bool code = kind == 'T' || kind == 't';
    /* Names are stored as offsets until symtab_finish: the block may move. */
    st->sym[st->count++] = (struct symbol){
        .addr = code ? addr & ~1u : addr, .size = size, .thumb = code && (addr & 1),
        .kind = kind, .name = (const char *)(uintptr_t)st->names_len,
    };
    st->names_len += len;
    return 0;
}

static int compare_addr(const void *a, const void *b)
{
    const struct symbol *x = a, *y = b;
    if (x->addr != y->addr)
        return x->addr < y->addr ? -1 : 1;
    /* At one address prefer global names (upper case) and sized ones. */
    bool gx = isupper((unsigned char)x->kind), gy = isupper((unsigned char)y->kind);
    if (gx != gy)
        return gx ? -1 : 1;
    if ((x->size != 0) != (y->size != 0))
        return x->size ? -1 : 1;
    return strcmp(x->name, y->name);
}

/* qsort has no context argument: sort the index through a small struct. */
struct name_ref {
    const char *name;
    size_t index;
};

static int compare_name_ref(const void *a, const void *b)
{
    const struct name_ref *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    if (c)
        return c;
    return x->index < y->index ? -1 : x->index > y->index;
}

void symtab_finish(struct symtab *st)
{
    for (size_t i = 0; i < st->count; i++)
        if ((uintptr_t)st->sym[i].name < st->names_len)
            st->sym[i].name = st->names + (uintptr_t)st->sym[i].name;
    qsort(st->sym, st->count, sizeof(*st->sym), compare_addr);
    free(st->by_name);
    st->by_name = NULL;
    struct name_ref *refs = malloc((st->count ? st->count : 1) * sizeof(*refs));
    st->by_name = malloc((st->count ? st->count : 1) * sizeof(*st->by_name));
    if (!refs || !st->by_name) {
        free(refs);
        free(st->by_name);
        st->by_name = NULL;
        return;
    }
    for (size_t i = 0; i < st->count; i++)
        refs[i] = (struct name_ref){ st->sym[i].name, i };
    qsort(refs, st->count, sizeof(*refs), compare_name_ref);
    for (size_t i = 0; i < st->count; i++)
        st->by_name[i] = refs[i].index;
    free(refs);
}

bool symtab_file_is_elf(const char *path)
{
    unsigned char magic[4];
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    bool elf = fread(magic, 1, 4, f) == 4 && memcmp(magic, ELFMAG, SELFMAG) == 0;
    fclose(f);
    return elf;
}

static bool is_mapping_symbol(const char *name)
{
    return name[0] == '$' && strchr("atdx", name[1]) && (name[2] == '\0' || name[2] == '.');
}

static long load_elf(struct symtab *st, const char *path, char *err, size_t err_len)
{
    if (elf_version(EV_CURRENT) == EV_NONE) {
        snprintf(err, err_len, "libelf: %s", elf_errmsg(-1));
        return -1;
    }
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        snprintf(err, err_len, "%s: %s", path, strerror(errno));
        return -1;
    }
    long loaded = -1;
    Elf *elf = elf_begin(fd, ELF_C_READ, NULL);
    if (!elf || elf_kind(elf) != ELF_K_ELF) {
        snprintf(err, err_len, "%s: not a valid ELF file", path);
        goto out;
    }
    Elf_Scn *scn = NULL;
    loaded = 0;
    while ((scn = elf_nextscn(elf, scn)) != NULL) {
        GElf_Shdr shdr;
        if (!gelf_getshdr(scn, &shdr) || shdr.sh_type != SHT_SYMTAB || !shdr.sh_entsize)
            continue;
        Elf_Data *data = elf_getdata(scn, NULL);
        if (!data)
            continue;
        size_t n = shdr.sh_size / shdr.sh_entsize;
        for (size_t i = 0; i < n; i++) {
            GElf_Sym sym;
            if (!gelf_getsym(data, (int)i, &sym))
                continue;
            int type = GELF_ST_TYPE(sym.st_info);
            if ((type != STT_FUNC && type != STT_OBJECT && type != STT_NOTYPE) ||
                sym.st_shndx == SHN_UNDEF || sym.st_shndx == SHN_ABS)
                continue;
            const char *name = elf_strptr(elf, shdr.sh_link, sym.st_name);
            if (!name || !*name || is_mapping_symbol(name))
                continue;
            bool global = GELF_ST_BIND(sym.st_info) != STB_LOCAL;
            char kind = type == STT_OBJECT ? 'D' : 'T';
            if (!global)
                kind = (char)tolower((unsigned char)kind);
            /* Bit 0 of a function's value is the Thumb bit; symtab_add
             * strips it for code kinds (T, t). */
            uint32_t addr = (uint32_t)sym.st_value;
            if (type != STT_FUNC && (addr & 1) && (kind == 'T' || kind == 't'))
                kind = global ? 'D' : 'd';   /* odd NOTYPE label: not Thumb code */
            if (symtab_add(st, addr, (uint32_t)sym.st_size, kind, name) < 0) {
                snprintf(err, err_len, "out of memory");
                loaded = -1;
                goto out;
            }
            loaded++;
        }
    }
out:
    if (elf)
        elf_end(elf);
    close(fd);
    return loaded;
}

/* "c0008000 T stext" lines; other lines are an error naming the line. */
static long load_map(struct symtab *st, const char *path, char *err, size_t err_len)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, err_len, "%s: %s", path, strerror(errno));
        return -1;
    }
    char line[512];
    unsigned number = 0;
    long loaded = 0;
    while (fgets(line, sizeof(line), f)) {
        number++;
        char name[256], kind;
        unsigned long long addr;
        if (line[0] == '\n' || line[0] == '#')
            continue;
        if (sscanf(line, "%llx %c %255s", &addr, &kind, name) != 3 || addr > UINT32_MAX) {
            snprintf(err, err_len, "%s:%u: expected 'ADDRESS TYPE NAME'", path, number);
            loaded = -1;
            break;
        }
        /* Absolute values (a, A) and mapping symbols name no code or data. */
        if (kind == 'a' || kind == 'A' || kind == 'U' || kind == 'w' || kind == 'N' ||
            is_mapping_symbol(name))
            continue;
        if (symtab_add(st, (uint32_t)addr, 0, kind, name) < 0) {
            snprintf(err, err_len, "out of memory");
            loaded = -1;
            break;
        }
        loaded++;
    }
    fclose(f);
    return loaded;
}

long symtab_load(struct symtab *st, const char *path, char *err, size_t err_len)
{
    struct symtab fresh;
    symtab_init(&fresh);
    long n = symtab_file_is_elf(path) ? load_elf(&fresh, path, err, err_len)
                                      : load_map(&fresh, path, err, err_len);
    if (n < 0) {
        symtab_free(&fresh);
        return -1;
    }
    symtab_finish(&fresh);
    snprintf(fresh.source, sizeof(fresh.source), "%s", path);
    symtab_free(st);
    *st = fresh;
    return n;
}

const struct symbol *symtab_lookup_addr(const struct symtab *st, uint32_t addr,
                                        uint32_t *offset)
{
    if (!st || !st->count || addr < st->sym[0].addr)
        return NULL;
    size_t lo = 0, hi = st->count;   /* last symbol with sym.addr <= addr */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (st->sym[mid].addr <= addr)
            lo = mid;
        else
            hi = mid;
    }
    /* Step back to the preferred (first) symbol at that address. */
    while (lo > 0 && st->sym[lo - 1].addr == st->sym[lo].addr)
        lo--;
    const struct symbol *s = &st->sym[lo];
    uint32_t off = addr - s->addr;
    if (s->size) {
        if (off >= s->size)
            return NULL;
    } else {
        size_t next = lo + 1;
        while (next < st->count && st->sym[next].addr == s->addr)
            next++;
        if (off >= SYMTAB_MAX_GAP)
            return NULL;
        /* An unsized symbol followed by nothing: only its first bytes. */
        if (next == st->count && off >= 0x1000)
            return NULL;
    }
    *offset = off;
    return s;
}

const struct symbol *symtab_lookup_name(const struct symtab *st, const char *name)
{
    if (!st || !st->by_name)
        return NULL;
    size_t lo = 0, hi = st->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(st->sym[st->by_name[mid]].name, name);
        if (c == 0) {
            /* The first of equal names (by index: the lowest address). */
            while (mid > 0 && strcmp(st->sym[st->by_name[mid - 1]].name, name) == 0)
                mid--;
            return &st->sym[st->by_name[mid]];
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

void symtab_format(const struct symtab *st, uint32_t addr, char *buf, size_t len)
{
    uint32_t off;
    const struct symbol *s = symtab_lookup_addr(st, addr, &off);
    if (!s)
        snprintf(buf, len, "%s", "");
    else if (off)
        snprintf(buf, len, "%s+0x%x", s->name, off);
    else
        snprintf(buf, len, "%s", s->name);
}
