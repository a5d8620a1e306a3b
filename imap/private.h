/* Internals shared by the engine's files in imap/; never included
 * elsewhere (but by its unit test). */
#ifndef VT_MAIL_IMAP_PRIVATE_H
#define VT_MAIL_IMAP_PRIVATE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libetpan/libetpan.h>

#include "../mail/mail.h"
#include "imap.h"

/* Message flags as a bit set. The first three are synced both ways. */
enum {
	MF_SEEN = 1,
	MF_FLAGGED = 2,
	MF_ANSWERED = 4,
	MF_SYNCED = MF_SEEN | MF_FLAGGED | MF_ANSWERED,
	MF_DRAFT = 8,    /* set on delivery only */
	MF_DELETED = 16, /* set on delivery only (Maildir T) */
};

/* ---- connection (conn.c) ---------------------------------------- */

/* ---- what a server may cost us (guard.c) ------------------------- */

/* One message an answer may carry: the most its literal may hold. */
/* A big message's body is read in slices of this many bytes. */
#define IMAP_BODY_SLICE (1u << 20)

struct imap_expect {
	uint32_t uid;
	uint64_t max;
};

/* What the answer to the next commands may hold beyond the defaults
 * (lines of max_line, literals of max_line). msgs (sorted by UID) is
 * borrowed until the next imap_guard_expect. */
struct imap_answer {
	uint64_t literal_cap; /* a literal of no message in msgs (0: max_line) */
	const struct imap_expect *msgs;
	size_t n_msgs;
	uint64_t literals; /* bytes of literals the answer may add */
};

/* Seconds on the monotonic clock (guard.c). */
double imap_now(void);

enum imap_guard_mode { GUARD_GREETING, GUARD_LINE, GUARD_LITERAL };

/* The session's stream driver, wrapped: every byte the server sends is
 * seen here first (see guard.c). */
struct imap_guard {
	mailstream_low_driver drv; /* first: libetpan sees only this */
	ssize_t (*orig_read)(mailstream_low *, void *, size_t);
	ssize_t (*orig_write)(mailstream_low *, const void *, size_t);
	const struct mail_imap_account *acct;
	struct imap_answer answer;
	uint32_t folder_size; /* messages of the selected folder: longer
				 answers are fair (imap_guard_folder_size) */
	/* the answer in flight: since our last write */
	double start;
	uint64_t received;
	enum imap_guard_mode mode;
	uint64_t line_len;
	char head[24]; /* the line's first bytes: "* SEARCH", "* 12 EXISTS" */
	size_t head_len;
	char tail[24]; /* the line's last bytes: "{123}\r\n" */
	size_t tail_len;
	char word[4];
	size_t word_len;
	bool uid_digits;
	uint64_t uid_acc;
	uint32_t uid; /* "UID n" of the response being read; 0: none yet */
	uint64_t literal_len, literal_left;
	uint32_t literal_uid;
	char greeting[4096];
	size_t greeting_len;
	/* why the stream was cut; every read fails once it is set */
	vt_status why_status;
	char why[400];
};

/* Ready for a new connection: the greeting comes first. */
void imap_guard_begin(struct imap_guard *g, const struct mail_imap_account *acct);
/* Puts the guard under stream's current driver (again after STARTTLS). */
void imap_guard_install(struct imap_guard *g, mailstream *stream);
/* What the next answers may hold; NULL: the defaults. */
void imap_guard_expect(struct imap_guard *g, const struct imap_answer *answer);
/* The clock of an answer starts again (a wait of IDLE is not slowness). */
void imap_guard_restart(struct imap_guard *g);
/* The folder selected holds about n messages (what the server says is
 * believed up to a million). */
void imap_guard_folder_size(struct imap_guard *g, uint64_t n);
/* The most a message body of declared bytes may arrive as. */
uint64_t imap_body_allowance(const struct mail_imap_account *a, uint64_t declared);

struct imap_conn {
	struct imap_guard guard;
	mailimap *imap;
	const struct mail_imap_account *acct;
	const struct mail_sync_hooks *hooks;
	char *password; /* malloc'd; wiped and freed right after LOGIN */
	bool condstore;
	/* Set by the caller before imap_conn_open: ENABLE QRESYNC (RFC 7162)
	 * where offered. The session then gets VANISHED instead of EXPUNGE
	 * responses, which only the sync reads; IDLE and the mirror leave it
	 * off. */
	bool want_qresync;
	bool qresync; /* QRESYNC enabled on this session */
	bool move;    /* MOVE (RFC 6851) offered */
	bool uidplus; /* UIDPLUS (RFC 4315) offered: UID EXPUNGE, COPYUID */
	bool alive;   /* false after a stream error: reconnect before reuse */
};

/* Connects, verifies TLS, logs in and reads capabilities. On failure the
 * connection is closed again. The password is asked for (or its command
 * run) for every connection and wiped as soon as LOGIN is sent. */
vt_status imap_conn_open(struct imap_conn *c, const struct mail_imap_account *acct,
			 const struct mail_sync_hooks *hooks, struct vt_error *err);
/* Logs out (when alive) and frees the session; keeps the password. */
void imap_conn_drop(struct imap_conn *c);
/* imap_conn_drop + wipes the password. */
void imap_conn_close(struct imap_conn *c);
/* Translates libetpan's code r after an operation described by what
 * (a printf format): stream errors mark the connection dead; the
 * server's own words (sanitised) are quoted. */
vt_status imap_fail(struct imap_conn *c, int r, struct vt_error *err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Server folder names to sync: the configured ones, else INBOX and the
 * subscribed folders (INBOX first). delim gets each one's hierarchy
 * delimiter ('\0' for none). Arrays malloc'd; free with imap_names_free. */
vt_status imap_conn_folders(struct imap_conn *c, char ***names, char **delims, size_t *n,
			    struct vt_error *err);
void imap_names_free(char **names, size_t n);

/* ---- shared by sync.c and mirror.c ------------------------- */

/* What a UID FETCH brought for one message (borrowed from the result). */
struct imap_fetched {
	uint32_t uid;
	bool has_flags, has_size, has_body;
	bool body_nil; /* BODY[] NIL: a body section without a body */
	unsigned flags;
	uint32_t size;
	const char *body;
	size_t body_len;
};
enum imap_fetch_what {
	FW_FLAGS = 1,
	FW_SIZE = 2,
	FW_BODY = 4,
	FW_MSGID = 8, /* BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)] */
	FW_SLICE = 16,
};
void imap_parse_att(const struct mailimap_msg_att *m, struct imap_fetched *out);
/* Which of the sorted uids[n] are in set (a VANISHED response: "*" or
 * a reversed range allowed): in[i] is set for those, left alone for the
 * others; returns how many. */
size_t imap_set_mark(const struct mailimap_set *set, const uint32_t *uids, size_t n, bool *in);
/* Sorted UIDs as a set of intervals; NULL when out of memory. */
struct mailimap_set *imap_uid_set(const uint32_t *uids, size_t n);
/* UID plus what (FW_*); NULL when out of memory. */
struct mailimap_fetch_type *imap_fetch_type(unsigned what, uint32_t offset, uint32_t length);
/* UID STORE +FLAGS.SILENT (add) or -FLAGS.SILENT of flag (taken over,
 * freed here) on set (the caller's). Errors name account/folder. */
vt_status imap_uid_store_flag(struct imap_conn *c, struct mailimap_set *set,
			      struct mailimap_flag *flag, bool add, const char *account,
			      const char *folder, struct vt_error *err);
/* UID FETCH of set (freed here) for what, CHANGEDSINCE when nonzero;
 * the result is the caller's to free. Errors name account/folder. */
vt_status imap_uid_fetch(struct imap_conn *c, struct mailimap_set *set, unsigned what,
			 uint32_t offset, uint32_t length, uint64_t changedsince, clist **result,
			 const char *account, const char *folder, struct vt_error *err);
/* <mail_root>/<subdir>/<name, one directory per level below delim>,
 * malloc'd; VT_ERR_PROTOCOL for a name that cannot be a directory. */
vt_status imap_local_path(const struct mail_imap_account *acct, const char *mail_root,
			  const char *name, char delim, char **out, struct vt_error *err);

/* ---- IDLE (idle.c) ------------------------------------------------- */

/* One line the server sent while we idle (a C string, the server's
 * bytes): a change in the folder ("* 3 EXISTS", EXPUNGE, FETCH,
 * VANISHED), or its goodbye ("* BYE"). Fuzzed (fuzz-imap-state.c). */
bool imap_idle_line_is_change(const char *line);
bool imap_idle_line_is_bye(const char *line);

/* ---- TLS (tls.c) --------------------------------------------------- */

/* Checks the certificate chain the server sent on stream s against the
 * system CAs and host (or against the pinned fingerprint). */
vt_status imap_tls_verify(mailstream *s, const struct mail_imap_account *acct,
			  struct vt_error *err);

/* ---- passwords (account.c) --------------------------------------- */

/* Runs password_command (/bin/sh -c) and keeps the first line of its
 * output, or asks the hook. *out is malloc'd; wipe before freeing. */
vt_status imap_password(const struct mail_imap_account *acct, const struct mail_sync_hooks *hooks,
			char **out, struct vt_error *err);
/* Overwrites and frees a secret. */
void imap_secret_free(char **secret);

/* ---- the local Maildir folder (maildir.c) ------------------------ */

struct md_folder {
	char *path; /* <root>/<subdir>/<folder>: holds cur/ new/ tmp/ */
	char host[64];
	unsigned seq;
	int dirty; /* renames/creates since the last md_sync_dirs */
};

/* One of our files: its name carries ",vt=<uv>-<uid>". */
struct md_entry {
	uint32_t uv, uid;
	char *name; /* file name in new/ or cur/ */
	bool in_new;
	char info[32]; /* the flag letters after ":2," (sorted) */
	/* for UIDVALIDITY matching (sync.c) */
	char *message_id;
	uint64_t crlf_size;
	uint8_t sha256[32];
	bool hashed;
	bool used;
};

/* Creates the folder (cur/ new/ tmp/) as needed; refuses one that mbsync
 * or offlineimap manage (VT_ERR_CONFLICT). */
vt_status md_open(struct md_folder *f, const char *path, struct vt_error *err);
void md_close(struct md_folder *f);
/* Claims the folder for account (first use) or refuses one that another
 * account syncs (VT_ERR_CONFLICT). */
vt_status md_check_owner(struct md_folder *f, const char *account, struct vt_error *err);
/* Our files in cur/ and new/, and leftovers of ours in tmp/ deleted. */
vt_status md_scan(struct md_folder *f, struct md_entry **out, size_t *n, struct vt_error *err);
void md_entries_free(struct md_entry *e, size_t n);
/* The MF_* bits of a flag-letter string, and back (keeping letters that
 * are not synced from old_info). */
unsigned md_info_flags(const char *info);
void md_info_build(const char *old_info, unsigned flags, char *out, size_t len);
/* Renames e to carry flags (MF_SYNCED bits; other letters kept), moving
 * it from new/ to cur/ when it gains flags. */
vt_status md_set_flags(struct md_folder *f, struct md_entry *e, unsigned flags,
		       struct vt_error *err);
/* Gives e a new uidvalidity and uid (and flags) in its name. */
vt_status md_rename_uid(struct md_folder *f, struct md_entry *e, uint32_t uv, uint32_t uid,
			unsigned flags, struct vt_error *err);
/* Takes our marker out of e's name: the file stays as local mail only. */
vt_status md_unmark(struct md_folder *f, struct md_entry *e, struct vt_error *err);
vt_status md_remove(struct md_folder *f, struct md_entry *e, struct vt_error *err);
/* Renames e from folder from into folder to (same file system: atomic),
 * giving it uv and uid; flags and new/ or cur/ are kept. */
vt_status md_move_to(struct md_folder *from, struct md_entry *e, struct md_folder *to, uint32_t uv,
		     uint32_t uid, struct vt_error *err);
/* fsyncs cur/ and new/ when something changed in them. */
vt_status md_sync_dirs(struct md_folder *f, struct vt_error *err);
/* Path of e (static buffer of the caller). */
void md_entry_path(const struct md_folder *f, const struct md_entry *e, char *out, size_t len);

/* Delivery of one message: bytes as the server sends them (CRLF), stored
 * with LF line ends in tmp/, then fsync'd and renamed into new/ or cur/. */
struct md_writer {
	int fd;
	char tmp_path[PATH_MAX];
	char base[256];
	bool pending_cr;
	uint64_t bytes;
	void *hash; /* gnutls_hash_hd_t when hashing */
	bool failed;
	int error;
};
vt_status md_writer_begin(struct md_folder *f, uint32_t uv, uint32_t uid, bool hash,
			  struct md_writer *w, struct vt_error *err);
vt_status md_writer_write(struct md_writer *w, const char *buf, size_t len, struct vt_error *err);
/* fsyncs, renames into place and fills e (name and info malloc'd/owned
 * by e); sha256 gets the content hash when the writer hashed. */
vt_status md_writer_commit(struct md_folder *f, struct md_writer *w, unsigned flags,
			   struct md_entry *e, uint8_t sha256[32], struct vt_error *err);
void md_writer_abort(struct md_writer *w);
/* A writer that writes nothing: md_writer_write gives it a message's
 * bytes as the server sends them, md_digest_end the SHA-256 of what the
 * Maildir would keep of them (md_entry_digest's of the delivered file).
 * md_writer_abort drops one not ended. */
vt_status md_digest_begin(struct md_writer *w, struct vt_error *err);
void md_digest_end(struct md_writer *w, uint8_t sha256[32]);
/* Starts writing the file out now, so that the fsync of a later commit
 * finds little left to do: a batch kicks every file, then commits them. */
void md_writer_start_writeback(struct md_writer *w);

/* Reads a local file for UIDVALIDITY matching: Message-ID, the size it
 * has with CRLF line ends, content hash. */
vt_status md_entry_digest(const struct md_folder *f, struct md_entry *e, struct vt_error *err);
/* The Message-ID of a header block (LF or CRLF lines); "" if none. */
void md_header_message_id(const char *buf, size_t len, char *out, size_t outlen);

/* ---- sync state (state.c) ---------------------------------------- */

struct state_msg {
	uint32_t uid;
	uint8_t flags; /* MF_SYNCED bits as last agreed with the server */
};

struct sync_state {
	uint32_t uidvalidity; /* 0: never synced */
	uint32_t uidnext;
	uint64_t highestmodseq;
	struct state_msg *msgs; /* sorted by uid */
	size_t n, cap;
};

/* A missing file is an empty state. */
vt_status state_load(const char *path, struct sync_state *st, struct vt_error *err);
/* tmp + fsync + rename + fsync of the directory. */
vt_status state_save(const char *path, const struct sync_state *st, struct vt_error *err);
void state_clear(struct sync_state *st);
vt_status state_add(struct sync_state *st, uint32_t uid, unsigned flags);
void state_sort(struct sync_state *st);

/* <data_dir>/sync/<account>, created; path malloc'd. */
vt_status state_account_dir(const char *data_dir, const char *account, char **path,
			    struct vt_error *err);
/* <dir>/<folder, %-escaped>.state, malloc'd. */
char *state_folder_path(const char *dir, const char *folder);
/* The folder whose state file is named file (its first len bytes, the
 * ".state" left out), malloc'd; NULL when no state file of ours has the
 * name. */
char *state_folder_of(const char *file, size_t len);
/* An exclusive lock on the account's state (fd to close), or VT_ERR_BUSY. */
vt_status state_lock(const char *dir, const char *account, int *fd, struct vt_error *err);

/* mkdir -p (mode 0700 for created directories). */
vt_status imap_mkdirs(const char *path, struct vt_error *err);

#endif
