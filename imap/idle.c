/*
 * Waiting for new mail with IDLE (RFC 2177): one connection per watched
 * folder, opened read-only; the caller syncs over its own connections
 * whenever a wait reports a change.
 *
 * Per wait: NOOP first, which collects what the server noticed since the
 * session's last command (mail that came while the caller synced);
 * then IDLE on every session and poll(2) on their sockets. Each line the
 * server sends while idling is read whole and looked at: "* n EXISTS",
 * "* n EXPUNGE", "* n FETCH", "* VANISHED" are changes; "* OK Still
 * here" and "* n RECENT" are not. DONE ends the IDLE on every session
 * before returning, so each is ready for the next command. The caller's
 * flags (interrupted, wake) end the wait early; its signals may be let in
 * only while polling (ppoll's mask), never in the middle of a read.
 */
#include "config.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "private.h"

struct mail_imap_idle {
	struct imap_conn conn;
	char *folder;
	bool idling; /* IDLE sent, DONE not yet */
};

vt_status
mail_imap_idle_open(const struct mail_imap_account *acct, const char *folder,
		    const struct mail_sync_hooks *hooks, struct mail_imap_idle **out,
		    struct vt_error *err)
{
	struct mail_imap_idle *s;
	vt_status rc;
	int r;

	*out = NULL;
	if ((s = calloc(1, sizeof *s)) == NULL || (s->folder = strdup(folder)) == NULL) {
		free(s);
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	}
	if ((rc = imap_conn_open(&s->conn, acct, hooks, err)) != VT_OK)
		goto fail;
	if (!mailimap_has_idle(s->conn.imap)) {
		rc = vt_fail(err, VT_ERR_PROTOCOL,
			     "%s: the server does not offer IDLE (set idle = no for [account %s])",
			     acct->host, acct->name);
		goto fail;
	}
	r = mailimap_examine(s->conn.imap, folder);
	if (r != MAILIMAP_NO_ERROR) {
		char *clean = mail_sanitize_str(folder);

		rc = imap_fail(&s->conn, r, err, "%s/%s: EXAMINE", acct->name, clean ? clean : "?");
		free(clean);
		goto fail;
	}
	*out = s;
	return VT_OK;
fail:
	mail_imap_idle_close(&s);
	return rc;
}

void
mail_imap_idle_close(struct mail_imap_idle **sp)
{
	struct mail_imap_idle *s = sp ? *sp : NULL;

	if (s == NULL)
		return;
	if (s->idling && s->conn.alive && mailimap_idle_done(s->conn.imap) != MAILIMAP_NO_ERROR)
		s->conn.alive = false;
	imap_conn_close(&s->conn);
	free(s->folder);
	free(s);
	*sp = NULL;
}

/* What the last command's untagged responses said about the folder. */
static bool
noticed_change(const mailimap *imap)
{
	const struct mailimap_response_info *ri = imap->imap_response_info;

	return imap->imap_selection_info->sel_has_exists ||
	       (ri && ri->rsp_expunged && clist_begin(ri->rsp_expunged)) ||
	       (ri && ri->rsp_fetch_list && clist_begin(ri->rsp_fetch_list));
}

bool
imap_idle_line_is_change(const char *line)
{
	const char *p = line;

	if (strncmp(p, "* ", 2) != 0)
		return false;
	p += 2;
	if (strncasecmp(p, "VANISHED", 8) == 0)
		return true;
	if (*p < '0' || *p > '9')
		return false;
	while (*p >= '0' && *p <= '9')
		p++;
	if (*p++ != ' ')
		return false;
	return strncasecmp(p, "EXISTS", 6) == 0 || strncasecmp(p, "EXPUNGE", 7) == 0 ||
	       strncasecmp(p, "FETCH", 5) == 0;
}

bool
imap_idle_line_is_bye(const char *line)
{
	return strncasecmp(line, "* BYE", 5) == 0;
}

static vt_status
idle_fail(struct mail_imap_idle *s, int r, struct vt_error *err, const char *what)
{
	return imap_fail(&s->conn, r, err, "%s: %s", s->conn.acct->name, what);
}

vt_status
mail_imap_idle_wait(struct mail_imap_idle *const *sessions, size_t n, unsigned max_seconds,
		    const struct mail_imap_idle_stop *stop, bool *changed, struct vt_error *err)
{
	volatile const sig_atomic_t *interrupted = stop ? stop->interrupted : NULL;
	volatile const sig_atomic_t *wake = stop ? stop->wake : NULL;
	struct pollfd *fds = NULL;
	double deadline = imap_now() + max_seconds;
	bool any = false;
	vt_status rc = VT_OK;
	int r;

	for (size_t i = 0; i < n; i++)
		changed[i] = false;
	if (n == 0)
		return vt_fail(err, VT_ERR_USAGE, "no session to wait on");
	if ((fds = calloc(n, sizeof *fds)) == NULL)
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");

	/* What happened since each session's last command. */
	for (size_t i = 0; i < n; i++) {
		mailimap *imap = sessions[i]->conn.imap;

		if (!sessions[i]->conn.alive) {
			rc = vt_fail(err, VT_ERR_NET, "%s: the connection was lost",
				     sessions[i]->conn.acct->name);
			goto out;
		}
		imap->imap_selection_info->sel_has_exists = 0;
		if ((r = mailimap_noop(imap)) != MAILIMAP_NO_ERROR) {
			rc = idle_fail(sessions[i], r, err, "NOOP");
			goto out;
		}
		if (noticed_change(imap))
			changed[i] = any = true;
	}
	if (any)
		goto out;

	for (size_t i = 0; i < n; i++) {
		if ((r = mailimap_idle(sessions[i]->conn.imap)) != MAILIMAP_NO_ERROR) {
			rc = idle_fail(sessions[i], r, err, "IDLE");
			goto done;
		}
		sessions[i]->idling = true;
		fds[i].fd = mailimap_idle_get_fd(sessions[i]->conn.imap);
		fds[i].events = POLLIN;
	}
	while (!any) {
		double left = deadline - imap_now();
		bool buffered = false;

		if (interrupted && *interrupted) {
			rc = vt_fail(err, VT_ERR_INTERRUPTED, "interrupted");
			break;
		}
		if ((wake && *wake) || left <= 0)
			break;
		/* Bytes libetpan has read already do not wake poll(). */
		for (size_t i = 0; i < n; i++) {
			fds[i].revents = 0;
			if (sessions[i]->conn.imap->imap_stream->read_buffer_len > 0) {
				fds[i].revents = POLLIN;
				buffered = true;
			}
		}
		if (!buffered) {
			double s = left > 0.5 ? 0.5 : left + 0.001;
			struct timespec ts = { (time_t)s, (long)((s - (time_t)s) * 1e9) };

			/* poll_mask lets the caller's signals in here only */
			if (ppoll(fds, n, &ts, stop ? stop->poll_mask : NULL) < 0)
				continue; /* EINTR: a signal; look at the flags */
		}
		for (size_t i = 0; i < n && rc == VT_OK; i++) {
			char *line;

			if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			/* a wait is no slow answer: the line's time starts now */
			imap_guard_restart(&sessions[i]->conn.guard);
			line = mailimap_read_line(sessions[i]->conn.imap);
			if (line == NULL) {
				rc = idle_fail(sessions[i], MAILIMAP_ERROR_STREAM, err, "IDLE");
				sessions[i]->idling = false;
			} else if (imap_idle_line_is_bye(line)) {
				sessions[i]->conn.alive = false;
				sessions[i]->idling = false;
				rc = vt_fail(err, VT_ERR_NET, "%s: the server ended the connection",
					     sessions[i]->conn.acct->name);
			} else if (imap_idle_line_is_change(line)) {
				changed[i] = any = true;
			}
		}
		if (rc != VT_OK)
			break;
	}
done:
	/* DONE everywhere: each session is ready for its next command. */
	for (size_t i = 0; i < n; i++) {
		if (!sessions[i]->idling)
			continue;
		sessions[i]->idling = false;
		if ((r = mailimap_idle_done(sessions[i]->conn.imap)) != MAILIMAP_NO_ERROR) {
			struct vt_error ignored;

			if (rc == VT_OK)
				rc = idle_fail(sessions[i], r, err, "DONE");
			else
				idle_fail(sessions[i], r, &ignored, "DONE");
		} else if (noticed_change(sessions[i]->conn.imap)) {
			changed[i] = true; /* said between our last read and DONE */
		}
	}
out:
	free(fds);
	return rc;
}
