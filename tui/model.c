/* The TUI's state: see model.h. */
#include "config.h"

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "model.h"

/* ---- cursor ---- */

void
tui_cursor_fix(struct tui_cursor *c)
{
	int h = c->height > 0 ? c->height : 1;

	if (c->count >= 0 && c->sel >= c->count)
		c->sel = c->count - 1;
	if (c->sel < 0)
		c->sel = 0;
	if (c->sel < c->top)
		c->top = c->sel;
	if (c->sel >= c->top + h)
		c->top = c->sel - h + 1;
	/* no empty space below the last item when there are enough to fill */
	if (c->count >= 0 && c->top > 0 && c->top + h > c->count)
		c->top = c->count > h ? c->count - h : 0;
	if (c->top < 0)
		c->top = 0;
}

void
tui_cursor_move(struct tui_cursor *c, long delta)
{
	c->sel += delta;
	tui_cursor_fix(c);
}

void
tui_cursor_set(struct tui_cursor *c, long index)
{
	c->sel = index;
	tui_cursor_fix(c);
}

/* ---- threads ---- */

static void
drop_cache(struct tui_threads *t)
{
	for (size_t i = 0; i < t->cached; i++)
		mail_thread_clear(&t->cache[i]);
	t->cached = 0;
	t->offset = 0;
	t->at_end = false;
}

static void
drop_order(struct tui_threads *t)
{
	for (size_t i = 0; i < t->n_order; i++)
		free(t->order[i]);
	free(t->order);
	t->order = NULL;
	t->n_order = 0;
}

void
tui_threads_sort(struct tui_threads *t, enum tui_sort sort)
{
	tui_threads_tail_end(t);
	drop_cache(t);
	drop_order(t);
	t->sort = sort;
	t->total = -1;
}

vt_status
tui_threads_open(struct tui_threads *t, struct vt_store *s, const char *query, struct vt_error *err)
{
	char *nm = NULL, *copy;
	vt_status rc;

	if ((rc = vt_query_translate(s, query, &nm, err)) != VT_OK)
		return rc;
	if ((copy = strdup(query)) == NULL) {
		free(nm);
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	}
	tui_threads_close(t);
	t->sort = TUI_SORT_DATE;
	t->query = copy;
	t->nm_query = nm;
	t->store = s;
	t->total = -1;
	return VT_OK;
}

vt_status
tui_threads_load_marks(struct tui_threads *t, struct vt_store *s, struct vt_error *err)
{
	struct vt_thread_marks marks;
	vt_status rc = vt_thread_marks_load(s, VT_MARKS_ALL, &marks, err);

	if (rc == VT_OK) {
		vt_thread_marks_clear(&t->marks);
		t->marks = marks;
		/* a Waiting folder opens sorted by age before the marks
		 * are read (idle, after the first paint): its order, by
		 * since when each thread waits, is made again by them (a
		 * few threads, those waiting) */
		if (t->order != NULL && t->sort == TUI_SORT_AGE) {
			drop_cache(t);
			drop_order(t);
			t->total = -1;
		}
	}
	return rc;
}

static vt_status
keep_thread(void *ctx, const struct mail_thread *th, struct vt_error *err)
{
	struct tui_threads *t = ctx;

	if (t->cached >= TUI_THREAD_WINDOW)
		return VT_OK;

	if (mail_thread_copy(th, &t->cache[t->cached], err) != VT_OK)
		return err ? err->status : VT_ERR_NOMEM;
	t->cached++;
	return VT_OK;
}

/* Reads where threads are until `want` are placed (or all are), at most
 * `messages` messages. */
static vt_status
place(struct tui_threads *t, struct mail_db *db, long want, long messages, struct vt_error *err)
{
	vt_status rc = VT_OK;

	if (t->placed == NULL &&
	    (rc = mail_thread_order_start(db, t->nm_query, &t->placed, err)) != VT_OK)
		return rc;
	while (rc == VT_OK && messages > 0 && !mail_thread_order_done(t->placed) &&
	       mail_thread_order_count(t->placed) < want) {
		long slice = messages < 2048 ? messages : 2048;

		rc = mail_thread_order_step(t->placed, slice, err);
		messages -= slice;
	}
	if (rc == VT_OK && mail_thread_order_done(t->placed))
		t->total = mail_thread_order_count(t->placed);
	return rc;
}

const struct mail_thread *
tui_threads_get(struct tui_threads *t, struct mail_db *db, long index, struct vt_error *err)
{
	long start, window = t->window > 0 && t->window < TUI_THREAD_WINDOW ? t->window
									    : TUI_THREAD_WINDOW;

	if (t->tail_want > 0)
		return tui_threads_tail_get(t, db, index, err);
	if (t->sort != TUI_SORT_DATE && t->order == NULL && t->nm_query != NULL &&
	    tui_threads_make_order(t, db, err) != VT_OK)
		return NULL;
	if (index < 0 || t->nm_query == NULL || (t->total >= 0 && index >= t->total))
		return NULL;
	if (index >= t->offset && index < t->offset + (long)t->cached)
		return &t->cache[index - t->offset];
	if (t->at_end && index >= t->offset + (long)t->cached && index >= t->offset)
		return NULL;
	/* Centre the window on the wanted thread: j and k both stay cheap. */
	start = index - window / 2;
	if (start < 0)
		start = 0;
	drop_cache(t);
	t->offset = start;
	if (t->sort != TUI_SORT_DATE) {
		/* thread by thread, in the order made */
		for (long k = start; k < start + window && k < (long)t->n_order; k++) {
			char *q = NULL;
			vt_status rc;

			if (asprintf(&q, "thread:%s", t->order[k]) < 0) {
				vt_fail(err, VT_ERR_NOMEM, "out of memory");
				drop_cache(t);
				return NULL;
			}
			rc = mail_search_threads(db, q, 0, 1, keep_thread, t, err);
			free(q);
			if (rc != VT_OK) {
				drop_cache(t);
				return NULL;
			}
			/* a thread gone since (merged, deleted): the order
			 * is made again at the next look */
			if (t->cached < (size_t)(k - start + 1)) {
				drop_cache(t);
				drop_order(t);
				t->total = -1;
				return NULL;
			}
		}
		t->at_end = start + (long)t->cached >= (long)t->n_order;
		return index < t->offset + (long)t->cached ? &t->cache[index - t->offset] : NULL;
	}
	/* The first window straight from notmuch (a vendor's through the
	 * store); the others by their places (notmuch would skip an offset
	 * message by message). */
	if (start == 0 ? vt_search_threads(t->store, db, t->query, t->nm_query, 0, window,
					   keep_thread, t, err) != VT_OK
		       : place(t, db, start + window, LONG_MAX, err) != VT_OK ||
				 mail_thread_order_emit(t->placed, start, window, keep_thread, t,
							err) != VT_OK) {
		drop_cache(t);
		return NULL;
	}
	if (start > 0 && t->cached < (size_t)(mail_thread_order_count(t->placed) - start < window
						      ? mail_thread_order_count(t->placed) - start
						      : window)) {
		/* a thread gone since: placed again at the next look */
		drop_cache(t);
		tui_threads_release_db(t);
		t->total = -1;
		return NULL;
	}
	t->at_end = t->cached < (size_t)window;
	if (t->at_end && t->total < 0)
		t->total = start + (long)t->cached;
	if (index < t->offset + (long)t->cached)
		return &t->cache[index - t->offset];
	return NULL;
}

const char *
tui_threads_loaded_id(const struct tui_threads *t, long index)
{
	/* (the tail, G before the count, is placed again from its end) */
	if (t->tail_want > 0 || index < t->offset || index >= t->offset + (long)t->cached)
		return NULL;
	return t->cache[index - t->offset].thread_id;
}

long
tui_threads_find_near(struct tui_threads *t, struct mail_db *db, const char *id, long near,
		      struct vt_error *err)
{
	if (id == NULL || t->tail_want > 0)
		return -1;
	/* past the list's new end: the first window (a thread near the
	 * old end is not looked for; its row is kept) */
	if (tui_threads_get(t, db, near, err) == NULL && t->cached == 0 &&
	    tui_threads_get(t, db, 0, err) == NULL)
		return -1;
	for (size_t i = 0; i < t->cached; i++)
		if (t->cache[i].thread_id != NULL && strcmp(t->cache[i].thread_id, id) == 0)
			return t->offset + (long)i;
	return -1;
}

vt_status
tui_threads_count(struct tui_threads *t, struct mail_db *db, long messages, struct vt_error *err)
{
	vt_status rc;

	if (t->nm_query == NULL)
		return VT_OK;
	if (t->sort != TUI_SORT_DATE) {
		if (t->order == NULL && (rc = tui_threads_make_order(t, db, err)) != VT_OK)
			return rc;
		t->total = (long)t->n_order;
		return VT_OK;
	}
	return place(t, db, LONG_MAX, messages, err);
}

void
tui_threads_release_db(struct tui_threads *t)
{
	mail_thread_order_free(t->placed);
	t->placed = NULL;
}

void
tui_threads_invalidate(struct tui_threads *t)
{
	tui_threads_tail_drop(t);
	drop_cache(t);
	drop_order(t);
	tui_threads_release_db(t);
	t->total = -1;
}

void
tui_threads_close(struct tui_threads *t)
{
	tui_threads_tail_end(t);
	drop_cache(t);
	drop_order(t);
	tui_threads_release_db(t);
	free(t->query);
	free(t->nm_query);
	vt_thread_marks_clear(&t->marks);
	t->query = t->nm_query = NULL;
	t->total = -1;
}

/* ---- layout ---- */

/* From this width the panes sit beside the list (and show by default). */
#define WIDE 120
/* From this width the folder list shows unless hidden. */
#define FOLDERS_BY_DEFAULT 150
/* The panes' width at least, and at most this part of the screen. */
#define PANES_W 40
#define PANES_SHARE 3
/* A thread list this wide gets the wide columns. */
#define WIDE_COLUMNS 110

bool
tui_layout_panes_by_default(int cols)
{
	return cols >= WIDE;
}

static int
chosen(int pref, int automatic)
{
	return pref >= 0 ? pref : automatic;
}

void
tui_layout_compute(int cols, int lines, bool panes_wanted, const struct tui_layout_prefs *prefs,
		   struct tui_layout *out)
{
	static const struct tui_layout_prefs automatic = TUI_LAYOUT_AUTO;
	bool folders, wide;

	if (prefs == NULL)
		prefs = &automatic;
	memset(out, 0, sizeof *out);
	out->main_top = 1;
	out->main_rows = lines > 4 ? lines - 3 : 1;
	folders =
		prefs->folders >= 0 ? prefs->folders > 0 && cols >= 60 : cols >= FOLDERS_BY_DEFAULT;
	out->folders_w = folders ? (cols >= 100 ? 26 : 20) : 0;
	out->threads_x = out->folders_w ? out->folders_w + 1 : 0;
	out->threads_w = cols - out->threads_x;
	if (panes_wanted && cols >= 40) {
		if (cols >= WIDE) {
			/* the list keeps its wide columns; the panes (history
			 * lines, contacts' titles, issues' titles, whose ends 40
			 * columns cut) take what a wide screen has beyond */
			int spare = out->threads_w - 1 - WIDE_COLUMNS;

			out->panes_w = spare > cols / PANES_SHARE ? cols / PANES_SHARE
				       : spare > PANES_W          ? spare
								  : PANES_W;
			out->threads_w -= out->panes_w + 1;
			out->panes_x = cols - out->panes_w;
		} else {
			/* too narrow to share: the panes take the main area */
			out->panes_overlay = true;
			out->panes_w = cols;
			out->panes_x = 0;
		}
	}
	if (out->threads_w < 1)
		out->threads_w = 1;
	wide = out->threads_w >= WIDE_COLUMNS;
	out->date_w = chosen(prefs->date_w, wide ? 10 : 8);
	out->date_w = out->date_w >= 10 ? 10 : out->date_w >= 8 ? 8 : 0;
	out->vendor_w = chosen(prefs->vendor_w, wide ? 13 : 9);
	out->authors_w = chosen(prefs->authors_w, wide ? 20 : 12);
}
