/*
 * prizes.h — the prize money the year's ruleset declares (campaign.base_salary and
 * campaign.prizes): each title or commendation's prize is a multiple of the base salary
 * (mức lương cơ sở), per subject. Read from the rules catalog; the nomination files and the
 * consolidated report both price their lists here.
 */
#ifndef THIDUA_DOMAIN_PRIZES_H
#define THIDUA_DOMAIN_PRIZES_H

#include <cjson/cJSON.h>

/* The declared base salary {amount, from, source}, or NULL. */
const cJSON *prizes_base_salary(const cJSON *catalog);

/* The base salary's amount in đồng, 0 when none is declared. */
double prizes_base_amount(const cJSON *catalog);

/* The declared prize of (title, subject): {title, subject, multiple, source}, or NULL. */
const cJSON *prizes_of(const cJSON *catalog, const char *title, const char *subject);

/* A prize in đồng: its multiple times the base salary, rounded to the đồng; 0 for NULL. */
double prizes_amount(const cJSON *prize, double base_amount);

#endif
