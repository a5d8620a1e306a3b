/*
 * Snoozed conversations: out of every list and count until a time, then
 * back, and named by `vtriage remind` the day they return. Kept by a
 * message of the thread, so that a thread notmuch merges with another
 * stays snoozed.
 *
 * A query leaves them out by a term on their messages: the index run
 * writes each snooze's end onto every message of its thread
 * (MAIL_PROP_SNOOZED, vt_snooze_mirror), and a query names the ends
 * still ahead, one term for all the threads snoozed to the same time.
 * An end passed is named no more: the thread is back with no write. The
 * threads snoozed or woken since the last run (snooze_changed) are named
 * one by one, left out or let in, as every snoozed thread once was; a
 * query's worth of them (VT_SNOOZE_NAMED_MAX) is written by the snooze
 * itself when the index is free (vt_snooze_write_marks). Mail
 * arriving in a snoozed thread is marked by the run that indexes it (by
 * another program's `notmuch new`: by vtriage's next run, and listed
 * until then).
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "private.h"

bool
vt_snooze_parse_until(const char *text, time_t now, time_t *out)
{
	struct tm tm;
	char *end;
	long n;
	int y, m, d;
	char tail;

	localtime_r(&now, &tm);
	/* "3d", "2w": so many days or weeks from now, at 8 in the morning */
	n = strtol(text, &end, 10);
	if (end != text && n > 0 && n <= 3650 && (strcmp(end, "d") == 0 || strcmp(end, "w") == 0)) {
		tm.tm_mday += (int)(n * (*end == 'w' ? 7 : 1));
	} else if (sscanf(text, "%4d-%2d-%2d%c", &y, &m, &d, &tail) == 3 && strlen(text) == 10 &&
		   mail_date_valid(y, m, d)) {
		tm.tm_year = y - 1900;
		tm.tm_mon = m - 1;
		tm.tm_mday = d;
	} else if (strcasecmp(text, "tomorrow") == 0) {
		tm.tm_mday++;
	} else {
		/* a weekday, at least its first three letters: its next one
		 * ("mon", "monday"; not "monkey") */
		static const char *const days[] = { "sunday",   "monday", "tuesday", "wednesday",
						    "thursday", "friday", "saturday" };
		size_t len = strlen(text);
		int want = -1;

		for (int k = 0; k < 7; k++)
			if (len >= 3 && len <= strlen(days[k]) &&
			    strncasecmp(text, days[k], len) == 0)
				want = k;
		if (want < 0)
			return false;
		tm.tm_mday += (want - tm.tm_wday + 7) % 7 ? (want - tm.tm_wday + 7) % 7 : 7;
	}
	tm.tm_hour = 8;
	tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	*out = mktime(&tm);
	return *out > now;
}

/* sql with ?1 the key and, when not 0, ?2 the end */
static vt_status
run_keyed(struct vt_store *s, const char *sql, const char *what, const char *key, int64_t until,
	  struct vt_error *err)
{
	return until ? vt_sql_run(s, sql, what, err, "ti", key, until)
		     : vt_sql_run(s, sql, what, err, "t", key);
}

/* The writes (the second may be NULL), and the thread they changed
 * (named one by one until the next index run marks it), in one
 * transaction. */
static vt_status
change(struct vt_store *s, const char *changed_sql, const char *key, const char *write_sql,
       const char *then_sql, const char *what, int64_t until, struct vt_error *err)
{
	vt_status rc = vt_store_begin(s, err);

	if (rc != VT_OK)
		return rc;
	rc = vt_sql_run(s, changed_sql, what, err, "t", key);
	if (rc == VT_OK)
		rc = run_keyed(s, write_sql, what, key, until, err);
	if (rc == VT_OK && then_sql != NULL)
		rc = run_keyed(s, then_sql, what, key, until, err);
	if (rc == VT_OK)
		return vt_store_commit(s, err);
	vt_store_rollback(s);
	return rc;
}

#define CHANGED_BY_MESSAGE                                                                         \
	"INSERT INTO snooze_changed (thread) SELECT thread FROM messages"                          \
	" WHERE message_id = ?1 AND thread <> ''"

vt_status
vt_snooze(struct vt_store *s, const char *message_id, time_t until, struct vt_error *err)
{
	/* the thread's end is its snoozes' latest: the others of the thread
	 * (kept by each message, one survives a merge) move with this one,
	 * earlier as well as later */
	return change(s, CHANGED_BY_MESSAGE, message_id,
		      "UPDATE snoozes SET until = ?2 WHERE message_id IN"
		      " (SELECT message_id FROM messages WHERE thread ="
		      "  (SELECT thread FROM messages WHERE message_id = ?1 AND thread <> ''))",
		      "INSERT OR REPLACE INTO snoozes (message_id, until, created)"
		      " VALUES (?1, ?2, strftime('%s', 'now'))",
		      "snooze", (int64_t)until, err);
}

vt_status
vt_unsnooze_thread(struct vt_store *s, const char *thread, struct vt_error *err)
{
	return change(s, "INSERT INTO snooze_changed (thread) VALUES (?1)", thread,
		      "DELETE FROM snoozes WHERE message_id IN"
		      " (SELECT message_id FROM messages WHERE thread = ?1)",
		      NULL, "wake a thread", 0, err);
}

vt_status
vt_snoozed_list(struct vt_store *s, time_t from, time_t to, struct vt_snoozed_list *out,
		struct vt_error *err)
{
	/* CROSS JOIN: from the few snoozes to their messages; for the
	 * GROUP BY sqlite walked every message in thread order (20 ms at
	 * 300,000 with no snooze at all) */
	sqlite3_stmt *st = vt_sql_prepare(
		s,
		"SELECT m.thread, max(z.until), (SELECT x.subject FROM messages x"
		"  WHERE x.thread = m.thread ORDER BY x.date, x.message_id LIMIT 1) FROM snoozes z"
		" CROSS JOIN messages m ON m.message_id = z.message_id"
		" WHERE z.until > ?1 AND z.until <= ?2 GROUP BY m.thread ORDER BY 2",
		err);
	int rc;

	memset(out, 0, sizeof *out);
	if (st == NULL)
		return err ? err->status : VT_ERR_DB;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)from);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)to);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct vt_snoozed *g = realloc(out->items, (out->count + 1) * sizeof *g);
		const char *subject = (const char *)sqlite3_column_text(st, 2);

		if (g == NULL) {
			sqlite3_reset(st);
			vt_snoozed_list_clear(out);
			return vt_fail(err, VT_ERR_NOMEM, "out of memory");
		}
		out->items = g;
		g[out->count].thread = strdup((const char *)sqlite3_column_text(st, 0));
		g[out->count].until = (time_t)sqlite3_column_int64(st, 1);
		g[out->count].subject = strdup(subject ? subject : "");
		out->count++;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		vt_snoozed_list_clear(out);
		return vt_sql_fail(s, err, rc, "list snoozed threads");
	}
	return VT_OK;
}

void
vt_snoozed_list_clear(struct vt_snoozed_list *list)
{
	for (size_t i = 0; i < list->count; i++) {
		free(list->items[i].thread);
		free(list->items[i].subject);
	}
	free(list->items);
	memset(list, 0, sizeof *list);
}

vt_status
vt_unsnooze_message(struct vt_store *s, const char *message_id, struct vt_error *err)
{
	return change(s, CHANGED_BY_MESSAGE, message_id,
		      "DELETE FROM snoozes WHERE message_id = ?1 OR message_id IN"
		      " (SELECT message_id FROM messages WHERE thread ="
		      "  (SELECT thread FROM messages WHERE message_id = ?1))",
		      NULL, "wake a thread", 0, err);
}

vt_status
vt_snooze_messages(struct vt_store *s, const char *const *message_ids, size_t n, time_t until,
		   struct vt_error *err)
{
	vt_status rc = vt_store_begin(s, err);

	for (size_t i = 0; rc == VT_OK && i < n; i++)
		rc = until ? vt_snooze(s, message_ids[i], until, err)
			   : vt_unsnooze_message(s, message_ids[i], err);
	if (rc == VT_OK)
		return vt_store_commit(s, err);
	vt_store_rollback(s);
	return rc;
}

struct mark {
	char *id;
	int64_t until; /* 0: the end comes off */
};

static void
marks_clear(struct mark *m, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(m[i].id);
	free(m);
}

/* The messages whose mark differs from what their thread's snoozes say
 * now: each message of a thread snoozed now gets the latest end of its
 * thread's snoozes, any other mark comes off. */
static vt_status
marks_to_write(struct vt_store *s, time_t now, struct mark **out, size_t *n, struct vt_error *err)
{
	sqlite3_stmt *st = vt_sql_prepare(
		s,
		"WITH want (id, until) AS (SELECT m.message_id, max(z.until) FROM snoozes z"
		"  CROSS JOIN messages t ON t.message_id = z.message_id"
		"  CROSS JOIN messages m ON m.thread = t.thread"
		"  WHERE z.until > ?1 AND t.thread <> '' GROUP BY m.message_id)"
		" SELECT w.id, w.until FROM want w LEFT JOIN snooze_marks k ON k.message_id = w.id"
		"  WHERE k.until IS NOT w.until"
		" UNION ALL SELECT k.message_id, 0 FROM snooze_marks k"
		"  WHERE k.message_id NOT IN (SELECT id FROM want)",
		err);
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (st == NULL)
		return err ? err->status : VT_ERR_DB;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)now);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			struct mark *grown =
				realloc(*out, (cap = cap ? cap * 2 : 64) * sizeof *grown);

			if (grown == NULL)
				break;
			*out = grown;
		}
		(*out)[*n].until = sqlite3_column_int64(st, 1);
		if (((*out)[*n].id = strdup((const char *)sqlite3_column_text(st, 0))) == NULL)
			break;
		(*n)++;
	}
	sqlite3_reset(st);
	if (rc == SQLITE_ROW) {
		marks_clear(*out, *n);
		*out = NULL;
		*n = 0;
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	}
	return rc == SQLITE_DONE ? VT_OK : vt_sql_fail(s, err, rc, "snoozes to write");
}

vt_status
vt_snooze_mirror(struct vt_store *s, struct mail_db *rw, unsigned *written_now,
		 struct vt_error *err)
{
	sqlite3_stmt *st = vt_sql_prepare(s, "SELECT max(id) FROM snooze_changed", err);
	struct mark *marks = NULL;
	time_t now = time(NULL);
	int64_t changed_upto = 0;
	size_t n = 0;
	vt_status rc;

	*written_now = 0;
	if (st == NULL)
		return err ? err->status : VT_ERR_DB;
	/* the threads changed from here on stay named by queries until the
	 * next run: a snooze of the interface's while this one writes */
	if (sqlite3_step(st) == SQLITE_ROW)
		changed_upto = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if ((rc = marks_to_write(s, now, &marks, &n, err)) != VT_OK)
		return rc;
	for (size_t i = 0; rc == VT_OK && i < n; i++) {
		char until[32];

		snprintf(until, sizeof until, "%lld", (long long)marks[i].until);
		rc = mail_message_set_property_values(rw, marks[i].id, MAIL_PROP_SNOOZED,
						      marks[i].until ? until : NULL, err);
	}
	/* the messages first, committed; then what they carry is recorded:
	 * a kill between the two writes the same ends again next time */
	if (rc == VT_OK && n > 0) {
		mail_db_commit_begin(rw);
		rc = mail_db_commit_wait(rw, err);
	}
	if (rc == VT_OK && (n > 0 || changed_upto > 0) && (rc = vt_store_begin(s, err)) == VT_OK) {
		for (size_t i = 0; rc == VT_OK && i < n; i++)
			rc = marks[i].until
				     ? vt_sql_run(s,
						  "INSERT OR REPLACE INTO snooze_marks"
						  " (message_id, until) VALUES (?, ?)",
						  "record snoozes", err, "ti", marks[i].id,
						  marks[i].until)
				     : vt_sql_run(s,
						  "DELETE FROM snooze_marks WHERE message_id = ?",
						  "record snoozes", err, "t", marks[i].id);
		if (rc == VT_OK)
			rc = vt_sql_run(s, "DELETE FROM snooze_changed WHERE id <= ?",
					"record snoozes", err, "i", changed_upto);
		if (rc == VT_OK)
			rc = vt_store_commit(s, err);
		else
			vt_store_rollback(s);
	}
	if (rc == VT_OK)
		*written_now = (unsigned)n;
	marks_clear(marks, n);
	return rc;
}

bool
vt_snooze_marks_due(struct vt_store *s)
{
	sqlite3_stmt *st =
		vt_sql_prepare(s,
			       "SELECT count(*) FROM (SELECT DISTINCT thread FROM snooze_changed"
			       " LIMIT ?)",
			       NULL);
	bool due = false;

	if (st == NULL)
		return false;
	sqlite3_bind_int(st, 1, VT_SNOOZE_NAMED_MAX);
	if (sqlite3_step(st) == SQLITE_ROW)
		due = sqlite3_column_int(st, 0) >= VT_SNOOZE_NAMED_MAX;
	sqlite3_reset(st);
	return due;
}

vt_status
vt_snooze_write_marks(struct vt_store *s, struct mail_db *rw, unsigned *written,
		      struct vt_error *err)
{
	/* marks move no message between threads: a store mirroring the
	 * index before mirrors it after, as after vtriage's tags, unless
	 * another writer came in while the commit had the index closed */
	const char *key = vt_mirror_token_key(s, rw);
	unsigned long others = mail_db_others_wrote(rw);
	vt_status rc = vt_snooze_mirror(s, rw, written, err);

	if (rc == VT_OK && key != NULL && *written > 0 && mail_db_others_wrote(rw) == others)
		vt_mirror_token_renew(s, rw, key);
	return rc;
}
