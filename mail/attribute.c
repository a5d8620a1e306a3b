/*
 * Whose mail is this? One pure function from a message's headers (and the
 * user's identity) to an organisation domain and a kind.
 *
 * - Mail the user wrote belongs to the first organisation among its
 *   recipients (a request for a quote is part of that vendor's history).
 * - Personal senders (webmail, ISPs) are not vendors.
 * - Discussion lists are not vendor mail: a List-Id or List-Post naming a
 *   list whose organisation is not the sender's (linux-kernel on
 *   vger.kernel.org, posted from intel.com). A vendor's own newsletter is
 *   vendor mail: its list lives on the vendor's domain, or it is bulk mail
 *   with List-Unsubscribe and no List-Id, or it is sent through a bulk
 *   mail provider (whose list ids name the provider, never a forum).
 */
#include "config.h"

#include <string.h>
#include <strings.h>

#include "private.h"

/* List-Id namespaces of bulk mail providers: a list id there identifies a
 * sender's audience, not a discussion forum. */
static const char *const bulk_provider_orgs[] = {
	"cmail19.com",       "cmail20.com",     "createsend.com",   "exacttarget.com",
	"hubspotemail.net",  "list-manage.com", "mailchimpapp.net", "mailgun.org",
	"mandrillapp.com",   "mcsv.net",        "rsgsv.net",        "sendgrid.net",
	"sparkpostmail.com",
};

const char *
mail_kind_name(enum mail_kind kind)
{
	switch (kind) {
	case MAIL_KIND_VENDOR:
		return "vendor";
	case MAIL_KIND_PERSONAL:
		return "personal";
	case MAIL_KIND_LIST:
		return "list";
	case MAIL_KIND_OWN:
		return "own";
	case MAIL_KIND_NONE:
		break;
	}
	return "none";
}

bool
mail_kind_parse(const char *name, enum mail_kind *out)
{
	static const enum mail_kind kinds[] = {
		MAIL_KIND_NONE, MAIL_KIND_VENDOR, MAIL_KIND_PERSONAL, MAIL_KIND_LIST, MAIL_KIND_OWN,
	};
	size_t i;

	for (i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (strcmp(name, mail_kind_name(kinds[i])) == 0) {
			*out = kinds[i];
			return true;
		}
	return false;
}

static bool
in_list(const char *needle, const char *const *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcasecmp(needle, list[i]) == 0)
			return true;
	return false;
}

static bool
is_own_address(const struct mail_identity *id, const char *address)
{
	return id != NULL && in_list(address, id->addresses, id->n_addresses);
}

static bool
is_own_org(const struct mail_identity *id, const char *org)
{
	return id != NULL && in_list(org, id->own_domains, id->n_own_domains);
}

static bool
is_personal_org(const struct mail_identity *id, const char *org)
{
	return mail_org_is_personal(org) ||
	       (id != NULL && in_list(org, id->personal_domains, id->n_personal_domains));
}

/* The organisation of a list, from List-Id ("Name <id.host>") or, lacking
 * that, from List-Post ("<mailto:list@host>"). */
static bool
list_org(const struct mail_headers *h, char *out, size_t outlen)
{
	char id[MAIL_DOMAIN_MAX];
	const char *lt, *p;
	size_t len;

	if (h->list_id != NULL && *h->list_id != '\0') {
		lt = strrchr(h->list_id, '<');
		p = lt ? lt + 1 : h->list_id;
		while (*p == ' ' || *p == '\t')
			p++;
		len = strcspn(p, "> \t\r\n");
		if (len > 0 && len < sizeof id) {
			memcpy(id, p, len);
			id[len] = '\0';
			if (mail_org_domain(id, out, outlen))
				return true;
		}
	}
	if (h->list_post != NULL) {
		p = strstr(h->list_post, "mailto:");
		if (p != NULL) {
			p += strlen("mailto:");
			len = strcspn(p, ">?, \t\r\n");
			if (len > 0 && len < sizeof id) {
				memcpy(id, p, len);
				id[len] = '\0';
				if (mail_org_domain(id, out, outlen))
					return true;
			}
		}
	}
	return false;
}

static bool
has_value(const char *header)
{
	return header != NULL && *header != '\0';
}

/* The first recipient organisation that could be a vendor. */
static bool
recipient_org(const struct mail_identity *id, const char *header, char *out, size_t outlen)
{
	struct mail_address_list list;
	char org[MAIL_DOMAIN_MAX];
	bool found = false;
	size_t i;

	mail_address_list_parse(header, &list);
	for (i = 0; i < list.count && !found; i++) {
		if (is_own_address(id, list.items[i].address) ||
		    !mail_org_domain(list.items[i].address, org, sizeof org) ||
		    is_own_org(id, org) || is_personal_org(id, org))
			continue;
		strncpy(out, org, outlen - 1);
		out[outlen - 1] = '\0';
		found = true;
	}
	mail_address_list_clear(&list);
	return found;
}

void
mail_attribute(const struct mail_identity *id, const struct mail_headers *h,
	       struct mail_attribution *out)
{
	struct mail_address_list from;
	char org[MAIL_DOMAIN_MAX] = "";
	bool own;

	memset(out, 0, sizeof *out);
	out->kind = MAIL_KIND_NONE;
	out->direction = MAIL_DIR_IN;

	mail_address_list_parse(h->from, &from);
	if (from.count == 0)
		goto out;
	mail_org_domain(from.items[0].address, org, sizeof org);
	own = is_own_address(id, from.items[0].address) || (org[0] && is_own_org(id, org));
	if (own) {
		out->direction = MAIL_DIR_OUT;
		if (recipient_org(id, h->to, out->org, sizeof out->org) ||
		    recipient_org(id, h->cc, out->org, sizeof out->org)) {
			out->kind = MAIL_KIND_VENDOR;
		} else {
			out->kind = MAIL_KIND_OWN;
			strcpy(out->org, org);
		}
		goto out;
	}
	if (org[0] == '\0')
		goto out;
	strcpy(out->org, org);
	if (is_personal_org(id, org)) {
		out->kind = MAIL_KIND_PERSONAL;
		goto out;
	}
	if (list_org(h, out->list_org, sizeof out->list_org) && strcmp(out->list_org, org) != 0 &&
	    !(in_list(out->list_org, bulk_provider_orgs,
		      sizeof bulk_provider_orgs / sizeof bulk_provider_orgs[0]) &&
	      !has_value(h->list_post))) {
		out->kind = MAIL_KIND_LIST;
		goto out;
	}
	out->kind = MAIL_KIND_VENDOR;
out:
	mail_address_list_clear(&from);
}
