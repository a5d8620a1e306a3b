/* Internals shared between the files of mail/; never included elsewhere. */
#ifndef VT_MAIL_PRIVATE_H
#define VT_MAIL_PRIVATE_H

#include <notmuch.h>

#include <gmime/gmime.h>

#include "mail.h"

struct mail_db {
	notmuch_database_t *nm;
	enum mail_db_mode mode;
	char *mail_root;
	char *config_path; /* NULL for a reused database */
};

/* Attribution algorithm version, stored on each message as MAIL_PROP_REV.
 * Bump it when mail_attribute() changes so existing mail is redone. */
#define MAIL_ATTRIBUTION_REV "1"

/* Translates a notmuch status into ours, with the database's message. */
vt_status mail_nm_fail(struct mail_db *db, struct vt_error *err, notmuch_status_t st,
		       const char *what);

/* Reads the headers attribution needs from a message, attributes it and
 * fills info (strings owned by the message; lists must be cleared). */
void mail_message_describe(notmuch_message_t *msg, const struct mail_identity *identity,
			   struct mail_message_info *info);
void mail_message_info_clear(struct mail_message_info *info);

/* A message file parsed by GMime (NULL after err: VT_ERR_IO unreadable,
 * VT_ERR_PROTOCOL unparsable); g_object_unref() it. */
GMimeMessage *mail_parse_file(const char *path, struct vt_error *err);
/* The readable text of a parsed message (see mail_body_text); message may
 * be NULL (empty text). malloc'd. */
char *mail_body_text_of(GMimeMessage *message, size_t max_bytes);
/* Writes info's attribution as properties of msg. */
notmuch_status_t mail_message_store_attribution(notmuch_message_t *msg,
						const struct mail_attribution *attr);

#endif
