/*
 * smc: self-modifying code.
 *
 * Why: armhv-emu decodes each instruction once and caches the result per
 * physical page; a store into a page with decoded code must drop the stale
 * decodings (DESIGN.md, "Cached decoder").  Linux loads modules, patches
 * its own text (alternatives, kprobes, ftrace) and writes signal
 * trampolines; JITs rewrite code in place.  A stale decode cache shows up
 * as the *old* instruction being executed.
 *
 * The architecture (ARM ARM part B, "Caches and Write Buffers": instruction
 * memory barriers) requires software to clean the D-cache, drain the write
 * buffer and invalidate the I-cache before executing written code; the
 * ARM926EJ-S resets with both caches off, and then fetches every
 * instruction from memory, so a store is seen by any instruction that has
 * not yet entered its 5-stage pipeline (ARM926EJ-S TRM: caches, and the
 * pipeline description).  Phase A relies on exactly that (no cache
 * maintenance at all, I-cache off), which is what exercises the
 * emulator's store tracking rather than its I-cache invalidate operation.
 * Phase B turns the I-cache on and uses the full barrier, as portable code
 * must.
 *
 * Checked, in both phases:
 *  1. ARM code in a RAM buffer: write "mov r0, #1; bx lr", call it, rewrite
 *     it with other instructions many times; each call runs the new code;
 *     word, halfword and byte stores all count;
 *  2. the same for Thumb code;
 *  3. code patching in the page that is executing: a routine in .text
 *     rewrites one of its own instructions, branches back and runs it
 *     again; and a straight-line variant that patches an instruction 16
 *     words ahead of the store (beyond the ARM926 pipeline);
 *  4. (MMU on) code written through one virtual alias and executed through
 *     another: the decode cache must be keyed by physical address.
 */
#include "runtime.h"

#define ARM_MOV_R0(imm)     (0xe3a00000u | (imm))
#define ARM_ADD_R0(imm)     (0xe2800000u | (imm))   /* add r0, r0, #imm */
#define ARM_MOV_R0_0        0xe3a00000u
#define ARM_BX_LR           0xe12fff1eu
#define THUMB_MOVS_R0(imm)  (0x2000u | (imm))
#define THUMB_ADDS_R0(imm)  (0x3000u | (imm))       /* adds r0, #imm */
#define THUMB_BX_LR         0x4770u

#define ITERATIONS          300

static u32 code_buf[64] __attribute__((aligned(64)));

typedef u32 (*code_fn)(void);

static bool phase_barrier;      /* phase B: I-cache on, full barrier */

/* What a program must do between writing code and running it. */
static void sync_code(void)
{
    if (phase_barrier)
        cpu_sync_icache();
    else
        cp15_drain_write_buffer();  /* the store must reach memory */
}

static u32 call_arm(u32 addr)
{
    return ((code_fn)(uintptr_t)addr)();
}

static u32 call_thumb(u32 addr)
{
    return ((code_fn)(uintptr_t)(addr | 1))();
}

static void test_arm_buffer(void)
{
    volatile u32 *w = code_buf;
    u32 base = addr_of(code_buf);

    w[0] = ARM_MOV_R0(1);
    w[1] = ARM_BX_LR;
    sync_code();
    TEST_EQ("ARM buffer, first code", call_arm(base), 1);
    w[0] = ARM_MOV_R0(2);
    sync_code();
    TEST_EQ("ARM buffer, rewritten", call_arm(base), 2);

    /* Alternate shapes: the decoder must not reuse a slot's old handler. */
    for (u32 i = 0; i < ITERATIONS; i++) {
        u32 imm = (i * 7 + 3) & 0xff;

        if (i & 1) {
            w[0] = ARM_MOV_R0(imm);
            w[1] = ARM_ADD_R0(1);
            w[2] = ARM_BX_LR;
        } else {
            w[0] = ARM_MOV_R0(imm);
            w[1] = ARM_BX_LR;
        }
        sync_code();
        TEST_EQ("ARM buffer, rewrite loop", call_arm(base), imm + (i & 1));
    }

    /* Sub-word stores into code. */
    w[0] = ARM_MOV_R0(0x11);
    w[1] = ARM_BX_LR;
    sync_code();
    TEST_EQ("ARM buffer before STRB", call_arm(base), 0x11);
    *(volatile u8 *)(uintptr_t)base = 0x5a;     /* immediate field, little-endian */
    sync_code();
    TEST_EQ("ARM buffer after STRB", call_arm(base), 0x5a);
    *(volatile u16 *)(uintptr_t)base = 0x00a5;
    sync_code();
    TEST_EQ("ARM buffer after STRH", call_arm(base), 0xa5);
    printf("  ARM code in a RAM buffer rewritten %d times (word, halfword, byte)\n",
           ITERATIONS + 3);
}

static void test_thumb_buffer(void)
{
    u32 base = addr_of(code_buf) + 0x80;
    volatile u16 *h = (volatile u16 *)(uintptr_t)base;

    h[0] = THUMB_MOVS_R0(1);
    h[1] = THUMB_BX_LR;
    sync_code();
    TEST_EQ("Thumb buffer, first code", call_thumb(base), 1);
    h[0] = THUMB_MOVS_R0(2);
    sync_code();
    TEST_EQ("Thumb buffer, rewritten", call_thumb(base), 2);
    for (u32 i = 0; i < ITERATIONS; i++) {
        u32 imm = (i * 13 + 5) & 0xff;

        h[0] = THUMB_MOVS_R0(imm);
        if (i % 3 == 0) {
            h[1] = THUMB_ADDS_R0(2);
            h[2] = THUMB_BX_LR;
        } else {
            h[1] = THUMB_BX_LR;
        }
        sync_code();
        TEST_EQ("Thumb buffer, rewrite loop", call_thumb(base), imm + (i % 3 == 0 ? 2 : 0));
    }
    /* A word store that rewrites two Thumb instructions at once. */
    *(volatile u32 *)(uintptr_t)base = THUMB_MOVS_R0(0x77) | (THUMB_BX_LR << 16);
    sync_code();
    TEST_EQ("Thumb buffer, word store of two instructions", call_thumb(base), 0x77);
    printf("  Thumb code in a RAM buffer rewritten %d times\n", ITERATIONS + 2);
}

/*
 * smc_loop_patch(first, second): writes 'first' into its own slot, runs
 * it, writes 'second' into the same slot (an instruction it has just
 * executed, on the page it is executing), branches back and runs it again.
 * The slot instruction must set r12.  Returns (first result << 8) | second.
 * The code lives in .text, which is RAM on this board.
 */
u32 smc_loop_patch(u32 first, u32 second);
/*
 * smc_straight_patch(insn): stores 'insn' 16 instructions ahead, then
 * falls through to it without a branch.  Returns r12 as set by it.
 */
u32 smc_straight_patch(u32 insn);
/* Thumb version of smc_loop_patch; the slot must set r0 (movs r0, #imm). */
u32 smc_thumb_loop_patch(u32 first, u32 second);
void smc_sync_hook(void);
__asm__(
"   .syntax unified\n"
"   .text\n"
"   .arm\n"
"   .balign 32\n"
"   .global smc_loop_patch\n"
"   .type smc_loop_patch, %function\n"
"smc_loop_patch:\n"
"   push    {r4-r6, lr}\n"
"   mov     r4, r1\n"
"   mov     r5, #0\n"                   /* pass number */
"   adr     r6, 2f\n"
"   str     r0, [r6]\n"
"   bl      smc_sync_hook\n"
"1: nop\n"
"   nop\n"
"2: mov     r12, #0\n"                  /* the slot: patched */
"   cmp     r5, #0\n"
"   bne     3f\n"
"   mov     r5, r12, lsl #8\n"
"   orr     r5, r5, #0x80000000\n"      /* mark pass 1 done even if r12 = 0 */
"   str     r4, [r6]\n"                 /* patch the slot we just ran */
"   bl      smc_sync_hook\n"
"   b       1b\n"
"3: bic     r5, r5, #0x80000000\n"
"   orr     r0, r5, r12\n"
"   pop     {r4-r6, pc}\n"
"   .size smc_loop_patch, . - smc_loop_patch\n"
"\n"
"   .balign 32\n"
"   .global smc_straight_patch\n"
"   .type smc_straight_patch, %function\n"
"smc_straight_patch:\n"
"   push    {r4, lr}\n"
"   adr     r1, 4f\n"
"   mov     r12, #0\n"
"   str     r0, [r1]\n"
"   mov     r2, #0\n"
"   mcr     p15, 0, r2, c7, c10, 4\n"   /* drain write buffer */
"   .rept 15\n"
"   nop\n"
"   .endr\n"
"4: mov     r12, #0\n"                  /* 16 instructions after the store: patched */
"   mov     r0, r12\n"
"   pop     {r4, pc}\n"
"   .size smc_straight_patch, . - smc_straight_patch\n"
"\n"
"   .thumb\n"
"   .balign 32\n"
"   .global smc_thumb_loop_patch\n"
"   .type smc_thumb_loop_patch, %function\n"
"   .thumb_func\n"
"smc_thumb_loop_patch:\n"
"   push    {r4-r6, lr}\n"
"   movs    r4, r1\n"
"   movs    r5, #0\n"
"   adr     r6, 2f\n"
"   strh    r0, [r6]\n"
"   bl      smc_sync_hook\n"
"1: nop\n"
"   nop\n"
"   .balign 4\n"
"2: movs    r0, #0\n"                   /* the slot: patched */
"   cmp     r5, #0\n"
"   bne     3f\n"
"   lsls    r5, r0, #8\n"
"   adds    r5, r5, #1\n"               /* pass 1 done */
"   strh    r4, [r6]\n"
"   bl      smc_sync_hook\n"
"   b       1b\n"
"3: subs    r5, r5, #1\n"
"   orrs    r0, r5\n"
"   pop     {r4-r6, pc}\n"
"   .size smc_thumb_loop_patch, . - smc_thumb_loop_patch\n"
"   .arm\n");

/* Called from the assembly above (ARM or Thumb) between a store and the branch. */
void smc_sync_hook(void)
{
    sync_code();
}

#define ARM_MOV_R12(imm)    (0xe3a0c000u | (imm))

/*
 * Straight-line patch (phase A only; with the I-cache on, the barrier is
 * mandatory and there is no straight line).  QEMU does not model this
 * ARM926 behaviour: it keeps running the translation block it is in
 * (precise SMC exists only for its x86 targets), so it executes the
 * instruction stored by the previous call; that is accepted with one WARN
 * line.
 */
static void test_straight_line(void)
{
    u32 prev = 0, stale = 0;
    const u32 calls = 8;

    for (u32 i = 0; i < calls; i++) {
        u32 want = (i * 37 + 3) & 0xff, got = smc_straight_patch(ARM_MOV_R12(want));

        if (got != want) {
            if (got != prev)
                test_fail("straight-line patch: got %u, expected %u", got, want);
            stale++;
        }
        prev = want;
    }
    if (stale)
        printf("WARN: qemu-deviation: straight-line patch 16 instructions ahead ran the "
               "previously stored instruction in %u of %u calls (an ARM926 with caches "
               "off fetches the new one from memory)\n", stale, calls);
}

static void test_same_page(void)
{
    for (u32 i = 0; i < 20; i++) {
        u32 a = (i * 11 + 1) & 0xff, b = (i * 29 + 2) & 0xff;

        TEST_EQ("ARM: patch own slot, branch back", smc_loop_patch(ARM_MOV_R12(a),
                ARM_MOV_R12(b)), (a << 8) | b);
        TEST_EQ("Thumb: patch own slot, branch back",
                smc_thumb_loop_patch(THUMB_MOVS_R0(a), THUMB_MOVS_R0(b)), (a << 8) | b);
    }
    if (!phase_barrier)
        test_straight_line();
    printf("  code patched in the executing page (ARM, Thumb%s)\n",
           phase_barrier ? "" : ", straight-line");
}

/* ---- Aliases (MMU) --------------------------------------------------------- */

static u32 l1[4096] __attribute__((aligned(16384)));
#define ALIAS_VA    0x50000000u     /* second mapping of physical MiB 0 */

static void test_alias(void)
{
    u32 pa = addr_of(code_buf), alias = ALIAS_VA + pa;
    volatile u32 *via_alias = (volatile u32 *)(uintptr_t)alias;
    volatile u32 *via_identity = code_buf;

    mmu_identity_map(l1, 16);
    l1[ALIAS_VA >> 20] = mmu_l1_section(0, AP_FULL, 0);
    mmu_enable(l1, DACR_FIELD(0, DOMAIN_CLIENT));

    for (u32 i = 0; i < 50; i++) {
        u32 imm = (i * 5 + 9) & 0xff;

        /* Write through the alias, execute through the identity mapping. */
        via_alias[0] = ARM_MOV_R0(imm);
        via_alias[1] = ARM_BX_LR;
        sync_code();
        TEST_EQ("written via alias, run via identity", call_arm(pa), imm);
        /* Write through the identity mapping, execute through the alias. */
        via_identity[0] = ARM_MOV_R0(imm ^ 0xff);
        sync_code();
        TEST_EQ("written via identity, run via alias", call_arm(alias), imm ^ 0xff);
        /* And back: both aliases must see the newest code. */
        via_alias[0] = ARM_MOV_R0(imm ^ 0x0f);
        sync_code();
        TEST_EQ("written via alias, run via identity again", call_arm(pa), imm ^ 0x0f);
    }
    mmu_disable();
    printf("  code written through one virtual alias, run through another\n");
}

static void run_phase(const char *name)
{
    printf("%s\n", name);
    test_arm_buffer();
    test_thumb_buffer();
    test_same_page();
    test_alias();
}

int main(void)
{
    u32 sctlr = cp15_read_sctlr();

    printf("smc: self-modifying code (decode cache invalidation)\n");
    TEST_EQ("caches off at reset", sctlr & (SCTLR_I | SCTLR_C), 0);

    phase_barrier = false;
    run_phase("A. I-cache off, no cache maintenance (ARM926 fetches from memory):");
    printf("A: ok\n");

    phase_barrier = true;
    cp15_write_sctlr(sctlr | SCTLR_I);
    run_phase("B. I-cache on, clean D / drain / invalidate I between write and run:");
    cp15_write_sctlr(sctlr);
    printf("B: ok\n");
    test_pass();
}
