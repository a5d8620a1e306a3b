/* The configuration file: values, defaults and errors that name the line. */
#include "config.h"

#include "helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"

static struct vt_config *
parse_ok(const char *text)
{
	struct vt_error err = { 0 };
	struct vt_config *cfg = NULL;

	if (vt_config_parse(text, "/etc/vt/config", &cfg, &err) != VT_OK)
		fail_msg("unexpected error: %s", err.msg);
	return cfg;
}

static void
parse_fails(const char *text, const char *want)
{
	struct vt_error err = { 0 };
	struct vt_config *cfg = (struct vt_config *)1;

	assert_int_equal(vt_config_parse(text, "/etc/vt/config", &cfg, &err), VT_ERR_CONFIG);
	assert_null(cfg);
	if (strstr(err.msg, want) == NULL)
		fail_msg("error '%s' lacks '%s'", err.msg, want);
}

static void
empty_config_gives_defaults(void **state)
{
	struct vt_config *cfg;

	setenv("HOME", "/home/rich", 1);
	setenv("XDG_DATA_HOME", "/data", 1);
	cfg = parse_ok("");
	assert_string_equal(cfg->data_dir, "/data/vtriage");
	assert_string_equal(cfg->maildir, "/home/rich/Maildir");
	assert_null(cfg->notmuch_db);
	assert_int_equal(cfg->n_addresses, 0);
	vt_config_free(&cfg);
	assert_null(cfg);
	unsetenv("XDG_DATA_HOME");
	cfg = parse_ok("# nothing\n; at all\n");
	assert_string_equal(cfg->data_dir, "/home/rich/.local/share/vtriage");
	vt_config_free(&cfg);
}

static void
values_are_read_and_paths_resolved(void **state)
{
	struct vt_config *cfg;

	setenv("HOME", "/home/rich", 1);
	cfg = parse_ok("\xEF\xBB\xBF[store]\n"
		       "  maildir = ~/Mail  \n"
		       "data=data\n"
		       "[identity]\n"
		       "name = Rich Miller\n"
		       "addresses = Rich@Northwind.example, rich.miller@gmail.com\n"
		       "domains = mail.northwind-group.example\n"
		       "[vendors]\npersonal_domains = Family.example\n"
		       "[triage]\nmirror_folders = yes\n"
		       "[keys]\npromote = P\n"
		       "[account work]\nhost = imap.northwind.example\n"
		       "password_command = pass show mail; true\n");
	assert_string_equal(cfg->maildir, "/home/rich/Mail");
	assert_string_equal(cfg->data_dir, "/etc/vt/data");
	assert_string_equal(cfg->identity_name, "Rich Miller");
	assert_int_equal(cfg->n_addresses, 2);
	assert_string_equal(cfg->addresses[0], "rich@northwind.example");
	/* own organisations: the configured one, and the address's (not gmail) */
	assert_int_equal(cfg->n_own_domains, 2);
	assert_string_equal(cfg->own_domains[0], "northwind-group.example");
	assert_string_equal(cfg->own_domains[1], "northwind.example");
	assert_int_equal(cfg->n_personal_domains, 1);
	assert_string_equal(cfg->personal_domains[0], "family.example");
	assert_true(cfg->mirror_folders);
	assert_int_equal(cfg->n_entries, 3);
	assert_string_equal(cfg->entries[0].section, "keys");
	assert_null(cfg->entries[0].name);
	assert_int_equal(cfg->entries[0].line, 13);
	assert_string_equal(cfg->entries[1].name, "work");
	assert_string_equal(cfg->entries[2].value, "pass show mail; true");
	vt_config_free(&cfg);
}

static void
errors_name_file_line_and_key(void **state)
{
	parse_fails("[store]\nmaildir = /m\nmail_dir = /x\n",
		    "/etc/vt/config:3: [store] mail_dir: unknown key");
	parse_fails("[stroe]\nmaildir = /m\n", "/etc/vt/config:1: [stroe]: unknown section");
	/* misspelt and left empty: nothing said so before */
	parse_fails("[store]\nmaildir = /m\n[stor]\n", "/etc/vt/config:3: [stor]: unknown section");
	parse_fails("maildir = /m\n", "/etc/vt/config:1: key 'maildir' outside any [section]");
	parse_fails("[store]\nmaildir /m\n", "/etc/vt/config:2: expected 'key = value'");
	parse_fails("[store\n", "/etc/vt/config:1: malformed section header");
	parse_fails(
		"[identity]\naddresses = rich@x.example, not-an-address\n",
		"/etc/vt/config:2: [identity] addresses: 'not-an-address' is not a mail address");
	parse_fails("[vendors]\n\n\npersonal_domains = a b\n",
		    "/etc/vt/config:4: [vendors] personal_domains: 'a b' is not a domain name");
	parse_fails("[triage]\nmirror_folders = maybe\n",
		    "/etc/vt/config:2: [triage] mirror_folders: 'maybe' is not yes or no");
	parse_fails("[store]\nmaildir = /a\nmaildir = /b\n",
		    "/etc/vt/config:3: [store] maildir: set twice");
	parse_fails("[store]\nmaildir =\n", "/etc/vt/config:2: [store] maildir: empty path");
	parse_fails("[identity]\nname = Rich \xff\xfe Miller\n",
		    "/etc/vt/config:2: [identity] name: not UTF-8");
	parse_fails("[identity]\nname = Rich\x01Miller\n",
		    "/etc/vt/config:2: [identity] name: a control character");
	/* an account's key set twice: the second no longer silently wins */
	parse_fails("[account work]\nhost = good.example\nuser = u\nhost = evil.example\n",
		    "/etc/vt/config:4: [account work] host: set twice (first at line 2)");
	/* [keys] is a list of lines: each binds (or unbinds) */
	{
		struct vt_config *cfg = NULL;
		struct vt_error err = { 0 };

		assert_int_equal(vt_config_parse("[keys]\nnone = x\nnone = y\n", "/etc/vt/config",
						 &cfg, &err),
				 VT_OK);
		vt_config_free(&cfg);
	}
	parse_fails("[account]\nhost = x\n", "/etc/vt/config:2: [account] needs a name");
	parse_fails("[store x]\nmaildir = /a\n", "[store] takes no name");
	parse_fails(
		"[bills]\njump_percent = 0\n",
		"/etc/vt/config:2: [bills] jump_percent: '0' is not a whole number from 1 to 10000");
	parse_fails("[pdf]\ntimeout = 10s\n", "[pdf] timeout: '10s' is not a whole number");
	parse_fails("[ui]\nfolders = maybe\n",
		    "/etc/vt/config:2: [ui] folders: 'maybe' is not auto, yes or no");
	parse_fails("[ui]\nvendor_width = -2\n", "[ui] vendor_width: '-2' is not a whole number");
}

/* [store] ignore: notmuch's new.ignore syntax, names kept as written. */
static void
ignore_takes_names_and_patterns(void **state)
{
	struct vt_config *cfg = parse_ok("[store]\nmaildir = /m\n");
	struct mail_db_location loc;

	(void)state;
	assert_int_equal(cfg->n_ignore, 0);
	vt_config_free(&cfg);
	cfg = parse_ok("[store]\nignore = Notes.txt ; ;/^Archive/.*\\.bak$/;.keep\n");
	assert_int_equal(cfg->n_ignore, 3);
	assert_string_equal(cfg->ignore[0], "Notes.txt");
	assert_string_equal(cfg->ignore[1], "/^Archive/.*\\.bak$/");
	assert_string_equal(cfg->ignore[2], ".keep");
	vt_config_mail_location(cfg, &loc);
	assert_int_equal(loc.n_ignore, 3);
	assert_string_equal(loc.ignore[2], ".keep");
	vt_config_free(&cfg);
	parse_fails(
		"[store]\nmaildir = /m\nignore = a;Archive/old\n",
		"/etc/vt/config:3: [store] ignore: 'Archive/old' is neither a name nor a /regex/");
	parse_fails("[store]\n\nignore = /(unclosed/\n",
		    "/etc/vt/config:3: [store] ignore: '/(unclosed/' is not a regular expression");
	parse_fails(
		"[store]\nignore = notes.txt; new\n",
		"/etc/vt/config:2: [store] ignore: 'new' would pass by the mail of every Maildir folder");
	parse_fails("[store]\nignore = /\n", "'/' is neither a name nor a /regex/");
	/* notmuch could not read its config again */
	parse_fails("[store]\nignore = Sp\xe9m\n",
		    "/etc/vt/config:2: [store] ignore: 'Sp\xe9m' is not UTF-8");
	parse_fails("[store]\nignore = //\n", "'//' is neither a name nor a /regex/");
	parse_fails(
		"[store]\nignore = a\nnotmuch_db = /nm\n",
		"/etc/vt/config:2: [store] ignore: with notmuch_db, what the index passes by is "
		"notmuch's new.ignore");
	cfg = parse_ok("[store]\nignore = ; ;  \n");
	assert_int_equal(cfg->n_ignore, 0);
	vt_config_free(&cfg);
}

/* The sections of quotes and bills, PDFs and the layout: defaults, then
 * the user's values. */
static void
numbers_and_layout_keys(void **state)
{
	struct vt_config *cfg = parse_ok("[store]\nmaildir = /m\n");

	(void)state;
	assert_int_equal(cfg->bill_jump_percent, 50);
	assert_int_equal(cfg->bill_min_history, 2);
	assert_true(cfg->pdf_read);
	assert_int_equal(cfg->pdf_timeout, 10);
	assert_int_equal(cfg->ui_folders, -1);
	assert_int_equal(cfg->ui_vendor_w, -1);
	assert_false(cfg->ui_highlight_row);
	vt_config_free(&cfg);
	cfg = parse_ok(
		"[bills]\njump_percent = 30\nrate_tolerance = 0\n[pdf]\nread = no\n"
		"memory_mb = 256\n[ui]\nfolders = yes\nvendor_width = 0\nauthors_width = 16\n"
		"highlight_row = yes\n");
	assert_true(cfg->ui_highlight_row);
	assert_int_equal(cfg->bill_jump_percent, 30);
	assert_int_equal(cfg->bill_rate_tolerance, 0);
	assert_false(cfg->pdf_read);
	assert_int_equal(cfg->pdf_memory_mb, 256);
	assert_int_equal(cfg->ui_folders, 1);
	assert_int_equal(cfg->ui_vendor_w, 0);
	assert_int_equal(cfg->ui_authors_w, 16);
	vt_config_free(&cfg);
}

static void
load_reads_files_and_reports_missing_ones(void **state)
{
	char *dir = test_mkdtemp(), path[4096], cwd[4096];
	struct vt_error err = { 0 };
	struct vt_config *cfg = NULL;

	snprintf(path, sizeof path, "%s/config", dir);
	test_write_text(path, "[store]\nmaildir = mail\n");
	assert_int_equal(vt_config_load(path, &cfg, &err), VT_OK);
	snprintf(cwd, sizeof cwd, "%s/mail", dir);
	/* realpath of the temp dir may differ from dir (symlinks): compare tails */
	assert_non_null(strstr(cfg->maildir, "/mail"));
	vt_config_free(&cfg);

	/* an explicit file that does not exist is an error */
	snprintf(path, sizeof path, "%s/missing", dir);
	assert_int_equal(vt_config_load(path, &cfg, &err), VT_ERR_CONFIG);
	assert_non_null(strstr(err.msg, "missing"));

	/* the default file may be missing: defaults apply */
	unsetenv("VTRIAGE_CONFIG");
	setenv("XDG_CONFIG_HOME", dir, 1);
	assert_int_equal(vt_config_load(NULL, &cfg, &err), VT_OK);
	assert_null(cfg->path);
	vt_config_free(&cfg);

	/* VTRIAGE_CONFIG names a file that must exist */
	setenv("VTRIAGE_CONFIG", path, 1);
	assert_int_equal(vt_config_load(NULL, &cfg, &err), VT_ERR_CONFIG);
	unsetenv("VTRIAGE_CONFIG");

	/* XDG location is used when present, and a binary file is refused */
	snprintf(path, sizeof path, "%s/vtriage/config", dir);
	test_write_file(path, "[store]\0", 8);
	assert_int_equal(vt_config_load(NULL, &cfg, &err), VT_ERR_CONFIG);
	assert_non_null(strstr(err.msg, "binary"));
	test_rmdir(dir);
	free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(empty_config_gives_defaults),
		cmocka_unit_test(values_are_read_and_paths_resolved),
		cmocka_unit_test(errors_name_file_line_and_key),
		cmocka_unit_test(numbers_and_layout_keys),
		cmocka_unit_test(ignore_takes_names_and_patterns),
		cmocka_unit_test(load_reads_files_and_reports_missing_ones),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
