/*
 * mail_payment_scan over raw bytes, exactly size of them (no NUL after):
 * whatever it reads, its output stays bounded, terminated, well-formed
 * and distinct, and every IBAN it reports validates; what gives details
 * passes mail_payment_may_give_details. mail_iban_valid is
 * fuzzed on the input's first bytes as a string too.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "mail/mail.h"

static bool
all_digits(const char *s)
{
	return s[strspn(s, "0123456789")] == '\0';
}

static void
check_detail(const struct mail_payment_detail *d)
{
	size_t len = strnlen(d->value, sizeof d->value);

	if (len == 0 || len == sizeof d->value)
		abort();
	switch (d->kind) {
	case MAIL_PAY_IBAN:
		if (!mail_iban_valid(d->value) || len > 34 ||
		    d->value[strspn(d->value, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")] != '\0')
			abort();
		break;
	case MAIL_PAY_BIC:
		if ((len != 8 && len != 11) ||
		    d->value[strspn(d->value, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")] != '\0')
			abort();
		break;
	case MAIL_PAY_ACCOUNT:
		if (len < 6 || len > 17 || !all_digits(d->value))
			abort();
		break;
	case MAIL_PAY_ROUTING:
		if (len != 9 || !all_digits(d->value))
			abort();
		break;
	case MAIL_PAY_SORT_CODE:
		if (len != 6 || !all_digits(d->value))
			abort();
		break;
	default:
		abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mail_payment_facts f;
	char s[64];

	mail_payment_scan((const char *)data, size, &f);
	if (f.n_details > MAIL_PAYMENT_DETAILS)
		abort();
	/* list mail is scanned only past the gate: it must let in all
	 * that gives details */
	if (f.n_details > 0 && !mail_payment_may_give_details((const char *)data, size))
		abort();
	for (size_t i = 0; i < f.n_details; i++) {
		check_detail(&f.details[i]);
		for (size_t j = 0; j < i; j++)
			if (f.details[j].kind == f.details[i].kind &&
			    strcmp(f.details[j].value, f.details[i].value) == 0)
				abort();
	}

	memcpy(s, data, size < sizeof s ? size : sizeof s - 1);
	s[size < sizeof s ? size : sizeof s - 1] = '\0';
	(void)mail_iban_valid(s);
	return 0;
}
