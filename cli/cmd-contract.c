/* vtriage contract list|accept|reject|set|remove, and vtriage remind */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

/* A whole decimal number of at most max, or -1. */
static long
number(const char *s, long max)
{
	char *end;
	long v;

	errno = 0;
	v = s ? strtol(s, &end, 10) : -1;
	return s == NULL || errno || end == s || *end || v < 0 || v > max ? -1 : v;
}

static json_t *
contract_json(const struct vt_contract *c)
{
	json_t *o = json_object();

	json_object_set_new(o, "id", json_integer(c->id));
	json_object_set_new(o, "vendor", json_string(c->slug));
	cli_json_set_text(o, "vendor_name", c->vendor_name);
	json_object_set_new(o, "kind", json_string(c->kind));
	json_object_set_new(o, "ends", json_string(c->ends));
	json_object_set_new(o, "notice_days", json_integer(c->notice_days));
	json_object_set_new(o, "days_left", json_integer(c->days_left));
	json_object_set_new(o, "due", json_boolean(c->due));
	cli_json_set_text(o, "note", c->note);
	return o;
}

/* "today", "in 1 day", "in 12 days": when a contract ends, as said. */
static const char *
when_text(int days_left, char out[32])
{
	if (days_left == 0)
		return "today";
	snprintf(out, 32, "in %d day%s", days_left, days_left == 1 ? "" : "s");
	return out;
}

static void
print_contract(FILE *f, const struct vt_contract *c)
{
	char when[32];

	char *name = cli_text(c->vendor_name), *note = cli_text(c->note);

	fprintf(f, "%4lld  %-20.20s %-12s ends %s  %s%s%s\n", (long long)c->id, name ? name : "",
		c->kind, c->ends,
		c->days_left < 0 ? "ended"
		: c->due         ? "DUE: in its notice period"
				 : "",
		note && *note ? "  " : "", note ? note : "");
	if (c->days_left >= 0)
		fprintf(f, "      %s (notice %d day%s)\n", when_text(c->days_left, when),
			c->notice_days, c->notice_days == 1 ? "" : "s");
	free(name);
	free(note);
}

static json_t *
suggestion_json(const struct vt_contract_suggestion *c)
{
	json_t *o = json_object();
	static const char *const states[] = { "open", "accepted", "rejected" };

	json_object_set_new(o, "id", json_integer(c->id));
	json_object_set_new(o, "vendor", json_string(c->slug));
	cli_json_set_text(o, "vendor_name", c->vendor_name);
	cli_json_set_text(o, "message_id", c->message_id);
	json_object_set_new(o, "ends", json_string(c->ends));
	json_object_set_new(o, "event", json_string(c->event));
	json_object_set_new(o, "kind", json_string(c->kind));
	json_object_set_new(o, "ambiguous", json_boolean(c->ambiguous));
	cli_json_set_text(o, "phrase", c->phrase);
	json_object_set_new(o, "date", json_integer((json_int_t)c->date));
	json_object_set_new(o, "state",
			    json_string(states[c->state >= 0 && c->state <= 2 ? c->state : 0]));
	return o;
}

int
cmd_contract_list(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	const char *expiring = NULL, *suggested = NULL, *all = NULL;
	const struct cli_option options[] = { { "expiring", true, &expiring },
					      { "suggested", false, &suggested },
					      { "all", false, &all },
					      { 0 } };
	struct vt_error err = { 0 };
	char today[11];
	long within = -1;
	int n;

	if ((n = cli_parse_options(cli, self, argc, argv, options)) < 0)
		return n == -2 ? 0 : 2;
	if (n > 1)
		return cli_usage_error(cli, "takes at most one vendor SLUG");
	if (expiring != NULL && (within = number(expiring, 36500)) < 0)
		return cli_usage_error(cli, "--expiring %s: a number of days", expiring);
	if (cli_open(cli, MAIL_DB_READ_ONLY, &err) != VT_OK)
		return cli_error(&err);
	vt_today(today);
	if (suggested != NULL) {
		struct vt_contract_suggestion_list list;

		if (vt_contract_suggestions(cli->store, n ? argv[0] : NULL, all != NULL, today,
					    &list, &err) != VT_OK)
			return cli_error(&err);
		if (cli->format == CLI_JSON) {
			json_t *arr = json_array();

			for (size_t i = 0; i < list.count; i++)
				json_array_append_new(arr, suggestion_json(&list.items[i]));
			cli_json_print(cli, arr);
			json_decref(arr);
		}
		for (size_t i = 0; cli->format == CLI_TEXT && i < list.count; i++) {
			const struct vt_contract_suggestion *c = &list.items[i];
			char *name = cli_text(c->vendor_name), *phrase = cli_text(c->phrase);

			fprintf(cli->out, "%4lld  %-20.20s %s %s%s (%s)%s\n      \"%s\"\n",
				(long long)c->id, name ? name : "", c->event, c->ends,
				c->ambiguous ? " (ambiguous: day and month may be the other way)"
					     : "",
				c->kind,
				c->state == 1   ? " accepted"
				: c->state == 2 ? " rejected"
						: "",
				phrase ? phrase : "");
			free(name);
			free(phrase);
		}
		vt_contract_suggestion_list_clear(&list);
		return 0;
	}
	{
		struct vt_contract_list list;

		if (vt_contract_list(cli->store, n ? argv[0] : NULL, today, within, &list, &err) !=
		    VT_OK)
			return cli_error(&err);
		if (cli->format == CLI_JSON) {
			json_t *arr = json_array();

			for (size_t i = 0; i < list.count; i++)
				json_array_append_new(arr, contract_json(&list.items[i]));
			cli_json_print(cli, arr);
			json_decref(arr);
		}
		for (size_t i = 0; cli->format == CLI_TEXT && i < list.count; i++)
			print_contract(cli->out, &list.items[i]);
		vt_contract_list_clear(&list);
	}
	return 0;
}

/* What a contract command did, as every command that changes something
 * says it (cli_print_action); with --format=json beside the numbers it
 * always gave (fields: taken, NULL when out of memory). */
static int
print_contract_action(struct cli *cli, const struct vt_action *done, json_t *fields)
{
	char *text;

	if (cli->format != CLI_JSON) {
		json_decref(fields);
		return cli_print_action(cli, done);
	}
	if (fields != NULL) {
		text = cli_text(done->summary);
		json_object_set_new(fields, "changed", json_boolean(done->changed));
		json_object_set_new(fields, "summary", json_string(text ? text : ""));
		free(text);
	}
	cli_json_emit(cli, fields);
	return 0;
}

int
cmd_contract_decide(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	const char *kind = NULL, *notice = NULL;
	const struct cli_option accept_options[] = { { "kind", true, &kind },
						     { "notice", true, &notice },
						     { 0 } };
	bool accept = strcmp(self->name, "accept") == 0;
	struct vt_error err = { 0 };
	struct vt_action done;
	int64_t id = 0;
	long which, days = 30;
	int n;

	if ((n = cli_parse_options(cli, self, argc, argv, accept ? accept_options : NULL)) < 0)
		return n == -2 ? 0 : 2;
	if (n != 1 || (which = number(argv[0], 1L << 30)) < 0)
		return cli_usage_error(cli, "needs the number of one suggestion (see: vtriage "
					    "contract list --suggested)");
	if (notice != NULL && (days = number(notice, 3650)) < 0)
		return cli_usage_error(cli, "--notice %s: days, 0 to 3650", notice);
	if (cli_open(cli, MAIL_DB_READ_ONLY, &err) != VT_OK ||
	    vt_contract_decide(cli->store, which, accept, kind, days, &id, &done, &err) != VT_OK)
		return cli_error(&err);
	return print_contract_action(cli, &done,
				     json_pack("{s:I,s:o}", "suggestion", (json_int_t)which,
					       "contract",
					       accept ? json_integer((json_int_t)id)
						      : json_null()));
}

int
cmd_contract_set(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	const char *ends = NULL, *kind = NULL, *notice = NULL, *note = NULL;
	const struct cli_option options[] = { { "ends", true, &ends },
					      { "kind", true, &kind },
					      { "notice", true, &notice },
					      { "note", true, &note },
					      { 0 } };
	struct vt_error err = { 0 };
	struct vt_action done;
	int64_t id = 0;
	long days = 30;
	int n;

	if ((n = cli_parse_options(cli, self, argc, argv, options)) < 0)
		return n == -2 ? 0 : 2;
	if (n != 1 || ends == NULL)
		return cli_usage_error(cli, "needs a vendor SLUG and --ends YYYY-MM-DD");
	if (notice != NULL && (days = number(notice, 3650)) < 0)
		return cli_usage_error(cli, "--notice %s: days, 0 to 3650", notice);
	if (cli_open(cli, MAIL_DB_READ_ONLY, &err) != VT_OK ||
	    vt_contract_set(cli->store, argv[0], ends, kind, days, note, &id, &done, &err) != VT_OK)
		return cli_error(&err);
	return print_contract_action(cli, &done, json_pack("{s:I}", "contract", (json_int_t)id));
}

int
cmd_contract_remove(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	struct vt_error err = { 0 };
	struct vt_action done;
	long which;
	int n;

	if ((n = cli_parse_options(cli, self, argc, argv, NULL)) < 0)
		return n == -2 ? 0 : 2;
	if (n != 1 || (which = number(argv[0], 1L << 30)) < 0)
		return cli_usage_error(cli, "needs the number of one contract");
	if (cli_open(cli, MAIL_DB_READ_ONLY, &err) != VT_OK ||
	    vt_contract_remove(cli->store, which, &done, &err) != VT_OK)
		return cli_error(&err);
	return print_contract_action(cli, &done,
				     json_pack("{s:I,s:b}", "contract", (json_int_t)which,
					       "removed", 1));
}

/* What needs attention today, for a cron job or a login script: silent
 * when nothing does, exit 0 always (a reminder that fails must not break
 * a login). */
int
cmd_remind(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	struct vt_error err = { 0 };
	struct vt_contract_list due;
	struct vt_contract_suggestion_list open;
	struct vt_document_filter filter = { .kind = MAIL_DOC_BILL, .flagged = true };
	struct vt_document_list flagged;
	struct vt_waiting_list overdue;
	struct vt_snoozed_list back;
	time_t now = time(NULL);
	struct tm midnight;
	char today[11];
	int n;

	if ((n = cli_parse_options(cli, self, argc, argv, NULL)) < 0)
		return n == -2 ? 0 : 2;
	if (n != 0)
		return cli_usage_error(cli, "takes no arguments");
	if (cli_open(cli, MAIL_DB_READ_ONLY, &err) != VT_OK) {
		cli_print_error(NULL, &err);
		return 0;
	}
	vt_today(today);
	filter.since = time(NULL) - 30 * 86400;
	memset(&due, 0, sizeof due);
	memset(&open, 0, sizeof open);
	memset(&flagged, 0, sizeof flagged);
	memset(&overdue, 0, sizeof overdue);
	memset(&back, 0, sizeof back);
	localtime_r(&now, &midnight);
	midnight.tm_hour = midnight.tm_min = midnight.tm_sec = 0;
	midnight.tm_isdst = -1;
	if (vt_contract_list(cli->store, NULL, today, 0, &due, &err) != VT_OK ||
	    vt_contract_suggestions(cli->store, NULL, false, today, &open, &err) != VT_OK ||
	    vt_documents_list(cli->store, &filter, &flagged, &err) != VT_OK ||
	    vt_waiting_list(cli->store, NULL, true, &overdue, &err) != VT_OK ||
	    vt_snoozed_list(cli->store, mktime(&midnight) - 1, now, &back, &err) != VT_OK)
		cli_print_error(NULL, &err);
	if (cli->format == CLI_JSON) {
		json_t *o = json_object(), *c = json_array(), *b = json_array();

		for (size_t i = 0; i < due.count; i++)
			json_array_append_new(c, contract_json(&due.items[i]));
		for (size_t i = 0; i < flagged.count; i++) {
			json_t *d = json_object();
			char line[256];

			vt_document_check_line(&flagged.items[i], line, sizeof line);
			cli_json_set_text(d, "message_id", flagged.items[i].message_id);
			json_object_set_new(d, "vendor",
					    flagged.items[i].vendor_slug
						    ? json_string(flagged.items[i].vendor_slug)
						    : json_null());
			cli_json_set_text(d, "check", line);
			json_array_append_new(b, d);
		}
		json_t *w = json_array();

		for (size_t i = 0; i < overdue.count; i++)
			json_array_append_new(w, cli_waiting_json(&overdue.items[i]));
		json_object_set_new(o, "waiting_overdue", w);
		w = json_array();
		for (size_t i = 0; i < back.count; i++) {
			json_t *z = json_object();

			json_object_set_new(z, "thread", json_string(back.items[i].thread));
			cli_json_set_text(z, "subject", back.items[i].subject);
			json_array_append_new(w, z);
		}
		json_object_set_new(o, "back_from_snooze", w);
		json_object_set_new(o, "contracts_due", c);
		json_object_set_new(o, "bills_flagged", b);
		json_object_set_new(o, "contract_suggestions",
				    json_integer((json_int_t)open.count));
		cli_json_print(cli, o);
		json_decref(o);
	} else {
		for (size_t i = 0; i < due.count; i++) {
			const struct vt_contract *c = &due.items[i];
			char *name = cli_text(c->vendor_name), when[32];

			if (c->days_left < 0)
				fprintf(cli->out, "%s: %s ended %d day%s ago (%s)\n",
					name ? name : "", c->kind, -c->days_left,
					c->days_left == -1 ? "" : "s", c->ends);
			else
				fprintf(cli->out, "%s: %s ends %s (%s), notice %d day%s\n",
					name ? name : "", c->kind, when_text(c->days_left, when),
					c->ends, c->notice_days, c->notice_days == 1 ? "" : "s");
			free(name);
		}
		for (size_t i = 0; i < flagged.count; i++) {
			char line[256], *name = cli_text(flagged.items[i].vendor_name), *clean;

			vt_document_check_line(&flagged.items[i], line, sizeof line);
			clean = cli_text(line);
			fprintf(cli->out, "%s: bill flagged: %s\n", name ? name : "",
				clean ? clean : "");
			free(name);
			free(clean);
		}
		for (size_t i = 0; i < overdue.count; i++) {
			fputs(strcmp(overdue.items[i].what, "quote") == 0
				      ? "to decide: "
				      : "waiting on the vendor: ",
			      cli->out);
			cli_waiting_line(cli->out, &overdue.items[i]);
		}
		for (size_t i = 0; i < back.count; i++) {
			char *subject = cli_text(back.items[i].subject);

			fprintf(cli->out, "back from snooze: %s  thread:%s\n",
				subject ? subject : "", back.items[i].thread);
			free(subject);
		}
		if (open.count > 0)
			fprintf(cli->out,
				"%zu contract date%s found in vendor mail to accept or reject "
				"(vtriage contract list --suggested)\n",
				open.count, open.count == 1 ? "" : "s");
	}
	vt_contract_list_clear(&due);
	vt_contract_suggestion_list_clear(&open);
	vt_document_list_clear(&flagged);
	vt_waiting_list_clear(&overdue);
	vt_snoozed_list_clear(&back);
	return 0;
}
