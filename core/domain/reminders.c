/*
 * reminders.c — the reminder pass. The ruleset decides (engine/remind.lua and the
 * ruleset's reminders.lua): which periods are in a reminder window, which units still owe
 * something, which step speaks, to whom, on which channel and when. This file reads what
 * that needs from the store, and queues the answer in the outbox in one transaction, where
 * the UNIQUE key (unit, recipient, deadline, step, channel) makes a second pass, a second
 * daemon or a restart queue nothing twice.
 */
#include "domain/reminders.h"

#include <stdio.h>
#include <string.h>

#include "domain/events.h"
#include "domain/membership.h"
#include "domain/registration.h"
#include "store/outbox.h"
#include "store/registrations.h"
#include "store/units.h"
#include "util/validate.h"
#include "util/clock.h"
#include "util/json_text.h"

#define KEY_LEN 512

bool reminders_valid_moment(const char *moment)
{
    char date[11];
    int hour, minute;
    char tail;
    if (strlen(moment) != REMINDER_MOMENT_LEN - 1 || moment[10] != 'T') return false;
    snprintf(date, sizeof date, "%.10s", moment);
    if (!valid_date(date) || sscanf(moment + 11, "%2d:%2d%c", &hour, &minute, &tail) != 2)
        return false;
    return moment[13] == ':' && hour >= 0 && hour < 24 && minute >= 0 && minute < 60;
}

void reminders_now(char out[REMINDER_MOMENT_LEN])
{
    char moment[CLOCK_MOMENT_LEN];
    clock_moment(0, moment);
    snprintf(out, REMINDER_MOMENT_LEN, "%.16s", moment);
}

/* {code, name, email, phone} of a unit, or NULL. */
static cJSON *contact_of(struct store *st, const char *code)
{
    cJSON *unit = code ? units_get_json(st, code) : NULL;
    if (!unit) return NULL;
    cJSON *contact = cJSON_CreateObject();
    static const char *const fields[] = {"code", "name", "email", "phone"};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        cJSON_AddItemToObject(
            contact, fields[i],
            cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(unit, fields[i]), 1));
    cJSON_Delete(unit);
    return contact;
}

/* The pass's input: the active periods' units, the units expected to register when the
 * registration reminders are in their window, the Office, the channels. */
static cJSON *pass_input(struct store *st, struct rules_generation *gen, const char *now,
                         const cJSON *channels, size_t *units, char *err, size_t errlen)
{
    cJSON *active = rules_reminder_periods(gen, now, err, errlen);
    if (!active) return NULL;
    cJSON *input = cJSON_CreateObject(), *periods = cJSON_AddObjectToObject(input, "periods");
    cJSON_AddStringToObject(input, "now", now);
    cJSON *names = cJSON_AddArrayToObject(input, "channels");
    for (const cJSON *c = channels ? channels->child : NULL; c; c = c->next)
        cJSON_AddItemToArray(names, cJSON_CreateString(c->string ? c->string : c->valuestring));
    const cJSON *office = cJSON_GetObjectItemCaseSensitive(active, "office");
    cJSON *contact = contact_of(st, cJSON_IsString(office) ? office->valuestring : NULL);
    if (contact) cJSON_AddItemToObject(input, "office", contact);
    const cJSON *code;
    cJSON_ArrayForEach(code, cJSON_GetObjectItemCaseSensitive(active, "periods"))
    {
        const cJSON *p = rules_period(gen, code->valuestring);
        cJSON *list = units_obligations(
            st, code->valuestring, cJSON_GetObjectItemCaseSensitive(p, "report_due")->valuestring,
            membership_day(p));
        *units += (size_t)cJSON_GetArraySize(list);
        cJSON_AddItemToObject(cJSON_AddObjectToObject(periods, code->valuestring), "units",
                              list ? list : cJSON_CreateArray());
    }
    char due[CLOCK_DATE_LEN], effective[CLOCK_DATE_LEN];
    if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(active, "registration")) &&
        registration_deadline(gen, due, effective)) {
        cJSON *list = registrations_expected(st, rules_year(gen), due);
        if (!list) {
            snprintf(err, errlen, "cannot read the registrations: %s", store_errmsg(st));
            cJSON_Delete(active);
            cJSON_Delete(input);
            return NULL;
        }
        *units += (size_t)cJSON_GetArraySize(list);
        cJSON_AddItemToObject(cJSON_AddObjectToObject(input, "registration"), "units", list);
    }
    cJSON_Delete(active);
    return input;
}

/* report.late, once per unit and period, when a report reminder says the unit is late. */
static int tell_late(struct store *st, const cJSON *m)
{
    const char *step = json_text(m, "step");
    if (!events_enabled() || strcmp(json_text(m, "recipient"), "unit") != 0 ||
        strncmp(json_text(m, "deadline"), "report:", 7) != 0 ||
        (step[0] != '+' && strcmp(step, "escalate") != 0))
        return 0;
    char once[KEY_LEN];
    snprintf(once, sizeof once, "%s|%s", json_text(m, "unit"), json_text(m, "deadline"));
    cJSON *event = cJSON_CreateObject();
    cJSON_AddStringToObject(event, "unit", json_text(m, "unit"));
    cJSON_AddStringToObject(event, "deadline", json_text(m, "deadline"));
    return events_queue(st, "report.late", json_text(m, "unit"), once, event);
}

/* Queues every message (one transaction); marks each with "queued": new or not. */
static int queue_messages(struct store *st, struct reminder_pass *out, char *err, size_t errlen)
{
    if (store_begin(st) != 0) {
        snprintf(err, errlen, "the database is busy: %s", store_errmsg(st));
        return -1;
    }
    cJSON *m;
    cJSON_ArrayForEach(m, out->messages)
    {
        char key[KEY_LEN];
        /* The unit is part of the recipient: the Office gets one copy per late unit. */
        snprintf(key, sizeof key, "%s|%s|%s|%s|%s", json_text(m, "unit"), json_text(m, "to"),
                 json_text(m, "deadline"), json_text(m, "step"), json_text(m, "channel"));
        struct outbox_message row = {key,
                                     json_text(m, "unit"),
                                     json_text(m, "channel"),
                                     json_text(m, "to"),
                                     json_text(m, "recipient"),
                                     json_text(m, "deadline"),
                                     json_text(m, "step"),
                                     json_text(m, "subject"),
                                     json_text(m, "text"),
                                     json_text(m, "send_at")};
        bool inserted = false;
        if (outbox_insert(st, &row, &inserted) != 0) {
            snprintf(err, errlen, "cannot queue: %s", store_errmsg(st));
            store_rollback(st);
            return -1;
        }
        cJSON_AddBoolToObject(m, "queued", inserted);
        if (tell_late(st, m) != 0) {
            snprintf(err, errlen, "cannot queue: %s", store_errmsg(st));
            store_rollback(st);
            return -1;
        }
        if (inserted)
            out->queued++;
        else
            out->known++;
    }
    if (store_commit(st) == 0) return 0;
    snprintf(err, errlen, "cannot commit: %s", store_errmsg(st));
    store_rollback(st);
    return -1;
}

/* One year's pass, its messages appended to out's. */
static int run_year(struct store *st, struct rules_generation *gen, const char *now,
                    const cJSON *channels, bool queue, struct reminder_pass *out, char *err,
                    size_t errlen)
{
    size_t units = 0;
    cJSON *input = pass_input(st, gen, now, channels, &units, err, errlen);
    if (!input) return -1;
    struct reminder_pass year = {rules_plan_reminders(gen, input, units, err, errlen), 0, 0};
    cJSON_Delete(input);
    if (!year.messages) return -1;
    if (queue && queue_messages(st, &year, err, errlen) != 0) {
        reminder_pass_free(&year);
        return -1;
    }
    cJSON *m;
    while ((m = cJSON_DetachItemFromArray(year.messages, 0))) {
        /* One vocabulary: every identifier is a code (the contract's "unit" stays). */
        cJSON_AddStringToObject(m, "unit_code", json_text(m, "unit"));
        cJSON_AddItemToArray(out->messages, m);
    }
    out->queued += year.queued;
    out->known += year.known;
    reminder_pass_free(&year);
    return 0;
}

int reminders_run(struct store *st, const struct ruleset *rs, const char *now,
                  const cJSON *channels, bool queue, struct reminder_pass *out, char *err,
                  size_t errlen)
{
    memset(out, 0, sizeof *out);
    out->messages = cJSON_CreateArray();
    for (size_t i = 0; i < rs->count; i++) {
        if (run_year(st, rs->years[i].gen, now, channels, queue, out, err, errlen) != 0) {
            reminder_pass_free(out);
            return -1;
        }
    }
    return 0;
}

void reminder_pass_free(struct reminder_pass *pass)
{
    cJSON_Delete(pass->messages);
    memset(pass, 0, sizeof *pass);
}
