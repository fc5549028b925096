/*
 * The [hypervisor] and [domain NAME] sections of board.cfg, checked and
 * turned into the struct hv_system_config that hv_system_create() takes
 * (hv/system.h; docs/hypervisor.md describes the sections).
 *
 * Every mistake is reported as "FILE:LINE: [section] key: problem" before
 * anything is built: [boot] beside [hypervisor], a board other than
 * vexpress-a15, no [domain] section, Dom0 not started with the machine,
 * devices on a DomU, domains needing more RAM than the board has, memory
 * that is not a whole number of pages, missing images. Device names can
 * only be checked once the board exists (hv_config_check_devices).
 */
#ifndef FRONTENDS_HV_CONFIG_H
#define FRONTENDS_HV_CONFIG_H

#include "devices/machine.h"
#include "frontends/config.h"
#include "frontends/terminal.h"
#include "hv/system.h"

struct hv_config {
    struct hv_system_config sys;
    /* What sys points into: resolved image paths, the split devices list
     * and the domains' console backends. */
    char *path[HV_MAX_DOMAINS][3];
    char *devices_text[HV_MAX_DOMAINS];
    struct serial_sink console[HV_MAX_DOMAINS];
};

/*
 * Fills hc from cfg (mc: the machine those domains partition). Returns 1
 * when board.cfg asks for the hypervisor, 0 when it has neither
 * [hypervisor] nor [domain] sections, -1 after printing errors. Domain
 * consoles on stdio write through mux (may be NULL).
 */
int hv_config_build(struct hv_config *hc, const struct config *cfg,
                    const struct machine_config *mc, struct console_mux *mux);
/* Checks Dom0's devices against the board m; prints errors, returns 0 or -1. */
int hv_config_check_devices(const struct hv_config *hc, const struct config *cfg,
                            struct machine *m);
void hv_config_free(struct hv_config *hc);

#endif
