/*
 * mail/ — bytes from outside: the notmuch index, header and address
 * parsing, vendor attribution and text sanitising.
 *
 * This is the library's one public header. Nothing here includes notmuch,
 * GMime or libpsl headers: those stay behind mail/private.h.
 *
 * Ownership: unless a comment says otherwise, strings passed in are
 * borrowed for the duration of the call, and structures returned through
 * out-parameters belong to the caller and are released with the matching
 * *_free() function, which also clears the caller's pointer.
 */
#ifndef VT_MAIL_H
#define VT_MAIL_H

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "status.h"

/* ---- configuration values ----------------------------------------- */

/* A yes/no value of the configuration: yes, true, on, 1 or no, false,
 * off, 0 (any case). False, *out untouched, for anything else. */
bool mail_bool_parse(const char *value, bool *out);

/* ---- the progress protocol (mail/progress.c) ------------------------- */
/*
 * What `vtriage sync --progress=lines` and `vtriage index
 * --progress=lines` tell the program that runs them (the interface): one
 * line per event, fields separated by tabs, text fields sanitised (so no
 * tab or newline inside), errors as status tokens:
 *   progress FETCHED TO_FETCH ACCOUNT FOLDER
 *   folder-failed STATUS ACCOUNT FOLDER WHY
 *   error STATUS STAGE ACCOUNT WHY   (STAGE: sync, index, mirror or
 *                              watch; ACCOUNT empty but for sync, mirror)
 *   indexing                   (about to write the index: hold writes)
 *   summary TEXT               (a round ended; the index is closed)
 *   idle ACCOUNT               (waiting for the server: IDLE)
 * Defined here once: mail_progress_line writes, mail_progress_parse reads.
 */
enum mail_progress_kind {
	MAIL_PROGRESS_OTHER, /* not a protocol line (a stray message) */
	MAIL_PROGRESS_FETCH,
	MAIL_PROGRESS_FOLDER_FAILED,
	MAIL_PROGRESS_ERROR,
	MAIL_PROGRESS_INDEXING,
	MAIL_PROGRESS_SUMMARY,
	MAIL_PROGRESS_IDLE,
};

/* What a parsed line keeps (longer lines are cut). */
#define MAIL_PROGRESS_LINE_MAX 2048

struct mail_progress_event {
	enum mail_progress_kind kind;
	unsigned fetched, to_fetch;        /* FETCH */
	vt_status status;                  /* FOLDER_FAILED, ERROR */
	const char *stage;                 /* ERROR */
	const char *account;               /* FETCH, FOLDER_FAILED, ERROR, IDLE */
	const char *folder;                /* FETCH, FOLDER_FAILED */
	const char *text;                  /* WHY, TEXT, or the whole OTHER line */
	char line[MAIL_PROGRESS_LINE_MAX]; /* parsed events point into it */
};

/* ev as one protocol line, without its newline (malloc'd; NULL only when
 * out of memory). Text fields (NULL: empty) are sanitised; ev->line is
 * not read. */
char *mail_progress_line(const struct mail_progress_event *ev);
/* Parses one line into ev, whose fields then point into ev->line (never
 * NULL: "" when absent); a malformed protocol line is OTHER. Never fails. */
void mail_progress_parse(const char *line, struct mail_progress_event *ev);

/* ---- sanitising untrusted text --------------------------------------- */

/*
 * Returns a malloc'd copy of len bytes of untrusted text that is valid
 * UTF-8 and carries no control characters: C0/C1 controls, DEL, ESC,
 * bidi overrides/isolates and invalid bytes become visible placeholders
 * (U+FFFD for invalid bytes, "^X" for C0, "<U+202E>" for C1 and bidi
 * controls, named so as not to look like a charset bug; U+2426-style
 * symbols are not used because they need fonts). Newlines and tabs are kept only when
 * keep_newlines is true; otherwise they become single spaces. Never NULL
 * unless out of memory.
 */
char *mail_sanitize(const char *text, size_t len, bool keep_newlines);
/* Same for a NUL-terminated string; NULL gives "". */
char *mail_sanitize_str(const char *text);

/* Decodes one UTF-8 sequence of at most len bytes; returns its length,
 * or 0 when invalid (overlong, surrogate, beyond U+10FFFF, truncated).
 * The project's one hand-written decoder (sanitize.c). */
size_t mail_utf8_decode(const unsigned char *s, size_t len, uint32_t *cp);
/* The length of s's longest prefix of at most max bytes that does not
 * end inside a character: for "%.*s", where "%.40s" would cut "é" in
 * two and show (or store) U+FFFD. */
size_t mail_utf8_prefix(const char *s, size_t max);
/* Whether a NUL-terminated string is valid UTF-8 throughout. */
bool mail_utf8_valid(const char *s);
/* Whether cp reorders the text around it: bidi embeddings, overrides,
 * isolates and marks. */
bool mail_bidi_control(uint32_t cp);
/* Whether cp is drawn as nothing: zero-width spaces and joiners, word
 * joiners, the BOM, variation selectors, tag characters. */
bool mail_invisible(uint32_t cp);
/* Whether text (NULL too) shows as nothing: empty, blank, or only
 * characters drawn as nothing (mail_invisible) or as space. */
bool mail_shows_nothing(const char *text);
/* A subject as a list or a pager shows it: itself, or "(no subject)"
 * (static) where it would show as nothing (a kilobyte of zero-width
 * spaces made an empty row). */
const char *mail_subject_shown(const char *subject);

/* Lower-cases ASCII letters in place (addresses, domains). */
void mail_ascii_lower(char *s);

/* ---- organisations and vendor attribution ---------------------------- */

enum mail_kind {
	MAIL_KIND_NONE = 0, /* no usable sender */
	MAIL_KIND_VENDOR,   /* from (or to) an organisation */
	MAIL_KIND_PERSONAL, /* freemail or ISP sender */
	MAIL_KIND_LIST,     /* discussion-list traffic */
	MAIL_KIND_OWN,      /* between the user and their own organisation */
};

enum mail_direction {
	MAIL_DIR_IN = 0, /* written by someone else */
	MAIL_DIR_OUT,    /* written by the user */
};

/* Whether a message answered by itself: Auto-Submitted: auto-replied
 * (RFC 3834), X-Autoreply, X-Autorespond, Precedence: auto_reply (each
 * header's value, NULL when absent), or a subject an out-of-office
 * assistant writes ("Automatic reply:", "Out of Office:",
 * "Abwesenheitsnotiz:", ...) or a help desk's receipt ("Request
 * received: ...", mail/receipt.c). Not "auto-generated" alone: a
 * vendor's billing system sends its bills so, Zendesk its agents'
 * answers. */
bool mail_is_auto_reply(const char *auto_submitted, const char *x_autoreply,
			const char *x_autorespond, const char *precedence, const char *subject);

const char *mail_kind_name(enum mail_kind kind);
bool mail_kind_parse(const char *name, enum mail_kind *out);

/* The user, as attribution needs to know them. All strings lower case. */
struct mail_identity {
	const char *const *addresses; /* the user's own addresses */
	size_t n_addresses;
	const char *const *own_domains; /* organisation domains of the user */
	size_t n_own_domains;
	const char *const *personal_domains; /* extra non-vendor domains */
	size_t n_personal_domains;
};

#define MAIL_DOMAIN_MAX 256

struct mail_headers {
	/* header values as in the file (unfolded; RFC 2047 words still
	 * encoded: the address parser decodes display names only); NULL when
	 * absent */
	const char *from;
	const char *to;
	const char *cc;
	const char *list_id;
	const char *list_post;
};

struct mail_attribution {
	enum mail_kind kind;
	enum mail_direction direction;
	char org[MAIL_DOMAIN_MAX];      /* organisation domain, "" if none */
	char list_org[MAIL_DOMAIN_MAX]; /* organisation of the list, if any */
};

/*
 * The organisation (registrable) domain of a host name or of an address's
 * domain: "rep@mail.acme.com" -> "acme.com", "list.theregister.co.uk" ->
 * "theregister.co.uk". Uses the public suffix list (libpsl). Writes a
 * lower-case result into out and returns true, or false when there is no
 * registrable domain (an IP literal, a bare suffix, garbage).
 */
bool mail_org_domain(const char *host_or_address, char *out, size_t outlen);
/* true for freemail and ISP organisation domains of the built-in list. */
bool mail_org_is_personal(const char *org);

/*
 * Decides whose mail this is. Pure: no I/O. identity may be NULL.
 */
void mail_attribute(const struct mail_identity *identity, const struct mail_headers *headers,
		    struct mail_attribution *out);

/* ---- addresses --------------------------------------------------------- */

struct mail_address {
	char *name;    /* decoded display name, "" when none */
	char *address; /* lower-cased addr-spec */
};

struct mail_address_list {
	struct mail_address *items;
	size_t count;
};

/* Parses an address header value (RFC 5322, RFC 2047 words decoded, groups
 * flattened). Never fails: unparsable parts are skipped. */
void mail_address_list_parse(const char *header, struct mail_address_list *out);
void mail_address_list_clear(struct mail_address_list *list);
/* An address with its domain as mail_domain_display shows it (malloc'd;
 * the local part is still untrusted text: sanitise it for a terminal). */
char *mail_address_display(const char *address);

/* ---- the notmuch index -------------------------------------------------- */

struct mail_db;

enum mail_db_mode { MAIL_DB_READ_ONLY, MAIL_DB_READ_WRITE };

struct mail_db_location {
	/* Either our own database (created on first use in a split layout:
	 * xapian files under data_dir, mail under mail_root) ... */
	const char *data_dir;
	/* where data_dir was set, which its errors name (NULL: none) */
	const char *data_dir_origin;
	const char *mail_root;
	/* where mail_root was set, which its errors name (NULL: none) */
	const char *mail_root_origin;
	/* with names or /regex/ (over the path below mail_root) the index
	 * passes by, as notmuch's new.ignore; other mail programs' files
	 * are passed by in either database (sync-state.c) */
	const char *const *ignore;
	size_t n_ignore;
	/* ... or an existing notmuch database (its path; the user's notmuch
	 * config supplies its mail root). Takes precedence when set. */
	const char *notmuch_db;
	/* where notmuch_db was set, which its errors name (NULL: none) */
	const char *notmuch_db_origin;
};

vt_status mail_db_open(const struct mail_db_location *loc, enum mail_db_mode mode,
		       struct mail_db **out, struct vt_error *err);
void mail_db_close(struct mail_db **db);
/*
 * Rewrites our own index with its tables' blocks full (Xapian's compact):
 * about half the disk after a first index, and fewer blocks for every
 * later run to read and write. What was written is committed first; the
 * database stays open, writable, after. A database the user brought
 * (notmuch_db) is left as it is. An error leaves the index as it was.
 */
vt_status mail_db_compact(struct mail_db *db, struct vt_error *err);
/*
 * Commits what was written to our own index on a thread of its own, so
 * that the caller can go on with work that needs no index (the store's)
 * while Xapian merges and syncs its tables: nothing may touch db until
 * mail_db_commit_wait, which joins the thread, says whether the commit
 * held, and opens the index again, writable. A database the user brought
 * is committed when closed, as before; for it both do nothing.
 */
void mail_db_commit_begin(struct mail_db *db);
/* The writes between begin and end (on a handle open for writing) reach
 * the index as one, at the end: a change of many messages is one commit
 * instead of one every few messages. Nestable; a handle closed before
 * the end loses them all. */
vt_status mail_db_begin_writes(struct mail_db *db, struct vt_error *err);
vt_status mail_db_end_writes(struct mail_db *db, struct vt_error *err);
vt_status mail_db_commit_wait(struct mail_db *db, struct vt_error *err);
/* How many of db's commits found, opening the index again, that another
 * writer had changed it while it stood closed (the lock is let go for
 * the moment): a caller saying "the index is as my writes left it"
 * compares this before and after them. */
unsigned long mail_db_others_wrote(const struct mail_db *db);
/* The mail root notmuch indexes (owned by db). */
const char *mail_db_mail_root(const struct mail_db *db);
/* Whether this open made vtriage's own index, empty (none was there). */
bool mail_db_created(const struct mail_db *db);
/* The size of the index's posting table in bytes, 0 if unknown: how big
 * the index is, for choosing between ways of reading it, without a read
 * of it (a count of its messages reads every one). */
long long mail_db_posting_bytes(const struct mail_db *db);
/* Lists read the newest mail's spans first only in an index whose
 * posting table is this big (a smaller one sorts its few matches
 * sooner); tests of the spans on a small index set 0. */
void mail_db_set_spans_min_posting_bytes(struct mail_db *db, long long bytes);
/* mkdir -p path (0700 for what it creates). */
vt_status mail_make_dirs(const char *path, struct vt_error *err);
/* The same for the data directory, set at origin ("FILE:LINE: [store]
 * data"; NULL: none): a path that cannot be made (under a file, on a
 * file system without it) is the configuration's error, VT_ERR_CONFIG
 * naming origin. */
vt_status mail_make_data_dir(const char *path, const char *origin, struct vt_error *err);

/* How mail_write_file gives the bytes their name. */
enum mail_write_how {
	MAIL_WRITE_REPLACE, /* over what is there */
	MAIL_WRITE_NEW,     /* only where nothing is (else EEXIST) */
};
/* Writes len bytes of data to path whole or not at all (files.c): a
 * temporary name in the same directory, synced, then renamed (or
 * linked) into place and the directory synced; on an error the file is
 * as it was and the error names path. The new file is 0600. */
vt_status mail_write_file(const char *path, const char *data, size_t len, enum mail_write_how how,
			  struct vt_error *err);
/* fsync of the directory that holds path, so that a rename or link
 * into it lasts. */
vt_status mail_sync_parent(const char *path, struct vt_error *err);
/* fsync of the directory dir (EINVAL, a file system without it, is no
 * error). */
vt_status mail_sync_dir(const char *dir, struct vt_error *err);
/* Path of the notmuch config file describing our own database, or NULL for
 * a reused database: lets tools run "NOTMUCH_CONFIG=... notmuch ...". */
const char *mail_db_config_path(const struct mail_db *db);
/*
 * Whether another process holds the index's write lock right now (a sync
 * or `notmuch new` indexing): opening READ_WRITE would then block until it
 * is done. A probe, not a reservation: the lock may be taken a moment
 * later. db may be a read-only handle. False when it cannot tell.
 */
bool mail_db_writer_busy(const struct mail_db *db);

/* What index hands to the store for each message it adds or attributes. */
#define MAIL_SIGNATURE_PHONES 4

/* A person's sign-off block, as found in a message body. Empty strings
 * for what is absent. Untrusted text: sanitise before display. */
struct mail_signature {
	char name[128];
	char title[128];
	char phones[MAIL_SIGNATURE_PHONES][48]; /* kept as written */
	size_t n_phones;
	char manager[128]; /* from "my manager is ...", "" when none */
};

/* ---- trust: what tells a vendor's real mail from an impostor's ------- */
/*
 * Invoice fraud borrows a known vendor's standing: a look-alike domain, a
 * forged From that fails authentication, new bank details. The functions
 * below read those signals from untrusted bytes; none needs a database,
 * and each is a pure function (fuzzed: tests/fuzz/).
 */

/* -- Authentication-Results (RFC 8601), mail/authres.c -- */

/* A method's result, as RFC 8601 and its registry name them. */
enum mail_auth_result {
	MAIL_AUTH_NONE = 0, /* "none", or a result word we do not know */
	MAIL_AUTH_PASS,
	MAIL_AUTH_FAIL,
	MAIL_AUTH_SOFTFAIL,
	MAIL_AUTH_NEUTRAL,
	MAIL_AUTH_TEMPERROR,
	MAIL_AUTH_PERMERROR,
	MAIL_AUTH_POLICY,
};

/* Results kept per header; a header with more is truncated, never
 * overflowed (OpenDMARC's stack overflow was a 17th result). */
#define MAIL_AUTHRES_ITEMS 16

struct mail_authres_item {
	char method[16]; /* "dkim", "spf", "dmarc", "arc", ...: lower case */
	enum mail_auth_result result;
	/* The domain the result speaks for, lower case, "" when absent:
	 * dkim header.d (or the domain of header.i), spf smtp.mailfrom's
	 * domain (or smtp.helo), dmarc header.from. */
	char domain[MAIL_DOMAIN_MAX];
};

struct mail_authres {
	/* The server that wrote the header; "" when it names none (Office
	 * 365 writes headers that start with a result). */
	char authserv_id[MAIL_DOMAIN_MAX];
	struct mail_authres_item items[MAIL_AUTHRES_ITEMS];
	size_t count;
	bool truncated; /* more results than MAIL_AUTHRES_ITEMS */
};

/*
 * Parses one Authentication-Results header value: len bytes, raw (folded
 * or not, comments and quoted strings anywhere CFWS may be). Returns false
 * when it is not an Authentication-Results value at all; out is then
 * empty. "authserv-id; none" is a valid header with no results. Never
 * reads beyond len, never writes beyond out.
 */
bool mail_authres_parse(const char *value, size_t len, struct mail_authres *out);

enum mail_auth_verdict {
	MAIL_AUTH_VERDICT_UNKNOWN = 0, /* nothing conclusive */
	MAIL_AUTH_VERDICT_PASS,
	MAIL_AUTH_VERDICT_FAIL,
};

/*
 * What one header says of a message whose From has the organisation
 * domain from_org. Pass: DMARC passed, or DKIM or SPF passed for a domain
 * of from_org's organisation (DMARC's relaxed alignment). Fail: DMARC
 * failed, or DKIM or SPF failed (SPF softfail too) and nothing aligned
 * passed. why gets a phrase for the user ("DKIM and DMARC failed",
 * "DKIM passed for evil.example, not acme.example"), "" for pass.
 */
enum mail_auth_verdict mail_authres_verdict(const struct mail_authres *ar, const char *from_org,
					    char *why, size_t why_len);

/*
 * The organisation domain the first DKIM pass (else SPF pass) of ar was
 * for when it is not from_org's, into org (len bytes); false, org "",
 * when every pass was from_org's or nothing passed. What a mail service
 * signing with its own domain, or a forger with theirs, is known by.
 */
bool mail_authres_passed_for(const struct mail_authres *ar, const char *from_org, char *org,
			     size_t len);

/* -- amounts of money, mail/amount.c -- */

/* An amount: minor units (cents; yen; fils, a thousandth of a dinar) of
 * an ISO 4217 currency. Never a float. */
struct mail_money {
	int64_t minor;
	char currency[4]; /* "USD"; "" when the text names none */
};

/* Which separator a writer uses for decimals. */
enum mail_decimal { MAIL_DECIMAL_UNKNOWN, MAIL_DECIMAL_DOT, MAIL_DECIMAL_COMMA };

struct mail_amount {
	struct mail_money money;
	size_t start, end; /* its bytes in the text, sign and currency included */
	/* "12,500" and "1.899": one separator before three digits reads
	 * either way; money is the reading the hint (or, lacking one, the
	 * currency) chose and alt_minor the other */
	bool ambiguous;
	int64_t alt_minor;
	/* the convention the amount shows, when it shows one */
	enum mail_decimal decimal;
};

/* Minor-unit digits of an ISO 4217 code we know (JPY 0, KWD 3, most 2);
 * -1 for a code we do not. */
int mail_currency_digits(const char *code);
/* "$" for USD, "€" for EUR...: the symbol shown before amounts, or NULL
 * (the code is shown). */
const char *mail_currency_symbol(const char *code);

/*
 * Finds the next amount in text[*pos, len) (untrusted, not
 * NUL-terminated) and moves *pos past it. With require_currency, only
 * amounts with a currency symbol or code beside them ("$2,500.00", "USD
 * 2500", "2.500,00 €"); without, bare numbers too (a labelled total).
 * False when there is none.
 */
bool mail_amount_next(const char *text, size_t len, size_t *pos, bool require_currency,
		      enum mail_decimal hint, struct mail_amount *out);
/* The whole of s (spaces around allowed) as one amount. */
bool mail_amount_parse(const char *s, enum mail_decimal hint, struct mail_amount *out);
/* "$7,800.00", "-€45.00", "CHF 1,049.95", "¥12,000": the amount as
 * vtriage shows it. Returns the length it wanted, as snprintf. */
size_t mail_money_format(const struct mail_money *m, char *buf, size_t len);

/* -- dates in mail text, mail/date.c -- */

/* Which comes first in a slashed date, as a vendor writes them. */
enum mail_date_order { MAIL_DATE_ORDER_UNKNOWN, MAIL_DATE_MDY, MAIL_DATE_DMY };

struct mail_date {
	int year, month, day;
	size_t start, end; /* its bytes in the text */
	/* a slashed date read month first that reads day first too */
	bool ambiguous;
};

bool mail_date_valid(int year, int month, int day);
/* Finds the next date in text[*pos, len) (untrusted, not NUL-terminated)
 * and moves *pos past it. */
bool mail_date_next(const char *text, size_t len, size_t *pos, enum mail_date_order order,
		    struct mail_date *out);
/* "2026-12-15" */
void mail_date_iso(const struct mail_date *d, char out[11]);

/* -- contract dates in vendor mail, mail/contract.c -- */

enum mail_contract_kind {
	MAIL_CONTRACT_CONTRACT = 0,
	MAIL_CONTRACT_MAINTENANCE,
	MAIL_CONTRACT_LICENSE,
	MAIL_CONTRACT_SUBSCRIPTION,
};
/* What the date is to the contract. */
enum mail_contract_event {
	MAIL_CONTRACT_EXPIRES = 0, /* "expires on", "gültig bis", "valid until" */
	MAIL_CONTRACT_RENEWS,      /* "auto-renews on", "renewal date" */
	MAIL_CONTRACT_TERM,        /* the end of a term "01.02.2026 – 31.01.2027" */
};
const char *mail_contract_kind_name(enum mail_contract_kind kind);
bool mail_contract_kind_parse(const char *name, enum mail_contract_kind *out);
const char *mail_contract_event_name(enum mail_contract_event event);

#define MAIL_CONTRACT_DATES_MAX 4
struct mail_contract_date {
	char date[11]; /* "YYYY-MM-DD" */
	enum mail_contract_event event;
	bool ambiguous;   /* a slashed date that reads both ways */
	char phrase[120]; /* its line, controls blanked (unsanitised otherwise) */
};
struct mail_contract_facts {
	enum mail_contract_kind kind; /* what the message names */
	struct mail_contract_date items[MAIL_CONTRACT_DATES_MAX];
	size_t count;
};
/*
 * The contract dates of a message's text (quoted replies left out): a date
 * after an expiry, renewal or term phrase on its line, in English, German,
 * French, Spanish, Dutch or Italian, when the text names a contract,
 * subscription, licence or maintenance at all. Slashed dates follow order
 * (else are read month first, ambiguous when both readings are dates);
 * invalid dates are none. Each date once.
 */
void mail_contract_scan(const char *text, size_t len, enum mail_date_order order,
			struct mail_contract_facts *out);

/* -- quotes and bills, mail/document.c -- */

enum mail_doc_kind {
	MAIL_DOC_NONE,
	MAIL_DOC_QUOTE,   /* quotation, proposal, offer, Angebot, devis... */
	MAIL_DOC_BILL,    /* invoice, statement, Rechnung, facture... */
	MAIL_DOC_ORDER,   /* order confirmation, shipping notice */
	MAIL_DOC_PAYMENT, /* receipt, remittance, payment reminder */
	MAIL_DOC_CREDIT,  /* credit note, Gutschrift, avoir: money back */
};
#define MAIL_DOC_KIND_LAST MAIL_DOC_CREDIT
/* "quote", "bill", "order", "payment", "credit", "" for none */
const char *mail_doc_kind_name(enum mail_doc_kind kind);
enum mail_doc_kind mail_doc_kind_from_name(const char *name);

/* Where the figures were read, most exact first. */
enum mail_doc_source {
	MAIL_DOC_FROM_NONE,
	MAIL_DOC_FROM_XML,  /* Factur-X / ZUGFeRD / XRechnung XML in a PDF */
	MAIL_DOC_FROM_DATA, /* schema.org JSON-LD in an HTML body */
	MAIL_DOC_FROM_PDF,  /* a PDF's text layer */
	MAIL_DOC_FROM_BODY, /* the text (or HTML reduced to text) */
};
const char *mail_doc_source_name(enum mail_doc_source source);

#define MAIL_DOC_REF_MAX 48

struct mail_document {
	enum mail_doc_kind kind;
	enum mail_doc_source source;
	bool has_total, has_subtotal, has_tax;
	struct mail_money total, subtotal, tax;
	/* the total came with a label ("Total", "Amount due", "Gesamtbetrag")
	 * rather than as the largest amount of the text */
	bool total_labelled;
	/* subtotal + tax = total (checked when all three were found) */
	bool totals_agree;
	/* the total reads two ways ("12,500"): its value with '.' and with
	 * ',' as the decimal separator, for the vendor's habit to decide */
	bool ambiguous;
	int64_t total_if_dot, total_if_comma;
	/* the convention the document's unambiguous amounts show */
	enum mail_decimal decimal;
	char ref[MAIL_DOC_REF_MAX];                /* as written: "INV-1007", "2026-077" */
	char issued[11], due[11], valid_until[11]; /* "YYYY-MM-DD" or "" */
	int net_days;                              /* "Net 30": due so many days after issue; 0 */
	char iban[35];                             /* the payee's IBAN, from invoice XML only */
	char note[64];                             /* why a PDF was not read ("timed out"), or "" */
};

/* Whether a subject answers another mail ("Re:", "AW:", "SV:"...). */
bool mail_subject_is_reply(const char *subject);

/*
 * What kind of document a vendor's message is, from its subject, the
 * first part of its text (quoted replies left out) and its attachments'
 * file names, in English, German, French, Spanish, Dutch and Italian.
 * A reply's subject says what it answers, not what it is: only its own
 * text and attachments count.
 */
enum mail_doc_kind mail_doc_classify(const char *subject, const char *text, size_t len,
				     const char *const *attachment_names, size_t n_names);

/*
 * Reads the figures of a document from its text (a body, a PDF's text
 * layer): the labelled total (else the largest amount), subtotal and
 * tax, the reference, the issue, due and validity dates, payment terms.
 * hint: the vendor's decimal convention when known. Fields found are
 * set; fields already set are kept (call with the most exact source
 * first). Returns whether it found a total.
 */
bool mail_doc_read_text(const char *subject, const char *text, size_t len, enum mail_decimal hint,
			struct mail_document *doc);
/* The same, slashed dates read in order (the sender's country's; see
 * mail_date_next) rather than by the habit of the amounts. */
bool mail_doc_read_text_dated(const char *subject, const char *text, size_t len,
			      enum mail_decimal hint, enum mail_date_order order,
			      struct mail_document *doc);

/* -- PDF attachments, read by a child (mail/pdf.c, vtriage-pdf) -- */

struct mail_pdf_stats {
	unsigned read;     /* PDFs the helper read */
	unsigned cached;   /* PDFs answered from the cache */
	unsigned deferred; /* PDFs left for the next run (run_seconds spent) */
	uint64_t ms;       /* the helper's wall clock, all PDFs together */
};

struct mail_pdf_options {
	const char *helper;    /* the vtriage-pdf program; NULL: PDFs are not read */
	const char *cache_dir; /* results by the PDF's SHA-256; NULL: no cache */
	unsigned timeout_s;    /* wall clock and CPU seconds per PDF */
	/* the helper's wall clock for all the PDFs of a run (stats->ms);
	 * past it, a PDF not in the cache is "deferred" (not cached: the
	 * next run reads it). 0: no limit */
	unsigned run_seconds;
	unsigned memory_mb;           /* the reader's address space */
	struct mail_pdf_stats *stats; /* counted atomically; may be NULL */
};

struct mail_pdf_result {
	/* "ok", or why there was nothing to read: "timed out", "encrypted",
	 * "no text layer (scanned)", "out of memory", "too large"... */
	char status[64];
	bool has_xml; /* an embedded Factur-X/ZUGFeRD/XRechnung invoice */
	struct mail_document xml;
	char *text; /* the text layer, laid out; NULL when none */
	size_t text_len;
};

/* The status of a PDF a run had no time left for. */
#define MAIL_PDF_DEFERRED "deferred to the next run"
/* Reads a PDF's bytes through the helper (or the cache). */
void mail_pdf_read(const struct mail_pdf_options *opts, const void *pdf, size_t len,
		   struct mail_pdf_result *res);
void mail_pdf_result_clear(struct mail_pdf_result *res);

/* Figures from a Factur-X / ZUGFeRD (CII) or XRechnung (UBL) invoice's
 * XML; false when it is neither. Linked only into vtriage-pdf
 * (mail/invoice-xml.c, libxml2). */
bool mail_doc_read_invoice_xml(const char *xml, size_t len, struct mail_document *doc);
/* The helper's lines for those figures ("xml-total 123450 EUR"), and
 * reading one back (without "xml-"); false for a line it does not know. */
void mail_invoice_xml_print(FILE *f, const struct mail_document *doc);
bool mail_invoice_xml_field(const char *line, struct mail_document *doc);
/* The number `pdfdetach -list` gives the invoice XML among a PDF's
 * files (factur-x.xml and its kind first, else the first .xml); 0 when
 * none. The listing need not end in a newline nor be a C string. */
int mail_pdf_invoice_attachment(const char *listing, size_t len);

/* Figures from schema.org Invoice or Order data (JSON-LD) in an HTML
 * body; false when there is none. */
bool mail_doc_read_html_data(const char *html, size_t len, struct mail_document *doc);

/* The text with quoted replies cut off: lines starting with '>', and
 * everything from an attribution ("On ... wrote:", "Am ... schrieb",
 * "-----Original Message-----") on. Returns the length to keep. */
size_t mail_text_unquoted_len(const char *text, size_t len);

/* -- payment details, mail/payment.c -- */

enum mail_payment_kind {
	MAIL_PAY_IBAN = 0,  /* validated: length per country and mod-97 */
	MAIL_PAY_BIC,       /* SWIFT/BIC, 8 or 11 characters, near "BIC"/"SWIFT" */
	MAIL_PAY_ACCOUNT,   /* a bank account number near bank words */
	MAIL_PAY_ROUTING,   /* a US ABA routing number (checksum valid) */
	MAIL_PAY_SORT_CODE, /* a UK sort code, near "sort code" */
};
const char *mail_payment_kind_name(enum mail_payment_kind kind);

#define MAIL_PAYMENT_DETAILS 8

struct mail_payment_detail {
	enum mail_payment_kind kind;
	/* normalised so that the same details compare equal however they
	 * were written: IBAN and BIC upper case without spaces, numbers as
	 * digits only */
	char value[48];
};

struct mail_payment_facts {
	struct mail_payment_detail details[MAIL_PAYMENT_DETAILS]; /* distinct */
	size_t n_details;
	/* says that the payee's bank details changed: "our bank details have
	 * changed", "updated its receiving bank account", "new bank details",
	 * "Bankverbindung hat sich geändert", ... */
	bool bank_change;
	/* asks to be paid: a payment request ("please pay", "amount due",
	 * "kindly process the payment", "wire transfer") together with an
	 * amount or bank details */
	bool asks_payment;
};

/* Scans len bytes of a message's text (UTF-8, any line ends). */
void mail_payment_scan(const char *text, size_t len, struct mail_payment_facts *out);
/* Whether text may give bank details at all: an IBAN's first letters
 * and digits, or a word that names an account, a BIC, a routing number
 * or a sort code (what every detail the scan finds needs). A tenth of
 * the scan's cost: mail read for its details alone asks this first. */
bool mail_payment_may_give_details(const char *text, size_t len);
/* The details and the bank change of from (a PDF's text, an invoice's
 * XML) added to into's (the body's); asks_payment stays the body's. */
void mail_payment_merge(struct mail_payment_facts *into, const struct mail_payment_facts *from);
/* An IBAN (spaces allowed, any case): country length and mod-97. */
bool mail_iban_valid(const char *iban);

/* -- look-alike domains, mail/lookalike.c -- */

/* How one domain imitates another (dnstwist's fuzzer names, most of them). */
enum mail_lookalike_kind {
	MAIL_LOOKALIKE_NONE = 0,
	MAIL_LOOKALIKE_HOMOGLYPH,     /* confusable characters: rn/m, 0/o, Cyrillic а */
	MAIL_LOOKALIKE_INVISIBLE,     /* zero-width or other invisible characters */
	MAIL_LOOKALIKE_TLD,           /* the same name under another suffix */
	MAIL_LOOKALIKE_HYPHENATION,   /* a hyphen inserted or removed */
	MAIL_LOOKALIKE_REPETITION,    /* a letter doubled, or a double made single */
	MAIL_LOOKALIKE_TRANSPOSITION, /* two neighbouring letters swapped */
	MAIL_LOOKALIKE_OMISSION,      /* a letter left out */
	MAIL_LOOKALIKE_INSERTION,     /* a letter put in */
	MAIL_LOOKALIKE_REPLACEMENT,   /* one or two letters replaced */
	MAIL_LOOKALIKE_ADDITION,      /* the name with a word added: acme-billing */
	MAIL_LOOKALIKE_SUBDOMAIN,     /* the whole domain inside another: acme.example.evil.net */
};
const char *mail_lookalike_kind_name(enum mail_lookalike_kind kind);

struct mail_lookalike {
	enum mail_lookalike_kind kind;
	/* the difference, for the user, in visible form: "rn for m", "0 for o",
	 * "Cyrillic U+0430 for a", ".co for .example", "-billing added",
	 * "U+200D inside" */
	char why[128];
};

/*
 * Whether host (a sender's host name or organisation domain, lower case,
 * UTF-8 or punycode) imitates the organisation domain known without
 * being it: a subdomain of known, or known in other case or in punycode,
 * is known itself, not a look-alike. Short names are held to stricter
 * rules (one edit in "ibm" is another company). out may be NULL.
 */
bool mail_lookalike_compare(const char *host, const char *known, struct mail_lookalike *out);

/*
 * A domain in a form that shows what it is: ASCII as it is, IDN labels as
 * punycode (xn--...), anything else non-ASCII (invisible characters,
 * labels IDNA refuses) as <U+XXXX>. malloc'd; NULL only when out of
 * memory.
 */
char *mail_domain_display(const char *domain);

/*
 * Whether a display name carries the name of the organisation domain org
 * ("AcmeTel Billing" and acmetel.example): its first label, at least five
 * letters, found in the name with case, spaces and hyphens ignored.
 */
bool mail_name_mentions_org(const char *display_name, const char *org);

/*
 * Whether a word of a display name mixes scripts as a forger does
 * ("D\u0430na": Latin with a Cyrillic a, to pass for a known name); Han
 * with kana, or with Hangul, is how Japanese and Korean are written. why
 * gets the two scripts ("Latin and Cyrillic"). No ICU for ASCII names.
 */
bool mail_name_mixes_scripts(const char *display_name, char *why, size_t why_len);

/*
 * Many domains at once without comparing each with each: an index of
 * known organisation domains, asked for the ones a host imitates.
 */
struct mail_lookalike_index;
/* NULL when out of memory, or when ICU cannot be loaded (it is loaded on
 * first use: mail_lookalike_unavailable() says why). */
struct mail_lookalike_index *mail_lookalike_index_new(void);
/* NULL when look-alikes can be found; else why not ("cannot load
 * libicuuc.so.72: ..."). Without ICU, compare finds nothing and display
 * escapes every non-ASCII label. */
const char *mail_lookalike_unavailable(void);
/* Adds a known organisation domain; false when out of memory. */
bool mail_lookalike_index_add(struct mail_lookalike_index *idx, const char *org);
/* Calls fn for each known domain that host imitates (in no order). */
typedef void (*mail_lookalike_fn)(void *ctx, const char *known, const struct mail_lookalike *how);
void mail_lookalike_index_find(const struct mail_lookalike_index *idx, const char *host,
			       mail_lookalike_fn fn, void *ctx);
void mail_lookalike_index_free(struct mail_lookalike_index **idx);

/* -- what a message file says about its own trustworthiness (message.c) -- */

#define MAIL_AUTH_HEADERS 6

/* One Authentication-Results header as it judges this message. */
struct mail_auth_header {
	char authserv_id[128];
	enum mail_auth_verdict verdict;
	char why[96];
	/* mail_authres_passed_for: whose DKIM or SPF passed when From's
	 * did not, "" */
	char passed_for[MAIL_DOMAIN_MAX];
};

struct mail_trust_facts {
	char from_host[MAIL_DOMAIN_MAX]; /* host of the From address, lower case */
	/* an address written into From's display name whose organisation is
	 * not the sender's ("billing@acme.example" <x@evil.example>), "" */
	char name_address[MAIL_DOMAIN_MAX];
	/* From lists mailboxes of more than one organisation */
	bool several_from;
	/* an RFC 2047 encoded word inside From's address (only display
	 * names may be encoded): the address is unusable */
	bool from_encoded;
	/* organisation of Reply-To when it is not From's, "" */
	char reply_org[MAIL_DOMAIN_MAX];
	/* the Authentication-Results headers, topmost (the receiving
	 * server's, when it writes one) first */
	struct mail_auth_header auth[MAIL_AUTH_HEADERS];
	size_t n_auth;
	/* read from the body of vendor mail to the user only */
	struct mail_payment_facts payment;
	/* when the topmost Received says the mail came (its writer is the
	 * receiving server, not the sender, who writes Date), 0 unknown */
	time_t arrived;
	/* sent to subscribers: List-Unsubscribe, or Precedence bulk or list */
	bool bulk;
};

struct mail_message_info {
	const char *message_id;
	time_t date;
	/* an out-of-office or other automatic answer (RFC 3834): no one
	 * answered (mail_is_auto_reply) */
	bool auto_reply;
	const char *subject; /* decoded, unsanitised */
	struct mail_address from;
	struct mail_address_list to;
	struct mail_address_list cc;
	struct mail_attribution attribution;
	const char *path;      /* one file of the message */
	const char *thread_id; /* notmuch's; changes when threads merge */
	/* the sender's signature, read from vendor mail to the user only */
	bool has_signature;
	struct mail_signature signature;
	struct mail_trust_facts trust;
	/* a quote, bill, order or payment, read from vendor mail to the user
	 * only (kind MAIL_DOC_NONE otherwise) */
	struct mail_document document;
	/* contract dates, from vendor mail to the user only */
	struct mail_contract_facts contract;
	/* the reasons for suspicion written onto the message's document as
	 * it was indexed (mail_index_hooks.judge), space-separated; "" */
	char marked[64];
};

struct mail_index_stats {
	unsigned files_total; /* known only on a first run, else 0 */
	unsigned files_seen;  /* new files looked at */
	unsigned added;       /* new messages */
	unsigned duplicates;  /* new files of an already indexed message */
	unsigned not_mail;    /* files notmuch would not index */
	unsigned vanished;    /* files gone between listing and reading */
	unsigned removed;     /* messages whose last file went away */
	unsigned renamed;     /* files gone whose message lives on */
	unsigned attributed;  /* older messages given (new) attribution */
	unsigned dated;       /* older messages given their month (once) */
	double elapsed;       /* seconds */
	/* The index was as the run that wrote options.unchanged_since left
	 * it: nobody else wrote to it, every change since is this run's and
	 * went through the hooks. The query for unattributed mail was
	 * skipped, and so may the caller's consistency checks. */
	bool only_ours;
	/* only_ours, and no directory changed on disk: the run changed
	 * nothing. */
	bool unchanged;
	/* options.ignore_changed: every directory listed */
	bool ignore_changed;
	uint64_t dir_fingerprint; /* for mail_index_token */
	/* the index's revision when the run began: what changed after is
	 * the run's own */
	unsigned long revision_at_start;
};

struct mail_index_hooks {
	void *ctx;
	/* A message was added or needs its attribution (re)recorded.
	 * Called inside a batch; returning an error aborts the run. In
	 * mail_index_run, message, batch_begin and batch_end run on a thread
	 * of their own, in order, while the walk indexes on (never two at
	 * once, all done when it returns); the others on the caller's. */
	vt_status (*message)(void *ctx, const struct mail_message_info *info, struct vt_error *err);
	/* A message left the index (its last file was removed): every hook
	 * before it has run. */
	vt_status (*removed)(void *ctx, const char *message_id, struct vt_error *err);
	/* Bracket a batch. The store's side may commit before or after the
	 * index's: a crash leaves either ahead, and the next run (the
	 * store's index_dirty mark) reconciles the two both ways. */
	vt_status (*batch_begin)(void *ctx, struct vt_error *err);
	vt_status (*batch_end)(void *ctx, struct vt_error *err);
	/* The reasons for suspicion a message gives by itself (its headers,
	 * its text), space-separated and sorted, into out ("" for none):
	 * written onto its document as it is indexed or attributed again,
	 * and left in info->marked for the message hook, which records
	 * them. On the walk's thread, beside the message hook: it reads
	 * info alone. Only with a message hook. */
	void (*judge)(void *ctx, const struct mail_message_info *info, char *out, size_t len);
	/* A file that is not indexed, and why. */
	void (*warning)(void *ctx, const char *path, const char *why);
	/* Called about twice a second while work goes on. */
	void (*progress)(void *ctx, const struct mail_index_stats *stats);
};

struct mail_index_options {
	const struct mail_identity *identity;
	const struct mail_pdf_options *pdf;       /* NULL: PDFs are not read */
	bool full_scan;                           /* ignore directory mtimes */
	volatile const sig_atomic_t *interrupted; /* checked between files; may be NULL */
	/* mail_index_token() after the last run that completed, or NULL */
	const char *unchanged_since;
	/* what *dirs_recorded was after that run, or NULL: the index's file
	 * count of each directory it listed. A directory listed again with
	 * another count was indexed by another program (only_ours false). */
	const char *dirs_known;
	/* where a run that completes leaves the record for the next
	 * (malloc'd; the caller frees it), or NULL */
	char **dirs_recorded;
	/* what is passed by (mail_index_ignore_text) is not what the last
	 * run that completed passed by: every directory is listed, as with
	 * full_scan */
	bool ignore_changed;
};

/*
 * What the index passes by, as text to compare with the last run's
 * (options.ignore_changed; malloc'd, NULL when out of memory): other mail programs' files, and the user's
 * [store] ignore (vtriage's own database) or notmuch's new.ignore (one
 * the user brought). as_before: as a version that did not record it
 * would have passed by (no [store] ignore, which it did not have).
 */
char *mail_index_ignore_text(struct mail_db *db, bool as_before);

/*
 * Brings the index up to date with the mail root, as `notmuch new` would:
 * new files added (with the database's new.tags and maildir flags),
 * removed files dropped, renames detected; then every message that lacks
 * this version's attribution is attributed, unless the index is as
 * options.unchanged_since describes it. Hooks see every change.
 */
vt_status mail_index_run(struct mail_db *db, const struct mail_index_options *opts,
			 const struct mail_index_hooks *hooks, struct mail_index_stats *stats,
			 struct vt_error *err);

/*
 * The state of the index as a completed run leaves it, to be passed as
 * options.unchanged_since to the next: the database's uuid and revision
 * (every message written bumps it), the directory mtimes recorded in it
 * (a message deleted alone bumps no revision, but `notmuch new` records
 * its directory's new mtime) and the attribution version. Call it after
 * every write of the run; NULL when out of memory.
 */
char *mail_index_token(struct mail_db *db, const struct mail_index_stats *stats);
/* Whether the index is as a token describes it, its directories aside:
 * nothing was written to it since (no mail, no tag, no property). */
bool mail_index_token_current(struct mail_db *db, const char *token);
/* The token of the index as it is now, its directories as the token
 * says: after a write that changed no message's thread or attribution
 * (tags), the store still mirrors the index. NULL when out of memory. */
char *mail_index_token_renewed(struct mail_db *db, const char *token);

/*
 * Whether every message written to the index since a token's revision,
 * up to revision upto (0: the index's now), is one known() accepts, at
 * most max of them: false when the index is another database than the
 * token's (a compaction, a new index; mail_index_token_same_database),
 * more were written, or the revision moved with no message to show why
 * (one deleted from a thread of several). Looks at each message's
 * revision (lastmod:), a read of the whole index.
 */
vt_status mail_index_changes_since(struct mail_db *db, const char *token, unsigned long upto,
				   long max,
				   bool (*known)(void *ctx, const char *message_id,
						 const char *thread_id),
				   void *ctx, bool *all_known, struct vt_error *err);
/* Whether a token is of the index's database as it is (not before a
 * compaction, or of another index). */
bool mail_index_token_same_database(struct mail_db *db, const char *token);

/* Re-attributes the messages matching a notmuch query (after identity or
 * personal-domain changes), reporting each through hooks->message. */
vt_status mail_reattribute(struct mail_db *db, const char *query,
			   const struct mail_index_options *opts,
			   const struct mail_index_hooks *hooks, unsigned *count,
			   struct vt_error *err);

/* Calls fn with the id and thread of every message matching query (a
 * notmuch query; "*" for all), in no particular order. */
typedef vt_status (*mail_message_fn)(void *ctx, const char *id, const char *thread_id,
				     struct vt_error *err);
vt_status mail_for_each_message(struct mail_db *db, const char *query, mail_message_fn fn,
				void *ctx, struct vt_error *err);
/* Calls fn with every file of every message matching query (a notmuch
 * query), path absolute (borrowed for the call), in no particular order. */
typedef vt_status (*mail_file_fn)(void *ctx, const char *id, const char *path,
				  struct vt_error *err);
vt_status mail_for_each_file(struct mail_db *db, const char *query, mail_file_fn fn, void *ctx,
			     struct vt_error *err);
/* Whether a message id is in the index. */
vt_status mail_has_message(struct mail_db *db, const char *message_id, bool *found,
			   struct vt_error *err);

/* ---- queries ----------------------------------------------------------- */

/*
 * Property names vtriage stores on each message. Exposed so that the store
 * can build notmuch queries over them (vendor:, bucket:).
 */
#define MAIL_PROP_ORG "vtriage.org"
#define MAIL_PROP_KIND "vtriage.kind"
/* In the database's own config: the date of the newest mail indexed
 * (none after tomorrow: spam dated 2038 says nothing of the mailbox),
 * where lists newest first start reading (mail/thread-order.c). */
#define MAIL_CONFIG_NEWEST "vtriage.newest"
/* ... and of the oldest (0 for mail without a date), where the end of
 * a list is found from (mail_thread_tail) */
#define MAIL_CONFIG_OLDEST "vtriage.oldest"
/* ... and of the oldest dated 1980 or after: lists need not read the
 * years between it and the undated */
#define MAIL_CONFIG_OLDEST_DATED "vtriage.oldest-dated"
/* ... and the months of mail dated past the day after it was indexed
 * ("2037-01 2099-12", or "many"): a list's first span of months names
 * them with its own */
#define MAIL_CONFIG_AHEAD "vtriage.ahead"
/* The revision at which every message carried its month and
 * MAIL_CONFIG_AHEAD named every month ahead (mail/months.c) */
#define MAIL_CONFIG_MONTHS "vtriage.whole-months"
/* each message's month, YYYY-MM in UTC: lists read spans of months */
#define MAIL_PROP_MONTH "vtriage.month"
#define MAIL_PROP_DIR "vtriage.dir"
#define MAIL_PROP_REV "vtriage.rev"
/* the kind of document a vendor message is: quote, bill, order, payment */
#define MAIL_PROP_DOC "vtriage.doc"
/* On every message of a conversation with a vendor that waits: "vendor"
 * (the user wrote last) or "me". Derived by the store after indexing. */
#define MAIL_PROP_WAITING "vtriage.waiting"
/* On every message judged suspicious (store/trust.c), one value a
 * reason: auth, name, replyto, bank; suspicious: is then a term a
 * reason, not the messages one by one. Written by the store after its
 * judging. */
#define MAIL_PROP_SUSPECT "vtriage.suspect"
/* On every message of a snoozed conversation: when the snooze ends (its
 * time_t). Lists leave out the ends still ahead, one term each, however
 * many threads share one. Written by the store after indexing
 * (store/snooze.c). */
#define MAIL_PROP_SNOOZED "vtriage.snoozed"

/* Counts messages (threads when count_threads) matching a notmuch query.
 * A malformed query is VT_ERR_USAGE with notmuch's explanation. */
vt_status mail_count(struct mail_db *db, const char *query, bool count_threads, unsigned long *out,
		     struct vt_error *err);

struct mail_thread {
	char *thread_id;
	char *subject; /* unsanitised */
	char *authors; /* notmuch's "matched| unmatched" author list */
	time_t newest;
	time_t oldest;
	int matched;
	int total;
	char *vendor_org; /* organisation domain of the thread's vendor mail, or NULL */
	char **tags;
	size_t n_tags;
	/* Suspicion as the messages carry it, read with the thread where
	 * notmuch's thread or the lone message was at hand (suspect_read):
	 * whether one carries MAIL_PROP_SUSPECT, and the organisations of
	 * those that came in (MAIL_PROP_DIR "in"), for look-alike senders.
	 * The store judges; this is what its last index run wrote. */
	bool suspect_read;
	bool suspect_marked;
	char **in_orgs;
	size_t n_in_orgs;
};

/*
 * The threads of a query in mail_search_threads' order (newest first),
 * found a slice at a time: knowing a thread's place means reading which
 * thread every message before it is in (about 10 µs a message), so an
 * interface spreads it over its idle time and a search with an offset
 * stops once it has the threads it wants. The order keeps the database
 * open for reading; free it before the database.
 */
struct mail_thread_order;
vt_status mail_thread_order_start(struct mail_db *db, const char *query,
				  struct mail_thread_order **out, struct vt_error *err);
/* Reads up to `messages` more messages. */
vt_status mail_thread_order_step(struct mail_thread_order *o, long messages, struct vt_error *err);
/* Spans of dates opened so far (1: the newest month). */
int mail_thread_order_spans(const struct mail_thread_order *o);
/* All read: the count is the number of threads. */
bool mail_thread_order_done(const struct mail_thread_order *o);
/* Threads placed so far (places never change once given). */
long mail_thread_order_count(const struct mail_thread_order *o);
/* Threads [from, from + n) of those placed, in order, through fn; a thread
 * gone since is left out. One query: n of a few hundred at most. */
vt_status mail_thread_order_emit(struct mail_thread_order *o, long from, long n,
				 vt_status (*fn)(void *ctx, const struct mail_thread *t,
						 struct vt_error *err),
				 void *ctx, struct vt_error *err);
void mail_thread_order_free(struct mail_thread_order *o);
/*
 * The last `want` threads of a query in mail_search_threads' order, to fn
 * in that order, read from the oldest mail up (G in a folder of a million
 * before its count: a month or so of mail, not all of it). *total is the
 * number of threads when reading them meant reading them all, else -1.
 */
vt_status mail_thread_tail(struct mail_db *db, const char *query, long want,
			   vt_status (*fn)(void *ctx, const struct mail_thread *t,
					   struct vt_error *err),
			   void *ctx, long *total, struct vt_error *err);

/* A deep copy (to keep a thread beyond the search callback), and the
 * release of one. */
vt_status mail_thread_copy(const struct mail_thread *from, struct mail_thread *to,
			   struct vt_error *err);
void mail_thread_clear(struct mail_thread *t);

/*
 * Runs a thread search, newest first. Calls fn for each thread; the thread
 * is borrowed for the call. offset/limit window the result (limit < 0: all).
 */
vt_status mail_search_threads(struct mail_db *db, const char *query, long offset, long limit,
			      vt_status (*fn)(void *ctx, const struct mail_thread *t,
					      struct vt_error *err),
			      void *ctx, struct vt_error *err);

/* A thread id's number (notmuch's are 16 hex digits of a counter):
 * false for anything else. */
bool mail_thread_number(const char *s, uint64_t *out);
/* A set of thread numbers: a bit a number while they stay below 2^26
 * (notmuch counts from 1: a million threads, 128 KB), past that a hash
 * set. Zeroed is empty. */
struct mail_thread_set {
	unsigned char *bits;
	size_t n_bits_bytes;
	uint64_t *slots; /* open addressing, at most half full */
	size_t n_slots, n;
	bool hashed;
};
/* 1: id is new (and now in), 0: in before, -1: out of memory. */
int mail_thread_set_add(struct mail_thread_set *s, uint64_t id);
bool mail_thread_set_has(const struct mail_thread_set *s, uint64_t id);
void mail_thread_set_clear(struct mail_thread_set *s);
/*
 * Threads that may match a query, newest first, from somewhere that knows
 * them without asking the index (the store knows each vendor's): every
 * thread with a match is among them, and none has a match newer than its
 * `newest`. Each call makes up to `want` of them known, points *at to all
 * known so far (the source's own) and sets *rest: no thread not among
 * them has a match newer (LLONG_MIN: there is none). A source that cannot
 * tell more stops growing, its *rest where it stopped.
 */
struct mail_candidate {
	uint64_t thread; /* thread:%016x */
	long long newest;
};
typedef vt_status (*mail_candidates_fn)(void *ctx, long want, const struct mail_candidate **at,
					long *n, long long *rest, struct vt_error *err);
/*
 * The first `limit` threads of a query (> 0), as mail_search_threads
 * gives them, found among candidates: a query naming the newest few,
 * then more, so that a vendor's newest threads cost a query over those
 * threads, not a sort of all the vendor's mail. A thread is given once
 * no thread not yet named can come before it.
 */
vt_status mail_search_threads_among(struct mail_db *db, const char *query, long limit,
				    mail_candidates_fn more, void *more_ctx,
				    vt_status (*fn)(void *ctx, const struct mail_thread *t,
						    struct vt_error *err),
				    void *ctx, struct vt_error *err);

/*
 * What something beside the index (the store) knows of its threads'
 * sizes: 1 for one message, 2 for more, 0 where it does not know.
 * of_thread asks by the thread (thread_id as notmuch names it);
 * of_message, which may be NULL, by a message's Message-ID, and names
 * the message's thread in *thread (mail_thread_number's way).
 */
struct mail_thread_sizes {
	long (*of_thread)(void *ctx, const char *thread_id);
	long (*of_message)(void *ctx, const char *message_id, uint64_t *thread);
	void *ctx;
};

/*
 * The first `limit` threads of a query (< 0: all), as mail_search_threads
 * gives them, where `sizes` knows how many messages the index holds in
 * each thread. notmuch builds every thread of a list with a query of its
 * own; a thread of one message is written here from that message alone,
 * and the others (a thread of unknown size too) are built here a few
 * hundred at a time, from their messages, by notmuch's rules. A list
 * whose first threads are mostly of several messages is listed by
 * notmuch from there on; the first threads of a broad query as
 * mail_search_threads finds them.
 */
vt_status mail_search_threads_known(struct mail_db *db, const char *query, long limit,
				    const struct mail_thread_sizes *sizes,
				    vt_status (*fn)(void *ctx, const struct mail_thread *t,
						    struct vt_error *err),
				    void *ctx, struct vt_error *err);

/* ---- query language helpers -------------------------------------------- */

/*
 * Rewrites vtriage's own prefixed terms (e.g. "vendor:acme",
 * "bucket:trusted") inside a notmuch query. For each term whose prefix is
 * in prefixes, expand(ctx, prefix, value) returns a malloc'd notmuch
 * sub-query (it is wrapped in parentheses) or NULL with err set. Quoted
 * strings are left alone. Parentheses must pair (VT_ERR_USAGE): every
 * caller wraps the query. The result is malloc'd.
 */
typedef char *(*mail_term_expander)(void *ctx, const char *prefix, const char *value,
				    struct vt_error *err);
vt_status mail_query_rewrite(const char *query, const char *const *prefixes,
			     mail_term_expander expand, void *ctx, char **out,
			     struct vt_error *err);

/* Quotes a value for use in a notmuch query term (property:k=v). */
char *mail_query_quote(const char *value);
/* The value of a query that is one prefix:VALUE term and nothing else
 * ("vendor:acme", "vendor:\"acme inc\""), unquoted; NULL for any other
 * query (or when out of memory). */
char *mail_query_sole_term(const char *query, const char *prefix);

/* ---- tags (mail/tags.c) ---- */

/* The tag of mail deleted in vtriage: left out of searches and counts
 * unless a query names it; never a Maildir flag, so never the server's. */
#define MAIL_TAG_DELETED "deleted"

/*
 * Adds tag `add` and removes tag `remove` (either may be NULL) on the
 * messages matching query, renaming their files to match (Maildir flags).
 * Needs a read-write handle. *changed_ids (may be NULL) gets the ids of
 * the messages actually changed, newline-separated (malloc'd, NULL for
 * none): what an undo must change back.
 */
vt_status mail_tag_messages(struct mail_db *db, const char *query, const char *add,
			    const char *remove, char **changed_ids, struct vt_error *err);
/* The ids mail_tag_messages would change, changing nothing: what a
 * journal records before the tags change (*ids as changed_ids there). */
vt_status mail_tag_changes(struct mail_db *db, const char *query, const char *add,
			   const char *remove, char **ids, struct vt_error *err);
/*
 * A tag change killed part-way renamed files for their new flags while
 * the index, never committed, still knows the old names: the next index
 * run would read the new names' flags as the user's. This gives each
 * file of query's messages that a flag change renamed since the index
 * recorded it the name the index knows back (the index's tags and names
 * agree again), which an undo does before changing tags back.
 */
vt_status mail_restore_renamed(struct mail_db *db, const char *query, struct vt_error *err);
/* Every tag in the index, sorted (malloc'd array of malloc'd strings). */
vt_status mail_all_tags(struct mail_db *db, char ***out, size_t *n, struct vt_error *err);
/* Sets property key to value (NULL: removes it) on the messages matching
 * query. Needs a read-write handle. */
vt_status mail_set_property(struct mail_db *db, const char *query, const char *key,
			    const char *value, struct vt_error *err);
/* The message's values of key become values (space-separated; NULL or ""
 * for none). A message no longer in the index is no error. Read-write. */
vt_status mail_message_set_property_values(struct mail_db *db, const char *message_id,
					   const char *key, const char *values,
					   struct vt_error *err);

/* ---- showing a thread (mail/show.c) ---- */

/* One message of a thread being shown; borrowed for the callback.
 * Header values are notmuch's decoded text: unsanitised. */
struct mail_shown {
	const char *message_id;
	const char *from, *to, *cc, *subject;
	time_t date;
	const char *path; /* one of its files */
	int depth;        /* 0 for a thread's first messages, +1 per reply level */
	bool matched;
};
typedef vt_status (*mail_shown_fn)(void *ctx, const struct mail_shown *m, struct vt_error *err);

/* The messages of a thread, oldest first in thread order. */
vt_status mail_thread_show(struct mail_db *db, const char *thread_id, mail_shown_fn fn, void *ctx,
			   struct vt_error *err);

/* ---- attachments (mail/attachment.c) ---- */

struct mail_attachment {
	char *filename; /* as the mail names it (unsanitised), an attached
			   message its subject and ".eml"; or NULL */
	char *type;     /* "application/pdf" */
	size_t size;    /* decoded bytes */
	int part;       /* its number among the message's attachments, from 1;
			   0: the message's HTML body (body is true) */
	bool body;
};
struct mail_attachment_list {
	struct mail_attachment *items;
	size_t count;
};
/* The attachments of the message in file path (a part with a file name
 * or marked as an attachment, an attached message, a part that is no
 * text/plain or text/html, as an inline image without a name), in the
 * message's order, an attached message's own right after it, with its
 * HTML body as part 0 when it has one (to save, or open in a browser). A
 * file that is not a message has none; one that cannot be read is
 * VT_ERR_IO. */
vt_status mail_attachment_list(const char *path, struct mail_attachment_list *out,
			       struct vt_error *err);
void mail_attachment_list_clear(struct mail_attachment_list *l);
/* Decodes attachment `part` (as numbered by the list; an attached
 * message as the message it is) into the file dest:
 * written beside it under another name, synced, then renamed, so that no
 * half file is ever left under dest. An existing dest is VT_ERR_CONFLICT
 * unless overwrite; an unknown part VT_ERR_NOT_FOUND. */
vt_status mail_attachment_save(const char *path, int part, const char *dest, bool overwrite,
			       struct vt_error *err);
/* A name for the disk from an attachment's file name: no directories
 * (of either slash), no leading dot, no control characters (C0 dropped;
 * C1 and bidi controls named as mail_sanitize names them, "<U+202E>";
 * bytes that are no UTF-8 U+FFFD), at most 200 bytes on a character
 * boundary; "attachment-PART" when nothing is left ("message.html" for
 * part 0).
 * Malloc'd. */
char *mail_attachment_safe_name(const char *filename, int part);
/* "512 bytes", "12.3 kB", "4.1 MB". */
void mail_format_bytes(uint64_t bytes, char *out, size_t len);

/* ---- greetings (mail/greeting.c) ---- */

/* Whether a body opens by greeting someone other than the user ("Hi
 * Mitch," to Rich Miller); the name used goes to greeted. user_name is
 * the identity's display name. Generic greetings ("Dear customer") are
 * not wrong. */
bool mail_wrong_greeting(const char *body, const char *user_name, char *greeted, size_t len);
/* Whether the name a greeting used (as mail_wrong_greeting reports it)
 * is one of the recipients' (a To or Cc header's addresses): "Hi Mitch"
 * to Mitch Jones, the user in Cc, greets Mitch rightly. */
bool mail_greeting_names_recipient(const char *greeted, const char *recipients);

/* ---- writing mail (mail/compose.c) ---- */

struct mail_sender {
	const char *name; /* may be NULL */
	const char *address;
};
/* A message built from a draft, as sendmail -t takes it. */
struct mail_outgoing {
	char *text; /* the whole message, headers and body */
	size_t len;
	char *message_id;  /* without <> */
	char *in_reply_to; /* the message it answers, without <>; NULL: none */
	char *from;        /* the sender's address, lower case */
	char *recipients;  /* To and Cc, as text, for what is said */
	char **addresses;  /* every recipient's address (To, Cc, Bcc) */
	size_t n_addresses;
};
/* The draft of a new message: From (me), To, Cc, Subject, a blank line.
 * Malloc'd; values from outside lose their line breaks and controls. */
char *mail_draft_new(const struct mail_sender *me, const char *to, const char *subject);
/*
 * The draft of a reply to the message in file path: From (me), To (its
 * Reply-To, else its sender), Cc (all: its other recipients, never the
 * user's addresses of mine), Subject "Re: " once (RE:, AW:, SV:, Re[2]:,
 * "RE :" ... of the original dropped), In-Reply-To and References (its
 * References, else its one In-Reply-To, then its Message-ID; of a long
 * list the first and the last 19), then an attribution line and the
 * original's text quoted with "> ". Nothing
 * from the original keeps a line break or control in a header. *out
 * malloc'd.
 */
vt_status mail_draft_reply(const char *path, const struct mail_sender *me, const char *const *mine,
			   size_t n_mine, bool all, char **out, struct vt_error *err);
/* The draft forwarding the message in file path: Subject "Fwd: " once,
 * To to, then inline a "Forwarded message" block with the original's
 * From, Date, Subject, To and text, or (attach) an "Attach-Message: PATH"
 * line sending it whole as message/rfc822. *out malloc'd. */
vt_status mail_draft_forward(const char *path, const struct mail_sender *me, const char *to,
			     bool attach, char **out, struct vt_error *err);
/*
 * The message of an edited draft (GMime builds it: RFC 2047 where names
 * and subjects need it, the body UTF-8 in the lightest encoding, a
 * Message-ID under the sender's domain, the Date). Each "Attach: PATH"
 * line of the draft attaches that file (base64, its type by libmagic,
 * loaded on first use), each "Attach-Message: PATH" that mail file whole
 * as message/rfc822; neither is a header of the message. A header line that is
 * not "Name: value", a control character in one, an address list without
 * an address, or no recipient at all is VT_ERR_USAGE naming the draft's
 * line.
 */
vt_status mail_draft_build(const char *draft, const struct mail_sender *me,
			   struct mail_outgoing *out, struct vt_error *err);
void mail_outgoing_clear(struct mail_outgoing *o);
/* The draft with line added at the end of its headers (malloc'd, NULL
 * when out of memory). Lines starting with '#' there are comments: the
 * built message leaves them out. */
char *mail_draft_insert_line(const char *draft, const char *line);
/* Whether the mail file at path was sent to address (To, Cc,
 * Delivered-To, X-Original-To): which of the user's addresses it reached. */
bool mail_file_addressed_to(const char *path, const char *address);

/* ---- links in text (mail/urls.c) ---- */

/*
 * The next link in text[*pos, len): http://, https://, ftp://, mailto:
 * or www. starting a word, up to a space, a quote or an angle bracket,
 * trailing punctuation (".,;:!?'") and an unbalanced ")" or "]" left
 * out; at most 2048 bytes. *start and *end delimit it; *pos moves past
 * it. False when there is none.
 */
bool mail_url_next(const char *text, size_t len, size_t *pos, size_t *start, size_t *end);
/*
 * The len bytes of a link as it may be shown, copied and opened:
 * C1 controls, bidi controls, invisible characters (zero-width spaces
 * and joiners, word joiners, the BOM) and bytes that are no UTF-8
 * percent-encoded, so that what the user sees is what the clipboard and
 * the browser get. Malloc'd; NULL when out of memory.
 */
char *mail_url_clean(const char *link, size_t len);

/* ---- bodies and signatures (mail/body.c, mail/signature.c) ---- */

/*
 * The readable text of the message in file `path`: its pieces (see
 * mail_body_pieces) as one text, a blank line between two, an attached
 * message opened as an inline forward is ("---------- Forwarded message
 * ----------", From, Date, Subject, To, Cc); HTML reduced to text, each
 * link's target after its text as " <URL>"; decoded to UTF-8 with the
 * part's charset (invalid bytes replaced). At most max_bytes are
 * returned. *out is malloc'd, caller frees.
 */
vt_status mail_body_text(const char *path, size_t max_bytes, char **out, struct vt_error *err);

/*
 * What the pager shows of a message, in its order: each inline text part
 * (text/plain or text/html that is no attachment; of a
 * multipart/alternative the plain text, else the HTML), and each
 * attached message (message/rfc822, attached or inline) with its headers
 * and then its own pieces, one depth deeper. Parts without text are
 * attachments (mail_attachment_list), not pieces.
 */
enum mail_piece_kind {
	MAIL_PIECE_TEXT,    /* a text part's text */
	MAIL_PIECE_MESSAGE, /* an attached message starts: its headers */
	MAIL_PIECE_CUT,     /* parts nested deeper than is read (an attack) */
	/* a multipart in which no part was found (no boundary, or not the
	 * one its lines use): its raw text, in text */
	MAIL_PIECE_RAW,
};
struct mail_piece {
	enum mail_piece_kind kind;
	/* 0 the message's own; 1 in a message attached to it, ... */
	int depth;
	/* TEXT, RAW: valid UTF-8, LF line ends, links' targets after their
	 * text (as mail_body_text); the mail's, unsanitised */
	char *text;
	/* MESSAGE: decoded, one line each of valid UTF-8, "" when absent;
	 * the mail's, unsanitised */
	char *from, *to, *cc, *subject;
	time_t date; /* MESSAGE: 0 when it has none */
};
struct mail_pieces {
	struct mail_piece *items;
	size_t count;
	/* the text came to max_bytes: some of it is left out */
	bool cut;
	/* the message has more parts than are read (thousands): those
	 * after are left out, the attachments among them too */
	bool parts_cut;
};
/* The pieces of the message in file path, their text at most max_bytes
 * in all (what comes after is left out, and cut says so). A file that is not a message has
 * none; one that cannot be read is VT_ERR_IO. Clear with
 * mail_pieces_clear. */
vt_status mail_body_pieces(const char *path, size_t max_bytes, struct mail_pieces *out,
			   struct vt_error *err);
void mail_pieces_clear(struct mail_pieces *pieces);

/*
 * Finds the writer's signature in a plain-text body (quoted and forwarded
 * text ignored). from_name, the display name of the From header (may be
 * NULL), helps to find the name line. Returns true when a name, title,
 * phone or manager was found.
 */
bool mail_signature_parse(const char *body, const char *from_name, struct mail_signature *out);

#endif
