/*
 * Writing mail: the draft a user edits (headers on top, as mutt's
 * edit_headers, a blank line, the body) for a reply or a new message,
 * and the message built from the edited draft with GMime: addresses and
 * subjects encoded by RFC 2047 where they need it, the body UTF-8 in the
 * lightest transfer encoding that carries it, a Message-ID under the
 * sender's domain, a Date. Nothing of the original mail reaches a header
 * with a line break or a control character in it.
 */
#include "config.h"

#include <dlfcn.h>
#include <gmime/gmime.h>
#include <magic.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <fcntl.h>

#include "ascii.h"
#include "mail.h"
#include "private.h"

#define REFERENCES_MAX 20

/* A header value from mail, on one line: controls (CR, LF, ESC...) are
 * spaces, runs of them one. */
static void
append_clean(GString *out, const char *value)
{
	bool space = false;

	for (const unsigned char *p = (const unsigned char *)(value ? value : ""); *p; p++) {
		if (*p < 0x20 || *p == 0x7f) {
			space = true;
			continue;
		}
		if (space && out->len > 0 && out->str[out->len - 1] != ' ')
			g_string_append_c(out, ' ');
		space = false;
		g_string_append_c(out, (char)*p);
	}
}

/* "Re: x" of "RE: AW: Re: x": one Re:, the others' prefixes dropped. */
static const char *
bare_subject(const char *s)
{
	static const char *const prefixes[] = { "re", "aw", "sv", "antw", "vs", "r" };
	bool again = true;

	while (again) {
		again = false;
		while (*s == ' ')
			s++;
		for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0] && !again; i++) {
			size_t n = strlen(prefixes[i]);
			const char *p = s + n;

			if (strncasecmp(s, prefixes[i], n) != 0)
				continue;
			/* a count as some clients write it: "Re[2]:", "Re(2):" */
			if (*p == '[' || *p == '(') {
				const char *close = p + 1 + strspn(p + 1, "0123456789");

				if (close > p + 1 && *close == (*p == '[' ? ']' : ')'))
					p = close + 1;
			}
			/* French typography puts a space before the colon: "RE :" */
			if (*p == ' ' && p[1] == ':')
				p++;
			if (*p == ':') {
				s = p + 1;
				again = true;
			}
		}
	}
	return s;
}

/* Whether address is one of the user's. */
static bool
is_mine(const char *address, const char *const *mine, size_t n)
{
	for (size_t i = 0; address != NULL && i < n; i++)
		if (strcasecmp(address, mine[i]) == 0)
			return true;
	return false;
}

/* Adds the mailboxes of list to out (no groups), skipping the user's and
 * those already there (a set of them: a reply to all of 10,000 must not
 * compare every pair). */
/* Every mailbox of list, a group's members too ("Team: a@x, b@y;" is
 * two recipients to sendmail -t, and to every check of who gets the
 * mail), called with each. */
static bool
each_mailbox(InternetAddressList *list, bool (*fn)(InternetAddressMailbox *, void *), void *ctx)
{
	for (int i = 0; list != NULL && i < internet_address_list_length(list); i++) {
		InternetAddress *a = internet_address_list_get_address(list, i);

		if (INTERNET_ADDRESS_IS_GROUP(a)) {
			if (!each_mailbox(internet_address_group_get_members(
						  INTERNET_ADDRESS_GROUP(a)),
					  fn, ctx))
				return false;
		} else if (INTERNET_ADDRESS_IS_MAILBOX(a) &&
			   !fn(INTERNET_ADDRESS_MAILBOX(a), ctx)) {
			return false;
		}
	}
	return true;
}

struct address_adder {
	InternetAddressList *out;
	GHashTable *seen;
	const char *const *mine;
	size_t n_mine;
};

static bool
add_if_new(InternetAddressMailbox *m, void *ctx)
{
	struct address_adder *adder = ctx;
	const char *addr = internet_address_mailbox_get_addr(m);
	char *key;

	if (addr == NULL || *addr == '\0' || is_mine(addr, adder->mine, adder->n_mine))
		return true;
	key = g_ascii_strdown(addr, -1);
	if (g_hash_table_contains(adder->seen, key)) {
		g_free(key);
		return true;
	}
	g_hash_table_add(adder->seen, key);
	internet_address_list_add(adder->out, INTERNET_ADDRESS(m));
	return true;
}

static bool
mark_seen(InternetAddressMailbox *m, void *ctx)
{
	const char *addr = internet_address_mailbox_get_addr(m);

	if (addr != NULL)
		g_hash_table_add(ctx, g_ascii_strdown(addr, -1));
	return true;
}

/* The mailboxes of list not in out yet, nor the user's, added to out
 * (out holds mailboxes only). */
static void
add_addresses(InternetAddressList *out, InternetAddressList *list, const char *const *mine,
	      size_t n_mine)
{
	struct address_adder adder = {
		.out = out,
		.seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL),
		.mine = mine,
		.n_mine = n_mine,
	};

	each_mailbox(out, mark_seen, adder.seen);
	each_mailbox(list, add_if_new, &adder);
	g_hash_table_destroy(adder.seen);
}

static void
header_line(GString *draft, const char *name, InternetAddressList *list)
{
	char *text = list ? internet_address_list_to_string(list, NULL, FALSE) : NULL;

	g_string_append_printf(draft, "%s: ", name);
	append_clean(draft, text);
	g_string_append_c(draft, '\n');
	g_free(text);
}

static void
me_line(GString *draft, const struct mail_sender *me)
{
	InternetAddressList *list = internet_address_list_new();

	internet_address_list_add(list, internet_address_mailbox_new(me->name, me->address));
	header_line(draft, "From", list);
	g_object_unref(list);
}

char *
mail_draft_new(const struct mail_sender *me, const char *to, const char *subject)
{
	GString *draft = g_string_new(NULL);
	char *out;

	g_mime_init();
	me_line(draft, me);
	g_string_append(draft, "To: ");
	append_clean(draft, to);
	g_string_append(draft, "\nCc: \nSubject: ");
	append_clean(draft, subject);
	g_string_append(draft, "\n\n\n");
	out = strdup(draft->str);
	g_string_free(draft, TRUE);
	return out;
}

vt_status
mail_draft_reply(const char *path, const struct mail_sender *me, const char *const *mine,
		 size_t n_mine, bool all, char **out, struct vt_error *err)
{
	struct vt_error perr = { 0 };
	GMimeMessage *msg = mail_parse_file_bounded(path, &perr);
	InternetAddressList *to, *cc, *reply_to, *from;
	GString *draft;
	const char *id, *refs, *subject;
	char *body, date[64] = "";
	GDateTime *when;

	*out = NULL;
	if (msg == NULL) {
		if (err)
			*err = perr;
		return perr.status;
	}
	to = internet_address_list_new();
	cc = internet_address_list_new();
	reply_to = g_mime_message_get_reply_to(msg);
	from = g_mime_message_get_from(msg);
	/* to its Reply-To, else its sender; all: its other recipients too.
	 * The user's own message is answered to its recipients. */
	{
		InternetAddress *first = internet_address_list_length(from) > 0
						 ? internet_address_list_get_address(from, 0)
						 : NULL;
		bool own =
			first != NULL && INTERNET_ADDRESS_IS_MAILBOX(first) &&
			is_mine(internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(first)),
				mine, n_mine);

		add_addresses(to,
			      own ? g_mime_message_get_to(msg)
			      : internet_address_list_length(reply_to) > 0 ? reply_to
									   : from,
			      own ? mine : NULL, own ? n_mine : 0);
	}
	if (all) {
		add_addresses(cc, g_mime_message_get_to(msg), mine, n_mine);
		add_addresses(cc, g_mime_message_get_cc(msg), mine, n_mine);
		for (int i = internet_address_list_length(cc) - 1; i >= 0; i--) {
			InternetAddress *a = internet_address_list_get_address(cc, i);

			for (int k = 0; k < internet_address_list_length(to); k++)
				if (strcasecmp(internet_address_mailbox_get_addr(
						       INTERNET_ADDRESS_MAILBOX(a)),
					       internet_address_mailbox_get_addr(
						       INTERNET_ADDRESS_MAILBOX(
							       internet_address_list_get_address(
								       to, k)))) == 0) {
					internet_address_list_remove_at(cc, i);
					break;
				}
		}
	}
	draft = g_string_new(NULL);
	me_line(draft, me);
	header_line(draft, "To", to);
	header_line(draft, "Cc", cc);
	subject = g_mime_message_get_subject(msg);
	g_string_append(draft, "Subject: Re: ");
	append_clean(draft, bare_subject(subject ? subject : ""));
	g_string_append_c(draft, '\n');
	id = g_mime_message_get_message_id(msg);
	if (id != NULL && *id != '\0') {
		GMimeReferences *r =
			g_mime_references_parse(NULL,
						(refs = g_mime_object_get_header(GMIME_OBJECT(msg),
										 "References"))
							? refs
							: "");
		int n, first;

		/* RFC 5322 3.6.4: without References, the parent's one
		 * In-Reply-To starts the list */
		if (g_mime_references_length(r) == 0 &&
		    (refs = g_mime_object_get_header(GMIME_OBJECT(msg), "In-Reply-To")) != NULL) {
			GMimeReferences *parent = g_mime_references_parse(NULL, refs);

			if (g_mime_references_length(parent) == 1) {
				g_mime_references_free(r);
				r = parent;
			} else {
				g_mime_references_free(parent);
			}
		}
		n = g_mime_references_length(r);
		/* cut, the thread's first message stays (it names the thread
		 * for clients that thread by the first reference) */
		first = n > REFERENCES_MAX ? n - (REFERENCES_MAX - 1) : 1;
		g_string_append(draft, "In-Reply-To: <");
		append_clean(draft, id);
		g_string_append(draft, ">\nReferences:");
		for (int i = 0; i < n; i++) {
			if (i > 0 && i < first)
				continue;
			g_string_append(draft, " <");
			append_clean(draft, g_mime_references_get_message_id(r, i));
			g_string_append_c(draft, '>');
		}
		g_string_append(draft, " <");
		append_clean(draft, id);
		g_string_append(draft, ">\n");
		g_mime_references_free(r);
	}
	g_string_append_c(draft, '\n');
	/* the attribution, then the original quoted */
	when = g_mime_message_get_date(msg);
	if (when != NULL) {
		gchar *s = g_date_time_format(when, "%a, %d %b %Y %H:%M");

		snprintf(date, sizeof date, "On %s, ", s ? s : "");
		g_free(s);
	}
	{
		InternetAddress *a = internet_address_list_length(from) > 0
					     ? internet_address_list_get_address(from, 0)
					     : NULL;
		const char *name = a ? internet_address_get_name(a) : NULL;

		if (name == NULL || *name == '\0')
			name = a && INTERNET_ADDRESS_IS_MAILBOX(a)
				       ? internet_address_mailbox_get_addr(
						 INTERNET_ADDRESS_MAILBOX(a))
				       : "you";
		g_string_append_printf(draft, "\n\n%s", date);
		append_clean(draft, name);
		g_string_append(draft, " wrote:\n");
	}
	body = mail_body_text_of(msg, 256 * 1024);
	for (const char *line = body ? body : ""; *line != '\0';) {
		size_t len = strcspn(line, "\n");

		g_string_append(draft, len ? "> " : ">");
		for (size_t i = 0; i < len; i++)
			/* a quoted line keeps its tabs; other controls go */
			g_string_append_c(draft, (unsigned char)line[i] < 0x20 && line[i] != '\t'
							 ? ' '
							 : line[i]);
		g_string_append_c(draft, '\n');
		line += len;
		if (*line == '\n')
			line++;
	}
	free(body);
	g_object_unref(to);
	g_object_unref(cc);
	g_object_unref(msg);
	*out = strdup(draft->str);
	g_string_free(draft, TRUE);
	return *out ? VT_OK : vt_fail(err, VT_ERR_NOMEM, "out of memory");
}

vt_status
mail_draft_forward(const char *path, const struct mail_sender *me, const char *to, bool attach,
		   char **out, struct vt_error *err)
{
	struct vt_error perr = { 0 };
	GMimeMessage *msg = mail_parse_file_bounded(path, &perr);
	GString *draft;
	const char *subject;
	char *body, *text;
	GDateTime *when;

	*out = NULL;
	if (msg == NULL) {
		if (err)
			*err = perr;
		return perr.status;
	}
	draft = g_string_new(NULL);
	me_line(draft, me);
	g_string_append(draft, "To: ");
	append_clean(draft, to);
	subject = g_mime_message_get_subject(msg);
	/* "Fwd:" once: a forward of a forward keeps its one */
	g_string_append(draft, subject && (strncasecmp(subject, "fwd:", 4) == 0 ||
					   strncasecmp(subject, "fw:", 3) == 0)
				       ? "\nCc: \nSubject: "
				       : "\nCc: \nSubject: Fwd: ");
	append_clean(draft, subject ? subject : "");
	if (attach) {
		/* the original whole, as message/rfc822: the draft names its file */
		g_string_append(draft, "\nAttach-Message: ");
		g_string_append(draft, path);
		g_string_append(draft, "\n\n\n");
		g_object_unref(msg);
		*out = strdup(draft->str);
		g_string_free(draft, TRUE);
		return *out ? VT_OK : vt_fail(err, VT_ERR_NOMEM, "out of memory");
	}
	/* its attachments stay behind: said among the headers, as a
	 * comment (never sent), with the way to take them along */
	{
		const char *names[1];

		if (mail_attachment_names(msg, names, 1) > 0)
			g_string_append(draft, "\n# the original's attachments are not forwarded"
					       " inline: forward --attach sends it whole");
	}
	/* the original's own headers, on their lines, then its text */
	g_string_append(draft, "\n\n\n---------- Forwarded message ----------\nFrom: ");
	text = internet_address_list_to_string(g_mime_message_get_from(msg), NULL, FALSE);
	append_clean(draft, text);
	g_free(text);
	g_string_append(draft, "\nDate: ");
	if ((when = g_mime_message_get_date(msg)) != NULL) {
		gchar *d = g_date_time_format(when, "%a, %d %b %Y %H:%M %z");

		append_clean(draft, d);
		g_free(d);
	}
	g_string_append(draft, "\nSubject: ");
	append_clean(draft, subject ? subject : "");
	g_string_append(draft, "\nTo: ");
	text = internet_address_list_to_string(g_mime_message_get_to(msg), NULL, FALSE);
	append_clean(draft, text);
	g_free(text);
	g_string_append(draft, "\n\n");
	body = mail_body_text_of(msg, 256 * 1024);
	for (const char *p = body ? body : ""; *p; p++)
		/* the text as it was, its controls but newlines and tabs gone */
		g_string_append_c(draft,
				  (unsigned char)*p < 0x20 && *p != '\n' && *p != '\t' ? ' ' : *p);
	g_string_append_c(draft, '\n');
	free(body);
	g_object_unref(msg);
	*out = strdup(draft->str);
	g_string_free(draft, TRUE);
	return *out ? VT_OK : vt_fail(err, VT_ERR_NOMEM, "out of memory");
}

/* ---- attachments out ---- */

/* libmagic, loaded on the first attachment (as ICU and libxml2 are: a
 * library every command would load and only sending needs). */
static struct {
	__typeof__(&magic_open) open;
	__typeof__(&magic_load) load;
	__typeof__(&magic_file) file;
} magic;
static magic_t cookie;
static pthread_once_t magic_once = PTHREAD_ONCE_INIT;

static void
magic_start(void)
{
	void *h = dlopen("libmagic.so.1", RTLD_NOW | RTLD_LOCAL);

	if (h == NULL)
		return;
	*(void **)&magic.open = dlsym(h, "magic_open");
	*(void **)&magic.load = dlsym(h, "magic_load");
	*(void **)&magic.file = dlsym(h, "magic_file");
	if (magic.open == NULL || magic.load == NULL || magic.file == NULL)
		return;
	cookie = magic.open(MAGIC_MIME_TYPE | MAGIC_SYMLINK);
	if (cookie != NULL && magic.load(cookie, NULL) != 0)
		cookie = NULL;
}

/* The MIME type of a file by its content; application/octet-stream when
 * libmagic cannot say. */
static char *
type_of(const char *path)
{
	const char *t;

	pthread_once(&magic_once, magic_start);
	t = cookie != NULL ? magic.file(cookie, path) : NULL;
	/* libmagic's "inode/x-empty" and the like are no MIME types */
	return g_strdup(t != NULL && strchr(t, '/') != NULL && strncmp(t, "inode/", 6) != 0
				? t
				: "application/octet-stream");
}

static bool
all_ascii(const char *s)
{
	for (; s != NULL && *s; s++)
		if ((unsigned char)*s >= 0x80)
			return false;
	return true;
}

/* The file at path as an attachment part. */
static GMimePart *
attachment_part(const char *path, struct vt_error *err)
{
	GError *gerr = NULL;
	GMimeStream *stream;
	GMimeDataWrapper *content;
	GMimePart *part;
	char *type, *slash;
	const char *base = strrchr(path, '/');
	struct stat sb;

	/* a directory opened, read as empty and went as "inode/directory" */
	if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode)) {
		vt_fail(err, VT_ERR_USAGE, "Attach: %s: not a file", path);
		return NULL;
	}
	if ((stream = g_mime_stream_fs_open(path, O_RDONLY, 0, &gerr)) == NULL) {
		vt_fail(err, VT_ERR_USAGE, "Attach: %s: %s", path,
			gerr ? gerr->message : "cannot open");
		if (gerr)
			g_error_free(gerr);
		return NULL;
	}
	type = type_of(path);
	slash = strchr(type, '/');
	*slash = '\0';
	part = g_mime_part_new_with_type(type, slash + 1);
	g_free(type);
	content = g_mime_data_wrapper_new_with_stream(stream, GMIME_CONTENT_ENCODING_DEFAULT);
	g_object_unref(stream);
	g_mime_part_set_content(part, content);
	g_object_unref(content);
	g_mime_part_set_filename(part, base ? base + 1 : path);
	g_mime_part_set_content_encoding(part, GMIME_CONTENT_ENCODING_BASE64);
	return part;
}

static bool
has_domain(InternetAddressMailbox *m, void *ctx)
{
	const char *addr = internet_address_mailbox_get_addr(m), *at;

	if (addr == NULL || (at = strrchr(addr, '@')) == NULL || at == addr || at[1] == '\0') {
		*(const char **)ctx = addr ? addr : "";
		return false;
	}
	return true;
}

static bool
stop_at_any(InternetAddressMailbox *m, void *ctx)
{
	(void)m;
	(void)ctx;
	return false;
}

/* The first mailbox of list (in a group too) without a domain ("bob",
 * "x@"), or NULL. */
static const char *
not_an_address(InternetAddressList *list)
{
	const char *bad = NULL;

	each_mailbox(list, has_domain, &bad);
	return bad;
}

/* The domain of an address, for the Message-ID. */
static const char *
domain_of(const char *address)
{
	const char *at = address ? strrchr(address, '@') : NULL;

	return at && at[1] ? at + 1 : "localhost";
}

static vt_status
build_from_lines(const char *draft, const struct mail_sender *me, struct mail_outgoing *out,
		 struct vt_error *err)
{
	GMimeMessage *msg;
	GMimeTextPart *body;
	GPtrArray *attachments = NULL;
	const char *p = draft;
	int line_no = 0;
	bool have_to = false, have_from = false;
	vt_status rc = VT_OK;
	char *id;
	GDateTime *now;

	memset(out, 0, sizeof *out);
	g_mime_init();
	msg = g_mime_message_new(TRUE);
	/* the headers, up to the first empty line */
	while (*p != '\0' && *p != '\n') {
		size_t len = strcspn(p, "\n"), name_len = 0;
		char *line = strndup(p, len), *value;

		line_no++;
		p += len + (p[len] == '\n');
		if (line == NULL) {
			rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
			break;
		}
		/* our comments among the headers (suggestions): never sent */
		if (line[0] == '#') {
			free(line);
			continue;
		}
		while (ascii_alnum((unsigned char)line[name_len]) || line[name_len] == '-')
			name_len++;
		if (name_len == 0 || line[name_len] != ':') {
			rc = vt_fail(err, VT_ERR_USAGE,
				     "draft line %d: not a header (Name: value): %.60s", line_no,
				     line);
			free(line);
			break;
		}
		line[name_len] = '\0';
		value = line + name_len + 1;
		value += strspn(value, " \t");
		for (char *c = value; *c; c++)
			if ((unsigned char)*c < 0x20 && *c != '\t') {
				rc = vt_fail(err, VT_ERR_USAGE,
					     "draft line %d: a control character in %s", line_no,
					     line);
				break;
			}
		if (rc == VT_OK && *value != '\0') {
			if (strcasecmp(line, "From") == 0 || strcasecmp(line, "To") == 0 ||
			    strcasecmp(line, "Cc") == 0 || strcasecmp(line, "Bcc") == 0 ||
			    strcasecmp(line, "Reply-To") == 0) {
				InternetAddressList *list =
					internet_address_list_parse(NULL, value);
				GMimeAddressType type =
					strcasecmp(line, "From") == 0 ? GMIME_ADDRESS_TYPE_FROM
					: strcasecmp(line, "To") == 0 ? GMIME_ADDRESS_TYPE_TO
					: strcasecmp(line, "Cc") == 0 ? GMIME_ADDRESS_TYPE_CC
					: strcasecmp(line, "Bcc") == 0
						? GMIME_ADDRESS_TYPE_BCC
						: GMIME_ADDRESS_TYPE_REPLY_TO;

				const char *bad = list ? not_an_address(list) : NULL;

				if (list == NULL || internet_address_list_length(list) == 0) {
					rc = vt_fail(err, VT_ERR_USAGE,
						     "draft line %d: %s: no address in '%.80s'",
						     line_no, line, value);
				} else if (bad != NULL) {
					/* "To: not-an-address" went to sendmail, which
					 * took it for a local user */
					rc = vt_fail(err, VT_ERR_USAGE,
						     "draft line %d: %s: '%.80s' is no address"
						     " (name@domain)",
						     line_no, line, bad);
				} else {
					internet_address_list_append(
						g_mime_message_get_addresses(msg, type), list);
					/* ("undisclosed-recipients:;" is no one) */
					have_to =
						have_to || ((type == GMIME_ADDRESS_TYPE_TO ||
							     type == GMIME_ADDRESS_TYPE_CC ||
							     type == GMIME_ADDRESS_TYPE_BCC) &&
							    !each_mailbox(list, stop_at_any, NULL));
					have_from = have_from || type == GMIME_ADDRESS_TYPE_FROM;
				}
				if (list != NULL)
					g_object_unref(list);
			} else if (strcasecmp(line, "Subject") == 0) {
				g_mime_message_set_subject(msg, value, "utf-8");
			} else if (strcasecmp(line, "Attach-Message") == 0) {
				/* ours: a mail file forwarded whole, as message/rfc822 */
				struct vt_error perr = { 0 };
				GMimeMessage *inner = mail_parse_file(value, &perr);
				char *moved;

				/* its flags changed since (read, flagged, synced):
				 * the same file under its new name */
				if (inner == NULL &&
				    (moved = mail_maildir_renamed(value)) != NULL) {
					inner = mail_parse_file(moved, &perr);
					free(moved);
				}

				if (inner == NULL) {
					rc = vt_fail(err, VT_ERR_USAGE,
						     "draft line %d: Attach-Message: %.300s",
						     line_no, perr.msg);
				} else {
					GMimeMessagePart *part =
						g_mime_message_part_new_with_message("rfc822",
										     inner);
					char *whole =
						g_mime_object_to_string(GMIME_OBJECT(inner), NULL);

					/* an original of 8-bit bytes says so: a
					 * message/rfc822 part is 7bit unless told */
					if (!all_ascii(whole))
						g_mime_object_set_header(
							GMIME_OBJECT(part),
							"Content-Transfer-Encoding", "8bit", NULL);
					g_free(whole);

					g_mime_object_set_content_disposition(
						GMIME_OBJECT(part),
						g_mime_content_disposition_parse(NULL,
										 "attachment"));
					g_object_unref(inner);
					if (attachments == NULL)
						attachments = g_ptr_array_new_with_free_func(
							g_object_unref);
					g_ptr_array_add(attachments, part);
				}
			} else if (strcasecmp(line, "Attach") == 0) {
				/* ours, not the message's: a file to attach */
				GMimePart *part = attachment_part(value, err);

				if (part == NULL) {
					char why[VT_ERROR_MAX / 2];

					snprintf(why, sizeof why, "%.400s", err ? err->msg : "");
					rc = vt_fail(err, VT_ERR_USAGE, "draft line %d: %s",
						     line_no, why);
				} else {
					if (attachments == NULL)
						attachments = g_ptr_array_new_with_free_func(
							g_object_unref);
					g_ptr_array_add(attachments, part);
				}
			} else {
				g_mime_object_set_header(GMIME_OBJECT(msg), line, value, "utf-8");
			}
		}
		free(line);
		if (rc != VT_OK)
			break;
	}
	if (rc == VT_OK && !have_to)
		rc = vt_fail(err, VT_ERR_USAGE, "the draft has no recipient (To, Cc or Bcc)");
	if (rc != VT_OK) {
		if (attachments != NULL)
			g_ptr_array_free(attachments, TRUE);
		g_object_unref(msg);
		return rc;
	}
	if (!have_from)
		internet_address_list_add(g_mime_message_get_from(msg),
					  internet_address_mailbox_new(me->name, me->address));
	if (*p == '\n')
		p++;
	/* under the domain of the address it is sent from */
	{
		InternetAddressList *from = g_mime_message_get_from(msg);
		InternetAddress *a = internet_address_list_length(from) > 0
					     ? internet_address_list_get_address(from, 0)
					     : NULL;

		id = g_mime_utils_generate_message_id(domain_of(
			a && INTERNET_ADDRESS_IS_MAILBOX(a)
				? internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(a))
				: me->address));
	}
	g_mime_message_set_message_id(msg, id);
	now = g_date_time_new_now_local();
	g_mime_message_set_date(msg, now);
	g_date_time_unref(now);
	body = g_mime_text_part_new_with_subtype("plain");
	/* UTF-8 as the draft is (set_text recodes to the smallest charset
	 * that holds the text: a reply in ISO-8859-1 the man page said was
	 * UTF-8); US-ASCII says so */
	{
		GMimeStream *stream = g_mime_stream_mem_new_with_buffer(p, strlen(p));
		GMimeDataWrapper *content =
			g_mime_data_wrapper_new_with_stream(stream, GMIME_CONTENT_ENCODING_DEFAULT);
		g_mime_part_set_content(GMIME_PART(body), content);
		g_mime_object_set_content_type_parameter(GMIME_OBJECT(body), "charset",
							 all_ascii(p) ? "us-ascii" : "utf-8");
		g_object_unref(content);
		g_object_unref(stream);
	}
	g_mime_part_set_content_encoding(GMIME_PART(body),
					 g_mime_part_get_best_content_encoding(
						 GMIME_PART(body), GMIME_ENCODING_CONSTRAINT_7BIT));
	if (attachments == NULL) {
		g_mime_message_set_mime_part(msg, GMIME_OBJECT(body));
	} else {
		GMimeMultipart *mixed = g_mime_multipart_new_with_subtype("mixed");

		g_mime_multipart_add(mixed, GMIME_OBJECT(body));
		for (guint i = 0; i < attachments->len; i++)
			g_mime_multipart_add(mixed,
					     GMIME_OBJECT(g_ptr_array_index(attachments, i)));
		g_mime_message_set_mime_part(msg, GMIME_OBJECT(mixed));
		g_object_unref(mixed);
		g_ptr_array_free(attachments, TRUE);
	}
	g_object_unref(body);
	{
		/* Bcc is for the envelope: sendmail -t reads it and drops it */
		char *text = g_mime_object_to_string(GMIME_OBJECT(msg), NULL);
		InternetAddressList *rcpt = internet_address_list_new();

		out->text = text ? strdup(text) : NULL;
		out->len = text ? strlen(text) : 0;
		g_free(text);
		out->message_id = strdup(id);
		{
			const char *irt =
				g_mime_object_get_header(GMIME_OBJECT(msg), "In-Reply-To");
			GMimeReferences *r = irt ? g_mime_references_parse(NULL, irt) : NULL;

			if (r != NULL && g_mime_references_length(r) > 0)
				out->in_reply_to = strdup(g_mime_references_get_message_id(r, 0));
			if (r != NULL)
				g_mime_references_free(r);
		}
		{
			InternetAddressList *from = g_mime_message_get_from(msg);
			InternetAddress *a = internet_address_list_length(from) > 0
						     ? internet_address_list_get_address(from, 0)
						     : NULL;

			out->from = strdup(a && INTERNET_ADDRESS_IS_MAILBOX(a)
						   ? internet_address_mailbox_get_addr(
							     INTERNET_ADDRESS_MAILBOX(a))
						   : "");
			if (out->from != NULL)
				mail_ascii_lower(out->from);
		}
		add_addresses(rcpt, g_mime_message_get_to(msg), NULL, 0);
		add_addresses(rcpt, g_mime_message_get_cc(msg), NULL, 0);
		text = internet_address_list_to_string(rcpt, NULL, FALSE);
		out->recipients = strdup(text ? text : "");
		g_free(text);
		add_addresses(rcpt, g_mime_message_get_bcc(msg), NULL, 0);
		out->addresses = calloc((size_t)internet_address_list_length(rcpt) + 1,
					sizeof *out->addresses);
		for (int i = 0; out->addresses && i < internet_address_list_length(rcpt); i++) {
			InternetAddress *a = internet_address_list_get_address(rcpt, i);
			char *addr = strdup(
				internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(a)));

			if (addr != NULL)
				out->addresses[out->n_addresses++] = addr;
		}
		g_object_unref(rcpt);
	}
	g_free(id);
	g_object_unref(msg);
	if (out->text == NULL || out->message_id == NULL || out->recipients == NULL ||
	    out->from == NULL) {
		mail_outgoing_clear(out);
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	}
	return VT_OK;
}

/* The draft as the user's editor saved it: UTF-8 (an editor in Latin-1
 * made raw 8-bit headers and a body said to be US-ASCII), its lines
 * ended by LF or CRLF. */
vt_status
mail_draft_build(const char *draft, const struct mail_sender *me, struct mail_outgoing *out,
		 struct vt_error *err)
{
	const unsigned char *c = (const unsigned char *)draft;
	char *lf;
	size_t o = 0;
	int line_no = 1;
	vt_status rc;

	memset(out, 0, sizeof *out);
	while (*c) {
		uint32_t cp;
		size_t k = *c < 0x80 ? 1 : mail_utf8_decode(c, strnlen((const char *)c, 4), &cp);

		if (k == 0)
			return vt_fail(err, VT_ERR_USAGE,
				       "draft line %d: not UTF-8 (save the draft as UTF-8)",
				       line_no);
		line_no += *c == '\n';
		c += k;
	}
	if ((lf = malloc(strlen(draft) + 1)) == NULL)
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	for (const char *d = draft; *d; d++)
		if (!(d[0] == '\r' && d[1] == '\n'))
			lf[o++] = *d;
	lf[o] = '\0';
	rc = build_from_lines(lf, me, out, err);
	free(lf);
	return rc;
}

void
mail_outgoing_clear(struct mail_outgoing *o)
{
	free(o->text);
	free(o->message_id);
	free(o->in_reply_to);
	free(o->recipients);
	free(o->from);
	for (size_t i = 0; i < o->n_addresses; i++)
		free(o->addresses[i]);
	free(o->addresses);
	memset(o, 0, sizeof *o);
}

char *
mail_draft_insert_line(const char *draft, const char *line)
{
	const char *blank = strstr(draft, "\n\n");
	size_t head = blank ? (size_t)(blank - draft) + 1 : strlen(draft);
	size_t n = strlen(line);
	bool newline = n > 0 && line[n - 1] == '\n';
	char *out = NULL;

	/* a draft without its blank line gets one: what follows is body */
	if (asprintf(&out, "%.*s%s%s%s%s", (int)head, draft,
		     head > 0 && draft[head - 1] != '\n' ? "\n" : "", line, newline ? "" : "\n",
		     blank ? blank + 1 : "\n") < 0)
		return NULL;
	return out;
}

bool
mail_file_addressed_to(const char *path, const char *address)
{
	static const char *const fields[] = { "To", "Cc", "Delivered-To", "X-Original-To" };
	struct vt_error perr = { 0 };
	GMimeMessage *msg = mail_parse_file(path, &perr);
	bool found = false;

	if (msg == NULL)
		return false;
	for (size_t f = 0; f < sizeof fields / sizeof fields[0] && !found; f++) {
		GMimeHeaderList *headers = g_mime_object_get_header_list(GMIME_OBJECT(msg));
		int count = g_mime_header_list_get_count(headers);

		for (int h = 0; h < count && !found; h++) {
			GMimeHeader *header = g_mime_header_list_get_header_at(headers, h);
			struct mail_address_list list = { 0 };

			if (strcasecmp(g_mime_header_get_name(header), fields[f]) != 0)
				continue;
			mail_address_list_parse(g_mime_header_get_raw_value(header), &list);
			for (size_t i = 0; i < list.count && !found; i++)
				found = list.items[i].address &&
					strcasecmp(list.items[i].address, address) == 0;
			mail_address_list_clear(&list);
		}
	}
	g_object_unref(msg);
	return found;
}
