/*
 * A message's attachments: listed with their types and decoded sizes,
 * saved to a file (never over another one unless asked, never half
 * written), and named safely for the disk. GMime parses and decodes;
 * what is ours is the numbering and the care with the file system.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <gmime/gmime.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mail.h"
#include "private.h"

/* Which parts are attachments: a named part, one marked so, an attached
 * message, and every part the pager does not read as text (an inline
 * image without a name, an invitation): no part of a message is out of
 * the user's reach. Its readable text is the body, not an attachment. */
static bool
is_attachment(GMimeObject *part)
{
	GMimeContentType *type;

	if (GMIME_IS_MESSAGE_PART(part))
		return true;
	if (!GMIME_IS_PART(part))
		return false;
	if (g_mime_part_get_filename(GMIME_PART(part)) != NULL ||
	    g_mime_part_is_attachment(GMIME_PART(part)))
		return true;
	type = g_mime_object_get_content_type(part);
	return !g_mime_content_type_is_type(type, "text", "plain") &&
	       !g_mime_content_type_is_type(type, "text", "html");
}

/* The message's HTML body (part 0): its first text/html part that is no
 * attachment, so that it can be saved or opened in a browser. */
static bool
is_html_body(GMimeObject *part)
{
	GMimeContentType *type;

	if (!GMIME_IS_PART(part) || is_attachment(part))
		return false;
	type = g_mime_object_get_content_type(part);
	return type != NULL && g_mime_content_type_is_type(type, "text", "html");
}

struct walk {
	struct mail_attachment_list *list;
	int want;           /* the part to find (walk_find): 0 the HTML body */
	bool html_seen;     /* the HTML body met */
	int seen;           /* attachments met so far */
	GMimeObject *found; /* walk_find's result (borrowed) */
	bool failed;
};

/* An attached message's file name: its subject (whose slashes make no
 * directories) and ".eml"; "attachment-N.eml" without one. */
static char *
message_name(GMimeObject *part, int number)
{
	GMimeMessage *inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(part));
	const char *subject = inner ? g_mime_message_get_subject(inner) : NULL;
	size_t n = subject ? strlen(subject) : 0;
	char *name;

	/* room for ".eml" in mail_attachment_safe_name's 200 bytes */
	if (n > 120) {
		n = 120;
		while (n > 0 && ((unsigned char)subject[n] & 0xc0) == 0x80)
			n--;
	}
	while (n > 0 && (subject[n - 1] == ' ' || subject[n - 1] == '\t'))
		n--;
	if (n == 0)
		return asprintf(&name, "attachment-%d.eml", number) < 0 ? NULL : name;
	if (asprintf(&name, "%.*s.eml", (int)n, subject) < 0)
		return NULL;
	for (char *c = name; *c; c++)
		if (*c == '/' || *c == '\\')
			*c = '_';
	return name;
}

/* What part comes to when written as it is saved: decoded, or an
 * attached message whole. */
static size_t
saved_size(GMimeObject *part)
{
	GMimeDataWrapper *content = NULL;
	GMimeMessage *inner = NULL;
	GMimeStream *null;
	ssize_t n;
	size_t size;

	if (GMIME_IS_MESSAGE_PART(part))
		inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(part));
	else
		content = g_mime_part_get_content(GMIME_PART(part));
	if (content == NULL && inner == NULL)
		return 0;
	null = g_mime_stream_null_new();
	n = inner ? g_mime_object_write_to_stream(GMIME_OBJECT(inner), NULL, null)
		  : g_mime_data_wrapper_write_to_stream(content, null);
	/* what reached the stream: a message's count is of the bytes before
	 * its line ends are made LF */
	size = n > 0 ? GMIME_STREAM_NULL(null)->written : 0;
	g_object_unref(null);
	return size;
}

/* An attached message's parts are numbered right after it, as far down
 * as mail/body.c reads attached messages; a message deeper still is
 * listed whole, to be saved. */
static void
walk_list(GMimeObject *part, int depth, void *data)
{
	struct walk *w = data;
	struct mail_attachment *grown, *a;
	const char *filename = NULL;
	char *type;

	if (w->failed)
		return;
	if (!is_attachment(part) && (depth > 0 || w->html_seen || !is_html_body(part)))
		return;
	grown = realloc(w->list->items, (w->list->count + 1) * sizeof *grown);
	if (grown == NULL) {
		w->failed = true;
		return;
	}
	w->list->items = grown;
	a = &grown[w->list->count];
	memset(a, 0, sizeof *a);
	if (GMIME_IS_PART(part))
		filename = g_mime_part_get_filename(GMIME_PART(part));
	type = g_mime_content_type_get_mime_type(g_mime_object_get_content_type(part));
	a->filename = GMIME_IS_MESSAGE_PART(part) ? message_name(part, w->seen + 1)
		      : filename                  ? strdup(filename)
						  : NULL;
	a->type = strdup(type ? type : "application/octet-stream");
	g_free(type);
	a->size = saved_size(part);
	if (is_attachment(part)) {
		a->part = ++w->seen;
	} else {
		a->part = 0;
		a->body = true;
		w->html_seen = true;
	}
	w->list->count++;
	if (((filename || GMIME_IS_MESSAGE_PART(part)) && a->filename == NULL) || a->type == NULL)
		w->failed = true;
}

static void
walk_find(GMimeObject *part, int depth, void *data)
{
	struct walk *w = data;

	if (w->found != NULL)
		return;
	if (w->want == 0 ? depth == 0 && is_html_body(part)
			 : is_attachment(part) && ++w->seen == w->want)
		w->found = part;
}

void
mail_attachment_list_clear(struct mail_attachment_list *l)
{
	for (size_t i = 0; i < l->count; i++) {
		free(l->items[i].filename);
		free(l->items[i].type);
	}
	free(l->items);
	l->items = NULL;
	l->count = 0;
}

vt_status
mail_attachment_list_of(GMimeMessage *message, struct mail_attachment_list *out,
			struct vt_error *err)
{
	struct walk w = { .list = out };

	out->items = NULL;
	out->count = 0;
	mail_message_foreach_deep(message, walk_list, &w);
	if (w.failed) {
		mail_attachment_list_clear(out);
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	}
	return VT_OK;
}

vt_status
mail_attachment_list(const char *path, struct mail_attachment_list *out, struct vt_error *err)
{
	GMimeMessage *message;
	vt_status rc;

	out->items = NULL;
	out->count = 0;
	/* an unreadable file is an error; an unparsable one has none */
	if ((rc = mail_parse_file_or_none(path, &message, err)) != VT_OK || message == NULL)
		return rc;
	rc = mail_attachment_list_of(message, out, err);
	g_object_unref(message);
	return rc;
}

char *
mail_attachment_safe_name(const char *filename, int part)
{
	const char *base = filename ? strrchr(filename, '/') : NULL;
	char *out, *clean;
	size_t n = 0;

	base = base ? base + 1 : filename ? filename : "";
	/* a Windows path's last part too */
	if (strrchr(base, '\\') != NULL)
		base = strrchr(base, '\\') + 1;
	/* no C0 controls or DEL at all; then as the terminal shows names: a
	 * bidi override would make "fdp.exe" list as "exe.pdf" in a later
	 * ls, a C1 control act on the terminal, bytes that are no UTF-8 */
	if ((out = strdup(base)) == NULL)
		return NULL;
	for (const unsigned char *c = (const unsigned char *)base; *c; c++)
		if (*c >= 0x20 && *c != 0x7f)
			out[n++] = (char)*c;
	out[n] = '\0';
	n = 0;
	clean = mail_sanitize_str(out);
	free(out);
	if (clean == NULL)
		return NULL;
	out = malloc(strlen(clean) + 32);
	if (out == NULL) {
		free(clean);
		return NULL;
	}
	const unsigned char *p = (const unsigned char *)clean;

	for (; *p && n < 200; p++) {
		/* no leading dot (a hidden file, "..") */
		if (*p == '.' && n == 0)
			continue;
		out[n++] = (char)*p;
	}
	/* a name cut at 200 bytes does not end inside a UTF-8 sequence */
	if (*p != '\0' && (*p & 0xc0) == 0x80) {
		while (n > 0 && ((unsigned char)out[n - 1] & 0xc0) == 0x80)
			n--;
		if (n > 0 && ((unsigned char)out[n - 1] & 0xc0) == 0xc0)
			n--;
	}
	while (n > 0 && out[n - 1] == ' ')
		n--;
	out[n] = '\0';
	if (n == 0 && part == 0)
		snprintf(out, strlen(clean) + 32, "message.html");
	else if (n == 0)
		snprintf(out, strlen(clean) + 32, "attachment-%d", part);
	free(clean);
	return out;
}

/* Writes part to the open file fd, decoded, or an attached message as
 * the message it is; false with errno on a write error. */
static bool
write_part(GMimeObject *part, int fd)
{
	GMimeDataWrapper *content = NULL;
	GMimeMessage *inner = NULL;
	GMimeStream *stream;
	ssize_t n;

	if (GMIME_IS_MESSAGE_PART(part))
		inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(part));
	else
		content = g_mime_part_get_content(GMIME_PART(part));
	if (content == NULL && inner == NULL)
		return true;
	stream = g_mime_stream_fs_new(fd);
	g_mime_stream_fs_set_owner(GMIME_STREAM_FS(stream), FALSE);
	n = inner ? g_mime_object_write_to_stream(GMIME_OBJECT(inner), NULL, stream)
		  : g_mime_data_wrapper_write_to_stream(content, stream);
	if (n >= 0 && g_mime_stream_flush(stream) != 0)
		n = -1;
	g_object_unref(stream);
	if (n < 0 && errno == 0)
		errno = EIO;
	return n >= 0;
}

vt_status
mail_attachment_save(const char *path, int part, const char *dest, bool overwrite,
		     struct vt_error *err)
{
	struct vt_error parse_err = { 0 };
	struct walk w = { .want = part };
	GMimeMessage *message;
	char *tmp = NULL;
	int fd, saved_errno, made;
	struct stat st;
	mode_t mode;

	if (!overwrite && lstat(dest, &st) == 0)
		return vt_fail(err, VT_ERR_CONFLICT, "%s exists (not overwritten)", dest);
	message = mail_parse_file(path, &parse_err);
	if (message == NULL) {
		if (err)
			*err = parse_err;
		return parse_err.status;
	}
	mail_message_foreach_deep(message, walk_find, &w);
	if (w.found == NULL) {
		g_object_unref(message);
		return part == 0 ? vt_fail(err, VT_ERR_NOT_FOUND, "%s: no HTML body (part 0)", path)
				 : vt_fail(err, VT_ERR_NOT_FOUND,
					   "%s: no attachment %d (it has %d)", path, part, w.seen);
	}
	/* Written beside the destination under another name, flushed to
	 * the disk, then renamed: a full disk or a kill leaves no half file
	 * under the name the user asked for. */
	if (asprintf(&tmp, "%s.vtriage-XXXXXX", dest) < 0) {
		g_object_unref(message);
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	}
	fd = mkstemp(tmp);
	if (fd < 0) {
		vt_fail(err, VT_ERR_IO, "%s: %s", dest, strerror(errno));
		free(tmp);
		g_object_unref(message);
		return VT_ERR_IO;
	}
	errno = 0;
	mode = umask(0);
	umask(mode);
	if (!write_part(w.found, fd) || fsync(fd) != 0 || fchmod(fd, 0666 & ~mode) != 0) {
		saved_errno = errno;
		close(fd);
		unlink(tmp);
		vt_fail(err, VT_ERR_IO, "%s: %s", dest, strerror(saved_errno ? saved_errno : EIO));
		free(tmp);
		g_object_unref(message);
		return VT_ERR_IO;
	}
	g_object_unref(message);
	if (close(fd) != 0) {
		made = -1;
	} else if (overwrite) {
		made = rename(tmp, dest);
	} else {
		/* link() makes the name only if no file took it meanwhile;
		 * a file system without hard links gets the checked rename */
		made = link(tmp, dest);
		if (made != 0 && errno != EEXIST && lstat(dest, &st) != 0)
			made = rename(tmp, dest);
		else if (made != 0 && errno != EEXIST)
			errno = EEXIST;
	}
	if (made != 0) {
		saved_errno = errno;
		unlink(tmp);
		free(tmp);
		if (saved_errno == EEXIST)
			return vt_fail(err, VT_ERR_CONFLICT, "%s exists (not overwritten)", dest);
		return vt_fail(err, VT_ERR_IO, "%s: %s", dest, strerror(saved_errno));
	}
	/* link() made the name without replacing one that came meanwhile */
	if (!overwrite)
		unlink(tmp);
	free(tmp);
	return VT_OK;
}

void
mail_format_bytes(uint64_t b, char *out, size_t len)
{
	if (b >= 1000000)
		snprintf(out, len, "%.1f MB", b / 1e6);
	else if (b >= 1000)
		snprintf(out, len, "%.1f kB", b / 1e3);
	else
		snprintf(out, len, "%u bytes", (unsigned)b);
}
