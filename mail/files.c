/*
 * A file written whole or not at all: the bytes go to a temporary name
 * in the same directory, are synced, and only then take the file's name
 * (replacing what was there, or only where nothing was); the directory
 * is synced after. A full disk or a kill in the middle leaves the old
 * file as it was, never a file cut short.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mail.h"

vt_status
mail_sync_parent(const char *path, struct vt_error *err)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		snprintf(dir, sizeof dir, ".");
	else if (slash == path)
		snprintf(dir, sizeof dir, "/");
	else
		snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
	return mail_sync_dir(dir, err);
}

vt_status
mail_sync_dir(const char *dir, struct vt_error *err)
{
	int fd;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return vt_fail(err, VT_ERR_IO, "%s: %s", dir, strerror(errno));
	if (fsync(fd) != 0 && errno != EINVAL) {
		int e = errno;

		close(fd);
		return vt_fail(err, VT_ERR_IO, "fsync %s: %s", dir, strerror(e));
	}
	close(fd);
	return VT_OK;
}

vt_status
mail_write_file(const char *path, const char *data, size_t len, enum mail_write_how how,
		struct vt_error *err)
{
	char tmp[PATH_MAX];
	const char *slash = strrchr(path, '/');
	size_t done = 0;
	int fd, e;

	if (snprintf(tmp, sizeof tmp, "%.*s.%s.tmp-XXXXXX", slash ? (int)(slash - path + 1) : 0,
		     path, slash ? slash + 1 : path) >= (int)sizeof tmp)
		return vt_fail(err, VT_ERR_IO, "%s: path too long", path);
	if ((fd = mkstemp(tmp)) < 0)
		return vt_fail(err, VT_ERR_IO, "%s: %s", tmp, strerror(errno));
	while (done < len) {
		ssize_t n = write(fd, data + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			goto fail;
		done += (size_t)n;
	}
	if (fsync(fd) != 0)
		goto fail;
	if (close(fd) != 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (how == MAIL_WRITE_NEW) {
		/* link(2) refuses an existing name, where rename would replace it */
		if (link(tmp, path) != 0)
			goto fail;
		unlink(tmp);
	} else if (rename(tmp, path) != 0)
		goto fail;
	return mail_sync_parent(path, err);
fail:
	e = errno ? errno : EIO;
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	return vt_fail(err, VT_ERR_IO, "%s: %s", path, strerror(e));
}
