/* Internals shared between the files of mail/; never included elsewhere. */
#ifndef VT_MAIL_PRIVATE_H
#define VT_MAIL_PRIVATE_H

#include <notmuch.h>
#include <pthread.h>
#include <stdbool.h>

#include <gmime/gmime.h>

#include "mail.h"

struct mail_db {
	notmuch_database_t *nm;
	enum mail_db_mode mode;
	char *mail_root;
	char *config_path; /* NULL for a reused database */
	char *own_dir; /* our own database's directory (xapian/, create.lock); NULL for a reused one */
	char *xapian_dir; /* its Xapian files */
	bool created;     /* our own index made empty by this open */
	/* our own database's [store] ignore (names and /regex/); a reused
	 * one's is notmuch's new.ignore */
	char **ignore;
	size_t n_ignore;
	/* lists read spans from a posting table this big (SPANS_MIN_POSTING_BYTES) */
	long long spans_min_posting_bytes;
	/* mail_db_commit_begin's thread, closing nm; nm untouchable till joined */
	pthread_t committer;
	bool committing;
	notmuch_status_t commit_status;
	/* the index as this handle's writes left it when a commit closed
	 * it, and how many times it was not so when opened again: another
	 * writer took the lock in between (mail_db_others_wrote) */
	unsigned long commit_revision;
	char commit_uuid[64];
	unsigned long others_wrote;
	/* a writer's: every message carries its month (months.c), so the
	 * revision it leaves is recorded as whole when it closes */
	bool months_whole;
	/* atomic sections ended since notmuch last committed nm, as it
	 * counts them for database.autocommit, and how deep in one the
	 * handle is (mail_db_begin_atomic, mail_db_end_atomic) */
	unsigned long atomic_ends;
	unsigned atomic_depth;
};

/* Whether the next end of an atomic section commits the index: notmuch
 * commits every database.autocommit of them (and each under Xapian's
 * flush threshold 1), else only when the database closes. A walk ends
 * the store's transaction there, not before: failing in between, both
 * lose the same mail (mail/index.c). */
bool mail_db_next_end_commits(const struct mail_db *db);
/* notmuch_database_begin_atomic and _end_atomic, counted for
 * mail_db_next_end_commits: every atomic section on a writer goes
 * through them. notmuch counts (and commits at) the outermost only. */
notmuch_status_t mail_db_begin_atomic(struct mail_db *db);
notmuch_status_t mail_db_end_atomic(struct mail_db *db);

/*
 * Spans pay where sorting every match costs: in a small index the
 * matches of any query are few and cheap to sort, and a thin first span
 * is lost before they are. At 6,046 messages (a posting table of 24 MB)
 * a --limit 50 list without spans: money 1.185 -> 1.140 of notmuch
 * search, tag:unread 1.194 -> 1.180, bucket:generic 1.234 -> 1.143; at
 * 29,956 (39 MB) spans win for tag:unread (1.060 against 1.134) and
 * bucket:generic (1.032 against 1.124), and by far from 99,820 on
 * (bench/RESULTS.md, "Spans in a small index").
 */
#define SPANS_MIN_POSTING_BYTES (32LL << 20)

/* Attribution algorithm version, stored on each message as MAIL_PROP_REV.
 * Bump it when mail_attribute() changes so existing mail is redone. */
#define MAIL_ATTRIBUTION_REV "5"
/* The one before: the same attribution without the month term, which
 * mail_index_run adds to such mail without reading it again. */
#define MAIL_ATTRIBUTION_REV_BEFORE "4"

/* Months (months.c): a month is year * 12 + (month - 1), in UTC. */
#define MAIL_MONTH_NAME_LEN 24
long mail_month_of(long long when);
long long mail_month_start(long month);
void mail_month_name(long month, char out[MAIL_MONTH_NAME_LEN]);
notmuch_status_t mail_message_add_month(notmuch_message_t *msg);
/* Whether every message of the index, as it is open, carries its month. */
bool mail_db_months_whole(struct mail_db *db);
/* Whether the last writer recorded the index, as it is open, as whole. */
bool mail_db_months_sealed(struct mail_db *db);
/* A writer about to close records its revision as whole, if it is. */
void mail_db_months_seal(struct mail_db *db);
/* MAIL_CONFIG_AHEAD's months, at most max: how many, -1 for more (or
 * a value not understood). */
#define MAIL_MONTHS_AHEAD_MAX 48
int mail_months_ahead_parse(const char *value, long *months, int max);
int mail_db_months_ahead(struct mail_db *db, long *months, int max);

/* A Maildir file's path now, when a flag change renamed it (the name
 * before ":2," stays; cur/ or new/), malloc'd; NULL when none is (tags.c). */
char *mail_maildir_renamed(const char *path);

/* MAIL_CONFIG_NEWEST, or 0 (db.c). */
time_t mail_db_newest(struct mail_db *db);
/* MAIL_CONFIG_OLDEST, or -1 where not kept yet */
long long mail_db_oldest(struct mail_db *db);
/* Lists read all mail before this (1980-01-01) as one span. */
#define MAIL_DATED_SINCE 315532800LL
/* MAIL_CONFIG_OLDEST_DATED (at or after MAIL_DATED_SINCE), or -1 */
long long mail_db_oldest_dated(struct mail_db *db);
/* How many writes a writer on the Xapian files in xapian_dir keeps
 * before merging them, as XAPIAN_FLUSH_THRESHOLD: by the index's size. */
const char *mail_db_flush_writes(const char *xapian_dir);
/* A query with the exclusions every list and count has (mail/query.c),
 * and the error for one that fails, naming a malformed query. */
notmuch_query_t *mail_query_create(struct mail_db *db, const char *query);
vt_status mail_query_fail(struct mail_db *db, struct vt_error *err, notmuch_status_t st,
			  const char *query);
/* Translates a notmuch status into ours, with the database's message. */
vt_status mail_nm_fail(struct mail_db *db, struct vt_error *err, notmuch_status_t st,
		       const char *what);

/* Reads the headers attribution needs from a message, attributes it and
 * fills info (strings owned by the message; lists must be cleared). */
void mail_message_describe(notmuch_message_t *msg, const struct mail_index_options *opts,
			   struct mail_message_info *info);
void mail_message_info_clear(struct mail_message_info *info);

/* What a message file alone tells: its attribution, addresses and the
 * sender's signature. Needs no database, so it can be read on another
 * thread (prefetch.c). */
struct mail_file_facts {
	bool parsed; /* false: unreadable or not MIME; the rest is empty */
	struct mail_address from;
	struct mail_address_list to, cc;
	struct mail_attribution attribution;
	bool has_signature;
	struct mail_signature signature;
	struct mail_trust_facts trust;
	struct mail_document document;
	struct mail_contract_facts contract;
	bool auto_reply; /* its headers say it answered by itself */
};
void mail_file_facts_read(const char *path, const struct mail_index_options *opts,
			  struct mail_file_facts *out);
void mail_file_facts_clear(struct mail_file_facts *facts);
/* mail_message_describe with the file's facts already read (taken over:
 * cleared on return). */
void mail_message_describe_with(notmuch_message_t *msg, const struct mail_identity *identity,
				struct mail_file_facts *facts, struct mail_message_info *info);

/* The hooks of a walk (message, batch_begin, batch_end) run on a thread
 * of their own, in order (hook-queue.c). NULL when out of memory. */
struct mail_hook_queue;
struct mail_hook_queue *mail_hook_queue_start(const struct mail_index_hooks *hooks);
/* Hands a message to the message hook: msg is destroyed and info cleared
 * (taken over at once) once it ran. The first hook failure so far, if
 * any, with its error. */
vt_status mail_hook_queue_message(struct mail_hook_queue *q, notmuch_message_t *msg,
				  struct mail_message_info *info, struct vt_error *err);
vt_status mail_hook_queue_batch(struct mail_hook_queue *q, bool begin, struct vt_error *err);
/* Waits until every hook handed over ran: the first failure, if any. */
vt_status mail_hook_queue_drain(struct mail_hook_queue *q, struct vt_error *err);
void mail_hook_queue_stop(struct mail_hook_queue *q);

/* Files read ahead on a worker thread, taken in order 0..n-1; paths and
 * opts must outlive it. Never NULL but when out of memory. */
struct mail_prefetch;
struct mail_prefetch *mail_prefetch_start(char *const *paths, size_t n,
					  const struct mail_index_options *opts);
/* Waits for file i's facts (i one more than the last taken). */
void mail_prefetch_take(struct mail_prefetch *p, size_t i, struct mail_file_facts *out);
void mail_prefetch_stop(struct mail_prefetch *p);

/* Attached messages inside attached messages, read (body.c) and listed
 * (attachment.c) to this depth: a forward of a forward is common; more
 * is no mail but an attack on the stack. */
#define MAIL_MESSAGE_DEPTH_MAX 8

/* A message file parsed by GMime (NULL after err: VT_ERR_IO unreadable,
 * VT_ERR_PROTOCOL unparsable); g_object_unref() it. */
GMimeMessage *mail_parse_file(const char *path, struct vt_error *err);
/* The same, of a file of more parts than a reader takes (thousands: an
 * attack on memory and time) only the first ones (body.c), and
 * mail_message_parts_cut then says so. For reading, never for sending
 * the message on. */
GMimeMessage *mail_parse_file_bounded(const char *path, struct vt_error *err);
bool mail_message_parts_cut(GMimeMessage *message);
/* A header of the message file as notmuch_message_get_header gives it
 * (decoded; "" when absent or unreadable), read from the file's header
 * alone: notmuch parses every part of it for one not in its index and
 * keeps them while the message lives. malloc'd (NULL out of memory). */
char *mail_file_header(const char *path, const char *name);
/* mail_parse_file_bounded for a reader that takes an unparsable file as
 * one without text or parts: only an unreadable one is an error;
 * *message NULL for the other. */
vt_status mail_parse_file_or_none(const char *path, GMimeMessage **message, struct vt_error *err);
/* HTML as text through libxml2's HTML parser, loaded on first use
 * (mail/html.c): blocks on their own lines, list items as "* ", with
 * links each link's target after its text as " <URL>"; NULL (err says
 * why) when libxml2 cannot be loaded. */
GString *mail_html_text(const char *html, size_t len, bool links, struct vt_error *err);
vt_status mail_attachment_list_of(GMimeMessage *message, struct mail_attachment_list *out,
				  struct vt_error *err);
/* The readable text of a parsed message (see mail_body_text); message may
 * be NULL (empty text). malloc'd. */
char *mail_body_text_of(GMimeMessage *message, size_t max_bytes);
/* A helpdesk's receipt of the user's mail (mail/receipt.c), by its
 * subject ("Request received: ...", "[Acme] Ticket received - ...";
 * NULL: none) or by its text's opening ("Your request (12345) has been
 * received", "We have received your request #12345"; NULL: none). The
 * words alone: the caller asks whether a machine wrote it. */
bool mail_receipt_subject(const char *subject);
bool mail_receipt_opening(const char *body);
/* Whether address (NULL: none) is a help desk's mailbox (support@,
 * helpdesk@, noreply@ ...), which a receipt may come from unmarked. */
bool mail_receipt_desk(const char *address);
/* The same text with the HTML form of each alternative instead of its
 * plain text (what most mail clients show), or NULL when the message
 * has no such alternative. malloc'd. */
char *mail_body_html_alternative_of(GMimeMessage *message, size_t max_bytes);
/* Calls fn for each part of message, an attached message's parts right
 * after it (depth: in how many attached messages), as deep as the pager
 * reads them: a vendor's invoice forwarded as an attachment is read as
 * the invoice it is. */
typedef void (*mail_part_fn)(GMimeObject *part, int depth, void *data);
void mail_message_foreach_deep(GMimeMessage *message, mail_part_fn fn, void *data);
/* The text of the nth (from 0) text/html part that is no attachment, in
 * attached messages too, decoded to UTF-8 (at most max_bytes), or NULL
 * when there is none. */
char *mail_body_html_at(GMimeMessage *message, size_t nth, size_t max_bytes);
/* The text (as the pager shows HTML) of the nth (from 0) text/html part
 * that is an attachment, at most max_bytes, or NULL when there is none.
 * malloc'd. */
char *mail_body_html_attachment_text(GMimeMessage *message, size_t nth, size_t max_bytes);
/* The file names of a message's attachments, in attached messages too
 * (at most max, borrowed from the message); how many. */
size_t mail_attachment_names(GMimeMessage *message, const char **names, size_t max);
/* The decoded bytes of a message's PDF attachments, in attached messages
 * too (at most max of them, each cut at max_bytes); how many. Free each
 * with g_byte_array_free. */
size_t mail_attachment_pdfs(GMimeMessage *message, GByteArray **out, size_t max, size_t max_bytes);
/* Parses len bytes the PDF helper (or the cache) answered into res:
 * "vtriage-pdf 1", then "status ...", "xml-FIELD VALUE" lines, and
 * "text" followed by the text layer (copied into res). Its bytes come
 * from the PDF's author: fuzzed (tests/fuzz/fuzz-pdf-answer.c). */
void mail_pdf_parse_answer(const char *answer, size_t len, struct mail_pdf_result *res);
/* Writes info's attribution, the kind of document it is and the reasons
 * for suspicion it gives by itself (space-separated, MAIL_PROP_SUSPECT)
 * as properties of msg (fresh: just indexed, no properties yet). */
notmuch_status_t mail_message_store_attribution(notmuch_message_t *msg,
						const struct mail_attribution *attr,
						enum mail_doc_kind doc, const char *suspect,
						bool fresh);
/* Adds each space-separated value of values (NULL: none) as a property
 * key of msg. */
notmuch_status_t mail_message_add_property_values(notmuch_message_t *msg, const char *key,
						  const char *values);

/* "(thread:ID or ...) and (QUERY)" for n thread numbers, or with `but`
 * "(QUERY) and not (thread:ID or ...)"; NULL when out of memory. */
char *mail_threads_naming(const uint64_t *ids, long n, const char *query, bool but);
/* The first `limit` threads of a query (< 0: all), straight from
 * notmuch, newest first; no further once *stop (if given) is set. */
vt_status mail_list_threads(struct mail_db *db, const char *query_string, long limit,
			    vt_status (*fn)(void *ctx, const struct mail_thread *t,
					    struct vt_error *err),
			    void *ctx, const bool *stop, struct vt_error *err);
/* mail_thread_order_step returns as a span of dates is read to its end
 * (a query with few recent matches is then sorted whole instead). */
void mail_thread_order_pause_at_span_ends(struct mail_thread_order *o);
/* Spans read to their end so far, when pausing there. */
int mail_thread_order_spans_read(const struct mail_thread_order *o);
/* The months those spans cover, where spans are months (else 0). */
long mail_thread_order_months_read(const struct mail_thread_order *o);
/* The query's matches in all the index's months, guessed from those read
 * (where spans are months, else 0). */
long mail_thread_order_matches_guess(const struct mail_thread_order *o);
/* mail_thread_order_emit, a thread of one message written from the
 * message (mail_search_threads_known). */
vt_status mail_thread_order_emit_known(struct mail_thread_order *o, long from, long n,
				       const struct mail_thread_sizes *sizes,
				       vt_status (*fn)(void *ctx, const struct mail_thread *t,
						       struct vt_error *err),
				       void *ctx, struct vt_error *err);
/* Threads [offset, offset + limit) (limit < 0: all the rest) from the
 * newest mail's threads read first; a first screen the newest month
 * does not fill comes from a sort of every match: with `sizes`, a thread
 * of one message written from the message (mail_search_threads_known). */
vt_status mail_search_from(struct mail_db *db, const char *query, long offset, long limit,
			   vt_status (*fn)(void *ctx, const struct mail_thread *t,
					   struct vt_error *err),
			   void *ctx, const struct mail_thread_sizes *sizes, struct vt_error *err);
/* The threads named (ids, n) that have a message matching query, in no
 * order; a thread of one message, by sizes->of_thread, written from it. */
vt_status mail_list_named_threads_known(struct mail_db *db, const uint64_t *ids, long n,
					const char *query, const struct mail_thread_sizes *sizes,
					vt_status (*fn)(void *ctx, const struct mail_thread *t,
							struct vt_error *err),
					void *ctx, struct vt_error *err);
/* The first `limit` threads (< 0: all) by a sort of every match, a thread
 * of one message written from the message. */
vt_status mail_list_threads_known(struct mail_db *db, const char *query, long limit,
				  const struct mail_thread_sizes *sizes,
				  vt_status (*fn)(void *ctx, const struct mail_thread *t,
						  struct vt_error *err),
				  void *ctx, struct vt_error *err);
/* Whether notmuch sorts every match of the query sooner than the newest
 * mail's threads are read (a thread, a message, a vendor's mail). */
bool mail_query_narrow(const char *query);
/* Whether a list's first threads are read from the newest mail's spans
 * rather than from every match sorted: a broad query in an index big
 * enough for the sort to cost (its posting table's size). */
bool mail_query_spans_pay(struct mail_db *db, const char *query);
/* A copy of t into the first empty slot (thread_id NULL) whose id in ids
 * is t's; nothing when none is: threads asked for by name, put back in
 * the order they were named. */
vt_status mail_thread_put(const uint64_t *ids, long n, struct mail_thread *slots,
			  const struct mail_thread *t, struct vt_error *err);
/* Calls visit for every message of query (made by the caller, with its
 * exclusions; destroyed here, NULL: out of memory) in the order `sort`
 * gives, until it fails. query_string names it in errors. */
typedef vt_status (*mail_message_visit)(void *ctx, notmuch_message_t *msg, struct vt_error *err);
vt_status mail_query_visit(struct mail_db *db, notmuch_query_t *query, const char *query_string,
			   notmuch_sort_t sort, mail_message_visit visit, void *ctx,
			   struct vt_error *err);
/* ---- address.c ---- */
/* GMime's parse of an address header; where that finds no mailbox (an
 * unquoted special or control in the display name) but the header is one
 * angle address after a name, that address with the name decoded. NULL
 * (or a list without a mailbox) where neither reads it; the caller
 * unrefs. */
InternetAddressList *mail_address_list_gmime(const char *header);

/* ---- thread-summary.c: threads as notmuch's thread summary writes
 * them, for a list sorted newest first ---- */
/* The author notmuch's summary gives a message of this From: its first
 * address's name, "Last, First" turned round where the address spells
 * it so, or the address where the name is empty; *out (malloc'd) NULL
 * where it gives none (no From, no address, a group without a name).
 * -1: out of memory. */
int mail_summary_author(const char *from, char **out);
/* A thread of one message, from that message: -1 when out of memory. */
int mail_thread_fill_lone(notmuch_message_t *msg, const char *thread_id, struct mail_thread *t);
/* The threads named (ids, n) that have a message matching query, in no
 * order, each as notmuch would list it, built from one query over their
 * messages and one for their matches. */
vt_status mail_summarise_threads(struct mail_db *db, const uint64_t *ids, long n, const char *query,
				 vt_status (*fn)(void *ctx, const struct mail_thread *t,
						 struct vt_error *err),
				 void *ctx, struct vt_error *err);
/* notmuch names a thread by its newest match: an out-of-office reply or
 * a help desk's receipt, come last, named the conversation "Automatic
 * reply: ..." (a subject mail_is_auto_reply knows). t's subject is then
 * plain's, the first subject in the thread no machine wrote (NULL:
 * none, the subject stays). -1 when out of memory. */
int mail_thread_subject_by_people(struct mail_thread *t, const char *plain);
/* Appends the tags the iterator gives to t's: -1 when out of memory. */
int mail_thread_add_tags(struct mail_thread *t, notmuch_tags_t *tags);
/* Adds what msg carries of suspicion to t's (struct mail_thread): -1
 * when out of memory. */
int mail_thread_add_suspicion(struct mail_thread *t, notmuch_message_t *msg);
/* The vendor organisation msg is attributed to, or NULL. malloc'd. */
char *mail_message_vendor_org(notmuch_message_t *msg);

/* ---- dir-files.c: the index's file count of each directory, as the
 * last completed run left it ---- */
struct mail_dir_count {
	uint64_t key; /* mail_path_hash of the directory */
	long files;   /* -1: the directory left the index */
	size_t order; /* of changes, the last wins */
};
struct mail_dir_files {
	struct mail_dir_count *v;
	size_t count, cap;
	bool known; /* parsed from a last run's record */
};
/* FNV-1a of a path. */
uint64_t mail_path_hash(const char *path);
/* The record text (mail_index_options.dirs_known) sorted for lookups;
 * false, and known unset, when there is none or it is malformed. */
bool mail_dir_files_parse(const char *text, struct mail_dir_files *m);
/* The files the record gives a directory; -1 when it has none. */
long mail_dir_files_get(const struct mail_dir_files *m, const char *path);
/* A directory's count after this run (-1: it left the index). */
vt_status mail_dir_files_set(struct mail_dir_files *m, const char *path, long files,
			     struct vt_error *err);
/* An entry by its key; the entries sorted by key. */
vt_status mail_dir_files_set_key(struct mail_dir_files *m, uint64_t key, long files,
				 struct vt_error *err);
void mail_dir_files_sort(struct mail_dir_files *m);
/* The record of before with the changes made (changes is sorted in the
 * process); NULL when out of memory. malloc'd. */
char *mail_dir_files_text(const struct mail_dir_files *before, struct mail_dir_files *changes);
void mail_dir_files_clear(struct mail_dir_files *m);

/* ---- other mail programs' files in the Maildir tree (sync-state.c) ---- */

enum mail_state_entry { MAIL_STATE_NONE, MAIL_STATE_FILE, MAIL_STATE_DIR };
/* Whether a file or a directory of this name (in the mail root's own
 * directory: at_root) would be another mail program's, not mail. */
enum mail_state_entry mail_sync_state_entry(const char *name, bool at_root);
/* Bump when those names change: every directory is listed again once. */
#define MAIL_SYNC_STATE_REV "1"

#endif
