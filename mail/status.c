/* The project's status codes and the error record front ends print. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mail.h"

static const char *const status_names[] = {
	[VT_OK] = "success",
	[VT_ERR_USAGE] = "usage error",
	[VT_ERR_CONFIG] = "configuration error",
	[VT_ERR_NOT_FOUND] = "not found",
	[VT_ERR_CONFLICT] = "conflict",
	[VT_ERR_NOMEM] = "out of memory",
	[VT_ERR_IO] = "I/O error",
	[VT_ERR_DB] = "database error",
	[VT_ERR_BUSY] = "database busy",
	[VT_ERR_NET] = "network error",
	[VT_ERR_TLS] = "TLS error",
	[VT_ERR_AUTH] = "authentication failed",
	[VT_ERR_PROTOCOL] = "protocol error",
	[VT_ERR_INTERRUPTED] = "interrupted",
	[VT_ERR_INTERNAL] = "internal error",
};

/* Short, stable names: what crosses the progress protocol (never the
 * English above, which may change). */
static const char *const status_tokens[] = {
	[VT_OK] = "ok",
	[VT_ERR_USAGE] = "usage",
	[VT_ERR_CONFIG] = "config",
	[VT_ERR_NOT_FOUND] = "not-found",
	[VT_ERR_CONFLICT] = "conflict",
	[VT_ERR_NOMEM] = "nomem",
	[VT_ERR_IO] = "io",
	[VT_ERR_DB] = "db",
	[VT_ERR_BUSY] = "busy",
	[VT_ERR_NET] = "net",
	[VT_ERR_TLS] = "tls",
	[VT_ERR_AUTH] = "auth",
	[VT_ERR_PROTOCOL] = "protocol",
	[VT_ERR_INTERRUPTED] = "interrupted",
	[VT_ERR_INTERNAL] = "internal",
};

const char *
vt_status_token(vt_status st)
{
	if ((size_t)st >= sizeof status_tokens / sizeof status_tokens[0] ||
	    status_tokens[st] == NULL)
		return "internal";
	return status_tokens[st];
}

bool
vt_status_from_token(const char *token, vt_status *out)
{
	for (size_t i = 0; token != NULL && i < sizeof status_tokens / sizeof status_tokens[0]; i++)
		if (status_tokens[i] != NULL && strcmp(token, status_tokens[i]) == 0) {
			*out = (vt_status)i;
			return true;
		}
	return false;
}

vt_status
vt_fail(struct vt_error *err, vt_status st, const char *fmt, ...)
{
	va_list ap, again;
	char *full;

	if (err == NULL)
		return st;
	err->status = st;
	va_start(ap, fmt);
	va_copy(again, ap);
	/* a message cut at its size (a long name quoted) ends between
	 * characters, not in one */
	if (vsnprintf(err->msg, sizeof err->msg, fmt, ap) >= (int)sizeof err->msg &&
	    vasprintf(&full, fmt, again) >= 0) {
		size_t n = mail_utf8_prefix(full, sizeof err->msg - 1);

		memcpy(err->msg, full, n);
		err->msg[n] = '\0';
		free(full);
	}
	va_end(again);
	va_end(ap);
	return st;
}

const char *
vt_status_name(vt_status st)
{
	if ((size_t)st >= sizeof status_names / sizeof status_names[0] || status_names[st] == NULL)
		return "unknown status";
	return status_names[st];
}

int
vt_status_exit_code(vt_status st)
{
	switch (st) {
	case VT_OK:
		return 0;
	case VT_ERR_USAGE:
	case VT_ERR_CONFIG:
	case VT_ERR_NOT_FOUND:
	case VT_ERR_CONFLICT:
		return 2;
	default:
		return 1;
	}
}

bool
mail_bool_parse(const char *value, bool *out)
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };

	for (size_t i = 0; value != NULL && i < sizeof yes / sizeof yes[0]; i++) {
		if (strcasecmp(value, yes[i]) == 0)
			return *out = true, true;
		if (strcasecmp(value, no[i]) == 0)
			return *out = false, true;
	}
	return false;
}
