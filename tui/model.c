/* The TUI's state: see model.h. */
#include "config.h"

#include <ctype.h>
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

/* ---- folders ---- */

static bool
add_folder(struct tui_folders *f, enum tui_folder_kind kind, const char *label, const char *query,
	   const char *slug)
{
	struct tui_folder *grown = realloc(f->items, (f->count + 1) * sizeof *grown), *n;

	if (grown == NULL)
		return false;
	f->items = grown;
	n = &grown[f->count];
	memset(n, 0, sizeof *n);
	n->kind = kind;
	n->label = strdup(label);
	n->query = strdup(query);
	n->slug = slug ? strdup(slug) : NULL;
	f->count++;
	return n->label && n->query && (slug == NULL || n->slug);
}

vt_status
tui_folders_build(struct vt_store *s, const struct vt_config *cfg, struct tui_folders *out,
		  struct vt_error *err)
{
	enum vt_bucket trusted = VT_BUCKET_TRUSTED;
	struct vt_vendor_list list = { 0 };
	bool ok = true;
	long generic = 0;
	vt_status rc;
	char label[64];

	memset(out, 0, sizeof *out);
	ok = add_folder(out, TUI_FOLDER_INBOX, "Inbox", "tag:inbox", NULL);
	if ((rc = vt_vendor_list(s, &trusted, &list, err)) != VT_OK)
		goto fail;
	for (size_t i = 0; ok && i < list.count; i++) {
		char *query = NULL;

		if (asprintf(&query, "vendor:%s", list.items[i].slug) < 0) {
			ok = false;
			break;
		}
		ok = add_folder(out, TUI_FOLDER_VENDOR, list.items[i].name, query,
				list.items[i].slug);
		free(query);
	}
	vt_vendor_list_clear(&list);
	if ((rc = vt_vendor_count(s, VT_BUCKET_GENERIC, &generic, err)) != VT_OK)
		goto fail;
	snprintf(label, sizeof label, "Generic (%ld vendors)", generic);
	ok = ok && add_folder(out, TUI_FOLDER_GENERIC, label, "bucket:generic", NULL);
	if (ok)
		out->items[out->count - 1].vendors = generic;
	ok = ok && add_folder(out, TUI_FOLDER_NONE, "Not vendor mail", "bucket:none", NULL);
	ok = ok && add_folder(out, TUI_FOLDER_SEARCH, "Waiting on vendors", "waiting:vendor", NULL);
	ok = ok && add_folder(out, TUI_FOLDER_SEARCH, "Waiting on me", "waiting:me", NULL);
	ok = ok && add_folder(out, TUI_FOLDER_SEARCH, "Open issues", "issue:open", NULL);
	ok = ok && add_folder(out, TUI_FOLDER_SEARCH, "Bills to check", "bill:flagged", NULL);
	ok = ok && add_folder(out, TUI_FOLDER_SEARCH, "Quotes", "kind:quote", NULL);
	ok = ok && add_folder(out, TUI_FOLDER_SEARCH, "Suspicious", "suspicious:yes", NULL);
	for (size_t i = 0; ok && cfg != NULL && i < cfg->n_entries; i++) {
		const struct vt_config_entry *e = &cfg->entries[i];
		char *translated = NULL;

		if (strcmp(e->section, "searches") != 0)
			continue;
		if ((rc = vt_query_translate(s, e->value, &translated, err)) != VT_OK) {
			char why[VT_ERROR_MAX / 2];

			snprintf(why, sizeof why, "%.400s", err->msg);
			rc = vt_fail(err, VT_ERR_CONFIG, "%s:%d: [searches] %s: %s",
				     cfg->path ? cfg->path : "config", e->line, e->key, why);
			goto fail;
		}
		free(translated);
		ok = add_folder(out, TUI_FOLDER_SEARCH, e->key, e->value, NULL);
	}
	if (ok)
		return VT_OK;
	rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
fail:
	tui_folders_clear(out);
	return rc;
}

long
tui_folders_find(const struct tui_folders *f, const char *slug, const char *query)
{
	for (size_t i = 0; i < f->count; i++) {
		if (slug != NULL && f->items[i].slug != NULL && strcmp(f->items[i].slug, slug) == 0)
			return (long)i;
		if (query != NULL && strcmp(f->items[i].query, query) == 0)
			return (long)i;
	}
	return -1;
}

void
tui_folders_clear(struct tui_folders *f)
{
	for (size_t i = 0; i < f->count; i++) {
		free(f->items[i].label);
		free(f->items[i].query);
		free(f->items[i].slug);
	}
	free(f->items);
	f->items = NULL;
	f->count = 0;
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
tui_threads_sort(struct tui_threads *t, bool by_amount)
{
	drop_cache(t);
	drop_order(t);
	t->by_amount = by_amount;
	t->total = -1;
}

struct ranked {
	char *id;
	size_t pos;   /* in date order */
	bool has;     /* holds a quote or bill */
	int64_t milli; /* its amount in thousandths of a unit, any currency */
};

static int
by_amount_desc(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;

	if (x->has != y->has)
		return x->has ? -1 : 1;
	if (x->has && x->milli != y->milli)
		return x->milli > y->milli ? -1 : 1;
	return (x->pos > y->pos) - (x->pos < y->pos);
}

struct collect {
	struct ranked *items;
	size_t count;
	const struct vt_thread_marks *marks;
};

static vt_status
collect_thread(void *ctx, const struct mail_thread *th, struct vt_error *err)
{
	struct collect *c = ctx;
	struct ranked *grown = realloc(c->items, (c->count + 1) * sizeof *grown);
	const struct vt_thread_amount *a;

	if (grown == NULL || (grown[c->count].id = strdup(th->thread_id)) == NULL) {
		if (grown != NULL)
			c->items = grown;
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	}
	c->items = grown;
	a = vt_thread_amount_of(c->marks, th->thread_id);
	grown[c->count].pos = c->count;
	grown[c->count].has = a != NULL;
	grown[c->count].milli = 0;
	if (a != NULL) {
		int digits = mail_currency_digits(a->total.currency);
		int64_t v = a->total.minor * 1000;

		for (int d = 0; d < (digits < 0 ? 2 : digits); d++)
			v /= 10;
		grown[c->count].milli = v;
	}
	c->count++;
	return VT_OK;
}

/* The threads of the query ordered by amount. */
static vt_status
make_order(struct tui_threads *t, struct mail_db *db, struct vt_error *err)
{
	struct collect c = { .marks = &t->marks };
	vt_status rc = mail_search_threads(db, t->nm_query, 0, -1, collect_thread, &c, err);

	if (rc == VT_OK && c.count > 1)
		qsort(c.items, c.count, sizeof *c.items, by_amount_desc);
	if (rc == VT_OK && (t->order = malloc((c.count ? c.count : 1) * sizeof *t->order)) == NULL)
		rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
	for (size_t i = 0; i < c.count; i++) {
		if (rc == VT_OK)
			t->order[t->n_order++] = c.items[i].id;
		else
			free(c.items[i].id);
	}
	free(c.items);
	if (rc == VT_OK)
		t->total = (long)t->n_order;
	return rc;
}

vt_status
tui_threads_open(struct tui_threads *t, struct vt_store *s, const char *query,
		 struct vt_error *err)
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
	t->by_amount = false;
	t->query = copy;
	t->nm_query = nm;
	t->total = -1;
	return VT_OK;
}

vt_status
tui_threads_load_marks(struct tui_threads *t, struct vt_store *s, struct vt_error *err)
{
	struct vt_thread_marks marks;
	vt_status rc = vt_thread_marks_load(s, &marks, err);

	if (rc == VT_OK) {
		vt_thread_marks_clear(&t->marks);
		t->marks = marks;
	}
	return rc;
}

struct window_fill {
	struct tui_threads *t;
};

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

const struct mail_thread *
tui_threads_get(struct tui_threads *t, struct mail_db *db, long index, struct vt_error *err)
{
	long start, window = t->window > 0 && t->window < TUI_THREAD_WINDOW ? t->window
									   : TUI_THREAD_WINDOW;

	if (t->by_amount && t->order == NULL && t->nm_query != NULL &&
	    make_order(t, db, err) != VT_OK)
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
	if (t->by_amount) {
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
	if (mail_search_threads(db, t->nm_query, start, window, keep_thread, t, err) != VT_OK) {
		drop_cache(t);
		return NULL;
	}
	t->at_end = t->cached < (size_t)window;
	if (t->at_end && t->total < 0)
		t->total = start + (long)t->cached;
	if (index < t->offset + (long)t->cached)
		return &t->cache[index - t->offset];
	return NULL;
}

vt_status
tui_threads_count(struct tui_threads *t, struct mail_db *db, struct vt_error *err)
{
	unsigned long n = 0;
	vt_status rc;

	if (t->nm_query == NULL)
		return VT_OK;
	if (t->by_amount) {
		if (t->order == NULL && (rc = make_order(t, db, err)) != VT_OK)
			return rc;
		t->total = (long)t->n_order;
		return VT_OK;
	}
	if ((rc = mail_count(db, t->nm_query, true, &n, err)) == VT_OK)
		t->total = (long)n;
	return rc;
}

void
tui_threads_invalidate(struct tui_threads *t)
{
	drop_cache(t);
	drop_order(t);
	t->total = -1;
}

void
tui_threads_close(struct tui_threads *t)
{
	drop_cache(t);
	drop_order(t);
	free(t->query);
	free(t->nm_query);
	vt_thread_marks_clear(&t->marks);
	t->query = t->nm_query = NULL;
	t->total = -1;
}

/* ---- panes ---- */

static void
rows_clear(struct tui_pane_rows *r)
{
	for (size_t i = 0; i < r->count; i++) {
		free(r->items[i].text);
		free(r->items[i].ref);
	}
	free(r->items);
	memset(r, 0, sizeof *r);
}

/* Appends a line (ref may be NULL); false when out of memory. */
static bool
rows_add(struct tui_pane_rows *r, const char *text, const char *ref)
{
	struct tui_pane_row *grown = realloc(r->items, (r->count + 1) * sizeof *grown);

	if (grown == NULL)
		return false;
	r->items = grown;
	grown[r->count].text = strdup(text);
	grown[r->count].ref = ref ? strdup(ref) : NULL;
	if (grown[r->count].text == NULL || (ref && grown[r->count].ref == NULL)) {
		free(grown[r->count].text);
		free(grown[r->count].ref);
		return false;
	}
	r->count++;
	return true;
}

static void
short_date(time_t t, char *buf, size_t len)
{
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL || strftime(buf, len, "%Y-%m-%d", &tm) == 0)
		snprintf(buf, len, "?");
}

/* The vendor's timeline: "< " mail in, "> " mail out, "[kind]" the rest. */
static vt_status
load_history(struct vt_store *s, const char *slug, struct tui_pane_rows *out, struct vt_error *err)
{
	struct vt_event_list list;
	vt_status rc = vt_history(s, slug, 200, &list, err);

	for (size_t i = 0; rc == VT_OK && i < list.count; i++) {
		const struct vt_event *e = &list.items[i];
		char date[16], *line = NULL;
		int n;

		short_date(e->date, date, sizeof date);
		if (strcmp(e->kind, "message") == 0)
			n = asprintf(&line, "%s %s %s", date, e->direction == MAIL_DIR_OUT ? ">" : "<",
				     e->summary);
		else
			n = asprintf(&line, "%s [%s] %s", date, e->kind, e->summary);
		if (n < 0 || !rows_add(out, line, e->ref))
			rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
		free(line);
	}
	vt_event_list_clear(&list);
	return rc;
}

/* The vendor's people, with their role; the ref is what `contact set`
 * takes: the newest address, or the name of someone only named. */
static vt_status
load_contacts(struct vt_store *s, const char *slug, struct tui_pane_rows *out, struct vt_error *err)
{
	struct vt_contact_list list;
	vt_status rc = vt_contact_list(s, slug, &list, err);

	for (size_t i = 0; rc == VT_OK && i < list.count; i++) {
		const struct vt_contact *c = &list.items[i];
		char *line = NULL;

		if (asprintf(&line, "%s%s%s%s%s", c->name, c->role ? " [" : "", c->role ? c->role : "",
			     c->role ? "]" : "", c->n_vendors > 1 ? " (moved)" : "") < 0 ||
		    !rows_add(out, line, c->n_addresses ? c->addresses[0] : c->name))
			rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
		free(line);
	}
	vt_contact_list_clear(&list);
	return rc;
}

/* Open issues with their age in days; the ref is the issue number. */
static vt_status
load_issues(struct vt_store *s, const char *slug, struct tui_pane_rows *out, struct vt_error *err)
{
	struct vt_issue_list list;
	vt_status rc = vt_issue_list(s, slug, false, &list, err);
	time_t now = time(NULL);

	for (size_t i = 0; rc == VT_OK && i < list.count; i++) {
		const struct vt_issue *is = &list.items[i];
		char *line = NULL, number[32];

		snprintf(number, sizeof number, "%lld", (long long)is->id);
		if (asprintf(&line, "#%lld %ldd %s", (long long)is->id,
			     (long)((now - is->opened) / 86400), is->title) < 0 ||
		    !rows_add(out, line, number))
			rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
		free(line);
	}
	vt_issue_list_clear(&list);
	return rc;
}

/* The vendor's quotes and bills, newest first, each year's totals by
 * kind and currency after its last document; the ref is the thread. */
static vt_status
load_documents(struct vt_store *s, const char *slug, struct tui_pane_rows *out,
	       struct vt_error *err)
{
	struct vt_document_filter f = { .vendor = slug };
	struct vt_document_list list;
	vt_status rc = vt_documents_list(s, &f, &list, err);
	/* a year's sums: bills and quotes, in up to four currencies */
	struct sum {
		enum mail_doc_kind kind;
		struct mail_money money;
		int count;
	} sums[8];
	size_t n_sums = 0;
	int year = 0;

	for (size_t i = 0; rc == VT_OK && i <= list.count; i++) {
		const struct vt_document *d = i < list.count ? &list.items[i] : NULL;
		struct tm tm = { 0 };
		char date[16], amount[48] = "", *line = NULL;
		bool ok = true;

		if (d != NULL) {
			localtime_r(&d->date, &tm);
			if (d->kind != MAIL_DOC_QUOTE && d->kind != MAIL_DOC_BILL)
				continue;
		}
		/* a year ends: its sums */
		if (year != 0 && (d == NULL || tm.tm_year + 1900 != year)) {
			for (size_t k = 0; ok && k < n_sums; k++) {
				mail_money_format(&sums[k].money, amount, sizeof amount);
				ok = asprintf(&line, "  %d %s: %s (%d)", year,
					      sums[k].kind == MAIL_DOC_BILL ? "bills" : "quotes", amount,
					      sums[k].count) >= 0 &&
				     rows_add(out, line, NULL);
				free(line);
				line = NULL;
			}
			n_sums = 0;
		}
		if (d == NULL || !ok) {
			if (!ok)
				rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
			break;
		}
		year = tm.tm_year + 1900;
		short_date(d->date, date, sizeof date);
		if (d->has_total) {
			size_t k;

			mail_money_format(&d->total, amount, sizeof amount);
			for (k = 0; k < n_sums; k++)
				if (sums[k].kind == d->kind &&
				    strcmp(sums[k].money.currency, d->total.currency) == 0)
					break;
			if (k == n_sums && n_sums < sizeof sums / sizeof sums[0])
				sums[n_sums++] = (struct sum){ d->kind, { 0, "" }, 0 };
			if (k < n_sums) {
				memcpy(sums[k].money.currency, d->total.currency, 4);
				sums[k].money.minor += d->total.minor;
				sums[k].count++;
			}
		}
		/* 40 columns hold "26-10-02 bill  $7,800.00 AT-2026-10 !" */
		if (asprintf(&line, "%s %s %s %s%s", date + 2,
			     d->kind == MAIL_DOC_BILL ? "bill " : "quote", *amount ? amount : "-",
			     *d->ref ? d->ref : "", *d->flag ? " !" : "") < 0 ||
		    !rows_add(out, line, d->thread))
			rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
		free(line);
	}
	vt_document_list_clear(&list);
	return rc;
}

const struct tui_pane_kind tui_pane_kinds[TUI_PANES] = {
	[TUI_PANE_HISTORY] = { .title = "History", .load = load_history },
	[TUI_PANE_CONTACTS] = { .title = "Contacts", .load = load_contacts },
	[TUI_PANE_ISSUES] = { .title = "Open issues", .load = load_issues },
	[TUI_PANE_DOCUMENTS] = { .title = "Quotes & bills", .load = load_documents },
};

void
tui_panes_clear(struct tui_panes *p)
{
	free(p->slug);
	p->slug = NULL;
	vt_vendor_clear(&p->vendor);
	for (size_t i = 0; i < TUI_PANES; i++)
		rows_clear(&p->rows[i]);
}

vt_status
tui_panes_load(struct tui_panes *p, struct vt_store *s, const char *slug, bool force,
	       struct vt_error *err)
{
	vt_status rc;

	/* reloading the panes' own vendor: keep the name alive */
	if (slug != NULL && slug == p->slug) {
		char *copy = strdup(slug);

		if (copy == NULL)
			return vt_fail(err, VT_ERR_NOMEM, "out of memory");
		rc = tui_panes_load(p, s, copy, force, err);
		free(copy);
		return rc;
	}

	if (!force && ((slug == NULL && p->slug == NULL) ||
		       (slug != NULL && p->slug != NULL && strcmp(slug, p->slug) == 0)))
		return VT_OK;
	tui_panes_clear(p);
	if (slug == NULL)
		return VT_OK;
	rc = vt_vendor_get(s, slug, &p->vendor, err);
	for (size_t i = 0; rc == VT_OK && i < TUI_PANES; i++)
		rc = tui_pane_kinds[i].load(s, slug, &p->rows[i], err);
	if (rc != VT_OK) {
		tui_panes_clear(p);
		return rc;
	}
	if ((p->slug = strdup(slug)) == NULL) {
		tui_panes_clear(p);
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	}
	return VT_OK;
}

/* ---- layout ---- */

/* From this width the panes sit beside the list (and show by default). */
#define WIDE 120
/* From this width the folder list shows unless hidden. */
#define FOLDERS_BY_DEFAULT 150
#define PANES_W 40
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
tui_layout_compute(int cols, int lines, bool panes_wanted,
		   const struct tui_layout_prefs *prefs, struct tui_layout *out)
{
	static const struct tui_layout_prefs automatic = TUI_LAYOUT_AUTO;
	bool folders, wide;

	if (prefs == NULL)
		prefs = &automatic;
	memset(out, 0, sizeof *out);
	out->main_top = 1;
	out->main_rows = lines > 4 ? lines - 3 : 1;
	folders = prefs->folders >= 0 ? prefs->folders > 0 && cols >= 60
				      : cols >= FOLDERS_BY_DEFAULT;
	out->folders_w = folders ? (cols >= 100 ? 26 : 20) : 0;
	out->threads_x = out->folders_w ? out->folders_w + 1 : 0;
	out->threads_w = cols - out->threads_x;
	if (panes_wanted && cols >= 40) {
		if (cols >= WIDE) {
			out->panes_w = PANES_W;
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
