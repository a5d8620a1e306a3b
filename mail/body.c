/*
 * The readable text of a message: every inline text part in order (of a
 * multipart/alternative one, plain text before HTML), HTML reduced to
 * text, and each attached message with its headers and its own text.
 * What a part hides is what the pager and the index miss: a list footer
 * or a second part carrying new bank details is read like the first.
 *
 * GMime walks the MIME tree and undoes the transfer encoding. The charset
 * conversion is done here with iconv rather than with GMime's charset
 * filter, because that filter drops undecodable bytes without a trace and
 * passes text in an unknown charset through as raw bytes; we want a
 * visible U+FFFD for the former and a windows-1252 reading of the latter.
 * The HTML reduction needs no fidelity beyond "readable in a pager" (no
 * layout, no CSS) and so no HTML library.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <gmime/gmime.h>

#include "private.h"

#define REPLACEMENT "\xEF\xBF\xBD" /* U+FFFD in UTF-8 */
#define HTML_MAX (8u << 20)

/*
 * What unlabelled or mislabelled 8-bit text most often is. windows-1252
 * is a superset of the printable latin1 range, and what browsers read
 * "iso-8859-1" as.
 */
#define FALLBACK_CHARSET "WINDOWS-1252"

/* multiparts inside multiparts, the same (in each message) */
#define MIME_DEPTH_MAX 64
/* What an attached message's headers cost beyond their text, so that a
 * mail of thousands of empty attached messages makes few pieces. */
#define PIECE_COST 64
/* An attached message's header as shown: no line of a screen's worth. */
#define HEADER_MAX 1024

struct each_deep {
	mail_part_fn fn;
	void *data;
	int depth;
};

static void
each_deep(GMimeObject *parent, GMimeObject *part, gpointer data)
{
	struct each_deep *e = data;
	GMimeMessage *inner;

	(void)parent;
	e->fn(part, e->depth, e->data);
	if (!GMIME_IS_MESSAGE_PART(part) || e->depth >= MAIL_MESSAGE_DEPTH_MAX)
		return;
	inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(part));
	if (inner == NULL)
		return;
	e->depth++;
	g_mime_message_foreach(inner, each_deep, e);
	e->depth--;
}

void
mail_message_foreach_deep(GMimeMessage *message, mail_part_fn fn, void *data)
{
	struct each_deep e = { fn, data, 0 };

	if (message != NULL)
		g_mime_message_foreach(message, each_deep, &e);
}

struct find {
	size_t skip;   /* HTML parts to pass over before the one wanted */
	bool attached; /* an attachment's, not a text's */
	GMimeObject *html;
};

static void
find_html(GMimeObject *part, int depth, void *data)
{
	struct find *f = data;

	(void)depth;
	if (f->html != NULL || !GMIME_IS_TEXT_PART(part) ||
	    g_mime_part_is_attachment(GMIME_PART(part)) != f->attached ||
	    !g_mime_content_type_is_type(g_mime_object_get_content_type(part), "text", "html"))
		return;
	if (f->skip == 0)
		f->html = part;
	else
		f->skip--;
}

/* The part's content with its transfer encoding undone (at most limit
 * bytes are kept). */
static GByteArray *
decoded_content(GMimePart *part, size_t limit)
{
	GMimeDataWrapper *content = g_mime_part_get_content(part);
	GMimeStream *mem = g_mime_stream_mem_new();
	GByteArray *bytes;

	if (content != NULL)
		g_mime_data_wrapper_write_to_stream(content, mem);
	bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
	g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(mem), FALSE);
	g_object_unref(mem);
	if (bytes->len > limit)
		g_byte_array_set_size(bytes, (guint)limit);
	return bytes;
}

static bool
is_utf8_label(const char *charset)
{
	return charset == NULL || g_ascii_strcasecmp(charset, "utf-8") == 0 ||
	       g_ascii_strcasecmp(charset, "utf8") == 0;
}

static bool
is_ascii_label(const char *charset)
{
	return charset == NULL || g_ascii_strcasecmp(charset, "us-ascii") == 0 ||
	       g_ascii_strcasecmp(charset, "ascii") == 0;
}

/* Appends in as UTF-8, every undecodable byte becoming U+FFFD. */
static void
append_converted(GString *out, GIConv cd, const char *in, size_t len)
{
	char buf[4096], *o;
	gsize olen, ilen = len;
	gchar *ip = (gchar *)in;

	while (ilen > 0) {
		o = buf;
		olen = sizeof buf;
		if (g_iconv(cd, &ip, &ilen, &o, &olen) != (gsize)-1) {
			g_string_append_len(out, buf, o - buf);
			continue;
		}
		g_string_append_len(out, buf, o - buf);
		if (errno == E2BIG)
			continue;
		/* EILSEQ, or EINVAL for a sequence cut short: skip one byte */
		g_string_append(out, REPLACEMENT);
		if (errno != EILSEQ && errno != EINVAL)
			break; /* iconv itself is broken: give up on the rest */
		ip++;
		ilen--;
		g_iconv(cd, NULL, NULL, NULL, NULL);
	}
	o = buf;
	olen = sizeof buf;
	g_iconv(cd, NULL, NULL, &o, &olen);
	g_string_append_len(out, buf, o - buf);
}

static void
append_valid_utf8(GString *out, const char *in, size_t len)
{
	const char *end = in + len, *bad;

	while (in < end) {
		g_utf8_validate(in, end - in, &bad);
		g_string_append_len(out, in, bad - in);
		if (bad == end)
			break;
		/* an invalid byte, or a NUL (which C strings cannot carry) */
		g_string_append(out, REPLACEMENT);
		in = bad + 1;
	}
}

/*
 * Text in the given charset (NULL: undeclared) as valid UTF-8 without
 * NULs. Never fails: an unknown charset is read as FALLBACK_CHARSET unless
 * the bytes are valid UTF-8, which undeclared 8-bit text usually is.
 */
static GString *
text_to_utf8(const char *in, size_t len, const char *charset)
{
	GString *out = g_string_sized_new(len + 1);
	GIConv cd = (GIConv)-1;
	const char *from = FALLBACK_CHARSET;

	/* A part with no content (headers only) comes as a GByteArray whose
	 * data is NULL, and in + len below would be NULL + 0: undefined
	 * (found by tests/fuzz/fuzz-message.c). */
	if (len == 0)
		return out;
	if (is_utf8_label(charset) || is_ascii_label(charset) ||
	    (cd = g_iconv_open("UTF-8", g_mime_charset_iconv_name(charset))) == (GIConv)-1) {
		/* declared UTF-8 stays UTF-8 even where it is broken */
		if (g_utf8_validate(in, len, NULL) || (charset != NULL && is_utf8_label(charset))) {
			append_valid_utf8(out, in, len);
			return out;
		}
		cd = g_iconv_open("UTF-8", from);
		if (cd == (GIConv)-1) {
			append_valid_utf8(out, in, len);
			return out;
		}
	}
	append_converted(out, cd, in, len);
	g_iconv_close(cd);
	/* UTF-8 from iconv is valid, but a NUL in the input is kept as one */
	if (memchr(out->str, '\0', out->len) != NULL) {
		GString *clean = g_string_sized_new(out->len + 1);

		append_valid_utf8(clean, out->str, out->len);
		g_string_free(out, TRUE);
		out = clean;
	}
	return out;
}

/* Whether text[from, to) is blank: spaces, tabs and no-break spaces. */
static bool
blank_line(const char *text, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++) {
		if (text[i] == ' ' || text[i] == '\t')
			continue;
		if (i + 1 < to && (unsigned char)text[i] == 0xC2 &&
		    (unsigned char)text[i + 1] == 0xA0) {
			i++;
			continue;
		}
		return false;
	}
	return true;
}

/* HTML mail lays out with empty blocks: a run of blank lines (and of
 * lines of &nbsp;) becomes one, and none lead or trail. */
static void
collapse_blank_lines(GString *text)
{
	size_t in = 0, o = 0;
	bool blank_pending = false;

	while (in < text->len) {
		char *nl = memchr(text->str + in, '\n', text->len - in);
		size_t end = nl ? (size_t)(nl - text->str) : text->len;

		if (blank_line(text->str, in, end)) {
			blank_pending = o > 0;
		} else {
			if (blank_pending)
				text->str[o++] = '\n';
			blank_pending = false;
			memmove(text->str + o, text->str + in, end - in);
			o += end - in;
			text->str[o++] = '\n';
		}
		in = end + 1;
	}
	if (o > 0)
		o--; /* the last line's newline */
	g_string_truncate(text, o);
}

/* links: a link's target follows its text as " <URL>" (for reading; the
 * index's text leaves them out: their digits are no amounts or dates). */
static char *
html_to_text(const char *html, bool links)
{
	struct vt_error err = { 0 };
	GString *out = mail_html_text(html, strlen(html), links, &err);

	if (out == NULL)
		return g_strdup_printf("(HTML mail that cannot be read here: %s)", err.msg);
	collapse_blank_lines(out);
	return g_string_free(out, FALSE);
}

/* Length of the UTF-8 sequence a lead byte starts. */
static size_t
sequence_length(unsigned char lead)
{
	return lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
}

/* Line ends to LF, and at most max bytes cut on a character boundary
 * (text is valid UTF-8); *cut (unless NULL) whether text was longer.
 * malloc'd. */
static char *
finish_cut(const char *text, size_t len, size_t max, bool *cut)
{
	char *out = malloc((len < max ? len : max) + 1);
	size_t o = 0, lead, i;

	if (out == NULL)
		return NULL;
	for (i = 0; i < len && o < max; i++) {
		if (text[i] == '\r') {
			if (i + 1 < len && text[i + 1] == '\n')
				continue;
			out[o++] = '\n'; /* a lone CR ends a line too */
			continue;
		}
		out[o++] = text[i];
	}
	if (cut != NULL)
		*cut = i < len && !(i + 1 == len && text[i] == '\r');
	/* the limit may have cut into the last character: drop it */
	for (lead = o; lead > 0 && ((unsigned char)out[lead - 1] & 0xC0) == 0x80; lead--)
		;
	if (lead > 0 && lead - 1 + sequence_length((unsigned char)out[lead - 1]) > o)
		o = lead - 1;
	out[o] = '\0';
	return out;
}

static char *
finish(const char *text, size_t len, size_t max)
{
	return finish_cut(text, len, max, NULL);
}

/* Whether part is text shown inline: text/plain or text/html that is no
 * attachment; *html says which. */
static bool
is_inline_text(GMimeObject *part, bool *html)
{
	GMimeContentType *type;

	if (!GMIME_IS_TEXT_PART(part) || g_mime_part_is_attachment(GMIME_PART(part)))
		return false;
	type = g_mime_object_get_content_type(part);
	*html = g_mime_content_type_is_type(type, "text", "html");
	return *html || g_mime_content_type_is_type(type, "text", "plain");
}

/* How readable an alternative is: 2 it has plain text, 1 HTML only, 0
 * nothing shown (plain text first, as the first text/plain always was). */
static int
readable_rank(GMimeObject *part, int nesting)
{
	GMimeMultipart *multi;
	bool html;
	int best = 0;

	if (is_inline_text(part, &html))
		return html ? 1 : 2;
	if (!GMIME_IS_MULTIPART(part) || nesting >= MIME_DEPTH_MAX)
		return 0;
	multi = GMIME_MULTIPART(part);
	for (int i = 0; i < g_mime_multipart_get_count(multi) && best < 2; i++) {
		int rank = readable_rank(g_mime_multipart_get_part(multi, i), nesting + 1);

		best = rank > best ? rank : best;
	}
	return best;
}

struct walk {
	struct mail_pieces *out;
	size_t max_bytes, used; /* the text kept, and what it may come to */
	bool links, failed;
	bool html_first; /* of alternatives, the HTML one */
};

static struct mail_piece *
add_piece(struct walk *w, enum mail_piece_kind kind, int depth)
{
	struct mail_piece *grown, *piece;

	grown = realloc(w->out->items, (w->out->count + 1) * sizeof *grown);
	if (grown == NULL) {
		w->failed = true;
		return NULL;
	}
	w->out->items = grown;
	piece = &grown[w->out->count++];
	memset(piece, 0, sizeof *piece);
	piece->kind = kind;
	piece->depth = depth;
	return piece;
}

/*
 * format=flowed text (RFC 3676) as its sender's mail client shows it: a
 * line ending in a space goes on in the next of the same quote depth
 * (delsp: without that space), a space stuffed before a line's text
 * removed. A new IBAN broken over a soft line break shows on one line,
 * and was read as two halves (no IBAN) by the payment checks. The
 * signature separator "-- " is no soft break.
 */
static void
unflow(GString *text, bool delsp)
{
	GString *out = g_string_sized_new(text->len);
	size_t i = 0, depth_before = 0;
	bool going_on = false;

	while (i < text->len) {
		size_t end = i, next, depth = 0, from;

		while (end < text->len && text->str[end] != '\n')
			end++;
		next = end < text->len ? end + 1 : end;
		if (end > i && text->str[end - 1] == '\r')
			end--;
		while (i + depth < end && text->str[i + depth] == '>')
			depth++;
		from = i + depth;
		if (from < end && text->str[from] == ' ')
			from++; /* stuffed */
		if (going_on && depth != depth_before)
			g_string_append_c(out, '\n');
		if (!going_on || depth != depth_before) {
			for (size_t q = 0; q < depth; q++)
				g_string_append_c(out, '>');
			if (depth > 0)
				g_string_append_c(out, ' ');
		}
		going_on = end > from && text->str[end - 1] == ' ' &&
			   !(end - from == 3 && memcmp(text->str + from, "-- ", 3) == 0);
		g_string_append_len(out, text->str + from,
				    (gssize)(end - from - (going_on && delsp ? 1 : 0)));
		if (!going_on)
			g_string_append_c(out, '\n');
		depth_before = depth;
		i = next;
	}
	g_string_truncate(text, 0);
	g_string_append_len(text, out->str, (gssize)out->len);
	g_string_free(out, TRUE);
}

/* Whether part is plain text its sender sent flowed; *delsp whether a
 * soft break's space is the sender's, not the text's. */
static bool
is_flowed(GMimeObject *part, bool *delsp)
{
	const char *format = g_mime_object_get_content_type_parameter(part, "format");
	const char *del = g_mime_object_get_content_type_parameter(part, "delsp");

	*delsp = del != NULL && g_ascii_strcasecmp(del, "yes") == 0;
	return format != NULL && g_ascii_strcasecmp(format, "flowed") == 0;
}

/* The text of one part, at most room bytes of it (*cut set when that
 * left some out); NULL out of memory. */
static char *
part_text(GMimeObject *part, bool html, size_t room, bool links, bool *cut)
{
	GByteArray *bytes;
	GString *text;
	char *out;
	size_t limit;
	bool finished_early, delsp;

	/* Plain text never shrinks below a quarter in UTF-8 (UTF-32 input),
	 * so more input than that cannot show; HTML can shrink any amount,
	 * but libxml2 builds a tree of what it reads, several times its size:
	 * an HTML body is read up to HTML_MAX, the rest of a giant left out. */
	limit = !html && room < (SIZE_MAX - 64) / 4 ? room * 4 + 64 : HTML_MAX;
	if (limit > G_MAXUINT)
		limit = G_MAXUINT;
	bytes = decoded_content(GMIME_PART(part), limit);
	*cut = bytes->len >= limit;
	text = text_to_utf8((const char *)bytes->data, bytes->len,
			    g_mime_object_get_content_type_parameter(part, "charset"));
	g_byte_array_free(bytes, TRUE);
	if (!html && is_flowed(part, &delsp))
		unflow(text, delsp);
	if (html) {
		char *reduced = html_to_text(text->str, links);

		out = finish_cut(reduced, strlen(reduced), room, &finished_early);
		g_free(reduced);
	} else {
		out = finish_cut(text->str, text->len, room, &finished_early);
	}
	*cut = *cut || finished_early;
	g_string_free(text, TRUE);
	return out;
}

static void
add_text(struct walk *w, GMimeObject *part, bool html, int depth)
{
	bool cut = false;
	char *text = part_text(part, html, w->max_bytes - w->used, w->links, &cut);
	struct mail_piece *piece;

	if (text == NULL) {
		w->failed = true;
		return;
	}
	/* an empty part shows as nothing, not as a part separated from
	 * the others */
	if (*text == '\0' || (piece = add_piece(w, MAIL_PIECE_TEXT, depth)) == NULL) {
		free(text);
		return;
	}
	piece->text = text;
	w->used += strlen(text);
	w->out->cut = w->out->cut || cut;
}

/* A multipart without parts: GMime keeps the whole of its body as the
 * prologue. Shown raw, MIME lines and all, rather than not at all (the
 * index reads its bank details and totals too). */
static void
add_raw(struct walk *w, GMimeMultipart *multi, int depth)
{
	const char *raw = g_mime_multipart_get_prologue(multi);
	struct mail_piece *piece;
	GString *text;
	bool cut;

	if (raw == NULL || *raw == '\0')
		return;
	if (w->used >= w->max_bytes) {
		w->out->cut = true;
		return;
	}
	text = text_to_utf8(raw, strlen(raw),
			    g_mime_object_get_content_type_parameter(GMIME_OBJECT(multi),
								     "charset"));
	if ((piece = add_piece(w, MAIL_PIECE_RAW, depth)) == NULL ||
	    (piece->text = finish_cut(text->str, text->len, w->max_bytes - w->used, &cut)) == NULL)
		w->failed = true;
	else {
		w->used += strlen(piece->text);
		w->out->cut = w->out->cut || cut;
	}
	g_string_free(text, TRUE);
}

/* A header as one line of valid UTF-8: an encoded word may decode to a
 * newline, and "Subject: x\nFrom: billing@bank" must not read as two. */
static char *
header_line(const char *value)
{
	GString *line = g_string_new(NULL);
	char *out;

	if (value != NULL)
		append_valid_utf8(line, value, strlen(value));
	/* other controls stay, for the pager to show as it shows them in
	 * the message's own headers ("^[") */
	for (size_t i = 0; i < line->len; i++)
		if (line->str[i] == '\n' || line->str[i] == '\r' || line->str[i] == '\t')
			line->str[i] = ' ';
	out = finish(line->str, line->len, HEADER_MAX);
	g_string_free(line, TRUE);
	return out;
}

/* The attached message's From, To or Cc; where GMime's own parse of it
 * came out empty, read again as the index reads a sender. */
static char *
addresses_line(GMimeMessage *message, GMimeAddressType type, const char *name)
{
	InternetAddressList *list = message ? g_mime_message_get_addresses(message, type) : NULL;
	InternetAddressList *again = NULL;
	char *text, *out;

	if (list != NULL && internet_address_list_length(list) == 0)
		list = again = mail_address_list_gmime(
			g_mime_object_get_header(GMIME_OBJECT(message), name));
	text = list ? internet_address_list_to_string(list, NULL, FALSE) : NULL;
	out = header_line(text);
	g_free(text);
	if (again != NULL)
		g_object_unref(again);
	return out;
}

static void walk_message(struct walk *w, GMimeMessage *message, int depth);

static void
walk_attached(struct walk *w, GMimeMessagePart *part, int depth)
{
	GMimeMessage *inner = g_mime_message_part_get_message(part);
	struct mail_piece *piece;
	GDateTime *when;

	if (depth >= MAIL_MESSAGE_DEPTH_MAX) {
		if (add_piece(w, MAIL_PIECE_CUT, depth + 1) != NULL)
			w->used += PIECE_COST;
		return;
	}
	if ((piece = add_piece(w, MAIL_PIECE_MESSAGE, depth + 1)) == NULL)
		return;
	piece->from = addresses_line(inner, GMIME_ADDRESS_TYPE_FROM, "From");
	piece->to = addresses_line(inner, GMIME_ADDRESS_TYPE_TO, "To");
	piece->cc = addresses_line(inner, GMIME_ADDRESS_TYPE_CC, "Cc");
	piece->subject = header_line(inner ? g_mime_message_get_subject(inner) : NULL);
	when = inner ? g_mime_message_get_date(inner) : NULL;
	piece->date = when ? (time_t)g_date_time_to_unix(when) : 0;
	if (!piece->from || !piece->to || !piece->cc || !piece->subject) {
		w->failed = true;
		return;
	}
	w->used += PIECE_COST + strlen(piece->from) + strlen(piece->to) + strlen(piece->cc) +
		   strlen(piece->subject);
	if (inner != NULL)
		walk_message(w, inner, depth + 1);
}

static void
walk_part(struct walk *w, GMimeObject *part, int depth, int nesting)
{
	GMimeMultipart *multi;
	GMimeObject *best = NULL;
	int best_rank = 0;
	bool html;

	if (w->failed)
		return;
	if (w->used >= w->max_bytes) {
		/* text or a message past the budget: left out, and said so */
		w->out->cut = w->out->cut || GMIME_IS_MESSAGE_PART(part) ||
			      (!GMIME_IS_MULTIPART(part) && is_inline_text(part, &html));
		if (!GMIME_IS_MULTIPART(part) || nesting >= MIME_DEPTH_MAX)
			return;
	}
	if (GMIME_IS_MESSAGE_PART(part)) {
		walk_attached(w, GMIME_MESSAGE_PART(part), depth);
		return;
	}
	if (is_inline_text(part, &html)) {
		add_text(w, part, html, depth);
		return;
	}
	if (!GMIME_IS_MULTIPART(part))
		return; /* no text: an attachment (mail/attachment.c lists it) */
	if (nesting >= MIME_DEPTH_MAX) {
		/* said, not hidden: saving the message shows the rest */
		if (add_piece(w, MAIL_PIECE_CUT, depth) != NULL)
			w->used += PIECE_COST;
		return;
	}
	multi = GMIME_MULTIPART(part);
	if (g_mime_multipart_get_count(multi) == 0) {
		add_raw(w, multi, depth);
		return;
	}
	if (!g_mime_content_type_is_type(g_mime_object_get_content_type(part), "multipart",
					 "alternative")) {
		for (int i = 0; i < g_mime_multipart_get_count(multi); i++)
			walk_part(w, g_mime_multipart_get_part(multi, i), depth, nesting + 1);
		return;
	}
	/* the same content in other forms: one is enough */
	for (int i = 0; i < g_mime_multipart_get_count(multi); i++) {
		GMimeObject *child = g_mime_multipart_get_part(multi, i);
		int rank = readable_rank(child, nesting + 1);

		if (w->html_first && rank == 1)
			rank = 3;
		if (rank > best_rank) {
			best = child;
			best_rank = rank;
		}
	}
	if (best != NULL)
		walk_part(w, best, depth, nesting + 1);
}

static void
walk_message(struct walk *w, GMimeMessage *message, int depth)
{
	GMimeObject *top = g_mime_message_get_mime_part(message);
	size_t before = w->out->count;
	bool html;

	if (top == NULL)
		return;
	walk_part(w, top, depth, 0);
	/* a message that is one text part of its own is read whatever its
	 * type or disposition says (text/enriched, "attachment"): it has
	 * nothing else */
	if (w->out->count == before && !w->failed && w->used < w->max_bytes &&
	    GMIME_IS_TEXT_PART(top)) {
		html = g_mime_content_type_is_type(g_mime_object_get_content_type(top), "text",
						   "html");
		add_text(w, top, html, depth);
	}
}

void
mail_pieces_clear(struct mail_pieces *pieces)
{
	for (size_t i = 0; i < pieces->count; i++) {
		struct mail_piece *p = &pieces->items[i];

		free(p->text);
		free(p->from);
		free(p->to);
		free(p->cc);
		free(p->subject);
	}
	free(pieces->items);
	pieces->items = NULL;
	pieces->count = 0;
	pieces->cut = false;
	pieces->parts_cut = false;
}

static bool
pieces_of(GMimeMessage *message, size_t max_bytes, bool links, bool html_first,
	  struct mail_pieces *out)
{
	struct walk w = {
		.out = out, .max_bytes = max_bytes, .links = links, .html_first = html_first
	};

	out->items = NULL;
	out->count = 0;
	out->cut = false;
	out->parts_cut = false;
	if (message != NULL)
		walk_message(&w, message, 0);
	out->parts_cut = mail_message_parts_cut(message);
	if (w.failed)
		mail_pieces_clear(out);
	return !w.failed;
}

static void
append_header(GString *text, const char *label, const char *value)
{
	g_string_append_printf(text, "\n%s: %s", label, value);
}

/*
 * The pieces as one text, an attached message opened as an inline
 * forward is ("---------- Forwarded message ----------" and its
 * headers): the signature, document and contract readers know it for
 * what it is, the sender's own text above it.
 */
static char *
joined_text(struct mail_pieces *pieces, size_t max_bytes)
{
	GString *text;
	char *out, date[64];
	struct tm tm;

	if (pieces->count == 1 && pieces->items[0].kind == MAIL_PIECE_TEXT) {
		out = pieces->items[0].text; /* most mail: no copy */
		pieces->items[0].text = NULL;
		return out;
	}
	text = g_string_new(NULL);
	for (size_t i = 0; i < pieces->count; i++) {
		const struct mail_piece *p = &pieces->items[i];

		if (text->len > 0)
			g_string_append(text, "\n\n");
		switch (p->kind) {
		case MAIL_PIECE_TEXT:
		case MAIL_PIECE_RAW:
			g_string_append(text, p->text);
			break;
		case MAIL_PIECE_MESSAGE:
			g_string_append(text, "---------- Forwarded message ----------");
			append_header(text, "From", p->from);
			if (p->date == 0 || gmtime_r(&p->date, &tm) == NULL ||
			    strftime(date, sizeof date, "%a, %d %b %Y %H:%M +0000", &tm) == 0)
				date[0] = '\0';
			append_header(text, "Date", date);
			append_header(text, "Subject", p->subject);
			append_header(text, "To", p->to);
			if (*p->cc)
				append_header(text, "Cc", p->cc);
			break;
		case MAIL_PIECE_CUT:
			g_string_append(text, "(parts nested too deep to read)");
			break;
		}
	}
	out = finish(text->str, text->len, max_bytes);
	g_string_free(text, TRUE);
	return out;
}

static char *
body_text(GMimeMessage *message, size_t max_bytes, bool links, bool html_first)
{
	struct mail_pieces pieces;
	char *out;

	if (!pieces_of(message, max_bytes, links, html_first, &pieces))
		return NULL;
	out = joined_text(&pieces, max_bytes);
	mail_pieces_clear(&pieces);
	return out;
}

char *
mail_body_text_of(GMimeMessage *message, size_t max_bytes)
{
	return body_text(message, max_bytes, false, false);
}

/* Whether the text read of part passes over an HTML alternative, as
 * walk_part chooses. */
static bool
passes_over_html(GMimeObject *part, int nesting)
{
	GMimeMultipart *multi;
	GMimeObject *best = NULL;
	int best_rank = 0;
	bool html_beside = false;

	if (GMIME_IS_MESSAGE_PART(part)) {
		GMimeMessage *inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(part));
		GMimeObject *top = inner ? g_mime_message_get_mime_part(inner) : NULL;

		return top != NULL && nesting < MIME_DEPTH_MAX &&
		       passes_over_html(top, nesting + 1);
	}
	if (!GMIME_IS_MULTIPART(part) || nesting >= MIME_DEPTH_MAX)
		return false;
	multi = GMIME_MULTIPART(part);
	if (!g_mime_content_type_is_type(g_mime_object_get_content_type(part), "multipart",
					 "alternative")) {
		for (int i = 0; i < g_mime_multipart_get_count(multi); i++)
			if (passes_over_html(g_mime_multipart_get_part(multi, i), nesting + 1))
				return true;
		return false;
	}
	for (int i = 0; i < g_mime_multipart_get_count(multi); i++) {
		GMimeObject *child = g_mime_multipart_get_part(multi, i);
		int rank = readable_rank(child, nesting + 1);

		html_beside = html_beside || rank == 1;
		if (rank > best_rank) {
			best = child;
			best_rank = rank;
		}
	}
	return (best_rank == 2 && html_beside) ||
	       (best != NULL && passes_over_html(best, nesting + 1));
}

char *
mail_body_html_alternative_of(GMimeMessage *message, size_t max_bytes)
{
	GMimeObject *top = message ? g_mime_message_get_mime_part(message) : NULL;

	if (top == NULL || !passes_over_html(top, 0))
		return NULL;
	return body_text(message, max_bytes, false, true);
}

/*
 * Lines opening a MIME part ("--" and a boundary) that a reader parses
 * at most. GMime builds every part of what it parses, some 2 KB and
 * 25 us each: a 4.5 MB mail of 100,000 parts took 211 MB and 2.4 s to
 * parse, twice for the pager. A boundary is what the message says it
 * is, so every line starting "--" counts: text full of them (SQL
 * comments) is cut there too, and said so.
 */
#define PART_LINES_MAX 5000
#define PARTS_CUT_KEY "vtriage-parts-cut"

/* How much of a file a parse reads. */
enum parse_span {
	PARSE_WHOLE,
	PARSE_BOUNDED, /* up to its PART_LINES_MAX + 1st part line */
	PARSE_HEADERS, /* up to the blank line after its headers */
};

/*
 * Where a parse of the file open at fd stops, as span says: the start of
 * its PART_LINES_MAX + 1st line beginning "--", or of the blank line
 * after its header; -1 for its end. Read, not mapped: a file cut short
 * under a map is a SIGBUS. Only each line's first two bytes are looked
 * at.
 */
static off_t
scan_end(int fd, enum parse_span span)
{
	char buf[65536];
	off_t at = 0, line = 0; /* where buf and the line now read start */
	size_t col = 0, lines = 0;
	char first = 0;
	ssize_t n;

	while ((n = read(fd, buf, sizeof buf)) > 0) {
		for (size_t i = 0; i < (size_t)n; i++) {
			char c = buf[i];

			if (c == '\n') {
				if (span == PARSE_HEADERS &&
				    ((col == 0 && at + (off_t)i > 0) ||
				     (col == 1 && first == '\r' && line > 0)))
					return col == 0 ? at + (off_t)i : line;
				col = 0;
				continue;
			}
			if (col == 0) {
				line = at + (off_t)i;
				first = c;
			} else if (col == 1 && span == PARSE_BOUNDED && first == '-' && c == '-' &&
				   ++lines > PART_LINES_MAX) {
				return line;
			}
			if (++col >= 2) { /* on to the next line */
				const char *nl = memchr(buf + i + 1, '\n', (size_t)n - i - 1);

				i = nl ? (size_t)(nl - buf) - 1 : (size_t)n - 1;
			}
		}
		at += n;
	}
	return -1;
}

/* The file's stream, as much of it as span says (*cut: less than all). */
static GMimeStream *
file_stream(const char *path, enum parse_span span, bool *cut, struct vt_error *err)
{
	GMimeStream *stream, *part;
	off_t end = -1;
	int fd;

	*cut = false;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		vt_fail(err, VT_ERR_IO, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (span != PARSE_WHOLE) {
		end = scan_end(fd, span);
		if (lseek(fd, 0, SEEK_SET) != 0) {
			vt_fail(err, VT_ERR_IO, "%s: %s", path, strerror(errno));
			close(fd);
			return NULL;
		}
	}
	stream = g_mime_stream_fs_new(fd); /* owns fd */
	if ((*cut = end >= 0) == false)
		return stream;
	part = g_mime_stream_substream(stream, 0, (gint64)end);
	g_object_unref(stream);
	return part;
}

static GMimeMessage *
parse_file(const char *path, enum parse_span span, struct vt_error *err)
{
	GMimeStream *stream;
	GMimeParser *parser;
	GMimeMessage *message;
	bool cut;

	g_mime_init();
	if ((stream = file_stream(path, span, &cut, err)) == NULL)
		return NULL;
	parser = g_mime_parser_new_with_stream(stream);
	/* mbox "From " lines at the top, as in much archived mail */
	g_mime_parser_set_format(parser, GMIME_FORMAT_MESSAGE);
	message = g_mime_parser_construct_message(parser, NULL);
	g_object_unref(parser);
	g_object_unref(stream);
	if (message == NULL)
		vt_fail(err, VT_ERR_PROTOCOL, "%s: not a message GMime can read", path);
	else if (cut && span == PARSE_BOUNDED)
		g_object_set_data(G_OBJECT(message), PARTS_CUT_KEY, GINT_TO_POINTER(1));
	return message;
}

GMimeMessage *
mail_parse_file(const char *path, struct vt_error *err)
{
	return parse_file(path, PARSE_WHOLE, err);
}

GMimeMessage *
mail_parse_file_bounded(const char *path, struct vt_error *err)
{
	return parse_file(path, PARSE_BOUNDED, err);
}

char *
mail_file_header(const char *path, const char *name)
{
	GMimeMessage *head = parse_file(path, PARSE_HEADERS, NULL);
	const char *value = head ? g_mime_object_get_header(GMIME_OBJECT(head), name) : NULL;
	char *decoded = value ? g_mime_utils_header_decode_text(NULL, value) : NULL;
	char *out = strdup(decoded ? decoded : "");

	g_free(decoded);
	if (head != NULL)
		g_object_unref(head);
	return out;
}

bool
mail_message_parts_cut(GMimeMessage *message)
{
	return message != NULL && g_object_get_data(G_OBJECT(message), PARTS_CUT_KEY) != NULL;
}

vt_status
mail_parse_file_or_none(const char *path, GMimeMessage **message, struct vt_error *err)
{
	struct vt_error parse_err = { 0 };

	*message = mail_parse_file_bounded(path, &parse_err);
	if (*message == NULL && parse_err.status == VT_ERR_IO) {
		if (err)
			*err = parse_err;
		return parse_err.status;
	}
	return VT_OK;
}

vt_status
mail_body_text(const char *path, size_t max_bytes, char **out, struct vt_error *err)
{
	GMimeMessage *message;
	vt_status rc;

	*out = NULL;
	/* an unreadable file is an error; an unparsable one has no text */
	if ((rc = mail_parse_file_or_none(path, &message, err)) != VT_OK)
		return rc;
	*out = body_text(message, max_bytes, true, false);
	if (message != NULL)
		g_object_unref(message);
	return *out ? VT_OK : vt_fail(err, VT_ERR_NOMEM, "out of memory");
}

vt_status
mail_body_pieces(const char *path, size_t max_bytes, struct mail_pieces *out, struct vt_error *err)
{
	GMimeMessage *message;
	vt_status rc;
	bool ok;

	out->items = NULL;
	out->count = 0;
	if ((rc = mail_parse_file_or_none(path, &message, err)) != VT_OK)
		return rc;
	ok = pieces_of(message, max_bytes, true, false, out);
	if (message != NULL)
		g_object_unref(message);
	return ok ? VT_OK : vt_fail(err, VT_ERR_NOMEM, "out of memory");
}

char *
mail_body_html_at(GMimeMessage *message, size_t nth, size_t max_bytes)
{
	struct find f = { .skip = nth };
	GByteArray *bytes;
	GString *text;
	char *out;

	mail_message_foreach_deep(message, find_html, &f);
	if (f.html == NULL)
		return NULL;
	bytes = decoded_content(GMIME_PART(f.html), max_bytes < G_MAXUINT ? max_bytes : G_MAXUINT);
	text = text_to_utf8((const char *)bytes->data, bytes->len,
			    g_mime_object_get_content_type_parameter(f.html, "charset"));
	g_byte_array_free(bytes, TRUE);
	out = finish(text->str, text->len, max_bytes);
	g_string_free(text, TRUE);
	return out;
}

struct names {
	const char **names;
	size_t count, max;
};

static void
find_names(GMimeObject *part, int depth, void *data)
{
	struct names *n = data;
	const char *name;

	(void)depth;
	if (n->count < n->max && GMIME_IS_PART(part) &&
	    (name = g_mime_part_get_filename(GMIME_PART(part))) != NULL && *name)
		n->names[n->count++] = name;
}

size_t
mail_attachment_names(GMimeMessage *message, const char **names, size_t max)
{
	struct names n = { names, 0, max };

	mail_message_foreach_deep(message, find_names, &n);
	return n.count;
}

struct pdfs {
	GByteArray **out;
	size_t count, max, max_bytes;
};

static void
find_pdfs(GMimeObject *part, int depth, void *data)
{
	struct pdfs *p = data;
	const char *name;
	size_t n;
	bool pdf;

	(void)depth;
	if (p->count >= p->max || !GMIME_IS_PART(part))
		return;
	name = g_mime_part_get_filename(GMIME_PART(part));
	n = name ? strlen(name) : 0;
	pdf = g_mime_content_type_is_type(g_mime_object_get_content_type(part), "application",
					  "pdf") ||
	      (n > 4 && g_ascii_strcasecmp(name + n - 4, ".pdf") == 0);
	if (pdf)
		p->out[p->count++] = decoded_content(GMIME_PART(part), p->max_bytes);
}

size_t
mail_attachment_pdfs(GMimeMessage *message, GByteArray **out, size_t max, size_t max_bytes)
{
	struct pdfs p = { out, 0, max, max_bytes };

	mail_message_foreach_deep(message, find_pdfs, &p);
	return p.count;
}

char *
mail_body_html_attachment_text(GMimeMessage *message, size_t nth, size_t max_bytes)
{
	struct find f = { .skip = nth, .attached = true };
	GByteArray *bytes;
	GString *html;
	char *text, *out;

	mail_message_foreach_deep(message, find_html, &f);
	if (f.html == NULL)
		return NULL;
	/* (libxml2 makes a tree of what it reads: HTML_MAX of it) */
	bytes = decoded_content(GMIME_PART(f.html), HTML_MAX);
	html = text_to_utf8((const char *)bytes->data, bytes->len,
			    g_mime_object_get_content_type_parameter(f.html, "charset"));
	g_byte_array_free(bytes, TRUE);
	text = html_to_text(html->str, false);
	g_string_free(html, TRUE);
	out = finish(text, strlen(text), max_bytes);
	g_free(text);
	return out;
}
