/*
 * failure.c — why a write failed, in the words an administrator acts on: the disk is full,
 * the database cannot be written (read-only, moved or deleted), another process holds its
 * lock, or the disk itself failed. SQLite's result codes say which; this file names them,
 * remembers the lasting ones until a write commits, and answers /healthz's question (can
 * the store take a write now?) without writing: the connection's read-only flag, whether
 * the file was moved, the free space of its file system.
 */
#include "store/internal.h"

#include <stdio.h>
#include <string.h>
#include <sys/statvfs.h>

/* Less free space than this on the database's file system and a write may not fit: a
 * submission with its re-evaluated unit writes tens of pages, and the WAL grows first. */
#define FREE_BYTES_MIN (256 << 10)
#define PATH_LEN       4096

enum store_failure store_failure(struct store *st)
{
    enum store_failure kind;
    switch (sqlite3_extended_errcode(store_db(st)) & 0xff) {
    case SQLITE_OK:
    case SQLITE_DONE:
    case SQLITE_ROW: return STORE_FAILURE_NONE;
    case SQLITE_FULL: kind = STORE_FAILURE_DISK_FULL; break;
    case SQLITE_READONLY: kind = STORE_FAILURE_READ_ONLY; break;
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return STORE_FAILURE_LOCKED;
    case SQLITE_IOERR:
    case SQLITE_CORRUPT:
    case SQLITE_CANTOPEN:
    case SQLITE_NOTADB: kind = STORE_FAILURE_IO; break;
    default: return STORE_FAILURE_OTHER;
    }
    *store_remembered_failure(st) = kind;
    return kind;
}

const char *store_failure_code(enum store_failure kind)
{
    switch (kind) {
    case STORE_FAILURE_DISK_FULL: return "disk_full";
    case STORE_FAILURE_READ_ONLY: return "database_read_only";
    case STORE_FAILURE_LOCKED: return "database_locked";
    default: return "storage_error";
    }
}

const char *store_failure_text(enum store_failure kind)
{
    switch (kind) {
    case STORE_FAILURE_DISK_FULL: return "ổ đĩa chứa cơ sở dữ liệu đã đầy";
    case STORE_FAILURE_READ_ONLY:
        return "cơ sở dữ liệu không ghi được (chỉ đọc, hoặc tệp đã bị chuyển hay xoá)";
    case STORE_FAILURE_LOCKED: return "cơ sở dữ liệu đang bị một tiến trình khác khoá";
    case STORE_FAILURE_IO: return "lỗi đọc ghi ổ đĩa chứa cơ sở dữ liệu";
    default: return "cơ sở dữ liệu từ chối ghi";
    }
}

/* The folder holding the database file (the WAL and its index go there too). */
static void database_folder(sqlite3 *db, char *out, size_t outlen)
{
    const char *file = sqlite3_db_filename(db, "main");
    snprintf(out, outlen, "%s", file && file[0] ? file : ".");
    char *slash = strrchr(out, '/');
    if (slash == out)
        out[1] = '\0';
    else if (slash)
        *slash = '\0';
    else
        snprintf(out, outlen, ".");
}

enum store_failure store_unwritable(struct store *st, char *why, size_t whylen)
{
    sqlite3 *db = store_db(st);
    int moved = 0;
    char folder[PATH_LEN];
    struct statvfs fs;
    database_folder(db, folder, sizeof folder);
    if (sqlite3_db_readonly(db, "main") == 1) {
        snprintf(why, whylen, "%s: tệp được mở chỉ để đọc",
                 store_failure_text(STORE_FAILURE_READ_ONLY));
        return STORE_FAILURE_READ_ONLY;
    }
    if (sqlite3_file_control(db, "main", SQLITE_FCNTL_HAS_MOVED, &moved) == SQLITE_OK && moved) {
        snprintf(why, whylen, "tệp cơ sở dữ liệu đã bị chuyển đi hoặc xoá khi máy chủ đang chạy");
        return STORE_FAILURE_READ_ONLY;
    }
    if (statvfs(folder, &fs) == 0 &&
        (unsigned long long)fs.f_bavail * fs.f_frsize < FREE_BYTES_MIN) {
        snprintf(why, whylen, "%s: %s còn %llu byte trống",
                 store_failure_text(STORE_FAILURE_DISK_FULL), folder,
                 (unsigned long long)fs.f_bavail * fs.f_frsize);
        return STORE_FAILURE_DISK_FULL;
    }
    enum store_failure last = *store_remembered_failure(st);
    if (last != STORE_FAILURE_NONE)
        snprintf(why, whylen, "lần ghi gần nhất thất bại: %s", store_failure_text(last));
    return last;
}
