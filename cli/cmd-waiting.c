/* vtriage waiting: conversations waiting on the vendor, the longest first */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cli.h"

json_t *
cli_waiting_json(const struct vt_waiting *w)
{
	json_t *o = json_object();

	json_object_set_new(o, "thread", json_string(w->thread));
	json_object_set_new(o, "vendor", json_string(w->slug));
	cli_json_set_text(o, "vendor_name", w->vendor_name);
	cli_json_set_text(o, "subject", w->subject);
	json_object_set_new(o, "last", json_integer((json_int_t)w->last));
	json_object_set_new(o, "days", json_integer(w->days));
	json_object_set_new(o, "overdue", json_boolean(w->overdue));
	return o;
}

void
cli_waiting_line(FILE *f, const struct vt_waiting *w)
{
	char *name = cli_text(w->vendor_name), *subject = cli_text(w->subject);

	fprintf(f, "%4d days%s  %-20.20s %s  thread:%s\n", w->days, w->overdue ? " OVERDUE" : "        ",
		name ? name : "", subject ? subject : "", w->thread);
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
