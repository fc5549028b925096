/*
 * The armhv toolstack hypercall (domctl, number 36): what Dom0's toolstack
 * shell uses to list, create, destroy, pause and unpause domains and to
 * reach their PV consoles. The project's own ABI, not Xen's domctl: the
 * struct armhv_domctl layout is in hv/xen_abi.h and the semantics and
 * errors in docs/hypervisor.md ("Toolstack hypercall (domctl)").
 *
 * Creating and destroying domains is the platform's business (building a
 * [domain NAME] section, stopping vCPUs): the calls go through
 * hv->toolstack_create and hv->toolstack_destroy.
 */
#ifndef HV_TOOLSTACK_H
#define HV_TOOLSTACK_H

#include <stdint.h>

#include "cpu/cpu.h"
#include "hv/domain.h"

/*
 * Runs the struct armhv_domctl at guest VA arg for caller (vcpu is the
 * calling vCPU, whose translation every pointer goes through). Returns 0
 * (the struct was copied back with its outputs) or -XEN_E*: -XEN_EPERM
 * for any unprivileged caller before anything is read.
 */
int hv_toolstack_domctl(struct domain *caller, struct arm_cpu *vcpu, uint32_t arg);

#endif
