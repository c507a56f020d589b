/*
 * http/address_counts.h — how many connections each client address holds open, for the
 * listener's per-address cap (limits.connections_per_address).
 *
 * Addresses are the peer's address as text ("192.0.2.7", "2001:db8::1"), compared exactly.
 */
#ifndef THIDUA_HTTP_ADDRESS_COUNTS_H
#define THIDUA_HTTP_ADDRESS_COUNTS_H

#include <stdbool.h>
#include <stddef.h>

struct address_counts;

/* A table sized for about `expected` addresses at once; NULL when out of memory. */
struct address_counts *address_counts_new(size_t expected);
void address_counts_free(struct address_counts *t);
/* The connections `address` holds (0 when it holds none). */
int address_counts_get(const struct address_counts *t, const char *address);
/* Counts one more connection from `address`; false (nothing counted) when out of memory. */
bool address_counts_add(struct address_counts *t, const char *address);
/* Counts one connection from `address` out; an address that holds none is forgotten. */
void address_counts_remove(struct address_counts *t, const char *address);

#endif
