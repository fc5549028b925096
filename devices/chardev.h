/*
 * Where a UART's bytes go, and where its input comes from. The frontend
 * provides the backend (terminal, file, null, pty); the device pushes
 * output through write() and receives input via its own receive function,
 * which the frontend calls. can_receive lets the frontend hold bytes back
 * while the guest's FIFO is full, so no input is lost.
 */
#ifndef DEVICES_CHARDEV_H
#define DEVICES_CHARDEV_H

#include <stddef.h>
#include <stdint.h>

struct char_backend {
    void (*write)(void *opaque, const uint8_t *buf, size_t len);
    void *opaque;
};

static inline void char_backend_write(const struct char_backend *be, const uint8_t *buf,
                                      size_t len)
{
    if (be && be->write)
        be->write(be->opaque, buf, len);
}

/* A device's input side, registered with the machine for the frontend. */
struct char_frontend {
    int (*can_receive)(void *opaque);       /* bytes the device can take now */
    void (*receive)(void *opaque, const uint8_t *buf, size_t len);
    void *opaque;
    const char *name;
};

#endif
