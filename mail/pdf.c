/*
 * PDF attachments, read in a child process.
 *
 * A PDF is hostile input that can be made to take minutes and gigabytes
 * (poppler's own fuzzers find such files every month). It is never
 * parsed here: vtriage-pdf (mail/pdf-helper.c, which runs poppler's
 * pdftotext -layout and pdfdetach, and reads invoice XML with libxml2)
 * runs on a copy in a directory of its own, in its own process group,
 * under rlimits (CPU seconds, address space, file size, no core), and is
 * killed with its children when the wall-clock timeout passes or its
 * output passes OUTPUT_MAX. What it says is cached by the PDF's SHA-256,
 * so that no PDF is read twice (a re-index, the same invoice sent twice).
 *
 * Callable from the prefetch thread: nothing here is shared but the
 * counters (atomic), and the child only calls async-signal-safe functions
 * between fork and exec.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "private.h"

/* What the helper may write back: text beyond is cut. */
#define OUTPUT_MAX (4 * 1024 * 1024)
/* PDFs larger than this are not read. */
#define PDF_MAX (32 * 1024 * 1024)
#define HELPER_MAGIC "vtriage-pdf 1\n"
#define CACHE_MAGIC "vtriage-pdf-cache 1\n"

extern char **environ;

static double
now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Removes dir and the files in it (the helper writes no subdirectories). */
static void
remove_workdir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[4096];

	while (d != NULL && (e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, e->d_name) < sizeof path)
			unlink(path);
	}
	if (d != NULL)
		closedir(d);
	rmdir(dir);
}

static bool
write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		p += n;
		len -= (size_t)n;
	}
	return true;
}

/* Runs the helper on dir/in.pdf; its output (at most OUTPUT_MAX) in *out.
 * Returns the reason it failed, or NULL. */
static const char *
run_helper(const struct mail_pdf_options *opts, const char *dir, GString *out)
{
	char memory[32];
	char *const argv[] = { (char *)opts->helper, "--memory-mb", memory, "in.pdf", NULL };
	int pipefd[2];
	pid_t pid;
	int status = 0;
	double deadline;
	const char *failure = NULL;
	bool killed = false;

	snprintf(memory, sizeof memory, "%u", opts->memory_mb);
	if (pipe2(pipefd, O_CLOEXEC) != 0)
		return "cannot start the PDF reader";
	pid = fork();
	if (pid < 0) {
		close(pipefd[0]);
		close(pipefd[1]);
		return "cannot start the PDF reader";
	}
	if (pid == 0) {
		/* the address space is limited by the helper, for itself and
		 * for poppler (an ASan build of it needs terabytes of it) */
		struct rlimit cpu = { (rlim_t)opts->timeout_s, (rlim_t)opts->timeout_s + 1 };
		struct rlimit fsize = { 64u << 20, 64u << 20 };
		struct rlimit core = { 0, 0 };
		int devnull = open("/dev/null", O_RDWR);

		setpgid(0, 0);
		setrlimit(RLIMIT_CPU, &cpu);
		setrlimit(RLIMIT_FSIZE, &fsize);
		setrlimit(RLIMIT_CORE, &core);
		if (devnull < 0 || dup2(devnull, 0) < 0 || dup2(pipefd[1], 1) < 0 ||
		    dup2(devnull, 2) < 0 || chdir(dir) != 0)
			_exit(127);
		/* nothing of the indexer's beyond the three: the message file
		 * and pipes it has open are not poppler's to hold */
		close_range(3, ~0U, 0);
		execve(opts->helper, argv, environ);
		_exit(127);
	}
	close(pipefd[1]);
	setpgid(pid, pid); /* as the child does: no race with the kill below */
	deadline = now_seconds() + opts->timeout_s;
	for (;;) {
		struct pollfd p = { pipefd[0], POLLIN, 0 };
		double left = deadline - now_seconds();
		char buf[65536];
		ssize_t n;
		int r;

		if (left <= 0) {
			failure = "timed out";
			break;
		}
		r = poll(&p, 1, (int)(left * 1000) + 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			continue; /* the deadline is checked above */
		n = read(pipefd[0], buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (out->len + (size_t)n > OUTPUT_MAX) {
			g_string_append_len(out, buf, (gssize)(OUTPUT_MAX - out->len));
			break; /* enough: the rest is cut */
		}
		g_string_append_len(out, buf, n);
	}
	close(pipefd[0]);
	if (failure != NULL || out->len >= OUTPUT_MAX) {
		kill(-pid, SIGKILL);
		kill(pid, SIGKILL);
		killed = true;
	}
	/* its output closed, it ends now, or by the deadline all the same:
	 * a reader asleep after closing it would hold the index run (its
	 * CPU limit never comes) */
	for (;;) {
		pid_t done = waitpid(pid, &status, killed ? 0 : WNOHANG);

		if (done < 0 && errno == EINTR)
			continue;
		if (done != 0)
			break; /* reaped (or not ours to wait for: -1) */
		if (now_seconds() >= deadline) {
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			killed = true;
			failure = "timed out";
		} else
			usleep(200);
	}
	if (failure != NULL)
		return failure;
	if (!killed && WIFSIGNALED(status))
		return WTERMSIG(status) == SIGXCPU || WTERMSIG(status) == SIGKILL
			       ? "timed out"
			       : "the PDF reader crashed";
	if (!killed && WIFEXITED(status) && WEXITSTATUS(status) == 127)
		return "the PDF reader (vtriage-pdf) cannot run";
	if (strncmp(out->str, HELPER_MAGIC, strlen(HELPER_MAGIC)) != 0)
		return WIFEXITED(status) && WEXITSTATUS(status) != 0
			       ? "out of memory"
			       : "the PDF reader said nothing";
	return NULL;
}

/* The cache file of a PDF with this hash, or false when there is no
 * cache. */
static bool
cache_path(const struct mail_pdf_options *opts, const char *hash, char *path, size_t len)
{
	return opts->cache_dir != NULL &&
	       (size_t)snprintf(path, len, "%s/%s", opts->cache_dir, hash) < len;
}

static bool
cache_read(const char *path, GString *out)
{
	gchar *data = NULL;
	gsize len = 0;

	if (!g_file_get_contents(path, &data, &len, NULL))
		return false;
	if (len < strlen(CACHE_MAGIC) || memcmp(data, CACHE_MAGIC, strlen(CACHE_MAGIC)) != 0) {
		g_free(data);
		return false;
	}
	g_string_append_len(out, data + strlen(CACHE_MAGIC), (gssize)(len - strlen(CACHE_MAGIC)));
	g_free(data);
	return true;
}

/* Written to a temporary name and renamed: a reader sees all or none. */
static void
cache_write(const struct mail_pdf_options *opts, const char *path, const GString *result)
{
	char tmp[4200];
	int fd;

	if (mkdir(opts->cache_dir, 0700) != 0 && errno != EEXIST)
		return;
	if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp.XXXXXX", path) >= sizeof tmp ||
	    (fd = mkstemp(tmp)) < 0)
		return;
	if (write_all(fd, CACHE_MAGIC, strlen(CACHE_MAGIC)) &&
	    write_all(fd, result->str, result->len) && fsync(fd) == 0 && close(fd) == 0) {
		if (rename(tmp, path) != 0)
			unlink(tmp);
		return;
	}
	close(fd);
	unlink(tmp);
}

/* "status timed out\n" in the helper's own words, for a result made here */
static void
result_failed(GString *out, const char *why)
{
	g_string_truncate(out, 0);
	g_string_append_printf(out, "%sstatus %s\n", HELPER_MAGIC, why);
}

/* What the limits may have caused, and a higher limit undo. */
static bool
failed_at_a_limit(const char *status)
{
	return strcmp(status, "timed out") == 0 || strcmp(status, "out of memory") == 0 ||
	       strcmp(status, "the PDF reader crashed") == 0;
}

/* A cached failure ("limits SECONDS MB" after its status) that the
 * limits of now might undo: a time limit or memory raised since (a
 * cache written before the limits were kept: read again). */
static bool
failed_under_lower_limits(const GString *answer, const struct mail_pdf_options *opts)
{
	const char *status = answer->str + strlen(HELPER_MAGIC), *limits;
	char why[64];
	unsigned seconds, mb;

	if (answer->len < strlen(HELPER_MAGIC) || sscanf(status, "status %63[^\n]", why) != 1 ||
	    !failed_at_a_limit(why))
		return false;
	/* a failure's answer is its status and its limits, no text */
	if ((limits = strstr(status, "\nlimits ")) == NULL ||
	    sscanf(limits, "\nlimits %u %u", &seconds, &mb) != 2)
		return true;
	return opts->timeout_s > seconds || opts->memory_mb > mb;
}

void
mail_pdf_parse_answer(const char *answer, size_t len, struct mail_pdf_result *res)
{
	const char *p = answer + strlen(HELPER_MAGIC), *end = answer + len;

	if (len < strlen(HELPER_MAGIC))
		return;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		char line[256];

		if (n == 4 && memcmp(p, "text", 4) == 0) {
			const char *text = nl ? nl + 1 : end;

			/* all of it, NUL bytes too: g_strndup stopped at the
			 * first, and text_len said more than was copied (the
			 * amount scan read past the copy; fuzz-pdf-answer) */
			res->text_len = (size_t)(end - text);
			res->text = g_malloc(res->text_len + 1);
			memcpy(res->text, text, res->text_len);
			res->text[res->text_len] = '\0';
			return;
		}
		snprintf(line, sizeof line, "%.*s", (int)(n < sizeof line ? n : sizeof line - 1),
			 p);
		if (strncmp(line, "status ", 7) == 0) {
			snprintf(res->status, sizeof res->status, "%.*s",
				 (int)sizeof res->status - 1, line + 7);
		} else if (strncmp(line, "xml-", 4) == 0) {
			mail_invoice_xml_field(line + 4, &res->xml);
			res->has_xml = res->xml.has_total;
		}
		p = nl ? nl + 1 : end;
	}
}

void
mail_pdf_read(const struct mail_pdf_options *opts, const void *pdf, size_t len,
	      struct mail_pdf_result *res)
{
	char *hash, path[4200], dir[4096];
	GString *answer = g_string_new(NULL);
	const char *failure = NULL;
	double started;
	bool kept;
	int fd;

	memset(res, 0, sizeof *res);
	if (len > PDF_MAX) {
		snprintf(res->status, sizeof res->status, "too large");
		g_string_free(answer, TRUE);
		return;
	}
	hash = g_compute_checksum_for_data(G_CHECKSUM_SHA256, pdf, len);
	if (cache_path(opts, hash, path, sizeof path) && cache_read(path, answer) &&
	    !failed_under_lower_limits(answer, opts)) {
		if (opts->stats != NULL)
			__atomic_add_fetch(&opts->stats->cached, 1, __ATOMIC_RELAXED);
		mail_pdf_parse_answer(answer->str, answer->len, res);
		goto out;
	}
	/* Hostile mail can carry hundreds of PDFs made to time out: a run
	 * spends so long on them and leaves the rest to the next. */
	if (opts->run_seconds > 0 && opts->stats != NULL &&
	    __atomic_load_n(&opts->stats->ms, __ATOMIC_RELAXED) >=
		    (uint64_t)opts->run_seconds * 1000) {
		__atomic_add_fetch(&opts->stats->deferred, 1, __ATOMIC_RELAXED);
		snprintf(res->status, sizeof res->status, "%s", MAIL_PDF_DEFERRED);
		goto out;
	}
	started = now_seconds();
	snprintf(dir, sizeof dir, "%s/vtriage-pdf-XXXXXX",
		 getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(dir) == NULL) {
		failure = "no temporary directory";
	} else {
		fd = (size_t)snprintf(path, sizeof path, "%.4000s/in.pdf", dir) < sizeof path
			     ? open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)
			     : -1;
		if (fd < 0 || !write_all(fd, pdf, len) || close(fd) != 0) {
			if (fd >= 0)
				close(fd);
			failure = "cannot write a temporary copy";
		} else {
			failure = run_helper(opts, dir, answer);
		}
		remove_workdir(dir);
	}
	if (opts->stats != NULL) {
		__atomic_add_fetch(&opts->stats->read, 1, __ATOMIC_RELAXED);
		__atomic_add_fetch(&opts->stats->ms, (uint64_t)((now_seconds() - started) * 1000),
				   __ATOMIC_RELAXED);
	}
	if (failure != NULL)
		result_failed(answer, failure);
	/* A helper that cannot run says nothing of the PDF: not cached. A
	 * PDF that failed under the limits is, with them (read again when
	 * they are raised). */
	kept = failure == NULL || failed_at_a_limit(failure);
	if (failure != NULL && kept)
		g_string_append_printf(answer, "limits %u %u\n", opts->timeout_s, opts->memory_mb);
	if (kept && cache_path(opts, hash, path, sizeof path))
		cache_write(opts, path, answer);
	mail_pdf_parse_answer(answer->str, answer->len, res);
out:
	g_free(hash);
	g_string_free(answer, TRUE);
}

void
mail_pdf_result_clear(struct mail_pdf_result *res)
{
	g_free(res->text);
	memset(res, 0, sizeof *res);
}

/* ---- the invoice XML's fields, as the helper writes them ---- */

static bool
money_field(const char *value, struct mail_money *m)
{
	long long minor;
	char currency[4] = "";
	int n = 0;

	if (sscanf(value, "%lld %3[A-Z]%n", &minor, currency, &n) != 2 || value[n] != '\0')
		return false;
	m->minor = (int64_t)minor;
	memcpy(m->currency, currency, 4);
	return true;
}

static void
iso_field(const char *value, char out[11])
{
	struct mail_date d;
	size_t pos = 0;

	if (strlen(value) == 10 && mail_date_next(value, 10, &pos, MAIL_DATE_ORDER_UNKNOWN, &d) &&
	    d.start == 0 && d.end == 10)
		mail_date_iso(&d, out);
}

bool
mail_invoice_xml_field(const char *line, struct mail_document *doc)
{
	const char *sp = strchr(line, ' ');
	char name[16];

	if (sp == NULL || (size_t)(sp - line) >= sizeof name)
		return false;
	snprintf(name, sizeof name, "%.*s", (int)(sp - line), line);
	sp++;
	if (strcmp(name, "total") == 0)
		return (doc->has_total = money_field(sp, &doc->total));
	if (strcmp(name, "subtotal") == 0)
		return (doc->has_subtotal = money_field(sp, &doc->subtotal));
	if (strcmp(name, "tax") == 0)
		return (doc->has_tax = money_field(sp, &doc->tax));
	if (strcmp(name, "ref") == 0)
		return snprintf(doc->ref, sizeof doc->ref, "%s", sp) > 0;
	if (strcmp(name, "iban") == 0 && strlen(sp) < sizeof doc->iban && mail_iban_valid(sp))
		return snprintf(doc->iban, sizeof doc->iban, "%s", sp) > 0;
	if (strcmp(name, "kind") == 0 && strcmp(sp, "credit") == 0)
		doc->kind = MAIL_DOC_CREDIT;
	else if (strcmp(name, "issued") == 0)
		iso_field(sp, doc->issued);
	else if (strcmp(name, "due") == 0)
		iso_field(sp, doc->due);
	else
		return false;
	return true;
}

void
mail_invoice_xml_print(FILE *f, const struct mail_document *doc)
{
	char *ref = mail_sanitize_str(doc->ref);

	if (doc->has_total)
		fprintf(f, "xml-total %lld %s\n", (long long)doc->total.minor, doc->total.currency);
	if (doc->has_subtotal)
		fprintf(f, "xml-subtotal %lld %s\n", (long long)doc->subtotal.minor,
			doc->subtotal.currency);
	if (doc->has_tax)
		fprintf(f, "xml-tax %lld %s\n", (long long)doc->tax.minor, doc->tax.currency);
	if (ref != NULL && *ref)
		fprintf(f, "xml-ref %s\n", ref);
	if (*doc->issued)
		fprintf(f, "xml-issued %s\n", doc->issued);
	if (*doc->due)
		fprintf(f, "xml-due %s\n", doc->due);
	if (*doc->iban)
		fprintf(f, "xml-iban %s\n", doc->iban);
	if (doc->kind == MAIL_DOC_CREDIT)
		fprintf(f, "xml-kind credit\n");
	free(ref);
}
