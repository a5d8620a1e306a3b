/*
 * Issues: something open with a vendor (a wrong bill, an outage, a case),
 * linked to mail by Message-ID: notmuch's thread ids change when the
 * index is rebuilt, Message-IDs do not.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "private.h"

struct id_list {
	char *joined; /* newline-separated, for the journal: those linked now */
	size_t count; /* in joined */
	size_t found; /* the thread's messages, linked before or now */
	struct vt_store *s;
	int64_t issue;
};

static vt_status
link_one(void *ctx, const char *id, const char *thread_id, struct vt_error *err)
{
	struct id_list *l = ctx;
	char *grown = NULL;
	vt_status rc;

	(void)thread_id;
	rc = vt_sql_run(l->s,
			"INSERT OR IGNORE INTO issue_links (issue_id, message_id) VALUES (?, ?)",
			"link issue", err, "it", l->issue, id);
	if (rc != VT_OK)
		return rc;
	l->found++;
	/* linked before: not this link's to undo */
	if (sqlite3_changes(l->s->db) == 0)
		return VT_OK;
	if (asprintf(&grown, "%s%s%s", l->joined ? l->joined : "", l->joined ? "\n" : "", id) < 0)
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	free(l->joined);
	l->joined = grown;
	l->count++;
	return VT_OK;
}

/* "thread:X", "id:Y" or a bare thread id, as a notmuch query. */
static char *
thread_query(const char *thread)
{
	char *q = NULL;

	if (strncmp(thread, "thread:", 7) == 0 || strncmp(thread, "id:", 3) == 0)
		return strdup(thread);
	if (asprintf(&q, "thread:%s", thread) < 0)
		return NULL;
	return q;
}

static vt_status
first_thread(void *ctx, const char *id, const char *thread_id, struct vt_error *err)
{
	char **thread = ctx;

	(void)id;
	if (*thread == NULL && (*thread = strdup(thread_id)) == NULL)
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	return VT_OK;
}

/*
 * Links every message of the thread to the issue (inside a transaction).
 * "id:MSGID" names the thread of that message.
 */
static vt_status
link_thread(struct vt_store *s, struct mail_db *db, int64_t issue, const char *thread,
	    struct id_list *linked, struct vt_error *err)
{
	char *query = thread_query(thread), *found = NULL;
	vt_status rc = VT_OK;

	if (query == NULL)
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	/* a search (subject:"...") taken for a thread id matched nothing
	 * and said so as "thread:subject:...": say what a thread is */
	if (strncmp(thread, "thread:", 7) != 0 && strncmp(thread, "id:", 3) != 0 &&
	    (*thread == '\0' || thread[strspn(thread, "0123456789abcdefABCDEF")] != '\0')) {
		free(query);
		return vt_fail(err, VT_ERR_USAGE,
			       "'%s' is not a thread: thread:ID as search lists it, or id:MSGID",
			       thread);
	}
	if (strncmp(query, "id:", 3) == 0) {
		rc = mail_for_each_message(db, query, first_thread, &found, err);
		if (rc == VT_OK && found == NULL)
			rc = vt_fail(err, VT_ERR_NOT_FOUND, "no mail matches '%s'", query);
		free(query);
		query = NULL;
		if (rc == VT_OK && (query = thread_query(found)) == NULL)
			rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
		free(found);
		if (rc != VT_OK)
			return rc == VT_ERR_USAGE ? vt_fail(err, VT_ERR_USAGE,
							    "'%s' is not a message id", thread)
						  : rc;
	}
	linked->s = s;
	linked->issue = issue;
	linked->found = 0; /* this thread's: another's found none of it */
	rc = mail_for_each_message(db, query, link_one, linked, err);
	if (rc == VT_OK && linked->found == 0)
		rc = vt_fail(err, VT_ERR_NOT_FOUND, "no mail matches '%s'", query);
	else if (rc == VT_ERR_USAGE)
		rc = vt_fail(err, VT_ERR_USAGE, "'%s' is not a thread", thread);
	free(query);
	return rc;
}

vt_status
vt_issue_open(struct vt_store *s, struct mail_db *db, const char *slug, const char *title,
	      const char *const *threads, size_t n_threads, int64_t *id, struct vt_action *out,
	      struct vt_error *err)
{
	struct id_list linked = { 0 };
	struct vt_vendor v;
	char summary[sizeof out->summary - 32], target[32];
	vt_status rc;

	memset(out, 0, sizeof *out);
	*id = 0;
	if (vt_text_blank(title) || strlen(title) > 300)
		return vt_fail(err, VT_ERR_USAGE, "an issue title must have 1 to 300 characters");
	if ((rc = vt_vendor_get(s, slug, &v, err)) != VT_OK)
		return rc;
	if ((rc = vt_store_begin(s, err)) != VT_OK)
		goto out;
	rc = vt_sql_run(s, "INSERT INTO issues (vendor_id, title, opened) VALUES (?, ?, ?)",
			"open issue", err, "iti", v.id, title, (int64_t)time(NULL));
	if (rc == VT_OK) {
		*id = sqlite3_last_insert_rowid(s->db);
		snprintf(target, sizeof target, "%lld", (long long)*id);
		snprintf(summary, sizeof summary, "opened issue #%lld with %s: %s", (long long)*id,
			 v.name, title);
		rc = vt_journal_add(s, "issue-opened", v.id, target, "", "", summary, err);
	}
	for (size_t i = 0; rc == VT_OK && i < n_threads; i++)
		rc = link_thread(s, db, *id, threads[i], &linked, err);
	if (rc == VT_OK)
		rc = vt_store_commit(s, err);
	else
		vt_store_rollback(s);
	if (rc == VT_OK)
		snprintf(out->summary, sizeof out->summary, "%s%s", summary,
			 n_threads > 1 ? " (threads linked)"
			 : n_threads   ? " (thread linked)"
				       : "");
	else
		*id = 0;
	out->changed = rc == VT_OK;
out:
	free(linked.joined);
	vt_vendor_clear(&v);
	return rc;
}

/* The issue's vendor (following merges) and whether it is open. */
static vt_status
find_issue(struct vt_store *s, int64_t id, int64_t *vendor_id, bool *open, char **note,
	   char **title, struct vt_error *err)
{
	sqlite3_stmt *st = vt_sql_prepare(
		s,
		"SELECT coalesce(v.merged_into, v.id), i.closed IS NULL, i.note, i.title FROM issues i"
		" JOIN vendors v ON v.id = i.vendor_id WHERE i.id = ? AND i.withdrawn = 0",
		err);
	int rc;

	if (st == NULL)
		return err ? err->status : VT_ERR_DB;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*vendor_id = sqlite3_column_int64(st, 0);
		*open = sqlite3_column_int(st, 1) != 0;
		if (note)
			*note = vt_strdup0((const char *)sqlite3_column_text(st, 2));
		if (title)
			*title = vt_strdup0((const char *)sqlite3_column_text(st, 3));
	}
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return vt_fail(err, VT_ERR_NOT_FOUND,
			       "no issue #%lld (see: vtriage issue list --all)", (long long)id);
	return rc == SQLITE_ROW ? VT_OK : vt_sql_fail(s, err, rc, "read issue");
}

vt_status
vt_issue_close(struct vt_store *s, int64_t id, const char *note, struct vt_action *out,
	       struct vt_error *err)
{
	char summary[512], target[32], *old_note = NULL, *title = NULL;
	int64_t vendor_id;
	bool open;
	vt_status rc;

	memset(out, 0, sizeof *out);
	if ((rc = vt_store_begin(s, err)) != VT_OK)
		return rc;
	rc = find_issue(s, id, &vendor_id, &open, &old_note, &title, err);
	/* closed already: nothing to change, as a promotion of a trusted
	 * vendor (exit 0, nothing journalled) */
	if (rc == VT_OK && !open) {
		vt_store_rollback(s);
		snprintf(out->summary, sizeof out->summary, "issue #%lld is closed already",
			 (long long)id);
		free(old_note);
		free(title);
		return VT_OK;
	}
	if (rc == VT_OK)
		rc = vt_sql_run(s, "UPDATE issues SET closed = ?, note = ? WHERE id = ?",
				"close issue", err, "iti", (int64_t)time(NULL), note ? note : "",
				id);
	if (rc == VT_OK) {
		snprintf(target, sizeof target, "%lld", (long long)id);
		/* cut whole characters: the journal keeps it */
		const char *t = title ? title : "", *n = note ? note : "";

		snprintf(summary, sizeof summary, "closed issue #%lld: %.*s%s%.*s%s", (long long)id,
			 (int)mail_utf8_prefix(t, 200), t, *n ? " (" : "",
			 (int)mail_utf8_prefix(n, 200), n, *n ? ")" : "");
		rc = vt_journal_add(s, "issue-closed", vendor_id, target, old_note ? old_note : "",
				    note ? note : "", summary, err);
	}
	rc = vt_action_end(s, rc, summary, out, err);
	free(old_note);
	free(title);
	return rc;
}

vt_status
vt_issue_link(struct vt_store *s, struct mail_db *db, int64_t id, const char *thread,
	      struct vt_action *out, struct vt_error *err)
{
	struct id_list linked = { 0 };
	char summary[512], target[32];
	int64_t vendor_id;
	bool open;
	vt_status rc;

	memset(out, 0, sizeof *out);
	if ((rc = vt_store_begin(s, err)) != VT_OK)
		return rc;
	rc = find_issue(s, id, &vendor_id, &open, NULL, NULL, err);
	if (rc == VT_OK)
		rc = link_thread(s, db, id, thread, &linked, err);
	if (rc == VT_OK && linked.count == 0) {
		/* every message was linked already: nothing to journal */
		vt_store_rollback(s);
		snprintf(out->summary, sizeof out->summary,
			 "issue #%lld: its thread's messages were linked already", (long long)id);
		free(linked.joined);
		return VT_OK;
	}
	if (rc == VT_OK) {
		snprintf(target, sizeof target, "%lld", (long long)id);
		snprintf(summary, sizeof summary, "linked %zu message%s to issue #%lld",
			 linked.count, linked.count == 1 ? "" : "s", (long long)id);
		rc = vt_journal_add(s, "issue-linked", vendor_id, target, "", linked.joined,
				    summary, err);
	}
	rc = vt_action_end(s, rc, summary, out, err);
	free(linked.joined);
	return rc;
}

void
vt_issue_clear(struct vt_issue *i)
{
	free(i->vendor);
	free(i->vendor_name);
	free(i->title);
	free(i->note);
	for (size_t k = 0; k < i->n_links; k++)
		free(i->message_ids[k]);
	free(i->message_ids);
	memset(i, 0, sizeof *i);
}

void
vt_issue_list_clear(struct vt_issue_list *list)
{
	for (size_t k = 0; k < list->count; k++)
		vt_issue_clear(&list->items[k]);
	free(list->items);
	list->items = NULL;
	list->count = 0;
}

static vt_status
load_links(struct vt_store *s, struct vt_issue *i, struct vt_error *err)
{
	sqlite3_stmt *st = vt_sql_prepare(
		s, "SELECT message_id FROM issue_links WHERE issue_id = ? ORDER BY message_id",
		err);
	int rc;

	if (st == NULL)
		return err ? err->status : VT_ERR_DB;
	sqlite3_bind_int64(st, 1, i->id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		char **grown = realloc(i->message_ids, (i->n_links + 1) * sizeof *grown);

		if (grown == NULL)
			break;
		i->message_ids = grown;
		if ((grown[i->n_links] = vt_strdup0((const char *)sqlite3_column_text(st, 0))) ==
		    NULL)
			break;
		i->n_links++;
	}
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	return rc == SQLITE_DONE ? VT_OK : vt_sql_fail(s, err, rc, "read issue links");
}

#define ISSUE_SELECT                                                                               \
	"SELECT i.id, coalesce(m.slug, v.slug), coalesce(m.name, v.name), i.title,"                \
	" i.opened, coalesce(i.closed, 0), i.note"                                                 \
	" FROM issues i JOIN vendors v ON v.id = i.vendor_id"                                      \
	" LEFT JOIN vendors m ON m.id = v.merged_into WHERE i.withdrawn = 0"

static vt_status
read_issues(struct vt_store *s, sqlite3_stmt *st, struct vt_issue_list *out, struct vt_error *err)
{
	vt_status vs = VT_OK;
	int rc;

	while (vs == VT_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct vt_issue *grown = realloc(out->items, (out->count + 1) * sizeof *grown), *i;

		if (grown == NULL) {
			vs = vt_fail(err, VT_ERR_NOMEM, "out of memory");
			break;
		}
		out->items = grown;
		i = &out->items[out->count++];
		memset(i, 0, sizeof *i);
		i->id = sqlite3_column_int64(st, 0);
		i->vendor = vt_strdup0((const char *)sqlite3_column_text(st, 1));
		i->vendor_name = vt_strdup0((const char *)sqlite3_column_text(st, 2));
		i->title = vt_strdup0((const char *)sqlite3_column_text(st, 3));
		i->opened = (time_t)sqlite3_column_int64(st, 4);
		i->closed = (time_t)sqlite3_column_int64(st, 5);
		i->note = vt_strdup0((const char *)sqlite3_column_text(st, 6));
		if (!i->vendor || !i->vendor_name || !i->title || !i->note)
			vs = vt_fail(err, VT_ERR_NOMEM, "out of memory");
	}
	sqlite3_reset(st);
	if (vs == VT_OK && rc != SQLITE_DONE)
		vs = vt_sql_fail(s, err, rc, "read issues");
	for (size_t k = 0; vs == VT_OK && k < out->count; k++)
		vs = load_links(s, &out->items[k], err);
	if (vs != VT_OK)
		vt_issue_list_clear(out);
	return vs;
}

vt_status
vt_issue_list(struct vt_store *s, const char *slug, bool include_closed, struct vt_issue_list *out,
	      struct vt_error *err)
{
	sqlite3_stmt *st;
	int64_t vendor_id = -1;
	vt_status rc;

	memset(out, 0, sizeof *out);
	if (slug != NULL && (rc = vt_vendor_find(s, slug, &vendor_id, err)) != VT_OK)
		return vt_as_not_found(rc, err);
	st = vt_sql_prepare(s,
			    ISSUE_SELECT " AND (?1 < 0 OR v.id = ?1 OR v.merged_into = ?1)"
					 " AND (?2 OR i.closed IS NULL) ORDER BY i.opened, i.id",
			    err);
	if (st == NULL)
		return err ? err->status : VT_ERR_DB;
	sqlite3_bind_int64(st, 1, vendor_id);
	sqlite3_bind_int(st, 2, include_closed);
	return read_issues(s, st, out, err);
}

vt_status
vt_issue_get(struct vt_store *s, int64_t id, struct vt_issue *out, struct vt_error *err)
{
	struct vt_issue_list list = { 0 };
	sqlite3_stmt *st = vt_sql_prepare(s, ISSUE_SELECT " AND i.id = ?", err);
	vt_status rc;

	memset(out, 0, sizeof *out);
	if (st == NULL)
		return err ? err->status : VT_ERR_DB;
	sqlite3_bind_int64(st, 1, id);
	if ((rc = read_issues(s, st, &list, err)) != VT_OK)
		return rc;
	if (list.count == 0)
		return vt_fail(err, VT_ERR_NOT_FOUND, "no issue #%lld", (long long)id);
	*out = list.items[0];
	free(list.items);
	return VT_OK;
}
