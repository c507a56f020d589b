/*
 * routes_console.c — the web console's static files, from the folder the configuration's
 * `web` names: `/console/` is its index.html, `/console/NAME`, `/console/DIR/NAME` and
 * `/console/DIR/DIR/NAME` the other files, and `/` sends a browser to `/console/`. Public (the
 * pages hold no data; what they show comes from the API with the user's token).
 *
 * Each path segment is letters, digits, `-`, `_` and dots, never first: no `..`, no hidden
 * file, no encoded byte, so nothing outside the folder is reachable. A known extension gives
 * the Content-Type (anything else is 404). The router gives every file its ETag and
 * `Cache-Control: no-cache` like any GET (http/etag.c), so a browser revalidates and gets
 * 304 while it is unchanged; HTML pages carry a strict Content-Security-Policy (only this origin's
 * scripts, styles and API; no inline script, no frame, no form posted elsewhere).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/call.h"
#include "util/files.h"

#define PATH_LEN    1024
#define SEGMENT_MAX 64

#define CONSOLE_CSP                                                                                \
    "Content-Security-Policy: default-src 'none'; script-src 'self'; style-src 'self'; "           \
    "img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; "              \
    "frame-ancestors 'none'\r\n"                                                                   \
    "X-Frame-Options: DENY\r\nReferrer-Policy: no-referrer\r\n"

static const struct {
    const char *extension, *type;
} types[] = {
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".svg", "image/svg+xml"},
    {".json", "application/json; charset=utf-8"},
    {".png", "image/png"},
    {".ico", "image/x-icon"},
};

/* The Content-Type of a file name, or NULL when the console serves no such file. */
static const char *type_of(const char *name)
{
    const char *dot = strrchr(name, '.');
    for (size_t i = 0; dot && i < sizeof types / sizeof types[0]; i++)
        if (strcmp(dot, types[i].extension) == 0) return types[i].type;
    return NULL;
}

/* A segment the console may serve: [A-Za-z0-9_.-], not starting with a dot. */
static bool safe_segment(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > SEGMENT_MAX || s[0] == '.') return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '-' || c == '_' || c == '.';
        if (!ok) return false;
    }
    return true;
}

static void not_found(struct api_call *call)
{
    api_error(call, 404, "not_found", "không có tài nguyên này");
}

/* Serves web/SEGMENT/…/NAME: the path's segments below /console/, the last one the file's
 * name. */
static void serve_file(struct api_call *call, const char *const *segments, int count)
{
    const char *root = call->api->config->web;
    const char *type = type_of(segments[count - 1]);
    char path[PATH_LEN];
    size_t used = root ? (size_t)snprintf(path, sizeof path, "%s", root) : sizeof path;
    for (int i = 0; i < count && used < sizeof path; i++) {
        if (!safe_segment(segments[i]))
            used = sizeof path;
        else
            used += (size_t)snprintf(path + used, sizeof path - used, "/%s", segments[i]);
    }
    if (!type || used >= sizeof path) {
        not_found(call);
        return;
    }
    size_t len = 0;
    char *data = files_is_regular(path) ? files_read_whole(path, &len) : NULL;
    if (!data) {
        not_found(call);
        return;
    }
    /* ETag, Cache-Control and 304 come from the router, as for every GET (http/etag.c). */
    bool html = strcmp(type, types[0].type) == 0;
    snprintf(call->resp->extra_headers, sizeof call->resp->extra_headers,
             "X-Content-Type-Options: nosniff\r\n%s", html ? CONSOLE_CSP : "");
    free(call->resp->body);
    call->resp->content_type = type;
    call->resp->status = 200;
    call->resp->body = data;
    call->resp->body_len = len;
}

static void console_index(struct api_call *call)
{
    static const char *const index[] = {"index.html"};
    serve_file(call, index, 1);
}

static void console_file(struct api_call *call)
{
    serve_file(call, call->params, 1);
}

static void console_file_in_dir(struct api_call *call)
{
    serve_file(call, call->params, 2);
}

static void console_file_in_subdir(struct api_call *call)
{
    serve_file(call, call->params, 3);
}

/* `/` is where a browser lands: the console. */
static void root_redirect(struct api_call *call)
{
    free(call->resp->body);
    call->resp->body = NULL;
    call->resp->body_len = 0;
    call->resp->status = 302;
    call->resp->content_type = "text/plain; charset=utf-8";
    snprintf(call->resp->extra_headers, sizeof call->resp->extra_headers,
             "Location: /console/\r\n");
}

const struct route routes_console[] = {
    {"GET", "/", ACCESS_PUBLIC, root_redirect},
    {"GET", "/console", ACCESS_PUBLIC, console_index},
    {"GET", "/console/{file}", ACCESS_PUBLIC, console_file},
    {"GET", "/console/{dir}/{file}", ACCESS_PUBLIC, console_file_in_dir},
    {"GET", "/console/{dir}/{sub}/{file}", ACCESS_PUBLIC, console_file_in_subdir},
    {NULL, NULL, ACCESS_PUBLIC, NULL},
};
