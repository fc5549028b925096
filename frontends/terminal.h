/*
 * The host terminal: raw mode for the serial console and its restoration,
 * plus the serial backends (stdio, null, file:PATH) that UARTs write to.
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

/* A serial backend from a [serialN] backend value; prints errors. */
struct serial_sink {
    enum { SINK_NULL, SINK_STDIO, SINK_FILE } kind;
    FILE *file;
};

int serial_sink_open(struct serial_sink *sink, const char *spec, const char *origin,
                     unsigned line);
void serial_sink_close(struct serial_sink *sink);
struct char_backend serial_sink_backend(struct serial_sink *sink);

#endif
