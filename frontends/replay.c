/*
 * Terminal input logs: writing them while recording, and reading,
 * validating and feeding them back while replaying (format in replay.h).
 *
 * A log is untrusted input: every line is checked when the log is opened,
 * before the machine runs, and any error names the file and line.
 */
#include "frontends/replay.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/report.h"

#define REPLAY_MAGIC "armhv-emu input log"
#define REPLAY_VERSION 1
/* Most bytes one `in` line may carry (the frontend delivers far fewer). */
#define REPLAY_MAX_CHUNK 4096
#define REPLAY_MAX_LINE (2 * REPLAY_MAX_CHUNK + 128)

struct replay_event {
    struct replay_point at;
    size_t offset;      /* into bytes[] */
    size_t len;
};

struct replay {
    bool playing;
    const char *path;
    FILE *out;                  /* recording */

    struct replay_event *event; /* playing */
    size_t event_count, next;
    uint8_t *bytes;
    size_t bytes_len;
    bool has_end;
    struct replay_point end;
};

static int point_cmp(struct replay_point a, struct replay_point b)
{
    if (a.icount != b.icount)
        return a.icount < b.icount ? -1 : 1;
    if (a.time_ps != b.time_ps)
        return a.time_ps < b.time_ps ? -1 : 1;
    return 0;
}

/* ---- recording ---- */

struct replay *replay_open_record(const char *path, const struct machine_config *mc)
{
    struct replay *r = calloc(1, sizeof(*r));
    if (!r) {
        report_error("out of memory");
        return NULL;
    }
    r->path = path;
    r->out = fopen(path, "w");
    if (!r->out) {
        report_error("--record %s: %s", path, strerror(errno));
        free(r);
        return NULL;
    }
    fprintf(r->out, "%s %d\n# terminal input of one armhv-emu run; see docs/debugging.md\n"
            "board %s\nmemory %" PRIu64 "\nmhz %u\nrtc %" PRIu64 "\n", REPLAY_MAGIC,
            REPLAY_VERSION, mc->board, mc->memory, mc->mhz, mc->rtc_base);
    fflush(r->out);
    return r;
}

void replay_record_input(struct replay *r, struct replay_point at, const uint8_t *buf,
                         size_t len)
{
    if (!r || r->playing || !r->out || len == 0)
        return;
    fprintf(r->out, "in %" PRIu64 " %" PRIu64 " ", at.icount, at.time_ps);
    for (size_t i = 0; i < len; i++)
        fprintf(r->out, "%02x", buf[i]);
    fputc('\n', r->out);
    /* A run that crashes or is killed still leaves a usable log. */
    fflush(r->out);
}

/* ---- loading ---- */

static int parse_u64(const char *text, uint64_t *value)
{
    char *end;
    if (*text < '0' || *text > '9')
        return -1;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (errno || *end)
        return -1;
    *value = v;
    return 0;
}

static int hex_nibble(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Splits line into at most max whitespace-separated words. */
static int split_words(char *line, char **word, int max)
{
    int n = 0;
    for (char *tok = strtok(line, " \t"); tok; tok = strtok(NULL, " \t")) {
        if (n == max)
            return max + 1;
        word[n++] = tok;
    }
    return n;
}

struct replay_header {
    bool seen_board, seen_memory, seen_mhz, seen_rtc;
    char board[64];
    uint64_t memory, mhz, rtc;
};

static int add_event(struct replay *r, struct replay_point at, const char *hex, size_t len)
{
    size_t cap_events = r->event_count + 1;
    struct replay_event *ev = realloc(r->event, cap_events * sizeof(*ev));
    if (!ev)
        return -1;
    r->event = ev;
    uint8_t *bytes = realloc(r->bytes, r->bytes_len + len);
    if (!bytes)
        return -1;
    r->bytes = bytes;
    for (size_t i = 0; i < len; i++)
        bytes[r->bytes_len + i] = (uint8_t)(hex_nibble(hex[2 * i]) << 4 |
                                            hex_nibble(hex[2 * i + 1]));
    ev[r->event_count++] = (struct replay_event){ at, r->bytes_len, len };
    r->bytes_len += len;
    return 0;
}

/* Checks one line; returns 0 or -1 after reporting the error. */
static int parse_line(struct replay *r, struct replay_header *h, char *line, unsigned number)
{
    char *word[5];
    int n = split_words(line, word, 4);
    if (n == 0 || word[0][0] == '#')
        return 0;
    if (r->has_end) {
        report_error_at(r->path, number, "nothing may follow the end line");
        return -1;
    }
    if (!strcmp(word[0], "in") || !strcmp(word[0], "end")) {
        bool in = word[0][0] == 'i';
        struct replay_point at;
        if (n != (in ? 4 : 3) || parse_u64(word[1], &at.icount) < 0 ||
            parse_u64(word[2], &at.time_ps) < 0) {
            report_error_at(r->path, number, in ? "expected: in ICOUNT PS HEXBYTES"
                                                : "expected: end ICOUNT PS");
            return -1;
        }
        if (!h->seen_board || !h->seen_memory || !h->seen_mhz || !h->seen_rtc) {
            report_error_at(r->path, number, "header incomplete: board, memory, mhz and "
                            "rtc must come before the first input");
            return -1;
        }
        if (r->event_count && point_cmp(at, r->event[r->event_count - 1].at) < 0) {
            report_error_at(r->path, number, "point %" PRIu64 "/%" PRIu64 " ps goes back "
                            "in time", at.icount, at.time_ps);
            return -1;
        }
        if (!in) {
            r->has_end = true;
            r->end = at;
            return 0;
        }
        size_t hex_len = strlen(word[3]);
        bool hex_ok = hex_len > 0 && hex_len % 2 == 0 && hex_len <= 2 * REPLAY_MAX_CHUNK;
        for (size_t i = 0; hex_ok && i < hex_len; i++)
            hex_ok = hex_nibble(word[3][i]) >= 0;
        if (!hex_ok) {
            report_error_at(r->path, number, "input bytes: expected 1 to %d bytes as an even "
                            "number of hex digits", REPLAY_MAX_CHUNK);
            return -1;
        }
        if (add_event(r, at, word[3], hex_len / 2) < 0) {
            report_error("out of memory");
            return -1;
        }
        return 0;
    }
    static const char *const keys[] = { "board", "memory", "mhz", "rtc" };
    bool *seen[] = { &h->seen_board, &h->seen_memory, &h->seen_mhz, &h->seen_rtc };
    uint64_t *values[] = { NULL, &h->memory, &h->mhz, &h->rtc };
    for (unsigned i = 0; i < ARRAY_SIZE(keys); i++) {
        if (strcmp(word[0], keys[i]) != 0)
            continue;
        if (n != 2) {
            report_error_at(r->path, number, "expected: %s VALUE", keys[i]);
            return -1;
        }
        if (*seen[i] || r->event_count) {
            report_error_at(r->path, number, "%s: %s", keys[i], r->event_count ?
                            "header key after the first input" : "given twice");
            return -1;
        }
        if (values[i] ? parse_u64(word[1], values[i]) < 0
                      : strlen(word[1]) >= sizeof(h->board)) {
            report_error_at(r->path, number, "%s: bad value '%s'", keys[i], word[1]);
            return -1;
        }
        if (!values[i])
            snprintf(h->board, sizeof(h->board), "%s", word[1]);
        *seen[i] = true;
        return 0;
    }
    report_error_at(r->path, number, "unknown line '%s' (expected in, end or a header key)",
                    word[0]);
    return -1;
}

static int load_log(struct replay *r, FILE *f, struct replay_header *h)
{
    char *line = NULL;
    size_t cap = 0;
    unsigned number = 0;
    int rc = -1;
    ssize_t len;
    while ((len = getline(&line, &cap, f)) >= 0) {
        number++;
        if ((size_t)len > REPLAY_MAX_LINE || memchr(line, '\0', (size_t)len)) {
            report_error_at(r->path, number, "line too long or not text");
            goto out;
        }
        line[strcspn(line, "\r\n")] = '\0';
        if (number == 1) {
            int version = 0;
            char tail;
            if (sscanf(line, REPLAY_MAGIC " %d%c", &version, &tail) != 1) {
                report_error_at(r->path, 1, "not an armhv-emu input log (first line must "
                                "be '%s %d')", REPLAY_MAGIC, REPLAY_VERSION);
                goto out;
            }
            if (version != REPLAY_VERSION) {
                report_error_at(r->path, 1, "input log version %d; this armhv-emu reads "
                                "version %d", version, REPLAY_VERSION);
                goto out;
            }
            continue;
        }
        if (parse_line(r, h, line, number) < 0)
            goto out;
    }
    if (ferror(f)) {
        report_error("--replay %s: %s", r->path, strerror(errno));
        goto out;
    }
    if (number == 0) {
        report_error_at(r->path, 0, "empty file: not an armhv-emu input log");
        goto out;
    }
    if (!h->seen_board || !h->seen_memory || !h->seen_mhz || !h->seen_rtc) {
        report_error_at(r->path, 0, "header incomplete: board, memory, mhz and rtc required");
        goto out;
    }
    if (r->has_end && r->event_count && point_cmp(r->end, r->event[r->event_count - 1].at) < 0) {
        report_error_at(r->path, number, "the end point lies before the last input");
        goto out;
    }
    rc = 0;
out:
    free(line);
    return rc;
}

struct replay *replay_open_play(const char *path, struct machine_config *mc)
{
    struct replay *r = calloc(1, sizeof(*r));
    if (!r) {
        report_error("out of memory");
        return NULL;
    }
    r->playing = true;
    r->path = path;
    FILE *f = fopen(path, "r");
    if (!f) {
        report_error("--replay %s: %s", path, strerror(errno));
        free(r);
        return NULL;
    }
    struct replay_header h;
    memset(&h, 0, sizeof(h));
    int rc = load_log(r, f, &h);
    fclose(f);
    if (rc == 0) {
        /* Inputs at a time the machine cannot reach would only diverge. */
        if (strcmp(h.board, mc->board) != 0 || h.memory != mc->memory || h.mhz != mc->mhz) {
            report_error("--replay %s: recorded on board %s, memory %" PRIu64 ", mhz %" PRIu64
                         "; this configuration is board %s, memory %" PRIu64 ", mhz %u",
                         path, h.board, h.memory, h.mhz, mc->board, mc->memory, mc->mhz);
            rc = -1;
        }
    }
    if (rc < 0) {
        free(r->event);
        free(r->bytes);
        free(r);
        return NULL;
    }
    /* rtc = host must show the recorded run's time, not today's. */
    mc->rtc_base = h.rtc;
    return r;
}

bool replay_is_playing(const struct replay *r)
{
    return r && r->playing;
}

bool replay_next_point(const struct replay *r, struct replay_point *next)
{
    if (!replay_is_playing(r) || r->next >= r->event_count)
        return false;
    *next = r->event[r->next].at;
    return true;
}

int replay_take(struct replay *r, struct replay_point now, const uint8_t **buf, size_t *len)
{
    struct replay_point next;
    if (!replay_next_point(r, &next))
        return 0;
    int cmp = point_cmp(now, next);
    if (cmp < 0)
        return 0;
    if (cmp > 0) {
        report_error("--replay %s: diverged: input %zu was recorded at instruction %" PRIu64
                     ", time %" PRIu64 " ps, but the run is already at instruction %" PRIu64
                     ", time %" PRIu64 " ps", r->path, r->next + 1, next.icount,
                     next.time_ps, now.icount, now.time_ps);
        return -1;
    }
    const struct replay_event *ev = &r->event[r->next++];
    *buf = r->bytes + ev->offset;
    *len = ev->len;
    return 1;
}

int replay_close(struct replay *r, struct replay_point end)
{
    if (!r)
        return 0;
    int rc = 0;
    if (!r->playing) {
        fprintf(r->out, "end %" PRIu64 " %" PRIu64 "\n", end.icount, end.time_ps);
        if (fclose(r->out) != 0) {
            report_error("--record %s: %s", r->path, strerror(errno));
            rc = -1;
        }
    } else {
        if (r->next < r->event_count) {
            report_error("--replay %s: diverged: the run ended (instruction %" PRIu64
                         ") before input %zu of %zu was delivered", r->path, end.icount,
                         r->next + 1, r->event_count);
            rc = -1;
        } else if (r->has_end && point_cmp(end, r->end) != 0) {
            report_error("--replay %s: diverged: the run ended at instruction %" PRIu64
                         ", time %" PRIu64 " ps; the recording ended at instruction %"
                         PRIu64 ", time %" PRIu64 " ps", r->path, end.icount, end.time_ps,
                         r->end.icount, r->end.time_ps);
            rc = -1;
        }
        free(r->event);
        free(r->bytes);
    }
    free(r);
    return rc;
}

void replay_free(struct replay *r)
{
    if (!r)
        return;
    if (r->out)
        fclose(r->out);
    free(r->event);
    free(r->bytes);
    free(r);
}
