/* daemon.h — `thiduad serve`: the event loop and the daemon's life cycle. */
#ifndef THIDUA_DAEMON_DAEMON_H
#define THIDUA_DAEMON_DAEMON_H

#include "util/config.h"

/* Runs until SIGTERM/SIGINT; returns the process exit code: 0 after a stop signal, or why
 * it could not start (sysexits.h: EX_CONFIG for the configuration, the rules, the channels
 * or an old schema; EX_UNAVAILABLE for a database or an address it cannot have). */
int daemon_serve(const struct config *cfg);

#endif
