/* vtriage check: mail that borrows a vendor's standing, with the reasons */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cli.h"

static json_t *
suspect_json(struct cli *cli, const struct vt_suspect *m)
{
	json_t *o = json_object(), *reasons = json_array();

	cli_json_set_text(o, "message_id", m->message_id);
	json_object_set_new(o, "thread", json_string(m->thread));
	json_object_set_new(o, "date", json_integer((json_int_t)m->date));
	json_object_set_new(o, "vendor", m->vendor ? json_string(m->vendor) : json_null());
	{
		char *from = mail_address_display(m->from);

		cli_json_set_text(o, "from", from ? from : m->from);
		free(from);
	}
	cli_json_set_text(o, "subject", m->subject);
	for (size_t i = 0; i < m->n_reasons; i++) {
		const struct vt_suspect_reason *r = &m->reasons[i];
		json_t *ro = json_object();
		char *like = r->like_org ? vt_vendor_slug_for_org(cli->store, r->like_org) : NULL;

		json_object_set_new(ro, "reason", json_string(r->reason));
		cli_json_set_text(ro, "text", r->text);
		json_object_set_new(ro, "imitates", like ? json_string(like) : json_null());
		free(like);
		json_array_append_new(reasons, ro);
	}
	json_object_set_new(o, "reasons", reasons);
	return o;
}

int
cmd_check(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	struct vt_suspect_list list;
	struct vt_error err = { 0 };
	int n;

	if ((n = cli_parse_options(cli, self, argc, argv, NULL)) < 0)
		return n == -2 ? 0 : 2;
	if (n > 1)
		return cli_usage_error(cli, "takes at most one vendor SLUG");
	if (cli_open(cli, MAIL_DB_READ_ONLY, &err) != VT_OK ||
	    vt_check_list(cli->store, n ? argv[0] : NULL, &list, &err) != VT_OK)
		return cli_error(&err);
	if (cli->format == CLI_JSON) {
		json_t *arr = json_array();

		for (size_t i = 0; i < list.count; i++)
			json_array_append_new(arr, suspect_json(cli, &list.items[i]));
		cli_json_put(arr, JSON_INDENT(1), cli->out);
		fputc('\n', cli->out);
		json_decref(arr);
	}
	for (size_t i = 0; cli->format == CLI_TEXT && i < list.count; i++) {
		const struct vt_suspect *m = &list.items[i];
		char date[32], *shown = mail_address_display(m->from);
		char *from = cli_text(shown ? shown : m->from), *subject = cli_text(m->subject);

		cli_format_date(m->date, date, sizeof date);
		fprintf(cli->out, "%-10s  %-16s %s  %s\n", date, m->vendor ? m->vendor : "-",
			from ? from : "", subject ? subject : "");
		for (size_t j = 0; j < m->n_reasons; j++) {
			char *text = cli_text(m->reasons[j].text);

			fprintf(cli->out, "    %-9s %s\n", m->reasons[j].reason, text ? text : "");
			free(text);
		}
		fprintf(cli->out, "    thread:%s\n", m->thread);
		free(shown);
		free(from);
		free(subject);
	}
	vt_suspect_list_clear(&list);
	return 0;
}
