/*
 * Look-alike domains from raw bytes, as a sender's host: its display has
 * no byte beyond ASCII (IDN labels as punycode, the rest as <U+XXXX>); a
 * comparison's kind is one of the kinds and its reason a string; no
 * known domain imitates itself; and what the index reports the host
 * imitates, the comparison says too.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "mail/mail.h"

static const char *const known[] = {
	"acmetel.example", "globex.example",        "initech.example",       "ibm.com",
	"paypal.com",      "mueller-buero.example", "xn--mller-kva.example",
};
#define N_KNOWN (sizeof known / sizeof known[0])

static void
check_compare(const char *host, const char *org)
{
	struct mail_lookalike how;
	bool imitates = mail_lookalike_compare(host, org, &how);

	if ((unsigned)how.kind > MAIL_LOOKALIKE_SUBDOMAIN ||
	    imitates != (how.kind != MAIL_LOOKALIKE_NONE) ||
	    memchr(how.why, '\0', sizeof how.why) == NULL)
		abort();
}

static void
found(void *ctx, const char *org, const struct mail_lookalike *how)
{
	const char *host = ctx;
	bool listed = false;

	for (size_t i = 0; i < N_KNOWN; i++)
		listed = listed || strcmp(org, known[i]) == 0;
	if (!listed || how->kind == MAIL_LOOKALIKE_NONE || !mail_lookalike_compare(host, org, NULL))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct mail_lookalike_index *idx;
	char *host = fuzz_text(data, size), *shown, *nl;

	if (host == NULL)
		return 0;
	if ((shown = mail_domain_display(host)) == NULL)
		abort();
	for (const unsigned char *p = (const unsigned char *)shown; *p; p++)
		if (*p >= 0x80)
			abort();
	free(shown);
	/* the first line as a display name, the rest as the host */
	if ((nl = strchr(host, '\n')) != NULL) {
		*nl = '\0';
		char why[64];

		for (size_t i = 0; i < N_KNOWN; i++)
			(void)mail_name_mentions_org(host, known[i]);
		/* what it says of a name fits, and says something */
		if (mail_name_mixes_scripts(host, why, sizeof why) &&
		    (memchr(why, '\0', sizeof why) == NULL || strstr(why, " and ") == NULL))
			abort();
		memmove(host, nl + 1, strlen(nl + 1) + 1);
	}
	mail_ascii_lower(host);
	for (size_t i = 0; i < N_KNOWN; i++) {
		check_compare(host, known[i]);
		check_compare(known[i], host);
	}
	if (idx == NULL && (idx = mail_lookalike_index_new()) != NULL)
		for (size_t i = 0; i < N_KNOWN; i++)
			if (!mail_lookalike_index_add(idx, known[i]))
				abort();
	if (idx != NULL)
		mail_lookalike_index_find(idx, host, found, host);
	free(host);
	return 0;
}
