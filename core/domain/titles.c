/* titles.c — recording past years' titles: one transaction, one audit line. */
#include "domain/titles.h"

#include <stdio.h>

#include "store/audit.h"
#include "store/titles.h"

int titles_put(struct store *st, const struct title_record *rows, size_t n, const char *actor,
               size_t *added, char *err, size_t errlen)
{
    *added = 0;
    if (store_begin(st) != 0) {
        snprintf(err, errlen, "cơ sở dữ liệu đang bận: %s", store_errmsg(st));
        return -1;
    }
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        int put =
            titles_record(st, rows[i].year, rows[i].subject, rows[i].code, rows[i].title, "import");
        if (put < 0) rc = -1;
        if (put > 0) (*added)++;
    }
    char detail[64];
    snprintf(detail, sizeof detail, "{\"rows\":%zu,\"added\":%zu}", n, *added);
    if (rc == 0) rc = audit_append(st, actor, "import", "titles", "", detail);
    if (rc == 0) rc = store_commit(st);
    if (rc != 0) {
        snprintf(err, errlen, "%s", store_errmsg(st));
        store_rollback(st);
        *added = 0;
    }
    return rc;
}
