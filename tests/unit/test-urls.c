/* Links found in mail text as a reader sees them. */
#include "config.h"

#include "helpers.h"

#include <stdlib.h>
#include <string.h>

#include "mail/mail.h"

/* The links of text joined by '|'. */
static void
links_are(const char *text, const char *want)
{
	char got[1024] = "";
	size_t pos = 0, start, end;

	while (mail_url_next(text, strlen(text), &pos, &start, &end)) {
		if (got[0] != '\0')
			strcat(got, "|");
		strncat(got, text + start, end - start);
	}
	assert_string_equal(got, want);
}

static void
links_end_where_prose_resumes(void **state)
{
	(void)state;
	links_are("See https://acme.example/inv?id=12&x=1.", "https://acme.example/inv?id=12&x=1");
	links_are("(see www.globex.example/q), then", "www.globex.example/q");
	links_are("https://en.example/wiki/A_(b) ok", "https://en.example/wiki/A_(b)");
	links_are("<https://wrapped.example/path>", "https://wrapped.example/path");
	links_are("\"https://quoted.example\"", "https://quoted.example");
	links_are("mailto:bill@x.example, ftp://f.example/a.pdf!",
		  "mailto:bill@x.example|ftp://f.example/a.pdf");
}

static void
no_link_without_a_word_start_or_a_rest(void **state)
{
	(void)state;
	links_are("http:// alone", "");
	links_are("xhttp://inside.example", "");
	links_are("user@www.example.com", "");
	links_are("HTTPS://UPPER.EXAMPLE", "HTTPS://UPPER.EXAMPLE");
}

static void
clean_is(const char *link, const char *want)
{
	char *got = mail_url_clean(link, strlen(link));

	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

/* What is copied and opened is what is shown: the characters that
 * reorder or hide text, and bytes that are no UTF-8, percent-encoded;
 * the rest (an IDN host, a Unicode path) as it is. */
static void
links_are_copied_as_they_are_shown(void **state)
{
	(void)state;
	clean_is("https://acme.example/inv?id=12", "https://acme.example/inv?id=12");
	clean_is("https://evil.example/\xc2\x9bx\xe2\x80\xaey",
		 "https://evil.example/%C2%9Bx%E2%80%AEy");
	clean_is("https://pay\xe2\x80\x8bpal.example/", "https://pay%E2%80%8Bpal.example/");
	clean_is("https://b\xc3\xbc"
		 "cher.example/caf\xc3\xa9",
		 "https://b\xc3\xbc"
		 "cher.example/caf\xc3\xa9");
	clean_is("https://x.example/\xff\xfe", "https://x.example/%FF%FE");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(links_end_where_prose_resumes),
		cmocka_unit_test(no_link_without_a_word_start_or_a_rest),
		cmocka_unit_test(links_are_copied_as_they_are_shown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
