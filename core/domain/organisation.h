/* organisation.h — writing the organisation: units and people, as the imports bring them. */
#ifndef THIDUA_DOMAIN_ORGANISATION_H
#define THIDUA_DOMAIN_ORGANISATION_H

#include <stddef.h>

#include "store/people.h"
#include "store/units.h"

/* Writes every unit in one transaction: all or nothing. Parents may come in any order.
 * Rows equal to the stored ones change nothing and leave no audit line. 0 with *changed,
 * or -1 with err (in Vietnamese: it is shown to the clerk). */
int organisation_put_units(struct store *st, const struct unit_row *units, size_t n,
                           const char *actor, size_t *changed, char *err, size_t errlen);
/* The same for people; a unit's head may change hands within the batch. */
int organisation_put_people(struct store *st, const struct person_row *people, size_t n,
                            const char *actor, size_t *changed, char *err, size_t errlen);

#endif
