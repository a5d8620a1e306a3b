/*
 * The background sync (`vtriage sync` as a child, tui/background.c) as
 * the interface drives it, and reloading what the screen shows after
 * the index or the store changed.
 */
#include "config.h"

#include <curses.h>
#include <errno.h>
#include <locale.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

#include "private.h"

/* ---- refreshing after a change ---- */

void
tui_open_query(struct tui *t, const char *query, const char *label)
{
	struct vt_error err = { 0 };
	char *q = strdup(query), *lb = strdup(label);

	if (q == NULL || lb == NULL ||
	    tui_threads_open(&t->threads, t->store, query, &err) != VT_OK) {
		tui_say(t, true, "%s", err.msg[0] ? err.msg : "out of memory");
		free(q);
		free(lb);
		return;
	}
	free(t->folder_query);
	free(t->folder_label);
	t->folder_query = q;
	t->folder_label = lb;
	t->tcur.sel = t->tcur.top = 0;
	t->need_count = true;
	t->need_marks = true;
	/* what waits: the longest waiting first, its age shown */
	if (strncmp(query, "waiting:", 8) == 0)
		tui_threads_sort(&t->threads, TUI_SORT_AGE);
}

/* The list shows a folder no longer there (its vendor demoted): its
 * mail stays in view, where an undo finds it again, under a title
 * that says so. */
static void
note_folder_gone(struct tui *t)
{
	static const char gone[] = " (no folder now)";
	size_t n = t->folder_label ? strlen(t->folder_label) : 0;
	char *label;

	if (n == 0 ||
	    (n > sizeof gone - 1 && strcmp(t->folder_label + n - (sizeof gone - 1), gone) == 0) ||
	    asprintf(&label, "%s%s", t->folder_label, gone) < 0)
		return;
	free(t->folder_label);
	t->folder_label = label;
}

void
tui_refresh_folders(struct tui *t)
{
	struct tui_folders fresh;
	struct vt_error err = { 0 };
	/* the folder the list shows (its place moves when one before it
	 * comes or goes), else the one a search was made from */
	bool shown = !t->searching && t->folder_query != NULL;
	char *label, *query = shown ? strdup(t->folder_query)
			      : t->fcur.sel < (long)t->folders.count
				      ? strdup(t->folders.items[t->fcur.sel].query)
				      : NULL;

	if (tui_folders_build(t->store, t->cfg, mail_db_mail_root(*t->db), &fresh, &err) != VT_OK) {
		tui_say(t, true, "%s", err.msg);
		free(query);
		return;
	}
	tui_folders_clear(&t->folders);
	t->folders = fresh;
	t->need_unread = true;
	tui_renewals_count(t);
	if (query != NULL) {
		long i = tui_folders_find(&t->folders, NULL, query);

		if (i >= 0) {
			t->fcur.sel = i;
			/* (its title as the folder has it: back after an undo) */
			if (shown && (label = strdup(t->folders.items[i].label)) != NULL) {
				free(t->folder_label);
				t->folder_label = label;
			}
		} else if (shown)
			note_folder_gone(t);
	}
	free(query);
	tui_cursor_fix(&t->fcur);
}

/* After a triage action: buckets, marks and panes may all have moved. */
void
tui_refresh_after_change(struct tui *t)
{
	struct vt_error err = { 0 };
	long sel = t->tcur.sel, top = t->tcur.top, at;
	const char *loaded = tui_threads_loaded_id(&t->threads, sel);
	char *selected = loaded ? strdup(loaded) : NULL, *query, *label;

	tui_refresh_folders(t);
	query = t->folder_query ? strdup(t->folder_query) : NULL;
	label = t->folder_label ? strdup(t->folder_label) : NULL;
	if (query != NULL && label != NULL) {
		tui_open_query(t, query, label);
		t->tcur.sel = sel;
		t->tcur.top = top;
		/* the same thread stays selected, on the same screen line,
		 * when mail came above it: the next key acts on what the
		 * user chose (a thread gone leaves its row to the next) */
		at = tui_threads_find_near(&t->threads, *t->db, selected, sel, &err);
		if (at >= 0) {
			t->tcur.sel = at;
			t->tcur.top = top + (at - sel) > 0 ? top + (at - sel) : 0;
		}
	}
	free(selected);
	free(query);
	free(label);
	tui_panes_load(&t->panes, t->store, t->panes.slug, true, &err);
}

/* notmuch shows a read-only handle the state of its last open. */
static vt_status
reopen_index(struct tui *t, struct vt_error *err)
{
	tui_threads_release_db(&t->threads);
	mail_db_close(t->db);
	return mail_db_open(t->loc, MAIL_DB_READ_ONLY, t->db, err);
}

/* ---- background sync ---- */

/* Starts `vtriage [--config FILE] ARGS...` (this very binary) beside us. */
static vt_status
spawn_self(struct tui *t, const char *const *args, size_t n, struct vt_error *err)
{
	char *argv[16];
	size_t k = 0;

	argv[k++] = "/proc/self/exe";
	if (t->cfg->path != NULL) {
		argv[k++] = "--config";
		argv[k++] = t->cfg->path;
	}
	for (size_t i = 0; i < n && k + 1 < sizeof argv / sizeof argv[0]; i++)
		argv[k++] = (char *)args[i];
	argv[k] = NULL;
	return tui_bg_start(&t->sync.bg, argv, err);
}

static void
on_sync_line(void *ctx, const char *line)
{
	struct tui *t = ctx;
	struct tui_sync *sy = &t->sync;
	struct mail_progress_event ev;

	mail_progress_parse(line, &ev);
	switch (ev.kind) {
	case MAIL_PROGRESS_FETCH:
		sy->waiting = false;
		snprintf(sy->status, sizeof sy->status, "sync: %s %u/%u", ev.folder, ev.fetched,
			 ev.to_fetch);
		break;
	case MAIL_PROGRESS_FOLDER_FAILED:
		snprintf(sy->error, sizeof sy->error, "%s/%s: %s", ev.account, ev.folder, ev.text);
		break;
	case MAIL_PROGRESS_ERROR:
		/* what went wrong decides the words, not how the child
		 * worded it: "work: why" (an account's sync), "mirror work:
		 * why", "index: why" */
		snprintf(sy->error, sizeof sy->error, "%s%s%s%s%s%s",
			 strcmp(ev.stage, "sync") == 0 ? "" : ev.stage,
			 strcmp(ev.stage, "sync") != 0 && ev.account[0] ? " " : "", ev.account,
			 ev.account[0] || strcmp(ev.stage, "sync") != 0 ? ": " : "", ev.text,
			 ev.status == VT_ERR_AUTH ? " (check the account's user and password)"
						  : "");
		break;
	case MAIL_PROGRESS_INDEXING:
		sy->waiting = false;
		sy->indexing = true;
		snprintf(sy->status, sizeof sy->status, "sync: indexing");
		break;
	case MAIL_PROGRESS_SUMMARY:
		sy->indexing = false;
		sy->reload = true;
		sy->summary_seen = true;
		sy->waiting = true; /* a SIGUSR1 now is taken before the next IDLE */
		snprintf(sy->summary, sizeof sy->summary, "%s", ev.text);
		snprintf(sy->status, sizeof sy->status, "%s",
			 sy->job == SYNC_WATCH ? "sync: watching" : "sync: finishing");
		if (sy->job == SYNC_WATCH)
			tui_say(t, false, "%s", ev.text);
		break;
	case MAIL_PROGRESS_IDLE:
		sy->waiting = true;
		snprintf(sy->status, sizeof sy->status, "sync: watching %s", ev.account);
		break;
	case MAIL_PROGRESS_OTHER:
		/* not the protocol (a child that could not start says why
		 * in plain words): kept as the last word, unless an error
		 * event said more */
		if (ev.text[0] != '\0' && sy->error[0] == '\0')
			snprintf(sy->error, sizeof sy->error, "%s", ev.text);
		break;
	}
}

/*
 * Reads the child's lines; when it has ended, says how it went. Reloads
 * only when reload_ok: a prompt open over the list keeps pointers into it.
 */
void
tui_poll_sync(struct tui *t, bool reload_ok)
{
	struct tui_sync *sy = &t->sync;
	int code;

	if (tui_bg_running(&sy->bg) && tui_bg_poll(&sy->bg, on_sync_line, t, &code)) {
		enum sync_job job = sy->job;

		sy->job = SYNC_NONE;
		sy->indexing = false;
		sy->waiting = false;
		sy->quit_asked = false;
		sy->status[0] = '\0';
		sy->reload = true; /* whatever arrived before a failure */
		if (code == 0)
			tui_say(t, false, "%s%s", job == SYNC_INDEX ? "indexed: " : "",
				sy->summary[0] ? sy->summary : "done");
		else
			tui_say(t, true, "%s: %s",
				job == SYNC_INDEX   ? "index failed"
				: job == SYNC_WATCH ? "watching for new mail stopped"
						    : "sync failed",
				sy->error[0]     ? sy->error
				: sy->summary[0] ? sy->summary
						 : "no reason given");
	}
	if (sy->reload && reload_ok) {
		sy->reload = false;
		tui_reload(t);
	}
}

void
tui_reload(struct tui *t)
{
	struct vt_error err = { 0 };
	char keep[sizeof t->message];
	bool keep_error = t->message_is_error;

	/* the refresh may say things; the word said before stays */
	snprintf(keep, sizeof keep, "%s", t->message);
	if (reopen_index(t, &err) != VT_OK) {
		tui_say(t, true, "%s", err.msg);
		return;
	}
	tui_refresh_after_change(t);
	snprintf(t->message, sizeof t->message, "%s", keep);
	t->message_is_error = keep_error;
	/* (what is shown now has every change so far) */
	t->outside_version = vt_store_outside_version(t->store);
}

bool
tui_notice_outside_changes(struct tui *t)
{
	long long now = tui_now_ns(CLOCK_MONOTONIC) / 1000000, version;

	if (now - t->outside_checked_ms < 1000)
		return false;
	t->outside_checked_ms = now;
	/* a sync of ours writes all along, and reloads when it ends */
	if (tui_bg_running(&t->sync.bg))
		return false;
	version = vt_store_outside_version(t->store);
	if (version < 0 || version == t->outside_version)
		return false;
	tui_reload(t);
	return true;
}

/* Before opening the index for writing: a sync child indexing (or any
 * other writer) would make us wait, frozen, until it is done. */
bool
tui_index_busy(struct tui *t)
{
	tui_poll_sync(t, false);
	if (t->sync.indexing || mail_db_writer_busy(*t->db)) {
		tui_say(t, true, "database busy (%s), try again",
			tui_bg_running(&t->sync.bg) ? "sync running"
						    : "another program is indexing");
		return true;
	}
	return false;
}

void
tui_start_sync(struct tui *t, enum sync_job job, const char *account)
{
	struct tui_sync *sy = &t->sync;
	struct vt_error err = { 0 };
	const char *args[4];
	size_t n = 0;

	/* The watch covers it: SIGUSR1 makes `sync --watch` sync its
	 * accounts now, or once more after the round it is in (any number of
	 * presses: one round); its progress and summary come as usual. */
	if (tui_bg_running(&sy->bg) && sy->job == SYNC_WATCH && job == SYNC_ONCE &&
	    (account == NULL || vt_config_account_idle(t->cfg, account)) &&
	    tui_bg_signal(&sy->bg, SIGUSR1)) {
		tui_say(t, false, "sync: checking now%s",
			sy->waiting ? "" : " (after the round in progress)");
		if (sy->waiting)
			snprintf(sy->status, sizeof sy->status, "sync: checking now");
		sy->waiting = false;
		return;
	}
	if (tui_bg_running(&sy->bg)) {
		tui_say(t, true, "sync already running%s",
			sy->job == SYNC_WATCH ? " (watching for new mail)" : "");
		return;
	}
	if (account != NULL && !vt_config_has_account(t->cfg, account, t->cfg->n_entries)) {
		tui_say(t, true, "no [account %s] in the configuration", account);
		return;
	}
	if (job == SYNC_INDEX) {
		args[n++] = "index";
		args[n++] = "--progress=lines";
	} else {
		args[n++] = "sync";
		args[n++] = "--progress=lines";
		if (job == SYNC_WATCH)
			args[n++] = "--watch";
		if (account != NULL)
			args[n++] = account;
	}
	if (spawn_self(t, args, n, &err) != VT_OK) {
		tui_say(t, true, "cannot start %s: %s", args[0], err.msg);
		return;
	}
	sy->job = job;
	sy->indexing = job == SYNC_INDEX; /* index writes from the start */
	sy->summary_seen = false;
	sy->waiting = false;
	sy->quit_asked = false;
	sy->summary[0] = sy->error[0] = '\0';
	snprintf(sy->status, sizeof sy->status, "%s",
		 job == SYNC_INDEX ? "indexing new mail..." : "sync: connecting...");
	if (job != SYNC_WATCH)
		tui_say(t, false, "%s in the background",
			job == SYNC_INDEX ? "indexing" : "syncing");
}

/* ,y and :sync [ACCOUNT]: IMAP accounts when there are any, else the
 * local Maildir; in the background either way. */
void
tui_act_sync(struct tui *t, const char *account)
{
	tui_start_sync(t,
		       vt_config_has_account(t->cfg, NULL, t->cfg->n_entries) ? SYNC_ONCE
									      : SYNC_INDEX,
		       account);
}
