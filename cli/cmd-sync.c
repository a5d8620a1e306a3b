/*
 * vtriage sync: options and what the user sees. The run itself (accounts,
 * index, mirror, watch) is imap/run.c's; this file says how it shows: on
 * the terminal, as JSON, or as the progress protocol of mail.h
 * (--progress=lines, read by the interface).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <termios.h>
#include <unistd.h>

#include "../imap/run.h"
#include "cli.h"

struct sync_ui {
	struct cli *cli;
	bool tty;
	bool quiet;
	bool lines; /* --progress=lines: one protocol line per event on stdout */
	bool progress_shown;
	/* Passwords typed at the prompt, one per account, kept in memory for
	 * this run only so that the sync's connection, the mirror's and
	 * --watch's all ask once; wiped by forget_passwords. */
	struct typed_password {
		char *account;
		char *secret;
	} * typed;
	size_t n_typed;
};

static void
clear_progress(struct sync_ui *ui)
{
	if (ui->progress_shown) {
		fprintf(stderr, "\r\033[K");
		ui->progress_shown = false;
	}
}

static void
wipe_secret(char **secret)
{
	if (*secret != NULL) {
		explicit_bzero(*secret, strlen(*secret));
		free(*secret);
		*secret = NULL;
	}
}

/* Forgets the password typed for account (every account when NULL): the
 * server turned it down, or the run is over. */
static void
forget_passwords(struct sync_ui *ui, const char *account)
{
	size_t kept = 0;

	for (size_t i = 0; i < ui->n_typed; i++) {
		if (account != NULL && strcmp(ui->typed[i].account, account) != 0) {
			ui->typed[kept++] = ui->typed[i];
			continue;
		}
		wipe_secret(&ui->typed[i].secret);
		free(ui->typed[i].account);
	}
	ui->n_typed = kept;
	if (kept == 0) {
		free(ui->typed);
		ui->typed = NULL;
	}
}

/* Keeps what was typed for acct; out of memory only means asking again. */
static void
keep_password(struct sync_ui *ui, const char *account, const char *secret)
{
	struct typed_password *t = realloc(ui->typed, (ui->n_typed + 1) * sizeof *t);
	char *name, *copy;

	if (t == NULL)
		return;
	ui->typed = t;
	if ((name = strdup(account)) == NULL)
		return;
	if ((copy = strdup(secret)) == NULL) {
		free(name);
		return;
	}
	ui->typed[ui->n_typed++] = (struct typed_password){ name, copy };
}

/* The password from the terminal, echo off; never from a pipe. Asked once
 * per account and run: later connections (the mirror's, --watch's rounds)
 * get the same answer unless the server turned it down. */
static vt_status
ask_password(void *ctx, const struct mail_imap_account *acct, char *buf, size_t len,
	     struct vt_error *err)
{
	struct sync_ui *ui = ctx;
	struct termios old, quiet;
	FILE *tty;
	bool restored = false;
	char *user, *host;

	for (size_t i = 0; i < ui->n_typed; i++) {
		size_t n = strlen(ui->typed[i].secret);

		if (strcmp(ui->typed[i].account, acct->name) == 0 && n < len) {
			memcpy(buf, ui->typed[i].secret, n + 1);
			return VT_OK;
		}
	}
	user = cli_text(acct->user);
	host = cli_text(acct->host);
	clear_progress(ui);
	if (!isatty(STDIN_FILENO) || (tty = fopen("/dev/tty", "r+")) == NULL) {
		free(user);
		free(host);
		return vt_fail(err, VT_ERR_AUTH,
			       "[account %s] has no password_command and there is no terminal "
			       "to ask for the password on",
			       acct->name);
	}
	fprintf(tty, "Password for %s at %s (account %s): ", user ? user : "?", host ? host : "?",
		acct->name);
	fflush(tty);
	free(user);
	free(host);
	if (tcgetattr(fileno(tty), &old) == 0) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
		quiet.c_lflag |= ICANON;
		restored = tcsetattr(fileno(tty), TCSAFLUSH, &quiet) == 0;
	}
	if (fgets(buf, (int)len, tty) == NULL)
		buf[0] = '\0';
	if (restored)
		tcsetattr(fileno(tty), TCSAFLUSH, &old);
	fputc('\n', tty);
	fclose(tty);
	buf[strcspn(buf, "\r\n")] = '\0';
	if (buf[0] == '\0')
		return vt_fail(err, VT_ERR_AUTH, "[account %s]: no password given", acct->name);
	keep_password(ui, acct->name, buf);
	return VT_OK;
}

static void
on_progress(void *ctx, const struct mail_sync_progress *p)
{
	struct sync_ui *ui = ctx;
	char *folder;

	if (ui->lines) {
		cli_progress(ui->cli, &(struct mail_progress_event){ .kind = MAIL_PROGRESS_FETCH,
								     .fetched = p->fetched,
								     .to_fetch = p->to_fetch,
								     .account = p->account,
								     .folder = p->folder });
		return;
	}
	if (!ui->tty || ui->quiet)
		return;
	folder = cli_text(p->folder);
	fprintf(stderr, "\r\033[KSyncing %s/%s (folder %u/%u): %u/%u new messages, %.1f MB",
		p->account, folder ? folder : "?", p->folder_index, p->n_folders, p->fetched,
		p->to_fetch, p->bytes / 1e6);
	free(folder);
	ui->progress_shown = true;
}

static void
on_folder_done(void *ctx, const char *account, const char *folder, const struct mail_sync_stats *st,
	       const struct vt_error *err)
{
	struct sync_ui *ui = ctx;
	char *clean, *context;

	(void)st;
	if (err == NULL)
		return;
	if (ui->lines) {
		cli_progress(ui->cli, &(struct mail_progress_event){
					      .kind = MAIL_PROGRESS_FOLDER_FAILED,
					      .status = err->status,
					      .account = account,
					      .folder = folder,
					      .text = err->msg[0] ? err->msg
								  : vt_status_name(err->status) });
		return;
	}
	clear_progress(ui);
	clean = cli_text(folder);
	if (asprintf(&context, "sync %s/%s", account, clean ? clean : "?") < 0)
		context = NULL;
	cli_print_error(context ? context : "sync", err);
	free(context);
	free(clean);
}

static void
on_folder_gone(void *ctx, const char *account, const char *folder, const char *local)
{
	struct sync_ui *ui = ctx;
	char *name = cli_text(folder), *where = cli_text(local);

	/* (the round's summary counts it: the interface's line says so) */
	if (!ui->lines && !ui->quiet) {
		clear_progress(ui);
		fprintf(stderr,
			"vtriage: sync %s: folder \"%s\" is no longer on the server's list (deleted,"
			" renamed or unsubscribed there, or left out of folders =); its mail stays"
			" in %s, no longer synced\n",
			account, name ? name : "?", where ? where : "?");
	}
	free(where);
	free(name);
}

static void
on_index_warning(void *ctx, const char *path, const char *why)
{
	char *clean = cli_text(path), *said = cli_text(why);

	clear_progress(ctx);
	fprintf(stderr, "vtriage: warning: %s: %s\n", clean ? clean : "?", said ? said : "?");
	free(said);
	free(clean);
}

/* "vtriage: sync ACCOUNT: why" on stderr ("vtriage: why" when no
 * account's), or an error event. */
static void
on_failed(void *ctx, enum vt_sync_stage stage, const char *account, const struct vt_error *err)
{
	static const char *const stage_names[] = {
		[VT_SYNC_STAGE_SYNC] = "sync",
		[VT_SYNC_STAGE_INDEX] = "index",
		[VT_SYNC_STAGE_MIRROR] = "mirror",
		[VT_SYNC_STAGE_WATCH] = "watch",
	};
	struct sync_ui *ui = ctx;
	char *context = NULL;

	clear_progress(ui);
	if (err->status == VT_ERR_AUTH && account != NULL) /* asked for again */
		forget_passwords(ui, account);
	if (ui->lines) {
		cli_progress(ui->cli, &(struct mail_progress_event){
					      .kind = MAIL_PROGRESS_ERROR,
					      .status = err->status,
					      .stage = stage_names[stage],
					      .account = account,
					      .text = err->msg[0] ? err->msg
								  : vt_status_name(err->status) });
		return;
	}
	if (account != NULL && asprintf(&context, "%s %s", stage_names[stage], account) < 0)
		context = NULL;
	cli_print_error(context, err);
	free(context);
}

static void
on_indexing(void *ctx)
{
	struct sync_ui *ui = ctx;

	if (ui->lines) /* the interface holds back its own index writes */
		cli_progress(ui->cli,
			     &(struct mail_progress_event){ .kind = MAIL_PROGRESS_INDEXING });
}

static void
on_mirrored(void *ctx, const char *account, const char *vendor, const struct mail_mirror_result *r)
{
	struct sync_ui *ui = ctx;
	FILE *out = ui->cli->out;
	char *box, *name;

	if (ui->lines || ui->quiet || ui->cli->format == CLI_JSON)
		return;
	clear_progress(ui);
	box = cli_text(r->mailbox);
	name = cli_text(vendor);
	fprintf(out, "Mirror %s: %s: %u moved to %s", account, name ? name : "?", r->moved,
		box ? box : "?");
	if (r->kept)
		fprintf(out, ", %u kept where %s (%s)", r->kept,
			r->kept == 1 ? "it was" : "they were",
			r->unsupported ? "the server offers neither MOVE nor UIDPLUS"
				       : "no verified copy, or no Message-ID");
	fprintf(out, ".\n");
	free(box);
	free(name);
}

/* What a round did, in a sentence (ends with ".\n"). */
static void
write_summary(FILE *out, const struct vt_sync_round *r)
{
	const struct mail_sync_stats *st = &r->stats;
	const struct vt_index_report *idx = r->index;
	unsigned accounts = r->accounts;
	char bytes[32];

	mail_format_bytes(st->bytes, bytes, sizeof bytes);
	fprintf(out,
		"Synced %u folder%s of %u account%s in %.1f s: %u new message%s (%s), "
		"flags %u up, %u down, %u removed",
		st->folders, st->folders == 1 ? "" : "s", accounts, accounts == 1 ? "" : "s",
		st->elapsed, st->fetched, st->fetched == 1 ? "" : "s", bytes, st->flags_pushed,
		st->flags_pulled, st->removed);
	if (st->relinked)
		fprintf(out, ", %u kept across a UIDVALIDITY change", st->relinked);
	if (st->replaced)
		fprintf(out, ", %u replaced by the server's changed copy", st->replaced);
	if (st->orphaned)
		fprintf(out, ", %u no longer on the server (kept here, unsynced)", st->orphaned);
	if (st->folders_gone)
		fprintf(out, ", %u folder%s no longer on the server (kept here, unsynced)",
			st->folders_gone, st->folders_gone == 1 ? "" : "s");
	if (st->missing)
		fprintf(out, ", %u deleted here only", st->missing);
	if (st->unfetched)
		fprintf(out, ", %u NOT FETCHED", st->unfetched);
	if (st->mirrored || st->mirror_kept)
		fprintf(out, ", %u moved to vendor folders", st->mirrored);
	if (st->mirror_kept)
		fprintf(out, " (%u kept in place)", st->mirror_kept);
	if (st->trashed)
		fprintf(out, ", %u deleted here moved to the server's trash", st->trashed);
	if (st->sent_uploaded)
		fprintf(out, ", %u sent here copied to the server's Sent", st->sent_uploaded);
	if (st->folders_failed)
		fprintf(out, "; %u folder%s FAILED", st->folders_failed,
			st->folders_failed == 1 ? "" : "s");
	if (r->accounts_failed)
		fprintf(out, "; %u account%s FAILED", r->accounts_failed,
			r->accounts_failed == 1 ? "" : "s");
	if (idx)
		fprintf(out, "; indexed %u new message%s (%u new vendor%s)", idx->mail.added,
			idx->mail.added == 1 ? "" : "s", idx->vendors_new,
			idx->vendors_new == 1 ? "" : "s");
	fprintf(out, ".\n");
}

static void
on_round_done(void *ctx, const struct vt_sync_round *r)
{
	struct sync_ui *ui = ctx;
	struct cli *cli = ui->cli;
	const struct mail_sync_stats *st = &r->stats;
	const struct vt_index_report *idx = r->index;
	unsigned accounts = r->accounts;

	clear_progress(ui);
	if (ui->lines) {
		struct cli_summary sum;
		FILE *f = cli_summary_begin(&sum);

		if (f != NULL)
			write_summary(f, r);
		cli_summary_send(cli, &sum);
		return;
	}
	if (ui->quiet)
		return;
	if (cli->format == CLI_TEXT) {
		write_summary(cli->out, r);
		fflush(cli->out); /* a watch goes on */
		return;
	}
	json_t *o = json_pack(
		"{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:f}",
		"accounts", (json_int_t)accounts, "folders", (json_int_t)st->folders,
		"folders_failed", (json_int_t)st->folders_failed, "fetched",
		(json_int_t)st->fetched, "bytes", (json_int_t)st->bytes, "flags_pushed",
		(json_int_t)st->flags_pushed, "flags_pulled", (json_int_t)st->flags_pulled,
		"removed", (json_int_t)st->removed, "relinked", (json_int_t)st->relinked,
		"replaced", (json_int_t)st->replaced, "orphaned", (json_int_t)st->orphaned,
		"folders_gone", (json_int_t)st->folders_gone, "indexed",
		(json_int_t)(idx ? idx->mail.added : 0), "mirrored", (json_int_t)st->mirrored,
		"mirror_kept", (json_int_t)st->mirror_kept, "unfetched", (json_int_t)st->unfetched,
		"trashed", (json_int_t)st->trashed, "sent_uploaded", (json_int_t)st->sent_uploaded,
		"seconds", st->elapsed);
	cli_json_print(cli, o);
	json_decref(o);
	fflush(cli->out);
}

static void
on_waiting(void *ctx, const char *account)
{
	struct sync_ui *ui = ctx;

	if (ui->lines)
		cli_progress(ui->cli, &(struct mail_progress_event){ .kind = MAIL_PROGRESS_IDLE,
								     .account = account });
	else if (ui->tty && !ui->quiet)
		fprintf(stderr, "Waiting for new mail in %s/INBOX (IDLE)...\n", account);
}

/* On stderr in every mode: the watch goes on, nothing failed yet. */
static void
on_reconnecting(void *ctx, const struct vt_error *err, unsigned seconds)
{
	char *clean = cli_text(err->msg);

	(void)ctx;
	fprintf(stderr, "vtriage: sync --watch: %s; trying again in %u s\n", clean ? clean : "",
		seconds);
	free(clean);
}

/* This process holds passwords (typed, or from password_command): no
 * core dump may carry them to disk, and no other process of the user's
 * may read its memory (ptrace, /proc/PID/mem). Before anything secret
 * is read. */
static void
keep_secrets_in(void)
{
	const struct rlimit none = { 0, 0 };

	setrlimit(RLIMIT_CORE, &none);
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

int
cmd_sync(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	const char *no_index = NULL, *quiet = NULL, *progress = NULL, *no_mirror = NULL;
	const char *watch = NULL;
	const struct cli_option options[] = {
		{ "no-index", false, &no_index }, { "no-mirror", false, &no_mirror },
		{ "quiet", false, &quiet },       { "progress", true, &progress },
		{ "watch", false, &watch },       { 0 },
	};
	struct sync_ui ui = { .cli = cli, .tty = isatty(STDERR_FILENO) };
	const struct vt_sync_hooks hooks = {
		.imap = { .ctx = &ui,
			  .password = ask_password,
			  .progress = on_progress,
			  .folder_done = on_folder_done,
			  .folder_gone = on_folder_gone },
		.failed = on_failed,
		.indexing = on_indexing,
		.index_warning = on_index_warning,
		.mirrored = on_mirrored,
		.round_done = on_round_done,
		.waiting = on_waiting,
		.reconnecting = on_reconnecting,
	};
	struct mail_imap_account **accts = NULL;
	struct vt_error err = { 0 };
	size_t n_accts = 0;
	int n;
	vt_status rc;

	keep_secrets_in();
	n = cli_parse_options(cli, self, argc, argv, options);
	if (n < 0)
		return n == -2 ? 0 : 2;
	ui.quiet = quiet != NULL;
	if (progress != NULL && strcmp(progress, "lines") != 0)
		return cli_usage_error(cli, "--progress takes 'lines'");
	ui.lines = progress != NULL;
	if ((rc = cli_load_config(cli, &err)) != VT_OK)
		return cli_error(&err);
	/* every account named (or all), all parsed before any connection */
	if ((rc = vt_sync_accounts_load(cli->cfg, argv, (size_t)n, &accts, &n_accts, &err)) !=
	    VT_OK)
		return cli_error(&err);
	rc = vt_sync_run(&(struct vt_sync_request){
		.cfg = cli->cfg,
		.db = &cli->db,
		.store = &cli->store,
		.accts = accts,
		.n_accts = n_accts,
		.named = n > 0,
		.no_index = no_index != NULL,
		.no_mirror = no_mirror != NULL,
		.watch = watch != NULL,
		.interrupted = &cli_interrupted,
		.wake = &cli_wake,
		.wake_signal = SIGUSR1,
		.hooks = &hooks,
	});
	forget_passwords(&ui, NULL);
	vt_sync_accounts_free(&accts, n_accts);
	return vt_status_exit_code(rc);
}
