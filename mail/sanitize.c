/*
 * Untrusted text to terminal-safe UTF-8.
 *
 * Mail headers and bodies may carry escape sequences (a subject that
 * retitles the terminal, clears it, or writes the clipboard with OSC 52),
 * bidi overrides that reorder what the user reads, and bytes that are not
 * UTF-8. Everything that leaves vtriage for a terminal goes through here.
 * Written by hand: no library validates UTF-8 and maps controls to
 * visible placeholders in one pass, and the rules are ours.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mail.h"

#define REPLACEMENT "\xEF\xBF\xBD" /* U+FFFD */

size_t
mail_utf8_decode(const unsigned char *s, size_t len, uint32_t *cp)
{
	uint32_t c;
	size_t n, i;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xC2 && s[0] <= 0xDF) {
		n = 2;
		c = s[0] & 0x1F;
	} else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
		n = 3;
		c = s[0] & 0x0F;
	} else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
		n = 4;
		c = s[0] & 0x07;
	} else
		return 0;
	if (len < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3F);
	}
	if ((n == 3 && c < 0x800) || (n == 4 && c < 0x10000) || c > 0x10FFFF ||
	    (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	*cp = c;
	return n;
}

size_t
mail_utf8_prefix(const char *s, size_t max)
{
	size_t n = strnlen(s, max);

	/* back to the lead byte of the character the cut falls in (at most
	 * three continuation bytes: more are no character anyway) */
	if (n == max && s[n] != '\0')
		for (int k = 0; k < 3 && n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80; k++)
			n--;
	return n;
}

bool
mail_utf8_valid(const char *s)
{
	size_t len = strlen(s), n;
	uint32_t cp;

	for (; len > 0; s += n, len -= n)
		if ((n = mail_utf8_decode((const unsigned char *)s, len, &cp)) == 0)
			return false;
	return true;
}

bool
mail_bidi_control(uint32_t cp)
{
	return (cp >= 0x202A && cp <= 0x202E) || /* embeddings, overrides */
	       (cp >= 0x2066 && cp <= 0x2069) || /* isolates */
	       cp == 0x061C || cp == 0x200E || cp == 0x200F;
}

bool
mail_invisible(uint32_t cp)
{
	return (cp >= 0x200b && cp <= 0x200d) || (cp >= 0x2060 && cp <= 0x2064) || cp == 0xfeff ||
	       (cp >= 0xfe00 && cp <= 0xfe0f) || (cp >= 0xe0000 && cp <= 0xe007f);
}

/* Spaces wider than none that a line of nothing else shows as blank:
 * Unicode's spaces and the Hangul fillers drawn as blanks. */
static bool
blank(uint32_t cp)
{
	return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == 0xa0 || cp == 0x1680 ||
	       (cp >= 0x2000 && cp <= 0x200a) || cp == 0x202f || cp == 0x205f || cp == 0x3000 ||
	       cp == 0x115f || cp == 0x1160 || cp == 0x3164 || cp == 0xffa0 || cp == 0xad ||
	       cp == 0x34f || cp == 0x180e;
}

bool
mail_shows_nothing(const char *text)
{
	const unsigned char *s = (const unsigned char *)(text ? text : "");
	size_t len = strlen((const char *)s), n;
	uint32_t cp;

	for (; len > 0; s += n, len -= n)
		if ((n = mail_utf8_decode(s, len, &cp)) == 0 || !(blank(cp) || mail_invisible(cp)))
			return false;
	return true;
}

const char *
mail_subject_shown(const char *subject)
{
	return mail_shows_nothing(subject) ? "(no subject)" : subject;
}

char *
mail_sanitize(const char *text, size_t len, bool keep_newlines)
{
	const unsigned char *s = (const unsigned char *)text;
	char *out, *o;
	size_t i = 0, n;
	uint32_t cp;

	/* Worst case: a 2-byte C1 control becomes the 8 bytes "<U+009B>". */
	out = malloc(len * 4 + 1);
	if (out == NULL)
		return NULL;
	o = out;
	while (i < len) {
		/* printable ASCII, most of any text, passes as it is */
		for (n = i; n < len && s[n] >= 0x20 && s[n] < 0x7F; n++)
			;
		if (n > i) {
			memcpy(o, s + i, n - i);
			o += n - i;
			i = n;
			continue;
		}
		n = mail_utf8_decode(s + i, len - i, &cp);
		if (n == 0) {
			memcpy(o, REPLACEMENT, 3);
			o += 3;
			i++;
			continue;
		}
		if (cp == '\n' || cp == '\t') {
			*o++ = keep_newlines ? (char)cp : ' ';
		} else if (cp == '\r') {
			/* CRLF line ends are noise; a lone CR could overwrite
			 * the line on screen, so it never passes. */
			if (!(i + 1 < len && s[i + 1] == '\n'))
				*o++ = ' ';
		} else if (cp < 0x20 || cp == 0x7F) {
			*o++ = '^';
			*o++ = cp == 0x7F ? '?' : (char)(cp + 0x40);
		} else if ((cp >= 0x80 && cp <= 0x9F) || mail_bidi_control(cp)) {
			/* named, so that it reads as what it is, not as a
			 * charset bug (U+FFFD is for bytes that are no text) */
			o += sprintf(o, "<U+%04X>", (unsigned)cp);
		} else if (cp == 0x2028 || cp == 0x2029) {
			*o++ = keep_newlines ? '\n' : ' ';
		} else {
			memcpy(o, s + i, n);
			o += n;
		}
		i += n;
	}
	*o = '\0';
	return out;
}

char *
mail_sanitize_str(const char *text)
{
	if (text == NULL)
		text = "";
	return mail_sanitize(text, strlen(text), false);
}
