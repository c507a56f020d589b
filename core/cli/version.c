/* version.c — `thiduad --version`: this build's version and git commit (baked in by CMake,
 * scripts/version.cmake) and the versions of the libraries it runs on. */
#include <stdio.h>

#include "cli/cli.h"
#include "lua/release.h"
#include "net/net.h"
#include "store/store.h"
#include "version.h"

void cli_print_version(FILE *to)
{
    char net[128];
    net_library_versions(net, sizeof net);
    fprintf(to, "thiduad %s (commit %s)\n%s, %s, %s\n", THIDUA_VERSION, THIDUA_COMMIT,
            store_library_version(), sandbox_lua_release(), net);
}
