/*
 * board.cfg's hypervisor sections -> struct hv_system_config (see
 * frontends/hv_config.h).
 */
#include "frontends/hv_config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/compiler.h"
#include "base/report.h"

/* Domains own whole pages: the stage-2 map is page-granular. */
#define HV_CONFIG_PAGE_SIZE 4096u

static const char *const image_keys[3] = { "kernel", "initrd", "dtb" };

static bool is_domain_section(const char *name)
{
    return strncmp(name, "domain ", 7) == 0;
}

/* Prints "FILE:LINE: [section] key: ..." at the line that set the key. */
__attribute__((format(printf, 4, 5)))
static void key_error(const struct config *cfg, const char *section, const char *key,
                      const char *fmt, ...)
{
    const char *origin;
    unsigned line;
    config_locate(cfg, section, key, &origin, &line);
    char text[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    report_error_at(origin, line, "[%s] %s: %s", section, key, text);
}

/* Prints "FILE:LINE: [section] ..." at the section's header. */
__attribute__((format(printf, 3, 4)))
static void section_error(const struct config *cfg, const char *section, const char *fmt, ...)
{
    const struct config_section *header = config_find_section(cfg, section);
    char text[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    report_error_at(header ? header->origin : cfg->path, header ? header->line : 0,
                    "[%s] %s", section, text);
}

static void format_size(uint64_t bytes, char *out, size_t size)
{
    if (bytes % (1u << 30) == 0)
        snprintf(out, size, "%" PRIu64 "G", bytes >> 30);
    else if (bytes % (1u << 20) == 0)
        snprintf(out, size, "%" PRIu64 "M", bytes >> 20);
    else if (bytes % (1u << 10) == 0)
        snprintf(out, size, "%" PRIu64 "K", bytes >> 10);
    else
        snprintf(out, size, "%" PRIu64 " bytes", bytes);
}

/* The [hypervisor] section's own keys and what it rules out. */
static int check_hypervisor(struct hv_config *hc, const struct config *cfg,
                            const struct machine_config *mc)
{
    int errors = 0;
    if (config_has_section(cfg, "boot")) {
        const struct config_section *boot = config_find_section(cfg, "boot");
        const struct config_section *hv = config_find_section(cfg, "hypervisor");
        report_error_at(boot ? boot->origin : cfg->path, boot ? boot->line : 0,
                        "[boot] cannot be used with [hypervisor] (line %u): each domain "
                        "names its kernel in its [domain NAME] section", hv ? hv->line : 0);
        errors++;
    }
    if (strcmp(mc->board, "vexpress-a15") != 0) {
        key_error(cfg, "machine", "board", "'%s': the hypervisor needs vexpress-a15 (a "
                  "Cortex-A15 with the virtualization extensions)", mc->board);
        errors++;
    }
    hc->sys.scheduler = config_get(cfg, "hypervisor", "scheduler");
    const char *exit_when = config_get(cfg, "hypervisor", "exit-when");
    hc->sys.exit_when = !strcmp(exit_when, "domus-down") ? HV_EXIT_DOMUS_DOWN : HV_EXIT_DOM0;
    hc->sys.rtc_base = mc->rtc_base;
    if (config_get_duration_us(cfg, "hypervisor", "slice", &hc->sys.slice_us) < 0)
        errors++;
    return errors ? -1 : 0;
}

/* Splits "serial0, uart1" into spec->devices (pointing into text). */
static int split_devices(const struct config *cfg, const char *section, char *text,
                         struct hv_domain_spec *spec)
{
    for (char *save = NULL, *word = strtok_r(text, ",", &save); word;
         word = strtok_r(NULL, ",", &save)) {
        while (*word == ' ' || *word == '\t')
            word++;
        size_t len = strlen(word);
        while (len && (word[len - 1] == ' ' || word[len - 1] == '\t'))
            word[--len] = '\0';
        if (!len) {
            key_error(cfg, section, "devices", "empty name in the list");
            return -1;
        }
        for (unsigned i = 0; i < spec->nr_devices; i++) {
            if (!strcmp(spec->devices[i], word)) {
                key_error(cfg, section, "devices", "'%s' is listed twice", word);
                return -1;
            }
        }
        if (spec->nr_devices == HV_SYSTEM_MAX_PASSTHROUGH) {
            key_error(cfg, section, "devices", "more than %u devices",
                      HV_SYSTEM_MAX_PASSTHROUGH);
            return -1;
        }
        spec->devices[spec->nr_devices++] = word;
    }
    return 0;
}

/* One [domain NAME] section into hc->sys.domain[index]; counts its errors. */
static int build_domain(struct hv_config *hc, const struct config *cfg,
                        const struct config_section *header, unsigned index,
                        struct console_mux *mux)
{
    const char *section = header->name;
    struct hv_domain_spec *spec = &hc->sys.domain[index];
    int errors = 0;
    uint64_t value;

    spec->name = section + 7;
    spec->privileged = index == 0;
    spec->origin = header->origin;
    spec->line = header->line;

    if (!config_get(cfg, section, "memory")) {
        section_error(cfg, section, "memory: missing: how much RAM the domain gets, "
                      "e.g. memory = 64M");
        errors++;
    } else if (config_get_size(cfg, section, "memory", &spec->memory) < 0) {
        errors++;
    } else if (spec->memory % HV_CONFIG_PAGE_SIZE) {
        key_error(cfg, section, "memory", "'%s': not a multiple of 4K (the page size)",
                  config_get(cfg, section, "memory"));
        errors++;
    }

    if (config_get_uint(cfg, section, "vcpus", &value) < 0) {
        errors++;
    } else if (value < 1 || value > HV_MAX_VCPUS) {
        key_error(cfg, section, "vcpus", "'%s': must be 1..%u",
                  config_get(cfg, section, "vcpus"), (unsigned)HV_MAX_VCPUS);
        errors++;
    }
    spec->vcpus = (unsigned)value;

    for (unsigned i = 0; i < ARRAY_SIZE(image_keys); i++) {
        char *path = config_get_path(cfg, section, image_keys[i]);
        hc->path[index][i] = path;
        if (path && access(path, R_OK) != 0) {
            key_error(cfg, section, image_keys[i], "%s: %s", path, strerror(errno));
            errors++;
        }
    }
    spec->kernel = hc->path[index][0];
    spec->initrd = hc->path[index][1];
    spec->dtb = hc->path[index][2];
    if (!spec->kernel) {
        section_error(cfg, section, "kernel: missing: nothing to run in the domain");
        errors++;
    }
    spec->cmdline = config_get(cfg, section, "cmdline");

    if (config_get_bool(cfg, section, "autostart", &spec->autostart) < 0) {
        errors++;
    } else if (index == 0 && !spec->autostart) {
        key_error(cfg, section, "autostart", "'%s': Dom0 (the first [domain] section) "
                  "must start with the machine", config_get(cfg, section, "autostart"));
        errors++;
    }

    const char *devices = config_get(cfg, section, "devices");
    if (devices && index != 0) {
        key_error(cfg, section, "devices", "only Dom0 ([domain %s], the first [domain] "
                  "section) gets board devices", hc->sys.domain[0].name);
        errors++;
    } else if (devices) {
        hc->devices_text[index] = strdup(devices);
        if (!hc->devices_text[index] ||
            split_devices(cfg, section, hc->devices_text[index], spec) < 0)
            errors++;
    }

    const char *console = config_get(cfg, section, "console");
    if (strcmp(console, "stdio") != 0 && strcmp(console, "null") != 0 &&
        !(strncmp(console, "file:", 5) == 0 && console[5])) {
        key_error(cfg, section, "console", "'%s': expected stdio, null or file:PATH",
                  console);
        errors++;
    } else {
        const char *origin;
        unsigned line;
        config_locate(cfg, section, "console", &origin, &line);
        if (serial_sink_open(&hc->console[index], console, origin, line) < 0) {
            errors++;
        } else {
            serial_sink_attach(&hc->console[index], mux, spec->name);
            spec->console = serial_sink_backend(&hc->console[index]);
        }
    }
    return errors;
}

/* The hypervisor's messages ("domain 1 (guest1) shut down: poweroff"). */
static void print_notice(void *opaque, const char *msg)
{
    console_mux_notice(opaque, "[armhv: %s]", msg);
}

int hv_config_build(struct hv_config *hc, const struct config *cfg,
                    const struct machine_config *mc, struct console_mux *mux)
{
    memset(hc, 0, sizeof(*hc));
    hc->sys.notice = print_notice;
    hc->sys.notice_opaque = mux;
    const struct config_section *hypervisor = config_find_section(cfg, "hypervisor");
    const struct config_section *first_domain = NULL;
    for (size_t i = 0; i < cfg->section_count && !first_domain; i++)
        if (is_domain_section(cfg->section[i].name))
            first_domain = &cfg->section[i];
    if (!hypervisor && !first_domain)
        return 0;
    if (!hypervisor) {
        report_error_at(first_domain->origin, first_domain->line,
                        "[%s] needs a [hypervisor] section", first_domain->name);
        return -1;
    }

    int errors = check_hypervisor(hc, cfg, mc) < 0;
    if (!first_domain) {
        report_error_at(hypervisor->origin, hypervisor->line,
                        "[hypervisor]: no [domain NAME] section: the first one is Dom0");
        return -1;
    }
    uint64_t total = 0;
    bool over = false;
    for (size_t i = 0; i < cfg->section_count; i++) {
        const struct config_section *header = &cfg->section[i];
        if (!is_domain_section(header->name))
            continue;
        if (hc->sys.nr_domains == HV_MAX_DOMAINS) {
            report_error_at(header->origin, header->line, "[%s]: more than %u domains",
                            header->name, HV_MAX_DOMAINS);
            errors++;
            break;
        }
        unsigned index = hc->sys.nr_domains++;
        errors += build_domain(hc, cfg, header, index, mux);
        uint64_t memory = hc->sys.domain[index].memory;
        total = total > UINT64_MAX - memory ? UINT64_MAX : total + memory;
        if (total > mc->memory && !over) {
            char need[32], have[32];
            format_size(total, need, sizeof(need));
            format_size(mc->memory, have, sizeof(have));
            key_error(cfg, header->name, "memory", "the domains need %s in all but "
                      "[machine] memory is %s", need, have);
            over = true;
            errors++;
        }
    }
    return errors ? -1 : 1;
}

static bool board_has_device(struct machine *m, const char *name)
{
    unsigned uart;
    char tail;
    if (sscanf(name, "serial%u%c", &uart, &tail) == 1)
        return uart < m->serial_count;
    return machine_find_device(m, name) != NULL;
}

int hv_config_check_devices(const struct hv_config *hc, const struct config *cfg,
                            struct machine *m)
{
    if (hc->sys.nr_domains == 0)
        return 0;
    const struct hv_domain_spec *dom0 = &hc->sys.domain[0];
    char section[8 + CONFIG_NAME_MAX];
    snprintf(section, sizeof(section), "domain %s", dom0->name);
    int errors = 0;
    for (unsigned i = 0; i < dom0->nr_devices; i++) {
        if (board_has_device(m, dom0->devices[i]))
            continue;
        char known[1024];
        size_t used = (size_t)snprintf(known, sizeof(known), "serial0..serial%u",
                                       m->serial_count ? m->serial_count - 1 : 0);
        for (unsigned d = 0; d < m->device_count && used < sizeof(known); d++)
            used += (size_t)snprintf(known + used, sizeof(known) - used, ", %s",
                                     m->device[d]->name);
        key_error(cfg, section, "devices", "'%s': no such device on %s (it has %s)",
                  dom0->devices[i], m->board_name, known);
        errors++;
    }
    return errors ? -1 : 0;
}

void hv_config_free(struct hv_config *hc)
{
    for (unsigned i = 0; i < HV_MAX_DOMAINS; i++) {
        for (unsigned k = 0; k < ARRAY_SIZE(hc->path[i]); k++)
            free(hc->path[i][k]);
        free(hc->devices_text[i]);
        serial_sink_close(&hc->console[i]);
    }
    memset(hc, 0, sizeof(*hc));
}
