/* Address headers through GMime's RFC 5322 parser. */
#include "config.h"

#include <gmime/gmime.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "private.h"

static void
append(struct mail_address_list *out, const char *name, const char *addr)
{
	struct mail_address *grown;
	char *lower;

	if (addr == NULL || strchr(addr, '@') == NULL)
		return;
	grown = realloc(out->items, (out->count + 1) * sizeof *out->items);
	if (grown == NULL)
		return;
	out->items = grown;
	lower = strdup(addr);
	if (lower == NULL)
		return;
	mail_ascii_lower(lower);
	out->items[out->count].address = lower;
	out->items[out->count].name = strdup(name ? name : "");
	if (out->items[out->count].name == NULL) {
		free(lower);
		return;
	}
	out->count++;
}

static void
flatten(InternetAddressList *list, struct mail_address_list *out, int depth)
{
	int i, n;

	if (list == NULL || depth > 4)
		return;
	n = internet_address_list_length(list);
	for (i = 0; i < n; i++) {
		InternetAddress *ia = internet_address_list_get_address(list, i);

		if (INTERNET_ADDRESS_IS_MAILBOX(ia))
			append(out, internet_address_get_name(ia),
			       internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(ia)));
		else if (INTERNET_ADDRESS_IS_GROUP(ia))
			flatten(internet_address_group_get_members(INTERNET_ADDRESS_GROUP(ia)), out,
				depth + 1);
	}
}

static bool
has_mailbox(InternetAddressList *list)
{
	for (int i = 0; i < internet_address_list_length(list); i++)
		if (!INTERNET_ADDRESS_IS_GROUP(internet_address_list_get_address(list, i)))
			return true;
	return false;
}

InternetAddressList *
mail_address_list_gmime(const char *header)
{
	InternetAddressList *list;
	const char *open, *close, *name, *end;
	char *addr, *raw_name, *decoded;

	if (header == NULL)
		return NULL;
	g_mime_init();
	list = internet_address_list_parse(NULL, header);
	if (list != NULL && has_mailbox(list))
		return list;
	/* A display name with an unquoted special ("Jane @ Acme", "Support
	 * [ACME]", a control character) fails GMime's parse of the whole
	 * header: the mail would belong to no vendor and show no sender.
	 * One angle address closing the header is read as the sender's
	 * address and the words before it as the name. */
	if ((open = strrchr(header, '<')) == NULL || strchr(header, '<') != open ||
	    (close = strchr(open, '>')) == NULL ||
	    strspn(close + 1, " \t\r\n") != strlen(close + 1))
		return list;
	addr = g_strndup(open + 1, (gsize)(close - open - 1));
	g_strstrip(addr);
	if (strchr(addr, '@') == NULL || strpbrk(addr, " \t\r\n\"<>,;") != NULL) {
		g_free(addr);
		return list;
	}
	for (name = header; *name == ' ' || *name == '\t' || *name == '"'; name++)
		;
	for (end = open; end > name && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '"'); end--)
		;
	raw_name = g_strndup(name, (gsize)(end - name));
	decoded = g_mime_utils_header_decode_phrase(NULL, raw_name);
	if (list == NULL)
		list = internet_address_list_new();
	internet_address_list_add(list,
				  internet_address_mailbox_new(decoded ? decoded : raw_name, addr));
	g_free(decoded);
	g_free(raw_name);
	g_free(addr);
	return list;
}

void
mail_address_list_parse(const char *header, struct mail_address_list *out)
{
	InternetAddressList *list;

	out->items = NULL;
	out->count = 0;
	if (header == NULL || *header == '\0')
		return;
	list = mail_address_list_gmime(header);
	if (list == NULL)
		return;
	flatten(list, out, 0);
	g_object_unref(list);
}

void
mail_address_list_clear(struct mail_address_list *list)
{
	size_t i;

	for (i = 0; i < list->count; i++) {
		free(list->items[i].name);
		free(list->items[i].address);
	}
	free(list->items);
	list->items = NULL;
	list->count = 0;
}

char *
mail_address_display(const char *address)
{
	const char *at = address ? strrchr(address, '@') : NULL;
	char *domain, *out = NULL;

	if (at == NULL)
		return strdup(address ? address : "");
	if ((domain = mail_domain_display(at + 1)) == NULL)
		return NULL;
	if (asprintf(&out, "%.*s@%s", (int)(at - address), address, domain) < 0)
		out = NULL;
	free(domain);
	return out;
}
