/*
 * The threads' places with thread-order.c's bitmap of thread numbers cut
 * to 64: past that every id goes to the hash set, as ids past 2^26 (a
 * database whose counter is high, ids from elsewhere) do in use. The
 * places and the list's end must be what notmuch lists all the same.
 */
#define BITS_MAX 64ULL
#include "../../mail/thread-order.c"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "helpers.h"
#include "store-fixture.h"
#include "store/private.h"

struct ids {
	char **at;
	size_t n;
};

static vt_status
collect(void *ctx, const struct mail_thread *th, struct vt_error *err)
{
	struct ids *c = ctx;
	char **grown = realloc(c->at, (c->n + 1) * sizeof *grown);

	(void)err;
	assert_non_null(grown);
	c->at = grown;
	c->at[c->n] = strdup(th->thread_id);
	assert_non_null(c->at[c->n]);
	c->n++;
	return VT_OK;
}

static void
ids_clear(struct ids *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->at[i]);
	free(c->at);
	memset(c, 0, sizeof *c);
}

static void
places_past_the_bitmap_are_hashed(void **state)
{
	struct fixture *f = *state;
	struct ids all = { 0 };
	struct vt_error err = { 0 };
	struct mail_thread_order *o = NULL;
	char name[32], id[64], date[200];

	/* 300 threads over three years, one in four answered a year on */
	for (int i = 0; i < 300; i++) {
		snprintf(name, sizeof name, "t%d:2,S", i);
		snprintf(id, sizeof id, "t%d@globex.example", i);
		snprintf(date, sizeof date, "Date: %02d Mar %d 10:%02d:00 +0000\n", 1 + i % 28,
			 2021 + i % 3, i % 60);
		test_write_message(f->mail, name, "Sales <sales@globex.example>",
				   "rich@northwind.example", "Offer", id, date, NULL);
		if (i % 4 != 0)
			continue;
		snprintf(name, sizeof name, "r%d:2,S", i);
		snprintf(date, sizeof date,
			 "Date: %02d Apr %d 10:%02d:00 +0000\nIn-Reply-To: <%s>\n", 1 + i % 28,
			 2022 + i % 3, i % 60, id);
		snprintf(id, sizeof id, "r%d@globex.example", i);
		test_write_message(f->mail, name, "Sales <sales@globex.example>",
				   "rich@northwind.example", "Re: Offer", id, date, NULL);
	}
	index_ok(f);
	assert_int_equal(mail_search_threads(f->db, "*", 0, -1, collect, &all, &err), VT_OK);
	assert_true(all.n > 300);

	/* placed one and all: the ids went to the hash set */
	assert_int_equal(mail_thread_order_start(f->db, "*", &o, &err), VT_OK);
	while (!mail_thread_order_done(o))
		assert_int_equal(mail_thread_order_step(o, 50, &err), VT_OK);
	assert_true(o->seen.hashed);
	assert_int_equal(mail_thread_order_count(o), (long)all.n);
	for (long i = 0; i < o->n; i++) {
		char hex[17];

		snprintf(hex, sizeof hex, "%016" PRIx64, o->ids[i]);
		if (strcmp(hex, all.at[i]) != 0)
			fail_msg("place %ld: %s, notmuch lists %s", i, hex, all.at[i]);
	}
	mail_thread_order_free(o);

	/* windows by their places, and the end from the oldest mail up */
	for (long from = 1; from < (long)all.n; from += 61) {
		struct ids part = { 0 };

		assert_int_equal(mail_search_threads(f->db, "*", from, 40, collect, &part, &err),
				 VT_OK);
		for (size_t i = 0; i < part.n; i++)
			assert_string_equal(part.at[i], all.at[from + (long)i]);
		assert_int_equal(part.n, (size_t)from + 40 <= all.n ? 40 : all.n - (size_t)from);
		ids_clear(&part);
	}
	for (long want = 1; want <= (long)all.n; want *= 3) {
		struct ids tail = { 0 };
		long total;

		assert_int_equal(mail_thread_tail(f->db, "*", want, collect, &tail, &total, &err),
				 VT_OK);
		assert_int_equal(tail.n, (size_t)want);
		for (size_t i = 0; i < tail.n; i++)
			assert_string_equal(tail.at[i], all.at[all.n - (size_t)want + i]);
		ids_clear(&tail);
	}
	ids_clear(&all);
}

/* A thread as a list shows it, all of it. */
static vt_status
collect_whole(void *ctx, const struct mail_thread *th, struct vt_error *err)
{
	struct ids *c = ctx;
	char **grown = realloc(c->at, (c->n + 1) * sizeof *grown);

	(void)err;
	assert_non_null(grown);
	c->at = grown;
	assert_true(asprintf(&c->at[c->n], "%s %lld %lld [%d/%d] %s; %s (%s)", th->thread_id,
			     (long long)th->newest, (long long)th->oldest, th->matched, th->total,
			     th->authors, th->subject, th->vendor_org ? th->vendor_org : "-") > 0);
	for (size_t i = 0; i < th->n_tags; i++) {
		char *more;

		assert_true(asprintf(&more, "%s %s", c->at[c->n], th->tags[i]) > 0);
		free(c->at[c->n]);
		c->at[c->n] = more;
	}
	c->n++;
	return VT_OK;
}

static void
same_lists(const struct ids *a, const struct ids *b, const char *what)
{
	for (size_t i = 0; i < a->n && i < b->n; i++)
		if (strcmp(a->at[i], b->at[i]) != 0)
			fail_msg("%s, thread %zu: %s; notmuch lists %s", what, i, a->at[i],
				 b->at[i]);
	if (a->n != b->n)
		fail_msg("%s: %zu threads; notmuch lists %zu", what, a->n, b->n);
}

/* The first `limit` threads of a vtriage query, vt_search_threads' way
 * and notmuch's; whether they are the same. */
static bool
both_ways(struct fixture *f, const char *query, long limit, bool must_match)
{
	struct ids ours = { 0 }, theirs = { 0 };
	struct vt_error err = { 0 };
	char *q = NULL, what[200];
	bool same;

	if (vt_query_translate(f->store, query, &q, &err) != VT_OK)
		fail_msg("%s: %s", query, err.msg);
	assert_int_equal(vt_search_threads(f->store, f->db, query, q, 0, limit, collect_whole,
					   &ours, &err),
			 VT_OK);
	assert_int_equal(mail_search_threads(f->db, q, 0, limit, collect_whole, &theirs, &err),
			 VT_OK);
	snprintf(what, sizeof what, "%s --limit %ld", query, limit);

	if (must_match)
		same_lists(&ours, &theirs, what);
	same = ours.n == theirs.n;
	for (size_t i = 0; same && i < ours.n; i++)
		same = strcmp(ours.at[i], theirs.at[i]) == 0;
	ids_clear(&ours);
	ids_clear(&theirs);
	free(q);
	return same;
}

/* Mail of a vendor over three years, replied to now and then, some of it
 * in one second; another vendor's between. */
static void
write_vendor_mail(struct fixture *f)
{
	char name[32], id[64], date[200];

	for (int i = 0; i < 160; i++) {
		const char *org = i % 5 == 0   ? "initech.example"
				  : i % 7 == 0 ? "globex-eu.example"
					       : "globex.example";
		char from[100];

		snprintf(from, sizeof from, "Sales <sales@%s>", org);
		snprintf(name, sizeof name, "v%d:2,S", i);
		snprintf(id, sizeof id, "v%d@%s", i, org);
		/* threads 100..105 in the same second */
		if (i >= 100 && i < 106)
			snprintf(date, sizeof date, "Date: 01 Jun 2024 10:00:00 +0000\n");
		else
			snprintf(date, sizeof date, "Date: %02d %s %d 10:%02d:00 +0000\n",
				 1 + i % 28, i % 2 ? "Mar" : "Sep", 2022 + i % 3, i % 60);
		test_write_message(f->mail, name, from, "rich@northwind.example",
				   i % 37 == 3 ? "Rare offer" : "Offer", id, date, NULL);
		if (i % 4 != 1)
			continue;
		snprintf(name, sizeof name, "w%d:2,S", i);
		snprintf(date, sizeof date,
			 "Date: %02d Oct %d 11:%02d:00 +0000\nIn-Reply-To: <%s>\n", 1 + i % 28,
			 2022 + i % 3, i % 60, id);
		snprintf(id, sizeof id, "w%d@northwind.example", i);
		test_write_message(f->mail, name, "Rich <rich@northwind.example>", from,
				   "Re: Offer", id, date, NULL);
	}
}

/* The store loses the organisation's newest thread (the store is never
 * so wrong: a list without that thread shows the store made it). */
static void
store_forgets_newest_thread(struct fixture *f, const char *org)
{
	sqlite3_stmt *st;

	assert_int_equal(sqlite3_prepare_v2(f->store->db,
					    "DELETE FROM messages WHERE thread = (SELECT thread"
					    " FROM messages WHERE org = ? AND kind = 1"
					    " ORDER BY date DESC LIMIT 1)",
					    -1, &st, NULL),
			 SQLITE_OK);
	sqlite3_bind_text(st, 1, org, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		fail_msg("forgetting %s's newest thread: %s", org, sqlite3_errmsg(f->store->db));
	sqlite3_finalize(st);
}

static void
a_vendors_first_threads_are_notmuchs_first(void **state)
{
	struct fixture *f = *state;
	static const long limits[] = { 1, 2, 5, 7, 30, 200 };
	struct vt_action act = { 0 };
	struct vt_error err = { 0 };

	/* every vendor's newest threads named from the store, however
	 * small (a_small_vendors_mail_is_sorted_whole) */
	f->store->among_min_messages = 1;
	write_vendor_mail(f);
	index_ok(f);
	/* two domains, one vendor: two streams merged */
	assert_int_equal(vt_vendor_add_domain(f->store, "globex", "globex-eu.example",
					      VT_TRIAGE_FORCE, &act, &err),
			 VT_OK);
	vt_action_clear(&act);
	/* a forgery of the newest: named, but not the vendor's */
	assert_int_equal(vt_sql_exec(f->store,
				     "INSERT INTO suspicions (message_id, reason, detail, org)"
				     " SELECT message_id, 'name', 'test', org FROM messages"
				     " WHERE org = 'globex.example' AND kind = 1"
				     " ORDER BY date DESC LIMIT 2",
				     &err),
			 VT_OK);
	/* every limit: the round's end falls among the threads of one
	 * second, which notmuch orders its own way */
	for (long limit = 1; limit <= 60; limit++)
		both_ways(f, "vendor:globex", limit, true);
	for (size_t i = 0; i < sizeof limits / sizeof *limits; i++) {
		both_ways(f, "vendor:initech", limits[i], true);
		both_ways(f, "  vendor:\"globex\" ", limits[i], true);
		both_ways(f, "vendor:globex and subject:rare", limits[i], true);
	}

	/* The store is what it reads: a thread it forgot is not listed
	 * (the store is never so wrong; this shows whose list it is)... */
	store_forgets_newest_thread(f, "initech.example");
	assert_false(both_ways(f, "vendor:initech", 5, false));
	/* (an index run under way: the store is behind, notmuch lists) */
	assert_int_equal(vt_meta_set(f->store, "index_dirty", "1", &err), VT_OK);
	assert_true(both_ways(f, "vendor:initech", 5, false));
	assert_int_equal(vt_meta_set(f->store, "index_dirty", "0", &err), VT_OK);
	assert_false(both_ways(f, "vendor:initech", 5, false));
	/* ...while it mirrors the index, which its own tags leave so... */
	assert_int_equal(vt_tag(f->store, f->db, "id:v2@globex.example", "seen", NULL, "read", &act,
				&err),
			 VT_OK);
	vt_action_clear(&act);
	assert_false(both_ways(f, "vendor:initech", 5, false));
	assert_int_equal(vt_undo(f->store, &act, &err), VT_OK);
	assert_non_null(act.retag_ids);
	assert_int_equal(vt_apply_retag(f->store, f->db, &act, &err), VT_OK);
	vt_action_clear(&act);
	assert_false(both_ways(f, "vendor:initech", 5, false));
	/* ...and another program's tags leave so (the list looks at what
	 * they changed: vt_store_keep_mirror)... */
	assert_int_equal(external_notmuch(f, "tag +seen -- id:v1@globex.example"), 0);
	f->store->among_min_messages = 1; /* the store opened again */
	assert_false(both_ways(f, "vendor:initech", 5, false));
	/* ...but once it added mail the store lacks, notmuch lists them */
	test_write_message(f->mail, "n1:2,", "Sam <sam@globex.example>", "rich@northwind.example",
			   "Offer", "n1@globex.example", NULL, NULL);
	age_mail_dirs(f, 3);
	assert_int_equal(external_notmuch(f, "new"), 0);
	f->store->among_min_messages = 1;
	assert_true(both_ways(f, "vendor:initech", 5, false));
}

/* A vendor of less mail than VT_AMONG_MIN_MESSAGES (_BIG in a big
 * index) is listed from its mail sorted whole (the store giving only
 * thread sizes), not from the threads the store names: the store
 * forgetting a thread shows which way a list went. */
static void
a_small_vendors_mail_is_sorted_whole(void **state)
{
	struct fixture *f = *state;
	sqlite3_stmt *st;
	long initech;

	write_vendor_mail(f);
	index_ok(f);
	store_forgets_newest_thread(f, "initech.example");
	assert_int_equal(sqlite3_prepare_v2(f->store->db,
					    "SELECT count(*) FROM messages"
					    " WHERE org = 'initech.example' AND kind = 1",
					    -1, &st, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	initech = (long)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	assert_true(initech > 10 && initech < VT_AMONG_MIN_MESSAGES_BIG);
	/* the index's size, as the bound's choice reads it: a small one */
	assert_true(mail_db_posting_bytes(f->db) > 0);
	assert_true(mail_db_posting_bytes(f->db) < VT_AMONG_BIG_POSTING_BYTES);
	/* as it comes, and one message short of the bound: notmuch's list,
	 * the forgotten thread in it */
	assert_int_equal(f->store->among_min_messages, 0);
	assert_true(both_ways(f, "vendor:initech", 5, false));
	f->store->among_min_messages = initech + 1;
	assert_true(both_ways(f, "vendor:initech", 5, false));
	/* at the bound: the store's threads, the forgotten one not among them */
	f->store->among_min_messages = initech;
	assert_false(both_ways(f, "vendor:initech", 5, false));
}

/* A list's first threads come from the newest mail's spans only where
 * sorting every match costs: not in an index as small as a test's (its
 * posting table a few megabytes), nor for a narrow query anywhere. */
static void
spans_only_where_the_sort_costs(void **state)
{
	struct fixture *f = *state;
	long long bytes;

	write_vendor_mail(f);
	index_ok(f);
	bytes = mail_db_posting_bytes(f->db);
	assert_true(bytes > 0 && bytes < SPANS_MIN_POSTING_BYTES);
	/* the fixture's setting: spans as in a big index */
	assert_true(mail_query_spans_pay(f->db, "offer"));
	assert_false(mail_query_spans_pay(f->db, "id:v1@globex.example"));
	assert_false(mail_query_spans_pay(f->db, "property:\"vtriage.doc=quote\""));
	/* as a user's index of this size is opened */
	mail_db_set_spans_min_posting_bytes(f->db, SPANS_MIN_POSTING_BYTES);
	assert_false(mail_query_spans_pay(f->db, "offer"));
	assert_false(mail_query_spans_pay(f->db, "*"));
	mail_db_set_spans_min_posting_bytes(f->db, bytes);
	assert_true(mail_query_spans_pay(f->db, "*"));
	/* either way, notmuch's first threads */
	for (long limit = 1; limit <= 60; limit += 7) {
		mail_db_set_spans_min_posting_bytes(f->db, SPANS_MIN_POSTING_BYTES);
		both_ways(f, "offer", limit, true);
		mail_db_set_spans_min_posting_bytes(f->db, 0);
		both_ways(f, "offer", limit, true);
	}
}

/* How many messages a vtriage query finds, and how many of them the
 * snoozed threads would have. */
static unsigned long
count_translated(struct fixture *f, const char *query, char **translated)
{
	struct vt_error err = { 0 };
	unsigned long n = 0;
	char *q = NULL;

	if (vt_query_translate(f->store, query, &q, &err) != VT_OK)
		fail_msg("%s: %s", query, err.msg);
	assert_int_equal(mail_count(f->db, q, false, &n, &err), VT_OK);
	if (translated != NULL)
		*translated = q;
	else
		free(q);
	return n;
}

static unsigned long
count_raw(struct fixture *f, const char *query)
{
	struct vt_error err = { 0 };
	unsigned long n = 0;

	assert_int_equal(mail_count(f->db, query, false, &n, &err), VT_OK);
	return n;
}

static size_t
occurrences(const char *haystack, const char *needle)
{
	size_t n = 0;

	for (const char *p = haystack; (p = strstr(p, needle)) != NULL; p++)
		n++;
	return n;
}

/* Snoozed conversations are left out by the ends their messages carry,
 * one term for every thread snoozed to the same time, once an index run
 * wrote them; until then, and after a thread is woken, by the thread. */
static void
snoozes_are_one_term_an_end(void **state)
{
	struct fixture *f = *state;
	struct vt_error err = { 0 };
	time_t soon = time(NULL) + 7 * 86400, later = time(NULL) + 14 * 86400;
	unsigned long offers, left;
	char *q = NULL, reply[300];

	write_vendor_mail(f);
	index_ok(f);
	offers = count_raw(f, "offer");
	/* v1, v5 and v9 (each with its reply) until soon, v13 later */
	assert_int_equal(vt_snooze(f->store, "v1@globex.example", soon, &err), VT_OK);
	assert_int_equal(vt_snooze(f->store, "v5@initech.example", soon, &err), VT_OK);
	assert_int_equal(vt_snooze(f->store, "w9@northwind.example", soon, &err), VT_OK);
	assert_int_equal(vt_snooze(f->store, "v13@globex.example", later, &err), VT_OK);
	left = offers - count_raw(f,
				  "offer and (thread:{id:v1@globex.example} or"
				  " thread:{id:v5@initech.example} or thread:{id:v9@globex.example}"
				  " or thread:{id:v13@globex.example})");
	assert_true(left < offers);
	/* not yet written onto the messages: named by thread */
	assert_int_equal(count_translated(f, "snoozed:yes", NULL), offers - left);
	assert_int_equal(count_translated(f, "offer", &q), left);
	assert_int_equal(occurrences(q, "thread:"), 4);
	assert_null(strstr(q, MAIL_PROP_SNOOZED));
	free(q);
	/* written: one term an end */
	index_ok(f);
	assert_int_equal(count_translated(f, "snoozed:yes", NULL), offers - left);
	assert_int_equal(count_translated(f, "offer", &q), left);
	assert_int_equal(occurrences(q, MAIL_PROP_SNOOZED "="), 2);
	assert_null(strstr(q, "thread:"));
	free(q);
	assert_int_equal(count_translated(f, "*", NULL),
			 count_raw(f, "*") - (offers - left) -
				 count_raw(f, "thread:{id:v1@globex.example}"
					      " and not offer"));
	/* a reply arriving in a snoozed thread stays out with it */
	snprintf(reply, sizeof reply,
		 "Date: 02 Oct 2026 10:00:00 +0000\nIn-Reply-To: <v1@globex.example>\n");
	test_write_message(f->mail, "late:2,S", "Sales <sales@globex.example>",
			   "rich@northwind.example", "Offer", "late@globex.example", reply, NULL);
	index_ok(f);
	assert_int_equal(count_translated(f, "offer", NULL), left);
	assert_int_equal(count_raw(f, "property:\"" MAIL_PROP_SNOOZED "=0\""), 0);
	/* woken: back at once, its thread named until the next run takes
	 * the ends off its messages */
	assert_int_equal(vt_unsnooze_message(f->store, "v5@initech.example", &err), VT_OK);
	left += count_raw(f, "offer and thread:{id:v5@initech.example}");
	assert_int_equal(count_translated(f, "offer", &q), left);
	assert_int_equal(occurrences(q, "thread:"), 1);
	free(q);
	assert_int_equal(count_translated(f, "snoozed:yes", NULL), offers + 1 - left);
	/* all mail, as the whole query: the woken thread in, the rest out */
	assert_int_equal(count_translated(f, "*", NULL),
			 count_raw(f, "*") - count_raw(f, "thread:{id:v1@globex.example} or"
							  " thread:{id:v9@globex.example} or"
							  " thread:{id:v13@globex.example}"));
	index_ok(f);
	assert_int_equal(count_translated(f, "offer", &q), left);
	assert_null(strstr(q, "thread:"));
	free(q);
	assert_int_equal(
		count_raw(f, "thread:{id:v5@initech.example} and property:\"" MAIL_PROP_SNOOZED
			     "=*\""),
		0);
	/* an end passed names nothing, with no write */
	assert_int_equal(vt_sql_exec(f->store,
				     "UPDATE snooze_marks SET until = 1000;"
				     "UPDATE snoozes SET until = 1000",
				     &err),
			 VT_OK);
	assert_int_equal(count_translated(f, "offer", &q), offers + 1);
	assert_null(strstr(q, MAIL_PROP_SNOOZED));
	free(q);
	assert_int_equal(count_translated(f, "snoozed:yes", NULL), 0);
}

/* Mail whose thread summary notmuch makes its own way: names turned
 * round, replies' subjects, no name, no From, no Subject, the Trash. */
static void
write_odd_mail(struct fixture *f)
{
	static const struct {
		const char *from, *subject;
	} odd[] = {
		{ "\"Doe, John\" <john.doe@doe.example>", "Quote 7" },
		{ "\"Smith, Ann\" <sales@smith.example>", "Re: Quote 7" },
		{ "\"Lee,  Kim\" <kim.lee@lee.example>", "RE: Re: Quote 8" },
		{ "\"Roe,\" <roe@roe.example>", "Aw: Angebot" },
		{ "<bob@bob.example>", "=?UTF-8?Q?Re:_?=" },
		{ "\"\" <empty@empty.example>", "sv: offert" },
		{ "Undisclosed recipients:;", "Vs:  tarjous" },
		{ "not an address at all", "Re:Quote 9" },
		{ "=?UTF-8?B?w4FuZ2VsIFDDqXJleg==?= <angel@perez.example>",
		  "=?UTF-8?Q?Re:_Presupuesto_=C3=BAnico?=" },
	};
	char path[4200], name[32], id[64];

	for (size_t i = 0; i < sizeof odd / sizeof *odd; i++) {
		snprintf(name, sizeof name, "odd%zu:2,S", i);
		snprintf(id, sizeof id, "odd%zu@odd.example", i);
		test_write_message(f->mail, name, odd[i].from, "rich@northwind.example",
				   odd[i].subject, id, "Date: 03 Jan 2025 09:00:00 +0000\n", NULL);
	}
	assert_true(strlen(f->mail) < 4096);
	snprintf(path, sizeof path, "%s/cur/nofrom:2,S", f->mail);
	test_write_text(path, "To: rich@northwind.example\nMessage-ID: <nofrom@odd.example>\n"
			      "Date: 04 Jan 2025 09:00:00 +0000\n\nNo sender.\n");
	snprintf(path, sizeof path, "%s/cur/nosubject:2,S", f->mail);
	test_write_text(path, "From: Sales <sales@globex.example>\nTo: rich@northwind.example\n"
			      "Message-ID: <nosubject@globex.example>\n"
			      "Date: 05 Jan 2025 09:00:00 +0000\n\nNo subject.\n");
	/* one of a thread in the Trash, and a thread all in it */
	test_write_message(f->mail, "trash1:2,S", "Sales <sales@globex.example>",
			   "rich@northwind.example", "Binned", "trash1@globex.example",
			   "Date: 06 Jan 2025 09:00:00 +0000\n", NULL);
	test_write_message(
		f->mail, "trash2:2,S", "Rich <rich@northwind.example>", "sales@globex.example",
		"Re: Binned", "trash2@northwind.example",
		"Date: 07 Jan 2025 09:00:00 +0000\nIn-Reply-To: <trash1@globex.example>\n", NULL);
	test_write_message(f->mail, "trash3:2,S", "Sales <sales@globex.example>",
			   "rich@northwind.example", "Binned alone", "trash3@globex.example",
			   "Date: 08 Jan 2025 09:00:00 +0000\n", NULL);
	/* an out-of-office reply last in a conversation, and one alone */
	test_write_message(f->mail, "racks1:2,S", "Rich <rich@northwind.example>",
			   "jo@vehement.example", "Racks for order 12", "racks1@northwind.example",
			   "Date: 09 Jan 2025 09:00:00 +0000\n", NULL);
	test_write_message(f->mail, "racks2:2,S", "Jo <jo@vehement.example>",
			   "rich@northwind.example", "Automatic reply: Racks for order 12",
			   "racks2@vehement.example",
			   "Date: 09 Jan 2025 09:01:00 +0000\n"
			   "In-Reply-To: <racks1@northwind.example>\n",
			   NULL);
	test_write_message(f->mail, "racks3:2,S", "Jo <jo@vehement.example>",
			   "rich@northwind.example", "Automatic reply: racks",
			   "racks3@vehement.example", "Date: 10 Jan 2025 09:00:00 +0000\n", NULL);
}

/* Threads of two messages, enough of them that a list of their
 * replies starts with more than 128 threads of several messages. */
static void
write_conversations(struct fixture *f, int n)
{
	char name[32], id[64], date[200];

	for (int i = 0; i < n; i++) {
		snprintf(name, sizeof name, "c%d:2,S", i);
		snprintf(id, sizeof id, "c%d@initech.example", i);
		snprintf(date, sizeof date, "Date: %02d Feb 2021 08:%02d:00 +0000\n", 1 + i % 28,
			 i % 60);
		test_write_message(f->mail, name, "Bill <bill@initech.example>",
				   "rich@northwind.example", "Delivery", id, date, NULL);
		snprintf(name, sizeof name, "d%d:2,S", i);
		snprintf(
			date, sizeof date,
			"Date: %02d Apr 2021 08:%02d:00 +0000\nIn-Reply-To: <c%d@initech.example>\n",
			1 + i % 28, i % 60, i);
		snprintf(id, sizeof id, "d%d@northwind.example", i);
		test_write_message(f->mail, name, "Rich <rich@northwind.example>",
				   "bill@initech.example", "Re: Delivery", id, date, NULL);
	}
}

/* A store that holds every thread to be of one message. */
static long
says_one(void *ctx, const char *thread_id)
{
	(void)ctx;
	(void)thread_id;
	return 1;
}

static void
a_whole_list_is_notmuchs(void **state)
{
	struct fixture *f = *state;
	struct ids pair = { 0 };
	const struct mail_thread_sizes one = { .of_thread = says_one };
	uint64_t thread;
	static const char *const queries[] = {
		"*",
		"vendor:globex",
		"offer",
		"from:doe or from:smith or from:lee",
		"quote",
		"tag:deleted",
		"vendor:globex and subject:rare",
		"subject:delivery",
		"from:rich and subject:delivery",
		"from:bill or subject:offer",
		"nosuchword",
		"vendor:globex and (offer or quote)",
		"vendor:initech or vendor:globex",
		"racks",
		"from:jo",
	};
	struct vt_error err = { 0 };

	write_vendor_mail(f);
	write_odd_mail(f);
	write_conversations(f, 140);
	index_ok(f);
	assert_int_equal(external_notmuch(f, "tag +deleted -- id:trash1@globex.example or"
					     " id:trash3@globex.example"),
			 0);
	assert_int_equal(vt_sql_exec(f->store, "DELETE FROM meta WHERE key = 'index_token'", &err),
			 VT_OK);
	index_ok(f); /* the store mirrors the index again */
	assert_true(vt_store_mirrors_index(f->store, f->db));
	for (size_t i = 0; i < sizeof queries / sizeof *queries; i++)
		for (long limit = -1; limit <= 8; limit++)
			both_ways(f, queries[i], limit ? limit : 60, true);
	/* a conversation an out-of-office reply ended is named by its
	 * person's subject, whoever builds it; one alone keeps its own */
	assert_int_equal(mail_search_threads(f->db, "from:jo", 0, -1, collect_whole, &pair, &err),
			 VT_OK);
	assert_int_equal(pair.n, 2);
	assert_non_null(strstr(pair.at[0], "; Automatic reply: racks ("));
	assert_non_null(strstr(pair.at[1], "; Racks for order 12 ("));
	pair.at[1][strcspn(pair.at[1], " ")] = '\0';
	assert_true(mail_thread_number(pair.at[1], &thread));
	ids_clear(&pair);
	assert_int_equal(mail_summarise_threads(f->db, &thread, 1, "from:jo", collect_whole, &pair,
						&err),
			 VT_OK);
	assert_int_equal(pair.n, 1);
	assert_non_null(strstr(pair.at[0], " [1/2] Jo| Rich; Racks for order 12 ("));
	ids_clear(&pair);

	/* A list whose messages are mostly of threads of several asks the
	 * store which thread a message is in (the message's term list
	 * would be read for nothing): the store's word shows in the list.
	 * Two replies (past the first eight messages) swap threads, the
	 * threads' sizes the same. */
	assert_true(both_ways(f, "subject:delivery", 60, false));
	assert_int_equal(
		vt_sql_exec(f->store,
			    "UPDATE messages SET thread = CASE message_id"
			    " WHEN 'd24@northwind.example' THEN (SELECT thread FROM messages"
			    "  WHERE message_id = 'c100@initech.example')"
			    " ELSE (SELECT thread FROM messages"
			    "  WHERE message_id = 'c24@initech.example') END"
			    " WHERE message_id IN ('d24@northwind.example',"
			    "  'd100@northwind.example')",
			    &err),
		VT_OK);
	assert_false(both_ways(f, "subject:delivery", 60, false));
	assert_int_equal(vt_sql_exec(f->store,
				     "UPDATE messages SET thread = (SELECT thread FROM messages c"
				     " WHERE c.message_id = 'c' || substr(messages.message_id, 2,"
				     "  instr(messages.message_id, '@') - 2) || '@initech.example')"
				     " WHERE message_id IN ('d24@northwind.example',"
				     "  'd100@northwind.example')",
				     &err),
			 VT_OK);
	assert_true(both_ways(f, "subject:delivery", 60, false));
	/* ...not in a list mostly of threads of one message, whose term
	 * lists serve to write them: the 15th newest message from a
	 * vendor's sales named in the 16th's thread changes nothing */
	assert_int_equal(
		vt_sql_exec(f->store,
			    "CREATE TEMP TABLE told AS SELECT message_id, thread FROM messages"
			    " WHERE from_addr LIKE 'sales@%' ORDER BY date DESC LIMIT 2 OFFSET 14;"
			    "UPDATE messages SET thread = (SELECT max(thread) FROM told)"
			    " WHERE message_id = (SELECT message_id FROM told"
			    "  WHERE thread = (SELECT min(thread) FROM told))",
			    &err),
		VT_OK);
	assert_true(both_ways(f, "from:sales", 30, false));
	assert_int_equal(vt_sql_exec(f->store,
				     "UPDATE messages SET thread = (SELECT min(thread) FROM told)"
				     " WHERE message_id = (SELECT message_id FROM told"
				     "  WHERE thread = (SELECT min(thread) FROM told));"
				     "DROP TABLE told",
				     &err),
			 VT_OK);

	/* The store's word is taken: a thread it holds one message of is
	 * written from that message (this shows whose list it is)... */
	assert_int_equal(vt_sql_exec(f->store,
				     "DELETE FROM messages WHERE message_id = 'v1@globex.example'",
				     &err),
			 VT_OK);
	assert_false(both_ways(f, "vendor:globex", -1, false));
	assert_false(both_ways(f, "vendor:globex and offer", 200, false));
	/* ...but not past the first threads of a list mostly of threads of
	 * several messages: notmuch lists the rest (the last thread of
	 * "subject:delivery" is c0's, its reply the oldest) */
	assert_true(both_ways(f, "subject:delivery", -1, false));
	assert_int_equal(vt_sql_exec(f->store,
				     "DELETE FROM messages WHERE message_id = 'c0@initech.example'",
				     &err),
			 VT_OK);
	assert_true(both_ways(f, "subject:delivery", -1, false));
	assert_false(both_ways(f, "subject:delivery and date:2021-04-01..2021-04-01", -1, false));
	/* ...and once anything else wrote to the index, notmuch lists all */
	assert_int_equal(external_notmuch(f, "tag +seen -- id:v1@globex.example"), 0);
	assert_true(both_ways(f, "vendor:globex", -1, false));

	/* Threads known by name (a first screen of a broad query): the
	 * index may show the store wrong, two messages matching of a
	 * thread it holds one of; notmuch writes that thread */
	test_write_message(f->mail, "pair1:2,S", "Sales <sales@globex.example>",
			   "rich@northwind.example", "Pair", "pair1@globex.example",
			   "Date: 10 Jan 2025 09:00:00 +0000\n", NULL);
	test_write_message(
		f->mail, "pair2:2,S", "Rich <rich@northwind.example>", "sales@globex.example",
		"Re: Pair", "pair2@northwind.example",
		"Date: 11 Jan 2025 09:00:00 +0000\nIn-Reply-To: <pair1@globex.example>\n", NULL);
	index_ok(f);
	assert_true(both_ways(f, "subject:pair", 1, true));
	assert_int_equal(mail_search_threads(f->db, "id:pair1@globex.example", 0, -1, collect_whole,
					     &pair, &err),
			 VT_OK);
	assert_int_equal(pair.n, 1);
	pair.at[0][strcspn(pair.at[0], " ")] = '\0';
	assert_true(mail_thread_number(pair.at[0], &thread));
	ids_clear(&pair);
	assert_int_equal(mail_list_named_threads_known(f->db, &thread, 1, "subject:pair", &one,
						       collect_whole, &pair, &err),
			 VT_OK);
	assert_int_equal(pair.n, 1);
	assert_non_null(strstr(pair.at[0], " [2/2] Sales, Rich; Pair "));
	ids_clear(&pair);
	/* (where one matches, the store's word is taken) */
	assert_int_equal(mail_list_named_threads_known(f->db, &thread, 1,
						       "subject:pair and from:rich", &one,
						       collect_whole, &pair, &err),
			 VT_OK);
	assert_int_equal(pair.n, 1);
	assert_non_null(strstr(pair.at[0], " [1/1] Rich; Pair "));
	ids_clear(&pair);
}

/* Conversations whose summaries notmuch makes its own way: names turned
 * round, no From, a group, an empty name, encoded words, replies' marks
 * with nothing after them, messages of one second, a reply dated before
 * what it answers, two vendors in a thread, mail in the Trash. */
static void
write_odd_conversations(struct fixture *f)
{
	static const struct {
		const char *name, *from, *subject, *id, *parent, *date, *body;
	} odd[] = {
		{ "t1", "\"Doe, John\" <john.doe@doe.example>", "Quote 7", "t1@doe.example", NULL,
		  "03 Jan 2025 09:00:00", NULL },
		{ "t2", "\"Smith, Ann\" <sales@smith.example>", "Re: Quote 7", "t2@smith.example",
		  "t1@doe.example", "04 Jan 2025 09:00:00", "An invoice." },
		{ "t3", NULL, "Re: Re: Quote 7", "t3@odd.example", "t2@smith.example",
		  "04 Jan 2025 09:00:00", "The invoice, again." },
		{ "t4", "Undisclosed recipients:;", "Re: ", "t4@odd.example", "t1@doe.example",
		  "05 Jan 2025 09:00:00", NULL },
		{ "t5", "\"\" <empty@empty.example>", "Aw: Angebot", "t5@odd.example",
		  "t3@odd.example", "02 Jan 2025 09:00:00", "invoice" },
		{ "t6", "=?UTF-8?B?w4FuZ2VsIFDDqXJleg==?= <angel@perez.example>",
		  "=?UTF-8?Q?Re:_Presupuesto_=C3=BAnico?=", "t6@perez.example", "t1@doe.example",
		  "06 Jan 2025 09:00:00", NULL },
		{ "t7", "Sales <sales@globex.example>", "Re: Quote 7", "t7@globex.example",
		  "t4@odd.example", "06 Jan 2025 09:00:00", "invoice" },
		{ "p1", "not an address at all", "Offer", "p1@odd.example", NULL,
		  "03 Jan 2025 10:00:00", NULL },
		{ "p2", "\"Lee,  Kim\" <kim.lee@lee.example>", "Sv: Offer", "p2@lee.example",
		  "p1@odd.example", "07 Jan 2025 10:00:00", "invoice" },
		{ "p3", "\"Roe,\" <roe@roe.example>", "RE: Offer, revised", "p3@roe.example",
		  "p1@odd.example", "07 Jan 2025 10:00:00", NULL },
		{ "p4", "Sales <sales@initech.example>", "Re: Offer", "p4@initech.example",
		  "p3@roe.example", "08 Jan 2025 10:00:00", NULL },
		{ "p5", "Sales <sales@globex.example>", "Vs:  Offer", "p5@globex.example",
		  "p4@initech.example", "01 Jan 2025 10:00:00", "invoice" },
		{ "q1", "Rich <rich@northwind.example>", "Pay", "q1@northwind.example", NULL,
		  "03 Jan 2025 11:00:00", NULL },
		{ "q2", NULL, "Re: Pay", "q2@odd.example", "q1@northwind.example",
		  "04 Jan 2025 11:00:00", "invoice" },
		{ "q3", "Sales <sales@globex.example>", "", "q3@globex.example",
		  "q1@northwind.example", "04 Jan 2025 11:00:00", NULL },
	};
	char path[4200], headers[400];

	for (size_t i = 0; i < sizeof odd / sizeof *odd; i++) {
		snprintf(headers, sizeof headers, "%s%s%sMessage-ID: <%s>\nDate: %s +0000\n",
			 odd[i].parent ? "In-Reply-To: <" : "", odd[i].parent ? odd[i].parent : "",
			 odd[i].parent ? ">\n" : "", odd[i].id, odd[i].date);
		snprintf(path, sizeof path, "%s/cur/%s:2,S", f->mail, odd[i].name);
		assert_true(strlen(path) < 4096);
		if (odd[i].from != NULL)
			test_write_text(
				path, "From: %s\nTo: rich@northwind.example\nSubject: %s\n%s\n%s\n",
				odd[i].from, odd[i].subject, headers,
				odd[i].body ? odd[i].body : "Hello.");
		else
			test_write_text(path, "To: rich@northwind.example\nSubject: %s\n%s\n%s\n",
					odd[i].subject, headers,
					odd[i].body ? odd[i].body : "Hello.");
	}
}

/* The threads (numbers) of a query's list. */
static void
thread_numbers(struct fixture *f, const char *query, uint64_t **ids, long *n)
{
	struct ids found = { 0 };
	struct vt_error err = { 0 };

	assert_int_equal(mail_list_threads(f->db, query, -1, collect_whole, &found, NULL, &err),
			 VT_OK);
	*ids = calloc(found.n + 1, sizeof **ids);
	assert_non_null(*ids);
	for (size_t i = 0; i < found.n; i++) {
		found.at[i][strcspn(found.at[i], " ")] = '\0';
		assert_true(mail_thread_number(found.at[i], &(*ids)[i]));
	}
	*n = (long)found.n;
	ids_clear(&found);
}

static int
by_text(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Threads built from their messages read as notmuch's own: every
 * field, every thread, for queries matching all of a thread, part of
 * it, mail without an author, mail in the Trash. */
static void
threads_built_from_their_messages_are_notmuchs(void **state)
{
	struct fixture *f = *state;
	static const char *const queries[] = {
		"*",
		"invoice",
		"subject:quote",
		"from:smith or from:roe",
		"tag:deleted",
		"not from:doe",
		"tag:quote",
		"from:globex",
		"invoice and not tag:deleted",
		"id:q2@odd.example",
		"nosuchword",
	};
	struct vt_error err = { 0 };

	write_odd_conversations(f);
	write_conversations(f, 3);
	index_ok(f);
	assert_int_equal(external_notmuch(f, "tag +deleted -- id:t6@perez.example or"
					     " id:p4@initech.example"),
			 0);
	assert_int_equal(external_notmuch(f, "tag +quote +a-tag -- id:t2@smith.example or"
					     " id:p5@globex.example"),
			 0);
	/* a thread without a tag */
	assert_int_equal(external_notmuch(f, "tag -inbox -unread -- id:q1@northwind.example or"
					     " id:q2@odd.example or id:q3@globex.example"),
			 0);
	for (size_t i = 0; i < sizeof queries / sizeof *queries; i++) {
		struct ids ours = { 0 }, theirs = { 0 };
		uint64_t *ids, other = 0;
		char *naming, what[100];
		long n;

		thread_numbers(f, "*", &ids, &n);
		assert_true(n >= 6);
		/* a thread named that holds no match is left out */
		naming = mail_threads_naming(ids, n, queries[i], false);
		assert_int_equal(mail_list_threads(f->db, naming, -1, collect_whole, &theirs, NULL,
						   &err),
				 VT_OK);
		assert_int_equal(mail_summarise_threads(f->db, ids, n, queries[i], collect_whole,
							&ours, &err),
				 VT_OK);
		if (ours.n > 1)
			qsort(ours.at, ours.n, sizeof *ours.at, by_text);
		if (theirs.n > 1)
			qsort(theirs.at, theirs.n, sizeof *theirs.at, by_text);
		snprintf(what, sizeof what, "built for %s", queries[i]);
		same_lists(&ours, &theirs, what);
		ids_clear(&ours);
		/* a thread not named is not built */
		assert_int_equal(mail_summarise_threads(f->db, &ids[n - 1], 1, queries[i],
							collect_whole, &ours, &err),
				 VT_OK);
		assert_true(ours.n <= 1);
		assert_int_equal(mail_summarise_threads(f->db, &other, 1, queries[i], collect_whole,
							&ours, &err),
				 VT_OK);
		assert_true(ours.n <= 1);
		ids_clear(&ours);
		ids_clear(&theirs);
		free(naming);
		free(ids);
	}
	/* the odd summaries are there to be held to */
	{
		struct ids theirs = { 0 };
		bool null_author = false, turned = false, second = false;

		assert_int_equal(mail_list_threads(f->db, "invoice", -1, collect_whole, &theirs,
						   NULL, &err),
				 VT_OK);
		for (size_t i = 0; i < theirs.n; i++) {
			null_author |= strstr(theirs.at[i],
					      "(null)| Rich, Sales; Pay (globex.example)") != NULL;
			turned |= strstr(theirs.at[i], "Kim Lee") != NULL;
			second |= strstr(theirs.at[i], "John Doe") != NULL;
		}
		assert_true(null_author && turned && second);
		ids_clear(&theirs);
	}
}

/* Paused at span ends, a step stops as the newest month is read: a
 * first screen that month does not fill is sorted whole, not found by
 * a pass over every date for each span back to 1980. */
static void
a_step_pauses_where_a_span_ends(void **state)
{
	struct fixture *f = *state;
	struct mail_thread_order *o = NULL, *all = NULL;
	struct vt_error err = { 0 };

	write_vendor_mail(f);
	write_odd_mail(f); /* the newest month: the Trash's mail */
	index_ok(f);
	assert_int_equal(mail_thread_order_start(f->db, "offer", &o, &err), VT_OK);
	mail_thread_order_pause_at_span_ends(o);
	assert_int_equal(mail_thread_order_step(o, 100000, &err), VT_OK);
	assert_int_equal(mail_thread_order_spans_read(o), 1);
	assert_int_equal(mail_thread_order_spans(o), 1);
	assert_false(mail_thread_order_done(o));
	while (!mail_thread_order_done(o))
		assert_int_equal(mail_thread_order_step(o, 100000, &err), VT_OK);
	assert_true(mail_thread_order_spans_read(o) > 1);
	/* unpaused, one step reads all */
	assert_int_equal(mail_thread_order_start(f->db, "offer", &all, &err), VT_OK);
	assert_int_equal(mail_thread_order_step(all, 100000, &err), VT_OK);
	assert_true(mail_thread_order_done(all));
	assert_int_equal(mail_thread_order_count(all), mail_thread_order_count(o));
	mail_thread_order_free(all);
	mail_thread_order_free(o);
}

/* A query's whole order, read a few messages a step, and its end read
 * from the oldest mail up, are notmuch's; spans of months or not as
 * expected (-1: either). */
static void
order_is_notmuchs(struct fixture *f, const char *query, int months)
{
	struct ids all = { 0 };
	struct vt_error err = { 0 };
	struct mail_thread_order *o = NULL;

	assert_int_equal(mail_search_threads(f->db, query, 0, -1, collect, &all, &err), VT_OK);
	assert_int_equal(mail_thread_order_start(f->db, query, &o, &err), VT_OK);
	if (months >= 0 && o->months != (months != 0))
		fail_msg("%s: spans of %s", query, o->months ? "months" : "dates");
	while (!mail_thread_order_done(o))
		assert_int_equal(mail_thread_order_step(o, 7, &err), VT_OK);
	for (long i = 0; i < o->n && i < (long)all.n; i++) {
		char hex[17];

		snprintf(hex, sizeof hex, "%016" PRIx64, o->ids[i]);
		if (strcmp(hex, all.at[i]) != 0)
			fail_msg("%s, place %ld: %s, notmuch lists %s", query, i, hex, all.at[i]);
	}
	if (o->n != (long)all.n)
		fail_msg("%s: %ld threads, notmuch lists %zu", query, o->n, all.n);
	mail_thread_order_free(o);
	for (long want = 1; want <= (long)all.n; want = want * 3 + 1) {
		struct ids tail = { 0 };
		long total;

		assert_int_equal(mail_thread_tail(f->db, query, want, collect, &tail, &total, &err),
				 VT_OK);
		assert_int_equal(tail.n, (size_t)want);
		for (size_t i = 0; i < tail.n; i++)
			if (strcmp(tail.at[i], all.at[all.n - (size_t)want + i]) != 0)
				fail_msg("%s, the last %ld: %s, notmuch lists %s", query, want,
					 tail.at[i], all.at[all.n - (size_t)want + i]);
		ids_clear(&tail);
	}
	ids_clear(&all);
}

static void
write_dated(struct fixture *f, const char *name, const char *subject, const char *date)
{
	char id[64], header[120];

	snprintf(id, sizeof id, "%s@dates.example", name);
	snprintf(header, sizeof header, "Date: %s\n", date);
	test_write_message(f->mail, name, "Sales <sales@dates.example>", "rich@northwind.example",
			   subject, id, header, NULL);
}

/* Where every message carries its month, lists read spans of months:
 * they list what spans of dates list, mail of every date (before 1980,
 * without one, months ahead, either side of a month's end in UTC); mail
 * dated years ahead, or added by another program, has them read dates. */
static void
spans_of_months_list_mail_of_every_date(void **state)
{
	struct fixture *f = *state;
	static const char *const queries[] = { "*",
					       "offer",
					       "subject:edge",
					       "from:dates.example",
					       "subject:edge or subject:ancient",
					       "nosuchword" };
	char path[4200];

	write_vendor_mail(f);
	write_dated(f, "e1:2,S", "Edge", "Thu, 31 Oct 2024 23:59:59 +0000");
	write_dated(f, "e2:2,S", "Edge", "Fri, 01 Nov 2024 00:00:00 +0000");
	write_dated(f, "e3:2,S", "Edge", "Fri, 01 Nov 2024 00:30:00 +0100");
	write_dated(f, "e4:2,S", "Edge", "Mon, 02 Nov 2026 10:00:00 +0000");
	write_dated(f, "a1:2,S", "Ancient", "Sat, 31 Dec 1977 23:59:59 +0000");
	write_dated(f, "a2:2,S", "Ancient", "Tue, 01 Jan 1980 00:00:00 +0000");
	write_dated(f, "f1:2,S", "Edge ahead", "Tue, 01 Jun 2027 10:00:00 +0000");
	snprintf(path, sizeof path, "%s/cur/nodate:2,S", f->mail);
	test_write_text(path,
			"From: Sales <sales@dates.example>\nTo: rich@northwind.example\n"
			"Message-ID: <nodate@dates.example>\nSubject: Edge undated\n\nBody.\n");
	for (int i = 0; i < 20; i++) {
		char name[32], date[64];

		snprintf(name, sizeof name, "r%d:2,S", i);
		snprintf(date, sizeof date, "%02d Oct 2026 09:%02d:00 +0000", 5 + i, i);
		write_dated(f, name, "Recent", date);
	}
	index_ok(f);
	assert_true(mail_db_months_whole(f->db));
	for (size_t i = 0; i < sizeof queries / sizeof *queries; i++)
		order_is_notmuchs(f, queries[i], 1);
	/* a first span of 20 threads of a screen of 30, the index dense
	 * enough (~10,000 such matches guessed over its 46 years): spans
	 * go on instead of every match being sorted, and list as notmuch */
	struct mail_thread_order *o = NULL;
	struct vt_error err = { 0 };
	struct ids ours = { 0 }, theirs = { 0 };

	assert_int_equal(mail_thread_order_start(f->db, "recent or offer", &o, &err), VT_OK);
	mail_thread_order_pause_at_span_ends(o);
	assert_int_equal(mail_thread_order_step(o, 1000, &err), VT_OK);
	assert_int_equal(mail_thread_order_count(o), 20);
	assert_true(mail_thread_order_matches_guess(o) > 5000);
	mail_thread_order_free(o);
	for (long limit = 20; limit <= 40; limit += 5) {
		assert_int_equal(mail_search_threads(f->db, "recent or offer", 0, limit,
						     collect_whole, &ours, &err),
				 VT_OK);
		assert_int_equal(mail_list_threads(f->db, "recent or offer", limit, collect_whole,
						   &theirs, NULL, &err),
				 VT_OK);
		same_lists(&ours, &theirs, "recent or offer");
		assert_int_equal(ours.n, (size_t)limit);
		ids_clear(&ours);
		ids_clear(&theirs);
	}

	/* another program's mail: dates, and that mail listed */
	write_dated(f, "n1:2,S", "Edge", "Sun, 01 Nov 2026 12:00:00 +0000");
	assert_int_equal(external_notmuch(f, "new"), 0);
	assert_false(mail_db_months_whole(f->db));
	for (size_t i = 0; i < sizeof queries / sizeof *queries; i++)
		order_is_notmuchs(f, queries[i], 0);
	index_ok(f);
	assert_true(mail_db_months_whole(f->db));
	order_is_notmuchs(f, "subject:edge", 1);

	/* spam dated decades ahead: its month is named in the first span,
	 * not every month between */
	write_dated(f, "f2:2,S", "Edge far ahead", "Thu, 01 Jan 2099 00:00:00 +0000");
	index_ok(f);
	for (size_t i = 0; i < sizeof queries / sizeof *queries; i++)
		order_is_notmuchs(f, queries[i], 1);
	assert_int_equal(mail_thread_order_start(f->db, "subject:edge", &o, &err), VT_OK);
	/* 2099-01, and 2027-06 while it is ahead */
	assert_true(o->n_ahead >= 1 && o->n_ahead <= 2);
	assert_int_equal(o->ahead[o->n_ahead - 1] == 2099 * 12 || o->ahead[0] == 2099 * 12, 1);
	mail_thread_order_free(o);
}

/* Undated mail, and the rest from 2022 on: a list read whole (and its
 * end from the oldest up) reads the undated as one span, not each year
 * since 1980. */
static void
undated_mail_costs_one_span(void **state)
{
	struct fixture *f = *state;
	struct mail_thread_order *o = NULL;
	struct vt_error err = { 0 };
	char path[4200];

	write_vendor_mail(f);
	write_dated(f, "a1:2,S", "Ancient", "Sat, 31 Dec 1977 23:59:59 +0000");
	snprintf(path, sizeof path, "%s/cur/nodate:2,S", f->mail);
	test_write_text(path,
			"From: Sales <sales@dates.example>\nTo: rich@northwind.example\n"
			"Message-ID: <nodate@dates.example>\nSubject: Offer undated\n\nBody.\n");
	index_ok(f);
	order_is_notmuchs(f, "*", 1);
	order_is_notmuchs(f, "offer", 1);
	order_is_notmuchs(f, "subject:ancient or subject:undated", 1);
	assert_int_equal(mail_thread_order_start(f->db, "*", &o, &err), VT_OK);
	while (!mail_thread_order_done(o))
		assert_int_equal(mail_thread_order_step(o, 1000, &err), VT_OK);
	if (mail_thread_order_spans(o) > 12)
		fail_msg("%d spans", mail_thread_order_spans(o));
	mail_thread_order_free(o);
}

/* Candidates from a list of the index's threads, cut short at `stuck`. */
struct listed {
	struct mail_candidate *at;
	long n, stuck;
};

static vt_status
listed_more(void *ctx, long want, const struct mail_candidate **at, long *n, long long *rest,
	    struct vt_error *err)
{
	struct listed *l = ctx;
	long known = want < l->n ? want : l->n;

	(void)err;
	if (known > l->stuck)
		known = l->stuck;
	*at = l->at;
	*n = known;
	*rest = known < l->n ? l->at[known].newest : LLONG_MIN;
	return VT_OK;
}

static vt_status
keep_candidate(void *ctx, const struct mail_thread *th, struct vt_error *err)
{
	struct listed *l = ctx;

	(void)err;
	l->at = realloc(l->at, (size_t)(l->n + 1) * sizeof *l->at);
	assert_non_null(l->at);
	assert_true(mail_thread_number(th->thread_id, &l->at[l->n].thread));
	l->at[l->n++].newest = (long long)th->newest;
	return VT_OK;
}

static void
threads_among_candidates_are_the_querys(void **state)
{
	struct fixture *f = *state;
	struct listed all = { 0 };
	struct vt_error err = { 0 };
	static const char *const queries[] = { "subject:rare", "subject:offer", "*",
					       "subject:nowhere" };

	write_vendor_mail(f);
	index_ok(f);
	/* every thread a candidate, by its newest message: rare matches
	 * take rounds of more, none a round of all */
	assert_int_equal(mail_search_threads(f->db, "*", 0, -1, keep_candidate, &all, &err), VT_OK);
	/* threads of one second in another order than notmuch's (the
	 * store's is its own), and the source stopping among them */
	long tie = -1;

	for (long i = 0; i + 1 < all.n; i++) {
		long j = i;

		while (j + 1 < all.n && all.at[j + 1].newest == all.at[i].newest)
			j++;
		for (long a = i, b = j; a < b; a++, b--) {
			struct mail_candidate t = all.at[a];

			all.at[a] = all.at[b];
			all.at[b] = t;
		}
		if (j > i + 1 && tie < 0)
			tie = i;
		i = j;
	}
	assert_true(tie > 0);
	const long stucks[] = { 3, tie + 1, tie + 2, all.n - 1, LONG_MAX };

	for (size_t q = 0; q < sizeof queries / sizeof *queries; q++)
		for (long limit = 1; limit < 400; limit = limit * 3 + 1)
			for (size_t k = 0; k < sizeof stucks / sizeof *stucks; k++) {
				struct ids ours = { 0 }, theirs = { 0 };
				char what[120];
				long stuck = stucks[k];

				all.stuck = stuck;
				assert_int_equal(mail_search_threads_among(f->db, queries[q], limit,
									   listed_more, &all,
									   collect_whole, &ours,
									   &err),
						 VT_OK);
				assert_int_equal(mail_search_threads(f->db, queries[q], 0, limit,
								     collect_whole, &theirs, &err),
						 VT_OK);
				snprintf(what, sizeof what, "%s, %ld, known up to %ld", queries[q],
					 limit, stuck);
				same_lists(&ours, &theirs, what);
				ids_clear(&ours);
				ids_clear(&theirs);
			}
	free(all.at);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(places_past_the_bitmap_are_hashed, setup, teardown),
		cmocka_unit_test_setup_teardown(a_small_vendors_mail_is_sorted_whole, setup,
						teardown),
		cmocka_unit_test_setup_teardown(spans_only_where_the_sort_costs, setup, teardown),
		cmocka_unit_test_setup_teardown(snoozes_are_one_term_an_end, setup, teardown),
		cmocka_unit_test_setup_teardown(a_vendors_first_threads_are_notmuchs_first, setup,
						teardown),
		cmocka_unit_test_setup_teardown(threads_among_candidates_are_the_querys, setup,
						teardown),
		cmocka_unit_test_setup_teardown(a_whole_list_is_notmuchs, setup, teardown),
		cmocka_unit_test_setup_teardown(threads_built_from_their_messages_are_notmuchs,
						setup, teardown),
		cmocka_unit_test_setup_teardown(a_step_pauses_where_a_span_ends, setup, teardown),
		cmocka_unit_test_setup_teardown(spans_of_months_list_mail_of_every_date, setup,
						teardown),
		cmocka_unit_test_setup_teardown(undated_mail_costs_one_span, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
