/*
 * Opening the notmuch database: vtriage's own (split layout: Xapian files
 * under the data directory, mail wherever the user keeps it), or one the
 * user already has.
 *
 * Our own database is described by a notmuch config file that we write
 * next to it, so that `NOTMUCH_CONFIG=<data>/notmuch-config notmuch ...`
 * works on it, and so that it never reads the user's ~/.notmuch-config.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "private.h"

/* Below this much free space a failed write of the index is taken for a
 * full disk: Xapian writes blocks of 8 kB, and a commit many of them. */
#define INDEX_DISK_FULL_BYTES (1024 * 1024)

/* The free bytes of the disk that holds dir, or -1 when it cannot say. */
static long long
free_bytes(const char *dir)
{
	struct statvfs v;

	if (dir == NULL || statvfs(dir, &v) != 0)
		return -1;
	return (long long)v.f_bavail * (long long)v.f_frsize;
}

vt_status
mail_nm_fail(struct mail_db *db, struct vt_error *err, notmuch_status_t st, const char *what)
{
	const char *detail = db && db->nm ? notmuch_database_status_string(db->nm) : NULL;
	long long left;
	vt_status ours;

	/* Xapian says "Error writing block 31" on a full disk, the errno
	 * lost, and what names the mail file being added: read as a fault
	 * of that file, not of the disk. */
	if (st == NOTMUCH_STATUS_XAPIAN_EXCEPTION && db != NULL && db->mode == MAIL_DB_READ_WRITE &&
	    (left = free_bytes(db->xapian_dir)) >= 0 && left < INDEX_DISK_FULL_BYTES)
		return vt_fail(err, VT_ERR_IO,
			       "%s: disk full (%lld bytes free): the index cannot be written; free"
			       " space and run again (%s: %s%s%s)",
			       db->xapian_dir, left, what, notmuch_status_to_string(st),
			       detail ? ": " : "", detail ? detail : "");

	switch (st) {
	case NOTMUCH_STATUS_OUT_OF_MEMORY:
		ours = VT_ERR_NOMEM;
		break;
	case NOTMUCH_STATUS_FILE_ERROR:
	case NOTMUCH_STATUS_PATH_ERROR:
		ours = VT_ERR_IO;
		break;
	case NOTMUCH_STATUS_BAD_QUERY_SYNTAX:
		ours = VT_ERR_USAGE;
		break;
	default:
		ours = VT_ERR_DB;
		break;
	}
	return vt_fail(err, ours, "%s: %s%s%s", what, notmuch_status_to_string(st),
		       detail ? ": " : "", detail ? detail : "");
}

vt_status
mail_make_dirs(const char *path, struct vt_error *err)
{
	char buf[PATH_MAX];
	size_t len = strlen(path);
	char *p;

	if (len >= sizeof buf)
		return vt_fail(err, VT_ERR_IO, "%s: path too long", path);
	/* nearly always there already: one call, not one per component */
	if (mkdir(path, 0700) == 0 || errno == EEXIST)
		return VT_OK;
	memcpy(buf, path, len + 1);
	for (p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0700) != 0 && errno != EEXIST)
			return vt_fail(err, VT_ERR_IO, "cannot create %s: %s", buf,
				       strerror(errno));
		*p = '/';
	}
	if (mkdir(buf, 0700) != 0 && errno != EEXIST)
		return vt_fail(err, VT_ERR_IO, "cannot create %s: %s", buf, strerror(errno));
	return VT_OK;
}

vt_status
mail_make_data_dir(const char *path, const char *origin, struct vt_error *err)
{
	struct vt_error made = { 0 };
	struct stat sb;
	int why;

	if (mail_make_dirs(path, &made) != VT_OK) {
		why = errno;
		if (why != ENOENT && why != ENOTDIR && why != EACCES && why != EPERM &&
		    why != EROFS) {
			if (err != NULL)
				*err = made;
			return made.status;
		}
	} else if (stat(path, &sb) == 0 && !S_ISDIR(sb.st_mode)) {
		snprintf(made.msg, sizeof made.msg, "%s: not a directory", path);
	} else {
		return VT_OK;
	}
	return vt_fail(err, VT_ERR_CONFIG, "%s: %s", origin ? origin : "[store] data", made.msg);
}

/* Writes content to path unless it already holds exactly that; atomic. */
static vt_status
write_if_changed(const char *path, const char *content, struct vt_error *err)
{
	char tmp[PATH_MAX];
	char old[8192];
	size_t len = strlen(content), got, at = 0;
	bool same;
	FILE *f;
	int fd;

	f = fopen(path, "r");
	if (f != NULL) {
		/* the whole file (a long [store] ignore may make it long) */
		do {
			got = fread(old, 1, sizeof old, f);
			same = got <= len - at && memcmp(old, content + at, got) == 0;
			at += got;
		} while (same && got == sizeof old);
		fclose(f);
		if (same && at == len)
			return VT_OK;
	}
	/* a name of its own: two vtriage processes starting at once (an
	 * index and a count) each write the file, and one's rename took the
	 * other's temporary file from under it */
	if (snprintf(tmp, sizeof tmp, "%s.XXXXXX", path) >= (int)sizeof tmp)
		return vt_fail(err, VT_ERR_IO, "%s: path too long", path);
	fd = mkstemp(tmp);
	if (fd < 0 || (f = fdopen(fd, "w")) == NULL) {
		int e = errno;

		if (fd >= 0) {
			close(fd);
			unlink(tmp);
		}
		return vt_fail(err, VT_ERR_IO, "cannot write %s: %s", tmp, strerror(e));
	}
	if (fwrite(content, 1, len, f) != len || fflush(f) != 0 || fsync(fileno(f)) != 0) {
		int e = errno;

		fclose(f);
		unlink(tmp);
		return vt_fail(err, VT_ERR_IO, "cannot write %s: %s", tmp, strerror(e));
	}
	fclose(f);
	if (rename(tmp, path) != 0) {
		int e = errno;

		unlink(tmp);
		return vt_fail(err, VT_ERR_IO, "cannot rename %s: %s", tmp, strerror(e));
	}
	return VT_OK;
}

/* Xapian writes iamglass last when it makes a database. */
static bool
index_complete(const char *xapian)
{
	char path[PATH_MAX];
	struct stat sb;

	return (size_t)snprintf(path, sizeof path, "%s/iamglass", xapian) < sizeof path &&
	       stat(path, &sb) == 0;
}

/* The creation lock, held until the descriptor is closed; -1 if it could
 * not be had (then go on without: creating twice only fails one). */
static int
lock_creation(const char *path)
{
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

	if (fd >= 0 && flock(fd, LOCK_EX) != 0) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/*
 * Xapian keeps a writer's changes in memory until this many documents
 * were added or replaced (default 10,000), then merges them into its
 * tables; a commit writes them too. The pending posting and position
 * maps of thousands of documents are slow to grow and to merge: while
 * the index is small, merging every 600 writes (about 300 new messages:
 * each is written twice, once indexed, once tagged) indexes in about 0.8
 * of the time for 3-5% more disk (bench/RESULTS.md; 250 did as well on
 * a first index of 30,000, and 1,000 new into a compacted 100,000 took
 * 0.95 of the time 250 did).
 *
 * In a large index the sum turns. A merge rewrites every table block
 * the pending terms fall in, and a position list is keyed by its term
 * first, so each message touches a block per word, all over tables of
 * hundreds of megabytes: 1,000 new messages into 300,000 spent a third
 * of their time in eight such merges (4,000 writes: one merge, at the
 * end, as notmuch new does: 0.87 of the time). At 100,000 messages the
 * two cost the same, and the pending maps 40 MB: past this size of the
 * posting table (about 200,000 messages) an index merges every 4,000
 * writes.
 *
 * Only the environment sets it, read when Xapian opens a writer: a value
 * the user exported wins. A merge is no commit: a crash still rolls
 * back to the last commit.
 */
#define XAPIAN_FLUSH_WRITES_SMALL "600"
#define XAPIAN_FLUSH_WRITES_LARGE "4000"
#define LARGE_POSTING_TABLE_BYTES (512LL << 20)

static long long
posting_bytes(const char *xapian_dir)
{
	char path[PATH_MAX];
	struct stat sb;

	if (xapian_dir == NULL ||
	    snprintf(path, sizeof path, "%s/postlist.glass", xapian_dir) >= (int)sizeof path ||
	    stat(path, &sb) != 0)
		return 0;
	return (long long)sb.st_size;
}

const char *
mail_db_flush_writes(const char *xapian_dir)
{
	return posting_bytes(xapian_dir) >= LARGE_POSTING_TABLE_BYTES ? XAPIAN_FLUSH_WRITES_LARGE
								      : XAPIAN_FLUSH_WRITES_SMALL;
}

long long
mail_db_posting_bytes(const struct mail_db *db)
{
	return posting_bytes(db->xapian_dir);
}

void
mail_db_set_spans_min_posting_bytes(struct mail_db *db, long long bytes)
{
	db->spans_min_posting_bytes = bytes;
}

/* Before a writer opens the Xapian files in xapian_dir; our own earlier
 * choice, for another database opened before, is no user's. setenv: no
 * other thread of ours runs while a writer opens. A reader's open runs
 * beside the store's (store/data-open.c): nothing on its way may change
 * the environment, the locale or the time zone. */
static void
choose_flush_writes(enum mail_db_mode mode, const char *xapian_dir)
{
	const char *now = getenv("XAPIAN_FLUSH_THRESHOLD");

	if (mode != MAIL_DB_READ_WRITE)
		return;
	if (now == NULL || strcmp(now, XAPIAN_FLUSH_WRITES_SMALL) == 0 ||
	    strcmp(now, XAPIAN_FLUSH_WRITES_LARGE) == 0)
		setenv("XAPIAN_FLUSH_THRESHOLD", mail_db_flush_writes(xapian_dir), 1);
}

/* ---- compaction ---- */

static int
remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int
remove_tree(const char *path)
{
	return nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS) != 0 && errno != ENOENT ? -1 : 0;
}

/*
 * notmuch_database_compact_db writes the compacted copy to xapian.compact,
 * then renames xapian to xapian.old and the copy to xapian, then removes
 * xapian.old. A compaction that died between the two renames left the
 * index only under xapian.old: it goes back, or it would be taken for no
 * index at all and made anew, empty. One that died after them left the
 * whole old index beside the new: it goes. Called under the creation
 * lock, which a compaction holds throughout.
 */
static vt_status
finish_swap(const char *xapian, struct vt_error *err)
{
	char old[PATH_MAX];

	if (snprintf(old, sizeof old, "%s.old", xapian) >= (int)sizeof old ||
	    access(old, F_OK) != 0)
		return VT_OK;
	if (index_complete(xapian)) {
		if (remove_tree(old) != 0)
			return vt_fail(err, VT_ERR_IO, "cannot remove %s: %s", old,
				       strerror(errno));
	} else if (index_complete(old) && (remove_tree(xapian) != 0 || rename(old, xapian) != 0)) {
		return vt_fail(err, VT_ERR_IO, "cannot put back the index %s from %s: %s", xapian,
			       old, strerror(errno));
	}
	return VT_OK;
}

/* finish_swap, when a compaction left anything to finish */
static vt_status
finish_swap_locked(const char *xapian, const char *lock_path, struct vt_error *err)
{
	char old[PATH_MAX];
	vt_status rc;
	int lock;

	if (snprintf(old, sizeof old, "%s.old", xapian) >= (int)sizeof old ||
	    access(old, F_OK) != 0)
		return VT_OK; /* the one stat every open pays */
	lock = lock_creation(lock_path);
	rc = finish_swap(xapian, err);
	if (lock >= 0)
		close(lock);
	return rc;
}

/* Opens our own index, described by db->config_path, into db->nm. */
static vt_status
open_own_index(struct mail_db *db, struct vt_error *err)
{
	notmuch_database_mode_t mode = db->mode == MAIL_DB_READ_WRITE
					       ? NOTMUCH_DATABASE_MODE_READ_WRITE
					       : NOTMUCH_DATABASE_MODE_READ_ONLY;
	char *msg = NULL, xapian[PATH_MAX];
	notmuch_status_t st;
	vt_status rc = VT_OK;

	snprintf(xapian, sizeof xapian, "%s/xapian", db->own_dir);
	choose_flush_writes(db->mode, xapian);
	st = notmuch_database_open_with_config(NULL, mode, db->config_path, NULL, &db->nm, &msg);
	db->atomic_ends = db->atomic_depth = 0;
	if (st != NOTMUCH_STATUS_SUCCESS)
		rc = vt_fail(err, VT_ERR_DB, "cannot open index %s: %s", db->own_dir,
			     msg ? msg : notmuch_status_to_string(st));
	else if (db->mode == MAIL_DB_READ_WRITE)
		db->months_whole = mail_db_months_sealed(db);
	free(msg);
	return rc;
}

/* The index's revision as this handle sees it, and its uuid into uuid. */
static unsigned long
revision_now(struct mail_db *db, char *uuid, size_t len)
{
	const char *id = NULL;
	unsigned long revision = notmuch_database_get_revision(db->nm, &id);

	snprintf(uuid, len, "%s", id ? id : "");
	return revision;
}

static void *
commit_in_background(void *arg)
{
	struct mail_db *db = arg;

	db->commit_status = notmuch_database_close(db->nm);
	return NULL;
}

void
mail_db_commit_begin(struct mail_db *db)
{
	if (db == NULL || db->committing || db->own_dir == NULL || db->nm == NULL ||
	    db->mode != MAIL_DB_READ_WRITE)
		return;
	/* no thread to be had: the commit waits for the close */
	mail_db_months_seal(db);
	db->commit_revision = revision_now(db, db->commit_uuid, sizeof db->commit_uuid);
	db->committing = pthread_create(&db->committer, NULL, commit_in_background, db) == 0;
}

vt_status
mail_db_commit_wait(struct mail_db *db, struct vt_error *err)
{
	vt_status rc = VT_OK, opened;
	notmuch_status_t st;

	if (db == NULL || !db->committing)
		return VT_OK;
	pthread_join(db->committer, NULL);
	db->committing = false;
	st = db->commit_status;
	notmuch_database_destroy(db->nm);
	db->nm = NULL;
	if (st != NOTMUCH_STATUS_SUCCESS)
		rc = vt_fail(err, VT_ERR_DB, "cannot commit the index %s: %s", db->own_dir,
			     notmuch_status_to_string(st));
	/* Another writer may have taken the index in the moment it stood
	 * closed (the interface marking mail read): notmuch waits for its
	 * lock (tests/unit/test-index.c). */
	opened = open_own_index(db, rc == VT_OK ? err : NULL);
	if (opened == VT_OK) {
		char uuid[sizeof db->commit_uuid];

		if (revision_now(db, uuid, sizeof uuid) != db->commit_revision ||
		    strcmp(uuid, db->commit_uuid) != 0)
			db->others_wrote++;
	}
	return rc != VT_OK ? rc : opened;
}

unsigned long
mail_db_others_wrote(const struct mail_db *db)
{
	return db->others_wrote;
}

bool
mail_db_next_end_commits(const struct mail_db *db)
{
	const char *every = notmuch_config_get(db->nm, NOTMUCH_CONFIG_AUTOCOMMIT);
	const char *flush = getenv("XAPIAN_FLUSH_THRESHOLD");
	long n = every != NULL ? strtol(every, NULL, 10) : 0;

	/* notmuch's own test hack: a flush threshold of 1 commits each */
	if (flush != NULL && atoi(flush) == 1)
		return true;
	return n > 0 && db->atomic_ends + 1 >= (unsigned long)n;
}

notmuch_status_t
mail_db_begin_atomic(struct mail_db *db)
{
	notmuch_status_t st = notmuch_database_begin_atomic(db->nm);

	if (st == NOTMUCH_STATUS_SUCCESS)
		db->atomic_depth++;
	return st;
}

notmuch_status_t
mail_db_end_atomic(struct mail_db *db)
{
	bool outermost = db->atomic_depth <= 1;
	bool commits = outermost && mail_db_next_end_commits(db);
	notmuch_status_t st = notmuch_database_end_atomic(db->nm);

	if (st != NOTMUCH_STATUS_SUCCESS)
		return st;
	if (db->atomic_depth > 0)
		db->atomic_depth--;
	if (outermost)
		db->atomic_ends = commits ? 0 : db->atomic_ends + 1;
	return st;
}

vt_status
mail_db_begin_writes(struct mail_db *db, struct vt_error *err)
{
	notmuch_status_t st;

	if (db->mode != MAIL_DB_READ_WRITE)
		return vt_fail(err, VT_ERR_INTERNAL, "writes need the index open for writing");
	st = mail_db_begin_atomic(db);
	return st == NOTMUCH_STATUS_SUCCESS ? VT_OK : mail_nm_fail(db, err, st, "begin writes");
}

vt_status
mail_db_end_writes(struct mail_db *db, struct vt_error *err)
{
	notmuch_status_t st = mail_db_end_atomic(db);

	return st == NOTMUCH_STATUS_SUCCESS ? VT_OK : mail_nm_fail(db, err, st, "commit writes");
}

vt_status
mail_db_compact(struct mail_db *db, struct vt_error *err)
{
	char xapian[PATH_MAX], lock_path[PATH_MAX];
	unsigned long revision;
	notmuch_status_t st;
	vt_status rc;
	int lock;

	if (db->own_dir == NULL || db->mode != MAIL_DB_READ_WRITE)
		return VT_OK;
	if (snprintf(xapian, sizeof xapian, "%s/xapian", db->own_dir) >= (int)sizeof xapian ||
	    snprintf(lock_path, sizeof lock_path, "%s/create.lock", db->own_dir) >=
		    (int)sizeof lock_path)
		return vt_fail(err, VT_ERR_IO, "%s: path too long", db->own_dir);
	if ((rc = mail_db_commit_wait(db, err)) != VT_OK)
		return rc;
	/* the copy keeps the revision (not the uuid): another writer's
	 * change while the index stood closed moves it */
	revision = notmuch_database_get_revision(db->nm, NULL);
	lock = lock_creation(lock_path);
	mail_db_months_seal(db);
	/* closing commits what the run wrote: the copy is of the committed */
	st = notmuch_database_close(db->nm);
	notmuch_database_destroy(db->nm);
	db->nm = NULL;
	if (st != NOTMUCH_STATUS_SUCCESS) {
		rc = vt_fail(err, VT_ERR_DB, "cannot commit the index %s: %s", db->own_dir,
			     notmuch_status_to_string(st));
		goto out;
	}
	/* what a compaction that died left (notmuch refuses to start with it) */
	if ((rc = finish_swap(xapian, err)) != VT_OK || (rc = open_own_index(db, err)) != VT_OK)
		goto out;
	st = notmuch_database_compact_db(db->nm, NULL, NULL, NULL); /* and destroys it */
	db->nm = NULL;
	if (st != NOTMUCH_STATUS_SUCCESS) {
		char copy[PATH_MAX];

		rc = vt_fail(err, VT_ERR_DB, "cannot compact the index %s: %s", db->own_dir,
			     notmuch_status_to_string(st));
		/* the index itself is untouched; its half-made copy goes */
		if (snprintf(copy, sizeof copy, "%s.compact", xapian) < (int)sizeof copy)
			remove_tree(copy);
	}
out:
	if (db->nm == NULL) {
		vt_status again = open_own_index(db, rc == VT_OK ? err : NULL);

		if (rc == VT_OK)
			rc = again;
	}
	if (db->nm != NULL && notmuch_database_get_revision(db->nm, NULL) != revision)
		db->others_wrote++;
	if (lock >= 0)
		close(lock);
	return rc;
}

/* notmuch reads its config as a GLib key file, which takes \\, \s, \t,
 * \n and \r in a value for what they escape: a pattern's backslashes
 * are written doubled to reach it as they are. */
static void
key_file_value(FILE *f, const char *value)
{
	for (const char *c = value; *c; c++) {
		if (*c == '\\')
			fputc('\\', f);
		fputc(*c, f);
	}
}

/*
 * The index's walk reads the user's [store] ignore from here; notmuch
 * reads it from new.ignore (*value, malloc'd), so that `notmuch new` on
 * this index passes by the same.
 */
static vt_status
keep_ignore(struct mail_db *db, const struct mail_db_location *loc, char **value,
	    struct vt_error *err)
{
	size_t len;
	FILE *f;

	*value = NULL;
	if ((f = open_memstream(value, &len)) == NULL)
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	if (loc->n_ignore > 0 && (db->ignore = calloc(loc->n_ignore, sizeof *db->ignore)) == NULL) {
		fclose(f);
		free(*value);
		*value = NULL;
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	}
	for (size_t i = 0; i < loc->n_ignore; i++) {
		if (i > 0)
			fputc(';', f);
		key_file_value(f, loc->ignore[i]);
		if ((db->ignore[db->n_ignore] = strdup(loc->ignore[i])) != NULL)
			db->n_ignore++;
	}
	if (fclose(f) != 0 || db->n_ignore < loc->n_ignore) {
		free(*value);
		*value = NULL;
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	}
	return VT_OK;
}

static vt_status
open_own(struct mail_db *db, const struct mail_db_location *loc, struct vt_error *err)
{
	char root[PATH_MAX], xapian_dir[PATH_MAX], xapian[PATH_MAX], lock_path[PATH_MAX];
	char *content = NULL, *msg = NULL, *ignore = NULL;
	const char *origin;
	notmuch_status_t st;
	struct stat sb;
	int lock = -1;
	vt_status rc;

	if (loc->mail_root == NULL || *loc->mail_root == '\0')
		return vt_fail(err, VT_ERR_CONFIG, "no mail root: set [store] maildir");
	/* where the root was set says what to fix */
	origin = loc->mail_root_origin ? loc->mail_root_origin : "mail root";
	/* a mail root that is not there is one the configuration names
	 * wrong (exit 2); one that cannot be read is a failure */
	if (realpath(loc->mail_root, root) == NULL)
		return vt_fail(err, errno == ENOENT || errno == ENOTDIR ? VT_ERR_CONFIG : VT_ERR_IO,
			       "%s: %s: %s", origin, loc->mail_root, strerror(errno));
	if (stat(root, &sb) != 0 || !S_ISDIR(sb.st_mode))
		return vt_fail(err, VT_ERR_CONFIG, "%s: %s: not a directory", origin, root);
	if ((rc = mail_make_data_dir(loc->data_dir, loc->data_dir_origin, err)) != VT_OK)
		return rc;
	if (snprintf(xapian_dir, sizeof xapian_dir, "%s/notmuch", loc->data_dir) >=
		    (int)sizeof xapian_dir ||
	    snprintf(xapian, sizeof xapian, "%s/xapian", xapian_dir) >= (int)sizeof xapian)
		return vt_fail(err, VT_ERR_IO, "%s: path too long", loc->data_dir);
	if ((rc = mail_make_dirs(xapian_dir, err)) != VT_OK)
		return rc;
	if ((db->own_dir = strdup(xapian_dir)) == NULL || (db->xapian_dir = strdup(xapian)) == NULL)
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	if (asprintf(&db->config_path, "%s/notmuch-config", loc->data_dir) < 0) {
		db->config_path = NULL;
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	}
	if ((rc = keep_ignore(db, loc, &ignore, err)) != VT_OK)
		return rc;
	if (asprintf(&content,
		     "# Written by vtriage: notmuch's view of vtriage's own index.\n"
		     "# Use it with: NOTMUCH_CONFIG=%s notmuch ...\n"
		     "[database]\npath=%s\nmail_root=%s\n"
		     /* Xapian commits every 8 transactions: index batches
		      * are 256 files, so every 2,048, and a first index
		      * killed at any moment keeps all but its last 2,048
		      * files' work (a few seconds of it); the next run goes
		      * on from there. Left at notmuch's default (8,000
		      * transactions) a whole mailbox would pile up in memory
		      * (30,000 messages: 15% slower, 30 MB more) and a kill
		      * would lose it all. Merges (choose_flush_writes) write
		      * the data anyway: a commit adds little beyond fsync.
		      * The store commits just before (mail/index.c). */
		     "autocommit=8\n\n"
		     "[new]\ntags=inbox;unread\nignore=%s\n\n"
		     "[search]\nexclude_tags=\n\n"
		     "[maildir]\nsynchronize_flags=true\n",
		     db->config_path, xapian_dir, root, ignore) < 0) {
		free(ignore);
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	}
	free(ignore);
	rc = write_if_changed(db->config_path, content, err);
	free(content);
	if (rc != VT_OK)
		return rc;

	/* Two vtriage processes may find no index at once (an index and a
	 * count started together): the one creating it holds a lock, the
	 * other waits for the whole of it rather than opening a half-made
	 * Xapian directory ("Cannot open database"). */
	if (snprintf(lock_path, sizeof lock_path, "%s/create.lock", xapian_dir) >=
	    (int)sizeof lock_path)
		return vt_fail(err, VT_ERR_IO, "%s: path too long", xapian_dir);
	if ((rc = finish_swap_locked(xapian, lock_path, err)) != VT_OK)
		return rc;
	if (!index_complete(xapian) && (lock = lock_creation(lock_path)) >= 0 &&
	    index_complete(xapian)) {
		close(lock); /* made by the other meanwhile */
		lock = -1;
	}
	if (!index_complete(xapian)) {
		/* a reader's new index is written empty: no threshold (and
		 * no setenv beside the thread opening the store) */
		choose_flush_writes(db->mode, xapian);
		st = notmuch_database_create_with_config(NULL, db->config_path, NULL, &db->nm,
							 &msg);
		if (st != NOTMUCH_STATUS_SUCCESS && st != NOTMUCH_STATUS_DATABASE_EXISTS) {
			rc = vt_fail(err, VT_ERR_DB, "cannot create index in %s: %s", xapian_dir,
				     msg ? msg : notmuch_status_to_string(st));
			free(msg);
			if (lock >= 0)
				close(lock);
			return rc;
		}
		free(msg);
		msg = NULL;
		if (db->nm != NULL)
			notmuch_database_destroy(db->nm);
		db->nm = NULL;
		db->created = st == NOTMUCH_STATUS_SUCCESS;
	}
	if (lock >= 0)
		close(lock); /* and with it the flock */
	if ((rc = open_own_index(db, err)) != VT_OK)
		return rc;
	db->mail_root = strdup(root);
	return db->mail_root ? VT_OK : vt_fail(err, VT_ERR_NOMEM, "out of memory");
}

/*
 * The notmuch configuration file libnotmuch reads for a database opened
 * with the user's configuration (lib/open.cc, _load_key_file, 0.37):
 * $NOTMUCH_CONFIG, else $XDG_CONFIG_HOME/notmuch/PROFILE/config if it is
 * there, else ~/.notmuch-config[.PROFILE]. Into out; false when none can
 * be named (no $HOME).
 */
static bool
notmuch_config_file(char *out, size_t len)
{
	const char *env = getenv("NOTMUCH_CONFIG"), *home = getenv("HOME");
	const char *xdg = getenv("XDG_CONFIG_HOME"), *profile = getenv("NOTMUCH_PROFILE");

	if (env != NULL && *env != '\0')
		return (size_t)snprintf(out, len, "%s", env) < len;
	if (xdg != NULL && *xdg != '\0')
		snprintf(out, len, "%s/notmuch/%s/config", xdg, profile ? profile : "default");
	else if (home != NULL)
		snprintf(out, len, "%s/.config/notmuch/%s/config", home,
			 profile ? profile : "default");
	else
		*out = '\0';
	if (*out != '\0' && access(out, R_OK) == 0)
		return true;
	if (home == NULL)
		return false;
	return (size_t)snprintf(out, len, "%s/.notmuch-config%s%s", home, profile ? "." : "",
				profile ? profile : "") < len;
}

static vt_status
open_existing(struct mail_db *db, const char *path, const char *origin, struct vt_error *err)
{
	notmuch_database_mode_t mode = db->mode == MAIL_DB_READ_WRITE
					       ? NOTMUCH_DATABASE_MODE_READ_WRITE
					       : NOTMUCH_DATABASE_MODE_READ_ONLY;
	const char *root;
	char *msg = NULL, xapian[PATH_MAX], config[PATH_MAX];
	notmuch_status_t st;
	struct stat sb;
	vt_status rc;

	/* where it was set says what to fix */
	origin = origin ? origin : "notmuch database";
	/* libnotmuch loads its config file first: a database that is not
	 * there was said to be a config file that cannot be loaded */
	if (stat(path, &sb) != 0)
		return vt_fail(err, errno == ENOENT || errno == ENOTDIR ? VT_ERR_CONFIG : VT_ERR_IO,
			       "%s: no notmuch database at %s: %s", origin, path, strerror(errno));
	if (!S_ISDIR(sb.st_mode))
		return vt_fail(err, VT_ERR_CONFIG, "%s: no notmuch database at %s: not a directory",
			       origin, path);
	/* its Xapian files: under .notmuch in the mail, or beside it */
	if (snprintf(xapian, sizeof xapian, "%s/.notmuch/xapian", path) < (int)sizeof xapian &&
	    access(xapian, F_OK) != 0)
		snprintf(xapian, sizeof xapian, "%s/xapian", path);
	if ((db->xapian_dir = strdup(xapian)) == NULL)
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	choose_flush_writes(db->mode, xapian);
	/* NULL config: the user's own notmuch configuration applies (its
	 * mail root, new.tags, new.ignore), as it does for `notmuch new`. */
	st = notmuch_database_open_with_config(path, mode, NULL, NULL, &db->nm, &msg);
	db->atomic_ends = db->atomic_depth = 0;
	if (st == NOTMUCH_STATUS_NO_CONFIG) {
		free(msg);
		if (!notmuch_config_file(config, sizeof config))
			snprintf(config, sizeof config, "~/.notmuch-config");
		return vt_fail(err, VT_ERR_CONFIG,
			       "%s: the notmuch database %s is opened with notmuch's own "
			       "configuration file, %s: %s (write it with `notmuch setup`, or name "
			       "another in NOTMUCH_CONFIG)",
			       origin, path, config,
			       access(config, R_OK) != 0 ? strerror(errno)
							 : "notmuch cannot read it");
	}
	if (st != NOTMUCH_STATUS_SUCCESS) {
		rc = vt_fail(err, VT_ERR_DB, "cannot open notmuch database %s: %s", path,
			     msg ? msg : notmuch_status_to_string(st));
		free(msg);
		return rc;
	}
	free(msg);
	if (db->mode == MAIL_DB_READ_WRITE)
		db->months_whole = mail_db_months_sealed(db);
	root = notmuch_config_get(db->nm, NOTMUCH_CONFIG_MAIL_ROOT);
	if (root == NULL || *root == '\0')
		return vt_fail(err, VT_ERR_CONFIG, "notmuch database %s has no mail root", path);
	db->mail_root = strdup(root);
	return db->mail_root ? VT_OK : vt_fail(err, VT_ERR_NOMEM, "out of memory");
}

vt_status
mail_db_open(const struct mail_db_location *loc, enum mail_db_mode mode, struct mail_db **out,
	     struct vt_error *err)
{
	struct mail_db *db;
	vt_status rc;

	*out = NULL;
	db = calloc(1, sizeof *db);
	if (db == NULL)
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	db->spans_min_posting_bytes = SPANS_MIN_POSTING_BYTES;
	db->mode = mode;
	if (loc->notmuch_db != NULL && *loc->notmuch_db != '\0')
		rc = open_existing(db, loc->notmuch_db, loc->notmuch_db_origin, err);
	else
		rc = open_own(db, loc, err);
	if (rc != VT_OK) {
		mail_db_close(&db);
		return rc;
	}
	*out = db;
	return VT_OK;
}

void
mail_db_close(struct mail_db **dbp)
{
	struct mail_db *db = *dbp;

	if (db == NULL)
		return;
	if (db->committing) {
		/* sealed as the commit began, and closed since */
		pthread_join(db->committer, NULL);
		db->committing = false;
	} else if (db->nm != NULL) {
		mail_db_months_seal(db);
	}
	if (db->nm != NULL)
		notmuch_database_destroy(db->nm);
	for (size_t i = 0; i < db->n_ignore; i++)
		free(db->ignore[i]);
	free(db->ignore);
	free(db->mail_root);
	free(db->config_path);
	free(db->own_dir);
	free(db->xapian_dir);
	free(db);
	*dbp = NULL;
}

bool
mail_db_created(const struct mail_db *db)
{
	return db->created;
}

const char *
mail_db_mail_root(const struct mail_db *db)
{
	return db->mail_root;
}

const char *
mail_db_config_path(const struct mail_db *db)
{
	return db->config_path;
}

/*
 * Xapian's write lock is a lock on <xapian dir>/flintlock (an OFD lock, or
 * a POSIX one held by a helper process); F_GETLK sees either kind without
 * taking it. notmuch keeps the Xapian files in <path>/xapian (split
 * layout, ours) or <path>/.notmuch/xapian.
 */
bool
mail_db_writer_busy(const struct mail_db *db)
{
	static const char *const where[] = { "xapian", ".notmuch/xapian" };
	const char *path = db && db->nm ? notmuch_database_get_path(db->nm) : NULL;

	for (size_t i = 0; path && i < sizeof where / sizeof where[0]; i++) {
		char lock[PATH_MAX];
		struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
		int fd;

		if (snprintf(lock, sizeof lock, "%s/%s/flintlock", path, where[i]) >=
		    (int)sizeof lock)
			continue;
		if ((fd = open(lock, O_RDONLY | O_CLOEXEC)) < 0)
			continue;
		if (fcntl(fd, F_GETLK, &fl) != 0)
			fl.l_type = F_UNLCK;
		close(fd);
		return fl.l_type != F_UNLCK;
	}
	return false;
}

time_t
mail_db_newest(struct mail_db *db)
{
	char *value = NULL;
	long long when = 0;

	if (notmuch_database_get_config(db->nm, MAIL_CONFIG_NEWEST, &value) ==
		    NOTMUCH_STATUS_SUCCESS &&
	    value != NULL)
		when = strtoll(value, NULL, 10);
	free(value);
	return when > 0 ? (time_t)when : 0;
}

static long long
config_date(struct mail_db *db, const char *key)
{
	char *value = NULL, *end = NULL;
	long long when = -1;

	if (notmuch_database_get_config(db->nm, key, &value) == NOTMUCH_STATUS_SUCCESS &&
	    value != NULL && *value != '\0') {
		when = strtoll(value, &end, 10);
		if (*end != '\0' || when < 0)
			when = -1;
	}
	free(value);
	return when;
}

long long
mail_db_oldest(struct mail_db *db)
{
	return config_date(db, MAIL_CONFIG_OLDEST);
}

long long
mail_db_oldest_dated(struct mail_db *db)
{
	long long when = config_date(db, MAIL_CONFIG_OLDEST_DATED);

	return when >= MAIL_DATED_SINCE ? when : -1;
}
