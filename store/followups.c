/*
 * Follow-ups: conversations with a vendor in which the user wrote last
 * (thread_state, kept by the index) and how long they have waited; more
 * than [followup] days working days is overdue.
 */
#include "config.h"

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

/* The waiting threads and their last vendor-conversation message, of
 * vendor ?1 (0: all) and last before ?2 (a time; 0: any). */
#define WAITING_ROWS                                                                         \
	"SELECT t.thread, max(m.date) AS last FROM thread_state t"                          \
	" JOIN messages m ON m.thread = t.thread AND m.kind = 1"                            \
	" WHERE t.waiting = 1 GROUP BY t.thread HAVING (?2 = 0 OR last < ?2)"

sqlite3_stmt *
vt_waiting_overdue_stmt(struct vt_store *s, struct vt_error *err)
{
	sqlite3_stmt *st = vt_sql_prepare(s, "SELECT thread FROM (" WAITING_ROWS ")", err);

	if (st != NULL) {
		sqlite3_bind_int64(st, 1, 0);
		sqlite3_bind_int64(st, 2,
				   (sqlite3_int64)vt_working_days_ago(time(NULL), s->followup_days));
	}
	return st;
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
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct vt_waiting *g = realloc(out->items, (out->count + 1) * sizeof *g), *w;
		const char *subject = (const char *)sqlite3_column_text(st, 4);

		if (g == NULL) {
			sqlite3_reset(st);
			vt_waiting_list_clear(out);
			return vt_fail(err, VT_ERR_NOMEM, "out of memory");
		}
		out->items = g;
		w = &g[out->count++];
		w->thread = strdup((const char *)sqlite3_column_text(st, 0));
		w->last = (time_t)sqlite3_column_int64(st, 1);
		w->slug = strdup((const char *)sqlite3_column_text(st, 2));
		w->vendor_name = strdup((const char *)sqlite3_column_text(st, 3));
		w->subject = strdup(subject ? subject : "");
		w->days = w->last < now ? (int)((now - w->last) / 86400) : 0;
		w->overdue = w->last < cutoff;
	}
	sqlite3_reset(st);
	if (step != SQLITE_DONE) {
		vt_waiting_list_clear(out);
		return vt_sql_fail(s, err, step, "list waiting threads");
	}
	return VT_OK;
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
