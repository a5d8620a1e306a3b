/*
 * Signature blocks: who signed a message, with what title and phones, and
 * who their manager is ("my manager is ...").
 *
 * No library parses sign-offs; these are heuristics over the writer's own
 * text, tuned on the demo mailbox and the SpamAssassin ham corpus:
 *   1. The writer's own lines: quoted lines (">") are dropped, and the text
 *      ends where history starts: an "-----Original Message-----", a
 *      forwarded header block, or an "On ... wrote:" that is not followed
 *      by answers between the quotes. Mailing-list footers, disclaimers
 *      and "Sent from my phone" at the end are cut off.
 *   2. Candidate blocks, tried in turn: after the last "-- " line, after a
 *      rule line ("_____") near the end, after a closing ("Best regards,")
 *      near the end, and the last paragraph when it is shaped like a
 *      signature. The first that yields a name wins.
 *   3. In a block: the name is the line matching the From name, else a
 *      line of 2-4 capitalised words that are not greetings, months or
 *      organisation words; the title the line after it (else any) with a
 *      job word; phones the numbers of 7-15 digits written like phone
 *      numbers, where faxes, dates, addresses and ids are left out.
 *   4. The manager comes from a sentence anywhere in the writer's text.
 */
#include "config.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mail.h"

#define BLOCK_MAX 12  /* lines a signature block may span */
#define COLUMNS_MAX 8 /* fields of one signature line */
#define CANDIDATES_MAX 4

struct line {
	const char *s;
	size_t len;
};

/* ---- text helpers ------------------------------------------------------ */

static void
trim(const char **s, size_t *len)
{
	while (*len > 0 && isspace((unsigned char)**s)) {
		(*s)++;
		(*len)--;
	}
	while (*len > 0 && isspace((unsigned char)(*s)[*len - 1]))
		(*len)--;
}

static bool
blank(const struct line *l)
{
	const char *s = l->s;
	size_t len = l->len;

	trim(&s, &len);
	return len == 0;
}

static bool
starts_with_ci(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && strncasecmp(s, prefix, n) == 0;
}

static bool
starts_with_any(const char *s, size_t len, const char *const *prefixes)
{
	for (size_t i = 0; prefixes[i]; i++)
		if (starts_with_ci(s, len, prefixes[i]))
			return true;
	return false;
}

static bool
ends_with_any(const char *s, size_t len, const char *const *suffixes)
{
	for (size_t i = 0; suffixes[i]; i++) {
		size_t n = strlen(suffixes[i]);

		if (len >= n && strncasecmp(s + len - n, suffixes[i], n) == 0)
			return true;
	}
	return false;
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

/* word as a whole word: no letter or digit either side */
static bool
contains_word_ci(const char *s, size_t len, const char *word, size_t n)
{
	for (size_t i = 0; n > 0 && i + n <= len; i++)
		if (strncasecmp(s + i, word, n) == 0 &&
		    (i == 0 || !isalnum((unsigned char)s[i - 1])) &&
		    (i + n == len || !isalnum((unsigned char)s[i + n])))
			return true;
	return false;
}

static bool
in_list_ci(const char *w, size_t len, const char *const *list)
{
	for (size_t i = 0; list[i]; i++)
		if (strlen(list[i]) == len && strncasecmp(w, list[i], len) == 0)
			return true;
	return false;
}

static size_t
count_words(const char *s, size_t len)
{
	size_t words = 0;

	for (size_t i = 0; i < len; i++)
		if (!isspace((unsigned char)s[i]) && (i == 0 || isspace((unsigned char)s[i - 1])))
			words++;
	return words;
}

/* Copies a field trimmed (of a trailing comma too), cut on a UTF-8
 * boundary to fit. */
static void
copy_field(char *dst, size_t size, const char *src, size_t len)
{
	trim(&src, &len);
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

/* ---- where the writer's own text ends ---------------------------------- */

static bool
is_quoted(const struct line *l)
{
	size_t i = 0;

	while (i < l->len && (l->s[i] == ' ' || l->s[i] == '\t'))
		i++;
	return i < l->len && l->s[i] == '>';
}

/* "-- ", the signature delimiter, or "--" from clients that trim it. */
static bool
is_delimiter(const struct line *l)
{
	size_t len = l->len;

	while (len > 0 && isspace((unsigned char)l->s[len - 1]))
		len--;
	return len == 2 && l->s[0] == '-' && l->s[1] == '-';
}

/* "______", "-----", "=====": what Outlook users and lists put above a
 * signature or footer. */
static bool
is_rule(const struct line *l)
{
	size_t marks = 0;

	for (size_t i = 0; i < l->len; i++) {
		char c = l->s[i];

		if (c == '-' || c == '_' || c == '=' || c == '*' || c == '~')
			marks++;
		else if (c != ' ' && c != '\t')
			return false;
	}
	return marks >= 5;
}

static const char *const history_openers[] = {
	"-----original message",
	"----- original message",
	"-------- original message",
	"---------- forwarded message",
	"-------- forwarded message",
	"----- forwarded message",
	"begin forwarded message",
	"----- forwarded by",
	"-----ursprüngliche nachricht",
	"-----message d'origine",
	NULL,
};

/* The header block of a quoted or forwarded message: "From: ..." with
 * "Sent:", "To:" or "Subject:" right below (Outlook, and its German and
 * French versions). */
static const char *const header_from[] = { "from:", "*from:*", "von:", "de :", "de:", NULL };
static const char *const header_next[] = {
	"sent:",   "date:",    "to:",        "subject:",  "cc:", "*sent:*",
	"*date:*", "*to:*",    "*subject:*", "gesendet:", "an:", "betreff:",
	"datum:",  "envoyé :", "à :",        "objet :",   NULL,
};

static bool
history_starts(const struct line *lines, size_t i, size_t n)
{
	const char *s = lines[i].s;
	size_t len = lines[i].len;

	trim(&s, &len);
	if (starts_with_any(s, len, history_openers))
		return true;
	if (!starts_with_any(s, len, header_from))
		return false;
	for (size_t k = i + 1; k < n && k <= i + 4; k++) {
		s = lines[k].s;
		len = lines[k].len;
		trim(&s, &len);
		if (starts_with_any(s, len, header_next))
			return true;
	}
	return false;
}

static const char *const attribution_ends[] = {
	"wrote:",   "writes:",   "said:",    "schrieb:", "a écrit :",
	"a écrit:", "escribió:", "scrisse:", NULL,
};

/* Lines [i, i + *span) introduce a quote: "On Tue, ... Rich <r@x> wrote:",
 * which clients wrap over two lines when it is long. */
static bool
is_attribution(const struct line *lines, size_t i, size_t n, size_t *span)
{
	const char *s = lines[i].s, *t;
	size_t len = lines[i].len, tlen;

	trim(&s, &len);
	if (len == 0 || len > 300)
		return false;
	if (ends_with_any(s, len, attribution_ends)) {
		*span = 1;
		return true;
	}
	if (i + 1 >= n || !(starts_with_ci(s, len, "On ") || starts_with_ci(s, len, "Am ") ||
			    starts_with_ci(s, len, "Le ")))
		return false;
	t = lines[i + 1].s;
	tlen = lines[i + 1].len;
	trim(&t, &tlen);
	if (tlen > 0 && tlen < 120 && ends_with_any(t, tlen, attribution_ends)) {
		*span = 2;
		return true;
	}
	return false;
}

/* Words of what lists and mail servers append to the writer's text. */
static const char *const footer_cues[] = {
	"mailing list",          "listinfo",        "unsubscribe",
	"list maintainer",       "mailman",         "subscription",
	"lists.sourceforge.net", "sponsored by",    "you are receiving this",
	"you received this",     "confidential",    "intended recipient",
	"intended solely",       "privileged",      "disclaimer",
	"sent from my",          "get outlook for", "scanned for viruses",
	"before printing",       "yahoo! groups",   NULL,
};

static bool
is_footer_line(const struct line *l)
{
	for (size_t c = 0; footer_cues[c]; c++)
		if (contains_ci(l->s, l->len, footer_cues[c]))
			return true;
	return false;
}

/*
 * After an attribution: does the writer answer between the quotes, or is
 * all that follows someone else's? Unquoted text right below the
 * attribution is history some clients do not mark with ">", so answers
 * must come after a quote.
 */
static bool
answers_follow(const struct line *lines, size_t i, size_t n)
{
	bool quoted = false;
	size_t span;

	for (; i < n; i++) {
		if (blank(&lines[i]))
			continue;
		if (is_quoted(&lines[i])) {
			quoted = true;
			continue;
		}
		return quoted && !is_delimiter(&lines[i]) && !is_rule(&lines[i]) &&
		       !history_starts(lines, i, n) && !is_attribution(lines, i, n, &span) &&
		       !is_footer_line(&lines[i]);
	}
	return false;
}

/* The writer's own lines, in order; a blank line stands where quotes
 * were cut out, so that paragraphs stay apart. Returns their number. */
static size_t
own_lines(const struct line *lines, size_t n, struct line *own)
{
	size_t count = 0, span;
	bool gap = false;

	for (size_t i = 0; i < n; i++) {
		if (history_starts(lines, i, n))
			break;
		if (is_attribution(lines, i, n, &span)) {
			if (!answers_follow(lines, i + span, n))
				break;
			i += span - 1;
			gap = true;
			continue;
		}
		if (is_quoted(&lines[i])) {
			gap = true;
			continue;
		}
		if (gap && count > 0 && !blank(&own[count - 1]))
			own[count++] = (struct line){ "", 0 };
		gap = false;
		own[count++] = lines[i];
	}
	return count;
}

static size_t
trim_end(const struct line *own, size_t n)
{
	while (n > 0 && (blank(&own[n - 1]) || is_delimiter(&own[n - 1]) || is_rule(&own[n - 1])))
		n--;
	return n;
}

/*
 * Drops footers from the end: the text below the last blank line,
 * delimiter or rule goes when it carries a footer's words. A footer that
 * starts further down than its third line is cut from there, keeping a
 * signature set right above a disclaimer.
 */
static size_t
cut_footers(const struct line *own, size_t n)
{
	for (;;) {
		size_t tail, cut;

		n = trim_end(own, n);
		for (tail = n; tail > 0; tail--) {
			const struct line *l = &own[tail - 1];

			if (blank(l) || is_delimiter(l) || is_rule(l))
				break;
		}
		for (cut = tail; cut < n && !is_footer_line(&own[cut]); cut++)
			;
		if (cut == n)
			return n;
		n = cut - tail <= 2 ? tail : cut;
	}
}

/* ---- closings, names and titles ----------------------------------------- */

static const char *const closings[] = {
	"best regards",
	"kind regards",
	"warm regards",
	"warmest regards",
	"with regards",
	"regards",
	"best wishes",
	"all the best",
	"best",
	"many thanks",
	"thanks again",
	"thanks",
	"thank you",
	"thx",
	"cheers",
	"sincerely",
	"yours",
	"respectfully",
	"cordially",
	"take care",
	"have fun",
	"good luck",
	"mit freundlichen grüßen",
	"mit freundlichen grüssen",
	"mit freundlichen gruessen",
	"freundliche grüße",
	"viele grüße",
	"beste grüße",
	"liebe grüße",
	"gruß",
	"grüße",
	"cordialement",
	"bien à vous",
	"saludos",
	"atentamente",
	"met vriendelijke groet",
	NULL,
};

/* "Best regards,", "Thanks!", "Mit freundlichen Grüßen": a short line, or
 * one ending in a comma, that opens with a closing. */
static bool
is_closing(const struct line *l)
{
	const char *s = l->s;
	size_t len = l->len;
	bool comma;

	trim(&s, &len);
	if (len == 0 || len > 40)
		return false;
	comma = s[len - 1] == ',';
	while (len > 0 && strchr(",.!-", s[len - 1]) != NULL)
		len--;
	for (size_t i = 0; closings[i]; i++) {
		size_t n = strlen(closings[i]);

		if (starts_with_ci(s, len, closings[i]) &&
		    (len == n || !isalpha((unsigned char)s[n])) &&
		    (comma || count_words(s, len) <= 4))
			return true;
	}
	return false;
}

/* Job words: English ones as the start of a word ("Engineer" in
 * "Engineering"), the short ones whole, and German ones anywhere in a
 * compound ("Vertriebsinnendienst"). */
static const char *const job_words[] = {
	"manager",        "management",  "executive",  "director",      "engineer",   "specialist",
	"representative", "officer",     "sales",      "support",       "account",    "consultant",
	"president",      "coordinator", "analyst",    "administrator", "architect",  "developer",
	"founder",        "programmer",  "scientist",  "professor",     "editor",     "partner",
	"associate",      "agent",       "advisor",    "adviser",       "technician", "chairman",
	"principal",      "counsel",     "attorney",   "accountant",    "buyer",      "purchasing",
	"procurement",    "controller",  "supervisor", "assistant",     "secretary",  "designer",
	"researcher",     "operations",  "marketing",  "chief",         "directeur",  "responsable",
	"ingénieur",      "commercial",  NULL,
};
static const char *const job_words_whole[] = {
	"vp",    "svp",   "evp", "avp", "rep",  "lead",    "ceo",
	"cto",   "cfo",   "coo", "cio", "ciso", "head of", "vice president",
	"owner", "admin", NULL,
};
static const char *const job_stems[] = {
	"vertrieb",    "leiter",       "leitung",       "berater",   "betreuer",
	"referent",    "sachbearbeit", "geschäftsführ", "ingenieur", "entwickler",
	"innendienst", "außendienst",  "kundendienst",  "einkauf",   "verkauf",
	"prokurist",   "inhaber",      "assistenz",     NULL,
};

static bool
has_job_word(const char *s, size_t len)
{
	for (size_t i = 0; job_words_whole[i]; i++)
		if (contains_word_ci(s, len, job_words_whole[i], strlen(job_words_whole[i])))
			return true;
	for (size_t i = 0; job_stems[i]; i++)
		if (contains_ci(s, len, job_stems[i]))
			return true;
	for (size_t i = 0; job_words[i]; i++) {
		size_t n = strlen(job_words[i]);

		for (size_t k = 0; k + n <= len; k++)
			if (strncasecmp(s + k, job_words[i], n) == 0 &&
			    (k == 0 || !isalpha((unsigned char)s[k - 1])))
				return true;
	}
	return false;
}

/* Words that make a line something other than a person's name:
 * greetings and closings, function words, organisations and
 * departments, months and weekdays (not April, May, June or August). */
static const char *const not_name_words[] = {
	"hi",          "hello",       "hey",        "dear",       "thanks",       "thank",
	"regards",     "best",        "cheers",     "sincerely",  "yours",        "kind",
	"warm",        "greetings",   "have",       "fun",        "good",         "luck",
	"again",       "the",         "a",          "an",         "and",          "or",
	"of",          "for",         "by",         "with",       "from",         "to",
	"in",          "on",          "at",         "all",        "your",         "our",
	"my",          "this",        "that",       "is",         "are",          "be",
	"not",         "no",          "please",     "new",        "services",     "service",
	"inc",         "ltd",         "llc",        "gmbh",       "ag",           "corp",
	"corporation", "company",     "co",         "department", "dept",         "team",
	"group",       "groups",      "supplies",   "management", "billing",      "support",
	"sales",       "news",        "newsletter", "updates",    "update",       "store",
	"shop",        "online",      "systems",    "solutions",  "technologies", "technology",
	"network",     "networks",    "foundation", "alert",      "alerts",       "reserved",
	"rights",      "copyright",   "click",      "here",       "email",        "e-mail",
	"mail",        "information", "list",       "website",    "office",       "university",
	"institute",   "college",     "school",     "center",     "centre",       "bank",
	"association", "society",     "council",    "banks",      "customer",     "customers",
	"order",       "orders",      "invoice",    "account",    "january",      "february",
	"march",       "september",   "october",    "november",   "december",     "monday",
	"tuesday",     "wednesday",   "thursday",   "friday",     "saturday",     "sunday",
	NULL,
};
static const char *const name_particles[] = {
	"van", "von",   "de",  "der", "den", "da", "di",  "du",  "la", "le",
	"del", "della", "bin", "al",  "el",  "y",  "ten", "ter", NULL,
};

static bool
ends_with_suffix(const char *w, size_t len, const char *suffix)
{
	size_t n = strlen(suffix);

	return len > n + 2 && strncasecmp(w + len - n, suffix, n) == 0;
}

/* One word of a name: capitalised (or a particle), letters, hyphens,
 * apostrophes and an initial's dot; "McKee" and "MacCarthy" but not
 * "DermotImportant". */
static bool
name_word(const char *w, size_t len, bool first)
{
	size_t lower_run = 0;

	if (len > 20 || in_list_ci(w, len, not_name_words))
		return false;
	if (!first && in_list_ci(w, len, name_particles))
		return true;
	if ((unsigned char)w[0] < 0x80 && !isupper((unsigned char)w[0]))
		return false;
	if (ends_with_suffix(w, len, "tion") || ends_with_suffix(w, len, "sion") ||
	    ends_with_suffix(w, len, "ment") || ends_with_suffix(w, len, "ness"))
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)w[i];

		if (c == '.' && i == len - 1 && len <= 3)
			continue; /* "J." */
		if (!(isalpha(c) || c >= 0x80 || c == '-' || c == '\''))
			return false;
		if (isupper(c) && i > 0 && lower_run > 3)
			return false;
		lower_run = islower(c) ? lower_run + 1 : 0;
	}
	return true;
}

/* 2 to 4 name words, with lower case somewhere ("IN THIS ISSUE" is a
 * heading), not ending in a full stop. */
static bool
looks_like_name(const char *s, size_t len)
{
	size_t words = 0, i = 0;
	bool lower = false;

	trim(&s, &len);
	while (len > 0 && s[len - 1] == ',')
		len--;
	if (len < 3 || len > 48 || s[len - 1] == '.')
		return false;
	for (size_t k = 0; k < len; k++)
		lower = lower || islower((unsigned char)s[k]);
	if (!lower)
		return false;
	while (i < len) {
		size_t start = i;

		while (i < len && s[i] != ' ')
			i++;
		if (!name_word(s + start, i - start, words == 0))
			return false;
		words++;
		while (i < len && s[i] == ' ')
			i++;
	}
	return words >= 2 && words <= 4;
}

/* The next word of a From name, parenthesised parts ("(AcmeTel)") and
 * initials left out; false at the end. */
static bool
next_sender_word(const char **p, const char **word, size_t *len)
{
	int depth = 0;

	while (**p != '\0') {
		const char *w;

		if (**p == '(')
			depth++;
		else if (**p == ')' && depth > 0)
			depth--;
		if (!isalpha((unsigned char)**p) && (unsigned char)**p < 0x80) {
			(*p)++;
			continue;
		}
		for (w = *p;
		     **p != '\0' && (isalpha((unsigned char)**p) || (unsigned char)**p >= 0x80 ||
				     **p == '-' || **p == '\'');
		     (*p)++)
			;
		if (depth > 0 || *p - w < 2)
			continue;
		*word = w;
		*len = (size_t)(*p - w);
		return true;
	}
	return false;
}

/*
 * Whether a piece of text names the From header's person: it holds two of
 * the From name's words (one if the From name has only one), whatever
 * their order ("Quinn, Dell" is "Dell Quinn").
 */
static bool
names_sender(const char *s, size_t len, const char *from_name)
{
	size_t tokens = 0, found = 0, wlen;
	const char *p = from_name, *w;

	while (next_sender_word(&p, &w, &wlen)) {
		tokens++;
		if (contains_word_ci(s, len, w, wlen))
			found++;
	}
	return tokens > 0 && found >= (tokens == 1 ? 1 : 2);
}

/* A title is a short capitalised line with a job word, not a sentence,
 * an address or a "Label: value" line. */
static bool
is_title(const char *s, size_t len)
{
	trim(&s, &len);
	while (len > 0 && (s[len - 1] == ',' || s[len - 1] == ';'))
		len--;
	if (len == 0 || len > 80 || ((unsigned char)s[0] < 0x80 && !isupper((unsigned char)s[0])) ||
	    strchr(".!?", s[len - 1]) != NULL || count_words(s, len) > 8)
		return false;
	for (size_t i = 0; i < len; i++)
		if (isdigit((unsigned char)s[i]) || s[i] == '@' || s[i] == ':')
			return false;
	if (contains_ci(s, len, "http") || contains_ci(s, len, "www."))
		return false;
	return has_job_word(s, len);
}

/* 1 to 3 capitalised words without a job word: "Initech", "Globex
 * Corporation" after "Account Manager, ". */
static bool
clearly_company(const char *s, size_t len)
{
	size_t words;

	trim(&s, &len);
	words = count_words(s, len);
	if (words == 0 || words > 3 || has_job_word(s, len))
		return false;
	for (size_t i = 0; i < len; i++)
		if ((i == 0 || s[i - 1] == ' ') && (unsigned char)s[i] < 0x80 &&
		    !isupper((unsigned char)s[i]))
			return false;
	return true;
}

static void
take_title(const char *s, size_t len, struct mail_signature *sig)
{
	const char *comma, *at;

	trim(&s, &len);
	/* "Account Manager, Initech", "Systems Architect at NewWorldIQ" */
	comma = memchr(s, ',', len);
	if (comma != NULL && clearly_company(comma + 1, len - (size_t)(comma + 1 - s)))
		len = (size_t)(comma - s);
	for (at = s; (at = memchr(at, ' ', len - (size_t)(at - s))) != NULL; at++)
		if (starts_with_ci(at, len - (size_t)(at - s), " at ") &&
		    clearly_company(at + 4, len - (size_t)(at + 4 - s))) {
			len = (size_t)(at - s);
			break;
		}
	copy_field(sig->title, sizeof sig->title, s, len);
}

/* ---- columns and phones -------------------------------------------------- */

struct column {
	const char *s;
	size_t len;
};

/* Signatures set fields apart with "|", bullets, tabs or runs of spaces:
 * "Phone: ...   E-Mail: ..." is two fields, each judged alone. */
static size_t
split_columns(const char *s, size_t len, struct column *cols)
{
	size_t n = 0, start = 0, i = 0;

	while (i <= len && n < COLUMNS_MAX) {
		size_t gap = 0;

		if (i == len)
			gap = 1;
		else if (s[i] == '|' || s[i] == '\t')
			gap = 1;
		else if (s[i] == ' ' && i + 2 < len && s[i + 1] == ' ' && s[i + 2] == ' ')
			gap = 3;
		else if (i + 2 <= len && (unsigned char)s[i] == 0xC2 &&
			 (unsigned char)s[i + 1] == 0xB7)
			gap = 2; /* · */
		else if (i + 3 <= len && memcmp(s + i, "\xE2\x80\xA2", 3) == 0)
			gap = 3; /* • */
		if (gap == 0) {
			i++;
			continue;
		}
		cols[n].s = s + start;
		cols[n].len = i - start;
		trim(&cols[n].s, &cols[n].len);
		if (cols[n].len > 0)
			n++;
		i += gap;
		start = i;
	}
	return n;
}

static const char *const phone_labels[] = {
	"tel",     "telephone", "phone",  "ph",   "direct",   "dir",  "mobile", "mob",
	"cell",    "cellphone", "office", "work", "home",     "main", "voice",  "desk",
	"t",       "m",         "p",      "o",    "d",        "c",    "w",      "h",
	"telefon", "handy",     "mobil",  "tél",  "portable", NULL,
};
static const char *const fax_labels[] = { "fax", "f", "telefax", "facsimile", "pager", NULL };

enum label { LABEL_NONE, LABEL_PHONE, LABEL_FAX, LABEL_OTHER };

/* A label word; one letter ("t", "f") only when a colon or dot follows,
 * as in "t: +353 1 4334334". */
static bool
is_label(const char *s, size_t len, size_t start, size_t end, const char *const *labels)
{
	size_t next = end;

	if (!in_list_ci(s + start, end - start, labels))
		return false;
	while (next < len && s[next] == ' ')
		next++;
	return end - start > 1 || (next < len && (s[next] == ':' || s[next] == '.'));
}

/* What the text before a number says it is: the last label decides
 * ("Tel: ... Fax: ...", "Phone: (Europe) ..."); words without a label
 * make it some other number ("US Mail: 1905 ..."). */
static enum label
label_of(const char *s, size_t len)
{
	enum label last = LABEL_NONE;
	bool words = false;
	size_t i = 0;

	while (i < len) {
		size_t start;

		if (!isalpha((unsigned char)s[i]) && (unsigned char)s[i] < 0x80) {
			i++;
			continue;
		}
		for (start = i;
		     i < len && (isalpha((unsigned char)s[i]) || (unsigned char)s[i] >= 0x80); i++)
			;
		if (is_label(s, len, start, i, fax_labels))
			last = LABEL_FAX;
		else if (is_label(s, len, start, i, phone_labels))
			last = LABEL_PHONE;
		else
			words = true;
	}
	return last != LABEL_NONE ? last : words ? LABEL_OTHER : LABEL_NONE;
}

/* Characters that glue a number to a word or an amount: "ORD-77120",
 * "#1029384", "$2,500.00", "〒101-0062". */
static bool
glues(unsigned char c)
{
	return isalnum(c) || c >= 0x80 || strchr("-#/$.,_=&%", c) != NULL;
}

/*
 * Dates ("2026-10-06", "20.10.2026", "8/22/02") and dotted quads
 * ("192.0.2.1") are shaped like phone numbers. Looks at the digit groups
 * of a candidate and the separators between them.
 */
static bool
date_or_address(const char *s, size_t len)
{
	unsigned long value[16];
	size_t digits[16], groups = 0;
	char sep[16];
	bool plain_dots = true;

	for (size_t i = 0; i < len && groups < 16;) {
		if (!isdigit((unsigned char)s[i])) {
			if (s[i] != '.')
				plain_dots = false;
			i++;
			continue;
		}
		value[groups] = 0;
		digits[groups] = 0;
		for (; i < len && isdigit((unsigned char)s[i]); i++) {
			value[groups] = value[groups] * 10 + (unsigned long)(s[i] - '0');
			digits[groups]++;
		}
		sep[groups] = i < len ? s[i] : '\0';
		if (i + 1 < len && !isdigit((unsigned char)s[i + 1]))
			sep[groups] = '\0'; /* two separators in a row */
		groups++;
	}
	if (groups == 4 && plain_dots && digits[0] <= 3 && digits[1] <= 3 && digits[2] <= 3 &&
	    digits[3] <= 3)
		return true;
	for (size_t g = 0; g + 2 < groups; g++) {
		unsigned long a = value[g], b = value[g + 1];

		if (sep[g] != sep[g + 1] || strchr("-./", sep[g]) == NULL || sep[g] == '\0')
			continue;
		if (digits[g] == 4 && digits[g + 1] <= 2 && digits[g + 2] <= 2 && b >= 1 && b <= 12)
			return true;
		if (digits[g] <= 2 && digits[g + 1] <= 2 &&
		    (digits[g + 2] == 2 || digits[g + 2] == 4) && a >= 1 && b >= 1 &&
		    ((a <= 31 && b <= 12) || (a <= 12 && b <= 31)))
			return true;
	}
	return false;
}

static void
add_phone(struct mail_signature *sig, const char *s, size_t len)
{
	char *slot = sig->phones[sig->n_phones];

	copy_field(slot, sizeof sig->phones[0], s, len);
	for (size_t k = 0; k < sig->n_phones; k++)
		if (strcmp(sig->phones[k], slot) == 0)
			return;
	sig->n_phones++;
}

/*
 * The phone numbers of one column, as written without their label: runs
 * of digits, spaces and + ( ) - . / with 7 to 15 digits. A bare digit run
 * needs a label; a number among other words needs a label or a leading
 * "+" (so an address's zip code or an id is not taken).
 */
static void
find_phones_in(const char *s, size_t len, struct mail_signature *sig)
{
	size_t context = 0;

	for (size_t i = 0; i < len && sig->n_phones < MAIL_SIGNATURE_PHONES;) {
		size_t start = i, end, digits = 0, open = 0, close = 0;
		bool plus, shaped = false, after_words;
		enum label label;

		if (!(isdigit((unsigned char)s[i]) ||
		      (s[i] == '+' && i + 1 < len &&
		       (isdigit((unsigned char)s[i + 1]) || s[i + 1] == ' ')) ||
		      (s[i] == '(' && i + 1 < len &&
		       (isdigit((unsigned char)s[i + 1]) || s[i + 1] == '+')))) {
			i++;
			continue;
		}
		if (start > 0 && glues((unsigned char)s[start - 1])) {
			/* past the whole token; "f(1" starts with a "(" */
			for (i++; i < len && (glues((unsigned char)s[i]) || s[i] == '+'); i++)
				;
			continue;
		}
		for (end = i + 1; end < len; end++) {
			char c = s[end];

			if (c == ' ' && end + 1 < len && s[end + 1] == ' ')
				break;
			if (!isdigit((unsigned char)c) && strchr(" ()-./", c) == NULL)
				break;
		}
		i = end;
		/* "(24x7)", "5x500": a number glued to a word after it is no
		 * phone; what came before a space still may be */
		if (end < len && isalpha((unsigned char)s[end]) &&
		    isdigit((unsigned char)s[end - 1])) {
			while (end > start && s[end - 1] != ' ')
				end--;
		}
		while (end > start && !isdigit((unsigned char)s[end - 1]) && s[end - 1] != ')')
			end--;
		for (size_t k = start; k < end; k++) {
			digits += isdigit((unsigned char)s[k]) != 0;
			open += s[k] == '(';
			close += s[k] == ')';
			shaped = shaped || strchr("+( -./", s[k]) != NULL;
		}
		label = label_of(s + context, start - context);
		context = i;
		plus = s[start] == '+';
		after_words = label == LABEL_OTHER;
		if (digits < 7 || digits > 15 || open != close || label == LABEL_FAX)
			continue;
		if (!(shaped || label == LABEL_PHONE) || (after_words && !plus))
			continue;
		/* a bare number must stand alone in its column */
		if (label == LABEL_NONE && !plus && label_of(s + i, len - i) != LABEL_NONE)
			continue;
		if (date_or_address(s + start, end - start))
			continue;
		add_phone(sig, s + start, end - start);
	}
}

/* ---- one block ------------------------------------------------------------ */

/* "Colm Buckley - Systems Architect", "Gregory Alan Bolcer, CTO". */
static bool
take_name_and_title(const char *s, size_t len, const char *from_name, struct mail_signature *sig)
{
	static const char *const separators[] = { ", ", " - ", " \xE2\x80\x93 ", " \xE2\x80\x94 ",
						  NULL };

	for (size_t k = 0; separators[k]; k++) {
		size_t n = strlen(separators[k]);

		for (size_t i = 0; i + n <= len; i++) {
			const char *left = s, *right = s + i + n;
			size_t llen = i, rlen = len - i - n;

			if (memcmp(s + i, separators[k], n) != 0)
				continue;
			if (starts_with_ci(left, llen, "Dr. ")) {
				left += 4;
				llen -= 4;
			}
			if (!looks_like_name(left, llen) || !is_title(right, rlen) ||
			    (from_name != NULL && !names_sender(left, llen, from_name)))
				continue;
			copy_field(sig->name, sizeof sig->name, left, llen);
			take_title(right, rlen, sig);
			return true;
		}
	}
	return false;
}

/* The name on one line, if it has one: with from_name, only the sender's. */
static bool
take_name(const struct line *l, const char *from_name, struct mail_signature *sig)
{
	struct column cols[COLUMNS_MAX];
	size_t n = split_columns(l->s, l->len, cols);

	for (size_t c = 0; c < n; c++) {
		const char *s = cols[c].s;
		size_t len = cols[c].len;

		if (take_name_and_title(s, len, from_name, sig))
			return true;
		if (has_job_word(s, len))
			continue;
		if (from_name != NULL) {
			if (!names_sender(s, len, from_name))
				continue;
			/* "Dana Whitfield (AcmeTel)": the From name is cleaner */
			if (looks_like_name(s, len))
				copy_field(sig->name, sizeof sig->name, s, len);
			else if (looks_like_name(from_name, strlen(from_name)))
				copy_field(sig->name, sizeof sig->name, from_name,
					   strlen(from_name));
			else
				continue;
			return true;
		}
		if (looks_like_name(s, len)) {
			copy_field(sig->name, sizeof sig->name, s, len);
			return true;
		}
	}
	return false;
}

static bool
find_title(const struct line *l, struct mail_signature *sig)
{
	struct column cols[COLUMNS_MAX];
	size_t n = split_columns(l->s, l->len, cols);

	for (size_t c = 0; c < n; c++)
		if (is_title(cols[c].s, cols[c].len)) {
			take_title(cols[c].s, cols[c].len, sig);
			return true;
		}
	return false;
}

/* Leading white space in columns, a tab counting 8. */
static size_t
indent_of(const struct line *l)
{
	size_t indent = 0;

	for (size_t i = 0; i < l->len && (l->s[i] == ' ' || l->s[i] == '\t'); i++)
		indent += l->s[i] == '\t' ? 8 : 1;
	return indent;
}

static void
parse_block(const struct line *lines, size_t first, size_t last, const char *from_name,
	    struct mail_signature *sig)
{
	struct column cols[COLUMNS_MAX];
	size_t name_line = SIZE_MAX;

	if (from_name != NULL && *from_name == '\0')
		from_name = NULL;
	/* the sender's own line first, then any name-shaped one */
	for (size_t i = first; from_name != NULL && i < last && name_line == SIZE_MAX; i++)
		if (take_name(&lines[i], from_name, sig))
			name_line = i;
	for (size_t i = first; i < last && name_line == SIZE_MAX; i++) {
		/* a line indented deeper than the one above it names a
		 * quotation's author ("\t\tLinus Torvalds"), not the writer */
		if (i > first && !blank(&lines[i - 1]) && indent_of(&lines[i]) >= 8 &&
		    indent_of(&lines[i - 1]) < 8)
			continue;
		if (take_name(&lines[i], NULL, sig))
			name_line = i;
	}
	/* a title belongs to a name: the line below it, else the name's own
	 * ("Jane Doe | Customer Success Manager | Fabrikam"), else any other */
	if (name_line != SIZE_MAX && sig->title[0] == '\0' &&
	    !(name_line + 1 < last && find_title(&lines[name_line + 1], sig)) &&
	    !find_title(&lines[name_line], sig))
		for (size_t i = first; i < last && sig->title[0] == '\0'; i++)
			if (i != name_line)
				find_title(&lines[i], sig);
	for (size_t i = first; i < last; i++) {
		size_t n = split_columns(lines[i].s, lines[i].len, cols);

		for (size_t c = 0; c < n; c++)
			find_phones_in(cols[c].s, cols[c].len, sig);
	}
}

/* ---- the manager ------------------------------------------------------- */

static const char *const manager_cues[] = {
	"my line manager is", "my line manager,",
	"my line manager",    "my manager is",
	"my manager,",        "my manager",
	"my supervisor is",   "my supervisor,",
	"my supervisor",      "my boss is",
	"my boss,",           "my team lead is",
	"my team leader is",  NULL,
};
static const char *const honorifics[] = {
	"mr.", "mrs.", "ms.", "dr.", "mr", "mrs", "ms", "dr", NULL
};

/* Where cue ends in text at i (a space in the cue matches any run of
 * white space, line ends included), or 0. */
static size_t
match_cue(const char *text, size_t len, size_t i, const char *cue)
{
	if (i > 0 && isalnum((unsigned char)text[i - 1]))
		return 0;
	for (; *cue != '\0'; cue++) {
		if (*cue == ' ') {
			if (i >= len || !isspace((unsigned char)text[i]))
				return 0;
			while (i < len && isspace((unsigned char)text[i]))
				i++;
			continue;
		}
		if (i >= len || tolower((unsigned char)text[i]) != *cue)
			return 0;
		i++;
	}
	return i;
}

/* 2 or 3 capitalised words at text[i]: "Tom Becker", "Jane Q. Doe". */
static bool
take_manager_name(const char *text, size_t len, size_t i, struct mail_signature *sig)
{
	size_t start, end = 0, words = 0, e;

	while (i < len && isspace((unsigned char)text[i]))
		i++;
	/* "my manager, Mr. Tom Becker": the name without the honorific */
	for (e = i; e < len && (isalpha((unsigned char)text[e]) || text[e] == '.'); e++)
		;
	if (in_list_ci(text + i, e - i, honorifics))
		for (i = e; i < len && text[i] == ' '; i++)
			;
	start = i;
	while (words < 3 && i < len && isupper((unsigned char)text[i])) {
		size_t w = i;

		while (i < len && (isalpha((unsigned char)text[i]) || text[i] == '-' ||
				   text[i] == '\'' || (unsigned char)text[i] >= 0x80))
			i++;
		if (i - w == 1 && i < len && text[i] == '.')
			i++; /* an initial */
		if (in_list_ci(text + w, i - w, not_name_words))
			break;
		end = i;
		words++;
		/* the next word on the same line, or on the next one while
		 * the name is still incomplete */
		if (i + 1 < len && (text[i] == ' ' || (text[i] == '\n' && words < 2)) &&
		    isupper((unsigned char)text[i + 1]))
			i++;
		else
			break;
	}
	if (words < 2)
		return false;
	if (end - start > 2 && strncmp(text + end - 2, "'s", 2) == 0)
		end -= 2; /* "Tom Becker's team" */
	copy_field(sig->manager, sizeof sig->manager, text + start, end - start);
	return true;
}

static void
find_manager(const char *text, size_t len, struct mail_signature *sig)
{
	for (size_t i = 0; i < len; i++) {
		if (tolower((unsigned char)text[i]) != 'm')
			continue;
		for (size_t c = 0; manager_cues[c]; c++) {
			size_t end = match_cue(text, len, i, manager_cues[c]);

			if (end > 0 && take_manager_name(text, len, end, sig))
				return;
		}
	}
}

/* ---- putting it together --------------------------------------------------- */

/* The last paragraph looks like a signature: a few short lines, none of
 * them a sentence. */
static bool
signature_shaped(const struct line *own, size_t first, size_t last)
{
	size_t long_lines = 0;

	if (last - first > BLOCK_MAX)
		return false;
	for (size_t i = first; i < last; i++) {
		const char *s = own[i].s;
		size_t len = own[i].len, words;

		trim(&s, &len);
		words = count_words(s, len);
		if (words >= 9 || (words >= 5 && strchr(".?!", s[len - 1]) != NULL))
			return false;
		if (len > 60 && ++long_lines > 1)
			return false;
	}
	return true;
}

struct block {
	size_t first, last;
};

static size_t
candidate_blocks(const struct line *own, size_t n, struct block *blocks)
{
	size_t count = 0, k, para;
	bool text_above = false;

	for (k = n; k-- > 0;)
		if (is_delimiter(&own[k])) {
			blocks[count++] =
				(struct block){ k + 1,
						k + 1 + BLOCK_MAX < n ? k + 1 + BLOCK_MAX : n };
			break;
		}
	for (k = n; k-- > 0 && n - k <= BLOCK_MAX + 1;)
		if (is_rule(&own[k])) {
			blocks[count++] = (struct block){ k + 1, n };
			break;
		}
	for (k = n; k-- > 0 && n - k <= BLOCK_MAX + 1;)
		if (is_closing(&own[k])) {
			blocks[count++] = (struct block){ k + 1, n };
			break;
		}
	for (para = n; para > 0 && !blank(&own[para - 1]); para--)
		;
	/* a message that is one paragraph is prose, not a signature */
	for (k = 0; k < para; k++)
		text_above = text_above || !blank(&own[k]);
	if (text_above && signature_shaped(own, para, n))
		blocks[count++] = (struct block){ para, n };
	return count;
}

bool
mail_signature_parse(const char *body, const char *from_name, struct mail_signature *sig)
{
	struct line *lines = NULL, *own = NULL;
	struct block blocks[CANDIDATES_MAX];
	size_t n = 0, n_own, n_blocks, text_len = 0;
	char *text = NULL;
	const char *p;
	bool chosen = false;

	memset(sig, 0, sizeof *sig);
	if (body == NULL || *body == '\0')
		return false;
	for (p = body; *p != '\0'; p++)
		n += *p == '\n';
	lines = malloc((n + 1) * sizeof *lines);
	/* each line, and a blank for each run of quotes cut out */
	own = malloc((2 * n + 2) * sizeof *own);
	if (lines == NULL || own == NULL)
		goto out;
	for (n = 0, p = body; *p != '\0';) {
		size_t len = strcspn(p, "\n");

		lines[n].s = p;
		lines[n].len = len > 0 && p[len - 1] == '\r' ? len - 1 : len;
		n++;
		p += len;
		if (*p == '\n')
			p++;
	}
	n_own = own_lines(lines, n, own);

	/* the manager: anywhere in the writer's text, sentences joined */
	for (size_t i = 0; i < n_own; i++)
		text_len += own[i].len + 1;
	text = malloc(text_len + 1);
	if (text == NULL)
		goto out;
	text_len = 0;
	for (size_t i = 0; i < n_own; i++) {
		memcpy(text + text_len, own[i].s, own[i].len);
		text_len += own[i].len;
		text[text_len++] = '\n';
	}
	find_manager(text, text_len, sig);

	/* the first candidate block with a name, else with anything */
	n_own = cut_footers(own, n_own);
	n_blocks = candidate_blocks(own, n_own, blocks);
	for (int want_name = 1; want_name >= 0 && !chosen; want_name--)
		for (size_t b = 0; b < n_blocks && !chosen; b++) {
			struct mail_signature found = { 0 };

			parse_block(own, blocks[b].first, blocks[b].last, from_name, &found);
			if (want_name ? found.name[0] != '\0'
				      : found.title[0] != '\0' || found.n_phones > 0) {
				memcpy(found.manager, sig->manager, sizeof found.manager);
				*sig = found;
				chosen = true;
			}
		}
out:
	free(text);
	free(own);
	free(lines);
	return sig->name[0] || sig->title[0] || sig->n_phones || sig->manager[0];
}
