/* vtriage sync: fetch mail over IMAP into the Maildir, then index it. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "../mail/imap.h"
#include "cli.h"

struct sync_ui {
	struct cli *cli;
	bool tty;
	bool quiet;
	bool lines; /* --progress=lines: one line per event on stdout */
	bool progress_shown;
	const char *account;
	/* Passwords typed at the prompt, one per account, kept in memory for
	 * this run only so that the sync's connection, the mirror's and
	 * --watch's all ask once; wiped by forget_passwords. */
	struct typed_password {
		char *account;
		char *secret;
	} *typed;
	size_t n_typed;
};

/* --progress=lines: tab-separated fields, text made safe (tabs, newlines
 * and escapes cannot survive sanitising), flushed at once for the reader
 * at the other end of the pipe (the interface, tui/background.h). */
static void
event_line(struct sync_ui *ui, const char *kind, const char *const *texts, size_t n)
{
	fputs(kind, ui->cli->out);
	for (size_t i = 0; i < n; i++) {
		char *clean = cli_text(texts[i]);

		fprintf(ui->cli->out, "\t%s", clean ? clean : "?");
		free(clean);
	}
	fputc('\n', ui->cli->out);
	fflush(ui->cli->out);
}

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
			       "to ask for the password on", acct->name);
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
		char head[64];

		snprintf(head, sizeof head, "progress\t%u\t%u", p->fetched, p->to_fetch);
		event_line(ui, head, (const char *const[]){ p->account, p->folder }, 2);
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

/* "vtriage: WHAT ACCOUNT: message" */
static void
print_account_error(const char *what, const char *account, const struct vt_error *err)
{
	char *context = NULL;

	if (asprintf(&context, "%s %s", what, account) < 0)
		context = NULL;
	cli_print_error(context ? context : what, err);
	free(context);
}

static void
on_folder_done(void *ctx, const char *account, const char *folder,
	       const struct mail_sync_stats *st, const struct vt_error *err)
{
	struct sync_ui *ui = ctx;
	char *clean, *context;

	(void)st;
	if (err == NULL)
		return;
	if (ui->lines) {
		event_line(ui, "folder-failed",
			   (const char *const[]){ account, folder,
						  err->msg[0] ? err->msg : vt_status_name(err->status) },
			   3);
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
on_index_warning(void *ctx, const char *path, const char *why)
{
	char *clean = cli_text(path);

	clear_progress(ctx);
	fprintf(stderr, "vtriage: warning: %s: %s\n", clean ? clean : "?", why);
	free(clean);
}

/* The [account NAME] lines of one account, in file order. */
static vt_status
load_account(const struct vt_config *cfg, const char *name, struct mail_imap_account **out,
	     struct vt_error *err)
{
	struct mail_imap_setting *settings = calloc(cfg->n_entries + 1, sizeof *settings);
	size_t n = 0;
	vt_status rc;

	if (settings == NULL)
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	for (size_t i = 0; i < cfg->n_entries; i++) {
		const struct vt_config_entry *e = &cfg->entries[i];

		if (strcmp(e->section, "account") == 0 && e->name && strcmp(e->name, name) == 0)
			settings[n++] = (struct mail_imap_setting){ e->key, e->value, e->line };
	}
	rc = mail_imap_account_parse(cfg->path, name, settings, n, out, err);
	free(settings);
	return rc;
}

static void
format_bytes(uint64_t b, char *out, size_t len)
{
	if (b >= 1000000)
		snprintf(out, len, "%.1f MB", b / 1e6);
	else if (b >= 1000)
		snprintf(out, len, "%.1f kB", b / 1e3);
	else
		snprintf(out, len, "%u bytes", (unsigned)b);
}

static void
print_summary(struct cli *cli, const struct mail_sync_stats *st, unsigned accounts,
	      const struct vt_index_report *idx)
{
	char bytes[32];

	if (cli->format == CLI_JSON) {
		json_t *o = json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:f}",
				      "accounts", (json_int_t)accounts,
				      "folders", (json_int_t)st->folders,
				      "folders_failed", (json_int_t)st->folders_failed,
				      "fetched", (json_int_t)st->fetched,
				      "bytes", (json_int_t)st->bytes,
				      "flags_pushed", (json_int_t)st->flags_pushed,
				      "flags_pulled", (json_int_t)st->flags_pulled,
				      "removed", (json_int_t)st->removed,
				      "relinked", (json_int_t)st->relinked,
				      "replaced", (json_int_t)st->replaced,
				      "orphaned", (json_int_t)st->orphaned,
				      "indexed", (json_int_t)(idx ? idx->mail.added : 0),
				      "mirrored", (json_int_t)st->mirrored,
				      "mirror_kept", (json_int_t)st->mirror_kept,
				      "seconds", st->elapsed);
		cli_json_print(cli, o);
		json_decref(o);
		return;
	}
	format_bytes(st->bytes, bytes, sizeof bytes);
	fprintf(cli->out,
		"Synced %u folder%s of %u account%s in %.1f s: %u new message%s (%s), "
		"flags %u up, %u down, %u removed",
		st->folders, st->folders == 1 ? "" : "s", accounts, accounts == 1 ? "" : "s",
		st->elapsed, st->fetched, st->fetched == 1 ? "" : "s", bytes, st->flags_pushed,
		st->flags_pulled, st->removed);
	if (st->relinked)
		fprintf(cli->out, ", %u kept across a UIDVALIDITY change", st->relinked);
	if (st->replaced)
		fprintf(cli->out, ", %u replaced by the server's changed copy", st->replaced);
	if (st->orphaned)
		fprintf(cli->out, ", %u no longer on the server (kept here, unsynced)", st->orphaned);
	if (st->missing)
		fprintf(cli->out, ", %u deleted here only", st->missing);
	if (st->mirrored || st->mirror_kept)
		fprintf(cli->out, ", %u moved to vendor folders", st->mirrored);
	if (st->mirror_kept)
		fprintf(cli->out, " (%u kept in place)", st->mirror_kept);
	if (st->folders_failed)
		fprintf(cli->out, "; %u folder%s FAILED", st->folders_failed,
			st->folders_failed == 1 ? "" : "s");
	if (idx)
		fprintf(cli->out, "; indexed %u new message%s (%u new vendor%s)", idx->mail.added,
			idx->mail.added == 1 ? "" : "s", idx->vendors_new,
			idx->vendors_new == 1 ? "" : "s");
	fprintf(cli->out, ".\n");
}

/* ---- [triage] mirror_folders: trusted vendors' server folders ---- */

struct path_vec {
	char **items;
	size_t count, cap;
	const char *db_root;   /* the index's mail root */
	const char *mail_root; /* the configured one, as sync writes it */
};

/* Index paths are under the index's (canonical) mail root: rebuilt under
 * the configured one, which is what the sync engine's paths start with. */
static vt_status
collect_path(void *ctx, const char *id, const char *path, struct vt_error *err)
{
	struct path_vec *v = ctx;
	size_t rl = strlen(v->db_root);
	char *copy;

	(void)id;
	if (v->count == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 64;
		char **g = realloc(v->items, cap * sizeof *g);

		if (g == NULL)
			return vt_fail(err, VT_ERR_NOMEM, "out of memory");
		v->items = g;
		v->cap = cap;
	}
	if (strncmp(path, v->db_root, rl) == 0 && path[rl] == '/') {
		if (asprintf(&copy, "%s%s", v->mail_root, path + rl) < 0)
			copy = NULL;
	} else
		copy = strdup(path);
	if (copy == NULL)
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	v->items[v->count++] = copy;
	return VT_OK;
}

static void
path_vec_clear(struct path_vec *v)
{
	for (size_t i = 0; i < v->count; i++)
		free(v->items[i]);
	free(v->items);
	v->items = NULL;
	v->count = v->cap = 0;
}

/*
 * Moves every trusted vendor's mail into its server folder Vendors/<Name>
 * on every account, records each pass in the vendor's history, and
 * indexes again (the moves are renames to the index: tags stay). Needs
 * the index open for writing. Returns an exit code (0: all went well).
 */
static int
mirror_vendors(struct cli *cli, struct sync_ui *ui, struct mail_imap_account **accts,
	       size_t n_accts, const struct mail_sync_hooks *hooks, struct mail_sync_stats *stats)
{
	struct vt_mirror_list list = { 0 };
	struct mail_mirror_vendor *mv = NULL;
	struct mail_mirror_result *res = NULL;
	struct path_vec *paths = NULL;
	bool *failed = NULL;
	unsigned moved_total = 0;
	struct vt_error err = { 0 };
	int exit_code = 0;
	vt_status rc;

	if ((rc = vt_mirror_vendors(cli->store, &list, &err)) != VT_OK)
		return cli_error(&err);
	if (list.count == 0)
		return 0;
	mv = calloc(list.count, sizeof *mv);
	res = calloc(list.count, sizeof *res);
	paths = calloc(list.count, sizeof *paths);
	failed = calloc(list.count, sizeof *failed);
	if (mv == NULL || res == NULL || paths == NULL || failed == NULL) {
		exit_code = cli_error(&(struct vt_error){ VT_ERR_NOMEM, "out of memory" });
		goto out;
	}
	for (size_t i = 0; i < list.count; i++) {
		paths[i].db_root = mail_db_mail_root(cli->db);
		paths[i].mail_root = cli->cfg->maildir;
		if ((rc = mail_for_each_file(cli->db, list.items[i].query, collect_path, &paths[i],
					     &err)) != VT_OK) {
			exit_code = cli_error(&err);
			goto out;
		}
		mv[i] = (struct mail_mirror_vendor){ .key = list.items[i].slug,
						     .name = list.items[i].name,
						     .paths = (const char *const *)paths[i].items,
						     .n_paths = paths[i].count };
	}
	for (size_t a = 0; a < n_accts && !cli_interrupted; a++) {
		struct mail_sync_options opts = { .mail_root = cli->cfg->maildir,
						  .data_dir = cli->cfg->data_dir,
						  .interrupted = &cli_interrupted };
		struct vt_error aerr = { 0 };

		rc = mail_mirror_account(accts[a], &opts, hooks, mv, list.count, res, &aerr);
		clear_progress(ui);
		if (rc == VT_ERR_AUTH)
			forget_passwords(ui, accts[a]->name);
		if (rc != VT_OK) {
			if (!ui->lines)
				print_account_error("mirror", accts[a]->name, &aerr);
			if (exit_code == 0)
				exit_code = vt_status_exit_code(rc);
		}
		for (size_t i = 0; i < list.count; i++) {
			struct mail_mirror_result *r = &res[i];
			char summary[768], *box = cli_text(r->mailbox), *name = cli_text(mv[i].name);

			/* the first pass is done when nothing was left behind */
			failed[i] = failed[i] || r->failed || r->kept || rc == VT_ERR_INTERRUPTED ||
				    (rc != VT_OK && r->found == 0 && r->moved == 0);
			stats->mirrored += r->moved;
			stats->mirror_kept += r->kept;
			moved_total += r->moved;
			if (r->moved || r->kept || r->created) {
				snprintf(summary, sizeof summary,
					 "mirrored %s: %u message%s moved to %s on account %s%s%s%s",
					 mv[i].name, r->moved, r->moved == 1 ? "" : "s", r->mailbox,
					 accts[a]->name, r->kept ? ", " : "",
					 r->kept ? "some kept in place" : "",
					 r->unsupported ? " (the server offers neither MOVE nor UIDPLUS)"
							: "");
				if ((rc = vt_mirror_record(cli->store, list.items[i].id, r->mailbox,
							   r->moved, summary, false, &err)) != VT_OK &&
				    exit_code == 0)
					exit_code = cli_error(&err);
				if (!ui->lines && !ui->quiet && cli->format != CLI_JSON) {
					fprintf(cli->out, "Mirror %s: %s: %u moved to %s", accts[a]->name,
						name ? name : "?", r->moved, box ? box : "?");
					if (r->kept)
						fprintf(cli->out, ", %u kept where %s (%s)", r->kept,
							r->kept == 1 ? "it was" : "they were",
							r->unsupported
								? "the server offers neither MOVE nor UIDPLUS"
								: "no verified copy, or no Message-ID");
					fprintf(cli->out, ".\n");
				}
			}
			free(box);
			free(name);
		}
	}
	/* a first pass done everywhere: the queued job is done */
	for (size_t i = 0; i < list.count && !cli_interrupted; i++)
		if (list.items[i].queued && !failed[i] &&
		    (rc = vt_mirror_record(cli->store, list.items[i].id, NULL, 0, NULL, true, &err)) !=
			    VT_OK &&
		    exit_code == 0)
			exit_code = cli_error(&err);
	if (moved_total && !cli_interrupted) {
		struct vt_index_ui iui = { .ctx = ui, .warning = on_index_warning };
		struct vt_index_report again;

		if ((rc = vt_index(cli->store, cli->db, cli->cfg, false, &cli_interrupted, &iui, &again,
				   &err)) != VT_OK &&
		    exit_code == 0)
			exit_code = cli_error(&err);
	}
out:
	for (size_t i = 0; paths && i < list.count; i++)
		path_vec_clear(&paths[i]);
	free(paths);
	free(mv);
	free(res);
	free(failed);
	vt_mirror_list_clear(&list);
	return exit_code;
}

/* ---- --watch: IDLE on INBOX between rounds ---------------------------- */

#define WATCH_IDLE_SECONDS (29 * 60) /* servers end an IDLE after 30 minutes */
#define WATCH_RETRY_SECONDS 30       /* after a lost connection */

struct watch {
	struct mail_imap_account **accts;
	size_t n_accts;
	const struct mail_sync_hooks *hooks;
	struct mail_imap_idle **sessions;
	size_t *acct_of; /* sessions[k] waits on the INBOX of accts[acct_of[k]] */
	bool *changed;   /* per session, from the last wait */
	bool *sync;      /* per account: to sync in the next round */
	size_t n;
	/* SIGUSR1 (sync now) is blocked but while waiting, where an EINTR
	 * breaks nothing: a signal during a round waits for its end, and
	 * any number of them make one more round. */
	bool masked;
	sigset_t saved_mask; /* the mask before the watch */
	sigset_t open_mask;  /* the same without SIGUSR1: while waiting */
};

static void
watch_block_signals(struct watch *w)
{
	sigset_t usr1;

	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	if (sigprocmask(SIG_BLOCK, &usr1, &w->saved_mask) != 0)
		return;
	w->open_mask = w->saved_mask;
	sigdelset(&w->open_mask, SIGUSR1);
	w->masked = true;
}

static void
watch_restore_signals(struct watch *w)
{
	if (w->masked)
		sigprocmask(SIG_SETMASK, &w->saved_mask, NULL);
	w->masked = false;
}

/* A SIGUSR1 that came while it was blocked: its handler runs now (no
 * I/O in between to interrupt) and sets cli_wake. */
static void
watch_take_signals(struct watch *w)
{
	sigset_t old;

	if (w->masked && sigprocmask(SIG_SETMASK, &w->open_mask, &old) == 0)
		sigprocmask(SIG_SETMASK, &old, NULL);
}

static void
watch_close_sessions(struct watch *w)
{
	for (size_t k = 0; k < w->n; k++)
		mail_imap_idle_close(&w->sessions[k]);
}

static vt_status
watch_open_sessions(struct watch *w, struct vt_error *err)
{
	for (size_t k = 0; k < w->n; k++) {
		vt_status rc = mail_imap_idle_open(w->accts[w->acct_of[k]], "INBOX", w->hooks,
						   &w->sessions[k], err);

		if (rc != VT_OK) {
			watch_close_sessions(w);
			return rc;
		}
	}
	return VT_OK;
}

/* The accounts to wait on: those named, else those with idle = yes, else
 * all. Sessions open before the first round, so that mail arriving while
 * it runs is reported by the first wait. */
static vt_status
watch_open(struct watch *w, struct mail_imap_account **accts, size_t n_accts, bool named,
	   const struct mail_sync_hooks *hooks, struct vt_error *err)
{
	bool some_idle = false;

	w->accts = accts;
	w->n_accts = n_accts;
	w->hooks = hooks;
	w->sessions = calloc(n_accts, sizeof *w->sessions);
	w->acct_of = calloc(n_accts, sizeof *w->acct_of);
	w->changed = calloc(n_accts, sizeof *w->changed);
	w->sync = calloc(n_accts, sizeof *w->sync);
	if (!w->sessions || !w->acct_of || !w->changed || !w->sync)
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	watch_block_signals(w);
	for (size_t i = 0; i < n_accts; i++) {
		some_idle = some_idle || accts[i]->idle;
		w->sync[i] = true;
	}
	for (size_t i = 0; i < n_accts; i++)
		if (named || !some_idle || accts[i]->idle)
			w->acct_of[w->n++] = i;
	return watch_open_sessions(w, err);
}

static void
watch_free(struct watch *w)
{
	watch_close_sessions(w);
	free(w->sessions);
	free(w->acct_of);
	free(w->changed);
	free(w->sync);
	watch_restore_signals(w);
}

/* limit, or less when the environment variable name says so: the tests'
 * way to see IDLE renewed (VTRIAGE_IDLE_SECONDS) and a lost connection
 * tried again (VTRIAGE_RETRY_SECONDS) without waiting for minutes. */
static unsigned
seconds_at_most(const char *name, unsigned limit)
{
	const char *env = getenv(name);
	long v = env ? strtol(env, NULL, 10) : 0;

	return v > 0 && v < (long)limit ? (unsigned)v : limit;
}

/* Sleeps up to seconds, less after SIGUSR1 (which it takes in); false
 * when a signal asked us to stop. */
static bool
watch_pause(struct watch *w, unsigned seconds)
{
	sigset_t old;
	bool opened = w->masked && sigprocmask(SIG_SETMASK, &w->open_mask, &old) == 0;

	for (unsigned i = 0; i < seconds * 10 && !cli_interrupted && !cli_wake; i++)
		usleep(100 * 1000);
	if (opened)
		sigprocmask(SIG_SETMASK, &old, NULL);
	return !cli_interrupted;
}

/*
 * Waits for the servers; true when a round of sync should follow (w->sync
 * says which accounts), false when SIGINT or SIGTERM ends the watch.
 * SIGUSR1 (cli_wake) ends the wait with a round of every watched account,
 * at once or, when it came during a round, right after it. A lost
 * connection is reported, retried every WATCH_RETRY_SECONDS (SIGUSR1:
 * now), and followed by a round of every account (to catch up).
 */
static bool
watch_next(struct watch *w, struct sync_ui *ui)
{
	for (;;) {
		struct vt_error err = { 0 };
		vt_status rc;
		bool any = false;

		struct mail_imap_idle_stop stop = { .interrupted = &cli_interrupted,
						    .wake = &cli_wake,
						    .poll_mask = w->masked ? &w->open_mask : NULL };

		watch_take_signals(w);
		if (cli_interrupted)
			return false;
		if (cli_wake) { /* asked for: sync now, however often asked */
			cli_wake = 0;
			for (size_t k = 0; k < w->n; k++)
				w->sync[w->acct_of[k]] = true;
			return true;
		}
		for (size_t k = 0; k < w->n; k++) {
			const char *name = w->accts[w->acct_of[k]]->name;

			if (ui->lines)
				event_line(ui, "idle", &name, 1);
			else if (ui->tty && !ui->quiet)
				fprintf(stderr, "Waiting for new mail in %s/INBOX (IDLE)...\n", name);
		}
		rc = mail_imap_idle_wait(w->sessions, w->n,
					 seconds_at_most("VTRIAGE_IDLE_SECONDS", WATCH_IDLE_SECONDS),
					 &stop, w->changed, &err);
		if (rc == VT_ERR_INTERRUPTED || cli_interrupted)
			return false;
		for (size_t k = 0; rc == VT_OK && k < w->n; k++)
			if (w->changed[k])
				any = w->sync[w->acct_of[k]] = true;
		if (rc == VT_OK && any && !cli_wake)
			return true;
		if (rc == VT_OK) /* SIGUSR1: taken above, with what changed; */
			continue; /* or quiet for WATCH_IDLE_SECONDS: IDLE again */
		for (;;) {
			unsigned retry = seconds_at_most("VTRIAGE_RETRY_SECONDS", WATCH_RETRY_SECONDS);
			char *clean = cli_text(err.msg);

			fprintf(stderr, "vtriage: sync --watch: %s; trying again in %u s\n",
				clean ? clean : "", retry);
			free(clean);
			watch_close_sessions(w);
			if (!watch_pause(w, retry))
				return false;
			cli_wake = 0; /* asked for now: this attempt and the round after it */
			if (watch_open_sessions(w, &err) == VT_OK)
				break;
		}
		for (size_t i = 0; i < w->n_accts; i++)
			w->sync[i] = true;
		return true;
	}
}

int
cmd_sync(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	const char *no_index = NULL, *quiet = NULL, *progress = NULL, *no_mirror = NULL;
	const char *watch = NULL;
	struct watch w = { 0 };
	const struct cli_option options[] = {
		{ "no-index", false, &no_index },
		{ "no-mirror", false, &no_mirror },
		{ "quiet", false, &quiet },
		{ "progress", true, &progress },
		{ "watch", false, &watch },
		{ 0 },
	};
	struct sync_ui ui = { .cli = cli, .tty = isatty(STDERR_FILENO) };
	struct mail_sync_hooks hooks = { .ctx = &ui, .password = ask_password,
					 .progress = on_progress, .folder_done = on_folder_done };
	struct mail_imap_account **accts = NULL;
	struct mail_sync_stats stats = { 0 };
	struct vt_index_report report;
	struct vt_error err = { 0 };
	size_t n_accts = 0;
	int n, exit_code = 0;
	vt_status rc;

	n = cli_parse_options(cli, self, argc, argv, options);
	if (n < 0)
		return n == -2 ? 0 : 2;
	ui.quiet = quiet != NULL;
	if (progress != NULL && strcmp(progress, "lines") != 0)
		return cli_usage_error(cli, "--progress takes 'lines'");
	ui.lines = progress != NULL;
	if (cli->cfg == NULL && (rc = vt_config_load(cli->config_path, &cli->cfg, &err)) != VT_OK)
		return cli_error(&err);
	if ((accts = calloc(cli->cfg->n_entries + (size_t)n + 1, sizeof *accts)) == NULL)
		return cli_error(&(struct vt_error){ VT_ERR_NOMEM, "out of memory" });

	/* Every account named (or all), all parsed before any connection. */
	if (n > 0) {
		for (int i = 0; i < n; i++) {
			if (!vt_config_has_account(cli->cfg, argv[i], cli->cfg->n_entries)) {
				char *clean = cli_text(argv[i]);

				vt_fail(&err, VT_ERR_NOT_FOUND, "no [account %s] in %s", clean,
					cli->cfg->path ? cli->cfg->path : "the configuration");
				free(clean);
				goto fail;
			}
			if ((rc = load_account(cli->cfg, argv[i], &accts[n_accts], &err)) != VT_OK)
				goto fail;
			n_accts++;
		}
	} else {
		for (size_t i = 0; i < cli->cfg->n_entries; i++) {
			const struct vt_config_entry *e = &cli->cfg->entries[i];

			if (strcmp(e->section, "account") != 0 || e->name == NULL ||
			    vt_config_has_account(cli->cfg, e->name, i))
				continue;
			if ((rc = load_account(cli->cfg, e->name, &accts[n_accts], &err)) != VT_OK)
				goto fail;
			n_accts++;
		}
	}
	if (n_accts == 0) {
		vt_fail(&err, VT_ERR_CONFIG,
			"%s has no [account NAME] section: nothing to sync (see vtriage sync --help)",
			cli->cfg->path ? cli->cfg->path : "the configuration");
		goto fail;
	}
	if (watch != NULL && (rc = watch_open(&w, accts, n_accts, n > 0, &hooks, &err)) != VT_OK)
		goto fail;

again:	/* --watch: one more round each time the servers report a change */
	memset(&stats, 0, sizeof stats);
	if (no_index != NULL && strcmp(no_index, "failed") == 0)
		no_index = NULL; /* last round's index failure: try again */
	for (size_t i = 0; i < n_accts; i++) {
		struct mail_sync_options opts = {
			.mail_root = cli->cfg->maildir,
			.data_dir = cli->cfg->data_dir,
			.interrupted = &cli_interrupted,
		};
		struct vt_error aerr = { 0 };

		if (watch != NULL) {
			if (!w.sync[i])
				continue;
			w.sync[i] = false;
		}
		ui.account = accts[i]->name;
		rc = mail_sync_account(accts[i], &opts, &hooks, &stats, &aerr);
		clear_progress(&ui);
		if (rc == VT_ERR_AUTH) /* a wrong password is asked for again */
			forget_passwords(&ui, accts[i]->name);
		if (rc != VT_OK) {
			print_account_error("sync", accts[i]->name, &aerr);
			if (exit_code == 0)
				exit_code = vt_status_exit_code(rc);
			if (rc == VT_ERR_INTERRUPTED)
				break;
		}
	}

	/* What arrived is indexed even when a folder failed. */
	if (no_index == NULL && !cli_interrupted) {
		struct vt_index_ui iui = { .ctx = &ui, .warning = on_index_warning };

		if (ui.lines) /* the interface holds back its own index writes */
			event_line(&ui, "indexing", NULL, 0);
		if ((rc = cli_open(cli, MAIL_DB_READ_WRITE, &err)) != VT_OK ||
		    (rc = vt_index(cli->store, cli->db, cli->cfg, false, &cli_interrupted, &iui,
				   &report, &err)) != VT_OK) {
			int code = cli_error(&err);

			if (exit_code == 0)
				exit_code = code;
			no_index = "failed";
		}
	}
	/* Trusted vendors' server folders: after the index, which knows whose
	 * mail is whose. Never without mirror_folders = yes. */
	if (cli->cfg->mirror_folders && no_mirror == NULL && no_index == NULL && !cli_interrupted) {
		int code = mirror_vendors(cli, &ui, accts, n_accts, &hooks, &stats);

		if (exit_code == 0)
			exit_code = code;
	}
	/* The index is closed before the summary: the interface writes to it
	 * again once it reads that line. */
	mail_db_close(&cli->db);
	if (ui.lines) {
		enum cli_format format = cli->format;

		fputs("summary\t", cli->out);
		cli->format = CLI_TEXT;
		print_summary(cli, &stats, (unsigned)n_accts, no_index ? NULL : &report);
		cli->format = format;
		fflush(cli->out);
	} else if (!ui.quiet)
		print_summary(cli, &stats, (unsigned)n_accts, no_index ? NULL : &report);
	if (watch != NULL) {
		fflush(cli->out);
		if (watch_next(&w, &ui)) {
			exit_code = 0; /* each round reports its own failures */
			goto again;
		}
		exit_code = 0; /* ended by SIGINT or SIGTERM, as asked */
		watch_free(&w);
	}
	forget_passwords(&ui, NULL);
	for (size_t i = 0; i < n_accts; i++)
		mail_imap_account_free(&accts[i]);
	free(accts);
	return exit_code;
fail:
	forget_passwords(&ui, NULL);
	watch_free(&w);
	for (size_t i = 0; i < n_accts; i++)
		mail_imap_account_free(&accts[i]);
	free(accts);
	return cli_error(&err);
}
