/*
 * The server's copy of mail sent here. Sending (store/send.c) keeps the
 * message in the local Sent folder and queues it for its account as a
 * link in <data>/outbox/<account>/; this pass appends each queued message
 * to the server's sent folder (flagged \Seen), finds it there by its
 * Message-ID, and only then removes the queue entry. A run killed between
 * APPEND and the removal finds the copy on the server the next time and
 * does not append it again.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "private.h"

/* A test may kill the pass between APPEND and the queue's update. */
static void
kill_point(const char *where)
{
	const char *at = getenv("VTRIAGE_TEST_OUTBOX_KILL");

	if (at && strcmp(at, where) == 0)
		raise(SIGKILL);
}

static bool
is_sent_name(const char *name, char delim)
{
	static const char *const usual[] = { "Sent", "Sent Messages", "Sent Items", "Sent Mail" };
	const char *last = delim ? strrchr(name, delim) : NULL;

	last = last ? last + 1 : name;
	for (size_t i = 0; i < sizeof usual / sizeof usual[0]; i++)
		if (strcasecmp(last, usual[i]) == 0)
			return true;
	return false;
}

static bool
has_sent_flag(const struct mailimap_mailbox_list *mb)
{
	if (mb->mb_flag == NULL || mb->mb_flag->mbf_oflags == NULL)
		return false;
	for (clistiter *it = clist_begin(mb->mb_flag->mbf_oflags); it; it = clist_next(it)) {
		const struct mailimap_mbx_list_oflag *f = clist_content(it);

		if (f->of_type == MAILIMAP_MBX_LIST_OFLAG_FLAG_EXT && f->of_flag_ext != NULL &&
		    strcasecmp(f->of_flag_ext, "Sent") == 0)
			return true;
	}
	return false;
}

/* The server's sent folder: sent_folder when configured, else the one
 * marked \Sent (RFC 6154), else one by a usual name, else a new "Sent"
 * (created and subscribed, so that the sync keeps it in step). */
static vt_status
sent_mailbox(struct imap_conn *c, const struct mail_imap_account *acct, char *out, size_t len,
	     struct vt_error *err)
{
	clist *list = NULL;
	int r;

	if (acct->sent_folder != NULL) {
		snprintf(out, len, "%s", acct->sent_folder);
		r = mailimap_list(c->imap, "", acct->sent_folder, &list);
		if (r != MAILIMAP_NO_ERROR)
			return imap_fail(c, r, err, "%s: LIST %s", acct->name, acct->sent_folder);
		if (list == NULL || clist_count(list) == 0) {
			if (list)
				mailimap_list_result_free(list);
			return vt_fail(err, VT_ERR_CONFIG,
				       "%s: [account %s] sent_folder: the server has no folder %s",
				       acct->name, acct->name, acct->sent_folder);
		}
		mailimap_list_result_free(list);
		return VT_OK;
	}
	if ((r = mailimap_list(c->imap, "", "*", &list)) != MAILIMAP_NO_ERROR)
		return imap_fail(c, r, err, "%s: LIST", acct->name);
	out[0] = '\0';
	for (int pass = 0; pass < 2 && out[0] == '\0'; pass++)
		for (clistiter *it = list ? clist_begin(list) : NULL; it; it = clist_next(it)) {
			const struct mailimap_mailbox_list *mb = clist_content(it);

			if (pass == 0 ? has_sent_flag(mb)
				      : is_sent_name(mb->mb_name, mb->mb_delimiter)) {
				snprintf(out, len, "%s", mb->mb_name);
				break;
			}
		}
	if (list)
		mailimap_list_result_free(list);
	if (out[0] != '\0')
		return VT_OK;
	snprintf(out, len, "Sent");
	if ((r = mailimap_create(c->imap, out)) != MAILIMAP_NO_ERROR)
		return imap_fail(c, r, err, "%s: CREATE %s", acct->name, out);
	if ((r = mailimap_subscribe(c->imap, out)) != MAILIMAP_NO_ERROR)
		return imap_fail(c, r, err, "%s: SUBSCRIBE %s", acct->name, out);
	return VT_OK;
}

/* Whether the selected folder holds a message with this Message-ID. */
static vt_status
on_server(struct imap_conn *c, const char *box, const char *id, bool *found, struct vt_error *err)
{
	char *name = strdup("Message-ID"), *value = NULL;
	struct mailimap_search_key *key;
	clist *result = NULL;
	int r;

	*found = false;
	if (name == NULL || asprintf(&value, id[0] == '<' ? "%s" : "<%s>", id) < 0 ||
	    (key = mailimap_search_key_new_header(name, value)) == NULL) {
		free(name);
		free(value);
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	}
	r = mailimap_uid_search(c->imap, NULL, key, &result);
	mailimap_search_key_free(key);
	if (r != MAILIMAP_NO_ERROR)
		return imap_fail(c, r, err, "%s/%s: UID SEARCH", c->acct->name, box);
	*found = clist_count(result) > 0;
	mailimap_search_result_free(result);
	return VT_OK;
}

static vt_status
read_message(const char *path, char **text, size_t *len, struct vt_error *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	size_t done = 0;

	*text = NULL;
	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		int e = errno;

		if (fd >= 0)
			close(fd);
		return vt_fail(err, VT_ERR_IO, "%s: %s", path, fd < 0 ? strerror(e) : "not a file");
	}
	if ((*text = malloc((size_t)st.st_size + 1)) == NULL) {
		close(fd);
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	}
	while (done < (size_t)st.st_size) {
		ssize_t n = read(fd, *text + done, (size_t)st.st_size - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		done += (size_t)n;
	}
	close(fd);
	(*text)[done] = '\0';
	*len = done;
	return VT_OK;
}

/* IMAP wants CRLF line ends; a Maildir file has LF. */
static char *
crlf(const char *text, size_t len, size_t *out_len)
{
	size_t n = 0;
	char *out = malloc(2 * len + 1);

	if (out == NULL)
		return NULL;
	for (size_t i = 0; i < len; i++) {
		if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r'))
			out[n++] = '\r';
		out[n++] = text[i];
	}
	out[n] = '\0';
	*out_len = n;
	return out;
}

static vt_status
append_one(struct imap_conn *c, const char *box, const char *path, bool *appended,
	   struct vt_error *err)
{
	char *text = NULL, *wire = NULL, id[1024] = "";
	size_t len = 0, wire_len = 0;
	struct mailimap_flag_list *flags = NULL;
	bool there = false;
	vt_status rc;
	int r;

	*appended = false;
	if ((rc = read_message(path, &text, &len, err)) != VT_OK)
		return rc;
	md_header_message_id(text, len, id, sizeof id);
	if (id[0] == '\0') {
		free(text);
		return vt_fail(err, VT_ERR_PROTOCOL, "%s: no Message-ID: not uploaded", path);
	}
	/* already there: a run killed after its APPEND */
	if ((rc = on_server(c, box, id, &there, err)) != VT_OK || there) {
		free(text);
		return rc;
	}
	if ((wire = crlf(text, len, &wire_len)) == NULL ||
	    (flags = mailimap_flag_list_new_empty()) == NULL ||
	    mailimap_flag_list_add(flags, mailimap_flag_new_seen()) != MAILIMAP_NO_ERROR) {
		free(text);
		free(wire);
		if (flags)
			mailimap_flag_list_free(flags);
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	}
	free(text);
	r = mailimap_append(c->imap, box, flags, NULL, wire, wire_len);
	mailimap_flag_list_free(flags);
	free(wire);
	if (r != MAILIMAP_NO_ERROR)
		return imap_fail(c, r, err, "%s/%s: APPEND", c->acct->name, box);
	kill_point("appended");
	/* the server must show it before the queue forgets it */
	if ((r = mailimap_noop(c->imap)) != MAILIMAP_NO_ERROR)
		return imap_fail(c, r, err, "%s/%s: NOOP", c->acct->name, box);
	if ((rc = on_server(c, box, id, &there, err)) != VT_OK)
		return rc;
	if (!there)
		return vt_fail(err, VT_ERR_PROTOCOL,
			       "%s/%s: the server took the message <%s> but does not show it: kept "
			       "for the next sync",
			       c->acct->name, box, id);
	*appended = true;
	return VT_OK;
}

vt_status
mail_outbox_account(const struct mail_imap_account *acct, const struct mail_sync_options *opts,
		    const struct mail_sync_hooks *hooks, const char *outbox_dir,
		    struct mail_outbox_result *result, struct vt_error *err)
{
	struct imap_conn conn = { 0 };
	DIR *d = opendir(outbox_dir);
	struct dirent *e;
	char *dir = NULL, **files = NULL;
	size_t n = 0, cap = 0;
	int lock = -1, r;
	vt_status rc = VT_OK;

	memset(result, 0, sizeof *result);
	if (d == NULL)
		return errno == ENOENT
			       ? VT_OK
			       : vt_fail(err, VT_ERR_IO, "%s: %s", outbox_dir, strerror(errno));
	while ((e = readdir(d)) != NULL) {
		char **grown;

		if (e->d_name[0] == '.')
			continue;
		if (n == cap &&
		    (grown = realloc(files, (cap = cap ? cap * 2 : 8) * sizeof *files)) != NULL)
			files = grown;
		if (n < cap && asprintf(&files[n], "%s/%s", outbox_dir, e->d_name) >= 0)
			n++;
	}
	closedir(d);
	if (n == 0) {
		free(files);
		return VT_OK; /* nothing queued: no connection */
	}
	if ((rc = state_account_dir(opts->data_dir, acct->name, &dir, err)) != VT_OK ||
	    (rc = state_lock(dir, acct->name, &lock, err)) != VT_OK ||
	    (rc = imap_conn_open(&conn, acct, hooks, err)) != VT_OK ||
	    (rc = sent_mailbox(&conn, acct, result->mailbox, sizeof result->mailbox, err)) != VT_OK)
		goto out;
	if ((r = mailimap_select(conn.imap, result->mailbox)) != MAILIMAP_NO_ERROR) {
		rc = imap_fail(&conn, r, err, "%s/%s: SELECT", acct->name, result->mailbox);
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		bool appended;

		if (opts->interrupted && *opts->interrupted) {
			rc = vt_fail(err, VT_ERR_INTERRUPTED, "interrupted");
			break;
		}
		if ((rc = append_one(&conn, result->mailbox, files[i], &appended, err)) != VT_OK) {
			result->kept = (unsigned)(n - i);
			break;
		}
		/* appended now, or found there from an earlier run: done */
		unlink(files[i]);
		if (appended)
			result->appended++;
	}
out:
	if (rc != VT_OK && result->kept == 0)
		result->kept = (unsigned)n;
	imap_conn_close(&conn);
	if (lock >= 0)
		close(lock);
	free(dir);
	for (size_t i = 0; i < n; i++)
		free(files[i]);
	free(files);
	return rc;
}
