/* api.h — the HTTP API as the daemon starts it: the context every handler shares, and the
 * http_handler that routes a request to its handler. */
#ifndef THIDUA_HTTP_API_H
#define THIDUA_HTTP_API_H

#include <stdbool.h>

#include "domain/ruleset.h"
#include "http/server.h"
#include "store/store.h"
#include "util/config.h"

struct api {
    struct store *store;
    const struct config *config;
    struct ruleset *rules; /* the rules in service; rules->active may be NULL */
    bool shutting_down;
};

/* The http_handler for the daemon: ctx is a struct api. */
void api_handle(const struct http_request *req, struct http_response *resp, void *ctx);

#endif
