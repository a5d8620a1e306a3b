/* Internals shared between the files of store/; never included elsewhere. */
#ifndef VT_STORE_PRIVATE_H
#define VT_STORE_PRIVATE_H

#include <sqlite3.h>

#include "store.h"

struct vt_store {
	sqlite3 *db;
	char *path;
	int tx_depth;       /* nesting of vt_store_begin()/commit() */
	long followup_days; /* waiting:overdue: working days ([followup] days) */
	/* a lone vendor: list from this many messages on has its newest
	 * threads named from the store (search.c); 0: by the index's size
	 * (VT_AMONG_MIN_MESSAGES...); tests set it */
	long among_min_messages;
};

/* Billing platforms that send bills for many merchants from their own
 * domain (store/documents.c: each merchant's bills a series of its own). */
#define VT_SQL_BILLING_PLATFORMS                                                                   \
	"('stripe.com', 'paddle.com', 'xero.com', 'intuit.com', 'freshbooks.com',"                 \
	" 'squareup.com', 'invoice2go.com', 'waveapps.com', 'bill.com', 'chargebee.com',"          \
	" 'recurly.com', 'zoho.com', 'zohoinvoice.com', 'invoiced.com', 'harvestapp.com')"

/* ---- search.c ---- */

/*
 * A vendor's newest threads are named from the store when it has this
 * many messages or more; a smaller vendor's mail is sorted whole, with
 * the store's thread sizes. Sorting costs by the vendor's mail, and each
 * of its dates costs more the bigger the index: at --limit 50 sorting
 * wins by 3-7% for vendors of 44 and 209 messages at 6,046 and 845 at
 * 99,820, naming from 1,176 there; at 298,424 sorting wins up to 382
 * messages, naming from 505, and at 998,032 sorting at 515, naming at
 * 804 (bench/RESULTS.md, "A small vendor's mail sorted whole"). The
 * posting table tells the index's size: 121 MB at 99,820, 356 MB at
 * 298,424.
 */
#define VT_AMONG_MIN_MESSAGES 1000
#define VT_AMONG_MIN_MESSAGES_BIG 500
#define VT_AMONG_BIG_POSTING_BYTES (256LL << 20)
/* Counts the vendor ?1's mail (MAIL_KIND_VENDOR): from its few domains'
 * rows of org_mail; a stale one counted from the index of messages by
 * organisation, no further than ?2. */
#define VT_SQL_VENDOR_MAIL_COUNT                                                                   \
	"SELECT coalesce(sum(coalesce(o.n, (SELECT count(*) FROM (SELECT 1 FROM messages m"        \
	" WHERE m.org = o.org AND m.kind = 1 LIMIT ?2)))), 0) FROM vendor_domains d"               \
	" CROSS JOIN org_mail o ON o.org = d.domain WHERE d.vendor_id = ?1"

/* ---- ini.c ---- */
/* Called with key and value NULL for each section's header, then for
 * each of its lines. */
typedef vt_status (*vt_ini_handler)(void *ctx, const char *section, const char *name,
				    const char *key, const char *value, int line,
				    struct vt_error *err);
vt_status vt_ini_parse(const char *text, const char *file, vt_ini_handler handler, void *ctx,
		       struct vt_error *err);

/* ---- db.c: sqlite helpers ---- */

/* Whether text is nothing but spaces: a title or name of "   " shows
 * as nothing, as an empty one would. */
bool vt_text_blank(const char *text);

/* sqlite's process-wide settings (it reads the environment), once, before
 * its first use; any thread. */
void vt_sqlite_configure(void);

/* Translates an sqlite failure (busy, full disk, ...) into our status. */
vt_status vt_sql_fail(struct vt_store *s, struct vt_error *err, int rc, const char *what);
/* Prepares a statement (cached for the store's lifetime: do not finalize). */
sqlite3_stmt *vt_sql_prepare(struct vt_store *s, const char *sql, struct vt_error *err);
/* Runs SQL without results. */
vt_status vt_sql_exec(struct vt_store *s, const char *sql, struct vt_error *err);
/* A write transaction (BEGIN IMMEDIATE: the write lock is taken up front so
 * that two vtriage processes never deadlock upgrading a read lock). Nests. */
vt_status vt_store_begin(struct vt_store *s, struct vt_error *err);
vt_status vt_store_commit(struct vt_store *s, struct vt_error *err);
void vt_store_rollback(struct vt_store *s);

/* Runs one statement with arguments bound by types: 't' text, 'i'
 * int64_t, 'n' NULL (no argument). what names it in errors. */
vt_status vt_sql_run(struct vt_store *s, const char *sql, const char *what, struct vt_error *err,
		     const char *types, ...);
/* The first column of the first row as an integer; VT_ERR_NOT_FOUND
 * (err untouched) when there is no row. */
vt_status vt_sql_int(struct vt_store *s, const char *sql, int64_t *out, struct vt_error *err,
		     const char *types, ...);
/* Ends an action's transaction: commits it (rolls it back after an
 * error) and reports it in out. */
vt_status vt_action_end(struct vt_store *s, vt_status rc, const char *summary,
			struct vt_action *out, struct vt_error *err);
/* One undoable action in the journal (inside the caller's transaction). */
vt_status vt_journal_add(struct vt_store *s, const char *action, int64_t vendor_id,
			 const char *target, const char *before, const char *after,
			 const char *summary, struct vt_error *err);
/* Undoes vt_contract_remove from its journal entry (store/contracts.c). */
vt_status vt_contract_restore(struct vt_store *s, int64_t vendor, const char *target,
			      const char *before, struct vt_error *err);

/* Reads a meta value (malloc'd, NULL when absent) / writes one. */
char *vt_meta_get(struct vt_store *s, const char *key);
vt_status vt_meta_set(struct vt_store *s, const char *key, const char *value, struct vt_error *err);

/* ---- vendors.c ---- */

/* The vendor that owns org, created in the generic bucket when new
 * (*created tells), as made at made_at: an index run gives its start, so
 * that vendors one run met are of one age (store/trust.c tells an
 * original from its look-alike by the run that met each first, then by
 * their mail's dates). */
vt_status vt_vendor_for_org(struct vt_store *s, const char *org, int64_t made_at,
			    int64_t *vendor_id, bool *created, struct vt_error *err);

/* The vendor with this slug or domain, following merges (VT_ERR_USAGE
 * naming the value when there is none). */
vt_status vt_vendor_find(struct vt_store *s, const char *slug_or_domain, int64_t *id,
			 struct vt_error *err);

/* vt_vendor_get without the mail counts and dates (whose cost grows with
 * the vendor's mail): for triage actions. */
vt_status vt_vendor_get_brief(struct vt_store *s, const char *slug, struct vt_vendor *out,
			      struct vt_error *err);

/* An unknown vendor in a query is a bad query (VT_ERR_USAGE); named as
 * an argument it is VT_ERR_NOT_FOUND. Keeps the message. */
vt_status vt_as_not_found(vt_status rc, struct vt_error *err);

/* How long a statement waits for another vtriage's write lock. */
#define VT_STORE_BUSY_MS 10000

/* ---- search.c ---- */

/* One domain's vendor mail (?1 the domain, ?2 MAIL_KIND_VENDOR), newest
 * first: (thread, date) from the index messages_org alone, no row of the
 * table read (test-store checks the plan). */
#define VT_SQL_DOMAIN_THREADS                                                                      \
	"SELECT thread, date FROM messages WHERE org = ?1 AND kind = ?2"                           \
	" ORDER BY date DESC"

/* ---- trust.c ---- */

/* Whether the user ever wrote to the organisation in the SQL expression
 * domain (alias w), from schema 9's index of the user's own mail; not
 * mail the user's server said was forged in the user's name (it lent
 * an impostor the standing of a correspondent). Once
 * schema 13 widened messages_org the planner took that one instead and
 * read all of a big vendor's mail for a "no" (29 s of a first index of
 * 100,000): named here, and test-store counts the steps. */
/* clang-format off */
#define VT_SQL_WROTE_TO(domain)                                                         \
	"EXISTS (SELECT 1 FROM messages w INDEXED BY messages_written WHERE w.org = " \
	domain " AND w.kind = 1 AND w.direction = 1 AND NOT EXISTS (SELECT 1 FROM suspicions f" \
	" WHERE f.message_id = w.message_id AND f.reason = 'auth'))"
/* clang-format on */

/* ---- strmap.c ---- */

/* Strings to numbers, found by hash. The keys are the caller's, and must
 * outlive the map. */
struct vt_strmap {
	const char **keys; /* NULL: a free slot */
	size_t *values;
	size_t n, cap;
};
/* The number of key, or NULL when it is not in the map. */
size_t *vt_strmap_get(const struct vt_strmap *m, const char *key);
/* The number of key, put in with value first (*added); NULL when out of
 * memory. */
size_t *vt_strmap_add(struct vt_strmap *m, const char *key, size_t value, bool *added);
void vt_strmap_clear(struct vt_strmap *m);

/* ---- documents.c ---- */

/* money_text(MINOR, CURRENCY) in SQL: "$7,800.00". */
void vt_sql_money_text(sqlite3_context *ctx, int argc, sqlite3_value **argv);
/* person_key(NAME) in SQL: the contact key of a name that names a person,
 * else NULL (store/contacts.c). */
void vt_sql_person_key(sqlite3_context *ctx, int argc, sqlite3_value **argv);
/* The thread ids waiting on the vendor (state 1: the user wrote last)
 * or on the user (2: the vendor did), and those of them that do not all
 * the same: snoozed now, or settled by closing their issue since
 * (store/followups.c). waiting:vendor, waiting:me and the W and R marks
 * leave these out, as vtriage waiting and remind do. */
sqlite3_stmt *vt_waiting_stmt(struct vt_store *s, int state, struct vt_error *err);
sqlite3_stmt *vt_waiting_aside_stmt(struct vt_store *s, int state, struct vt_error *err);
/* The thread ids waiting on the vendor, but not yet for the follow-up
 * days (waiting:overdue is the others). */
sqlite3_stmt *vt_waiting_recent_stmt(struct vt_store *s, struct vt_error *err);
/* The clause a query is ANDed with to leave snoozed conversations out,
 * NULL (*out) when none is (store/query.c). */
vt_status vt_snooze_exclusion(struct vt_store *s, char **out, struct vt_error *err);
/* Threads snoozed or woken since the last index run (each named in every
 * query) from which writing their marks at once (an index commit, tens
 * of ms) costs less than naming them: at 99,820 messages 50 named threads
 * added 7-12% to every list (bench/RESULTS.md, "Snoozed threads and every
 * list"). */
#define VT_SNOOZE_NAMED_MAX 32
/* Each active snooze's end onto every message of its thread in the index
 * (rw), and off those no longer snoozed; committed, then recorded
 * (snooze_marks). *written_now: the messages written. */
vt_status vt_snooze_mirror(struct vt_store *s, struct mail_db *rw, unsigned *written_now,
			   struct vt_error *err);
/* Which of the store's tokens says it mirrors the index (db), or NULL
 * (store/search.c). */
const char *vt_mirror_token_key(struct vt_store *s, struct mail_db *db);
/* After vtriage's own writes to rw that move no message between threads
 * (tags, snoozes' marks): the token key named before them renewed. */
void vt_mirror_token_renew(struct vt_store *s, struct mail_db *rw, const char *key);
vt_status vt_contract_record(struct vt_store *s, const struct mail_message_info *info,
			     struct vt_error *err);
/* Records a vendor message's document, if it is one (in a batch). */
vt_status vt_document_record(struct vt_store *s, const struct mail_message_info *info,
			     struct vt_error *err);

/* ---- trust.c ---- */

/* Records what an incoming message says of its own trustworthiness and
 * puts it in scope of the next vt_trust_refresh (temp.trust_scope). */
vt_status vt_trust_record(struct vt_store *s, const struct mail_message_info *info,
			  struct vt_error *err);
/* The reasons for suspicion an incoming message gives by itself, as the
 * judgement of all the mail would give them (names and addresses in
 * From, replies going astray): space-separated, in the order of
 * MAIL_PROP_SUSPECT's values; "" for none. Reads info alone: the index
 * writes them onto the document as it adds it (mail_index_hooks.judge). */
void vt_trust_message_reasons(const struct mail_message_info *info, char *out, size_t len);
/* After indexing: compares new sender domains with the known ones, judges
 * look-alikes, and judges the mail in scope (all incoming mail when full,
 * or when the rules or the believed authserv-ids changed). mail_changed:
 * the run changed the index (false: nothing to judge, unless full).
 * Stops between its steps when *interrupted (VT_ERR_INTERRUPTED, nothing
 * kept: the caller's run is left unfinished, and the next judges all). */
vt_status vt_trust_refresh(struct vt_store *s, const struct vt_config *cfg, bool mail_changed,
			   bool full, volatile const sig_atomic_t *interrupted,
			   struct vt_error *err);
/* After a judging (vt_trust_refresh), the verdicts onto the messages'
 * documents (MAIL_PROP_SUSPECT), those that changed, committed; *written:
 * how many documents changed (the index changed when any did: a token
 * taken before is renewed). */
vt_status vt_trust_mirror(struct vt_store *s, struct mail_db *db,
			  volatile const sig_atomic_t *interrupted, unsigned *written,
			  struct vt_error *err);
/* Whether the documents say the verdicts (suspicious: may ask them). */
bool vt_trust_marks_current(struct vt_store *s);
/* Judges which resembling domains imitate which, from the user's standing
 * with each (after any triage action: a few rows). */
vt_status vt_trust_judge_domains(struct vt_store *s, struct vt_error *err);
/* After a triage action changed vendors (trust, merge, domains, an undo
 * of one): the look-alikes judged again at once, and strangers' mail
 * under the names now known at the next index run. */
vt_status vt_trust_vendors_changed(struct vt_store *s, struct vt_error *err);
/* The bank verdicts of all the mail judged again (in the caller's
 * transaction), after the user accepted or stopped accepting a vendor's
 * bank details. */
vt_status vt_trust_judge_money(struct vt_store *s, struct vt_error *err);
/* Undoes vt_bank_accept from its journal entry (in the caller's
 * transaction). */
vt_status vt_bank_unaccept(struct vt_store *s, const char *kind, const char *value,
			   const char *orgs, struct vt_error *err);
/* The second half alone (a vendor that resembles nothing moved bucket). */
vt_status vt_trust_names_stale(struct vt_store *s, struct vt_error *err);
/* Whether domain resembles one of the vendor's domains (or, vendor_id 0,
 * is judged a look-alike of anything): what merging or adding it would
 * need --force for. why gets the reason. */
vt_status vt_trust_domain_resembles(struct vt_store *s, const char *domain, int64_t vendor_id,
				    bool *resembles, char *why, size_t why_len,
				    struct vt_error *err);

/*
 * SQL the schema's triggers are written with (store/db.c, 15 -> 16) and
 * the contacts read by (store/contacts.c): a change is a new migration.
 * Mail judged to be someone pretending (failed authentication, a name
 * that is not the sender's) names nobody's people; a name like "Jane
 * Doe" (not a desk's, "Sales 2", nor an address) may be one person's
 * trail across organisations.
 */
/* How a bank verdict on a domain's first mail asking to be paid starts
 * (store/trust.c): it says nothing of the details it gives (store/bank.c). */
#define VT_FIRST_ASKS "the first mail from "
#define VT_SQL_IMPOSTOR_REASONS "('" VT_SUSPECT_AUTH "', '" VT_SUSPECT_NAME "')"
/* clang-format off */
#define VT_SQL_NOT_IMPOSTOR(column)                                                         \
	column " NOT IN (SELECT message_id FROM suspicions WHERE reason IN "                 \
	VT_SQL_IMPOSTOR_REASONS ")"
#define VT_SQL_PERSON_NAME(column)                                                          \
	"(" column " GLOB '?* ?*' AND " column " NOT GLOB '*[0-9@]*')"
/* clang-format on */

/* address_counts' stale rows counted again (store/contacts.c). */
vt_status vt_contacts_refresh(struct vt_store *s, struct vt_error *err);
/* org_mail's stale rows counted again (store/vendors.c). */
vt_status vt_vendor_counts_refresh(struct vt_store *s, struct vt_error *err);

/* strdup that never returns NULL silently: NULL in, NULL out. */
char *vt_strdup0(const char *s);

#endif
