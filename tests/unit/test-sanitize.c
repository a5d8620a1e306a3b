/* mail_sanitize: untrusted text never reaches the terminal raw. */
#include "config.h"

#include "helpers.h"

#include <stdlib.h>
#include <string.h>

#include "mail/mail.h"

static void
check(const char *in, size_t len, bool keep_newlines, const char *want)
{
	char *out = mail_sanitize(in, len, keep_newlines);

	assert_non_null(out);
	assert_string_equal(out, want);
	free(out);
}

#define CHECK(in, want) check(in, sizeof(in) - 1, false, want)

static void
null_and_empty_give_empty(void **state)
{
	char *out = mail_sanitize_str(NULL);

	assert_string_equal(out, "");
	free(out);
	CHECK("", "");
}

static void
plain_text_and_utf8_pass_unchanged(void **state)
{
	CHECK("Invoice AT-2026-10: $7,800.00", "Invoice AT-2026-10: $7,800.00");
	CHECK("Müller Bürobedarf – 日本語 😀", "Müller Bürobedarf – 日本語 😀");
}

static void
escape_sequences_become_visible(void **state)
{
	/* title change, clear screen, OSC 52 clipboard write */
	CHECK("\x1b]0;pwned\x07", "^[]0;pwned^G");
	CHECK("a\x1b[2Jb", "a^[[2Jb");
	CHECK("\x1b]52;c;aGVsbG8=\x07", "^[]52;c;aGVsbG8=^G");
	CHECK("del\x7f", "del^?");
}

static void
c1_controls_and_bidi_are_replaced(void **state)
{
	/* U+009B is the 8-bit CSI */
	CHECK("x\xc2\x9b"
	      "2Jy",
	      "x<U+009B>2Jy");
	/* U+202E RIGHT-TO-LEFT OVERRIDE, U+2066 LRI */
	CHECK("a\xe2\x80\xae"
	      "b\xe2\x81\xa6"
	      "c",
	      "a<U+202E>b<U+2066>c");
}

static void
invalid_utf8_is_replaced_per_byte(void **state)
{
	CHECK("\xff", "\xef\xbf\xbd");
	CHECK("caf\xe9", "caf\xef\xbf\xbd");                           /* Latin-1 e-acute */
	CHECK("\xc0\xaf", "\xef\xbf\xbd\xef\xbf\xbd");                 /* overlong '/' */
	CHECK("\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"); /* surrogate */
	CHECK("\xf4\x90\x80\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	CHECK("\xe2\x82", "\xef\xbf\xbd\xef\xbf\xbd"); /* truncated */
}

static void
a_prefix_never_ends_inside_a_character(void **state)
{
	(void)state;
	assert_int_equal(mail_utf8_prefix("abc", 10), 3);
	assert_int_equal(mail_utf8_prefix("abc", 2), 2);
	assert_int_equal(mail_utf8_prefix("a\xc3\xa9", 2), 1); /* not half an e-acute */
	assert_int_equal(mail_utf8_prefix("a\xc3\xa9", 3), 3);
	assert_int_equal(mail_utf8_prefix("\xf0\x9f\x98\x80z", 3), 0); /* an emoji */
	assert_int_equal(mail_utf8_prefix("\xf0\x9f\x98\x80z", 4), 4);
	/* a run of stray continuation bytes is no character to keep whole */
	assert_int_equal(mail_utf8_prefix("\x80\x80\x80\x80\x80\x80", 5), 2);
	assert_int_equal(mail_utf8_prefix("", 4), 0);
}

/* An error message cut at its size ("bad query 'ééé…'", a long name
 * quoted) ends between characters: the status line and stderr showed
 * U+FFFD where "é" was cut in two. */
static void
an_error_cut_at_its_size_ends_between_characters(void **state)
{
	struct vt_error err = { 0 };
	char *long_text = malloc(2 * VT_ERROR_MAX + 1);

	(void)state;
	assert_non_null(long_text);
	for (size_t i = 0; i < VT_ERROR_MAX; i++)
		memcpy(long_text + 2 * i, "\xc3\xa9", 2);
	long_text[2 * VT_ERROR_MAX] = '\0';
	/* two-byte characters from the start: a cut at an odd size falls
	 * inside one */
	assert_int_equal(vt_fail(&err, VT_ERR_USAGE, "%s", long_text), VT_ERR_USAGE);
	assert_true(mail_utf8_valid(err.msg));
	assert_int_equal(strlen(err.msg), VT_ERROR_MAX - 2);
	vt_fail(&err, VT_ERR_USAGE, "short %s", "message");
	assert_string_equal(err.msg, "short message");
	free(long_text);
}

static void
nul_bytes_are_visible(void **state)
{
	check("a\0b", 3, false, "a^@b");
}

static void
newlines_depend_on_mode(void **state)
{
	check("a\r\nb\tc", 6, true, "a\nb\tc");
	check("a\r\nb\tc", 6, false, "a b c");
	/* a lone CR could overwrite the line: never kept */
	check("a\rb", 3, true, "a b");
}

static void
a_subject_of_nothing_visible_shows_a_placeholder(void **state)
{
	char zero_width[1024 * 3 + 1] = "";

	for (size_t i = 0; i < 1024; i++)
		strcat(zero_width, "\xe2\x80\x8b"); /* U+200B */
	assert_string_equal(mail_subject_shown(zero_width), "(no subject)");
	assert_string_equal(mail_subject_shown(NULL), "(no subject)");
	assert_string_equal(mail_subject_shown(""), "(no subject)");
	/* blanks, a BOM, a word joiner, a variation selector, a Hangul filler */
	assert_string_equal(mail_subject_shown(
				    " \t\xc2\xa0\xef\xbb\xbf\xe2\x81\xa0\xef\xb8\x8f\xe3\x85\xa4"),
			    "(no subject)");
	/* anything that shows, however little, is the subject */
	assert_string_equal(mail_subject_shown("\xe2\x80\x8bx"), "\xe2\x80\x8bx");
	assert_string_equal(mail_subject_shown("."), ".");
	/* a bidi control shows as its name, bytes no UTF-8 as U+FFFD */
	assert_false(mail_shows_nothing("\xe2\x80\xae"));
	assert_false(mail_shows_nothing("\xff"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(null_and_empty_give_empty),
		cmocka_unit_test(plain_text_and_utf8_pass_unchanged),
		cmocka_unit_test(escape_sequences_become_visible),
		cmocka_unit_test(c1_controls_and_bidi_are_replaced),
		cmocka_unit_test(invalid_utf8_is_replaced_per_byte),
		cmocka_unit_test(a_prefix_never_ends_inside_a_character),
		cmocka_unit_test(an_error_cut_at_its_size_ends_between_characters),
		cmocka_unit_test(nul_bytes_are_visible),
		cmocka_unit_test(newlines_depend_on_mode),
		cmocka_unit_test(a_subject_of_nothing_visible_shows_a_placeholder),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
