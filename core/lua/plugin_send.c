/*
 * plugin_send.c — sending one message through a channel plugin: the plugin's send(msg,
 * opt) runs in a coroutine of the plugins' sandbox, under an instruction budget for each
 * stretch it runs. When it calls thidua.http or thidua.smtp the coroutine yields and the
 * transfer runs on the event loop; its end resumes the coroutine (thidua_io.c). A stretch
 * runs in slices of PLUGIN_SLICE instructions: at the end of one the count hook yields, and
 * the next goes on at the loop's next turn (net_soon), after the loop has served its
 * sockets; so an endless send holds the loop a millisecond or so at a time, never for its
 * whole budget. What send
 * returns — true; or false, why, retryable; plus the segments billed — is handed to the
 * caller's callback exactly once. An error in the plugin, a budget or memory cap hit, is a
 * failure worth retrying (the plugin may be fixed), never a crash.
 */
#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lua/json.h"
#include "lua/plugins_internal.h"
#include "net/net.h"
#include "util/log.h"

#define MASK "***"

struct send_job *plugins_job_of(struct plugins *pl, lua_State *co)
{
    for (struct send_job *j = pl->jobs; j; j = j->next)
        if (j->co == co) return j;
    return NULL;
}

/* Replaces every secret of the plugin's options in text by MASK. */
static void mask_secrets(const struct plugin *p, char *text, size_t size)
{
    for (int i = 0; i < PLUGIN_SECRETS_MAX; i++) {
        const char *secret = p ? p->secrets[i] : NULL;
        size_t n = secret ? strlen(secret) : 0;
        if (n == 0) continue;
        char *at;
        while ((at = strstr(text, secret))) {
            size_t tail = strlen(at + n);
            if (at - text + strlen(MASK) + tail + 1 > size) break;
            memmove(at + strlen(MASK), at + n, tail + 1);
            memcpy(at, MASK, strlen(MASK));
        }
    }
}

static void unlink_job(struct send_job *job)
{
    struct plugins *pl = job->pl;
    for (struct send_job **link = &pl->jobs; *link; link = &(*link)->next) {
        if (*link != job) continue;
        *link = job->next;
        pl->in_flight--;
        break;
    }
}

static void start(struct send_job *job);

/* Ends a job: the callback, then the coroutine is let go, and the plugin's next waiting
 * send (if it limits its concurrency) takes its place. */
static void finish(struct send_job *job, const struct send_result *result)
{
    unlink_job(job);
    lua_State *L = sandbox_state(job->pl->sandbox);
    luaL_unref(L, LUA_REGISTRYINDEX, job->co_ref);
    struct plugin *p = job->plugin;
    p->running--;
    job->sent(job->arg, result);
    free(job);
    struct send_job *next = p->waiting;
    if (next && (p->concurrency == 0 || p->running < p->concurrency)) {
        p->waiting = next->wait_next;
        if (!p->waiting) p->waiting_tail = NULL;
        start(next);
    }
}

static void fail(struct send_job *job, const char *why, bool retryable)
{
    char error[PLUGIN_ERROR_MAX];
    snprintf(error, sizeof error, "%s", why);
    mask_secrets(job->plugin, error, sizeof error);
    struct send_result result = {.ok = false, .retryable = retryable, .error = error};
    finish(job, &result);
}

/* send returned (ok [, why [, retryable [, segments]]]) or a table {ok, error, retryable,
 * segments}. */
static void returned(struct send_job *job, int nresults)
{
    lua_State *co = job->co;
    int base = lua_gettop(co) - nresults + 1;
    struct send_result result = {.ok = nresults > 0 && lua_toboolean(co, base)};
    const char *why = nresults > 1 ? lua_tostring(co, base + 1) : NULL;
    result.retryable = nresults > 2 ? lua_toboolean(co, base + 2) : true;
    result.segments = nresults > 3 ? (int)lua_tointeger(co, base + 3) : 0;
    if (result.ok) {
        lua_settop(co, 0);
        finish(job, &result);
        return;
    }
    char error[PLUGIN_ERROR_MAX];
    snprintf(error, sizeof error, "%s", why ? why : "the channel refused the message");
    lua_settop(co, 0);
    fail(job, error, result.retryable);
}

void plugins_abort(struct send_job *job, const char *why)
{
    lua_settop(job->co, 0);
    fail(job, why, true);
}

static void run_slice(struct send_job *job, int nargs);

static void next_slice(void *arg)
{
    run_slice(arg, 0);
}

/* Runs the coroutine for one slice (or to its end, where there is no loop to come back
 * on). */
static void run_slice(struct send_job *job, int nargs)
{
    char err[PLUGIN_ERROR_MAX];
    int nresults = 0;
    enum sandbox_status status =
        sandbox_resume_sliced(job->pl->sandbox, job->co, nargs, &nresults, &job->budget_left,
                              job->pl->net ? PLUGIN_SLICE : 0, PLUGIN_MEMORY, err, sizeof err);
    if (status == SANDBOX_YIELDED) return; /* a transfer is running */
    if (status == SANDBOX_SLICED) {
        if (net_soon(job->pl->net, next_slice, job) != 0)
            plugins_abort(job, "the daemon is stopping");
        return;
    }
    if (status == SANDBOX_OK) {
        returned(job, nresults);
        return;
    }
    log_warn("channel %s: %s", job->plugin->name, err);
    fail(job, err, true);
}

void plugins_resume(struct send_job *job, int nargs)
{
    job->budget_left = PLUGIN_INSTRUCTIONS; /* a new stretch */
    run_slice(job, nargs);
}

/* Pushes the message as the plugin reads it. */
static void push_message(lua_State *L, const cJSON *message)
{
    lua_json_push(L, message);
}

static void send_to_log(const cJSON *message, plugin_sent sent, void *arg)
{
    const char *fields[] = {"step", "unit", "to", "text"};
    const char *v[4];
    for (int i = 0; i < 4; i++) {
        const cJSON *item = cJSON_GetObjectItemCaseSensitive(message, fields[i]);
        v[i] = cJSON_IsString(item) ? item->valuestring : "";
    }
    log_info("channel: %s %s -> %s: %s", v[0], v[1], v[2], v[3]);
    struct send_result result = {.ok = true};
    sent(arg, &result);
}

void plugins_send(struct plugins *pl, const cJSON *message, plugin_sent sent, void *arg)
{
    const cJSON *channel = cJSON_GetObjectItemCaseSensitive(message, "channel");
    struct plugin *p = NULL;
    for (size_t i = 0; pl && cJSON_IsString(channel) && i < pl->count; i++)
        if (pl->list[i].ready && strcmp(pl->list[i].name, channel->valuestring) == 0)
            p = &pl->list[i];
    if (!p && cJSON_IsString(channel) && strcmp(channel->valuestring, "log") == 0) {
        send_to_log(message, sent, arg); /* no plugins/log.lua: the built-in line */
        return;
    }
    struct send_job *job = p ? calloc(1, sizeof *job) : NULL;
    if (!job) {
        struct send_result result = {.ok = false,
                                     .retryable = true,
                                     .error = p ? "out of memory" : "the channel is not set up"};
        sent(arg, &result);
        return;
    }
    lua_State *L = sandbox_state(pl->sandbox);
    *job = (struct send_job){.pl = pl, .plugin = p, .sent = sent, .arg = arg, .next = pl->jobs};
    job->co = lua_newthread(L);
    job->co_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    pl->jobs = job;
    pl->in_flight++;
    job->message = cJSON_Duplicate(message, 1);
    if (p->concurrency > 0 && p->running >= p->concurrency) { /* waits its turn */
        if (p->waiting_tail)
            p->waiting_tail->wait_next = job;
        else
            p->waiting = job;
        p->waiting_tail = job;
        return;
    }
    start(job);
}

/* Runs the plugin's send(msg, opt) in the job's coroutine. */
static void start(struct send_job *job)
{
    struct plugin *p = job->plugin;
    p->running++;
    lua_rawgeti(job->co, LUA_REGISTRYINDEX, p->spec_ref);
    lua_getfield(job->co, -1, "send");
    lua_remove(job->co, -2);
    push_message(job->co, job->message);
    cJSON_Delete(job->message);
    job->message = NULL;
    lua_rawgeti(job->co, LUA_REGISTRYINDEX, p->options_ref);
    plugins_resume(job, 2);
}
