/*
 * Trust: which mail borrows a vendor's standing.
 *
 * Indexing records, per message, what the file says of itself (mail/:
 * Authentication-Results, an address in From's display name, Reply-To,
 * payment details) into trust_signals, auth_results and payment_details.
 * Which sender domains resemble which is a fact about the names, found
 * once per new domain (domain_likeness). What those facts mean depends on
 * what the store knows, and is judged here:
 *
 * - lookalikes: a domain resembling one the user trusts or has history
 *   with (the user wrote to it, or it sent mail before), and which is not
 *   itself trusted or merged with it. Judged again after every triage
 *   action (a few rows: only resembling pairs are looked at), so promote
 *   and merge stay O(1) in the vendor's mail.
 * - suspicions: per message, judged at the end of each index run for the
 *   mail it touched, or for all incoming mail when the rules or the
 *   believed authserv-ids change. Bank verdicts compare with each
 *   vendor's earlier mail, so they are judged again for all payment mail
 *   on every run (it is little).
 *
 * The statements name the few rows they start from first, with CROSS
 * JOIN: the store keeps no statistics, and without them sqlite walked
 * all of messages for the 1,000 messages of a run, or the 16 payment
 * mails of 100,000 (30 ms a run; VTRIAGE_SLOW_SQL_MS shows such plans).
 */
#include "config.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "private.h"

/* Bump when the judging below changes: every incoming message is judged
 * again on the next index run. */
#define TRUST_RULES_REV "3"

/* A learned authserv-id must top this many incoming messages, and more
 * than half of those with Authentication-Results. */
#define LEARN_MIN_MESSAGES 3

/* ---- recording, during indexing ---- */

static bool
has_auth_failure(const struct mail_trust_facts *t)
{
	for (size_t i = 0; i < t->n_auth; i++)
		if (t->auth[i].verdict == MAIL_AUTH_VERDICT_FAIL)
			return true;
	return false;
}

/* Whether every header passed the mail as its From's: mail that did not
 * may be judged by when it came (judge_unauthenticated). */
static bool
passes(const struct mail_trust_facts *t)
{
	for (size_t i = 0; i < t->n_auth; i++)
		if (t->auth[i].verdict != MAIL_AUTH_VERDICT_PASS)
			return false;
	return true;
}

/* Which header is believed is decided later (the authserv-id may be
 * learned after): every header of a message some header fails is kept,
 * and of all mail from a domain that may be a vendor's or is the user's
 * own, whose passes say what its later mail is judged by
 * (judge_unauthenticated). */
static vt_status
record_auth(struct vt_store *s, const struct mail_message_info *info, struct vt_error *err)
{
	const struct mail_trust_facts *t = &info->trust;
	const struct mail_attribution *a = &info->attribution;
	bool by_history = a->direction == MAIL_DIR_OUT || a->kind == MAIL_KIND_VENDOR ||
			  a->kind == MAIL_KIND_LIST;
	vt_status rc;

	for (size_t i = 0; (by_history || has_auth_failure(t)) && i < t->n_auth; i++)
		if ((rc = vt_sql_run(
			     s,
			     "INSERT OR REPLACE INTO auth_results (message_id, pos,"
			     " authserv_id, verdict, why, passed_for) VALUES (?, ?, ?, ?, ?, ?)",
			     "record trust", err, "tititt", info->message_id, (int64_t)i,
			     t->auth[i].authserv_id, (int64_t)t->auth[i].verdict, t->auth[i].why,
			     t->auth[i].passed_for)) != VT_OK)
			return rc;
	return VT_OK;
}

vt_status
vt_trust_record(struct vt_store *s, const struct mail_message_info *info, struct vt_error *err)
{
	const struct mail_trust_facts *t = &info->trust;
	const struct mail_attribution *a = &info->attribution;
	const char *name = info->from.name ? info->from.name : "";
	vt_status rc;
	bool notable;

	/* Mail from the user's own domain is theirs, unless the user's own
	 * server says its From was forged ("the CEO" asking for a payment,
	 * or "the user" writing to an impostor to lend it standing), or
	 * passes nothing of it where the domain's mail did: its
	 * authentication is judged as incoming mail's is. */
	if (a->direction != MAIL_DIR_IN && t->n_auth == 0)
		return VT_OK;
	if ((rc = vt_sql_run(s, "INSERT OR IGNORE INTO temp.trust_scope VALUES (?)", "record trust",
			     err, "t", info->message_id)) != VT_OK)
		return rc;
	/* (and when it came, where not every header passed it) */
	if (a->direction != MAIL_DIR_IN) {
		if (!passes(t) &&
		    (rc = vt_sql_run(
			     s,
			     "INSERT OR REPLACE INTO trust_signals (message_id, arrived, bulk)"
			     " VALUES (?, ?, ?)",
			     "record trust", err, "tii", info->message_id, (int64_t)t->arrived,
			     (int64_t)t->bulk)) != VT_OK)
			return rc;
		return record_auth(s, info, err);
	}
	/* what its document says already: the verdicts only need writing
	 * where the judgement of all the mail finds otherwise */
	if (info->marked[0] != '\0' &&
	    (rc = vt_sql_run(
		     s, "INSERT OR REPLACE INTO suspect_marks (message_id, reasons) VALUES (?, ?)",
		     "record suspect marks", err, "tt", info->message_id, info->marked)) != VT_OK)
		return rc;
	/* A freemail sender's name is kept: it may be a contact's. Payment
	 * mail's arrival orders the bank verdicts, and that of mail not
	 * authenticated whether its domain's was before (and whether it
	 * was sent to subscribers, whether it is judged so). */
	notable = t->name_address[0] || t->several_from || t->from_encoded || t->reply_org[0] ||
		  t->payment.bank_change || t->payment.asks_payment || t->payment.n_details > 0 ||
		  (a->kind == MAIL_KIND_PERSONAL && *name) || (t->n_auth > 0 && !passes(t));
	if (notable &&
	    (rc = vt_sql_run(s,
			     "INSERT OR REPLACE INTO trust_signals (message_id, display_name,"
			     " name_address, several_from, from_encoded, reply_org, bank_change,"
			     " asks_payment, arrived, bulk) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			     "record trust", err, "tttiitiiii", info->message_id,
			     a->kind == MAIL_KIND_PERSONAL ? name : "", t->name_address,
			     (int64_t)t->several_from, (int64_t)t->from_encoded, t->reply_org,
			     (int64_t)t->payment.bank_change, (int64_t)t->payment.asks_payment,
			     (int64_t)t->arrived, (int64_t)t->bulk)) != VT_OK)
		return rc;
	if ((rc = record_auth(s, info, err)) != VT_OK)
		return rc;
	for (size_t i = 0; i < t->payment.n_details; i++)
		if ((rc = vt_sql_run(
			     s,
			     "INSERT OR IGNORE INTO payment_details (message_id, kind, value)"
			     " VALUES (?, ?, ?)",
			     "record trust", err, "ttt", info->message_id,
			     mail_payment_kind_name(t->payment.details[i].kind),
			     t->payment.details[i].value)) != VT_OK)
			return rc;
	return VT_OK;
}

/* ---- which server is the user's ---- */

/* The authserv-id that tops most of the user's incoming mail, when it
 * tops enough of it to be the receiving server's (malloc'd, or NULL). */
static char *
learned_authserv(struct vt_store *s)
{
	sqlite3_stmt *st = vt_sql_prepare(
		s,
		"SELECT authserv, count(*), (SELECT count(*) FROM messages WHERE authserv <> ''"
		"  AND direction = 0)"
		" FROM messages WHERE authserv <> '' AND direction = 0"
		" GROUP BY authserv ORDER BY 2 DESC, 1 LIMIT 1",
		NULL);
	char *out = NULL;

	if (st == NULL)
		return NULL;
	if (sqlite3_step(st) == SQLITE_ROW) {
		int64_t top = sqlite3_column_int64(st, 1), all = sqlite3_column_int64(st, 2);

		if (top >= LEARN_MIN_MESSAGES && top * 2 > all)
			out = vt_strdup0((const char *)sqlite3_column_text(st, 0));
	}
	sqlite3_reset(st);
	return out;
}

char *
vt_trust_authserv(struct vt_store *s, const struct vt_config *cfg)
{
	char *out = NULL;
	size_t len = 1;

	if (cfg == NULL || cfg->n_authserv_ids == 0) {
		char *learned = vt_meta_get(s, "authserv_learned");

		return learned ? learned : strdup("");
	}
	for (size_t i = 0; i < cfg->n_authserv_ids; i++)
		len += strlen(cfg->authserv_ids[i]) + 1;
	if ((out = calloc(1, len)) == NULL)
		return NULL;
	for (size_t i = 0; i < cfg->n_authserv_ids; i++) {
		if (i)
			strcat(out, ",");
		strcat(out, cfg->authserv_ids[i]);
	}
	return out;
}

/* ---- which domains resemble which ---- */

struct strings {
	char **items;
	size_t count;
};

static void
strings_clear(struct strings *l)
{
	for (size_t i = 0; i < l->count; i++)
		free(l->items[i]);
	free(l->items);
	memset(l, 0, sizeof *l);
}

/* The first column of every row of st (bound already). */
static vt_status
strings_read(struct vt_store *s, sqlite3_stmt *st, struct strings *out, struct vt_error *err)
{
	vt_status rc = VT_OK;
	int step;

	if (st == NULL)
		return err ? err->status : VT_ERR_DB;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *v = (const char *)sqlite3_column_text(st, 0);
		char **grown = realloc(out->items, (out->count + 1) * sizeof *grown);

		if (grown == NULL || (grown[out->count] = strdup(v ? v : "")) == NULL) {
			if (grown)
				out->items = grown;
			rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
			break;
		}
		out->items = grown;
		out->count++;
	}
	sqlite3_reset(st);
	if (rc == VT_OK && step != SQLITE_DONE)
		rc = vt_sql_fail(s, err, step, "read domains");
	return rc;
}

struct pair_sink {
	struct vt_store *s;
	const char *org; /* the domain whose host is being compared */
	vt_status rc;
	struct vt_error *err;
};

static vt_status
insert_pair(struct vt_store *s, const char *org, const char *like_org,
	    const struct mail_lookalike *how, struct vt_error *err)
{
	return vt_sql_run(s,
			  "INSERT OR IGNORE INTO domain_likeness (org, like_org, kind, why)"
			  " VALUES (?, ?, ?, ?)",
			  "record look-alike", err, "tttt", org, like_org,
			  mail_lookalike_kind_name(how->kind), how->why);
}

/* Records that the newcomer resembles known, and whether known resembles
 * the newcomer (most kinds hold both ways, with the reason reversed): of
 * the two, the store judges later which one imitates. */
static void
record_pair(void *ctx, const char *known, const struct mail_lookalike *how)
{
	struct pair_sink *p = ctx;
	struct mail_lookalike back;

	if (p->rc != VT_OK || strcmp(known, p->org) == 0)
		return;
	p->rc = insert_pair(p->s, p->org, known, how, p->err);
	if (p->rc == VT_OK && mail_lookalike_compare(known, p->org, &back))
		p->rc = insert_pair(p->s, known, p->org, &back, p->err);
}

/*
 * Domains first seen since the last run are compared with every known
 * domain, through an index of them (never each with each): the domain
 * itself and each host its mail came from ("acmetel.example.pay.example"
 * names acmetel.example in pay.example's host). Each pair found is tried
 * the other way round too, so a newcomer's older twin is found as well.
 */
static vt_status
compare_new_domains(struct vt_store *s, struct vt_error *err)
{
	struct strings fresh = { 0 }, all = { 0 };
	struct mail_lookalike_index *idx = NULL;
	vt_status rc;

	rc = strings_read(s,
			  vt_sql_prepare(s,
					 "SELECT domain FROM vendor_domains WHERE domain NOT IN"
					 " (SELECT org FROM domains_compared)",
					 err),
			  &fresh, err);
	if (rc != VT_OK || fresh.count == 0)
		goto out;
	rc = strings_read(s, vt_sql_prepare(s, "SELECT domain FROM vendor_domains", err), &all,
			  err);
	if (rc == VT_OK && (idx = mail_lookalike_index_new()) == NULL)
		rc = mail_lookalike_unavailable() != NULL
			     ? vt_fail(err, VT_ERR_INTERNAL, "look-alike domains: %s",
				       mail_lookalike_unavailable())
			     : vt_fail(err, VT_ERR_NOMEM, "out of memory");
	for (size_t i = 0; rc == VT_OK && i < all.count; i++)
		if (!mail_lookalike_index_add(idx, all.items[i]))
			rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
	for (size_t i = 0; rc == VT_OK && i < fresh.count; i++) {
		struct pair_sink sink = { .s = s, .org = fresh.items[i], .err = err };
		struct strings hosts = { 0 };
		sqlite3_stmt *st = vt_sql_prepare(
			s,
			"SELECT DISTINCT substr(from_addr, instr(from_addr, '@') + 1) FROM messages"
			" WHERE org = ? AND direction = 0 AND from_addr LIKE '%@%' LIMIT 50",
			err);

		if (st != NULL)
			sqlite3_bind_text(st, 1, fresh.items[i], -1, SQLITE_STATIC);
		rc = strings_read(s, st, &hosts, err);
		mail_lookalike_index_find(idx, fresh.items[i], record_pair, &sink);
		for (size_t h = 0; rc == VT_OK && sink.rc == VT_OK && h < hosts.count; h++)
			if (strcmp(hosts.items[h], fresh.items[i]) != 0)
				mail_lookalike_index_find(idx, hosts.items[h], record_pair, &sink);
		strings_clear(&hosts);
		if (rc == VT_OK)
			rc = sink.rc;
		if (rc == VT_OK)
			rc = vt_sql_run(s, "INSERT OR IGNORE INTO domains_compared VALUES (?)",
					"record look-alike", err, "t", fresh.items[i]);
	}
out:
	mail_lookalike_index_free(&idx);
	strings_clear(&fresh);
	strings_clear(&all);
	return rc;
}

/* The user's words for a resemblance: "acrnetel.example looks like
 * acmetel.example (rn for m)". */
static char *
lookalike_text(const char *org, const char *like_org, const char *why)
{
	char *a = mail_domain_display(org), *b = mail_domain_display(like_org), *out = NULL;

	if (a != NULL && b != NULL && asprintf(&out, "%s looks like %s (%s)", a, b, why) < 0)
		out = NULL;
	free(a);
	free(b);
	return out;
}

/*
 * Which resembling domain imitates which, given the user's standing with
 * each: org imitates like_org when like_org is trusted, or the user wrote
 * to it, or it had sent mail before org's first mail (and at least twice);
 * never when org is trusted itself (the user vouched for it, with --force)
 * or belongs to the same vendor (merged, with --force).
 */
/* clang-format off */
static const char judge_pairs[] =
	"SELECT l.org, l.like_org, l.kind, l.why, coalesce(vl.id, 0), coalesce(vl.bucket, 0),"
	"  vk.id, vk.bucket,"
	"  (SELECT min(date) FROM messages m WHERE m.org = l.org AND m.kind = 1),"
	"  (SELECT min(date) FROM messages m WHERE m.org = l.like_org AND m.kind = 1),"
	"  " VT_SQL_WROTE_TO("l.like_org") ","
	"  (SELECT count(*) FROM (SELECT 1 FROM messages m WHERE m.org = l.like_org"
	"   AND m.kind = 1 LIMIT 2)),"
	"  " VT_SQL_WROTE_TO("l.org") ","
	"  vk.created, vl.created"
	" FROM domain_likeness l"
	" JOIN vendor_domains dk ON dk.domain = l.like_org JOIN vendors vk ON vk.id = dk.vendor_id"
	" LEFT JOIN vendor_domains dl ON dl.domain = l.org"
	" LEFT JOIN vendors vl ON vl.id = dl.vendor_id"
	" ORDER BY l.org, vk.bucket DESC, 10";
/* clang-format on */

vt_status
vt_trust_judge_domains(struct vt_store *s, struct vt_error *err)
{
	sqlite3_stmt *st;
	vt_status rc;
	int step;
	char last[MAIL_DOMAIN_MAX] = "";

	if ((rc = vt_store_begin(s, err)) != VT_OK)
		return rc;
	rc = vt_sql_exec(s, "DELETE FROM lookalikes", err);
	st = rc == VT_OK ? vt_sql_prepare(s, judge_pairs, err) : NULL;
	if (rc == VT_OK && st == NULL)
		rc = err ? err->status : VT_ERR_DB;
	/* rows are read first: no statement stays open across the writes */
	struct {
		char org[MAIL_DOMAIN_MAX], like_org[MAIL_DOMAIN_MAX], kind[32], why[128];
	} *found = NULL;
	size_t n = 0;

	while (rc == VT_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *org = (const char *)sqlite3_column_text(st, 0);
		int64_t org_vendor = sqlite3_column_int64(st, 4),
			like_vendor = sqlite3_column_int64(st, 6);
		bool org_trusted = sqlite3_column_int(st, 5) == 1;
		bool like_trusted = sqlite3_column_int(st, 7) == 1;
		bool org_seen = sqlite3_column_type(st, 8) != SQLITE_NULL;
		bool like_seen = sqlite3_column_type(st, 9) != SQLITE_NULL;
		int64_t org_first = sqlite3_column_int64(st, 8),
			like_first = sqlite3_column_int64(st, 9);
		bool wrote = sqlite3_column_int(st, 10) != 0;
		bool history = sqlite3_column_int(st, 11) >= 2;
		bool wrote_org = sqlite3_column_int(st, 12) != 0;
		int64_t like_made = sqlite3_column_int64(st, 13),
			org_made = sqlite3_column_type(st, 14) == SQLITE_NULL
					   ? INT64_MAX
					   : sqlite3_column_int64(st, 14);
		/* The imitator is the one that came later: the one the user did
		 * not write to, else the one an index run met later (its
		 * vendor made after), else, for mail met in one run (a first
		 * index), the one whose mail is dated later. A Date is the
		 * sender's to write: an impostor's mail dated years back made
		 * the vendor's own domain the copy. The user having written to
		 * both (a reply to the impostor), or trusting the newcomer with
		 * --force, does not make the original a copy. A trusted domain
		 * with no mail yet is older than any. */
		bool older = (wrote && !wrote_org) ||
			     (!(wrote_org && !wrote) && like_made < org_made) ||
			     (!(wrote_org && !wrote) && like_made == org_made &&
			      (like_seen ? like_first < org_first : like_trusted));
		void *grown;

		if (strcmp(org, last) == 0 || org_vendor == like_vendor || org_trusted ||
		    !org_seen || !(like_trusted || wrote || history) || !older)
			continue;
		if ((grown = realloc(found, (n + 1) * sizeof *found)) == NULL) {
			rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
			break;
		}
		found = grown;
		snprintf(found[n].org, sizeof found[n].org, "%s", org);
		snprintf(found[n].like_org, sizeof found[n].like_org, "%s",
			 (const char *)sqlite3_column_text(st, 1));
		snprintf(found[n].kind, sizeof found[n].kind, "%s",
			 (const char *)sqlite3_column_text(st, 2));
		snprintf(found[n].why, sizeof found[n].why, "%s",
			 (const char *)sqlite3_column_text(st, 3));
		snprintf(last, sizeof last, "%s", org);
		n++;
	}
	if (st != NULL)
		sqlite3_reset(st);
	for (size_t i = 0; rc == VT_OK && i < n; i++) {
		char *like = lookalike_text(found[i].org, found[i].like_org, found[i].why),
		     *text = NULL;

		if (like == NULL || asprintf(&text, "sender domain %s", like) < 0)
			rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
		else
			rc = vt_sql_run(
				s,
				"INSERT OR IGNORE INTO lookalikes (org, like_org, kind, why, text)"
				" VALUES (?, ?, ?, ?, ?)",
				"judge look-alikes", err, "ttttt", found[i].org, found[i].like_org,
				found[i].kind, found[i].why, text);
		free(like);
		free(text);
	}
	free(found);
	if (rc == VT_OK)
		return vt_store_commit(s, err);
	vt_store_rollback(s);
	return rc;
}

/* ---- per message ---- */

static vt_status
suspect(struct vt_store *s, const char *message_id, const char *reason, const char *detail,
	const char *like_org, struct vt_error *err)
{
	return vt_sql_run(
		s,
		"INSERT OR IGNORE INTO suspicions (message_id, reason, detail, like_org, org)"
		" SELECT ?1, ?2, ?3, ?4, coalesce((SELECT org FROM messages"
		"  WHERE message_id = ?1), '')",
		"record suspicion", err, "tttt", message_id, reason, detail,
		like_org ? like_org : "");
}

/* Runs st (bound already) and hands each row to fn, after reading them
 * all: fn writes, and no statement may stay open across writes. */
struct row {
	char *col[6];
	int64_t num[4];
};

static vt_status
rows_read(struct vt_store *s, sqlite3_stmt *st, int text_cols, int num_cols, struct row **out,
	  size_t *n, struct vt_error *err)
{
	vt_status rc = VT_OK;
	int step;

	*out = NULL;
	*n = 0;
	if (st == NULL)
		return err ? err->status : VT_ERR_DB;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct row *grown = realloc(*out, (*n + 1) * sizeof *grown), *r;

		if (grown == NULL) {
			rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
			break;
		}
		*out = grown;
		r = &grown[(*n)++];
		memset(r, 0, sizeof *r);
		for (int c = 0; c < text_cols; c++) {
			const char *v = (const char *)sqlite3_column_text(st, c);

			if ((r->col[c] = strdup(v ? v : "")) == NULL)
				rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
		}
		for (int c = 0; c < num_cols; c++)
			r->num[c] = sqlite3_column_int64(st, text_cols + c);
		if (rc != VT_OK)
			break;
	}
	sqlite3_reset(st);
	if (rc == VT_OK && step != SQLITE_DONE)
		rc = vt_sql_fail(s, err, step, "judge mail");
	return rc;
}

static void
rows_free(struct row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++)
		for (int c = 0; c < 6; c++)
			free(rows[i].col[c]);
	free(rows);
}

/* Whether the authserv-id in column is one of the believed ones, bound
 * as ?1 ("mx.a.example,mx.b.example"). */
#define BELIEVED(column) "instr(',' || ?1 || ',', ',' || " column " || ',') > 0"

/* Whether the message (a column) asks to be paid, says where to pay or
 * that the bank details changed, or is a bill. */
/* clang-format off */
#define ABOUT_MONEY(id)                                                                     \
	"(EXISTS (SELECT 1 FROM trust_signals g WHERE g.message_id = " id                   \
	"  AND (g.asks_payment OR g.bank_change))"                                           \
	" OR EXISTS (SELECT 1 FROM payment_details p WHERE p.message_id = " id ")"          \
	" OR EXISTS (SELECT 1 FROM documents d WHERE d.message_id = " id " AND d.kind = 2))"
/* clang-format on */

/* Failed authentication, as the first header of a believed server that
 * says so says; of list mail only where it is about money (a List-Id is
 * the sender's to write, and real posts of people at domains with DMARC
 * fail it when the list keeps their From). Not the topmost believed
 * header alone: a server that appends its header at the end (Exim's
 * add_header does) leaves the forger's own, under the server's name and
 * passing, above it. */
static vt_status
judge_auth(struct vt_store *s, const char *authserv, struct vt_error *err)
{
	sqlite3_stmt *st = vt_sql_prepare(
		s,
		"SELECT a.message_id, a.why || ' at ' || a.authserv_id, m.org, a.verdict"
		" FROM temp.trust_scope t CROSS JOIN auth_results a ON a.message_id = t.message_id"
		" JOIN messages m ON m.message_id = a.message_id"
		" WHERE (m.kind IN (1, 2, 4) OR (m.kind = 3 AND " ABOUT_MONEY(
			"m.message_id") "))"
					"  AND " BELIEVED(
						"a.authserv_id") "  AND a.pos = (SELECT min(b.pos) FROM auth_results b WHERE b.message_id = a.message_id"
								 "   AND " BELIEVED(
									 "b.authserv_id") " AND b.verdict = ?2)",
		err);
	struct row *rows;
	size_t n;
	vt_status rc;

	if (authserv == NULL || *authserv == '\0')
		return VT_OK;
	if (st != NULL) {
		sqlite3_bind_text(st, 1, authserv, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 2, MAIL_AUTH_VERDICT_FAIL);
	}
	rc = rows_read(s, st, 3, 1, &rows, &n, err);
	for (size_t i = 0; rc == VT_OK && i < n; i++)
		if (rows[i].num[0] == MAIL_AUTH_VERDICT_FAIL)
			rc = suspect(s, rows[i].col[0], VT_SUSPECT_AUTH, rows[i].col[1],
				     rows[i].col[2], err);
	rows_free(rows, n);
	return rc;
}

/* clang-format off */
/* Whether the believed servers passed the message (a column) as its
 * From's: each of their headers says so. One that does not may be the
 * server's own under a forged pass with its name (either may be the
 * topmost: some servers append theirs), so it is not. */
#define PASSED(id)                                                                          \
	"(EXISTS (SELECT 1 FROM auth_results pa WHERE pa.message_id = " id                  \
	"  AND " BELIEVED("pa.authserv_id") ")"                                              \
	" AND NOT EXISTS (SELECT 1 FROM auth_results pa WHERE pa.message_id = " id          \
	"  AND " BELIEVED("pa.authserv_id") " AND pa.verdict <> 1))"
/* clang-format on */

/* When org's mail first passed at the believed servers (its Date:
 * authenticated, the vendor's word); false when it never did. */
static bool
first_passed(sqlite3_stmt *st, const char *org, int64_t *when)
{
	bool found;

	sqlite3_bind_text(st, 2, org, -1, SQLITE_STATIC);
	found = sqlite3_step(st) == SQLITE_ROW;
	if (found)
		*when = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return found;
}

/*
 * Mail from a vendor's domain that its own earlier mail had been
 * authenticated for, and that comes without: the domain publishes no
 * DMARC record (most small vendors' do not), so the user's server says
 * "dmarc=none", and a forgery passing DKIM and SPF for the forger's own
 * domain failed nothing. Not a vendor that never authenticated, nor
 * mail before its first that did (a vendor starting to sign); and of
 * mail passing for another organisation that earlier mail of the
 * domain passed for too (the vendor's mail service), only what is about
 * money. Judged by when it came (a forgery dated back before the
 * vendor's first signed mail passed). List mail and mail sent to
 * subscribers (a newsletter through a mail service signing as itself)
 * only about money, as judge_auth does list mail; mail no believed
 * server judged says nothing. The user's own domain likewise ("the
 * CEO" asking for a payment, its domain without a DMARC record).
 */
static vt_status
judge_unauthenticated(struct vt_store *s, const char *authserv, struct vt_error *err)
{
	/* clang-format off */
	/* When the organisation ?2's mail first passed, and whether mail of
	 * it before ?3 passed for the organisation ?4 too: a vendor's by its
	 * mail in date order; the user's own by the user's mail a server
	 * judged (received from colleagues, whose From is the user's
	 * domain; the user's sent mail no server judged). */
	static const char vendor_first_passed[] =
		"SELECT e.date FROM messages e WHERE e.org = ?2 AND e.kind = 1 AND e.direction = 0"
		" AND " PASSED("e.message_id") " ORDER BY e.date LIMIT 1";
	static const char vendor_known_other[] =
		"SELECT EXISTS (SELECT 1 FROM messages e CROSS JOIN auth_results a"
		" ON a.message_id = e.message_id WHERE e.org = ?2 AND e.kind = 1"
		" AND e.direction = 0 AND e.date < ?3 AND a.passed_for = ?4"
		" AND " BELIEVED("a.authserv_id") ")";
	static const char own_first_passed[] =
		"SELECT e.date FROM auth_results a CROSS JOIN messages e"
		" ON e.message_id = a.message_id WHERE a.pos = 0 AND e.direction = 1"
		" AND (e.from_addr LIKE '%@' || ?2 OR e.from_addr LIKE '%.' || ?2)"
		" AND " PASSED("e.message_id") " ORDER BY e.date LIMIT 1";
	static const char own_known_other[] =
		"SELECT EXISTS (SELECT 1 FROM auth_results a CROSS JOIN messages e"
		" ON e.message_id = a.message_id WHERE e.direction = 1 AND e.date < ?3"
		" AND a.passed_for = ?4 AND " BELIEVED("a.authserv_id")
		" AND (e.from_addr LIKE '%@' || ?2 OR e.from_addr LIKE '%.' || ?2))";
	sqlite3_stmt *st = vt_sql_prepare(
		s,
		"SELECT m.message_id, m.org, a.why, a.authserv_id, a.passed_for, m.from_addr,"
		"  max(m.date, coalesce(g.arrived, 0)), " ABOUT_MONEY("m.message_id") ", m.direction"
		" FROM temp.trust_scope t CROSS JOIN messages m ON m.message_id = t.message_id"
		" JOIN auth_results a ON a.message_id = m.message_id"
		" LEFT JOIN trust_signals g ON g.message_id = m.message_id"
		" WHERE ((m.direction = 0 AND m.org <> ''"
		"   AND ((m.kind = 1 AND NOT coalesce(g.bulk, 0)) OR (m.kind IN (1, 3)"
		"    AND " ABOUT_MONEY("m.message_id") ")))"
		"  OR (m.direction = 1 AND NOT coalesce(g.bulk, 0)))"
		"  AND a.pos = (SELECT min(b.pos) FROM auth_results b WHERE b.message_id = m.message_id"
		"   AND " BELIEVED("b.authserv_id") " AND b.verdict <> 1)"
		"  AND NOT " PASSED("m.message_id")
		"  AND NOT EXISTS (SELECT 1 FROM auth_results f WHERE f.message_id = m.message_id"
		"   AND " BELIEVED("f.authserv_id") " AND f.verdict = 2)"
		" ORDER BY m.direction, m.org",
		err);
	/* clang-format on */
	sqlite3_stmt *first = NULL, *known = NULL, *own_first = NULL, *own_known = NULL;
	struct row *rows = NULL;
	size_t n = 0;
	vt_status rc;
	char last[MAIL_DOMAIN_MAX] = "";
	bool passed = false;
	int64_t since = 0;

	if (authserv == NULL || *authserv == '\0')
		return VT_OK;
	if (st != NULL)
		sqlite3_bind_text(st, 1, authserv, -1, SQLITE_STATIC);
	rc = rows_read(s, st, 6, 3, &rows, &n, err);
	if (rc == VT_OK && n > 0 &&
	    ((first = vt_sql_prepare(s, vendor_first_passed, err)) == NULL ||
	     (known = vt_sql_prepare(s, vendor_known_other, err)) == NULL ||
	     (own_first = vt_sql_prepare(s, own_first_passed, err)) == NULL ||
	     (own_known = vt_sql_prepare(s, own_known_other, err)) == NULL))
		rc = err ? err->status : VT_ERR_DB;
	if (rc == VT_OK && n > 0) {
		sqlite3_stmt *asked[] = { first, known, own_first, own_known };

		for (size_t k = 0; k < sizeof asked / sizeof asked[0]; k++)
			sqlite3_bind_text(asked[k], 1, authserv, -1, SQLITE_STATIC);
	}
	for (size_t i = 0; rc == VT_OK && i < n; i++) {
		const char *id = rows[i].col[0], *why = rows[i].col[2];
		const char *server = rows[i].col[3], *other = rows[i].col[4];
		int64_t came = rows[i].num[0];
		bool money = rows[i].num[1], usual = false, own = rows[i].num[2] != 0;
		char *text = NULL, *shown = NULL, day[16] = "", org[MAIL_DOMAIN_MAX];
		sqlite3_stmt *other_known = own ? own_known : known;
		time_t t;
		struct tm tm;

		/* the user's mail is the user's organisation's, whatever
		 * organisation it was written to */
		if (!own)
			snprintf(org, sizeof org, "%s", rows[i].col[1]);
		else if (!mail_org_domain(rows[i].col[5], org, sizeof org))
			continue;
		if (strcmp(org, last) != 0) {
			snprintf(last, sizeof last, "%s", org);
			passed = first_passed(own ? own_first : first, org, &since);
		}
		if (!passed || since >= came)
			continue;
		if (*other != '\0' && !money) {
			sqlite3_bind_text(other_known, 2, org, -1, SQLITE_STATIC);
			sqlite3_bind_int64(other_known, 3, came);
			sqlite3_bind_text(other_known, 4, other, -1, SQLITE_STATIC);
			usual = sqlite3_step(other_known) == SQLITE_ROW &&
				sqlite3_column_int(other_known, 0);
			sqlite3_reset(other_known);
			if (usual)
				continue;
		}
		t = (time_t)since;
		localtime_r(&t, &tm);
		strftime(day, sizeof day, "%Y-%m-%d", &tm);
		if ((shown = mail_domain_display(org)) == NULL ||
		    asprintf(&text, "%s at %s, where %s's mail passed since %s", why, server, shown,
			     day) < 0)
			rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
		else
			rc = suspect(s, id, VT_SUSPECT_AUTH, text, org, err);
		free(text);
		free(shown);
	}
	if (first != NULL)
		sqlite3_reset(first);
	if (own_first != NULL)
		sqlite3_reset(own_first);
	rows_free(rows, n);
	return rc;
}

/* From names an organisation its address is not of, several of them, or
 * hides its address in an encoded word (judge_headers gives a suspicion
 * for each). */
static bool
from_misleads(const char *name_address, bool several_from, bool from_encoded)
{
	return *name_address != '\0' || several_from || from_encoded;
}

/* Whether domain is org misspelt or its letters swapped for look-alike
 * ones: never a vendor's own (its support or other country's domain,
 * "acmetel-support", "acmetel.co", may well be). */
static bool
misspells(const char *domain, const char *org, struct mail_lookalike *how)
{
	struct mail_lookalike like;

	if (!mail_lookalike_compare(domain, org, &like) || like.kind == MAIL_LOOKALIKE_TLD ||
	    like.kind == MAIL_LOOKALIKE_ADDITION || like.kind == MAIL_LOOKALIKE_SUBDOMAIN)
		return false;
	if (how != NULL)
		*how = like;
	return true;
}

/* Vendors reply from elsewhere often (a helpdesk, a mailer); it matters
 * when money, a freemail box or a look-alike is involved (money: the
 * mail asks to be paid, changes bank details, or replies go to a
 * look-alike; a misspelling of the sender's own domain, money or not). */
static bool
replies_go_astray(const char *reply_org, const char *org, bool vendor_mail, bool money)
{
	return *reply_org != '\0' && *org != '\0' && vendor_mail &&
	       (money || mail_org_is_personal(reply_org) || misspells(reply_org, org, NULL));
}

void
vt_trust_message_reasons(const struct mail_message_info *info, char *out, size_t len)
{
	const struct mail_trust_facts *t = &info->trust;
	const struct mail_attribution *a = &info->attribution;
	/* in the order judged_marks lists them */
	bool name = from_misleads(t->name_address, t->several_from, t->from_encoded);
	bool reply = replies_go_astray(t->reply_org, a->org, a->kind == MAIL_KIND_VENDOR,
				       t->payment.asks_payment || t->payment.bank_change);

	if (len == 0)
		return;
	*out = '\0';
	if (a->direction != MAIL_DIR_IN)
		return;
	snprintf(out, len, "%s%s%s", name ? VT_SUSPECT_NAME : "", name && reply ? " " : "",
		 reply ? VT_SUSPECT_REPLYTO : "");
}

/* What From says that its address does not, and where replies go. */
static vt_status
judge_headers(struct vt_store *s, struct vt_error *err)
{
	sqlite3_stmt *st = vt_sql_prepare(
		s,
		"SELECT g.message_id, g.name_address, g.reply_org, m.org, g.several_from,"
		"  g.from_encoded, g.asks_payment OR g.bank_change"
		"   OR g.reply_org IN (SELECT org FROM lookalikes), m.kind = 1"
		" FROM temp.trust_scope t CROSS JOIN trust_signals g ON g.message_id = t.message_id"
		" JOIN messages m ON m.message_id = g.message_id",
		err);
	struct row *rows;
	size_t n;
	vt_status rc = rows_read(s, st, 4, 4, &rows, &n, err);

	for (size_t i = 0; rc == VT_OK && i < n; i++) {
		const char *id = rows[i].col[0], *shown = rows[i].col[1], *reply = rows[i].col[2];
		const char *org = rows[i].col[3];
		bool several = rows[i].num[0], encoded = rows[i].num[1], money = rows[i].num[2];
		bool vendor_mail = rows[i].num[3];
		char shown_org[MAIL_DOMAIN_MAX], *text = NULL, *a = NULL, *b = NULL;
		struct mail_lookalike like;
		bool misspelt;

		if (*shown != '\0') {
			a = mail_domain_display(shown);
			b = mail_domain_display(*org ? org : "nowhere");
			if (a && b &&
			    asprintf(&text, "the display name shows %s; the mail is from %s", a,
				     b) >= 0)
				rc = suspect(s, id, VT_SUSPECT_NAME, text,
					     mail_org_domain(shown, shown_org, sizeof shown_org)
						     ? shown_org
						     : NULL,
					     err);
			free(text);
			free(a);
			free(b);
			text = a = b = NULL;
		}
		if (rc == VT_OK && several)
			rc = suspect(s, id, VT_SUSPECT_NAME,
				     "From lists addresses of more than one organisation", org,
				     err);
		if (rc == VT_OK && encoded)
			rc = suspect(s, id, VT_SUSPECT_NAME,
				     "From's address is hidden in an encoded word", NULL, err);
		/* replies to a misspelling of the sender's own domain: the
		 * first step of the scam ("who handles accounts payable?"),
		 * money or not, before that domain ever sent mail; said so */
		misspelt = *reply != '\0' && *org != '\0' && vendor_mail &&
			   misspells(reply, org, &like);
		if (rc == VT_OK &&
		    (misspelt || replies_go_astray(reply, org, vendor_mail, money)) &&
		    (a = mail_domain_display(reply)) != NULL &&
		    (b = mail_domain_display(org)) != NULL &&
		    (misspelt ? asprintf(&text, "replies go to %s, which looks like %s (%s)", a, b,
					 like.why)
			      : asprintf(&text, "replies go to %s, not %s", a, b)) >= 0)
			rc = suspect(s, id, VT_SUSPECT_REPLYTO, text, org, err);
		free(text);
		free(a);
		free(b);
	}
	rows_free(rows, n);
	return rc;
}

/* ---- names that are somebody else's ---- */

/* Organisation names the user knows, by their letters only ("acmetel",
 * "acmenetworks"), sorted for bsearch. */
struct known_names {
	struct name_entry {
		char key[64];
		char *org;
	} * items;
	size_t count;
};

static void
letters_only(const char *in, size_t len, char *out, size_t outlen)
{
	size_t o = 0;

	for (size_t i = 0; i < len && in[i] && o + 1 < outlen; i++)
		if (isalnum((unsigned char)in[i]))
			out[o++] = (char)tolower((unsigned char)in[i]);
	out[o] = '\0';
}

static int
cmp_name(const void *a, const void *b)
{
	return strcmp(((const struct name_entry *)a)->key, ((const struct name_entry *)b)->key);
}

/* The domains the user trusts or has written to: the ones whose name (or
 * whose people's names) a stranger must not use. Mere history is not
 * enough here: newsletters name other companies all the time
 * ("Lockergnome Apple Core"), and people write from work and from home. */
/* clang-format off */
#define RELATIONSHIP(domain) "(v.bucket = 1 OR " VT_SQL_WROTE_TO(domain) ")"
static const char anchors[] =
	"SELECT d.domain FROM vendor_domains d JOIN vendors v ON v.id = d.vendor_id"
	" WHERE " RELATIONSHIP("d.domain");
/* clang-format on */

static vt_status
known_names_load(struct vt_store *s, struct known_names *out, struct vt_error *err)
{
	struct strings orgs = { 0 };
	vt_status rc = strings_read(s, vt_sql_prepare(s, anchors, err), &orgs, err);

	memset(out, 0, sizeof *out);
	if (rc == VT_OK && orgs.count > 0 &&
	    (out->items = calloc(orgs.count, sizeof *out->items)) == NULL)
		rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
	for (size_t i = 0; rc == VT_OK && i < orgs.count; i++) {
		struct name_entry *e = &out->items[out->count];

		letters_only(orgs.items[i], strcspn(orgs.items[i], "."), e->key, sizeof e->key);
		/* short names are words ("sun", "box"): not a signal */
		if (strlen(e->key) < 5)
			continue;
		e->org = orgs.items[i];
		orgs.items[i] = NULL;
		out->count++;
	}
	strings_clear(&orgs);
	if (out->count > 1)
		qsort(out->items, out->count, sizeof *out->items, cmp_name);
	return rc;
}

static void
known_names_clear(struct known_names *k)
{
	for (size_t i = 0; i < k->count; i++)
		free(k->items[i].org);
	free(k->items);
	memset(k, 0, sizeof *k);
}

/* The words of a display name (ASCII letters and digits), letters
 * spaced out run together as one ("A c m e T e l Billing" is the words
 * AcmeTel and Billing: written so, it passed for nobody's name). */
#define NAME_WORDS 16
static size_t
name_words(const char *name, const char *words[NAME_WORDS], size_t lens[NAME_WORDS], bool *spaced)
{
	bool single[NAME_WORDS];
	size_t n = 0, run = 0;

	*spaced = false;
	for (const char *p = name; *p && n < NAME_WORDS;) {
		const char *start;

		while (*p && !isalnum((unsigned char)*p))
			p++;
		if (*p == '\0')
			break;
		start = p;
		while (isalnum((unsigned char)*p))
			p++;
		/* (the spaces between are not letters: letters_only drops them) */
		if (p - start == 1 && n > 0 && single[n - 1]) {
			lens[n - 1] = (size_t)(p - words[n - 1]);
			*spaced = *spaced || ++run >= 3;
			continue;
		}
		run = 1;
		words[n] = start;
		lens[n] = (size_t)(p - start);
		single[n] = p - start == 1;
		n++;
	}
	return n;
}

/* The known organisation whose name the display name carries (one to
 * three of its words run together: "AcmeTel Billing", "Acme Networks"),
 * other than org's own vendor's; NULL for none. */
static const char *
name_used(struct vt_store *s, const struct known_names *k, const char *name, const char *org)
{
	const char *words[NAME_WORDS];
	bool spaced;
	size_t lens[NAME_WORDS], n = name_words(name, words, lens, &spaced);

	for (size_t i = 0; i < n; i++) {
		struct name_entry probe = { .key = "" };

		for (size_t j = i; j < n && j < i + 3; j++) {
			char word[64];
			struct name_entry *hit;

			letters_only(words[j], lens[j], word, sizeof word);
			if (strlen(probe.key) + strlen(word) + 1 > sizeof probe.key)
				break;
			strcat(probe.key, word);
			hit = k->count ? bsearch(&probe, k->items, k->count, sizeof *k->items,
						 cmp_name)
				       : NULL;
			if (hit == NULL || strcmp(hit->org, org) == 0)
				continue;
			/* the vendor's own other domains may use its name */
			char *a = vt_vendor_slug_for_org(s, hit->org),
			     *b = vt_vendor_slug_for_org(s, org);
			bool same = a && b && strcmp(a, b) == 0;

			free(a);
			free(b);
			if (!same)
				return hit->org;
		}
	}
	return NULL;
}

static bool
spaced_out(const char *name)
{
	const char *words[NAME_WORDS];
	size_t lens[NAME_WORDS];
	bool spaced;

	name_words(name, words, lens, &spaced);
	return spaced;
}

/* The organisation of a contact the user has standing with whose name,
 * letters only, is name's: for a name spaced out ("D a n a Reyes"),
 * which no index finds, so read through the contacts' names (rare:
 * only such names ask). NULL for none. */
static char *
contact_spaced_out(struct vt_store *s, const char *name, char *contact, size_t contact_len,
		   struct vt_error *err)
{
	/* clang-format off */
	sqlite3_stmt *st = vt_sql_prepare(
		s,
		"SELECT DISTINCT s.name, s.org FROM vendors v JOIN vendor_domains d ON d.vendor_id = v.id"
		" CROSS JOIN sightings s ON s.org = d.domain"
		" WHERE s.field = 0 AND s.name <> '' AND " RELATIONSHIP("d.domain"),
		err);
	/* clang-format on */
	char key[128], other[128], *org = NULL;

	letters_only(name, strlen(name), key, sizeof key);
	if (st == NULL || strlen(key) < 6)
		return NULL;
	while (org == NULL && sqlite3_step(st) == SQLITE_ROW) {
		const char *n = (const char *)sqlite3_column_text(st, 0);

		letters_only(n, strlen(n), other, sizeof other);
		if (strcmp(key, other) == 0) {
			org = vt_strdup0((const char *)sqlite3_column_text(st, 1));
			snprintf(contact, contact_len, "%s", n);
		}
	}
	sqlite3_reset(st);
	return org;
}

/* Someone who names a known vendor while writing from another domain; a
 * freemail sender under a contact's name; or, asking to be paid, a
 * stranger's domain under a contact's name. */
static vt_status
judge_names(struct vt_store *s, struct vt_error *err)
{
	/* clang-format off */
	sqlite3_stmt *st = vt_sql_prepare(
		s,
		"SELECT t.message_id, m.org, coalesce(n.name, g.display_name), m.kind,"
		"  coalesce(g.asks_payment OR g.bank_change, 0)"
		"   OR EXISTS (SELECT 1 FROM payment_details p WHERE p.message_id = m.message_id),"
		"  m.kind = 1 AND NOT EXISTS (SELECT 1 FROM vendor_domains d"
		"   JOIN vendors v ON v.id = d.vendor_id WHERE d.domain = m.org"
		"   AND " RELATIONSHIP("d.domain") ")"
		" FROM temp.trust_scope t CROSS JOIN messages m ON m.message_id = t.message_id"
		" LEFT JOIN sightings n ON n.message_id = t.message_id AND n.field = 0"
		" LEFT JOIN trust_signals g ON g.message_id = t.message_id"
		" WHERE m.direction = 0 AND m.kind IN (1, 2)"
		"  AND coalesce(n.name, g.display_name, '') <> ''",
		err);
	/* clang-format on */
	struct known_names known = { 0 };
	struct row *rows = NULL;
	size_t n = 0;
	vt_status rc = rows_read(s, st, 3, 3, &rows, &n, err);

	if (rc == VT_OK && n > 0)
		rc = known_names_load(s, &known, err);
	for (size_t i = 0; rc == VT_OK && i < n; i++) {
		const char *id = rows[i].col[0], *org = rows[i].col[1], *name = rows[i].col[2];
		const char *used = name_used(s, &known, name, org);
		char *text = NULL, *a = mail_domain_display(used ? used : org),
		     *b = mail_domain_display(org);

		char scripts[96], contact[128] = "";

		if (used != NULL && a && b &&
		    asprintf(&text, "%s%s uses the name of %s", b,
			     rows[i].num[0] == MAIL_KIND_PERSONAL ? " (freemail)" : "", a) >= 0)
			rc = suspect(s, id, VT_SUSPECT_NAME, text, used, err);
		free(text);
		text = NULL;
		/* "D\u0430na Reyes", a Cyrillic a in it: no index of names finds
		 * it, and nobody writes their name so */
		if (rc == VT_OK && mail_name_mixes_scripts(name, scripts, sizeof scripts) &&
		    asprintf(&text, "the display name mixes %s letters in a word", scripts) >= 0)
			rc = suspect(s, id, VT_SUSPECT_NAME, text, NULL, err);
		free(text);
		text = NULL;
		/* a freemail sender with a vendor contact's full name, or
		 * one of a domain the user has no standing with asking to be
		 * paid (people change jobs: not for that alone) */
		bool freemail = rows[i].num[0] == MAIL_KIND_PERSONAL, money = rows[i].num[1];
		bool stranger = rows[i].num[2];

		if (rc == VT_OK && used == NULL && (freemail || (stranger && money)) &&
		    strchr(name, ' ') != NULL && strchr(name, '@') == NULL) {
			/* clang-format off */
			sqlite3_stmt *c = vt_sql_prepare(
				s,
				"SELECT s.org FROM sightings s JOIN vendor_domains d ON d.domain = s.org"
				" JOIN vendors v ON v.id = d.vendor_id"
				" WHERE s.name = ?1 AND s.field = 0 AND s.org <> ?2"
				"  AND " RELATIONSHIP("s.org") " LIMIT 1",
				err);
			/* clang-format on */
			char *contact_org = NULL;

			if (c == NULL) {
				rc = err ? err->status : VT_ERR_DB;
			} else {
				sqlite3_bind_text(c, 1, name, -1, SQLITE_STATIC);
				sqlite3_bind_text(c, 2, org, -1, SQLITE_STATIC);
				if (sqlite3_step(c) == SQLITE_ROW)
					contact_org =
						vt_strdup0((const char *)sqlite3_column_text(c, 0));
				sqlite3_reset(c);
			}
			if (rc == VT_OK && contact_org == NULL && spaced_out(name))
				contact_org =
					contact_spaced_out(s, name, contact, sizeof contact, err);
			/* people write from home too: an address that wrote
			 * before is somebody the user has heard from, unless it
			 * asks to be paid (a scam's harmless first mail made its
			 * second, with the new IBAN, a known correspondent's) */
			if (contact_org != NULL && !money) {
				int64_t before = 0;

				rc = vt_sql_int(s,
						"SELECT EXISTS (SELECT 1 FROM messages m CROSS JOIN"
						" messages e ON e.from_addr = m.from_addr"
						" AND e.date < m.date WHERE m.message_id = ?1)",
						&before, err, "t", id);
				if (before) {
					free(contact_org);
					contact_org = NULL;
				}
			}
			if (rc == VT_OK && contact_org != NULL &&
			    asprintf(&text, "%s%s uses the name of %s, a contact at %s%s", b,
				     freemail ? " (freemail)" : "", contact[0] ? contact : name,
				     contact_org, freemail ? "" : ", and asks to be paid") >= 0)
				rc = suspect(s, id, VT_SUSPECT_NAME, text, contact_org, err);
			free(contact_org);
			free(text);
		}
		free(a);
		free(b);
	}
	known_names_clear(&known);
	rows_free(rows, n);
	return rc;
}

/* ---- money ---- */

/* The bank details the user accepted for a vendor (vt_bank_accept),
 * from any of its domains, for the detail in p.kind and p.value of the
 * vendor p.vendor_id. */
#define ACCEPTED_FOR_VENDOR(vendor_id)                                                             \
	"EXISTS (SELECT 1 FROM bank_accepted a JOIN vendor_domains ad ON ad.domain = a.org"        \
	" WHERE ad.vendor_id = " vendor_id " AND a.kind = p.kind AND a.value = p.value)"

/* A row of a vendor's payment mail, for the walk below. */
enum {
	PAY_IMPOSTOR = 1, /* its sender is judged someone else */
	PAY_WORDED = 2,   /* it says the bank details have changed */
	PAY_ACCEPTED = 4, /* the user accepted this detail for the vendor */
	PAY_VENDOR = 8,   /* vendor or list mail: judged (else a witness) */
};

/* A bank detail a vendor's mail gave, as of the date walked to. */
struct detail_seen {
	const char *kind, *value; /* the rows' */
	char *key;                /* "kind:value", its key in details_seen */
	bool known;               /* in mail not judged suspicious, or accepted */
};

/*
 * The details of one vendor's mail walked so far, found by kind and
 * value, with those it can count on listed apart: a vendor whose mail
 * gives a new IBAN each time (a flood of it from one domain) made each
 * run's walk compare every detail with every other, and those it can
 * count on are few.
 */
struct details_seen {
	struct detail_seen *items; /* in the order first seen */
	size_t n;
	struct vt_strmap by_key; /* to the index in items */
	size_t *known;           /* indices of the known ones */
	size_t n_known;
};

static void
details_clear(struct details_seen *ds)
{
	for (size_t i = 0; i < ds->n; i++)
		free(ds->items[i].key);
	free(ds->items);
	free(ds->known);
	vt_strmap_clear(&ds->by_key);
	memset(ds, 0, sizeof *ds);
}

/* Room for the details of rows of one vendor (at most one each). */
static bool
details_begin(struct details_seen *ds, size_t rows)
{
	details_clear(ds);
	ds->items = malloc((rows ? rows : 1) * sizeof *ds->items);
	ds->known = malloc((rows ? rows : 1) * sizeof *ds->known);
	return ds->items != NULL && ds->known != NULL;
}

static const struct detail_seen *
seen_find(const struct details_seen *ds, const char *kind, const char *value)
{
	char *key;
	size_t *at = NULL;

	if (ds->n == 0 || asprintf(&key, "%s:%s", kind, value) < 0)
		return NULL;
	at = vt_strmap_get(&ds->by_key, key);
	free(key);
	return at ? &ds->items[*at] : NULL;
}

/* Whether the account number is inside the IBAN's national part, as a
 * country's IBAN is made of its bank code and account number ("Konto
 * 532013000" of DE89 3704 0044 0532 0130 00). */
static bool
account_in_iban(const char *account, const char *iban)
{
	account += strspn(account, "0");
	return strlen(iban) > 4 && strlen(account) >= 6 && strstr(iban + 4, account) != NULL;
}

/* Whether the detail is a known one of the other kind written otherwise:
 * the account inside a known IBAN, or an IBAN holding a known account. */
static bool
same_account_as_known(const struct details_seen *ds, const char *kind, const char *value)
{
	bool iban = strcmp(kind, "iban") == 0;

	for (size_t i = 0; i < ds->n_known; i++) {
		const struct detail_seen *d = &ds->items[ds->known[i]];

		if (strcmp(d->kind, kind) != 0 &&
		    (iban ? account_in_iban(d->value, value) : account_in_iban(value, d->value)))
			return true;
	}
	return false;
}

/* The end of the rows from i on of one vendor (by 0), one date of it
 * (by 1) or one message of that (by 2). */
static size_t
rows_group_end(const struct row *rows, size_t n, size_t i, int by)
{
	size_t j = i;

	while (j < n && rows[j].num[0] == rows[i].num[0] &&
	       (by < 1 || rows[j].num[1] == rows[i].num[1]) &&
	       (by < 2 || strcmp(rows[j].col[0], rows[i].col[0]) == 0))
		j++;
	return j;
}

/* The reason of the message rows[a..b) (one message), or NULL (none):
 * a detail unlike every one of its kind the user can count on (the
 * vendor's own, not suspicious, or accepted). One new IBAN is enough: an
 * old one named beside it, "no longer to be used", cleared the mail
 * before. A detail that came before only in suspicious mail is no more
 * the vendor's for coming again: the scam's follow-up repeats it. A
 * detail of a kind the vendor never gave is new too, unless it is a known
 * one of the other kind written otherwise: a vendor that was paid by
 * IBAN asking for a transfer to a sort code and account number passed. */
static char *
differing_reason(const struct row *rows, size_t a, size_t b, const struct details_seen *ds,
		 int64_t earlier)
{
	char *text = NULL;

	for (size_t i = a; i < b; i++) {
		const struct row *r = &rows[i];
		const struct detail_seen *d;
		size_t same_kind = SIZE_MAX, any = SIZE_MAX;

		if ((r->num[2] & PAY_ACCEPTED) || ds->n == 0 ||
		    same_account_as_known(ds, r->col[1], r->col[2]))
			continue;
		const char *known = NULL;

		d = seen_find(ds, r->col[1], r->col[2]);
		if (d != NULL && d->known)
			continue;
		/* the one to compare it with: the newest of its kind the user
		 * can count on, else the first of any */
		for (size_t k = 0; k < ds->n_known; k++) {
			size_t at = ds->known[k];

			if (strcmp(ds->items[at].kind, r->col[1]) == 0 &&
			    (same_kind == SIZE_MAX || at > same_kind))
				same_kind = at;
			if (at < any)
				any = at;
		}
		if (same_kind != SIZE_MAX)
			known = ds->items[same_kind].value;
		else if (any != SIZE_MAX)
			known = ds->items[any].value;
		if (asprintf(&text, "bank details differ from %lld earlier %s mail%s: %s %s%s%s%s",
			     (long long)earlier, r->col[3], earlier == 1 ? "" : "s", r->col[2],
			     d ? "came before only in suspicious mail" : "is new",
			     known ? " (the known one: " : "", known ? known : "",
			     known ? ")" : "") < 0)
			text = NULL;
		return text ? text : strdup("bank details differ from the vendor's earlier mail");
	}
	return NULL;
}

/* The details of rows[a..b) (one message) seen: known when the message
 * counts (judged nothing, its sender the vendor's). The vendor's rows
 * fit (details_begin); false when out of memory. */
static bool
seen_add(struct details_seen *ds, const struct row *rows, size_t a, size_t b, bool counts)
{
	for (size_t i = a; i < b; i++) {
		struct detail_seen *d = &ds->items[ds->n];
		size_t *at;
		bool added;

		if (asprintf(&d->key, "%s:%s", rows[i].col[1], rows[i].col[2]) < 0)
			return false;
		if ((at = vt_strmap_add(&ds->by_key, d->key, ds->n, &added)) == NULL) {
			free(d->key);
			return false;
		}
		if (added) {
			d->kind = rows[i].col[1];
			d->value = rows[i].col[2];
			d->known = false;
			ds->n++;
		} else {
			free(d->key);
		}
		d = &ds->items[*at];
		if (!d->known && (counts || (rows[i].num[2] & PAY_ACCEPTED))) {
			d->known = true;
			ds->known[ds->n_known++] = *at;
		}
	}
	return true;
}

/* The organisation a message's payment mail speaks for: the one it
 * imitates when it is a look-alike (malloc'd, or NULL). */
static char *
money_like(struct vt_store *s, const char *message_id, struct vt_error *err)
{
	sqlite3_stmt *o =
		vt_sql_prepare(s,
			       "SELECT coalesce(l.like_org, m.org) FROM messages m"
			       " LEFT JOIN lookalikes l ON l.org = m.org WHERE m.message_id = ?",
			       err);
	char *like = NULL;

	if (o == NULL)
		return NULL;
	sqlite3_bind_text(o, 1, message_id, -1, SQLITE_STATIC);
	if (sqlite3_step(o) == SQLITE_ROW)
		like = vt_strdup0((const char *)sqlite3_column_text(o, 0));
	sqlite3_reset(o);
	return like;
}

/* A bank verdict of this run, into temp.bank_verdicts (judge_money). */
static vt_status
bank_verdict(struct vt_store *s, const char *message_id, const char *detail, const char *like_org,
	     struct vt_error *err)
{
	return vt_sql_run(s,
			  "INSERT OR IGNORE INTO temp.bank_verdicts (message_id, detail, like_org)"
			  " VALUES (?, ?, ?)",
			  "record suspicion", err, "ttt", message_id, detail,
			  like_org ? like_org : "");
}

/*
 * Each vendor's payment mail walked in date order, what it can count on
 * growing as it goes: a message is judged against the details of the
 * vendor's earlier mail that was not itself judged (a detail only
 * suspicious mail gave stays new until the user accepts it), which a
 * statement cannot say of rows it is judging. vt_bank_list says the
 * same of each detail once all the mail is walked.
 */
static vt_status
judge_differing(struct vt_store *s, struct vt_error *err)
{
	/* clang-format off */
	static const char walked[] =
		"SELECT p.message_id, p.kind, p.value, coalesce(v.name, m.org),"
		"  p.vendor_id, p.date,"
		"  (CASE WHEN " VT_SQL_NOT_IMPOSTOR("p.message_id") " THEN 0 ELSE 1 END)"
		"  | (CASE WHEN EXISTS (SELECT 1 FROM temp.bank_verdicts b"
		"     WHERE b.message_id = p.message_id) THEN 2 ELSE 0 END)"
		"  | (CASE WHEN " ACCEPTED_FOR_VENDOR("p.vendor_id") " THEN 4 ELSE 0 END)"
		"  | (CASE WHEN m.kind IN (1, 3) THEN 8 ELSE 0 END)"
		" FROM temp.payments p CROSS JOIN messages m ON m.message_id = p.message_id"
		" JOIN vendors v ON v.id = p.vendor_id"
		" ORDER BY p.vendor_id, p.date, p.message_id, p.kind, p.value";
	/* clang-format on */
	struct row *rows = NULL;
	struct details_seen seen = { 0 };
	size_t n = 0;
	vt_status rc = rows_read(s, vt_sql_prepare(s, walked, err), 4, 3, &rows, &n, err);

	for (size_t v = 0; rc == VT_OK && v < n;) {
		size_t v_end = rows_group_end(rows, n, v, 0);
		int64_t earlier = 0;

		if (!details_begin(&seen, v_end - v))
			rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
		for (size_t d = v; rc == VT_OK && d < v_end;) {
			size_t d_end = rows_group_end(rows, n, d, 1), messages = 0;

			/* mail of one date judged against the dates before */
			for (size_t m = d; rc == VT_OK && m < d_end; messages++) {
				size_t m_end = rows_group_end(rows, n, m, 2);
				char *text =
					(rows[m].num[2] & PAY_VENDOR)
						? differing_reason(rows, m, m_end, &seen, earlier)
						: NULL;
				char *like = text ? money_like(s, rows[m].col[0], err) : NULL;

				if (text != NULL) {
					rc = bank_verdict(s, rows[m].col[0], text, like, err);
					rows[m].num[2] |= PAY_WORDED;
				}
				free(text);
				free(like);
				m = m_end;
			}
			for (size_t m = d; rc == VT_OK && m < d_end;) {
				size_t m_end = rows_group_end(rows, n, m, 2);

				if (!seen_add(&seen, rows, m, m_end,
					      !(rows[m].num[2] & (PAY_IMPOSTOR | PAY_WORDED))))
					rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
				m = m_end;
			}
			earlier += (int64_t)messages;
			d = d_end;
		}
		v = v_end;
	}
	details_clear(&seen);
	rows_free(rows, n);
	return rc;
}

/*
 * Bank details are judged against the vendor's earlier mail, so every
 * run judges all payment mail again (there is little of it): "bank
 * details have changed" wording (unless the user accepted every detail
 * the mail gives), details unlike the vendor's earlier ones, and a
 * first mail from a domain the user has no history with that asks to
 * be paid.
 */
static vt_status
judge_money(struct vt_store *s, struct vt_error *err)
{
	/* clang-format off */
	static const char changed[] =
		"SELECT g.message_id, m.org FROM trust_signals g"
		" CROSS JOIN messages m USING (message_id)"
		" LEFT JOIN vendor_domains md ON md.domain = m.org"
		" WHERE g.bank_change = 1 AND m.direction = 0"
		"  AND NOT (EXISTS (SELECT 1 FROM payment_details p"
		"    WHERE p.message_id = m.message_id AND p.kind IN ('iban', 'account'))"
		"   AND NOT EXISTS (SELECT 1 FROM payment_details p"
		"    WHERE p.message_id = m.message_id AND p.kind IN ('iban', 'account')"
		"     AND NOT " ACCEPTED_FOR_VENDOR("md.vendor_id") "))";
	/* clang-format on */
	/* Every vendor's bank details with when they came, once: asked
	 * from the vendor's side, "its earlier mail" meant walking all of it
	 * (a vendor of 30,000 messages, for each payment mail, each run).
	 * When is the receiving server's word where it gave one: new
	 * details dated back by the sender (a compromised mailbox) were the
	 * vendor's first, and its real ones the change. */
	static const char payments[] =
		"DROP TABLE IF EXISTS temp.payments;"
		"CREATE TEMP TABLE payments AS"
		" SELECT e.message_id, ed.vendor_id,"
		"  coalesce(nullif(g.arrived, 0), em.date) AS date, e.kind, e.value"
		" FROM payment_details e CROSS JOIN messages em ON em.message_id = e.message_id"
		" JOIN vendor_domains ed ON ed.domain = em.org"
		" LEFT JOIN trust_signals g ON g.message_id = e.message_id"
		" WHERE em.direction = 0 AND e.kind IN ('iban', 'account')";
	/* clang-format off */
	static const char first_asks[] =
		"SELECT m.message_id, m.org FROM trust_signals g CROSS JOIN messages m USING (message_id)"
		" JOIN vendor_domains d ON d.domain = m.org JOIN vendors v ON v.id = d.vendor_id"
		" WHERE g.asks_payment = 1 AND m.kind = 1 AND m.direction = 0 AND v.bucket = 0"
		"  AND NOT EXISTS (SELECT 1 FROM messages e WHERE e.org = m.org AND e.kind = 1"
		"   AND e.direction = 0 AND e.date < m.date) AND NOT " VT_SQL_WROTE_TO("m.org");
	/* clang-format on */
	/* This run's verdicts, then only what changed written: each run
	 * judges all payment mail, and writing every verdict again (20,000
	 * of them from one flooding domain) was most of a run. */
	static const char verdicts[] =
		"DROP TABLE IF EXISTS temp.bank_verdicts;"
		"CREATE TEMP TABLE bank_verdicts (message_id TEXT NOT NULL, detail TEXT NOT NULL,"
		" like_org TEXT NOT NULL, PRIMARY KEY (message_id, detail)) WITHOUT ROWID";
	static const char changes[] =
		"DELETE FROM suspicions WHERE reason = '" VT_SUSPECT_BANK "' AND NOT EXISTS"
		" (SELECT 1 FROM temp.bank_verdicts t WHERE t.message_id = suspicions.message_id"
		"  AND t.detail = suspicions.detail AND t.like_org = suspicions.like_org);"
		"INSERT OR IGNORE INTO suspicions (message_id, reason, detail, like_org, org)"
		" SELECT t.message_id, '" VT_SUSPECT_BANK "', t.detail, t.like_org,"
		"  coalesce((SELECT org FROM messages WHERE message_id = t.message_id), '')"
		" FROM temp.bank_verdicts t;"
		"DROP TABLE temp.bank_verdicts";
	struct row *rows = NULL;
	size_t n = 0;
	vt_status rc = vt_sql_exec(s, verdicts, err);

	/* The wording first: the walk counts on no detail of such mail. The
	 * first mail of a domain after it: it says the domain is new, not
	 * that its details are wrong (a new vendor's every later invoice was
	 * "unverified" for it). */
	for (int pass = 0; rc == VT_OK && pass < 2; pass++) {
		if (pass == 1 && (rc = vt_sql_exec(s, payments, err)) == VT_OK &&
		    (rc = judge_differing(s, err)) == VT_OK)
			rc = vt_sql_exec(s, "DROP TABLE IF EXISTS temp.payments", err);
		if (rc != VT_OK)
			break;
		rc = rows_read(s, vt_sql_prepare(s, pass == 0 ? changed : first_asks, err), 2, 0,
			       &rows, &n, err);
		for (size_t i = 0; rc == VT_OK && i < n; i++) {
			char *like = money_like(s, rows[i].col[0], err), *text = NULL,
			     *shown = NULL;

			if (pass == 0) {
				rc = bank_verdict(s, rows[i].col[0],
						  "says the bank details have changed", like, err);
			} else if ((shown = mail_domain_display(rows[i].col[1])) != NULL &&
				   asprintf(&text, VT_FIRST_ASKS "%s asks to be paid", shown) >=
					   0) {
				rc = bank_verdict(s, rows[i].col[0], text, like, err);
			}
			free(text);
			free(shown);
			free(like);
		}
		rows_free(rows, n);
		rows = NULL;
		n = 0;
	}
	return rc == VT_OK ? vt_sql_exec(s, changes, err) : rc;
}

vt_status
vt_trust_judge_money(struct vt_store *s, struct vt_error *err)
{
	vt_status rc = judge_money(s, err);

	/* the messages' documents say the old verdicts until the next
	 * index run's vt_trust_mirror */
	return rc == VT_OK ? vt_meta_set(s, "suspect_marks", "judged", err) : rc;
}

/* ---- the refresh after indexing ---- */

/* A kill asked for (SIGTERM, ^C) between the steps of a pass that takes
 * a minute at a million messages. */
static vt_status
stop_if(volatile const sig_atomic_t *interrupted, struct vt_error *err)
{
	if (interrupted == NULL || !*interrupted)
		return VT_OK;
	return vt_fail(err, VT_ERR_INTERRUPTED,
		       "interrupted while judging the mail; the next run judges it all again");
}

vt_status
vt_trust_refresh(struct vt_store *s, const struct vt_config *cfg, bool mail_changed, bool full,
		 volatile const sig_atomic_t *interrupted, struct vt_error *err)
{
	char *learned = NULL, *believed = NULL, *context = NULL, *before = NULL, *names = NULL;
	vt_status rc = VT_OK;

	/* the server whose headers are believed */
	if (mail_changed && (cfg == NULL || cfg->n_authserv_ids == 0)) {
		char *was = vt_meta_get(s, "authserv_learned");

		learned = learned_authserv(s);
		if (learned != NULL && (was == NULL || strcmp(was, learned) != 0))
			rc = vt_meta_set(s, "authserv_learned", learned, err);
		free(was);
	}
	believed = vt_trust_authserv(s, cfg);
	if (rc == VT_OK &&
	    (believed == NULL || asprintf(&context, "%s %s", TRUST_RULES_REV, believed) < 0))
		rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
	before = vt_meta_get(s, "trust_context");
	if (rc == VT_OK && (before == NULL || strcmp(before, context) != 0))
		full = true;
	names = vt_meta_get(s, "names_stale");
	/* Verdicts change with mail, triage (judged there, but for the
	 * names: below) and the rules: a run that found the index as it
	 * left it has nothing to judge. */
	if (rc == VT_OK && !mail_changed && !full && names == NULL)
		goto out;
	if (rc == VT_OK)
		rc = compare_new_domains(s, err);
	if (rc == VT_OK && (rc = stop_if(interrupted, err)) == VT_OK)
		rc = vt_trust_judge_domains(s, err);
	if (rc == VT_OK)
		rc = stop_if(interrupted, err);
	if (rc == VT_OK && (rc = vt_store_begin(s, err)) == VT_OK) {
		/* (and the user's own domain's mail its server failed) */
		if (full)
			rc = vt_sql_exec(s,
					 "DELETE FROM suspicions;"
					 "INSERT OR IGNORE INTO temp.trust_scope"
					 " SELECT message_id FROM messages WHERE direction = 0"
					 " UNION SELECT message_id FROM auth_results",
					 err);
		/* A vendor trusted, merged or given a domain since the last run
		 * makes its people's names known: strangers' mail under them
		 * is judged again (a freemail "Dana Reyes" asking to be paid
		 * passed until the next --full-scan). */
		if (rc == VT_OK && !full && names != NULL)
			rc = vt_sql_exec(s,
					 "INSERT OR IGNORE INTO temp.trust_scope SELECT message_id"
					 " FROM trust_signals WHERE display_name <> ''",
					 err);
		if (rc == VT_OK && !full)
			rc = vt_sql_exec(s,
					 "DELETE FROM suspicions WHERE message_id IN"
					 " (SELECT message_id FROM temp.trust_scope)",
					 err);
		if (rc == VT_OK)
			rc = judge_auth(s, believed, err);
		if (rc == VT_OK)
			rc = judge_unauthenticated(s, believed, err);
		if (rc == VT_OK && (rc = stop_if(interrupted, err)) == VT_OK)
			rc = judge_headers(s, err);
		if (rc == VT_OK && (rc = stop_if(interrupted, err)) == VT_OK)
			rc = judge_names(s, err);
		if (rc == VT_OK && (rc = stop_if(interrupted, err)) == VT_OK)
			rc = judge_money(s, err);
		if (rc == VT_OK)
			rc = stop_if(interrupted, err);
		if (rc == VT_OK)
			rc = vt_meta_set(s, "trust_context", context, err);
		if (rc == VT_OK && names != NULL)
			rc = vt_sql_run(s, "DELETE FROM meta WHERE key = 'names_stale'",
					"judge names", err, "");
		/* the messages' documents say the old verdicts until
		 * vt_trust_mirror */
		if (rc == VT_OK)
			rc = vt_meta_set(s, "suspect_marks", "judged", err);
		if (rc == VT_OK)
			rc = vt_sql_exec(s, "DELETE FROM temp.trust_scope", err);
		if (rc == VT_OK)
			rc = vt_store_commit(s, err);
		else
			vt_store_rollback(s);
	}
out:
	free(learned);
	free(believed);
	free(context);
	free(before);
	free(names);
	return rc;
}

vt_status
vt_trust_names_stale(struct vt_store *s, struct vt_error *err)
{
	return vt_meta_set(s, "names_stale", "1", err);
}

vt_status
vt_trust_vendors_changed(struct vt_store *s, struct vt_error *err)
{
	vt_status rc = vt_trust_judge_domains(s, err);

	return rc == VT_OK ? vt_trust_names_stale(s, err) : rc;
}

/* ---- the verdicts on the messages' documents ---- */

struct marks {
	char **ids, **reasons; /* by message id, as sqlite orders them */
	size_t n, cap;
};

static void
marks_clear(struct marks *m)
{
	for (size_t i = 0; i < m->n; i++) {
		free(m->ids[i]);
		free(m->reasons[i]);
	}
	free(m->ids);
	free(m->reasons);
	memset(m, 0, sizeof *m);
}

static bool
marks_add(struct marks *m, const char *id, const char *reasons)
{
	if (m->n == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 256;
		char **ids = realloc(m->ids, cap * sizeof *ids), **reasons_grown;

		if (ids == NULL)
			return false;
		m->ids = ids;
		if ((reasons_grown = realloc(m->reasons, cap * sizeof *reasons_grown)) == NULL)
			return false;
		m->reasons = reasons_grown;
		m->cap = cap;
	}
	m->ids[m->n] = strdup(id);
	m->reasons[m->n] = reasons ? strdup(reasons) : NULL;
	if (m->ids[m->n] == NULL || (reasons && m->reasons[m->n] == NULL)) {
		free(m->ids[m->n]);
		free(m->reasons[m->n]);
		return false;
	}
	m->n++;
	return true;
}

/* Each suspicious message with its reasons ("bank replyto": sorted, each
 * once), in message id order. */
static vt_status
judged_marks(struct vt_store *s, struct marks *out, struct vt_error *err)
{
	sqlite3_stmt *st = vt_sql_prepare(
		s, "SELECT DISTINCT message_id, reason FROM suspicions ORDER BY message_id, reason",
		err);
	char reasons[256] = "";
	char *id = NULL;
	vt_status rc = VT_OK;
	int step;

	if (st == NULL)
		return err ? err->status : VT_ERR_DB;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *row_id = (const char *)sqlite3_column_text(st, 0);
		const char *reason = (const char *)sqlite3_column_text(st, 1);

		if (id != NULL && strcmp(id, row_id) != 0) {
			if (!marks_add(out, id, reasons))
				break;
			free(id);
			id = NULL;
		}
		if (id == NULL) {
			if ((id = strdup(row_id)) == NULL)
				break;
			reasons[0] = '\0';
		}
		/* the reasons are few and short (VT_SUSPECT_*) */
		snprintf(reasons + strlen(reasons), sizeof reasons - strlen(reasons), "%s%s",
			 reasons[0] ? " " : "", reason);
	}
	if (step == SQLITE_ROW)
		rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
	else if (step != SQLITE_DONE)
		rc = vt_sql_fail(s, err, step, "read suspicions");
	else if (id != NULL && !marks_add(out, id, reasons))
		rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
	sqlite3_reset(st);
	free(id);
	return rc;
}

static vt_status
written_marks(struct vt_store *s, struct marks *out, struct vt_error *err)
{
	sqlite3_stmt *st =
		vt_sql_prepare(s,
			       "SELECT message_id, reasons FROM suspect_marks ORDER BY message_id",
			       err);
	vt_status rc = VT_OK;
	int step;

	if (st == NULL)
		return err ? err->status : VT_ERR_DB;
	while ((step = sqlite3_step(st)) == SQLITE_ROW)
		if (!marks_add(out, (const char *)sqlite3_column_text(st, 0),
			       (const char *)sqlite3_column_text(st, 1))) {
			rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
			break;
		}
	if (rc == VT_OK && step != SQLITE_DONE)
		rc = vt_sql_fail(s, err, step, "read suspect marks");
	sqlite3_reset(st);
	return rc;
}

/* What differs between the verdicts and the documents: each message
 * whose reasons are not those written (NULL reasons: none now). */
static bool
marks_diff(const struct marks *judged, const struct marks *written, struct marks *out)
{
	size_t j = 0, w = 0;

	while (j < judged->n || w < written->n) {
		int c = j == judged->n    ? 1
			: w == written->n ? -1
					  : strcmp(judged->ids[j], written->ids[w]);

		if (c < 0) {
			if (!marks_add(out, judged->ids[j], judged->reasons[j]))
				return false;
			j++;
		} else if (c > 0) {
			if (!marks_add(out, written->ids[w], NULL))
				return false;
			w++;
		} else {
			if (strcmp(judged->reasons[j], written->reasons[w]) != 0 &&
			    !marks_add(out, judged->ids[j], judged->reasons[j]))
				return false;
			j++;
			w++;
		}
	}
	return true;
}

struct dated {
	long long date;
	size_t i;
};

static int
cmp_dated(const void *a, const void *b)
{
	const struct dated *x = a, *y = b;

	return x->date != y->date ? (x->date < y->date ? -1 : 1) : (x->i > y->i) - (x->i < y->i);
}

/* The changes in the order of their messages' dates: the order a mailbox
 * is mostly indexed in, so that the documents rewritten lie near each
 * other in Xapian's tables (in message id order, as random as the ids,
 * 14,328 at 300,000 messages took 19.8 s, so 15.7 s). */
static vt_status
by_date(struct vt_store *s, const struct marks *change, struct dated *order, struct vt_error *err)
{
	sqlite3_stmt *st = vt_sql_prepare(s, "SELECT date FROM messages WHERE message_id = ?", err);

	if (st == NULL)
		return err ? err->status : VT_ERR_DB;
	for (size_t i = 0; i < change->n; i++) {
		sqlite3_bind_text(st, 1, change->ids[i], -1, SQLITE_STATIC);
		order[i].date = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
		order[i].i = i;
		sqlite3_reset(st);
	}
	qsort(order, change->n, sizeof *order, cmp_dated);
	return VT_OK;
}

vt_status
vt_trust_mirror(struct vt_store *s, struct mail_db *db, volatile const sig_atomic_t *interrupted,
		unsigned *written_now, struct vt_error *err)
{
	struct marks judged = { 0 }, written = { 0 }, change = { 0 };
	struct dated *order = NULL;
	char *state = vt_meta_get(s, "suspect_marks");
	vt_status rc = VT_OK;

	*written_now = 0;
	if (state != NULL && strcmp(state, "current") == 0) {
		free(state);
		return VT_OK;
	}
	free(state);
	if ((rc = judged_marks(s, &judged, err)) == VT_OK &&
	    (rc = written_marks(s, &written, err)) == VT_OK &&
	    !marks_diff(&judged, &written, &change))
		rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
	if (rc == VT_OK && change.n > 1 && (order = calloc(change.n, sizeof *order)) == NULL)
		rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
	if (rc == VT_OK && order != NULL)
		rc = by_date(s, &change, order, err);
	for (size_t k = 0; rc == VT_OK && k < change.n; k++) {
		size_t i = order ? order[k].i : k;

		if ((k & 255) == 0)
			rc = stop_if(interrupted, err);
		if (rc == VT_OK)
			rc = mail_message_set_property_values(db, change.ids[i], MAIL_PROP_SUSPECT,
							      change.reasons[i], err);
	}
	free(order);
	/* the documents first, committed; then what they say is recorded: a
	 * kill between the two writes the same values again next time */
	if (rc == VT_OK && change.n > 0) {
		mail_db_commit_begin(db);
		rc = mail_db_commit_wait(db, err);
		*written_now = (unsigned)change.n;
	}
	if (rc == VT_OK && (rc = vt_store_begin(s, err)) == VT_OK) {
		for (size_t i = 0; rc == VT_OK && i < change.n; i++)
			rc = change.reasons[i]
				     ? vt_sql_run(
					       s,
					       "INSERT OR REPLACE INTO suspect_marks (message_id, reasons)"
					       " VALUES (?, ?)",
					       "record suspect marks", err, "tt", change.ids[i],
					       change.reasons[i])
				     : vt_sql_run(s,
						  "DELETE FROM suspect_marks WHERE message_id = ?",
						  "record suspect marks", err, "t", change.ids[i]);
		if (rc == VT_OK)
			rc = vt_meta_set(s, "suspect_marks", "current", err);
		if (rc == VT_OK)
			rc = vt_store_commit(s, err);
		else
			vt_store_rollback(s);
	}
	marks_clear(&judged);
	marks_clear(&written);
	marks_clear(&change);
	return rc;
}

bool
vt_trust_marks_current(struct vt_store *s)
{
	char *state = vt_meta_get(s, "suspect_marks"), *dirty = vt_meta_get(s, "index_dirty");
	bool current = state != NULL && strcmp(state, "current") == 0 &&
		       (dirty == NULL || strcmp(dirty, "1") != 0);

	free(state);
	free(dirty);
	return current;
}

/* ---- asked before merging and adding domains ---- */

vt_status
vt_trust_domain_resembles(struct vt_store *s, const char *domain, int64_t vendor_id,
			  bool *resembles, char *why, size_t why_len, struct vt_error *err)
{
	struct strings mine = { 0 };
	sqlite3_stmt *st;
	vt_status rc = VT_OK;

	*resembles = false;
	if (why_len)
		why[0] = '\0';
	if (vendor_id == 0) {
		st = vt_sql_prepare(s, "SELECT text FROM lookalikes WHERE org = ?", err);
		if (st == NULL)
			return err ? err->status : VT_ERR_DB;
		sqlite3_bind_text(st, 1, domain, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW) {
			*resembles = true;
			snprintf(why, why_len, "%s", (const char *)sqlite3_column_text(st, 0));
		}
		sqlite3_reset(st);
		return VT_OK;
	}
	/* Compared afresh, not looked up: a domain added by hand may have
	 * sent no mail yet. */
	st = vt_sql_prepare(s, "SELECT domain FROM vendor_domains WHERE vendor_id = ?", err);
	if (st != NULL)
		sqlite3_bind_int64(st, 1, vendor_id);
	rc = strings_read(s, st, &mine, err);
	for (size_t i = 0; rc == VT_OK && !*resembles && i < mine.count; i++) {
		struct mail_lookalike how;
		const char *a = domain, *b = mine.items[i];

		if (!mail_lookalike_compare(a, b, &how)) {
			a = mine.items[i];
			b = domain;
			if (!mail_lookalike_compare(a, b, &how))
				continue;
		}
		char *text = lookalike_text(a, b, how.why);

		*resembles = true;
		snprintf(why, why_len, "%s", text ? text : "");
		free(text);
	}
	strings_clear(&mine);
	return rc;
}
