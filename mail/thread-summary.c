/*
 * Threads written as notmuch's thread summary writes them (lib/thread.cc,
 * notmuch 0.37): their authors, subject, dates, counts and tags.
 *
 * notmuch builds each thread of a list with a query of its own over the
 * thread, after reading again the message that named it; a list whose
 * threads are named already (lone-threads.c) builds them here instead,
 * all of them from two queries: one over their messages, oldest first,
 * one for those that match. No library knows these rules; they are
 * notmuch's own, and a list must read the same whoever wrote it (the
 * tests hold them to notmuch's lists, odd mail included). The thread's
 * vendor is its oldest vendor mail's, as query.c has it.
 *
 * Known to differ: a message carrying two thread terms (two copies of it
 * naming different parents, one of which moved to another thread, and
 * `notmuch reindex`) is built into its first thread only; notmuch counts
 * it in each, once unmatched. The index is inconsistent there and
 * notmuch's own answer depends on which thread it builds first; the
 * public API names a message's first thread and no other.
 */
#include "config.h"

#include <gmime/gmime.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "private.h"

/*
 * "Last, First" as "First Last" when the address spells it so
 * ("first.last@"), else the name as it is: notmuch's summary
 * (_thread_cleanup_author) does this to every author.
 */
static char *
cleanup_author(const char *author, const char *from)
{
	const char *comma = strchr(author, ',');
	size_t len = strlen(author), last, first;
	char *clean = strdup(author), *test;

	if (clean == NULL || comma == NULL || comma[1] == '\0')
		return clean;
	last = (size_t)(comma - author);
	first = len - last - 1;
	for (comma++; *comma == ' '; comma++)
		first--;
	memcpy(clean, comma, first);
	clean[first] = ' ';
	memcpy(clean + first + 1, author, last);
	clean[first + 1 + last] = '\0';
	if ((test = strdup(clean)) == NULL) {
		free(clean);
		return NULL;
	}
	for (char *p = test; *p; p++)
		if (*p == ' ')
			*p = '.';
	if (strcasestr(from, test) == NULL)
		strcpy(clean, author);
	free(test);
	return clean;
}

int
mail_summary_author(const char *from, char **out)
{
	InternetAddressList *list;
	InternetAddress *address;
	const char *author;
	int rc = 0;

	*out = NULL;
	if (from == NULL)
		return 0;
	if ((list = mail_address_list_gmime(from)) == NULL)
		return 0;
	if (internet_address_list_length(list) > 0 &&
	    (address = internet_address_list_get_address(list, 0)) != NULL) {
		author = internet_address_get_name(address);
		if (author == NULL || *author == '\0')
			author = INTERNET_ADDRESS_IS_MAILBOX(address)
					 ? internet_address_mailbox_get_addr(
						   INTERNET_ADDRESS_MAILBOX(address))
					 : NULL;
		if (author != NULL && (*out = cleanup_author(author, from)) == NULL)
			rc = -1;
	}
	g_object_unref(list);
	return rc;
}

/* A subject with one "Re: " (or Aw:, Vs:, Sv:) off. */
static const char *
reply_stripped(const char *subject)
{
	static const char *const replies[] = { "Re: ", "Aw: ", "Vs: ", "Sv: " };

	for (size_t i = 0; i < sizeof replies / sizeof *replies; i++)
		if (strncasecmp(subject, replies[i], 4) == 0)
			return subject + 4;
	return subject;
}

int
mail_thread_subject_by_people(struct mail_thread *t, const char *plain)
{
	char *s;

	if (plain == NULL || !mail_is_auto_reply(NULL, NULL, NULL, NULL, t->subject))
		return 0;
	if ((s = strdup(*reply_stripped(plain) != '\0' ? reply_stripped(plain) : plain)) == NULL)
		return -1;
	free(t->subject);
	t->subject = s;
	return 0;
}

int
mail_thread_fill_lone(notmuch_message_t *msg, const char *thread_id, struct mail_thread *t)
{
	const char *subject = notmuch_message_get_header(msg, "subject");
	char *author;

	memset(t, 0, sizeof *t);
	if (mail_summary_author(notmuch_message_get_header(msg, "from"), &author) != 0)
		return -1;
	t->authors = author ? author : strdup("");
	t->thread_id = strdup(thread_id);
	/* its own, the reply's mark off unless nothing would be left */
	if (subject == NULL)
		subject = "";
	else if (*reply_stripped(subject) != '\0')
		subject = reply_stripped(subject);
	t->subject = strdup(subject);
	t->newest = t->oldest = notmuch_message_get_date(msg);
	t->matched = t->total = 1;
	t->vendor_org = mail_message_vendor_org(msg);
	if (t->thread_id == NULL || t->subject == NULL || t->authors == NULL ||
	    mail_thread_add_suspicion(t, msg) != 0)
		return -1;
	return mail_thread_add_tags(t, notmuch_message_get_tags(msg));
}

/* A thread being built from its messages, oldest first. */
struct building {
	struct mail_thread t;
	char **authors, **matched_authors; /* each once, as they come */
	size_t n_authors, n_matched_authors;
	char *plain_subject; /* see mail_thread_subject_by_people */
};

static bool
among(char *const *v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i], s) == 0)
			return true;
	return false;
}

static int
add_once(char ***v, size_t *n, const char *s)
{
	char **grown;

	if (among(*v, *n, s))
		return 0;
	if ((grown = realloc(*v, (*n + 1) * sizeof *grown)) == NULL)
		return -1;
	*v = grown;
	if ((grown[*n] = strdup(s)) == NULL)
		return -1;
	(*n)++;
	return 0;
}

static void
strings_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* A matched message's subject, for a list newest first: the newest
 * match's, its reply's mark off, unless nothing would be left. */
static int
take_subject(struct mail_thread *t, const char *subject)
{
	char *s;

	if (subject == NULL || *reply_stripped(subject) == '\0')
		return 0;
	if ((s = strdup(reply_stripped(subject))) == NULL)
		return -1;
	free(t->subject);
	t->subject = s;
	return 0;
}

/* _thread_add_message, then _thread_add_matched_message where it
 * matched, for a list sorted newest first. */
static int
add_message(struct building *b, notmuch_message_t *msg, bool matched)
{
	struct mail_thread *t = &b->t;
	const char *subject = notmuch_message_get_header(msg, "subject");
	notmuch_tags_t *tags;
	char *author;
	int rc = 0;

	if (mail_summary_author(notmuch_message_get_header(msg, "from"), &author) != 0)
		return -1;
	t->total++;
	if (author != NULL)
		rc |= add_once(&b->authors, &b->n_authors, author);
	if (t->subject == NULL && (t->subject = strdup(subject ? subject : "")) == NULL)
		rc = -1;
	if (b->plain_subject == NULL && subject != NULL &&
	    !mail_is_auto_reply(NULL, NULL, NULL, NULL, subject) &&
	    (b->plain_subject = strdup(subject)) == NULL)
		rc = -1;
	for (tags = notmuch_message_get_tags(msg); rc == 0 && notmuch_tags_valid(tags);
	     notmuch_tags_move_to_next(tags))
		rc |= add_once(&t->tags, &t->n_tags, notmuch_tags_get(tags));
	rc |= mail_thread_add_suspicion(t, msg);
	/* the oldest vendor mail's (thread_vendor_org in query.c) */
	if (t->vendor_org == NULL)
		t->vendor_org = mail_message_vendor_org(msg);
	if (matched) {
		time_t date = notmuch_message_get_date(msg);

		if (date < t->oldest || t->matched == 0)
			t->oldest = date;
		if (date > t->newest || t->matched == 0) {
			t->newest = date;
			rc |= take_subject(t, subject);
		}
		t->matched++;
		if (author != NULL)
			rc |= add_once(&b->matched_authors, &b->n_matched_authors, author);
	}
	free(author);
	return rc;
}

/*
 * "matched, authors| the others, ..." (_resolve_thread_authors_string).
 * Where no match has an author and another message has, notmuch prints
 * a NULL there through printf's "%s" (glibc writes "(null)"): so here.
 */
static char *
authors_string(const struct building *b)
{
	size_t len = sizeof "(null)";
	char *s, *p;
	bool first = true;

	for (size_t i = 0; i < b->n_authors; i++)
		len += strlen(b->authors[i]) + 2;
	for (size_t i = 0; i < b->n_matched_authors; i++)
		len += strlen(b->matched_authors[i]) + 2;
	if ((s = p = malloc(len)) == NULL)
		return NULL;
	*p = '\0';
	for (size_t i = 0; i < b->n_matched_authors; i++)
		p += sprintf(p, "%s%s", i ? ", " : "", b->matched_authors[i]);
	for (size_t i = 0; i < b->n_authors; i++) {
		if (among(b->matched_authors, b->n_matched_authors, b->authors[i]))
			continue;
		p += sprintf(p, "%s%s%s", first && b->n_matched_authors == 0 ? "(null)" : "",
			     first ? "| " : ", ", b->authors[i]);
		first = false;
	}
	return s;
}

/* What tells a message in both queries: its Message-ID as a value of the
 * index (no term list read); the term list's where a database made
 * before notmuch kept the value gives none, so that messages without
 * one are not all the same. */
static const char *
message_key(notmuch_message_t *msg)
{
	const char *id = notmuch_message_get_header(msg, "message-id");

	if (id == NULL || *id == '\0')
		id = notmuch_message_get_message_id(msg);
	return id ? id : "";
}

static int
compare_strings(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The Message-IDs of a query's matches, in the order they come. */
struct matches {
	char **ids;
	size_t n;
};

static vt_status
keep_match(void *ctx, notmuch_message_t *msg, struct vt_error *err)
{
	struct matches *m = ctx;
	char **grown = realloc(m->ids, (m->n + 1) * sizeof *grown);

	if (grown == NULL)
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	m->ids = grown;
	if ((grown[m->n] = strdup(message_key(msg))) == NULL)
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	m->n++;
	return VT_OK;
}

/* The threads being built, and the matches (sorted) among them. */
struct builds {
	const uint64_t *ids;
	long n;
	struct building *b;
	const struct matches *matches;
};

/* A message of the threads, oldest first, into its thread's build. */
static vt_status
build_message(void *ctx, notmuch_message_t *msg, struct vt_error *err)
{
	struct builds *w = ctx;
	const char *thread_id = notmuch_message_get_thread_id(msg);
	const char *id = message_key(msg);
	struct building *b;
	uint64_t thread;
	long i = w->n;

	if (thread_id != NULL && mail_thread_number(thread_id, &thread))
		for (i = 0; i < w->n && w->ids[i] != thread; i++)
			;
	if (i == w->n)
		return VT_OK;
	b = &w->b[i];
	if ((b->t.thread_id == NULL && (b->t.thread_id = strdup(thread_id)) == NULL) ||
	    add_message(b, msg,
			bsearch(&id, w->matches->ids, w->matches->n, sizeof *w->matches->ids,
				compare_strings) != NULL) != 0)
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	return VT_OK;
}

vt_status
mail_summarise_threads(struct mail_db *db, const uint64_t *ids, long n, const char *query,
		       vt_status (*fn)(void *ctx, const struct mail_thread *t,
				       struct vt_error *err),
		       void *ctx, struct vt_error *err)
{
	struct building *b = calloc((size_t)n, sizeof *b);
	char *naming = mail_threads_naming(ids, n, query, false);
	/* notmuch's query over a thread has no exclusion */
	char *all = mail_threads_naming(ids, n, "*", false);
	struct matches matches = { 0 };
	struct builds w = { .ids = ids, .n = n, .b = b, .matches = &matches };
	vt_status rc = VT_OK;

	if (b == NULL || naming == NULL || all == NULL)
		rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
	if (rc == VT_OK)
		rc = mail_query_visit(db, mail_query_create(db, naming), naming,
				      NOTMUCH_SORT_UNSORTED, keep_match, &matches, err);
	if (matches.n > 1)
		qsort(matches.ids, matches.n, sizeof *matches.ids, compare_strings);
	/* notmuch's order within a thread: the same sort, ties by document */
	if (rc == VT_OK && matches.n > 0)
		rc = mail_query_visit(db, notmuch_query_create(db->nm, all), all,
				      NOTMUCH_SORT_OLDEST_FIRST, build_message, &w, err);
	for (long i = 0; b != NULL && i < n; i++) {
		struct mail_thread *t = &b[i].t;

		/* a thread without a match is not this list's */
		if (rc != VT_OK || t->matched == 0) {
		} else if ((t->authors = authors_string(&b[i])) == NULL ||
			   mail_thread_subject_by_people(t, b[i].plain_subject) != 0) {
			rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
		} else {
			if (t->n_tags > 1)
				qsort(t->tags, t->n_tags, sizeof *t->tags, compare_strings);
			rc = fn(ctx, t, err);
		}
		strings_free(b[i].authors, b[i].n_authors);
		strings_free(b[i].matched_authors, b[i].n_matched_authors);
		free(b[i].plain_subject);
		mail_thread_clear(t);
	}
	strings_free(matches.ids, matches.n);
	free(all);
	free(naming);
	free(b);
	return rc;
}
