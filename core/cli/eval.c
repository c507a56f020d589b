/* eval.c — `thiduad eval --period P [--unit CODE] [--json]`: evaluate units and their
 * people from the stored facts, nothing stored (cli/batch_eval.c spreads the work). */
#include <stdio.h>

#include "cli/batch_eval.h"
#include "cli/cli.h"
#include "domain/membership.h"
#include "store/units.h"

/* The units to evaluate: the one asked for, or every unit of the period (those existing on
 * its last day, domain/unit_periods.h, and any with facts of it). */
static cJSON *units_of(struct store *st, const cJSON *period, const struct cli *cli)
{
    if (!cli->unit)
        return units_to_evaluate(st, cli->period, membership_day(period), membership_day(period),
                                 membership_day(period));
    if (!units_exists(st, cli->unit)) {
        fprintf(stderr, "no unit has the code \"%s\"\n", cli->unit);
        return NULL;
    }
    cJSON *units = cJSON_CreateArray();
    cJSON_AddItemToArray(units, cJSON_CreateString(cli->unit));
    return units;
}

int cmd_eval(const struct config *cfg, const struct cli *cli)
{
    if (!cli->period) return cli_usage();
    struct store *st = cli_open_store(cfg, true);
    if (!st) return cli_store_failed();
    struct ruleset rs;
    bool loaded = cli_load_rules(cfg, cli, true, st, &rs) == 0;
    struct rules_generation *gen = ruleset_for_period(&rs, cli->period);
    const cJSON *period = gen ? rules_period(gen, cli->period) : NULL;
    cJSON *units = NULL;
    if (loaded && !period) fprintf(stderr, "no campaign has a period \"%s\"\n", cli->period);
    if (period) units = units_of(st, period, cli);
    /* Workers open their own connections: the CLI's own is closed first. */
    store_close(st);
    int rc = !loaded ? EX_CONFIG : !units ? EX_DATAERR : 0;
    if (units && batch_eval(cfg->database, gen, cli->period, units, cli->json, stdout) != 0)
        rc = EX_SOFTWARE;
    cJSON_Delete(units);
    ruleset_free(&rs);
    return rc;
}
