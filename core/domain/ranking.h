/* ranking.h — units of a period by score. */
#ifndef THIDUA_DOMAIN_RANKING_H
#define THIDUA_DOMAIN_RANKING_H

#include <cjson/cJSON.h>

#include "store/store.h"

/* {"period","rules_hash","units":[{code,name,score,submitted,titles,rank}]}: every unit
 * with a stored evaluation that exists on the period's last day `period_end` (a closed unit
 * is not ranked: domain/unit_periods.h) and every unit expected to report (0 points if
 * never evaluated), by score then code; equal scores share a rank. NULL when the store
 * fails. */
cJSON *ranking_of_period(struct store *st, const char *rules_hash, const char *period,
                         const char *due, const char *period_end);

#endif
