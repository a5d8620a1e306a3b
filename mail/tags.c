/*
 * Changing tags of a thread's messages (archive, read/unread), with the
 * Maildir flags kept in step as notmuch's own `notmuch tag` does.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* notmuch refuses a tag longer than NOTMUCH_TAG_MAX on each message, a
 * status nobody read: "tagged" was said of a tag no message got. */
static vt_status
tags_usable(const char *add, const char *remove, struct vt_error *err)
{
	const char *tag = add && strlen(add) > NOTMUCH_TAG_MAX ? add : remove;

	if (tag == NULL || strlen(tag) <= NOTMUCH_TAG_MAX)
		return VT_OK;
	return vt_fail(err, VT_ERR_USAGE,
		       "tag '%.*s...' is %zu bytes long; notmuch takes %d at most",
		       (int)mail_utf8_prefix(tag, 40), tag, strlen(tag), NOTMUCH_TAG_MAX);
}

static bool
tags_would_change(notmuch_message_t *msg, const char *add, const char *remove)
{
	return (add && !has_tag(msg, add)) || (remove && has_tag(msg, remove));
}

/* Every message of query, deleted and spam too (a tag change names them
 * all); *q to destroy after. */
static vt_status
search_all(struct mail_db *db, const char *query_string, notmuch_query_t **q,
	   notmuch_messages_t **msgs, struct vt_error *err)
{
	notmuch_status_t st;

	if ((*q = notmuch_query_create(db->nm, query_string)) == NULL)
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	notmuch_query_set_omit_excluded(*q, NOTMUCH_EXCLUDE_FALSE);
	st = notmuch_query_search_messages(*q, msgs);
	if (st != NOTMUCH_STATUS_SUCCESS) {
		notmuch_query_destroy(*q);
		*q = NULL;
		return mail_nm_fail(db, err, st, query_string);
	}
	return VT_OK;
}

/* ids: a newline-separated list under construction. */
struct id_list {
	FILE *f;
	char *text;
	size_t len;
	bool nomem;
};

static void
id_list_add(struct id_list *l, const char *id)
{
	if (l->f == NULL && (l->f = open_memstream(&l->text, &l->len)) == NULL)
		l->nomem = true;
	else if (fprintf(l->f, "%s%s", ftell(l->f) > 0 ? "\n" : "", id) < 0)
		l->nomem = true;
}

/* The list whole (malloc'd; NULL when empty or out of memory). */
static char *
id_list_take(struct id_list *l, bool *nomem)
{
	char *text = NULL;

	if (l->f != NULL && fclose(l->f) != 0)
		l->nomem = true;
	if (l->f != NULL && !l->nomem)
		text = l->text;
	else if (l->f != NULL)
		free(l->text);
	*nomem = l->nomem;
	memset(l, 0, sizeof *l);
	return text;
}

vt_status
mail_tag_changes(struct mail_db *db, const char *query_string, const char *add, const char *remove,
		 char **ids, struct vt_error *err)
{
	notmuch_messages_t *msgs;
	notmuch_query_t *q;
	struct id_list list = { 0 };
	bool nomem = false;
	vt_status rc;

	*ids = NULL;
	if ((rc = tags_usable(add, remove, err)) != VT_OK ||
	    (rc = search_all(db, query_string, &q, &msgs, err)) != VT_OK)
		return rc;
	for (; notmuch_messages_valid(msgs); notmuch_messages_move_to_next(msgs)) {
		notmuch_message_t *msg = notmuch_messages_get(msgs);

		if (tags_would_change(msg, add, remove))
			id_list_add(&list, notmuch_message_get_message_id(msg));
		notmuch_message_destroy(msg);
	}
	notmuch_query_destroy(q);
	*ids = id_list_take(&list, &nomem);
	return nomem ? vt_fail(err, VT_ERR_NOMEM, "out of memory") : VT_OK;
}

vt_status
mail_tag_messages(struct mail_db *db, const char *query_string, const char *add, const char *remove,
		  char **changed_ids, struct vt_error *err)
{
	notmuch_messages_t *msgs;
	notmuch_query_t *q;
	notmuch_status_t st;
	struct id_list changed = { 0 };
	bool nomem = false;
	char *ids;
	vt_status rc = VT_OK;

	if (changed_ids)
		*changed_ids = NULL;
	if (db->mode != MAIL_DB_READ_WRITE)
		return vt_fail(err, VT_ERR_INTERNAL, "tagging needs the index open for writing");
	if ((rc = tags_usable(add, remove, err)) != VT_OK ||
	    (rc = search_all(db, query_string, &q, &msgs, err)) != VT_OK)
		return rc;
	if ((st = mail_db_begin_atomic(db)) != NOTMUCH_STATUS_SUCCESS) {
		notmuch_query_destroy(q);
		return mail_nm_fail(db, err, st, "begin tagging");
	}
	for (; rc == VT_OK && notmuch_messages_valid(msgs); notmuch_messages_move_to_next(msgs)) {
		notmuch_message_t *msg = notmuch_messages_get(msgs);

		if (!tags_would_change(msg, add, remove))
			continue;
		notmuch_message_freeze(msg);
		st = add ? notmuch_message_add_tag(msg, add) : NOTMUCH_STATUS_SUCCESS;
		if (st == NOTMUCH_STATUS_SUCCESS && remove)
			st = notmuch_message_remove_tag(msg, remove);
		if (st == NOTMUCH_STATUS_SUCCESS)
			st = notmuch_message_thaw(msg);
		else
			notmuch_message_thaw(msg);
		if (st == NOTMUCH_STATUS_SUCCESS)
			st = notmuch_message_tags_to_maildir_flags(msg);
		if (st != NOTMUCH_STATUS_SUCCESS)
			rc = mail_nm_fail(db, err, st, notmuch_message_get_message_id(msg));
		else if (changed_ids)
			id_list_add(&changed, notmuch_message_get_message_id(msg));
	}
	st = mail_db_end_atomic(db);
	if (rc == VT_OK && st != NOTMUCH_STATUS_SUCCESS)
		rc = mail_nm_fail(db, err, st, "end tagging");
	notmuch_query_destroy(q);
	ids = id_list_take(&changed, &nomem);
	if (rc == VT_OK && nomem)
		rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
	if (rc == VT_OK && changed_ids)
		*changed_ids = ids;
	else
		free(ids);
	return rc;
}

/* A Maildir file's path now, when a flag change renamed it (the name
 * before ":2," stays; cur/ or new/), malloc'd; NULL when none is. */
char *
mail_maildir_renamed(const char *path)
{
	const char *base = strrchr(path, '/');
	size_t unique, folder;
	char *found = NULL;

	if (base == NULL || base - path < 4 || base[-4] != '/' ||
	    (strncmp(base - 3, "cur", 3) != 0 && strncmp(base - 3, "new", 3) != 0))
		return NULL;
	base++;
	unique = strcspn(base, ":");
	folder = (size_t)(base - path) - 4;
	for (int sub = 0; sub < 2 && found == NULL; sub++) {
		char dir[PATH_MAX];
		DIR *d;
		struct dirent *e;

		snprintf(dir, sizeof dir, "%.*s/%s", (int)folder, path, sub ? "new" : "cur");
		if ((d = opendir(dir)) == NULL)
			continue;
		while ((e = readdir(d)) != NULL && found == NULL)
			if (strncmp(e->d_name, base, unique) == 0 &&
			    (e->d_name[unique] == ':' || e->d_name[unique] == '\0') &&
			    asprintf(&found, "%s/%s", dir, e->d_name) < 0)
				found = NULL;
		closedir(d);
	}
	return found;
}

vt_status
mail_restore_renamed(struct mail_db *db, const char *query_string, struct vt_error *err)
{
	notmuch_messages_t *msgs;
	notmuch_query_t *q;
	vt_status rc;

	if ((rc = search_all(db, query_string, &q, &msgs, err)) != VT_OK)
		return rc;
	for (; notmuch_messages_valid(msgs); notmuch_messages_move_to_next(msgs)) {
		notmuch_message_t *msg = notmuch_messages_get(msgs);
		notmuch_filenames_t *names;

		for (names = notmuch_message_get_filenames(msg); notmuch_filenames_valid(names);
		     notmuch_filenames_move_to_next(names)) {
			const char *path = notmuch_filenames_get(names);
			char *now;

			if (access(path, F_OK) == 0 || errno != ENOENT)
				continue;
			if ((now = mail_maildir_renamed(path)) != NULL && rename(now, path) != 0)
				rc = vt_fail(err, VT_ERR_IO, "cannot rename %s back to %s: %s", now,
					     path, strerror(errno));
			free(now);
		}
		notmuch_message_destroy(msg);
	}
	notmuch_query_destroy(q);
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
