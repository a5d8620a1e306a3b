/*
 * The threads of a query in the order mail_search_threads gives them,
 * found a slice at a time.
 *
 * notmuch skips to an offset one matching message at a time, not one
 * thread at a time, and knows a thread's place only by reading which
 * thread each message before it is in (about 10 µs a message, seconds in
 * a folder of a million). This reads the messages newest first, as
 * notmuch's own thread search does, and keeps each thread id where it
 * first appears: that is the thread's place. An interface spreads the
 * reading over its idle time; a script stops once it has the threads it
 * wants. Any stretch of the order is then one query naming its threads.
 *
 * The messages are read a span of dates at a time, newest first: the 32
 * days up to the newest mail indexed (MAIL_CONFIG_NEWEST) and all after,
 * then spans twice as long back (a year at most), then all before 1980. Sorting
 * by date is most of what a query costs notmuch (it sorts every match
 * before giving the first), so the first screen of a folder of a million
 * sorts a month of mail, not ten years. The spans partition the
 * messages, so the order is the same as one query's.
 *
 * Where every message of the index carries its month as a term
 * (months.c), a span is the months it covers instead: the first from the
 * month 15 days before the newest mail to the newest's, and the months
 * of any mail dated ahead (MAIL_CONFIG_AHEAD: spam from the future is in
 * it, as in the open span above), then spans of twice as many months (a
 * year at most) down to the oldest mail; what is before 1980 is one span
 * of dates, as above. An OR of a few terms costs a third of a range of
 * dates, and a tenth at a million.
 *
 * The end of a list (G before the count) is found from the other side:
 * the spans read upwards from the oldest mail (MAIL_CONFIG_OLDEST),
 * oldest first. Once every message before some date has been read,
 * every thread whose newest match is older than that date is among the
 * threads seen; when enough of them are, they are the list's last.
 */
#include "config.h"

#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "private.h"

#define EMPTY UINT64_MAX
/* a test cuts it short to try the hash set (tests/unit/test-thread-order.c) */
#ifndef BITS_MAX
#define BITS_MAX (1ULL << 26)
#endif
#define FIRST_SPAN (32 * 86400LL)
/* Spans grow to a year at most: notmuch holds a span's matches at once
 * (Xapian's MSet, ~100 bytes a message), and five years of a mailbox of
 * a million took 55 MB. */
#define LONGEST_SPAN (366 * 86400LL)
/* before this (1980-01-01), the rest in one span */
#define OLDEST_SPAN MAIL_DATED_SINCE
/* a first span of months reaches back 15 days from the newest mail */
#define FIRST_MONTHS_BACK (15 * 86400LL)
#define LONGEST_MONTHS 12
/* " or property:vtriage.month=" and a month's name */
#define MONTH_TERM_LEN (28 + MAIL_MONTH_NAME_LEN)

struct mail_thread_order {
	struct mail_db *db;
	char *query;
	notmuch_query_t *nq;      /* the span being read */
	notmuch_messages_t *msgs; /* NULL between spans */
	long long since, span;    /* the span: [since, since + span), open above at first */
	int spans;                /* spans opened */
	int spans_read;           /* to their end, when pausing there */
	bool pause;               /* step returns as a span ends */
	bool last_span;           /* open below (open above, upward) */
	bool upward;              /* oldest first: mail_thread_tail */
	long long oldest, newest; /* the index's ends, read once */
	long long last_date;      /* of the message read last, upward */
	/* spans of months (months.c): the span being read, the newest
	 * mail's month, the oldest dated 1980 or after's (-1: not known),
	 * and those of mail dated after the newest */
	bool months;
	long month_lo, month_hi, months_long, month_top, month_dated;
	bool rest_next; /* all before the last span, as dates */
	long ahead[MAIL_MONTHS_AHEAD_MAX];
	int n_ahead;
	long messages; /* read */
	bool done;
	uint64_t *ids; /* in order */
	long n, cap;
	struct mail_thread_set seen;
};

/* notmuch's thread ids are 16 hex digits (a 64-bit counter). */
bool
mail_thread_number(const char *s, uint64_t *out)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 16; i++) {
		char c = s[i];
		int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;

		if (d < 0)
			return false;
		v = v << 4 | (uint64_t)d;
	}
	if (s[i] != '\0' || v == EMPTY)
		return false;
	*out = v;
	return true;
}

static size_t
slot_of(uint64_t id, size_t n_slots)
{
	id ^= id >> 33;
	id *= 0xff51afd7ed558ccdULL;
	id ^= id >> 33;
	return (size_t)id & (n_slots - 1);
}

/* Adds id to the slots; false if it was there. */
static bool
slots_add(uint64_t *slots, size_t n_slots, uint64_t id)
{
	for (size_t i = slot_of(id, n_slots);; i = (i + 1) & (n_slots - 1)) {
		if (slots[i] == id)
			return false;
		if (slots[i] == EMPTY) {
			slots[i] = id;
			return true;
		}
	}
}

/* Twice the slots, with every member so far: those of the old slots, or
 * of the bits the first time. */
static bool
set_rehash(struct mail_thread_set *s)
{
	size_t n_slots = s->n_slots ? s->n_slots * 2 : 2048;
	uint64_t *slots;

	while (n_slots < (s->n + 1) * 2)
		n_slots *= 2;
	if ((slots = malloc(n_slots * sizeof *slots)) == NULL)
		return false;
	memset(slots, 0xff, n_slots * sizeof *slots);
	for (size_t i = 0; i < s->n_slots; i++)
		if (s->slots[i] != EMPTY)
			slots_add(slots, n_slots, s->slots[i]);
	for (size_t byte = 0; byte < s->n_bits_bytes; byte++)
		for (unsigned bit = 0; s->bits[byte] != 0 && bit < 8; bit++)
			if (s->bits[byte] & (1u << bit))
				slots_add(slots, n_slots, (uint64_t)byte * 8 + bit);
	free(s->slots);
	free(s->bits);
	s->bits = NULL;
	s->n_bits_bytes = 0;
	s->slots = slots;
	s->n_slots = n_slots;
	s->hashed = true;
	return true;
}

int
mail_thread_set_add(struct mail_thread_set *s, uint64_t id)
{
	if (!s->hashed && id < BITS_MAX) {
		size_t byte = (size_t)(id / 8);
		unsigned char bit = (unsigned char)(1u << (id % 8));

		if (byte >= s->n_bits_bytes) {
			size_t n = s->n_bits_bytes ? s->n_bits_bytes : 4096;
			unsigned char *bits;

			while (n <= byte)
				n *= 2;
			if ((bits = realloc(s->bits, n)) == NULL)
				return -1;
			memset(bits + s->n_bits_bytes, 0, n - s->n_bits_bytes);
			s->bits = bits;
			s->n_bits_bytes = n;
		}
		if (s->bits[byte] & bit)
			return 0;
		s->bits[byte] |= bit;
		s->n++;
		return 1;
	}
	/* past the bits (or the first id beyond them): a hash set of all */
	if ((!s->hashed || (s->n + 1) * 2 > s->n_slots) && !set_rehash(s))
		return -1;
	if (!slots_add(s->slots, s->n_slots, id))
		return 0;
	s->n++;
	return 1;
}

bool
mail_thread_set_has(const struct mail_thread_set *s, uint64_t id)
{
	if (!s->hashed)
		return id < BITS_MAX && id / 8 < s->n_bits_bytes &&
		       (s->bits[id / 8] & (1u << (id % 8))) != 0;
	for (size_t i = slot_of(id, s->n_slots);; i = (i + 1) & (s->n_slots - 1)) {
		if (s->slots[i] == id)
			return true;
		if (s->slots[i] == EMPTY)
			return false;
	}
}

void
mail_thread_set_clear(struct mail_thread_set *s)
{
	free(s->bits);
	free(s->slots);
	memset(s, 0, sizeof *s);
}

/* Room for one more id in the order. */
static bool
grow(struct mail_thread_order *o)
{
	if (o->n + 1 > o->cap) {
		long cap = o->cap ? o->cap * 2 : 1024;
		uint64_t *ids = realloc(o->ids, (size_t)cap * sizeof *ids);

		if (ids == NULL)
			return false;
		o->ids = ids;
		o->cap = cap;
	}
	return true;
}

static bool
all_mail(const char *query)
{
	return strcmp(query, "*") == 0 || query[strspn(query, " ")] == '\0';
}

static void
close_span(struct mail_thread_order *o)
{
	if (o->msgs)
		notmuch_messages_destroy(o->msgs);
	if (o->nq)
		notmuch_query_destroy(o->nq);
	o->msgs = NULL;
	o->nq = NULL;
}

/* The span of months [lo, hi] as a query: an OR of their terms, and of
 * the months ahead where the span is the newest. */
static char *
month_terms(const struct mail_thread_order *o, long lo, long hi, bool ahead)
{
	int extra = ahead ? o->n_ahead : 0;
	size_t len = (size_t)(hi - lo + 1 + extra) * MONTH_TERM_LEN + 8;
	char *q = malloc(len), *p = q;
	char name[MAIL_MONTH_NAME_LEN];

	if (q == NULL)
		return NULL;
	*p++ = '(';
	for (long m = lo; m <= hi; m++) {
		mail_month_name(m, name);
		p += sprintf(p, "%sproperty:" MAIL_PROP_MONTH "=%s", m > lo ? " or " : "", name);
	}
	for (int i = 0; i < extra; i++) {
		mail_month_name(o->ahead[i], name);
		p += sprintf(p, " or property:" MAIL_PROP_MONTH "=%s", name);
	}
	strcpy(p, ")");
	return q;
}

/* Whether this index's spans can be months, and where they end. */
static void
choose_months(struct mail_thread_order *o)
{
	long ahead[MAIL_MONTHS_AHEAD_MAX];
	long long dated;
	int n;

	if (!mail_db_months_whole(o->db) ||
	    (n = mail_db_months_ahead(o->db, ahead, MAIL_MONTHS_AHEAD_MAX)) < 0)
		return; /* mail dated ahead in too many months: dates */
	dated = mail_db_oldest_dated(o->db);
	/* (all mail dated 1980 or after: the oldest is the oldest dated) */
	if (dated < 0 && o->oldest >= OLDEST_SPAN)
		dated = o->oldest;
	o->month_dated = dated >= 0 ? mail_month_of(dated) : -1;
	o->month_top = mail_month_of(o->newest);
	/* those since overtaken by the newest mail are in the spans */
	for (int i = 0; i < n; i++)
		if (ahead[i] > o->month_top)
			o->ahead[o->n_ahead++] = ahead[i];
	/* an index of mail before 1980: one span of dates from the first */
	o->months = mail_month_start(mail_month_of(o->newest - FIRST_MONTHS_BACK)) >= OLDEST_SPAN;
}

/* The next span of months downwards, or all before 1980 as dates. */
static char *
downward_months(struct mail_thread_order *o)
{
	char *q;

	if (o->rest_next) {
		/* all older than the oldest dated mail: the undated, before 1980 */
		o->last_span = true;
		return asprintf(&q, "not date:@%lld..", mail_month_start(o->month_lo)) < 0 ? NULL
											   : q;
	}
	if (o->spans == 0) {
		o->month_hi = o->month_top;
		o->month_lo = mail_month_of(o->newest - FIRST_MONTHS_BACK);
		o->months_long = 1;
	} else {
		o->months_long =
			o->months_long * 2 < LONGEST_MONTHS ? o->months_long * 2 : LONGEST_MONTHS;
		o->month_hi = o->month_lo - 1;
		o->month_lo = o->month_hi - o->months_long + 1;
	}
	if (o->month_dated >= 0 && o->month_lo <= o->month_dated) {
		/* nothing older, or then the undated and before 1980: not
		 * the years between (a span of no month where only mail
		 * dated ahead is dated) */
		o->month_lo = o->month_dated < o->month_hi ? o->month_dated : o->month_hi;
		if (o->oldest >= OLDEST_SPAN)
			o->last_span = true;
		else
			o->rest_next = true;
	} else if (mail_month_start(o->month_lo) < OLDEST_SPAN) {
		o->last_span = true;
		return asprintf(&q, "not date:@%lld..", mail_month_start(o->month_hi + 1)) < 0
			       ? NULL
			       : q;
	}
	return month_terms(o, o->month_lo, o->month_hi, o->spans == 0);
}

/* The next span of months upwards, after all before 1980 as dates. */
static char *
upward_months(struct mail_thread_order *o)
{
	char *q;

	if (o->spans == 0 && o->oldest < OLDEST_SPAN) {
		/* the undated and before 1980, up to the oldest dated mail */
		o->month_hi =
			(o->month_dated >= 0 ? o->month_dated : mail_month_of(OLDEST_SPAN)) - 1;
		o->months_long = 0;
		return asprintf(&q, "not date:@%lld..", mail_month_start(o->month_hi + 1)) < 0
			       ? NULL
			       : q;
	}
	if (o->spans == 0) {
		/* (mail dated 1980 or after only: its oldest is known; all
		 * of it dated ahead: the span is those months) */
		o->month_lo = o->month_dated < o->month_top ? o->month_dated : o->month_top;
		o->months_long = 1;
	} else {
		/* (the oldest dated mail dated ahead: the newest month, empty) */
		o->month_lo = o->month_hi < o->month_top ? o->month_hi + 1 : o->month_top;
		o->months_long = o->months_long == 0                   ? 1
				 : o->months_long * 2 < LONGEST_MONTHS ? o->months_long * 2
								       : LONGEST_MONTHS;
	}
	o->month_hi = o->month_lo + o->months_long - 1;
	if (o->month_hi >= o->month_top) {
		o->month_hi = o->month_top;
		o->last_span = true;
	}
	return month_terms(o, o->month_lo, o->month_hi, o->last_span);
}

/* The next span of dates upwards: all before 1980 first where the index
 * has mail from then (or without a date), then from the oldest a month,
 * spans twice as long after (a year at most), open above past the
 * newest. */
static void
upward_range(struct mail_thread_order *o, char *range, size_t len)
{
	if (o->spans == 0 && o->oldest < OLDEST_SPAN) {
		/* the order's last span, as it is there; an index that does
		 * not say its oldest mail (-1) may have some too */
		o->since = OLDEST_SPAN;
		o->span = 0;
		snprintf(range, len, "not date:@%lld..", o->since);
		return;
	}
	if (o->spans == 0) {
		o->since = o->oldest;
		o->span = FIRST_SPAN;
	} else {
		o->since += o->span;
		o->span = o->span == 0                 ? FIRST_SPAN
			  : o->span * 2 < LONGEST_SPAN ? o->span * 2
						       : LONGEST_SPAN;
	}
	o->last_span = o->since + o->span > o->newest;
	if (o->last_span)
		snprintf(range, len, "date:@%lld..", o->since);
	else
		snprintf(range, len, "date:@%lld..@%lld", o->since, o->since + o->span - 1);
}

/* The next span of dates, older than the last. */
static vt_status
open_span(struct mail_thread_order *o, struct vt_error *err)
{
	char range[80], *q = NULL, *months = NULL;
	notmuch_status_t st;

	close_span(o);
	if (o->months) {
		if ((months = o->upward ? upward_months(o) : downward_months(o)) == NULL)
			return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	} else if (o->upward) {
		upward_range(o, range, sizeof range);
	} else if (o->spans == 0) {
		o->span = FIRST_SPAN;
		o->since = o->newest - o->span;
		snprintf(range, sizeof range, "date:@%lld..", o->since);
	} else {
		long long until = o->since - 1;

		if (o->span < LONGEST_SPAN)
			o->span = o->span * 2 < LONGEST_SPAN ? o->span * 2 : LONGEST_SPAN;
		o->since -= o->span;
		o->last_span = o->since < OLDEST_SPAN;
		/* all the rest: mail without a date has none to be in a range */
		if (o->last_span)
			snprintf(range, sizeof range, "not date:@%lld..", until + 1);
		else
			snprintf(range, sizeof range, "date:@%lld..@%lld", o->since, until);
	}
	o->spans++;
	if (months != NULL) {
		int made = all_mail(o->query) ? asprintf(&q, "%s", months)
					      : asprintf(&q, "(%s) and %s", o->query, months);

		free(months);
		if (made < 0)
			return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	} else if (all_mail(o->query) ? asprintf(&q, "%s", range) < 0
				      : asprintf(&q, "(%s) and %s", o->query, range) < 0) {
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	}
	if ((o->nq = mail_query_create(o->db, q)) == NULL) {
		free(q);
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	}
	notmuch_query_set_sort(o->nq,
			       o->upward ? NOTMUCH_SORT_OLDEST_FIRST : NOTMUCH_SORT_NEWEST_FIRST);
	st = notmuch_query_search_messages(o->nq, &o->msgs);
	if (st != NOTMUCH_STATUS_SUCCESS) {
		/* the user's query is the one at fault: named as typed */
		vt_status rc = mail_query_fail(o->db, err, st, o->query);

		free(q);
		return rc;
	}
	free(q);
	return VT_OK;
}

static vt_status
start(struct mail_db *db, const char *query, bool upward, struct mail_thread_order **out,
      struct vt_error *err)
{
	struct mail_thread_order *o = calloc(1, sizeof *o);
	vt_status rc;

	*out = NULL;
	if (o == NULL || (o->query = strdup(query)) == NULL) {
		mail_thread_order_free(o);
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	}
	o->db = db;
	o->upward = upward;
	o->oldest = mail_db_oldest(db);
	o->newest = (long long)mail_db_newest(db);
	if (o->newest <= 0)
		o->newest = (long long)time(NULL);
	choose_months(o);
	if ((rc = open_span(o, err)) != VT_OK) {
		mail_thread_order_free(o);
		return rc;
	}
	*out = o;
	return VT_OK;
}

vt_status
mail_thread_order_start(struct mail_db *db, const char *query, struct mail_thread_order **out,
			struct vt_error *err)
{
	return start(db, query, false, out, err);
}

vt_status
mail_thread_order_step(struct mail_thread_order *o, long messages, struct vt_error *err)
{
	for (long k = 0; !o->done && k < messages; k++) {
		notmuch_message_t *msg;
		const char *tid;
		uint64_t id;
		int added;

		if (!notmuch_messages_valid(o->msgs)) {
			vt_status rc;

			if (o->last_span) {
				close_span(o);
				o->done = true;
				break;
			}
			if (o->pause && o->spans_read < o->spans) {
				o->spans_read = o->spans;
				break;
			}
			if ((rc = open_span(o, err)) != VT_OK)
				return rc;
			continue;
		}
		msg = notmuch_messages_get(o->msgs);
		tid = msg ? notmuch_message_get_thread_id(msg) : NULL;
		if (tid == NULL || !mail_thread_number(tid, &id)) {
			if (msg)
				notmuch_message_destroy(msg);
			return vt_fail(err, VT_ERR_DB,
				       "the index has a message without a thread id "
				       "(run vtriage index)");
		}
		o->messages++;
		if (o->upward)
			o->last_date = (long long)notmuch_message_get_date(msg);
		notmuch_message_destroy(msg);
		if (!grow(o) || (added = mail_thread_set_add(&o->seen, id)) < 0)
			return vt_fail(err, VT_ERR_NOMEM, "out of memory");
		if (added)
			o->ids[o->n++] = id;
		notmuch_messages_move_to_next(o->msgs);
	}
	return VT_OK;
}

int
mail_thread_order_spans(const struct mail_thread_order *o)
{
	return o->spans;
}

void
mail_thread_order_pause_at_span_ends(struct mail_thread_order *o)
{
	o->pause = true;
}

int
mail_thread_order_spans_read(const struct mail_thread_order *o)
{
	return o->spans_read;
}

long
mail_thread_order_months_read(const struct mail_thread_order *o)
{
	return o->months && !o->upward && o->spans_read > 0 ? o->month_top - o->month_lo + 1 : 0;
}

long
mail_thread_order_matches_guess(const struct mail_thread_order *o)
{
	long long since = mail_month_start(o->month_lo);
	long long oldest = o->month_dated >= 0 ? mail_month_start(o->month_dated) : OLDEST_SPAN;

	/* the days read (the newest month is read in part), as dense as
	 * the rest of the index's dated mail */
	if (mail_thread_order_months_read(o) == 0 || o->newest <= since)
		return 0;
	return (long)((double)o->messages * (double)(o->newest - oldest) /
		      (double)(o->newest - since));
}

bool
mail_thread_order_done(const struct mail_thread_order *o)
{
	return o->done;
}

long
mail_thread_order_count(const struct mail_thread_order *o)
{
	return o->n;
}

struct found {
	const struct mail_thread_order *o;
	long from, n;
	struct mail_thread *at; /* n slots, thread_id NULL where none came */
};

vt_status
mail_thread_put(const uint64_t *ids, long n, struct mail_thread *slots, const struct mail_thread *t,
		struct vt_error *err)
{
	uint64_t id;

	if (!mail_thread_number(t->thread_id, &id))
		return VT_OK;
	for (long i = 0; i < n; i++)
		if (ids[i] == id && slots[i].thread_id == NULL)
			return mail_thread_copy(t, &slots[i], err);
	return VT_OK;
}

static vt_status
keep_found(void *ctx, const struct mail_thread *t, struct vt_error *err)
{
	struct found *f = ctx;

	return mail_thread_put(f->o->ids + f->from, f->n, f->at, t, err);
}

char *
mail_threads_naming(const uint64_t *ids, long n, const char *query, bool but)
{
	/* 28 bytes a thread */
	size_t len = (size_t)n * 28 + strlen(query) + 24;
	char *q = malloc(len), *p = q;

	if (q == NULL)
		return NULL;
	/* notmuch reads "*" as all mail only as the whole query */
	if (but)
		p += all_mail(query) ? sprintf(p, "not (") : sprintf(p, "(%s) and not (", query);
	else
		*p++ = '(';
	for (long i = 0; i < n; i++)
		p += sprintf(p, "%sthread:%016" PRIx64, i ? " or " : "", ids[i]);
	if (but || all_mail(query))
		strcpy(p, ")");
	else
		sprintf(p, ") and (%s)", query);
	return q;
}

/* The query for threads [from, from + n) of those read. */
static char *
naming(const struct mail_thread_order *o, long from, long n)
{
	return mail_threads_naming(o->ids + from, n, o->query, false);
}

vt_status
mail_thread_order_emit(struct mail_thread_order *o, long from, long n,
		       vt_status (*fn)(void *ctx, const struct mail_thread *t,
				       struct vt_error *err),
		       void *ctx, struct vt_error *err)
{
	return mail_thread_order_emit_known(o, from, n, NULL, fn, ctx, err);
}

vt_status
mail_thread_order_emit_known(struct mail_thread_order *o, long from, long n,
			     const struct mail_thread_sizes *sizes,
			     vt_status (*fn)(void *ctx, const struct mail_thread *t,
					     struct vt_error *err),
			     void *ctx, struct vt_error *err)
{
	struct found f = { .o = o, .from = from };
	char *q = NULL;
	vt_status rc = VT_OK;

	if (from < 0 || from >= o->n || n <= 0)
		return VT_OK;
	f.n = n < o->n - from ? n : o->n - from;
	if ((f.at = calloc((size_t)f.n, sizeof *f.at)) == NULL ||
	    (sizes == NULL && (q = naming(o, from, f.n)) == NULL)) {
		free(f.at);
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	}
	/* the threads are known: a thread of one message is read alone,
	 * not found among every message of the others */
	rc = sizes != NULL ? mail_list_named_threads_known(o->db, o->ids + from, f.n, o->query,
							   sizes, keep_found, &f, err)
			   : mail_search_threads(o->db, q, 0, -1, keep_found, &f, err);
	/* In order; a thread gone since (deleted, merged) is left out. */
	for (long i = 0; i < f.n; i++) {
		if (rc == VT_OK && f.at[i].thread_id != NULL)
			rc = fn(ctx, &f.at[i], err);
		mail_thread_clear(&f.at[i]);
	}
	free(f.at);
	free(q);
	return rc;
}

/* The threads seen so far whose newest match is before `before`, in
 * the list's order. */
struct ending {
	long long before;
	struct mail_thread *at;
	long n;
};

static vt_status
keep_ended(void *ctx, const struct mail_thread *t, struct vt_error *err)
{
	struct ending *e = ctx;

	if ((long long)t->newest >= e->before)
		return VT_OK;
	return mail_thread_copy(t, &e->at[e->n++], err);
}

vt_status
mail_thread_tail(struct mail_db *db, const char *query, long want,
		 vt_status (*fn)(void *ctx, const struct mail_thread *t, struct vt_error *err),
		 void *ctx, long *total, struct vt_error *err)
{
	struct mail_thread_order *o = NULL;
	struct ending e = { 0 };
	/* doubled without overflow: a --last of LONG_MAX reads all there is */
	long check = want > LONG_MAX / 2 ? LONG_MAX : want > 0 ? 2 * want : 1;
	vt_status rc = start(db, query, true, &o, err);

	*total = -1;
	while (rc == VT_OK && want > 0) {
		char *q;

		while (rc == VT_OK && !o->done && o->n < check)
			rc = mail_thread_order_step(o, 1, err);
		if (rc != VT_OK)
			break;
		/* every message older than the last read has been read: so
		 * has every thread whose newest match is older */
		e.before = o->done ? LLONG_MAX : o->last_date;
		if ((q = naming(o, 0, o->n)) == NULL ||
		    (e.at = calloc((size_t)o->n + 1, sizeof *e.at)) == NULL) {
			free(q);
			rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
			break;
		}
		e.n = 0;
		rc = o->n > 0 ? mail_search_threads(db, q, 0, -1, keep_ended, &e, err) : VT_OK;
		free(q);
		if (rc == VT_OK && (e.n >= want || o->done)) {
			for (long i = e.n > want ? e.n - want : 0; rc == VT_OK && i < e.n; i++)
				rc = fn(ctx, &e.at[i], err);
			if (o->done)
				*total = e.n;
			want = 0;
		}
		for (long i = 0; i < e.n; i++)
			mail_thread_clear(&e.at[i]);
		free(e.at);
		e.at = NULL;
		check = check > LONG_MAX / 2 ? LONG_MAX : check * 2;
	}
	mail_thread_order_free(o);
	return rc;
}

void
mail_thread_order_free(struct mail_thread_order *o)
{
	if (o == NULL)
		return;
	close_span(o);
	free(o->query);
	free(o->ids);
	mail_thread_set_clear(&o->seen);
	free(o);
}
