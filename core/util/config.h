/* config.h — the daemon's configuration as every layer reads it (lua/config_file.h reads
 * the file, etc/thiduad.conf). */
#ifndef THIDUA_UTIL_CONFIG_H
#define THIDUA_UTIL_CONFIG_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "util/networks.h"

struct config_limits {
    size_t body_bytes;           /* largest request body; 413 past it */
    size_t header_bytes;         /* request line + headers; 431 past it */
    double head_timeout;         /* seconds a client may take to send a request's head */
    double read_timeout;         /* seconds a client may take to send a request */
    double write_timeout;        /* seconds a client may take to read a response */
    double idle_timeout;         /* seconds a keep-alive connection may sit idle */
    int connections;             /* open connections at once; idle ones are closed to make room */
    int connections_per_address; /* open connections from one client address at once */
    double shutdown_grace;       /* seconds SIGTERM waits for in-flight requests */
    /* Sizes of what is read and written (README, "Configuration"): */
    size_t note_chars;       /* a report's note; 422 past it */
    size_t reason_chars;     /* any one string a rule writes into an evaluation */
    size_t evaluation_bytes; /* one subject's evaluation as JSON text */
    size_t evaluate_members; /* members in one POST /api/v1/evaluate; 422 past it */
    size_t csv_cell_bytes;   /* one cell of an imported CSV file */
    size_t csv_row_bytes;    /* one row of an imported CSV file, its cells together */
    /* Wall-clock deadlines of rule code (rules/process.c): past one, the process running
     * the rule is killed. */
    double eval_deadline; /* seconds for one unit's evaluation, a validation, a reminder plan */
    double load_deadline; /* seconds for a ruleset's load with its self-tests */
};

struct config {
    char *path;        /* the file read, as given */
    char *dir;         /* its folder: relative paths below are resolved against it */
    char *listen_host; /* "127.0.0.1" */
    int listen_port;   /* 8080 */
    char *database;    /* absolute or relative to the working directory once resolved */
    char *rules;       /* folder of rulesets (one per campaign year) */
    char *plugins;
    char *web;      /* the console's static files (served at /console/) */
    char *timezone; /* "Asia/Ho_Chi_Minh" */
    char *log_level;
    struct config_limits limits;
    cJSON *channels; /* {name: {options}}: the notification channels set up; {} when none */
    /* Addresses and networks that read /metrics without a token (Prometheus); none by
     * default. */
    struct ip_network *metrics_from;
    size_t metrics_from_count;
};

/* Fills cfg with the defaults (the README's configuration table), paths relative to
 * base_dir. */
void config_defaults(struct config *cfg, const char *base_dir);
void config_free(struct config *cfg);

/* Joins dir and path unless path is absolute; the result is malloc'd. */
char *config_resolve_path(const char *dir, const char *path);

#endif
