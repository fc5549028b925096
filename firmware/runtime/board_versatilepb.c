/*
 * Versatile PB board hooks (board.h): vectors at address 0, power-off by
 * SYS_RESETCTL (the board has no power-off; a reset under -no-reboot ends
 * QEMU, and armhv-emu exits on it).
 */
#include "runtime.h"

void board_init(void)
{
    /* Exception vectors at 0: SCTLR.V is 0 after reset. */
    exc_install_vectors(BOARD_VECTOR_BASE);
    uart_init();
}

void board_power_off(void)
{
    mmio_write32(VPB_SYS_LOCK, VPB_SYS_LOCK_KEY);
    mmio_write32(VPB_SYS_RESETCTL, VPB_SYS_RESET_PUSH);
    /* The reset is asynchronous in the emulators: wait for it. */
    for (;;)
        cp15_wfi();
}
