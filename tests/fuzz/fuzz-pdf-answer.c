/*
 * The PDF helper's answer, whose lines carry what the PDF's author wrote
 * (its text layer, the fields of its embedded invoice XML): whatever the
 * bytes, the status stays terminated and short, the text is the answer's
 * own tail, and an XML total is only taken with a currency.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "mail/mail.h"
#include "mail/private.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mail_pdf_result res = { 0 };
	const char *answer = (const char *)data;

	mail_pdf_parse_answer(answer, size, &res);
	if (memchr(res.status, '\0', sizeof res.status) == NULL)
		abort();
	if (res.text != NULL && (res.text_len > size ||
				 memcmp(res.text, answer + size - res.text_len, res.text_len) != 0))
		abort();
	if (res.text == NULL && res.text_len != 0)
		abort();
	mail_pdf_result_clear(&res);
	return 0;
}
