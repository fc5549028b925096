/*
 * Versatile Express (V2P-CA15) board hooks (board.h).
 *
 * Vectors: address 0 is NOR flash on this board, so the table goes to the
 * start of RAM and VBAR points there (ARM ARM DDI 0406C B1.8.1 "Exception
 * vectors and the exception base address": with SCTLR.V = 0 the vectors
 * are at VBAR; VBAR[4:0] are reserved, 32-byte alignment).
 *
 * Power-off: the motherboard configuration bus function SHUTDOWN (V2M-P1
 * TRM 4.3.19-4.3.21, what Linux's vexpress-poweroff driver writes):
 * SYS_CFGDATA = 0, clear SYS_CFGSTAT, then SYS_CFGCTRL = start | write |
 * function 8, site 0 (motherboard), position 0, device 0.
 */
#include "runtime.h"

void board_init(void)
{
    exc_install_vectors(BOARD_VECTOR_BASE);
    cp15_vbar_write(BOARD_VECTOR_BASE);
    isb();
    uart_init();
}

void board_power_off(void)
{
    mmio_write32(VE_SYS_CFGDATA, 0);
    mmio_write32(VE_SYS_CFGSTAT, 0);
    mmio_write32(VE_SYS_CFGCTRL, VE_CFGCTRL_START | VE_CFGCTRL_WRITE |
                 VE_CFGCTRL_FUNC(VE_CFG_FUNC_SHUTDOWN));
    /* The emulators stop at their next scheduling point: wait for it. */
    for (;;)
        cp15_wfi();
}
