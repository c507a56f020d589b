/*
 * networks.c — IP networks and membership, for the addresses the configuration trusts
 * (metrics_from: Prometheus scrapes /metrics from them without a token). Addresses are
 * parsed by the C library's inet_pton, in both families; a network is compared bit by bit
 * up to its prefix. An IPv4 client reaching a dual-stack socket shows as ::ffff:a.b.c.d and
 * is compared as a.b.c.d, so one list serves either way of listening.
 */
#include "util/networks.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define ADDRESS_TEXT_MAX 64
#define IPV4_BYTES       4
#define IPV6_BYTES       16
#define BITS_PER_BYTE    8
/* ::ffff:0:0/96, the IPv4-mapped addresses (RFC 4291 2.5.5.2). */
static const unsigned char v4_mapped_prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

static int bytes_of(int family)
{
    return family == AF_INET ? IPV4_BYTES : IPV6_BYTES;
}

/* An address in either family into out (16 bytes); its family, or 0 when it is neither. */
static int parse_address(const char *text, unsigned char *out)
{
    if (inet_pton(AF_INET, text, out) == 1) return AF_INET;
    if (inet_pton(AF_INET6, text, out) == 1) return AF_INET6;
    return 0;
}

/* True when a and b agree on their first `prefix` bits. */
static bool same_prefix(const unsigned char *a, const unsigned char *b, int prefix)
{
    int whole = prefix / BITS_PER_BYTE, rest = prefix % BITS_PER_BYTE;
    if (memcmp(a, b, (size_t)whole) != 0) return false;
    if (rest == 0) return true;
    unsigned char mask = (unsigned char)(0xff << (BITS_PER_BYTE - rest));
    return (a[whole] & mask) == (b[whole] & mask);
}

bool ip_network_parse(const char *text, struct ip_network *out)
{
    char address[ADDRESS_TEXT_MAX];
    const char *slash = strchr(text, '/');
    size_t len = slash ? (size_t)(slash - text) : strlen(text);
    if (len == 0 || len >= sizeof address) return false;
    memcpy(address, text, len);
    address[len] = '\0';
    memset(out, 0, sizeof *out);
    out->family = parse_address(address, out->address);
    if (!out->family) return false;
    int bits = bytes_of(out->family) * BITS_PER_BYTE;
    out->prefix = bits;
    if (slash) {
        char *end = NULL;
        long prefix = strtol(slash + 1, &end, 10);
        if (end == slash + 1 || *end != '\0' || prefix < 0 || prefix > bits) return false;
        out->prefix = (int)prefix;
    }
    /* "10.1.0.0/8" is a typo for 10.0.0.0/8 or for 10.1.0.0/16: refused, not guessed. */
    unsigned char masked[IPV6_BYTES];
    memcpy(masked, out->address, sizeof masked);
    for (int bit = out->prefix; bit < bits; bit++)
        masked[bit / BITS_PER_BYTE] &= (unsigned char)~(0x80 >> (bit % BITS_PER_BYTE));
    return memcmp(masked, out->address, sizeof masked) == 0;
}

bool ip_networks_contain(const struct ip_network *networks, size_t count, const char *address)
{
    unsigned char bytes[IPV6_BYTES] = {0};
    int family = address ? parse_address(address, bytes) : 0;
    if (!family) return false;
    if (family == AF_INET6 && memcmp(bytes, v4_mapped_prefix, sizeof v4_mapped_prefix) == 0) {
        memmove(bytes, bytes + sizeof v4_mapped_prefix, IPV4_BYTES);
        family = AF_INET;
    }
    for (size_t i = 0; i < count; i++)
        if (networks[i].family == family &&
            same_prefix(networks[i].address, bytes, networks[i].prefix))
            return true;
    return false;
}
