/*
 * The ARMv5 page-table walker of the ARM926EJ-S (ARM ARM DDI 0100I chapter
 * B3 "Memory Management Unit"; ARM926EJ-S TRM DDI 0198E chapter 3).
 *
 * Two levels. The first-level table (16 KiB at TTBR[31:14]) has one word per
 * MiB of modified virtual address: a fault, a 1 MiB section, or a pointer to
 * a coarse (256 entries, 1 KiB table) or fine (1024 entries, 4 KiB table)
 * second-level table whose entries map 64 KiB large, 4 KiB small or 1 KiB
 * tiny pages. Access is decided by the descriptor's domain (DACR) and, in a
 * client domain, by the AP bits read together with SCTLR.S and SCTLR.R.
 * Large and small pages carry four AP fields, one per quarter of the page
 * ("subpages").
 *
 * Fault checking follows the order of the ARM ARM's flowchart (B3.6): the
 * first-level fetch, a first-level fault descriptor, then for a section
 * its domain and permissions; for a page the second-level fetch, a
 * second-level fault descriptor, then the domain and permissions. FSR is
 * status in [3:0] and the domain in [7:4]; the domain is reported as 0 where
 * the architecture calls it invalid (section translation fault, external
 * abort on the first-level fetch).
 *
 * Choices where the architecture says UNPREDICTABLE or leaves it to the
 * system:
 *   - DACR field 0b10 (reserved) behaves as "no access": domain fault;
 *   - AP = 0b00 with S = R = 1 grants no access;
 *   - a tiny-page descriptor (0b11) in a coarse table is a page translation
 *     fault (ARMv6 reuses the encoding as "extended small page");
 *   - a descriptor address outside RAM/ROM is an external abort on
 *     translation rather than a read of device registers or of the zero an
 *     empty bus slot returns, so a guest with a bad TTBR sees what is wrong.
 *
 * The walker has no side effects beyond cpu->fault on failure: the monitor
 * and the debugger call it freely.
 */
#include <stdarg.h>

#include "base/trace.h"
#include "mmu/mmu.h"

/* Access rights, one bit each. */
enum {
    PERM_PRIV_R = 1u << 0,
    PERM_PRIV_W = 1u << 1,
    PERM_USER_R = 1u << 2,
    PERM_USER_W = 1u << 3,
    PERM_ALL = 0xf,
};

/*
 * AP x S x R (ARM ARM DDI 0100I B3.4.1, "Access permissions"; ARM926EJ-S TRM
 * 3.2.7). S and R only matter when AP = 0b00.
 */
static const uint8_t ap_perms[4][2][2] = {
    /* AP = 00: [S][R] */
    { { 0, PERM_PRIV_R | PERM_USER_R }, { PERM_PRIV_R, 0 } },
    /* AP = 01: privileged read/write, user none */
    { { PERM_PRIV_R | PERM_PRIV_W, PERM_PRIV_R | PERM_PRIV_W },
      { PERM_PRIV_R | PERM_PRIV_W, PERM_PRIV_R | PERM_PRIV_W } },
    /* AP = 10: privileged read/write, user read */
    { { PERM_ALL & ~PERM_USER_W, PERM_ALL & ~PERM_USER_W },
      { PERM_ALL & ~PERM_USER_W, PERM_ALL & ~PERM_USER_W } },
    /* AP = 11: read/write for everybody */
    { { PERM_ALL, PERM_ALL }, { PERM_ALL, PERM_ALL } },
};

/* DACR fields (ARM ARM DDI 0100I B3.5, "Domains"). */
enum { DOMAIN_NO_ACCESS = 0, DOMAIN_CLIENT = 1, DOMAIN_RESERVED = 2, DOMAIN_MANAGER = 3 };

static const char *const domain_names[4] = {
    "no access", "client", "reserved (no access)", "manager",
};

static const char *const access_names[] = {
    [MMU_READ] = "read", [MMU_WRITE] = "write", [MMU_EXEC] = "exec",
};

/* Descriptor types, bits [1:0]. */
enum { L1_FAULT = 0, L1_COARSE = 1, L1_SECTION = 2, L1_FINE = 3 };
enum { L2_FAULT = 0, L2_LARGE = 1, L2_SMALL = 2, L2_TINY = 3 };

/* Explanations cost nothing on the normal path: the arguments are only
 * evaluated when the monitor asked for them. */
#define explainf(out, ...)                 \
    do {                                   \
        if (unlikely(out))                 \
            fprintf(out, __VA_ARGS__);     \
    } while (0)

static const char *perm_string(unsigned perms, bool user)
{
    static const char *const names[4] = { "no access", "read-only", "write-only", "read/write" };
    unsigned bits = user ? perms >> 2 : perms;
    return names[bits & 3];
}

static int walk_fault(struct arm_cpu *cpu, uint32_t mva, enum mmu_access access,
                      unsigned status, unsigned domain, FILE *explain, const char *why)
{
    uint32_t fsr = (domain << 4) | status;
    cpu->fault.fsr = fsr;
    cpu->fault.far = mva;
    cpu->fault.write = access == MMU_WRITE;
    explainf(explain, "  => FAULT: %s; FSR 0x%03x (status 0x%x, domain %u), FAR 0x%08x\n",
             why, fsr, status, domain, mva);
    trace_printf(cpu->trace, TRACE_MMU, "cpu%u %s fault at MVA 0x%08x: %s (FSR 0x%03x)",
                 cpu->index, access_names[access], mva, why, fsr);
    return -1;
}

/* Reads a descriptor word; false when its address is not RAM/ROM. */
static bool read_descriptor(struct aspace *as, uint32_t pa, uint32_t *desc)
{
    const struct mem_region *r = aspace_find(as, pa);
    if (!r || r->kind == REGION_MMIO)
        return false;
    aspace_read(as, pa, 4, desc);
    return true;
}

static unsigned subpage_ap(uint32_t desc, unsigned subpage)
{
    return (desc >> (4 + 2 * subpage)) & 3;
}

/* True when the four subpage AP fields (bits [11:4]) are equal. */
static bool subpages_uniform(uint32_t desc)
{
    unsigned ap0 = subpage_ap(desc, 0);
    return subpage_ap(desc, 1) == ap0 && subpage_ap(desc, 2) == ap0 &&
           subpage_ap(desc, 3) == ap0;
}

int mmu_walk_v5(struct arm_cpu *cpu, struct aspace *as, uint32_t va, enum mmu_access access,
                bool user, struct mmu_translation *t, FILE *explain)
{
    const struct cp15_state *cp = &cpu->cp15;
    uint32_t mva = mmu_fcse_mva(cpu, va);

    explainf(explain, "walk VA 0x%08x, %s %s (ARMv5 MMU)\n", va, user ? "user" : "privileged",
             access_names[access]);
    if (mva != va)
        explainf(explain, "  FCSE PID 0x%08x: MVA 0x%08x\n", cp->fcse_pid, mva);

    if (!(cp->sctlr & SCTLR_M)) {
        /* MMU off: flat map, no permission checks (B3.2, "MMU disabled"). */
        t->pa = mva;
        t->page_size = 1u << 20;
        t->can_read_priv = t->can_write_priv = true;
        t->can_read_user = t->can_write_user = true;
        t->can_exec = true;
        explainf(explain, "  MMU disabled (SCTLR.M = 0): flat mapping\n"
                          "  => PA 0x%08x\n", mva);
        return 0;
    }

    /* First-level fetch (B3.3.2): TTBR[31:14] | MVA[31:20] << 2. */
    uint32_t l1_addr = (cp->ttbr0 & 0xffffc000u) | ((mva >> 20) << 2);
    uint32_t l1;
    explainf(explain, "  TTBR 0x%08x: first-level descriptor at PA 0x%08x", cp->ttbr0, l1_addr);
    if (!read_descriptor(as, l1_addr, &l1)) {
        explainf(explain, " (not RAM/ROM)\n");
        return walk_fault(cpu, mva, access, FSR_EXT_ABORT_TRANSL_L1, 0, explain,
                          "external abort on first-level fetch");
    }
    explainf(explain, " = 0x%08x\n", l1);

    unsigned domain = (l1 >> 5) & 0xf;
    uint32_t pa;
    uint32_t page_size;
    unsigned ap;
    bool section;

    switch (l1 & 3) {
    case L1_FAULT:
        explainf(explain, "  first level: fault descriptor (bits[1:0] = 00)\n");
        return walk_fault(cpu, mva, access, FSR_TRANSLATION_SECTION, 0, explain,
                          "section translation fault");
    case L1_SECTION:
        /* B3.3.4: base [31:20], AP [11:10], domain [8:5], C/B [3:2]. */
        section = true;
        ap = (l1 >> 10) & 3;
        pa = (l1 & 0xfff00000u) | (mva & 0x000fffffu);
        page_size = 1u << 20;
        explainf(explain, "  first level: 1 MiB section, base 0x%08x, domain %u, AP %u, "
                 "C %u B %u\n", l1 & 0xfff00000u, domain, ap, (l1 >> 3) & 1, (l1 >> 2) & 1);
        break;
    default: {
        /* Coarse (B3.3.5): table [31:10], index MVA[19:12].
         * Fine (B3.3.6): table [31:12], index MVA[19:10]. */
        bool fine = (l1 & 3) == L1_FINE;
        uint32_t l2_addr = fine ? (l1 & 0xfffff000u) | ((mva >> 8) & 0xffcu)
                                : (l1 & 0xfffffc00u) | ((mva >> 10) & 0x3fcu);
        uint32_t l2;
        section = false;
        explainf(explain, "  first level: %s page table at PA 0x%08x, domain %u\n",
                 fine ? "fine" : "coarse", l1 & (fine ? 0xfffff000u : 0xfffffc00u), domain);
        explainf(explain, "  second-level descriptor at PA 0x%08x", l2_addr);
        if (!read_descriptor(as, l2_addr, &l2)) {
            explainf(explain, " (not RAM/ROM)\n");
            return walk_fault(cpu, mva, access, FSR_EXT_ABORT_TRANSL_L2, domain, explain,
                              "external abort on second-level fetch");
        }
        explainf(explain, " = 0x%08x\n", l2);

        switch (l2 & 3) {
        case L2_FAULT:
            explainf(explain, "  second level: fault descriptor (bits[1:0] = 00)\n");
            return walk_fault(cpu, mva, access, FSR_TRANSLATION_PAGE, domain, explain,
                              "page translation fault");
        case L2_LARGE: {
            /* B3.3.8: base [31:16], AP3..AP0 [11:4], subpage = MVA[15:14]. */
            unsigned sub = (mva >> 14) & 3;
            ap = subpage_ap(l2, sub);
            pa = (l2 & 0xffff0000u) | (mva & 0xffffu);
            page_size = subpages_uniform(l2) ? 1u << 16 : 1u << 14;
            explainf(explain, "  second level: 64 KiB large page, base 0x%08x, "
                     "AP3..AP0 %u %u %u %u, subpage %u -> AP %u\n", l2 & 0xffff0000u,
                     subpage_ap(l2, 3), subpage_ap(l2, 2), subpage_ap(l2, 1),
                     subpage_ap(l2, 0), sub, ap);
            break;
        }
        case L2_SMALL: {
            /* B3.3.9: base [31:12], AP3..AP0 [11:4], subpage = MVA[11:10]. */
            unsigned sub = (mva >> 10) & 3;
            ap = subpage_ap(l2, sub);
            pa = (l2 & 0xfffff000u) | (mva & 0xfffu);
            page_size = subpages_uniform(l2) ? 1u << 12 : 1u << 10;
            explainf(explain, "  second level: 4 KiB small page, base 0x%08x, "
                     "AP3..AP0 %u %u %u %u, subpage %u -> AP %u\n", l2 & 0xfffff000u,
                     subpage_ap(l2, 3), subpage_ap(l2, 2), subpage_ap(l2, 1),
                     subpage_ap(l2, 0), sub, ap);
            break;
        }
        default: /* L2_TINY */
            if (!fine) {
                explainf(explain, "  second level: tiny-page descriptor in a coarse table "
                         "(UNPREDICTABLE on ARMv5)\n");
                return walk_fault(cpu, mva, access, FSR_TRANSLATION_PAGE, domain, explain,
                                  "page translation fault (tiny page in coarse table)");
            }
            /* B3.3.10: base [31:10], AP [5:4]. */
            ap = (l2 >> 4) & 3;
            pa = (l2 & 0xfffffc00u) | (mva & 0x3ffu);
            page_size = 1u << 10;
            explainf(explain, "  second level: 1 KiB tiny page, base 0x%08x, AP %u\n",
                     l2 & 0xfffffc00u, ap);
            break;
        }
        break;
    }
    }

    /* Domain check (B3.5). */
    unsigned dac = (cp->dacr >> (2 * domain)) & 3;
    explainf(explain, "  domain %u: DACR 0x%08x, D%u = %u -> %s\n", domain, cp->dacr, domain,
             dac, domain_names[dac]);
    if (dac == DOMAIN_NO_ACCESS || dac == DOMAIN_RESERVED)
        return walk_fault(cpu, mva, access, section ? FSR_DOMAIN_SECTION : FSR_DOMAIN_PAGE,
                          domain, explain, section ? "section domain fault" : "page domain fault");

    unsigned perms;
    if (dac == DOMAIN_MANAGER) {
        perms = PERM_ALL;
        explainf(explain, "  manager domain: access permissions not checked\n");
    } else {
        unsigned s = (cp->sctlr & SCTLR_S) ? 1 : 0;
        unsigned r = (cp->sctlr & SCTLR_R) ? 1 : 0;
        perms = ap_perms[ap][s][r];
        explainf(explain, "  AP %u, S %u, R %u: privileged %s, user %s%s\n", ap, s, r,
                 perm_string(perms, false), perm_string(perms, true),
                 ap == 0 && s && r ? " (S = R = 1 is UNPREDICTABLE: no access)" : "");
    }

    unsigned need;
    if (access == MMU_WRITE)
        need = user ? PERM_USER_W : PERM_PRIV_W;
    else /* ARMv5 has no execute-never: a fetch needs read permission */
        need = user ? PERM_USER_R : PERM_PRIV_R;
    if (!(perms & need))
        return walk_fault(cpu, mva, access,
                          section ? FSR_PERMISSION_SECTION : FSR_PERMISSION_PAGE, domain,
                          explain, section ? "section permission fault"
                                           : "page permission fault");

    t->pa = pa;
    t->page_size = page_size;
    t->can_read_priv = perms & PERM_PRIV_R;
    t->can_write_priv = perms & PERM_PRIV_W;
    t->can_read_user = perms & PERM_USER_R;
    t->can_write_user = perms & PERM_USER_W;
    t->can_exec = perms & (user ? PERM_USER_R : PERM_PRIV_R);
    t->domain = (uint8_t)domain;
    explainf(explain, "  => %s allowed: PA 0x%08x\n", access_names[access], pa);
    return 0;
}
