/*
 * Fuzz target: mail_authres_parse() on any bytes, then the verdict with
 * and without a From organisation. Aborts when a result breaks what the
 * interface promises: at most MAIL_AUTHRES_ITEMS results, every string
 * NUL-terminated inside its array, why never written past why_len.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "mail/mail.h"

static void
check_string(const char *s, size_t size)
{
	if (memchr(s, '\0', size) == NULL)
		abort();
}

static void
check_verdict(const struct mail_authres *ar, const char *from_org)
{
	/* a canary past why_len, and a why_len that cuts every phrase */
	const size_t lens[] = { 0, 1, 9, 96 };
	char why[97];

	for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
		enum mail_auth_verdict v;

		memset(why, 'x', sizeof why);
		v = mail_authres_verdict(ar, from_org, why, lens[i]);
		if (v != MAIL_AUTH_VERDICT_UNKNOWN && v != MAIL_AUTH_VERDICT_PASS &&
		    v != MAIL_AUTH_VERDICT_FAIL)
			abort();
		if (why[lens[i]] != 'x' || (lens[i] > 0 && memchr(why, '\0', lens[i]) == NULL))
			abort();
		if (v == MAIL_AUTH_VERDICT_PASS && lens[i] > 0 && why[0] != '\0')
			abort();
		memset(why, 'x', sizeof why);
		if (mail_authres_passed_for(ar, from_org, why, lens[i]) && why[0] == '\0')
			abort();
		if (why[lens[i]] != 'x' || (lens[i] > 0 && memchr(why, '\0', lens[i]) == NULL))
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* an exact copy: the replay driver's buffers are larger than size,
	 * and ASan should see any read past the end */
	char *value = malloc(size ? size : 1);
	struct mail_authres ar;
	bool ok;

	if (value == NULL)
		return 0;
	if (size > 0)
		memcpy(value, data, size);
	ok = mail_authres_parse(value, size, &ar);
	free(value);
	if (ar.count > MAIL_AUTHRES_ITEMS || (ar.truncated && ar.count != MAIL_AUTHRES_ITEMS))
		abort();
	if (!ok && (ar.count != 0 || ar.truncated || ar.authserv_id[0] != '\0'))
		abort();
	check_string(ar.authserv_id, sizeof ar.authserv_id);
	for (size_t i = 0; i < ar.count; i++) {
		const struct mail_authres_item *it = &ar.items[i];

		check_string(it->method, sizeof it->method);
		check_string(it->domain, sizeof it->domain);
		if (it->method[0] == '\0' || (unsigned)it->result > MAIL_AUTH_POLICY)
			abort();
	}
	check_verdict(&ar, "acme.example");
	check_verdict(&ar, NULL);
	check_verdict(&ar, "");
	return 0;
}
