/*
 * Quotes, bills, orders and payments: what indexing read from vendor mail
 * (mail/document.c), kept per message, and the bill check judged from it.
 *
 * Recording is per message (derived: it goes with the message, by the
 * foreign key). Judging is per run, after the mail is recorded, over the
 * bills only (a few per vendor per month): an ambiguous total ("12,500")
 * is read the way the vendor's other documents write amounts, and each
 * bill is compared with the median of that vendor's earlier bills in the
 * same currency, and with the rate the user contracted.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "private.h"

/* The median of at most this many earlier bills is the usual amount. */
#define USUAL_WINDOW 12

static int64_t
currency_scale(const char *code)
{
	int digits = mail_currency_digits(code);
	int64_t scale = 1;

	for (int d = 0; d < (digits < 0 ? 2 : digits); d++)
		scale *= 10;
	return scale;
}

vt_status
vt_document_record(struct vt_store *s, const struct mail_message_info *info, struct vt_error *err)
{
	const struct mail_document *d = &info->document;
	const struct mail_attribution *a = &info->attribution;
	bool credit = d->kind == MAIL_DOC_CREDIT;
	sqlite3_stmt *st;
	int rc;

	if (d->kind == MAIL_DOC_NONE || a->kind != MAIL_KIND_VENDOR || a->direction != MAIL_DIR_IN)
		return VT_OK;
	st = vt_sql_prepare(
		s,
		"INSERT OR REPLACE INTO documents (message_id, org, kind, source, total,"
		" currency, scale, subtotal, tax, labelled, totals_agree, if_dot, if_comma,"
		" decimal, ref, issued, due, valid_until, net_days, note)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15,"
		" ?16,"
		/* a bill that names its terms (Net 30) and no date is due
		 * that many days after its issue, else after its mail */
		" CASE WHEN ?17 = '' AND ?19 > 0 AND ?3 = 2 THEN date(coalesce(nullif(?16, ''),"
		"  date(?21, 'unixepoch', 'localtime')), '+' || ?19 || ' days') ELSE ?17 END,"
		" ?18, ?19, ?20)",
		err);
	if (st == NULL)
		return err ? err->status : VT_ERR_DB;
	sqlite3_bind_text(st, 1, info->message_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, a->org, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, (int)d->kind);
	sqlite3_bind_text(st, 4, mail_doc_source_name(d->source), -1, SQLITE_STATIC);
	/* a credit note's figures are money back, kept positive whether it
	 * writes "-$100.00", "($100.00)" or "$100.00" */
	if (d->has_total)
		sqlite3_bind_int64(st, 5, credit ? llabs(d->total.minor) : d->total.minor);
	else
		sqlite3_bind_null(st, 5);
	sqlite3_bind_text(st, 6, d->total.currency, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, currency_scale(d->total.currency));
	if (d->has_subtotal)
		sqlite3_bind_int64(st, 8, credit ? llabs(d->subtotal.minor) : d->subtotal.minor);
	else
		sqlite3_bind_null(st, 8);
	if (d->has_tax)
		sqlite3_bind_int64(st, 9, credit ? llabs(d->tax.minor) : d->tax.minor);
	else
		sqlite3_bind_null(st, 9);
	sqlite3_bind_int(st, 10, d->total_labelled);
	sqlite3_bind_int(st, 11, d->totals_agree);
	if (d->ambiguous) {
		sqlite3_bind_int64(st, 12, credit ? llabs(d->total_if_dot) : d->total_if_dot);
		sqlite3_bind_int64(st, 13, credit ? llabs(d->total_if_comma) : d->total_if_comma);
	} else {
		sqlite3_bind_null(st, 12);
		sqlite3_bind_null(st, 13);
	}
	sqlite3_bind_int(st, 14, (int)d->decimal);
	sqlite3_bind_text(st, 15, d->ref, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 16, d->issued, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 17, d->due, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 18, d->valid_until, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 19, d->net_days);
	sqlite3_bind_text(st, 20, d->note, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 21, (sqlite3_int64)info->date);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return vt_sql_fail(s, err, rc, "record document");
	return VT_OK;
}

/* ---- judging, at the end of each index run ---- */

static int
cmp_int64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* The median of n values; the two middle ones in *lo and *hi (the same
 * one for odd n) when not NULL. */
static int64_t
median_of(const int64_t *values, size_t n, int64_t *lo, int64_t *hi)
{
	int64_t sorted[USUAL_WINDOW];

	memcpy(sorted, values, n * sizeof *values);
	qsort(sorted, n, sizeof *sorted, cmp_int64);
	if (lo != NULL && hi != NULL) {
		*lo = sorted[(n - 1) / 2];
		*hi = sorted[n / 2];
	}
	return n % 2 ? sorted[n / 2]
		     : sorted[n / 2 - 1] / 2 + sorted[n / 2] / 2 +
			       (sorted[n / 2 - 1] % 2 + sorted[n / 2] % 2) / 2;
}

static int64_t
median(const int64_t *values, size_t n)
{
	return median_of(values, n, NULL, NULL);
}

/* |a - b| more than percent of b */
static bool
off_by_more(int64_t a, int64_t b, long percent)
{
	__int128 diff = (__int128)a - b;

	if (diff < 0)
		diff = -diff;
	return b > 0 && diff * 100 > (__int128)b * percent;
}

struct group {
	int64_t vendor_id;
	char merchant[128]; /* a billing platform's sender, by name */
	char currency[4];
	int64_t recent[USUAL_WINDOW]; /* ring of the last bills */
	size_t n, next;
	/* the days between the last bills (ring), and the last one's date:
	 * how often the vendor bills, for a rate agreed per month or year */
	int64_t gaps[USUAL_WINDOW], last_date;
	size_t n_gaps, next_gap;
	char **refs;         /* the references seen, to count a reminder once */
	int64_t *ref_totals; /* the total each was first billed at */
	size_t n_refs;
	struct vt_strmap ref_index; /* to the index in refs */
};

/* v into a ring of the last USUAL_WINDOW values (*n of them so far). */
static void
ring_push(int64_t *ring, size_t *n, size_t *next, int64_t v)
{
	ring[*next] = v;
	*next = (*next + 1) % USUAL_WINDOW;
	if (*n < USUAL_WINDOW)
		(*n)++;
}

/* Months a rate is agreed per ("month", "quarter", "year"), 0 for one
 * agreed per bill. */
static int
months_of(const char *per)
{
	return strcmp(per, "month") == 0     ? 1
	       : strcmp(per, "quarter") == 0 ? 3
	       : strcmp(per, "year") == 0    ? 12
					     : 0;
}

/* Months one of the group's bills covers, from the median days between
 * them, to the nearest usual cycle; 0 when there are none yet. */
static int
billing_months(const struct group *g)
{
	int64_t days;

	if (g->n_gaps == 0)
		return 0;
	days = median(g->gaps, g->n_gaps);
	return days <= 45 ? 1 : days <= 135 ? 3 : days <= 270 ? 6 : 12;
}

static void
group_reset(struct group *g, int64_t vendor_id, const char *merchant, const char *currency)
{
	for (size_t i = 0; i < g->n_refs; i++)
		free(g->refs[i]);
	free(g->refs);
	free(g->ref_totals);
	vt_strmap_clear(&g->ref_index);
	memset(g, 0, sizeof *g);
	g->vendor_id = vendor_id;
	snprintf(g->merchant, sizeof g->merchant, "%s", merchant);
	snprintf(g->currency, sizeof g->currency, "%s", currency);
}

/* Whether ref was billed before, and at what (*first). */
static bool
group_seen_ref(struct group *g, const char *ref, int64_t total, int64_t *first)
{
	char **grown;
	int64_t *totals;
	size_t *at;
	bool added;

	if (*ref == '\0')
		return false;
	if ((at = vt_strmap_get(&g->ref_index, ref)) != NULL) {
		*first = g->ref_totals[*at];
		return true;
	}
	/* (out of memory: the reference goes uncounted, as a new one) */
	grown = realloc(g->refs, (g->n_refs + 1) * sizeof *grown);
	if (grown != NULL)
		g->refs = grown;
	totals = realloc(g->ref_totals, (g->n_refs + 1) * sizeof *totals);
	if (totals != NULL)
		g->ref_totals = totals;
	if (grown != NULL && totals != NULL && (grown[g->n_refs] = strdup(ref)) != NULL) {
		if (vt_strmap_add(&g->ref_index, grown[g->n_refs], g->n_refs, &added) == NULL) {
			free(grown[g->n_refs]);
			return false;
		}
		totals[g->n_refs] = total;
		g->n_refs++;
	}
	return false;
}

/* An ambiguous total ("12,500") takes the reading of the vendor's
 * habit: the convention most of its other documents show. */
static vt_status
resolve_ambiguous(struct vt_store *s, struct vt_error *err)
{
	return vt_sql_exec(
		s,
		"UPDATE documents AS d SET total = CASE (SELECT CASE WHEN sum(o.decimal = 1) >"
		"  sum(o.decimal = 2) THEN 1 WHEN sum(o.decimal = 2) > sum(o.decimal = 1) THEN 2"
		"  ELSE 0 END FROM documents o WHERE o.org = d.org AND o.if_dot IS NULL"
		"  AND o.decimal <> 0)"
		"  WHEN 1 THEN d.if_dot WHEN 2 THEN d.if_comma ELSE d.total END"
		" WHERE d.if_dot IS NOT NULL",
		err);
}

vt_status
vt_documents_judge(struct vt_store *s, const struct vt_config *cfg, struct vt_error *err)
{
	struct group g = { .vendor_id = -1 };
	sqlite3_stmt *st, *up;
	vt_status rc;
	int step;

	if ((rc = vt_store_begin(s, err)) != VT_OK)
		return rc;
	if ((rc = resolve_ambiguous(s, err)) != VT_OK)
		goto out;
	/* A billing platform (Stripe, Paddle, Xero...) bills for many
	 * merchants from its own domain: each merchant's bills are a series
	 * of their own, by the sender's name (a $9 plan and a $900 one were
	 * one vendor's jump). */
	st = vt_sql_prepare(s,
			    "SELECT d.message_id, vd.vendor_id, d.currency, d.total, d.ref, v.rate,"
			    " v.rate_currency, d.usual, d.usual_count, d.flag, v.rate_per, m.date,"
			    " CASE WHEN d.org IN " VT_SQL_BILLING_PLATFORMS " THEN coalesce((SELECT"
			    "  n.name FROM sightings n WHERE n.message_id = d.message_id"
			    "  AND n.field = 0), '') ELSE '' END AS merchant,"
			    /* the vendor's own mail paying new bank details (a
			     * compromised mailbox) is judged as its bill, but
			     * moves no usual either: the scam's bills made the
			     * next bill of theirs usual (a new domain's first
			     * bill, flagged for being first, does) */
			    " EXISTS (SELECT 1 FROM suspicions x WHERE x.message_id = d.message_id"
			    "  AND x.reason = '" VT_SUSPECT_BANK "'"
			    "  AND x.detail NOT LIKE '" VT_FIRST_ASKS "%')"
			    " FROM documents d JOIN vendor_domains vd ON vd.domain = d.org"
			    " JOIN vendors v ON v.id = vd.vendor_id"
			    " JOIN messages m ON m.message_id = d.message_id"
			    " WHERE d.kind = 2 AND d.total IS NOT NULL"
			    /* a forger's bill (failed authentication, someone
			     * else's name) is not the vendor's: it moves no usual */
			    " AND d.message_id NOT IN (SELECT message_id FROM suspicions"
			    "  WHERE reason IN ('" VT_SUSPECT_AUTH "', '" VT_SUSPECT_NAME "'))"
			    " ORDER BY vd.vendor_id, merchant, d.currency, m.date, d.message_id",
			    err);
	up = vt_sql_prepare(s,
			    "UPDATE documents SET usual = ?2, usual_count = ?3, flag = ?4"
			    " WHERE message_id = ?1",
			    err);
	if (st == NULL || up == NULL) {
		rc = err ? err->status : VT_ERR_DB;
		goto out;
	}
	/* Read all, then write: no statement stays open across the writes. */
	struct verdict {
		char *id;
		int64_t usual;
		int count;
		char flag[12];
	} *verdicts = NULL;
	size_t n_verdicts = 0;

	while (rc == VT_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(st, 0);
		int64_t vendor = sqlite3_column_int64(st, 1), total = sqlite3_column_int64(st, 3);
		const char *currency = (const char *)sqlite3_column_text(st, 2);
		const char *ref = (const char *)sqlite3_column_text(st, 4);
		const char *rate_currency = (const char *)sqlite3_column_text(st, 6);
		const char *old_flag = (const char *)sqlite3_column_text(st, 9);
		bool has_rate = sqlite3_column_type(st, 5) != SQLITE_NULL;
		int64_t rate = sqlite3_column_int64(st, 5), usual = 0,
			date = sqlite3_column_int64(st, 11);
		int64_t first_total = 0;
		bool corrected;
		int count = 0, per, cycle;
		char flag[12] = "";
		bool repeat;

		const char *merchant = (const char *)sqlite3_column_text(st, 12);
		bool counts = sqlite3_column_int(st, 13) == 0;

		if (vendor != g.vendor_id || strcmp(currency, g.currency) != 0 ||
		    strncmp(merchant, g.merchant, sizeof g.merchant - 1) != 0)
			group_reset(&g, vendor, merchant, currency);
		repeat = group_seen_ref(&g, ref, total, &first_total);
		/* a bill sent again under its reference at another total (a
		 * "corrected invoice" of $3,200 for one of $1,000) is judged as
		 * a bill; a reminder at the same total is not counted twice */
		corrected = repeat && total != first_total;
		/* the billing cycle counts the gap to this bill: a monthly
		 * rate is known from the second bill on */
		if (total > 0 && !repeat && counts) {
			if (g.last_date > 0)
				ring_push(g.gaps, &g.n_gaps, &g.next_gap,
					  (date - g.last_date) / 86400);
			g.last_date = date;
		}
		if (total > 0 && (!repeat || corrected)) {
			int64_t lo = 0, hi = 0;

			count = (int)g.n;
			if (g.n > 0)
				usual = median_of(g.recent, g.n, &lo, &hi);
			/* off both middle bills: of an even number, their mean
			 * is an amount never billed (a prorated first bill of
			 * $483.87, then $2,500: the next $2,500 was +67%) */
			if (g.n >= (size_t)cfg->bill_min_history &&
			    off_by_more(total, lo, cfg->bill_jump_percent) &&
			    off_by_more(total, hi, cfg->bill_jump_percent))
				strcpy(flag, "jump");
			/* a rate per month or year, in the months a bill
			 * covers (every monthly bill of a yearly $30,000 was
			 * "not the contracted rate"); unknown till the
			 * vendor's second bill */
			per = months_of((const char *)sqlite3_column_text(st, 10));
			cycle = billing_months(&g);
			if (per > 0 && cycle > 0)
				rate = (int64_t)((__int128)rate * cycle / per);
			if (has_rate && rate > 0 && (per == 0 || cycle > 0) &&
			    (*rate_currency == '\0' || strcmp(rate_currency, currency) == 0) &&
			    off_by_more(total, rate, cfg->bill_rate_tolerance))
				strcat(flag, *flag ? " rate" : "rate");
		}
		/* the usual and the billing cycle take each reference once
		 * (a corrected bill's period is counted already) */
		if (total > 0 && !repeat && counts)
			ring_push(g.recent, &g.n, &g.next, total);
		if (sqlite3_column_type(st, 7) == (count > 0 ? SQLITE_INTEGER : SQLITE_NULL) &&
		    (count == 0 || sqlite3_column_int64(st, 7) == usual) &&
		    sqlite3_column_int(st, 8) == count && strcmp(old_flag, flag) == 0)
			continue;
		struct verdict *grown = realloc(verdicts, (n_verdicts + 1) * sizeof *grown);
		if (grown == NULL || (grown[n_verdicts].id = strdup(id)) == NULL) {
			if (grown != NULL)
				verdicts = grown;
			rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
			break;
		}
		verdicts = grown;
		verdicts[n_verdicts].usual = usual;
		verdicts[n_verdicts].count = count;
		snprintf(verdicts[n_verdicts].flag, sizeof verdicts[n_verdicts].flag, "%s", flag);
		n_verdicts++;
	}
	sqlite3_reset(st);
	if (rc == VT_OK && step != SQLITE_DONE && step != SQLITE_ROW)
		rc = vt_sql_fail(s, err, step, "check bills");
	for (size_t i = 0; i < n_verdicts; i++) {
		if (rc == VT_OK) {
			sqlite3_bind_text(up, 1, verdicts[i].id, -1, SQLITE_STATIC);
			if (verdicts[i].count > 0)
				sqlite3_bind_int64(up, 2, verdicts[i].usual);
			else
				sqlite3_bind_null(up, 2);
			sqlite3_bind_int(up, 3, verdicts[i].count);
			sqlite3_bind_text(up, 4, verdicts[i].flag, -1, SQLITE_STATIC);
			if ((step = sqlite3_step(up)) != SQLITE_DONE)
				rc = vt_sql_fail(s, err, step, "check bills");
			sqlite3_reset(up);
		}
		free(verdicts[i].id);
	}
	free(verdicts);
	group_reset(&g, -1, "", "");
out:
	if (rc == VT_OK)
		return vt_store_commit(s, err);
	vt_store_rollback(s);
	return rc;
}

/* ---- reading ---- */

vt_status
vt_vendor_set_rate(struct vt_store *s, const char *slug, const struct mail_money *rate,
		   const char *per, struct vt_error *err)
{
	int64_t id;
	vt_status rc = vt_vendor_find(s, slug, &id, err);

	if (rc != VT_OK)
		return vt_as_not_found(rc, err);
	if (rate == NULL)
		return vt_sql_run(
			s,
			"UPDATE vendors SET rate = NULL, rate_currency = '', rate_per = ''"
			" WHERE id = ?",
			"set rate", err, "i", id);
	return vt_sql_run(
		s, "UPDATE vendors SET rate = ?, rate_currency = ?, rate_per = ? WHERE id = ?",
		"set rate", err, "itti", rate->minor, rate->currency, per ? per : "", id);
}

static char *
column_dup(sqlite3_stmt *st, int col)
{
	const char *t = (const char *)sqlite3_column_text(st, col);

	return strdup(t ? t : "");
}

static void
column_copy(sqlite3_stmt *st, int col, char *out, size_t len)
{
	const char *t = (const char *)sqlite3_column_text(st, col);

	snprintf(out, len, "%s", t ? t : "");
}

vt_status
vt_documents_list(struct vt_store *s, const struct vt_document_filter *f,
		  struct vt_document_list *out, struct vt_error *err)
{
	int64_t vendor_id = -1;
	sqlite3_stmt *st;
	vt_status rc = VT_OK;
	int step;

	memset(out, 0, sizeof *out);
	if (f->vendor != NULL && (rc = vt_vendor_find(s, f->vendor, &vendor_id, err)) != VT_OK)
		return vt_as_not_found(rc, err);
#define DOCUMENTS_SELECT                                                                           \
	"SELECT d.message_id, m.thread, m.subject, v.slug, v.name, m.date, d.kind, d.source,"      \
	" d.total, d.currency, d.subtotal, d.tax, d.ref, d.issued, d.due, d.valid_until,"          \
	" d.net_days, d.note, d.usual, d.usual_count, d.flag, m.from_addr, d.totals_agree"         \
	" FROM documents d JOIN messages m ON m.message_id = d.message_id"                         \
	" JOIN vendor_domains vd ON vd.domain = d.org JOIN vendors v ON v.id = vd.vendor_id"       \
	" WHERE (?1 = 0 OR d.kind = ?1)"
#define DOCUMENTS_REST                                                                             \
	" AND (?3 IS NULL OR d.total * 1000 >= ?3 * d.scale)"                                      \
	" AND (?4 IS NULL OR d.total * 1000 <= ?4 * d.scale)"                                      \
	" AND m.date >= ?5 AND (?6 = 0 OR d.flag <> '')"                                           \
	" AND (?7 IS NULL OR d.currency = ?7) AND (?10 IS NULL OR m.thread = ?10)"
		/* Amounts compare within a currency: the currency most of the list
	 * is in first (a yen bill is no larger than a dollar one for its
	 * digits), each largest first, and documents without a total last;
	 * the window only where asked for. */
#define DOCUMENTS_BY_DATE " ORDER BY m.date DESC, d.message_id LIMIT ?9"
#define DOCUMENTS_BY_AMOUNT                                                                        \
	" ORDER BY d.currency = '', count(*) OVER (PARTITION BY d.currency) DESC, d.currency,"     \
	" d.total * 1000 / d.scale DESC, m.date DESC, d.message_id LIMIT ?9"
		/* One vendor's: a plain vd.vendor_id = ?2 lets sqlite start from the
	 * vendor's domains (an OR with ?2 < 0 made it read every document:
	 * 50 ms at 100,000 messages for each pane load). As vendor: has its
	 * mail, not a forger's (failed authentication, someone else's name),
	 * in every vendor's list too (a forged bill was listed there as the
	 * vendor's, to be paid). */
#define NOT_FORGED                                                                                 \
	" AND d.message_id NOT IN (SELECT message_id FROM suspicions WHERE reason IN"              \
	" ('" VT_SUSPECT_AUTH "', '" VT_SUSPECT_NAME "'))"
#define DOCUMENTS_OF_VENDOR DOCUMENTS_SELECT " AND vd.vendor_id = ?2" NOT_FORGED DOCUMENTS_REST
	st = vt_sql_prepare(
		s,
		vendor_id >= 0
			? (f->by_amount ? DOCUMENTS_OF_VENDOR DOCUMENTS_BY_AMOUNT
					: DOCUMENTS_OF_VENDOR DOCUMENTS_BY_DATE)
			: (f->by_amount ? DOCUMENTS_SELECT
				   " AND ?2 < 0" NOT_FORGED DOCUMENTS_REST DOCUMENTS_BY_AMOUNT
					: DOCUMENTS_SELECT
				   " AND ?2 < 0" NOT_FORGED DOCUMENTS_REST DOCUMENTS_BY_DATE),
		err);
#undef DOCUMENTS_SELECT
#undef DOCUMENTS_REST
#undef DOCUMENTS_OF_VENDOR
#undef NOT_FORGED
#undef DOCUMENTS_BY_DATE
#undef DOCUMENTS_BY_AMOUNT
	if (st == NULL)
		return err ? err->status : VT_ERR_DB;
	sqlite3_bind_int(st, 1, (int)f->kind);
	sqlite3_bind_int64(st, 2, vendor_id);
	if (f->has_min)
		sqlite3_bind_int64(st, 3, f->min_milli);
	else
		sqlite3_bind_null(st, 3);
	if (f->has_max)
		sqlite3_bind_int64(st, 4, f->max_milli);
	else
		sqlite3_bind_null(st, 4);
	sqlite3_bind_int64(st, 5, (sqlite3_int64)f->since);
	sqlite3_bind_int(st, 6, f->flagged);
	if (f->currency != NULL)
		sqlite3_bind_text(st, 7, f->currency, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 7);
	sqlite3_bind_int64(st, 9, f->limit > 0 ? (sqlite3_int64)f->limit : -1);
	if (f->thread != NULL)
		sqlite3_bind_text(st, 10, f->thread, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 10);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct vt_document *grown = realloc(out->items, (out->count + 1) * sizeof *grown),
				   *d;

		if (grown == NULL) {
			rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
			break;
		}
		out->items = grown;
		d = &out->items[out->count++];
		memset(d, 0, sizeof *d);
		d->message_id = column_dup(st, 0);
		d->thread = column_dup(st, 1);
		d->subject = column_dup(st, 2);
		d->vendor_slug = column_dup(st, 3);
		d->vendor_name = column_dup(st, 4);
		d->from = column_dup(st, 21);
		d->totals_agree = sqlite3_column_int(st, 22) != 0;
		d->date = (time_t)sqlite3_column_int64(st, 5);
		d->kind = (enum mail_doc_kind)sqlite3_column_int(st, 6);
		column_copy(st, 7, d->source, sizeof d->source);
		d->has_total = sqlite3_column_type(st, 8) != SQLITE_NULL;
		d->total.minor = sqlite3_column_int64(st, 8);
		column_copy(st, 9, d->total.currency, sizeof d->total.currency);
		d->has_subtotal = sqlite3_column_type(st, 10) != SQLITE_NULL;
		d->subtotal = sqlite3_column_int64(st, 10);
		d->has_tax = sqlite3_column_type(st, 11) != SQLITE_NULL;
		d->tax = sqlite3_column_int64(st, 11);
		column_copy(st, 12, d->ref, sizeof d->ref);
		column_copy(st, 13, d->issued, sizeof d->issued);
		column_copy(st, 14, d->due, sizeof d->due);
		column_copy(st, 15, d->valid_until, sizeof d->valid_until);
		d->net_days = sqlite3_column_int(st, 16);
		column_copy(st, 17, d->note, sizeof d->note);
		d->has_usual = sqlite3_column_type(st, 18) != SQLITE_NULL;
		d->usual = sqlite3_column_int64(st, 18);
		d->usual_count = sqlite3_column_int(st, 19);
		column_copy(st, 20, d->flag, sizeof d->flag);
		if (d->message_id == NULL || d->thread == NULL || d->subject == NULL ||
		    d->vendor_slug == NULL || d->vendor_name == NULL || d->from == NULL) {
			rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
			break;
		}
	}
	sqlite3_reset(st);
	if (rc == VT_OK && step != SQLITE_DONE)
		rc = vt_sql_fail(s, err, step, "list documents");
	if (rc != VT_OK)
		vt_document_list_clear(out);
	return rc;
}

/* Whether o and d are one document sent again under its reference. */
static bool
same_document(const struct vt_document *o, const struct vt_document *d)
{
	return d->ref[0] != '\0' && o->kind == d->kind && o->has_total &&
	       strcmp(o->ref, d->ref) == 0 && strcmp(o->total.currency, d->total.currency) == 0;
}

/* The copy of item i that comes last (newest: 1) or first (-1) by date,
 * then by place in the list. */
static size_t
copy_at_end(const struct vt_document_list *docs, size_t i, int end)
{
	size_t best = i;

	for (size_t k = 0; k < docs->count; k++) {
		const struct vt_document *o = &docs->items[k], *b = &docs->items[best];

		if (k != best && same_document(o, &docs->items[i]) &&
		    (end > 0 ? o->date > b->date || (o->date == b->date && k > best)
			     : o->date < b->date || (o->date == b->date && k < best)))
			best = k;
	}
	return best;
}

size_t
vt_document_newest(const struct vt_document_list *docs, size_t i)
{
	return copy_at_end(docs, i, 1);
}

size_t
vt_document_first(const struct vt_document_list *docs, size_t i)
{
	return copy_at_end(docs, i, -1);
}

void
vt_document_list_clear(struct vt_document_list *list)
{
	for (size_t i = 0; i < list->count; i++) {
		struct vt_document *d = &list->items[i];

		free(d->message_id);
		free(d->thread);
		free(d->subject);
		free(d->vendor_slug);
		free(d->vendor_name);
		free(d->from);
	}
	free(list->items);
	memset(list, 0, sizeof *list);
}

size_t
vt_document_check_line(const struct vt_document *d, char *buf, size_t len)
{
	char total[48], usual[48];
	struct mail_money u = { d->usual, "" };
	int n;

	memcpy(u.currency, d->total.currency, sizeof u.currency);
	mail_money_format(&d->total, total, sizeof total);
	mail_money_format(&u, usual, sizeof usual);
	if (strstr(d->flag, "jump") != NULL && d->usual > 0) {
		long long pct = (long long)(((__int128)d->total.minor - d->usual) * 100 / d->usual);

		n = snprintf(buf, len, "%s: %+lld%% against the usual %s (%d bill%s)", total, pct,
			     usual, d->usual_count, d->usual_count == 1 ? "" : "s");
	} else if (strstr(d->flag, "rate") != NULL)
		n = snprintf(buf, len, "%s: not the contracted rate", total);
	else
		n = snprintf(buf, len, "%s", total);
	return n < 0 ? 0 : (size_t)n;
}

/* ---- in SQL ---- */

/* money_text(MINOR, CURRENCY): "$7,800.00"; NULL for a NULL amount. */
void
vt_sql_money_text(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct mail_money m = { 0 };
	const unsigned char *code;
	char shown[48];

	(void)argc;
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
		sqlite3_result_null(ctx);
		return;
	}
	m.minor = sqlite3_value_int64(argv[0]);
	code = sqlite3_value_text(argv[1]);
	snprintf(m.currency, sizeof m.currency, "%s", code ? (const char *)code : "");
	mail_money_format(&m, shown, sizeof shown);
	sqlite3_result_text(ctx, shown, -1, SQLITE_TRANSIENT);
}
