/*
 * The author a list's thread summary gives a From header (GMime's
 * address parser, then notmuch's "Last, First" turned round by hand):
 * any bytes, as the header and as the name of an address that spells
 * it, end in a string no longer than the header decoded could make,
 * written within its buffer (ASan), or in none.
 */
#include "config.h"

#include <gmime/gmime.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "mail/mail.h"
#include "mail/private.h"

static void
check(const char *from)
{
	char *author = NULL;

	if (mail_summary_author(from, &author) != 0)
		return;
	/* encoded words decode shorter; a legacy charset's byte becomes
	 * at most three of UTF-8 */
	if (author != NULL && strlen(author) > 3 * strlen(from) + 3)
		abort();
	free(author);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size), *from;

	if (text == NULL)
		return 0;
	check(text);
	/* the text as a name whose turning round the address allows */
	if (asprintf(&from, "\"%s\" <%s@example.com>", text, text) >= 0) {
		check(from);
		free(from);
	}
	free(text);
	return 0;
}
