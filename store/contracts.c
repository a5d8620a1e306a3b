/*
 * Contracts: the dates vendor mail names (mail/contract.c) kept as
 * suggestions, each accepted or rejected by the user once; accepted ones
 * and those the user sets by hand are contracts, with a notice period
 * before their end in which they are due for attention.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "private.h"

vt_status
vt_contract_record(struct vt_store *s, const struct mail_message_info *info, struct vt_error *err)
{
	const struct mail_attribution *a = &info->attribution;

	if (info->contract.count == 0 || a->kind != MAIL_KIND_VENDOR || a->direction != MAIL_DIR_IN)
		return VT_OK;
	for (size_t i = 0; i < info->contract.count; i++) {
		const struct mail_contract_date *d = &info->contract.items[i];
		char ends[11];
		bool ambiguous = d->ambiguous;
		vt_status rc;

		memcpy(ends, d->date, sizeof ends);
		/* a slashed date that reads both ways (read month first): the
		 * vendor's own habit decides, as its amounts show it (a
		 * decimal comma writes day first) */
		if (ambiguous) {
			int64_t comma = 0, dot = 0;

			vt_sql_int(s,
				   "SELECT count(*) FROM documents WHERE org = ? AND decimal = ?",
				   &comma, NULL, "ti", a->org, (int64_t)MAIL_DECIMAL_COMMA);
			vt_sql_int(s,
				   "SELECT count(*) FROM documents WHERE org = ? AND decimal = ?",
				   &dot, NULL, "ti", a->org, (int64_t)MAIL_DECIMAL_DOT);
			if (comma > dot) {
				/* "YYYY-MM-DD" read as MM/DD: swap month and day */
				char mm[3] = { ends[5], ends[6], 0 };

				ends[5] = ends[8];
				ends[6] = ends[9];
				ends[8] = mm[0];
				ends[9] = mm[1];
				ambiguous = false;
			} else if (dot > comma) {
				ambiguous = false;
			}
		}

		/* what the user said of it already stays, and a date decided
		 * once is decided for every message repeating it */
		rc = vt_sql_run(
			s,
			"INSERT OR IGNORE INTO contract_suggestions (message_id, org, ends,"
			" event, kind, ambiguous, phrase, date, state) VALUES (?1, ?2, ?3, ?4,"
			" ?5, ?6, ?7, ?8, coalesce((SELECT max(state) FROM contract_suggestions"
			" WHERE org = ?2 AND ends = ?3 AND event = ?4), 0))",
			"record a contract date", err, "tttttiti", info->message_id, a->org, ends,
			mail_contract_event_name(d->event),
			mail_contract_kind_name(info->contract.kind), (int64_t)ambiguous, d->phrase,
			(int64_t)info->date);
		if (rc != VT_OK)
			return rc;
	}
	return VT_OK;
}

/* The vendor of an org, following merges: a subquery on column org. */
/* clang-format off */
#define VENDOR_OF(org)                                                                      \
	"(SELECT coalesce(w.id, v.id) FROM vendor_domains d JOIN vendors v ON v.id = d.vendor_id" \
	" LEFT JOIN vendors w ON w.id = v.merged_into WHERE d.domain = " org ")"
/* clang-format on */

static char *
column_dup(sqlite3_stmt *st, int i)
{
	const char *t = (const char *)sqlite3_column_text(st, i);

	return strdup(t ? t : "");
}

/* The vendor's name for what an action says it did ("" if none). */
static void
vendor_name(struct vt_store *s, int64_t vendor, char *out, size_t len)
{
	sqlite3_stmt *st = vt_sql_prepare(s, "SELECT name FROM vendors WHERE id = ?", NULL);

	*out = '\0';
	if (st == NULL)
		return;
	sqlite3_bind_int64(st, 1, vendor);
	if (sqlite3_step(st) == SQLITE_ROW)
		snprintf(out, len, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_reset(st);
}

vt_status
vt_contract_suggestions(struct vt_store *s, const char *slug, bool decided, const char *today,
			struct vt_contract_suggestion_list *out, struct vt_error *err)
{
	return vt_contract_suggestions_in(s, slug, NULL, decided, today, out, err);
}

vt_status
vt_contract_suggestions_in(struct vt_store *s, const char *slug, const char *thread, bool decided,
			   const char *today, struct vt_contract_suggestion_list *out,
			   struct vt_error *err)
{
	int64_t vendor = 0;
	sqlite3_stmt *st;
	int rc;

	memset(out, 0, sizeof *out);
	if (slug != NULL && (rc = vt_vendor_find(s, slug, &vendor, err)) != VT_OK)
		return (vt_status)rc;
	/* clang-format off */
	st = vt_sql_prepare(s,
			    "SELECT c.id, v.slug, v.name, c.message_id, c.ends, c.event, c.kind,"
			    " c.ambiguous, c.phrase, c.date, c.state"
			    " FROM contract_suggestions c JOIN vendors v ON v.id = " VENDOR_OF("c.org")
			    " WHERE (?1 = 0 OR v.id = ?1) AND (?2 OR (c.state = 0 AND c.ends >= ?3))"
			    /* the message still there, each by its key: "IN (SELECT
			     * ... WHERE ?4 IS NULL OR ...)" copied every message id
			     * into a temporary table first (0.5 s at 300,000) */
			    " AND EXISTS (SELECT 1 FROM messages m WHERE m.message_id = c.message_id"
			    "  AND (?4 IS NULL OR m.thread = ?4))"
			    /* one row per date a vendor names: the newest message's */
			    " AND c.id = (SELECT x.id FROM contract_suggestions x WHERE x.org = c.org"
			    "  AND x.ends = c.ends AND x.event = c.event"
			    "  AND EXISTS (SELECT 1 FROM messages y WHERE y.message_id = x.message_id)"
			    "  ORDER BY x.date DESC, x.id DESC LIMIT 1)"
			    " ORDER BY c.ends, c.id",
			    err);
	/* clang-format on */
	if (st == NULL)
		return err ? err->status : VT_ERR_DB;
	sqlite3_bind_int64(st, 1, vendor);
	sqlite3_bind_int(st, 2, decided);
	sqlite3_bind_text(st, 3, today, -1, SQLITE_STATIC);
	if (thread != NULL)
		sqlite3_bind_text(st, 4, thread, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 4);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct vt_contract_suggestion *g = realloc(out->items,
							   (out->count + 1) * sizeof *g),
					      *c;

		if (g == NULL) {
			sqlite3_reset(st);
			vt_contract_suggestion_list_clear(out);
			return vt_fail(err, VT_ERR_NOMEM, "out of memory");
		}
		out->items = g;
		c = &g[out->count++];
		c->id = sqlite3_column_int64(st, 0);
		c->slug = column_dup(st, 1);
		c->vendor_name = column_dup(st, 2);
		c->message_id = column_dup(st, 3);
		snprintf(c->ends, sizeof c->ends, "%s", (const char *)sqlite3_column_text(st, 4));
		c->event = column_dup(st, 5);
		c->kind = column_dup(st, 6);
		c->ambiguous = sqlite3_column_int(st, 7) != 0;
		c->phrase = column_dup(st, 8);
		c->date = (time_t)sqlite3_column_int64(st, 9);
		c->state = sqlite3_column_int(st, 10);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		vt_contract_suggestion_list_clear(out);
		return vt_sql_fail(s, err, rc, "list contract suggestions");
	}
	return VT_OK;
}

void
vt_contract_suggestion_list_clear(struct vt_contract_suggestion_list *list)
{
	for (size_t i = 0; i < list->count; i++) {
		struct vt_contract_suggestion *c = &list->items[i];

		free(c->slug);
		free(c->vendor_name);
		free(c->message_id);
		free(c->event);
		free(c->kind);
		free(c->phrase);
	}
	free(list->items);
	memset(list, 0, sizeof *list);
}

static bool
valid_iso(const char *date)
{
	int y, m, d;
	char tail;

	return strlen(date) == 10 && sscanf(date, "%4d-%2d-%2d%c", &y, &m, &d, &tail) == 3 &&
	       date[4] == '-' && date[7] == '-' && mail_date_valid(y, m, d);
}

static vt_status
insert_contract(struct vt_store *s, int64_t vendor, const char *kind, const char *ends, long notice,
		const char *note, int64_t suggestion, int64_t *id, struct vt_error *err)
{
	vt_status rc = vt_sql_run(s,
				  "INSERT INTO contracts (vendor_id, kind, ends, notice_days, note,"
				  " suggestion_id, created) VALUES (?, ?, ?, ?, ?, ?,"
				  " strftime('%s', 'now'))",
				  "add a contract", err, suggestion ? "ittiti" : "ittitn", vendor,
				  kind, ends, (int64_t)notice, note ? note : "", suggestion);

	if (rc == VT_OK && id != NULL)
		*id = sqlite3_last_insert_rowid(s->db);
	return rc;
}

vt_status
vt_contract_set(struct vt_store *s, const char *slug, const char *ends, const char *kind,
		long notice, const char *note, int64_t *id, struct vt_action *out,
		struct vt_error *err)
{
	enum mail_contract_kind k;
	int64_t vendor, made = 0;
	char name[200];
	vt_status rc;

	memset(out, 0, sizeof *out);
	if (!valid_iso(ends))
		return vt_fail(err, VT_ERR_USAGE, "--ends %s: not a date (YYYY-MM-DD)", ends);
	if (kind != NULL && !mail_contract_kind_parse(kind, &k))
		return vt_fail(err, VT_ERR_USAGE,
			       "--kind %s: one of contract, maintenance, license, subscription",
			       kind);
	if (notice < 0 || notice > 3650)
		return vt_fail(err, VT_ERR_USAGE, "--notice %ld: days, 0 to 3650", notice);
	if ((rc = vt_vendor_find(s, slug, &vendor, err)) != VT_OK)
		return rc;
	if ((rc = vt_store_begin(s, err)) != VT_OK)
		return rc;
	rc = insert_contract(s, vendor, kind ? kind : "contract", ends, notice, note, 0, &made,
			     err);
	if (rc == VT_OK) {
		char target[24], summary[160];

		snprintf(target, sizeof target, "%lld", (long long)made);
		snprintf(summary, sizeof summary, "%s contract ends %s", kind ? kind : "a", ends);
		rc = vt_journal_add(s, "contract-set", vendor, target, "", target, summary, err);
	}
	if (rc != VT_OK) {
		vt_store_rollback(s);
		return rc;
	}
	if (id != NULL)
		*id = made;
	if ((rc = vt_store_commit(s, err)) != VT_OK)
		return rc;
	vendor_name(s, vendor, name, sizeof name);
	snprintf(out->summary, sizeof out->summary,
		 "set contract #%lld with %s: ends %s (%s, notice %ld days)", (long long)made, name,
		 ends, kind ? kind : "contract", notice);
	out->changed = true;
	return VT_OK;
}

vt_status
vt_contract_decide(struct vt_store *s, int64_t suggestion, bool accept, const char *kind,
		   long notice, int64_t *id, struct vt_action *out, struct vt_error *err)
{
	/* clang-format off */
	sqlite3_stmt *st = vt_sql_prepare(
		s,
		"SELECT " VENDOR_OF("c.org") ", c.ends, c.kind, c.state, c.ambiguous"
		" FROM contract_suggestions c WHERE c.id = ?",
		err);
	/* clang-format on */
	char ends[11] = "", found_kind[32] = "";
	int64_t vendor = 0, made_id = 0;
	int state = -1, rc;
	enum mail_contract_kind k;

	memset(out, 0, sizeof *out);
	if (st == NULL)
		return err ? err->status : VT_ERR_DB;
	sqlite3_bind_int64(st, 1, suggestion);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		vendor = sqlite3_column_int64(st, 0);
		snprintf(ends, sizeof ends, "%s", (const char *)sqlite3_column_text(st, 1));
		snprintf(found_kind, sizeof found_kind, "%s",
			 (const char *)sqlite3_column_text(st, 2));
		state = sqlite3_column_int(st, 3);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return rc == SQLITE_DONE
			       ? vt_fail(err, VT_ERR_NOT_FOUND,
					 "no contract suggestion %lld (see: vtriage contract "
					 "list --suggested)",
					 (long long)suggestion)
			       : vt_sql_fail(s, err, rc, "find a contract suggestion");
	if (state != 0)
		return vt_fail(err, VT_ERR_USAGE, "contract suggestion %lld was %s already",
			       (long long)suggestion, state == 1 ? "accepted" : "rejected");
	if (vendor == 0)
		return vt_fail(err, VT_ERR_NOT_FOUND,
			       "contract suggestion %lld: its vendor is gone",
			       (long long)suggestion);
	if (kind != NULL && !mail_contract_kind_parse(kind, &k))
		return vt_fail(err, VT_ERR_USAGE,
			       "--kind %s: one of contract, maintenance, license, subscription",
			       kind);
	if ((rc = vt_store_begin(s, err)) != VT_OK)
		return (vt_status)rc;
	/* decided meanwhile by another process? Read again under the write
	 * lock: two accepting at once made two contracts */
	{
		int64_t now = -1;

		if ((rc = vt_sql_int(s, "SELECT state FROM contract_suggestions WHERE id = ?", &now,
				     err, "i", suggestion)) == VT_OK &&
		    now != 0)
			rc = vt_fail(err, VT_ERR_USAGE, "contract suggestion %lld was %s already",
				     (long long)suggestion, now == 1 ? "accepted" : "rejected");
		if (rc != VT_OK) {
			vt_store_rollback(s);
			return (vt_status)rc;
		}
	}
	/* every message naming the same date of the same vendor with it */
	rc = vt_sql_run(
		s,
		"UPDATE contract_suggestions SET state = ?1 WHERE id = ?2 OR id IN"
		" (SELECT x.id FROM contract_suggestions x, contract_suggestions c"
		"  WHERE c.id = ?2 AND x.org = c.org AND x.ends = c.ends AND x.event = c.event)",
		"decide a contract suggestion", err, "ii", (int64_t)(accept ? 1 : 2), suggestion);
	if (rc == VT_OK && accept)
		rc = insert_contract(s, vendor, kind ? kind : found_kind, ends, notice, NULL,
				     suggestion, &made_id, err);
	/* undoable: the journal keeps the suggestion and the contract made */
	if (rc == VT_OK) {
		char target[24], made[24] = "", summary[160];

		snprintf(target, sizeof target, "%lld", (long long)suggestion);
		if (accept)
			snprintf(made, sizeof made, "%lld", (long long)made_id);
		snprintf(summary, sizeof summary, "%s the %s date %s%s",
			 accept ? "accepted" : "rejected", kind ? kind : found_kind, ends,
			 accept ? " as a contract" : "");
		rc = vt_journal_add(s, accept ? "contract-accepted" : "contract-rejected", vendor,
				    target, "", made, summary, err);
	}
	if (rc != VT_OK) {
		vt_store_rollback(s);
		return (vt_status)rc;
	}
	if (id != NULL)
		*id = made_id;
	if ((rc = vt_store_commit(s, err)) != VT_OK)
		return (vt_status)rc;
	{
		char name[200];

		vendor_name(s, vendor, name, sizeof name);
		if (accept)
			snprintf(out->summary, sizeof out->summary,
				 "accepted suggestion %lld: contract #%lld with %s: ends %s (%s, "
				 "notice %ld days)",
				 (long long)suggestion, (long long)made_id, name, ends,
				 kind ? kind : found_kind, notice);
		else
			snprintf(out->summary, sizeof out->summary,
				 "rejected suggestion %lld: %s's %s date %s is not offered again",
				 (long long)suggestion, name, found_kind, ends);
	}
	out->changed = true;
	return VT_OK;
}

/* Undoable: the journal keeps the contract as it was, in the order
 * vt_contract_restore reads it. */
vt_status
vt_contract_remove(struct vt_store *s, int64_t id, struct vt_action *out, struct vt_error *err)
{
	sqlite3_stmt *st = vt_sql_prepare(
		s,
		"SELECT vendor_id, printf('%s\t%s\t%d\t%s\t%d\t%s', kind, ends, notice_days,"
		" coalesce(suggestion_id, ''), created, note), kind, ends FROM contracts WHERE id = ?",
		err);
	char target[24], summary[160], kind[32] = "", ends[11] = "";
	int64_t vendor = 0;
	char *was = NULL;
	vt_status rc;
	int step;

	memset(out, 0, sizeof *out);
	if (st == NULL)
		return err ? err->status : VT_ERR_DB;
	/* read under the write lock: two removals at once journalled the
	 * contract twice, and two undos made two of it */
	if ((rc = vt_store_begin(s, err)) != VT_OK)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	if ((step = sqlite3_step(st)) == SQLITE_ROW) {
		vendor = sqlite3_column_int64(st, 0);
		was = vt_strdup0((const char *)sqlite3_column_text(st, 1));
		snprintf(kind, sizeof kind, "%s", (const char *)sqlite3_column_text(st, 2));
		snprintf(ends, sizeof ends, "%s", (const char *)sqlite3_column_text(st, 3));
		snprintf(summary, sizeof summary, "removed the %s contract ending %s", kind, ends);
	}
	sqlite3_reset(st);
	if (step == SQLITE_DONE)
		rc = vt_fail(err, VT_ERR_NOT_FOUND, "no contract %lld (see: vtriage contract list)",
			     (long long)id);
	else if (step != SQLITE_ROW)
		rc = vt_sql_fail(s, err, step, "find a contract");
	else if (was == NULL)
		rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
	snprintf(target, sizeof target, "%lld", (long long)id);
	if (rc == VT_OK)
		rc = vt_sql_run(s, "DELETE FROM contracts WHERE id = ?", "remove a contract", err,
				"i", id);
	if (rc == VT_OK)
		rc = vt_journal_add(s, "contract-removed", vendor, target, was, "", summary, err);
	rc = rc == VT_OK ? vt_store_commit(s, err) : (vt_store_rollback(s), rc);
	free(was);
	if (rc == VT_OK) {
		char name[200];

		vendor_name(s, vendor, name, sizeof name);
		snprintf(out->summary, sizeof out->summary,
			 "removed contract #%lld with %s: ends %s (%s)", (long long)id, name, ends,
			 kind);
		out->changed = true;
	}
	return rc;
}

/* Puts back a removed contract from its journal entry (before: kind,
 * ends, notice, suggestion, created, note; tab-separated, the note last
 * as it may hold tabs), under its old number unless that was taken. */
vt_status
vt_contract_restore(struct vt_store *s, int64_t vendor, const char *target, const char *before,
		    struct vt_error *err)
{
	char *copy = strdup(before), *field[6] = { 0 }, *p;
	int64_t id = (int64_t)strtoll(target, NULL, 10);
	vt_status rc;

	if (copy == NULL)
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	p = copy;
	for (int i = 0; i < 6; i++) {
		field[i] = p;
		if (i < 5 && (p = strchr(p, '\t')) == NULL)
			break;
		if (i < 5)
			*p++ = '\0';
	}
	if (field[5] == NULL) {
		free(copy);
		return vt_fail(err, VT_ERR_INTERNAL,
			       "journal: a removed contract without its fields");
	}
	/* a NULL id takes the next free one */
	rc = vt_sql_run(s,
			"INSERT INTO contracts (id, vendor_id, kind, ends, notice_days, note,"
			" suggestion_id, created) VALUES ((SELECT CASE WHEN count(*) THEN NULL"
			" ELSE ?1 END FROM contracts WHERE id = ?1), ?2, ?3, ?4, ?5, ?6,"
			" nullif(?7, ''), ?8)",
			"undo", err, "iittittt", id, vendor, field[0], field[1],
			(int64_t)strtoll(field[2], NULL, 10), field[5], field[3], field[4]);
	free(copy);
	return rc;
}

vt_status
vt_contract_list(struct vt_store *s, const char *slug, const char *today, long within,
		 struct vt_contract_list *out, struct vt_error *err)
{
	int64_t vendor = 0;
	sqlite3_stmt *st;
	int rc;

	memset(out, 0, sizeof *out);
	if (slug != NULL && (rc = vt_vendor_find(s, slug, &vendor, err)) != VT_OK)
		return (vt_status)rc;
	/* within < 0: all; else those ending within that many days (or in
	 * their notice period) and not ended more than a notice ago */
	st = vt_sql_prepare(s,
			    "SELECT c.id, v.slug, v.name, c.kind, c.ends, c.notice_days, c.note,"
			    " CAST(julianday(c.ends) - julianday(?2) AS INTEGER)"
			    " FROM contracts c JOIN vendors v ON v.id = c.vendor_id"
			    " WHERE (?1 = 0 OR v.id = ?1) AND (?3 < 0 OR"
			    "  (julianday(c.ends) - julianday(?2) <= max(?3, c.notice_days)"
			    "   AND julianday(c.ends) - julianday(?2) >= -c.notice_days))"
			    " ORDER BY c.ends, c.id",
			    err);
	if (st == NULL)
		return err ? err->status : VT_ERR_DB;
	sqlite3_bind_int64(st, 1, vendor);
	sqlite3_bind_text(st, 2, today, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, within);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct vt_contract *g = realloc(out->items, (out->count + 1) * sizeof *g), *c;

		if (g == NULL) {
			sqlite3_reset(st);
			vt_contract_list_clear(out);
			return vt_fail(err, VT_ERR_NOMEM, "out of memory");
		}
		out->items = g;
		c = &g[out->count++];
		c->id = sqlite3_column_int64(st, 0);
		c->slug = column_dup(st, 1);
		c->vendor_name = column_dup(st, 2);
		c->kind = column_dup(st, 3);
		snprintf(c->ends, sizeof c->ends, "%s", (const char *)sqlite3_column_text(st, 4));
		c->notice_days = sqlite3_column_int(st, 5);
		c->note = column_dup(st, 6);
		c->days_left = sqlite3_column_int(st, 7);
		c->due = c->days_left <= c->notice_days;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		vt_contract_list_clear(out);
		return vt_sql_fail(s, err, rc, "list contracts");
	}
	return VT_OK;
}

void
vt_contract_list_clear(struct vt_contract_list *list)
{
	for (size_t i = 0; i < list->count; i++) {
		free(list->items[i].slug);
		free(list->items[i].vendor_name);
		free(list->items[i].kind);
		free(list->items[i].note);
	}
	free(list->items);
	memset(list, 0, sizeof *list);
}

void
vt_today(char out[11])
{
	time_t now = time(NULL);
	struct tm tm;

	localtime_r(&now, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}
