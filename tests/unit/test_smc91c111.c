/*
 * SMSC LAN91C111 (devices/smc91c111.c), driven with 16-bit accesses in the
 * order Linux's smc91x driver uses on the Versatile PB: probe (bank select
 * signature, revision, MAC from IA0-5, PHY search over the bit-banged MII
 * port), reset/enable, transmit (allocate, fill the page through
 * POINTER/DATA, enqueue: the backend must get exactly the frame), receive
 * (inject, RCV interrupt, read status/length/data back through DATA,
 * release). A byte out of place here is a guest whose network silently
 * corrupts packets, so whole frames are compared.
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "devices/netdev.h"
#include "devices/smc91c111.h"

#define BSR 0xe
/* bank 0 */
#define TCR 0x0
#define EPH_STATUS 0x2
#define RCR 0x4
#define MIR 0x8
#define RPCR 0xa
/* bank 1 */
#define CONFIG 0x0
#define BASE 0x2
#define ADDR0 0x4
#define CTL 0xc
/* bank 2 */
#define MMU_CMD 0x0
#define PN 0x2
#define FIFO 0x4
#define PTR 0x6
#define DATA 0x8
#define INT 0xc
/* bank 3 */
#define MCAST 0x0
#define MII 0x8
#define REV 0xa

#define TCR_ENABLE 0x0001
#define TCR_PAD_EN 0x0080
#define TCR_EPH_LOOP 0x2000
#define RCR_PRMS 0x0002
#define RCR_ALMUL 0x0004
#define RCR_RXEN 0x0100
#define RCR_STRIP_CRC 0x0200
#define RCR_SOFTRST 0x8000
#define CTL_AUTO_RELEASE 0x0800
#define CTL_LE_ENABLE 0x0080
#define MC_ALLOC (1 << 5)
#define MC_RESET (2 << 5)
#define MC_RELEASE (4 << 5)
#define MC_FREEPKT (5 << 5)
#define MC_ENQUEUE (6 << 5)
#define PTR_RCV 0x8000
#define PTR_AUTOINC 0x4000
#define PTR_READ 0x2000
#define IM_RCV 0x01
#define IM_TX 0x02
#define IM_TX_EMPTY 0x04
#define IM_ALLOC 0x08
#define IM_RX_OVRN 0x10
#define IM_EPH 0x20
#define IM_MDINT 0x80
#define MII_MDOE 0x0008
#define MII_MCLK 0x0004
#define MII_MDI 0x0002
#define MII_MDO 0x0001
#define RS_ODDFRAME 0x1000
#define RS_BRODCAST 0x4000
#define RS_MULTICAST 0x0001

struct nenv {
    struct smc91c111 *nic;
    int irq;
    uint8_t sent[4][2048];
    size_t sent_len[4];
    unsigned sent_count;
};

static void irq_record(void *opaque, unsigned line, int level)
{
    (void)line;
    ((struct nenv *)opaque)->irq = level;
}

static void capture(void *opaque, const uint8_t *frame, size_t len)
{
    struct nenv *e = opaque;
    ck_assert_uint_lt(e->sent_count, 4);
    ck_assert_uint_le(len, 2048);
    memcpy(e->sent[e->sent_count], frame, len);
    e->sent_len[e->sent_count++] = len;
}

static uint16_t r16(struct nenv *e, uint32_t off)
{
    return (uint16_t)e->nic->dev.ops->read(e->nic, off, 2);
}

static void w16(struct nenv *e, uint32_t off, uint16_t value)
{
    e->nic->dev.ops->write(e->nic, off, value, 2);
}

static void bank(struct nenv *e, unsigned b)
{
    w16(e, BSR, (uint16_t)b);
}

static void env_init(struct nenv *e, const uint8_t *mac)
{
    memset(e, 0, sizeof(*e));
    struct net_backend backend = { capture, e };
    e->nic = smc91c111_create("eth0", 0x10010000, irq_line_make(irq_record, e, 0), mac,
                              backend, NULL);
    ck_assert_ptr_nonnull(e->nic);
}

static void env_fini(struct nenv *e)
{
    e->nic->dev.destroy(&e->nic->dev);
}

/* ---- MII management, bit-banged as in smc91x's smc_mii_out/in ---- */

static void mii_out(struct nenv *e, uint32_t value, int bits)
{
    uint16_t reg = (uint16_t)((r16(e, MII) & ~(MII_MCLK | MII_MDOE | MII_MDO)) | MII_MDOE);
    for (uint32_t mask = 1u << (bits - 1); mask; mask >>= 1) {
        reg = (value & mask) ? (uint16_t)(reg | MII_MDO) : (uint16_t)(reg & ~MII_MDO);
        w16(e, MII, reg);
        w16(e, MII, reg | MII_MCLK);
    }
}

static uint32_t mii_in(struct nenv *e, int bits)
{
    uint16_t reg = (uint16_t)(r16(e, MII) & ~(MII_MCLK | MII_MDOE | MII_MDO));
    uint32_t value = 0;
    w16(e, MII, reg);
    for (uint32_t mask = 1u << (bits - 1); mask; mask >>= 1) {
        if (r16(e, MII) & MII_MDI)
            value |= mask;
        w16(e, MII, reg);
        w16(e, MII, reg | MII_MCLK);
    }
    return value;
}

static uint32_t phy_read(struct nenv *e, unsigned addr, unsigned reg)
{
    bank(e, 3);
    mii_out(e, 0xffffffffu, 32);
    mii_out(e, 6u << 10 | addr << 5 | reg, 14);
    uint32_t value = mii_in(e, 18);
    w16(e, MII, r16(e, MII) & ~(MII_MCLK | MII_MDOE | MII_MDO));
    bank(e, 2);
    return value;
}

static void phy_write(struct nenv *e, unsigned addr, unsigned reg, uint16_t value)
{
    bank(e, 3);
    mii_out(e, 0xffffffffu, 32);
    mii_out(e, 5u << 28 | addr << 23 | reg << 18 | 2u << 16 | value, 32);
    w16(e, MII, r16(e, MII) & ~(MII_MCLK | MII_MDOE | MII_MDO));
    bank(e, 2);
}

/* ---- the driver's reset and enable ---- */

static void linux_reset(struct nenv *e, bool auto_release)
{
    bank(e, 0);
    w16(e, RCR, RCR_SOFTRST);
    bank(e, 1);
    w16(e, CONFIG, 0x8000 | 0x1000);        /* EPH_POWER_EN | NO_WAIT */
    bank(e, 0);
    w16(e, RCR, 0);
    w16(e, TCR, 0);
    bank(e, 1);
    uint16_t ctl = r16(e, CTL) | CTL_LE_ENABLE;
    ctl = auto_release ? (uint16_t)(ctl | CTL_AUTO_RELEASE) : (uint16_t)(ctl & ~CTL_AUTO_RELEASE);
    w16(e, CTL, ctl);
    bank(e, 2);
    w16(e, MMU_CMD, MC_RESET);
}

static void linux_enable(struct nenv *e, uint16_t rcr)
{
    bank(e, 0);
    w16(e, TCR, TCR_ENABLE | TCR_PAD_EN);
    w16(e, RCR, rcr);
    bank(e, 2);
    w16(e, INT, (IM_EPH | IM_RX_OVRN | IM_RCV | IM_MDINT) << 8);
}

/* smc_hard_start_xmit + smc_hardware_send_pkt for one frame. */
static unsigned linux_send(struct nenv *e, const uint8_t *buf, size_t len)
{
    w16(e, MMU_CMD, (uint16_t)(MC_ALLOC | (((len & ~1u) + 5) >> 8)));
    unsigned poll = 0;
    while (!(r16(e, INT) & IM_ALLOC))
        ck_assert_uint_lt(poll++, 16);
    w16(e, INT, (uint16_t)((r16(e, INT) & 0xff00) | IM_ALLOC));
    unsigned packet = r16(e, PN) >> 8;     /* ARR */
    ck_assert_uint_eq(packet & 0x80, 0);
    w16(e, PN, (uint16_t)packet);
    w16(e, PTR, PTR_AUTOINC);
    w16(e, DATA, 0);                                   /* status word */
    w16(e, DATA, (uint16_t)(len + 6));                 /* byte count */
    for (size_t i = 0; i + 1 < len; i += 2)
        w16(e, DATA, (uint16_t)(buf[i] | buf[i + 1] << 8));
    w16(e, DATA, (len & 1) ? (uint16_t)(0x2000 | buf[len - 1]) : 0);
    w16(e, MMU_CMD, MC_ENQUEUE);
    w16(e, INT, (uint16_t)((r16(e, INT) & 0xff00) | (IM_TX | IM_TX_EMPTY) << 8));
    return packet;
}

/* smc_rcv: returns the frame length, fills buf, releases the page. */
static size_t linux_receive(struct nenv *e, uint8_t *buf, uint16_t *status_out)
{
    unsigned packet = r16(e, FIFO) >> 8;
    ck_assert_uint_eq(packet & 0x80, 0);
    w16(e, PTR, PTR_READ | PTR_RCV | PTR_AUTOINC);
    uint16_t status = r16(e, DATA);
    uint16_t len = r16(e, DATA) & 0x07ff;
    *status_out = status;
    size_t data_len = len - ((status & RS_ODDFRAME) ? 5 : 6);
    /* The driver pulls len - 4 bytes: data plus the control word. */
    uint8_t raw[2048];
    for (size_t i = 0; i < (size_t)len - 4; i += 2) {
        uint16_t w = r16(e, DATA);
        raw[i] = (uint8_t)w;
        raw[i + 1] = (uint8_t)(w >> 8);
    }
    memcpy(buf, raw, data_len);
    w16(e, MMU_CMD, MC_RELEASE);
    return data_len;
}

static void make_frame(uint8_t *f, size_t len, const uint8_t *dest, uint8_t seed)
{
    memcpy(f, dest, 6);
    static const uint8_t src[6] = { 0x02, 0x00, 0x00, 0xaa, 0xbb, 0xcc };
    memcpy(f + 6, src, 6);
    f[12] = 0x08;
    f[13] = 0x00;
    for (size_t i = 14; i < len; i++)
        f[i] = (uint8_t)(seed + i * 13);
}

static const uint8_t default_mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };

START_TEST(test_probe)
{
    struct nenv e;
    env_init(&e, NULL);
    /* smc_probe: the 0x33 signature in the bank select register, before and after a write. */
    ck_assert_uint_eq(r16(&e, BSR) & 0xff00, 0x3300);
    bank(&e, 0);
    ck_assert_uint_eq(r16(&e, BSR), 0x3300);
    bank(&e, 1);
    ck_assert_uint_eq(r16(&e, BSR), 0x3301);
    ck_assert_uint_eq(r16(&e, BASE) & 0x1f00, 0);      /* no IOADDR mismatch warning */
    ck_assert_uint_eq(r16(&e, CONFIG), 0xa0b1);
    bank(&e, 3);
    uint16_t rev = r16(&e, REV);
    ck_assert_uint_eq(rev, 0x3391);                    /* SMC91C11xFD, rev 1 */
    ck_assert_uint_eq((rev >> 4) & 0xf, 9);
    bank(&e, 1);
    uint8_t mac[6];
    for (unsigned i = 0; i < 3; i++) {
        uint16_t v = r16(&e, ADDR0 + 2 * i);
        mac[2 * i] = (uint8_t)v;
        mac[2 * i + 1] = (uint8_t)(v >> 8);
    }
    ck_assert_mem_eq(mac, default_mac, 6);
    /* 8- and 32-bit accesses see the same bytes. */
    ck_assert_uint_eq(e.nic->dev.ops->read(e.nic, ADDR0 + 1, 1), 0x54);
    ck_assert_uint_eq(e.nic->dev.ops->read(e.nic, ADDR0, 4), 0x12005452u);
    /* The 16-byte register file repeats through the chip select. */
    ck_assert_uint_eq(r16(&e, 0x100 + BSR), 0x3301);
    bank(&e, 0);
    ck_assert_uint_eq(r16(&e, MIR), 0x0404);           /* 4 pages, 4 free */
    ck_assert_uint_ne(r16(&e, EPH_STATUS) & 0x4000, 0);    /* LINK_OK */
    ck_assert_int_eq(e.irq, 0);
    env_fini(&e);

    static const uint8_t other[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };
    env_init(&e, other);
    bank(&e, 1);
    ck_assert_uint_eq(r16(&e, ADDR0 + 4), 0x5544);
    env_fini(&e);
}
END_TEST

START_TEST(test_phy_detect)
{
    struct nenv e;
    env_init(&e, NULL);
    /* smc_phy_detect: addresses 1..31 then 0. */
    int found = -1;
    uint32_t type = 0;
    for (unsigned addr = 1; addr < 33; addr++) {
        uint32_t id1 = phy_read(&e, addr & 31, 2);
        uint32_t id2 = phy_read(&e, addr & 31, 3);
        if (id1 != 0 && id1 != 0xffff && id1 != 0x8000 && id2 != 0 && id2 != 0xffff &&
            id2 != 0x8000) {
            found = (int)(addr & 31);
            type = id1 << 16 | id2;
            break;
        }
    }
    ck_assert_int_eq(found, 0);
    ck_assert_uint_eq(type & 0xfffffff0u, 0x0016f840u);     /* LAN83C183 */
    /* smc_phy_configure: reset, advertise, restart negotiation, check media. */
    phy_write(&e, 0, 0, 0x8000);
    ck_assert_uint_eq(phy_read(&e, 0, 0) & 0x8000, 0);
    uint32_t bmsr = phy_read(&e, 0, 1);
    ck_assert_uint_ne(bmsr & 0x0008, 0);                   /* can auto-negotiate */
    phy_write(&e, 0, 4, 0x01e1);
    ck_assert_uint_eq(phy_read(&e, 0, 4), 0x01e1);
    phy_write(&e, 0, 0, 0x1000 | 0x0200);
    bmsr = phy_read(&e, 0, 1);
    ck_assert_uint_eq(bmsr & 0x0024, 0x0024);              /* link up, negotiation done */
    ck_assert_uint_eq(phy_read(&e, 0, 5) & 0x0100, 0x0100); /* partner: 100 full */
    ck_assert_uint_eq(phy_read(&e, 0, 18) & 0x40c0, 0x00c0);   /* 100 Mb/s full, link */
    /* Power-down takes the link away and raises MDINT once unmasked. */
    phy_write(&e, 0, 19, 0xffff & ~0x4000);
    bank(&e, 2);
    w16(&e, INT, IM_MDINT << 8);
    phy_write(&e, 0, 0, 0x0800);
    ck_assert_int_eq(e.irq, 1);
    ck_assert_uint_eq(phy_read(&e, 0, 1) & 0x0004, 0);
    ck_assert_uint_ne(phy_read(&e, 0, 18) & 0xc000, 0);
    bank(&e, 0);
    ck_assert_uint_eq(r16(&e, EPH_STATUS) & 0x4000, 0);
    bank(&e, 2);
    w16(&e, INT, (IM_MDINT << 8) | IM_MDINT);
    ck_assert_int_eq(e.irq, 0);
    env_fini(&e);
}
END_TEST

START_TEST(test_transmit)
{
    struct nenv e;
    env_init(&e, NULL);
    linux_reset(&e, true);
    linux_enable(&e, RCR_STRIP_CRC | RCR_RXEN);
    static const uint8_t dest[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };
    uint8_t frame[1514];

    /* Even length. */
    make_frame(frame, 100, dest, 1);
    linux_send(&e, frame, 100);
    ck_assert_uint_eq(e.sent_count, 1);
    ck_assert_uint_eq(e.sent_len[0], 100);
    ck_assert_mem_eq(e.sent[0], frame, 100);
    /* AUTO_RELEASE: the page is free again, no completion entry, TX_EMPTY latched. */
    bank(&e, 0);
    ck_assert_uint_eq(r16(&e, MIR), 0x0404);
    ck_assert_uint_eq(r16(&e, EPH_STATUS) & 0x4001, 0x4001);   /* TX_SUC, LINK_OK */
    bank(&e, 2);
    ck_assert_uint_eq(r16(&e, FIFO) & 0xff, 0x80);
    ck_assert_uint_eq(r16(&e, INT) & (IM_TX | IM_TX_EMPTY), IM_TX_EMPTY);
    ck_assert_int_eq(e.irq, 1);         /* TX_EMPTY is unmasked by the send path */
    /* smc_interrupt masks TX_EMPTY off rather than acknowledging it. */
    w16(&e, INT, (uint16_t)((r16(&e, INT) & 0xff00) & ~(IM_TX_EMPTY << 8)));
    ck_assert_int_eq(e.irq, 0);

    /* Odd length: the last byte travels in the control word. */
    make_frame(frame, 1513, dest, 2);
    linux_send(&e, frame, 1513);
    ck_assert_uint_eq(e.sent_len[1], 1513);
    ck_assert_mem_eq(e.sent[1], frame, 1513);

    /* Short frame: PAD_EN pads to 60 bytes with zeros. */
    make_frame(frame, 42, dest, 3);
    linux_send(&e, frame, 42);
    ck_assert_uint_eq(e.sent_len[2], 60);
    ck_assert_mem_eq(e.sent[2], frame, 42);
    for (unsigned i = 42; i < 60; i++)
        ck_assert_uint_eq(e.sent[2][i], 0);
    env_fini(&e);
}
END_TEST

START_TEST(test_transmit_completion_fifo)
{
    struct nenv e;
    env_init(&e, NULL);
    linux_reset(&e, false);
    linux_enable(&e, RCR_STRIP_CRC | RCR_RXEN);
    static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
    uint8_t frame[64];
    make_frame(frame, 64, bcast, 4);
    unsigned packet = linux_send(&e, frame, 64);
    ck_assert_uint_eq(e.sent_count, 1);
    /* smc_tx: TX_INT with the packet number in the completion FIFO. */
    ck_assert_uint_ne(r16(&e, INT) & IM_TX, 0);
    ck_assert_int_eq(e.irq, 1);
    ck_assert_uint_eq(r16(&e, FIFO) & 0xff, packet);
    w16(&e, PN, (uint16_t)packet);
    w16(&e, PTR, PTR_AUTOINC | PTR_READ);
    uint16_t tx_status = r16(&e, DATA);
    ck_assert_uint_eq(tx_status & 0x4041, 0x4041);     /* TX_SUC, LTX_BRD, LINK_OK */
    w16(&e, MMU_CMD, MC_FREEPKT);
    w16(&e, INT, (uint16_t)((r16(&e, INT) & 0xff00) | IM_TX));
    ck_assert_uint_eq(r16(&e, FIFO) & 0xff, 0x80);
    ck_assert_uint_eq(r16(&e, INT) & IM_TX, 0);
    bank(&e, 0);
    ck_assert_uint_eq(r16(&e, MIR), 0x0404);
    env_fini(&e);
}
END_TEST

START_TEST(test_receive)
{
    struct nenv e;
    env_init(&e, NULL);
    linux_reset(&e, true);
    ck_assert_int_eq(smc91c111_receive(e.nic, (const uint8_t *)"x", 1), -ENETDOWN);
    linux_enable(&e, RCR_STRIP_CRC | RCR_RXEN);
    ck_assert(smc91c111_can_receive(e.nic));
    uint8_t frame[1514], got[2048];
    uint16_t status;

    make_frame(frame, 98, default_mac, 5);
    ck_assert_int_eq(smc91c111_receive(e.nic, frame, 98), 0);
    ck_assert_int_eq(e.irq, 1);
    ck_assert_uint_ne(r16(&e, INT) & IM_RCV, 0);
    ck_assert_uint_eq(linux_receive(&e, got, &status), 98);
    ck_assert_mem_eq(got, frame, 98);
    ck_assert_uint_eq(status & (RS_ODDFRAME | RS_BRODCAST | RS_MULTICAST), 0);
    ck_assert_int_eq(e.irq, 0);
    ck_assert_uint_eq(r16(&e, FIFO) >> 8, 0x80);
    bank(&e, 0);
    ck_assert_uint_eq(r16(&e, MIR), 0x0404);
    bank(&e, 2);

    /* Odd length. */
    make_frame(frame, 1001, default_mac, 6);
    ck_assert_int_eq(smc91c111_receive(e.nic, frame, 1001), 0);
    ck_assert_uint_eq(linux_receive(&e, got, &status), 1001);
    ck_assert_mem_eq(got, frame, 1001);
    ck_assert_uint_ne(status & RS_ODDFRAME, 0);

    /* Short frame: padded to 60 as on the wire. */
    make_frame(frame, 42, default_mac, 7);
    ck_assert_int_eq(smc91c111_receive(e.nic, frame, 42), 0);
    ck_assert_uint_eq(linux_receive(&e, got, &status), 60);
    ck_assert_mem_eq(got, frame, 42);

    /* Address filter: other stations no, broadcast yes. */
    static const uint8_t other[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x99 };
    static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
    make_frame(frame, 64, other, 8);
    ck_assert_int_eq(smc91c111_receive(e.nic, frame, 64), 1);
    ck_assert_int_eq(e.irq, 0);
    make_frame(frame, 64, bcast, 9);
    ck_assert_int_eq(smc91c111_receive(e.nic, frame, 64), 0);
    ck_assert_uint_eq(linux_receive(&e, got, &status), 64);
    ck_assert_uint_ne(status & RS_BRODCAST, 0);

    /* Multicast: hash bit as smc91x's smc_set_multicast_list computes it. */
    static const uint8_t group[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb };
    make_frame(frame, 64, group, 10);
    ck_assert_int_eq(smc91c111_receive(e.nic, frame, 64), 1);
    static const uint8_t invert3[8] = { 0, 4, 2, 6, 1, 5, 3, 7 };
    unsigned position = (~(uint32_t)crc32(0, group, 6)) & 0x3f;    /* crc32_le(~0), no final xor */
    uint8_t table[8] = { 0 };
    table[invert3[position & 7]] |= (uint8_t)(1u << invert3[(position >> 3) & 7]);
    bank(&e, 3);
    for (unsigned i = 0; i < 8; i += 2)
        w16(&e, MCAST + i, (uint16_t)(table[i] | table[i + 1] << 8));
    bank(&e, 2);
    ck_assert_int_eq(smc91c111_receive(e.nic, frame, 64), 0);
    ck_assert_uint_eq(linux_receive(&e, got, &status), 64);
    ck_assert_uint_ne(status & RS_MULTICAST, 0);

    /* Promiscuous takes everything. */
    bank(&e, 0);
    w16(&e, RCR, RCR_STRIP_CRC | RCR_RXEN | RCR_PRMS);
    bank(&e, 2);
    make_frame(frame, 64, other, 11);
    ck_assert_int_eq(smc91c111_receive(e.nic, frame, 64), 0);
    ck_assert_uint_eq(linux_receive(&e, got, &status), 64);
    ck_assert_mem_eq(got, frame, 64);
    env_fini(&e);
}
END_TEST

START_TEST(test_receive_with_crc)
{
    struct nenv e;
    env_init(&e, NULL);
    linux_reset(&e, true);
    linux_enable(&e, RCR_RXEN);         /* CRC kept */
    uint8_t frame[100];
    make_frame(frame, 100, default_mac, 12);
    ck_assert_int_eq(smc91c111_receive(e.nic, frame, 100), 0);
    w16(&e, PTR, PTR_READ | PTR_RCV | PTR_AUTOINC);
    r16(&e, DATA);
    ck_assert_uint_eq(r16(&e, DATA) & 0x7ff, 100 + 6 + 4);
    uint8_t raw[110];
    for (unsigned i = 0; i < 104; i += 2) {
        uint16_t w = r16(&e, DATA);
        raw[i] = (uint8_t)w;
        raw[i + 1] = (uint8_t)(w >> 8);
    }
    ck_assert_mem_eq(raw, frame, 100);
    uint32_t fcs = (uint32_t)crc32(0, frame, 100);
    ck_assert_uint_eq(raw[100] | raw[101] << 8 | raw[102] << 16 | (uint32_t)raw[103] << 24,
                      fcs);
    env_fini(&e);
}
END_TEST

START_TEST(test_receive_overrun_and_alloc_wait)
{
    struct nenv e;
    env_init(&e, NULL);
    linux_reset(&e, true);
    linux_enable(&e, RCR_STRIP_CRC | RCR_RXEN);
    uint8_t frame[64];
    make_frame(frame, 64, default_mac, 13);
    for (int i = 0; i < 4; i++)
        ck_assert_int_eq(smc91c111_receive(e.nic, frame, 64), 0);
    ck_assert(!smc91c111_can_receive(e.nic));
    ck_assert_int_eq(smc91c111_receive(e.nic, frame, 64), -ENOBUFS);
    ck_assert_uint_ne(r16(&e, INT) & IM_RX_OVRN, 0);
    w16(&e, INT, (uint16_t)((r16(&e, INT) & 0xff00) | IM_RX_OVRN));
    ck_assert_uint_eq(r16(&e, INT) & IM_RX_OVRN, 0);

    /* No page for TX: ALLOCATE fails, and completes when the RX side frees one. */
    w16(&e, MMU_CMD, MC_ALLOC);
    ck_assert_uint_eq(r16(&e, PN) >> 8, 0x80);
    ck_assert_uint_eq(r16(&e, INT) & IM_ALLOC, 0);
    w16(&e, MMU_CMD, MC_RELEASE);
    ck_assert_uint_ne(r16(&e, INT) & IM_ALLOC, 0);
    ck_assert_uint_lt(r16(&e, PN) >> 8, 4);
    env_fini(&e);
}
END_TEST

START_TEST(test_soft_reset_and_bank_select_32)
{
    struct nenv e;
    env_init(&e, NULL);
    linux_enable(&e, RCR_STRIP_CRC | RCR_RXEN);
    ck_assert_uint_eq(r16(&e, INT) >> 8, IM_EPH | IM_RX_OVRN | IM_RCV | IM_MDINT);
    /* A 32-bit write at 0xc selects the bank and leaves the mask alone. */
    e.nic->dev.ops->write(e.nic, 0xc, 3u << 16, 4);
    ck_assert_uint_eq(r16(&e, BSR), 0x3303);
    bank(&e, 2);
    ck_assert_uint_eq(r16(&e, INT) >> 8, IM_EPH | IM_RX_OVRN | IM_RCV | IM_MDINT);
    /* Soft reset clears the MAC side but keeps IA. */
    bank(&e, 1);
    w16(&e, ADDR0, 0x1102);
    bank(&e, 0);
    w16(&e, RCR, RCR_SOFTRST);
    uint8_t frame[64];
    make_frame(frame, 64, default_mac, 14);
    ck_assert_int_eq(smc91c111_receive(e.nic, frame, 64), -ENETDOWN);
    w16(&e, RCR, 0);
    ck_assert_uint_eq(r16(&e, TCR), 0);
    bank(&e, 2);
    ck_assert_uint_eq(r16(&e, INT), IM_TX_EMPTY);
    bank(&e, 1);
    ck_assert_uint_eq(r16(&e, ADDR0), 0x1102);
    ck_assert_uint_eq(r16(&e, CTL), 0x1210);
    /* RELOAD brings the EEPROM address back. */
    w16(&e, CTL, 0x1210 | 0x0002);
    ck_assert_uint_eq(r16(&e, ADDR0), 0x5452);
    ck_assert_uint_eq(r16(&e, CTL), 0x1210);
    env_fini(&e);
}
END_TEST

START_TEST(test_eph_loopback_and_null_backend)
{
    struct nenv e;
    env_init(&e, NULL);
    linux_reset(&e, true);
    linux_enable(&e, RCR_STRIP_CRC | RCR_RXEN);
    bank(&e, 0);
    w16(&e, TCR, TCR_ENABLE | TCR_PAD_EN | TCR_EPH_LOOP);
    bank(&e, 2);
    uint8_t frame[80], got[2048];
    uint16_t status;
    make_frame(frame, 80, default_mac, 15);
    linux_send(&e, frame, 80);
    ck_assert_uint_eq(e.sent_count, 0);
    ck_assert_uint_eq(linux_receive(&e, got, &status), 80);
    ck_assert_mem_eq(got, frame, 80);
    /* The null backend drops frames quietly. */
    smc91c111_set_backend(e.nic, net_backend_null());
    bank(&e, 0);
    w16(&e, TCR, TCR_ENABLE | TCR_PAD_EN);
    bank(&e, 2);
    linux_send(&e, frame, 80);
    ck_assert_uint_eq(e.sent_count, 0);
    ck_assert_uint_eq(e.nic->tx_frames, 2);
    env_fini(&e);
}
END_TEST

Suite *smc91c111_suite(void)
{
    Suite *s = suite_create("smc91c111");
    TCase *tc = tcase_create("linux-smc91x");
    tcase_add_test(tc, test_probe);
    tcase_add_test(tc, test_phy_detect);
    tcase_add_test(tc, test_transmit);
    tcase_add_test(tc, test_transmit_completion_fifo);
    tcase_add_test(tc, test_receive);
    tcase_add_test(tc, test_receive_with_crc);
    tcase_add_test(tc, test_receive_overrun_and_alloc_wait);
    tcase_add_test(tc, test_soft_reset_and_bank_select_32);
    tcase_add_test(tc, test_eph_loopback_and_null_backend);
    suite_add_tcase(s, tc);
    return s;
}
