/*
 * mail/status.h — one status enum and one error type for the whole
 * project: every library (mail/, store/, imap/, tui/) returns a vt_status
 * and fills a struct vt_error, and this small header is all it takes
 * (mail.h includes it). Implemented in mail/status.c.
 */
#ifndef VT_STATUS_H
#define VT_STATUS_H

#include <stdbool.h>

typedef enum vt_status {
	VT_OK = 0,
	VT_ERR_USAGE,     /* bad arguments or query (exit 2) */
	VT_ERR_CONFIG,    /* bad configuration file (exit 2) */
	VT_ERR_NOT_FOUND, /* unknown vendor, contact, issue (exit 2) */
	VT_ERR_CONFLICT,  /* the request contradicts stored state (exit 2) */
	VT_ERR_NOMEM,
	VT_ERR_IO,          /* a file or directory could not be read/written */
	VT_ERR_DB,          /* notmuch or sqlite failed */
	VT_ERR_BUSY,        /* another vtriage holds the write lock */
	VT_ERR_NET,         /* connection failed or dropped */
	VT_ERR_TLS,         /* certificate or handshake failure */
	VT_ERR_AUTH,        /* server refused our credentials */
	VT_ERR_PROTOCOL,    /* the server said something we cannot accept */
	VT_ERR_INTERRUPTED, /* a signal asked us to stop; state is consistent */
	VT_ERR_INTERNAL,
} vt_status;

#define VT_ERROR_MAX 1024

/*
 * An error as the front ends show it: the status plus one line naming the
 * file, line, key, query or server reply at fault. Callers may pass NULL
 * wherever a struct vt_error * is taken.
 */
struct vt_error {
	vt_status status;
	char msg[VT_ERROR_MAX];
};

/* Fills err (if not NULL) and returns st, so callers can write
 * "return vt_fail(err, VT_ERR_IO, "%s: %s", path, strerror(errno));". */
vt_status vt_fail(struct vt_error *err, vt_status st, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
const char *vt_status_name(vt_status st);
/* A short, stable token for st ("auth", "net", "not-found"), and back:
 * what crosses process boundaries instead of English text. */
const char *vt_status_token(vt_status st);
bool vt_status_from_token(const char *token, vt_status *out);
/* 0 for VT_OK, 2 for errors in what the user asked, 1 for the rest. */
int vt_status_exit_code(vt_status st);
#endif
