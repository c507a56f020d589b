/* networks.h — IP networks written as an address or CIDR ("127.0.0.1", "10.0.0.0/8",
 * "::1", "fd00::/8"), and whether a client's address falls in one of them: what the
 * config's metrics_from lists. */
#ifndef THIDUA_UTIL_NETWORKS_H
#define THIDUA_UTIL_NETWORKS_H

#include <stdbool.h>
#include <stddef.h>

/* One network: its family (AF_INET or AF_INET6), address bytes and prefix length. */
struct ip_network {
    int family;
    unsigned char address[16];
    int prefix;
};

/* Parses "ADDRESS" (a network of one address) or "ADDRESS/PREFIX"; false when text is
 * neither, or the prefix is out of range for the family, or bits are set past it. */
bool ip_network_parse(const char *text, struct ip_network *out);

/* True when address (as inet_ntop writes it; an IPv4-mapped IPv6 address counts as its
 * IPv4 one) is in one of the count networks. */
bool ip_networks_contain(const struct ip_network *networks, size_t count, const char *address);

#endif
