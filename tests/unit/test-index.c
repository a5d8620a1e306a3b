/* The notmuch index: a real database in a temporary directory. */
#include "config.h"

#include "helpers.h"
#include <notmuch.h>

#include <limits.h>
#include <pthread.h>
#include <spawn.h>
#include <sys/wait.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mail/mail.h"
#include "mail/private.h"

struct fixture {
	char *dir;
	char mail[4096];
	char data[4096];
	struct mail_db *db;
	/* what the hooks saw */
	int messages, removed, warnings, batches_open;
	char last_org[MAIL_DOMAIN_MAX];
	enum mail_kind kinds[16];
	char removed_id[256];
	char warned[4096];
	int stop_after; /* set the interrupt flag after this many messages */
	/* size of this file when the first and the watch_late-th message
	 * reached the hook */
	char watch[4200];
	int watch_late;
	long long watched_first, watched_late;
	volatile sig_atomic_t interrupted;
	vt_status fail_with;
	/* the walk's thread, and what the message hook saw of it and of
	 * the order of ids "q<N>@..." */
	pthread_t walker;
	int off_walker, out_of_order, last_q;
};

static vt_status
on_message(void *ctx, const struct mail_message_info *info, struct vt_error *err)
{
	struct fixture *f = ctx;

	assert_true(f->batches_open > 0);
	assert_non_null(info->message_id);
	if (f->messages < 16)
		f->kinds[f->messages] = info->attribution.kind;
	f->messages++;
	snprintf(f->last_org, sizeof f->last_org, "%s", info->attribution.org);
	if (!pthread_equal(pthread_self(), f->walker))
		f->off_walker++;
	if (info->message_id[0] == 'q') {
		int q = atoi(info->message_id + 1);

		f->out_of_order += q <= f->last_q;
		f->last_q = q;
	}
	if (f->stop_after && f->messages >= f->stop_after)
		f->interrupted = 1;
	if (f->watch[0] != '\0' && (f->messages == 1 || f->messages == f->watch_late)) {
		struct stat sb;

		assert_int_equal(stat(f->watch, &sb), 0);
		*(f->messages == 1 ? &f->watched_first : &f->watched_late) = (long long)sb.st_size;
	}
	if (f->fail_with != VT_OK)
		return vt_fail(err, f->fail_with, "hook refused");
	return VT_OK;
}

static vt_status
on_removed(void *ctx, const char *id, struct vt_error *err)
{
	struct fixture *f = ctx;

	f->removed++;
	snprintf(f->removed_id, sizeof f->removed_id, "%s", id);
	return VT_OK;
}

static vt_status
on_begin(void *ctx, struct vt_error *err)
{
	((struct fixture *)ctx)->batches_open++;
	return VT_OK;
}

static vt_status
on_end(void *ctx, struct vt_error *err)
{
	((struct fixture *)ctx)->batches_open--;
	return VT_OK;
}

static void
on_warning(void *ctx, const char *path, const char *why)
{
	struct fixture *f = ctx;

	f->warnings++;
	snprintf(f->warned, sizeof f->warned, "%s: %s", path, why);
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	struct mail_db_location loc = { 0 };
	struct vt_error err = { 0 };

	f->dir = test_mkdtemp();
	snprintf(f->mail, sizeof f->mail, "%s/mail", f->dir);
	snprintf(f->data, sizeof f->data, "%s/data", f->dir);
	test_make_maildir(f->mail);
	loc.data_dir = f->data;
	loc.mail_root = f->mail;
	if (mail_db_open(&loc, MAIL_DB_READ_WRITE, &f->db, &err) != VT_OK)
		fail_msg("open: %s", err.msg);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	mail_db_close(&f->db);
	test_rmdir(f->dir);
	free(f->dir);
	free(f);
	return 0;
}

static vt_status
run(struct fixture *f, struct mail_index_stats *stats)
{
	static const char *const addrs[] = { "rich@northwind.example" };
	static const char *const own[] = { "northwind.example" };
	const struct mail_identity id = {
		.addresses = addrs, .n_addresses = 1, .own_domains = own, .n_own_domains = 1
	};
	const struct mail_index_options opts = { .identity = &id, .interrupted = &f->interrupted };
	const struct mail_index_hooks hooks = {
		.ctx = f,
		.message = on_message,
		.removed = on_removed,
		.batch_begin = on_begin,
		.batch_end = on_end,
		.warning = on_warning,
	};
	struct vt_error err = { 0 };
	vt_status rc;

	f->messages = f->removed = f->warnings = 0;
	f->walker = pthread_self();
	rc = mail_index_run(f->db, &opts, &hooks, stats, &err);
	assert_int_equal(f->batches_open, 0);
	return rc;
}

static unsigned long
count(struct fixture *f, const char *query)
{
	struct vt_error err = { 0 };
	unsigned long n = 0;

	if (mail_count(f->db, query, false, &n, &err) != VT_OK)
		fail_msg("count %s: %s", query, err.msg);
	return n;
}

static void
write_three(struct fixture *f)
{
	test_write_message(f->mail, "1:2,", "Dana <dana@mail.acmetel.example>",
			   "rich@northwind.example", "Invoice AT-2026-10", "inv-10@acmetel.example",
			   NULL, "Amount due: $7,800.00");
	test_write_message(f->mail, "2:2,S", "Jordan <jordan.r@gmail.com>",
			   "rich@northwind.example", "Lunch?", "lunch@gmail.com", NULL, NULL);
	test_write_message(f->mail, "3:2,", "Dev <dev@intel.com>", "linux-kernel@vger.kernel.org",
			   "[PATCH] fix", "patch@intel.com",
			   "List-Id: Linux Kernel <linux-kernel.vger.kernel.org>\n", NULL);
}

static void
open_fails_clearly_without_a_mail_root(void **state)
{
	struct mail_db_location loc = { .data_dir = "/nonexistent/data",
					.mail_root = "/nonexistent/mail" };
	struct vt_error err = { 0 };
	struct mail_db *db = NULL;

	assert_int_equal(mail_db_open(&loc, MAIL_DB_READ_ONLY, &db, &err), VT_ERR_CONFIG);
	assert_null(db);
	assert_non_null(strstr(err.msg, "/nonexistent/mail"));
	loc.mail_root = NULL;
	assert_int_equal(mail_db_open(&loc, MAIL_DB_READ_ONLY, &db, &err), VT_ERR_CONFIG);
	loc.notmuch_db = "/nonexistent/notmuch";
	assert_int_equal(mail_db_open(&loc, MAIL_DB_READ_ONLY, &db, &err), VT_ERR_CONFIG);
	assert_non_null(strstr(err.msg, "/nonexistent/notmuch"));
}

/* The data directory and whatever of its path is missing are made
 * (private); a file in the way is named. */
static void
opening_makes_the_data_directory_and_its_parents(void **state)
{
	struct fixture *f = *state;
	struct mail_db_location loc = { .mail_root = f->mail };
	struct vt_error err = { 0 };
	struct mail_db *db = NULL;
	char data[4200], blocked[4200];
	struct stat sb;

	snprintf(data, sizeof data, "%s/deep/er/data", f->dir);
	loc.data_dir = data;
	assert_int_equal(mail_db_open(&loc, MAIL_DB_READ_WRITE, &db, &err), VT_OK);
	mail_db_close(&db);
	assert_int_equal(stat(data, &sb), 0);
	assert_true(S_ISDIR(sb.st_mode));
	assert_int_equal(sb.st_mode & 0777, 0700);
	/* there already: nothing to do */
	assert_int_equal(mail_make_dirs(data, &err), VT_OK);
	snprintf(blocked, sizeof blocked, "%s/deep/er/data/vtriage.db/x", f->dir);
	assert_int_equal(test_sh("touch '%s/deep/er/data/vtriage.db'", f->dir), 0);
	assert_int_equal(mail_make_dirs(blocked, &err), VT_ERR_IO);
	assert_non_null(strstr(err.msg, "vtriage.db"));
}

static void
own_database_is_described_for_the_notmuch_cli(void **state)
{
	struct fixture *f = *state;
	char cmd[8192];

	assert_non_null(mail_db_config_path(f->db));
	assert_non_null(strstr(mail_db_config_path(f->db), "/data/notmuch-config"));
	write_three(f);
	struct mail_index_stats st;
	assert_int_equal(run(f, &st), VT_OK);
	mail_db_close(&f->db);
	snprintf(cmd, sizeof cmd,
		 "test \"$(NOTMUCH_CONFIG='%s/notmuch-config' notmuch count '*')\" = 3", f->data);
	assert_int_equal(test_sh("%s", cmd), 0);
	struct mail_db_location loc = { .data_dir = f->data, .mail_root = f->mail };
	struct vt_error err = { 0 };
	assert_int_equal(mail_db_open(&loc, MAIL_DB_READ_WRITE, &f->db, &err), VT_OK);
}

static void
new_mail_is_indexed_attributed_and_tagged(void **state)
{
	struct fixture *f = *state;
	struct mail_index_stats st;

	write_three(f);
	/* neither a delivery under way nor mbsync's state is counted or seen */
	assert_int_equal(test_sh("mkdir -p '%s/new' '%s/tmp' && echo partial >'%s/tmp/4.host' && "
				 "echo 'FarUidValidity 1' >'%s/.mbsyncstate'",
				 f->mail, f->mail, f->mail, f->mail),
			 0);
	assert_int_equal(run(f, &st), VT_OK);
	assert_int_equal(st.files_total, 3);
	assert_int_equal(st.files_seen, 3);
	assert_int_equal(st.not_mail, 0);
	assert_int_equal(st.added, 3);
	assert_int_equal(st.attributed, 0);
	assert_int_equal(f->messages, 3);
	assert_int_equal(count(f, "property:vtriage.kind=vendor"), 1);
	assert_int_equal(count(f, "property:vtriage.org=acmetel.example"), 1);
	assert_int_equal(count(f, "property:vtriage.kind=personal"), 1);
	assert_int_equal(count(f, "property:vtriage.kind=list"), 1);
	assert_int_equal(count(f, "property:vtriage.rev=5"), 3);
	assert_int_equal(count(f, "tag:inbox"), 3);
	/* ":2,S" is seen mail: not unread, as notmuch new does it */
	assert_int_equal(count(f, "tag:unread"), 2);
}

static void
a_second_run_finds_nothing_to_do(void **state)
{
	struct fixture *f = *state;
	struct mail_index_stats st;

	write_three(f);
	assert_int_equal(run(f, &st), VT_OK);
	/* directory mtimes are not recorded within the second they change */
	sleep(1);
	assert_int_equal(run(f, &st), VT_OK);
	assert_int_equal(run(f, &st), VT_OK);
	assert_int_equal(st.files_seen + st.added + st.removed + st.attributed, 0);
	assert_int_equal(f->messages, 0);
}

static void
renames_keep_the_message_and_its_flags_follow(void **state)
{
	struct fixture *f = *state;
	struct mail_index_stats st;
	char from[4200], to[4200];

	write_three(f);
	assert_int_equal(run(f, &st), VT_OK);
	snprintf(from, sizeof from, "%s/cur/1:2,", f->mail);
	snprintf(to, sizeof to, "%s/cur/1:2,S", f->mail);
	assert_int_equal(rename(from, to), 0);
	assert_int_equal(run(f, &st), VT_OK);
	assert_int_equal(st.renamed, 1);
	assert_int_equal(st.removed, 0);
	assert_int_equal(f->removed, 0);
	assert_int_equal(count(f, "*"), 3);
	assert_int_equal(count(f, "tag:unread"), 1);
}

static void
removed_files_leave_the_index(void **state)
{
	struct fixture *f = *state;
	struct mail_index_stats st;
	char path[4200];

	write_three(f);
	assert_int_equal(run(f, &st), VT_OK);
	snprintf(path, sizeof path, "%s/cur/1:2,", f->mail);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(run(f, &st), VT_OK);
	assert_int_equal(st.removed, 1);
	assert_int_equal(f->removed, 1);
	assert_string_equal(f->removed_id, "inv-10@acmetel.example");
	assert_int_equal(count(f, "*"), 2);
	/* a whole folder going away */
	assert_int_equal(test_sh("rm -rf '%s/cur'", f->mail), 0);
	assert_int_equal(run(f, &st), VT_OK);
	assert_int_equal(count(f, "*"), 0);
	assert_int_equal(f->removed, 2);
}

/* the files the index holds in a directory under the mail root */
static long
index_files_in(struct fixture *f, const char *sub)
{
	notmuch_directory_t *dir = NULL;
	notmuch_filenames_t *names;
	char path[4200];
	long n = 0;

	snprintf(path, sizeof path, "%s/%s", f->mail, sub);
	assert_int_equal(notmuch_database_get_directory(f->db->nm, path, &dir),
			 NOTMUCH_STATUS_SUCCESS);
	if (dir == NULL)
		return -1;
	for (names = notmuch_directory_get_child_files(dir); notmuch_filenames_valid(names);
	     notmuch_filenames_move_to_next(names))
		n++;
	notmuch_filenames_destroy(names);
	notmuch_directory_destroy(dir);
	return n;
}

/* a run given the last one's record of directories, leaving its own */
static void
run_recording(struct fixture *f, char **record)
{
	static const char *const addrs[] = { "rich@northwind.example" };
	const struct mail_identity id = { .addresses = addrs, .n_addresses = 1 };
	char *next = NULL;
	const struct mail_index_options opts = { .identity = &id,
						 .dirs_known = *record,
						 .dirs_recorded = &next };
	struct mail_index_stats st;
	struct vt_error err = { 0 };

	assert_int_equal(mail_index_run(f->db, &opts, NULL, &st, &err), VT_OK);
	assert_non_null(next);
	free(*record);
	*record = next;
}

static long
recorded_files(const char *record, const char *root, const char *sub)
{
	struct mail_dir_files m;
	char path[4200];
	long n;

	snprintf(path, sizeof path, "%s/%s", root, sub);
	assert_true(mail_dir_files_parse(record, &m));
	n = mail_dir_files_get(&m, path);
	mail_dir_files_clear(&m);
	return n;
}

static void
every_run_records_the_index_files_of_each_directory(void **state)
{
	struct fixture *f = *state;
	struct mail_dir_files m;
	char *record = NULL, from[4200], to[4200];

	write_three(f);
	run_recording(f, &record);
	assert_int_equal(recorded_files(record, f->mail, "cur"), 3);
	/* a rename, a second file of a message, a file gone, one not mail
	 * and a message in new/: counted as the index holds them after */
	snprintf(from, sizeof from, "%s/cur/1:2,", f->mail);
	snprintf(to, sizeof to, "%s/cur/1:2,S", f->mail);
	assert_int_equal(rename(from, to), 0);
	assert_int_equal(test_sh("cp '%s/cur/2:2,S' '%s/cur/2b:2,S' && rm '%s/cur/3:2,' && "
				 "echo 'not mail' >'%s/cur/junk'",
				 f->mail, f->mail, f->mail, f->mail),
			 0);
	test_write_message(f->mail, "../new/5", "Dana <dana@mail.acmetel.example>",
			   "rich@northwind.example", "Invoice AT-2026-11", "inv-11@acmetel.example",
			   NULL, NULL);
	run_recording(f, &record);
	assert_int_equal(index_files_in(f, "cur"), 3);
	assert_int_equal(recorded_files(record, f->mail, "cur"), 3);
	assert_int_equal(recorded_files(record, f->mail, "new"), index_files_in(f, "new"));
	assert_int_equal(index_files_in(f, "new"), 1);
	/* a directory unchanged since keeps its count; a folder gone, none */
	assert_int_equal(test_sh("rm -rf '%s/new'", f->mail), 0);
	run_recording(f, &record);
	assert_int_equal(recorded_files(record, f->mail, "cur"), 3);
	assert_int_equal(recorded_files(record, f->mail, "new"), -1);
	/* a record that is not one is none: every directory unknown */
	assert_false(mail_dir_files_parse("0123456789abcdef 3\ngarbage", &m));
	assert_false(m.known);
	assert_false(mail_dir_files_parse("0123456789abcdef 3\n0123456789abcdef 4\n", &m));
	assert_false(mail_dir_files_parse("0123456789abcdef 3", &m));
	assert_false(mail_dir_files_parse(" 123456789abcdef 3\n", &m));
	assert_false(mail_dir_files_parse("0123456789abcdef -3\n", &m));
	assert_false(mail_dir_files_parse("0123456789abcdef \n5\n", &m));
	assert_true(mail_dir_files_parse("", &m));
	assert_int_equal(mail_dir_files_get(&m, f->mail), -1);
	mail_dir_files_clear(&m);
	free(record);
}

/* The record after a run: the last change of a directory wins, -1 takes
 * it out, the others stay as they were. */
static void
a_record_takes_each_directorys_last_change(void **state)
{
	struct mail_dir_files before, changes = { 0 };
	char *text;

	(void)state;
	assert_int_equal(mail_dir_files_set(&changes, "/m/a", 5, NULL), VT_OK);
	assert_int_equal(mail_dir_files_set(&changes, "/m/a", -1, NULL), VT_OK);
	assert_int_equal(mail_dir_files_set(&changes, "/m/b", -1, NULL), VT_OK);
	assert_int_equal(mail_dir_files_set(&changes, "/m/b", 2, NULL), VT_OK);
	assert_int_equal(mail_dir_files_set(&changes, "/m/d", 7, NULL), VT_OK);
	assert_true(mail_dir_files_parse("", &before));
	assert_int_equal(mail_dir_files_set(&before, "/m/a", 3, NULL), VT_OK);
	assert_int_equal(mail_dir_files_set(&before, "/m/c", 4, NULL), VT_OK);
	mail_dir_files_sort(&before);
	text = mail_dir_files_text(&before, &changes);
	assert_non_null(text);
	mail_dir_files_clear(&before);
	assert_true(mail_dir_files_parse(text, &before));
	assert_int_equal(mail_dir_files_get(&before, "/m/a"), -1);
	assert_int_equal(mail_dir_files_get(&before, "/m/b"), 2);
	assert_int_equal(mail_dir_files_get(&before, "/m/c"), 4);
	assert_int_equal(mail_dir_files_get(&before, "/m/d"), 7);
	assert_int_equal(before.count, 3);
	mail_dir_files_clear(&before);
	mail_dir_files_clear(&changes);
	free(text);
}

static void
duplicates_and_non_mail_are_counted_and_named(void **state)
{
	struct fixture *f = *state;
	struct mail_index_stats st;
	char path[4200];

	write_three(f);
	test_write_message(f->mail, "4:2,", "Dana <dana@mail.acmetel.example>",
			   "rich@northwind.example", "Invoice AT-2026-10 (copy)",
			   "inv-10@acmetel.example", NULL, NULL);
	snprintf(path, sizeof path, "%s/cur/empty", f->mail);
	test_write_file(path, "", 0);
	snprintf(path, sizeof path, "%s/cur/binary", f->mail);
	test_write_file(path, "\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16);
	assert_int_equal(run(f, &st), VT_OK);
	assert_int_equal(st.added, 3);
	assert_int_equal(st.duplicates, 1);
	assert_int_equal(st.not_mail, 2);
	assert_int_equal(f->warnings, 2);
	assert_non_null(strstr(f->warned, "/cur/"));
	assert_non_null(strstr(f->warned, "not an email message"));
}

static void
walk_follows_notmuch_new_rules(void **state)
{
	struct fixture *f = *state;
	struct mail_index_stats st;
	char deep[4200], path[4300];

	/* tmp/ of a Maildir is skipped; folders at any depth are found */
	snprintf(path, sizeof path, "%s/tmp/partial", f->mail);
	test_write_text(path, "From: a@b.example\nSubject: half\n\nbody\n");
	snprintf(deep, sizeof deep, "%s/Archive/2026/Vendors", f->mail);
	test_make_maildir(deep);
	test_write_message(deep, "5:2,", "sales@globex.example", "rich@northwind.example", "Quote",
			   "q@globex.example", NULL, NULL);
	/* a plain file outside Maildir folders is mail too, for notmuch */
	snprintf(path, sizeof path, "%s/loose.eml", f->mail);
	test_write_text(path, "From: x@initech.example\nSubject: loose\n\nbody\n");
	assert_int_equal(run(f, &st), VT_OK);
	assert_int_equal(st.added, 2);
	assert_int_equal(count(f, "subject:half"), 0);
	assert_int_equal(count(f, "property:vtriage.org=globex.example"), 1);
}

static void
an_interrupted_run_resumes_without_loss(void **state)
{
	struct fixture *f = *state;
	struct mail_index_stats st;

	write_three(f);
	f->stop_after = 1;
	assert_int_equal(run(f, &st), VT_ERR_INTERRUPTED);
	f->stop_after = 0;
	f->interrupted = 0;
	assert_int_equal(run(f, &st), VT_OK);
	assert_int_equal(count(f, "*"), 3);
	assert_int_equal(count(f, "property:vtriage.rev=5"), 3);
}

static void
a_failing_hook_stops_the_run(void **state)
{
	struct fixture *f = *state;
	struct mail_index_stats st;

	write_three(f);
	f->fail_with = VT_ERR_IO;
	assert_int_equal(run(f, &st), VT_ERR_IO);
	f->fail_with = VT_OK;
}

/* Another program's change to every message, straight through
 * libnotmuch; the database is left open for more. */
static notmuch_database_t *
change_every_message(const char *data_dir, void (*change)(notmuch_message_t *m))
{
	char path[4200], *msg = NULL;
	notmuch_database_t *nm = NULL;
	notmuch_query_t *q;
	notmuch_messages_t *all;

	snprintf(path, sizeof path, "%s/notmuch", data_dir);
	assert_int_equal(notmuch_database_open_with_config(path, NOTMUCH_DATABASE_MODE_READ_WRITE,
							   "", NULL, &nm, &msg),
			 NOTMUCH_STATUS_SUCCESS);
	q = notmuch_query_create(nm, "*");
	assert_int_equal(notmuch_query_search_messages(q, &all), NOTMUCH_STATUS_SUCCESS);
	for (; notmuch_messages_valid(all); notmuch_messages_move_to_next(all)) {
		notmuch_message_t *m = notmuch_messages_get(all);

		/* removing properties alone never writes the document
		 * (notmuch 0.37): the thaw does. */
		assert_int_equal(notmuch_message_freeze(m), NOTMUCH_STATUS_SUCCESS);
		change(m);
		assert_int_equal(notmuch_message_thaw(m), NOTMUCH_STATUS_SUCCESS);
	}
	notmuch_query_destroy(q);
	return nm;
}

static void
without_vtriage_properties(notmuch_message_t *m)
{
	assert_int_equal(notmuch_message_remove_all_properties_with_prefix(m, "vtriage."),
			 NOTMUCH_STATUS_SUCCESS);
}

static void
drop_vtriage_properties(const char *data_dir)
{
	assert_int_equal(notmuch_database_destroy(
				 change_every_message(data_dir, without_vtriage_properties)),
			 NOTMUCH_STATUS_SUCCESS);
}

static void
as_the_version_before(notmuch_message_t *m)
{
	assert_int_equal(notmuch_message_remove_all_properties(m, MAIL_PROP_MONTH),
			 NOTMUCH_STATUS_SUCCESS);
	assert_int_equal(notmuch_message_remove_property(m, MAIL_PROP_REV, "5"),
			 NOTMUCH_STATUS_SUCCESS);
	assert_int_equal(notmuch_message_add_property(m, MAIL_PROP_REV, "4"),
			 NOTMUCH_STATUS_SUCCESS);
}

/* The index as the version before left it: attributed, without months,
 * nor the months of mail dated ahead. */
static void
make_it_the_version_befores(const char *data_dir)
{
	notmuch_database_t *nm = change_every_message(data_dir, as_the_version_before);

	assert_int_equal(notmuch_database_set_config(nm, MAIL_CONFIG_AHEAD, ""),
			 NOTMUCH_STATUS_SUCCESS);
	assert_int_equal(notmuch_database_destroy(nm), NOTMUCH_STATUS_SUCCESS);
}

static bool
reader_finds_months_whole(struct fixture *f)
{
	struct mail_db_location loc = { .data_dir = f->data, .mail_root = f->mail };
	struct vt_error err = { 0 };
	struct mail_db *reader = NULL;
	bool whole;

	assert_int_equal(mail_db_open(&loc, MAIL_DB_READ_ONLY, &reader, &err), VT_OK);
	whole = mail_db_months_whole(reader);
	mail_db_close(&reader);
	return whole;
}

/* Every message carries its month, and a reader is told so only while
 * nobody else has written to the index since vtriage left it whole;
 * mail the version before attributed is given its month, not read
 * again. */
static void
every_message_carries_its_month(void **state)
{
	struct fixture *f = *state;
	struct mail_db_location loc = { .data_dir = f->data, .mail_root = f->mail };
	struct mail_index_stats st;
	struct vt_error err = { 0 };
	char path[4200];

	write_three(f);
	test_write_message(f->mail, "4:2,", "Old <old@oldco.example>", "rich@northwind.example",
			   "Telex", "telex@oldco.example",
			   "Date: Sat, 31 Dec 1977 23:59:59 +0000\n", NULL);
	test_write_message(f->mail, "5:2,", "Spam <spam@spam.example>", "rich@northwind.example",
			   "From the future", "future@spam.example",
			   "Date: Thu, 01 Jan 2099 00:00:00 +0000\n", NULL);
	snprintf(path, sizeof path, "%s/cur/6:2,", f->mail);
	test_write_text(path, "From: Nodate <x@nodate.example>\nTo: rich@northwind.example\n"
			      "Message-ID: <nodate@nodate.example>\nSubject: No date\n\nBody.\n");
	assert_false(reader_finds_months_whole(f)); /* an empty index, not sealed yet */
	assert_int_equal(run(f, &st), VT_OK);
	assert_int_equal(st.added, 6);
	assert_int_equal(st.dated, 0);
	assert_int_equal(count(f, "property:vtriage.month=2026-11"), 3);
	assert_int_equal(count(f, "property:vtriage.month=1977-12"), 1);
	assert_int_equal(count(f, "property:vtriage.month=2099-01"), 1);
	assert_int_equal(count(f, "property:vtriage.month=1970-01"), 1);
	assert_int_equal(mail_db_oldest_dated(f->db), 1793613600LL); /* not 1977's */
	/* the months of mail dated ahead, for a list's first span */
	long ahead[MAIL_MONTHS_AHEAD_MAX];

	assert_int_equal(mail_db_months_ahead(f->db, ahead, MAIL_MONTHS_AHEAD_MAX), 1);
	assert_int_equal(ahead[0], 2099 * 12);
	assert_int_equal(mail_months_ahead_parse("2037-01 2099-12", ahead, 2), 2);
	assert_int_equal(ahead[1], 2099 * 12 + 11);
	assert_int_equal(mail_months_ahead_parse("2037-01 2099-12", ahead, 1), -1);
	assert_int_equal(mail_months_ahead_parse("many", ahead, 2), -1);
	assert_int_equal(mail_months_ahead_parse("2037-13", ahead, 2), -1);
	assert_int_equal(mail_months_ahead_parse("", ahead, 2), 0);
	mail_db_close(&f->db);
	assert_true(reader_finds_months_whole(f));

	/* vtriage's own writes keep it whole */
	assert_int_equal(mail_db_open(&loc, MAIL_DB_READ_WRITE, &f->db, &err), VT_OK);
	assert_int_equal(mail_tag_messages(f->db, "subject:lunch", "flagged", NULL, NULL, &err),
			 VT_OK);
	mail_db_close(&f->db);
	assert_true(reader_finds_months_whole(f));

	/* another program's tag, and an index whose months ahead were not
	 * kept (a build before they were): counted again as it is sealed */
	mail_db_close(&f->db);
	assert_int_equal(
		test_sh("NOTMUCH_CONFIG='%s/notmuch-config' notmuch tag +x -- "
			"id:lunch@gmail.com && NOTMUCH_CONFIG='%s/notmuch-config' "
			"notmuch config set --database " MAIL_CONFIG_AHEAD " '' && "
			"NOTMUCH_CONFIG='%s/notmuch-config' notmuch config set --database " MAIL_CONFIG_OLDEST_DATED
			" ''",
			f->data, f->data, f->data),
		0);
	assert_false(reader_finds_months_whole(f));
	assert_int_equal(mail_db_open(&loc, MAIL_DB_READ_WRITE, &f->db, &err), VT_OK);
	assert_int_equal(mail_db_months_ahead(f->db, ahead, MAIL_MONTHS_AHEAD_MAX), 0);
	assert_int_equal(run(f, &st), VT_OK);
	assert_int_equal(st.dated + st.attributed, 0);
	/* the oldest dated mail of all, not of the run's (none) */
	assert_int_equal(mail_db_oldest_dated(f->db), 1793613600LL);
	assert_int_equal(mail_db_months_ahead(f->db, ahead, MAIL_MONTHS_AHEAD_MAX), 1);
	assert_int_equal(ahead[0], 2099 * 12);
	mail_db_close(&f->db);
	assert_true(reader_finds_months_whole(f));

	/* another program's write: no longer, until vtriage indexes */
	make_it_the_version_befores(f->data);
	assert_false(reader_finds_months_whole(f));
	assert_int_equal(mail_db_open(&loc, MAIL_DB_READ_WRITE, &f->db, &err), VT_OK);
	assert_int_equal(count(f, "property:vtriage.month=2026-11"), 0);
	assert_int_equal(run(f, &st), VT_OK);
	assert_int_equal(st.dated, 6);
	assert_int_equal(st.attributed, 0);
	assert_int_equal(f->messages, 0); /* nothing read again */
	assert_int_equal(count(f, "property:vtriage.month=2026-11"), 3);
	assert_int_equal(count(f, "property:vtriage.rev=5"), 6);
	assert_int_equal(count(f, "property:vtriage.rev=4"), 0);
	assert_int_equal(mail_db_months_ahead(f->db, ahead, MAIL_MONTHS_AHEAD_MAX), 1);
	assert_int_equal(ahead[0], 2099 * 12);
	mail_db_close(&f->db);
	assert_true(reader_finds_months_whole(f));

	/* a run cut short leaves it to the next */
	make_it_the_version_befores(f->data);
	assert_int_equal(mail_db_open(&loc, MAIL_DB_READ_WRITE, &f->db, &err), VT_OK);
	f->interrupted = 1;
	assert_int_equal(run(f, &st), VT_ERR_INTERRUPTED);
	f->interrupted = 0;
	mail_db_close(&f->db);
	assert_false(reader_finds_months_whole(f));
	assert_int_equal(mail_db_open(&loc, MAIL_DB_READ_WRITE, &f->db, &err), VT_OK);
	assert_int_equal(run(f, &st), VT_OK);
	assert_int_equal(st.dated, 6);
	mail_db_close(&f->db);
	assert_true(reader_finds_months_whole(f));
	assert_int_equal(mail_db_open(&loc, MAIL_DB_READ_WRITE, &f->db, &err), VT_OK);
}

static void
messages_lacking_attribution_are_attributed(void **state)
{
	struct fixture *f = *state;
	struct mail_index_stats st;
	struct vt_error err = { 0 };
	unsigned n = 0;

	write_three(f);
	assert_int_equal(run(f, &st), VT_OK);
	/* As if the user's own `notmuch new` had added them: drop our
	 * properties straight through libnotmuch. */
	mail_db_close(&f->db);
	drop_vtriage_properties(f->data);
	struct mail_db_location loc = { .data_dir = f->data, .mail_root = f->mail };
	assert_int_equal(mail_db_open(&loc, MAIL_DB_READ_WRITE, &f->db, &err), VT_OK);
	assert_int_equal(count(f, "property:vtriage.rev=5"), 0);
	assert_int_equal(run(f, &st), VT_OK);
	assert_int_equal(st.attributed, 3);
	assert_int_equal(f->messages, 3);
	assert_int_equal(count(f, "property:vtriage.rev=5"), 3);
	/* and re-attribution of chosen mail on request */
	const struct mail_index_options opts = { 0 };
	assert_int_equal(mail_reattribute(f->db, "property:vtriage.kind=personal", &opts, NULL, &n,
					  &err),
			 VT_OK);
	assert_int_equal(n, 1);
}

static vt_status
collect_thread(void *ctx, const struct mail_thread *t, struct vt_error *err)
{
	int *seen = ctx;

	(*seen)++;
	if (strstr(t->subject, "Invoice")) {
		assert_non_null(t->vendor_org);
		assert_string_equal(t->vendor_org, "acmetel.example");
	} else if (strstr(t->subject, "Lunch")) {
		assert_null(t->vendor_org);
	}
	assert_int_equal(t->matched, 1);
	return VT_OK;
}

static void
searches_report_threads_and_bad_queries(void **state)
{
	struct fixture *f = *state;
	struct mail_index_stats st;
	struct vt_error err = { 0 };
	unsigned long n;
	int seen = 0;

	write_three(f);
	assert_int_equal(run(f, &st), VT_OK);
	assert_int_equal(mail_search_threads(f->db, "*", 0, -1, collect_thread, &seen, &err),
			 VT_OK);
	assert_int_equal(seen, 3);
	seen = 0;
	assert_int_equal(mail_search_threads(f->db, "*", 1, 1, collect_thread, &seen, &err), VT_OK);
	assert_int_equal(seen, 1);
	/* notmuch explains only a handle's first exception: on a fresh one
	 * the reason is precise, later it is generic, never stale */
	mail_db_close(&f->db);
	struct mail_db_location loc = { .data_dir = f->data, .mail_root = f->mail };
	assert_int_equal(mail_db_open(&loc, MAIL_DB_READ_ONLY, &f->db, &err), VT_OK);
	assert_int_equal(mail_count(f->db, "date:nonsense..x", false, &n, &err), VT_ERR_USAGE);
	assert_non_null(strstr(err.msg, "date"));
	assert_int_equal(mail_count(f->db, "date:yesterday..nonsense", false, &n, &err),
			 VT_ERR_USAGE);
	assert_null(strstr(err.msg, "Kreplied"));
	assert_true(strlen(err.msg) > 0);
	assert_int_equal(mail_count(f->db, "*", true, &n, &err), VT_OK);
	assert_int_equal(n, 3);
}

/* ---- files read ahead on a second thread ---- */

static const char *const ahead_addrs[] = { "rich@northwind.example" };
static const struct mail_identity ahead_identity = { .addresses = ahead_addrs, .n_addresses = 1 };
static const struct mail_index_options ahead_opts = { .identity = &ahead_identity };

/* n files (more than the read-ahead window): vendor mail with a
 * signature, the user's own mail, personal mail, and a missing file. */
static char **
write_ahead_files(const char *dir, size_t n)
{
	char **paths = calloc(n, sizeof *paths);

	for (size_t i = 0; i < n; i++) {
		FILE *fp;

		assert_true(asprintf(&paths[i], "%s/ahead-%zu", dir, i) > 0);
		if (i == 7)
			continue; /* never written: vanished before it was read */
		fp = fopen(paths[i], "w");
		assert_non_null(fp);
		if (i % 5 == 1)
			fprintf(fp,
				"From: Rich Miller <rich@northwind.example>\n"
				"To: Dana Smith <dana@acme-supplies.com>, ops@acme-supplies.com\n");
		else if (i % 5 == 2)
			fprintf(fp, "From: Pat <pat%zu@gmail.com>\nTo: rich@northwind.example\n",
				i);
		else
			fprintf(fp, "From: Dana Smith <dana@acme-supplies.com>\n"
				    "To: rich@northwind.example\nCc: sales@acme-supplies.com\n");
		fprintf(fp,
			"Subject: quote %zu\nMessage-ID: <ahead-%zu@example>\n\n"
			"Hi Rich,\n\nhere is quote %zu.\n\nBest regards,\nDana Smith\n"
			"Account Manager\nAcme Supplies\nPhone: +1 555 0100\n",
			i, i, i);
		fclose(fp);
	}
	return paths;
}

static void
free_paths(char **paths, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
}

static void
files_read_ahead_match_files_read_in_place(void **state)
{
	struct fixture *f = *state;
	const size_t n = 83;
	char **paths = write_ahead_files(f->dir, n);
	struct mail_prefetch *ahead = mail_prefetch_start(paths, n, &ahead_opts);
	unsigned signatures = 0, outgoing = 0;

	assert_non_null(ahead);
	for (size_t i = 0; i < n; i++) {
		struct mail_file_facts got, want;

		mail_prefetch_take(ahead, i, &got);
		mail_file_facts_read(paths[i], &ahead_opts, &want);
		assert_int_equal(got.parsed, want.parsed);
		assert_int_equal(got.parsed, i != 7);
		assert_int_equal(got.attribution.kind, want.attribution.kind);
		assert_int_equal(got.attribution.direction, want.attribution.direction);
		assert_string_equal(got.attribution.org, want.attribution.org);
		assert_int_equal(got.to.count, want.to.count);
		assert_int_equal(got.cc.count, want.cc.count);
		if (want.from.address)
			assert_string_equal(got.from.address, want.from.address);
		assert_int_equal(got.has_signature, want.has_signature);
		if (want.has_signature)
			assert_string_equal(got.signature.name, want.signature.name);
		signatures += got.has_signature;
		outgoing += got.attribution.direction == MAIL_DIR_OUT;
		mail_file_facts_clear(&got);
		mail_file_facts_clear(&want);
	}
	mail_prefetch_stop(ahead);
	/* the mix really was read: vendor signatures and the user's own mail */
	assert_true(signatures >= 40);
	assert_int_equal(outgoing, 17);
	free_paths(paths, n);
}

static void
a_read_ahead_stopped_early_frees_what_it_read(void **state)
{
	struct fixture *f = *state;
	const size_t n = 50;
	char **paths = write_ahead_files(f->dir, n);
	struct mail_prefetch *ahead = mail_prefetch_start(paths, n, &ahead_opts);
	struct mail_file_facts got;

	/* take a few, let the worker fill its window, stop: nothing leaks
	 * (the sanitizer run checks) and stop returns */
	for (size_t i = 0; i < 3; i++) {
		mail_prefetch_take(ahead, i, &got);
		assert_true(got.parsed);
		mail_file_facts_clear(&got);
	}
	usleep(100 * 1000);
	mail_prefetch_stop(ahead);
	/* and stopping one that never handed anything out */
	mail_prefetch_stop(mail_prefetch_start(paths, n, &ahead_opts));
	free_paths(paths, n);
}

/* Indexes 700 messages in three batches (no commit until the end) and
 * says whether Xapian wrote postings to its table while they ran. */
static bool
postings_written_before_the_commit(void)
{
	struct fixture *f = NULL;
	struct mail_index_stats st;
	bool written;

	setup((void **)&f);
	for (int i = 0; i < 700; i++) {
		char name[32], id[64], body[128];

		snprintf(name, sizeof name, "%d:2,S", i);
		snprintf(id, sizeof id, "m%d@acmetel.example", i);
		snprintf(body, sizeof body, "Quote %d for item w%dx and part p%dq.", i, i * 7,
			 i * 13);
		test_write_message(f->mail, name, "Dana <dana@acmetel.example>",
				   "rich@northwind.example", "Quote", id, NULL, body);
	}
	snprintf(f->watch, sizeof f->watch, "%s/notmuch/xapian/postlist.glass", f->data);
	f->watch_late = 650;
	assert_int_equal(run(f, &st), VT_OK);
	assert_int_equal(st.added, 700);
	written = f->watched_late > f->watched_first;
	teardown((void **)&f);
	return written;
}

static void
reopen(struct fixture *f)
{
	struct mail_db_location loc = { .data_dir = f->data, .mail_root = f->mail };
	struct vt_error err = { 0 };

	mail_db_close(&f->db);
	if (mail_db_open(&loc, MAIL_DB_READ_WRITE, &f->db, &err) != VT_OK)
		fail_msg("open: %s", err.msg);
}

static bool
exists(struct fixture *f, const char *name)
{
	char path[4200];

	snprintf(path, sizeof path, "%s/notmuch/%s", f->data, name);
	return access(path, F_OK) == 0;
}

/* Compacted, the index holds what it held, the user's tags too, and
 * stays open for writing; no copy is left beside it. */
static void
compaction_keeps_the_index_and_its_tags(void **state)
{
	struct fixture *f = *state;
	struct mail_index_stats st;
	struct vt_error err = { 0 };
	notmuch_message_t *msg = NULL;

	write_three(f);
	assert_int_equal(run(f, &st), VT_OK);
	assert_int_equal(notmuch_database_find_message(f->db->nm, "lunch@gmail.com", &msg),
			 NOTMUCH_STATUS_SUCCESS);
	assert_non_null(msg);
	assert_int_equal(notmuch_message_add_tag(msg, "keep-me"), NOTMUCH_STATUS_SUCCESS);
	notmuch_message_destroy(msg);
	assert_int_equal(mail_db_compact(f->db, &err), VT_OK);
	assert_int_equal(count(f, "*"), 3);
	assert_int_equal(count(f, "tag:keep-me"), 1);
	assert_int_equal(count(f, "property:vtriage.org=acmetel.example"), 1);
	assert_false(exists(f, "xapian.old"));
	assert_false(exists(f, "xapian.compact"));
	test_write_message(f->mail, "4:2,", "Dana <dana@mail.acmetel.example>",
			   "rich@northwind.example", "Invoice AT-2026-11", "inv-11@acmetel.example",
			   NULL, NULL);
	assert_int_equal(run(f, &st), VT_OK);
	assert_int_equal(st.added, 1);
	reopen(f);
	assert_int_equal(count(f, "*"), 4);
	assert_int_equal(count(f, "tag:keep-me"), 1);
}

static void
tag_one(struct mail_db *db, const char *id, const char *tag)
{
	notmuch_message_t *msg = NULL;

	assert_int_equal(notmuch_database_find_message(db->nm, id, &msg), NOTMUCH_STATUS_SUCCESS);
	assert_non_null(msg);
	assert_int_equal(notmuch_message_add_tag(msg, tag), NOTMUCH_STATUS_SUCCESS);
	notmuch_message_destroy(msg);
}

/* What another process sees of the index, opened anew. */
static unsigned long
count_from_outside(struct fixture *f, const char *query)
{
	struct mail_db_location loc = { .data_dir = f->data, .mail_root = f->mail };
	struct vt_error err = { 0 };
	struct mail_db *other = NULL;
	unsigned long n = 0;

	if (mail_db_open(&loc, MAIL_DB_READ_ONLY, &other, &err) != VT_OK ||
	    mail_count(other, query, false, &n, &err) != VT_OK)
		fail_msg("%s: %s", query, err.msg);
	mail_db_close(&other);
	return n;
}

/* The commit on a thread of its own: once waited for, what was written
 * is on disk for everyone, and the index is open and writable again. */
static void
a_commit_in_the_background_holds_once_waited_for(void **state)
{
	struct fixture *f = *state;
	struct mail_index_stats st;
	struct vt_error err = { 0 };

	write_three(f);
	assert_int_equal(run(f, &st), VT_OK);
	tag_one(f->db, "lunch@gmail.com", "seen-by-others");
	/* uncommitted: another process does not see it yet */
	assert_int_equal(count_from_outside(f, "tag:seen-by-others"), 0);
	mail_db_commit_begin(f->db);
	assert_int_equal(mail_db_commit_wait(f->db, &err), VT_OK);
	assert_int_equal(mail_db_others_wrote(f->db), 0);
	assert_int_equal(count_from_outside(f, "*"), 3);
	assert_int_equal(count_from_outside(f, "tag:seen-by-others"), 1);
	tag_one(f->db, "patch@intel.com", "after");
	assert_int_equal(count(f, "tag:after"), 1);
	/* waiting with nothing begun is nothing */
	assert_int_equal(mail_db_commit_wait(f->db, &err), VT_OK);
	mail_db_close(&f->db);
	assert_int_equal(count_from_outside(f, "tag:after"), 1);
}

/* The other writer: another process (Xapian's lock is per process),
 * this same program run as `--hold-writer DATA MAIL [TAG]`: it takes the
 * index as soon as it can, tags a message with TAG if given, says so,
 * holds it a moment and lets go. */
static int
hold_writer(const char *data, const char *mail, const char *tag)
{
	struct mail_db_location loc = { .data_dir = data, .mail_root = mail };
	struct vt_error err = { 0 };
	struct mail_db *db = NULL;

	for (int tries = 0; mail_db_open(&loc, MAIL_DB_READ_WRITE, &db, &err) != VT_OK; tries++) {
		if (tries == 500)
			return 1;
		usleep(10000);
	}
	if (tag != NULL)
		tag_one(db, "lunch@gmail.com", tag);
	printf("held\n");
	fflush(stdout);
	usleep(300000);
	mail_db_close(&db);
	return 0;
}

/* Another writer that takes the index in the moment it stands closed
 * (the interface marking mail read) is waited for, not an error; what it
 * wrote meanwhile is told (mail_db_others_wrote), what it only held not. */
static void
slip_in_during_a_commit(struct fixture *f, const char *tag)
{
	struct mail_index_stats st;
	struct vt_error err = { 0 };
	char *argv[] = { "/proc/self/exe", "--hold-writer", f->data, f->mail, (char *)tag, NULL };
	posix_spawn_file_actions_t actions;
	char said[16] = "";
	int out[2], status = -1;
	pid_t pid;

	write_three(f);
	assert_int_equal(run(f, &st), VT_OK);
	assert_int_equal(pipe(out), 0);
	posix_spawn_file_actions_init(&actions);
	posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
	posix_spawn_file_actions_addclose(&actions, out[0]);
	mail_db_commit_begin(f->db);
	assert_int_equal(posix_spawn(&pid, argv[0], &actions, NULL, argv, environ), 0);
	posix_spawn_file_actions_destroy(&actions);
	close(out[1]);
	/* it has the index: ours stands closed, and cannot open till it goes */
	assert_true(read(out[0], said, sizeof said - 1) > 0);
	assert_string_equal(said, "held\n");
	assert_int_equal(mail_db_commit_wait(f->db, &err), VT_OK);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(status, 0);
	close(out[0]);
	assert_int_equal(mail_db_others_wrote(f->db), tag != NULL ? 1 : 0);
	tag_one(f->db, "lunch@gmail.com", "mine");
	assert_int_equal(count(f, "tag:mine"), 1);
	if (tag != NULL)
		assert_int_equal(count(f, "tag:theirs"), 1);
}

static void
a_writer_slipping_in_during_the_commit_is_waited_for(void **state)
{
	slip_in_during_a_commit(*state, NULL);
}

/* A tag written in the moment the index stood closed: a caller that
 * would say "the index is as my writes left it" is told otherwise. */
static void
a_write_slipping_in_during_the_commit_is_told(void **state)
{
	slip_in_during_a_commit(*state, "theirs");
}

/* The store's hooks run beside the walk, on a thread of their own, in the
 * order the files were indexed, and all have run when the walk returns. */
static void
the_store_hooks_run_beside_the_walk_in_order(void **state)
{
	struct fixture *f = *state;
	struct mail_index_stats st;

	for (int i = 0; i < 600; i++) {
		char name[32], id[64];

		snprintf(name, sizeof name, "%04d:2,S", i);
		snprintf(id, sizeof id, "q%04d@acmetel.example", i);
		test_write_message(f->mail, name, "Dana <dana@acmetel.example>",
				   "rich@northwind.example", "Quote", id, NULL, "Quote for w1x.");
	}
	f->last_q = -1;
	assert_int_equal(run(f, &st), VT_OK);
	assert_int_equal(st.added, 600);
	assert_int_equal(f->messages, 600);
	assert_int_equal(f->off_walker, 600);
	assert_int_equal(f->out_of_order, 0);
	assert_int_equal(f->batches_open, 0);
}

/* A compaction killed between its two renames left the index only as
 * xapian.old (and a finished copy beside): it is put back, never taken
 * for no index and made anew, empty. */
static void
a_compaction_killed_halfway_loses_nothing(void **state)
{
	struct fixture *f = *state;
	struct mail_index_stats st;
	char from[4200], to[4200];

	write_three(f);
	assert_int_equal(run(f, &st), VT_OK);
	mail_db_close(&f->db);
	snprintf(from, sizeof from, "%s/notmuch/xapian", f->data);
	snprintf(to, sizeof to, "%s/notmuch/xapian.old", f->data);
	assert_int_equal(rename(from, to), 0);
	snprintf(to, sizeof to, "%s/notmuch/xapian.compact", f->data);
	assert_int_equal(mkdir(to, 0700), 0);
	reopen(f);
	assert_int_equal(count(f, "*"), 3);
	assert_false(exists(f, "xapian.old"));
	/* and the next compaction clears what the dead one left */
	struct vt_error err = { 0 };
	assert_int_equal(mail_db_compact(f->db, &err), VT_OK);
	assert_false(exists(f, "xapian.compact"));
	assert_int_equal(count(f, "*"), 3);

	/* killed after the swap: the whole old index beside the new goes */
	mail_db_close(&f->db);
	char cmd[8500];

	snprintf(cmd, sizeof cmd, "cp -a '%s/notmuch/xapian' '%s/notmuch/xapian.old'", f->data,
		 f->data);
	assert_int_equal(system(cmd), 0);
	assert_true(exists(f, "xapian.old"));
	reopen(f);
	assert_false(exists(f, "xapian.old"));
	assert_int_equal(count(f, "*"), 3);
}

static void
pending_changes_are_merged_every_few_hundred_writes(void **state)
{
	/* vtriage's setting: postings reach the table mid-batch */
	unsetenv("XAPIAN_FLUSH_THRESHOLD");
	assert_true(postings_written_before_the_commit());
	assert_string_equal(getenv("XAPIAN_FLUSH_THRESHOLD"), "600");
	/* a value the user exported wins: Xapian's default keeps all */
	setenv("XAPIAN_FLUSH_THRESHOLD", "10000", 1);
	assert_false(postings_written_before_the_commit());
	assert_string_equal(getenv("XAPIAN_FLUSH_THRESHOLD"), "10000");
	/* ours for a large index opened before is no user's: this small
	 * one merges every 600 again */
	setenv("XAPIAN_FLUSH_THRESHOLD", "4000", 1);
	assert_true(postings_written_before_the_commit());
	assert_string_equal(getenv("XAPIAN_FLUSH_THRESHOLD"), "600");
	unsetenv("XAPIAN_FLUSH_THRESHOLD");
}

/* A large index merges seldom: its posting table decides (a sparse file
 * stands in for one of 200,000 messages). */
static void
a_large_index_merges_every_few_thousand_writes(void **state)
{
	char dir[] = "/tmp/vt-flushXXXXXX", table[PATH_MAX];
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_string_equal(mail_db_flush_writes(dir), "600"); /* none yet */
	snprintf(table, sizeof table, "%s/postlist.glass", dir);
	assert_non_null(f = fopen(table, "w"));
	assert_int_equal(ftruncate(fileno(f), (512 << 20) - 1), 0);
	fclose(f);
	assert_string_equal(mail_db_flush_writes(dir), "600");
	assert_int_equal(truncate(table, 512 << 20), 0);
	assert_string_equal(mail_db_flush_writes(dir), "4000");
	unlink(table);
	rmdir(dir);
}

extern char **environ;

int
main(int argc, char **argv)
{
	if ((argc == 4 || argc == 5) && strcmp(argv[1], "--hold-writer") == 0)
		return hold_writer(argv[2], argv[3], argc == 5 ? argv[4] : NULL);

	const struct CMUnitTest tests[] = {
		cmocka_unit_test(open_fails_clearly_without_a_mail_root),
		cmocka_unit_test_setup_teardown(own_database_is_described_for_the_notmuch_cli,
						setup, teardown),
		cmocka_unit_test_setup_teardown(new_mail_is_indexed_attributed_and_tagged, setup,
						teardown),
		cmocka_unit_test_setup_teardown(a_second_run_finds_nothing_to_do, setup, teardown),
		cmocka_unit_test_setup_teardown(renames_keep_the_message_and_its_flags_follow,
						setup, teardown),
		cmocka_unit_test_setup_teardown(removed_files_leave_the_index, setup, teardown),
		cmocka_unit_test_setup_teardown(every_run_records_the_index_files_of_each_directory,
						setup, teardown),
		cmocka_unit_test(a_record_takes_each_directorys_last_change),
		cmocka_unit_test_setup_teardown(duplicates_and_non_mail_are_counted_and_named,
						setup, teardown),
		cmocka_unit_test_setup_teardown(walk_follows_notmuch_new_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(an_interrupted_run_resumes_without_loss, setup,
						teardown),
		cmocka_unit_test_setup_teardown(a_failing_hook_stops_the_run, setup, teardown),
		cmocka_unit_test_setup_teardown(every_message_carries_its_month, setup, teardown),
		cmocka_unit_test_setup_teardown(messages_lacking_attribution_are_attributed, setup,
						teardown),
		cmocka_unit_test_setup_teardown(searches_report_threads_and_bad_queries, setup,
						teardown),
		cmocka_unit_test_setup_teardown(files_read_ahead_match_files_read_in_place, setup,
						teardown),
		cmocka_unit_test_setup_teardown(a_read_ahead_stopped_early_frees_what_it_read,
						setup, teardown),
		cmocka_unit_test(pending_changes_are_merged_every_few_hundred_writes),
		cmocka_unit_test(a_large_index_merges_every_few_thousand_writes),
		cmocka_unit_test_setup_teardown(opening_makes_the_data_directory_and_its_parents,
						setup, teardown),
		cmocka_unit_test_setup_teardown(compaction_keeps_the_index_and_its_tags, setup,
						teardown),
		cmocka_unit_test_setup_teardown(a_compaction_killed_halfway_loses_nothing, setup,
						teardown),
		cmocka_unit_test_setup_teardown(the_store_hooks_run_beside_the_walk_in_order, setup,
						teardown),
		cmocka_unit_test_setup_teardown(a_commit_in_the_background_holds_once_waited_for,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			a_writer_slipping_in_during_the_commit_is_waited_for, setup, teardown),
		cmocka_unit_test_setup_teardown(a_write_slipping_in_during_the_commit_is_told,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
