/* vtriage count, vtriage search */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

char *
cli_join(int n, char **argv)
{
	size_t len = 1;
	char *q;

	for (int i = 0; i < n; i++)
		len += strlen(argv[i]) + 1;
	q = calloc(1, len);
	if (q == NULL)
		return NULL;
	for (int i = 0; i < n; i++) {
		if (i)
			strcat(q, " ");
		strcat(q, argv[i]);
	}
	return q;
}

/* Errors in the query name the query as the user wrote it, sanitised:
 * it may be pasted from mail (bidi overrides, C1 controls). */
int
cli_query_error(const struct vt_error *err, const char *query)
{
	char *shown, *why;

	if (err->status != VT_ERR_USAGE)
		return cli_error(err);
	shown = cli_text(query);
	why = cli_text(err->msg);
	fprintf(stderr, "vtriage: bad query '%s': %s\n", shown ? shown : "", why ? why : "");
	free(shown);
	free(why);
	return 2;
}

static vt_status
translate(struct cli *cli, const char *query, char **out, struct vt_error *err)
{
	return cli->with_snoozed ? vt_query_translate_with_snoozed(cli->store, query, out, err)
				 : vt_query_translate(cli->store, query, out, err);
}

/* The notmuch query for the operands, or NULL after reporting (*exit).
 * *user gets the query as the user wrote it. */
char *
cli_prepare_query(struct cli *cli, int n, char **argv, char **user, int *exit_code)
{
	struct vt_error err = { 0 };
	char *query, *translated = NULL;
	vt_status rc;

	if ((rc = cli_open(cli, MAIL_DB_READ_ONLY, &err)) != VT_OK) {
		*exit_code = cli_error(&err);
		return NULL;
	}
	/* A list reads each page of the store it needs (thread sizes,
	 * vendor names) about once: sqlite's default cache (2 MB) would
	 * give every page read fresh memory, a page fault each (1.2-1.7 us
	 * here, more than reading the page again); a small one reuses its
	 * buffers. At 298,424 messages, `search --limit 50 kind:quote`: 62
	 * of 692 faults fewer; whole lists no slower (bench/RESULTS.md). */
	vt_store_set_page_cache(cli->store, 64);
	query = cli_join(n, argv);
	if (query == NULL) {
		vt_fail(&err, VT_ERR_NOMEM, "out of memory");
		*exit_code = cli_error(&err);
		return NULL;
	}
	rc = translate(cli, query, &translated, &err);
	if (rc == VT_OK && cli->and_query != NULL) {
		char *also = NULL, *both = NULL;

		if ((rc = translate(cli, cli->and_query, &also, &err)) == VT_OK &&
		    (strcmp(translated, "*") == 0
			     ? (both = strdup(also)) == NULL
			     : asprintf(&both, "(%s) AND (%s)", translated, also) < 0))
			rc = vt_fail(&err, VT_ERR_NOMEM, "out of memory");
		free(also);
		free(translated);
		translated = rc == VT_OK ? both : NULL;
	}
	if (rc != VT_OK) {
		*exit_code = cli_query_error(&err, query);
		free(query);
		return NULL;
	}
	*user = query;
	return translated;
}

int
cmd_count(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	const char *output = NULL;
	const struct cli_option options[] = { { "output", true, &output }, { 0 } };
	struct vt_error err = { 0 };
	unsigned long count;
	bool threads = false;
	char *query, *user = NULL;
	int n, code = 0;

	if ((n = cli_parse_options(cli, self, argc, argv, options)) < 0)
		return n == -2 ? 0 : 2;
	if (output != NULL) {
		if (strcmp(output, "threads") == 0)
			threads = true;
		else if (strcmp(output, "messages") != 0)
			return cli_usage_error(cli, "--output must be messages or threads");
	}
	if ((query = cli_prepare_query(cli, n, argv, &user, &code)) == NULL)
		return code;
	if (mail_count(cli->db, query, threads, &count, &err) != VT_OK)
		code = cli_query_error(&err, user);
	else
		fprintf(cli->out, "%lu\n", count); /* a bare number is valid JSON too */
	free(query);
	free(user);
	return code;
}

struct search_out {
	struct cli *cli;
	long printed;
	struct vt_thread_marks marks;
	/* the vendor column: a list is mostly one vendor's, looked up once */
	char *last_org, *last_slug;
};

static const char *
slug_for(struct search_out *so, const char *org)
{
	if (org == NULL)
		return NULL;
	if (so->last_org == NULL || strcmp(so->last_org, org) != 0) {
		free(so->last_org);
		free(so->last_slug);
		so->last_org = strdup(org);
		so->last_slug = vt_vendor_slug_for_org(so->cli->store, org);
	}
	return so->last_slug;
}

static const char *
waiting_on(const struct search_out *so, const char *thread_id)
{
	if (vt_thread_set_has(&so->marks.waiting_vendor, thread_id))
		return "vendor";
	if (vt_thread_set_has(&so->marks.waiting_me, thread_id))
		return "me";
	return NULL;
}

static vt_status
print_thread(void *ctx, const struct mail_thread *t, struct vt_error *err)
{
	struct search_out *so = ctx;
	struct cli *cli = so->cli;
	const char *slug = slug_for(so, t->vendor_org);
	bool suspicious;

	if (cli->format == CLI_JSON) {
		json_t *o = json_object(), *tags = json_array();

		json_object_set_new(o, "thread", json_string(t->thread_id));
		cli_json_set_text(o, "subject", t->subject);
		cli_json_set_text(o, "authors", t->authors);
		json_object_set_new(o, "date", json_integer((json_int_t)t->newest));
		json_object_set_new(o, "oldest", json_integer((json_int_t)t->oldest));
		json_object_set_new(o, "vendor", slug ? json_string(slug) : json_null());
		json_object_set_new(o, "matched", json_integer(t->matched));
		json_object_set_new(o, "total", json_integer(t->total));
		json_object_set_new(o, "waiting",
				    waiting_on(so, t->thread_id)
					    ? json_string(waiting_on(so, t->thread_id))
					    : json_null());
		json_object_set_new(o, "open_issue",
				    json_boolean(vt_thread_set_has(&so->marks.open_issue,
								   t->thread_id)));
		vt_status rc =
			vt_thread_marks_suspicious(cli->store, &so->marks, t, &suspicious, err);

		if (rc != VT_OK) {
			json_decref(o);
			json_decref(tags);
			return rc;
		}
		json_object_set_new(o, "suspicious", json_boolean(suspicious));
		for (size_t i = 0; i < t->n_tags; i++) {
			char *clean = cli_text(t->tags[i]);

			json_array_append_new(tags, json_string(clean ? clean : ""));
			free(clean);
		}
		json_object_set_new(o, "tags", tags);
		fputs(so->printed ? ",\n" : "[\n", cli->out);
		cli_json_put(o, JSON_COMPACT, cli->out);
		json_decref(o);
	} else {
		char date[32], *subject = cli_text(t->subject), *authors = cli_text(t->authors);

		cli_format_date(t->newest, date, sizeof date);
		fprintf(cli->out, "thread:%s  %s [%d/%d] %s%s%s%s; %s (", t->thread_id, date,
			t->matched, t->total, slug ? "[" : "", slug ? slug : "", slug ? "] " : "",
			authors ? authors : "", subject ? subject : "");
		for (size_t i = 0; i < t->n_tags; i++) {
			char *clean = cli_text(t->tags[i]);

			fprintf(cli->out, "%s%s", i ? " " : "", clean ? clean : "");
			free(clean);
		}
		fputs(")\n", cli->out);
		free(subject);
		free(authors);
	}
	so->printed++;
	if (!ferror(cli->out))
		return VT_OK;
	cli_stdout_failed(errno);
	return vt_fail(err, VT_ERR_IO, "write error: %s", strerror(errno));
}

static bool
parse_count(const char *s, long *out)
{
	char *end;

	errno = 0;
	*out = strtol(s, &end, 10);
	return errno == 0 && *s && *end == '\0' && *out >= 0;
}

int
cmd_search(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	const char *limit_s = NULL, *offset_s = NULL, *last_s = NULL, *as_notmuch = NULL;
	const struct cli_option options[] = {
		{ "limit", true, &limit_s },
		{ "offset", true, &offset_s },
		{ "last", true, &last_s },
		{ "notmuch-query", false, &as_notmuch },
		{ 0 },
	};
	struct search_out so = { .cli = cli };
	struct vt_error err = { 0 };
	long limit = -1, offset = 0, last = -1, total;
	char *query, *user = NULL;
	int n, code = 0;

	if ((n = cli_parse_options(cli, self, argc, argv, options)) < 0)
		return n == -2 ? 0 : 2;
	if (limit_s && !parse_count(limit_s, &limit))
		return cli_usage_error(cli, "--limit needs a number >= 0, not '%s'", limit_s);
	if (offset_s && !parse_count(offset_s, &offset))
		return cli_usage_error(cli, "--offset needs a number >= 0, not '%s'", offset_s);
	if (last_s && !parse_count(last_s, &last))
		return cli_usage_error(cli, "--last needs a number >= 0, not '%s'", last_s);
	if (last_s && (limit_s || offset_s))
		return cli_usage_error(
			cli, "--last is the end of the list: not with --limit or --offset");
	if ((query = cli_prepare_query(cli, n, argv, &user, &code)) == NULL)
		return code;
	if (as_notmuch != NULL) {
		/* Our terms resolved now, for notmuch or neomutt on the same
		 * database (the benchmarks compare the two on it). */
		/* it names domains and Message-IDs from mail: sanitised */
		char *shown = cli_text(query);

		if (cli->format == CLI_JSON) {
			json_t *q = json_string(shown ? shown : "");

			cli_json_put(q, JSON_ENCODE_ANY, cli->out);
			fputc('\n', cli->out);
			json_decref(q);
		} else {
			fprintf(cli->out, "%s\n", shown ? shown : "");
		}
		free(shown);
		free(query);
		free(user);
		return 0;
	}
	/* before the snapshot: it may record that the store still mirrors
	 * the index after another program's tags */
	vt_store_keep_mirror(cli->store, cli->db);
	vt_store_read_begin(cli->store);
	/* the marks JSON shows (waiting, open issue; suspicious is asked
	 * thread by thread), and only those: amounts and issues' titles
	 * are not read for a list that does not print them */
	if (cli->format == CLI_JSON &&
	    vt_thread_marks_load(cli->store, VT_MARKS_WAITING | VT_MARKS_OPEN_ISSUE, &so.marks,
				 &err) != VT_OK)
		code = cli_error(&err);
	else if (last >= 0 ? mail_thread_tail(cli->db, query, last, print_thread, &so, &total, &err)
			   : vt_search_threads(cli->store, cli->db, user, query, offset, limit,
					       print_thread, &so, &err) != VT_OK)
		code = cli_query_error(&err, user);
	vt_store_read_end(cli->store);
	vt_thread_marks_clear(&so.marks);
	free(so.last_org);
	free(so.last_slug);
	/* Only a whole array is printed: nothing at all for a bad query. */
	if (cli->format == CLI_JSON && (code == 0 || so.printed))
		fputs(so.printed ? "\n]\n" : "[]\n", cli->out);
	free(query);
	free(user);
	return code;
}
