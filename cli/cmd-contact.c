/* vtriage contact list|show|set */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cli.h"

static json_t *
strings_json(char **items, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++) {
		char *clean = cli_text(items[i]);

		json_array_append_new(a, json_string(clean ? clean : ""));
		free(clean);
	}
	return a;
}

static json_t *
text_or_null(const char *untrusted)
{
	char *clean;
	json_t *v;

	if (untrusted == NULL)
		return json_null();
	clean = cli_text(untrusted);
	v = json_string(clean ? clean : "");
	free(clean);
	return v;
}

static json_t *
contact_json(const struct vt_contact *c)
{
	json_t *o = json_object();

	cli_json_set_text(o, "name", c->name);
	json_object_set_new(o, "addresses", strings_json(c->addresses, c->n_addresses));
	json_object_set_new(o, "title", text_or_null(c->title));
	json_object_set_new(o, "phones", strings_json(c->phones, c->n_phones));
	json_object_set_new(o, "role", c->role ? json_string(c->role) : json_null());
	json_object_set_new(o, "role_source",
			    c->role == NULL ? json_null()
					    : json_string(c->role_set_by_user ? "user" : "guess"));
	json_object_set_new(o, "vendor", c->vendor ? json_string(c->vendor) : json_null());
	json_object_set_new(o, "vendors", strings_json(c->vendors, c->n_vendors));
	json_object_set_new(o, "manager", text_or_null(c->manager));
	json_object_set_new(o, "messages", json_integer(c->messages));
	json_object_set_new(o, "first_seen",
			    c->first_seen ? json_integer((json_int_t)c->first_seen) : json_null());
	json_object_set_new(o, "last_seen",
			    c->last_seen ? json_integer((json_int_t)c->last_seen) : json_null());
	return o;
}

static void
print_joined(FILE *f, char **items, size_t n, const char *sep)
{
	for (size_t i = 0; i < n; i++) {
		char *clean = cli_text(items[i]);

		fprintf(f, "%s%s", i ? sep : "", clean ? clean : "");
		free(clean);
	}
}

static void
print_contact_line(FILE *f, const struct vt_contact *c)
{
	char last[32], *name = cli_text(c->name), *title = c->title ? cli_text(c->title) : NULL;

	cli_format_date(c->last_seen, last, sizeof last);
	fprintf(f, "%-24s %-12s %-14s %4ld  %-10s  ", name ? name : "", c->vendor ? c->vendor : "-",
		c->role ? c->role : "-", c->messages, last);
	print_joined(f, c->addresses, c->n_addresses, ",");
	if (title)
		fprintf(f, "  (%s)", title);
	fputc('\n', f);
	free(name);
	free(title);
}

int
cmd_contact_list(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	struct vt_contact_list list;
	struct vt_error err = { 0 };
	int n;

	if ((n = cli_parse_options(cli, self, argc, argv, NULL)) < 0)
		return n == -2 ? 0 : 2;
	if (n > 1)
		return cli_usage_error(cli, "takes at most one vendor SLUG");
	if (cli_open(cli, MAIL_DB_READ_ONLY, &err) != VT_OK ||
	    vt_contact_list(cli->store, n ? argv[0] : NULL, &list, &err) != VT_OK)
		return cli_error(&err);
	if (cli->format == CLI_JSON) {
		json_t *arr = json_array();

		for (size_t i = 0; i < list.count; i++)
			json_array_append_new(arr, contact_json(&list.items[i]));
		cli_json_put(arr, JSON_INDENT(1), cli->out);
		fputc('\n', cli->out);
		json_decref(arr);
	} else {
		for (size_t i = 0; i < list.count; i++)
			print_contact_line(cli->out, &list.items[i]);
	}
	vt_contact_list_clear(&list);
	return 0;
}

int
cmd_contact_show(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	struct vt_error err = { 0 };
	struct vt_contact c;
	int n;

	if ((n = cli_parse_options(cli, self, argc, argv, NULL)) < 0)
		return n == -2 ? 0 : 2;
	if (n != 1)
		return cli_usage_error(cli, "needs exactly one ADDRESS (or name)");
	mail_ascii_lower(strchr(argv[0], '@') ? argv[0] : argv[0] + strlen(argv[0]));
	if (cli_open(cli, MAIL_DB_READ_ONLY, &err) != VT_OK ||
	    vt_contact_get(cli->store, argv[0], &c, &err) != VT_OK)
		return cli_error(&err);
	if (cli->format == CLI_JSON) {
		json_t *o = contact_json(&c);

		cli_json_print(cli, o);
		json_decref(o);
	} else {
		char first[32], last[32], *name = cli_text(c.name);
		char *title = c.title ? cli_text(c.title) : NULL;
		char *manager = c.manager ? cli_text(c.manager) : NULL;

		cli_format_date(c.first_seen, first, sizeof first);
		cli_format_date(c.last_seen, last, sizeof last);
		fprintf(cli->out, "name:      %s\naddresses: ", name ? name : "");
		print_joined(cli->out, c.addresses, c.n_addresses, ", ");
		fprintf(cli->out, "\ntitle:     %s\nphones:    ", title ? title : "-");
		print_joined(cli->out, c.phones, c.n_phones, ", ");
		fprintf(cli->out,
			"\nrole:      %s%s\nvendor:    %s\nvendors:   ", c.role ? c.role : "-",
			c.role ? (c.role_set_by_user ? " (set by you)" : " (guessed)") : "",
			c.vendor ? c.vendor : "-");
		print_joined(cli->out, c.vendors, c.n_vendors, " -> ");
		fprintf(cli->out, "\nmanager:   %s\nmessages:  %ld\nfirst:     %s\nlast:      %s\n",
			manager ? manager : "-", c.messages, first, last);
		free(name);
		free(title);
		free(manager);
	}
	vt_contact_clear(&c);
	return 0;
}

int
cmd_contact_set(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	const char *role = NULL;
	const struct cli_option options[] = { { "role", true, &role }, { 0 } };
	struct vt_error err = { 0 };
	struct vt_action a;
	int n;

	if ((n = cli_parse_options(cli, self, argc, argv, options)) < 0)
		return n == -2 ? 0 : 2;
	if (n != 1)
		return cli_usage_error(cli, "needs exactly one ADDRESS (or name)");
	if (role == NULL)
		return cli_usage_error(cli, "needs --role");
	mail_ascii_lower(strchr(argv[0], '@') ? argv[0] : argv[0] + strlen(argv[0]));
	if (cli_open(cli, MAIL_DB_READ_ONLY, &err) != VT_OK ||
	    vt_contact_set_role(cli->store, argv[0], role, &a, &err) != VT_OK)
		return cli_error(&err);
	return cli_print_action(cli, &a);
}

/* vtriage contact complete PREFIX: what Tab offers in To: and Cc: */
int
cmd_contact_complete(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	struct vt_address_hits hits;
	struct vt_error err = { 0 };
	int n;

	if ((n = cli_parse_options(cli, self, argc, argv, NULL)) < 0)
		return n == -2 ? 0 : 2;
	if (n != 1)
		return cli_usage_error(cli,
				       "needs one PREFIX (of an address, a name or a name's word)");
	if (cli_open(cli, MAIL_DB_READ_ONLY, &err) != VT_OK ||
	    vt_address_complete(cli->store, argv[0], 20, &hits, &err) != VT_OK)
		return cli_error(&err);
	if (cli->format == CLI_JSON) {
		json_t *arr = json_array();

		for (size_t i = 0; i < hits.count; i++) {
			json_t *o = json_object();

			cli_json_set_text(o, "name", hits.items[i].name);
			cli_json_set_text(o, "address", hits.items[i].address);
			json_object_set_new(o, "vendor",
					    hits.items[i].vendor ? json_string(hits.items[i].vendor)
								 : json_null());
			json_object_set_new(o, "written_to",
					    json_boolean(hits.items[i].written_to));
			json_object_set_new(o, "last_seen",
					    json_integer((json_int_t)hits.items[i].last));
			json_array_append_new(arr, o);
		}
		cli_json_print(cli, arr);
		json_decref(arr);
	} else {
		for (size_t i = 0; i < hits.count; i++) {
			char *name = cli_text(hits.items[i].name),
			     *addr = cli_text(hits.items[i].address);

			if (name && *name)
				fprintf(cli->out, "%s <%s>\n", name, addr ? addr : "");
			else
				fprintf(cli->out, "%s\n", addr ? addr : "");
			free(name);
			free(addr);
		}
	}
	vt_address_hits_clear(&hits);
	return 0;
}
