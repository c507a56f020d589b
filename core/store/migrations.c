/*
 * migrations.c — the schema and its forward migrations.
 *
 * The schema version lives in PRAGMA user_version. Migrations only ever move forward: each
 * entry of `migrations` takes the schema from version i to i+1 and runs in one transaction
 * together with the user_version bump, so a crash mid-migration leaves the old version
 * intact. A new table family adds an entry here and a file of its own beside this one.
 */
#include <stdio.h>

#include "store/internal.h"

static const char *const migrations[] = {
    /* 1: units, people, API tokens, the audit log. */
    "CREATE TABLE units ("
    "  code TEXT PRIMARY KEY,"
    "  name TEXT NOT NULL,"
    "  parent_code TEXT REFERENCES units(code),"
    "  kind TEXT NOT NULL CHECK (kind IN ('department','office','unit','district')),"
    "  email TEXT NOT NULL DEFAULT '',"
    "  phone TEXT NOT NULL DEFAULT '',"
    "  valid_from TEXT,"
    "  valid_to TEXT,"
    "  merged_into TEXT REFERENCES units(code),"
    "  updated_at TEXT NOT NULL"
    ");"
    "CREATE INDEX units_parent ON units(parent_code);"
    "CREATE TABLE people ("
    "  code TEXT PRIMARY KEY,"
    "  full_name TEXT NOT NULL,"
    "  unit_code TEXT NOT NULL REFERENCES units(code),"
    "  position TEXT NOT NULL DEFAULT '',"
    "  is_head INTEGER NOT NULL DEFAULT 0 CHECK (is_head IN (0,1)),"
    "  email TEXT NOT NULL DEFAULT '',"
    "  phone TEXT NOT NULL DEFAULT '',"
    "  hired_on TEXT,"
    "  updated_at TEXT NOT NULL"
    ");"
    "CREATE INDEX people_unit ON people(unit_code);"
    "CREATE UNIQUE INDEX people_one_head ON people(unit_code) WHERE is_head = 1;"
    "CREATE TABLE tokens ("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL,"
    "  scope TEXT NOT NULL,"
    "  hash TEXT NOT NULL UNIQUE,"
    "  created_at TEXT NOT NULL,"
    "  revoked_at TEXT"
    ");"
    "CREATE TABLE audit ("
    "  id INTEGER PRIMARY KEY,"
    "  at TEXT NOT NULL,"
    "  actor TEXT NOT NULL,"
    "  action TEXT NOT NULL,"
    "  entity TEXT NOT NULL,"
    "  code TEXT NOT NULL,"
    "  detail TEXT"
    ");",

    /* 2: facts as append-only versions, and the stored evaluations with their rules hash. */
    "CREATE TABLE fact_versions ("
    "  id INTEGER PRIMARY KEY,"
    "  period TEXT NOT NULL,"
    "  subject TEXT NOT NULL CHECK (subject IN ('unit','person')),"
    "  code TEXT NOT NULL,"
    "  version INTEGER NOT NULL,"
    "  facts TEXT NOT NULL,"
    "  note TEXT NOT NULL DEFAULT '',"
    "  submitted_at TEXT NOT NULL,"
    "  submitted_by TEXT NOT NULL,"
    "  UNIQUE (period, subject, code, version)"
    ");"
    "CREATE TABLE evaluations ("
    "  period TEXT NOT NULL,"
    "  subject TEXT NOT NULL,"
    "  code TEXT NOT NULL,"
    "  rules_hash TEXT NOT NULL,"
    "  score INTEGER NOT NULL,"
    "  result TEXT NOT NULL,"
    "  evaluated_at TEXT NOT NULL,"
    "  PRIMARY KEY (period, subject, code)"
    ");",

    /* 3: the outbox: every notification, queued in the transaction that decided it, sent
     * at most once per key (recipient, deadline, step, channel). */
    "CREATE TABLE outbox ("
    "  id INTEGER PRIMARY KEY,"
    "  key TEXT NOT NULL UNIQUE,"
    "  unit TEXT NOT NULL,"
    "  channel TEXT NOT NULL,"
    "  recipient TEXT NOT NULL,"
    "  role TEXT NOT NULL DEFAULT 'unit',"
    "  deadline TEXT NOT NULL,"
    "  step TEXT NOT NULL,"
    "  subject TEXT NOT NULL DEFAULT '',"
    "  body TEXT NOT NULL,"
    "  send_at TEXT NOT NULL,"
    "  status TEXT NOT NULL DEFAULT 'queued'"
    "    CHECK (status IN ('queued','sending','sent','failed','cancelled')),"
    "  attempts INTEGER NOT NULL DEFAULT 0,"
    "  next_try TEXT NOT NULL,"
    "  last_error TEXT,"
    "  segments INTEGER,"
    "  created_at TEXT NOT NULL,"
    "  sent_at TEXT"
    ");"
    "CREATE INDEX outbox_due ON outbox(status, next_try);"
    "CREATE INDEX outbox_unit ON outbox(unit);",

    /* 4: what a channel keeps between sends (Zalo's access and refresh tokens, which rotate
     * on every refresh). */
    "CREATE TABLE channel_state ("
    "  channel TEXT NOT NULL,"
    "  key TEXT NOT NULL,"
    "  value TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL,"
    "  PRIMARY KEY (channel, key)"
    ");",

    /* 5: closed periods (their results are records: never recomputed, never written), and
     * the titles people and units earned, in years before this system or stored when a
     * year's period closed — what the conditions spanning years read. */
    "CREATE TABLE period_closures ("
    "  period TEXT PRIMARY KEY,"
    "  closed_at TEXT NOT NULL,"
    "  closed_by TEXT NOT NULL,"
    "  reason TEXT NOT NULL DEFAULT ''"
    ");"
    "CREATE TABLE titles_awarded ("
    "  year INTEGER NOT NULL,"
    "  subject TEXT NOT NULL CHECK (subject IN ('unit','person')),"
    "  code TEXT NOT NULL,"
    "  title TEXT NOT NULL,"
    "  source TEXT NOT NULL,"
    "  recorded_at TEXT NOT NULL,"
    "  PRIMARY KEY (year, subject, code, title)"
    ");"
    "CREATE INDEX titles_awarded_subject ON titles_awarded(subject, code);",

    /* 6: people keep their history: one row per stay of a person in a unit, [since, until)
     * (since NULL = since the person joined, until NULL = still there; a move on day D ends
     * one stay at D and starts the next at D), with the position and headship held there.
     * people.unit_code stays the current unit. Every person today gets one open stay. */
    "CREATE TABLE memberships ("
    "  id INTEGER PRIMARY KEY,"
    "  person TEXT NOT NULL REFERENCES people(code),"
    "  unit TEXT NOT NULL REFERENCES units(code),"
    "  position TEXT NOT NULL DEFAULT '',"
    "  is_head INTEGER NOT NULL DEFAULT 0 CHECK (is_head IN (0,1)),"
    "  since TEXT,"
    "  until TEXT,"
    "  CHECK (since IS NULL OR until IS NULL OR since < until)"
    ");"
    "CREATE INDEX memberships_person ON memberships(person, since);"
    "CREATE INDEX memberships_unit ON memberships(unit);"
    "CREATE UNIQUE INDEX memberships_one_open ON memberships(person) WHERE until IS NULL;"
    "INSERT INTO memberships (person, unit, position, is_head, since, until) "
    "  SELECT code, unit_code, position, is_head, NULL, NULL FROM people;",

    /* 7: the (period, unit) pairs whose evaluation failed on their stored facts (a rule
     * that errors at run time): the facts stay stored, the failure is kept here with the
     * rule's "file:line: message" until an evaluation of the pair succeeds. */
    "CREATE TABLE evaluation_failures ("
    "  period TEXT NOT NULL,"
    "  unit TEXT NOT NULL,"
    "  error TEXT NOT NULL,"
    "  rules_hash TEXT NOT NULL,"
    "  failed_at TEXT NOT NULL,"
    "  PRIMARY KEY (period, unit)"
    ");",

    /* 8: registrations of emulation targets (đăng ký thi đua), append-only: each version is
     * what a unit registered for itself and its people in a campaign year, as JSON
     * {"titles": [...], "people": {code: [...]}}; the first version's date says whether
     * the unit registered on time. */
    "CREATE TABLE registrations ("
    "  id INTEGER PRIMARY KEY,"
    "  year INTEGER NOT NULL,"
    "  unit TEXT NOT NULL REFERENCES units(code),"
    "  version INTEGER NOT NULL,"
    "  targets TEXT NOT NULL,"
    "  note TEXT NOT NULL DEFAULT '',"
    "  submitted_at TEXT NOT NULL,"
    "  submitted_by TEXT NOT NULL,"
    "  UNIQUE (year, unit, version)"
    ");",

    /* 9: a token's last use (written at most once a minute, daemon/daemon.c), and one live
     * token per name: older duplicates keep their name, later ones get "-ID" appended. */
    "ALTER TABLE tokens ADD COLUMN last_used_at TEXT;"
    "UPDATE tokens SET name = name || '-' || id WHERE revoked_at IS NULL AND id NOT IN "
    "  (SELECT min(id) FROM tokens WHERE revoked_at IS NULL GROUP BY name);"
    "CREATE UNIQUE INDEX tokens_live_name ON tokens(name) WHERE revoked_at IS NULL;",

    /* 10: a subject's first submission without reading all its versions (whether a report
     * was late is asked with every submission's answer, store/facts.c); each evaluation's
     * outline, what the consolidated report reads of it (rules/outline.c), made here for
     * the evaluations stored before. */
    "CREATE INDEX fact_versions_first ON fact_versions(period, subject, code, submitted_at);"
    "ALTER TABLE evaluations ADD COLUMN outline TEXT;"
    "UPDATE evaluations SET outline = json_object("
    "  'name', json_extract(result, '$.name'),"
    "  'unit_code', json_extract(result, '$.unit_code'),"
    "  'score', json_extract(result, '$.score'),"
    "  'criteria', json(coalesce((SELECT json_group_object(json_extract(c.value, '$.id'),"
    "    json_extract(c.value, '$.points')) FROM json_each(result, '$.criteria') AS c), '{}')),"
    "  'titles', json(coalesce((SELECT json_group_array(json_extract(t.value, '$.code'))"
    "    FROM json_each(result, '$.titles') AS t WHERE json_extract(t.value, '$.eligible')),"
    "    '[]')),"
    "  'nominations', json(coalesce((SELECT json_group_array(json_extract(n.value, '$.code'))"
    "    FROM json_each(result, '$.nominations') AS n"
    "    WHERE json_extract(n.value, '$.eligible')), '[]')));",

    /* 11: the rules' vettings that passed today, by key (store/vettings.c): a command that
     * reads the rules does not run the same self-tests again (rules/vetting.c); and the
     * outlines in an index of their own, so the consolidated report reads 50,000 of them
     * without reading the whole evaluations they sit behind (~3 KB each, overflow pages). */
    "CREATE INDEX evaluations_outline ON evaluations(period, subject, code, outline);"
    "CREATE TABLE rules_vettings ("
    "  key TEXT PRIMARY KEY,"
    "  vetted_at TEXT NOT NULL"
    ");",
};

#define MIGRATION_COUNT ((int)(sizeof migrations / sizeof migrations[0]))

int store_schema_latest(void)
{
    return MIGRATION_COUNT;
}

int store_schema_version(struct store *st)
{
    sqlite3_stmt *stmt = store_prepare(st, "PRAGMA user_version");
    int version = -1;
    if (stmt && sqlite3_step(stmt) == SQLITE_ROW) version = sqlite3_column_int(stmt, 0);
    store_done(st, stmt);
    return version;
}

/* Takes the schema from version v to v + 1, in one transaction. */
static int migrate_one(struct store *st, int v, char *err, size_t errlen)
{
    char msg[512], bump[64];
    if (store_exec(st, "BEGIN IMMEDIATE", msg, sizeof msg) != 0) goto fail;
    snprintf(bump, sizeof bump, "PRAGMA user_version=%d", v + 1);
    if (store_exec(st, migrations[v], msg, sizeof msg) != 0 ||
        store_exec(st, bump, msg, sizeof msg) != 0 ||
        store_exec(st, "COMMIT", msg, sizeof msg) != 0)
        goto fail;
    return 0;
fail:
    store_rollback(st);
    snprintf(err, errlen, "migration %d: %s", v + 1, msg);
    return -1;
}

int store_migrate(struct store *st, char *err, size_t errlen)
{
    int version = store_schema_version(st);
    if (version < 0) {
        snprintf(err, errlen, "cannot read the schema version: %s", store_errmsg(st));
        return -1;
    }
    if (version > MIGRATION_COUNT) {
        snprintf(err, errlen,
                 "the database is at schema version %d, newer than this build knows (%d)", version,
                 MIGRATION_COUNT);
        return -1;
    }
    for (int v = version; v < MIGRATION_COUNT; v++)
        if (migrate_one(st, v, err, errlen) != 0) return -1;
    return 0;
}
