/* vtriage quote list, bill list, bill check: quotes and bills read from
 * vendor mail, and bills that differ from the vendor's usual */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static json_t *
money_json(int64_t minor, const char *currency)
{
	struct mail_money m = { minor, "" };
	char shown[48];
	json_t *o = json_object();

	snprintf(m.currency, sizeof m.currency, "%s", currency);
	mail_money_format(&m, shown, sizeof shown);
	json_object_set_new(o, "minor", json_integer((json_int_t)minor));
	json_object_set_new(o, "currency", json_string(currency));
	json_object_set_new(o, "text", json_string(shown));
	return o;
}

static json_t *
date_or_null(const char *iso)
{
	return *iso ? json_string(iso) : json_null();
}

static json_t *
document_json(const struct vt_document *d)
{
	json_t *o = json_object();

	cli_json_set_text(o, "message_id", d->message_id);
	json_object_set_new(o, "thread", json_string(d->thread));
	json_object_set_new(o, "date", json_integer((json_int_t)d->date));
	json_object_set_new(o, "vendor", json_string(d->vendor_slug));
	json_object_set_new(o, "kind", json_string(mail_doc_kind_name(d->kind)));
	json_object_set_new(o, "source", json_string(d->source));
	cli_json_set_text(o, "ref", d->ref);
	cli_json_set_text(o, "subject", d->subject);
	json_object_set_new(o, "total",
			    d->has_total ? money_json(d->total.minor, d->total.currency)
					 : json_null());
	json_object_set_new(o, "subtotal",
			    d->has_subtotal ? money_json(d->subtotal, d->total.currency)
					    : json_null());
	json_object_set_new(o, "tax",
			    d->has_tax ? money_json(d->tax, d->total.currency) : json_null());
	json_object_set_new(o, "totals_agree",
			    d->has_subtotal && d->has_tax ? json_boolean(d->totals_agree)
							  : json_null());
	json_object_set_new(o, "issued", date_or_null(d->issued));
	json_object_set_new(o, "due", date_or_null(d->due));
	json_object_set_new(o, "net_days", d->net_days ? json_integer(d->net_days) : json_null());
	json_object_set_new(o, "valid_until", date_or_null(d->valid_until));
	if (*d->note) /* read back from the PDF reader's answer */
		cli_json_set_text(o, "note", d->note);
	else
		json_object_set_new(o, "note", json_null());
	json_object_set_new(o, "usual",
			    d->has_usual ? money_json(d->usual, d->total.currency) : json_null());
	json_object_set_new(o, "usual_count", json_integer(d->usual_count));
	json_object_set_new(o, "flag", *d->flag ? json_string(d->flag) : json_null());
	return o;
}

/* "2026-01-31" at local midnight */
static bool
parse_since(const char *text, time_t *out)
{
	struct mail_date d;
	struct tm tm = { 0 };
	size_t pos = 0;

	if (!mail_date_next(text, strlen(text), &pos, MAIL_DATE_ORDER_UNKNOWN, &d) ||
	    d.start != 0 || d.end != strlen(text))
		return false;
	tm.tm_year = d.year - 1900;
	tm.tm_mon = d.month - 1;
	tm.tm_mday = d.day;
	tm.tm_isdst = -1;
	*out = mktime(&tm);
	return *out != (time_t)-1;
}

/* Columns of text wide as they show, not as many bytes ("€" is three). */
static int
pad_for(const char *s, int width)
{
	int chars = 0, bytes = (int)strlen(s);

	for (const char *p = s; *p; p++)
		chars += ((unsigned char)*p & 0xC0) != 0x80;
	return width + bytes - chars;
}

static void
print_documents(struct cli *cli, const struct vt_document_list *list, bool verdicts)
{
	if (cli->format == CLI_JSON) {
		json_t *arr = json_array();

		for (size_t i = 0; i < list->count; i++)
			json_array_append_new(arr, document_json(&list->items[i]));
		cli_json_put(arr, JSON_INDENT(1), cli->out);
		fputc('\n', cli->out);
		json_decref(arr);
		return;
	}
	for (size_t i = 0; i < list->count; i++) {
		const struct vt_document *d = &list->items[i];
		char date[32], amount[160] = "-";
		char *ref = cli_text(*d->ref ? d->ref : "-"), *subject = cli_text(d->subject);

		cli_format_date(d->date, date, sizeof date);
		if (verdicts)
			vt_document_check_line(d, amount, sizeof amount);
		else if (d->has_total)
			mail_money_format(&d->total, amount, sizeof amount);
		fprintf(cli->out, "%s  %-16s %-*s %*s  %-4s %s  %s\n", date, d->vendor_slug,
			pad_for(ref ? ref : "", 16), ref ? ref : "", pad_for(amount, 14), amount,
			d->source, d->thread, subject ? subject : "");
		if (*d->note) {
			char *note = cli_text(d->note);

			fprintf(cli->out, "    %s\n", note ? note : "");
			free(note);
		}
		free(ref);
		free(subject);
	}
}

static int
list_documents(struct cli *cli, const struct cli_command *self, int argc, char **argv,
	       enum mail_doc_kind kind, bool check)
{
	const char *min_s = NULL, *max_s = NULL, *since_s = NULL, *sort_s = NULL,
		   *currency_s = NULL;
	const struct cli_option options[] = {
		{ "min", true, &min_s },           { "max", true, &max_s },
		{ "since", true, &since_s },       { "sort", true, &sort_s },
		{ "currency", true, &currency_s }, { 0 },
	};
	const struct cli_option check_options[] = { { "since", true, &since_s }, { 0 } };
	struct vt_document_filter f = { .kind = kind, .flagged = check };
	struct vt_document_list list;
	struct vt_error err = { 0 };
	char currency[4] = "";
	int n;

	if ((n = cli_parse_options(cli, self, argc, argv, check ? check_options : options)) < 0)
		return n == -2 ? 0 : 2;
	if (n > 1)
		return cli_usage_error(cli, "takes at most one vendor SLUG");
	f.vendor = n ? argv[0] : NULL;
	if (min_s != NULL && !(f.has_min = vt_amount_milli(min_s, &f.min_milli)))
		return cli_usage_error(cli, "--min needs an amount such as 1000, not '%s'", min_s);
	if (max_s != NULL && !(f.has_max = vt_amount_milli(max_s, &f.max_milli)))
		return cli_usage_error(cli, "--max needs an amount such as 1000, not '%s'", max_s);
	if (since_s != NULL && !parse_since(since_s, &f.since))
		return cli_usage_error(cli, "--since needs a date such as 2026-01-31, not '%s'",
				       since_s);
	if (sort_s != NULL && strcmp(sort_s, "amount") != 0 && strcmp(sort_s, "date") != 0)
		return cli_usage_error(cli, "--sort is date or amount, not '%s'", sort_s);
	f.by_amount = sort_s != NULL && strcmp(sort_s, "amount") == 0;
	/* eur as EUR, as the query's currency:eur */
	if (currency_s != NULL && strlen(currency_s) == 3) {
		for (int i = 0; i < 3; i++)
			currency[i] = (char)toupper((unsigned char)currency_s[i]);
		currency_s = currency;
	}
	if (currency_s != NULL && (strlen(currency_s) != 3 || mail_currency_digits(currency_s) < 0))
		return cli_usage_error(cli, "--currency needs a code such as EUR, not '%s'",
				       currency_s);
	f.currency = currency_s;
	if (cli_open(cli, MAIL_DB_READ_ONLY, &err) != VT_OK ||
	    vt_documents_list(cli->store, &f, &list, &err) != VT_OK)
		return cli_error(&err);
	print_documents(cli, &list, check);
	vt_document_list_clear(&list);
	return 0;
}

int
cmd_quote_list(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	return list_documents(cli, self, argc, argv, MAIL_DOC_QUOTE, false);
}

int
cmd_bill_list(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	return list_documents(cli, self, argc, argv, MAIL_DOC_BILL, false);
}

int
cmd_bill_credits(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	return list_documents(cli, self, argc, argv, MAIL_DOC_CREDIT, false);
}

int
cmd_bill_check(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	return list_documents(cli, self, argc, argv, MAIL_DOC_BILL, true);
}

int
cmd_vendor_set(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	const char *rate_s = NULL, *per_s = NULL, *no_rate = NULL;
	const struct cli_option options[] = {
		{ "rate", true, &rate_s },
		{ "per", true, &per_s },
		{ "no-rate", false, &no_rate },
		{ 0 },
	};
	static const char *const pers[] = { "month", "quarter", "year", "bill" };
	struct vt_error err = { 0 };
	struct vt_action done = { .changed = true };
	struct mail_amount rate;
	char shown[48], *named;
	int n;

	if ((n = cli_parse_options(cli, self, argc, argv, options)) < 0)
		return n == -2 ? 0 : 2;
	if (n != 1)
		return cli_usage_error(cli, "needs one vendor SLUG");
	if ((rate_s == NULL) == (no_rate == NULL))
		return cli_usage_error(cli, "needs --rate AMOUNT or --no-rate");
	if (rate_s != NULL &&
	    (!mail_amount_parse(rate_s, MAIL_DECIMAL_DOT, &rate) || rate.money.minor <= 0))
		return cli_usage_error(
			cli, "--rate needs an amount such as 2500 or 'EUR 2500', not '%s'", rate_s);
	if (per_s != NULL) {
		bool known = false;

		for (size_t i = 0; i < sizeof pers / sizeof pers[0]; i++)
			known = known || strcmp(per_s, pers[i]) == 0;
		if (!known)
			return cli_usage_error(cli,
					       "--per is month, quarter, year or bill, not '%s'",
					       per_s);
	}
	if (cli_open(cli, MAIL_DB_READ_ONLY, &err) != VT_OK ||
	    vt_vendor_set_rate(cli->store, argv[0], rate_s ? &rate.money : NULL,
			       per_s ? per_s : "month", &err) != VT_OK ||
	    vt_documents_judge(cli->store, cli->cfg, &err) != VT_OK)
		return cli_error(&err);
	/* the vendor as given: a domain may be pasted from mail */
	named = cli_text(argv[0]);
	if (rate_s != NULL) {
		mail_money_format(&rate.money, shown, sizeof shown);
		snprintf(done.summary, sizeof done.summary, "%s: contracted rate %s per %s",
			 named ? named : "", shown, per_s ? per_s : "month");
	} else
		snprintf(done.summary, sizeof done.summary, "%s: no contracted rate",
			 named ? named : "");
	free(named);
	if (cli->format == CLI_JSON) {
		json_t *o = json_object();

		cli_json_set_text(o, "vendor", argv[0]);
		json_object_set_new(o, "rate",
				    rate_s ? money_json(rate.money.minor, rate.money.currency)
					   : json_null());
		json_object_set_new(o, "per",
				    rate_s ? json_string(per_s ? per_s : "month") : json_null());
		json_object_set_new(o, "changed", json_true());
		cli_json_set_text(o, "summary", done.summary);
		cli_json_emit(cli, o);
		return 0;
	}
	return cli_print_action(cli, &done);
}
