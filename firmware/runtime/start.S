/*
 * Entry point, stacks, exception vector table and the exception stubs that
 * call C hooks (see exc.h for the model).
 *
 * Both QEMU (-kernel file.elf) and armhv-emu enter _start at the ELF entry
 * point in SVC mode; we do not rely on that or on any register value, and
 * mask IRQ and FIQ in every mode before touching anything.
 */
#include "cpu.h"
#include "exc.h"

    .syntax unified
    .arm

#define STACK_SIZE_SVC  0x8000
#define STACK_SIZE_EXC  0x1000  /* FIQ, IRQ, ABT, UND, and USR/SYS each */

    .section .stack, "aw", %nobits
    .balign 16
stack_base:
    .space STACK_SIZE_EXC
stack_fiq_top:
    .space STACK_SIZE_EXC
stack_irq_top:
    .space STACK_SIZE_EXC
stack_abt_top:
    .space STACK_SIZE_EXC
stack_und_top:
    .space STACK_SIZE_EXC
stack_usr_top:
    .space STACK_SIZE_SVC
stack_svc_top:

    .section .text.start, "ax", %progbits
    .global _start
    .type _start, %function
_start:
    msr     cpsr_c, #(MODE_FIQ | PSR_I | PSR_F)
    ldr     sp, =stack_fiq_top
    msr     cpsr_c, #(MODE_IRQ | PSR_I | PSR_F)
    ldr     sp, =stack_irq_top
    msr     cpsr_c, #(MODE_ABT | PSR_I | PSR_F)
    ldr     sp, =stack_abt_top
    msr     cpsr_c, #(MODE_UND | PSR_I | PSR_F)
    ldr     sp, =stack_und_top
    /* SYS shares r13/r14 with USR: this sets the user stack too. */
    msr     cpsr_c, #(MODE_SYS | PSR_I | PSR_F)
    ldr     sp, =stack_usr_top
    msr     cpsr_c, #(MODE_SVC | PSR_I | PSR_F)
    ldr     sp, =stack_svc_top

    /* Clear .bss (word aligned by the linker script). */
    ldr     r0, =__bss_start
    ldr     r1, =__bss_end
    mov     r2, #0
1:  cmp     r0, r1
    strlo   r2, [r0], #4
    blo     1b

    /* Vectors and the UART (board_*.c). */
    bl      board_init
    bl      main
    /* main returned: report and stop (never returns). */
    bl      runtime_main_returned
    .size _start, . - _start

/*
 * The vector table template: eight "LDR pc, [pc, #24]" (pc reads as the
 * instruction address + 8, so vector N loads the literal at 0x20 + 4N),
 * then eight literals.  Position independent: it works at 0, 0xffff0000 or
 * anywhere a test copies it.
 */
    .text
    .balign 32
    .global exc_vector_template
exc_vector_template:
    .rept 8
    ldr     pc, [pc, #24]
    .endr
    .word   exc_reset_entry
    .word   exc_undef_entry
    .word   exc_svc_entry
    .word   exc_pabort_entry
    .word   exc_dabort_entry
    .word   exc_reserved_entry
    .word   exc_irq_entry
    .word   exc_fiq_entry

/* void exc_install_vectors(uint32_t base): copy the template (16 words) to base. */
    .global exc_install_vectors
    .type exc_install_vectors, %function
exc_install_vectors:
    adr     r1, exc_vector_template
    mov     r2, #(EXC_VECTORS_SIZE / 4)
1:  ldr     r3, [r1], #4
    str     r3, [r0], #4
    subs    r2, r2, #1
    bne     1b
    /* The vectors are instructions: make them visible to instruction fetch. */
    mov     r0, #0
#if __ARM_ARCH >= 7
    dsb                                 @ ARMv7: DSB, ICIALLU, DSB, ISB (B2.2.9)
    mcr     p15, 0, r0, c7, c5, 0
    dsb
    isb
#else
    mcr     p15, 0, r0, c7, c10, 4      @ drain write buffer
    mcr     p15, 0, r0, c7, c5, 0       @ invalidate I-cache
#endif
    bx      lr
    .size exc_install_vectors, . - exc_install_vectors

/*
 * Per-vector entry: push r0-r12 into a new frame on this mode's stack, then
 * go to the common code with r0 = type and r1 = what to subtract from the
 * exception LR to get the default resume address (ARM ARM A2.6: the
 * re-execute address for aborts, the next instruction otherwise).  The
 * offsets are the same in ARM and Thumb state because the architecture
 * defines LR so that they are.
 */
.macro exc_entry name, type, lr_offset
    .global \name
    .type \name, %function
\name:
    sub     sp, sp, #EXC_FRAME_SIZE
    stmia   sp, {r0-r12}
    mov     r0, #\type
    mov     r1, #\lr_offset
    b       exc_common
    .size \name, . - \name
.endm

    exc_entry exc_reset_entry,    EXC_RESET,    0
    exc_entry exc_undef_entry,    EXC_UNDEF,    0
    exc_entry exc_svc_entry,      EXC_SVC,      0
    exc_entry exc_pabort_entry,   EXC_PABORT,   4
    exc_entry exc_dabort_entry,   EXC_DABORT,   8
    exc_entry exc_reserved_entry, EXC_RESERVED, 0
    exc_entry exc_irq_entry,      EXC_IRQ,      4
    exc_entry exc_fiq_entry,      EXC_FIQ,      4

exc_common:
    str     lr, [sp, #EXC_F_EXC_LR]
    sub     r2, lr, r1
    str     r2, [sp, #EXC_F_PC]
    mrs     r3, spsr
    str     r3, [sp, #EXC_F_CPSR]
    str     r0, [sp, #EXC_F_TYPE]

    /* Record the interrupted mode's r13/r14. */
    mrs     r6, cpsr
    and     r4, r3, #PSR_MODE_MASK
    and     r7, r6, #PSR_MODE_MASK
    cmp     r4, r7
    beq     3f
    cmp     r4, #MODE_USR
    cmpne   r4, #MODE_SYS
    bne     2f
    /* User bank: STM with ^ stores the User mode registers. */
    add     r5, sp, #EXC_F_SP
    stmia   r5, {sp, lr}^
    nop                                 @ no banked access right after STM ^ (ARMv4/v5)
    b       4f
2:  /* Another privileged mode: visit it with interrupts masked. */
    orr     r4, r4, #(PSR_I | PSR_F)
    msr     cpsr_c, r4
    mov     r2, sp
    mov     r3, lr
    msr     cpsr_c, r6
    str     r2, [sp, #EXC_F_SP]
    str     r3, [sp, #EXC_F_LR]
    b       4f
3:  /* Same mode (e.g. SVC in SVC mode): sp was ours before the frame. */
    add     r2, sp, #EXC_FRAME_SIZE
    str     r2, [sp, #EXC_F_SP]
    str     lr, [sp, #EXC_F_LR]
4:
    /* Call exc_dispatch(type, frame) on an 8-byte aligned stack (AAPCS). */
    ldr     r0, [sp, #EXC_F_TYPE]
    mov     r5, sp
    bic     sp, sp, #7
    mov     r1, r5
    bl      exc_dispatch
    mov     sp, r5

    /* Exception return to frame->pc with CPSR = frame->cpsr. */
    ldr     r3, [sp, #EXC_F_CPSR]
    msr     spsr_cxsf, r3
    ldr     lr, [sp, #EXC_F_PC]
    ldmia   sp, {r0-r12}
    add     sp, sp, #EXC_FRAME_SIZE
#if __ARM_ARCH >= 7
    /*
     * Clear the local exclusive monitor, as an operating system's
     * exception return must (ARM ARM DDI 0406C A3.4 "Synchronization and
     * semaphores", context switch support): a LDREX/STREX pair
     * interrupted by this exception then fails its STREX and retries
     * instead of completing on a stale monitor.
     */
    clrex
#endif
    movs    pc, lr
    .size exc_common, . - exc_common
