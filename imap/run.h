/*
 * imap/run.h — a sync run, as `vtriage sync` makes it: every account
 * synced (imap.h), what arrived indexed (store/), trusted vendors' mail
 * moved to their server folders ([triage] mirror_folders), and with a
 * watch, again each time a server reports a change (IDLE).
 *
 * This is where the IMAP engine, the index and the store meet; the front
 * ends only say how a run is shown, through the hooks: the command line
 * prints, `--progress=lines` writes the progress protocol (mail.h) that
 * the interface reads.
 */
#ifndef VT_IMAP_RUN_H
#define VT_IMAP_RUN_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "../store/store.h"
#include "imap.h"

/* What of a run failed (hooks->failed). */
enum vt_sync_stage {
	VT_SYNC_STAGE_SYNC,   /* an account's sync (account set) */
	VT_SYNC_STAGE_INDEX,  /* indexing what arrived */
	VT_SYNC_STAGE_MIRROR, /* an account's mirror pass (account set), or its records */
	VT_SYNC_STAGE_WATCH,  /* the watch could not start */
};

/* What one round did, for its summary. */
struct vt_sync_round {
	struct mail_sync_stats stats;        /* mirrored, mirror_kept filled too */
	unsigned accounts;                   /* taking part in the run */
	unsigned accounts_failed;            /* of which none of whose folders could be
					 synced (no connection, no login) */
	const struct vt_index_report *index; /* NULL: not indexed (asked, or failed) */
};

/* How a run is shown. Every hook may be NULL; all take imap.ctx. */
struct vt_sync_hooks {
	struct mail_sync_hooks imap; /* passwords, progress, each folder */
	/* Something failed; the run goes on where it can (the other
	 * accounts, the index after a failed account). account: NULL but
	 * for an account's sync or mirror pass. */
	void (*failed)(void *ctx, enum vt_sync_stage stage, const char *account,
		       const struct vt_error *err);
	/* About to open the index for writing: hold back other writers. */
	void (*indexing)(void *ctx);
	void (*index_warning)(void *ctx, const char *path, const char *why);
	/* One vendor's mirror pass on one account moved, kept or created
	 * something. */
	void (*mirrored)(void *ctx, const char *account, const char *vendor,
			 const struct mail_mirror_result *r);
	/* A round is over, the index closed (other programs may write). */
	void (*round_done)(void *ctx, const struct vt_sync_round *round);
	/* A watch waits on account's INBOX. */
	void (*waiting)(void *ctx, const char *account);
	/* A watch lost its connection; it tries again in seconds. */
	void (*reconnecting)(void *ctx, const struct vt_error *err, unsigned seconds);
};

struct vt_sync_request {
	const struct vt_config *cfg;
	/* Opened for writing to index and closed at each round's end (so
	 * that others can write between rounds); the store is opened when
	 * first needed and stays open. Both the caller's to close. */
	struct mail_db **db;
	struct vt_store **store;
	struct mail_imap_account *const *accts; /* vt_sync_accounts_load */
	size_t n_accts;
	bool named;     /* the accounts were named: a watch waits on all */
	bool no_index;  /* sync only */
	bool no_mirror; /* no mirror pass even with mirror_folders = yes */
	bool watch;     /* after each round, wait for a server's change */
	/* Set by the caller's signal handlers: stop (SIGINT, SIGTERM), and a
	 * watch's "sync now" (wake_signal, blocked but while waiting, where
	 * an interrupted read breaks nothing; the run clears wake). */
	volatile sig_atomic_t *interrupted;
	volatile sig_atomic_t *wake;
	int wake_signal; /* 0: none */
	const struct vt_sync_hooks *hooks;
};

/* Every [account NAME] of cfg parsed and dropped: the first error, with
 * its file and line (imap/accounts.c, which needs no libetpan). */
vt_status vt_accounts_check(const struct vt_config *cfg, struct vt_error *err);
/*
 * The accounts of cfg named in names (n of them; every [account NAME]
 * when n is 0), all parsed before any connection: an unknown name is
 * VT_ERR_NOT_FOUND, no account at all VT_ERR_CONFIG, a bad setting names
 * its file and line. *out (n_out of them) is freed with
 * vt_sync_accounts_free.
 */
vt_status vt_sync_accounts_load(const struct vt_config *cfg, char *const *names, size_t n,
				struct mail_imap_account ***out, size_t *n_out,
				struct vt_error *err);
void vt_sync_accounts_free(struct mail_imap_account ***accts, size_t n);

/*
 * Syncs every account (one that fails does not stop the others), indexes
 * what arrived even when a folder failed, then, with mirror_folders,
 * moves trusted vendors' mail to their server folders (after the index,
 * which knows whose mail is whose). With watch, waits for the servers
 * (IDLE on INBOX: the accounts named, else those with idle = yes, else
 * all), and runs again on each change, each wake and after a lost
 * connection, until interrupted. Every failure is told through
 * hooks->failed; the return is the first of the last round's (VT_OK
 * when it had none, and for a watch ended by a signal, as asked).
 */
vt_status vt_sync_run(const struct vt_sync_request *req);

/*
 * The mirror pass alone (imap/mirror-vendors.c): every trusted vendor's
 * mail moved to its server folder Vendors/<Name> on every account, each
 * pass recorded in the vendor's history, and indexed again (the moves are
 * renames to the index: tags stay). db open for writing. Adds to
 * stats->mirrored and mirror_kept; returns the first failure.
 */
/* Mail deleted here (tag deleted) moved to each account's trash on the
 * server, by the mirror's verified move, its files into the local trash
 * folder; [triage] trash_on_server = no leaves the server as it is.
 * stats->trashed counts it; returns the first failure. */
vt_status vt_sync_trash(const struct vt_sync_request *req, struct mail_db *db,
			struct vt_store *store, struct mail_sync_stats *stats);
vt_status vt_sync_mirror_vendors(const struct vt_sync_request *req, struct mail_db *db,
				 struct vt_store *store, struct mail_sync_stats *stats);

#endif
