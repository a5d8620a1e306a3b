/*
 * A message's text in the pager: each text part in order, a marked line
 * between two, and each attached message (a forward) with its headers
 * and its own text between lines saying where it starts and ends. The
 * marks are ours (TUI_LINE_ATTACHMENT, drawn unlike the mail's text): a
 * body that writes "[-- attached message --]" reads as body text.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "model.h"

static bool
is_quoted(const char *line, size_t len)
{
	while (len > 0 && *line == ' ') {
		line++;
		len--;
	}
	return len > 0 && *line == '>';
}

/* Quoted history that Outlook and friends put below a reply. */
static bool
starts_history(const char *line, size_t len)
{
	static const char *const marks[] = { "-----Original Message-----",
					     "---------- Forwarded message" };

	for (size_t i = 0; i < sizeof marks / sizeof marks[0]; i++)
		if (len >= strlen(marks[i]) && strncmp(line, marks[i], strlen(marks[i])) == 0)
			return true;
	return len > 6 && strncmp(line, "On ", 3) == 0 && len >= 6 &&
	       strncmp(line + len - 6, "wrote:", 6) == 0;
}

static bool
add_body(struct tui_pager *p, int indent, const char *body)
{
	bool signature = false, history = false;
	const char *line = body;
	long folded = 0; /* quoted lines not shown yet (fold_quotes) */
	char note[96];

	while (*line != '\0') {
		size_t len = strcspn(line, "\n");
		enum tui_line_kind kind = TUI_LINE_BODY;

		if ((len == 3 && strncmp(line, "-- ", 3) == 0) ||
		    (len == 2 && strncmp(line, "--", 2) == 0))
			signature = true;
		if (!signature && starts_history(line, len))
			history = true;
		if (signature)
			kind = TUI_LINE_SIGNATURE;
		else if (history || is_quoted(line, len))
			kind = TUI_LINE_QUOTED;
		if (p->fold_quotes && kind == TUI_LINE_QUOTED) {
			folded++;
		} else {
			if (folded > 0) {
				snprintf(note, sizeof note, "[%ld quoted line%s: T shows them]",
					 folded, folded == 1 ? "" : "s");
				if (!tui_pager_add_line(p, TUI_LINE_QUOTED, indent, note,
							strlen(note)))
					return false;
				folded = 0;
			}
			if (!tui_pager_add_line(p, kind, indent, line, len))
				return false;
		}
		line += len;
		if (*line == '\n')
			line++;
	}
	if (folded > 0) {
		snprintf(note, sizeof note, "[%ld quoted line%s: T shows them]", folded,
			 folded == 1 ? "" : "s");
		return tui_pager_add_line(p, TUI_LINE_QUOTED, indent, note, strlen(note));
	}
	return true;
}

/* A non-ASCII domain as mail_domain_display shows it (malloc'd), or
 * NULL for an ASCII one. */
static char *
domain_shown(const char *address)
{
	const char *at = strrchr(address, '@');

	for (const char *p = at ? at + 1 : ""; *p; p++)
		if ((unsigned char)*p >= 0x80)
			return mail_domain_display(at + 1);
	return NULL;
}

/* Addresses a header line shows at most: a mail to 20,000 recipients at
 * non-ASCII domains took 4 s to open (each domain replaced in the whole
 * line), and no reader reads thousands of lines of To. */
#define ADDRESSES_SHOWN 100

/* More than ADDRESSES_SHOWN: the first of them, and how many more
 * (malloc'd). */
static char *
first_addresses(const char *label, const struct mail_address_list *list)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	if (f == NULL)
		return NULL;
	fprintf(f, "%s:", label);
	for (size_t i = 0; i < ADDRESSES_SHOWN; i++) {
		const struct mail_address *a = &list->items[i];
		const char *at = strrchr(a->address, '@');
		char *shown = domain_shown(a->address);

		fprintf(f, "%s%s%s", i ? ", " : " ", a->name, *a->name ? " <" : "");
		if (shown != NULL)
			fprintf(f, "%.*s@%s", (int)(at - a->address), a->address, shown);
		else
			fputs(a->address, f);
		fputs(*a->name ? ">" : "", f);
		free(shown);
	}
	fprintf(f, " ... and %zu more", list->count - ADDRESSES_SHOWN);
	if (fclose(f) != 0) {
		free(out);
		return NULL;
	}
	return out;
}

/*
 * An address header for the pager, with every non-ASCII domain in it
 * shown as mail_domain_display shows it (punycode, <U+200D>): a Cyrillic
 * а in "billing@аcme.example" must not pass for an a. malloc'd.
 */
char *
tui_pager_address_line(const char *label, const char *header)
{
	struct mail_address_list list;
	char *out = NULL;

	mail_address_list_parse(header, &list);
	if (list.count > ADDRESSES_SHOWN) {
		out = first_addresses(label, &list);
		mail_address_list_clear(&list);
		return out;
	}
	if (asprintf(&out, "%s: %s", label, header) < 0)
		out = NULL;
	for (size_t i = 0; out != NULL && i < list.count; i++) {
		const char *at = strrchr(list.items[i].address, '@'), *p;
		char *shown = at ? domain_shown(list.items[i].address) : NULL, *grown = NULL;

		if (shown == NULL)
			continue;
		/* the domain as written, once per address */
		p = strstr(out, at + 1);
		if (p != NULL && asprintf(&grown, "%.*s%s%s", (int)(p - out), out, shown,
					  p + strlen(at + 1)) >= 0) {
			free(out);
			out = grown;
		}
		free(shown);
	}
	mail_address_list_clear(&list);
	return out;
}

/* An attached message's headers, as a message's own are shown. */
static bool
add_headers(struct tui_pager *p, int indent, const struct mail_piece *m)
{
	const char *labels[] = { "From", "To", "Cc" };
	const char *values[] = { m->from, m->to, m->cc };
	char date[64], *line = NULL;
	struct tm tm;
	bool ok = true;

	for (size_t i = 0; ok && i < sizeof labels / sizeof labels[0]; i++) {
		if (*values[i] == '\0' && i > 0)
			continue;
		if ((line = tui_pager_address_line(labels[i], values[i])) == NULL)
			return false;
		ok = tui_pager_add_line(p, TUI_LINE_HEADER, indent, line, strlen(line));
		free(line);
	}
	if (m->date == 0 || localtime_r(&m->date, &tm) == NULL ||
	    strftime(date, sizeof date, "%a, %d %b %Y %H:%M", &tm) == 0)
		snprintf(date, sizeof date, "?");
	if (ok && asprintf(&line, "Date: %s", date) >= 0) {
		ok = tui_pager_add_line(p, TUI_LINE_HEADER, indent, line, strlen(line));
		free(line);
	}
	if (ok && asprintf(&line, "Subject: %s", m->subject) >= 0) {
		ok = tui_pager_add_line(p, TUI_LINE_SUBJECT, indent, line, strlen(line));
		free(line);
	}
	return ok && tui_pager_add_line(p, TUI_LINE_BODY, indent, "", 0);
}

static bool
add_mark(struct tui_pager *p, int indent, const char *mark)
{
	/* set off from the text above, as a paragraph is */
	if (p->count > 0 && *p->lines[p->count - 1].text != '\0' &&
	    !tui_pager_add_line(p, TUI_LINE_BODY, indent, "", 0))
		return false;
	return tui_pager_add_line(p, TUI_LINE_ATTACHMENT, indent, mark, strlen(mark));
}

bool
tui_pager_add_pieces(struct tui_pager *p, int indent, const struct mail_pieces *pieces)
{
	int depth = 0; /* of the attached message being shown */
	bool ok = true;

	for (size_t i = 0; ok && i < pieces->count; i++) {
		const struct mail_piece *piece = &pieces->items[i];

		for (; ok && depth > piece->depth; depth--)
			ok = add_mark(p, indent, "[-- end of attached message --]");
		if (!ok)
			break;
		switch (piece->kind) {
		case MAIL_PIECE_TEXT:
			/* a part's end unmarked, the next would read as its
			 * signature's continuation, or as the sender's words */
			if (i > 0 && pieces->items[i - 1].kind == MAIL_PIECE_TEXT)
				ok = add_mark(p, indent, "[-- next part --]");
			ok = ok && add_body(p, indent, piece->text) &&
			     tui_pager_collect_links(p, piece->text);
			break;
		case MAIL_PIECE_MESSAGE:
			depth = piece->depth;
			ok = add_mark(p, indent, "[-- attached message (v lists it) --]") &&
			     add_headers(p, indent, piece);
			break;
		case MAIL_PIECE_CUT:
			ok = add_mark(
				p, indent,
				"[-- parts nested too deep to show (v saves the message) --]");
			break;
		case MAIL_PIECE_RAW:
			ok = add_mark(
				     p, indent,
				     "[-- no parts found (a missing or wrong boundary): the raw text"
				     " --]") &&
			     add_body(p, indent, piece->text);
			break;
		}
	}
	for (; ok && depth > 0; depth--)
		ok = add_mark(p, indent, "[-- end of attached message --]");
	/* a giant's text ends where the pager stops reading, not as if
	 * the mail ended there */
	if (ok && pieces->parts_cut)
		ok = add_mark(p, indent,
			      "[-- the rest of the message is too many parts to show"
			      " (v saves the message) --]");
	if (ok && pieces->cut)
		ok = add_mark(
			p, indent,
			"[-- the rest of the text is too long to show (v saves the message) --]");
	return ok;
}
