/*
 * Calendar dates in mail text: "2026-12-15", "15.12.2026", "12/15/2026",
 * "Aug 3, 2026", "3. August 2026", "30 novembre 2026", "15 de diciembre
 * de 2026".
 *
 * Hand-written: strptime() reads one format in the C locale's month
 * names, and ICU's date parsing wants to know the locale and the pattern
 * first; a bill names its dates in whichever of six languages and a
 * handful of layouts. ISO first; dotted dates are day-first; slashed ones
 * follow the order the caller knows (the vendor's), else are read
 * month-first and marked ambiguous when both readings are dates.
 * Invalid dates (29 February 2027, 31 April) are not dates. The text is
 * untrusted and not NUL-terminated; each start is read once, in bounded
 * steps, so a scan is linear.
 */
#include "config.h"

#include <string.h>

#include "ascii.h"
#include "mail.h"

struct month_name {
	const char *name;
	int month;
};

/* English, German, French, Spanish, Dutch and Italian, lower case;
 * longer names before their prefixes. */
static const struct month_name months[] = {
	{ "january", 1 },
	{ "januar", 1 },
	{ "januari", 1 },
	{ "janvier", 1 },
	{ "enero", 1 },
	{ "gennaio", 1 },
	{ "jan", 1 },
	{ "february", 2 },
	{ "februar", 2 },
	{ "februari", 2 },
	{ "f\xC3\xA9vrier", 2 },
	{ "fevrier", 2 },
	{ "febrero", 2 },
	{ "febbraio", 2 },
	{ "feb", 2 },
	{ "march", 3 },
	{ "m\xC3\xA4rz", 3 },
	{ "maerz", 3 },
	{ "mars", 3 },
	{ "marzo", 3 },
	{ "maart", 3 },
	{ "mar", 3 },
	{ "april", 4 },
	{ "avril", 4 },
	{ "abril", 4 },
	{ "aprile", 4 },
	{ "apr", 4 },
	{ "mayo", 5 },
	{ "maggio", 5 },
	{ "may", 5 },
	{ "mai", 5 },
	{ "mei", 5 },
	{ "june", 6 },
	{ "juni", 6 },
	{ "juin", 6 },
	{ "junio", 6 },
	{ "giugno", 6 },
	{ "jun", 6 },
	{ "july", 7 },
	{ "juli", 7 },
	{ "juillet", 7 },
	{ "julio", 7 },
	{ "luglio", 7 },
	{ "jul", 7 },
	{ "august", 8 },
	{ "augustus", 8 },
	{ "ao\xC3\xBBt", 8 },
	{ "aout", 8 },
	{ "agosto", 8 },
	{ "aug", 8 },
	{ "september", 9 },
	{ "septembre", 9 },
	{ "septiembre", 9 },
	{ "settembre", 9 },
	{ "sept", 9 },
	{ "sep", 9 },
	{ "october", 10 },
	{ "oktober", 10 },
	{ "octobre", 10 },
	{ "octubre", 10 },
	{ "ottobre", 10 },
	{ "oct", 10 },
	{ "okt", 10 },
	{ "november", 11 },
	{ "novembre", 11 },
	{ "noviembre", 11 },
	{ "nov", 11 },
	{ "december", 12 },
	{ "dezember", 12 },
	{ "d\xC3\xA9"
	  "cembre",
	  12 },
	{ "decembre", 12 },
	{ "diciembre", 12 },
	{ "dicembre", 12 },
	{ "dec", 12 },
	{ "dez", 12 },
	{ "dic", 12 },
};

static bool
is_letter_at(const char *t, size_t len, size_t i)
{
	return i < len && (ascii_alpha(t[i]) || (unsigned char)t[i] >= 0x80);
}

bool
mail_date_valid(int year, int month, int day)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

	if (year < 1900 || year > 2199 || month < 1 || month > 12 || day < 1)
		return false;
	return day <= days[month - 1] + (month == 2 && leap);
}

/* Digits at t[i], at most max of them, as a number; their count in *n. */
static int
number_at(const char *t, size_t len, size_t i, size_t max, size_t *n)
{
	int v = 0;

	*n = 0;
	while (i + *n < len && *n < max + 1 && ascii_digit(t[i + *n])) {
		v = v * 10 + (t[i + *n] - '0');
		(*n)++;
	}
	if (*n > max)
		*n = 0;
	return v;
}

/* The month whose name starts at t[i] (a word of its own), its length
 * in *n; 0 when none. A name may be cut short with a dot ("Aug."). */
static int
month_at(const char *t, size_t len, size_t i, size_t *n)
{
	size_t w = 0;
	char word[16];

	while (i + w < len && w < sizeof word - 1 && is_letter_at(t, len, i + w)) {
		char c = t[i + w];

		word[w] = c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
		w++;
	}
	if (w == 0 || w == sizeof word - 1 || is_letter_at(t, len, i + w))
		return 0;
	word[w] = '\0';
	for (size_t k = 0; k < sizeof months / sizeof months[0]; k++)
		if (strcmp(word, months[k].name) == 0) {
			*n = w + (i + w < len && t[i + w] == '.');
			return months[k].month;
		}
	return 0;
}

static size_t
skip_spaces(const char *t, size_t len, size_t i)
{
	for (;;) {
		if (i < len && (t[i] == ' ' || t[i] == '\t'))
			i++;
		else if (i + 1 < len && (unsigned char)t[i] == 0xC2 &&
			 (unsigned char)t[i + 1] == 0xA0)
			i += 2;
		else
			return i;
	}
}

/* "de " (Spanish, "15 de diciembre de 2026") */
static size_t
skip_de(const char *t, size_t len, size_t i)
{
	if (i + 3 <= len && (t[i] == 'd' || t[i] == 'D') && t[i + 1] == 'e' && t[i + 2] == ' ')
		return skip_spaces(t, len, i + 3);
	return i;
}

static bool
finish(int y, int m, int d, size_t start, size_t end, bool ambiguous, struct mail_date *out)
{
	if (!mail_date_valid(y, m, d))
		return false;
	out->year = y;
	out->month = m;
	out->day = d;
	out->start = start;
	out->end = end;
	out->ambiguous = ambiguous;
	return true;
}

/* A four-digit year at t[i], not glued to more digits. */
static int
year_at(const char *t, size_t len, size_t i, size_t *n)
{
	int y = number_at(t, len, i, 4, n);

	return *n == 4 ? y : 0;
}

/* "Aug 3, 2026", "August 3rd 2026" */
static bool
named_month_first(const char *t, size_t len, size_t i, struct mail_date *out)
{
	size_t n, j;
	int m = month_at(t, len, i, &n), d, y;

	if (m == 0)
		return false;
	j = skip_spaces(t, len, i + n);
	if (j == i + n)
		return false;
	d = number_at(t, len, j, 2, &n);
	if (n == 0)
		return false;
	j += n;
	if (j + 2 <= len && (memcmp(t + j, "st", 2) == 0 || memcmp(t + j, "nd", 2) == 0 ||
			     memcmp(t + j, "rd", 2) == 0 || memcmp(t + j, "th", 2) == 0))
		j += 2;
	if (j < len && t[j] == ',')
		j++;
	j = skip_spaces(t, len, j);
	y = year_at(t, len, j, &n);
	if (y == 0 || (j + n < len && ascii_digit(t[j + n])))
		return false;
	return finish(y, m, d, i, j + n, false, out);
}

/* Dates starting with a number at t[i]. */
static bool
number_first(const char *t, size_t len, size_t i, enum mail_date_order order, struct mail_date *out)
{
	size_t n, n2, n3, j;
	int a = number_at(t, len, i, 4, &n), b, c;

	if (n == 0)
		return false;
	j = i + n;
	if (n == 4) {
		/* ISO: 2026-12-15, 2026/12/15, 2026.12.15 */
		char sep = j < len ? t[j] : 0;

		if (sep != '-' && sep != '/' && sep != '.')
			return false;
		b = number_at(t, len, j + 1, 2, &n2);
		if (n2 == 0 || j + 1 + n2 >= len || t[j + 1 + n2] != sep)
			return false;
		c = number_at(t, len, j + 2 + n2, 2, &n3);
		if (n3 == 0 || (j + 2 + n2 + n3 < len && ascii_digit(t[j + 2 + n2 + n3])))
			return false;
		return finish(a, b, c, i, j + 2 + n2 + n3, false, out);
	}
	if (n > 2)
		return false;
	if (j < len && (t[j] == '.' || t[j] == '/' || t[j] == '-') && j + 1 < len &&
	    ascii_digit(t[j + 1])) {
		char sep = t[j];

		b = number_at(t, len, j + 1, 2, &n2);
		if (n2 == 0 || j + 1 + n2 >= len || t[j + 1 + n2] != sep)
			return false;
		c = year_at(t, len, j + 2 + n2, &n3);
		/* "renews on 12/1/26": a slashed date's year may be two
		 * digits, of this century (dotted or dashed, such numbers
		 * are versions and references more often than dates) */
		if (c == 0 && sep == '/') {
			c = number_at(t, len, j + 2 + n2, 2, &n3);
			c = n3 == 2 ? 2000 + c : 0;
		}
		if (c == 0 || (j + 2 + n2 + n3 < len && ascii_digit(t[j + 2 + n2 + n3])))
			return false;
		if (sep == '.')
			return finish(c, b, a, i, j + 2 + n2 + n3, false, out);
		/* slashed (or dashed): the vendor's order, else month first */
		bool dmy_ok = mail_date_valid(c, b, a), mdy_ok = mail_date_valid(c, a, b);
		if (order == MAIL_DATE_DMY || (order == MAIL_DATE_ORDER_UNKNOWN && !mdy_ok))
			return finish(c, b, a, i, j + 2 + n2 + n3,
				      order == MAIL_DATE_ORDER_UNKNOWN && mdy_ok, out);
		if (order == MAIL_DATE_MDY || mdy_ok)
			return finish(c, a, b, i, j + 2 + n2 + n3,
				      order == MAIL_DATE_ORDER_UNKNOWN && dmy_ok && a != b, out);
		return false;
	}
	/* "07-Jan-2027", as Oracle and many billing systems write it */
	if (j < len && t[j] == '-' && (b = month_at(t, len, j + 1, &n2)) != 0 && j + 1 + n2 < len &&
	    t[j + 1 + n2] == '-') {
		c = year_at(t, len, j + 2 + n2, &n3);
		if (c == 0 || (j + 2 + n2 + n3 < len && ascii_digit(t[j + 2 + n2 + n3])))
			return false;
		return finish(c, b, a, i, j + 2 + n2 + n3, false, out);
	}
	/* "3 August 2026", "3. August 2026", "3rd of August", "15 de diciembre de 2026",
	 * "1er janvier 2026" */
	if (j < len && t[j] == '.')
		j++;
	else if (j + 2 <= len && (memcmp(t + j, "st", 2) == 0 || memcmp(t + j, "nd", 2) == 0 ||
				  memcmp(t + j, "rd", 2) == 0 || memcmp(t + j, "th", 2) == 0 ||
				  (a == 1 && memcmp(t + j, "er", 2) == 0)))
		j += 2;
	j = skip_spaces(t, len, j);
	if (j + 3 <= len && memcmp(t + j, "of ", 3) == 0)
		j += 3;
	j = skip_de(t, len, j);
	b = month_at(t, len, j, &n2);
	if (b == 0)
		return false;
	j = skip_spaces(t, len, j + n2);
	j = skip_de(t, len, j);
	if (j < len && t[j] == ',')
		j = skip_spaces(t, len, j + 1);
	c = year_at(t, len, j, &n3);
	if (c == 0 || (j + n3 < len && ascii_digit(t[j + n3])))
		return false;
	return finish(c, b, a, i, j + n3, false, out);
}

bool
mail_date_next(const char *text, size_t len, size_t *pos, enum mail_date_order order,
	       struct mail_date *out)
{
	for (size_t i = *pos; i < len; i++) {
		bool word_start =
			i == 0 || !(ascii_alpha(text[i - 1]) || ascii_digit(text[i - 1]) ||
				    (unsigned char)text[i - 1] >= 0x80);

		if (!word_start)
			continue;
		if ((ascii_digit(text[i]) && number_first(text, len, i, order, out)) ||
		    (ascii_alpha(text[i]) && named_month_first(text, len, i, out))) {
			*pos = out->end;
			return true;
		}
	}
	*pos = len;
	return false;
}

void
mail_date_iso(const struct mail_date *d, char out[11])
{
	int y = d->year, m = d->month, day = d->day;

	out[0] = (char)('0' + y / 1000 % 10);
	out[1] = (char)('0' + y / 100 % 10);
	out[2] = (char)('0' + y / 10 % 10);
	out[3] = (char)('0' + y % 10);
	out[4] = '-';
	out[5] = (char)('0' + m / 10);
	out[6] = (char)('0' + m % 10);
	out[7] = '-';
	out[8] = (char)('0' + day / 10);
	out[9] = (char)('0' + day % 10);
	out[10] = '\0';
}
