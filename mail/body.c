/*
 * The readable text of a message: its first text/plain part, else its
 * first text/html part reduced to text. GMime walks the MIME tree and
 * decodes transfer encodings and charsets; what is left by hand is the
 * HTML reduction, which needs no fidelity beyond "readable in a pager"
 * (no layout, no CSS) and so no HTML library.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <gmime/gmime.h>

#include "private.h"

struct find {
	GMimeObject *plain, *html;
};

static void
find_text(GMimeObject *parent, GMimeObject *part, gpointer data)
{
	struct find *f = data;
	GMimeContentType *type;

	(void)parent;
	if (!GMIME_IS_TEXT_PART(part) || g_mime_part_is_attachment(GMIME_PART(part)))
		return;
	type = g_mime_object_get_content_type(part);
	if (f->plain == NULL && g_mime_content_type_is_type(type, "text", "plain"))
		f->plain = part;
	else if (f->html == NULL && g_mime_content_type_is_type(type, "text", "html"))
		f->html = part;
}

/* &amp; &lt; &gt; &quot; &apos; &nbsp; &#NNN; &#xHH; — others stay as written. */
static size_t
entity(const char *p, char *out)
{
	static const struct {
		const char *name;
		const char *text;
	} named[] = { { "amp;", "&" }, { "lt;", "<" },	{ "gt;", ">" },
		      { "quot;", "\"" }, { "apos;", "'" }, { "nbsp;", " " } };
	unsigned long cp;
	char *end;

	for (size_t i = 0; i < sizeof named / sizeof named[0]; i++)
		if (strncasecmp(p + 1, named[i].name, strlen(named[i].name)) == 0) {
			strcpy(out, named[i].text);
			return 1 + strlen(named[i].name);
		}
	if (p[1] != '#')
		return 0;
	cp = (p[2] == 'x' || p[2] == 'X') ? strtoul(p + 3, &end, 16) : strtoul(p + 2, &end, 10);
	if (*end != ';' || cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	out[g_unichar_to_utf8((gunichar)cp, out)] = '\0';
	return (size_t)(end + 1 - p);
}

static bool
tag_is(const char *tag, size_t len, const char *name)
{
	size_t n = strlen(name);

	return len >= n && strncasecmp(tag, name, n) == 0 &&
	       (len == n || tag[n] == ' ' || tag[n] == '>' || tag[n] == '/' || tag[n] == '\t' ||
		tag[n] == '\n');
}

/* Tags that end a line of text. */
static bool
breaks_line(const char *tag, size_t len)
{
	static const char *const names[] = { "br", "p", "/p", "div", "/div", "tr", "/tr", "li",
					     "h1", "h2", "h3", "h4", "/h1", "/h2", "/h3", "/h4",
					     "table", "/table", "blockquote", "/blockquote", NULL };

	for (size_t i = 0; names[i]; i++)
		if (tag_is(tag, len, names[i]))
			return true;
	return false;
}

static char *
html_to_text(const char *html)
{
	GString *out = g_string_sized_new(strlen(html) / 2 + 1);
	const char *p = html, *skip_until = NULL;
	bool space = false;

	while (*p != '\0') {
		if (*p == '<') {
			const char *end = strchr(p, '>');
			size_t len;

			if (end == NULL)
				break;
			len = (size_t)(end - p - 1);
			if (skip_until != NULL) {
				if (tag_is(p + 1, len, skip_until))
					skip_until = NULL;
			} else if (tag_is(p + 1, len, "script")) {
				skip_until = "/script";
			} else if (tag_is(p + 1, len, "style")) {
				skip_until = "/style";
			} else if (tag_is(p + 1, len, "head")) {
				skip_until = "/head";
			} else if (breaks_line(p + 1, len)) {
				g_string_append_c(out, '\n');
				space = false;
			} else if (tag_is(p + 1, len, "td") || tag_is(p + 1, len, "th")) {
				g_string_append_c(out, ' ');
			}
			p = end + 1;
			continue;
		}
		if (skip_until != NULL) {
			p++;
			continue;
		}
		if (*p == '\r' || *p == '\n' || *p == '\t' || *p == ' ') {
			space = true;
			p++;
			continue;
		}
		if (space && out->len > 0 && out->str[out->len - 1] != '\n')
			g_string_append_c(out, ' ');
		space = false;
		if (*p == '&') {
			char text[8];
			size_t used = entity(p, text);

			if (used > 0) {
				g_string_append(out, text);
				p += used;
				continue;
			}
		}
		g_string_append_c(out, *p++);
	}
	return g_string_free(out, FALSE);
}

/* CRLF to LF, valid UTF-8, at most max bytes cut on a character boundary. */
static char *
finish(const char *text, size_t max)
{
	char *valid = g_utf8_make_valid(text, -1), *out, *o;
	const char *end;
	size_t len;

	if (valid == NULL)
		return NULL;
	len = strlen(valid);
	if (len > max) {
		end = g_utf8_find_prev_char(valid, valid + max + 1);
		len = end != NULL ? (size_t)(end - valid) : 0;
	}
	out = malloc(len + 1);
	if (out == NULL) {
		g_free(valid);
		return NULL;
	}
	o = out;
	for (size_t i = 0; i < len; i++)
		if (!(valid[i] == '\r' && (i + 1 == len || valid[i + 1] == '\n')))
			*o++ = valid[i];
	*o = '\0';
	g_free(valid);
	return out;
}

char *
mail_body_text_of(GMimeMessage *message, size_t max_bytes)
{
	struct find f = { 0 };
	char *text = NULL, *out;

	if (message != NULL) {
		g_mime_message_foreach(message, find_text, &f);
		if (f.plain == NULL && f.html == NULL && GMIME_IS_TEXT_PART(message->mime_part))
			f.plain = message->mime_part;
		if (f.plain != NULL)
			text = g_mime_text_part_get_text(GMIME_TEXT_PART(f.plain));
		else if (f.html != NULL) {
			char *html = g_mime_text_part_get_text(GMIME_TEXT_PART(f.html));

			text = html ? html_to_text(html) : NULL;
			g_free(html);
		}
	}
	out = finish(text ? text : "", max_bytes);
	g_free(text);
	return out;
}

GMimeMessage *
mail_parse_file(const char *path, struct vt_error *err)
{
	GMimeStream *stream;
	GMimeParser *parser;
	GMimeMessage *message;
	GError *gerr = NULL;

	g_mime_init();
	stream = g_mime_stream_fs_open(path, O_RDONLY, 0, &gerr);
	if (stream == NULL) {
		vt_fail(err, VT_ERR_IO, "%s: %s", path, gerr ? gerr->message : "cannot open");
		if (gerr)
			g_error_free(gerr);
		return NULL;
	}
	parser = g_mime_parser_new_with_stream(stream);
	/* mbox "From " lines at the top, as in much archived mail */
	g_mime_parser_set_format(parser, GMIME_FORMAT_MESSAGE);
	message = g_mime_parser_construct_message(parser, NULL);
	g_object_unref(parser);
	g_object_unref(stream);
	if (message == NULL)
		vt_fail(err, VT_ERR_PROTOCOL, "%s: not a message GMime can read", path);
	return message;
}

vt_status
mail_body_text(const char *path, size_t max_bytes, char **out, struct vt_error *err)
{
	struct vt_error parse_err = { 0 };
	GMimeMessage *message;

	*out = NULL;
	message = mail_parse_file(path, &parse_err);
	/* an unreadable file is an error; an unparsable one has no text */
	if (message == NULL && parse_err.status == VT_ERR_IO) {
		if (err)
			*err = parse_err;
		return parse_err.status;
	}
	*out = mail_body_text_of(message, max_bytes);
	if (message != NULL)
		g_object_unref(message);
	return *out ? VT_OK : vt_fail(err, VT_ERR_NOMEM, "out of memory");
}
