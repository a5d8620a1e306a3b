/*
 * Reading message files ahead of the index, on a second thread.
 *
 * notmuch indexes one file at a time on one core; what vtriage needs of
 * each new file besides (the headers notmuch does not keep, the body for
 * a vendor's signature) costs a GMime parse of its own. A worker thread
 * does that parse for the next files while notmuch indexes the current
 * one, so the extra work leaves the index's critical path (and the file
 * is in the page cache when notmuch reads it).
 *
 * The worker touches no notmuch object: only paths in, mail_file_facts
 * out. It runs at most PREFETCH_WINDOW files ahead, so memory stays
 * bounded (a fact's body is at most 64 KiB).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "prefetch.h"

#define PREFETCH_WINDOW 32

struct mail_prefetch {
	char *const *paths;
	size_t n;
	const struct mail_identity *identity;
	bool threaded;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	size_t produced; /* facts [0, produced) are read */
	size_t consumed; /* facts below this are taken or dropped */
	bool stop;
	struct mail_file_facts slots[PREFETCH_WINDOW];
};

static void *
worker(void *arg)
{
	struct mail_prefetch *pf = arg;

	pthread_mutex_lock(&pf->lock);
	for (size_t j = 0; j < pf->n; j++) {
		struct mail_file_facts facts;

		while (!pf->stop && j >= pf->consumed + PREFETCH_WINDOW)
			pthread_cond_wait(&pf->cond, &pf->lock);
		if (pf->stop)
			break;
		if (j < pf->consumed) {
			/* skipped by the reader: nothing to read */
			pf->produced = j + 1;
			continue;
		}
		pthread_mutex_unlock(&pf->lock);
		mail_file_facts_read(pf->paths[j], pf->identity, &facts);
		pthread_mutex_lock(&pf->lock);
		if (j < pf->consumed)
			mail_file_facts_clear(&facts); /* skipped while being read */
		else
			pf->slots[j % PREFETCH_WINDOW] = facts;
		pf->produced = j + 1;
		pthread_cond_broadcast(&pf->cond);
	}
	pthread_mutex_unlock(&pf->lock);
	return NULL;
}

vt_status
mail_prefetch_start(char *const *paths, size_t n, const struct mail_identity *identity,
		    struct mail_prefetch **out, struct vt_error *err)
{
	struct mail_prefetch *pf = calloc(1, sizeof *pf);

	*out = NULL;
	if (pf == NULL)
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	mail_gmime_init(); /* before a second thread can race for it */
	pf->paths = paths;
	pf->n = n;
	pf->identity = identity;
	/* One file is read as fast on this thread. */
	if (n > 1 && pthread_mutex_init(&pf->lock, NULL) == 0) {
		if (pthread_cond_init(&pf->cond, NULL) != 0)
			pthread_mutex_destroy(&pf->lock);
		else if (pthread_create(&pf->thread, NULL, worker, pf) != 0) {
			pthread_cond_destroy(&pf->cond);
			pthread_mutex_destroy(&pf->lock);
		} else
			pf->threaded = true;
	}
	*out = pf;
	return VT_OK;
}

void
mail_prefetch_take(struct mail_prefetch *pf, size_t i, struct mail_file_facts *facts)
{
	if (!pf->threaded || i >= pf->n) {
		/* no worker (or a path it was not given): read it here */
		mail_file_facts_read(i < pf->n ? pf->paths[i] : NULL, pf->identity, facts);
		return;
	}
	pthread_mutex_lock(&pf->lock);
	if (i < pf->consumed) {
		/* taken before: read again rather than hand out a slot twice */
		pthread_mutex_unlock(&pf->lock);
		mail_file_facts_read(pf->paths[i], pf->identity, facts);
		return;
	}
	/* facts skipped over are dropped */
	for (; pf->consumed < i; pf->consumed++)
		if (pf->consumed < pf->produced)
			mail_file_facts_clear(&pf->slots[pf->consumed % PREFETCH_WINDOW]);
	pthread_cond_broadcast(&pf->cond);
	while (pf->produced <= i)
		pthread_cond_wait(&pf->cond, &pf->lock);
	*facts = pf->slots[i % PREFETCH_WINDOW];
	memset(&pf->slots[i % PREFETCH_WINDOW], 0, sizeof *facts);
	pf->consumed = i + 1;
	pthread_cond_broadcast(&pf->cond);
	pthread_mutex_unlock(&pf->lock);
}

void
mail_prefetch_stop(struct mail_prefetch **pfp)
{
	struct mail_prefetch *pf = *pfp;

	if (pf == NULL)
		return;
	if (pf->threaded) {
		pthread_mutex_lock(&pf->lock);
		pf->stop = true;
		pthread_cond_broadcast(&pf->cond);
		pthread_mutex_unlock(&pf->lock);
		pthread_join(pf->thread, NULL);
		for (size_t j = pf->consumed; j < pf->produced; j++)
			mail_file_facts_clear(&pf->slots[j % PREFETCH_WINDOW]);
		pthread_cond_destroy(&pf->cond);
		pthread_mutex_destroy(&pf->lock);
	}
	free(pf);
	*pfp = NULL;
}
