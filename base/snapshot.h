/*
 * Snapshot serializer: the byte format of `savevm` files, independent of
 * what is saved (devices/machine_snapshot.c decides that).
 *
 * A snapshot's contents (the "payload") is a sequence of sections:
 *
 *     u8 name length, name bytes (no NUL), u32 version, u64 data length, data
 *
 * All integers are little-endian. Each layer writes its own sections with
 * snapshot_put_*() and reads them back with snapshot_get_*(); a reader
 * checks every read against the end of its section, so a truncated or
 * garbled payload gives an error naming the section instead of reading
 * past the buffer. Errors are sticky: after the first one every get
 * returns 0 and the first message is kept, so a load function may read a
 * whole section and check snapshot_failed() once.
 *
 * On disk the payload is preceded by a fixed header and deflated with
 * zlib (see snapshot_write_file() for the layout). Files are written
 * atomically: to FILE.tmp in the same directory, fsync'ed, renamed over
 * FILE, and the directory fsync'ed, so a crash leaves the old file or the
 * new one, never a mix.
 */
#ifndef BASE_SNAPSHOT_H
#define BASE_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SNAPSHOT_NAME_MAX 63

/* ---- writing ---- */

struct snapshot_writer {
    uint8_t *buf;
    size_t len, cap;
    size_t section_start;   /* offset of the open section's length field, or 0 */
    bool in_section;
    bool out_of_memory;
};

void snapshot_writer_init(struct snapshot_writer *w);
void snapshot_writer_free(struct snapshot_writer *w);

void snapshot_begin_section(struct snapshot_writer *w, const char *name, uint32_t version);
void snapshot_end_section(struct snapshot_writer *w);

void snapshot_put_u8(struct snapshot_writer *w, uint8_t value);
void snapshot_put_u16(struct snapshot_writer *w, uint16_t value);
void snapshot_put_u32(struct snapshot_writer *w, uint32_t value);
void snapshot_put_u64(struct snapshot_writer *w, uint64_t value);
void snapshot_put_bool(struct snapshot_writer *w, bool value);
void snapshot_put_bytes(struct snapshot_writer *w, const void *data, size_t len);
/* A string of at most 255 bytes (longer ones are cut). */
void snapshot_put_string(struct snapshot_writer *w, const char *s);
void snapshot_put_u32_array(struct snapshot_writer *w, const uint32_t *a, size_t n);
/* Room for len bytes written by the caller (NULL when out of memory). */
uint8_t *snapshot_put_space(struct snapshot_writer *w, size_t len);

/* ---- reading ---- */

struct snapshot_reader {
    const uint8_t *buf;
    size_t len;
    size_t pos;
    size_t section_end;     /* end of the open section's data */
    char section[SNAPSHOT_NAME_MAX + 1];  /* open section's name, for messages */
    uint32_t version;       /* open section's version */
    bool failed;
    char error[320];
    /*
     * Loads run twice over the same bytes: first with apply false, to
     * parse and validate everything into staging variables, then, only if
     * nothing failed, with apply true to copy the staged values into the
     * machine. A load function therefore never changes state unless
     * snapshot_applying() says so.
     */
    bool apply;
};

void snapshot_reader_init(struct snapshot_reader *r, const void *buf, size_t len, bool apply);

/*
 * Opens the next section, which must be called name and have a version in
 * 1..max_version; returns the version, or 0 on error (recorded).
 */
uint32_t snapshot_open_section(struct snapshot_reader *r, const char *name,
                               uint32_t max_version);
/* Name of the next section without consuming it ("" at the end or on error). */
const char *snapshot_peek_section(struct snapshot_reader *r, char *buf, size_t len);
/* Checks the section was read exactly to its end; returns 0 or -1. */
int snapshot_close_section(struct snapshot_reader *r);
bool snapshot_at_end(const struct snapshot_reader *r);

uint8_t snapshot_get_u8(struct snapshot_reader *r);
uint16_t snapshot_get_u16(struct snapshot_reader *r);
uint32_t snapshot_get_u32(struct snapshot_reader *r);
uint64_t snapshot_get_u64(struct snapshot_reader *r);
/* A byte that must be 0 or 1. */
bool snapshot_get_bool(struct snapshot_reader *r, const char *what);
void snapshot_get_bytes(struct snapshot_reader *r, void *data, size_t len);
void snapshot_get_u32_array(struct snapshot_reader *r, uint32_t *a, size_t n);
/* The string into buf (NUL-terminated); too long for buf is an error. */
void snapshot_get_string(struct snapshot_reader *r, char *buf, size_t len);
/* Pointer to the next len bytes of the section (NULL on error). */
const uint8_t *snapshot_get_span(struct snapshot_reader *r, size_t len);
/* A u32 that must be <= max; what names the field in the message. */
uint32_t snapshot_get_u32_max(struct snapshot_reader *r, const char *what, uint32_t max);
/* Bytes left in the open section. */
size_t snapshot_remaining(const struct snapshot_reader *r);

/* Records an error (the first one wins); returns -1. */
__attribute__((format(printf, 2, 3)))
int snapshot_fail(struct snapshot_reader *r, const char *fmt, ...);

static inline bool snapshot_failed(const struct snapshot_reader *r)
{
    return r->failed;
}

static inline bool snapshot_applying(const struct snapshot_reader *r)
{
    return r->apply && !r->failed;
}

/* ---- one description for both directions ---- */

/*
 * A model describes its state once, as a list of snap_*() calls on its
 * fields; the same function saves (io->w set) and loads (io->r set), so
 * the two cannot drift apart. When loading, the *_max forms reject values
 * that would index past an array, and a load function runs on the object
 * snapshot_stage() returns: a scratch copy during the validation pass, the
 * object itself when applying.
 */
struct snapshot_io {
    struct snapshot_writer *w;
    struct snapshot_reader *r;
    void *context;          /* for the layer that drives the save or load */
};

static inline bool snapshot_saving(const struct snapshot_io *io)
{
    return io->w != NULL;
}

void snap_u8(struct snapshot_io *io, uint8_t *p);
void snap_u16(struct snapshot_io *io, uint16_t *p);
void snap_u32(struct snapshot_io *io, uint32_t *p);
void snap_u64(struct snapshot_io *io, uint64_t *p);
void snap_i32(struct snapshot_io *io, int32_t *p);
void snap_bool(struct snapshot_io *io, const char *what, bool *p);
void snap_bytes(struct snapshot_io *io, void *p, size_t len);
void snap_u32_array(struct snapshot_io *io, uint32_t *a, size_t n);
/* Loading fails when the value is above max. */
void snap_u32_max(struct snapshot_io *io, const char *what, uint32_t *p, uint32_t max);
void snap_u8_max(struct snapshot_io *io, const char *what, uint8_t *p, uint8_t max);
/* An int that must be 0 or 1 (an interrupt output level). */
void snap_level(struct snapshot_io *io, const char *what, int *p);
void snap_u16_array(struct snapshot_io *io, uint16_t *a, size_t n);
void snap_u64_array(struct snapshot_io *io, uint64_t *a, size_t n);
/* Fails the load with a message (no-op when saving); returns -1. */
__attribute__((format(printf, 2, 3)))
int snap_fail(struct snapshot_io *io, const char *fmt, ...);
bool snap_failed(const struct snapshot_io *io);

/*
 * The object a load function fills: obj itself when saving or applying, a
 * copy of it while validating (so validation leaves the machine alone).
 * snapshot_unstage(io, obj, staged) drops the copy and returns 0, or -1 if
 * anything failed. Stagings may nest (a controller and the device behind it).
 */
void *snapshot_stage(struct snapshot_io *io, void *obj, size_t size);
int snapshot_unstage(struct snapshot_io *io, void *obj, void *staged);

/* ---- files ---- */

/*
 * Deflates the payload into path atomically (see above). Returns 0, or -1
 * with a message in err.
 */
int snapshot_write_file(const char *path, const void *payload, size_t len, char *err,
                        size_t err_len);
/*
 * Reads and inflates path; checks the header, the length and the CRC-32.
 * On success *payload is malloc'ed (the caller frees it). Returns 0 or -1
 * with a message in err.
 */
int snapshot_read_file(const char *path, uint8_t **payload, size_t *len, char *err,
                       size_t err_len);

/* 64-bit FNV-1a, for `statehash`. */
uint64_t snapshot_hash(const void *data, size_t len, uint64_t seed);
#define SNAPSHOT_HASH_SEED 0xcbf29ce484222325ull

#endif
