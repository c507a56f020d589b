/* ruleset.h — the rules generation in service, and how it is replaced. */
#ifndef THIDUA_DOMAIN_RULESET_H
#define THIDUA_DOMAIN_RULESET_H

#include <stddef.h>

#include "rules/rules.h"
#include "store/store.h"

struct ruleset {
    struct rules_generation *active; /* NULL until a load succeeds */
    char *dir;                       /* the ruleset folder */
    struct rules_limits limits;
    unsigned long generation; /* how many swaps so far */
};

/* Finds the ruleset under rules_root (or uses `dir` as is). Does not load. */
int ruleset_init(struct ruleset *rs, const char *rules_root, char *err, size_t errlen);
/* Loads a new generation and re-evaluates every stored evaluation with it (one
 * transaction); only if both succeed is it swapped in and the old one freed. On failure the
 * active generation keeps serving and report says why. Returns 0 or -1. */
int ruleset_reload(struct ruleset *rs, struct store *st, struct rules_report *report,
                   long *recomputed);
void ruleset_free(struct ruleset *rs);

#endif
