/*
 * Host-side error reporting. Every message the user sees about bad input
 * (a config file, an image, a command line) goes through here so it has one
 * shape: "armhv-emu: FILE:LINE: message" or "armhv-emu: message".
 */
#ifndef BASE_REPORT_H
#define BASE_REPORT_H

#include <stdarg.h>

__attribute__((format(printf, 1, 2)))
void report_error(const char *fmt, ...);

/* file may be NULL; line 0 means "no line". */
__attribute__((format(printf, 3, 4)))
void report_error_at(const char *file, unsigned line, const char *fmt, ...);

__attribute__((format(printf, 1, 2)))
void report_warning(const char *fmt, ...);

#endif
