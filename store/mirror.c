/*
 * Server folders of trusted vendors: which vendors sync mirrors, the
 * notmuch query for each one's mail, and the record of each pass (a
 * journal line the vendor's history shows; queued jobs marked done).
 *
 * The jobs table marks vendors promoted with mirror_folders on that still
 * need their first pass; every trusted vendor is mirrored on every sync
 * anyway, so that later mail follows. A pass is never undone: what moved
 * on the server stays there (undo of the promotion stops later passes).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "private.h"

static const char select_trusted[] =
	"SELECT v.id, v.slug, v.name,"
	" EXISTS (SELECT 1 FROM jobs j WHERE j.kind = 'mirror-folder' AND j.vendor_id = v.id"
	"  AND j.done IS NULL)"
	" FROM vendors v WHERE v.bucket = 1 AND v.merged_into IS NULL"
	" ORDER BY v.name COLLATE NOCASE, v.slug";

vt_status
vt_mirror_vendors(struct vt_store *s, struct vt_mirror_list *out, struct vt_error *err)
{
	sqlite3_stmt *st;
	vt_status rc = VT_OK;
	int step;

	memset(out, 0, sizeof *out);
	if ((st = vt_sql_prepare(s, select_trusted, err)) == NULL)
		return err ? err->status : VT_ERR_DB;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct vt_mirror_vendor *grown = realloc(out->items,
							 (out->count + 1) * sizeof *grown),
					*v;

		if (grown == NULL) {
			rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
			break;
		}
		out->items = grown;
		v = &grown[out->count++];
		memset(v, 0, sizeof *v);
		v->id = sqlite3_column_int64(st, 0);
		v->slug = vt_strdup0((const char *)sqlite3_column_text(st, 1));
		v->name = vt_strdup0((const char *)sqlite3_column_text(st, 2));
		v->queued = sqlite3_column_int(st, 3) != 0;
		if (v->slug == NULL || v->name == NULL) {
			rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
			break;
		}
	}
	sqlite3_reset(st);
	if (rc == VT_OK && step != SQLITE_DONE)
		rc = vt_sql_fail(s, err, step, "read trusted vendors");
	/* Mail from the vendor only: what the user wrote stays in Sent. */
	for (size_t i = 0; rc == VT_OK && i < out->count; i++) {
		char *q = NULL;

		if (asprintf(&q, "vendor:%s and property:\"" MAIL_PROP_DIR "=in\"",
			     out->items[i].slug) < 0) {
			rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
			break;
		}
		rc = vt_query_translate(s, q, &out->items[i].query, err);
		free(q);
	}
	if (rc != VT_OK)
		vt_mirror_list_clear(out);
	return rc;
}

void
vt_mirror_list_clear(struct vt_mirror_list *list)
{
	for (size_t i = 0; i < list->count; i++) {
		free(list->items[i].slug);
		free(list->items[i].name);
		free(list->items[i].query);
	}
	free(list->items);
	list->items = NULL;
	list->count = 0;
}

vt_status
vt_mirror_record(struct vt_store *s, int64_t vendor_id, const char *mailbox, unsigned moved,
		 const char *summary, bool complete, struct vt_error *err)
{
	char count[32];
	vt_status rc;

	if (summary == NULL && !complete)
		return VT_OK;
	if ((rc = vt_store_begin(s, err)) != VT_OK)
		return rc;
	snprintf(count, sizeof count, "%u", moved);
	if (summary)
		rc = vt_journal_add(s, "mirrored", vendor_id, mailbox, "", count, summary, err);
	if (rc == VT_OK && complete)
		rc = vt_sql_run(s,
				"UPDATE jobs SET done = strftime('%s', 'now')"
				" WHERE kind = 'mirror-folder' AND vendor_id = ? AND done IS NULL",
				"mark mirror done", err, "i", vendor_id);
	if (rc == VT_OK)
		return vt_store_commit(s, err);
	vt_store_rollback(s);
	return rc;
}

vt_status
vt_mirror_status(struct vt_store *s, int64_t vendor_id, struct vt_mirror_status *out,
		 struct vt_error *err)
{
	sqlite3_stmt *st = vt_sql_prepare(
		s,
		"SELECT (SELECT target FROM journal WHERE action = 'mirrored' AND vendor_id = ?1"
		"   ORDER BY date DESC, id DESC LIMIT 1),"
		" (SELECT max(date) FROM journal WHERE action = 'mirrored' AND vendor_id = ?1),"
		" (SELECT total(CAST(after AS INTEGER)) FROM journal"
		"   WHERE action = 'mirrored' AND vendor_id = ?1),"
		" EXISTS (SELECT 1 FROM jobs WHERE kind = 'mirror-folder' AND vendor_id = ?1"
		"   AND done IS NULL)",
		err);
	vt_status rc = VT_OK;
	int step;

	memset(out, 0, sizeof *out);
	if (st == NULL)
		return err ? err->status : VT_ERR_DB;
	sqlite3_bind_int64(st, 1, vendor_id);
	step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		const char *mailbox = (const char *)sqlite3_column_text(st, 0);

		if (mailbox != NULL && (out->mailbox = strdup(mailbox)) == NULL)
			rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
		out->last = (time_t)sqlite3_column_int64(st, 1);
		out->moved = (long)sqlite3_column_double(st, 2);
		out->due = sqlite3_column_int(st, 3) != 0;
	} else {
		rc = vt_sql_fail(s, err, step, "read mirror status");
	}
	sqlite3_reset(st);
	return rc;
}

void
vt_mirror_status_clear(struct vt_mirror_status *st)
{
	free(st->mailbox);
	memset(st, 0, sizeof *st);
}
