/*
 * `pdfdetach -list`'s lines, whose names are the PDF author's bytes:
 * whatever they are, the file picked is none or one pdfdetach could
 * number, and lines that are no file (empty ones, a header before) do
 * not change which.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "mail/mail.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char header[] = "7 embedded files\n";
	const char *listing = (const char *)data;
	int picked = mail_pdf_invoice_attachment(listing, size);
	char *more;

	if (picked < 0 || picked > 9999)
		abort();
	if ((more = malloc(sizeof header + size + 1)) == NULL)
		return 0;
	/* behind a header line and ended by a newline: the same file */
	memcpy(more, header, sizeof header - 1);
	memcpy(more + sizeof header - 1, listing, size);
	more[sizeof header - 1 + size] = '\n';
	if (mail_pdf_invoice_attachment(more, sizeof header + size) != picked)
		abort();
	free(more);
	return 0;
}
