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

/* What describing a message needs from its file, read apart from the
 * index (so that it can be read ahead, on another thread: no notmuch
 * here). identity may be NULL: then no body. */
struct mail_file_facts {
	bool parsed;   /* false: unreadable; the index's headers are used */
	char *to, *cc, *list_id, *list_post;
	bool has_body; /* body read (may still be NULL: no text) */
	char *body;
};
void mail_file_facts_read(const char *path, const struct mail_identity *identity,
			  struct mail_file_facts *facts);
void mail_file_facts_clear(struct mail_file_facts *facts);
/* mail_message_describe() with the file already read. */
void mail_message_describe_with(notmuch_message_t *msg, const struct mail_identity *identity,
				const struct mail_file_facts *facts,
				struct mail_message_info *info);

/* g_mime_init() exactly once, whichever thread comes first: its own
 * counter is not thread-safe and the index reads files on two threads. */
void mail_gmime_init(void);

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
