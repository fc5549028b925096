/*
 * Exception vectors with C-callable hooks.
 *
 * board_init() copies a vector table to BOARD_VECTOR_BASE (address 0 on the
 * Versatile PB; RAM base + VBAR on the Versatile Express) and, on request,
 * to any other base such as the high-vector page.  Each of the eight vectors is
 * "LDR pc, [pc, #24]", loading the handler address from a literal at
 * base + 0x20 + 4 * type, so a test can redirect one vector by rewriting one
 * word (exc_set_raw), without writing instructions.
 *
 * By default every literal points at a runtime stub that saves the
 * interrupted context in a struct exc_frame on the exception mode's stack
 * and calls the hook installed with exc_set_hook(); without a hook the
 * exception is reported and the test fails.  When the hook returns, the stub
 * restores r0-r12 from the frame and resumes at frame->pc with
 * CPSR = frame->cpsr (an exception return, "MOVS pc, lr").
 */
#ifndef FW_EXC_H
#define FW_EXC_H

/* Exception types = vector offset / 4 (ARM ARM A2.6, table A2-4). */
#define EXC_RESET       0
#define EXC_UNDEF       1
#define EXC_SVC         2
#define EXC_PABORT      3
#define EXC_DABORT      4
#define EXC_RESERVED    5
#define EXC_IRQ         6
#define EXC_FIQ         7
#define EXC_COUNT       8

/* struct exc_frame layout, shared with start.S. */
#define EXC_F_R0        0
#define EXC_F_SP        52
#define EXC_F_LR        56
#define EXC_F_PC        60
#define EXC_F_CPSR      64
#define EXC_F_EXC_LR    68
#define EXC_F_TYPE      72
#define EXC_FRAME_SIZE  80      /* multiple of 8: keeps the stack 8-byte aligned */

#define EXC_VECTORS_SIZE 0x40   /* 8 instructions + 8 literals */
#define EXC_HIGH_VECTORS 0xffff0000u

#ifndef __ASSEMBLER__
#include "types.h"

struct exc_frame {
    /*
     * r0-r12 as the exception mode sees them: for FIQ, r8-r12 are the FIQ
     * bank.  The stub reloads them on return, so a hook may change them
     * (e.g. an SVC result in r0).
     */
    u32 r[13];
    /*
     * r13/r14 of the interrupted mode, for inspection only (not written
     * back).  If the interrupted mode is the exception mode itself (SVC
     * issued in SVC mode), sp is the value before the frame was pushed and
     * lr is the value the exception wrote.
     */
    u32 sp;
    u32 lr;
    u32 pc;        /* where to resume; preset to the re-execute/next address */
    u32 cpsr;      /* SPSR at entry = CPSR to resume with */
    u32 exc_lr;    /* the banked LR written by the exception entry */
    u32 type;      /* EXC_* */
    u32 pad;
};

_Static_assert(sizeof(struct exc_frame) == EXC_FRAME_SIZE, "frame layout");
_Static_assert(__builtin_offsetof(struct exc_frame, pc) == EXC_F_PC, "frame layout");
_Static_assert(__builtin_offsetof(struct exc_frame, type) == EXC_F_TYPE, "frame layout");

typedef void (*exc_hook_fn)(struct exc_frame *frame);

/* Install a C hook for an exception type (NULL = report and fail). */
void exc_set_hook(unsigned type, exc_hook_fn hook);
/*
 * Point the vector literal at BOARD_VECTOR_BASE (address 0 on the
 * Versatile PB, VBAR on the Versatile Express) straight at an assembly
 * handler.
 */
void exc_set_raw(unsigned type, void (*handler)(void));
/* The same for a vector table at another base (e.g. EXC_HIGH_VECTORS). */
void exc_set_raw_at(u32 base, unsigned type, void (*handler)(void));
/* Copy the pristine vector table (all literals -> runtime stubs) to base. */
void exc_install_vectors(u32 base);
/* The runtime stub address for a type, for restoring a raw vector. */
u32 exc_stub_address(unsigned type);
const char *exc_name(unsigned type);

/* Called from start.S: dispatch to the hook or report. */
void exc_dispatch(u32 type, struct exc_frame *frame);
#endif

#endif
