/*
 * What the kernel gives an application: boot information, the command
 * line options, and the hook it must provide. kernel_start() brings up
 * console, interrupts, timer, events, grant table and xenstore, then runs
 * app_main() in the boot thread.
 */
#ifndef MINIOS_KERNEL_H
#define MINIOS_KERNEL_H

#include <stdbool.h>
#include <stdint.h>

#include "fdt.h"

extern struct boot_info boot_info;
/* Our domain id, from xenstore "domid" (0 when unknown: Dom0 or no store). */
extern uint16_t kernel_domid;

/* Finds "key=value" in the command line; copies value. false if absent. */
bool cmdline_get(const char *key, char *value, unsigned size);
uint32_t cmdline_get_u32(const char *key, uint32_t fallback);

/* Each mini-OS build provides the application. */
void app_main(void);
/* Name printed in the banner. */
extern const char app_name[];

#endif
