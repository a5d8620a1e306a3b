/*
 * Signature blocks: who signed a message, with what title and phones, and
 * who their manager is ("my manager is ...").
 *
 * No library parses sign-offs; these are heuristics over the writer's own
 * text (quoted replies and forwarded history cut off first):
 *   1. the block is what follows a "-- " line, else a closing ("Best
 *      regards,"), else the last few lines;
 *   2. in it, the name is a line that looks like a person's name (or the
 *      From name), the title the first line with a job word, phones the
 *      numbers of 7 to 15 digits (not faxes), as written.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "private.h"

#define MAX_LINES 400
#define BLOCK_MAX 12

struct line {
	const char *s;
	size_t len;
};

static void
copy_field(char *dst, size_t size, const char *src, size_t len)
{
	/* trim (a trailing comma too), and cut on a UTF-8 boundary */
	while (len > 0 && isspace((unsigned char)*src)) {
		src++;
		len--;
	}
	while (len > 0 && (isspace((unsigned char)src[len - 1]) || src[len - 1] == ','))
		len--;
	if (len >= size) {
		len = size - 1;
		while (len > 0 && ((unsigned char)src[len] & 0xC0) == 0x80)
			len--;
	}
	memcpy(dst, src, len);
	dst[len] = '\0';
}

static bool
starts_with_ci(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && strncasecmp(s, prefix, n) == 0;
}

static bool
blank(const struct line *l)
{
	for (size_t i = 0; i < l->len; i++)
		if (!isspace((unsigned char)l->s[i]))
			return false;
	return true;
}

/* Where the writer's own text ends: quoted or forwarded history. */
static bool
history_starts(const struct line *l)
{
	const char *s = l->s;
	size_t len = l->len;

	while (len > 0 && *s == ' ') {
		s++;
		len--;
	}
	if (len > 0 && *s == '>')
		return true;
	if (starts_with_ci(s, len, "-----Original Message") ||
	    starts_with_ci(s, len, "---------- Forwarded message") ||
	    starts_with_ci(s, len, "-------- Original Message") ||
	    starts_with_ci(s, len, "Begin forwarded message"))
		return true;
	/* "On Tue, Oct 6, 2026 at 10:14 AM, Rich <r@x> wrote:" */
	while (len > 0 && isspace((unsigned char)s[len - 1]))
		len--;
	return starts_with_ci(s, len, "On ") && len > 6 && strncmp(s + len - 6, "wrote:", 6) == 0;
}

static bool
contains_ci(const char *s, size_t len, const char *needle);

static bool
is_list_footer(const struct line *l, size_t n)
{
	static const char *const cues[] = { "listinfo", "mailing list", "unsubscribe",
					    "list maintainer", "mailman", "subscription",
					    "sourceforge.net/lists", NULL };

	for (size_t i = 0; i < n; i++)
		for (size_t c = 0; cues[c]; c++)
			if (contains_ci(l[i].s, l[i].len, cues[c]))
				return true;
	return false;
}

/* A rule line ("_____", "-----") before a mailing list's footer. */
static bool
footer_starts(const struct line *lines, size_t i, size_t n)
{
	const struct line *l = &lines[i];
	size_t rule = 0;

	for (size_t k = 0; k < l->len; k++)
		if (l->s[k] == '_' || l->s[k] == '-' || l->s[k] == '=')
			rule++;
		else if (!isspace((unsigned char)l->s[k]))
			return false;
	return rule >= 10 && is_list_footer(lines + i + 1, n - i - 1 < 8 ? n - i - 1 : 8);
}

static const char *const closings[] = {
	"best regards", "kind regards", "warm regards", "regards", "best wishes", "best,",
	"thanks,", "thanks!", "thank you", "many thanks", "cheers", "sincerely", "yours",
	"respectfully", NULL,
};

static bool
is_closing(const struct line *l)
{
	const char *s = l->s;
	size_t len = l->len;

	while (len > 0 && isspace((unsigned char)*s)) {
		s++;
		len--;
	}
	while (len > 0 && isspace((unsigned char)s[len - 1]))
		len--;
	if (len == 0 || len > 24)
		return false;
	for (size_t i = 0; closings[i]; i++)
		if (starts_with_ci(s, len, closings[i]))
			return true;
	return false;
}

static const char *const job_words[] = {
	"manager", "executive", "director", "engineer", "specialist", "representative",
	"officer", "sales", "support", "account", "consultant", "president", "vp ",
	"lead", "coordinator", "analyst", "administrator", "architect", "developer", "ceo",
	"cto", "cfo", "coo", "founder", "head of", "head ", "professor", "scientist",
	"editor", "partner", "associate", "agent", NULL,
};

static bool
has_job_word(const char *s, size_t len)
{
	char lower[160];

	if (len == 0 || len >= sizeof lower || memchr(s, '@', len) || memchr(s, ':', len))
		return false;
	for (size_t i = 0; i < len; i++)
		lower[i] = (char)tolower((unsigned char)s[i]);
	lower[len] = ' ';
	lower[len < sizeof lower - 1 ? len + 1 : len] = '\0';
	for (size_t i = 0; job_words[i]; i++) {
		const char *hit = strstr(lower, job_words[i]);

		/* a whole word: "lead" not in "leading"'s middle */
		if (hit != NULL && (hit == lower || !isalpha((unsigned char)hit[-1])))
			return true;
	}
	return false;
}

/* Words that make a line an organisation or a department, not a person. */
static const char *const organisation_words[] = {
	"services", "service", "inc", "ltd", "llc", "gmbh", "corp", "corporation", "company",
	"department", "team", "group", "supplies", "management", "billing", "support", "sales",
	"news", "updates", "store", "online", "systems", "solutions", "technologies", NULL,
};

static bool
names_organisation(const char *s, size_t len)
{
	for (size_t i = 0; organisation_words[i]; i++) {
		size_t n = strlen(organisation_words[i]);

		for (size_t j = 0; j + n <= len; j++)
			if (strncasecmp(s + j, organisation_words[i], n) == 0 &&
			    (j == 0 || !isalpha((unsigned char)s[j - 1])) &&
			    (j + n == len || !isalpha((unsigned char)s[j + n])))
				return true;
	}
	return false;
}

/* 2 to 4 words, each capitalised or an initial, no digits or symbols. */
static bool
looks_like_name(const char *s, size_t len)
{
	int words = 0;
	bool in_word = false;

	if (names_organisation(s, len))
		return false;

	while (len > 0 && isspace((unsigned char)*s)) {
		s++;
		len--;
	}
	while (len > 0 && isspace((unsigned char)s[len - 1]))
		len--;
	if (len < 3 || len > 40 || s[len - 1] == '.')
		return false;
	/* "IN THIS ISSUE" is a heading */
	bool lower = false;

	for (size_t i = 0; i < len; i++)
		lower = lower || islower((unsigned char)s[i]);
	if (!lower)
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (isdigit(c) || strchr("@:/|<>()[]=_#*,;!?", c))
			return false;
		if (c == ' ') {
			in_word = false;
		} else if (!in_word) {
			in_word = true;
			words++;
			if (c < 0x80 && !isupper(c))
				return false;
		}
	}
	return words >= 2 && words <= 4;
}

static bool
contains_ci(const char *s, size_t len, const char *needle)
{
	size_t n = strlen(needle);

	for (size_t i = 0; n > 0 && i + n <= len; i++)
		if (strncasecmp(s + i, needle, n) == 0)
			return true;
	return false;
}

/* A title is a short line with a job word, not a sentence. */
static bool
is_title(const char *s, size_t len)
{
	int words = 1;

	while (len > 0 && isspace((unsigned char)*s)) {
		s++;
		len--;
	}
	while (len > 0 && isspace((unsigned char)s[len - 1]))
		len--;
	if (len > 0 && s[len - 1] == ',')
		len--;
	if (len == 0 || len > 80 || !isupper((unsigned char)s[0]) || s[len - 1] == '.' ||
	    s[len - 1] == '!' || s[len - 1] == '?')
		return false;
	for (size_t i = 0; i < len; i++)
		if (s[i] == ' ')
			words++;
	return words <= 8 && has_job_word(s, len);
}

/* Phone numbers of a line, as written: runs of digits and + ( ) - . / space
 * with 7 to 15 digits. A line about a fax or pager gives none. */
static void find_phones_in_column(const char *s, size_t len, struct mail_signature *sig);

/* Signatures set columns apart with runs of spaces: "Phone: ...   E-Mail: ..."
 * is two fields, each judged alone. */
static void
find_phones(const char *s, size_t len, struct mail_signature *sig)
{
	size_t start = 0;

	for (size_t i = 0; i <= len; i++) {
		bool gap = i == len || s[i] == '\t' ||
			   (s[i] == ' ' && i + 2 < len && s[i + 1] == ' ' && s[i + 2] == ' ');

		if (!gap)
			continue;
		if (i > start)
			find_phones_in_column(s + start, i - start, sig);
		while (i < len && (s[i] == ' ' || s[i] == '\t'))
			i++;
		start = i;
	}
}

static void
find_phones_in_column(const char *s, size_t len, struct mail_signature *sig)
{
	bool labelled = contains_ci(s, len, "tel") || contains_ci(s, len, "phone") ||
			contains_ci(s, len, "mobile") || contains_ci(s, len, "cell") ||
			contains_ci(s, len, "direct") || contains_ci(s, len, "office") ||
			starts_with_ci(s, len, "t:") || starts_with_ci(s, len, "m:") ||
			starts_with_ci(s, len, "p:");
	bool only_number = true;

	for (size_t i = 0; i < len; i++)
		if (isalpha((unsigned char)s[i]))
			only_number = false;

	if (contains_ci(s, len, "fax") || contains_ci(s, len, "pager") || memchr(s, '@', len))
		len = 0;
	for (size_t i = 0; i < len && sig->n_phones < MAIL_SIGNATURE_PHONES;) {
		size_t start = i, end, digits = 0;

		if (!(isdigit((unsigned char)s[i]) || s[i] == '+' || s[i] == '(')) {
			i++;
			continue;
		}
		/* a number glued to letters ("ORD-77120", "#1029384") is no phone */
		if (start > 0 && (isalnum((unsigned char)s[start - 1]) || s[start - 1] == '-' ||
				  s[start - 1] == '#')) {
			do {
				i++;
			} while (i < len && (isalnum((unsigned char)s[i]) || s[i] == '-'));
			continue;
		}
		for (end = i; end < len; end++) {
			char c = s[end];

			if (isdigit((unsigned char)c))
				digits++;
			else if (!strchr("+()-./ ", c))
				break;
			/* two spaces end a number: columns of a signature */
			if (c == ' ' && end + 1 < len && s[end + 1] == ' ')
				break;
		}
		i = end;
		if (end < len && isalpha((unsigned char)s[end]))
			continue;
		while (end > start && !isdigit((unsigned char)s[end - 1]) && s[end - 1] != ')')
			end--;
		/* bare digit runs are counts and ids; phones are written with
		 * separators, a +, or after a label */
		bool shaped = memchr(s + start, '+', end - start) || memchr(s + start, '(', end - start) ||
			      memchr(s + start, ' ', end - start) || memchr(s + start, '-', end - start) ||
			      memchr(s + start, '.', end - start) || labelled;
		/* and on a line about a phone: not a zip code in an address */
		bool phone_line = labelled || only_number || s[start] == '+';

		if (digits >= 7 && digits <= 15 && shaped && phone_line) {
			char *slot = sig->phones[sig->n_phones];
			bool seen = false;

			copy_field(slot, sizeof sig->phones[0], s + start, end - start);
			for (size_t k = 0; k < sig->n_phones; k++)
				seen = seen || strcmp(sig->phones[k], slot) == 0;
			if (!seen)
				sig->n_phones++;
		}
	}
}

/* "my manager is Tom Becker", "my supervisor, Jane Doe," */
static void
find_manager(const char *text, size_t len, struct mail_signature *sig)
{
	static const char *const cues[] = { "my manager is ", "my manager, ", "my manager ",
					    "my supervisor is ", "my supervisor, ", "my boss is ",
					    NULL };

	for (size_t i = 0; i < len && sig->manager[0] == '\0'; i++) {
		for (size_t c = 0; cues[c]; c++) {
			size_t n = strlen(cues[c]), j, words = 0;

			if (i + n > len || strncasecmp(text + i, cues[c], n) != 0)
				continue;
			j = i + n;
			/* up to three capitalised words */
			size_t start = j, end = j;

			while (words < 3 && j < len && isupper((unsigned char)text[j])) {
				while (j < len && (isalpha((unsigned char)text[j]) || text[j] == '-' ||
						   text[j] == '\'' || (unsigned char)text[j] >= 0x80))
					j++;
				end = j;
				words++;
				if (j < len && text[j] == ' ' && j + 1 < len &&
				    isupper((unsigned char)text[j + 1]))
					j++;
				else
					break;
			}
			if (words >= 2) {
				copy_field(sig->manager, sizeof sig->manager, text + start, end - start);
				break;
			}
		}
	}
}

bool
mail_signature_parse(const char *body, const char *from_name, struct mail_signature *sig)
{
	struct line lines[MAX_LINES];
	size_t n = 0, own, first = 0, last;
	const char *p = body;
	bool delimited = false;

	memset(sig, 0, sizeof *sig);
	if (body == NULL)
		return false;
	while (*p != '\0' && n < MAX_LINES) {
		size_t len = strcspn(p, "\n");

		lines[n].s = p;
		lines[n].len = len > 0 && p[len - 1] == '\r' ? len - 1 : len;
		n++;
		p += len;
		if (*p == '\n')
			p++;
	}
	/* the writer's own text */
	for (own = 0; own < n && !history_starts(&lines[own]) && !footer_starts(lines, own, n); own++)
		;
	find_manager(body, own < n ? (size_t)(lines[own].s - body) : strlen(body), sig);
	while (own > 0 && blank(&lines[own - 1]))
		own--;
	if (own == 0)
		return sig->manager[0] != '\0';
	/* 1. the block; a mailing list's footer after "-- " is not the
	 * writer's: cut it off and look above it */
	for (size_t i = own; i-- > 0;) {
		const struct line *l = &lines[i];

		if ((l->len == 3 && strncmp(l->s, "-- ", 3) == 0) ||
		    (l->len == 2 && strncmp(l->s, "--", 2) == 0)) {
			if (is_list_footer(lines + i + 1, own - i - 1 < 4 ? own - i - 1 : 4)) {
				own = i;
				while (own > 0 && blank(&lines[own - 1]))
					own--;
				continue;
			}
			first = i + 1;
			delimited = true;
			break;
		}
	}
	if (own == 0)
		return sig->manager[0] != '\0';
	if (!delimited) {
		size_t i;

		for (i = own; i-- > 0 && own - i <= BLOCK_MAX;)
			if (is_closing(&lines[i]))
				break;
		first = (i < own && own - i <= BLOCK_MAX && is_closing(&lines[i])) ? i + 1
			: own > 10 ? own - 10 : 0;
	}
	last = first + BLOCK_MAX < own ? first + BLOCK_MAX : own;
	/* 2. name, title, phones */
	for (size_t i = first; i < last; i++) {
		const struct line *l = &lines[i];
		bool is_from = from_name != NULL && *from_name != '\0' && l->len >= strlen(from_name) &&
			       contains_ci(l->s, l->len, from_name) && looks_like_name(from_name, strlen(from_name));

		/* signatures set columns apart with runs of spaces or tabs */
		size_t column = l->len;

		for (size_t k = 0; k + 1 < l->len; k++)
			if ((l->s[k] == ' ' && l->s[k + 1] == ' ') || l->s[k] == '\t') {
				column = k;
				break;
			}
		if (sig->name[0] == '\0' && (is_from || looks_like_name(l->s, column)) &&
		    !has_job_word(l->s, column)) {
			if (is_from)
				copy_field(sig->name, sizeof sig->name, from_name, strlen(from_name));
			else
				copy_field(sig->name, sizeof sig->name, l->s, column);
			if (column < l->len)
				find_phones(l->s + column, l->len - column, sig);
			continue;
		}
		/* "Dr. John Christy, Associate Professor of ..." */
		if (sig->name[0] == '\0' && memchr(l->s, ',', l->len) != NULL) {
			size_t comma = (size_t)((const char *)memchr(l->s, ',', l->len) - l->s);
			const char *who = l->s;
			size_t wlen = comma;

			if (starts_with_ci(who, wlen, "Dr. ")) {
				who += 4;
				wlen -= 4;
			}
			if (looks_like_name(who, wlen) && is_title(l->s + comma + 1, l->len - comma - 1)) {
				copy_field(sig->name, sizeof sig->name, who, wlen);
				copy_field(sig->title, sizeof sig->title, l->s + comma + 1,
					   l->len - comma - 1);
				continue;
			}
		}
		if (sig->title[0] == '\0' && sig->name[0] != '\0' && is_title(l->s, l->len)) {
			const char *bar = memchr(l->s, '|', l->len);
			const char *comma = memchr(l->s, ',', l->len);
			size_t len = bar ? (size_t)(bar - l->s) : l->len;

			/* "Account Manager, Initech": the company is not the title */
			if (comma != NULL && (size_t)(comma - l->s) < len &&
			    !has_job_word(comma + 1, len - (size_t)(comma - l->s) - 1))
				len = (size_t)(comma - l->s);
			copy_field(sig->title, sizeof sig->title, l->s, len);
			continue;
		}
		find_phones(l->s, l->len, sig);
	}
	return sig->name[0] || sig->title[0] || sig->n_phones || sig->manager[0];
}
