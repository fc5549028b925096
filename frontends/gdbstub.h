/*
 * The gdb remote stub: GDB's Remote Serial Protocol on a local TCP socket
 * (`-gdb tcp:127.0.0.1:1234`), so gdb-multiarch can debug the guest.
 *
 * No host threads: the main loop calls gdbstub_poll() between run slices,
 * the way it looks at the terminal, and hands every stop of the machine to
 * gdbstub_report_stop(). While gdb holds the machine stopped the main loop
 * does not run it; gdb's `continue` and `stepi` tell it to run or to execute
 * exactly one instruction.
 */
#ifndef FRONTENDS_GDBSTUB_H
#define FRONTENDS_GDBSTUB_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/machine.h"
#include "monitor/monitor.h"

struct gdbstub;

/* What the main loop should do with the machine now. */
enum gdb_action {
    GDB_RUN,     /* run freely: no debugger, or gdb said continue */
    GDB_STEP,    /* run exactly one instruction, then report the stop */
    GDB_HOLD,    /* gdb holds the machine stopped: do not run it */
    GDB_KILL,    /* gdb killed the target: leave the emulator */
};

/*
 * Parses "tcp:HOST:PORT" where HOST is 127.0.0.1, localhost or empty (the
 * stub never listens beyond the local machine). Returns 0, or -1 after
 * reporting what is wrong.
 */
int gdbstub_parse_address(const char *spec, uint16_t *port);

/*
 * Listens on the local port of spec. With hold set the machine stays
 * stopped until gdb connects and continues it (-S). mon runs gdb's
 * `monitor CMD` requests. Returns NULL after reporting an error.
 */
struct gdbstub *gdbstub_open(const char *spec, struct machine *m, struct monitor *mon,
                             bool hold);
void gdbstub_close(struct gdbstub *g);

/*
 * Accepts a connection and serves the packets that arrived. While gdb
 * holds the machine it first waits up to wait_ms for one; while the machine
 * runs it never blocks (a Ctrl-C from gdb stops it).
 */
enum gdb_action gdbstub_poll(struct gdbstub *g, int wait_ms);

/*
 * The machine stopped for why after the main loop ran it. Returns true
 * when gdb takes the stop (a breakpoint, a finished step, gdb's interrupt):
 * the stop has been reported to gdb and the machine is held.
 */
bool gdbstub_report_stop(struct gdbstub *g, enum machine_stop_reason why);

/* The run is over (guest shutdown or quit): tell gdb the target exited. */
void gdbstub_report_exit(struct gdbstub *g, int status);

#endif
