/*
 * Bringing the notmuch index up to date with the mail root.
 *
 * The walk follows `notmuch new` rule for rule, so that both index exactly
 * the same files: every regular file below the mail root (symlinks
 * followed) except the top-level .notmuch directory, "tmp" directories of
 * Maildirs and names matching new.ignore; a directory whose mtime matches
 * the one recorded in the index is not listed again; new files are added
 * before vanished ones are removed, so a rename never loses a message.
 *
 * Unlike `notmuch new`, files are added in batches: the store's hooks
 * commit their side of a batch before the index commits its own, so a
 * crash leaves only work that the next run redoes idempotently.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "private.h"

#define BATCH_FILES 256
#define PROGRESS_INTERVAL 0.5

struct path_list {
	char **paths;
	time_t *mtimes; /* only for the directory mtime list */
	size_t count, cap;
};

/* A directory by what it is, whatever the path that led there. */
struct dir_id {
	dev_t dev;
	ino_t ino;
};

struct walk {
	struct mail_db *db;
	const struct mail_index_options *opts;
	const struct mail_index_hooks *hooks;
	struct mail_index_stats *stats;
	struct vt_error *err;

	notmuch_config_values_t *new_tags;
	notmuch_bool_t sync_flags;
	regex_t *ignore_regex;
	size_t n_ignore_regex;
	char **ignore_names;
	size_t n_ignore_names;
	bool full_scan; /* options.full_scan or .ignore_changed */

	struct path_list removed_files, removed_dirs, dir_mtimes;
	/* what the walk found: the index as the last run left it? */
	unsigned long revision_at_start;
	const char *uuid;
	/* sums of dir_fingerprint() over the directories walked, of the
	 * mtimes the index records before and after this run (none: not
	 * in the sum) */
	uint64_t dirs_before, dirs_after;
	bool rescanned; /* a directory changed on disk */
	/* a directory listed with other files in the index than the last
	 * run left there (dirs_known): another program indexed it */
	bool indexed_by_others;
	struct mail_dir_files dirs_known, dir_changes;
	/* the index's files of each directory listed less the record's, by
	 * folder (count_group): summed after the walk */
	struct mail_dir_files count_deltas;
	/* dir_fingerprint()s of the directories removed: in the index as
	 * the last run left it, in it no longer */
	uint64_t dirs_removed;
	/* the directory being listed: the index's files of it, those this
	 * run indexed and those it takes out */
	unsigned dir_listed, dir_indexed, dir_vanished;
	time_t newest, newest_stored;                /* MAIL_CONFIG_NEWEST */
	long long oldest, oldest_stored;             /* MAIL_CONFIG_OLDEST, -1: none yet */
	long long oldest_dated, oldest_dated_stored; /* MAIL_CONFIG_OLDEST_DATED */
	/* MAIL_CONFIG_AHEAD: months of mail dated ahead; more than fit */
	long ahead[MAIL_MONTHS_AHEAD_MAX];
	int n_ahead;
	bool ahead_many, ahead_changed;
	bool in_batch;
	bool store_open; /* the store's transaction, over the batches till a commit */
	unsigned batch_size;
	/* the store's hooks, on a thread of their own (mail_index_run) */
	struct mail_hook_queue *queue;
	/* the directories the walk is inside (enter_dir) */
	struct dir_id *inside;
	size_t n_inside, inside_max;
	struct timespec start, last_progress;
};

static double
seconds_between(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

static vt_status
path_list_add(struct path_list *l, const char *path, time_t mtime, struct vt_error *err)
{
	if (l->count == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		char **p = realloc(l->paths, cap * sizeof *p);
		time_t *m;

		if (p == NULL)
			return vt_fail(err, VT_ERR_NOMEM, "out of memory");
		l->paths = p;
		m = realloc(l->mtimes, cap * sizeof *m);
		if (m == NULL)
			return vt_fail(err, VT_ERR_NOMEM, "out of memory");
		l->mtimes = m;
		l->cap = cap;
	}
	l->paths[l->count] = strdup(path);
	if (l->paths[l->count] == NULL)
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	l->mtimes[l->count++] = mtime;
	return VT_OK;
}

static void
path_list_clear(struct path_list *l)
{
	size_t i;

	for (i = 0; i < l->count; i++)
		free(l->paths[i]);
	free(l->paths);
	free(l->mtimes);
	memset(l, 0, sizeof *l);
}

static bool
interrupted(const struct walk *w)
{
	return w->opts->interrupted != NULL && *w->opts->interrupted;
}

static void
maybe_progress(struct walk *w, bool force)
{
	struct timespec now;

	if (w->hooks->progress == NULL)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (!force && seconds_between(&w->last_progress, &now) < PROGRESS_INTERVAL)
		return;
	w->last_progress = now;
	w->stats->elapsed = seconds_between(&w->start, &now);
	w->hooks->progress(w->hooks->ctx, w->stats);
}

static void
warn(struct walk *w, const char *path, const char *why)
{
	if (w->hooks->warning != NULL)
		w->hooks->warning(w->hooks->ctx, path, why);
}

/* ---- batches: the store's transaction beside the index's ---- */

static vt_status
batch_open(struct walk *w)
{
	notmuch_status_t st;
	vt_status rc;

	if (w->in_batch)
		return VT_OK;
	if (w->store_open)
		rc = VT_OK;
	else if (w->queue != NULL)
		rc = mail_hook_queue_batch(w->queue, true, w->err);
	else
		rc = w->hooks->batch_begin ? w->hooks->batch_begin(w->hooks->ctx, w->err) : VT_OK;
	if (rc != VT_OK)
		return rc;
	w->store_open = true;
	st = mail_db_begin_atomic(w->db);
	if (st != NOTMUCH_STATUS_SUCCESS)
		return mail_nm_fail(w->db, w->err, st, "begin index transaction");
	w->in_batch = true;
	w->batch_size = 0;
	return VT_OK;
}

static vt_status
store_date(struct walk *w, const char *key, long long when)
{
	char value[32];
	notmuch_status_t st;

	snprintf(value, sizeof value, "%lld", when);
	st = notmuch_database_set_config(w->db->nm, key, value);
	return st == NOTMUCH_STATUS_SUCCESS ? VT_OK : mail_nm_fail(w->db, w->err, st, key);
}

static vt_status
store_ahead(struct walk *w)
{
	char value[MAIL_MONTHS_AHEAD_MAX * MAIL_MONTH_NAME_LEN + 8], *p = value;
	notmuch_status_t st;

	*p = '\0';
	if (w->ahead_many)
		strcpy(value, "many");
	for (int i = 0; !w->ahead_many && i < w->n_ahead; i++) {
		char name[MAIL_MONTH_NAME_LEN];

		mail_month_name(w->ahead[i], name);
		p += sprintf(p, "%s%s", i ? " " : "", name);
	}
	st = notmuch_database_set_config(w->db->nm, MAIL_CONFIG_AHEAD, value);
	return st == NOTMUCH_STATUS_SUCCESS ? VT_OK
					    : mail_nm_fail(w->db, w->err, st, MAIL_CONFIG_AHEAD);
}

/* The dates lists start reading from, at either end (mail/thread-order.c):
 * they only ever widen, so mail removed since leaves a span read for
 * nothing, never a message unread. */
static vt_status
store_ends(struct walk *w)
{
	vt_status rc = VT_OK;

	if (w->newest > w->newest_stored &&
	    (rc = store_date(w, MAIL_CONFIG_NEWEST, (long long)w->newest)) == VT_OK)
		w->newest_stored = w->newest;
	if (rc == VT_OK && w->oldest >= 0 &&
	    (w->oldest_stored < 0 || w->oldest < w->oldest_stored) &&
	    (rc = store_date(w, MAIL_CONFIG_OLDEST, w->oldest)) == VT_OK)
		w->oldest_stored = w->oldest;
	if (rc == VT_OK && w->oldest_dated >= 0 &&
	    (w->oldest_dated_stored < 0 || w->oldest_dated < w->oldest_dated_stored) &&
	    (rc = store_date(w, MAIL_CONFIG_OLDEST_DATED, w->oldest_dated)) == VT_OK)
		w->oldest_dated_stored = w->oldest_dated;
	if (rc == VT_OK && w->ahead_changed && (rc = store_ahead(w)) == VT_OK)
		w->ahead_changed = false;
	return rc;
}

/*
 * The store commits where the index does, just before it: at the batch
 * whose end makes notmuch commit (every database.autocommit batches),
 * and at the walk's last (the index commits as it closes). Committed at
 * every batch, a run failing in between (a full disk) left the store
 * with up to seven batches of mail the index had lost: until the next
 * run, vendor counts, histories and waiting lists named mail and
 * threads that no search found. last: the walk's last batch.
 */
static vt_status
batch_close(struct walk *w, bool last)
{
	notmuch_status_t st;
	vt_status rc = VT_OK;

	if (!w->in_batch)
		return VT_OK;
	w->in_batch = false;
	if (w->store_open && (last || mail_db_next_end_commits(w->db))) {
		w->store_open = false;
		if (w->queue != NULL)
			rc = mail_hook_queue_batch(w->queue, false, w->err);
		else if (w->hooks->batch_end)
			rc = w->hooks->batch_end(w->hooks->ctx, w->err);
	}
	if (rc == VT_OK)
		rc = store_ends(w);
	st = mail_db_end_atomic(w->db);
	if (rc == VT_OK && st != NOTMUCH_STATUS_SUCCESS)
		rc = mail_nm_fail(w->db, w->err, st, "commit index transaction");
	return rc;
}

static vt_status
batch_step(struct walk *w)
{
	vt_status rc;

	if (++w->batch_size < BATCH_FILES)
		return VT_OK;
	if ((rc = batch_close(w, false)) != VT_OK)
		return rc;
	return batch_open(w);
}

/* ---- attribution ---- */

/* A message given its month: the ends of the index's dates widen to it. */
static void
note_date(struct walk *w, notmuch_message_t *msg)
{
	time_t date = notmuch_message_get_date(msg), tomorrow = time(NULL) + 86400;

	if (date > w->newest && date <= tomorrow)
		w->newest = date;
	if (w->oldest < 0 || (long long)date < w->oldest)
		w->oldest = date;
	if ((long long)date >= MAIL_DATED_SINCE && (w->oldest_dated < 0 || date < w->oldest_dated))
		w->oldest_dated = date;
	if (date > tomorrow && !w->ahead_many) {
		long month = mail_month_of((long long)date);
		int i;

		for (i = 0; i < w->n_ahead && w->ahead[i] != month; i++)
			;
		if (i == w->n_ahead) {
			if (w->n_ahead == MAIL_MONTHS_AHEAD_MAX)
				w->ahead_many = true;
			else
				w->ahead[w->n_ahead++] = month;
			w->ahead_changed = true;
		}
	}
}

/* facts: the file's, read ahead, given only for mail add_file has just
 * indexed (no properties yet); NULL to read them now, for mail indexed
 * before. The description is left in info for the hook. */
static vt_status
describe_and_mark(struct walk *w, notmuch_message_t *msg, struct mail_file_facts *facts,
		  struct mail_message_info *info)
{
	notmuch_status_t st;

	if (facts != NULL)
		mail_message_describe_with(msg, w->opts->identity, facts, info);
	else
		mail_message_describe(msg, w->opts, info);
	if (w->hooks->judge != NULL && w->hooks->message != NULL)
		w->hooks->judge(w->hooks->ctx, info, info->marked, sizeof info->marked);
	note_date(w, msg);
	st = mail_message_store_attribution(msg, &info->attribution, info->document.kind,
					    info->marked, facts != NULL);
	return st == NOTMUCH_STATUS_SUCCESS ? VT_OK
					    : mail_nm_fail(w->db, w->err, st, "record attribution");
}

/* Mail indexed before: the hooks handed over so far run first, so that
 * the store sees every message in order. */
static vt_status
attribute_message(struct walk *w, notmuch_message_t *msg)
{
	struct mail_message_info info;
	vt_status rc;

	if (w->queue != NULL && (rc = mail_hook_queue_drain(w->queue, w->err)) != VT_OK)
		return rc;
	rc = describe_and_mark(w, msg, NULL, &info);
	if (rc == VT_OK && w->hooks->message != NULL)
		rc = w->hooks->message(w->hooks->ctx, &info, w->err);
	mail_message_info_clear(&info);
	return rc;
}

/* ---- adding one file ---- */

/*
 * The tags a new message's maildir flags give, as
 * notmuch_message_maildir_flags_to_tags would set them. That call costs
 * as much again as our whole attribution: it removes each tag a flag does
 * not give, and removing a tag a document lacks is an exception thrown
 * inside Xapian. A message just indexed has one file and no tags, so
 * adding is all there is to do. Flags are what follows ":2," in a file
 * under cur/ or new/; a file in new/ without them has none set.
 */
static const struct {
	char flag;
	bool inverse;
	const char *tag;
} flag_tags[] = {
	{ 'D', false, "draft" },   { 'F', false, "flagged" }, { 'P', false, "passed" },
	{ 'R', false, "replied" }, { 'S', true, "unread" },
};

static const char *
maildir_flags(const char *path)
{
	const char *slash = strrchr(path, '/'), *info;

	if (slash == NULL || slash - path < 4 || slash[-4] != '/' ||
	    (strncmp(slash - 3, "cur", 3) != 0 && strncmp(slash - 3, "new", 3) != 0))
		return NULL;
	if ((info = strstr(path, ":2,")) != NULL)
		return info + 3;
	return strncmp(slash - 3, "new", 3) == 0 ? "" : NULL;
}

static void
tag_new_message(struct walk *w, notmuch_message_t *msg, const char *path)
{
	const char *flags = maildir_flags(path);
	bool seen = flags != NULL && strchr(flags, 'S') != NULL;

	for (size_t i = 0;
	     w->sync_flags && flags != NULL && i < sizeof flag_tags / sizeof flag_tags[0]; i++)
		if ((strchr(flags, flag_tags[i].flag) != NULL) != flag_tags[i].inverse)
			notmuch_message_add_tag(msg, flag_tags[i].tag);
	for (notmuch_config_values_start(w->new_tags); notmuch_config_values_valid(w->new_tags);
	     notmuch_config_values_move_to_next(w->new_tags)) {
		const char *tag = notmuch_config_values_get(w->new_tags);

		/* As notmuch new, flag sync or not: seen mail is not unread. */
		if (!(seen && strcmp(tag, "unread") == 0))
			notmuch_message_add_tag(msg, tag);
	}
}

static vt_status
add_file(struct walk *w, const char *path, struct mail_file_facts *facts)
{
	struct mail_message_info info;
	notmuch_message_t *msg = NULL;
	notmuch_status_t st;
	vt_status rc = VT_OK;

	if ((rc = batch_open(w)) != VT_OK)
		return rc;
	w->stats->files_seen++;
	st = notmuch_database_index_file(w->db->nm, path, NULL, &msg);
	switch (st) {
	case NOTMUCH_STATUS_SUCCESS: {
		w->stats->added++;
		w->dir_indexed++;
		notmuch_message_freeze(msg);
		tag_new_message(w, msg, path);
		rc = describe_and_mark(w, msg, facts, &info);
		notmuch_message_thaw(msg);
		if (rc != VT_OK || w->hooks->message == NULL) {
			mail_message_info_clear(&info);
		} else if (w->queue != NULL) {
			rc = mail_hook_queue_message(w->queue, msg, &info, w->err);
			msg = NULL; /* the queue's now */
		} else {
			rc = w->hooks->message(w->hooks->ctx, &info, w->err);
			mail_message_info_clear(&info);
		}
		break;
	}
	case NOTMUCH_STATUS_DUPLICATE_MESSAGE_ID:
		w->stats->duplicates++;
		w->dir_indexed++;
		if (w->sync_flags)
			notmuch_message_maildir_flags_to_tags(msg);
		break;
	case NOTMUCH_STATUS_FILE_NOT_EMAIL:
		w->stats->not_mail++;
		warn(w, path, "not an email message (no From, To or Subject header): not indexed");
		break;
	case NOTMUCH_STATUS_FILE_ERROR:
		w->stats->vanished++;
		warn(w, path, "unreadable or vanished while indexing: not indexed");
		break;
	default:
		rc = mail_nm_fail(w->db, w->err, st, path);
		break;
	}
	if (msg != NULL)
		notmuch_message_destroy(msg);
	if (rc == VT_OK)
		rc = batch_step(w);
	maybe_progress(w, false);
	return rc;
}

/* ---- removing ---- */

static uint64_t dir_fingerprint(const char *path, time_t mtime);
static vt_status compare_listed(struct walk *w, bool in_index, const char *path, long listed);

static vt_status
remove_file(struct walk *w, const char *path)
{
	notmuch_message_t *msg = NULL;
	notmuch_status_t st;
	char *id = NULL;
	vt_status rc = VT_OK;

	if ((rc = batch_open(w)) != VT_OK)
		return rc;
	st = notmuch_database_find_message_by_filename(w->db->nm, path, &msg);
	if (st != NOTMUCH_STATUS_SUCCESS)
		return mail_nm_fail(w->db, w->err, st, path);
	if (msg == NULL)
		return VT_OK;
	id = strdup(notmuch_message_get_message_id(msg));
	if (id == NULL) {
		notmuch_message_destroy(msg);
		return vt_fail(w->err, VT_ERR_NOMEM, "out of memory");
	}
	st = notmuch_database_remove_message(w->db->nm, path);
	if (st == NOTMUCH_STATUS_DUPLICATE_MESSAGE_ID) {
		w->stats->renamed++;
		/* Our message object still lists the removed name, whose
		 * flags would win: ask for the message afresh. */
		notmuch_message_destroy(msg);
		msg = NULL;
		st = notmuch_database_find_message(w->db->nm, id, &msg);
		if (st != NOTMUCH_STATUS_SUCCESS)
			rc = mail_nm_fail(w->db, w->err, st, path);
		else if (msg != NULL && w->sync_flags)
			notmuch_message_maildir_flags_to_tags(msg);
	} else if (st == NOTMUCH_STATUS_SUCCESS) {
		w->stats->removed++;
		if (w->queue != NULL)
			rc = mail_hook_queue_drain(w->queue, w->err);
		if (rc == VT_OK && w->hooks->removed != NULL)
			rc = w->hooks->removed(w->hooks->ctx, id, w->err);
	} else {
		rc = mail_nm_fail(w->db, w->err, st, path);
	}
	if (msg != NULL)
		notmuch_message_destroy(msg);
	free(id);
	if (rc == VT_OK)
		rc = batch_step(w);
	return rc;
}

static vt_status
remove_directory(struct walk *w, const char *path)
{
	notmuch_directory_t *dir = NULL;
	notmuch_filenames_t *names;
	notmuch_status_t st;
	time_t mtime;
	char *child;
	long files = 0;
	vt_status rc = VT_OK;

	st = notmuch_database_get_directory(w->db->nm, path, &dir);
	if (st != NOTMUCH_STATUS_SUCCESS)
		return mail_nm_fail(w->db, w->err, st, path);
	if (dir == NULL)
		return VT_OK;
	/* never walked: its part of the fingerprint and of the counts as
	 * the last run left them is compared here */
	if ((mtime = notmuch_directory_get_mtime(dir)) != 0) {
		w->dirs_before += dir_fingerprint(path, mtime);
		w->dirs_removed += dir_fingerprint(path, mtime);
	}
	for (names = notmuch_directory_get_child_files(dir);
	     rc == VT_OK && notmuch_filenames_valid(names); notmuch_filenames_move_to_next(names)) {
		if (asprintf(&child, "%s/%s", path, notmuch_filenames_get(names)) < 0)
			rc = vt_fail(w->err, VT_ERR_NOMEM, "out of memory");
		else {
			rc = remove_file(w, child);
			free(child);
			files++;
		}
	}
	notmuch_filenames_destroy(names);
	if (rc == VT_OK)
		rc = compare_listed(w, true, path, files);
	for (names = notmuch_directory_get_child_directories(dir);
	     rc == VT_OK && notmuch_filenames_valid(names); notmuch_filenames_move_to_next(names)) {
		if (asprintf(&child, "%s/%s", path, notmuch_filenames_get(names)) < 0)
			rc = vt_fail(w->err, VT_ERR_NOMEM, "out of memory");
		else {
			rc = remove_directory(w, child);
			free(child);
		}
	}
	notmuch_filenames_destroy(names);
	if (rc == VT_OK)
		rc = mail_dir_files_set(&w->dir_changes, path, -1, w->err);
	if (rc == VT_OK) {
		st = notmuch_directory_delete(dir);
		if (st != NOTMUCH_STATUS_SUCCESS)
			rc = mail_nm_fail(w->db, w->err, st, path);
	} else {
		notmuch_directory_destroy(dir);
	}
	return rc;
}

/* ---- the walk ---- */

/* File type following symlinks, as notmuch does; -1 when it cannot tell. */
static int
entry_type(const char *dir, const struct dirent *e)
{
	char path[4096];
	struct stat sb;

	if (e->d_type == DT_DIR)
		return S_IFDIR;
	if (e->d_type == DT_REG)
		return S_IFREG;
	if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, e->d_name) >= sizeof path)
		return -1;
	if (stat(path, &sb) != 0)
		return -1;
	return (int)(sb.st_mode & S_IFMT);
}

/* Another mail program's file (or directory), by its name and type. */
static bool
others_state(const struct walk *w, const char *dir, const struct dirent *e)
{
	switch (mail_sync_state_entry(e->d_name, strcmp(dir, w->db->mail_root) == 0)) {
	case MAIL_STATE_FILE:
		return entry_type(dir, e) == S_IFREG;
	case MAIL_STATE_DIR:
		return entry_type(dir, e) == S_IFDIR;
	default:
		return false;
	}
}

static bool
ignored(const struct walk *w, const char *dir, const struct dirent *e)
{
	const char *name = e->d_name;
	char path[4096];
	size_t i;

	if (others_state(w, dir, e))
		return true;
	for (i = 0; i < w->n_ignore_names; i++)
		if (strcmp(name, w->ignore_names[i]) == 0)
			return true;
	if (w->n_ignore_regex == 0)
		return false;
	/* Patterns match the path relative to the mail root. */
	if (strlen(dir) >= strlen(w->db->mail_root))
		dir += strlen(w->db->mail_root);
	while (*dir == '/')
		dir++;
	snprintf(path, sizeof path, "%s%s%s", dir, *dir ? "/" : "", name);
	for (i = 0; i < w->n_ignore_regex; i++)
		if (regexec(&w->ignore_regex[i], path, 0, NULL, 0) == 0)
			return true;
	return false;
}

static int
by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static bool
is_special(const char *name)
{
	return strcmp(name, ".") == 0 || strcmp(name, "..") == 0;
}

static bool
looks_like_maildir(const char *dir, struct dirent **entries, int n)
{
	int i, found = 0;

	for (i = 0; i < n; i++)
		if ((strcmp(entries[i]->d_name, "cur") == 0 ||
		     strcmp(entries[i]->d_name, "new") == 0 ||
		     strcmp(entries[i]->d_name, "tmp") == 0) &&
		    entry_type(dir, entries[i]) == S_IFDIR)
			found++;
	return found == 3;
}

/* FNV-1a of a directory and the mtime the index records for it; summed
 * over all directories, in whatever order they are met. */
static uint64_t
dir_fingerprint(const char *path, time_t mtime)
{
	uint64_t h = mail_path_hash(path), m = (uint64_t)mtime;

	for (int i = 0; i < 8; i++, m >>= 8)
		h = (h ^ (m & 0xff)) * 0x100000001b3ULL;
	return h;
}

static vt_status walk_dir(struct walk *w, const char *path);

/*
 * The record's key a directory's count is compared under: a maildir's
 * cur/ and new/ are one, since notmuch itself moves files from new/ to
 * cur/ when vtriage's tags change their flags (the index then holds one
 * file fewer in new/ and one more in cur/, with no walk to see it).
 */
static uint64_t
count_group(const char *path)
{
	const char *slash = strrchr(path, '/');
	char group[4200];

	if (slash != NULL && (strcmp(slash + 1, "cur") == 0 || strcmp(slash + 1, "new") == 0) &&
	    snprintf(group, sizeof group, "%.*s/cur+new", (int)(slash - path), path) <
		    (int)sizeof group)
		return mail_path_hash(group);
	return mail_path_hash(path);
}

/* The index's files in a directory the walk does not list, into the
 * record: a run without one records every directory, not only those
 * changed, or each would be taken for another program's the first time
 * it changed. */
static vt_status
record_unlisted(struct walk *w, notmuch_directory_t *dir, const char *path)
{
	notmuch_filenames_t *names;
	long n = 0;

	if (w->dirs_known.known || dir == NULL || w->opts->dirs_recorded == NULL)
		return VT_OK;
	for (names = notmuch_directory_get_child_files(dir); notmuch_filenames_valid(names);
	     notmuch_filenames_move_to_next(names))
		n++;
	notmuch_filenames_destroy(names);
	return mail_dir_files_set(&w->dir_changes, path, n, w->err);
}

/* A directory listed: the index's files of it against the record's. */
static vt_status
compare_listed(struct walk *w, bool in_index, const char *path, long listed)
{
	long recorded = mail_dir_files_get(&w->dirs_known, path);

	/* one the index holds that no run of ours left there */
	if (in_index && recorded < 0) {
		w->indexed_by_others = true;
		return VT_OK;
	}
	return mail_dir_files_set_key(&w->count_deltas, count_group(path),
				      (in_index ? listed : 0) - (recorded < 0 ? 0 : recorded),
				      w->err);
}

/* After the walk and its removals: a folder whose counts do not add up
 * was indexed by another program. */
static void
compare_groups(struct walk *w)
{
	struct mail_dir_files *d = &w->count_deltas;

	mail_dir_files_sort(d);
	for (size_t i = 0; i < d->count;) {
		long sum = 0;
		size_t j = i;

		for (; j < d->count && d->v[j].key == d->v[i].key; j++)
			sum += d->v[j].files;
		if (sum != 0)
			w->indexed_by_others = true;
		i = j;
	}
}

/*
 * notmuch keeps a folder's path below the mail root, and each name in
 * its folder, in Xapian terms of at most 245 bytes with their prefixes
 * and ids: one folder named past that (a name of 236 bytes) failed
 * every index run, no mail indexed at all ("Term too long"), and one
 * nested past it, or a file named past it, ended the program on an
 * internal error. Such a folder or file is passed by, and said so.
 */
#define BELOW_ROOT_MAX 200

static bool
too_long_for_index(const struct walk *w, const char *path)
{
	size_t root = strlen(w->db->mail_root);

	if (strncmp(path, w->db->mail_root, root) == 0 && path[root] == '/')
		path += root + 1;
	return strlen(path) > BELOW_ROOT_MAX;
}

/* A subdirectory the walk does not enter: a Maildir's tmp/ (mail still
 * being delivered), the index's own .notmuch at the mail root. */
static bool
passed_dir(bool maildir, bool at_root, const char *name)
{
	return (maildir && strcmp(name, "tmp") == 0) || (at_root && strcmp(name, ".notmuch") == 0);
}

static vt_status
walk_subdirs(struct walk *w, const char *path, struct dirent **entries, int n)
{
	bool maildir = looks_like_maildir(path, entries, n);
	bool at_root = strcmp(path, w->db->mail_root) == 0;
	char *child;
	int i, type;
	vt_status rc;

	for (i = 0; i < n && !interrupted(w); i++) {
		const char *name = entries[i]->d_name;

		if (is_special(name) || ignored(w, path, entries[i]))
			continue;
		type = entry_type(path, entries[i]);
		/* A dangling link or an entry that vanished: the file pass
		 * names it. */
		if (type != S_IFDIR)
			continue;
		if (passed_dir(maildir, at_root, name))
			continue;
		if (asprintf(&child, "%s/%s", path, name) < 0)
			return vt_fail(w->err, VT_ERR_NOMEM, "out of memory");
		if (too_long_for_index(w, child)) {
			warn(w, child,
			     "a folder's path longer than notmuch can index: not indexed");
			free(child);
			continue;
		}
		rc = walk_dir(w, child);
		free(child);
		if (rc != VT_OK)
			return rc;
	}
	return VT_OK;
}

static vt_status
queue_vanished_files(struct walk *w, const char *path, notmuch_filenames_t *db_files,
		     const char *upto)
{
	char *abs;
	vt_status rc;

	while (notmuch_filenames_valid(db_files) &&
	       (upto == NULL || strcmp(notmuch_filenames_get(db_files), upto) < 0)) {
		if (asprintf(&abs, "%s/%s", path, notmuch_filenames_get(db_files)) < 0)
			return vt_fail(w->err, VT_ERR_NOMEM, "out of memory");
		rc = path_list_add(&w->removed_files, abs, 0, w->err);
		free(abs);
		if (rc != VT_OK)
			return rc;
		w->dir_listed++;
		w->dir_vanished++;
		notmuch_filenames_move_to_next(db_files);
	}
	return VT_OK;
}

static vt_status
queue_vanished_dirs(struct walk *w, const char *path, notmuch_filenames_t *db_dirs,
		    const char *upto)
{
	char *abs;
	vt_status rc;
	int cmp;

	while (notmuch_filenames_valid(db_dirs)) {
		cmp = upto ? strcmp(notmuch_filenames_get(db_dirs), upto) : -1;
		if (cmp > 0)
			break;
		if (cmp < 0) {
			if (asprintf(&abs, "%s/%s", path, notmuch_filenames_get(db_dirs)) < 0)
				return vt_fail(w->err, VT_ERR_NOMEM, "out of memory");
			rc = path_list_add(&w->removed_dirs, abs, 0, w->err);
			free(abs);
			if (rc != VT_OK)
				return rc;
		}
		notmuch_filenames_move_to_next(db_dirs);
	}
	return VT_OK;
}

/* Adds the files in order, their facts read ahead on another thread. */
static vt_status
add_files(struct walk *w, const struct path_list *files)
{
	struct mail_prefetch *ahead;
	struct mail_file_facts facts;
	vt_status rc = VT_OK;

	if (files->count == 0)
		return VT_OK;
	ahead = mail_prefetch_start(files->paths, files->count, w->opts);
	if (ahead == NULL)
		return vt_fail(w->err, VT_ERR_NOMEM, "out of memory");
	for (size_t i = 0; rc == VT_OK && i < files->count && !interrupted(w); i++) {
		mail_prefetch_take(ahead, i, &facts);
		rc = add_file(w, files->paths[i], &facts);
		mail_file_facts_clear(&facts);
	}
	mail_prefetch_stop(ahead);
	return rc;
}

static vt_status
scan_files(struct walk *w, const char *path, struct dirent **entries, int n,
	   notmuch_filenames_t *db_files, notmuch_filenames_t *db_dirs)
{
	struct path_list added = { 0 };
	char *abs;
	int i, type;
	vt_status rc = VT_OK;

	for (i = 0; i < n && !interrupted(w); i++) {
		const char *name = entries[i]->d_name;

		if (is_special(name) || ignored(w, path, entries[i]))
			continue;
		if ((rc = queue_vanished_files(w, path, db_files, name)) != VT_OK ||
		    (rc = queue_vanished_dirs(w, path, db_dirs, name)) != VT_OK)
			goto out;
		type = entry_type(path, entries[i]);
		if (type == -1) {
			/* notmuch new gives up on the whole run here; we name
			 * the entry and go on. Its name is still listed, so
			 * mail indexed under it is not taken for deleted. */
			char *entry = NULL;

			if (asprintf(&entry, "%s/%s", path, name) < 0) {
				rc = vt_fail(w->err, VT_ERR_NOMEM, "out of memory");
				goto out;
			}
			w->stats->vanished++;
			warn(w, entry,
			     errno == ENOENT ? "dangling link or vanished: not indexed"
					     : strerror(errno));
			free(entry);
			continue;
		}
		if (type != S_IFREG)
			continue;
		if (notmuch_filenames_valid(db_files) &&
		    strcmp(notmuch_filenames_get(db_files), name) == 0) {
			w->dir_listed++;
			notmuch_filenames_move_to_next(db_files);
			continue;
		}
		if (asprintf(&abs, "%s/%s", path, name) < 0) {
			rc = vt_fail(w->err, VT_ERR_NOMEM, "out of memory");
			goto out;
		}
		if (strlen(name) > BELOW_ROOT_MAX) {
			w->stats->vanished++;
			warn(w, abs, "a file name longer than notmuch can index: not indexed");
			free(abs);
			continue;
		}
		rc = path_list_add(&added, abs, 0, w->err);
		free(abs);
		if (rc != VT_OK)
			goto out;
	}
	if (interrupted(w))
		goto out;
	if ((rc = queue_vanished_files(w, path, db_files, NULL)) != VT_OK ||
	    (rc = queue_vanished_dirs(w, path, db_dirs, NULL)) != VT_OK)
		goto out;
	rc = add_files(w, &added);
out:
	path_list_clear(&added);
	return rc;
}

/*
 * Enters the directory sb is, unless the walk is inside it already: a
 * link to a folder above (mail/INBOX/up -> ..) was walked again inside
 * itself, path after longer path, until notmuch stopped the program on
 * an internal error. False when it is so (or out of memory).
 */
static bool
enter_dir(struct walk *w, const struct stat *sb)
{
	struct dir_id *grown;

	for (size_t i = 0; i < w->n_inside; i++)
		if (w->inside[i].dev == sb->st_dev && w->inside[i].ino == sb->st_ino)
			return false;
	if (w->n_inside == w->inside_max) {
		size_t max = w->inside_max ? w->inside_max * 2 : 16;

		if ((grown = realloc(w->inside, max * sizeof *grown)) == NULL)
			return false;
		w->inside = grown;
		w->inside_max = max;
	}
	w->inside[w->n_inside++] = (struct dir_id){ sb->st_dev, sb->st_ino };
	return true;
}

static vt_status walk_listed_dir(struct walk *w, const char *path);

static vt_status
walk_dir(struct walk *w, const char *path)
{
	struct stat sb;
	vt_status rc;

	if (stat(path, &sb) != 0 || !S_ISDIR(sb.st_mode))
		return walk_listed_dir(w, path); /* which says why not */
	if (!enter_dir(w, &sb)) {
		warn(w, path, "a link to a folder it is inside: not followed");
		return VT_OK;
	}
	rc = walk_listed_dir(w, path);
	w->n_inside--;
	return rc;
}

static vt_status
walk_listed_dir(struct walk *w, const char *path)
{
	struct dirent **entries = NULL;
	notmuch_directory_t *dir = NULL;
	notmuch_filenames_t *db_files = NULL, *db_dirs = NULL;
	notmuch_status_t st;
	struct stat sb;
	time_t db_mtime, now;
	unsigned seen;
	int n = 0, i;
	vt_status rc = VT_OK;

	if (stat(path, &sb) != 0)
		return vt_fail(w->err, VT_ERR_IO, "cannot read directory %s: %s", path,
			       strerror(errno));
	now = time(NULL);
	if (!S_ISDIR(sb.st_mode))
		return vt_fail(w->err, VT_ERR_IO, "%s is not a directory", path);
	st = notmuch_database_get_directory(w->db->nm, path, &dir);
	if (st != NOTMUCH_STATUS_SUCCESS)
		return mail_nm_fail(w->db, w->err, st, path);
	db_mtime = dir ? notmuch_directory_get_mtime(dir) : 0;
	/* (a directory no one recorded, a new empty folder, is nothing) */
	if (db_mtime != 0)
		w->dirs_before += dir_fingerprint(path, db_mtime);

	/* A leaf directory unchanged since the last scan needs no listing. */
	if (dir && !w->full_scan && sb.st_mtime == db_mtime && sb.st_nlink == 2) {
		db_dirs = notmuch_directory_get_child_directories(dir);
		bool has_subdirs = notmuch_filenames_valid(db_dirs);

		notmuch_filenames_destroy(db_dirs);
		db_dirs = NULL;
		if (!has_subdirs) {
			rc = record_unlisted(w, dir, path);
			goto out;
		}
	}
	n = scandir(path, &entries, NULL, by_name);
	if (n < 0) {
		n = 0;
		rc = vt_fail(w->err, VT_ERR_IO, "cannot list directory %s: %s", path,
			     strerror(errno));
		goto out;
	}
	if ((rc = walk_subdirs(w, path, entries, n)) != VT_OK || interrupted(w))
		goto out;
	if (dir && !w->full_scan && sb.st_mtime == db_mtime) {
		rc = record_unlisted(w, dir, path);
		goto out;
	}
	/* Changed on disk, unless it is a directory the index never held a
	 * file of (an empty new/, say) and still holds none. */
	seen = w->stats->files_seen;
	w->dir_listed = w->dir_indexed = w->dir_vanished = 0;
	if (dir) {
		w->rescanned = true;
		db_files = notmuch_directory_get_child_files(dir);
		db_dirs = notmuch_directory_get_child_directories(dir);
	}
	rc = scan_files(w, path, entries, n, db_files, db_dirs);
	if (w->stats->files_seen != seen)
		w->rescanned = true;
	if (rc != VT_OK || interrupted(w))
		goto out;
	if ((rc = compare_listed(w, dir != NULL, path, (long)w->dir_listed)) != VT_OK)
		goto out;
	rc = mail_dir_files_set(&w->dir_changes, path,
				(long)w->dir_listed + w->dir_indexed - w->dir_vanished, w->err);
	if (rc != VT_OK)
		goto out;
	/* Mail delivered later within this same second must not be missed:
	 * only an mtime safely in the past is recorded as it is (file
	 * timestamps come from the kernel's coarse clock, which can lag
	 * time() by a tick, so "a different second" is not enough). A newer
	 * one is recorded a second short: the next run lists the directory
	 * again. */
	rc = path_list_add(&w->dir_mtimes, path,
			   sb.st_mtime < now - 1 ? sb.st_mtime : sb.st_mtime - 1, w->err);
out:
	if (db_files)
		notmuch_filenames_destroy(db_files);
	if (db_dirs)
		notmuch_filenames_destroy(db_dirs);
	if (dir)
		notmuch_directory_destroy(dir);
	for (i = 0; i < n; i++)
		free(entries[i]);
	free(entries);
	return rc;
}

static void
count_files(struct walk *w, const char *path, unsigned *count)
{
	struct dirent **entries = NULL;
	bool maildir, at_root = strcmp(path, w->db->mail_root) == 0;
	char *child;
	int n, i, type;
	struct stat sb;

	if (stat(path, &sb) != 0 || !enter_dir(w, &sb))
		return;
	n = scandir(path, &entries, NULL, NULL);
	if (n < 0) {
		w->n_inside--;
		return;
	}
	maildir = looks_like_maildir(path, entries, n);
	for (i = 0; i < n; i++) {
		const char *name = entries[i]->d_name;

		if (is_special(name) || ignored(w, path, entries[i]))
			continue;
		type = entry_type(path, entries[i]);
		if (type == S_IFREG)
			(*count)++;
		else if (type == S_IFDIR && !passed_dir(maildir, at_root, name) &&
			 asprintf(&child, "%s/%s", path, name) >= 0) {
			if (!too_long_for_index(w, child))
				count_files(w, child, count);
			free(child);
		}
	}
	for (i = 0; i < n; i++)
		free(entries[i]);
	free(entries);
	w->n_inside--;
}

/* A plain name, or /regex/ over the path below the mail root. */
static vt_status
add_ignore(struct walk *w, const char *s, const char *setting)
{
	size_t len = strlen(s);

	if (len == 0)
		return VT_OK;
	if (s[0] == '/' && len > 2 && s[len - 1] == '/') {
		regex_t *grown = realloc(w->ignore_regex, (w->n_ignore_regex + 1) * sizeof *grown);
		char *pattern;
		int bad;

		if (grown == NULL)
			return vt_fail(w->err, VT_ERR_NOMEM, "out of memory");
		w->ignore_regex = grown;
		pattern = strndup(s + 1, len - 2);
		if (pattern == NULL)
			return vt_fail(w->err, VT_ERR_NOMEM, "out of memory");
		bad = regcomp(&w->ignore_regex[w->n_ignore_regex], pattern,
			      REG_EXTENDED | REG_NOSUB);
		free(pattern);
		if (bad)
			return vt_fail(w->err, VT_ERR_CONFIG, "%s: invalid regex '%s'", setting, s);
		w->n_ignore_regex++;
	} else {
		char **grown = realloc(w->ignore_names, (w->n_ignore_names + 1) * sizeof *grown);

		if (grown == NULL)
			return vt_fail(w->err, VT_ERR_NOMEM, "out of memory");
		w->ignore_names = grown;
		if ((w->ignore_names[w->n_ignore_names] = strdup(s)) == NULL)
			return vt_fail(w->err, VT_ERR_NOMEM, "out of memory");
		w->n_ignore_names++;
	}
	return VT_OK;
}

/* The user's list: [store] ignore in our own index (written into its
 * notmuch-config too), notmuch's new.ignore in a reused one, as `notmuch
 * new` reads it. Other mail programs' files beside either (others_state). */
static vt_status
each_ignore(struct mail_db *db, vt_status (*fn)(void *ctx, const char *s), void *ctx)
{
	notmuch_config_values_t *v;
	vt_status rc = VT_OK;

	if (db->own_dir != NULL) {
		for (size_t i = 0; rc == VT_OK && i < db->n_ignore; i++)
			rc = fn(ctx, db->ignore[i]);
		return rc;
	}
	for (v = notmuch_config_get_values(db->nm, NOTMUCH_CONFIG_NEW_IGNORE);
	     rc == VT_OK && notmuch_config_values_valid(v); notmuch_config_values_move_to_next(v))
		rc = fn(ctx, notmuch_config_values_get(v));
	return rc;
}

static vt_status
print_ignore(void *ctx, const char *s)
{
	if (*s != '\0')
		fprintf(ctx, "%s;", s);
	return VT_OK;
}

char *
mail_index_ignore_text(struct mail_db *db, bool as_before)
{
	char *text = NULL;
	size_t len;
	FILE *f = open_memstream(&text, &len);

	if (f == NULL)
		return NULL;
	/* the built-in names are part of what changes the walk (those of
	 * before: files never indexed, nothing to list again for) */
	fputs("others " MAIL_SYNC_STATE_REV "\n", f);
	/* a version before had no [store] ignore */
	if (!as_before || db->own_dir == NULL)
		each_ignore(db, print_ignore, f);
	if (fclose(f) != 0) {
		free(text);
		return NULL;
	}
	return text;
}

static vt_status
compile_ignore(void *ctx, const char *s)
{
	struct walk *w = ctx;

	return add_ignore(w, s, w->db->own_dir != NULL ? "[store] ignore" : "notmuch new.ignore");
}

static vt_status
setup_ignore(struct walk *w)
{
	vt_status rc = each_ignore(w->db, compile_ignore, w);

	if (rc != VT_OK)
		return rc;
	/* A name or pattern more: mail indexed under it leaves the index,
	 * one less: what it passed by comes in, wherever it lies, as when
	 * notmuch new runs with a new new.ignore and --full-scan. */
	w->full_scan = w->opts->full_scan || w->opts->ignore_changed;
	w->stats->ignore_changed = w->opts->ignore_changed;
	return VT_OK;
}

static void
walk_clear(struct walk *w)
{
	size_t i;

	for (i = 0; i < w->n_ignore_regex; i++)
		regfree(&w->ignore_regex[i]);
	free(w->ignore_regex);
	for (i = 0; i < w->n_ignore_names; i++)
		free(w->ignore_names[i]);
	free(w->ignore_names);
	free(w->inside);
	path_list_clear(&w->removed_files);
	path_list_clear(&w->removed_dirs);
	path_list_clear(&w->dir_mtimes);
	mail_dir_files_clear(&w->dirs_known);
	mail_dir_files_clear(&w->dir_changes);
	mail_dir_files_clear(&w->count_deltas);
}

/* Does `one` to every message matching query, in batches. */
static vt_status
each_matching(struct walk *w, const char *query_string,
	      vt_status (*one)(struct walk *w, notmuch_message_t *msg), unsigned *count)
{
	notmuch_query_t *query;
	notmuch_messages_t *msgs;
	notmuch_message_t *msg;
	notmuch_status_t st;
	vt_status rc = VT_OK;

	query = notmuch_query_create(w->db->nm, query_string);
	if (query == NULL)
		return vt_fail(w->err, VT_ERR_NOMEM, "out of memory");
	notmuch_query_set_omit_excluded(query, NOTMUCH_EXCLUDE_FALSE);
	notmuch_query_set_sort(query, NOTMUCH_SORT_UNSORTED);
	st = notmuch_query_search_messages(query, &msgs);
	if (st != NOTMUCH_STATUS_SUCCESS) {
		rc = mail_nm_fail(w->db, w->err, st, query_string);
		goto out;
	}
	for (; rc == VT_OK && notmuch_messages_valid(msgs) && !interrupted(w);
	     notmuch_messages_move_to_next(msgs)) {
		msg = notmuch_messages_get(msgs);
		if ((rc = batch_open(w)) == VT_OK) {
			notmuch_message_freeze(msg);
			rc = one(w, msg);
			/* the thaw writes the document */
			st = notmuch_message_thaw(msg);
			if (rc == VT_OK && st != NOTMUCH_STATUS_SUCCESS)
				rc = mail_nm_fail(w->db, w->err, st,
						  "write a message's properties");
		}
		notmuch_message_destroy(msg);
		if (rc == VT_OK) {
			(*count)++;
			rc = batch_step(w);
		}
		maybe_progress(w, false);
	}
	notmuch_messages_destroy(msgs);
out:
	notmuch_query_destroy(query);
	return rc;
}

/* Attributes every message matching query (those missing this version's
 * attribution, or those the caller names). */
static vt_status
attribute_matching(struct walk *w, const char *query_string, unsigned *count)
{
	return each_matching(w, query_string, attribute_message, count);
}

/* The oldest date among a query's mail (0 for mail without one), or -1
 * for none: a sort of every date, once per database from before it was
 * kept. */
static long long
oldest_of(struct mail_db *db, const char *query_string)
{
	notmuch_query_t *q = notmuch_query_create(db->nm, query_string);
	notmuch_messages_t *msgs = NULL;
	long long found = -1;

	if (q == NULL)
		return -1;
	notmuch_query_set_omit_excluded(q, NOTMUCH_EXCLUDE_FALSE);
	notmuch_query_set_sort(q, NOTMUCH_SORT_OLDEST_FIRST);
	if (notmuch_query_search_messages(q, &msgs) == NOTMUCH_STATUS_SUCCESS &&
	    notmuch_messages_valid(msgs)) {
		notmuch_message_t *m = notmuch_messages_get(msgs);

		found = (long long)notmuch_message_get_date(m);
		notmuch_message_destroy(m);
	}
	if (msgs)
		notmuch_messages_destroy(msgs);
	notmuch_query_destroy(q);
	return found;
}

/* The months of mail dated ahead, counted again (once the index is whole
 * again: another program's mail, an index from before they were kept):
 * one range of dates, a pass over the dates of all mail. */
static vt_status
count_ahead(struct walk *w)
{
	char query_string[64];
	notmuch_query_t *query;
	notmuch_messages_t *msgs;
	notmuch_status_t st;

	snprintf(query_string, sizeof query_string, "date:@%lld..",
		 (long long)time(NULL) + 86400 + 1);
	if ((query = notmuch_query_create(w->db->nm, query_string)) == NULL)
		return vt_fail(w->err, VT_ERR_NOMEM, "out of memory");
	notmuch_query_set_omit_excluded(query, NOTMUCH_EXCLUDE_FALSE);
	notmuch_query_set_sort(query, NOTMUCH_SORT_UNSORTED);
	if ((st = notmuch_query_search_messages(query, &msgs)) != NOTMUCH_STATUS_SUCCESS) {
		notmuch_query_destroy(query);
		return mail_nm_fail(w->db, w->err, st, query_string);
	}
	w->n_ahead = 0;
	w->ahead_many = false;
	w->ahead_changed = true;
	for (; notmuch_messages_valid(msgs); notmuch_messages_move_to_next(msgs)) {
		notmuch_message_t *msg = notmuch_messages_get(msgs);

		note_date(w, msg);
		notmuch_message_destroy(msg);
	}
	notmuch_messages_destroy(msgs);
	notmuch_query_destroy(query);
	return VT_OK;
}

/* Mail the version before attributed: the same attribution, without
 * the month. Written without reading the mail again (0.8-1.4 ms a
 * message, Xapian rewriting each document), once. */
static vt_status
date_message(struct walk *w, notmuch_message_t *msg)
{
	notmuch_status_t st;

	note_date(w, msg);
	st = mail_message_add_month(msg);
	if (st == NOTMUCH_STATUS_SUCCESS)
		st = notmuch_message_remove_property(msg, MAIL_PROP_REV,
						     MAIL_ATTRIBUTION_REV_BEFORE);
	if (st == NOTMUCH_STATUS_SUCCESS)
		st = notmuch_message_add_property(msg, MAIL_PROP_REV, MAIL_ATTRIBUTION_REV);
	return st == NOTMUCH_STATUS_SUCCESS ? VT_OK
					    : mail_nm_fail(w->db, w->err, st, "record the month");
}

static vt_status
date_older_mail(struct walk *w, unsigned *count)
{
	return each_matching(w, "property:" MAIL_PROP_REV "=" MAIL_ATTRIBUTION_REV_BEFORE,
			     date_message, count);
}

/* The newest date up to tomorrow among the mail indexed, or 0: one
 * sorted query (a second at a million messages), once per database. */
static time_t
newest_in_index(struct mail_db *db)
{
	notmuch_query_t *q = notmuch_query_create(db->nm, "*");
	notmuch_messages_t *msgs = NULL;
	time_t found = 0, cap = time(NULL) + 86400;

	if (q == NULL)
		return 0;
	notmuch_query_set_omit_excluded(q, NOTMUCH_EXCLUDE_FALSE);
	notmuch_query_set_sort(q, NOTMUCH_SORT_NEWEST_FIRST);
	if (notmuch_query_search_messages(q, &msgs) == NOTMUCH_STATUS_SUCCESS)
		for (int n = 0; found == 0 && n < 10000 && notmuch_messages_valid(msgs);
		     n++, notmuch_messages_move_to_next(msgs)) {
			notmuch_message_t *m = notmuch_messages_get(msgs);
			time_t date = notmuch_message_get_date(m);

			if (date <= cap)
				found = date;
			notmuch_message_destroy(m);
		}
	notmuch_query_destroy(q);
	return found;
}

static vt_status
walk_init(struct walk *w, struct mail_db *db, const struct mail_index_options *opts,
	  const struct mail_index_hooks *hooks, struct mail_index_stats *stats,
	  struct vt_error *err)
{
	static const struct mail_index_hooks no_hooks = { 0 };
	notmuch_status_t st;

	memset(w, 0, sizeof *w);
	memset(stats, 0, sizeof *stats);
	w->db = db;
	w->opts = opts;
	w->hooks = hooks ? hooks : &no_hooks;
	w->stats = stats;
	w->err = err;
	clock_gettime(CLOCK_MONOTONIC, &w->start);
	w->last_progress = w->start;
	if (db->mode != MAIL_DB_READ_WRITE)
		return vt_fail(err, VT_ERR_INTERNAL, "index needs a writable database");
	w->new_tags = notmuch_config_get_values(db->nm, NOTMUCH_CONFIG_NEW_TAGS);
	st = notmuch_config_get_bool(db->nm, NOTMUCH_CONFIG_SYNC_MAILDIR_FLAGS, &w->sync_flags);
	if (st != NOTMUCH_STATUS_SUCCESS)
		return mail_nm_fail(db, err, st, "maildir.synchronize_flags");
	w->newest_stored = w->newest = mail_db_newest(db);
	if (w->newest == 0)
		w->newest = newest_in_index(db); /* a database from before it was kept */
	w->oldest_stored = w->oldest = mail_db_oldest(db);
	if (w->oldest < 0)
		w->oldest = oldest_of(db, "*");
	/* a bound for all the index's mail, or none: never the oldest of
	 * this run's alone */
	w->oldest_dated_stored = w->oldest_dated = mail_db_oldest_dated(db);
	if (w->oldest_dated < 0) {
		char query[64];

		snprintf(query, sizeof query, "date:@%lld..", MAIL_DATED_SINCE);
		w->oldest_dated = oldest_of(db, query);
	}
	(void)mail_dir_files_parse(opts->dirs_known, &w->dirs_known);
	w->n_ahead = mail_db_months_ahead(db, w->ahead, MAIL_MONTHS_AHEAD_MAX);
	if ((w->ahead_many = w->n_ahead < 0))
		w->n_ahead = 0;
	return setup_ignore(w);
}

/* A run failing (a full disk) commits neither side's open batches:
 * notmuch discards what it has not committed when the database closes,
 * the store's caller rolls its transaction back. */
static vt_status
batch_abandon(struct walk *w)
{
	w->in_batch = false;
	w->store_open = false;
	return VT_OK;
}

static vt_status
walk_finish(struct walk *w, vt_status rc)
{
	vt_status closed = rc == VT_OK ? batch_close(w, true) : batch_abandon(w), drained = VT_OK;
	struct timespec now;

	/* every hook handed over has run by the time the walk returns */
	if (w->queue != NULL) {
		drained = mail_hook_queue_drain(w->queue, rc == VT_OK ? w->err : NULL);
		mail_hook_queue_stop(w->queue);
		w->queue = NULL;
	}
	if (rc == VT_OK)
		rc = closed;
	if (rc == VT_OK)
		rc = drained;
	if (rc == VT_OK)
		rc = store_ends(w); /* a run that added nothing, on an old database */
	if (rc == VT_OK && interrupted(w))
		rc = vt_fail(w->err, VT_ERR_INTERRUPTED,
			     "interrupted; the index is consistent and the next run resumes");
	clock_gettime(CLOCK_MONOTONIC, &now);
	w->stats->elapsed = seconds_between(&w->start, &now);
	walk_clear(w);
	return rc;
}

static char *
index_token(const char *uuid, unsigned long revision, uint64_t dirs)
{
	char *token;

	if (asprintf(&token, "1 %s %s %lu %016llx", MAIL_ATTRIBUTION_REV, uuid ? uuid : "-",
		     revision, (unsigned long long)dirs) < 0)
		return NULL;
	return token;
}

char *
mail_index_token(struct mail_db *db, const struct mail_index_stats *stats)
{
	const char *uuid = NULL;
	unsigned long revision = notmuch_database_get_revision(db->nm, &uuid);

	return index_token(uuid, revision, stats->dir_fingerprint);
}

char *
mail_index_token_renewed(struct mail_db *db, const char *token)
{
	/* the directories' fingerprint is the token's last field */
	const char *dirs = token ? strrchr(token, ' ') : NULL;
	char *now = dirs ? mail_index_token(db, &(struct mail_index_stats){ 0 }) : NULL;
	char *at = now ? strrchr(now, ' ') : NULL, *renewed = NULL;

	if (at != NULL && asprintf(&renewed, "%.*s%s", (int)(at - now), now, dirs) < 0)
		renewed = NULL;
	free(now);
	return renewed;
}

/* A token's database and revision ("1 ATTRIBUTION UUID REVISION DIRS"),
 * if it is one of this version's. */
static bool
token_revision(const char *token, char *uuid, size_t uuid_len, unsigned long *revision)
{
	char version[8], attribution[16], id[64];

	if (token == NULL ||
	    sscanf(token, "%7s %15s %63s %lu", version, attribution, id, revision) != 4 ||
	    strcmp(version, "1") != 0 || strcmp(attribution, MAIL_ATTRIBUTION_REV) != 0 ||
	    strlen(id) >= uuid_len)
		return false;
	strcpy(uuid, id);
	return true;
}

/* A token of the index's database as it is, and its revision. */
static bool
token_of_database(struct mail_db *db, const char *token, unsigned long *revision)
{
	const char *uuid_now = NULL;
	char uuid[64];

	(void)notmuch_database_get_revision(db->nm, &uuid_now);
	return token_revision(token, uuid, sizeof uuid, revision) && uuid_now != NULL &&
	       strcmp(uuid, uuid_now) == 0;
}

vt_status
mail_index_changes_since(struct mail_db *db, const char *token, unsigned long upto, long max,
			 bool (*known)(void *ctx, const char *message_id, const char *thread_id),
			 void *ctx, bool *all_known, struct vt_error *err)
{
	unsigned long since, now = notmuch_database_get_revision(db->nm, NULL);
	char *query = NULL;
	notmuch_query_t *q = NULL;
	notmuch_messages_t *msgs = NULL;
	notmuch_status_t st;
	vt_status rc = VT_OK;
	long n = 0;

	*all_known = false;
	/* another database (a compaction, a new index): nothing to compare */
	if (!token_of_database(db, token, &since) || now < since)
		return VT_OK;
	if (upto != 0 && upto < now)
		now = upto;
	if (now <= since) {
		*all_known = true;
		return VT_OK;
	}
	/* no exclusions: a message tagged deleted changed all the same */
	if (asprintf(&query, "lastmod:%lu..%lu", since + 1, now) < 0 ||
	    (q = notmuch_query_create(db->nm, query)) == NULL) {
		free(query);
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	}
	notmuch_query_set_sort(q, NOTMUCH_SORT_UNSORTED);
	if ((st = notmuch_query_search_messages(q, &msgs)) != NOTMUCH_STATUS_SUCCESS)
		rc = mail_query_fail(db, err, st, query);
	*all_known = rc == VT_OK;
	for (; rc == VT_OK && *all_known && notmuch_messages_valid(msgs);
	     notmuch_messages_move_to_next(msgs)) {
		notmuch_message_t *msg = notmuch_messages_get(msgs);
		const char *id = notmuch_message_get_message_id(msg);
		const char *thread = notmuch_message_get_thread_id(msg);

		*all_known = ++n <= max && id != NULL && thread != NULL && known(ctx, id, thread);
		notmuch_message_destroy(msg);
	}
	/* the revision moved and no message shows it: one was deleted from
	 * a thread of several (its ghost is no message a search finds) */
	if (n == 0)
		*all_known = false;
	if (msgs != NULL)
		notmuch_messages_destroy(msgs);
	notmuch_query_destroy(q);
	free(query);
	if (rc != VT_OK)
		*all_known = false;
	return rc;
}

bool
mail_index_token_same_database(struct mail_db *db, const char *token)
{
	unsigned long since;

	return token_of_database(db, token, &since);
}

bool
mail_index_token_current(struct mail_db *db, const char *token)
{
	/* the token again with the index as it is now: the same, or not */
	char *now = mail_index_token_renewed(db, token);
	bool same = now != NULL && strcmp(now, token) == 0;

	free(now);
	return same;
}

vt_status
mail_index_run(struct mail_db *db, const struct mail_index_options *opts,
	       const struct mail_index_hooks *hooks, struct mail_index_stats *stats,
	       struct vt_error *err)
{
	struct walk w;
	notmuch_directory_t *dir;
	vt_status rc;
	size_t i;

	if ((rc = walk_init(&w, db, opts, hooks, stats, err)) != VT_OK)
		return walk_finish(&w, rc);
	/* NULL (out of memory): the hooks run on this thread */
	if (w.hooks->message != NULL)
		w.queue = mail_hook_queue_start(w.hooks);
	w.revision_at_start = notmuch_database_get_revision(db->nm, &w.uuid);
	stats->revision_at_start = w.revision_at_start;
	if (w.revision_at_start == 0)
		count_files(&w, db->mail_root, &stats->files_total);

	rc = walk_dir(&w, db->mail_root);
	/* Removals only after every addition: a renamed file's new name is
	 * in the index before its old one leaves. */
	for (i = 0; rc == VT_OK && i < w.removed_files.count && !interrupted(&w); i++)
		rc = remove_file(&w, w.removed_files.paths[i]);
	for (i = 0; rc == VT_OK && i < w.removed_dirs.count && !interrupted(&w); i++)
		rc = remove_directory(&w, w.removed_dirs.paths[i]);
	if (rc == VT_OK && !interrupted(&w))
		compare_groups(&w);
	if (rc == VT_OK && !interrupted(&w) && opts->unchanged_since != NULL) {
		char *before = index_token(w.uuid, w.revision_at_start, w.dirs_before);

		/* a message deleted alone moves no revision: a directory the
		 * walk found changed yet already indexed says who did */
		stats->only_ours = before != NULL && strcmp(before, opts->unchanged_since) == 0 &&
				   !w.indexed_by_others;
		stats->unchanged = stats->only_ours && !w.rescanned;
		free(before);
	}
	/* Mail the version before attributed (one term: nothing to do in
	 * a moment), then mail someone else indexed, or attributed by an
	 * older version: a query over the whole index, needless when nobody
	 * else wrote to it (what this run added it attributed). */
	if (rc == VT_OK && !interrupted(&w))
		rc = date_older_mail(&w, &stats->dated);
	if (rc == VT_OK && !interrupted(&w) && !stats->only_ours)
		rc = attribute_matching(&w, "NOT property:" MAIL_PROP_REV "=" MAIL_ATTRIBUTION_REV,
					&stats->attributed);
	if (rc == VT_OK && !interrupted(&w) && !db->months_whole)
		rc = count_ahead(&w);
	if (rc == VT_OK)
		rc = batch_close(&w, true);
	/* every message now carries its month: the writer seals it so as
	 * it closes (mail/months.c) */
	if (rc == VT_OK && !interrupted(&w))
		db->months_whole = true;
	/* Directory mtimes last: an interrupted run rescans what it missed. */
	w.dirs_after = w.dirs_before - w.dirs_removed;
	for (i = 0; rc == VT_OK && i < w.dir_mtimes.count && !interrupted(&w); i++) {
		if (notmuch_database_get_directory(db->nm, w.dir_mtimes.paths[i], &dir) ==
			    NOTMUCH_STATUS_SUCCESS &&
		    dir != NULL) {
			time_t was = notmuch_directory_get_mtime(dir);

			/* unsigned: wraps around as the sum did */
			if (was != 0)
				w.dirs_after -= dir_fingerprint(w.dir_mtimes.paths[i], was);
			notmuch_directory_set_mtime(dir, w.dir_mtimes.mtimes[i]);
			w.dirs_after +=
				dir_fingerprint(w.dir_mtimes.paths[i], w.dir_mtimes.mtimes[i]);
			notmuch_directory_destroy(dir);
		}
	}
	stats->dir_fingerprint = w.dirs_after;
	if (rc == VT_OK && !interrupted(&w) && opts->dirs_recorded != NULL &&
	    (*opts->dirs_recorded = mail_dir_files_text(&w.dirs_known, &w.dir_changes)) == NULL)
		rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
	maybe_progress(&w, true);
	return walk_finish(&w, rc);
}

vt_status
mail_reattribute(struct mail_db *db, const char *query, const struct mail_index_options *opts,
		 const struct mail_index_hooks *hooks, unsigned *count, struct vt_error *err)
{
	struct mail_index_stats stats;
	struct walk w;
	vt_status rc;

	*count = 0;
	if ((rc = walk_init(&w, db, opts, hooks, &stats, err)) == VT_OK)
		rc = attribute_matching(&w, query, count);
	return walk_finish(&w, rc);
}

vt_status
mail_has_message(struct mail_db *db, const char *message_id, bool *found, struct vt_error *err)
{
	notmuch_message_t *msg = NULL;
	notmuch_status_t st;

	st = notmuch_database_find_message(db->nm, message_id, &msg);
	if (st != NOTMUCH_STATUS_SUCCESS)
		return mail_nm_fail(db, err, st, message_id);
	*found = msg != NULL;
	if (msg)
		notmuch_message_destroy(msg);
	return VT_OK;
}
