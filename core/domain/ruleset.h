/*
 * ruleset.h — the rules in service: one generation per campaign year, side by side, and how
 * they are replaced together.
 *
 * `rules/2025/` and `rules/2026/` load as two generations; a period is evaluated by the
 * generation whose campaign declares it, so adding or changing 2026 never touches a 2025
 * result. A reload loads every year: if any year is broken, none is swapped in.
 */
#ifndef THIDUA_DOMAIN_RULESET_H
#define THIDUA_DOMAIN_RULESET_H

#include <stdbool.h>
#include <stddef.h>

#include "rules/rules.h"
#include "store/store.h"

/* One campaign year's rules. */
struct ruleset_year {
    char *dir;                    /* its folder */
    struct rules_generation *gen; /* loaded and self-tested */
    char loaded_at[40];           /* when this generation was loaded (ISO, local time) */
};

/* The last reload that was refused, kept until one succeeds: when, and its problems
 * (`file:line: message`), so the console shows whether an edited file took. */
struct ruleset_refusal {
    char at[40]; /* "" while none */
    char **problems;
    size_t count;
};

struct ruleset {
    struct ruleset_year *years; /* oldest first; none until a load succeeds */
    size_t count;
    char *root; /* the folder of year folders (or one ruleset folder) */
    struct rules_limits limits;
    unsigned long generation; /* how many swaps so far */
    /* A reload is being prepared beside the serving rules (daemon/reload.c): it holds the
     * database's write lock, so nothing else may write until it is swapped in or refused
     * (the API answers writes 503 reload_in_progress; the reminder pass and the outbox's
     * sender wait for their next turn). */
    bool reloading;
    struct ruleset_refusal refused;
    /* The daemon's: each generation put in service starts its spawner (rules_prefork), so
     * its rule processes are not forked from the daemon. */
    bool prefork;
    /* A command's memory of the vettings that passed today (cli/common.c); NULL: every
     * load runs its self-tests (the daemon, `check`, `test`). */
    const struct rules_vetted *vetted;
};

/* A reload prepared and not yet swapped in: the new set, and what its load said. */
struct ruleset_pending {
    int rc; /* 0: ready to swap in; -1: refused (report says why) */
    struct ruleset_year *years;
    size_t count;
    bool *fresh;
    long recomputed;
    struct rules_report report;
};

/* Remembers rules_root; checks it holds a ruleset. Does not load. */
int ruleset_init(struct ruleset *rs, const char *rules_root, char *err, size_t errlen);

/* Loads every year's folder found under the root now (a new year folder is picked up).
 * Each year whose rules changed has its stored evaluations of open periods recomputed, all
 * in one transaction (st NULL: nothing is recomputed, as for the command line). Only if
 * every year loads and every recompute succeeds is the new set swapped in; a year whose
 * rules are byte-for-byte unchanged keeps its generation and its results untouched. On
 * failure the previous set keeps serving and report says why. Returns 0 or -1. */
int ruleset_reload(struct ruleset *rs, struct store *st, struct rules_report *report,
                   long *recomputed);

/* ruleset_reload in two halves, so the long one can run off the serving loop: prepare
 * loads every year and recomputes what changed in one transaction on st (a connection of
 * its own when it runs in another thread), reading rs but changing nothing in it (the rules
 * in rs keep serving meanwhile; nothing may change rs until finish). Finish, on the thread
 * that owns rs, swaps the prepared set in (or logs why it was refused) and hands its report
 * over (the caller frees it). Both return 0 or -1. */
int ruleset_reload_prepare(const struct ruleset *rs, struct store *st, struct ruleset_pending *p);
int ruleset_reload_finish(struct ruleset *rs, struct ruleset_pending *p,
                          struct rules_report *report, long *recomputed);

/* Loads every year as ruleset_reload does, without a database and without logging (the
 * command line prints the report itself). 0, or -1 with report saying why. */
int ruleset_load(struct ruleset *rs, struct rules_report *report);

/* Recomputes the open periods with facts of every year after `year`, in one transaction:
 * what a change to past years' titles (which the rules read) asks for. The number of
 * subjects stored, or -1 with err. */
long ruleset_recompute_after(const struct ruleset *rs, struct store *st, int year, char *err,
                             size_t errlen);

bool ruleset_loaded(const struct ruleset *rs);
/* The generation whose campaign declares the period, or NULL. */
struct rules_generation *ruleset_for_period(const struct ruleset *rs, const char *period);
/* The generation of a campaign year ("2025"), or NULL. */
struct rules_generation *ruleset_of_year(const struct ruleset *rs, const char *year);
/* The newest year's generation, or NULL. */
struct rules_generation *ruleset_newest(const struct ruleset *rs);
/* "rules/2025 (hash), rules/2026 (hash)" for logs and summaries; malloc'd. */
char *ruleset_describe(const struct ruleset *rs);

void ruleset_free(struct ruleset *rs);

#endif
