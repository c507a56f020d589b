/*
 * http/openapi.c — GET /api/v1/openapi.json: the API described as OpenAPI 3.1, so another
 * system can generate a client and check what it receives.
 *
 * The document is core/http/openapi.json, written by hand and compiled in by
 * scripts/embed.cmake (as the rules engine's Lua files are), and served byte for byte.
 * Written rather than generated: the shapes, their descriptions and which fields are
 * required are the contract, worth reviewing as text; generating them would need as much
 * again in C beside each route. What keeps the two true to each other is tested:
 * tests/unit/test_openapi.c walks the router's tables (api_routes_each) against the
 * document's paths, and tests/integration/test_openapi.py calls every route and validates
 * each real answer against its schema.
 */
#include <stdlib.h>
#include <string.h>

#include "http/call.h"
#include "openapi_document.h"

const char *api_openapi_document(size_t *len)
{
    *len = embedded_files[0].len;
    return embedded_files[0].text;
}

void api_openapi_get(struct api_call *call)
{
    size_t len;
    const char *text = api_openapi_document(&len);
    char *body = malloc(len + 1);
    if (!body) {
        api_error(call, 500, "internal", "hết bộ nhớ");
        return;
    }
    memcpy(body, text, len);
    body[len] = '\0';
    api_reply_text(call, 200, body);
}
