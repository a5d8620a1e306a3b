/*
 * The mouse, when [ui] mouse = yes (off by default: a terminal that
 * reports clicks no longer selects text for copying): a click selects a
 * folder, a thread or a pane's row (a second click on the same thread
 * opens it), the wheel moves through the list or scrolls the pager.
 */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "private.h"

#define WHEEL_LINES 3

void
tui_mouse_start(struct tui *t)
{
	if (t->cfg == NULL || !t->cfg->ui_mouse)
		return;
	mousemask(BUTTON1_PRESSED | BUTTON1_CLICKED | BUTTON1_DOUBLE_CLICKED | BUTTON4_PRESSED
#ifdef BUTTON5_PRESSED
			  | BUTTON5_PRESSED
#endif
		  ,
		  NULL);
	mouseinterval(0); /* clicks at once: no wait for a double click */
}

static void
wheel(struct tui *t, int dir)
{
	for (int i = 0; i < WHEEL_LINES; i++)
		tui_handle(t, dir < 0 ? KM_UP : KM_DOWN);
}

void
tui_mouse_event(struct tui *t)
{
	const struct tui_layout *l = &t->layout;
	MEVENT ev;
	int row;

	if (getmouse(&ev) != OK)
		return;
	if (ev.bstate & BUTTON4_PRESSED) {
		wheel(t, -1);
		return;
	}
#ifdef BUTTON5_PRESSED
	if (ev.bstate & BUTTON5_PRESSED) {
		wheel(t, 1);
		return;
	}
#endif
	if (!(ev.bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED | BUTTON1_DOUBLE_CLICKED)))
		return;
	row = ev.y - l->main_top;
	if (row < 0 || row >= l->main_rows)
		return;
	if (t->screen == SCREEN_ATTACH || t->screen == SCREEN_LINKS) {
		struct tui_cursor *c = t->screen == SCREEN_ATTACH ? &t->attach_cur : &t->links_cur;

		if (row > 0) /* the first row is the list's title */
			tui_cursor_set(c, c->top + row - 1);
		return;
	}
	if (t->screen != SCREEN_MAIN)
		return;
	if (l->folders_w > 0 && ev.x < l->folders_w) {
		t->focus = FOCUS_FOLDERS;
		if (t->fcur.top + row < (long)t->folders.count) {
			tui_cursor_set(&t->fcur, t->fcur.top + row);
			tui_open_folder(t, t->fcur.sel);
		}
		return;
	}
	if (!l->panes_overlay && ev.x >= l->threads_x && ev.x < l->threads_x + l->threads_w) {
		long i = t->tcur.top + row;
		bool again = t->focus == FOCUS_THREADS && i == t->tcur.sel;

		t->focus = FOCUS_THREADS;
		if (t->threads.total >= 0 && i >= t->threads.total)
			return;
		tui_cursor_set(&t->tcur, i);
		/* a click on the selected thread, or a double click, opens it */
		if (again || (ev.bstate & BUTTON1_DOUBLE_CLICKED))
			tui_handle(t, KM_OPEN);
	}
}
