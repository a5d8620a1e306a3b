/* Counting and thread search over the notmuch index. */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "private.h"

/*
 * notmuch reports a malformed query only when it runs, and keeps the
 * explanation in the database's status string — but only for the first
 * exception in the handle's life, so a stale text from an earlier,
 * unrelated exception must not be passed off as the reason.
 */
vt_status
mail_query_fail(struct mail_db *db, struct vt_error *err, notmuch_status_t st, const char *query)
{
	static const char prefix[] = "A Xapian exception occurred parsing query: ";
	static const char echo[] = "Query string was: ";
	const char *detail = notmuch_database_status_string(db->nm);

	if (st == NOTMUCH_STATUS_XAPIAN_EXCEPTION || st == NOTMUCH_STATUS_BAD_QUERY_SYNTAX) {
		const char *about = detail ? strstr(detail, echo) : NULL;
		char line[VT_ERROR_MAX / 2];

		if (detail == NULL || strncmp(detail, prefix, sizeof prefix - 1) != 0 ||
		    about == NULL || strncmp(about + sizeof echo - 1, query, strlen(query)) != 0)
			return vt_fail(err, VT_ERR_USAGE,
				       "not a valid query (see notmuch-search-terms(7))");
		/* Keep notmuch's first line: the rest repeats the query. */
		snprintf(line, sizeof line, "%s", detail + sizeof prefix - 1);
		line[strcspn(line, "\n")] = '\0';
		return vt_fail(err, VT_ERR_USAGE, "%s", line);
	}
	return mail_nm_fail(db, err, st, query);
}

notmuch_query_t *
mail_query_create(struct mail_db *db, const char *query_string)
{
	notmuch_query_t *q = notmuch_query_create(db->nm, query_string);

	if (q == NULL)
		return NULL;
	/* Mail deleted in vtriage (tag deleted: the Trash) is out of every
	 * list and count unless the query names the tag (notmuch then drops
	 * the exclusion), as notmuch's search.exclude_tags would have it;
	 * nothing else is excluded. */
	(void)notmuch_query_add_tag_exclude(q, MAIL_TAG_DELETED);
	notmuch_query_set_omit_excluded(q, NOTMUCH_EXCLUDE_TRUE);
	return q;
}

vt_status
mail_count(struct mail_db *db, const char *query_string, bool count_threads, unsigned long *out,
	   struct vt_error *err)
{
	notmuch_query_t *q;
	notmuch_status_t st;
	unsigned n = 0;

	*out = 0;
	q = mail_query_create(db, query_string);
	if (q == NULL)
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	st = count_threads ? notmuch_query_count_threads(q, &n)
			   : notmuch_query_count_messages(q, &n);
	notmuch_query_destroy(q);
	if (st != NOTMUCH_STATUS_SUCCESS)
		return mail_query_fail(db, err, st, query_string);
	*out = n;
	return VT_OK;
}

char *
mail_message_vendor_org(notmuch_message_t *msg)
{
	const char *kind = NULL, *org = NULL;

	notmuch_message_get_property(msg, MAIL_PROP_KIND, &kind);
	if (kind != NULL && strcmp(kind, "vendor") == 0 &&
	    notmuch_message_get_property(msg, MAIL_PROP_ORG, &org) == NOTMUCH_STATUS_SUCCESS &&
	    org != NULL)
		return strdup(org);
	return NULL;
}

/* The organisation of a thread's vendor mail: its oldest message
 * attributed to a vendor (the thread's messages, oldest first). The
 * date, not the replies' tree: a list that builds threads itself
 * (thread-summary.c) knows the one and not the other. */
static char *
thread_vendor_org(notmuch_messages_t *msgs)
{
	char *found = NULL;

	for (; found == NULL && notmuch_messages_valid(msgs); notmuch_messages_move_to_next(msgs))
		found = mail_message_vendor_org(notmuch_messages_get(msgs));
	return found;
}

void
mail_thread_clear(struct mail_thread *t)
{
	free(t->thread_id);
	free(t->subject);
	free(t->authors);
	free(t->vendor_org);
	for (size_t i = 0; i < t->n_tags; i++)
		free(t->tags[i]);
	free(t->tags);
	for (size_t i = 0; i < t->n_in_orgs; i++)
		free(t->in_orgs[i]);
	free(t->in_orgs);
	memset(t, 0, sizeof *t);
}

int
mail_thread_add_tags(struct mail_thread *t, notmuch_tags_t *tags)
{
	for (; notmuch_tags_valid(tags); notmuch_tags_move_to_next(tags)) {
		char **grown = realloc(t->tags, (t->n_tags + 1) * sizeof *grown);

		if (grown == NULL)
			return -1;
		t->tags = grown;
		if ((t->tags[t->n_tags] = strdup(notmuch_tags_get(tags))) == NULL)
			return -1;
		t->n_tags++;
	}
	return 0;
}

int
mail_thread_add_suspicion(struct mail_thread *t, notmuch_message_t *msg)
{
	const char *marked = NULL, *dir = NULL, *org = NULL;
	char **grown;

	t->suspect_read = true;
	if (notmuch_message_get_property(msg, MAIL_PROP_SUSPECT, &marked) ==
		    NOTMUCH_STATUS_SUCCESS &&
	    marked != NULL)
		t->suspect_marked = true;
	if (notmuch_message_get_property(msg, MAIL_PROP_DIR, &dir) != NOTMUCH_STATUS_SUCCESS ||
	    dir == NULL || strcmp(dir, "in") != 0 ||
	    notmuch_message_get_property(msg, MAIL_PROP_ORG, &org) != NOTMUCH_STATUS_SUCCESS ||
	    org == NULL || *org == '\0')
		return 0;
	for (size_t i = 0; i < t->n_in_orgs; i++)
		if (strcmp(t->in_orgs[i], org) == 0)
			return 0;
	if ((grown = realloc(t->in_orgs, (t->n_in_orgs + 1) * sizeof *grown)) == NULL)
		return -1;
	t->in_orgs = grown;
	if ((t->in_orgs[t->n_in_orgs] = strdup(org)) == NULL)
		return -1;
	t->n_in_orgs++;
	return 0;
}

static int
fill_thread(notmuch_thread_t *nt, struct mail_thread *t)
{
	notmuch_messages_t *msgs;
	const char *s, *plain = NULL;

	memset(t, 0, sizeof *t);
	t->thread_id = strdup(notmuch_thread_get_thread_id(nt));
	s = notmuch_thread_get_subject(nt);
	t->subject = strdup(s ? s : "");
	s = notmuch_thread_get_authors(nt);
	t->authors = strdup(s ? s : "");
	t->newest = notmuch_thread_get_newest_date(nt);
	t->oldest = notmuch_thread_get_oldest_date(nt);
	t->matched = notmuch_thread_get_matched_messages(nt);
	t->total = notmuch_thread_get_total_messages(nt);
	t->vendor_org = thread_vendor_org(notmuch_thread_get_messages(nt));
	if (t->thread_id == NULL || t->subject == NULL || t->authors == NULL)
		return -1;
	/* every message's terms are read already: notmuch built the thread */
	for (msgs = notmuch_thread_get_messages(nt); notmuch_messages_valid(msgs);
	     notmuch_messages_move_to_next(msgs)) {
		notmuch_message_t *msg = notmuch_messages_get(msgs);

		if (mail_thread_add_suspicion(t, msg) != 0)
			return -1;
		/* (oldest first) */
		if (plain == NULL && (s = notmuch_message_get_header(msg, "subject")) != NULL &&
		    !mail_is_auto_reply(NULL, NULL, NULL, NULL, s))
			plain = s;
	}
	if (mail_thread_subject_by_people(t, plain) != 0)
		return -1;
	return mail_thread_add_tags(t, notmuch_thread_get_tags(nt));
}

vt_status
mail_list_threads(struct mail_db *db, const char *query_string, long limit,
		  vt_status (*fn)(void *ctx, const struct mail_thread *t, struct vt_error *err),
		  void *ctx, const bool *stop, struct vt_error *err)
{
	notmuch_query_t *q;
	notmuch_threads_t *threads;
	notmuch_status_t st;
	struct mail_thread t;
	long emitted = 0;
	vt_status rc = VT_OK;

	q = mail_query_create(db, query_string);
	if (q == NULL)
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	notmuch_query_set_sort(q, NOTMUCH_SORT_NEWEST_FIRST);
	st = notmuch_query_search_threads(q, &threads);
	if (st != NOTMUCH_STATUS_SUCCESS) {
		rc = mail_query_fail(db, err, st, query_string);
		goto out;
	}
	for (; rc == VT_OK && notmuch_threads_valid(threads);
	     notmuch_threads_move_to_next(threads)) {
		notmuch_thread_t *nt;

		if ((limit >= 0 && emitted >= limit) || (stop != NULL && *stop))
			break;
		nt = notmuch_threads_get(threads);
		if (fill_thread(nt, &t) != 0)
			rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
		else
			rc = fn(ctx, &t, err);
		mail_thread_clear(&t);
		notmuch_thread_destroy(nt);
		emitted++;
	}
	notmuch_threads_destroy(threads);
out:
	notmuch_query_destroy(q);
	return rc;
}

/* Months more of spans a list reads rather than sort every match. */
#define MONTHS_AHEAD_MAX 12
/* Fewer matches than this (as guessed from the days read) are sorted
 * sooner than spans are read: at 6,046 messages `money` (guessed ~1,000)
 * 1.9 ms sooner, at 99,820 (guessed ~4,000 of ~11,000) 3.1 ms later
 * (bench/RESULTS.md, "Spans of months"). */
#define SPANS_MATCHES_MIN 2000

static bool
screen_fills_soon(const struct mail_thread_order *o, long limit)
{
	long months = mail_thread_order_months_read(o), found = mail_thread_order_count(o);

	/* at the rate found so far (none: a query without recent mail) */
	return months > 0 && found > 0 && (limit - found) * months <= found * MONTHS_AHEAD_MAX &&
	       mail_thread_order_matches_guess(o) >= SPANS_MATCHES_MIN;
}

vt_status
mail_search_from(struct mail_db *db, const char *query, long offset, long limit,
		 vt_status (*fn)(void *ctx, const struct mail_thread *t, struct vt_error *err),
		 void *ctx, const struct mail_thread_sizes *sizes, struct vt_error *err)
{
	struct mail_thread_order *o;
	vt_status rc;

	/* offset + limit (and what is added to it) without overflow: past
	 * LONG_MAX / 2 threads is all of them */
	if (offset > LONG_MAX / 2)
		offset = LONG_MAX / 2;
	if (limit > LONG_MAX / 2 - offset)
		limit = LONG_MAX / 2 - offset;
	rc = mail_thread_order_start(db, query, &o, err);
	if (rc == VT_OK)
		mail_thread_order_pause_at_span_ends(o);
	/* no further than needed: a message is ~10 µs (its thread id) */
	while (rc == VT_OK && !mail_thread_order_done(o) &&
	       (limit < 0 || mail_thread_order_count(o) < offset + limit)) {
		rc = mail_thread_order_step(o,
					    limit < 0 ? 4096
						      : 16 + offset + limit -
								mail_thread_order_count(o),
					    err);
		/* The first screen not in the newest month: a query with few
		 * recent matches, which notmuch sorts cheaply whole (each
		 * span of dates is a pass over the dates of all mail, 70 ms
		 * at a million messages, whatever the query). A span of
		 * months costs ~1 ms: spans go on while the threads found
		 * so far say the screen fills within a year more. */
		if (rc == VT_OK && offset == 0 && mail_thread_order_spans_read(o) > 0 &&
		    mail_thread_order_count(o) < limit && !screen_fills_soon(o, limit)) {
			mail_thread_order_free(o);
			return sizes != NULL
				       ? mail_list_threads_known(db, query, limit, sizes, fn, ctx,
								 err)
				       : mail_list_threads(db, query, limit, fn, ctx, NULL, err);
		}
	}
	/* a query naming a few hundred threads at a time */
	for (long at = offset;
	     rc == VT_OK && at < mail_thread_order_count(o) && (limit < 0 || at < offset + limit);
	     at += 256) {
		long n = limit < 0 || offset + limit - at > 256 ? 256 : offset + limit - at;

		rc = mail_thread_order_emit_known(o, at, n, sizes, fn, ctx, err);
	}
	mail_thread_order_free(o);
	return rc;
}

/*
 * A span of dates costs one pass over the dates of all mail (70 ms at a
 * million messages, whatever the query), sorting everything costs by
 * the match: a vendor's mail (or a thread's, a message's) is sorted
 * whole sooner than a month of it is found.
 */
bool
mail_query_narrow(const char *query)
{
	/* a thread or message asked for by name; vendor: and
	 * bucket:trusted as store/query.c writes them, not bucket:generic's
	 * "AND NOT (...)" nor the snoozed threads' clause (their ends,
	 * their threads) that any query may carry; quotes and bills
	 * (kind:), amounts (the documents named), threads waiting: a few in
	 * a hundred of all mail */
	static const char *const first[] = {
		"thread:",
		"id:",
		"property:\"" MAIL_PROP_DOC "=",
		"property:\"" MAIL_PROP_WAITING "=",
	};

	query += strspn(query, "( ");
	for (size_t i = 0; i < sizeof first / sizeof *first; i++)
		if (strncmp(query, first[i], strlen(first[i])) == 0)
			return true;
	return strstr(query, "AND (property:\"" MAIL_PROP_ORG "=") != NULL;
}

bool
mail_query_spans_pay(struct mail_db *db, const char *query)
{
	return !mail_query_narrow(query) &&
	       mail_db_posting_bytes(db) >= db->spans_min_posting_bytes;
}

vt_status
mail_search_threads(struct mail_db *db, const char *query_string, long offset, long limit,
		    vt_status (*fn)(void *ctx, const struct mail_thread *t, struct vt_error *err),
		    void *ctx, struct vt_error *err)
{
	/* notmuch skips an offset message by message, not thread by
	 * thread, and sorts every match before the first thread: the
	 * threads' order is read instead, the newest mail first
	 * (thread-order.c) */
	if (offset > 0 || (limit >= 0 && mail_query_spans_pay(db, query_string)))
		return mail_search_from(db, query_string, offset, limit, fn, ctx, NULL, err);
	return mail_list_threads(db, query_string, limit, fn, ctx, NULL, err);
}

/* Past this many threads named in one query, a query naming them costs
 * more than notmuch's sort of every match. */
#define AMONG_NAMED_MAX 2048

struct among {
	long long bound; /* no thread not yet named has a match newer */
	long limit;
	uint64_t *given; /* thread numbers, limit slots */
	long n_given;
	bool stop, lost;
	vt_status (*fn)(void *ctx, const struct mail_thread *t, struct vt_error *err);
	void *ctx;
};

static vt_status
give_if_placed(void *ctx, const struct mail_thread *t, struct vt_error *err)
{
	struct among *a = ctx;
	uint64_t id;

	/* at or below the bound a thread not yet named may come first:
	 * this one and all after it wait for the next round */
	if ((long long)t->newest <= a->bound || !mail_thread_number(t->thread_id, &id)) {
		a->lost = (long long)t->newest > a->bound;
		a->stop = true;
		return VT_OK;
	}
	a->given[a->n_given++] = id;
	a->stop = a->n_given >= a->limit;
	return a->fn(a->ctx, t, err);
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Keeps those of named[0, n) not given: they are named again. */
static long
drop_given(uint64_t *named, long n, const struct among *a, uint64_t *sorted)
{
	long kept = 0;

	memcpy(sorted, a->given, (size_t)a->n_given * sizeof *sorted);
	qsort(sorted, (size_t)a->n_given, sizeof *sorted, cmp_u64);
	for (long i = 0; i < n; i++)
		if (bsearch(&named[i], sorted, (size_t)a->n_given, sizeof *sorted, cmp_u64) == NULL)
			named[kept++] = named[i];
	return kept;
}

vt_status
mail_search_threads_among(struct mail_db *db, const char *query, long limit,
			  mail_candidates_fn more, void *more_ctx,
			  vt_status (*fn)(void *ctx, const struct mail_thread *t,
					  struct vt_error *err),
			  void *ctx, struct vt_error *err)
{
	struct among a = { .limit = limit, .fn = fn, .ctx = ctx };
	const struct mail_candidate *c;
	uint64_t *named = NULL, *sorted = NULL;
	long n_named = 0, pos = 0, batch = limit + 16, n = 0;
	vt_status rc = VT_OK;
	char *q;

	if (limit <= 0)
		return VT_OK;
	if (batch > AMONG_NAMED_MAX)
		return mail_list_threads(db, query, limit, fn, ctx, NULL, err);
	a.given = calloc((size_t)limit, sizeof *a.given);
	sorted = calloc((size_t)limit, sizeof *sorted);
	named = malloc(AMONG_NAMED_MAX * sizeof *named);
	if (a.given == NULL || sorted == NULL || named == NULL) {
		rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
		goto out;
	}
	for (;;) {
		long long rest;
		long end;

		if ((rc = more(more_ctx, pos + batch, &c, &n, &rest, err)) != VT_OK)
			goto out;
		end = pos + batch < n ? pos + batch : n;
		a.bound = end < n ? c[end].newest : rest;
		/* the source knows no more, yet there is more */
		if (end == pos && rest != LLONG_MIN)
			break;
		for (; pos < end; pos++)
			named[n_named++] = c[pos].thread;
		if (n_named == 0)
			goto out;
		if ((q = mail_threads_naming(named, n_named, query, false)) == NULL) {
			rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
			goto out;
		}
		a.stop = false;
		rc = mail_list_threads(db, q, -1, give_if_placed, &a, &a.stop, err);
		free(q);
		if (rc != VT_OK || a.n_given >= limit || (a.bound == LLONG_MIN && !a.lost))
			goto out;
		/* stopped at the bound: the named not given are named again;
		 * read to the end: those not given have no match at all */
		n_named = a.stop ? drop_given(named, n_named, &a, sorted) : 0;
		batch *= 4;
		if (a.lost || n_named + batch > AMONG_NAMED_MAX)
			break;
	}
	/* Too many to name: the rest of the list is every thread but those
	 * given, all of which come before it. */
	if (a.n_given == 0)
		rc = mail_list_threads(db, query, limit, fn, ctx, NULL, err);
	else if ((q = mail_threads_naming(a.given, a.n_given, query, true)) == NULL)
		rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
	else {
		rc = mail_list_threads(db, q, limit - a.n_given, fn, ctx, NULL, err);
		free(q);
	}
out:
	free(named);
	free(sorted);
	free(a.given);
	return rc;
}

vt_status
mail_thread_copy(const struct mail_thread *from, struct mail_thread *to, struct vt_error *err)
{
	memset(to, 0, sizeof *to);
	*to = *from;
	to->thread_id = strdup(from->thread_id);
	to->subject = strdup(from->subject);
	to->authors = strdup(from->authors);
	to->vendor_org = from->vendor_org ? strdup(from->vendor_org) : NULL;
	to->tags = from->n_tags ? calloc(from->n_tags, sizeof *to->tags) : NULL;
	to->n_tags = 0;
	to->in_orgs = from->n_in_orgs ? calloc(from->n_in_orgs, sizeof *to->in_orgs) : NULL;
	to->n_in_orgs = 0;
	bool failed = !to->thread_id || !to->subject || !to->authors ||
		      (from->vendor_org && !to->vendor_org) || (from->n_tags && !to->tags) ||
		      (from->n_in_orgs && !to->in_orgs);

	for (size_t i = 0; !failed && i < from->n_tags; i++) {
		if ((to->tags[i] = strdup(from->tags[i])) == NULL)
			failed = true;
		else
			to->n_tags++;
	}
	for (size_t i = 0; !failed && i < from->n_in_orgs; i++) {
		if ((to->in_orgs[i] = strdup(from->in_orgs[i])) == NULL)
			failed = true;
		else
			to->n_in_orgs++;
	}
	if (failed) {
		mail_thread_clear(to);
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	}
	return VT_OK;
}

vt_status
mail_query_visit(struct mail_db *db, notmuch_query_t *query, const char *query_string,
		 notmuch_sort_t sort, mail_message_visit visit, void *ctx, struct vt_error *err)
{
	notmuch_messages_t *msgs;
	notmuch_status_t st;
	vt_status rc = VT_OK;

	if (query == NULL)
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	notmuch_query_set_sort(query, sort);
	if ((st = notmuch_query_search_messages(query, &msgs)) != NOTMUCH_STATUS_SUCCESS) {
		rc = mail_query_fail(db, err, st, query_string);
	} else {
		for (; rc == VT_OK && notmuch_messages_valid(msgs);
		     notmuch_messages_move_to_next(msgs)) {
			notmuch_message_t *msg = notmuch_messages_get(msgs);

			rc = visit(ctx, msg, err);
			notmuch_message_destroy(msg);
		}
		notmuch_messages_destroy(msgs);
	}
	notmuch_query_destroy(query);
	return rc;
}

/* Visits every message of a query, excluded ones too, unsorted. */
static vt_status
each_message(struct mail_db *db, const char *query_string, mail_message_visit visit, void *ctx,
	     struct vt_error *err)
{
	notmuch_query_t *query = notmuch_query_create(db->nm, query_string);

	if (query != NULL)
		notmuch_query_set_omit_excluded(query, NOTMUCH_EXCLUDE_FALSE);
	return mail_query_visit(db, query, query_string, NOTMUCH_SORT_UNSORTED, visit, ctx, err);
}

struct message_visitor {
	mail_message_fn fn;
	void *ctx;
};

static vt_status
visit_message(void *ctx, notmuch_message_t *msg, struct vt_error *err)
{
	struct message_visitor *v = ctx;

	return v->fn(v->ctx, notmuch_message_get_message_id(msg),
		     notmuch_message_get_thread_id(msg), err);
}

vt_status
mail_for_each_message(struct mail_db *db, const char *query_string, mail_message_fn fn, void *ctx,
		      struct vt_error *err)
{
	struct message_visitor v = { fn, ctx };

	return each_message(db, query_string, visit_message, &v, err);
}

struct file_visitor {
	mail_file_fn fn;
	void *ctx;
};

static vt_status
visit_files(void *ctx, notmuch_message_t *msg, struct vt_error *err)
{
	struct file_visitor *v = ctx;
	notmuch_filenames_t *files = notmuch_message_get_filenames(msg);
	vt_status rc = VT_OK;

	for (; rc == VT_OK && files && notmuch_filenames_valid(files);
	     notmuch_filenames_move_to_next(files))
		rc = v->fn(v->ctx, notmuch_message_get_message_id(msg),
			   notmuch_filenames_get(files), err);
	if (files)
		notmuch_filenames_destroy(files);
	return rc;
}

vt_status
mail_for_each_file(struct mail_db *db, const char *query_string, mail_file_fn fn, void *ctx,
		   struct vt_error *err)
{
	struct file_visitor v = { fn, ctx };

	return each_message(db, query_string, visit_files, &v, err);
}
