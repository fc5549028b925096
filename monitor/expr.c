/*
 * Numbers, registers and expressions for monitor commands (expr.h). A
 * recursive-descent parser over the text; evaluation happens while
 * parsing, so a condition costs one pass each time it is tested.
 */
#include "monitor/expr.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "monitor/symbols.h"

int mon_parse_number(const char *text, uint64_t *value)
{
    const char *p = text;
    int base = 10;
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
        base = 16;
        p += 2;
    } else if (p[0] == '0' && (p[1] == 'b' || p[1] == 'B')) {
        base = 2;
        p += 2;
    }
    if (!isxdigit((unsigned char)*p))
        return -1;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(p, &end, base);
    if (*end || errno)
        return -1;
    *value = v;
    return 0;
}

/* ---- registers ---- */

static const char *const bank_names[BANK_COUNT] = {
    [BANK_USR] = "usr", [BANK_FIQ] = "fiq", [BANK_IRQ] = "irq", [BANK_SVC] = "svc",
    [BANK_ABT] = "abt", [BANK_UND] = "und", [BANK_MON] = "mon", [BANK_HYP] = "hyp",
};

const char *mon_bank_name(enum arm_bank bank)
{
    return bank < BANK_COUNT ? bank_names[bank] : "?";
}

bool mon_cpu_has_bank(const struct arm_cpu *cpu, enum arm_bank bank)
{
    if (bank == BANK_MON)
        return (cpu->model->features & CPU_FEAT_SECURITY) != 0;
    if (bank == BANK_HYP)
        return (cpu->model->features & CPU_FEAT_VIRT) != 0;
    return bank < BANK_COUNT;
}

const char *const mon_reg_names[] = {
    "r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9", "r10", "r11", "r12",
    "sp", "lr", "pc", "cpsr", "spsr", "ip", "fp", "sl", "sb",
    "sp_usr", "lr_usr", "sp_svc", "lr_svc", "spsr_svc", "sp_irq", "lr_irq", "spsr_irq",
    "sp_fiq", "lr_fiq", "spsr_fiq", "sp_abt", "lr_abt", "spsr_abt", "sp_und", "lr_und",
    "spsr_und", "r8_fiq", "r9_fiq", "r10_fiq", "r11_fiq", "r12_fiq",
    NULL,
};

/* "r0".."r15" and the ABI aliases; -1 otherwise. */
static int reg_number(const char *name)
{
    static const struct { const char *name; int reg; } alias[] = {
        { "sp", 13 }, { "lr", 14 }, { "pc", 15 }, { "ip", 12 }, { "fp", 11 },
        { "sl", 10 }, { "sb", 9 },
    };
    for (size_t i = 0; i < sizeof(alias) / sizeof(alias[0]); i++)
        if (strcmp(name, alias[i].name) == 0)
            return alias[i].reg;
    if (name[0] != 'r' || !isdigit((unsigned char)name[1]))
        return -1;
    if (name[1] == '0' && name[2])
        return -1;
    char *end;
    long n = strtol(name + 1, &end, 10);
    return *end || n > 15 ? -1 : (int)n;
}

static int bank_number(const char *name)
{
    for (int i = 0; i < BANK_COUNT; i++)
        if (strcmp(name, bank_names[i]) == 0)
            return i;
    return strcmp(name, "sys") == 0 ? BANK_USR : -1;
}

/*
 * Where a banked register lives: r[] when its bank is the current one,
 * else the bank arrays (cpu.h: r[] holds the current mode's registers).
 * reg is 8-14 or 16 for the SPSR.
 */
static uint32_t *banked_slot(struct arm_cpu *cpu, int reg, enum arm_bank bank)
{
    enum arm_bank cur = cpu_mode_bank(cpu_mode(cpu));
    if (reg >= 8 && reg <= 12) {
        if ((bank == BANK_FIQ) == (cur == BANK_FIQ))
            return &cpu->r[reg];
        return bank == BANK_FIQ ? &cpu->fiq_r8_r12[reg - 8] : &cpu->usr_r8_r12[reg - 8];
    }
    if (reg == 16) {
        if (bank == BANK_USR)
            return NULL;
        return bank == cur ? &cpu->spsr : &cpu->bank_spsr[bank];
    }
    if (bank == cur)
        return &cpu->r[reg];
    return reg == 13 ? &cpu->bank_r13[bank] : &cpu->bank_r14[bank];
}

/* Splits "sp_svc" into register 13 and bank SVC; false when not banked. */
static bool parse_banked(const struct arm_cpu *cpu, const char *name, int *reg,
                         enum arm_bank *bank)
{
    const char *us = strrchr(name, '_');
    char base[8];
    if (!us || (size_t)(us - name) >= sizeof(base))
        return false;
    memcpy(base, name, (size_t)(us - name));
    base[us - name] = '\0';
    int b = bank_number(us + 1);
    if (b < 0 || !mon_cpu_has_bank(cpu, (enum arm_bank)b))
        return false;
    int r = strcmp(base, "spsr") == 0 ? 16 : reg_number(base);
    if (r < 8 || r == 15)
        return false;
    if (r <= 12 && b != BANK_FIQ && b != BANK_USR)
        return false;   /* r8-r12 are banked for FIQ only */
    if (r == 16 && b == BANK_USR)
        return false;
    *reg = r;
    *bank = (enum arm_bank)b;
    return true;
}

bool mon_reg_read(const struct arm_cpu *cpu, const char *name, uint32_t *value)
{
    int reg = reg_number(name);
    if (reg >= 0) {
        *value = cpu->r[reg];
        return true;
    }
    if (strcmp(name, "cpsr") == 0) {
        *value = cpu_get_cpsr(cpu);
        return true;
    }
    if (strcmp(name, "spsr") == 0) {
        if (!cpu_mode_has_spsr(cpu_mode(cpu)))
            return false;
        *value = cpu->spsr;
        return true;
    }
    enum arm_bank bank;
    if (!parse_banked(cpu, name, &reg, &bank))
        return false;
    /* banked_slot only computes an address; nothing is written. */
    uint32_t *slot = banked_slot((struct arm_cpu *)cpu, reg, bank);
    if (!slot)
        return false;
    *value = *slot;
    return true;
}

bool mon_reg_write(struct arm_cpu *cpu, const char *name, uint32_t value)
{
    int reg = reg_number(name);
    if (reg == 15) {
        /* The PC is always the address of the next instruction here. */
        cpu->r[15] = value & (cpu->thumb ? ~1u : ~3u);
        return true;
    }
    if (reg >= 0) {
        cpu->r[reg] = value;
        return true;
    }
    if (strcmp(name, "cpsr") == 0) {
        if (!cpu_mode_is_valid(cpu, value & PSR_M_MASK))
            return false;
        cpu_set_cpsr(cpu, value, 0xffffffffu);
        return true;
    }
    if (strcmp(name, "spsr") == 0) {
        if (!cpu_mode_has_spsr(cpu_mode(cpu)))
            return false;
        cpu->spsr = value;
        return true;
    }
    enum arm_bank bank;
    if (!parse_banked(cpu, name, &reg, &bank))
        return false;
    uint32_t *slot = banked_slot(cpu, reg, bank);
    if (!slot)
        return false;
    *slot = value;
    return true;
}

/* ---- expressions ---- */

struct parser {
    const struct mon_expr_env *env;
    const char *p;
    char *err;
    size_t err_len;
    bool failed;
};

__attribute__((format(printf, 2, 3)))
static void fail(struct parser *ps, const char *fmt, ...)
{
    if (ps->failed)
        return;
    ps->failed = true;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ps->err, ps->err_len, fmt, ap);
    va_end(ap);
}

static void skip_space(struct parser *ps)
{
    while (isspace((unsigned char)*ps->p))
        ps->p++;
}

/* Consumes op if it comes next (and is not the start of a longer one). */
static bool accept(struct parser *ps, const char *op)
{
    skip_space(ps);
    size_t n = strlen(op);
    if (strncmp(ps->p, op, n) != 0)
        return false;
    /* "<" must not eat "<=" or "<<"; "&" not "&&"; "|" not "||". */
    if (n == 1 && strchr("<>&|=!", op[0]) && ps->p[1] &&
        (ps->p[1] == '=' || ps->p[1] == op[0]))
        return false;
    ps->p += n;
    return true;
}

static bool ident_char(char c, bool first)
{
    return isalpha((unsigned char)c) || c == '_' || c == '.' || c == '$' ||
           (!first && isdigit((unsigned char)c));
}

static uint32_t parse_or(struct parser *ps);

static uint32_t parse_primary(struct parser *ps)
{
    skip_space(ps);
    if (ps->failed)
        return 0;
    if (accept(ps, "(")) {
        uint32_t v = parse_or(ps);
        if (!accept(ps, ")"))
            fail(ps, "missing ')'");
        return v;
    }
    if (accept(ps, "[")) {
        uint32_t addr = parse_or(ps);
        if (!accept(ps, "]")) {
            fail(ps, "missing ']'");
            return 0;
        }
        uint32_t v = 0;
        if (!ps->env->read_word || ps->env->read_word(ps->env->opaque, addr, &v) < 0)
            fail(ps, "cannot read memory at 0x%08x", addr);
        return v;
    }
    if (isdigit((unsigned char)*ps->p)) {
        const char *start = ps->p;
        while (isalnum((unsigned char)*ps->p))
            ps->p++;
        char buf[40];
        size_t n = (size_t)(ps->p - start);
        uint64_t v;
        if (n >= sizeof(buf)) {
            fail(ps, "number too long");
            return 0;
        }
        memcpy(buf, start, n);
        buf[n] = '\0';
        if (mon_parse_number(buf, &v) < 0 || v > UINT32_MAX) {
            fail(ps, "'%s' is not a 32-bit number", buf);
            return 0;
        }
        return (uint32_t)v;
    }
    if (ident_char(*ps->p, true)) {
        const char *start = ps->p;
        while (ident_char(*ps->p, false))
            ps->p++;
        char name[128];
        size_t n = (size_t)(ps->p - start);
        if (n >= sizeof(name)) {
            fail(ps, "name too long");
            return 0;
        }
        memcpy(name, start, n);
        name[n] = '\0';
        const char *reg = name[0] == '$' ? name + 1 : name;
        uint32_t v;
        if (ps->env->cpu && mon_reg_read(ps->env->cpu, reg, &v))
            return v;
        const struct symbol *s = ps->env->syms ? symtab_lookup_name(ps->env->syms, name)
                                               : NULL;
        if (s)
            return s->addr;
        fail(ps, "unknown register or symbol '%s'", name);
        return 0;
    }
    if (*ps->p)
        fail(ps, "unexpected '%c'", *ps->p);
    else
        fail(ps, "expression ends too early");
    return 0;
}

static uint32_t parse_unary(struct parser *ps)
{
    if (accept(ps, "-"))
        return -parse_unary(ps);
    if (accept(ps, "~"))
        return ~parse_unary(ps);
    if (accept(ps, "!"))
        return !parse_unary(ps);
    return parse_primary(ps);
}

static uint32_t parse_product(struct parser *ps)
{
    uint32_t v = parse_unary(ps);
    for (;;) {
        if (accept(ps, "*")) {
            v *= parse_unary(ps);
        } else if (accept(ps, "<<")) {
            uint32_t n = parse_unary(ps);
            v = n >= 32 ? 0 : v << n;
        } else if (accept(ps, ">>")) {
            uint32_t n = parse_unary(ps);
            v = n >= 32 ? 0 : v >> n;
        } else {
            return v;
        }
    }
}

static uint32_t parse_sum(struct parser *ps)
{
    uint32_t v = parse_product(ps);
    for (;;) {
        if (accept(ps, "+"))
            v += parse_product(ps);
        else if (accept(ps, "-"))
            v -= parse_product(ps);
        else
            return v;
    }
}

static uint32_t parse_bitand(struct parser *ps)
{
    uint32_t v = parse_sum(ps);
    while (accept(ps, "&"))
        v &= parse_sum(ps);
    return v;
}

static uint32_t parse_bitor(struct parser *ps)
{
    uint32_t v = parse_bitand(ps);
    while (accept(ps, "|"))
        v |= parse_bitand(ps);
    return v;
}

static uint32_t parse_cmp(struct parser *ps)
{
    uint32_t v = parse_bitor(ps);
    if (accept(ps, "=="))
        return v == parse_bitor(ps);
    if (accept(ps, "!="))
        return v != parse_bitor(ps);
    if (accept(ps, "<="))
        return v <= parse_bitor(ps);
    if (accept(ps, ">="))
        return v >= parse_bitor(ps);
    if (accept(ps, "<"))
        return v < parse_bitor(ps);
    if (accept(ps, ">"))
        return v > parse_bitor(ps);
    return v;
}

/* Both sides are always parsed (and so checked), whatever the left gives. */
static uint32_t parse_and(struct parser *ps)
{
    uint32_t v = parse_cmp(ps);
    while (accept(ps, "&&")) {
        uint32_t r = parse_cmp(ps);
        v = v && r;
    }
    return v;
}

static uint32_t parse_or(struct parser *ps)
{
    uint32_t v = parse_and(ps);
    while (accept(ps, "||")) {
        uint32_t r = parse_and(ps);
        v = v || r;
    }
    return v;
}

int mon_expr_eval(const struct mon_expr_env *env, const char *text, uint32_t *value,
                  char *err, size_t err_len)
{
    struct parser ps = { .env = env, .p = text, .err = err, .err_len = err_len };
    uint32_t v = parse_or(&ps);
    skip_space(&ps);
    if (!ps.failed && *ps.p)
        fail(&ps, "unexpected '%s'", ps.p);
    if (ps.failed)
        return -1;
    *value = v;
    return 0;
}

/* ---- x/NFMT ---- */

int mon_parse_xfmt(const char *fmt, struct mon_xfmt *f, char *err, size_t err_len)
{
    const char *p = fmt;
    bool have_count = false, have_size = false;
    unsigned long count = 0;
    f->kind = XFMT_HEX;
    f->size = 4;
    if (isdigit((unsigned char)*p)) {
        char *end;
        errno = 0;
        count = strtoul(p, &end, 10);
        if (errno || count == 0 || count > 65536) {
            snprintf(err, err_len, "count in '/%s' must be 1..65536", fmt);
            return -1;
        }
        have_count = true;
        p = end;
    }
    bool have_kind = false;
    for (; *p; p++) {
        switch (*p) {
        case 'x': case 'd': case 'u': case 's': case 'i': case 'c':
            if (have_kind) {
                snprintf(err, err_len, "two formats in '/%s'", fmt);
                return -1;
            }
            f->kind = *p;
            have_kind = true;
            break;
        case 'b': f->size = 1; have_size = true; break;
        case 'h': f->size = 2; have_size = true; break;
        case 'w': f->size = 4; have_size = true; break;
        default:
            snprintf(err, err_len, "unknown letter '%c' in '/%s' (formats x d u c s i, "
                     "sizes b h w)", *p, fmt);
            return -1;
        }
    }
    if (f->kind == XFMT_CHAR && !have_size)
        f->size = 1;
    if ((f->kind == XFMT_STRING || f->kind == XFMT_INSN) && have_size) {
        snprintf(err, err_len, "'/%s': a size letter makes no sense with s or i", fmt);
        return -1;
    }
    f->count = have_count ? (unsigned)count : f->kind == XFMT_STRING ? 1 : 4;
    return 0;
}
