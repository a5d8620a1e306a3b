/*
 * The pager's model: a thread as lines (headers, body, quoted text,
 * signature, attachments, our notes and the thread's trust warnings),
 * each sanitised for the terminal. No curses here (see model.h).
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <wchar.h>

#include "model.h"

/* ---- pager ---- */

int
tui_pager_indent(int depth, int width)
{
	return depth * 2 < width / 3 ? depth * 2 : width / 3;
}

static bool
push_line(struct tui_pager *p, enum tui_line_kind kind, int indent, char *text)
{
	struct tui_line *grown = realloc(p->lines, (p->count + 1) * sizeof *grown);

	if (grown == NULL) {
		free(text);
		return false;
	}
	p->lines = grown;
	grown[p->count].kind = kind;
	grown[p->count].indent = indent;
	grown[p->count].text = text;
	p->count++;
	return true;
}

/* A long line becomes several, each at most p->width - indent columns: a
 * quote's "valid until 2026-12-15" is read whole instead of cut at the
 * edge of the screen. */
static bool
add_wrapped(struct tui_pager *p, enum tui_line_kind kind, int indent, char *clean)
{
	int room = p->width - tui_pager_indent(indent, p->width);
	size_t len = strlen(clean), start = 0;

	if (p->width <= 0 || room < 10 || len == 0)
		return push_line(p, kind, indent, clean);
	while (start < len) {
		size_t next, fit = tui_wrap_piece(clean, len, start, room, &next);
		char *piece = strndup(clean + start, fit - start);

		if (piece == NULL || !push_line(p, kind, indent, piece)) {
			free(clean);
			return false;
		}
		start = next;
	}
	free(clean);
	return true;
}

static bool
add_line(struct tui_pager *p, enum tui_line_kind kind, int indent, const char *untrusted,
	 size_t len)
{
	char *raw, *clean, *o;

	/* Tabs to spaces first: the sanitiser would show them as controls. */
	raw = malloc(len * 8 + 1);
	if (raw == NULL)
		return false;
	o = raw;
	for (size_t i = 0, col = 0; i < len; i++) {
		if (untrusted[i] == '\t') {
			do {
				*o++ = ' ';
			} while (++col % 8);
		} else if (untrusted[i] != '\r') {
			*o++ = untrusted[i];
			col++;
		}
	}
	*o = '\0';
	clean = mail_sanitize_str(raw);
	free(raw);
	if (clean == NULL)
		return false;
	return add_wrapped(p, kind, indent, clean);
}

bool
tui_pager_add_line(struct tui_pager *p, enum tui_line_kind kind, int indent, const char *untrusted,
		   size_t len)
{
	return add_line(p, kind, indent, untrusted, len);
}

bool
tui_pager_add_text(struct tui_pager *p, enum tui_line_kind kind, int indent, const char *text)
{
	const char *line = text;

	do {
		size_t len = strcspn(line, "\n");

		if (!add_line(p, kind, indent, line, len))
			return false;
		line += len;
	} while (*line++ == '\n' && *line != '\0');
	return true;
}

struct pager_build {
	struct tui_pager *p;
	const struct vt_config *cfg;
	const struct vt_suspect_list *suspects;
	bool failed;
};

/* "! sender domain acrnetel.example looks like acmetel.example (rn for m)":
 * each distinct reason of the thread's (or one message's) mail once. */
static bool
add_warnings(struct tui_pager *p, int indent, const struct vt_suspect_list *list,
	     const char *message_id)
{
	for (size_t i = 0; i < list->count; i++) {
		const struct vt_suspect *m = &list->items[i];
		bool forged = false; /* judged for more than money: no hint to accept */

		if (message_id != NULL && strcmp(m->message_id, message_id) != 0)
			continue;
		for (size_t j = 0; j < m->n_reasons; j++)
			forged = forged || strcmp(m->reasons[j].reason, VT_SUSPECT_BANK) != 0;
		for (size_t j = 0; j < m->n_reasons; j++) {
			char *line = NULL;
			bool seen = false;
			const char *text = m->reasons[j].text;
			/* where the user can say the new details are right */
			bool unverified =
				strcmp(m->reasons[j].reason, VT_SUSPECT_BANK) == 0 && !forged &&
				(strstr(text, " is new") || strstr(text, "suspicious mail"));

			if (asprintf(&line, "! %s%s", text,
				     unverified ? " (verified with the vendor? :bank-accept)"
						: "") < 0)
				return false;
			/* the top lines name each reason once */
			for (size_t k = 0; message_id == NULL && k < p->count; k++)
				if (p->lines[k].kind == TUI_LINE_WARNING &&
				    strcmp(p->lines[k].text, line) == 0)
					seen = true;
			if (!seen && !add_line(p, TUI_LINE_WARNING, indent, line, strlen(line))) {
				free(line);
				return false;
			}
			free(line);
		}
	}
	return true;
}

static bool
from_user(const struct vt_config *cfg, const char *from)
{
	struct mail_address_list list;
	bool mine = false;

	mail_address_list_parse(from, &list);
	for (size_t i = 0; i < list.count && list.items[i].address; i++)
		for (size_t j = 0; j < cfg->n_addresses; j++)
			if (strcasecmp(list.items[i].address, cfg->addresses[j]) == 0)
				mine = true;
	mail_address_list_clear(&list);
	return mine;
}

static vt_status
add_message(void *ctx, const struct mail_shown *m, struct vt_error *err)
{
	struct pager_build *b = ctx;
	struct tui_pager *p = b->p;
	int indent = m->depth > 8 ? 8 : m->depth;
	char date[64], *line = NULL;
	struct mail_attachment_list attachments = { 0 };
	struct mail_pieces pieces;
	struct tm tm;
	struct vt_error body_err = { 0 };
	bool ok = true;

	(void)err;
	if (p->count > 0)
		ok = add_line(p, TUI_LINE_SEPARATOR, indent, "", 0);
	if (ok && b->suspects != NULL)
		ok = add_warnings(p, indent, b->suspects, m->message_id);
	if (localtime_r(&m->date, &tm) == NULL ||
	    strftime(date, sizeof date, "%a, %d %b %Y %H:%M", &tm) == 0)
		snprintf(date, sizeof date, "?");
	if (ok && (line = tui_pager_address_line("From", m->from)) != NULL) {
		ok = add_line(p, TUI_LINE_HEADER, indent, line, strlen(line));
		free(line);
	}
	if (ok && !p->brief && (line = tui_pager_address_line("To", m->to)) != NULL) {
		ok = add_line(p, TUI_LINE_HEADER, indent, line, strlen(line));
		free(line);
	}
	if (ok && !p->brief && *m->cc && (line = tui_pager_address_line("Cc", m->cc)) != NULL) {
		ok = add_line(p, TUI_LINE_HEADER, indent, line, strlen(line));
		free(line);
	}
	if (ok && !p->brief && asprintf(&line, "Date: %s", date) >= 0) {
		ok = add_line(p, TUI_LINE_HEADER, indent, line, strlen(line));
		free(line);
	}
	if (ok && asprintf(&line, "Subject: %s", mail_subject_shown(m->subject)) >= 0) {
		ok = add_line(p, TUI_LINE_SUBJECT, indent, line, strlen(line));
		free(line);
	}
	ok = ok && add_line(p, TUI_LINE_BODY, indent, "", 0);
	/* A body we cannot read is a note in the pager, not a failure. */
	if (ok && m->path != NULL &&
	    mail_body_pieces(m->path, 256 * 1024, &pieces, &body_err) == VT_OK) {
		char greeted[64], *note = NULL;
		/* the greeting opens the message's own text */
		const char *text = pieces.count > 0 && pieces.items[0].kind == MAIL_PIECE_TEXT
					   ? pieces.items[0].text
					   : "";

		if (b->cfg != NULL && b->cfg->identity_name != NULL &&
		    !from_user(b->cfg, m->from) &&
		    mail_wrong_greeting(text, b->cfg->identity_name, greeted, sizeof greeted) &&
		    !mail_greeting_names_recipient(greeted, m->to) &&
		    !mail_greeting_names_recipient(greeted, m->cc) &&
		    asprintf(&note, "[this mail greets you as %s: not your name]", greeted) >= 0) {
			ok = add_line(p, TUI_LINE_NOTE, indent, note, strlen(note));
			free(note);
		}
		ok = ok && tui_pager_add_pieces(p, indent, &pieces);
		mail_pieces_clear(&pieces);
	} else if (ok) {
		ok = tui_pager_add_text(p, TUI_LINE_NOTE, indent,
					body_err.msg[0] ? body_err.msg : "(no readable text)");
	}
	if (ok && m->path != NULL &&
	    mail_attachment_list(m->path, &attachments, &body_err) == VT_OK) {
		for (size_t i = 0; i < attachments.count; i++) {
			const struct mail_attachment *a = &attachments.items[i];
			char size[32];

			if (a->body)
				continue; /* the text above is its reading */
			mail_format_bytes(a->size, size, sizeof size);
			if (ok &&
			    asprintf(&line, "[attachment %d: %s, %s, %s]  (v: list, save, open)",
				     a->part, a->filename ? a->filename : "unnamed", a->type,
				     size) >= 0) {
				ok = add_line(p, TUI_LINE_ATTACHMENT, indent, line, strlen(line));
				free(line);
			}
		}
		mail_attachment_list_clear(&attachments);
	}
	if (!ok)
		b->failed = true;
	return ok ? VT_OK : vt_fail(err, VT_ERR_NOMEM, "out of memory");
}

/* The thread's quotes and bills on top: "$ Bill AT-2026-10: $7,800.00,
 * due 2026-10-31", and the bill check's verdict as a warning. */
static bool
add_documents(struct tui_pager *p, struct vt_store *store, const char *thread_id)
{
	struct vt_document_filter f = { .thread = thread_id };
	struct vt_document_list list;

	if (vt_documents_list(store, &f, &list, NULL) != VT_OK)
		return true; /* a store that cannot say: the mail still shows */
	for (size_t i = list.count; i-- > 0;) {
		const struct vt_document *d = &list.items[i];
		char amount[160] = "-", *line = NULL;
		int n;

		if (d->has_total)
			vt_document_check_line(d, amount, sizeof amount);
		n = asprintf(&line, "$ %s%s%s: %s%s%s%s%s%s%s",
			     d->kind == MAIL_DOC_QUOTE    ? "Quote"
			     : d->kind == MAIL_DOC_BILL   ? "Bill"
			     : d->kind == MAIL_DOC_ORDER  ? "Order"
			     : d->kind == MAIL_DOC_CREDIT ? "Credit note"
							  : "Payment",
			     *d->ref ? " " : "", d->ref, amount, *d->due ? ", due " : "", d->due,
			     *d->valid_until ? ", valid until " : "", d->valid_until,
			     *d->note ? "; " : "", d->note);
		if (n < 0 || !add_line(p, *d->flag ? TUI_LINE_WARNING : TUI_LINE_NOTE, 0, line,
				       strlen(line))) {
			free(line);
			vt_document_list_clear(&list);
			return false;
		}
		free(line);
	}
	vt_document_list_clear(&list);
	return true;
}

vt_status
tui_pager_build(struct tui_pager *p, struct mail_db *db, struct vt_store *store,
		const char *thread_id, const struct vt_config *cfg, int width, struct vt_error *err)
{
	struct vt_suspect_list suspects = { 0 };
	struct pager_build b = { .p = p, .cfg = cfg };
	vt_status rc;

	bool brief = p->brief, fold_quotes = p->fold_quotes;

	tui_pager_clear(p);
	p->width = width;
	p->brief = brief;
	p->fold_quotes = fold_quotes;
	if ((p->thread_id = strdup(thread_id)) == NULL)
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	/* A store that cannot say is no reason not to show the mail. */
	if (store != NULL && vt_check_thread(store, thread_id, &suspects, NULL) == VT_OK &&
	    suspects.count > 0) {
		unsigned long messages = 0;
		char *query = NULL;

		/* which of several messages it is, above each; one message's
		 * reasons are the top lines already */
		if (asprintf(&query, "thread:%s", thread_id) >= 0 &&
		    mail_count(db, query, false, &messages, NULL) == VT_OK && messages > 1)
			b.suspects = &suspects;
		free(query);
		if (!add_warnings(p, 0, &suspects, NULL)) {
			vt_suspect_list_clear(&suspects);
			tui_pager_clear(p);
			return vt_fail(err, VT_ERR_NOMEM, "out of memory");
		}
	}
	if (store != NULL && !add_documents(p, store, thread_id)) {
		vt_suspect_list_clear(&suspects);
		tui_pager_clear(p);
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	}
	if (!tui_pager_add_tree(p, db, thread_id)) {
		vt_suspect_list_clear(&suspects);
		tui_pager_clear(p);
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	}
	rc = mail_thread_show(db, thread_id, add_message, &b, err);
	vt_suspect_list_clear(&suspects);
	p->cursor.count = (long)p->count;
	p->cursor.sel = p->cursor.top = 0;
	if (rc != VT_OK)
		tui_pager_clear(p);
	return rc;
}

long
tui_pager_message(const struct tui_pager *p, long from, int dir)
{
	/* a message starts after its separator (the first at line 0) */
	if (dir > 0) {
		for (long i = from + 1; i < (long)p->count; i++)
			if (p->lines[i - 1].kind == TUI_LINE_SEPARATOR)
				return i;
		return -1;
	}
	for (long i = from - 1; i > 0; i--)
		if (p->lines[i - 1].kind == TUI_LINE_SEPARATOR)
			return i;
	return from > 0 ? 0 : -1;
}

long
tui_pager_find(const struct tui_pager *p, const char *needle, long from, int dir)
{
	if (needle == NULL || *needle == '\0')
		return -1;
	for (long i = from; i >= 0 && i < (long)p->count; i += dir)
		if (strcasestr(p->lines[i].text, needle) != NULL)
			return i;
	return -1;
}

void
tui_pager_clear(struct tui_pager *p)
{
	for (size_t i = 0; i < p->count; i++)
		free(p->lines[i].text);
	free(p->lines);
	for (size_t i = 0; i < p->n_links; i++)
		free(p->links[i]);
	free(p->links);
	free(p->thread_id);
	free(p->vendor_org);
	memset(p, 0, sizeof *p);
}
