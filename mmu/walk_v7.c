/*
 * The ARMv7 short-descriptor page-table walker of the Cortex-A9 and
 * Cortex-A15 (ARM ARM DDI 0406C B3.5 "Short-descriptor translation table
 * format", B3.7 "Memory access control", B3.8 "Memory region attributes",
 * B3.12 "Exception reporting").
 *
 * Two levels. TTBCR.N splits the virtual space: with N > 0, addresses whose
 * top N bits are zero walk from TTBR0 (a table of 16 KiB >> N), the others
 * from TTBR1 (always 16 KiB); with N = 0 everything walks from TTBR0.
 * TTBCR.PD0/PD1 forbid walks from either table. A first-level descriptor is
 * a fault, a pointer to a 1 KiB second-level table, a 1 MiB section or a
 * 16 MiB supersection (bit 18); second-level descriptors map 64 KiB large
 * or 4 KiB small pages.
 *
 * Checks, in the order of the ARM ARM's TranslationTableWalkSD() and
 * TranslateAddressV() pseudocode: the walk itself (external abort on a
 * descriptor fetch, translation faults), the access flag (SCTLR.AFE with
 * AP[0] = 0; SCTLR.HA hardware management is not implemented, so the flag
 * always faults), then the domain (DACR), then in a client domain the AP
 * permissions and execute-never (XN, PXN, PXNTABLE, SCTLR.WXN/UWXN).
 *
 * Fault status is in the short-descriptor DFSR/IFSR format: FS[3:0] in
 * [3:0], FS[4] in bit 10; data aborts add the domain in [7:4] and WnR in
 * bit 11, instruction fetches (IFSR) have neither. The domain is reported
 * as 0 where the ARM ARM calls it UNKNOWN (first-level translation faults,
 * external aborts on the first-level fetch, supersections).
 *
 * Choices where the architecture leaves room:
 *   - DACR field 0b10 (reserved) behaves as "no access": domain fault;
 *   - AP[2:0] = 0b100 (reserved) grants no access;
 *   - first-level encoding 0b11 on a core without PXN (Cortex-A9) is the
 *     reserved encoding: section translation fault, as QEMU does;
 *   - XN is not checked in a Manager domain (accesses there are not checked
 *     against the translation table permissions at all), as QEMU does;
 *   - a supersection's extended base bits (PA[39:32]) are used as written;
 *     the address spaces are 32-bit, so a PA at or beyond 4 GiB ends in a
 *     synchronous external abort (FS 0b01000) for the access;
 *   - a descriptor address outside RAM/ROM is a synchronous external abort
 *     on the walk (FS 0b01100 / 0b01110), as in the ARMv5 walker;
 *   - SCTLR.EE (big-endian descriptors) is not modelled.
 *
 * Memory attributes are decoded (TEX/C/B directly, or through PRRR/NMRR
 * with SCTLR.TRE) for the explanation and the PAR, though no cache is
 * modelled. The nG bit is reported in t->global; the software TLB is not
 * tagged by ASID, so cp15.c flushes it whenever CONTEXTIDR.ASID changes.
 *
 * The walker has no side effects beyond cpu->fault on failure: the monitor,
 * the debugger and the ATS operations call it freely.
 */
#include "base/trace.h"
#include "mmu/mmu.h"

enum {
    PERM_PRIV_R = 1u << 0,
    PERM_PRIV_W = 1u << 1,
    PERM_USER_R = 1u << 2,
    PERM_USER_W = 1u << 3,
    PERM_ALL = 0xf,
};

/*
 * AP[2:0] with SCTLR.AFE = 0 (B3.7.1). 0b100 is reserved; 0b110
 * is the deprecated encoding of 0b111.
 */
static const uint8_t ap_perms[8] = {
    [0] = 0,
    [1] = PERM_PRIV_R | PERM_PRIV_W,
    [2] = PERM_PRIV_R | PERM_PRIV_W | PERM_USER_R,
    [3] = PERM_ALL,
    [4] = 0,
    [5] = PERM_PRIV_R,
    [6] = PERM_PRIV_R | PERM_USER_R,
    [7] = PERM_PRIV_R | PERM_USER_R,
};

/* AP[2:1] of the simplified model, SCTLR.AFE = 1 (B3.7.1). */
static const uint8_t ap_simple_perms[4] = {
    [0] = PERM_PRIV_R | PERM_PRIV_W,
    [1] = PERM_ALL,
    [2] = PERM_PRIV_R,
    [3] = PERM_PRIV_R | PERM_USER_R,
};

enum { DOMAIN_NO_ACCESS = 0, DOMAIN_CLIENT = 1, DOMAIN_RESERVED = 2, DOMAIN_MANAGER = 3 };

static const char *const domain_names[4] = {
    "no access", "client", "reserved (no access)", "manager",
};

static const char *const access_names[] = {
    [MMU_READ] = "read", [MMU_WRITE] = "write", [MMU_EXEC] = "exec",
};

static const char *const cache_names[4] = {
    [MMU_CACHE_NONE] = "non-cacheable",
    [MMU_CACHE_WBWA] = "write-back write-allocate",
    [MMU_CACHE_WT] = "write-through",
    [MMU_CACHE_WB] = "write-back no write-allocate",
};

/* Fault status codes (FS[4:0]) of the short-descriptor format. */
enum {
    FS_ACCESS_FLAG_L1 = FSR_V7_ACCESS_FLAG_SECTION,
    FS_TRANSLATION_L1 = FSR_TRANSLATION_SECTION,
    FS_ACCESS_FLAG_L2 = FSR_V7_ACCESS_FLAG_PAGE,
    FS_TRANSLATION_L2 = FSR_TRANSLATION_PAGE,
    FS_SYNC_EXT = FSR_V7_SYNC_EXT_ABORT,
    FS_DOMAIN_L1 = FSR_DOMAIN_SECTION,
    FS_DOMAIN_L2 = FSR_DOMAIN_PAGE,
    FS_EXT_WALK_L1 = FSR_EXT_ABORT_TRANSL_L1,
    FS_PERMISSION_L1 = FSR_PERMISSION_SECTION,
    FS_EXT_WALK_L2 = FSR_EXT_ABORT_TRANSL_L2,
    FS_PERMISSION_L2 = FSR_PERMISSION_PAGE,
};

#define explainf(out, ...)                 \
    do {                                   \
        if (unlikely(out))                 \
            fprintf(out, __VA_ARGS__);     \
    } while (0)

/* What one descriptor (section, supersection or page) says. */
struct v7_mapping {
    uint64_t pa;
    uint32_t size;
    unsigned level;        /* 1: section/supersection, 2: page */
    unsigned domain;
    unsigned ap;           /* AP[2:0] */
    unsigned tex, c, b, s;
    bool xn, pxn, ng, ns, supersection;
};

static const char *perm_string(unsigned perms, bool user)
{
    static const char *const names[4] = { "no access", "read-only", "write-only", "read/write" };
    unsigned bits = user ? perms >> 2 : perms;
    return names[bits & 3];
}

/* The FSR value for status fs, in the IFSR format for fetches. */
static uint32_t v7_fsr(unsigned fs, unsigned domain, enum mmu_access access)
{
    uint32_t fsr = (fs & 0xfu) | ((fs & 0x10u) ? FSR_V7_FS4 : 0);
    if (access != MMU_EXEC) {
        fsr |= (domain & 0xfu) << 4;
        if (access == MMU_WRITE)
            fsr |= FSR_V7_WNR;
    }
    return fsr;
}

static int walk_fault(struct arm_cpu *cpu, uint32_t va, enum mmu_access access, unsigned fs,
                      unsigned domain, FILE *explain, const char *why)
{
    uint32_t fsr = v7_fsr(fs, domain, access);
    cpu->fault.fsr = fsr;
    cpu->fault.far = va;
    cpu->fault.write = access == MMU_WRITE;
    explainf(explain, "  => FAULT: %s; %s 0x%03x (FS 0x%02x%s), %s 0x%08x\n", why,
             access == MMU_EXEC ? "IFSR" : "DFSR", fsr, fs,
             access == MMU_EXEC ? "" : (access == MMU_WRITE ? ", WnR" : ", read"),
             access == MMU_EXEC ? "IFAR" : "DFAR", va);
    trace_printf(cpu->trace, TRACE_MMU, "cpu%u %s fault at VA 0x%08x: %s (FSR 0x%03x)",
                 cpu->index, access_names[access], va, why, fsr);
    return -1;
}

static bool read_descriptor(struct aspace *as, uint32_t pa, uint32_t *desc)
{
    const struct mem_region *r = aspace_find(as, pa);
    if (!r || r->kind == REGION_MMIO)
        return false;
    aspace_read(as, pa, 4, desc);
    return true;
}

/* PXN exists on cores with VMSAv7 ID_MMFR0.VMSA >= 4: those with LPAE here. */
static bool has_pxn(const struct arm_cpu *cpu)
{
    return (cpu->model->features & CPU_FEAT_LPAE) != 0;
}

/* Inner/outer policy of TEX[1:0] or C:B when TEX[2] = 1 (B3.8.2). */
static const uint8_t tex_policy[4] = {
    MMU_CACHE_NONE, MMU_CACHE_WBWA, MMU_CACHE_WT, MMU_CACHE_WB,
};

/*
 * Memory attributes with SCTLR.TRE = 0 (B3.8.2). Returns false
 * for the reserved encodings (reported, and treated as Strongly-ordered).
 */
static bool decode_tex(const struct v7_mapping *m, struct mmu_translation *t)
{
    unsigned cb = (m->c << 1) | m->b;
    t->inner = t->outer = MMU_CACHE_NONE;
    t->shareable = t->outer_shareable = false;
    if (m->tex & 4) {
        t->mem_type = MMU_MEM_NORMAL;
        t->inner = tex_policy[cb];
        t->outer = tex_policy[m->tex & 3];
        t->shareable = t->outer_shareable = m->s;
        return true;
    }
    switch ((m->tex << 2) | cb) {
    case 0x0:   /* 000 00 */
        t->mem_type = MMU_MEM_STRONGLY_ORDERED;
        t->shareable = t->outer_shareable = true;
        return true;
    case 0x1:   /* 000 01: shareable device */
        t->mem_type = MMU_MEM_DEVICE;
        t->shareable = t->outer_shareable = true;
        return true;
    case 0x2:   /* 000 10: write-through, no write-allocate */
    case 0x3:   /* 000 11: write-back, no write-allocate */
        t->mem_type = MMU_MEM_NORMAL;
        t->inner = t->outer = cb == 2 ? MMU_CACHE_WT : MMU_CACHE_WB;
        t->shareable = t->outer_shareable = m->s;
        return true;
    case 0x4:   /* 001 00: non-cacheable */
        t->mem_type = MMU_MEM_NORMAL;
        t->shareable = t->outer_shareable = m->s;
        return true;
    case 0x7:   /* 001 11: write-back, write-allocate */
        t->mem_type = MMU_MEM_NORMAL;
        t->inner = t->outer = MMU_CACHE_WBWA;
        t->shareable = t->outer_shareable = m->s;
        return true;
    case 0x8:   /* 010 00: non-shareable device */
        t->mem_type = MMU_MEM_DEVICE;
        return true;
    default:    /* 001 01, 001 10 (IMPLEMENTATION DEFINED), 010 01+, 011 xx */
        t->mem_type = MMU_MEM_STRONGLY_ORDERED;
        t->shareable = t->outer_shareable = true;
        return false;
    }
}

/*
 * Memory attributes with SCTLR.TRE = 1 (B3.8.3): TEX[0]:C:B indexes the
 * PRRR type field and the NMRR inner/outer fields; the S bit picks the
 * PRRR NS0/NS1 (Normal) or DS0/DS1 (Device) shareability bit.
 */
static bool decode_remap(const struct arm_cpu *cpu, const struct v7_mapping *m,
                         struct mmu_translation *t, unsigned *index)
{
    uint32_t prrr = cpu->cp15.prrr, nmrr = cpu->cp15.nmrr;
    unsigned n = ((m->tex & 1) << 2) | (m->c << 1) | m->b;
    unsigned type = (prrr >> (2 * n)) & 3;
    *index = n;
    t->inner = t->outer = MMU_CACHE_NONE;
    switch (type) {
    case 0:
        t->mem_type = MMU_MEM_STRONGLY_ORDERED;
        t->shareable = t->outer_shareable = true;
        return true;
    case 1:
        t->mem_type = MMU_MEM_DEVICE;
        t->shareable = t->outer_shareable = (prrr >> (16 + m->s)) & 1;
        return true;
    case 2:
        t->mem_type = MMU_MEM_NORMAL;
        t->inner = (nmrr >> (2 * n)) & 3;
        t->outer = (nmrr >> (16 + 2 * n)) & 3;
        t->shareable = (prrr >> (18 + m->s)) & 1;
        t->outer_shareable = t->shareable && !((prrr >> (24 + n)) & 1);
        return true;
    default:    /* reserved */
        t->mem_type = MMU_MEM_STRONGLY_ORDERED;
        t->shareable = t->outer_shareable = true;
        return false;
    }
}

static void explain_attributes(FILE *out, const struct mmu_translation *t)
{
    static const char *const type_names[] = {
        [MMU_MEM_STRONGLY_ORDERED] = "Strongly-ordered", [MMU_MEM_DEVICE] = "Device",
        [MMU_MEM_NORMAL] = "Normal",
    };
    fprintf(out, "%s", type_names[t->mem_type]);
    if (t->mem_type == MMU_MEM_NORMAL)
        fprintf(out, ", inner %s, outer %s", cache_names[t->inner], cache_names[t->outer]);
    if (t->mem_type != MMU_MEM_STRONGLY_ORDERED)
        fprintf(out, ", %s", !t->shareable ? "non-shareable"
                             : t->outer_shareable ? "outer shareable" : "inner shareable");
}

static void decode_attributes(const struct arm_cpu *cpu, const struct v7_mapping *m,
                              struct mmu_translation *t, FILE *explain)
{
    if (cpu->cp15.sctlr & SCTLR_TRE) {
        unsigned n;
        bool ok = decode_remap(cpu, m, t, &n);
        if (explain) {
            fprintf(explain, "  memory attributes: TEX remap (SCTLR.TRE): TEX[0]:C:B = %u, "
                    "PRRR 0x%08x, NMRR 0x%08x -> ", n, cpu->cp15.prrr, cpu->cp15.nmrr);
            if (ok)
                explain_attributes(explain, t);
            else
                fprintf(explain, "reserved PRRR.TR%u (treated as Strongly-ordered)", n);
            fprintf(explain, "\n");
        }
        return;
    }
    bool ok = decode_tex(m, t);
    if (explain) {
        fprintf(explain, "  memory attributes: TEX %u%u%u C %u B %u S %u -> ", (m->tex >> 2) & 1,
                (m->tex >> 1) & 1, m->tex & 1, m->c, m->b, m->s);
        if (ok)
            explain_attributes(explain, t);
        else
            fprintf(explain, "reserved encoding (treated as Strongly-ordered)");
        fprintf(explain, "\n");
    }
}

/* SCTLR.M = 0 (B3.2.1): flat map, data Strongly-ordered, fetches Normal. */
static int walk_disabled(uint32_t va, enum mmu_access access, struct mmu_translation *t,
                         FILE *explain)
{
    t->pa = va;
    t->page_size = 1u << 20;
    t->can_read_priv = t->can_write_priv = true;
    t->can_read_user = t->can_write_user = true;
    t->can_exec = t->can_exec_priv = t->can_exec_user = true;
    t->mem_type = access == MMU_EXEC ? MMU_MEM_NORMAL : MMU_MEM_STRONGLY_ORDERED;
    t->inner = t->outer = MMU_CACHE_NONE;
    t->shareable = t->outer_shareable = true;
    t->global = true;
    t->supersection = false;
    t->ns = false;
    explainf(explain, "  MMU disabled (SCTLR.M = 0): flat mapping\n  => PA 0x%08x\n", va);
    return 0;
}

/*
 * First level (B3.5.4, B3.5.1). Fills m for a section or supersection and
 * returns 1, returns 0 with *l2_addr set for a page table, or -1 after a
 * fault.
 */
static int walk_first_level(struct arm_cpu *cpu, struct aspace *as, uint32_t va,
                            enum mmu_access access, struct v7_mapping *m, uint32_t *l2_addr,
                            bool *pxn_table, FILE *explain)
{
    const struct cp15_state *cp = &cpu->cp15;
    unsigned n = cp->ttbcr & TTBCR_N_MASK;
    bool ttbr1 = n != 0 && (va >> (32 - n)) != 0;
    uint32_t ttbr = ttbr1 ? cp->ttbr1 : cp->ttbr0;
    uint32_t l1_addr;

    if (ttbr1) {
        l1_addr = (ttbr & 0xffffc000u) | ((va >> 20) << 2);
        explainf(explain, "  TTBCR 0x%08x (N = %u): VA[31:%u] != 0 -> TTBR1 0x%08x\n",
                 cp->ttbcr, n, 32 - n, ttbr);
    } else {
        /* TTBR0 table: 16 KiB >> N, indexed by VA[31-N:20]. */
        uint32_t base_mask = ~((1u << (14 - n)) - 1);
        l1_addr = (ttbr & base_mask) | (((va << n) >> (n + 20)) << 2);
        if (n)
            explainf(explain, "  TTBCR 0x%08x (N = %u): VA[31:%u] == 0 -> TTBR0 0x%08x\n",
                     cp->ttbcr, n, 32 - n, ttbr);
        else
            explainf(explain, "  TTBCR 0x%08x (N = 0): TTBR0 0x%08x\n", cp->ttbcr, ttbr);
    }
    explainf(explain, "  table walk attributes: IRGN %u%u, S %u, RGN %u, NOS %u\n",
             ttbr & 1, (ttbr >> 6) & 1, (ttbr >> 1) & 1, (ttbr >> 3) & 3, (ttbr >> 5) & 1);

    if ((cpu->model->features & CPU_FEAT_SECURITY) &&
        (cp->ttbcr & (ttbr1 ? TTBCR_PD1 : TTBCR_PD0)))
        return walk_fault(cpu, va, access, FS_TRANSLATION_L1, 0, explain,
                          ttbr1 ? "TTBCR.PD1 = 1: walks from TTBR1 disabled"
                                : "TTBCR.PD0 = 1: walks from TTBR0 disabled");

    uint32_t l1;
    explainf(explain, "  first-level descriptor at PA 0x%08x", l1_addr);
    if (!read_descriptor(as, l1_addr, &l1)) {
        explainf(explain, " (not RAM/ROM)\n");
        return walk_fault(cpu, va, access, FS_EXT_WALK_L1, 0, explain,
                          "synchronous external abort on the first-level fetch");
    }
    explainf(explain, " = 0x%08x\n", l1);

    unsigned type = l1 & 3;
    if (type == 0) {
        explainf(explain, "  first level: fault descriptor (bits[1:0] = 00)\n");
        return walk_fault(cpu, va, access, FS_TRANSLATION_L1, 0, explain,
                          "section translation fault");
    }
    if (type == 3 && !has_pxn(cpu)) {
        explainf(explain, "  first level: bits[1:0] = 11 is reserved without PXN support\n");
        return walk_fault(cpu, va, access, FS_TRANSLATION_L1, 0, explain,
                          "section translation fault (reserved descriptor encoding)");
    }
    if (type == 1) {
        /* Page table (B3.5.1): base [31:10], domain [8:5], NS [3], PXN [2]. */
        m->domain = (l1 >> 5) & 0xf;
        m->ns = (l1 >> 3) & 1;
        *pxn_table = has_pxn(cpu) && ((l1 >> 2) & 1);
        *l2_addr = (l1 & 0xfffffc00u) | (((va >> 12) & 0xff) << 2);
        explainf(explain, "  first level: page table at PA 0x%08x, domain %u, NS %u%s\n",
                 l1 & 0xfffffc00u, m->domain, m->ns, *pxn_table ? ", PXN (table)" : "");
        return 0;
    }

    /* Section / supersection (B3.5.1): NS [19], nG [17], S [16], AP[2] [15],
     * TEX [14:12], AP[1:0] [11:10], domain [8:5], XN [4], C [3], B [2],
     * PXN [0]. */
    m->level = 1;
    m->ns = (l1 >> 19) & 1;
    m->ng = (l1 >> 17) & 1;
    m->s = (l1 >> 16) & 1;
    m->ap = (((l1 >> 15) & 1) << 2) | ((l1 >> 10) & 3);
    m->tex = (l1 >> 12) & 7;
    m->xn = (l1 >> 4) & 1;
    m->c = (l1 >> 3) & 1;
    m->b = (l1 >> 2) & 1;
    m->pxn = has_pxn(cpu) && (l1 & 1);
    if (l1 & (1u << 18)) {
        /* Supersection: base [31:24], extended base PA[35:32] in [23:20] and
         * PA[39:36] in [8:5]; the domain is 0. */
        m->supersection = true;
        m->domain = 0;
        m->size = 1u << 24;
        m->pa = (uint64_t)(l1 & 0xff000000u) | (va & 0x00ffffffu) |
                ((uint64_t)((l1 >> 20) & 0xf) << 32) | ((uint64_t)((l1 >> 5) & 0xf) << 36);
        explainf(explain, "  first level: 16 MiB supersection, base 0x%010llx, domain 0\n",
                 (unsigned long long)(m->pa & ~(uint64_t)0xffffff));
    } else {
        m->supersection = false;
        m->domain = (l1 >> 5) & 0xf;
        m->size = 1u << 20;
        m->pa = (l1 & 0xfff00000u) | (va & 0x000fffffu);
        explainf(explain, "  first level: 1 MiB section, base 0x%08x, domain %u\n",
                 l1 & 0xfff00000u, m->domain);
    }
    explainf(explain, "  AP[2:0] %u%u%u, XN %u, PXN %u, nG %u, S %u, NS %u\n", (m->ap >> 2) & 1,
             (m->ap >> 1) & 1, m->ap & 1, m->xn, m->pxn, m->ng, m->s, m->ns);
    return 1;
}

/* Second level (B3.5.1): large or small page. Returns 0, or -1 after a fault. */
static int walk_second_level(struct arm_cpu *cpu, struct aspace *as, uint32_t va,
                             enum mmu_access access, uint32_t l2_addr, struct v7_mapping *m,
                             FILE *explain)
{
    uint32_t l2;
    explainf(explain, "  second-level descriptor at PA 0x%08x", l2_addr);
    if (!read_descriptor(as, l2_addr, &l2)) {
        explainf(explain, " (not RAM/ROM)\n");
        return walk_fault(cpu, va, access, FS_EXT_WALK_L2, m->domain, explain,
                          "synchronous external abort on the second-level fetch");
    }
    explainf(explain, " = 0x%08x\n", l2);

    m->level = 2;
    m->supersection = false;
    switch (l2 & 3) {
    case 0:
        explainf(explain, "  second level: fault descriptor (bits[1:0] = 00)\n");
        return walk_fault(cpu, va, access, FS_TRANSLATION_L2, m->domain, explain,
                          "page translation fault");
    case 1:
        /* Large page: base [31:16], XN [15], TEX [14:12]. */
        m->size = 1u << 16;
        m->pa = (l2 & 0xffff0000u) | (va & 0xffffu);
        m->xn = (l2 >> 15) & 1;
        m->tex = (l2 >> 12) & 7;
        explainf(explain, "  second level: 64 KiB large page, base 0x%08x\n", l2 & 0xffff0000u);
        break;
    default:
        /* Small page: base [31:12], TEX [8:6], XN [0]. */
        m->size = 1u << 12;
        m->pa = (l2 & 0xfffff000u) | (va & 0xfffu);
        m->xn = l2 & 1;
        m->tex = (l2 >> 6) & 7;
        explainf(explain, "  second level: 4 KiB small page, base 0x%08x\n", l2 & 0xfffff000u);
        break;
    }
    /* Common: nG [11], S [10], AP[2] [9], AP[1:0] [5:4], C [3], B [2]. */
    m->ng = (l2 >> 11) & 1;
    m->s = (l2 >> 10) & 1;
    m->ap = (((l2 >> 9) & 1) << 2) | ((l2 >> 4) & 3);
    m->c = (l2 >> 3) & 1;
    m->b = (l2 >> 2) & 1;
    explainf(explain, "  AP[2:0] %u%u%u, XN %u, nG %u, S %u\n", (m->ap >> 2) & 1,
             (m->ap >> 1) & 1, m->ap & 1, m->xn, m->ng, m->s);
    return 0;
}

int mmu_walk_v7(struct arm_cpu *cpu, struct aspace *as, uint32_t va, enum mmu_access access,
                bool user, struct mmu_translation *t, FILE *explain)
{
    const struct cp15_state *cp = &cpu->cp15;
    uint32_t sctlr = cp->sctlr;

    explainf(explain, "walk VA 0x%08x, %s %s (ARMv7 short-descriptor)\n", va,
             user ? "user" : "privileged", access_names[access]);
    if (!(sctlr & SCTLR_M))
        return walk_disabled(va, access, t, explain);

    struct v7_mapping m = { 0 };
    uint32_t l2_addr = 0;
    bool pxn_table = false;
    int rc = walk_first_level(cpu, as, va, access, &m, &l2_addr, &pxn_table, explain);
    if (rc < 0)
        return -1;
    if (rc == 0 && walk_second_level(cpu, as, va, access, l2_addr, &m, explain) < 0)
        return -1;
    bool section = m.level == 1;
    decode_attributes(cpu, &m, t, explain);

    /* Access flag (B3.7.1 "The Access flag"): AP[0] with SCTLR.AFE = 1. */
    if ((sctlr & SCTLR_AFE) && !(m.ap & 1)) {
        explainf(explain, "  SCTLR.AFE = 1 and AP[0] (the access flag) = 0\n");
        return walk_fault(cpu, va, access, section ? FS_ACCESS_FLAG_L1 : FS_ACCESS_FLAG_L2,
                          m.domain, explain,
                          section ? "section access flag fault" : "page access flag fault");
    }

    /* Domain (B3.7.3). */
    unsigned dac = (cp->dacr >> (2 * m.domain)) & 3;
    explainf(explain, "  domain %u: DACR 0x%08x, D%u = %u -> %s\n", m.domain, cp->dacr,
             m.domain, dac, domain_names[dac]);
    if (dac == DOMAIN_NO_ACCESS || dac == DOMAIN_RESERVED)
        return walk_fault(cpu, va, access, section ? FS_DOMAIN_L1 : FS_DOMAIN_L2, m.domain,
                          explain, section ? "section domain fault" : "page domain fault");

    unsigned perms;
    bool exec_priv, exec_user;
    if (dac == DOMAIN_MANAGER) {
        perms = PERM_ALL;
        exec_priv = exec_user = true;
        explainf(explain, "  manager domain: access permissions and XN not checked\n");
    } else {
        if (sctlr & SCTLR_AFE) {
            perms = ap_simple_perms[m.ap >> 1];
            explainf(explain, "  AP[2:1] %u%u (simplified model, SCTLR.AFE = 1): ",
                     (m.ap >> 2) & 1, (m.ap >> 1) & 1);
        } else {
            perms = ap_perms[m.ap];
            explainf(explain, "  AP[2:0] %u%u%u: ", (m.ap >> 2) & 1, (m.ap >> 1) & 1, m.ap & 1);
        }
        explainf(explain, "privileged %s, user %s%s\n", perm_string(perms, false),
                 perm_string(perms, true), m.ap == 4 && !(sctlr & SCTLR_AFE)
                 ? " (AP = 100 is reserved: no access)" : "");

        /* Execute-never (B3.7.2): a fetch also needs read permission. */
        bool xn = m.xn, pxn = m.pxn || pxn_table;
        if ((sctlr & SCTLR_WXN) && (perms & (PERM_PRIV_W | PERM_USER_W)))
            xn = true;
        if ((sctlr & SCTLR_UWXN) && (perms & PERM_USER_W))
            pxn = true;
        exec_user = !xn && (perms & PERM_USER_R);
        exec_priv = !xn && !pxn && (perms & PERM_PRIV_R);
        if (xn || pxn)
            explainf(explain, "  execute-never:%s%s%s%s%s\n", m.xn ? " XN" : "",
                     m.pxn ? " PXN" : "", pxn_table ? " PXN (table)" : "",
                     xn && !m.xn ? " WXN" : "", pxn && !m.pxn && !pxn_table ? " UWXN" : "");
    }

    bool allowed;
    if (access == MMU_WRITE)
        allowed = perms & (user ? PERM_USER_W : PERM_PRIV_W);
    else if (access == MMU_READ)
        allowed = perms & (user ? PERM_USER_R : PERM_PRIV_R);
    else
        allowed = user ? exec_user : exec_priv;
    if (!allowed)
        return walk_fault(cpu, va, access, section ? FS_PERMISSION_L1 : FS_PERMISSION_L2,
                          m.domain, explain,
                          access == MMU_EXEC && (perms & (user ? PERM_USER_R : PERM_PRIV_R))
                              ? (section ? "section permission fault (execute-never)"
                                         : "page permission fault (execute-never)")
                              : (section ? "section permission fault"
                                         : "page permission fault"));

    if (m.pa >> 32)
        return walk_fault(cpu, va, access, FS_SYNC_EXT, m.domain, explain,
                          "synchronous external abort: PA beyond the 32-bit address space");

    t->pa = m.pa;
    t->page_size = m.size;
    t->can_read_priv = perms & PERM_PRIV_R;
    t->can_write_priv = perms & PERM_PRIV_W;
    t->can_read_user = perms & PERM_USER_R;
    t->can_write_user = perms & PERM_USER_W;
    t->can_exec_priv = exec_priv;
    t->can_exec_user = exec_user;
    t->can_exec = user ? exec_user : exec_priv;
    t->global = !m.ng;
    t->domain = (uint8_t)m.domain;
    t->supersection = m.supersection;
    t->ns = m.ns;
    if (m.ng)
        explainf(explain, "  non-global (nG = 1): for ASID %u (CONTEXTIDR 0x%08x) only\n",
                 cp->contextidr & 0xff, cp->contextidr);
    else
        explainf(explain, "  global (nG = 0): for every ASID\n");
    explainf(explain, "  => %s allowed: PA 0x%08llx\n", access_names[access],
             (unsigned long long)m.pa);
    return 0;
}
