/*
 * Domains and the hypervisor instance (DESIGN.md, "The hypervisor").
 *
 * A struct hv is one hypervisor: the list of its domains and the callbacks
 * through which it reaches the board glue (interrupt injection, installing
 * grant mappings, freeing vCPUs). There is no global state: everything
 * hangs off the struct hv the machine owns.
 *
 * A struct domain owns its guest-physical address space (struct aspace:
 * its RAM partition, the grant-table frames, later its virtual devices),
 * so a domain can never name a frame outside it: every guest frame number
 * a hypercall carries is looked up in that domain's aspace and nowhere
 * else. Its vCPUs are ordinary struct arm_cpu, created by the domain
 * builder, attached to the domain's aspace with mmu_attach() and then
 * registered with hv_domain_add_vcpu(); the domain only keeps pointers.
 *
 * Domain ids follow Xen: 0 is Dom0 (privileged), DomUs count up from 1
 * and ids at or above XEN_DOMID_FIRST_RESERVED are never allocated.
 * A destroyed domain whose granted frames are still mapped by another
 * domain stays as a zombie (HV_DOMAIN_DYING, invisible to lookups) until
 * the last mapping goes, as in Xen, so no host memory is freed while a
 * mapping of it exists.
 */
#ifndef HV_DOMAIN_H
#define HV_DOMAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cpu/cpu.h"
#include "hv/xen_abi.h"
#include "mmu/aspace.h"

struct trace;
struct hv;
struct hv_evtchn_table;
struct hv_gnttab;
struct hv_gnttab_mapping;
struct hv_console;

#define HV_MAX_DOMAINS 32u
#define HV_MAX_VCPUS ASPACE_MAX_CPUS
#define HV_DOMAIN_NAME_MAX 32u

/*
 * Returned (positive) by operations that did part of a long batch: the
 * dispatcher advances the guest's arguments by what was done and
 * re-executes the HVC ("preemptible long operations re-execute the HVC").
 */
#define HV_PREEMPTED 1

enum hv_domain_state {
    HV_DOMAIN_RUNNING,
    HV_DOMAIN_PAUSED,       /* by the toolstack (pause count > 0) */
    HV_DOMAIN_BLOCKED,      /* every vCPU blocked (WFI / SCHEDOP_block) */
    HV_DOMAIN_SHUTDOWN,     /* SCHEDOP_shutdown: see shutdown_reason */
    HV_DOMAIN_DYING,        /* destroyed, kept until foreign mappings go */
};

struct hv_vcpu {
    struct arm_cpu *cpu;            /* NULL: no such vCPU */
    /* Powered on (PSCI): vCPU 0 from registration, the others after a
     * successful PSCI CPU_ON. The scheduler runs only online vCPUs. */
    bool online;
    /* Waiting for an event (SCHEDOP_block/poll, WFI): set by hv/ or the
     * scheduler, cleared by whoever wakes it (the raise_upcall glue). */
    bool blocked;
    /* VCPUOP_register_vcpu_info: guest-physical address of its vcpu_info.
     * Before registration vCPU 0 uses shared_info.vcpu_info[0] and the
     * others use vcpu_info_hv (Xen has no legacy slot for them on ARM). */
    bool vcpu_info_registered;
    uint64_t vcpu_info_gpa;
    _Alignas(8) uint8_t vcpu_info_hv[sizeof(struct xen_vcpu_info)];
    uint32_t virq_to_port[XEN_NR_VIRQS];
    uint64_t upcalls;               /* event PPIs raised (0->1 edges) */
    /* VCPUOP_register_runstate_memory_area: accepted and remembered (the
     * guest VA, low half of the handle); never written, which Linux reads
     * as "no steal time" (ABI doc 4.8). */
    bool runstate_registered;
    uint32_t runstate_va;
};

/* Counters for the monitor's `domains`/`stats` and the benchmark. */
struct hv_domain_stats {
    uint64_t hypercalls[XEN_NR_HYPERCALLS];
    uint64_t hypercalls_other;      /* numbers >= XEN_NR_HYPERCALLS */
    uint64_t events_sent;           /* EVTCHNOP_send by this domain */
    uint64_t events_received;       /* set_pending on this domain's ports */
    uint64_t events_dropped;        /* sends on unbound ports */
    uint64_t traps;                 /* HVC, WFI and other traps to hv */
    uint64_t psci_calls;            /* HVC #0 (SMCCC/PSCI) */
    uint64_t world_switches;        /* times one of its vCPUs was switched in */
    uint64_t instructions;          /* retired by its vCPUs (scheduler adds) */
};

struct domain {
    struct hv *hv;
    uint16_t domid;
    char name[HV_DOMAIN_NAME_MAX];
    bool privileged;                /* Dom0: may name other domains */
    enum hv_domain_state state;
    unsigned pause_count;
    uint32_t shutdown_reason;       /* enum xen_shutdown_reason */

    struct aspace *as;              /* guest-physical map, owned */
    uint64_t ram_base, ram_size;    /* the RAM partition inside as */

    struct hv_vcpu vcpu[HV_MAX_VCPUS];
    unsigned nr_vcpus;              /* registered so far */
    unsigned max_vcpus;

    /* shared_info: hv-owned page until XENMEM_add_to_physmap(shared_info)
     * names a page of the guest's RAM, which is canonical from then on. */
    bool shared_info_mapped;
    uint64_t shared_info_gpa;
    uint8_t *shared_info_hv;        /* XEN_PAGE_SIZE bytes */

    /* HVMOP_{get,set}_param values, set by the builder (store and console
     * pages and ports) and read by the guest; unset ones read as 0. */
    uint64_t hvm_params[XEN_HVM_NR_PARAMS];
    uint32_t vm_assist;             /* enabled VMASST types (bit n = type n) */

    struct hv_evtchn_table *evtchn;
    struct hv_gnttab *gnttab;
    struct hv_console *console;     /* PV console back-end and output history */
    struct hv_domain_stats stats;

    void *glue;                     /* the board glue's per-domain data */
};

struct hv_domain_config {
    const char *name;
    int domid;                      /* < 0: allocate the next free DomU id */
    bool privileged;
    uint64_t ram_base, ram_size;    /* page-aligned, below 4 GiB */
    unsigned max_vcpus;             /* 1..HV_MAX_VCPUS */
    uint64_t gnttab_base;           /* IPA of the grant-table region */
    unsigned gnttab_max_frames;     /* 0: no grant table */
    /* Where the RAM comes from: NULL allocates fresh memory; else the RAM
     * is a window onto [ram_source_pa, +ram_size) of ram_source (the
     * board's RAM partition, mmu/aspace.h aliases). */
    struct aspace *ram_source;
    uint64_t ram_source_pa;
};

struct hv {
    struct domain *domains[HV_MAX_DOMAINS];
    unsigned next_domid;
    struct trace *trace;

    /* --- provided by the board/hv glue (any may be NULL in unit tests) --- */
    /* Inject the event-channel PPI (XEN_GUEST_EVTCHN_PPI) into that vCPU's
     * virtual GIC and wake it if blocked. Called on every 0->1 edge of its
     * evtchn_upcall_pending, and once on vcpu_info registration. */
    void (*raise_upcall)(struct domain *d, unsigned vcpu);
    /* Make m's frame appear at m->host_addr in mapper's address space (a
     * page-granular stage-2 remap) and flush mapper's TLBs; return a
     * GNTST_* status (0 on success). */
    int (*grant_map_install)(struct domain *mapper, const struct hv_gnttab_mapping *m);
    /* Undo an installed mapping (also called when mapper is destroyed). */
    void (*grant_map_remove)(struct domain *mapper, const struct hv_gnttab_mapping *m);
    /* Called before a domain's address space is freed: stop and free its
     * vCPUs, virtual devices and glue data. */
    void (*domain_teardown)(struct domain *d);
    /* SCHEDOP_block / SCHEDOP_poll: hv/ has set d->vcpu[vcpu].blocked; the
     * scheduler must leave this vCPU (cpu->exit_request is already set by
     * the HVC) and not run it until an upcall or interrupt wakes it. */
    void (*vcpu_block)(struct domain *d, unsigned vcpu);
    /* SCHEDOP_yield (after hv/ drained the PV console): give the rest of
     * the slice away. */
    void (*vcpu_yield)(struct domain *d, unsigned vcpu);
    /* PSCI CPU_ON for an offline vCPU: reset it to SVC mode, MMU off,
     * pc = entry, r0 = context, and make it runnable. Returns a PSCI_*
     * status (0 on success: hv/ then marks the vCPU online). */
    int (*vcpu_on)(struct domain *d, unsigned vcpu, uint32_t entry, uint32_t context);
    /* After hv_domain_shutdown (SCHEDOP_shutdown, remote_shutdown, PSCI
     * SYSTEM_OFF/RESET): the scheduler stops the domain; the platform
     * decides whether the run ends. Called once per shutdown. */
    void (*domain_shutdown)(struct domain *d, uint32_t reason);
    /* Console output of d (console_io CONSOLEIO_write, PV console ring) to
     * wherever its console goes. */
    void (*console_write)(struct domain *d, const char *buf, size_t len);
    /* CONSOLEIO_read (Dom0 only): up to len bytes of pending input. */
    size_t (*console_read)(struct domain *d, char *buf, size_t len);
    /* Toolstack create: build and start the [domain spec_name] section;
     * 0 and *domid, or -XEN_E* (-XEN_ENOENT no such section, -XEN_EEXIST
     * already running, ...). */
    int (*toolstack_create)(struct hv *hv, const char *spec_name, uint16_t *domid);
    /* Toolstack destroy: stop d's vCPUs and free it (hv_domain_destroy).
     * NULL: hv_domain_destroy is called directly. */
    int (*toolstack_destroy)(struct domain *d);
    void *opaque;
};

void hv_init(struct hv *hv, struct trace *trace);
/* Destroys every domain (zombies included) and frees them. */
void hv_destroy(struct hv *hv);

/*
 * Creates a domain with its address space and RAM, event channel table and
 * grant table. Returns 0 and *out, or -XEN_EINVAL (bad config), -XEN_EEXIST
 * (id in use), -XEN_ENOSPC (no free slot or id), -XEN_ENOMEM.
 */
int hv_domain_create(struct hv *hv, const struct hv_domain_config *cfg, struct domain **out);
/*
 * Destroys d: closes its event channels (peers revert to unbound), drops the
 * grant mappings it holds, calls the teardown hook and frees it, unless
 * another domain still maps its grants (then it lingers as HV_DOMAIN_DYING
 * and is freed by the last unmap).
 */
void hv_domain_destroy(struct domain *d);
/* Frees a dying domain once nothing references it (grant_table.c calls it). */
void hv_domain_reap(struct domain *d);

/* Live domain by id (not dying), or NULL. */
struct domain *hv_domain_by_id(struct hv *hv, uint16_t domid);
/* Any domain by id, dying ones included (for releasing references). */
struct domain *hv_domain_find_any(struct hv *hv, uint16_t domid);
/*
 * The domain a hypercall names: XEN_DOMID_SELF or caller's own id is the
 * caller; another id needs a privileged caller. Returns 0, -XEN_ESRCH (no
 * such live domain) or -XEN_EPERM.
 */
int hv_domain_lookup_target(struct domain *caller, uint16_t domid, struct domain **out);

/* Registers a vCPU already attached to d->as; returns its index or -XEN_E*. */
int hv_domain_add_vcpu(struct domain *d, struct arm_cpu *cpu);
/* vCPU number of cpu in d, or -1. */
int hv_domain_vcpu_index(const struct domain *d, const struct arm_cpu *cpu);

static inline struct arm_cpu *hv_domain_vcpu(const struct domain *d, unsigned vcpu)
{
    return vcpu < HV_MAX_VCPUS ? d->vcpu[vcpu].cpu : NULL;
}

/*
 * HVM parameters (HVMOP_get_param/set_param storage). The builder sets
 * STORE_PFN/STORE_EVTCHN/CONSOLE_PFN/CONSOLE_EVTCHN; permissions are the
 * hypercall's business, not these. 0 or -XEN_EINVAL (index >= 40).
 */
int hv_domain_set_param(struct domain *d, uint32_t index, uint64_t value);
int hv_domain_get_param(const struct domain *d, uint32_t index, uint64_t *value);

/* Toolstack state changes. */
void hv_domain_pause(struct domain *d);
void hv_domain_unpause(struct domain *d);
/* Marks d shut down with reason (once; later calls change nothing) and
 * tells privileged domains (VIRQ_DOM_EXC). Returns true if this call shut
 * it down, so the caller invokes hv->domain_shutdown exactly once. */
bool hv_domain_shutdown(struct domain *d, uint32_t reason);
/* Whether the scheduler may run d's vCPUs at all. */
static inline bool hv_domain_runnable(const struct domain *d)
{
    return d->state == HV_DOMAIN_RUNNING || d->state == HV_DOMAIN_BLOCKED;
}

/*
 * The state the toolstack and the monitor show: a running domain whose
 * online vCPUs all wait (SCHEDOP_block/poll, or WFI like Xen's trapped WFI)
 * is "blocked". d->state itself only records running/paused/shutdown/dying.
 */
enum hv_domain_state hv_domain_shown_state(const struct domain *d);
const char *hv_domain_state_name(enum hv_domain_state state);
const char *hv_shutdown_reason_name(uint32_t reason);

static inline void hv_domain_count_hypercall(struct domain *d, uint32_t nr)
{
    if (nr < XEN_NR_HYPERCALLS)
        d->stats.hypercalls[nr]++;
    else
        d->stats.hypercalls_other++;
}

#endif
