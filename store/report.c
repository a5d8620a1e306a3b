/* A vendor's mail per month, both ways: what the vendor report charts. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "private.h"

vt_status
vt_vendor_months(struct vt_store *s, const char *slug, time_t since, struct vt_month_list *out,
		 struct vt_error *err)
{
	int64_t vendor;
	sqlite3_stmt *st;
	vt_status rc;
	int step;

	memset(out, 0, sizeof *out);
	if ((rc = vt_vendor_find(s, slug, &vendor, err)) != VT_OK)
		return rc;
	st = vt_sql_prepare(
		s,
		"SELECT strftime('%Y-%m', m.date, 'unixepoch', 'localtime') AS month,"
		" sum(m.direction = 0), sum(m.direction = 1) FROM messages m"
		" WHERE m.kind = 1 AND m.date >= ?2 AND m.org IN (SELECT d.domain FROM vendor_domains d"
		"  WHERE d.vendor_id = ?1 OR d.vendor_id IN (SELECT id FROM vendors"
		"  WHERE merged_into = ?1))"
		" GROUP BY month ORDER BY month",
		err);
	if (st == NULL)
		return err ? err->status : VT_ERR_DB;
	sqlite3_bind_int64(st, 1, vendor);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)since);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct vt_month *g = realloc(out->items, (out->count + 1) * sizeof *g);

		if (g == NULL) {
			sqlite3_reset(st);
			vt_month_list_clear(out);
			return vt_fail(err, VT_ERR_NOMEM, "out of memory");
		}
		out->items = g;
		snprintf(g[out->count].month, sizeof g[out->count].month, "%s",
			 (const char *)sqlite3_column_text(st, 0));
		g[out->count].in = sqlite3_column_int64(st, 1);
		g[out->count].out = sqlite3_column_int64(st, 2);
		out->count++;
	}
	sqlite3_reset(st);
	if (step != SQLITE_DONE) {
		vt_month_list_clear(out);
		return vt_sql_fail(s, err, step, "count a vendor's mail by month");
	}
	return VT_OK;
}

void
vt_month_list_clear(struct vt_month_list *list)
{
	free(list->items);
	memset(list, 0, sizeof *list);
}
