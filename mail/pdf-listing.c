/*
 * Which file of a PDF is its invoice XML, from `pdfdetach -list`'s
 * lines ("2 embedded files", then "1: factur-x.xml", ...). The names are
 * the PDF author's bytes: any length, any byte, a newline that makes a
 * line of its own. By hand because it is poppler's own output format and
 * no library reads it; fuzzed (tests/fuzz/fuzz-pdf-listing.c).
 */
#include "config.h"

#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "mail.h"

/* pdfdetach numbers the files it lists from 1; a PDF with more than
 * this is no invoice we read. */
#define LISTED_MAX 9999

static bool
ends_with_xml(const char *name, size_t n)
{
	return n >= 4 && strncasecmp(name + n - 4, ".xml", 4) == 0;
}

static bool
is_invoice_name(const char *name, size_t n)
{
	static const char *const names[] = { "factur-x.xml", "zugferd-invoice.xml", "xrechnung.xml",
					     "zugferd.xml" };

	for (size_t i = 0; i < sizeof names / sizeof *names; i++)
		if (n == strlen(names[i]) && strncasecmp(name, names[i], n) == 0)
			return true;
	return false;
}

int
mail_pdf_invoice_attachment(const char *listing, size_t len)
{
	const char *end = listing + len;
	int best = 0, best_rank = 0;

	for (const char *line = listing; line < end;) {
		const char *eol = memchr(line, '\n', (size_t)(end - line));
		const char *p = line, *name;
		int number = 0, rank = 0;
		size_t n;

		if (eol == NULL)
			eol = end;
		while (p < eol && *p >= '0' && *p <= '9' && number <= LISTED_MAX)
			number = number * 10 + (*p++ - '0');
		line = eol + 1;
		if (number < 1 || number > LISTED_MAX || p == eol || *p != ':')
			continue;
		for (name = p + 1; name < eol && *name == ' ';)
			name++;
		n = (size_t)(eol - name);
		if (n > 0 && name[n - 1] == '\r')
			n--;
		if (ends_with_xml(name, n))
			rank = 1;
		if (is_invoice_name(name, n))
			rank = 2;
		if (rank > best_rank) {
			best = number;
			best_rank = rank;
		}
	}
	return best;
}
