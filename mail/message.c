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

static char *
dup_header(GMimeMessage *m, const char *name)
{
	const char *value = file_header(m, name);

	return value ? strdup(value) : NULL;
}

static bool
signature_wanted(const struct mail_attribution *a)
{
	return a->kind == MAIL_KIND_VENDOR && a->direction == MAIL_DIR_IN;
}

void
mail_file_facts_read(const char *path, const struct mail_identity *identity,
		     struct mail_file_facts *facts)
{
	GMimeMessage *file;

	memset(facts, 0, sizeof *facts);
	if (path == NULL || (file = mail_parse_file(path, NULL)) == NULL)
		return;
	facts->parsed = true;
	facts->to = dup_header(file, "To");
	facts->cc = dup_header(file, "Cc");
	facts->list_id = dup_header(file, "List-Id");
	facts->list_post = dup_header(file, "List-Post");
	if (identity != NULL) {
		/* The body only where a signature will be read; the caller
		 * decides again with the index's From, reading it if this
		 * guess (from the file's own From) was wrong. */
		struct mail_headers h = { .from = file_header(file, "From"),
					  .to = facts->to,
					  .cc = facts->cc,
					  .list_id = facts->list_id,
					  .list_post = facts->list_post };
		struct mail_attribution a;

		mail_attribute(identity, &h, &a);
		if (signature_wanted(&a)) {
			facts->body = mail_body_text_of(file, SIGNATURE_BODY_MAX);
			facts->has_body = true;
		}
	}
	g_object_unref(file);
}

void
mail_file_facts_clear(struct mail_file_facts *facts)
{
	free(facts->to);
	free(facts->cc);
	free(facts->list_id);
	free(facts->list_post);
	free(facts->body);
	memset(facts, 0, sizeof *facts);
}

void
mail_message_describe_with(notmuch_message_t *msg, const struct mail_identity *identity,
			   const struct mail_file_facts *facts, struct mail_message_info *info)
{
	struct mail_headers h = { 0 };
	struct mail_address_list from;

	memset(info, 0, sizeof *info);
	info->message_id = notmuch_message_get_message_id(msg);
	info->date = notmuch_message_get_date(msg);
	info->subject = header(msg, "subject");
	info->path = notmuch_message_get_filename(msg);
	info->thread_id = notmuch_message_get_thread_id(msg);
	/* From and Subject are in the index; for the rest notmuch would parse
	 * the file on each call: the file was parsed once, for headers and body. */
	h.from = header(msg, "from");
	if (facts->parsed) {
		h.to = facts->to;
		h.cc = facts->cc;
		h.list_id = facts->list_id;
		h.list_post = facts->list_post;
	} else {
		h.to = header(msg, "to");
		h.cc = header(msg, "cc");
		h.list_id = header(msg, "list-id");
		h.list_post = header(msg, "list-post");
	}
	mail_attribute(identity, &h, &info->attribution);

	mail_address_list_parse(h.from, &from);
	if (from.count > 0) {
		/* Steal the first sender; the rest of a multi-author From
		 * is rare and not a contact source. */
		info->from = from.items[0];
		from.items[0] = from.items[--from.count];
	}
	mail_address_list_clear(&from);
	mail_address_list_parse(h.to, &info->to);
	mail_address_list_parse(h.cc, &info->cc);
	/* Who signed: only the vendor's own mail names the vendor's people. */
	if (facts->parsed && signature_wanted(&info->attribution) && info->from.address != NULL) {
		char *body = NULL;
		const char *text = facts->body;

		if (!facts->has_body) {
			GMimeMessage *file = mail_parse_file(info->path, NULL);

			if (file != NULL) {
				body = mail_body_text_of(file, SIGNATURE_BODY_MAX);
				g_object_unref(file);
			}
			text = body;
		}
		if (text != NULL)
			info->has_signature =
				mail_signature_parse(text, info->from.name, &info->signature);
		free(body);
	}
}

void
mail_message_describe(notmuch_message_t *msg, const struct mail_identity *identity,
		      struct mail_message_info *info)
{
	struct mail_file_facts facts;

	mail_file_facts_read(notmuch_message_get_filename(msg), identity, &facts);
	mail_message_describe_with(msg, identity, &facts, info);
	mail_file_facts_clear(&facts);
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
mail_message_store_attribution(notmuch_message_t *msg, const struct mail_attribution *attr)
{
	notmuch_status_t st;

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
