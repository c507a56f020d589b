/* daemon.h — `thiduad serve`: the event loop and the daemon's life cycle. */
#ifndef THIDUA_DAEMON_DAEMON_H
#define THIDUA_DAEMON_DAEMON_H

#include "util/config.h"

/* Runs until SIGTERM/SIGINT; returns the process exit code. */
int daemon_serve(const struct config *cfg);

#endif
