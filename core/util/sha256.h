/* sha256.h — SHA-256 of a few bytes, as the hot paths need it (a token on every request, an
 * answer's ETag): OpenSSL's digest fetched once, not looked up by name on every call. */
#ifndef THIDUA_UTIL_SHA256_H
#define THIDUA_UTIL_SHA256_H

#include <stdbool.h>
#include <stddef.h>

#define SHA256_BYTES 32

/* The digest of [data, data + len) into out; false if OpenSSL failed (out zeroed). */
bool sha256(const void *data, size_t len, unsigned char out[SHA256_BYTES]);

#endif
