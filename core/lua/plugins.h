/*
 * plugins.h — notification channels as Lua plugins (the .lua files of plugins/), run in
 * the sandbox: loading them, checking the configured channels against the options each
 * declares, and sending one message through one. A plugin reaches the network only through
 * thidua.http and thidua.smtp, which yield to the event loop (struct net) while the transfer runs.
 * Nothing here shows a Lua type.
 */
#ifndef THIDUA_LUA_PLUGINS_H
#define THIDUA_LUA_PLUGINS_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

struct net;
struct plugins;

/* What became of one message. */
struct send_result {
    bool ok;
    bool retryable;    /* worth another try later (a timeout, a 5xx), or not (a bad number) */
    int segments;      /* what the channel billed (SMS parts), 0 when unknown */
    const char *error; /* when !ok; secrets of the channel's options are masked */
};
typedef void (*plugin_sent)(void *arg, const struct send_result *result);

/* Where channels keep state between sends (thidua.state in a plugin): the caller provides
 * it; get returns a malloc'd value or NULL. Without it, thidua.state keeps nothing. */
struct plugin_state {
    char *(*get)(void *ctx, const char *channel, const char *key);
    int (*set)(void *ctx, const char *channel, const char *key, const char *value);
    void *ctx;
};

/* Problems found while loading: "file:line: message" lines. */
struct plugins_report {
    char **problems;
    size_t count;
};
void plugins_report_free(struct plugins_report *report);

/* Loads every .lua file of dir and sets up each channel `channels` configures
 * ({name: {option: value}}, from config_path) plus "log", which needs no configuration.
 * A channel whose plugin is missing or broken, or whose options do not match what the
 * plugin declares, is not available, and the report says why. net may be NULL: sending
 * over the network then fails at once (check, dry runs). NULL only without memory. */
struct plugins *plugins_load(const char *dir, const char *config_path, const cJSON *channels,
                             struct net *net, struct plugins_report *report);
void plugins_free(struct plugins *pl);

/* The channels that can send: [names]. */
cJSON *plugins_channels(const struct plugins *pl);
bool plugins_available(const struct plugins *pl, const char *channel);
/* Messages being sent now. */
size_t plugins_in_flight(const struct plugins *pl);

/* Gives the plugins somewhere to keep state (the daemon: the database). */
void plugins_set_state(struct plugins *pl, const struct plugin_state *state);

/* Sends one outbox message ({id, key, unit, channel, to, recipient, subject, text,
 * deadline, step}) through its channel. sent(arg, result) runs exactly once: before this
 * returns when the plugin needs no network, else later from the event loop. */
void plugins_send(struct plugins *pl, const cJSON *message, plugin_sent sent, void *arg);

#endif
