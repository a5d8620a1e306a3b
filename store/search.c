/*
 * A vendor's newest threads from the store's threads of the vendor.
 *
 * notmuch lists a query's first threads by sorting every match first: a
 * vendor of 30,000 messages is 30,000 dates sorted for a screen of 50
 * threads. The store knows each vendor message's thread and date
 * (messages, mirrored at index time), so it names the threads that can
 * come first and notmuch sorts only theirs (mail_search_threads_among).
 * For a vendor of less mail (VT_AMONG_MIN_MESSAGES) the sort is the
 * cheaper of the two.
 *
 * That holds only while the store mirrors the index: after an index run
 * that completed and before anything but vtriage's own tag changes
 * (which record the run's token again: tags move no thread) wrote to the
 * index (`notmuch new`, which may merge threads), or after writes of
 * others that moved no message the store has (`notmuch tag`: a list
 * looks, mirror_despite_foreign_writes). Otherwise, and for any query
 * but a lone vendor:SLUG (the threads of "vendor:acme and invoice" are
 * found among the vendor's only slowly when the word is rare), notmuch
 * lists the threads as always.
 *
 * Other lists, under the same condition, take each message's thread and
 * the thread's size from the store: a thread of one message is written
 * from the message (mail_search_threads_known).
 */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "private.h"

/* A vendor of more domains is searched as notmuch would: the streams are
 * merged by hand (one sqlite statement per domain reads them in date
 * order; one over all of them would sort them all). */
#define STREAMS_MAX 8

struct vendor_threads {
	struct vt_store *s;
	sqlite3_stmt *st[STREAMS_MAX];
	bool has_row[STREAMS_MAX];
	int n_st;
	struct mail_candidate *at;
	long n, cap;
	struct mail_thread_set seen;
	bool stuck; /* a row without a thread: nothing past it is known */
};

static vt_status
step(struct vendor_threads *v, int i, struct vt_error *err)
{
	int rc = sqlite3_step(v->st[i]);

	v->has_row[i] = rc == SQLITE_ROW;
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? VT_OK
						     : vt_sql_fail(v->s, err, rc, "vendor threads");
}

/* The stream whose row is newest, or -1 when all are read. */
static int
newest_stream(const struct vendor_threads *v)
{
	int best = -1;

	for (int i = 0; i < v->n_st; i++)
		if (v->has_row[i] && (best < 0 || sqlite3_column_int64(v->st[i], 1) >
							  sqlite3_column_int64(v->st[best], 1)))
			best = i;
	return best;
}

static vt_status
more_threads(void *ctx, long want, const struct mail_candidate **at, long *n, long long *rest,
	     struct vt_error *err)
{
	struct vendor_threads *v = ctx;
	vt_status rc = VT_OK;
	int i;

	while (!v->stuck && v->n < want && (i = newest_stream(v)) >= 0) {
		const char *thread = (const char *)sqlite3_column_text(v->st[i], 0);
		long long date = sqlite3_column_int64(v->st[i], 1);
		uint64_t id;
		int added;

		if (thread == NULL || !mail_thread_number(thread, &id)) {
			v->stuck = true;
			break;
		}
		if ((added = mail_thread_set_add(&v->seen, id)) < 0)
			return vt_fail(err, VT_ERR_NOMEM, "out of memory");
		if (added) {
			if (v->n == v->cap) {
				long cap = v->cap ? v->cap * 2 : 128;
				struct mail_candidate *grown =
					realloc(v->at, (size_t)cap * sizeof *grown);

				if (grown == NULL)
					return vt_fail(err, VT_ERR_NOMEM, "out of memory");
				v->at = grown;
				v->cap = cap;
			}
			v->at[v->n++] = (struct mail_candidate){ .thread = id, .newest = date };
		}
		if ((rc = step(v, i, err)) != VT_OK)
			return rc;
	}
	*at = v->at;
	*n = v->n;
	i = newest_stream(v);
	*rest = i >= 0 ? sqlite3_column_int64(v->st[i], 1) : LLONG_MIN;
	return VT_OK;
}

static void
vendor_threads_clear(struct vendor_threads *v)
{
	for (int i = 0; i < v->n_st; i++)
		sqlite3_finalize(v->st[i]);
	free(v->at);
	mail_thread_set_clear(&v->seen);
}

/* The vendor a list's vendor: term names, or false (unknown: notmuch
 * says what is wrong with the query). */
static bool
vendor_id(struct vt_store *s, const char *value, int64_t *id)
{
	char *slug = strdup(value);
	bool found;

	if (slug == NULL)
		return false;
	mail_ascii_lower(slug);
	found = vt_vendor_find(s, slug, id, NULL) == VT_OK;
	free(slug);
	return found;
}

/* Whether the vendor has enough mail for its threads to be named from
 * the store (VT_AMONG_MIN_MESSAGES), counted no further. */
static bool
vendor_mail_many(struct vt_store *s, struct mail_db *db, int64_t id)
{
	sqlite3_stmt *st = vt_sql_prepare(s, VT_SQL_VENDOR_MAIL_COUNT, NULL);
	long enough = s->among_min_messages > 0 ? s->among_min_messages
		      : mail_db_posting_bytes(db) >= VT_AMONG_BIG_POSTING_BYTES
			      ? VT_AMONG_MIN_MESSAGES_BIG
			      : VT_AMONG_MIN_MESSAGES;
	bool many = false;

	if (st == NULL)
		return true; /* the store's way, as before this count */
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, enough);
	if (sqlite3_step(st) == SQLITE_ROW)
		many = sqlite3_column_int64(st, 0) >= enough;
	sqlite3_reset(st);
	return many;
}

/* One stream of the vendor's mail, newest first, for each of its
 * domains; false when the vendor is not searched so (too many
 * domains). */
static bool
vendor_threads_open(struct vt_store *s, int64_t id, struct vendor_threads *v)
{
	sqlite3_stmt *domains;
	bool ok;

	memset(v, 0, sizeof *v);
	v->s = s;
	ok = (domains = vt_sql_prepare(
		      s, "SELECT domain FROM vendor_domains WHERE vendor_id = ? ORDER BY domain",
		      NULL)) != NULL;
	if (!ok)
		return false;
	sqlite3_bind_int64(domains, 1, id);
	while (ok && sqlite3_step(domains) == SQLITE_ROW) {
		sqlite3_stmt *st = NULL;

		ok = v->n_st < STREAMS_MAX &&
		     sqlite3_prepare_v2(s->db, VT_SQL_DOMAIN_THREADS, -1, &st, NULL) == SQLITE_OK;
		if (!ok)
			break;
		v->st[v->n_st++] = st;
		sqlite3_bind_text(st, 1, (const char *)sqlite3_column_text(domains, 0), -1,
				  SQLITE_TRANSIENT);
		sqlite3_bind_int(st, 2, MAIL_KIND_VENDOR);
	}
	sqlite3_reset(domains);
	for (int i = 0; ok && i < v->n_st; i++)
		ok = step(v, i, NULL) == VT_OK;
	if (!ok)
		vendor_threads_clear(v);
	return ok;
}

/* A renewed token of the index another program wrote to whose changes
 * moved no message from its thread: lists may use the store, and the
 * index run still looks at the whole index ("index_token" stays). One
 * that looked and found otherwise is kept behind FOREIGN_UNKNOWN. */
#define LISTS_TOKEN "index_token_lists"
#define FOREIGN_UNKNOWN "unknown "
/* Messages written by others a list looks at, at most, before leaving
 * the store to the next index run (a `notmuch tag` of a whole folder). */
#define FOREIGN_CHANGES_MAX 2000

const char *
vt_mirror_token_key(struct vt_store *s, struct mail_db *db)
{
	char *dirty = vt_meta_get(s, "index_dirty"), *token = NULL;
	const char *key = NULL;

	if (dirty == NULL || strcmp(dirty, "1") != 0) {
		token = vt_meta_get(s, "index_token");
		if (mail_index_token_current(db, token)) {
			key = "index_token";
		} else {
			free(token);
			token = vt_meta_get(s, LISTS_TOKEN);
			if (token != NULL &&
			    strncmp(token, FOREIGN_UNKNOWN, strlen(FOREIGN_UNKNOWN)) != 0 &&
			    mail_index_token_current(db, token))
				key = LISTS_TOKEN;
		}
	}
	free(dirty);
	free(token);
	return key;
}

bool
vt_store_mirrors_index(struct vt_store *s, struct mail_db *db)
{
	return vt_mirror_token_key(s, db) != NULL;
}

/* A message another program changed, in the store in the same thread. */
static bool
in_same_thread(void *ctx, const char *message_id, const char *thread_id)
{
	sqlite3_stmt *st =
		vt_sql_prepare(ctx, "SELECT thread FROM messages WHERE message_id = ?", NULL);
	bool same = false;

	if (st == NULL)
		return false;
	sqlite3_bind_text(st, 1, message_id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		same = strcmp((const char *)sqlite3_column_text(st, 0), thread_id) == 0;
	sqlite3_reset(st);
	return same;
}

/*
 * Another program wrote to the index since our last run (a `notmuch tag`,
 * an afew run on a shared index): its revision moved, and every list
 * would ask notmuch for each thread until the next index run. Tags move
 * no message between threads: when every message written since is the
 * store's, in the thread the store has it in, the store still mirrors
 * the index for lists (LISTS_TOKEN). Looking reads every message's
 * revision (lastmod:, 12 ms at 300,000), once a foreign write: what it
 * found either way is recorded, if the store is free to write at once.
 */
static void
mirror_despite_foreign_writes(struct vt_store *s, struct mail_db *db)
{
	char *dirty = vt_meta_get(s, "index_dirty"), *token = vt_meta_get(s, "index_token");
	char *lists = vt_meta_get(s, LISTS_TOKEN), *now = NULL, *unknown = NULL;
	bool known = false;

	if ((dirty == NULL || strcmp(dirty, "1") != 0) && token != NULL &&
	    (now = mail_index_token_renewed(db, token)) != NULL &&
	    asprintf(&unknown, FOREIGN_UNKNOWN "%s", now) >= 0 &&
	    (lists == NULL || (strcmp(lists, now) != 0 && strcmp(lists, unknown) != 0)) &&
	    mail_index_changes_since(db, token, 0, FOREIGN_CHANGES_MAX, in_same_thread, s, &known,
				     NULL) == VT_OK) {
		/* an index run holding the store writes the tokens itself */
		vt_store_set_busy_timeout(s, 0);
		vt_meta_set(s, LISTS_TOKEN, known ? now : unknown, NULL);
		vt_store_set_busy_timeout(s, VT_STORE_BUSY_MS);
	}
	free(dirty);
	free(token);
	free(lists);
	free(now);
	free(unknown);
}

void
vt_store_keep_mirror(struct vt_store *s, struct mail_db *db)
{
	bool mirrored;

	/* it may write: never inside a read snapshot */
	if (s->tx_depth > 0)
		return;
	vt_store_read_begin(s);
	mirrored = vt_store_mirrors_index(s, db);
	vt_store_read_end(s);
	if (!mirrored)
		mirror_despite_foreign_writes(s, db);
}

/* A thread's size as the store has it: 1, 2 for more (the index of
 * messages by thread read no further than a second one), 0 unknown. */
static long
thread_size(void *ctx, const char *thread_id)
{
	sqlite3_stmt *st = vt_sql_prepare(
		ctx, "SELECT count(*) FROM (SELECT 1 FROM messages WHERE thread = ? LIMIT 2)",
		NULL);
	long size = 0;

	if (st == NULL)
		return 0;
	sqlite3_bind_text(st, 1, thread_id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		size = (long)sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return size;
}

/* The thread of a message (by its Message-ID) and its size, as above:
 * the message's row and the thread's first two in one statement. */
static long
message_thread_size(void *ctx, const char *message_id, uint64_t *thread)
{
	sqlite3_stmt *st = vt_sql_prepare(
		ctx,
		"SELECT m.thread, (SELECT count(*) FROM (SELECT 1 FROM messages t"
		" WHERE t.thread = m.thread LIMIT 2)) FROM messages m WHERE m.message_id = ?",
		NULL);
	const char *named;
	long size = 0;

	if (st == NULL)
		return 0;
	sqlite3_bind_text(st, 1, message_id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW &&
	    (named = (const char *)sqlite3_column_text(st, 0)) != NULL &&
	    mail_thread_number(named, thread))
		size = (long)sqlite3_column_int64(st, 1);
	sqlite3_reset(st);
	return size;
}

vt_status
vt_search_threads(struct vt_store *s, struct mail_db *db, const char *user_query, const char *query,
		  long offset, long limit,
		  vt_status (*fn)(void *ctx, const struct mail_thread *t, struct vt_error *err),
		  void *ctx, struct vt_error *err)
{
	struct vendor_threads v;
	char *vendor = offset == 0 && limit > 0 ? mail_query_sole_term(user_query, "vendor") : NULL;
	int64_t id;
	bool mirrored;
	vt_status rc;

	/* one snapshot for the reads of every thread (the interface's
	 * window is not in one already) */
	if (offset == 0)
		vt_store_keep_mirror(s, db);
	vt_store_read_begin(s);
	mirrored = offset == 0 && vt_store_mirrors_index(s, db);
	if (vendor != NULL && mirrored && vendor_id(s, vendor, &id) &&
	    vendor_mail_many(s, db, id) && vendor_threads_open(s, id, &v)) {
		rc = mail_search_threads_among(db, query, limit, more_threads, &v, fn, ctx, err);
		vendor_threads_clear(&v);
	} else if (mirrored) {
		struct mail_thread_sizes sizes = { .of_thread = thread_size,
						   .of_message = message_thread_size,
						   .ctx = s };

		rc = mail_search_threads_known(db, query, limit, &sizes, fn, ctx, err);
	} else {
		rc = mail_search_threads(db, query, offset, limit, fn, ctx, err);
	}
	vt_store_read_end(s);
	free(vendor);
	return rc;
}

void
vt_mirror_token_renew(struct vt_store *s, struct mail_db *rw, const char *key)
{
	/* the token that held: the run's own, or the lists' after another
	 * program's writes (the next run still looks at them) */
	char *token = vt_meta_get(s, key), *renewed;

	/* not recorded: the next search asks notmuch, as it must */
	if ((renewed = mail_index_token_renewed(rw, token)) != NULL)
		vt_meta_set(s, key, renewed, NULL);
	free(token);
	free(renewed);
}

vt_status
vt_tag_messages(struct vt_store *s, struct mail_db *rw, const char *query, const char *add,
		const char *remove, char **changed_ids, struct vt_error *err)
{
	/* rw holds the index's write lock: nobody else writes between the
	 * look and the tags */
	const char *key = vt_mirror_token_key(s, rw);
	vt_status rc = mail_tag_messages(rw, query, add, remove, changed_ids, err);

	if (rc == VT_OK && key != NULL)
		vt_mirror_token_renew(s, rw, key);
	return rc;
}
