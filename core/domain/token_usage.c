/*
 * token_usage.c — the tokens' last use, batched.
 *
 * Writing `last_used_at` on every request would turn every GET into a write transaction
 * (and wait on any writer). Instead the loop notes (token id, time) in a small table here,
 * one slot per token, and the daemon flushes it once a minute in one transaction: an
 * administrator reading `thiduad token list` sees each token's last use to the minute.
 * More distinct tokens than slots in one minute: the extra ones wait for the next minute's
 * uses (a token in use is noted again).
 */
#include "domain/token_usage.h"

#include <stdlib.h>
#include <time.h>

#include "store/tokens.h"
#include "util/clock.h"

#define USAGE_SLOTS 256

struct token_usage {
    struct {
        long long id;
        time_t at;
    } slots[USAGE_SLOTS];
    size_t count;
};

struct token_usage *token_usage_new(void)
{
    return calloc(1, sizeof(struct token_usage));
}

void token_usage_free(struct token_usage *usage)
{
    free(usage);
}

void token_usage_note(struct token_usage *usage, long long id)
{
    if (!usage || id <= 0) return;
    time_t now = time(NULL);
    for (size_t i = 0; i < usage->count; i++)
        if (usage->slots[i].id == id) {
            usage->slots[i].at = now;
            return;
        }
    if (usage->count < USAGE_SLOTS) {
        usage->slots[usage->count].id = id;
        usage->slots[usage->count].at = now;
        usage->count++;
    }
}

int token_usage_flush(struct token_usage *usage, struct store *st)
{
    if (!usage || usage->count == 0) return 0;
    if (store_begin(st) != 0) return -1;
    int rc = 0;
    for (size_t i = 0; i < usage->count && rc == 0; i++) {
        char at[CLOCK_ISO_LEN];
        clock_iso_at(usage->slots[i].at, at, sizeof at);
        rc = tokens_touch(st, usage->slots[i].id, at);
    }
    if (rc == 0 && store_commit(st) == 0) {
        usage->count = 0;
        return 0;
    }
    store_rollback(st);
    return -1;
}
