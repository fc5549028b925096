/*
 * The partitioned machine (DESIGN.md, "The hypervisor"): a vexpress-a15
 * board whose RAM is split into domains, each with its own guest-physical
 * address space, vCPUs, virtual GIC and generic timer, run by the
 * hypervisor's scheduler instead of the board's own CPU.
 *
 * The frontend fills a struct hv_system_config from the [hypervisor] and
 * [domain NAME] sections of board.cfg and calls hv_system_create() after
 * machine_create(). From then on machine_run() on the board runs the
 * scheduler (the machine's run hook), so the monitor, gdb stub and replay
 * keep driving the machine as before.
 *
 * Memory: every [domain] section, started or not, owns a fixed partition
 * of the board's RAM, in file order from the start of RAM (Dom0 first);
 * their sizes must add up to at most [machine] memory. A domain's RAM at
 * 0x40000000 is a window onto its partition (no copy), so the board's RAM
 * is really divided and no domain can reach another's.
 */
#ifndef HV_SYSTEM_H
#define HV_SYSTEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "devices/chardev.h"
#include "devices/machine.h"
#include "hv/domain.h"

#define HV_SYSTEM_MAX_PASSTHROUGH 8u

/* One [domain NAME] section. Strings are owned by the caller's config. */
struct hv_domain_spec {
    const char *name;               /* the section name: "dom0", "guest1" */
    bool privileged;                /* Dom0: the first domain, id 0 */
    uint64_t memory;                /* bytes, page-aligned */
    unsigned vcpus;                 /* 1..4 (0: 1); hv/vplatform.h HV_VPLATFORM_MAX_VCPUS */
    const char *kernel;             /* ELF or Linux zImage (path) */
    const char *initrd;             /* optional */
    const char *dtb;                /* optional: use this DT instead of generating one */
    const char *cmdline;            /* optional: /chosen/bootargs */
    const char *devices[HV_SYSTEM_MAX_PASSTHROUGH];  /* board devices passed through */
    unsigned nr_devices;
    bool autostart;                 /* false: built by the toolstack's `create NAME` */
    struct char_backend console;    /* where its PV console output goes */
    /* For error messages: the board.cfg file and the section's line. */
    const char *origin;
    unsigned line;
};

/*
 * When the run ends ([hypervisor] exit-when). A DomU that shuts down is
 * always reported (notice) and destroyed, as xl's on_poweroff=destroy.
 *   HV_EXIT_DOM0        (default, "dom0") the run ends when Dom0 shuts
 *                       down; status 0 for poweroff/reboot, 1 for a crash.
 *   HV_EXIT_DOMUS_DOWN  ("domus-down") also ends when every DomU that was
 *                       started has shut down and none is left running;
 *                       status 0 if each one powered off (or rebooted),
 *                       1 if one crashed. For guest tests.
 */
enum hv_exit_when {
    HV_EXIT_DOM0,
    HV_EXIT_DOMUS_DOWN,
};

struct hv_system_config {
    const char *scheduler;          /* "round-robin" */
    uint64_t slice_us;              /* scheduler time slice, virtual microseconds (0: 1000) */
    enum hv_exit_when exit_when;
    uint64_t rtc_base;              /* Unix time of virtual time 0 (the wallclock guests see) */
    struct hv_domain_spec domain[HV_MAX_DOMAINS];
    unsigned nr_domains;            /* domain[0] is Dom0 */
    /* One-line messages for the user ("domain 1 (guest1) shut down:
     * poweroff"), without newline; NULL prints "armhv-emu: MSG" on stderr. */
    void (*notice)(void *opaque, const char *msg);
    void *notice_opaque;
};

struct hv_system;

/*
 * Partitions m (which must be a board with the virtualization extensions)
 * and builds and starts every autostart domain. Prints errors naming the
 * config file, line and key; returns 0 or -1.
 */
int hv_system_create(struct machine *m, const struct hv_system_config *cfg,
                     struct hv_system **out);
void hv_system_destroy(struct hv_system *sys);

/* The hypervisor inside, for the monitor's inspectors. */
struct hv *hv_system_hv(struct hv_system *sys);
struct xs_store *hv_system_xenstore(struct hv_system *sys);

/* Console input typed by the user for domain domid's PV console (or Dom0's
 * console_io input); returns the bytes accepted. */
size_t hv_system_console_input(struct hv_system *sys, uint16_t domid, const uint8_t *buf,
                               size_t len);

/* The scheduler (for the monitor's `stats`). */
struct hv_sched *hv_system_sched(struct hv_system *sys);

/*
 * Builds and starts the domain of cfg->domain[spec] (what the toolstack's
 * `create NAME` does). Returns the new domain id, or -XEN_E*: -XEN_ENOENT
 * (no such spec), -XEN_EEXIST (it is running), -XEN_EBUSY (a destroyed
 * domain of that section still has its memory mapped by another),
 * -XEN_EINVAL (build failed; the reason is printed).
 */
int hv_system_start_domain(struct hv_system *sys, unsigned spec);

#endif
