/*
 * [account NAME] settings into a struct mail_imap_account, and the
 * account's password (password_command or the front end's prompt).
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "private.h"

struct parse_ctx {
	const char *file;
	const char *name;
	struct mail_imap_account *acct;
	struct vt_error *err;
};

typedef vt_status (*setter)(struct parse_ctx *p, const struct mail_imap_setting *s);

static vt_status
bad(struct parse_ctx *p, const struct mail_imap_setting *s, const char *why)
{
	return vt_fail(p->err, VT_ERR_CONFIG, "%s:%d: [account %s] %s: %s", p->file, s->line,
		       p->name, s->key, why);
}

static vt_status
dup_to(struct parse_ctx *p, const struct mail_imap_setting *s, char **field)
{
	if (s->value[0] == '\0')
		return bad(p, s, "needs a value");
	free(*field);
	if ((*field = strdup(s->value)) == NULL)
		return vt_fail(p->err, VT_ERR_NOMEM, "out of memory");
	return VT_OK;
}

static vt_status
set_host(struct parse_ctx *p, const struct mail_imap_setting *s)
{
	for (const char *c = s->value; *c; c++)
		if (isspace((unsigned char)*c) || *c == '/')
			return bad(p, s, "not a host name");
	return dup_to(p, s, &p->acct->host);
}

static vt_status
set_user(struct parse_ctx *p, const struct mail_imap_setting *s)
{
	return dup_to(p, s, &p->acct->user);
}

static vt_status
set_password_command(struct parse_ctx *p, const struct mail_imap_setting *s)
{
	p->acct->password_line = s->line;
	return dup_to(p, s, &p->acct->password_command);
}

static vt_status
set_port(struct parse_ctx *p, const struct mail_imap_setting *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s->value, &end, 10);
	if (errno || end == s->value || *end || v < 1 || v > 65535)
		return bad(p, s, "not a port number (1-65535)");
	p->acct->port = (uint16_t)v;
	return VT_OK;
}

static vt_status
set_timeout(struct parse_ctx *p, const struct mail_imap_setting *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s->value, &end, 10);
	if (errno || end == s->value || *end || v < 1 || v > 3600)
		return bad(p, s, "not a number of seconds (1-3600)");
	p->acct->timeout = (int)v;
	return VT_OK;
}

/* seconds, 1 to 24 hours */
static vt_status
set_command_timeout(struct parse_ctx *p, const struct mail_imap_setting *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s->value, &end, 10);
	if (errno || end == s->value || *end || v < 1 || v > 86400)
		return bad(p, s, "not a number of seconds (1-86400)");
	p->acct->command_timeout = (unsigned)v;
	return VT_OK;
}

/* A byte count, with an optional K, M or G (powers of 1024) after it;
 * between min and max. */
static bool
parse_size(const char *text, uint64_t min, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;
	unsigned shift = 0;

	if (text[0] < '0' || text[0] > '9')
		return false;
	errno = 0;
	v = strtoull(text, &end, 10);
	if (errno)
		return false;
	switch (*end) {
	case 'k':
	case 'K':
		shift = 10;
		end++;
		break;
	case 'm':
	case 'M':
		shift = 20;
		end++;
		break;
	case 'g':
	case 'G':
		shift = 30;
		end++;
		break;
	default:
		break;
	}
	if ((*end == 'b' || *end == 'B') && shift)
		end++;
	if (*end || v > (max >> shift))
		return false;
	v <<= shift;
	if (v < min)
		return false;
	*out = v;
	return true;
}

static vt_status
set_min_rate(struct parse_ctx *p, const struct mail_imap_setting *s)
{
	uint64_t v;

	if (!parse_size(s->value, 1, UINT32_MAX, &v))
		return bad(p, s, "not a number of bytes per second (at least 1; K, M allowed)");
	p->acct->min_rate = (uint32_t)v;
	return VT_OK;
}

static vt_status
set_max_line(struct parse_ctx *p, const struct mail_imap_setting *s)
{
	uint64_t v;

	if (!parse_size(s->value, 1024, (uint64_t)1 << 30, &v))
		return bad(p, s, "not a size from 1K to 1G (a number of bytes; K, M, G allowed)");
	p->acct->max_line = v;
	return VT_OK;
}

static vt_status
set_max_message(struct parse_ctx *p, const struct mail_imap_setting *s)
{
	uint64_t v;

	if (!parse_size(s->value, 1024, (uint64_t)1 << 40, &v))
		return bad(p, s,
			   "not a size from 1K to 1024G (a number of bytes; K, M, G allowed)");
	p->acct->max_message = v;
	return VT_OK;
}

static vt_status
set_idle(struct parse_ctx *p, const struct mail_imap_setting *s)
{
	return mail_bool_parse(s->value, &p->acct->idle) ? VT_OK : bad(p, s, "is not yes or no");
}

static vt_status
set_save_sent(struct parse_ctx *p, const struct mail_imap_setting *s)
{
	return mail_bool_parse(s->value, &p->acct->save_sent) ? VT_OK
							      : bad(p, s, "is not yes or no");
}

static vt_status
set_sent_folder(struct parse_ctx *p, const struct mail_imap_setting *s)
{
	if (s->value[0] == '\0' || strpbrk(s->value, "\r\n\"") != NULL)
		return bad(p, s, "must be a server folder name (no quotes or line breaks)");
	return dup_to(p, s, &p->acct->sent_folder);
}

/* The account's From is the sending side's (store/config.c checks it);
 * the engine only knows the key. */
static vt_status
set_from(struct parse_ctx *p, const struct mail_imap_setting *s)
{
	(void)p;
	(void)s;
	return VT_OK;
}

static vt_status
set_tls(struct parse_ctx *p, const struct mail_imap_setting *s)
{
	static const struct {
		const char *name;
		enum mail_imap_tls tls;
	} modes[] = {
		{ "implicit", MAIL_IMAP_TLS_IMPLICIT },
		{ "starttls", MAIL_IMAP_TLS_STARTTLS },
		{ "none", MAIL_IMAP_TLS_NONE },
	};

	for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++)
		if (strcmp(s->value, modes[i].name) == 0) {
			p->acct->tls = modes[i].tls;
			p->acct->tls_line = s->line;
			return VT_OK;
		}
	return bad(p, s, "must be implicit, starttls or none");
}

static void
trim(char *s)
{
	size_t n = strlen(s), i = 0;

	while (n > 0 && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	while (isspace((unsigned char)s[i]))
		i++;
	memmove(s, s + i, n - i + 1);
}

static vt_status
set_folders(struct parse_ctx *p, const struct mail_imap_setting *s)
{
	struct mail_imap_account *a = p->acct;
	char *copy = strdup(s->value), *tok, *save = NULL;

	if (copy == NULL)
		return vt_fail(p->err, VT_ERR_NOMEM, "out of memory");
	imap_names_free(a->folders, a->n_folders);
	a->folders = NULL;
	a->n_folders = 0;
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char **grown;

		trim(tok);
		if (*tok == '\0')
			continue;
		grown = realloc(a->folders, (a->n_folders + 1) * sizeof *grown);
		if (grown == NULL || (grown[a->n_folders] = strdup(tok)) == NULL) {
			if (grown)
				a->folders = grown;
			free(copy);
			return vt_fail(p->err, VT_ERR_NOMEM, "out of memory");
		}
		a->folders = grown;
		a->n_folders++;
	}
	free(copy);
	if (a->n_folders == 0)
		return bad(p, s,
			   "names no folder (leave it out to sync INBOX and the subscribed "
			   "folders)");
	return VT_OK;
}

static vt_status
set_subdir(struct parse_ctx *p, const struct mail_imap_setting *s)
{
	const char *v = s->value;

	if (v[0] == '/')
		return bad(p, s, "must be relative to [store] maildir");
	for (const char *c = v; *c;) {
		size_t len = strcspn(c, "/");

		if ((len == 2 && strncmp(c, "..", 2) == 0) ||
		    ((len == 3) && (strncmp(c, "cur", 3) == 0 || strncmp(c, "new", 3) == 0 ||
				    strncmp(c, "tmp", 3) == 0)))
			return bad(p, s, "may not contain '..', 'cur', 'new' or 'tmp'");
		c += len;
		if (*c == '/')
			c++;
	}
	free(p->acct->maildir_subdir);
	if ((p->acct->maildir_subdir = strdup(strcmp(v, ".") == 0 ? "" : v)) == NULL)
		return vt_fail(p->err, VT_ERR_NOMEM, "out of memory");
	return VT_OK;
}

static vt_status
set_fingerprint(struct parse_ctx *p, const struct mail_imap_setting *s)
{
	if (!mail_imap_fingerprint_parse(s->value, p->acct->pin_sha256))
		return bad(p, s,
			   "must be sha256: and 64 hex digits (colons allowed), "
			   "as the certificate error prints it");
	p->acct->pinned = true;
	p->acct->pin_line = s->line;
	return VT_OK;
}

static const struct {
	const char *key;
	setter set;
} account_keys[] = {
	{ "host", set_host },
	{ "port", set_port },
	{ "tls", set_tls },
	{ "user", set_user },
	{ "password_command", set_password_command },
	{ "folders", set_folders },
	{ "maildir_subdir", set_subdir },
	{ "cert_fingerprint", set_fingerprint },
	{ "timeout", set_timeout },
	{ "command_timeout", set_command_timeout },
	{ "min_rate", set_min_rate },
	{ "max_line", set_max_line },
	{ "max_message", set_max_message },
	{ "idle", set_idle },
	{ "from", set_from },
	{ "save_sent", set_save_sent },
	{ "sent_folder", set_sent_folder },
};

void
mail_imap_fingerprint_format(const uint8_t sha256[32], char *out, size_t len)
{
	size_t o;

	if (len < 7 + 3 * 32) {
		if (len)
			out[0] = '\0';
		return;
	}
	o = (size_t)snprintf(out, len, "sha256:");
	for (int i = 0; i < 32; i++)
		o += (size_t)snprintf(out + o, len - o, "%s%02X", i ? ":" : "", sha256[i]);
}

bool
mail_imap_fingerprint_parse(const char *text, uint8_t sha256[32])
{
	size_t n = 0;
	int hi = -1;

	if (text == NULL || strncasecmp(text, "sha256:", 7) != 0)
		return false;
	for (const char *c = text + 7; *c; c++) {
		int v;

		if (*c == ':' && hi < 0)
			continue;
		if (!isxdigit((unsigned char)*c))
			return false;
		v = isdigit((unsigned char)*c) ? *c - '0' : tolower((unsigned char)*c) - 'a' + 10;
		if (hi < 0) {
			hi = v;
			continue;
		}
		if (n == 32)
			return false;
		sha256[n++] = (uint8_t)(hi << 4 | v);
		hi = -1;
	}
	return n == 32 && hi < 0;
}

vt_status
mail_imap_account_parse(const char *file, const char *name,
			const struct mail_imap_setting *settings, size_t n,
			struct mail_imap_account **out, struct vt_error *err)
{
	struct mail_imap_account *a;
	struct parse_ctx p = { .file = file ? file : "config", .name = name, .err = err };
	struct mail_imap_setting first = { .key = "host", .line = n ? settings[0].line : 0 };
	vt_status rc = VT_OK;

	*out = NULL;
	if ((a = calloc(1, sizeof *a)) == NULL)
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	p.acct = a;
	a->timeout = 60;
	a->command_timeout = MAIL_IMAP_COMMAND_TIMEOUT;
	a->min_rate = MAIL_IMAP_MIN_RATE;
	a->max_line = MAIL_IMAP_MAX_LINE;
	a->max_message = MAIL_IMAP_MAX_MESSAGE;
	a->save_sent = true;
	a->line = first.line;
	if ((a->name = strdup(name)) == NULL || (a->file = strdup(p.file)) == NULL) {
		rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
		goto out;
	}
	/* The name becomes a directory of the state and, by default, of the
	 * Maildir tree. */
	if (name[0] == '\0' || name[0] == '.' || strpbrk(name, "/\\") != NULL) {
		rc = vt_fail(err, VT_ERR_CONFIG,
			     "%s:%d: [account %s]: a name may not be empty, start with '.' or "
			     "contain '/'",
			     p.file, first.line, name);
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		const struct mail_imap_setting *s = &settings[i];
		size_t k;

		if (strcmp(s->key, "password") == 0) {
			/* Never echo the value. */
			rc = bad(&p, s,
				 "passwords are not kept in the configuration; use "
				 "password_command (or leave it out to be asked)");
			goto out;
		}
		for (k = 0; k < sizeof account_keys / sizeof account_keys[0]; k++)
			if (strcmp(s->key, account_keys[k].key) == 0)
				break;
		if (k == sizeof account_keys / sizeof account_keys[0]) {
			rc = bad(&p, s,
				 "unknown key (known: host, port, tls, user, "
				 "password_command, folders, maildir_subdir, "
				 "cert_fingerprint, timeout, command_timeout, min_rate, "
				 "max_line, max_message, idle, from, save_sent, "
				 "sent_folder)");
			goto out;
		}
		if ((rc = account_keys[k].set(&p, s)) != VT_OK)
			goto out;
	}
	if (a->host == NULL) {
		rc = bad(&p, &first, "missing (the IMAP server)");
		goto out;
	}
	if (a->user == NULL) {
		first.key = "user";
		rc = bad(&p, &first, "missing (the login name)");
		goto out;
	}
	if (a->port == 0)
		a->port = a->tls == MAIL_IMAP_TLS_IMPLICIT ? 993 : 143;
	/* the name as the folder, held to what maildir_subdir is held to */
	if (a->maildir_subdir == NULL &&
	    (strcmp(name, "cur") == 0 || strcmp(name, "new") == 0 || strcmp(name, "tmp") == 0)) {
		rc = vt_fail(err, VT_ERR_CONFIG,
			     "%s:%d: [account %s]: a Maildir's own directory name; give it a "
			     "maildir_subdir",
			     p.file, first.line, name);
		goto out;
	}
	if (a->maildir_subdir == NULL && (a->maildir_subdir = strdup(name)) == NULL) {
		rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
		goto out;
	}
out:
	if (rc != VT_OK)
		mail_imap_account_free(&a);
	*out = a;
	return rc;
}

void
mail_imap_account_free(struct mail_imap_account **acct)
{
	struct mail_imap_account *a = acct ? *acct : NULL;

	if (a == NULL)
		return;
	free(a->name);
	free(a->file);
	free(a->host);
	free(a->user);
	free(a->password_command);
	imap_names_free(a->folders, a->n_folders);
	free(a->maildir_subdir);
	free(a->sent_folder);
	free(a);
	*acct = NULL;
}

void
imap_names_free(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

void
imap_secret_free(char **secret)
{
	if (secret == NULL || *secret == NULL)
		return;
	explicit_bzero(*secret, strlen(*secret));
	free(*secret);
	*secret = NULL;
}

#define PASSWORD_MAX 1024

/* Runs the command with /bin/sh -c; its stdout's first line is the
 * password. stdin and stderr stay the user's (a pinentry may need them).
 * Nothing it prints reaches our messages. */
static vt_status
run_password_command(const struct mail_imap_account *a, char **out, struct vt_error *err)
{
	char buf[PASSWORD_MAX + 1];
	size_t len = 0;
	int pipefd[2], status;
	pid_t pid;
	vt_status rc = VT_OK;

	if (pipe2(pipefd, O_CLOEXEC) != 0)
		return vt_fail(err, VT_ERR_IO, "pipe: %s", strerror(errno));
	pid = fork();
	if (pid < 0) {
		close(pipefd[0]);
		close(pipefd[1]);
		return vt_fail(err, VT_ERR_IO, "fork: %s", strerror(errno));
	}
	if (pid == 0) {
		if (dup2(pipefd[1], STDOUT_FILENO) < 0)
			_exit(127);
		execl("/bin/sh", "sh", "-c", a->password_command, (char *)NULL);
		_exit(127);
	}
	close(pipefd[1]);
	for (;;) {
		ssize_t r = read(pipefd[0], buf + len, len < PASSWORD_MAX ? PASSWORD_MAX - len : 0);
		char sink[512];

		if (r < 0 && errno == EINTR)
			continue;
		if (r == 0 && len >= PASSWORD_MAX) {
			/* Drain the rest so the command is not blocked writing. */
			r = read(pipefd[0], sink, sizeof sink);
			if (r > 0 || (r < 0 && errno == EINTR))
				continue;
		}
		if (r <= 0)
			break;
		len += (size_t)r;
	}
	close(pipefd[0]);
	buf[len] = '\0';
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			status = -1;
			break;
		}
	if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		rc = vt_fail(err, VT_ERR_AUTH,
			     "%s:%d: [account %s] password_command failed (%s %d)", a->file,
			     a->password_line ? a->password_line : a->line, a->name,
			     WIFEXITED(status) ? "exit status" : "signal",
			     WIFEXITED(status) ? WEXITSTATUS(status)
					       : (WIFSIGNALED(status) ? WTERMSIG(status) : -1));
		goto out;
	}
	buf[strcspn(buf, "\r\n")] = '\0';
	if (buf[0] == '\0') {
		rc = vt_fail(err, VT_ERR_AUTH,
			     "%s:%d: [account %s] password_command printed no password", a->file,
			     a->password_line ? a->password_line : a->line, a->name);
		goto out;
	}
	if ((*out = strdup(buf)) == NULL)
		rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
out:
	explicit_bzero(buf, sizeof buf);
	return rc;
}

vt_status
imap_password(const struct mail_imap_account *acct, const struct mail_sync_hooks *hooks, char **out,
	      struct vt_error *err)
{
	char buf[PASSWORD_MAX + 1] = "";
	vt_status rc;

	*out = NULL;
	if (acct->password_command)
		return run_password_command(acct, out, err);
	if (hooks == NULL || hooks->password == NULL)
		return vt_fail(err, VT_ERR_AUTH,
			       "[account %s] has no password_command and there is no terminal to "
			       "ask for the password on",
			       acct->name);
	rc = hooks->password(hooks->ctx, acct, buf, sizeof buf, err);
	if (rc == VT_OK && (*out = strdup(buf)) == NULL)
		rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
	explicit_bzero(buf, sizeof buf);
	return rc;
}
