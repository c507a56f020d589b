/* facts_import.h — `thiduad import facts FILE.csv`: bulk facts, checked against the rules. */
#ifndef THIDUA_FACTS_IMPORT_H
#define THIDUA_FACTS_IMPORT_H

#include "csv_import.h"
#include "rules.h"

/* Reads period,subject,code,fact,value rows; each (period, subject, code) becomes one new
 * facts version (skipped if equal to the stored one); the units concerned are re-evaluated.
 * All rows are checked first; any problem and nothing is written. */
int import_facts(struct store *st, struct rules_generation *gen, const char *path,
                 const char *actor, struct import_summary *summary, struct import_errors *errors);

#endif
