/*
 * The snapshot serializer (base/snapshot.c) and the machine-level load
 * (devices/machine_snapshot.c). A snapshot file is untrusted input: every
 * read is bounds-checked against its section, a section of another name or
 * an unknown version is refused with a message naming it, a section not
 * read to its end is an error (a format that grew without a version bump),
 * and the validation pass of a load leaves the object alone. On disk, a
 * flipped byte, a truncated file, a foreign file or a future format
 * version gives a message, never a crash; the write is atomic (no .tmp
 * left behind). Finally a whole versatilepb machine round-trips: saved,
 * changed, loaded back to the same bytes, and a corrupted payload is
 * refused without changing the machine.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/snapshot.h"
#include "devices/machine_snapshot.h"

/* A payload with two sections: "alpha" v2 (u8, u16, u32, u64, string) and "beta" v1. */
static void write_sample(struct snapshot_writer *w)
{
    snapshot_writer_init(w);
    snapshot_begin_section(w, "alpha", 2);
    snapshot_put_u8(w, 0xab);
    snapshot_put_u16(w, 0x1234);
    snapshot_put_u32(w, 0xdeadbeef);
    snapshot_put_u64(w, 0x0102030405060708ull);
    snapshot_put_string(w, "hello");
    snapshot_end_section(w);
    snapshot_begin_section(w, "beta", 1);
    snapshot_put_u32(w, 7);
    snapshot_end_section(w);
}

START_TEST(roundtrip)
{
    struct snapshot_writer w;
    write_sample(&w);
    ck_assert(!w.out_of_memory);
    struct snapshot_reader r;
    snapshot_reader_init(&r, w.buf, w.len, false);
    ck_assert_uint_eq(snapshot_open_section(&r, "alpha", 2), 2);
    ck_assert_uint_eq(snapshot_get_u8(&r), 0xab);
    ck_assert_uint_eq(snapshot_get_u16(&r), 0x1234);
    ck_assert_uint_eq(snapshot_get_u32(&r), 0xdeadbeef);
    ck_assert(snapshot_get_u64(&r) == 0x0102030405060708ull);
    char s[16];
    snapshot_get_string(&r, s, sizeof(s));
    ck_assert_str_eq(s, "hello");
    ck_assert_int_eq(snapshot_close_section(&r), 0);
    ck_assert_uint_eq(snapshot_open_section(&r, "beta", 1), 1);
    ck_assert_uint_eq(snapshot_get_u32_max(&r, "x", 7), 7);
    ck_assert_int_eq(snapshot_close_section(&r), 0);
    ck_assert(snapshot_at_end(&r));
    ck_assert(!snapshot_failed(&r));
    snapshot_writer_free(&w);
}
END_TEST

START_TEST(read_past_section_end)
{
    struct snapshot_writer w;
    write_sample(&w);
    struct snapshot_reader r;
    snapshot_reader_init(&r, w.buf, w.len, false);
    snapshot_open_section(&r, "beta", 1);   /* wrong order: alpha comes first */
    ck_assert(snapshot_failed(&r));
    ck_assert_msg(strstr(r.error, "expected section 'beta'") && strstr(r.error, "'alpha'"),
                  "%s", r.error);

    snapshot_reader_init(&r, w.buf, w.len, false);
    snapshot_open_section(&r, "alpha", 2);
    snapshot_get_u64(&r);
    snapshot_get_u64(&r);
    snapshot_get_u64(&r);       /* 15 + 6 bytes in the section: this runs past it */
    ck_assert(snapshot_failed(&r));
    ck_assert_msg(strstr(r.error, "section 'alpha'") && strstr(r.error, "truncated"), "%s",
                  r.error);
    /* Errors are sticky and reads after them return 0. */
    ck_assert_uint_eq(snapshot_get_u32(&r), 0);
    ck_assert_int_eq(snapshot_close_section(&r), -1);
    snapshot_writer_free(&w);
}
END_TEST

START_TEST(version_and_length_checks)
{
    struct snapshot_writer w;
    write_sample(&w);
    struct snapshot_reader r;
    snapshot_reader_init(&r, w.buf, w.len, false);
    ck_assert_uint_eq(snapshot_open_section(&r, "alpha", 1), 0);   /* saved as v2 */
    ck_assert_msg(strstr(r.error, "version 2 is not supported"), "%s", r.error);

    /* A section read short of its end: its format changed without a bump. */
    snapshot_reader_init(&r, w.buf, w.len, false);
    snapshot_open_section(&r, "alpha", 2);
    snapshot_get_u8(&r);
    ck_assert_int_eq(snapshot_close_section(&r), -1);
    ck_assert_msg(strstr(r.error, "unread bytes"), "%s", r.error);

    /* Out-of-range values and non-booleans. */
    snapshot_reader_init(&r, w.buf, w.len, false);
    snapshot_open_section(&r, "alpha", 2);
    snapshot_get_u8(&r);
    snapshot_get_u16(&r);
    ck_assert_uint_eq(snapshot_get_u32_max(&r, "count", 16), 0);
    ck_assert_msg(strstr(r.error, "count = 3735928559 is out of range"), "%s", r.error);
    snapshot_reader_init(&r, w.buf, w.len, false);
    snapshot_open_section(&r, "alpha", 2);
    snapshot_get_bool(&r, "flag");      /* 0xab */
    ck_assert(snapshot_failed(&r));

    /* A string longer than the caller's buffer. */
    snapshot_reader_init(&r, w.buf, w.len, false);
    snapshot_open_section(&r, "alpha", 2);
    snapshot_get_span(&r, 15);
    char small[4];
    snapshot_get_string(&r, small, sizeof(small));
    ck_assert(snapshot_failed(&r));
    ck_assert_str_eq(small, "");

    /* A section header whose length runs past the payload. */
    snapshot_reader_init(&r, w.buf, w.len - 1, false);
    snapshot_open_section(&r, "alpha", 2);
    snapshot_get_span(&r, snapshot_remaining(&r));
    ck_assert_int_eq(snapshot_close_section(&r), 0);
    snapshot_open_section(&r, "beta", 1);
    ck_assert_msg(snapshot_failed(&r) && strstr(r.error, "truncated"), "%s", r.error);
    snapshot_writer_free(&w);
}
END_TEST

struct sample_obj {
    uint32_t a;
    uint32_t count;
    uint8_t fifo[4];
};

static int sample_snapshot(struct sample_obj *obj, struct snapshot_io *io)
{
    struct sample_obj *s = snapshot_stage(io, obj, sizeof(*obj));
    if (!s)
        return -1;
    snap_u32(io, &s->a);
    snap_u32_max(io, "count", &s->count, 4);
    snap_bytes(io, s->fifo, sizeof(s->fifo));
    return snapshot_unstage(io, obj, s);
}

START_TEST(validation_pass_leaves_object_alone)
{
    struct sample_obj saved = { 5, 3, { 1, 2, 3, 4 } }, live = { 9, 0, { 0 } };
    struct snapshot_writer w;
    snapshot_writer_init(&w);
    struct snapshot_io out = { .w = &w };
    ck_assert_int_eq(sample_snapshot(&saved, &out), 0);

    struct snapshot_reader r;
    snapshot_reader_init(&r, w.buf, w.len, false);
    struct snapshot_io in = { .r = &r };
    ck_assert_int_eq(sample_snapshot(&live, &in), 0);
    ck_assert_uint_eq(live.a, 9);           /* validated, not applied */
    snapshot_reader_init(&r, w.buf, w.len, true);
    ck_assert_int_eq(sample_snapshot(&live, &in), 0);
    ck_assert_uint_eq(live.a, 5);
    ck_assert_uint_eq(live.count, 3);
    ck_assert_uint_eq(live.fifo[3], 4);

    w.buf[4] = 5;                           /* count 5 > 4 */
    struct sample_obj other = { 1, 1, { 0 } };
    snapshot_reader_init(&r, w.buf, w.len, false);
    ck_assert_int_eq(sample_snapshot(&other, &in), -1);
    ck_assert_uint_eq(other.a, 1);
    snapshot_writer_free(&w);
}
END_TEST

/* ---- files ---- */

static char tmpdir[64];

static void make_tmpdir(void)
{
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/armhv-snapshot-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void remove_tmpdir(void)
{
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
    ck_assert_int_eq(system(cmd), 0);
}

static long file_size(const char *path)
{
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fclose(f);
    return n;
}

static void patch_byte(const char *path, long offset, uint8_t xor_mask)
{
    FILE *f = fopen(path, "r+b");
    ck_assert_ptr_nonnull(f);
    fseek(f, offset, SEEK_SET);
    int c = fgetc(f);
    fseek(f, offset, SEEK_SET);
    fputc(c ^ xor_mask, f);
    fclose(f);
}

static void expect_read_error(const char *path, const char *want)
{
    uint8_t *payload = NULL;
    size_t len = 0;
    char err[512];
    ck_assert_int_eq(snapshot_read_file(path, &payload, &len, err, sizeof(err)), -1);
    ck_assert_msg(strstr(err, want), "wanted '%s' in: %s", want, err);
    ck_assert_ptr_null(payload);
}

START_TEST(file_roundtrip_and_corruption)
{
    make_tmpdir();
    char path[128], tmp[140], copy[300];
    snprintf(path, sizeof(path), "%s/s.snap", tmpdir);
    snprintf(tmp, sizeof(tmp), "%s.tmp", path);
    /* 64 KiB of a pattern that compresses, so corruption hits the stream. */
    size_t len = 65536;
    uint8_t *data = malloc(len);
    for (size_t i = 0; i < len; i++)
        data[i] = (uint8_t)(i * 7 + (i >> 9));
    char err[512];
    ck_assert_int_eq(snapshot_write_file(path, data, len, err, sizeof(err)), 0);
    ck_assert_int_ne(access(tmp, F_OK), 0);      /* renamed, not left behind */
    uint8_t *back;
    size_t back_len;
    ck_assert_int_eq(snapshot_read_file(path, &back, &back_len, err, sizeof(err)), 0);
    ck_assert_uint_eq(back_len, len);
    ck_assert(memcmp(back, data, len) == 0);
    free(back);

    long size = file_size(path);
    snprintf(copy, sizeof(copy), "cp %s %s.orig", path, path);
    ck_assert_int_eq(system(copy), 0);
    snprintf(copy, sizeof(copy), "cp %s.orig %s", path, path);

    patch_byte(path, size / 2, 0x40);
    uint8_t *p;
    size_t n;
    ck_assert_int_eq(snapshot_read_file(path, &p, &n, err, sizeof(err)), -1);
    ck_assert_msg(strstr(err, "corrupt"), "%s", err);

    ck_assert_int_eq(system(copy), 0);
    ck_assert_int_eq(truncate(path, size / 2), 0);
    expect_read_error(path, "truncated");

    ck_assert_int_eq(system(copy), 0);
    patch_byte(path, 0, 0x20);
    expect_read_error(path, "bad magic");

    ck_assert_int_eq(system(copy), 0);
    patch_byte(path, 8, 0x02);          /* format version 1 -> 3 */
    expect_read_error(path, "format version 3");

    ck_assert_int_eq(system(copy), 0);
    patch_byte(path, 20, 0x01);         /* payload length + 4 GiB */
    expect_read_error(path, "corrupt header");

    ck_assert_int_eq(system(copy), 0);
    patch_byte(path, 24, 0x01);         /* CRC */
    expect_read_error(path, "CRC-32");

    ck_assert_int_eq(system(copy), 0);
    FILE *f = fopen(path, "ab");
    fputs("junk", f);
    fclose(f);
    expect_read_error(path, "after the end of the compressed stream");

    ck_assert_int_eq(truncate(path, 10), 0);
    expect_read_error(path, "not a snapshot");
    expect_read_error("/nonexistent/x.snap", "No such file");

    snprintf(path, sizeof(path), "%s/no-such-dir/s.snap", tmpdir);
    ck_assert_int_eq(snapshot_write_file(path, data, len, err, sizeof(err)), -1);
    ck_assert_msg(strstr(err, "no-such-dir"), "%s", err);
    free(data);
    remove_tmpdir();
}
END_TEST

/* ---- a whole machine ---- */

static void make_machine(struct machine *m)
{
    struct machine_config cfg = { .board = "versatilepb", .memory = 16u << 20, .cpus = 1,
                                  .mhz = 100 };
    ck_assert_int_eq(machine_create(m, &cfg), 0);
}

START_TEST(machine_roundtrip)
{
    static struct machine m;
    make_machine(&m);
    struct arm_cpu *cpu = &m.cpu[0];
    cpu->r[3] = 0x12345678;
    cpu->vfp.d[5] = 0x1122334455667788ull;
    uint8_t *ram = aspace_host_ptr(&m.as, m.ram_base, 4096);
    ck_assert_ptr_nonnull(ram);
    memcpy(ram + 100, "snapshot", 8);
    /* A timer running, so an event is armed and must come back in its slot. */
    /* SP804 Timer1Load, then Timer1Control: enable, periodic, interrupt, 32-bit. */
    ck_assert_int_eq(aspace_write(&m.as, 0x101e2000, 4, 0x10000), 1);
    ck_assert_int_eq(aspace_write(&m.as, 0x101e2008, 4, 0xe2), 1);
    ck_assert_uint_ge(m.clock.count, 1);
    unsigned events = m.clock.count;

    char err[320];
    struct snapshot_writer w;
    snapshot_writer_init(&w);
    ck_assert_int_eq(machine_snapshot_save(&m, &w, err, sizeof(err)), 0);

    cpu->r[3] = 0;
    cpu->vfp.d[5] = 0;
    memset(ram + 100, 0, 8);
    cpu->icount += 12345;
    ck_assert_int_eq(aspace_write(&m.as, 0x101e2008, 4, 0), 1);           /* timer off */

    /* Corrupted payloads are refused and change nothing. */
    uint8_t *bad = malloc(w.len);
    memcpy(bad, w.buf, w.len);
    bad[1] ^= 0xff;                         /* the first section's name */
    ck_assert_int_eq(machine_snapshot_load(&m, bad, w.len, err, sizeof(err)), -1);
    ck_assert_msg(strstr(err, "expected section 'machine'"), "%s", err);
    ck_assert_int_eq(machine_snapshot_load(&m, w.buf, w.len - 7, err, sizeof(err)), -1);
    ck_assert_uint_eq(cpu->r[3], 0);
    ck_assert_uint_eq(ram[100], 0);
    free(bad);

    ck_assert_int_eq(machine_snapshot_load(&m, w.buf, w.len, err, sizeof(err)), 0);
    ck_assert_uint_eq(cpu->r[3], 0x12345678);
    ck_assert(cpu->vfp.d[5] == 0x1122334455667788ull);
    ck_assert(memcmp(ram + 100, "snapshot", 8) == 0);
    ck_assert_uint_eq(m.clock.count, events);

    /* Saving again gives the same bytes. */
    struct snapshot_writer again;
    snapshot_writer_init(&again);
    ck_assert_int_eq(machine_snapshot_save(&m, &again, err, sizeof(err)), 0);
    ck_assert_uint_eq(again.len, w.len);
    ck_assert(memcmp(again.buf, w.buf, w.len) == 0);

    /* A device without a hook makes savevm refuse, naming it. */
    m.device[0]->snapshot = NULL;
    ck_assert_int_eq(machine_snapshot_save(&m, &again, err, sizeof(err)), -1);
    ck_assert_msg(strstr(err, m.device[0]->name) && strstr(err, "cannot be saved"), "%s", err);
    snapshot_writer_free(&again);
    snapshot_writer_free(&w);
    machine_destroy(&m);
}
END_TEST

START_TEST(machine_wrong_board)
{
    static struct machine vpb, ve;
    make_machine(&vpb);
    struct machine_config cfg = { .board = "vexpress-a9", .memory = 16u << 20, .cpus = 1,
                                  .mhz = 100 };
    ck_assert_int_eq(machine_create(&ve, &cfg), 0);
    char err[320];
    struct snapshot_writer w;
    snapshot_writer_init(&w);
    ck_assert_int_eq(machine_snapshot_save(&vpb, &w, err, sizeof(err)), 0);
    ck_assert_int_eq(machine_snapshot_load(&ve, w.buf, w.len, err, sizeof(err)), -1);
    ck_assert_msg(strstr(err, "snapshot is of a versatilepb board"), "%s", err);
    snapshot_writer_free(&w);
    machine_destroy(&ve);
    machine_destroy(&vpb);
}
END_TEST

Suite *snapshot_suite(void)
{
    Suite *s = suite_create("snapshot");
    TCase *tc = tcase_create("serializer");
    tcase_add_test(tc, roundtrip);
    tcase_add_test(tc, read_past_section_end);
    tcase_add_test(tc, version_and_length_checks);
    tcase_add_test(tc, validation_pass_leaves_object_alone);
    tcase_add_test(tc, file_roundtrip_and_corruption);
    suite_add_tcase(s, tc);
    TCase *tm = tcase_create("machine");
    tcase_set_timeout(tm, 30);
    tcase_add_test(tm, machine_roundtrip);
    tcase_add_test(tm, machine_wrong_board);
    suite_add_tcase(s, tm);
    return s;
}
