/*
 * Ways to reach the monitor besides the frontend's stdio loop: readline
 * tab completion for that loop, and a local socket server.
 *
 * The socket (`-monitor unix:PATH`, or `-monitor tcp:127.0.0.1:PORT` when
 * asked for) takes one client at a time; a second one is told so and
 * closed. The frontend adds monitor_server_pollfds() to the descriptors it
 * polls between run slices and calls monitor_server_service(); nothing
 * here blocks or runs on another thread. While a client is connected, stop
 * reports (breakpoints, watchpoints) go to it, and the frontend holds the
 * machine stopped (mon->stopped) instead of opening the stdio monitor.
 */
#ifndef MONITOR_CONSOLE_H
#define MONITOR_CONSOLE_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/un.h>

#include "monitor/monitor.h"

/* Candidates for the word being typed: index-th match or NULL (malloc'd);
 * frontends/main.c feeds it to readline's completion. */
char *monitor_complete(struct monitor *mon, const char *line, int word_start,
                       const char *text, int index);

/* All zero (or closed): no server. */
struct monitor_server {
    struct monitor *mon;        /* NULL: not open */
    int listen_fd;              /* -1: no server */
    int client_fd;              /* -1: no client */
    FILE *client_out;
    char unix_path[sizeof(((struct sockaddr_un *)0)->sun_path)];
    char line[1024];            /* a partial line from the client */
    size_t line_len;
};

/*
 * spec: "unix:PATH" or "tcp:127.0.0.1:PORT" (also "tcp::PORT" and
 * "tcp:localhost:PORT"; no other host). Returns 0, or -1 with a message.
 */
int monitor_server_open(struct monitor_server *srv, struct monitor *mon, const char *spec,
                        char *err, size_t err_len);
void monitor_server_close(struct monitor_server *srv);
bool monitor_server_connected(const struct monitor_server *srv);
/* Descriptors to poll for input (at most 2); returns how many were written. */
unsigned monitor_server_pollfds(const struct monitor_server *srv, struct pollfd *pfd,
                                unsigned max);
/* Accepts a client and runs every complete line it sent; never blocks. */
void monitor_server_service(struct monitor_server *srv);
/*
 * The machine stopped (breakpoint, watchpoint) while a client is
 * connected: tells the client, and holds the machine (mon->stopped) until
 * it says cont.
 */
void monitor_server_report_stop(struct monitor_server *srv, enum machine_stop_reason why);

#endif
