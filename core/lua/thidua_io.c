/*
 * thidua_io.c — the `thidua` module as channel plugins see it: the only way a plugin
 * reaches the network (thidua.http.request/post, thidua.smtp.send, which yield while the
 * transfer runs on the event loop and return its outcome), and the helpers a message needs
 * (json, base64, an RFC 2047 header, HMAC-SHA256, the log, the time). Arguments are
 * checked with luaL_check*, so a plugin's mistake reads "bad argument #1 to 'post'".
 */
#include <lauxlib.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lua/json.h"
#include "lua/plugins_internal.h"
#include "lua/text.h"
#include "net/net.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/text.h"

#define MAX_HEADERS     32
#define MAX_RECIPIENTS  16
#define ENCODED_WORD_IN 45 /* input bytes per RFC 2047 word: 60 base64 characters, under 75 */
#define HEX_DIGEST_LEN  (2 * EVP_MAX_MD_SIZE + 1)

static struct plugins *plugins_of(lua_State *L)
{
    return sandbox_owner(sandbox_of(L));
}

/* ---- transfers ------------------------------------------------------------------------ */

/* A transfer ended: its outcome goes back to the coroutine as a table. */
static void transfer_done(void *arg, const struct net_response *resp)
{
    struct send_job *job = arg;
    if (resp->result == NET_CANCELLED) {
        plugins_abort(job, "cancelled: the daemon stopped before the transfer ended");
        return;
    }
    lua_State *co = job->co;
    lua_createtable(co, 0, 5);
    lua_pushboolean(co, resp->result == NET_OK);
    lua_setfield(co, -2, "ok");
    lua_pushinteger(co, resp->status);
    lua_setfield(co, -2, "status");
    lua_pushlstring(co, resp->body ? resp->body : "", resp->body ? resp->body_len : 0);
    lua_setfield(co, -2, "body");
    lua_pushboolean(co, resp->result == NET_TIMEOUT);
    lua_setfield(co, -2, "timeout");
    if (resp->error) {
        lua_pushstring(co, resp->error);
        lua_setfield(co, -2, "error");
    }
    plugins_resume(job, 1);
}

/* Starts req for the running send and yields; or returns nil, why. */
static int start_and_yield(lua_State *L, const struct net_request *req)
{
    struct plugins *pl = plugins_of(L);
    struct send_job *job = pl ? plugins_job_of(pl, L) : NULL;
    if (!job || !lua_isyieldable(L))
        return luaL_error(L, "the network is reached only from a channel's send()");
    char err[256];
    if (!pl->net) {
        lua_pushnil(L);
        lua_pushliteral(L, "no network in this command (the daemon sends)");
        return 2;
    }
    if (net_start(pl->net, req, transfer_done, job, err, sizeof err) != 0) {
        lua_pushnil(L);
        lua_pushstring(L, err);
        return 2;
    }
    return lua_yield(L, 0);
}

static double opt_number(lua_State *L, int t, const char *key)
{
    lua_getfield(L, t, key);
    double v = lua_isnumber(L, -1) ? lua_tonumber(L, -1) : 0;
    lua_pop(L, 1);
    return v;
}

static const char *opt_string(lua_State *L, int t, const char *key)
{
    lua_getfield(L, t, key);
    const char *v = lua_tostring(L, -1); /* kept alive by the table */
    lua_pop(L, 1);
    return v;
}

/* The headers table {name = value}, into out. */
static size_t read_headers(lua_State *L, int t, struct net_header *out)
{
    size_t n = 0;
    if (lua_getfield(L, t, "headers") == LUA_TTABLE) {
        lua_pushnil(L);
        while (n < MAX_HEADERS && lua_next(L, -2)) {
            if (lua_type(L, -2) == LUA_TSTRING && lua_type(L, -1) == LUA_TSTRING)
                out[n++] = (struct net_header){lua_tostring(L, -2), lua_tostring(L, -1)};
            lua_pop(L, 1);
        }
    }
    return n; /* the headers table stays on the stack, keeping the strings alive */
}

/* thidua.http.request{method=, url=, headers=, body= | json=, timeout=} -> response */
static int http_request(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    struct net_header headers[MAX_HEADERS + 1];
    struct net_request req = {.method = opt_string(L, 1, "method"),
                              .url = opt_string(L, 1, "url"),
                              .timeout = opt_number(L, 1, "timeout")};
    if (!req.url) return luaL_argerror(L, 1, "url is missing");
    req.header_count = read_headers(L, 1, headers);
    size_t len = 0;
    if (lua_getfield(L, 1, "json") != LUA_TNIL) {
        struct buffer b = {0};
        char err[256];
        if (lua_json_write(L, -1, &b, err, sizeof err) != 0) {
            buffer_free(&b);
            return luaL_error(L, "json: %s", err);
        }
        lua_pushlstring(L, b.data, b.len);
        buffer_free(&b);
        headers[req.header_count++] = (struct net_header){"Content-Type", "application/json"};
    } else {
        lua_getfield(L, 1, "body");
    }
    req.body = lua_tolstring(L, -1, &len);
    req.body_len = len;
    req.username = opt_string(L, 1, "username");
    req.password = opt_string(L, 1, "password");
    req.headers = headers;
    return start_and_yield(L, &req);
}

/* thidua.http.post(url, opts) == request{method = "POST", url = url, ...} */
static int http_post(lua_State *L)
{
    const char *url = luaL_checkstring(L, 1);
    if (lua_isnoneornil(L, 2)) lua_newtable(L);
    luaL_checktype(L, 2, LUA_TTABLE);
    lua_pushstring(L, url);
    lua_setfield(L, 2, "url");
    lua_pushliteral(L, "POST");
    lua_setfield(L, 2, "method");
    lua_settop(L, 2);
    lua_remove(L, 1);
    return http_request(L);
}

/* thidua.smtp.send{url=, from=, to = {...}, message=, username=, password=, starttls=,
 * timeout=} -> response (status 250 when accepted) */
static int smtp_send(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    const char *rcpt[MAX_RECIPIENTS];
    struct net_request req = {.url = opt_string(L, 1, "url"),
                              .mail_from = opt_string(L, 1, "from"),
                              .username = opt_string(L, 1, "username"),
                              .password = opt_string(L, 1, "password"),
                              .timeout = opt_number(L, 1, "timeout"),
                              .rcpt = rcpt};
    if (!req.url || !req.mail_from) return luaL_argerror(L, 1, "url and from are needed");
    lua_getfield(L, 1, "starttls");
    req.starttls = lua_toboolean(L, -1);
    lua_pop(L, 1);
    if (lua_getfield(L, 1, "to") != LUA_TTABLE) return luaL_argerror(L, 1, "to = { ... }");
    for (lua_Integer i = 1; req.rcpt_count < MAX_RECIPIENTS; i++) {
        if (lua_rawgeti(L, -1, i) != LUA_TSTRING) break;
        rcpt[req.rcpt_count++] = lua_tostring(L, -1);
        lua_pop(L, 1); /* the string stays alive in the list */
    }
    size_t len = 0;
    lua_getfield(L, 1, "message");
    req.body = luaL_checklstring(L, -1, &len);
    req.body_len = len;
    return start_and_yield(L, &req);
}

/* ---- helpers -------------------------------------------------------------------------- */

static int json_encode(lua_State *L)
{
    luaL_checkany(L, 1);
    struct buffer b = {0};
    char err[256];
    if (lua_json_write(L, 1, &b, err, sizeof err) != 0) {
        buffer_free(&b);
        return luaL_error(L, "json.encode: %s", err);
    }
    lua_pushlstring(L, b.data, b.len);
    buffer_free(&b);
    return 1;
}

static int json_decode(lua_State *L)
{
    cJSON *value = cJSON_Parse(luaL_checkstring(L, 1));
    if (!value) {
        lua_pushnil(L);
        lua_pushliteral(L, "not JSON");
        return 2;
    }
    lua_json_push(L, value);
    cJSON_Delete(value);
    return 1;
}

static void push_base64(lua_State *L, const unsigned char *data, size_t len)
{
    luaL_Buffer b;
    unsigned char *out = (unsigned char *)luaL_buffinitsize(L, &b, 4 * ((len + 2) / 3) + 1);
    int n = EVP_EncodeBlock(out, data, (int)len);
    luaL_pushresultsize(&b, (size_t)n);
}

static int base64(lua_State *L)
{
    size_t len;
    const char *s = luaL_checklstring(L, 1, &len);
    push_base64(L, (const unsigned char *)s, len);
    return 1;
}

/* thidua.mime_header("Nhắc báo cáo") -> "=?UTF-8?B?...?=" words (RFC 2047), never
 * splitting a character; plain ASCII is returned as it is. */
static int mime_header(lua_State *L)
{
    size_t len;
    const char *s = luaL_checklstring(L, 1, &len), *end = s + len;
    bool ascii = true;
    for (size_t i = 0; i < len; i++)
        ascii = ascii && (unsigned char)s[i] >= 0x20 && (unsigned char)s[i] < 0x7f;
    if (ascii) {
        lua_settop(L, 1);
        return 1;
    }
    luaL_Buffer out;
    luaL_buffinit(L, &out);
    while (s < end) {
        const char *cut = s + ENCODED_WORD_IN < end ? s + ENCODED_WORD_IN : end;
        while (cut < end && ((unsigned char)*cut & 0xC0) == 0x80)
            cut--; /* back to a character's first byte */
        luaL_addstring(&out, s == end - len ? "=?UTF-8?B?" : " =?UTF-8?B?");
        push_base64(L, (const unsigned char *)s, (size_t)(cut - s));
        luaL_addvalue(&out);
        luaL_addstring(&out, "?=");
        s = cut;
    }
    luaL_pushresult(&out);
    return 1;
}

/* thidua.hmac_sha256(key, data) -> lowercase hex */
static int hmac_sha256(lua_State *L)
{
    size_t key_len, data_len;
    const char *key = luaL_checklstring(L, 1, &key_len);
    const char *data = luaL_checklstring(L, 2, &data_len);
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    HMAC(EVP_sha256(), key, (int)key_len, (const unsigned char *)data, data_len, digest, &n);
    char out[HEX_DIGEST_LEN];
    text_hex(digest, n, out);
    lua_pushlstring(L, out, 2 * n);
    return 1;
}

/* The channel running now: the one whose send this coroutine is. */
static const char *running_channel(lua_State *L, struct plugins **pl)
{
    *pl = plugins_of(L);
    struct send_job *job = *pl ? plugins_job_of(*pl, L) : NULL;
    return job ? job->plugin->name : NULL;
}

/* thidua.state.get(key) -> the value this channel kept, or nil */
static int state_get(lua_State *L)
{
    const char *key = luaL_checkstring(L, 1);
    struct plugins *pl;
    const char *channel = running_channel(L, &pl);
    if (!channel) return luaL_error(L, "thidua.state is used from a channel's send()");
    char *value = pl->state.get ? pl->state.get(pl->state.ctx, channel, key) : NULL;
    if (value)
        lua_pushstring(L, value);
    else
        lua_pushnil(L);
    free(value);
    return 1;
}

/* thidua.state.set(key, value) -> true, kept across restarts (written at once) */
static int state_set(lua_State *L)
{
    const char *key = luaL_checkstring(L, 1), *value = luaL_checkstring(L, 2);
    struct plugins *pl;
    const char *channel = running_channel(L, &pl);
    if (!channel) return luaL_error(L, "thidua.state is used from a channel's send()");
    lua_pushboolean(L, pl->state.set && pl->state.set(pl->state.ctx, channel, key, value) == 0);
    return 1;
}

static int log_line(lua_State *L)
{
    log_info("channel: %s", luaL_checkstring(L, 1));
    return 0;
}

static int now_iso(lua_State *L)
{
    char now[CLOCK_ISO_LEN];
    clock_now_iso(now, sizeof now);
    lua_pushstring(L, now);
    return 1;
}

static void add_library(lua_State *L, const char *name, const luaL_Reg *functions)
{
    lua_newtable(L);
    luaL_setfuncs(L, functions, 0);
    lua_setfield(L, -2, name);
}

void plugins_push_thidua(lua_State *L, struct plugins *pl)
{
    (void)pl;
    static const luaL_Reg http[] = {{"request", http_request}, {"post", http_post}, {NULL, NULL}};
    static const luaL_Reg smtp[] = {{"send", smtp_send}, {NULL, NULL}};
    static const luaL_Reg json[] = {{"encode", json_encode}, {"decode", json_decode}, {NULL, NULL}};
    static const luaL_Reg state[] = {{"get", state_get}, {"set", state_set}, {NULL, NULL}};
    static const luaL_Reg top[] = {{"base64", base64},
                                   {"mime_header", mime_header},
                                   {"hmac_sha256", hmac_sha256},
                                   {"log", log_line},
                                   {"now", now_iso},
                                   {NULL, NULL}};
    luaL_newlib(L, top);
    add_library(L, "http", http);
    add_library(L, "smtp", smtp);
    add_library(L, "json", json);
    add_library(L, "state", state);
    luaopen_thidua_text(L);
    lua_setfield(L, -2, "text");
}
