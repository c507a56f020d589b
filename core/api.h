/* api.h — the HTTP API: routing, authentication, and the handlers' shared context. */
#ifndef THIDUA_API_H
#define THIDUA_API_H

#include <stdbool.h>

#include "config.h"
#include "http.h"
#include "store.h"

struct ruleset;

struct api {
    struct store *store;
    const struct config *config;
    struct ruleset *rules; /* the rules in service; rules->active may be NULL */
    bool shutting_down;
};

/* The http_handler for the daemon: ctx is a struct api. */
void api_handle(const struct http_request *req, struct http_response *resp, void *ctx);

#endif
