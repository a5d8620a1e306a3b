/*
 * Links in mail text, for the pager's list of them. Written by hand: no
 * library in Debian finds URLs in running prose (they parse a URL once
 * found); the rules are those of terminals and mail clients that make
 * text clickable: a scheme or "www." at a word's start, to the next
 * space or delimiter, sentence punctuation and unbalanced closing
 * brackets left out. Fuzzed (tests/fuzz/fuzz-urls.c).
 */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ascii.h"
#include "mail.h"

#define URL_MAX 2048

static const char *const starts[] = { "https://", "http://", "ftp://", "mailto:", "www." };

/* Whether a URL may start at text[i]: a known start at a word's start. */
static size_t
start_at(const char *text, size_t len, size_t i)
{
	if (i > 0 && (ascii_alnum((unsigned char)text[i - 1]) || text[i - 1] == '/' ||
		      text[i - 1] == '.' || text[i - 1] == '@' || text[i - 1] == '-'))
		return 0;
	for (size_t k = 0; k < sizeof starts / sizeof starts[0]; k++) {
		size_t n = strlen(starts[k]);

		/* something after the scheme: "http://" alone is no link */
		if (len - i > n && strncasecmp(text + i, starts[k], n) == 0 &&
		    (unsigned char)text[i + n] > ' ' && text[i + n] != '<' && text[i + n] != '>')
			return n;
	}
	return 0;
}

static bool
ends_url(unsigned char c)
{
	return c <= ' ' || c == '<' || c == '>' || c == '"' || c == '`' || c == 0x7f;
}

bool
mail_url_next(const char *text, size_t len, size_t *pos, size_t *start, size_t *end)
{
	for (size_t i = *pos; i < len; i++) {
		size_t scheme = start_at(text, len, i), e, open_round = 0, open_square = 0;

		if (scheme == 0)
			continue;
		e = i + scheme;
		while (e < len && e - i < URL_MAX && !ends_url((unsigned char)text[e]))
			e++;
		for (size_t k = i; k < e; k++) {
			open_round += text[k] == '(';
			open_square += text[k] == '[';
		}
		/* "(see http://x.example/a)." ends before ")." */
		while (e > i + scheme) {
			char last = text[e - 1];

			if (strchr(".,;:!?'", last) != NULL) {
				e--;
			} else if (last == ')' || last == ']') {
				size_t closes = 0, *open = last == ')' ? &open_round : &open_square;

				for (size_t k = i; k < e; k++)
					closes += text[k] == last;
				if (closes <= *open)
					break;
				e--;
			} else {
				break;
			}
		}
		if (e == i + scheme) {
			i = e;
			continue;
		}
		*start = i;
		*end = e;
		*pos = e;
		return true;
	}
	*pos = len;
	return false;
}

/* Shown as nothing, or as something else: a link holding one is not
 * the link it looks like. */
static bool
hidden_in_links(uint32_t cp)
{
	return (cp >= 0x80 && cp <= 0x9f) || mail_bidi_control(cp) || mail_invisible(cp);
}

char *
mail_url_clean(const char *link, size_t len)
{
	const unsigned char *s = (const unsigned char *)link;
	char *out = malloc(len * 3 + 1), *o = out;

	if (out == NULL)
		return NULL;
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		size_t n = mail_utf8_decode(s + i, len - i, &cp);

		if (n == 0 || hidden_in_links(cp)) {
			/* its bytes as %XX: a byte that is no UTF-8 alone */
			for (size_t k = 0; k < (n ? n : 1); k++)
				o += sprintf(o, "%%%02X", s[i + k]);
			i += n ? n : 1;
			continue;
		}
		memcpy(o, s + i, n);
		o += n;
		i += n;
	}
	*o = '\0';
	return out;
}
