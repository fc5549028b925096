/*
 * One place that prints host-side errors, so messages are greppable and
 * consistently prefixed with the program name.
 */
#include "base/report.h"

#include <stdio.h>

static void report_vprint(const char *kind, const char *file, unsigned line,
                          const char *fmt, va_list ap)
{
    fputs("armhv-emu: ", stderr);
    if (file && line)
        fprintf(stderr, "%s:%u: ", file, line);
    else if (file)
        fprintf(stderr, "%s: ", file);
    if (kind)
        fputs(kind, stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

void report_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    report_vprint(NULL, NULL, 0, fmt, ap);
    va_end(ap);
}

void report_error_at(const char *file, unsigned line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    report_vprint(NULL, file, line, fmt, ap);
    va_end(ap);
}

void report_warning(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    report_vprint("warning: ", NULL, 0, fmt, ap);
    va_end(ap);
}
