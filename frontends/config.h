/*
 * board.cfg: an INI file describing one run (DESIGN.md, "board.cfg").
 *
 * Every key the program understands is listed once in config_schema (with
 * its default and help text; docs/board-cfg.md is generated from it).
 * Unknown sections and keys, malformed lines and bad values are errors
 * naming file, line and key. Paths are relative to the file's directory.
 * Command-line overrides (-s section.key=value) replace or add entries and
 * are validated by the same schema.
 */
#ifndef FRONTENDS_CONFIG_H
#define FRONTENDS_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum config_type { CONFIG_STRING, CONFIG_PATH, CONFIG_SIZE, CONFIG_UINT, CONFIG_BOOL,
                   CONFIG_CHOICE, CONFIG_DURATION };

/* "[domain NAME]": NAME is 1..CONFIG_NAME_MAX letters, digits, '-' or '_'. */
#define CONFIG_NAME_MAX 31

struct config_key {
    /* "serial#" matches serial0..serial3; "domain *" matches "domain NAME". */
    const char *section;
    const char *key;
    enum config_type type;
    const char *default_value;  /* NULL: no default (key optional) */
    const char *choices;        /* CONFIG_CHOICE: "a|b|c" */
    const char *help;
};

extern const struct config_key config_schema[];

struct config_entry {
    char *section;
    char *key;
    char *value;
    const char *origin;    /* file name, or "-s" for a command-line override */
    unsigned line;
};

/* A section header, in file order (for [domain NAME], the order is the
 * order of the domain ids). */
struct config_section {
    char *name;            /* "machine", "domain guest1" */
    const char *origin;
    unsigned line;         /* of the header; 0 for a section an override created */
};

struct config {
    char *path;            /* NULL when no file was given */
    char *dir;             /* directory relative paths start from */
    struct config_entry *entry;
    size_t count;
    struct config_section *section;
    size_t section_count;
};

void config_init(struct config *cfg);
void config_free(struct config *cfg);
/* Parses and validates a file; prints every error, returns 0 or -1. */
int config_load(struct config *cfg, const char *path);
/* Applies "section.key=value"; prints the error and returns -1 if bad. */
int config_override(struct config *cfg, const char *assignment);

/* Lookups fall back to the schema default; NULL when absent. */
const char *config_get(const struct config *cfg, const char *section, const char *key);
/* True when the file has the section's header or any key of it was set. */
bool config_has_section(const struct config *cfg, const char *section);
/* The section's header, or NULL. */
const struct config_section *config_find_section(const struct config *cfg,
                                                 const char *section);
/* Typed getters: print "FILE:LINE: key: problem" and return -1 when bad. */
int config_get_size(const struct config *cfg, const char *section, const char *key,
                    uint64_t *out);
int config_get_uint(const struct config *cfg, const char *section, const char *key,
                    uint64_t *out);
int config_get_bool(const struct config *cfg, const char *section, const char *key,
                    bool *out);
/* A duration such as 1ms, 500us or 2s, in microseconds. */
int config_get_duration_us(const struct config *cfg, const char *section, const char *key,
                           uint64_t *out);
/* A path key resolved against the config's directory (malloc'd) or NULL. */
char *config_get_path(const struct config *cfg, const char *section, const char *key);
/* Where a key was set, for error messages: fills origin/line (0 if default). */
void config_locate(const struct config *cfg, const char *section, const char *key,
                   const char **origin, unsigned *line);

/* Writes the schema as a Markdown reference (docs/board-cfg.md). */
void config_write_reference(FILE *out);

#endif
