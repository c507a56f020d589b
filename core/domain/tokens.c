/*
 * tokens.c — API tokens: creating one (the only write, audited, in one transaction),
 * parsing a scope, and checking a presented token.
 *
 * A token is "thd_" followed by 32 random bytes (OpenSSL's RAND_bytes) in base64url. Only
 * the SHA-256 of the whole token is stored, so a copy of the database does not hand out
 * access; the token itself is printed once, at creation. 256 bits of randomness make a
 * salt and a slow hash unnecessary: nobody can guess a preimage, and the lookup stays one
 * indexed query per request — or none: a token found is remembered with the database's
 * data version (store_data_version), and believed again only while that version stands.
 * Any commit (a revoke from this process or from `thiduad token revoke` in another) moves
 * it, so a revoked token is refused from the next request on, as before.
 */
#include "domain/tokens.h"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <string.h>

#include "domain/audit_trail.h"
#include "store/audit.h"
#include "store/tokens.h"
#include "store/units.h"
#include "util/sha256.h"
#include "util/text.h"
#include "util/validate.h"

#define TOKEN_PREFIX       "thd_"
#define TOKEN_PREFIX_LEN   4
#define TOKEN_RANDOM_BYTES 32  /* 256 bits */
#define TOKEN_MAX_LEN      100 /* longer is not one of ours: refused before hashing */
#define SHA256_HEX_LEN     65

static void sha256_hex(const char *text, char out[SHA256_HEX_LEN])
{
    unsigned char digest[SHA256_BYTES];
    sha256(text, strlen(text), digest);
    text_hex(digest, SHA256_BYTES, out);
}

bool token_parse_scope(const char *text, struct principal *out)
{
    memset(out, 0, sizeof *out);
    if (strcmp(text, "admin") == 0) {
        out->scope = SCOPE_ADMIN;
    } else if (strcmp(text, "read") == 0) {
        out->scope = SCOPE_READ;
    } else if (strncmp(text, UNIT_SCOPE_PREFIX, strlen(UNIT_SCOPE_PREFIX)) == 0 &&
               valid_code(text + strlen(UNIT_SCOPE_PREFIX))) {
        out->scope = SCOPE_UNIT;
        snprintf(out->unit, sizeof out->unit, "%s", text + strlen(UNIT_SCOPE_PREFIX));
    } else {
        return false;
    }
    return true;
}

int token_create(struct store *st, const char *name, const char *scope, char *out, size_t outlen,
                 char *err, size_t errlen)
{
    struct principal who;
    if (!name[0] || strlen(name) >= sizeof who.name) {
        snprintf(err, errlen, "--name must be 1 to %zu characters", sizeof who.name - 1);
        return -1;
    }
    if (!token_parse_scope(scope, &who)) {
        snprintf(err, errlen, "--scope must be admin, read or unit:CODE, not \"%s\"", scope);
        return -1;
    }
    if (who.scope == SCOPE_UNIT && !units_exists(st, who.unit)) {
        snprintf(err, errlen, "unknown unit \"%s\"", who.unit);
        return -1;
    }
    if (tokens_name_taken(st, name)) {
        snprintf(err, errlen,
                 "đã có token tên \"%s\"; chọn tên khác, hoặc thu hồi token cũ trước "
                 "(thiduad token revoke %s)",
                 name, name);
        return -1;
    }
    unsigned char raw[TOKEN_RANDOM_BYTES];
    if (RAND_bytes(raw, sizeof raw) != 1) {
        snprintf(err, errlen, "no randomness available");
        return -1;
    }
    /* Standard base64 (44 characters with its '=' padding), made URL-safe. */
    unsigned char encoded[2 * TOKEN_RANDOM_BYTES];
    int n = EVP_EncodeBlock(encoded, raw, sizeof raw);
    char token[TOKEN_PREFIX_LEN + 2 * TOKEN_RANDOM_BYTES] = TOKEN_PREFIX;
    size_t used = TOKEN_PREFIX_LEN;
    for (int i = 0; i < n && encoded[i] != '='; i++) {
        char c = (char)encoded[i];
        token[used++] = c == '+' ? '-' : c == '/' ? '_' : c;
    }
    token[used] = '\0';
    char hash[SHA256_HEX_LEN], detail[256];
    sha256_hex(token, hash);
    snprintf(detail, sizeof detail, "{\"scope\":\"%s\"}", scope);
    if (store_begin(st) != 0) goto fail;
    if (tokens_insert(st, name, scope, hash) != 0 ||
        audit_append(st, "cli", "create", "token", name, detail) != 0 || store_commit(st) != 0) {
        store_rollback(st);
        goto fail;
    }
    audit_trail_log("cli", "create", "token", name);
    snprintf(out, outlen, "%s", token);
    return 0;
fail:
    snprintf(err, errlen, "database: %s", store_errmsg(st));
    return -2;
}

int token_revoke(struct store *st, const char *name, const char *actor)
{
    if (store_begin(st) != 0) return -1;
    int rc = tokens_revoke(st, name);
    if (rc == 1 && audit_append(st, actor, "revoke", "token", name, NULL) != 0) rc = -1;
    if (rc == 1 && store_commit(st) == 0) {
        audit_trail_log(actor, "revoke", "token", name);
        return 1;
    }
    store_rollback(st);
    return rc == 1 ? -1 : rc;
}

cJSON *token_list(struct store *st)
{
    return tokens_list(st);
}

/* Tokens found, by their hash (direct-mapped: a department has a few dozen tokens), each
 * valid for one store and one data version. Only the serving loop verifies tokens. */
#define VERIFIED_SLOTS 64
static struct verified {
    const struct store *st;
    unsigned long version;
    char hash[SHA256_HEX_LEN];
    struct principal who;
} verified[VERIFIED_SLOTS];

static struct verified *verified_slot(const char hash[SHA256_HEX_LEN])
{
    unsigned slot = 0; /* the first hex digits, as a number */
    for (int i = 0; i < 4 && hash[i]; i++)
        slot = slot * 16 + (unsigned)(hash[i] <= '9' ? hash[i] - '0' : hash[i] - 'a' + 10);
    return &verified[slot % VERIFIED_SLOTS];
}

bool token_verify(struct store *st, const char *token, struct principal *who)
{
    if (strncmp(token, TOKEN_PREFIX, TOKEN_PREFIX_LEN) != 0 || strlen(token) > TOKEN_MAX_LEN)
        return false;
    char hash[SHA256_HEX_LEN] = "", scope[sizeof who->unit + 8];
    sha256_hex(token, hash);
    unsigned long version = store_data_version(st);
    struct verified *v = verified_slot(hash);
    if (version && v->st == st && v->version == version && strcmp(v->hash, hash) == 0) {
        *who = v->who;
        return true;
    }
    char name[sizeof who->name];
    long long id = 0;
    if (!tokens_find(st, hash, &id, name, sizeof name, scope, sizeof scope)) return false;
    if (!token_parse_scope(scope, who)) return false;
    snprintf(who->name, sizeof who->name, "%s", name);
    who->token_id = id;
    *v = (struct verified){st, version, "", *who};
    memcpy(v->hash, hash, SHA256_HEX_LEN);
    return true;
}
