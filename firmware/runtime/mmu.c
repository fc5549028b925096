/*
 * MMU helpers: the runtime identity map and enable/disable sequences
 * (ARM ARM B4; ARM926EJ-S TRM 3.2 "Address translation").
 *
 * AP_NONE (AP = 00) is decoded with SCTLR.S and SCTLR.R (ARM ARM table B4-1):
 *   S=0 R=0: no access; S=1 R=0: privileged RO, user none;
 *   S=0 R=1: RO for both; S=1 R=1: UNPREDICTABLE.
 */
#include "runtime.h"

void mmu_identity_map(u32 *l1, unsigned ram_mb)
{
    for (unsigned i = 0; i < 4096; i++)
        l1[i] = 0;
    for (unsigned mb = 0; mb < ram_mb; mb++)
        l1[mb] = mmu_l1_section(mb << 20, AP_FULL, 0);
    /* System registers (0x100xxxxx) and the APB peripherals (0x101xxxxx). */
    l1[0x100] = mmu_l1_section(0x10000000u, AP_FULL, 0);
    l1[0x101] = mmu_l1_section(0x10100000u, AP_FULL, 0);
}

void mmu_enable(const u32 *l1, u32 dacr)
{
    /* The walker reads the tables from memory: push our stores out first. */
    cp15_drain_write_buffer();
    cp15_write_ttb((u32)(uintptr_t)l1);
    cp15_write_dacr(dacr);
    cp15_tlb_flush_all();
    cp15_write_sctlr(cp15_read_sctlr() | SCTLR_M);
}

void mmu_disable(void)
{
    cp15_write_sctlr(cp15_read_sctlr() & ~SCTLR_M);
    cp15_tlb_flush_all();
}

void mmu_set_entry(u32 *entry, u32 desc, u32 va)
{
    *(volatile u32 *)entry = desc;
    cp15_drain_write_buffer();
    cp15_tlb_flush_mva(va);
}
