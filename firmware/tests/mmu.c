/*
 * mmu: the ARMv5 (ARM926EJ-S) virtual memory system.
 *
 * Why: Linux on Versatile PB uses sections for the kernel, coarse tables
 * with small pages for user space, domains to switch kernel/user access,
 * and the S/R bits; armhv-emu's software MMU and TLB must walk every
 * descriptor kind, check domains before permissions, report faults with
 * the exact FSR and FAR, and forget a translation only when told to.
 * References: ARM ARM (DDI 0100I) B4.3 translation (first/second level
 * descriptors), B4.4 access permissions and domains (tables B4-1, B4-2),
 * B4.5-B4.6 faults, FSR/FAR, fault checking sequence; B3.7 (c8) TLB
 * operations; ARM926EJ-S TRM chapter 3.
 *
 * Checked:
 *  1. sections, coarse tables with 64K large and 4K small pages, fine
 *     tables with 1K tiny, 4K small and 64K large pages: data written
 *     through one virtual alias is read through another and through the
 *     identity map of the physical page;
 *  2. translation faults: FSR 0x5 (section; domain not valid) and 0x7 with
 *     the domain of the first-level descriptor (page), FAR = the VA;
 *  3. domains: no access -> domain fault (0x9/0xb + domain), client ->
 *     AP checked (permission fault 0xd/0xf + domain), manager -> AP ignored;
 *  4. AP 0-3 with the S and R bits, for privileged accesses (LDR/STR) and
 *     user accesses made from a privileged mode (LDRT/STRT), on a section
 *     and on a small page; a faulting store leaves memory unchanged;
 *  5. subpage permissions (AP0-AP3) of small (1K subpages) and large (16K)
 *     pages;
 *  6. TLB maintenance: after changing a descriptor and invalidating the
 *     entry (by MVA or entirely) the new translation or fault is used;
 *  7. prefetch abort on executing from an unmapped section: IFSR status
 *     0x5, LR_abt = the target + 4, FAR left unchanged.
 * Each data abort also checks LR_abt = the faulting instruction + 8.
 */
#include "runtime.h"

/* Tables: first level 16K aligned, coarse 1K, fine 4K. */
static u32 l1[4096] __attribute__((aligned(16384)));
static u32 coarse_a[256] __attribute__((aligned(1024)));   /* domain 1: translation */
static u32 coarse_b[256] __attribute__((aligned(1024)));   /* domain 4: domain tests */
static u32 coarse_c[256] __attribute__((aligned(1024)));   /* domain 5: AP, subpages */
static u32 fine_a[1024] __attribute__((aligned(4096)));    /* domain 2: fine table */

#define IDENTITY_MB     32
#define PA_POOL         0x01000000u     /* 16 MiB: RAM inside the identity map */

#define VA_SEC_A        0x40000000u     /* section -> PA_POOL */
#define VA_SEC_B        0x40100000u     /* second alias of the same section */
#define VA_COARSE       0x40200000u     /* coarse_a */
#define VA_FINE         0x40300000u     /* fine_a */
#define VA_UNMAPPED     0x40400000u
#define VA_DOM_SEC      0x40500000u     /* section in domain 3 */
#define VA_AP_SEC       0x40600000u     /* section in domain 5, AP varied */
#define VA_COARSE_C     0x40700000u     /* coarse_c: AP/subpage pages */
#define VA_TLB          0x40800000u     /* section remapped for the TLB test */
#define VA_COARSE_B     0x40900000u     /* coarse_b */

#define PA_SEC          (PA_POOL + 0x000000)
#define PA_LARGE        (PA_POOL + 0x100000)
#define PA_SMALL        (PA_POOL + 0x120000)
#define PA_FINE         (PA_POOL + 0x200000)
#define PA_DOM          (PA_POOL + 0x300000)
#define PA_AP           (PA_POOL + 0x400000)
#define PA_SUB_SMALL    (PA_POOL + 0x500000)
#define PA_SUB_LARGE    (PA_POOL + 0x600000)
#define PA_TLB_A        (PA_POOL + 0x700000)
#define PA_TLB_B        (PA_POOL + 0x800000)
#define PA_DOM_PAGE     (PA_POOL + 0x900000)

#define DACR_BASE (DACR_FIELD(0, DOMAIN_CLIENT) | DACR_FIELD(1, DOMAIN_CLIENT) | \
                   DACR_FIELD(2, DOMAIN_CLIENT) | DACR_FIELD(5, DOMAIN_CLIENT))

static inline u32 rd(u32 addr)
{
    return *(volatile u32 *)(uintptr_t)addr;
}

static inline void wr(u32 addr, u32 v)
{
    *(volatile u32 *)(uintptr_t)addr = v;
}

/* ---- Probes: one access each, at a known instruction address ----------- */

enum access { ACC_PRIV_R, ACC_PRIV_W, ACC_USER_R, ACC_USER_W, ACC_COUNT };

u32 probe_ldr(u32 va, u32 v), probe_str(u32 va, u32 v);
u32 probe_ldrt(u32 va, u32 v), probe_strt(u32 va, u32 v);
extern const char probe_ldr_insn[], probe_str_insn[], probe_ldrt_insn[], probe_strt_insn[];
__asm__(
"   .syntax unified\n"
"   .text\n"
"   .arm\n"
"   .global probe_ldr, probe_str, probe_ldrt, probe_strt\n"
"   .global probe_ldr_insn, probe_str_insn, probe_ldrt_insn, probe_strt_insn\n"
"   .type probe_ldr, %function\n"
"probe_ldr:\n"
"probe_ldr_insn:\n"
"   ldr     r0, [r0]\n"
"   bx      lr\n"
"   .type probe_str, %function\n"
"probe_str:\n"
"probe_str_insn:\n"
"   str     r1, [r0]\n"
"   bx      lr\n"
"   .type probe_ldrt, %function\n"
"probe_ldrt:\n"                     /* LDRT is post-indexed: keep Rt != Rn */
"probe_ldrt_insn:\n"
"   ldrt    r1, [r0]\n"
"   mov     r0, r1\n"
"   bx      lr\n"
"   .type probe_strt, %function\n"
"probe_strt:\n"
"probe_strt_insn:\n"
"   strt    r1, [r0]\n"
"   bx      lr\n");

static u32 (*const probe_fn[ACC_COUNT])(u32, u32) = {
    probe_ldr, probe_str, probe_ldrt, probe_strt,
};
static const char *const probe_insn[ACC_COUNT] = {
    probe_ldr_insn, probe_str_insn, probe_ldrt_insn, probe_strt_insn,
};
static const char *const access_name[ACC_COUNT] = {
    "privileged read", "privileged write", "user read (LDRT)", "user write (STRT)",
};

struct abort_seen {
    u32 count;
    u32 dfsr;
    u32 ifsr;
    u32 far;
    u32 exc_lr;
    u32 type;
};

static volatile struct abort_seen ab;

/* Data abort: record, then resume after the faulting (ARM) instruction. */
static void hook_dabort(struct exc_frame *f)
{
    ab.count++;
    ab.type = EXC_DABORT;
    ab.dfsr = cp15_read_dfsr();
    ab.far = cp15_read_far();
    ab.exc_lr = f->exc_lr;
    f->pc = f->exc_lr - 4;
}

/* Prefetch abort from a call into unmapped memory: return to the caller. */
static void hook_pabort(struct exc_frame *f)
{
    ab.count++;
    ab.type = EXC_PABORT;
    ab.ifsr = cp15_read_ifsr();
    ab.far = cp15_read_far();
    ab.exc_lr = f->exc_lr;
    f->pc = f->lr;      /* lr of the interrupted SVC code = return address */
}

/*
 * One access.  want_fsr == 0: it must succeed (reads must return what the
 * identity map shows at pa; writes must land at pa).  Otherwise it must
 * abort with FSR[7:0] == want_fsr, FAR == va, LR == insn + 8, and a store
 * must not have changed memory.  qemu_fsr: a value QEMU is known to report
 * instead (0 if none), accepted with a WARN line.
 */
static void check_access_q(const char *what, enum access k, u32 va, u32 pa, u32 want_fsr,
                           u32 qemu_fsr)
{
    u32 before = ab.count, val = 0xc0de0000u ^ va ^ (k << 8), r;

    /* Fresh contents, so a read of the wrong page cannot match by luck. */
    wr(pa, 0x3ead0000u ^ va ^ (k << 12));
    u32 old = rd(pa);

    r = probe_fn[k](va, val);
    if (ab.count == before) {
        if (want_fsr)
            test_fail("%s: %s of %08x succeeded, expected FSR %02x", what,
                      access_name[k], va, want_fsr);
        if (k == ACC_PRIV_R || k == ACC_USER_R)
            TEST_EQ(what, r, old);
        else
            TEST_EQ(what, rd(pa), val);
        return;
    }
    if (!want_fsr)
        test_fail("%s: %s of %08x aborted (FSR %02x FAR %08x)", what, access_name[k], va,
                  ab.dfsr & 0xff, ab.far);
    if (qemu_fsr)
        TEST_EQ_QEMU_DEVIATION(what, ab.dfsr & 0xff, want_fsr, qemu_fsr);
    else
        TEST_EQ(what, ab.dfsr & 0xff, want_fsr);
    TEST_EQ("FAR = faulting VA", ab.far, va);
    TEST_EQ("LR_abt = faulting instruction + 8", ab.exc_lr, addr_of(probe_insn[k]) + 8);
    TEST_EQ("a faulting access leaves memory unchanged", rd(pa), old);
}

static void check_access(const char *what, enum access k, u32 va, u32 pa, u32 want_fsr)
{
    check_access_q(what, k, va, pa, want_fsr, 0);
}

static u32 fsr(u32 status, u32 domain)
{
    return status | (domain << FSR_DOMAIN_SHIFT);
}

/* ---- 1. Translation ------------------------------------------------------ */

static void setup_tables(void)
{
    mmu_identity_map(l1, IDENTITY_MB);

    l1[VA_SEC_A >> 20] = mmu_l1_section(PA_SEC, AP_FULL, 0);
    l1[VA_SEC_B >> 20] = mmu_l1_section(PA_SEC, AP_FULL, 0);

    /* coarse_a: large page at +0, small page aliases at +64K and +68K. */
    l1[VA_COARSE >> 20] = mmu_l1_coarse(coarse_a, 1);
    for (unsigned i = 0; i < 16; i++)
        coarse_a[i] = mmu_l2_large(PA_LARGE, mmu_ap4(3, 3, 3, 3));
    coarse_a[16] = mmu_l2_small(PA_LARGE + 0x5000, mmu_ap4(3, 3, 3, 3));
    coarse_a[17] = mmu_l2_small(PA_SMALL, mmu_ap4(3, 3, 3, 3));
    /* coarse_a[18..255] stay 0: page translation faults. */

    /*
     * fine_a (1K entries): tiny pages swapped at +0/+1K, fault at +2K, a
     * small page (4 entries) at +4K, a large page (64 entries) at +64K.
     */
    l1[VA_FINE >> 20] = mmu_l1_fine(fine_a, 2);
    fine_a[0] = mmu_l2_tiny(PA_FINE + 0x400, AP_FULL);
    fine_a[1] = mmu_l2_tiny(PA_FINE + 0x000, AP_FULL);
    for (unsigned i = 4; i < 8; i++)
        fine_a[i] = mmu_l2_small(PA_FINE + 0x10000, mmu_ap4(3, 3, 3, 3));
    for (unsigned i = 64; i < 128; i++)
        fine_a[i] = mmu_l2_large(PA_FINE + 0x20000, mmu_ap4(3, 3, 3, 3));

    l1[VA_DOM_SEC >> 20] = mmu_l1_section(PA_DOM, AP_NONE, 3);
    l1[VA_AP_SEC >> 20] = mmu_l1_section(PA_AP, AP_NONE, 5);
    l1[VA_COARSE_C >> 20] = mmu_l1_coarse(coarse_c, 5);
    l1[VA_TLB >> 20] = mmu_l1_section(PA_TLB_A, AP_FULL, 0);

    /* coarse_b in domain 4: a small page at +0, a fault at +4K. */
    l1[VA_COARSE_B >> 20] = mmu_l1_coarse(coarse_b, 4);
    coarse_b[0] = mmu_l2_small(PA_DOM_PAGE, mmu_ap4(0, 0, 0, 0));
}

static void check_alias(const char *what, u32 va_write, u32 va_read, u32 pa)
{
    u32 v = 0x5a000000u ^ va_write ^ (va_read << 4);

    wr(va_write, v);
    TEST_EQ(what, rd(va_read), v);
    TEST_EQ(what, rd(pa), v);
    wr(pa, ~v);
    TEST_EQ(what, rd(va_write), ~v);
}

static void test_translation(void)
{
    check_alias("section alias", VA_SEC_A + 0x12344, VA_SEC_B + 0x12344, PA_SEC + 0x12344);
    check_alias("section, last word", VA_SEC_A + 0xffffc, VA_SEC_B + 0xffffc,
                PA_SEC + 0xffffc);
    check_alias("large page (coarse)", VA_COARSE + 0xfff0, VA_COARSE + 0xfff0,
                PA_LARGE + 0xfff0);
    check_alias("small page aliasing a large page", VA_COARSE + 0x5008, VA_COARSE + 0x10008,
                PA_LARGE + 0x5008);
    check_alias("small page (coarse)", VA_COARSE + 0x11ffc, VA_COARSE + 0x11ffc,
                PA_SMALL + 0xffc);
    check_alias("tiny page 0 -> PA +1K", VA_FINE + 0x010, VA_FINE + 0x010,
                PA_FINE + 0x410);
    check_alias("tiny page 1 -> PA +0", VA_FINE + 0x7fc, VA_FINE + 0x7fc, PA_FINE + 0x3fc);
    check_alias("small page (fine)", VA_FINE + 0x1abc, VA_FINE + 0x1abc,
                PA_FINE + 0x10abc);
    check_alias("large page (fine)", VA_FINE + 0x1fff8, VA_FINE + 0x1fff8,
                PA_FINE + 0x2fff8);
    printf("1. sections, coarse (64K/4K) and fine (1K/4K/64K) pages translate: ok\n");
}

/* ---- 2. Translation faults ------------------------------------------------ */

static void test_translation_faults(void)
{
    /* Section translation fault: domain field not valid, compare status only. */
    u32 before = ab.count;
    u32 r = probe_ldr(VA_UNMAPPED + 0x40, 0);

    (void)r;
    TEST_EQ("unmapped section aborts", ab.count, before + 1);
    TEST_EQ("section translation fault status", ab.dfsr & 0xf, FSR_TRANS_SECTION);
    TEST_EQ("section translation fault FAR", ab.far, VA_UNMAPPED + 0x40);
    TEST_EQ("LR_abt = insn + 8", ab.exc_lr, addr_of(probe_ldr_insn) + 8);

    /* No physical page behind these: pa only serves the "memory unchanged" check. */
    check_access("coarse table, invalid entry", ACC_PRIV_R, VA_COARSE + 0x12000,
                 PA_SMALL, fsr(FSR_TRANS_PAGE, 1));
    check_access("coarse table, invalid entry (store)", ACC_PRIV_W, VA_COARSE + 0xff004,
                 PA_SMALL + 4, fsr(FSR_TRANS_PAGE, 1));
    check_access("fine table, invalid tiny entry", ACC_PRIV_R, VA_FINE + 0x800, PA_FINE,
                 fsr(FSR_TRANS_PAGE, 2));
    check_access("fine table, invalid entry past the large page", ACC_PRIV_W,
                 VA_FINE + 0x30000, PA_FINE + 0x30000, fsr(FSR_TRANS_PAGE, 2));
    printf("2. translation faults: section 0x5, page 0x7 + domain, FAR: ok\n");
}

/* ---- 3. Domains ------------------------------------------------------------ */

static void set_dacr(u32 dacr)
{
    cp15_write_dacr(dacr);
}

static void test_domains(void)
{
    /* Section in domain 3, AP = 00 (no access with S = R = 0). */
    const u32 va = VA_DOM_SEC + 0x100, pa = PA_DOM + 0x100;

    set_dacr(DACR_BASE | DACR_FIELD(3, DOMAIN_NOACCESS));
    check_access("no-access domain, section, read", ACC_PRIV_R, va, pa,
                 fsr(FSR_DOMAIN_SECTION, 3));
    check_access("no-access domain, section, user write", ACC_USER_W, va + 4, pa + 4,
                 fsr(FSR_DOMAIN_SECTION, 3));
    set_dacr(DACR_BASE | DACR_FIELD(3, DOMAIN_CLIENT));
    check_access("client domain, AP = 00, read", ACC_PRIV_R, va, pa,
                 fsr(FSR_PERM_SECTION, 3));
    check_access("client domain, AP = 00, write", ACC_PRIV_W, va, pa,
                 fsr(FSR_PERM_SECTION, 3));
    set_dacr(DACR_BASE | DACR_FIELD(3, DOMAIN_MANAGER));
    check_access("manager domain ignores AP: read", ACC_PRIV_R, va, pa, 0);
    check_access("manager domain ignores AP: write", ACC_PRIV_W, va, pa, 0);
    check_access("manager domain ignores AP: user write", ACC_USER_W, va + 8, pa + 8, 0);

    /* Small page (AP = 00) in a coarse table in domain 4. */
    set_dacr(DACR_BASE | DACR_FIELD(4, DOMAIN_NOACCESS));
    check_access("no-access domain, page", ACC_PRIV_R, VA_COARSE_B + 0x20, PA_DOM_PAGE + 0x20,
                 fsr(FSR_DOMAIN_PAGE, 4));
    /*
     * Invalid second-level entry in a no-access domain: the ARM ARM fault
     * checking sequence (B4.6, figure "Sequence for checking faults")
     * fetches the page table entry before checking the domain, so this
     * is a page translation fault.  QEMU checks the domain first and
     * reports a page domain fault.
     */
    check_access_q("no-access domain, invalid page entry", ACC_PRIV_R, VA_COARSE_B + 0x1000,
                   PA_DOM_PAGE, fsr(FSR_TRANS_PAGE, 4), fsr(FSR_DOMAIN_PAGE, 4));
    set_dacr(DACR_BASE | DACR_FIELD(4, DOMAIN_CLIENT));
    check_access("client domain, page AP = 00", ACC_PRIV_R, VA_COARSE_B + 0x20,
                 PA_DOM_PAGE + 0x20, fsr(FSR_PERM_PAGE, 4));
    set_dacr(DACR_BASE | DACR_FIELD(4, DOMAIN_MANAGER));
    check_access("manager domain, page AP = 00", ACC_USER_W, VA_COARSE_B + 0x20,
                 PA_DOM_PAGE + 0x20, 0);

    /*
     * TLB entries hold the domain number, not its DACR field (ARM ARM
     * B4.4; ARM926EJ-S TRM chapter 3), so a DACR write takes effect
     * without any TLB maintenance.
     */
    set_dacr(DACR_BASE | DACR_FIELD(4, DOMAIN_NOACCESS));
    check_access("DACR change takes effect at once", ACC_PRIV_R, VA_COARSE_B + 0x20,
                 PA_DOM_PAGE + 0x20, fsr(FSR_DOMAIN_PAGE, 4));
    set_dacr(DACR_BASE);
    printf("3. domains: no access -> domain fault, client -> AP, manager -> no check: ok\n");
}

/* ---- 4. AP x S/R x privilege ------------------------------------------------ */

struct ap_case {
    u32 ap;
    u32 sr;             /* SCTLR S/R bits */
    bool ok[ACC_COUNT]; /* privileged R, W, user R, W */
};

/* ARM ARM table B4-1. */
static const struct ap_case ap_cases[] = {
    { AP_NONE,    0,       { false, false, false, false } },
    { AP_NONE,    SCTLR_S, { true,  false, false, false } },
    { AP_NONE,    SCTLR_R, { true,  false, true,  false } },
    { AP_PRIV,    0,       { true,  true,  false, false } },
    { AP_USER_RO, 0,       { true,  true,  true,  false } },
    { AP_FULL,    0,       { true,  true,  true,  true  } },
    /* S/R only matter for AP = 00. */
    { AP_PRIV,    SCTLR_R, { true,  true,  false, false } },
    { AP_USER_RO, SCTLR_S, { true,  true,  true,  false } },
};

static void test_ap(void)
{
    u32 sctlr = cp15_read_sctlr() & ~(SCTLR_S | SCTLR_R);

    for (unsigned i = 0; i < ARRAY_SIZE(ap_cases); i++) {
        const struct ap_case *c = &ap_cases[i];

        /*
         * The S/R bits and the descriptor both change: flush the TLB, as
         * ARM926 TLB entries hold the AP bits.
         */
        cp15_write_sctlr(sctlr | c->sr);
        l1[VA_AP_SEC >> 20] = mmu_l1_section(PA_AP, c->ap, 5);
        coarse_c[0] = mmu_l2_small(PA_AP + 0x1000, mmu_ap4(c->ap, c->ap, c->ap, c->ap));
        l1[VA_COARSE_C >> 20] = mmu_l1_coarse(coarse_c, 5);
        cp15_drain_write_buffer();
        cp15_tlb_flush_all();
        for (unsigned k = 0; k < ACC_COUNT; k++) {
            u32 off = 0x40 * i + 4 * k;

            check_access("AP/S/R section", k, VA_AP_SEC + off, PA_AP + off,
                         c->ok[k] ? 0 : fsr(FSR_PERM_SECTION, 5));
            check_access("AP/S/R small page", k, VA_COARSE_C + off, PA_AP + 0x1000 + off,
                         c->ok[k] ? 0 : fsr(FSR_PERM_PAGE, 5));
        }
        printf("  AP=%u S=%u R=%u: priv %s%s user %s%s\n", c->ap, !!(c->sr & SCTLR_S),
               !!(c->sr & SCTLR_R), c->ok[0] ? "R" : "-", c->ok[1] ? "W" : "-",
               c->ok[2] ? "R" : "-", c->ok[3] ? "W" : "-");
    }
    cp15_write_sctlr(sctlr);
    cp15_tlb_flush_all();
    printf("4. AP x S/R x privileged/user (LDRT/STRT), section and page: ok\n");
}

/* ---- 5. Subpages ------------------------------------------------------------ */

static void test_subpages(void)
{
    /* Small page at +4K: 1K subpages FULL, USER_RO, PRIV, NONE. */
    coarse_c[1] = mmu_l2_small(PA_SUB_SMALL, mmu_ap4(AP_FULL, AP_USER_RO, AP_PRIV, AP_NONE));
    /* Large page at +64K: 16K subpages NONE, FULL, PRIV, USER_RO. */
    for (unsigned i = 16; i < 32; i++)
        coarse_c[i] = mmu_l2_large(PA_SUB_LARGE,
                                   mmu_ap4(AP_NONE, AP_FULL, AP_PRIV, AP_USER_RO));
    cp15_drain_write_buffer();
    cp15_tlb_flush_all();

    static const u32 small_ap[4] = { AP_FULL, AP_USER_RO, AP_PRIV, AP_NONE };
    static const u32 large_ap[4] = { AP_NONE, AP_FULL, AP_PRIV, AP_USER_RO };
    /* Allowed accesses per AP with S = R = 0, in enum access order. */
    static const bool allow[4][ACC_COUNT] = {
        [AP_NONE] = { false, false, false, false },
        [AP_PRIV] = { true, true, false, false },
        [AP_USER_RO] = { true, true, true, false },
        [AP_FULL] = { true, true, true, true },
    };

    for (unsigned sub = 0; sub < 4; sub++) {
        for (unsigned k = 0; k < ACC_COUNT; k++) {
            u32 off = sub * 0x400 + 0x100 + 4 * k;
            u32 loff = sub * 0x4000 + 0x3f00 + 4 * k;

            check_access("small page subpage", k, VA_COARSE_C + 0x1000 + off,
                         PA_SUB_SMALL + off,
                         allow[small_ap[sub]][k] ? 0 : fsr(FSR_PERM_PAGE, 5));
            check_access("large page subpage", k, VA_COARSE_C + 0x10000 + loff,
                         PA_SUB_LARGE + loff,
                         allow[large_ap[sub]][k] ? 0 : fsr(FSR_PERM_PAGE, 5));
        }
    }
    printf("5. subpage AP0-AP3: 1K quarters of a small page, 16K of a large page: ok\n");
}

/* ---- 6. TLB maintenance ------------------------------------------------------ */

static void test_tlb(void)
{
    u32 *sec = &l1[VA_TLB >> 20];

    wr(PA_TLB_A + 0x80, 0xaaaa0001);
    wr(PA_TLB_B + 0x80, 0xbbbb0002);
    TEST_EQ("TLB: first mapping", rd(VA_TLB + 0x80), 0xaaaa0001);     /* now cached */

    mmu_set_entry(sec, mmu_l1_section(PA_TLB_B, AP_FULL, 0), VA_TLB);
    TEST_EQ("TLB: after invalidate by MVA", rd(VA_TLB + 0x80), 0xbbbb0002);

    *sec = mmu_l1_section(PA_TLB_A, AP_FULL, 0);
    cp15_drain_write_buffer();
    cp15_tlb_flush_all();
    TEST_EQ("TLB: after invalidate all", rd(VA_TLB + 0x80), 0xaaaa0001);

    /* A removed section must fault once its entry is invalidated. */
    u32 before = ab.count;

    mmu_set_entry(sec, 0, VA_TLB);
    (void)probe_ldr(VA_TLB + 0x84, 0);
    TEST_EQ("TLB: removed section faults after invalidate", ab.count, before + 1);
    TEST_EQ("TLB: removed section FSR", ab.dfsr & 0xf, FSR_TRANS_SECTION);
    TEST_EQ("TLB: removed section FAR", ab.far, VA_TLB + 0x84);
    mmu_set_entry(sec, mmu_l1_section(PA_TLB_A, AP_FULL, 0), VA_TLB);

    /* Second-level entry change, invalidated by MVA. */
    wr(PA_SMALL + 0x44, 0x5a5a0044);
    wr(PA_LARGE + 0x5044, 0xa5a50044);
    TEST_EQ("TLB: small page before", rd(VA_COARSE + 0x10044), 0xa5a50044);
    mmu_set_entry(&coarse_a[16], mmu_l2_small(PA_SMALL, mmu_ap4(3, 3, 3, 3)),
                  VA_COARSE + 0x10000);
    TEST_EQ("TLB: small page remapped", rd(VA_COARSE + 0x10044), 0x5a5a0044);
    mmu_set_entry(&coarse_a[16], mmu_l2_small(PA_SMALL, mmu_ap4(1, 1, 1, 1)),
                  VA_COARSE + 0x10000);
    check_access("TLB: small page made privileged-only", ACC_USER_R, VA_COARSE + 0x10044,
                 PA_SMALL + 0x44, fsr(FSR_PERM_PAGE, 1));
    printf("6. TLB invalidate by MVA and all: new mapping, permission or fault seen: ok\n");
}

/* ---- 7. Prefetch abort ---------------------------------------------------------- */

static void test_prefetch_abort(void)
{
    u32 target = VA_UNMAPPED + 0x1230, before = ab.count;
    void (*fn)(void) = (void (*)(void))(uintptr_t)target;

    exc_set_hook(EXC_PABORT, hook_pabort);
    cp15_write_far(0x12345678);
    fn();
    exc_set_hook(EXC_PABORT, 0);
    TEST_EQ("prefetch abort taken", ab.count, before + 1);
    TEST_EQ("prefetch abort type", ab.type, EXC_PABORT);
    TEST_EQ("LR_abt = aborted instruction + 4", ab.exc_lr, target + 4);
    TEST_EQ("IFSR status: section translation fault", ab.ifsr & 0xf, FSR_TRANS_SECTION);
    TEST_EQ("FAR not updated by a prefetch abort", ab.far, 0x12345678);
    printf("7. prefetch abort on an unmapped section: IFSR, LR, FAR untouched: ok\n");
}

int main(void)
{
    printf("mmu: ARMv5 sections/pages, domains, AP+S/R, subpages, FSR/FAR, TLB\n");
    setup_tables();
    exc_set_hook(EXC_DABORT, hook_dabort);
    mmu_enable(l1, DACR_BASE);

    test_translation();
    test_translation_faults();
    test_domains();
    test_ap();
    test_subpages();
    test_tlb();
    test_prefetch_abort();

    mmu_disable();
    test_pass();
}
