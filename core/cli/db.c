/* db.c — `thiduad db init|migrate|backup FILE [--force]`: the database's life cycle. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "util/files.h"

#define ERR_LEN 512

static int init_or_migrate(const struct config *cfg, bool init)
{
    char err[ERR_LEN];
    files_make_parent_dirs(cfg->database);
    struct store *st = cli_open_store(cfg, false);
    if (!st) return cli_store_failed();
    int before = store_schema_version(st), rc = EX_CANTCREAT;
    if (init && before > 0) {
        fprintf(stderr, "%s already holds a database (schema version %d); use `db migrate`\n",
                cfg->database, before);
    } else if (store_migrate(st, err, sizeof err) != 0) {
        fprintf(stderr, "%s: %s\n", cfg->database, err);
        rc = EX_IOERR;
    } else {
        printf("%s: schema version %d -> %d\n", cfg->database, before, store_schema_version(st));
        rc = 0;
    }
    store_close(st);
    return rc;
}

/* The copy is made in a file of its own beside FILE (mode 0600: it holds personal data and
 * the tokens' hashes, whatever the umask), then renamed over it: FILE is never half written,
 * and an existing FILE is replaced only with --force. */
static int backup(const struct config *cfg, const char *dest, bool force)
{
    if (!force && access(dest, F_OK) == 0) {
        fprintf(stderr, "backup: %s đã có; không ghi đè (thêm --force để thay nó)\n", dest);
        return EX_CANTCREAT;
    }
    size_t n = strlen(dest) + sizeof ".tmp-XXXXXX";
    char *tmp = malloc(n);
    if (!tmp) return EX_OSERR;
    snprintf(tmp, n, "%s.tmp-XXXXXX", dest);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        fprintf(stderr, "backup: không tạo được tệp bên cạnh %s: %s\n", dest, strerror(errno));
        free(tmp);
        return EX_CANTCREAT;
    }
    close(fd);
    char err[ERR_LEN];
    struct store *st = cli_open_store(cfg, false);
    int rc = !st ? cli_store_failed() : store_backup(st, tmp, err, sizeof err) != 0 ? EX_IOERR : 0;
    if (rc == EX_IOERR) fprintf(stderr, "backup: %s\n", err);
    if (rc == 0 && rename(tmp, dest) != 0) {
        fprintf(stderr, "backup: %s: %s\n", dest, strerror(errno));
        rc = EX_CANTCREAT;
    }
    if (rc != 0) unlink(tmp);
    if (rc == 0) printf("%s backed up to %s\n", cfg->database, dest);
    store_close(st);
    free(tmp);
    return rc;
}

int cmd_db(const struct config *cfg, const struct cli *cli)
{
    if (cli->argc < 2) return cli_usage();
    const char *action = cli->argv[1];
    if (strcmp(action, "init") == 0 || strcmp(action, "migrate") == 0)
        return init_or_migrate(cfg, strcmp(action, "init") == 0);
    if (strcmp(action, "backup") == 0 && cli->argc == 3)
        return backup(cfg, cli->argv[2], cli->force);
    return cli_usage();
}
