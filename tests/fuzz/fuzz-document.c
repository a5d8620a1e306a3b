/*
 * Amounts, dates and documents over raw bytes (exactly size of them, no
 * NUL after): whatever they read, amounts lie inside the text and move
 * the scan forward, dates are valid calendar dates, and a document's
 * fields stay terminated, its dates ISO, its kind one of the kinds.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "mail/mail.h"

static void
check_iso(const char *iso)
{
	if (*iso == '\0')
		return;
	if (strlen(iso) != 10 || iso[4] != '-' || iso[7] != '-' ||
	    !mail_date_valid(atoi(iso), atoi(iso + 5), atoi(iso + 8)))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct mail_amount a;
	struct mail_date d;
	struct mail_document doc = { 0 };
	const char *names[1] = { "" };
	size_t pos = 0, last = 0;
	char buf[80];

	while (mail_amount_next(text, size, &pos, false, MAIL_DECIMAL_UNKNOWN, &a)) {
		if (a.start > a.end || a.end > size || pos <= last || pos > size)
			abort();
		last = pos;
		mail_money_format(&a.money, buf, sizeof buf);
		if (strlen(buf) >= sizeof buf)
			abort();
	}
	pos = last = 0;
	while (mail_date_next(text, size, &pos, MAIL_DATE_ORDER_UNKNOWN, &d)) {
		if (!mail_date_valid(d.year, d.month, d.day) || d.end > size || pos <= last)
			abort();
		last = pos;
	}
	if (mail_doc_classify(NULL, text, size, names, 1) > MAIL_DOC_KIND_LAST)
		abort();
	mail_doc_read_text(NULL, text, size, MAIL_DECIMAL_UNKNOWN, &doc);
	if (strnlen(doc.ref, sizeof doc.ref) == sizeof doc.ref)
		abort();
	check_iso(doc.issued);
	check_iso(doc.due);
	check_iso(doc.valid_until);
	memset(&doc, 0, sizeof doc);
	(void)mail_doc_read_html_data(text, size, &doc);
	/* the PDF reader's field lines, as the index reads them back */
	{
		char line[256];
		size_t n = size < sizeof line ? size : sizeof line - 1;

		memcpy(line, text, n);
		line[n] = '\0';
		memset(&doc, 0, sizeof doc);
		(void)mail_invoice_xml_field(line, &doc);
		if (doc.has_total && mail_currency_digits(doc.total.currency) < -1)
			abort();
		if (doc.iban[0] && !mail_iban_valid(doc.iban))
			abort();
		check_iso(doc.issued);
		check_iso(doc.due);
	}
	return 0;
}
