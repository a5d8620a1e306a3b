/*
 * store/ — what vtriage knows: the configuration, the sqlite vendor
 * database, and the operations that join it with the notmuch index
 * (indexing with attribution, vendor:/bucket: queries).
 *
 * The one public header of libstore. Only store/ includes sqlite3.h.
 * Ownership follows mail/mail.h: out-parameters belong to the caller and
 * are released with the matching _free or _clear function, which also clears
 * the pointer where one is taken.
 */
#ifndef VT_STORE_H
#define VT_STORE_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "../mail/mail.h"

/* ---- configuration ------------------------------------------------------ */

/* One "key = value" line of a section we hand to another module as is
 * ([keys] for keymaps, [account NAME] for sync), with its position so
 * that module's errors can name file and line. */
struct vt_config_entry {
	char *section; /* "keys", "account" */
	char *name;    /* the NAME of [account NAME], or NULL */
	char *key;
	char *value;
	int line;
};

struct vt_config {
	char *path;       /* the file read, or NULL when none existed */
	char *maildir;    /* [store] maildir: the mail root */
	char *data_dir;   /* [store] data */
	char *notmuch_db; /* [store] notmuch_db: reuse this notmuch database */
	/* where maildir was set ("FILE:LINE: [store] maildir"), for errors */
	char *maildir_origin;
	int maildir_line;
	/* the same of notmuch_db ("FILE:LINE: [store] notmuch_db") */
	char *notmuch_db_origin;
	/* and of data ("FILE:LINE: [store] data", or the default's) */
	char *data_dir_origin;
	/* [store] ignore: names and /regex/ the index passes by, as
	 * notmuch's new.ignore (vtriage's own index; a reused one keeps
	 * notmuch's setting) */
	char **ignore;
	size_t n_ignore;
	char *identity_name;
	char **addresses; /* [identity] addresses, lower case */
	size_t n_addresses;
	char **own_domains; /* organisations of those addresses + [identity] domains */
	size_t n_own_domains;
	char **personal_domains; /* [vendors] personal_domains */
	size_t n_personal_domains;
	bool mirror_folders;    /* [triage] mirror_folders */
	bool trash_on_server;   /* [triage] trash_on_server: deleted mail to the server's trash */
	char *send_command;     /* [send] command: sendmail -t compatible, words */
	char *send_sent_folder; /* [send] sent_folder: under the maildir, default Sent */
	long send_timeout;      /* [send] timeout: seconds the command may take */
	/* [trust] authserv_id: the user's receiving servers, whose
	 * Authentication-Results alone are believed; none: learned */
	char **authserv_ids;
	size_t n_authserv_ids;
	/* [bills]: a bill more than jump_percent off the median of the
	 * vendor's last bills (at least min_history of them) is flagged, and
	 * one more than rate_tolerance percent off a contracted rate */
	long bill_jump_percent, bill_min_history, bill_rate_tolerance;
	/* [followup] days: working days a thread may wait on the vendor
	 * before it is overdue (waiting:overdue) */
	long followup_days;
	/* [pdf]: read PDF attachments (a child per file, killed after
	 * timeout seconds, its memory capped at memory_mb) */
	bool pdf_read;
	long pdf_timeout, pdf_memory_mb, pdf_run_seconds;
	/* [ui]: the folder list (-1 auto, 0 hidden, 1 shown) and the widths
	 * of the thread row's columns (-1: as the screen allows; 0 hides) */
	long ui_folders, ui_date_w, ui_vendor_w, ui_authors_w;
	bool ui_mark_read;     /* [ui] mark_read: opening a thread reads it */
	bool ui_highlight_row; /* [ui] highlight_row: the cursor spans the row */
	char *ui_opener;       /* [ui] opener: program (and words) opening files */
	char *ui_browser;      /* [ui] browser: program (and words) opening links */
	bool ui_fold_quotes;   /* [ui] fold_quotes: the pager starts with quotes folded */
	bool ui_mouse;         /* [ui] mouse: clicks and the wheel */
	/* not a key: the vtriage-pdf program, found by the front end (NULL:
	 * $VTRIAGE_PDF_HELPER, else PDFs are not read) */
	char *pdf_helper;
	struct vt_config_entry *entries; /* [keys] and [account ...] lines */
	size_t n_entries;
};

/*
 * Loads the configuration. path NULL means the default: $VTRIAGE_CONFIG,
 * else $XDG_CONFIG_HOME/vtriage/config (~/.config/vtriage/config); a
 * missing default file gives built-in defaults, a missing explicit one is
 * an error. Errors name file, line and key (VT_ERR_CONFIG).
 */
vt_status vt_config_load(const char *path, struct vt_config **out, struct vt_error *err);
/* Parses configuration text; name is used in error messages and to
 * resolve relative paths (its directory). */
vt_status vt_config_parse(const char *text, const char *name, struct vt_config **out,
			  struct vt_error *err);
void vt_config_free(struct vt_config **cfg);
/* The identity as attribution needs it (borrows from cfg). */
void vt_config_identity(const struct vt_config *cfg, struct mail_identity *out);
/* Where our notmuch index lives, from cfg (borrows from cfg). */
void vt_config_mail_location(const struct vt_config *cfg, struct mail_db_location *out);
/* Whether an [account NAME] (any, name NULL) is among cfg's first
 * `before` entries (cfg->n_entries: all of them). */
bool vt_config_has_account(const struct vt_config *cfg, const char *name, size_t before);
/* The last value of key in [account name], or NULL (borrowed). */
const char *vt_config_account_value(const struct vt_config *cfg, const char *name, const char *key);
/* Whether account name (any, name NULL) has idle = yes (its last idle
 * line counts; the sync engine validates the value). */
bool vt_config_account_idle(const struct vt_config *cfg, const char *name);

/* ---- the vendor database ------------------------------------------------ */

struct vt_store;

/* Opens (creating and migrating as needed) the sqlite database at path. */
vt_status vt_store_open(const char *path, struct vt_store **out, struct vt_error *err);
void vt_store_close(struct vt_store **store);
/*
 * Opens what of the user's data is not open yet (each pointer that is
 * NULL): the notmuch index in mode and the store, <data_dir>/vtriage.db
 * (each makes the data directory if missing; a reader opens the two at
 * once: store/data-open.c). The index's failure is the one reported, and
 * leaves no store open. Whatever opened stays open on other failures:
 * the caller closes both as usual.
 */
vt_status vt_data_open(const struct vt_config *cfg, enum mail_db_mode mode, struct mail_db **db,
		       struct vt_store **store, struct vt_error *err);
/* How long a write waits for another process's write lock (default 10 s). */
/* Many reads under one snapshot (and one lock), nothing written until
 * the end: a search's rows, say. */
void vt_store_read_begin(struct vt_store *s);
void vt_store_read_end(struct vt_store *s);
void vt_store_set_busy_timeout(struct vt_store *store, int milliseconds);
/* sqlite's page cache of this connection, in KiB (default 2 MB) */
void vt_store_set_page_cache(struct vt_store *store, int kib);
/* Schema version (PRAGMA user_version) this build writes. */
int vt_store_schema_version(void);
/* Whether the store records any message (an index run filled it). */
bool vt_store_knows_mail(struct vt_store *s);
/* A number that changes when another process commits to the store
 * (sqlite's data_version; this connection's own writes leave it): an
 * interface open beside the command line notices its changes. -1 when
 * it cannot be read. */
long long vt_store_outside_version(struct vt_store *s);

enum vt_bucket {
	VT_BUCKET_GENERIC = 0,
	VT_BUCKET_TRUSTED = 1,
};
const char *vt_bucket_name(enum vt_bucket b);
bool vt_bucket_parse(const char *s, enum vt_bucket *out);

struct vt_vendor {
	int64_t id;
	char *slug;
	char *name;
	enum vt_bucket bucket;
	char **domains;
	size_t n_domains;
	long messages;     /* vendor mail, both directions */
	time_t first_seen; /* 0 when no mail */
	time_t last_seen;
};

struct vt_vendor_list {
	struct vt_vendor *items;
	size_t count;
};

/* Vendors with mail (and every trusted one), by name. bucket NULL: all. */
vt_status vt_vendor_list(struct vt_store *s, const enum vt_bucket *bucket,
			 struct vt_vendor_list *out, struct vt_error *err);
void vt_vendor_list_clear(struct vt_vendor_list *list);
/* How many vendors with mail the bucket holds (cheaper than listing). */
vt_status vt_vendor_count(struct vt_store *s, enum vt_bucket bucket, long *out,
			  struct vt_error *err);
/* One vendor by slug; VT_ERR_NOT_FOUND names the slug. */
vt_status vt_vendor_get(struct vt_store *s, const char *slug, struct vt_vendor *out,
			struct vt_error *err);
vt_status vt_vendor_get_by_id(struct vt_store *s, int64_t id, struct vt_vendor *out,
			      struct vt_error *err);
void vt_vendor_clear(struct vt_vendor *v);

/* ---- triage: what only the user can say -------------------------------- */
/*
 * Every action below is one sqlite transaction, recorded in a journal so
 * that vt_undo() can revert it, and costs the same for a vendor with ten
 * messages or ten thousand: a bucket is resolved at query time, no
 * message is rewritten. Unknown slugs are VT_ERR_NOT_FOUND, impossible
 * requests (merging a vendor into itself) VT_ERR_CONFLICT.
 */
struct vt_action {
	char summary[512]; /* what happened, for the user (unsanitised names) */
	bool changed;      /* false: it was so already; nothing journalled */
	/* Set by vt_undo when the action undone changed tags in the index:
	 * the caller applies "+retag_add -retag_remove" to these messages
	 * (newline-separated ids; free with vt_action_clear). The tags
	 * whole, whatever their length (a tag cut to a field's size undid
	 * another tag). The journal's entry is marked undone by
	 * vt_apply_retag once the tags are back, not before: killed in
	 * between, the undo is still there to do. */
	char *retag_ids, *retag_add, *retag_remove;
	int64_t retag_entry;
};
void vt_action_clear(struct vt_action *a);

/* Applies to the index (a writable handle) the tag changes an undo asks
 * for in a->retag_*, then marks the undone entry so; nothing when there
 * are none. */
vt_status vt_apply_retag(struct vt_store *s, struct mail_db *db, const struct vt_action *a,
			 struct vt_error *err);

/* Adds tag add and removes tag remove (either NULL) on the messages of
 * query in rw (a writable index). The journal entry for undo, naming
 * every message the change will touch, is committed before any is
 * (store busy: nothing tagged), so a change killed or failed part-way
 * is undone whole; out->summary is what ("archived thread ..."), or
 * says nothing changed. */
vt_status vt_tag(struct vt_store *s, struct mail_db *rw, const char *query, const char *add,
		 const char *remove, const char *what, struct vt_action *out, struct vt_error *err);

/* What an action may do beyond the plain request. */
enum vt_triage_flags {
	/* promote: queue the vendor's server folder as a job (done later
	 * by sync, with [triage] mirror_folders) */
	VT_TRIAGE_QUEUE_MIRROR = 1 << 0,
	/* promote, merge, add-domain: go ahead although a domain resembles
	 * a known vendor's (the user says it is who it claims to be);
	 * without it such a request is VT_ERR_CONFLICT naming the likeness */
	VT_TRIAGE_FORCE = 1 << 1,
};

/* Moves a vendor to a bucket (flags: enum vt_triage_flags). */
vt_status vt_vendor_set_bucket(struct vt_store *s, const char *slug, enum vt_bucket bucket,
			       unsigned flags, struct vt_action *out, struct vt_error *err);
vt_status vt_vendor_rename(struct vt_store *s, const char *slug, const char *name,
			   struct vt_action *out, struct vt_error *err);
/* Two domains, one company: from's domains (and issues, contacts) become
 * into's; from's slug keeps leading to into. */
vt_status vt_vendor_merge(struct vt_store *s, const char *from, const char *into, unsigned flags,
			  struct vt_action *out, struct vt_error *err);
/* domain: an organisation domain; taken from its current vendor if any. */
vt_status vt_vendor_add_domain(struct vt_store *s, const char *slug, const char *domain,
			       unsigned flags, struct vt_action *out, struct vt_error *err);
/* The domain becomes a vendor of its own again (generic bucket). */
vt_status vt_vendor_remove_domain(struct vt_store *s, const char *slug, const char *domain,
				  struct vt_action *out, struct vt_error *err);
/* Reverts the newest action not yet undone (mirror passes are not undone:
 * the server keeps what moved); VT_ERR_CONFLICT when none. */
vt_status vt_undo(struct vt_store *s, struct vt_action *out, struct vt_error *err);

/* ---- a vendor's bank details (store/bank.c) ------------------------------- */
enum vt_bank_state {
	VT_BANK_KNOWN,      /* given by the vendor's mail judged nothing */
	VT_BANK_ACCEPTED,   /* the user said so (vt_bank_accept) */
	VT_BANK_UNVERIFIED, /* only in mail judged suspicious */
};
struct vt_bank_detail {
	char *kind;  /* "iban" or "account" */
	char *value; /* as indexed: no spaces, capitals */
	enum vt_bank_state state;
	time_t first, last; /* the mail that gave it */
	long messages;
	time_t accepted; /* 0: never */
};
struct vt_bank_list {
	struct vt_bank_detail *items;
	size_t count;
};
/* The IBANs and account numbers the vendor's incoming mail gave, the
 * oldest first. */
vt_status vt_bank_list(struct vt_store *s, const char *slug, struct vt_bank_list *out,
		       struct vt_error *err);
void vt_bank_list_clear(struct vt_bank_list *list);
const char *vt_bank_state_name(enum vt_bank_state state);
/* The user vouches for bank details the vendor's mail gave (spaces and
 * case as they like): mail giving them is no longer judged for them, and
 * the bank verdicts are judged again at once. Undoable. VT_ERR_NOT_FOUND
 * when no mail of the vendor's gave them. */
vt_status vt_bank_accept(struct vt_store *s, const char *slug, const char *detail,
			 struct vt_action *out, struct vt_error *err);

/* ---- server folders of trusted vendors (store/mirror.c) ------------------ */
struct vt_mirror_vendor {
	int64_t id;
	char *slug;
	char *name;
	bool queued; /* promoted with mirror_folders on: first pass still due */
	char *query; /* notmuch query of the mail it sent */
};
struct vt_mirror_list {
	struct vt_mirror_vendor *items;
	size_t count;
};
/* Every trusted vendor (all are mirrored when [triage] mirror_folders is
 * on), by name. */
vt_status vt_mirror_vendors(struct vt_store *s, struct vt_mirror_list *out, struct vt_error *err);
void vt_mirror_list_clear(struct vt_mirror_list *list);
/* Records one vendor's pass: with a summary, a journal line ("mirrored",
 * in the vendor's history; never undone, the server keeps what moved);
 * complete: its queued jobs are done. */
vt_status vt_mirror_record(struct vt_store *s, int64_t vendor_id, const char *mailbox,
			   unsigned moved, const char *summary, bool complete,
			   struct vt_error *err);

/* What the mirror did for one vendor: mailbox and date of the last pass
 * (NULL, 0: none yet), messages moved over all passes, and whether a
 * first pass is still due. */
struct vt_mirror_status {
	char *mailbox;
	time_t last;
	long moved;
	bool due;
};
vt_status vt_mirror_status(struct vt_store *s, int64_t vendor_id, struct vt_mirror_status *out,
			   struct vt_error *err);
void vt_mirror_status_clear(struct vt_mirror_status *st);

/* ---- issues: things open with a vendor ----------------------------------- */
struct vt_issue {
	int64_t id;
	char *vendor; /* slug */
	char *vendor_name;
	char *title;
	time_t opened;
	time_t closed;      /* 0 while open */
	char *note;         /* closing note */
	char **message_ids; /* linked mail, as Message-IDs (stable across re-indexing) */
	size_t n_links;
};
struct vt_issue_list {
	struct vt_issue *items;
	size_t count;
};

/*
 * threads: n_threads notmuch thread ids ("thread:0000…" or bare), or
 * "id:MSGID"; all their messages are linked, or (one not found) none and
 * no issue opened. None: no link yet.
 */
vt_status vt_issue_open(struct vt_store *s, struct mail_db *db, const char *slug, const char *title,
			const char *const *threads, size_t n_threads, int64_t *id,
			struct vt_action *out, struct vt_error *err);
vt_status vt_issue_close(struct vt_store *s, int64_t id, const char *note, struct vt_action *out,
			 struct vt_error *err);
vt_status vt_issue_link(struct vt_store *s, struct mail_db *db, int64_t id, const char *thread,
			struct vt_action *out, struct vt_error *err);
/* Open issues (all with include_closed), of one vendor or (slug NULL) all,
 * oldest first. */
vt_status vt_issue_list(struct vt_store *s, const char *slug, bool include_closed,
			struct vt_issue_list *out, struct vt_error *err);
vt_status vt_issue_get(struct vt_store *s, int64_t id, struct vt_issue *out, struct vt_error *err);
void vt_issue_clear(struct vt_issue *issue);
void vt_issue_list_clear(struct vt_issue_list *list);

/* ---- contacts: the vendors' people ------------------------------------- */
/*
 * A contact is a person: the addresses seen under one name (from headers
 * and signatures), so someone who moves from one vendor to another is one
 * contact linked to both. Role-like senders (billing@, support@) are
 * contacts of their own. Text is unsanitised mail text.
 */
struct vt_contact {
	char *name;
	char **addresses; /* newest first; none for a person only named ("my manager is") */
	size_t n_addresses;
	char *title;   /* from the newest signature that has one, or NULL */
	char **phones; /* as written */
	size_t n_phones;
	char *manager; /* "my manager is ..." or NULL */
	/* the vendor of the mail whose signature named the manager (who
	 * stays there when the person moves on), or NULL */
	char *manager_vendor;
	const char *role; /* static string or NULL */
	bool role_set_by_user;
	char *vendor;   /* slug of the newest mail's vendor, or NULL */
	char **vendors; /* every vendor, in the order first seen */
	size_t n_vendors;
	long messages;
	time_t first_seen, last_seen;
};
struct vt_contact_list {
	struct vt_contact *items;
	size_t count;
};

/* Roles a user can give: account-rep, manager, support, billing,
 * engineering, other. Returns the canonical static string or NULL. */
const char *vt_role_parse(const char *s);
/* All of them, NULL-terminated (static). */
const char *const *vt_role_names(void);
/* Contacts of one vendor (slug) or of all (NULL), newest mail first. */
vt_status vt_contact_list(struct vt_store *s, const char *slug, struct vt_contact_list *out,
			  struct vt_error *err);
/* The contact with this address (or, for a person only named, this name). */
vt_status vt_contact_get(struct vt_store *s, const char *address, struct vt_contact *out,
			 struct vt_error *err);
vt_status vt_contact_set_role(struct vt_store *s, const char *address, const char *role,
			      struct vt_action *out, struct vt_error *err);
void vt_contact_clear(struct vt_contact *c);
void vt_contact_list_clear(struct vt_contact_list *list);

/* ---- history ----------------------------------------------------------- */
struct vt_event {
	time_t date;
	const char *kind; /* "message", "issue-opened", "issue-closed", "promoted",
			     "demoted", "renamed", "merged", "domain-added",
			     "domain-removed", "contact-changed", "issue-linked",
			     "mirrored", "suspicious", "contract" */
	int direction;    /* messages: enum mail_direction; else -1 */
	char *summary;    /* unsanitised */
	char *ref;        /* message id, issue number or slug */
};
struct vt_event_list {
	struct vt_event *items;
	size_t count;
};
/* One vendor's timeline, newest first; limit < 0: everything. */
vt_status vt_history(struct vt_store *s, const char *slug, long limit, struct vt_event_list *out,
		     struct vt_error *err);
void vt_event_list_clear(struct vt_event_list *list);

/* ---- indexing: notmuch and the store together --------------------------- */

struct vt_index_report {
	struct mail_index_stats mail;
	unsigned vendors_new; /* vendors first seen in this run */
	unsigned reconciled;  /* store rows repaired after an interruption */
	/* another program wrote to the index since the last run (or one
	 * died): the store was checked against the index whole */
	bool others_wrote;
	struct mail_pdf_stats pdfs; /* PDF attachments read, and from the cache */
	bool compacted;             /* the index was compacted after (vt_index_worth_compacting) */
	/* documents given changed verdicts after the judging of all the mail
	 * (vt_trust_mirror); those a message gives by itself were written as
	 * it was indexed */
	unsigned verdicts_written;
};

/* Whether a run that added `added` messages to an index of `total` wrote
 * enough of it to compact it after (mail_db_compact). */
bool vt_index_worth_compacting(unsigned long added, unsigned long total);

/* Vendors with mail: one lookup per vendor domain (4 ms for 700 of them,
 * a third of a run that finds nothing new), so asked for apart. */
vt_status vt_count_vendors_with_mail(struct vt_store *s, unsigned *out, struct vt_error *err);

struct vt_index_ui {
	void *ctx;
	void (*warning)(void *ctx, const char *path, const char *why);
	void (*progress)(void *ctx, const struct mail_index_stats *stats);
};

/*
 * Updates the notmuch index from the mail root and the store from the
 * index: new mail attributed to vendors (new vendors created in the
 * generic bucket), contacts harvested, removed mail forgotten; then heals
 * any difference a crash left between the two.
 */
vt_status vt_index(struct vt_store *s, struct mail_db *db, const struct vt_config *cfg,
		   bool full_scan, volatile const sig_atomic_t *interrupted,
		   const struct vt_index_ui *ui, struct vt_index_report *report,
		   struct vt_error *err);
/* Every message already indexed read again by the next vt_index, with
 * this version's readers (documents, contracts, signatures, verdicts),
 * as after an upgrade of the schema; a run cut short goes on at the next. */
vt_status vt_index_reread_all(struct vt_store *s, struct vt_error *err);

/* ---- contracts (store/contracts.c) -------------------------------------- */

/* A date vendor mail names, for the user to accept or reject. Text is
 * unsanitised mail text. */
struct vt_contract_suggestion {
	int64_t id;
	char *slug, *vendor_name, *message_id;
	char ends[11];
	char *event;    /* expires, renews, term-ends */
	char *kind;     /* contract, maintenance, license, subscription */
	bool ambiguous; /* a slashed date that reads both ways */
	char *phrase;   /* the line it was read from */
	time_t date;    /* the message's */
	int state;      /* 0 open, 1 accepted, 2 rejected */
};
struct vt_contract_suggestion_list {
	struct vt_contract_suggestion *items;
	size_t count;
};
struct vt_contract {
	int64_t id;
	char *slug, *vendor_name, *kind, *note;
	char ends[11];
	int notice_days;
	int days_left; /* from today to its end (negative: ended) */
	bool due;      /* within its notice period, or ended */
};
struct vt_contract_list {
	struct vt_contract *items;
	size_t count;
};
/* Open suggestions of one vendor (slug) or all, soonest end first, one per
 * date a vendor names (its newest message's): those not ended before today
 * (YYYY-MM-DD), or with decided, every one, decided or not. */
vt_status vt_contract_suggestions(struct vt_store *s, const char *slug, bool decided,
				  const char *today, struct vt_contract_suggestion_list *out,
				  struct vt_error *err);
/* The same, of one thread's mail (thread NULL: any). */
vt_status vt_contract_suggestions_in(struct vt_store *s, const char *slug, const char *thread,
				     bool decided, const char *today,
				     struct vt_contract_suggestion_list *out, struct vt_error *err);
void vt_contract_suggestion_list_clear(struct vt_contract_suggestion_list *list);
/* Accepts (a contract of kind, else the kind the mail named, with notice
 * days; *id its number) or rejects an open suggestion. out says what was
 * done, as for the triage actions. */
vt_status vt_contract_decide(struct vt_store *s, int64_t suggestion, bool accept, const char *kind,
			     long notice, int64_t *id, struct vt_action *out, struct vt_error *err);
/* A contract the user states: ends YYYY-MM-DD, kind NULL: contract. */
vt_status vt_contract_set(struct vt_store *s, const char *slug, const char *ends, const char *kind,
			  long notice, const char *note, int64_t *id, struct vt_action *out,
			  struct vt_error *err);
/* Removes contract id; undoable (vt_undo). */
vt_status vt_contract_remove(struct vt_store *s, int64_t id, struct vt_action *out,
			     struct vt_error *err);
/* Contracts of one vendor (slug) or all, soonest end first; within >= 0:
 * only those ending within so many days of today (YYYY-MM-DD) or in
 * their notice period, and not ended longer ago than their notice. */
vt_status vt_contract_list(struct vt_store *s, const char *slug, const char *today, long within,
			   struct vt_contract_list *out, struct vt_error *err);
void vt_contract_list_clear(struct vt_contract_list *list);
/* Today, local time: "YYYY-MM-DD". */
void vt_today(char out[11]);

/* ---- follow-ups (store/followups.c) ---------------------------------------- */

/* Something waiting on the vendor: a conversation the user wrote last in
 * ("reply"), an order confirmation or shipping notice with no news from
 * the vendor since ("order"), a quote whose validity ends within a week
 * ("quote"). */
struct vt_waiting {
	const char *what;                            /* "reply", "order", "quote" */
	char *thread, *slug, *vendor_name, *subject; /* subject: unsanitised */
	time_t last;          /* the user's last message; the order's; the quote's */
	int days;             /* since then; for a quote, days left */
	bool overdue;         /* more than [followup] days working days ago; a quote: always */
	char valid_until[11]; /* a quote's, else "" */
};
struct vt_waiting_list {
	struct vt_waiting *items;
	size_t count;
};
/* The moment N working days (Monday to Friday) before now. */
time_t vt_working_days_ago(time_t now, long days);
/* Threads waiting on the vendor (of one vendor, slug), the longest
 * waiting first; overdue_only: those waiting more than the store's
 * follow-up days (vt_store_set_followup_days, default 5). Then the orders
 * of the last 60 days without news from the vendor for longer than that,
 * and the quotes whose validity ends within 7 days, soonest first.
 * Snoozed threads are left out until they return. */
vt_status vt_waiting_list(struct vt_store *s, const char *slug, bool overdue_only,
			  struct vt_waiting_list *out, struct vt_error *err);
void vt_waiting_list_clear(struct vt_waiting_list *list);
/* vt_data_open sets it from [followup] days. */
void vt_store_set_followup_days(struct vt_store *s, long days);

/* ---- snoozed conversations (store/snooze.c) ------------------------------- */

struct vt_snoozed {
	char *thread, *subject; /* subject: unsanitised */
	time_t until;
};
struct vt_snoozed_list {
	struct vt_snoozed *items;
	size_t count;
};
/* "2026-12-10", "3d", "2w", "mon": the next such time (8:00 local), after
 * now; false when text is none of them or not in the future. */
bool vt_snooze_parse_until(const char *text, time_t now, time_t *out);
/* The message's thread is out of every list and count until then
 * (unless a query names it: id:, thread:, snoozed:yes). */
vt_status vt_snooze(struct vt_store *s, const char *message_id, time_t until, struct vt_error *err);
/* Back now: the thread, or the thread of the message. */
vt_status vt_unsnooze_thread(struct vt_store *s, const char *thread, struct vt_error *err);
vt_status vt_unsnooze_message(struct vt_store *s, const char *message_id, struct vt_error *err);
/* Each message's thread snoozed until then (0: woken), all or none. */
vt_status vt_snooze_messages(struct vt_store *s, const char *const *message_ids, size_t n,
			     time_t until, struct vt_error *err);
/* Threads whose snooze ends in (from, to], soonest first, each with its
 * first subject. */
vt_status vt_snoozed_list(struct vt_store *s, time_t from, time_t to, struct vt_snoozed_list *out,
			  struct vt_error *err);
void vt_snoozed_list_clear(struct vt_snoozed_list *list);
/* Whether enough threads were snoozed or woken since the last index run
 * that every query names (slowly) for their marks to be written now. */
bool vt_snooze_marks_due(struct vt_store *s);
/* The snoozes' ends written onto their threads' messages in the index
 * (rw, held for writing), as the index run does; *written: messages. */
vt_status vt_snooze_write_marks(struct vt_store *s, struct mail_db *rw, unsigned *written,
				struct vt_error *err);

/* ---- the vendor report (store/report.c) ----------------------------------- */

struct vt_month {
	char month[8]; /* "2026-11" */
	long in, out;  /* mail from the vendor, mail to it */
};
struct vt_month_list {
	struct vt_month *items;
	size_t count;
};
/* The vendor's mail per month since a time, oldest month first (months
 * without mail left out). */
vt_status vt_vendor_months(struct vt_store *s, const char *slug, time_t since,
			   struct vt_month_list *out, struct vt_error *err);
void vt_month_list_clear(struct vt_month_list *list);

/* ---- sending (store/send.c) ----------------------------------------------- */

/* Sends o through [send] command (default "sendmail -t"; its text on
 * standard input, no shell; what it says on failure is the error), then
 * keeps a copy in <maildir>/<[send] sent_folder, default Sent>, queues it
 * for the server of the account it was sent from (vt_sent_account; the
 * next sync appends it to that server's sent folder) and indexes it (when
 * db and store are given). result may be NULL. */
struct vt_send_result {
	char account[128]; /* the copy is queued for this account's server ("": none) */
	/* sent, but what came after failed (the copy, its queue, the index):
	 * the mail is gone all the same, and its draft must go too (kept, it
	 * would be sent again); "" when all went well */
	char warning[VT_ERROR_MAX];
};
/* VT_OK once [send] command took the mail, whatever failed after it
 * (result->warning says what). */
/* draft (may be NULL): the draft's file, removed as soon as the command
 * took the mail (a kill while the copy is indexed left it, to be sent
 * again when taken up). */
vt_status vt_send(const struct vt_config *cfg, struct vt_store *store, struct mail_db *db,
		  const struct mail_outgoing *o, const char *draft, struct vt_send_result *result,
		  struct vt_error *err);

/* A draft kept in <data>/drafts (made 0700) until sent or dropped: its
 * path, malloc'd, or NULL (err says why). */
char *vt_draft_save(const struct vt_config *cfg, const char *text, struct vt_error *err);
/* Whether path is one of <data>/drafts (a draft vtriage made, whose
 * file goes once sent), not a file of the user's. */
bool vt_draft_is_ours(const struct vt_config *cfg, const char *path);
/* The postponed drafts of <data>/drafts, newest first. To and subject
 * are as the draft says (unsanitised: mail text may be quoted there). */
struct vt_draft {
	char *path;
	time_t modified;
	char *to, *subject;
};
struct vt_draft_list {
	struct vt_draft *items;
	size_t count;
};
vt_status vt_drafts_list(const struct vt_config *cfg, struct vt_draft_list *out,
			 struct vt_error *err);
void vt_draft_list_clear(struct vt_draft_list *list);
/* A draft's text, malloc'd; NULL with errno. */
char *vt_draft_read(const char *path);
/* Whether a recipient's domain is judged a look-alike of one the user
 * knows (the lookalikes the trust pass recorded): why says which. */
bool vt_send_lookalike(struct vt_store *s, const struct mail_outgoing *o, char *why, size_t len);
/* Adds "Attach: FILE" to the draft's headers (a regular file). */
vt_status vt_draft_attach(const char *draft_path, const char *file, struct vt_error *err);
/* Adds a header line ("Cc: ...") to the draft's headers (no line break). */
vt_status vt_draft_add_line(const char *draft_path, const char *line, struct vt_error *err);
/* ---- addresses for writing mail (store/addresses.c) ---------------------- */

struct vt_address_hit {
	char *name; /* "" when none; unsanitised mail text */
	char *address;
	char *vendor;    /* slug of its organisation's vendor, or NULL */
	time_t last;     /* newest mail naming it */
	bool written_to; /* in To or Cc of the user's own mail */
};
struct vt_address_hits {
	struct vt_address_hit *items;
	size_t count;
};
/* People whose address, name or a word of their name starts with prefix
 * (ASCII case-insensitive), those the user wrote to first, then the
 * newest; at most limit (0: 20). */
vt_status vt_address_complete(struct vt_store *s, const char *prefix, size_t limit,
			      struct vt_address_hits *out, struct vt_error *err);
void vt_address_hits_clear(struct vt_address_hits *h);
/* For a draft to a vendor (its To): the vendor's account rep and billing
 * contacts not yet addressed, as comment lines to put among the draft's
 * headers ("#Cc: ..." that the user uncomments). Malloc'd; NULL: none. */
char *vt_draft_cc_suggestions(struct vt_store *s, const char *draft);

/* ---- who the user writes as ---------------------------------------------- */

struct vt_sender {
	char *name; /* NULL when none */
	char *address;
	char *account; /* the [account NAME] whose from it is; NULL: [identity] */
};
/*
 * Who a message is written as: for a reply (original: the answered mail's
 * file), the account whose Maildir holds it, else the account whose from
 * address it was sent to; otherwise (and for new mail) [identity] name
 * and first address, else the first account's from. VT_ERR_CONFIG when
 * the configuration gives no address at all.
 */
vt_status vt_sender_for(const struct vt_config *cfg, const char *original, struct vt_sender *out,
			struct vt_error *err);
void vt_sender_clear(struct vt_sender *s);
/* The account whose server keeps a copy of mail sent from address: the
 * one whose from it is, else the only account; NULL when none, or when
 * that account has save_sent = no. Borrowed from cfg. */
const char *vt_sent_account(const struct vt_config *cfg, const char *address);

enum vt_draft_kind {
	VT_DRAFT_NEW,
	VT_DRAFT_REPLY,
	VT_DRAFT_REPLY_ALL,
	VT_DRAFT_FORWARD,          /* inline */
	VT_DRAFT_FORWARD_ATTACHED, /* the original whole, as message/rfc822 */
};
/*
 * A draft as the user starts writing it: from the identity vt_sender_for
 * picks (original: the mail file answered or forwarded), and when it goes
 * to a vendor, its account rep and billing offered for Cc
 * (vt_draft_cc_suggestions; store may be NULL). to: the recipient of a
 * forward or new message, subject: a new message's. *out malloc'd.
 */
vt_status vt_draft_begin(const struct vt_config *cfg, struct vt_store *store,
			 enum vt_draft_kind kind, const char *original, const char *to,
			 const char *subject, char **out, struct vt_error *err);

/* The user's editor: $VISUAL, else $EDITOR, else vi (words, no shell). */
const char *vt_editor(void);

/* ---- queries -------------------------------------------------------------- */

/*
 * Turns a vtriage query (notmuch syntax plus vendor:SLUG,
 * bucket:trusted|generic|none) into a notmuch query. Unknown vendors and
 * buckets are VT_ERR_USAGE. The cost of bucket: grows with the number of
 * trusted vendors' domains only, never with the generic bucket's size.
 * *out is malloc'd.
 */
vt_status vt_query_translate(struct vt_store *s, const char *query, char **out,
			     struct vt_error *err);
/* The same with snoozed conversations in (as if the query named them):
 * snoozing again by a query moves their end. */
vt_status vt_query_translate_with_snoozed(struct vt_store *s, const char *query, char **out,
					  struct vt_error *err);

/* Whether the store says of the mail what the index holds now: the last
 * index run completed and nothing but vt_tag_messages wrote to the index
 * since, or vt_store_keep_mirror found that what others wrote since moved
 * no message the store has and added none. */
bool vt_store_mirrors_index(struct vt_store *s, struct mail_db *db);
/* Before a list, outside any read snapshot (it may write the store):
 * after another program's writes to the index (a `notmuch tag`), looks
 * once whether the store still mirrors it (a read of every message's
 * revision) and records what it found. Nothing when the store mirrors
 * the index, or inside a snapshot. */
void vt_store_keep_mirror(struct vt_store *s, struct mail_db *db);
/* mail_tag_messages on a handle open for writing, after which the store
 * mirrors the index still if it did before: tags move no thread and no
 * attribution (store/search.c). Every tag change of vtriage's own. */
vt_status vt_tag_messages(struct vt_store *s, struct mail_db *rw, const char *query,
			  const char *add, const char *remove, char **changed_ids,
			  struct vt_error *err);
/*
 * The threads of a translated query, as mail_search_threads gives them;
 * user_query is the query as the user wrote it. The first threads of a
 * lone vendor:SLUG come from the store's threads of the vendor while the
 * store mirrors the index (store/search.c): no sort of all the vendor's
 * mail for a screen of it.
 */
vt_status vt_search_threads(struct vt_store *s, struct mail_db *db, const char *user_query,
			    const char *query, long offset, long limit,
			    vt_status (*fn)(void *ctx, const struct mail_thread *t,
					    struct vt_error *err),
			    void *ctx, struct vt_error *err);

/* Which threads wait on whom and which have open issues, for marking
 * thread lists (one load per refresh, then lookups). */
struct vt_thread_set {
	char **ids; /* sorted notmuch thread ids */
	size_t count;
};
/* The amount a thread's newest quote or bill states, for its row. */
struct vt_thread_amount {
	char *thread;
	enum mail_doc_kind kind;
	struct mail_money total;
	bool flagged; /* a bill the bill check flagged */
};
/* The open issue a thread is linked to (the oldest, when several). */
struct vt_thread_issue {
	char *thread;
	int64_t id;
	time_t opened;
	char *title; /* the user's words */
};
/* Since when a thread waits: its last answer, automatic mail left out. */
struct vt_thread_since {
	char *thread;
	time_t since;
};
struct vt_thread_marks {
	struct vt_thread_set waiting_vendor, waiting_me, open_issue;
	struct vt_thread_since *since; /* by thread id: those waiting on anyone */
	size_t n_since;
	/* the suspicious threads are thousands in a big mailbox: asked of
	 * the store a thread at a time, as a list shows them, the answers
	 * kept (vt_thread_marks_suspicious) */
	struct mail_thread_set suspicious_asked, suspicious_yes;
	/* or, while the verdicts on the messages are current, from what
	 * the thread's messages carry (struct mail_thread) and the
	 * look-alike domains, read once: 1 so, -1 not, 0 not asked yet */
	int by_messages;
	struct vt_thread_set lookalikes;  /* sorted organisation domains */
	struct vt_thread_amount *amounts; /* by thread id */
	size_t n_amounts;
	struct vt_thread_issue *issues; /* by thread id */
	size_t n_issues;
};
/* The thread's open issue, or NULL. */
const struct vt_thread_issue *vt_thread_issue_of(const struct vt_thread_marks *m,
						 const char *thread_id);
/* Since when the thread waits (on the vendor or the user): its last
 * message that answered, an out-of-office reply or a help desk's
 * receipt after it not counted; 0 when it waits on no one. */
time_t vt_thread_waiting_since(const struct vt_thread_marks *m, const char *thread_id);
/* The thread's amount, or NULL. */
const struct vt_thread_amount *vt_thread_amount_of(const struct vt_thread_marks *m,
						   const char *thread_id);
/* Which marks to read: each is read for the whole store, so a list reads
 * those it shows. */
enum {
	VT_MARKS_WAITING = 1 << 0,
	VT_MARKS_OPEN_ISSUE = 1 << 1,
	VT_MARKS_AMOUNTS = 1 << 2,
	VT_MARKS_ISSUES = 1 << 3,
	VT_MARKS_ALL = (1 << 4) - 1,
};
vt_status vt_thread_marks_load(struct vt_store *s, unsigned what, struct vt_thread_marks *out,
			       struct vt_error *err);
bool vt_thread_set_has(const struct vt_thread_set *set, const char *thread_id);
/* Whether the thread holds mail judged suspicious (store/trust.c: a
 * reason against a message, or a look-alike sender's domain), as
 * suspicious:yes finds it: from what its messages carry where the list
 * read that and the verdicts on them are current, else asked of the
 * store once a thread, the answer kept in m. */
vt_status vt_thread_marks_suspicious(struct vt_store *s, struct vt_thread_marks *m,
				     const struct mail_thread *t, bool *out, struct vt_error *err);
void vt_thread_marks_clear(struct vt_thread_marks *m);

/* ---- trust: mail that borrows a vendor's standing (store/trust.c) -------- */
/*
 * Indexing records what each message says of itself (mail/: its
 * Authentication-Results, From and Reply-To, payment details) and which
 * sender domains resemble which; the store judges them against what it
 * knows: which vendors the user trusts or has history with, which server
 * is the user's own, and each vendor's earlier bank details. A message
 * judged suspicious never counts as its claimed vendor's: it is kept out
 * of vendor: and bucket:trusted (so out of trusted folders and the server
 * mirror), gives no contacts, and is marked everywhere it is shown.
 */
/* Reasons, as the suspicious: query term names them. */
#define VT_SUSPECT_LOOKALIKE "lookalike" /* sender domain imitates a known one */
#define VT_SUSPECT_AUTH "auth"           /* DKIM/SPF/DMARC failed at the user's server */
#define VT_SUSPECT_NAME "name"           /* a name or address that is not the sender's */
#define VT_SUSPECT_REPLYTO "replyto"     /* replies would go to another organisation */
#define VT_SUSPECT_BANK "bank"           /* new or changed bank details, payment asked */

struct vt_suspect_reason {
	const char *reason; /* one of the VT_SUSPECT_* strings */
	char *text;         /* for the user: "sender domain acrnetel.example looks like
			       acmetel.example (rn for m)"; unsanitised */
	char *like_org;     /* the organisation whose standing it borrows, or NULL */
};
struct vt_suspect {
	char *message_id;
	char *thread;
	time_t date;
	char *from;    /* sender address */
	char *subject; /* unsanitised */
	char *org;     /* the sender's organisation domain */
	char *vendor;  /* slug of the sender's vendor, or NULL */
	struct vt_suspect_reason *reasons;
	size_t n_reasons;
};
struct vt_suspect_list {
	struct vt_suspect *items;
	size_t count;
};
/* ---- quotes and bills (documents.c) ---- */

/* A quote, bill, order or payment read from a vendor's message. */
struct vt_document {
	char *message_id, *thread, *subject, *vendor_slug, *vendor_name, *from;
	time_t date;
	enum mail_doc_kind kind;
	char source[8]; /* body, data, pdf, xml */
	bool has_total, has_subtotal, has_tax;
	struct mail_money total;
	int64_t subtotal, tax; /* in the total's currency */
	bool totals_agree;     /* subtotal + tax = total */
	char ref[MAIL_DOC_REF_MAX];
	char issued[11], due[11], valid_until[11];
	int net_days;
	char note[64];
	/* the bill check: the median of the vendor's earlier bills in this
	 * currency (usual_count of them), and why it is flagged: "jump",
	 * "rate", both, or "" */
	bool has_usual;
	int64_t usual;
	int usual_count;
	char flag[12];
};

struct vt_document_list {
	struct vt_document *items;
	size_t count;
};

struct vt_document_filter {
	enum mail_doc_kind kind; /* MAIL_DOC_NONE: any */
	const char *vendor;      /* slug or domain, NULL for all */
	const char *currency;    /* NULL for any */
	const char *thread;      /* one thread's, NULL for all */
	/* bounds on the total, in thousandths of the currency's unit */
	bool has_min, has_max;
	int64_t min_milli, max_milli;
	time_t since;
	bool flagged;   /* only bills the check flagged */
	bool by_amount; /* by currency, each largest first; else newest first */
	size_t limit;   /* 0: all */
};

/* Documents, newest (or largest) first. */
/* An amount without a currency as thousandths of a unit ("1,000.50" ->
 * 1000500, "1234.567" -> 1234567): the bounds of amount: and --min. */
bool vt_amount_milli(const char *text, int64_t *out);
vt_status vt_documents_list(struct vt_store *s, const struct vt_document_filter *filter,
			    struct vt_document_list *out, struct vt_error *err);
void vt_document_list_clear(struct vt_document_list *list);
/* The newest and the first sent of the list's copies of item i (i when
 * it has none): documents of the same kind and currency bearing its
 * reference, as a reminder, a corrected invoice, a revised quote do.
 * Sums count such a document once, at the newest's total, when the first
 * was sent: a bill reminded in January is still December's. */
size_t vt_document_newest(const struct vt_document_list *docs, size_t i);
size_t vt_document_first(const struct vt_document_list *docs, size_t i);
/* "$7,800.00: +213% against the usual $2,490.00 (2 bills)", the bill
 * check's verdict as a sentence; as snprintf. */
size_t vt_document_check_line(const struct vt_document *d, char *buf, size_t len);
/* Judges every bill again (ambiguous totals by the vendor's habit, the
 * jump against its usual, the contracted rate); run after indexing. */
vt_status vt_documents_judge(struct vt_store *s, const struct vt_config *cfg, struct vt_error *err);
/* The rate a vendor bills by contract (NULL: none), per "month",
 * "quarter", "year" or "" (each bill). The caller judges again. */
vt_status vt_vendor_set_rate(struct vt_store *s, const char *slug, const struct mail_money *rate,
			     const char *per, struct vt_error *err);

/* Suspicious messages, newest first: all (slug NULL), or those of one
 * vendor and those imitating it. */
vt_status vt_check_list(struct vt_store *s, const char *slug, struct vt_suspect_list *out,
			struct vt_error *err);
/* The suspicious messages of one thread, oldest first. */
vt_status vt_check_thread(struct vt_store *s, const char *thread_id, struct vt_suspect_list *out,
			  struct vt_error *err);
void vt_suspect_list_clear(struct vt_suspect_list *list);
/* Whether any domain of the vendor is judged a look-alike; why (may be
 * NULL) gets the reason text. */
vt_status vt_vendor_lookalike(struct vt_store *s, int64_t vendor_id, bool *is_lookalike, char *why,
			      size_t why_len, struct vt_error *err);
/* The authserv-ids believed now: [trust] authserv_id, else the one
 * learned from the topmost header of the user's incoming mail (comma
 * separated, malloc'd; "" when none is known yet). */
char *vt_trust_authserv(struct vt_store *s, const struct vt_config *cfg);

/* Vendor slug for an organisation domain, or NULL (malloc'd). */
char *vt_vendor_slug_for_org(struct vt_store *s, const char *org);

#endif
