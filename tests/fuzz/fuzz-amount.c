/*
 * Amounts of money in raw bytes, under each decimal convention, with and
 * without a currency required: each lies inside the text, the scan moves
 * forward, and an amount as vtriage prints it reads back as the same
 * money (what the quote and bill check compares).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "mail/mail.h"

static void
check_printed(const struct mail_money *m)
{
	char buf[80];
	struct mail_amount back;
	size_t n = mail_money_format(m, buf, sizeof buf);

	if (n == 0 || n >= sizeof buf || strlen(buf) != n)
		abort();
	/* a code we do not know is shown with two decimals, as read */
	if (m->currency[0] != '\0' && mail_currency_digits(m->currency) < 0)
		return;
	if (!mail_amount_parse(buf, MAIL_DECIMAL_DOT, &back) || back.money.minor != m->minor ||
	    strcmp(back.money.currency, m->currency) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum mail_decimal hints[] = { MAIL_DECIMAL_UNKNOWN, MAIL_DECIMAL_DOT,
						   MAIL_DECIMAL_COMMA };
	/* an exact copy: ASan sees any read past the end */
	char *text = malloc(size + 1);
	struct mail_amount a;

	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	for (size_t h = 0; h < 3; h++)
		for (int need = 0; need < 2; need++) {
			size_t pos = 0, last = 0, last_start = 0;

			/* an amount may begin before the last one ended: the "€"
			 * of "900,00 €99.99" closes one and opens the next */
			while (mail_amount_next(text, size, &pos, need, hints[h], &a)) {
				if (a.start >= a.end || a.end > size || pos <= last || pos > size ||
				    a.start < last_start || a.end <= last)
					abort();
				last_start = a.start;
				if (need && a.money.currency[0] == '\0')
					abort();
				if (strnlen(a.money.currency, sizeof a.money.currency) ==
				    sizeof a.money.currency)
					abort();
				last = pos;
				check_printed(&a.money);
			}
		}
	/* the whole input as one amount (a query's amount:>1000) */
	text[size] = '\0';
	for (size_t h = 0; h < 3; h++)
		if (mail_amount_parse(text, hints[h], &a))
			check_printed(&a.money);
	free(text);
	return 0;
}
