/*
 * Exception hook table and dispatch (model described in exc.h).
 */
#include "runtime.h"

/*
 * The hook table is the one piece of mutable runtime state: the stubs in
 * start.S read it through exc_dispatch().  exc_set_hook() stores the hook
 * before it points the vector literal at the stub, so an exception taken
 * between the two stores never finds the stub without its hook.
 */
static volatile exc_hook_fn exc_hooks[EXC_COUNT];

extern void exc_reset_entry(void), exc_undef_entry(void), exc_svc_entry(void);
extern void exc_pabort_entry(void), exc_dabort_entry(void), exc_reserved_entry(void);
extern void exc_irq_entry(void), exc_fiq_entry(void);

static void (*const exc_stubs[EXC_COUNT])(void) = {
    exc_reset_entry, exc_undef_entry, exc_svc_entry, exc_pabort_entry,
    exc_dabort_entry, exc_reserved_entry, exc_irq_entry, exc_fiq_entry,
};

static const char *const exc_names[EXC_COUNT] = {
    "reset", "undefined instruction", "SVC", "prefetch abort",
    "data abort", "reserved", "IRQ", "FIQ",
};

const char *exc_name(unsigned type)
{
    return type < EXC_COUNT ? exc_names[type] : "bad exception type";
}

u32 exc_stub_address(unsigned type)
{
    return type < EXC_COUNT ? (u32)(uintptr_t)exc_stubs[type] : 0;
}

void exc_set_raw_at(u32 base, unsigned type, void (*handler)(void))
{
    if (type >= EXC_COUNT)
        test_fail("exc_set_raw_at: bad exception type %u", type);
    /* The literal is data, loaded by "LDR pc": no instruction barrier needed. */
    mmio_write32(base + 0x20 + 4 * type, (u32)(uintptr_t)handler);
}

void exc_set_raw(unsigned type, void (*handler)(void))
{
    exc_set_raw_at(BOARD_VECTOR_BASE, type, handler);
}

void exc_set_hook(unsigned type, exc_hook_fn hook)
{
    if (type >= EXC_COUNT)
        test_fail("exc_set_hook: bad exception type %u", type);
    exc_hooks[type] = hook;
    exc_set_raw(type, exc_stubs[type]);
}

static void exc_report(const struct exc_frame *f)
{
    printf("unexpected %s exception: resume pc=%08x lr_exc=%08x spsr=%08x\n",
           exc_name(f->type), f->pc, f->exc_lr, f->cpsr);
    printf("  r0=%08x r1=%08x r2=%08x r3=%08x sp=%08x lr=%08x\n",
           f->r[0], f->r[1], f->r[2], f->r[3], f->sp, f->lr);
    if (f->type == EXC_DABORT || f->type == EXC_PABORT)
        printf("  dfsr=%08x ifsr=%08x far=%08x\n",
               cp15_read_dfsr(), cp15_read_ifsr(), cp15_read_far());
#if __ARM_ARCH >= 7
    if (f->type == EXC_PABORT)
        printf("  ifar=%08x\n", cp15_ifar_read());
#endif
}

void exc_dispatch(u32 type, struct exc_frame *frame)
{
    exc_hook_fn hook = type < EXC_COUNT ? exc_hooks[type] : 0;

    if (hook) {
        hook(frame);
        return;
    }
    exc_report(frame);
    if (type == EXC_RESET)
        test_fail("jump to the reset vector (null function pointer?) from lr=%08x",
                  frame->lr);
    test_fail("unexpected %s exception at %08x", exc_name(type), frame->exc_lr);
}
