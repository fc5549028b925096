/*
 * The SDL2 window: shows the CLCD's frame scaled to the window (aspect
 * kept, resizable), sends the host keyboard to a PS/2 keyboard and the
 * host mouse to a PS/2 mouse. A click in the window grabs the mouse;
 * Ctrl+Alt+G releases it. All SDL use is in sdl_display.c, which is built
 * only when ./configure found SDL2 (HAVE_SDL); without it the functions
 * below are stubs and sdl_display_create() says why it returns NULL.
 *
 * Call sdl_display_poll() from the main loop about 60 times a second
 * (every 16 ms of host time, or of virtual time): it handles pending
 * window and input events and redraws the frame if it changed.
 */
#ifndef FRONTENDS_SDL_DISPLAY_H
#define FRONTENDS_SDL_DISPLAY_H

#include <stddef.h>

#include "base/report.h"

struct sdl_display;
struct pl110;
struct ps2_keyboard;
struct ps2_mouse;

/* sdl_display_poll() result bits. */
#define SDL_DISPLAY_QUIT 1      /* the user closed the window */

/* Host milliseconds between polls that keep the window at 60 frames/s. */
#define SDL_DISPLAY_POLL_MS 16

#ifdef HAVE_SDL

/*
 * Opens the window. keyboard and mouse may be NULL (no input of that
 * kind). Returns NULL after printing why when SDL cannot start (no
 * display, for instance).
 */
struct sdl_display *sdl_display_create(struct pl110 *clcd, struct ps2_keyboard *keyboard,
                                       struct ps2_mouse *mouse, const char *title);
int sdl_display_poll(struct sdl_display *display);
void sdl_display_destroy(struct sdl_display *display);

#else

static inline struct sdl_display *sdl_display_create(struct pl110 *clcd,
                                                     struct ps2_keyboard *keyboard,
                                                     struct ps2_mouse *mouse, const char *title)
{
    (void)clcd, (void)keyboard, (void)mouse, (void)title;
    report_error("display: built without SDL2 (./configure --disable-sdl or libsdl2-dev "
                 "missing); use --headless or [display] backend = none");
    return NULL;
}

static inline int sdl_display_poll(struct sdl_display *display)
{
    (void)display;
    return 0;
}

static inline void sdl_display_destroy(struct sdl_display *display)
{
    (void)display;
}

#endif

#endif
