/*
 * Reading the trust verdicts (store/trust.c judges them): the suspicious
 * messages with their reasons, for `vtriage check`, the pager's warnings
 * and the suspicious: query term.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "private.h"

/*
 * One row per reason, the gravest first: the per-message suspicions, and
 * the incoming mail of domains judged look-alikes (a verdict on the
 * domain, not stored per message). Each statement starts from what it is
 * about (a vendor's domains, a thread's messages), never from all
 * suspicious mail. Columns: message id, reason, detail, like_org, thread,
 * sender, subject, org, the sender's vendor, date, rank of the reason.
 */
/* clang-format off */
#define SUSPECT_COLUMNS(reason, detail, like_org)                                           \
	"SELECT m.message_id, " reason ", " detail ", " like_org ", m.thread, m.from_addr,"  \
	" m.subject, m.org, (SELECT v.slug FROM vendor_domains d JOIN vendors v"             \
	"  ON v.id = d.vendor_id WHERE d.domain = m.org), m.date,"                            \
	" CASE " reason " WHEN '" VT_SUSPECT_LOOKALIKE "' THEN 0"                             \
	"  WHEN '" VT_SUSPECT_AUTH "' THEN 1 WHEN '" VT_SUSPECT_NAME "' THEN 2"             \
	"  WHEN '" VT_SUSPECT_REPLYTO "' THEN 3 ELSE 4 END"
/* by date, then message, then the gravest reason first */
#define SUSPECT_ORDER(order) " ORDER BY 10 " order ", 1, 11, 3"
#define AS_SUSPICION SUSPECT_COLUMNS("x.reason", "x.detail", "x.like_org")
#define AS_LOOKALIKE SUSPECT_COLUMNS("'" VT_SUSPECT_LOOKALIKE "'", "l.text", "l.like_org")
#define VENDOR_DOMAINS "(SELECT domain FROM vendor_domains WHERE vendor_id = ?1)"

/* everything */
static const char all_rows[] =
	AS_SUSPICION " FROM suspicions x JOIN messages m ON m.message_id = x.message_id"
	" UNION ALL " AS_LOOKALIKE
	" FROM lookalikes l CROSS JOIN messages m ON m.org = l.org AND m.direction = 0"
	SUSPECT_ORDER("DESC");

/* vendor ?1: mail imitating it, and its own mail judged suspicious */
static const char vendor_rows[] =
	AS_SUSPICION " FROM suspicions x JOIN messages m ON m.message_id = x.message_id"
	" WHERE x.like_org IN " VENDOR_DOMAINS
	" UNION ALL " AS_SUSPICION
	" FROM vendor_domains d CROSS JOIN messages m ON m.org = d.domain"
	" JOIN suspicions x ON x.message_id = m.message_id"
	" WHERE d.vendor_id = ?1 AND x.like_org NOT IN " VENDOR_DOMAINS
	" UNION ALL " AS_LOOKALIKE
	" FROM lookalikes l CROSS JOIN messages m ON m.org = l.org AND m.direction = 0"
	" WHERE l.like_org IN " VENDOR_DOMAINS " OR l.org IN " VENDOR_DOMAINS
	SUSPECT_ORDER("DESC");

/* thread ?2, oldest first as the pager shows it */
static const char thread_rows[] =
	AS_SUSPICION " FROM messages m JOIN suspicions x ON x.message_id = m.message_id"
	" WHERE m.thread = ?2"
	" UNION ALL " AS_LOOKALIKE
	" FROM messages m JOIN lookalikes l ON l.org = m.org"
	" WHERE m.thread = ?2 AND m.direction = 0"
	SUSPECT_ORDER("ASC");
/* clang-format on */

static const char *
reason_name(const char *reason)
{
	static const char *const names[] = {
		VT_SUSPECT_LOOKALIKE, VT_SUSPECT_AUTH, VT_SUSPECT_NAME,
		VT_SUSPECT_REPLYTO,   VT_SUSPECT_BANK,
	};

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(reason, names[i]) == 0)
			return names[i];
	return VT_SUSPECT_NAME;
}

static bool
add_reason(struct vt_suspect *m, sqlite3_stmt *st)
{
	const char *reason = (const char *)sqlite3_column_text(st, 1);
	const char *like_org = (const char *)sqlite3_column_text(st, 3);
	struct vt_suspect_reason *grown = realloc(m->reasons, (m->n_reasons + 1) * sizeof *grown),
				 *r;

	if (grown == NULL)
		return false;
	m->reasons = grown;
	r = &grown[m->n_reasons++];
	r->reason = reason_name(reason);
	r->text = vt_strdup0((const char *)sqlite3_column_text(st, 2));
	r->like_org = like_org && *like_org ? strdup(like_org) : NULL;
	return r->text != NULL && (r->like_org != NULL || like_org == NULL || *like_org == '\0');
}

static vt_status
read_list(struct vt_store *s, const char *sql, int64_t vendor_id, const char *thread,
	  struct vt_suspect_list *out, struct vt_error *err)
{
	sqlite3_stmt *st = vt_sql_prepare(s, sql, err);
	vt_status rc = VT_OK;
	int step;

	memset(out, 0, sizeof *out);
	if (st == NULL)
		return err ? err->status : VT_ERR_DB;
	sqlite3_bind_int64(st, 1, vendor_id);
	if (thread != NULL)
		sqlite3_bind_text(st, 2, thread, -1, SQLITE_STATIC);
	while (rc == VT_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(st, 0);
		struct vt_suspect *m = out->count ? &out->items[out->count - 1] : NULL;

		if (m == NULL || strcmp(m->message_id, id) != 0) {
			struct vt_suspect *grown =
				realloc(out->items, (out->count + 1) * sizeof *grown);

			if (grown == NULL) {
				rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
				break;
			}
			out->items = grown;
			m = &grown[out->count++];
			memset(m, 0, sizeof *m);
			m->message_id = vt_strdup0(id);
			m->thread = vt_strdup0((const char *)sqlite3_column_text(st, 4));
			m->from = vt_strdup0((const char *)sqlite3_column_text(st, 5));
			m->subject = vt_strdup0((const char *)sqlite3_column_text(st, 6));
			m->org = vt_strdup0((const char *)sqlite3_column_text(st, 7));
			m->vendor = vt_strdup0((const char *)sqlite3_column_text(st, 8));
			m->date = (time_t)sqlite3_column_int64(st, 9);
			if (!m->message_id || !m->thread || !m->from || !m->subject || !m->org) {
				rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
				break;
			}
		}
		if (!add_reason(m, st))
			rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
	}
	sqlite3_reset(st);
	if (rc == VT_OK && step != SQLITE_DONE)
		rc = vt_sql_fail(s, err, step, "read suspicious mail");
	if (rc != VT_OK)
		vt_suspect_list_clear(out);
	return rc;
}

vt_status
vt_check_list(struct vt_store *s, const char *slug, struct vt_suspect_list *out,
	      struct vt_error *err)
{
	int64_t id = 0;
	vt_status rc;

	memset(out, 0, sizeof *out);
	if (slug != NULL && (rc = vt_vendor_find(s, slug, &id, err)) != VT_OK)
		return vt_as_not_found(rc, err);
	return read_list(s, id ? vendor_rows : all_rows, id, NULL, out, err);
}

vt_status
vt_check_thread(struct vt_store *s, const char *thread_id, struct vt_suspect_list *out,
		struct vt_error *err)
{
	if (strncmp(thread_id, "thread:", 7) == 0)
		thread_id += 7;
	return read_list(s, thread_rows, 0, thread_id, out, err);
}

void
vt_suspect_list_clear(struct vt_suspect_list *list)
{
	for (size_t i = 0; i < list->count; i++) {
		struct vt_suspect *m = &list->items[i];

		for (size_t j = 0; j < m->n_reasons; j++) {
			free(m->reasons[j].text);
			free(m->reasons[j].like_org);
		}
		free(m->reasons);
		free(m->message_id);
		free(m->thread);
		free(m->from);
		free(m->subject);
		free(m->org);
		free(m->vendor);
	}
	free(list->items);
	memset(list, 0, sizeof *list);
}

vt_status
vt_vendor_lookalike(struct vt_store *s, int64_t vendor_id, bool *is_lookalike, char *why,
		    size_t why_len, struct vt_error *err)
{
	sqlite3_stmt *st = vt_sql_prepare(
		s,
		"SELECT l.text FROM lookalikes l"
		" JOIN vendor_domains d ON d.domain = l.org WHERE d.vendor_id = ? ORDER BY l.org"
		" LIMIT 1",
		err);
	int step;

	*is_lookalike = false;
	if (why != NULL && why_len > 0)
		why[0] = '\0';
	if (st == NULL)
		return err ? err->status : VT_ERR_DB;
	sqlite3_bind_int64(st, 1, vendor_id);
	step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		*is_lookalike = true;
		if (why != NULL && why_len > 0)
			snprintf(why, why_len, "%s", (const char *)sqlite3_column_text(st, 0));
	}
	sqlite3_reset(st);
	return step == SQLITE_ROW || step == SQLITE_DONE
		       ? VT_OK
		       : vt_sql_fail(s, err, step, "read look-alikes");
}
