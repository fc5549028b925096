/*
 * undef_nohandler: execute an undefined instruction with no handler.
 *
 * Why: this is the guest half of an emulator test that checks the
 * Undefined Instruction exception is visible from the monitor (ARM ARM
 * A2.6): after the instruction the CPU must be in Undefined mode
 * (CPSR.M = 0x1b), spinning at the vector 0x00000004, with
 * LR_und = the undefined instruction + 4 and SPSR_und = the SVC-mode CPSR.
 * The vector holds a branch-to-self ("B ." = 0xeafffffe), written over the
 * runtime's vector so that no runtime code runs after the exception.
 * This program never prints a test result line when the CPU behaves.
 */
#include "runtime.h"

#define ARM_B_SELF  0xeafffffeu     /* B . (offset -8 + 8 = 0) */

extern const char undef_insn[];

int main(void)
{
    printf("undef_nohandler: vector 0x4 = B . (branch to self)\n");
    /* The vector is an instruction: make the store visible to fetches. */
    mmio_write32(0x4, ARM_B_SELF);
    cpu_sync_icache();
    printf("about to execute undefined instruction at %p\n", (void *)undef_insn);
    uart_flush();
    __asm__ volatile(".global undef_insn\n"
                     "undef_insn:\n"
                     "   .word 0xe7f000f0\n" ::: "memory");
    test_fail("undefined instruction did not trap");
}
