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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(links_end_where_prose_resumes),
		cmocka_unit_test(no_link_without_a_word_start_or_a_rest),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
