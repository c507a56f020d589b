/*
 * batch_eval.c — `thiduad eval` over a whole province.
 *
 * One evaluation is single-threaded Lua, so a province of 1,000 units and 50,000 people
 * is split into contiguous slices of units, one per core. Workers are forked processes,
 * not threads: each has its own copy of the rules generation (copy-on-write after the
 * load) and opens its own SQLite connection after the fork, so nothing is shared and
 * nothing needs a lock. Each worker writes its slice to an unlinked temporary file; the
 * parent, which evaluates the first slice itself, then copies the others out in order.
 * Each slice's rule processes come from a spawner of its own (rules_prefork).
 * This is a command-line batch: the daemon's request path stays one process, one loop.
 */
#include "cli/batch_eval.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "domain/evaluation.h"
#include "store/store.h"

#define MAX_WORKERS          8
#define UNITS_PER_WORKER_MIN 50 /* below this a fork costs more than it saves */

static void print_line(const cJSON *e, const char *indent, FILE *out)
{
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(e, "name");
    fprintf(out, "%s%s %s: %d điểm", indent,
            cJSON_GetObjectItemCaseSensitive(e, "code")->valuestring,
            cJSON_IsString(name) ? name->valuestring : "",
            cJSON_GetObjectItemCaseSensitive(e, "score")->valueint);
    static const char *const lists[] = {"titles", "nominations"};
    for (int l = 0; l < 2; l++) {
        const cJSON *t;
        cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(e, lists[l]))
        {
            if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(t, "eligible")))
                fprintf(out, "; %s", cJSON_GetObjectItemCaseSensitive(t, "code")->valuestring);
        }
    }
    fputc('\n', out);
}

/* Evaluates units [from, to) and prints them, EVALUATION_BATCH units per rule process;
 * `first` says whether the very first JSON item of the whole output is in this slice (no
 * comma before it). */
static int eval_slice(struct store *st, struct rules_generation *gen, const char *period,
                      const cJSON *units, int from, int to, bool json, bool first, FILE *out)
{
    int rc = 0;
    /* Rule processes from a spawner forked now, while this process is small: forking them
     * from here would share every page of the answers read so far, and each write to a
     * shared page afterwards is a copy (half the province's page faults). */
    rules_prefork(gen);
    const char *codes[EVALUATION_BATCH];
    struct rules_unit_call calls[EVALUATION_BATCH];
    for (int start = from; start < to; start += EVALUATION_BATCH) {
        size_t n = 0;
        for (int i = start; i < to && n < EVALUATION_BATCH; i++)
            codes[n++] = cJSON_GetArrayItem(units, i)->valuestring;
        char err[1024];
        if (evaluation_of_units(st, gen, period, codes, n, calls, err, sizeof err) != 0) {
            fprintf(stderr, "%s: %s\n", period, err);
            return 1;
        }
        for (size_t u = 0; u < n; u++) {
            const struct rules_results *results = &calls[u].results;
            if (calls[u].rc != 0) {
                fprintf(stderr, "%s: %s\n", codes[u], calls[u].err);
                rc = 1;
                continue;
            }
            for (size_t k = 0; k < results->count; k++) {
                if (json) {
                    fprintf(out, "%s\n%s", first ? "" : ",", results->items[k].json);
                    first = false;
                } else {
                    cJSON *e = cJSON_Parse(results->items[k].json);
                    if (e) print_line(e, k == 0 ? "" : "    ", out);
                    cJSON_Delete(e);
                }
            }
        }
        evaluation_units_free(calls, n);
    }
    return rc;
}

static int copy_out(FILE *from, FILE *to)
{
    char buf[1 << 16];
    size_t n;
    rewind(from);
    while ((n = fread(buf, 1, sizeof buf, from)) > 0)
        if (fwrite(buf, 1, n, to) != n) return -1;
    return ferror(from) ? -1 : 0;
}

int batch_eval(const char *database, struct rules_generation *gen, const char *period,
               const cJSON *units, bool json, FILE *out)
{
    int total = cJSON_GetArraySize(units);
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    int workers = (int)(cores > 0 ? cores : 1);
    if (workers > MAX_WORKERS) workers = MAX_WORKERS;
    if (workers > total / UNITS_PER_WORKER_MIN) workers = total / UNITS_PER_WORKER_MIN;
    if (workers < 1) workers = 1;

    struct {
        pid_t pid;
        FILE *file;
    } children[MAX_WORKERS] = {{0}};
    /* Slice w is [total * w / workers, total * (w + 1) / workers). Slices whose worker
     * could not be started are evaluated by the parent, in their place in the output. */
#define SLICE_START(w) ((int)((long)total * (w) / workers))
    int started = 1;
    signal(SIGCHLD, SIG_DFL); /* an inherited SIG_IGN would reap the workers unseen */
    int rc = 0;
    fflush(out);
    fflush(stderr);
    for (int w = 1; w < workers; w++) {
        children[w].file = tmpfile();
        if (!children[w].file) break;
        pid_t pid = fork();
        if (pid < 0) {
            fclose(children[w].file);
            break;
        }
        if (pid == 0) {
            char err[512];
            struct store *st = store_open(database, err, sizeof err);
            if (!st) {
                fprintf(stderr, "worker %d: %s\n", w, err);
                _exit(2);
            }
            int status = eval_slice(st, gen, period, units, SLICE_START(w), SLICE_START(w + 1),
                                    json, false, children[w].file);
            fflush(children[w].file);
            fflush(stderr);
            /* No store_close, no exit handlers: leave the parent's resources alone. */
            _exit(status);
        }
        children[w].pid = pid;
        started = w + 1;
    }

    char err[512];
    struct store *st = store_open(database, err, sizeof err);
    if (!st) {
        fprintf(stderr, "%s\n", err);
        rc = 1;
    }
    if (json) fputc('[', out);
    if (st) rc |= eval_slice(st, gen, period, units, 0, SLICE_START(1), json, true, out);
    for (int w = 1; w < workers; w++) {
        if (w >= started) { /* no worker for this slice: do it here */
            if (st)
                rc |= eval_slice(st, gen, period, units, SLICE_START(w), SLICE_START(w + 1), json,
                                 false, out);
            continue;
        }
        int status = 0;
        pid_t waited;
        while ((waited = waitpid(children[w].pid, &status, 0)) < 0 && errno == EINTR) {
        }
        if (waited < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) rc = 1;
        if (copy_out(children[w].file, out) != 0) rc = 1;
        fclose(children[w].file);
    }
#undef SLICE_START
    if (json) fputs("\n]\n", out);
    store_close(st);
    return rc;
}
