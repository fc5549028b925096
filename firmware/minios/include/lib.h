/*
 * The little C library mini-OS needs: string functions and a formatter
 * (%d %i %u %x %X %s %c %p %%, with 'l'/'ll' sizes, width, '-' and '0').
 * memset/memcpy/memcmp come from the firmware runtime (runtime/string.c).
 */
#ifndef MINIOS_LIB_H
#define MINIOS_LIB_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

void *memset(void *dst, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
/* Copies at most size-1 bytes and always terminates (size > 0). */
size_t strlcpy(char *dst, const char *src, size_t size);

/* Parses a decimal or 0x-prefixed unsigned number; false if s is not one. */
bool parse_u32(const char *s, uint32_t *out);

/* Calls out(c, ctx) for each produced character; returns the count. */
int format(void (*out)(char c, void *ctx), void *ctx, const char *fmt, va_list ap);
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));
int snprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
