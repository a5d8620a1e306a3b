/*
 * The hooks of a walk (the store's side of indexing: a row per message,
 * its contacts, its trust facts, a transaction per batch) run on a
 * thread of their own, in the order the walk hands them over, while the
 * walk goes on into Xapian with the next file.
 *
 * Xapian's share of indexing new mail is all notmuch new does, and it
 * runs on one core; what vtriage records beside it (a tenth as much
 * again) would otherwise come on top. A message handed over keeps its
 * notmuch object, whose strings the hook reads, until the hook ran: the
 * walk's thread destroys it then (talloc is no thread's but the owner's).
 *
 * At most QUEUE_JOBS jobs wait, which bounds memory and open files. If
 * no thread can be started, each hook runs when handed over: slower,
 * never wrong. The first hook that fails stops the messages after it
 * (batches still close, as they would in order), and the walk hears of
 * it at its next hand-over or wait.
 */
#include "config.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "private.h"

#define QUEUE_JOBS 64
/* A hook is shorter than the walk's next file, so the worker sleeps
 * between jobs, and waking it is a system call (a fortieth of the time
 * notmuch new takes for 1,000 new messages into 300,000, one wake-up a
 * message): it is woken once this many wait, or when the walk waits. */
#define WAKE_AT 16

enum job_kind { JOB_MESSAGE, JOB_BATCH_BEGIN, JOB_BATCH_END };

struct hook_job {
	enum job_kind kind;
	notmuch_message_t *msg;
	struct mail_message_info info;
};

struct mail_hook_queue {
	const struct mail_index_hooks *hooks;
	struct hook_job jobs[QUEUE_JOBS];
	pthread_t thread;
	bool threaded;

	pthread_mutex_t lock;
	pthread_cond_t changed;
	/* jobs [0, queued) were handed over, [0, ran) have run, [0, reaped)
	 * were cleared by the walk's thread */
	size_t queued, ran, reaped;
	bool worker_asleep, walk_asleep, stop;
	vt_status failed;
	struct vt_error failure;
};

static vt_status
run_job(const struct mail_index_hooks *hooks, struct hook_job *job, struct vt_error *err)
{
	switch (job->kind) {
	case JOB_MESSAGE:
		return hooks->message ? hooks->message(hooks->ctx, &job->info, err) : VT_OK;
	case JOB_BATCH_BEGIN:
		return hooks->batch_begin ? hooks->batch_begin(hooks->ctx, err) : VT_OK;
	case JOB_BATCH_END:
		return hooks->batch_end ? hooks->batch_end(hooks->ctx, err) : VT_OK;
	}
	return VT_OK;
}

static void
note_failure(struct mail_hook_queue *q, vt_status rc, const struct vt_error *err)
{
	if (rc != VT_OK && q->failed == VT_OK) {
		q->failed = rc;
		q->failure = *err;
	}
}

static void *
worker(void *arg)
{
	struct mail_hook_queue *q = arg;

	pthread_mutex_lock(&q->lock);
	for (;;) {
		while (q->ran == q->queued && !q->stop) {
			q->worker_asleep = true;
			pthread_cond_wait(&q->changed, &q->lock);
		}
		q->worker_asleep = false;
		if (q->ran == q->queued)
			break;
		struct hook_job *job = &q->jobs[q->ran % QUEUE_JOBS];
		bool skip = job->kind == JOB_MESSAGE && q->failed != VT_OK;
		struct vt_error err = { 0 };
		vt_status rc;

		pthread_mutex_unlock(&q->lock);
		rc = skip ? VT_OK : run_job(q->hooks, job, &err);
		pthread_mutex_lock(&q->lock);
		note_failure(q, rc, &err);
		q->ran++;
		if (q->walk_asleep)
			pthread_cond_broadcast(&q->changed);
	}
	pthread_mutex_unlock(&q->lock);
	return NULL;
}

struct mail_hook_queue *
mail_hook_queue_start(const struct mail_index_hooks *hooks)
{
	struct mail_hook_queue *q = calloc(1, sizeof *q);

	if (q == NULL)
		return NULL;
	q->hooks = hooks;
	pthread_mutex_init(&q->lock, NULL);
	pthread_cond_init(&q->changed, NULL);
	q->threaded = pthread_create(&q->thread, NULL, worker, q) == 0;
	return q;
}

/* Clears the jobs that ran: the walk's thread only. */
static void
reap(struct mail_hook_queue *q)
{
	size_t ran;

	pthread_mutex_lock(&q->lock);
	ran = q->ran;
	pthread_mutex_unlock(&q->lock);
	/* the worker is done with these, and the walk hands over no new
	 * job into their slots till reaped moves past them */
	for (; q->reaped < ran; q->reaped++) {
		struct hook_job *job = &q->jobs[q->reaped % QUEUE_JOBS];

		if (job->kind == JOB_MESSAGE) {
			mail_message_info_clear(&job->info);
			if (job->msg != NULL)
				notmuch_message_destroy(job->msg);
		}
		memset(job, 0, sizeof *job);
	}
}

static vt_status
failure(struct mail_hook_queue *q, struct vt_error *err)
{
	vt_status rc;

	pthread_mutex_lock(&q->lock);
	rc = q->failed;
	if (rc != VT_OK && err != NULL)
		*err = q->failure;
	pthread_mutex_unlock(&q->lock);
	return rc;
}

static vt_status
hand_over(struct mail_hook_queue *q, struct hook_job *job, struct vt_error *err)
{
	if (!q->threaded) {
		struct vt_error mine = { 0 };
		bool skip = job->kind == JOB_MESSAGE && q->failed != VT_OK;

		note_failure(q, skip ? VT_OK : run_job(q->hooks, job, &mine), &mine);
		if (job->kind == JOB_MESSAGE) {
			mail_message_info_clear(&job->info);
			if (job->msg != NULL)
				notmuch_message_destroy(job->msg);
		}
		return failure(q, err);
	}
	reap(q);
	pthread_mutex_lock(&q->lock);
	while (q->queued - q->ran == QUEUE_JOBS) {
		q->walk_asleep = true;
		pthread_cond_wait(&q->changed, &q->lock);
	}
	q->walk_asleep = false;
	pthread_mutex_unlock(&q->lock);
	/* the slot is free: every job before it ran, and reap clears it */
	reap(q);
	pthread_mutex_lock(&q->lock);
	q->jobs[q->queued % QUEUE_JOBS] = *job;
	q->queued++;
	if (q->worker_asleep && q->queued - q->ran >= WAKE_AT)
		pthread_cond_signal(&q->changed);
	pthread_mutex_unlock(&q->lock);
	return failure(q, err);
}

vt_status
mail_hook_queue_message(struct mail_hook_queue *q, notmuch_message_t *msg,
			struct mail_message_info *info, struct vt_error *err)
{
	struct hook_job job = { .kind = JOB_MESSAGE, .msg = msg, .info = *info };

	memset(info, 0, sizeof *info);
	return hand_over(q, &job, err);
}

vt_status
mail_hook_queue_batch(struct mail_hook_queue *q, bool begin, struct vt_error *err)
{
	struct hook_job job = { .kind = begin ? JOB_BATCH_BEGIN : JOB_BATCH_END };

	return hand_over(q, &job, err);
}

vt_status
mail_hook_queue_drain(struct mail_hook_queue *q, struct vt_error *err)
{
	if (q->threaded) {
		pthread_mutex_lock(&q->lock);
		if (q->worker_asleep && q->ran != q->queued)
			pthread_cond_signal(&q->changed);
		while (q->ran != q->queued) {
			q->walk_asleep = true;
			pthread_cond_wait(&q->changed, &q->lock);
		}
		q->walk_asleep = false;
		pthread_mutex_unlock(&q->lock);
		reap(q);
	}
	return failure(q, err);
}

void
mail_hook_queue_stop(struct mail_hook_queue *q)
{
	if (q == NULL)
		return;
	mail_hook_queue_drain(q, NULL);
	if (q->threaded) {
		pthread_mutex_lock(&q->lock);
		q->stop = true;
		pthread_cond_signal(&q->changed);
		pthread_mutex_unlock(&q->lock);
		pthread_join(q->thread, NULL);
	}
	pthread_mutex_destroy(&q->lock);
	pthread_cond_destroy(&q->changed);
	free(q);
}
