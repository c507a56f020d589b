/*
 * test_openapi.c — the OpenAPI document (core/http/openapi.json, compiled in) against the
 * router's route tables: every route the daemon answers is described (path, method, each
 * {param} of its path), and every operation described is a route the daemon answers, so
 * neither can drift from the other. tests/integration/test_openapi.py checks the shapes
 * against real answers.
 */
#include <check.h>
#include <cjson/cJSON.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "http/call.h"
#include "support.h"

static char root[256];
static cJSON *doc;

static void load_document(void)
{
    size_t len;
    const char *text = api_openapi_document(&len);
    doc = cJSON_ParseWithLength(text, len);
    ck_assert_msg(doc != NULL, "core/http/openapi.json is not valid JSON");
}

static void free_document(void)
{
    cJSON_Delete(doc);
    doc = NULL;
}

static const cJSON *operation_of(const char *pattern, const char *method)
{
    char lower[16];
    size_t i = 0;
    for (; method[i] && i + 1 < sizeof lower; i++)
        lower[i] = (char)tolower((unsigned char)method[i]);
    lower[i] = '\0';
    const cJSON *paths = cJSON_GetObjectItemCaseSensitive(doc, "paths");
    const cJSON *path = cJSON_GetObjectItemCaseSensitive(paths, pattern);
    return cJSON_GetObjectItemCaseSensitive(path, lower);
}

/* A parameter, following a "$ref": "#/components/parameters/NAME". */
static const cJSON *resolved(const cJSON *param)
{
    const cJSON *ref = cJSON_GetObjectItemCaseSensitive(param, "$ref");
    const char *prefix = "#/components/parameters/";
    if (!cJSON_IsString(ref) || strncmp(ref->valuestring, prefix, strlen(prefix)) != 0)
        return param;
    const cJSON *components = cJSON_GetObjectItemCaseSensitive(doc, "components");
    const cJSON *params = cJSON_GetObjectItemCaseSensitive(components, "parameters");
    return cJSON_GetObjectItemCaseSensitive(params, ref->valuestring + strlen(prefix));
}

static bool declares_path_param(const cJSON *operation, const char *name, size_t len)
{
    const cJSON *p;
    cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(operation, "parameters"))
    {
        const cJSON *param = resolved(p);
        const cJSON *in = cJSON_GetObjectItemCaseSensitive(param, "in");
        const cJSON *n = cJSON_GetObjectItemCaseSensitive(param, "name");
        if (cJSON_IsString(in) && strcmp(in->valuestring, "path") == 0 && cJSON_IsString(n) &&
            strlen(n->valuestring) == len && strncmp(n->valuestring, name, len) == 0)
            return true;
    }
    return false;
}

struct walk {
    int routes;
    char problems[4096];
};

static void check_route(const struct route *route, void *arg)
{
    struct walk *w = arg;
    w->routes++;
    size_t used = strlen(w->problems);
    const cJSON *operation = operation_of(route->pattern, route->method);
    if (!operation) {
        snprintf(w->problems + used, sizeof w->problems - used, "%s %s is not described; ",
                 route->method, route->pattern);
        return;
    }
    for (const char *open = strchr(route->pattern, '{'); open; open = strchr(open + 1, '{')) {
        const char *close = strchr(open, '}');
        if (!declares_path_param(operation, open + 1, (size_t)(close - open - 1)))
            snprintf(w->problems + used, sizeof w->problems - used,
                     "%s %s: {%.*s} is not a path parameter; ", route->method, route->pattern,
                     (int)(close - open - 1), open + 1);
    }
    const cJSON *responses = cJSON_GetObjectItemCaseSensitive(operation, "responses");
    if (!cJSON_GetObjectItemCaseSensitive(responses, "405"))
        snprintf(w->problems + used, sizeof w->problems - used, "%s %s: no 405; ", route->method,
                 route->pattern);
}

START_TEST(test_every_route_is_described)
{
    load_document();
    const cJSON *version = cJSON_GetObjectItemCaseSensitive(doc, "openapi");
    ck_assert(cJSON_IsString(version));
    ck_assert_msg(strncmp(version->valuestring, "3.1.", 4) == 0, "openapi is %s",
                  version->valuestring);
    struct walk w = {0};
    api_routes_each(check_route, &w);
    ck_assert_int_gt(w.routes, 20);
    ck_assert_msg(w.problems[0] == '\0', "%s", w.problems);
    free_document();
}
END_TEST

struct wanted {
    const char *pattern, *method;
    bool found;
};

static void find_route(const struct route *route, void *arg)
{
    struct wanted *w = arg;
    if (strcmp(route->pattern, w->pattern) == 0 && strcasecmp(route->method, w->method) == 0)
        w->found = true;
}

START_TEST(test_every_operation_is_a_route)
{
    static const char *const methods[] = {"get", "put", "patch", "post", "delete"};
    load_document();
    const cJSON *path;
    int operations = 0;
    cJSON_ArrayForEach(path, cJSON_GetObjectItemCaseSensitive(doc, "paths"))
    {
        for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++) {
            if (!cJSON_GetObjectItemCaseSensitive(path, methods[i])) continue;
            struct wanted w = {path->string, methods[i], false};
            api_routes_each(find_route, &w);
            ck_assert_msg(w.found, "%s %s is described but no route answers it", methods[i],
                          path->string);
            operations++;
        }
    }
    ck_assert_int_gt(operations, 20);
    free_document();
}
END_TEST

static Suite *openapi_suite(void)
{
    Suite *s = suite_create("openapi");
    TCase *tc = tcase_create("document");
    tcase_add_test(tc, test_every_route_is_described);
    tcase_add_test(tc, test_every_operation_is_a_route);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return test_main(openapi_suite(), "openapi", root, sizeof root);
}
