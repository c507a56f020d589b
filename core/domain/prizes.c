/*
 * prizes.c — the ruleset's prize declarations read from the rules catalog (see prizes.h).
 */
#include <math.h>
#include <string.h>

#include "domain/prizes.h"
#include "util/json_text.h"

const cJSON *prizes_base_salary(const cJSON *catalog)
{
    const cJSON *base = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(catalog, "campaign"), "base_salary");
    return cJSON_IsObject(base) ? base : NULL;
}

double prizes_base_amount(const cJSON *catalog)
{
    const cJSON *amount = cJSON_GetObjectItemCaseSensitive(prizes_base_salary(catalog), "amount");
    return cJSON_IsNumber(amount) ? amount->valuedouble : 0;
}

const cJSON *prizes_of(const cJSON *catalog, const char *title, const char *subject)
{
    const cJSON *p;
    cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(catalog, "prizes"))
    {
        if (strcmp(json_text(p, "title"), title) == 0 &&
            strcmp(json_text(p, "subject"), subject) == 0)
            return p;
    }
    return NULL;
}

double prizes_amount(const cJSON *prize, double base_amount)
{
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(prize, "multiple");
    return cJSON_IsNumber(m) ? round(m->valuedouble * base_amount) : 0;
}
