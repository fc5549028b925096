/*
 * Snapshot serializer and file format (see snapshot.h).
 *
 * File layout, all little-endian:
 *
 *     offset  size  field
 *          0     8  magic "ARMHVSNP"
 *          8     4  format version (SNAPSHOT_FORMAT_VERSION)
 *         12     4  flags (0)
 *         16     8  payload length, uncompressed
 *         24     4  CRC-32 of the uncompressed payload
 *         28     4  reserved (0)
 *         32     -  the payload as one zlib (RFC 1950) stream, to the end of the file
 */
#include "base/snapshot.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define SNAPSHOT_MAGIC "ARMHVSNP"
#define SNAPSHOT_FORMAT_VERSION 1u
#define SNAPSHOT_HEADER_SIZE 32u
/* deflate never compresses better than 1032:1 (zlib's zlib_tech.html), so a
 * header claiming more than that is corrupt: refuse before allocating. */
#define DEFLATE_MAX_RATIO 1032u
#define SNAPSHOT_CHUNK (1u << 20)

/* ---- writing ---- */

void snapshot_writer_init(struct snapshot_writer *w)
{
    memset(w, 0, sizeof(*w));
}

void snapshot_writer_free(struct snapshot_writer *w)
{
    free(w->buf);
    memset(w, 0, sizeof(*w));
}

uint8_t *snapshot_put_space(struct snapshot_writer *w, size_t len)
{
    if (w->out_of_memory)
        return NULL;
    if (len > w->cap - w->len) {
        size_t cap = w->cap ? w->cap : 4096;
        while (cap - w->len < len) {
            if (cap > SIZE_MAX / 2) {
                w->out_of_memory = true;
                return NULL;
            }
            cap *= 2;
        }
        uint8_t *buf = realloc(w->buf, cap);
        if (!buf) {
            w->out_of_memory = true;
            return NULL;
        }
        w->buf = buf;
        w->cap = cap;
    }
    uint8_t *p = w->buf + w->len;
    w->len += len;
    return p;
}

static void put_le(struct snapshot_writer *w, uint64_t value, unsigned bytes)
{
    uint8_t *p = snapshot_put_space(w, bytes);
    if (!p)
        return;
    for (unsigned i = 0; i < bytes; i++)
        p[i] = (uint8_t)(value >> (8 * i));
}

void snapshot_put_u8(struct snapshot_writer *w, uint8_t value)
{
    put_le(w, value, 1);
}

void snapshot_put_u16(struct snapshot_writer *w, uint16_t value)
{
    put_le(w, value, 2);
}

void snapshot_put_u32(struct snapshot_writer *w, uint32_t value)
{
    put_le(w, value, 4);
}

void snapshot_put_u64(struct snapshot_writer *w, uint64_t value)
{
    put_le(w, value, 8);
}

void snapshot_put_bool(struct snapshot_writer *w, bool value)
{
    put_le(w, value ? 1 : 0, 1);
}

void snapshot_put_bytes(struct snapshot_writer *w, const void *data, size_t len)
{
    uint8_t *p = snapshot_put_space(w, len);
    if (p && len)
        memcpy(p, data, len);
}

void snapshot_put_string(struct snapshot_writer *w, const char *s)
{
    size_t len = strlen(s);
    if (len > 255)
        len = 255;
    snapshot_put_u8(w, (uint8_t)len);
    snapshot_put_bytes(w, s, len);
}

void snapshot_put_u32_array(struct snapshot_writer *w, const uint32_t *a, size_t n)
{
    for (size_t i = 0; i < n; i++)
        snapshot_put_u32(w, a[i]);
}

void snapshot_begin_section(struct snapshot_writer *w, const char *name, uint32_t version)
{
    size_t len = strlen(name);
    if (len > SNAPSHOT_NAME_MAX)
        len = SNAPSHOT_NAME_MAX;
    snapshot_put_u8(w, (uint8_t)len);
    snapshot_put_bytes(w, name, len);
    snapshot_put_u32(w, version);
    w->section_start = w->len;
    w->in_section = true;
    snapshot_put_u64(w, 0);     /* patched by snapshot_end_section */
}

void snapshot_end_section(struct snapshot_writer *w)
{
    if (!w->in_section || w->out_of_memory)
        return;
    uint64_t data_len = w->len - w->section_start - 8;
    for (unsigned i = 0; i < 8; i++)
        w->buf[w->section_start + i] = (uint8_t)(data_len >> (8 * i));
    w->in_section = false;
}

/* ---- reading ---- */

void snapshot_reader_init(struct snapshot_reader *r, const void *buf, size_t len, bool apply)
{
    memset(r, 0, sizeof(*r));
    r->buf = buf;
    r->len = len;
    r->section_end = len;
    r->apply = apply;
}

int snapshot_fail(struct snapshot_reader *r, const char *fmt, ...)
{
    if (r->failed)
        return -1;
    r->failed = true;
    char msg[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (r->section[0])
        snprintf(r->error, sizeof(r->error), "section '%s': %s", r->section, msg);
    else
        snprintf(r->error, sizeof(r->error), "%s", msg);
    return -1;
}

size_t snapshot_remaining(const struct snapshot_reader *r)
{
    return r->failed ? 0 : r->section_end - r->pos;
}

const uint8_t *snapshot_get_span(struct snapshot_reader *r, size_t len)
{
    if (r->failed)
        return NULL;
    if (len > r->section_end - r->pos) {
        snapshot_fail(r, "truncated: %zu bytes wanted at offset %zu, %zu left", len, r->pos,
                      r->section_end - r->pos);
        return NULL;
    }
    const uint8_t *p = r->buf + r->pos;
    r->pos += len;
    return p;
}

static uint64_t get_le(struct snapshot_reader *r, unsigned bytes)
{
    const uint8_t *p = snapshot_get_span(r, bytes);
    if (!p)
        return 0;
    uint64_t value = 0;
    for (unsigned i = 0; i < bytes; i++)
        value |= (uint64_t)p[i] << (8 * i);
    return value;
}

uint8_t snapshot_get_u8(struct snapshot_reader *r)
{
    return (uint8_t)get_le(r, 1);
}

uint16_t snapshot_get_u16(struct snapshot_reader *r)
{
    return (uint16_t)get_le(r, 2);
}

uint32_t snapshot_get_u32(struct snapshot_reader *r)
{
    return (uint32_t)get_le(r, 4);
}

uint64_t snapshot_get_u64(struct snapshot_reader *r)
{
    return get_le(r, 8);
}

bool snapshot_get_bool(struct snapshot_reader *r, const char *what)
{
    uint8_t value = snapshot_get_u8(r);
    if (value > 1)
        snapshot_fail(r, "%s = %u, not a boolean", what, value);
    return value == 1;
}

void snapshot_get_bytes(struct snapshot_reader *r, void *data, size_t len)
{
    const uint8_t *p = snapshot_get_span(r, len);
    if (p)
        memcpy(data, p, len);
    else
        memset(data, 0, len);
}

void snapshot_get_u32_array(struct snapshot_reader *r, uint32_t *a, size_t n)
{
    for (size_t i = 0; i < n; i++)
        a[i] = snapshot_get_u32(r);
}

void snapshot_get_string(struct snapshot_reader *r, char *buf, size_t len)
{
    uint8_t n = snapshot_get_u8(r);
    buf[0] = '\0';
    if (r->failed)
        return;
    if ((size_t)n + 1 > len) {
        snapshot_fail(r, "string of %u bytes is too long (at most %zu)", n, len - 1);
        return;
    }
    snapshot_get_bytes(r, buf, n);
    buf[r->failed ? 0 : n] = '\0';
}

uint32_t snapshot_get_u32_max(struct snapshot_reader *r, const char *what, uint32_t max)
{
    uint32_t value = snapshot_get_u32(r);
    if (value > max) {
        snapshot_fail(r, "%s = %u is out of range (at most %u)", what, value, max);
        return 0;
    }
    return value;
}

/* Reads a section header at r->pos without changing the reader. */
static bool parse_header(const struct snapshot_reader *r, char *name, uint32_t *version,
                         uint64_t *data_len, size_t *data_start)
{
    size_t pos = r->pos;
    if (r->len - pos < 1)
        return false;
    unsigned name_len = r->buf[pos++];
    if (name_len > SNAPSHOT_NAME_MAX || r->len - pos < name_len + 12u)
        return false;
    memcpy(name, r->buf + pos, name_len);
    name[name_len] = '\0';
    pos += name_len;
    uint64_t v = 0, l = 0;
    for (unsigned i = 0; i < 4; i++)
        v |= (uint64_t)r->buf[pos + i] << (8 * i);
    for (unsigned i = 0; i < 8; i++)
        l |= (uint64_t)r->buf[pos + 4 + i] << (8 * i);
    *version = (uint32_t)v;
    *data_len = l;
    *data_start = pos + 12;
    return true;
}

bool snapshot_at_end(const struct snapshot_reader *r)
{
    return !r->failed && r->pos == r->len;
}

const char *snapshot_peek_section(struct snapshot_reader *r, char *buf, size_t len)
{
    char name[SNAPSHOT_NAME_MAX + 1];
    uint32_t version;
    uint64_t data_len;
    size_t start;
    if (r->failed || !parse_header(r, name, &version, &data_len, &start))
        name[0] = '\0';
    snprintf(buf, len, "%s", name);
    return buf;
}

uint32_t snapshot_open_section(struct snapshot_reader *r, const char *name,
                               uint32_t max_version)
{
    if (r->failed)
        return 0;
    r->section[0] = '\0';
    if (r->pos == r->len) {
        snapshot_fail(r, "section '%s' is missing (the snapshot ends before it)", name);
        return 0;
    }
    char found[SNAPSHOT_NAME_MAX + 1];
    uint32_t version;
    uint64_t data_len;
    size_t start;
    if (!parse_header(r, found, &version, &data_len, &start)) {
        snapshot_fail(r, "truncated section header at offset %zu (expected '%s')", r->pos,
                      name);
        return 0;
    }
    if (strcmp(found, name) != 0) {
        snapshot_fail(r, "expected section '%s' at offset %zu, found '%s'", name, r->pos,
                      found);
        return 0;
    }
    snprintf(r->section, sizeof(r->section), "%s", name);
    if (version == 0 || version > max_version) {
        snapshot_fail(r, "version %u is not supported (this build reads 1 to %u)", version,
                      max_version);
        return 0;
    }
    if (data_len > r->len - start) {
        snapshot_fail(r, "truncated: %llu data bytes declared, %zu left",
                      (unsigned long long)data_len, r->len - start);
        return 0;
    }
    r->pos = start;
    r->section_end = start + (size_t)data_len;
    r->version = version;
    return version;
}

int snapshot_close_section(struct snapshot_reader *r)
{
    if (r->failed)
        return -1;
    if (r->pos != r->section_end)
        return snapshot_fail(r, "%zu unread bytes at the end (wrong length or version)",
                             r->section_end - r->pos);
    r->section_end = r->len;
    r->section[0] = '\0';
    return 0;
}

/* ---- files ---- */

static void put_le_raw(uint8_t *p, uint64_t value, unsigned bytes)
{
    for (unsigned i = 0; i < bytes; i++)
        p[i] = (uint8_t)(value >> (8 * i));
}

static uint64_t get_le_raw(const uint8_t *p, unsigned bytes)
{
    uint64_t value = 0;
    for (unsigned i = 0; i < bytes; i++)
        value |= (uint64_t)p[i] << (8 * i);
    return value;
}

static int write_all(int fd, const void *buf, size_t len)
{
    const uint8_t *p = buf;
    while (len) {
        ssize_t n = write(fd, p, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/* crc32() takes a uInt length: feed big buffers in pieces. */
static uint32_t crc32_buffer(const uint8_t *data, size_t len)
{
    uLong crc = crc32(0L, Z_NULL, 0);
    while (len) {
        uInt n = len > (1u << 30) ? (1u << 30) : (uInt)len;
        crc = crc32(crc, data, n);
        data += n;
        len -= n;
    }
    return (uint32_t)crc;
}

static int deflate_to_fd(int fd, const uint8_t *payload, size_t len, char *err, size_t err_len)
{
    z_stream zs;
    memset(&zs, 0, sizeof(zs));
    /* Level 1: RAM pages are mostly zeros or code; the higher levels cost
     * several times the time for a few percent. */
    if (deflateInit(&zs, 1) != Z_OK) {
        snprintf(err, err_len, "zlib: deflateInit failed");
        return -1;
    }
    uint8_t *out = malloc(SNAPSHOT_CHUNK);
    if (!out) {
        deflateEnd(&zs);
        snprintf(err, err_len, "out of memory");
        return -1;
    }
    int rc = 0;
    size_t left = len;
    zs.next_in = (Bytef *)payload;
    for (;;) {
        if (zs.avail_in == 0 && left) {
            zs.avail_in = left > (1u << 30) ? (1u << 30) : (uInt)left;
            left -= zs.avail_in;
        }
        zs.next_out = out;
        zs.avail_out = SNAPSHOT_CHUNK;
        int zrc = deflate(&zs, left || zs.avail_in ? Z_NO_FLUSH : Z_FINISH);
        if (zrc == Z_STREAM_ERROR) {
            snprintf(err, err_len, "zlib: deflate failed");
            rc = -1;
            break;
        }
        size_t produced = SNAPSHOT_CHUNK - zs.avail_out;
        if (write_all(fd, out, produced) < 0) {
            snprintf(err, err_len, "write: %s", strerror(errno));
            rc = -1;
            break;
        }
        if (zrc == Z_STREAM_END)
            break;
    }
    free(out);
    deflateEnd(&zs);
    return rc;
}

/* The directory part of path ("." when there is none). */
static void dir_of(const char *path, char *dir, size_t len)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(dir, len, ".");
    else if (slash == path)
        snprintf(dir, len, "/");
    else
        snprintf(dir, len, "%.*s", (int)(slash - path), path);
}

int snapshot_write_file(const char *path, const void *payload, size_t len, char *err,
                        size_t err_len)
{
    char tmp[4096], dir[4096];
    if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp)) {
        snprintf(err, err_len, "%s: path too long", path);
        return -1;
    }
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        snprintf(err, err_len, "%s: %s", tmp, strerror(errno));
        return -1;
    }
    uint8_t header[SNAPSHOT_HEADER_SIZE];
    memset(header, 0, sizeof(header));
    memcpy(header, SNAPSHOT_MAGIC, 8);
    put_le_raw(header + 8, SNAPSHOT_FORMAT_VERSION, 4);
    put_le_raw(header + 16, len, 8);
    put_le_raw(header + 24, crc32_buffer(payload, len), 4);

    char why[200] = "";
    int rc = write_all(fd, header, sizeof(header));
    if (rc < 0)
        snprintf(why, sizeof(why), "write: %s", strerror(errno));
    else
        rc = deflate_to_fd(fd, payload, len, why, sizeof(why));
    if (rc == 0 && fsync(fd) < 0) {
        snprintf(why, sizeof(why), "fsync: %s", strerror(errno));
        rc = -1;
    }
    if (close(fd) < 0 && rc == 0) {
        snprintf(why, sizeof(why), "close: %s", strerror(errno));
        rc = -1;
    }
    if (rc == 0 && rename(tmp, path) < 0) {
        snprintf(why, sizeof(why), "rename to %s: %s", path, strerror(errno));
        rc = -1;
    }
    if (rc < 0) {
        unlink(tmp);
        snprintf(err, err_len, "%s: %s", tmp, why);
        return -1;
    }
    /* The rename is durable only once the directory entry is on disk. */
    dir_of(path, dir, sizeof(dir));
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0 || fsync(dfd) < 0) {
        snprintf(err, err_len, "%s: fsync of the directory: %s", dir, strerror(errno));
        if (dfd >= 0)
            close(dfd);
        return -1;
    }
    close(dfd);
    return 0;
}

static int inflate_from(FILE *f, const char *path, uint8_t *payload, size_t len, char *err,
                        size_t err_len)
{
    z_stream zs;
    memset(&zs, 0, sizeof(zs));
    if (inflateInit(&zs) != Z_OK) {
        snprintf(err, err_len, "zlib: inflateInit failed");
        return -1;
    }
    uint8_t *in = malloc(SNAPSHOT_CHUNK);
    if (!in) {
        inflateEnd(&zs);
        snprintf(err, err_len, "out of memory");
        return -1;
    }
    int rc = -1;
    size_t produced = 0;
    bool ended = false;
    while (!ended) {
        if (zs.avail_in == 0) {
            size_t n = fread(in, 1, SNAPSHOT_CHUNK, f);
            if (n == 0) {
                snprintf(err, err_len, "%s: truncated (compressed data ends after %zu of "
                         "%zu bytes)", path, produced, len);
                goto out;
            }
            zs.next_in = in;
            zs.avail_in = (uInt)n;
        }
        size_t room = len - produced;
        zs.next_out = payload + produced;
        /* One byte of room past the end would only catch extra output,
         * which the length check below reports anyway. */
        zs.avail_out = room > (1u << 30) ? (1u << 30) : (uInt)room;
        uInt before = zs.avail_out;
        int zrc = inflate(&zs, Z_NO_FLUSH);
        produced += before - zs.avail_out;
        if (zrc == Z_STREAM_END) {
            ended = true;
        } else if (zrc == Z_BUF_ERROR && produced == len && zs.avail_in) {
            snprintf(err, err_len, "%s: corrupt: more data than the header's %zu bytes", path,
                     len);
            goto out;
        } else if (zrc != Z_OK && zrc != Z_BUF_ERROR) {
            snprintf(err, err_len, "%s: corrupt compressed data (zlib: %s)", path,
                     zs.msg ? zs.msg : "error");
            goto out;
        }
    }
    if (produced != len) {
        snprintf(err, err_len, "%s: corrupt: %zu bytes of contents, the header says %zu",
                 path, produced, len);
        goto out;
    }
    if (zs.avail_in || fgetc(f) != EOF) {
        snprintf(err, err_len, "%s: corrupt: data after the end of the compressed stream",
                 path);
        goto out;
    }
    rc = 0;
out:
    free(in);
    inflateEnd(&zs);
    return rc;
}

int snapshot_read_file(const char *path, uint8_t **payload_out, size_t *len_out, char *err,
                       size_t err_len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, err_len, "%s: %s", path, strerror(errno));
        return -1;
    }
    uint8_t header[SNAPSHOT_HEADER_SIZE];
    struct stat st;
    if (fstat(fileno(f), &st) < 0 || fread(header, 1, sizeof(header), f) != sizeof(header)) {
        snprintf(err, err_len, "%s: not a snapshot (shorter than its %u-byte header)", path,
                 SNAPSHOT_HEADER_SIZE);
        fclose(f);
        return -1;
    }
    if (memcmp(header, SNAPSHOT_MAGIC, 8) != 0) {
        snprintf(err, err_len, "%s: not an armhv-emu snapshot (bad magic)", path);
        fclose(f);
        return -1;
    }
    uint32_t version = (uint32_t)get_le_raw(header + 8, 4);
    if (version != SNAPSHOT_FORMAT_VERSION) {
        snprintf(err, err_len, "%s: snapshot format version %u; this build reads version %u",
                 path, version, SNAPSHOT_FORMAT_VERSION);
        fclose(f);
        return -1;
    }
    uint64_t len = get_le_raw(header + 16, 8);
    uint32_t crc = (uint32_t)get_le_raw(header + 24, 4);
    uint64_t compressed = (uint64_t)st.st_size - SNAPSHOT_HEADER_SIZE;
    if (get_le_raw(header + 12, 4) != 0 || get_le_raw(header + 28, 4) != 0 || len == 0 ||
        len > SIZE_MAX || len / DEFLATE_MAX_RATIO > compressed) {
        snprintf(err, err_len, "%s: corrupt header (contents length %llu for %llu compressed "
                 "bytes)", path, (unsigned long long)len, (unsigned long long)compressed);
        fclose(f);
        return -1;
    }
    uint8_t *payload = malloc((size_t)len);
    if (!payload) {
        snprintf(err, err_len, "%s: out of memory for %llu bytes", path,
                 (unsigned long long)len);
        fclose(f);
        return -1;
    }
    int rc = inflate_from(f, path, payload, (size_t)len, err, err_len);
    fclose(f);
    if (rc == 0 && crc32_buffer(payload, (size_t)len) != crc) {
        snprintf(err, err_len, "%s: corrupt: CRC-32 of the contents does not match", path);
        rc = -1;
    }
    if (rc < 0) {
        free(payload);
        return -1;
    }
    *payload_out = payload;
    *len_out = (size_t)len;
    return 0;
}

uint64_t snapshot_hash(const void *data, size_t len, uint64_t seed)
{
    const uint8_t *p = data;
    uint64_t h = seed;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

/* ---- one description for both directions ---- */

void snap_u8(struct snapshot_io *io, uint8_t *p)
{
    if (io->w)
        snapshot_put_u8(io->w, *p);
    else
        *p = snapshot_get_u8(io->r);
}

void snap_u16(struct snapshot_io *io, uint16_t *p)
{
    if (io->w)
        snapshot_put_u16(io->w, *p);
    else
        *p = snapshot_get_u16(io->r);
}

void snap_u32(struct snapshot_io *io, uint32_t *p)
{
    if (io->w)
        snapshot_put_u32(io->w, *p);
    else
        *p = snapshot_get_u32(io->r);
}

void snap_u64(struct snapshot_io *io, uint64_t *p)
{
    if (io->w)
        snapshot_put_u64(io->w, *p);
    else
        *p = snapshot_get_u64(io->r);
}

void snap_i32(struct snapshot_io *io, int32_t *p)
{
    if (io->w)
        snapshot_put_u32(io->w, (uint32_t)*p);
    else
        *p = (int32_t)snapshot_get_u32(io->r);
}

void snap_bool(struct snapshot_io *io, const char *what, bool *p)
{
    if (io->w)
        snapshot_put_bool(io->w, *p);
    else
        *p = snapshot_get_bool(io->r, what);
}

void snap_bytes(struct snapshot_io *io, void *p, size_t len)
{
    if (io->w)
        snapshot_put_bytes(io->w, p, len);
    else
        snapshot_get_bytes(io->r, p, len);
}

void snap_u32_array(struct snapshot_io *io, uint32_t *a, size_t n)
{
    if (io->w)
        snapshot_put_u32_array(io->w, a, n);
    else
        snapshot_get_u32_array(io->r, a, n);
}

void snap_u32_max(struct snapshot_io *io, const char *what, uint32_t *p, uint32_t max)
{
    if (io->w)
        snapshot_put_u32(io->w, *p);
    else
        *p = snapshot_get_u32_max(io->r, what, max);
}

void snap_u8_max(struct snapshot_io *io, const char *what, uint8_t *p, uint8_t max)
{
    if (io->w) {
        snapshot_put_u8(io->w, *p);
        return;
    }
    *p = snapshot_get_u8(io->r);
    if (*p > max) {
        snapshot_fail(io->r, "%s = %u is out of range (at most %u)", what, *p, max);
        *p = 0;
    }
}

int snap_fail(struct snapshot_io *io, const char *fmt, ...)
{
    if (!io->r || io->r->failed)
        return -1;
    char msg[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    return snapshot_fail(io->r, "%s", msg);
}

bool snap_failed(const struct snapshot_io *io)
{
    return io->r ? io->r->failed : io->w->out_of_memory;
}

void *snapshot_stage(struct snapshot_io *io, void *obj, size_t size)
{
    if (io->w || io->r->apply)
        return obj;
    void *copy = malloc(size);
    if (!copy) {
        snapshot_fail(io->r, "out of memory");
        return NULL;
    }
    memcpy(copy, obj, size);
    return copy;
}

int snapshot_unstage(struct snapshot_io *io, void *obj, void *staged)
{
    if (staged != obj)
        free(staged);
    return snap_failed(io) ? -1 : 0;
}

void snap_level(struct snapshot_io *io, const char *what, int *p)
{
    if (io->w) {
        snapshot_put_u8(io->w, (uint8_t)*p);
        return;
    }
    uint8_t value = snapshot_get_u8(io->r);
    if (value > 1) {
        snapshot_fail(io->r, "%s = %u, not a line level", what, value);
        value = 0;
    }
    *p = value;
}

void snap_u16_array(struct snapshot_io *io, uint16_t *a, size_t n)
{
    for (size_t i = 0; i < n; i++)
        snap_u16(io, &a[i]);
}

void snap_u64_array(struct snapshot_io *io, uint64_t *a, size_t n)
{
    for (size_t i = 0; i < n; i++)
        snap_u64(io, &a[i]);
}
