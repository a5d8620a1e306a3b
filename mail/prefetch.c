/*
 * Reading message files ahead of the index, on a second thread.
 *
 * What vtriage learns from a file beyond what notmuch indexes (To, Cc and
 * List-* headers, the attribution, the sender's signature) depends on the
 * file alone, so it can be worked out while the main thread is inside
 * notmuch indexing an earlier file.  notmuch new runs on one core; this
 * puts vtriage's own parsing on the other.
 *
 * The worker keeps at most PREFETCH_WINDOW files ahead of the consumer,
 * which bounds memory whatever the directory's size.  Results are taken
 * strictly in order.  If no thread can be started, each file is read when
 * it is taken: slower, never wrong.
 */
#include "config.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "private.h"

#define PREFETCH_WINDOW 32

struct mail_prefetch {
	char *const *paths;
	size_t n;
	const struct mail_index_options *opts;

	struct mail_file_facts slots[PREFETCH_WINDOW];
	pthread_t thread;
	bool threaded;

	pthread_mutex_t lock;
	pthread_cond_t changed;
	size_t done;      /* files [0, done) are read */
	size_t taken;     /* files [0, taken) were handed out */
	size_t resume_at; /* wake the sleeping worker once taken reaches it */
	bool worker_asleep;
	bool consumer_asleep;
	bool stop;
};

static void *
worker(void *arg)
{
	struct mail_prefetch *p = arg;

	for (size_t i = 0; i < p->n; i++) {
		pthread_mutex_lock(&p->lock);
		/* Window full: sleep until half of it is free, not after every
		 * file taken; a wake-up costs the indexing thread a syscall. */
		if (i >= p->taken + PREFETCH_WINDOW)
			p->resume_at = i - PREFETCH_WINDOW / 2;
		while (!p->stop && i >= p->taken + PREFETCH_WINDOW) {
			p->worker_asleep = true;
			pthread_cond_wait(&p->changed, &p->lock);
		}
		p->worker_asleep = false;
		if (p->stop) {
			pthread_mutex_unlock(&p->lock);
			break;
		}
		pthread_mutex_unlock(&p->lock);

		/* slot i % WINDOW was taken (and cleared) before we got here */
		mail_file_facts_read(p->paths[i], p->opts, &p->slots[i % PREFETCH_WINDOW]);

		pthread_mutex_lock(&p->lock);
		p->done = i + 1;
		if (p->consumer_asleep)
			pthread_cond_broadcast(&p->changed);
		pthread_mutex_unlock(&p->lock);
	}
	return NULL;
}

struct mail_prefetch *
mail_prefetch_start(char *const *paths, size_t n, const struct mail_index_options *opts)
{
	struct mail_prefetch *p = calloc(1, sizeof *p);

	if (p == NULL)
		return NULL;
	p->paths = paths;
	p->n = n;
	p->opts = opts;
	/* GMime's one-time set-up is not thread-safe: done here, first. */
	g_mime_init();
	if (n > 1 && pthread_mutex_init(&p->lock, NULL) == 0) {
		if (pthread_cond_init(&p->changed, NULL) != 0)
			pthread_mutex_destroy(&p->lock);
		else if (pthread_create(&p->thread, NULL, worker, p) != 0) {
			pthread_cond_destroy(&p->changed);
			pthread_mutex_destroy(&p->lock);
		} else
			p->threaded = true;
	}
	return p;
}

void
mail_prefetch_take(struct mail_prefetch *p, size_t i, struct mail_file_facts *out)
{
	struct mail_file_facts *slot = &p->slots[i % PREFETCH_WINDOW];

	if (!p->threaded) {
		mail_file_facts_read(p->paths[i], p->opts, out);
		return;
	}
	pthread_mutex_lock(&p->lock);
	while (p->done <= i) {
		p->consumer_asleep = true;
		pthread_cond_wait(&p->changed, &p->lock);
	}
	p->consumer_asleep = false;
	*out = *slot;
	memset(slot, 0, sizeof *slot);
	p->taken = i + 1;
	if (p->worker_asleep && p->taken >= p->resume_at)
		pthread_cond_broadcast(&p->changed);
	pthread_mutex_unlock(&p->lock);
}

void
mail_prefetch_stop(struct mail_prefetch *p)
{
	if (p == NULL)
		return;
	if (p->threaded) {
		pthread_mutex_lock(&p->lock);
		p->stop = true;
		pthread_cond_broadcast(&p->changed);
		pthread_mutex_unlock(&p->lock);
		pthread_join(p->thread, NULL);
		for (size_t i = p->taken; i < p->done; i++)
			mail_file_facts_clear(&p->slots[i % PREFETCH_WINDOW]);
		pthread_cond_destroy(&p->changed);
		pthread_mutex_destroy(&p->lock);
	}
	free(p);
}
