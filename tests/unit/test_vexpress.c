/*
 * The Versatile Express boards and their motherboard devices, driven
 * through MMIO with a virtual clock the test advances by hand (1
 * instruction = 1 ns):
 *  - the V2M-P1 system registers: IDs, SYS_24MHZ against virtual time, and
 *    the configuration bus exactly as Linux's vexpress-config drives it
 *    (oscillator reads at probe, errors for missing devices, SHUTDOWN and
 *    REBOOT ending the run). A config bus that never completes, or returns
 *    zero for OSC2, leaves the armmp kernel without a console: the PL011
 *    waits forever for its clock (deferred probe);
 *  - the SP810 timer clock selects as clk-sp810 flips them;
 *  - the LAN9118 as smsc911x probes it (BYTE_TEST, ID_REV, READY, MAC
 *    address through the MAC CSRs, PHY ID through MII) and moves frames
 *    through its TX and RX FIFOs;
 *  - both boards' memory maps: each device's PrimeCell ID at its DT base,
 *    RAM regions, unmapped addresses reading as zero, GIC wiring, CBAR.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/trace.h"
#include "devices/boards/vexpress.h"
#include "devices/clock.h"
#include "devices/lan9118.h"
#include "devices/machine.h"
#include "devices/sp810.h"
#include "devices/vexpress_sysregs.h"

/* ---- fixture ---- */

struct vx_fixture {
    struct vclock clock;
    uint64_t icount;
    struct trace trace;
    int irq_level;
    unsigned irq_changes;
    enum vexpress_power_request power[4];
    unsigned power_count;
    uint8_t sent[2048];
    size_t sent_len;
    unsigned sent_count;
};

static struct vx_fixture *vx_new(void)
{
    struct vx_fixture *f = calloc(1, sizeof(*f));
    ck_assert_ptr_nonnull(f);
    vclock_init(&f->clock, 1000);   /* one instruction per ns */
    vclock_attach_counter(&f->clock, &f->icount, NULL);
    return f;
}

static void vx_advance_ns(struct vx_fixture *f, uint64_t ns)
{
    uint64_t target = f->icount + ns;
    for (;;) {
        vclock_run_due(&f->clock);
        uint64_t step = vclock_insns_to_next(&f->clock);
        if (step == UINT64_MAX || f->icount + step > target)
            break;
        f->icount += step;
    }
    f->icount = target;
    vclock_run_due(&f->clock);
}

static void vx_irq_set(void *opaque, unsigned line, int level)
{
    struct vx_fixture *f = opaque;
    (void)line;
    f->irq_level = level;
    f->irq_changes++;
}

static void vx_power(void *opaque, enum vexpress_power_request what)
{
    struct vx_fixture *f = opaque;
    if (f->power_count < 4)
        f->power[f->power_count] = what;
    f->power_count++;
}

static void vx_send(void *opaque, const uint8_t *frame, size_t len)
{
    struct vx_fixture *f = opaque;
    ck_assert_uint_le(len, sizeof(f->sent));
    memcpy(f->sent, frame, len);
    f->sent_len = len;
    f->sent_count++;
}

static uint32_t rd(struct device *dev, uint32_t offset)
{
    return dev->ops->read(dev, offset, 4);
}

static void wr(struct device *dev, uint32_t offset, uint32_t value)
{
    dev->ops->write(dev, offset, value, 4);
}

/* Guest errors go to a temporary file so a test can check there were none. */
static FILE *vx_capture(struct vx_fixture *f, uint32_t classes)
{
    FILE *log = tmpfile();
    ck_assert_ptr_nonnull(log);
    f->trace.enabled = classes;
    f->trace.out = log;
    return log;
}

static long vx_log_size(FILE *log)
{
    fflush(log);
    return ftell(log);
}

/* ---- V2M-P1 system registers ---- */

#define SYS_ID       0x00
#define SYS_LED      0x08
#define SYS_100HZ    0x24
#define SYS_FLAGS    0x30
#define SYS_FLAGSCLR 0x34
#define SYS_MCI      0x48
#define SYS_24MHZ    0x5c
#define SYS_MISC     0x60
#define SYS_PROCID0  0x84
#define SYS_PROCID1  0x88
#define SYS_CFGDATA  0xa0
#define SYS_CFGCTRL  0xa4
#define SYS_CFGSTAT  0xa8

#define CFG_START    (1u << 31)
#define CFG_WRITE    (1u << 30)
#define CFG_COMPLETE 1u
#define CFG_ERROR    2u

static uint32_t cfg_command(unsigned function, unsigned site, unsigned device)
{
    return (function << 20) | (site << 16) | device;
}

/*
 * One transfer as vexpress-config does it: clear SYS_CFGSTAT, (data for a
 * write), start, poll for completion. Returns SYS_CFGSTAT; *data gets
 * SYS_CFGDATA after a read.
 */
static uint32_t cfg_transfer(struct device *dev, uint32_t command, bool write, uint32_t *data)
{
    wr(dev, SYS_CFGSTAT, 0);
    if (write)
        wr(dev, SYS_CFGDATA, *data);
    wr(dev, SYS_CFGCTRL, CFG_START | (write ? CFG_WRITE : 0) | command);
    uint32_t status = 0;
    for (unsigned tries = 0; tries < 100 && !(status & CFG_COMPLETE); tries++)
        status = rd(dev, SYS_CFGSTAT);
    if (!write && data)
        *data = rd(dev, SYS_CFGDATA);
    return status;
}

static struct vexpress_sysregs *sysregs_new(struct vx_fixture *f,
                                            const struct vexpress_daughterboard *db)
{
    struct vexpress_sysregs *sys = vexpress_sysregs_create("sysregs", 0x10000000, db,
                                                           vx_power, f, &f->clock, &f->trace);
    ck_assert_ptr_nonnull(sys);
    return sys;
}

START_TEST(test_sysregs_ids)
{
    struct vx_fixture *f = vx_new();
    struct vexpress_sysregs *sys = sysregs_new(f, &vexpress_db_ca9);
    struct device *dev = &sys->dev;
    ck_assert_uint_eq(rd(dev, SYS_ID), 0x1190f500u);
    ck_assert_uint_eq(rd(dev, SYS_PROCID0), 0x0c000191u);
    ck_assert_uint_eq(rd(dev, SYS_PROCID1), 0xff000000u);
    /* MASTERSITE = 0: daughterboard site 1 is the master (Linux's site 0xf). */
    ck_assert_uint_eq(rd(dev, SYS_MISC), 0);
    wr(dev, SYS_LED, 0x1a5);
    ck_assert_uint_eq(rd(dev, SYS_LED), 0xa5);
    /* Secondary entry address: FLAGSSET ORs, FLAGSCLR clears. */
    wr(dev, SYS_FLAGSCLR, ~0u);
    wr(dev, SYS_FLAGS, 0x60008000);
    ck_assert_uint_eq(rd(dev, SYS_FLAGS), 0x60008000u);
    ck_assert_uint_eq(vexpress_sysregs_flags(sys), 0x60008000u);
    wr(dev, SYS_FLAGSCLR, 0x8000);
    ck_assert_uint_eq(rd(dev, SYS_FLAGS), 0x60000000u);
    /* Card detect and write protect inputs. */
    ck_assert_uint_eq(rd(dev, SYS_MCI), 0);
    vexpress_sysregs_set_mci(sys, true, true);
    ck_assert_uint_eq(rd(dev, SYS_MCI), 3);
    dev->destroy(dev);

    sys = sysregs_new(f, &vexpress_db_ca15);
    ck_assert_uint_eq(rd(&sys->dev, SYS_PROCID0), 0x14000237u);
    sys->dev.destroy(&sys->dev);
    free(f);
}
END_TEST

START_TEST(test_sysregs_counters_track_virtual_time)
{
    struct vx_fixture *f = vx_new();
    struct vexpress_sysregs *sys = sysregs_new(f, &vexpress_db_ca9);
    struct device *dev = &sys->dev;
    ck_assert_uint_eq(rd(dev, SYS_24MHZ), 0);
    vx_advance_ns(f, 1000);                     /* 1 us = 24 ticks */
    ck_assert_uint_eq(rd(dev, SYS_24MHZ), 24);
    vx_advance_ns(f, 125);                      /* 3 more */
    ck_assert_uint_eq(rd(dev, SYS_24MHZ), 27);
    vx_advance_ns(f, 1000000000ull - 1125);     /* one second in all */
    ck_assert_uint_eq(rd(dev, SYS_24MHZ), 24000000u);
    ck_assert_uint_eq(rd(dev, SYS_100HZ), 100);
    /* The counter wraps at 32 bits (179 s at 24 MHz), as Linux's sched_clock expects. */
    vx_advance_ns(f, 179000000000ull);
    ck_assert_uint_eq(rd(dev, SYS_24MHZ), (uint32_t)(180ull * 24000000u));
    dev->destroy(dev);
    free(f);
}
END_TEST

START_TEST(test_config_bus_oscillators)
{
    struct vx_fixture *f = vx_new();
    FILE *log = vx_capture(f, 1u << TRACE_GUEST_ERROR);
    struct vexpress_sysregs *sys = sysregs_new(f, &vexpress_db_ca9);
    struct device *dev = &sys->dev;
    uint32_t data = 0;

    /* The v2m:oscclk0-2 nodes (site 0) and the tile's extsaxiclk, clcdclk,
     * tcrefclk (site 1, reached as the master site). */
    static const struct { unsigned site, device; uint32_t hz; } osc[] = {
        { 0, 0, 50000000 }, { 0, 1, 23750000 }, { 0, 2, 24000000 },
        { 1, 0, 45000000 }, { 1, 1, 23750000 }, { 1, 2, 66670000 },
    };
    for (unsigned i = 0; i < sizeof(osc) / sizeof(osc[0]); i++) {
        ck_assert_uint_eq(cfg_transfer(dev, cfg_command(1, osc[i].site, osc[i].device),
                                       false, &data), CFG_COMPLETE);
        ck_assert_uint_eq(data, osc[i].hz);
    }
    /* The start bit only triggers: SYS_CFGCTRL reads the command without it. */
    ck_assert_uint_eq(rd(dev, SYS_CFGCTRL), cfg_command(1, 1, 2));

    /* clk_set_rate on the CLCD oscillator, then read back. */
    data = 25175000;
    ck_assert_uint_eq(cfg_transfer(dev, cfg_command(1, 0, 1), true, &data), CFG_COMPLETE);
    ck_assert_uint_eq(cfg_transfer(dev, cfg_command(1, 0, 1), false, &data), CFG_COMPLETE);
    ck_assert_uint_eq(data, 25175000u);
    /* Reset restores the reset frequency. */
    dev->reset(dev);
    ck_assert_uint_eq(cfg_transfer(dev, cfg_command(1, 0, 1), false, &data), CFG_COMPLETE);
    ck_assert_uint_eq(data, 23750000u);

    /* Voltages: VIO on the motherboard, the tile's supplies. */
    ck_assert_uint_eq(cfg_transfer(dev, cfg_command(2, 0, 0), false, &data), CFG_COMPLETE);
    ck_assert_uint_eq(data, 3300000u);
    ck_assert_uint_eq(cfg_transfer(dev, cfg_command(2, 1, 4), false, &data), CFG_COMPLETE);
    ck_assert_uint_eq(data, 900000u);
    /* The bus protocol itself is not a guest error. */
    ck_assert_int_eq(vx_log_size(log), 0);
    dev->destroy(dev);
    fclose(log);
    free(f);
}
END_TEST

START_TEST(test_config_bus_errors)
{
    struct vx_fixture *f = vx_new();
    struct vexpress_sysregs *sys = sysregs_new(f, &vexpress_db_ca9);
    struct device *dev = &sys->dev;
    uint32_t data = 0;
    uint32_t failed = CFG_COMPLETE | CFG_ERROR;
    /* No OSC3 on the CA9 tile, no OSC6 on the motherboard. */
    ck_assert_uint_eq(cfg_transfer(dev, cfg_command(1, 1, 3), false, &data), failed);
    ck_assert_uint_eq(cfg_transfer(dev, cfg_command(1, 0, 6), false, &data), failed);
    /* Site 2 is empty; board position and DCC other than 0 do not answer. */
    ck_assert_uint_eq(cfg_transfer(dev, cfg_command(1, 2, 0), false, &data), failed);
    ck_assert_uint_eq(cfg_transfer(dev, cfg_command(1, 0, 0) | (1u << 12), false, &data),
                      failed);
    ck_assert_uint_eq(cfg_transfer(dev, cfg_command(1, 0, 0) | (1u << 26), false, &data),
                      failed);
    /* Unmodelled and unknown functions, and reading a write-only function. */
    ck_assert_uint_eq(cfg_transfer(dev, cfg_command(4, 0, 0), false, &data), failed);
    ck_assert_uint_eq(cfg_transfer(dev, cfg_command(63, 0, 0), false, &data), failed);
    ck_assert_uint_eq(cfg_transfer(dev, cfg_command(8, 0, 0), false, &data), failed);
    /* Voltages are read-only; SHUTDOWN only exists as device 0 of site 0. */
    data = 1;
    ck_assert_uint_eq(cfg_transfer(dev, cfg_command(2, 0, 0), true, &data), failed);
    ck_assert_uint_eq(cfg_transfer(dev, cfg_command(8, 1, 0), true, &data), failed);
    ck_assert_uint_eq(f->power_count, 0);
    ck_assert_uint_eq(sys->cfg_errors, 10);
    /* The next good transfer clears the error. */
    ck_assert_uint_eq(cfg_transfer(dev, cfg_command(1, 0, 2), false, &data), CFG_COMPLETE);
    dev->destroy(dev);
    free(f);
}
END_TEST

START_TEST(test_config_bus_power_requests)
{
    struct vx_fixture *f = vx_new();
    struct vexpress_sysregs *sys = sysregs_new(f, &vexpress_db_ca15);
    struct device *dev = &sys->dev;
    uint32_t data = 0;
    /* Linux's poweroff: SYS_CFGCTRL = 0xc0800000. */
    wr(dev, SYS_CFGDATA, 0);
    wr(dev, SYS_CFGSTAT, 0);
    wr(dev, SYS_CFGCTRL, 0xc0800000u);
    ck_assert_uint_eq(rd(dev, SYS_CFGSTAT), CFG_COMPLETE);
    ck_assert_uint_eq(f->power_count, 1);
    ck_assert_int_eq(f->power[0], VEXPRESS_POWER_SHUTDOWN);
    ck_assert_uint_eq(cfg_transfer(dev, cfg_command(9, 0, 0), true, &data), CFG_COMPLETE);
    ck_assert_uint_eq(cfg_transfer(dev, cfg_command(5, 0, 0), true, &data), CFG_COMPLETE);
    ck_assert_uint_eq(f->power_count, 3);
    ck_assert_int_eq(f->power[1], VEXPRESS_POWER_REBOOT);
    ck_assert_int_eq(f->power[2], VEXPRESS_POWER_RESET);
    /* MUXFPGA and DVIMODE are stored. */
    data = 1;
    ck_assert_uint_eq(cfg_transfer(dev, cfg_command(7, 0, 0), true, &data), CFG_COMPLETE);
    data = 0;
    ck_assert_uint_eq(cfg_transfer(dev, cfg_command(7, 0, 0), false, &data), CFG_COMPLETE);
    ck_assert_uint_eq(data, 1);
    /* The CA15 tile's oscillators (OSC7: SYSCLK reference). */
    ck_assert_uint_eq(cfg_transfer(dev, cfg_command(1, 1, 7), false, &data), CFG_COMPLETE);
    ck_assert_uint_eq(data, 60000000u);
    dev->destroy(dev);
    free(f);
}
END_TEST

/* ---- SP810 ---- */

#define SCCTRL     0x000
#define SCPEREN    0x024
#define SCPERDIS   0x028
#define SCPERCLKEN 0x02c

START_TEST(test_sp810_timer_clock_selects)
{
    struct vx_fixture *f = vx_new();
    FILE *log = vx_capture(f, 1u << TRACE_GUEST_ERROR);
    struct sp810 *sc = sp810_create("sysctl", 0x10001000, &f->trace);
    ck_assert_ptr_nonnull(sc);
    struct device *dev = &sc->dev;
    /* NORMAL mode requested and reached; timers on REFCLK. */
    ck_assert_uint_eq(rd(dev, SCCTRL), 0x4u | (0x4u << 3));
    for (unsigned n = 0; n < 4; n++)
        ck_assert_uint_eq(sp810_timer_clock_select(sc, n), 0);
    /* clk-sp810 set_parent(TIMCLK) for timerclken0, 1 and 3: read-modify-write. */
    static const unsigned channels[] = { 0, 1, 3 };
    for (unsigned i = 0; i < 3; i++) {
        uint32_t value = rd(dev, SCCTRL);
        value |= 1u << (15 + 2 * channels[i]);
        wr(dev, SCCTRL, value);
    }
    ck_assert_uint_eq(rd(dev, SCCTRL) & 0x00ff8000u, (1u << 15) | (1u << 17) | (1u << 21));
    ck_assert_uint_eq(sp810_timer_clock_select(sc, 0), 1);
    ck_assert_uint_eq(sp810_timer_clock_select(sc, 1), 1);
    ck_assert_uint_eq(sp810_timer_clock_select(sc, 2), 0);
    ck_assert_uint_eq(sp810_timer_clock_select(sc, 3), 1);
    /* ModeStatus is read-only and follows ModeCtrl (SLOW). */
    wr(dev, SCCTRL, (rd(dev, SCCTRL) & ~0x7fu) | 0x2u | (0xfu << 3));
    ck_assert_uint_eq(rd(dev, SCCTRL) & 0x7fu, 0x2u | (0x2u << 3));
    /* Peripheral clock enables. */
    wr(dev, SCPERDIS, 0xf0);
    ck_assert_uint_eq(rd(dev, SCPERCLKEN), 0xffffff0fu);
    wr(dev, SCPEREN, 0x30);
    ck_assert_uint_eq(rd(dev, SCPERCLKEN), 0xffffff3fu);
    /* PrimeCell ID 0x00041810. */
    ck_assert_uint_eq(rd(dev, 0xfe0), 0x10);
    ck_assert_uint_eq(rd(dev, 0xfe4), 0x18);
    ck_assert_uint_eq(rd(dev, 0xfe8), 0x04);
    ck_assert_uint_eq(rd(dev, 0xff0), 0x0d);
    ck_assert_int_eq(vx_log_size(log), 0);
    dev->destroy(dev);
    fclose(log);
    free(f);
}
END_TEST

/* ---- LAN9118 ---- */

#define LAN_RX_DATA     0x00
#define LAN_TX_DATA     0x20
#define LAN_RX_STATUS   0x40
#define LAN_TX_STATUS   0x48
#define LAN_ID_REV      0x50
#define LAN_IRQ_CFG     0x54
#define LAN_INT_STS     0x58
#define LAN_INT_EN      0x5c
#define LAN_BYTE_TEST   0x64
#define LAN_FIFO_INT    0x68
#define LAN_RX_CFG      0x6c
#define LAN_TX_CFG      0x70
#define LAN_HW_CFG      0x74
#define LAN_RX_DP_CTRL  0x78
#define LAN_RX_FIFO_INF 0x7c
#define LAN_TX_FIFO_INF 0x80
#define LAN_PMT_CTRL    0x84
#define LAN_GPT_CFG     0x8c
#define LAN_GPT_CNT     0x90
#define LAN_FREE_RUN    0x9c
#define LAN_RX_DROP     0xa0
#define LAN_MAC_CMD     0xa4
#define LAN_MAC_DATA    0xa8
#define LAN_E2P_CMD     0xb0

#define MAC_CR          1
#define MAC_ADDRH       2
#define MAC_ADDRL       3
#define MAC_MII_ACC     6
#define MAC_MII_DATA    7

#define INT_SW          (1u << 31)
#define INT_TX_IOC      (1u << 21)
#define INT_GPT         (1u << 19)
#define INT_RSFL        (1u << 3)

static struct lan9118 *lan_new(struct vx_fixture *f)
{
    struct net_backend backend = { vx_send, f };
    struct lan9118 *nic = lan9118_create("eth", 0x4e000000,
                                         irq_line_make(vx_irq_set, f, 0), NULL, backend,
                                         &f->clock, &f->trace);
    ck_assert_ptr_nonnull(nic);
    return nic;
}

static uint32_t mac_read(struct device *dev, unsigned index)
{
    wr(dev, LAN_MAC_CMD, (1u << 31) | (1u << 30) | index);
    ck_assert_uint_eq(rd(dev, LAN_MAC_CMD) & (1u << 31), 0);    /* not busy */
    return rd(dev, LAN_MAC_DATA);
}

static void mac_write(struct device *dev, unsigned index, uint32_t value)
{
    wr(dev, LAN_MAC_DATA, value);
    wr(dev, LAN_MAC_CMD, (1u << 31) | index);
}

static uint16_t mii_read(struct device *dev, unsigned phy, unsigned reg)
{
    mac_write(dev, MAC_MII_ACC, (phy << 11) | (reg << 6) | 1u);
    ck_assert_uint_eq(mac_read(dev, MAC_MII_ACC) & 1u, 0);      /* MIIBZY clear */
    return (uint16_t)mac_read(dev, MAC_MII_DATA);
}

START_TEST(test_lan9118_probe)
{
    struct vx_fixture *f = vx_new();
    FILE *log = vx_capture(f, 1u << TRACE_GUEST_ERROR);
    struct lan9118 *nic = lan_new(f);
    struct device *dev = &nic->dev;
    /* The registers repeat through the 64 KiB window. */
    ck_assert_uint_eq(rd(dev, LAN_BYTE_TEST), 0x87654321u);
    ck_assert_uint_eq(rd(dev, 0x100 + LAN_BYTE_TEST), 0x87654321u);
    ck_assert_uint_eq(rd(dev, LAN_ID_REV), 0x01180001u);
    ck_assert_uint_eq(rd(dev, LAN_PMT_CTRL) & 1u, 1u);              /* READY */
    ck_assert_uint_eq(rd(dev, LAN_HW_CFG), 0x00050004u);            /* TX_FIF_SZ 5, 32-bit */
    ck_assert_uint_eq(rd(dev, LAN_TX_FIFO_INF) & 0xffffu, 4608);
    /* Soft reset self-clears. */
    wr(dev, LAN_HW_CFG, 1);
    ck_assert_uint_eq(rd(dev, LAN_HW_CFG) & 1u, 0);
    /* The MAC address from the EEPROM (QEMU's default 52:54:00:12:34:56). */
    ck_assert_uint_eq(rd(dev, LAN_E2P_CMD) & (1u << 8), 1u << 8);
    ck_assert_uint_eq(mac_read(dev, MAC_ADDRL), 0x12005452u);
    ck_assert_uint_eq(mac_read(dev, MAC_ADDRH), 0x5634u);
    ck_assert_uint_eq(mac_read(dev, MAC_CR), 1u << 18);             /* PRMS at reset */
    /* smsc911x writes its own address back. */
    mac_write(dev, MAC_ADDRL, 0x33221100u);
    mac_write(dev, MAC_ADDRH, 0x5544u);
    ck_assert_uint_eq(mac_read(dev, MAC_ADDRL), 0x33221100u);
    ck_assert_uint_eq(mac_read(dev, MAC_ADDRH), 0x5544u);
    /* The internal PHY at MII address 1; nothing elsewhere. */
    ck_assert_uint_eq(mii_read(dev, 1, 2), 0x0007);
    ck_assert_uint_eq(mii_read(dev, 1, 3), 0xc0d1);
    ck_assert_uint_eq(mii_read(dev, 1, 1) & 0x0024, 0x0024);       /* link, aneg done */
    ck_assert_uint_eq(mii_read(dev, 2, 2), 0xffff);
    /* The software interrupt, active-high push-pull as the DT asks. */
    ck_assert_int_eq(f->irq_level, 1);          /* active-low pin idles high */
    wr(dev, LAN_IRQ_CFG, (1u << 8) | (1u << 4) | 1u);
    ck_assert_int_eq(f->irq_level, 0);
    wr(dev, LAN_INT_EN, INT_SW);
    ck_assert_uint_eq(rd(dev, LAN_INT_STS) & INT_SW, INT_SW);
    ck_assert_int_eq(f->irq_level, 1);
    wr(dev, LAN_INT_STS, INT_SW);
    ck_assert_int_eq(f->irq_level, 0);
    ck_assert_int_eq(vx_log_size(log), 0);
    dev->destroy(dev);
    fclose(log);
    free(f);
}
END_TEST

/* Writes one frame as a single buffer with a 2-byte start offset. */
static void lan_tx_frame(struct device *dev, const uint8_t *frame, unsigned len, uint16_t tag)
{
    unsigned offset = 2;
    wr(dev, LAN_TX_DATA, (1u << 31) | (offset << 16) | (1u << 13) | (1u << 12) | len);
    wr(dev, LAN_TX_DATA, ((uint32_t)tag << 16) | len);
    unsigned words = (offset + len + 3) / 4;
    for (unsigned w = 0; w < words; w++) {
        uint32_t value = 0;
        for (unsigned b = 0; b < 4; b++) {
            unsigned pos = w * 4 + b;
            if (pos >= offset && pos - offset < len)
                value |= (uint32_t)frame[pos - offset] << (8 * b);
        }
        wr(dev, LAN_TX_DATA, value);
    }
}

START_TEST(test_lan9118_tx_rx)
{
    struct vx_fixture *f = vx_new();
    FILE *log = vx_capture(f, 1u << TRACE_GUEST_ERROR);
    struct lan9118 *nic = lan_new(f);
    struct device *dev = &nic->dev;
    uint8_t frame[64];
    for (unsigned i = 0; i < sizeof(frame); i++)
        frame[i] = (uint8_t)(i * 7 + 1);
    memcpy(frame, "\x52\x54\x00\x12\x34\x56", 6);       /* to us */

    /* Transmitter and receiver on, as smsc911x_open does. */
    mac_write(dev, MAC_CR, mac_read(dev, MAC_CR) | (1u << 3) | (1u << 2));
    wr(dev, LAN_TX_CFG, 1u << 1);
    wr(dev, LAN_INT_EN, INT_TX_IOC | INT_RSFL);

    lan_tx_frame(dev, frame, 61, 0xbeef);
    ck_assert_uint_eq(f->sent_count, 1);
    ck_assert_uint_eq(f->sent_len, 61);
    ck_assert_mem_eq(f->sent, frame, 61);
    ck_assert_uint_eq(rd(dev, LAN_TX_FIFO_INF), (1u << 16) | 4608u);
    ck_assert_uint_eq(rd(dev, LAN_TX_STATUS), 0xbeef0000u);
    ck_assert_uint_eq(rd(dev, LAN_INT_STS) & INT_TX_IOC, INT_TX_IOC);
    wr(dev, LAN_INT_STS, INT_TX_IOC);

    /* Receive: status, then the frame and its FCS, no offset, 4-byte alignment. */
    ck_assert_int_eq(lan9118_receive(nic, frame, 61), 0);
    ck_assert_uint_eq(rd(dev, LAN_INT_STS) & INT_RSFL, INT_RSFL);
    ck_assert_uint_eq(rd(dev, LAN_RX_FIFO_INF), (1u << 16) | 68u);
    uint32_t status = rd(dev, LAN_RX_STATUS);
    ck_assert_uint_eq(status >> 16, 65);        /* 61 bytes + FCS */
    uint8_t got[68];
    for (unsigned w = 0; w < 17; w++) {
        uint32_t value = rd(dev, LAN_RX_DATA);
        for (unsigned b = 0; b < 4; b++)
            got[w * 4 + b] = (uint8_t)(value >> (8 * b));
    }
    ck_assert_mem_eq(got, frame, 61);
    /* The FCS of 61 bytes: the CRC-32 residue over frame + FCS is constant. */
    uint32_t crc = 0xffffffffu;
    for (unsigned i = 0; i < 65; i++) {
        crc ^= got[i];
        for (unsigned bit = 0; bit < 8; bit++)
            crc = (crc >> 1) ^ ((crc & 1) ? 0xedb88320u : 0);
    }
    ck_assert_uint_eq(crc, 0xdebb20e3u);
    ck_assert_uint_eq(rd(dev, LAN_RX_FIFO_INF), 0);

    /* Not for us once promiscuous mode is off; broadcast still is. */
    mac_write(dev, MAC_CR, mac_read(dev, MAC_CR) & ~(1u << 18));
    frame[0] = 0x02;
    ck_assert_int_eq(lan9118_receive(nic, frame, 61), 1);
    memset(frame, 0xff, 6);
    ck_assert_int_eq(lan9118_receive(nic, frame, 61), 0);
    ck_assert_uint_eq(rd(dev, LAN_RX_STATUS) & (1u << 13), 1u << 13);  /* broadcast */
    /* Fast-forward over its data. */
    wr(dev, LAN_RX_DP_CTRL, 1u << 31);
    ck_assert_uint_eq(rd(dev, LAN_RX_FIFO_INF), 0);

    /* Receiver off: frames are refused. */
    mac_write(dev, MAC_CR, mac_read(dev, MAC_CR) & ~(1u << 2));
    ck_assert_int_lt(lan9118_receive(nic, frame, 61), 0);
    ck_assert_int_eq(vx_log_size(log), 0);
    dev->destroy(dev);
    fclose(log);
    free(f);
}
END_TEST

START_TEST(test_lan9118_rx_full_and_timers)
{
    struct vx_fixture *f = vx_new();
    struct lan9118 *nic = lan_new(f);
    struct device *dev = &nic->dev;
    uint8_t frame[1514];
    memset(frame, 0xff, sizeof(frame));
    mac_write(dev, MAC_CR, mac_read(dev, MAC_CR) | (1u << 2));
    /* 10560 bytes of RX data FIFO hold six full-size frames. */
    unsigned stored = 0;
    while (lan9118_receive(nic, frame, sizeof(frame)) == 0)
        stored++;
    ck_assert_uint_eq(stored, 6);
    ck_assert(!lan9118_can_receive(nic));
    ck_assert_uint_eq(rd(dev, LAN_RX_DROP), 1);
    ck_assert_uint_eq(rd(dev, LAN_RX_DROP), 0);     /* cleared on read */
    /* RX_DUMP empties both FIFOs. */
    wr(dev, LAN_RX_CFG, 1u << 15);
    ck_assert_uint_eq(rd(dev, LAN_RX_FIFO_INF), 0);
    ck_assert(lan9118_can_receive(nic));

    /* FREE_RUN counts at 25 MHz. */
    uint32_t start = rd(dev, LAN_FREE_RUN);
    vx_advance_ns(f, 1000);
    ck_assert_uint_eq(rd(dev, LAN_FREE_RUN) - start, 25);
    /* GPT: 10 kHz down-counter, GPT_INT when it passes zero. */
    wr(dev, LAN_INT_EN, INT_GPT);
    wr(dev, LAN_GPT_CFG, (1u << 29) | 10);
    vx_advance_ns(f, 300000);                       /* 3 ticks */
    ck_assert_uint_eq(rd(dev, LAN_GPT_CNT), 7);
    ck_assert_uint_eq(rd(dev, LAN_INT_STS) & INT_GPT, 0);
    vx_advance_ns(f, 800000);                       /* 11 ticks: past zero */
    ck_assert_uint_eq(rd(dev, LAN_GPT_CNT), 0xffff);
    ck_assert_uint_eq(rd(dev, LAN_INT_STS) & INT_GPT, INT_GPT);
    dev->destroy(dev);
    free(f);
}
END_TEST

/* ---- the boards ---- */

static int vx_machine_new(struct machine *m, const char *board)
{
    struct machine_config cfg;
    memset(&cfg, 0, sizeof(cfg));
    cfg.board = board;
    cfg.memory = 64u << 20;
    cfg.cpus = 1;
    cfg.mhz = 100;
    return machine_create(m, &cfg);
}

static uint32_t phys_read(struct machine *m, uint32_t pa)
{
    uint32_t value = 0xdeadbeef;
    aspace_read(&m->as, pa, 4, &value);
    return value;
}

static void phys_write(struct machine *m, uint32_t pa, uint32_t value)
{
    aspace_write(&m->as, pa, 4, value);
}

struct vx_expect {
    const char *name;
    uint32_t base;
    uint32_t id0;       /* PeriphID0 at +0xfe0 */
};

static void vx_check_map(struct machine *m, const struct vx_expect *expect, unsigned count)
{
    for (unsigned i = 0; i < count; i++) {
        struct device *dev = machine_find_device(m, expect[i].name);
        ck_assert_msg(dev != NULL, "no device %s", expect[i].name);
        ck_assert_uint_eq(dev->base, expect[i].base);
        ck_assert_msg(phys_read(m, expect[i].base + 0xfe0) == expect[i].id0,
                      "%s: PeriphID0 0x%x", expect[i].name,
                      phys_read(m, expect[i].base + 0xfe0));
        ck_assert_uint_eq(phys_read(m, expect[i].base + 0xff0), 0x0d);
    }
}

START_TEST(test_board_vexpress_a9_map)
{
    struct machine *m = calloc(1, sizeof(*m));
    ck_assert_int_eq(vx_machine_new(m, "vexpress-a9"), 0);
    ck_assert_ptr_eq(board_find("vexpress-a9"), &board_vexpress_a9);
    ck_assert_uint_eq(board_vexpress_a9.linux_machine_type, 0x8e0);
    ck_assert_uint_eq(m->ram_base, 0x60000000u);
    ck_assert_uint_eq(m->cpu_count, 1);
    ck_assert_uint_eq(m->cpu[0].cp15.cbar, 0x1e000000u);

    static const struct vx_expect expect[] = {
        { "sysctl", 0x10001000, 0x10 }, { "mmci", 0x10005000, 0x81 },
        { "kmi0", 0x10006000, 0x50 },   { "kmi1", 0x10007000, 0x50 },
        { "uart0", 0x10009000, 0x11 },  { "uart1", 0x1000a000, 0x11 },
        { "uart2", 0x1000b000, 0x11 },  { "uart3", 0x1000c000, 0x11 },
        { "timer01", 0x10011000, 0x04 }, { "timer23", 0x10012000, 0x04 },
        { "rtc", 0x10017000, 0x31 },    { "clcd", 0x1001f000, 0x11 },
        { "clcd-db", 0x10020000, 0x11 }, { "timer-db", 0x100e4000, 0x04 },
    };
    vx_check_map(m, expect, sizeof(expect) / sizeof(expect[0]));
    ck_assert_uint_eq(phys_read(m, 0x10000000), 0x1190f500u);         /* SYS_ID */
    ck_assert_uint_eq(phys_read(m, 0x10000084), 0x0c000191u);         /* SYS_PROCID0 */
    ck_assert_uint_eq(phys_read(m, 0x4e000064), 0x87654321u);         /* LAN9118 */
    /* SCU configuration: one CPU. GIC distributor: 96 interrupt IDs. */
    ck_assert_uint_eq(phys_read(m, 0x1e000004) & 3, 0);
    ck_assert_uint_eq(phys_read(m, 0x1e001004) & 0x1f, 2);
    ck_assert_ptr_nonnull(machine_find_device(m, "l2cc"));
    /* Absent devices read as zero: the SP805 watchdogs, the AACI, NOR flash. */
    ck_assert_uint_eq(phys_read(m, 0x1000ffe0), 0);
    ck_assert_uint_eq(phys_read(m, 0x100e5fe0), 0);
    ck_assert_uint_eq(phys_read(m, 0x10004fe0), 0);
    ck_assert_uint_eq(phys_read(m, 0x40000000), 0);
    /* PSRAM and video RAM are RAM. */
    phys_write(m, 0x48000000 + (32u << 20) - 4, 0x12345678);
    ck_assert_uint_eq(phys_read(m, 0x48000000 + (32u << 20) - 4), 0x12345678u);
    phys_write(m, 0x4c7ffffc, 0xcafef00d);
    ck_assert_uint_eq(phys_read(m, 0x4c7ffffc), 0xcafef00du);
    /* Console input is UART0. */
    ck_assert_uint_eq(m->serial_count, 4);
    ck_assert_ptr_eq(m->serial_in[0].opaque, machine_find_device(m, "uart0"));
    machine_destroy(m);
    free(m);
}
END_TEST

START_TEST(test_board_vexpress_a15_map)
{
    struct machine *m = calloc(1, sizeof(*m));
    ck_assert_int_eq(vx_machine_new(m, "vexpress-a15"), 0);
    ck_assert_ptr_eq(board_find("vexpress-a15"), &board_vexpress_a15);
    ck_assert_uint_eq(m->ram_base, 0x80000000u);
    ck_assert_uint_eq(m->cpu[0].cp15.cbar, 0x2c000000u);
    ck_assert_ptr_nonnull(m->cpu[0].gtimer);

    static const struct vx_expect expect[] = {
        { "sysctl", 0x1c020000, 0x10 }, { "mmci", 0x1c050000, 0x81 },
        { "kmi0", 0x1c060000, 0x50 },   { "kmi1", 0x1c070000, 0x50 },
        { "uart0", 0x1c090000, 0x11 },  { "uart1", 0x1c0a0000, 0x11 },
        { "uart2", 0x1c0b0000, 0x11 },  { "uart3", 0x1c0c0000, 0x11 },
        { "timer01", 0x1c110000, 0x04 }, { "timer23", 0x1c120000, 0x04 },
        { "rtc", 0x1c170000, 0x31 },    { "clcd", 0x1c1f0000, 0x11 },
    };
    vx_check_map(m, expect, sizeof(expect) / sizeof(expect[0]));
    ck_assert_uint_eq(phys_read(m, 0x1c010000), 0x1190f500u);
    ck_assert_uint_eq(phys_read(m, 0x1c010084), 0x14000237u);
    ck_assert_uint_eq(phys_read(m, 0x1a000050), 0x01180001u);
    /* GIC-400: 160 interrupt IDs; the CPU interface's IIDR says GICv2. */
    ck_assert_uint_eq(phys_read(m, 0x2c001004) & 0x1f, 4);
    ck_assert_uint_eq((phys_read(m, 0x2c0020fc) >> 16) & 0xf, 2);
    /* 64 KiB SRAM; the virtual GIC interfaces are absent. */
    phys_write(m, 0x2e00fffc, 0x5a5a5a5a);
    ck_assert_uint_eq(phys_read(m, 0x2e00fffc), 0x5a5a5a5au);
    ck_assert_uint_eq(phys_read(m, 0x2c004000), 0);
    ck_assert_uint_eq(phys_read(m, 0x1c0f0fe0), 0);
    machine_destroy(m);
    free(m);
}
END_TEST

START_TEST(test_board_wiring_and_power_off)
{
    static const struct {
        const char *board;
        uint32_t gicd, gicc, uart0, sysregs;
    } boards[] = {
        { "vexpress-a9", 0x1e001000, 0x1e000100, 0x10009000, 0x10000000 },
        { "vexpress-a15", 0x2c001000, 0x2c002000, 0x1c090000, 0x1c010000 },
    };
    for (unsigned i = 0; i < 2; i++) {
        struct machine *m = calloc(1, sizeof(*m));
        ck_assert_int_eq(vx_machine_new(m, boards[i].board), 0);
        struct arm_cpu *cpu = &m->cpu[0];
        /* UART0 TX interrupt -> SPI 5 (ID 37) -> CPU IRQ. */
        phys_write(m, boards[i].gicd + 0x000, 1);               /* GICD_CTLR */
        phys_write(m, boards[i].gicd + 0x104, 1u << 5);         /* ISENABLER1: ID 37 */
        phys_write(m, boards[i].gicd + 0x824, 0x00000100u);     /* ITARGETSR9: ID 37 */
        phys_write(m, boards[i].gicc + 0x000, 1);               /* GICC_CTLR */
        phys_write(m, boards[i].gicc + 0x004, 0xf0);            /* GICC_PMR */
        phys_write(m, boards[i].uart0 + 0x038, 1u << 5);        /* UARTIMSC: TX */
        phys_write(m, boards[i].uart0 + 0x000, 'A');
        ck_assert_int_eq(cpu->irq_line, 1);
        ck_assert_uint_eq(phys_read(m, boards[i].gicc + 0x00c) & 0x3ff, 37);   /* IAR */
        phys_write(m, boards[i].uart0 + 0x044, 1u << 5);        /* UARTICR */
        phys_write(m, boards[i].gicc + 0x010, 37);              /* EOIR */
        ck_assert_int_eq(cpu->irq_line, 0);

        /* Linux's poweroff on the config bus ends the run. */
        ck_assert(!m->shutdown_requested);
        phys_write(m, boards[i].sysregs + SYS_CFGDATA, 0);
        phys_write(m, boards[i].sysregs + SYS_CFGSTAT, 0);
        phys_write(m, boards[i].sysregs + SYS_CFGCTRL, 0xc0800000u);
        ck_assert_uint_eq(phys_read(m, boards[i].sysregs + SYS_CFGSTAT), CFG_COMPLETE);
        ck_assert(m->shutdown_requested);
        ck_assert_int_eq(m->shutdown_status, 0);
        ck_assert_str_eq(m->shutdown_why, "guest power-off via the config bus");

        /* reboot -f: function 9. */
        m->shutdown_requested = false;
        phys_write(m, boards[i].sysregs + SYS_CFGCTRL, 0xc0900000u);
        ck_assert(m->shutdown_requested);
        ck_assert_int_eq(m->shutdown_status, 0);
        ck_assert_str_eq(m->shutdown_why, "guest reboot via the config bus");
        machine_destroy(m);
        free(m);
    }
}
END_TEST

START_TEST(test_board_config_limits)
{
    struct machine *m = calloc(1, sizeof(*m));
    struct machine_config cfg;
    memset(&cfg, 0, sizeof(cfg));
    cfg.board = "vexpress-a9";
    cfg.memory = 2048ull << 20;         /* above the CA9's 1 GiB window */
    ck_assert_int_lt(machine_create(m, &cfg), 0);
    cfg.memory = 64u << 20;
    cfg.disk[1].image = "/nonexistent";  /* one card slot only */
    ck_assert_int_lt(machine_create(m, &cfg), 0);
    cfg.disk[1].image = NULL;
    cfg.cpus = 5;                       /* the MPCore tiles have at most four */
    ck_assert_int_lt(machine_create(m, &cfg), 0);
    cfg.cpus = 0;
    cfg.memory = 0;                     /* default */
    ck_assert_int_eq(machine_create(m, &cfg), 0);
    ck_assert_uint_eq(m->ram_size, 128u << 20);
    machine_destroy(m);
    free(m);
}
END_TEST

Suite *vexpress_suite(void)
{
    Suite *s = suite_create("vexpress");
    TCase *tc = tcase_create("sysregs");
    tcase_add_test(tc, test_sysregs_ids);
    tcase_add_test(tc, test_sysregs_counters_track_virtual_time);
    tcase_add_test(tc, test_config_bus_oscillators);
    tcase_add_test(tc, test_config_bus_errors);
    tcase_add_test(tc, test_config_bus_power_requests);
    suite_add_tcase(s, tc);
    tc = tcase_create("sp810");
    tcase_add_test(tc, test_sp810_timer_clock_selects);
    suite_add_tcase(s, tc);
    tc = tcase_create("lan9118");
    tcase_add_test(tc, test_lan9118_probe);
    tcase_add_test(tc, test_lan9118_tx_rx);
    tcase_add_test(tc, test_lan9118_rx_full_and_timers);
    suite_add_tcase(s, tc);
    tc = tcase_create("boards");
    tcase_add_test(tc, test_board_vexpress_a9_map);
    tcase_add_test(tc, test_board_vexpress_a15_map);
    tcase_add_test(tc, test_board_wiring_and_power_off);
    tcase_add_test(tc, test_board_config_limits);
    suite_add_tcase(s, tc);
    return s;
}
