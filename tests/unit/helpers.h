/* Shared by the cmocka unit tests: temporary directories and mail files. */
#ifndef VT_TEST_HELPERS_H
#define VT_TEST_HELPERS_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <cmocka.h>

/* A fresh directory under $TMPDIR; removed by test_rmdir(). */
char *test_mkdtemp(void);
void test_rmdir(const char *path);
/* Creates dir/cur, dir/new, dir/tmp (and parents). */
void test_make_maildir(const char *dir);
/* Writes len bytes to path (parents created); returns path. */
void test_write_file(const char *path, const void *data, size_t len);
/* printf-style text file. */
void test_write_text(const char *path, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A message file in maildir/cur named name, with the given headers and
 * body; dated 2026-11-02 10:00 unless extra_headers starts with "Date:". */
void test_write_message(const char *maildir, const char *name, const char *from, const char *to,
			const char *subject, const char *message_id, const char *extra_headers,
			const char *body);
/* The fixtures directory ($FIXTURES or the source tree's). */
const char *test_fixtures(void);
/* A file size limit of bytes (a disk full past it: EFBIG, SIGXFSZ
 * ignored) until test_unlimit_file_size(); false when it cannot be set.
 * Nothing may be asserted meanwhile: the test's log is a file too. */
bool test_limit_file_size(size_t bytes);
void test_unlimit_file_size(void);
/* Runs a shell command; returns its exit status. */
int test_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
