/*
 * files.c — a ruleset's files: finding the ruleset folders under the rules root, and each
 * .lua file of a folder in the order a load reads them (name order), read whole, and what a
 * file adds to the ruleset's hash. The load (load.c) and the vetting key (vetting.c) walk and
 * hash them with the same functions, so they can never disagree on what makes a ruleset.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/internal.h"
#include "util/files.h"
#include "util/text.h"

static int is_lua_file(const struct dirent *entry)
{
    size_t len = strlen(entry->d_name);
    return entry->d_name[0] != '.' && len > 4 && strcmp(entry->d_name + len - 4, ".lua") == 0;
}

static bool holds_lua_files(const char *dir)
{
    struct dirent **entries;
    int n = scandir(dir, &entries, is_lua_file, alphasort);
    for (int i = 0; i < n; i++)
        free(entries[i]);
    if (n >= 0) free(entries);
    return n > 0;
}

static int is_year_folder(const struct dirent *entry)
{
    size_t len = strlen(entry->d_name);
    return len == 4 && strspn(entry->d_name, "0123456789") == len;
}

size_t rules_find_rulesets(const char *rules_root, char ***dirs_out)
{
    *dirs_out = NULL;
    if (holds_lua_files(rules_root)) {
        char **dirs = malloc(sizeof *dirs);
        if (!dirs || !(dirs[0] = strdup(rules_root))) {
            free(dirs);
            return 0;
        }
        *dirs_out = dirs;
        return 1;
    }
    struct dirent **entries;
    int n = scandir(rules_root, &entries, is_year_folder, alphasort);
    if (n <= 0) {
        if (n == 0) free(entries);
        return 0;
    }
    char **dirs = calloc((size_t)n, sizeof *dirs);
    size_t count = 0;
    for (int i = 0; i < n; i++) {
        size_t len = strlen(rules_root) + strlen(entries[i]->d_name) + 2;
        char *dir = dirs ? malloc(len) : NULL;
        if (dir) {
            snprintf(dir, len, "%s/%s", rules_root, entries[i]->d_name);
            dirs[count++] = dir;
        }
        free(entries[i]);
    }
    free(entries);
    *dirs_out = dirs;
    return count;
}

int rules_each_file(const char *folder, const char *prefix, rules_file_fn *fn, void *ctx)
{
    struct dirent **entries;
    int n = scandir(folder, &entries, is_lua_file, alphasort);
    if (n < 0) return 0; /* tests/ may be absent */
    int failures = 0;
    for (int i = 0; i < n; i++) {
        struct rules_file f = {0};
        char path[RULES_PATH_MAX], name[RULES_PATH_MAX];
        snprintf(path, sizeof path, "%s/%s", folder, entries[i]->d_name);
        snprintf(name, sizeof name, "%s%s", prefix, entries[i]->d_name);
        free(entries[i]);
        if (!files_is_regular(path)) continue;
        f.path = path, f.name = name;
        f.source = files_read_whole(path, &f.len);
        if (fn(ctx, &f) != 0) failures++;
        free(f.source);
    }
    free(entries);
    return failures;
}

void rules_digest_file(EVP_MD_CTX *digest, const struct rules_file *file)
{
    EVP_DigestUpdate(digest, file->name, strlen(file->name) + 1);
    EVP_DigestUpdate(digest, file->source, file->len);
}

void rules_digest_end(EVP_MD_CTX *digest, char out[RULES_HASH_LEN])
{
    unsigned char hash[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (!EVP_DigestFinal_ex(digest, hash, &len) || 2 * len + 1 > RULES_HASH_LEN) len = 0;
    text_hex(hash, len, out);
    EVP_MD_CTX_free(digest);
}
