/* vtriage index */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

struct index_ui_state {
	bool tty;
	bool quiet;
	bool lines; /* --progress=lines: the progress protocol (mail.h) on stdout */
	bool progress_shown;
};

static void
on_warning(void *ctx, const char *path, const char *why)
{
	char *clean = cli_text(path), *reason = cli_text(why);

	fprintf(stderr, "%svtriage: warning: %s: %s\n",
		((struct index_ui_state *)ctx)->progress_shown ? "\r\033[K" : "",
		clean ? clean : "?", reason ? reason : "?");
	free(clean);
	free(reason);
}

static void
on_progress(void *ctx, const struct mail_index_stats *st)
{
	struct index_ui_state *ui = ctx;
	double rate = st->elapsed > 0 ? st->files_seen / st->elapsed : 0;

	if (!ui->tty || ui->quiet)
		return;
	if (st->files_total)
		fprintf(stderr, "\r\033[KIndexing: %u/%u files (%.0f files/s)", st->files_seen,
			st->files_total, rate);
	else if (st->dated)
		fprintf(stderr, "\r\033[KIndexing: %u new files, %u attributed, %u dated (once)",
			st->files_seen, st->attributed, st->dated);
	else
		fprintf(stderr, "\r\033[KIndexing: %u new files (%.0f files/s), %u attributed",
			st->files_seen, rate, st->attributed);
	ui->progress_shown = true;
}

/* What the run did, in a sentence (ends with ".\n"). */
static void
write_summary(FILE *out, const struct vt_index_report *r, unsigned vendors)
{
	const struct mail_index_stats *m = &r->mail;

	fprintf(out,
		"Indexed %u new file%s in %.1f s: %u message%s added, %u duplicate%s, "
		"%u not mail, %u unreadable; %u removed, %u renamed; %u vendor%s (%u new).\n",
		m->files_seen, m->files_seen == 1 ? "" : "s", m->elapsed, m->added,
		m->added == 1 ? "" : "s", m->duplicates, m->duplicates == 1 ? "" : "s", m->not_mail,
		m->vanished, m->removed, m->renamed, vendors, vendors == 1 ? "" : "s",
		r->vendors_new);
	if (r->pdfs.read + r->pdfs.cached + r->pdfs.deferred > 0)
		fprintf(out, "PDF attachments: %u read, %u known already%s.\n", r->pdfs.read,
			r->pdfs.cached,
			r->pdfs.deferred > 0
				? ", the rest left for the next run ([pdf] run_seconds)"
				: "");
	if (m->attributed > 0)
		fprintf(out, "Also read: %u message%s already in the index.\n", m->attributed,
			m->attributed == 1 ? "" : "s");
	if (r->compacted)
		fprintf(out, "The index was compacted after so much new mail.\n");
}

/* The summary as the protocol's last line, the index closed by then (the
 * interface writes to it once it reads that line). */
static void
summary_event(struct cli *cli, const struct vt_index_report *r, unsigned vendors)
{
	struct cli_summary sum;
	FILE *f = cli_summary_begin(&sum);

	if (f != NULL)
		write_summary(f, r, vendors);
	mail_db_close(&cli->db);
	cli_summary_send(cli, &sum);
}

/* An error: "vtriage: why" on stderr, or the protocol's error event. */
static int
fail(struct cli *cli, const struct index_ui_state *state, const struct vt_error *err)
{
	if (!state->lines)
		return cli_error(err);
	cli_progress(cli, &(struct mail_progress_event){
				  .kind = MAIL_PROGRESS_ERROR,
				  .status = err->status,
				  .stage = "index",
				  .text = err->msg[0] ? err->msg : vt_status_name(err->status) });
	return vt_status_exit_code(err->status);
}

static void
print_summary(struct cli *cli, const struct vt_index_report *r, unsigned vendors)
{
	const struct mail_index_stats *m = &r->mail;

	if (cli->format == CLI_JSON) {
		json_t *o = json_pack(
			"{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:b,s:b,s:I,s:I,s:f,s:I,s:I,s:b,s:I}",
			"files", (json_int_t)m->files_seen, "added", (json_int_t)m->added,
			"duplicates", (json_int_t)m->duplicates, "not_mail",
			(json_int_t)m->not_mail, "vanished", (json_int_t)m->vanished, "removed",
			(json_int_t)m->removed, "renamed", (json_int_t)m->renamed, "attributed",
			(json_int_t)m->attributed, "dated", (json_int_t)m->dated, "reconciled",
			(json_int_t)r->reconciled, "others_wrote", r->others_wrote,
			"ignore_changed", m->ignore_changed, "vendors", (json_int_t)vendors,
			"vendors_new", (json_int_t)r->vendors_new, "seconds", m->elapsed,
			"pdfs_read", (json_int_t)r->pdfs.read, "pdfs_cached",
			(json_int_t)r->pdfs.cached, "compacted", r->compacted, "verdicts_written",
			(json_int_t)r->verdicts_written);
		cli_json_print(cli, o);
		json_decref(o);
		return;
	}
	write_summary(cli->out, r, vendors);
}

int
cmd_index(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	const char *full_scan = NULL, *quiet = NULL, *progress = NULL, *reread = NULL;
	const struct cli_option options[] = {
		{ "full-scan", false, &full_scan },
		{ "reread", false, &reread },
		{ "quiet", false, &quiet },
		{ "progress", true, &progress },
		{ 0 },
	};
	struct index_ui_state state = { .tty = isatty(STDERR_FILENO) };
	struct vt_index_ui ui = { .ctx = &state, .warning = on_warning, .progress = on_progress };
	struct vt_index_report report;
	struct vt_error err = { 0 };
	unsigned vendors = 0;
	int n;
	vt_status rc;

	n = cli_parse_options(cli, self, argc, argv, options);
	if (n < 0)
		return n == -2 ? 0 : 2;
	if (n > 0)
		return cli_usage_error(cli, "unexpected argument '%s'", argv[0]);
	if (progress != NULL && strcmp(progress, "lines") != 0)
		return cli_usage_error(cli, "--progress takes 'lines'");
	state.quiet = quiet != NULL;
	state.lines = progress != NULL;
	state.tty = state.tty && !state.lines; /* stderr may be the same pipe */
	if (state.lines)
		cli_progress(cli, &(struct mail_progress_event){ .kind = MAIL_PROGRESS_INDEXING });
	if ((rc = cli_open(cli, MAIL_DB_READ_WRITE, &err)) != VT_OK)
		return fail(cli, &state, &err);
	if (reread != NULL && (rc = vt_index_reread_all(cli->store, &err)) != VT_OK)
		return fail(cli, &state, &err);
	rc = vt_index(cli->store, cli->db, cli->cfg, full_scan != NULL, &cli_interrupted, &ui,
		      &report, &err);
	if (state.progress_shown)
		fprintf(stderr, "\r\033[K");
	if (rc != VT_OK)
		return fail(cli, &state, &err);
	if (state.quiet && !state.lines)
		return 0;
	if ((rc = vt_count_vendors_with_mail(cli->store, &vendors, &err)) != VT_OK)
		return fail(cli, &state, &err);
	if (state.lines)
		summary_event(cli, &report, vendors);
	else
		print_summary(cli, &report, vendors);
	return 0;
}
