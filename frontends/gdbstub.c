/*
 * GDB Remote Serial Protocol stub (GDB manual, appendix E "GDB Remote Serial
 * Protocol").
 *
 * One client at a time on a TCP socket bound to 127.0.0.1 only: the
 * protocol has no authentication, and anyone who can connect can read and
 * write guest memory. Packets are `$data#cs`; the stub acknowledges with `+`
 * until gdb turns acknowledgements off (QStartNoAckMode). 0x03 outside a
 * packet is gdb's Ctrl-C.
 *
 * What gdb sees:
 * - registers r0-r15 and cpsr, described by a target.xml with the standard
 *   org.gnu.gdb.arm.core feature (cpsr is remote register 25, as in gdb's
 *   own arm-core.xml), so gdb-multiarch picks the ARM architecture without
 *   an ELF file;
 * - memory at virtual addresses, through the selected CPU's MMU
 *   (cpu_debug_read/cpu_debug_write: no fault status written, no device
 *   side effects);
 * - software and hardware breakpoints (Z0/Z1) and write/read/access
 *   watchpoints (Z2/Z3/Z4), all entries of the monitor's breakpoint table
 *   (monitor/breakpoints.h), so `info break` in the monitor lists them too.
 *   Breakpoints compare the PC (a virtual address) at instruction
 *   boundaries, so guest memory is never patched; a watchpoint stops after
 *   the instruction that made the access;
 * - every CPU of the board as a thread (thread id = CPU index + 1); under
 *   the hypervisor every vCPU of every domain instead, thread id
 *   domid * 256 + vCPU + 1 (so dom0 vcpu0 is 1 and dom1 vcpu0 is 0x101),
 *   named "dom1 vcpu0 (guest1)" by qThreadExtraInfo. Hg picks the vCPU
 *   whose registers and memory (through its own MMU, in its domain's
 *   guest-physical space) gdb reads; a stop reports the vCPU that was
 *   running. Breakpoints apply to every domain. A single step (s, or
 *   vCont;s:TID) runs the machine until the stepped vCPU has executed one
 *   instruction, the other vCPUs running in between as scheduled.
 */
#include "frontends/gdbstub.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/report.h"
#include "cpu/mem.h"
#include "hv/domain.h"
#include "hv/system.h"

/* Largest packet payload either side sends (advertised as PacketSize). */
#define GDB_PACKET_SIZE 0x4000
#define GDB_MAX_BREAKPOINTS MON_MAX_BREAKPOINTS
#define GDB_REG_CPSR 25          /* remote number of cpsr in arm-core.xml */
#define GDB_SIGINT 2
#define GDB_SIGTRAP 5
/* Thread ids under the hypervisor: domid * GDB_DOMAIN_THREADS + vCPU + 1. */
#define GDB_DOMAIN_THREADS 256u
/* A step whose vCPU does not run gives up after this many instructions
 * of the others (the stop is then reported on whatever ran). */
#define GDB_STEP_PATIENCE 50000000u

enum gdb_state {
    GDB_STATE_RUNNING,  /* the machine runs (gdb's continue, or no gdb) */
    GDB_STATE_STEPPING, /* one instruction, then a stop reply */
    GDB_STATE_HELD,     /* stopped, gdb in charge */
};

/* A Z packet's point and the monitor breakpoint that implements it. */
struct gdb_breakpoint {
    unsigned type;      /* Z type: 0 software, 1 hardware, 2 write, 3 read, 4 access */
    uint32_t addr;
    uint32_t len;       /* Z's kind: bytes watched (breakpoints: insn size) */
    unsigned id;        /* mon_bp id */
};

struct gdbstub {
    struct machine *machine;
    struct monitor *monitor;
    int listen_fd;
    int fd;             /* connected client, or -1 */
    uint16_t port;
    enum gdb_state state;
    bool no_ack;
    bool killed;
    int thread;             /* for g/G/p/P/m/M (Hg); 0: the CPU that runs or ran last */
    /* A step under the hypervisor: the stepped vCPU's thread and count. */
    int step_thread;
    uint64_t step_icount;
    uint64_t step_waited;

    struct gdb_breakpoint bp[GDB_MAX_BREAKPOINTS];
    unsigned bp_count;

    /* Packet being received. */
    enum { RX_IDLE, RX_DATA, RX_CSUM1, RX_CSUM2 } rx_state;
    char rx[GDB_PACKET_SIZE + 1];
    size_t rx_len;
    uint8_t rx_sum;
    uint8_t rx_csum;
    bool rx_overflow;

    /* Last packet sent, for a retransmission request ('-'). */
    char *tx_last;
    size_t tx_last_len;
};

static const char hex_digits[] = "0123456789abcdef";

/* The target description gdb asks for with qXfer:features:read. */
static const char target_xml[] =
    "<?xml version=\"1.0\"?>\n"
    "<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n"
    "<target version=\"1.0\">\n"
    "  <architecture>arm</architecture>\n"
    "  <feature name=\"org.gnu.gdb.arm.core\">\n"
    "    <reg name=\"r0\" bitsize=\"32\" type=\"uint32\"/>\n"
    "    <reg name=\"r1\" bitsize=\"32\" type=\"uint32\"/>\n"
    "    <reg name=\"r2\" bitsize=\"32\" type=\"uint32\"/>\n"
    "    <reg name=\"r3\" bitsize=\"32\" type=\"uint32\"/>\n"
    "    <reg name=\"r4\" bitsize=\"32\" type=\"uint32\"/>\n"
    "    <reg name=\"r5\" bitsize=\"32\" type=\"uint32\"/>\n"
    "    <reg name=\"r6\" bitsize=\"32\" type=\"uint32\"/>\n"
    "    <reg name=\"r7\" bitsize=\"32\" type=\"uint32\"/>\n"
    "    <reg name=\"r8\" bitsize=\"32\" type=\"uint32\"/>\n"
    "    <reg name=\"r9\" bitsize=\"32\" type=\"uint32\"/>\n"
    "    <reg name=\"r10\" bitsize=\"32\" type=\"uint32\"/>\n"
    "    <reg name=\"r11\" bitsize=\"32\" type=\"uint32\"/>\n"
    "    <reg name=\"r12\" bitsize=\"32\" type=\"uint32\"/>\n"
    "    <reg name=\"sp\" bitsize=\"32\" type=\"data_ptr\"/>\n"
    "    <reg name=\"lr\" bitsize=\"32\"/>\n"
    "    <reg name=\"pc\" bitsize=\"32\" type=\"code_ptr\"/>\n"
    "    <reg name=\"cpsr\" bitsize=\"32\" regnum=\"25\"/>\n"
    "  </feature>\n"
    "</target>\n";

/* ---- addresses and the listening socket ---- */

int gdbstub_parse_address(const char *spec, uint16_t *port)
{
    if (strncmp(spec, "tcp:", 4) != 0) {
        report_error("-gdb %s: expected tcp:127.0.0.1:PORT or tcp::PORT", spec);
        return -1;
    }
    const char *host = spec + 4;
    const char *colon = strrchr(host, ':');
    if (!colon) {
        report_error("-gdb %s: no port (expected tcp:127.0.0.1:PORT)", spec);
        return -1;
    }
    size_t host_len = (size_t)(colon - host);
    if (host_len != 0 && !(host_len == 9 && !strncmp(host, "127.0.0.1", 9)) &&
        !(host_len == 9 && !strncmp(host, "localhost", 9))) {
        report_error("-gdb %s: refusing to listen on '%.*s': the gdb protocol has no "
                     "authentication, so the stub listens on 127.0.0.1 only", spec,
                     (int)host_len, host);
        return -1;
    }
    char *end;
    errno = 0;
    unsigned long value = strtoul(colon + 1, &end, 10);
    if (colon[1] == '\0' || *end || errno || value > 65535) {
        report_error("-gdb %s: '%s' is not a port number (0-65535)", spec, colon + 1);
        return -1;
    }
    *port = (uint16_t)value;
    return 0;
}

struct gdbstub *gdbstub_open(const char *spec, struct machine *m, struct monitor *mon,
                             bool hold)
{
    uint16_t port;
    if (gdbstub_parse_address(spec, &port) < 0)
        return NULL;
    struct gdbstub *g = calloc(1, sizeof(*g));
    if (!g) {
        report_error("out of memory");
        return NULL;
    }
    g->machine = m;
    g->monitor = mon;
    g->fd = -1;
    g->state = hold ? GDB_STATE_HELD : GDB_STATE_RUNNING;
    g->listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (g->listen_fd < 0) {
        report_error("-gdb: socket: %s", strerror(errno));
        free(g);
        return NULL;
    }
    int one = 1;
    setsockopt(g->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    struct sockaddr_in addr = {
        .sin_family = AF_INET,
        .sin_port = htons(port),
        .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
    };
    socklen_t len = sizeof(addr);
    if (bind(g->listen_fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
        listen(g->listen_fd, 1) < 0 ||
        getsockname(g->listen_fd, (struct sockaddr *)&addr, &len) < 0) {
        report_error("-gdb %s: cannot listen on 127.0.0.1:%u: %s", spec, port,
                     strerror(errno));
        close(g->listen_fd);
        free(g);
        return NULL;
    }
    g->port = ntohs(addr.sin_port);
    /* Port 0 picks a free port; this line tells the user (or a test) which. */
    fprintf(stderr, "armhv-emu: gdb stub listening on 127.0.0.1:%u%s\n", g->port,
            hold ? " (machine stopped until gdb continues it)" : "");
    return g;
}

/* Takes the stub's breakpoints out of the monitor's table. */
static void gdb_remove_all_breakpoints(struct gdbstub *g);

static void gdb_drop_client(struct gdbstub *g)
{
    if (g->fd >= 0)
        close(g->fd);
    g->fd = -1;
    g->no_ack = false;
    g->rx_state = RX_IDLE;
    g->rx_len = 0;
    free(g->tx_last);
    g->tx_last = NULL;
    gdb_remove_all_breakpoints(g);
    /* Like detaching, a vanished debugger lets the machine run on. */
    g->state = GDB_STATE_RUNNING;
}

void gdbstub_close(struct gdbstub *g)
{
    if (!g)
        return;
    gdb_drop_client(g);
    close(g->listen_fd);
    free(g);
}

/* ---- sending ---- */

/* Gives up on a debugger that has not read its socket for this long. */
#define GDB_SEND_TIMEOUT_MS 10000

static void gdb_write_raw(struct gdbstub *g, const char *buf, size_t len)
{
    while (g->fd >= 0 && len) {
        ssize_t n = send(g->fd, buf, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            struct pollfd pfd = { .fd = g->fd, .events = POLLOUT };
            if (poll(&pfd, 1, GDB_SEND_TIMEOUT_MS) > 0)
                continue;
            fprintf(stderr, "armhv-emu: gdb does not read its connection; dropped\n");
            n = -1;
        }
        if (n <= 0) {
            gdb_drop_client(g);
            return;
        }
        buf += n;
        len -= (size_t)n;
    }
}

static void gdb_send_packet(struct gdbstub *g, const char *data, size_t len)
{
    char *pkt = malloc(len + 4);
    if (!pkt)
        return;
    uint8_t sum = 0;
    pkt[0] = '$';
    for (size_t i = 0; i < len; i++) {
        pkt[1 + i] = data[i];
        sum = (uint8_t)(sum + (uint8_t)data[i]);
    }
    pkt[len + 1] = '#';
    pkt[len + 2] = hex_digits[sum >> 4];
    pkt[len + 3] = hex_digits[sum & 15];
    gdb_write_raw(g, pkt, len + 4);
    free(g->tx_last);
    g->tx_last = pkt;
    g->tx_last_len = len + 4;
}

static void gdb_send(struct gdbstub *g, const char *text)
{
    gdb_send_packet(g, text, strlen(text));
}

/* ---- hex helpers ---- */

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Parses a hex number; *p is left after it. Returns -1 if there is none. */
static int parse_hex(const char **p, uint64_t *value)
{
    const char *s = *p;
    uint64_t v = 0;
    int digits = 0;
    for (int d; (d = hex_value(*s)) >= 0; s++, digits++) {
        if (digits >= 16)
            return -1;
        v = v << 4 | (uint64_t)d;
    }
    if (!digits)
        return -1;
    *value = v;
    *p = s;
    return 0;
}

static void hex_encode(char *out, const uint8_t *buf, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        out[2 * i] = hex_digits[buf[i] >> 4];
        out[2 * i + 1] = hex_digits[buf[i] & 15];
    }
    out[2 * len] = '\0';
}

static int hex_decode(uint8_t *out, const char *hex, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        int hi = hex_value(hex[2 * i]), lo = hi < 0 ? -1 : hex_value(hex[2 * i + 1]);
        if (lo < 0)
            return -1;
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return 0;
}

/* A 32-bit register value in target (little-endian) byte order. */
static void reg_encode(char *out, uint32_t value)
{
    uint8_t bytes[4] = { (uint8_t)value, (uint8_t)(value >> 8), (uint8_t)(value >> 16),
                         (uint8_t)(value >> 24) };
    hex_encode(out, bytes, 4);
}

static int reg_decode(const char *hex, uint32_t *value)
{
    uint8_t bytes[4];
    if (hex_decode(bytes, hex, 4) < 0)
        return -1;
    *value = (uint32_t)bytes[0] | (uint32_t)bytes[1] << 8 | (uint32_t)bytes[2] << 16 |
             (uint32_t)bytes[3] << 24;
    return 0;
}

/* ---- CPUs as threads ---- */

static struct hv *gdb_hv(struct gdbstub *g)
{
    return g->monitor && g->monitor->hv ? hv_system_hv(g->monitor->hv) : NULL;
}

/* The live domain a vCPU belongs to, or NULL. */
static struct domain *vcpu_domain(struct hv *hv, const struct arm_cpu *cpu, unsigned *vcpu)
{
    for (unsigned i = 0; i < HV_MAX_DOMAINS; i++) {
        struct domain *d = hv->domains[i];
        int v = d && d->state != HV_DOMAIN_DYING ? hv_domain_vcpu_index(d, cpu) : -1;
        if (v >= 0) {
            *vcpu = (unsigned)v;
            return d;
        }
    }
    return NULL;
}

/* The CPU of a thread id, or NULL when there is no such thread (now). */
static struct arm_cpu *thread_cpu(struct gdbstub *g, int tid)
{
    if (tid <= 0)
        return NULL;
    struct hv *hv = gdb_hv(g);
    if (!hv)
        return (unsigned)tid <= g->machine->cpu_count ? &g->machine->cpu[tid - 1] : NULL;
    unsigned domid = (unsigned)(tid - 1) / GDB_DOMAIN_THREADS;
    struct domain *d = domid < XEN_DOMID_FIRST_RESERVED ? hv_domain_by_id(hv, (uint16_t)domid)
                                                       : NULL;
    return d ? hv_domain_vcpu(d, (unsigned)(tid - 1) % GDB_DOMAIN_THREADS) : NULL;
}

/* The thread id of a CPU (1 for a CPU that is no vCPU: the board's). */
static int cpu_thread(struct gdbstub *g, const struct arm_cpu *cpu)
{
    struct hv *hv = gdb_hv(g);
    unsigned v;
    struct domain *d = hv ? vcpu_domain(hv, cpu, &v) : NULL;
    if (d)
        return (int)(d->domid * GDB_DOMAIN_THREADS + v + 1);
    return (int)cpu->index + 1;
}

/* The CPU that runs or ran last; under the hypervisor a vCPU (Dom0's
 * vCPU 0 before any ran: the board's own CPU never runs then). */
static struct arm_cpu *default_cpu(struct gdbstub *g)
{
    struct arm_cpu *cur = machine_current_cpu(g->machine);
    struct hv *hv = gdb_hv(g);
    unsigned v;
    if (!hv || vcpu_domain(hv, cur, &v))
        return cur;
    for (unsigned i = 0; i < HV_MAX_DOMAINS; i++) {
        struct domain *d = hv->domains[i];
        if (d && d->state != HV_DOMAIN_DYING && hv_domain_vcpu(d, 0))
            return hv_domain_vcpu(d, 0);
    }
    return cur;
}

static struct arm_cpu *gdb_cpu(struct gdbstub *g)
{
    struct arm_cpu *cpu = thread_cpu(g, g->thread);
    return cpu ? cpu : default_cpu(g);
}

/* Thread ids: 0 means "any", -1 "all" (*tid = -1); else a thread that exists. */
static int parse_thread(struct gdbstub *g, const char *p, int *tid)
{
    if (!strcmp(p, "-1") || !strcmp(p, "0")) {
        *tid = -1;
        return 0;
    }
    uint64_t value;
    if (parse_hex(&p, &value) < 0 || *p || value == 0 || value > INT32_MAX ||
        !thread_cpu(g, (int)value))
        return -1;
    *tid = (int)value;
    return 0;
}

/* "T05thread:1;0f:PC;19:CPSR;" plus reason, e.g. "watch:ADDR;". */
static void gdb_send_stop_reply(struct gdbstub *g, int signal, const char *reason)
{
    struct arm_cpu *cpu = gdb_cpu(g);
    char pc[9], cpsr[9], reply[128];
    reg_encode(pc, cpu->r[15]);
    reg_encode(cpsr, cpu_get_cpsr(cpu));
    snprintf(reply, sizeof(reply), "T%02xthread:%x;0f:%s;%02x:%s;%s", signal,
             cpu_thread(g, cpu), pc, GDB_REG_CPSR, cpsr, reason ? reason : "");
    gdb_send(g, reply);
}

/* ---- registers ---- */

static bool gdb_read_register(struct arm_cpu *cpu, unsigned n, uint32_t *value)
{
    if (n < 16)
        *value = cpu->r[n];
    else if (n == GDB_REG_CPSR)
        *value = cpu_get_cpsr(cpu);
    else
        return false;
    return true;
}

static bool gdb_write_register(struct arm_cpu *cpu, unsigned n, uint32_t value)
{
    if (n < 15) {
        cpu->r[n] = value;
    } else if (n == 15) {
        /* The next instruction's address; keep it aligned for the state. */
        cpu->r[15] = value & (cpu->thumb ? ~1u : ~3u);
    } else if (n == GDB_REG_CPSR) {
        cpu_set_cpsr(cpu, value, 0xffffffffu);
    } else {
        return false;
    }
    cpu->exit_request = 1;
    return true;
}

static void handle_read_registers(struct gdbstub *g)
{
    struct arm_cpu *cpu = gdb_cpu(g);
    char reply[17 * 8 + 1];
    for (unsigned i = 0; i < 16; i++)
        reg_encode(reply + 8 * i, cpu->r[i]);
    reg_encode(reply + 8 * 16, cpu_get_cpsr(cpu));
    gdb_send(g, reply);
}

static void handle_write_registers(struct gdbstub *g, const char *hex)
{
    struct arm_cpu *cpu = gdb_cpu(g);
    size_t len = strlen(hex);
    if (len % 8) {
        gdb_send(g, "E01");
        return;
    }
    for (unsigned i = 0; i < 17 && 8 * (size_t)i < len; i++) {
        uint32_t value;
        if (reg_decode(hex + 8 * i, &value) < 0) {
            gdb_send(g, "E01");
            return;
        }
        gdb_write_register(cpu, i < 16 ? i : GDB_REG_CPSR, value);
    }
    gdb_send(g, "OK");
}

static void handle_read_register(struct gdbstub *g, const char *p)
{
    uint64_t n;
    uint32_t value;
    if (parse_hex(&p, &n) < 0 || *p || !gdb_read_register(gdb_cpu(g), (unsigned)n, &value)) {
        gdb_send(g, "E01");
        return;
    }
    char reply[9];
    reg_encode(reply, value);
    gdb_send(g, reply);
}

static void handle_write_register(struct gdbstub *g, const char *p)
{
    uint64_t n;
    uint32_t value;
    if (parse_hex(&p, &n) < 0 || *p != '=' || strlen(p + 1) != 8 ||
        reg_decode(p + 1, &value) < 0 || n > 64 ||
        !gdb_write_register(gdb_cpu(g), (unsigned)n, value)) {
        gdb_send(g, "E01");
        return;
    }
    gdb_send(g, "OK");
}

/* ---- memory ---- */

static void handle_read_memory(struct gdbstub *g, const char *p)
{
    uint64_t addr, len;
    if (parse_hex(&p, &addr) < 0 || *p++ != ',' || parse_hex(&p, &len) < 0 || *p ||
        addr > UINT32_MAX) {
        gdb_send(g, "E01");
        return;
    }
    if (len > GDB_PACKET_SIZE / 2)
        len = GDB_PACKET_SIZE / 2;
    if (addr + len > (uint64_t)UINT32_MAX + 1)
        len = (uint64_t)UINT32_MAX + 1 - addr;
    uint8_t buf[GDB_PACKET_SIZE / 2];
    char reply[GDB_PACKET_SIZE + 1];
    /* A range that runs into an unmapped page returns what could be read. */
    size_t done = 0;
    while (done < len) {
        size_t chunk = 1024 - ((addr + done) & 1023);
        if (chunk > len - done)
            chunk = len - done;
        if (cpu_debug_read(gdb_cpu(g), (uint32_t)(addr + done), buf + done,
                           (unsigned)chunk) < 0)
            break;
        done += chunk;
    }
    if (done == 0 && len > 0) {
        gdb_send(g, "E14");   /* EFAULT */
        return;
    }
    hex_encode(reply, buf, done);
    gdb_send(g, reply);
}

static void handle_write_memory(struct gdbstub *g, const char *p)
{
    uint64_t addr, len;
    if (parse_hex(&p, &addr) < 0 || *p++ != ',' || parse_hex(&p, &len) < 0 || *p++ != ':' ||
        len > GDB_PACKET_SIZE / 2 || strlen(p) != 2 * len ||
        addr + len > (uint64_t)UINT32_MAX + 1) {
        gdb_send(g, "E01");
        return;
    }
    uint8_t buf[GDB_PACKET_SIZE / 2];
    if (hex_decode(buf, p, (size_t)len) < 0) {
        gdb_send(g, "E01");
        return;
    }
    if (len && cpu_debug_write(gdb_cpu(g), (uint32_t)addr, buf, (unsigned)len) < 0) {
        gdb_send(g, "E14");
        return;
    }
    gdb_send(g, "OK");
}

/* ---- breakpoints and watchpoints ---- */

static void gdb_remove_all_breakpoints(struct gdbstub *g)
{
    for (unsigned i = 0; i < g->bp_count; i++)
        mon_bp_delete(g->monitor, g->bp[i].id);
    g->bp_count = 0;
}

/* Watch access bits of Z types 2 (write), 3 (read) and 4 (access). */
static unsigned watch_access(unsigned type)
{
    return type == 2 ? MMU_WATCH_WRITE : type == 3 ? MMU_WATCH_READ
                                                   : MMU_WATCH_READ | MMU_WATCH_WRITE;
}

/* Adds a monitor breakpoint; its messages go to stderr, not gdb's stream. */
static int gdb_add_point(struct gdbstub *g, const struct gdb_breakpoint *point)
{
    struct mon_bp bp = { .kind = point->type <= 1 ? MON_BP_BREAK : MON_BP_WATCH,
                         .addr = point->addr };
    if (bp.kind == MON_BP_WATCH) {
        bp.len = point->len;
        bp.access = watch_access(point->type);
    }
    struct monitor *mon = g->monitor;
    FILE *saved = mon->out;
    mon->out = stderr;
    int slot = mon_bp_add(mon, &bp);
    mon->out = saved;
    return slot < 0 ? -1 : (int)mon->bp.bp[slot].id;
}

/* Z/z TYPE,ADDR,KIND. */
static void handle_breakpoint(struct gdbstub *g, const char *p, bool insert)
{
    uint64_t type, addr, kind;
    if (parse_hex(&p, &type) < 0 || *p++ != ',' || parse_hex(&p, &addr) < 0 ||
        *p++ != ',' || parse_hex(&p, &kind) < 0 || addr > UINT32_MAX) {
        gdb_send(g, "E01");
        return;
    }
    if (type > 4) {
        gdb_send(g, "");    /* unknown type: unsupported */
        return;
    }
    if (type >= 2 && (kind == 0 || kind > 0x10000 || addr + kind > (uint64_t)UINT32_MAX + 1)) {
        gdb_send(g, "E16");     /* EINVAL */
        return;
    }
    struct gdb_breakpoint point = { (unsigned)type, (uint32_t)addr,
                                    type >= 2 ? (uint32_t)kind : 0, 0 };
    unsigned found = g->bp_count;
    for (unsigned i = 0; i < g->bp_count; i++)
        if (g->bp[i].type == point.type && g->bp[i].addr == point.addr &&
            g->bp[i].len == point.len)
            found = i;
    if (insert) {
        if (found < g->bp_count) {      /* inserting twice is not an error */
            gdb_send(g, "OK");
            return;
        }
        int id = g->bp_count < GDB_MAX_BREAKPOINTS ? gdb_add_point(g, &point) : -1;
        if (id < 0) {
            gdb_send(g, "E28");     /* ENOSPC */
            return;
        }
        point.id = (unsigned)id;
        g->bp[g->bp_count++] = point;
    } else if (found < g->bp_count) {
        mon_bp_delete(g->monitor, g->bp[found].id);
        g->bp[found] = g->bp[--g->bp_count];
    }
    gdb_send(g, "OK");
}

/* ---- queries ---- */

/* Sends part of an object for qXfer: 'm' more follows, 'l' last part. */
static void gdb_send_xfer(struct gdbstub *g, const char *data, size_t size, uint64_t offset,
                          uint64_t length)
{
    if (offset >= size) {
        gdb_send(g, "l");
        return;
    }
    size_t n = size - (size_t)offset;
    if (n > length)
        n = (size_t)length;
    if (n > GDB_PACKET_SIZE / 2 - 1)
        n = GDB_PACKET_SIZE / 2 - 1;
    char reply[GDB_PACKET_SIZE + 1];
    size_t len = 0;
    reply[len++] = offset + n < size ? 'm' : 'l';
    for (size_t i = 0; i < n; i++) {
        char c = data[offset + i];
        /* Binary data: escape the protocol's special characters with '}'. */
        if (c == '#' || c == '$' || c == '}' || c == '*') {
            reply[len++] = '}';
            c ^= 0x20;
        }
        reply[len++] = c;
    }
    gdb_send_packet(g, reply, len);
}

static void handle_xfer(struct gdbstub *g, const char *p)
{
    static const char prefix[] = "features:read:";
    if (strncmp(p, prefix, sizeof(prefix) - 1) != 0) {
        gdb_send(g, "");
        return;
    }
    p += sizeof(prefix) - 1;
    const char *colon = strchr(p, ':');
    uint64_t offset, length;
    if (!colon) {
        gdb_send(g, "E00");
        return;
    }
    if ((size_t)(colon - p) != strlen("target.xml") || strncmp(p, "target.xml", 10) != 0) {
        gdb_send(g, "E00");     /* no such annex */
        return;
    }
    p = colon + 1;
    if (parse_hex(&p, &offset) < 0 || *p++ != ',' || parse_hex(&p, &length) < 0) {
        gdb_send(g, "E00");
        return;
    }
    gdb_send_xfer(g, target_xml, sizeof(target_xml) - 1, offset, length);
}

static void handle_thread_extra_info(struct gdbstub *g, const char *p)
{
    int tid;
    if (parse_thread(g, p, &tid) < 0 || tid < 0) {
        gdb_send(g, "E01");
        return;
    }
    const struct arm_cpu *cpu = thread_cpu(g, tid);
    char text[128], reply[2 * sizeof(text) + 1];
    struct hv *hv = gdb_hv(g);
    unsigned v;
    const struct domain *d = hv ? vcpu_domain(hv, cpu, &v) : NULL;
    if (d)
        snprintf(text, sizeof(text), "dom%u vcpu%u (%s), %s mode%s", d->domid, v, d->name,
                 cpu_mode_name(cpu_mode(cpu)), cpu->halted ? ", waiting for interrupt" : "");
    else
        snprintf(text, sizeof(text), "cpu%u %s, %s mode%s", cpu->index, cpu->model->name,
                 cpu_mode_name(cpu_mode(cpu)), cpu->halted ? ", waiting for interrupt" : "");
    hex_encode(reply, (const uint8_t *)text, strlen(text));
    gdb_send(g, reply);
}

/* Output of a monitor command, as 'O' console-output packets. */
static void gdb_send_console_output(struct gdbstub *g, const char *text, size_t len)
{
    const size_t chunk_max = (GDB_PACKET_SIZE - 2) / 2;
    char reply[GDB_PACKET_SIZE + 1];
    for (size_t done = 0; done < len;) {
        size_t chunk = len - done < chunk_max ? len - done : chunk_max;
        reply[0] = 'O';
        hex_encode(reply + 1, (const uint8_t *)text + done, chunk);
        gdb_send(g, reply);
        done += chunk;
    }
}

/*
 * qRcmd (gdb's `monitor CMD`): runs the command in the monitor with its
 * output captured, then sends the output to gdb's console.
 */
static void handle_monitor_command(struct gdbstub *g, const char *hex)
{
    size_t len = strlen(hex) / 2;
    char *line = malloc(len + 1);
    if (!line || strlen(hex) % 2 || hex_decode((uint8_t *)line, hex, len) < 0) {
        free(line);
        gdb_send(g, "E01");
        return;
    }
    line[len] = '\0';
    struct monitor *mon = g->monitor;
    char *text = NULL;
    size_t text_len = 0;
    FILE *capture = open_memstream(&text, &text_len);
    if (!capture) {
        free(line);
        gdb_send(g, "E0c");
        return;
    }
    FILE *saved = mon->out;
    mon->out = capture;
    bool was_resume = mon->resume;
    int rc = monitor_execute(mon, line);
    mon->out = saved;
    fclose(capture);
    /* `cont` in the monitor means nothing here: gdb decides when to run. */
    mon->resume = was_resume;
    gdb_send_console_output(g, text, text_len);
    free(text);
    free(line);
    if (mon->quit)
        g->killed = true;
    gdb_send(g, rc < 0 ? "E01" : "OK");
}

static void handle_query(struct gdbstub *g, const char *p)
{
    struct machine *m = g->machine;
    if (!strncmp(p, "qSupported", 10)) {
        char reply[128];
        snprintf(reply, sizeof(reply), "PacketSize=%x;qXfer:features:read+;"
                 "QStartNoAckMode+;vContSupported+", GDB_PACKET_SIZE);
        gdb_send(g, reply);
    } else if (!strncmp(p, "qXfer:", 6)) {
        handle_xfer(g, p + 6);
    } else if (!strcmp(p, "qC")) {
        char reply[16];
        snprintf(reply, sizeof(reply), "QC%x", cpu_thread(g, gdb_cpu(g)));
        gdb_send(g, reply);
    } else if (!strcmp(p, "qfThreadInfo")) {
        /* Every thread in one reply; qsThreadInfo then ends the list. */
        char reply[8 + 9 * (HV_MAX_DOMAINS * HV_MAX_VCPUS + MACHINE_MAX_CPUS)];
        size_t len = 0;
        reply[len++] = 'm';
        struct hv *hv = gdb_hv(g);
        for (unsigned i = 0; !hv && i < m->cpu_count; i++)
            len += (size_t)snprintf(reply + len, sizeof(reply) - len, "%s%x",
                                    i ? "," : "", i + 1);
        /* Live domains in id order (the table's slots are not). */
        const struct domain *doms[HV_MAX_DOMAINS];
        unsigned n = 0;
        for (unsigned i = 0; hv && i < HV_MAX_DOMAINS; i++) {
            const struct domain *d = hv->domains[i];
            if (!d || d->state == HV_DOMAIN_DYING)
                continue;
            unsigned at = n++;
            for (; at > 0 && doms[at - 1]->domid > d->domid; at--)
                doms[at] = doms[at - 1];
            doms[at] = d;
        }
        for (unsigned i = 0; i < n; i++)
            for (unsigned v = 0; v < HV_MAX_VCPUS; v++)
                if (doms[i]->vcpu[v].cpu)
                    len += (size_t)snprintf(reply + len, sizeof(reply) - len, "%s%x",
                                            len > 1 ? "," : "",
                                            doms[i]->domid * GDB_DOMAIN_THREADS + v + 1);
        gdb_send(g, reply);
    } else if (!strcmp(p, "qsThreadInfo")) {
        gdb_send(g, "l");
    } else if (!strncmp(p, "qThreadExtraInfo,", 17)) {
        handle_thread_extra_info(g, p + 17);
    } else if (!strcmp(p, "qAttached") || !strncmp(p, "qAttached:", 10)) {
        gdb_send(g, "1");   /* attached to a running machine: quit detaches */
    } else if (!strncmp(p, "qRcmd,", 6)) {
        handle_monitor_command(g, p + 6);
    } else if (!strncmp(p, "qSymbol:", 8)) {
        gdb_send(g, "OK");
    } else if (!strcmp(p, "QStartNoAckMode")) {
        gdb_send(g, "OK");
        g->no_ack = true;
    } else {
        gdb_send(g, "");
    }
}

/* ---- execution control ---- */

static void gdb_resume(struct gdbstub *g, bool step)
{
    g->state = step ? GDB_STATE_STEPPING : GDB_STATE_RUNNING;
    if (step) {
        struct arm_cpu *cpu = gdb_cpu(g);
        g->step_thread = cpu_thread(g, cpu);
        g->step_icount = cpu->icount;
        g->step_waited = 0;
    }
    /* A stop the monitor asked for earlier must not end this run at once. */
    g->machine->stop_requested = false;
}

/* c[ADDR] / s[ADDR] / C SIG[;ADDR] / S SIG[;ADDR]: resume, optionally at ADDR. */
static void handle_resume(struct gdbstub *g, const char *p, bool step, bool with_signal)
{
    uint64_t value;
    if (with_signal) {
        /* The signal number means nothing to a machine: skip it. */
        if (parse_hex(&p, &value) < 0) {
            gdb_send(g, "E01");
            return;
        }
        if (*p == ';')
            p++;
    }
    if (*p) {
        if (parse_hex(&p, &value) < 0 || *p || value > UINT32_MAX) {
            gdb_send(g, "E01");
            return;
        }
        gdb_write_register(gdb_cpu(g), 15, (uint32_t)value);
    }
    gdb_resume(g, step);
}

/*
 * vCont;ACTION[:TID];...: all CPUs run together on this machine, so any
 * step action makes it a one-instruction step and otherwise it continues.
 */
static void handle_vcont(struct gdbstub *g, const char *p)
{
    if (!strcmp(p, "?")) {
        gdb_send(g, "vCont;c;C;s;S");
        return;
    }
    if (*p != ';') {
        gdb_send(g, "E01");
        return;
    }
    bool step = false, any = false;
    while (*p == ';') {
        p++;
        char action = *p;
        if (action != 'c' && action != 'C' && action != 's' && action != 'S') {
            gdb_send(g, "");    /* unsupported action: gdb falls back to c/s */
            return;
        }
        if (action == 's' || action == 'S') {
            step = true;
            const char *tid = strchr(p, ':');
            const char *next = strchr(p, ';');
            if (tid && (!next || tid < next)) {
                char buf[16];
                size_t n = next ? (size_t)(next - tid - 1) : strlen(tid + 1);
                int index;
                snprintf(buf, sizeof(buf), "%.*s", (int)n, tid + 1);
                if (parse_thread(g, buf, &index) == 0 && index >= 0)
                    g->thread = index;
            }
        }
        any = true;
        p = strchr(p, ';');
        if (!p)
            break;
    }
    if (!any) {
        gdb_send(g, "E01");
        return;
    }
    gdb_resume(g, step);
}

static void handle_set_thread(struct gdbstub *g, const char *p)
{
    int index;
    char op = *p++;
    if ((op != 'g' && op != 'c') || parse_thread(g, p, &index) < 0) {
        gdb_send(g, "E01");
        return;
    }
    if (op == 'g' && index >= 0)
        g->thread = index;
    gdb_send(g, "OK");
}

static void handle_packet(struct gdbstub *g, char *p)
{
    switch (p[0]) {
    case '?':
        gdb_send_stop_reply(g, GDB_SIGTRAP, NULL);
        break;
    case 'g':
        handle_read_registers(g);
        break;
    case 'G':
        handle_write_registers(g, p + 1);
        break;
    case 'p':
        handle_read_register(g, p + 1);
        break;
    case 'P':
        handle_write_register(g, p + 1);
        break;
    case 'm':
        handle_read_memory(g, p + 1);
        break;
    case 'M':
        handle_write_memory(g, p + 1);
        break;
    case 'c':
    case 's':
        handle_resume(g, p + 1, p[0] == 's', false);
        break;
    case 'C':
    case 'S':
        handle_resume(g, p + 1, p[0] == 'S', true);
        break;
    case 'Z':
    case 'z':
        handle_breakpoint(g, p + 1, p[0] == 'Z');
        break;
    case 'H':
        handle_set_thread(g, p + 1);
        break;
    case 'T': {
        int index;
        gdb_send(g, parse_thread(g, p + 1, &index) == 0 ? "OK" : "E01");
        break;
    }
    case 'q':
    case 'Q':
        handle_query(g, p);
        break;
    case 'v':
        if (!strncmp(p, "vCont", 5)) {
            handle_vcont(g, p + 5);
        } else if (!strncmp(p, "vKill", 5)) {
            gdb_send(g, "OK");
            g->killed = true;
        } else {
            gdb_send(g, "");    /* includes vMustReplyEmpty */
        }
        break;
    case 'k':
        g->killed = true;   /* no reply: gdb does not wait for one */
        break;
    case 'D':
        gdb_send(g, "OK");
        fprintf(stderr, "armhv-emu: gdb detached; machine running\n");
        gdb_drop_client(g);
        break;
    default:
        gdb_send(g, "");
        break;
    }
}

/* ---- receiving ---- */

static void gdb_interrupt(struct gdbstub *g)
{
    if (g->state == GDB_STATE_HELD)
        return;
    g->state = GDB_STATE_HELD;
    /* Inside machine_run (idle wait) the run has to end too. */
    g->machine->stop_requested = true;
    mon_bp_note_stop(g->monitor);
    gdb_send_stop_reply(g, GDB_SIGINT, NULL);
}

static void gdb_receive_byte(struct gdbstub *g, char c)
{
    switch (g->rx_state) {
    case RX_IDLE:
        if (c == '$') {
            g->rx_state = RX_DATA;
            g->rx_len = 0;
            g->rx_sum = 0;
            g->rx_overflow = false;
        } else if (c == 0x03) {
            gdb_interrupt(g);
        } else if (c == '-' && g->tx_last && !g->no_ack) {
            gdb_write_raw(g, g->tx_last, g->tx_last_len);
        }
        /* '+' and noise between packets are ignored. */
        break;
    case RX_DATA:
        if (c == '#') {
            g->rx_state = RX_CSUM1;
            break;
        }
        g->rx_sum = (uint8_t)(g->rx_sum + (uint8_t)c);
        if (g->rx_len < GDB_PACKET_SIZE)
            g->rx[g->rx_len++] = c;
        else
            g->rx_overflow = true;
        break;
    case RX_CSUM1:
        g->rx_csum = (uint8_t)(hex_value(c) << 4);
        g->rx_state = hex_value(c) < 0 ? RX_IDLE : RX_CSUM2;
        if (g->rx_state == RX_IDLE && !g->no_ack)
            gdb_write_raw(g, "-", 1);
        break;
    case RX_CSUM2: {
        g->rx_state = RX_IDLE;
        int lo = hex_value(c);
        bool good = lo >= 0 && (uint8_t)(g->rx_csum | lo) == g->rx_sum && !g->rx_overflow;
        if (!g->no_ack)
            gdb_write_raw(g, good ? "+" : "-", 1);
        if (!good)
            break;
        g->rx[g->rx_len] = '\0';
        handle_packet(g, g->rx);
        break;
    }
    }
}

static void gdb_accept(struct gdbstub *g)
{
    int fd = accept4(g->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0)
        return;
    if (g->fd >= 0) {
        /* One debugger at a time. */
        static const char busy[] = "$E10#a6";
        (void)!write(fd, busy, sizeof(busy) - 1);
        close(fd);
        return;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    g->fd = fd;
    g->no_ack = false;
    g->rx_state = RX_IDLE;
    g->thread = 0;
    /* gdb expects a stopped target when it connects (it asks '?' next). */
    g->state = GDB_STATE_HELD;
    fprintf(stderr, "armhv-emu: gdb connected; machine stopped at pc=0x%08x\n",
            default_cpu(g)->r[15]);
}

enum gdb_action gdbstub_poll(struct gdbstub *g, int wait_ms)
{
    if (!g)
        return GDB_RUN;
    int timeout = g->state == GDB_STATE_HELD ? wait_ms : 0;
    for (;;) {
        struct pollfd pfd = {
            .fd = g->fd >= 0 ? g->fd : g->listen_fd,
            .events = POLLIN,
        };
        if (g->killed || poll(&pfd, 1, timeout) <= 0)
            break;
        timeout = 0;
        if (g->fd < 0) {
            gdb_accept(g);
            continue;
        }
        char buf[4096];
        ssize_t n = recv(g->fd, buf, sizeof(buf), 0);
        if (n < 0 && (errno == EAGAIN || errno == EINTR))
            break;
        if (n <= 0) {
            fprintf(stderr, "armhv-emu: gdb disconnected; machine running\n");
            gdb_drop_client(g);
            break;
        }
        for (ssize_t i = 0; i < n && g->fd >= 0 && !g->killed; i++)
            gdb_receive_byte(g, buf[i]);
    }
    if (g->killed)
        return GDB_KILL;
    switch (g->state) {
    case GDB_STATE_STEPPING:
        return GDB_STEP;
    case GDB_STATE_HELD:
        return GDB_HOLD;
    default:
        return GDB_RUN;
    }
}

bool gdbstub_report_stop(struct gdbstub *g, enum machine_stop_reason why)
{
    if (!g || g->killed)
        return false;
    if (g->state == GDB_STATE_HELD)
        return why != STOP_SHUTDOWN;  /* gdb's interrupt: already reported */
    if (g->fd < 0)
        return false;   /* no debugger: the monitor handles breakpoints */
    switch (why) {
    case STOP_SHUTDOWN:
        return false;
    case STOP_REQUESTED:
        if (g->state != GDB_STATE_STEPPING)
            return false;   /* the monitor's stop (Ctrl-A c) */
        break;
    case STOP_BUDGET:
    case STOP_HALTED:
        /* End of a run slice, or an idle guest waiting for input that the
         * main loop watches for: keep running. */
        if (g->state != GDB_STATE_STEPPING)
            return false;
        if (why == STOP_BUDGET && gdb_hv(g)) {
            /* Another vCPU ran that instruction: step on until the
             * stepped one has run one (or is gone, or never gets to). */
            struct arm_cpu *cpu = thread_cpu(g, g->step_thread);
            if (cpu && cpu->icount == g->step_icount && ++g->step_waited < GDB_STEP_PATIENCE)
                return false;
        }
        break;
    default:
        break;
    }
    g->state = GDB_STATE_HELD;
    /* Report the CPU that stopped (the one the machine runs). */
    g->thread = 0;
    /* Resuming must not stop at once on the breakpoint just reported. */
    mon_bp_note_stop(g->monitor);
    char reason[48] = "";
    const struct mon_breakpoints *t = &g->monitor->bp;
    if (why == STOP_WATCHPOINT && t->hit_slot >= 0) {
        /* gdb finds its watchpoint by the data address. */
        unsigned access = t->bp[t->hit_slot].access;
        snprintf(reason, sizeof(reason), "%s:%x;",
                 access == MMU_WATCH_WRITE ? "watch" : access == MMU_WATCH_READ ? "rwatch"
                                                                                 : "awatch",
                 t->watch_hit.va);
    }
    gdb_send_stop_reply(g, GDB_SIGTRAP, reason);
    return true;
}

void gdbstub_report_exit(struct gdbstub *g, int status)
{
    if (!g || g->fd < 0 || g->killed)
        return;
    char reply[8];
    snprintf(reply, sizeof(reply), "W%02x", status & 0xff);
    gdb_send(g, reply);
}
