/*
 * Terminal raw mode and serial backends (see frontends/terminal.h).
 */
#include "frontends/terminal.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>

#include "base/report.h"

void terminal_init(struct terminal *t, int fd)
{
    memset(t, 0, sizeof(*t));
    t->fd = fd;
    t->is_tty = isatty(fd);
}

int terminal_enter_raw(struct terminal *t)
{
    if (!t->is_tty || t->raw)
        return 0;
    if (tcgetattr(t->fd, &t->saved) < 0)
        return -errno;
    struct termios raw = t->saved;
    cfmakeraw(&raw);
    /* Keep output post-processing so host-side messages start at column 0. */
    raw.c_oflag |= OPOST | ONLCR;
    if (tcsetattr(t->fd, TCSANOW, &raw) < 0)
        return -errno;
    t->raw = true;
    return 0;
}

void terminal_restore(struct terminal *t)
{
    if (t->raw) {
        tcsetattr(t->fd, TCSANOW, &t->saved);
        t->raw = false;
    }
}

static void write_stdout(const void *data, size_t len)
{
    const uint8_t *buf = data;
    while (len) {
        ssize_t n = write(STDOUT_FILENO, buf, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        buf += n;
        len -= (size_t)n;
    }
}

/* Writes buf for writer, keeping the consoles' lines apart (see terminal.h). */
static void mux_write(struct console_mux *mux, const void *writer, const char *label,
                      const uint8_t *buf, size_t len)
{
    if (mux->last_writer != writer && mux->line_open) {
        write_stdout("\n", 1);
        mux->line_open = false;
    }
    mux->last_writer = writer;
    bool prefixed = label && !(mux->focus && !strcmp(mux->focus, label));
    while (len) {
        if (prefixed && !mux->line_open) {
            char prefix[64];
            int n = snprintf(prefix, sizeof(prefix), "[%s] ", label);
            write_stdout(prefix, n > 0 && (size_t)n < sizeof(prefix) ? (size_t)n : 0);
        }
        const uint8_t *newline = memchr(buf, '\n', len);
        size_t chunk = newline ? (size_t)(newline - buf) + 1 : len;
        write_stdout(buf, chunk);
        mux->line_open = buf[chunk - 1] != '\n';
        buf += chunk;
        len -= chunk;
    }
}

void console_mux_end_line(struct console_mux *mux)
{
    if (mux->line_open)
        write_stdout("\n", 1);
    mux->line_open = false;
    mux->last_writer = NULL;
}

void console_mux_notice(struct console_mux *mux, const char *fmt, ...)
{
    char text[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(text, sizeof(text) - 1, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    size_t len = (size_t)n < sizeof(text) - 1 ? (size_t)n : sizeof(text) - 2;
    text[len++] = '\n';
    if (mux) {
        mux_write(mux, mux, NULL, (const uint8_t *)text, len);
    } else {
        write_stdout("\n", 1);
        write_stdout(text, len);
    }
}

static void sink_write(void *opaque, const uint8_t *buf, size_t len)
{
    struct serial_sink *sink = opaque;
    if (sink->kind == SINK_STDIO) {
        if (sink->mux)
            mux_write(sink->mux, sink, sink->label, buf, len);
        else
            write_stdout(buf, len);
    } else if (sink->kind == SINK_FILE) {
        fwrite(buf, 1, len, sink->file);
        fflush(sink->file);
    }
}

int serial_sink_open(struct serial_sink *sink, const char *spec, const char *origin,
                     unsigned line)
{
    memset(sink, 0, sizeof(*sink));
    if (!strcmp(spec, "null")) {
        sink->kind = SINK_NULL;
    } else if (!strcmp(spec, "stdio")) {
        sink->kind = SINK_STDIO;
    } else if (!strncmp(spec, "file:", 5) && spec[5]) {
        sink->file = fopen(spec + 5, "w");
        if (!sink->file) {
            report_error_at(origin, line, "backend: cannot open '%s': %s", spec + 5,
                            strerror(errno));
            return -1;
        }
        sink->kind = SINK_FILE;
    } else {
        report_error_at(origin, line, "backend: '%s' is not one of stdio, null, file:PATH",
                        spec);
        return -1;
    }
    return 0;
}

void serial_sink_close(struct serial_sink *sink)
{
    if (sink->kind == SINK_FILE && sink->file)
        fclose(sink->file);
    sink->file = NULL;
    sink->kind = SINK_NULL;
}

void serial_sink_attach(struct serial_sink *sink, struct console_mux *mux, const char *label)
{
    sink->mux = mux;
    sink->label = label;
}

struct char_backend serial_sink_backend(struct serial_sink *sink)
{
    struct char_backend be = { sink_write, sink };
    return be;
}
