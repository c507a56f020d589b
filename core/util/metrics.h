/* metrics.h — request counters and latency histogram, rendered in Prometheus text format. */
#ifndef THIDUA_UTIL_METRICS_H
#define THIDUA_UTIL_METRICS_H

#include <stddef.h>

/* route is a static route template ("/api/v1/units/{code}"), never a raw path. */
void metrics_observe(const char *route, int status, double seconds);
/* A named gauge set by its owner (database size, active rules generation...). */
void metrics_set_gauge(const char *name, const char *help, double value);
/* Adds one to a counter with one label (e.g. "channel"); name and help are static strings. */
void metrics_count(const char *name, const char *help, const char *label, const char *value);
/* Renders everything; the caller frees the result. */
char *metrics_render(size_t *len);

#endif
