/*
 * mini-OS entry. The hypervisor enters the vCPU in SVC mode with the MMU
 * off, r0 = 0, r1 = 0xffffffff and r2 = the IPA of the domain's device
 * tree (the Linux boot protocol, docs/hypervisor.md). We keep r2, set up a
 * stack for SVC (the boot thread), IRQ and the abort/undefined modes,
 * clear .bss, point VBAR at our vector table and call kernel_start(dtb).
 *
 * Interrupts are handled on the IRQ stack and never switch threads (the
 * threads are cooperative), so the IRQ stub only saves the AAPCS
 * caller-saved registers around the C handler.
 */
    .syntax unified
    .arm

#define MODE_IRQ    0x12
#define MODE_SVC    0x13
#define MODE_ABT    0x17
#define MODE_UND    0x1b
#define PSR_I       0x80
#define PSR_F       0x40

    .section .stack, "aw", %nobits
    .balign 16
    .space 0x1000
stack_irq_top:
    .space 0x800
stack_abt_top:
    .space 0x800
stack_und_top:
    .space 0x4000
    .global boot_stack_top
boot_stack_top:

    .section .text.start, "ax", %progbits
    .global _start
    .type _start, %function
_start:
    cpsid   if, #MODE_IRQ
    ldr     sp, =stack_irq_top
    cps     #MODE_ABT
    ldr     sp, =stack_abt_top
    cps     #MODE_UND
    ldr     sp, =stack_und_top
    cps     #MODE_SVC
    ldr     sp, =boot_stack_top
    mov     r4, r2                  @ the DTB, kept across the .bss clearing

    ldr     r0, =__bss_start
    ldr     r1, =__bss_end
    mov     r2, #0
1:  cmp     r0, r1
    strlo   r2, [r0], #4
    blo     1b

    ldr     r0, =vector_table
    mcr     p15, 0, r0, c12, c0, 0  @ VBAR (ARM ARM B4.1.156)
    isb
    mov     r0, r4
    bl      kernel_start
2:  b       2b
    .size _start, . - _start

/* VBAR needs 32-byte alignment; each entry branches to its stub. */
    .text
    .balign 32
vector_table:
    b       fault_reset
    b       fault_undef
    b       fault_svc
    b       fault_pabort
    b       fault_dabort
    b       fault_reset
    b       irq_entry
    b       fault_fiq

irq_entry:
    sub     lr, lr, #4
    push    {r0-r3, r12, lr}        @ 24 bytes: the IRQ stack stays 8-aligned
    bl      irq_handle
    pop     {r0-r3, r12, lr}
    clrex                           @ a LDREX/STREX pair we interrupted must retry
    movs    pc, lr

/*
 * Any other exception is a mini-OS bug: report it with the faulting
 * address and status and shut the domain down (crash), in C.
 */
.macro fault_stub name, kind, lr_adjust
\name:
    sub     r1, lr, #\lr_adjust
    mov     r0, #\kind
    mrs     r2, spsr
    b       fault_report
.endm
    fault_stub fault_reset,  0, 0
    fault_stub fault_undef,  1, 4
    fault_stub fault_svc,    2, 4
    fault_stub fault_pabort, 3, 4
    fault_stub fault_dabort, 4, 8
    fault_stub fault_fiq,    5, 4

/*
 * void thread_switch(struct thread_context *from, struct thread_context *to):
 * saves the AAPCS callee-saved registers, sp and lr of the running thread
 * and resumes the other one where it called thread_switch (or at
 * thread_trampoline for a new thread).
 */
    .global thread_switch
    .type thread_switch, %function
thread_switch:
    stmia   r0, {r4-r11, sp, lr}
    ldmia   r1, {r4-r11, sp, lr}
    clrex
    bx      lr
    .size thread_switch, . - thread_switch

/* A new thread starts here with r4 = its function and r5 = its argument. */
    .global thread_trampoline
    .type thread_trampoline, %function
thread_trampoline:
    cpsie   i
    mov     r0, r5
    blx     r4
    bl      thread_exit
    .size thread_trampoline, . - thread_trampoline
