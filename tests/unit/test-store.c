/* The store with a real notmuch index: vendors, queries, healing. */
#include "helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/private.h"

struct fixture {
	char *dir;
	char mail[4096];
	char data[4096];
	struct vt_config *cfg;
	struct vt_store *store;
	struct mail_db *db;
};

static void
load_config(struct fixture *f, const char *extra)
{
	char *text = NULL;
	struct vt_error err = { 0 };

	vt_config_free(&f->cfg);
	assert_true(asprintf(&text,
			     "[store]\nmaildir = %s\ndata = %s\n"
			     "[identity]\naddresses = rich@northwind.example\n%s",
			     f->mail, f->data, extra ? extra : "") > 0);
	if (vt_config_parse(text, "test-config", &f->cfg, &err) != VT_OK)
		fail_msg("config: %s", err.msg);
	free(text);
}

static void
open_all(struct fixture *f)
{
	struct mail_db_location loc;
	struct vt_error err = { 0 };
	char path[4200];

	vt_config_mail_location(f->cfg, &loc);
	if (mail_db_open(&loc, MAIL_DB_READ_WRITE, &f->db, &err) != VT_OK)
		fail_msg("index: %s", err.msg);
	snprintf(path, sizeof path, "%s/vtriage.db", f->data);
	if (vt_store_open(path, &f->store, &err) != VT_OK)
		fail_msg("store: %s", err.msg);
}

static void
close_all(struct fixture *f)
{
	vt_store_close(&f->store);
	mail_db_close(&f->db);
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);

	f->dir = test_mkdtemp();
	snprintf(f->mail, sizeof f->mail, "%s/mail", f->dir);
	snprintf(f->data, sizeof f->data, "%s/data", f->dir);
	test_make_maildir(f->mail);
	test_write_message(f->mail, "1:2,", "Dana <dana@mail.acmetel.example>", "rich@northwind.example",
			   "Invoice AT-2026-10", "inv-10@acmetel.example",
			   "Cc: Tom Becker <tom.becker@mail.acmetel.example>, rich@northwind.example\n",
			   "Amount due: $7,800.00");
	test_write_message(f->mail, "2:2,", "Rich Miller <rich@northwind.example>",
			   "Dana <dana@mail.acmetel.example>", "Re: Invoice AT-2026-10",
			   "re-inv-10@northwind.example", "In-Reply-To: <inv-10@acmetel.example>\n",
			   "This bill is wrong.");
	test_write_message(f->mail, "3:2,", "Sam Lee <sam.lee@globex.example>", "rich@northwind.example",
			   "Quote Q-2026-1187", "q-1187@globex.example", NULL, NULL);
	test_write_message(f->mail, "4:2,", "Jordan <jordan.r@gmail.com>", "rich@northwind.example",
			   "Lunch?", "lunch@gmail.com", NULL, NULL);
	test_write_message(f->mail, "5:2,", "Dev <dev@intel.com>", "linux-kernel@vger.kernel.org",
			   "[PATCH] fix", "patch@intel.com",
			   "List-Id: Linux Kernel <linux-kernel.vger.kernel.org>\n", NULL);
	test_write_message(f->mail, "6:2,", "Pat Gomez <pat@northwind-labs.example>",
			   "rich@northwind.example", "Lab report", "lab@northwind-labs.example", NULL,
			   NULL);
	load_config(f, NULL);
	open_all(f);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	close_all(f);
	vt_config_free(&f->cfg);
	test_rmdir(f->dir);
	free(f->dir);
	free(f);
	return 0;
}

static struct vt_index_report
index_ok(struct fixture *f)
{
	struct vt_index_report r;
	struct vt_error err = { 0 };

	if (vt_index(f->store, f->db, f->cfg, false, NULL, NULL, &r, &err) != VT_OK)
		fail_msg("index: %s", err.msg);
	return r;
}

static unsigned long
count(struct fixture *f, const char *query)
{
	struct vt_error err = { 0 };
	unsigned long n = 0;
	char *q = NULL;

	if (vt_query_translate(f->store, query, &q, &err) != VT_OK ||
	    mail_count(f->db, q, false, &n, &err) != VT_OK)
		fail_msg("%s: %s", query, err.msg);
	free(q);
	return n;
}

static long
sql_long(struct fixture *f, const char *sql)
{
	sqlite3_stmt *st;
	long v = -1;

	assert_int_equal(sqlite3_prepare_v2(f->store->db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = (long)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
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
	assert_int_equal(r.vendors, 3);
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
				     " WHERE org = 'acmetel.example'"), 2);
	assert_int_equal(sql_long(f, "SELECT count(*) FROM sightings"
				     " WHERE address LIKE '%northwind.example'"), 0);
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
	assert_int_equal(vt_sql_exec(f->store, "UPDATE vendors SET bucket = 1 WHERE slug = 'acmetel'",
				     &err),
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
		assert_int_equal(vt_vendor_for_org(f->store, org, &id, &created, &err), VT_OK);
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
		assert_int_equal(vt_vendor_for_org(f->store, orgs[i], &id, &created, &err), VT_OK);
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
	assert_int_equal(vt_vendor_for_org(f->store, "acme.com", &id, &created, &err), VT_OK);
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
	assert_int_equal(vt_sql_exec(f->store, "DELETE FROM messages WHERE org = 'globex.example';"
					       "DELETE FROM sightings",
				     &err),
			 VT_OK);
	/* ... and remembers a message the index never committed */
	assert_int_equal(vt_sql_exec(f->store, "INSERT INTO messages (message_id, org, kind, direction,"
					       " date) VALUES ('ghost@x.example', 'x.example', 1, 0, 1)",
				     &err),
			 VT_OK);
	/* ... because that run died before it finished */
	assert_int_equal(vt_meta_set(f->store, "index_dirty", "1", &err), VT_OK);
	r = index_ok(f);
	assert_true(r.reconciled >= 2);
	assert_int_equal(sql_long(f, "SELECT count(*) FROM messages"), 6);
	assert_int_equal(sql_long(f, "SELECT count(*) FROM messages WHERE message_id = 'ghost@x.example'"),
			 0);
	assert_int_equal(sql_long(f, "SELECT count(*) FROM messages WHERE org = 'globex.example'"), 1);
	assert_true(sql_long(f, "SELECT count(*) FROM sightings") > 0);
	assert_int_equal(count(f, "vendor:globex"), 1);
}

static void
mail_added_behind_our_back_is_attributed(void **state)
{
	struct fixture *f = *state;
	struct vt_error err = { 0 };
	struct vt_index_report r;

	index_ok(f);
	/* a clean run, but the store lacks a message the index has (the
	 * user's own `notmuch new` indexed it, say) */
	assert_int_equal(vt_sql_exec(f->store, "DELETE FROM messages WHERE org = 'globex.example'",
				     &err),
			 VT_OK);
	r = index_ok(f);
	assert_int_equal(r.reconciled, 1);
	assert_int_equal(sql_long(f, "SELECT count(*) FROM messages WHERE org = 'globex.example'"), 1);
	r = index_ok(f);
	assert_int_equal(r.reconciled, 0);
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
	assert_non_null(strstr(err.msg, "another vtriage is writing"));
	assert_int_equal(vt_store_commit(f->store, &err), VT_OK);
	assert_int_equal(vt_store_begin(other, &err), VT_OK);
	assert_int_equal(vt_store_commit(other, &err), VT_OK);
	vt_store_close(&other);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(schema_is_versioned, setup, teardown),
		cmocka_unit_test_setup_teardown(indexing_finds_vendors_and_nothing_else, setup, teardown),
		cmocka_unit_test_setup_teardown(queries_resolve_vendors_and_buckets, setup, teardown),
		cmocka_unit_test_setup_teardown(bucket_queries_do_not_grow_with_generic_vendors, setup,
						teardown),
		cmocka_unit_test_setup_teardown(slugs_stay_unique, setup, teardown),
		cmocka_unit_test_setup_teardown(a_crash_between_the_stores_heals, setup, teardown),
		cmocka_unit_test_setup_teardown(mail_added_behind_our_back_is_attributed, setup,
						teardown),
		cmocka_unit_test_setup_teardown(identity_changes_reattribute_affected_mail, setup,
						teardown),
		cmocka_unit_test_setup_teardown(a_second_writer_gets_a_clear_busy_error, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
