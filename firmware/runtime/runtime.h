/*
 * Bare-metal runtime for the armhv-emu test programs, built for one of
 * two boards (board.h): Versatile PB (ARM926EJ-S, ARMv5TE) or Versatile
 * Express with the Cortex-A15 tile (ARMv7-A, -DBOARD_VEXPRESS_A15).
 * Include this one header; it pulls in the rest.
 *
 * Environment set up by start.S and board_init() before main(): SVC mode,
 * IRQ and FIQ masked, a stack in every mode, .bss cleared, vectors at
 * BOARD_VECTOR_BASE (0, or VBAR on ARMv7) with every exception reported as
 * unexpected until a hook is installed, MMU and caches off (their reset
 * state), VFP/NEON disabled (CPACR/FPEXC reset values).
 */
#ifndef FW_RUNTIME_H
#define FW_RUNTIME_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "board.h"
#include "cpu.h"
#include "exc.h"
#include "mmio.h"
#include "types.h"
#if __ARM_ARCH >= 7
#include "cpu_v7.h"
#include "mmu_v7.h"
#else
#include "mmu.h"
#endif
#ifdef BOARD_VEXPRESS_A15
#include "gic.h"
#else
#include "sp804.h"
#include "vic.h"
#endif

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* PL011 UART0, polled transmit. */
void uart_init(void);
void uart_putc(char c);
void uart_puts(const char *s);
void uart_flush(void);

/* A small printf: %d %i %u %x %X %o %c %s %p %%, flags '0' '-', width, 'l'. */
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/* Freestanding C still needs these: GCC emits calls for struct copies. */
void *memset(void *dst, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);

/*
 * End the run: print "Test result: SUCCESS" or "Test result: FAILURE: <why>"
 * (the only line a harness reads), then end the run with board_power_off()
 * (SYS_RESETCTL on the Versatile PB with QEMU's -no-reboot, config-bus
 * SHUTDOWN on the Versatile Express), which makes QEMU and armhv-emu exit.
 * Safe to call from any mode, in an exception hook, with the MMU on (the
 * runtime is identity mapped by every test that enables the MMU).
 */
__attribute__((noreturn)) void test_pass(void);
__attribute__((noreturn, format(printf, 1, 2))) void test_fail(const char *fmt, ...);
__attribute__((noreturn)) void system_reset(void);

/* Fail unless got == want, naming the check and the source line. */
#define TEST_EQ(what, got, want) do {                                         \
        u32 got_ = (u32)(got), want_ = (u32)(want);                           \
        if (got_ != want_)                                                    \
            test_fail("%s: got 0x%08x, expected 0x%08x (line %d)",            \
                      (what), got_, want_, __LINE__);                         \
    } while (0)

#define TEST_TRUE(what, cond) do {                                            \
        if (!(cond))                                                          \
            test_fail("%s (line %d)", (what), __LINE__);                      \
    } while (0)

/*
 * For the few places where QEMU (the reference the tests are checked on)
 * differs from the ARM ARM: the test requires the ARM ARM value, but
 * accepts QEMU's with a greppable "WARN: qemu-deviation: ..." line, so the
 * test still passes on QEMU.  A harness running armhv-emu should treat
 * that line as a failure.
 */
#define TEST_EQ_QEMU_DEVIATION(what, got, want, qemu_got) do {                \
        u32 qgot_ = (u32)(got), qwant_ = (u32)(want);                         \
        if (qgot_ != qwant_ && qgot_ == (u32)(qemu_got))                      \
            printf("WARN: qemu-deviation: %s: got 0x%08x, ARM ARM requires "  \
                   "0x%08x (line %d)\n", (what), qgot_, qwant_, __LINE__);    \
        else                                                                  \
            TEST_EQ(what, qgot_, qwant_);                                     \
    } while (0)

int main(void);
__attribute__((noreturn)) void runtime_main_returned(int rc);

#endif
