/*
 * http/pages.c — one page of a long list (units, people, outbox messages), the same way
 * for every list route: `?limit=N` (API_PAGE_DEFAULT when absent, at most API_PAGE_MAX)
 * and `?cursor=` (opaque: the next_cursor of the page before). The answer keeps the list
 * under its usual name and adds `total` (items in the whole list, filters applied) and
 * `next_cursor` (null on the last page).
 *
 * A cursor names the last item already sent by its identifier (a code, or an outbox id),
 * base64url-encoded behind a version tag, not by its position: an item added while a
 * client pages through does not shift the next page onto items it has seen. The list
 * keeps the stable order its route gives it (every one ends with the identifier), and the
 * page starts after the named item. The route builds the whole list and this file cuts it:
 * simple and the same everywhere; the lists are a department's units and people.
 */
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/call.h"

#define CURSOR_VERSION  "1:"
#define CURSOR_MAX      256
#define LIMIT_PARAM_LEN 16
#define MESSAGE_LEN     200

/* The identifier of a list item as text: its `key` field, a string or a number. */
static void item_key(const cJSON *item, const char *key, char *out, size_t outlen)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(item, key);
    if (cJSON_IsString(v))
        snprintf(out, outlen, "%s", v->valuestring);
    else if (cJSON_IsNumber(v))
        snprintf(out, outlen, "%.0f", v->valuedouble);
    else
        out[0] = '\0';
}

/* base64url without padding (RFC 4648 5) of "1:" + key. */
cJSON *api_page_cursor(const char *key)
{
    char plain[CURSOR_MAX], encoded[CURSOR_MAX * 2];
    int n = snprintf(plain, sizeof plain, CURSOR_VERSION "%s", key);
    if (n < 0 || (size_t)n >= sizeof plain) return cJSON_CreateNull();
    int len = EVP_EncodeBlock((unsigned char *)encoded, (const unsigned char *)plain, n);
    while (len > 0 && encoded[len - 1] == '=')
        encoded[--len] = '\0';
    for (char *c = encoded; *c; c++)
        *c = *c == '+' ? '-' : *c == '/' ? '_' : *c;
    return cJSON_CreateString(encoded);
}

/* The key a cursor names, into key; false when it is not one this file made. */
static bool key_of_cursor(const char *cursor, char *key, size_t keylen)
{
    size_t len = strlen(cursor);
    char padded[CURSOR_MAX * 2];
    unsigned char plain[CURSOR_MAX * 2];
    if (len == 0 || len + 3 >= sizeof padded || len % 4 == 1) return false;
    for (size_t i = 0; i < len; i++) {
        char c = cursor[i];
        if (c == '+' || c == '/' || c == '=') return false;
        padded[i] = c == '-' ? '+' : c == '_' ? '/' : c;
    }
    size_t padding = (4 - len % 4) % 4;
    memset(padded + len, '=', padding);
    padded[len + padding] = '\0';
    int n = EVP_DecodeBlock(plain, (const unsigned char *)padded, (int)(len + padding));
    if (n < 0) return false;
    n -= (int)padding; /* EVP_DecodeBlock counts the padding's bytes as zeros */
    size_t tag = strlen(CURSOR_VERSION);
    if (n <= (int)tag || memcmp(plain, CURSOR_VERSION, tag) != 0 ||
        memchr(plain, '\0', (size_t)n) || (size_t)n - tag >= keylen)
        return false;
    memcpy(key, plain + tag, (size_t)n - tag);
    key[n - tag] = '\0';
    return true;
}

bool api_page_request(struct api_call *call, int default_limit, int max_limit, int *limit,
                      char *after, size_t afterlen)
{
    char text[LIMIT_PARAM_LEN], msg[MESSAGE_LEN], cursor[CURSOR_MAX * 2];
    int found = http_query_param(call->req, "limit", text, sizeof text);
    char *end = NULL;
    long asked = found > 0 ? strtol(text, &end, 10) : default_limit;
    if (found < 0 || (found > 0 && (end == text || *end != '\0')) || asked < 1 ||
        asked > max_limit) {
        snprintf(msg, sizeof msg, "limit là một số nguyên từ 1 đến %d (mặc định %d)", max_limit,
                 default_limit);
        api_error(call, 400, "invalid_limit", msg);
        return false;
    }
    *limit = (int)asked;
    after[0] = '\0';
    found = http_query_param(call->req, "cursor", cursor, sizeof cursor);
    if (found == 0 || (found > 0 && key_of_cursor(cursor, after, afterlen))) return true;
    api_error(call, 400, "invalid_cursor",
              "cursor không hợp lệ hoặc không còn trong danh sách; hãy đọc lại từ trang đầu "
              "(không gửi cursor)");
    return false;
}

/* Where the page starts: after the item named `after` ("" for the first page); -1 after
 * replying 400 when no item has that name. */
static int page_start(struct api_call *call, const cJSON *list, const char *key, const char *after)
{
    if (!after[0]) return 0;
    char have[CURSOR_MAX];
    int index = 0;
    for (const cJSON *item = list->child; item; item = item->next, index++) {
        item_key(item, key, have, sizeof have);
        if (strcmp(have, after) == 0) return index + 1;
    }
    api_error(call, 400, "invalid_cursor",
              "cursor không hợp lệ hoặc không còn trong danh sách; hãy đọc lại từ trang đầu "
              "(không gửi cursor)");
    return -1;
}

bool api_reply_page(struct api_call *call, cJSON *body, const char *name, cJSON *list,
                    const char *key)
{
    int limit = 0;
    char after[CURSOR_MAX];
    int start = api_page_request(call, API_PAGE_DEFAULT, API_PAGE_MAX, &limit, after, sizeof after)
                    ? page_start(call, list, key, after)
                    : -1;
    if (start < 0) {
        cJSON_Delete(list);
        cJSON_Delete(body);
        return false;
    }
    int total = cJSON_GetArraySize(list), index = 0;
    cJSON *page = cJSON_CreateArray(), *last = NULL;
    for (cJSON *item = list->child, *next; item; item = next, index++) {
        next = item->next;
        if (index < start || index >= start + limit) continue;
        last = cJSON_DetachItemViaPointer(list, item);
        cJSON_AddItemToArray(page, last);
    }
    cJSON_Delete(list);
    cJSON_AddItemToObject(body, name, page);
    cJSON_AddNumberToObject(body, "total", total);
    char last_key[CURSOR_MAX] = "";
    bool more = last && start + limit < total;
    if (more) item_key(last, key, last_key, sizeof last_key);
    cJSON_AddItemToObject(body, "next_cursor",
                          more ? api_page_cursor(last_key) : cJSON_CreateNull());
    api_reply(call, 200, body);
    return true;
}
