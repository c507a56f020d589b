/*
 * vetting.c — the key of a vetting: everything a load's self-tests depend on, so that a
 * command may build the rules without running them again when the very same vetting has
 * passed today (rules/process.c, rules_load with a struct rules_vetted).
 *
 * The key is SHA-256 over: this build's id (the linker's GNU build-id note: another build
 * of the engine is another key), today's local date (a self-test may read os.time or
 * os.date: what passed yesterday is run again today), every limit of the load and of an
 * evaluation, and each rule file and test file by name and content in load order. The
 * files' own hash (what rules_hash gives the generation built from them) comes out beside
 * it, so the caller can check that the files it built are the files the key named.
 */
#include <elf.h>
#include <link.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>

#include "rules/internal.h"
#include "util/clock.h"

#define BUILD_ID_MAX 64

struct build_id {
    unsigned char bytes[BUILD_ID_MAX];
    size_t len;
};

/* The GNU build-id note of the executable (the first object dl_iterate_phdr reports). */
static int find_build_id(struct dl_phdr_info *info, size_t size, void *arg)
{
    (void)size;
    struct build_id *id = arg;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type != PT_NOTE) continue;
        const char *at = (const char *)(info->dlpi_addr + ph->p_vaddr), *end = at + ph->p_memsz;
        while (at + sizeof(ElfW(Nhdr)) <= end) {
            const ElfW(Nhdr) *note = (const ElfW(Nhdr) *)(const void *)at;
            const char *name = at + sizeof *note;
            const char *desc = name + ((note->n_namesz + 3) & ~3u);
            if (note->n_type == NT_GNU_BUILD_ID && note->n_namesz == 4 &&
                memcmp(name, "GNU", 4) == 0 && note->n_descsz <= BUILD_ID_MAX &&
                desc + note->n_descsz <= end) {
                memcpy(id->bytes, desc, note->n_descsz);
                id->len = note->n_descsz;
                return 1;
            }
            at = desc + ((note->n_descsz + 3) & ~3u);
        }
    }
    return 1; /* only the executable itself */
}

struct digests {
    EVP_MD_CTX *key, *files;
    bool unreadable;
};

static int hash_file(void *ctx, const struct rules_file *f)
{
    struct digests *d = ctx;
    if (!f->source) {
        d->unreadable = true;
        return -1;
    }
    rules_digest_file(d->key, f);
    if (d->files) rules_digest_file(d->files, f); /* as load.c: the rule files, not tests/ */
    return 0;
}

static void hash_limits(EVP_MD_CTX *digest, const struct rules_limits *l)
{
    char text[512];
    int n = snprintf(text, sizeof text,
                     "load_instructions=%lld load_memory=%zu eval_instructions=%lld "
                     "eval_instructions_per_member=%lld eval_memory=%zu reason_chars=%zu "
                     "evaluation_bytes=%zu eval_deadline_ms=%ld load_deadline_ms=%ld\n",
                     l->load_instructions, l->load_memory, l->eval_instructions,
                     l->eval_instructions_per_member, l->eval_memory, l->reason_chars,
                     l->evaluation_bytes, l->eval_deadline_ms, l->load_deadline_ms);
    EVP_DigestUpdate(digest, text, (size_t)n);
}

int rules_vetting_key(const char *dir, const struct rules_limits *limits, char key[RULES_HASH_LEN],
                      char files_hash[RULES_HASH_LEN])
{
    struct build_id id = {0};
    dl_iterate_phdr(find_build_id, &id);
    if (id.len == 0) return -1;
    char today[CLOCK_DATE_LEN], tests[RULES_PATH_MAX];
    clock_today(today);
    struct digests d = {.key = EVP_MD_CTX_new(), .files = EVP_MD_CTX_new()};
    if (!d.key || !d.files) {
        EVP_MD_CTX_free(d.key);
        EVP_MD_CTX_free(d.files);
        return -1;
    }
    EVP_DigestInit_ex(d.key, EVP_sha256(), NULL);
    EVP_DigestInit_ex(d.files, EVP_sha256(), NULL);
    EVP_DigestUpdate(d.key, "thidua vetting 1\n", 17);
    EVP_DigestUpdate(d.key, id.bytes, id.len);
    EVP_DigestUpdate(d.key, today, strlen(today) + 1);
    hash_limits(d.key, limits);
    rules_each_file(dir, "", hash_file, &d);
    rules_digest_end(d.files, files_hash);
    d.files = NULL;
    snprintf(tests, sizeof tests, "%s/tests", dir);
    rules_each_file(tests, "tests/", hash_file, &d);
    rules_digest_end(d.key, key);
    return d.unreadable ? -1 : 0;
}
