/*
 * The armhv toolstack hypercall (number 36, "domctl"): the project's own
 * small ABI for Dom0's toolstack shell, not Xen's domctl. The guest's copy
 * of the layout documented in hv/xen_abi.h and docs/hypervisor.md
 * ("Toolstack hypercall"): r0 = address of a struct armhv_domctl; only Dom0
 * may call it (a DomU gets -EPERM), a wrong interface_version gives
 * -EACCES, an unknown cmd -ENOSYS. The struct is copied back on success.
 */
#ifndef MINIOS_ARMHV_DOMCTL_H
#define MINIOS_ARMHV_DOMCTL_H

#include "xen.h"

#define ARMHV_DOMCTL_VERSION 0x41480001u

#define ARMHV_DOMCTL_create         1
#define ARMHV_DOMCTL_destroy        2
#define ARMHV_DOMCTL_pause          3
#define ARMHV_DOMCTL_unpause        4
#define ARMHV_DOMCTL_getinfo        5
#define ARMHV_DOMCTL_console_read   6
#define ARMHV_DOMCTL_console_write  7

/* getinfo.state */
#define ARMHV_DOMSTATE_running  0
#define ARMHV_DOMSTATE_paused   1
#define ARMHV_DOMSTATE_blocked  2
#define ARMHV_DOMSTATE_shutdown 3
#define ARMHV_DOMSTATE_dying    4

/* getinfo.flags */
#define ARMHV_DOMINFO_dying         (1u << 0)
#define ARMHV_DOMINFO_shutdown      (1u << 1)
#define ARMHV_DOMINFO_paused        (1u << 2)
#define ARMHV_DOMINFO_blocked       (1u << 3)
#define ARMHV_DOMINFO_privileged    (1u << 4)

#define ARMHV_DOMCTL_NAME_MAX 32u

struct armhv_domctl {
    uint32_t cmd;
    uint32_t interface_version;
    uint16_t domid;             /* target; getinfo: first id to look at */
    uint16_t pad0;
    uint32_t pad1;
    union {
        struct {
            char name[ARMHV_DOMCTL_NAME_MAX];   /* [domain NAME] section */
            uint16_t domid;                     /* OUT */
        } create;
        struct {                                /* all OUT */
            uint16_t domid;
            uint16_t pad;
            uint32_t state;
            uint32_t flags;
            uint32_t shutdown_reason;
            uint32_t nr_vcpus;
            uint32_t max_vcpus;
            uint64_t memory_kb;
            char name[ARMHV_DOMCTL_NAME_MAX];
            uint64_t instructions;
            uint64_t hypercalls;
            uint64_t events_sent;
            uint64_t world_switches;
        } getinfo;
        struct {
            uint64_t offset;    /* IN/OUT: running byte count */
            uint64_t buffer;    /* IN: guest handle (low word = address) */
            uint32_t len;       /* IN */
            uint32_t bytes;     /* OUT */
        } console_read;
        struct {
            uint64_t buffer;
            uint32_t len;
            uint32_t bytes;     /* OUT */
        } console_write;
        uint8_t raw[96];
    } u;
};
XEN_CHECK_OFF(armhv_domctl, domid, 8);
XEN_CHECK_OFF(armhv_domctl, u, 16);
XEN_CHECK_OFF(armhv_domctl, u.create.domid, 16 + 32);
XEN_CHECK_OFF(armhv_domctl, u.getinfo.memory_kb, 16 + 24);
XEN_CHECK_OFF(armhv_domctl, u.getinfo.name, 16 + 32);
XEN_CHECK_OFF(armhv_domctl, u.getinfo.instructions, 16 + 64);
XEN_CHECK_OFF(armhv_domctl, u.getinfo.world_switches, 16 + 88);
XEN_CHECK_OFF(armhv_domctl, u.console_read.len, 16 + 16);
XEN_CHECK_OFF(armhv_domctl, u.console_read.bytes, 16 + 20);
XEN_CHECK_OFF(armhv_domctl, u.console_write.bytes, 16 + 12);
XEN_CHECK_SIZE(armhv_domctl, 112);

#endif
