/*
 * Snapshots from the monitor: savevm, loadvm and statehash. The machine
 * layer decides what a snapshot holds (devices/machine_snapshot.h) and the
 * base layer how it is stored (base/snapshot.h); these commands time them,
 * report sizes, and keep the monitor's own bookkeeping (stats, where x and
 * disas go on) in step with a machine that jumped to another instant.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/snapshot.h"
#include "devices/machine_snapshot.h"
#include "monitor/internal.h"

static double seconds_since(const struct timespec *start)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

/* The machine's payload, as savevm would write it. */
static int serialize(struct monitor *mon, struct snapshot_writer *w)
{
    char err[256];
    snapshot_writer_init(w);
    if (machine_snapshot_save(mon->machine, w, err, sizeof(err)) < 0) {
        snapshot_writer_free(w);
        return mon_error(mon, "%s", err);
    }
    return 0;
}

int cmd_savevm(struct monitor *mon, int argc, char **argv)
{
    if (argc != 2)
        return mon_error(mon, "usage: savevm FILE");
    if (mon_machine_busy(mon))
        return -1;
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    struct snapshot_writer w;
    if (serialize(mon, &w) < 0)
        return -1;
    char err[512];
    int rc = snapshot_write_file(argv[1], w.buf, w.len, err, sizeof(err));
    size_t state_bytes = w.len;
    snapshot_writer_free(&w);
    if (rc < 0)
        return mon_error(mon, "savevm: %s", err);
    FILE *f = fopen(argv[1], "rb");
    long file_bytes = -1;
    if (f && fseek(f, 0, SEEK_END) == 0)
        file_bytes = ftell(f);
    if (f)
        fclose(f);
    fprintf(mon->out, "saved %s at instruction %" PRIu64 ": %zu bytes of state, %ld in the "
            "file, %.2f s\n", argv[1], machine_instructions(mon->machine), state_bytes,
            file_bytes, seconds_since(&start));
    return 0;
}

int cmd_loadvm(struct monitor *mon, int argc, char **argv)
{
    if (argc != 2)
        return mon_error(mon, "usage: loadvm FILE");
    if (mon_machine_busy(mon))
        return -1;
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    uint8_t *payload;
    size_t len;
    char err[512];
    if (snapshot_read_file(argv[1], &payload, &len, err, sizeof(err)) < 0)
        return mon_error(mon, "loadvm: %s; the machine is unchanged", err);
    int rc = machine_snapshot_load(mon->machine, payload, len, err, sizeof(err));
    free(payload);
    if (rc < 0)
        return mon_error(mon, "loadvm: %s: %s; the machine is unchanged", argv[1], err);

    /* The machine is at another instant: stats count from here, and x and
     * disas start again at the PC. */
    uint64_t now = machine_instructions(mon->machine);
    mon->start_icount = mon->resume_icount = now;
    mon->last_run_icount = 0;
    mon->next_x = mon->next_disas = mon_cpu(mon)->r[15];
    fprintf(mon->out, "loaded %s: instruction %" PRIu64 ", %.2f s\n", argv[1],
            machine_instructions(mon->machine), seconds_since(&start));
    mon_print_where(mon);
    return 0;
}

int cmd_statehash(struct monitor *mon, int argc, char **argv)
{
    bool sections = argc == 2 && strcmp(argv[1], "sections") == 0;
    if (argc > 2 || (argc == 2 && !sections))
        return mon_error(mon, "usage: statehash [sections]");
    if (mon_machine_busy(mon))
        return -1;
    struct snapshot_writer w;
    if (serialize(mon, &w) < 0)
        return -1;
    fprintf(mon->out, "state hash %016" PRIx64 " at instruction %" PRIu64 "\n",
            snapshot_hash(w.buf, w.len, SNAPSHOT_HASH_SEED), machine_instructions(mon->machine));
    if (sections) {
        struct snapshot_reader r;
        char name[SNAPSHOT_NAME_MAX + 1];
        snapshot_reader_init(&r, w.buf, w.len, false);
        while (!snapshot_at_end(&r)) {
            snapshot_peek_section(&r, name, sizeof(name));
            if (!snapshot_open_section(&r, name, UINT32_MAX))
                break;
            size_t n = snapshot_remaining(&r);
            const uint8_t *data = snapshot_get_span(&r, n);
            fprintf(mon->out, "  %-16s %016" PRIx64 "  %zu bytes\n", name,
                    snapshot_hash(data, n, SNAPSHOT_HASH_SEED), n);
            snapshot_close_section(&r);
        }
    }
    snapshot_writer_free(&w);
    return 0;
}
