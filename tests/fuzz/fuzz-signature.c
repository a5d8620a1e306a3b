/*
 * Signatures in a body of raw bytes, with the From name taken from the
 * first line and without one: every field is a string inside its array,
 * at most MAIL_SIGNATURE_PHONES phones, each with a digit, none empty,
 * and it says it found one when a name, title, phone or manager was.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "mail/mail.h"

static void
check_field(const char *s, size_t size)
{
	size_t n = strnlen(s, size);

	if (n == size)
		abort();
	for (size_t i = 0; i < n; i++)
		if (s[i] == '\n')
			abort(); /* a field is one line of the signature */
}

static void
check(const char *body, const char *from_name)
{
	struct mail_signature sig;
	bool found = mail_signature_parse(body, from_name, &sig);

	check_field(sig.name, sizeof sig.name);
	check_field(sig.title, sizeof sig.title);
	check_field(sig.manager, sizeof sig.manager);
	if (sig.n_phones > MAIL_SIGNATURE_PHONES)
		abort();
	for (size_t i = 0; i < sig.n_phones; i++) {
		check_field(sig.phones[i], sizeof sig.phones[i]);
		if (strpbrk(sig.phones[i], "0123456789") == NULL)
			abort();
	}
	if (found != (sig.name[0] || sig.title[0] || sig.n_phones > 0 || sig.manager[0]))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size), *nl;

	if (text == NULL)
		return 0;
	check(text, NULL);
	check(text, "Dana Whitfield");
	if ((nl = strchr(text, '\n')) != NULL) {
		*nl = '\0';
		check(nl + 1, text);
	}
	free(text);
	return 0;
}
