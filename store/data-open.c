/*
 * Opening the user's data: the notmuch index and the store.
 *
 * A reader (search, count, the interface: every command that only reads)
 * opens the two at once. sqlite opening the store (its WAL, its shared
 * index rebuilt, a schema of 52 objects parsed: 0.5 ms) and notmuch
 * opening the index (0.5 ms) wait on different files, and at 6,000
 * messages a search of 50 threads is 5 ms end to end: in turn, the two
 * were a fifth of it (bench/RESULTS.md, "The store opened beside the
 * index"). A writer opens them in turn: opening the index for writing
 * sets Xapian's flush threshold in the environment, which no other
 * thread may read meanwhile.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <sys/stat.h>

#include "private.h"

/* <data_dir>/vtriage.db into path; false when it does not fit. */
static bool
store_path(const struct vt_config *cfg, char *path, size_t len)
{
	return snprintf(path, len, "%s/vtriage.db", cfg->data_dir) < (int)len;
}

/* The store of cfg's data directory, made if missing. */
static vt_status
open_data_store(const struct vt_config *cfg, struct vt_store **store, struct vt_error *err)
{
	char path[PATH_MAX];
	vt_status rc;

	if (!store_path(cfg, path, sizeof path))
		return vt_fail(err, VT_ERR_CONFIG, "data directory path too long");
	/* with [store] notmuch_db nothing else made the data directory */
	if ((rc = mail_make_data_dir(cfg->data_dir, cfg->data_dir_origin, err)) != VT_OK)
		return rc;
	if ((rc = vt_store_open(path, store, err)) == VT_OK)
		vt_store_set_followup_days(*store, cfg->followup_days);
	return rc;
}

struct store_opening {
	const struct vt_config *cfg;
	struct vt_store *store;
	struct vt_error err;
	vt_status rc;
	/* no store yet: made after the index opened, not beside an index
	 * that may fail (a mistyped maildir leaves nothing behind) */
	bool absent;
	/* done, under lock: till then the thread is there to be moved */
	pthread_mutex_t lock;
	bool done;
	/* the CPUs the process may use, when the thread starts off one */
	cpu_set_t cpus;
	bool placed;
};

static void *
open_store_aside(void *arg)
{
	struct store_opening *o = arg;
	char path[PATH_MAX];
	struct stat sb;

	/* started where it runs at once; from now on free to move: kept
	 * off the main thread's CPU it could be stopped, holding a lock of
	 * the kernel's the main thread needs, behind work of a higher
	 * priority */
	if (o->placed)
		pthread_setaffinity_np(pthread_self(), sizeof o->cpus, &o->cpus);
	if (store_path(o->cfg, path, sizeof path) && stat(path, &sb) != 0 && errno == ENOENT)
		o->absent = true;
	else
		o->rc = open_data_store(o->cfg, &o->store, &o->err);
	pthread_mutex_lock(&o->lock);
	o->done = true;
	pthread_mutex_unlock(&o->lock);
	return NULL;
}

/*
 * Left to the scheduler a new thread goes on its parent's CPU and runs
 * once the parent waits for it, the overlap lost (4 runs in 5 here): it
 * starts on another CPU. Signals stay the main thread's (the handlers
 * only set flags; a system call of the main thread's is what they are
 * meant to interrupt).
 */
static bool
start_aside(pthread_t *thread, struct store_opening *o)
{
	int here = sched_getcpu();
	sigset_t all, was;
	pthread_attr_t attr;
	cpu_set_t cpus;
	bool started = false;

	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &was);
	if (here >= 0 && sched_getaffinity(0, sizeof o->cpus, &o->cpus) == 0 &&
	    CPU_COUNT(&o->cpus) > 1 && pthread_attr_init(&attr) == 0) {
		cpus = o->cpus;
		CPU_CLR(here, &cpus);
		o->placed = true;
		/* denied the affinity (a seccomp rule), it starts as it may */
		started = pthread_attr_setaffinity_np(&attr, sizeof cpus, &cpus) == 0 &&
			  pthread_create(thread, &attr, open_store_aside, o) == 0;
		pthread_attr_destroy(&attr);
	}
	if (!started) {
		o->placed = false;
		started = pthread_create(thread, NULL, open_store_aside, o) == 0;
	}
	pthread_sigmask(SIG_SETMASK, &was, NULL);
	return started;
}

/*
 * The index is open and the store's thread not done: it may be waiting
 * for a CPU the others keep (busy with work of a higher priority, which
 * can be forever): it comes to this one, free while the main thread
 * waits for it. Under the lock the thread has not ended, so its id is
 * its own (an ended thread's would be 0: the caller's).
 */
static void
bring_aside_here(pthread_t thread, struct store_opening *o)
{
	int here = sched_getcpu();
	cpu_set_t cpus;

	pthread_mutex_lock(&o->lock);
	if (!o->done && here >= 0) {
		CPU_ZERO(&cpus);
		CPU_SET(here, &cpus);
		pthread_setaffinity_np(thread, sizeof cpus, &cpus);
	}
	pthread_mutex_unlock(&o->lock);
}

vt_status
vt_data_open(const struct vt_config *cfg, enum mail_db_mode mode, struct mail_db **db,
	     struct vt_store **store, struct vt_error *err)
{
	struct store_opening aside = { .cfg = cfg, .lock = PTHREAD_MUTEX_INITIALIZER };
	struct mail_db_location loc;
	pthread_t opener;
	vt_status rc;

	vt_config_mail_location(cfg, &loc);
	/* it reads the environment: before any thread of ours */
	vt_sqlite_configure();
	if (*db == NULL && *store == NULL && mode == MAIL_DB_READ_ONLY &&
	    start_aside(&opener, &aside)) {
		rc = mail_db_open(&loc, mode, db, err);
		bring_aside_here(opener, &aside);
		pthread_join(opener, NULL);
		pthread_mutex_destroy(&aside.lock);
		if (rc != VT_OK) {
			/* as when opened in turn: no store after a failed index */
			vt_store_close(&aside.store);
			return rc;
		}
		if (aside.absent)
			return open_data_store(cfg, store, err);
		*store = aside.store;
		if (aside.rc != VT_OK && err != NULL)
			*err = aside.err;
		return aside.rc;
	}
	if (*db == NULL && (rc = mail_db_open(&loc, mode, db, err)) != VT_OK)
		return rc;
	if (*store == NULL)
		return open_data_store(cfg, store, err);
	return VT_OK;
}
