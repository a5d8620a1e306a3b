/*
 * Links in raw bytes: every one lies inside the text, starts with a known
 * scheme or www., holds no space, quote or angle bracket, is at most 2048
 * bytes, and the scan always moves forward.
 */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fuzz.h"
#include "mail/mail.h"

/* The link's own bytes only: the input has no NUL after it. */
static bool
starts(const char *link, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && strncasecmp(link, prefix, n) == 0;
}

/* The link as it is shown, copied and opened: valid UTF-8 without a C1
 * or bidi control, and the link itself where it held none (nor a %). */
static void
check_clean(const char *link, size_t len)
{
	char *clean = mail_url_clean(link, len);
	const unsigned char *p;
	size_t n;
	uint32_t cp;

	if (clean == NULL || !mail_utf8_valid(clean))
		abort();
	for (p = (const unsigned char *)clean; *p; p += n) {
		if ((n = mail_utf8_decode(p, strlen((const char *)p), &cp)) == 0 ||
		    (cp >= 0x80 && cp <= 0x9f) || mail_bidi_control(cp))
			abort();
	}
	if (strlen(clean) == len && strncmp(clean, link, len) != 0)
		abort();
	free(clean);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	size_t pos = 0, start, end, last = 0;

	while (mail_url_next(text, size, &pos, &start, &end)) {
		if (start >= end || end > size || pos != end || (last > 0 && start < last) ||
		    end - start > 2048 + 8)
			abort();
		if (!starts(text + start, end - start, "http://") &&
		    !starts(text + start, end - start, "https://") &&
		    !starts(text + start, end - start, "ftp://") &&
		    !starts(text + start, end - start, "mailto:") &&
		    !starts(text + start, end - start, "www."))
			abort();
		for (size_t i = start; i < end; i++)
			if ((unsigned char)text[i] <= ' ' || text[i] == '<' || text[i] == '>' ||
			    text[i] == '"')
				abort();
		check_clean(text + start, end - start);
		last = end;
	}
	if (pos != size)
		abort();
	return 0;
}
