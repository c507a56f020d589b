/*
 * http/address_counts.c — the open connections of each client address, for the listener's
 * per-address cap: a chained hash table keyed by the address's text, sized once at start
 * (the connection cap bounds how many addresses can be in it), one entry per address that
 * holds a connection, freed when its last one closes.
 *
 * Why a table and not a walk over the connections: under a flood every accept asks, and a
 * walk would cost the whole connection list each time.
 */
#include "http/address_counts.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MIN_BUCKETS 64u
#define MAX_BUCKETS (1u << 17)
/* FNV-1a, 32 bits. */
#define FNV_OFFSET 2166136261u
#define FNV_PRIME  16777619u

struct address_entry {
    struct address_entry *next;
    int count;
    char address[]; /* NUL-terminated */
};

struct address_counts {
    struct address_entry **buckets;
    size_t mask; /* buckets - 1, a power of two less one */
};

static size_t bucket_of(const struct address_counts *t, const char *address)
{
    uint32_t h = FNV_OFFSET;
    for (const unsigned char *p = (const unsigned char *)address; *p; p++)
        h = (h ^ *p) * FNV_PRIME;
    return h & t->mask;
}

struct address_counts *address_counts_new(size_t expected)
{
    size_t n = MIN_BUCKETS;
    while (n < expected && n < MAX_BUCKETS)
        n <<= 1;
    struct address_counts *t = calloc(1, sizeof *t);
    if (!t) return NULL;
    t->buckets = calloc(n, sizeof *t->buckets);
    if (!t->buckets) {
        free(t);
        return NULL;
    }
    t->mask = n - 1;
    return t;
}

void address_counts_free(struct address_counts *t)
{
    if (!t) return;
    for (size_t i = 0; i <= t->mask; i++) {
        struct address_entry *e = t->buckets[i];
        while (e) {
            struct address_entry *next = e->next;
            free(e);
            e = next;
        }
    }
    free(t->buckets);
    free(t);
}

/* The link that points at address's entry (or at the NULL ending its bucket). */
static struct address_entry **find(const struct address_counts *t, const char *address)
{
    struct address_entry **link = &t->buckets[bucket_of(t, address)];
    while (*link && strcmp((*link)->address, address) != 0)
        link = &(*link)->next;
    return link;
}

int address_counts_get(const struct address_counts *t, const char *address)
{
    struct address_entry *e = *find(t, address);
    return e ? e->count : 0;
}

bool address_counts_add(struct address_counts *t, const char *address)
{
    struct address_entry **link = find(t, address);
    if (!*link) {
        size_t len = strlen(address);
        struct address_entry *e = malloc(sizeof *e + len + 1);
        if (!e) return false;
        e->next = NULL;
        e->count = 0;
        memcpy(e->address, address, len + 1);
        *link = e;
    }
    (*link)->count++;
    return true;
}

void address_counts_remove(struct address_counts *t, const char *address)
{
    struct address_entry **link = find(t, address);
    struct address_entry *e = *link;
    if (!e) return;
    if (--e->count > 0) return;
    *link = e->next;
    free(e);
}
