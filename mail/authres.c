/*
 * Authentication-Results (RFC 8601): what a receiving server found of a
 * message's DKIM, SPF and DMARC, and what that says of its From.
 *
 * Hand-written: no C library in Debian exports an RFC 8601 parser
 * (OpenDMARC's and opendkim's are internal to their milters, and
 * OpenDMARC's overflowed its stack on a 17th result). The value is
 * attacker-supplied bytes, so this one is small, reads only the len bytes
 * it is given, writes only into fixed arrays and is fuzzed
 * (tests/fuzz/fuzz-authres.c).
 *
 * What is accepted: CFWS (nested comments with quoted-pairs, folding)
 * anywhere, then either an authserv-id or, as Office 365 writes, directly
 * a "method=result" (authserv_id ""). An authserv-id is a token or quoted
 * string of ASCII letters, digits, '.', '-' and '_' that fits in
 * MAIL_DOMAIN_MAX, kept lower case; a longer one is no host name and the
 * header is refused, never cut (a cut id could equal a configured one). After it anything
 * goes: a version, "none", results separated by ';' or only by white
 * space, junk (skipped). Comments and quoted strings never make results.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "private.h"

/* Methods that start a new result even with no ';' before them (some
 * servers separate results by white space only); after a ';' any
 * keyword does. In a result, "x-bits=2048" or "action=none" are
 * properties, not results. */
static const char *const known_methods[] = {
	"arc",   "auth",       "bimi",  "compauth", "dkim",      "dkim-adsp", "dkim-atps", "dmarc",
	"dnswl", "domainkeys", "iprev", "rrvs",     "sender-id", "smime",     "spf",       "vbr",
};

static const struct {
	const char *word;
	enum mail_auth_result result;
} result_words[] = {
	{ "pass", MAIL_AUTH_PASS },           { "fail", MAIL_AUTH_FAIL },
	{ "hardfail", MAIL_AUTH_FAIL }, /* RFC 5451's name for an SPF fail */
	{ "softfail", MAIL_AUTH_SOFTFAIL },   { "neutral", MAIL_AUTH_NEUTRAL },
	{ "temperror", MAIL_AUTH_TEMPERROR }, { "permerror", MAIL_AUTH_PERMERROR },
	{ "policy", MAIL_AUTH_POLICY },
};

/* Where each method names the domain it speaks for; a higher rank wins
 * whatever the order the properties come in. */
static const struct {
	const char *method;
	const char *property;
	int rank;
} domain_sources[] = {
	{ "dkim", "header.d", 2 }, { "dkim", "header.i", 1 },     { "spf", "smtp.mailfrom", 2 },
	{ "spf", "smtp.helo", 1 }, { "dmarc", "header.from", 2 },
};

struct lex {
	const char *p, *end;
};

/* TOK_JUNK: a control byte or a stray ')' */
enum tok_kind { TOK_END = 0, TOK_WORD, TOK_QUOTED, TOK_EQUALS, TOK_SEMI, TOK_JUNK };

struct tok {
	enum tok_kind kind;
	const char *s; /* a word, or the inside of a quoted string, raw */
	size_t len;
};

static bool
ascii_alnum(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* Host names as servers write them; domains in values may be U-labels. */
static bool
host_name(const char *s, size_t len, bool utf8)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (!ascii_alnum(c) && c != '.' && c != '-' && c != '_' && !(utf8 && c >= 0x80))
			return false;
	}
	return len > 0;
}

/* len < the size of dst, checked by the caller */
static void
copy_lower(char *dst, const char *s, size_t len)
{
	memcpy(dst, s, len);
	dst[len] = '\0';
	mail_ascii_lower(dst);
}

static void
skip_cfws(struct lex *lx)
{
	size_t depth = 0;

	while (lx->p < lx->end) {
		char c = *lx->p;

		if (depth > 0 && c == '\\' && lx->end - lx->p > 1)
			lx->p++; /* a quoted-pair: \( and \) do not nest */
		else if (c == '(')
			depth++;
		else if (c == ')' && depth > 0)
			depth--;
		else if (depth == 0 && c != ' ' && c != '\t' && c != '\r' && c != '\n')
			return;
		lx->p++;
	}
}

/* Values keep '=': local-parts hold it (SRS0=hash=tt=domain=user@fwd). A
 * stray '\\' stays in its word, which then names no host. */
static bool
word_byte(unsigned char c, bool value)
{
	return c > ' ' && c != 0x7f && strchr("()\";", c) == NULL && (value || c != '=');
}

static struct tok
lex(struct lex *lx, bool value)
{
	struct tok t = { .kind = TOK_END };

	skip_cfws(lx);
	if (lx->p == lx->end)
		return t;
	if (*lx->p == '"') {
		t.kind = TOK_QUOTED;
		t.s = ++lx->p;
		while (lx->p < lx->end && *lx->p != '"')
			lx->p += *lx->p == '\\' && lx->end - lx->p > 1 ? 2 : 1;
		t.len = (size_t)(lx->p - t.s);
		if (lx->p < lx->end)
			lx->p++;
		return t;
	}
	t.s = lx->p;
	while (lx->p < lx->end && word_byte((unsigned char)*lx->p, value))
		lx->p++;
	t.len = (size_t)(lx->p - t.s);
	if (t.len > 0) {
		t.kind = TOK_WORD;
		return t;
	}
	t.kind = *lx->p == '=' ? TOK_EQUALS : *lx->p == ';' ? TOK_SEMI : TOK_JUNK;
	lx->p++;
	return t;
}

static enum tok_kind
peek(const struct lex *lx)
{
	struct lex ahead = *lx;

	return lex(&ahead, false).kind;
}

/* The length of a method's name ("dkim" of "dkim/1"), 0 when the word
 * is no keyword. */
static size_t
method_len(const struct tok *t)
{
	size_t n = 0;

	if (t->kind != TOK_WORD)
		return 0;
	while (n < t->len &&
	       (ascii_alnum((unsigned char)t->s[n]) || t->s[n] == '-' || t->s[n] == '_'))
		n++;
	return n == t->len || (n > 0 && t->s[n] == '/') ? n : 0;
}

static bool
known_method(const char *s, size_t n)
{
	for (size_t i = 0; i < sizeof known_methods / sizeof known_methods[0]; i++)
		if (strncasecmp(known_methods[i], s, n) == 0 && known_methods[i][n] == '\0')
			return true;
	return false;
}

static enum mail_auth_result
result_of(const struct tok *t)
{
	for (size_t i = 0; i < sizeof result_words / sizeof result_words[0]; i++)
		if (t->kind == TOK_WORD && strlen(result_words[i].word) == t->len &&
		    strncasecmp(result_words[i].word, t->s, t->len) == 0)
			return result_words[i].result;
	return MAIL_AUTH_NONE;
}

/*
 * A property's value: a token or a quoted string ("john smith"@host gives
 * the @host part). An empty value ("header.d= header.s=x") is no value:
 * a "name=" after white space starts the next property, while a value
 * right after its '=' may hold '=' itself.
 */
static struct tok
read_value(struct lex *lx)
{
	struct lex ahead = *lx;
	struct tok v;

	skip_cfws(&ahead);
	if (ahead.p != lx->p) {
		struct lex word = ahead;

		if (lex(&word, false).kind == TOK_WORD && peek(&word) == TOK_EQUALS)
			return (struct tok){ .kind = TOK_END };
	}
	v = lex(&ahead, true);
	if (v.kind != TOK_WORD && v.kind != TOK_QUOTED)
		return (struct tok){ .kind = TOK_END };
	*lx = ahead;
	if (v.kind == TOK_QUOTED && lx->p < lx->end && *lx->p == '@')
		v = lex(lx, true);
	return v;
}

/*
 * The domain of "example.com", "@example.com", "user@example.com" or
 * "<user@example.com>", into dst. A domain too long for MAIL_DOMAIN_MAX
 * is dropped, not cut: no DNS name is that long, and a cut one could
 * name another organisation ("x...x.acme.example.evil.net").
 */
static bool
take_domain(char *dst, const struct tok *v)
{
	const char *s = v->s;
	size_t len = v->len, at;

	if (len == 0)
		return false;
	if (s[len - 1] == '>')
		len--;
	for (at = len; at > 0 && s[at - 1] != '@' && s[at - 1] != '<'; at--)
		;
	s += at;
	len -= at;
	if (len >= MAIL_DOMAIN_MAX || !host_name(s, len, true))
		return false;
	copy_lower(dst, s, len);
	return true;
}

static void
take_property(struct mail_authres_item *it, int *rank, const struct tok *name, const struct tok *v)
{
	for (size_t i = 0; i < sizeof domain_sources / sizeof domain_sources[0]; i++) {
		const char *prop = domain_sources[i].property;

		if (strcmp(it->method, domain_sources[i].method) == 0 &&
		    strlen(prop) == name->len && strncasecmp(prop, name->s, name->len) == 0 &&
		    domain_sources[i].rank > *rank && take_domain(it->domain, v))
			*rank = domain_sources[i].rank;
	}
}

static void
parse_results(struct lex *lx, struct mail_authres *out)
{
	struct mail_authres_item *cur = NULL;
	bool fresh = true; /* at the start or after ';': any keyword= is a result */
	int rank = 0;      /* of the property cur's domain came from */
	struct tok t;

	while ((t = lex(lx, false)).kind != TOK_END) {
		size_t n;

		if (t.kind == TOK_SEMI) {
			cur = NULL;
			fresh = true;
			continue;
		}
		if (t.kind != TOK_WORD || peek(lx) != TOK_EQUALS)
			continue; /* a version, "none", junk */
		lex(lx, false);
		n = method_len(&t);
		if (n > 0 && (fresh || known_method(t.s, n))) {
			cur = NULL;
			if (out->count < MAIL_AUTHRES_ITEMS) {
				cur = &out->items[out->count++];
				copy_lower(cur->method, t.s,
					   n < sizeof cur->method ? n : sizeof cur->method - 1);
			} else
				out->truncated = true;
			fresh = false;
			rank = 0;
			if (peek(lx) == TOK_WORD) {
				t = lex(lx, false);
				if (cur != NULL)
					cur->result = result_of(&t);
			}
		} else {
			struct tok v = read_value(lx);

			if (cur != NULL)
				take_property(cur, &rank, &t, &v);
		}
	}
}

bool
mail_authres_parse(const char *value, size_t len, struct mail_authres *out)
{
	struct lex lx, start;
	struct tok t;

	if (out == NULL)
		return false;
	memset(out, 0, sizeof *out);
	if (value == NULL)
		return false;
	lx = (struct lex){ .p = value, .end = value + len };
	skip_cfws(&lx);
	start = lx;
	t = lex(&lx, false);
	if (t.kind == TOK_WORD && peek(&lx) == TOK_EQUALS) {
		if (method_len(&t) == 0)
			return false;
		lx = start; /* Office 365: a result first, no authserv-id */
	} else if ((t.kind != TOK_WORD && t.kind != TOK_QUOTED) ||
		   t.len >= sizeof out->authserv_id || !host_name(t.s, t.len, false) ||
		   peek(&lx) == TOK_JUNK)
		return false; /* a junk byte right after the id: binary, not a header */
	else
		copy_lower(out->authserv_id, t.s, t.len);
	parse_results(&lx, out);
	return true;
}

/* The methods the verdict weighs, by index. */
static const char *const judged[3] = { "DKIM", "SPF", "DMARC" };
enum { DKIM = 0, SPF, DMARC };

/* "DKIM failed", "DKIM and DMARC failed", "DKIM, SPF and DMARC failed" */
static void
say_failed(char *why, size_t why_len, const bool failed[3])
{
	const char *n[3];
	size_t k = 0;

	for (size_t m = 0; m < 3; m++)
		if (failed[m])
			n[k++] = judged[m];
	if (k == 1)
		snprintf(why, why_len, "%s failed", n[0]);
	else if (k == 2)
		snprintf(why, why_len, "%s and %s failed", n[0], n[1]);
	else if (k == 3)
		snprintf(why, why_len, "%s, %s and %s failed", n[0], n[1], n[2]);
}

/* "DKIM passed for evil.example, not acme.example" */
static void
say_unaligned(char *why, size_t why_len, const char *method, const char *domain,
	      const char *from_org)
{
	if (*domain == '\0')
		domain = "no domain";
	snprintf(why, why_len, "%s passed for %s, not %s", method, domain,
		 *from_org != '\0' ? from_org : "the From domain");
}

static bool
aligned(const char *domain, const char *from_org)
{
	char org[MAIL_DOMAIN_MAX];

	return *from_org != '\0' && mail_org_domain(domain, org, sizeof org) &&
	       strcasecmp(org, from_org) == 0;
}

/*
 * DMARC decides when present: a fail fails, a pass passes unless its
 * header.from is another organisation's (the server judged another From
 * than the one shown: two From headers, a parser mismatch) -- that fails.
 * Without DMARC, an aligned DKIM or SPF pass passes, then any DKIM or SPF
 * failure fails. A pass for another organisation alone is only unknown:
 * mailing services sign with their own domain.
 */
enum mail_auth_verdict
mail_authres_verdict(const struct mail_authres *ar, const char *from_org, char *why, size_t why_len)
{
	const struct mail_authres_item *other_dmarc = NULL, *unaligned = NULL;
	bool failed[3] = { false, false, false }, pass = false;
	size_t unaligned_m = 0;

	if (why == NULL)
		why_len = 0;
	if (why_len > 0)
		why[0] = '\0';
	if (ar == NULL)
		return MAIL_AUTH_VERDICT_UNKNOWN;
	if (from_org == NULL)
		from_org = "";
	for (size_t i = 0; i < ar->count && i < MAIL_AUTHRES_ITEMS; i++) {
		const struct mail_authres_item *it = &ar->items[i];
		enum mail_auth_result r = it->result;
		size_t m;

		for (m = 0; m < 3 && strcasecmp(it->method, judged[m]) != 0; m++)
			;
		if (m == 3)
			continue;
		if (r == MAIL_AUTH_FAIL || (m != DMARC && r == MAIL_AUTH_PERMERROR) ||
		    (m == SPF && r == MAIL_AUTH_SOFTFAIL))
			failed[m] = true;
		if (r != MAIL_AUTH_PASS)
			continue;
		if (aligned(it->domain, from_org) || (m == DMARC && it->domain[0] == '\0'))
			pass = true;
		else if (m == DMARC && other_dmarc == NULL)
			other_dmarc = it;
		else if (m != DMARC && unaligned == NULL) {
			unaligned = it;
			unaligned_m = m;
		}
	}
	if (failed[DMARC]) {
		say_failed(why, why_len, failed);
		return MAIL_AUTH_VERDICT_FAIL;
	}
	if (other_dmarc != NULL) {
		say_unaligned(why, why_len, "DMARC", other_dmarc->domain, from_org);
		return MAIL_AUTH_VERDICT_FAIL;
	}
	if (pass)
		return MAIL_AUTH_VERDICT_PASS;
	if (failed[DKIM] || failed[SPF]) {
		say_failed(why, why_len, failed);
		return MAIL_AUTH_VERDICT_FAIL;
	}
	if (unaligned != NULL)
		say_unaligned(why, why_len, judged[unaligned_m], unaligned->domain, from_org);
	else
		snprintf(why, why_len, "no DKIM, SPF or DMARC verdict");
	return MAIL_AUTH_VERDICT_UNKNOWN;
}

bool
mail_authres_passed_for(const struct mail_authres *ar, const char *from_org, char *org, size_t len)
{
	if (len > 0)
		org[0] = '\0';
	if (ar == NULL || from_org == NULL || len == 0)
		return false;
	for (size_t m = DKIM; m <= SPF; m++)
		for (size_t i = 0; i < ar->count && i < MAIL_AUTHRES_ITEMS; i++) {
			const struct mail_authres_item *it = &ar->items[i];

			if (it->result == MAIL_AUTH_PASS &&
			    strcasecmp(it->method, judged[m]) == 0 &&
			    !aligned(it->domain, from_org) && mail_org_domain(it->domain, org, len))
				return true;
		}
	org[0] = '\0';
	return false;
}
