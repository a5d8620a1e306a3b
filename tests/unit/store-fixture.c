/* A store and a real notmuch index over six small messages, for tests. */
#include "config.h"

#include "helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/private.h"
#include "store-fixture.h"

void
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

void
open_all(struct fixture *f)
{
	struct mail_db_location loc;
	struct vt_error err = { 0 };
	char path[4200];

	vt_config_mail_location(f->cfg, &loc);
	if (mail_db_open(&loc, MAIL_DB_READ_WRITE, &f->db, &err) != VT_OK)
		fail_msg("index: %s", err.msg);
	/* a test's index is small: its lists read spans as a big one's do,
	 * unless a test says otherwise (mail_query_spans_pay) */
	mail_db_set_spans_min_posting_bytes(f->db, 0);
	snprintf(path, sizeof path, "%s/vtriage.db", f->data);
	if (vt_store_open(path, &f->store, &err) != VT_OK)
		fail_msg("store: %s", err.msg);
}

void
close_all(struct fixture *f)
{
	vt_store_close(&f->store);
	mail_db_close(&f->db);
}

int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);

	f->dir = test_mkdtemp();
	snprintf(f->mail, sizeof f->mail, "%s/mail", f->dir);
	snprintf(f->data, sizeof f->data, "%s/data", f->dir);
	test_make_maildir(f->mail);
	test_write_message(
		f->mail, "1:2,", "Dana <dana@mail.acmetel.example>", "rich@northwind.example",
		"Invoice AT-2026-10", "inv-10@acmetel.example",
		"Cc: Tom Becker <tom.becker@mail.acmetel.example>, rich@northwind.example\n",
		"Amount due: $7,800.00");
	test_write_message(
		f->mail, "2:2,", "Rich Miller <rich@northwind.example>",
		"Dana <dana@mail.acmetel.example>", "Re: Invoice AT-2026-10",
		"re-inv-10@northwind.example",
		"Date: Tue, 03 Nov 2026 10:00:00 +0000\nIn-Reply-To: <inv-10@acmetel.example>\n",
		"This bill is wrong.");
	test_write_message(f->mail, "3:2,", "Sam Lee <sam.lee@globex.example>",
			   "rich@northwind.example", "Quote Q-2026-1187", "q-1187@globex.example",
			   NULL, NULL);
	test_write_message(f->mail, "4:2,", "Jordan <jordan.r@gmail.com>", "rich@northwind.example",
			   "Lunch?", "lunch@gmail.com", NULL, NULL);
	test_write_message(f->mail, "5:2,", "Dev <dev@intel.com>", "linux-kernel@vger.kernel.org",
			   "[PATCH] fix", "patch@intel.com",
			   "List-Id: Linux Kernel <linux-kernel.vger.kernel.org>\n", NULL);
	test_write_message(f->mail, "6:2,", "Pat Gomez <pat@northwind-labs.example>",
			   "rich@northwind.example", "Lab report", "lab@northwind-labs.example",
			   NULL, NULL);
	load_config(f, NULL);
	open_all(f);
	*state = f;
	return 0;
}

int
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

struct vt_index_report
index_ok(struct fixture *f)
{
	struct vt_index_report r;
	struct vt_error err = { 0 };

	if (vt_index(f->store, f->db, f->cfg, false, NULL, NULL, &r, &err) != VT_OK)
		fail_msg("index: %s", err.msg);
	return r;
}

unsigned long
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

long
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

void
age_mail_dirs(struct fixture *f, int minutes)
{
	/* never the same second twice: that would hide a change */
	static long long last;
	long long when = (long long)time(NULL) - 60LL * minutes;

	if (when == last)
		when--;
	/* only those whose content changed since the last call, as on a
	 * real disk: a directory changed but with nothing new to index
	 * says another program indexed it (mail/index.c) */
	assert_int_equal(test_sh("find '%s' -type d -newermt @%lld -exec touch -d @%lld {} +",
				 f->mail, last, when),
			 0);
	last = when;
}

int
external_notmuch(struct fixture *f, const char *args)
{
	int status;

	close_all(f);
	status = test_sh("NOTMUCH_CONFIG='%s/notmuch-config' notmuch %s >/dev/null 2>&1", f->data,
			 args);
	open_all(f);
	return status;
}
