/*
 * Indexing, store side: each message the index adds or re-attributes is
 * mirrored into sqlite (its organisation, kind, date and the addresses
 * seen on it), new organisations become vendors in the generic bucket,
 * and a crash between the two databases heals on the next run.
 */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "private.h"

enum sighting_field { SIGHT_FROM = 0, SIGHT_TO = 1, SIGHT_CC = 2 };

struct index_run {
	struct vt_store *s;
	const struct vt_config *cfg;
	const struct vt_index_ui *ui;
	unsigned vendors_new;
	int64_t started; /* when the run began: its new vendors' age */
};

static bool
is_own(const struct vt_config *cfg, const char *address, const char *org)
{
	size_t i;

	for (i = 0; i < cfg->n_addresses; i++)
		if (strcmp(cfg->addresses[i], address) == 0)
			return true;
	for (i = 0; i < cfg->n_own_domains; i++)
		if (strcmp(cfg->own_domains[i], org) == 0)
			return true;
	return false;
}

/* The people one message can add to the contacts: a real Cc line names a
 * few dozen at most, and one mail with 20,000 addresses must not make
 * 20,000 contacts (nor write as many rows). */
#define SIGHTINGS_PER_MESSAGE 50

/* *budget: how many more this message may record. */
static vt_status
record_sightings(struct index_run *r, const struct mail_message_info *info,
		 enum sighting_field field, const struct mail_address *items, size_t n,
		 size_t *budget, struct vt_error *err)
{
	sqlite3_stmt *st;
	char org[MAIL_DOMAIN_MAX];
	int rc;

	for (size_t i = 0; i<n && * budget> 0; i++) {
		const struct mail_address *a = &items[i];

		/* Contacts are people at organisations: not the user, not
		 * their colleagues, not webmail users. */
		if (a->address == NULL || !mail_org_domain(a->address, org, sizeof org) ||
		    is_own(r->cfg, a->address, org) || mail_org_is_personal(org))
			continue;
		st = vt_sql_prepare(
			r->s,
			/* an update, not a replacement: the
				     * counts' triggers (store/db.c) see a
				     * sighting met again as one */
			"INSERT INTO sightings (message_id, address, field, name, org, date)"
			" VALUES (?, ?, ?, ?, ?, ?)"
			" ON CONFLICT (message_id, address, field) DO UPDATE"
			" SET name = excluded.name, org = excluded.org, date = excluded.date"
			" WHERE name <> excluded.name OR org <> excluded.org"
			" OR date <> excluded.date",
			err);
		if (st == NULL)
			return err ? err->status : VT_ERR_DB;
		sqlite3_bind_text(st, 1, info->message_id, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, a->address, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 3, field);
		sqlite3_bind_text(st, 4, a->name ? a->name : "", -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 5, org, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 6, (sqlite3_int64)info->date);
		rc = sqlite3_step(st);
		sqlite3_reset(st);
		if (rc != SQLITE_DONE)
			return vt_sql_fail(r->s, err, rc, "record contact");
		(*budget)--;
	}
	return VT_OK;
}

static vt_status
record_signature(struct index_run *r, const struct mail_message_info *info, struct vt_error *err)
{
	const struct mail_signature *sig = &info->signature;
	char phones[MAIL_SIGNATURE_PHONES * 48 + 8] = "";
	char org[MAIL_DOMAIN_MAX];

	if (!info->has_signature || !mail_org_domain(info->from.address, org, sizeof org))
		return VT_OK;
	for (size_t i = 0; i < sig->n_phones; i++) {
		if (i)
			strcat(phones, "\n");
		strcat(phones, sig->phones[i]);
	}
	return vt_sql_run(
		r->s,
		"INSERT OR REPLACE INTO signatures (message_id, address, org, name, title,"
		" phones, manager, date) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
		"record signature", err, "ttttttti", info->message_id, info->from.address, org,
		sig->name, sig->title, phones, sig->manager, (int64_t)info->date);
}

/* Threads that gained mail this run: their older messages' thread ids
 * may have changed (notmuch merges threads when a missing link arrives),
 * and their waiting state is written again (update_waiting). */
static vt_status
touch_thread(struct vt_store *s, const char *thread_id, struct vt_error *err)
{
	return vt_sql_run(s, "INSERT OR IGNORE INTO temp.touched VALUES (?)", "record thread", err,
			  "t", thread_id);
}

/*
 * Who wrote last in each touched conversation with a vendor, kept in
 * thread_state and, where it changed, as the property MAIL_PROP_WAITING
 * on the thread's messages: waiting:vendor is then one term, whatever
 * the number of threads waiting. Of mail in the same second the user's
 * is taken as the answer. A thread the user started and the vendor
 * never answered waits on the vendor too (it waited on nobody: the
 * request never answered is the one to chase), and so does one the
 * vendor's out-of-office assistant answered.
 */
static const char thread_states[] =
	"SELECT t.thread, CASE"
	"  WHEN NOT EXISTS (SELECT 1 FROM messages y WHERE y.thread = t.thread AND y.kind = 1"
	"   AND y.direction = 1) THEN 0"
	"  WHEN (SELECT max(m.direction) FROM messages m WHERE m.thread = t.thread AND m.kind = 1"
	"   AND m.auto_reply = 0 AND m.date = (SELECT max(x.date) FROM messages x"
	"   WHERE x.thread = t.thread AND x.kind = 1 AND x.auto_reply = 0)) = 1 THEN 1 ELSE 2 END,"
	"  coalesce((SELECT waiting FROM thread_state s WHERE s.thread = t.thread), -1)"
	" FROM temp.touched t";

static vt_status
update_waiting(struct vt_store *s, struct mail_db *db, struct vt_error *err)
{
	static const char *const values[] = { NULL, "vendor", "me" };
	struct change {
		char *thread;
		int state;
	} *changes = NULL;
	size_t n = 0;
	sqlite3_stmt *st = vt_sql_prepare(s, thread_states, err);
	vt_status rc = VT_OK;
	int step;

	if (st == NULL)
		return err ? err->status : VT_ERR_DB;
	/* A message (re)written lost its waiting property: a touched thread's
	 * state must be written again, changed or not. */
	if ((rc = vt_sql_exec(
		     s,
		     "DELETE FROM thread_state WHERE thread IN (SELECT thread FROM temp.touched)",
		     err)) != VT_OK)
		return rc;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		int state = sqlite3_column_int(st, 1), before = sqlite3_column_int(st, 2);
		struct change *grown;

		/* no row and nobody waiting: nothing was ever written */
		if (state == before || (before == -1 && state == 0))
			continue;
		grown = realloc(changes, (n + 1) * sizeof *grown);
		if (grown == NULL) {
			rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
			break;
		}
		changes = grown;
		changes[n].state = state;
		if ((changes[n].thread = strdup((const char *)sqlite3_column_text(st, 0))) ==
		    NULL) {
			rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
			break;
		}
		n++;
	}
	sqlite3_reset(st);
	if (rc == VT_OK && step != SQLITE_DONE && step != SQLITE_ROW)
		rc = vt_sql_fail(s, err, step, "thread states");
	if (rc == VT_OK && (rc = vt_store_begin(s, err)) == VT_OK) {
		for (size_t i = 0; rc == VT_OK && i < n; i++) {
			char *query = NULL;

			if (asprintf(&query, "thread:%s", changes[i].thread) < 0)
				rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
			else
				rc = mail_set_property(db, query, MAIL_PROP_WAITING,
						       values[changes[i].state], err);
			free(query);
			if (rc == VT_OK)
				rc = vt_sql_run(
					s,
					"INSERT OR REPLACE INTO thread_state (thread, waiting)"
					" VALUES (?, ?)",
					"thread state", err, "ti", changes[i].thread,
					(int64_t)changes[i].state);
		}
		/* thread ids merged away */
		if (rc == VT_OK && n > 0)
			rc = vt_sql_exec(s,
					 "DELETE FROM thread_state WHERE NOT EXISTS (SELECT 1 FROM"
					 " messages m WHERE m.thread = thread_state.thread)",
					 err);
		if (rc == VT_OK)
			rc = vt_store_commit(s, err);
		else
			vt_store_rollback(s);
	}
	for (size_t i = 0; i < n; i++)
		free(changes[i].thread);
	free(changes);
	return rc;
}

static vt_status
set_thread(void *ctx, const char *id, const char *thread_id, struct vt_error *err)
{
	struct vt_store *s = ctx;
	sqlite3_stmt *st = vt_sql_prepare(
		s, "UPDATE messages SET thread = ?2 WHERE message_id = ?1 AND thread <> ?2", err);
	int rc;

	if (st == NULL)
		return err ? err->status : VT_ERR_DB;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, thread_id, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? VT_OK : vt_sql_fail(s, err, rc, "update thread");
}

/* Past this many grown threads one pass over the whole index is
 * cheaper than a query per group of threads. */
#define THREAD_REFRESH_ALL 2000

/*
 * Threads that gained mail this run may have absorbed others (notmuch
 * merges threads when a missing link arrives), and the store still gives
 * the absorbed messages their old thread. A merge moves every message of
 * a thread, so the index's messages of a thread are a superset of those
 * the store gives it, or none at all: a thread with as many messages in
 * the index as in the store took nobody in. Only threads that grew are
 * read message by message; counting is a posting-list length, reading a
 * message loads its whole term list.
 */
static vt_status
refresh_threads(struct vt_store *s, struct mail_db *db, struct vt_error *err)
{
	sqlite3_stmt *st;
	char **threads = NULL;
	size_t n = 0, cap = 0;
	vt_status rc = VT_OK;
	int step;

	st = vt_sql_prepare(
		s,
		"SELECT t.thread, (SELECT count(*) FROM messages m WHERE m.thread = t.thread)"
		" FROM temp.touched t",
		err);
	if (st == NULL)
		return err ? err->status : VT_ERR_DB;
	while (rc == VT_OK && (step = sqlite3_step(st)) == SQLITE_ROW && n <= THREAD_REFRESH_ALL) {
		const char *thread = (const char *)sqlite3_column_text(st, 0);
		unsigned long in_store = (unsigned long)sqlite3_column_int64(st, 1), in_index = 0;
		char *query = NULL;

		if (asprintf(&query, "thread:%s", thread) < 0) {
			rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
			break;
		}
		rc = mail_count(db, query, false, &in_index, err);
		free(query);
		if (rc != VT_OK || in_index <= in_store)
			continue;
		if (n == cap) {
			char **grown = realloc(threads, (cap = cap ? cap * 2 : 64) * sizeof *grown);

			if (grown == NULL) {
				rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
				break;
			}
			threads = grown;
		}
		if ((threads[n] = strdup(thread)) == NULL)
			rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
		else
			n++;
	}
	sqlite3_reset(st);
	if (rc == VT_OK && n > 0 && (rc = vt_store_begin(s, err)) == VT_OK) {
		if (n > THREAD_REFRESH_ALL) {
			rc = mail_for_each_message(db, "*", set_thread, s, err);
		} else {
			for (size_t i = 0; rc == VT_OK && i < n; i += 100) {
				char *query = NULL, *grown;

				for (size_t j = i; j < n && j < i + 100; j++) {
					if (asprintf(&grown, "%s%sthread:%s", query ? query : "",
						     query ? " OR " : "", threads[j]) < 0) {
						rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
						break;
					}
					free(query);
					query = grown;
				}
				if (rc == VT_OK)
					rc = mail_for_each_message(db, query, set_thread, s, err);
				free(query);
			}
		}
		if (rc == VT_OK)
			rc = vt_store_commit(s, err);
		else
			vt_store_rollback(s);
	}
	for (size_t i = 0; i < n; i++)
		free(threads[i]);
	free(threads);
	if (rc == VT_OK)
		rc = update_waiting(s, db, err);
	if (rc == VT_OK)
		rc = vt_sql_exec(s, "DELETE FROM temp.touched", err);
	return rc;
}

/* follow_thread as mail_index_changes_since's callback */
struct moved {
	struct vt_store *s;
	struct vt_error *err;
	vt_status rc;
};

/* A message followed to its thread in the store, the threads it left
 * and joined touched (their waiting state is written again). */
static vt_status
follow_thread(void *ctx, const char *id, const char *thread_id, struct vt_error *err)
{
	struct vt_store *s = ctx;
	sqlite3_stmt *st =
		vt_sql_prepare(s, "SELECT thread FROM messages WHERE message_id = ?", err);
	char *was = NULL;
	vt_status rc = VT_OK;

	if (st == NULL)
		return err ? err->status : VT_ERR_DB;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW &&
	    strcmp((const char *)sqlite3_column_text(st, 0), thread_id) != 0 &&
	    (was = strdup((const char *)sqlite3_column_text(st, 0))) == NULL)
		rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
	sqlite3_reset(st);
	if (rc == VT_OK && was != NULL && (rc = set_thread(s, id, thread_id, err)) == VT_OK &&
	    (*was == '\0' || (rc = touch_thread(s, was, err)) == VT_OK))
		rc = touch_thread(s, thread_id, err);
	free(was);
	return rc;
}

static bool
follow_changed(void *ctx, const char *id, const char *thread_id)
{
	struct moved *m = ctx;

	return (m->rc = follow_thread(m->s, id, thread_id, m->err)) == VT_OK;
}

/*
 * Another program's writes, or a run that died, may have moved messages
 * between threads with no message of this run's in either (notmuch new
 * indexing a reply that joins two threads, then its file deleted; a
 * notmuch reindex; a merge the dead run made after its last hook): a
 * moved message is written again, so every message changed since the
 * last completed run's token, up to the revision this run began at
 * (what it wrote since went through its hooks), is followed to its
 * thread. Without a token of this database (a first index that died; a
 * `notmuch compact` since, a new uuid) every message is.
 */
static vt_status
follow_moved_threads(struct vt_store *s, struct mail_db *db, const char *since, unsigned long upto,
		     struct vt_error *err)
{
	struct moved m = { .s = s, .err = err, .rc = VT_OK };
	bool all = false;
	vt_status rc = vt_store_begin(s, err);

	if (rc != VT_OK)
		return rc;
	if (since != NULL && mail_index_token_same_database(db, since)) {
		rc = mail_index_changes_since(db, since, upto, LONG_MAX, follow_changed, &m, &all,
					      err);
		if (rc == VT_OK)
			rc = m.rc;
	} else {
		rc = mail_for_each_message(db, "*", follow_thread, s, err);
	}
	if (rc == VT_OK)
		return vt_store_commit(s, err);
	vt_store_rollback(s);
	return rc;
}

static vt_status
forget_message(struct vt_store *s, const char *id, struct vt_error *err)
{
	/* what it told (sightings, signatures, trust facts) cascades; of
	 * its contract dates, those the user decided stay (the verdict holds
	 * for every mail naming the date) */
	vt_status rc =
		vt_sql_run(s, "DELETE FROM contract_suggestions WHERE message_id = ? AND state = 0",
			   "forget message", err, "t", id);

	if (rc != VT_OK)
		return rc;
	return vt_sql_run(s, "DELETE FROM messages WHERE message_id = ?", "forget message", err,
			  "t", id);
}

static vt_status
on_message(void *ctx, const struct mail_message_info *info, struct vt_error *err)
{
	struct index_run *r = ctx;
	const struct mail_attribution *a = &info->attribution;
	sqlite3_stmt *st;
	int64_t vendor_id;
	size_t budget = SIGHTINGS_PER_MESSAGE;
	bool created, replaced = false;
	int rc;
	vt_status vs;

	st = vt_sql_prepare(
		r->s,
		"INSERT INTO messages (message_id, org, kind, direction, date, from_addr,"
		" thread, subject, authserv, auto_reply, pdf_note)"
		" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
		" ON CONFLICT (message_id) DO NOTHING",
		err);
	if (st == NULL)
		return err ? err->status : VT_ERR_DB;
again:
	sqlite3_bind_text(st, 1, info->message_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, a->org, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, (int)a->kind);
	sqlite3_bind_int(st, 4, (int)a->direction);
	sqlite3_bind_int64(st, 5, (sqlite3_int64)info->date);
	sqlite3_bind_text(st, 6, info->from.address ? info->from.address : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, info->thread_id ? info->thread_id : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, info->subject ? info->subject : "", -1, SQLITE_STATIC);
	/* the topmost Authentication-Results' server: the user's own, most
	 * likely (vt_trust_authserv learns it from these) */
	sqlite3_bind_text(st, 9,
			  a->direction == MAIL_DIR_IN && info->trust.n_auth > 0
				  ? info->trust.auth[0].authserv_id
				  : "",
			  -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 10, info->auto_reply && a->direction == MAIL_DIR_IN);
	sqlite3_bind_text(st, 11, info->document.note, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return vt_sql_fail(r->s, err, rc, "record message");
	/* Known already (a new attribution, or a re-run after a crash):
	 * replace its rows, so that one row per message and none of the old
	 * attribution's contacts remain. A message without a row has no
	 * contacts either, so new mail pays one statement. */
	if (sqlite3_changes(r->s->db) == 0) {
		if (replaced)
			return vt_fail(err, VT_ERR_DB, "record message: %s stays in the way",
				       info->message_id);
		if ((vs = forget_message(r->s, info->message_id, err)) != VT_OK)
			return vs;
		replaced = true;
		goto again;
	}
	if (info->thread_id != NULL && (vs = touch_thread(r->s, info->thread_id, err)) != VT_OK)
		return vs;
	/* the next run reads what this one left, even if it is killed: the
	 * mark goes with the message, in its batch */
	if (strcmp(info->document.note, "PDF not read: " MAIL_PDF_DEFERRED) == 0 &&
	    (vs = vt_meta_set(r->s, "pdf_deferred", "1", err)) != VT_OK)
		return vs;
	if ((vs = vt_trust_record(r->s, info, err)) != VT_OK ||
	    (vs = vt_document_record(r->s, info, err)) != VT_OK ||
	    (vs = vt_contract_record(r->s, info, err)) != VT_OK)
		return vs;
	if (a->kind != MAIL_KIND_VENDOR)
		return VT_OK;
	if ((vs = vt_vendor_for_org(r->s, a->org, r->started, &vendor_id, &created, err)) != VT_OK)
		return vs;
	if (created)
		r->vendors_new++;
	if (info->from.address != NULL &&
	    (vs = record_sightings(r, info, SIGHT_FROM, &info->from, 1, &budget, err)) != VT_OK)
		return vs;
	/* What the user wrote names the vendor's people in To, first. */
	if (a->direction == MAIL_DIR_OUT &&
	    (vs = record_sightings(r, info, SIGHT_TO, info->to.items, info->to.count, &budget,
				   err)) != VT_OK)
		return vs;
	if ((vs = record_sightings(r, info, SIGHT_CC, info->cc.items, info->cc.count, &budget,
				   err)) != VT_OK)
		return vs;
	if (a->direction != MAIL_DIR_OUT && info->from.address != NULL)
		vs = record_signature(r, info, err);
	return vs;
}

static void
on_judge(void *ctx, const struct mail_message_info *info, char *out, size_t len)
{
	(void)ctx;
	vt_trust_message_reasons(info, out, len);
}

static vt_status
on_removed(void *ctx, const char *message_id, struct vt_error *err)
{
	struct index_run *r = ctx;

	return forget_message(r->s, message_id, err);
}

static vt_status
on_batch_begin(void *ctx, struct vt_error *err)
{
	struct index_run *r = ctx;

	return vt_store_begin(r->s, err);
}

static vt_status
on_batch_end(void *ctx, struct vt_error *err)
{
	struct index_run *r = ctx;

	return vt_store_commit(r->s, err);
}

static void
on_warning(void *ctx, const char *path, const char *why)
{
	struct index_run *r = ctx;

	if (r->ui && r->ui->warning)
		r->ui->warning(r->ui->ctx, path, why);
}

static void
on_progress(void *ctx, const struct mail_index_stats *stats)
{
	struct index_run *r = ctx;

	if (r->ui && r->ui->progress)
		r->ui->progress(r->ui->ctx, stats);
}

/* ---- identity changes ---- */

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * A canonical text of everything attribution depends on beyond the mail:
 * one "list:item" line per address or domain, sorted, so that two
 * fingerprints can be compared item by item.
 */
static char *
identity_fingerprint(const struct vt_config *cfg)
{
	char *const *lists[] = { cfg->addresses, cfg->own_domains, cfg->personal_domains };
	const size_t counts[] = { cfg->n_addresses, cfg->n_own_domains, cfg->n_personal_domains };
	size_t len = 2, n = 0, i, j;
	char *out, **lines;

	for (i = 0; i < 3; i++)
		for (j = 0; j < counts[i]; j++)
			len += strlen(lists[i][j]) + 4;
	out = calloc(1, len);
	lines = calloc(counts[0] + counts[1] + counts[2] + 1, sizeof *lines);
	if (out == NULL || lines == NULL)
		goto fail;
	for (i = 0; i < 3; i++)
		for (j = 0; j < counts[i]; j++)
			if (asprintf(&lines[n++], "%zu:%s", i, lists[i][j]) < 0) {
				lines[--n] = NULL;
				goto fail;
			}
	qsort(lines, n, sizeof *lines, cmp_str);
	strcpy(out, "\n");
	for (i = 0; i < n; i++) {
		strcat(out, lines[i]);
		strcat(out, "\n");
	}
	for (i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
	return out;
fail:
	for (i = 0; lines && i < n; i++)
		free(lines[i]);
	free(lines);
	free(out);
	return NULL;
}

/*
 * Adds "from:X OR to:X" terms for each item of fingerprint `from` that
 * fingerprint `other` lacks: mail from or to an unchanged address cannot
 * change hands.
 */
static void
add_changed_terms(char **query, const char *from, const char *other)
{
	char *copy = strdup(from), *tok, *save = NULL;

	if (copy == NULL)
		return;
	for (tok = strtok_r(copy, "\n", &save); tok; tok = strtok_r(NULL, "\n", &save)) {
		char *needle = NULL, *quoted, *grown = NULL, *item = strchr(tok, ':');
		bool unchanged;

		if (item == NULL || asprintf(&needle, "\n%s\n", tok) < 0)
			continue;
		unchanged = other != NULL && strstr(other, needle) != NULL;
		free(needle);
		if (unchanged || item[1] == '\0' || (quoted = mail_query_quote(item + 1)) == NULL)
			continue;
		if (asprintf(&grown, "%s%sfrom:%s OR to:%s", *query ? *query : "",
			     *query ? " OR " : "", quoted, quoted) >= 0) {
			free(*query);
			*query = grown;
		}
		free(quoted);
	}
	free(copy);
}

static vt_status
reattribute_identity_changes(struct index_run *r, struct mail_db *db,
			     const struct mail_index_options *opts,
			     const struct mail_index_hooks *hooks, struct vt_index_report *report,
			     struct vt_error *err)
{
	char *now = identity_fingerprint(r->cfg), *before = vt_meta_get(r->s, "identity");
	char *query = NULL;
	unsigned count = 0;
	vt_status rc = VT_OK;

	if (now == NULL) {
		free(before);
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	}
	if (before != NULL && strcmp(before, now) != 0) {
		/* Only mail from or to what changed can change hands. */
		add_changed_terms(&query, before, now);
		add_changed_terms(&query, now, before);
		if (query != NULL)
			rc = mail_reattribute(db, query, opts, hooks, &count, err);
		report->mail.attributed += count;
	}
	if (rc == VT_OK && (before == NULL || strcmp(before, now) != 0))
		rc = vt_meta_set(r->s, "identity", now, err);
	free(query);
	free(now);
	free(before);
	return rc;
}

/* ---- mail attributed again ---- */

/* The mail whose ids st selects (reset here) attributed again, in
 * queries of a few hundred ids; the ids are read whole first, so that
 * no statement stays open across the attribution's writes. */
static vt_status
reattribute_selected(sqlite3_stmt *st, struct mail_db *db, const struct mail_index_options *opts,
		     const struct mail_index_hooks *hooks, unsigned *count, struct vt_error *err)
{
	char **ids = NULL, *query = NULL;
	size_t n_ids = 0;
	vt_status rc = VT_OK;

	*count = 0;
	while (rc == VT_OK && sqlite3_step(st) == SQLITE_ROW) {
		char **grown = realloc(ids, (n_ids + 1) * sizeof *grown);

		if (grown == NULL || (grown[n_ids] = mail_query_quote(
					      (const char *)sqlite3_column_text(st, 0))) == NULL)
			rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
		if (grown != NULL)
			ids = grown;
		if (rc == VT_OK)
			n_ids++;
	}
	sqlite3_reset(st);
	for (size_t i = 0; rc == VT_OK && i < n_ids; i++) {
		char *grown = NULL;

		if (asprintf(&grown, "%s%sid:%s", query ? query : "", query ? " OR " : "", ids[i]) <
		    0)
			rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
		free(query);
		query = grown;
		if (rc == VT_OK && ((i + 1) % 200 == 0 || i + 1 == n_ids)) {
			unsigned done = 0;

			rc = mail_reattribute(db, query, opts, hooks, &done, err);
			*count += done;
			free(query);
			query = NULL;
		}
	}
	for (size_t i = 0; i < n_ids; i++)
		free(ids[i]);
	free(ids);
	free(query);
	return rc;
}

/* The messages st selects (prepared and bound; NULL: it failed) read
 * again, counted with the run's. */
static vt_status
reread_selected(sqlite3_stmt *st, struct mail_db *db, const struct mail_index_options *opts,
		const struct mail_index_hooks *hooks, struct vt_index_report *report,
		struct vt_error *err)
{
	unsigned count = 0;
	vt_status rc = st == NULL ? (err ? err->status : VT_ERR_DB)
				  : reattribute_selected(st, db, opts, hooks, &count, err);

	report->mail.attributed += count;
	return rc;
}

/*
 * A PDF that timed out or ran out of memory under [pdf] timeout and
 * memory_mb is read again once either is raised: the mail that notes a
 * PDF not read is attributed again, which makes its document anew; the
 * PDF cache answers for those that failed otherwise (encrypted, scanned)
 * and reads again those that failed under lower limits (mail/pdf.c,
 * which alone knows which failures a limit causes).
 */
static vt_status
reread_pdfs_under_raised_limits(struct index_run *r, struct mail_db *db,
				const struct mail_index_options *opts,
				const struct mail_index_hooks *hooks,
				struct vt_index_report *report, struct vt_error *err)
{
	char now[48], *before = vt_meta_get(r->s, "pdf_limits");
	long seconds = 0, mb = 0;
	sqlite3_stmt *st;
	vt_status rc = VT_OK;

	snprintf(now, sizeof now, "%ld %ld", r->cfg->pdf_timeout, r->cfg->pdf_memory_mb);
	if (r->cfg->pdf_read && before != NULL && sscanf(before, "%ld %ld", &seconds, &mb) == 2 &&
	    (r->cfg->pdf_timeout > seconds || r->cfg->pdf_memory_mb > mb)) {
		st = vt_sql_prepare(
			r->s,
			"SELECT message_id FROM messages WHERE pdf_note LIKE 'PDF not read: %'",
			err);
		rc = reread_selected(st, db, opts, hooks, report, err);
	}
	if (rc == VT_OK && (before == NULL || strcmp(before, now) != 0))
		rc = vt_meta_set(r->s, "pdf_limits", now, err);
	free(before);
	return rc;
}

/* PDFs an earlier run had no time left for ([pdf] run_seconds), read
 * now, after the run's new mail (their messages say so, and the store
 * marks that some do). */
static vt_status
reread_deferred_pdfs(struct index_run *r, struct mail_db *db, const struct mail_index_options *opts,
		     const struct mail_index_hooks *hooks, struct vt_index_report *report,
		     struct vt_error *err)
{
	char *deferred = vt_meta_get(r->s, "pdf_deferred");
	sqlite3_stmt *st;
	vt_status rc = VT_OK;

	if (deferred != NULL && r->cfg->pdf_read) {
		st = vt_sql_prepare(r->s, "SELECT message_id FROM messages WHERE pdf_note = ?",
				    err);
		if (st != NULL)
			sqlite3_bind_text(st, 1, "PDF not read: " MAIL_PDF_DEFERRED, -1,
					  SQLITE_STATIC);
		rc = reread_selected(st, db, opts, hooks, report, err);
		/* (what this run defers again, its documents say again) */
		if (rc == VT_OK && report->pdfs.deferred == 0)
			rc = vt_sql_run(r->s, "DELETE FROM meta WHERE key = 'pdf_deferred'",
					"record deferred PDFs", err, "");
	}
	free(deferred);
	return rc;
}

/* Mail an older vtriage read less of, read again once, each selection
 * by the revision that began reading more of it. Bump REREAD_REV, add
 * the selection, and a migration giving a store made new the revision
 * (it has nothing to read again). */
static const struct {
	const char *rev;
	const char *select;
} rereads[] = {
	/* list mail from a vendor's domain: its payment details are read
	 * since schema 19 when no server authenticated it (a forged List-Id
	 * took a forgery out of every check), and since revision 3 all of
	 * it that may give bank details (Authentication-Results passing
	 * under a stranger's server are the sender's to write too) */
	{ "3", "SELECT m.message_id FROM vendor_domains d"
	       " CROSS JOIN messages m ON m.org = d.domain"
	       " WHERE m.kind = 3 AND m.direction = 0" },
	/* quotes and bills: since revision 4 their totals skip a smaller
	 * "total" after them and a late fee, dollars are told apart, a
	 * reference of their own kind comes first, a newsletter's word is
	 * no document, and one forwarded as an attached message is read
	 * whole; what the readers before made of them stood till then */
	{ "4", "SELECT message_id FROM documents" },
	/* vendor mail in a conversation the user wrote in: since revision
	 * 5 a helpdesk's receipt of the user's request is no answer to it
	 * (mail/receipt.c) */
	{ "5", "SELECT m.message_id FROM messages m"
	       " WHERE m.kind = 1 AND m.direction = 0 AND m.auto_reply = 0 AND EXISTS"
	       " (SELECT 1 FROM messages y WHERE y.thread = m.thread AND y.direction = 1)" },
	/* the newest ten of each vendor domain's mail a server judged:
	 * since revision 6 what its server found is kept when it passed
	 * too, and whether a domain's mail passes is what its later mail
	 * is judged by (all of it: a first index's worth) */
	{ "6", "SELECT message_id FROM (SELECT message_id, row_number() OVER"
	       " (PARTITION BY org ORDER BY date DESC) AS newest FROM messages"
	       " WHERE authserv <> '' AND direction = 0 AND kind = 1) WHERE newest <= 10" },
};
#define REREAD_REV "6"

static vt_status
reread_once(struct index_run *r, struct mail_db *db, const struct mail_index_options *opts,
	    const struct mail_index_hooks *hooks, struct vt_index_report *report,
	    struct vt_error *err)
{
	char *done = vt_meta_get(r->s, "reread");
	/* (stores record the revision they were made at, "0" when an older
	 * vtriage made them) */
	long was = done != NULL ? strtol(done, NULL, 10) : 0;
	vt_status rc = VT_OK;

	free(done);
	if (was >= strtol(REREAD_REV, NULL, 10))
		return VT_OK;
	for (size_t i = 0; rc == VT_OK && i < sizeof rereads / sizeof rereads[0]; i++)
		if (strtol(rereads[i].rev, NULL, 10) > was)
			rc = reread_selected(vt_sql_prepare(r->s, rereads[i].select, err), db, opts,
					     hooks, report, err);
	if (rc == VT_OK)
		rc = vt_meta_set(r->s, "reread", REREAD_REV, err);
	return rc;
}

/* ---- healing after a crash ---- */

static vt_status
mark_present(void *ctx, const char *id, const char *thread_id, struct vt_error *err)
{
	struct vt_store *s = ctx;
	sqlite3_stmt *st = vt_sql_prepare(s, "INSERT OR IGNORE INTO temp.present VALUES (?)", err);
	int rc;

	(void)thread_id;
	if (st == NULL)
		return err ? err->status : VT_ERR_DB;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? VT_OK : vt_sql_fail(s, err, rc, "reconcile");
}

/*
 * The store commits a batch beside the index (on the hooks' thread), so
 * after a crash either may hold messages the other lost (files gone
 * since, or mail indexed whose rows were not yet written), and a notmuch
 * run by someone else may have added or dropped mail
 * behind our back. After a run that did not finish (the "index_dirty"
 * mark) we compare the two sets of ids; otherwise counts tell whether
 * someone else changed the index. Counting reads every message: vt_index
 * skips it when the index is as our last run left it (the
 * "index_token" mark, mail_index_token()).
 */
static vt_status
reconcile(struct index_run *r, struct mail_db *db, bool after_crash,
	  const struct mail_index_options *opts, const struct mail_index_hooks *hooks,
	  struct vt_index_report *report, struct vt_error *err)
{
	unsigned long in_index = 0;
	sqlite3_stmt *st;
	long in_store = 0;
	unsigned count = 0;
	vt_status rc;

	if ((rc = mail_count(db, "*", false, &in_index, err)) != VT_OK)
		return rc;
	st = vt_sql_prepare(r->s, "SELECT count(*) FROM messages", err);
	if (st == NULL)
		return err ? err->status : VT_ERR_DB;
	if (sqlite3_step(st) == SQLITE_ROW)
		in_store = (long)sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (!after_crash && (unsigned long)in_store == in_index)
		return VT_OK;

	if ((rc = vt_sql_exec(r->s,
			      "CREATE TEMP TABLE IF NOT EXISTS present (id TEXT PRIMARY KEY);"
			      "DELETE FROM temp.present;",
			      err)) != VT_OK ||
	    (rc = vt_store_begin(r->s, err)) != VT_OK)
		return rc;
	rc = mail_for_each_message(db, "*", mark_present, r->s, err);
	if (rc == VT_OK) {
		rc = vt_sql_exec(
			r->s,
			"DELETE FROM messages WHERE message_id NOT IN (SELECT id FROM temp.present)",
			err);
		report->reconciled += (unsigned)sqlite3_changes(r->s->db);
	}
	if (rc == VT_OK)
		rc = vt_store_commit(r->s, err);
	else
		vt_store_rollback(r->s);
	if (rc != VT_OK)
		return rc;

	/* Messages in the index the store lacks: attributed again. */
	st = vt_sql_prepare(
		r->s,
		"SELECT id FROM temp.present WHERE id NOT IN (SELECT message_id FROM messages)",
		err);
	if (st == NULL)
		return err ? err->status : VT_ERR_DB;
	rc = reattribute_selected(st, db, opts, hooks, &count, err);
	report->reconciled += count;
	vt_sql_exec(r->s, "DELETE FROM temp.present", NULL);
	return rc;
}

static bool
store_is_empty(struct vt_store *s)
{
	sqlite3_stmt *st = vt_sql_prepare(s, "SELECT NOT EXISTS (SELECT 1 FROM messages)", NULL);
	bool empty = st != NULL && sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0);

	if (st != NULL)
		sqlite3_reset(st);
	return empty;
}

vt_status
vt_count_vendors_with_mail(struct vt_store *s, unsigned *out, struct vt_error *err)
{
	sqlite3_stmt *st = vt_sql_prepare(
		s,
		"SELECT count(DISTINCT d.vendor_id) FROM vendor_domains d"
		" WHERE EXISTS (SELECT 1 FROM messages m WHERE m.org = d.domain AND m.kind = 1)",
		err);

	if (st == NULL)
		return err ? err->status : VT_ERR_DB;
	*out = sqlite3_step(st) == SQLITE_ROW ? (unsigned)sqlite3_column_int(st, 0) : 0;
	sqlite3_reset(st);
	return VT_OK;
}

/*
 * A run that wrote much of the index (a first index, a big import)
 * leaves Xapian's tables about half full: merged every few hundred
 * writes, their blocks split and are never packed. Compacting them then costs a little
 * of the run (10 s after 721 s at 300,000 messages), halves the disk
 * (3.4 GB -> 1.7 GB) and every later run reads and writes fewer blocks
 * (1,000 new into 300,000: 2.51 -> 2.32 s). A small run would copy the
 * whole index for the few blocks it touched.
 */
bool
vt_index_worth_compacting(unsigned long added, unsigned long total)
{
	return added >= 10000 && added >= total / 4;
}

/* After the run's last write: a compaction that fails is said, and the
 * index is as it was. Whether it compacted. */
static bool
compact_if_worth_it(struct mail_db *db, const struct vt_index_ui *ui,
		    struct vt_index_report *report)
{
	struct vt_error err = { 0 };
	unsigned long total = 0;
	/* mail given its month is a document written again, as new mail's */
	unsigned long written = (unsigned long)report->mail.added + report->mail.dated;

	/* too few even were they the whole index: no count needed */
	if (!vt_index_worth_compacting(written, written) ||
	    mail_count(db, "*", false, &total, &err) != VT_OK ||
	    !vt_index_worth_compacting(written, total))
		return false;
	if (mail_db_compact(db, &err) == VT_OK)
		return report->compacted = true;
	if (ui != NULL && ui->warning != NULL)
		ui->warning(ui->ctx, "index", err.msg);
	return false;
}

#define DIRS_KEY "index_dir_files"
/* what the last run that completed passed by (mail_index_options) */
#define IGNORE_KEY "index_ignore"

/* sqlite's page cache during an index run, and after (negative: KiB) */
#define INDEX_CACHE_KIB "-65536"
#define DEFAULT_CACHE_KIB "-2000"

vt_status
vt_index_reread_all(struct vt_store *s, struct vt_error *err)
{
	return vt_meta_set(s, "rederive", "1", err);
}

vt_status
vt_index(struct vt_store *s, struct mail_db *db, const struct vt_config *cfg, bool full_scan,
	 volatile const sig_atomic_t *interrupted, const struct vt_index_ui *ui,
	 struct vt_index_report *report, struct vt_error *err)
{
	struct index_run run = { .s = s, .cfg = cfg, .ui = ui, .started = (int64_t)time(NULL) };
	struct mail_identity identity;
	struct mail_index_options opts = { .identity = &identity,
					   .full_scan = full_scan,
					   .interrupted = interrupted };
	const struct mail_index_hooks hooks = {
		.ctx = &run,
		.message = on_message,
		.judge = on_judge,
		.removed = on_removed,
		.batch_begin = on_batch_begin,
		.batch_end = on_batch_end,
		.warning = on_warning,
		.progress = on_progress,
	};
	char *dirty, *rederive, *last_token = NULL, *pdf_cache = NULL, *now = NULL;
	unsigned rederived = 0;
	char *dirs_known = NULL, *dirs_recorded = NULL, *ignore_known = NULL, *ignore_now = NULL;
	struct mail_pdf_options pdf = { .helper = cfg->pdf_helper ? cfg->pdf_helper
								  : getenv("VTRIAGE_PDF_HELPER"),
					.timeout_s = (unsigned)cfg->pdf_timeout,
					.memory_mb = (unsigned)cfg->pdf_memory_mb,
					.run_seconds = (unsigned)cfg->pdf_run_seconds,
					.stats = &report->pdfs };
	bool after_crash, ignore_stored;
	vt_status rc, committed;
	unsigned snoozes_written = 0;
	unsigned long others = 0;

	memset(report, 0, sizeof *report);
	/* The run's lookups (a message's row, its sightings by name, the
	 * vendor of a domain) fall all over tables of tens of megabytes:
	 * with sqlite's default 2 MB of pages each was a read from the
	 * kernel, and judging the names of a first index of 99,000 spent
	 * more time in those reads than indexing did. Pages as they are
	 * read, up to this much; a list keeps the small default. */
	vt_sql_exec(s, "PRAGMA cache_size = " INDEX_CACHE_KIB, NULL);
	/* what each PDF said, by its hash: none is read twice */
	if (cfg->pdf_read && pdf.helper != NULL && *pdf.helper != '\0' && cfg->data_dir != NULL &&
	    asprintf(&pdf_cache, "%s/pdf-cache", cfg->data_dir) > 0) {
		pdf.cache_dir = pdf_cache;
		opts.pdf = &pdf;
	}
	vt_config_identity(cfg, &identity);
	/* Set until the run completes: a run that dies leaves it behind. */
	dirty = vt_meta_get(s, "index_dirty");
	after_crash = dirty != NULL && strcmp(dirty, "1") == 0;
	free(dirty);
	rederive = vt_meta_get(s, "rederive");
	/* After a crash the index may hold what the store never saw. */
	last_token = vt_meta_get(s, "index_token");
	opts.unchanged_since = after_crash ? NULL : last_token;
	/* the index's files of each directory as the last run left them
	 * (a record complete from its first run on: builds before ce1aebf
	 * wrote one of the directories they listed alone, "index_dirs") */
	dirs_known = vt_meta_get(s, DIRS_KEY);
	opts.dirs_known = dirs_known;
	opts.dirs_recorded = &dirs_recorded;
	/* a store of a version that recorded none: as that version would
	 * have passed by (its own index's [store] ignore did not exist) */
	ignore_stored = (ignore_known = vt_meta_get(s, IGNORE_KEY)) != NULL;
	if ((!ignore_stored && (ignore_known = mail_index_ignore_text(db, true)) == NULL) ||
	    (ignore_now = mail_index_ignore_text(db, false)) == NULL) {
		rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
		goto out;
	}
	opts.ignore_changed = strcmp(ignore_known, ignore_now) != 0;
	if ((rc = vt_sql_exec(
		     s,
		     "CREATE TEMP TABLE IF NOT EXISTS touched (thread TEXT PRIMARY KEY);"
		     "CREATE TEMP TABLE IF NOT EXISTS trust_scope (message_id TEXT PRIMARY KEY)",
		     err)) != VT_OK)
		goto out;
	if (!after_crash && (rc = vt_meta_set(s, "index_dirty", "1", err)) != VT_OK)
		goto out;
	/* Under another list a run takes mail out of the index (or puts
	 * some in) as it goes: till one completes, every run lists every
	 * directory, whatever the list (no list's text is empty). */
	if (opts.ignore_changed && (rc = vt_meta_set(s, IGNORE_KEY, "", err)) != VT_OK)
		goto out;
	/* A newer schema records more per message: derive it again for the
	 * mail indexed before (an empty store has nothing to redo). */
	if (rederive != NULL && strcmp(rederive, "1") == 0) {
		if (store_is_empty(s))
			rc = VT_OK;
		else
			rc = mail_reattribute(db, "*", &opts, &hooks, &rederived, err);
		if (rc == VT_OK)
			rc = vt_meta_set(s, "rederive", "0", err);
		if (rc != VT_OK)
			goto out;
	}
	rc = mail_index_run(db, &opts, &hooks, &report->mail, err);
	/* (the run's counts start at its walk) */
	report->mail.attributed += rederived;
	if (rc == VT_OK)
		rc = reattribute_identity_changes(&run, db, &opts, &hooks, report, err);
	if (rc == VT_OK)
		rc = reread_pdfs_under_raised_limits(&run, db, &opts, &hooks, report, err);
	if (rc == VT_OK)
		rc = reread_once(&run, db, &opts, &hooks, report, err);
	if (rc == VT_OK)
		rc = reread_deferred_pdfs(&run, db, &opts, &hooks, report, err);

	/* Nobody else wrote to the index since our last run: the store
	 * mirrors it and saw every change of this run through the hooks,
	 * and counting every message (35 ms at 300,000) is skipped. */
	report->others_wrote = !report->mail.only_ours && last_token != NULL;
	if (rc == VT_OK && !report->mail.only_ours)
		rc = reconcile(&run, db, after_crash, &opts, &hooks, report, err);
	/* (a first index has no token: its hooks saw every message) */
	if (rc == VT_OK && ((!report->mail.only_ours && last_token != NULL) || after_crash))
		rc = follow_moved_threads(s, db, last_token, report->mail.revision_at_start, err);
	if (rc == VT_OK)
		rc = refresh_threads(s, db, err);
	/* The run's last read and write of the index: Xapian commits on a
	 * thread of its own while the store judges what came (the judging
	 * needs no index), and the token names the index as committed. */
	if (rc == VT_OK && (now = mail_index_token(db, &report->mail)) == NULL)
		rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
	/* each commit lets the index's lock go for a moment: a writer that
	 * came in then leaves the token as it was, behind the index (the
	 * next list looks, the next run reconciles) */
	others = mail_db_others_wrote(db);
	if (rc == VT_OK && !report->mail.unchanged)
		mail_db_commit_begin(db);
	if (rc == VT_OK)
		/* a run that died in the middle took its scope with it:
		 * all mail is judged again */
		rc = vt_trust_refresh(s, cfg, !report->mail.unchanged, full_scan || after_crash,
				      interrupted, err);
	if (rc == VT_OK && !report->mail.unchanged)
		rc = vt_documents_judge(s, cfg, err);
	if (rc == VT_OK)
		rc = vt_contacts_refresh(s, err);
	if (rc == VT_OK)
		rc = vt_vendor_counts_refresh(s, err);
	/* what the store says of the mail holds only once the mail is in */
	committed = mail_db_commit_wait(db, rc == VT_OK ? err : NULL);
	if (rc == VT_OK)
		rc = committed;
	/* the verdicts that changed onto the messages (suspicious: is a
	 * term a reason), and the snoozes' ends, in commits of their own:
	 * the token is the index after them */
	if (rc == VT_OK &&
	    (rc = vt_trust_mirror(s, db, interrupted, &report->verdicts_written, err)) == VT_OK &&
	    (rc = vt_snooze_mirror(s, db, &snoozes_written, err)) == VT_OK &&
	    report->verdicts_written + snoozes_written > 0 && mail_db_others_wrote(db) == others) {
		char *renewed = mail_index_token_renewed(db, now);

		if (renewed == NULL)
			rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
		free(now);
		now = renewed;
	}
	if (rc == VT_OK && dirs_recorded != NULL &&
	    (dirs_known == NULL || strcmp(dirs_known, dirs_recorded) != 0))
		rc = vt_meta_set(s, DIRS_KEY, dirs_recorded, err);
	if (rc == VT_OK && (!ignore_stored || opts.ignore_changed))
		rc = vt_meta_set(s, IGNORE_KEY, ignore_now, err);
	if (rc == VT_OK)
		rc = vt_meta_set(s, "index_token", now, err);
	if (rc == VT_OK)
		rc = vt_meta_set(s, "index_dirty", "0", err);
	/* after all is recorded: a compaction killed halfway costs nothing
	 * but itself; one done is a new database (uuid) */
	if (rc == VT_OK && compact_if_worth_it(db, ui, report) &&
	    mail_db_others_wrote(db) == others) {
		free(now);
		if ((now = mail_index_token(db, &report->mail)) != NULL)
			vt_meta_set(s, "index_token", now, NULL);
	}
out:
	if (rc != VT_OK)
		vt_store_rollback(s);
	vt_sql_exec(s, "PRAGMA cache_size = " DEFAULT_CACHE_KIB, NULL);
	free(rederive);
	free(last_token);
	free(dirs_known);
	free(dirs_recorded);
	free(ignore_known);
	free(ignore_now);
	free(now);
	free(pdf_cache);
	report->vendors_new = run.vendors_new;
	return rc;
}
