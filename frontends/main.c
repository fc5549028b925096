/*
 * armhv-emu: command line, board.cfg, image loading and the main loop that
 * runs the machine between looks at the terminal and the monitor.
 *
 * This is the only file with global mutable state: the terminal whose mode
 * must be restored from a signal handler or atexit.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "base/report.h"
#include "devices/linux_boot.h"
#include "devices/loader.h"
#include "devices/machine.h"
#include "frontends/config.h"
#include "devices/pl050.h"
#include "devices/pl110.h"
#include "frontends/gdbstub.h"
#include "frontends/hv_config.h"
#include "frontends/replay.h"
#include "frontends/sdl_display.h"
#include "frontends/terminal.h"
#include "hv/system.h"
#include "monitor/console.h"
#include "monitor/monitor.h"

#define ARMHV_VERSION "0.1.0"
/* Instructions between looks at the terminal: about 10 ms of host time. */
#define RUN_SLICE 1000000u
#define CTRL_A 0x01

enum exit_status {
    EXIT_OK = 0,
    EXIT_ERROR = 1,
    EXIT_USAGE = 2,
    EXIT_INSN_LIMIT = 3,
    EXIT_GUEST_STUCK = 4,
};

/* The terminal, restored by atexit and by the fatal-signal handler. */
static struct terminal host_terminal;

struct options {
    const char *config_path;
    const char *script;
    const char *trace_classes;
    const char *trace_file;
    const char *monitor_spec;   /* -monitor unix:PATH | tcp:127.0.0.1:PORT */
    bool start_stopped;
    bool headless;
    bool stats;
    uint64_t max_insns;
    const char *gdb;            /* -gdb tcp:127.0.0.1:PORT */
    const char *record;         /* --record FILE */
    const char *replay;         /* --replay FILE */
    char **overrides;
    int override_count;
};

struct session {
    struct options opt;
    struct config cfg;
    struct machine machine;
    struct monitor monitor;
    struct monitor_server monitor_server;
    struct serial_sink sink[MACHINE_MAX_SERIAL];
    char *disk_path[MACHINE_MAX_DISKS];
    bool monitor_active;
    bool escape_pending;    /* Ctrl-A seen, waiting for the command key */
    bool stdin_closed;
    struct sdl_display *display;    /* the SDL window, NULL when headless */
    uint64_t next_display_ns;       /* host time of the next display poll */
    uint8_t pending[256];   /* typed bytes the UART could not take yet */
    size_t pending_len;
    bool realtime;          /* idle guests wait for host time */
    bool quit_requested;    /* Ctrl-A x seen while the machine was idle */
    struct gdbstub *gdb;    /* -gdb, or NULL */
    struct replay *replay;  /* --record/--replay, or NULL */
    bool replay_diverged;
    uint64_t host_start_ns, guest_start_ns;
    /* The hypervisor ([hypervisor] in board.cfg), or NULL. */
    struct hv_config hv_cfg;
    struct hv_system *hv;
    struct console_mux mux;         /* the terminal shared by all consoles */
    char focus_name[HV_DOMAIN_NAME_MAX];    /* mux.focus points here */
};

static uint64_t host_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void usage(FILE *out)
{
    fputs("Usage: armhv-emu [options] BOARD.CFG\n"
          "Runs the machine described by BOARD.CFG (see docs/board-cfg.md).\n"
          "\n"
          "Options:\n"
          "  -s SECTION.KEY=VALUE  override a board.cfg key (repeatable)\n"
          "  -S                    start stopped, in the monitor\n"
          "  -x FILE               run monitor commands from FILE first; a failing\n"
          "                        command exits with status 1\n"
          "  -d CLASSES            trace classes: int,mmio,irq,mmu,hv,guest_errors,unimp,all\n"
          "  -D FILE               write traces to FILE instead of stderr\n"
          "  -monitor SPEC         also serve the monitor on unix:PATH or\n"
          "                        tcp:127.0.0.1:PORT (one client at a time)\n"
          "  --max-insns N         stop with status 3 after N instructions\n"
          "  --headless            no display window\n"
          "  --stats               print instructions, host time and guest MIPS at exit\n"
          "  -gdb tcp::PORT        gdb remote stub on 127.0.0.1:PORT (with -S: wait for gdb)\n"
          "  --record FILE         log the terminal input the guest receives to FILE\n"
          "  --replay FILE         feed the guest the input logged in FILE, ignoring stdin\n"
          "  --list-boards         list the boards and exit\n"
          "  --config-reference    print the board.cfg reference (Markdown) and exit\n"
          "  --monitor-reference   print the monitor command reference (Markdown) and exit\n"
          "  -h, --help            this text\n"
          "  -V, --version         version\n"
          "\n"
          "On the serial console: Ctrl-A x quits, Ctrl-A c enters the monitor,\n"
          "Ctrl-A n gives the keyboard to the next console (board UART, then each\n"
          "domain's console), Ctrl-A h lists these, Ctrl-A Ctrl-A sends Ctrl-A.\n"
          "Exit status: 0 guest shutdown or quit, 1 error, 2 usage, 3 instruction\n"
          "limit reached, 4 guest waits for an interrupt that can never come.\n",
          out);
}

static void restore_terminal_at_exit(void)
{
    terminal_restore(&host_terminal);
}

static void fatal_signal(int sig)
{
    terminal_restore(&host_terminal);
    signal(sig, SIG_DFL);
    raise(sig);
}

static int parse_options(int argc, char **argv, struct options *opt)
{
    enum { OPT_MAX_INSNS = 256, OPT_HEADLESS, OPT_LIST_BOARDS, OPT_CONFIG_REFERENCE,
           OPT_STATS, OPT_MONITOR, OPT_MONITOR_REFERENCE, OPT_GDB, OPT_RECORD, OPT_REPLAY };
    static const struct option long_options[] = {
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { "max-insns", required_argument, NULL, OPT_MAX_INSNS },
        { "headless", no_argument, NULL, OPT_HEADLESS },
        { "stats", no_argument, NULL, OPT_STATS },
        { "gdb", required_argument, NULL, OPT_GDB },
        { "record", required_argument, NULL, OPT_RECORD },
        { "replay", required_argument, NULL, OPT_REPLAY },
        { "list-boards", no_argument, NULL, OPT_LIST_BOARDS },
        { "config-reference", no_argument, NULL, OPT_CONFIG_REFERENCE },
        { "monitor", required_argument, NULL, OPT_MONITOR },
        { "monitor-reference", no_argument, NULL, OPT_MONITOR_REFERENCE },
        { NULL, 0, NULL, 0 },
    };
    /* QEMU spells it -monitor; getopt_long wants --monitor. */
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "-monitor") == 0)
            argv[i] = "--monitor";
        else if (strcmp(argv[i], "-gdb") == 0)
            argv[i] = "--gdb";
    memset(opt, 0, sizeof(*opt));
    opt->overrides = calloc((size_t)argc, sizeof(char *));
    if (!opt->overrides)
        return EXIT_ERROR;
    int c;
    while ((c = getopt_long(argc, argv, "hVSs:x:d:D:", long_options, NULL)) != -1) {
        switch (c) {
        case 'h': usage(stdout); return EXIT_OK;
        case 'V': printf("armhv-emu %s\n", ARMHV_VERSION); return EXIT_OK;
        case 'S': opt->start_stopped = true; break;
        case 's': opt->overrides[opt->override_count++] = optarg; break;
        case 'x': opt->script = optarg; break;
        case 'd': opt->trace_classes = optarg; break;
        case 'D': opt->trace_file = optarg; break;
        case OPT_HEADLESS: opt->headless = true; break;
        case OPT_STATS: opt->stats = true; break;
        case OPT_GDB: {
            uint16_t port;
            if (gdbstub_parse_address(optarg, &port) < 0)
                return EXIT_USAGE;
            opt->gdb = optarg;
            break;
        }
        case OPT_RECORD: opt->record = optarg; break;
        case OPT_REPLAY: opt->replay = optarg; break;
        case OPT_MAX_INSNS: {
            char *end;
            errno = 0;
            opt->max_insns = strtoull(optarg, &end, 0);
            if (*end || errno || opt->max_insns == 0) {
                report_error("--max-insns: '%s' is not a positive number", optarg);
                return EXIT_USAGE;
            }
            break;
        }
        case OPT_LIST_BOARDS:
            for (const struct board *const *b = board_list(); *b; b++)
                printf("%-14s %s\n", (*b)->name, (*b)->description);
            return EXIT_OK;
        case OPT_CONFIG_REFERENCE:
            config_write_reference(stdout);
            return EXIT_OK;
        case OPT_MONITOR:
            opt->monitor_spec = strcmp(optarg, "stdio") == 0 ? NULL : optarg;
            break;
        case OPT_MONITOR_REFERENCE:
            monitor_write_reference(stdout);
            return EXIT_OK;
        default:
            usage(stderr);
            return EXIT_USAGE;
        }
    }
    if (optind != argc - 1) {
        report_error(optind >= argc ? "no board configuration given"
                                    : "more than one board configuration given");
        usage(stderr);
        return EXIT_USAGE;
    }
    opt->config_path = argv[optind];
    if (opt->record && opt->replay) {
        report_error("--record and --replay exclude each other");
        return EXIT_USAGE;
    }
    return -1; /* continue */
}

/* Fills the machine config from board.cfg and opens the serial backends. */
static int build_machine_config(struct session *s, struct machine_config *mc)
{
    uint64_t value;
    memset(mc, 0, sizeof(*mc));
    mc->board = config_get(&s->cfg, "machine", "board");
    if (!mc->board) {
        report_error_at(s->cfg.path, 0, "[machine] board: missing (try --list-boards)");
        return -1;
    }
    if (config_get_size(&s->cfg, "machine", "memory", &mc->memory) < 0)
        return -1;
    if (config_get_uint(&s->cfg, "machine", "cpus", &value) < 0)
        return -1;
    mc->cpus = (unsigned)value;
    if (config_get_uint(&s->cfg, "machine", "mhz", &value) < 0)
        return -1;
    if (value == 0 || value > 1000000) {
        report_error_at(s->cfg.path, 0, "[machine] mhz: %" PRIu64 " is out of range 1..1000000",
                        value);
        return -1;
    }
    mc->mhz = (unsigned)value;
    const char *realtime = config_get(&s->cfg, "machine", "realtime");
    s->realtime = !strcmp(realtime, "yes") || (!strcmp(realtime, "auto") && isatty(STDIN_FILENO));
    const char *rtc = config_get(&s->cfg, "machine", "rtc");
    if (!strcmp(rtc, "host")) {
        mc->rtc_base = (uint64_t)time(NULL);
    } else {
        struct tm tm;
        memset(&tm, 0, sizeof(tm));
        const char *end = strptime(rtc, "%Y-%m-%dT%H:%M:%S", &tm);
        if (!end || *end) {
            const char *origin;
            unsigned line;
            config_locate(&s->cfg, "machine", "rtc", &origin, &line);
            report_error_at(origin, line, "[machine] rtc: '%s': expected host or "
                            "YYYY-MM-DDTHH:MM:SS", rtc);
            return -1;
        }
        mc->rtc_base = (uint64_t)timegm(&tm);
    }
    for (unsigned i = 0; i < MACHINE_MAX_SERIAL; i++) {
        char section[16];
        snprintf(section, sizeof(section), "serial%u", i);
        const char *spec = config_get(&s->cfg, section, "backend");
        if (!spec)
            spec = i == 0 ? "stdio" : "null";
        const char *origin;
        unsigned line;
        config_locate(&s->cfg, section, "backend", &origin, &line);
        if (serial_sink_open(&s->sink[i], spec, origin, line) < 0)
            return -1;
        mc->serial[i] = serial_sink_backend(&s->sink[i]);
    }
    for (unsigned i = 0; i < MACHINE_MAX_DISKS; i++) {
        char section[16];
        snprintf(section, sizeof(section), "disk%u", i);
        s->disk_path[i] = config_get_path(&s->cfg, section, "image");
        mc->disk[i].image = s->disk_path[i];
        if (config_get_bool(&s->cfg, section, "read-only", &mc->disk[i].read_only) < 0)
            return -1;
    }
    return 0;
}

static int load_boot_images(struct session *s)
{
    struct machine *m = &s->machine;
    int rc = -1;
    char *kernel = config_get_path(&s->cfg, "boot", "kernel");
    char *dtb = config_get_path(&s->cfg, "boot", "dtb");
    char *initrd = config_get_path(&s->cfg, "boot", "initrd");
    const char *cmdline = config_get(&s->cfg, "boot", "cmdline");
    if (!kernel) {
        report_error_at(s->cfg.path, 0, "[boot] kernel: missing: nothing to run");
        goto out;
    }
    /* Name the key that points at a missing file, not just the file. */
    static const char *const path_keys[] = { "kernel", "dtb", "initrd" };
    char *const paths[] = { kernel, dtb, initrd };
    for (unsigned i = 0; i < ARRAY_SIZE(path_keys); i++) {
        if (paths[i] && access(paths[i], R_OK) != 0) {
            const char *origin;
            unsigned line;
            config_locate(&s->cfg, "boot", path_keys[i], &origin, &line);
            report_error_at(origin, line, "[boot] %s: %s: %s", path_keys[i], paths[i],
                            strerror(errno));
            goto out;
        }
    }
    if (dtb || initrd || loader_file_is_zimage(kernel)) {
        const struct board *board = board_find(m->board_name);
        struct linux_boot boot = {
            .kernel = kernel, .dtb = dtb, .initrd = initrd, .cmdline = cmdline,
            .machine_type = board->linux_machine_type,
        };
        rc = linux_boot_setup(m, &boot) < 0 ? -1 : 0;
        goto out;
    }
    int64_t raw_address = -1;
    if (config_get(&s->cfg, "boot", "kernel-address")) {
        uint64_t value;
        if (config_get_uint(&s->cfg, "boot", "kernel-address", &value) < 0)
            goto out;
        raw_address = (int64_t)value;
    }
    struct loaded_image image;
    if (loader_load_kernel(&m->as, kernel, m->ram_base, raw_address, &image) < 0)
        goto out;
    struct arm_cpu *cpu = &m->cpu[0];
    cpu->thumb = image.entry & 1;
    cpu->r[15] = (uint32_t)image.entry & ~1u;
    rc = 0;
out:
    free(kernel);
    free(dtb);
    free(initrd);
    return rc;
}

/* ---- the serial console and its Ctrl-A escapes ---- */

/* Where the run is: input is recorded and replayed at such points. */
static struct replay_point run_point(const struct machine *m)
{
    return (struct replay_point){ machine_instructions(m), vclock_now_ps(&m->clock) };
}

/*
 * Replaying: delivers the logged input due exactly at this point of the
 * run. Returns -1 once the run has diverged from the recording.
 */
static int feed_replay(struct session *s)
{
    struct machine *m = &s->machine;
    const uint8_t *buf;
    size_t len;
    int rc;
    if (s->replay_diverged)
        return -1;
    while ((rc = replay_take(s->replay, run_point(m), &buf, &len)) > 0) {
        struct char_frontend *in = &m->serial_in[0];
        if (m->serial_count == 0 || in->can_receive(in->opaque) < (int)len) {
            report_error("--replay: diverged: the UART cannot take %zu logged bytes at "
                         "instruction %" PRIu64, len, machine_instructions(m));
            rc = -1;
            break;
        }
        in->receive(in->opaque, buf, len);
    }
    if (rc < 0) {
        s->replay_diverged = true;
        m->stop_requested = true;
    }
    return rc < 0 ? -1 : 0;
}

/* ---- domain consoles: Ctrl-A n moves the keyboard between them ---- */

/* The live domain called name, or NULL. */
static struct domain *find_domain(struct session *s, const char *name)
{
    struct hv *hv = hv_system_hv(s->hv);
    for (unsigned i = 0; i < HV_MAX_DOMAINS; i++) {
        struct domain *d = hv->domains[i];
        if (d && d->state != HV_DOMAIN_DYING && !strcmp(d->name, name))
            return d;
    }
    return NULL;
}

/* Gives the keyboard to d's console, or to the board UART when d is NULL. */
static void focus_console(struct session *s, const struct domain *d)
{
    if (d) {
        snprintf(s->focus_name, sizeof(s->focus_name), "%s", d->name);
        s->mux.focus = s->focus_name;
        console_mux_notice(&s->mux, "[armhv: input -> %s console]", s->focus_name);
    } else {
        s->mux.focus = NULL;
        console_mux_notice(s->hv ? &s->mux : NULL, "[armhv: input -> board UART]");
    }
}

/* Board UART -> each live domain in id order -> board UART. */
static void next_console(struct session *s)
{
    if (!s->hv) {
        console_mux_notice(NULL, "[armhv: no domain consoles: input stays on the board UART]");
        return;
    }
    struct hv *hv = hv_system_hv(s->hv);
    const struct domain *current = s->mux.focus ? find_domain(s, s->mux.focus) : NULL;
    int after = current ? current->domid : -1;
    const struct domain *next = NULL;
    for (unsigned i = 0; i < HV_MAX_DOMAINS; i++) {
        const struct domain *d = hv->domains[i];
        if (d && d->state != HV_DOMAIN_DYING && d->domid > after &&
            (!next || d->domid < next->domid))
            next = d;
    }
    focus_console(s, next);
}

/* Ctrl-A 0: the board UART; Ctrl-A 1..9: the console of domain 1..9. */
static void select_console(struct session *s, unsigned domid)
{
    if (domid == 0) {
        focus_console(s, NULL);
        return;
    }
    const struct domain *d = s->hv ? hv_domain_by_id(hv_system_hv(s->hv), (uint16_t)domid)
                                   : NULL;
    if (!d) {
        console_mux_notice(s->hv ? &s->mux : NULL, "[armhv: no domain %u: input stays on %s]",
                           domid, s->mux.focus ? s->mux.focus : "the board UART");
        return;
    }
    focus_console(s, d);
}

/* Typed bytes for the focused domain's console (PV console or console_io). */
static void deliver_domain_input(struct session *s)
{
    struct domain *d = find_domain(s, s->mux.focus);
    if (!d) {
        console_mux_notice(&s->mux, "[armhv: %s is not running: input -> board UART]",
                           s->mux.focus);
        s->mux.focus = NULL;
        return;
    }
    size_t n = hv_system_console_input(s->hv, d->domid, s->pending, s->pending_len);
    if (n > s->pending_len)
        n = s->pending_len;
    memmove(s->pending, s->pending + n, s->pending_len - n);
    s->pending_len -= n;
}

static void print_escape_help(struct session *s)
{
    struct console_mux *mux = s->hv ? &s->mux : NULL;
    console_mux_notice(mux, "[armhv: Ctrl-A x quit | c monitor | n next console "
                       "(board UART, then each domain) | 0 board UART | 1-9 domain N's "
                       "console | h this help | Ctrl-A send Ctrl-A]");
}

static void deliver_pending_input(struct session *s)
{
    struct machine *m = &s->machine;
    if (s->pending_len && s->mux.focus && !replay_is_playing(s->replay)) {
        deliver_domain_input(s);
        return;
    }
    if (!s->pending_len || m->serial_count == 0)
        return;
    if (replay_is_playing(s->replay)) {
        s->pending_len = 0;     /* replaying: the log is the only input */
        return;
    }
    struct char_frontend *in = &m->serial_in[0];
    int room = in->can_receive(in->opaque);
    size_t n = room > 0 ? (size_t)room : 0;
    if (n > s->pending_len)
        n = s->pending_len;
    if (n == 0)
        return;
    in->receive(in->opaque, s->pending, n);
    replay_record_input(s->replay, run_point(m), s->pending, n);
    memmove(s->pending, s->pending + n, s->pending_len - n);
    s->pending_len -= n;
}

/* Returns true when the user asked to quit. */
static bool handle_input_byte(struct session *s, uint8_t byte)
{
    if (s->escape_pending) {
        s->escape_pending = false;
        switch (byte) {
        case 'x':
        case 'X':
            return true;
        case 'c':
        case 'C':
            s->monitor_active = true;
            return false;
        case 'n':
        case 'N':
            next_console(s);
            return false;
        case '0': case '1': case '2': case '3': case '4':
        case '5': case '6': case '7': case '8': case '9':
            select_console(s, (unsigned)(byte - '0'));
            return false;
        case 'h':
        case 'H':
        case '?':
            print_escape_help(s);
            return false;
        case CTRL_A:
            break; /* send one Ctrl-A */
        default:
            return false;
        }
    } else if (byte == CTRL_A && host_terminal.is_tty) {
        s->escape_pending = true;
        return false;
    }
    if (s->pending_len < sizeof(s->pending))
        s->pending[s->pending_len++] = byte;
    return false;
}

/* Reads whatever stdin has (waiting up to timeout_ms); true on quit. */
static bool poll_terminal(struct session *s, int timeout_ms)
{
    struct pollfd pfd[3];
    nfds_t nfds = 0;
    bool want_stdin = !s->stdin_closed && s->pending_len < sizeof(s->pending);
    if (want_stdin)
        pfd[nfds++] = (struct pollfd){ .fd = STDIN_FILENO, .events = POLLIN };
    /* The monitor's socket (-monitor), if any, is served here too. */
    nfds += monitor_server_pollfds(&s->monitor_server, pfd + nfds, 2);
    if (nfds == 0 || poll(pfd, nfds, timeout_ms) <= 0) {
        deliver_pending_input(s);
        return false;
    }
    monitor_server_service(&s->monitor_server);
    if (s->monitor.quit)
        return true;
    if (!want_stdin || !pfd[0].revents) {
        deliver_pending_input(s);
        return false;
    }
    uint8_t buf[64];
    size_t room = sizeof(s->pending) - s->pending_len;
    ssize_t n = read(STDIN_FILENO, buf, room < sizeof(buf) ? room : sizeof(buf));
    if (n <= 0) {
        s->stdin_closed = true;
        return false;
    }
    for (ssize_t i = 0; i < n; i++)
        if (handle_input_byte(s, buf[i]))
            return true;
    deliver_pending_input(s);
    return false;
}

/* ---- the display window ---- */

/* Opens the SDL window on the board's CLCD and KMIs when [display] asks for it. */
static int open_display(struct session *s)
{
    struct machine *m = &s->machine;
    const char *backend = config_get(&s->cfg, "display", "backend");
    if (s->opt.headless || !backend || strcmp(backend, "sdl") != 0)
        return 0;
    struct device *clcd = machine_find_device(m, "clcd");
    struct device *kmi0 = machine_find_device(m, "kmi0");
    struct device *kmi1 = machine_find_device(m, "kmi1");
    if (!clcd || (strcmp(clcd->type, "pl110") != 0 && strcmp(clcd->type, "pl111") != 0)) {
        report_error("[display] backend = sdl: board %s has no CLCD", m->board_name);
        return -1;
    }
    struct ps2_keyboard *kbd = kmi0 && !strcmp(kmi0->type, "pl050")
                               ? pl050_keyboard((struct pl050 *)kmi0) : NULL;
    struct ps2_mouse *mouse = kmi1 && !strcmp(kmi1->type, "pl050")
                              ? pl050_mouse((struct pl050 *)kmi1) : NULL;
    s->display = sdl_display_create((struct pl110 *)clcd, kbd, mouse, "armhv-emu");
    if (!s->display)
        return -1;
    /* Someone is watching: keep guest time with the wall clock unless told not to. */
    if (!strcmp(config_get(&s->cfg, "machine", "realtime"), "auto"))
        s->realtime = true;
    return 0;
}

/* About 60 times a second of host time; returns true when the window was closed. */
static bool poll_display(struct session *s)
{
    if (!s->display)
        return false;
    uint64_t now = host_now_ns();
    if (now < s->next_display_ns)
        return false;
    s->next_display_ns = now + SDL_DISPLAY_POLL_MS * 1000000ull;
    return (sdl_display_poll(s->display) & SDL_DISPLAY_QUIT) != 0;
}

/*
 * The guest is idle until an event ns_to_next away. In realtime mode, wait
 * (watching the terminal) until host time catches up with guest time, so
 * an idle interactive guest costs no host CPU and its clock keeps pace with
 * the wall clock. A busy guest never waits here.
 */
static void idle_wait(void *opaque, uint64_t ns_to_next)
{
    struct session *s = opaque;
    struct machine *m = &s->machine;
    /* The recording may have delivered input here, inside an idle period. */
    if (replay_is_playing(s->replay))
        feed_replay(s);
    if (poll_display(s)) {
        s->quit_requested = true;
        m->stop_requested = true;
    }
    if (!s->realtime)
        return;
    if (s->gdb && gdbstub_poll(s->gdb, 0) == GDB_KILL) {
        s->quit_requested = true;
        m->stop_requested = true;
    }
    uint64_t guest = vclock_now_ns(&m->clock) - s->guest_start_ns + ns_to_next;
    uint64_t host = host_now_ns() - s->host_start_ns;
    if (guest <= host)
        return;
    uint64_t wait_ms = (guest - host) / 1000000;
    if (wait_ms > 100)
        wait_ms = 100;  /* come back often for the monitor and Ctrl-A */
    if (s->display && wait_ms > SDL_DISPLAY_POLL_MS)
        wait_ms = SDL_DISPLAY_POLL_MS;  /* and 60 times a second for the window */
    if (poll_terminal(s, (int)wait_ms)) {
        s->quit_requested = true;
        m->stop_requested = true;
    }
    if (s->monitor_active)
        m->stop_requested = true;
}

/* ---- the monitor on stdio ---- */

/*
 * readline's completion callbacks take no user pointer, so the monitor they
 * complete for lives here with the rest of the process-wide state (one
 * interactive console per process).
 */
static struct monitor *readline_monitor;

static char *readline_generator(const char *text, int state)
{
    static int index;   /* readline's generator protocol: state 0 restarts */
    if (state == 0)
        index = 0;
    return readline_monitor ? monitor_complete(readline_monitor, rl_line_buffer,
                                               rl_point - (int)strlen(text), text, index++)
                            : NULL;
}

static char **readline_completion(const char *text, int start, int end)
{
    (void)start;
    (void)end;
    rl_attempted_completion_over = 1;   /* no filename fallback */
    return rl_completion_matches(text, readline_generator);
}

/* Tab completion of commands, registers, devices, domains and symbols. */
static void init_readline(struct monitor *mon)
{
    readline_monitor = mon;
    rl_readline_name = "armhv-emu";
    rl_attempted_completion_function = readline_completion;
    rl_basic_word_break_characters = " \t\n[]()+-*&|=!<>~,:";
}

static char *monitor_read_line(bool tty)
{
    if (tty)
        return readline("(armhv) ");
    fputs("(armhv) ", stdout);
    fflush(stdout);
    char *line = NULL;
    size_t cap = 0;
    if (getline(&line, &cap, stdin) < 0) {
        free(line);
        return NULL;
    }
    return line;
}

/* Runs the interactive monitor until cont or quit; returns true on quit. */
static bool run_monitor_console(struct session *s)
{
    terminal_restore(&host_terminal);
    monitor_enter(&s->monitor);
    fputs("armhv-emu monitor: type help for commands, cont to resume\n", stdout);
    s->monitor.resume = false;
    while (!s->monitor.resume && !s->monitor.quit) {
        char *line = monitor_read_line(host_terminal.is_tty);
        if (!line) {
            s->monitor.quit = true;
            break;
        }
        if (host_terminal.is_tty && *line)
            add_history(line);
        monitor_execute(&s->monitor, line);
        free(line);
        fflush(stdout);
        if (s->machine.shutdown_requested)
            s->monitor.quit = true;
    }
    s->monitor_active = false;
    if (!s->monitor.quit)
        terminal_enter_raw(&host_terminal);
    return s->monitor.quit;
}

static int run_script(struct session *s, const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        report_error("%s: %s", path, strerror(errno));
        return -1;
    }
    char line[512];
    unsigned number = 0;
    int rc = 0;
    while (fgets(line, sizeof(line), f)) {
        number++;
        line[strcspn(line, "\r\n")] = '\0';
        if (!line[0] || line[0] == '#')
            continue;
        printf("(armhv) %s\n", line);
        if (monitor_execute(&s->monitor, line) < 0) {
            report_error_at(path, number, "monitor command failed: %s", line);
            rc = -1;
            break;
        }
        fflush(stdout);
        if (s->monitor.quit || s->monitor.resume)
            break;
    }
    fclose(f);
    return rc;
}

/* ---- the main loop ---- */

static int run(struct session *s)
{
    struct machine *m = &s->machine;
    uint64_t limit = s->opt.max_insns;

    terminal_enter_raw(&host_terminal);
    for (;;) {
        if (s->quit_requested)
            goto quit;
        if (s->monitor_active && run_monitor_console(s))
            return m->shutdown_requested ? m->shutdown_status : EXIT_OK;
        if (s->monitor.stopped) {
            /* A monitor socket client stopped the machine: serve it. */
            if (poll_terminal(s, 100))
                goto quit;
            continue;
        }

        uint64_t slice = RUN_SLICE;
        if (s->gdb) {
            enum gdb_action act = gdbstub_poll(s->gdb, 50);
            if (act == GDB_KILL)
                goto quit;
            if (act == GDB_HOLD) {
                if (poll_display(s) || poll_terminal(s, 0))
                    goto quit;
                continue;
            }
            if (act == GDB_STEP)
                slice = 1;
        }
        if (limit) {
            uint64_t done = machine_instructions(m);
            if (done >= limit) {
                terminal_restore(&host_terminal);
                report_error("instruction limit reached (%" PRIu64 " instructions, pc=0x%08x)",
                             done, machine_current_cpu(m)->r[15]);
                return EXIT_INSN_LIMIT;
            }
            if (limit - done < slice)
                slice = limit - done;
        }
        struct replay_point next;
        if (replay_next_point(s->replay, &next) && next.icount > machine_instructions(m) &&
            next.icount - machine_instructions(m) < slice)
            slice = next.icount - machine_instructions(m);   /* stop exactly at the next input */
        enum machine_stop_reason why = machine_run(m, slice);
        if (replay_is_playing(s->replay) && feed_replay(s) < 0) {
            terminal_restore(&host_terminal);
            return EXIT_ERROR;
        }
        if (s->gdb && gdbstub_report_stop(s->gdb, why))
            continue;
        switch (why) {
        case STOP_SHUTDOWN:
            terminal_restore(&host_terminal);
            return m->shutdown_status;
        case STOP_BREAKPOINT:
        case STOP_WATCHPOINT:
            if (monitor_server_connected(&s->monitor_server)) {
                /* The socket client gets the report and resumes with cont. */
                monitor_server_report_stop(&s->monitor_server, why);
                continue;
            }
            terminal_restore(&host_terminal);
            monitor_report_stop(&s->monitor, why);
            s->monitor_active = true;
            continue;
        case STOP_HALTED:
            /* Only input can wake the guest now (the window's too). */
            if ((s->stdin_closed || replay_is_playing(s->replay)) && !s->pending_len &&
                !s->display) {
                terminal_restore(&host_terminal);
                report_error("guest waits for an interrupt and nothing can raise one "
                             "(pc=0x%08x)", machine_current_cpu(m)->r[15]);
                return EXIT_GUEST_STUCK;
            }
            if (poll_display(s))
                goto quit;
            if (poll_terminal(s, s->display ? SDL_DISPLAY_POLL_MS : 100))
                goto quit;
            continue;
        default:
            break;
        }
        if (poll_display(s))
            goto quit;
        if (poll_terminal(s, 0))
            goto quit;
    }
quit:
    terminal_restore(&host_terminal);
    return EXIT_OK;
}

int main(int argc, char **argv)
{
    struct session *s = calloc(1, sizeof(*s));
    if (!s) {
        report_error("out of memory");
        return EXIT_ERROR;
    }
    int status = parse_options(argc, argv, &s->opt);
    if (status >= 0)
        goto out;

    status = EXIT_ERROR;
    terminal_init(&host_terminal, STDIN_FILENO);
    atexit(restore_terminal_at_exit);
    signal(SIGTERM, fatal_signal);
    signal(SIGINT, fatal_signal);
    signal(SIGHUP, fatal_signal);
    signal(SIGSEGV, fatal_signal);
    signal(SIGABRT, fatal_signal);

    config_init(&s->cfg);
    if (config_load(&s->cfg, s->opt.config_path) < 0)
        goto out;
    for (int i = 0; i < s->opt.override_count; i++)
        if (config_override(&s->cfg, s->opt.overrides[i]) < 0)
            goto out;

    struct machine_config mc;
    if (build_machine_config(s, &mc) < 0)
        goto out;
    int hv_wanted = hv_config_build(&s->hv_cfg, &s->cfg, &mc, &s->mux);
    if (hv_wanted < 0)
        goto out;
    for (unsigned i = 0; hv_wanted && i < MACHINE_MAX_SERIAL; i++)
        serial_sink_attach(&s->sink[i], &s->mux, NULL);
    if (s->opt.replay) {
        s->replay = replay_open_play(s->opt.replay, &mc);
        s->realtime = false;    /* the input is known: no need to wait for it */
    } else if (s->opt.record) {
        s->replay = replay_open_record(s->opt.record, &mc);
    }
    if ((s->opt.replay || s->opt.record) && !s->replay)
        goto out;
    if (machine_create(&s->machine, &mc) < 0)
        goto out;
    struct machine *m = &s->machine;

    if (s->opt.trace_classes) {
        const char *bad;
        if (trace_parse_classes(s->opt.trace_classes, &m->trace.enabled, &bad) < 0) {
            report_error("-d: unknown trace class '%.*s' (try int,mmio,irq,mmu,hv,"
                         "guest_errors,unimp,all)", (int)strcspn(bad, ","), bad);
            goto out_machine;
        }
        m->trace.limit = 10000;
    }
    if (s->opt.trace_file) {
        m->trace.out = fopen(s->opt.trace_file, "w");
        if (!m->trace.out) {
            report_error("-D %s: %s", s->opt.trace_file, strerror(errno));
            goto out_machine;
        }
    }
    if (hv_wanted) {
        /* The domains' kernels take the place of [boot]. */
        if (hv_config_check_devices(&s->hv_cfg, &s->cfg, m) < 0 ||
            hv_system_create(m, &s->hv_cfg.sys, &s->hv) < 0)
            goto out_machine;
    } else if (load_boot_images(s) < 0) {
        goto out_machine;
    }
    if (open_display(s) < 0)
        goto out_machine;

    monitor_init(&s->monitor, m, stdout);
    monitor_set_hv(&s->monitor, s->hv);
    init_readline(&s->monitor);
    char *kernel = config_get_path(&s->cfg, "boot", "kernel");
    monitor_load_kernel_symbols(&s->monitor, kernel);
    free(kernel);
    if (s->opt.monitor_spec) {
        char err[256];
        if (monitor_server_open(&s->monitor_server, &s->monitor, s->opt.monitor_spec, err,
                                sizeof(err)) < 0) {
            report_error("-monitor %s", err);
            goto out_machine;
        }
    }
    m->idle_wait = idle_wait;
    m->idle_opaque = s;
    if (s->opt.script) {
        /* In a script, cont/until/next run to the next stop and return. */
        s->monitor.batch = true;
        int script_rc = run_script(s, s->opt.script);
        s->monitor.batch = false;
        if (script_rc < 0)
            goto out_machine;
        if (s->monitor.quit) {
            status = m->shutdown_requested ? m->shutdown_status : EXIT_OK;
            goto out_machine;
        }
    }
    if (s->opt.gdb) {
        s->gdb = gdbstub_open(s->opt.gdb, m, &s->monitor, s->opt.start_stopped);
        if (!s->gdb)
            goto out_machine;
    }
    /* With -gdb, -S means: stopped until gdb continues the machine. */
    s->monitor_active = s->opt.start_stopped && !s->gdb && !s->monitor.resume;
    struct timespec started, finished;
    clock_gettime(CLOCK_MONOTONIC, &started);
    s->host_start_ns = host_now_ns();
    s->guest_start_ns = vclock_now_ns(&m->clock);
    status = run(s);
    clock_gettime(CLOCK_MONOTONIC, &finished);
    gdbstub_report_exit(s->gdb, status);
    if (replay_close(s->replay, run_point(m)) < 0 && status == EXIT_OK)
        status = EXIT_ERROR;
    s->replay = NULL;
    if (s->opt.stats) {
        double seconds = (double)(finished.tv_sec - started.tv_sec) +
                         (double)(finished.tv_nsec - started.tv_nsec) / 1e9;
        uint64_t insns = machine_instructions(m);
        fprintf(stderr, "armhv-emu: %" PRIu64 " instructions in %.3f s host time: %.1f MIPS; "
                "guest time %.3f s\n", insns, seconds,
                seconds > 0 ? (double)insns / seconds / 1e6 : 0.0,
                (double)vclock_now_ns(&m->clock) / 1e9);
    }

out_machine:
    gdbstub_close(s->gdb);
    monitor_server_close(&s->monitor_server);
    monitor_destroy(&s->monitor);
    sdl_display_destroy(s->display);
    if (s->hv)
        hv_system_destroy(s->hv);
    machine_destroy(&s->machine);
    if (s->machine.trace.out)
        fclose(s->machine.trace.out);
out:
    console_mux_end_line(&s->mux);
    replay_free(s->replay);     /* only when the run never started */
    for (unsigned i = 0; i < MACHINE_MAX_SERIAL; i++)
        serial_sink_close(&s->sink[i]);
    hv_config_free(&s->hv_cfg);
    for (unsigned i = 0; i < MACHINE_MAX_DISKS; i++)
        free(s->disk_path[i]);
    config_free(&s->cfg);
    free(s->opt.overrides);
    free(s);
    return status;
}
