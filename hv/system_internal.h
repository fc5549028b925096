/*
 * The partitioned machine's own state (hv/system.c), shared with its
 * savevm/loadvm (hv/system_snapshot.c). Nothing else includes this.
 */
#ifndef HV_SYSTEM_INTERNAL_H
#define HV_SYSTEM_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "devices/gic.h"
#include "hv/sched.h"
#include "hv/system.h"
#include "hv/vplatform.h"
#include "hv/xenstore.h"

#define DOM0_INPUT_SIZE 1024u

/* Per-domain glue data (d->glue). */
struct hv_domain_glue {
    struct hv_system *sys;
    unsigned spec;                  /* index in cfg.domain */
    struct hv_vplatform *vp;
    struct xs_conn *xs;
    int store_port;
    bool xs_pending;                /* output queued from outside its ring processing */
    bool shutdown_pending;          /* hv->domain_shutdown seen, not yet handled */
};

struct hv_system {
    struct machine *m;
    struct hv_system_config cfg;
    struct hv hv;
    struct xs_store *xs;
    struct hv_sched sched;
    struct gic *board_gic;
    uint64_t partition[HV_MAX_DOMAINS];     /* board PA of each spec's RAM */
    int running[HV_MAX_DOMAINS];            /* domid built from each spec, or -1 */
    struct domain *spi_owner[HV_VGIC_IRQS - GIC_NR_PRIVATE];
    unsigned domus_started;
    bool domu_crashed;
    /* Dom0's console_io input (CONSOLEIO_read), a byte ring. */
    uint8_t dom0_input[DOM0_INPUT_SIZE];
    unsigned dom0_in_head, dom0_in_tail;
};

struct snapshot_io;

/*
 * savevm/loadvm of the hypervisor's state (the machine's snapshot_check
 * and snapshot_hook; see hv/system_snapshot.c).
 */
int hv_system_snapshot_check(void *opaque, char *err, size_t err_len);
int hv_system_snapshot(void *opaque, struct snapshot_io *io);

#endif
