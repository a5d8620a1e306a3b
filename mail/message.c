/* One notmuch message: its headers as attribution needs them, and the
 * properties that record the attribution in the index. */
#include <stdlib.h>
#include <string.h>

#include "private.h"

static const char *
header(notmuch_message_t *msg, const char *name)
{
	const char *value = notmuch_message_get_header(msg, name);

	return (value != NULL && *value != '\0') ? value : NULL;
}

static const char *
file_header(GMimeMessage *m, const char *name)
{
	const char *value = g_mime_object_get_header(GMIME_OBJECT(m), name);

	return (value != NULL && *value != '\0') ? value : NULL;
}

/* Bodies beyond this are not read for signatures: sign-offs come early,
 * quoted history and attachments later. */
#define SIGNATURE_BODY_MAX (64 * 1024)

/* Attribution, addresses and signature from these headers (and the
 * parsed file, for the body; may be NULL). */
static void
facts_from_headers(const struct mail_headers *h, GMimeMessage *file,
		   const struct mail_identity *identity, struct mail_file_facts *out)
{
	struct mail_address_list from;

	mail_attribute(identity, h, &out->attribution);
	mail_address_list_parse(h->from, &from);
	if (from.count > 0) {
		/* Steal the first sender; the rest of a multi-author From
		 * is rare and not a contact source. */
		out->from = from.items[0];
		from.items[0] = from.items[--from.count];
	}
	mail_address_list_clear(&from);
	mail_address_list_parse(h->to, &out->to);
	mail_address_list_parse(h->cc, &out->cc);
	/* Who signed: only the vendor's own mail names the vendor's people. */
	if (file != NULL && out->attribution.kind == MAIL_KIND_VENDOR &&
	    out->attribution.direction == MAIL_DIR_IN && out->from.address != NULL) {
		char *body = mail_body_text_of(file, SIGNATURE_BODY_MAX);

		if (body != NULL)
			out->has_signature =
				mail_signature_parse(body, out->from.name, &out->signature);
		free(body);
	}
}

void
mail_file_facts_read(const char *path, const struct mail_identity *identity,
		     struct mail_file_facts *out)
{
	struct mail_headers h = { 0 };
	GMimeMessage *file;

	memset(out, 0, sizeof *out);
	file = path != NULL ? mail_parse_file(path, NULL) : NULL;
	if (file == NULL)
		return;
	out->parsed = true;
	h.from = file_header(file, "From");
	h.to = file_header(file, "To");
	h.cc = file_header(file, "Cc");
	h.list_id = file_header(file, "List-Id");
	h.list_post = file_header(file, "List-Post");
	facts_from_headers(&h, file, identity, out);
	g_object_unref(file);
}

void
mail_file_facts_clear(struct mail_file_facts *facts)
{
	free(facts->from.name);
	free(facts->from.address);
	mail_address_list_clear(&facts->to);
	mail_address_list_clear(&facts->cc);
	memset(facts, 0, sizeof *facts);
}

void
mail_message_describe_with(notmuch_message_t *msg, const struct mail_identity *identity,
			   struct mail_file_facts *facts, struct mail_message_info *info)
{
	memset(info, 0, sizeof *info);
	info->message_id = notmuch_message_get_message_id(msg);
	info->date = notmuch_message_get_date(msg);
	info->subject = header(msg, "subject");
	info->path = notmuch_message_get_filename(msg);
	info->thread_id = notmuch_message_get_thread_id(msg);
	if (!facts->parsed) {
		/* A file GMime cannot read: what notmuch kept of it. */
		struct mail_headers h = {
			.from = header(msg, "from"),
			.to = header(msg, "to"),
			.cc = header(msg, "cc"),
			.list_id = header(msg, "list-id"),
			.list_post = header(msg, "list-post"),
		};

		mail_file_facts_clear(facts);
		facts_from_headers(&h, NULL, identity, facts);
	}
	/* the info takes over the facts' allocations */
	info->from = facts->from;
	info->to = facts->to;
	info->cc = facts->cc;
	info->attribution = facts->attribution;
	info->has_signature = facts->has_signature;
	info->signature = facts->signature;
	memset(facts, 0, sizeof *facts);
}

void
mail_message_describe(notmuch_message_t *msg, const struct mail_identity *identity,
		      struct mail_message_info *info)
{
	struct mail_file_facts facts;

	mail_file_facts_read(notmuch_message_get_filename(msg), identity, &facts);
	mail_message_describe_with(msg, identity, &facts, info);
}

void
mail_message_info_clear(struct mail_message_info *info)
{
	free(info->from.name);
	free(info->from.address);
	info->from.name = info->from.address = NULL;
	mail_address_list_clear(&info->to);
	mail_address_list_clear(&info->cc);
}

notmuch_status_t
mail_message_store_attribution(notmuch_message_t *msg, const struct mail_attribution *attr,
			       bool fresh)
{
	notmuch_status_t st = NOTMUCH_STATUS_SUCCESS;

	/* mail just indexed has no properties to replace */
	if (!fresh)
		st = notmuch_message_remove_all_properties_with_prefix(msg, "vtriage.");
	if (st == NOTMUCH_STATUS_SUCCESS)
		st = notmuch_message_add_property(msg, MAIL_PROP_KIND, mail_kind_name(attr->kind));
	if (st == NOTMUCH_STATUS_SUCCESS)
		st = notmuch_message_add_property(msg, MAIL_PROP_DIR,
						  attr->direction == MAIL_DIR_OUT ? "out" : "in");
	if (st == NOTMUCH_STATUS_SUCCESS && attr->org[0] != '\0')
		st = notmuch_message_add_property(msg, MAIL_PROP_ORG, attr->org);
	if (st == NOTMUCH_STATUS_SUCCESS)
		st = notmuch_message_add_property(msg, MAIL_PROP_REV, MAIL_ATTRIBUTION_REV);
	return st;
}
