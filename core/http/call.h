/*
 * call.h — what a route handler sees: the call (request, response, the authenticated
 * principal, the path's parameters), the reply helpers, and the route table each
 * routes_*.c exports. A handler parses, authorises, calls one domain function and replies;
 * it never opens a transaction and never sees SQLite or libevent.
 */
#ifndef THIDUA_HTTP_CALL_H
#define THIDUA_HTTP_CALL_H

#include <cjson/cJSON.h>

#include "domain/tokens.h"
#include "http/api.h"

#define API_MAX_PARAMS    4
#define API_PARAM_STORAGE 256

struct api_call {
    struct api *api;
    const struct http_request *req;
    struct http_response *resp;
    struct principal who;
    const char *params[API_MAX_PARAMS]; /* the {…} segments of the route, in order */
    char param_storage[API_PARAM_STORAGE];
};

/* ACCESS_TOKEN_OR_TRUSTED: any token, or none from an address of the config's
 * metrics_from (/metrics, for Prometheus). */
enum route_access { ACCESS_PUBLIC, ACCESS_ANY_TOKEN, ACCESS_ADMIN, ACCESS_TOKEN_OR_TRUSTED };

/* One route; a table ends with a NULL method. */
struct route {
    const char *method;
    const char *pattern; /* segments; "{x}" matches one segment */
    enum route_access access;
    void (*handler)(struct api_call *call);
};

/* The route tables, one per family (routes_*.c). */
extern const struct route routes_system[];
extern const struct route routes_units[];
extern const struct route routes_reports[];
extern const struct route routes_results[];
extern const struct route routes_rules[];
extern const struct route routes_outbox[];
extern const struct route routes_periods[];
extern const struct route routes_registrations[];
extern const struct route routes_consolidated[];
extern const struct route routes_audit[];
extern const struct route routes_versions[];
extern const struct route routes_console[];

/* The OpenAPI 3.1 document (core/http/openapi.json, compiled in; len bytes, not
 * NUL-terminated), and the handler that serves it (http/openapi.c). */
const char *api_openapi_document(size_t *len);
void api_openapi_get(struct api_call *call);
/* Calls fn for every route of every table the router searches, in its order: what the
 * OpenAPI document must describe (tests/unit/test_openapi.c). */
void api_routes_each(void (*fn)(const struct route *route, void *arg), void *arg);

/* Answers as make(call) would, from memory when the same caller's scope asked the same
 * path and query while the data and the rules were what they are now (a GET's handler
 * whose 200 answers depend on nothing else: http/response_cache.h). */
void api_cached(struct api_call *call, void (*make)(struct api_call *call));
/* Replies with a JSON value (consumed). */
void api_reply(struct api_call *call, int status, cJSON *body);
/* Lists: items per page when ?limit= is absent, and the most a client may ask for. */
#define API_PAGE_DEFAULT 1000
#define API_PAGE_MAX     5000
/* Replies 200 with body (consumed) holding one page of list (consumed; in a stable order,
 * each item identified by its `key` field) under `name`, with `total` and `next_cursor`
 * (http/pages.c); or replies 400 invalid_limit / invalid_cursor and returns false. */
bool api_reply_page(struct api_call *call, cJSON *body, const char *name, cJSON *list,
                    const char *key);
/* A list a route pages itself (the audit log, read a page at a time from the store): reads
 * ?limit= (default_limit when absent, 1..max_limit) and ?cursor= (the key it names into
 * `after`, "" on the first page); false after replying 400 invalid_limit / invalid_cursor.
 * api_page_cursor makes the next_cursor that names `key`. */
bool api_page_request(struct api_call *call, int default_limit, int max_limit, int *limit,
                      char *after, size_t afterlen);
cJSON *api_page_cursor(const char *key);
/* Replies with JSON text already serialised (malloc'd; consumed). */
void api_reply_text(struct api_call *call, int status, char *json_text);
/* A 200 with a document (takes `body`, len bytes): its type, and a Content-Disposition
 * ("inline" or "attachment") naming the file it would be saved as. */
void api_reply_document(struct api_call *call, const char *content_type, char *body, size_t len,
                        const char *disposition, const char *filename);
void api_error(struct api_call *call, int status, const char *code, const char *message);
/* A write the store refused, answered by why and logged with SQLite's message (detail):
 * 507 disk_full, 503 database_read_only, 503 database_locked (with Retry-After), 500
 * storage_error. Nothing was stored. */
void api_store_error(struct api_call *call, enum store_failure kind, const char *detail);
/* 422 with details: an array of {"field", "message"} (consumed). */
void api_invalid(struct api_call *call, const char *message, cJSON *details);
/* Adds {"field", "message"} to a details array. */
void api_detail(cJSON *details, const char *field, const char *message);
/* Parses the body as a JSON object; on failure replies 400 and returns NULL. */
cJSON *api_body_object(struct api_call *call);
/* True when the caller may write data of `unit_code`; replies 403 otherwise. */
bool api_may_write_unit(struct api_call *call, const char *unit_code);
/* True when the caller may read the people and evaluations of `unit_code`; replies 403
 * otherwise (domain/access.h). */
bool api_may_read_unit(struct api_call *call, const char *unit_code);
/* True when the caller may read a person's data, in a period (gen and period) or today
 * (NULL, NULL); replies 403 otherwise (domain/access.h). */
bool api_may_read_person(struct api_call *call, struct rules_generation *gen, const char *period,
                         const char *person);
/* The rules in service, or NULL after replying 503. */
struct ruleset *api_ruleset(struct api_call *call);
/* The rules of a period (the year whose campaign declares it) and the period itself; NULL
 * after replying 503 (no rules loaded) or 404 (no year declares it). */
struct rules_generation *api_period_rules(struct api_call *call, const char *code,
                                          const cJSON **period);
/* A string field of a period ("" when absent). */
const char *api_period_field(const cJSON *period, const char *name);
/* True when the period is open for writes; replies 409 period_closed otherwise (a closed
 * period's facts and results are records). */
bool api_period_open(struct api_call *call, const char *period);

/* A submission whose body a route has read (http/writes.c stores it): a unit's report or a
 * person's facts for a period. */
struct api_submission {
    const char *period, *subject, *code; /* copied */
    cJSON *body;        /* the request's body, taken over: facts and note point into it */
    const cJSON *facts; /* an object */
    const char *note;   /* "" for none */
    cJSON *details;     /* what the route found wrong in the body's shape, taken over: listed
                           in one 422 with what the rules find wrong in the facts */
    bool merge;         /* PATCH: the facts are a correction over the latest version */
    bool unit_report;   /* the reply names the unit and says whether the report is late */
};
/* Checks the facts with the rules, stores them with the unit's new evaluation and answers
 * (200, 202 when a rule failed on the evaluation, 422 with every problem, 409 when the
 * period closed meanwhile): with the other submissions that arrived at the same time, in
 * one transaction and one commit (group commit, http/writes.c), the client waiting until
 * it is durable. */
void api_submit(struct api_call *call, struct api_submission *s);

#endif
