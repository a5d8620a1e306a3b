/*
 * Drawing: text that never breaks the screen, the frame of folders,
 * threads and vendor panes, and the pager (the help overlay: help.c).
 * Repaints the whole frame into curses' buffer and lets curses send only
 * the cells that changed (what matters over SSH).
 */
#include "config.h"

#include <curses.h>
#include <errno.h>
#include <locale.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

#include "private.h"

/* ---- text ---- */

/* Draws utf8 (already safe for the terminal) at y,x in at most width
 * columns: its first head_cols columns in head_attr, the rest in attr,
 * padding with spaces in pad_attr; wide characters never straddle the
 * edge. */
void
tui_put_text_spans(int y, int x, int width, const char *utf8, int head_cols, attr_t head_attr,
		   attr_t attr, attr_t pad_attr)
{
	mbstate_t ps = { 0 };
	const char *p = utf8 ? utf8 : "";
	size_t left = strlen(p);
	int used = 0;

	if (width <= 0)
		return;
	attrset(used < head_cols ? head_attr : attr);
	move(y, x);
	while (left > 0 && used < width) {
		wchar_t wc;
		size_t n = mbrtowc(&wc, p, left, &ps);
		int w;

		if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
			memset(&ps, 0, sizeof ps);
			wc = L'?';
			n = 1;
		}
		if ((w = tui_char_cols(&wc, used == 0)) < 0) {
			p += n;
			left -= n;
			continue;
		}
		if (used + w > width)
			break;
		addnwstr(&wc, 1);
		used += w;
		p += n;
		left -= n;
		if (used == head_cols)
			attrset(attr);
	}
	attrset(pad_attr);
	for (; used < width; used++)
		addch(' ');
	attrset(A_NORMAL);
}

void
tui_put_text(int y, int x, int width, const char *utf8, attr_t attr)
{
	tui_put_text_spans(y, x, width, utf8, 0, attr, attr, attr);
}

/* put_text of mail text that has not been sanitised yet. */
void
tui_put_mail_text_spans(int y, int x, int width, const char *untrusted, int head_cols,
			attr_t head_attr, attr_t attr, attr_t pad_attr)
{
	char *clean = mail_sanitize_str(untrusted);

	tui_put_text_spans(y, x, width, clean ? clean : "?", head_cols, head_attr, attr, pad_attr);
	free(clean);
}

void
tui_put_mail_text(int y, int x, int width, const char *untrusted, attr_t attr)
{
	tui_put_mail_text_spans(y, x, width, untrusted, 0, attr, attr, attr);
}

attr_t
tui_colour(struct tui *t, enum colour c, attr_t mono)
{
	return t->colours ? COLOR_PAIR(c) : mono;
}

void
tui_say(struct tui *t, bool error, const char *fmt, ...)
{
	va_list ap;
	char *raw = NULL, *clean;
	int n;

	va_start(ap, fmt);
	if ((n = vasprintf(&raw, fmt, ap)) < 0)
		raw = NULL;
	va_end(ap);
	/* Messages quote vendor names and mail text: sanitise them too, and
	 * cut a long one between characters */
	clean = n >= 0 ? mail_sanitize_str(raw) : NULL;
	n = clean ? (int)mail_utf8_prefix(clean, sizeof t->message - 1) : 0;
	snprintf(t->message, sizeof t->message, "%.*s", n, clean ? clean : "");
	free(clean);
	free(raw);
	t->message_is_error = error;
}

/* ---- drawing ---- */

const struct mail_thread *
tui_selected_thread(struct tui *t)
{
	struct vt_error err = { 0 };

	return tui_threads_get(&t->threads, *t->db, t->tcur.sel, &err);
}

char *
tui_vendor_slug_of(struct tui *t, const struct mail_thread *th)
{
	return th && th->vendor_org ? vt_vendor_slug_for_org(t->store, th->vendor_org) : NULL;
}

static void
draw_folders(struct tui *t)
{
	const struct tui_layout *l = &t->layout;
	bool focused = t->focus == FOCUS_FOLDERS && t->screen == SCREEN_MAIN;

	t->fcur.height = l->main_rows;
	t->fcur.count = (long)t->folders.count;
	tui_cursor_fix(&t->fcur);
	for (int row = 0; row < l->main_rows; row++) {
		long i = t->fcur.top + row;
		attr_t attr = A_NORMAL;
		char label[256];

		if (i >= (long)t->folders.count) {
			tui_put_text(l->main_top + row, 0, l->folders_w, "", A_NORMAL);
			continue;
		}
		/* a folder with unread mail stands out and says how much */
		if (t->folders.items[i].unread > 0)
			attr = A_BOLD;
		if (i == t->fcur.sel)
			attr = focused ? tui_colour(t, C_SELECTED, A_REVERSE) : A_BOLD;
		if (t->folders.items[i].unread > 0)
			snprintf(label, sizeof label, "%s%.200s (%ld)",
				 t->folders.items[i].kind == TUI_FOLDER_VENDOR ? "  " : "",
				 t->folders.items[i].label, t->folders.items[i].unread);
		else
			snprintf(label, sizeof label, "%s%s",
				 t->folders.items[i].kind == TUI_FOLDER_VENDOR ? "  " : "",
				 t->folders.items[i].label);
		tui_put_mail_text(l->main_top + row, 0, l->folders_w, label, attr);
	}
	for (int row = 0; row < l->main_rows; row++)
		tui_put_text(l->main_top + row, l->folders_w, 1, t->vline, A_NORMAL);
}

static void
draw_threads(struct tui *t)
{
	const struct tui_layout *l = &t->layout;
	bool focused = t->focus == FOCUS_THREADS;
	struct vt_error err = { 0 };

	t->tcur.height = l->main_rows;
	t->tcur.count = t->threads.tail_want > 0 ? t->threads.n_tail : t->threads.total;
	/* The first paint loads one screen; later loads two screens' worth
	 * around the selection, so j and k rarely wait. */
	t->threads.window = t->threads.cached == 0 && t->tcur.top == 0 ? l->main_rows + 1
								       : 2 * l->main_rows + 20;
	tui_cursor_fix(&t->tcur);
	for (int row = 0; row < l->main_rows; row++) {
		long i = t->tcur.top + row;
		const struct mail_thread *th = tui_threads_get(&t->threads, *t->db, i, &err);
		char line[1024];
		attr_t attr = A_NORMAL;

		if (th == NULL) {
			/* an error goes to the status line, not into the list */
			if (row == 0 && err.msg[0] != '\0') {
				if (!t->message_is_error) /* the search said it first */
					tui_say(t, true, "bad query: %s", err.msg);
				t->threads.total = 0;
			}
			tui_put_mail_text(l->main_top + row, l->threads_x, l->threads_w,
					  row == 0 && i == 0 ? "  (no mail here)" : "", A_NORMAL);
			continue;
		}
		tui_thread_row(t, th, line, sizeof line);
		for (size_t k = 0; k < th->n_tags; k++)
			if (strcmp(th->tags[k], "unread") == 0)
				attr = A_BOLD;
		if (i != t->tcur.sel) {
			tui_put_mail_text(l->main_top + row, l->threads_x, l->threads_w, line,
					  attr);
			tui_draw_amount(t, th, l->main_top + row);
		} else if (t->layout_prefs.highlight_row) {
			tui_put_mail_text(l->main_top + row, l->threads_x, l->threads_w, line,
					  focused ? tui_colour(t, C_SELECTED, A_REVERSE)
						  : A_REVERSE);
		} else {
			/* The cursor covers the authors and the subject, up to
			 * the text's end: moving it rewrites that much of two
			 * rows, not two full widths, each key over SSH. */
			tui_put_mail_text_spans(l->main_top + row, l->threads_x, l->threads_w, line,
						tui_row_authors_x(l), attr,
						focused ? tui_colour(t, C_SELECTED, A_REVERSE)
							: A_REVERSE,
						A_NORMAL);
		}
	}
	/* The count of a big folder comes after the first paint. */
	if (t->threads.total < 0 && t->threads.at_end && t->threads.tail_want == 0)
		t->threads.total = t->threads.offset + (long)t->threads.cached;
}

/* Pane i of tui_pane_kinds, rows lines tall from line y. */
static void
draw_pane(struct tui *t, int i, int y, int rows, const char *title)
{
	const struct tui_layout *l = &t->layout;
	const struct tui_pane_rows *r = &t->panes.rows[i];
	struct tui_cursor *c = &t->pane_cur[i];
	bool focused = t->focus == (enum focus)(FOCUS_PANE + i);
	char head[340];

	/* what the pane lists: a year's sums are no quote or bill */
	snprintf(head, sizeof head, " %.300s (%zu)", title, r->count - r->summaries);
	/* a title's colour ends with its text: no coloured blanks to send */
	tui_put_mail_text_spans(y, l->panes_x, l->panes_w, head, 0, A_NORMAL,
				focused ? tui_colour(t, C_SELECTED, A_REVERSE)
					: tui_colour(t, C_TITLE, A_BOLD | A_UNDERLINE),
				focused ? tui_colour(t, C_SELECTED, A_REVERSE) : A_NORMAL);
	c->height = rows - 1;
	c->count = (long)r->count;
	tui_cursor_fix(c);
	for (int row = 0; row < rows - 1; row++) {
		long k = c->top + row;
		const char *line = k < c->count ? r->items[k].text : k == 0 ? "  -" : "";

		tui_put_mail_text(y + 1 + row, l->panes_x, l->panes_w, line,
				  focused && k == c->sel && k < c->count ? A_REVERSE : A_NORMAL);
	}
}

/* The panes of tui_pane_kinds stacked, sharing the height; the first
 * names the vendor and its bucket. */
static void
draw_panes(struct tui *t)
{
	const struct tui_layout *l = &t->layout;
	int rows = l->main_rows, each = rows / TUI_PANES, y = l->main_top;
	char title[300];

	if (l->panes_w == 0)
		return;
	if (!l->panes_overlay)
		for (int row = 0; row < rows; row++)
			tui_put_text(l->main_top + row, l->panes_x - 1, 1, t->vline, A_NORMAL);
	if (t->panes.slug == NULL) {
		for (int row = 0; row < rows; row++)
			tui_put_text(l->main_top + row, l->panes_x, l->panes_w,
				     row > 0            ? ""
				     : t->panes_pending ? " ..."
							: " No vendor: not vendor mail",
				     A_NORMAL);
		return;
	}
	/* While the selection's panes wait to load, the last ones stay under
	 * a title that names no vendor: blanking them first would send every
	 * pane cell twice per key over SSH. */
	for (int i = 0; i < TUI_PANES; i++) {
		int h = i + 1 < TUI_PANES ? each : rows - each * (TUI_PANES - 1);

		if (i == 0 && t->panes_pending)
			snprintf(title, sizeof title, "%s: ...", tui_pane_kinds[i].title);
		else if (i == 0)
			snprintf(title, sizeof title, "%s:%s %s [%s]", tui_pane_kinds[i].title,
				 t->panes.rows[i].note, t->panes.vendor.name,
				 vt_bucket_name(t->panes.vendor.bucket));
		else
			snprintf(title, sizeof title, "%s", tui_pane_kinds[i].title);
		draw_pane(t, i, y, h, title);
		y += h;
	}
}

static void
draw_pager(struct tui *t)
{
	const struct tui_layout *l = &t->layout;
	struct tui_cursor *c = &t->pager.cursor;
	int rows = l->main_rows;

	c->height = rows;
	c->count = (long)t->pager.count;
	for (int row = 0; row < rows; row++) {
		long i = c->top + row;
		const struct tui_line *line = i < (long)t->pager.count ? &t->pager.lines[i] : NULL;
		attr_t attr = A_NORMAL;
		int indent;

		if (line == NULL) {
			tui_put_text(l->main_top + row, 0, COLS, "", A_NORMAL);
			continue;
		}
		switch (line->kind) {
		case TUI_LINE_HEADER:
			attr = tui_colour(t, C_HEADER, A_BOLD);
			break;
		case TUI_LINE_TREE:
			attr = tui_colour(t, C_TITLE, A_NORMAL);
			break;
		case TUI_LINE_SUBJECT:
			attr = tui_colour(t, C_HEADER, A_BOLD) | A_BOLD;
			break;
		case TUI_LINE_QUOTED:
		case TUI_LINE_SIGNATURE:
			attr = tui_colour(t, C_DIM, A_DIM);
			break;
		case TUI_LINE_ATTACHMENT:
			attr = tui_colour(t, C_MARK, A_UNDERLINE);
			break;
		case TUI_LINE_NOTE:
			attr = tui_colour(t, C_ERROR, A_BOLD);
			break;
		case TUI_LINE_WARNING:
			attr = tui_colour(t, C_ERROR, A_BOLD) | A_REVERSE;
			break;
		default:
			break;
		}
		indent = tui_pager_indent(line->indent, COLS);
		tui_put_text(l->main_top + row, 0, indent, "", A_NORMAL);
		tui_put_text(l->main_top + row, indent, COLS - indent,
			     line->kind == TUI_LINE_SEPARATOR ? "----" : line->text, attr);
	}
}

void
tui_draw(struct tui *t)
{
	char bar[512], count[64];

	tui_layout_compute(COLS, LINES, t->panes_wanted, &t->layout_prefs, &t->layout);
	erase();
	snprintf(bar, sizeof bar, " vtriage  %s%s%s      ?:help  q:back  ,t:promote  ,u:undo",
		 t->folder_label ? t->folder_label : "",
		 t->screen == SCREEN_PAGER    ? "  > thread"
		 : t->screen == SCREEN_HELP   ? "  > help"
		 : t->screen == SCREEN_ATTACH ? "  > attachments"
		 : t->screen == SCREEN_LINKS  ? "  > links"
					      : "",
		 t->renewals);
	tui_put_mail_text(0, 0, COLS, bar, tui_colour(t, C_BAR, A_REVERSE));
	if (t->screen == SCREEN_MAIN) {
		if (t->layout.folders_w > 0)
			draw_folders(t);
		draw_threads(t);
		if (t->layout.panes_w > 0) {
			char *slug = tui_vendor_slug_of(t, tui_selected_thread(t));

			/* Moving through threads of many vendors must not wait
			 * for each one's panes: they load when the keys pause. */
			t->panes_pending =
				!((slug == NULL && t->panes.slug == NULL) ||
				  (slug && t->panes.slug && strcmp(slug, t->panes.slug) == 0));
			free(slug);
			draw_panes(t);
		}
	} else if (t->screen == SCREEN_PAGER) {
		draw_pager(t);
	} else if (t->screen == SCREEN_ATTACH) {
		tui_attachments_draw(t);
	} else if (t->screen == SCREEN_LINKS) {
		tui_links_draw(t);
	} else {
		tui_draw_help(t);
	}
	if (t->screen == SCREEN_PAGER)
		snprintf(count, sizeof count, "line %ld/%zu", t->pager.cursor.top + 1,
			 t->pager.count);
	else if (t->screen == SCREEN_HELP)
		snprintf(count, sizeof count, "line %ld/%zu", t->help_cur.top + 1, t->n_help);
	else if (t->screen == SCREEN_ATTACH)
		snprintf(count, sizeof count, "%ld/%zu", t->attach_cur.sel + 1,
			 t->attachments.count);
	else if (t->screen == SCREEN_LINKS)
		snprintf(count, sizeof count, "%ld/%zu", t->links_cur.sel + 1, t->pager.n_links);
	else
		tui_threads_where(&t->threads, t->tcur.sel, count, sizeof count);
	snprintf(bar, sizeof bar, " %s  [%s]%s%s  %s%s%s", count,
		 t->folder_query ? t->folder_query : "",
		 t->threads.sort == TUI_SORT_DATE ? "" : " by ",
		 t->threads.sort == TUI_SORT_DATE ? "" : tui_sort_name(t->threads.sort),
		 t->n_pending ? "keys: " : "", t->n_pending ? ",  " : "", t->sync.status);
	tui_put_mail_text(LINES - 2, 0, COLS, bar, tui_colour(t, C_BAR, A_REVERSE));
	tui_put_text(LINES - 1, 0, COLS, t->message,
		     t->message_is_error ? tui_colour(t, C_ERROR, A_BOLD) : A_NORMAL);
	refresh();
}
