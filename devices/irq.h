/*
 * An interrupt wire: a device raises or lowers it, the controller at the
 * other end recomputes its outputs. Wired by the board file.
 */
#ifndef DEVICES_IRQ_H
#define DEVICES_IRQ_H

struct irq_line {
    void (*set)(void *opaque, unsigned line, int level);
    void *opaque;
    unsigned line;
};

static inline void irq_set(const struct irq_line *irq, int level)
{
    if (irq->set)
        irq->set(irq->opaque, irq->line, level);
}

static inline struct irq_line irq_line_make(void (*set)(void *, unsigned, int), void *opaque,
                                            unsigned line)
{
    struct irq_line irq = { set, opaque, line };
    return irq;
}

#endif
