/*
 * mmu_v7: the ARMv7 short-descriptor virtual memory system of the Cortex-A15.
 *
 * Why: an ARMv7 Linux kernel maps itself with sections, user space with
 * small pages, splits the address space with TTBCR.N (TTBR0 for user,
 * TTBR1 for the kernel on some configurations), runs with TEX remap and
 * the access flag, tags user mappings with ASIDs (nG) so a context switch
 * needs no TLB flush, and marks data execute-never.  armhv-emu's walker
 * and TLB must get every descriptor kind, every permission and fault
 * encoding, and ASID matching right.
 * References (ARM ARM DDI 0406C): B3.5 "Short-descriptor translation
 * table format" (descriptors, figures B3-4/B3-5; TTBCR.N selecting TTBR0
 * or TTBR1, PD0), B3.7 "Memory access control" (AP[2:0], tables B3-8 and
 * B3-9; execute-never XN and PXN; domains and DACR; the Access flag and
 * SCTLR.AFE), B3.8 "Memory region attributes" (TEX/C/B, table B3-10; TEX
 * remap through PRRR/NMRR with SCTLR.TRE), B3.9 "Translation Lookaside
 * Buffers" (global and process-specific entries, ASIDs), B3.10 "TLB
 * maintenance requirements" (changing ASID and TTBR, TLBIMVA/ASID/MVAA),
 * B3.12 "VMSA memory aborts" (the fault-checking sequence), B3.13
 * "Exception reporting in a VMSA implementation" (table B3-23
 * short-descriptor fault encodings, which says where the domain field is
 * valid), B3.14 (ATS1CPR), B4.1 register descriptions: DFSR (its domain
 * field is UNKNOWN for permission faults on a core with the Large Physical
 * Address Extension, as the Cortex-A15), IFSR, DFAR, IFAR, PAR, PRRR,
 * NMRR, TTBCR, CONTEXTIDR, ID_MMFR0.
 *
 * Checked:
 *  1. sections, a 16 MiB supersection (PAR.SS, PA[31:24]), 64 KiB large
 *     and 4 KiB small pages: data through one alias appears through the
 *     other and at the physical address; ATS1CPR gives the PA;
 *  2. translation faults: section FS 0x05 (domain not valid), page FS 0x07
 *     with the domain of the first-level descriptor; WnR for stores; DFAR;
 *     ATS1CPR on an unmapped VA: PAR.F with FS;
 *  3. domains: no access -> domain fault (0x09 section / 0x0b page +
 *     domain), also on instruction fetch (IFSR 0x09); client -> AP
 *     checked; manager -> AP ignored;
 *  4. AP[2:0] 000, 001, 010, 011, 101, 110, 111 for PL1 (LDR/STR) and PL0
 *     (LDRT/STRT) accesses, on a section and on a small page: permission
 *     faults 0x0d/0x0f with WnR; a faulting store leaves memory unchanged;
 *  5. execute-never: prefetch aborts for XN sections and small pages
 *     (IFSR 0x0d/0x0f, IFAR = target, LR_abt = target + 4); PXN in a
 *     section and in a first-level page-table descriptor stops PL1 but not
 *     PL0 execution; a translation fault on a fetch (IFSR 0x05); an
 *     executable mapping runs;
 *  6. the access flag with SCTLR.AFE = 1: AF = 0 gives access flag faults
 *     (0x03 section / 0x06 page, with domain) on loads, stores, PL0
 *     accesses and instruction fetches; setting AF and invalidating the
 *     entry makes it accessible; the simplified AP[2:1] model;
 *  7. memory attributes through PAR (the only place they can be seen):
 *     TEX/C/B without remap, then SCTLR.TRE with PRRR/NMRR giving
 *     Strongly-ordered, Device and Normal types, inner/outer cache
 *     policies and shareability (SH, NOS) per TEX[0]:C:B index;
 *  8. ASIDs: the same VA mapped nG to different PAs in two address spaces,
 *     switched by TTBR0 + CONTEXTIDR without TLB maintenance, each sees its
 *     own; a VA mapped only in one space faults in the other; global
 *     entries are seen from both; TLBIMVA/TLBIASID/TLBIMVAA make changed
 *     descriptors visible;
 *  9. TTBR0/TTBR1 split: TTBCR.N = 2 and 1 move the boundary (the TTBR0
 *     table shrinks to 16K >> N), TTBCR.PD0 makes a TTBR0 miss fault (FS
 *     0x05).
 * Each data abort also checks LR_abt = the faulting instruction + 8.
 */
#include "runtime.h"

/* Translation tables. */
static u32 l1[4096] __attribute__((aligned(16384)));        /* main, TTBR0 or TTBR1 */
static u32 l1_b[4096] __attribute__((aligned(16384)));      /* the second ASID's space */
static u32 l1_lo[4096] __attribute__((aligned(16384)));     /* TTBR0 with TTBCR.N > 0 */
static u32 l2_a[256] __attribute__((aligned(1024)));        /* large + small pages */
static u32 l2_ap[256] __attribute__((aligned(1024)));       /* a page per AP value */
static u32 l2_dom[256] __attribute__((aligned(1024)));      /* domain 4 */
static u32 l2_code[256] __attribute__((aligned(1024)));     /* executable / XN pages */
static u32 l2_pxn[256] __attribute__((aligned(1024)));      /* under a PXN table descriptor */
static u32 l2_af[256] __attribute__((aligned(1024)));       /* access flag pages */

/* Physical pool: RAM the identity map covers, far above the image. */
#define PA_SEC          0x88000000u
#define PA_SUPER        0x89000000u     /* 16 MiB aligned */
#define PA_LARGE        0x8a000000u
#define PA_SMALL        0x8a100000u
#define PA_AP           0x8a200000u
#define PA_AP_PAGE      0x8a300000u
#define PA_DOM          0x8a400000u
#define PA_CODE         0x8a500000u
#define PA_AF           0x8a600000u
#define PA_REMAP        0x8a700000u
#define PA_ASID_A       0x8a800000u
#define PA_ASID_B       0x8a900000u
#define PA_GLOBAL       0x8aa00000u
#define PA_SPLIT_LO     0x8ab00000u
#define PA_SPLIT_HI     0x8ac00000u
#define PA_SPLIT_LO2    0x8ad00000u
#define PA_SPLIT_WRONG  0x8ae00000u
#define PA_ASID_ONLY    0x8b000000u
#define PA_ASID_A2      0x8b100000u
#define PA_ASID_A3      0x8b200000u
#define PA_GLOBAL2      0x8b300000u

#define VA_SEC_A        0x40000000u
#define VA_SEC_B        0x40100000u
#define VA_SUPER        0x41000000u     /* entries 0x410-0x41f */
#define VA_L2           0x42000000u     /* l2_a, domain 1 */
#define VA_UNMAPPED     0x42100000u
#define VA_AP_SEC       0x42200000u     /* + ap MiB, ap = 0..7: 0x422-0x429, domain 2 */
#define VA_AP_PAGE      0x42a00000u     /* l2_ap, domain 2 */
#define VA_DOM_SEC      0x42b00000u     /* domain 3 */
#define VA_DOM_PAGE     0x42c00000u     /* l2_dom, domain 4 */
#define VA_CODE_X       0x43000000u
#define VA_CODE_XN      0x43100000u
#define VA_CODE_PXN     0x43200000u
#define VA_CODE_PAGE    0x43300000u     /* l2_code: +0 executable, +4K XN */
#define VA_CODE_PXNT    0x43400000u     /* l2_pxn under a PXN table descriptor */
#define VA_CODE_NONE    0x43500000u     /* unmapped */
#define VA_CODE_DOM     0x43600000u     /* domain 5 */
#define VA_AF_SEC       0x44000000u     /* domain 6 */
#define VA_AF_PAGE      0x44100000u     /* l2_af, domain 6 */
#define VA_REMAP        0x45000000u     /* + n MiB, n = 0..7 */
#define VA_ASID         0x46000000u
#define VA_ASID_ONLY_A  0x46100000u
#define VA_GLOBAL       0x46200000u
#define VA_SPLIT_LO     0x30000000u
#define VA_SPLIT_HI     0x50000000u

#define DACR_BASE (V7_DACR(0, V7_DOMAIN_CLIENT) | V7_DACR(1, V7_DOMAIN_CLIENT) |    \
                   V7_DACR(2, V7_DOMAIN_CLIENT) | V7_DACR(6, V7_DOMAIN_CLIENT))

/* Domain field of a DFSR expectation, or DOM_UNKNOWN when the ARM ARM makes it UNKNOWN. */
#define DOM_UNKNOWN     0xffu

static inline u32 rd(u32 addr)
{
    return *(volatile u32 *)(uintptr_t)addr;
}

static inline void wr(u32 addr, u32 v)
{
    *(volatile u32 *)(uintptr_t)addr = v;
}

static struct v7_attr attr(u32 ap, u32 domain)
{
    struct v7_attr a = { .ap = ap, .type = V7_MT_NORMAL_NC, .domain = domain };
    return a;
}

static void flush_tlb(void)
{
    v7_tlb_flush_all();
}

/* ---- Probes and the abort hooks ----------------------------------------------------- */

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
"probe_ldr:\n"
"probe_ldr_insn:\n"
"   ldr     r0, [r0]\n"
"   bx      lr\n"
"probe_str:\n"
"probe_str_insn:\n"
"   str     r1, [r0]\n"
"   bx      lr\n"
"probe_ldrt:\n"                     /* post-indexed: keep Rt != Rn */
"probe_ldrt_insn:\n"
"   ldrt    r1, [r0]\n"
"   mov     r0, r1\n"
"   bx      lr\n"
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
    "PL1 read", "PL1 write", "PL0 read (LDRT)", "PL0 write (STRT)",
};

struct abort_seen {
    u32 count;
    u32 type;
    u32 dfsr, dfar;
    u32 ifsr, ifar;
    u32 exc_lr;
};

static volatile struct abort_seen ab;

/* Data abort: record, resume after the faulting ARM instruction. */
static void hook_dabort(struct exc_frame *f)
{
    ab.count++;
    ab.type = EXC_DABORT;
    ab.dfsr = cp15_read_dfsr();
    ab.dfar = cp15_read_far();
    ab.exc_lr = f->exc_lr;
    f->pc = f->exc_lr - 4;
}

/* Prefetch abort from a call to a bad target: return to the caller. */
static void hook_pabort(struct exc_frame *f)
{
    ab.count++;
    ab.type = EXC_PABORT;
    ab.ifsr = cp15_read_ifsr();
    ab.ifar = cp15_ifar_read();
    ab.exc_lr = f->exc_lr;
    f->pc = f->lr;      /* lr of the interrupted mode = the return address */
}

/* SVC from User mode (call_user): continue after it, in SVC mode. */
static void hook_svc(struct exc_frame *f)
{
    f->cpsr = (f->cpsr & ~PSR_MODE_MASK) | MODE_SVC;
}

/* Short-descriptor fault status: FS[4] in bit 10, FS[3:0] in [3:0]. */
static u32 fs_bits(u32 fs)
{
    return ((fs & 0x10u) << 6) | (fs & 0xfu);
}

/*
 * One data access.  want_fs == 0: it must succeed (a read returns what the
 * physical address holds, a write lands there).  Otherwise it must abort
 * with DFSR = FS, WnR for writes, the domain (unless DOM_UNKNOWN), ExT 0,
 * LPAE 0; DFAR = va; LR_abt = the instruction + 8; memory unchanged.
 */
static void check_access(const char *what, enum access k, u32 va, u32 pa, u32 want_fs,
                         u32 domain)
{
    u32 before = ab.count, val = 0xc0de0000u ^ va ^ (k << 8), r;

    wr(pa, 0x3ead0000u ^ va ^ (k << 12));
    u32 old = rd(pa);

    r = probe_fn[k](va, val);
    if (ab.count == before) {
        if (want_fs)
            test_fail("%s: %s of %08x succeeded, expected FS %02x", what, access_name[k], va,
                      want_fs);
        if (k == ACC_PRIV_R || k == ACC_USER_R)
            TEST_EQ(what, r, old);
        else
            TEST_EQ(what, rd(pa), val);
        return;
    }
    if (!want_fs)
        test_fail("%s: %s of %08x aborted (DFSR %08x DFAR %08x)", what, access_name[k], va,
                  ab.dfsr, ab.dfar);
    TEST_EQ("data abort taken", ab.type, EXC_DABORT);
    bool write = k == ACC_PRIV_W || k == ACC_USER_W;
    u32 want = fs_bits(want_fs) | (write ? FSR_WNR : 0);
    u32 mask = 0x3fffu;
    if (domain == DOM_UNKNOWN)
        mask &= ~0xf0u;
    else
        want |= domain << 4;
    if ((ab.dfsr & mask) != want)
        test_fail("%s: %s of %08x: DFSR %08x, expected %08x (mask %04x)", what, access_name[k],
                  va, ab.dfsr, want, mask);
    TEST_EQ("DFAR = faulting VA", ab.dfar, va);
    TEST_EQ("LR_abt = faulting instruction + 8", ab.exc_lr, addr_of(probe_insn[k]) + 8);
    TEST_EQ("a faulting access leaves memory unchanged", rd(pa), old);
}

/* ---- Code execution: a tiny function copied to PA_CODE ----------------------------------- */

#define CODE_RESULT     42u

typedef u32 (*code_fn)(void);

static void install_code(void)
{
    /* mov r0, #42; bx lr */
    wr(PA_CODE, 0xe3a0002au);
    wr(PA_CODE + 4, 0xe12fff1eu);
    cpu_sync_icache();
}

/* u32 call_user(code_fn fn): call fn in User mode, return its r0 (back by SVC). */
u32 call_user(code_fn fn);
__asm__(
"   .syntax unified\n"
"   .text\n"
"   .arm\n"
"   .global call_user\n"
"   .type call_user, %function\n"
"call_user:\n"
"   push    {r4-r11, lr}\n"
"   mov     r4, r0\n"
"   mov     r0, #0\n"
"   msr     cpsr_c, #0xd0\n"        /* User mode, IRQ/FIQ masked */
"   blx     r4\n"
"   svc     #0x75\n"                /* hook_svc resumes here in SVC mode */
"   pop     {r4-r11, pc}\n"
"   .size call_user, . - call_user\n");

/* Expect a prefetch abort on calling va (PL1, or PL0 with user), IFSR FS, IFAR = va. */
static void check_fetch_abort(const char *what, u32 va, u32 want_fs, bool user)
{
    u32 before = ab.count;
    code_fn fn = (code_fn)(uintptr_t)va;
    u32 r = user ? call_user(fn) : fn();

    if (ab.count == before)
        test_fail("%s: executing %08x returned %u, expected a prefetch abort FS %02x", what,
                  va, r, want_fs);
    TEST_EQ("prefetch abort taken", ab.type, EXC_PABORT);
    /* IFSR: ExT [12], FS[4] [10], LPAE [9], FS[3:0]; no domain, no WnR. */
    if ((ab.ifsr & 0x160fu) != fs_bits(want_fs))
        test_fail("%s: IFSR %08x, expected FS %02x", what, ab.ifsr, want_fs);
    TEST_EQ("IFAR = the target", ab.ifar, va);
    TEST_EQ("LR_abt = the target + 4", ab.exc_lr, va + 4);
}

static void check_fetch_ok(const char *what, u32 va, bool user)
{
    u32 before = ab.count;
    code_fn fn = (code_fn)(uintptr_t)va;
    u32 r = user ? call_user(fn) : fn();

    if (ab.count != before)
        test_fail("%s: executing %08x aborted (IFSR %08x IFAR %08x)", what, va, ab.ifsr,
                  ab.ifar);
    TEST_EQ(what, r, CODE_RESULT);
}

/* ---- PAR ------------------------------------------------------------------------------- */

#define PAR_F           (1u << 0)
#define PAR_SS          (1u << 1)
#define PAR_OUTER(x)    ((u32)(x) << 2)
#define PAR_INNER(x)    ((u32)(x) << 4)
#define PAR_SH          (1u << 7)
#define PAR_NOS         (1u << 10)
#define PAR_ATTR_MASK   (PAR_NOS | PAR_SH | PAR_INNER(7) | PAR_OUTER(3))

/* PAR Inner[2:0] / Outer[1:0] encodings (B4.1.113). */
#define IN_NC   0u
#define IN_SO   1u
#define IN_DEV  3u
#define IN_WBWA 5u
#define IN_WT   6u
#define IN_WB   7u
#define OUT_NC   0u
#define OUT_WBWA 1u
#define OUT_WT   2u
#define OUT_WB   3u

static u32 ats1cpr(u32 va)
{
    cp15_ats1cpr(va);
    isb();
    return cp15_par_read();
}

/*
 * PAR after ATS1CPR: PA bits, SS, and the attributes selected by
 * attr_mask (Outer and NOS are only meaningful for Normal memory / a
 * Shareable one).  QEMU 7.2 does not fill in PAR's attribute fields (its
 * ATS code says so): attributes reading all zero are accepted with a WARN.
 */
static void check_par(const char *what, u32 va, u32 want_pa_bits, u32 want_attr, u32 attr_mask)
{
    u32 par = ats1cpr(va);

    if (par & PAR_F)
        test_fail("%s: ATS1CPR(%08x) faulted, PAR %08x", what, va, par);
    TEST_EQ(what, par & 0xfffff002u, want_pa_bits);
    if ((par & attr_mask) != (want_attr & attr_mask)) {
        if ((par & PAR_ATTR_MASK) == 0) {
            printf("WARN: qemu-deviation: %s: PAR %08x has no attributes, ARM ARM requires "
                   "%08x (mask %08x)\n", what, par, want_attr & attr_mask, attr_mask);
            return;
        }
        test_fail("%s: PAR %08x, attributes expected %08x (mask %08x)", what, par,
                  want_attr & attr_mask, attr_mask);
    }
}

/* ---- 1. Translation --------------------------------------------------------------------- */

static void setup_tables(void)
{
    v7_identity_map(l1);

    struct v7_attr full = attr(V7_AP_FULL, 0);
    l1[VA_SEC_A >> 20] = v7_l1_section(PA_SEC, &full);
    l1[VA_SEC_B >> 20] = v7_l1_section(PA_SEC, &full);
    for (u32 i = 0; i < 16; i++)
        l1[(VA_SUPER >> 20) + i] = v7_l1_supersection(PA_SUPER, &full);

    /* l2_a in domain 1: a large page at +0, small pages at +64K (alias) and +68K. */
    struct v7_attr full1 = attr(V7_AP_FULL, 1);
    l1[VA_L2 >> 20] = v7_l1_table(l2_a, 1, false);
    for (u32 i = 0; i < 16; i++)
        l2_a[i] = v7_l2_large(PA_LARGE, &full1);
    l2_a[16] = v7_l2_small(PA_LARGE + 0x5000, &full1);
    l2_a[17] = v7_l2_small(PA_SMALL, &full1);
    /* l2_a[18..255] stay 0: page translation faults. */
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
    check_alias("supersection", VA_SUPER + 0xabcdec, VA_SUPER + 0xabcdec, PA_SUPER + 0xabcdec);
    check_alias("supersection, last word", VA_SUPER + 0xfffffc, VA_SUPER + 0xfffffc,
                PA_SUPER + 0xfffffc);
    check_alias("large page", VA_L2 + 0xfff0, VA_L2 + 0xfff0, PA_LARGE + 0xfff0);
    check_alias("small page aliasing the large page", VA_L2 + 0x5008, VA_L2 + 0x10008,
                PA_LARGE + 0x5008);
    check_alias("small page", VA_L2 + 0x11ffc, VA_L2 + 0x11ffc, PA_SMALL + 0xffc);

    u32 par = ats1cpr(VA_SEC_A + 0x12344);
    TEST_EQ("PAR for a section: PA[31:12], F = 0, SS = 0", par & 0xfffff003u, PA_SEC + 0x12000);
    par = ats1cpr(VA_SUPER + 0xabcdec);
    TEST_EQ("PAR for a supersection: PA[31:24], SS = 1", par & 0xff000003u, PA_SUPER | PAR_SS);
    par = ats1cpr(VA_L2 + 0x9abc);
    TEST_EQ("PAR for a large page", par & 0xfffff003u, PA_LARGE + 0x9000);
    par = ats1cpr(VA_L2 + 0x11abc);
    TEST_EQ("PAR for a small page", par & 0xfffff003u, PA_SMALL);
    printf("1. section, supersection, large and small pages translate; PAR PA/SS: ok\n");
}

/* ---- 2. Translation faults ----------------------------------------------------------------- */

static void test_translation_faults(void)
{
    /* Section translation fault: table B3-23 makes the domain invalid. */
    check_access("unmapped section, load", ACC_PRIV_R, VA_UNMAPPED + 0x40, PA_SEC,
                 FS_TRANS_SECTION, DOM_UNKNOWN);
    check_access("unmapped section, store", ACC_PRIV_W, VA_UNMAPPED + 0x44, PA_SEC,
                 FS_TRANS_SECTION, DOM_UNKNOWN);
    check_access("invalid small page entry, load", ACC_PRIV_R, VA_L2 + 0x12000, PA_SMALL,
                 FS_TRANS_PAGE, 1);
    check_access("invalid page entry, user store", ACC_USER_W, VA_L2 + 0xff004, PA_SMALL + 4,
                 FS_TRANS_PAGE, 1);
    /* ATS reports a fault in PAR: F = 1, FS[5:1] (FS[4] = 0 here). */
    u32 par = ats1cpr(VA_UNMAPPED);
    TEST_EQ("PAR for an unmapped VA: F, FS = 0x05", par & 0x7fu, (FS_TRANS_SECTION << 1) | 1);
    par = ats1cpr(VA_L2 + 0x12000);
    TEST_EQ("PAR for an invalid page entry: F, FS = 0x07", par & 0x7fu,
            (FS_TRANS_PAGE << 1) | 1);
    printf("2. translation faults: section 0x05, page 0x07 + domain, WnR, DFAR, PAR.F: ok\n");
}

/* ---- 3. Domains ----------------------------------------------------------------------------- */

static void test_domains(void)
{
    struct v7_attr none3 = attr(V7_AP_NONE, 3), none4 = attr(V7_AP_NONE, 4);
    const u32 va = VA_DOM_SEC + 0x100, pa = PA_DOM + 0x100;

    l1[VA_DOM_SEC >> 20] = v7_l1_section(PA_DOM, &none3);
    l1[VA_DOM_PAGE >> 20] = v7_l1_table(l2_dom, 4, false);
    l2_dom[0] = v7_l2_small(PA_DOM + 0x1000, &none4);
    flush_tlb();

    cp15_write_dacr(DACR_BASE | V7_DACR(3, V7_DOMAIN_NOACCESS) |
                    V7_DACR(4, V7_DOMAIN_NOACCESS));
    isb();
    check_access("no-access domain, section, load", ACC_PRIV_R, va, pa, FS_DOMAIN_SECTION, 3);
    check_access("no-access domain, section, user store", ACC_USER_W, va + 4, pa + 4,
                 FS_DOMAIN_SECTION, 3);
    check_access("no-access domain, page, load", ACC_PRIV_R, VA_DOM_PAGE + 0x20,
                 PA_DOM + 0x1020, FS_DOMAIN_PAGE, 4);
    check_access("no-access domain, page, store", ACC_PRIV_W, VA_DOM_PAGE + 0x24,
                 PA_DOM + 0x1024, FS_DOMAIN_PAGE, 4);

    cp15_write_dacr(DACR_BASE | V7_DACR(3, V7_DOMAIN_CLIENT) | V7_DACR(4, V7_DOMAIN_CLIENT));
    isb();
    check_access("client domain, AP = 000, load", ACC_PRIV_R, va, pa, FS_PERM_SECTION,
                 DOM_UNKNOWN);
    check_access("client domain, page AP = 000, user load", ACC_USER_R, VA_DOM_PAGE + 0x20,
                 PA_DOM + 0x1020, FS_PERM_PAGE, DOM_UNKNOWN);

    cp15_write_dacr(DACR_BASE | V7_DACR(3, V7_DOMAIN_MANAGER) |
                    V7_DACR(4, V7_DOMAIN_MANAGER));
    isb();
    check_access("manager domain ignores AP: load", ACC_PRIV_R, va, pa, 0, 0);
    check_access("manager domain ignores AP: user store", ACC_USER_W, va + 8, pa + 8, 0, 0);
    check_access("manager domain ignores AP: page store", ACC_PRIV_W, VA_DOM_PAGE + 0x28,
                 PA_DOM + 0x1028, 0, 0);
    cp15_write_dacr(DACR_BASE);
    isb();
    printf("3. domains: no access -> 0x09/0x0b + domain, client -> AP, manager -> none: ok\n");
}

/* ---- 4. AP[2:0] for PL1 and PL0 ------------------------------------------------------------- */

struct ap_case {
    u32 ap;
    bool ok[ACC_COUNT];     /* PL1 R, PL1 W, PL0 R, PL0 W */
};

/* Table B3-8 (SCTLR.AFE = 0); 100 is reserved and not used. */
static const struct ap_case ap_cases[] = {
    { 0, { false, false, false, false } },
    { 1, { true,  true,  false, false } },
    { 2, { true,  true,  true,  false } },
    { 3, { true,  true,  true,  true  } },
    { 5, { true,  false, false, false } },
    { 6, { true,  false, true,  false } },
    { 7, { true,  false, true,  false } },
};

static void test_ap(void)
{
    l1[VA_AP_PAGE >> 20] = v7_l1_table(l2_ap, 2, false);
    for (u32 i = 0; i < ARRAY_SIZE(ap_cases); i++) {
        struct v7_attr a = attr(ap_cases[i].ap, 2);
        l1[(VA_AP_SEC >> 20) + ap_cases[i].ap] = v7_l1_section(PA_AP, &a);
        l2_ap[ap_cases[i].ap] = v7_l2_small(PA_AP_PAGE + 0x1000 * ap_cases[i].ap, &a);
    }
    flush_tlb();

    for (u32 i = 0; i < ARRAY_SIZE(ap_cases); i++) {
        const struct ap_case *c = &ap_cases[i];
        u32 sec = VA_AP_SEC + (c->ap << 20), page = VA_AP_PAGE + 0x1000 * c->ap;

        for (u32 k = 0; k < ACC_COUNT; k++) {
            u32 off = 0x40 * i + 4 * k;
            /*
             * Permission faults: the Cortex-A15 has the Large Physical
             * Address Extension, so DFSR.Domain is UNKNOWN (B4.1.52).
             */
            check_access("AP section", k, sec + off, PA_AP + off,
                         c->ok[k] ? 0 : FS_PERM_SECTION, DOM_UNKNOWN);
            check_access("AP small page", k, page + off, PA_AP_PAGE + 0x1000 * c->ap + off,
                         c->ok[k] ? 0 : FS_PERM_PAGE, DOM_UNKNOWN);
        }
        printf("  AP[2:0]=%u%u%u: PL1 %s%s PL0 %s%s\n", (c->ap >> 2) & 1, (c->ap >> 1) & 1,
               c->ap & 1, c->ok[0] ? "R" : "-", c->ok[1] ? "W" : "-", c->ok[2] ? "R" : "-",
               c->ok[3] ? "W" : "-");
    }
    printf("4. AP[2:0] x PL1 (LDR/STR) / PL0 (LDRT/STRT), section and page: ok\n");
}

/* ---- 5. Execute-never ----------------------------------------------------------------------- */

static void test_execute_never(void)
{
    u32 mmfr0 = cp15_read_id_mmfr0();
    struct v7_attr x = attr(V7_AP_FULL, 0), xn = x, pxn = x, dom = attr(V7_AP_FULL, 5);

    TEST_TRUE("ID_MMFR0.VMSA >= 4 (PXN implemented)", (mmfr0 & 0xf) >= 4);
    xn.xn = true;
    pxn.pxn = true;
    install_code();
    l1[VA_CODE_X >> 20] = v7_l1_section(PA_CODE, &x);
    l1[VA_CODE_XN >> 20] = v7_l1_section(PA_CODE, &xn);
    l1[VA_CODE_PXN >> 20] = v7_l1_section(PA_CODE, &pxn);
    l1[VA_CODE_PAGE >> 20] = v7_l1_table(l2_code, 0, false);
    l2_code[0] = v7_l2_small(PA_CODE, &x);
    l2_code[1] = v7_l2_small(PA_CODE, &xn);
    l1[VA_CODE_PXNT >> 20] = v7_l1_table(l2_pxn, 0, true);
    l2_pxn[0] = v7_l2_small(PA_CODE, &x);
    l1[VA_CODE_DOM >> 20] = v7_l1_section(PA_CODE, &dom);
    flush_tlb();

    check_fetch_ok("executable section", VA_CODE_X, false);
    check_fetch_ok("executable small page", VA_CODE_PAGE, false);
    check_fetch_ok("executable section from PL0", VA_CODE_X, true);
    check_fetch_abort("XN section", VA_CODE_XN, FS_PERM_SECTION, false);
    check_fetch_abort("XN section from PL0", VA_CODE_XN, FS_PERM_SECTION, true);
    check_fetch_abort("XN small page", VA_CODE_PAGE + 0x1000, FS_PERM_PAGE, false);
    check_fetch_abort("PXN section at PL1", VA_CODE_PXN, FS_PERM_SECTION, false);
    check_fetch_ok("PXN section at PL0 runs", VA_CODE_PXN, true);
    check_fetch_abort("PXN table descriptor at PL1", VA_CODE_PXNT, FS_PERM_PAGE, false);
    check_fetch_ok("PXN table descriptor at PL0 runs", VA_CODE_PXNT, true);
    check_fetch_abort("fetch from an unmapped section", VA_CODE_NONE, FS_TRANS_SECTION, false);

    cp15_write_dacr(DACR_BASE | V7_DACR(5, V7_DOMAIN_NOACCESS));
    isb();
    check_fetch_abort("fetch in a no-access domain", VA_CODE_DOM, FS_DOMAIN_SECTION, false);
    cp15_write_dacr(DACR_BASE | V7_DACR(5, V7_DOMAIN_CLIENT));
    isb();
    check_fetch_ok("fetch in a client domain", VA_CODE_DOM, false);
    cp15_write_dacr(DACR_BASE);
    isb();
    printf("5. XN/PXN prefetch aborts (IFSR, IFAR, LR), PL0 runs PXN code, domain fetch: ok\n");
}

/* ---- 6. Access flag ------------------------------------------------------------------------- */

/* With SCTLR.AFE = 1: AP[2:1] select the permissions, AP[0] is the access flag. */
static u32 ap_afe(u32 ap21, bool af)
{
    return (ap21 << 1) | (af ? 1u : 0);
}

static void test_access_flag(void)
{
    struct v7_attr sec_noaf = attr(ap_afe(1, false), 6);   /* RW/RW, AF = 0 */
    struct v7_attr pg_noaf = attr(ap_afe(1, false), 6);
    struct v7_attr pg_ro = attr(ap_afe(2, true), 6);       /* PL1 RO, PL0 none */
    struct v7_attr pg_priv = attr(ap_afe(0, true), 6);     /* PL1 RW, PL0 none */
    struct v7_attr pg_user_ro = attr(ap_afe(3, true), 6);  /* RO/RO */
    struct v7_attr code_noaf = attr(ap_afe(1, false), 6);

    l1[VA_AF_SEC >> 20] = v7_l1_section(PA_AF, &sec_noaf);
    l1[VA_AF_PAGE >> 20] = v7_l1_table(l2_af, 6, false);
    l2_af[0] = v7_l2_small(PA_AF + 0x10000, &pg_noaf);
    l2_af[1] = v7_l2_small(PA_AF + 0x11000, &pg_ro);
    l2_af[2] = v7_l2_small(PA_AF + 0x12000, &pg_priv);
    l2_af[3] = v7_l2_small(PA_AF + 0x13000, &pg_user_ro);
    l2_af[4] = v7_l2_small(PA_CODE, &code_noaf);
    cp15_write_sctlr(cp15_read_sctlr() | SCTLR_AFE);
    isb();
    flush_tlb();

    check_access("AF = 0 section, load", ACC_PRIV_R, VA_AF_SEC + 0x10, PA_AF + 0x10,
                 FS_AF_SECTION, 6);
    check_access("AF = 0 section, store", ACC_PRIV_W, VA_AF_SEC + 0x14, PA_AF + 0x14,
                 FS_AF_SECTION, 6);
    check_access("AF = 0 section, user load", ACC_USER_R, VA_AF_SEC + 0x18, PA_AF + 0x18,
                 FS_AF_SECTION, 6);
    check_access("AF = 0 page, load", ACC_PRIV_R, VA_AF_PAGE + 0x10, PA_AF + 0x10010,
                 FS_AF_PAGE, 6);
    check_access("AF = 0 page, user store", ACC_USER_W, VA_AF_PAGE + 0x14, PA_AF + 0x10014,
                 FS_AF_PAGE, 6);
    check_fetch_abort("AF = 0 page, instruction fetch", VA_AF_PAGE + 0x4000, FS_AF_PAGE,
                      false);

    /* Software sets the flag and invalidates the entry: accessible now. */
    sec_noaf.ap = ap_afe(1, true);
    pg_noaf.ap = ap_afe(1, true);
    code_noaf.ap = ap_afe(1, true);
    v7_set_entry(&l1[VA_AF_SEC >> 20], v7_l1_section(PA_AF, &sec_noaf), VA_AF_SEC);
    v7_set_entry(&l2_af[0], v7_l2_small(PA_AF + 0x10000, &pg_noaf), VA_AF_PAGE);
    v7_set_entry(&l2_af[4], v7_l2_small(PA_CODE, &code_noaf), VA_AF_PAGE + 0x4000);
    check_access("AF set: section load", ACC_PRIV_R, VA_AF_SEC + 0x10, PA_AF + 0x10, 0, 0);
    check_access("AF set: section user store", ACC_USER_W, VA_AF_SEC + 0x1c, PA_AF + 0x1c, 0,
                 0);
    check_access("AF set: page store", ACC_PRIV_W, VA_AF_PAGE + 0x20, PA_AF + 0x10020, 0, 0);
    check_fetch_ok("AF set: page executes", VA_AF_PAGE + 0x4000, false);

    /* The simplified access permissions model (table B3-9). */
    check_access("AP[2:1] = 10: PL1 load", ACC_PRIV_R, VA_AF_PAGE + 0x1000, PA_AF + 0x11000, 0,
                 0);
    check_access("AP[2:1] = 10: PL1 store", ACC_PRIV_W, VA_AF_PAGE + 0x1004, PA_AF + 0x11004,
                 FS_PERM_PAGE, DOM_UNKNOWN);
    check_access("AP[2:1] = 10: PL0 load", ACC_USER_R, VA_AF_PAGE + 0x1008, PA_AF + 0x11008,
                 FS_PERM_PAGE, DOM_UNKNOWN);
    check_access("AP[2:1] = 00: PL1 store", ACC_PRIV_W, VA_AF_PAGE + 0x2000, PA_AF + 0x12000, 0,
                 0);
    check_access("AP[2:1] = 00: PL0 load", ACC_USER_R, VA_AF_PAGE + 0x2004, PA_AF + 0x12004,
                 FS_PERM_PAGE, DOM_UNKNOWN);
    check_access("AP[2:1] = 11: PL0 load", ACC_USER_R, VA_AF_PAGE + 0x3000, PA_AF + 0x13000, 0,
                 0);
    check_access("AP[2:1] = 11: PL1 store", ACC_PRIV_W, VA_AF_PAGE + 0x3004, PA_AF + 0x13004,
                 FS_PERM_PAGE, DOM_UNKNOWN);

    cp15_write_sctlr(cp15_read_sctlr() & ~SCTLR_AFE);
    isb();
    flush_tlb();
    printf("6. access flag (SCTLR.AFE): 0x03/0x06 faults on data and fetch, set AF, "
           "simplified AP: ok\n");
}

/* ---- 7. Memory attributes, TEX remap -------------------------------------------------------- */

static void map_remap(u32 n, u32 type, bool s)
{
    struct v7_attr a = attr(V7_AP_FULL, 0);

    a.type = type;
    a.s = s;
    l1[(VA_REMAP >> 20) + n] = v7_l1_section(PA_REMAP, &a);
}

struct remap_case {
    u32 type;           /* TEX:C:B in the descriptor */
    bool s;
    u32 want;           /* PAR attribute bits */
    u32 mask;           /* which of them are defined */
};

#define M_NORMAL_NS     (PAR_INNER(7) | PAR_OUTER(3) | PAR_SH)
#define M_NORMAL_SH     (M_NORMAL_NS | PAR_NOS)
#define M_DEVICE        (PAR_INNER(7) | PAR_SH)

/*
 * Without remap (table B3-10): TEX[2] = 1 gives outer policy TEX[1:0] and
 * inner policy C:B (00 NC, 01 WBWA, 10 WT, 11 WB); Normal memory is
 * Shareable when S = 1; Strongly-ordered is always Shareable.
 */
static const struct remap_case plain_cases[] = {
    { 0x00, false, PAR_INNER(IN_SO) | PAR_SH, M_DEVICE },                     /* SO */
    { 0x01, true,  PAR_INNER(IN_DEV) | PAR_SH, M_DEVICE },                    /* shareable dev */
    { 0x02, false, PAR_INNER(IN_WT) | PAR_OUTER(OUT_WT), M_NORMAL_NS },       /* WT */
    { 0x03, true,  PAR_INNER(IN_WB) | PAR_OUTER(OUT_WB) | PAR_SH, M_NORMAL_NS },
    { 0x04, false, PAR_INNER(IN_NC) | PAR_OUTER(OUT_NC), M_NORMAL_NS },       /* TEX 001 */
    { 0x07, true,  PAR_INNER(IN_WBWA) | PAR_OUTER(OUT_WBWA) | PAR_SH, M_NORMAL_NS },
    { 0x19, false, PAR_INNER(IN_WBWA) | PAR_OUTER(OUT_WT), M_NORMAL_NS },     /* TEX 110, CB 01 */
    { 0x1e, false, PAR_INNER(IN_WT) | PAR_OUTER(OUT_WB), M_NORMAL_NS },       /* TEX 111, CB 10 */
};

/*
 * With SCTLR.TRE = 1, n = TEX[0]:C:B indexes PRRR.TRn (00 SO, 01 Device,
 * 10 Normal), NMRR.IRn/ORn (00 NC, 01 WBWA, 10 WT, 11 WB); S picks
 * PRRR.NS0/NS1 (Normal) or DS0/DS1 (Device); NOSn makes a Shareable
 * Normal region Inner Shareable (PAR.NOS = 1).  TEX[2:1] are ignored: the
 * descriptors below set them to 11 to show it.
 */
#define PRRR_VALUE  (0u << 0 | 1u << 2 | 2u << 4 | 2u << 6 | 2u << 8 | 2u << 10 |       \
                     2u << 12 | 2u << 14 |                                              \
                     0u << 16 | 1u << 17 |      /* DS0 = 0, DS1 = 1 */                  \
                     0u << 18 | 1u << 19 |      /* NS0 = 0, NS1 = 1 */                  \
                     1u << 27 | 1u << 31)       /* NOS3, NOS7 */
#define NMRR_VALUE  (0u << 4 | 1u << 6 | 2u << 8 | 3u << 10 | 1u << 12 | 0u << 14 |      \
                     (1u << 4 | 0u << 6 | 3u << 8 | 2u << 10 | 3u << 12 | 0u << 14) << 16)

static const struct remap_case remap_cases[8] = {
    { 0x18, false, PAR_INNER(IN_SO) | PAR_SH, M_DEVICE },
    { 0x19, true,  PAR_INNER(IN_DEV) | PAR_SH, M_DEVICE },
    { 0x1a, false, PAR_INNER(IN_NC) | PAR_OUTER(OUT_WBWA), M_NORMAL_NS },
    { 0x1b, true,  PAR_INNER(IN_WBWA) | PAR_OUTER(OUT_NC) | PAR_SH | PAR_NOS, M_NORMAL_SH },
    { 0x1c, false, PAR_INNER(IN_WT) | PAR_OUTER(OUT_WB), M_NORMAL_NS },
    { 0x1d, true,  PAR_INNER(IN_WB) | PAR_OUTER(OUT_WT) | PAR_SH, M_NORMAL_SH },
    { 0x1e, false, PAR_INNER(IN_WBWA) | PAR_OUTER(OUT_WB), M_NORMAL_NS },
    { 0x1f, true,  PAR_INNER(IN_NC) | PAR_OUTER(OUT_NC) | PAR_SH | PAR_NOS, M_NORMAL_SH },
};

static void test_remap(void)
{
    for (u32 n = 0; n < ARRAY_SIZE(plain_cases); n++)
        map_remap(n, plain_cases[n].type, plain_cases[n].s);
    flush_tlb();
    for (u32 n = 0; n < ARRAY_SIZE(plain_cases); n++) {
        u32 va = VA_REMAP + (n << 20) + 0x340;
        check_par("TEX/C/B without remap", va, PA_REMAP, plain_cases[n].want,
                  plain_cases[n].mask);
        check_alias("access through the attribute mapping", va, va, PA_REMAP + 0x340);
    }

    cp15_prrr_write(PRRR_VALUE);
    cp15_nmrr_write(NMRR_VALUE);
    TEST_EQ("PRRR reads back", cp15_prrr_read(), PRRR_VALUE);
    TEST_EQ("NMRR reads back", cp15_nmrr_read(), NMRR_VALUE);
    for (u32 n = 0; n < 8; n++) {
        TEST_EQ("remap index = TEX[0]:C:B", remap_cases[n].type & 7, n);
        map_remap(n, remap_cases[n].type, remap_cases[n].s);
    }
    cp15_write_sctlr(cp15_read_sctlr() | SCTLR_TRE);
    isb();
    flush_tlb();
    for (u32 n = 0; n < 8; n++) {
        u32 va = VA_REMAP + (n << 20) + 0x780;
        check_par("TEX remap", va, PA_REMAP, remap_cases[n].want, remap_cases[n].mask);
        check_alias("access through the remapped mapping", va, va, PA_REMAP + 0x780);
    }
    /* The identity map's TEX 001 C 0 B 0 is index 4 now: Normal WT/WB, still RAM. */
    cp15_write_sctlr(cp15_read_sctlr() & ~SCTLR_TRE);
    isb();
    flush_tlb();
    printf("7. PAR attributes: TEX/C/B, and TEX remap through PRRR %08x / NMRR %08x: ok\n",
           PRRR_VALUE, NMRR_VALUE);
}

/* ---- 8. ASIDs ------------------------------------------------------------------------------- */

/*
 * Switch address space as B3.10.4 recommends for TTBR and ASID changes:
 * a reserved ASID (0, which no nG entry uses) while TTBR0 changes.
 */
static void switch_space(const u32 *table, u32 asid)
{
    cp15_contextidr_write(0);
    isb();
    cp15_ttbr0_write(addr_of(table));
    isb();
    cp15_contextidr_write(0x1200u | asid);      /* PROCID 0x12, ASID */
    isb();
}

static void test_asids(void)
{
    struct v7_attr ng = attr(V7_AP_FULL, 0), global = attr(V7_AP_FULL, 0);

    ng.ng = true;
    l1[VA_ASID >> 20] = v7_l1_section(PA_ASID_A, &ng);
    l1[VA_ASID_ONLY_A >> 20] = v7_l1_section(PA_ASID_ONLY, &ng);
    l1[VA_GLOBAL >> 20] = v7_l1_section(PA_GLOBAL, &global);
    memcpy(l1_b, l1, sizeof(l1));
    l1_b[VA_ASID >> 20] = v7_l1_section(PA_ASID_B, &ng);
    l1_b[VA_ASID_ONLY_A >> 20] = 0;
    dsb();
    flush_tlb();

    wr(PA_ASID_A, 0xaaaa0001u);
    wr(PA_ASID_B, 0xbbbb0002u);
    wr(PA_ASID_ONLY, 0xaaaa0003u);
    wr(PA_GLOBAL, 0x99990004u);

    switch_space(l1, 1);
    TEST_EQ("CONTEXTIDR reads back", cp15_contextidr_read(), 0x1201);
    TEST_EQ("ASID 1: its nG mapping", rd(VA_ASID), 0xaaaa0001u);
    TEST_EQ("ASID 1: the mapping only it has", rd(VA_ASID_ONLY_A), 0xaaaa0003u);
    TEST_EQ("ASID 1: global mapping", rd(VA_GLOBAL), 0x99990004u);

    /* No TLB maintenance: ASID 1's nG entries must not match under ASID 2. */
    switch_space(l1_b, 2);
    TEST_EQ("ASID 2: its own nG mapping of the same VA", rd(VA_ASID), 0xbbbb0002u);
    check_access("ASID 2: ASID 1's nG entry does not match", ACC_PRIV_R, VA_ASID_ONLY_A,
                 PA_ASID_ONLY, FS_TRANS_SECTION, DOM_UNKNOWN);
    TEST_EQ("ASID 2: the global mapping", rd(VA_GLOBAL), 0x99990004u);

    wr(PA_ASID_ONLY, 0xaaaa0008u);     /* check_access wrote its own pattern there */
    switch_space(l1, 1);
    TEST_EQ("back to ASID 1: its mapping again", rd(VA_ASID), 0xaaaa0001u);
    TEST_EQ("back to ASID 1: the mapping only it has", rd(VA_ASID_ONLY_A), 0xaaaa0008u);

    /* TLBIMVA by VA and ASID, then TLBIASID, then TLBIMVAA for a global entry. */
    wr(PA_ASID_A2, 0xaaaa0005u);
    wr(PA_ASID_A3, 0xaaaa0006u);
    l1[VA_ASID >> 20] = v7_l1_section(PA_ASID_A2, &ng);
    dsb();
    cp15_tlbimva((VA_ASID & 0xfffff000u) | 1);
    dsb();
    isb();
    TEST_EQ("after TLBIMVA(VA, ASID 1)", rd(VA_ASID), 0xaaaa0005u);
    l1[VA_ASID >> 20] = v7_l1_section(PA_ASID_A3, &ng);
    dsb();
    cp15_tlbiasid(1);
    dsb();
    isb();
    TEST_EQ("after TLBIASID(1)", rd(VA_ASID), 0xaaaa0006u);

    wr(PA_GLOBAL2, 0x99990007u);
    l1[VA_GLOBAL >> 20] = v7_l1_section(PA_GLOBAL2, &global);
    l1_b[VA_GLOBAL >> 20] = l1[VA_GLOBAL >> 20];
    dsb();
    cp15_tlbimvaa(VA_GLOBAL);
    dsb();
    isb();
    TEST_EQ("global entry after TLBIMVAA, ASID 1", rd(VA_GLOBAL), 0x99990007u);
    switch_space(l1_b, 2);
    TEST_EQ("global entry after TLBIMVAA, ASID 2", rd(VA_GLOBAL), 0x99990007u);

    switch_space(l1, 0);
    flush_tlb();
    printf("8. ASIDs: nG entries per ASID without TLB flushes, global shared, "
           "TLBIMVA/TLBIASID/TLBIMVAA: ok\n");
}

/* ---- 9. TTBR0/TTBR1 split ------------------------------------------------------------------- */

static void test_split(void)
{
    struct v7_attr a = attr(V7_AP_FULL, 0);
    const struct v7_attr dev = { .ap = V7_AP_FULL, .type = V7_MT_DEVICE, .xn = true };

    for (u32 i = 0; i < 4096; i++)
        l1_lo[i] = 0;
    /* The devices are below 0x40000000: TTBR0's table must map them. */
    l1_lo[VE_SYS_BASE >> 20] = v7_l1_section(VE_SYS_BASE, &dev);
    l1_lo[VE_TIMER01_BASE >> 20] = v7_l1_section(VE_TIMER01_BASE, &dev);
    l1_lo[VE_GICD_BASE >> 20] = v7_l1_section(VE_GICD_BASE, &dev);
    l1_lo[VA_SPLIT_LO >> 20] = v7_l1_section(PA_SPLIT_LO, &a);
    l1_lo[VA_SPLIT_HI >> 20] = v7_l1_section(PA_SPLIT_LO2, &a);     /* used once N = 1 */
    l1[VA_SPLIT_LO >> 20] = v7_l1_section(PA_SPLIT_WRONG, &a);      /* must never be used */
    l1[VA_SPLIT_HI >> 20] = v7_l1_section(PA_SPLIT_HI, &a);
    wr(PA_SPLIT_LO, 0x10000001u);
    wr(PA_SPLIT_HI, 0x20000002u);
    wr(PA_SPLIT_LO2, 0x30000003u);
    wr(PA_SPLIT_WRONG, 0xdead0000u);
    dsb();

    /* N = 2: VA[31:30] == 0 -> TTBR0 (4 KiB table), the rest -> TTBR1. */
    /*
     * Order matters: while TTBCR.N = 0, TTBR0 translates the code, so
     * TTBR1 and N come first (l1 keeps mapping the low devices through
     * TTBR0 meanwhile), then TTBR0 changes.
     */
    cp15_ttbr1_write(addr_of(l1));
    isb();
    cp15_ttbcr_write(2);
    isb();
    cp15_ttbr0_write(addr_of(l1_lo));
    isb();
    flush_tlb();
    TEST_EQ("TTBCR reads back", cp15_ttbcr_read(), 2);
    TEST_EQ("N = 2: 0x30000000 walks TTBR0", rd(VA_SPLIT_LO), 0x10000001u);
    TEST_EQ("N = 2: 0x50000000 walks TTBR1", rd(VA_SPLIT_HI), 0x20000002u);
    u32 par = ats1cpr(VA_SPLIT_LO);
    TEST_EQ("N = 2: PAR through TTBR0", par & 0xfffff001u, PA_SPLIT_LO);
    printf("  TTBCR.N = 2: UART, code and data reachable through both tables\n");

    /* N = 1: the boundary moves to 0x80000000 (TTBR0 table 8 KiB). */
    cp15_ttbcr_write(1);
    isb();
    flush_tlb();
    TEST_EQ("N = 1: 0x50000000 walks TTBR0 now", rd(VA_SPLIT_HI), 0x30000003u);
    TEST_EQ("N = 1: 0x30000000 still TTBR0", rd(VA_SPLIT_LO), 0x10000001u);

    /* PD0: no walks from TTBR0 -- a miss there is a section translation fault. */
    cp15_ttbcr_write(2 | (1u << 4));
    isb();
    flush_tlb();
    u32 before = ab.count;
    probe_ldr(VA_SPLIT_LO + 0x10, 0);
    u32 count = ab.count - before, dfsr = ab.dfsr, dfar = ab.dfar;
    cp15_ttbcr_write(2);
    isb();
    flush_tlb();
    TEST_EQ("PD0: TTBR0 miss aborts", count, 1);
    TEST_EQ("PD0: section translation fault", dfsr & 0x3f0fu, FS_TRANS_SECTION);
    TEST_EQ("PD0: DFAR", dfar, VA_SPLIT_LO + 0x10);
    TEST_EQ("PD0 cleared: walks again", rd(VA_SPLIT_LO), 0x10000001u);

    /* TTBR0 first: with N = 0 and TTBR0 = l1_lo the code would be unmapped. */
    cp15_ttbr0_write(addr_of(l1));
    isb();
    cp15_ttbcr_write(0);
    isb();
    flush_tlb();
    TEST_EQ("N = 0: 0x30000000 walks the full table", rd(VA_SPLIT_LO), 0xdead0000u);
    printf("9. TTBR0/TTBR1 split with TTBCR.N = 2 and 1, PD0 fault: ok\n");
}

int main(void)
{
    printf("mmu_v7: ARMv7 short-descriptor MMU on %s (MIDR %08x, ID_MMFR0 %08x)\n", BOARD_NAME,
           cp15_read_midr(), cp15_read_id_mmfr0());
    exc_set_hook(EXC_DABORT, hook_dabort);
    exc_set_hook(EXC_PABORT, hook_pabort);
    exc_set_hook(EXC_SVC, hook_svc);
    setup_tables();
    v7_mmu_enable(l1, DACR_BASE);
    cp15_contextidr_write(0);
    isb();

    test_translation();
    test_translation_faults();
    test_domains();
    test_ap();
    test_execute_never();
    test_access_flag();
    test_remap();
    test_asids();
    test_split();
    test_pass();
}
