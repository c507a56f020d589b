/* throwaway_heap.c — pointer-bump memory on huge-page chunks for processes that exit when
 * done (throwaway_heap.h). */
#include "util/throwaway_heap.h"

#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#if defined(__SANITIZE_ADDRESS__)
#define HEAP_OFF 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer)
#define HEAP_OFF 1
#endif
#endif

#define HUGE_PAGE  ((size_t)2 << 20)
#define CHUNK      ((size_t)32 << 20)
#define MAX_CHUNKS 512 /* 16 GiB of ordinary chunks: far past any evaluation's memory cap */
#define ALIGN      ((size_t)16)

struct chunk {
    char *start, *end;
};

static struct chunk chunks[MAX_CHUNKS];
static size_t nchunks;
static char *at, *limit; /* what is left of the newest chunk */
static char *last_block; /* the block cut last (it may grow in place) */
static size_t cut;       /* bytes handed out, freed ones included */

static size_t round_up(size_t n, size_t to)
{
    return (n + to - 1) / to * to;
}

/* A new chunk of at least `need` bytes, 2 MiB-aligned and advised for huge pages. */
static bool add_chunk(size_t need)
{
#ifdef HEAP_OFF
    (void)need;
    return false;
#else
    if (nchunks == MAX_CHUNKS) return false;
    size_t size = need > CHUNK ? round_up(need, HUGE_PAGE) : CHUNK;
    /* Over-map by a huge page and trim to an aligned start: the kernel can only back
     * aligned 2 MiB ranges with huge pages. */
    char *raw =
        mmap(NULL, size + HUGE_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw == MAP_FAILED) return false;
    char *start = (char *)round_up((uintptr_t)raw, HUGE_PAGE);
    if (start > raw) munmap(raw, (size_t)(start - raw));
    char *end = start + size;
    size_t tail = (size_t)(raw + size + HUGE_PAGE - end);
    if (tail > 0) munmap(end, tail);
    (void)madvise(start, size, MADV_HUGEPAGE); /* advice only: 4 KiB pages still work */
    chunks[nchunks++] = (struct chunk){start, end};
    at = start, limit = end;
    return true;
#endif
}

void *throwaway_heap_alloc(size_t n)
{
    size_t size = round_up(n, ALIGN);
    if (size < n) return NULL; /* overflow */
    if ((size_t)(limit - at) < size && !add_chunk(size)) return NULL;
    last_block = at;
    at += size;
    cut += size;
    return last_block;
}

bool throwaway_heap_owns(const void *p)
{
    const char *c = p;
    for (size_t i = nchunks; i-- > 0;)
        if (c >= chunks[i].start && c < chunks[i].end) return true;
    return false;
}

void *throwaway_heap_resize(void *p, size_t old_size, size_t new_size)
{
    if (new_size <= old_size) return p;
    size_t grown = round_up(new_size, ALIGN);
    if (p == last_block && grown >= new_size && (size_t)(limit - last_block) >= grown) {
        cut += (size_t)(last_block + grown - at);
        at = last_block + grown;
        return p;
    }
    void *moved = throwaway_heap_alloc(new_size);
    if (moved) memcpy(moved, p, old_size);
    return moved;
}

size_t throwaway_heap_size(void)
{
    return cut;
}

void throwaway_heap_advise(void *p, size_t n)
{
#ifdef HEAP_OFF
    (void)p, (void)n;
#else
    uintptr_t start = round_up((uintptr_t)p, HUGE_PAGE);
    uintptr_t end = ((uintptr_t)p + n) / HUGE_PAGE * HUGE_PAGE;
    if (end > start) (void)madvise((void *)start, end - start, MADV_HUGEPAGE);
#endif
}
