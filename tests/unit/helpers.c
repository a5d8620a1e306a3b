#include "config.h"

#include "helpers.h"

#include <errno.h>
#include <signal.h>
#include <sys/resource.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char *
test_mkdtemp(void)
{
	const char *base = getenv("TMPDIR");
	char *path = NULL;

	assert_true(asprintf(&path, "%s/vtriage-test.XXXXXX", base && *base ? base : "/tmp") > 0);
	assert_non_null(mkdtemp(path));
	return path;
}

int
test_sh(const char *fmt, ...)
{
	char *cmd = NULL;
	va_list ap;
	int rc;

	va_start(ap, fmt);
	assert_true(vasprintf(&cmd, fmt, ap) > 0);
	va_end(ap);
	rc = system(cmd);
	free(cmd);
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

void
test_rmdir(const char *path)
{
	if (path != NULL && strstr(path, "vtriage-test.") != NULL)
		test_sh("rm -rf '%s'", path);
}

static void
make_parents(const char *path)
{
	char *copy = strdup(path), *p;

	assert_non_null(copy);
	for (p = copy + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			if (mkdir(copy, 0700) != 0)
				assert_true(errno == EEXIST);
			*p = '/';
		}
	free(copy);
}

void
test_make_maildir(const char *dir)
{
	static const char *const subdirs[] = { "cur", "new", "tmp" };
	char path[4096];

	for (int i = 0; i < 3; i++) {
		snprintf(path, sizeof path, "%s/%s/", dir, subdirs[i]);
		make_parents(path);
	}
}

void
test_write_file(const char *path, const void *data, size_t len)
{
	FILE *f;

	make_parents(path);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

void
test_write_text(const char *path, const char *fmt, ...)
{
	char *text = NULL;
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vasprintf(&text, fmt, ap);
	va_end(ap);
	assert_true(len >= 0);
	test_write_file(path, text, (size_t)len);
	free(text);
}

void
test_write_message(const char *maildir, const char *name, const char *from, const char *to,
		   const char *subject, const char *message_id, const char *extra_headers,
		   const char *body)
{
	char path[4096];
	bool dated = extra_headers != NULL && strncmp(extra_headers, "Date:", 5) == 0;

	snprintf(path, sizeof path, "%s/cur/%s", maildir, name);
	test_write_text(path, "From: %s\nTo: %s\nSubject: %s\n%s%s%s%s%s\n%s\n", from, to, subject,
			dated ? "" : "Date: Mon, 02 Nov 2026 10:00:00 +0000\n",
			message_id ? "Message-ID: <" : "", message_id ? message_id : "",
			message_id ? ">\n" : "", extra_headers ? extra_headers : "",
			body ? body : "Hello.");
}

const char *
test_fixtures(void)
{
	const char *env = getenv("FIXTURES");

	return env && *env ? env : "tests/fixtures";
}

static struct rlimit fsize_was;
static void (*xfsz_was)(int);

bool
test_limit_file_size(size_t bytes)
{
	struct rlimit small;

	if (getrlimit(RLIMIT_FSIZE, &fsize_was) != 0)
		return false;
	small = fsize_was;
	small.rlim_cur = (rlim_t)bytes;
	xfsz_was = signal(SIGXFSZ, SIG_IGN);
	if (setrlimit(RLIMIT_FSIZE, &small) == 0)
		return true;
	signal(SIGXFSZ, xfsz_was);
	return false;
}

void
test_unlimit_file_size(void)
{
	setrlimit(RLIMIT_FSIZE, &fsize_was);
	signal(SIGXFSZ, xfsz_was);
}
