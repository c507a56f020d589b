/*
 * config.c — the daemon's configuration as every layer reads it: the defaults, the paths
 * resolved against the config file's folder, and freeing. Reading the file itself (a Lua
 * table) is lua/config_file.c's, in the Lua sandbox.
 */
#include "util/config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PATH_MAX_SEGMENTS 256

/* Removes "." segments and folds "name/.." pairs, lexically: etc/../var -> var. */
static void normalise_path(char *path)
{
    bool absolute = path[0] == '/';
    char *segments[PATH_MAX_SEGMENTS];
    int count = 0;
    char *save = NULL;
    char *copy = strdup(path);
    if (!copy) return;
    for (char *seg = strtok_r(copy, "/", &save); seg && count < PATH_MAX_SEGMENTS;
         seg = strtok_r(NULL, "/", &save)) {
        if (strcmp(seg, ".") == 0) continue;
        if (strcmp(seg, "..") == 0 && count > 0 && strcmp(segments[count - 1], "..") != 0) {
            count--;
            continue;
        }
        if (strcmp(seg, "..") == 0 && absolute) continue;
        segments[count++] = seg;
    }
    size_t used = 0;
    if (absolute) path[used++] = '/';
    for (int i = 0; i < count; i++) {
        size_t len = strlen(segments[i]);
        if (i) path[used++] = '/';
        memmove(path + used, segments[i], len);
        used += len;
    }
    if (used == 0) path[used++] = '.';
    path[used] = '\0';
    free(copy);
}

char *config_resolve_path(const char *dir, const char *path)
{
    char *out;
    if (path[0] == '/' || dir == NULL || dir[0] == '\0' || strcmp(dir, ".") == 0) {
        out = strdup(path);
    } else {
        size_t n = strlen(dir) + strlen(path) + 2;
        out = malloc(n);
        if (out) snprintf(out, n, "%s/%s", dir, path);
    }
    if (out) normalise_path(out);
    return out;
}

void config_defaults(struct config *cfg, const char *base_dir)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->dir = strdup(base_dir ? base_dir : ".");
    cfg->listen_host = strdup("127.0.0.1");
    cfg->listen_port = 8080;
    cfg->database = config_resolve_path(cfg->dir, "var/thidua.db");
    cfg->rules = config_resolve_path(cfg->dir, "rules");
    cfg->plugins = config_resolve_path(cfg->dir, "plugins");
    cfg->web = config_resolve_path(cfg->dir, "web");
    cfg->timezone = strdup("Asia/Ho_Chi_Minh");
    cfg->log_level = strdup("info");
    cfg->channels = cJSON_CreateObject();
    cfg->limits = (struct config_limits){
        .body_bytes = 1 << 20,
        .header_bytes = 16 << 10,
        .head_timeout = 10,
        .read_timeout = 30,
        .write_timeout = 30,
        .idle_timeout = 60,
        .connections = 1024,
        .connections_per_address = 64,
        .shutdown_grace = 10,
        .note_chars = 4000,
        .reason_chars = 8000,
        .evaluation_bytes = 256 << 10,
        .evaluate_members = 500,
        .eval_deadline = 1,
        .load_deadline = 60,
        .csv_cell_bytes = 8 << 10,
        .csv_row_bytes = 64 << 10,
    };
}

void config_free(struct config *cfg)
{
    free(cfg->path);
    free(cfg->dir);
    free(cfg->listen_host);
    free(cfg->database);
    free(cfg->rules);
    free(cfg->plugins);
    free(cfg->web);
    free(cfg->timezone);
    free(cfg->log_level);
    cJSON_Delete(cfg->channels);
    free(cfg->metrics_from);
    memset(cfg, 0, sizeof *cfg);
}
