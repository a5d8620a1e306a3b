/* Attachments: their numbering, sizes, names for the disk, and saving
 * that never leaves half a file nor replaces one without being asked;
 * mail_write_file, which drafts are written with, the same. */
#include "config.h"

#include "helpers.h"

#include <dirent.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mail/mail.h"

static void
name_is(const char *filename, int part, const char *want)
{
	char *got = mail_attachment_safe_name(filename, part);

	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void
safe_names_keep_only_a_plain_last_part(void **state)
{
	(void)state;
	name_is("bill.pdf", 1, "bill.pdf");
	name_is("../../etc/passwd", 1, "passwd");
	name_is("C:\\Users\\x\\evil.exe", 1, "evil.exe");
	name_is("..hidden", 1, "hidden");
	name_is("a\x1b]0;t\x07"
		"b.txt",
		1, "a]0;tb.txt");
	name_is("dir/", 3, "attachment-3");
	name_is("...", 2, "attachment-2");
	name_is(NULL, 4, "attachment-4");
	name_is("name  ", 1, "name");
	/* a later ls would show "fdp.exe" as "exe.pdf"; a C1 CSI acts on
	 * terminals that read C1; bytes that are no UTF-8 */
	name_is("bill\xe2\x80\xae"
		"fdp.exe",
		1, "bill<U+202E>fdp.exe");
	name_is("a\xc2\x9b"
		"31m\xe2\x81\xa6.txt",
		1, "a<U+009B>31m<U+2066>.txt");
	name_is("caf\xe9.pdf", 1, "caf\xef\xbf\xbd.pdf");
}

static void
a_long_name_is_cut_on_a_character(void **state)
{
	char in[600] = "", *got;

	(void)state;
	/* 1 + 150 two-byte characters: a cut at 200 bytes would split one */
	strcat(in, "x");
	for (int i = 0; i < 150; i++)
		strcat(in, "\xc3\xa9");
	got = mail_attachment_safe_name(in, 1);
	assert_non_null(got);
	assert_int_equal(strlen(got), 199);
	assert_true(((unsigned char)got[197] & 0xc0) == 0xc0);
	free(got);
	/* a name of whole characters under the limit keeps its last one */
	name_is("caf\xc3\xa9", 1, "caf\xc3\xa9");
}

static const char message[] =
	"From: a@vendor.example\nTo: b@buyer.example\nSubject: parts\n"
	"MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=B\n\n"
	"--B\nContent-Type: text/plain\n\nbody\n"
	"--B\nContent-Type: application/pdf; name=bill.pdf\n"
	"Content-Disposition: attachment; filename=bill.pdf\n"
	"Content-Transfer-Encoding: base64\n\nJVBERi0xLjQKaGVsbG8K\n"
	"--B\nContent-Type: application/octet-stream\nContent-Disposition: attachment\n\n"
	"raw bytes\n"
	"--B--\n";

static void
list_numbers_types_and_decoded_sizes(void **state)
{
	char *dir = test_mkdtemp(), path[4096];
	struct mail_attachment_list list;
	struct vt_error err = { 0 };

	(void)state;
	snprintf(path, sizeof path, "%s/m", dir);
	test_write_file(path, message, sizeof message - 1);
	assert_int_equal(mail_attachment_list(path, &list, &err), VT_OK);
	assert_int_equal(list.count, 2);
	assert_int_equal(list.items[0].part, 1);
	assert_string_equal(list.items[0].filename, "bill.pdf");
	assert_string_equal(list.items[0].type, "application/pdf");
	assert_int_equal(list.items[0].size, 15); /* "%PDF-1.4\nhello\n" */
	assert_int_equal(list.items[1].part, 2);
	assert_null(list.items[1].filename);
	mail_attachment_list_clear(&list);
	/* a file that is not there is an error, not an empty list */
	snprintf(path, sizeof path, "%s/none", dir);
	assert_int_equal(mail_attachment_list(path, &list, &err), VT_ERR_IO);
	test_rmdir(dir);
	free(dir);
}

/* The names in dir; hidden ones too (a temporary file left behind) when
 * asked. */
static size_t
entries(const char *dir, bool hidden_too)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	while (d && (e = readdir(d)) != NULL)
		n += hidden_too ? strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0
				: e->d_name[0] != '.';
	if (d)
		closedir(d);
	return n;
}

static void
save_writes_whole_files_and_replaces_only_when_asked(void **state)
{
	char *dir = test_mkdtemp(), path[4096], dest[4096], got[64] = "";
	struct vt_error err = { 0 };
	FILE *f;

	(void)state;
	snprintf(path, sizeof path, "%s/m", dir);
	test_write_file(path, message, sizeof message - 1);
	snprintf(dest, sizeof dest, "%s/bill.pdf", dir);
	assert_int_equal(mail_attachment_save(path, 1, dest, false, &err), VT_OK);
	f = fopen(dest, "r");
	assert_non_null(f);
	assert_int_equal(fread(got, 1, sizeof got - 1, f), 15);
	fclose(f);
	assert_string_equal(got, "%PDF-1.4\nhello\n");
	/* there already: refused, and the file is as it was */
	assert_int_equal(mail_attachment_save(path, 2, dest, false, &err), VT_ERR_CONFLICT);
	assert_non_null(strstr(err.msg, "exists"));
	assert_int_equal(mail_attachment_save(path, 2, dest, true, &err), VT_OK);
	assert_int_equal(mail_attachment_save(path, 3, dest, true, &err), VT_ERR_NOT_FOUND);
	/* the message, the saved file: no temporary file left behind */
	assert_int_equal(entries(dir, false), 2);
	/* a directory that does not exist: an I/O error naming the file */
	snprintf(dest, sizeof dest, "%s/no/such/dir/x", dir);
	assert_int_equal(mail_attachment_save(path, 1, dest, false, &err), VT_ERR_IO);
	assert_non_null(strstr(err.msg, "no/such/dir/x"));
	test_rmdir(dir);
	free(dir);
}

static char *
read_all(const char *path)
{
	static char got[256];
	FILE *f = fopen(path, "r");
	size_t n = f ? fread(got, 1, sizeof got - 1, f) : 0;

	if (f)
		fclose(f);
	got[n] = '\0';
	return got;
}

/* The attached message, as its bytes stand in the mail below. */
#define INNER                                                                                       \
	"From: Billing <billing@acmetel.example>\n"                                                 \
	"Subject: Invoice 10/2026\n"                                                                \
	"MIME-Version: 1.0\n"                                                                       \
	"Content-Type: multipart/mixed; boundary=I\n\n"                                             \
	"--I\nContent-Type: text/plain\n\ninner text\n"                                             \
	"--I\nContent-Type: application/pdf\nContent-Disposition: attachment; filename=inner.pdf\n" \
	"\n%PDF inner\n"                                                                            \
	"--I--\n"

static const char forwarded[] =
	"From: a@vendor.example\nTo: b@buyer.example\nSubject: Fwd\n"
	"MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=B\n\n"
	"--B\nContent-Type: text/plain\n\nouter text\n"
	"--B\nContent-Type: image/png\n\n\x89PNG\n"
	"--B\nContent-Type: message/rfc822\nContent-Disposition: inline\n\n" INNER
	"\n--B\nContent-Type: application/pdf; name=bill.pdf\n"
	"Content-Disposition: attachment; filename=bill.pdf\n\n%PDF outer\n"
	"--B--\n";

static void
attached_messages_and_nameless_parts_are_listed_and_saved(void **state)
{
	char *dir = test_mkdtemp(), path[4096], dest[4096], *safe, *got;
	struct mail_attachment_list list;
	struct vt_error err = { 0 };
	size_t n;

	(void)state;
	snprintf(path, sizeof path, "%s/m", dir);
	test_write_file(path, forwarded, sizeof forwarded - 1);
	assert_int_equal(mail_attachment_list(path, &list, &err), VT_OK);
	assert_int_equal(list.count, 4);
	/* an inline image without a name: no longer out of reach */
	assert_int_equal(list.items[0].part, 1);
	assert_null(list.items[0].filename);
	assert_string_equal(list.items[0].type, "image/png");
	/* the message, named by its subject, whose slash is no directory */
	assert_int_equal(list.items[1].part, 2);
	assert_string_equal(list.items[1].type, "message/rfc822");
	assert_string_equal(list.items[1].filename, "Invoice 10_2026.eml");
	assert_int_equal(list.items[1].size, sizeof INNER - 1);
	safe = mail_attachment_safe_name(list.items[1].filename, 2);
	assert_string_equal(safe, "Invoice 10_2026.eml");
	free(safe);
	/* its own attachment right after it, then the rest of the mail */
	assert_int_equal(list.items[2].part, 3);
	assert_string_equal(list.items[2].filename, "inner.pdf");
	assert_int_equal(list.items[3].part, 4);
	assert_string_equal(list.items[3].filename, "bill.pdf");
	mail_attachment_list_clear(&list);
	/* saved: the message as it was sent, byte for byte */
	snprintf(dest, sizeof dest, "%s/saved.eml", dir);
	assert_int_equal(mail_attachment_save(path, 2, dest, false, &err), VT_OK);
	assert_true(g_file_get_contents(dest, &got, &n, NULL));
	assert_int_equal(n, sizeof INNER - 1);
	assert_memory_equal(got, INNER, n);
	g_free(got);
	snprintf(dest, sizeof dest, "%s/inner.pdf", dir);
	assert_int_equal(mail_attachment_save(path, 3, dest, false, &err), VT_OK);
	assert_string_equal(read_all(dest), "%PDF inner");
	snprintf(dest, sizeof dest, "%s/bill.pdf", dir);
	assert_int_equal(mail_attachment_save(path, 4, dest, false, &err), VT_OK);
	assert_string_equal(read_all(dest), "%PDF outer");
	snprintf(dest, sizeof dest, "%s/image", dir);
	assert_int_equal(mail_attachment_save(path, 1, dest, false, &err), VT_OK);
	assert_string_equal(read_all(dest), "\x89PNG");
	test_rmdir(dir);
	free(dir);
}

static void
files_are_written_whole_or_not_at_all(void **state)
{
	char *dir = test_mkdtemp(), path[4096], big[200];
	struct vt_error err = { 0 };
	vt_status rc = VT_OK;

	(void)state;
	snprintf(path, sizeof path, "%s/draft-1", dir);
	test_write_text(path, "old draft");
	assert_int_equal(mail_write_file(path, "new draft\n", 10, MAIL_WRITE_REPLACE, &err), VT_OK);
	assert_string_equal(read_all(path), "new draft\n");
	assert_int_equal(entries(dir, true), 1);
	/* NEW: only where nothing is */
	assert_int_equal(mail_write_file(path, "other", 5, MAIL_WRITE_NEW, &err), VT_ERR_IO);
	assert_non_null(strstr(err.msg, "draft-1: File exists"));
	assert_string_equal(read_all(path), "new draft\n");
	assert_int_equal(entries(dir, true), 1);
	/* the disk full half way (a file size limit: EFBIG): the old bytes
	 * stay, whole, and nothing is left beside them */
	memset(big, 'x', sizeof big);
	if (test_limit_file_size(64)) {
		rc = mail_write_file(path, big, sizeof big, MAIL_WRITE_REPLACE, &err);
		test_unlimit_file_size();
	}
	assert_int_equal(rc, VT_ERR_IO);
	assert_non_null(strstr(err.msg, "draft-1: File too large"));
	assert_string_equal(read_all(path), "new draft\n");
	assert_int_equal(entries(dir, true), 1);
	test_rmdir(dir);
	free(dir);
}

static void
sizes_read_as_people_read_them(void **state)
{
	char out[32];

	(void)state;
	mail_format_bytes(512, out, sizeof out);
	assert_string_equal(out, "512 bytes");
	mail_format_bytes(12345, out, sizeof out);
	assert_string_equal(out, "12.3 kB");
	mail_format_bytes(4100000, out, sizeof out);
	assert_string_equal(out, "4.1 MB");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(safe_names_keep_only_a_plain_last_part),
		cmocka_unit_test(a_long_name_is_cut_on_a_character),
		cmocka_unit_test(list_numbers_types_and_decoded_sizes),
		cmocka_unit_test(save_writes_whole_files_and_replaces_only_when_asked),
		cmocka_unit_test(attached_messages_and_nameless_parts_are_listed_and_saved),
		cmocka_unit_test(files_are_written_whole_or_not_at_all),
		cmocka_unit_test(sizes_read_as_people_read_them),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
