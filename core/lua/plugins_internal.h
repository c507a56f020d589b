/* plugins_internal.h — what the plugin runtime's files share (plugins.c: loading and
 * options; plugin_send.c: sending in coroutines; thidua_io.c: the thidua module plugins
 * see). Private to core/lua/. */
#ifndef THIDUA_LUA_PLUGINS_INTERNAL_H
#define THIDUA_LUA_PLUGINS_INTERNAL_H

#include <lua.h>

#include "lua/plugins.h"
#include "lua/sandbox.h"

#define PLUGIN_MEMORY       (64u << 20)
#define PLUGIN_INSTRUCTIONS (20LL * 1000 * 1000) /* per load, per stretch of a send */
/* A stretch runs this many instructions at a time (about a millisecond), then lets the
 * loop serve its sockets before it goes on (plugin_send.c). */
#define PLUGIN_SLICE       (100LL * 1000)
#define PLUGIN_NAME_MAX    32
#define PLUGIN_SECRETS_MAX 8
#define PLUGIN_ERROR_MAX   1024

struct plugin {
    char name[PLUGIN_NAME_MAX];
    char file[512];
    int spec_ref;    /* the table channel "name" { ... } returned */
    int options_ref; /* the options table send gets: defaults and the configuration */
    bool ready;      /* loaded and configured */
    int concurrency; /* sends at once (the spec's `concurrency`); 0: no limit */
    int running;
    struct send_job *waiting, *waiting_tail; /* started when a running one ends */
    char *secrets[PLUGIN_SECRETS_MAX];       /* option values never shown */
};

/* One message on its way: a coroutine running the plugin's send. */
struct send_job {
    struct plugins *pl;
    struct plugin *plugin;
    lua_State *co;
    int co_ref;
    plugin_sent sent;
    void *arg;
    struct send_job *next;
    struct send_job *wait_next; /* the plugin's queue, while it waits its turn */
    cJSON *message;             /* kept while it waits its turn */
    long long budget_left;      /* of the stretch running, across its slices */
};

struct plugins {
    struct sandbox *sandbox;
    struct net *net;
    struct plugin *list;
    size_t count;
    struct send_job *jobs; /* in flight */
    size_t in_flight;
    struct plugin_state state; /* get/set NULL: none */
};

/* The job whose coroutine is `co`, or NULL (thidua.http called outside a send). */
struct send_job *plugins_job_of(struct plugins *pl, lua_State *co);
/* Resumes a job's coroutine with nargs values pushed on it (a transfer finished). */
void plugins_resume(struct send_job *job, int nargs);
/* Ends a job that waits on a transfer that will never finish (the daemon is stopping):
 * a retryable failure, the coroutine let go. */
void plugins_abort(struct send_job *job, const char *why);
/* Pushes the `thidua` table plugins see. */
void plugins_push_thidua(lua_State *L, struct plugins *pl);

#endif
