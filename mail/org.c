/*
 * Organisation domains and the built-in list of personal mail providers.
 *
 * The registrable domain comes from the public suffix list through libpsl
 * (psl_builtin(): static, immutable, thread-safe data compiled into the
 * library, refreshed by Debian's publicsuffix package).
 */
#include "config.h"

#include <ctype.h>
#include <libpsl.h>
#include <stdlib.h>
#include <string.h>

#include "private.h"
/* after GLib (through private.h): idn2.h defines G_GNUC_DEPRECATED unless
 * GLib did */
#include <idn2.h>

/* Organisation domains whose senders are people, not vendors: webmail,
 * ISPs and throwaway-address services. */
static const char *const personal_orgs[] = {
	"aim.com",        "aol.com",          "att.net",        "bellsouth.net",   "bigpond.com",
	"bigpond.net.au", "blueyonder.co.uk", "btinternet.com", "canada.com",      "charter.net",
	"comcast.net",    "compuserve.com",   "cox.net",        "earthlink.net",   "eircom.net",
	"email.com",      "excite.com",       "fastmail.com",   "fastmail.fm",     "free.fr",
	"freenet.de",     "gmail.com",        "gmx.at",         "gmx.com",         "gmx.de",
	"gmx.net",        "googlemail.com",   "hey.com",        "home.com",        "hotmail.com",
	"hushmail.com",   "icloud.com",       "inbox.com",      "juno.com",        "laposte.net",
	"lycos.com",      "mac.com",          "mail.com",       "mail.ru",         "mailinator.com",
	"mailshell.com",  "me.com",           "mindspring.com", "msn.com",         "netscape.net",
	"netzero.net",    "ntlworld.com",     "optonline.net",  "optusnet.com.au", "orange.fr",
	"outlook.com",    "prodigy.net",      "proton.me",      "protonmail.com",  "qq.com",
	"rambler.ru",     "rediffmail.com",   "rocketmail.com", "rogers.com",      "rr.com",
	"sbcglobal.net",  "shaw.ca",          "sneakemail.com", "snet.net",        "sympatico.ca",
	"t-online.de",    "telus.net",        "tutanota.com",   "verizon.net",     "wanadoo.fr",
	"web.de",         "yandex.com",       "yandex.ru",      "ymail.com",       "zoho.com",
};

/* Providers that operate under many country suffixes (yahoo.co.uk,
 * hotmail.fr): the first label of the organisation domain decides. */
static const char *const personal_brands[] = {
	"aol", "gmx", "hotmail", "live", "outlook", "yahoo", "ymail",
};

void
mail_ascii_lower(char *s)
{
	for (; *s; s++)
		*s = (char)tolower((unsigned char)*s);
}

static bool
all_numeric_labels(const char *host)
{
	for (; *host; host++)
		if (!isdigit((unsigned char)*host) && *host != '.')
			return false;
	return true;
}

bool
mail_org_domain(const char *host_or_address, char *out, size_t outlen)
{
	char host[MAIL_DOMAIN_MAX];
	const char *at, *reg;
	size_t len;
	char *end;

	if (outlen == 0)
		return false;
	out[0] = '\0';
	if (host_or_address == NULL)
		return false;
	at = strrchr(host_or_address, '@');
	if (at != NULL)
		host_or_address = at + 1;
	while (*host_or_address == ' ' || *host_or_address == '<')
		host_or_address++;
	len = strcspn(host_or_address, "> \t\r\n");
	if (len == 0 || len >= sizeof host)
		return false;
	memcpy(host, host_or_address, len);
	host[len] = '\0';
	/* A trailing dot (FQDN form) names the same domain. */
	while (len > 0 && host[len - 1] == '.')
		host[--len] = '\0';
	mail_ascii_lower(host);
	if (host[0] == '[' || host[0] == '.' || strstr(host, "..") || all_numeric_labels(host))
		return false;
	for (end = host; *end; end++)
		if (!(isalnum((unsigned char)*end) || *end == '-' || *end == '.' ||
		      (unsigned char)*end >= 0x80))
			return false;
	/* One spelling per domain: GMime hands us IDN addresses in Unicode,
	 * so punycode ("xn--", as people type what the interface shows) is
	 * turned into Unicode too. */
	if (strstr(host, "xn--") != NULL) {
		char *unicode = NULL;

		if (idn2_to_unicode_8z8z(host, &unicode, 0) != IDN2_OK || unicode == NULL ||
		    strlen(unicode) >= sizeof host) {
			idn2_free(unicode);
			return false;
		}
		strcpy(host, unicode);
		idn2_free(unicode);
	}
	reg = psl_registrable_domain(psl_builtin(), host);
	if (reg == NULL || strlen(reg) >= outlen)
		return false;
	strcpy(out, reg);
	return true;
}

bool
mail_org_is_personal(const char *org)
{
	char label[64];
	size_t len;
	size_t i;

	if (org == NULL || *org == '\0')
		return false;
	for (i = 0; i < sizeof personal_orgs / sizeof personal_orgs[0]; i++)
		if (strcmp(org, personal_orgs[i]) == 0)
			return true;
	len = strcspn(org, ".");
	if (len == 0 || len >= sizeof label)
		return false;
	memcpy(label, org, len);
	label[len] = '\0';
	for (i = 0; i < sizeof personal_brands / sizeof personal_brands[0]; i++)
		if (strcmp(label, personal_brands[i]) == 0)
			return true;
	return false;
}
