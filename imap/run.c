/*
 * A sync run (run.h): rounds of sync, index and mirror, and the watch
 * that waits for the servers between them.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "run.h"

/* ---- the watch: IDLE on INBOX between rounds ------------------------------ */

#define WATCH_IDLE_SECONDS (29 * 60) /* servers end an IDLE after 30 minutes */
#define WATCH_RETRY_SECONDS 30       /* after a lost connection */

struct watch {
	const struct vt_sync_request *req;
	struct mail_imap_idle **sessions;
	size_t *acct_of; /* sessions[k] waits on the INBOX of accts[acct_of[k]] */
	bool *changed;   /* per session, from the last wait */
	bool *sync;      /* per account: to sync in the next round */
	size_t n;
	/* The wake signal is blocked but while waiting, where an EINTR
	 * breaks nothing: one during a round waits for its end, and any
	 * number of them make one more round. */
	bool masked;
	sigset_t saved_mask; /* the mask before the watch */
	sigset_t open_mask;  /* the same without the wake signal: while waiting */
};

static void
watch_block_signals(struct watch *w)
{
	sigset_t wake;

	if (w->req->wake_signal == 0)
		return;
	sigemptyset(&wake);
	sigaddset(&wake, w->req->wake_signal);
	if (sigprocmask(SIG_BLOCK, &wake, &w->saved_mask) != 0)
		return;
	w->open_mask = w->saved_mask;
	sigdelset(&w->open_mask, w->req->wake_signal);
	w->masked = true;
}

static void
watch_restore_signals(struct watch *w)
{
	if (w->masked)
		sigprocmask(SIG_SETMASK, &w->saved_mask, NULL);
	w->masked = false;
}

/* A wake signal that came while it was blocked: its handler runs now (no
 * I/O in between to interrupt) and sets *wake. */
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
		vt_status rc = mail_imap_idle_open(w->req->accts[w->acct_of[k]], "INBOX",
						   &w->req->hooks->imap, &w->sessions[k], err);

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
watch_open(struct watch *w, const struct vt_sync_request *req, struct vt_error *err)
{
	bool some_idle = false;

	w->req = req;
	w->sessions = calloc(req->n_accts, sizeof *w->sessions);
	w->acct_of = calloc(req->n_accts, sizeof *w->acct_of);
	w->changed = calloc(req->n_accts, sizeof *w->changed);
	w->sync = calloc(req->n_accts, sizeof *w->sync);
	if (!w->sessions || !w->acct_of || !w->changed || !w->sync)
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	watch_block_signals(w);
	for (size_t i = 0; i < req->n_accts; i++) {
		some_idle = some_idle || req->accts[i]->idle;
		w->sync[i] = true;
	}
	for (size_t i = 0; i < req->n_accts; i++)
		if (req->named || !some_idle || req->accts[i]->idle)
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

/* Sleeps up to seconds, less after a wake (which it takes in); false
 * when a signal asked us to stop. */
static bool
watch_pause(struct watch *w, unsigned seconds)
{
	const struct vt_sync_request *req = w->req;
	sigset_t old;
	bool opened = w->masked && sigprocmask(SIG_SETMASK, &w->open_mask, &old) == 0;

	for (unsigned i = 0; i < seconds * 10 && !*req->interrupted && !*req->wake; i++)
		usleep(100 * 1000);
	if (opened)
		sigprocmask(SIG_SETMASK, &old, NULL);
	return !*req->interrupted;
}

/*
 * Waits for the servers; true when a round of sync should follow (w->sync
 * says which accounts), false when interrupted. A wake ends the wait with
 * a round of every watched account, at once or, when it came during a
 * round, right after it. A lost connection is reported, retried every
 * WATCH_RETRY_SECONDS (a wake: now), and followed by a round of every
 * account (to catch up).
 */
static bool
watch_next(struct watch *w)
{
	const struct vt_sync_request *req = w->req;
	const struct vt_sync_hooks *h = req->hooks;

	for (;;) {
		struct vt_error err = { 0 };
		vt_status rc;
		bool any = false;
		struct mail_imap_idle_stop stop = { .interrupted = req->interrupted,
						    .wake = req->wake,
						    .poll_mask = w->masked ? &w->open_mask : NULL };

		watch_take_signals(w);
		if (*req->interrupted)
			return false;
		if (*req->wake) { /* asked for: sync now, however often asked */
			*req->wake = 0;
			for (size_t k = 0; k < w->n; k++)
				w->sync[w->acct_of[k]] = true;
			return true;
		}
		for (size_t k = 0; k < w->n && h->waiting; k++)
			h->waiting(h->imap.ctx, req->accts[w->acct_of[k]]->name);
		rc = mail_imap_idle_wait(w->sessions, w->n,
					 seconds_at_most("VTRIAGE_IDLE_SECONDS",
							 WATCH_IDLE_SECONDS),
					 &stop, w->changed, &err);
		if (rc == VT_ERR_INTERRUPTED || *req->interrupted)
			return false;
		for (size_t k = 0; rc == VT_OK && k < w->n; k++)
			if (w->changed[k])
				any = w->sync[w->acct_of[k]] = true;
		if (rc == VT_OK && any && !*req->wake)
			return true;
		if (rc == VT_OK)  /* a wake: taken above, with what changed; */
			continue; /* or quiet for WATCH_IDLE_SECONDS: IDLE again */
		for (;;) {
			unsigned retry =
				seconds_at_most("VTRIAGE_RETRY_SECONDS", WATCH_RETRY_SECONDS);

			if (h->reconnecting)
				h->reconnecting(h->imap.ctx, &err, retry);
			watch_close_sessions(w);
			if (!watch_pause(w, retry))
				return false;
			*req->wake = 0; /* asked for now: this attempt and the round after it */
			if (watch_open_sessions(w, &err) == VT_OK)
				break;
		}
		for (size_t i = 0; i < req->n_accts; i++)
			w->sync[i] = true;
		return true;
	}
}

/* ---- rounds ------------------------------------------------------------- */

static void
fail(const struct vt_sync_request *req, vt_status *first, enum vt_sync_stage stage,
     const char *account, const struct vt_error *err)
{
	const struct vt_sync_hooks *h = req->hooks;

	if (*first == VT_OK)
		*first = err->status;
	if (h->failed)
		h->failed(h->imap.ctx, stage, account, err);
}

/*
 * One round: the accounts (those of sync[], every one when NULL), the
 * index, the mirror (only after an index that went well: a round whose
 * index failed moves nothing, and the next one indexes again).
 */
static vt_status
round_run(const struct vt_sync_request *req, const bool *sync)
{
	const struct vt_sync_hooks *h = req->hooks;
	struct vt_sync_round round = { .accounts = (unsigned)req->n_accts };
	struct vt_index_report report;
	struct vt_error err = { 0 };
	vt_status first = VT_OK, rc;
	bool indexed = false;

	for (size_t i = 0; i < req->n_accts; i++) {
		unsigned folders_before;
		struct mail_sync_options opts = {
			.mail_root = req->cfg->maildir,
			.data_dir = req->cfg->data_dir,
			.interrupted = req->interrupted,
		};

		if (sync != NULL && !sync[i])
			continue;
		/* mail sent here first, so that this sync brings its copy */
		if (req->accts[i]->save_sent) {
			struct mail_outbox_result sent;
			char *outbox = NULL;

			if (asprintf(&outbox, "%s/outbox/%s", req->cfg->data_dir,
				     req->accts[i]->name) < 0)
				outbox = NULL;
			rc = outbox ? mail_outbox_account(req->accts[i], &opts, &h->imap, outbox,
							  &sent, &err)
				    : vt_fail(&err, VT_ERR_NOMEM, "out of memory");
			free(outbox);
			round.stats.sent_uploaded += rc == VT_OK ? sent.appended : 0;
			if (rc != VT_OK) {
				fail(req, &first, VT_SYNC_STAGE_SYNC, req->accts[i]->name, &err);
				if (rc == VT_ERR_INTERRUPTED)
					break;
				if (rc == VT_ERR_AUTH || rc == VT_ERR_TLS)
					continue; /* the sync would fail the same way */
			}
		}
		folders_before = round.stats.folders;
		rc = mail_sync_account(req->accts[i], &opts, &h->imap, &round.stats, &err);
		if (rc != VT_OK && round.stats.folders == folders_before)
			round.accounts_failed++;
		if (rc != VT_OK) {
			fail(req, &first, VT_SYNC_STAGE_SYNC, req->accts[i]->name, &err);
			if (rc == VT_ERR_INTERRUPTED)
				break;
		}
	}
	/* What arrived is indexed even when a folder failed; a Maildir no
	 * round ever made has nothing to index, and saying it is missing
	 * under why the sync failed would send the user after the wrong
	 * error. */
	if (!req->no_index && !*req->interrupted &&
	    (access(req->cfg->maildir, F_OK) == 0 || errno != ENOENT)) {
		struct vt_index_ui iui = { .ctx = h->imap.ctx, .warning = h->index_warning };

		if (h->indexing)
			h->indexing(h->imap.ctx);
		if (vt_data_open(req->cfg, MAIL_DB_READ_WRITE, req->db, req->store, &err) !=
			    VT_OK ||
		    vt_index(*req->store, *req->db, req->cfg, false, req->interrupted, &iui,
			     &report, &err) != VT_OK) {
			fail(req, &first, VT_SYNC_STAGE_INDEX, NULL, &err);
		} else
			indexed = true;
	}
	/* Trusted vendors' server folders: after the index, which knows whose
	 * mail is whose. Never without mirror_folders = yes. */
	if (req->cfg->mirror_folders && !req->no_mirror && indexed && !*req->interrupted &&
	    (rc = vt_sync_mirror_vendors(req, *req->db, *req->store, &round.stats)) != VT_OK &&
	    first == VT_OK)
		first = rc;
	/* Mail deleted here goes to the server's trash, as a move: the
	 * server keeps it there, as the user's client would. */
	if (req->cfg->trash_on_server && !req->no_mirror && indexed && !*req->interrupted &&
	    (rc = vt_sync_trash(req, *req->db, *req->store, &round.stats)) != VT_OK &&
	    first == VT_OK)
		first = rc;
	/* The index is closed before the round is told over: the interface
	 * writes to it again once it hears so. */
	mail_db_close(req->db);
	round.index = indexed ? &report : NULL;
	if (h->round_done)
		h->round_done(h->imap.ctx, &round);
	return first;
}

vt_status
vt_sync_run(const struct vt_sync_request *req)
{
	struct watch w = { 0 };
	struct vt_error err = { 0 };
	vt_status rc;

	if (!req->watch)
		return round_run(req, NULL);
	if ((rc = watch_open(&w, req, &err)) != VT_OK) {
		vt_status first = VT_OK;

		fail(req, &first, VT_SYNC_STAGE_WATCH, NULL, &err);
		watch_free(&w);
		return rc;
	}
	/* one more round each time the servers report a change; each round
	 * reports its own failures */
	do {
		round_run(req, w.sync);
		memset(w.sync, 0, req->n_accts * sizeof *w.sync);
	} while (watch_next(&w));
	watch_free(&w);
	return VT_OK; /* ended by a signal, as asked */
}
