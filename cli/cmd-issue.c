/* vtriage issue open|close|link|list */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static bool
parse_issue_number(const char *s, int64_t *out)
{
	char *end;
	long long v;

	if (*s == '#')
		s++;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v <= 0)
		return false;
	*out = v;
	return true;
}

int
cmd_issue_open(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	const char *thread = NULL;
	/* each --thread is linked: one kept of several was mail left out */
	struct cli_values threads = { 0 };
	const struct cli_option options[] = { { "thread", true, &thread }, { 0 } };
	struct vt_error err = { 0 };
	struct vt_action a;
	char *title;
	int64_t id;
	int n;
	vt_status rc;

	if ((n = cli_parse_options_repeated(cli, self, argc, argv, options, "thread", &threads)) <
	    0) {
		free(threads.items);
		return n == -2 ? 0 : 2;
	}
	if (n < 2) {
		free(threads.items);
		return cli_usage_error(cli, "needs a vendor SLUG and a TITLE");
	}
	/* The title may come unquoted: the rest of the operands. */
	if ((title = cli_join(n - 1, argv + 1)) == NULL) {
		free(threads.items);
		vt_fail(&err, VT_ERR_NOMEM, "out of memory");
		return cli_error(&err);
	}
	rc = cli_open(cli, MAIL_DB_READ_ONLY, &err);
	if (rc == VT_OK)
		rc = vt_issue_open(cli->store, cli->db, argv[0], title, threads.items,
				   threads.count, &id, &a, &err);
	free(title);
	free(threads.items);
	if (rc != VT_OK)
		return cli_error(&err);
	if (cli->format == CLI_JSON) {
		json_t *o = json_object();
		char *text = cli_text(a.summary);

		json_object_set_new(o, "id", json_integer(id));
		json_object_set_new(o, "changed", json_true());
		json_object_set_new(o, "summary", json_string(text ? text : ""));
		cli_json_print(cli, o);
		json_decref(o);
		free(text);
		return 0;
	}
	return cli_print_action(cli, &a);
}

int
cmd_issue_close(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	const char *note = NULL;
	const struct cli_option options[] = { { "note", true, &note }, { 0 } };
	struct vt_error err = { 0 };
	struct vt_action a;
	int64_t id;
	int n;

	if ((n = cli_parse_options(cli, self, argc, argv, options)) < 0)
		return n == -2 ? 0 : 2;
	if (n != 1 || !parse_issue_number(argv[0], &id))
		return cli_usage_error(cli, "needs one issue number N");
	if (cli_open(cli, MAIL_DB_READ_ONLY, &err) != VT_OK ||
	    vt_issue_close(cli->store, id, note, &a, &err) != VT_OK)
		return cli_error(&err);
	return cli_print_action(cli, &a);
}

int
cmd_issue_link(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	struct vt_error err = { 0 };
	struct vt_action a;
	int64_t id;
	int n;

	if ((n = cli_parse_options(cli, self, argc, argv, NULL)) < 0)
		return n == -2 ? 0 : 2;
	if (n != 2 || !parse_issue_number(argv[0], &id))
		return cli_usage_error(cli, "needs an issue number N and a THREAD");
	if (cli_open(cli, MAIL_DB_READ_ONLY, &err) != VT_OK ||
	    vt_issue_link(cli->store, cli->db, id, argv[1], &a, &err) != VT_OK)
		return cli_error(&err);
	return cli_print_action(cli, &a);
}

static long
age_days(const struct vt_issue *i, time_t now)
{
	time_t end = i->closed ? i->closed : now;

	return end > i->opened ? (long)((end - i->opened) / 86400) : 0;
}

static json_t *
issue_json(const struct vt_issue *i, time_t now)
{
	json_t *o = json_object(), *links = json_array();

	json_object_set_new(o, "id", json_integer(i->id));
	json_object_set_new(o, "vendor", json_string(i->vendor));
	cli_json_set_text(o, "title", i->title);
	json_object_set_new(o, "state", json_string(i->closed ? "closed" : "open"));
	json_object_set_new(o, "opened", json_integer((json_int_t)i->opened));
	json_object_set_new(o, "closed",
			    i->closed ? json_integer((json_int_t)i->closed) : json_null());
	json_object_set_new(o, "age_days", json_integer(age_days(i, now)));
	cli_json_set_text(o, "note", i->note);
	for (size_t k = 0; k < i->n_links; k++) {
		char *clean = cli_text(i->message_ids[k]);

		json_array_append_new(links, json_string(clean ? clean : ""));
		free(clean);
	}
	json_object_set_new(o, "messages", links);
	return o;
}

int
cmd_issue_list(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	const char *all = NULL;
	const struct cli_option options[] = { { "all", false, &all }, { 0 } };
	struct vt_issue_list list;
	struct vt_error err = { 0 };
	time_t now = time(NULL);
	int n;

	if ((n = cli_parse_options(cli, self, argc, argv, options)) < 0)
		return n == -2 ? 0 : 2;
	if (n > 1)
		return cli_usage_error(cli, "takes at most one vendor SLUG");
	if (cli_open(cli, MAIL_DB_READ_ONLY, &err) != VT_OK ||
	    vt_issue_list(cli->store, n ? argv[0] : NULL, all != NULL, &list, &err) != VT_OK)
		return cli_error(&err);
	if (cli->format == CLI_JSON) {
		json_t *arr = json_array();

		for (size_t i = 0; i < list.count; i++)
			json_array_append_new(arr, issue_json(&list.items[i], now));
		cli_json_put(arr, JSON_INDENT(1), cli->out);
		fputc('\n', cli->out);
		json_decref(arr);
	} else {
		for (size_t i = 0; i < list.count; i++) {
			const struct vt_issue *is = &list.items[i];
			char opened[32], *title = cli_text(is->title);
			char *note =
				is->closed && is->note && *is->note ? cli_text(is->note) : NULL;

			cli_format_date(is->opened, opened, sizeof opened);
			fprintf(cli->out, "#%-4lld %-6s %-14s %-10s %4ldd  %s%s\n",
				(long long)is->id, is->closed ? "closed" : "open", is->vendor,
				opened, age_days(is, now), title ? title : "",
				is->n_links ? "" : "  (no mail linked)");
			/* how it ended, under it (what --all is read for) */
			if (note != NULL)
				fprintf(cli->out, "      closed: %s\n", note);
			free(note);
			free(title);
		}
	}
	vt_issue_list_clear(&list);
	return 0;
}
