/*
 * alu_loop: CPU benchmark for bench/cpu.sh.
 *
 * A fixed number of iterations of a 16-instruction ARM loop body that mixes
 * what integer code does most: ADD/SUB/EOR/AND/ORR with every shifter
 * kind (LSL, LSR, ASR, ROR by immediate), a compare followed by two
 * conditional instructions (one passes, one fails), a store and a load to a
 * small buffer, and the counting SUBS + BNE.  The guest executes exactly
 * ALU_ITERATIONS * ALU_INSNS_PER_ITER instructions in the loop (plus a few
 * thousand for start-up and printing), so guest MIPS = that count / time.
 *
 * It prints one line, "alu_loop: loop_insns=N checksum=X", then resets the
 * board so the emulator exits.  The checksum must be identical on every
 * emulator; bench/cpu.sh compares it.
 */
#include "runtime.h"

#define ALU_ITERATIONS      50000000u
#define ALU_INSNS_PER_ITER  16u

/* u32 alu_loop(u32 iterations, u32 *buffer): returns the checksum. */
u32 alu_loop(u32 iterations, u32 *buffer);
__asm__(
"   .syntax unified\n"
"   .text\n"
"   .arm\n"
"   .balign 32\n"
"   .global alu_loop\n"
"   .type alu_loop, %function\n"
"alu_loop:\n"
"   push    {r4-r11, lr}\n"
"   mov     r11, r1\n"                  /* buffer (64 bytes) */
"   ldr     r1, =0x12345678\n"
"   ldr     r2, =0x9abcdef0\n"
"   ldr     r3, =0x0f1e2d3c\n"
"   ldr     r4, =0x4b5a6978\n"
"   mov     r5, #0\n"
"   mov     r6, #1\n"
"   mov     r7, #2\n"
"1:\n"                                  /* 16 instructions per iteration */
"   add     r1, r1, r2\n"
"   eor     r2, r2, r1, ror #7\n"
"   add     r3, r3, r1, lsl #3\n"
"   sub     r4, r4, r3, lsr #2\n"
"   and     r5, r1, r4\n"
"   orr     r6, r6, r5, asr #1\n"
"   eor     r7, r7, r6\n"
"   cmp     r7, r3\n"
"   addhi   r1, r1, #1\n"
"   movls   r2, r2, ror #3\n"
"   and     r10, r1, #0x3c\n"
"   str     r4, [r11, r10]\n"
"   ldr     r12, [r11, r10]\n"
"   add     r7, r7, r12\n"
"   subs    r0, r0, #1\n"
"   bne     1b\n"
"   eor     r0, r1, r2\n"
"   eor     r0, r0, r3\n"
"   eor     r0, r0, r4\n"
"   eor     r0, r0, r5\n"
"   eor     r0, r0, r6\n"
"   eor     r0, r0, r7\n"
"   pop     {r4-r11, pc}\n"
"   .ltorg\n"
"   .size alu_loop, . - alu_loop\n");

static u32 alu_buffer[16] __attribute__((aligned(64)));

int main(void)
{
    u32 sum = alu_loop(ALU_ITERATIONS, alu_buffer);

    printf("alu_loop: loop_insns=%u checksum=%08x\n",
           ALU_ITERATIONS * ALU_INSNS_PER_ITER, sum);
    system_reset();
}
