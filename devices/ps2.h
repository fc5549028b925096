/*
 * PS/2 keyboard and mouse: the devices at the far end of a PS/2 port
 * (PL050 KMI). The port sends command bytes with ps2_write() and takes the
 * device's bytes one at a time with ps2_read(); the device calls the
 * port's notify hook whenever it has queued something. Host input arrives
 * through ps2_keyboard_key() and ps2_mouse_move(). Protocol details in
 * ps2.c.
 */
#ifndef DEVICES_PS2_H
#define DEVICES_PS2_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct trace;

/* Bytes a device can hold for the host (responses and input together). */
#define PS2_QUEUE_SIZE 256u
/* A keyboard's own buffer: keys beyond it are lost (an overrun code is sent). */
#define PS2_KBD_BUFFER 16u
#define PS2_RESP_SIZE 8u

enum ps2_kind { PS2_KEYBOARD, PS2_MOUSE };

struct ps2_device {
    enum ps2_kind kind;
    const char *name;
    struct trace *trace;
    /* Set by the port: called after the device queued bytes for it. */
    void (*notify)(void *opaque);
    void *notify_opaque;

    /* Command responses go out before any queued input (as on real devices). */
    uint8_t resp[PS2_RESP_SIZE];
    unsigned resp_head, resp_count;
    uint8_t queue[PS2_QUEUE_SIZE];
    unsigned queue_head, queue_count;
    uint8_t last_sent;          /* for the Resend command */
    int pending_cmd;            /* command waiting for its parameter byte, or -1 */
    uint64_t bytes_sent, commands, dropped;
};

/*
 * Key identifiers are USB HID usage IDs of the Keyboard/Keypad page (HID
 * Usage Tables, chapter 10): 0x04 = A ... 0x1d = Z, 0x28 = Enter, 0x29 =
 * Escape, 0x3a..0x45 = F1..F12, 0x4f..0x52 = arrows, 0xe0..0xe7 = left/right
 * Ctrl, Shift, Alt, GUI. They are also SDL2's SDL_Scancode values, so a
 * frontend passes SDL scancodes straight through. Usages without a PS/2
 * key are ignored.
 */
#define PS2_HID_A           0x04u
#define PS2_HID_1           0x1eu
#define PS2_HID_ENTER       0x28u
#define PS2_HID_ESCAPE      0x29u
#define PS2_HID_F1          0x3au
#define PS2_HID_PRINTSCREEN 0x46u
#define PS2_HID_PAUSE       0x48u
#define PS2_HID_DELETE      0x4cu
#define PS2_HID_RIGHT       0x4fu
#define PS2_HID_LEFT        0x50u
#define PS2_HID_DOWN        0x51u
#define PS2_HID_UP          0x52u
#define PS2_HID_KP_ENTER    0x58u
#define PS2_HID_LCTRL       0xe0u
#define PS2_HID_LSHIFT      0xe1u
#define PS2_HID_LALT        0xe2u
#define PS2_HID_LGUI        0xe3u
#define PS2_HID_RCTRL       0xe4u
#define PS2_HID_RSHIFT      0xe5u
#define PS2_HID_RALT        0xe6u
#define PS2_HID_RGUI        0xe7u
#define PS2_HID_MAX         0xe8u   /* exclusive */

struct ps2_keyboard {
    struct ps2_device port;
    bool scanning;              /* enabled (F4) or disabled (F5) */
    unsigned scan_set;          /* 1-3 as set by F0; set 2 is what is sent */
    uint8_t leds;               /* ED: bit 0 Scroll, 1 Num, 2 Caps Lock */
    uint8_t typematic;          /* F3 parameter */
    uint8_t down[PS2_HID_MAX / 8];  /* keys held, so a stray release is not sent */
};

/* Mouse buttons for ps2_mouse_move (bit order of the PS/2 packet). */
#define PS2_MOUSE_LEFT   (1u << 0)
#define PS2_MOUSE_RIGHT  (1u << 1)
#define PS2_MOUSE_MIDDLE (1u << 2)
#define PS2_MOUSE_SIDE   (1u << 3)   /* button 4, IntelliMouse Explorer only */
#define PS2_MOUSE_EXTRA  (1u << 4)   /* button 5, IntelliMouse Explorer only */

/* Device IDs (F2): 0 standard, 3 IntelliMouse (wheel), 4 IntelliMouse Explorer. */
#define PS2_MOUSE_ID_STANDARD 0
#define PS2_MOUSE_ID_IMPS     3
#define PS2_MOUSE_ID_IMEX     4

struct ps2_mouse {
    struct ps2_device port;
    bool reporting;             /* data reporting enabled (F4) */
    bool remote;                /* remote mode (F0) instead of stream mode */
    bool wrap;                  /* echo mode (EE) */
    bool scale21;               /* 2:1 scaling (E7) */
    uint8_t id;
    uint8_t sample_rate;
    uint8_t resolution;
    uint8_t rate_history[3];    /* last three sample rates, for the ID knocks */
    int dx, dy, dz;             /* motion not yet sent (dy positive = up) */
    unsigned buttons;
    bool buttons_changed;
};

struct ps2_keyboard *ps2_keyboard_create(const char *name, struct trace *trace);
struct ps2_mouse *ps2_mouse_create(const char *name, struct trace *trace);
void ps2_device_destroy(struct ps2_device *dev);
/* Power-on state without the self-test byte; empties the queues. */
void ps2_device_reset(struct ps2_device *dev);

/* The views of a device, or NULL if it is the other kind. */
struct ps2_keyboard *ps2_as_keyboard(struct ps2_device *dev);
struct ps2_mouse *ps2_as_mouse(struct ps2_device *dev);

void ps2_set_notify(struct ps2_device *dev, void (*notify)(void *opaque), void *opaque);
bool ps2_has_data(const struct ps2_device *dev);
/* The next byte for the host; with nothing queued, the last byte again. */
uint8_t ps2_read(struct ps2_device *dev);
/* A byte from the host (a command or a command's parameter). */
void ps2_write(struct ps2_device *dev, uint8_t byte);
void ps2_dump(const struct ps2_device *dev, FILE *out);

/* A key (HID usage) pressed or released; sent in scan code set 2. */
void ps2_keyboard_key(struct ps2_keyboard *kbd, unsigned hid_usage, bool down);

/*
 * Relative motion and the buttons now held (PS2_MOUSE_*): dx positive =
 * right, dy positive = down (screen direction, like SDL), dz positive =
 * wheel turned towards the user (scroll down). Queued as 3-byte packets,
 * or 4-byte packets once the IntelliMouse knocks switched the ID.
 */
void ps2_mouse_move(struct ps2_mouse *mouse, int dx, int dy, int dz, unsigned buttons);

/* savevm/loadvm of a keyboard or mouse, inside its port's section; 0 or -1. */
struct snapshot_io;
int ps2_snapshot(struct ps2_device *dev, struct snapshot_io *io);

#endif
