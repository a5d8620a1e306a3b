/*
 * Dates in raw bytes in each date order: each is a valid calendar date
 * lying inside the text, the scan moves forward, only an unknown order
 * leaves a date ambiguous, and a date written as ISO reads back as
 * itself.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "mail/mail.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum mail_date_order orders[] = { MAIL_DATE_ORDER_UNKNOWN, MAIL_DATE_MDY,
						       MAIL_DATE_DMY };
	/* an exact copy: ASan sees any read past the end */
	char *text = malloc(size ? size : 1);

	if (text == NULL)
		return 0;
	if (size > 0)
		memcpy(text, data, size);
	for (size_t o = 0; o < 3; o++) {
		struct mail_date d;
		size_t pos = 0, last = 0;

		while (mail_date_next(text, size, &pos, orders[o], &d)) {
			struct mail_date back;
			char iso[11];
			size_t at = 0;

			if (!mail_date_valid(d.year, d.month, d.day) || d.start >= d.end ||
			    d.end > size || d.start < last || pos != d.end)
				abort();
			if (d.ambiguous && orders[o] != MAIL_DATE_ORDER_UNKNOWN)
				abort();
			last = pos;
			mail_date_iso(&d, iso);
			if (!mail_date_next(iso, 10, &at, orders[o], &back) ||
			    back.year != d.year || back.month != d.month || back.day != d.day ||
			    back.start != 0 || back.end != 10)
				abort();
		}
		if (pos != size)
			abort();
	}
	free(text);
	return 0;
}
