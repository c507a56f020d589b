/*
 * token.c — API tokens.
 *
 * A token is "thd_" followed by 32 random bytes (OpenSSL's RAND_bytes) in base64url. Only
 * the SHA-256 of the whole token is stored, so a copy of the database does not hand out
 * access; the token itself is printed once, at creation. 256 bits of randomness make a
 * salt and a slow hash unnecessary: nobody can guess a preimage, and the lookup stays one
 * indexed query per request.
 */
#include "token.h"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <string.h>

#include "csv_import.h"
#include "model.h"

static void sha256_hex(const char *text, char out[65])
{
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_Digest(text, strlen(text), digest, &len, EVP_sha256(), NULL);
    for (unsigned int i = 0; i < len; i++)
        snprintf(out + 2 * i, 3, "%02x", digest[i]);
}

bool token_parse_scope(const char *text, struct principal *out)
{
    memset(out, 0, sizeof *out);
    if (strcmp(text, "admin") == 0) {
        out->scope = SCOPE_ADMIN;
    } else if (strcmp(text, "read") == 0) {
        out->scope = SCOPE_READ;
    } else if (strncmp(text, "unit:", 5) == 0 && valid_code(text + 5) &&
               strlen(text + 5) < sizeof out->unit) {
        out->scope = SCOPE_UNIT;
        snprintf(out->unit, sizeof out->unit, "%s", text + 5);
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
    if (who.scope == SCOPE_UNIT && !model_unit_exists(st, who.unit)) {
        snprintf(err, errlen, "unknown unit \"%s\"", who.unit);
        return -1;
    }
    unsigned char raw[32];
    if (RAND_bytes(raw, sizeof raw) != 1) {
        snprintf(err, errlen, "no randomness available");
        return -1;
    }
    unsigned char encoded[64];
    int n = EVP_EncodeBlock(encoded, raw, sizeof raw); /* standard base64, 44 chars with '=' */
    char token[80] = "thd_";
    size_t used = 4;
    for (int i = 0; i < n && encoded[i] != '='; i++) {
        char c = (char)encoded[i];
        token[used++] = c == '+' ? '-' : c == '/' ? '_' : c;
    }
    token[used] = '\0';
    char hash[65], now[40];
    sha256_hex(token, hash);
    store_now(now, sizeof now);
    sqlite3_stmt *stmt =
        store_prepare(st, "INSERT INTO tokens (name, scope, hash, created_at) VALUES (?, ?, ?, ?)");
    if (!stmt || store_begin(st) != 0) {
        snprintf(err, errlen, "database: %s", sqlite3_errmsg(store_db(st)));
        return -1;
    }
    sqlite3_bind_text(stmt, 1, name, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(stmt, 2, scope, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(stmt, 3, hash, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(stmt, 4, now, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(stmt);
    sqlite3_reset(stmt);
    char detail[256];
    snprintf(detail, sizeof detail, "{\"scope\":\"%s\"}", scope);
    if (rc != SQLITE_DONE || model_audit(st, "cli", "create", "token", name, detail) != 0 ||
        store_commit(st) != 0) {
        snprintf(err, errlen, "database: %s", sqlite3_errmsg(store_db(st)));
        store_rollback(st);
        return -1;
    }
    snprintf(out, outlen, "%s", token);
    return 0;
}

bool token_verify(struct store *st, const char *token, struct principal *who)
{
    if (strncmp(token, "thd_", 4) != 0 || strlen(token) > 100) return false;
    char hash[65];
    sha256_hex(token, hash);
    sqlite3_stmt *stmt =
        store_prepare(st, "SELECT name, scope FROM tokens WHERE hash = ? AND revoked_at IS NULL");
    if (!stmt) return false;
    sqlite3_bind_text(stmt, 1, hash, -1, SQLITE_TRANSIENT);
    bool found = false;
    if (sqlite3_step(stmt) == SQLITE_ROW) {
        found = token_parse_scope((const char *)sqlite3_column_text(stmt, 1), who);
        snprintf(who->name, sizeof who->name, "%s", sqlite3_column_text(stmt, 0));
    }
    sqlite3_reset(stmt);
    return found;
}
