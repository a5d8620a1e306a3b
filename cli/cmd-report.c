/*
 * vtriage report SLUG: everything about one vendor over time, gathered
 * once as JSON (every text from mail sanitised on the way in) and shown
 * as text, JSON, or one self-contained HTML page (inline CSS and SVG, no
 * script, nothing fetched) fit to print or send to a manager.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

static void
date_text(time_t t, char out[11])
{
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

static json_t *
money_json(const struct mail_money *m)
{
	char text[48];

	mail_money_format(m, text, sizeof text);
	return json_pack("{s:s,s:I,s:s}", "currency", m->currency, "minor", (json_int_t)m->minor,
			 "text", text);
}

/* Bills, credit notes and quotes: totals per year, kind and currency;
 * bills less credits per month in the main currency (the one most bills
 * are in); the flagged ones. */
static void
add_documents(json_t *r, const struct vt_document_list *docs)
{
	json_t *totals = json_array(), *flagged = json_array(), *spend = json_object();
	char main_currency[4] = "";
	int best = 0;

	for (size_t i = 0; i < docs->count; i++) {
		int n = 0;

		for (size_t k = 0; k < docs->count; k++)
			n += docs->items[k].kind == MAIL_DOC_BILL && docs->items[k].has_total &&
			     strcmp(docs->items[k].total.currency, docs->items[i].total.currency) ==
				     0;
		if (n > best) {
			best = n;
			memcpy(main_currency, docs->items[i].total.currency, 4);
		}
	}
	for (size_t i = 0; i < docs->count; i++) {
		const struct vt_document *d = &docs->items[i];
		const char *kind = d->kind == MAIL_DOC_BILL     ? "bill"
				   : d->kind == MAIL_DOC_QUOTE  ? "quote"
				   : d->kind == MAIL_DOC_CREDIT ? "credit"
								: NULL;
		char date[11], key[16];
		json_t *row = NULL;
		struct tm tm;

		if (kind == NULL || !d->has_total)
			continue;
		/* counted once, at the newest total, in the month first sent
		 * (a $21,000 quote revised twice made $44,000 of quotes; a
		 * November bill reminded in December is November's) */
		if (vt_document_newest(docs, i) != i)
			goto flag;
		localtime_r(&docs->items[vt_document_first(docs, i)].date, &tm);
		snprintf(key, sizeof key, "%d", tm.tm_year + 1900);
		for (size_t k = 0; k < json_array_size(totals); k++) {
			json_t *t = json_array_get(totals, k);

			if (strcmp(json_string_value(json_object_get(t, "year")), key) == 0 &&
			    strcmp(json_string_value(json_object_get(t, "kind")), kind) == 0 &&
			    strcmp(json_string_value(json_object_get(t, "currency")),
				   d->total.currency) == 0)
				row = t;
		}
		if (row == NULL) {
			row = json_pack("{s:s,s:s,s:s,s:I,s:i}", "year", key, "kind", kind,
					"currency", d->total.currency, "minor", (json_int_t)0,
					"count", 0);
			json_array_append_new(totals, row);
		}
		json_object_set_new(row, "minor",
				    json_integer(json_integer_value(json_object_get(row, "minor")) +
						 d->total.minor));
		json_object_set_new(row, "count",
				    json_integer(json_integer_value(json_object_get(row, "count")) +
						 1));
		/* what was spent: bills, less the credit notes */
		if ((d->kind == MAIL_DOC_BILL || d->kind == MAIL_DOC_CREDIT) &&
		    strcmp(d->total.currency, main_currency) == 0) {
			strftime(key, sizeof key, "%Y-%m", &tm);
			json_object_set_new(spend, key,
					    json_integer(json_integer_value(
								 json_object_get(spend, key)) +
							 (d->kind == MAIL_DOC_CREDIT
								  ? -d->total.minor
								  : d->total.minor)));
		}
flag:
		if (*d->flag) {
			char check[256];
			json_t *f = json_object();

			date_text(d->date, date);
			vt_document_check_line(d, check, sizeof check);
			json_object_set_new(f, "date", json_string(date));
			cli_json_set_text(f, "ref", d->ref);
			json_object_set_new(f, "amount", money_json(&d->total));
			cli_json_set_text(f, "check", check);
			cli_json_set_text(f, "subject", d->subject);
			json_array_append_new(flagged, f);
		}
	}
	for (size_t k = 0; k < json_array_size(totals); k++) {
		json_t *t = json_array_get(totals, k);
		struct mail_money m = { json_integer_value(json_object_get(t, "minor")), "" };
		char text[48];

		snprintf(m.currency, sizeof m.currency, "%s",
			 json_string_value(json_object_get(t, "currency")));
		mail_money_format(&m, text, sizeof text);
		json_object_set_new(t, "text", json_string(text));
	}
	json_object_set_new(r, "totals", totals);
	json_object_set_new(r, "bills_flagged", flagged);
	json_object_set_new(r, "spend_currency", json_string(main_currency));
	json_object_set_new(r, "spend_by_month", spend);
}

static vt_status
gather(struct cli *cli, const char *slug, time_t since, json_t **out, struct vt_error *err)
{
	struct vt_vendor v = { 0 };
	struct vt_month_list months = { 0 };
	struct vt_document_filter filter = { .vendor = slug, .since = since };
	struct vt_document_list docs = { 0 };
	struct vt_suspect_list suspects = { 0 };
	struct vt_issue_list issues = { 0 };
	struct vt_contract_list contracts = { 0 };
	struct vt_contact_list contacts = { 0 };
	json_t *r = json_object(), *a;
	char today[11], date[11];
	time_t now = time(NULL);
	json_int_t in_range = 0;
	vt_status rc;

	vt_today(today);
	if ((rc = vt_vendor_get(cli->store, slug, &v, err)) != VT_OK ||
	    (rc = vt_vendor_months(cli->store, v.slug, since, &months, err)) != VT_OK ||
	    (rc = vt_documents_list(cli->store, &filter, &docs, err)) != VT_OK ||
	    (rc = vt_check_list(cli->store, v.slug, &suspects, err)) != VT_OK ||
	    (rc = vt_issue_list(cli->store, v.slug, true, &issues, err)) != VT_OK ||
	    (rc = vt_contract_list(cli->store, v.slug, today, -1, &contracts, err)) != VT_OK ||
	    (rc = vt_contact_list(cli->store, v.slug, &contacts, err)) != VT_OK)
		goto out;
	json_object_set_new(r, "vendor", json_string(v.slug));
	cli_json_set_text(r, "name", v.name);
	json_object_set_new(r, "bucket",
			    json_string(v.bucket == VT_BUCKET_TRUSTED ? "trusted" : "generic"));
	a = json_array();
	/* as shown to people, as vendor show gives them: a domain from mail
	 * may carry bidi controls or bytes that are no UTF-8 */
	for (size_t i = 0; i < v.n_domains; i++) {
		char *shown = mail_domain_display(v.domains[i]);

		json_array_append_new(a, json_string(shown ? shown : ""));
		free(shown);
	}
	json_object_set_new(r, "domains", a);
	json_object_set_new(r, "generated", json_string(today));
	if (since > 0)
		date_text(since, date);
	json_object_set_new(r, "since", since > 0 ? json_string(date) : json_null());
	a = json_array();
	for (size_t i = 0; i < months.count; i++) {
		json_array_append_new(a, json_pack("{s:s,s:I,s:I}", "month", months.items[i].month,
						   "in", (json_int_t)months.items[i].in, "out",
						   (json_int_t)months.items[i].out));
		in_range += months.items[i].in + months.items[i].out;
	}
	/* with --since, the mail of the months shown, not of all time */
	json_object_set_new(r, "messages", json_integer(since > 0 ? in_range : v.messages));
	json_object_set_new(r, "months", a);
	add_documents(r, &docs);
	a = json_array();
	for (size_t i = 0; i < suspects.count; i++) {
		const struct vt_suspect *m = &suspects.items[i];
		json_t *o = json_object(), *why = json_array();

		if (m->date < since)
			continue;
		date_text(m->date, date);
		json_object_set_new(o, "date", json_string(date));
		cli_json_set_text(o, "from", m->from);
		cli_json_set_text(o, "subject", m->subject);
		for (size_t k = 0; k < m->n_reasons; k++) {
			char *clean = cli_text(m->reasons[k].text);

			json_array_append_new(why, json_string(clean ? clean : ""));
			free(clean);
		}
		json_object_set_new(o, "reasons", why);
		json_array_append_new(a, o);
	}
	json_object_set_new(r, "suspicious", a);
	a = json_array();
	for (size_t i = 0; i < issues.count; i++) {
		const struct vt_issue *is = &issues.items[i];
		json_t *o;

		/* settled before the period: not of it */
		if (is->closed && is->closed < since)
			continue;
		o = json_object();

		json_object_set_new(o, "id", json_integer(is->id));
		cli_json_set_text(o, "title", is->title);
		date_text(is->opened, date);
		json_object_set_new(o, "opened", json_string(date));
		if (is->closed) {
			date_text(is->closed, date);
			json_object_set_new(o, "closed", json_string(date));
		} else {
			json_object_set_new(o, "closed", json_null());
		}
		json_object_set_new(o, "age_days",
				    json_integer(((is->closed ? is->closed : now) - is->opened) /
						 86400));
		cli_json_set_text(o, "note", is->note);
		json_array_append_new(a, o);
	}
	json_object_set_new(r, "issues", a);
	a = json_array();
	for (size_t i = 0; i < contracts.count; i++) {
		const struct vt_contract *c = &contracts.items[i];
		json_t *o =
			json_pack("{s:I,s:s,s:s,s:i,s:i,s:b,s:s}", "id", (json_int_t)c->id, "kind",
				  c->kind, "ends", c->ends, "notice_days", c->notice_days,
				  "days_left", c->days_left, "due", c->due, "state",
				  c->days_left < 0 ? "ended"
				  : c->due         ? "due"
						   : "running");

		cli_json_set_text(o, "note", c->note);
		json_array_append_new(a, o);
	}
	json_object_set_new(r, "contracts", a);
	a = json_array();
	for (size_t i = 0; i < contacts.count; i++) {
		const struct vt_contact *c = &contacts.items[i];
		json_t *o = json_object();

		cli_json_set_text(o, "name", c->name);
		cli_json_set_text(o, "address", c->n_addresses ? c->addresses[0] : "");
		json_object_set_new(o, "role", c->role ? json_string(c->role) : json_null());
		if (c->title)
			cli_json_set_text(o, "title", c->title);
		else
			json_object_set_new(o, "title", json_null());
		/* who moved away: their newest mail is another vendor's */
		json_object_set_new(o, "moved_to",
				    c->vendor && strcmp(c->vendor, v.slug) != 0
					    ? json_string(c->vendor)
					    : json_null());
		json_object_set_new(o, "messages", json_integer(c->messages));
		json_array_append_new(a, o);
	}
	json_object_set_new(r, "contacts", a);
out:
	vt_vendor_clear(&v);
	vt_month_list_clear(&months);
	vt_document_list_clear(&docs);
	vt_suspect_list_clear(&suspects);
	vt_issue_list_clear(&issues);
	vt_contract_list_clear(&contracts);
	vt_contact_list_clear(&contacts);
	if (rc != VT_OK) {
		json_decref(r);
		r = NULL;
	}
	*out = r;
	return rc;
}

static const char *
str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

static void
section(FILE *f, const char *title, json_t *rows)
{
	fprintf(f, "\n%s\n%s", title, json_array_size(rows) ? "" : "  none\n");
}

static void
print_text(FILE *f, json_t *r)
{
	size_t i;
	json_t *x;

	fprintf(f, "%s (%s, %s) — report of %s%s%s\n", str(r, "name"), str(r, "vendor"),
		str(r, "bucket"), str(r, "generated"),
		json_is_string(json_object_get(r, "since")) ? ", since " : "", str(r, "since"));
	section(f, "Mail per month (in / out)", json_object_get(r, "months"));
	json_array_foreach(json_object_get(r, "months"), i, x)
		fprintf(f, "  %s  %4lld in  %4lld out\n", str(x, "month"),
			(long long)json_integer_value(json_object_get(x, "in")),
			(long long)json_integer_value(json_object_get(x, "out")));
	section(f, "Quotes and bills per year", json_object_get(r, "totals"));
	json_array_foreach(json_object_get(r, "totals"), i, x)
		fprintf(f, "  %s %-6s %s (%lld)\n", str(x, "year"), str(x, "kind"), str(x, "text"),
			(long long)json_integer_value(json_object_get(x, "count")));
	section(f, "Bills flagged", json_object_get(r, "bills_flagged"));
	json_array_foreach(json_object_get(r, "bills_flagged"), i, x)
		fprintf(f, "  %s  %s\n", str(x, "date"), str(x, "check"));
	section(f, "Suspicious mail", json_object_get(r, "suspicious"));
	json_array_foreach(json_object_get(r, "suspicious"), i, x)
	{
		size_t k;
		json_t *why;

		fprintf(f, "  %s  %s  %s\n", str(x, "date"), str(x, "from"), str(x, "subject"));
		json_array_foreach(json_object_get(x, "reasons"), k, why)
			fprintf(f, "      %s\n", json_string_value(why));
	}
	section(f, "Issues", json_object_get(r, "issues"));
	json_array_foreach(json_object_get(r, "issues"), i, x)
		fprintf(f, "  #%lld %s  opened %s, %s%s (%lld days)%s%s\n",
			(long long)json_integer_value(json_object_get(x, "id")), str(x, "title"),
			str(x, "opened"),
			json_is_null(json_object_get(x, "closed")) ? "open" : "closed ",
			str(x, "closed"),
			(long long)json_integer_value(json_object_get(x, "age_days")),
			*str(x, "note") ? ": " : "", str(x, "note"));
	section(f, "Contracts", json_object_get(r, "contracts"));
	/* an ended contract is no renewal to act on: "ended", as contract
	 * list says, not DUE */
	json_array_foreach(json_object_get(r, "contracts"), i, x)
		fprintf(f, "  %s %s %s (notice %lld days)%s%s%s\n", str(x, "kind"),
			strcmp(str(x, "state"), "ended") == 0 ? "ended" : "ends", str(x, "ends"),
			(long long)json_integer_value(json_object_get(x, "notice_days")),
			strcmp(str(x, "state"), "due") == 0 ? " DUE" : "",
			*str(x, "note") ? " " : "", str(x, "note"));
	section(f, "Contacts", json_object_get(r, "contacts"));
	json_array_foreach(json_object_get(r, "contacts"), i, x)
		fprintf(f, "  %-24s %-32s %-12s %s%s%s\n", str(x, "name"), str(x, "address"),
			json_is_string(json_object_get(x, "role")) ? str(x, "role") : "-",
			str(x, "title"),
			json_is_string(json_object_get(x, "moved_to")) ? "  now at " : "",
			str(x, "moved_to"));
}

/* Text for HTML: the five characters that mean something there escaped
 * (the text is already sanitised: no controls, no bidi overrides). */
static void
html(FILE *f, const char *s)
{
	for (; s && *s; s++)
		switch (*s) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		case '\'':
			fputs("&#39;", f);
			break;
		default:
			fputc(*s, f);
		}
}

/* The bills of the last months as SVG bars, no script. */
static void
print_chart(FILE *f, json_t *r)
{
	json_t *spend = json_object_get(r, "spend_by_month");
	const char *key;
	json_t *v;
	json_int_t max = 1;
	size_t n = json_object_size(spend), i = 0;
	const char **keys;

	if (n == 0) {
		fputs("<p class=\"none\">No bills.</p>\n", f);
		return;
	}
	keys = calloc(n, sizeof *keys);
	if (keys == NULL)
		return;
	json_object_foreach(spend, key, v)
	{
		keys[i++] = key;
		if (json_integer_value(v) > max)
			max = json_integer_value(v);
	}
	/* months in order (the object's order is the insertion order) */
	for (size_t a = 1; a < n; a++)
		for (size_t b = a; b > 0 && strcmp(keys[b - 1], keys[b]) > 0; b--) {
			const char *t = keys[b];

			keys[b] = keys[b - 1];
			keys[b - 1] = t;
		}
	fprintf(f,
		"<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"%zu\" "
		"height=\"170\" viewBox=\"0 0 %zu 170\"><title>Bills per month (",
		n * 40 + 20, n * 40 + 20);
	html(f, str(r, "spend_currency"));
	fputs(")</title>\n", f);
	for (i = 0; i < n; i++) {
		json_int_t value = json_integer_value(json_object_get(spend, keys[i]));
		int h = (int)(value * 120 / max);
		struct mail_money m = { value, "" };
		char text[48];

		snprintf(m.currency, sizeof m.currency, "%s", str(r, "spend_currency"));
		mail_money_format(&m, text, sizeof text);
		fprintf(f,
			"<rect class=\"bar\" x=\"%zu\" y=\"%d\" width=\"28\" height=\"%d\">"
			"<title>%s: ",
			i * 40 + 16, 130 - h, h, keys[i]);
		html(f, text);
		fprintf(f, "</title></rect><text x=\"%zu\" y=\"150\" font-size=\"9\">%s</text>\n",
			i * 40 + 14, keys[i] + 2);
	}
	fputs("</svg>\n", f);
	free(keys);
}

/* One table: header cells, then each row's fields (a NULL key ends). */
static void
print_table(FILE *f, const char *title, json_t *rows, const char *const *heads,
	    const char *const *keys)
{
	size_t i;
	json_t *x;

	fputs("<h2>", f);
	html(f, title);
	fputs("</h2>\n", f);
	if (json_array_size(rows) == 0) {
		fputs("<p class=\"none\">None.</p>\n", f);
		return;
	}
	fputs("<table><tr>", f);
	for (size_t k = 0; heads[k]; k++) {
		fputs("<th>", f);
		html(f, heads[k]);
		fputs("</th>", f);
	}
	fputs("</tr>\n", f);
	json_array_foreach(rows, i, x)
	{
		fputs("<tr>", f);
		for (size_t k = 0; keys[k]; k++) {
			json_t *v = json_object_get(x, keys[k]);
			char num[32];

			fputs("<td>", f);
			if (json_is_integer(v)) {
				snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v));
				html(f, num);
			} else if (json_is_object(v)) {
				html(f, str(v, "text"));
			} else if (json_is_array(v)) {
				size_t j;
				json_t *e;

				json_array_foreach(v, j, e)
				{
					html(f, json_string_value(e));
					fputs(j + 1 < json_array_size(v) ? "; " : "", f);
				}
			} else if (json_is_true(v)) {
				fputs("yes", f);
			} else {
				html(f, json_string_value(v));
			}
			fputs("</td>", f);
		}
		fputs("</tr>\n", f);
	}
	fputs("</table>\n", f);
}

static void
print_html(FILE *f, json_t *r)
{
	static const char *const month_h[] = { "Month", "In", "Out", NULL };
	static const char *const month_k[] = { "month", "in", "out", NULL };
	static const char *const total_h[] = { "Year", "Kind", "Total", "Count", NULL };
	static const char *const total_k[] = { "year", "kind", "text", "count", NULL };
	static const char *const flag_h[] = { "Date", "Reference", "Amount", "Check", NULL };
	static const char *const flag_k[] = { "date", "ref", "amount", "check", NULL };
	static const char *const sus_h[] = { "Date", "From", "Subject", "Why", NULL };
	static const char *const sus_k[] = { "date", "from", "subject", "reasons", NULL };
	static const char *const iss_h[] = {
		"#", "Title", "Opened", "Closed", "Days", "Note", NULL
	};
	static const char *const iss_k[] = { "id",       "title", "opened", "closed",
					     "age_days", "note",  NULL };
	static const char *const con_h[] = {
		"Kind", "Ends", "Notice (days)", "State", "Note", NULL
	};
	static const char *const con_k[] = { "kind", "ends", "notice_days", "state", "note", NULL };
	static const char *const ppl_h[] = { "Name", "Address", "Role", "Title", "Now at", NULL };
	static const char *const ppl_k[] = { "name", "address", "role", "title", "moved_to", NULL };

	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>", f);
	html(f, str(r, "name"));
	fputs(" — vendor report</title>\n<style>\n"
	      "body{font:14px/1.4 sans-serif;margin:2em;color:#222}\n"
	      "h1{font-size:1.5em}h2{font-size:1.1em;margin-top:1.6em;border-bottom:1px solid #ccc}\n"
	      "table{border-collapse:collapse}td,th{padding:2px 10px;border-bottom:1px solid #eee;"
	      "text-align:left;vertical-align:top}\n"
	      ".bar{fill:#3b6ea5}.none{color:#777}\n"
	      "@media print{body{margin:0}}\n</style></head><body>\n<h1>",
	      f);
	html(f, str(r, "name"));
	fputs("</h1>\n<p>", f);
	html(f, str(r, "vendor"));
	fputs(" · ", f);
	html(f, str(r, "bucket"));
	fputs(" · report of ", f);
	html(f, str(r, "generated"));
	if (json_is_string(json_object_get(r, "since"))) {
		fputs(", since ", f);
		html(f, str(r, "since"));
	}
	fputs("</p>\n<h2>Bills per month</h2>\n", f);
	print_chart(f, r);
	print_table(f, "Mail per month", json_object_get(r, "months"), month_h, month_k);
	print_table(f, "Quotes and bills per year", json_object_get(r, "totals"), total_h, total_k);
	print_table(f, "Bills flagged", json_object_get(r, "bills_flagged"), flag_h, flag_k);
	print_table(f, "Suspicious mail", json_object_get(r, "suspicious"), sus_h, sus_k);
	print_table(f, "Issues", json_object_get(r, "issues"), iss_h, iss_k);
	print_table(f, "Contracts", json_object_get(r, "contracts"), con_h, con_k);
	print_table(f, "Contacts", json_object_get(r, "contacts"), ppl_h, ppl_k);
	fputs("</body></html>\n", f);
}

int
cmd_report(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	const char *since_text = NULL;
	const struct cli_option options[] = { { "since", true, &since_text }, { 0 } };
	struct vt_error err = { 0 };
	time_t since = 0;
	json_t *r;
	int n;

	bool as_html;

	if ((n = cli_parse_options(cli, self, argc, argv, options)) < 0)
		return n == -2 ? 0 : 2;
	as_html = cli->format == CLI_HTML;
	if (n != 1)
		return cli_usage_error(cli, "needs one vendor SLUG");
	if (since_text != NULL) {
		struct tm tm = { 0 };
		int y, m, d;
		char tail;

		if (sscanf(since_text, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 ||
		    !mail_date_valid(y, m, d))
			return cli_usage_error(cli, "--since %s: not a date (YYYY-MM-DD)",
					       since_text);
		tm.tm_year = y - 1900;
		tm.tm_mon = m - 1;
		tm.tm_mday = d;
		tm.tm_isdst = -1;
		since = mktime(&tm);
	}
	if (cli_open(cli, MAIL_DB_READ_ONLY, &err) != VT_OK ||
	    gather(cli, argv[0], since, &r, &err) != VT_OK)
		return cli_error(&err);
	if (as_html)
		print_html(cli->out, r);
	else if (cli->format == CLI_JSON)
		cli_json_print(cli, r);
	else
		print_text(cli->out, r);
	json_decref(r);
	return 0;
}
