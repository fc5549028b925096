/* String functions and the formatter behind printk and snprintf. */
#include "lib.h"

size_t strlen(const char *s)
{
    size_t n = 0;

    while (s[n])
        n++;
    return n;
}

size_t strnlen(const char *s, size_t max)
{
    size_t n = 0;

    while (n < max && s[n])
        n++;
    return n;
}

int strcmp(const char *a, const char *b)
{
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
    for (; n; n--, a++, b++) {
        if (*a != *b || !*a)
            return (unsigned char)*a - (unsigned char)*b;
    }
    return 0;
}

char *strchr(const char *s, int c)
{
    for (;; s++) {
        if (*s == (char)c)
            return (char *)s;
        if (!*s)
            return NULL;
    }
}

size_t strlcpy(char *dst, const char *src, size_t size)
{
    size_t len = strlen(src);
    size_t n = len < size - 1 ? len : size - 1;

    memcpy(dst, src, n);
    dst[n] = '\0';
    return len;
}

bool parse_u32(const char *s, uint32_t *out)
{
    unsigned base = 10;
    uint64_t v = 0;

    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
    }
    if (!*s)
        return false;
    for (; *s; s++) {
        unsigned d;

        if (*s >= '0' && *s <= '9')
            d = (unsigned)(*s - '0');
        else if (base == 16 && *s >= 'a' && *s <= 'f')
            d = (unsigned)(*s - 'a' + 10);
        else if (base == 16 && *s >= 'A' && *s <= 'F')
            d = (unsigned)(*s - 'A' + 10);
        else
            return false;
        v = v * base + d;
        if (v > 0xffffffffu)
            return false;
    }
    *out = (uint32_t)v;
    return true;
}

struct fmt_state {
    void (*out)(char c, void *ctx);
    void *ctx;
    int count;
};

static void emit(struct fmt_state *st, char c)
{
    st->out(c, st->ctx);
    st->count++;
}

static void emit_padded(struct fmt_state *st, const char *s, int len, int width, bool left,
                        char pad)
{
    if (!left) {
        for (int i = len; i < width; i++)
            emit(st, pad);
    }
    for (int i = 0; i < len; i++)
        emit(st, s[i]);
    if (left) {
        for (int i = len; i < width; i++)
            emit(st, ' ');
    }
}

int format(void (*out)(char c, void *ctx), void *ctx, const char *fmt, va_list ap)
{
    struct fmt_state st = { out, ctx, 0 };

    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            emit(&st, *fmt);
            continue;
        }
        bool left = false, zero = false;
        int width = 0, longs = 0;

        fmt++;
        for (;; fmt++) {
            if (*fmt == '-')
                left = true;
            else if (*fmt == '0')
                zero = true;
            else
                break;
        }
        while (*fmt >= '0' && *fmt <= '9')
            width = width * 10 + (*fmt++ - '0');
        while (*fmt == 'l') {
            longs++;
            fmt++;
        }
        char buf[24];
        int len = 0;
        uint64_t v;
        bool negative = false;
        unsigned base = 10;
        const char *digits = "0123456789abcdef";

        switch (*fmt) {
        case '\0':
            return st.count;
        case '%':
            emit(&st, '%');
            continue;
        case 'c':
            buf[0] = (char)va_arg(ap, int);
            emit_padded(&st, buf, 1, width, left, ' ');
            continue;
        case 's': {
            const char *s = va_arg(ap, const char *);

            if (!s)
                s = "(null)";
            emit_padded(&st, s, (int)strlen(s), width, left, ' ');
            continue;
        }
        case 'd':
        case 'i': {
            int64_t sv = longs >= 2 ? va_arg(ap, long long)
                       : longs == 1 ? va_arg(ap, long) : va_arg(ap, int);

            negative = sv < 0;
            v = negative ? (uint64_t)0 - (uint64_t)sv : (uint64_t)sv;
            break;
        }
        case 'p':
            v = (uintptr_t)va_arg(ap, void *);
            base = 16;
            emit(&st, '0');
            emit(&st, 'x');
            break;
        case 'X':
            digits = "0123456789ABCDEF";
            /* fall through */
        case 'x':
            base = 16;
            /* fall through */
        case 'u':
            v = longs >= 2 ? va_arg(ap, unsigned long long)
              : longs == 1 ? va_arg(ap, unsigned long) : va_arg(ap, unsigned int);
            break;
        default:
            emit(&st, '%');
            emit(&st, *fmt);
            continue;
        }
        do {
            buf[sizeof(buf) - 1 - len++] = digits[v % base];
            v /= base;
        } while (v);
        if (negative) {
            if (zero && !left) {
                emit(&st, '-');
                width--;
            } else {
                buf[sizeof(buf) - 1 - len++] = '-';
            }
        }
        emit_padded(&st, buf + sizeof(buf) - len, len, width, left,
                    zero && !left ? '0' : ' ');
    }
    return st.count;
}

struct buf_ctx {
    char *buf;
    size_t size, used;
};

static void buf_out(char c, void *opaque)
{
    struct buf_ctx *b = opaque;

    if (b->used + 1 < b->size)
        b->buf[b->used] = c;
    b->used++;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct buf_ctx b = { buf, size, 0 };
    int n = format(buf_out, &b, fmt, ap);

    if (size)
        buf[b.used < size ? b.used : size - 1] = '\0';
    return n;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    int n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
