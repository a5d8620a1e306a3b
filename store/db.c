/*
 * The sqlite database: opening, schema migrations (PRAGMA user_version),
 * WAL, transactions and a cache of prepared statements.
 *
 * sqlite holds two kinds of data. What only the user can say (buckets,
 * names, merged domains, later roles, issues, contracts) is authoritative
 * here. What is derived from mail (messages, sightings) mirrors the
 * notmuch index and is reconciled with it on every `vtriage index`. Every
 * table derived from a message references messages(message_id) ON DELETE
 * CASCADE: forgetting a message is one DELETE, whatever tables come.
 * (Issue links are the user's: kept as Message-IDs across re-indexing.)
 */
#include "config.h"

#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "private.h"

struct stmt_cache {
	const char *sql; /* the caller's string literal: compared by address */
	sqlite3_stmt *stmt;
	struct stmt_cache *next;
};

struct vt_store_private {
	struct vt_store pub;
	struct stmt_cache *stmts;
	/* writes of the counted tables guarded (from the end of the open:
	 * migrations write them before the counts exist); the counts'
	 * triggers made on this connection */
	bool guarded, counts_kept;
	/* the counted table whose write the last prepare was refused for
	 * without them (counts_guard), or NULL */
	const char *refused;
};

/*
 * The triggers that keep address_counts and address_names (schema 16)
 * and org_mail (17) as messages, sightings and suspicions change: made
 * by migrations 16 and 17 in the store, since 18 made by each connection
 * that writes those tables (TEMP), as it first does: sqlite parses every
 * statement of a store's schema at each open, and these were a third of
 * it (0.2 ms of every command's start, most of it waited for).
 */
/* clang-format off */
#define VT_ADDRESS_COUNTS_TRIGGERS(temp)                                                    \
	/* a sighting counts once for its message (an address in From and                   \
	 * Cc), and not for an impostor's */                                                \
	"CREATE " temp "TRIGGER address_counts_sighted AFTER INSERT ON sightings BEGIN"     \
	"  INSERT INTO address_counts (address, org, n, first, last)"                       \
	"   SELECT NEW.address, NEW.org, counted AND NOT again, CASE WHEN counted THEN NEW.date END," \
	"    CASE WHEN counted THEN NEW.date END"                                           \
	"   FROM (SELECT NOT EXISTS (SELECT 1 FROM suspicions WHERE message_id = NEW.message_id" \
	"     AND reason IN " VT_SQL_IMPOSTOR_REASONS ") AS counted,"                       \
	"    EXISTS (SELECT 1 FROM sightings WHERE message_id = NEW.message_id"             \
	"     AND address = NEW.address AND field <> NEW.field) AS again) WHERE 1"          \
	"   ON CONFLICT (address) DO UPDATE SET n = n + excluded.n, org = excluded.org,"    \
	"    first = min(coalesce(first, excluded.first), coalesce(excluded.first, first))," \
	"    last = max(coalesce(last, excluded.last), coalesce(excluded.last, last));"     \
	"  INSERT INTO address_names (address, name, n) SELECT NEW.address, NEW.name, 1"    \
	"   WHERE " VT_SQL_PERSON_NAME("NEW.name")                                          \
	"   ON CONFLICT (address, name) DO UPDATE SET n = n + 1;"                           \
	" END;"                                                                             \
	"CREATE " temp "TRIGGER address_counts_unsighted AFTER DELETE ON sightings"         \
	" WHEN NOT EXISTS (SELECT 1 FROM suspicions WHERE message_id = OLD.message_id"      \
	"  AND reason IN " VT_SQL_IMPOSTOR_REASONS ") BEGIN"                                \
	"  UPDATE address_counts SET n = CASE WHEN first >= OLD.date OR last <= OLD.date THEN NULL" \
	"   WHEN EXISTS (SELECT 1 FROM sightings WHERE message_id = OLD.message_id"         \
	"    AND address = OLD.address) THEN n ELSE n - 1 END WHERE address = OLD.address;" \
	" END;"                                                                             \
	"CREATE " temp "TRIGGER address_names_unsighted AFTER DELETE ON sightings"          \
	" WHEN " VT_SQL_PERSON_NAME("OLD.name") " BEGIN"                                    \
	"  UPDATE address_names SET n = n - 1 WHERE address = OLD.address AND name = OLD.name;" \
	"  DELETE FROM address_names WHERE address = OLD.address AND name = OLD.name AND n <= 0;" \
	" END;"                                                                             \
	"CREATE " temp "TRIGGER address_counts_moved AFTER UPDATE OF message_id, address, field, date" \
	" ON sightings WHEN OLD.message_id IS NOT NEW.message_id OR OLD.address IS NOT NEW.address" \
	" OR OLD.field IS NOT NEW.field OR OLD.date IS NOT NEW.date BEGIN"                  \
	"  INSERT INTO address_counts (address, org, n) VALUES (NEW.address, NEW.org, NULL)" \
	"   ON CONFLICT (address) DO UPDATE SET n = NULL;"                                  \
	"  UPDATE address_counts SET n = NULL WHERE address = OLD.address;"                 \
	" END;"                                                                             \
	"CREATE " temp "TRIGGER address_names_renamed AFTER UPDATE OF address, name, org ON sightings" \
	" WHEN OLD.address IS NOT NEW.address OR OLD.name IS NOT NEW.name OR OLD.org IS NOT NEW.org" \
	" BEGIN"                                                                            \
	"  UPDATE address_counts SET org = NEW.org WHERE address = NEW.address AND org <> NEW.org;" \
	"  UPDATE address_names SET n = n - 1 WHERE address = OLD.address AND name = OLD.name;" \
	"  DELETE FROM address_names WHERE address = OLD.address AND name = OLD.name AND n <= 0;" \
	"  INSERT INTO address_names (address, name, n) SELECT NEW.address, NEW.name, 1"    \
	"   WHERE " VT_SQL_PERSON_NAME("NEW.name")                                          \
	"   ON CONFLICT (address, name) DO UPDATE SET n = n + 1;"                           \
	" END;"                                                                             \
	/* a message judged an impostor's leaves its addresses' counts, and                 \
	 * comes back when no longer judged so */                                           \
	"CREATE " temp "TRIGGER address_counts_impostor AFTER INSERT ON suspicions"         \
	" WHEN NEW.reason IN " VT_SQL_IMPOSTOR_REASONS                                      \
	" AND (SELECT count(*) FROM suspicions WHERE message_id = NEW.message_id"           \
	"  AND reason IN " VT_SQL_IMPOSTOR_REASONS ") = 1 BEGIN"                            \
	"  UPDATE address_counts SET n = CASE WHEN first >= (SELECT min(date) FROM sightings" \
	"    WHERE message_id = NEW.message_id AND address = address_counts.address)"       \
	"   OR last <= (SELECT max(date) FROM sightings WHERE message_id = NEW.message_id"  \
	"    AND address = address_counts.address) THEN NULL ELSE n - 1 END"                \
	"   WHERE address IN (SELECT address FROM sightings WHERE message_id = NEW.message_id);" \
	" END;"                                                                             \
	"CREATE " temp "TRIGGER address_counts_pardoned AFTER DELETE ON suspicions"         \
	" WHEN OLD.reason IN " VT_SQL_IMPOSTOR_REASONS                                      \
	" AND NOT EXISTS (SELECT 1 FROM suspicions WHERE message_id = OLD.message_id"       \
	"  AND reason IN " VT_SQL_IMPOSTOR_REASONS ") BEGIN"                                \
	"  INSERT INTO address_counts (address, org, n, first, last)"                       \
	"   SELECT address, min(org), 1, min(date), max(date) FROM sightings"               \
	"   WHERE message_id = OLD.message_id GROUP BY address"                             \
	"   ON CONFLICT (address) DO UPDATE SET n = n + 1,"                                 \
	"    first = min(coalesce(first, excluded.first), excluded.first),"                 \
	"    last = max(coalesce(last, excluded.last), excluded.last);"                     \
	" END;"                                                                             \
	"CREATE " temp "TRIGGER address_counts_rejudged AFTER UPDATE OF message_id, reason ON suspicions" \
	" BEGIN"                                                                            \
	"  INSERT INTO address_counts (address, org, n)"                                    \
	"   SELECT address, min(org), NULL FROM sightings"                                  \
	"   WHERE message_id IN (OLD.message_id, NEW.message_id) GROUP BY address"          \
	"   ON CONFLICT (address) DO UPDATE SET n = NULL;"                                  \
	" END;"

#define VT_ORG_MAIL_TRIGGERS(temp)                                                          \
	"CREATE " temp "TRIGGER org_mail_added AFTER INSERT ON messages WHEN NEW.kind = 1 BEGIN" \
	"  INSERT INTO org_mail (org, n, first, last) VALUES (NEW.org, 1, NEW.date, NEW.date)" \
	"   ON CONFLICT (org) DO UPDATE SET n = n + 1, first = min(first, excluded.first)," \
	"   last = max(last, excluded.last);"                                               \
	" END;"                                                                             \
	"CREATE " temp "TRIGGER org_mail_removed AFTER DELETE ON messages WHEN OLD.kind = 1 BEGIN" \
	"  UPDATE org_mail SET n = CASE WHEN first >= OLD.date OR last <= OLD.date THEN NULL" \
	"   ELSE n - 1 END WHERE org = OLD.org;"                                            \
	" END;"                                                                             \
	"CREATE " temp "TRIGGER org_mail_moved AFTER UPDATE OF org, kind, date ON messages" \
	" WHEN OLD.org IS NOT NEW.org OR OLD.kind IS NOT NEW.kind OR OLD.date IS NOT NEW.date BEGIN" \
	"  UPDATE org_mail SET n = NULL WHERE org IN (OLD.org, NEW.org);"                   \
	"  INSERT INTO org_mail (org, n) SELECT NEW.org, NULL WHERE NEW.kind = 1"           \
	"   ON CONFLICT (org) DO UPDATE SET n = NULL;"                                      \
	" END;"

/* A write of a counted table fails where vt_counts_kept() is unknown:
 * migration 18. */
#define VT_COUNTS_TRIPWIRE(table, event)                                                    \
	"CREATE TRIGGER " table "_" event "_needs_counts BEFORE " event " ON " table          \
	" BEGIN SELECT vt_counts_kept(); END;"
/* clang-format on */

/* Each entry moves the schema from version i to i + 1. Never edit an
 * entry once released: add a new one. */
/* clang-format off */
static const char *const migrations[] = {
	/* 0 -> 1: vendors, their domains, and what indexing derives */
	"CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	"CREATE TABLE vendors ("
	"  id INTEGER PRIMARY KEY,"
	"  slug TEXT NOT NULL UNIQUE,"
	"  name TEXT NOT NULL,"
	"  bucket INTEGER NOT NULL DEFAULT 0 CHECK (bucket IN (0, 1)),"
	"  created INTEGER NOT NULL,"
	"  name_manual INTEGER NOT NULL DEFAULT 0,"
	"  merged_into INTEGER REFERENCES vendors(id));"
	"CREATE TABLE vendor_domains ("
	"  domain TEXT PRIMARY KEY,"
	"  vendor_id INTEGER NOT NULL REFERENCES vendors(id),"
	"  manual INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;"
	"CREATE INDEX vendor_domains_vendor ON vendor_domains(vendor_id);"
	"CREATE TABLE messages ("
	"  message_id TEXT PRIMARY KEY,"
	"  org TEXT NOT NULL DEFAULT '',"
	"  kind INTEGER NOT NULL,"
	"  direction INTEGER NOT NULL,"
	"  date INTEGER NOT NULL,"
	"  from_addr TEXT NOT NULL DEFAULT '') WITHOUT ROWID;"
	"CREATE INDEX messages_org ON messages(org, kind, date);"
	"CREATE TABLE sightings ("
	"  message_id TEXT NOT NULL,"
	"  address TEXT NOT NULL,"
	"  field INTEGER NOT NULL,"
	"  name TEXT NOT NULL DEFAULT '',"
	"  org TEXT NOT NULL DEFAULT '',"
	"  date INTEGER NOT NULL,"
	"  PRIMARY KEY (message_id, address, field)) WITHOUT ROWID;"
	"CREATE INDEX sightings_address ON sightings(address, date);"
	"CREATE INDEX sightings_org ON sightings(org);",
	/* 1 -> 2: triage. What the user says (journal of actions, issues,
	 * contact roles) and more of what mail says (threads, subjects,
	 * signatures); "rederive" makes the next index fill the latter. */
	"ALTER TABLE messages ADD COLUMN thread TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE messages ADD COLUMN subject TEXT NOT NULL DEFAULT '';"
	"CREATE INDEX messages_thread ON messages(thread, kind, date);"
	"CREATE INDEX sightings_name ON sightings(name);"
	/* who wrote last in each conversation with a vendor: 0 nobody waits,
	 * 1 waiting on the vendor, 2 waiting on the user */
	"CREATE TABLE thread_state ("
	"  thread TEXT PRIMARY KEY,"
	"  waiting INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE INDEX thread_state_waiting ON thread_state(waiting);"
	"CREATE TABLE signatures ("
	"  message_id TEXT PRIMARY KEY,"
	"  address TEXT NOT NULL,"
	"  org TEXT NOT NULL,"
	"  name TEXT NOT NULL DEFAULT '',"
	"  title TEXT NOT NULL DEFAULT '',"
	"  phones TEXT NOT NULL DEFAULT '',"
	"  manager TEXT NOT NULL DEFAULT '',"
	"  date INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE INDEX signatures_address ON signatures(address, date);"
	"CREATE TABLE contact_roles ("
	"  address TEXT PRIMARY KEY,"
	"  role TEXT NOT NULL,"
	"  date INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE TABLE issues ("
	"  id INTEGER PRIMARY KEY,"
	"  vendor_id INTEGER NOT NULL REFERENCES vendors(id),"
	"  title TEXT NOT NULL,"
	"  opened INTEGER NOT NULL,"
	"  closed INTEGER,"
	"  note TEXT NOT NULL DEFAULT '',"
	"  withdrawn INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX issues_vendor ON issues(vendor_id, closed);"
	"CREATE TABLE issue_links ("
	"  issue_id INTEGER NOT NULL REFERENCES issues(id),"
	"  message_id TEXT NOT NULL,"
	"  PRIMARY KEY (issue_id, message_id)) WITHOUT ROWID;"
	"CREATE TABLE journal ("
	"  id INTEGER PRIMARY KEY,"
	"  date INTEGER NOT NULL,"
	"  action TEXT NOT NULL,"
	"  vendor_id INTEGER REFERENCES vendors(id),"
	"  target TEXT NOT NULL DEFAULT '',"
	"  before TEXT NOT NULL DEFAULT '',"
	"  after TEXT NOT NULL DEFAULT '',"
	"  summary TEXT NOT NULL,"
	"  undone INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX journal_vendor ON journal(vendor_id, date);"
	/* work for later, never on the triage path (server folder mirror) */
	"CREATE TABLE jobs ("
	"  id INTEGER PRIMARY KEY,"
	"  kind TEXT NOT NULL,"
	"  vendor_id INTEGER REFERENCES vendors(id),"
	"  arg TEXT NOT NULL DEFAULT '',"
	"  created INTEGER NOT NULL,"
	"  done INTEGER);"
	"INSERT OR REPLACE INTO meta VALUES ('rederive', '1');",
	/* 2 -> 3: trust. What each message says of itself (derived, gone
	 * with the message: foreign keys cascade), which domains resemble
	 * which (a fact about the names), and the verdicts judged from them
	 * (store/trust.c). Attribution revision 2 rereads every file. */
	"ALTER TABLE messages ADD COLUMN authserv TEXT NOT NULL DEFAULT '';"
	"CREATE TABLE trust_signals ("
	"  message_id TEXT PRIMARY KEY REFERENCES messages(message_id) ON DELETE CASCADE,"
	"  display_name TEXT NOT NULL DEFAULT '',"
	"  name_address TEXT NOT NULL DEFAULT '',"
	"  several_from INTEGER NOT NULL DEFAULT 0,"
	"  from_encoded INTEGER NOT NULL DEFAULT 0,"
	"  reply_org TEXT NOT NULL DEFAULT '',"
	"  bank_change INTEGER NOT NULL DEFAULT 0,"
	"  asks_payment INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;"
	"CREATE TABLE auth_results ("
	"  message_id TEXT NOT NULL REFERENCES messages(message_id) ON DELETE CASCADE,"
	"  pos INTEGER NOT NULL,"
	"  authserv_id TEXT NOT NULL,"
	"  verdict INTEGER NOT NULL,"
	"  why TEXT NOT NULL DEFAULT '',"
	"  PRIMARY KEY (message_id, pos)) WITHOUT ROWID;"
	"CREATE TABLE payment_details ("
	"  message_id TEXT NOT NULL REFERENCES messages(message_id) ON DELETE CASCADE,"
	"  kind TEXT NOT NULL,"
	"  value TEXT NOT NULL,"
	"  PRIMARY KEY (message_id, kind, value)) WITHOUT ROWID;"
	"CREATE TABLE domain_likeness ("
	"  org TEXT NOT NULL,"
	"  like_org TEXT NOT NULL,"
	"  kind TEXT NOT NULL,"
	"  why TEXT NOT NULL,"
	"  PRIMARY KEY (org, like_org)) WITHOUT ROWID;"
	"CREATE INDEX domain_likeness_like ON domain_likeness(like_org);"
	"CREATE TABLE domains_compared (org TEXT PRIMARY KEY) WITHOUT ROWID;"
	"CREATE TABLE lookalikes ("
	"  org TEXT PRIMARY KEY,"
	"  like_org TEXT NOT NULL,"
	"  kind TEXT NOT NULL,"
	"  why TEXT NOT NULL,"
	"  text TEXT NOT NULL) WITHOUT ROWID;"
	"CREATE TABLE suspicions ("
	"  message_id TEXT NOT NULL REFERENCES messages(message_id) ON DELETE CASCADE,"
	"  reason TEXT NOT NULL,"
	"  detail TEXT NOT NULL,"
	"  like_org TEXT NOT NULL DEFAULT '',"
	"  PRIMARY KEY (message_id, reason, detail)) WITHOUT ROWID;"
	"CREATE INDEX suspicions_reason ON suspicions(reason);"
	"CREATE INDEX suspicions_like ON suspicions(like_org);"
	"CREATE INDEX messages_authserv ON messages(authserv) WHERE authserv <> '';",
	/* 3 -> 4: the older message-derived tables cascade too, so that no
	 * table of what mail says can be forgotten when its message goes
	 * (they were deleted by two hand-kept lists). Rows of messages the
	 * store no longer has could not be kept under the key: the next
	 * index would not have made them either. */
	"CREATE TABLE sightings_v4 ("
	"  message_id TEXT NOT NULL REFERENCES messages(message_id) ON DELETE CASCADE,"
	"  address TEXT NOT NULL,"
	"  field INTEGER NOT NULL,"
	"  name TEXT NOT NULL DEFAULT '',"
	"  org TEXT NOT NULL DEFAULT '',"
	"  date INTEGER NOT NULL,"
	"  PRIMARY KEY (message_id, address, field)) WITHOUT ROWID;"
	"INSERT INTO sightings_v4 SELECT message_id, address, field, name, org, date FROM sightings"
	" WHERE message_id IN (SELECT message_id FROM messages);"
	"DROP TABLE sightings;"
	"ALTER TABLE sightings_v4 RENAME TO sightings;"
	"CREATE INDEX sightings_address ON sightings(address, date);"
	"CREATE INDEX sightings_org ON sightings(org);"
	"CREATE INDEX sightings_name ON sightings(name);"
	"CREATE TABLE signatures_v4 ("
	"  message_id TEXT PRIMARY KEY REFERENCES messages(message_id) ON DELETE CASCADE,"
	"  address TEXT NOT NULL,"
	"  org TEXT NOT NULL,"
	"  name TEXT NOT NULL DEFAULT '',"
	"  title TEXT NOT NULL DEFAULT '',"
	"  phones TEXT NOT NULL DEFAULT '',"
	"  manager TEXT NOT NULL DEFAULT '',"
	"  date INTEGER NOT NULL) WITHOUT ROWID;"
	"INSERT INTO signatures_v4 SELECT message_id, address, org, name, title, phones, manager,"
	" date FROM signatures WHERE message_id IN (SELECT message_id FROM messages);"
	"DROP TABLE signatures;"
	"ALTER TABLE signatures_v4 RENAME TO signatures;"
	"CREATE INDEX signatures_address ON signatures(address, date);",
	/* 4 -> 5: quotes and bills (store/documents.c). What a vendor's
	 * message is and its figures (derived: attribution revision 3
	 * rereads every file), the bill check's verdicts on them, and a
	 * vendor's contracted rate (the user's word). Totals are minor
	 * units; scale is 10^(the currency's decimals), for comparing. */
	"CREATE TABLE documents ("
	"  message_id TEXT PRIMARY KEY REFERENCES messages(message_id) ON DELETE CASCADE,"
	"  org TEXT NOT NULL,"
	"  kind INTEGER NOT NULL,"
	"  source TEXT NOT NULL,"
	"  total INTEGER,"
	"  currency TEXT NOT NULL DEFAULT '',"
	"  scale INTEGER NOT NULL DEFAULT 100,"
	"  subtotal INTEGER,"
	"  tax INTEGER,"
	"  labelled INTEGER NOT NULL DEFAULT 0,"
	"  totals_agree INTEGER NOT NULL DEFAULT 0,"
	"  if_dot INTEGER,"
	"  if_comma INTEGER,"
	"  decimal INTEGER NOT NULL DEFAULT 0,"
	"  ref TEXT NOT NULL DEFAULT '',"
	"  issued TEXT NOT NULL DEFAULT '',"
	"  due TEXT NOT NULL DEFAULT '',"
	"  valid_until TEXT NOT NULL DEFAULT '',"
	"  net_days INTEGER NOT NULL DEFAULT 0,"
	"  note TEXT NOT NULL DEFAULT '',"
	"  usual INTEGER,"
	"  usual_count INTEGER NOT NULL DEFAULT 0,"
	"  flag TEXT NOT NULL DEFAULT '') WITHOUT ROWID;"
	"CREATE INDEX documents_kind ON documents(kind, total);"
	"CREATE INDEX documents_org ON documents(org, kind);"
	"CREATE INDEX documents_ref ON documents(ref) WHERE ref <> '';"
	"CREATE INDEX documents_flag ON documents(flag) WHERE flag <> '';"
	"ALTER TABLE vendors ADD COLUMN rate INTEGER;"
	"ALTER TABLE vendors ADD COLUMN rate_currency TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE vendors ADD COLUMN rate_per TEXT NOT NULL DEFAULT '';",
	/* 5 -> 6: contracts (store/contracts.c). Dates mined from vendor
	 * mail are suggestions (attribution revision 4 rereads every file);
	 * the user's verdict on each (state: 0 open, 1 accepted, 2 rejected)
	 * outlives the message's derived rows, so a suggestion is keyed by
	 * what it says, not tied to them. Contracts are the user's word. */
	"CREATE TABLE contract_suggestions ("
	"  id INTEGER PRIMARY KEY,"
	"  message_id TEXT NOT NULL,"
	"  org TEXT NOT NULL,"
	"  ends TEXT NOT NULL,"
	"  event TEXT NOT NULL,"
	"  kind TEXT NOT NULL,"
	"  ambiguous INTEGER NOT NULL DEFAULT 0,"
	"  phrase TEXT NOT NULL DEFAULT '',"
	"  date INTEGER NOT NULL,"
	"  state INTEGER NOT NULL DEFAULT 0,"
	"  UNIQUE (message_id, ends, event));"
	"CREATE INDEX contract_suggestions_org ON contract_suggestions(org, state);"
	"CREATE TABLE contracts ("
	"  id INTEGER PRIMARY KEY,"
	"  vendor_id INTEGER NOT NULL REFERENCES vendors(id),"
	"  kind TEXT NOT NULL,"
	"  ends TEXT NOT NULL,"
	"  notice_days INTEGER NOT NULL DEFAULT 30,"
	"  note TEXT NOT NULL DEFAULT '',"
	"  suggestion_id INTEGER,"
	"  created INTEGER NOT NULL);"
	"CREATE INDEX contracts_ends ON contracts(ends);",
	/* 6 -> 7: snoozed conversations (store/snooze.c): the user's word,
	 * kept by a message of the thread (thread ids change when notmuch
	 * merges threads), out of every list until the time given. */
	"CREATE TABLE snoozes ("
	"  message_id TEXT PRIMARY KEY,"
	"  until INTEGER NOT NULL,"
	"  created INTEGER NOT NULL) WITHOUT ROWID;",
	/* 7 -> 8: "did this address write before?" (store/trust.c) for each
	 * freemail sender named like a vendor's contact walked every message
	 * without it: hours in a first index of a million. */
	"CREATE INDEX messages_from ON messages(from_addr, date);",
	/* 8 -> 9: "did the user write to this organisation?" (trust.c's
	 * RELATIONSHIP, asked per sighting of a name) read every message of
	 * the organisation, ninety thousand for a big vendor: the user's own
	 * mail, indexed apart, answers it at once. */
	"CREATE INDEX messages_written ON messages(org, kind) WHERE direction = 1;",
	/* 9 -> 10: a vendor's impostors (store/query.c: every vendor: and
	 * bucket: query leaves them out) were found through every
	 * suspicion's message, 7,465 lookups at a million messages for a
	 * query notmuch answers in 20 ms: each suspicion now names its
	 * message's organisation, the message's when judged. */
	"ALTER TABLE suspicions ADD COLUMN org TEXT NOT NULL DEFAULT '';"
	"UPDATE suspicions SET org = coalesce((SELECT m.org FROM messages m"
	" WHERE m.message_id = suspicions.message_id), '');"
	"CREATE INDEX suspicions_org ON suspicions(org, reason);",
	/* 10 -> 11: how many organisations a name was seen at (contacts.c:
	 * a name at many is not one person's trail), from the index alone. */
	"DROP INDEX sightings_name;"
	"CREATE INDEX sightings_name ON sightings(name, org);",
	/* 11 -> 12: the reasons each message's index document carries
	 * (MAIL_PROP_SUSPECT), as last written and committed: suspicious:
	 * named the messages one by one, which Xapian takes time quadratic
	 * in (1.1 s for 14,328 at 300,000 messages). */
	"CREATE TABLE suspect_marks ("
	"  message_id TEXT PRIMARY KEY REFERENCES messages(message_id) ON DELETE CASCADE,"
	"  reasons TEXT NOT NULL) WITHOUT ROWID;",
	/* 12 -> 13: a vendor's newest threads (store/search.c) read each
	 * message's thread from its row, a page of the table a message
	 * (some 150 for a screen of 50 threads, a fifth of the list's page
	 * faults): the index of the vendor's mail in date order carries it
	 * (5 pages). */
	"DROP INDEX messages_org;"
	"CREATE INDEX messages_org ON messages(org, kind, date, thread);",
	/* 13 -> 14: the payment mail judged again at every run
	 * (store/trust.c judge_money) was found by reading every message's
	 * signals. */
	"CREATE INDEX trust_signals_bank_change ON trust_signals(message_id) WHERE bank_change = 1;"
	"CREATE INDEX trust_signals_asks_payment ON trust_signals(message_id)"
	" WHERE asks_payment = 1;",
	/* 14 -> 15: every query named each snoozed thread (thread:A OR ...),
	 * a posting list each: 500 snoozed threads doubled every list. The
	 * index run now writes a snooze's end onto its thread's messages
	 * (MAIL_PROP_SNOOZED), one term for every thread snoozed to the same
	 * time; snooze_marks is what it wrote, snooze_changed the threads
	 * snoozed or woken since, which queries still name one by one. */
	"CREATE TABLE snooze_marks ("
	"  message_id TEXT PRIMARY KEY REFERENCES messages(message_id) ON DELETE CASCADE,"
	"  until INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE TABLE snooze_changed (id INTEGER PRIMARY KEY, thread TEXT NOT NULL);"
	"INSERT INTO snooze_changed (thread) SELECT DISTINCT m.thread FROM snoozes z"
	" CROSS JOIN messages m ON m.message_id = z.message_id;",
	/* 15 -> 16: a vendor's contacts counted each address's messages
	 * from its sightings whole (113,753 rows for the biggest vendor of
	 * a million messages: 0.42 s of its pane). address_counts keeps,
	 * per address, its messages that are not an impostor's, first and
	 * last; address_names the person-like names it was seen under and
	 * how often (a vendor's names, whose people may have moved). The
	 * triggers keep them as sightings and suspicions change; what they
	 * cannot keep exactly (a message at an address's first or last date
	 * gone) they mark stale (n NULL), counted again by the next index
	 * run or the list that finds it so (store/contacts.c). No OR IGNORE
	 * in a trigger: the statement that fires it decides conflicts. */
	"CREATE TABLE address_counts ("
	"  address TEXT PRIMARY KEY,"
	"  org TEXT NOT NULL DEFAULT '',"
	"  n INTEGER," /* NULL: stale */
	"  first INTEGER,"
	"  last INTEGER) WITHOUT ROWID;"
	"CREATE INDEX address_counts_org ON address_counts(org);"
	"CREATE INDEX address_counts_stale ON address_counts(address) WHERE n IS NULL;"
	"CREATE TABLE address_names ("
	"  address TEXT NOT NULL,"
	"  name TEXT NOT NULL,"
	"  n INTEGER NOT NULL," /* its sightings */
	"  PRIMARY KEY (address, name)) WITHOUT ROWID;"
	"CREATE INDEX address_names_name ON address_names(name);"
	"INSERT INTO address_counts (address, org, n, first, last)"
	" SELECT address, min(org),"
	"  count(DISTINCT message_id) FILTER (WHERE " VT_SQL_NOT_IMPOSTOR("message_id") "),"
	"  min(date) FILTER (WHERE " VT_SQL_NOT_IMPOSTOR("message_id") "),"
	"  max(date) FILTER (WHERE " VT_SQL_NOT_IMPOSTOR("message_id") ")"
	" FROM sightings GROUP BY address;"
	"INSERT INTO address_names (address, name, n)"
	" SELECT address, name, count(*) FROM sightings WHERE " VT_SQL_PERSON_NAME("name")
	" GROUP BY address, name;"
	VT_ADDRESS_COUNTS_TRIGGERS(""),
	/* 16 -> 17: a vendor's messages, first and last (its pane's header,
	 * `vendor list`, and whether a list names its threads from the
	 * store: store/search.c) were counted from the index of its mail
	 * (107,528 entries, 30 ms, for the biggest vendor of a million).
	 * org_mail keeps each organisation's vendor mail (kind 1) the way
	 * address_counts keeps an address's: exact, or stale (n NULL) when
	 * a message at its first or last date goes. */
	"CREATE TABLE org_mail ("
	"  org TEXT PRIMARY KEY,"
	"  n INTEGER," /* NULL: stale */
	"  first INTEGER,"
	"  last INTEGER) WITHOUT ROWID;"
	"CREATE INDEX org_mail_stale ON org_mail(org) WHERE n IS NULL;"
	"INSERT INTO org_mail (org, n, first, last)"
	" SELECT org, count(*), min(date), max(date) FROM messages WHERE kind = 1 GROUP BY org;"
	VT_ORG_MAIL_TRIGGERS(""),
	/* 17 -> 18: the counts' triggers made by the connections that write
	 * (VT_ADDRESS_COUNTS_TRIGGERS), not parsed at every open. In their
	 * place a tripwire each write of the counted tables meets: it calls
	 * vt_counts_kept(), which only vtriage registers (and only once it
	 * guards its writes), so that a writer without the triggers (a
	 * vtriage of before still running on a store this one migrated, the
	 * sqlite3 shell) fails instead of leaving the counts wrong for good. */
	"DROP TRIGGER IF EXISTS address_counts_sighted;"
	"DROP TRIGGER IF EXISTS address_counts_unsighted;"
	"DROP TRIGGER IF EXISTS address_names_unsighted;"
	"DROP TRIGGER IF EXISTS address_counts_moved;"
	"DROP TRIGGER IF EXISTS address_names_renamed;"
	"DROP TRIGGER IF EXISTS address_counts_impostor;"
	"DROP TRIGGER IF EXISTS address_counts_pardoned;"
	"DROP TRIGGER IF EXISTS address_counts_rejudged;"
	"DROP TRIGGER IF EXISTS org_mail_added;"
	"DROP TRIGGER IF EXISTS org_mail_removed;"
	"DROP TRIGGER IF EXISTS org_mail_moved;"
	VT_COUNTS_TRIPWIRE("messages", "INSERT")
	VT_COUNTS_TRIPWIRE("messages", "UPDATE")
	VT_COUNTS_TRIPWIRE("messages", "DELETE")
	VT_COUNTS_TRIPWIRE("sightings", "INSERT")
	VT_COUNTS_TRIPWIRE("sightings", "UPDATE")
	VT_COUNTS_TRIPWIRE("sightings", "DELETE")
	VT_COUNTS_TRIPWIRE("suspicions", "INSERT")
	VT_COUNTS_TRIPWIRE("suspicions", "UPDATE")
	VT_COUNTS_TRIPWIRE("suspicions", "DELETE"),
	/* 18 -> 19: bank details the user verified with a vendor (by phone,
	 * say) and accepted: mail giving them is not judged for them
	 * (store/trust.c). By the domain whose mail gave them, so that they
	 * follow it through merges and removals. And when payment mail
	 * came, by the receiving server's word: a Date is the sender's to
	 * write, and new details dated back came first (0: not known, the
	 * Date is used). */
	"CREATE TABLE bank_accepted ("
	"  org TEXT NOT NULL,"
	"  kind TEXT NOT NULL,"
	"  value TEXT NOT NULL,"
	"  accepted INTEGER NOT NULL,"
	"  PRIMARY KEY (org, kind, value)) WITHOUT ROWID;"
	"ALTER TABLE trust_signals ADD COLUMN arrived INTEGER NOT NULL DEFAULT 0;"
	/* an out-of-office reply answers nobody: a thread it ends still
	 * waits on the vendor (store/index.c) */
	"ALTER TABLE messages ADD COLUMN auto_reply INTEGER NOT NULL DEFAULT 0;"
	/* a bill naming its terms and no due date is due that many days
	 * after its issue, else its mail (store/documents.c) */
	"UPDATE documents SET due = date(coalesce(nullif(issued, ''), date((SELECT m.date"
	"  FROM messages m WHERE m.message_id = documents.message_id), 'unixepoch',"
	"  'localtime')), '+' || net_days || ' days')"
	" WHERE due = '' AND net_days > 0 AND kind = 2;"
	/* list mail an older vtriage indexed without its payment details is
	 * read again once (store/index.c, reread_once: revision 3); a new
	 * store has none */
	"INSERT OR REPLACE INTO meta (key, value)"
	" SELECT 'reread', CASE WHEN EXISTS (SELECT 1 FROM messages) THEN '0' ELSE '3' END;",
	/* 19 -> 20: quotes and bills an older vtriage read are read again
	 * once (store/index.c, reread_once: revision 4); a new store has
	 * none */
	"UPDATE meta SET value = '4' WHERE key = 'reread' AND NOT EXISTS (SELECT 1 FROM messages);",
	/* 20 -> 21: why a message's PDF was not read, on every message: a
	 * letter that is no bill ("please see the attached letter", its new
	 * IBAN in the PDF alone) left for the next run, or timed out, was
	 * never read again, having no document to say so */
	"ALTER TABLE messages ADD COLUMN pdf_note TEXT NOT NULL DEFAULT '';"
	/* (the tripwire stands aside: no count follows a message's note) */
	"DROP TRIGGER messages_UPDATE_needs_counts;"
	"UPDATE messages SET pdf_note = (SELECT d.note FROM documents d"
	"  WHERE d.message_id = messages.message_id)"
	" WHERE message_id IN (SELECT message_id FROM documents WHERE note LIKE 'PDF not read: %');"
	VT_COUNTS_TRIPWIRE("messages", "UPDATE"),
	/* 21 -> 22: vendor mail in conversations the user wrote in is read
	 * again once for helpdesk receipts (store/index.c, reread_once:
	 * revision 5); a new store has none */
	"UPDATE meta SET value = '5' WHERE key = 'reread' AND NOT EXISTS (SELECT 1 FROM messages);",
	/* 22 -> 23: what the user's server found of all mail from a vendor's
	 * domain, passes too, not only of mail some header failed: a
	 * vendor's mail that always passed for its own domain and then
	 * came passing for another's (its domain has no DMARC record, so
	 * nothing failed) is a forgery (store/trust.c). passed_for is that
	 * other organisation (mail_authres_passed_for); mail sent to
	 * subscribers (bulk) is judged so only where it is about money.
	 * Each vendor's newest mail an older vtriage indexed is read again
	 * once (store/index.c, reread_once: revision 6); a new store has
	 * none. */
	"ALTER TABLE auth_results ADD COLUMN passed_for TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE trust_signals ADD COLUMN bulk INTEGER NOT NULL DEFAULT 0;"
	"UPDATE meta SET value = '6' WHERE key = 'reread' AND NOT EXISTS (SELECT 1 FROM messages);",
};
/* clang-format on */

int
vt_store_schema_version(void)
{
	return (int)(sizeof migrations / sizeof migrations[0]);
}

vt_status
vt_sql_fail(struct vt_store *s, struct vt_error *err, int rc, const char *what)
{
	const char *msg = s && s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc);
	const char *path = s && s->path ? s->path : "store";

	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return vt_fail(err, VT_ERR_BUSY,
			       "%s: %s: busy, another program is writing it (another vtriage, or"
			       " the sqlite3 shell); try again",
			       path, what);
	case SQLITE_NOMEM:
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	case SQLITE_FULL:
		return vt_fail(err, VT_ERR_IO, "%s: %s: disk full; nothing was changed", path,
			       what);
	case SQLITE_IOERR:
	case SQLITE_CANTOPEN:
	case SQLITE_READONLY:
		return vt_fail(err, VT_ERR_IO, "%s: %s: %s", path, what, msg);
	default:
		return vt_fail(err, VT_ERR_DB, "%s: %s: %s", path, what, msg);
	}
}

/* The name of a table the counts' triggers watch, or NULL. */
static const char *
counted_table(const char *table)
{
	static const char *const counted[] = { "messages", "sightings", "suspicions" };

	for (size_t i = 0; table != NULL && i < sizeof counted / sizeof *counted; i++)
		if (strcmp(table, counted[i]) == 0)
			return counted[i];
	return NULL;
}

/*
 * An authorizer: a statement that writes a counted table is refused
 * while this connection has not made the counts' triggers (they are
 * TEMP: VT_ADDRESS_COUNTS_TRIGGERS), so that no write can miss them;
 * prepare_counted makes them and prepares it again.
 */
static int
counts_guard(void *ctx, int action, const char *table, const char *column, const char *db,
	     const char *trigger)
{
	struct vt_store_private *p = ctx;
	const char *counted;

	(void)column;
	(void)trigger;
	if (p->counts_kept ||
	    (action != SQLITE_INSERT && action != SQLITE_UPDATE && action != SQLITE_DELETE) ||
	    db == NULL || strcmp(db, "main") != 0 || (counted = counted_table(table)) == NULL)
		return SQLITE_OK;
	p->refused = counted;
	return SQLITE_DENY;
}

/* The counts' triggers made on this connection, once. Never inside a
 * transaction: its rollback would take them away unseen. */
static vt_status
keep_counts(struct vt_store *s, struct vt_error *err)
{
	struct vt_store_private *p = (struct vt_store_private *)s;
	vt_status st = VT_OK;
	int rc;

	if (!p->guarded || p->counts_kept)
		return VT_OK;
	if (!sqlite3_get_autocommit(s->db))
		return vt_fail(err, VT_ERR_DB,
			       "%s: %s written inside a read snapshot (the counts' triggers are"
			       " made outside transactions: vt_store_begin)",
			       s->path, p->refused ? p->refused : "a counted table");
	/* all or none: one that failed half way would stay, and the next
	 * attempt fail on it ("already exists") */
	/* clang-format off */
	rc = sqlite3_exec(s->db,
			  "BEGIN;" VT_ADDRESS_COUNTS_TRIGGERS("TEMP ") VT_ORG_MAIL_TRIGGERS("TEMP ")
			  "COMMIT",
			  NULL, NULL, NULL);
	/* clang-format on */
	if (rc != SQLITE_OK) {
		st = vt_sql_fail(s, err, rc, "making the counts' triggers");
		if (!sqlite3_get_autocommit(s->db))
			sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	}
	p->counts_kept = st == VT_OK;
	return st;
}

/* The tripwire's function (migration 18): nothing to do where it is
 * known, that is where the counts' triggers are made before a write. */
static void
sql_counts_kept(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	(void)argv;
	sqlite3_result_null(ctx);
}

/* sqlite3_prepare_v3, the counts' triggers made first where the
 * statement writes a table they watch (counts_guard). */
static vt_status
prepare_counted(struct vt_store *s, const char *sql, unsigned flags, sqlite3_stmt **stmt,
		const char **tail, struct vt_error *err)
{
	struct vt_store_private *p = (struct vt_store_private *)s;
	vt_status st;
	int rc;

	p->refused = NULL;
	rc = sqlite3_prepare_v3(s->db, sql, -1, flags, stmt, tail);
	if (rc == SQLITE_AUTH && p->refused != NULL) {
		if ((st = keep_counts(s, err)) != VT_OK)
			return st;
		rc = sqlite3_prepare_v3(s->db, sql, -1, flags, stmt, tail);
	}
	return rc == SQLITE_OK ? VT_OK : vt_sql_fail(s, err, rc, "prepare");
}

sqlite3_stmt *
vt_sql_prepare(struct vt_store *s, const char *sql, struct vt_error *err)
{
	struct vt_store_private *p = (struct vt_store_private *)s;
	struct stmt_cache *c;
	sqlite3_stmt *stmt = NULL;

	for (c = p->stmts; c != NULL; c = c->next)
		if (c->sql == sql) {
			sqlite3_reset(c->stmt);
			sqlite3_clear_bindings(c->stmt);
			return c->stmt;
		}
	if (prepare_counted(s, sql, SQLITE_PREPARE_PERSISTENT, &stmt, NULL, err) != VT_OK)
		return NULL;
	c = malloc(sizeof *c);
	if (c == NULL) {
		sqlite3_finalize(stmt);
		vt_fail(err, VT_ERR_NOMEM, "out of memory");
		return NULL;
	}
	c->sql = sql;
	c->stmt = stmt;
	c->next = p->stmts;
	p->stmts = c;
	return stmt;
}

/* sqlite3_exec, each statement prepared by prepare_counted. */
vt_status
vt_sql_exec(struct vt_store *s, const char *sql, struct vt_error *err)
{
	sqlite3_stmt *stmt;
	const char *tail = sql;
	vt_status st;
	int rc = SQLITE_OK;

	while (rc == SQLITE_OK && *tail != '\0') {
		if ((st = prepare_counted(s, tail, 0, &stmt, &tail, err)) != VT_OK)
			return st;
		if (stmt == NULL) /* a comment, white space */
			continue;
		while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
			;
		sqlite3_finalize(stmt);
		if (rc == SQLITE_DONE)
			rc = SQLITE_OK;
	}
	return rc == SQLITE_OK ? VT_OK : vt_sql_fail(s, err, rc, "exec");
}

vt_status
vt_store_begin(struct vt_store *s, struct vt_error *err)
{
	vt_status rc;

	if (s->tx_depth++ > 0)
		return VT_OK;
	/* a write may come: the triggers first, outside the transaction */
	if ((rc = keep_counts(s, err)) != VT_OK) {
		s->tx_depth = 0;
		return rc;
	}
	rc = vt_sql_exec(s, "BEGIN IMMEDIATE", err);
	if (rc != VT_OK)
		s->tx_depth = 0;
	return rc;
}

vt_status
vt_store_commit(struct vt_store *s, struct vt_error *err)
{
	vt_status rc;

	if (s->tx_depth == 0)
		return vt_fail(err, VT_ERR_INTERNAL, "commit without a transaction");
	if (--s->tx_depth > 0)
		return VT_OK;
	rc = vt_sql_exec(s, "COMMIT", err);
	if (rc != VT_OK)
		vt_sql_exec(s, "ROLLBACK", NULL);
	return rc;
}

void
vt_store_rollback(struct vt_store *s)
{
	if (s->tx_depth == 0)
		return;
	s->tx_depth = 0;
	vt_sql_exec(s, "ROLLBACK", NULL);
}

static vt_status
schema_version(struct vt_store *s, int *version, struct vt_error *err)
{
	sqlite3_stmt *stmt;
	int rc;

	*version = 0;
	if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &stmt, NULL) != SQLITE_OK)
		return vt_sql_fail(s, err, sqlite3_errcode(s->db), "read schema version");
	if ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		*version = sqlite3_column_int(stmt, 0);
	sqlite3_finalize(stmt);
	return rc == SQLITE_ROW ? VT_OK : vt_sql_fail(s, err, rc, "read schema version");
}

static vt_status
migrate(struct vt_store *s, struct vt_error *err)
{
	int version = 0, target = vt_store_schema_version();
	char pragma[64];
	vt_status rc;

	if ((rc = schema_version(s, &version, err)) != VT_OK)
		return rc;
	if (version > target)
		return vt_fail(
			err, VT_ERR_DB,
			"%s: schema version %d is newer than this vtriage (%d); upgrade vtriage",
			s->path, version, target);
	if (version == target)
		return VT_OK;
	if ((rc = vt_store_begin(s, err)) != VT_OK)
		return rc;
	/* Read again under the write lock: two vtriage processes opening a
	 * new store at once (an index and a count) both saw version 0, and
	 * the second to migrate failed on "table meta already exists". */
	if ((rc = schema_version(s, &version, err)) != VT_OK) {
		vt_store_rollback(s);
		return rc;
	}
	if (version >= target) {
		vt_store_rollback(s);
		return VT_OK;
	}
	for (; version < target; version++) {
		if ((rc = vt_sql_exec(s, migrations[version], err)) != VT_OK) {
			vt_store_rollback(s);
			return rc;
		}
	}
	snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", target);
	if ((rc = vt_sql_exec(s, pragma, err)) != VT_OK) {
		vt_store_rollback(s);
		return rc;
	}
	return vt_store_commit(s, err);
}

/* display_address(ADDRESS or DOMAIN): with the domain as people must see
 * it (punycode, <U+200D>; mail_address_display), for the texts the store
 * composes (history). */
static void
sql_display_address(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const char *address = (const char *)sqlite3_value_text(argv[0]);
	char *shown;

	(void)argc;
	if (address == NULL) {
		sqlite3_result_null(ctx);
		return;
	}
	shown = strchr(address, '@') ? mail_address_display(address) : mail_domain_display(address);
	if (shown == NULL) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	sqlite3_result_text(ctx, shown, -1, free);
}

/* VTRIAGE_SLOW_SQL_MS, read once: below zero, statements are not timed */
static double slow_sql_ms = -1;
static pthread_once_t sqlite_configured = PTHREAD_ONCE_INIT;

/* sqlite counts every allocation's bytes under a mutex, for
 * sqlite3_memory_used() we never ask: a tenth of reading the schema at
 * open. Before sqlite's first use, or not at all (SQLITE_MISUSE). */
static void
configure_sqlite(void)
{
	const char *v = getenv("VTRIAGE_SLOW_SQL_MS");
	char *end;

	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	if (v != NULL && *v != '\0') {
		double ms = strtod(v, &end);

		if (*end == '\0' && ms >= 0)
			slow_sql_ms = ms;
	}
}

/* VTRIAGE_SLOW_SQL_MS=N: each statement that ran N ms or more, to
 * stderr, for whoever profiles a run (a plan that walks a table shows
 * up at once). The text as prepared: the values bound, taken from mail,
 * are not printed. */
static int
report_slow_statement(unsigned type, void *ctx, void *stmt, void *nanoseconds)
{
	double ms = (double)*(sqlite3_int64 *)nanoseconds / 1e6;

	(void)ctx;
	if (type == SQLITE_TRACE_PROFILE && ms >= slow_sql_ms)
		fprintf(stderr, "vtriage: slow SQL (%.1f ms): %s\n", ms,
			sqlite3_sql((sqlite3_stmt *)stmt));
	return 0;
}

void
vt_sqlite_configure(void)
{
	pthread_once(&sqlite_configured, configure_sqlite);
}

vt_status
vt_store_open(const char *path, struct vt_store **out, struct vt_error *err)
{
	struct vt_store_private *p;
	struct vt_store *s;
	int rc;
	vt_status st;

	*out = NULL;
	vt_sqlite_configure();
	p = calloc(1, sizeof *p);
	if (p == NULL)
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	s = &p->pub;
	s->path = strdup(path);
	s->followup_days = 5;
	rc = sqlite3_open_v2(path, &s->db,
			     SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
			     NULL);
	if (rc != SQLITE_OK || s->path == NULL) {
		st = vt_fail(err, VT_ERR_IO, "cannot open %s: %s", path,
			     s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
		vt_store_close(&s);
		return st;
	}
	sqlite3_extended_result_codes(s->db, 1);
	if (slow_sql_ms >= 0)
		sqlite3_trace_v2(s->db, SQLITE_TRACE_PROFILE, report_slow_statement, NULL);
	sqlite3_create_function_v2(s->db, "display_address", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC,
				   NULL, sql_display_address, NULL, NULL, NULL);
	sqlite3_create_function_v2(s->db, "money_text", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
				   vt_sql_money_text, NULL, NULL, NULL);
	sqlite3_create_function_v2(s->db, "person_key", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
				   vt_sql_person_key, NULL, NULL, NULL);
	/* Waiting a while for another vtriage's short write is better than
	 * failing at once; after that the error says who holds the lock. */
	sqlite3_busy_timeout(s->db, VT_STORE_BUSY_MS);
	/* The WAL and its index stay between runs (emptied at the last
	 * close): creating, chowning and unlinking both at every command
	 * cost more than a search's vendor column. */
	sqlite3_file_control(s->db, "main", SQLITE_FCNTL_PERSIST_WAL, &(int){ 1 });
	if ((st = vt_sql_exec(s, "PRAGMA journal_mode = WAL", err)) != VT_OK ||
	    (st = vt_sql_exec(s, "PRAGMA journal_size_limit = 8388608", err)) != VT_OK ||
	    (st = vt_sql_exec(s, "PRAGMA synchronous = NORMAL", err)) != VT_OK ||
	    (st = vt_sql_exec(s, "PRAGMA foreign_keys = ON", err)) != VT_OK ||
	    (st = migrate(s, err)) != VT_OK) {
		vt_store_close(&s);
		return st;
	}
	sqlite3_set_authorizer(s->db, counts_guard, p);
	sqlite3_create_function_v2(s->db, "vt_counts_kept", 0, SQLITE_UTF8, NULL, sql_counts_kept,
				   NULL, NULL, NULL);
	p->guarded = true;
	*out = s;
	return VT_OK;
}

/*
 * One read snapshot for many small reads (a search's vendor column, a
 * row a thread): outside a transaction each statement takes and drops
 * sqlite's shared lock and looks at the WAL again, two fcntl and an
 * fstat a row (5,000 rows: 15,000 system calls, a tenth of the search).
 * Nothing may be written until vt_store_read_end.
 */
void
vt_store_read_begin(struct vt_store *s)
{
	if (s->tx_depth++ == 0 && vt_sql_exec(s, "BEGIN DEFERRED", NULL) != VT_OK)
		s->tx_depth = 0;
}

void
vt_store_read_end(struct vt_store *s)
{
	if (s->tx_depth > 0 && --s->tx_depth == 0)
		vt_sql_exec(s, "COMMIT", NULL);
}

void
vt_store_set_busy_timeout(struct vt_store *s, int milliseconds)
{
	sqlite3_busy_timeout(s->db, milliseconds);
}

void
vt_store_set_page_cache(struct vt_store *s, int kib)
{
	char pragma[48];

	snprintf(pragma, sizeof pragma, "PRAGMA cache_size = -%d", kib);
	vt_sql_exec(s, pragma, NULL);
}

void
vt_store_close(struct vt_store **sp)
{
	struct vt_store_private *p = (struct vt_store_private *)*sp;
	struct stmt_cache *c, *next;

	if (p == NULL)
		return;
	for (c = p->stmts; c != NULL; c = next) {
		next = c->next;
		sqlite3_finalize(c->stmt);
		free(c);
	}
	if (p->pub.db != NULL)
		sqlite3_close(p->pub.db);
	free(p->pub.path);
	free(p);
	*sp = NULL;
}

bool
vt_store_knows_mail(struct vt_store *s)
{
	int64_t any = 0;

	return vt_sql_int(s, "SELECT EXISTS (SELECT 1 FROM messages)", &any, NULL, "") == VT_OK &&
	       any;
}

long long
vt_store_outside_version(struct vt_store *s)
{
	int64_t version = -1;

	if (vt_sql_int(s, "PRAGMA data_version", &version, NULL, "") != VT_OK)
		return -1;
	return (long long)version;
}

char *
vt_meta_get(struct vt_store *s, const char *key)
{
	sqlite3_stmt *st = vt_sql_prepare(s, "SELECT value FROM meta WHERE key = ?", NULL);
	char *out = NULL;

	if (st == NULL)
		return NULL;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		out = vt_strdup0((const char *)sqlite3_column_text(st, 0));
	sqlite3_reset(st);
	return out;
}

vt_status
vt_meta_set(struct vt_store *s, const char *key, const char *value, struct vt_error *err)
{
	sqlite3_stmt *st = vt_sql_prepare(s,
					  "INSERT INTO meta (key, value) VALUES (?, ?) "
					  "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
					  err);
	int rc;

	if (st == NULL)
		return err ? err->status : VT_ERR_DB;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? VT_OK : vt_sql_fail(s, err, rc, "write meta");
}

static void
bind_args(sqlite3_stmt *st, const char *types, va_list ap)
{
	for (int i = 0; types[i] != '\0'; i++) {
		switch (types[i]) {
		case 't':
			sqlite3_bind_text(st, i + 1, va_arg(ap, const char *), -1,
					  SQLITE_TRANSIENT);
			break;
		case 'i':
			sqlite3_bind_int64(st, i + 1, va_arg(ap, int64_t));
			break;
		default:
			sqlite3_bind_null(st, i + 1);
			break;
		}
	}
}

vt_status
vt_sql_run(struct vt_store *s, const char *sql, const char *what, struct vt_error *err,
	   const char *types, ...)
{
	sqlite3_stmt *st = vt_sql_prepare(s, sql, err);
	va_list ap;
	int rc;

	if (st == NULL)
		return err ? err->status : VT_ERR_DB;
	va_start(ap, types);
	bind_args(st, types, ap);
	va_end(ap);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		;
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? VT_OK : vt_sql_fail(s, err, rc, what);
}

vt_status
vt_sql_int(struct vt_store *s, const char *sql, int64_t *out, struct vt_error *err,
	   const char *types, ...)
{
	sqlite3_stmt *st = vt_sql_prepare(s, sql, err);
	va_list ap;
	int rc;

	*out = 0;
	if (st == NULL)
		return err ? err->status : VT_ERR_DB;
	va_start(ap, types);
	bind_args(st, types, ap);
	va_end(ap);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return VT_ERR_NOT_FOUND; /* no row: the caller words the error */
	return rc == SQLITE_ROW ? VT_OK : vt_sql_fail(s, err, rc, "read");
}

/* Blank: ASCII white space, and the spaces and invisible characters of
 * Unicode a title can be typed or pasted with (no-break, ideographic,
 * zero-width, direction marks, Hangul fillers), which show as nothing in
 * a list. */
bool
vt_text_blank(const char *text)
{
	static const char *const invisible[] = {
		"\xC2\xA0",     "\xC2\xAD",                     /* no-break space, soft hyphen */
		"\xE1\x85\x9F", "\xE1\x85\xA0", "\xE3\x85\xA4", /* Hangul fillers */
		"\xE1\xA0\x8E",                                 /* Mongolian vowel separator */
		"\xE2\x80\x80", "\xE2\x80\x81", "\xE2\x80\x82", "\xE2\x80\x83", "\xE2\x80\x84",
		"\xE2\x80\x85", "\xE2\x80\x86", "\xE2\x80\x87", "\xE2\x80\x88", "\xE2\x80\x89",
		"\xE2\x80\x8A", "\xE2\x80\x8B", "\xE2\x80\x8C", "\xE2\x80\x8D", "\xE2\x80\x8E",
		"\xE2\x80\x8F", "\xE2\x80\xA8", "\xE2\x80\xA9", "\xE2\x80\xAA", "\xE2\x80\xAB",
		"\xE2\x80\xAC", "\xE2\x80\xAD", "\xE2\x80\xAE", "\xE2\x80\xAF", "\xE2\x81\x9F",
		"\xE2\x81\xA0", "\xE2\x81\xA6", "\xE2\x81\xA7", "\xE2\x81\xA8", "\xE2\x81\xA9",
		"\xE3\x80\x80", "\xEF\xBB\xBF",
	};

	while (text != NULL && *text != '\0') {
		size_t k = 0, n = strspn(text, " \t\n\r\f\v");

		if (n > 0) {
			text += n;
			continue;
		}
		while (k < sizeof invisible / sizeof invisible[0] &&
		       strncmp(text, invisible[k], strlen(invisible[k])) != 0)
			k++;
		if (k == sizeof invisible / sizeof invisible[0])
			return false;
		text += strlen(invisible[k]);
	}
	return true;
}

/* Commits the action's transaction (or rolls it back) and reports it. */
vt_status
vt_action_end(struct vt_store *s, vt_status rc, const char *summary, struct vt_action *out,
	      struct vt_error *err)
{
	if (rc == VT_OK)
		rc = vt_store_commit(s, err);
	else
		vt_store_rollback(s);
	if (rc == VT_OK) {
		out->changed = true;
		snprintf(out->summary, sizeof out->summary, "%s", summary);
	}
	return rc;
}

vt_status
vt_journal_add(struct vt_store *s, const char *action, int64_t vendor_id, const char *target,
	       const char *before, const char *after, const char *summary, struct vt_error *err)
{
	return vt_sql_run(
		s,
		"INSERT INTO journal (date, action, vendor_id, target, before, after, summary)"
		" VALUES (?, ?, NULLIF(?, 0), ?, ?, ?, ?)",
		"record action", err, "ititttt", (int64_t)time(NULL), action, vendor_id,
		target ? target : "", before ? before : "", after ? after : "", summary);
}
