/*
 * vtriage's own query terms inside notmuch's query language.
 *
 * notmuch parses queries with Xapian's QueryParser, which offers no hook
 * for new prefixes that resolve at query time through another database.
 * So this small scanner finds our terms (vendor:acme, bucket:trusted) at
 * term positions, leaving quoted phrases and everything else untouched,
 * and splices in the notmuch sub-query that each one stands for.
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "private.h"

struct buf {
	char *data;
	size_t len, cap;
	bool failed;
};

static void
buf_add(struct buf *b, const char *s, size_t n)
{
	if (b->failed)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = (b->len + n + 1) * 2;
		char *p = realloc(b->data, cap);

		if (p == NULL) {
			b->failed = true;
			return;
		}
		b->data = p;
		b->cap = cap;
	}
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

static void
buf_adds(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

/* Length of a Xapian quoted string starting at s[0] == '"'; a doubled
 * quote inside stands for one quote. Unterminated: to the end. */
static size_t
quoted_len(const char *s)
{
	size_t i = 1;

	while (s[i]) {
		if (s[i] == '"') {
			if (s[i + 1] == '"') {
				i += 2;
				continue;
			}
			return i + 1;
		}
		i++;
	}
	return i;
}

/* Unquotes a quoted value into a new string. */
static char *
unquote(const char *s, size_t len)
{
	char *out = malloc(len + 1), *o = out;
	size_t i;

	if (out == NULL)
		return NULL;
	if (len > 0 && s[0] == '"') {
		for (i = 1; i < len; i++) {
			if (s[i] == '"') {
				if (i + 1 < len && s[i + 1] == '"') {
					*o++ = '"';
					i++;
					continue;
				}
				break;
			}
			*o++ = s[i];
		}
	} else {
		memcpy(o, s, len);
		o += len;
	}
	*o = '\0';
	return out;
}

/* If the token at s starts with one of our prefixes, returns its length. */
static size_t
our_prefix(const char *s, const char *const *prefixes, const char **which)
{
	size_t i, len;

	for (i = 0; prefixes[i] != NULL; i++) {
		len = strlen(prefixes[i]);
		if (strncmp(s, prefixes[i], len) == 0 && s[len] == ':') {
			*which = prefixes[i];
			return len + 1;
		}
	}
	return 0;
}

static bool
token_end(char c)
{
	return c == '\0' || isspace((unsigned char)c) || c == '(' || c == ')';
}

vt_status
mail_query_rewrite(const char *query, const char *const *prefixes, mail_term_expander expand,
		   void *ctx, char **out, struct vt_error *err)
{
	struct buf b = { 0 };
	const char *p = query, *which = NULL;
	long depth = 0;
	size_t n;

	*out = NULL;
	buf_adds(&b, "");
	while (*p) {
		/* every query is wrapped, "(query) AND ...", to leave the
		 * snoozed out, to name threads: a ")" of its own would let
		 * its rest out of the wrapper (notmuch reads it leniently) */
		if (*p == '(')
			depth++;
		else if (*p == ')' && --depth < 0)
			break;
		if (isspace((unsigned char)*p) || *p == '(' || *p == ')') {
			buf_add(&b, p++, 1);
			continue;
		}
		if (*p == '"') {
			n = quoted_len(p);
			buf_add(&b, p, n);
			p += n;
			continue;
		}
		/* A term, possibly signed, possibly prefixed. */
		const char *sign = (*p == '-' || *p == '+') ? p : NULL;
		const char *term = sign ? p + 1 : p;
		size_t plen = our_prefix(term, prefixes, &which);

		if (plen == 0) {
			/* Not ours: copy through, keeping any quoted value. */
			while (!token_end(*p)) {
				if (*p == '"') {
					n = quoted_len(p);
					buf_add(&b, p, n);
					p += n;
				} else
					buf_add(&b, p++, 1);
			}
			continue;
		}
		const char *value = term + plen;
		size_t vlen = *value == '"' ? quoted_len(value) : 0;

		if (vlen == 0)
			while (!token_end(value[vlen]))
				vlen++;
		char *plain = unquote(value, vlen);
		if (plain == NULL) {
			free(b.data);
			return vt_fail(err, VT_ERR_NOMEM, "out of memory");
		}
		if (*plain == '\0') {
			free(plain);
			free(b.data);
			return vt_fail(err, VT_ERR_USAGE, "%s: needs a value", which);
		}
		char *expansion = expand(ctx, which, plain, err);

		free(plain);
		if (expansion == NULL) {
			free(b.data);
			return err ? err->status : VT_ERR_USAGE;
		}
		if (sign && *sign == '-')
			buf_adds(&b, "NOT ");
		buf_adds(&b, "(");
		buf_adds(&b, expansion);
		buf_adds(&b, ")");
		free(expansion);
		p = value + vlen;
	}
	if (b.failed) {
		free(b.data);
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	}
	if (depth != 0) {
		free(b.data);
		return vt_fail(err, VT_ERR_USAGE, "%s",
			       depth < 0 ? "a ')' with no '(' before it" : "a '(' never closed");
	}
	*out = b.data;
	return VT_OK;
}

char *
mail_query_quote(const char *value)
{
	size_t n = strlen(value), quotes = 0;
	char *out, *o;

	for (const char *p = strchr(value, '"'); p != NULL; p = strchr(p + 1, '"'))
		quotes++;
	if ((o = out = malloc(n + quotes + 3)) == NULL)
		return NULL;
	*o++ = '"';
	for (const char *p = value; *p; p++) {
		if (*p == '"')
			*o++ = '"';
		*o++ = *p;
	}
	*o++ = '"';
	*o = '\0';
	return out;
}

/* Whether the quoted string of quoted_len() n at s ends in its closing
 * quote (not a doubled one, not the end of the text). */
static bool
closed_quote(const char *s, size_t n)
{
	size_t i = 1;

	while (i < n) {
		if (s[i] == '"' && s[i + 1] == '"')
			i += 2;
		else if (s[i] == '"')
			return i + 1 == n;
		else
			i++;
	}
	return false;
}

char *
mail_query_sole_term(const char *query, const char *prefix)
{
	const char *p = query + strspn(query, " \t"), *value;
	size_t plen = strlen(prefix), vlen;
	char *v;

	if (strncmp(p, prefix, plen) != 0 || p[plen] != ':')
		return NULL;
	value = p + plen + 1;
	vlen = *value == '"' ? quoted_len(value) : 0;
	/* an unterminated quote is not one term */
	if (vlen > 0 && !closed_quote(value, vlen))
		return NULL;
	if (vlen == 0)
		while (!token_end(value[vlen]))
			vlen++;
	if (vlen == 0 || value[vlen + strspn(value + vlen, " \t")] != '\0')
		return NULL;
	/* vendor:"" is no term but an error (mail_query_rewrite says so) */
	if ((v = unquote(value, vlen)) != NULL && *v == '\0') {
		free(v);
		v = NULL;
	}
	return v;
}
