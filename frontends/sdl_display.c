/*
 * SDL2 display frontend (see sdl_display.h). One window, one renderer and
 * one streaming XRGB8888 texture of the frame size; SDL's logical size
 * scales the frame to the window with letterboxing. The frame is rendered
 * from guest RAM on every poll and uploaded only when it differs from the
 * previous one (or the window needs repainting).
 *
 * Input: SDL scancodes are USB HID usages, which is what the PS/2
 * keyboard takes (ps2.h); SDL's key repeat becomes typematic repeat.
 * Mouse motion is relative (SDL relative mode while grabbed), summed over
 * one poll and sent as one movement; a button change flushes what came
 * before it, so clicks land where the pointer was. Losing focus releases
 * every key still held so none stays stuck in the guest.
 *
 * SDL is told not to install signal handlers: the emulator's own handlers
 * restore the terminal.
 */
#include "frontends/sdl_display.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <SDL.h>

#include "devices/pl110.h"
#include "devices/ps2.h"

#define DEFAULT_TITLE "armhv-emu"
#define GRAB_HINT " - Ctrl+Alt+G releases the mouse"
#define INITIAL_WIDTH 640
#define INITIAL_HEIGHT 480

struct sdl_display {
    bool sdl_started;               /* SDL_InitSubSystem(VIDEO) succeeded */
    struct pl110 *clcd;
    struct ps2_keyboard *keyboard;
    struct ps2_mouse *mouse;
    char title[128];

    SDL_Window *window;
    SDL_Renderer *renderer;
    SDL_Texture *texture;
    unsigned tex_w, tex_h;          /* texture (= frame) size; 0 when none */
    bool user_resized;              /* leave the window size alone from then on */
    int asked_w, asked_h;           /* our own last SDL_SetWindowSize */

    uint32_t *frame;                /* PL110_MAX_WIDTH * PL110_MAX_HEIGHT */
    uint32_t *shown;                /* last frame uploaded */
    unsigned shown_w, shown_h;
    bool shown_on;
    bool repaint;

    bool grabbed;
    unsigned buttons;               /* PS2_MOUSE_* */
    int dx, dy, dz;                 /* motion not yet sent */
    uint8_t keys_down[PS2_HID_MAX / 8];
};

static void set_title(struct sdl_display *d)
{
    char title[sizeof(d->title) + sizeof(GRAB_HINT)];
    snprintf(title, sizeof(title), "%s%s", d->title, d->grabbed ? GRAB_HINT : "");
    SDL_SetWindowTitle(d->window, title);
}

static void set_grab(struct sdl_display *d, bool grab)
{
    if (grab == d->grabbed || (grab && !d->mouse))
        return;
    if (SDL_SetRelativeMouseMode(grab ? SDL_TRUE : SDL_FALSE) < 0 && grab) {
        report_warning("display: cannot grab the mouse: %s", SDL_GetError());
        return;
    }
    d->grabbed = grab;
    d->dx = d->dy = d->dz = 0;
    set_title(d);
}

/* ---- keyboard ---- */

static bool key_is_down(const struct sdl_display *d, unsigned usage)
{
    return d->keys_down[usage / 8] & (1u << (usage % 8));
}

static void key_event(struct sdl_display *d, unsigned usage, bool down)
{
    if (usage >= PS2_HID_MAX || !d->keyboard)
        return;
    if (down)
        d->keys_down[usage / 8] |= (uint8_t)(1u << (usage % 8));
    else
        d->keys_down[usage / 8] &= (uint8_t)~(1u << (usage % 8));
    ps2_keyboard_key(d->keyboard, usage, down);
}

static void release_all_keys(struct sdl_display *d)
{
    for (unsigned usage = 0; usage < PS2_HID_MAX; usage++)
        if (key_is_down(d, usage))
            key_event(d, usage, false);
}

static bool is_release_hotkey(const SDL_KeyboardEvent *key)
{
    SDL_Keymod mod = key->keysym.mod;
    return key->keysym.scancode == SDL_SCANCODE_G && (mod & KMOD_CTRL) && (mod & KMOD_ALT);
}

static void handle_key(struct sdl_display *d, const SDL_KeyboardEvent *key)
{
    bool down = key->type == SDL_KEYDOWN;
    if (down && d->grabbed && is_release_hotkey(key)) {
        set_grab(d, false);
        return;
    }
    /* A repeat of a held key is typematic repeat: the make code again. */
    key_event(d, (unsigned)key->keysym.scancode, down);
}

/* ---- mouse ---- */

static void mouse_flush(struct sdl_display *d)
{
    if (!d->mouse || !d->grabbed)
        return;
    ps2_mouse_move(d->mouse, d->dx, d->dy, d->dz, d->buttons);
    d->dx = d->dy = d->dz = 0;
}

static unsigned mouse_button_bit(uint8_t button)
{
    switch (button) {
    case SDL_BUTTON_LEFT: return PS2_MOUSE_LEFT;
    case SDL_BUTTON_MIDDLE: return PS2_MOUSE_MIDDLE;
    case SDL_BUTTON_RIGHT: return PS2_MOUSE_RIGHT;
    case SDL_BUTTON_X1: return PS2_MOUSE_SIDE;
    case SDL_BUTTON_X2: return PS2_MOUSE_EXTRA;
    default: return 0;
    }
}

static void handle_button(struct sdl_display *d, const SDL_MouseButtonEvent *ev)
{
    bool down = ev->type == SDL_MOUSEBUTTONDOWN;
    if (!d->grabbed) {
        /* The first click only grabs; the guest never sees it. */
        if (down && ev->button == SDL_BUTTON_LEFT)
            set_grab(d, true);
        return;
    }
    unsigned bit = mouse_button_bit(ev->button);
    if (!bit)
        return;
    mouse_flush(d);
    d->buttons = down ? d->buttons | bit : d->buttons & ~bit;
    mouse_flush(d);
}

/* ---- drawing ---- */

static void note_frame_size(struct sdl_display *d, unsigned w, unsigned h)
{
    if (w == d->tex_w && h == d->tex_h && d->texture)
        return;
    if (d->texture)
        SDL_DestroyTexture(d->texture);
    d->texture = SDL_CreateTexture(d->renderer, SDL_PIXELFORMAT_RGB888,
                                   SDL_TEXTUREACCESS_STREAMING, (int)w, (int)h);
    if (!d->texture) {
        report_warning("display: cannot create a %ux%u texture: %s", w, h, SDL_GetError());
        d->tex_w = d->tex_h = 0;
        return;
    }
    d->tex_w = w;
    d->tex_h = h;
    SDL_RenderSetLogicalSize(d->renderer, (int)w, (int)h);
    if (!d->user_resized) {
        d->asked_w = (int)w;
        d->asked_h = (int)h;
        SDL_SetWindowSize(d->window, d->asked_w, d->asked_h);
    }
    d->repaint = true;
}

static void redraw(struct sdl_display *d)
{
    unsigned w, h;
    bool on = pl110_render(d->clcd, d->frame, &w, &h) > 0;
    if (w && h)
        note_frame_size(d, w, h);
    size_t bytes = (size_t)w * h * sizeof(uint32_t);
    bool changed = on != d->shown_on || w != d->shown_w || h != d->shown_h ||
                   (on && memcmp(d->frame, d->shown, bytes) != 0);
    if (!changed && !d->repaint)
        return;
    SDL_SetRenderDrawColor(d->renderer, 0, 0, 0, 255);
    SDL_RenderClear(d->renderer);
    if (on && d->texture && w == d->tex_w && h == d->tex_h) {
        SDL_UpdateTexture(d->texture, NULL, d->frame, (int)(w * sizeof(uint32_t)));
        SDL_RenderCopy(d->renderer, d->texture, NULL, NULL);
    }
    SDL_RenderPresent(d->renderer);
    if (on)
        memcpy(d->shown, d->frame, bytes);
    d->shown_on = on;
    d->shown_w = w;
    d->shown_h = h;
    d->repaint = false;
}

/* ---- events ---- */

static void handle_window(struct sdl_display *d, const SDL_WindowEvent *ev)
{
    switch (ev->event) {
    case SDL_WINDOWEVENT_RESIZED:
        /* The window manager also confirms our own resizes this way. */
        if (ev->data1 != d->asked_w || ev->data2 != d->asked_h)
            d->user_resized = true;
        d->repaint = true;
        break;
    case SDL_WINDOWEVENT_SIZE_CHANGED:
    case SDL_WINDOWEVENT_EXPOSED:
    case SDL_WINDOWEVENT_RESTORED:
        d->repaint = true;
        break;
    case SDL_WINDOWEVENT_FOCUS_LOST:
        release_all_keys(d);
        mouse_flush(d);
        set_grab(d, false);
        break;
    default:
        break;
    }
}

int sdl_display_poll(struct sdl_display *d)
{
    int result = 0;
    SDL_Event ev;
    while (SDL_PollEvent(&ev)) {
        switch (ev.type) {
        case SDL_QUIT:
            result |= SDL_DISPLAY_QUIT;
            break;
        case SDL_WINDOWEVENT:
            handle_window(d, &ev.window);
            break;
        case SDL_KEYDOWN:
        case SDL_KEYUP:
            handle_key(d, &ev.key);
            break;
        case SDL_MOUSEMOTION:
            if (d->grabbed) {
                d->dx += ev.motion.xrel;
                d->dy += ev.motion.yrel;
            }
            break;
        case SDL_MOUSEBUTTONDOWN:
        case SDL_MOUSEBUTTONUP:
            handle_button(d, &ev.button);
            break;
        case SDL_MOUSEWHEEL:
            if (d->grabbed) {
                int y = ev.wheel.direction == SDL_MOUSEWHEEL_FLIPPED ? -ev.wheel.y : ev.wheel.y;
                d->dz -= y;     /* SDL: up is positive; PS/2: towards the user is */
            }
            break;
        default:
            break;
        }
    }
    if (d->dx || d->dy || d->dz)
        mouse_flush(d);
    redraw(d);
    return result;
}

void sdl_display_destroy(struct sdl_display *d)
{
    if (!d)
        return;
    if (d->texture)
        SDL_DestroyTexture(d->texture);
    if (d->renderer)
        SDL_DestroyRenderer(d->renderer);
    if (d->window)
        SDL_DestroyWindow(d->window);
    if (d->sdl_started)
        SDL_QuitSubSystem(SDL_INIT_VIDEO);
    free(d->frame);
    free(d->shown);
    free(d);
}

/* Starts SDL video and opens the window; prints why and returns -1 if it cannot. */
static int open_window(struct sdl_display *d)
{
    SDL_SetHint(SDL_HINT_NO_SIGNAL_HANDLERS, "1");
    SDL_SetHint(SDL_HINT_RENDER_SCALE_QUALITY, "linear");
    if (SDL_InitSubSystem(SDL_INIT_VIDEO) < 0) {
        report_error("display: cannot start SDL video: %s", SDL_GetError());
        return -1;
    }
    d->sdl_started = true;
    /* With no window system SDL falls back to its invisible offscreen driver:
     * accept that only when asked for (SDL_VIDEODRIVER=offscreen, for tests). */
    const char *driver = SDL_GetCurrentVideoDriver();
    if (driver && !getenv("SDL_VIDEODRIVER") &&
        (!strcmp(driver, "offscreen") || !strcmp(driver, "dummy"))) {
        report_error("display: no window system to open a window on (DISPLAY is not set?); "
                     "use --headless or [display] backend = none");
        return -1;
    }
    d->window = SDL_CreateWindow(d->title, SDL_WINDOWPOS_UNDEFINED, SDL_WINDOWPOS_UNDEFINED,
                                 INITIAL_WIDTH, INITIAL_HEIGHT, SDL_WINDOW_RESIZABLE);
    if (d->window) {
        d->renderer = SDL_CreateRenderer(d->window, -1, 0);
        if (!d->renderer)
            d->renderer = SDL_CreateRenderer(d->window, -1, SDL_RENDERER_SOFTWARE);
    }
    if (!d->window || !d->renderer) {
        report_error("display: cannot open a window: %s", SDL_GetError());
        return -1;
    }
    return 0;
}

struct sdl_display *sdl_display_create(struct pl110 *clcd, struct ps2_keyboard *keyboard,
                                       struct ps2_mouse *mouse, const char *title)
{
    size_t pixels = (size_t)PL110_MAX_WIDTH * PL110_MAX_HEIGHT;
    struct sdl_display *d = calloc(1, sizeof(*d));
    if (d) {
        d->frame = malloc(pixels * sizeof(uint32_t));
        d->shown = malloc(pixels * sizeof(uint32_t));
    }
    if (!d || !d->frame || !d->shown) {
        report_error("display: out of memory");
        sdl_display_destroy(d);
        return NULL;
    }
    d->clcd = clcd;
    d->keyboard = keyboard;
    d->mouse = mouse;
    snprintf(d->title, sizeof(d->title), "%s", title ? title : DEFAULT_TITLE);
    d->repaint = true;
    if (open_window(d) < 0) {
        sdl_display_destroy(d);
        return NULL;
    }
    redraw(d);
    return d;
}
