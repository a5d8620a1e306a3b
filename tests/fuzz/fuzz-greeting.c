/*
 * The greeting check over raw bytes, as the first lines of a body and as
 * the user's own name: it ends, the name it reports greeted is a piece of
 * the body (nothing invented, nothing written past the buffer), and it
 * never calls a generic greeting wrong; and the same bytes as a To
 * header the greeted name is looked for among.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "mail/mail.h"

static void
check(const char *body, const char *user)
{
	/* a canary after a buffer that cuts most names */
	char greeted[12];

	for (size_t len = 1; len <= 8; len += 7) {
		memset(greeted, 'x', sizeof greeted);
		if (!mail_wrong_greeting(body, user, greeted, len))
			continue;
		if (greeted[len] != 'x' || memchr(greeted, '\0', len) == NULL)
			abort();
		if (len > 1 && (greeted[0] == '\0' || strstr(body, greeted) == NULL))
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size), *nl;

	if (text == NULL)
		return 0;
	check(text, "Rich Miller");
	check(text, "Patricia");
	check(text, "Dr. Ana-María O'Neil");
	/* the first line as the user's name, the rest as the body */
	if ((nl = strchr(text, '\n')) != NULL) {
		*nl = '\0';
		check(nl + 1, text);
	}
	if (mail_wrong_greeting("Dear valued customer,\n", text, (char[16]){ 0 }, 16))
		abort();
	(void)mail_greeting_names_recipient("Mitch", text);
	(void)mail_greeting_names_recipient("Mr. Jones", text);
	(void)mail_greeting_names_recipient(text, "Mitch Jones <mj@x.example>, a.b@c.example");
	free(text);
	return 0;
}
