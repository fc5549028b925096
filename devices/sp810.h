/*
 * ARM PrimeXsys System Controller (SP810): operating mode, crystal and PLL
 * control, peripheral clock enables and the timer clock selects of the
 * SP804s. On the Versatile Express motherboard Linux's clk-sp810 driver
 * switches the timer clocks to the 1 MHz TIMCLK through SCCTRL. Registers
 * in sp810.c.
 */
#ifndef DEVICES_SP810_H
#define DEVICES_SP810_H

#include <stdint.h>

#include "devices/device.h"

/* SCCTRL TimerEnNSel (N = 0..3): 1 selects TIMCLK, 0 the 32 kHz REFCLK. */
#define SP810_SCCTRL_TIMEREN_SEL(n) (1u << (15 + 2 * (n)))

struct sp810 {
    struct device dev;
    uint32_t scctrl;            /* SCCTRL (ModeStatus and RemapStat computed) */
    uint32_t imctrl;            /* SCIMCTRL */
    uint32_t imstat;            /* SCIMSTAT */
    uint32_t xtalctrl;          /* SCXTALCTRL */
    uint32_t pllctrl;           /* SCPLLCTRL */
    uint32_t pllfctrl;          /* SCPLLFCTRL */
    uint32_t perctrl[2];        /* SCPERCTRL0/1 */
    uint32_t perclken;          /* SCPERCLKEN, set by SCPEREN, cleared by SCPERDIS */
    uint32_t itcr;              /* SCITCR (test mode not modelled) */
    uint32_t itor;              /* SCITOR */
};

struct sp810 *sp810_create(const char *name, uint64_t base, struct trace *trace);

/* 1 when timer clock enable n (0..3) runs from TIMCLK, 0 from REFCLK. */
unsigned sp810_timer_clock_select(const struct sp810 *sc, unsigned n);

#endif
