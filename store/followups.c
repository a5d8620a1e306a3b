/*
 * Follow-ups: conversations with a vendor in which the user wrote last
 * (thread_state, kept by the index) and how long they have waited; more
 * than [followup] days working days is overdue.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "private.h"

void
vt_store_set_followup_days(struct vt_store *s, long days)
{
	s->followup_days = days > 0 ? days : 5;
}

time_t
vt_working_days_ago(time_t now, long days)
{
	time_t t = now;

	while (days > 0) {
		struct tm tm;

		t -= 86400;
		localtime_r(&t, &tm);
		if (tm.tm_wday != 0 && tm.tm_wday != 6)
			days--;
	}
	return t;
}

/* Whether message m's thread is snoozed at time ?3: put away, it is no
 * one's to chase until it returns (remind names it then). */
#define NOT_SNOOZED                                                                                \
	" NOT EXISTS (SELECT 1 FROM messages y CROSS JOIN snoozes z"                               \
	"  ON z.message_id = y.message_id WHERE y.thread = m.thread AND z.until > ?3)"

/* Whether thread t.thread, whose last message is at `last`, was settled
 * by the user: an issue linked to it closed since (resolved on the
 * phone, say) and none of its issues still open. Nothing is left to
 * chase until the user writes again. */
#define LINKED_ISSUES                                                                              \
	" (SELECT 1 FROM issue_links l JOIN issues i ON i.id = l.issue_id"                         \
	"  JOIN messages x ON x.message_id = l.message_id WHERE x.thread = t.thread"               \
	"  AND i.withdrawn = 0 AND "
#define SETTLED                                                                                    \
	" (EXISTS" LINKED_ISSUES "i.closed >= last) AND NOT EXISTS" LINKED_ISSUES                  \
	"i.closed IS NULL))"

/* aside: the threads waiting (?2: on the vendor 1, on the user 2) that
 * nobody need answer now, snoozed at time ?1 or settled. Few, and found
 * from the few: the snoozes and the closed issues. */
#define WITH_ASIDE                                                                                 \
	"WITH snoozed(thread) AS (SELECT y.thread FROM snoozes z CROSS JOIN messages y"            \
	"  ON y.message_id = z.message_id WHERE z.until > ?1),"                                    \
	" closed(thread) AS (SELECT x.thread FROM issues i JOIN issue_links l"                     \
	"  ON l.issue_id = i.id JOIN messages x ON x.message_id = l.message_id"                    \
	"  WHERE i.closed IS NOT NULL AND i.withdrawn = 0),"                                       \
	" aside(thread) AS (SELECT t.thread FROM (SELECT w.thread, (SELECT max(m.date)"            \
	"  FROM messages m WHERE m.thread = w.thread AND m.kind = 1 AND m.auto_reply = 0) AS last" \
	"  FROM thread_state w WHERE w.waiting = ?2"                                               \
	"  AND w.thread IN (SELECT thread FROM snoozed UNION SELECT thread FROM closed)) t"        \
	"  WHERE t.thread IN (SELECT thread FROM snoozed) OR" SETTLED ")"

sqlite3_stmt *
vt_waiting_aside_stmt(struct vt_store *s, int state, struct vt_error *err)
{
	sqlite3_stmt *st = vt_sql_prepare(s, WITH_ASIDE " SELECT thread FROM aside", err);

	if (st != NULL) {
		sqlite3_bind_int64(st, 1, (sqlite3_int64)time(NULL));
		sqlite3_bind_int(st, 2, state);
	}
	return st;
}

sqlite3_stmt *
vt_waiting_stmt(struct vt_store *s, int state, struct vt_error *err)
{
	sqlite3_stmt *st =
		vt_sql_prepare(s,
			       WITH_ASIDE " SELECT thread FROM thread_state WHERE waiting = ?2"
					  " EXCEPT SELECT thread FROM aside",
			       err);

	if (st != NULL) {
		sqlite3_bind_int64(st, 1, (sqlite3_int64)time(NULL));
		sqlite3_bind_int(st, 2, state);
	}
	return st;
}

/* The waiting threads and their last vendor-conversation message, of
 * vendor ?1 (0: all) and last before ?2 (a time; 0: any), not snoozed
 * nor settled. */
#define WAITING_ROWS                                                                               \
	"SELECT t.thread, max(m.date) AS last FROM thread_state t"                                 \
	" JOIN messages m ON m.thread = t.thread AND m.kind = 1 AND m.auto_reply = 0"              \
	" WHERE t.waiting = 1 AND" NOT_SNOOZED " GROUP BY t.thread"                                \
	" HAVING (?2 = 0 OR last < ?2) AND NOT" SETTLED

sqlite3_stmt *
vt_waiting_recent_stmt(struct vt_store *s, struct vt_error *err)
{
	/* the few still within their time (or settled), not the many
	 * overdue: a query naming thousands of threads costs notmuch
	 * megabytes */
	sqlite3_stmt *st =
		vt_sql_prepare(s,
			       "SELECT t.thread, max(m.date) AS last FROM thread_state t"
			       " JOIN messages m ON m.thread = t.thread AND m.kind = 1"
			       "  AND m.auto_reply = 0"
			       " WHERE t.waiting = 1 GROUP BY t.thread HAVING last >= ? OR" SETTLED,
			       err);

	if (st != NULL)
		sqlite3_bind_int64(st, 1,
				   (sqlite3_int64)vt_working_days_ago(time(NULL),
								      s->followup_days));
	return st;
}

/* A row's first columns (thread, time, vendor slug and name, subject)
 * as a new item of out; NULL when out of memory (out cleared). */
static struct vt_waiting *
add_row(struct vt_waiting_list *out, sqlite3_stmt *st, const char *what)
{
	struct vt_waiting *g = realloc(out->items, (out->count + 1) * sizeof *g), *w;
	const char *subject = (const char *)sqlite3_column_text(st, 4);

	if (g == NULL) {
		vt_waiting_list_clear(out);
		return NULL;
	}
	out->items = g;
	w = &g[out->count++];
	memset(w, 0, sizeof *w);
	w->what = what;
	w->thread = strdup((const char *)sqlite3_column_text(st, 0));
	w->last = (time_t)sqlite3_column_int64(st, 1);
	w->slug = strdup((const char *)sqlite3_column_text(st, 2));
	w->vendor_name = strdup((const char *)sqlite3_column_text(st, 3));
	w->subject = strdup(subject ? subject : "");
	return w;
}

/* Orders without news and quotes running out (see store.h). */
static vt_status
waiting_documents(struct vt_store *s, int64_t vendor, time_t now, time_t cutoff,
		  struct vt_waiting_list *out, struct vt_error *err)
{
	sqlite3_stmt *st = vt_sql_prepare(
		s,
		"SELECT m.thread, m.date, v.slug, v.name, m.subject, d.kind, d.valid_until,"
		" CAST(julianday(d.valid_until) - julianday(?4) AS INTEGER)"
		" FROM documents d JOIN messages m ON m.message_id = d.message_id"
		" JOIN vendor_domains o ON o.domain = d.org"
		" JOIN vendors v ON v.id = coalesce((SELECT merged_into FROM vendors x"
		"  WHERE x.id = o.vendor_id), o.vendor_id)"
		" WHERE (?1 = 0 OR v.id = ?1) AND ("
		"  (d.kind = 3 AND m.date < ?2 AND m.date > ?3 - 60 * 86400 AND NOT EXISTS"
		"   (SELECT 1 FROM messages y WHERE y.thread = m.thread AND y.kind = 1"
		"    AND y.direction = 0 AND y.auto_reply = 0 AND y.date > m.date)"
		/* news of the order in a thread of its own (the shipping notice
		 * of an order confirmed) is news all the same */
		"   AND (d.ref = '' OR NOT EXISTS (SELECT 1 FROM documents r"
		"    JOIN messages rm ON rm.message_id = r.message_id"
		"    WHERE r.kind = 3 AND r.org = d.org AND r.ref = d.ref AND rm.date > m.date)))"
		"  OR (d.kind = 1 AND d.valid_until <> '' AND d.valid_until >= ?4"
		"   AND d.valid_until <= date(?4, '+7 days')"
		/* a quote revised since (its reference in a later quote of the
		 * vendor's) runs out by the revision's date, not its own */
		"   AND (d.ref = '' OR NOT EXISTS (SELECT 1 FROM documents r"
		"    JOIN messages rm ON rm.message_id = r.message_id"
		"    WHERE r.kind = 1 AND r.org = d.org AND r.ref = d.ref AND rm.date > m.date))))"
		" AND" NOT_SNOOZED " ORDER BY d.kind DESC, m.date",
		err);
	char today[11];
	int step;

	if (st == NULL)
		return err ? err->status : VT_ERR_DB;
	vt_today(today);
	sqlite3_bind_int64(st, 1, vendor);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)cutoff);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)now);
	sqlite3_bind_text(st, 4, today, -1, SQLITE_TRANSIENT);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		bool quote = sqlite3_column_int(st, 5) == MAIL_DOC_QUOTE;
		struct vt_waiting *w = add_row(out, st, quote ? "quote" : "order");

		if (w == NULL) {
			sqlite3_reset(st);
			return vt_fail(err, VT_ERR_NOMEM, "out of memory");
		}
		w->days = quote           ? sqlite3_column_int(st, 7)
			  : w->last < now ? (int)((now - w->last) / 86400)
					  : 0;
		w->overdue = true;
		if (quote)
			snprintf(w->valid_until, sizeof w->valid_until, "%s",
				 (const char *)sqlite3_column_text(st, 6));
	}
	sqlite3_reset(st);
	if (step != SQLITE_DONE) {
		vt_waiting_list_clear(out);
		return vt_sql_fail(s, err, step, "list orders and quotes waiting");
	}
	return VT_OK;
}

vt_status
vt_waiting_list(struct vt_store *s, const char *slug, bool overdue_only,
		struct vt_waiting_list *out, struct vt_error *err)
{
	time_t now = time(NULL), cutoff = vt_working_days_ago(now, s->followup_days);
	int64_t vendor = 0;
	sqlite3_stmt *st;
	vt_status rc;
	int step;

	memset(out, 0, sizeof *out);
	if (slug != NULL && (rc = vt_vendor_find(s, slug, &vendor, err)) != VT_OK)
		return rc;
	/* the vendor and subject of the thread's newest vendor message */
	st = vt_sql_prepare(
		s,
		"SELECT w.thread, w.last, v.slug, v.name, m.subject FROM (" WAITING_ROWS ") w"
		" JOIN messages m ON m.thread = w.thread AND m.kind = 1 AND m.date = w.last"
		" JOIN vendor_domains d ON d.domain = m.org"
		" JOIN vendors v ON v.id = coalesce((SELECT merged_into FROM vendors x"
		"  WHERE x.id = d.vendor_id), d.vendor_id)"
		" WHERE ?1 = 0 OR v.id = ?1 GROUP BY w.thread ORDER BY w.last, w.thread",
		err);
	if (st == NULL)
		return err ? err->status : VT_ERR_DB;
	sqlite3_bind_int64(st, 1, vendor);
	sqlite3_bind_int64(st, 2, overdue_only ? (sqlite3_int64)cutoff : 0);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)now);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct vt_waiting *w = add_row(out, st, "reply");

		if (w == NULL) {
			sqlite3_reset(st);
			return vt_fail(err, VT_ERR_NOMEM, "out of memory");
		}
		w->days = w->last < now ? (int)((now - w->last) / 86400) : 0;
		w->overdue = w->last < cutoff;
	}
	sqlite3_reset(st);
	if (step != SQLITE_DONE) {
		vt_waiting_list_clear(out);
		return vt_sql_fail(s, err, step, "list waiting threads");
	}
	return waiting_documents(s, vendor, now, cutoff, out, err);
}

void
vt_waiting_list_clear(struct vt_waiting_list *list)
{
	for (size_t i = 0; i < list->count; i++) {
		free(list->items[i].thread);
		free(list->items[i].slug);
		free(list->items[i].vendor_name);
		free(list->items[i].subject);
	}
	free(list->items);
	memset(list, 0, sizeof *list);
}
