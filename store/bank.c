/*
 * A vendor's bank details: what its mail gave, which of them the user can
 * count on, and the user's word that a changed one is the vendor's.
 *
 * The scam changes bank details and then repeats them: an IBAN that came
 * only in mail judged suspicious stays unverified however often it comes
 * again (store/trust.c judges so), until the user, having asked the
 * vendor by a channel of their own, accepts it here.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "private.h"

/* One row per detail of the vendor's incoming mail: kind, value, first,
 * last (when the mail came, as the bank verdicts order it), messages,
 * whether some mail giving it counts (the vendor's own, judged nothing
 * but new: a domain's first mail asking to be paid says nothing of its
 * details), when the user accepted it (0: never). */
/* clang-format off */
#define ARRIVED "coalesce(nullif(g.arrived, 0), m.date)"
static const char detail_rows[] =
	"SELECT p.kind, p.value, min(" ARRIVED "), max(" ARRIVED "), count(*),"
	"  max(NOT EXISTS (SELECT 1 FROM suspicions x WHERE x.message_id = m.message_id"
	"   AND x.reason IN ('" VT_SUSPECT_BANK "', '" VT_SUSPECT_AUTH "', '" VT_SUSPECT_NAME "')"
	"   AND x.detail NOT LIKE '" VT_FIRST_ASKS "%')),"
	"  coalesce((SELECT max(a.accepted) FROM bank_accepted a"
	"   JOIN vendor_domains ad ON ad.domain = a.org"
	"   WHERE ad.vendor_id = ?1 AND a.kind = p.kind AND a.value = p.value), 0)"
	" FROM vendor_domains d CROSS JOIN messages m ON m.org = d.domain AND m.direction = 0"
	" CROSS JOIN payment_details p ON p.message_id = m.message_id"
	" LEFT JOIN trust_signals g ON g.message_id = m.message_id"
	" WHERE d.vendor_id = ?1 AND p.kind IN ('iban', 'account')"
	" GROUP BY p.kind, p.value ORDER BY 3, p.kind, p.value";
#undef ARRIVED
/* clang-format on */

vt_status
vt_bank_list(struct vt_store *s, const char *slug, struct vt_bank_list *out, struct vt_error *err)
{
	int64_t vendor_id;
	sqlite3_stmt *st;
	vt_status rc;
	int step;

	memset(out, 0, sizeof *out);
	if ((rc = vt_as_not_found(vt_vendor_find(s, slug, &vendor_id, err), err)) != VT_OK)
		return rc;
	if ((st = vt_sql_prepare(s, detail_rows, err)) == NULL)
		return err ? err->status : VT_ERR_DB;
	sqlite3_bind_int64(st, 1, vendor_id);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct vt_bank_detail *grown =
					      realloc(out->items, (out->count + 1) * sizeof *grown),
				      *d;

		if (grown == NULL) {
			rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
			break;
		}
		out->items = grown;
		d = &grown[out->count++];
		d->kind = vt_strdup0((const char *)sqlite3_column_text(st, 0));
		d->value = vt_strdup0((const char *)sqlite3_column_text(st, 1));
		d->first = (time_t)sqlite3_column_int64(st, 2);
		d->last = (time_t)sqlite3_column_int64(st, 3);
		d->messages = (long)sqlite3_column_int64(st, 4);
		d->accepted = (time_t)sqlite3_column_int64(st, 6);
		d->state = d->accepted                 ? VT_BANK_ACCEPTED
			   : sqlite3_column_int(st, 5) ? VT_BANK_KNOWN
						       : VT_BANK_UNVERIFIED;
		if (d->kind == NULL || d->value == NULL) {
			rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
			break;
		}
	}
	sqlite3_reset(st);
	if (rc == VT_OK && step != SQLITE_DONE)
		rc = vt_sql_fail(s, err, step, "read bank details");
	if (rc != VT_OK)
		vt_bank_list_clear(out);
	return rc;
}

void
vt_bank_list_clear(struct vt_bank_list *list)
{
	for (size_t i = 0; i < list->count; i++) {
		free(list->items[i].kind);
		free(list->items[i].value);
	}
	free(list->items);
	memset(list, 0, sizeof *list);
}

const char *
vt_bank_state_name(enum vt_bank_state state)
{
	switch (state) {
	case VT_BANK_KNOWN:
		return "known";
	case VT_BANK_ACCEPTED:
		return "accepted";
	case VT_BANK_UNVERIFIED:
		break;
	}
	return "unverified";
}

/* The detail as the index records it: an IBAN as the mail's are read
 * (in groups, parted by slashes, in fullwidth digits: pasted from the
 * mail), else no spaces, capitals. */
static void
detail_normalise(const char *in, char *out, size_t len)
{
	struct mail_payment_facts read;
	size_t n = 0;

	mail_payment_scan(in, strlen(in), &read);
	for (size_t i = 0; i < read.n_details; i++)
		if (read.details[i].kind == MAIL_PAY_IBAN) {
			snprintf(out, len, "%s", read.details[i].value);
			return;
		}
	for (; *in && n + 1 < len; in++)
		if (!isspace((unsigned char)*in) && *in != '-')
			out[n++] = (char)toupper((unsigned char)*in);
	out[n] = '\0';
}

vt_status
vt_bank_accept(struct vt_store *s, const char *slug, const char *detail, struct vt_action *out,
	       struct vt_error *err)
{
	struct vt_bank_list list;
	const struct vt_bank_detail *d = NULL;
	struct vt_vendor v;
	char value[128], summary[sizeof out->summary - 64] = "";
	char *orgs = NULL;
	vt_status rc;

	memset(out, 0, sizeof *out);
	detail_normalise(detail, value, sizeof value);
	if ((rc = vt_vendor_get_brief(s, slug, &v, err)) != VT_OK)
		return rc;
	/* read and written under one write lock: another vtriage's index
	 * run may judge meanwhile */
	if ((rc = vt_store_begin(s, err)) != VT_OK) {
		vt_vendor_clear(&v);
		return rc;
	}
	rc = vt_bank_list(s, v.slug, &list, err);
	for (size_t i = 0; rc == VT_OK && d == NULL && i < list.count; i++)
		if (strcmp(list.items[i].value, value) == 0)
			d = &list.items[i];
	if (rc == VT_OK && d == NULL)
		rc = vt_fail(
			err, VT_ERR_NOT_FOUND,
			"%s's mail never gave the bank details %s (see `vtriage vendor bank %s`)",
			v.slug, value, v.slug);
	if (rc == VT_OK && d->state == VT_BANK_ACCEPTED) {
		vt_store_rollback(s);
		snprintf(out->summary, sizeof out->summary, "%s %s of %s is accepted already",
			 d->kind, value, v.slug);
		vt_bank_list_clear(&list);
		vt_vendor_clear(&v);
		return VT_OK;
	}
	/* by every domain of the vendor's whose mail gave it; the journal
	 * names them, for the undo to take the same rows away */
	if (rc == VT_OK)
		rc = vt_sql_run(s,
				"INSERT OR IGNORE INTO bank_accepted (org, kind, value, accepted)"
				" SELECT DISTINCT m.org, ?2, ?3, strftime('%s', 'now')"
				" FROM vendor_domains d"
				" CROSS JOIN messages m ON m.org = d.domain AND m.direction = 0"
				" CROSS JOIN payment_details p ON p.message_id = m.message_id"
				" WHERE d.vendor_id = ?1 AND p.kind = ?2 AND p.value = ?3",
				"accept bank details", err, "itt", v.id, d->kind, value);
	if (rc == VT_OK) {
		sqlite3_stmt *st =
			vt_sql_prepare(s,
				       "SELECT group_concat(a.org, char(10)) FROM bank_accepted a"
				       " JOIN vendor_domains d ON d.domain = a.org"
				       " WHERE d.vendor_id = ? AND a.kind = ? AND a.value = ?",
				       err);

		if (st == NULL) {
			rc = err ? err->status : VT_ERR_DB;
		} else {
			sqlite3_bind_int64(st, 1, v.id);
			sqlite3_bind_text(st, 2, d->kind, -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 3, value, -1, SQLITE_STATIC);
			const char *got = sqlite3_step(st) == SQLITE_ROW
						  ? (const char *)sqlite3_column_text(st, 0)
						  : NULL;

			if ((orgs = strdup(got ? got : "")) == NULL)
				rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
			sqlite3_reset(st);
		}
	}
	if (rc == VT_OK) {
		snprintf(summary, sizeof summary, "accepted %s %s as %s's", d->kind, value, v.name);
		rc = vt_journal_add(s, "bank-accepted", v.id, value, d->kind, orgs, summary, err);
	}
	if (rc == VT_OK)
		rc = vt_trust_judge_money(s, err);
	rc = vt_action_end(s, rc, summary, out, err);
	free(orgs);
	vt_bank_list_clear(&list);
	vt_vendor_clear(&v);
	return rc;
}

vt_status
vt_bank_unaccept(struct vt_store *s, const char *kind, const char *value, const char *orgs,
		 struct vt_error *err)
{
	/* orgs: one a line */
	vt_status rc = vt_sql_run(
		s,
		"DELETE FROM bank_accepted WHERE kind = ?1 AND value = ?2"
		" AND instr(char(10) || ?3 || char(10), char(10) || org || char(10)) > 0",
		"undo", err, "ttt", kind, value, orgs);

	return rc == VT_OK ? vt_trust_judge_money(s, err) : rc;
}
