/*
 * PL011 UART0 polled output and a small printf (ARM DDI 0183G, "PrimeCell
 * UART (PL011) Technical Reference Manual", 3.3 register summary).
 * No interrupts, no receive: tests only print.
 */
#include "runtime.h"

#define UARTDR      0x00
#define UARTFR      0x18
#define UARTCR      0x30
#define FR_BUSY     (1u << 3)
#define FR_TXFF     (1u << 5)
#define FR_TXFE     (1u << 7)
#define CR_UARTEN   (1u << 0)
#define CR_TXE      (1u << 8)
#define CR_RXE      (1u << 9)

void uart_init(void)
{
    /*
     * Leave the baud rate and line format to whoever configured the UART
     * (the reset values on the models); only make sure it is enabled.
     */
    u32 cr = mmio_read32(BOARD_UART0_BASE + UARTCR);

    if ((cr & (CR_UARTEN | CR_TXE)) != (CR_UARTEN | CR_TXE))
        mmio_write32(BOARD_UART0_BASE + UARTCR, cr | CR_UARTEN | CR_TXE | CR_RXE);
}

void uart_putc(char c)
{
    while (mmio_read32(BOARD_UART0_BASE + UARTFR) & FR_TXFF)
        ;
    mmio_write32(BOARD_UART0_BASE + UARTDR, (uint8_t)c);
}

void uart_puts(const char *s)
{
    while (*s)
        uart_putc(*s++);
}

void uart_flush(void)
{
    while ((mmio_read32(BOARD_UART0_BASE + UARTFR) & (FR_TXFE | FR_BUSY)) != FR_TXFE)
        ;
}

struct fmt_spec {
    int width;
    bool left;      /* '-' */
    bool zero;      /* '0' */
};

static int fmt_pad(int n)
{
    for (int i = 0; i < n; i++)
        uart_putc(' ');
    return n > 0 ? n : 0;
}

/* Print a string honouring width and '-'. */
static int fmt_str(const struct fmt_spec *spec, const char *s)
{
    int len = 0, out = 0;

    while (s[len])
        len++;
    if (!spec->left)
        out += fmt_pad(spec->width - len);
    uart_puts(s);
    out += len;
    if (spec->left)
        out += fmt_pad(spec->width - len);
    return out;
}

/* Print an unsigned number in base 8, 10 or 16 with an optional sign. */
static int fmt_num(const struct fmt_spec *spec, u32 v, unsigned base, bool upper,
                   bool negative)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char buf[16];
    int n = 0, len, out = 0;

    do {
        buf[n++] = digits[v % base];
        v /= base;
    } while (v);
    len = n + (negative ? 1 : 0);

    if (spec->zero && !spec->left) {
        if (negative)
            uart_putc('-');
        for (int i = len; i < spec->width; i++, out++)
            uart_putc('0');
    } else {
        if (!spec->left)
            out += fmt_pad(spec->width - len);
        if (negative)
            uart_putc('-');
    }
    while (n > 0)
        uart_putc(buf[--n]);
    out += len;
    if (spec->left)
        out += fmt_pad(spec->width - len);
    return out;
}

int vprintf(const char *fmt, va_list ap)
{
    int out = 0;

    for (; *fmt; fmt++) {
        struct fmt_spec spec = { 0, false, false };

        if (*fmt != '%') {
            uart_putc(*fmt);
            out++;
            continue;
        }
        fmt++;
        for (;; fmt++) {
            if (*fmt == '-')
                spec.left = true;
            else if (*fmt == '0')
                spec.zero = true;
            else
                break;
        }
        while (*fmt >= '0' && *fmt <= '9')
            spec.width = spec.width * 10 + (*fmt++ - '0');
        while (*fmt == 'l')     /* long is 32 bits here */
            fmt++;

        switch (*fmt) {
        case 'd':
        case 'i': {
            int v = va_arg(ap, int);
            u32 mag = v < 0 ? 0u - (u32)v : (u32)v;

            out += fmt_num(&spec, mag, 10, false, v < 0);
            break;
        }
        case 'u':
            out += fmt_num(&spec, va_arg(ap, unsigned), 10, false, false);
            break;
        case 'o':
            out += fmt_num(&spec, va_arg(ap, unsigned), 8, false, false);
            break;
        case 'x':
        case 'X':
            out += fmt_num(&spec, va_arg(ap, unsigned), 16, *fmt == 'X', false);
            break;
        case 'p':
            uart_puts("0x");
            spec.zero = true;
            spec.width = 8;
            out += 2 + fmt_num(&spec, (u32)(uintptr_t)va_arg(ap, void *), 16,
                               false, false);
            break;
        case 'c':
            uart_putc((char)va_arg(ap, int));
            out++;
            break;
        case 's': {
            const char *s = va_arg(ap, const char *);

            out += fmt_str(&spec, s ? s : "(null)");
            break;
        }
        case '%':
            uart_putc('%');
            out++;
            break;
        case '\0':
            return out;
        default:        /* unknown conversion: print it verbatim */
            uart_putc('%');
            uart_putc(*fmt);
            out += 2;
            break;
        }
    }
    return out;
}

int printf(const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vprintf(fmt, ap);
    va_end(ap);
    return n;
}
