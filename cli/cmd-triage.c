/* vtriage vendor promote|demote|rename|merge|add-domain|remove-domain, undo */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int
cli_print_action(struct cli *cli, const struct vt_action *a)
{
	char *text = cli_text(a->summary);

	if (cli->format == CLI_JSON) {
		json_t *o = json_object();

		json_object_set_new(o, "changed", json_boolean(a->changed));
		json_object_set_new(o, "summary", json_string(text ? text : ""));
		cli_json_print(cli, o);
		json_decref(o);
	} else {
		fprintf(cli->out, "%s\n", text ? text : "");
	}
	free(text);
	return 0;
}

/* Parses options, checks the operand count, opens the stores. */
static int
prepare(struct cli *cli, const struct cli_command *self, int argc, char **argv, int want,
	const char *what, const struct cli_option *options)
{
	struct vt_error err = { 0 };
	int n;

	if ((n = cli_parse_options(cli, self, argc, argv, options)) < 0)
		return n == -2 ? -2 : -1;
	if (n != want) {
		cli_usage_error(cli, "needs %s", what);
		return -1;
	}
	if (cli_open(cli, MAIL_DB_READ_ONLY, &err) != VT_OK) {
		cli_error(&err);
		return -3 - vt_status_exit_code(err.status);
	}
	return n;
}

/* Exit code for prepare()'s negative results. */
static int
prepared_exit(int n)
{
	if (n == -2)
		return 0;
	if (n == -1)
		return 2;
	return -(n + 3);
}

static int
finish(struct cli *cli, vt_status rc, const struct vt_action *a, const struct vt_error *err)
{
	return rc == VT_OK ? cli_print_action(cli, a) : cli_error(err);
}

static int
set_bucket(struct cli *cli, const struct cli_command *self, int argc, char **argv,
	   enum vt_bucket bucket)
{
	struct vt_error err = { 0 };
	struct vt_action a;
	int n = prepare(cli, self, argc, argv, 1, "exactly one vendor SLUG", NULL);

	if (n < 0)
		return prepared_exit(n);
	return finish(cli,
		      vt_vendor_set_bucket(cli->store, argv[0], bucket, cli->cfg->mirror_folders,
					   &a, &err),
		      &a, &err);
}

int
cmd_vendor_promote(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	return set_bucket(cli, self, argc, argv, VT_BUCKET_TRUSTED);
}

int
cmd_vendor_demote(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	return set_bucket(cli, self, argc, argv, VT_BUCKET_GENERIC);
}

int
cmd_vendor_rename(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	struct vt_error err = { 0 };
	struct vt_action a;
	int n = prepare(cli, self, argc, argv, 2, "a vendor SLUG and a NAME", NULL);

	if (n < 0)
		return prepared_exit(n);
	return finish(cli, vt_vendor_rename(cli->store, argv[0], argv[1], &a, &err), &a, &err);
}

int
cmd_vendor_merge(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	struct vt_error err = { 0 };
	struct vt_action a;
	int n = prepare(cli, self, argc, argv, 2, "two vendors: FROM and INTO", NULL);

	if (n < 0)
		return prepared_exit(n);
	return finish(cli, vt_vendor_merge(cli->store, argv[0], argv[1], &a, &err), &a, &err);
}

int
cmd_vendor_add_domain(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	struct vt_error err = { 0 };
	struct vt_action a;
	int n = prepare(cli, self, argc, argv, 2, "a vendor SLUG and a DOMAIN", NULL);

	if (n < 0)
		return prepared_exit(n);
	mail_ascii_lower(argv[1]);
	return finish(cli, vt_vendor_add_domain(cli->store, argv[0], argv[1], &a, &err), &a, &err);
}

int
cmd_vendor_remove_domain(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	struct vt_error err = { 0 };
	struct vt_action a;
	int n = prepare(cli, self, argc, argv, 2, "a vendor SLUG and a DOMAIN", NULL);

	if (n < 0)
		return prepared_exit(n);
	mail_ascii_lower(argv[1]);
	return finish(cli, vt_vendor_remove_domain(cli->store, argv[0], argv[1], &a, &err), &a,
		      &err);
}

/* Applies the index side of an undone tag change. */
vt_status
cli_apply_retag(struct mail_db *db, const struct vt_action *a, struct vt_error *err)
{
	char *copy, *tok, *save = NULL;
	vt_status rc = VT_OK;

	if (a->retag_ids == NULL)
		return VT_OK;
	if ((copy = strdup(a->retag_ids)) == NULL)
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	for (tok = strtok_r(copy, "\n", &save); rc == VT_OK && tok;
	     tok = strtok_r(NULL, "\n", &save)) {
		char *id = mail_query_quote(tok), *query = NULL;

		if (id == NULL || asprintf(&query, "id:%s", id) < 0)
			rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
		else
			rc = mail_tag_messages(db, query, a->retag_add[0] ? a->retag_add : NULL,
					       a->retag_remove[0] ? a->retag_remove : NULL, NULL,
					       err);
		free(id);
		free(query);
	}
	free(copy);
	return rc;
}

int
cmd_undo(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	struct vt_error err = { 0 };
	struct vt_action a;
	int n, code;

	if ((n = cli_parse_options(cli, self, argc, argv, NULL)) < 0)
		return n == -2 ? 0 : 2;
	if (n != 0)
		return cli_usage_error(cli, "takes no arguments");
	/* Writable: the action undone may have changed tags in the index. */
	if (cli_open(cli, MAIL_DB_READ_WRITE, &err) != VT_OK)
		return cli_error(&err);
	if (vt_undo(cli->store, &a, &err) != VT_OK)
		return cli_error(&err);
	if (cli_apply_retag(cli->db, &a, &err) != VT_OK)
		code = cli_error(&err);
	else
		code = cli_print_action(cli, &a);
	vt_action_clear(&a);
	return code;
}
