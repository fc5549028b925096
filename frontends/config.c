/*
 * The board.cfg parser and its schema (see frontends/config.h).
 */
#include "frontends/config.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/compiler.h"
#include "base/report.h"

const struct config_key config_schema[] = {
    { "machine", "board", CONFIG_CHOICE, NULL, "versatilepb|vexpress-a9|vexpress-a15",
      "Board to emulate. Required." },
    { "machine", "memory", CONFIG_SIZE, "128M", NULL,
      "RAM size (suffix K, M or G). Versatile PB: up to 256M; vexpress-a9: up to 1G; "
      "vexpress-a15: up to 2G." },
    { "machine", "cpus", CONFIG_UINT, "1", NULL, "Number of CPUs: versatilepb 1; vexpress-a9 and vexpress-a15 1 to 4 (secondaries "
      "start from a boot pen released through SYS_FLAGS, as on the real board)." },
    { "machine", "mhz", CONFIG_UINT, "100", NULL,
      "Virtual clock: guest instructions per microsecond of virtual time. Guest time "
      "advances only with executed instructions, so runs are reproducible." },
    { "machine", "realtime", CONFIG_CHOICE, "auto", "auto|yes|no",
      "When the guest is idle, wait for host time to catch up with guest time (yes), or "
      "jump straight to the next timer event (no). auto: yes when the console is a "
      "terminal. Busy guests always run as fast as they can." },
    { "machine", "rtc", CONFIG_STRING, "host", NULL,
      "What the real-time clocks show at start: host (the host's current time) or a "
      "fixed UTC time YYYY-MM-DDTHH:MM:SS, which makes runs reproducible." },
    { "boot", "kernel", CONFIG_PATH, NULL, NULL,
      "Image to boot: an ELF file (loaded at its physical addresses, entered at its "
      "entry point), a Linux zImage, or a raw binary (needs kernel-address)." },
    { "boot", "kernel-address", CONFIG_UINT, NULL, NULL,
      "Load and entry address of a raw binary kernel." },
    { "boot", "dtb", CONFIG_PATH, NULL, NULL, "Device tree blob passed to a Linux kernel." },
    { "boot", "initrd", CONFIG_PATH, NULL, NULL, "Initial RAM disk for a Linux kernel." },
    { "boot", "cmdline", CONFIG_STRING, "", NULL, "Linux kernel command line." },
    { "serial#", "backend", CONFIG_STRING, NULL, NULL,
      "Where UART n goes: stdio, null, or file:PATH. serial0 defaults to stdio, the "
      "others to null." },
    { "disk#", "image", CONFIG_PATH, NULL, NULL,
      "Raw disk image for card slot n (versatilepb: the SD card in MMCI n). Writes go "
      "to the file and are flushed to disk when the guest finishes a write command." },
    { "disk#", "read-only", CONFIG_BOOL, "no", NULL,
      "Present the card write-protected; the image file is opened read-only." },
    { "display", "backend", CONFIG_CHOICE, "none", "sdl|none",
      "Framebuffer window (sdl) or no display (none)." },
    { "hypervisor", "scheduler", CONFIG_CHOICE, "round-robin", "round-robin",
      "How the vCPUs share the board's CPU: round-robin runs each runnable vCPU for "
      "one slice in turn; a vCPU that blocks (WFI, SCHEDOP_block) gives up the rest "
      "of its slice." },
    { "hypervisor", "slice", CONFIG_DURATION, "1ms", NULL,
      "Scheduler time slice in virtual time (suffix us, ms or s)." },
    { "hypervisor", "exit-when", CONFIG_CHOICE, "dom0", "dom0|domus-down",
      "When the run ends. dom0: when Dom0 shuts down (exit status 0, or 1 if it "
      "crashed). domus-down: also when every DomU that was started has shut down "
      "(status 0 if each powered off or rebooted, 1 if one crashed). A DomU that "
      "shuts down is always reported and destroyed." },
    { "domain *", "memory", CONFIG_SIZE, NULL, NULL,
      "RAM of the domain, a multiple of 4K, at guest-physical 0x40000000. Required. "
      "All domains together must fit in [machine] memory." },
    { "domain *", "vcpus", CONFIG_UINT, "1", NULL, "Number of virtual CPUs." },
    { "domain *", "kernel", CONFIG_PATH, NULL, NULL,
      "Image to boot: an ELF file (e.g. the mini-OS) or a Linux zImage. Required." },
    { "domain *", "initrd", CONFIG_PATH, NULL, NULL, "Initial RAM disk for a Linux kernel." },
    { "domain *", "dtb", CONFIG_PATH, NULL, NULL,
      "Device tree blob to pass instead of the one the domain builder generates." },
    { "domain *", "cmdline", CONFIG_STRING, "", NULL,
      "Kernel command line (/chosen/bootargs), e.g. console=hvc0 for Linux." },
    { "domain *", "devices", CONFIG_STRING, NULL, NULL,
      "Dom0 only: comma-separated board devices passed through to Dom0 (their MMIO at "
      "the board's addresses, their interrupts to Dom0's virtual GIC): serialN for "
      "UART n, or a device name as the monitor's devices command lists it." },
    { "domain *", "autostart", CONFIG_BOOL, "yes", NULL,
      "Build and start the domain with the machine (yes), or leave it for Dom0's "
      "toolstack command create NAME (no). Dom0 must start with the machine." },
    { "domain *", "console", CONFIG_STRING, "stdio", NULL,
      "Where the domain's console goes: stdio (the terminal; Ctrl-A n gives it the "
      "keyboard), null, or file:PATH." },
    { NULL, NULL, 0, NULL, NULL, NULL },
};

/* Introductions of the sections that need more than their keys' help. */
static const struct {
    const char *section;
    const char *title;
    const char *text;
} section_docs[] = {
    { "serial#", "[serial0] ... [serial3]", NULL },
    { "disk#", "[disk0], [disk1]", NULL },
    { "hypervisor", "[hypervisor]",
      "Present: the machine is partitioned into the domains of the [domain NAME]\n"
      "sections and run by the hypervisor (docs/hypervisor.md). Needs board =\n"
      "vexpress-a15 and excludes [boot]." },
    { "domain *", "[domain NAME]",
      "One domain; NAME is 1-31 letters, digits, `-` or `_`, unique in the file.\n"
      "The first [domain] section is Dom0 (id 0, privileged); the others are\n"
      "DomUs, numbered from 1 in the order they start. Override a key with\n"
      "`-s 'domain NAME.key=value'`." },
};

void config_init(struct config *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
}

void config_free(struct config *cfg)
{
    for (size_t i = 0; i < cfg->count; i++) {
        free(cfg->entry[i].section);
        free(cfg->entry[i].key);
        free(cfg->entry[i].value);
    }
    free(cfg->entry);
    for (size_t i = 0; i < cfg->section_count; i++)
        free(cfg->section[i].name);
    free(cfg->section);
    free(cfg->path);
    free(cfg->dir);
    config_init(cfg);
}

/* A domain name: it appears in messages, the toolstack and xenstore paths. */
static bool valid_name(const char *name)
{
    size_t len = strlen(name);
    if (len == 0 || len > CONFIG_NAME_MAX)
        return false;
    for (const char *p = name; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_')
            return false;
    return true;
}

/*
 * "serial#" matches "serial" followed by one digit 0-3 ("disk#": 0-1);
 * "domain *" matches "domain " followed by a valid name.
 */
static bool section_matches(const char *pattern, const char *section)
{
    size_t len = strlen(pattern);
    if (len >= 2 && pattern[len - 1] == '*' && pattern[len - 2] == ' ')
        return strncmp(pattern, section, len - 1) == 0 && valid_name(section + len - 1);
    if (len && pattern[len - 1] == '#') {
        char last = strcmp(pattern, "disk#") == 0 ? '1' : '3';
        return strncmp(pattern, section, len - 1) == 0 && section[len - 1] >= '0' &&
               section[len - 1] <= last && section[len] == '\0';
    }
    return strcmp(pattern, section) == 0;
}

static const struct config_key *schema_find(const char *section, const char *key)
{
    for (const struct config_key *k = config_schema; k->section; k++)
        if (section_matches(k->section, section) && strcmp(k->key, key) == 0)
            return k;
    return NULL;
}

static bool schema_has_section(const char *section)
{
    for (const struct config_key *k = config_schema; k->section; k++)
        if (section_matches(k->section, section))
            return true;
    return false;
}

static int parse_size(const char *text, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long value = strtoull(text, &end, 0);
    if (end == text || errno)
        return -1;
    uint64_t scale = 1;
    switch (toupper((unsigned char)*end)) {
    case 'K': scale = 1ull << 10; end++; break;
    case 'M': scale = 1ull << 20; end++; break;
    case 'G': scale = 1ull << 30; end++; break;
    default: break;
    }
    if (toupper((unsigned char)*end) == 'B' || toupper((unsigned char)*end) == 'I')
        end++;
    if (*end != '\0' || value > UINT64_MAX / scale)
        return -1;
    *out = value * scale;
    return 0;
}

/* "1ms", "500us", "2s" in microseconds; at least 1us. */
static int parse_duration_us(const char *text, uint64_t *out)
{
    char *end;
    errno = 0;
    if (!isdigit((unsigned char)*text))
        return -1;
    unsigned long long value = strtoull(text, &end, 10);
    uint64_t scale;
    if (errno)
        return -1;
    if (!strcmp(end, "us"))
        scale = 1;
    else if (!strcmp(end, "ms"))
        scale = 1000;
    else if (!strcmp(end, "s"))
        scale = 1000000;
    else
        return -1;
    if (value == 0 || value > UINT64_MAX / scale)
        return -1;
    *out = value * scale;
    return 0;
}

static int parse_uint(const char *text, uint64_t *out)
{
    char *end;
    errno = 0;
    if (*text == '-')
        return -1;
    unsigned long long value = strtoull(text, &end, 0);
    if (end == text || *end != '\0' || errno)
        return -1;
    *out = value;
    return 0;
}

static int parse_bool(const char *text, bool *out)
{
    if (!strcmp(text, "yes") || !strcmp(text, "true") || !strcmp(text, "on") ||
        !strcmp(text, "1")) {
        *out = true;
        return 0;
    }
    if (!strcmp(text, "no") || !strcmp(text, "false") || !strcmp(text, "off") ||
        !strcmp(text, "0")) {
        *out = false;
        return 0;
    }
    return -1;
}

static bool choice_valid(const char *choices, const char *value)
{
    size_t len = strlen(value);
    for (const char *p = choices; *p;) {
        size_t word = strcspn(p, "|");
        if (word == len && strncmp(p, value, len) == 0)
            return true;
        p += word;
        if (*p == '|')
            p++;
    }
    return false;
}

/* Checks a value against its schema entry; prints the error. */
static int validate_value(const struct config_key *k, const char *origin, unsigned line,
                          const char *section, const char *value)
{
    uint64_t number;
    bool flag;
    const char *problem = NULL;
    switch (k->type) {
    case CONFIG_SIZE:
        if (parse_size(value, &number) < 0 || number == 0)
            problem = "expected a size such as 128M";
        break;
    case CONFIG_UINT:
        if (parse_uint(value, &number) < 0)
            problem = "expected a non-negative number";
        break;
    case CONFIG_BOOL:
        if (parse_bool(value, &flag) < 0)
            problem = "expected yes or no";
        break;
    case CONFIG_DURATION:
        if (parse_duration_us(value, &number) < 0)
            problem = "expected a duration such as 1ms, 500us or 2s";
        break;
    case CONFIG_CHOICE:
        if (!choice_valid(k->choices, value)) {
            report_error_at(origin, line, "[%s] %s: '%s' is not one of %s", section, k->key,
                            value, k->choices);
            return -1;
        }
        break;
    case CONFIG_PATH:
        if (!*value)
            problem = "empty path";
        break;
    case CONFIG_STRING:
        break;
    }
    if (problem) {
        report_error_at(origin, line, "[%s] %s: '%s': %s", section, k->key, value, problem);
        return -1;
    }
    return 0;
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    size_t len = strlen(s);
    while (len && isspace((unsigned char)s[len - 1]))
        s[--len] = '\0';
    return s;
}

static int config_set(struct config *cfg, const char *section, const char *key,
                      const char *value, const char *origin, unsigned line)
{
    for (size_t i = 0; i < cfg->count; i++) {
        struct config_entry *e = &cfg->entry[i];
        if (!strcmp(e->section, section) && !strcmp(e->key, key)) {
            char *copy = strdup(value);
            if (!copy)
                return -1;
            free(e->value);
            e->value = copy;
            e->origin = origin;
            e->line = line;
            return 0;
        }
    }
    struct config_entry *grown = realloc(cfg->entry, (cfg->count + 1) * sizeof(*grown));
    if (!grown)
        return -1;
    cfg->entry = grown;
    struct config_entry *e = &cfg->entry[cfg->count];
    e->section = strdup(section);
    e->key = strdup(key);
    e->value = strdup(value);
    e->origin = origin;
    e->line = line;
    if (!e->section || !e->key || !e->value) {
        free(e->section);
        free(e->key);
        free(e->value);
        return -1;
    }
    cfg->count++;
    return 0;
}

const struct config_section *config_find_section(const struct config *cfg,
                                                 const char *section)
{
    for (size_t i = 0; i < cfg->section_count; i++)
        if (!strcmp(cfg->section[i].name, section))
            return &cfg->section[i];
    return NULL;
}

static int section_add(struct config *cfg, const char *name, const char *origin,
                       unsigned line)
{
    if (config_find_section(cfg, name))
        return 0;
    struct config_section *grown =
        realloc(cfg->section, (cfg->section_count + 1) * sizeof(*grown));
    if (!grown)
        return -1;
    cfg->section = grown;
    char *copy = strdup(name);
    if (!copy)
        return -1;
    cfg->section[cfg->section_count++] = (struct config_section){ copy, origin, line };
    return 0;
}

/*
 * The name inside "[...]" as the schema knows it: "domain   x" becomes
 * "domain x". Prints the error and returns -1 for a header no schema
 * entry can match.
 */
static int section_header(const char *path, unsigned line, const char *text, char *out,
                          size_t size)
{
    static const char domain[] = "domain";
    size_t domain_len = sizeof(domain) - 1;
    if (!strncmp(text, domain, domain_len) &&
        (text[domain_len] == '\0' || isspace((unsigned char)text[domain_len]))) {
        const char *name = text + domain_len;
        while (isspace((unsigned char)*name))
            name++;
        if (!*name) {
            report_error_at(path, line, "section [domain] needs a name: [domain NAME]");
            return -1;
        }
        if (!valid_name(name)) {
            report_error_at(path, line, "[domain %s]: a domain name is 1-%d letters, digits, "
                            "'-' or '_'", name, CONFIG_NAME_MAX);
            return -1;
        }
        snprintf(out, size, "domain %s", name);
        return 0;
    }
    if (strlen(text) >= size || !schema_has_section(text)) {
        report_error_at(path, line, "unknown section [%s]", text);
        return -1;
    }
    snprintf(out, size, "%s", text);
    return 0;
}

/* Strips a trailing "# comment" or "; comment" that follows whitespace. */
static void strip_comment(char *s)
{
    for (char *p = s; *p; p++) {
        if ((*p == '#' || *p == ';') && (p == s || isspace((unsigned char)p[-1]))) {
            *p = '\0';
            return;
        }
    }
}

int config_load(struct config *cfg, const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        report_error("%s: cannot open configuration: %s", path, strerror(errno));
        return -1;
    }
    cfg->path = strdup(path);
    const char *slash = strrchr(path, '/');
    cfg->dir = slash ? strndup(path, (size_t)(slash - path + 1)) : strdup("");
    if (!cfg->path || !cfg->dir) {
        fclose(f);
        return -1;
    }

    char section[64] = "";
    bool rejected = false;  /* the current header was bad: its keys are not errors too */
    char buf[4096];
    unsigned line = 0;
    int errors = 0;
    while (fgets(buf, sizeof(buf), f)) {
        line++;
        if (!strchr(buf, '\n') && !feof(f)) {
            report_error_at(path, line, "line too long (limit %zu bytes)", sizeof(buf) - 2);
            errors++;
            int c;
            while ((c = fgetc(f)) != EOF && c != '\n')
                ;
            continue;
        }
        strip_comment(buf);
        char *text = trim(buf);
        if (!*text)
            continue;
        if (*text == '[') {
            char *close = strchr(text, ']');
            if (!close || close[1] != '\0') {
                report_error_at(path, line, "malformed section header '%s'", text);
                errors++;
                section[0] = '\0';
                continue;
            }
            *close = '\0';
            rejected = true;
            if (section_header(path, line, trim(text + 1), section, sizeof(section)) < 0) {
                errors++;
                section[0] = '\0';
                continue;
            }
            const struct config_section *first = config_find_section(cfg, section);
            if (first && !strncmp(section, "domain ", 7)) {
                /* Two domains of one name could not be told apart. */
                report_error_at(path, line, "duplicate section [%s] (first at line %u)",
                                section, first->line);
                errors++;
                section[0] = '\0';
                continue;
            }
            if (section_add(cfg, section, cfg->path, line) < 0) {
                report_error("out of memory");
                errors++;
            }
            rejected = false;
            continue;
        }
        char *eq = strchr(text, '=');
        if (!eq) {
            report_error_at(path, line, "expected 'key = value', got '%s'", text);
            errors++;
            continue;
        }
        *eq = '\0';
        char *key = trim(text);
        char *value = trim(eq + 1);
        if (!section[0]) {
            if (!rejected) {
                report_error_at(path, line, "key '%s' outside a known section", key);
                errors++;
            }
            continue;
        }
        const struct config_key *k = schema_find(section, key);
        if (!k) {
            report_error_at(path, line, "unknown key '%s' in section [%s]", key, section);
            errors++;
            continue;
        }
        if (validate_value(k, path, line, section, value) < 0) {
            errors++;
            continue;
        }
        if (config_set(cfg, section, key, value, cfg->path, line) < 0) {
            report_error("out of memory");
            errors++;
        }
    }
    fclose(f);
    return errors ? -1 : 0;
}

int config_override(struct config *cfg, const char *assignment)
{
    const char *dot = strchr(assignment, '.');
    const char *eq = strchr(assignment, '=');
    if (!dot || !eq || dot > eq) {
        report_error("-s %s: expected section.key=value", assignment);
        return -1;
    }
    char section[64], key[64];
    size_t section_len = (size_t)(dot - assignment), key_len = (size_t)(eq - dot - 1);
    if (section_len >= sizeof(section) || key_len >= sizeof(key)) {
        report_error("-s %s: name too long", assignment);
        return -1;
    }
    memcpy(section, assignment, section_len);
    section[section_len] = '\0';
    memcpy(key, dot + 1, key_len);
    key[key_len] = '\0';
    const struct config_key *k = schema_find(section, key);
    if (!k) {
        report_error("-s %s: unknown key '%s' in section [%s]", assignment, key, section);
        return -1;
    }
    if (validate_value(k, "-s", 0, section, eq + 1) < 0)
        return -1;
    if (section_add(cfg, section, "-s", 0) < 0)
        return -1;
    return config_set(cfg, section, key, eq + 1, "-s", 0);
}

static const struct config_entry *config_find(const struct config *cfg, const char *section,
                                              const char *key)
{
    for (size_t i = 0; i < cfg->count; i++)
        if (!strcmp(cfg->entry[i].section, section) && !strcmp(cfg->entry[i].key, key))
            return &cfg->entry[i];
    return NULL;
}

const char *config_get(const struct config *cfg, const char *section, const char *key)
{
    const struct config_entry *e = config_find(cfg, section, key);
    if (e)
        return e->value;
    const struct config_key *k = schema_find(section, key);
    return k ? k->default_value : NULL;
}

bool config_has_section(const struct config *cfg, const char *section)
{
    if (config_find_section(cfg, section))
        return true;
    for (size_t i = 0; i < cfg->count; i++)
        if (!strcmp(cfg->entry[i].section, section))
            return true;
    return false;
}

void config_locate(const struct config *cfg, const char *section, const char *key,
                   const char **origin, unsigned *line)
{
    const struct config_entry *e = config_find(cfg, section, key);
    *origin = e ? e->origin : (cfg->path ? cfg->path : "defaults");
    *line = e ? e->line : 0;
}

static int config_bad(const struct config *cfg, const char *section, const char *key,
                      const char *value, const char *problem)
{
    const char *origin;
    unsigned line;
    config_locate(cfg, section, key, &origin, &line);
    report_error_at(origin, line, "[%s] %s: '%s': %s", section, key, value, problem);
    return -1;
}

int config_get_size(const struct config *cfg, const char *section, const char *key,
                    uint64_t *out)
{
    const char *value = config_get(cfg, section, key);
    if (!value)
        return config_bad(cfg, section, key, "", "missing");
    if (parse_size(value, out) < 0)
        return config_bad(cfg, section, key, value, "expected a size such as 128M");
    return 0;
}

int config_get_uint(const struct config *cfg, const char *section, const char *key,
                    uint64_t *out)
{
    const char *value = config_get(cfg, section, key);
    if (!value)
        return config_bad(cfg, section, key, "", "missing");
    if (parse_uint(value, out) < 0)
        return config_bad(cfg, section, key, value, "expected a non-negative number");
    return 0;
}

int config_get_bool(const struct config *cfg, const char *section, const char *key, bool *out)
{
    const char *value = config_get(cfg, section, key);
    if (!value)
        return config_bad(cfg, section, key, "", "missing");
    if (parse_bool(value, out) < 0)
        return config_bad(cfg, section, key, value, "expected yes or no");
    return 0;
}

int config_get_duration_us(const struct config *cfg, const char *section, const char *key,
                           uint64_t *out)
{
    const char *value = config_get(cfg, section, key);
    if (!value)
        return config_bad(cfg, section, key, "", "missing");
    if (parse_duration_us(value, out) < 0)
        return config_bad(cfg, section, key, value,
                          "expected a duration such as 1ms, 500us or 2s");
    return 0;
}

char *config_get_path(const struct config *cfg, const char *section, const char *key)
{
    const struct config_entry *e = config_find(cfg, section, key);
    if (!e)
        return NULL;
    /* Command-line overrides are relative to the current directory. */
    if (e->value[0] == '/' || e->line == 0 || !cfg->dir)
        return strdup(e->value);
    size_t len = strlen(cfg->dir) + strlen(e->value) + 1;
    char *path = malloc(len);
    if (path)
        snprintf(path, len, "%s%s", cfg->dir, e->value);
    return path;
}

static const char *const type_names[] = {
    [CONFIG_STRING] = "string", [CONFIG_PATH] = "path", [CONFIG_SIZE] = "size",
    [CONFIG_UINT] = "number", [CONFIG_BOOL] = "yes/no", [CONFIG_CHOICE] = "choice",
    [CONFIG_DURATION] = "duration",
};

void config_write_reference(FILE *out)
{
    fputs("# board.cfg reference\n\n"
          "<!-- Generated by `armhv-emu --config-reference` from config_schema in\n"
          "     frontends/config.c; do not edit by hand. -->\n\n"
          "A board.cfg is an INI file: `[section]` headers, `key = value` lines, and\n"
          "comments starting with `#` or `;`. Paths are relative to the file. Unknown\n"
          "sections or keys and bad values are errors that name the file, line and key.\n"
          "Any key can be overridden on the command line with `-s section.key=value`.\n",
          out);
    const char *last = "";
    for (const struct config_key *k = config_schema; k->section; k++) {
        if (strcmp(last, k->section) != 0) {
            const char *title = NULL, *text = NULL;
            for (size_t i = 0; i < ARRAY_SIZE(section_docs); i++) {
                if (!strcmp(section_docs[i].section, k->section)) {
                    title = section_docs[i].title;
                    text = section_docs[i].text;
                }
            }
            if (title)
                fprintf(out, "\n## %s\n\n", title);
            else
                fprintf(out, "\n## [%s]\n\n", k->section);
            if (text)
                fprintf(out, "%s\n\n", text);
            fputs("| key | type | default | meaning |\n|---|---|---|---|\n", out);
            last = k->section;
        }
        fprintf(out, "| `%s` | %s", k->key, type_names[k->type]);
        if (k->choices) {
            /* "a|b" would split the Markdown table: list as "a, b". */
            fputs(": ", out);
            for (const char *p = k->choices; *p; p++)
                fputs(*p == '|' ? ", " : (char[]){ *p, 0 }, out);
        }
        if (!k->default_value)
            fputs(" | - ", out);
        else if (!*k->default_value)
            fputs(" | (empty) ", out);
        else
            fprintf(out, " | `%s` ", k->default_value);
        fprintf(out, "| %s |\n", k->help);
    }
}
