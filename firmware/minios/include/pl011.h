/*
 * A passed-through PL011 UART (Dom0's shell terminal): polled output,
 * interrupt-driven input with a polled fallback.
 */
#ifndef MINIOS_PL011_H
#define MINIOS_PL011_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

void pl011_init(uint32_t base, uint32_t intid);
void pl011_putc(char c);
void pl011_write(const char *s, size_t len);
/* The next received byte, or -1. */
int pl011_getc(void);
bool pl011_rx_ready(void);

#endif
