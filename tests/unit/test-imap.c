/* The sync engine's pure parts: account settings, fingerprints, Maildir
 * names and flags, delivery with CRLF -> LF, the state file, vendor
 * folder names. The network side is tested against dovecot in
 * tests/integration/imap-sync.sh and imap-mirror.sh. */
#include "config.h"

#include "helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "imap/private.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static vt_status
parse(const struct mail_imap_setting *s, size_t n, struct mail_imap_account **a,
      struct vt_error *err)
{
	memset(err, 0, sizeof *err);
	return mail_imap_account_parse("/home/u/.config/vtriage/config", "work", s, n, a, err);
}

static void
account_without_settings_names_the_missing_host(void **state)
{
	struct mail_imap_account *a = NULL;
	struct vt_error err;

	assert_int_equal(parse(NULL, 0, &a, &err), VT_ERR_CONFIG);
	assert_null(a);
	assert_non_null(strstr(err.msg, "[account work] host: missing"));
	mail_imap_account_free(&a);
	mail_imap_account_free(NULL);
}

static void
account_defaults(void **state)
{
	const struct mail_imap_setting s[] = {
		{ "host", "imap.example.com", 7 },
		{ "user", "rich", 8 },
	};
	struct mail_imap_account *a;
	struct vt_error err;

	assert_int_equal(parse(s, N(s), &a, &err), VT_OK);
	assert_string_equal(a->host, "imap.example.com");
	assert_int_equal(a->port, 993);
	assert_int_equal(a->tls, MAIL_IMAP_TLS_IMPLICIT);
	assert_string_equal(a->maildir_subdir, "work");
	assert_null(a->folders);
	assert_null(a->password_command);
	assert_false(a->pinned);
	assert_int_equal(a->timeout, 60);
	mail_imap_account_free(&a);
	assert_null(a);
}

static void
account_keys_are_read(void **state)
{
	const struct mail_imap_setting s[] = {
		{ "host", "127.0.0.1", 3 },
		{ "tls", "starttls", 4 },
		{ "user", "rich", 5 },
		{ "password_command", "pass show mail", 6 },
		{ "folders", " INBOX , Vendors/Acme,,Sent ", 7 },
		{ "maildir_subdir", ".", 8 },
		{ "timeout", "5", 9 },
		{ "cert_fingerprint",
		  "sha256:00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff:"
		  "00112233445566778899AABBCCDDEEFF",
		  10 },
	};
	struct mail_imap_account *a;
	struct vt_error err;

	assert_int_equal(parse(s, N(s), &a, &err), VT_OK);
	assert_int_equal(a->port, 143);
	assert_int_equal(a->tls, MAIL_IMAP_TLS_STARTTLS);
	assert_int_equal(a->tls_line, 4);
	assert_string_equal(a->password_command, "pass show mail");
	assert_int_equal(a->n_folders, 3);
	assert_string_equal(a->folders[0], "INBOX");
	assert_string_equal(a->folders[1], "Vendors/Acme");
	assert_string_equal(a->folders[2], "Sent");
	assert_string_equal(a->maildir_subdir, "");
	assert_int_equal(a->timeout, 5);
	assert_true(a->pinned);
	assert_int_equal(a->pin_sha256[0], 0x00);
	assert_int_equal(a->pin_sha256[10], 0xaa);
	assert_int_equal(a->pin_sha256[31], 0xff);
	mail_imap_account_free(&a);
}

static void
account_errors_name_file_line_and_key(void **state)
{
	static const struct {
		struct mail_imap_setting bad;
		const char *want;
	} cases[] = {
		{ { "tls", "ssl", 12 }, "config:12: [account work] tls: must be implicit" },
		{ { "port", "99999", 13 }, "config:13: [account work] port: not a port" },
		{ { "port", "14x", 13 }, "config:13: [account work] port: not a port" },
		{ { "colour", "red", 14 }, "config:14: [account work] colour: unknown key" },
		{ { "maildir_subdir", "../elsewhere", 15 }, "maildir_subdir: may not contain" },
		{ { "maildir_subdir", "/abs", 15 }, "maildir_subdir: must be relative" },
		{ { "maildir_subdir", "x/cur", 15 }, "maildir_subdir: may not contain" },
		{ { "cert_fingerprint", "AB:CD", 16 }, "cert_fingerprint: must be sha256:" },
		{ { "folders", " , ", 17 }, "folders: names no folder" },
		{ { "timeout", "0", 18 }, "timeout: not a number" },
		{ { "host", "", 19 }, "host: needs a value" },
	};

	for (size_t i = 0; i < N(cases); i++) {
		const struct mail_imap_setting s[] = {
			{ "host", "h", 1 },
			{ "user", "u", 2 },
			cases[i].bad,
		};
		struct mail_imap_account *a = NULL;
		struct vt_error err;

		assert_int_equal(parse(s, N(s), &a, &err), VT_ERR_CONFIG);
		assert_null(a);
		if (strstr(err.msg, cases[i].want) == NULL)
			fail_msg("%s: '%s' lacks '%s'", cases[i].bad.key, err.msg, cases[i].want);
	}
}

static void
a_password_in_the_config_is_refused_unechoed(void **state)
{
	const struct mail_imap_setting s[] = {
		{ "host", "h", 1 },
		{ "user", "u", 2 },
		{ "password", "hunter2-secret", 3 },
	};
	struct mail_imap_account *a = NULL;
	struct vt_error err;

	assert_int_equal(parse(s, N(s), &a, &err), VT_ERR_CONFIG);
	assert_non_null(strstr(err.msg, ":3: [account work] password: "));
	assert_non_null(strstr(err.msg, "password_command"));
	assert_null(strstr(err.msg, "hunter2"));
}

static void
account_names_must_be_directory_names(void **state)
{
	const struct mail_imap_setting s[] = { { "host", "h", 1 }, { "user", "u", 2 } };
	const struct mail_imap_setting own[] = { { "host", "h", 1 },
						 { "user", "u", 2 },
						 { "maildir_subdir", "mail-new", 3 } };
	/* cur, new, tmp: the Maildir's own directories, as the folder */
	const char *bad[] = { "", ".hidden", "a/b", "cur", "new", "tmp" };
	struct mail_imap_account *a = NULL;
	struct vt_error err = { 0 };

	for (size_t i = 0; i < N(bad); i++) {
		assert_int_equal(mail_imap_account_parse("c", bad[i], s, N(s), &a, &err),
				 VT_ERR_CONFIG);
		assert_null(a);
	}
	/* with a folder of its own, "new" is a name like any */
	assert_int_equal(mail_imap_account_parse("c", "new", own, N(own), &a, &err), VT_OK);
	assert_string_equal(a->maildir_subdir, "mail-new");
	mail_imap_account_free(&a);
}

static void
password_command_gives_its_first_line(void **state)
{
	struct mail_imap_account a = { .name = "work", .file = "c", .line = 1 };
	struct vt_error err = { 0 };
	char *pw = NULL;

	a.password_command = "printf 'first line\\nsecond\\n'";
	assert_int_equal(imap_password(&a, NULL, &pw, &err), VT_OK);
	assert_string_equal(pw, "first line");
	imap_secret_free(&pw);
	assert_null(pw);

	a.password_command = "echo visible-secret; exit 3";
	assert_int_equal(imap_password(&a, NULL, &pw, &err), VT_ERR_AUTH);
	assert_non_null(strstr(err.msg, "exit status 3"));
	assert_null(strstr(err.msg, "visible-secret"));

	a.password_command = "true";
	assert_int_equal(imap_password(&a, NULL, &pw, &err), VT_ERR_AUTH);
	assert_non_null(strstr(err.msg, "printed no password"));

	a.password_command = NULL;
	assert_int_equal(imap_password(&a, NULL, &pw, &err), VT_ERR_AUTH);
	assert_non_null(strstr(err.msg, "no password_command"));
}

static void
fingerprints_round_trip(void **state)
{
	uint8_t fp[32], back[32];
	char text[7 + 3 * 32];

	for (int i = 0; i < 32; i++)
		fp[i] = (uint8_t)(i * 7 + 1);
	mail_imap_fingerprint_format(fp, text, sizeof text);
	assert_int_equal(strlen(text), 7 + 3 * 32 - 1);
	assert_memory_equal(text, "sha256:01:08:0F", 15);
	assert_true(mail_imap_fingerprint_parse(text, back));
	assert_memory_equal(fp, back, 32);
	assert_false(mail_imap_fingerprint_parse(NULL, back));
	assert_false(mail_imap_fingerprint_parse("sha1:01", back));
	assert_false(mail_imap_fingerprint_parse("sha256:0", back));
	/* 33 bytes */
	assert_false(mail_imap_fingerprint_parse(
		"sha256:0000000000000000000000000000000000000000000000000000000000000000ff", back));
	/* short output buffer: empty, no overflow */
	mail_imap_fingerprint_format(fp, text, 10);
	assert_string_equal(text, "");
}

static void
maildir_flags_keep_what_is_not_synced(void **state)
{
	char info[32];

	assert_int_equal(md_info_flags(""), 0);
	assert_int_equal(md_info_flags("FRS"), MF_FLAGGED | MF_ANSWERED | MF_SEEN);
	assert_int_equal(md_info_flags("DT"), MF_DRAFT | MF_DELETED);
	md_info_build("PS", MF_FLAGGED, info, sizeof info);
	assert_string_equal(info, "FP");
	md_info_build("", MF_SEEN | MF_ANSWERED | MF_DRAFT, info, sizeof info);
	assert_string_equal(info, "DRS");
	md_info_build("aSS", MF_SEEN, info, sizeof info);
	assert_string_equal(info, "Sa");
	md_info_build(NULL, 0, info, sizeof info);
	assert_string_equal(info, "");
	/* thirty other tools' letters sorting before S: S stays (it was cut) */
	md_info_build("0123456789ABCDEGHIJKLMNOPQ!#$%&()*+S", MF_SEEN | MF_FLAGGED, info,
		      sizeof info);
	assert_int_equal(strlen(info), sizeof info - 1);
	assert_true((md_info_flags(info) & (MF_SEEN | MF_FLAGGED)) == (MF_SEEN | MF_FLAGGED));
}

static void
message_ids_are_read_from_headers_only(void **state)
{
	char id[256];
	const char crlf[] = "From: a@b\r\nMessage-ID: <x1@acme.example>\r\n\r\nbody";
	const char folded[] = "Subject: s\nmessage-id:\n  <folded@acme.example>\nTo: t\n\nb";
	const char body_only[] = "From: a@b\n\nMessage-ID: <in-body@x>\n";
	const char bare[] = "Message-Id: no-brackets@x trailing\n\n";

	md_header_message_id(crlf, strlen(crlf), id, sizeof id);
	assert_string_equal(id, "<x1@acme.example>");
	md_header_message_id(folded, strlen(folded), id, sizeof id);
	assert_string_equal(id, "<folded@acme.example>");
	md_header_message_id(body_only, strlen(body_only), id, sizeof id);
	assert_string_equal(id, "");
	md_header_message_id(bare, strlen(bare), id, sizeof id);
	assert_string_equal(id, "no-brackets@x");
	md_header_message_id("", 0, id, sizeof id);
	assert_string_equal(id, "");
}

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = calloc(1, 1 << 16);

	assert_non_null(f);
	*len = fread(buf, 1, (1 << 16) - 1, f);
	fclose(f);
	return buf;
}

static void
delivery_turns_crlf_into_lf_across_writes(void **state)
{
	char *dir = test_mkdtemp(), path[PATH_MAX], *data;
	struct md_folder f;
	struct md_writer w;
	struct md_entry e = { 0 };
	struct vt_error err = { 0 };
	uint8_t sha[32];
	size_t len;

	snprintf(path, sizeof path, "%s/INBOX", dir);
	assert_int_equal(md_open(&f, path, &err), VT_OK);
	assert_int_equal(md_writer_begin(&f, 7, 42, true, &w, &err), VT_OK);
	assert_int_equal(md_writer_write(&w, "a\r", 2, &err), VT_OK);
	assert_int_equal(md_writer_write(&w, "\nb\r\r\nc\0d\r", 9, &err), VT_OK);
	assert_int_equal(md_writer_commit(&f, &w, MF_SEEN | MF_FLAGGED, &e, sha, &err), VT_OK);
	assert_false(e.in_new);
	assert_string_equal(e.info, "FS");
	assert_non_null(strstr(e.name, ",vt=7-42:2,FS"));
	md_entry_path(&f, &e, path, sizeof path);
	data = slurp(path, &len);
	/* a lone CR stays, also the one at the very end; NUL kept */
	assert_int_equal(len, 9);
	assert_memory_equal(data, "a\nb\r\nc\0d\r", 9);
	free(data);

	/* the same bytes give the same digest when read back */
	e.uv = 7;
	e.uid = 42;
	{
		uint8_t want[32];

		memcpy(want, sha, sizeof want);
		assert_int_equal(md_entry_digest(&f, &e, &err), VT_OK);
		assert_memory_equal(e.sha256, want, 32);
		assert_int_equal(e.crlf_size, 9 + 1); /* one bare LF */
	}
	free(e.name);
	free(e.message_id);
	md_close(&f);
	test_rmdir(dir);
	free(dir);
}

static void
unflagged_mail_goes_to_new_and_moves_when_flagged(void **state)
{
	char *dir = test_mkdtemp(), path[PATH_MAX];
	struct md_folder f;
	struct md_writer w;
	struct md_entry e = { 0 }, *found = NULL;
	struct vt_error err = { 0 };
	size_t n;

	snprintf(path, sizeof path, "%s/Vendors/Acme", dir);
	assert_int_equal(md_open(&f, path, &err), VT_OK);
	assert_int_equal(md_writer_begin(&f, 9, 3, false, &w, &err), VT_OK);
	assert_int_equal(md_writer_write(&w, "Subject: x\r\n\r\nbody\r\n", 20, &err), VT_OK);
	assert_int_equal(md_writer_commit(&f, &w, 0, &e, NULL, &err), VT_OK);
	assert_true(e.in_new);
	assert_null(strchr(e.name, ':'));
	assert_int_equal(md_set_flags(&f, &e, MF_FLAGGED, &err), VT_OK);
	assert_false(e.in_new);
	assert_string_equal(e.info, "F");

	/* a leftover of a killed delivery, a file of another program */
	snprintf(path, sizeof path, "%s/Vendors/Acme/tmp/1.P1Q1.h,vt=9-4", dir);
	test_write_file(path, "x", 1);
	snprintf(path, sizeof path, "%s/Vendors/Acme/cur/123.mutt:2,S", dir);
	test_write_file(path, "x", 1);
	assert_int_equal(md_scan(&f, &found, &n, &err), VT_OK);
	assert_int_equal(n, 1);
	assert_int_equal(found[0].uv, 9);
	assert_int_equal(found[0].uid, 3);
	assert_string_equal(found[0].info, "F");
	snprintf(path, sizeof path, "%s/Vendors/Acme/tmp/1.P1Q1.h,vt=9-4", dir);
	assert_int_equal(access(path, F_OK), -1);
	md_entries_free(found, n);

	assert_int_equal(md_rename_uid(&f, &e, 10, 77, MF_SEEN, &err), VT_OK);
	assert_non_null(strstr(e.name, ",vt=10-77:2,S"));
	assert_int_equal(md_unmark(&f, &e, &err), VT_OK);
	assert_null(strstr(e.name, ",vt="));
	assert_int_equal(md_remove(&f, &e, &err), VT_OK);
	free(e.name);
	md_close(&f);
	test_rmdir(dir);
	free(dir);
}

static void
folders_of_other_syncers_are_refused(void **state)
{
	char *dir = test_mkdtemp(), path[PATH_MAX];
	struct md_folder f;
	struct md_entry *found = NULL;
	struct vt_error err = { 0 };
	size_t n = 0;

	snprintf(path, sizeof path, "%s/mbsync/.mbsyncstate", dir);
	test_write_file(path, "", 0);
	snprintf(path, sizeof path, "%s/mbsync", dir);
	assert_int_equal(md_open(&f, path, &err), VT_ERR_CONFLICT);
	assert_non_null(strstr(err.msg, "mbsync"));

	snprintf(path, sizeof path, "%s/offlineimap/cur/1_2.3.h,U=5,FMD5=ab:2,S", dir);
	test_write_file(path, "", 0);
	snprintf(path, sizeof path, "%s/offlineimap", dir);
	assert_int_equal(md_open(&f, path, &err), VT_OK);
	assert_int_equal(md_scan(&f, &found, &n, &err), VT_ERR_CONFLICT);
	assert_non_null(strstr(err.msg, "offlineimap"));
	assert_null(found);
	md_close(&f);

	/* one account per folder */
	snprintf(path, sizeof path, "%s/shared", dir);
	assert_int_equal(md_open(&f, path, &err), VT_OK);
	assert_int_equal(md_check_owner(&f, "work", &err), VT_OK);
	assert_int_equal(md_check_owner(&f, "work", &err), VT_OK);
	assert_int_equal(md_check_owner(&f, "home", &err), VT_ERR_CONFLICT);
	assert_non_null(strstr(err.msg, "'work'"));
	md_close(&f);
	test_rmdir(dir);
	free(dir);
}

static void
state_round_trips_and_damage_is_reported(void **state)
{
	char *dir = test_mkdtemp(), path[PATH_MAX];
	struct sync_state st = { 0 }, back;
	struct vt_error err = { 0 };

	snprintf(path, sizeof path, "%s/INBOX.state", dir);
	/* missing: empty */
	assert_int_equal(state_load(path, &back, &err), VT_OK);
	assert_int_equal(back.uidvalidity, 0);
	assert_int_equal(back.n, 0);

	st.uidvalidity = 4000000000u;
	st.uidnext = 12;
	st.highestmodseq = 1ull << 40;
	assert_int_equal(state_add(&st, 11, MF_SEEN | MF_FLAGGED), VT_OK);
	assert_int_equal(state_add(&st, 2, 0), VT_OK);
	assert_int_equal(state_add(&st, 5, MF_ANSWERED | MF_DRAFT), VT_OK);
	assert_int_equal(state_add(&st, 2, MF_SEEN), VT_OK); /* duplicate UID */
	state_sort(&st);
	assert_int_equal(st.n, 3);
	assert_int_equal(state_save(path, &st, &err), VT_OK);
	assert_int_equal(state_load(path, &back, &err), VT_OK);
	assert_int_equal(back.uidvalidity, 4000000000u);
	assert_int_equal(back.uidnext, 12);
	assert_true(back.highestmodseq == 1ull << 40);
	assert_int_equal(back.n, 3);
	assert_int_equal(back.msgs[0].uid, 2);
	assert_int_equal(back.msgs[1].uid, 5);
	assert_int_equal(back.msgs[1].flags, MF_ANSWERED); /* only synced flags */
	assert_int_equal(back.msgs[2].flags, MF_SEEN | MF_FLAGGED);
	state_clear(&back);
	state_clear(&st);

	test_write_text(path, "vtriage-sync-state 1\nuidvalidity 3\ngarbage here\n");
	assert_int_equal(state_load(path, &back, &err), VT_ERR_IO);
	assert_non_null(strstr(err.msg, "INBOX.state:3: damaged sync state"));
	assert_int_equal(back.n, 0);

	{
		char *acct_dir = NULL, *folder;
		int fd = -1, fd2 = -1;

		assert_int_equal(state_account_dir(dir, "work", &acct_dir, &err), VT_OK);
		folder = state_folder_path(acct_dir, "Lists/.hidden &AOQ-");
		assert_non_null(strstr(folder, "/sync/work/Lists%2F.hidden%20%26AOQ-.state"));
		free(folder);
		folder = state_folder_path(acct_dir, ".x");
		assert_non_null(strstr(folder, "/%2Ex.state"));
		free(folder);
		assert_int_equal(state_lock(acct_dir, "work", &fd, &err), VT_OK);
		assert_int_equal(state_lock(acct_dir, "work", &fd2, &err), VT_ERR_BUSY);
		assert_non_null(strstr(err.msg, "another vtriage is syncing account work"));
		close(fd);
		free(acct_dir);
	}
	test_rmdir(dir);
	free(dir);
}

static void
mailbox(const char *name, const char *fallback, char delim, const char *want)
{
	char out[512];

	assert_true(mail_imap_vendor_mailbox(name, fallback, delim, out, sizeof out));
	assert_string_equal(out, want);
}

static void
vendor_mailbox_names_are_valid_and_utf7(void **state)
{
	char out[512], long_name[400];

	mailbox(NULL, "acme", '/', "Vendors/acme");
	mailbox("", "acme", '/', "Vendors/acme");
	mailbox(" . ", NULL, '/', "Vendors/vendor");
	mailbox("Acme Telecom", "acme", '/', "Vendors/Acme Telecom");
	/* the delimiter and wildcards cannot be part of one level */
	mailbox("acmetel.example", "acmetel", '.', "Vendors.acmetel-example");
	mailbox("acmetel.example", "acmetel", '/', "Vendors/acmetel.example");
	mailbox("A/B*C%D\\E", "x", '.', "Vendors.A-B-C-D-E");
	mailbox("flat", "x", '\0', "Vendors-flat");
	/* no control characters, no dot files, no Maildir subdirectory names */
	mailbox("Evil\x1b[31m\r\nCorp  ", "x", '/', "Vendors/Evil [31m Corp");
	mailbox("..", "dots", '/', "Vendors/dots");
	mailbox(".hidden", "x", '/', "Vendors/hidden");
	mailbox("cur", "cur-vendor", '/', "Vendors/cur-vendor");
	/* modified UTF-7 (RFC 3501 5.1.3): & escaped, other characters base64 */
	mailbox("M\xc3\xbcller B\xc3\xbcrobedarf GmbH", "x", '/',
		"Vendors/M&APw-ller B&APw-robedarf GmbH");
	mailbox("Smith & Sons", "x", '/', "Vendors/Smith &- Sons");
	/* at most 100 bytes of name, cut between characters */
	memset(long_name, 'a', 99);
	strcpy(long_name + 99, "\xc3\xbc and more");
	assert_true(mail_imap_vendor_mailbox(long_name, "x", '/', out, sizeof out));
	assert_int_equal(strlen(out), strlen("Vendors/") + 99);
	assert_false(mail_imap_vendor_mailbox("Acme", "x", '/', out, 10));
}

static void
utf7_encodes_as_rfc3501_says(void **state)
{
	char out[64];

	assert_true(mail_imap_utf7_encode("", out, sizeof out));
	assert_string_equal(out, "");
	/* the RFC's example: ~peter/mail/<Taipei>/<Japanese> */
	assert_true(mail_imap_utf7_encode("~peter/mail/\xe5\x8f\xb0\xe5\x8c\x97/"
					  "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e",
					  out, sizeof out));
	assert_string_equal(out, "~peter/mail/&U,BTFw-/&ZeVnLIqe-");
	/* beyond the BMP: a surrogate pair */
	assert_true(mail_imap_utf7_encode("\xf0\x9f\x98\x80", out, sizeof out));
	assert_string_equal(out, "&2D3eAA-");
	/* invalid UTF-8 is U+FFFD; controls are encoded, never sent raw */
	assert_true(mail_imap_utf7_encode("a\xff", out, sizeof out));
	assert_string_equal(out, "a&,,0-");
	assert_true(mail_imap_utf7_encode("\t", out, sizeof out));
	assert_string_equal(out, "&AAk-");
	assert_false(mail_imap_utf7_encode("\xc3\xbc", out, 4));
	assert_false(mail_imap_utf7_encode("abc", out, 0));
}

static void
files_move_between_folders_with_their_flags(void **state)
{
	char *dir = test_mkdtemp(), path[PATH_MAX];
	struct md_folder from, to;
	struct md_writer w;
	struct md_entry e = { 0 }, f = { 0 };
	struct vt_error err = { 0 };

	snprintf(path, sizeof path, "%s/INBOX", dir);
	assert_int_equal(md_open(&from, path, &err), VT_OK);
	snprintf(path, sizeof path, "%s/Vendors/Acme", dir);
	assert_int_equal(md_open(&to, path, &err), VT_OK);
	assert_int_equal(md_writer_begin(&from, 7, 3, false, &w, &err), VT_OK);
	assert_int_equal(md_writer_write(&w, "Subject: x\r\n\r\nbody\r\n", 20, &err), VT_OK);
	assert_int_equal(md_writer_commit(&from, &w, MF_SEEN | MF_FLAGGED, &e, NULL, &err), VT_OK);
	assert_int_equal(md_move_to(&from, &e, &to, 9, 41, &err), VT_OK);
	assert_non_null(strstr(e.name, ",vt=9-41:2,FS"));
	assert_int_equal(e.uv, 9);
	assert_int_equal(e.uid, 41);
	md_entry_path(&to, &e, path, sizeof path);
	assert_int_equal(access(path, F_OK), 0);

	/* unseen mail stays in new/; never over an existing file */
	assert_int_equal(md_writer_begin(&from, 7, 4, false, &w, &err), VT_OK);
	assert_int_equal(md_writer_commit(&from, &w, 0, &f, NULL, &err), VT_OK);
	assert_int_equal(md_move_to(&from, &f, &to, 9, 42, &err), VT_OK);
	assert_true(f.in_new);
	assert_non_null(strstr(f.name, ",vt=9-42"));
	md_entry_path(&to, &f, path, sizeof path);
	test_write_file(path, "x", 1);
	free(f.name);
	assert_int_equal(md_writer_begin(&from, 7, 4, false, &w, &err), VT_OK);
	memset(&f, 0, sizeof f);
	assert_int_equal(md_writer_commit(&from, &w, 0, &f, NULL, &err), VT_OK);
	/* a file already where this one would go */
	snprintf(path, sizeof path, "%s/new/%s", to.path, f.name);
	snprintf(strstr(path, ",vt="), 16, ",vt=9-43");
	test_write_file(path, "x", 1);
	assert_int_equal(md_move_to(&from, &f, &to, 9, 43, &err), VT_ERR_CONFLICT);
	md_entry_path(&from, &f, path, sizeof path);
	assert_int_equal(access(path, F_OK), 0);
	free(e.name);
	free(f.name);
	md_close(&from);
	md_close(&to);
	test_rmdir(dir);
	free(dir);
}

/* A VANISHED set: intervals (first, last); last 0 is "*". */
static struct mailimap_set *
vanished(const uint32_t (*iv)[2], size_t n)
{
	struct mailimap_set *set = mailimap_set_new_empty();

	assert_non_null(set);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(mailimap_set_add_interval(set, iv[i][0], iv[i][1]),
				 MAILIMAP_NO_ERROR);
	return set;
}

static void
vanished_uids_are_marked_among_the_known(void **state)
{
	static const uint32_t uids[] = { 2, 3, 5, 8, 13, 21, 34, 55 };
	static const uint32_t none[][2] = { { 100, 200 } };
	static const uint32_t some[][2] = { { 1, 3 }, { 8, 8 }, { 14, 20 }, { 30, 40 } };
	static const uint32_t back[][2] = { { 21, 13 } };        /* reversed: 13:21 */
	static const uint32_t star[][2] = { { 50, 0 } };         /* 50:* */
	static const uint32_t dup[][2] = { { 1, 5 }, { 3, 8 } }; /* overlapping */
	struct mailimap_set *set;
	bool in[N(uids)];

	memset(in, 0, sizeof in);
	assert_int_equal(imap_set_mark(NULL, uids, N(uids), in), 0);
	set = vanished(none, 0);
	assert_int_equal(imap_set_mark(set, uids, N(uids), in), 0);
	assert_int_equal(imap_set_mark(set, NULL, 0, NULL), 0);
	mailimap_set_free(set);

	set = vanished(none, N(none));
	assert_int_equal(imap_set_mark(set, uids, N(uids), in), 0);
	mailimap_set_free(set);

	set = vanished(some, N(some));
	assert_int_equal(imap_set_mark(set, uids, N(uids), in), 4);
	mailimap_set_free(set);
	assert_true(in[0] && in[1] && !in[2] && in[3] && !in[4] && !in[5] && in[6] && !in[7]);

	memset(in, 0, sizeof in);
	set = vanished(back, N(back));
	assert_int_equal(imap_set_mark(set, uids, N(uids), in), 2);
	mailimap_set_free(set);
	assert_true(in[4] && in[5] && !in[3] && !in[6]);

	memset(in, 0, sizeof in);
	set = vanished(star, N(star));
	assert_int_equal(imap_set_mark(set, uids, N(uids), in), 1);
	mailimap_set_free(set);
	assert_true(in[7] && !in[6]);

	/* counted once, however many ranges hold it */
	memset(in, 0, sizeof in);
	set = vanished(dup, N(dup));
	assert_int_equal(imap_set_mark(set, uids, N(uids), in), 4);
	mailimap_set_free(set);
	assert_true(in[0] && in[1] && in[2] && in[3] && !in[4]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(account_without_settings_names_the_missing_host),
		cmocka_unit_test(account_defaults),
		cmocka_unit_test(account_keys_are_read),
		cmocka_unit_test(account_errors_name_file_line_and_key),
		cmocka_unit_test(a_password_in_the_config_is_refused_unechoed),
		cmocka_unit_test(account_names_must_be_directory_names),
		cmocka_unit_test(password_command_gives_its_first_line),
		cmocka_unit_test(fingerprints_round_trip),
		cmocka_unit_test(maildir_flags_keep_what_is_not_synced),
		cmocka_unit_test(message_ids_are_read_from_headers_only),
		cmocka_unit_test(delivery_turns_crlf_into_lf_across_writes),
		cmocka_unit_test(unflagged_mail_goes_to_new_and_moves_when_flagged),
		cmocka_unit_test(folders_of_other_syncers_are_refused),
		cmocka_unit_test(state_round_trips_and_damage_is_reported),
		cmocka_unit_test(vendor_mailbox_names_are_valid_and_utf7),
		cmocka_unit_test(utf7_encodes_as_rfc3501_says),
		cmocka_unit_test(files_move_between_folders_with_their_flags),
		cmocka_unit_test(vanished_uids_are_marked_among_the_known),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
