/*
 * SMSC LAN9118 single-chip 10/100 Ethernet controller with its internal
 * PHY, as on the Versatile Express motherboard (0x4e000000 on the legacy
 * map, 0x1a000000 on the RS1 map, SPI 15). 32-bit register file with the
 * RX/TX data and status FIFO ports, MAC registers behind MAC_CSR_CMD, the
 * PHY behind the MAC's MII registers, a 93C46-style EEPROM holding the
 * MAC address. Frames leave through a net_backend; the host injects
 * received frames with lan9118_receive. Registers in lan9118.c.
 */
#ifndef DEVICES_LAN9118_H
#define DEVICES_LAN9118_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "devices/clock.h"
#include "devices/device.h"
#include "devices/irq.h"
#include "devices/netdev.h"

/* FIFO memory: 16 KiB split by HW_CFG TX_FIF_SZ (2-14 KiB for TX). */
#define LAN9118_FIFO_BYTES 16384u
#define LAN9118_RX_DATA_MAX_WORDS 3360u     /* TX_FIF_SZ = 2: 13440 bytes */
#define LAN9118_RX_STATUS_MAX 224u          /* TX_FIF_SZ = 2: 896 bytes */
#define LAN9118_TX_STATUS_MAX 128u          /* always 512 bytes */
#define LAN9118_TX_FRAME_MAX 2048u          /* longest frame assembled from buffers */
#define LAN9118_EEPROM_BYTES 128u
/* QEMU's default MAC, so guests see the address they see under QEMU. */
#define LAN9118_DEFAULT_MAC { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 }

/* The internal PHY (at MII address 1). */
struct lan9118_phy {
    uint16_t bmcr;          /* 0: basic control */
    uint16_t anar;          /* 4: auto-negotiation advertisement */
    uint16_t mode_ctrl;     /* 17: mode control/status (writable bits) */
    uint16_t special_modes; /* 18 */
    uint16_t special_ctrl;  /* 27: special control/status indications */
    uint16_t int_src;       /* 29: interrupt source, cleared on read */
    uint16_t int_mask;      /* 30 */
    bool link;              /* as last reported */
};

struct lan9118 {
    struct device dev;
    struct irq_line irq;        /* the IRQ pin, as IRQ_CFG polarity/type drive it */
    int irq_level;
    struct net_backend backend;
    struct clock_event gpt_event;   /* next time the general-purpose timer wraps */

    /* System control and status registers. */
    uint32_t irq_cfg, int_sts, int_en, fifo_int;
    uint32_t rx_cfg, tx_cfg, hw_cfg, pmt_ctrl, gpio_cfg, gpt_cfg;
    uint32_t word_swap, afc_cfg, e2p_cmd, e2p_data;
    uint32_t mac_csr_cmd, mac_csr_data;
    uint32_t rx_drop;                   /* RX_DROP, cleared on read */
    uint64_t free_run_origin_ns;        /* FREE_RUN counts 25 MHz ticks from here */
    uint64_t gpt_start_ns;              /* GPT loaded with GPT_LOAD at this time */

    /* MAC registers (MAC_CSR indices 1-12). */
    uint32_t mac_cr, hashh, hashl, mii_acc, mii_data, flow, vlan1, vlan2, wucsr;
    uint32_t wuff[8];
    unsigned wuff_index;
    uint8_t mac[NET_ETH_ALEN];          /* ADDRH/ADDRL */

    struct lan9118_phy phy;
    uint8_t eeprom[LAN9118_EEPROM_BYTES];
    bool eeprom_write_enabled;

    /* FIFO sizes for the current TX_FIF_SZ. */
    unsigned tx_data_bytes, rx_data_words, rx_status_entries;

    /* TX: the buffer being written (command A, command B, data DWORDs). */
    unsigned tx_state;
    uint32_t tx_cmd_a, tx_cmd_b;
    unsigned tx_word_index;     /* data DWORDs of the buffer received so far */
    unsigned tx_words_left;     /* data DWORDs (offset, data, padding) still to come */
    unsigned tx_fifo_used;      /* bytes the packet being written occupies */
    bool tx_first_seen, tx_ioc, tx_error;
    uint8_t tx_frame[LAN9118_TX_FRAME_MAX];
    size_t tx_frame_len;
    uint32_t tx_status[LAN9118_TX_STATUS_MAX];
    unsigned tx_status_head, tx_status_count;

    /* RX: data words, status words, and each frame's length in DWORDs. */
    uint32_t rx_data[LAN9118_RX_DATA_MAX_WORDS];
    unsigned rx_data_head, rx_data_count;
    uint32_t rx_status[LAN9118_RX_STATUS_MAX];
    unsigned rx_status_head, rx_status_count;
    uint16_t rx_words[LAN9118_RX_STATUS_MAX];
    unsigned rx_words_head, rx_words_count;
    unsigned rx_cur_words;      /* DWORDs of the frame being read still in the FIFO */

    uint64_t tx_frames, tx_dropped, rx_frames, rx_filtered, rx_dropped;  /* `devices` */
};

/* mac NULL: LAN9118_DEFAULT_MAC (stored in the EEPROM, loaded at reset). */
struct lan9118 *lan9118_create(const char *name, uint64_t base, struct irq_line irq,
                               const uint8_t mac[NET_ETH_ALEN], struct net_backend backend,
                               struct vclock *clock, struct trace *trace);
void lan9118_set_backend(struct lan9118 *nic, struct net_backend backend);

/* True when a full-size frame handed in now would fit in the RX FIFOs. */
bool lan9118_can_receive(const struct lan9118 *nic);
/*
 * A frame from the wire (destination address first, no FCS; short frames
 * are padded to 60 bytes). Returns 0 when it was stored for the guest, 1
 * when the address filter dropped it, -ENETDOWN when the receiver is off,
 * -ENOBUFS when the RX FIFOs are full (counted in RX_DROP, RXDF_INT),
 * -EMSGSIZE/-EINVAL for frames longer than 1518 or shorter than a header.
 */
int lan9118_receive(struct lan9118 *nic, const uint8_t *frame, size_t len);

#endif
