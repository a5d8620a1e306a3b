/*
 * One IMAP session: connect (implicit TLS, STARTTLS, or plain text to a
 * loopback server), verify the certificate before anything secret is
 * sent, log in, learn the capabilities, list the folders to sync.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "private.h"

static bool
is_ip_literal(const char *host)
{
	struct in6_addr a6;
	struct in_addr a4;

	return inet_pton(AF_INET, host, &a4) == 1 || inet_pton(AF_INET6, host, &a6) == 1;
}

/* SNI: the name we want a certificate for (never an IP literal, RFC 6066). */
static void
tls_setup(struct mailstream_ssl_context *ctx, void *data)
{
	char *host = data;

	if (!is_ip_literal(host))
		mailstream_ssl_set_server_name(ctx, host);
}

/* tls = none sends the password in clear: only over loopback, where no
 * one else can read it. Every address the name resolves to must be one. */
static vt_status
check_loopback(const struct mail_imap_account *a, struct vt_error *err)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM };
	struct addrinfo *res = NULL;
	bool ok = true;
	int r;

	if ((r = getaddrinfo(a->host, NULL, &hints, &res)) != 0)
		return vt_fail(err, VT_ERR_NET, "%s: %s", a->host, gai_strerror(r));
	for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
		if (ai->ai_family == AF_INET) {
			const struct sockaddr_in *in = (const struct sockaddr_in *)ai->ai_addr;

			ok = ok && (ntohl(in->sin_addr.s_addr) >> 24) == 127;
		} else if (ai->ai_family == AF_INET6) {
			const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)ai->ai_addr;
			const uint8_t *b = in6->sin6_addr.s6_addr;

			ok = ok && (IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr) ||
				    (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr) && b[12] == 127));
		} else
			ok = false;
	}
	freeaddrinfo(res);
	if (!ok)
		return vt_fail(err, VT_ERR_CONFIG,
			       "%s:%d: [account %s] tls: none is allowed only to a loopback "
			       "server, and %s is not one (use implicit or starttls)",
			       a->file, a->tls_line ? a->tls_line : a->line, a->name, a->host);
	return VT_OK;
}

/* The server's last words, made safe to print. */
static void
server_text(const struct imap_conn *c, char *out, size_t len)
{
	const char *text = c->imap ? c->imap->imap_response : NULL;
	char *clean;

	out[0] = '\0';
	if (text == NULL || *text == '\0')
		return;
	clean = mail_sanitize(text, strnlen(text, 300), false);
	if (clean)
		snprintf(out, len, "%s", clean);
	free(clean);
}

/* The line libetpan could not parse, made safe to print. */
static void
unreadable_text(const struct imap_conn *c, char *out, size_t len)
{
	const MMAPString *line = c->imap ? c->imap->imap_stream_buffer : NULL;
	size_t n = line && line->str ? strnlen(line->str, line->len) : 0;
	const char *start;
	char *clean;

	out[0] = '\0';

	while (n && (line->str[n - 1] == '\n' || line->str[n - 1] == '\r'))
		n--;
	/* the buffer holds the whole response: its last line failed */
	start = n ? memrchr(line->str, '\n', n) : NULL;
	start = start ? start + 1 : line->str;
	n -= (size_t)(start - line->str);
	if (n == 0 || (clean = mail_sanitize(start, n > 80 ? 80 : n, false)) == NULL)
		return;
	snprintf(out, len, "%s%s", clean, n > 80 ? "..." : "");
	free(clean);
}

vt_status
imap_fail(struct imap_conn *c, int r, struct vt_error *err, const char *fmt, ...)
{
	char what[512], said[320];
	const char *why;
	vt_status st;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	said[0] = '\0';
	if (c->guard.why[0] && r != MAILIMAP_NO_ERROR) {
		/* the guard cut the stream and knows why */
		c->alive = false;
		return vt_fail(err, c->guard.why_status, "%s: %s", what, c->guard.why);
	}
	switch (r) {
	case MAILIMAP_ERROR_PARSE:
		c->alive = false;
		unreadable_text(c, said, sizeof said);
		return vt_fail(err, VT_ERR_PROTOCOL, "%s: the server's answer is not IMAP%s%s%s",
			       what, said[0] ? ": \"" : "", said, said[0] ? "\"" : "");
	case MAILIMAP_ERROR_STREAM:
	case MAILIMAP_ERROR_FATAL:
		c->alive = false;
		st = VT_ERR_NET;
		why = "the connection was lost";
		break;
	case MAILIMAP_ERROR_CONNECTION_REFUSED:
		c->alive = false;
		st = VT_ERR_NET;
		why = "cannot connect";
		break;
	case MAILIMAP_ERROR_MEMORY:
		st = VT_ERR_NOMEM;
		why = "out of memory";
		break;
	case MAILIMAP_ERROR_SSL:
	case MAILIMAP_ERROR_STARTTLS:
		c->alive = false;
		st = VT_ERR_TLS;
		why = "TLS negotiation failed";
		break;
	case MAILIMAP_ERROR_LOGIN:
		st = VT_ERR_AUTH;
		why = "login refused";
		server_text(c, said, sizeof said);
		break;
	default:
		st = VT_ERR_PROTOCOL;
		why = "the server said no";
		server_text(c, said, sizeof said);
		break;
	}
	return vt_fail(err, st, "%s: %s%s%s%s", what, why, said[0] ? " (\"" : "", said,
		       said[0] ? "\")" : "");
}

/* A TCP connection within timeout seconds to the first address of host
 * that takes it; -1 and err otherwise. */
static int
tcp_connect(const char *host, uint16_t port, int timeout, struct vt_error *err)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM };
	struct addrinfo *res = NULL;
	char service[8];
	int fd = -1, r, last = ECONNREFUSED;

	snprintf(service, sizeof service, "%u", (unsigned)port);
	if ((r = getaddrinfo(host, service, &hints, &res)) != 0) {
		vt_fail(err, VT_ERR_NET, "%s: %s", host, gai_strerror(r));
		return -1;
	}
	for (struct addrinfo *ai = res; ai && fd < 0; ai = ai->ai_next) {
		struct pollfd p;
		socklen_t len = sizeof last;

		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK,
			    ai->ai_protocol);
		if (fd < 0) {
			last = errno;
			continue;
		}
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		last = errno;
		if (errno == EINPROGRESS) {
			p = (struct pollfd){ .fd = fd, .events = POLLOUT };
			do
				r = poll(&p, 1, timeout * 1000);
			while (r < 0 && errno == EINTR);
			last = r == 0 ? ETIMEDOUT : r < 0 ? errno : 0;
			if (r > 0 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &last, &len) != 0)
				last = errno;
			if (last == 0)
				break;
		}
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0) {
		vt_fail(err, VT_ERR_NET, "%s port %u: cannot connect: %s", host, (unsigned)port,
			strerror(last));
		return -1;
	}
	/* libetpan's streams wait with poll themselves */
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	return fd;
}

/* Connects and reads the greeting through the guard: libetpan's own
 * connect reads it unguarded and calls every failure "cannot connect". */
static vt_status
open_session(struct imap_conn *c, int *greeting, struct vt_error *err)
{
	const struct mail_imap_account *a = c->acct;
	mailstream *stream;
	int fd;

	if ((fd = tcp_connect(a->host, a->port, a->timeout, err)) < 0)
		return err ? err->status : VT_ERR_NET;
	if (a->tls == MAIL_IMAP_TLS_IMPLICIT)
		stream = mailstream_ssl_open_with_callback_timeout(fd, a->timeout, tls_setup,
								   a->host);
	else
		stream = mailstream_socket_open_timeout(fd, a->timeout);
	if (stream == NULL) {
		close(fd);
		if (a->tls == MAIL_IMAP_TLS_IMPLICIT)
			return vt_fail(err, VT_ERR_TLS, "%s port %u: TLS negotiation failed",
				       a->host, (unsigned)a->port);
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	}
	imap_guard_begin(&c->guard, a);
	imap_guard_install(&c->guard, stream);
	/* mailimap_connect owns the stream from here, whatever it returns */
	*greeting = mailimap_connect(c->imap, stream);
	if (*greeting == MAILIMAP_NO_ERROR_AUTHENTICATED ||
	    *greeting == MAILIMAP_NO_ERROR_NON_AUTHENTICATED)
		return VT_OK;
	c->alive = false;
	if (c->guard.why[0])
		return vt_fail(err, c->guard.why_status, "%s port %u: %s", a->host,
			       (unsigned)a->port, c->guard.why);
	if (*greeting == MAILIMAP_ERROR_PARSE)
		return imap_fail(c, *greeting, err, "%s port %u: greeting", a->host,
				 (unsigned)a->port);
	return imap_fail(c, *greeting, err, "%s port %u", a->host, (unsigned)a->port);
}

/* The password is needed for LOGIN only: a core dump or a swapped-out
 * page later should not hold it. libetpan keeps the last command in its
 * stream's write buffer. */
static void
forget_password(struct imap_conn *c)
{
	mailstream *s = c->imap ? c->imap->imap_stream : NULL;

	imap_secret_free(&c->password);
	if (s && s->write_buffer)
		explicit_bzero(s->write_buffer, s->buffer_max_size);
}

void
imap_conn_drop(struct imap_conn *c)
{
	if (c->imap) {
		if (c->alive)
			mailimap_logout(c->imap);
		mailimap_free(c->imap);
		c->imap = NULL;
	}
	c->alive = false;
}

void
imap_conn_close(struct imap_conn *c)
{
	imap_conn_drop(c);
	imap_secret_free(&c->password);
}

/* ENABLE QRESYNC; a server that says no (or BAD) leaves it off. */
static vt_status
enable_qresync(struct imap_conn *c, struct vt_error *err)
{
	struct mailimap_capability_data *want = NULL, *got = NULL;
	struct mailimap_capability *cap = NULL;
	clist *list = clist_new();
	char *name = strdup("QRESYNC");
	int r;

	if (list && name && (cap = mailimap_capability_new(MAILIMAP_CAPABILITY_NAME, NULL, name)))
		name = NULL;
	if (cap && clist_append(list, cap) == 0) {
		cap = NULL;
		if ((want = mailimap_capability_data_new(list)) != NULL)
			list = NULL;
	}
	if (want == NULL) {
		if (cap)
			mailimap_capability_free(cap);
		if (list) {
			for (clistiter *it = clist_begin(list); it; it = clist_next(it))
				mailimap_capability_free(clist_content(it));
			clist_free(list);
		}
		free(name);
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	}
	r = mailimap_enable(c->imap, want, &got);
	mailimap_capability_data_free(want);
	if (r == MAILIMAP_ERROR_EXTENSION || r == MAILIMAP_ERROR_PROTOCOL)
		return VT_OK;
	if (r != MAILIMAP_NO_ERROR)
		return imap_fail(c, r, err, "%s: ENABLE QRESYNC", c->acct->host);
	/* "* ENABLED QRESYNC" says it is on; nothing else does */
	for (clistiter *it = got && got->cap_list ? clist_begin(got->cap_list) : NULL; it;
	     it = clist_next(it)) {
		const struct mailimap_capability *k = clist_content(it);

		if (k->cap_type == MAILIMAP_CAPABILITY_NAME && k->cap_data.cap_name &&
		    strcasecmp(k->cap_data.cap_name, "QRESYNC") == 0)
			c->qresync = true;
	}
	if (got)
		mailimap_capability_data_free(got);
	return VT_OK;
}

vt_status
imap_conn_open(struct imap_conn *c, const struct mail_imap_account *a,
	       const struct mail_sync_hooks *hooks, struct vt_error *err)
{
	struct mailimap_capability_data *cap = NULL;
	const char *where = a->host;
	int r = MAILIMAP_ERROR_STREAM;
	vt_status rc;

	imap_conn_drop(c);
	c->acct = a;
	c->hooks = hooks;
	c->condstore = false;
	c->qresync = false;
	c->move = false;
	c->uidplus = false;
	if (a->tls == MAIL_IMAP_TLS_NONE && (rc = check_loopback(a, err)) != VT_OK)
		return rc;
	/* Ask first: a server does not wait long for a user typing. */
	if (c->password == NULL && (rc = imap_password(a, hooks, &c->password, err)) != VT_OK)
		return rc;

	if ((c->imap = mailimap_new(0, NULL)) == NULL)
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	mailimap_set_timeout(c->imap, a->timeout);
	/* alive only with a session to log out of */
	if ((rc = open_session(c, &r, err)) != VT_OK)
		goto fail;
	c->alive = true;
	if (a->tls == MAIL_IMAP_TLS_STARTTLS) {
		int s = mailimap_socket_starttls_with_callback(c->imap, tls_setup, a->host);

		if (s != MAILIMAP_NO_ERROR) {
			rc = imap_fail(c, s == MAILIMAP_ERROR_STREAM ? s : MAILIMAP_ERROR_STARTTLS,
				       err, "%s: STARTTLS", where);
			goto fail;
		}
		imap_guard_install(&c->guard, c->imap->imap_stream);
		/* Anything learnt before TLS may have been forged. */
		r = MAILIMAP_NO_ERROR_NON_AUTHENTICATED;
	}
	if (a->tls != MAIL_IMAP_TLS_NONE &&
	    (rc = imap_tls_verify(c->imap->imap_stream, a, err)) != VT_OK)
		goto fail;
	if (r != MAILIMAP_NO_ERROR_AUTHENTICATED) {
		r = mailimap_login(c->imap, a->user, c->password);
		forget_password(c);
		if (r != MAILIMAP_NO_ERROR) {
			rc = imap_fail(c, r, err, "%s: login as %s", where, a->user);
			if (rc == VT_ERR_PROTOCOL)
				rc = err ? (err->status = VT_ERR_AUTH) : VT_ERR_AUTH;
			goto fail;
		}
	}
	forget_password(c);
	r = mailimap_capability(c->imap, &cap);
	if (r != MAILIMAP_NO_ERROR) {
		rc = imap_fail(c, r, err, "%s: CAPABILITY", where);
		goto fail;
	}
	mailimap_capability_data_free(cap);
	c->condstore = mailimap_has_condstore(c->imap) != 0;
	c->move = mailimap_has_extension(c->imap, "MOVE") != 0;
	c->uidplus = mailimap_has_uidplus(c->imap) != 0;
	if (c->want_qresync && c->condstore && mailimap_has_qresync(c->imap) &&
	    mailimap_has_enable(c->imap) && (rc = enable_qresync(c, err)) != VT_OK)
		goto fail;
	return VT_OK;
fail:
	imap_conn_drop(c);
	return rc;
}

static bool
list_noselect(const struct mailimap_mailbox_list *mb)
{
	const struct mailimap_mbx_list_flags *f = mb->mb_flag;

	if (f == NULL)
		return false;
	if (f->mbf_type == MAILIMAP_MBX_LIST_FLAGS_SFLAG &&
	    f->mbf_sflag == MAILIMAP_MBX_LIST_SFLAG_NOSELECT)
		return true;
	for (clistiter *it = f->mbf_oflags ? clist_begin(f->mbf_oflags) : NULL; it;
	     it = clist_next(it)) {
		const struct mailimap_mbx_list_oflag *o = clist_content(it);

		if (o->of_type == MAILIMAP_MBX_LIST_OFLAG_FLAG_EXT && o->of_flag_ext &&
		    (strcasecmp(o->of_flag_ext, "NonExistent") == 0 ||
		     strcasecmp(o->of_flag_ext, "Noselect") == 0))
			return true;
	}
	return false;
}

static vt_status
push_name(char ***names, char **delims, size_t *n, const char *name, char delim,
	  struct vt_error *err)
{
	char **nn = realloc(*names, (*n + 1) * sizeof *nn);
	char *nd;

	if (nn == NULL)
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	*names = nn;
	if ((nd = realloc(*delims, *n + 1)) == NULL)
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	*delims = nd;
	if ((nn[*n] = strdup(name)) == NULL)
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	nd[*n] = delim;
	(*n)++;
	return VT_OK;
}

/* Whether LIST gave the folder name, selectable. */
static bool
listed(clist *existing, const char *name)
{
	for (clistiter *it = existing ? clist_begin(existing) : NULL; it; it = clist_next(it)) {
		const struct mailimap_mailbox_list *mb = clist_content(it);

		if (mb->mb_name != NULL && strcmp(mb->mb_name, name) == 0)
			return !list_noselect(mb);
	}
	return false;
}

vt_status
imap_conn_folders(struct imap_conn *c, char ***names, char **delims, size_t *n,
		  struct vt_error *err)
{
	const struct mail_imap_account *a = c->acct;
	clist *list = NULL, *existing = NULL;
	char root_delim = '/';
	int r;
	vt_status rc = VT_OK;

	*names = NULL;
	*delims = NULL;
	*n = 0;
	/* LIST "" "" gives the hierarchy delimiter. */
	r = mailimap_list(c->imap, "", "", &list);
	if (r != MAILIMAP_NO_ERROR)
		return imap_fail(c, r, err, "%s: LIST", a->host);
	if (list && clist_begin(list)) {
		const struct mailimap_mailbox_list *mb = clist_content(clist_begin(list));

		root_delim = mb->mb_delimiter;
	}
	mailimap_list_result_free(list);
	list = NULL;

	if (a->folders) {
		for (size_t i = 0; i < a->n_folders && rc == VT_OK; i++)
			rc = push_name(names, delims, n, a->folders[i], root_delim, err);
		goto out;
	}
	if ((rc = push_name(names, delims, n, "INBOX", root_delim, err)) != VT_OK)
		goto out;
	r = mailimap_lsub(c->imap, "", "*", &list);
	if (r != MAILIMAP_NO_ERROR) {
		rc = imap_fail(c, r, err, "%s: LSUB", a->host);
		goto out;
	}
	/* a subscription outlives its folder (RFC 3501: DELETE and RENAME
	 * leave it): only the folders that are there, or every sync after a
	 * folder is deleted in webmail fails on its SELECT */
	r = mailimap_list(c->imap, "", "*", &existing);
	if (r != MAILIMAP_NO_ERROR) {
		rc = imap_fail(c, r, err, "%s: LIST", a->host);
		goto out;
	}
	for (clistiter *it = list ? clist_begin(list) : NULL; it && rc == VT_OK;
	     it = clist_next(it)) {
		const struct mailimap_mailbox_list *mb = clist_content(it);

		if (mb->mb_name == NULL || strcasecmp(mb->mb_name, "INBOX") == 0 ||
		    list_noselect(mb) || !listed(existing, mb->mb_name))
			continue;
		rc = push_name(names, delims, n, mb->mb_name, mb->mb_delimiter, err);
	}
out:
	if (list)
		mailimap_list_result_free(list);
	if (existing)
		mailimap_list_result_free(existing);
	if (rc != VT_OK) {
		imap_names_free(*names, *n);
		free(*delims);
		*names = NULL;
		*delims = NULL;
		*n = 0;
	}
	return rc;
}
