/*
 * PS/2 keyboard (IBM MF2, scan code set 2) and mouse (standard, with the
 * Microsoft IntelliMouse and IntelliMouse Explorer extensions), as the
 * devices at the end of a PS/2 port. Sources: the IBM PS/2 Keyboard and
 * Mouse technical references, the Microsoft IntelliMouse/Explorer
 * specifications, and what Linux's atkbd and psmouse drivers expect.
 *
 * Both devices keep two output queues: responses to host commands, which
 * go out first, and input (scan codes, movement packets). Every command
 * is answered at once: ACK 0xfa, then its response bytes; an unknown
 * command gets 0xfe (resend), like real devices, so a driver probing for
 * an extension it does not find fails fast instead of timing out.
 *
 * Keyboard: reset FF -> FA AA; get ID F2 -> FA AB 83; set LEDs ED xx,
 * typematic F3 xx, scan code set F0 xx (0 reads it back), enable F4,
 * disable F5 (defaults, no scanning), defaults F6, echo EE, resend FE,
 * the set-3 key-type commands F7-FD are acknowledged and ignored. Keys
 * are HID usages (ps2.h) translated to set 2: make code, F0 + code for a
 * release, E0 in front of the extended keys, the long Print Screen and
 * Pause sequences. Typematic repeat is the caller's: a second press of a
 * held key sends the make code again. The input buffer holds
 * PS2_KBD_BUFFER bytes; a key that does not fit is replaced by the
 * overrun code 00.
 *
 * Mouse: reset FF -> FA AA 00; get ID F2 -> FA id; sample rate F3 xx,
 * resolution E8 xx, status E9 -> FA status resolution rate, scaling E6/E7,
 * stream EA / remote F0 / read data EB, wrap EE / EC, enable F4, disable
 * F5, defaults F6, resend FE. Setting the sample rates 200, 100, 80 in a
 * row switches the ID to 3 (wheel, 4-byte packets), 200, 200, 80 to 4
 * (wheel + buttons 4 and 5): Linux's psmouse then reports "ImExPS/2".
 * Movement beyond one packet's range is split over several packets; the
 * resolution setting does not scale host motion.
 *
 * Not modelled: scan code sets 1 and 3 (set 2 is sent whatever F0
 * selected; logged), typematic timing (see above), keyboard fake shifts
 * around the extended keys, Korean keys.
 */
#include "devices/ps2.h"

#include <stdlib.h>
#include <string.h>

#include "base/snapshot.h"
#include "base/trace.h"

/* Replies. */
#define PS2_ACK       0xfau
#define PS2_RESEND    0xfeu
#define PS2_BAT_OK    0xaau
#define PS2_ECHO      0xeeu

/* Keyboard commands (host to keyboard). */
#define KBD_CMD_SET_LEDS     0xedu
#define KBD_CMD_ECHO         0xeeu
#define KBD_CMD_SCAN_SET     0xf0u
#define KBD_CMD_GET_ID       0xf2u
#define KBD_CMD_TYPEMATIC    0xf3u
#define KBD_CMD_ENABLE       0xf4u
#define KBD_CMD_DISABLE      0xf5u
#define KBD_CMD_DEFAULTS     0xf6u
#define KBD_CMD_SET_ALL_T    0xf7u   /* F7-FA: set-3 all-key modes */
#define KBD_CMD_SET_ALL_TMB  0xfau
#define KBD_CMD_SET_KEY_T    0xfbu   /* FB-FD: set-3 per-key modes, one parameter */
#define KBD_CMD_SET_KEY_M    0xfdu
#define KBD_CMD_RESEND       0xfeu
#define KBD_CMD_RESET        0xffu
#define KBD_FIRST_CMD        0xedu   /* bytes below are parameters */

/* MF2 keyboard ID. */
#define KBD_ID0 0xabu
#define KBD_ID1 0x83u
#define KBD_DEFAULT_TYPEMATIC 0x2bu  /* 10.9 characters/s after 500 ms */

/* Scan code set 2 prefixes. */
#define SC2_EXTENDED 0xe0u
#define SC2_PAUSE    0xe1u
#define SC2_RELEASE  0xf0u
#define SC2_OVERRUN  0x00u

/* Mouse commands. */
#define MOUSE_CMD_SCALE11     0xe6u
#define MOUSE_CMD_SCALE21     0xe7u
#define MOUSE_CMD_RESOLUTION  0xe8u
#define MOUSE_CMD_STATUS      0xe9u
#define MOUSE_CMD_STREAM      0xeau
#define MOUSE_CMD_READ_DATA   0xebu
#define MOUSE_CMD_RESET_WRAP  0xecu
#define MOUSE_CMD_WRAP        0xeeu
#define MOUSE_CMD_REMOTE      0xf0u
#define MOUSE_CMD_GET_ID      0xf2u
#define MOUSE_CMD_SAMPLE_RATE 0xf3u
#define MOUSE_CMD_ENABLE      0xf4u
#define MOUSE_CMD_DISABLE     0xf5u
#define MOUSE_CMD_DEFAULTS    0xf6u
#define MOUSE_CMD_RESEND      0xfeu
#define MOUSE_CMD_RESET       0xffu
#define MOUSE_FIRST_CMD       0xe6u

/* Status byte (E9). */
#define MOUSE_STATUS_RIGHT    (1u << 0)
#define MOUSE_STATUS_MIDDLE   (1u << 1)
#define MOUSE_STATUS_LEFT     (1u << 2)
#define MOUSE_STATUS_SCALE21  (1u << 4)
#define MOUSE_STATUS_ENABLED  (1u << 5)
#define MOUSE_STATUS_REMOTE   (1u << 6)

/* First packet byte. */
#define PKT_ALWAYS1   (1u << 3)
#define PKT_X_SIGN    (1u << 4)
#define PKT_Y_SIGN    (1u << 5)
#define PKT_X_OVF     (1u << 6)
#define PKT_Y_OVF     (1u << 7)

#define MOUSE_DEFAULT_RATE 100u
#define MOUSE_DEFAULT_RESOLUTION 2u   /* 4 counts/mm */
#define MOUSE_MAX_PACKET 4u
#define MOUSE_ACCUM_LIMIT (1 << 20)   /* pending motion is clamped here */

/*
 * HID usage -> scan code set 2 (bit 8: E0 prefix); 0 = no such key.
 * Print Screen and Pause have sequences of their own (see kbd_sequence).
 */
#define E0 0x100u
static const uint16_t hid_to_set2[PS2_HID_MAX] = {
    /* letters a-z */
    [0x04] = 0x1c, [0x05] = 0x32, [0x06] = 0x21, [0x07] = 0x23, [0x08] = 0x24,
    [0x09] = 0x2b, [0x0a] = 0x34, [0x0b] = 0x33, [0x0c] = 0x43, [0x0d] = 0x3b,
    [0x0e] = 0x42, [0x0f] = 0x4b, [0x10] = 0x3a, [0x11] = 0x31, [0x12] = 0x44,
    [0x13] = 0x4d, [0x14] = 0x15, [0x15] = 0x2d, [0x16] = 0x1b, [0x17] = 0x2c,
    [0x18] = 0x3c, [0x19] = 0x2a, [0x1a] = 0x1d, [0x1b] = 0x22, [0x1c] = 0x35,
    [0x1d] = 0x1a,
    /* 1-9, 0 */
    [0x1e] = 0x16, [0x1f] = 0x1e, [0x20] = 0x26, [0x21] = 0x25, [0x22] = 0x2e,
    [0x23] = 0x36, [0x24] = 0x3d, [0x25] = 0x3e, [0x26] = 0x46, [0x27] = 0x45,
    /* Enter Esc Backspace Tab Space - = [ ] \ (non-US #) ; ' ` , . / CapsLock */
    [0x28] = 0x5a, [0x29] = 0x76, [0x2a] = 0x66, [0x2b] = 0x0d, [0x2c] = 0x29,
    [0x2d] = 0x4e, [0x2e] = 0x55, [0x2f] = 0x54, [0x30] = 0x5b, [0x31] = 0x5d,
    [0x32] = 0x5d, [0x33] = 0x4c, [0x34] = 0x52, [0x35] = 0x0e, [0x36] = 0x41,
    [0x37] = 0x49, [0x38] = 0x4a, [0x39] = 0x58,
    /* F1-F12 */
    [0x3a] = 0x05, [0x3b] = 0x06, [0x3c] = 0x04, [0x3d] = 0x0c, [0x3e] = 0x03,
    [0x3f] = 0x0b, [0x40] = 0x83, [0x41] = 0x0a, [0x42] = 0x01, [0x43] = 0x09,
    [0x44] = 0x78, [0x45] = 0x07,
    /* ScrollLock; Insert Home PageUp Delete End PageDown Right Left Down Up */
    [0x47] = 0x7e,
    [0x49] = E0 | 0x70, [0x4a] = E0 | 0x6c, [0x4b] = E0 | 0x7d, [0x4c] = E0 | 0x71,
    [0x4d] = E0 | 0x69, [0x4e] = E0 | 0x7a, [0x4f] = E0 | 0x74, [0x50] = E0 | 0x6b,
    [0x51] = E0 | 0x72, [0x52] = E0 | 0x75,
    /* NumLock, keypad / * - + Enter 1-9 0 . */
    [0x53] = 0x77, [0x54] = E0 | 0x4a, [0x55] = 0x7c, [0x56] = 0x7b, [0x57] = 0x79,
    [0x58] = E0 | 0x5a, [0x59] = 0x69, [0x5a] = 0x72, [0x5b] = 0x7a, [0x5c] = 0x6b,
    [0x5d] = 0x73, [0x5e] = 0x74, [0x5f] = 0x6c, [0x60] = 0x75, [0x61] = 0x7d,
    [0x62] = 0x70, [0x63] = 0x71,
    /* non-US \, Menu, Power, keypad = */
    [0x64] = 0x61, [0x65] = E0 | 0x2f, [0x66] = E0 | 0x37, [0x67] = 0x0f,
    /* Mute, Volume Up, Volume Down, keypad comma */
    [0x7f] = E0 | 0x23, [0x80] = E0 | 0x32, [0x81] = E0 | 0x21, [0x85] = 0x6d,
    /* International 1-5 (Ro, Katakana/Hiragana, Yen, Henkan, Muhenkan) */
    [0x87] = 0x51, [0x88] = 0x13, [0x89] = 0x6a, [0x8a] = 0x64, [0x8b] = 0x67,
    /* left Ctrl Shift Alt GUI, right Ctrl Shift Alt GUI */
    [0xe0] = 0x14, [0xe1] = 0x12, [0xe2] = 0x11, [0xe3] = E0 | 0x1f,
    [0xe4] = E0 | 0x14, [0xe5] = 0x59, [0xe6] = E0 | 0x11, [0xe7] = E0 | 0x27,
};

/* ---- queues ---- */

static unsigned queue_room(const struct ps2_device *d, unsigned limit)
{
    return d->queue_count < limit ? limit - d->queue_count : 0;
}

static void queue_push(struct ps2_device *d, uint8_t byte)
{
    if (d->queue_count >= PS2_QUEUE_SIZE) {
        d->dropped++;
        return;
    }
    d->queue[(d->queue_head + d->queue_count++) % PS2_QUEUE_SIZE] = byte;
}

static void queue_clear(struct ps2_device *d)
{
    d->queue_head = d->queue_count = 0;
}

static void resp_push(struct ps2_device *d, uint8_t byte)
{
    if (d->resp_count >= PS2_RESP_SIZE) {
        d->dropped++;
        return;
    }
    d->resp[(d->resp_head + d->resp_count++) % PS2_RESP_SIZE] = byte;
}

static void ps2_notify(struct ps2_device *d)
{
    if (d->notify && ps2_has_data(d))
        d->notify(d->notify_opaque);
}

bool ps2_has_data(const struct ps2_device *d)
{
    return d->resp_count || d->queue_count;
}

void ps2_set_notify(struct ps2_device *d, void (*notify)(void *), void *opaque)
{
    d->notify = notify;
    d->notify_opaque = opaque;
}

struct ps2_keyboard *ps2_as_keyboard(struct ps2_device *d)
{
    return d && d->kind == PS2_KEYBOARD ? (struct ps2_keyboard *)d : NULL;
}

struct ps2_mouse *ps2_as_mouse(struct ps2_device *d)
{
    return d && d->kind == PS2_MOUSE ? (struct ps2_mouse *)d : NULL;
}

/* ---- keyboard ---- */

static void kbd_defaults(struct ps2_keyboard *k)
{
    k->scan_set = 2;
    k->typematic = KBD_DEFAULT_TYPEMATIC;
}

static bool kbd_is_down(const struct ps2_keyboard *k, unsigned usage)
{
    return k->down[usage / 8] & (1u << (usage % 8));
}

static void kbd_set_down(struct ps2_keyboard *k, unsigned usage, bool down)
{
    if (down)
        k->down[usage / 8] |= (uint8_t)(1u << (usage % 8));
    else
        k->down[usage / 8] &= (uint8_t)~(1u << (usage % 8));
}

/* The set 2 bytes for a key event; 0 when the key has none. */
static unsigned kbd_sequence(unsigned usage, bool down, uint8_t *out)
{
    static const uint8_t print_make[] = { 0xe0, 0x12, 0xe0, 0x7c };
    static const uint8_t print_break[] = { 0xe0, 0xf0, 0x7c, 0xe0, 0xf0, 0x12 };
    static const uint8_t pause_make[] = { 0xe1, 0x14, 0x77, 0xe1, 0xf0, 0x14, 0xf0, 0x77 };
    const uint8_t *seq = NULL;
    unsigned len = 0;
    if (usage == PS2_HID_PRINTSCREEN) {
        seq = down ? print_make : print_break;
        len = down ? sizeof(print_make) : sizeof(print_break);
    } else if (usage == PS2_HID_PAUSE) {
        /* Pause has no break code: its make sequence already contains one. */
        seq = pause_make;
        len = down ? sizeof(pause_make) : 0;
    }
    if (seq) {
        memcpy(out, seq, len);
        return len;
    }
    uint16_t code = hid_to_set2[usage];
    if (!code)
        return 0;
    if (code & E0)
        out[len++] = SC2_EXTENDED;
    if (!down)
        out[len++] = SC2_RELEASE;
    out[len++] = (uint8_t)code;
    return len;
}

void ps2_keyboard_key(struct ps2_keyboard *k, unsigned usage, bool down)
{
    struct ps2_device *d = &k->port;
    if (usage >= PS2_HID_MAX)
        return;
    if (!down && !kbd_is_down(k, usage))
        return;         /* a release we never reported the press of */
    kbd_set_down(k, usage, down);
    if (!k->scanning)
        return;
    uint8_t seq[8];
    unsigned len = kbd_sequence(usage, down, seq);
    if (!len)
        return;
    if (k->scan_set != 2)
        trace_printf(d->trace, TRACE_UNIMP, "%s: scan code set %u not modelled, sending set 2",
                     d->name, k->scan_set);
    if (queue_room(d, PS2_KBD_BUFFER) < len) {
        /* Buffer full: the key is lost and the overrun code goes in the
         * buffer, over its last byte if need be (IBM keyboard reference). */
        d->dropped++;
        uint8_t *last = d->queue_count
            ? &d->queue[(d->queue_head + d->queue_count - 1) % PS2_QUEUE_SIZE] : NULL;
        if (queue_room(d, PS2_KBD_BUFFER) > 0 && (!last || *last != SC2_OVERRUN))
            queue_push(d, SC2_OVERRUN);
        else if (last)
            *last = SC2_OVERRUN;
    } else {
        for (unsigned i = 0; i < len; i++)
            queue_push(d, seq[i]);
    }
    ps2_notify(d);
}

/* The parameter byte of a pending command. */
static void kbd_parameter(struct ps2_keyboard *k, unsigned cmd, uint8_t byte)
{
    struct ps2_device *d = &k->port;
    switch (cmd) {
    case KBD_CMD_SET_LEDS:
        k->leds = byte & 7;
        resp_push(d, PS2_ACK);
        break;
    case KBD_CMD_TYPEMATIC:
        k->typematic = byte & 0x7f;
        resp_push(d, PS2_ACK);
        break;
    case KBD_CMD_SCAN_SET:
        if (byte == 0) {
            resp_push(d, PS2_ACK);
            resp_push(d, (uint8_t)k->scan_set);
        } else if (byte <= 3) {
            k->scan_set = byte;
            resp_push(d, PS2_ACK);
        } else {
            resp_push(d, PS2_RESEND);
        }
        break;
    default:    /* FB-FD: a key code for a set-3 mode, ignored */
        resp_push(d, PS2_ACK);
        break;
    }
}

static void kbd_command(struct ps2_keyboard *k, uint8_t cmd)
{
    struct ps2_device *d = &k->port;
    switch (cmd) {
    case KBD_CMD_SET_LEDS:
    case KBD_CMD_SCAN_SET:
    case KBD_CMD_TYPEMATIC:
        d->pending_cmd = cmd;
        resp_push(d, PS2_ACK);
        break;
    case KBD_CMD_ECHO:
        resp_push(d, PS2_ECHO);
        break;
    case KBD_CMD_GET_ID:
        resp_push(d, PS2_ACK);
        resp_push(d, KBD_ID0);
        resp_push(d, KBD_ID1);
        break;
    case KBD_CMD_ENABLE:
        queue_clear(d);
        k->scanning = true;
        resp_push(d, PS2_ACK);
        break;
    case KBD_CMD_DISABLE:
    case KBD_CMD_DEFAULTS:
        queue_clear(d);
        kbd_defaults(k);
        k->scanning = cmd == KBD_CMD_DEFAULTS;
        resp_push(d, PS2_ACK);
        break;
    case KBD_CMD_RESEND:
        resp_push(d, d->last_sent);
        break;
    case KBD_CMD_RESET:
        queue_clear(d);
        kbd_defaults(k);
        k->leds = 0;
        k->scanning = true;
        resp_push(d, PS2_ACK);
        resp_push(d, PS2_BAT_OK);
        break;
    default:
        if (cmd >= KBD_CMD_SET_ALL_T && cmd <= KBD_CMD_SET_ALL_TMB) {
            resp_push(d, PS2_ACK);
        } else if (cmd >= KBD_CMD_SET_KEY_T && cmd <= KBD_CMD_SET_KEY_M) {
            d->pending_cmd = cmd;
            resp_push(d, PS2_ACK);
        } else {
            trace_printf(d->trace, TRACE_UNIMP, "%s: unknown keyboard command 0x%02x",
                         d->name, cmd);
            resp_push(d, PS2_RESEND);
        }
        break;
    }
}

static void kbd_write(struct ps2_keyboard *k, uint8_t byte)
{
    struct ps2_device *d = &k->port;
    int pending = d->pending_cmd;
    d->pending_cmd = -1;
    /* A command byte where a parameter was expected starts a new command. */
    if (pending >= 0 && byte < KBD_FIRST_CMD)
        kbd_parameter(k, (unsigned)pending, byte);
    else
        kbd_command(k, byte);
}

/* ---- mouse ---- */

static void mouse_defaults(struct ps2_mouse *m)
{
    m->sample_rate = MOUSE_DEFAULT_RATE;
    m->resolution = MOUSE_DEFAULT_RESOLUTION;
    m->scale21 = false;
    m->remote = false;
    m->reporting = false;
}

static void mouse_clear_motion(struct ps2_mouse *m)
{
    m->dx = m->dy = m->dz = 0;
    m->buttons_changed = false;
}

static int clamp_int(int v, int lo, int hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/* 2:1 scaling of stream-mode motion (IBM mouse reference, "Scaling"). */
static int scale21(int v)
{
    static const int small[6] = { 0, 1, 1, 3, 6, 9 };
    int mag = v < 0 ? -v : v;
    int out = mag < 6 ? small[mag] : 2 * mag;
    return v < 0 ? -out : out;
}

/* Builds one packet from the pending motion and takes it off; returns its length. */
static unsigned mouse_packet(struct ps2_mouse *m, uint8_t *out, bool stream)
{
    int dx = clamp_int(m->dx, -255, 255);
    int dy = clamp_int(m->dy, -255, 255);
    m->dx -= dx;
    m->dy -= dy;
    if (stream && m->scale21) {
        dx = scale21(dx);
        dy = scale21(dy);
    }
    uint8_t b0 = PKT_ALWAYS1 | (m->buttons & 7);
    if (dx < -256 || dx > 255) {
        b0 |= PKT_X_OVF;
        dx = clamp_int(dx, -256, 255);
    }
    if (dy < -256 || dy > 255) {
        b0 |= PKT_Y_OVF;
        dy = clamp_int(dy, -256, 255);
    }
    if (dx < 0)
        b0 |= PKT_X_SIGN;
    if (dy < 0)
        b0 |= PKT_Y_SIGN;
    out[0] = b0;
    out[1] = (uint8_t)dx;
    out[2] = (uint8_t)dy;
    unsigned len = 3;
    if (m->id == PS2_MOUSE_ID_IMPS) {
        int dz = clamp_int(m->dz, -127, 127);
        m->dz -= dz;
        out[len++] = (uint8_t)dz;
    } else if (m->id == PS2_MOUSE_ID_IMEX) {
        int dz = clamp_int(m->dz, -8, 7);
        m->dz -= dz;
        out[len++] = (uint8_t)((dz & 0x0f) | ((m->buttons & (PS2_MOUSE_SIDE | PS2_MOUSE_EXTRA))
                                              << 1));
    } else {
        m->dz = 0;
    }
    m->buttons_changed = false;
    return len;
}

static bool mouse_has_motion(const struct ps2_mouse *m)
{
    return m->dx || m->dy || m->dz || m->buttons_changed;
}

/* Stream mode: queues packets for the pending motion while they fit. */
static void mouse_flush(struct ps2_mouse *m)
{
    struct ps2_device *d = &m->port;
    if (m->remote || !m->reporting)
        return;
    while (mouse_has_motion(m) && queue_room(d, PS2_QUEUE_SIZE) >= MOUSE_MAX_PACKET) {
        uint8_t pkt[MOUSE_MAX_PACKET];
        unsigned len = mouse_packet(m, pkt, true);
        for (unsigned i = 0; i < len; i++)
            queue_push(d, pkt[i]);
    }
}

void ps2_mouse_move(struct ps2_mouse *m, int dx, int dy, int dz, unsigned buttons)
{
    buttons &= PS2_MOUSE_LEFT | PS2_MOUSE_RIGHT | PS2_MOUSE_MIDDLE | PS2_MOUSE_SIDE |
               PS2_MOUSE_EXTRA;
    if (buttons != m->buttons) {
        m->buttons = buttons;
        m->buttons_changed = true;
    }
    if (!m->remote && !m->reporting) {
        /* A disabled mouse in stream mode does not count movement. */
        mouse_clear_motion(m);
        return;
    }
    m->dx = clamp_int(m->dx + clamp_int(dx, -MOUSE_ACCUM_LIMIT, MOUSE_ACCUM_LIMIT),
                      -MOUSE_ACCUM_LIMIT, MOUSE_ACCUM_LIMIT);
    /* PS/2 counts up as positive; the caller's dy is down-positive. */
    m->dy = clamp_int(m->dy - clamp_int(dy, -MOUSE_ACCUM_LIMIT, MOUSE_ACCUM_LIMIT),
                      -MOUSE_ACCUM_LIMIT, MOUSE_ACCUM_LIMIT);
    if (m->id != PS2_MOUSE_ID_STANDARD)
        m->dz = clamp_int(m->dz + clamp_int(dz, -MOUSE_ACCUM_LIMIT, MOUSE_ACCUM_LIMIT),
                          -MOUSE_ACCUM_LIMIT, MOUSE_ACCUM_LIMIT);
    mouse_flush(m);
    ps2_notify(&m->port);
}

static void mouse_sample_rate(struct ps2_mouse *m, uint8_t rate)
{
    m->sample_rate = rate;
    m->rate_history[0] = m->rate_history[1];
    m->rate_history[1] = m->rate_history[2];
    m->rate_history[2] = rate;
    /* The IntelliMouse knocks (Microsoft IntelliMouse / Explorer specs). */
    if (m->rate_history[0] == 200 && m->rate_history[1] == 100 && m->rate_history[2] == 80 &&
        m->id == PS2_MOUSE_ID_STANDARD)
        m->id = PS2_MOUSE_ID_IMPS;
    else if (m->rate_history[0] == 200 && m->rate_history[1] == 200 &&
             m->rate_history[2] == 80)
        m->id = PS2_MOUSE_ID_IMEX;
}

static void mouse_command(struct ps2_mouse *m, uint8_t cmd)
{
    struct ps2_device *d = &m->port;
    switch (cmd) {
    case MOUSE_CMD_SCALE11:
    case MOUSE_CMD_SCALE21:
        m->scale21 = cmd == MOUSE_CMD_SCALE21;
        resp_push(d, PS2_ACK);
        break;
    case MOUSE_CMD_RESOLUTION:
    case MOUSE_CMD_SAMPLE_RATE:
        d->pending_cmd = cmd;
        resp_push(d, PS2_ACK);
        break;
    case MOUSE_CMD_STATUS: {
        uint8_t status = 0;
        if (m->buttons & PS2_MOUSE_LEFT)
            status |= MOUSE_STATUS_LEFT;
        if (m->buttons & PS2_MOUSE_MIDDLE)
            status |= MOUSE_STATUS_MIDDLE;
        if (m->buttons & PS2_MOUSE_RIGHT)
            status |= MOUSE_STATUS_RIGHT;
        if (m->scale21)
            status |= MOUSE_STATUS_SCALE21;
        if (m->reporting)
            status |= MOUSE_STATUS_ENABLED;
        if (m->remote)
            status |= MOUSE_STATUS_REMOTE;
        resp_push(d, PS2_ACK);
        resp_push(d, status);
        resp_push(d, m->resolution);
        resp_push(d, m->sample_rate);
        break;
    }
    case MOUSE_CMD_STREAM:
    case MOUSE_CMD_REMOTE:
        m->remote = cmd == MOUSE_CMD_REMOTE;
        mouse_clear_motion(m);
        resp_push(d, PS2_ACK);
        break;
    case MOUSE_CMD_READ_DATA: {
        uint8_t pkt[MOUSE_MAX_PACKET];
        unsigned len = mouse_packet(m, pkt, false);
        resp_push(d, PS2_ACK);
        for (unsigned i = 0; i < len; i++)
            resp_push(d, pkt[i]);
        break;
    }
    case MOUSE_CMD_RESET_WRAP:
        m->wrap = false;
        resp_push(d, PS2_ACK);
        break;
    case MOUSE_CMD_WRAP:
        m->wrap = true;
        mouse_clear_motion(m);
        resp_push(d, PS2_ACK);
        break;
    case MOUSE_CMD_GET_ID:
        mouse_clear_motion(m);
        resp_push(d, PS2_ACK);
        resp_push(d, m->id);
        break;
    case MOUSE_CMD_ENABLE:
        m->reporting = true;
        mouse_clear_motion(m);
        resp_push(d, PS2_ACK);
        break;
    case MOUSE_CMD_DISABLE:
        m->reporting = false;
        queue_clear(d);
        mouse_clear_motion(m);
        resp_push(d, PS2_ACK);
        break;
    case MOUSE_CMD_DEFAULTS:
        mouse_defaults(m);
        queue_clear(d);
        mouse_clear_motion(m);
        resp_push(d, PS2_ACK);
        break;
    case MOUSE_CMD_RESEND:
        resp_push(d, d->last_sent);
        break;
    case MOUSE_CMD_RESET:
        mouse_defaults(m);
        m->wrap = false;
        m->id = PS2_MOUSE_ID_STANDARD;
        memset(m->rate_history, 0, sizeof(m->rate_history));
        queue_clear(d);
        mouse_clear_motion(m);
        resp_push(d, PS2_ACK);
        resp_push(d, PS2_BAT_OK);
        resp_push(d, m->id);
        break;
    default:
        trace_printf(d->trace, TRACE_UNIMP, "%s: unknown mouse command 0x%02x", d->name, cmd);
        resp_push(d, PS2_RESEND);
        break;
    }
}

static void mouse_write(struct ps2_mouse *m, uint8_t byte)
{
    struct ps2_device *d = &m->port;
    int pending = d->pending_cmd;
    d->pending_cmd = -1;
    if (m->wrap && byte != MOUSE_CMD_RESET_WRAP && byte != MOUSE_CMD_RESET) {
        resp_push(d, byte);     /* wrap mode echoes everything else */
        return;
    }
    if (pending == MOUSE_CMD_SAMPLE_RATE && byte < MOUSE_FIRST_CMD) {
        mouse_sample_rate(m, byte);
        resp_push(d, PS2_ACK);
    } else if (pending == MOUSE_CMD_RESOLUTION && byte < MOUSE_FIRST_CMD) {
        m->resolution = byte & 3;
        resp_push(d, PS2_ACK);
    } else {
        mouse_command(m, byte);
    }
}

/* ---- common ---- */

uint8_t ps2_read(struct ps2_device *d)
{
    uint8_t byte;
    if (d->resp_count) {
        byte = d->resp[d->resp_head];
        d->resp_head = (d->resp_head + 1) % PS2_RESP_SIZE;
        d->resp_count--;
    } else if (d->queue_count) {
        byte = d->queue[d->queue_head];
        d->queue_head = (d->queue_head + 1) % PS2_QUEUE_SIZE;
        d->queue_count--;
        /* Motion that did not fit goes out as the queue drains (no notify:
         * the port is in the middle of taking a byte and looks again). */
        struct ps2_mouse *m = ps2_as_mouse(d);
        if (m && d->queue_count == 0)
            mouse_flush(m);
    } else {
        return d->last_sent;
    }
    d->last_sent = byte;
    d->bytes_sent++;
    return byte;
}

void ps2_write(struct ps2_device *d, uint8_t byte)
{
    d->commands++;
    if (d->kind == PS2_KEYBOARD)
        kbd_write((struct ps2_keyboard *)d, byte);
    else
        mouse_write((struct ps2_mouse *)d, byte);
    ps2_notify(d);
}

void ps2_device_reset(struct ps2_device *d)
{
    d->resp_head = d->resp_count = 0;
    queue_clear(d);
    d->pending_cmd = -1;
    d->last_sent = 0;
    struct ps2_keyboard *k = ps2_as_keyboard(d);
    if (k) {
        kbd_defaults(k);
        k->leds = 0;
        k->scanning = true;
        memset(k->down, 0, sizeof(k->down));
    }
    struct ps2_mouse *m = ps2_as_mouse(d);
    if (m) {
        mouse_defaults(m);
        m->wrap = false;
        m->id = PS2_MOUSE_ID_STANDARD;
        memset(m->rate_history, 0, sizeof(m->rate_history));
        m->buttons = 0;
        mouse_clear_motion(m);
    }
}

void ps2_dump(const struct ps2_device *d, FILE *out)
{
    fprintf(out, "  %s: %s, %u response + %u input bytes queued, %llu sent, %llu commands, "
            "%llu dropped\n", d->name, d->kind == PS2_KEYBOARD ? "keyboard" : "mouse",
            d->resp_count, d->queue_count, (unsigned long long)d->bytes_sent,
            (unsigned long long)d->commands, (unsigned long long)d->dropped);
    if (d->kind == PS2_KEYBOARD) {
        const struct ps2_keyboard *k = (const struct ps2_keyboard *)d;
        fprintf(out, "    scanning %s, scan code set %u, LEDs 0x%x, typematic 0x%02x\n",
                k->scanning ? "on" : "off", k->scan_set, k->leds, k->typematic);
    } else {
        const struct ps2_mouse *m = (const struct ps2_mouse *)d;
        fprintf(out, "    ID %u, %s mode, reporting %s, rate %u, resolution %u, scaling %s%s\n",
                m->id, m->remote ? "remote" : "stream", m->reporting ? "on" : "off",
                m->sample_rate, m->resolution, m->scale21 ? "2:1" : "1:1",
                m->wrap ? ", wrap" : "");
    }
}

static struct ps2_device *ps2_device_init(struct ps2_device *d, enum ps2_kind kind,
                                          const char *name, struct trace *trace)
{
    d->kind = kind;
    d->name = name;
    d->trace = trace;
    ps2_device_reset(d);
    return d;
}

struct ps2_keyboard *ps2_keyboard_create(const char *name, struct trace *trace)
{
    struct ps2_keyboard *k = calloc(1, sizeof(*k));
    if (k)
        ps2_device_init(&k->port, PS2_KEYBOARD, name, trace);
    return k;
}

struct ps2_mouse *ps2_mouse_create(const char *name, struct trace *trace)
{
    struct ps2_mouse *m = calloc(1, sizeof(*m));
    if (m)
        ps2_device_init(&m->port, PS2_MOUSE, name, trace);
    return m;
}

void ps2_device_destroy(struct ps2_device *d)
{
    free(d);    /* the port is the first member of either device */
}

static void ps2_port_fields(struct snapshot_io *io, struct ps2_device *d)
{
    snap_bytes(io, d->resp, PS2_RESP_SIZE);
    snap_u32_max(io, "response head", &d->resp_head, PS2_RESP_SIZE - 1);
    snap_u32_max(io, "response count", &d->resp_count, PS2_RESP_SIZE);
    snap_bytes(io, d->queue, PS2_QUEUE_SIZE);
    snap_u32_max(io, "queue head", &d->queue_head, PS2_QUEUE_SIZE - 1);
    snap_u32_max(io, "queue count", &d->queue_count, PS2_QUEUE_SIZE);
    snap_u8(io, &d->last_sent);
    snap_i32(io, &d->pending_cmd);
    if (d->pending_cmd < -1 || d->pending_cmd > 0xff)
        snap_fail(io, "pending command %d is not a byte", d->pending_cmd);
    snap_u64(io, &d->bytes_sent);
    snap_u64(io, &d->commands);
    snap_u64(io, &d->dropped);
}

int ps2_snapshot(struct ps2_device *dev, struct snapshot_io *io)
{
    uint32_t kind = dev->kind;
    snap_u32(io, &kind);
    if (!snapshot_saving(io) && !snap_failed(io) && kind != dev->kind)
        return snap_fail(io, "a PS/2 %s where this machine has a %s",
                         kind == PS2_KEYBOARD ? "keyboard" : "mouse",
                         dev->kind == PS2_KEYBOARD ? "keyboard" : "mouse");
    if (dev->kind == PS2_KEYBOARD) {
        struct ps2_keyboard *kbd = (struct ps2_keyboard *)dev;
        struct ps2_keyboard *s = snapshot_stage(io, kbd, sizeof(*kbd));
        if (!s)
            return -1;
        ps2_port_fields(io, &s->port);
        snap_bool(io, "scanning", &s->scanning);
        snap_u32_max(io, "scan code set", &s->scan_set, 3);
        snap_u8(io, &s->leds);
        snap_u8(io, &s->typematic);
        snap_bytes(io, s->down, sizeof(s->down));
        return snapshot_unstage(io, kbd, s);
    }
    struct ps2_mouse *mouse = (struct ps2_mouse *)dev;
    struct ps2_mouse *s = snapshot_stage(io, mouse, sizeof(*mouse));
    if (!s)
        return -1;
    ps2_port_fields(io, &s->port);
    snap_bool(io, "reporting", &s->reporting);
    snap_bool(io, "remote", &s->remote);
    snap_bool(io, "wrap", &s->wrap);
    snap_bool(io, "scale21", &s->scale21);
    snap_u8(io, &s->id);
    snap_u8(io, &s->sample_rate);
    snap_u8(io, &s->resolution);
    snap_bytes(io, s->rate_history, sizeof(s->rate_history));
    snap_i32(io, &s->dx);
    snap_i32(io, &s->dy);
    snap_i32(io, &s->dz);
    snap_u32(io, &s->buttons);
    snap_bool(io, "buttons changed", &s->buttons_changed);
    return snapshot_unstage(io, mouse, s);
}
