/*
 * metrics.c — what /metrics shows: requests by route and status, a latency histogram per
 * route, and gauges other modules set. Routes are templates, so the label set stays small
 * and bounded. One lock: a rules reload recomputes in a thread of its own
 * (daemon/reload.c), and counts the failures it records.
 */
#include "util/metrics.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SERIES 256
#define MAX_ROUTES 64
#define MAX_GAUGES 32

static const double bucket_bounds[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                       0.05,   0.1,   0.25,   0.5,   1,    5};
#define BUCKETS (sizeof bucket_bounds / sizeof bucket_bounds[0])

struct request_series {
    const char *route;
    int status;
    unsigned long long count;
};

struct route_histogram {
    const char *route;
    unsigned long long buckets[BUCKETS];
    unsigned long long count;
    double sum;
};

struct gauge {
    const char *name, *help;
    double value;
};

static struct request_series series[MAX_SERIES];
static size_t series_count;
static struct route_histogram histograms[MAX_ROUTES];
static size_t histogram_count;
static struct gauge gauges[MAX_GAUGES];

/* Counters with one label (notifications by channel): name and help are static strings. */
#define MAX_LABELLED    64
#define LABEL_VALUE_MAX 32
struct labelled_counter {
    const char *name, *help, *label;
    char value[LABEL_VALUE_MAX];
    unsigned long long count;
};
static struct labelled_counter labelled[MAX_LABELLED];
static size_t labelled_count;
static size_t gauge_count;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static void observe_locked(const char *route, int status, double seconds)
{
    size_t i;
    for (i = 0; i < series_count; i++)
        if (series[i].status == status && strcmp(series[i].route, route) == 0) break;
    if (i == series_count && series_count < MAX_SERIES)
        series[series_count++] = (struct request_series){route, status, 0};
    if (i < series_count) series[i].count++;

    for (i = 0; i < histogram_count; i++)
        if (strcmp(histograms[i].route, route) == 0) break;
    if (i == histogram_count && histogram_count < MAX_ROUTES)
        histograms[histogram_count++] = (struct route_histogram){.route = route};
    if (i == histogram_count) return;
    struct route_histogram *h = &histograms[i];
    for (size_t b = 0; b < BUCKETS; b++)
        if (seconds <= bucket_bounds[b]) h->buckets[b]++;
    h->count++;
    h->sum += seconds;
}

static void set_gauge_locked(const char *name, const char *help, double value)
{
    for (size_t i = 0; i < gauge_count; i++) {
        if (strcmp(gauges[i].name, name) == 0) {
            gauges[i].value = value;
            return;
        }
    }
    if (gauge_count < MAX_GAUGES) gauges[gauge_count++] = (struct gauge){name, help, value};
}

void metrics_observe(const char *route, int status, double seconds)
{
    pthread_mutex_lock(&lock);
    observe_locked(route, status, seconds);
    pthread_mutex_unlock(&lock);
}

void metrics_set_gauge(const char *name, const char *help, double value)
{
    pthread_mutex_lock(&lock);
    set_gauge_locked(name, help, value);
    pthread_mutex_unlock(&lock);
}

struct text {
    char *data;
    size_t len, cap;
};

static void append(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#include <stdarg.h>
static void append(struct text *t, const char *fmt, ...)
{
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n =
            vsnprintf(t->data ? t->data + t->len : NULL, t->data ? t->cap - t->len : 0, fmt, ap);
        va_end(ap);
        if (n < 0) return;
        if (t->data && t->len + (size_t)n < t->cap) {
            t->len += (size_t)n;
            return;
        }
        size_t cap = (t->cap ? t->cap * 2 : 4096) + (size_t)n;
        char *grown = realloc(t->data, cap);
        if (!grown) return;
        t->data = grown;
        t->cap = cap;
    }
}

static void count_locked(const char *name, const char *help, const char *label, const char *value)
{
    for (size_t i = 0; i < labelled_count; i++) {
        if (strcmp(labelled[i].name, name) == 0 && strcmp(labelled[i].value, value) == 0) {
            labelled[i].count++;
            return;
        }
    }
    if (labelled_count == MAX_LABELLED) return;
    struct labelled_counter *c = &labelled[labelled_count++];
    *c = (struct labelled_counter){.name = name, .help = help, .label = label, .count = 1};
    snprintf(c->value, sizeof c->value, "%s", value);
}

void metrics_count(const char *name, const char *help, const char *label, const char *value)
{
    pthread_mutex_lock(&lock);
    count_locked(name, help, label, value);
    pthread_mutex_unlock(&lock);
}

/* The labelled counters, each name's HELP and TYPE once. */
static void render_labelled(struct text *t)
{
    for (size_t i = 0; i < labelled_count; i++) {
        bool first = true;
        for (size_t j = 0; j < i && first; j++)
            first = strcmp(labelled[j].name, labelled[i].name) != 0;
        if (!first) continue;
        append(t, "# HELP %s %s\n# TYPE %s counter\n", labelled[i].name, labelled[i].help,
               labelled[i].name);
        for (size_t j = i; j < labelled_count; j++)
            if (strcmp(labelled[j].name, labelled[i].name) == 0)
                append(t, "%s{%s=\"%s\"} %llu\n", labelled[j].name, labelled[j].label,
                       labelled[j].value, labelled[j].count);
    }
}

char *metrics_render(size_t *len)
{
    struct text t = {0};
    pthread_mutex_lock(&lock);
    append(&t, "# HELP thidua_http_requests_total HTTP requests by route and status.\n"
               "# TYPE thidua_http_requests_total counter\n");
    for (size_t i = 0; i < series_count; i++)
        append(&t, "thidua_http_requests_total{route=\"%s\",status=\"%d\"} %llu\n", series[i].route,
               series[i].status, series[i].count);
    append(&t, "# HELP thidua_http_request_duration_seconds Time spent handling a request.\n"
               "# TYPE thidua_http_request_duration_seconds histogram\n");
    for (size_t i = 0; i < histogram_count; i++) {
        const struct route_histogram *h = &histograms[i];
        for (size_t b = 0; b < BUCKETS; b++)
            append(&t, "thidua_http_request_duration_seconds_bucket{route=\"%s\",le=\"%g\"} %llu\n",
                   h->route, bucket_bounds[b], h->buckets[b]);
        append(&t, "thidua_http_request_duration_seconds_bucket{route=\"%s\",le=\"+Inf\"} %llu\n",
               h->route, h->count);
        append(&t, "thidua_http_request_duration_seconds_sum{route=\"%s\"} %.6f\n", h->route,
               h->sum);
        append(&t, "thidua_http_request_duration_seconds_count{route=\"%s\"} %llu\n", h->route,
               h->count);
    }
    for (size_t i = 0; i < gauge_count; i++)
        append(&t, "# HELP %s %s\n# TYPE %s gauge\n%s %.17g\n", gauges[i].name, gauges[i].help,
               gauges[i].name, gauges[i].name, gauges[i].value);
    render_labelled(&t);
    pthread_mutex_unlock(&lock);
    *len = t.len;
    return t.data;
}
