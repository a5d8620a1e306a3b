/*
 * imap/imap.h — the IMAP sync engine: server folders mirrored into the
 * local Maildir tree, flags kept in step both ways.
 *
 * Public API of the engine (libimap.a but run.c and mirror-vendors.c,
 * see run.h). Like mail.h it includes no libetpan or GnuTLS header. The
 * engine depends on mail/ only, so accounts are parsed from plain
 * key/value settings (run.c hands over the [account NAME] lines of the
 * configuration).
 *
 * Layout on disk:
 *   <mail_root>/<maildir_subdir>/<folder>/{cur,new,tmp}   the mail
 *   <data_dir>/sync/<account>/<folder>.state               what was synced
 * A message file's name carries ",vt=<uidvalidity>-<uid>" so that a run
 * killed after delivering mail but before writing its state recognises
 * that mail instead of fetching it again.
 *
 * Ownership follows mail.h: strings passed in are borrowed for the call;
 * structures returned through out-parameters belong to the caller and
 * are released with the matching _free(), which clears the pointer.
 */
#ifndef VT_MAIL_IMAP_H
#define VT_MAIL_IMAP_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../mail/status.h"

/* ---- accounts -------------------------------------------------------- */

enum mail_imap_tls {
	MAIL_IMAP_TLS_IMPLICIT = 0, /* TLS from the first byte (port 993) */
	MAIL_IMAP_TLS_STARTTLS,     /* plain connect, then STARTTLS (port 143) */
	MAIL_IMAP_TLS_NONE,         /* plain text: loopback servers only */
};

/* Defaults of the limits on what a server may cost us. */
#define MAIL_IMAP_COMMAND_TIMEOUT 120u              /* seconds */
#define MAIL_IMAP_MIN_RATE 1024u                    /* bytes per second */
#define MAIL_IMAP_MAX_LINE (1u << 20)               /* bytes */
#define MAIL_IMAP_MAX_MESSAGE ((uint64_t)256 << 20) /* bytes */

/* One "key = value" line of an [account NAME] section. */
struct mail_imap_setting {
	const char *key;
	const char *value;
	int line;
};

struct mail_imap_account {
	char *name;
	char *file; /* configuration file, for messages ("config" if none) */
	int line;   /* line of the first setting */
	char *host;
	uint16_t port;
	enum mail_imap_tls tls;
	int tls_line; /* where tls was set (0: default) */
	/* where password_command and cert_fingerprint were set, for their
	 * errors at sync time */
	int password_line, pin_line;
	char *user;
	char *password_command; /* NULL: ask through the hooks */
	char **folders;         /* server names; NULL: INBOX + all subscribed */
	size_t n_folders;
	char *maildir_subdir; /* below the mail root; "" for the root itself */
	bool pinned;          /* cert_fingerprint given */
	uint8_t pin_sha256[32];
	int timeout; /* seconds without a byte from the server */
	/* What one command may cost (see guard.c): its answer gets
	 * command_timeout seconds plus one per min_rate bytes received; a
	 * response line at most max_line bytes (more in folders whose UID
	 * lists are longer); a message at most max_message bytes, and at
	 * most half again the size the server announced for it. */
	unsigned command_timeout;
	uint32_t min_rate;
	uint64_t max_line;
	uint64_t max_message;
	bool idle;         /* idle = yes: sync --watch waits on its INBOX */
	bool save_sent;    /* save_sent = yes: mail sent here is uploaded to
				   the server's sent folder (no: the server or
				   the sending relay keeps its own copy) */
	char *sent_folder; /* sent_folder: that folder; NULL: found by name */
};

/*
 * Builds an account from its settings. Keys: host (required), port, tls
 * (implicit|starttls|none), user (required), password_command, folders
 * (comma-separated server names), maildir_subdir (default: NAME),
 * cert_fingerprint (sha256:HEX, colons optional), timeout (seconds),
 * command_timeout (seconds), min_rate (bytes per second), max_line and
 * max_message (bytes; K, M, G suffixes),
 * idle (yes|no), from (the sender's, checked by the configuration),
 * save_sent (yes|no, default yes), sent_folder (a server folder name).
 * Errors are VT_ERR_CONFIG "FILE:LINE: [account NAME] KEY: why"; a
 * password is never echoed. file may be NULL.
 */
vt_status mail_imap_account_parse(const char *file, const char *name,
				  const struct mail_imap_setting *settings, size_t n,
				  struct mail_imap_account **out, struct vt_error *err);
void mail_imap_account_free(struct mail_imap_account **acct);

/* ---- sync -------------------------------------------------------------- */

struct mail_sync_stats {
	unsigned folders; /* folders looked at */
	unsigned folders_failed;
	unsigned fetched;       /* messages downloaded */
	uint64_t bytes;         /* bytes written for them */
	unsigned flags_pushed;  /* messages whose flags we changed on the server */
	unsigned flags_pulled;  /* local files renamed for server flag changes */
	unsigned removed;       /* local files removed: expunged on the server */
	unsigned relinked;      /* local files kept across a UIDVALIDITY change */
	unsigned replaced;      /* local files replaced by the server's copy of
				   the same Message-ID after a UIDVALIDITY change
				   (the server had changed its bytes) */
	unsigned orphaned;      /* local files no longer on the server after a
				   UIDVALIDITY change: kept, no longer synced */
	unsigned folders_gone;  /* synced before, no longer on the server's list
				   (deleted, renamed or unsubscribed there, or
				   left out of folders =): their local copies
				   kept, no longer synced; counted once */
	unsigned missing;       /* deleted here, still on the server (not fetched
				   again, not deleted there) */
	unsigned unfetched;     /* new on the server but not fetched: the server
				   sent no body, another UID, too many bytes,
				   or no size (the next sync tries again) */
	unsigned mirrored;      /* moved into vendors' server folders (filled by
				   the caller from mail_mirror_account) */
	unsigned mirror_kept;   /* vendors' mail left in place (ditto) */
	unsigned trashed;       /* mail deleted here moved to the server's trash */
	unsigned sent_uploaded; /* mail sent here uploaded to the server's sent folder */
	double elapsed;         /* seconds */
};

struct mail_sync_progress {
	const char *account;
	const char *folder;    /* server name */
	unsigned folder_index; /* 1-based */
	unsigned n_folders;
	unsigned to_fetch; /* new messages in this folder */
	unsigned fetched;  /* of which done */
	uint64_t bytes;
	double elapsed; /* since the account's sync began */
};

struct mail_sync_hooks {
	void *ctx;
	/*
	 * The password of an account without password_command (a prompt on
	 * the terminal, say). Writes a NUL-terminated password into buf.
	 * NULL hook: such accounts fail with VT_ERR_AUTH.
	 */
	vt_status (*password)(void *ctx, const struct mail_imap_account *acct, char *buf,
			      size_t len, struct vt_error *err);
	/* About twice a second while mail comes in. */
	void (*progress)(void *ctx, const struct mail_sync_progress *p);
	/* After each folder; err is NULL on success. stats: that folder's. */
	void (*folder_done)(void *ctx, const char *account, const char *folder,
			    const struct mail_sync_stats *stats, const struct vt_error *err);
	/* A folder synced before that the server's list no longer gives
	 * (see folders_gone); local: where its mail stays. Once a folder. */
	void (*folder_gone)(void *ctx, const char *account, const char *folder, const char *local);
};

struct mail_sync_options {
	const char *mail_root;                    /* the Maildir tree notmuch indexes */
	const char *data_dir;                     /* sync state goes below <data_dir>/sync/ */
	volatile const sig_atomic_t *interrupted; /* checked between batches; may be NULL */
};

/*
 * Syncs every folder of one account. A folder that fails (dropped
 * connection, refused SELECT, a Maildir folder owned by mbsync or
 * offlineimap) is reported through hooks->folder_done and the others go
 * on (after a reconnection if needed); the return is then that folder's
 * status, with err saying how many folders failed. Failing to connect,
 * verify the server's certificate or log in fails the whole account.
 * stats (may be NULL) is added to, not reset. Two syncs of one account
 * at once: the second gets VT_ERR_BUSY.
 */
vt_status mail_sync_account(const struct mail_imap_account *acct,
			    const struct mail_sync_options *opts,
			    const struct mail_sync_hooks *hooks, struct mail_sync_stats *stats,
			    struct vt_error *err);

/* ---- the server's copy of mail sent here (outbox.c) ----------------- */

struct mail_outbox_result {
	char mailbox[512]; /* the server's sent folder */
	unsigned appended; /* uploaded by this run */
	unsigned kept;     /* still queued (a failure: for the next run) */
};

/*
 * Uploads the messages queued in outbox_dir (one file each, sent from
 * this account) to the server's sent folder: sent_folder when set, else
 * the folder marked \Sent (RFC 6154), else one named Sent, Sent Messages,
 * Sent Items or Sent Mail, else a new "Sent". Each is APPENDed with
 * \Seen, found there by its Message-ID, and only then removed from the
 * queue; one already there is not appended again. No connection when
 * nothing is queued. Takes the account's sync lock (VT_ERR_BUSY).
 */
vt_status mail_outbox_account(const struct mail_imap_account *acct,
			      const struct mail_sync_options *opts,
			      const struct mail_sync_hooks *hooks, const char *outbox_dir,
			      struct mail_outbox_result *result, struct vt_error *err);

/* ---- server folders for trusted vendors (mirror.c) ----------------- */

/*
 * One trusted vendor whose mail goes to the server folder Vendors/<name>.
 * paths: local files of its mail, of any folder and account (what the
 * index knows); only files of this account's synced folders that carry
 * our ",vt=" marker are looked at, and never those of the Vendors
 * hierarchy itself.
 */
struct mail_mirror_vendor {
	const char *key;  /* slug, for messages */
	const char *name; /* display name: the folder's name */
	/* the target is the server's trash (a folder named Trash, Deleted
	 * Messages or Deleted Items, else a new Trash), not Vendors/name */
	bool trash;
	const char *const *paths;
	size_t n_paths;
};

struct mail_mirror_result {
	char mailbox[512];  /* its server folder (modified UTF-7, RFC 3501) */
	unsigned found;     /* its messages in this account's source folders */
	unsigned moved;     /* now only in the vendor's folder, on the server */
	unsigned relocated; /* of which the local file was moved along */
	unsigned kept;      /* left where they were (see mail_mirror_account) */
	bool created;       /* the server folder was created by this run */
	bool unsupported;   /* some were kept: the server offers neither MOVE nor
				UIDPLUS (or MOVE without UIDPLUS for a copy made
				earlier) */
	bool failed;        /* an error cut this vendor's pass short */
};

/*
 * Moves the vendors' messages of one account into their server folders:
 * UID MOVE where the server offers MOVE, else UID COPY, a check that each
 * copy is in the target (Message-ID and size), UID STORE \Deleted and
 * UID EXPUNGE of exactly those UIDs (UIDPLUS). A message that already has
 * a copy in the target (a run killed between COPY and EXPUNGE) is not
 * copied again. Without MOVE and UIDPLUS nothing is copied: removing the
 * source would take a plain EXPUNGE, which also removes other \Deleted
 * mail; such messages, those without a Message-ID and those whose copy
 * cannot be verified are kept (counted in kept). The local file follows
 * its message into the target's Maildir folder and both folders' sync
 * states are updated, so that the next sync neither deletes nor fetches
 * it; if that step is cut short, the next sync removes the source file
 * and fetches the target's copy instead. Source folders: the account's
 * synced folders except the Vendors hierarchy and trash, junk, drafts
 * and sent folders (by name). The target folder is created and
 * subscribed when missing. results[i] (n of them) is filled for
 * vendors[i]. Takes the account's sync lock (VT_ERR_BUSY). A vendor
 * that fails is marked failed and the others go on; the return is then
 * the first failure.
 */
vt_status mail_mirror_account(const struct mail_imap_account *acct,
			      const struct mail_sync_options *opts,
			      const struct mail_sync_hooks *hooks,
			      const struct mail_mirror_vendor *vendors, size_t n,
			      struct mail_mirror_result *results, struct vt_error *err);

/*
 * The server folder of a vendor: "Vendors" delim name, the name made a
 * valid mailbox name (no delimiter, no control characters, no '%' or
 * '*', no leading dot, at most 100 bytes, never "cur", "new" or "tmp";
 * what is left empty becomes fallback) and encoded in modified UTF-7
 * (RFC 3501 5.1.3). delim '\0' (a flat server) joins with '-'. False when
 * out does not have room.
 */
bool mail_imap_vendor_mailbox(const char *name, const char *fallback, char delim, char *out,
			      size_t len);
/* UTF-8 to modified UTF-7; invalid UTF-8 bytes become U+FFFD. False
 * when out does not have room. */
bool mail_imap_utf7_encode(const char *utf8, char *out, size_t len);

/* ---- waiting for new mail: IDLE (idle.c) --------------------------- */

/* One connection waiting on one server folder with IDLE (RFC 2177). */
struct mail_imap_idle;

/*
 * Connects as a sync does (the same TLS checks; the password from
 * password_command or the hook), opens folder read-only (EXAMINE) and
 * checks that the server offers IDLE (VT_ERR_PROTOCOL when not). acct is
 * borrowed and must outlive the session; *out is the caller's, released
 * with mail_imap_idle_close().
 */
vt_status mail_imap_idle_open(const struct mail_imap_account *acct, const char *folder,
			      const struct mail_sync_hooks *hooks, struct mail_imap_idle **out,
			      struct vt_error *err);

/*
 * What ends a wait besides the servers and the clock, all optional:
 * interrupted set: VT_ERR_INTERRUPTED (SIGINT, SIGTERM); wake set: the wait
 * ends at once with VT_OK and no change (the caller's "sync now", its own
 * flag to look at and clear). The flags are looked at twice a second, and
 * at once when a signal interrupts poll(2): poll_mask, when given, is the
 * signal mask while polling (as ppoll(2) takes it), so that a signal kept
 * blocked everywhere else (where an EINTR would break a connection's read)
 * is let in there only.
 */
struct mail_imap_idle_stop {
	volatile const sig_atomic_t *interrupted;
	volatile const sig_atomic_t *wake;
	const sigset_t *poll_mask;
};

/*
 * Waits on all n sessions at once until a server reports a change in its
 * folder (EXISTS, EXPUNGE, FETCH or VANISHED: new mail, mail gone, flags
 * changed), max_seconds pass, or stop says so (see above; stop may be
 * NULL). changed[i] tells which sessions saw a change; none after a
 * timeout or a wake. Changes made since a session's previous
 * command (while the caller synced, say) count too, so no mail slips
 * through between a sync and the next wait. Servers end an IDLE after 30
 * minutes: keep max_seconds at 29 * 60 or less and call again. A broken
 * connection fails the wait (VT_ERR_NET, naming the account); close and
 * reopen that session.
 */
vt_status mail_imap_idle_wait(struct mail_imap_idle *const *sessions, size_t n,
			      unsigned max_seconds, const struct mail_imap_idle_stop *stop,
			      bool *changed, struct vt_error *err);

/* Ends IDLE, logs out and frees the session; clears *s. NULL is fine. */
void mail_imap_idle_close(struct mail_imap_idle **s);

/* ---- helpers exposed for tests ------------------------------------------ */

/* "sha256:AB:CD:..." of a DER certificate; out needs 7 + 3 * 32 bytes. */
void mail_imap_fingerprint_format(const uint8_t sha256[32], char *out, size_t len);
/* Parses "sha256:HEX" (colons and case free) into sha256. */
bool mail_imap_fingerprint_parse(const char *text, uint8_t sha256[32]);

#endif
