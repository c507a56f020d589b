/* files.h — small questions about files and reading one whole. */
#ifndef THIDUA_UTIL_FILES_H
#define THIDUA_UTIL_FILES_H

#include <stdbool.h>
#include <stddef.h>

bool files_is_regular(const char *path);
bool files_is_directory(const char *path);
/* The whole file, NUL-terminated (malloc'd), its length in *len; NULL if unreadable. */
char *files_read_whole(const char *path, size_t *len);
/* Creates the folders above path (like mkdir -p of its dirname), mode 0750. */
void files_make_parent_dirs(const char *path);

#endif
