/*
 * Trace output with a per-class cap so a guest hammering an unmodelled
 * register cannot flood the terminal (the cap is reported once).
 */
#include "base/trace.h"

#include <stdarg.h>
#include <string.h>

static const char *const trace_names[TRACE_CLASS_COUNT] = {
    [TRACE_EXCEPTION] = "int",
    [TRACE_MMIO] = "mmio",
    [TRACE_IRQ] = "irq",
    [TRACE_MMU] = "mmu",
    [TRACE_HV] = "hv",
    [TRACE_GUEST_ERROR] = "guest_errors",
    [TRACE_UNIMP] = "unimp",
};

const char *trace_class_name(enum trace_class c)
{
    return c < TRACE_CLASS_COUNT ? trace_names[c] : "?";
}

void trace_printf(struct trace *t, enum trace_class c, const char *fmt, ...)
{
    if (!trace_enabled(t, c))
        return;
    FILE *out = t->out ? t->out : stderr;
    if (t->limit && t->printed[c] >= t->limit) {
        if (t->printed[c] == t->limit) {
            fprintf(out, "[%s] further messages suppressed\n", trace_names[c]);
            t->printed[c]++;
        }
        return;
    }
    t->printed[c]++;
    va_list ap;
    va_start(ap, fmt);
    fprintf(out, "[%s] ", trace_names[c]);
    vfprintf(out, fmt, ap);
    fputc('\n', out);
    va_end(ap);
}

int trace_parse_classes(const char *list, uint32_t *mask, const char **bad_word)
{
    char word[32];
    uint32_t result = 0;
    const char *p = list;
    while (*p) {
        size_t len = strcspn(p, ",");
        if (len == 0 || len >= sizeof(word)) {
            *bad_word = p;
            return -1;
        }
        memcpy(word, p, len);
        word[len] = '\0';
        int found = -1;
        for (int i = 0; i < TRACE_CLASS_COUNT; i++)
            if (strcmp(word, trace_names[i]) == 0)
                found = i;
        /* The and QEMU-style names for two classes. */
        if (strcmp(word, "hypercalls") == 0)
            found = TRACE_HV;
        else if (strcmp(word, "exceptions") == 0)
            found = TRACE_EXCEPTION;
        if (strcmp(word, "all") == 0) {
            result = (1u << TRACE_CLASS_COUNT) - 1;
        } else if (found < 0) {
            *bad_word = p; /* points into list; the word ends at ',' */
            return -1;
        } else {
            result |= 1u << found;
        }
        p += len;
        if (*p == ',')
            p++;
    }
    *mask = result;
    return 0;
}
