/*
 * Amounts of money in mail text, as int64 minor units of an ISO 4217
 * currency.
 *
 * Hand-written: no Debian library reads money as people write it in mail
 * ("2.500,00 €", "CHF 1'049.95", "₹1,23,456.00", "1.899,-", "($1,234.56)",
 * "$108.43 cr"); ICU parses one locale's format at a time and we do not
 * know the writer's locale. The text is untrusted and not NUL-terminated:
 * each candidate is read once, through a token of bounded length, so a
 * scan is linear in the text.
 *
 * A number is digit groups parted by separators (',' '.' ' ' no-break
 * and thin spaces, '\'' and U+2019). Which separator is the decimal one:
 *   - two kinds present: the last one ("1.234,56", "1,234.56");
 *   - one kind, more than once: grouping ("1,234,567");
 *   - once, not followed by exactly three digits: decimal ("12,50");
 *   - once, followed by three: ambiguous ("12,500"). Read as the hint
 *     says (the vendor's convention, or the document's language), else as
 *     grouping unless the currency has three decimals; the other reading
 *     is kept for the caller to decide later.
 * Groups after the first have three digits (Indian grouping: twos, then a
 * last three); anything else is not an amount, which turns away dates
 * ("15.08.2017"), glued columns ("0.005.00") and most phone numbers.
 * Not amounts either: numbers glued to letters or to "-", "#", "/" before
 * them (INV-1007, No.5, 12/15), a '%' after, more than 15 integer digits.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "ascii.h"
#include "mail.h"

#define GROUPS_MAX 8
#define INTEGER_DIGITS_MAX 15

struct currency {
	const char *code;
	int digits;
};

/* The codes we recognise written out, with their minor-unit digits. */
static const struct currency currencies[] = {
	{ "USD", 2 }, { "EUR", 2 }, { "GBP", 2 }, { "JPY", 0 }, { "CHF", 2 }, { "CAD", 2 },
	{ "AUD", 2 }, { "NZD", 2 }, { "INR", 2 }, { "CNY", 2 }, { "HKD", 2 }, { "SGD", 2 },
	{ "SEK", 2 }, { "NOK", 2 }, { "DKK", 2 }, { "PLN", 2 }, { "CZK", 2 }, { "HUF", 2 },
	{ "KWD", 3 }, { "BHD", 3 }, { "OMR", 3 }, { "JOD", 3 }, { "TND", 3 }, { "IQD", 3 },
	{ "LYD", 3 }, { "BRL", 2 }, { "MXN", 2 }, { "ZAR", 2 }, { "RUB", 2 }, { "TRY", 2 },
	{ "ILS", 2 }, { "KRW", 0 }, { "AED", 2 }, { "SAR", 2 }, { "ISK", 0 }, { "CLP", 0 },
	{ "VND", 0 }, { "RON", 2 }, { "BGN", 2 }, { "THB", 2 }, { "TWD", 2 }, { "MYR", 2 },
	{ "PHP", 2 }, { "IDR", 2 }, { "UAH", 2 }, { "QAR", 2 }, { "EGP", 2 }, { "NGN", 2 },
};

/* Symbols, longest first where one is the end of another ("US$", "$"). */
static const struct {
	const char *symbol;
	const char *code;
} symbols[] = {
	{ "US$", "USD" },
	{ "C$", "CAD" },
	{ "CA$", "CAD" },
	{ "A$", "AUD" },
	{ "AU$", "AUD" },
	{ "NZ$", "NZD" },
	{ "HK$", "HKD" },
	{ "S$", "SGD" },
	{ "R$", "BRL" },
	{ "MX$", "MXN" },
	{ "$", "USD" },
	{ "\xE2\x82\xAC", "EUR" },
	{ "\xC2\xA3", "GBP" },
	{ "\xC2\xA5", "JPY" },
	{ "\xEF\xBF\xA5", "JPY" },
	{ "\xE5\x86\x86", "JPY" }, /* 円, after the number: "132,000円" */
	{ "\xE2\x82\xB9", "INR" },
	{ "\xE2\x82\xA9", "KRW" },
	{ "\xE2\x82\xBD", "RUB" },
	{ "\xE2\x82\xBA", "TRY" },
	{ "\xE2\x82\xAA", "ILS" },
	{ "z\xC5\x82", "PLN" },
	{ "Fr.", "CHF" },
	{ "Rs.", "INR" },
};

#define MINUS_SIGN "\xE2\x88\x92" /* U+2212 */
#define EN_DASH "\xE2\x80\x93"

int
mail_currency_digits(const char *code)
{
	for (size_t i = 0; i < sizeof currencies / sizeof currencies[0]; i++)
		if (strcmp(currencies[i].code, code) == 0)
			return currencies[i].digits;
	return -1;
}

const char *
mail_currency_symbol(const char *code)
{
	static const char *const preferred[][2] = {
		{ "USD", "$" },        { "EUR", "\xE2\x82\xAC" }, { "GBP", "\xC2\xA3" },
		{ "JPY", "\xC2\xA5" }, { "INR", "\xE2\x82\xB9" },
	};

	for (size_t i = 0; i < sizeof preferred / sizeof preferred[0]; i++)
		if (strcmp(preferred[i][0], code) == 0)
			return preferred[i][1];
	return NULL;
}

/* A letter of any script: ASCII, or a UTF-8 lead byte of a letter-bearing
 * range (Latin-1 and up, not the symbols and punctuation we read). */
static bool
is_wordish(const char *t, size_t len, size_t i)
{
	unsigned char c = (unsigned char)t[i];

	if (ascii_alpha((char)c) || ascii_digit((char)c) || c == '_')
		return true;
	if (c == 0xC3 || (c >= 0xC4 && c <= 0xDF && c != 0xC2))
		return true; /* Latin-1 letters, Latin Extended, Greek, Cyrillic... */
	(void)len;
	return false;
}

static bool
starts_with(const char *t, size_t len, size_t i, const char *s)
{
	size_t n = strlen(s);

	return i <= len && len - i >= n && memcmp(t + i, s, n) == 0;
}

/* Length of a space that may part digit groups at t[i], else 0. */
static size_t
group_space_at(const char *t, size_t len, size_t i)
{
	if (i < len && t[i] == ' ')
		return 1;
	if (starts_with(t, len, i, "\xC2\xA0")) /* no-break space */
		return 2;
	if (starts_with(t, len, i, "\xE2\x80\xAF") || /* narrow no-break space */
	    starts_with(t, len, i, "\xE2\x80\x89"))   /* thin space */
		return 3;
	return 0;
}

/* Length of any space at t[i] (between a number and its currency). */
static size_t
space_at(const char *t, size_t len, size_t i)
{
	return group_space_at(t, len, i);
}

/* Length of a currency symbol or code at t[i], its code in *code. */
static size_t
currency_at(const char *t, size_t len, size_t i, const char **code)
{
	for (size_t k = 0; k < sizeof symbols / sizeof symbols[0]; k++)
		if (starts_with(t, len, i, symbols[k].symbol)) {
			*code = symbols[k].code;
			return strlen(symbols[k].symbol);
		}
	if (len - i >= 3 && ascii_alpha(t[i]) && ascii_alpha(t[i + 1]) && ascii_alpha(t[i + 2]) &&
	    (len - i == 3 || !is_wordish(t, len, i + 3))) {
		char up[4] = { (char)(t[i] & ~0x20), (char)(t[i + 1] & ~0x20),
			       (char)(t[i + 2] & ~0x20), 0 };

		/* written as a code: upper case only ("usd" is a word) */
		if (memcmp(up, t + i, 3) != 0)
			return 0;
		for (size_t k = 0; k < sizeof currencies / sizeof currencies[0]; k++)
			if (strcmp(currencies[k].code, up) == 0) {
				*code = currencies[k].code;
				return 3;
			}
	}
	return 0;
}

/* A currency ending exactly at t[end) (a symbol or a code, the code not
 * glued to a word before it); its start in *start. */
static bool
currency_before(const char *t, size_t end, size_t *start, const char **code)
{
	for (size_t n = 1; n <= 4 && n <= end; n++) {
		size_t s = end - n, got = currency_at(t, end, s, code);

		if (got == n && (ascii_alpha(t[s]) ? s == 0 || !is_wordish(t, end, s - 1) : true)) {
			/* "$" inside "US$" is found at n = 1 first; prefer the
			 * longer symbol */
			size_t best = s;
			const char *best_code = *code;

			for (size_t m = n + 1; m <= 4 && m <= end; m++) {
				const char *c2;

				if (currency_at(t, end, end - m, &c2) == m) {
					best = end - m;
					best_code = c2;
				}
			}
			*start = best;
			*code = best_code;
			return true;
		}
	}
	return false;
}

struct token {
	size_t start, end; /* the digits and separators */
	size_t n;          /* groups */
	size_t glen[GROUPS_MAX];
	uint64_t gval[GROUPS_MAX];
	char sep[GROUPS_MAX]; /* sep[k] before group k+1: ',', '.', ' ' or '\'' */
	bool dash_decimals;   /* "1.899,-" */
};

/* Reads the digit groups at t[i] (a digit). False when too many groups
 * or digits for an amount. */
static bool
read_token(const char *t, size_t len, size_t i, struct token *tk)
{
	memset(tk, 0, sizeof *tk);
	tk->start = i;
	for (;;) {
		size_t d = 0;
		uint64_t v = 0;

		while (i < len && ascii_digit(t[i])) {
			if (d < 19)
				v = v * 10 + (uint64_t)(t[i] - '0');
			d++;
			i++;
		}
		if (tk->n == GROUPS_MAX || d > 18)
			return false;
		tk->glen[tk->n] = d;
		tk->gval[tk->n] = v;
		tk->n++;
		tk->end = i;
		/* a separator followed by a digit continues the number */
		if (i < len && (t[i] == ',' || t[i] == '.')) {
			if (i + 1 < len && ascii_digit(t[i + 1])) {
				tk->sep[tk->n - 1] = t[i];
				i++;
				continue;
			}
			if (i + 1 < len &&
			    (t[i + 1] == '-' || starts_with(t, len, i + 1, EN_DASH)) &&
			    (i + 2 >= len || !ascii_digit(t[i + 1 + (t[i + 1] == '-' ? 1 : 3)]))) {
				tk->dash_decimals = true;
				tk->sep[tk->n - 1] = t[i];
				tk->end = i + (t[i + 1] == '-' ? 2 : 4);
			}
			return true;
		}
		if (i < len && (t[i] == '\'' || starts_with(t, len, i, "\xE2\x80\x99"))) {
			size_t w = t[i] == '\'' ? 1 : 3;

			if (i + w < len && ascii_digit(t[i + w])) {
				tk->sep[tk->n - 1] = '\'';
				i += w;
				continue;
			}
			return true;
		}
		/* spaces group only a group of exactly three digits */
		size_t w = group_space_at(t, len, i);
		if (w > 0 && i + w + 3 <= len && ascii_digit(t[i + w]) &&
		    ascii_digit(t[i + w + 1]) && ascii_digit(t[i + w + 2]) &&
		    (i + w + 3 == len || !ascii_digit(t[i + w + 3])) && tk->glen[0] <= 3) {
			tk->sep[tk->n - 1] = ' ';
			i += w;
			continue;
		}
		return true;
	}
}

static bool
leading_zero(const struct token *tk, size_t k)
{
	uint64_t low = 1;

	for (size_t d = 1; d < tk->glen[k]; d++)
		low *= 10;
	return tk->glen[k] > 1 && tk->gval[k] < low;
}

/* The integer part's groups, tk->glen[0..n_int). */
static bool
groups_valid(const struct token *tk, size_t n_int)
{
	bool indian;

	if (n_int == 0 || tk->glen[0] == 0 || leading_zero(tk, 0))
		return false;
	if (n_int == 1)
		return tk->glen[0] <= INTEGER_DIGITS_MAX;
	if (tk->glen[0] > 3 || tk->gval[0] == 0)
		return false;
	/* Indian grouping: 1,23,45,678 */
	indian = n_int >= 3 && tk->glen[0] <= 2 && tk->glen[n_int - 1] == 3;
	for (size_t k = 1; k + 1 < n_int && indian; k++)
		indian = tk->glen[k] == 2 && tk->sep[k - 1] == ',';
	if (indian)
		return true;
	for (size_t k = 1; k < n_int; k++)
		if (tk->glen[k] != 3)
			return false;
	return true;
}

/* The token's value in minor units of a currency with `digits`
 * decimals, reading separator `dec` (0: none) as the decimal one. */
static bool
token_value(const struct token *tk, char dec, int digits, int64_t *out)
{
	size_t n_int = tk->n;
	uint64_t major = 0, frac = 0;
	size_t flen = 0, int_digits = 0;

	if (dec != 0 && tk->n >= 2 && tk->sep[tk->n - 2] == dec) {
		n_int = tk->n - 1;
		frac = tk->gval[tk->n - 1];
		flen = tk->glen[tk->n - 1];
		if (flen > 3)
			return false;
	}
	if (!groups_valid(tk, n_int))
		return false;
	for (size_t k = 0; k < n_int; k++) {
		int_digits += tk->glen[k];
		for (size_t d = 0; d < tk->glen[k]; d++)
			major *= 10;
		major += tk->gval[k];
	}
	if (int_digits > INTEGER_DIGITS_MAX)
		return false;
	uint64_t scale = 1;
	for (int d = 0; d < digits; d++)
		scale *= 10;
	/* the fraction in minor units, rounded half away from zero */
	uint64_t minor_frac = 0;
	if (flen > 0) {
		uint64_t num = frac, den = 1;

		for (size_t d = 0; d < flen; d++)
			den *= 10;
		minor_frac = (num * scale * 2 + den) / (den * 2);
	}
	/* Rounding may carry into a 16th integer digit
	 * (999999999999999.999 is 1,000,000,000,000,000.00): refused like
	 * one written, or vtriage would print an amount it cannot read
	 * back (found by tests/fuzz/fuzz-amount.c). */
	if (major + minor_frac / scale > 999999999999999u)
		return false;
	*out = (int64_t)(major * scale + minor_frac);
	return true;
}

/* Currencies written with a decimal point wherever they are billed: a
 * comma before three digits groups them ("$12,500", "¥12,000"). */
static bool
point_currency(const char *code)
{
	static const char *const codes[] = { "USD", "GBP", "JPY", "INR", "CNY", "AUD", "CAD",
					     "NZD", "HKD", "SGD", "KRW", "MXN", "ILS", "THB",
					     "TWD", "MYR", "PHP", "AED", "SAR", "QAR", "EGP",
					     "NGN", "KWD", "BHD", "OMR", "JOD", "IQD" };

	for (size_t i = 0; code != NULL && i < sizeof codes / sizeof codes[0]; i++)
		if (strcmp(code, codes[i]) == 0)
			return true;
	return false;
}

static bool
fill(const struct token *tk, const char *code, enum mail_decimal hint, struct mail_amount *out)
{
	int digits = code && *code ? mail_currency_digits(code) : 2;
	char last = tk->n >= 2 ? tk->sep[tk->n - 2] : 0;
	char dec = 0, alt_dec = 0;
	bool ambiguous = false;

	if (digits < 0)
		digits = 2;
	if (point_currency(code))
		hint = MAIL_DECIMAL_DOT;
	if (tk->dash_decimals) {
		/* "1.899,-": the separator before the dash is the decimal
		 * one; every other is grouping */
		char d = tk->sep[tk->n - 1];

		for (size_t k = 0; k + 1 < tk->n; k++)
			if (tk->sep[k] == d)
				return false;
		if (!token_value(tk, 0, digits, &out->money.minor))
			return false;
		out->decimal = d == ',' ? MAIL_DECIMAL_COMMA : MAIL_DECIMAL_DOT;
		goto done;
	}
	if (last == ',' || last == '.') {
		bool other_kind = false, same_kind = false;

		for (size_t k = 0; k + 2 < tk->n; k++) {
			if (tk->sep[k] == last)
				same_kind = true;
			else
				other_kind = true;
		}
		if (same_kind)
			dec = 0;
		else if (other_kind || tk->glen[tk->n - 1] != 3 || tk->gval[0] == 0 ||
			 tk->glen[0] > 3)
			dec = last;
		else if (digits == 0)
			dec = 0; /* no decimals to have: "¥12,000", "¥12.000" */
		else {
			/* "12,500": either reading holds. Without a hint, both
			 * separators group (few write 2.500 for 2.50), but
			 * for a currency of three decimals. */
			char hinted = hint == MAIL_DECIMAL_COMMA ? ','
				      : hint == MAIL_DECIMAL_DOT ? '.'
				      : digits == 3              ? last
								 : 0;

			ambiguous = true;
			dec = hinted == last ? last : 0;
			alt_dec = dec == 0 ? last : 0;
		}
	}
	if (!token_value(tk, dec, digits, &out->money.minor))
		return false;
	out->ambiguous = ambiguous && token_value(tk, alt_dec, digits, &out->alt_minor);
	if (!ambiguous && last != 0) {
		if (dec == '.' || (dec == 0 && last == ','))
			out->decimal = MAIL_DECIMAL_DOT;
		else if (dec == ',' || (dec == 0 && last == '.'))
			out->decimal = MAIL_DECIMAL_COMMA;
	}
done:
	if (code != NULL)
		memcpy(out->money.currency, code, 4);
	return true;
}

/* Whatever follows the number at t[i] that makes it no amount: a
 * percent sign, a letter or digit glued on ("12kg" but not "12EUR"), a
 * date or time going on ("2026-12", "12:30", "12/15"). */
static bool
bad_follower(const char *t, size_t len, size_t i)
{
	size_t w;

	if (i >= len)
		return false;
	if (t[i] == '%')
		return true;
	if ((w = space_at(t, len, i)) > 0 && i + w < len && t[i + w] == '%')
		return true;
	if ((t[i] == '/' || t[i] == ':') && i + 1 < len && ascii_digit(t[i + 1]))
		return true;
	if (t[i] == '-' && i + 1 < len && ascii_digit(t[i + 1]))
		return true;
	if (is_wordish(t, len, i)) {
		const char *code;

		if (currency_at(t, len, i, &code) > 0)
			return false;
		if ((t[i] == 'c' || t[i] == 'C') && i + 1 < len &&
		    (t[i + 1] == 'r' || t[i + 1] == 'R') &&
		    (i + 2 == len || !is_wordish(t, len, i + 2)))
			return false;
		return true;
	}
	return false;
}

/* Whatever precedes the number at t[i] that makes it no amount. */
static bool
bad_leader(const char *t, size_t i)
{
	if (i == 0)
		return false;
	char c = t[i - 1];

	if (ascii_digit(c) || c == '#' || c == '/' || c == '.' || c == ',' || c == '_' ||
	    c == '+' || c == ':')
		return true;
	if (is_wordish(t, i, i - 1)) {
		/* "USD2500": a code glued on is fine, "No5" is not */
		const char *code;
		size_t s;

		return !currency_before(t, i, &s, &code);
	}
	if (c == '-' && i >= 2 && is_wordish(t, i, i - 2))
		return true; /* INV-1007 */
	return false;
}

static bool
is_dollar(const char *code)
{
	static const char *const dollars[] = { "USD", "CAD", "AUD", "NZD",
					       "HKD", "SGD", "MXN", "TWD" };

	for (size_t k = 0; k < sizeof dollars / sizeof dollars[0]; k++)
		if (strcmp(dollars[k], code) == 0)
			return true;
	return false;
}

/* The dollar a bare "$" at t[dollar] is, by a dollar's code after the
 * number ending at *end (then the amount ends after it) or before the
 * sign, in parentheses or not; else code, as the symbol said. */
static const char *
dollar_named(const char *t, size_t len, size_t dollar, size_t *end, const char *code)
{
	const char *named;
	size_t a = *end + space_at(t, len, *end), got, b = dollar;

	if ((got = currency_at(t, len, a, &named)) == 3 && is_dollar(named) &&
	    (a + got == len || !is_wordish(t, len, a + got))) {
		*end = a + got;
		return named;
	}
	while (b > 0 && t[b - 1] == ' ')
		b--;
	if (b > 0 && t[b - 1] == ')')
		b--;
	if (b >= 3 && currency_at(t, b, b - 3, &named) == 3 && is_dollar(named) &&
	    (b == 3 || !is_wordish(t, b, b - 4)))
		return named;
	return code;
}

/* Reads an amount whose number starts at t[i]; require_currency: only
 * with a currency written beside it. */
static bool
amount_at(const char *t, size_t len, size_t i, bool require_currency, enum mail_decimal hint,
	  struct mail_amount *out)
{
	struct token tk;
	const char *code = NULL;
	size_t start = i, end, w, cstart;
	bool negative = false;

	memset(out, 0, sizeof *out);
	if (bad_leader(t, i) || !read_token(t, len, i, &tk))
		return false;
	end = tk.end;
	/* a currency before: "$", "USD ", "€ " */
	size_t before = i;
	if (before > 0 && (t[before - 1] == '-' || t[before - 1] == '('))
		before--; /* a sign right before the number: "USD -45" */
	else if (before >= 3 && starts_with(t, len, before - 3, MINUS_SIGN))
		before -= 3;
	size_t b = before;
	for (w = 0; b > 0 && w < 3;)
		if (t[b - 1] == ' ') {
			b--;
			w++;
		} else if (b >= 2 && starts_with(t, len, b - 2, "\xC2\xA0")) {
			b -= 2;
			w++;
		} else if (b >= 3 && (starts_with(t, len, b - 3, "\xE2\x80\xAF") ||
				      starts_with(t, len, b - 3, "\xE2\x80\x89"))) {
			b -= 3;
			w++;
		} else
			break;
	if (currency_before(t, before, &cstart, &code) ||
	    (w == 1 && currency_before(t, b, &cstart, &code))) {
		/* the sign goes before the currency or after it */
		if (before < i && cstart < before) {
			size_t sign = before;

			if (t[sign] == '(')
				code = NULL; /* "USD (45)": not our form */
			else if (t[sign] == '-' || (unsigned char)t[sign] == 0xE2) {
				start = cstart;
				negative = true;
			}
		} else
			start = cstart;
	} else
		code = NULL;
	if (bad_follower(t, len, end) && !(code == NULL && currency_at(t, len, end, &code) > 0))
		return false;
	/* "$" is many countries' dollar: a code beside it says which
	 * ("$1,200.00 CAD", "AUD $1,100", "(AUD) $1,100") */
	if (code != NULL && start < i && t[start] == '$')
		code = dollar_named(t, len, start, &end, code);
	/* a currency after: "€", " €", " EUR" */
	if (code == NULL) {
		size_t a = end + space_at(t, len, end);
		size_t got = currency_at(t, len, a, &code);

		if (got > 0 && (a + got == len || !is_wordish(t, len, a + got) ||
				(unsigned char)t[a + got - 1] >= 0x80))
			end = a + got;
		else
			code = NULL;
	}
	if (code == NULL && require_currency)
		return false;
	if (!fill(&tk, code, hint, out))
		return false;
	/* signs: -$5, −45,00 €, ($1.00), 1,234.56-, $108.43 cr */
	if (negative)
		;
	else if (start > 0 && t[start - 1] == '-' &&
		 !(start >= 2 && is_wordish(t, len, start - 2))) {
		negative = true;
		start--;
	} else if (start >= 3 && starts_with(t, len, start - 3, MINUS_SIGN)) {
		negative = true;
		start -= 3;
	} else if (start > 0 && t[start - 1] == '(' && end < len && t[end] == ')') {
		negative = true;
		start--;
		end++;
	}
	if (!negative && !tk.dash_decimals && end == tk.end && end < len && t[end] == '-' &&
	    (end + 1 == len || !ascii_digit(t[end + 1]))) {
		negative = true;
		end++;
	}
	if (!negative) {
		size_t a = end + space_at(t, len, end);

		if (a + 2 <= len && (t[a] == 'c' || t[a] == 'C') &&
		    (t[a + 1] == 'r' || t[a + 1] == 'R') &&
		    (a + 2 == len || !is_wordish(t, len, a + 2))) {
			negative = true;
			end = a + 2;
		}
	}
	if (negative) {
		out->money.minor = -out->money.minor;
		out->alt_minor = -out->alt_minor;
	}
	out->start = start;
	out->end = end;
	return true;
}

bool
mail_amount_next(const char *text, size_t len, size_t *pos, bool require_currency,
		 enum mail_decimal hint, struct mail_amount *out)
{
	size_t i = *pos;

	while (i < len) {
		if (!ascii_digit(text[i]) || (i > 0 && ascii_digit(text[i - 1]))) {
			i++;
			continue;
		}
		if (amount_at(text, len, i, require_currency, hint, out)) {
			*pos = out->end > i ? out->end : i + 1;
			return true;
		}
		/* skip the rest of this run of digits and separators */
		while (i < len && (ascii_digit(text[i]) || text[i] == ',' || text[i] == '.' ||
				   text[i] == '\''))
			i++;
	}
	*pos = len;
	return false;
}

bool
mail_amount_parse(const char *s, enum mail_decimal hint, struct mail_amount *out)
{
	size_t len = strlen(s), pos = 0;

	while (pos < len && s[pos] == ' ')
		pos++;
	while (len > pos && s[len - 1] == ' ')
		len--;
	if (!mail_amount_next(s, len, &pos, false, hint, out))
		return false;
	/* the whole string, and nothing but the amount */
	return out->start == 0 || (out->start > 0 && s[out->start - 1] == ' ' &&
				   strspn(s, " ") >= out->start)
		       ? out->end == len
		       : false;
}

size_t
mail_money_format(const struct mail_money *m, char *buf, size_t len)
{
	int digits = mail_currency_digits(m->currency);
	const char *symbol = mail_currency_symbol(m->currency);
	uint64_t v = m->minor < 0 ? (uint64_t)0 - (uint64_t)m->minor : (uint64_t)m->minor;
	uint64_t scale = 1, major, frac;
	char num[48], grouped[64];
	int n, g = 0;

	if (digits < 0)
		digits = 2;
	for (int d = 0; d < digits; d++)
		scale *= 10;
	major = v / scale;
	frac = v % scale;
	n = snprintf(num, sizeof num, "%llu", (unsigned long long)major);
	for (int k = 0; k < n; k++) {
		if (k > 0 && (n - k) % 3 == 0)
			grouped[g++] = ',';
		grouped[g++] = num[k];
	}
	grouped[g] = '\0';
	if (digits > 0) {
		grouped[g++] = '.';
		for (int d = digits - 1; d >= 0; d--, frac /= 10)
			grouped[g + d] = (char)('0' + frac % 10);
		grouped[g + digits] = '\0';
	}
	if (symbol != NULL)
		n = snprintf(buf, len, "%s%s%s", m->minor < 0 ? "-" : "", symbol, grouped);
	else
		n = snprintf(buf, len, "%s%s%s%s", m->minor < 0 ? "-" : "", m->currency,
			     *m->currency ? " " : "", grouped);
	return n < 0 ? 0 : (size_t)n;
}
