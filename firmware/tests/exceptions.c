/*
 * exceptions: processor modes, banked registers, and exception entry and
 * return on the ARM926EJ-S (ARMv5TE).
 *
 * Why: every guest OS depends on the exact register state an exception
 * leaves behind.  An emulator that gets LR off by one instruction, forgets
 * to set CPSR.I, or restores the wrong bank makes Linux crash much later
 * and far away from the cause.  References: ARM ARM (DDI 0100I) A2.2
 * processor modes, A2.3 registers and banking, A2.5 program status
 * registers, A2.6 exceptions (entry, LR values, return instructions, high
 * vectors), A4.1 MSR/MRS/LDM(3)/SUBS, B3.4 SCTLR (A, V bits), B4.6 faults.
 *
 * Checked:
 *  1. r13/r14/SPSR are banked per mode (FIQ, IRQ, SVC, ABT, UND; SYS has no
 *     SPSR and shares r13/r14 with USR); FIQ also banks r8-r12.
 *  2. User mode is reachable, cannot change mode with MSR, and leaves by SVC.
 *  3. SVC entry in ARM and Thumb: LR = next instruction, SPSR = old CPSR,
 *     SVC mode, I set, F unchanged, T clear; return restores the flags.
 *  4. Undefined instruction entry: LR = insn + 4 (ARM) / + 2 (Thumb).
 *  5. Prefetch abort by BKPT: LR = insn + 4 in both states.
 *  6. Data abort by alignment fault (SCTLR.A with the MMU off: alignment
 *     is checked whether or not the MMU is enabled, ARM ARM B4.3) and by
 *     translation fault (MMU on): FSR,
 *     FAR, LR = insn + 8 (ARM and Thumb); unaligned LDR with A = 0 rotates.
 *  7. Exception return by MOVS pc, lr; LDM ^ ; SUBS pc, lr, #4 (skip) and
 *     SUBS pc, lr, #8 (retry after fixing the base register).
 *  8. High vectors (SCTLR.V): Versatile PB has no memory at physical
 *     0xffff0000 (QEMU leaves it unassigned), so, like Linux on this board,
 *     we map virtual 0xffff0000 onto RAM with the MMU and copy the vectors
 *     there.  The test then checks which copy SVC goes through as V toggles.
 *  9. FIQ: a VIC soft interrupt routed to FIQ; the handler uses r8-r12
 *     without saving them; the interrupted code's r8-r12 are intact.
 */
#include "runtime.h"

/* ---- 1. Banked registers ---------------------------------------------- */

#define NBANK 6     /* FIQ IRQ ABT UND SVC SYS, in this order */

struct bank_io {
    u32 set[NBANK][3];      /* sp, lr, spsr to write */
    u32 save[NBANK][3];     /* the runtime's values, restored at the end */
    u32 got[NBANK][3];      /* read back after all modes were written */
    u32 fiq_hi_got[5];      /* r8-r12 read in FIQ mode */
    u32 usr_hi_got[5];      /* r8-r12 read back in SVC mode */
    u32 fiq_hi_save[5];
};

_Static_assert(__builtin_offsetof(struct bank_io, save) == 72, "asm offsets");
_Static_assert(__builtin_offsetof(struct bank_io, got) == 144, "asm offsets");
_Static_assert(__builtin_offsetof(struct bank_io, fiq_hi_got) == 216, "asm offsets");
_Static_assert(__builtin_offsetof(struct bank_io, usr_hi_got) == 236, "asm offsets");
_Static_assert(__builtin_offsetof(struct bank_io, fiq_hi_save) == 256, "asm offsets");

void exc_bank_test(struct bank_io *io);
__asm__(
"   .syntax unified\n"
"   .text\n"
"   .arm\n"
/* Switch to a mode with IRQ/FIQ masked, save its r13/r14(/SPSR), write new ones. */
"   .macro bank_set mode, idx, spsr\n"
"   msr     cpsr_c, #(\\mode | 0xc0)\n"
"   str     sp, [r4, #(72 + \\idx * 12)]\n"
"   str     lr, [r4, #(72 + \\idx * 12 + 4)]\n"
"   .if \\spsr\n"
"   mrs     r0, spsr\n"
"   str     r0, [r4, #(72 + \\idx * 12 + 8)]\n"
"   ldr     r0, [r4, #(\\idx * 12 + 8)]\n"
"   msr     spsr_cxsf, r0\n"
"   .endif\n"
"   ldr     sp, [r4, #(\\idx * 12)]\n"
"   ldr     lr, [r4, #(\\idx * 12 + 4)]\n"
"   .endm\n"
"   .macro bank_get mode, idx, spsr\n"
"   msr     cpsr_c, #(\\mode | 0xc0)\n"
"   str     sp, [r4, #(144 + \\idx * 12)]\n"
"   str     lr, [r4, #(144 + \\idx * 12 + 4)]\n"
"   .if \\spsr\n"
"   mrs     r0, spsr\n"
"   str     r0, [r4, #(144 + \\idx * 12 + 8)]\n"
"   .endif\n"
"   .endm\n"
"   .macro bank_restore mode, idx, spsr\n"
"   msr     cpsr_c, #(\\mode | 0xc0)\n"
"   ldr     sp, [r4, #(72 + \\idx * 12)]\n"
"   ldr     lr, [r4, #(72 + \\idx * 12 + 4)]\n"
"   .if \\spsr\n"
"   ldr     r0, [r4, #(72 + \\idx * 12 + 8)]\n"
"   msr     spsr_cxsf, r0\n"
"   .endif\n"
"   .endm\n"
"   .global exc_bank_test\n"
"   .type exc_bank_test, %function\n"
"exc_bank_test:\n"
"   push    {r4-r11, lr}\n"
"   mov     r4, r0\n"
"   mrs     r5, cpsr\n"
/* r8-r12 of the User/SVC bank get known values first. */
"   ldr     r8, =0x08080808\n"
"   ldr     r9, =0x09090909\n"
"   ldr     r10, =0x0a0a0a0a\n"
"   ldr     r11, =0x0b0b0b0b\n"
"   ldr     r12, =0x0c0c0c0c\n"
"   bank_set 0x11, 0, 1\n"
"   add     r0, r4, #256\n"
"   stmia   r0, {r8-r12}\n"
"   ldr     r8, =0xf8f8f8f8\n"
"   ldr     r9, =0xf9f9f9f9\n"
"   ldr     r10, =0xfafafafa\n"
"   ldr     r11, =0xfbfbfbfb\n"
"   ldr     r12, =0xfcfcfcfc\n"
"   bank_set 0x12, 1, 1\n"
"   bank_set 0x17, 2, 1\n"
"   bank_set 0x1b, 3, 1\n"
"   bank_set 0x13, 4, 1\n"
"   bank_set 0x1f, 5, 0\n"
"   bank_get 0x11, 0, 1\n"
"   add     r0, r4, #216\n"
"   stmia   r0, {r8-r12}\n"
"   bank_get 0x12, 1, 1\n"
"   bank_get 0x17, 2, 1\n"
"   bank_get 0x1b, 3, 1\n"
"   bank_get 0x13, 4, 1\n"
"   bank_get 0x1f, 5, 0\n"
"   add     r0, r4, #236\n"
"   stmia   r0, {r8-r12}\n"
"   bank_restore 0x11, 0, 1\n"
"   add     r0, r4, #256\n"
"   ldmia   r0, {r8-r12}\n"
"   bank_restore 0x12, 1, 1\n"
"   bank_restore 0x17, 2, 1\n"
"   bank_restore 0x1b, 3, 1\n"
"   bank_restore 0x1f, 5, 0\n"
"   bank_restore 0x13, 4, 1\n"
"   msr     cpsr_c, r5\n"
"   pop     {r4-r11, pc}\n"
"   .ltorg\n"
"   .size exc_bank_test, . - exc_bank_test\n");

static const char *const bank_names[NBANK] = { "FIQ", "IRQ", "ABT", "UND", "SVC", "SYS" };

static void test_banked_registers(void)
{
    static struct bank_io io;
    /* SPSR values use only fields ARMv5TE defines: NZCVQ, I, F, T, mode. */
    static const u32 spsr_vals[NBANK] = {
        PSR_N | PSR_I | PSR_F | MODE_USR,
        PSR_Z | PSR_I | MODE_SVC,
        PSR_C | PSR_F | PSR_T | MODE_SYS,
        PSR_V | (1u << 27) | MODE_IRQ,
        PSR_N | PSR_Z | PSR_C | PSR_V | MODE_FIQ,
        0,
    };

    for (unsigned i = 0; i < NBANK; i++) {
        io.set[i][0] = 0x5a000000u | (i << 12) | 0x100;
        io.set[i][1] = 0x1e000000u | (i << 12) | 0x104;
        io.set[i][2] = spsr_vals[i];
    }
    exc_bank_test(&io);
    for (unsigned i = 0; i < NBANK; i++) {
        printf("  %s: r13=%08x r14=%08x spsr=%08x\n", bank_names[i],
               io.got[i][0], io.got[i][1], io.got[i][2]);
        TEST_EQ(bank_names[i], io.got[i][0], io.set[i][0]);
        TEST_EQ(bank_names[i], io.got[i][1], io.set[i][1]);
        if (i != NBANK - 1)
            TEST_EQ(bank_names[i], io.got[i][2], io.set[i][2]);
    }
    for (unsigned i = 0; i < 5; i++) {
        TEST_EQ("FIQ r8-r12 bank", io.fiq_hi_got[i], 0xf8f8f8f8u + 0x01010101u * i);
        TEST_EQ("USR r8-r12 kept while FIQ bank written", io.usr_hi_got[i],
                0x08080808u + 0x01010101u * i);
    }
    printf("1. banked r13/r14/SPSR in FIQ IRQ ABT UND SVC SYS, FIQ r8-r12: ok\n");
}

/* ---- Exception recording shared by the hooks --------------------------- */

struct seen {
    u32 count;
    u32 type;
    u32 cpsr_in_handler;    /* CPSR while the hook runs = CPSR after entry */
    u32 exc_lr;
    u32 spsr;
    u32 dfsr;
    u32 ifsr;
    u32 far;
    u32 frame_sp;
    u32 frame_lr;
};

static volatile struct seen seen;

static void seen_reset(void)
{
    memset((void *)&seen, 0, sizeof(seen));
}

static void seen_record(struct exc_frame *f)
{
    seen.count++;
    seen.type = f->type;
    seen.cpsr_in_handler = cpu_read_cpsr();
    seen.exc_lr = f->exc_lr;
    seen.spsr = f->cpsr;
    seen.dfsr = cp15_read_dfsr();
    seen.ifsr = cp15_read_ifsr();
    seen.far = cp15_read_far();
    seen.frame_sp = f->sp;
    seen.frame_lr = f->lr;
}

/*
 * Common checks on the mode and mask bits an exception entry must set.
 * Where the caller's flags are not pinned down by assembly (C code ran
 * between reading the CPSR and the exception), pass flags_known = false
 * and only the control byte of the SPSR is compared.
 */
static void check_entry_flags(const char *what, u32 mode, u32 old_cpsr, bool flags_known)
{
    u32 c = seen.cpsr_in_handler;

    TEST_EQ(what, seen.count, 1);
    TEST_EQ(what, c & PSR_MODE_MASK, mode);
    TEST_TRUE("I bit set on exception entry", c & PSR_I);
    TEST_TRUE("T bit clear on exception entry (handlers run in ARM state)", !(c & PSR_T));
    /* F is set only by FIQ (and reset); other exceptions leave it alone. */
    TEST_EQ("F bit on entry", c & PSR_F, mode == MODE_FIQ ? PSR_F : (old_cpsr & PSR_F));
    u32 mask = flags_known ? PSR_V5_DEFINED : 0xff;
    TEST_EQ("SPSR = CPSR before the exception", seen.spsr & mask, old_cpsr & mask);
}

static void check_entry(const char *what, u32 mode, u32 old_cpsr)
{
    check_entry_flags(what, mode, old_cpsr, false);
}

/* ---- 2. User mode ------------------------------------------------------ */

void exc_user_roundtrip(u32 *out);
extern const char exc_user_svc_insn[];
__asm__(
"   .syntax unified\n"
"   .text\n"
"   .arm\n"
"   .global exc_user_roundtrip\n"
"   .type exc_user_roundtrip, %function\n"
"exc_user_roundtrip:\n"
"   push    {r4-r11, lr}\n"
"   mov     r4, r0\n"
"   msr     cpsr_c, #0xd0\n"            /* SVC -> USR, IRQ/FIQ masked */
"   mrs     r0, cpsr\n"
"   str     r0, [r4, #0]\n"
"   msr     cpsr_c, #0xd3\n"            /* attempt USR -> SVC: ignored */
"   mrs     r0, cpsr\n"
"   str     r0, [r4, #4]\n"
"   msr     cpsr_c, #0x10\n"            /* attempt to unmask: ignored too */
"   mrs     r0, cpsr\n"
"   str     r0, [r4, #8]\n"
"   .global exc_user_svc_insn\n"
"exc_user_svc_insn:\n"
"   svc     #0x5e5e\n"                  /* the hook returns us in SVC mode */
"   mrs     r0, cpsr\n"
"   str     r0, [r4, #12]\n"
"   pop     {r4-r11, pc}\n"
"   .size exc_user_roundtrip, . - exc_user_roundtrip\n");

static void hook_user_svc(struct exc_frame *f)
{
    seen_record(f);
    /* Resume after the SVC, but privileged: a "return to kernel" system call. */
    f->cpsr = (f->cpsr & ~PSR_MODE_MASK) | MODE_SVC;
}

static void test_user_mode(void)
{
    u32 out[4];

    seen_reset();
    exc_set_hook(EXC_SVC, hook_user_svc);
    exc_user_roundtrip(out);
    exc_set_hook(EXC_SVC, 0);
    TEST_EQ("CPSR in User mode", out[0] & 0xff, PSR_I | PSR_F | MODE_USR);
    TEST_EQ("MSR cannot leave User mode", out[1], out[0]);
    TEST_EQ("MSR cannot unmask IRQ/FIQ in User mode", out[2], out[0]);
    check_entry_flags("SVC from User mode", MODE_SVC, out[0], true);
    TEST_EQ("SVC LR from User mode", seen.exc_lr, addr_of(exc_user_svc_insn) + 4);
    TEST_EQ("back in SVC mode", out[3] & PSR_MODE_MASK, MODE_SVC);
    printf("2. User mode entered, MSR mode change ignored there, left by SVC: ok\n");
}

/* ---- 3. SVC ------------------------------------------------------------ */

u32 exc_svc_arm(u32 cpsr);          /* runs SVC with this CPSR, returns CPSR after */
u32 exc_svc_thumb(void);
extern const char exc_svc_arm_insn[], exc_svc_thumb_insn[];
__asm__(
"   .syntax unified\n"
"   .text\n"
"   .arm\n"
"   .global exc_svc_arm\n"
"   .type exc_svc_arm, %function\n"
"exc_svc_arm:\n"
"   push    {r4, lr}\n"                 /* SVC in SVC mode overwrites lr */
"   mrs     r4, cpsr\n"
"   msr     cpsr_fc, r0\n"
"   .global exc_svc_arm_insn\n"
"exc_svc_arm_insn:\n"
"   svc     #0x123456\n"
"   mrs     r0, cpsr\n"
"   msr     cpsr_fc, r4\n"
"   pop     {r4, pc}\n"
"   .size exc_svc_arm, . - exc_svc_arm\n"
"   .thumb\n"
"   .global exc_svc_thumb\n"
"   .type exc_svc_thumb, %function\n"
"   .thumb_func\n"
"exc_svc_thumb:\n"
"   push    {r4, lr}\n"
"   movs    r0, #0\n"
"   .global exc_svc_thumb_insn\n"
"exc_svc_thumb_insn:\n"
"   svc     #0x42\n"
"   pop     {r4, pc}\n"                 /* POP {pc} interworks back to ARM */
"   .size exc_svc_thumb, . - exc_svc_thumb\n"
"   .arm\n");

static u32 svc_imm;

static void hook_svc(struct exc_frame *f)
{
    seen_record(f);
    if (f->cpsr & PSR_T)
        svc_imm = *(const volatile u16 *)(uintptr_t)(f->exc_lr - 2) & 0xff;
    else
        svc_imm = *(const volatile u32 *)(uintptr_t)(f->exc_lr - 4) & 0xffffff;
    f->r[0] = 0x5c0000u | svc_imm;      /* a "system call result" */
    /* Clobber the flags the hook itself runs with: return must use SPSR. */
    __asm__ volatile("msr cpsr_f, %0" : : "r"(PSR_Z) : "cc");
}

static void test_svc(void)
{
    static const u32 before[] = {
        PSR_N | PSR_C | MODE_SVC,                   /* IRQ and FIQ unmasked */
        PSR_V | PSR_I | PSR_F | MODE_SVC,
        PSR_Z | PSR_F | MODE_SVC,
    };

    vic_reset();        /* nothing may interrupt while IRQ/FIQ are unmasked */
    exc_set_hook(EXC_SVC, hook_svc);
    for (unsigned i = 0; i < ARRAY_SIZE(before); i++) {
        seen_reset();
        u32 after = exc_svc_arm(before[i]);
        check_entry_flags("ARM SVC", MODE_SVC, before[i], true);
        TEST_EQ("ARM SVC LR = insn + 4", seen.exc_lr, addr_of(exc_svc_arm_insn) + 4);
        TEST_EQ("ARM SVC immediate", svc_imm, 0x123456);
        TEST_EQ("CPSR restored from SPSR by MOVS pc, lr", after & PSR_V5_DEFINED, before[i]);
    }

    seen_reset();
    u32 r0 = exc_svc_thumb();
    TEST_EQ("Thumb SVC count", seen.count, 1);
    TEST_EQ("Thumb SVC LR = insn + 2", seen.exc_lr, addr_of(exc_svc_thumb_insn) + 2);
    TEST_TRUE("Thumb SVC: SPSR.T set", seen.spsr & PSR_T);
    TEST_TRUE("Thumb SVC: handler in ARM state", !(seen.cpsr_in_handler & PSR_T));
    TEST_EQ("Thumb SVC immediate", svc_imm, 0x42);
    TEST_EQ("Thumb SVC result in r0", r0, 0x5c0042);
    exc_set_hook(EXC_SVC, 0);
    printf("3. SVC entry (ARM and Thumb): LR, SPSR, mode, I/F/T, return: ok\n");
}

/* ---- 4. Undefined instruction, 5. BKPT ------------------------------- */

u32 exc_undef_arm(void), exc_undef_thumb(void), exc_bkpt_arm(void), exc_bkpt_thumb(void);
extern const char exc_undef_arm_insn[], exc_undef_thumb_insn[];
extern const char exc_bkpt_arm_insn[], exc_bkpt_thumb_insn[];
__asm__(
"   .syntax unified\n"
"   .text\n"
"   .arm\n"
"   .global exc_undef_arm\n"
"   .type exc_undef_arm, %function\n"
"exc_undef_arm:\n"
"   mov     r0, #1\n"
"   .global exc_undef_arm_insn\n"
"exc_undef_arm_insn:\n"
/* cond=AL, bits[27:20]=0x7f, bits[7:4]=0xf: architecturally undefined (ARM ARM A3.16) */
"   .word   0xe7f000f0\n"
"   bx      lr\n"
"   .size exc_undef_arm, . - exc_undef_arm\n"
"   .global exc_bkpt_arm\n"
"   .type exc_bkpt_arm, %function\n"
"exc_bkpt_arm:\n"
"   mov     r0, #1\n"
"   .global exc_bkpt_arm_insn\n"
"exc_bkpt_arm_insn:\n"
"   bkpt    #0x1234\n"
"   bx      lr\n"
"   .size exc_bkpt_arm, . - exc_bkpt_arm\n"
"   .thumb\n"
"   .global exc_undef_thumb\n"
"   .type exc_undef_thumb, %function\n"
"   .thumb_func\n"
"exc_undef_thumb:\n"
"   movs    r0, #1\n"
"   .global exc_undef_thumb_insn\n"
"exc_undef_thumb_insn:\n"
/* B<cond> with cond = 1110 is UNDEFINED in Thumb (ARM ARM A7.1, B(1)) */
"   .short  0xde00\n"
"   bx      lr\n"
"   .size exc_undef_thumb, . - exc_undef_thumb\n"
"   .global exc_bkpt_thumb\n"
"   .type exc_bkpt_thumb, %function\n"
"   .thumb_func\n"
"exc_bkpt_thumb:\n"
"   movs    r0, #1\n"
"   .global exc_bkpt_thumb_insn\n"
"exc_bkpt_thumb_insn:\n"
"   bkpt    #0x12\n"
"   bx      lr\n"
"   .size exc_bkpt_thumb, . - exc_bkpt_thumb\n"
"   .arm\n");

static void hook_record_r0(struct exc_frame *f)
{
    seen_record(f);
    f->r[0] = 0x600d;
}

static void hook_bkpt(struct exc_frame *f)
{
    seen_record(f);
    f->r[0] = 0xb4b4;
    /* LR_abt = BKPT + 4 in both states; resume after the BKPT. */
    f->pc = f->exc_lr - ((f->cpsr & PSR_T) ? 2 : 0);
}

static void test_undef_and_bkpt(void)
{
    u32 cpsr = cpu_read_cpsr(), r;

    exc_set_hook(EXC_UNDEF, hook_record_r0);
    seen_reset();
    r = exc_undef_arm();
    check_entry("ARM undefined", MODE_UND, cpsr);
    TEST_EQ("ARM undefined LR = insn + 4", seen.exc_lr, addr_of(exc_undef_arm_insn) + 4);
    TEST_EQ("ARM undefined: r0 from the frame", r, 0x600d);

    seen_reset();
    r = exc_undef_thumb();
    check_entry("Thumb undefined", MODE_UND, cpsr | PSR_T);
    TEST_EQ("Thumb undefined LR = insn + 2", seen.exc_lr, addr_of(exc_undef_thumb_insn) + 2);
    TEST_EQ("Thumb undefined: r0 from the frame", r, 0x600d);
    exc_set_hook(EXC_UNDEF, 0);
    printf("4. undefined instruction entry (ARM LR+4, Thumb LR+2): ok\n");

    exc_set_hook(EXC_PABORT, hook_bkpt);
    seen_reset();
    r = exc_bkpt_arm();
    check_entry("ARM BKPT", MODE_ABT, cpsr);
    TEST_EQ("ARM BKPT LR = insn + 4", seen.exc_lr, addr_of(exc_bkpt_arm_insn) + 4);
    TEST_EQ("ARM BKPT: r0 from the frame", r, 0xb4b4);

    seen_reset();
    r = exc_bkpt_thumb();
    check_entry("Thumb BKPT", MODE_ABT, cpsr | PSR_T);
    TEST_EQ("Thumb BKPT LR = insn + 4", seen.exc_lr, addr_of(exc_bkpt_thumb_insn) + 4);
    TEST_EQ("Thumb BKPT: r0 from the frame", r, 0xb4b4);
    exc_set_hook(EXC_PABORT, 0);
    printf("5. prefetch abort by BKPT (ARM and Thumb, LR = insn + 4): ok\n");
}

/* ---- 6. Data aborts ----------------------------------------------------- */

u32 exc_ldr_arm(u32 addr), exc_ldrh_arm(u32 addr), exc_ldr_thumb(u32 addr);
extern const char exc_ldr_arm_insn[], exc_ldrh_arm_insn[], exc_ldr_thumb_insn[];
__asm__(
"   .syntax unified\n"
"   .text\n"
"   .arm\n"
"   .global exc_ldr_arm\n"
"   .type exc_ldr_arm, %function\n"
"exc_ldr_arm:\n"
"   .global exc_ldr_arm_insn\n"
"exc_ldr_arm_insn:\n"
"   ldr     r0, [r0]\n"
"   bx      lr\n"
"   .size exc_ldr_arm, . - exc_ldr_arm\n"
"   .global exc_ldrh_arm\n"
"   .type exc_ldrh_arm, %function\n"
"exc_ldrh_arm:\n"
"   .global exc_ldrh_arm_insn\n"
"exc_ldrh_arm_insn:\n"
"   ldrh    r0, [r0]\n"
"   bx      lr\n"
"   .size exc_ldrh_arm, . - exc_ldrh_arm\n"
"   .thumb\n"
"   .global exc_ldr_thumb\n"
"   .type exc_ldr_thumb, %function\n"
"   .thumb_func\n"
"exc_ldr_thumb:\n"
"   .global exc_ldr_thumb_insn\n"
"exc_ldr_thumb_insn:\n"
"   ldr     r0, [r0]\n"
"   bx      lr\n"
"   .size exc_ldr_thumb, . - exc_ldr_thumb\n"
"   .arm\n");

#define ABORT_MARK 0xab0e7u

static void hook_dabort_skip(struct exc_frame *f)
{
    seen_record(f);
    f->r[0] = ABORT_MARK;
    f->pc = f->exc_lr - ((f->cpsr & PSR_T) ? 6 : 4);   /* the next instruction */
}

static const u32 aligned_words[2] __attribute__((aligned(8))) = { 0x44332211, 0x88776655 };

static void check_dabort(const char *what, u32 fsr_status, u32 far, const char *insn,
                         u32 cpsr)
{
    check_entry(what, MODE_ABT, cpsr);
    TEST_EQ(what, seen.dfsr & 0xf, fsr_status);
    TEST_EQ("FAR = faulting address", seen.far, far);
    TEST_EQ("data abort LR = insn + 8", seen.exc_lr, addr_of(insn) + 8);
}

static void test_alignment_faults(void)
{
    u32 cpsr = cpu_read_cpsr(), base = addr_of(aligned_words), r;
    u32 sctlr = cp15_read_sctlr();

    /*
     * A = 0 on ARMv5: an unaligned LDR reads the aligned word and rotates
     * it right by 8 * address[1:0] (ARM ARM A4.1, LDR).  QEMU instead
     * performs an ARMv6-style unaligned load (0x55443322).
     */
    r = exc_ldr_arm(base + 1);
    TEST_EQ_QEMU_DEVIATION("ARMv5 unaligned LDR rotates (A = 0)", r, 0x11443322, 0x55443322);

    exc_set_hook(EXC_DABORT, hook_dabort_skip);
    cp15_write_sctlr(sctlr | SCTLR_A);

    /*
     * Alignment faults: FSR status 0b00x1 (either encoding is allowed);
     * the domain field is not valid for them (ARM ARM table B4-2).
     */
    seen_reset();
    r = exc_ldr_arm(base + 2);
    TEST_EQ("ARM LDR alignment fault: r0", r, ABORT_MARK);
    check_dabort("ARM LDR alignment fault", seen.dfsr & 0x2 ? 0x3 : 0x1, base + 2,
                 exc_ldr_arm_insn, cpsr);
    seen_reset();
    r = exc_ldrh_arm(base + 1);
    TEST_EQ("ARM LDRH alignment fault: r0", r, ABORT_MARK);
    check_dabort("ARM LDRH alignment fault", seen.dfsr & 0x2 ? 0x3 : 0x1, base + 1,
                 exc_ldrh_arm_insn, cpsr);
    seen_reset();
    r = exc_ldr_thumb(base + 3);
    TEST_EQ("Thumb LDR alignment fault: r0", r, ABORT_MARK);
    check_dabort("Thumb LDR alignment fault", seen.dfsr & 0x2 ? 0x3 : 0x1, base + 3,
                 exc_ldr_thumb_insn, cpsr | PSR_T);
    /* Aligned accesses still work with A = 1. */
    TEST_EQ("aligned LDR with A = 1", exc_ldr_arm(base + 4), 0x88776655);
    TEST_EQ("aligned LDRH with A = 1", exc_ldrh_arm(base + 2), 0x4433);

    cp15_write_sctlr(sctlr);
    exc_set_hook(EXC_DABORT, 0);
    printf("6a. alignment faults (MMU off): FSR, FAR, LR = insn + 8 (ARM, Thumb): ok\n");
}

/* The identity map and the high-vector page used from here on. */
static u32 l1_table[4096] __attribute__((aligned(16384)));
#define HIGH_VEC_PA     0x07f00000u     /* top MiB of the 128 MiB of RAM */
#define UNMAPPED_VA     0x40000000u

static void exc_mmu_on(void)
{
    mmu_identity_map(l1_table, 64);
    l1_table[0xfff] = mmu_l1_section(HIGH_VEC_PA, AP_PRIV, 0);
    mmu_enable(l1_table, DACR_FIELD(0, DOMAIN_CLIENT));
}

static void test_translation_fault(void)
{
    u32 cpsr = cpu_read_cpsr(), r;

    exc_set_hook(EXC_DABORT, hook_dabort_skip);
    seen_reset();
    r = exc_ldr_arm(UNMAPPED_VA + 0x124);
    TEST_EQ("translation fault: r0", r, ABORT_MARK);
    /* Section translation fault: the domain field is not valid (table B4-2). */
    check_dabort("ARM LDR section translation fault", FSR_TRANS_SECTION,
                 UNMAPPED_VA + 0x124, exc_ldr_arm_insn, cpsr);
    seen_reset();
    r = exc_ldr_thumb(UNMAPPED_VA + 0x3000);
    TEST_EQ("Thumb translation fault: r0", r, ABORT_MARK);
    check_dabort("Thumb LDR section translation fault", FSR_TRANS_SECTION,
                 UNMAPPED_VA + 0x3000, exc_ldr_thumb_insn, cpsr | PSR_T);
    exc_set_hook(EXC_DABORT, 0);
    printf("6b. translation faults (MMU on): FSR, FAR, LR = insn + 8 (ARM, Thumb): ok\n");
}

/* ---- 7. Exception return instructions ----------------------------------- */

/*
 * Raw handlers, entered straight from the vector.  Each clobbers the flags
 * before returning, so a return that did not copy SPSR to CPSR shows up.
 *   dabort_retry: LR = insn + 8; point r0 at a readable word, re-execute.
 *   dabort_skip:  SUBS pc, lr, #4 resumes after the faulting load.
 *   undef_ldm:    saves r0/r1/lr, sets r2, returns with LDM {..., pc}^.
 *   undef_movs:   sets r2, returns with MOVS pc, lr.
 */
void raw_dabort_retry(void), raw_dabort_skip(void), raw_undef_ldm(void), raw_undef_movs(void);
u32 exc_undef_r2(u32 cpsr);     /* undefined insn with this CPSR; returns r2 */
u32 exc_undef_r2_cpsr;          /* CPSR read back after the return */
__asm__(
"   .syntax unified\n"
"   .text\n"
"   .arm\n"
"   .global raw_dabort_retry\n"
"raw_dabort_retry:\n"
"   ldr     r0, =exc_retry_word\n"
"   cmp     r0, r0\n"
"   subs    pc, lr, #8\n"
"   .global raw_dabort_skip\n"
"raw_dabort_skip:\n"
"   ldr     r0, =0x5c1b\n"
"   cmp     r0, r0\n"
"   subs    pc, lr, #4\n"
"   .global raw_undef_ldm\n"
"raw_undef_ldm:\n"
"   stmfd   sp!, {r0, r1, lr}\n"
"   mov     r0, #0\n"
"   mov     r1, #0\n"
"   ldr     r2, =0x1d1d\n"
"   cmp     r0, r1\n"
"   ldmfd   sp!, {r0, r1, pc}^\n"
"   .global raw_undef_movs\n"
"raw_undef_movs:\n"
"   ldr     r2, =0x3035\n"
"   cmp     r2, r2\n"
"   movs    pc, lr\n"
"   .ltorg\n"
"   .global exc_undef_r2\n"
"   .type exc_undef_r2, %function\n"
"exc_undef_r2:\n"
"   push    {r4, lr}\n"
"   mrs     r4, cpsr\n"
"   mov     r2, #0\n"
"   msr     cpsr_fc, r0\n"
"   .word   0xe7f000f0\n"
"   mrs     r0, cpsr\n"
"   ldr     r1, =exc_undef_r2_cpsr\n"
"   str     r0, [r1]\n"
"   msr     cpsr_fc, r4\n"
"   mov     r0, r2\n"
"   pop     {r4, pc}\n"
"   .ltorg\n"
"   .size exc_undef_r2, . - exc_undef_r2\n");

u32 exc_retry_word = 0x7e7e7e7e;

static void test_return_variants(void)
{
    u32 flags_cpsr = PSR_N | PSR_V | PSR_I | PSR_F | MODE_SVC, r;

    exc_set_raw(EXC_DABORT, raw_dabort_retry);
    TEST_EQ("SUBS pc, lr, #8 re-executes the load", exc_ldr_arm(UNMAPPED_VA), 0x7e7e7e7e);
    exc_set_raw(EXC_DABORT, raw_dabort_skip);
    TEST_EQ("SUBS pc, lr, #4 skips the load", exc_ldr_arm(UNMAPPED_VA), 0x5c1b);
    exc_set_hook(EXC_DABORT, 0);

    exc_set_raw(EXC_UNDEF, raw_undef_ldm);
    r = exc_undef_r2(flags_cpsr);
    TEST_EQ("LDM ^ return: r2 from handler", r, 0x1d1d);
    TEST_EQ("LDM ^ return: CPSR = SPSR", exc_undef_r2_cpsr & PSR_V5_DEFINED, flags_cpsr);
    exc_set_raw(EXC_UNDEF, raw_undef_movs);
    r = exc_undef_r2(flags_cpsr | PSR_C);
    TEST_EQ("MOVS pc, lr return: r2 from handler", r, 0x3035);
    TEST_EQ("MOVS pc, lr return: CPSR = SPSR", exc_undef_r2_cpsr & PSR_V5_DEFINED,
            flags_cpsr | PSR_C);
    exc_set_hook(EXC_UNDEF, 0);
    printf("7. exception return: SUBS pc,lr,#8 (retry) / #4 (skip), LDM ^, MOVS pc,lr: ok\n");
}

/* ---- 8. High vectors ----------------------------------------------------- */

void raw_svc_low(void), raw_svc_high(void);
u32 exc_svc_r0(void);
__asm__(
"   .syntax unified\n"
"   .text\n"
"   .arm\n"
"   .global raw_svc_low\n"
"raw_svc_low:\n"
"   ldr     r0, =0x10101010\n"
"   movs    pc, lr\n"
"   .global raw_svc_high\n"
"raw_svc_high:\n"
"   ldr     r0, =0xffff0000\n"
"   movs    pc, lr\n"
"   .ltorg\n"
"   .global exc_svc_r0\n"
"   .type exc_svc_r0, %function\n"
"exc_svc_r0:\n"
"   push    {r4, lr}\n"
"   mov     r0, #0\n"
"   svc     #0\n"
"   pop     {r4, pc}\n"
"   .size exc_svc_r0, . - exc_svc_r0\n");

static void test_high_vectors(void)
{
    u32 sctlr = cp15_read_sctlr();

    exc_install_vectors(EXC_HIGH_VECTORS);
    exc_set_raw_at(EXC_HIGH_VECTORS, EXC_SVC, raw_svc_high);
    exc_set_raw(EXC_SVC, raw_svc_low);
    TEST_EQ("V = 0: SVC through the vector at 0x8", exc_svc_r0(), 0x10101010);
    cp15_write_sctlr(sctlr | SCTLR_V);
    TEST_EQ("V = 1: SVC through the vector at 0xffff0008", exc_svc_r0(), 0xffff0000);
    /* The rest of the high table goes to the runtime stubs too: check one. */
    exc_set_hook(EXC_UNDEF, hook_record_r0);
    seen_reset();
    TEST_EQ("V = 1: undefined instruction through the high table", exc_undef_arm(), 0x600d);
    exc_set_hook(EXC_UNDEF, 0);
    cp15_write_sctlr(sctlr);
    TEST_EQ("V = 0 again: vector at 0x8", exc_svc_r0(), 0x10101010);
    exc_set_hook(EXC_SVC, 0);
    printf("8. high vectors (SCTLR.V, page mapped at 0xffff0000): ok\n");
}

/* ---- 9. FIQ --------------------------------------------------------------- */

struct fiq_record {
    u32 count;
    u32 cpsr;
    u32 lr;
    u32 spsr;
};

struct fiq_record fiq_rec;
void raw_fiq(void);
/* Raises the soft interrupt with FIQ masked, then unmasks; out = r8-r12 after. */
void exc_fiq_probe(u32 *out);
extern const char exc_fiq_unmask_next[], exc_fiq_sled_end[];
__asm__(
"   .syntax unified\n"
"   .text\n"
"   .arm\n"
"   .global raw_fiq\n"
"raw_fiq:\n"                            /* r8-r12 are banked: use them unsaved */
"   ldr     r8, =0x10140000\n"
"   mov     r9, #2\n"
"   str     r9, [r8, #0x1c]\n"          /* VICSOFTINTCLEAR: drop the source */
"   ldr     r8, =fiq_rec\n"
"   ldr     r9, [r8]\n"
"   add     r9, r9, #1\n"
"   mrs     r10, cpsr\n"
"   mrs     r11, spsr\n"
"   stmia   r8, {r9-r11}\n"
"   str     lr, [r8, #8]\n"
"   str     r11, [r8, #12]\n"
"   cmp     r8, r8\n"
"   subs    pc, lr, #4\n"
"   .ltorg\n"
"   .global exc_fiq_probe\n"
"   .type exc_fiq_probe, %function\n"
"exc_fiq_probe:\n"
"   push    {r4-r11, lr}\n"
"   mov     r4, r0\n"
"   mrs     r5, cpsr\n"
"   ldr     r8, =0x18181818\n"
"   ldr     r9, =0x19191919\n"
"   ldr     r10, =0x1a1a1a1a\n"
"   ldr     r11, =0x1b1b1b1b\n"
"   ldr     r12, =0x1c1c1c1c\n"
"   ldr     r0, =0x10140000\n"
"   mov     r1, #2\n"
"   str     r1, [r0, #0x18]\n"          /* VICSOFTINT: source 1, routed to FIQ */
"   bic     r1, r5, #0x40\n"
"   msr     cpsr_c, r1\n"               /* unmask FIQ: taken now */
"   .global exc_fiq_unmask_next\n"
"exc_fiq_unmask_next:\n"
"   nop\n"
"   nop\n"
"   nop\n"
"   nop\n"
"   .global exc_fiq_sled_end\n"
"exc_fiq_sled_end:\n"
"   msr     cpsr_c, r5\n"
"   stmia   r4, {r8-r12}\n"
"   pop     {r4-r11, pc}\n"
"   .ltorg\n"
"   .size exc_fiq_probe, . - exc_fiq_probe\n");

static void test_fiq(void)
{
    u32 out[5], cpsr = cpu_read_cpsr(), resume;

    vic_reset();
    vic_route_fiq(VPB_IRQ_SOFT, 1);
    vic_enable(VPB_IRQ_SOFT);
    exc_set_raw(EXC_FIQ, raw_fiq);
    memset(&fiq_rec, 0, sizeof(fiq_rec));
    exc_fiq_probe(out);
    vic_reset();
    exc_set_hook(EXC_FIQ, 0);

    TEST_EQ("FIQ taken once", fiq_rec.count, 1);
    TEST_EQ("FIQ mode on entry", fiq_rec.cpsr & PSR_MODE_MASK, MODE_FIQ);
    TEST_EQ("FIQ entry sets I and F", fiq_rec.cpsr & (PSR_I | PSR_F | PSR_T), PSR_I | PSR_F);
    TEST_EQ("FIQ SPSR = interrupted CPSR", fiq_rec.spsr & PSR_V5_DEFINED,
            cpsr & ~PSR_F & PSR_V5_DEFINED);
    /*
     * LR_fiq = address of the next instruction to execute + 4.  The ARM
     * ARM lets an interrupt be recognised a little after the MSR that
     * unmasks it, so any point in the NOP sled is accepted.
     */
    resume = fiq_rec.lr - 4;
    TEST_TRUE("FIQ LR points into the NOP sled after the unmasking MSR",
              resume >= addr_of(exc_fiq_unmask_next) && resume <= addr_of(exc_fiq_sled_end));
    if (resume != addr_of(exc_fiq_unmask_next))
        printf("  note: FIQ taken %u instructions after the MSR\n",
               (resume - addr_of(exc_fiq_unmask_next)) / 4);
    for (unsigned i = 0; i < 5; i++)
        TEST_EQ("r8-r12 intact after a FIQ handler used its own bank", out[i],
                0x18181818u + 0x01010101u * i);
    printf("9. FIQ entry (mode, I+F, SPSR, LR) and banked r8-r12: ok\n");
}

int main(void)
{
    printf("exceptions: modes, banking, exception entry and return (MIDR %08x)\n",
           cp15_read_midr());
    test_banked_registers();
    test_user_mode();
    test_svc();
    test_undef_and_bkpt();
    test_alignment_faults();
    exc_mmu_on();
    test_translation_fault();
    test_return_variants();
    test_high_vectors();
    test_fiq();
    mmu_disable();
    test_pass();
}
