/*
 * report_pdf.c — an HTML document printed to PDF by headless chromium, the one program on a
 * Debian server that lays out HTML and CSS for print as a browser does (@page A4, the
 * margins of Nghị định 30/2020, repeated table headers, SVG). The HTML goes to a private
 * temporary folder, chromium prints it there (its profile in the same folder, nothing
 * shared with anyone's browser), the PDF is read back and the folder removed.
 * Chromium is found as $THIDUA_CHROMIUM, or chromium, chromium-browser, google-chrome on
 * the PATH; when there is none the error says how to install it.
 */
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli.h"
#include "util/files.h"

extern char **environ;

#define PATH_LEN 1024

/* The chromium program, malloc'd, or NULL. */
static char *find_chromium(void)
{
    const char *given = getenv("THIDUA_CHROMIUM");
    if (given && given[0]) return access(given, X_OK) == 0 ? strdup(given) : NULL;
    static const char *const names[] = {"chromium", "chromium-browser", "google-chrome",
                                        "google-chrome-stable"};
    const char *path = getenv("PATH");
    char *dirs = strdup(path && path[0] ? path : "/usr/local/bin:/usr/bin:/bin");
    char candidate[PATH_LEN], *found = NULL, *save = NULL;
    for (char *d = dirs ? strtok_r(dirs, ":", &save) : NULL; d && !found;
         d = strtok_r(NULL, ":", &save))
        for (size_t i = 0; i < sizeof names / sizeof names[0] && !found; i++) {
            snprintf(candidate, sizeof candidate, "%s/%s", d, names[i]);
            if (access(candidate, X_OK) == 0) found = strdup(candidate);
        }
    free(dirs);
    return found;
}

/* Runs chromium to print html_path to pdf_path; its exit status (or -1). */
static int run_chromium(const char *chromium, const char *dir, const char *html_path,
                        const char *pdf_path)
{
    char profile[PATH_LEN], print_to[PATH_LEN], url[PATH_LEN + 8], log[PATH_LEN];
    /* A path too long for these is refused, not cut short into another path. */
    if (snprintf(profile, sizeof profile, "--user-data-dir=%s/profile", dir) >=
            (int)sizeof profile ||
        snprintf(print_to, sizeof print_to, "--print-to-pdf=%s", pdf_path) >=
            (int)sizeof print_to ||
        snprintf(url, sizeof url, "file://%s", html_path) >= (int)sizeof url ||
        snprintf(log, sizeof log, "%s/chromium.log", dir) >= (int)sizeof log)
        return -1;
    /* The sandbox needs user namespaces, which root (a service, a container) often lacks. */
    char *argv[] = {(char *)chromium,
                    "--headless",
                    "--disable-gpu",
                    "--no-first-run",
                    "--no-pdf-header-footer",
                    "--run-all-compositor-stages-before-draw",
                    profile,
                    print_to,
                    url,
                    geteuid() == 0 ? "--no-sandbox" : NULL,
                    NULL};
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log, O_WRONLY | O_CREAT, 0600);
    posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
    pid_t pid;
    int rc = posix_spawn(&pid, chromium, &actions, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) return -1;
    int status;
    while (waitpid(pid, &status, 0) < 0)
        continue;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Removes the temporary folder and what is in it (two files and chromium's profile). */
static void remove_folder(const char *dir)
{
    pid_t pid;
    char *argv[] = {"rm", "-rf", "--", (char *)dir, NULL};
    if (posix_spawnp(&pid, "rm", NULL, NULL, argv, environ) == 0) waitpid(pid, NULL, 0);
}

char *cli_print_pdf(const char *html, size_t len, size_t *pdf_len, char *err, size_t errlen)
{
    char *chromium = find_chromium();
    if (!chromium) {
        snprintf(err, errlen,
                 "không tìm thấy chromium để in PDF: cài bằng `apt-get install chromium` "
                 "(Debian) hoặc đặt THIDUA_CHROMIUM=/đường/dẫn/chromium; hoặc lập báo cáo "
                 "--format html rồi mở bằng trình duyệt và in ra PDF (khổ A4)");
        return NULL;
    }
    const char *tmp = getenv("TMPDIR");
    char dir[PATH_LEN], html_path[PATH_LEN + 16], pdf_path[PATH_LEN + 16];
    snprintf(dir, sizeof dir, "%s/thidua-pdf-XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
    char *pdf = NULL;
    if (!mkdtemp(dir)) {
        snprintf(err, errlen, "không tạo được thư mục tạm để in PDF");
        free(chromium);
        return NULL;
    }
    snprintf(html_path, sizeof html_path, "%s/bao-cao.html", dir);
    snprintf(pdf_path, sizeof pdf_path, "%s/bao-cao.pdf", dir);
    FILE *f = fopen(html_path, "wb");
    bool written = f && fwrite(html, 1, len, f) == len;
    written = f && fclose(f) == 0 && written;
    int rc = written ? run_chromium(chromium, dir, html_path, pdf_path) : -1;
    if (rc == 0) pdf = files_read_whole(pdf_path, pdf_len);
    if (!pdf) snprintf(err, errlen, "chromium (%s) không in được PDF (mã thoát %d)", chromium, rc);
    remove_folder(dir);
    free(chromium);
    return pdf;
}
