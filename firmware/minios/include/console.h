/*
 * The kernel console: where printk goes. A DomU writes to its PV console
 * ring (HVM_PARAM_CONSOLE_PFN/EVTCHN, ABI doc 8), Dom0 (and a domain
 * without a ring) to the hypervisor's console_io(CONSOLEIO_write).
 */
#ifndef MINIOS_CONSOLE_H
#define MINIOS_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Early output: console_io until console_init() finds a ring. */
void console_init(void);
void console_write(const char *buf, size_t len);
/* Bytes typed on the PV console (0 when none or no ring). */
size_t console_read(char *buf, size_t len);
/* True when printk goes to a PV ring (a DomU). */
int console_has_ring(void);
/* After events_init: let console input (the ring's port) wake threads. */
void console_bind_events(void);
bool console_input_pending(void);

int printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
