/*
 * SMSC LAN91C111 non-PCI 10/100 Ethernet controller (LAN91C111 data sheet,
 * "Register description", and its internal LAN83C183 PHY), as on the
 * Versatile PB at 0x10010000, interrupt on VIC line 25.
 *
 * MMIO: 16 bytes of registers, repeated through the board's 64 KiB chip
 * select. Byte lanes are decoded individually, so 8-, 16- and 32-bit
 * accesses all work as on the chip; Linux's smc91x driver uses 16-bit
 * accesses on this board. Offset 0xe/0xf is the bank select register in
 * every bank; the other 14 bytes are one of four banks:
 *   bank 0  TCR, EPH STATUS, RCR, COUNTER, MIR, RPCR
 *   bank 1  CONFIG, BASE, IA0-5, GENERAL, CONTROL
 *   bank 2  MMU COMMAND, PNR/ARR, FIFO PORTS, POINTER, DATA, INTERRUPT/MASK
 *   bank 3  MT0-7, MGMT, REVISION, ERCV
 * Output: one active-high interrupt, the OR of (interrupt status & mask).
 *
 * Packet memory: four 2 KiB pages. Transmit: ALLOCATE (the page number
 * appears in ARR with ALLOC_INT), fill it through POINTER/DATA (status
 * word, byte count, data, control byte), ENQUEUE; with TXENA set the frame
 * goes to the backend at once, then the page is released (AUTO_RELEASE)
 * or its number goes to the TX completion FIFO (TX_INT). Receive: a frame
 * that passes the address filter (individual address, broadcast,
 * multicast hash or ALMUL, promiscuous) gets a page and its number goes to
 * the RX FIFO (RCV_INT while not empty); without a free page it is dropped
 * and RX_OVRN is raised.
 *
 * The PHY sits behind the MGMT register's bit-banged MDIO port at PHY
 * address 0: IEEE 802.3 clause 22 frames decoded on rising MCLK edges,
 * link always up (down while BMCR power-down is set), auto-negotiation
 * complete at once with a 100BASE-TX full-duplex partner.
 *
 * Not modelled: collisions and the COUNTER register (reads zero), early
 * receive/transmit (ERCV threshold stored, no ERCV_INT), external PHY,
 * bank 7, the MCLK-level MII timing, frame CRCs on transmit (the backend
 * gets frames without FCS; NOCRC has no effect), TCR LOOP (EPH_LOOP loops
 * frames back to the receiver), BASE address decoding (stored only), and
 * the EEPROM beyond the MAC address (STORE keeps IA0-5 for later RELOADs).
 */
#include "devices/smc91c111.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/trace.h"
#include "devices/machine_snapshot.h"

#define SMC_REGS_MASK 0xfu
#define SMC_BSR 0xe             /* bank select, all banks */
#define SMC_BSR_ID 0x33         /* BSR high byte */

/* Bank 0 byte offsets */
#define B0_TCR 0x0
#define B0_EPH_STATUS 0x2
#define B0_RCR 0x4
#define B0_COUNTER 0x6
#define B0_MIR 0x8
#define B0_RPCR 0xa
/* Bank 1 */
#define B1_CONFIG 0x0
#define B1_BASE 0x2
#define B1_IA 0x4               /* ..0x9 */
#define B1_GP 0xa
#define B1_CONTROL 0xc
/* Bank 2 */
#define B2_MMU_CMD 0x0
#define B2_PNR 0x2
#define B2_ARR 0x3
#define B2_TX_FIFO 0x4
#define B2_RX_FIFO 0x5
#define B2_POINTER 0x6
#define B2_DATA 0x8             /* ..0xb */
#define B2_INT 0xc
#define B2_INT_MASK 0xd
/* Bank 3 */
#define B3_MT 0x0               /* ..0x7 */
#define B3_MGMT 0x8
#define B3_REVISION 0xa
#define B3_ERCV 0xc

/* TCR */
#define TCR_TXENA    0x0001
#define TCR_PAD_EN   0x0080
#define TCR_EPH_LOOP 0x2000
/* EPH STATUS */
#define ES_TX_SUC    0x0001
#define ES_LTX_MULT  0x0008
#define ES_LTX_BRD   0x0040
#define ES_LINK_OK   0x4000
/* RCR */
#define RCR_PRMS      0x0002
#define RCR_ALMUL     0x0004
#define RCR_RXEN      0x0100
#define RCR_STRIP_CRC 0x0200
#define RCR_SOFT_RST  0x8000
/* CONTROL */
#define CTL_STORE        0x0001
#define CTL_RELOAD       0x0002
#define CTL_AUTO_RELEASE 0x0800
/* MMU COMMAND, bits 7:5 */
#define MC_NOP        0
#define MC_ALLOC      1
#define MC_RESET      2
#define MC_REMOVE     3
#define MC_RELEASE    4
#define MC_FREEPKT    5
#define MC_ENQUEUE    6
#define MC_RSTTXFIFO  7
/* ARR / FIFO PORTS */
#define ARR_FAILED    0x80
#define FIFO_EMPTY    0x80
#define PNR_MASK      0x3f
/* POINTER */
#define PTR_RCV       0x8000
#define PTR_AUTOINC   0x4000
#define PTR_NOT_EMPTY 0x0800        /* read-only: the write FIFO is never busy here */
#define PTR_ADDR_MASK 0x07ff
/* INTERRUPT */
#define INT_RCV     0x01
#define INT_TX      0x02
#define INT_TX_EMPTY 0x04
#define INT_ALLOC   0x08
#define INT_RX_OVRN 0x10
#define INT_EPH     0x20
#define INT_ERCV    0x40
#define INT_MD      0x80
#define INT_ACK_MASK (INT_TX_EMPTY | INT_RX_OVRN | INT_ERCV | INT_MD)
/* MGMT */
#define MGMT_MDO        0x0001
#define MGMT_MDI        0x0002
#define MGMT_MCLK       0x0004
#define MGMT_MDOE       0x0008
#define MGMT_WRITABLE   (MGMT_MDO | MGMT_MCLK | MGMT_MDOE | 0x4000)
#define MGMT_FIXED      0x3330      /* reserved bits read as ones */
/* REVISION: chip 9 (LAN91C111), revision 1 */
#define SMC_REVISION    0x3391
/* Packet layout in a page */
#define PKT_STATUS 0
#define PKT_COUNT 2
#define PKT_DATA 4
#define CTLB_ODD 0x20
/* Receive frame status word */
#define RS_MULTICAST 0x0001
#define RS_ODDFRAME  0x1000
#define RS_BRODCAST  0x4000

/* Reset values (data sheet register descriptions). */
#define CONFIG_RESET  0xa0b1
#define CONTROL_RESET 0x1210
#define ERCV_RESET    0x1f

/* LAN83C183 PHY registers */
#define PHY_ADDR 0
#define MII_BMCR 0
#define MII_BMSR 1
#define MII_PHYSID1 2
#define MII_PHYSID2 3
#define MII_ANAR 4
#define MII_ANLPAR 5
#define MII_ANER 6
#define PHY_CFG1 16
#define PHY_CFG2 17
#define PHY_INT 18
#define PHY_MASK 19
#define BMCR_RESET     0x8000
#define BMCR_SPEED100  0x2000
#define BMCR_ANENABLE  0x1000
#define BMCR_PDOWN     0x0800
#define BMCR_ANRESTART 0x0200
#define BMCR_FULLDPLX  0x0100
#define BMSR_ABILITIES 0x7809      /* 100TX FD/HD, 10T FD/HD, AN able, extended */
#define BMSR_LSTATUS   0x0004
#define BMSR_ANEGCOMPLETE 0x0020
#define ANAR_RESET     0x01e1
#define ANLPAR_PARTNER 0x41e1      /* ack, 100TX FD/HD, 10T FD/HD, 802.3 */
#define ANAR_100FULL   0x0100
#define ANAR_100HALF   0x0080
#define ANAR_10FULL    0x0040
#define PHY_INT_INT     0x8000
#define PHY_INT_LNKFAIL 0x4000
#define PHY_INT_SPDDET  0x0080
#define PHY_INT_DPLXDET 0x0040
#define PHY_MASK_RESET  0xffc0
#define PHY_ID1 0x0016
#define PHY_ID2 0xf840

enum mii_state { MII_IDLE, MII_HEADER, MII_WRITE, MII_READ };

/* Two-byte register names per bank, for tracing only. */
static const char *const smc_reg_names[4][8] = {
    { "TCR", "EPH_STATUS", "RCR", "COUNTER", "MIR", "RPCR", "B0_RESERVED", "BSR" },
    { "CONFIG", "BASE", "IA0_1", "IA2_3", "IA4_5", "GP", "CONTROL", "BSR" },
    { "MMU_CMD", "PNR_ARR", "FIFO_PORTS", "POINTER", "DATA", "DATA_HI", "INT_MASK", "BSR" },
    { "MT0_1", "MT2_3", "MT4_5", "MT6_7", "MGMT", "REVISION", "ERCV", "BSR" },
};

static const char *smc_reg_name(const struct smc91c111 *s, uint32_t offset)
{
    offset &= SMC_REGS_MASK;
    if (offset >= SMC_BSR)
        return "BSR";
    return s->bank < 4 ? smc_reg_names[s->bank][offset >> 1] : NULL;
}

/* ---- Ethernet CRC (IEEE 802.3, reflected, polynomial 0x04c11db7) ---- */

static uint32_t smc_crc32_raw(uint32_t crc, const uint8_t *p, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        crc ^= p[i];
        for (int b = 0; b < 8; b++)
            crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
    }
    return crc;
}

/* ---- interrupts ---- */

static uint8_t smc_int_status(const struct smc91c111 *s)
{
    uint8_t status = s->int_latched;
    if (s->rx_count)
        status |= INT_RCV;
    if (s->tx_done_count)
        status |= INT_TX;
    return status;
}

/* Recomputes the interrupt output; the only place it changes. */
static void smc_update_irq(struct smc91c111 *s)
{
    int level = (smc_int_status(s) & s->int_mask) != 0;
    if (level != s->irq_level) {
        s->irq_level = level;
        trace_printf(s->dev.trace, TRACE_IRQ, "%s: IRQ %d", s->dev.name, level);
        irq_set(&s->irq, level);
    }
}

/* ---- PHY ---- */

static bool phy_link_up(const struct smc91c111_phy *phy)
{
    return !(phy->bmcr & BMCR_PDOWN);
}

/* Link changes latch INT in register 18 and raise MDINT unless masked there. */
static void phy_check_link(struct smc91c111 *s)
{
    struct smc91c111_phy *phy = &s->phy;
    bool link = phy_link_up(phy);
    if (link == phy->link)
        return;
    phy->link = link;
    phy->int_pending = true;
    if (!(phy->int_mask & PHY_INT_LNKFAIL))
        s->int_latched |= INT_MD;
}

static void phy_reset(struct smc91c111_phy *phy)
{
    phy->bmcr = BMCR_SPEED100 | BMCR_ANENABLE;
    phy->anar = ANAR_RESET;
    phy->cfg1 = 0;
    phy->cfg2 = 0;
    phy->int_mask = PHY_MASK_RESET;
    phy->int_pending = false;
}

/* Register 18: the negotiated (or forced) speed and duplex, and the link. */
static uint16_t phy_status_output(struct smc91c111_phy *phy)
{
    uint16_t value = 0;
    if (phy->bmcr & BMCR_ANENABLE) {
        uint16_t common = phy->anar & ANLPAR_PARTNER;
        if (common & (ANAR_100FULL | ANAR_100HALF))
            value |= PHY_INT_SPDDET;
        if (common & ANAR_100FULL || (!(common & (ANAR_100FULL | ANAR_100HALF)) &&
                                      (common & ANAR_10FULL)))
            value |= PHY_INT_DPLXDET;
    } else {
        if (phy->bmcr & BMCR_SPEED100)
            value |= PHY_INT_SPDDET;
        if (phy->bmcr & BMCR_FULLDPLX)
            value |= PHY_INT_DPLXDET;
    }
    if (!phy_link_up(phy))
        value |= PHY_INT_LNKFAIL;
    if (phy->int_pending)
        value |= PHY_INT_INT;
    phy->int_pending = false;   /* INT clears when read */
    return value;
}

static uint16_t phy_read(struct smc91c111 *s, unsigned reg)
{
    struct smc91c111_phy *phy = &s->phy;
    switch (reg) {
    case MII_BMCR:
        return phy->bmcr;
    case MII_BMSR:
        return BMSR_ABILITIES | (phy_link_up(phy) ? BMSR_LSTATUS | BMSR_ANEGCOMPLETE : 0);
    case MII_PHYSID1:
        return PHY_ID1;
    case MII_PHYSID2:
        return PHY_ID2;
    case MII_ANAR:
        return phy->anar;
    case MII_ANLPAR:
        return phy_link_up(phy) ? ANLPAR_PARTNER : 0;
    case MII_ANER:
        return 0x0001;          /* the partner can auto-negotiate */
    case PHY_CFG1:
        return phy->cfg1;
    case PHY_CFG2:
        return phy->cfg2;
    case PHY_INT:
        return phy_status_output(phy);
    case PHY_MASK:
        return phy->int_mask;
    default:
        return 0;
    }
}

static void phy_write(struct smc91c111 *s, unsigned reg, uint16_t value)
{
    struct smc91c111_phy *phy = &s->phy;
    switch (reg) {
    case MII_BMCR:
        if (value & BMCR_RESET) {
            phy_reset(phy);     /* self-clearing, done at once */
            break;
        }
        phy->bmcr = value & ~BMCR_ANRESTART;   /* negotiation completes at once */
        break;
    case MII_ANAR:
        phy->anar = value;
        break;
    case PHY_CFG1:
        phy->cfg1 = value;
        break;
    case PHY_CFG2:
        phy->cfg2 = value;
        break;
    case PHY_MASK:
        phy->int_mask = value;
        break;
    default:
        trace_printf(s->dev.trace, TRACE_UNIMP, "%s: PHY register %u write 0x%04x ignored",
                     s->dev.name, reg, value);
        break;
    }
    phy_check_link(s);
}

/*
 * One rising MCLK edge on the management port. Clause 22 frame: preamble
 * of ones, start 01, opcode (10 read, 01 write), 5-bit PHY address, 5-bit
 * register, turnaround, 16 data bits. On a read the PHY drives MDI from
 * the edge after the register address: turnaround zero, then D15..D0.
 */
static void phy_clock(struct smc91c111 *s, bool bit)
{
    struct smc91c111_phy *phy = &s->phy;
    switch (phy->state) {
    case MII_IDLE:
        if (!bit) {             /* first start bit */
            phy->state = MII_HEADER;
            phy->shift = 0;
            phy->count = 1;
        }
        break;
    case MII_HEADER: {
        phy->shift = phy->shift << 1 | bit;
        if (++phy->count < 14)
            break;
        /* 14 bits: start (01), opcode, PHY address, register address. */
        unsigned start = (phy->shift >> 12) & 3, op = (phy->shift >> 10) & 3;
        phy->phyad = (phy->shift >> 5) & 0x1f;
        phy->regad = phy->shift & 0x1f;
        phy->count = 0;
        phy->shift = 0;
        phy->state = MII_IDLE;
        if (start != 1)
            break;
        if (op == 1) {
            phy->state = MII_WRITE;
        } else if (op == 2 && phy->phyad == PHY_ADDR) {
            /* Other addresses have no PHY: MDIO stays undriven and reads zero. */
            phy->out = phy_read(s, phy->regad);
            phy->mdi = false;   /* first turnaround bit */
            phy->state = MII_READ;
        }
        break;
    }
    case MII_WRITE:
        phy->shift = phy->shift << 1 | bit;
        if (++phy->count == 18) {
            if (phy->phyad == PHY_ADDR)
                phy_write(s, phy->regad, (uint16_t)phy->shift);
            phy->state = MII_IDLE;
        }
        break;
    case MII_READ:
        phy->count++;
        if (phy->count >= 2 && phy->count <= 17)
            phy->mdi = (phy->out >> (17 - phy->count)) & 1;
        else
            phy->mdi = false;
        if (phy->count == 18)
            phy->state = MII_IDLE;
        break;
    default:
        phy->state = MII_IDLE;
        break;
    }
}

static void smc_write_mgmt(struct smc91c111 *s, uint16_t value)
{
    uint16_t old = s->mgmt;
    s->mgmt = value & MGMT_WRITABLE;
    if ((s->mgmt & MGMT_MCLK) && !(old & MGMT_MCLK)) {
        /* An undriven MDIO line is pulled up. */
        bool bit = (s->mgmt & MGMT_MDOE) ? (s->mgmt & MGMT_MDO) != 0 : true;
        phy_clock(s, bit);
    }
}

/* ---- MMU ---- */

static int smc_alloc_page(struct smc91c111 *s)
{
    for (unsigned i = 0; i < SMC91C111_PACKETS; i++) {
        if (!(s->allocated & (1u << i))) {
            s->allocated |= (uint8_t)(1u << i);
            return (int)i;
        }
    }
    return -1;
}

static void smc_try_alloc(struct smc91c111 *s)
{
    int page = smc_alloc_page(s);
    if (page < 0) {
        s->arr = ARR_FAILED;
        s->alloc_pending = true;
        return;
    }
    s->arr = (uint8_t)page;
    s->alloc_pending = false;
    s->int_latched |= INT_ALLOC;
}

static void smc_release_page(struct smc91c111 *s, unsigned page)
{
    if (page >= SMC91C111_PACKETS) {
        device_guest_error(&s->dev, "release of packet number %u", page);
        return;
    }
    s->allocated &= (uint8_t)~(1u << page);
    if (s->alloc_pending)
        smc_try_alloc(s);
}

static void smc_fifo_pop(uint8_t *fifo, unsigned *count)
{
    if (!*count)
        return;
    (*count)--;
    memmove(fifo, fifo + 1, *count);
}

static void smc_mmu_reset(struct smc91c111 *s)
{
    s->allocated = 0;
    s->tx_count = s->tx_done_count = s->rx_count = 0;
    s->alloc_pending = false;
}

/* ---- receive ---- */

static bool smc_rx_enabled(const struct smc91c111 *s)
{
    return (s->rcr & RCR_RXEN) && !(s->rcr & RCR_SOFT_RST);
}

bool smc91c111_can_receive(const struct smc91c111 *nic)
{
    return smc_rx_enabled(nic) && nic->allocated != (1u << SMC91C111_PACKETS) - 1 &&
           nic->rx_count < SMC91C111_PACKETS;
}

/* The multicast hash as the chip computes it: six CRC bits pick one of 64. */
static bool smc_mcast_hit(const struct smc91c111 *s, const uint8_t *dest)
{
    static const uint8_t reverse3[8] = { 0, 4, 2, 6, 1, 5, 3, 7 };
    unsigned position = smc_crc32_raw(0xffffffffu, dest, NET_ETH_ALEN) & 0x3fu;
    unsigned reg = reverse3[position & 7], bit = reverse3[(position >> 3) & 7];
    return (s->mcast[reg] >> bit) & 1u;
}

/* Address filter: returns the status bits for an accepted frame, -1 to drop it. */
static int smc_filter(const struct smc91c111 *s, const uint8_t *dest)
{
    static const uint8_t broadcast[NET_ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
    if (memcmp(dest, broadcast, NET_ETH_ALEN) == 0)
        return RS_BRODCAST;
    if (dest[0] & 1)
        return (s->rcr & (RCR_PRMS | RCR_ALMUL)) || smc_mcast_hit(s, dest) ? RS_MULTICAST : -1;
    if (memcmp(dest, s->ia, NET_ETH_ALEN) == 0 || (s->rcr & RCR_PRMS))
        return 0;
    return -1;
}

int smc91c111_receive(struct smc91c111 *nic, const uint8_t *frame, size_t len)
{
    struct smc91c111 *s = nic;
    if (!smc_rx_enabled(s))
        return -ENETDOWN;
    if (len < 2 * NET_ETH_ALEN + 2)
        return -EINVAL;
    if (len > NET_ETH_MAX_FRAME + 4)
        return -EMSGSIZE;
    int status = smc_filter(s, frame);
    if (status < 0) {
        s->rx_filtered++;
        return 1;
    }
    int page = s->rx_count < SMC91C111_PACKETS ? smc_alloc_page(s) : -1;
    if (page < 0) {
        s->rx_dropped++;
        s->int_latched |= INT_RX_OVRN;
        smc_update_irq(s);
        return -ENOBUFS;
    }

    /* Short frames arrive padded on the wire. */
    uint8_t padded[NET_ETH_MIN_FRAME];
    if (len < NET_ETH_MIN_FRAME) {
        memcpy(padded, frame, len);
        memset(padded + len, 0, NET_ETH_MIN_FRAME - len);
        frame = padded;
        len = NET_ETH_MIN_FRAME;
    }
    bool odd = len & 1;
    bool crc = !(s->rcr & RCR_STRIP_CRC);
    size_t even = len & ~(size_t)1;
    size_t count = even + 6 + (crc ? 4 : 0);
    uint8_t *p = s->data[page];
    if (odd)
        status |= RS_ODDFRAME;
    p[PKT_STATUS] = (uint8_t)status;
    p[PKT_STATUS + 1] = (uint8_t)(status >> 8);
    p[PKT_COUNT] = (uint8_t)count;
    p[PKT_COUNT + 1] = (uint8_t)(count >> 8);
    memcpy(p + PKT_DATA, frame, even);
    size_t at = PKT_DATA + even;
    if (crc) {
        uint32_t fcs = ~smc_crc32_raw(0xffffffffu, frame, len);
        for (unsigned i = 0; i < 4; i++)
            p[at++] = (uint8_t)(fcs >> (8 * i));
    }
    /* Last word: the odd byte (if any) and the control byte. */
    p[at] = odd ? frame[len - 1] : 0;
    p[at + 1] = (uint8_t)(0x40 | (odd ? CTLB_ODD : 0));

    s->rx_fifo[s->rx_count++] = (uint8_t)page;
    s->rx_frames++;
    smc_update_irq(s);
    return 0;
}

/* ---- transmit ---- */

static void smc_transmit_page(struct smc91c111 *s, unsigned page)
{
    uint8_t *p = s->data[page];
    size_t count = ((size_t)p[PKT_COUNT] | (size_t)p[PKT_COUNT + 1] << 8) & 0x7fe;
    size_t len = count >= 6 ? count - 6 : 0;
    if (count < 6)
        device_guest_error(&s->dev, "transmit packet %u with byte count %zu", page, count);
    if (len > SMC91C111_PAGE_SIZE - 6)
        len = SMC91C111_PAGE_SIZE - 6;
    /* The control byte follows the data; ODD means the byte before it is data too. */
    if (p[PKT_DATA + len + 1] & CTLB_ODD)
        len++;

    uint8_t frame[SMC91C111_PAGE_SIZE];
    memcpy(frame, p + PKT_DATA, len);
    if (len < NET_ETH_MIN_FRAME && (s->tcr & TCR_PAD_EN)) {
        memset(frame + len, 0, NET_ETH_MIN_FRAME - len);
        len = NET_ETH_MIN_FRAME;
    }

    uint16_t status = ES_TX_SUC | (phy_link_up(&s->phy) ? ES_LINK_OK : 0);
    if (len >= NET_ETH_ALEN && (frame[0] & 1))
        status |= memcmp(frame, "\xff\xff\xff\xff\xff\xff", NET_ETH_ALEN) == 0 ? ES_LTX_BRD
                                                                             : ES_LTX_MULT;
    s->eph_status = status;
    p[PKT_STATUS] = (uint8_t)status;
    p[PKT_STATUS + 1] = (uint8_t)(status >> 8);

    if (s->control & CTL_AUTO_RELEASE)
        smc_release_page(s, page);     /* successful frames leave no completion entry */
    else if (s->tx_done_count < SMC91C111_PACKETS)
        s->tx_done[s->tx_done_count++] = (uint8_t)page;
    s->tx_frames++;

    if (s->tcr & TCR_EPH_LOOP)
        smc91c111_receive(s, frame, len);
    else
        net_backend_send(&s->backend, frame, len);
}

/* Sends everything queued while the transmitter is enabled. */
static void smc_do_tx(struct smc91c111 *s)
{
    if (!(s->tcr & TCR_TXENA) || !s->tx_count)
        return;
    while (s->tx_count) {
        unsigned page = s->tx_fifo[0];
        smc_fifo_pop(s->tx_fifo, &s->tx_count);
        smc_transmit_page(s, page);
    }
    s->int_latched |= INT_TX_EMPTY;    /* the TX FIFO went empty */
}

static void smc_mmu_command(struct smc91c111 *s, uint8_t value)
{
    unsigned page = s->pnr & PNR_MASK;
    switch (value >> 5) {
    case MC_NOP:
        break;
    case MC_ALLOC:
        /* The page-count field is ignored: every page holds a full frame. */
        s->int_latched &= (uint8_t)~INT_ALLOC;
        smc_try_alloc(s);
        break;
    case MC_RESET:
        smc_mmu_reset(s);
        break;
    case MC_REMOVE:
        smc_fifo_pop(s->rx_fifo, &s->rx_count);
        break;
    case MC_RELEASE:
        if (s->rx_count) {
            unsigned rx_page = s->rx_fifo[0];
            smc_fifo_pop(s->rx_fifo, &s->rx_count);
            smc_release_page(s, rx_page);
        }
        break;
    case MC_FREEPKT:
        smc_release_page(s, page);
        break;
    case MC_ENQUEUE:
        if (page >= SMC91C111_PACKETS || !(s->allocated & (1u << page)) ||
            s->tx_count == SMC91C111_PACKETS) {
            device_guest_error(&s->dev, "enqueue of unallocated packet %u", page);
            break;
        }
        s->tx_fifo[s->tx_count++] = (uint8_t)page;
        smc_do_tx(s);
        break;
    case MC_RSTTXFIFO:
        s->tx_count = 0;
        s->tx_done_count = 0;
        break;
    }
}

/* ---- data register ---- */

/* The byte the next DATA access reaches (lane: offset within DATA, 0-3). */
static uint8_t *smc_data_byte(struct smc91c111 *s, unsigned lane)
{
    unsigned page;
    if (s->pointer & PTR_RCV) {
        if (!s->rx_count) {
            device_guest_error(&s->dev, "DATA access to the receive area with RX FIFO empty");
            return NULL;
        }
        page = s->rx_fifo[0];
    } else {
        page = s->pnr & PNR_MASK;
        if (page >= SMC91C111_PACKETS) {
            device_guest_error(&s->dev, "DATA access with packet number %u", page);
            return NULL;
        }
    }
    unsigned addr = s->pointer & PTR_ADDR_MASK;
    if (s->pointer & PTR_AUTOINC)
        s->pointer = (uint16_t)((s->pointer & ~PTR_ADDR_MASK) | ((addr + 1) & PTR_ADDR_MASK));
    else
        addr = (addr + lane) & PTR_ADDR_MASK;
    return &s->data[page][addr];
}

/* ---- soft and hard reset ---- */

/* RCR SOFT_RST: everything but CONFIG, BASE, IA, GP and the PHY (data sheet). */
static void smc_soft_reset(struct smc91c111 *s)
{
    s->tcr = 0;
    s->rcr = 0;
    s->rpcr = 0;
    s->eph_status = 0;
    s->control = CONTROL_RESET;
    s->pnr = 0;
    s->arr = 0;
    s->pointer = 0;
    s->int_latched = INT_TX_EMPTY;
    s->int_mask = 0;
    memset(s->mcast, 0, sizeof(s->mcast));
    s->ercv = ERCV_RESET;
    smc_mmu_reset(s);
}

/* ---- register file ---- */

static uint16_t smc_u16(uint16_t reg, unsigned byte)
{
    return (uint16_t)((reg >> (8 * byte)) & 0xff);
}

static uint16_t smc_set_byte(uint16_t reg, unsigned byte, uint8_t value)
{
    unsigned shift = 8 * byte;
    return (uint16_t)((reg & ~(0xffu << shift)) | ((unsigned)value << shift));
}

static uint8_t smc_read_byte(struct smc91c111 *s, unsigned offset)
{
    if (offset == SMC_BSR)
        return (uint8_t)s->bank;
    if (offset == SMC_BSR + 1)
        return SMC_BSR_ID;
    unsigned hi = offset & 1;
    switch (s->bank) {
    case 0:
        switch (offset & ~1u) {
        case B0_TCR:
            return (uint8_t)smc_u16(s->tcr, hi);
        case B0_EPH_STATUS:
            return (uint8_t)smc_u16(s->eph_status |
                                    (phy_link_up(&s->phy) ? ES_LINK_OK : 0), hi);
        case B0_RCR:
            return (uint8_t)smc_u16(s->rcr, hi);
        case B0_COUNTER:
            return 0;
        case B0_MIR: {
            unsigned used = (unsigned)__builtin_popcount(s->allocated);
            return (uint8_t)(hi ? SMC91C111_PACKETS - used : SMC91C111_PACKETS);
        }
        case B0_RPCR:
            return (uint8_t)smc_u16(s->rpcr, hi);
        default:
            break;
        }
        break;
    case 1:
        if (offset >= B1_IA && offset < B1_IA + NET_ETH_ALEN)
            return s->ia[offset - B1_IA];
        switch (offset & ~1u) {
        case B1_CONFIG:
            return (uint8_t)smc_u16(s->config, hi);
        case B1_BASE:
            return (uint8_t)smc_u16(s->base, hi);
        case B1_GP:
            return (uint8_t)smc_u16(s->gp, hi);
        case B1_CONTROL:
            return (uint8_t)smc_u16(s->control, hi);
        default:
            break;
        }
        break;
    case 2:
        switch (offset) {
        case B2_MMU_CMD:
        case B2_MMU_CMD + 1:
            return 0;           /* never busy */
        case B2_PNR:
            return s->pnr;
        case B2_ARR:
            return s->arr;
        case B2_TX_FIFO:
            return s->tx_done_count ? s->tx_done[0] : FIFO_EMPTY;
        case B2_RX_FIFO:
            return s->rx_count ? s->rx_fifo[0] : FIFO_EMPTY;
        case B2_POINTER:
            return (uint8_t)s->pointer;
        case B2_POINTER + 1:
            return (uint8_t)((s->pointer & ~PTR_NOT_EMPTY) >> 8);
        case B2_DATA:
        case B2_DATA + 1:
        case B2_DATA + 2:
        case B2_DATA + 3: {
            uint8_t *byte = smc_data_byte(s, offset - B2_DATA);
            return byte ? *byte : 0;
        }
        case B2_INT:
            return smc_int_status(s);
        case B2_INT_MASK:
            return s->int_mask;
        default:
            break;
        }
        break;
    case 3:
        if (offset < B3_MT + 8)
            return s->mcast[offset - B3_MT];
        switch (offset & ~1u) {
        case B3_MGMT:
            return (uint8_t)smc_u16(MGMT_FIXED | s->mgmt | (s->phy.mdi ? MGMT_MDI : 0), hi);
        case B3_REVISION:
            return (uint8_t)smc_u16(SMC_REVISION, hi);
        case B3_ERCV:
            return hi ? 0 : s->ercv;
        default:
            break;
        }
        break;
    default:
        break;
    }
    device_guest_error(&s->dev, "read of bank %u register +0x%x", s->bank, offset);
    return 0;
}

static void smc_write_byte(struct smc91c111 *s, unsigned offset, uint8_t value)
{
    if (offset == SMC_BSR) {
        s->bank = value & 7u;
        if (s->bank > 3)
            trace_printf(s->dev.trace, TRACE_UNIMP, "%s: bank %u not modelled", s->dev.name,
                         s->bank);
        return;
    }
    if (offset == SMC_BSR + 1)
        return;                 /* the 0x33 identification byte is read-only */
    unsigned hi = offset & 1;
    switch (s->bank) {
    case 0:
        switch (offset & ~1u) {
        case B0_TCR:
            s->tcr = smc_set_byte(s->tcr, hi, value);
            smc_do_tx(s);
            return;
        case B0_RCR:
            s->rcr = smc_set_byte(s->rcr, hi, value);
            if (hi && (s->rcr & RCR_SOFT_RST)) {
                smc_soft_reset(s);
                s->rcr = RCR_SOFT_RST;  /* held in reset until written back to 0 */
            }
            return;
        case B0_RPCR:
            s->rpcr = smc_set_byte(s->rpcr, hi, value);
            return;
        case B0_EPH_STATUS:
        case B0_COUNTER:
        case B0_MIR:
            return;             /* read-only; Linux writes whole words around them */
        default:
            break;
        }
        break;
    case 1:
        if (offset >= B1_IA && offset < B1_IA + NET_ETH_ALEN) {
            s->ia[offset - B1_IA] = value;
            return;
        }
        switch (offset & ~1u) {
        case B1_CONFIG:
            s->config = smc_set_byte(s->config, hi, value);
            return;
        case B1_BASE:
            s->base = smc_set_byte(s->base, hi, value);
            return;
        case B1_GP:
            s->gp = smc_set_byte(s->gp, hi, value);
            return;
        case B1_CONTROL:
            if (!hi && (value & CTL_RELOAD))
                memcpy(s->ia, s->eeprom_mac, NET_ETH_ALEN);
            if (!hi && (value & CTL_STORE))
                memcpy(s->eeprom_mac, s->ia, NET_ETH_ALEN);
            /* STORE and RELOAD complete at once and read back as zero. */
            if (!hi)
                value &= (uint8_t)~(CTL_STORE | CTL_RELOAD);
            s->control = smc_set_byte(s->control, hi, value);
            return;
        default:
            break;
        }
        break;
    case 2:
        switch (offset) {
        case B2_MMU_CMD:
            smc_mmu_command(s, value);
            smc_update_irq(s);
            return;
        case B2_MMU_CMD + 1:
            return;
        case B2_PNR:
            s->pnr = value & PNR_MASK;
            return;
        case B2_ARR:
        case B2_TX_FIFO:
        case B2_RX_FIFO:
            return;             /* read-only; 16-bit writes to PNR reach ARR too */
        case B2_POINTER:
            s->pointer = smc_set_byte(s->pointer, 0, value);
            return;
        case B2_POINTER + 1:
            s->pointer = smc_set_byte(s->pointer, 1, value) & (uint16_t)~PTR_NOT_EMPTY;
            return;
        case B2_DATA:
        case B2_DATA + 1:
        case B2_DATA + 2:
        case B2_DATA + 3: {
            uint8_t *byte = smc_data_byte(s, offset - B2_DATA);
            if (byte)
                *byte = value;
            return;
        }
        case B2_INT:
            s->int_latched &= (uint8_t)~(value & INT_ACK_MASK);
            if (value & INT_TX)
                smc_fifo_pop(s->tx_done, &s->tx_done_count);
            smc_update_irq(s);
            return;
        case B2_INT_MASK:
            s->int_mask = value;
            smc_update_irq(s);
            return;
        default:
            break;
        }
        break;
    case 3:
        if (offset < B3_MT + 8) {
            s->mcast[offset - B3_MT] = value;
            return;
        }
        switch (offset & ~1u) {
        case B3_MGMT:
            smc_write_mgmt(s, smc_set_byte(s->mgmt, hi, value));
            smc_update_irq(s);
            return;
        case B3_REVISION:
            return;
        case B3_ERCV:
            if (!hi)
                s->ercv = value & 0x9f;
            return;
        default:
            break;
        }
        break;
    default:
        break;
    }
    device_guest_error(&s->dev, "write 0x%02x to bank %u register +0x%x", value, s->bank,
                       offset);
}

static uint32_t smc_mmio_read(void *opaque, uint32_t offset, unsigned size)
{
    struct smc91c111 *s = opaque;
    unsigned reg = offset & SMC_REGS_MASK;
    const char *name = smc_reg_name(s, reg);
    uint32_t value = 0;
    for (unsigned i = 0; i < size; i++)
        value |= (uint32_t)smc_read_byte(s, (reg + i) & SMC_REGS_MASK) << (8 * i);
    device_trace_access(&s->dev, "read", offset, name, value, size);
    return value;
}

static void smc_mmio_write(void *opaque, uint32_t offset, uint32_t value, unsigned size)
{
    struct smc91c111 *s = opaque;
    unsigned reg = offset & SMC_REGS_MASK;
    device_trace_access(&s->dev, "write", offset, smc_reg_name(s, reg), value, size);
    unsigned first = 0;
    /*
     * A 32-bit write at 0xc is how 32-bit buses select a bank (Linux's
     * SMC_SELECT_BANK with SMC_MUST_ALIGN_WRITE): only BSR takes it, the
     * interrupt mask in the lower half is not written.
     */
    if (reg == B2_INT && size == 4)
        first = 2;
    for (unsigned i = first; i < size; i++)
        smc_write_byte(s, (reg + i) & SMC_REGS_MASK, (uint8_t)(value >> (8 * i)));
}

static const struct mmio_ops smc_mmio_ops = {
    .read = smc_mmio_read,
    .write = smc_mmio_write,
};

void smc91c111_set_backend(struct smc91c111 *nic, struct net_backend backend)
{
    nic->backend = backend;
}

static void smc_reset(struct device *dev)
{
    struct smc91c111 *s = (struct smc91c111 *)dev;
    s->bank = 0;
    s->config = CONFIG_RESET;
    /* BASE: the ISA I/O base does not apply here; Linux warns unless it matches 0. */
    s->base = 0;
    s->gp = 0;
    memcpy(s->ia, s->eeprom_mac, NET_ETH_ALEN);
    s->mgmt = 0;
    smc_soft_reset(s);
    memset(s->data, 0, sizeof(s->data));
    memset(&s->phy, 0, sizeof(s->phy));
    phy_reset(&s->phy);
    s->phy.link = phy_link_up(&s->phy);
    smc_update_irq(s);
}

static void smc_dump(struct device *dev, FILE *out)
{
    struct smc91c111 *s = (struct smc91c111 *)dev;
    fprintf(out, "%s (smc91c111) @ 0x%08llx: IRQ %d, MAC %02x:%02x:%02x:%02x:%02x:%02x, "
            "link %s, %s backend\n", dev->name, (unsigned long long)dev->base, s->irq_level,
            s->ia[0], s->ia[1], s->ia[2], s->ia[3], s->ia[4], s->ia[5],
            phy_link_up(&s->phy) ? "up" : "down", s->backend.send ? "host" : "null");
    fprintf(out, "  bank %u  TCR 0x%04x  EPH_STATUS 0x%04x  RCR 0x%04x  RPCR 0x%04x\n",
            s->bank, s->tcr, s->eph_status, s->rcr, s->rpcr);
    fprintf(out, "  CONFIG 0x%04x  BASE 0x%04x  GP 0x%04x  CONTROL 0x%04x\n", s->config,
            s->base, s->gp, s->control);
    fprintf(out, "  PNR %u  ARR 0x%02x%s  POINTER 0x%04x  INT 0x%02x  MASK 0x%02x\n", s->pnr,
            s->arr, s->alloc_pending ? " (allocation pending)" : "", s->pointer,
            smc_int_status(s), s->int_mask);
    fprintf(out, "  MT %02x%02x%02x%02x%02x%02x%02x%02x  MGMT 0x%04x  ERCV 0x%02x\n",
            s->mcast[0], s->mcast[1], s->mcast[2], s->mcast[3], s->mcast[4], s->mcast[5],
            s->mcast[6], s->mcast[7], s->mgmt, s->ercv);
    fprintf(out, "  pages in use 0x%x, TX queue %u, TX done %u, RX %u\n", s->allocated,
            s->tx_count, s->tx_done_count, s->rx_count);
    fprintf(out, "  PHY BMCR 0x%04x ANAR 0x%04x MASK 0x%04x\n", s->phy.bmcr, s->phy.anar,
            s->phy.int_mask);
    fprintf(out, "  frames: %llu sent, %llu received, %llu filtered, %llu dropped\n",
            (unsigned long long)s->tx_frames, (unsigned long long)s->rx_frames,
            (unsigned long long)s->rx_filtered, (unsigned long long)s->rx_dropped);
}

static void smc_destroy(struct device *dev)
{
    free(dev);
}

/* A packet-number FIFO: count entries, each a page that must exist. */
static void smc_fifo_fields(struct snapshot_io *io, const char *what, uint8_t *fifo,
                            unsigned *count)
{
    snap_bytes(io, fifo, SMC91C111_PACKETS);
    snap_u32_max(io, what, count, SMC91C111_PACKETS);
    for (unsigned i = 0; i < *count; i++)
        if (fifo[i] >= SMC91C111_PACKETS)
            snap_fail(io, "%s entry %u names packet %u", what, i, fifo[i]);
}

/* savevm/loadvm: all four banks, the MMU with its packet memory, and the PHY. */
static int smc_snapshot(struct device *dev, struct snapshot_io *io)
{
    struct smc91c111 *smc = (struct smc91c111 *)dev;
    struct smc91c111 *s = snapshot_stage(io, smc, sizeof(*smc));
    if (!s)
        return -1;
    snap_level(io, "IRQ", &s->irq_level);
    snap_bytes(io, s->eeprom_mac, NET_ETH_ALEN);
    snap_u32_max(io, "bank", &s->bank, 7);
    uint16_t *regs16[] = { &s->tcr, &s->eph_status, &s->rcr, &s->rpcr, &s->config, &s->base,
                           &s->gp, &s->control, &s->pointer, &s->mgmt };
    for (size_t i = 0; i < sizeof(regs16) / sizeof(regs16[0]); i++)
        snap_u16(io, regs16[i]);
    snap_bytes(io, s->ia, NET_ETH_ALEN);
    snap_u8(io, &s->pnr);
    snap_u8(io, &s->arr);
    snap_bool(io, "allocation pending", &s->alloc_pending);
    snap_u8(io, &s->int_latched);
    snap_u8(io, &s->int_mask);
    snap_bytes(io, s->mcast, sizeof(s->mcast));
    snap_u8(io, &s->ercv);
    snap_u8(io, &s->allocated);
    smc_fifo_fields(io, "TX FIFO", s->tx_fifo, &s->tx_count);
    smc_fifo_fields(io, "TX completion FIFO", s->tx_done, &s->tx_done_count);
    smc_fifo_fields(io, "RX FIFO", s->rx_fifo, &s->rx_count);
    snap_bytes(io, s->data, sizeof(s->data));

    struct smc91c111_phy *phy = &s->phy;
    uint16_t *phy_regs[] = { &phy->bmcr, &phy->anar, &phy->cfg1, &phy->cfg2, &phy->int_mask,
                             &phy->out };
    for (size_t i = 0; i < sizeof(phy_regs) / sizeof(phy_regs[0]); i++)
        snap_u16(io, phy_regs[i]);
    snap_bool(io, "PHY interrupt pending", &phy->int_pending);
    snap_bool(io, "link", &phy->link);
    snap_u32_max(io, "MDIO state", &phy->state, MII_READ);
    snap_u32(io, &phy->shift);
    snap_u32_max(io, "MDIO bit count", &phy->count, 18);
    snap_u32_max(io, "PHY address", &phy->phyad, 31);
    snap_u32_max(io, "PHY register", &phy->regad, 31);
    snap_bool(io, "MDI", &phy->mdi);

    uint64_t *counters[] = { &s->tx_frames, &s->rx_frames, &s->rx_filtered, &s->rx_dropped };
    for (size_t i = 0; i < sizeof(counters) / sizeof(counters[0]); i++)
        snap_u64(io, counters[i]);
    return snapshot_unstage(io, smc, s);
}

struct smc91c111 *smc91c111_create(const char *name, uint64_t base, struct irq_line irq,
                                   const uint8_t mac[NET_ETH_ALEN], struct net_backend backend,
                                   struct trace *trace)
{
    static const uint8_t default_mac[NET_ETH_ALEN] = SMC91C111_DEFAULT_MAC;
    struct smc91c111 *s = calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    s->dev.name = name;
    s->dev.type = "smc91c111";
    s->dev.base = base;
    s->dev.size = 0x10000;
    s->dev.ops = &smc_mmio_ops;
    s->dev.reset = smc_reset;
    s->dev.dump = smc_dump;
    s->dev.destroy = smc_destroy;
    s->dev.snapshot = smc_snapshot;
    s->dev.trace = trace;
    s->irq = irq;
    s->backend = backend;
    memcpy(s->eeprom_mac, mac ? mac : default_mac, NET_ETH_ALEN);
    smc_reset(&s->dev);
    return s;
}
