/*
 * The host terminal: raw mode for the serial console and its restoration,
 * plus the serial backends (stdio, null, file:PATH) that UARTs and the
 * hypervisor's domain consoles write to.
 */
#ifndef FRONTENDS_TERMINAL_H
#define FRONTENDS_TERMINAL_H

#include <stdbool.h>
#include <stdio.h>
#include <termios.h>

#include "devices/chardev.h"

struct terminal {
    int fd;
    bool is_tty;
    bool raw;
    struct termios saved;
};

void terminal_init(struct terminal *t, int fd);
/* Raw mode: bytes go to the guest unchanged (Ctrl-C included). */
int terminal_enter_raw(struct terminal *t);
/* Restores the saved mode; async-signal-safe. */
void terminal_restore(struct terminal *t);

/*
 * With a hypervisor, several consoles share the terminal: the board's
 * UARTs and one console per domain. Their stdio sinks write through one
 * console_mux, which keeps their lines apart: when another console
 * writes while the last one left a line unfinished, it starts a new line
 * first; and every line of a domain console that does not have the
 * keyboard starts with "[NAME] ". The console with the keyboard (Ctrl-A n)
 * is shown as is, so its line editing and prompts look right.
 */
struct console_mux {
    const void *last_writer;    /* the sink (or notice) that wrote last */
    bool line_open;             /* ... and its last byte was not a newline */
    const char *focus;          /* domain console with the keyboard; NULL: board UART */
};

/* A serial backend from a [serialN] backend value; prints errors. */
struct serial_sink {
    enum { SINK_NULL, SINK_STDIO, SINK_FILE } kind;
    FILE *file;
    struct console_mux *mux;    /* NULL: straight to stdout */
    const char *label;          /* a domain console's name, else NULL */
};

int serial_sink_open(struct serial_sink *sink, const char *spec, const char *origin,
                     unsigned line);
void serial_sink_close(struct serial_sink *sink);
struct char_backend serial_sink_backend(struct serial_sink *sink);
/* Routes a stdio sink through mux; label names a domain console. */
void serial_sink_attach(struct serial_sink *sink, struct console_mux *mux, const char *label);

/* Ends a line some console left open (at exit, so the shell prompt starts clean). */
void console_mux_end_line(struct console_mux *mux);
/* A host message ("[armhv: input -> guest1 console]") on a line of its own. */
__attribute__((format(printf, 2, 3)))
void console_mux_notice(struct console_mux *mux, const char *fmt, ...);

#endif
