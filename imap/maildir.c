/*
 * The local side of a synced folder: a Maildir (cur/ new/ tmp/).
 *
 * Our file names are "<secs>.P<pid>Q<n>.<host>,vt=<uidvalidity>-<uid>"
 * plus ":2,<flags>" in cur/. Delivery writes tmp/, fsyncs, renames into
 * new/ (no flags) or cur/; flag changes are renames. A folder belongs to
 * one account (tmp/.vtriage-account names it) and never to mbsync or
 * offlineimap: two syncers in one folder corrupt each other's state.
 */
#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>

#include "private.h"

#define MARK ",vt="
/* in tmp/, which indexers skip */
#define OWNER_FILE "tmp/.vtriage-account"

/* State files of other syncers, found in the Maildir folder itself. */
static const char *const foreign_files[] = {
	".mbsyncstate",      ".mbsyncstate.journal", ".mbsyncstate.new",
	".mbsyncstate.lock", ".uidvalidity",         ".isyncuidmap.db",
};

void
md_entry_path(const struct md_folder *f, const struct md_entry *e, char *out, size_t len)
{
	snprintf(out, len, "%s/%s/%s", f->path, e->in_new ? "new" : "cur", e->name);
}

vt_status
md_open(struct md_folder *f, const char *path, struct vt_error *err)
{
	static const char *const subs[] = { "cur", "new", "tmp" };
	char buf[PATH_MAX];
	struct stat st;
	vt_status rc;

	memset(f, 0, sizeof *f);
	if ((f->path = strdup(path)) == NULL)
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	for (size_t i = 0; i < sizeof foreign_files / sizeof foreign_files[0]; i++) {
		snprintf(buf, sizeof buf, "%s/%s", path, foreign_files[i]);
		if (lstat(buf, &st) == 0) {
			md_close(f);
			return vt_fail(err, VT_ERR_CONFLICT,
				       "%s holds %s: mbsync (isync) manages this folder. Two "
				       "syncers in one folder corrupt each other's state; set "
				       "maildir_subdir to another directory, or stop using mbsync "
				       "here and remove its files first",
				       path, foreign_files[i]);
		}
	}
	for (size_t i = 0; i < 3; i++) {
		snprintf(buf, sizeof buf, "%s/%s", path, subs[i]);
		if ((rc = imap_mkdirs(buf, err)) != VT_OK) {
			md_close(f);
			return rc;
		}
	}
	if (gethostname(f->host, sizeof f->host) != 0 || f->host[0] == '\0')
		snprintf(f->host, sizeof f->host, "localhost");
	f->host[sizeof f->host - 1] = '\0';
	for (char *c = f->host; *c; c++)
		if (*c == '/' || *c == ':' || *c == ',' || !isprint((unsigned char)*c))
			*c = '_';
	return VT_OK;
}

/* A folder is one account's: UIDs of two servers would collide. */
vt_status
md_check_owner(struct md_folder *f, const char *account, struct vt_error *err)
{
	char path[PATH_MAX], owner[256];
	ssize_t n;
	int fd;

	snprintf(path, sizeof path, "%s/" OWNER_FILE, f->path);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno != ENOENT)
			return vt_fail(err, VT_ERR_IO, "%s: %s", path, strerror(errno));
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd < 0)
			return vt_fail(err, VT_ERR_IO, "%s: %s", path, strerror(errno));
		n = (ssize_t)strlen(account);
		if (write(fd, account, (size_t)n) != n || write(fd, "\n", 1) != 1 ||
		    fsync(fd) != 0) {
			int e = errno;

			close(fd);
			return vt_fail(err, VT_ERR_IO, "%s: %s", path, strerror(e));
		}
		close(fd);
		return VT_OK;
	}
	n = read(fd, owner, sizeof owner - 1);
	close(fd);
	owner[n > 0 ? n : 0] = '\0';
	owner[strcspn(owner, "\n")] = '\0';
	if (strcmp(owner, account) != 0) {
		char *clean = mail_sanitize_str(owner);

		vt_fail(err, VT_ERR_CONFLICT,
			"%s is synced by account '%s'; two accounts cannot share a folder (give "
			"each its own maildir_subdir)",
			f->path, clean ? clean : "?");
		free(clean);
		return VT_ERR_CONFLICT;
	}
	return VT_OK;
}

void
md_close(struct md_folder *f)
{
	free(f->path);
	f->path = NULL;
}

void
md_entries_free(struct md_entry *e, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(e[i].name);
		free(e[i].message_id);
	}
	free(e);
}

/* ",vt=<uv>-<uid>" at the end of the base name. */
static bool
parse_marker(const char *name, uint32_t *uv, uint32_t *uid)
{
	const char *colon = strchr(name, ':');
	const char *m = NULL, *p;
	size_t base = colon ? (size_t)(colon - name) : strlen(name);
	unsigned long long a = 0, b = 0;

	for (p = name; (p = strstr(p, MARK)) && (size_t)(p - name) < base; p++)
		m = p;
	if (m == NULL)
		return false;
	p = m + strlen(MARK);
	if (!isdigit((unsigned char)*p))
		return false;
	while (isdigit((unsigned char)*p) && a <= UINT32_MAX)
		a = a * 10 + (unsigned)(*p++ - '0');
	if (*p++ != '-' || !isdigit((unsigned char)*p))
		return false;
	while (isdigit((unsigned char)*p) && b <= UINT32_MAX)
		b = b * 10 + (unsigned)(*p++ - '0');
	if ((size_t)(p - name) != base || a == 0 || b == 0 || a > UINT32_MAX || b > UINT32_MAX)
		return false;
	*uv = (uint32_t)a;
	*uid = (uint32_t)b;
	return true;
}

unsigned
md_info_flags(const char *info)
{
	unsigned f = 0;

	for (; *info; info++)
		switch (*info) {
		case 'S':
			f |= MF_SEEN;
			break;
		case 'F':
			f |= MF_FLAGGED;
			break;
		case 'R':
			f |= MF_ANSWERED;
			break;
		case 'D':
			f |= MF_DRAFT;
			break;
		case 'T':
			f |= MF_DELETED;
			break;
		default:
			break;
		}
	return f;
}

static int
cmp_char(const void *a, const void *b)
{
	return *(const unsigned char *)a - *(const unsigned char *)b;
}

void
md_info_build(const char *old_info, unsigned flags, char *out, size_t len)
{
	char buf[64];
	size_t n = 0, ours = 0, room;

	/* the flags vtriage syncs always fit: other tools' letters give way
	 * when out is short (a name with thirty of them lost its S) */
	for (unsigned f = flags & (MF_SEEN | MF_FLAGGED | MF_ANSWERED | MF_DRAFT | MF_DELETED); f;
	     f &= f - 1)
		ours++;
	room = len > ours + 1 ? len - ours - 1 : 0;
	if (room > sizeof buf - 6)
		room = sizeof buf - 6;
	for (const char *c = old_info ? old_info : ""; *c && n < room; c++)
		if (*c != 'S' && *c != 'F' && *c != 'R' && !(*c == 'D' && (flags & MF_DRAFT)) &&
		    !(*c == 'T' && (flags & MF_DELETED)) && !memchr(buf, *c, n))
			buf[n++] = *c;
	if (flags & MF_SEEN)
		buf[n++] = 'S';
	if (flags & MF_FLAGGED)
		buf[n++] = 'F';
	if (flags & MF_ANSWERED)
		buf[n++] = 'R';
	if (flags & MF_DRAFT)
		buf[n++] = 'D';
	if (flags & MF_DELETED)
		buf[n++] = 'T';
	if (n > 1)
		qsort(buf, n, 1, cmp_char);
	snprintf(out, len, "%.*s", (int)n, buf);
}

static vt_status
scan_dir(struct md_folder *f, const char *sub, struct md_entry **out, size_t *n, size_t *cap,
	 struct vt_error *err)
{
	char path[PATH_MAX];
	struct dirent *d;
	DIR *dir;
	vt_status rc = VT_OK;

	snprintf(path, sizeof path, "%s/%s", f->path, sub);
	if ((dir = opendir(path)) == NULL)
		return vt_fail(err, VT_ERR_IO, "%s: %s", path, strerror(errno));
	while ((d = readdir(dir)) != NULL) {
		struct md_entry *e;
		const char *colon;
		uint32_t uv, uid;

		if (d->d_name[0] == '.')
			continue;
		if (strstr(d->d_name, ",U=") || strstr(d->d_name, ",FMD5=")) {
			rc = vt_fail(err, VT_ERR_CONFLICT,
				     "%s/%s: a file named by mbsync or offlineimap (,U=); another "
				     "syncer manages this folder and vtriage will not write into "
				     "it (set maildir_subdir to another directory)",
				     path, d->d_name);
			break;
		}
		if (!parse_marker(d->d_name, &uv, &uid))
			continue;
		if (strcmp(sub, "tmp") == 0) {
			/* A delivery of ours that never finished (we hold the
			 * account's lock, so none is running). */
			snprintf(path, sizeof path, "%s/tmp/%s", f->path, d->d_name);
			unlink(path);
			continue;
		}
		if (*n == *cap) {
			size_t nc = *cap ? *cap * 2 : 256;
			struct md_entry *g = realloc(*out, nc * sizeof *g);

			if (g == NULL) {
				rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
				break;
			}
			*out = g;
			*cap = nc;
		}
		e = &(*out)[*n];
		memset(e, 0, sizeof *e);
		e->uv = uv;
		e->uid = uid;
		e->in_new = strcmp(sub, "new") == 0;
		colon = strchr(d->d_name, ':');
		if (colon && strncmp(colon, ":2,", 3) == 0)
			md_info_build(colon + 3, md_info_flags(colon + 3), e->info, sizeof e->info);
		if ((e->name = strdup(d->d_name)) == NULL) {
			rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
			break;
		}
		(*n)++;
	}
	closedir(dir);
	return rc;
}

vt_status
md_scan(struct md_folder *f, struct md_entry **out, size_t *n, struct vt_error *err)
{
	size_t cap = 0;
	vt_status rc;

	*out = NULL;
	*n = 0;
	if ((rc = scan_dir(f, "new", out, n, &cap, err)) == VT_OK &&
	    (rc = scan_dir(f, "cur", out, n, &cap, err)) == VT_OK)
		rc = scan_dir(f, "tmp", out, n, &cap, err);
	if (rc != VT_OK) {
		md_entries_free(*out, *n);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

/* Renames e to base + info in new/ or cur/. */
static vt_status
move_entry(struct md_folder *f, struct md_entry *e, const char *base, const char *info, bool to_new,
	   struct vt_error *err)
{
	char from[PATH_MAX], to[PATH_MAX], name[PATH_MAX];
	char *copy;

	if (to_new)
		snprintf(name, sizeof name, "%s", base);
	else
		snprintf(name, sizeof name, "%s:2,%s", base, info);
	md_entry_path(f, e, from, sizeof from);
	if (snprintf(to, sizeof to, "%s/%s/%s", f->path, to_new ? "new" : "cur", name) >=
	    (int)sizeof to)
		return vt_fail(err, VT_ERR_IO, "%s: path too long", f->path);
	if (strcmp(from, to) == 0)
		return VT_OK;
	if ((copy = strdup(name)) == NULL)
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	if (rename(from, to) != 0) {
		int e2 = errno;

		free(copy);
		return vt_fail(err, VT_ERR_IO, "rename %s: %s", from, strerror(e2));
	}
	free(e->name);
	e->name = copy;
	e->in_new = to_new;
	snprintf(e->info, sizeof e->info, "%s", to_new ? "" : info);
	f->dirty++;
	return VT_OK;
}

static void
entry_base(const struct md_entry *e, char *out, size_t len)
{
	size_t n = strcspn(e->name, ":");

	snprintf(out, len, "%.*s", (int)n, e->name);
}

vt_status
md_set_flags(struct md_folder *f, struct md_entry *e, unsigned flags, struct vt_error *err)
{
	char base[PATH_MAX], info[32];
	unsigned keep = md_info_flags(e->info) & ~MF_SYNCED;

	entry_base(e, base, sizeof base);
	md_info_build(e->info, (flags & MF_SYNCED) | keep, info, sizeof info);
	if (e->in_new && info[0] == '\0')
		return VT_OK;
	return move_entry(f, e, base, info, false, err);
}

vt_status
md_rename_uid(struct md_folder *f, struct md_entry *e, uint32_t uv, uint32_t uid, unsigned flags,
	      struct vt_error *err)
{
	char base[PATH_MAX], info[32];
	char *m;
	unsigned keep = md_info_flags(e->info) & ~MF_SYNCED;
	vt_status rc;

	entry_base(e, base, sizeof base);
	if ((m = strstr(base, MARK)) != NULL) {
		char *next;

		while ((next = strstr(m + 1, MARK)) != NULL)
			m = next;
		*m = '\0';
	}
	snprintf(base + strlen(base), sizeof base - strlen(base), MARK "%u-%u", (unsigned)uv,
		 (unsigned)uid);
	md_info_build(e->info, (flags & MF_SYNCED) | keep, info, sizeof info);
	rc = move_entry(f, e, base, info, e->in_new && info[0] == '\0', err);
	if (rc == VT_OK) {
		e->uv = uv;
		e->uid = uid;
	}
	return rc;
}

vt_status
md_unmark(struct md_folder *f, struct md_entry *e, struct vt_error *err)
{
	char base[PATH_MAX], info[32];
	char *m;

	entry_base(e, base, sizeof base);
	if ((m = strstr(base, MARK)) != NULL) {
		char *next;

		while ((next = strstr(m + 1, MARK)) != NULL)
			m = next;
		*m = '\0';
	}
	snprintf(info, sizeof info, "%s", e->info);
	return move_entry(f, e, base, info, e->in_new, err);
}

vt_status
md_remove(struct md_folder *f, struct md_entry *e, struct vt_error *err)
{
	char path[PATH_MAX];

	md_entry_path(f, e, path, sizeof path);
	if (unlink(path) != 0 && errno != ENOENT)
		return vt_fail(err, VT_ERR_IO, "%s: %s", path, strerror(errno));
	f->dirty++;
	return VT_OK;
}

vt_status
md_move_to(struct md_folder *from, struct md_entry *e, struct md_folder *to, uint32_t uv,
	   uint32_t uid, struct vt_error *err)
{
	char base[PATH_MAX], src[PATH_MAX], dst[PATH_MAX], *m, *name;
	int n;

	entry_base(e, base, sizeof base);
	if ((m = strstr(base, MARK)) != NULL) {
		char *next;

		while ((next = strstr(m + 1, MARK)) != NULL)
			m = next;
		*m = '\0';
	}
	md_entry_path(from, e, src, sizeof src);
	if (e->in_new)
		n = asprintf(&name, "%s" MARK "%u-%u", base, (unsigned)uv, (unsigned)uid);
	else
		n = asprintf(&name, "%s" MARK "%u-%u:2,%s", base, (unsigned)uv, (unsigned)uid,
			     e->info);
	if (n < 0)
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	if (snprintf(dst, sizeof dst, "%s/%s/%s", to->path, e->in_new ? "new" : "cur", name) >=
	    (int)sizeof dst) {
		free(name);
		return vt_fail(err, VT_ERR_IO, "%s: path too long", to->path);
	}
	/* never over a file of the same name */
	if (access(dst, F_OK) == 0) {
		free(name);
		return vt_fail(err, VT_ERR_CONFLICT, "%s exists already", dst);
	}
	if (rename(src, dst) != 0) {
		int e2 = errno;

		free(name);
		return vt_fail(err, VT_ERR_IO, "rename %s to %s: %s", src, dst, strerror(e2));
	}
	free(e->name);
	e->name = name;
	e->uv = uv;
	e->uid = uid;
	from->dirty++;
	to->dirty++;
	return VT_OK;
}

vt_status
md_sync_dirs(struct md_folder *f, struct vt_error *err)
{
	char path[PATH_MAX];
	vt_status rc;

	if (f->dirty == 0)
		return VT_OK;
	snprintf(path, sizeof path, "%s/new", f->path);
	if ((rc = mail_sync_dir(path, err)) != VT_OK)
		return rc;
	snprintf(path, sizeof path, "%s/cur", f->path);
	if ((rc = mail_sync_dir(path, err)) != VT_OK)
		return rc;
	f->dirty = 0;
	return VT_OK;
}

/* ---- delivery ---------------------------------------------------------- */

vt_status
md_writer_begin(struct md_folder *f, uint32_t uv, uint32_t uid, bool hash, struct md_writer *w,
		struct vt_error *err)
{
	struct timespec now;

	memset(w, 0, sizeof *w);
	w->fd = -1;
	clock_gettime(CLOCK_REALTIME, &now);
	snprintf(w->base, sizeof w->base, "%lld.P%ldQ%u.%s" MARK "%u-%u", (long long)now.tv_sec,
		 (long)getpid(), ++f->seq, f->host, (unsigned)uv, (unsigned)uid);
	snprintf(w->tmp_path, sizeof w->tmp_path, "%s/tmp/%s", f->path, w->base);
	w->fd = open(w->tmp_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (w->fd < 0)
		return vt_fail(err, VT_ERR_IO, "%s: %s", w->tmp_path, strerror(errno));
	if (hash) {
		gnutls_hash_hd_t h;

		if (gnutls_hash_init(&h, GNUTLS_DIG_SHA256) < 0) {
			md_writer_abort(w);
			return vt_fail(err, VT_ERR_NOMEM, "out of memory");
		}
		w->hash = h;
	}
	return VT_OK;
}

static vt_status
write_all(struct md_writer *w, const char *buf, size_t len, struct vt_error *err)
{
	if (len == 0)
		return VT_OK;
	if (w->hash)
		gnutls_hash((gnutls_hash_hd_t)w->hash, buf, len);
	if (w->fd < 0) { /* a digest only (md_digest_begin) */
		w->bytes += (uint64_t)len;
		return VT_OK;
	}
	while (len > 0) {
		ssize_t r = write(w->fd, buf, len);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return vt_fail(err, VT_ERR_IO, "%s: %s", w->tmp_path, strerror(errno));
		buf += r;
		len -= (size_t)r;
		w->bytes += (uint64_t)r;
	}
	return VT_OK;
}

/* CRLF becomes LF (a lone CR stays), also across calls. */
vt_status
md_writer_write(struct md_writer *w, const char *buf, size_t len, struct vt_error *err)
{
	char out[65536];
	size_t o = 0;
	vt_status rc;

	for (size_t i = 0; i < len; i++) {
		char c = buf[i];

		if (o > sizeof out - 2) {
			if ((rc = write_all(w, out, o, err)) != VT_OK)
				return rc;
			o = 0;
		}
		if (w->pending_cr) {
			w->pending_cr = false;
			if (c != '\n')
				out[o++] = '\r';
		}
		if (c == '\r') {
			w->pending_cr = true;
			continue;
		}
		out[o++] = c;
	}
	return write_all(w, out, o, err);
}

vt_status
md_digest_begin(struct md_writer *w, struct vt_error *err)
{
	gnutls_hash_hd_t h;

	memset(w, 0, sizeof *w);
	w->fd = -1;
	if (gnutls_hash_init(&h, GNUTLS_DIG_SHA256) < 0)
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	w->hash = h;
	return VT_OK;
}

void
md_digest_end(struct md_writer *w, uint8_t sha256[32])
{
	/* a CR at the very end stays, as md_writer_commit writes it */
	if (w->pending_cr) {
		w->pending_cr = false;
		gnutls_hash((gnutls_hash_hd_t)w->hash, "\r", 1);
	}
	gnutls_hash_deinit((gnutls_hash_hd_t)w->hash, sha256);
	w->hash = NULL;
}

void
md_writer_start_writeback(struct md_writer *w)
{
	/* Only a hint: where unsupported, the commit's fsync does it all. */
	if (w->fd >= 0)
		(void)sync_file_range(w->fd, 0, 0, SYNC_FILE_RANGE_WRITE);
}

void
md_writer_abort(struct md_writer *w)
{
	if (w->fd >= 0) {
		close(w->fd);
		unlink(w->tmp_path);
		w->fd = -1;
	}
	if (w->hash) {
		gnutls_hash_deinit((gnutls_hash_hd_t)w->hash, NULL);
		w->hash = NULL;
	}
}

vt_status
md_writer_commit(struct md_folder *f, struct md_writer *w, unsigned flags, struct md_entry *e,
		 uint8_t sha256[32], struct vt_error *err)
{
	char to[PATH_MAX], info[32];
	bool to_new;
	vt_status rc;

	if (w->pending_cr) {
		w->pending_cr = false;
		if ((rc = write_all(w, "\r", 1, err)) != VT_OK)
			goto fail;
	}
	if (fsync(w->fd) != 0) {
		rc = vt_fail(err, VT_ERR_IO, "fsync %s: %s", w->tmp_path, strerror(errno));
		goto fail;
	}
	if (close(w->fd) != 0) {
		w->fd = -1;
		unlink(w->tmp_path);
		rc = vt_fail(err, VT_ERR_IO, "%s: %s", w->tmp_path, strerror(errno));
		goto fail;
	}
	w->fd = -1;
	md_info_build("", flags, info, sizeof info);
	to_new = info[0] == '\0';
	if (to_new)
		snprintf(to, sizeof to, "%s/new/%s", f->path, w->base);
	else
		snprintf(to, sizeof to, "%s/cur/%s:2,%s", f->path, w->base, info);
	if (rename(w->tmp_path, to) != 0) {
		rc = vt_fail(err, VT_ERR_IO, "rename %s: %s", w->tmp_path, strerror(errno));
		unlink(w->tmp_path);
		goto fail;
	}
	f->dirty++;
	memset(e, 0, sizeof *e);
	e->in_new = to_new;
	snprintf(e->info, sizeof e->info, "%s", info);
	e->name = strdup(strrchr(to, '/') + 1);
	if (w->hash) {
		gnutls_hash_deinit((gnutls_hash_hd_t)w->hash, sha256);
		w->hash = NULL;
	}
	if (e->name == NULL)
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	return VT_OK;
fail:
	md_writer_abort(w);
	return rc;
}

/* ---- matching after a UIDVALIDITY change ------------------------------- */

void
md_header_message_id(const char *buf, size_t len, char *out, size_t outlen)
{
	const char *p = buf, *end = buf + len;

	out[0] = '\0';
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *line_end = eol ? eol : end;
		size_t n = (size_t)(line_end - p);

		if (n == 0 || (n == 1 && p[0] == '\r'))
			return; /* end of the header */
		if (n >= 11 && strncasecmp(p, "message-id:", 11) == 0) {
			/* the value, continuation lines included */
			char val[1024];
			size_t v = 0;
			const char *q = p + 11, *lt, *gt;

			for (;;) {
				for (; q < line_end && v < sizeof val - 1; q++)
					if (*q != '\r')
						val[v++] = *q;
				if (!eol || eol + 1 >= end || (eol[1] != ' ' && eol[1] != '\t'))
					break;
				q = eol + 1;
				eol = memchr(q, '\n', (size_t)(end - q));
				line_end = eol ? eol : end;
			}
			val[v] = '\0';
			lt = strchr(val, '<');
			gt = lt ? strchr(lt, '>') : NULL;
			if (lt && gt)
				snprintf(out, outlen, "%.*s", (int)(gt - lt + 1), lt);
			else {
				char *s = val;

				while (*s == ' ' || *s == '\t')
					s++;
				snprintf(out, outlen, "%s", s);
				out[strcspn(out, " \t")] = '\0';
			}
			return;
		}
		if (!eol)
			return;
		p = eol + 1;
	}
}

vt_status
md_entry_digest(const struct md_folder *f, struct md_entry *e, struct vt_error *err)
{
	char path[PATH_MAX], buf[65536], head[65536];
	size_t head_len = 0;
	gnutls_hash_hd_t h;
	uint64_t size = 0, bare_lf = 0;
	bool prev_cr = false;
	ssize_t r;
	int fd;

	md_entry_path(f, e, path, sizeof path);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return vt_fail(err, VT_ERR_IO, "%s: %s", path, strerror(errno));
	if (gnutls_hash_init(&h, GNUTLS_DIG_SHA256) < 0) {
		close(fd);
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	}
	while ((r = read(fd, buf, sizeof buf)) != 0) {
		if (r < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		gnutls_hash(h, buf, (size_t)r);
		if (head_len < sizeof head) {
			size_t take = (size_t)r < sizeof head - head_len ? (size_t)r
									 : sizeof head - head_len;

			memcpy(head + head_len, buf, take);
			head_len += take;
		}
		for (ssize_t i = 0; i < r; i++) {
			if (buf[i] == '\n' && !prev_cr)
				bare_lf++;
			prev_cr = buf[i] == '\r';
		}
		size += (uint64_t)r;
	}
	close(fd);
	gnutls_hash_deinit(h, e->sha256);
	if (r < 0)
		return vt_fail(err, VT_ERR_IO, "%s: %s", path, strerror(errno));
	{
		char id[1024];

		md_header_message_id(head, head_len, id, sizeof id);
		free(e->message_id);
		if ((e->message_id = strdup(id)) == NULL)
			return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	}
	e->crlf_size = size + bare_lf;
	e->hashed = true;
	return VT_OK;
}
