/* vtriage history */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int
cmd_history(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	const char *limit_s = NULL;
	const struct cli_option options[] = { { "limit", true, &limit_s }, { 0 } };
	struct vt_event_list list;
	struct vt_error err = { 0 };
	long limit = -1;
	char *end;
	int n;

	if ((n = cli_parse_options(cli, self, argc, argv, options)) < 0)
		return n == -2 ? 0 : 2;
	if (n != 1)
		return cli_usage_error(cli, "needs exactly one vendor SLUG");
	if (limit_s != NULL) {
		errno = 0;
		limit = strtol(limit_s, &end, 10);
		if (errno || *end || end == limit_s || limit < 0)
			return cli_usage_error(cli, "--limit needs a number, not '%s'", limit_s);
	}
	if (cli_open(cli, MAIL_DB_READ_ONLY, &err) != VT_OK ||
	    vt_history(cli->store, argv[0], limit, &list, &err) != VT_OK)
		return cli_error(&err);
	if (cli->format == CLI_JSON) {
		json_t *arr = json_array();

		for (size_t i = 0; i < list.count; i++) {
			const struct vt_event *e = &list.items[i];
			json_t *o = json_object();

			json_object_set_new(o, "date", json_integer((json_int_t)e->date));
			json_object_set_new(o, "kind", json_string(e->kind));
			if (e->direction >= 0)
				json_object_set_new(o, "direction",
						    json_string(e->direction == MAIL_DIR_OUT
									? "out"
									: "in"));
			cli_json_set_text(o, "summary", e->summary);
			cli_json_set_text(o, "ref", e->ref);
			json_array_append_new(arr, o);
		}
		cli_json_put(arr, JSON_INDENT(1), cli->out);
		fputc('\n', cli->out);
		json_decref(arr);
	} else {
		for (size_t i = 0; i < list.count; i++) {
			const struct vt_event *e = &list.items[i];
			char date[32], *summary = cli_text(e->summary);

			cli_format_date(e->date, date, sizeof date);
			fprintf(cli->out, "%-10s  %-15s %s\n", date, e->kind,
				summary ? summary : "");
			free(summary);
		}
	}
	vt_event_list_clear(&list);
	return 0;
}
