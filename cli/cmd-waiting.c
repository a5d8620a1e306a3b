/* vtriage waiting: conversations waiting on the vendor, the longest first */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

json_t *
cli_waiting_json(const struct vt_waiting *w)
{
	json_t *o = json_object();

	json_object_set_new(o, "what", json_string(w->what));
	json_object_set_new(o, "thread", json_string(w->thread));
	json_object_set_new(o, "vendor", json_string(w->slug));
	cli_json_set_text(o, "vendor_name", w->vendor_name);
	cli_json_set_text(o, "subject", w->subject);
	json_object_set_new(o, "last", json_integer((json_int_t)w->last));
	json_object_set_new(o, "days", json_integer(w->days));
	json_object_set_new(o, "overdue", json_boolean(w->overdue));
	json_object_set_new(o, "valid_until",
			    *w->valid_until ? json_string(w->valid_until) : json_null());
	return o;
}

void
cli_waiting_line(FILE *f, const struct vt_waiting *w)
{
	char *name = cli_text(w->vendor_name), *subject = cli_text(w->subject);

	if (strcmp(w->what, "quote") == 0)
		fprintf(f, "quote valid until %s (%d days left)  %-20.20s %s  thread:%s\n",
			w->valid_until, w->days, name ? name : "", subject ? subject : "",
			w->thread);
	else
		fprintf(f, "%4d days%s  %-20.20s %s%s  thread:%s\n", w->days,
			w->overdue ? " OVERDUE" : "        ", name ? name : "",
			strcmp(w->what, "order") == 0 ? "no news since the order: " : "",
			subject ? subject : "", w->thread);
	free(name);
	free(subject);
}

int
cmd_waiting(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	const char *overdue = NULL;
	const struct cli_option options[] = { { "overdue", false, &overdue }, { 0 } };
	struct vt_waiting_list list;
	struct vt_error err = { 0 };
	int n;

	if ((n = cli_parse_options(cli, self, argc, argv, options)) < 0)
		return n == -2 ? 0 : 2;
	if (n > 1)
		return cli_usage_error(cli, "takes at most one vendor SLUG");
	if (cli_open(cli, MAIL_DB_READ_ONLY, &err) != VT_OK ||
	    vt_waiting_list(cli->store, n ? argv[0] : NULL, overdue != NULL, &list, &err) != VT_OK)
		return cli_error(&err);
	if (cli->format == CLI_JSON) {
		json_t *arr = json_array();

		for (size_t i = 0; i < list.count; i++)
			json_array_append_new(arr, cli_waiting_json(&list.items[i]));
		cli_json_print(cli, arr);
		json_decref(arr);
	} else {
		for (size_t i = 0; i < list.count; i++)
			cli_waiting_line(cli->out, &list.items[i]);
	}
	vt_waiting_list_clear(&list);
	return 0;
}

/*
 * A query's worth of threads snoozed or woken is named in every list and
 * count until the next index run: their marks are written now, unless
 * another program holds the index for writing (its run writes them).
 */
static void
write_marks_if_due(struct cli *cli)
{
	struct mail_db_location loc;
	struct mail_db *rw = NULL;
	struct vt_error err = { 0 };
	unsigned written = 0;

	if (!vt_snooze_marks_due(cli->store) || mail_db_writer_busy(cli->db))
		return;
	vt_config_mail_location(cli->cfg, &loc);
	/* A writer taking the index between the look and the open is waited
	 * for (notmuch waits for the lock; the commit's opening again too):
	 * rare, the look is just before. An error leaves the snoozes named
	 * and kept, said. */
	if (mail_db_open(&loc, MAIL_DB_READ_WRITE, &rw, &err) != VT_OK ||
	    vt_snooze_write_marks(cli->store, rw, &written, &err) != VT_OK)
		cli_print_error("snoozes kept; their marks are left to the next index run", &err);
	mail_db_close(&rw);
}

/* vtriage snooze QUERY --until WHEN | --list, vtriage unsnooze QUERY */
int
cmd_snooze(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	const char *until_text = NULL, *list = NULL;
	const struct cli_option options[] = { { "until", true, &until_text },
					      { "list", false, &list },
					      { 0 } };
	bool wake = strcmp(self->name, "unsnooze") == 0;
	struct cli_found_list found;
	struct vt_error err = { 0 };
	const char **ids;
	time_t until = 0;
	vt_status rc;
	int n, code;

	if ((n = cli_parse_options(cli, self, argc, argv, wake ? NULL : options)) < 0)
		return n == -2 ? 0 : 2;
	/* listing snoozes nothing: a query or --until beside it was a
	 * snooze the user thought made */
	if (list != NULL && (until_text != NULL || n > 0))
		return cli_usage_error(cli, "--list lists what is snoozed: no QUERY or --until "
					    "beside it");
	if (list != NULL) {
		struct vt_snoozed_list all;

		if (cli_open(cli, MAIL_DB_READ_ONLY, &err) != VT_OK ||
		    vt_snoozed_list(cli->store, time(NULL), (time_t)1 << 40, &all, &err) != VT_OK)
			return cli_error(&err);
		if (cli->format == CLI_JSON) {
			json_t *arr = json_array();

			for (size_t i = 0; i < all.count; i++) {
				json_t *o = json_object();

				json_object_set_new(o, "thread", json_string(all.items[i].thread));
				cli_json_set_text(o, "subject", all.items[i].subject);
				json_object_set_new(o, "until",
						    json_integer((json_int_t)all.items[i].until));
				json_array_append_new(arr, o);
			}
			cli_json_print(cli, arr);
			json_decref(arr);
		}
		for (size_t i = 0; cli->format == CLI_TEXT && i < all.count; i++) {
			char when[32], *subject = cli_text(all.items[i].subject);

			cli_format_date(all.items[i].until, when, sizeof when);
			fprintf(cli->out, "until %s  %s  thread:%s\n", when, subject ? subject : "",
				all.items[i].thread);
			free(subject);
		}
		vt_snoozed_list_clear(&all);
		return 0;
	}
	if (n == 0)
		return cli_usage_error(cli, "needs the conversations to %s (thread:ID, or a query)",
				       wake ? "wake" : "snooze");
	if (!wake && (until_text == NULL || !vt_snooze_parse_until(until_text, time(NULL), &until)))
		return cli_usage_error(
			cli,
			"--until %s: a future date (YYYY-MM-DD), 3d, 2w, tomorrow or a "
			"weekday (mon)",
			until_text ? until_text : "is needed");
	/* snoozed again: a new end; woken: only what is snoozed (a thread
	 * woken is named by every query until the next index run) */
	cli->with_snoozed = true;
	cli->and_query = wake ? "snoozed:yes" : NULL;
	code = cli_find_messages(cli, n, argv, &found);
	if (code >= 0)
		return code;
	if ((ids = calloc(found.count + 1, sizeof *ids)) == NULL) {
		cli_found_clear(&found);
		vt_fail(&err, VT_ERR_NOMEM, "out of memory");
		return cli_error(&err);
	}
	for (size_t i = 0; i < found.count; i++)
		ids[i] = found.items[i].id;
	rc = vt_snooze_messages(cli->store, ids, found.count, wake ? 0 : until, &err);
	free(ids);
	if (rc != VT_OK) {
		cli_found_clear(&found);
		return cli_error(&err);
	}
	write_marks_if_due(cli);
	{
		struct vt_action done = { .changed = found.count > 0 };
		char when[32];

		cli_format_date(until, when, sizeof when);
		if (wake)
			snprintf(done.summary, sizeof done.summary, "%zu message%s back",
				 found.count, found.count == 1 ? "" : "s");
		else
			snprintf(done.summary, sizeof done.summary,
				 "%zu message%s snoozed until %s", found.count,
				 found.count == 1 ? "" : "s", when);
		if (cli->format == CLI_JSON)
			cli_json_emit(cli,
				      json_pack("{s:I,s:o,s:b,s:s}", "messages",
						(json_int_t)found.count, "until",
						wake ? json_null()
						     : json_integer((json_int_t)until),
						"changed", done.changed, "summary", done.summary));
		else
			cli_print_action(cli, &done);
	}
	cli_found_clear(&found);
	return 0;
}
