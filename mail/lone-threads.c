/*
 * Lists in which a thread of one message is written from that message
 * (mail_search_threads_known in mail.h). notmuch builds every thread of
 * a list with a query of its own over the thread (a third of the list's
 * time at 300,000 messages) and reads its first message twice over;
 * most threads of a vendor's mail are one message, and what the list
 * shows of such a thread is that message: its thread, its date, its
 * tags, its author and subject as notmuch's thread summary makes them.
 * Threads of several are built together once named (thread-summary.c).
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "private.h"

/* Threads of several built together; threads held before building. */
#define ASKED_MAX 256
#define QUEUE_MAX 1024
/* The first threads read tell whether this list has many of one message. */
#define PROBE_THREADS 128
/* Messages read before their threads are asked of the store instead. */
#define STORE_AFTER 8

struct queued {
	uint64_t thread;
	notmuch_message_t *lone; /* the thread's one message; NULL: asked */
};

struct known {
	struct mail_db *db;
	const struct mail_thread_sizes *sizes;
	const char *query;
	vt_status (*fn)(void *ctx, const struct mail_thread *t, struct vt_error *err);
	void *ctx;
	long limit, given; /* limit < 0: all */
	struct mail_thread_set seen;
	uint64_t probed[PROBE_THREADS];
	long n_threads, n_lone;
	/* messages taken; of them, those whose term lists serve nothing:
	 * their threads held already or of several messages */
	long n_taken, n_idle;
	struct queued queue[QUEUE_MAX];
	long n_queued;
	uint64_t asked[ASKED_MAX];
	struct mail_thread answers[ASKED_MAX];
	long n_asked;
};

static vt_status
keep_answer(void *ctx, const struct mail_thread *t, struct vt_error *err)
{
	struct known *k = ctx;

	return mail_thread_put(k->asked, k->n_asked, k->answers, t, err);
}

static vt_status
give(void *ctx, const struct mail_thread *t, struct vt_error *err)
{
	struct known *k = ctx;

	if (k->limit >= 0 && k->given >= k->limit)
		return VT_OK;
	k->given++;
	return k->fn(k->ctx, t, err);
}

static vt_status
emit_lone(struct known *k, notmuch_message_t *msg, struct vt_error *err)
{
	struct mail_thread t;
	vt_status rc;

	rc = mail_thread_fill_lone(msg, notmuch_message_get_thread_id(msg), &t) == 0
		     ? give(k, &t, err)
		     : vt_fail(err, VT_ERR_NOMEM, "out of memory");
	mail_thread_clear(&t);
	return rc;
}

/* Writes the threads held, in order: the asked built together. */
static vt_status
flush(struct known *k, vt_status rc, struct vt_error *err)
{
	if (rc == VT_OK && k->n_asked > 0)
		rc = mail_summarise_threads(k->db, k->asked, k->n_asked, k->query, keep_answer, k,
					    err);
	for (long i = 0, a = 0; i < k->n_queued; i++) {
		struct queued *e = &k->queue[i];

		if (e->lone != NULL) {
			if (rc == VT_OK)
				rc = emit_lone(k, e->lone, err);
			notmuch_message_destroy(e->lone);
			continue;
		}
		/* a thread gone since (deleted, merged) is left out */
		for (; a < k->n_asked && k->asked[a] != e->thread; a++)
			;
		if (rc == VT_OK && a < k->n_asked && k->answers[a].thread_id != NULL)
			rc = give(k, &k->answers[a], err);
	}
	for (long a = 0; a < k->n_asked; a++)
		mail_thread_clear(&k->answers[a]);
	k->n_queued = k->n_asked = 0;
	return rc;
}

/*
 * The thread of a message, from its term list (notmuch's way), or from
 * the store by its Message-ID (a value, read without the term list)
 * once a quarter of the messages taken have shown their term lists
 * read for nothing: the term list is read whole (22 us a message of
 * the SpamAssassin corpus, against 3 us for the value and 2-5 for the
 * store), and a thread of one message needs it for its tags anyway,
 * but notmuch reads a thread of several again to build it, and a
 * message of a thread held already is skipped. *size: the thread's
 * size where the store named it, else 0. false: a message notmuch
 * would not list.
 */
static bool
message_thread(struct known *k, notmuch_message_t *msg, uint64_t *thread, long *size)
{
	const char *thread_id, *message_id;

	*size = 0;
	if (k->sizes->of_message != NULL && k->n_taken >= STORE_AFTER &&
	    4 * k->n_idle > k->n_taken &&
	    (message_id = notmuch_message_get_header(msg, "message-id")) != NULL &&
	    *message_id != '\0' &&
	    (*size = k->sizes->of_message(k->sizes->ctx, message_id, thread)) > 0)
		return true;
	thread_id = notmuch_message_get_thread_id(msg);
	return thread_id != NULL && mail_thread_number(thread_id, thread);
}

/* Holds a message's thread, the first time it comes. The thread is
 * read from the message's terms (a thread of one message is written
 * from them anyway), not from the store by its Message-ID: a page of
 * the store's messages a message, half the pages a screen of 50 read
 * of the store (87 against 173 for kind:quote at 300,000); unless the
 * list shows that most are read for nothing (message_thread). */
static vt_status
take(struct known *k, notmuch_message_t *msg, struct vt_error *err)
{
	char thread_id[17];
	uint64_t thread;
	long size;
	int added;

	if (!message_thread(k, msg, &thread, &size)) {
		notmuch_message_destroy(msg); /* not a thread notmuch would list */
		return VT_OK;
	}
	k->n_taken++;
	if ((added = mail_thread_set_add(&k->seen, thread)) <= 0) {
		k->n_idle++;
		notmuch_message_destroy(msg);
		return added < 0 ? vt_fail(err, VT_ERR_NOMEM, "out of memory") : VT_OK;
	}
	if (k->n_threads < PROBE_THREADS)
		k->probed[k->n_threads] = thread;
	k->n_threads++;
	k->queue[k->n_queued].thread = thread;
	if (size == 0) {
		snprintf(thread_id, sizeof thread_id, "%016" PRIx64, thread);
		size = k->sizes->of_thread(k->sizes->ctx, thread_id);
	}
	if (size == 1) {
		k->queue[k->n_queued].lone = msg;
		k->n_lone++;
	} else {
		k->queue[k->n_queued].lone = NULL;
		k->asked[k->n_asked++] = thread;
		k->n_idle++;
		notmuch_message_destroy(msg);
	}
	k->n_queued++;
	return k->n_asked == ASKED_MAX || k->n_queued == QUEUE_MAX ? flush(k, VT_OK, err) : VT_OK;
}

/* The threads named whose store size is one, each written from its
 * message as it comes. */
struct lone_slots {
	const uint64_t *ids;
	long n;
	struct mail_thread *slots;
	uint64_t *asked;
	long *n_asked;
};

static vt_status
fill_slot(void *ctx, notmuch_message_t *msg, struct vt_error *err)
{
	struct lone_slots *w = ctx;
	const char *thread_id = notmuch_message_get_thread_id(msg);
	uint64_t id;
	long i;

	if (thread_id == NULL || !mail_thread_number(thread_id, &id))
		return VT_OK;
	for (i = 0; i < w->n && w->ids[i] != id; i++)
		;
	if (i == w->n || w->slots[i].total > 1) {
		/* not named: not this list's */
	} else if (w->slots[i].thread_id != NULL) {
		mail_thread_clear(&w->slots[i]);
		w->slots[i].total = 2; /* the store was wrong */
		w->asked[(*w->n_asked)++] = id;
	} else if (mail_thread_fill_lone(msg, thread_id, &w->slots[i]) != 0) {
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	}
	return VT_OK;
}

/* Writes the threads named whose store size is one from their one
 * message, where it matches; a thread the index holds more of than
 * the store said is built after (*asked). */
static vt_status
write_lone(struct mail_db *db, const uint64_t *ids, long n, const char *query,
	   vt_status (*fn)(void *ctx, const struct mail_thread *t, struct vt_error *err), void *ctx,
	   uint64_t *asked, long *n_asked, struct vt_error *err)
{
	struct lone_slots w = { .ids = ids,
				.n = n,
				.slots = calloc((size_t)n, sizeof *w.slots),
				.asked = asked,
				.n_asked = n_asked };
	char *q = mail_threads_naming(ids, n, query, false);
	vt_status rc;

	rc = w.slots == NULL || q == NULL
		     ? vt_fail(err, VT_ERR_NOMEM, "out of memory")
		     : mail_query_visit(db, mail_query_create(db, q), q, NOTMUCH_SORT_UNSORTED,
					fill_slot, &w, err);
	for (long i = 0; i < n && w.slots != NULL; i++) {
		if (rc == VT_OK && w.slots[i].thread_id != NULL)
			rc = fn(ctx, &w.slots[i], err);
		mail_thread_clear(&w.slots[i]);
	}
	free(w.slots);
	free(q);
	return rc;
}

vt_status
mail_list_named_threads_known(struct mail_db *db, const uint64_t *ids, long n, const char *query,
			      const struct mail_thread_sizes *sizes,
			      vt_status (*fn)(void *ctx, const struct mail_thread *t,
					      struct vt_error *err),
			      void *ctx, struct vt_error *err)
{
	uint64_t *lone, *asked;
	long n_lone = 0, n_asked = 0;
	char thread_id[17];
	vt_status rc;

	if (n <= 0)
		return VT_OK;
	if ((lone = malloc((size_t)n * 2 * sizeof *lone)) == NULL)
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	asked = lone + n;
	for (long i = 0; i < n; i++) {
		snprintf(thread_id, sizeof thread_id, "%016" PRIx64, ids[i]);
		if (sizes->of_thread(sizes->ctx, thread_id) == 1)
			lone[n_lone++] = ids[i];
		else
			asked[n_asked++] = ids[i];
	}
	rc = n_lone > 0 ? write_lone(db, lone, n_lone, query, fn, ctx, asked, &n_asked, err)
			: VT_OK;
	if (rc == VT_OK && n_asked > 0)
		rc = mail_summarise_threads(db, asked, n_asked, query, fn, ctx, err);
	free(lone);
	return rc;
}

vt_status
mail_search_threads_known(struct mail_db *db, const char *query, long limit,
			  const struct mail_thread_sizes *sizes,
			  vt_status (*fn)(void *ctx, const struct mail_thread *t,
					  struct vt_error *err),
			  void *ctx, struct vt_error *err)
{
	/* the first threads of a broad query: the newest mail's threads
	 * are read first (thread-order.c), not every match sorted */
	if (limit >= 0 && mail_query_spans_pay(db, query))
		return mail_search_from(db, query, 0, limit, fn, ctx, sizes, err);
	return mail_list_threads_known(db, query, limit, sizes, fn, ctx, err);
}

vt_status
mail_list_threads_known(struct mail_db *db, const char *query, long limit,
			const struct mail_thread_sizes *sizes,
			vt_status (*fn)(void *ctx, const struct mail_thread *t,
					struct vt_error *err),
			void *ctx, struct vt_error *err)
{
	struct known *k = calloc(1, sizeof *k);
	notmuch_query_t *q;
	notmuch_messages_t *msgs = NULL;
	notmuch_status_t st;
	bool rest = false;
	vt_status rc = VT_OK;

	if (k == NULL || (q = mail_query_create(db, query)) == NULL) {
		free(k);
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	}
	*k = (struct known){
		.db = db, .sizes = sizes, .query = query, .fn = fn, .ctx = ctx, .limit = limit
	};
	notmuch_query_set_sort(q, NOTMUCH_SORT_NEWEST_FIRST);
	if ((st = notmuch_query_search_messages(q, &msgs)) != NOTMUCH_STATUS_SUCCESS)
		rc = mail_query_fail(db, err, st, query);
	for (; rc == VT_OK && notmuch_messages_valid(msgs) &&
	       (limit < 0 || k->given + k->n_queued < limit);
	     notmuch_messages_move_to_next(msgs)) {
		rc = take(k, notmuch_messages_get(msgs), err);
		/* threads of many messages: notmuch's own list costs less
		 * than asking for them here after reading their mail */
		if (k->n_threads == PROBE_THREADS && 2 * k->n_lone < k->n_threads) {
			rest = true;
			break;
		}
	}
	rc = flush(k, rc, err);
	if (rc == VT_OK && rest) {
		char *but = mail_threads_naming(k->probed, PROBE_THREADS, query, true);

		rc = but ? mail_list_threads(db, but, limit < 0 ? -1 : limit - k->given, give, k,
					     NULL, err)
			 : vt_fail(err, VT_ERR_NOMEM, "out of memory");
		free(but);
	}
	if (msgs != NULL)
		notmuch_messages_destroy(msgs);
	notmuch_query_destroy(q);
	mail_thread_set_clear(&k->seen);
	free(k);
	return rc;
}
