/*
 * internal.h — a rules generation's insides, shared by load.c (building one) and
 * generation.c (asking one). Private to core/rules/.
 */
#ifndef THIDUA_RULES_INTERNAL_H
#define THIDUA_RULES_INTERNAL_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <openssl/evp.h>
#include <stddef.h>

#include "lua/sandbox.h"
#include "util/buffer.h"
#include "rules/rules.h"

#define RULES_HASH_LEN    65 /* SHA-256 in hex, and its NUL */
#define RULES_SUMMARY_LEN 256
#define RULES_ERR_LEN     1024
#define RULES_PATH_MAX    1024

struct rules_generation {
    struct sandbox *sandbox;
    struct rules_limits limits;
    int engine_ref;   /* the engine's table M, in the registry */
    size_t eval_base; /* bytes held once loaded: an evaluation may add limits.eval_memory */
    char hash[RULES_HASH_LEN];
    char *dir;
    char summary[RULES_SUMMARY_LEN];
    cJSON *periods, *catalog;
    struct sandbox_spawner *spawner; /* rules_prefork's; NULL: calls fork from the caller */
};

/* One .lua file of a ruleset folder (files.c): its path, its name as hashed ("tests/x.lua"
 * for a test), and its bytes (NULL if it could not be read). */
struct rules_file {
    const char *path, *name;
    char *source;
    size_t len;
};
typedef int rules_file_fn(void *ctx, const struct rules_file *file);
/* Calls fn for each .lua file of folder in load order, names prefixed with prefix; returns
 * how many calls did not return 0 (an absent folder has no files). */
int rules_each_file(const char *folder, const char *prefix, rules_file_fn *fn, void *ctx);
/* What the ruleset's hash (and a vetting's key) takes of a file: its name, a NUL, its
 * bytes; and the digest's end as RULES_HASH_LEN hex (the digest is freed). load.c and
 * vetting.c both hash through these, so a vetting's files hash is the generation's. */
void rules_digest_file(EVP_MD_CTX *digest, const struct rules_file *file);
void rules_digest_end(EVP_MD_CTX *digest, char out[RULES_HASH_LEN]);

/* What a load's self-tests ran on (vetting.c): the hash rules_hash will give the files,
 * and the key of the whole vetting — the rule and test files, this build, the limits and
 * today's date. -1 if a file cannot be read or the build has no id (then nothing is
 * remembered: every load is vetted). */
int rules_vetting_key(const char *dir, const struct rules_limits *limits, char key[RULES_HASH_LEN],
                      char files_hash[RULES_HASH_LEN]);

/* Pushes engine.<name>. */
void rules_push_engine_function(struct rules_generation *gen, const char *name);
/* A guarded call into the engine; a memory failure is phrased with the rule that was
 * running (memory_limit tells which cap it hit). 0 or -1 with err. */
int rules_call(struct rules_generation *gen, int nargs, int nresults, long long instructions,
               size_t memory_limit, char *err, size_t errlen);
/* The same, the budget counting only the rules' functions (sandbox_call_engine): for an
 * evaluation, where most instructions are the engine's. */
int rules_call_engine(struct rules_generation *gen, int nargs, int nresults, long long instructions,
                      size_t memory_limit, char *err, size_t errlen);
/* The calls of rules.h, run in this process (generation.c, load.c); process.c runs them in
 * a child under the wall-clock deadline. rules_load_here without self_tests skips them. */
cJSON *rules_validate_facts_here(struct rules_generation *gen, const char *subject,
                                 const cJSON *facts, const cJSON *context);
/* A unit's and its members' evaluations, written onto out as fields (subject, code, score,
 * JSON text, outline each: what a rule process answers, rules_read_results reads them
 * back); on failure out is left as it was. */
int rules_evaluate_unit_fields_here(struct rules_generation *gen, const char *period,
                                    const cJSON *unit, const cJSON *members, struct buffer *out,
                                    char *err, size_t errlen);
cJSON *rules_evaluate_person_here(struct rules_generation *gen, const char *period,
                                  const cJSON *person, char *err, size_t errlen);
cJSON *rules_deadlines_here(struct rules_generation *gen, char *err, size_t errlen);
cJSON *rules_reminder_periods_here(struct rules_generation *gen, const char *now, char *err,
                                   size_t errlen);
cJSON *rules_plan_reminders_here(struct rules_generation *gen, const cJSON *input, size_t units,
                                 char *err, size_t errlen);
struct rules_generation *rules_load_here(const char *dir, const struct rules_limits *limits,
                                         struct rules_report *report, bool self_tests);
/* Bytes across a child's pipe (process.c): a field as "<length>:<bytes>", "-" for none. */
void rules_put_field(struct buffer *b, const char *text, size_t len);
/* A field written in place, its length known once it is: rules_field_open leaves room for
 * the length (a fixed width of digits, which rules_get_field reads like any) and returns
 * where; rules_field_close writes it there once the field's bytes follow. */
size_t rules_field_open(struct buffer *b);
void rules_field_close(struct buffer *b, size_t at);
/* The next field of [*at, end): its start and length; NULL for "-" or when malformed
 * (*ok false then). */
const char *rules_get_field(const char **at, const char *end, size_t *len, bool *ok);
/* The next field as a C string (malloc'd); NULL for "-", when malformed (*ok false) or out
 * of memory. */
char *rules_get_text(const char **at, const char *end, bool *ok);
/* Appends the outline of the public evaluation at index (rules/outline.c); -1 when a field
 * cannot be written. */
int rules_write_outline(lua_State *L, int index, struct buffer *b);
/* A unit's results read back from the fields rules_evaluate_unit_fields_here wrote
 * (subject, code, score, JSON text, outline each): the texts stay in `text`, which out
 * takes over. 0, or -1 when malformed. */
int rules_read_results(char *text, size_t len, struct rules_results *out);

/* Adds function_info to the engine's host table at the top of the stack (introspect.c). */
void rules_push_introspection(lua_State *L);

#endif
