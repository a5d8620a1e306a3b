/*
 * Folder sync: one server folder mirrored into one Maildir folder.
 *
 * Per folder and run:
 *  1. SELECT (with CONDSTORE where offered): UIDVALIDITY, UIDNEXT,
 *     EXISTS, HIGHESTMODSEQ. With QRESYNC (RFC 7162, enabled after login
 *     where offered) and a state to resume from: SELECT (QRESYNC
 *     (UIDVALIDITY HIGHESTMODSEQ)) of the state, and the server adds
 *     VANISHED (EARLIER) (what was expunged since) and a FETCH of flags
 *     for every message changed or added since.
 *  2. What we have: the state file (UID and agreed flags per message) and
 *     our files, whose names carry UIDVALIDITY and UID. A file the state
 *     does not list (a run killed after delivery) is adopted, not fetched
 *     again.
 *  3. What the server has: nothing to ask when UIDNEXT and EXISTS are as
 *     we left them, nor with QRESYNC (the vanished go, FETCHed UIDs we do
 *     not know are new) as long as what is left plus the new adds up to
 *     EXISTS; else (and on a first sync, a new UIDVALIDITY, adopted or
 *     old files) UID SEARCH ALL. Gone from the server: the local file
 *     goes too. A UID is only ever dropped when the server said so.
 *  4. Flags: the changes since our HIGHESTMODSEQ (with QRESYNC those that
 *     came with SELECT, else CHANGEDSINCE), or all flags without
 *     CONDSTORE; a three-way merge per flag with the state as base; local
 *     changes are stored on the server, server changes renamed into the
 *     files.
 *  5. New mail: batched UID FETCH bounded in count and bytes, large
 *     messages in BODY.PEEK[]<offset.length> slices; each file written
 *     to tmp/, fsync'd, renamed; the state is rewritten after the
 *     directories are fsync'd, every second or so and at the end.
 *  6. A new UIDVALIDITY: local files of the old one are matched with the
 *     server's messages by Message-ID and size, else by content hash
 *     once downloaded, and renamed; none is fetched twice. Local files
 *     that match nothing stay as local mail, no longer synced.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "private.h"

#define META_CHUNK 1000        /* UIDs per metadata FETCH */
#define FLAGS_CHUNK 5000       /* UIDs per flags FETCH */
#define STORE_CHUNK 1000       /* UIDs per STORE */
#define BATCH_MSGS 200         /* messages per body FETCH */
#define BATCH_BYTES (8u << 20) /* bytes per body FETCH */
#define LARGE_MSG (2u << 20)   /* fetched alone, in slices of: */
#define SLICE IMAP_BODY_SLICE
#define CHECKPOINT_SECONDS 1.0

struct rec {
	uint32_t uid;
	uint8_t base;   /* flags as last agreed (MF_SYNCED) */
	uint8_t server; /* server flags seen this run */
	bool server_known;
	bool on_server;
	struct md_entry *file; /* NULL: deleted here */
};

struct folder_sync {
	struct imap_conn *conn;
	const struct mail_imap_account *acct;
	/* the state under the UIDVALIDITY before the server's new one */
	struct sync_state before;
	const struct mail_sync_options *opts;
	const struct mail_sync_hooks *hooks;
	const char *name;
	char delim;
	unsigned index, n_folders;
	struct mail_sync_stats *st;
	struct timespec t0;
	double last_progress, last_checkpoint;

	struct md_folder md;
	bool md_open;
	struct md_entry *files;
	size_t n_files;
	struct md_entry *fresh; /* files delivered this run */
	size_t n_fresh, cap_fresh;
	struct sync_state state;
	char *state_path;
	uint32_t uv, uidnext, exists;
	uint64_t hms;
	/* SELECT with QRESYNC on the state's UIDVALIDITY: what changed since
	 * the state's HIGHESTMODSEQ (FETCH: flags, and new mail) and what is
	 * gone (VANISHED (EARLIER)); owned here */
	bool qresynced;
	clist *qr_fetch;
	struct mailimap_qresync_vanished **vanished;
	size_t n_vanished;

	struct rec *recs;
	size_t n_recs, cap_recs;
	bool recs_sorted;
	struct md_entry **stale;
	size_t n_stale;
	uint32_t *new_uids;
	size_t n_new;
	unsigned to_fetch, fetched;
	/* old files whose Message-ID came back with other bytes: replaced
	 * once the server's copy is here */
	struct supersede {
		uint32_t uid;
		char *id;
		struct md_entry *old;
	} * supersede;
	size_t n_supersede;
	bool saving; /* records match the disk: a failure saves them */
	/* new messages the server did not give us, and why the first not */
	unsigned unfetched;
	char unfetched_why[300];
};

static double
seconds_since(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t0->tv_sec) + (now.tv_nsec - t0->tv_nsec) / 1e9;
}

static bool
interrupted(const struct folder_sync *fs)
{
	return fs->opts->interrupted && *fs->opts->interrupted;
}

static void
progress(struct folder_sync *fs, bool force)
{
	double now = seconds_since(&fs->t0);
	struct mail_sync_progress p = {
		.account = fs->acct->name,
		.folder = fs->name,
		.folder_index = fs->index,
		.n_folders = fs->n_folders,
		.to_fetch = fs->to_fetch,
		.fetched = fs->fetched,
		.bytes = fs->st->bytes,
		.elapsed = now,
	};

	if (fs->hooks == NULL || fs->hooks->progress == NULL)
		return;
	if (!force && now - fs->last_progress < 0.5)
		return;
	fs->last_progress = now;
	fs->hooks->progress(fs->hooks->ctx, &p);
}

/* qsort and bsearch want a non-NULL base even for no elements. */
static void
sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	if (n > 1)
		qsort(base, n, size, cmp);
}

static void *
search(const void *key, const void *base, size_t n, size_t size,
       int (*cmp)(const void *, const void *))
{
	return n ? bsearch(key, base, n, size, cmp) : NULL;
}

/* A new message the server did not give us: never recorded, so the
 * next sync asks again; the first reason is what the user reads. */
static void __attribute__((format(printf, 3, 4)))
not_fetched(struct folder_sync *fs, uint32_t uid, const char *fmt, ...)
{
	va_list ap;
	int n;

	fs->unfetched++;
	fs->st->unfetched++;
	if (fs->unfetched > 1)
		return;
	n = snprintf(fs->unfetched_why, sizeof fs->unfetched_why, "UID %u: ", uid);
	va_start(ap, fmt);
	vsnprintf(fs->unfetched_why + n, sizeof fs->unfetched_why - (size_t)n, fmt, ap);
	va_end(ap);
}

/* ---- libetpan helpers ---------------------------------------------------- */

static unsigned
flags_of(const struct mailimap_msg_att_dynamic *dyn)
{
	unsigned f = 0;

	if (dyn == NULL || dyn->att_list == NULL)
		return 0;
	for (clistiter *it = clist_begin(dyn->att_list); it; it = clist_next(it)) {
		const struct mailimap_flag_fetch *ff = clist_content(it);

		if (ff->fl_type != MAILIMAP_FLAG_FETCH_OTHER || ff->fl_flag == NULL)
			continue;
		switch (ff->fl_flag->fl_type) {
		case MAILIMAP_FLAG_SEEN:
			f |= MF_SEEN;
			break;
		case MAILIMAP_FLAG_FLAGGED:
			f |= MF_FLAGGED;
			break;
		case MAILIMAP_FLAG_ANSWERED:
			f |= MF_ANSWERED;
			break;
		case MAILIMAP_FLAG_DRAFT:
			f |= MF_DRAFT;
			break;
		case MAILIMAP_FLAG_DELETED:
			f |= MF_DELETED;
			break;
		default:
			break;
		}
	}
	return f;
}

void
imap_parse_att(const struct mailimap_msg_att *m, struct imap_fetched *out)
{
	memset(out, 0, sizeof *out);
	for (clistiter *it = clist_begin(m->att_list); it; it = clist_next(it)) {
		const struct mailimap_msg_att_item *item = clist_content(it);

		if (item->att_type == MAILIMAP_MSG_ATT_ITEM_DYNAMIC) {
			out->has_flags = true;
			out->flags = flags_of(item->att_data.att_dyn);
			continue;
		}
		if (item->att_type != MAILIMAP_MSG_ATT_ITEM_STATIC)
			continue;
		const struct mailimap_msg_att_static *s = item->att_data.att_static;

		switch (s->att_type) {
		case MAILIMAP_MSG_ATT_UID:
			out->uid = s->att_data.att_uid;
			break;
		case MAILIMAP_MSG_ATT_RFC822_SIZE:
			out->has_size = true;
			out->size = s->att_data.att_rfc822_size;
			break;
		case MAILIMAP_MSG_ATT_BODY_SECTION:
			if (s->att_data.att_body_section) {
				/* sec_length, never strlen: mail may hold NULs. */
				out->has_body = s->att_data.att_body_section->sec_body_part != NULL;
				out->body_nil = !out->has_body;
				out->body = s->att_data.att_body_section->sec_body_part;
				out->body_len = s->att_data.att_body_section->sec_length;
			}
			break;
		default:
			break;
		}
	}
}

/* A set of sorted UIDs as intervals. */
struct mailimap_set *
imap_uid_set(const uint32_t *uids, size_t n)
{
	struct mailimap_set *set = mailimap_set_new_empty();

	if (set == NULL)
		return NULL;
	for (size_t i = 0; i < n;) {
		size_t j = i;

		while (j + 1 < n && uids[j + 1] == uids[j] + 1)
			j++;
		if (mailimap_set_add_interval(set, uids[i], uids[j]) != MAILIMAP_NO_ERROR) {
			mailimap_set_free(set);
			return NULL;
		}
		i = j + 1;
	}
	return set;
}

size_t
imap_set_mark(const struct mailimap_set *set, const uint32_t *uids, size_t n, bool *in)
{
	size_t marked = 0;

	if (set == NULL || set->set_list == NULL)
		return 0;
	for (clistiter *it = clist_begin(set->set_list); it; it = clist_next(it)) {
		const struct mailimap_set_item *item = clist_content(it);
		/* libetpan reads "*" as 0 */
		uint32_t a = item->set_first ? item->set_first : UINT32_MAX;
		uint32_t b = item->set_last ? item->set_last : UINT32_MAX;
		size_t lo = 0, hi = n;

		if (a > b) {
			uint32_t t = a;

			a = b;
			b = t;
		}
		while (lo < hi) { /* the first uid >= a */
			size_t mid = lo + (hi - lo) / 2;

			if (uids[mid] < a)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (; lo < n && uids[lo] <= b; lo++)
			if (!in[lo]) {
				in[lo] = true;
				marked++;
			}
	}
	return marked;
}

struct mailimap_fetch_type *
imap_fetch_type(unsigned what, uint32_t offset, uint32_t length)
{
	struct mailimap_fetch_type *ft = mailimap_fetch_type_new_fetch_att_list_empty();
	struct mailimap_fetch_att *att[4];
	size_t n = 0;

	if (ft == NULL)
		return NULL;
	att[n++] = mailimap_fetch_att_new_uid();
	if (what & FW_FLAGS)
		att[n++] = mailimap_fetch_att_new_flags();
	if (what & FW_SIZE)
		att[n++] = mailimap_fetch_att_new_rfc822_size();
	if (what & FW_BODY)
		att[n++] = mailimap_fetch_att_new_body_peek_section(mailimap_section_new(NULL));
	else if (what & FW_SLICE)
		att[n++] =
			mailimap_fetch_att_new_body_peek_section_partial(mailimap_section_new(NULL),
									 offset, length);
	else if (what & FW_MSGID) {
		clist *names = clist_new();
		char *h = strdup("MESSAGE-ID");
		struct mailimap_header_list *hl;

		if (names == NULL || h == NULL || clist_append(names, h) != 0) {
			free(h);
			if (names)
				clist_free(names);
			att[n++] = NULL;
		} else if ((hl = mailimap_header_list_new(names)) == NULL) {
			free(h);
			clist_free(names);
			att[n++] = NULL;
		} else
			att[n++] = mailimap_fetch_att_new_body_peek_section(
				mailimap_section_new_header_fields(hl));
	}
	for (size_t i = 0; i < n; i++) {
		if (att[i] == NULL ||
		    mailimap_fetch_type_new_fetch_att_list_add(ft, att[i]) != MAILIMAP_NO_ERROR) {
			for (size_t j = i; j < n; j++)
				if (att[j])
					mailimap_fetch_att_free(att[j]);
			mailimap_fetch_type_free(ft);
			return NULL;
		}
	}
	return ft;
}

vt_status
imap_uid_fetch(struct imap_conn *c, struct mailimap_set *set, unsigned what, uint32_t offset,
	       uint32_t length, uint64_t changedsince, clist **result, const char *account,
	       const char *folder, struct vt_error *err)
{
	struct mailimap_fetch_type *ft = imap_fetch_type(what, offset, length);
	int r;

	*result = NULL;
	if (set == NULL || ft == NULL) {
		if (set)
			mailimap_set_free(set);
		if (ft)
			mailimap_fetch_type_free(ft);
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	}
	if (changedsince)
		r = mailimap_uid_fetch_changedsince(c->imap, set, ft, changedsince, result);
	else
		r = mailimap_uid_fetch(c->imap, set, ft, result);
	mailimap_set_free(set);
	mailimap_fetch_type_free(ft);
	if (r != MAILIMAP_NO_ERROR) {
		*result = NULL;
		return imap_fail(c, r, err, "%s/%s: UID FETCH", account, folder);
	}
	return VT_OK;
}

/* UID FETCH of uids (sorted; none: all) for what. */
static vt_status
uid_fetch(struct folder_sync *fs, const uint32_t *uids, size_t n, unsigned what, uint32_t offset,
	  uint32_t length, uint64_t changedsince, clist **result, struct vt_error *err)
{
	return imap_uid_fetch(fs->conn, n ? imap_uid_set(uids, n) : mailimap_set_new_interval(1, 0),
			      what, offset, length, changedsince, result, fs->acct->name, fs->name,
			      err);
}

/* ---- records ------------------------------------------------------------- */

static int
cmp_rec(const void *a, const void *b)
{
	uint32_t x = ((const struct rec *)a)->uid, y = ((const struct rec *)b)->uid;

	return x < y ? -1 : x > y;
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static int
cmp_entry_uid(const void *a, const void *b)
{
	uint32_t x = ((const struct md_entry *)a)->uid, y = ((const struct md_entry *)b)->uid;

	return x < y ? -1 : x > y;
}

static struct rec *
find_rec(struct folder_sync *fs, uint32_t uid)
{
	struct rec key = { .uid = uid };

	if (!fs->recs_sorted) {
		sort(fs->recs, fs->n_recs, sizeof *fs->recs, cmp_rec);
		fs->recs_sorted = true;
	}
	return search(&key, fs->recs, fs->n_recs, sizeof *fs->recs, cmp_rec);
}

static struct rec *
add_rec(struct folder_sync *fs, uint32_t uid, unsigned base, struct md_entry *file)
{
	struct rec *r;

	if (fs->n_recs == fs->cap_recs) {
		size_t cap = fs->cap_recs ? fs->cap_recs * 2 : 256;
		struct rec *g = realloc(fs->recs, cap * sizeof *g);

		if (g == NULL)
			return NULL;
		fs->recs = g;
		fs->cap_recs = cap;
	}
	r = &fs->recs[fs->n_recs++];
	memset(r, 0, sizeof *r);
	r->uid = uid;
	r->base = (uint8_t)(base & MF_SYNCED);
	r->file = file;
	r->on_server = true;
	if (fs->n_recs > 1 && r[-1].uid >= uid)
		fs->recs_sorted = false;
	return r;
}

/* Files delivered this run live in an array that grows: remember indexes,
 * not pointers, until the run's end (recs point into it). */
static struct md_entry *
add_fresh(struct folder_sync *fs)
{
	if (fs->n_fresh == fs->cap_fresh) {
		size_t cap = fs->cap_fresh ? fs->cap_fresh * 2 : 256;
		struct md_entry *g = realloc(fs->fresh, cap * sizeof *g);

		if (g == NULL)
			return NULL;
		/* re-point recs at the moved array */
		for (size_t i = 0; i < fs->n_recs; i++)
			if (fs->recs[i].file >= fs->fresh &&
			    fs->recs[i].file < fs->fresh + fs->n_fresh)
				fs->recs[i].file = g + (fs->recs[i].file - fs->fresh);
		fs->fresh = g;
		fs->cap_fresh = cap;
	}
	memset(&fs->fresh[fs->n_fresh], 0, sizeof fs->fresh[0]);
	return &fs->fresh[fs->n_fresh++];
}

/* The state as it stands: the records (files on disk, fsync'd first). */
static vt_status
checkpoint(struct folder_sync *fs, bool final, struct vt_error *err)
{
	vt_status rc;

	if ((rc = md_sync_dirs(&fs->md, err)) != VT_OK)
		return rc;
	fs->state.n = 0;
	for (size_t i = 0; i < fs->n_recs; i++)
		if (state_add(&fs->state, fs->recs[i].uid, fs->recs[i].base) != VT_OK)
			return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	state_sort(&fs->state);
	fs->state.uidvalidity = fs->uv;
	if (final) {
		fs->state.uidnext = fs->uidnext;
		fs->state.highestmodseq = fs->hms;
	}
	fs->last_checkpoint = seconds_since(&fs->t0);
	return state_save(fs->state_path, &fs->state, err);
}

static vt_status
maybe_checkpoint(struct folder_sync *fs, struct vt_error *err)
{
	if (seconds_since(&fs->t0) - fs->last_checkpoint < CHECKPOINT_SECONDS)
		return md_sync_dirs(&fs->md, err);
	return checkpoint(fs, false, err);
}

/* ---- the local folder ------------------------------------------------------ */

static bool
bad_component(const char *c, size_t len)
{
	if (len == 0 || (len == 1 && c[0] == '.') || (len == 2 && c[0] == '.' && c[1] == '.'))
		return true;
	if (len == 3 && (!strncmp(c, "cur", 3) || !strncmp(c, "new", 3) || !strncmp(c, "tmp", 3)))
		return true;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)c[i] < 0x20 || c[i] == 0x7f)
			return true;
	return false;
}

/* <mail_root>/<subdir>/<folder, one directory per hierarchy level>. */
vt_status
imap_local_path(const struct mail_imap_account *acct, const char *mail_root, const char *name,
		char delim, char **out, struct vt_error *err)
{
	char *path = NULL;
	size_t len;
	FILE *m = open_memstream(&path, &len);

	*out = NULL;
	if (m == NULL)
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	fputs(mail_root, m);
	if (acct->maildir_subdir[0])
		fprintf(m, "/%s", acct->maildir_subdir);
	for (const char *c = name;;) {
		const char *end = delim ? strchr(c, delim) : NULL;
		size_t n = end ? (size_t)(end - c) : strlen(c);

		if (bad_component(c, n) || memchr(c, '/', n)) {
			fclose(m);
			free(path);
			return vt_fail(err, VT_ERR_PROTOCOL,
				       "%s/%s: a folder name that cannot be a local directory",
				       acct->name, name);
		}
		fprintf(m, "/%.*s", (int)n, c);
		if (end == NULL)
			break;
		c = end + 1;
	}
	if (fclose(m) != 0) {
		free(path);
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	}
	*out = path;
	return VT_OK;
}

static vt_status
local_path(struct folder_sync *fs, char **out, struct vt_error *err)
{
	return imap_local_path(fs->acct, fs->opts->mail_root, fs->name, fs->delim, out, err);
}

static bool
older_file(const struct md_folder *f, const struct md_entry *a, const struct md_entry *b)
{
	char pa[PATH_MAX], pb[PATH_MAX];
	struct stat sa, sb;

	md_entry_path(f, a, pa, sizeof pa);
	md_entry_path(f, b, pb, sizeof pb);
	if (stat(pa, &sa) != 0 || stat(pb, &sb) != 0)
		return false;
	return sa.st_mtim.tv_sec < sb.st_mtim.tv_sec ||
	       (sa.st_mtim.tv_sec == sb.st_mtim.tv_sec && sa.st_mtim.tv_nsec < sb.st_mtim.tv_nsec);
}

/* Two files of one UID (a copy made beside it, by hand or by a file
 * manager): the same bytes twice, and one goes; other bytes are not the
 * server's message, and the newer file (the copy) stays as local mail,
 * no longer synced, never removed on a guess. A file that cannot be
 * read now is left alone, outside the records. */
static vt_status
one_file_a_uid(struct folder_sync *fs, struct rec *r, struct md_entry *e, struct vt_error *err)
{
	struct md_entry *kept = r->file;
	struct vt_error ignored = { 0 };

	if ((!kept->hashed && md_entry_digest(&fs->md, kept, &ignored) != VT_OK) ||
	    md_entry_digest(&fs->md, e, &ignored) != VT_OK)
		return VT_OK;
	if (kept->crlf_size == e->crlf_size && memcmp(kept->sha256, e->sha256, 32) == 0)
		return md_remove(&fs->md, e, err);
	if (older_file(&fs->md, e, kept)) {
		r->file = e;
		e = kept;
	}
	return md_unmark(&fs->md, e, err);
}

/* Files and state into records; files of another UIDVALIDITY aside. */
static vt_status
load_local(struct folder_sync *fs, bool *adopted, struct vt_error *err)
{
	size_t si = 0;
	vt_status rc;

	*adopted = false;
	sort(fs->files, fs->n_files, sizeof *fs->files, cmp_entry_uid);
	if ((fs->stale = calloc(fs->n_files + 1, sizeof *fs->stale)) == NULL)
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	for (size_t i = 0; i < fs->n_files; i++) {
		struct md_entry *e = &fs->files[i];

		if (e->uv != fs->uv) {
			fs->stale[fs->n_stale++] = e;
			continue;
		}
		if (fs->n_recs && fs->recs[fs->n_recs - 1].uid == e->uid &&
		    fs->recs[fs->n_recs - 1].file) {
			if ((rc = one_file_a_uid(fs, &fs->recs[fs->n_recs - 1], e, err)) != VT_OK)
				return rc;
			continue;
		}
		while (si < fs->state.n && fs->state.msgs[si].uid < e->uid) {
			/* listed, but its file was deleted here */
			if (!add_rec(fs, fs->state.msgs[si].uid, fs->state.msgs[si].flags, NULL))
				return vt_fail(err, VT_ERR_NOMEM, "out of memory");
			si++;
		}
		if (si < fs->state.n && fs->state.msgs[si].uid == e->uid) {
			if (!add_rec(fs, e->uid, fs->state.msgs[si].flags, e))
				return vt_fail(err, VT_ERR_NOMEM, "out of memory");
			si++;
		} else {
			/* delivered by a run that stopped before saving its state:
			 * written with the server's flags of then */
			if (!add_rec(fs, e->uid, md_info_flags(e->info), e))
				return vt_fail(err, VT_ERR_NOMEM, "out of memory");
			*adopted = true;
		}
	}
	for (; si < fs->state.n; si++)
		if (!add_rec(fs, fs->state.msgs[si].uid, fs->state.msgs[si].flags, NULL))
			return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	sort(fs->recs, fs->n_recs, sizeof *fs->recs, cmp_rec);
	fs->recs_sorted = true;
	return VT_OK;
}

/* ---- what the server has --------------------------------------------------- */

static vt_status
server_uids(struct folder_sync *fs, struct vt_error *err)
{
	struct mailimap_search_key *key;
	clist *result = NULL;
	size_t n = 0;
	int r;

	for (size_t i = 0; i < fs->n_recs; i++)
		fs->recs[i].on_server = false;
	/* An empty folder lists nothing. But a SELECT that left EXISTS out
	 * (libetpan then says 0) must not make all we hold look expunged: a
	 * UID is dropped only when the server's own listing lacks it. */
	if (fs->exists == 0 && fs->n_recs == 0)
		return VT_OK;
	if ((key = mailimap_search_key_new_all()) == NULL)
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	r = mailimap_uid_search(fs->conn->imap, NULL, key, &result);
	mailimap_search_key_free(key);
	if (r != MAILIMAP_NO_ERROR)
		return imap_fail(fs->conn, r, err, "%s/%s: UID SEARCH", fs->acct->name, fs->name);
	if ((fs->new_uids = malloc((clist_count(result) + 1) * sizeof *fs->new_uids)) == NULL) {
		mailimap_search_result_free(result);
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	}
	for (clistiter *it = clist_begin(result); it; it = clist_next(it)) {
		uint32_t uid = *(uint32_t *)clist_content(it);
		struct rec *rec = find_rec(fs, uid);

		if (rec)
			rec->on_server = true;
		else
			fs->new_uids[n++] = uid;
	}
	mailimap_search_result_free(result);
	sort(fs->new_uids, n, sizeof *fs->new_uids, cmp_u32);
	fs->n_new = n;
	return VT_OK;
}

/* The server's flags of the messages we know, from a FETCH; res is freed. */
static void
note_server_flags(struct folder_sync *fs, clist *res)
{
	for (clistiter *it = clist_begin(res); it; it = clist_next(it)) {
		struct imap_fetched f;
		struct rec *rec;

		imap_parse_att(clist_content(it), &f);
		if (f.has_flags && (rec = find_rec(fs, f.uid)) != NULL) {
			rec->server = (uint8_t)f.flags;
			rec->server_known = true;
		}
	}
	mailimap_fetch_list_free(res);
}

static vt_status
fetch_flags(struct folder_sync *fs, bool changes_only, struct vt_error *err)
{
	uint32_t *uids = NULL;
	size_t n = 0;
	vt_status rc = VT_OK;

	if (changes_only) {
		clist *res;

		if ((rc = uid_fetch(fs, NULL, 0, FW_FLAGS, 0, 0, fs->state.highestmodseq, &res,
				    err)) != VT_OK)
			return rc;
		note_server_flags(fs, res);
		return VT_OK;
	}
	if ((uids = malloc((fs->n_recs + 1) * sizeof *uids)) == NULL)
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	for (size_t i = 0; i < fs->n_recs; i++)
		if (fs->recs[i].on_server)
			uids[n++] = fs->recs[i].uid;
	for (size_t i = 0; i < n && rc == VT_OK; i += FLAGS_CHUNK) {
		size_t k = n - i < FLAGS_CHUNK ? n - i : FLAGS_CHUNK;
		clist *res;

		if ((rc = uid_fetch(fs, uids + i, k, FW_FLAGS, 0, 0, 0, &res, err)) != VT_OK)
			break;
		note_server_flags(fs, res);
	}
	free(uids);
	return rc;
}

vt_status
imap_uid_store_flag(struct imap_conn *c, struct mailimap_set *set, struct mailimap_flag *flag,
		    bool add, const char *account, const char *folder, struct vt_error *err)
{
	struct mailimap_flag_list *fl = mailimap_flag_list_new_empty();
	struct mailimap_store_att_flags *sa = NULL;
	int r;

	if (set && fl && flag && mailimap_flag_list_add(fl, flag) == MAILIMAP_NO_ERROR) {
		flag = NULL;
		sa = add ? mailimap_store_att_flags_new_add_flags_silent(fl)
			 : mailimap_store_att_flags_new_remove_flags_silent(fl);
		if (sa)
			fl = NULL;
	}
	if (sa == NULL) {
		if (flag)
			mailimap_flag_free(flag);
		if (fl)
			mailimap_flag_list_free(fl);
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	}
	r = mailimap_uid_store(c->imap, set, sa);
	mailimap_store_att_flags_free(sa);
	if (r != MAILIMAP_NO_ERROR)
		return imap_fail(c, r, err, "%s/%s: UID STORE", account, folder);
	return VT_OK;
}

/* UID STORE +FLAGS.SILENT / -FLAGS.SILENT (flag) on uids, in chunks. */
static vt_status
store_flag(struct folder_sync *fs, const uint32_t *uids, size_t n, unsigned flag, bool add,
	   struct vt_error *err)
{
	for (size_t i = 0; i < n; i += STORE_CHUNK) {
		size_t k = n - i < STORE_CHUNK ? n - i : STORE_CHUNK;
		struct mailimap_set *set = imap_uid_set(uids + i, k);
		vt_status rc;

		if (set == NULL)
			return vt_fail(err, VT_ERR_NOMEM, "out of memory");
		rc = imap_uid_store_flag(fs->conn, set,
					 flag == MF_SEEN      ? mailimap_flag_new_seen()
					 : flag == MF_FLAGGED ? mailimap_flag_new_flagged()
							      : mailimap_flag_new_answered(),
					 add, fs->acct->name, fs->name, err);
		mailimap_set_free(set);
		if (rc != VT_OK)
			return rc;
	}
	return VT_OK;
}

/* Per flag: whoever changed it since the base wins (a flag has two
 * values, so both changing it agree). */
static unsigned
merge_flags(unsigned local, unsigned base, unsigned server)
{
	unsigned changed = local ^ base;

	return (local & changed) | (server & ~changed);
}

/* Expunged there: removed here. Flags: merged, stored, renamed. */
static vt_status
reconcile(struct folder_sync *fs, struct vt_error *err)
{
	static const unsigned flag_bits[3] = { MF_SEEN, MF_FLAGGED, MF_ANSWERED };
	uint32_t *sets[6] = { 0 };
	size_t counts[6] = { 0 }, o = 0;
	uint8_t *merged = NULL;
	vt_status rc = VT_OK;

	for (size_t i = 0; i < 6; i++)
		if ((sets[i] = malloc((fs->n_recs + 1) * sizeof *sets[i])) == NULL) {
			rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
			goto out;
		}
	if ((merged = malloc(fs->n_recs + 1)) == NULL) {
		rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < fs->n_recs; i++) {
		struct rec *r = &fs->recs[i];
		unsigned local, server, m, diff;

		merged[i] = r->base;
		if (!r->on_server || r->file == NULL)
			continue;
		local = md_info_flags(r->file->info) & MF_SYNCED;
		server = r->server_known ? r->server & MF_SYNCED : r->base;
		m = merge_flags(local, r->base, server);
		merged[i] = (uint8_t)m;
		diff = m ^ server;
		if (diff)
			fs->st->flags_pushed++;
		for (size_t b = 0; b < 3; b++)
			if (diff & flag_bits[b]) {
				size_t set = b * 2 + ((m & flag_bits[b]) ? 0 : 1);

				sets[set][counts[set]++] = r->uid;
			}
	}
	/* the server first: a crash before the renames repeats the merge */
	for (size_t s = 0; s < 6 && rc == VT_OK; s++)
		if (counts[s])
			rc = store_flag(fs, sets[s], counts[s], flag_bits[s / 2], s % 2 == 0, err);
	if (rc != VT_OK)
		goto out;
	/* Renames and removals; a failure leaves the records as they were
	 * (the next run merges again and agrees with what got done). */
	for (size_t i = 0; i < fs->n_recs; i++) {
		struct rec *r = &fs->recs[i];

		if (!r->on_server) {
			if (r->file) {
				if ((rc = md_remove(&fs->md, r->file, err)) != VT_OK)
					goto out;
				fs->st->removed++;
			}
		} else if (r->file == NULL) {
			fs->st->missing++;
		} else if ((md_info_flags(r->file->info) & MF_SYNCED) != merged[i]) {
			if ((rc = md_set_flags(&fs->md, r->file, merged[i], err)) != VT_OK)
				goto out;
			fs->st->flags_pulled++;
		}
	}
	for (size_t i = 0; i < fs->n_recs; i++) {
		struct rec *r = &fs->recs[i];

		if (!r->on_server)
			continue;
		if (r->file == NULL)
			r->base = r->server_known ? r->server & MF_SYNCED : r->base;
		else
			r->base = merged[i];
		fs->recs[o++] = *r;
	}
	fs->n_recs = o;
out:
	for (size_t i = 0; i < 6; i++)
		free(sets[i]);
	free(merged);
	return rc;
}

/* ---- a new UIDVALIDITY ------------------------------------------------------ */

static int
cmp_stale(const void *a, const void *b)
{
	const struct md_entry *x = *(struct md_entry *const *)a, *y = *(struct md_entry *const *)b;
	int c = strcmp(x->message_id, y->message_id);

	if (c)
		return c;
	return x->crlf_size < y->crlf_size ? -1 : x->crlf_size > y->crlf_size;
}

static struct md_entry *
find_stale(struct folder_sync *fs, const char *message_id, uint64_t size)
{
	struct md_entry key = { .message_id = (char *)message_id, .crlf_size = size }, *kp = &key;
	struct md_entry **hit;

	hit = search(&kp, fs->stale, fs->n_stale, sizeof *fs->stale, cmp_stale);
	if (hit == NULL)
		return NULL;
	/* the first unused of equal ones */
	while (hit > fs->stale && cmp_stale(hit - 1, &kp) == 0)
		hit--;
	for (; hit < fs->stale + fs->n_stale && cmp_stale(hit, &kp) == 0; hit++)
		if (!(*hit)->used)
			return *hit;
	return NULL;
}

static struct md_entry *
find_stale_id(struct folder_sync *fs, const char *message_id)
{
	for (size_t i = 0; i < fs->n_stale; i++)
		if (!fs->stale[i]->used && strcmp(fs->stale[i]->message_id, message_id) == 0)
			return fs->stale[i];
	return NULL;
}

static vt_status
relink(struct folder_sync *fs, struct md_entry *e, uint32_t uid, unsigned flags,
       struct vt_error *err)
{
	/* the flags changed here since the last sync stay, and go to the
	 * server now (this sync's merge is done): the new UIDVALIDITY made
	 * the file the server's flags. Changed since what the old state
	 * agreed (one cleared elsewhere stays cleared); a file it had no
	 * word of keeps the flags it has set. */
	static const unsigned synced[3] = { MF_SEEN, MF_FLAGGED, MF_ANSWERED };
	unsigned local = md_info_flags(e->info) & MF_SYNCED, server = flags & MF_SYNCED;
	unsigned base = 0, merged, diff;
	bool known = false;
	vt_status rc = VT_OK;

	if (fs->before.n > 0 && e->uv == fs->before.uidvalidity) {
		for (size_t lo = 0, hi = fs->before.n; lo < hi;) {
			size_t mid = lo + (hi - lo) / 2;

			if (fs->before.msgs[mid].uid < e->uid) {
				lo = mid + 1;
			} else if (fs->before.msgs[mid].uid > e->uid) {
				hi = mid;
			} else {
				base = fs->before.msgs[mid].flags & MF_SYNCED;
				known = true;
				break;
			}
		}
	}
	merged = known ? merge_flags(local, base, server) : server | local;
	diff = merged ^ server;
	for (size_t b = 0; b < 3 && rc == VT_OK; b++)
		if (diff & synced[b])
			rc = store_flag(fs, &uid, 1, synced[b], (merged & synced[b]) != 0, err);
	if (rc == VT_OK && diff)
		fs->st->flags_pushed++;
	if (rc == VT_OK)
		rc = md_rename_uid(&fs->md, e, fs->uv, uid, (flags & ~MF_SYNCED) | merged, err);
	if (rc != VT_OK)
		return rc;
	e->used = true;
	if (!add_rec(fs, uid, merged, e))
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	fs->st->relinked++;
	return VT_OK;
}

/* Matches old files with new UIDs by Message-ID and size, before any
 * download. */
static vt_status
match_stale(struct folder_sync *fs, struct vt_error *err)
{
	size_t kept = 0;
	vt_status rc = VT_OK;

	for (size_t i = 0; i < fs->n_stale; i++)
		if ((rc = md_entry_digest(&fs->md, fs->stale[i], err)) != VT_OK)
			return rc;
	sort(fs->stale, fs->n_stale, sizeof *fs->stale, cmp_stale);
	if ((fs->supersede = calloc(fs->n_new + 1, sizeof *fs->supersede)) == NULL)
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	for (size_t i = 0; i < fs->n_new && rc == VT_OK; i += META_CHUNK) {
		size_t k = fs->n_new - i < META_CHUNK ? fs->n_new - i : META_CHUNK;
		clist *res;

		if ((rc = uid_fetch(fs, fs->new_uids + i, k, FW_FLAGS | FW_SIZE | FW_MSGID, 0, 0, 0,
				    &res, err)) != VT_OK)
			return rc;
		for (clistiter *it = clist_begin(res); it && rc == VT_OK; it = clist_next(it)) {
			struct imap_fetched f;
			struct md_entry *e;
			char id[1024];

			imap_parse_att(clist_content(it), &f);
			if (!f.has_body || !f.has_size || f.uid == 0)
				continue;
			md_header_message_id(f.body, f.body_len, id, sizeof id);
			if (id[0] == '\0')
				continue;
			if ((e = find_stale(fs, id, f.size)) != NULL)
				rc = relink(fs, e, f.uid, f.flags, err);
			else if ((fs->supersede[fs->n_supersede].id = strdup(id)) != NULL)
				fs->supersede[fs->n_supersede++].uid = f.uid;
		}
		mailimap_fetch_list_free(res);
	}
	/* Same Message-ID, other size: the server changed the bytes (a
	 * re-APPEND may rewrite line ends). Paired after all exact matches;
	 * the old file goes once the server's copy is here. */
	for (size_t i = 0; i < fs->n_supersede; i++) {
		struct md_entry *e = find_stale_id(fs, fs->supersede[i].id);

		if (e) {
			e->used = true;
			fs->supersede[i].old = e;
		}
	}
	if (rc != VT_OK)
		return rc;
	/* UIDs matched are no longer new */
	for (size_t i = 0; i < fs->n_new; i++)
		if (find_rec(fs, fs->new_uids[i]) == NULL)
			fs->new_uids[kept++] = fs->new_uids[i];
	fs->n_new = kept;
	return VT_OK;
}

static struct md_entry *
find_stale_hash(struct folder_sync *fs, const uint8_t sha256[32])
{
	for (size_t i = 0; i < fs->n_stale; i++)
		if (!fs->stale[i]->used && fs->stale[i]->hashed &&
		    memcmp(fs->stale[i]->sha256, sha256, 32) == 0)
			return fs->stale[i];
	return NULL;
}

static bool
stale_left(const struct folder_sync *fs)
{
	for (size_t i = 0; i < fs->n_stale; i++)
		if (!fs->stale[i]->used)
			return true;
	return false;
}

/* ---- downloading --------------------------------------------------------- */

struct meta {
	uint32_t uid;
	uint32_t size;
};

/* A message written: into the records, unless an old file has the same
 * bytes (a new UIDVALIDITY), which then takes its place. */
static vt_status
delivered(struct folder_sync *fs, struct md_writer *w, uint32_t uid, unsigned flags, bool hashing,
	  struct vt_error *err)
{
	struct md_entry *e = add_fresh(fs), *old;
	uint8_t sha[32];
	vt_status rc;

	if (e == NULL) {
		md_writer_abort(w);
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	}
	e->uv = fs->uv;
	e->uid = uid;
	if ((rc = md_writer_commit(&fs->md, w, flags, e, sha, err)) != VT_OK) {
		fs->n_fresh--;
		return rc;
	}
	if (hashing && (old = find_stale_hash(fs, sha)) != NULL) {
		rc = md_remove(&fs->md, e, err);
		free(e->name);
		fs->n_fresh--;
		if (rc != VT_OK)
			return rc;
		return relink(fs, old, uid, flags, err);
	}
	e->uv = fs->uv;
	e->uid = uid;
	if (!add_rec(fs, uid, flags, e))
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	fs->st->fetched++;
	fs->st->bytes += w->bytes;
	fs->fetched++;
	return VT_OK;
}

/* Messages asked for and not sent: those the server still lists were
 * not fetched (why says why); the others were expunged meanwhile, and
 * the next sync sees them gone. */
static vt_status
confirm_missing(struct folder_sync *fs, const uint32_t *uids, size_t n, const char *why,
		struct vt_error *err)
{
	struct mailimap_set *set = imap_uid_set(uids, n);
	struct mailimap_search_key *key = set ? mailimap_search_key_new_uid(set) : NULL;
	clist *result = NULL;
	int r;

	if (key == NULL) {
		if (set)
			mailimap_set_free(set);
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	}
	r = mailimap_uid_search(fs->conn->imap, NULL, key, &result);
	mailimap_search_key_free(key);
	if (r != MAILIMAP_NO_ERROR)
		return imap_fail(fs->conn, r, err, "%s/%s: UID SEARCH", fs->acct->name, fs->name);
	for (clistiter *it = clist_begin(result); it; it = clist_next(it)) {
		uint32_t uid = *(uint32_t *)clist_content(it);

		if (search(&uid, uids, n, sizeof *uids, cmp_u32) && find_rec(fs, uid) == NULL)
			not_fetched(fs, uid, "%s", why);
	}
	mailimap_search_result_free(result);
	return VT_OK;
}

/* One big message in slices, so that it is never whole in memory. */
static vt_status
fetch_large(struct folder_sync *fs, const struct meta *m, struct vt_error *err)
{
	const struct imap_expect slice = { .uid = m->uid, .max = SLICE };
	uint64_t allowed = imap_body_allowance(fs->acct, m->size);
	struct md_writer w;
	bool hashing = stale_left(fs);
	unsigned flags = 0;
	uint32_t offset = 0, uid = m->uid;
	vt_status rc;

	if ((rc = md_writer_begin(&fs->md, fs->uv, uid, hashing, &w, err)) != VT_OK)
		return rc;
	for (;;) {
		clist *res;
		bool got = false;
		size_t len = 0;

		imap_guard_expect(&fs->conn->guard, &(struct imap_answer){ .literal_cap = SLICE,
									   .msgs = &slice,
									   .n_msgs = 1,
									   .literals = SLICE });
		rc = uid_fetch(fs, &uid, 1, FW_FLAGS | FW_SLICE, offset, SLICE, 0, &res, err);
		imap_guard_expect(&fs->conn->guard, NULL);
		if (rc != VT_OK)
			goto fail;
		for (clistiter *it = clist_begin(res); it && rc == VT_OK && !got;
		     it = clist_next(it)) {
			struct imap_fetched f;

			imap_parse_att(clist_content(it), &f);
			if (f.uid != uid || !f.has_body)
				continue;
			got = true;
			if (f.has_flags)
				flags = f.flags;
			len = f.body_len;
			if (offset + (uint64_t)len > allowed)
				break;
			rc = md_writer_write(&w, f.body, f.body_len, err);
		}
		mailimap_fetch_list_free(res);
		if (rc != VT_OK)
			goto fail;
		if (!got) {
			/* expunged meanwhile (the next run sees it gone), or not */
			md_writer_abort(&w);
			return confirm_missing(fs, &uid, 1, "the server sent no body for a slice",
					       err);
		}
		if (offset + (uint64_t)len > allowed) {
			md_writer_abort(&w);
			not_fetched(fs, uid,
				    "the server sent more than %llu bytes for a message it "
				    "said is %u bytes (refused)",
				    (unsigned long long)allowed, m->size);
			return VT_OK;
		}
		if (len < SLICE)
			break;
		offset += (uint32_t)len;
		progress(fs, false);
		if (interrupted(fs)) {
			rc = vt_fail(err, VT_ERR_INTERRUPTED, "interrupted");
			goto fail;
		}
	}
	return delivered(fs, &w, uid, flags, hashing, err);
fail:
	md_writer_abort(&w);
	return rc;
}

/* A batch of messages in one UID FETCH. Every message is written to
 * tmp/ and its writeback started before the first is committed: the
 * fsyncs of the commits then find the data on its way to disk instead
 * of waiting for each file in turn (3x faster on ext4), and each file is
 * still durable before it is renamed into place. */
struct pending {
	struct md_writer w;
	uint32_t uid;
	unsigned flags;
};

/* What the server failed to send of a batch, said for the messages it
 * did not send (the others were expunged meanwhile). */
static const char *
batch_gap(bool nil, uint32_t stray, char *buf, size_t len)
{
	if (nil)
		return "the server sent no body (BODY[] NIL)";
	if (stray) {
		snprintf(buf, len, "the server answered with UID %u, which was not asked for",
			 stray);
		return buf;
	}
	return "the server left it out of its answer";
}

static vt_status
fetch_batch(struct folder_sync *fs, const struct meta *batch, size_t n, struct vt_error *err)
{
	bool hashing = stale_left(fs), nil = false;
	struct imap_expect *expect = NULL;
	struct imap_answer answer = { .n_msgs = n };
	struct pending *p = NULL;
	uint32_t *uids = NULL, *missing = NULL, stray = 0;
	size_t np = 0, nmissing = 0, i;
	clist *res = NULL;
	char gap[120];
	vt_status rc;

	if ((p = calloc(n, sizeof *p)) == NULL || (uids = calloc(n, sizeof *uids)) == NULL ||
	    (missing = calloc(n, sizeof *missing)) == NULL ||
	    (expect = calloc(n, sizeof *expect)) == NULL) {
		rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < n; i++) {
		uids[i] = batch[i].uid;
		expect[i] = (struct imap_expect){ batch[i].uid,
						  imap_body_allowance(fs->acct, batch[i].size) };
		answer.literals += expect[i].max;
		if (expect[i].max > answer.literal_cap)
			answer.literal_cap = expect[i].max;
	}
	answer.msgs = expect;
	imap_guard_expect(&fs->conn->guard, &answer);
	rc = uid_fetch(fs, uids, n, FW_FLAGS | FW_BODY, 0, 0, 0, &res, err);
	imap_guard_expect(&fs->conn->guard, NULL);
	if (rc != VT_OK)
		goto out;
	for (clistiter *it = clist_begin(res); it && rc == VT_OK; it = clist_next(it)) {
		struct imap_fetched f;
		const struct meta *m;
		bool seen = false;

		imap_parse_att(clist_content(it), &f);
		m = f.uid ? search(&f.uid, batch, n, sizeof *batch, cmp_u32) : NULL;
		if (f.uid && m == NULL && f.has_body && !stray)
			stray = f.uid;
		/* unsolicited FETCH responses (flag changes) carry no body */
		if (m == NULL || find_rec(fs, f.uid) || np == n)
			continue;
		if (!f.has_body) {
			nil = nil || f.body_nil;
			continue;
		}
		for (i = 0; i < np && !seen; i++)
			seen = p[i].uid == f.uid;
		if (seen)
			continue;
		/* the UID came after the literal: the guard could not tell */
		if (f.body_len > imap_body_allowance(fs->acct, m->size)) {
			not_fetched(fs, f.uid,
				    "the server sent %zu bytes for a message it said is "
				    "%u bytes (refused)",
				    f.body_len, m->size);
			p[np++].uid = f.uid; /* accounted for, not written */
			p[np - 1].w.fd = -1;
			continue;
		}
		if ((rc = md_writer_begin(&fs->md, fs->uv, f.uid, hashing, &p[np].w, err)) != VT_OK)
			break;
		if ((rc = md_writer_write(&p[np].w, f.body, f.body_len, err)) != VT_OK) {
			md_writer_abort(&p[np].w);
			break;
		}
		md_writer_start_writeback(&p[np].w);
		p[np].uid = f.uid;
		p[np].flags = f.flags;
		np++;
	}
	mailimap_fetch_list_free(res);
	for (i = 0; i < np && rc == VT_OK; i++)
		if (p[i].w.fd >= 0)
			rc = delivered(fs, &p[i].w, p[i].uid, p[i].flags, hashing, err);
	/* what an error left uncommitted stays out of the Maildir */
	for (; i < np; i++)
		if (p[i].w.fd >= 0)
			md_writer_abort(&p[i].w);
	if (rc != VT_OK)
		goto out;
	for (i = 0; i < n; i++) {
		bool seen = false;

		for (size_t k = 0; k < np && !seen; k++)
			seen = p[k].uid == uids[i];
		if (!seen && find_rec(fs, uids[i]) == NULL)
			missing[nmissing++] = uids[i];
	}
	if (nmissing)
		rc = confirm_missing(fs, missing, nmissing, batch_gap(nil, stray, gap, sizeof gap),
				     err);
out:
	free(p);
	free(uids);
	free(missing);
	free(expect);
	return rc;
}

static vt_status
download(struct folder_sync *fs, struct vt_error *err)
{
	struct meta *meta = NULL, *batch = NULL;
	uint32_t *unsized = NULL;
	vt_status rc = VT_OK;

	fs->to_fetch = (unsigned)fs->n_new;
	if (fs->n_new == 0)
		return VT_OK;
	meta = malloc(META_CHUNK * sizeof *meta);
	batch = malloc(BATCH_MSGS * sizeof *batch);
	unsized = malloc(META_CHUNK * sizeof *unsized);
	if (meta == NULL || batch == NULL || unsized == NULL) {
		rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
		goto out;
	}
	progress(fs, true);
	for (size_t i = 0; i < fs->n_new && rc == VT_OK; i += META_CHUNK) {
		size_t k = fs->n_new - i < META_CHUNK ? fs->n_new - i : META_CHUNK, nm = 0, nb = 0;
		size_t nu = 0, m = 0;
		uint64_t bytes = 0;
		clist *res;

		/* sizes first, to cut batches by bytes */
		if ((rc = uid_fetch(fs, fs->new_uids + i, k, FW_SIZE, 0, 0, 0, &res, err)) != VT_OK)
			break;
		for (clistiter *it = clist_begin(res); it; it = clist_next(it)) {
			struct imap_fetched f;
			bool dup = false;

			imap_parse_att(clist_content(it), &f);
			if (!f.uid || !f.has_size || nm == META_CHUNK ||
			    !search(&f.uid, fs->new_uids + i, k, sizeof *fs->new_uids, cmp_u32))
				continue;
			for (size_t d = 0; d < nm && !dup; d++)
				dup = meta[d].uid == f.uid;
			if (!dup)
				meta[nm++] = (struct meta){ f.uid, f.size };
		}
		mailimap_fetch_list_free(res);
		sort(meta, nm, sizeof *meta, cmp_u32);
		/* asked for and not sized: not fetched blind */
		for (size_t u = 0; u < k; u++) {
			while (m < nm && meta[m].uid < fs->new_uids[i + u])
				m++;
			if (m == nm || meta[m].uid != fs->new_uids[i + u])
				unsized[nu++] = fs->new_uids[i + u];
		}
		if (nu && (rc = confirm_missing(fs, unsized, nu,
						"the server gave no size (RFC822.SIZE) for it",
						err)) != VT_OK)
			break;
		for (size_t j = 0; j <= nm && rc == VT_OK; j++) {
			bool flush = j == nm || nb == BATCH_MSGS ||
				     (nb && bytes + meta[j].size > BATCH_BYTES) ||
				     (j < nm && meta[j].size > LARGE_MSG && nb);

			if (flush && nb) {
				if ((rc = fetch_batch(fs, batch, nb, err)) != VT_OK)
					break;
				nb = 0;
				bytes = 0;
				if ((rc = maybe_checkpoint(fs, err)) != VT_OK)
					break;
				progress(fs, false);
				if (interrupted(fs)) {
					rc = vt_fail(err, VT_ERR_INTERRUPTED, "interrupted");
					break;
				}
			}
			if (j == nm)
				break;
			if (meta[j].size > fs->acct->max_message) {
				not_fetched(fs, meta[j].uid,
					    "%u bytes, more than max_message (%llu); "
					    "not fetched",
					    meta[j].size,
					    (unsigned long long)fs->acct->max_message);
				continue;
			}
			if (meta[j].size > LARGE_MSG) {
				if ((rc = fetch_large(fs, &meta[j], err)) != VT_OK)
					break;
				if ((rc = maybe_checkpoint(fs, err)) != VT_OK)
					break;
				continue;
			}
			batch[nb++] = meta[j];
			bytes += meta[j].size;
		}
	}
out:
	free(meta);
	free(batch);
	free(unsized);
	return rc;
}

/* ---- one folder --------------------------------------------------------------- */

/* The VANISHED responses of the last command, taken over by fs (libetpan's
 * own mailimap_select_qresync would hand out only the first). */
static vt_status
take_vanished(struct folder_sync *fs, struct vt_error *err)
{
	const struct mailimap_response_info *ri = fs->conn->imap->imap_response_info;

	for (clistiter *it = ri && ri->rsp_extension_list ? clist_begin(ri->rsp_extension_list)
							  : NULL;
	     it; it = clist_next(it)) {
		struct mailimap_extension_data *ext = clist_content(it);
		struct mailimap_qresync_vanished **g;

		if (ext->ext_extension->ext_id != MAILIMAP_EXTENSION_QRESYNC ||
		    ext->ext_type != MAILIMAP_QRESYNC_TYPE_VANISHED || ext->ext_data == NULL)
			continue;
		g = realloc(fs->vanished, (fs->n_vanished + 1) * sizeof *g);
		if (g == NULL)
			return vt_fail(err, VT_ERR_NOMEM, "out of memory");
		fs->vanished = g;
		fs->vanished[fs->n_vanished++] = ext->ext_data;
		ext->ext_data = NULL; /* libetpan's free skips it */
	}
	return VT_OK;
}

/* SELECT name (QRESYNC (uv modseq)) as RFC 7162 has it. libetpan 1.9.4's
 * mailimap_select_qresync drops the parentheses around the parameters,
 * and dovecot then answers a plain SELECT (no FETCH, no VANISHED).
 * Returns a libetpan code; *fetched (FETCH responses) for the caller to
 * free; the VANISHED responses stay in imap_response_info. A name that
 * cannot be a quoted string gives MAILIMAP_ERROR_INVAL (send nothing). */
static int
select_qresync(mailimap *imap, const char *name, uint32_t uv, uint64_t modseq, clist **fetched,
	       uint64_t *hms)
{
	struct mailimap_response *resp = NULL;
	const struct mailimap_response_info *ri;
	char *line = NULL;
	size_t len = 0;
	FILE *m;
	int r, cond;

	*fetched = NULL;
	*hms = 0;
	for (const char *c = name; *c; c++)
		if ((unsigned char)*c < 0x20 || (unsigned char)*c >= 0x7f)
			return MAILIMAP_ERROR_INVAL;
	if (imap->imap_state != MAILIMAP_STATE_AUTHENTICATED &&
	    imap->imap_state != MAILIMAP_STATE_SELECTED)
		return MAILIMAP_ERROR_BAD_STATE;
	if ((m = open_memstream(&line, &len)) == NULL)
		return MAILIMAP_ERROR_MEMORY;
	fputs("SELECT \"", m);
	for (const char *c = name; *c; c++) {
		if (*c == '"' || *c == '\\')
			fputc('\\', m);
		fputc(*c, m);
	}
	fprintf(m, "\" (QRESYNC (%lu %llu))\r\n", (unsigned long)uv, (unsigned long long)modseq);
	if (fclose(m) != 0) {
		free(line);
		return MAILIMAP_ERROR_MEMORY;
	}
	r = mailimap_send_current_tag(imap);
	if (r == MAILIMAP_NO_ERROR &&
	    (mailstream_write(imap->imap_stream, line, len) != (ssize_t)len ||
	     mailstream_flush(imap->imap_stream) == -1))
		r = MAILIMAP_ERROR_STREAM;
	free(line);
	if (r != MAILIMAP_NO_ERROR)
		return r;
	if (mailimap_read_line(imap) == NULL)
		return MAILIMAP_ERROR_STREAM;
	if (imap->imap_selection_info)
		mailimap_selection_info_free(imap->imap_selection_info);
	if ((imap->imap_selection_info = mailimap_selection_info_new()) == NULL)
		return MAILIMAP_ERROR_MEMORY;
	if ((r = mailimap_parse_response(imap, &resp)) != MAILIMAP_NO_ERROR)
		return r;
	cond = resp->rsp_resp_done->rsp_data.rsp_tagged->rsp_cond_state->rsp_type;
	mailimap_response_free(resp);
	if (cond != MAILIMAP_RESP_COND_STATE_OK) {
		mailimap_selection_info_free(imap->imap_selection_info);
		imap->imap_selection_info = NULL;
		imap->imap_state = MAILIMAP_STATE_AUTHENTICATED;
		return MAILIMAP_ERROR_SELECT;
	}
	imap->imap_state = MAILIMAP_STATE_SELECTED;
	ri = imap->imap_response_info;
	if (ri == NULL)
		return MAILIMAP_NO_ERROR;
	*fetched = ri->rsp_fetch_list;
	imap->imap_response_info->rsp_fetch_list = NULL;
	for (clistiter *it = ri->rsp_extension_list ? clist_begin(ri->rsp_extension_list) : NULL;
	     it; it = clist_next(it)) {
		const struct mailimap_extension_data *ext = clist_content(it);
		const struct mailimap_condstore_resptextcode *code = ext->ext_data;

		if (ext->ext_extension->ext_id != MAILIMAP_EXTENSION_CONDSTORE ||
		    ext->ext_type != MAILIMAP_CONDSTORE_TYPE_RESP_TEXT_CODE || code == NULL)
			continue;
		if (code->cs_type == MAILIMAP_CONDSTORE_RESPTEXTCODE_HIGHESTMODSEQ)
			*hms = code->cs_data.cs_modseq_value;
		else if (code->cs_type == MAILIMAP_CONDSTORE_RESPTEXTCODE_NOMODSEQ)
			*hms = 0;
	}
	return MAILIMAP_NO_ERROR;
}

static vt_status
select_folder(struct folder_sync *fs, struct vt_error *err)
{
	struct mailimap_selection_info *sel;
	const struct sync_state *st = &fs->state;
	clist *fetched = NULL;
	uint64_t hms = 0;
	bool qr = fs->conn->qresync && st->uidvalidity && st->uidnext && st->highestmodseq;
	int r;

	/* VANISHED (EARLIER) lists what went of the messages we know */
	imap_guard_folder_size(&fs->conn->guard, st->n);
	r = MAILIMAP_ERROR_INVAL;
	if (qr)
		r = select_qresync(fs->conn->imap, fs->name, st->uidvalidity, st->highestmodseq,
				   &fetched, &hms);
	if (r == MAILIMAP_ERROR_INVAL) { /* also a name only a literal can carry */
		qr = false;
		if (fs->conn->condstore)
			r = mailimap_select_condstore(fs->conn->imap, fs->name, &hms);
		else
			r = mailimap_select(fs->conn->imap, fs->name);
	}
	if (r != MAILIMAP_NO_ERROR)
		return imap_fail(fs->conn, r, err, "%s/%s: SELECT", fs->acct->name, fs->name);
	sel = fs->conn->imap->imap_selection_info;
	if (sel == NULL || sel->sel_uidvalidity == 0) {
		if (fetched)
			mailimap_fetch_list_free(fetched);
		return vt_fail(err, VT_ERR_PROTOCOL, "%s/%s: the server gave no UIDVALIDITY",
			       fs->acct->name, fs->name);
	}
	fs->uv = sel->sel_uidvalidity;
	fs->uidnext = sel->sel_uidnext;
	fs->exists = sel->sel_exists;
	fs->hms = hms;
	imap_guard_folder_size(&fs->conn->guard, fs->exists > st->n ? fs->exists : st->n);
	/* another UIDVALIDITY: the server ignored our QRESYNC data */
	if (qr && fs->uv == st->uidvalidity && hms) {
		fs->qresynced = true;
		fs->qr_fetch = fetched;
		return take_vanished(fs, err);
	}
	if (fetched)
		mailimap_fetch_list_free(fetched);
	return VT_OK;
}

/* What SELECT (QRESYNC) said, applied to the records: flags of changed
 * messages; with whole (no adopted or stale files) also the vanished
 * ones gone and the new ones to fetch. whole comes back false when the
 * count does not add up to EXISTS: then the caller lists the folder. */
static vt_status
apply_qresync(struct folder_sync *fs, bool *whole, struct vt_error *err)
{
	uint32_t *uids = NULL;
	bool *gone = NULL;
	size_t on_server = 0, n = 0;

	if ((fs->new_uids = malloc(((fs->qr_fetch ? clist_count(fs->qr_fetch) : 0) + 1) *
				   sizeof *fs->new_uids)) == NULL)
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	if (*whole) {
		if ((uids = malloc((fs->n_recs + 1) * sizeof *uids)) == NULL ||
		    (gone = calloc(fs->n_recs + 1, sizeof *gone)) == NULL) {
			free(uids);
			return vt_fail(err, VT_ERR_NOMEM, "out of memory");
		}
		find_rec(fs, 0); /* sorts */
		for (size_t i = 0; i < fs->n_recs; i++)
			uids[i] = fs->recs[i].uid;
		for (size_t v = 0; v < fs->n_vanished; v++)
			imap_set_mark(fs->vanished[v]->qr_known_uids, uids, fs->n_recs, gone);
		for (size_t i = 0; i < fs->n_recs; i++) {
			fs->recs[i].on_server = !gone[i];
			on_server += !gone[i];
		}
		free(uids);
		free(gone);
	}
	for (clistiter *it = fs->qr_fetch ? clist_begin(fs->qr_fetch) : NULL; it;
	     it = clist_next(it)) {
		struct imap_fetched f;
		struct rec *rec;

		imap_parse_att(clist_content(it), &f);
		if (f.uid == 0)
			continue;
		if ((rec = find_rec(fs, f.uid)) == NULL) {
			fs->new_uids[n++] = f.uid;
			continue;
		}
		if (!rec->on_server)
			*whole = false; /* vanished and changed: make sure */
		else if (f.has_flags) {
			rec->server = (uint8_t)f.flags;
			rec->server_known = true;
		}
	}
	sort(fs->new_uids, n, sizeof *fs->new_uids, cmp_u32);
	fs->n_new = 0;
	for (size_t i = 0; i < n; i++)
		if (fs->n_new == 0 || fs->new_uids[fs->n_new - 1] != fs->new_uids[i])
			fs->new_uids[fs->n_new++] = fs->new_uids[i];
	if (*whole && on_server + fs->n_new != fs->exists)
		*whole = false;
	if (!*whole) {
		/* the listing decides what is there and what is new */
		free(fs->new_uids);
		fs->new_uids = NULL;
		fs->n_new = 0;
		for (size_t i = 0; i < fs->n_recs; i++)
			fs->recs[i].on_server = true;
	}
	return VT_OK;
}

static vt_status
sync_folder(struct folder_sync *fs, const char *state_dir, struct vt_error *err)
{
	char *path = NULL;
	bool adopted = false, fast;
	vt_status rc;

	if ((rc = local_path(fs, &path, err)) != VT_OK)
		goto out;
	if ((rc = md_open(&fs->md, path, err)) != VT_OK)
		goto out;
	fs->md_open = true;
	if ((rc = md_check_owner(&fs->md, fs->acct->name, err)) != VT_OK ||
	    (rc = md_scan(&fs->md, &fs->files, &fs->n_files, err)) != VT_OK)
		goto out;
	if ((fs->state_path = state_folder_path(state_dir, fs->name)) == NULL) {
		rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
		goto out;
	}
	if ((rc = state_load(fs->state_path, &fs->state, err)) != VT_OK)
		goto out;
	if ((rc = select_folder(fs, err)) != VT_OK)
		goto out;
	if (fs->state.uidvalidity != fs->uv) {
		/* first sync, or the server renumbered the folder: what was
		 * agreed under the old numbers stays at hand, for the flags a
		 * file carried over (relink) */
		fs->before = fs->state;
		fs->state.msgs = NULL;
		fs->state.cap = 0;
		fs->state.n = 0;
		fs->state.uidnext = 0;
		fs->state.highestmodseq = 0;
	}
	if ((rc = load_local(fs, &adopted, err)) != VT_OK)
		goto out;

	/* Nothing new, nothing expunged: UIDNEXT and EXISTS as we left them;
	 * or QRESYNC told what is gone and what is new. */
	fast = fs->state.uidnext != 0 && fs->state.uidnext == fs->uidnext && !adopted &&
	       fs->n_stale == 0 && fs->exists == fs->n_recs;
	if (fs->qresynced) {
		bool whole = !adopted && fs->n_stale == 0;

		if ((rc = apply_qresync(fs, &whole, err)) != VT_OK)
			goto out;
		fast = whole;
	}
	if (!fast && (rc = server_uids(fs, err)) != VT_OK)
		goto out;
	if (fs->n_recs) {
		bool changes =
			fs->conn->condstore && fs->hms && fs->state.highestmodseq && !adopted;

		/* with QRESYNC the changes came with SELECT */
		if ((!changes || fs->hms != fs->state.highestmodseq) && !(changes && fs->qresynced))
			if ((rc = fetch_flags(fs, changes, err)) != VT_OK)
				goto out;
	}
	if ((rc = reconcile(fs, err)) != VT_OK)
		goto out;
	if (fs->n_stale && fs->n_new && (rc = match_stale(fs, err)) != VT_OK)
		goto out;
	if ((rc = checkpoint(fs, false, err)) != VT_OK)
		goto out;
	fs->saving = true;
	if ((rc = download(fs, err)) != VT_OK)
		goto out;
	for (size_t i = 0; i < fs->n_supersede; i++) {
		struct supersede *p = &fs->supersede[i];

		if (p->old == NULL)
			continue;
		if (find_rec(fs, p->uid) == NULL) {
			p->old->used = false; /* not here after all: keep it */
			continue;
		}
		if ((rc = md_remove(&fs->md, p->old, err)) != VT_OK)
			goto out;
		fs->st->replaced++;
	}
	/* old files nothing matched: kept, as local mail only */
	for (size_t i = 0; i < fs->n_stale; i++)
		if (!fs->stale[i]->used) {
			if ((rc = md_unmark(&fs->md, fs->stale[i], err)) != VT_OK)
				goto out;
			fs->st->orphaned++;
		}
	/* what was not fetched stays ahead of the state's UIDNEXT and
	 * HIGHESTMODSEQ, so that the next sync asks for it again */
	rc = checkpoint(fs, fs->unfetched == 0, err);
	if (rc == VT_OK && fs->unfetched)
		rc = vt_fail(err, VT_ERR_PROTOCOL,
			     "%s/%s: %u new message%s not fetched (%s%s); the next sync asks "
			     "again",
			     fs->acct->name, fs->name, fs->unfetched, fs->unfetched == 1 ? "" : "s",
			     fs->unfetched > 1 ? "first: " : "", fs->unfetched_why);
out:
	if (rc != VT_OK && fs->saving) {
		/* keep what is safely here */
		struct vt_error ignored;

		checkpoint(fs, false, &ignored);
	}
	progress(fs, true);
	free(path);
	return rc;
}

static void
folder_sync_clear(struct folder_sync *fs)
{
	if (fs->md_open)
		md_close(&fs->md);
	md_entries_free(fs->files, fs->n_files);
	md_entries_free(fs->fresh, fs->n_fresh);
	state_clear(&fs->state);
	state_clear(&fs->before);
	free(fs->state_path);
	free(fs->recs);
	free(fs->stale);
	free(fs->new_uids);
	for (size_t i = 0; i < fs->n_supersede; i++)
		free(fs->supersede[i].id);
	free(fs->supersede);
	if (fs->qr_fetch)
		mailimap_fetch_list_free(fs->qr_fetch);
	for (size_t i = 0; i < fs->n_vanished; i++)
		mailimap_qresync_vanished_free(fs->vanished[i]);
	free(fs->vanished);
}

static void
add_stats(struct mail_sync_stats *to, const struct mail_sync_stats *from)
{
	to->folders += from->folders;
	to->folders_failed += from->folders_failed;
	to->fetched += from->fetched;
	to->bytes += from->bytes;
	to->flags_pushed += from->flags_pushed;
	to->flags_pulled += from->flags_pulled;
	to->removed += from->removed;
	to->relinked += from->relinked;
	to->orphaned += from->orphaned;
	to->folders_gone += from->folders_gone;
	to->replaced += from->replaced;
	to->missing += from->missing;
	to->unfetched += from->unfetched;
}

/*
 * Folders synced before that the server's list no longer gives (deleted,
 * renamed or unsubscribed there, or left out of folders =): their mail
 * stays here, no longer synced, and the user is told once, by a mark
 * beside the folder's state. A folder that comes back is synced from its
 * state as before, and would be told of again.
 */
static vt_status
note_gone_folders(const char *dir, const struct mail_imap_account *acct,
		  const struct mail_sync_options *opts, const struct mail_sync_hooks *hooks,
		  char **names, const char *delims, size_t n, struct mail_sync_stats *total,
		  struct vt_error *err)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	vt_status rc = VT_OK;

	if (d == NULL)
		return vt_fail(err, VT_ERR_IO, "%s: %s", dir, strerror(errno));
	while (rc == VT_OK && (e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);
		char *folder, *mark = NULL, *local = NULL;
		bool synced = false;
		int fd;

		if (len <= 6 || strcmp(e->d_name + len - 6, ".state") != 0 ||
		    (folder = state_folder_of(e->d_name, len - 6)) == NULL)
			continue;
		for (size_t i = 0; i < n && !synced; i++)
			synced = strcmp(names[i], folder) == 0;
		if (asprintf(&mark, "%s/%.*s.gone", dir, (int)(len - 6), e->d_name) < 0) {
			free(folder);
			rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
			break;
		}
		if (synced) {
			unlink(mark);
		} else if (access(mark, F_OK) != 0 &&
			   imap_local_path(acct, opts->mail_root, folder, n > 0 ? delims[0] : '/',
					   &local, NULL) == VT_OK) {
			if ((fd = open(mark, O_WRONLY | O_CREAT | O_CLOEXEC, 0600)) < 0)
				rc = vt_fail(err, VT_ERR_IO, "%s: %s", mark, strerror(errno));
			else
				close(fd);
			total->folders_gone++;
			if (hooks && hooks->folder_gone)
				hooks->folder_gone(hooks->ctx, acct->name, folder, local);
		}
		free(local);
		free(mark);
		free(folder);
	}
	closedir(d);
	return rc;
}

vt_status
mail_sync_account(const struct mail_imap_account *acct, const struct mail_sync_options *opts,
		  const struct mail_sync_hooks *hooks, struct mail_sync_stats *stats,
		  struct vt_error *err)
{
	struct imap_conn conn = { 0 };
	struct mail_sync_stats total = { 0 };
	struct vt_error first = { 0 };
	struct timespec t0;
	char *dir = NULL, **names = NULL, *delims = NULL;
	size_t n = 0;
	int lock = -1;
	vt_status rc, first_rc = VT_OK;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if ((rc = state_account_dir(opts->data_dir, acct->name, &dir, err)) != VT_OK)
		return rc;
	if ((rc = state_lock(dir, acct->name, &lock, err)) != VT_OK)
		goto out;
	conn.want_qresync = true;
	if ((rc = imap_conn_open(&conn, acct, hooks, err)) != VT_OK)
		goto out;
	if ((rc = imap_conn_folders(&conn, &names, &delims, &n, err)) != VT_OK)
		goto out;
	for (size_t i = 0; i < n; i++) {
		struct folder_sync fs = {
			.conn = &conn,
			.acct = acct,
			.opts = opts,
			.hooks = hooks,
			.name = names[i],
			.delim = delims[i],
			.index = (unsigned)i + 1,
			.n_folders = (unsigned)n,
			.t0 = t0,
		};
		struct mail_sync_stats fst = { .folders = 1 };
		struct vt_error ferr = { 0 };
		vt_status frc = VT_OK;

		fs.st = &fst;
		if (opts->interrupted && *opts->interrupted) {
			rc = vt_fail(err, VT_ERR_INTERRUPTED, "interrupted");
			goto out;
		}
		/* a connection lost in the previous folder */
		if (!conn.alive)
			frc = imap_conn_open(&conn, acct, hooks, &ferr);
		if (frc == VT_OK)
			frc = sync_folder(&fs, dir, &ferr);
		folder_sync_clear(&fs);
		if (frc != VT_OK)
			fst.folders_failed = 1;
		fst.elapsed = seconds_since(&t0);
		add_stats(&total, &fst);
		if (hooks && hooks->folder_done)
			hooks->folder_done(hooks->ctx, acct->name, names[i], &fst,
					   frc == VT_OK ? NULL : &ferr);
		if (frc == VT_ERR_INTERRUPTED) {
			rc = vt_fail(err, frc, "%s", ferr.msg);
			goto out;
		}
		if (frc != VT_OK && first_rc == VT_OK) {
			first_rc = frc;
			first = ferr;
		}
		/* no point going on without credentials */
		if (frc == VT_ERR_AUTH || frc == VT_ERR_TLS) {
			rc = vt_fail(err, frc, "%s", ferr.msg);
			goto out;
		}
	}
	if (first_rc == VT_OK && (rc = note_gone_folders(dir, acct, opts, hooks, names, delims, n,
							 &total, err)) != VT_OK)
		goto out;
	if (first_rc != VT_OK)
		rc = vt_fail(err, first_rc, "%u of %zu folder%s of account %s failed (first: %s)",
			     total.folders_failed, n, n == 1 ? "" : "s", acct->name, first.msg);
out:
	imap_conn_close(&conn);
	imap_names_free(names, n);
	free(delims);
	if (lock >= 0)
		close(lock);
	free(dir);
	total.elapsed = seconds_since(&t0);
	if (stats) {
		double before = stats->elapsed;

		add_stats(stats, &total);
		stats->elapsed = before + total.elapsed;
	}
	return rc;
}
