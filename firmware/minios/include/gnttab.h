/*
 * Grant table v1 (ABI doc 4.6, 6): frame 0 of our table appears at
 * GUEST_GNTTAB_BASE after XENMEM_add_to_physmap(XENMAPSPACE_grant_table);
 * we fill entries to let another domain map or copy our frames.
 */
#ifndef MINIOS_GNTTAB_H
#define MINIOS_GNTTAB_H

#include <stdbool.h>
#include <stdint.h>

#include "xen.h"

/* 0, or -XEN_E* when the table could not be mapped. */
long gnttab_init(void);
/* Grants domid access to frame (a gfn); returns the ref, or -XEN_ENOSPC. */
long gnttab_grant_access(domid_t domid, uint32_t frame, bool readonly);
/* Revokes a grant; -XEN_EBUSY while the grantee still uses it. */
long gnttab_end_access(grant_ref_t ref);
/* The entry, for tests that forge or inspect grants. */
volatile struct grant_entry_v1 *gnttab_entry(grant_ref_t ref);
uint32_t gnttab_max_frames(void);

#endif
