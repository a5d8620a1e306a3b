/* Moving around: cursors, folders, threads, the pager, focus, and the
 * dispatch of a key's action. */
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

/* ---- navigation ---- */

static struct tui_cursor *
focused_cursor(struct tui *t)
{
	if (t->screen == SCREEN_ATTACH)
		return &t->attach_cur;
	if (t->screen == SCREEN_LINKS)
		return &t->links_cur;
	switch (t->focus) {
	case FOCUS_FOLDERS:
		return &t->fcur;
	case FOCUS_THREADS:
		return &t->tcur;
	default:
		return &t->pane_cur[t->focus - FOCUS_PANE];
	}
}

void
tui_open_folder(struct tui *t, long i)
{
	if (i < 0 || i >= (long)t->folders.count)
		return;
	t->fcur.sel = i;
	t->searching = false;
	tui_open_query(t, t->folders.items[i].query, t->folders.items[i].label);
}

void
tui_open_thread(struct tui *t)
{
	const struct mail_thread *th = tui_selected_thread(t);

	if (th == NULL) {
		tui_say(t, true, "no thread selected");
		return;
	}
	tui_open_thread_id(t, th->thread_id, th->vendor_org);
	if (t->screen == SCREEN_PAGER)
		tui_act_mark_read_on_open(t);
}

void
tui_open_thread_id(struct tui *t, const char *thread_id, const char *vendor_org)
{
	struct vt_error err = { 0 };
	char *org = vendor_org ? strdup(vendor_org) : NULL;

	if (tui_pager_build(&t->pager, *t->db, t->store, thread_id, t->cfg, COLS, &err) != VT_OK) {
		tui_say(t, true, "%s", err.msg);
		free(org);
		return;
	}
	t->pager.vendor_org = org;
	t->screen = SCREEN_PAGER;
	t->message[0] = '\0';
}

void
tui_open_pane_row(struct tui *t, int pane)
{
	const struct tui_pane_rows *rows = &t->panes.rows[pane];
	long sel = t->pane_cur[pane].sel;
	const char *ref = sel >= 0 && sel < (long)rows->count ? rows->items[sel].ref : NULL;
	char *query = NULL, *quoted = NULL;

	if (ref == NULL) {
		tui_say(t, false, "nothing to open on this line");
		return;
	}
	if (pane == TUI_PANE_DOCUMENTS) { /* a quote or bill: its thread */
		tui_open_thread_id(t, ref,
				   t->panes.vendor.n_domains ? t->panes.vendor.domains[0] : NULL);
		return;
	}
	if (pane != TUI_PANE_HISTORY && pane != TUI_PANE_ISSUES && strchr(ref, '@') == NULL) {
		tui_say(t, false, "%.80s has no address to list mail of", ref);
		return;
	}
	if (pane == TUI_PANE_HISTORY) { /* a query already (panes.c) */
		query = strdup(ref);
	} else if (pane == TUI_PANE_ISSUES) { /* an issue's number */
		if (asprintf(&query, "issue:%s", ref) < 0)
			query = NULL;
	} else if ((quoted = mail_query_quote(ref)) != NULL) { /* a contact's address */
		if (asprintf(&query, "from:%s or to:%s", quoted, quoted) < 0)
			query = NULL;
	}
	if (query != NULL && t->layout.panes_overlay) {
		/* on a narrow screen the panes cover the list the search
		 * fills: they step aside (P brings them back) */
		t->panes_wanted = false;
		tui_layout_compute(COLS, LINES, false, &t->layout_prefs, &t->layout);
	}
	if (query != NULL)
		tui_run_search(t, query);
	free(quoted);
	free(query);
}

/* A text view (the pager, the help) scrolls: its top line moves. */
static void
scroll_view(struct tui *t, struct tui_cursor *c, long count, long delta)
{
	long max = count - t->layout.main_rows;

	c->top += delta;
	if (c->top > max)
		c->top = max;
	if (c->top < 0)
		c->top = 0;
}

void
tui_find_next(struct tui *t, int dir)
{
	if (t->search == NULL) {
		tui_say(t, true, "no search yet (/)");
		return;
	}
	if (t->screen == SCREEN_PAGER) {
		long at = tui_pager_find(&t->pager, t->search, t->pager.cursor.top + dir, dir);

		if (at < 0)
			tui_say(t, true, "not found: %s", t->search);
		else
			t->pager.cursor.top = at;
		return;
	}
	tui_cursor_move(&t->tcur, dir);
}

void
tui_counted(struct tui *t)
{
	long n = t->threads.total;

	if (t->count_say)
		tui_say(t, false, "%ld thread%s", n, n == 1 ? "" : "s");
	t->count_say = false;
	if (t->threads.tail_want > 0) {
		/* the tail's place is known: the same threads, counted from
		 * the top now */
		long base = tui_threads_tail_end(&t->threads);

		t->tcur.count = n;
		t->tcur.top += base;
		tui_cursor_set(&t->tcur, t->tcur.sel + base);
	}
	if (t->bottom_pending) {
		t->tcur.count = n;
		tui_cursor_set(&t->tcur, n > 0 ? n - 1 : 0);
	}
	t->bottom_pending = false;
}

/* The last threads before the count ends, read from the oldest mail up;
 * false when even that failed (said). */
static bool
show_tail(struct tui *t, long want)
{
	struct vt_error err = { 0 };
	long had = t->threads.tail_want > 0 ? t->threads.n_tail : 0;

	if (tui_threads_tail(&t->threads, *t->db, want, &err) != VT_OK) {
		tui_say(t, true, "%s", err.msg);
		return false;
	}
	if (t->threads.total >= 0) {
		/* reading the tail read them all */
		tui_counted(t);
		return true;
	}
	t->need_count = true;
	t->tcur.count = t->threads.n_tail;
	if (had > 0) {
		/* the threads added above keep the ones shown where they were */
		t->tcur.top += t->threads.n_tail - had;
		t->tcur.sel += t->threads.n_tail - had;
	} else {
		t->tcur.top = t->tcur.sel = 0;
	}
	return true;
}

/* Threads a load of the tail adds: a screen and more, doubling as k and
 * PageUp climb. */
static long
tail_want(const struct tui *t, long above)
{
	long want = t->threads.tail_want > 0 ? t->threads.tail_want * 2
					     : 2 * (long)t->layout.main_rows + 20;

	while (want < t->threads.n_tail + above)
		want *= 2;
	return want;
}

void
tui_move_by(struct tui *t, enum km_action a)
{
	struct tui_cursor *c = focused_cursor(t);
	long page = t->layout.main_rows > 1 ? t->layout.main_rows - 1 : 1;

	if (t->screen == SCREEN_PAGER || t->screen == SCREEN_HELP) {
		struct tui_cursor *view =
			t->screen == SCREEN_PAGER ? &t->pager.cursor : &t->help_cur;
		long count = t->screen == SCREEN_PAGER ? (long)t->pager.count : (long)t->n_help;

		switch (a) {
		case KM_UP:
			scroll_view(t, view, count, -1);
			break;
		case KM_DOWN:
			scroll_view(t, view, count, 1);
			break;
		case KM_PAGE_UP:
			scroll_view(t, view, count, -page);
			break;
		case KM_PAGE_DOWN:
			scroll_view(t, view, count, page);
			break;
		case KM_HALF_UP:
			scroll_view(t, view, count, -page / 2);
			break;
		case KM_HALF_DOWN:
			scroll_view(t, view, count, page / 2);
			break;
		case KM_TOP:
			view->top = 0;
			break;
		case KM_BOTTOM:
			scroll_view(t, view, count, count);
			break;
		default:
			break;
		}
		return;
	}
	if (c == &t->tcur)
		t->bottom_pending = false; /* another move wins over a G waiting */
	if (c == &t->tcur && t->threads.tail_want > 0) {
		long up = a == KM_UP ? 1 : a == KM_PAGE_UP ? page : a == KM_HALF_UP ? page / 2 : 0;

		if (a == KM_TOP) {
			/* the top is where it always is */
			tui_threads_tail_end(&t->threads);
			c->count = -1;
			c->top = 0;
		} else if (up > c->sel && !show_tail(t, tail_want(t, up - c->sel))) {
			return;
		}
	}
	switch (a) {
	case KM_UP:
		tui_cursor_move(c, -1);
		break;
	case KM_DOWN:
		tui_cursor_move(c, 1);
		break;
	case KM_PAGE_UP:
		tui_cursor_move(c, -page);
		break;
	case KM_PAGE_DOWN:
		tui_cursor_move(c, page);
		break;
	case KM_HALF_UP:
		tui_cursor_move(c, -page / 2);
		break;
	case KM_HALF_DOWN:
		tui_cursor_move(c, page / 2);
		break;
	case KM_TOP:
		tui_cursor_set(c, 0);
		break;
	case KM_BOTTOM:
		if (c == &t->tcur && t->threads.total < 0 && t->threads.tail_want == 0 &&
		    (t->threads.sort != TUI_SORT_DATE || !show_tail(t, tail_want(t, 0)))) {
			struct vt_error err = { 0 };

			/* Not newest first (or the tail failed): as much of
			 * the count as fits a keystroke; a big folder's goes
			 * on between keys, and G lands when it is done. Newest
			 * first, the end was read from the oldest mail up. */
			if (tui_threads_count(&t->threads, *t->db, TUI_BOTTOM_NOW, &err) != VT_OK)
				tui_say(t, true, "%s", err.msg);
			else if (t->threads.total < 0) {
				t->bottom_pending = true;
				t->need_count = true;
				tui_say(t, false,
					"counting the threads: G goes to the last when done");
				return;
			}
		}
		if (c == &t->tcur)
			c->count = t->threads.total >= 0 ? t->threads.total : t->threads.n_tail;
		tui_cursor_set(c, c->count > 0 ? c->count - 1 : 0);
		break;
	default:
		break;
	}
	/* The folder under the cursor is the folder shown. */
	if (c == &t->fcur)
		tui_open_folder(t, t->fcur.sel);
}

void
tui_cycle_focus(struct tui *t, int dir)
{
	int n = t->layout.panes_w > 0 ? FOCUS_COUNT : FOCUS_PANE;
	int f = (int)t->focus;

	do {
		f = (f + dir + FOCUS_COUNT) % FOCUS_COUNT;
	} while (f >= n || (f == FOCUS_FOLDERS && t->layout.folders_w == 0));
	t->focus = (enum focus)f;
}
