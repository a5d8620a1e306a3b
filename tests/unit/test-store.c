/* The store with a real notmuch index: vendors, queries, healing. */
#include "config.h"

#include "helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/private.h"
#include "store-fixture.h"

/* vt_sql_exec runs its statements one by one as sqlite3_exec does
 * (it prepares each itself, for the counts' triggers): comments and
 * empty statements are nothing, an error stops it there with sqlite's
 * message, and what ran before it stays. */
static void
exec_runs_statements_in_turn(void **state)
{
	struct fixture *f = *state;
	struct vt_error err = { 0 };

	assert_int_equal(vt_sql_exec(f->store, "", &err), VT_OK);
	assert_int_equal(vt_sql_exec(f->store, " ; ;\n-- a comment\n/* another */ ", &err), VT_OK);
	assert_int_equal(vt_sql_exec(f->store,
				     "CREATE TEMP TABLE probe (x CHECK (x < 50));;"
				     "INSERT INTO probe VALUES (1); -- the first\n"
				     "INSERT INTO probe VALUES (2)",
				     &err),
			 VT_OK);
	assert_int_equal(sql_long(f, "SELECT sum(x) FROM probe"), 3);
	assert_int_equal(vt_sql_exec(f->store,
				     "INSERT INTO probe VALUES (4);"
				     "INSERT INTO no_such_table VALUES (8);"
				     "INSERT INTO probe VALUES (16)",
				     &err),
			 VT_ERR_DB);
	assert_non_null(strstr(err.msg, "no such table: no_such_table"));
	assert_int_equal(sql_long(f, "SELECT sum(x) FROM probe"), 7);
	/* the same for an error as it runs, not as it is prepared */
	assert_int_equal(vt_sql_exec(f->store,
				     "INSERT INTO probe VALUES (32);"
				     "INSERT INTO probe VALUES (64);"
				     "INSERT INTO probe VALUES (1)",
				     &err),
			 VT_ERR_DB);
	assert_non_null(strstr(err.msg, "CHECK constraint failed"));
	assert_int_equal(sql_long(f, "SELECT sum(x) FROM probe"), 39);
}

static void
schema_is_versioned(void **state)
{
	struct fixture *f = *state;
	struct vt_error err = { 0 };
	char path[4200];

	assert_int_equal(sql_long(f, "PRAGMA user_version"), vt_store_schema_version());
	assert_int_equal(vt_sql_exec(f->store, "PRAGMA user_version = 99", &err), VT_OK);
	vt_store_close(&f->store);
	snprintf(path, sizeof path, "%s/vtriage.db", f->data);
	assert_int_equal(vt_store_open(path, &f->store, &err), VT_ERR_DB);
	assert_null(f->store);
	assert_non_null(strstr(err.msg, "newer than this vtriage"));
	snprintf(path, sizeof path, "%s/no/such/dir/vtriage.db", f->data);
	assert_int_equal(vt_store_open(path, &f->store, &err), VT_ERR_IO);
	assert_non_null(strstr(err.msg, "no/such/dir"));
}

/* vt_data_open for a reader, with a config of these [store] lines. */
static vt_status
open_reader(const char *store_lines, struct mail_db **db, struct vt_store **store,
	    struct vt_error *err)
{
	struct vt_config *cfg = NULL;
	char *text = NULL;
	vt_status rc;

	assert_true(asprintf(&text, "[store]\n%s", store_lines) > 0);
	assert_int_equal(vt_config_parse(text, "test-config", &cfg, err), VT_OK);
	free(text);
	memset(err, 0, sizeof *err);
	rc = vt_data_open(cfg, MAIL_DB_READ_ONLY, db, store, err);
	vt_config_free(&cfg);
	return rc;
}

/* A reader opens the index and the store at once (the store on a thread
 * of its own): each works; the store's failure is named with the index
 * open; the index's failure is the one reported, and leaves no store
 * open, nor a new one made. */
static void
a_reader_opens_the_index_and_the_store_at_once(void **state)
{
	struct fixture *f = *state;
	struct vt_error err = { 0 };
	struct mail_db *db = NULL;
	struct vt_store *store = NULL;
	unsigned long n = 0;
	char lines[9000], made[4200], *q = NULL;
	struct stat sb;

	index_ok(f);
	close_all(f);
	snprintf(lines, sizeof lines, "maildir = %s\ndata = %s\n", f->mail, f->data);
	assert_int_equal(open_reader(lines, &db, &store, &err), VT_OK);
	assert_int_equal(vt_query_translate(store, "vendor:acmetel", &q, &err), VT_OK);
	assert_int_equal(mail_count(db, q, false, &n, &err), VT_OK);
	assert_int_equal(n, 2);
	free(q);
	vt_store_close(&store);
	mail_db_close(&db);

	/* the store in the way of a directory: named; the index opened */
	assert_int_equal(test_sh("mkdir -p '%s/other/vtriage.db'", f->dir), 0);
	snprintf(lines, sizeof lines, "maildir = %s\ndata = %s/other\n", f->mail, f->dir);
	assert_int_not_equal(open_reader(lines, &db, &store, &err), VT_OK);
	assert_non_null(strstr(err.msg, "other/vtriage.db"));
	assert_non_null(db);
	assert_null(store);
	mail_db_close(&db);

	/* the index failing (no mail root: a bad configuration): reported,
	 * nothing left open */
	snprintf(lines, sizeof lines, "maildir = %s/gone\ndata = %s\n", f->dir, f->data);
	assert_int_equal(open_reader(lines, &db, &store, &err), VT_ERR_CONFIG);
	assert_non_null(strstr(err.msg, "/gone"));
	assert_null(db);
	assert_null(store);

	/* both failing: the index's is said */
	snprintf(lines, sizeof lines, "maildir = %s/gone\ndata = %s/other\n", f->dir, f->dir);
	assert_int_equal(open_reader(lines, &db, &store, &err), VT_ERR_CONFIG);
	assert_non_null(strstr(err.msg, "/gone"));
	assert_null(db);
	assert_null(store);

	/* and where there was no store, none is made */
	snprintf(lines, sizeof lines, "maildir = %s/gone\ndata = %s/new\n", f->dir, f->dir);
	assert_int_equal(open_reader(lines, &db, &store, &err), VT_ERR_CONFIG);
	snprintf(made, sizeof made, "%s/new/vtriage.db", f->dir);
	assert_int_not_equal(stat(made, &sb), 0);
	assert_null(store);
	open_all(f);
}

/* sqlite's plan for sql, a line a step. */
static void
query_plan(struct fixture *f, const char *sql, char *plan, size_t size)
{
	char explain[2048];
	sqlite3_stmt *st;

	snprintf(explain, sizeof explain, "EXPLAIN QUERY PLAN %s", sql);
	assert_int_equal(sqlite3_prepare_v2(f->store->db, explain, -1, &st, NULL), SQLITE_OK);
	plan[0] = '\0';
	while (sqlite3_step(st) == SQLITE_ROW) {
		strncat(plan, (const char *)sqlite3_column_text(st, 3), size - strlen(plan) - 2);
		strcat(plan, "\n");
	}
	sqlite3_finalize(st);
}

/* A screen of a vendor's newest threads reads the index of its mail in
 * date order alone: a row of the table a message was a page each. */
static void
a_vendors_newest_threads_come_from_one_index(void **state)
{
	struct fixture *f = *state;
	char plan[1024];

	query_plan(f, VT_SQL_DOMAIN_THREADS, plan, sizeof plan);
	if (strstr(plan, "COVERING INDEX messages_org ") == NULL || strstr(plan, "TEMP B-TREE"))
		fail_msg("the plan reads more than messages_org:\n%s", plan);
	/* and whether a vendor is big enough for that: its domains' counts
	 * (a stale one from the same index, counted no further than asked) */
	query_plan(f, VT_SQL_VENDOR_MAIL_COUNT, plan, sizeof plan);
	if (strstr(plan, "SEARCH d USING COVERING INDEX vendor_domains_vendor") == NULL ||
	    strstr(plan, "SEARCH o USING PRIMARY KEY (org=?)") == NULL ||
	    strstr(plan, "SEARCH m USING COVERING INDEX messages_org ") == NULL ||
	    strstr(plan, "TEMP B-TREE"))
		fail_msg("the vendor's count reads more than its domains' counts:\n%s", plan);
}

/* Whether the user ever wrote to an organisation costs a step or two
 * however much mail it sent: judging a freemail sender under a contact's
 * name asks it of every organisation the name was seen at. */
static void
whether_the_user_wrote_to_an_org_reads_no_mail_of_theirs(void **state)
{
	struct fixture *f = *state;
	struct vt_error err = { 0 };
	sqlite3_stmt *st;
	const char *orgs[] = { "big.example", "answered.example" };
	int wrote[2];

	assert_int_equal(
		vt_sql_exec(f->store,
			    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n"
			    " WHERE i < 5000)"
			    " INSERT INTO messages (message_id, org, kind, direction, date)"
			    " SELECT 'm' || i || '@big.example', 'big.example', 1, 0, i FROM n;"
			    "INSERT INTO messages (message_id, org, kind, direction, date)"
			    " VALUES ('r@answered.example', 'answered.example', 1, 1, 7)",
			    &err),
		VT_OK);
	/* clang-format off */
	assert_int_equal(sqlite3_prepare_v2(f->store->db, "SELECT " VT_SQL_WROTE_TO("?1"), -1, &st,
					    NULL),
			 SQLITE_OK);
	/* clang-format on */
	for (int i = 0; i < 2; i++) {
		sqlite3_bind_text(st, 1, orgs[i], -1, SQLITE_STATIC);
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		wrote[i] = sqlite3_column_int(st, 0);
		assert_int_equal(sqlite3_step(st), SQLITE_DONE);
		sqlite3_reset(st);
	}
	/* the walk through big.example's 5,000 was some 30,000 steps */
	int steps = sqlite3_stmt_status(st, SQLITE_STMTSTATUS_VM_STEP, 0);

	sqlite3_finalize(st);
	assert_int_equal(wrote[0], 0);
	assert_int_equal(wrote[1], 1);
	if (steps > 100)
		fail_msg("%d steps for two organisations", steps);
}

/* The WAL outlives the connection (no files made and unlinked at every
 * command) but is emptied at the last close: vtriage.db alone, copied
 * by a backup, holds every write. */
static void
the_wal_stays_empty_and_the_database_file_holds_everything(void **state)
{
	struct fixture *f = *state;
	struct vt_error err = { 0 };
	char path[4200], wal[4300], copy[4300], cmd[13000];
	struct stat st;
	struct vt_store *alone = NULL;

	assert_int_equal(vt_sql_exec(f->store,
				     "CREATE TABLE probe (x); INSERT INTO probe VALUES (42)", &err),
			 VT_OK);
	snprintf(path, sizeof path, "%s/vtriage.db", f->data);
	snprintf(wal, sizeof wal, "%s-wal", path);
	assert_int_equal(stat(wal, &st), 0);
	assert_true(st.st_size > 0); /* the write went to the WAL first */
	vt_store_close(&f->store);
	assert_int_equal(stat(wal, &st), 0);
	assert_int_equal(st.st_size, 0);
	snprintf(copy, sizeof copy, "%s/alone", f->data);
	snprintf(cmd, sizeof cmd, "mkdir '%s' && cp '%s' '%s/'", copy, path, copy);
	assert_int_equal(system(cmd), 0);
	snprintf(cmd, sizeof cmd, "%s/vtriage.db", copy);
	assert_int_equal(vt_store_open(cmd, &alone, &err), VT_OK);
	f->store = alone;
	assert_int_equal(sql_long(f, "SELECT x FROM probe"), 42);
	vt_store_close(&f->store);
	assert_int_equal(vt_store_open(path, &f->store, &err), VT_OK);
}

/* Schema 10 names each suspicion's organisation: a store of 9 gets it
 * from the suspicions' messages, and impostors still leave vendor:. */
/* What migration 15 -> 16 made, undone: a store of before it. (Since
 * 18 its triggers are the connection's, TEMP, made by its writes.) */
#define UNDO_SCHEMA_16                                                                             \
	"DROP TABLE address_counts;"                                                               \
	"DROP TABLE address_names;"                                                                \
	"DROP TRIGGER address_counts_sighted;"                                                     \
	"DROP TRIGGER address_counts_unsighted;"                                                   \
	"DROP TRIGGER address_counts_moved;"                                                       \
	"DROP TRIGGER address_names_unsighted;"                                                    \
	"DROP TRIGGER address_names_renamed;"                                                      \
	"DROP TRIGGER address_counts_impostor;"                                                    \
	"DROP TRIGGER address_counts_pardoned;"                                                    \
	"DROP TRIGGER address_counts_rejudged;"
/* and 16 -> 17's */
#define UNDO_SCHEMA_17                                                                             \
	"DROP TABLE org_mail;"                                                                     \
	"DROP TRIGGER org_mail_added;"                                                             \
	"DROP TRIGGER org_mail_removed;"                                                           \
	"DROP TRIGGER org_mail_moved;"
/* and 17 -> 18's tripwires */
#define UNDO_SCHEMA_18                                                                             \
	"DROP TRIGGER messages_INSERT_needs_counts;"                                               \
	"DROP TRIGGER messages_UPDATE_needs_counts;"                                               \
	"DROP TRIGGER messages_DELETE_needs_counts;"                                               \
	"DROP TRIGGER sightings_INSERT_needs_counts;"                                              \
	"DROP TRIGGER sightings_UPDATE_needs_counts;"                                              \
	"DROP TRIGGER sightings_DELETE_needs_counts;"                                              \
	"DROP TRIGGER suspicions_INSERT_needs_counts;"                                             \
	"DROP TRIGGER suspicions_UPDATE_needs_counts;"                                             \
	"DROP TRIGGER suspicions_DELETE_needs_counts;"
#define UNDO_SCHEMA_19                                                                             \
	"DROP TABLE bank_accepted; ALTER TABLE trust_signals DROP COLUMN arrived;"                 \
	"ALTER TABLE messages DROP COLUMN auto_reply;"
/* and 20 -> 21's */
#define UNDO_SCHEMA_21 "ALTER TABLE messages DROP COLUMN pdf_note;"
/* and 22 -> 23's */
#define UNDO_SCHEMA_23                                                                             \
	"ALTER TABLE auth_results DROP COLUMN passed_for;"                                         \
	"ALTER TABLE trust_signals DROP COLUMN bulk;"

static void
suspicions_learn_their_organisation(void **state)
{
	struct fixture *f = *state;
	struct vt_error err = { 0 };
	char path[4200], *query = NULL;

	index_ok(f);
	assert_int_equal(vt_sql_exec(f->store,
				     "INSERT INTO suspicions (message_id, reason, detail)"
				     " SELECT message_id, 'name', 'test' FROM messages"
				     " WHERE org = 'acmetel.example' AND direction = 0 LIMIT 1;"
				     "DROP INDEX suspicions_org;"
				     "ALTER TABLE suspicions DROP COLUMN org;"
				     "DROP TABLE suspect_marks;"
				     "DELETE FROM meta WHERE key = 'suspect_marks';"
				     "DROP INDEX trust_signals_bank_change;"
				     "DROP INDEX trust_signals_asks_payment;"
				     "DROP TABLE snooze_marks;"
				     "DROP TABLE snooze_changed;" UNDO_SCHEMA_16 UNDO_SCHEMA_17
					     UNDO_SCHEMA_18 UNDO_SCHEMA_19 UNDO_SCHEMA_21
						     UNDO_SCHEMA_23 "PRAGMA user_version = 9",
				     &err),
			 VT_OK);
	vt_store_close(&f->store);
	snprintf(path, sizeof path, "%s/vtriage.db", f->data);
	assert_int_equal(vt_store_open(path, &f->store, &err), VT_OK);
	assert_int_equal(sql_long(f, "PRAGMA user_version"), vt_store_schema_version());
	assert_int_equal(sql_long(f, "SELECT count(*) FROM suspicions WHERE reason = 'name'"
				     " AND org = 'acmetel.example'"),
			 1);
	assert_int_equal(vt_query_translate(f->store, "vendor:acmetel", &query, &err), VT_OK);
	assert_non_null(strstr(query, "AND NOT (id:"));
	free(query);
	/* each forgery once, whatever its reasons, in order */
	assert_int_equal(
		vt_sql_exec(f->store,
			    "INSERT OR IGNORE INTO suspicions (message_id, reason, detail, org)"
			    " SELECT message_id, r.value, 'test', org FROM messages"
			    " CROSS JOIN (SELECT 'name' AS value UNION SELECT 'auth') r"
			    " WHERE org = 'acmetel.example'",
			    &err),
		VT_OK);
	assert_int_equal(vt_query_translate(f->store, "vendor:acmetel", &query, &err), VT_OK);
	assert_non_null(strstr(query, " AND NOT (id:\"inv-10@acmetel.example\""
				      " OR id:\"re-inv-10@northwind.example\")"));
	free(query);
}

/* A store of before keeps what its server said of failed mail, and
 * reads each vendor's newest mail again for its passes (it never kept
 * them); a new store reads nothing again. */
static void
a_store_of_before_keeps_its_verdicts_and_rereads_for_passes(void **state)
{
	struct fixture *f = *state;
	struct vt_error err = { 0 };
	char path[4200];

	index_ok(f);
	assert_int_equal(sql_long(f, "SELECT value FROM meta WHERE key = 'reread'"), 6);
	assert_int_equal(vt_sql_exec(f->store,
				     "INSERT OR REPLACE INTO auth_results (message_id, pos,"
				     " authserv_id, verdict, why) SELECT message_id, 0,"
				     " 'mx.northwind.example', 2, 'DMARC failed' FROM messages"
				     " WHERE direction = 0 LIMIT 1;" UNDO_SCHEMA_23
				     "UPDATE meta SET value = '4' WHERE key = 'reread';"
				     "PRAGMA user_version = 22",
				     &err),
			 VT_OK);
	vt_store_close(&f->store);
	snprintf(path, sizeof path, "%s/vtriage.db", f->data);
	assert_int_equal(vt_store_open(path, &f->store, &err), VT_OK);
	assert_int_equal(sql_long(f, "PRAGMA user_version"), vt_store_schema_version());
	assert_int_equal(sql_long(f, "SELECT count(*) FROM auth_results WHERE verdict = 2"
				     " AND why = 'DMARC failed' AND passed_for = ''"),
			 1);
	assert_int_equal(sql_long(f, "SELECT count(*) FROM trust_signals WHERE bulk <> 0"), 0);
	assert_int_equal(sql_long(f, "SELECT value FROM meta WHERE key = 'reread'"), 4);
	index_ok(f);
	assert_int_equal(sql_long(f, "SELECT value FROM meta WHERE key = 'reread'"), 6);
}

/* A first index or a big import is compacted after; arrivals are not. */
static void
big_runs_compact_the_index_small_ones_do_not(void **state)
{
	(void)state;
	assert_true(vt_index_worth_compacting(298424, 298424)); /* a first index */
	assert_true(vt_index_worth_compacting(10000, 40000));   /* a big import */
	assert_false(vt_index_worth_compacting(1000, 299424));  /* new mail */
	assert_false(vt_index_worth_compacting(9999, 9999));    /* small: no gain */
	assert_false(vt_index_worth_compacting(20000, 100000));
}

static void
indexing_finds_vendors_and_nothing_else(void **state)
{
	struct fixture *f = *state;
	struct vt_vendor_list list;
	struct vt_error err = { 0 };
	struct vt_vendor v;
	struct vt_index_report r = index_ok(f);

	assert_int_equal(r.mail.added, 6);
	assert_int_equal(r.vendors_new, 3);
	/* the run's big page cache is the run's: a list keeps sqlite's 2 MB */
	assert_int_equal(sql_long(f, "PRAGMA cache_size"), -2000);
	unsigned with_mail = 0;
	assert_int_equal(vt_count_vendors_with_mail(f->store, &with_mail, &err), VT_OK);
	assert_int_equal(with_mail, 3);
	assert_int_equal(vt_vendor_list(f->store, NULL, &list, &err), VT_OK);
	assert_int_equal(list.count, 3);
	assert_string_equal(list.items[0].slug, "acmetel");
	assert_string_equal(list.items[1].slug, "globex");
	assert_string_equal(list.items[2].slug, "northwind-labs");
	vt_vendor_list_clear(&list);

	assert_int_equal(vt_vendor_get(f->store, "acmetel", &v, &err), VT_OK);
	assert_string_equal(v.name, "acmetel.example");
	assert_int_equal(v.bucket, VT_BUCKET_GENERIC);
	assert_int_equal(v.n_domains, 1);
	assert_string_equal(v.domains[0], "acmetel.example");
	/* the invoice and the user's reply to it */
	assert_int_equal(v.messages, 2);
	assert_true(v.first_seen > 0 && v.last_seen >= v.first_seen);
	vt_vendor_clear(&v);
	assert_int_equal(vt_vendor_get(f->store, "gmail", &v, &err), VT_ERR_NOT_FOUND);
	assert_non_null(strstr(err.msg, "no vendor 'gmail'"));

	/* contacts: the vendor's people, not the user */
	assert_int_equal(sql_long(f, "SELECT count(DISTINCT address) FROM sightings"
				     " WHERE org = 'acmetel.example'"),
			 2);
	assert_int_equal(sql_long(f, "SELECT count(*) FROM sightings"
				     " WHERE address LIKE '%northwind.example'"),
			 0);
	/* a second run changes nothing */
	r = index_ok(f);
	assert_int_equal(r.vendors_new, 0);
	assert_int_equal(r.reconciled, 0);
}

static void
queries_resolve_vendors_and_buckets(void **state)
{
	struct fixture *f = *state;
	struct vt_error err = { 0 };
	char *q = NULL;

	index_ok(f);
	assert_int_equal(count(f, "*"), 6);
	assert_int_equal(count(f, ""), 6);
	assert_int_equal(count(f, "vendor:acmetel"), 2);
	assert_int_equal(count(f, "vendor:ACMETEL"), 2);
	assert_int_equal(count(f, "vendor:acmetel.example"), 2);
	assert_int_equal(count(f, "vendor:acmetel and subject:Re"), 1);
	assert_int_equal(count(f, "bucket:generic"), 4);
	assert_int_equal(count(f, "bucket:trusted"), 0);
	assert_int_equal(count(f, "bucket:none"), 2);
	assert_int_equal(count(f, "-bucket:generic"), 2);

	/* promotion is one row: every past message follows at once */
	assert_int_equal(vt_sql_exec(f->store,
				     "UPDATE vendors SET bucket = 1 WHERE slug = 'acmetel'", &err),
			 VT_OK);
	assert_int_equal(count(f, "bucket:trusted"), 2);
	assert_int_equal(count(f, "bucket:generic"), 2);
	assert_int_equal(count(f, "bucket:trusted or bucket:generic"), 4);

	assert_int_equal(vt_query_translate(f->store, "vendor:nosuch", &q, &err), VT_ERR_USAGE);
	assert_non_null(strstr(err.msg, "no vendor 'nosuch'"));
	assert_int_equal(vt_query_translate(f->store, "bucket:vip", &q, &err), VT_ERR_USAGE);
	assert_non_null(strstr(err.msg, "no bucket 'vip'"));
}

static void
bucket_queries_do_not_grow_with_generic_vendors(void **state)
{
	struct fixture *f = *state;
	struct vt_error err = { 0 };
	char *before = NULL, *after = NULL, *slug;

	index_ok(f);
	assert_int_equal(vt_query_translate(f->store, "bucket:generic", &before, &err), VT_OK);
	/* a thousand more generic vendors */
	assert_int_equal(vt_store_begin(f->store, &err), VT_OK);
	for (int i = 0; i < 1000; i++) {
		char org[64];
		int64_t id;
		bool created;

		snprintf(org, sizeof org, "vendor%d.example", i);
		assert_int_equal(vt_vendor_for_org(f->store, org, 0, &id, &created, &err), VT_OK);
		assert_true(created);
	}
	assert_int_equal(vt_store_commit(f->store, &err), VT_OK);
	assert_int_equal(vt_query_translate(f->store, "bucket:generic", &after, &err), VT_OK);
	assert_string_equal(before, after);
	free(before);
	free(after);
	slug = vt_vendor_slug_for_org(f->store, "vendor7.example");
	assert_string_equal(slug, "vendor7");
	free(slug);
	assert_null(vt_vendor_slug_for_org(f->store, "unknown.example"));
}

static void
slugs_stay_unique(void **state)
{
	struct fixture *f = *state;
	struct vt_error err = { 0 };
	const char *orgs[] = { "acme.com", "acme.co.uk", "acme.co.uk.example", "a-c-m-e.com" };
	int64_t id;
	bool created;

	for (size_t i = 0; i < 4; i++)
		assert_int_equal(vt_vendor_for_org(f->store, orgs[i], 0, &id, &created, &err),
				 VT_OK);
	char *s1 = vt_vendor_slug_for_org(f->store, "acme.com");
	char *s2 = vt_vendor_slug_for_org(f->store, "acme.co.uk");
	char *s3 = vt_vendor_slug_for_org(f->store, "acme.co.uk.example");
	char *s4 = vt_vendor_slug_for_org(f->store, "a-c-m-e.com");

	assert_string_equal(s1, "acme");
	assert_string_equal(s2, "acme-co-uk");
	assert_string_equal(s3, "acme-co-uk-example");
	assert_string_equal(s4, "a-c-m-e");
	free(s1);
	free(s2);
	free(s3);
	free(s4);
	/* the same organisation twice is the same vendor */
	assert_int_equal(vt_vendor_for_org(f->store, "acme.com", 0, &id, &created, &err), VT_OK);
	assert_false(created);
}

static void
a_crash_between_the_stores_heals(void **state)
{
	struct fixture *f = *state;
	struct vt_error err = { 0 };
	struct vt_index_report r;

	index_ok(f);
	/* the store lost rows the index kept ... */
	assert_int_equal(vt_sql_exec(f->store,
				     "DELETE FROM messages WHERE org = 'globex.example';"
				     "DELETE FROM sightings",
				     &err),
			 VT_OK);
	/* ... and remembers a message the index never committed */
	assert_int_equal(vt_sql_exec(f->store,
				     "INSERT INTO messages (message_id, org, kind, direction,"
				     " date) VALUES ('ghost@x.example', 'x.example', 1, 0, 1)",
				     &err),
			 VT_OK);
	/* ... because that run died before it finished */
	assert_int_equal(vt_meta_set(f->store, "index_dirty", "1", &err), VT_OK);
	r = index_ok(f);
	assert_true(r.reconciled >= 2);
	assert_int_equal(sql_long(f, "SELECT count(*) FROM messages"), 6);
	assert_int_equal(
		sql_long(f, "SELECT count(*) FROM messages WHERE message_id = 'ghost@x.example'"),
		0);
	assert_int_equal(sql_long(f, "SELECT count(*) FROM messages WHERE org = 'globex.example'"),
			 1);
	assert_true(sql_long(f, "SELECT count(*) FROM sightings") > 0);
	assert_int_equal(count(f, "vendor:globex"), 1);
}

static void
mail_added_behind_our_back_is_attributed(void **state)
{
	struct fixture *f = *state;
	struct vt_index_report r;

	age_mail_dirs(f, 9);
	index_ok(f);
	/* the user's own `notmuch new` indexes a message we never saw */
	test_write_message(f->mail, "7:2,", "Sam Lee <sam.lee@globex.example>",
			   "rich@northwind.example", "Quote Q-2026-1190", "q-1190@globex.example",
			   NULL, NULL);
	age_mail_dirs(f, 8);
	assert_int_equal(external_notmuch(f, "new"), 0);
	r = index_ok(f);
	assert_false(r.mail.unchanged);
	assert_int_equal(r.mail.added, 0);
	assert_int_equal(r.mail.attributed, 1);
	assert_int_equal(sql_long(f, "SELECT count(*) FROM messages WHERE org = 'globex.example'"),
			 2);
	assert_int_equal(count(f, "vendor:globex"), 2);
	r = index_ok(f);
	assert_true(r.mail.unchanged);
	assert_int_equal(r.reconciled, 0);
}

static long
orphans_in(struct fixture *f, const char *table)
{
	char sql[256];

	snprintf(
		sql, sizeof sql,
		"SELECT count(*) FROM %s WHERE message_id NOT IN (SELECT message_id FROM messages)",
		table);
	return sql_long(f, sql);
}

/* The tables that hold rows derived from a message's mail (a message_id
 * column), but for messages itself and the user's own word (issue
 * links, snoozes): one name a row. */
static sqlite3_stmt *
derived_tables(struct fixture *f)
{
	sqlite3_stmt *st = NULL;

	assert_int_equal(
		sqlite3_prepare_v2(f->store->db,
				   "SELECT t.name FROM sqlite_master t,"
				   " pragma_table_info(t.name) c"
				   " WHERE t.type = 'table' AND c.name = 'message_id'"
				   " AND t.name NOT IN ('messages', 'issue_links', 'snoozes')",
				   -1, &st, NULL),
		SQLITE_OK);
	return st;
}

/* No row of a table derived from messages outlives its message: every
 * table with a message_id column is looked at (issue links are the
 * user's, kept), so a table added later is checked without being named. */
static void
assert_no_orphans(struct fixture *f)
{
	sqlite3_stmt *st = derived_tables(f);
	int tables = 0;

	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *table = (const char *)sqlite3_column_text(st, 0);

		tables++;
		if (orphans_in(f, table) != 0)
			fail_msg("%s keeps rows of a forgotten message", table);
	}
	sqlite3_finalize(st);
	/* sightings, signatures and the trust tables at least */
	assert_true(tables >= 6);
}

static void
mail_removed_behind_our_back_is_forgotten(void **state)
{
	struct fixture *f = *state;
	struct vt_index_report r;
	char path[4200], *token;

	age_mail_dirs(f, 9);
	index_ok(f);
	r = index_ok(f);
	assert_true(r.mail.unchanged);
	/* The user deletes a message alone in its thread and their own
	 * `notmuch new` drops it: notmuch bumps no revision for that, only
	 * the directory's mtime in the index tells. */
	snprintf(path, sizeof path, "%s/cur/4:2,", f->mail);
	assert_int_equal(unlink(path), 0);
	age_mail_dirs(f, 8);
	assert_int_equal(external_notmuch(f, "new"), 0);
	assert_int_equal(count(f, "id:lunch@gmail.com"), 0);
	token = vt_meta_get(f->store, "index_token");
	r = index_ok(f);
	/* failed once under a parallel make check, not since: say what the
	 * run compared if it does again */
	if (r.mail.only_ours) {
		char *now = vt_meta_get(f->store, "index_token");

		test_sh("ls -la --time-style=+%%s '%s' '%s/cur' >&2", f->mail, f->mail);
		fail_msg("the run took the index for its own: token before %s, after %s",
			 token ? token : "(none)", now ? now : "(none)");
	}
	free(token);
	assert_false(r.mail.unchanged);
	assert_int_equal(r.reconciled, 1);
	assert_int_equal(
		sql_long(f, "SELECT count(*) FROM messages WHERE message_id = 'lunch@gmail.com'"),
		0);
	assert_int_equal(sql_long(f, "SELECT count(*) FROM messages"), 5);
	assert_no_orphans(f);
}

/* A message that leaves a row in every table derived from mail (not
 * the user's own word: issue links, snoozes): a
 * contact, a signature, trust facts, a failed authentication, payment
 * details, a suspicion, a bill, the snooze's end written onto it. */
/* Each address's messages, first and last, from its sightings whole. */
/* clang-format off */
#define EXPECTED_COUNTS                                                                     \
	"(SELECT address,"                                                                   \
	" count(DISTINCT message_id) FILTER (WHERE " VT_SQL_NOT_IMPOSTOR("message_id") ") AS n," \
	" min(date) FILTER (WHERE " VT_SQL_NOT_IMPOSTOR("message_id") ") AS f,"               \
	" max(date) FILTER (WHERE " VT_SQL_NOT_IMPOSTOR("message_id") ") AS l"                \
	" FROM sightings GROUP BY address)"
/* clang-format on */

/* Rows of address_counts that say otherwise than the sightings, or
 * addresses with mail it lacks; a stale row (n NULL) is neither, a row of
 * no mail (0) is as none. */
static long
address_counts_wrong(struct fixture *f)
{
	/* clang-format off */
	return sql_long(f, "SELECT (SELECT count(*) FROM " EXPECTED_COUNTS " e WHERE e.n > 0"
			   " AND NOT EXISTS (SELECT 1 FROM address_counts c WHERE c.address = e.address"
			   " AND (c.n IS NULL OR (c.n = e.n AND c.first = e.f AND c.last = e.l))))"
			   " + (SELECT count(*) FROM address_counts c WHERE c.n IS NOT NULL"
			   " AND c.n <> coalesce((SELECT e.n FROM " EXPECTED_COUNTS
			   " e WHERE e.address = c.address), 0)"
			   " OR (c.n > 0 AND NOT EXISTS (SELECT 1 FROM " EXPECTED_COUNTS
			   " e WHERE e.address = c.address AND e.f = c.first AND e.l = c.last)))");
	/* clang-format on */
}

/* Person-like names of the sightings, with how often each address went
 * by them, that address_names says otherwise. */
static long
address_names_wrong(struct fixture *f)
{
	/* clang-format off */
	return sql_long(f, "SELECT (SELECT count(*) FROM (SELECT address, name, count(*)"
			   " FROM sightings WHERE " VT_SQL_PERSON_NAME("name") " GROUP BY address, name"
			   " EXCEPT SELECT address, name, n FROM address_names))"
			   " + (SELECT count(*) FROM (SELECT address, name, n FROM address_names"
			   " EXCEPT SELECT address, name, count(*) FROM sightings"
			   " WHERE " VT_SQL_PERSON_NAME("name") " GROUP BY address, name))");
	/* clang-format on */
}

/* Rows of org_mail that say otherwise than the vendor mail (kind 1) of
 * their organisation, or organisations with such mail it lacks; a stale
 * row is neither. */
static long
org_mail_wrong(struct fixture *f)
{
	return sql_long(f,
			"SELECT (SELECT count(*) FROM (SELECT org, count(*) AS n, min(date) AS f,"
			" max(date) AS l FROM messages WHERE kind = 1 GROUP BY org) e"
			" WHERE NOT EXISTS (SELECT 1 FROM org_mail o WHERE o.org = e.org"
			" AND (o.n IS NULL OR (o.n = e.n AND o.first = e.f AND o.last = e.l))))"
			" + (SELECT count(*) FROM org_mail o WHERE o.n > 0 AND NOT EXISTS"
			" (SELECT 1 FROM messages m WHERE m.org = o.org AND m.kind = 1))");
}

/* The vendor's messages as `vendor show` says. */
static long
vendor_messages(struct fixture *f, const char *slug)
{
	struct vt_vendor v;
	struct vt_error err = { 0 };
	long n;

	assert_int_equal(vt_vendor_get(f->store, slug, &v, &err), VT_OK);
	n = v.messages;
	vt_vendor_clear(&v);
	return n;
}

/* Sam Lee's messages as address_counts says, -1 when stale. */
static long
sam_count(struct fixture *f)
{
	return sql_long(f, "SELECT coalesce(n, -1) FROM address_counts"
			   " WHERE address = 'sam.lee@globex.example'");
}

/* The messages of contact `address` in a vendor's list. */
static long
contact_messages(struct fixture *f, const char *slug, const char *address)
{
	struct vt_contact_list list;
	struct vt_error err = { 0 };
	long n = -1;

	assert_int_equal(vt_contact_list(f->store, slug, &list, &err), VT_OK);
	for (size_t i = 0; i < list.count; i++)
		for (size_t k = 0; k < list.items[i].n_addresses; k++)
			if (strcmp(list.items[i].addresses[k], address) == 0)
				n = list.items[i].messages;
	vt_contact_list_clear(&list);
	return n;
}

/*
 * The contacts' counts (address_counts, kept by triggers) are the
 * sightings' whatever happens to them, and the vendors' (org_mail) the
 * messages': mail in, an address twice in one message, a message judged
 * an impostor's and pardoned, mail forgotten, a sighting redated; stale
 * rows are counted by the list that meets them and again by the next
 * run; a store of before gets them whole.
 */
/* Four quotes from Sam at globex, 3 to 6 November (sam-0 .. sam-3). */
static void
write_sams_quotes(struct fixture *f)
{
	for (int i = 0; i < 4; i++) {
		char name[32], id[64], date[80];

		snprintf(name, sizeof name, "s%d:2,", i);
		snprintf(id, sizeof id, "sam-%d@globex.example", i);
		snprintf(date, sizeof date, "Date: Tue, 0%d Nov 2026 10:00:00 +0000\n", 3 + i);
		test_write_message(f->mail, name, "Sam Lee <sam.lee@globex.example>",
				   "rich@northwind.example", "Quote", id, date, NULL);
	}
}

/* The counts' triggers are a connection's own (TEMP: no open parses
 * them), made as it first writes what they watch; no write goes
 * without them: one prepared where they cannot be made (inside a
 * transaction, whose rollback would take them) is refused, and a
 * writer without them trips on the store's tripwires. */
static void
counts_triggers_are_made_by_their_writers(void **state)
{
	struct fixture *f = *state;
	struct vt_error err = { 0 };
	sqlite3_stmt *st = NULL;
	char path[4200];
	long n;
	const char *sam = "SELECT n FROM address_counts WHERE address = 'sam.lee@globex.example'";
	const char *suspect = "INSERT INTO suspicions (message_id, reason, detail)"
			      " VALUES ('sam-1@globex.example', 'name', 'test')";

	write_sams_quotes(f);
	index_ok(f);
	assert_true((n = sql_long(f, sam)) >= 4);
	/* in the file only the tripwires, each a statement */
	assert_int_equal(sql_long(f, "SELECT count(*) FROM sqlite_master WHERE type = 'trigger'"
				     " AND sql NOT LIKE '%BEGIN SELECT vt_counts_kept(); END'"),
			 0);
	/* a reader makes none */
	vt_store_close(&f->store);
	snprintf(path, sizeof path, "%s/vtriage.db", f->data);
	assert_int_equal(vt_store_open(path, &f->store, &err), VT_OK);
	assert_int_equal(sql_long(f, sam), n);
	assert_int_equal(sql_long(f, "SELECT count(*) FROM sqlite_temp_master"), 0);
	/* a write inside a read snapshot: refused, nothing written */
	vt_store_read_begin(f->store);
	assert_int_not_equal(vt_sql_exec(f->store, suspect, &err), VT_OK);
	assert_non_null(strstr(err.msg, "suspicions written inside a read snapshot"));
	vt_store_read_end(f->store);
	assert_int_equal(sql_long(f, "SELECT count(*) FROM suspicions"), 0);
	assert_int_equal(sql_long(f, "SELECT count(*) FROM sqlite_temp_master"), 0);
	/* the triggers are made all or none: the last one's name taken,
	 * the write fails and leaves none of the others behind */
	assert_int_equal(sqlite3_exec(f->store->db,
				      "CREATE TEMP TRIGGER org_mail_moved AFTER INSERT ON vendors"
				      " BEGIN SELECT 1; END",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	assert_int_not_equal(vt_sql_exec(f->store, suspect, &err), VT_OK);
	assert_non_null(strstr(err.msg, "making the counts' triggers"));
	assert_int_equal(sql_long(f, "SELECT count(*) FROM sqlite_temp_master"), 1);
	assert_int_equal(sqlite3_exec(f->store->db, "DROP TRIGGER temp.org_mail_moved", NULL, NULL,
				      NULL),
			 SQLITE_OK);
	/* outside one: the triggers first, and the count follows the
	 * impostor's message out (not the first nor the last: exact) */
	assert_int_equal(vt_sql_exec(f->store, suspect, &err), VT_OK);
	assert_int_equal(sql_long(f, "SELECT count(*) FROM sqlite_temp_master"
				     " WHERE type = 'trigger'"),
			 11);
	assert_int_equal(sql_long(f, sam), n - 1);
	/* a statement prepared past the store's functions is refused too */
	vt_store_close(&f->store);
	assert_int_equal(vt_store_open(path, &f->store, &err), VT_OK);
	assert_int_equal(sqlite3_prepare_v2(f->store->db, "DELETE FROM suspicions", -1, &st, NULL),
			 SQLITE_AUTH);
	assert_null(st);
	/* a write transaction makes them as it begins */
	assert_int_equal(vt_store_begin(f->store, &err), VT_OK);
	assert_int_equal(sqlite3_prepare_v2(f->store->db, "DELETE FROM suspicions", -1, &st, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	assert_int_equal(vt_store_commit(f->store, &err), VT_OK);
	assert_int_equal(sql_long(f, sam), n);
	/* a writer that knows nothing of them (a vtriage of before still
	 * running on a store this one migrated, the sqlite3 shell) meets
	 * a tripwire: it may read, not write what they watch */
	{
		sqlite3 *plain = NULL;

		assert_int_equal(sqlite3_open(path, &plain), SQLITE_OK);
		assert_int_equal(sqlite3_exec(plain, "SELECT count(*) FROM messages", NULL, NULL,
					      NULL),
				 SQLITE_OK);
		assert_int_equal(sqlite3_exec(plain, "UPDATE vendors SET name = name", NULL, NULL,
					      NULL),
				 SQLITE_OK);
		assert_int_not_equal(sqlite3_exec(plain, suspect, NULL, NULL, NULL), SQLITE_OK);
		assert_non_null(strstr(sqlite3_errmsg(plain), "vt_counts_kept"));
		assert_int_not_equal(sqlite3_exec(plain, "DELETE FROM sightings", NULL, NULL, NULL),
				     SQLITE_OK);
		assert_int_not_equal(sqlite3_exec(plain, "UPDATE messages SET date = date + 1",
						  NULL, NULL, NULL),
				     SQLITE_OK);
		sqlite3_close(plain);
	}
	assert_int_equal(sql_long(f, sam), n);
}

static void
contact_counts_follow_the_sightings(void **state)
{
	struct fixture *f = *state;
	struct vt_error err = { 0 };
	char path[4200];

	write_sams_quotes(f);
	/* From and Cc in one message: one message */
	test_write_message(f->mail, "twice:2,", "Sam Lee <sam.lee@globex.example>",
			   "rich@northwind.example", "Again", "twice@globex.example",
			   "Date: Mon, 09 Nov 2026 10:00:00 +0000\nCc: sam.lee@globex.example\n",
			   NULL);
	/* named twice in one field, by someone else: one message */
	test_write_message(f->mail, "cc:2,", "Dana <dana@mail.acmetel.example>",
			   "rich@northwind.example", "Intro", "cc@acmetel.example",
			   "Date: Mon, 02 Nov 2026 09:00:00 +0000\n"
			   "Cc: sam.lee@globex.example, Sam Lee <sam.lee@globex.example>\n",
			   NULL);
	index_ok(f);
	assert_int_equal(sam_count(f), 7);
	assert_int_equal(sql_long(f, "SELECT count(*) FROM sightings"
				     " WHERE message_id = 'twice@globex.example'"),
			 2);
	assert_true(sql_long(f, "SELECT count(*) FROM address_counts") >= 4);
	assert_int_equal(address_counts_wrong(f), 0);
	assert_int_equal(org_mail_wrong(f), 0);
	assert_int_equal(vendor_messages(f, "globex"), 6);
	assert_int_equal(address_names_wrong(f), 0);
	assert_int_equal(sql_long(f, "SELECT count(*) FROM address_counts WHERE n IS NULL"), 0);
	/* every message derived again (a newer schema's rederive): each
	 * sighting met again, counted once */
	assert_int_equal(vt_meta_set(f->store, "rederive", "1", &err), VT_OK);
	index_ok(f);
	assert_int_equal(sam_count(f), 7);
	assert_int_equal(sql_long(f, "SELECT count(*) FROM address_counts WHERE n IS NULL"), 0);
	assert_int_equal(address_counts_wrong(f), 0);

	/* judged an impostor's twice over, then pardoned reason by reason:
	 * a middle message, exactly; the newest, stale till counted */
	assert_int_equal(vt_sql_exec(f->store,
				     "INSERT INTO suspicions (message_id, reason, detail) VALUES"
				     " ('sam-1@globex.example', 'auth', 't'),"
				     " ('sam-1@globex.example', 'name', 't')",
				     &err),
			 VT_OK);
	assert_int_equal(address_counts_wrong(f), 0);
	assert_int_equal(sam_count(f), 6);
	assert_int_equal(
		vt_sql_exec(f->store,
			    "DELETE FROM suspicions WHERE message_id = 'sam-1@globex.example'"
			    " AND reason = 'auth'",
			    &err),
		VT_OK);
	assert_int_equal(sam_count(f), 6);
	assert_int_equal(
		vt_sql_exec(f->store,
			    "DELETE FROM suspicions WHERE message_id = 'sam-1@globex.example'",
			    &err),
		VT_OK);
	assert_int_equal(sam_count(f), 7);
	assert_int_equal(address_counts_wrong(f), 0);
	assert_int_equal(vt_sql_exec(f->store,
				     "INSERT INTO suspicions (message_id, reason, detail)"
				     " VALUES ('sam-1@globex.example', 'name', 't'),"
				     " ('twice@globex.example', 'auth', 't')",
				     &err),
			 VT_OK);
	assert_int_equal(sam_count(f), -1); /* stale */
	assert_int_equal(address_counts_wrong(f), 0);
	assert_int_equal(contact_messages(f, "globex", "sam.lee@globex.example"), 5);
	assert_int_equal(vt_sql_exec(f->store,
				     "DELETE FROM suspicions WHERE message_id IN"
				     " ('sam-1@globex.example', 'twice@globex.example')",
				     &err),
			 VT_OK);
	assert_int_equal(address_counts_wrong(f), 0);
	assert_int_equal(contact_messages(f, "globex", "sam.lee@globex.example"), 7);
	assert_int_equal(vt_contacts_refresh(f->store, &err), VT_OK);
	assert_int_equal(sam_count(f), 7);

	/* a name set again, the date with it unchanged: nothing stale */
	assert_int_equal(vt_sql_exec(f->store,
				     "UPDATE sightings SET name = 'Samuel Lee', date = date"
				     " WHERE message_id = 'sam-0@globex.example'",
				     &err),
			 VT_OK);
	assert_int_equal(sql_long(f, "SELECT count(*) FROM address_counts WHERE n IS NULL"), 0);
	assert_int_equal(address_names_wrong(f), 0);

	/* the oldest forgotten, a sighting redated: stale, the list counts
	 * them, the next run too */
	assert_int_equal(
		vt_sql_exec(f->store,
			    "DELETE FROM messages WHERE message_id = 'q-1187@globex.example';"
			    "UPDATE sightings SET date = date + 60"
			    " WHERE message_id = 'inv-10@acmetel.example'",
			    &err),
		VT_OK);
	assert_true(sql_long(f, "SELECT count(*) FROM address_counts WHERE n IS NULL") >= 2);
	assert_int_equal(address_counts_wrong(f), 0);
	/* the vendor's mail: q-1187 was globex's oldest */
	assert_int_equal(sql_long(f, "SELECT n IS NULL FROM org_mail WHERE org = 'globex.example'"),
			 1);
	assert_int_equal(org_mail_wrong(f), 0);
	assert_int_equal(vendor_messages(f, "globex"),
			 sql_long(f, "SELECT count(*) FROM messages WHERE org = 'globex.example'"
				     " AND kind = 1"));
	assert_int_equal(vt_vendor_counts_refresh(f->store, &err), VT_OK);
	assert_int_equal(sql_long(f, "SELECT count(*) FROM org_mail WHERE n IS NULL"), 0);
	assert_int_equal(org_mail_wrong(f), 0);
	assert_int_equal(vendor_messages(f, "globex"), 5);
	assert_int_equal(contact_messages(f, "globex", "sam.lee@globex.example"), 6);
	assert_int_equal(vt_contacts_refresh(f->store, &err), VT_OK);
	assert_int_equal(sql_long(f, "SELECT count(*) FROM address_counts WHERE n IS NULL"), 0);
	assert_int_equal(address_counts_wrong(f), 0);
	assert_int_equal(address_names_wrong(f), 0);
	assert_int_equal(contact_messages(f, "globex", "sam.lee@globex.example"), 6);

	/* mail gone from the Maildir: the run forgets it and its address */
	snprintf(path, sizeof path, "%s/cur/6:2,", f->mail);
	assert_int_equal(unlink(path), 0);
	index_ok(f);
	assert_int_equal(sql_long(f, "SELECT count(*) FROM address_counts WHERE n IS NULL"), 0);
	assert_int_equal(sql_long(f, "SELECT count(*) FROM address_counts"
				     " WHERE address = 'pat@northwind-labs.example'"),
			 0);
	assert_int_equal(address_counts_wrong(f), 0);
	assert_int_equal(address_names_wrong(f), 0);

	/* a store of before: counted whole as it opens */
	assert_int_equal(vt_sql_exec(f->store,
				     UNDO_SCHEMA_16 UNDO_SCHEMA_17 UNDO_SCHEMA_18 UNDO_SCHEMA_19
					     UNDO_SCHEMA_21 UNDO_SCHEMA_23
				     "INSERT INTO suspicions (message_id, reason, detail)"
				     " VALUES ('sam-2@globex.example', 'name', 't');"
				     "PRAGMA user_version = 15",
				     &err),
			 VT_OK);
	vt_store_close(&f->store);
	snprintf(path, sizeof path, "%s/vtriage.db", f->data);
	assert_int_equal(vt_store_open(path, &f->store, &err), VT_OK);
	assert_int_equal(sql_long(f, "SELECT count(*) FROM address_counts WHERE n IS NULL"), 0);
	assert_int_equal(address_counts_wrong(f), 0);
	assert_int_equal(address_names_wrong(f), 0);
	assert_int_equal(contact_messages(f, "globex", "sam.lee@globex.example"), 5);
	assert_int_equal(org_mail_wrong(f), 0);
	assert_int_equal(sql_long(f, "SELECT count(*) FROM org_mail WHERE n IS NULL"), 0);
}

/* A store of before 21: the PDF its bills' documents say went unread is
 * noted on their messages, where the runs after look for it. */
static void
unread_pdfs_of_before_are_read_again(void **state)
{
	struct fixture *f = *state;
	struct vt_error err = { 0 };
	char path[4200];

	index_ok(f);
	assert_int_equal(
		vt_sql_exec(
			f->store,
			"UPDATE documents SET note = 'PDF not read: timed out'"
			" WHERE message_id = (SELECT min(message_id) FROM documents);" UNDO_SCHEMA_23
				UNDO_SCHEMA_21 "PRAGMA user_version = 20",
			&err),
		VT_OK);
	vt_store_close(&f->store);
	snprintf(path, sizeof path, "%s/vtriage.db", f->data);
	assert_int_equal(vt_store_open(path, &f->store, &err), VT_OK);
	assert_int_equal(sql_long(f,
				  "SELECT count(*) FROM messages m JOIN documents d"
				  " USING (message_id) WHERE m.pdf_note = 'PDF not read: timed out'"
				  " AND d.message_id = (SELECT min(message_id) FROM documents)"),
			 1);
	assert_int_equal(sql_long(f, "SELECT count(*) FROM messages WHERE pdf_note <> ''"), 1);
}

/* The walks' map of strings: every key put in is found with its number,
 * through its growth, and no other is. */
static void
a_string_map_finds_what_was_put_in(void **state)
{
	struct vt_strmap m = { 0 };
	char keys[3000][16];
	bool added;

	(void)state;
	assert_null(vt_strmap_get(&m, "iban:x"));
	for (size_t i = 0; i < 3000; i++) {
		snprintf(keys[i], sizeof keys[i], "k%zu", i);
		assert_non_null(vt_strmap_add(&m, keys[i], i, &added));
		assert_true(added);
	}
	/* a key again keeps its first number */
	assert_int_equal(*vt_strmap_add(&m, "k17", 99, &added), 17);
	assert_false(added);
	assert_int_equal(m.n, 3000);
	for (size_t i = 0; i < 3000; i++)
		assert_int_equal(*vt_strmap_get(&m, keys[i]), i);
	assert_null(vt_strmap_get(&m, "k3000"));
	assert_null(vt_strmap_get(&m, ""));
	vt_strmap_clear(&m);
	assert_null(vt_strmap_get(&m, "k1"));
}

/* A step of random changes: the n-th of pick's rows (modulo their count)
 * as ?1..?k of change, and n again as ?9 for its own draws. */
static void
change_some(struct fixture *f, const char *pick, unsigned long n, const char *change)
{
	sqlite3_stmt *rows, *st;
	long count = 0;

	assert_int_equal(sqlite3_prepare_v2(f->store->db, pick, -1, &rows, NULL), SQLITE_OK);
	while (sqlite3_step(rows) == SQLITE_ROW)
		count++;
	sqlite3_reset(rows);
	for (long i = 0; count > 0 && i <= (long)(n % (unsigned long)count); i++)
		assert_int_equal(sqlite3_step(rows), SQLITE_ROW);
	if (count > 0) {
		assert_int_equal(sqlite3_prepare_v2(f->store->db, change, -1, &st, NULL),
				 SQLITE_OK);
		for (int c = 0; c < sqlite3_column_count(rows); c++)
			sqlite3_bind_value(st, c + 1, sqlite3_column_value(rows, c));
		sqlite3_bind_int64(st, 9, (sqlite3_int64)(n >> 8));
		assert_int_equal(sqlite3_step(st), SQLITE_DONE);
		sqlite3_finalize(st);
	}
	sqlite3_finalize(rows);
}

/*
 * The counts against the sightings after each of 600 changes drawn at
 * random (seeded): messages judged and pardoned for every reason,
 * forgotten, redated, sightings added (a field again, another date) and
 * removed, renamed; every 25 changes the stale rows counted again, and
 * then none is stale and all are exact.
 */
static void
contact_counts_survive_random_changes(void **state)
{
	struct fixture *f = *state;
	struct vt_error err = { 0 };
	unsigned long seed = 20261206;

	for (int i = 0; i < 24; i++) {
		char name[32], id[64], extra[200];

		snprintf(name, sizeof name, "r%d:2,", i);
		snprintf(id, sizeof id, "r%d@example.com", i);
		snprintf(
			extra, sizeof extra,
			"Date: Mon, %02d Nov 2026 1%d:00:00 +0000\nCc: Pat Gomez <pat@northwind-labs.example>,"
			" Sam Lee <sam.lee@globex.example>, tom.becker@mail.acmetel.example\n",
			1 + i % 9, i % 3);
		test_write_message(f->mail, name,
				   i % 2 ? "Dana <dana@mail.acmetel.example>"
					 : "Sam Lee <sam.lee@globex.example>",
				   "rich@northwind.example", "Hello", id, extra, NULL);
	}
	index_ok(f);
	assert_true(sql_long(f, "SELECT count(*) FROM sightings") > 60);
	for (int step = 1; step <= 600; step++) {
		unsigned long r;

		seed = seed * 6364136223846793005UL + 1442695040888963407UL;
		r = seed >> 33;
		switch (r % 9) {
		case 0:
		case 1:
			change_some(
				f, "SELECT message_id FROM messages ORDER BY message_id", r / 9,
				"INSERT OR IGNORE INTO suspicions (message_id, reason, detail)"
				" VALUES (?1, CASE WHEN ?9 % 2 THEN 'auth' ELSE 'name' END, 'test')");
			break;
		case 2:
			change_some(f, "SELECT message_id FROM messages ORDER BY message_id", r / 9,
				    "INSERT OR IGNORE INTO suspicions (message_id, reason, detail)"
				    " VALUES (?1, 'replyto', 'test')");
			break;
		case 3:
			change_some(f,
				    "SELECT message_id, reason, detail FROM suspicions"
				    " ORDER BY message_id, reason, detail",
				    r / 9,
				    "DELETE FROM suspicions WHERE message_id = ?1 AND reason = ?2"
				    " AND detail = ?3");
			break;
		case 4:
			if (step % 7 == 0)
				change_some(f,
					    "SELECT message_id FROM messages ORDER BY message_id",
					    r / 9, "DELETE FROM messages WHERE message_id = ?1");
			else if (step % 7 < 3)
				change_some(
					f, "SELECT message_id FROM messages ORDER BY message_id",
					r / 9,
					"UPDATE messages SET date = date + 3600 * (?9 % 48 - 24),"
					" kind = CASE WHEN ?9 % 5 = 0 THEN 1 - kind ELSE kind END"
					" WHERE message_id = ?1");
			break;
		case 5:
			change_some(f, "SELECT message_id FROM messages ORDER BY message_id", r / 9,
				    "UPDATE sightings SET date = date + 3600 * (?9 % 48 - 24)"
				    " WHERE message_id = ?1");
			break;
		case 6:
			change_some(
				f,
				"SELECT m.message_id, s.address, s.org, m.date FROM messages m"
				" CROSS JOIN (SELECT DISTINCT address, org FROM sightings) s"
				" ORDER BY m.message_id, s.address",
				r / 9,
				"INSERT INTO sightings (message_id, address, field, name, org, date)"
				" VALUES (?1, ?2, ?9 % 3, 'Jane Doe', ?3, ?4 + 60 * (?9 / 3 % 2))"
				" ON CONFLICT (message_id, address, field) DO UPDATE SET date = excluded.date"
				" WHERE date <> excluded.date");
			break;
		case 7:
			change_some(f,
				    "SELECT message_id, address, field FROM sightings"
				    " ORDER BY message_id, address, field",
				    r / 9,
				    "DELETE FROM sightings WHERE message_id = ?1 AND address = ?2"
				    " AND field = ?3");
			break;
		default:
			change_some(
				f, "SELECT message_id FROM messages ORDER BY message_id", r / 9,
				"UPDATE sightings SET name = CASE WHEN name = '' THEN 'Lee Park' ELSE ''"
				" END WHERE message_id = ?1");
			break;
		}
		if (address_counts_wrong(f) != 0 || address_names_wrong(f) != 0 ||
		    org_mail_wrong(f) != 0)
			fail_msg(
				"change %d (kind %lu): %ld counts, %ld names, %ld organisations wrong",
				step, r % 9, address_counts_wrong(f), address_names_wrong(f),
				org_mail_wrong(f));
		if (step % 25 == 0) {
			assert_int_equal(vt_contacts_refresh(f->store, &err), VT_OK);
			assert_int_equal(vt_vendor_counts_refresh(f->store, &err), VT_OK);
			assert_int_equal(sql_long(f,
						  "SELECT count(*) FROM org_mail WHERE n IS NULL"),
					 0);
			assert_int_equal(
				sql_long(f, "SELECT count(*) FROM address_counts WHERE n IS NULL"),
				0);
			assert_int_equal(address_counts_wrong(f), 0);
			assert_int_equal(address_names_wrong(f), 0);
		}
	}
	assert_true(sql_long(f, "SELECT count(*) FROM suspicions") > 0);
}

static void
a_forgotten_message_leaves_no_row_anywhere(void **state)
{
	struct fixture *f = *state;
	struct vt_error err = { 0 };
	char path[4200];
	sqlite3_stmt *st;

	close_all(f);
	load_config(f, "[trust]\nauthserv_id = mx.northwind.example\n");
	open_all(f);
	test_write_message(
		f->mail, "full:2,", "Dana Whitfield <dana@acmetel.example>",
		"rich@northwind.example", "New bank details for invoice INV-77",
		"full@acmetel.example",
		"Cc: Tom Becker <tom@acmetel.example>\n"
		"Reply-To: payments@acmetel-pay.example\n"
		"Authentication-Results: mx.northwind.example; dkim=fail"
		" header.d=acmetel.example; dmarc=fail header.from=acmetel.example\n",
		"Hi Rich,\n\nour bank details have changed. Please pay the amount due of"
		" $2,500.00 to\nIBAN: GB82 WEST 1234 5698 7654 32\n\n-- \nDana Whitfield\n"
		"Account Executive\nMy manager is Tom Becker.\n"
		"Our support contract expires on 2027-01-31.\n");
	index_ok(f);
	/* snoozed: the next run writes its end onto it (snooze_marks) */
	assert_int_equal(vt_snooze(f->store, "full@acmetel.example", time(NULL) + 86400, &err),
			 VT_OK);
	index_ok(f);
	st = derived_tables(f);
	while (sqlite3_step(st) == SQLITE_ROW) {
		char sql[256];

		snprintf(sql, sizeof sql,
			 "SELECT count(*) FROM %s WHERE message_id = 'full@acmetel.example'",
			 (const char *)sqlite3_column_text(st, 0));
		if (sql_long(f, sql) == 0)
			fail_msg("the test message left no row in %s: make it",
				 sqlite3_column_text(st, 0));
	}
	sqlite3_finalize(st);
	snprintf(path, sizeof path, "%s/cur/full:2,", f->mail);
	assert_int_equal(unlink(path), 0);
	age_mail_dirs(f, 7);
	index_ok(f);
	assert_int_equal(
		sql_long(f,
			 "SELECT count(*) FROM messages WHERE message_id = 'full@acmetel.example'"),
		0);
	assert_no_orphans(f);
}

static void
a_run_after_any_outside_write_checks_the_whole_index(void **state)
{
	struct fixture *f = *state;
	struct vt_index_report r;

	age_mail_dirs(f, 9);
	index_ok(f);
	r = index_ok(f);
	assert_true(r.mail.unchanged);
	/* a tag changed by someone else */
	assert_int_equal(external_notmuch(f, "tag +seen-elsewhere -- id:lunch@gmail.com"), 0);
	r = index_ok(f);
	assert_false(r.mail.only_ours);
	assert_false(r.mail.unchanged);
	r = index_ok(f);
	assert_true(r.mail.only_ours);
	assert_true(r.mail.unchanged);
	/* a file dropped into a folder, not yet indexed by anyone: the run
	 * changes the index, but nobody else did (the whole index is not
	 * counted), and the store has the new mail from the hooks */
	test_write_message(f->mail, "8:2,", "Jordan <jordan.r@gmail.com>", "rich@northwind.example",
			   "Dinner?", "dinner@gmail.com", NULL, NULL);
	age_mail_dirs(f, 8);
	r = index_ok(f);
	assert_true(r.mail.only_ours);
	assert_false(r.mail.unchanged);
	assert_int_equal(r.mail.added, 1);
	assert_int_equal(
		sql_long(f, "SELECT count(*) FROM messages WHERE message_id = 'dinner@gmail.com'"),
		1);
	/* a run that died: the next checks everything, token or not */
	r = index_ok(f);
	assert_true(r.mail.unchanged);
	struct vt_error err = { 0 };
	assert_int_equal(vt_meta_set(f->store, "index_dirty", "1", &err), VT_OK);
	r = index_ok(f);
	assert_false(r.mail.only_ours);
	assert_false(r.mail.unchanged);
}

static vt_status
count_thread(void *ctx, const struct mail_thread *t, struct vt_error *err)
{
	(void)t;
	(void)err;
	++*(int *)ctx;
	return VT_OK;
}

static int
threads_listed(struct fixture *f)
{
	struct vt_error err = { 0 };
	int n = 0;

	assert_int_equal(vt_search_threads(f->store, f->db, "*", "*", 0, 50, count_thread, &n,
					   &err),
			 VT_OK);
	return n;
}

/* Someone else's `notmuch tag` moves the index's revision but no message
 * between threads: a list looks at what changed and keeps using the
 * store, while the next index run still looks at the whole index. Mail
 * the store does not have, or has in another thread, ends that. */
static void
lists_keep_the_store_after_others_only_tag(void **state)
{
	struct fixture *f = *state;
	struct vt_error err = { 0 };
	struct vt_index_report r;
	int threads;

	age_mail_dirs(f, 9);
	index_ok(f);
	assert_true(vt_store_mirrors_index(f->store, f->db));
	threads = threads_listed(f);
	assert_int_equal(external_notmuch(f, "tag +seen-elsewhere -- id:lunch@gmail.com"), 0);
	assert_false(vt_store_mirrors_index(f->store, f->db));
	assert_int_equal(threads_listed(f), threads);
	assert_true(vt_store_mirrors_index(f->store, f->db));
	r = index_ok(f);
	assert_false(r.mail.only_ours);
	assert_true(vt_store_mirrors_index(f->store, f->db));

	/* mail someone else indexed */
	test_write_message(f->mail, "9:2,", "Jordan <jordan.r@gmail.com>", "rich@northwind.example",
			   "Lunch again?", "lunch-again@gmail.com", NULL, NULL);
	age_mail_dirs(f, 8);
	assert_int_equal(external_notmuch(f, "new"), 0);
	assert_int_equal(threads_listed(f), threads + 1);
	assert_false(vt_store_mirrors_index(f->store, f->db));
	assert_int_equal(sql_long(f, "SELECT count(*) FROM meta WHERE key = 'index_token_lists'"
				     " AND value LIKE 'unknown %'"),
			 1);
	index_ok(f);
	assert_true(vt_store_mirrors_index(f->store, f->db));

	/* a message the store has in another thread than the index does */
	assert_int_equal(vt_sql_exec(f->store,
				     "UPDATE messages SET thread = 'elsewhere'"
				     " WHERE message_id = 'lunch@gmail.com'",
				     &err),
			 VT_OK);
	assert_int_equal(external_notmuch(f, "tag -seen-elsewhere -- id:lunch@gmail.com"), 0);
	assert_int_equal(threads_listed(f), threads + 1);
	assert_false(vt_store_mirrors_index(f->store, f->db));
}

static void
identity_changes_reattribute_affected_mail(void **state)
{
	struct fixture *f = *state;
	struct vt_index_report r;
	struct vt_vendor_list list;
	struct vt_error err = { 0 };

	index_ok(f);
	assert_int_equal(count(f, "vendor:northwind-labs"), 1);
	/* the user says northwind-labs is their own organisation */
	close_all(f);
	load_config(f, "domains = northwind-labs.example\n");
	open_all(f);
	r = index_ok(f);
	assert_int_equal(r.mail.attributed, 1);
	assert_int_equal(count(f, "bucket:generic"), 3);
	assert_int_equal(vt_vendor_list(f->store, NULL, &list, &err), VT_OK);
	assert_int_equal(list.count, 2);
	vt_vendor_list_clear(&list);
	/* nothing changed: nothing redone */
	r = index_ok(f);
	assert_int_equal(r.mail.attributed, 0);
}

/* The fixture's config with [store] ignore, and its data opened again
 * (the list is read as the index opens). */
static void
reopen_ignoring(struct fixture *f, const char *ignore)
{
	struct vt_error err = { 0 };
	char *text = NULL;

	close_all(f);
	vt_config_free(&f->cfg);
	assert_true(asprintf(&text,
			     "[store]\nmaildir = %s\ndata = %s\nignore = %s\n"
			     "[identity]\naddresses = rich@northwind.example\n",
			     f->mail, f->data, ignore) > 0);
	if (vt_config_parse(text, "test-config", &f->cfg, &err) != VT_OK)
		fail_msg("config: %s", err.msg);
	free(text);
	open_all(f);
}

/* The text a run recorded of what the index passes by ("" for none). */
static char *
ignore_recorded(struct fixture *f)
{
	char *v = vt_meta_get(f->store, "index_ignore");

	return v != NULL ? v : strdup("<none>");
}

/* A run under a changed [store] ignore takes mail out of the index (or
 * puts some in) as it goes: one that stops before it completes leaves a
 * mark that no list's text matches, so that the next run, whatever its
 * list, lists every directory, and mail the changed list took out comes
 * back with the list of before. */
static void
a_changed_ignore_list_is_applied_whole_or_again(void **state)
{
	struct fixture *f = *state;
	struct vt_index_report r;
	struct vt_error err = { 0 };
	volatile sig_atomic_t stop = 1;
	char *before, *v;

	r = index_ok(f);
	assert_int_equal(count(f, "*"), 6);
	before = ignore_recorded(f);
	assert_non_null(strstr(before, "others "));

	/* another list; the run stopped at once */
	reopen_ignoring(f, "3:2,");
	(void)vt_index(f->store, f->db, f->cfg, false, &stop, NULL, &r, &err);
	v = ignore_recorded(f);
	assert_string_equal(v, "");
	free(v);

	/* the next run under it lists every directory: the quote leaves */
	r = index_ok(f);
	assert_true(r.mail.ignore_changed);
	assert_int_equal(count(f, "*"), 5);
	v = ignore_recorded(f);
	assert_non_null(strstr(v, "3:2,;"));
	free(v);
	/* the same list again: nothing listed for it */
	r = index_ok(f);
	assert_false(r.mail.ignore_changed);

	/* the list of before, with no folder changed: the quote is back */
	reopen_ignoring(f, "");
	r = index_ok(f);
	assert_true(r.mail.ignore_changed);
	assert_int_equal(count(f, "*"), 6);
	v = ignore_recorded(f);
	assert_string_equal(v, before);
	free(v);
	free(before);
}

/* A store of a version that recorded no list: its index passed by none
 * of [store] ignore, which the next run applies to every directory. */
static void
a_store_of_before_applies_a_new_list_everywhere(void **state)
{
	struct fixture *f = *state;
	struct vt_index_report r;
	struct vt_error err = { 0 };

	index_ok(f);
	assert_int_equal(vt_sql_exec(f->store, "DELETE FROM meta WHERE key = 'index_ignore'", &err),
			 VT_OK);
	r = index_ok(f);
	assert_false(r.mail.ignore_changed); /* no list: as before */
	assert_int_equal(vt_sql_exec(f->store, "DELETE FROM meta WHERE key = 'index_ignore'", &err),
			 VT_OK);
	reopen_ignoring(f, "3:2,");
	r = index_ok(f);
	assert_true(r.mail.ignore_changed);
	assert_int_equal(count(f, "*"), 5);
}

static void
a_second_writer_gets_a_clear_busy_error(void **state)
{
	struct fixture *f = *state;
	struct vt_store *other = NULL;
	struct vt_error err = { 0 };
	char path[4200];

	snprintf(path, sizeof path, "%s/vtriage.db", f->data);
	assert_int_equal(vt_store_open(path, &other, &err), VT_OK);
	vt_store_set_busy_timeout(other, 50);
	assert_int_equal(vt_store_begin(f->store, &err), VT_OK);
	assert_int_equal(vt_store_begin(other, &err), VT_ERR_BUSY);
	assert_non_null(strstr(err.msg, "busy, another program is writing it"));
	assert_int_equal(vt_store_commit(f->store, &err), VT_OK);
	assert_int_equal(vt_store_begin(other, &err), VT_OK);
	assert_int_equal(vt_store_commit(other, &err), VT_OK);
	vt_store_close(&other);
}

/* A line added to a draft (a Cc, an Attach:) on a full disk: the draft
 * stays whole; rewritten in place it was cut where the disk filled, and
 * the cut draft could be sent. */
static void
a_draft_line_on_a_full_disk_leaves_the_draft_whole(void **state)
{
	static const char draft[] = "To: dana@acmetel.example\nSubject: the October bill\n\n"
				    "Dana, the bill of October is $5,300 over the usual. Why?\n";
	char *dir = test_mkdtemp(), path[4096], *now;
	struct vt_error err = { 0 };
	vt_status rc = VT_OK;

	(void)state;
	snprintf(path, sizeof path, "%s/draft-1", dir);
	test_write_text(path, "%s", draft);
	/* room for the draft, not for a line more */
	if (test_limit_file_size(sizeof draft)) {
		rc = vt_draft_add_line(path, "Cc: Tom Becker <tom@acmetel.example>", &err);
		test_unlimit_file_size();
	}
	assert_int_equal(rc, VT_ERR_IO);
	now = vt_draft_read(path);
	assert_non_null(now);
	assert_string_equal(now, draft);
	free(now);
	/* with room, the line is added */
	assert_int_equal(vt_draft_add_line(path, "Cc: Tom Becker <tom@acmetel.example>", &err),
			 VT_OK);
	now = vt_draft_read(path);
	assert_non_null(strstr(now, "\nCc: Tom Becker <tom@acmetel.example>\n"));
	free(now);
	test_rmdir(dir);
	free(dir);
}

/* --until WHEN: "tomorrow", a weekday by its first letters, not a word
 * that merely starts like one. */
static void
snooze_until_reads_tomorrow_and_weekdays(void **state)
{
	struct tm tm = {
		.tm_year = 126, .tm_mon = 11, .tm_mday = 6, .tm_hour = 12, .tm_isdst = -1
	};
	time_t now = mktime(&tm), until; /* Sunday 6 December 2026, noon */

	(void)state;
	assert_true(vt_snooze_parse_until("tomorrow", now, &until));
	localtime_r(&until, &tm);
	assert_int_equal(tm.tm_mday, 7);
	assert_int_equal(tm.tm_hour, 8);
	assert_true(vt_snooze_parse_until("Wednes", now, &until));
	localtime_r(&until, &tm);
	assert_int_equal(tm.tm_mday, 9);
	assert_true(vt_snooze_parse_until("sun", now, &until));
	localtime_r(&until, &tm);
	assert_int_equal(tm.tm_mday, 13);
	assert_false(vt_snooze_parse_until("monkey", now, &until));
	assert_false(vt_snooze_parse_until("satellite", now, &until));
	assert_false(vt_snooze_parse_until("mo", now, &until));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_draft_line_on_a_full_disk_leaves_the_draft_whole),
		cmocka_unit_test(snooze_until_reads_tomorrow_and_weekdays),
		cmocka_unit_test(a_string_map_finds_what_was_put_in),
		cmocka_unit_test_setup_teardown(schema_is_versioned, setup, teardown),
		cmocka_unit_test_setup_teardown(exec_runs_statements_in_turn, setup, teardown),
		cmocka_unit_test_setup_teardown(
			a_store_of_before_keeps_its_verdicts_and_rereads_for_passes, setup,
			teardown),
		cmocka_unit_test_setup_teardown(counts_triggers_are_made_by_their_writers, setup,
						teardown),
		cmocka_unit_test_setup_teardown(a_reader_opens_the_index_and_the_store_at_once,
						setup, teardown),
		cmocka_unit_test_setup_teardown(a_vendors_newest_threads_come_from_one_index, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			whether_the_user_wrote_to_an_org_reads_no_mail_of_theirs, setup, teardown),
		cmocka_unit_test_setup_teardown(
			the_wal_stays_empty_and_the_database_file_holds_everything, setup,
			teardown),
		cmocka_unit_test(big_runs_compact_the_index_small_ones_do_not),
		cmocka_unit_test_setup_teardown(suspicions_learn_their_organisation, setup,
						teardown),
		cmocka_unit_test_setup_teardown(indexing_finds_vendors_and_nothing_else, setup,
						teardown),
		cmocka_unit_test_setup_teardown(queries_resolve_vendors_and_buckets, setup,
						teardown),
		cmocka_unit_test_setup_teardown(bucket_queries_do_not_grow_with_generic_vendors,
						setup, teardown),
		cmocka_unit_test_setup_teardown(slugs_stay_unique, setup, teardown),
		cmocka_unit_test_setup_teardown(a_crash_between_the_stores_heals, setup, teardown),
		cmocka_unit_test_setup_teardown(a_forgotten_message_leaves_no_row_anywhere, setup,
						teardown),
		cmocka_unit_test_setup_teardown(contact_counts_follow_the_sightings, setup,
						teardown),
		cmocka_unit_test_setup_teardown(contact_counts_survive_random_changes, setup,
						teardown),
		cmocka_unit_test_setup_teardown(mail_removed_behind_our_back_is_forgotten, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			a_run_after_any_outside_write_checks_the_whole_index, setup, teardown),
		cmocka_unit_test_setup_teardown(mail_added_behind_our_back_is_attributed, setup,
						teardown),
		cmocka_unit_test_setup_teardown(lists_keep_the_store_after_others_only_tag, setup,
						teardown),
		cmocka_unit_test_setup_teardown(identity_changes_reattribute_affected_mail, setup,
						teardown),
		cmocka_unit_test_setup_teardown(a_second_writer_gets_a_clear_busy_error, setup,
						teardown),
		cmocka_unit_test_setup_teardown(a_changed_ignore_list_is_applied_whole_or_again,
						setup, teardown),
		cmocka_unit_test_setup_teardown(unread_pdfs_of_before_are_read_again, setup,
						teardown),
		cmocka_unit_test_setup_teardown(a_store_of_before_applies_a_new_list_everywhere,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
