/*
 * Contract dates in raw bytes: at most MAIL_CONTRACT_DATES_MAX, each a
 * valid calendar date, each once, its phrase NUL-terminated and free of
 * control bytes, in every date order.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "mail/mail.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum mail_date_order orders[] = { MAIL_DATE_ORDER_UNKNOWN, MAIL_DATE_MDY,
						       MAIL_DATE_DMY };

	for (size_t o = 0; o < 3; o++) {
		struct mail_contract_facts f;

		mail_contract_scan((const char *)data, size, orders[o], &f);
		if (f.count > MAIL_CONTRACT_DATES_MAX)
			abort();
		for (size_t i = 0; i < f.count; i++) {
			int y, m, d;
			size_t plen = strnlen(f.items[i].phrase, sizeof f.items[i].phrase);

			if (sscanf(f.items[i].date, "%4d-%2d-%2d", &y, &m, &d) != 3 ||
			    !mail_date_valid(y, m, d) || plen == sizeof f.items[i].phrase)
				abort();
			for (size_t k = 0; k < plen; k++)
				if ((unsigned char)f.items[i].phrase[k] < 0x20)
					abort();
			for (size_t k = 0; k < i; k++)
				if (strcmp(f.items[k].date, f.items[i].date) == 0)
					abort();
		}
	}
	return 0;
}
