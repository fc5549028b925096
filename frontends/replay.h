/*
 * Record and replay of terminal input (`--record FILE`, `--replay FILE`).
 *
 * The machine is deterministic (virtual time, DESIGN.md), so a run is
 * fully described by its configuration and by the input bytes the guest's
 * UART received, each with the exact point of the run at which it was
 * delivered. A point is (instructions retired by CPU 0, virtual time in
 * picoseconds): the instruction count alone does not identify it, because
 * while every CPU waits for an interrupt virtual time moves on and the
 * count does not (see docs/debugging.md).
 *
 * Log format (text, version 1; see docs/debugging.md):
 *
 *   armhv-emu input log 1
 *   board versatilepb
 *   memory 134217728
 *   mhz 100
 *   rtc 1735689600
 *   in 123456789 1234567890000 6563686f0d
 *   end 350757674 3508000000000
 *
 * Lines starting with '#' are comments. `in ICOUNT PS HEX` delivers the
 * bytes HEX in one call at that point; points never go backwards. `end`
 * (optional, last) is where the recorded run finished, so a replay can
 * check it ended in the same place.
 */
#ifndef FRONTENDS_REPLAY_H
#define FRONTENDS_REPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "devices/machine.h"

struct replay;

/* Point of a run: CPU 0's instruction count and virtual time. */
struct replay_point {
    uint64_t icount;
    uint64_t time_ps;
};

/* Creates the log and writes its header. NULL after reporting an error. */
struct replay *replay_open_record(const char *path, const struct machine_config *mc);

/*
 * Reads and validates the whole log; checks that mc describes the same
 * machine (board, memory, mhz) and makes mc's real-time clocks start where
 * the recorded run's did. NULL after reporting an error.
 */
struct replay *replay_open_play(const char *path, struct machine_config *mc);

bool replay_is_playing(const struct replay *r);

/* Recording: len bytes went to the guest at point at. */
void replay_record_input(struct replay *r, struct replay_point at, const uint8_t *buf,
                         size_t len);

/* Playing: the point of the next input, or false when none is left. */
bool replay_next_point(const struct replay *r, struct replay_point *next);

/*
 * Playing: the bytes of the next input if it is due exactly at now (the
 * log advances past it): returns 1 with *buf and *len set. Returns 0 if it is
 * still ahead, -1 after reporting that the run has passed it (the replay
 * diverged from the recording).
 */
int replay_take(struct replay *r, struct replay_point now, const uint8_t **buf, size_t *len);

/*
 * Ends the log at the run's final point. Recording writes the end line;
 * playing checks the run ended where the recording did and that every
 * input was delivered. Returns 0, or -1 after reporting a divergence.
 */
int replay_close(struct replay *r, struct replay_point end);
/* Releases a log without ending it (the run never started). */
void replay_free(struct replay *r);

#endif
