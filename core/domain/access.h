/* access.h — what a token may read: the scope table of README.md ("Who reads what").
 *
 * People's names, contacts, hiring dates, ratings and discipline are personal data (Nghị
 * định 13/2023/NĐ-CP; Luật Bảo vệ dữ liệu cá nhân số
 * 91/2025/QH15, in force from 01/01/2026 — *check* the number). An
 * `admin` token and a `read` token (a system allowed to read everything) read all of it; a
 * `unit:CODE` token reads its own unit's people and evaluations only. What every token
 * reads — units, status, ranking, the rules, the deadlines — carries no personal data. */
#ifndef THIDUA_DOMAIN_ACCESS_H
#define THIDUA_DOMAIN_ACCESS_H

#include <stdbool.h>

#include "domain/tokens.h"
#include "rules/rules.h"
#include "store/store.h"

/* True for the scopes that read every unit's personal data (admin, read). */
bool access_reads_all(const struct principal *who);

/* The unit whose personal data alone `who` reads (a unit token's unit), or NULL when it
 * reads every unit's. */
const char *access_only_unit(const struct principal *who);

/* True when `who` may read the people and evaluations of `unit`. */
bool access_reads_unit(const struct principal *who, const char *unit);

/* True when `who` may read a person's data: in a period (gen and period given), when the
 * person was a member of the token's unit in that period (domain/membership.h decides);
 * without a period, when the person belongs to the token's unit today. */
bool access_reads_person(struct store *st, const struct principal *who,
                         struct rules_generation *gen, const char *period, const char *person);

#endif
