/*
 * The vendor panes: each an entry of tui_pane_kinds (its title and the
 * loader that turns the store's answer for a vendor into lines), and the
 * loading of all of them for the vendor under the cursor. See model.h.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "model.h"

/* ---- panes ---- */

static void
rows_clear(struct tui_pane_rows *r)
{
	for (size_t i = 0; i < r->count; i++) {
		free(r->items[i].text);
		free(r->items[i].ref);
	}
	free(r->items);
	memset(r, 0, sizeof *r);
}

/* Appends a line (ref may be NULL); false when out of memory. */
static bool
rows_add(struct tui_pane_rows *r, const char *text, const char *ref)
{
	struct tui_pane_row *grown = realloc(r->items, (r->count + 1) * sizeof *grown);

	if (grown == NULL)
		return false;
	r->items = grown;
	grown[r->count].text = strdup(text);
	grown[r->count].ref = ref ? strdup(ref) : NULL;
	if (grown[r->count].text == NULL || (ref && grown[r->count].ref == NULL)) {
		free(grown[r->count].text);
		free(grown[r->count].ref);
		return false;
	}
	r->count++;
	return true;
}

static void
short_date(time_t t, char *buf, size_t len)
{
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL || strftime(buf, len, "%Y-%m-%d", &tm) == 0)
		snprintf(buf, len, "?");
}

/* The vendor's bills of the last 12 months less its credit notes, a block
 * a month in the currency most bills are in, and their sum: "  ▁▃█▂
 * $15,290.00"
 * (" .:-=+*#" where the locale has no such blocks). */
static void
spend_sparkline(struct vt_store *s, const char *slug, char *out, size_t len)
{
	static const char *const blocks[] = { "\u2581", "\u2582", "\u2583", "\u2584",
					      "\u2585", "\u2586", "\u2587", "\u2588" };
	static const char ascii[] = " .:-=+*#";
	time_t now = time(NULL);
	/* bills, less the credit notes */
	struct vt_document_filter f = { .vendor = slug, .since = now - 366 * 86400 };
	struct vt_document_list docs;
	int64_t month[12] = { 0 }, max = 0;
	struct mail_money total = { 0, "" };
	struct tm today, tm;
	size_t o;
	int best = 0;

	out[0] = '\0';
	if (vt_documents_list(s, &f, &docs, NULL) != VT_OK)
		return;
	for (size_t i = 0; i < docs.count; i++) {
		int n = 0;

		for (size_t k = 0; k < docs.count; k++)
			n += docs.items[k].kind == MAIL_DOC_BILL && docs.items[k].has_total &&
			     strcmp(docs.items[k].total.currency, docs.items[i].total.currency) ==
				     0;
		if (n > best) {
			best = n;
			memcpy(total.currency, docs.items[i].total.currency, 4);
		}
	}
	localtime_r(&now, &today);
	for (size_t i = 0; i < docs.count; i++) {
		int back;
		int64_t minor = docs.items[i].total.minor;

		if (!docs.items[i].has_total ||
		    strcmp(docs.items[i].total.currency, total.currency) ||
		    (docs.items[i].kind != MAIL_DOC_BILL &&
		     docs.items[i].kind != MAIL_DOC_CREDIT) ||
		    vt_document_newest(&docs, i) != i)
			continue;
		/* a reminder is its bill, once, in the month first sent */
		localtime_r(&docs.items[vt_document_first(&docs, i)].date, &tm);
		back = (today.tm_year - tm.tm_year) * 12 + today.tm_mon - tm.tm_mon;
		if (back < 0 || back > 11)
			continue;
		if (docs.items[i].kind == MAIL_DOC_CREDIT)
			minor = -minor;
		month[11 - back] += minor;
		total.minor += minor;
	}
	vt_document_list_clear(&docs);
	for (int m = 0; m < 12; m++)
		max = month[m] > max ? month[m] : max;
	if (max == 0)
		return;
	o = (size_t)snprintf(out, len, " ");
	for (int m = 0; m < 12 && o + 4 < len; m++) {
		/* (a month of credits only spent nothing) */
		int level = month[m] <= 0 ? -1 : (int)(month[m] * 7 / max);

		char ascii_block[2] = { level < 0 ? '_' : ascii[level], '\0' };

		o += (size_t)snprintf(out + o, len - o, "%s",
				      MB_CUR_MAX == 1 ? ascii_block
				      : level < 0     ? " "
						      : blocks[level]);
	}
	if (o + 4 < len) {
		out[o++] = ' ';
		o += mail_money_format(&total, out + o, len - o);
		if (o + 2 < len)
			/* a middle dot before the name */
			snprintf(out + o, len - o, MB_CUR_MAX > 1 ? " \xC2\xB7" : " -");
	}
}

/* What Enter on a history row lists (tui_open_pane_row): the mail a
 * row of mail names (a message, a bill's check, a suspicion) or an
 * issue's threads; NULL for the rest. false when out of memory. */
static bool
history_ref(const struct vt_event *e, char **ref)
{
	char *quoted;

	*ref = NULL;
	if (e->ref == NULL || *e->ref == '\0')
		return true;
	if (strncmp(e->kind, "issue-", 6) == 0) {
		if (asprintf(ref, "issue:%s", e->ref) < 0)
			*ref = NULL;
		return *ref != NULL;
	}
	if (strcmp(e->kind, "message") != 0 && strcmp(e->kind, "bill-check") != 0 &&
	    strcmp(e->kind, "suspicious") != 0)
		return true;
	if ((quoted = mail_query_quote(e->ref)) == NULL || asprintf(ref, "id:%s", quoted) < 0)
		*ref = NULL;
	free(quoted);
	return *ref != NULL;
}

/* The vendor's timeline: "< " mail in, "> " mail out, "[kind]" the rest. */
static vt_status
load_history(struct vt_store *s, const char *slug, struct tui_pane_rows *out, struct vt_error *err)
{
	struct vt_event_list list;
	vt_status rc = vt_history(s, slug, 200, &list, err);
	const char *last_who = NULL; /* "from rep@x.example: " of the row above */
	size_t last_len = 0;

	spend_sparkline(s, slug, out->note, sizeof out->note);

	for (size_t i = 0; rc == VT_OK && i < list.count; i++) {
		const struct vt_event *e = &list.items[i];
		char date[16], *line = NULL;
		int n;

		short_date(e->date, date, sizeof date);
		if (strcmp(e->kind, "message") == 0) {
			/* the same correspondent as the row above is not named
			 * again: 40 columns show the subject instead */
			const char *colon = strstr(e->summary, ": ");
			const char *text = e->summary;
			size_t who = colon ? (size_t)(colon - e->summary) + 2 : 0;
			const char *subject = mail_subject_shown(e->summary + who);

			if (who &&
			    (strncmp(text, "from ", 5) == 0 || strncmp(text, "to ", 3) == 0)) {
				if (last_who != NULL && who == last_len &&
				    strncmp(last_who, text, who) == 0)
					text += who;
				last_who = e->summary;
				last_len = who;
			} else {
				last_who = NULL;
			}
			n = asprintf(&line, "%s %s %.*s%s", date,
				     e->direction == MAIL_DIR_OUT ? ">" : "<",
				     (int)(e->summary + who - text), text, subject);
		} else
			n = asprintf(&line, "%s [%s] %s", date, e->kind, e->summary);
		if (n < 0 || !rows_add(out, line, NULL) ||
		    !history_ref(e, &out->items[out->count - 1].ref))
			rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
		free(line);
	}
	vt_event_list_clear(&list);
	return rc;
}

/* The vendor's people, with their role; the ref is what `contact set`
 * takes: the newest address, or the name of someone only named. */
static vt_status
load_contacts(struct vt_store *s, const char *slug, struct tui_pane_rows *out, struct vt_error *err)
{
	struct vt_contact_list list;
	vt_status rc = vt_contact_list(s, slug, &list, err);

	for (size_t i = 0; rc == VT_OK && i < list.count; i++) {
		const struct vt_contact *c = &list.items[i];
		char *line = NULL;

		if (asprintf(&line, "%s%s%s%s%s", c->name, c->role ? " [" : "",
			     c->role ? c->role : "", c->role ? "]" : "",
			     c->n_vendors > 1 ? " (moved)" : "") < 0 ||
		    !rows_add(out, line, c->n_addresses ? c->addresses[0] : c->name))
			rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
		free(line);
	}
	vt_contact_list_clear(&list);
	return rc;
}

/* Open issues with their age in days; the ref is the issue number. */
static vt_status
load_issues(struct vt_store *s, const char *slug, struct tui_pane_rows *out, struct vt_error *err)
{
	struct vt_issue_list list;
	vt_status rc = vt_issue_list(s, slug, false, &list, err);
	time_t now = time(NULL);

	for (size_t i = 0; rc == VT_OK && i < list.count; i++) {
		const struct vt_issue *is = &list.items[i];
		char *line = NULL, number[32];

		snprintf(number, sizeof number, "%lld", (long long)is->id);
		if (asprintf(&line, "#%lld %ldd %s", (long long)is->id,
			     (long)((now - is->opened) / 86400), is->title) < 0 ||
		    !rows_add(out, line, number))
			rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
		free(line);
	}
	vt_issue_list_clear(&list);
	/* then its contracts, soonest end first, C and their number; short
	 * enough for a side pane: "C1 subscription to 2026-12-23, 20d DUE" */
	{
		struct vt_contract_list contracts = { 0 };
		char today[11];

		vt_today(today);
		if (rc == VT_OK)
			rc = vt_contract_list(s, slug, today, -1, &contracts, err);
		for (size_t i = 0; rc == VT_OK && i < contracts.count; i++) {
			const struct vt_contract *c = &contracts.items[i];
			char *line = NULL;

			if ((c->days_left < 0 ? asprintf(&line, "C%lld %s ended %s",
							 (long long)c->id, c->kind, c->ends)
					      : asprintf(&line, "C%lld %s to %s, %dd%s",
							 (long long)c->id, c->kind, c->ends,
							 c->days_left, c->due ? " DUE" : "")) < 0 ||
			    !rows_add(out, line, NULL))
				rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
			free(line);
		}
		vt_contract_list_clear(&contracts);
	}
	return rc;
}

/* The vendor's quotes and bills, newest first, each year's totals by
 * kind and currency after its last document; the ref is the thread. */
static vt_status
load_documents(struct vt_store *s, const char *slug, struct tui_pane_rows *out,
	       struct vt_error *err)
{
	struct vt_document_filter f = { .vendor = slug };
	struct vt_document_list list;
	vt_status rc = vt_documents_list(s, &f, &list, err);
	/* a year's sums: bills, credits and quotes, in a few currencies */
	struct sum {
		enum mail_doc_kind kind;
		struct mail_money money;
		int count;
	} sums[8];
	size_t n_sums = 0;
	int year = 0;

	for (size_t i = 0; rc == VT_OK && i <= list.count; i++) {
		const struct vt_document *d = i < list.count ? &list.items[i] : NULL;
		struct tm tm = { 0 };
		char date[16], amount[48] = "", *line = NULL;
		bool ok = true;

		if (d != NULL) {
			localtime_r(&d->date, &tm);
			if (d->kind != MAIL_DOC_QUOTE && d->kind != MAIL_DOC_BILL &&
			    d->kind != MAIL_DOC_CREDIT)
				continue;
		}
		/* a year ends: its sums */
		if (year != 0 && (d == NULL || tm.tm_year + 1900 != year)) {
			for (size_t k = 0; ok && k < n_sums; k++) {
				mail_money_format(&sums[k].money, amount, sizeof amount);
				ok = asprintf(&line, "  %d %s: %s (%d)", year,
					      sums[k].kind == MAIL_DOC_BILL     ? "bills"
					      : sums[k].kind == MAIL_DOC_CREDIT ? "credits"
										: "quotes",
					      amount, sums[k].count) >= 0 &&
				     rows_add(out, line, NULL);
				out->summaries += ok;
				free(line);
				line = NULL;
			}
			n_sums = 0;
		}
		if (d == NULL || !ok) {
			if (!ok)
				rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
			break;
		}
		year = tm.tm_year + 1900;
		short_date(d->date, date, sizeof date);
		if (d->has_total)
			mail_money_format(&d->total, amount, sizeof amount);
		/* a reminder's bill counted once: at its newest total, in the
		 * year of the first copy */
		if (d->has_total && vt_document_first(&list, i) == i) {
			size_t k;
			int64_t minor = list.items[vt_document_newest(&list, i)].total.minor;

			for (k = 0; k < n_sums; k++)
				if (sums[k].kind == d->kind &&
				    strcmp(sums[k].money.currency, d->total.currency) == 0)
					break;
			if (k == n_sums && n_sums < sizeof sums / sizeof sums[0])
				sums[n_sums++] = (struct sum){ d->kind, { 0, "" }, 0 };
			if (k < n_sums) {
				memcpy(sums[k].money.currency, d->total.currency, 4);
				sums[k].money.minor += minor;
				sums[k].count++;
			}
		}
		/* 40 columns hold "26-10-02 bill   $7,800.00 AT-2026-10 !" (the
		 * kinds as wide as "credit") */
		if (asprintf(&line, "%s %s %s %s%s", date + 2,
			     d->kind == MAIL_DOC_BILL     ? "bill  "
			     : d->kind == MAIL_DOC_CREDIT ? "credit"
							  : "quote ",
			     *amount ? amount : "-", *d->ref ? d->ref : "",
			     *d->flag ? " !" : "") < 0 ||
		    !rows_add(out, line, d->thread))
			rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
		free(line);
	}
	vt_document_list_clear(&list);
	return rc;
}

const struct tui_pane_kind tui_pane_kinds[TUI_PANES] = {
	[TUI_PANE_HISTORY] = { .title = "History", .load = load_history },
	[TUI_PANE_CONTACTS] = { .title = "Contacts", .load = load_contacts },
	[TUI_PANE_ISSUES] = { .title = "Issues & contracts", .load = load_issues },
	[TUI_PANE_DOCUMENTS] = { .title = "Quotes & bills", .load = load_documents },
};

void
tui_panes_clear(struct tui_panes *p)
{
	free(p->slug);
	p->slug = NULL;
	vt_vendor_clear(&p->vendor);
	for (size_t i = 0; i < TUI_PANES; i++)
		rows_clear(&p->rows[i]);
}

vt_status
tui_panes_load(struct tui_panes *p, struct vt_store *s, const char *slug, bool force,
	       struct vt_error *err)
{
	vt_status rc;

	/* reloading the panes' own vendor: keep the name alive */
	if (slug != NULL && slug == p->slug) {
		char *copy = strdup(slug);

		if (copy == NULL)
			return vt_fail(err, VT_ERR_NOMEM, "out of memory");
		rc = tui_panes_load(p, s, copy, force, err);
		free(copy);
		return rc;
	}

	if (!force && ((slug == NULL && p->slug == NULL) ||
		       (slug != NULL && p->slug != NULL && strcmp(slug, p->slug) == 0)))
		return VT_OK;
	tui_panes_clear(p);
	if (slug == NULL)
		return VT_OK;
	rc = vt_vendor_get(s, slug, &p->vendor, err);
	for (size_t i = 0; rc == VT_OK && i < TUI_PANES; i++)
		rc = tui_pane_kinds[i].load(s, slug, &p->rows[i], err);
	if (rc != VT_OK) {
		tui_panes_clear(p);
		return rc;
	}
	if ((p->slug = strdup(slug)) == NULL) {
		tui_panes_clear(p);
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	}
	return VT_OK;
}
