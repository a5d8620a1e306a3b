/* What every command shares: opening stores, options, errors, output. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../keymaps/keymap.h"
#include "cli.h"
#include "../imap/run.h"

volatile sig_atomic_t cli_interrupted;
volatile sig_atomic_t cli_wake;

bool
cli_find_program(const char *name, char *path, size_t size)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	char *slash;

	if (n > 0) {
		self[n] = '\0';
		if ((slash = strrchr(self, '/')) != NULL) {
			*slash = '\0';
			if ((size_t)snprintf(path, size, "%s/%s", self, name) < size &&
			    access(path, X_OK) == 0)
				return true;
		}
	}
	return (size_t)snprintf(path, size, "%s/%s", VT_PKGLIBEXECDIR, name) < size;
}

/* Made 0700 by vtriage, but one that was there before may let others
 * read the store (vendors, contacts, amounts): said, not changed. */
static void
warn_if_shared(const char *dir)
{
	struct stat st;
	char *shown;

	if (dir == NULL || stat(dir, &st) != 0 || (st.st_mode & 077) == 0)
		return;
	shown = cli_text(dir);
	fprintf(stderr, "vtriage: warning: %s is open to other users (mode %03o): chmod 700 it\n",
		shown ? shown : "the data directory", (unsigned)(st.st_mode & 0777));
	free(shown);
}

/* Bindings the interface would refuse at its start, refused by every
 * command: the file is checked whole, whatever reads it. */
static vt_status
check_keys(const struct vt_config *cfg, struct vt_error *err)
{
	struct keymap km;
	vt_status rc;

	for (size_t i = 0; i < cfg->n_entries; i++)
		if (strcmp(cfg->entries[i].section, "keys") == 0) {
			if ((rc = km_load(cfg, &km, err)) == VT_OK)
				km_free(&km);
			return rc;
		}
	return VT_OK;
}

/* The configuration, every section checked (the [account] and [keys]
 * ones too, whatever the command), once per process. [searches] are
 * queries, translated with the store's vendors: the interface checks
 * them. */
vt_status
cli_load_config(struct cli *cli, struct vt_error *err)
{
	vt_status rc;

	if (cli->cfg != NULL)
		return VT_OK;
	if ((rc = vt_config_load(cli->config_path, &cli->cfg, err)) == VT_OK &&
	    ((rc = vt_accounts_check(cli->cfg, err)) != VT_OK ||
	     (rc = check_keys(cli->cfg, err)) != VT_OK))
		vt_config_free(&cli->cfg);
	return rc;
}

vt_status
cli_open(struct cli *cli, enum mail_db_mode mode, struct vt_error *err)
{
	char helper[PATH_MAX];
	vt_status rc;

	if ((rc = cli_load_config(cli, err)) != VT_OK)
		return rc;
	/* the PDF reader of indexing (only writers index):
	 * $VTRIAGE_PDF_HELPER, else ours */
	if (mode == MAIL_DB_READ_WRITE && cli->cfg->pdf_helper == NULL &&
	    getenv("VTRIAGE_PDF_HELPER") == NULL &&
	    cli_find_program("vtriage-pdf", helper, sizeof helper) && access(helper, X_OK) == 0)
		cli->cfg->pdf_helper = strdup(helper);
	if ((rc = vt_data_open(cli->cfg, mode, &cli->db, &cli->store, err)) == VT_OK)
		warn_if_shared(cli->cfg->data_dir);
	/* an index removed by hand is made again, empty: every list says
	 * nothing while the store's vendors still count their mail */
	if (rc == VT_OK && mode == MAIL_DB_READ_ONLY && mail_db_created(cli->db) &&
	    vt_store_knows_mail(cli->store))
		fprintf(stderr, "vtriage: warning: the index was missing and is made anew, empty, "
				"though the store knows mail: run `vtriage index`\n");
	return rc;
}

void
cli_close(struct cli *cli)
{
	vt_store_close(&cli->store);
	mail_db_close(&cli->db);
	vt_config_free(&cli->cfg);
}

void
cli_print_error(const char *context, const struct vt_error *err)
{
	/* Messages and their contexts quote names from mail and servers
	 * (folders, files, headers, Message-IDs): shown sanitised like all
	 * untrusted text. */
	char *clean = cli_text(err->msg[0] ? err->msg : vt_status_name(err->status));
	char *where = context ? cli_text(context) : NULL;

	fprintf(stderr, "vtriage: %s%s%s\n", where ? where : "", where ? ": " : "",
		clean ? clean : vt_status_name(err->status));
	free(where);
	free(clean);
}

void
cli_stdout_failed(int saved_errno)
{
	if (saved_errno != EPIPE)
		return;
	signal(SIGPIPE, SIG_DFL);
	raise(SIGPIPE);
}

int
cli_error(const struct vt_error *err)
{
	cli_print_error(NULL, err);
	return vt_status_exit_code(err->status);
}

int
cli_usage_error(const struct cli *cli, const char *fmt, ...)
{
	char said[1024], *shown;
	va_list ap;

	/* usage errors quote the user's arguments, which may be pasted from
	 * mail: sanitised like the rest */
	va_start(ap, fmt);
	vsnprintf(said, sizeof said, fmt, ap);
	va_end(ap);
	shown = cli_text(said);
	fprintf(stderr, "vtriage %s: %s\n(see: vtriage %s --help)\n",
		cli->command ? cli->command : "", shown ? shown : said,
		cli->command ? cli->command : "");
	free(shown);
	return 2;
}

void
cli_print_help(FILE *f, const struct cli_command *cmd, const char *full_name)
{
	fprintf(f, "usage: vtriage [--config FILE] %s%s%s\n\n%s\n", full_name, cmd->args ? " " : "",
		cmd->args ? cmd->args : "", cmd->summary);
	if (cmd->help)
		fprintf(f, "\n%s", cmd->help);
	if (cmd->subcommands) {
		fprintf(f, "\ncommands:\n");
		for (const struct cli_command *c = cmd->subcommands; c->name; c++)
			fprintf(f, "  %-14s %s\n", c->name, c->summary);
	}
}

static bool
set_format(struct cli *cli, const struct cli_command *cmd, const char *value)
{
	if (strcmp(value, "text") == 0)
		cli->format = CLI_TEXT;
	else if (strcmp(value, "json") == 0)
		cli->format = CLI_JSON;
	else if (strcmp(value, "html") == 0 && cmd->html)
		cli->format = CLI_HTML;
	else
		return false;
	return true;
}

int
cli_parse_options(struct cli *cli, const struct cli_command *cmd, int argc, char **argv,
		  const struct cli_option *options)
{
	return cli_parse_options_repeated(cli, cmd, argc, argv, options, NULL, NULL);
}

int
cli_parse_options_repeated(struct cli *cli, const struct cli_command *cmd, int argc, char **argv,
			   const struct cli_option *options, const char *repeated,
			   struct cli_values *all)
{
	int i, n = 0;
	bool only_operands = false;
	uint64_t given = 0; /* the options with a value seen, by place in options */

	for (i = 1; i < argc; i++) {
		const char *arg = argv[i], *eq, *value = NULL;
		const struct cli_option *o = NULL;
		size_t len;

		if (only_operands || arg[0] != '-' || arg[1] == '\0' ||
		    (arg[1] != '-' && strcmp(arg, "-h") != 0)) {
			argv[n++] = argv[i];
			continue;
		}
		if (strcmp(arg, "--") == 0) {
			only_operands = true;
			continue;
		}
		if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
			cli_print_help(stdout, cmd, cli->command);
			return -2;
		}
		arg += 2;
		eq = strchr(arg, '=');
		len = eq ? (size_t)(eq - arg) : strlen(arg);
		if (len == strlen("format") && strncmp(arg, "format", len) == 0) {
			value = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
			if (value == NULL || !set_format(cli, cmd, value)) {
				cli_usage_error(cli, cmd->html
							     ? "--format must be text, json or html"
							     : "--format must be text or json");
				return -1;
			}
			continue;
		}
		for (const struct cli_option *c = options; c && c->name; c++)
			if (strlen(c->name) == len && strncmp(c->name, arg, len) == 0)
				o = c;
		if (o == NULL) {
			cli_usage_error(cli, "unknown option '--%.*s'", (int)len, arg);
			return -1;
		}
		if (o->has_arg) {
			size_t bit = (size_t)(o - options);

			value = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
			if (value == NULL) {
				cli_usage_error(cli, "--%s needs a value", o->name);
				return -1;
			}
			/* "--to a --to b" sent to b alone: a second value is
			 * refused where only one is taken */
			if ((repeated == NULL || strcmp(o->name, repeated) != 0) && bit < 64 &&
			    (given & (UINT64_C(1) << bit))) {
				cli_usage_error(cli, "--%s given twice", o->name);
				return -1;
			}
			if (bit < 64)
				given |= UINT64_C(1) << bit;
		} else if (eq) {
			cli_usage_error(cli, "--%s takes no value", o->name);
			return -1;
		} else
			value = "1";
		*o->value = value;
		if (repeated != NULL && strcmp(o->name, repeated) == 0) {
			const char **grown = realloc(all->items, (all->count + 1) * sizeof *grown);

			if (grown == NULL) {
				fprintf(stderr, "vtriage: out of memory\n");
				return -1;
			}
			all->items = grown;
			all->items[all->count++] = value;
		}
	}
	return n;
}

char *
cli_text(const char *untrusted)
{
	return mail_sanitize_str(untrusted);
}

void
cli_column(const char *text, size_t cols, char *out, size_t outlen)
{
	const unsigned char *p = (const unsigned char *)(text ? text : "");
	size_t o = 0, n = 0;

	if (outlen == 0)
		return;
	while (*p && n < cols) {
		uint32_t cp;
		size_t k = mail_utf8_decode(p, strnlen((const char *)p, 4), &cp);

		k = k ? k : 1;
		if (o + k >= outlen)
			break;
		memcpy(out + o, p, k);
		o += k;
		p += k;
		n++;
	}
	for (; n < cols && o + 1 < outlen; n++)
		out[o++] = ' ';
	out[o] = '\0';
}

void
cli_json_set_text(json_t *obj, const char *key, const char *untrusted)
{
	char *clean = cli_text(untrusted);

	json_object_set_new(obj, key, json_string(clean ? clean : ""));
	free(clean);
}

void
cli_json_put(json_t *value, size_t flags, FILE *out)
{
	/* json_dumpf writes each token through stdio: 30,000 instructions
	 * for a thread's line of 300 bytes, a quarter of them saved by a
	 * buffer first */
	char buf[4096], *big;
	size_t n = json_dumpb(value, buf, sizeof buf, flags);

	if (n <= sizeof buf) {
		fwrite(buf, 1, n, out);
	} else if ((big = json_dumps(value, flags)) != NULL) {
		fputs(big, out);
		free(big);
	} else {
		json_dumpf(value, out, flags);
	}
}

void
cli_json_print(struct cli *cli, json_t *value)
{
	cli_json_put(value, JSON_COMPACT, cli->out);
	fputc('\n', cli->out);
}

void
cli_json_emit(struct cli *cli, json_t *value)
{
	if (value == NULL) {
		fprintf(stderr, "vtriage: out of memory\n");
		return;
	}
	cli_json_print(cli, value);
	json_decref(value);
}

void
cli_progress(struct cli *cli, const struct mail_progress_event *ev)
{
	char *line = mail_progress_line(ev);

	if (line != NULL)
		fprintf(cli->out, "%s\n", line);
	free(line);
	fflush(cli->out);
}

FILE *
cli_summary_begin(struct cli_summary *sum)
{
	*sum = (struct cli_summary){ 0 };
	return sum->f = open_memstream(&sum->text, &sum->len);
}

void
cli_summary_send(struct cli *cli, struct cli_summary *sum)
{
	if (sum->f != NULL && fclose(sum->f) != 0) {
		free(sum->text);
		sum->text = NULL;
	}
	if (sum->text != NULL)
		sum->text[strcspn(sum->text, "\n")] = '\0';
	cli_progress(cli, &(struct mail_progress_event){
				  .kind = MAIL_PROGRESS_SUMMARY,
				  .text = sum->text && sum->text[0] ? sum->text : "done" });
	free(sum->text);
	*sum = (struct cli_summary){ 0 };
}

void
cli_format_date(time_t t, char *buf, size_t len)
{
	struct tm tm;

	if (t <= 0 || localtime_r(&t, &tm) == NULL) {
		snprintf(buf, len, "-");
		return;
	}
	strftime(buf, len, "%Y-%m-%d", &tm);
}
