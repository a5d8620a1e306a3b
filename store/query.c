/*
 * vtriage's query terms, resolved through the store at query time.
 *
 * A bucket is a property of the vendor, not a tag on each message, so
 * promoting a vendor rewrites one row. Messages carry their organisation
 * domain and kind as notmuch properties (set once, at index time);
 * vendor: and bucket: become disjunctions over the domains of the vendor
 * or of the trusted vendors. bucket:generic is "vendor mail and not
 * trusted", so neither bucket grows with the generic bucket's size.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "private.h"

#define VENDOR_MAIL "property:\"" MAIL_PROP_KIND "=vendor\""
#define NO_MAIL "property:\"" MAIL_PROP_KIND "=no-such-kind\""

static const char *const our_prefixes[] = { "vendor", "bucket",   "waiting",  "issue", "suspicious",
					    "kind",   "amount",   "currency", "ref",   "due",
					    "bill",   "contract", "snoozed",  NULL };

struct strbuf {
	char *data;
	size_t len, cap;
	bool failed;
};

static void
sb_add(struct strbuf *b, const char *s)
{
	size_t n = strlen(s);

	if (b->failed)
		return;
	/* doubling: a vendor's forgeries are hundreds of ids */
	if (b->len + n + 1 > b->cap) {
		size_t cap = (b->len + n + 1) * 2;
		char *grown = realloc(b->data, cap);

		if (grown == NULL) {
			b->failed = true;
			return;
		}
		b->data = grown;
		b->cap = cap;
	}
	memcpy(b->data + b->len, s, n + 1);
	b->len += n;
}

static void
sb_add3(struct strbuf *b, const char *a, const char *c, const char *d)
{
	sb_add(b, a);
	sb_add(b, c);
	if (d != NULL)
		sb_add(b, d);
}

static vt_status snoozed_clause(struct vt_store *s, bool snoozed, char **out, struct vt_error *err);

/* Appends "property:vtriage.org=D OR ..." for each domain row of st;
 * returns how many. */
static long
add_domains(struct vt_store *s, sqlite3_stmt *st, struct strbuf *b, struct vt_error *err)
{
	long n = 0;
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		char *term = NULL, *quoted;
		const char *domain = (const char *)sqlite3_column_text(st, 0);

		if (asprintf(&term, MAIL_PROP_ORG "=%s", domain) < 0 ||
		    (quoted = mail_query_quote(term)) == NULL) {
			free(term);
			b->failed = true;
			break;
		}
		if (n++ > 0)
			sb_add(b, " OR ");
		sb_add(b, "property:");
		sb_add(b, quoted);
		free(quoted);
		free(term);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		vt_sql_fail(s, err, rc, "resolve query");
		return -1;
	}
	return n;
}

/* Appends " OR id:ID" (the first: "id:ID"), counting in *n; false
 * when out of memory (b failed). */
static bool
add_id(struct strbuf *b, const char *id, long *n)
{
	char *quoted = mail_query_quote(id);

	if (quoted == NULL) {
		b->failed = true;
		return false;
	}
	sb_add(b, (*n)++ ? " OR id:" : "id:");
	sb_add(b, quoted);
	free(quoted);
	return true;
}

/* "id:A OR id:B ..." for the message ids st yields; *n gets how many. */
static bool
add_ids(struct vt_store *s, sqlite3_stmt *st, struct strbuf *b, long *n, struct vt_error *err)
{
	int rc;

	*n = 0;
	if (st == NULL)
		return false;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (!add_id(b, (const char *)sqlite3_column_text(st, 0), n))
			break;
	sqlite3_reset(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		vt_sql_fail(s, err, rc, "resolve query");
		return false;
	}
	return true;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* add_ids for rows in no order, with repeats: sorted and each once here,
 * as "SELECT DISTINCT ... ORDER BY 1" would, for a fraction of what
 * sqlite's temporary b-trees cost (a vendor's hundreds of forgeries). */
static bool
add_sorted_ids(struct vt_store *s, sqlite3_stmt *st, struct strbuf *b, long *n,
	       struct vt_error *err)
{
	char **ids = NULL;
	size_t count = 0, cap = 0;
	bool ok = true;
	int rc = SQLITE_DONE;

	*n = 0;
	if (st == NULL)
		return false;
	while (ok && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (count == cap) {
			char **grown = realloc(ids, (cap = cap ? cap * 2 : 64) * sizeof *ids);

			ok = grown != NULL;
			ids = grown ? grown : ids;
		}
		if (ok)
			ok = (ids[count] = strdup((const char *)sqlite3_column_text(st, 0))) !=
			     NULL;
		count += ok;
	}
	sqlite3_reset(st);
	if (!ok) {
		b->failed = true;
	} else if (rc != SQLITE_DONE) {
		vt_sql_fail(s, err, rc, "resolve query");
		ok = false;
	}
	if (ok && count > 1)
		qsort(ids, count, sizeof *ids, cmp_str);
	for (size_t i = 0; ok && i < count; i++)
		if ((i == 0 || strcmp(ids[i], ids[i - 1]) != 0) && !add_id(b, ids[i], n))
			break;
	for (size_t i = 0; i < count; i++)
		free(ids[i]);
	free(ids);
	return ok;
}

/*
 * Mail that claims a vendor's domain but failed authentication at the
 * user's server, or whose From names someone else, never counts as the
 * vendor's: " AND NOT (...)" for those of vendor_id's domains (or, 0,
 * of the trusted vendors'). While the verdicts are on the messages
 * (vt_trust_marks_current), two terms, whatever their number (Xapian
 * reads a postlist a term: 39 id: terms for the biggest vendor of
 * 300,000 messages); else the messages by id. Few either way:
 * forgeries, not a folder's worth.
 */
static bool
exclude_impostors(struct vt_store *s, int64_t vendor_id, struct strbuf *b, struct vt_error *err)
{
	/* from the vendor's few domains to their suspicions (suspicions_org),
	 * never through every suspicion of a reason: CROSS JOIN keeps that
	 * order (sqlite, without statistics, would start from the reason) */
	sqlite3_stmt *st =
		vt_sql_prepare(s,
			       vendor_id ? "SELECT x.message_id FROM vendor_domains d"
					   " CROSS JOIN suspicions x ON x.org = d.domain"
					   " AND x.reason IN ('" VT_SUSPECT_AUTH
					   "', '" VT_SUSPECT_NAME "')"
					   " WHERE d.vendor_id = ?1"
					 : "SELECT x.message_id FROM vendors v"
					   " CROSS JOIN vendor_domains d ON d.vendor_id = v.id"
					   " CROSS JOIN suspicions x ON x.org = d.domain"
					   " AND x.reason IN ('" VT_SUSPECT_AUTH
					   "', '" VT_SUSPECT_NAME "')"
					   " WHERE v.bucket = 1 AND v.merged_into IS NULL",
			       err);
	struct strbuf ids = { 0 };
	long n;
	bool ok;
	int rc;

	if (st != NULL && vendor_id)
		sqlite3_bind_int64(st, 1, vendor_id);
	if (st != NULL && vt_trust_marks_current(s)) {
		/* whether there are any is all the terms need */
		if ((rc = sqlite3_step(st)) == SQLITE_ROW)
			sb_add(b, " AND NOT (property:\"" MAIL_PROP_SUSPECT "=" VT_SUSPECT_AUTH
				  "\" OR property:\"" MAIL_PROP_SUSPECT "=" VT_SUSPECT_NAME "\")");
		sqlite3_reset(st);
		if (rc == SQLITE_ROW || rc == SQLITE_DONE)
			return true;
		vt_sql_fail(s, err, rc, "resolve query");
		return false;
	}
	ok = add_sorted_ids(s, st, &ids, &n, err) && !ids.failed;
	if (ok && n > 0) {
		sb_add(b, " AND NOT (");
		sb_add(b, ids.data);
		sb_add(b, ")");
	}
	free(ids.data);
	if (ids.failed)
		b->failed = true;
	return ok;
}

static char *
expand_vendor(struct vt_store *s, const char *value, struct vt_error *err)
{
	struct strbuf b = { 0 };
	sqlite3_stmt *st;
	int64_t id = 0;
	long n;

	if (vt_vendor_find(s, value, &id, err) != VT_OK)
		return NULL;
	st = vt_sql_prepare(s,
			    "SELECT domain FROM vendor_domains WHERE vendor_id = ? ORDER BY domain",
			    err);
	if (st == NULL)
		return NULL;
	sqlite3_bind_int64(st, 1, id);
	sb_add(&b, VENDOR_MAIL " AND (");
	n = add_domains(s, st, &b, err);
	if (n == 0)
		sb_add(&b, NO_MAIL);
	sb_add(&b, ")");
	if (n >= 0 && !exclude_impostors(s, id, &b, err))
		n = -1;
	if (n < 0 || b.failed) {
		if (b.failed)
			vt_fail(err, VT_ERR_NOMEM, "out of memory");
		free(b.data);
		return NULL;
	}
	return b.data;
}

static char *
expand_bucket(struct vt_store *s, const char *value, struct vt_error *err)
{
	struct strbuf b = { 0 };
	enum vt_bucket bucket;
	sqlite3_stmt *st;
	long n;

	if (strcmp(value, "none") == 0)
		return strdup("NOT " VENDOR_MAIL);
	if (!vt_bucket_parse(value, &bucket)) {
		vt_fail(err, VT_ERR_USAGE, "no bucket '%s' (trusted, generic or none)", value);
		return NULL;
	}
	st = vt_sql_prepare(
		s,
		"SELECT d.domain FROM vendor_domains d JOIN vendors v ON v.id = d.vendor_id"
		" WHERE v.bucket = 1 AND v.merged_into IS NULL ORDER BY d.domain",
		err);
	if (st == NULL)
		return NULL;
	sb_add(&b, VENDOR_MAIL);
	sb_add(&b, bucket == VT_BUCKET_TRUSTED ? " AND (" : " AND NOT (");
	n = add_domains(s, st, &b, err);
	if (n == 0) {
		if (bucket == VT_BUCKET_TRUSTED) {
			free(b.data);
			return strdup(NO_MAIL);
		}
		free(b.data);
		return strdup(VENDOR_MAIL);
	}
	sb_add(&b, ")");
	if (n > 0 && bucket == VT_BUCKET_TRUSTED && !exclude_impostors(s, 0, &b, err))
		n = -1;
	if (n < 0 || b.failed) {
		if (b.failed)
			vt_fail(err, VT_ERR_NOMEM, "out of memory");
		free(b.data);
		return NULL;
	}
	return b.data;
}

/*
 * Mail judged suspicious (store/trust.c): look-alike senders by their
 * domain, the rest by the reasons on the messages (MAIL_PROP_SUSPECT),
 * or, while those are not written yet, by message. suspicious:yes is any
 * reason, :no none.
 */
static char *
expand_suspicious(struct vt_store *s, const char *value, struct vt_error *err)
{
	static const char *const reasons[] = { VT_SUSPECT_AUTH, VT_SUSPECT_NAME, VT_SUSPECT_REPLYTO,
					       VT_SUSPECT_BANK };
	bool all = strcmp(value, "yes") == 0 || strcmp(value, "no") == 0;
	const char *reason = NULL;
	struct strbuf b = { 0 };
	long n_orgs = 0, n_ids = 0;
	sqlite3_stmt *st;
	char *out = NULL;

	for (size_t i = 0; i < sizeof reasons / sizeof reasons[0]; i++)
		if (strcmp(value, reasons[i]) == 0)
			reason = reasons[i];
	if (!all && reason == NULL && strcmp(value, VT_SUSPECT_LOOKALIKE) != 0) {
		vt_fail(err, VT_ERR_USAGE,
			"no 'suspicious:%s' (yes, no, lookalike, auth, name, replyto or bank)",
			value);
		return NULL;
	}
	if (all || reason == NULL) {
		st = vt_sql_prepare(s, "SELECT org FROM lookalikes ORDER BY org", err);
		if (st == NULL)
			return NULL;
		sb_add(&b, "(property:\"" MAIL_PROP_DIR "=in\" AND (");
		if ((n_orgs = add_domains(s, st, &b, err)) < 0)
			goto out;
		sb_add(&b, "))");
		if (n_orgs == 0) {
			free(b.data);
			memset(&b, 0, sizeof b);
		}
	}
	if ((all || reason != NULL) && vt_trust_marks_current(s)) {
		/* the verdicts are on the messages: a term a reason */
		sb_add(&b, n_orgs > 0 ? " OR (" : "(");
		for (size_t i = 0; i < sizeof reasons / sizeof reasons[0]; i++) {
			if (!all && reason != reasons[i])
				continue;
			sb_add(&b, n_ids++ ? " OR property:\"" MAIL_PROP_SUSPECT "="
					   : "property:\"" MAIL_PROP_SUSPECT "=");
			sb_add(&b, reasons[i]);
			sb_add(&b, "\"");
		}
		sb_add(&b, ")");
	} else if (all || reason != NULL) {
		struct strbuf ids = { 0 };

		st = vt_sql_prepare(s,
				    "SELECT DISTINCT message_id FROM suspicions WHERE ?1 IS NULL"
				    " OR reason = ?1 ORDER BY 1",
				    err);
		if (st != NULL && reason != NULL)
			sqlite3_bind_text(st, 1, reason, -1, SQLITE_STATIC);
		if (!add_ids(s, st, &ids, &n_ids, err)) {
			free(ids.data);
			goto out;
		}
		if (n_ids > 0) {
			sb_add(&b, n_orgs > 0 ? " OR (" : "(");
			sb_add(&b, ids.data);
			sb_add(&b, ")");
		}
		b.failed = b.failed || ids.failed;
		free(ids.data);
	}
	if (b.failed) {
		vt_fail(err, VT_ERR_NOMEM, "out of memory");
		goto out;
	}
	if (strcmp(value, "no") == 0)
		out = n_orgs + n_ids > 0 && asprintf(&out, "NOT (%s)", b.data) >= 0 ? out
										    : strdup("*");
	else
		out = n_orgs + n_ids > 0 ? strdup(b.data) : strdup(NO_MAIL);
	if (out == NULL)
		vt_fail(err, VT_ERR_NOMEM, "out of memory");
out:
	free(b.data);
	return out;
}

static sqlite3_stmt *issue_stmt(struct vt_store *s, int state, long long number,
				struct vt_error *err);

/* "thread:A OR thread:B ..." for the thread ids st yields, or a query
 * that matches nothing. */
static char *
threads_query(struct vt_store *s, sqlite3_stmt *st, struct vt_error *err)
{
	struct strbuf b = { 0 };
	long n = 0;
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *thread = (const char *)sqlite3_column_text(st, 0);

		if (thread == NULL || *thread == '\0')
			continue;
		sb_add(&b, n++ ? " OR thread:" : "thread:");
		sb_add(&b, thread);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		vt_sql_fail(s, err, rc, "resolve query");
		free(b.data);
		return NULL;
	}
	if (n == 0) {
		free(b.data);
		return strdup(NO_MAIL);
	}
	if (b.failed) {
		vt_fail(err, VT_ERR_NOMEM, "out of memory");
		free(b.data);
		return NULL;
	}
	return b.data;
}

/*
 * Conversations with a vendor in which the user took part, by who wrote
 * last: the user (waiting on the vendor) or the vendor (waiting on me),
 * but for those the user snoozed or settled (closed their issue since):
 * nothing to chase or answer there.
 * Threads the user never wrote in (newsletters, notices) wait on nobody.
 * Indexing keeps the answer on the messages (MAIL_PROP_WAITING).
 */
static char *
expand_waiting(struct vt_store *s, const char *value, struct vt_error *err)
{
	if (strcmp(value, "vendor") == 0 || strcmp(value, "me") == 0) {
		/* one term, less the threads snoozed or settled (few) */
		sqlite3_stmt *st = vt_waiting_aside_stmt(s, strcmp(value, "me") == 0 ? 2 : 1, err);
		char *aside = st ? threads_query(s, st, err) : NULL, *out = NULL;

		if (aside != NULL && strcmp(aside, NO_MAIL) == 0 &&
		    asprintf(&out, "property:\"" MAIL_PROP_WAITING "=%s\"", value) < 0)
			out = NULL;
		else if (aside != NULL && strcmp(aside, NO_MAIL) != 0 &&
			 asprintf(&out, "(property:\"" MAIL_PROP_WAITING "=%s\" AND NOT (%s))",
				  value, aside) < 0)
			out = NULL;
		if (aside != NULL && out == NULL)
			vt_fail(err, VT_ERR_NOMEM, "out of memory");
		free(aside);
		return out;
	}
	if (strcmp(value, "overdue") == 0) {
		/* depends on the clock: waiting on the vendor, less the
		 * threads still within their time (listed: few) */
		sqlite3_stmt *st = vt_waiting_recent_stmt(s, err);
		char *recent = st ? threads_query(s, st, err) : NULL, *out = NULL;

		if (recent != NULL &&
		    asprintf(&out, "(property:\"" MAIL_PROP_WAITING "=vendor\" AND NOT (%s))",
			     recent) < 0)
			out = NULL;
		if (recent != NULL && out == NULL)
			vt_fail(err, VT_ERR_NOMEM, "out of memory");
		free(recent);
		return out;
	}
	vt_fail(err, VT_ERR_USAGE,
		"no 'waiting:%s' (waiting:vendor, waiting:me or waiting:overdue)", value);
	return NULL;
}

/* Threads linked to open (or closed) issues, or to issue N. */
static char *
expand_issue(struct vt_store *s, const char *value, struct vt_error *err)
{
	sqlite3_stmt *st;
	char *end;
	long long number = -1;
	int state;

	if (strcmp(value, "open") == 0)
		state = 1;
	else if (strcmp(value, "closed") == 0)
		state = 0;
	else if ((number = strtoll(value, &end, 10)) > 0 && *end == '\0')
		state = -1;
	else {
		vt_fail(err, VT_ERR_USAGE, "no 'issue:%s' (issue:open, issue:closed or issue:N)",
			value);
		return NULL;
	}
	if ((st = issue_stmt(s, state, number, err)) == NULL)
		return NULL;
	return threads_query(s, st, err);
}

/* Thread ids linked to open (state 1) or closed (0) issues, or to issue
 * number (state -1), as a bound statement. */
static sqlite3_stmt *
issue_stmt(struct vt_store *s, int state, long long number, struct vt_error *err)
{
	sqlite3_stmt *st = vt_sql_prepare(s,
					  "SELECT DISTINCT m.thread FROM issue_links l"
					  " JOIN issues i ON i.id = l.issue_id"
					  " JOIN messages m ON m.message_id = l.message_id"
					  " WHERE i.withdrawn = 0 AND (i.id = ?2 OR (?2 < 0 AND"
					  "  (i.closed IS NULL) = ?1))",
					  err);

	if (st != NULL) {
		sqlite3_bind_int(st, 1, state);
		sqlite3_bind_int64(st, 2, number);
	}
	return st;
}

/*
 * The threads of mail naming contract dates: contract:suggested (dates
 * still to accept or reject, not past), contract:due (accepted ones whose
 * contract is in its notice period or just ended), contract:any. A
 * contract the user set by hand has no mail naming it: it brings the
 * vendor's latest conversation, the one to renew or cancel in.
 */
static char *
expand_contract(struct vt_store *s, const char *value, struct vt_error *err)
{
	int which = strcmp(value, "suggested") == 0 ? 0
		    : strcmp(value, "due") == 0     ? 1
		    : strcmp(value, "any") == 0     ? 2
						    : -1;
	char today[11];
	sqlite3_stmt *st;

	if (which < 0) {
		vt_fail(err, VT_ERR_USAGE,
			"no 'contract:%s' (contract:suggested, contract:due or contract:any)",
			value);
		return NULL;
	}
	st = vt_sql_prepare(s,
			    "SELECT DISTINCT m.thread FROM contract_suggestions c"
			    " JOIN messages m ON m.message_id = c.message_id"
			    " WHERE ?1 = 2 OR (?1 = 0 AND c.state = 0 AND c.ends >= ?2)"
			    " OR (?1 = 1 AND c.id IN (SELECT k.suggestion_id FROM contracts k"
			    "  WHERE julianday(k.ends) - julianday(?2) <= k.notice_days"
			    "  AND julianday(k.ends) - julianday(?2) >= -k.notice_days))"
			    " UNION SELECT (SELECT m.thread FROM messages m"
			    "  JOIN vendor_domains d ON d.domain = m.org"
			    "  WHERE d.vendor_id = k.vendor_id AND m.kind = 1"
			    "  ORDER BY m.date DESC LIMIT 1)"
			    " FROM contracts k WHERE k.suggestion_id IS NULL AND (?1 = 2 OR (?1 = 1"
			    "  AND julianday(k.ends) - julianday(?2) <= k.notice_days"
			    "  AND julianday(k.ends) - julianday(?2) >= -k.notice_days))",
			    err);
	if (st == NULL)
		return NULL;
	vt_today(today);
	sqlite3_bind_int(st, 1, which);
	sqlite3_bind_text(st, 2, today, -1, SQLITE_TRANSIENT);
	return threads_query(s, st, err);
}

/* ---- quotes and bills (store/documents.c) ---- */

/* "id:A OR id:B ..." for the documents st yields, or a query that
 * matches nothing. */
static char *
documents_query(struct vt_store *s, sqlite3_stmt *st, struct vt_error *err)
{
	struct strbuf b = { 0 };
	long n = 0;

	if (!add_ids(s, st, &b, &n, err)) {
		if (b.failed)
			vt_fail(err, VT_ERR_NOMEM, "out of memory");
		free(b.data);
		return NULL;
	}
	if (b.failed) {
		free(b.data);
		vt_fail(err, VT_ERR_NOMEM, "out of memory");
		return NULL;
	}
	if (n == 0) {
		free(b.data);
		return strdup(NO_MAIL);
	}
	if (n == 1)
		return b.data;
	char *out = NULL;
	if (asprintf(&out, "(%s)", b.data) < 0)
		out = NULL;
	free(b.data);
	return out;
}

bool
vt_amount_milli(const char *text, int64_t *out)
{
	struct mail_amount a, mills;
	char in_mills[80];

	if (!mail_amount_parse(text, MAIL_DECIMAL_DOT, &a) || a.money.currency[0] != '\0')
		return false;
	/* read as an amount of a currency of three decimals (KWD): a bound
	 * of "1234.567" kept its third decimal (read with two, no bill of
	 * KWD 1,234.567 matched it) */
	if ((size_t)snprintf(in_mills, sizeof in_mills, "%s KWD", text) < sizeof in_mills &&
	    mail_amount_parse(in_mills, MAIL_DECIMAL_DOT, &mills) &&
	    strcmp(mills.money.currency, "KWD") == 0)
		*out = mills.money.minor;
	else
		*out = a.money.minor * 10;
	return true;
}

/*
 * The document terms as one SQL condition on documents d: kind:,
 * amount:, currency:, ref:, due:, bill:, and (to narrow the answer when
 * it is ANDed with them) vendor:. Each term adds a clause and its
 * bound values.
 */
#define DOC_TERMS_MAX 16

struct doc_terms {
	char sql[2048];
	size_t len;
	struct {
		bool text;
		int64_t i;
		char t[128];
	} args[2 * DOC_TERMS_MAX];
	int n_args, n_terms;
};

static void
clause(struct doc_terms *q, const char *sql)
{
	q->len += (size_t)snprintf(q->sql + q->len, sizeof q->sql - q->len, "%s%s",
				   q->n_terms++ ? " AND " : "", sql);
	if (q->len >= sizeof q->sql)
		q->len = sizeof q->sql - 1;
}

static void
arg_int(struct doc_terms *q, int64_t v)
{
	q->args[q->n_args].text = false;
	q->args[q->n_args++].i = v;
}

static void
arg_text(struct doc_terms *q, const char *v)
{
	q->args[q->n_args].text = true;
	snprintf(q->args[q->n_args++].t, sizeof q->args[0].t, "%s", v);
}

/* amount:>1000, amount:<50, amount:>=10, amount:500..2000, amount:1200 */
static bool
amount_term(struct doc_terms *q, const char *value, struct vt_error *err)
{
	int64_t lo = INT64_MIN / 2, hi = INT64_MAX / 2, v = 0;
	const char *dots = strstr(value, "..");
	char buf[64];
	bool ok;

	if (dots != NULL) {
		snprintf(buf, sizeof buf, "%.*s", (int)(dots - value), value);
		ok = (*buf || dots[2]) && (!*buf || vt_amount_milli(buf, &lo)) &&
		     (!dots[2] || vt_amount_milli(dots + 2, &hi));
	} else if (value[0] == '>' || value[0] == '<') {
		bool eq = value[1] == '=';

		ok = vt_amount_milli(value + 1 + eq, &v);
		if (value[0] == '>')
			lo = eq ? v : v + 1;
		else
			hi = eq ? v : v - 1;
	} else if ((ok = vt_amount_milli(value, &v)))
		lo = hi = v;
	if (!ok) {
		vt_fail(err, VT_ERR_USAGE,
			"no 'amount:%s' (amount:>1000, amount:<50, amount:500..2000 or amount:1200)",
			value);
		return false;
	}
	clause(q, "d.total IS NOT NULL AND d.total * 1000 >= ? * d.scale"
		  " AND d.total * 1000 <= ? * d.scale");
	arg_int(q, lo);
	arg_int(q, hi);
	return true;
}

/* due:<30d (due within 30 days, or overdue), due:>30d, due:overdue */
static bool
due_term(struct doc_terms *q, const char *value, struct vt_error *err)
{
	char *end;
	long days = 0;

	if (strcmp(value, "overdue") == 0) {
		clause(q, "d.due <> '' AND d.due < date('now', 'localtime') AND d.kind = 2");
		return true;
	}
	if ((value[0] == '<' || value[0] == '>') && (days = strtol(value + 1, &end, 10)) >= 0 &&
	    end != value + 1 && (strcmp(end, "d") == 0 || *end == '\0')) {
		clause(q,
		       value[0] == '<'
			       ? "d.due <> '' AND d.due <= date('now', 'localtime', '+' || ? || ' days')"
			       : "d.due <> '' AND d.due > date('now', 'localtime', '+' || ? || ' days')");
		arg_int(q, days);
		return true;
	}
	vt_fail(err, VT_ERR_USAGE, "no 'due:%s' (due:<30d, due:>30d or due:overdue)", value);
	return false;
}

/* One term into q; false with err set when its value is bad. */
static bool
doc_term(struct vt_store *s, struct doc_terms *q, const char *prefix, const char *value,
	 struct vt_error *err)
{
	if (q->n_terms >= DOC_TERMS_MAX)
		return vt_fail(err, VT_ERR_USAGE, "too many quote and bill terms"), false;
	if (strcmp(prefix, "kind") == 0) {
		enum mail_doc_kind k = mail_doc_kind_from_name(value);

		if (strcmp(value, "any") == 0) {
			clause(q, "d.kind BETWEEN 1 AND 5");
			return true;
		}
		if (k == MAIL_DOC_NONE) {
			vt_fail(err, VT_ERR_USAGE,
				"no 'kind:%s' (kind:quote, kind:bill, kind:order, kind:payment,"
				" kind:credit or kind:any)",
				value);
			return false;
		}
		clause(q, "d.kind = ?");
		arg_int(q, (int64_t)k);
		return true;
	}
	if (strcmp(prefix, "amount") == 0)
		return amount_term(q, value, err);
	if (strcmp(prefix, "due") == 0)
		return due_term(q, value, err);
	if (strcmp(prefix, "currency") == 0) {
		char upper[4];

		if (strlen(value) != 3) {
			vt_fail(err, VT_ERR_USAGE, "no 'currency:%s' (a code such as EUR)", value);
			return false;
		}
		for (int i = 0; i < 4; i++)
			upper[i] = value[i] >= 'a' && value[i] <= 'z' ? (char)(value[i] - 32)
								      : value[i];
		clause(q, "d.currency = ?");
		arg_text(q, upper);
		return true;
	}
	if (strcmp(prefix, "ref") == 0) {
		clause(q, "d.ref = ? COLLATE NOCASE");
		arg_text(q, value);
		return true;
	}
	if (strcmp(prefix, "vendor") == 0) {
		int64_t id;

		if (vt_vendor_find(s, value, &id, err) != VT_OK)
			return false;
		clause(q, "d.org IN (SELECT domain FROM vendor_domains WHERE vendor_id = ?)");
		arg_int(q, id);
		return true;
	}
	if (strcmp(value, "flagged") != 0) {
		vt_fail(err, VT_ERR_USAGE, "no 'bill:%s' (bill:flagged)", value);
		return false;
	}
	clause(q, "d.flag <> ''");
	return true;
}

/* The ids of the documents q matches, as a query. */
static char *
doc_terms_query(struct vt_store *s, const struct doc_terms *q, struct vt_error *err)
{
	char sql[2200];
	sqlite3_stmt *st;
	char *out;

	snprintf(sql, sizeof sql, "SELECT d.message_id FROM documents d WHERE %s ORDER BY 1",
		 q->sql);
	/* a statement per shape of query: prepared each time, not cached */
	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
		vt_fail(err, VT_ERR_DB, "resolve query: %s", sqlite3_errmsg(s->db));
		return NULL;
	}
	for (int i = 0; i < q->n_args; i++) {
		if (q->args[i].text)
			sqlite3_bind_text(st, i + 1, q->args[i].t, -1, SQLITE_STATIC);
		else
			sqlite3_bind_int64(st, i + 1, q->args[i].i);
	}
	out = documents_query(s, st, err);
	sqlite3_finalize(st);
	return out;
}

/* kind:quote|bill|order|payment|any, amount:, currency:EUR, ref:INV-1007,
 * due:, bill:flagged, each alone. kind: is a property notmuch has. */
static char *
expand_document(struct vt_store *s, const char *prefix, const char *value, struct vt_error *err)
{
	struct doc_terms q = { 0 };

	if (strcmp(prefix, "kind") == 0) {
		char *out = NULL;

		if (strcmp(value, "any") == 0)
			return strdup("property:\"" MAIL_PROP_DOC
				      "=quote\" OR property:\"" MAIL_PROP_DOC
				      "=bill\" OR property:\"" MAIL_PROP_DOC
				      "=order\" OR property:\"" MAIL_PROP_DOC
				      "=payment\" OR property:\"" MAIL_PROP_DOC "=credit\"");
		if (mail_doc_kind_from_name(value) == MAIL_DOC_NONE) {
			vt_fail(err, VT_ERR_USAGE,
				"no 'kind:%s' (kind:quote, kind:bill, kind:order, kind:payment,"
				" kind:credit or kind:any)",
				value);
			return NULL;
		}
		if (asprintf(&out, "property:\"" MAIL_PROP_DOC "=%s\"", value) < 0)
			out = NULL;
		return out;
	}
	if (!doc_term(s, &q, prefix, value, err))
		return NULL;
	return doc_terms_query(s, &q, err);
}

/*
 * A query that is only terms ANDed together (no or, not, -, parentheses
 * or quotes) with two or more quote and bill terms: those are answered at
 * once in sqlite, with the vendor: term too, so that notmuch gets the ids
 * of the documents that match them all ("vendor:globex kind:quote
 * amount:>10000": a few dozen ids) rather than every document over an
 * amount. The other terms stay as they are. *out is NULL when the query
 * is not of that shape.
 */
static vt_status
joint_document_terms(struct vt_store *s, const char *query, char **out, struct vt_error *err)
{
	static const char *const doc_prefixes[] = { "kind", "amount", "currency",
						    "ref",  "due",    "bill" };
	struct doc_terms q = { 0 };
	struct strbuf rest = { 0 };
	char *copy, *save = NULL, *ids = NULL;
	int doc_terms = 0;
	vt_status rc = VT_OK;

	*out = NULL;
	if (strpbrk(query, "\"()") != NULL || (copy = strdup(query)) == NULL)
		return VT_OK;
	/* first pass: the shape */
	for (char *tok = strtok_r(copy, " \t", &save); tok != NULL;
	     tok = strtok_r(NULL, " \t", &save)) {
		const char *colon = strchr(tok, ':');

		if (tok[0] == '-' || strcasecmp(tok, "or") == 0 || strcasecmp(tok, "not") == 0 ||
		    strcasecmp(tok, "xor") == 0) {
			free(copy);
			return VT_OK;
		}
		for (size_t k = 0;
		     colon != NULL && k < sizeof doc_prefixes / sizeof doc_prefixes[0]; k++)
			if ((size_t)(colon - tok) == strlen(doc_prefixes[k]) &&
			    strncasecmp(tok, doc_prefixes[k], strlen(doc_prefixes[k])) == 0)
				doc_terms++;
	}
	free(copy);
	if (doc_terms < 2 || (copy = strdup(query)) == NULL)
		return VT_OK;
	save = NULL;
	for (char *tok = strtok_r(copy, " \t", &save); rc == VT_OK && tok != NULL;
	     tok = strtok_r(NULL, " \t", &save)) {
		char *colon = strchr(tok, ':'), prefix[16], *value;
		bool ours = false;

		if (colon != NULL && (size_t)(colon - tok) < sizeof prefix) {
			snprintf(prefix, sizeof prefix, "%.*s", (int)(colon - tok), tok);
			mail_ascii_lower(prefix);
			for (size_t k = 0; k < sizeof doc_prefixes / sizeof doc_prefixes[0]; k++)
				ours = ours || strcmp(prefix, doc_prefixes[k]) == 0;
			ours = ours || strcmp(prefix, "vendor") == 0;
		}
		if (ours) {
			if ((value = strdup(colon + 1)) == NULL) {
				rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
				break;
			}
			if (strcmp(prefix, "ref") != 0)
				mail_ascii_lower(value);
			if (!doc_term(s, &q, prefix, value, err))
				rc = err ? err->status : VT_ERR_USAGE;
			free(value);
		}
		/* vendor: stays for notmuch too (it excludes impostors); "and"
		 * goes (the terms are all and-ed, and one left beside a term
		 * taken out was a word of the query: "and tag:x and id:..."
		 * matched what tag:x did not) */
		if (strcasecmp(tok, "and") == 0)
			continue;
		if (!ours || strcmp(prefix, "vendor") == 0) {
			sb_add(&rest, rest.len ? " " : "");
			sb_add(&rest, tok);
		}
	}
	free(copy);
	if (rc == VT_OK && (ids = doc_terms_query(s, &q, err)) == NULL)
		rc = err ? err->status : VT_ERR_DB;
	if (rc == VT_OK) {
		sb_add(&rest, rest.len ? " " : "");
		sb_add(&rest, ids);
		if (rest.failed)
			rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
		else
			*out = rest.data;
	}
	if (rc != VT_OK)
		free(rest.data);
	free(ids);
	return rc;
}

static char *
expand(void *ctx, const char *prefix, const char *value, struct vt_error *err)
{
	struct vt_store *s = ctx;
	char *lower = strdup(value), *out;

	if (lower == NULL) {
		vt_fail(err, VT_ERR_NOMEM, "out of memory");
		return NULL;
	}
	mail_ascii_lower(lower);
	if (strcmp(prefix, "vendor") == 0)
		out = expand_vendor(s, lower, err);
	else if (strcmp(prefix, "waiting") == 0)
		out = expand_waiting(s, lower, err);
	else if (strcmp(prefix, "issue") == 0)
		out = expand_issue(s, lower, err);
	else if (strcmp(prefix, "contract") == 0)
		out = expand_contract(s, lower, err);
	else if (strcmp(prefix, "snoozed") == 0) {
		out = NULL;
		if (strcmp(lower, "yes") != 0)
			vt_fail(err, VT_ERR_USAGE, "no 'snoozed:%s' (snoozed:yes)", lower);
		else
			snoozed_clause(s, true, &out, err);
	} else if (strcmp(prefix, "suspicious") == 0)
		out = expand_suspicious(s, lower, err);
	else if (strcmp(prefix, "ref") == 0)
		out = expand_document(s, prefix, value, err); /* as written */
	else if (strcmp(prefix, "bucket") != 0)
		out = expand_document(s, prefix, lower, err);
	else
		out = expand_bucket(s, lower, err);
	free(lower);
	return out;
}

/*
 * The snoozed conversations as a query (store/snooze.c): the ends ahead
 * their messages carry, and the threads changed since the index run
 * wrote them, named one by one. With snoozed, the clause matching them
 * (NO_MAIL for none); without, the clause leaving them out (*out NULL
 * for none).
 */
static vt_status
snoozed_clause(struct vt_store *s, bool snoozed, char **out, struct vt_error *err)
{
	/* before every query: most have nothing snoozed, and this is
	 * cheaper to prepare than the statement below (~40 us) */
	sqlite3_stmt *any = vt_sql_prepare(s,
					   "SELECT 1 FROM snooze_changed UNION ALL"
					   " SELECT 1 FROM snooze_marks WHERE until > ?1 LIMIT 1",
					   err);
	/* 1: an end ahead the index carries; 2: a thread changed since and
	 * snoozed now; 3: one changed and not (not snoozed even if its
	 * messages still carry an end ahead) */
	static const char snoozed_sql[] =
		"SELECT 1, until, NULL FROM (SELECT DISTINCT until FROM snooze_marks WHERE until > ?1)"
		" UNION ALL SELECT CASE WHEN EXISTS (SELECT 1 FROM messages m CROSS JOIN snoozes z"
		"  ON z.message_id = m.message_id WHERE m.thread = c.thread AND z.until > ?1)"
		"  THEN 2 ELSE 3 END, 0, c.thread FROM (SELECT DISTINCT thread FROM snooze_changed) c";
	struct strbuf ends = { 0 }, now_in = { 0 }, now_out = { 0 }, all = { 0 };
	sqlite3_stmt *st;
	char until[32];
	int rc;

	*out = NULL;
	if (any == NULL)
		return err ? err->status : VT_ERR_DB;
	sqlite3_bind_int64(any, 1, (sqlite3_int64)time(NULL));
	rc = sqlite3_step(any);
	sqlite3_reset(any);
	if (rc == SQLITE_DONE)
		return snoozed && (*out = strdup(NO_MAIL)) == NULL
			       ? vt_fail(err, VT_ERR_NOMEM, "out of memory")
			       : VT_OK;
	if (rc != SQLITE_ROW)
		return vt_sql_fail(s, err, rc, "snoozed threads");
	if ((st = vt_sql_prepare(s, snoozed_sql, err)) == NULL)
		return err ? err->status : VT_ERR_DB;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)time(NULL));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *thread = (const char *)sqlite3_column_text(st, 2);
		int row = sqlite3_column_int(st, 0);
		struct strbuf *threads = row == 2 ? &now_in : &now_out;

		if (row == 1) {
			snprintf(until, sizeof until, "%lld",
				 (long long)sqlite3_column_int64(st, 1));
			sb_add3(&ends, ends.data ? " OR property:\"" : "property:\"",
				MAIL_PROP_SNOOZED "=", until);
			sb_add(&ends, "\"");
		} else {
			sb_add3(threads, threads->data ? " OR thread:" : "thread:", thread, NULL);
		}
	}
	sqlite3_reset(st);
	rc = rc == SQLITE_DONE ? VT_OK : vt_sql_fail(s, err, rc, "snoozed threads");
	if (rc == VT_OK && snoozed) {
		/* (ends AND NOT changed and woken) OR changed and snoozed */
		if (ends.data)
			sb_add3(&all, "((", ends.data, now_out.data ? ") AND NOT (" : ")");
		if (ends.data && now_out.data)
			sb_add3(&all, now_out.data, ")", NULL);
		if (ends.data)
			sb_add(&all, ")");
		if (now_in.data)
			sb_add3(&all, all.data ? " OR (" : "(", now_in.data, ")");
		if (all.data == NULL)
			sb_add(&all, NO_MAIL);
	} else if (rc == VT_OK) {
		/* NOT changed and snoozed AND (NOT ends OR changed and woken) */
		if (now_in.data)
			sb_add3(&all, "NOT (", now_in.data, ")");
		if (ends.data) {
			sb_add3(&all, all.data ? " AND (NOT (" : "(NOT (", ends.data, ")");
			sb_add3(&all, now_out.data ? " OR " : "", now_out.data ? now_out.data : "",
				")");
		}
	}
	if (ends.failed || now_in.failed || now_out.failed || all.failed) {
		rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
		free(all.data);
		all.data = NULL;
	}
	free(ends.data);
	free(now_in.data);
	free(now_out.data);
	*out = rc == VT_OK ? all.data : NULL;
	return rc;
}

vt_status
vt_snooze_exclusion(struct vt_store *s, char **out, struct vt_error *err)
{
	return snoozed_clause(s, false, out, err);
}

static vt_status
translate(struct vt_store *s, const char *query, bool leave_snoozed_out, char **out,
	  struct vt_error *err)
{
	const char *q = query;
	char *joint = NULL;
	vt_status rc;

	/* as mail_query_rewrite does: a bad quote or bill term returns
	 * before it, and a caller freeing *out on error must find NULL */
	*out = NULL;
	while (*q == ' ' || *q == '\t')
		q++;
	/* notmuch reads an empty query as "match nothing"; vtriage, like
	 * notmuch's own command line, reads it as everything. And "*" is
	 * all mail to notmuch only as the whole query: " * " is made "*",
	 * which wrapped below is not "( * )", no mail. */
	if (*q == '\0' || (*q == '*' && q[1 + strspn(q + 1, " \t")] == '\0'))
		query = "*";
	if ((rc = joint_document_terms(s, query, &joint, err)) != VT_OK)
		return rc;
	rc = mail_query_rewrite(joint ? joint : query, our_prefixes, expand, s, out, err);
	free(joint);
	/* snoozed threads are out of every list until their time, unless
	 * the query names them (a message, a thread, snoozed:yes) */
	if (rc == VT_OK && leave_snoozed_out && strstr(query, "id:") == NULL &&
	    strstr(query, "thread:") == NULL && strstr(query, "snoozed:") == NULL) {
		char *snoozed = NULL, *wrapped = NULL;

		if ((rc = vt_snooze_exclusion(s, &snoozed, err)) != VT_OK) {
			free(*out);
			*out = NULL;
			return rc;
		}
		if (snoozed != NULL) {
			/* notmuch reads "*" as all mail only as the whole query:
			 * "(*)" matches nothing */
			if (strcmp(*out, "*") == 0
				    ? asprintf(&wrapped, "%s", snoozed) < 0
				    : asprintf(&wrapped, "(%s) AND %s", *out, snoozed) < 0) {
				free(snoozed);
				free(*out);
				*out = NULL;
				return vt_fail(err, VT_ERR_NOMEM, "out of memory");
			}
			free(*out);
			*out = wrapped;
		}
		free(snoozed);
	}
	return rc;
}

/* A translation reads a few rows a term (a vendor, its domains, its
 * impostors, the snoozes): in one read snapshot, not a transaction a
 * statement (each takes sqlite's read lock, looks at the WAL and drops
 * the lock: a tenth of a millisecond of a 7 ms search). It writes
 * nothing. */
static vt_status
translate_in_snapshot(struct vt_store *s, const char *query, bool leave_snoozed_out, char **out,
		      struct vt_error *err)
{
	vt_status rc;

	vt_store_read_begin(s);
	rc = translate(s, query, leave_snoozed_out, out, err);
	vt_store_read_end(s);
	return rc;
}

vt_status
vt_query_translate(struct vt_store *s, const char *query, char **out, struct vt_error *err)
{
	return translate_in_snapshot(s, query, true, out, err);
}

vt_status
vt_query_translate_with_snoozed(struct vt_store *s, const char *query, char **out,
				struct vt_error *err)
{
	return translate_in_snapshot(s, query, false, out, err);
}

/* ---- marks for thread lists ---- */

static int
cmp_strp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static vt_status
collect(struct vt_store *s, sqlite3_stmt *st, struct vt_thread_set *set, struct vt_error *err)
{
	vt_status vs = VT_OK;
	bool sorted = true;
	size_t cap = 0;
	int rc;

	if (st == NULL)
		return err ? err->status : VT_ERR_DB;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(st, 0);

		if (t == NULL || *t == '\0')
			continue;
		if (set->count == cap) {
			size_t grown_cap = cap ? cap * 2 : 64;
			char **grown = realloc(set->ids, grown_cap * sizeof *grown);

			if (grown == NULL) {
				vs = vt_fail(err, VT_ERR_NOMEM, "out of memory");
				break;
			}
			set->ids = grown;
			cap = grown_cap;
		}
		if ((set->ids[set->count] = strdup(t)) == NULL) {
			vs = vt_fail(err, VT_ERR_NOMEM, "out of memory");
			break;
		}
		/* sqlite hands most of these over in order already (by an
		 * index, a DISTINCT's): not sorted again */
		if (set->count > 0 && sorted && strcmp(set->ids[set->count - 1], t) > 0)
			sorted = false;
		set->count++;
	}
	sqlite3_reset(st);
	if (vs == VT_OK && rc != SQLITE_DONE && rc != SQLITE_ROW)
		vs = vt_sql_fail(s, err, rc, "read thread marks");
	if (!sorted)
		qsort(set->ids, set->count, sizeof *set->ids, cmp_strp);
	return vs;
}

/* Each thread's newest quote, bill or credit note with a total (a
 * flagged bill before all; a credit negative: money back), sorted by
 * thread id. */
static vt_status
load_amounts(struct vt_store *s, struct vt_thread_marks *out, struct vt_error *err)
{
	sqlite3_stmt *st = vt_sql_prepare(
		s,
		"SELECT m.thread, d.kind, d.total, d.currency, d.flag <> '' FROM documents d"
		" JOIN messages m ON m.message_id = d.message_id"
		" WHERE d.total IS NOT NULL AND d.kind IN (1, 2, 5) AND m.thread <> ''"
		" ORDER BY m.thread, d.flag <> '', m.date",
		err);
	vt_status rc = VT_OK;
	int step;

	if (st == NULL)
		return err ? err->status : VT_ERR_DB;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *thread = (const char *)sqlite3_column_text(st, 0);
		struct vt_thread_amount *a;

		/* rows of one thread come together: the last one stays */
		if (out->n_amounts > 0 &&
		    strcmp(out->amounts[out->n_amounts - 1].thread, thread) == 0) {
			a = &out->amounts[out->n_amounts - 1];
		} else {
			struct vt_thread_amount *grown =
				realloc(out->amounts, (out->n_amounts + 1) * sizeof *grown);

			if (grown == NULL ||
			    (grown[out->n_amounts].thread = strdup(thread)) == NULL) {
				if (grown != NULL)
					out->amounts = grown;
				rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
				break;
			}
			out->amounts = grown;
			a = &grown[out->n_amounts++];
		}
		a->kind = (enum mail_doc_kind)sqlite3_column_int(st, 1);
		a->total.minor = sqlite3_column_int64(st, 2);
		if (a->kind == MAIL_DOC_CREDIT)
			a->total.minor = -a->total.minor;
		snprintf(a->total.currency, sizeof a->total.currency, "%s",
			 (const char *)sqlite3_column_text(st, 3));
		a->flagged = sqlite3_column_int(st, 4) != 0;
	}
	sqlite3_reset(st);
	if (rc == VT_OK && step != SQLITE_DONE)
		rc = vt_sql_fail(s, err, step, "read thread amounts");
	return rc;
}

/* Each thread's oldest open issue, sorted by thread id. */
static vt_status
load_issues(struct vt_store *s, struct vt_thread_marks *out, struct vt_error *err)
{
	sqlite3_stmt *st = vt_sql_prepare(
		s,
		"SELECT m.thread, i.id, i.opened, i.title FROM issue_links l"
		" JOIN issues i ON i.id = l.issue_id JOIN messages m ON m.message_id = l.message_id"
		" WHERE i.withdrawn = 0 AND i.closed IS NULL AND m.thread <> ''"
		" GROUP BY m.thread, i.id ORDER BY m.thread, i.id DESC",
		err);
	vt_status rc = VT_OK;
	int step;

	if (st == NULL)
		return err ? err->status : VT_ERR_DB;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *thread = (const char *)sqlite3_column_text(st, 0);
		const char *title = (const char *)sqlite3_column_text(st, 3);
		struct vt_thread_issue *is;

		/* rows of one thread come together, newest issue first: the
		 * last one (the oldest) stays */
		if (out->n_issues > 0 &&
		    strcmp(out->issues[out->n_issues - 1].thread, thread) == 0) {
			is = &out->issues[out->n_issues - 1];
			free(is->title);
		} else {
			struct vt_thread_issue *grown =
				realloc(out->issues, (out->n_issues + 1) * sizeof *grown);

			if (grown == NULL ||
			    (grown[out->n_issues].thread = strdup(thread)) == NULL) {
				if (grown != NULL)
					out->issues = grown;
				rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
				break;
			}
			out->issues = grown;
			is = &grown[out->n_issues++];
		}
		is->id = sqlite3_column_int64(st, 1);
		is->opened = (time_t)sqlite3_column_int64(st, 2);
		if ((is->title = strdup(title ? title : "")) == NULL) {
			rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
			break;
		}
	}
	sqlite3_reset(st);
	if (rc == VT_OK && step != SQLITE_DONE)
		rc = vt_sql_fail(s, err, step, "read thread issues");
	return rc;
}

/* The threads waiting on anyone, sorted, with their last answer's time
 * (index.c's thread_states leaves automatic mail out the same way). */
static vt_status
load_since(struct vt_store *s, struct vt_thread_marks *out, struct vt_error *err)
{
	sqlite3_stmt *st = vt_sql_prepare(
		s,
		"SELECT t.thread, (SELECT max(m.date) FROM messages m WHERE m.thread = t.thread"
		"  AND m.kind = 1 AND m.auto_reply = 0) FROM thread_state t"
		" WHERE t.waiting IN (1, 2) ORDER BY t.thread",
		err);
	vt_status rc = VT_OK;
	size_t cap = 0;
	int step;

	if (st == NULL)
		return err ? err->status : VT_ERR_DB;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *thread = (const char *)sqlite3_column_text(st, 0);

		if (thread == NULL || *thread == '\0')
			continue;
		if (out->n_since == cap) {
			size_t grown_cap = cap ? cap * 2 : 64;
			struct vt_thread_since *grown =
				realloc(out->since, grown_cap * sizeof *grown);

			if (grown == NULL) {
				rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
				break;
			}
			out->since = grown;
			cap = grown_cap;
		}
		if ((out->since[out->n_since].thread = strdup(thread)) == NULL) {
			rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
			break;
		}
		out->since[out->n_since++].since = (time_t)sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	if (rc == VT_OK && step != SQLITE_DONE)
		rc = vt_sql_fail(s, err, step, "read waiting threads");
	return rc;
}

vt_status
vt_thread_marks_load(struct vt_store *s, unsigned what, struct vt_thread_marks *out,
		     struct vt_error *err)
{
	vt_status rc = VT_OK;

	memset(out, 0, sizeof *out);
	if (what & VT_MARKS_WAITING) {
		rc = collect(s, vt_waiting_stmt(s, 1, err), &out->waiting_vendor, err);
		if (rc == VT_OK)
			rc = collect(s, vt_waiting_stmt(s, 2, err), &out->waiting_me, err);
		if (rc == VT_OK)
			rc = load_since(s, out, err);
	}
	if (rc == VT_OK && (what & VT_MARKS_OPEN_ISSUE))
		rc = collect(s, issue_stmt(s, 1, -1, err), &out->open_issue, err);
	if (rc == VT_OK && (what & VT_MARKS_AMOUNTS))
		rc = load_amounts(s, out, err);
	if (rc == VT_OK && (what & VT_MARKS_ISSUES))
		rc = load_issues(s, out, err);
	if (rc != VT_OK)
		vt_thread_marks_clear(out);
	return rc;
}

/* The element of a by-thread sorted array (its first member the thread
 * id) for thread_id, or NULL. */
static const void *
find_by_thread(const void *items, size_t n, size_t size, const char *thread_id)
{
	size_t lo = 0, hi = n;

	while (thread_id != NULL && lo < hi) {
		size_t mid = (lo + hi) / 2;
		const char *const *at = (const char *const *)((const char *)items + mid * size);
		int c = strcmp(*at, thread_id);

		if (c == 0)
			return at;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const struct vt_thread_issue *
vt_thread_issue_of(const struct vt_thread_marks *m, const char *thread_id)
{
	return find_by_thread(m->issues, m->n_issues, sizeof *m->issues, thread_id);
}

time_t
vt_thread_waiting_since(const struct vt_thread_marks *m, const char *thread_id)
{
	const struct vt_thread_since *w =
		find_by_thread(m->since, m->n_since, sizeof *m->since, thread_id);

	return w != NULL ? w->since : 0;
}

const struct vt_thread_amount *
vt_thread_amount_of(const struct vt_thread_marks *m, const char *thread_id)
{
	return find_by_thread(m->amounts, m->n_amounts, sizeof *m->amounts, thread_id);
}

bool
vt_thread_set_has(const struct vt_thread_set *set, const char *thread_id)
{
	return set->count > 0 && thread_id != NULL &&
	       bsearch(&thread_id, set->ids, set->count, sizeof *set->ids, cmp_strp) != NULL;
}

/* Whether the thread's mail is suspicious by what its messages carry
 * (-1: not known so; the store is asked). */
static int
suspicious_by_messages(struct vt_store *s, struct vt_thread_marks *m, const struct mail_thread *t,
		       struct vt_error *err)
{
	sqlite3_stmt *st;

	if (!t->suspect_read)
		return -1;
	if (m->by_messages == 0) {
		m->by_messages = -1;
		if (vt_trust_marks_current(s) &&
		    (st = vt_sql_prepare(s, "SELECT org FROM lookalikes ORDER BY org", err)) !=
			    NULL &&
		    collect(s, st, &m->lookalikes, err) == VT_OK)
			m->by_messages = 1;
	}
	if (m->by_messages < 0)
		return -1;
	if (t->suspect_marked)
		return 1;
	for (size_t i = 0; i < t->n_in_orgs; i++)
		if (vt_thread_set_has(&m->lookalikes, t->in_orgs[i]))
			return 1;
	return 0;
}

vt_status
vt_thread_marks_suspicious(struct vt_store *s, struct vt_thread_marks *m,
			   const struct mail_thread *t, bool *out, struct vt_error *err)
{
	/* from the thread's messages (messages_thread) to their suspicions
	 * and their senders' domains, each by its key: 15,000 suspicious
	 * threads of 300,000 messages were 16 ms to read for every list;
	 * by the messages' own marks, nothing is read (a page or two of the
	 * store a thread, a twentieth of a short JSON list) */
	const char *thread_id = t ? t->thread_id : NULL;
	sqlite3_stmt *st;
	uint64_t id;
	int added, rc, marked;

	*out = false;
	if (thread_id == NULL || !mail_thread_number(thread_id, &id))
		return VT_OK;
	if ((marked = suspicious_by_messages(s, m, t, err)) >= 0) {
		*out = marked == 1;
		return VT_OK;
	}
	if ((added = mail_thread_set_add(&m->suspicious_asked, id)) < 0)
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	if (added == 0) {
		*out = mail_thread_set_has(&m->suspicious_yes, id);
		return VT_OK;
	}
	st = vt_sql_prepare(s,
			    "SELECT EXISTS (SELECT 1 FROM messages m WHERE m.thread = ?1 AND ("
			    " EXISTS (SELECT 1 FROM suspicions x WHERE x.message_id = m.message_id)"
			    " OR (m.direction = 0 AND"
			    "  EXISTS (SELECT 1 FROM lookalikes l WHERE l.org = m.org))))",
			    err);
	if (st == NULL)
		return err ? err->status : VT_ERR_DB;
	sqlite3_bind_text(st, 1, thread_id, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	*out = rc == SQLITE_ROW && sqlite3_column_int(st, 0) != 0;
	sqlite3_reset(st);
	if (rc != SQLITE_ROW) {
		/* asked again next time */
		mail_thread_set_clear(&m->suspicious_asked);
		mail_thread_set_clear(&m->suspicious_yes);
		return vt_sql_fail(s, err, rc, "read suspicious threads");
	}
	if (*out && mail_thread_set_add(&m->suspicious_yes, id) < 0) {
		mail_thread_set_clear(&m->suspicious_asked);
		mail_thread_set_clear(&m->suspicious_yes);
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	}
	return VT_OK;
}

static void
set_clear(struct vt_thread_set *set)
{
	for (size_t i = 0; i < set->count; i++)
		free(set->ids[i]);
	free(set->ids);
	set->ids = NULL;
	set->count = 0;
}

void
vt_thread_marks_clear(struct vt_thread_marks *m)
{
	set_clear(&m->waiting_vendor);
	set_clear(&m->waiting_me);
	set_clear(&m->open_issue);
	mail_thread_set_clear(&m->suspicious_asked);
	mail_thread_set_clear(&m->suspicious_yes);
	set_clear(&m->lookalikes);
	m->by_messages = 0;
	for (size_t i = 0; i < m->n_amounts; i++)
		free(m->amounts[i].thread);
	free(m->amounts);
	m->amounts = NULL;
	m->n_amounts = 0;
	for (size_t i = 0; i < m->n_issues; i++) {
		free(m->issues[i].thread);
		free(m->issues[i].title);
	}
	free(m->issues);
	m->issues = NULL;
	m->n_issues = 0;
	for (size_t i = 0; i < m->n_since; i++)
		free(m->since[i].thread);
	free(m->since);
	m->since = NULL;
	m->n_since = 0;
}
