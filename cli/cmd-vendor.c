/* vtriage vendor list|show */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cli.h"

static json_t *
vendor_json(const struct vt_vendor *v)
{
	json_t *o = json_object(), *domains = json_array();

	json_object_set_new(o, "slug", json_string(v->slug));
	cli_json_set_text(o, "name", v->name);
	/* as shown to people: punycode for IDN, U+ escapes for the rest */
	for (size_t i = 0; i < v->n_domains; i++) {
		char *shown = mail_domain_display(v->domains[i]);

		json_array_append_new(domains, json_string(shown ? shown : ""));
		free(shown);
	}
	json_object_set_new(o, "domains", domains);
	json_object_set_new(o, "bucket", json_string(vt_bucket_name(v->bucket)));
	json_object_set_new(o, "messages", json_integer(v->messages));
	json_object_set_new(o, "first_seen",
			    v->first_seen ? json_integer((json_int_t)v->first_seen) : json_null());
	json_object_set_new(o, "last_seen",
			    v->last_seen ? json_integer((json_int_t)v->last_seen) : json_null());
	return o;
}

static void
print_domains(FILE *f, const struct vt_vendor *v)
{
	for (size_t i = 0; i < v->n_domains; i++) {
		char *shown = mail_domain_display(v->domains[i]);

		fprintf(f, "%s%s", i ? "," : "", shown ? shown : "?");
		free(shown);
	}
}

int
cmd_vendor_list(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	const char *bucket_s = NULL;
	const struct cli_option options[] = { { "bucket", true, &bucket_s }, { 0 } };
	struct vt_vendor_list list;
	struct vt_error err = { 0 };
	enum vt_bucket bucket;
	int n;

	if ((n = cli_parse_options(cli, self, argc, argv, options)) < 0)
		return n == -2 ? 0 : 2;
	if (n > 0)
		return cli_usage_error(cli, "unexpected argument '%s'", argv[0]);
	if (bucket_s && !vt_bucket_parse(bucket_s, &bucket))
		return cli_usage_error(cli, "--bucket must be trusted or generic, not '%s'",
				       bucket_s);
	if (cli_open(cli, MAIL_DB_READ_ONLY, &err) != VT_OK ||
	    vt_vendor_list(cli->store, bucket_s ? &bucket : NULL, &list, &err) != VT_OK)
		return cli_error(&err);
	if (cli->format == CLI_JSON) {
		json_t *arr = json_array();

		for (size_t i = 0; i < list.count; i++)
			json_array_append_new(arr, vendor_json(&list.items[i]));
		cli_json_put(arr, JSON_INDENT(1), cli->out);
		fputc('\n', cli->out);
		json_decref(arr);
	} else {
		for (size_t i = 0; i < list.count; i++) {
			const struct vt_vendor *v = &list.items[i];
			char last[32], *name = cli_text(v->name);

			cli_format_date(v->last_seen, last, sizeof last);
			fprintf(cli->out, "%-20s %-8s %6ld  %-10s  %s (", v->slug,
				vt_bucket_name(v->bucket), v->messages, last, name ? name : "");
			print_domains(cli->out, v);
			fputs(")\n", cli->out);
			free(name);
		}
	}
	vt_vendor_list_clear(&list);
	return 0;
}

int
cmd_vendor_show(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	struct vt_error err = { 0 };
	struct vt_mirror_status mirror;
	struct vt_vendor v;
	bool show_mirror, lookalike = false;
	char likeness[512] = "";
	int n;

	if ((n = cli_parse_options(cli, self, argc, argv, NULL)) < 0)
		return n == -2 ? 0 : 2;
	if (n != 1)
		return cli_usage_error(cli, "needs exactly one vendor SLUG");
	if (cli_open(cli, MAIL_DB_READ_ONLY, &err) != VT_OK ||
	    vt_vendor_get(cli->store, argv[0], &v, &err) != VT_OK)
		return cli_error(&err);
	/* the server folder: only where sync mirrors (a trusted vendor, the
	 * mirror on) or once did */
	if (vt_mirror_status(cli->store, v.id, &mirror, &err) != VT_OK) {
		vt_vendor_clear(&v);
		return cli_error(&err);
	}
	show_mirror = mirror.mailbox != NULL ||
		      (cli->cfg->mirror_folders && v.bucket == VT_BUCKET_TRUSTED);
	if (vt_vendor_lookalike(cli->store, v.id, &lookalike, likeness, sizeof likeness, &err) !=
	    VT_OK) {
		vt_mirror_status_clear(&mirror);
		vt_vendor_clear(&v);
		return cli_error(&err);
	}
	if (cli->format == CLI_JSON) {
		json_t *o = vendor_json(&v);

		if (show_mirror) {
			json_t *m = json_object();

			if (mirror.mailbox != NULL)
				cli_json_set_text(m, "mailbox", mirror.mailbox);
			else
				json_object_set_new(m, "mailbox", json_null());
			json_object_set_new(m, "last",
					    mirror.last ? json_integer((json_int_t)mirror.last)
							: json_null());
			json_object_set_new(m, "moved", json_integer(mirror.moved));
			json_object_set_new(m, "first_pass_due", json_boolean(mirror.due));
			json_object_set_new(o, "server_folder", m);
		}
		if (lookalike)
			cli_json_set_text(o, "lookalike", likeness);
		else
			json_object_set_new(o, "lookalike", json_null());
		cli_json_print(cli, o);
		json_decref(o);
	} else {
		char first[32], last[32], *name = cli_text(v.name);

		cli_format_date(v.first_seen, first, sizeof first);
		cli_format_date(v.last_seen, last, sizeof last);
		fprintf(cli->out, "vendor:   %s\nname:     %s\nbucket:   %s\ndomains:  ", v.slug,
			name ? name : "", vt_bucket_name(v.bucket));
		print_domains(cli->out, &v);
		fprintf(cli->out, "\nmessages: %ld\nfirst:    %s\nlast:     %s\n", v.messages,
			first, last);
		if (lookalike) {
			char *text = cli_text(likeness);

			fprintf(cli->out, "warning:  %s\n", text ? text : "");
			free(text);
		}
		if (show_mirror) {
			char *mailbox = cli_text(mirror.mailbox), when[32];

			cli_format_date(mirror.last, when, sizeof when);
			if (mirror.mailbox != NULL)
				fprintf(cli->out, "server:   %s, %ld moved, last %s%s\n", mailbox,
					mirror.moved, when, mirror.due ? " (a pass is due)" : "");
			else
				fprintf(cli->out,
					"server:   moved into Vendors/ by the next sync\n");
			free(mailbox);
		}
		free(name);
	}
	vt_mirror_status_clear(&mirror);
	vt_vendor_clear(&v);
	return 0;
}

int
cmd_vendor_bank(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	const char *accept = NULL;
	const struct cli_option options[] = { { "accept", true, &accept }, { 0 } };
	struct vt_bank_list list;
	struct vt_error err = { 0 };
	int n;

	if ((n = cli_parse_options(cli, self, argc, argv, options)) < 0)
		return n == -2 ? 0 : 2;
	if (n != 1)
		return cli_usage_error(cli, "needs exactly one vendor SLUG");
	if (cli_open(cli, MAIL_DB_READ_ONLY, &err) != VT_OK)
		return cli_error(&err);
	if (accept != NULL) {
		struct vt_action a;

		if (vt_bank_accept(cli->store, argv[0], accept, &a, &err) != VT_OK)
			return cli_error(&err);
		/* the bills paying the accepted details count in the usual now */
		if (a.changed && vt_documents_judge(cli->store, cli->cfg, &err) != VT_OK)
			cli_print_error(NULL, &err);
		return cli_print_action(cli, &a);
	}
	if (vt_bank_list(cli->store, argv[0], &list, &err) != VT_OK)
		return cli_error(&err);
	if (cli->format == CLI_JSON) {
		json_t *arr = json_array();

		for (size_t i = 0; i < list.count; i++) {
			const struct vt_bank_detail *d = &list.items[i];
			json_t *o = json_object();

			json_object_set_new(o, "kind", json_string(d->kind));
			cli_json_set_text(o, "value", d->value);
			json_object_set_new(o, "state", json_string(vt_bank_state_name(d->state)));
			json_object_set_new(o, "first", json_integer((json_int_t)d->first));
			json_object_set_new(o, "last", json_integer((json_int_t)d->last));
			json_object_set_new(o, "messages", json_integer(d->messages));
			json_object_set_new(o, "accepted",
					    d->accepted ? json_integer((json_int_t)d->accepted)
							: json_null());
			json_array_append_new(arr, o);
		}
		cli_json_put(arr, JSON_INDENT(1), cli->out);
		fputc('\n', cli->out);
		json_decref(arr);
	}
	for (size_t i = 0; cli->format == CLI_TEXT && i < list.count; i++) {
		const struct vt_bank_detail *d = &list.items[i];
		char first[32], last[32], *value = cli_text(d->value);

		cli_format_date(d->first, first, sizeof first);
		cli_format_date(d->last, last, sizeof last);
		fprintf(cli->out, "%-34s %-7s %-10s %s..%s  %ld mail%s\n", value ? value : "",
			d->kind, vt_bank_state_name(d->state), first, last, d->messages,
			d->messages == 1 ? "" : "s");
		free(value);
	}
	vt_bank_list_clear(&list);
	return 0;
}
