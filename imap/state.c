/*
 * Per-folder sync state: <data_dir>/sync/<account>/<folder>.state.
 *
 *   vtriage-sync-state 1
 *   uidvalidity 1700000000
 *   uidnext 6047
 *   highestmodseq 7012
 *   1 S
 *   2 FS
 *   3 -
 *
 * One line per message synced: its UID and the flags both sides agreed
 * on last time (the base of the three-way flag merge). Written whole,
 * to a temporary file that is fsync'd and renamed over the old one, and
 * only after the mail it lists is on disk.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "private.h"

#define STATE_MAGIC "vtriage-sync-state 1"

void
state_clear(struct sync_state *st)
{
	free(st->msgs);
	memset(st, 0, sizeof *st);
}

vt_status
state_add(struct sync_state *st, uint32_t uid, unsigned flags)
{
	if (st->n == st->cap) {
		size_t cap = st->cap ? st->cap * 2 : 256;
		struct state_msg *m = realloc(st->msgs, cap * sizeof *m);

		if (m == NULL)
			return VT_ERR_NOMEM;
		st->msgs = m;
		st->cap = cap;
	}
	st->msgs[st->n].uid = uid;
	st->msgs[st->n].flags = (uint8_t)(flags & MF_SYNCED);
	st->n++;
	return VT_OK;
}

static int
cmp_msg(const void *a, const void *b)
{
	uint32_t x = ((const struct state_msg *)a)->uid, y = ((const struct state_msg *)b)->uid;

	return x < y ? -1 : x > y;
}

void
state_sort(struct sync_state *st)
{
	size_t o = 0;

	if (st->n > 1)
		qsort(st->msgs, st->n, sizeof *st->msgs, cmp_msg);
	/* one line per UID */
	for (size_t i = 0; i < st->n; i++)
		if (o == 0 || st->msgs[o - 1].uid != st->msgs[i].uid)
			st->msgs[o++] = st->msgs[i];
	st->n = o;
}

static unsigned
parse_flags(const char *s)
{
	unsigned f = 0;

	for (; *s; s++)
		f |= *s == 'S' ? MF_SEEN : *s == 'F' ? MF_FLAGGED : *s == 'R' ? MF_ANSWERED : 0;
	return f;
}

vt_status
state_load(const char *path, struct sync_state *st, struct vt_error *err)
{
	FILE *f = fopen(path, "r");
	char line[256];
	int lineno = 0;
	vt_status rc = VT_OK;

	memset(st, 0, sizeof *st);
	if (f == NULL) {
		if (errno == ENOENT)
			return VT_OK;
		return vt_fail(err, VT_ERR_IO, "%s: %s", path, strerror(errno));
	}
	while (fgets(line, sizeof line, f)) {
		unsigned long long v;
		char flags[16];
		unsigned uid;

		lineno++;
		line[strcspn(line, "\n")] = '\0';
		if (lineno == 1) {
			if (strcmp(line, STATE_MAGIC) != 0)
				goto damaged;
			continue;
		}
		if (sscanf(line, "uidvalidity %llu", &v) == 1 && v <= UINT32_MAX)
			st->uidvalidity = (uint32_t)v;
		else if (sscanf(line, "uidnext %llu", &v) == 1 && v <= UINT32_MAX)
			st->uidnext = (uint32_t)v;
		else if (sscanf(line, "highestmodseq %llu", &v) == 1)
			st->highestmodseq = v;
		else if (sscanf(line, "%u %15s", &uid, flags) == 2 && uid > 0) {
			if (state_add(st, uid, parse_flags(flags)) != VT_OK) {
				rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
				goto out;
			}
		} else
			goto damaged;
	}
	if (ferror(f)) {
		rc = vt_fail(err, VT_ERR_IO, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (lineno == 0)
		goto damaged;
	state_sort(st);
	goto out;
damaged:
	/* Losing the file loses nothing: file names carry the UIDs. */
	rc = vt_fail(err, VT_ERR_IO,
		     "%s:%d: damaged sync state; move the file away and sync again (mail already "
		     "here is recognised, not fetched twice)",
		     path, lineno);
out:
	fclose(f);
	if (rc != VT_OK)
		state_clear(st);
	return rc;
}

vt_status
state_save(const char *path, const struct sync_state *st, struct vt_error *err)
{
	char tmp[PATH_MAX];
	FILE *f;
	int fd;

	if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp)
		return vt_fail(err, VT_ERR_IO, "%s: path too long", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return vt_fail(err, VT_ERR_IO, "%s: %s", tmp, strerror(errno));
	if ((f = fdopen(fd, "w")) == NULL) {
		close(fd);
		unlink(tmp);
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	}
	fprintf(f,
		STATE_MAGIC "\nuidvalidity %" PRIu32 "\nuidnext %" PRIu32 "\nhighestmodseq %" PRIu64
			    "\n",
		st->uidvalidity, st->uidnext, st->highestmodseq);
	for (size_t i = 0; i < st->n; i++) {
		unsigned fl = st->msgs[i].flags;

		fprintf(f, "%" PRIu32 " %s%s%s%s\n", st->msgs[i].uid, fl & MF_FLAGGED ? "F" : "",
			fl & MF_ANSWERED ? "R" : "", fl & MF_SEEN ? "S" : "", fl ? "" : "-");
	}
	if (fflush(f) != 0 || ferror(f) || fsync(fd) != 0) {
		int e = errno;

		fclose(f);
		unlink(tmp);
		return vt_fail(err, VT_ERR_IO, "%s: %s", tmp, strerror(e));
	}
	if (fclose(f) != 0) {
		int e = errno;

		unlink(tmp);
		return vt_fail(err, VT_ERR_IO, "%s: %s", tmp, strerror(e));
	}
	if (rename(tmp, path) != 0) {
		int e = errno;

		unlink(tmp);
		return vt_fail(err, VT_ERR_IO, "rename %s: %s", path, strerror(e));
	}
	return mail_sync_parent(path, err);
}

vt_status
imap_mkdirs(const char *path, struct vt_error *err)
{
	char buf[PATH_MAX];
	size_t len = strlen(path);

	if (len >= sizeof buf)
		return vt_fail(err, VT_ERR_IO, "%s: path too long", path);
	memcpy(buf, path, len + 1);
	for (char *p = buf + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		{
			char c = *p;

			*p = '\0';
			if (mkdir(buf, 0700) != 0 && errno != EEXIST)
				return vt_fail(err, VT_ERR_IO, "%s: %s", buf, strerror(errno));
			*p = c;
		}
		if (*p == '\0')
			break;
	}
	return VT_OK;
}

/* Folder and account names become file names: keep [A-Za-z0-9._-]
 * (no leading dot), %-escape the rest. */
static char *
escape_name(const char *name)
{
	size_t len = strlen(name);
	char *out = malloc(3 * len + 1), *o = out;

	if (out == NULL)
		return NULL;
	for (const unsigned char *c = (const unsigned char *)name; *c; c++) {
		bool keep = (*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') ||
			    (*c >= '0' && *c <= '9') || *c == '_' || *c == '-' ||
			    (*c == '.' && c != (const unsigned char *)name);

		if (keep)
			*o++ = (char)*c;
		else
			o += sprintf(o, "%%%02X", *c);
	}
	*o = '\0';
	return out;
}

vt_status
state_account_dir(const char *data_dir, const char *account, char **path, struct vt_error *err)
{
	char *esc = escape_name(account);
	vt_status rc;

	*path = NULL;
	if (esc == NULL || asprintf(path, "%s/sync/%s", data_dir, esc) < 0) {
		free(esc);
		*path = NULL;
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	}
	free(esc);
	if ((rc = imap_mkdirs(*path, err)) != VT_OK) {
		free(*path);
		*path = NULL;
	}
	return rc;
}

char *
state_folder_path(const char *dir, const char *folder)
{
	char *esc = escape_name(folder), *out = NULL;

	if (esc && asprintf(&out, "%s/%s.state", dir, esc) < 0)
		out = NULL;
	free(esc);
	return out;
}

static int
hex_digit(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

char *
state_folder_of(const char *file, size_t len)
{
	char *out = malloc(len + 1), *o = out;

	if (out == NULL)
		return NULL;
	for (size_t i = 0; i < len; i++) {
		if (file[i] != '%') {
			*o++ = file[i];
			continue;
		}
		if (i + 2 >= len || hex_digit(file[i + 1]) < 0 || hex_digit(file[i + 2]) < 0) {
			free(out);
			return NULL;
		}
		*o++ = (char)(hex_digit(file[i + 1]) * 16 + hex_digit(file[i + 2]));
		i += 2;
	}
	*o = '\0';
	/* (a NUL escaped is no folder name) */
	if ((size_t)(o - out) != strlen(out)) {
		free(out);
		return NULL;
	}
	return out;
}

vt_status
state_lock(const char *dir, const char *account, int *fd, struct vt_error *err)
{
	char path[PATH_MAX];

	snprintf(path, sizeof path, "%s/.lock", dir);
	*fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (*fd < 0)
		return vt_fail(err, VT_ERR_IO, "%s: %s", path, strerror(errno));
	if (flock(*fd, LOCK_EX | LOCK_NB) != 0) {
		int e = errno;

		close(*fd);
		*fd = -1;
		if (e == EWOULDBLOCK)
			return vt_fail(err, VT_ERR_BUSY,
				       "another vtriage is syncing account %s; try again when it "
				       "is done",
				       account);
		return vt_fail(err, VT_ERR_IO, "lock %s: %s", path, strerror(e));
	}
	return VT_OK;
}
