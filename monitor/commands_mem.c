/*
 * Monitor commands about memory: x and xp (examine virtual or physical
 * memory), disas, walk (the page-table walk explained), tlb and symbols.
 * Every read here is side-effect free: virtual reads go through the
 * mmu's debug translation (no FSR, FAR or TLB change) and device
 * registers are never read.
 */
#include <ctype.h>
#include <inttypes.h>
#include <string.h>

#include "cpu/decode.h"
#include "cpu/mem.h"
#include "mmu/mmu.h"
#include "monitor/internal.h"

/* Bytes at va (virtual) or pa (physical, RAM/ROM only). */
static int read_mem(struct monitor *mon, bool physical, uint32_t addr, void *buf, unsigned len)
{
    if (!physical)
        return cpu_debug_read(mon_cpu(mon), addr, buf, len);
    return aspace_read_bytes(mon_mmu(mon)->as, addr, buf, len);
}

int mon_disas_at(struct monitor *mon, uint32_t va, bool thumb, struct mon_insn *insn)
{
    uint8_t bytes[4] = { 0 };
    size_t len = 4;
    if (thumb) {
        /* The second halfword may be on an unmapped page: read it apart. */
        if (read_mem(mon, false, va, bytes, 2) < 0)
            return -1;
        if (read_mem(mon, false, va + 2, bytes + 2, 2) < 0)
            len = 2;
    } else if (read_mem(mon, false, va, bytes, 4) < 0) {
        return -1;
    }
    if (mon_disas_one(&mon->disas, thumb, va, bytes, len, insn) < 0)
        return mon_error(mon, "capstone cannot be opened");
    return 0;
}

void mon_print_insn(struct monitor *mon, uint32_t va, const struct mon_insn *insn, bool mark)
{
    char where[200], enc[16];
    mon_format_addr(mon, va, where, sizeof(where));
    if (insn->size == 2)
        snprintf(enc, sizeof(enc), "%04x", insn->encoding);
    else if (insn->thumb)
        snprintf(enc, sizeof(enc), "%04x %04x", insn->encoding >> 16, insn->encoding & 0xffff);
    else
        snprintf(enc, sizeof(enc), "%08x", insn->encoding);
    fprintf(mon->out, "%s %s:  %-9s  %s%s%s\n", mark ? "=>" : "  ", where, enc,
            insn->mnemonic, insn->operands[0] ? " " : "", insn->operands);
}

/*
 * ARM or Thumb for disassembly at addr: `arm`/`thumb` given, an odd
 * address (a BX target), a Thumb function symbol, else CPSR.T.
 */
static bool pick_thumb(struct monitor *mon, uint32_t *addr, int choice)
{
    if (choice >= 0)
        return choice;
    if (*addr & 1) {
        *addr &= ~1u;
        return true;
    }
    uint32_t off;
    const struct symbol *s = symtab_lookup_addr(&mon->syms, *addr, &off);
    if (s && (s->kind == 'T' || s->kind == 't'))
        return s->thumb;
    return mon_cpu(mon)->thumb;
}

/* Trailing `arm`/`thumb`: 1 Thumb, 0 ARM, -1 neither; *argc drops it. */
static int take_set_keyword(int *argc, char **argv)
{
    if (*argc > 1 && strcmp(argv[*argc - 1], "thumb") == 0) {
        (*argc)--;
        return 1;
    }
    if (*argc > 1 && strcmp(argv[*argc - 1], "arm") == 0) {
        (*argc)--;
        return 0;
    }
    return -1;
}

static int examine_insns(struct monitor *mon, uint32_t addr, unsigned count, int choice,
                         uint32_t *next)
{
    struct arm_cpu *cpu = mon_cpu(mon);
    bool thumb = pick_thumb(mon, &addr, choice);
    for (unsigned i = 0; i < count; i++) {
        struct mon_insn insn;
        if (mon_disas_at(mon, addr, thumb, &insn) < 0) {
            char where[200];
            mon_format_addr(mon, addr, where, sizeof(where));
            return mon_error(mon, "no translation for %s", where);
        }
        mon_print_insn(mon, addr, &insn, addr == cpu->r[15]);
        addr += insn.size;
    }
    *next = addr;
    return 0;
}

static void print_char(FILE *out, uint8_t c)
{
    switch (c) {
    case '\n': fputs("\\n", out); break;
    case '\r': fputs("\\r", out); break;
    case '\t': fputs("\\t", out); break;
    case '"': fputs("\\\"", out); break;
    case '\\': fputs("\\\\", out); break;
    default:
        if (isprint(c))
            fputc(c, out);
        else
            fprintf(out, "\\x%02x", c);
    }
}

static int examine_strings(struct monitor *mon, bool physical, uint32_t addr, unsigned count)
{
    for (unsigned n = 0; n < count; n++) {
        char where[200];
        mon_format_addr(mon, addr, where, sizeof(where));
        fprintf(mon->out, "%s: \"", where);
        unsigned i;
        for (i = 0; i < 4096; i++) {
            uint8_t c;
            if (read_mem(mon, physical, addr + i, &c, 1) < 0) {
                fputs("\" <unreadable>\n", mon->out);
                return -1;
            }
            if (c == 0)
                break;
            print_char(mon->out, c);
        }
        fputs(i == 4096 ? "\"...\n" : "\"\n", mon->out);
        addr += i + 1;
    }
    mon->next_x = addr;
    return 0;
}

static int examine_units(struct monitor *mon, bool physical, uint32_t addr,
                         const struct mon_xfmt *f)
{
    unsigned per_line = f->kind == XFMT_CHAR ? 16 : 16 / f->size;
    if (f->kind == XFMT_DEC || f->kind == XFMT_UNSIGNED)
        per_line = f->size == 4 ? 4 : 8;
    for (unsigned i = 0; i < f->count; i++) {
        uint32_t a = addr + i * f->size;
        if (i % per_line == 0) {
            char where[200];
            mon_format_addr(mon, a, where, sizeof(where));
            fprintf(mon->out, "%s%s%s:", i ? "\n" : "", physical ? "pa " : "", where);
        }
        uint32_t v = 0;
        if (read_mem(mon, physical, a, &v, f->size) < 0) {
            fputc('\n', mon->out);
            return mon_error(mon, physical ? "0x%08x is not RAM or ROM (devices: use "
                                             "devices NAME)"
                                           : "no translation for virtual address 0x%08x", a);
        }
        switch (f->kind) {
        case XFMT_HEX:
            fprintf(mon->out, " %0*x", f->size * 2, v);
            break;
        case XFMT_DEC: {
            int32_t s = f->size == 4 ? (int32_t)v : f->size == 2 ? (int16_t)v : (int8_t)v;
            fprintf(mon->out, " %11" PRId32, s);
            break;
        }
        case XFMT_UNSIGNED:
            fprintf(mon->out, " %10" PRIu32, v);
            break;
        case XFMT_CHAR:
            fputc(' ', mon->out);
            print_char(mon->out, (uint8_t)v);
            break;
        default:
            break;
        }
    }
    fputc('\n', mon->out);
    mon->next_x = addr + f->count * f->size;
    return 0;
}

int cmd_x(struct monitor *mon, int argc, char **argv)
{
    bool physical = strncmp(argv[0], "xp", 2) == 0;
    const char *slash = strchr(argv[0], '/');
    struct mon_xfmt f;
    char err[160];
    if (mon_parse_xfmt(slash ? slash + 1 : "", &f, err, sizeof(err)) < 0)
        return mon_error(mon, "%s", err);
    int choice = take_set_keyword(&argc, argv);
    if (choice >= 0 && f.kind != XFMT_INSN)
        return mon_error(mon, "'%s' only applies to x/i", choice ? "thumb" : "arm");
    if (physical && f.kind == XFMT_INSN)
        return mon_error(mon, "xp cannot disassemble; use x/i with a virtual address");
    /* The old form "x ADDR COUNT". */
    uint64_t count;
    if (!slash && argc == 3 && mon_parse_number(argv[2], &count) == 0) {
        if (count == 0 || count > 65536)
            return mon_error(mon, "count must be 1..65536");
        f.count = (unsigned)count;
        argc = 2;
    }
    uint32_t addr = mon->next_x;
    if (argc > 1 && mon_eval_args(mon, argc, argv, 1, &addr) < 0)
        return -1;
    if (argc <= 1 && physical)
        return mon_error(mon, "usage: xp[/NFMT] PADDR");
    switch (f.kind) {
    case XFMT_INSN:
        return examine_insns(mon, addr, f.count, choice, &mon->next_x);
    case XFMT_STRING:
        return examine_strings(mon, physical, addr, f.count);
    default:
        return examine_units(mon, physical, addr, &f);
    }
}

int cmd_disas(struct monitor *mon, int argc, char **argv)
{
    struct arm_cpu *cpu = mon_cpu(mon);
    int choice = take_set_keyword(&argc, argv);
    uint32_t addr;
    uint32_t count = 10;
    if (argc > 3)
        return mon_error(mon, "usage: disas [ADDR [N]] [arm|thumb]");
    if (argc > 2 && mon_eval(mon, argv[2], &count) < 0)
        return -1;
    if (count == 0 || count > 10000)
        return mon_error(mon, "N must be 1..10000");
    if (argc > 1) {
        if (mon_eval(mon, argv[1], &addr) < 0)
            return -1;
    } else if (mon->next_disas != cpu->r[15]) {
        addr = mon->next_disas;
    } else {
        /* Around the PC: ARM instructions have one size, so a few before it
         * decode as they were written; Thumb starts at the PC. */
        addr = cpu->r[15];
        bool thumb = choice >= 0 ? choice : cpu->thumb;
        if (!thumb && addr >= 12)
            addr -= 12;
        if (choice < 0)
            choice = thumb;
    }
    return examine_insns(mon, addr, count, choice, &mon->next_disas);
}

/* ---- walk ---- */

static void print_perms(FILE *out, const char *who, bool r, bool w, bool x)
{
    fprintf(out, " %s %c%c%c", who, r ? 'r' : '-', w ? 'w' : '-', x ? 'x' : '-');
}

int cmd_walk(struct monitor *mon, int argc, char **argv)
{
    if (argc < 2)
        return mon_error(mon, "usage: walk VA [r|w|x] [user]");
    enum mmu_access access = MMU_READ;
    bool user = false;
    while (argc > 2) {
        const char *word = argv[argc - 1];
        if (strcmp(word, "user") == 0)
            user = true;
        else if (strcmp(word, "r") == 0 || strcmp(word, "read") == 0)
            access = MMU_READ;
        else if (strcmp(word, "w") == 0 || strcmp(word, "write") == 0)
            access = MMU_WRITE;
        else if (strcmp(word, "x") == 0 || strcmp(word, "exec") == 0)
            access = MMU_EXEC;
        else
            break;
        argc--;
    }
    uint32_t va;
    if (mon_eval_args(mon, argc, argv, 1, &va) < 0)
        return -1;
    struct arm_cpu *cpu = mon_cpu(mon);
    struct mem_fault saved = cpu->fault;
    struct mmu_translation t;
    memset(&t, 0, sizeof(t));
    int rc = mmu_translate(cpu, va, access, user, &t, mon->out);
    cpu->fault = saved;
    if (rc < 0)
        return 0;   /* the walker printed the fault; the command itself worked */
    char where[200];
    mon_format_addr(mon, va, where, sizeof(where));
    fprintf(mon->out, "result: VA %s -> PA 0x%08" PRIx64 " (%u KiB mapping);", where, t.pa,
            t.page_size / 1024);
    print_perms(mon->out, "privileged", t.can_read_priv, t.can_write_priv, t.can_exec_priv);
    print_perms(mon->out, "user", t.can_read_user, t.can_write_user, t.can_exec_user);
    fputc('\n', mon->out);
    if (mon_hv_walk_stage2(mon, t.pa))
        return 0;
    struct mem_region *r = aspace_find(&mon->machine->as, t.pa);
    if (r)
        fprintf(mon->out, "  PA 0x%08" PRIx64 " is %s '%s'\n", t.pa,
                r->kind == REGION_RAM ? "RAM" : r->kind == REGION_ROM ? "ROM" : "device",
                r->name);
    else
        fprintf(mon->out, "  PA 0x%08" PRIx64 " is not mapped on this board (reads 0, "
                "writes ignored)\n", t.pa);
    return 0;
}

/* ---- tlb ---- */

static void tlb_tag(char *buf, uint32_t tag, uint32_t page, char letter)
{
    *buf = tag == page ? letter : '-';
}

int cmd_tlb(struct monitor *mon, int argc, char **argv)
{
    struct arm_cpu *cpu = mon_cpu(mon);
    bool all = argc > 1 && strcmp(argv[1], "all") == 0;
    if (argc > 1 && !all)
        return mon_error(mon, "usage: tlb [all]");
    unsigned shown = 0, valid = 0;
    fprintf(mon->out, "TLB of cpu%u: %u entries per privilege, direct-mapped by VA[%u:%u]\n",
            cpu->index, TLB_ENTRIES, TLB_PAGE_SHIFT + TLB_BITS - 1, TLB_PAGE_SHIFT);
    fputs("priv idx  VA page   PA page   perm fast code   region\n", mon->out);
    for (int priv = 1; priv >= 0; priv--) {
        for (unsigned i = 0; i < TLB_ENTRIES; i++) {
            const struct tlb_entry *e = &cpu->tlb[priv][i];
            if (e->tag_translated == TLB_INVALID)
                continue;
            valid++;
            if (!all && shown >= 64)
                continue;
            shown++;
            uint32_t page = e->tag_translated;
            char perm[4] = "---", fast[4] = "---", code[4] = "--";
            perm[0] = (e->perm & TLB_PERM_READ) ? 'r' : '-';
            perm[1] = (e->perm & TLB_PERM_WRITE) ? 'w' : '-';
            perm[2] = (e->perm & TLB_PERM_EXEC) ? 'x' : '-';
            tlb_tag(&fast[0], e->tag_read, page, 'r');
            tlb_tag(&fast[1], e->tag_write, page, 'w');
            tlb_tag(&fast[2], e->tag_exec, page, 'x');
            code[0] = e->tag_exec == page && e->code[0] ? 'A' : '-';
            code[1] = e->tag_exec == page && e->code[1] ? 'T' : '-';
            uint64_t pa = (uint64_t)e->phys_page << TLB_PAGE_SHIFT;
            const struct mem_region *r = aspace_find(mon_mmu(mon)->as, pa);
            char sym[160];
            symtab_format(&mon->syms, page, sym, sizeof(sym));
            fprintf(mon->out, "%-4s %03x  %08x  %08" PRIx64 "  %s  %s  %s     %s%s%s%s\n",
                    priv ? "PL1" : "PL0", i, page, pa, perm, fast, code,
                    r ? r->name : "(unmapped)", sym[0] ? " <" : "", sym, sym[0] ? ">" : "");
        }
    }
    fprintf(mon->out, "%u valid entr%s", valid, valid == 1 ? "y" : "ies");
    if (shown < valid)
        fprintf(mon->out, " (%u shown; tlb all lists every one)", shown);
    fputs("; perm: the cached translation's permissions; fast: tags the inline fast path "
          "uses\n", mon->out);
    return 0;
}

/* ---- symbols ---- */

int cmd_symbols(struct monitor *mon, int argc, char **argv)
{
    if (argc > 2)
        return mon_error(mon, "usage: symbols [FILE]");
    if (argc == 2) {
        char err[300];
        long n = symtab_load(&mon->syms, argv[1], err, sizeof(err));
        if (n < 0)
            return mon_error(mon, "%s", err);
        fprintf(mon->out, "loaded %ld symbols from %s\n", n, argv[1]);
        return 0;
    }
    if (!mon->syms.count) {
        fputs("no symbols loaded (symbols FILE loads an ELF file or a System.map)\n",
              mon->out);
        return 0;
    }
    fprintf(mon->out, "%zu symbols from %s, 0x%08x..0x%08x\n", mon->syms.count,
            mon->syms.source, mon->syms.sym[0].addr, mon->syms.sym[mon->syms.count - 1].addr);
    return 0;
}
