/*
 * Hypercall wrappers (ABI doc 3.1-3.2): HVC #0xEA1 with the hypercall
 * number in r12, arguments in r0-r4, the result (a negative Xen errno on
 * failure) in r0. The hypervisor may clobber r12 and the argument
 * registers, so all are operands the compiler treats as changed.
 */
#ifndef MINIOS_HYPERCALL_H
#define MINIOS_HYPERCALL_H

#include <stdint.h>

#include "xen.h"

/* HVC #0xEA1, ARM encoding A1 (0xE140EA71): no assembler needs the
 * virtualization extensions enabled to accept it. */
#define XEN_HVC_INSN ".inst 0xe140ea71"

static inline long hypercall5(uint32_t nr, uint32_t a0, uint32_t a1, uint32_t a2,
                              uint32_t a3, uint32_t a4)
{
    register uint32_t r0 __asm__("r0") = a0;
    register uint32_t r1 __asm__("r1") = a1;
    register uint32_t r2 __asm__("r2") = a2;
    register uint32_t r3 __asm__("r3") = a3;
    register uint32_t r4 __asm__("r4") = a4;
    register uint32_t r12 __asm__("r12") = nr;

    __asm__ volatile(XEN_HVC_INSN
                     : "+r"(r0), "+r"(r1), "+r"(r2), "+r"(r3), "+r"(r4), "+r"(r12)
                     :
                     : "memory");
    return (long)(int32_t)r0;
}

static inline uint32_t ptr_arg(const volatile void *p)
{
    return (uint32_t)(uintptr_t)p;
}

static inline long HYPERVISOR_xen_version(uint32_t cmd, void *arg)
{
    return hypercall5(__HYPERVISOR_xen_version, cmd, ptr_arg(arg), 0, 0, 0);
}

static inline long HYPERVISOR_console_io(uint32_t cmd, uint32_t count, const void *buf)
{
    return hypercall5(__HYPERVISOR_console_io, cmd, count, ptr_arg(buf), 0, 0);
}

static inline long HYPERVISOR_memory_op(uint32_t cmd, void *arg)
{
    return hypercall5(__HYPERVISOR_memory_op, cmd, ptr_arg(arg), 0, 0, 0);
}

static inline long HYPERVISOR_grant_table_op(uint32_t cmd, void *ops, uint32_t count)
{
    return hypercall5(__HYPERVISOR_grant_table_op, cmd, ptr_arg(ops), count, 0, 0);
}

static inline long HYPERVISOR_vcpu_op(uint32_t cmd, uint32_t vcpu, void *arg)
{
    return hypercall5(__HYPERVISOR_vcpu_op, cmd, vcpu, ptr_arg(arg), 0, 0);
}

static inline long HYPERVISOR_sched_op(uint32_t cmd, void *arg)
{
    return hypercall5(__HYPERVISOR_sched_op, cmd, ptr_arg(arg), 0, 0, 0);
}

static inline long HYPERVISOR_event_channel_op(uint32_t cmd, void *arg)
{
    return hypercall5(__HYPERVISOR_event_channel_op, cmd, ptr_arg(arg), 0, 0, 0);
}

static inline long HYPERVISOR_hvm_op(uint32_t op, void *arg)
{
    return hypercall5(__HYPERVISOR_hvm_op, op, ptr_arg(arg), 0, 0, 0);
}

static inline long HYPERVISOR_domctl(void *arg)
{
    return hypercall5(__HYPERVISOR_domctl, ptr_arg(arg), 0, 0, 0, 0);
}

/* HVMOP_get_param for DOMID_SELF: 0 and *value, or -XEN_E*. */
long hvm_get_param(uint32_t index, uint64_t *value);
/* SCHEDOP_shutdown(reason): does not return. */
__attribute__((noreturn)) void xen_shutdown(uint32_t reason);

#endif
