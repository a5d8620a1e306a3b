/* vtriage vendor promote|demote|rename|merge|add-domain|remove-domain, undo */
#include "config.h"

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
	const char *force = NULL;
	const struct cli_option options[] = { { "force", false, &force }, { 0 } };
	struct vt_error err = { 0 };
	struct vt_action a;
	int n = prepare(cli, self, argc, argv, 1, "exactly one vendor SLUG",
			bucket == VT_BUCKET_TRUSTED ? options : NULL);
	unsigned flags = 0;

	if (n < 0)
		return prepared_exit(n);
	if (cli->cfg->mirror_folders)
		flags |= VT_TRIAGE_QUEUE_MIRROR;
	if (force)
		flags |= VT_TRIAGE_FORCE;
	return finish(cli, vt_vendor_set_bucket(cli->store, argv[0], bucket, flags, &a, &err), &a,
		      &err);
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

/* A vendor's domains changed (merge, a domain added or removed, an undo
 * of one): its bills are another vendor's history now, and the checks of
 * jumps and rates said what they were before until the next index. */
static void
bills_judged_again(struct cli *cli)
{
	struct vt_error err = { 0 };

	if (vt_documents_judge(cli->store, cli->cfg, &err) != VT_OK)
		cli_print_error(NULL, &err);
}

typedef vt_status (*vendor_pair_fn)(struct vt_store *s, const char *a, const char *b,
				    unsigned flags, struct vt_action *out, struct vt_error *err);

/* The commands of two operands; domains are compared in lower case.
 * can_force: the command takes --force (a look-alike domain). */
static int
vendor_pair(struct cli *cli, const struct cli_command *self, int argc, char **argv,
	    const char *what, vendor_pair_fn fn, bool second_is_domain, bool can_force)
{
	const char *force = NULL;
	const struct cli_option options[] = { { "force", false, &force }, { 0 } };
	struct vt_error err = { 0 };
	struct vt_action a;
	int n = prepare(cli, self, argc, argv, 2, what, can_force ? options : NULL);
	vt_status rc;

	if (n < 0)
		return prepared_exit(n);
	if (second_is_domain)
		mail_ascii_lower(argv[1]);
	rc = fn(cli->store, argv[0], argv[1], force ? VT_TRIAGE_FORCE : 0, &a, &err);
	if (rc == VT_OK && a.changed)
		bills_judged_again(cli);
	return finish(cli, rc, &a, &err);
}

static vt_status
rename_vendor(struct vt_store *s, const char *slug, const char *name, unsigned flags,
	      struct vt_action *out, struct vt_error *err)
{
	(void)flags;
	return vt_vendor_rename(s, slug, name, out, err);
}

static vt_status
remove_domain(struct vt_store *s, const char *slug, const char *domain, unsigned flags,
	      struct vt_action *out, struct vt_error *err)
{
	(void)flags;
	return vt_vendor_remove_domain(s, slug, domain, out, err);
}

int
cmd_vendor_rename(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	return vendor_pair(cli, self, argc, argv, "a vendor SLUG and a NAME", rename_vendor, false,
			   false);
}

int
cmd_vendor_merge(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	return vendor_pair(cli, self, argc, argv, "two vendors: FROM and INTO", vt_vendor_merge,
			   false, true);
}

int
cmd_vendor_add_domain(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	return vendor_pair(cli, self, argc, argv, "a vendor SLUG and a DOMAIN",
			   vt_vendor_add_domain, true, true);
}

int
cmd_vendor_remove_domain(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	return vendor_pair(cli, self, argc, argv, "a vendor SLUG and a DOMAIN", remove_domain, true,
			   false);
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
	if (a.changed)
		bills_judged_again(cli);
	if (vt_apply_retag(cli->store, cli->db, &a, &err) != VT_OK)
		code = cli_error(&err);
	else
		code = cli_print_action(cli, &a);
	vt_action_clear(&a);
	return code;
}

/* "+flagged" or "-inbox" before the query: a tag to add or remove. */
static bool
is_tag_op(const char *arg)
{
	return (arg[0] == '+' || arg[0] == '-') && arg[1] != '\0' && arg[1] != '-' &&
	       strpbrk(arg + 1, ":\"() \t") == NULL;
}

int
cmd_tag(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	struct vt_error err = { 0 };
	char *query = NULL, *translated = NULL;
	int n, ops = 0, code = 0;

	if ((n = cli_parse_options(cli, self, argc, argv, NULL)) < 0)
		return n == -2 ? 0 : 2;
	while (ops < n && is_tag_op(argv[ops]))
		ops++;
	if (ops == 0 || ops == n)
		return cli_usage_error(cli, "needs +TAG or -TAG, then a QUERY");
	if (cli_open(cli, MAIL_DB_READ_WRITE, &err) != VT_OK)
		return cli_error(&err);
	if ((query = cli_join(n - ops, argv + ops)) == NULL) {
		vt_fail(&err, VT_ERR_NOMEM, "out of memory");
		return cli_error(&err);
	}
	if (vt_query_translate(cli->store, query, &translated, &err) != VT_OK) {
		code = cli_query_error(&err, query);
		free(query);
		return code;
	}
	/* one journal entry per tag: ,u (vtriage undo) takes back the last */
	for (int i = 0; i < ops && code == 0; i++) {
		struct vt_action a = { 0 };
		const char *tag = argv[i] + 1;
		char what[300];

		snprintf(what, sizeof what, "%s %.*s on %.*s",
			 argv[i][0] == '+' ? "tagged" : "untagged", (int)mail_utf8_prefix(tag, 100),
			 tag, (int)mail_utf8_prefix(query, 150), query);
		if (vt_tag(cli->store, cli->db, translated, argv[i][0] == '+' ? tag : NULL,
			   argv[i][0] == '-' ? tag : NULL, what, &a, &err) != VT_OK)
			code = cli_error(&err);
		else
			code = cli_print_action(cli, &a);
		vt_action_clear(&a);
	}
	free(translated);
	free(query);
	return code;
}
