/*
 * The sanitiser over raw bytes, in both modes: what it gives a terminal
 * is valid UTF-8 with no control character (a newline and a tab only when
 * lines are kept), no C1 control and no bidi override, at most four
 * times the input, and sanitising it again changes nothing.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "mail/mail.h"

static void
check_safe(const char *out, bool keep_newlines)
{
	const unsigned char *s = (const unsigned char *)out;
	size_t len = strlen(out);

	for (size_t i = 0; i < len;) {
		uint32_t cp;
		size_t n = mail_utf8_decode(s + i, len - i, &cp);

		if (n == 0)
			abort(); /* not UTF-8 */
		if ((cp < 0x20 && !(keep_newlines && (cp == '\n' || cp == '\t'))) || cp == 0x7f ||
		    (cp >= 0x80 && cp <= 0x9f) || (cp >= 0x202a && cp <= 0x202e) ||
		    (cp >= 0x2066 && cp <= 0x2069) || cp == 0x061c || cp == 0x200e ||
		    cp == 0x200f || cp == 0x2028 || cp == 0x2029)
			abort();
		i += n;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* an exact copy: ASan sees any read past the end */
	char *text = malloc(size ? size : 1);

	if (text == NULL)
		return 0;
	if (size > 0)
		memcpy(text, data, size);
	for (int keep = 0; keep < 2; keep++) {
		char *out = mail_sanitize(text, size, keep), *again;

		if (out == NULL)
			abort();
		if (strlen(out) > size * 4)
			abort();
		check_safe(out, keep);
		if ((again = mail_sanitize(out, strlen(out), keep)) == NULL ||
		    strcmp(again, out) != 0)
			abort();
		free(again);
		free(out);
	}
	/* the first character alone, as the interface's cursor reads one */
	if (size > 0) {
		uint32_t cp = 0;
		size_t n = mail_utf8_decode((const unsigned char *)text, size, &cp);

		if (n > 4 || n > size ||
		    (n > 0 && (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))))
			abort();
	}
	free(text);
	return 0;
}
