/* token.c — `thiduad token create --name N --scope S` (prints a new API token once),
 * `token list [--json]` (the live tokens: name, scope, created, last used) and
 * `token revoke NAME` (refused from the next request on). */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "domain/tokens.h"
#include "util/clock.h"
#include "util/json_text.h"

#define TOKEN_TEXT_LEN 128
#define ERR_LEN        256
#define MOMENT_LEN     32
#define NAME_WIDTH     24 /* columns of `token list` */
#define SCOPE_WIDTH    16
#define MOMENT_WIDTH   16

static int create(struct store *st, const struct cli *cli)
{
    char token[TOKEN_TEXT_LEN], err[ERR_LEN];
    int rc = token_create(st, cli->name, cli->scope, token, sizeof token, err, sizeof err);
    if (rc == 0) {
        printf("%s\n", token);
        return 0;
    }
    fprintf(stderr, "token: %s\n", err);
    return rc == -1 ? EX_DATAERR : EX_IOERR;
}

static int list(struct store *st, const struct cli *cli)
{
    cJSON *tokens = token_list(st);
    if (!tokens) return EX_IOERR;
    if (cli->json) {
        char *text = cJSON_Print(tokens);
        printf("%s\n", text ? text : "[]");
        cJSON_free(text);
    } else {
        const char *const heads[] = {"tên", "quyền", "tạo lúc"};
        const int widths[] = {NAME_WIDTH, SCOPE_WIDTH, MOMENT_WIDTH};
        for (int i = 0; i < 3; i++)
            cli_print_cell(heads[i], widths[i]);
        printf("dùng lần cuối\n");
        const cJSON *t;
        cJSON_ArrayForEach(t, tokens)
        {
            char created[MOMENT_LEN], used[MOMENT_LEN];
            clock_moment_vn(json_text(t, "created_at"), created, sizeof created);
            const cJSON *last = cJSON_GetObjectItemCaseSensitive(t, "last_used_at");
            if (cJSON_IsString(last))
                clock_moment_vn(last->valuestring, used, sizeof used);
            else
                snprintf(used, sizeof used, "chưa dùng");
            cli_print_cell(json_text(t, "name"), NAME_WIDTH);
            cli_print_cell(json_text(t, "scope"), SCOPE_WIDTH);
            cli_print_cell(created, MOMENT_WIDTH);
            printf("%s\n", used);
        }
    }
    cJSON_Delete(tokens);
    return 0;
}

static int revoke(struct store *st, const char *name)
{
    int rc = token_revoke(st, name, "cli");
    if (rc == 1) {
        printf("token \"%s\": đã thu hồi\n", name);
        return 0;
    }
    if (rc == 0) {
        fprintf(stderr, "không có token nào đang dùng tên \"%s\" (thiduad token list)\n", name);
        return EX_DATAERR;
    }
    fprintf(stderr, "token \"%s\": cơ sở dữ liệu đang bận, chưa thu hồi: %s\n", name,
            store_errmsg(st));
    return EX_TEMPFAIL;
}

int cmd_token(const struct config *cfg, const struct cli *cli)
{
    const char *action = cli->argc >= 2 ? cli->argv[1] : "";
    bool creating = strcmp(action, "create") == 0 && cli->argc == 2 && cli->name && cli->scope;
    bool listing = strcmp(action, "list") == 0 && cli->argc == 2;
    bool revoking = strcmp(action, "revoke") == 0 && cli->argc == 3;
    if (!creating && !listing && !revoking) return cli_usage();
    struct store *st = cli_open_store(cfg, true);
    if (!st) return cli_store_failed();
    int rc = creating ? create(st, cli) : listing ? list(st, cli) : revoke(st, cli->argv[2]);
    store_close(st);
    return rc;
}
