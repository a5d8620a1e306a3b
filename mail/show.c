/*
 * Showing a thread: its messages in thread order with the headers a
 * reader wants, and the attachments of a message file.
 */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gmime/gmime.h>

#include "private.h"

struct show {
	struct mail_db *db;
	mail_shown_fn fn;
	void *ctx;
	struct vt_error *err;
};

static const char *
header_or_empty(notmuch_message_t *msg, const char *name)
{
	const char *v = notmuch_message_get_header(msg, name);

	return v ? v : "";
}

static vt_status
show_messages(struct show *sh, notmuch_messages_t *msgs, int depth)
{
	vt_status rc = VT_OK;

	for (; rc == VT_OK && notmuch_messages_valid(msgs); notmuch_messages_move_to_next(msgs)) {
		notmuch_message_t *msg = notmuch_messages_get(msgs);
		const char *path = notmuch_message_get_filename(msg);
		/* not in notmuch's index: asked of it, it parses the whole
		 * file (a mail of 100,000 parts, 200 MB) */
		char *to = path ? mail_file_header(path, "to") : strdup("");
		char *cc = path ? mail_file_header(path, "cc") : strdup("");
		struct mail_shown m = {
			.message_id = notmuch_message_get_message_id(msg),
			.from = header_or_empty(msg, "from"),
			.to = to ? to : "",
			.cc = cc ? cc : "",
			.subject = header_or_empty(msg, "subject"),
			.date = notmuch_message_get_date(msg),
			.path = path,
			.depth = depth,
		};
		notmuch_bool_t match = FALSE;

		notmuch_message_get_flag_st(msg, NOTMUCH_MESSAGE_FLAG_MATCH, &match);
		m.matched = match;
		rc = to && cc ? sh->fn(sh->ctx, &m, sh->err)
			      : vt_fail(sh->err, VT_ERR_NOMEM, "out of memory");
		free(to);
		free(cc);
		/* Deep threads are shown flat beyond a sane indentation. */
		if (rc == VT_OK)
			rc = show_messages(sh, notmuch_message_get_replies(msg),
					   depth < 16 ? depth + 1 : depth);
	}
	return rc;
}

vt_status
mail_thread_show(struct mail_db *db, const char *thread_id, mail_shown_fn fn, void *ctx,
		 struct vt_error *err)
{
	struct show sh = { .db = db, .fn = fn, .ctx = ctx, .err = err };
	notmuch_threads_t *threads = NULL;
	notmuch_query_t *q;
	notmuch_status_t st;
	char *query = NULL;
	vt_status rc = VT_OK;

	if (asprintf(&query, "thread:%s", thread_id) < 0)
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	q = notmuch_query_create(db->nm, query);
	if (q == NULL) {
		free(query);
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	}
	notmuch_query_set_omit_excluded(q, NOTMUCH_EXCLUDE_FALSE);
	notmuch_query_set_sort(q, NOTMUCH_SORT_OLDEST_FIRST);
	st = notmuch_query_search_threads(q, &threads);
	if (st != NOTMUCH_STATUS_SUCCESS)
		rc = mail_nm_fail(db, err, st, query);
	else if (!notmuch_threads_valid(threads))
		rc = vt_fail(err, VT_ERR_NOT_FOUND, "no thread %s", thread_id);
	else
		rc = show_messages(&sh,
				   notmuch_thread_get_toplevel_messages(
					   notmuch_threads_get(threads)),
				   0);
	notmuch_query_destroy(q);
	free(query);
	return rc;
}
