/*
 * The thread list in another order than the index's (newest first): by
 * amount, vendor, sender, subject or age. The whole list is read once and
 * sorted here; its thread ids are then read page by page (model.c).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "model.h"

static const char *const sort_names[TUI_SORTS] = { "date",   "amount",  "vendor",
						   "sender", "subject", "age" };

const char *
tui_sort_name(enum tui_sort sort)
{
	return (unsigned)sort < TUI_SORTS ? sort_names[sort] : "";
}

int
tui_sort_from_name(const char *name)
{
	for (int i = 0; i < TUI_SORTS; i++)
		if (strcmp(name, sort_names[i]) == 0)
			return i;
	return -1;
}

struct ranked {
	char *id;
	size_t pos;         /* in date order */
	bool has;           /* holds a quote or bill */
	int64_t milli;      /* its amount in thousandths of a unit */
	char currency[4];   /* the amount's: amounts compare within one */
	size_t in_currency; /* how many of the list's amounts are in it */
	char *key;          /* vendor, sender or subject, lower case */
	time_t quiet;       /* since when it has waited (by age) */
};

static int
by_date(const struct ranked *x, const struct ranked *y)
{
	return (x->pos > y->pos) - (x->pos < y->pos);
}

static int
by_amount_desc(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;

	int c;

	if (x->has != y->has)
		return x->has ? -1 : 1;
	/* the currency most of the list is in first */
	if (x->has && x->in_currency != y->in_currency)
		return x->in_currency > y->in_currency ? -1 : 1;
	if (x->has && (c = strcmp(x->currency, y->currency)) != 0)
		return c;
	if (x->has && x->milli != y->milli)
		return x->milli > y->milli ? -1 : 1;
	return by_date(x, y);
}

/* The longest waiting first: since its last answer (automatic mail
 * answers nothing), else its newest mail. */
static int
by_age(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;

	if (x->quiet != y->quiet)
		return x->quiet < y->quiet ? -1 : 1;
	return -by_date(a, b);
}

static int
by_key(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;
	int c = strcmp(x->key ? x->key : "", y->key ? y->key : "");

	return c != 0 ? c : by_date(x, y);
}

struct collect {
	struct ranked *items;
	size_t count;
	const struct vt_thread_marks *marks;
	enum tui_sort sort;
};

/* What a thread sorts by, lower case: its vendor (organisation), its
 * first author, or its subject without "Re:", "Fwd:", "AW:"... */
static char *
sort_key(const struct mail_thread *th, enum tui_sort sort)
{
	const char *s = sort == TUI_SORT_VENDOR   ? (th->vendor_org ? th->vendor_org : "~")
			: sort == TUI_SORT_SENDER ? th->authors
						  : th->subject;
	char *key;

	if (s == NULL)
		s = "";
	if (sort == TUI_SORT_SUBJECT)
		for (;;) {
			size_t n = strspn(s, " \t");
			const char *colon = strchr(s + n, ':');

			s += n;
			if (colon == NULL || colon - s > 4 || colon == s)
				break;
			/* a short word and a colon: a reply or forward mark */
			bool word = true;
			for (const char *p = s; p < colon; p++)
				word = word &&
				       ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z'));
			if (!word)
				break;
			s = colon + 1;
		}
	if ((key = strdup(s)) != NULL) {
		if (sort == TUI_SORT_SENDER)
			key[strcspn(key, ",|")] = '\0'; /* the first author */
		mail_ascii_lower(key);
	}
	return key;
}

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
	grown[c->count].currency[0] = '\0';
	grown[c->count].quiet = vt_thread_waiting_since(c->marks, th->thread_id);
	if (grown[c->count].quiet == 0)
		grown[c->count].quiet = th->newest;
	grown[c->count].key = c->sort != TUI_SORT_AMOUNT && c->sort != TUI_SORT_AGE
				      ? sort_key(th, c->sort)
				      : NULL;
	if (a != NULL) {
		int digits = mail_currency_digits(a->total.currency);
		int64_t v = a->total.minor * 1000;

		for (int d = 0; d < (digits < 0 ? 2 : digits); d++)
			v /= 10;
		grown[c->count].milli = v;
		memcpy(grown[c->count].currency, a->total.currency, sizeof a->total.currency);
	}
	c->count++;
	return VT_OK;
}

vt_status
tui_threads_make_order(struct tui_threads *t, struct mail_db *db, struct vt_error *err)
{
	struct collect c = { .marks = &t->marks, .sort = t->sort };
	vt_status rc = vt_search_threads(t->store, db, t->query, t->nm_query, 0, -1, collect_thread,
					 &c, err);

	/* (a list holds amounts of a few currencies) */
	for (size_t i = 0; t->sort == TUI_SORT_AMOUNT && i < c.count; i++) {
		c.items[i].in_currency = 0;
		for (size_t j = 0; c.items[i].has && j < c.count; j++)
			if (c.items[j].has &&
			    strcmp(c.items[i].currency, c.items[j].currency) == 0) {
				if (j < i) {
					c.items[i].in_currency = c.items[j].in_currency;
					break;
				}
				c.items[i].in_currency++;
			}
	}
	if (rc == VT_OK && c.count > 1)
		qsort(c.items, c.count, sizeof *c.items,
		      t->sort == TUI_SORT_AMOUNT ? by_amount_desc
		      : t->sort == TUI_SORT_AGE  ? by_age
						 : by_key);
	if (rc == VT_OK && (t->order = malloc((c.count ? c.count : 1) * sizeof *t->order)) == NULL)
		rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
	for (size_t i = 0; i < c.count; i++) {
		if (rc == VT_OK)
			t->order[t->n_order++] = c.items[i].id;
		else
			free(c.items[i].id);
		free(c.items[i].key);
	}
	free(c.items);
	if (rc == VT_OK)
		t->total = (long)t->n_order;
	return rc;
}
