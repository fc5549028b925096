/*
 * Guest memory access from the hypervisor: the only way hv/ reads or
 * writes a domain's memory.
 *
 * Guest virtual addresses (every pointer a hypercall carries) are
 * translated through the calling vCPU's current stage-1 regime, page by
 * page, exactly as the guest itself would see them at that moment: SCTLR.M,
 * TTBCR, TTBR0/1 and the model's walker (short-descriptor; ARMv5 tables on
 * an ARM926; VA = IPA with the MMU off). As the ABI document says (3.3),
 * only translation matters: access permissions and DACR are not checked,
 * because the guest kernel may hand over any of its own mappings. The
 * result is a guest-physical address in the *domain's* address space, and
 * it must be RAM there: MMIO (virtual devices, passed-through devices) is
 * never touched and unmapped space is refused, so a guest cannot make the
 * hypervisor read a device register or write outside its partition.
 * Untranslatable or non-RAM pointers give -XEN_EFAULT. Nothing here has a
 * side effect on the vCPU: no fault status, no TLB fill, no counters.
 *
 * Writes by the hypervisor (copy_to_guest, event bits in shared_info and
 * vcpu_info, grant flags, grant copies) also
 *   - reset decoded code on the pages they change (self-modifying-code
 *     tracking, as a guest store would), and
 *   - clear the exclusive monitor of every vCPU of the domain whose tagged
 *     address falls in the same exclusives reservation granule, so that a
 *     guest stopped between LDREX and STREX cannot overwrite the
 *     hypervisor's update with a stale value (ABI doc, section 0 and 5.4).
 * Callers that write through a host pointer from hv_gpa_ptr() must call
 * hv_gpa_written() afterwards for the same reason.
 */
#ifndef HV_GUEST_MEM_H
#define HV_GUEST_MEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cpu/cpu.h"

struct domain;

/*
 * Translates va through vcpu's current regime to a guest-physical address
 * of d. *span (optional) gets the bytes from va to the end of the mapping,
 * capped at the end of va's 4 KiB page. 0 or -XEN_EFAULT. vcpu must be one
 * of d's vCPUs (else -XEN_EFAULT).
 */
int hv_guest_translate(struct domain *d, struct arm_cpu *vcpu, uint32_t va, uint64_t *gpa,
                       uint32_t *span);

/*
 * Copies len bytes between the guest's virtual memory and buf, page by
 * page. 0, or -XEN_EFAULT if any byte of [va, va+len) is untranslatable,
 * not RAM, or wraps past 4 GiB. copy_to_guest checks the whole range
 * before writing anything, so a failed copy leaves guest memory unchanged.
 */
int hv_copy_from_guest(struct domain *d, struct arm_cpu *vcpu, uint32_t va, void *buf,
                       size_t len);
int hv_copy_to_guest(struct domain *d, struct arm_cpu *vcpu, uint32_t va, const void *buf,
                     size_t len);

/*
 * Guest-physical access. hv_gpa_ptr: host pointer to [gpa, gpa+len) if it
 * lies inside one RAM region of d's address space, else NULL (for pages the
 * hypervisor keeps using: shared_info, vcpu_info, grant frames). Read/write
 * copy across pages and return 0 or -XEN_EFAULT (nothing written then).
 */
uint8_t *hv_gpa_ptr(struct domain *d, uint64_t gpa, size_t len);
bool hv_gpa_is_ram(struct domain *d, uint64_t gpa, size_t len);
int hv_gpa_read(struct domain *d, uint64_t gpa, void *buf, size_t len);
int hv_gpa_write(struct domain *d, uint64_t gpa, const void *buf, size_t len);

/*
 * Bookkeeping after the hypervisor changed [gpa, gpa+len) of d through a
 * host pointer: decoded code reset, exclusive monitors cleared (see above).
 */
void hv_gpa_written(struct domain *d, uint64_t gpa, size_t len);

/* Clears the exclusive monitor of every vCPU of d (world switch rule). */
void hv_guest_clear_monitors(struct domain *d);

#endif
