/* files.c — reading a file whole, telling files from folders, making parent folders. */
#include "util/files.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define READ_CHUNK  8192
#define FOLDER_MODE 0750

bool files_is_regular(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

bool files_is_directory(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
}

char *files_read_whole(const char *path, size_t *len)
{
    FILE *in = fopen(path, "rb");
    if (!in) return NULL;
    char *data = NULL, chunk[READ_CHUNK];
    size_t used = 0, cap = 0, n;
    while ((n = fread(chunk, 1, sizeof chunk, in)) > 0) {
        if (used + n + 1 > cap) {
            cap = (used + n + 1) * 2;
            char *grown = realloc(data, cap);
            if (!grown) goto fail;
            data = grown;
        }
        memcpy(data + used, chunk, n);
        used += n;
    }
    if (ferror(in)) goto fail;
    fclose(in);
    if (!data)
        data = calloc(1, 1);
    else
        data[used] = '\0';
    *len = used;
    return data;
fail:
    free(data);
    fclose(in);
    return NULL;
}

void files_make_parent_dirs(const char *path)
{
    char *copy = strdup(path);
    if (!copy) return;
    char *slash = strrchr(copy, '/');
    if (slash && slash != copy) {
        *slash = '\0';
        for (char *p = copy + 1; *p; p++) {
            if (*p == '/') {
                *p = '\0';
                mkdir(copy, FOLDER_MODE);
                *p = '/';
            }
        }
        mkdir(copy, FOLDER_MODE);
    }
    free(copy);
}
