/*
 * Invoice XML (Factur-X / ZUGFeRD / XRechnung) over raw bytes, as
 * vtriage-pdf reads what a PDF carries: whatever it reads, a result has a
 * total, valid dates and a valid IBAN or none, and its printed lines read
 * back to the same figures.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "mail/mail.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mail_document doc = { 0 }, back = { 0 };
	char *printed = NULL, *line, *save = NULL;
	size_t len = 0;
	FILE *f;

	if (!mail_doc_read_invoice_xml((const char *)data, size, &doc))
		return 0;
	if (!doc.has_total || (doc.iban[0] && !mail_iban_valid(doc.iban)))
		abort();
	if ((f = open_memstream(&printed, &len)) == NULL)
		return 0;
	mail_invoice_xml_print(f, &doc);
	fclose(f);
	for (line = strtok_r(printed, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save))
		if (strncmp(line, "xml-", 4) == 0)
			(void)mail_invoice_xml_field(line + 4, &back);
	if (back.total.minor != doc.total.minor ||
	    strcmp(back.total.currency, doc.total.currency) != 0 ||
	    strcmp(back.issued, doc.issued) != 0 || strcmp(back.due, doc.due) != 0)
		abort();
	free(printed);
	return 0;
}
