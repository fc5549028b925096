/*
 * The host side of an emulated network card. A NIC model hands every frame
 * it transmits to its net_backend; the host side injects received frames
 * through the NIC's own receive function (e.g. smc91c111_receive).
 *
 * Frames are Ethernet frames from the destination address up to the end
 * of the payload: no preamble and no frame check sequence, padded to the
 * 60-byte minimum when the NIC pads. The backend must copy what it keeps;
 * the buffer is only valid during the call.
 */
#ifndef DEVICES_NETDEV_H
#define DEVICES_NETDEV_H

#include <stddef.h>
#include <stdint.h>

#define NET_ETH_ALEN 6
#define NET_ETH_MIN_FRAME 60        /* without the 4-byte FCS */
#define NET_ETH_MAX_FRAME 1514      /* without FCS and VLAN tag */

struct net_backend {
    /* NULL: the null backend, which drops every frame (a cable to nowhere). */
    void (*send)(void *opaque, const uint8_t *frame, size_t len);
    void *opaque;
};

static inline struct net_backend net_backend_null(void)
{
    struct net_backend backend = { NULL, NULL };
    return backend;
}

static inline void net_backend_send(const struct net_backend *backend, const uint8_t *frame,
                                    size_t len)
{
    if (backend->send)
        backend->send(backend->opaque, frame, len);
}

#endif
