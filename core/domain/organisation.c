/*
 * organisation.c — units and people written as one change each: one transaction, one
 * audit line per row that changed, nothing half-written.
 *
 * Units are inserted without their parent and merge links first, then linked, so a file
 * may list a unit before its parent. People who stop being heads are written before the
 * new heads, so a change of head never meets the one-head-per-unit index half done.
 * A person whose unit changes is moved, not rewritten: their earlier stays are kept
 * (domain/membership.h dates the move).
 */
#include "domain/organisation.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/membership.h"
#include "store/audit.h"
#include "util/clock.h"

#define AUDIT_DETAIL_LEN 200

static int begin(struct store *st, char *err, size_t errlen)
{
    if (store_begin(st) == 0) return 0;
    snprintf(err, errlen, "cơ sở dữ liệu đang bận: %s", store_errmsg(st));
    return -1;
}

static int finish(struct store *st, int rc, char *err, size_t errlen)
{
    if (rc != 0) {
        snprintf(err, errlen, "lỗi cơ sở dữ liệu: %s", store_errmsg(st));
        store_rollback(st);
        return -1;
    }
    if (store_commit(st) != 0) {
        snprintf(err, errlen, "không ghi được: %s", store_errmsg(st));
        store_rollback(st);
        return -1;
    }
    return 0;
}

/* Pass 0 inserts new units without links; pass 1 writes every unit whole. */
static int put_unit(struct store *st, const struct unit_row *u, int pass, bool *inserted,
                    const char *actor, size_t *changed)
{
    if (pass == 0) {
        if (units_exists(st, u->code)) return 0;
        struct unit_row bare = *u;
        bare.parent_code = bare.merged_into = NULL;
        return units_upsert(st, &bare, inserted);
    }
    bool row_changed = false;
    if (units_upsert(st, u, &row_changed) != 0) return -1;
    if (!row_changed && !*inserted) return 0;
    (*changed)++;
    return audit_append(st, actor, "import", "unit", u->code, NULL);
}

int organisation_put_units(struct store *st, const struct unit_row *units, size_t n,
                           const char *actor, size_t *changed, char *err, size_t errlen)
{
    *changed = 0;
    bool *inserted = calloc(n ? n : 1, sizeof *inserted);
    if (!inserted) {
        snprintf(err, errlen, "hết bộ nhớ");
        return -1;
    }
    int rc = begin(st, err, errlen);
    if (rc == 0) {
        for (int pass = 0; pass < 2 && rc == 0; pass++)
            for (size_t i = 0; i < n && rc == 0; i++)
                rc = put_unit(st, &units[i], pass, &inserted[i], actor, changed);
        rc = finish(st, rc, err, errlen);
    }
    free(inserted);
    return rc;
}

/* A person's row and the stay it starts or the move it brings (membership.h), with the
 * audit lines: "import" when the row changed, "move" with {from, to, on} for a move. */
static int put_person(struct store *st, const struct person_row *p, const char *today,
                      const char *actor, size_t *changed, char *why, size_t whylen)
{
    char day[CLOCK_DATE_LEN], *from = people_unit_of(st, p->code);
    enum membership_change change = membership_plan(st, p, today, day, why, whylen);
    bool row_changed = false;
    /* The row first: a new person's stay refers to it. */
    int rc = change == MEMBERSHIP_BAD_DATE ? -1 : people_upsert(st, p, &row_changed);
    if (rc == 0) rc = membership_record(st, p, change, day);
    if (rc == 0 && row_changed) {
        (*changed)++;
        rc = audit_append(st, actor, "import", "person", p->code, NULL);
    }
    if (rc == 0 && change == MEMBERSHIP_MOVE) {
        char detail[AUDIT_DETAIL_LEN];
        snprintf(detail, sizeof detail, "{\"from\":\"%s\",\"to\":\"%s\",\"on\":\"%s\"}",
                 from ? from : "", p->unit_code, day);
        rc = audit_append(st, actor, "move", "person", p->code, detail);
    }
    free(from);
    return rc;
}

int organisation_put_people(struct store *st, const struct person_row *people, size_t n,
                            const char *actor, size_t *changed, char *err, size_t errlen)
{
    *changed = 0;
    if (begin(st, err, errlen) != 0) return -1;
    char today[CLOCK_DATE_LEN], why[AUDIT_DETAIL_LEN * 2] = "";
    clock_today(today);
    int rc = 0;
    for (int pass = 0; pass < 2 && rc == 0; pass++) {
        for (size_t i = 0; i < n && rc == 0; i++) {
            if (people[i].is_head != (pass == 1)) continue; /* heads last */
            rc = put_person(st, &people[i], today, actor, changed, why, sizeof why);
        }
    }
    if (rc != 0 && why[0]) {
        snprintf(err, errlen, "%s", why);
        store_rollback(st);
        return -1;
    }
    return finish(st, rc, err, errlen);
}
