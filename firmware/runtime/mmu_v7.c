/*
 * ARMv7 MMU helpers (descriptors in mmu_v7.h; ARM ARM DDI 0406C B3.10.1
 * "General TLB maintenance requirements" for the barrier sequences, B3.5
 * for the table formats, B4.1.153-155 TTBCR/TTBR0/TTBR1).
 */
#include "runtime.h"

void v7_identity_map(u32 *l1)
{
    const struct v7_attr ram = { .ap = V7_AP_FULL, .type = V7_MT_NORMAL_NC, .s = true };
    const struct v7_attr dev = { .ap = V7_AP_FULL, .type = V7_MT_DEVICE, .xn = true };

    for (unsigned i = 0; i < 4096; i++)
        l1[i] = 0;
    for (u32 mb = 0; mb < (BOARD_RAM_TEST_SIZE >> 20); mb++) {
        u32 pa = BOARD_RAM_BASE + (mb << 20);
        l1[pa >> 20] = v7_l1_section(pa, &ram);
    }
    l1[VE_SYS_BASE >> 20] = v7_l1_section(VE_SYS_BASE, &dev);          /* 0x1c0xxxxx */
    l1[VE_TIMER01_BASE >> 20] = v7_l1_section(VE_TIMER01_BASE, &dev);  /* 0x1c1xxxxx */
    l1[VE_GICD_BASE >> 20] = v7_l1_section(VE_GICD_BASE, &dev);        /* 0x2c0xxxxx */
}

void v7_tlb_flush_all(void)
{
    dsb();
    cp15_tlbiall(0);
    dsb();
    isb();
}

void v7_mmu_enable(const u32 *l1, u32 dacr)
{
    /* The walker reads the tables from memory: complete our stores first. */
    dsb();
    cp15_ttbcr_write(0);
    cp15_ttbr0_write((u32)(uintptr_t)l1);
    cp15_write_dacr(dacr);
    isb();
    v7_tlb_flush_all();
    cp15_write_sctlr(cp15_read_sctlr() | SCTLR_M);
    isb();
}

void v7_mmu_disable(void)
{
    cp15_write_sctlr(cp15_read_sctlr() & ~SCTLR_M);
    isb();
    v7_tlb_flush_all();
}

void v7_set_entry(u32 *entry, u32 desc, u32 va)
{
    *(volatile u32 *)entry = desc;
    dsb();
    cp15_tlbimvaa(va & 0xfffff000u);
    dsb();
    isb();
}
