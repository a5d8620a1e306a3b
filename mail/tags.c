/*
 * Changing tags of a thread's messages (archive, read/unread), with the
 * Maildir flags kept in step as notmuch's own `notmuch tag` does.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "private.h"

static bool
has_tag(notmuch_message_t *msg, const char *tag)
{
	notmuch_tags_t *tags;

	for (tags = notmuch_message_get_tags(msg); notmuch_tags_valid(tags);
	     notmuch_tags_move_to_next(tags))
		if (strcmp(notmuch_tags_get(tags), tag) == 0)
			return true;
	return false;
}

vt_status
mail_tag_messages(struct mail_db *db, const char *query_string, const char *add, const char *remove,
		  char **changed_ids, struct vt_error *err)
{
	notmuch_messages_t *msgs;
	notmuch_query_t *q;
	notmuch_status_t st;
	char *ids = NULL;
	vt_status rc = VT_OK;

	if (changed_ids)
		*changed_ids = NULL;
	if (db->mode != MAIL_DB_READ_WRITE)
		return vt_fail(err, VT_ERR_INTERNAL, "tagging needs the index open for writing");
	if ((q = notmuch_query_create(db->nm, query_string)) == NULL)
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	notmuch_query_set_omit_excluded(q, NOTMUCH_EXCLUDE_FALSE);
	st = notmuch_query_search_messages(q, &msgs);
	if (st != NOTMUCH_STATUS_SUCCESS) {
		notmuch_query_destroy(q);
		return mail_nm_fail(db, err, st, query_string);
	}
	if ((st = notmuch_database_begin_atomic(db->nm)) != NOTMUCH_STATUS_SUCCESS) {
		notmuch_query_destroy(q);
		return mail_nm_fail(db, err, st, "begin tagging");
	}
	for (; rc == VT_OK && notmuch_messages_valid(msgs); notmuch_messages_move_to_next(msgs)) {
		notmuch_message_t *msg = notmuch_messages_get(msgs);
		bool change = (add && !has_tag(msg, add)) || (remove && has_tag(msg, remove));
		char *grown = NULL;

		if (!change)
			continue;
		notmuch_message_freeze(msg);
		if (add)
			notmuch_message_add_tag(msg, add);
		if (remove)
			notmuch_message_remove_tag(msg, remove);
		st = notmuch_message_thaw(msg);
		if (st == NOTMUCH_STATUS_SUCCESS)
			st = notmuch_message_tags_to_maildir_flags(msg);
		if (st != NOTMUCH_STATUS_SUCCESS)
			rc = mail_nm_fail(db, err, st, notmuch_message_get_message_id(msg));
		else if (changed_ids && asprintf(&grown, "%s%s%s", ids ? ids : "", ids ? "\n" : "",
						 notmuch_message_get_message_id(msg)) >= 0) {
			free(ids);
			ids = grown;
		}
	}
	st = notmuch_database_end_atomic(db->nm);
	if (rc == VT_OK && st != NOTMUCH_STATUS_SUCCESS)
		rc = mail_nm_fail(db, err, st, "end tagging");
	notmuch_query_destroy(q);
	if (rc == VT_OK && changed_ids)
		*changed_ids = ids;
	else
		free(ids);
	return rc;
}

vt_status
mail_set_property(struct mail_db *db, const char *query_string, const char *key, const char *value,
		  struct vt_error *err)
{
	notmuch_messages_t *msgs;
	notmuch_query_t *q;
	notmuch_status_t st;
	vt_status rc = VT_OK;

	if (db->mode != MAIL_DB_READ_WRITE)
		return vt_fail(err, VT_ERR_INTERNAL, "properties need the index open for writing");
	if ((q = notmuch_query_create(db->nm, query_string)) == NULL)
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	notmuch_query_set_omit_excluded(q, NOTMUCH_EXCLUDE_FALSE);
	st = notmuch_query_search_messages(q, &msgs);
	for (; st == NOTMUCH_STATUS_SUCCESS && notmuch_messages_valid(msgs);
	     notmuch_messages_move_to_next(msgs)) {
		notmuch_message_t *msg = notmuch_messages_get(msgs);

		/* The thaw writes the document: removing alone would not. */
		notmuch_message_freeze(msg);
		st = notmuch_message_remove_all_properties(msg, key);
		if (st == NOTMUCH_STATUS_SUCCESS && value != NULL)
			st = notmuch_message_add_property(msg, key, value);
		if (st == NOTMUCH_STATUS_SUCCESS)
			st = notmuch_message_thaw(msg);
		else
			notmuch_message_thaw(msg);
	}
	if (st != NOTMUCH_STATUS_SUCCESS)
		rc = mail_nm_fail(db, err, st, query_string);
	notmuch_query_destroy(q);
	return rc;
}

vt_status
mail_message_set_property_values(struct mail_db *db, const char *message_id, const char *key,
				 const char *values, struct vt_error *err)
{
	notmuch_message_t *msg = NULL;
	notmuch_status_t st;

	if (db->mode != MAIL_DB_READ_WRITE)
		return vt_fail(err, VT_ERR_INTERNAL, "properties need the index open for writing");
	st = notmuch_database_find_message(db->nm, message_id, &msg);
	if (st != NOTMUCH_STATUS_SUCCESS)
		return mail_nm_fail(db, err, st, message_id);
	if (msg == NULL)
		return VT_OK; /* gone from the index: nothing carries the values */
	/* The thaw writes the document: removing alone would not. */
	notmuch_message_freeze(msg);
	st = notmuch_message_remove_all_properties(msg, key);
	if (st == NOTMUCH_STATUS_SUCCESS)
		st = mail_message_add_property_values(msg, key, values);
	if (st == NOTMUCH_STATUS_SUCCESS)
		st = notmuch_message_thaw(msg);
	else
		notmuch_message_thaw(msg);
	notmuch_message_destroy(msg);
	return st == NOTMUCH_STATUS_SUCCESS ? VT_OK : mail_nm_fail(db, err, st, message_id);
}

vt_status
mail_all_tags(struct mail_db *db, char ***out, size_t *n, struct vt_error *err)
{
	notmuch_tags_t *tags = notmuch_database_get_all_tags(db->nm);

	*out = NULL;
	*n = 0;
	if (tags == NULL)
		return vt_fail(err, VT_ERR_DB, "cannot read the index's tags");
	for (; notmuch_tags_valid(tags); notmuch_tags_move_to_next(tags)) {
		char **grown = realloc(*out, (*n + 1) * sizeof *grown);

		if (grown == NULL || (grown[*n] = strdup(notmuch_tags_get(tags))) == NULL) {
			if (grown != NULL)
				*out = grown;
			notmuch_tags_destroy(tags);
			for (size_t i = 0; i < *n; i++)
				free((*out)[i]);
			free(*out);
			*out = NULL;
			*n = 0;
			return vt_fail(err, VT_ERR_NOMEM, "out of memory");
		}
		*out = grown;
		(*n)++;
	}
	notmuch_tags_destroy(tags);
	return VT_OK;
}
