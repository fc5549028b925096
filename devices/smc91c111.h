/*
 * SMSC LAN91C111 10/100 Ethernet controller with its internal PHY, as on
 * the Versatile PB at 0x10010000 (VIC 25). Banked 16-byte register file,
 * 8 KiB of packet memory in four 2 KiB pages managed by the on-chip MMU.
 * Frames leave through a net_backend; the host injects received frames
 * with smc91c111_receive. Registers in smc91c111.c.
 */
#ifndef DEVICES_SMC91C111_H
#define DEVICES_SMC91C111_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "devices/device.h"
#include "devices/irq.h"
#include "devices/netdev.h"

#define SMC91C111_PACKETS 4
#define SMC91C111_PAGE_SIZE 2048
/* QEMU's default MAC, so guests see the address they see under QEMU. */
#define SMC91C111_DEFAULT_MAC { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 }

/* The internal PHY (LAN83C183) behind the bit-banged MII management port. */
struct smc91c111_phy {
    uint16_t bmcr, anar, cfg1, cfg2, int_mask;
    bool int_pending;           /* register 18 INT: a status bit changed */
    bool link;                  /* as last reported */
    /* MDIO frame decoder, clocked by rising edges of MCLK. */
    unsigned state;
    uint32_t shift;
    unsigned count;
    unsigned phyad, regad;
    uint16_t out;               /* register value being shifted out */
    bool mdi;                   /* what the PHY drives on MDIO */
};

struct smc91c111 {
    struct device dev;
    struct irq_line irq;
    int irq_level;
    struct net_backend backend;
    uint8_t eeprom_mac[NET_ETH_ALEN];   /* loaded into IA0-5 at reset and RELOAD */

    unsigned bank;              /* BSR[2:0] */
    /* bank 0 */
    uint16_t tcr, eph_status, rcr, rpcr;
    /* bank 1 */
    uint16_t config, base, gp, control;
    uint8_t ia[NET_ETH_ALEN];
    /* bank 2 */
    uint8_t pnr;                /* packet number register */
    uint8_t arr;                /* allocation result register */
    bool alloc_pending;         /* ALLOCATE failed, retried when a page frees */
    uint16_t pointer;
    uint8_t int_latched;        /* TX_EMPTY, ALLOC, RX_OVRN, EPH, ERCV, MDINT */
    uint8_t int_mask;
    /* bank 3 */
    uint8_t mcast[8];
    uint16_t mgmt;              /* MDO, MCLK, MDOE, MSK_CRS100 as written */
    uint8_t ercv;

    /* MMU: page ownership and the three packet-number FIFOs. */
    uint8_t allocated;          /* bit n: page n in use */
    uint8_t tx_fifo[SMC91C111_PACKETS];
    unsigned tx_count;          /* queued, waiting for TXENA */
    uint8_t tx_done[SMC91C111_PACKETS];
    unsigned tx_done_count;     /* TX completion FIFO */
    uint8_t rx_fifo[SMC91C111_PACKETS];
    unsigned rx_count;
    uint8_t data[SMC91C111_PACKETS][SMC91C111_PAGE_SIZE];

    struct smc91c111_phy phy;

    uint64_t tx_frames, rx_frames, rx_filtered, rx_dropped;    /* for `devices` */
};

/* mac NULL: SMC91C111_DEFAULT_MAC. backend: frames the guest sends. */
struct smc91c111 *smc91c111_create(const char *name, uint64_t base, struct irq_line irq,
                                   const uint8_t mac[NET_ETH_ALEN], struct net_backend backend,
                                   struct trace *trace);
void smc91c111_set_backend(struct smc91c111 *nic, struct net_backend backend);

/* True when a frame handed in now would find a free packet page. */
bool smc91c111_can_receive(const struct smc91c111 *nic);
/*
 * A frame from the wire (destination address first, no FCS; short frames
 * are padded to 60 bytes). Returns 0 when it was stored for the guest, 1
 * when the address filter dropped it, -ENETDOWN when the receiver is off,
 * -ENOBUFS when no page was free (RX_OVRN is raised, as on the chip),
 * -EMSGSIZE/-EINVAL for frames longer than 1518 or shorter than a header.
 */
int smc91c111_receive(struct smc91c111 *nic, const uint8_t *frame, size_t len);

#endif
