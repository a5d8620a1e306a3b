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
	case FOCUS_FOLDERS: return &t->fcur;
	case FOCUS_THREADS: return &t->tcur;
	default: return &t->pane_cur[t->focus - FOCUS_PANE];
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
	if (t->bottom_pending) {
		t->tcur.count = n;
		tui_cursor_set(&t->tcur, n > 0 ? n - 1 : 0);
	}
	t->bottom_pending = false;
}

void
tui_move_by(struct tui *t, enum km_action a)
{
	struct tui_cursor *c = focused_cursor(t);
	long page = t->layout.main_rows > 1 ? t->layout.main_rows - 1 : 1;

	if (t->screen == SCREEN_PAGER || t->screen == SCREEN_HELP) {
		struct tui_cursor *view = t->screen == SCREEN_PAGER ? &t->pager.cursor : &t->help_cur;
		long count = t->screen == SCREEN_PAGER ? (long)t->pager.count : (long)t->n_help;

		switch (a) {
		case KM_UP: scroll_view(t, view, count, -1); break;
		case KM_DOWN: scroll_view(t, view, count, 1); break;
		case KM_PAGE_UP: scroll_view(t, view, count, -page); break;
		case KM_PAGE_DOWN: scroll_view(t, view, count, page); break;
		case KM_HALF_UP: scroll_view(t, view, count, -page / 2); break;
		case KM_HALF_DOWN: scroll_view(t, view, count, page / 2); break;
		case KM_TOP: view->top = 0; break;
		case KM_BOTTOM: scroll_view(t, view, count, count); break;
		default: break;
		}
		return;
	}
	if (c == &t->tcur)
		t->bottom_pending = false; /* another move wins over a G waiting */
	switch (a) {
	case KM_UP: tui_cursor_move(c, -1); break;
	case KM_DOWN: tui_cursor_move(c, 1); break;
	case KM_PAGE_UP: tui_cursor_move(c, -page); break;
	case KM_PAGE_DOWN: tui_cursor_move(c, page); break;
	case KM_HALF_UP: tui_cursor_move(c, -page / 2); break;
	case KM_HALF_DOWN: tui_cursor_move(c, page / 2); break;
	case KM_TOP: tui_cursor_set(c, 0); break;
	case KM_BOTTOM:
		if (c == &t->tcur && t->threads.total < 0) {
			struct vt_error err = { 0 };

			/* as much as fits a keystroke; a big folder's count goes
			 * on between keys, and G lands when it is done */
			if (tui_threads_count(&t->threads, *t->db, TUI_BOTTOM_NOW, &err) != VT_OK)
				tui_say(t, true, "%s", err.msg);
			else if (t->threads.total < 0) {
				t->bottom_pending = true;
				t->need_count = true;
				tui_say(t, false, "counting the threads: G goes to the last when done");
				return;
			}
			c->count = t->threads.total;
		}
		tui_cursor_set(c, c->count > 0 ? c->count - 1 : 0);
		break;
	default: break;
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
