/* vtriage attachment list|save */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

static vt_status
collect_file(void *ctx, const char *id, const char *path, struct vt_error *err)
{
	struct cli_found_list *l = ctx;
	struct cli_found *grown;

	(void)err;
	for (size_t i = 0; i < l->count; i++)
		if (strcmp(l->items[i].id, id) == 0)
			return VT_OK; /* one file of a message is enough */
	grown = realloc(l->items, (l->count + 1) * sizeof *grown);
	if (grown == NULL)
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	l->items = grown;
	grown[l->count].id = strdup(id);
	grown[l->count].path = strdup(path);
	l->count++;
	if (grown[l->count - 1].id == NULL || grown[l->count - 1].path == NULL)
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	return VT_OK;
}

static int
by_id(const void *a, const void *b)
{
	return strcmp(((const struct cli_found *)a)->id, ((const struct cli_found *)b)->id);
}

void
cli_found_clear(struct cli_found_list *l)
{
	for (size_t i = 0; i < l->count; i++) {
		free(l->items[i].id);
		free(l->items[i].path);
	}
	free(l->items);
}

int
cli_find_messages(struct cli *cli, int n, char **argv, struct cli_found_list *out)
{
	struct vt_error err = { 0 };
	char *query, *user = NULL;
	int code = 0;

	memset(out, 0, sizeof *out);
	if ((query = cli_prepare_query(cli, n, argv, &user, &code)) == NULL)
		return code;
	if (mail_for_each_file(cli->db, query, collect_file, out, &err) != VT_OK)
		code = cli_query_error(&err, user);
	else
		code = -1;
	free(query);
	free(user);
	if (code >= 0)
		cli_found_clear(out);
	else if (out->count > 0) /* (qsort of NULL is undefined, even of none) */
		qsort(out->items, out->count, sizeof *out->items, by_id);
	return code;
}

int
cmd_attachment_list(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	struct cli_found_list found;
	json_t *array;
	int n, code = 0;

	if ((n = cli_parse_options(cli, self, argc, argv, NULL)) < 0)
		return n == -2 ? 0 : 2;
	if (n == 0)
		return cli_usage_error(cli, "needs a QUERY (id:MSGID, thread:..., vendor:...)");
	if ((code = cli_find_messages(cli, n, argv, &found)) >= 0)
		return code;
	code = 0;
	array = cli->format == CLI_JSON ? json_array() : NULL;
	for (size_t i = 0; i < found.count; i++) {
		struct mail_attachment_list list;
		struct vt_error err = { 0 };

		if (mail_attachment_list(found.items[i].path, &list, &err) != VT_OK) {
			cli_print_error(found.items[i].id, &err);
			code = 1;
			continue;
		}
		for (size_t k = 0; k < list.count; k++) {
			const struct mail_attachment *a = &list.items[k];
			char *safe = mail_attachment_safe_name(a->filename, a->part);

			if (array != NULL) {
				json_t *o = json_object();

				cli_json_set_text(o, "message_id", found.items[i].id);
				json_object_set_new(o, "part", json_integer(a->part));
				if (a->filename != NULL)
					cli_json_set_text(o, "filename", a->filename);
				else
					json_object_set_new(o, "filename", json_null());
				cli_json_set_text(o, "save_as", safe ? safe : "");
				cli_json_set_text(o, "type", a->type);
				json_object_set_new(o, "size", json_integer((json_int_t)a->size));
				json_object_set_new(o, "body", json_boolean(a->body));
				json_array_append_new(array, o);
			} else {
				char size[32], *id = cli_text(found.items[i].id);
				char *name = cli_text(a->body       ? "(the HTML body)"
						      : a->filename ? a->filename
								    : "(unnamed)");
				char *type = cli_text(a->type);

				mail_format_bytes(a->size, size, sizeof size);
				fprintf(cli->out, "%s %d %10s  %-24s %s\n", id ? id : "", a->part,
					size, type ? type : "", name ? name : "");
				free(id);
				free(name);
				free(type);
			}
			free(safe);
		}
		mail_attachment_list_clear(&list);
	}
	if (array != NULL) {
		cli_json_print(cli, array);
		json_decref(array);
	}
	cli_found_clear(&found);
	return code;
}

int
cmd_attachment_save(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	const char *to = NULL, *force = NULL;
	const struct cli_option options[] = { { "to", true, &to },
					      { "force", false, &force },
					      { 0 } };
	struct cli_found_list found;
	struct mail_attachment_list list = { 0 };
	const struct mail_attachment *chosen = NULL;
	struct vt_error err = { 0 };
	struct stat st;
	char *end, *dest = NULL;
	long part;
	int n, code;

	if ((n = cli_parse_options(cli, self, argc, argv, options)) < 0)
		return n == -2 ? 0 : 2;
	if (n < 2)
		return cli_usage_error(cli, "needs a message QUERY and a PART number");
	errno = 0;
	part = strtol(argv[n - 1], &end, 10);
	if (errno || *end != '\0' || end == argv[n - 1] || part < 0 || part > 100000)
		return cli_usage_error(cli,
				       "PART '%s' is not a number from 0 (see attachment list)",
				       argv[n - 1]);
	if ((code = cli_find_messages(cli, n - 1, argv, &found)) >= 0)
		return code;
	if (found.count != 1) {
		code = cli_usage_error(
			cli, "the query matches %zu messages, not one (id:MSGID names one)",
			found.count);
		cli_found_clear(&found);
		return code;
	}
	if (mail_attachment_list(found.items[0].path, &list, &err) != VT_OK) {
		cli_found_clear(&found);
		return cli_error(&err);
	}
	for (size_t i = 0; i < list.count; i++)
		if (list.items[i].part == part)
			chosen = &list.items[i];
	if (chosen == NULL) {
		size_t attachments = list.count - (list.count > 0 && list.items[0].body);

		vt_fail(&err, VT_ERR_NOT_FOUND, "%s has %s%zu attachment%s, no %ld",
			found.items[0].id, list.count > attachments ? "an HTML body (0) and " : "",
			attachments, attachments == 1 ? "" : "s", part);
		code = cli_error(&err);
		goto out;
	}
	/* --to a directory (or none: the current one): the mail's name for
	 * the file, made safe; else the path as given */
	if (to == NULL || (stat(to, &st) == 0 && S_ISDIR(st.st_mode))) {
		char *safe = mail_attachment_safe_name(chosen->filename, (int)part);

		if (safe == NULL || asprintf(&dest, "%s/%s", to ? to : ".", safe) < 0)
			dest = NULL;
		free(safe);
	} else {
		dest = strdup(to);
	}
	if (dest == NULL) {
		vt_fail(&err, VT_ERR_NOMEM, "out of memory");
		code = cli_error(&err);
		goto out;
	}
	if (mail_attachment_save(found.items[0].path, (int)part, dest, force != NULL, &err) !=
	    VT_OK) {
		code = cli_error(&err);
		goto out;
	}
	{
		struct vt_action done = { .changed = true };

		snprintf(done.summary, sizeof done.summary, "saved %s", dest);
		if (cli->format == CLI_JSON) {
			json_t *o = json_object();
			char *text = cli_text(done.summary);

			cli_json_set_text(o, "message_id", found.items[0].id);
			json_object_set_new(o, "part", json_integer(part));
			cli_json_set_text(o, "path", dest);
			json_object_set_new(o, "changed", json_true());
			json_object_set_new(o, "summary", json_string(text ? text : ""));
			free(text);
			cli_json_emit(cli, o);
		} else {
			cli_print_action(cli, &done);
		}
	}
	code = 0;
out:
	free(dest);
	mail_attachment_list_clear(&list);
	cli_found_clear(&found);
	return code;
}
