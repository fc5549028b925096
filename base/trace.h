/*
 * Trace classes (-d on the command line, `trace` in the monitor).
 * A struct trace is owned by the machine and handed down to every layer
 * that logs, so there is no global logging state.
 */
#ifndef BASE_TRACE_H
#define BASE_TRACE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

enum trace_class {
    TRACE_EXCEPTION,   /* exception entry/return */
    TRACE_MMIO,        /* every device register access */
    TRACE_IRQ,         /* interrupt line changes */
    TRACE_MMU,         /* page-table walks and faults */
    TRACE_HV,          /* hypercalls */
    TRACE_GUEST_ERROR, /* guest did something the hardware would not like */
    TRACE_UNIMP,       /* guest used something we do not model */
    TRACE_CLASS_COUNT
};

struct trace {
    uint32_t enabled;              /* bit per trace_class */
    FILE *out;                     /* NULL means stderr */
    unsigned printed[TRACE_CLASS_COUNT];
    unsigned limit;                /* 0: unlimited; else per-class cap */
};

static inline bool trace_enabled(const struct trace *t, enum trace_class c)
{
    return t && (t->enabled & (1u << c));
}

__attribute__((format(printf, 3, 4)))
void trace_printf(struct trace *t, enum trace_class c, const char *fmt, ...);

/* Parses "int,mmio,mmu" into a mask; returns -1 and names the bad word. */
int trace_parse_classes(const char *list, uint32_t *mask, const char **bad_word);
const char *trace_class_name(enum trace_class c);

#endif
