/* The interface's logic without a terminal: cursors, layout, keymaps,
 * folders, the windowed thread list, panes and the pager's lines. */
#include "config.h"

#include "helpers.h"

#include <curses.h>
#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "keymaps/keymap.h"
#include "store-fixture.h"
#include "tui/model.h"
#include "tui/private.h"

static void
cursor_scrolls_to_keep_the_selection_shown(void **state)
{
	struct tui_cursor c = { .count = 100, .height = 10 };

	(void)state;
	tui_cursor_move(&c, 1);
	assert_int_equal(c.sel, 1);
	assert_int_equal(c.top, 0);
	tui_cursor_move(&c, 9);
	assert_int_equal(c.sel, 10);
	assert_int_equal(c.top, 1);
	tui_cursor_move(&c, 1000);
	assert_int_equal(c.sel, 99);
	assert_int_equal(c.top, 90);
	tui_cursor_move(&c, -1000);
	assert_int_equal(c.sel, 0);
	assert_int_equal(c.top, 0);
	/* a shrinking list (after a refresh) pulls the selection in */
	c.sel = 50;
	c.count = 20;
	tui_cursor_fix(&c);
	assert_int_equal(c.sel, 19);
	assert_int_equal(c.top, 10);
	/* an unknown count does not clamp downwards */
	c.count = -1;
	tui_cursor_set(&c, 500);
	assert_int_equal(c.sel, 500);
	/* an empty list */
	c.count = 0;
	tui_cursor_fix(&c);
	assert_int_equal(c.sel, 0);
	assert_int_equal(c.top, 0);
}

static void
layout_collapses_panes_on_narrow_screens(void **state)
{
	struct tui_layout l;

	(void)state;
	struct tui_layout_prefs prefs = TUI_LAYOUT_AUTO;

	tui_layout_compute(160, 50, true, NULL, &l);
	assert_false(l.panes_overlay);
	assert_true(l.panes_w >= 38);
	assert_int_equal(l.threads_x + l.threads_w + 1 + l.panes_w, 160);
	assert_int_equal(l.main_rows, 47);
	assert_true(tui_layout_panes_by_default(160));
	assert_true(tui_layout_panes_by_default(120));
	assert_false(tui_layout_panes_by_default(80));
	/* 80x24: no folders, narrow columns: the subject keeps 40 and more */
	tui_layout_compute(80, 24, false, NULL, &l);
	assert_int_equal(l.panes_w, 0);
	assert_int_equal(l.folders_w, 0);
	assert_int_equal(l.threads_x + l.threads_w, 80);
	assert_int_equal(l.main_rows, 21);
	assert_true(l.threads_w - (l.date_w + 1 + 4 + 1 + l.vendor_w + 1 + l.authors_w + 1) >= 40);
	/* the panes, asked for, take the main area */
	tui_layout_compute(80, 24, true, NULL, &l);
	assert_true(l.panes_overlay);
	assert_true(l.panes_x == 0 && l.panes_w == 80);
	/* from 120 columns they sit beside the list, the subject still >= 40 */
	for (int cols = 120; cols <= 240; cols += 10) {
		tui_layout_compute(cols, 40, true, NULL, &l);
		assert_false(l.panes_overlay);
		assert_true(l.panes_w >= 38);
		if (l.threads_w - (l.date_w + 1 + 4 + 1 + l.vendor_w + 1 + l.authors_w + 1) < 40)
			fail_msg("at %d columns the subject gets %d", cols,
				 l.threads_w -
					 (l.date_w + 1 + 4 + 1 + l.vendor_w + 1 + l.authors_w + 1));
	}
	/* wide screens: the list keeps its wide columns, the panes take
	 * the rest, up to a third of the screen */
	tui_layout_compute(120, 40, true, NULL, &l);
	assert_int_equal(l.panes_w, 40);
	tui_layout_compute(200, 50, true, NULL, &l);
	assert_true(l.panes_w > 55);
	assert_true(l.threads_w >= 110);
	assert_int_equal(l.threads_x + l.threads_w + 1 + l.panes_w, 200);
	tui_layout_compute(400, 50, true, NULL, &l);
	assert_int_equal(l.panes_w, 400 / 3);
	/* the user's choices: folders shown at 80, no vendor column */
	prefs.folders = 1;
	prefs.vendor_w = 0;
	tui_layout_compute(80, 24, false, &prefs, &l);
	assert_int_equal(l.folders_w, 20);
	assert_int_equal(l.vendor_w, 0);
	tui_layout_compute(40, 10, false, NULL, &l);
	assert_int_equal(l.folders_w, 0);
	assert_int_equal(l.threads_w, 40);
}

/* Long lines wrap to the width, at spaces, words longer than a line cut;
 * nothing is lost. */
static void
pager_lines_wrap(void **state)
{
	struct tui_pager p = { .width = 30 };
	const char *text =
		"Quote Q-2026-1187: 3,000 x Monitor 24in @ $149.00 = $447,000.00, valid "
		"until 2026-12-15. https://example.com/a/very/long/url/that/has/no/spaces";
	char joined[512] = "";

	(void)state;
	assert_true(tui_pager_add_text(&p, TUI_LINE_BODY, 0, text));
	assert_true(p.count >= 4);
	for (size_t i = 0; i < p.count; i++) {
		if (strlen(p.lines[i].text) > 30)
			fail_msg("line %zu is %zu wide: '%s'", i, strlen(p.lines[i].text),
				 p.lines[i].text);
		/* a line broken at a space keeps it at its end */
		strcat(joined, p.lines[i].text);
	}
	assert_non_null(strstr(joined, "valid until 2026-12-15."));
	assert_non_null(strstr(joined, "https://example.com/a/very/long/url/that/has/no/spaces"));
	/* an indented reply wraps to what is left of the width */
	tui_pager_clear(&p);
	p.width = 40;
	assert_true(tui_pager_add_text(&p, TUI_LINE_QUOTED, 3, text));
	for (size_t i = 0; i < p.count; i++)
		assert_true(strlen(p.lines[i].text) <= (size_t)(40 - tui_pager_indent(3, 40)));
	tui_pager_clear(&p);
}

static void
keys_parse_format_and_feed(void **state)
{
	struct keymap km;
	struct vt_error err = { 0 };
	int keys[KM_SEQ_MAX], pending[KM_SEQ_MAX], n = 0;
	char text[64];

	(void)state;
	assert_true(km_parse_keys(",t", keys));
	assert_int_equal(keys[0], ',');
	assert_int_equal(keys[1], 't');
	assert_true(km_parse_keys("<C-d>", keys));
	assert_int_equal(keys[0], 4);
	assert_true(km_parse_keys("<PageDown>", keys));
	assert_int_equal(keys[0], KEY_NPAGE);
	assert_true(km_parse_keys("<F1>", keys));
	assert_int_equal(keys[0], KEY_F(1));
	assert_true(km_parse_keys("<lt>", keys));
	assert_int_equal(keys[0], '<');
	assert_false(km_parse_keys("<Bogus>", keys));
	assert_false(km_parse_keys("abcd", keys)); /* longer than a sequence may be */
	assert_false(km_parse_keys("", keys));
	km_parse_keys(",<C-x>", keys);
	km_format_keys(keys, text, sizeof text);
	assert_string_equal(text, ",<C-x>");

	assert_int_equal(km_load(NULL, &km, &err), VT_OK);
	assert_int_equal(km_feed(&km, KM_MAIN, 'j', pending, &n), KM_DOWN);
	assert_int_equal(km_feed(&km, KM_MAIN, ',', pending, &n), KM_NONE);
	assert_int_equal(n, 1); /* a prefix waits */
	assert_int_equal(km_feed(&km, KM_MAIN, 't', pending, &n), KM_PROMOTE);
	assert_int_equal(n, 0);
	assert_int_equal(km_feed(&km, KM_MAIN, ',', pending, &n), KM_NONE);
	assert_int_equal(km_feed(&km, KM_MAIN, 'Z', pending, &n), KM_NONE);
	assert_int_equal(n, 0); /* an unbound sequence is dropped */
	assert_int_equal(km_feed(&km, KM_MAIN, 'q', pending, &n), KM_BACK);
	assert_int_equal(km_feed(&km, KM_PAGER, 'q', pending, &n), KM_BACK);
	assert_int_equal(km_feed(&km, KM_HELP, 27, pending, &n), KM_BACK);
	km_describe(&km, KM_MAIN, KM_DOWN, text, sizeof text);
	assert_string_equal(text, "j <Down>");
	km_free(&km);
}

static struct vt_config *
config_with(const char *keys_section)
{
	struct vt_config *cfg = NULL;
	struct vt_error err = { 0 };
	char *text = NULL;

	assert_true(asprintf(&text, "[store]\nmaildir = /tmp\n\n[keys]\n%s", keys_section) > 0);
	if (vt_config_parse(text, "/etc/test.conf", &cfg, &err) != VT_OK)
		fail_msg("%s", err.msg);
	free(text);
	return cfg;
}

static void
user_bindings_override_and_are_validated(void **state)
{
	struct vt_config *cfg;
	struct keymap km;
	struct vt_error err = { 0 };
	int pending[KM_SEQ_MAX], n = 0;

	(void)state;
	cfg = config_with("promote = T <F5>\npager.back = x\ndown = <Down>\nj = none\n");
	/* "j = none" names no action: refused with file, line and key */
	assert_int_equal(km_load(cfg, &km, &err), VT_ERR_CONFIG);
	assert_non_null(strstr(err.msg, "test.conf:8"));
	assert_non_null(strstr(err.msg, "unknown action 'j'"));
	vt_config_free(&cfg);

	cfg = config_with("promote = T <F5>\npager.back = x\nnone = j\n");
	assert_int_equal(km_load(cfg, &km, &err), VT_OK);
	assert_int_equal(km_feed(&km, KM_MAIN, 'T', pending, &n), KM_PROMOTE);
	assert_int_equal(km_feed(&km, KM_MAIN, KEY_F(5), pending, &n), KM_PROMOTE);
	assert_int_equal(km_feed(&km, KM_MAIN, ',', pending, &n), KM_NONE);
	assert_int_equal(km_feed(&km, KM_MAIN, 't', pending, &n), KM_PROMOTE); /* kept */
	assert_int_equal(km_feed(&km, KM_PAGER, 'x', pending, &n), KM_BACK);
	assert_int_equal(km_feed(&km, KM_MAIN, 'j', pending, &n), KM_NONE); /* unbound */
	assert_int_equal(n, 0);
	km_free(&km);
	vt_config_free(&cfg);

	cfg = config_with("promote = <Nope>\n");
	assert_int_equal(km_load(cfg, &km, &err), VT_ERR_CONFIG);
	assert_non_null(strstr(err.msg, "test.conf:5: [keys] promote: bad key '<Nope>'"));
	vt_config_free(&cfg);
	cfg = config_with("inbox.down = j\n");
	assert_int_equal(km_load(cfg, &km, &err), VT_ERR_CONFIG);
	assert_non_null(strstr(err.msg, "unknown screen 'inbox'"));
	vt_config_free(&cfg);
	/* a key that is also the start of a sequence could never fire */
	cfg = config_with("undo = ,\n");
	assert_int_equal(km_load(cfg, &km, &err), VT_ERR_CONFIG);
	assert_non_null(strstr(err.msg, "can never be typed"));
	vt_config_free(&cfg);
}

static void
mkdirs(const char *root, const char *rel)
{
	char path[4096];

	for (const char *sub = ""; sub != NULL; sub = *sub == '\0' ? "/cur" : NULL) {
		snprintf(path, sizeof path, "%s/%s%s", root, rel, sub);
		for (char *p = path + strlen(root) + 1; (p = strchr(p, '/')) != NULL; p++) {
			*p = '\0';
			mkdir(path, 0700);
			*p = '/';
		}
		mkdir(path, 0700);
	}
}

static void
maildir_folders_are_listed_inbox_first(void **state)
{
	char *root = test_mkdtemp();
	struct tui_folders folders = { 0 };

	(void)state;
	/* Maildir++ at the top (INBOX is the root, .Sent beside it) and an
	 * account's tree below; notmuch's own directory is no folder */
	mkdirs(root, ".Sent");
	mkdirs(root, "work/Archive");
	mkdirs(root, "work/INBOX");
	mkdirs(root, ".notmuch/xapian"); /* has a cur/ here, and still is no folder */
	{
		char notes[4096];

		snprintf(notes, sizeof notes, "%s/notes", root);
		mkdir(notes, 0700); /* no cur/: not a folder */
	}
	mkdirs(root, "");
	assert_true(tui_folders_add_maildirs(&folders, root));
	assert_int_equal(folders.count, 4);
	assert_string_equal(folders.items[0].label, "INBOX");
	assert_string_equal(folders.items[0].query, "folder:\"\"");
	assert_string_equal(folders.items[1].label, "Sent");
	assert_string_equal(folders.items[1].query, "folder:\".Sent\"");
	assert_string_equal(folders.items[2].label, "work/Archive");
	assert_string_equal(folders.items[3].label, "work/INBOX");
	assert_int_equal(folders.items[3].kind, TUI_FOLDER_MAILDIR);
	assert_int_equal(folders.items[3].unread, -1);
	tui_folders_clear(&folders);
	test_rmdir(root);
	free(root);
}

static void
folders_follow_the_buckets(void **state)
{
	struct fixture *f = *state;
	struct tui_folders folders;
	struct vt_error err = { 0 };
	struct vt_action a;

	index_ok(f);
	assert_int_equal(tui_folders_build(f->store, f->cfg, NULL, &folders, &err), VT_OK);
	assert_string_equal(folders.items[0].label, "Inbox");
	assert_int_equal(folders.items[1].kind, TUI_FOLDER_GENERIC);
	assert_string_equal(folders.items[1].label, "Generic (3 vendors)");
	assert_int_equal(tui_folders_find(&folders, "acmetel", NULL), -1);
	assert_true(tui_folders_find(&folders, NULL, "waiting:vendor") > 0);
	assert_true(tui_folders_find(&folders, NULL, "suspicious:yes") > 0);
	tui_folders_clear(&folders);

	assert_int_equal(vt_vendor_set_bucket(f->store, "acmetel", VT_BUCKET_TRUSTED, false, &a,
					      &err),
			 VT_OK);
	assert_int_equal(tui_folders_build(f->store, f->cfg, NULL, &folders, &err), VT_OK);
	assert_int_equal(tui_folders_find(&folders, "acmetel", NULL), 1);
	assert_string_equal(folders.items[1].query, "vendor:acmetel");
	/* unread counted a slice at a time: none in no time, all in time */
	{
		bool done = true;

		assert_int_equal(tui_folders_count_unread(&folders, f->store, f->db, 0, &done,
							  &err),
				 VT_OK);
		assert_false(done);
		assert_int_equal(folders.items[0].unread, -1);
		assert_int_equal(tui_folders_count_unread(&folders, f->store, f->db, 10000, &done,
							  &err),
				 VT_OK);
		assert_true(done);
		assert_true(folders.items[0].unread > 0);
		assert_true(folders.items[1].unread >= 0);
	}
	assert_string_equal(folders.items[2].label, "Generic (2 vendors)");
	tui_folders_clear(&folders);

	/* saved searches from the config, checked */
	close_all(f);
	load_config(
		f,
		"[searches]\nQuotes = subject:quote\nBig bills = vendor:acmetel and tag:unread\n");
	open_all(f);
	assert_int_equal(tui_folders_build(f->store, f->cfg, NULL, &folders, &err), VT_OK);
	assert_string_equal(folders.items[folders.count - 2].label, "Quotes");
	assert_string_equal(folders.items[folders.count - 1].query,
			    "vendor:acmetel and tag:unread");
	tui_folders_clear(&folders);
	close_all(f);
	load_config(f, "[searches]\nBroken = vendor:nobody\n");
	open_all(f);
	assert_int_equal(tui_folders_build(f->store, f->cfg, NULL, &folders, &err), VT_ERR_CONFIG);
	assert_non_null(strstr(err.msg, "[searches] Broken"));
	assert_non_null(strstr(err.msg, "nobody"));
	/* a query only notmuch refuses, and none: refused at start-up too
	 * (one blanked the unread counts of every folder after it) */
	close_all(f);
	load_config(f, "[searches]\nBad date = date:foo..bar\nMy quotes = subject:quote\n");
	open_all(f);
	assert_int_equal(tui_folders_build(f->store, f->cfg, NULL, &folders, &err), VT_OK);
	assert_int_equal(tui_folders_check_searches(f->store, f->cfg, f->db, &err), VT_ERR_CONFIG);
	assert_non_null(strstr(err.msg, "[searches] Bad date: "));
	/* and if one fails to count all the same, the others are counted */
	{
		bool done = false;
		long bad = tui_folders_find(&folders, NULL, "date:foo..bar");

		assert_true(bad > 0);
		memset(&err, 0, sizeof err);
		assert_int_not_equal(tui_folders_count_unread(&folders, f->store, f->db, 10000,
							      &done, &err),
				     VT_OK);
		assert_non_null(strstr(err.msg, "Bad date: "));
		assert_false(done);
		assert_int_equal(tui_folders_count_unread(&folders, f->store, f->db, 10000, &done,
							  &err),
				 VT_OK);
		assert_true(done);
		assert_int_equal(folders.items[bad].unread, -1);
		assert_true(folders.items[folders.count - 1].unread >= 0);
	}
	tui_folders_clear(&folders);
	close_all(f);
	load_config(f, "[searches]\nEmpty =\n");
	open_all(f);
	assert_int_equal(tui_folders_build(f->store, f->cfg, NULL, &folders, &err), VT_ERR_CONFIG);
	assert_non_null(strstr(err.msg, "[searches] Empty: no query"));
}

struct collected {
	char **ids;
	size_t count;
};

static vt_status
collect_ids(void *ctx, const struct mail_thread *th, struct vt_error *err)
{
	struct collected *c = ctx;
	char **grown = realloc(c->ids, (c->count + 1) * sizeof *grown);

	(void)err;
	assert_non_null(grown);
	c->ids = grown;
	c->ids[c->count] = strdup(th->thread_id);
	assert_non_null(c->ids[c->count]);
	c->count++;
	return VT_OK;
}

/* Mail from any date, from none, from the future: one thread each,
 * subject "Dates". */
static void
write_dated(struct fixture *f)
{
	static const char *const dates[] = {
		NULL,
		"Date: Mon, 01 Jan 1973 10:00:00 +0000\n",
		"Date: Sat, 01 Jan 2000 10:00:00 +0000\n",
		"Date: Wed, 01 Jan 2099 10:00:00 +0000\n",
		"Date: not a date at all\n",
	};
	char name[32], id[64];

	for (size_t i = 0; i < sizeof dates / sizeof *dates; i++) {
		snprintf(name, sizeof name, "dated%zu:2,S", i);
		snprintf(id, sizeof id, "dated%zu@initech.example", i);
		test_write_message(f->mail, name, "Bob <bob@initech.example>",
				   "rich@northwind.example", "Dates", id, dates[i], NULL);
	}
}

/* Enough threads from Globex for several windows; one in three answered
 * later, so that places count threads, not messages. */
static void
write_offers(struct fixture *f)
{
	char name[32], id[64], date[160];

	for (int i = 0; i < 450; i++) {
		snprintf(name, sizeof name, "bulk%d:2,S", i);
		snprintf(id, sizeof id, "bulk%d@globex.example", i);
		snprintf(date, sizeof date, "Date: Thu, 01 Jan 2026 %02d:%02d:00 +0000\n", i / 60,
			 i % 60);
		test_write_message(f->mail, name, "Sales <sales@globex.example>",
				   "rich@northwind.example", "Offer", id, date, NULL);
		if (i % 3 != 0)
			continue;
		snprintf(name, sizeof name, "re%d:2,S", i);
		snprintf(date, sizeof date,
			 "Date: Fri, 02 Jan 2026 %02d:%02d:00 +0000\nIn-Reply-To: <%s>\n",
			 (449 - i) / 60, (449 - i) % 60, id);
		snprintf(id, sizeof id, "re%d@globex.example", i);
		test_write_message(f->mail, name, "Sales <sales@globex.example>",
				   "rich@northwind.example", "Re: Offer", id, date, NULL);
	}
}

static void
collected_clear(struct collected *c)
{
	for (size_t i = 0; i < c->count; i++)
		free(c->ids[i]);
	free(c->ids);
	memset(c, 0, sizeof *c);
}

static void
thread_list_loads_windows_lazily(void **state)
{
	struct fixture *f = *state;
	struct tui_threads t = { .total = -1 };
	const struct mail_thread *th;
	struct vt_error err = { 0 };
	struct collected all = { 0 };

	write_offers(f);
	index_ok(f);
	assert_int_equal(mail_search_threads(f->db, "property:\"vtriage.org=globex.example\"", 0,
					     -1, collect_ids, &all, &err),
			 VT_OK);
	assert_int_equal(all.count, 451);
	assert_int_equal(tui_threads_open(&t, f->store, "vendor:globex", &err), VT_OK);
	assert_int_equal(t.cached, 0); /* nothing before it is asked for */
	assert_int_equal(t.total, -1);
	assert_int_equal(t.marks.waiting_vendor.count, 0);
	assert_int_equal(tui_threads_load_marks(&t, f->store, &err), VT_OK);
	assert_int_equal(t.marks.waiting_vendor.count, 1); /* the invoice the user answered */
	assert_int_equal(t.marks.waiting_me.count, 0);
	th = tui_threads_get(&t, f->db, 0, &err);
	assert_non_null(th);
	assert_string_equal(th->subject, "Quote Q-2026-1187"); /* newest first */
	assert_int_equal(t.cached, TUI_THREAD_WINDOW);
	assert_int_equal(t.total, -1); /* still uncounted: a full window came back */
	th = tui_threads_get(&t, f->db, 400, &err);
	assert_non_null(th);
	assert_true(t.offset > 0 && t.offset <= 400);
	/* every window holds the threads notmuch lists at those places */
	for (long i = 0; i < 451; i += 37) {
		th = tui_threads_get(&t, f->db, i, &err);
		assert_non_null(th);
		assert_string_equal(th->thread_id, all.ids[i]);
	}
	assert_null(tui_threads_get(&t, f->db, 451, &err));
	assert_int_equal(t.total, 451); /* the short window told the end */
	tui_threads_close(&t);

	/* counted a slice at a time: unknown until the last message is read */
	assert_int_equal(tui_threads_open(&t, f->store, "vendor:globex", &err), VT_OK);
	assert_int_equal(tui_threads_count(&t, f->db, 100, &err), VT_OK);
	assert_int_equal(t.total, -1);
	for (int k = 0; k < 10 && t.total < 0; k++)
		assert_int_equal(tui_threads_count(&t, f->db, 100, &err), VT_OK);
	assert_int_equal(t.total, 451);
	th = tui_threads_get(&t, f->db, 450, &err); /* the last: by its place */
	assert_non_null(th);
	assert_string_equal(th->thread_id, all.ids[450]);
	/* the database closed under it: let go first, counted again after */
	tui_threads_release_db(&t);
	th = tui_threads_get(&t, f->db, 300, &err);
	assert_non_null(th);
	assert_string_equal(th->thread_id, all.ids[300]);
	tui_threads_close(&t);
	collected_clear(&all);

	assert_int_equal(tui_threads_open(&t, f->store, "vendor:nobody", &err), VT_ERR_USAGE);
	tui_threads_close(&t);
}

/* G before the count: the last threads, read from the oldest mail up,
 * are the list's last whatever the dates (none, 1973, 2099) and however
 * many are asked for; once counted they are where the list has them. */
static void
the_end_is_found_from_the_oldest_mail(void **state)
{
	struct fixture *f = *state;
	static const char *const queries[] = { "*",
					       "property:\"vtriage.org=globex.example\"",
					       "subject:Offer",
					       "subject:Dates",
					       "from:bob",
					       "subject:nothing-has-this" };
	struct tui_threads t = { .total = -1 };
	struct vt_error err = { 0 };
	char name[32], id[64];

	write_offers(f);
	/* conversations begun before all the rest and answered after it:
	 * seen first from the oldest mail up, yet at the top of the list */
	for (int i = 0; i < 40; i++) {
		char when[160];

		snprintf(name, sizeof name, "long%d:2,S", i);
		snprintf(id, sizeof id, "long%d@initech.example", i);
		snprintf(when, sizeof when, "Date: Fri, 01 Jan 1999 10:%02d:00 +0000\n", i);
		test_write_message(f->mail, name, "Bob <bob@initech.example>",
				   "rich@northwind.example", "Long", id, when, NULL);
		snprintf(name, sizeof name, "longre%d:2,S", i);
		snprintf(when, sizeof when,
			 "Date: Fri, 01 Jan 2027 10:%02d:00 +0000\nIn-Reply-To: <%s>\n", i, id);
		snprintf(id, sizeof id, "longre%d@initech.example", i);
		test_write_message(f->mail, name, "Bob <bob@initech.example>",
				   "rich@northwind.example", "Re: Long", id, when, NULL);
	}
	write_dated(f);
	index_ok(f);
	for (size_t q = 0; q < sizeof queries / sizeof *queries; q++) {
		struct collected all = { 0 };
		static const long wants[] = { 1, 2, 5, 37, 150, 451, 1000 };

		assert_int_equal(mail_search_threads(f->db, queries[q], 0, -1, collect_ids, &all,
						     &err),
				 VT_OK);
		if (q == 0)
			assert_true(all.count >= 451 + 40 + 5);
		for (size_t w = 0; w < sizeof wants / sizeof *wants; w++) {
			struct collected tail = { 0 };
			long total = -2, want = wants[w];
			size_t expect = (size_t)want < all.count ? (size_t)want : all.count;

			assert_int_equal(mail_thread_tail(f->db, queries[q], want, collect_ids,
							  &tail, &total, &err),
					 VT_OK);
			if (tail.count != expect)
				fail_msg("%s, %ld wanted: %zu threads, not %zu", queries[q], want,
					 tail.count, expect);
			for (size_t i = 0; i < tail.count; i++)
				if (strcmp(tail.ids[i], all.ids[all.count - expect + i]) != 0)
					fail_msg("%s, %ld wanted: thread %zu is not the list's",
						 queries[q], want, i);
			/* told only when it meant reading them all */
			assert_true(total == -1 || total == (long)all.count);
			if ((size_t)want >= all.count)
				assert_int_equal(total, (long)all.count);
			collected_clear(&tail);
		}
		collected_clear(&all);
	}

	/* in the interface: the tail alone, then where it is once counted */
	struct collected all = { 0 };
	const struct mail_thread *th;

	assert_int_equal(mail_search_threads(f->db, "property:\"vtriage.org=globex.example\"", 0,
					     -1, collect_ids, &all, &err),
			 VT_OK);
	assert_int_equal(all.count, 451);
	assert_int_equal(tui_threads_open(&t, f->store, "vendor:globex", &err), VT_OK);
	assert_int_equal(tui_threads_tail(&t, f->db, 30, &err), VT_OK);
	assert_int_equal(t.total, -1);
	assert_int_equal(t.n_tail, 30);
	th = tui_threads_get(&t, f->db, 29, &err);
	assert_non_null(th);
	assert_string_equal(th->thread_id, all.ids[450]);
	assert_string_equal(tui_threads_get(&t, f->db, 0, &err)->thread_id, all.ids[421]);
	assert_null(tui_threads_get(&t, f->db, 30, &err));
	char where[32];

	tui_threads_where(&t, 29, where, sizeof where);
	assert_string_equal(where, "last/?");
	tui_threads_where(&t, 26, where, sizeof where);
	assert_string_equal(where, "last-3/?");
	/* mail moved meanwhile: the tail is read again when next shown */
	tui_threads_invalidate(&t);
	assert_string_equal(tui_threads_get(&t, f->db, 29, &err)->thread_id, all.ids[450]);
	assert_int_equal(tui_threads_count(&t, f->db, LONG_MAX, &err), VT_OK);
	assert_int_equal(t.total, 451);
	assert_int_equal(tui_threads_tail_end(&t), 421);
	assert_int_equal(t.tail_want, 0);
	assert_string_equal(tui_threads_get(&t, f->db, 426, &err)->thread_id, all.ids[426]);
	tui_threads_where(&t, 426, where, sizeof where);
	assert_string_equal(where, "427/451");
	/* a tail that takes all of a small list counts it */
	tui_threads_close(&t);
	assert_int_equal(tui_threads_open(&t, f->store, "subject:Dates", &err), VT_OK);
	assert_int_equal(tui_threads_tail(&t, f->db, 30, &err), VT_OK);
	assert_int_equal(t.total, 5);
	tui_threads_close(&t);
	assert_int_equal(t.tail_want, 0);
	collected_clear(&all);
}

/* Lists read newest first a span of dates at a time: mail from any
 * date, from none, from the future, comes once and in notmuch's order. */
static void
every_date_has_its_place(void **state)
{
	struct fixture *f = *state;
	struct collected all = { 0 }, from1 = { 0 }, first2 = { 0 };
	struct vt_error err = { 0 };

	write_dated(f);
	index_ok(f);
	assert_int_equal(mail_search_threads(f->db, "*", 0, -1, collect_ids, &all, &err), VT_OK);
	assert_true(all.count > 5);
	assert_int_equal(mail_search_threads(f->db, "*", 1, -1, collect_ids, &from1, &err), VT_OK);
	assert_int_equal(mail_search_threads(f->db, "*", 0, 2, collect_ids, &first2, &err), VT_OK);
	assert_int_equal(from1.count, all.count - 1);
	for (size_t i = 0; i < from1.count; i++)
		assert_string_equal(from1.ids[i], all.ids[i + 1]);
	assert_int_equal(first2.count, 2);
	assert_string_equal(first2.ids[0], all.ids[0]);
	assert_string_equal(first2.ids[1], all.ids[1]);
	struct collected *lists[] = { &all, &from1, &first2 };

	for (size_t k = 0; k < 3; k++) {
		for (size_t i = 0; i < lists[k]->count; i++)
			free(lists[k]->ids[i]);
		free(lists[k]->ids);
	}
}

/* An RFC 5322 Date header days ago, in any locale. */
static void
date_days_ago(int days, char *out, size_t len)
{
	static const char *const wd[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char *const mon[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	time_t t = time(NULL) - (time_t)days * 86400;
	struct tm tm;

	gmtime_r(&t, &tm);
	snprintf(out, len, "Date: %s, %02d %s %d 10:00:00 +0000\n", wd[tm.tm_wday], tm.tm_mday,
		 mon[tm.tm_mon], tm.tm_year + 1900);
}

/* The history pane's year of spending, and the documents pane's sums,
 * count a bill and its reminder once. */
static void
history_spend_counts_a_reminder_once(void **state)
{
	struct fixture *f = *state;
	struct tui_panes p = { 0 };
	struct vt_error err = { 0 };
	char date[80];

	date_days_ago(40, date, sizeof date);
	test_write_message(f->mail, "hl1:2,S", "Billing <billing@hooli.example>",
			   "rich@northwind.example", "Invoice HL-1", "hl1@hooli.example", date,
			   "Dear Rich,\n\nInvoice number: HL-1\nAmount due: $1,000.00\n");
	date_days_ago(5, date, sizeof date);
	test_write_message(f->mail, "hl1r:2,S", "Billing <billing@hooli.example>",
			   "rich@northwind.example", "Reminder: invoice HL-1", "hl1r@hooli.example",
			   date, "Dear Rich,\n\nInvoice number: HL-1\nAmount due: $1,000.00\n");
	index_ok(f);
	assert_int_equal(tui_panes_load(&p, f->store, "hooli", false, &err), VT_OK);
	if (strstr(p.rows[TUI_PANE_HISTORY].note, "$1,000.00") == NULL)
		fail_msg("spend: %s", p.rows[TUI_PANE_HISTORY].note);
	/* both copies listed, the year's sum counting the bill once */
	assert_int_equal(p.rows[TUI_PANE_DOCUMENTS].count - p.rows[TUI_PANE_DOCUMENTS].summaries,
			 2);
	for (size_t i = 0; i < p.rows[TUI_PANE_DOCUMENTS].count; i++) {
		const char *line = p.rows[TUI_PANE_DOCUMENTS].items[i].text;

		if (strstr(line, " bills: ") != NULL && strstr(line, "$1,000.00 (1)") == NULL)
			fail_msg("year's sum: %s", line);
	}
	tui_panes_clear(&p);
}

static void
panes_show_the_vendor(void **state)
{
	struct fixture *f = *state;
	struct tui_panes p = { 0 };
	struct vt_error err = { 0 };
	struct vt_action a;
	int64_t id;

	index_ok(f);
	assert_int_equal(vt_issue_open(f->store, f->db, "acmetel", "Bill", NULL, 0, &id, &a, &err),
			 VT_OK);
	assert_int_equal(tui_panes_load(&p, f->store, "acmetel", false, &err), VT_OK);
	assert_string_equal(p.vendor.slug, "acmetel");
	assert_int_equal(p.rows[TUI_PANE_HISTORY].count, 3);
	/* a correspondent is named once for a run of their mail */
	for (size_t i = 1; i < p.rows[TUI_PANE_HISTORY].count; i++) {
		const char *above = strstr(p.rows[TUI_PANE_HISTORY].items[i - 1].text, " from ");
		const char *here = p.rows[TUI_PANE_HISTORY].items[i].text;

		if (above != NULL && strstr(here, " < ") != NULL &&
		    strncmp(strstr(here, " < ") + 3, above + 1, strcspn(above + 1, ":")) == 0)
			fail_msg("named twice in a row: %s", here);
	}
	assert_int_equal(p.rows[TUI_PANE_CONTACTS].count, 2);
	assert_non_null(p.rows[TUI_PANE_CONTACTS].items[0].ref);
	assert_int_equal(p.rows[TUI_PANE_ISSUES].count, 1);
	/* loading the same vendor again is free; force reloads */
	assert_int_equal(vt_issue_close(f->store, id, NULL, &a, &err), VT_OK);
	assert_int_equal(tui_panes_load(&p, f->store, "acmetel", false, &err), VT_OK);
	assert_int_equal(p.rows[TUI_PANE_ISSUES].count, 1);
	assert_int_equal(tui_panes_load(&p, f->store, p.slug, true, &err),
			 VT_OK); /* its own name */
	assert_int_equal(p.rows[TUI_PANE_ISSUES].count, 0);
	assert_string_equal(p.slug, "acmetel");
	assert_int_equal(tui_panes_load(&p, f->store, NULL, false, &err), VT_OK);
	assert_null(p.slug);
	tui_panes_clear(&p);
}

static void
pager_marks_quotes_signatures_and_hostile_text(void **state)
{
	struct fixture *f = *state;
	struct tui_pager p = { 0 };
	struct vt_error err = { 0 };
	unsigned long n;
	bool quoted = false, signature = false, subject = false, greeting = false;

	test_write_message(f->mail, "p:2,", "Dana <dana@mail.acmetel.example>",
			   "rich@northwind.example", "Bill \x1b]0;pwned\x07 fixed",
			   "pager@acmetel.example", NULL,
			   "Hello Mitch,\n\n> you wrote this\nanswer\tafter a tab\n\n-- \nDana\n"
			   "\x1b[2Jcleared?");
	close_all(f);
	load_config(f, "name = Rich Miller\n");
	open_all(f);
	index_ok(f);
	assert_int_equal(mail_count(f->db, "id:pager@acmetel.example", false, &n, &err), VT_OK);
	assert_int_equal(n, 1);
	/* the thread id of that message */
	struct tui_threads t = { .total = -1 };

	assert_int_equal(tui_threads_open(&t, f->store, "id:pager@acmetel.example", &err), VT_OK);
	const struct mail_thread *th = tui_threads_get(&t, f->db, 0, &err);

	assert_non_null(th);
	if (tui_pager_build(&p, f->db, f->store, th->thread_id, f->cfg, 0, &err) != VT_OK)
		fail_msg("%s", err.msg);
	tui_threads_close(&t);
	for (size_t i = 0; i < p.count; i++) {
		const struct tui_line *l = &p.lines[i];

		assert_null(strchr(l->text, 0x1b)); /* nothing raw, anywhere */
		assert_null(strchr(l->text, '\x07'));
		assert_null(strchr(l->text, '\t'));
		if (l->kind == TUI_LINE_QUOTED && strstr(l->text, "you wrote"))
			quoted = true;
		if (l->kind == TUI_LINE_SIGNATURE && strstr(l->text, "Dana"))
			signature = true;
		if (l->kind == TUI_LINE_SUBJECT && strstr(l->text, "pwned"))
			subject = true;
		if (l->kind == TUI_LINE_NOTE && strstr(l->text, "greets you as Mitch"))
			greeting = true;
	}
	assert_true(quoted);
	assert_true(signature);
	assert_true(subject);
	assert_true(greeting);
	assert_true(tui_pager_find(&p, "SUBJECT: bill", 0, 1) >= 0);
	assert_int_equal(tui_pager_find(&p, "no such text", 0, 1), -1);
	tui_pager_clear(&p);
}

/* The line of kind that contains text, or -1. */
static long
line_of(const struct tui_pager *p, enum tui_line_kind kind, const char *text)
{
	for (size_t i = 0; i < p->count; i++)
		if (p->lines[i].kind == kind && strstr(p->lines[i].text, text) != NULL)
			return (long)i;
	return -1;
}

/* "Hi Mitch" to Mitch Jones with the user in Cc greets Mitch: no note. */
static void
pager_leaves_a_greeting_of_another_recipient_alone(void **state)
{
	struct fixture *f = *state;
	struct tui_pager p = { 0 };
	struct vt_error err = { 0 };
	struct tui_threads t = { .total = -1 };
	const struct mail_thread *th;

	test_write_message(f->mail, "cc:2,", "Dana <dana@mail.acmetel.example>",
			   "Mitch Jones <mitch@northwind.example>", "Racks", "cc@acmetel.example",
			   "Cc: Rich Miller <rich@northwind.example>\n",
			   "Hi Mitch,\n\nthe racks ship.\n");
	close_all(f);
	load_config(f, "name = Rich Miller\n");
	open_all(f);
	index_ok(f);
	assert_int_equal(tui_threads_open(&t, f->store, "id:cc@acmetel.example", &err), VT_OK);
	th = tui_threads_get(&t, f->db, 0, &err);
	assert_non_null(th);
	if (tui_pager_build(&p, f->db, f->store, th->thread_id, f->cfg, 0, &err) != VT_OK)
		fail_msg("%s", err.msg);
	tui_threads_close(&t);
	assert_true(line_of(&p, TUI_LINE_BODY, "Hi Mitch") >= 0);
	assert_int_equal(line_of(&p, TUI_LINE_NOTE, "greets you"), -1);
	tui_pager_clear(&p);
}

static void
pager_shows_every_part_and_attached_messages(void **state)
{
	struct fixture *f = *state;
	struct tui_pager p = { 0 };
	struct vt_error err = { 0 };
	struct tui_threads t = { .total = -1 };
	const struct mail_thread *th;
	long outer, next, second, opened, from, subject, inner, closed, after;

	test_write_message(f->mail, "fwd:2,", "Sam <sam@parts.example>", "rich@northwind.example",
			   "Fwd: bill", "fwd@parts.example",
			   "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=O\n",
			   "--O\nContent-Type: text/plain\n\nouter text\n-- \nSam\n"
			   "--O\nContent-Type: text/plain\n\nsecond part\n"
			   "[-- attached message (v lists it) --]\n"
			   "--O\nContent-Type: message/rfc822\n\n"
			   "From: Billing <billing@\xd0\xb0"
			   "cmetel.example>\n"
			   "To: ops@globex.example\nSubject: inner \x1b]0;pwned\x07 bill\n"
			   "Date: Sun, 01 Nov 2026 09:00:00 +0000\n"
			   "Content-Type: multipart/alternative; boundary=I\n\n"
			   "--I\nContent-Type: text/plain\n\ninner text https://inner.example/x\n"
			   "--I\nContent-Type: text/html\n\n<p>inner html</p>\n--I--\n"
			   "\n--O\nContent-Type: text/plain\n\nafter it\n--O--\n");
	index_ok(f);
	assert_int_equal(tui_threads_open(&t, f->store, "id:fwd@parts.example", &err), VT_OK);
	th = tui_threads_get(&t, f->db, 0, &err);
	assert_non_null(th);
	if (tui_pager_build(&p, f->db, f->store, th->thread_id, f->cfg, 0, &err) != VT_OK)
		fail_msg("%s", err.msg);
	tui_threads_close(&t);
	outer = line_of(&p, TUI_LINE_BODY, "outer text");
	next = line_of(&p, TUI_LINE_ATTACHMENT, "[-- next part --]");
	/* the first part's signature ends with it */
	second = line_of(&p, TUI_LINE_BODY, "second part");
	opened = line_of(&p, TUI_LINE_ATTACHMENT, "[-- attached message (v lists it) --]");
	/* its headers as a message's: a Cyrillic a shown for what it is,
	 * an escape in its subject not sent */
	from = line_of(&p, TUI_LINE_HEADER, "From: Billing <billing@xn--");
	subject = line_of(&p, TUI_LINE_SUBJECT, "Subject: inner");
	inner = line_of(&p, TUI_LINE_BODY, "inner text");
	closed = line_of(&p, TUI_LINE_ATTACHMENT, "[-- end of attached message --]");
	after = line_of(&p, TUI_LINE_BODY, "after it");
	assert_true(outer >= 0 && outer < next && next < second && second < opened);
	assert_true(opened < from && from < subject && subject < inner && inner < closed &&
		    closed < after);
	assert_int_equal(line_of(&p, TUI_LINE_BODY, "inner html"), -1);
	assert_null(strchr(p.lines[subject].text, 0x1b));
	/* the mail writing our mark writes text, not a mark */
	assert_true(line_of(&p, TUI_LINE_BODY, "[-- attached message") > second);
	/* u lists the attached message's links too */
	assert_true(p.n_links == 1 && strcmp(p.links[0], "https://inner.example/x") == 0);
	tui_pager_clear(&p);
}

static void
pager_tree_of_a_long_thread_stops(void **state)
{
	struct fixture *f = *state;
	struct tui_pager p = { 0 };
	struct tui_threads t = { .total = -1 };
	struct vt_error err = { 0 };
	const struct mail_thread *th;
	size_t tree = 0;

	/* 45 messages, each a reply to the one before */
	for (int i = 0; i < 45; i++) {
		char name[32], id[64], headers[256];

		snprintf(name, sizeof name, "long-%02d:2,S", i);
		snprintf(id, sizeof id, "long%d@parts.example", i);
		snprintf(
			headers, sizeof headers,
			"Date: Mon, 02 Nov 2026 %02d:%02d:00 +0000\nIn-Reply-To: <long%d@parts.example>\n",
			10 + i / 60, i % 60, i > 0 ? i - 1 : 0);
		test_write_message(f->mail, name, "Sam <sam@parts.example>",
				   "rich@northwind.example", "Re: parts", id,
				   i > 0 ? headers : NULL, "more\n");
	}
	index_ok(f);
	assert_int_equal(tui_threads_open(&t, f->store, "id:long0@parts.example", &err), VT_OK);
	th = tui_threads_get(&t, f->db, 0, &err);
	assert_non_null(th);
	assert_int_equal(tui_pager_build(&p, f->db, f->store, th->thread_id, NULL, 0, &err), VT_OK);
	tui_threads_close(&t);
	for (size_t i = 0; i < p.count && p.lines[i].kind == TUI_LINE_TREE; i++)
		tree++;
	/* 40 messages, then how many more: the first message is near */
	assert_int_equal(tree, 41);
	assert_string_equal(p.lines[40].text, "... and 5 more (J goes through them)");
	tui_pager_clear(&p);
}

static void
pager_opens_with_why_the_thread_is_suspicious(void **state)
{
	struct fixture *f = *state;
	struct tui_pager p = { 0 };
	struct tui_threads t = { .total = -1 };
	struct vt_error err = { 0 };
	const struct mail_thread *th;
	size_t warnings = 0;
	bool headers_seen = false;

	test_write_message(f->mail, "fake:2,", "Dana <dana@acrnetel.example>",
			   "rich@northwind.example", "New bank details", "fake@acrnetel.example",
			   "Date: Thu, 05 Nov 2026 09:00:00 +0000\n",
			   "Dear Valued Customer,\n\nour bank details have changed.\n");
	test_write_message(
		f->mail, "fake-re:2,", "Rich Miller <rich@northwind.example>",
		"dana@acrnetel.example", "Re: New bank details", "fake-re@northwind.example",
		"Date: Thu, 05 Nov 2026 10:00:00 +0000\nIn-Reply-To: <fake@acrnetel.example>\n",
		"Noted.\n");
	close_all(f);
	load_config(f, "name = Rich Miller\n");
	open_all(f);
	index_ok(f);
	assert_int_equal(tui_threads_open(&t, f->store, "id:fake@acrnetel.example", &err), VT_OK);
	th = tui_threads_get(&t, f->db, 0, &err);
	assert_non_null(th);
	if (tui_pager_build(&p, f->db, f->store, th->thread_id, f->cfg, 0, &err) != VT_OK)
		fail_msg("%s", err.msg);
	tui_threads_close(&t);
	for (size_t i = 0; i < p.count; i++) {
		const struct tui_line *l = &p.lines[i];

		if (l->kind == TUI_LINE_HEADER)
			headers_seen = true;
		if (l->kind == TUI_LINE_WARNING)
			warnings++;
		/* above the suspicious message, not above the user's reply */
		if (l->kind == TUI_LINE_WARNING && headers_seen)
			fail_msg("a warning above the reply: %s", l->text);
		/* "Dear Valued Customer" greets nobody in particular */
		assert_true(l->kind != TUI_LINE_NOTE || strstr(l->text, "greets") == NULL);
	}
	assert_int_equal(p.lines[0].kind, TUI_LINE_WARNING);
	assert_string_equal(
		p.lines[0].text,
		"! sender domain acrnetel.example looks like acmetel.example (rn for m)");
	assert_true(tui_pager_find(&p, "! says the bank details have changed", 0, 1) >= 0);
	/* each reason once at the top, then again above the message itself */
	assert_int_equal(warnings, 4);
	tui_pager_clear(&p);

	/* a Cyrillic а in a sender's domain is shown, not passed for an a */
	test_write_message(f->mail, "cyr:2,",
			   "Dana <dana@\xd0\xb0"
			   "cmetel.example>",
			   "rich@northwind.example", "Hello", "cyr@acmetel.example", NULL, NULL);
	index_ok(f);
	assert_int_equal(tui_threads_open(&t, f->store, "id:cyr@acmetel.example", &err), VT_OK);
	th = tui_threads_get(&t, f->db, 0, &err);
	assert_non_null(th);
	assert_int_equal(tui_pager_build(&p, f->db, f->store, th->thread_id, f->cfg, 0, &err),
			 VT_OK);
	tui_threads_close(&t);
	assert_true(tui_pager_find(&p, "From: Dana <dana@xn--cmetel-", 0, 1) >= 0);
	assert_true(tui_pager_find(&p, "\xd0\xb0", 0, 1) < 0 ||
		    p.lines[tui_pager_find(&p, "\xd0\xb0", 0, 1)].kind != TUI_LINE_HEADER);
	tui_pager_clear(&p);

	/* a store that cannot be asked still shows the mail */
	assert_int_equal(tui_threads_open(&t, f->store, "id:fake@acrnetel.example", &err), VT_OK);
	th = tui_threads_get(&t, f->db, 0, &err);
	assert_int_equal(tui_pager_build(&p, f->db, NULL, th->thread_id, f->cfg, 0, &err), VT_OK);
	tui_threads_close(&t);
	/* the two messages' tree, then the first one */
	assert_int_equal(p.lines[0].kind, TUI_LINE_TREE);
	assert_non_null(strstr(p.lines[1].text, "\xe2\x94\x94\xe2\x94\x80 Rich Miller"));
	assert_int_equal(p.lines[tui_pager_message(&p, 0, 1)].kind, TUI_LINE_HEADER);
	tui_pager_clear(&p);
}

static bool
offers(char **options, size_t n, const char *want)
{
	bool found = false;

	for (size_t i = 0; i < n; i++) {
		found = found || strcmp(options[i], want) == 0;
		free(options[i]);
	}
	free(options);
	return found;
}

/* The ':' line completes from the one command table: names, then each
 * command's kind of argument. */
static void
commands_complete_from_one_table(void **state)
{
	struct fixture *f = *state;
	struct tui t = { .cfg = f->cfg, .store = f->store };
	char **options, help[800];
	size_t n;

	index_ok(f);
	n = tui_complete_command(&t, "pro", &options);
	assert_int_equal(n, 1);
	assert_true(offers(options, n, "promote"));
	n = tui_complete_command(&t, "promote acm", &options);
	assert_true(offers(options, n, "promote acmetel"));
	n = tui_complete_command(&t, "contact-role bil", &options);
	assert_true(offers(options, n, "contact-role billing"));
	/* the older name still answers */
	n = tui_complete_command(&t, "role sup", &options);
	assert_true(offers(options, n, "role support"));
	n = tui_complete_role(&t, "acc", &options);
	assert_true(offers(options, n, "account-rep"));
	/* keys only: not on the ':' line */
	n = tui_complete_command(&t, "page-d", &options);
	assert_int_equal(n, 0);
	free(options);
	assert_int_equal(tui_complete_command(&t, "nosuch x", &options), 0);
	free(options);
	tui_commands_help(help, sizeof help);
	assert_non_null(strstr(help, "promote [SLUG]"));
	assert_non_null(strstr(help, "sync [ACCOUNT]"));
	assert_null(strstr(help, "page-down"));
}

/* Text measured as it is drawn: invisible characters take no column
 * and are not drawn, a combining mark at a field's start neither, what
 * may not be sent one column ("?"), wide characters two. */
static void
text_is_measured_as_drawn(void **state)
{
	wchar_t wc = 0x200d;

	(void)state;
	if (setlocale(LC_CTYPE, "C.UTF-8") == NULL)
		skip();
	assert_int_equal(tui_char_cols(&wc, false), -1);
	wc = 0x301; /* a combining acute accent */
	assert_int_equal(tui_char_cols(&wc, true), -1);
	assert_int_equal(tui_char_cols(&wc, false), 0);
	wc = 0x9b;
	assert_int_equal(tui_char_cols(&wc, false), 1);
	assert_int_equal(wc, L'?');
	assert_int_equal(tui_text_cols("x\xe2\x80\x8d\xe8\xab\x8b\xe6\xb1\x82"), 5);
	assert_int_equal(tui_text_cols("\xcc\x81"
				       "Comb"),
			 4);
	assert_int_equal(tui_text_cols("caf\xc3\xa9 \xe2\x9d\xa4\xef\xb8\x8f"), 6);
	assert_int_equal(tui_text_cols("a\x1b[2J\xff"), 6);
	setlocale(LC_CTYPE, "C");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cursor_scrolls_to_keep_the_selection_shown),
		cmocka_unit_test(layout_collapses_panes_on_narrow_screens),
		cmocka_unit_test(pager_lines_wrap),
		cmocka_unit_test(text_is_measured_as_drawn),
		cmocka_unit_test(keys_parse_format_and_feed),
		cmocka_unit_test(user_bindings_override_and_are_validated),
		cmocka_unit_test(maildir_folders_are_listed_inbox_first),
		cmocka_unit_test_setup_teardown(folders_follow_the_buckets, setup, teardown),
		cmocka_unit_test_setup_teardown(thread_list_loads_windows_lazily, setup, teardown),
		cmocka_unit_test_setup_teardown(every_date_has_its_place, setup, teardown),
		cmocka_unit_test_setup_teardown(the_end_is_found_from_the_oldest_mail, setup,
						teardown),
		cmocka_unit_test_setup_teardown(panes_show_the_vendor, setup, teardown),
		cmocka_unit_test_setup_teardown(history_spend_counts_a_reminder_once, setup,
						teardown),
		cmocka_unit_test_setup_teardown(pager_leaves_a_greeting_of_another_recipient_alone,
						setup, teardown),
		cmocka_unit_test_setup_teardown(pager_marks_quotes_signatures_and_hostile_text,
						setup, teardown),
		cmocka_unit_test_setup_teardown(pager_shows_every_part_and_attached_messages, setup,
						teardown),
		cmocka_unit_test_setup_teardown(pager_tree_of_a_long_thread_stops, setup, teardown),
		cmocka_unit_test_setup_teardown(pager_opens_with_why_the_thread_is_suspicious,
						setup, teardown),
		cmocka_unit_test_setup_teardown(commands_complete_from_one_table, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
