/*
 * Readline completion and the monitor's socket server (console.h).
 */
#include "monitor/console.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <readline/readline.h>

#include "monitor/expr.h"
#include "monitor/internal.h"

/* ---- completion ---- */

static const char *const trace_words[] = {
    "int", "mmio", "irq", "mmu", "hv", "guest_errors", "unimp", "all", NULL,
};
static const char *const on_off[] = { "on", "off", NULL };
static const char *const walk_words[] = { "r", "w", "x", "user", NULL };
static const char *const watch_words[] = { "r", "w", "rw", "if", NULL };
static const char *const info_words[] = { "break", NULL };
static const char *const xenstore_words[] = { "ls", "read", "write", "watch", "unwatch", NULL };

/* The index-th entry of list starting with text, or NULL. */
static const char *nth_in_list(const char *const *list, const char *text, int *index)
{
    size_t len = strlen(text);
    for (; *list; list++)
        if (strncmp(*list, text, len) == 0 && (*index)-- == 0)
            return *list;
    return NULL;
}

char *monitor_complete(struct monitor *mon, const char *line, int word_start,
                       const char *text, int index)
{
    size_t len = strlen(text);
    /* First word: command names. */
    int first_end = 0;
    while (line[first_end] == ' ')
        first_end++;
    if (word_start <= first_end) {
        for (const struct monitor_command *c = monitor_commands; c->name; c++)
            if (strncmp(c->name, text, len) == 0 && index-- == 0)
                return strdup(c->name);
        return NULL;
    }
    char cmd[32];
    size_t n = strcspn(line + first_end, " /");
    snprintf(cmd, sizeof(cmd), "%.*s", (int)n, line + first_end);
    /* Which argument is being completed (1 = the first after the command). */
    int arg = 0;
    for (int i = first_end; i < word_start; i++)
        if (line[i] != ' ' && (i == 0 || line[i - 1] == ' '))
            arg++;

    const char *hit = NULL;
    if (strcmp(cmd, "help") == 0) {
        for (const struct monitor_command *c = monitor_commands; c->name; c++)
            if (strncmp(c->name, text, len) == 0 && index-- == 0)
                return strdup(c->name);
        return NULL;
    }
    if (strcmp(cmd, "devices") == 0) {
        struct machine *m = mon->machine;
        for (unsigned i = 0; i < m->device_count; i++)
            if (strncmp(m->device[i]->name, text, len) == 0 && index-- == 0)
                return strdup(m->device[i]->name);
        return NULL;
    }
    if (strcmp(cmd, "trace") == 0) {
        hit = nth_in_list(arg == 1 ? trace_words : on_off, text, &index);
        return hit ? strdup(hit) : NULL;
    }
    if (strcmp(cmd, "info") == 0) {
        hit = nth_in_list(info_words, text, &index);
        return hit ? strdup(hit) : NULL;
    }
    if (strcmp(cmd, "xenstore") == 0) {
        hit = arg == 1 ? nth_in_list(xenstore_words, text, &index) : NULL;
        return hit ? strdup(hit) : NULL;
    }
    if ((strcmp(cmd, "domain") == 0 || strcmp(cmd, "evtchn") == 0 ||
         strcmp(cmd, "grants") == 0 || strcmp(cmd, "rings") == 0) && arg == 1) {
        /* Domain names (commands_hv.c), then `auto` for domain. */
        for (unsigned i = 0; (hit = mon_hv_domain_name(mon, i)); i++)
            if (strncmp(hit, text, len) == 0 && index-- == 0)
                return strdup(hit);
        if (strcmp(cmd, "domain") == 0 && strncmp("auto", text, len) == 0 && index == 0)
            return strdup("auto");
        return NULL;
    }
    if (strcmp(cmd, "symbols") == 0 || strcmp(cmd, "screendump") == 0)
        return rl_filename_completion_function(text, index);
    if (strcmp(cmd, "walk") == 0 && arg > 1 && (hit = nth_in_list(walk_words, text, &index)))
        return strdup(hit);
    if (strcmp(cmd, "watch") == 0 && arg > 1 && (hit = nth_in_list(watch_words, text, &index)))
        return strdup(hit);
    /* Anything else takes expressions: registers, then symbols. */
    const char *prefix = text[0] == '$' ? "$" : "";
    const char *word = text + strlen(prefix);
    size_t wlen = strlen(word);
    for (const char *const *r = mon_reg_names; *r; r++) {
        if (strncmp(*r, word, wlen) == 0 && index-- == 0) {
            char *s = malloc(strlen(*r) + 2);
            if (s)
                sprintf(s, "%s%s", prefix, *r);
            return s;
        }
    }
    if (prefix[0] || wlen == 0)
        return NULL;   /* do not list thousands of symbols for nothing typed */
    const struct symtab *st = &mon->syms;
    for (size_t i = 0; i < st->count && st->by_name; i++) {
        const char *name = st->sym[st->by_name[i]].name;
        if (strncmp(name, word, wlen) != 0)
            continue;
        if (i > 0 && strcmp(name, st->sym[st->by_name[i - 1]].name) == 0)
            continue;   /* the same name twice (static functions) */
        if (index-- == 0)
            return strdup(name);
    }
    return NULL;
}

/* ---- the socket server ---- */

static int set_nonblocking(int fd)
{
    int flags = fcntl(fd, F_GETFL);
    return flags < 0 ? -1 : fcntl(fd, F_SETFL, flags | O_NONBLOCK | O_CLOEXEC);
}

static int open_unix(struct monitor_server *srv, const char *path, char *err, size_t len)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    if (strlen(path) >= sizeof(addr.sun_path)) {
        snprintf(err, len, "unix:%s: path too long", path);
        return -1;
    }
    strcpy(addr.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        snprintf(err, len, "socket: %s", strerror(errno));
        return -1;
    }
    /* A socket file left by an earlier run would make bind fail. */
    unlink(path);
    if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(fd, 1) < 0) {
        snprintf(err, len, "unix:%s: %s", path, strerror(errno));
        close(fd);
        return -1;
    }
    snprintf(srv->unix_path, sizeof(srv->unix_path), "%s", path);
    return fd;
}

static int open_tcp(const char *hostport, char *err, size_t len)
{
    const char *colon = strrchr(hostport, ':');
    if (!colon) {
        snprintf(err, len, "tcp:%s: expected tcp:127.0.0.1:PORT", hostport);
        return -1;
    }
    size_t hlen = (size_t)(colon - hostport);
    /* Loopback only: the monitor can read and write all guest memory. */
    if (hlen && strncmp(hostport, "127.0.0.1", hlen) != 0 &&
        strncmp(hostport, "localhost", hlen) != 0) {
        snprintf(err, len, "tcp:%s: the monitor listens on 127.0.0.1 only", hostport);
        return -1;
    }
    uint64_t port;
    if (mon_parse_number(colon + 1, &port) < 0 || port == 0 || port > 65535) {
        snprintf(err, len, "tcp:%s: bad port '%s'", hostport, colon + 1);
        return -1;
    }
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        snprintf(err, len, "socket: %s", strerror(errno));
        return -1;
    }
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    struct sockaddr_in addr = {
        .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
        .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
    };
    if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(fd, 1) < 0) {
        snprintf(err, len, "tcp:127.0.0.1:%u: %s", (unsigned)port, strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

int monitor_server_open(struct monitor_server *srv, struct monitor *mon, const char *spec,
                        char *err, size_t err_len)
{
    memset(srv, 0, sizeof(*srv));
    srv->mon = mon;
    srv->listen_fd = srv->client_fd = -1;
    int fd;
    if (strncmp(spec, "unix:", 5) == 0) {
        fd = open_unix(srv, spec + 5, err, err_len);
    } else if (strncmp(spec, "tcp:", 4) == 0) {
        fd = open_tcp(spec + 4, err, err_len);
    } else {
        snprintf(err, err_len, "'%s': expected stdio, unix:PATH or tcp:127.0.0.1:PORT", spec);
        return -1;
    }
    if (fd < 0)
        return -1;
    if (set_nonblocking(fd) < 0) {
        snprintf(err, err_len, "fcntl: %s", strerror(errno));
        close(fd);
        return -1;
    }
    srv->listen_fd = fd;
    return 0;
}

static void drop_client(struct monitor_server *srv)
{
    if (srv->client_out) {
        fclose(srv->client_out);     /* closes client_fd too */
    } else if (srv->client_fd >= 0) {
        close(srv->client_fd);
    }
    srv->client_out = NULL;
    srv->client_fd = -1;
    srv->line_len = 0;
}

void monitor_server_close(struct monitor_server *srv)
{
    if (!srv->mon)
        return;     /* never opened (a zeroed struct is "no server") */
    drop_client(srv);
    if (srv->listen_fd >= 0)
        close(srv->listen_fd);
    srv->listen_fd = -1;
    if (srv->unix_path[0])
        unlink(srv->unix_path);
    srv->unix_path[0] = '\0';
    srv->mon = NULL;
}

bool monitor_server_connected(const struct monitor_server *srv)
{
    return srv->mon && srv->client_fd >= 0;
}

unsigned monitor_server_pollfds(const struct monitor_server *srv, struct pollfd *pfd,
                                unsigned max)
{
    unsigned n = 0;
    if (!srv->mon)
        return 0;
    if (srv->listen_fd >= 0 && n < max)
        pfd[n++] = (struct pollfd){ .fd = srv->listen_fd, .events = POLLIN };
    if (srv->client_fd >= 0 && n < max)
        pfd[n++] = (struct pollfd){ .fd = srv->client_fd, .events = POLLIN };
    return n;
}

static void prompt(struct monitor_server *srv)
{
    fputs("(armhv) ", srv->client_out);
    fflush(srv->client_out);
}

static void accept_client(struct monitor_server *srv)
{
    int fd = accept4(srv->listen_fd, NULL, NULL, SOCK_CLOEXEC);
    if (fd < 0)
        return;
    if (srv->client_fd >= 0) {
        static const char busy[] = "armhv-emu monitor: another client is connected\n";
        if (write(fd, busy, sizeof(busy) - 1) < 0) {
            /* nothing more to tell a client that is gone */
        }
        close(fd);
        return;
    }
    FILE *out = fdopen(fd, "w");
    if (!out) {
        close(fd);
        return;
    }
    /* The descriptor stays blocking so replies are written whole; reads
     * never wait (recv with MSG_DONTWAIT). */
    srv->client_fd = fd;
    srv->client_out = out;
    srv->line_len = 0;
    fprintf(out, "armhv-emu monitor: type help for commands\n");
    prompt(srv);
}

static void run_client_line(struct monitor_server *srv, const char *line)
{
    struct monitor *mon = srv->mon;
    FILE *saved = mon->out;
    mon->out = srv->client_out;
    mon->via_socket = true;
    monitor_execute(mon, line);
    mon->via_socket = false;
    mon->out = saved;
    if (srv->client_out)
        prompt(srv);
}

void monitor_server_service(struct monitor_server *srv)
{
    if (!srv->mon || srv->listen_fd < 0)
        return;
    accept_client(srv);
    while (srv->client_fd >= 0) {
        char buf[512];
        ssize_t n = recv(srv->client_fd, buf, sizeof(buf), MSG_DONTWAIT);
        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
            drop_client(srv);
            return;
        }
        if (n < 0)
            return;
        for (ssize_t i = 0; i < n && srv->client_fd >= 0; i++) {
            char c = buf[i];
            if (c == '\n') {
                srv->line[srv->line_len] = '\0';
                if (srv->line_len && srv->line[srv->line_len - 1] == '\r')
                    srv->line[srv->line_len - 1] = '\0';
                srv->line_len = 0;
                run_client_line(srv, srv->line);
                if (srv->mon->quit)
                    return;
            } else if (srv->line_len + 1 < sizeof(srv->line)) {
                srv->line[srv->line_len++] = c;
            }
        }
    }
}

void monitor_server_report_stop(struct monitor_server *srv, enum machine_stop_reason why)
{
    struct monitor *mon = srv->mon;
    if (!mon || !srv->client_out)
        return;
    FILE *saved = mon->out;
    mon->out = srv->client_out;
    fputc('\n', mon->out);
    monitor_report_stop(mon, why);
    mon->out = saved;
    mon->stopped = true;
    mon_bp_note_stop(mon);
    prompt(srv);
}
