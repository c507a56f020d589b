/*
 * test_networks.c — util/networks.c: parsing an address or CIDR network (IPv4 and IPv6;
 * refused: a prefix out of range, bits set past it, not an address) and whether a client's
 * address is in a list (an IPv4-mapped IPv6 address counts as its IPv4 one).
 */
#include <check.h>
#include <stddef.h>

#include "support.h"
#include "util/networks.h"

static char root[256];

START_TEST(test_networks_parse)
{
    struct ip_network n;
    ck_assert(ip_network_parse("127.0.0.1", &n));
    ck_assert_int_eq(n.prefix, 32);
    ck_assert(ip_network_parse("10.0.0.0/8", &n));
    ck_assert_int_eq(n.prefix, 8);
    ck_assert(ip_network_parse("0.0.0.0/0", &n));
    ck_assert(ip_network_parse("::1", &n));
    ck_assert_int_eq(n.prefix, 128);
    ck_assert(ip_network_parse("fd00::/8", &n));
    ck_assert(!ip_network_parse("10.1.0.0/8", &n)); /* bits past the prefix */
    ck_assert(!ip_network_parse("10.0.0.0/33", &n));
    ck_assert(!ip_network_parse("10.0.0.0/", &n));
    ck_assert(!ip_network_parse("10.0.0.0/8x", &n));
    ck_assert(!ip_network_parse("10.0.0.0/-1", &n));
    ck_assert(!ip_network_parse("localhost", &n));
    ck_assert(!ip_network_parse("", &n));
    ck_assert(!ip_network_parse("/8", &n));
    ck_assert(!ip_network_parse("::1/129", &n));
}
END_TEST

START_TEST(test_networks_contain)
{
    struct ip_network nets[3];
    ck_assert(ip_network_parse("10.0.0.0/8", &nets[0]));
    ck_assert(ip_network_parse("192.168.1.7", &nets[1]));
    ck_assert(ip_network_parse("fd00::/8", &nets[2]));
    ck_assert(ip_networks_contain(nets, 3, "10.200.3.4"));
    ck_assert(!ip_networks_contain(nets, 3, "11.0.0.1"));
    ck_assert(ip_networks_contain(nets, 3, "192.168.1.7"));
    ck_assert(!ip_networks_contain(nets, 3, "192.168.1.8"));
    ck_assert(ip_networks_contain(nets, 3, "::ffff:10.1.2.3"));
    ck_assert(ip_networks_contain(nets, 3, "fd12:3456::1"));
    ck_assert(!ip_networks_contain(nets, 3, "fe80::1"));
    ck_assert(!ip_networks_contain(nets, 3, "::1"));
    ck_assert(!ip_networks_contain(nets, 3, "not an address"));
    ck_assert(!ip_networks_contain(nets, 3, NULL));
    ck_assert(!ip_networks_contain(NULL, 0, "10.0.0.1"));
    struct ip_network odd;
    ck_assert(ip_network_parse("172.16.0.0/12", &odd));
    ck_assert(ip_networks_contain(&odd, 1, "172.31.255.255"));
    ck_assert(!ip_networks_contain(&odd, 1, "172.32.0.0"));
}
END_TEST

static Suite *networks_suite(void)
{
    Suite *s = suite_create("networks");
    TCase *tc = tcase_create("networks");
    tcase_add_test(tc, test_networks_parse);
    tcase_add_test(tc, test_networks_contain);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return test_main(networks_suite(), "networks", root, sizeof root);
}
