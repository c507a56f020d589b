/* json_arena.c — cJSON's items cut from big blocks while an arena is open (json_arena.h). */
#include "util/json_arena.h"

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#if defined(__SANITIZE_ADDRESS__)
#define ARENA_OFF 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer)
#define ARENA_OFF 1
#endif
#endif

#define FIRST_BLOCK (1u << 20)
#define LAST_BLOCK  (32u << 20) /* blocks double up to this size */
#define ALIGN       16u

struct block {
    struct block *next;
    char *end;
};

struct json_arena {
    struct block *blocks; /* newest first */
    char *at, *end;       /* what is left of the newest block */
    size_t next_size;
};

static _Thread_local struct json_arena *open_arena;
static bool installed;

static bool owns(const struct json_arena *a, const void *p)
{
    for (const struct block *b = a->blocks; b; b = b->next)
        if ((const char *)p > (const char *)b && (const char *)p < b->end) return true;
    return false;
}

static void *from_block(struct json_arena *a, size_t n)
{
    n = (n + ALIGN - 1) & ~(size_t)(ALIGN - 1);
    if ((size_t)(a->end - a->at) < n) {
        size_t header = (sizeof(struct block) + ALIGN - 1) & ~(size_t)(ALIGN - 1);
        size_t size = a->next_size > header + n ? a->next_size : header + n;
        struct block *b = malloc(size);
        if (!b) return NULL;
        b->next = a->blocks, b->end = (char *)b + size;
        a->blocks = b;
        a->at = (char *)b + header, a->end = b->end;
        if (a->next_size < LAST_BLOCK) a->next_size *= 2;
    }
    void *p = a->at;
    a->at += n;
    return p;
}

static void *arena_malloc(size_t n)
{
    return open_arena ? from_block(open_arena, n) : malloc(n);
}

static void arena_free(void *p)
{
    if (p && !(open_arena && owns(open_arena, p))) free(p);
}

void json_arena_install(void)
{
    if (installed) return;
    cJSON_Hooks hooks = {.malloc_fn = arena_malloc, .free_fn = arena_free};
    cJSON_InitHooks(&hooks);
    installed = true;
}

struct json_arena *json_arena_open(void)
{
#ifdef ARENA_OFF
    return NULL;
#else
    json_arena_install();
    if (open_arena) return NULL; /* one at a time: the outer one keeps serving */
    struct json_arena *a = calloc(1, sizeof *a);
    if (!a) return NULL;
    a->next_size = FIRST_BLOCK;
    open_arena = a;
    return a;
#endif
}

void json_arena_close(struct json_arena *arena)
{
    if (!arena) return;
    if (open_arena == arena) open_arena = NULL;
    for (struct block *b = arena->blocks, *next; b; b = next) {
        next = b->next;
        free(b);
    }
    free(arena);
}
