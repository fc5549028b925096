/*
 * SMSC LAN9118 high-performance single-chip 10/100 Ethernet controller
 * (LAN9118 data sheet, "Register Description", "FIFO Ports", "PHY
 * Registers"; QEMU hw/net/lan9118.c for what Linux's smsc911x expects), as
 * on the Versatile Express motherboard, interrupt on SPI 15.
 *
 * MMIO: the chip decodes A[7:2], so its 256 bytes of registers repeat
 * through the board's 64 KiB window. 32-bit accesses only (the board
 * wires the chip in 32-bit mode; the DT says reg-io-width = 4):
 *   0x00-0x1c RX data FIFO port        0x20-0x3c TX data FIFO port
 *   0x40 RX status FIFO port, 0x44 peek 0x48 TX status FIFO port, 0x4c peek
 *   0x50 ID_REV (0x01180001)  0x54 IRQ_CFG  0x58 INT_STS  0x5c INT_EN
 *   0x64 BYTE_TEST (0x87654321)  0x68 FIFO_INT  0x6c RX_CFG  0x70 TX_CFG
 *   0x74 HW_CFG  0x78 RX_DP_CTRL  0x7c RX_FIFO_INF  0x80 TX_FIFO_INF
 *   0x84 PMT_CTRL  0x88 GPIO_CFG  0x8c GPT_CFG  0x90 GPT_CNT  0x98 WORD_SWAP
 *   0x9c FREE_RUN  0xa0 RX_DROP  0xa4 MAC_CSR_CMD  0xa8 MAC_CSR_DATA
 *   0xac AFC_CFG  0xb0 E2P_CMD  0xb4 E2P_DATA
 * MAC registers (through MAC_CSR_CMD/DATA): MAC_CR, ADDRH, ADDRL, HASHH,
 * HASHL, MII_ACC, MII_DATA, FLOW, VLAN1, VLAN2, WUFF, WUCSR. The internal
 * PHY answers at MII address 1 (other addresses read 0xffff: no PHY).
 * Output: the IRQ pin, asserted while IRQ_EN and (INT_STS & INT_EN); it is
 * driven high when asserted only when IRQ_CFG selects active-high
 * push-pull (what the DT's smsc,irq-active-high/-push-pull ask for),
 * otherwise it is active low, as QEMU models it.
 *
 * Transmit: each buffer is TX command A (IOC, end alignment, data start
 * offset, first/last segment, buffer size), TX command B (packet tag,
 * packet length), then the data DWORDs, offset and end-alignment padding
 * included. When the last segment is complete the frame goes to the
 * backend (or loops back to the receiver with MAC_CR LOOPBK or the PHY's
 * loopback) and its status word (tag in bits 31:16) is queued. Receive:
 * a frame that passes the filter (perfect or hash filtering per MAC_CR,
 * broadcast, promiscuous, pass-all-multicast, RXALL) is stored as the
 * RX_CFG data offset, the frame, its 4-byte FCS and end-alignment padding;
 * its status word (length with FCS, broadcast/multicast, filter fail) goes
 * to the RX status FIFO. The transfers complete at once: MAC_CSR_CMD,
 * MII_ACC and E2P_CMD never read busy, PMT_CTRL reads READY, HW_CFG SRST
 * self-clears after a soft reset.
 *
 * FIFO level interrupts RSFL (RX status count above FIFO_INT[7:0]), TSFL
 * (TX status count above FIFO_INT[23:16]) and TDFA (TX data free space
 * above FIFO_INT[31:24] x 64 bytes) are raised when the FIFO changes.
 * The general-purpose timer counts down at 10 kHz and raises GPT_INT when
 * it passes zero; FREE_RUN counts at 25 MHz from reset (virtual time).
 *
 * Not modelled: collisions, flow control and pause frames (FLOW and
 * AFC_CFG are stored), VLAN tag length checks, wake-up frames and the
 * power-management states (stored), GPIOs and LEDs (GPIO_CFG stored), the
 * interrupt deassertion interval, the 16-bit bus mode and WORD_SWAP
 * (stored), frame CRCs on transmit (the backend gets frames without FCS).
 * A frame completed while the transmitter is off (TX_ON or MAC_CR TXEN
 * clear) is dropped instead of waiting in the FIFO, and a full TX status
 * FIFO drops the status (TXSO_INT) instead of stalling the transmitter.
 */
#include "devices/lan9118.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/trace.h"
#include "devices/machine_snapshot.h"

#define LAN_REGS_MASK 0xffu

/* System control and status registers (data sheet table 5-1). */
#define RX_DATA_FIFO      0x00  /* ..0x1c */
#define TX_DATA_FIFO      0x20  /* ..0x3c */
#define RX_STATUS_FIFO    0x40
#define RX_STATUS_PEEK    0x44
#define TX_STATUS_FIFO    0x48
#define TX_STATUS_PEEK    0x4c
#define ID_REV            0x50
#define IRQ_CFG           0x54
#define INT_STS           0x58
#define INT_EN            0x5c
#define BYTE_TEST         0x64
#define FIFO_INT          0x68
#define RX_CFG            0x6c
#define TX_CFG            0x70
#define HW_CFG            0x74
#define RX_DP_CTRL        0x78
#define RX_FIFO_INF       0x7c
#define TX_FIFO_INF       0x80
#define PMT_CTRL          0x84
#define GPIO_CFG          0x88
#define GPT_CFG           0x8c
#define GPT_CNT           0x90
#define WORD_SWAP         0x98
#define FREE_RUN          0x9c
#define RX_DROP           0xa0
#define MAC_CSR_CMD       0xa4
#define MAC_CSR_DATA      0xa8
#define AFC_CFG           0xac
#define E2P_CMD           0xb0
#define E2P_DATA          0xb4

#define ID_REV_VALUE      0x01180001u   /* chip 0x0118, revision 1 */
#define BYTE_TEST_VALUE   0x87654321u

/* IRQ_CFG */
#define IRQ_CFG_INT_DEAS_MASK (0xffu << 24)
#define IRQ_CFG_DEAS_CLR  (1u << 14)
#define IRQ_CFG_IRQ_INT   (1u << 12)    /* RO: the internal interrupt */
#define IRQ_CFG_IRQ_EN    (1u << 8)
#define IRQ_CFG_IRQ_POL   (1u << 4)     /* 1: active high */
#define IRQ_CFG_IRQ_TYPE  (1u << 0)     /* 1: push-pull */

/* INT_STS / INT_EN */
#define INT_SW            (1u << 31)
#define INT_TXSTOP        (1u << 25)
#define INT_RXSTOP        (1u << 24)
#define INT_RXDFH         (1u << 23)
#define INT_TX_IOC        (1u << 21)
#define INT_RXD           (1u << 20)
#define INT_GPT           (1u << 19)
#define INT_PHY           (1u << 18)
#define INT_PME           (1u << 17)
#define INT_TXSO          (1u << 16)
#define INT_RWT           (1u << 15)
#define INT_RXE           (1u << 14)
#define INT_TXE           (1u << 13)
#define INT_TDFU          (1u << 11)
#define INT_TDFO          (1u << 10)
#define INT_TDFA          (1u << 9)
#define INT_TSFF          (1u << 8)
#define INT_TSFL          (1u << 7)
#define INT_RXDF          (1u << 6)
#define INT_RSFF          (1u << 4)
#define INT_RSFL          (1u << 3)
#define INT_GPIO_MASK     0x7u
#define INT_VALID         0x83ffefffu   /* writable enables (reserved bits read 0) */

/* FIFO_INT levels */
#define FIFO_INT_TDAL_SHIFT 24          /* TX data available level, 64-byte units */
#define FIFO_INT_TSL_SHIFT  16          /* TX status level */
#define FIFO_INT_RSL_MASK   0xffu       /* RX status level */
#define FIFO_INT_RESET      0x48000000u

/* RX_CFG */
#define RX_CFG_END_ALIGN_SHIFT 30       /* 0: 4, 1: 16, 2: 32 bytes */
#define RX_CFG_DMA_CNT_SHIFT   16       /* stored */
#define RX_CFG_DUMP       (1u << 15)    /* self-clearing */
#define RX_CFG_RXDOFF_SHIFT 8
#define RX_CFG_RXDOFF_MASK 0x1fu
#define RX_CFG_WRITABLE   0xcfff1f00u

/* TX_CFG */
#define TX_CFG_TXS_DUMP   (1u << 15)    /* self-clearing */
#define TX_CFG_TXD_DUMP   (1u << 14)    /* self-clearing */
#define TX_CFG_TXSAO      (1u << 2)
#define TX_CFG_TX_ON      (1u << 1)
#define TX_CFG_STOP_TX    (1u << 0)     /* self-clearing */

/* HW_CFG */
#define HW_CFG_MBO        (1u << 20)
#define HW_CFG_TX_FIF_SZ_SHIFT 16
#define HW_CFG_TX_FIF_SZ_MASK 0xfu
#define HW_CFG_32BIT      (1u << 2)     /* RO: 32-bit bus */
#define HW_CFG_SRST_TO    (1u << 1)
#define HW_CFG_SRST       (1u << 0)
#define HW_CFG_DEFAULT_FIF_SZ 5u

/* RX_DP_CTRL */
#define RX_DP_FFWD        (1u << 31)

/* PMT_CTRL */
#define PMT_READY         (1u << 0)
#define PMT_PHY_RST       (1u << 10)    /* self-clearing */
#define PMT_WRITABLE      0x0000334eu   /* PM_MODE, WOL_EN, ED_EN, PME bits */

#define GPIO_CFG_WRITABLE 0x7777071fu

/* GPT_CFG */
#define GPT_TIMER_EN      (1u << 29)
#define GPT_LOAD_MASK     0xffffu
#define GPT_TICK_NS       100000ull     /* 10 kHz */

#define FREE_RUN_NS_PER_TICK 40u        /* 25 MHz */

/* MAC_CSR_CMD */
#define CSR_BUSY          (1u << 31)
#define CSR_READ          (1u << 30)
#define CSR_ADDR_MASK     0xffu

/* E2P_CMD */
#define E2P_BUSY          (1u << 31)
#define E2P_CMD_SHIFT     28
#define E2P_CMD_MASK      0x7u
#define E2P_TIMEOUT       (1u << 9)
#define E2P_MAC_LOADED    (1u << 8)
#define E2P_ADDR_MASK     0x7fu
#define E2P_SIGNATURE     0xa5u
enum e2p_command {
    E2P_READ, E2P_EWDS, E2P_EWEN, E2P_WRITE, E2P_WRAL, E2P_ERASE, E2P_ERAL, E2P_RELOAD,
};

/* MAC CSR indices (data sheet table 5-3). */
enum mac_csr {
    MAC_CR = 1, MAC_ADDRH, MAC_ADDRL, MAC_HASHH, MAC_HASHL, MAC_MII_ACC, MAC_MII_DATA,
    MAC_FLOW, MAC_VLAN1, MAC_VLAN2, MAC_WUFF, MAC_WUCSR,
};

/* MAC_CR */
#define MAC_CR_RXALL      (1u << 31)
#define MAC_CR_RCVOWN     (1u << 23)
#define MAC_CR_LOOPBK     (1u << 21)
#define MAC_CR_FDPX       (1u << 20)
#define MAC_CR_MCPAS      (1u << 19)
#define MAC_CR_PRMS       (1u << 18)
#define MAC_CR_INVFILT    (1u << 17)
#define MAC_CR_PASSBAD    (1u << 16)
#define MAC_CR_HO         (1u << 15)
#define MAC_CR_HPFILT     (1u << 13)
#define MAC_CR_LCOLL      (1u << 12)
#define MAC_CR_BCAST      (1u << 11)    /* 1: broadcast frames are filtered */
#define MAC_CR_DISRTY     (1u << 10)
#define MAC_CR_PADSTR     (1u << 8)
#define MAC_CR_BOLMT      (3u << 6)
#define MAC_CR_DFCHK      (1u << 5)
#define MAC_CR_TXEN       (1u << 3)
#define MAC_CR_RXEN       (1u << 2)
#define MAC_CR_WRITABLE   0x80bfbdecu
#define MAC_CR_RESET      MAC_CR_PRMS

/* MII_ACC */
#define MII_PHY_SHIFT     11
#define MII_REG_SHIFT     6
#define MII_FIELD_MASK    0x1fu
#define MII_WRITE         (1u << 1)
#define MII_BUSY          (1u << 0)
#define MII_ACC_WRITABLE  0xffc2u

#define FLOW_WRITABLE     0xffff0007u
#define WUCSR_WRITABLE    0x00000366u

/* The internal PHY (data sheet "PHY Registers"). */
#define PHY_ADDRESS       1u
enum phy_reg {
    PHY_BMCR = 0, PHY_BMSR = 1, PHY_ID1 = 2, PHY_ID2 = 3, PHY_ANAR = 4, PHY_ANLPAR = 5,
    PHY_ANER = 6, PHY_MODE_CTRL = 17, PHY_SPECIAL_MODES = 18, PHY_SPECIAL_CTRL = 27,
    PHY_INT_SRC = 29, PHY_INT_MASK = 30, PHY_SPECIAL_STATUS = 31,
};
#define BMCR_RESET        (1u << 15)
#define BMCR_LOOPBACK     (1u << 14)
#define BMCR_ANEG_RESTART (1u << 9)
#define BMCR_POWER_DOWN   (1u << 11)
#define BMCR_WRITABLE     0x7d80u
#define BMCR_RESET_VALUE  0x3000u       /* 100 Mbps, auto-negotiation on */
#define BMSR_ABILITIES    0x7809u       /* 100TX/10T FD+HD, can auto-negotiate, extended */
#define BMSR_ANEG_DONE    (1u << 5)
#define BMSR_LINK         (1u << 2)
#define PHY_ID1_VALUE     0x0007u
#define PHY_ID2_VALUE     0xc0d1u       /* LAN9118 internal PHY, revision 1 */
#define ANAR_WRITABLE     0x2de0u
#define ANAR_SELECTOR     0x0001u
#define ANAR_RESET        0x01e1u
#define ANLPAR_PARTNER    0x41e1u       /* acknowledged; 100TX/10T full and half */
#define ANER_PARTNER_ANEG 0x0001u
#define MODE_CTRL_ENERGYON (1u << 1)
#define MODE_CTRL_WRITABLE 0x2000u      /* EDPWRDOWN */
#define SPECIAL_MODES_RESET 0x00e1u     /* MODE 111: all capable, PHYAD 1 */
#define SPECIAL_MODES_WRITABLE 0x00ffu
#define PHY_INT_ENERGYON  (1u << 7)
#define PHY_INT_ANEG_DONE (1u << 6)
#define PHY_INT_LINK_DOWN (1u << 4)
#define PHY_INT_MASK_BITS 0x00feu
#define SPECIAL_STATUS_AUTODONE (1u << 12)
#define SPECIAL_STATUS_100FD (6u << 2)

/* TX command A / B (data sheet "TX Command A", "TX Command B"). */
#define TXA_IOC           (1u << 31)
#define TXA_END_ALIGN_SHIFT 24
#define TXA_OFFSET_SHIFT  16
#define TXA_OFFSET_MASK   0x1fu
#define TXA_FIRST         (1u << 13)
#define TXA_LAST          (1u << 12)
#define TXA_SIZE_MASK     0x7ffu
#define TXB_TAG_SHIFT     16
#define TXB_ADD_CRC_DISABLE (1u << 13)
#define TXB_PAD_DISABLE   (1u << 12)
#define TXB_LENGTH_MASK   0x7ffu

/* TX status */
#define TXS_ERROR         (1u << 15)

/* RX status */
#define RXS_FILTER_FAIL   (1u << 30)
#define RXS_LENGTH_SHIFT  16
#define RXS_BROADCAST     (1u << 13)
#define RXS_MULTICAST     (1u << 10)

#define ETH_FCS_LEN       4u
#define ETH_HEADER_LEN    14u
#define ETH_MAX_WITH_VLAN 1518u

enum tx_state { TX_CMD_A, TX_CMD_B, TX_DATA };

static const char *const lan_names[] = {
    [RX_STATUS_FIFO / 4] = "RX_STATUS_FIFO", [RX_STATUS_PEEK / 4] = "RX_STATUS_PEEK",
    [TX_STATUS_FIFO / 4] = "TX_STATUS_FIFO", [TX_STATUS_PEEK / 4] = "TX_STATUS_PEEK",
    [ID_REV / 4] = "ID_REV",             [IRQ_CFG / 4] = "IRQ_CFG",
    [INT_STS / 4] = "INT_STS",           [INT_EN / 4] = "INT_EN",
    [BYTE_TEST / 4] = "BYTE_TEST",       [FIFO_INT / 4] = "FIFO_INT",
    [RX_CFG / 4] = "RX_CFG",             [TX_CFG / 4] = "TX_CFG",
    [HW_CFG / 4] = "HW_CFG",             [RX_DP_CTRL / 4] = "RX_DP_CTRL",
    [RX_FIFO_INF / 4] = "RX_FIFO_INF",   [TX_FIFO_INF / 4] = "TX_FIFO_INF",
    [PMT_CTRL / 4] = "PMT_CTRL",         [GPIO_CFG / 4] = "GPIO_CFG",
    [GPT_CFG / 4] = "GPT_CFG",           [GPT_CNT / 4] = "GPT_CNT",
    [WORD_SWAP / 4] = "WORD_SWAP",       [FREE_RUN / 4] = "FREE_RUN",
    [RX_DROP / 4] = "RX_DROP",           [MAC_CSR_CMD / 4] = "MAC_CSR_CMD",
    [MAC_CSR_DATA / 4] = "MAC_CSR_DATA", [AFC_CFG / 4] = "AFC_CFG",
    [E2P_CMD / 4] = "E2P_CMD",           [E2P_DATA / 4] = "E2P_DATA",
};

static const char *const mac_names[] = {
    [MAC_CR] = "MAC_CR",       [MAC_ADDRH] = "ADDRH",     [MAC_ADDRL] = "ADDRL",
    [MAC_HASHH] = "HASHH",     [MAC_HASHL] = "HASHL",     [MAC_MII_ACC] = "MII_ACC",
    [MAC_MII_DATA] = "MII_DATA", [MAC_FLOW] = "FLOW",     [MAC_VLAN1] = "VLAN1",
    [MAC_VLAN2] = "VLAN2",     [MAC_WUFF] = "WUFF",       [MAC_WUCSR] = "WUCSR",
};

static const char *lan_reg_name(uint32_t offset)
{
    offset &= LAN_REGS_MASK;
    if (offset < TX_DATA_FIFO)
        return "RX_DATA_FIFO";
    if (offset < RX_STATUS_FIFO)
        return "TX_DATA_FIFO";
    if ((offset & 3) || offset / 4 >= sizeof(lan_names) / sizeof(lan_names[0]))
        return NULL;
    return lan_names[offset / 4];
}

/* ---- CRCs ---- */

/* IEEE 802.3 CRC-32, reflected (LSB first), as the FCS on the wire. */
static uint32_t lan_fcs(const uint8_t *p, size_t len)
{
    uint32_t crc = 0xffffffffu;
    for (size_t i = 0; i < len; i++) {
        crc ^= p[i];
        for (unsigned bit = 0; bit < 8; bit++)
            crc = (crc >> 1) ^ ((crc & 1) ? 0xedb88320u : 0);
    }
    return ~crc;
}

/*
 * Multicast hash: the top 6 bits of the MSB-first CRC-32 of the
 * destination address (data sheet "Hash Only Filtering"); bit 5 picks
 * HASHH or HASHL.
 */
static unsigned lan_hash(const uint8_t *addr)
{
    uint32_t crc = 0xffffffffu;
    for (unsigned i = 0; i < NET_ETH_ALEN; i++)
        for (unsigned bit = 0; bit < 8; bit++) {
            uint32_t in = (addr[i] >> bit) & 1;
            crc = (crc << 1) ^ (((crc >> 31) ^ in) ? 0x04c11db7u : 0);
        }
    return crc >> 26;
}

/* ---- interrupts ---- */

static void lan_update_irq(struct lan9118 *s)
{
    bool pending = (s->int_sts & s->int_en) != 0;
    if (pending)
        s->irq_cfg |= IRQ_CFG_IRQ_INT;
    else
        s->irq_cfg &= ~IRQ_CFG_IRQ_INT;
    bool asserted = pending && (s->irq_cfg & IRQ_CFG_IRQ_EN);
    bool active_high = (s->irq_cfg & (IRQ_CFG_IRQ_POL | IRQ_CFG_IRQ_TYPE)) ==
                       (IRQ_CFG_IRQ_POL | IRQ_CFG_IRQ_TYPE);
    int level = active_high ? asserted : !asserted;
    if (level != s->irq_level) {
        s->irq_level = level;
        irq_set(&s->irq, level);
    }
}

/* Level interrupts of the FIFOs, raised when a FIFO changed. */
static void lan_check_levels(struct lan9118 *s)
{
    if (s->rx_status_count > (s->fifo_int & FIFO_INT_RSL_MASK))
        s->int_sts |= INT_RSFL;
    if (s->rx_status_count == s->rx_status_entries)
        s->int_sts |= INT_RSFF;
    if (s->tx_status_count > ((s->fifo_int >> FIFO_INT_TSL_SHIFT) & 0xffu))
        s->int_sts |= INT_TSFL;
    if (s->tx_status_count == LAN9118_TX_STATUS_MAX)
        s->int_sts |= INT_TSFF;
}

static void lan_check_tx_space(struct lan9118 *s)
{
    uint32_t level = (s->fifo_int >> FIFO_INT_TDAL_SHIFT) * 64u;
    if (s->tx_data_bytes - s->tx_fifo_used > level)
        s->int_sts |= INT_TDFA;
}

/* ---- the PHY ---- */

static bool phy_link_up(const struct lan9118_phy *phy)
{
    return !(phy->bmcr & BMCR_POWER_DOWN);
}

static void phy_update_irq(struct lan9118 *s)
{
    if (s->phy.int_src & s->phy.int_mask)
        s->int_sts |= INT_PHY;
    else
        s->int_sts &= ~INT_PHY;
}

/* Records a link change in the PHY's interrupt source. */
static void phy_check_link(struct lan9118 *s)
{
    bool up = phy_link_up(&s->phy);
    if (up == s->phy.link)
        return;
    s->phy.link = up;
    if (up)
        s->phy.int_src |= PHY_INT_ENERGYON | PHY_INT_ANEG_DONE;
    else
        s->phy.int_src |= PHY_INT_LINK_DOWN;
    phy_update_irq(s);
}

static void phy_reset(struct lan9118 *s)
{
    s->phy.bmcr = BMCR_RESET_VALUE;
    s->phy.anar = ANAR_RESET;
    s->phy.mode_ctrl = 0;
    s->phy.special_modes = SPECIAL_MODES_RESET;
    s->phy.special_ctrl = 0;
    s->phy.int_src = 0;
    s->phy.int_mask = 0;
    s->phy.link = false;
    phy_check_link(s);
}

static uint16_t phy_read(struct lan9118 *s, unsigned reg)
{
    bool up = phy_link_up(&s->phy);
    switch (reg) {
    case PHY_BMCR:
        return s->phy.bmcr;
    case PHY_BMSR:
        return BMSR_ABILITIES | (up ? BMSR_LINK | BMSR_ANEG_DONE : 0);
    case PHY_ID1:
        return PHY_ID1_VALUE;
    case PHY_ID2:
        return PHY_ID2_VALUE;
    case PHY_ANAR:
        return s->phy.anar;
    case PHY_ANLPAR:
        return up ? ANLPAR_PARTNER : 0;
    case PHY_ANER:
        return ANER_PARTNER_ANEG;
    case PHY_MODE_CTRL:
        return s->phy.mode_ctrl | (up ? MODE_CTRL_ENERGYON : 0);
    case PHY_SPECIAL_MODES:
        return s->phy.special_modes;
    case PHY_SPECIAL_CTRL:
        return s->phy.special_ctrl;
    case PHY_INT_SRC: {
        uint16_t value = s->phy.int_src;
        s->phy.int_src = 0;
        phy_update_irq(s);
        return value;
    }
    case PHY_INT_MASK:
        return s->phy.int_mask;
    case PHY_SPECIAL_STATUS:
        return up ? SPECIAL_STATUS_AUTODONE | SPECIAL_STATUS_100FD : 0;
    default:
        device_guest_error(&s->dev, "read of unknown PHY register %u", reg);
        return 0;
    }
}

static void phy_write(struct lan9118 *s, unsigned reg, uint16_t value)
{
    switch (reg) {
    case PHY_BMCR:
        if (value & BMCR_RESET) {
            phy_reset(s);
            break;
        }
        /* Restart-autonegotiation completes at once; the bit self-clears. */
        s->phy.bmcr = value & BMCR_WRITABLE & ~BMCR_ANEG_RESTART;
        if ((value & BMCR_ANEG_RESTART) && phy_link_up(&s->phy)) {
            s->phy.int_src |= PHY_INT_ANEG_DONE;
            phy_update_irq(s);
        }
        phy_check_link(s);
        break;
    case PHY_ANAR:
        s->phy.anar = (value & ANAR_WRITABLE) | ANAR_SELECTOR;
        break;
    case PHY_MODE_CTRL:
        s->phy.mode_ctrl = value & MODE_CTRL_WRITABLE;
        break;
    case PHY_SPECIAL_MODES:
        s->phy.special_modes = value & SPECIAL_MODES_WRITABLE;
        break;
    case PHY_SPECIAL_CTRL:
        s->phy.special_ctrl = value;
        break;
    case PHY_INT_MASK:
        s->phy.int_mask = value & PHY_INT_MASK_BITS;
        phy_update_irq(s);
        break;
    case PHY_BMSR:
    case PHY_ID1:
    case PHY_ID2:
    case PHY_ANLPAR:
    case PHY_ANER:
    case PHY_INT_SRC:
    case PHY_SPECIAL_STATUS:
        device_guest_error(&s->dev, "write 0x%04x to read-only PHY register %u", value, reg);
        break;
    default:
        device_guest_error(&s->dev, "write 0x%04x to unknown PHY register %u", value, reg);
        break;
    }
}

/* MII_ACC: the MII management cycle completes within the write. */
static void lan_mii_access(struct lan9118 *s, uint32_t value)
{
    unsigned phy = (value >> MII_PHY_SHIFT) & MII_FIELD_MASK;
    unsigned reg = (value >> MII_REG_SHIFT) & MII_FIELD_MASK;
    s->mii_acc = value & MII_ACC_WRITABLE & ~MII_BUSY;
    if (phy != PHY_ADDRESS) {
        /* Nothing drives MDIO: reads see the pull-up. */
        if (!(value & MII_WRITE))
            s->mii_data = 0xffff;
        return;
    }
    if (value & MII_WRITE)
        phy_write(s, reg, (uint16_t)s->mii_data);
    else
        s->mii_data = phy_read(s, reg);
}

/* ---- MAC registers ---- */

static uint32_t lan_mac_read(struct lan9118 *s, unsigned index)
{
    switch (index) {
    case MAC_CR:
        return s->mac_cr;
    case MAC_ADDRH:
        return s->mac[4] | (uint32_t)s->mac[5] << 8;
    case MAC_ADDRL:
        return s->mac[0] | (uint32_t)s->mac[1] << 8 | (uint32_t)s->mac[2] << 16 |
               (uint32_t)s->mac[3] << 24;
    case MAC_HASHH:
        return s->hashh;
    case MAC_HASHL:
        return s->hashl;
    case MAC_MII_ACC:
        return s->mii_acc;
    case MAC_MII_DATA:
        return s->mii_data;
    case MAC_FLOW:
        return s->flow;
    case MAC_VLAN1:
        return s->vlan1;
    case MAC_VLAN2:
        return s->vlan2;
    case MAC_WUFF:
        return 0;   /* write-only: reads of the filter return zero */
    case MAC_WUCSR:
        return s->wucsr;
    default:
        device_guest_error(&s->dev, "read of unknown MAC register %u", index);
        return 0;
    }
}

static void lan_mac_write(struct lan9118 *s, unsigned index, uint32_t value)
{
    switch (index) {
    case MAC_CR:
        if ((s->mac_cr & MAC_CR_RXEN) && !(value & MAC_CR_RXEN))
            s->int_sts |= INT_RXSTOP;
        s->mac_cr = value & MAC_CR_WRITABLE;
        break;
    case MAC_ADDRH:
        s->mac[4] = (uint8_t)value;
        s->mac[5] = (uint8_t)(value >> 8);
        break;
    case MAC_ADDRL:
        for (unsigned i = 0; i < 4; i++)
            s->mac[i] = (uint8_t)(value >> (8 * i));
        break;
    case MAC_HASHH:
        s->hashh = value;
        break;
    case MAC_HASHL:
        s->hashl = value;
        break;
    case MAC_MII_ACC:
        lan_mii_access(s, value);
        break;
    case MAC_MII_DATA:
        s->mii_data = value & 0xffffu;
        break;
    case MAC_FLOW:
        s->flow = value & FLOW_WRITABLE;
        break;
    case MAC_VLAN1:
        s->vlan1 = value & 0xffffu;
        break;
    case MAC_VLAN2:
        s->vlan2 = value & 0xffffu;
        break;
    case MAC_WUFF:
        /* The wake-up frame filter is eight words written in sequence. */
        s->wuff[s->wuff_index] = value;
        s->wuff_index = (s->wuff_index + 1) % 8;
        break;
    case MAC_WUCSR:
        s->wucsr = value & WUCSR_WRITABLE;
        break;
    default:
        device_guest_error(&s->dev, "write 0x%x to unknown MAC register %u", value, index);
        break;
    }
}

static void lan_mac_csr_command(struct lan9118 *s, uint32_t value)
{
    s->mac_csr_cmd = value & (CSR_READ | CSR_ADDR_MASK);
    if (!(value & CSR_BUSY))
        return;
    unsigned index = value & CSR_ADDR_MASK;
    if (value & CSR_READ)
        s->mac_csr_data = lan_mac_read(s, index);
    else
        lan_mac_write(s, index, s->mac_csr_data);
}

/* ---- EEPROM ---- */

/* Loads the MAC address when the EEPROM carries the 0xa5 signature. */
static void lan_eeprom_reload(struct lan9118 *s)
{
    if (s->eeprom[0] != E2P_SIGNATURE) {
        s->e2p_cmd &= ~E2P_MAC_LOADED;
        return;
    }
    memcpy(s->mac, &s->eeprom[1], NET_ETH_ALEN);
    s->e2p_cmd |= E2P_MAC_LOADED;
}

static void lan_eeprom_command(struct lan9118 *s, uint32_t value)
{
    unsigned cmd = (value >> E2P_CMD_SHIFT) & E2P_CMD_MASK;
    unsigned addr = value & E2P_ADDR_MASK;
    s->e2p_cmd = (s->e2p_cmd & E2P_MAC_LOADED) | (cmd << E2P_CMD_SHIFT) | addr;
    if (!(value & E2P_BUSY))
        return;
    switch (cmd) {
    case E2P_READ:
        s->e2p_data = s->eeprom[addr];
        break;
    case E2P_EWDS:
        s->eeprom_write_enabled = false;
        break;
    case E2P_EWEN:
        s->eeprom_write_enabled = true;
        break;
    case E2P_WRITE:
        if (s->eeprom_write_enabled)
            s->eeprom[addr] = (uint8_t)s->e2p_data;
        break;
    case E2P_WRAL:
        if (s->eeprom_write_enabled)
            memset(s->eeprom, (uint8_t)s->e2p_data, sizeof(s->eeprom));
        break;
    case E2P_ERASE:
        if (s->eeprom_write_enabled)
            s->eeprom[addr] = 0xff;
        break;
    case E2P_ERAL:
        if (s->eeprom_write_enabled)
            memset(s->eeprom, 0xff, sizeof(s->eeprom));
        break;
    case E2P_RELOAD:
    default:
        lan_eeprom_reload(s);
        break;
    }
}

/* ---- general-purpose timer and free-running counter ---- */

static uint64_t lan_now_ns(const struct lan9118 *s)
{
    return vclock_now_ns(s->dev.clock);
}

/*
 * GPT_CNT counts GPT_LOAD, GPT_LOAD-1, ..., 0, then wraps to 0xffff and
 * goes on; each pass through zero is one GPT_INT.
 */
static uint32_t lan_gpt_count(const struct lan9118 *s)
{
    if (!(s->gpt_cfg & GPT_TIMER_EN))
        return GPT_LOAD_MASK;
    uint64_t ticks = (lan_now_ns(s) - s->gpt_start_ns) / GPT_TICK_NS;
    uint64_t load = s->gpt_cfg & GPT_LOAD_MASK;
    if (ticks <= load)
        return (uint32_t)(load - ticks);
    return (uint32_t)(GPT_LOAD_MASK - (ticks - load - 1) % (GPT_LOAD_MASK + 1));
}

static void lan_gpt_arm(struct lan9118 *s)
{
    if (!(s->gpt_cfg & GPT_TIMER_EN)) {
        vclock_cancel(s->dev.clock, &s->gpt_event);
        return;
    }
    uint64_t ticks = (lan_now_ns(s) - s->gpt_start_ns) / GPT_TICK_NS;
    uint64_t load = s->gpt_cfg & GPT_LOAD_MASK;
    /* The wraps happen after load + 1 ticks, then every 0x10000 ticks. */
    uint64_t next = load + 1;
    if (ticks >= next)
        next += ((ticks - next) / (GPT_LOAD_MASK + 1) + 1) * (GPT_LOAD_MASK + 1);
    vclock_arm_ns(s->dev.clock, &s->gpt_event, s->gpt_start_ns + next * GPT_TICK_NS);
}

static void lan_gpt_fire(void *opaque)
{
    struct lan9118 *s = opaque;
    s->int_sts |= INT_GPT;
    lan_gpt_arm(s);
    lan_update_irq(s);
}

static void lan_write_gpt_cfg(struct lan9118 *s, uint32_t value)
{
    bool was_on = s->gpt_cfg & GPT_TIMER_EN;
    s->gpt_cfg = value & (GPT_TIMER_EN | GPT_LOAD_MASK);
    /* Enabling, or writing GPT_LOAD while running, loads the counter. */
    if (s->gpt_cfg & GPT_TIMER_EN)
        s->gpt_start_ns = lan_now_ns(s);
    if (was_on || (s->gpt_cfg & GPT_TIMER_EN))
        lan_gpt_arm(s);
}

/* ---- FIFO geometry ---- */

static void lan_rx_flush(struct lan9118 *s)
{
    s->rx_data_head = s->rx_data_count = 0;
    s->rx_status_head = s->rx_status_count = 0;
    s->rx_words_head = s->rx_words_count = 0;
    s->rx_cur_words = 0;
}

static void lan_tx_flush_data(struct lan9118 *s)
{
    s->tx_state = TX_CMD_A;
    s->tx_fifo_used = 0;
    s->tx_frame_len = 0;
    s->tx_first_seen = false;
    s->tx_ioc = false;
    s->tx_error = false;
}

/* HW_CFG TX_FIF_SZ (KiB of the 16 KiB for TX) sets every FIFO's size. */
static void lan_set_fifo_sizes(struct lan9118 *s, unsigned tx_kib)
{
    unsigned rx_bytes = LAN9118_FIFO_BYTES - tx_kib * 1024u;
    s->hw_cfg = (s->hw_cfg & ~(HW_CFG_TX_FIF_SZ_MASK << HW_CFG_TX_FIF_SZ_SHIFT)) |
                (tx_kib << HW_CFG_TX_FIF_SZ_SHIFT);
    s->tx_data_bytes = tx_kib * 1024u - LAN9118_TX_STATUS_MAX * 4u;
    s->rx_status_entries = rx_bytes / 16u / 4u;
    s->rx_data_words = (rx_bytes - rx_bytes / 16u) / 4u;
    lan_rx_flush(s);
    lan_tx_flush_data(s);
    s->tx_status_head = s->tx_status_count = 0;
}

/* ---- receive ---- */

static void rx_data_push(struct lan9118 *s, uint32_t word)
{
    unsigned pos = (s->rx_data_head + s->rx_data_count) % s->rx_data_words;
    s->rx_data[pos] = word;
    s->rx_data_count++;
}

static bool lan_is_broadcast(const uint8_t *dest)
{
    static const uint8_t bcast[NET_ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
    return memcmp(dest, bcast, NET_ETH_ALEN) == 0;
}

static bool lan_hash_hit(const struct lan9118 *s, const uint8_t *dest)
{
    unsigned hash = lan_hash(dest);
    uint32_t table = (hash & 0x20) ? s->hashh : s->hashl;
    return (table >> (hash & 0x1f)) & 1;
}

/* Address filtering (data sheet "RX Address Filtering"); true = pass. */
static bool lan_filter(const struct lan9118 *s, const uint8_t *dest)
{
    if (s->mac_cr & MAC_CR_PRMS)
        return true;
    if (lan_is_broadcast(dest))
        return !(s->mac_cr & MAC_CR_BCAST);
    bool multicast = dest[0] & 1;
    if (multicast && (s->mac_cr & MAC_CR_MCPAS))
        return true;
    if (multicast ? (s->mac_cr & MAC_CR_HPFILT) : (s->mac_cr & MAC_CR_HO))
        return lan_hash_hit(s, dest);
    bool match = memcmp(dest, s->mac, NET_ETH_ALEN) == 0;
    return (s->mac_cr & MAC_CR_INVFILT) ? !match : match;
}

static unsigned lan_align_bytes(unsigned code)
{
    return code == 1 ? 16u : code == 2 ? 32u : 4u;
}

static unsigned lan_rx_words_for(const struct lan9118 *s, size_t len)
{
    unsigned offset = (s->rx_cfg >> RX_CFG_RXDOFF_SHIFT) & RX_CFG_RXDOFF_MASK;
    unsigned align = lan_align_bytes(s->rx_cfg >> RX_CFG_END_ALIGN_SHIFT);
    unsigned bytes = offset + (unsigned)len + ETH_FCS_LEN;
    return (bytes + align - 1) / align * align / 4u;
}

bool lan9118_can_receive(const struct lan9118 *nic)
{
    return (nic->mac_cr & MAC_CR_RXEN) &&
           nic->rx_status_count < nic->rx_status_entries &&
           nic->rx_data_count + lan_rx_words_for(nic, ETH_MAX_WITH_VLAN) <= nic->rx_data_words;
}

int lan9118_receive(struct lan9118 *nic, const uint8_t *frame, size_t len)
{
    struct lan9118 *s = nic;
    if (!(s->mac_cr & MAC_CR_RXEN))
        return -ENETDOWN;
    if (len < ETH_HEADER_LEN)
        return -EINVAL;
    if (len > ETH_MAX_WITH_VLAN)
        return -EMSGSIZE;

    bool pass = lan_filter(s, frame);
    if (!pass && !(s->mac_cr & MAC_CR_RXALL)) {
        s->rx_filtered++;
        return 1;
    }

    /* The MAC sees at least a minimum-size frame on the wire. */
    uint8_t buf[ETH_MAX_WITH_VLAN + ETH_FCS_LEN];
    memcpy(buf, frame, len);
    if (len < NET_ETH_MIN_FRAME) {
        memset(buf + len, 0, NET_ETH_MIN_FRAME - len);
        len = NET_ETH_MIN_FRAME;
    }
    uint32_t fcs = lan_fcs(buf, len);
    for (unsigned i = 0; i < ETH_FCS_LEN; i++)
        buf[len + i] = (uint8_t)(fcs >> (8 * i));
    size_t total = len + ETH_FCS_LEN;

    unsigned words = lan_rx_words_for(s, len);
    if (s->rx_status_count >= s->rx_status_entries ||
        s->rx_data_count + words > s->rx_data_words) {
        s->rx_dropped++;
        s->rx_drop++;
        s->int_sts |= INT_RXDF;
        if (s->rx_drop == 0x80000000u)
            s->int_sts |= INT_RXDFH;
        lan_update_irq(s);
        return -ENOBUFS;
    }

    /* RXDOFF zero bytes, the frame and FCS, then padding, little-endian in DWORDs. */
    unsigned offset = (s->rx_cfg >> RX_CFG_RXDOFF_SHIFT) & RX_CFG_RXDOFF_MASK;
    for (unsigned w = 0; w < words; w++) {
        uint32_t word = 0;
        for (unsigned b = 0; b < 4; b++) {
            size_t pos = (size_t)w * 4 + b;
            if (pos >= offset && pos - offset < total)
                word |= (uint32_t)buf[pos - offset] << (8 * b);
        }
        rx_data_push(s, word);
    }
    unsigned slot = (s->rx_words_head + s->rx_words_count) % s->rx_status_entries;
    s->rx_words[slot] = (uint16_t)words;
    s->rx_words_count++;

    uint32_t status = (uint32_t)total << RXS_LENGTH_SHIFT;
    if (lan_is_broadcast(buf))
        status |= RXS_BROADCAST;
    else if (buf[0] & 1)
        status |= RXS_MULTICAST;
    if (!pass)
        status |= RXS_FILTER_FAIL;
    slot = (s->rx_status_head + s->rx_status_count) % s->rx_status_entries;
    s->rx_status[slot] = status;
    s->rx_status_count++;
    s->rx_frames++;

    lan_check_levels(s);
    lan_update_irq(s);
    return 0;
}

static uint32_t lan_rx_status_pop(struct lan9118 *s, bool peek)
{
    if (s->rx_status_count == 0)
        return 0;
    uint32_t value = s->rx_status[s->rx_status_head];
    if (!peek) {
        s->rx_status_head = (s->rx_status_head + 1) % s->rx_status_entries;
        s->rx_status_count--;
    }
    return value;
}

/* Starts the next frame's data if the last one was read completely. */
static bool lan_rx_next_frame(struct lan9118 *s)
{
    if (s->rx_cur_words)
        return true;
    if (s->rx_words_count == 0)
        return false;
    s->rx_cur_words = s->rx_words[s->rx_words_head];
    s->rx_words_head = (s->rx_words_head + 1) % s->rx_status_entries;
    s->rx_words_count--;
    return true;
}

static uint32_t lan_rx_data_pop(struct lan9118 *s)
{
    if (!lan_rx_next_frame(s) || s->rx_data_count == 0) {
        /* Reading an empty RX data FIFO is an underrun (RXE). */
        s->int_sts |= INT_RXE;
        device_guest_error(&s->dev, "read of the empty RX data FIFO");
        return 0;
    }
    uint32_t value = s->rx_data[s->rx_data_head];
    s->rx_data_head = (s->rx_data_head + 1) % s->rx_data_words;
    s->rx_data_count--;
    s->rx_cur_words--;
    return value;
}

/* RX_DP_CTRL RX_FFWD: drop the rest of the frame being read. */
static void lan_rx_fast_forward(struct lan9118 *s)
{
    if (!lan_rx_next_frame(s))
        return;
    unsigned words = s->rx_cur_words < s->rx_data_count ? s->rx_cur_words : s->rx_data_count;
    s->rx_data_head = (s->rx_data_head + words) % s->rx_data_words;
    s->rx_data_count -= words;
    s->rx_cur_words = 0;
}

/* ---- transmit ---- */

static void lan_tx_status_push(struct lan9118 *s, uint32_t status)
{
    if (s->tx_status_count == LAN9118_TX_STATUS_MAX) {
        s->int_sts |= INT_TXSO;
        return;
    }
    unsigned pos = (s->tx_status_head + s->tx_status_count) % LAN9118_TX_STATUS_MAX;
    s->tx_status[pos] = status;
    s->tx_status_count++;
}

static uint32_t lan_tx_status_pop(struct lan9118 *s, bool peek)
{
    if (s->tx_status_count == 0)
        return 0;
    uint32_t value = s->tx_status[s->tx_status_head];
    if (!peek) {
        s->tx_status_head = (s->tx_status_head + 1) % LAN9118_TX_STATUS_MAX;
        s->tx_status_count--;
    }
    return value;
}

static bool lan_loopback(const struct lan9118 *s)
{
    return (s->mac_cr & MAC_CR_LOOPBK) || (s->phy.bmcr & BMCR_LOOPBACK);
}

/* The last segment is in: send the frame and queue its status. */
static void lan_tx_packet_done(struct lan9118 *s)
{
    uint32_t tag = s->tx_cmd_b & ~0xffffu;
    size_t expect = s->tx_cmd_b & TXB_LENGTH_MASK;
    bool ioc = s->tx_ioc;
    size_t len = s->tx_frame_len;
    bool error = s->tx_error;
    lan_tx_flush_data(s);
    lan_check_tx_space(s);

    if (error || len != expect) {
        device_guest_error(&s->dev, "TX packet of %zu bytes, command B says %zu", len, expect);
        s->int_sts |= INT_TXE;
        lan_tx_status_push(s, tag | TXS_ERROR);
        s->tx_dropped++;
    } else if (!(s->tx_cfg & TX_CFG_TX_ON) || !(s->mac_cr & MAC_CR_TXEN)) {
        device_guest_error(&s->dev, "TX packet while the transmitter is off: dropped");
        s->tx_dropped++;
    } else {
        if (len < NET_ETH_MIN_FRAME && !(s->tx_cmd_b & TXB_PAD_DISABLE)) {
            memset(s->tx_frame + len, 0, NET_ETH_MIN_FRAME - len);
            len = NET_ETH_MIN_FRAME;
        }
        s->tx_frames++;
        if (lan_loopback(s))
            lan9118_receive(s, s->tx_frame, len);
        else
            net_backend_send(&s->backend, s->tx_frame, len);
        lan_tx_status_push(s, tag);
    }
    if (ioc)
        s->int_sts |= INT_TX_IOC;
    lan_check_levels(s);
}

static void lan_tx_buffer_end(struct lan9118 *s)
{
    s->tx_state = TX_CMD_A;
    if (s->tx_cmd_a & TXA_LAST)
        lan_tx_packet_done(s);
}

/*
 * A data DWORD of the current buffer: byte p of the buffer's data area is
 * frame data when offset <= p < offset + size; the rest is the start
 * offset or end-alignment padding.
 */
static void lan_tx_data_word(struct lan9118 *s, uint32_t word)
{
    unsigned offset = (s->tx_cmd_a >> TXA_OFFSET_SHIFT) & TXA_OFFSET_MASK;
    unsigned size = s->tx_cmd_a & TXA_SIZE_MASK;
    for (unsigned b = 0; b < 4; b++) {
        unsigned pos = s->tx_word_index * 4 + b;
        if (pos < offset || pos - offset >= size)
            continue;
        if (s->tx_frame_len < LAN9118_TX_FRAME_MAX)
            s->tx_frame[s->tx_frame_len++] = (uint8_t)(word >> (8 * b));
        else
            s->tx_error = true;
    }
    s->tx_word_index++;
    if (--s->tx_words_left == 0)
        lan_tx_buffer_end(s);
}

static void lan_tx_fifo_write(struct lan9118 *s, uint32_t value)
{
    if (s->tx_fifo_used + 4 > s->tx_data_bytes) {
        s->int_sts |= INT_TDFO;
        device_guest_error(&s->dev, "TX data FIFO overrun");
        return;
    }
    s->tx_fifo_used += 4;
    switch (s->tx_state) {
    case TX_CMD_A:
        s->tx_cmd_a = value;
        if (value & TXA_FIRST) {
            if (s->tx_first_seen)
                device_guest_error(&s->dev, "TX first segment inside a packet");
            s->tx_first_seen = true;
            s->tx_frame_len = 0;
            s->tx_error = false;
        } else if (!s->tx_first_seen) {
            device_guest_error(&s->dev, "TX buffer without a first segment");
            s->tx_error = true;
        }
        if (value & TXA_IOC)
            s->tx_ioc = true;
        s->tx_state = TX_CMD_B;
        break;
    case TX_CMD_B: {
        s->tx_cmd_b = value;
        unsigned offset = (s->tx_cmd_a >> TXA_OFFSET_SHIFT) & TXA_OFFSET_MASK;
        unsigned size = s->tx_cmd_a & TXA_SIZE_MASK;
        unsigned align = lan_align_bytes((s->tx_cmd_a >> TXA_END_ALIGN_SHIFT) & 3);
        /* The host pads the buffer's end to the alignment it announced. */
        s->tx_words_left = (offset + size + align - 1) / align * align / 4;
        s->tx_word_index = 0;
        s->tx_state = TX_DATA;
        if (s->tx_words_left == 0)
            lan_tx_buffer_end(s);
        break;
    }
    case TX_DATA:
    default:
        lan_tx_data_word(s, value);
        break;
    }
}

/* ---- registers ---- */

static void lan_soft_reset(struct lan9118 *s);

static uint32_t lan_read(struct lan9118 *s, uint32_t offset)
{
    if (offset < TX_DATA_FIFO)
        return lan_rx_data_pop(s);
    if (offset < RX_STATUS_FIFO) {
        device_guest_error(&s->dev, "read of the write-only TX data FIFO port");
        return 0;
    }
    switch (offset) {
    case RX_STATUS_FIFO:
    case RX_STATUS_PEEK: {
        uint32_t value = lan_rx_status_pop(s, offset == RX_STATUS_PEEK);
        lan_update_irq(s);
        return value;
    }
    case TX_STATUS_FIFO:
    case TX_STATUS_PEEK:
        return lan_tx_status_pop(s, offset == TX_STATUS_PEEK);
    case ID_REV:
        return ID_REV_VALUE;
    case IRQ_CFG:
        return s->irq_cfg;
    case INT_STS:
        return s->int_sts;
    case INT_EN:
        return s->int_en;
    case BYTE_TEST:
        return BYTE_TEST_VALUE;
    case FIFO_INT:
        return s->fifo_int;
    case RX_CFG:
        return s->rx_cfg;
    case TX_CFG:
        return s->tx_cfg;
    case HW_CFG:
        return s->hw_cfg;
    case RX_DP_CTRL:
        return 0;   /* RX_FFWD completes at once */
    case RX_FIFO_INF:
        return (s->rx_status_count << 16) | ((s->rx_data_count * 4u) & 0xffffu);
    case TX_FIFO_INF:
        return (s->tx_status_count << 16) | ((s->tx_data_bytes - s->tx_fifo_used) & 0xffffu);
    case PMT_CTRL:
        return s->pmt_ctrl;
    case GPIO_CFG:
        return s->gpio_cfg;
    case GPT_CFG:
        return s->gpt_cfg;
    case GPT_CNT:
        return lan_gpt_count(s);
    case WORD_SWAP:
        return s->word_swap;
    case FREE_RUN:
        return (uint32_t)((lan_now_ns(s) - s->free_run_origin_ns) / FREE_RUN_NS_PER_TICK);
    case RX_DROP: {
        uint32_t value = s->rx_drop;
        s->rx_drop = 0;
        return value;
    }
    case MAC_CSR_CMD:
        return s->mac_csr_cmd;
    case MAC_CSR_DATA:
        return s->mac_csr_data;
    case AFC_CFG:
        return s->afc_cfg;
    case E2P_CMD:
        return s->e2p_cmd;
    case E2P_DATA:
        return s->e2p_data;
    default:
        device_guest_error(&s->dev, "read of unknown register +0x%02x", offset);
        return 0;
    }
}

static void lan_write_hw_cfg(struct lan9118 *s, uint32_t value)
{
    if (value & HW_CFG_SRST) {
        lan_soft_reset(s);
        return;
    }
    unsigned tx_kib = (value >> HW_CFG_TX_FIF_SZ_SHIFT) & HW_CFG_TX_FIF_SZ_MASK;
    s->hw_cfg = (s->hw_cfg & ~HW_CFG_MBO) | (value & HW_CFG_MBO);
    unsigned old = (s->hw_cfg >> HW_CFG_TX_FIF_SZ_SHIFT) & HW_CFG_TX_FIF_SZ_MASK;
    if (tx_kib == old)
        return;
    if (tx_kib < 2 || tx_kib > 14) {
        device_guest_error(&s->dev, "HW_CFG TX_FIF_SZ %u out of range 2-14", tx_kib);
        return;
    }
    lan_set_fifo_sizes(s, tx_kib);
}

static void lan_write(struct lan9118 *s, uint32_t offset, uint32_t value)
{
    if (offset >= TX_DATA_FIFO && offset < RX_STATUS_FIFO) {
        lan_tx_fifo_write(s, value);
        return;
    }
    switch (offset) {
    case IRQ_CFG:
        s->irq_cfg = (s->irq_cfg & IRQ_CFG_IRQ_INT) |
                     (value & (IRQ_CFG_INT_DEAS_MASK | IRQ_CFG_IRQ_EN | IRQ_CFG_IRQ_POL |
                               IRQ_CFG_IRQ_TYPE));
        break;
    case INT_STS:
        s->int_sts &= ~value;
        /* The PHY interrupt follows the PHY's own source register. */
        phy_update_irq(s);
        break;
    case INT_EN:
        s->int_en = value & INT_VALID;
        /* Enabling the software interrupt raises it (smsc911x's IRQ self-test). */
        if (value & INT_SW)
            s->int_sts |= INT_SW;
        break;
    case FIFO_INT:
        s->fifo_int = value;
        break;
    case RX_CFG:
        if (value & RX_CFG_DUMP)
            lan_rx_flush(s);
        s->rx_cfg = value & RX_CFG_WRITABLE & ~RX_CFG_DUMP;
        break;
    case TX_CFG:
        if (value & TX_CFG_TXS_DUMP)
            s->tx_status_head = s->tx_status_count = 0;
        if (value & TX_CFG_TXD_DUMP) {
            lan_tx_flush_data(s);
            lan_check_tx_space(s);
        }
        s->tx_cfg = value & (TX_CFG_TXSAO | TX_CFG_TX_ON);
        if (value & TX_CFG_STOP_TX) {
            /* Nothing is ever waiting to go out: the transmitter stops at once. */
            s->tx_cfg &= ~TX_CFG_TX_ON;
            s->int_sts |= INT_TXSTOP;
        }
        break;
    case HW_CFG:
        lan_write_hw_cfg(s, value);
        break;
    case RX_DP_CTRL:
        if (value & RX_DP_FFWD)
            lan_rx_fast_forward(s);
        break;
    case PMT_CTRL:
        if (value & PMT_PHY_RST)
            phy_reset(s);
        s->pmt_ctrl = PMT_READY | (value & PMT_WRITABLE);
        break;
    case GPIO_CFG:
        s->gpio_cfg = value & GPIO_CFG_WRITABLE;
        break;
    case GPT_CFG:
        lan_write_gpt_cfg(s, value);
        break;
    case WORD_SWAP:
        s->word_swap = value;
        break;
    case MAC_CSR_CMD:
        lan_mac_csr_command(s, value);
        break;
    case MAC_CSR_DATA:
        s->mac_csr_data = value;
        break;
    case AFC_CFG:
        s->afc_cfg = value & 0x00ffffffu;
        break;
    case E2P_CMD:
        lan_eeprom_command(s, value);
        break;
    case E2P_DATA:
        s->e2p_data = value & 0xffu;
        break;
    case RX_STATUS_FIFO:
    case RX_STATUS_PEEK:
    case TX_STATUS_FIFO:
    case TX_STATUS_PEEK:
    case ID_REV:
    case BYTE_TEST:
    case RX_FIFO_INF:
    case TX_FIFO_INF:
    case GPT_CNT:
    case FREE_RUN:
    case RX_DROP:
        device_guest_error(&s->dev, "write 0x%x to read-only %s", value, lan_reg_name(offset));
        break;
    default:
        if (offset < TX_DATA_FIFO)
            device_guest_error(&s->dev, "write 0x%x to the read-only RX data FIFO port", value);
        else
            device_guest_error(&s->dev, "write 0x%x to unknown register +0x%02x", value,
                               offset);
        break;
    }
}

static uint32_t lan_mmio_read(void *opaque, uint32_t offset, unsigned size)
{
    struct lan9118 *s = opaque;
    offset &= LAN_REGS_MASK;
    if (size != 4 || (offset & 3)) {
        device_guest_error(&s->dev, "%u-byte read of +0x%02x (32-bit bus): reads 0", size,
                           offset);
        return 0;
    }
    uint32_t value = lan_read(s, offset);
    lan_update_irq(s);
    device_trace_access(&s->dev, "read", offset, lan_reg_name(offset), value, size);
    return value;
}

static void lan_mmio_write(void *opaque, uint32_t offset, uint32_t value, unsigned size)
{
    struct lan9118 *s = opaque;
    offset &= LAN_REGS_MASK;
    device_trace_access(&s->dev, "write", offset, lan_reg_name(offset), value, size);
    if (size != 4 || (offset & 3)) {
        device_guest_error(&s->dev, "%u-byte write to +0x%02x ignored (32-bit bus)", size,
                           offset);
        return;
    }
    lan_write(s, offset, value);
    lan_update_irq(s);
}

static const struct mmio_ops lan_mmio_ops = {
    .read = lan_mmio_read,
    .write = lan_mmio_write,
};

void lan9118_set_backend(struct lan9118 *nic, struct net_backend backend)
{
    nic->backend = backend;
}

/*
 * HW_CFG SRST: everything but the IRQ pin's polarity and type (data sheet:
 * "protected from soft reset") returns to its reset value, the PHY
 * included, and the MAC address is reloaded from the EEPROM.
 */
static void lan_soft_reset(struct lan9118 *s)
{
    s->irq_cfg &= IRQ_CFG_IRQ_POL | IRQ_CFG_IRQ_TYPE;
    s->int_sts = 0;
    s->int_en = 0;
    s->fifo_int = FIFO_INT_RESET;
    s->rx_cfg = 0;
    s->tx_cfg = 0;
    s->hw_cfg = HW_CFG_32BIT;
    lan_set_fifo_sizes(s, HW_CFG_DEFAULT_FIF_SZ);
    s->pmt_ctrl = PMT_READY;
    s->gpio_cfg = 0;
    s->gpt_cfg = GPT_LOAD_MASK;
    vclock_cancel(s->dev.clock, &s->gpt_event);
    s->word_swap = 0;
    s->afc_cfg = 0;
    s->e2p_cmd = 0;
    s->e2p_data = 0;
    s->mac_csr_cmd = 0;
    s->mac_csr_data = 0;
    s->rx_drop = 0;
    s->free_run_origin_ns = lan_now_ns(s);

    s->mac_cr = MAC_CR_RESET;
    memset(s->mac, 0xff, sizeof(s->mac));
    s->hashh = s->hashl = 0;
    s->mii_acc = s->mii_data = 0;
    s->flow = 0;
    s->vlan1 = s->vlan2 = 0;
    s->wucsr = 0;
    memset(s->wuff, 0, sizeof(s->wuff));
    s->wuff_index = 0;
    s->eeprom_write_enabled = false;

    phy_reset(s);
    lan_eeprom_reload(s);
    lan_update_irq(s);
}

/* Power-on reset: the IRQ pin configuration is cleared too. */
static void lan_reset(struct device *dev)
{
    struct lan9118 *s = (struct lan9118 *)dev;
    s->irq_cfg = 0;
    lan_soft_reset(s);
}

static void lan_dump(struct device *dev, FILE *out)
{
    struct lan9118 *s = (struct lan9118 *)dev;
    fprintf(out, "%s (lan9118) @ 0x%08llx: MAC %02x:%02x:%02x:%02x:%02x:%02x, link %s, "
            "irq %d\n", dev->name, (unsigned long long)dev->base, s->mac[0], s->mac[1],
            s->mac[2], s->mac[3], s->mac[4], s->mac[5], s->phy.link ? "up" : "down",
            s->irq_level);
    static const uint32_t regs[] = {
        IRQ_CFG, INT_STS, INT_EN, FIFO_INT, RX_CFG, TX_CFG, HW_CFG,
        PMT_CTRL, GPIO_CFG, GPT_CFG, AFC_CFG, E2P_CMD,
    };
    unsigned column = 0;
    for (unsigned i = 0; i < sizeof(regs) / sizeof(regs[0]); i++) {
        /* These registers read without side effects. */
        fprintf(out, "  %-12s 0x%08x", lan_reg_name(regs[i]), lan_read(s, regs[i]));
        if (++column == 3) {
            fputc('\n', out);
            column = 0;
        }
    }
    if (column)
        fputc('\n', out);
    for (unsigned i = MAC_CR; i <= MAC_FLOW; i++)
        fprintf(out, "  %s 0x%08x%s", mac_names[i], lan_mac_read(s, i),
                i == MAC_HASHL ? "\n" : "");
    fprintf(out, "\n  RX FIFO: %u status, %u data words; TX FIFO: %u status, %u bytes used\n",
            s->rx_status_count, s->rx_data_count, s->tx_status_count, s->tx_fifo_used);
    fprintf(out, "  frames: %llu sent, %llu TX dropped, %llu received, %llu filtered, "
            "%llu RX dropped\n", (unsigned long long)s->tx_frames,
            (unsigned long long)s->tx_dropped, (unsigned long long)s->rx_frames,
            (unsigned long long)s->rx_filtered, (unsigned long long)s->rx_dropped);
}

static void lan_destroy(struct device *dev)
{
    struct lan9118 *s = (struct lan9118 *)dev;
    vclock_cancel(s->dev.clock, &s->gpt_event);
    free(s);
}

/*
 * savevm/loadvm: every register, the PHY and EEPROM, and the FIFOs with
 * their current sizes (validated, since they are the moduli of every
 * FIFO index).
 */
static int lan_snapshot(struct device *dev, struct snapshot_io *io)
{
    struct lan9118 *lan = (struct lan9118 *)dev;
    struct lan9118 *s = snapshot_stage(io, lan, sizeof(*lan));
    if (!s)
        return -1;
    snap_i32(io, &s->irq_level);
    if (s->irq_level < -1 || s->irq_level > 1)
        snap_fail(io, "IRQ pin level %d", s->irq_level);
    snap_event(io, &s->gpt_event);
    uint32_t *regs[] = { &s->irq_cfg, &s->int_sts, &s->int_en, &s->fifo_int, &s->rx_cfg,
                         &s->tx_cfg, &s->hw_cfg, &s->pmt_ctrl, &s->gpio_cfg, &s->gpt_cfg,
                         &s->word_swap, &s->afc_cfg, &s->e2p_cmd, &s->e2p_data,
                         &s->mac_csr_cmd, &s->mac_csr_data, &s->rx_drop, &s->mac_cr,
                         &s->hashh, &s->hashl, &s->mii_acc, &s->mii_data, &s->flow,
                         &s->vlan1, &s->vlan2, &s->wucsr };
    for (size_t i = 0; i < sizeof(regs) / sizeof(regs[0]); i++)
        snap_u32(io, regs[i]);
    snap_u64(io, &s->free_run_origin_ns);
    snap_u64(io, &s->gpt_start_ns);
    snap_u32_array(io, s->wuff, 8);
    snap_u32_max(io, "wakeup filter index", &s->wuff_index, 7);
    snap_bytes(io, s->mac, NET_ETH_ALEN);

    struct lan9118_phy *phy = &s->phy;
    uint16_t *phy_regs[] = { &phy->bmcr, &phy->anar, &phy->mode_ctrl, &phy->special_modes,
                             &phy->special_ctrl, &phy->int_src, &phy->int_mask };
    for (size_t i = 0; i < sizeof(phy_regs) / sizeof(phy_regs[0]); i++)
        snap_u16(io, phy_regs[i]);
    snap_bool(io, "link", &phy->link);
    snap_bytes(io, s->eeprom, LAN9118_EEPROM_BYTES);
    snap_bool(io, "EEPROM write enable", &s->eeprom_write_enabled);

    snap_u32_max(io, "TX data FIFO bytes", &s->tx_data_bytes, LAN9118_FIFO_BYTES);
    snap_u32_max(io, "RX data FIFO words", &s->rx_data_words, LAN9118_RX_DATA_MAX_WORDS);
    snap_u32_max(io, "RX status FIFO entries", &s->rx_status_entries, LAN9118_RX_STATUS_MAX);
    if (!snapshot_saving(io) && (s->rx_data_words == 0 || s->rx_status_entries == 0))
        snap_fail(io, "empty RX FIFO size");

    snap_u32_max(io, "TX state", &s->tx_state, TX_DATA);
    snap_u32(io, &s->tx_cmd_a);
    snap_u32(io, &s->tx_cmd_b);
    snap_u32(io, &s->tx_word_index);
    snap_u32(io, &s->tx_words_left);
    snap_u32_max(io, "TX FIFO used", &s->tx_fifo_used, LAN9118_FIFO_BYTES);
    snap_bool(io, "TX first segment seen", &s->tx_first_seen);
    snap_bool(io, "TX interrupt on completion", &s->tx_ioc);
    snap_bool(io, "TX error", &s->tx_error);
    snap_bytes(io, s->tx_frame, LAN9118_TX_FRAME_MAX);
    uint32_t frame_len = (uint32_t)s->tx_frame_len;
    snap_u32_max(io, "TX frame length", &frame_len, LAN9118_TX_FRAME_MAX);
    s->tx_frame_len = frame_len;
    snap_u32_array(io, s->tx_status, LAN9118_TX_STATUS_MAX);
    snap_u32_max(io, "TX status head", &s->tx_status_head, LAN9118_TX_STATUS_MAX - 1);
    snap_u32_max(io, "TX status count", &s->tx_status_count, LAN9118_TX_STATUS_MAX);

    snap_u32_array(io, s->rx_data, LAN9118_RX_DATA_MAX_WORDS);
    snap_u32_max(io, "RX data head", &s->rx_data_head, s->rx_data_words - 1);
    snap_u32_max(io, "RX data count", &s->rx_data_count, s->rx_data_words);
    snap_u32_array(io, s->rx_status, LAN9118_RX_STATUS_MAX);
    snap_u32_max(io, "RX status head", &s->rx_status_head, s->rx_status_entries - 1);
    snap_u32_max(io, "RX status count", &s->rx_status_count, s->rx_status_entries);
    snap_u16_array(io, s->rx_words, LAN9118_RX_STATUS_MAX);
    snap_u32_max(io, "RX length head", &s->rx_words_head, s->rx_status_entries - 1);
    snap_u32_max(io, "RX length count", &s->rx_words_count, s->rx_status_entries);
    snap_u32_max(io, "RX frame words left", &s->rx_cur_words, s->rx_data_words);

    uint64_t *counters[] = { &s->tx_frames, &s->tx_dropped, &s->rx_frames, &s->rx_filtered,
                             &s->rx_dropped };
    for (size_t i = 0; i < sizeof(counters) / sizeof(counters[0]); i++)
        snap_u64(io, counters[i]);
    return snapshot_unstage(io, lan, s);
}

struct lan9118 *lan9118_create(const char *name, uint64_t base, struct irq_line irq,
                               const uint8_t mac[NET_ETH_ALEN], struct net_backend backend,
                               struct vclock *clock, struct trace *trace)
{
    static const uint8_t default_mac[NET_ETH_ALEN] = LAN9118_DEFAULT_MAC;
    if (!clock)
        return NULL;
    struct lan9118 *s = calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    s->dev.name = name;
    s->dev.type = "lan9118";
    s->dev.base = base;
    s->dev.size = 0x10000;
    s->dev.ops = &lan_mmio_ops;
    s->dev.reset = lan_reset;
    s->dev.dump = lan_dump;
    s->dev.destroy = lan_destroy;
    s->dev.snapshot = lan_snapshot;
    s->dev.trace = trace;
    s->dev.clock = clock;
    s->irq = irq;
    s->irq_level = -1;      /* so reset drives the pin once */
    s->backend = backend;
    clock_event_init(&s->gpt_event, "lan9118-gpt", lan_gpt_fire, s);
    /* The EEPROM: signature, then the MAC address the chip loads at reset. */
    memset(s->eeprom, 0xff, sizeof(s->eeprom));
    s->eeprom[0] = E2P_SIGNATURE;
    memcpy(&s->eeprom[1], mac ? mac : default_mac, NET_ETH_ALEN);
    lan_reset(&s->dev);
    return s;
}
