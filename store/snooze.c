/*
 * Snoozed conversations: out of every list and count until a time, then
 * back, and named by `vtriage remind` the day they return. Kept by a
 * message of the thread, so that a thread notmuch merges with another
 * stays snoozed.
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
	} else {
		/* a weekday: its next one ("mon", "monday") */
		static const char *const days[] = { "sun", "mon", "tue", "wed", "thu", "fri", "sat" };
		int want = -1;

		for (int k = 0; k < 7; k++)
			if (strncasecmp(text, days[k], 3) == 0 && strlen(text) >= 3)
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

vt_status
vt_snooze(struct vt_store *s, const char *message_id, time_t until, struct vt_error *err)
{
	return vt_sql_run(s,
			  "INSERT OR REPLACE INTO snoozes (message_id, until, created)"
			  " VALUES (?, ?, strftime('%s', 'now'))",
			  "snooze", err, "ti", message_id, (int64_t)until);
}

vt_status
vt_unsnooze_thread(struct vt_store *s, const char *thread, struct vt_error *err)
{
	return vt_sql_run(s,
			  "DELETE FROM snoozes WHERE message_id IN"
			  " (SELECT message_id FROM messages WHERE thread = ?)",
			  "wake a thread", err, "t", thread);
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

sqlite3_stmt *
vt_snoozed_now_stmt(struct vt_store *s, struct vt_error *err)
{
	/* CROSS JOIN: from the few snoozes to their messages; sqlite would
	 * otherwise walk every message's thread for the DISTINCT (a
	 * million rows before every list) */
	sqlite3_stmt *st = vt_sql_prepare(s,
					  "SELECT DISTINCT m.thread FROM snoozes z"
					  " CROSS JOIN messages m ON m.message_id = z.message_id"
					  " WHERE z.until > ?",
					  err);

	if (st != NULL)
		sqlite3_bind_int64(st, 1, (sqlite3_int64)time(NULL));
	return st;
}

vt_status
vt_unsnooze_message(struct vt_store *s, const char *message_id, struct vt_error *err)
{
	return vt_sql_run(s,
			  "DELETE FROM snoozes WHERE message_id = ?1 OR message_id IN"
			  " (SELECT message_id FROM messages WHERE thread ="
			  "  (SELECT thread FROM messages WHERE message_id = ?1))",
			  "wake a thread", err, "t", message_id);
}
