/*
 * The end of a list before its count: G in a folder of a million.
 *
 * Knowing where the last thread is means placing every thread before it
 * (a minute at a million messages); seeing the last threads does not:
 * mail_thread_tail reads them from the oldest mail up. Until the count
 * ends, the list is the tail alone, its indexes counted from the first
 * thread of the tail; when the count ends, the tail's place is known and
 * the indexes move by it (tui_threads_tail_end).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"

struct loading {
	struct mail_thread *at;
	long n, cap;
};

static vt_status
keep(void *ctx, const struct mail_thread *th, struct vt_error *err)
{
	struct loading *l = ctx;

	if (l->n == l->cap) {
		long cap = l->cap ? l->cap * 2 : 64;
		struct mail_thread *at = realloc(l->at, (size_t)cap * sizeof *at);

		if (at == NULL)
			return vt_fail(err, VT_ERR_NOMEM, "out of memory");
		memset(at + l->n, 0, (size_t)(cap - l->n) * sizeof *at);
		l->at = at;
		l->cap = cap;
	}
	if (mail_thread_copy(th, &l->at[l->n], err) != VT_OK)
		return err ? err->status : VT_ERR_NOMEM;
	l->n++;
	return VT_OK;
}

static void
drop_tail(struct tui_threads *t)
{
	for (long i = 0; i < t->n_tail; i++)
		mail_thread_clear(&t->tail[i]);
	free(t->tail);
	t->tail = NULL;
	t->n_tail = 0;
	t->tail_loaded = false;
}

vt_status
tui_threads_tail(struct tui_threads *t, struct mail_db *db, long want, struct vt_error *err)
{
	struct loading l = { 0 };
	long total = -1;
	vt_status rc;

	if (t->nm_query == NULL)
		return VT_OK;
	rc = mail_thread_tail(db, t->nm_query, want, keep, &l, &total, err);
	if (rc != VT_OK) {
		for (long i = 0; i < l.n; i++)
			mail_thread_clear(&l.at[i]);
		free(l.at);
		return rc;
	}
	drop_tail(t);
	t->tail = l.at;
	t->n_tail = l.n;
	t->tail_loaded = true;
	t->tail_want = want > 0 ? want : 1;
	/* reading the tail meant reading them all: the count too */
	if (total >= 0 && t->total < 0)
		t->total = total;
	return VT_OK;
}

const struct mail_thread *
tui_threads_tail_get(struct tui_threads *t, struct mail_db *db, long index, struct vt_error *err)
{
	/* dropped with the rest of the list (mail moved, a sync): again */
	if (!t->tail_loaded && tui_threads_tail(t, db, t->tail_want, err) != VT_OK)
		return NULL;
	return index >= 0 && index < t->n_tail ? &t->tail[index] : NULL;
}

long
tui_threads_tail_end(struct tui_threads *t)
{
	long base = t->total >= 0 && t->total > t->n_tail ? t->total - t->n_tail : 0;

	drop_tail(t);
	t->tail_want = 0;
	return base;
}

void
tui_threads_tail_drop(struct tui_threads *t)
{
	drop_tail(t);
}

void
tui_threads_where(const struct tui_threads *t, long sel, char *buf, size_t len)
{
	if (t->total >= 0)
		snprintf(buf, len, "%ld/%ld", t->total ? sel + 1 : 0, t->total);
	else if (t->tail_want > 0 && sel + 1 < t->n_tail)
		snprintf(buf, len, "last-%ld/?", t->n_tail - 1 - sel);
	else if (t->tail_want > 0)
		snprintf(buf, len, "last/?");
	else
		snprintf(buf, len, "%ld/?", sel + 1);
}
