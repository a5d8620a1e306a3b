/*
 * Sending: the message goes to the user's sendmail-compatible command
 * ([send] command, default "sendmail -t": msmtp -t, sendmail, ssmtp all
 * read the recipients from the headers) on its standard input, run
 * without a shell; what it says on failure is the error. Then a copy is
 * kept in the Maildir's sent folder and indexed, so that the thread
 * shows the answer (and waits on the vendor).
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "private.h"

/* Milliseconds left of timeout_s since start. */
static long
ms_left(const struct timespec *start, long timeout_s)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return timeout_s * 1000 -
	       ((now.tv_sec - start->tv_sec) * 1000 + (now.tv_nsec - start->tv_nsec) / 1000000);
}

static vt_status
run_command(const char *command, long timeout_s, const struct mail_outgoing *o,
	    struct vt_error *err)
{
	struct timespec start;
	bool timed_out = false, in_closed = false;
	char *words = strdup(command), *argv[40], said[512] = "";
	int argc = 0, in[2], errp[2], status = 0;
	size_t said_len = 0, written = 0;
	pid_t pid;

	if (words == NULL)
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	for (char *w = strtok(words, " \t"); w != NULL && argc < 39; w = strtok(NULL, " \t"))
		argv[argc++] = w;
	argv[argc] = NULL;
	if (argc == 0) {
		free(words);
		return vt_fail(err, VT_ERR_CONFIG, "[send] command is empty");
	}
	if (pipe2(in, O_CLOEXEC) != 0 || pipe2(errp, O_CLOEXEC) != 0) {
		free(words);
		return vt_fail(err, VT_ERR_IO, "cannot start %s: %s", argv[0], strerror(errno));
	}
	pid = fork();
	if (pid == 0) {
		if (dup2(in[0], 0) < 0 || dup2(errp[1], 2) < 0 || dup2(errp[1], 1) < 0)
			_exit(127);
		execvp(argv[0], argv);
		fprintf(stderr, "cannot run %s: %s", argv[0], strerror(errno));
		_exit(127);
	}
	close(in[0]);
	close(errp[1]);
	if (pid < 0) {
		close(in[1]);
		close(errp[0]);
		free(words);
		return vt_fail(err, VT_ERR_IO, "cannot start %s: %s", argv[0], strerror(errno));
	}
	/* a command that stops reading must not kill us with SIGPIPE */
	signal(SIGPIPE, SIG_IGN);
	/* its input written while what it says is read: a command that
	 * talks before it has read everything must not stall both of us;
	 * the first words are kept, the rest read and dropped */
	fcntl(in[1], F_SETFL, fcntl(in[1], F_GETFL) | O_NONBLOCK);
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (bool writing = o->len > 0, reading = true; writing || reading;) {
		struct pollfd fds[2] = { { .fd = writing ? in[1] : -1, .events = POLLOUT },
					 { .fd = reading ? errp[0] : -1, .events = POLLIN } };
		/* a command that hangs (a relay that never answers) held
		 * vtriage for ever: it is stopped at its time */
		long left_ms = ms_left(&start, timeout_s);
		int ready;

		if (left_ms <= 0) {
			timed_out = true;
			kill(pid, SIGKILL);
			break;
		}
		if ((ready = poll(fds, 2, left_ms > INT_MAX ? INT_MAX : (int)left_ms)) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (ready == 0)
			continue;
		if (writing && fds[0].revents) {
			ssize_t n = write(in[1], o->text + written, o->len - written);

			if (n > 0)
				written += (size_t)n;
			else if (n < 0 && errno != EINTR && errno != EAGAIN)
				writing = false; /* it stopped reading: its status says why */
			if (written == o->len)
				writing = false;
			if (!writing) {
				close(in[1]);
				in_closed = true;
			}
		}
		if (reading && fds[1].revents) {
			char sink[4096];
			bool keep = said_len < sizeof said - 1;
			ssize_t n = read(errp[0], keep ? said + said_len : sink,
					 keep ? sizeof said - 1 - said_len : sizeof sink);

			if (n > 0 && keep)
				said_len += (size_t)n;
			else if (n == 0 || (n < 0 && errno != EINTR))
				reading = false;
		}
	}
	if (!in_closed)
		close(in[1]);
	said[said_len] = '\0';
	close(errp[0]);
	/* it closed what it says but goes on: held to its time too */
	for (;;) {
		pid_t done = waitpid(pid, &status, timed_out ? 0 : WNOHANG);

		if (done == pid || (done < 0 && errno != EINTR))
			break;
		if (done == 0) {
			if (ms_left(&start, timeout_s) <= 0) {
				timed_out = true;
				kill(pid, SIGKILL);
			} else {
				struct timespec tick = { 0, 20 * 1000 * 1000 };

				nanosleep(&tick, NULL);
			}
		}
	}
	if (timed_out) {
		vt_fail(err, VT_ERR_IO,
			"%s did not finish in %ld s ([send] timeout) and was stopped: the mail"
			" may have gone; look before sending the draft again",
			argv[0], timeout_s);
		free(words);
		return VT_ERR_IO;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || written < o->len) {
		char *clean = mail_sanitize_str(said);

		vt_fail(err, VT_ERR_IO, "%s failed (%s %d)%s%s", argv[0],
			WIFEXITED(status) ? "exit status" : "signal",
			WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status),
			clean && *clean ? ": " : "", clean ? clean : "");
		free(clean);
		free(words);
		return VT_ERR_IO;
	}
	free(words);
	return VT_OK;
}

/* The sent copy, as a Maildir delivery: written in tmp/, then linked
 * into cur/ as seen. */
static vt_status
save_sent(const struct vt_config *cfg, const struct mail_outgoing *o, char *cur, size_t cur_len,
	  struct vt_error *err)
{
	char dir[4096], tmp[4300], host[128] = "localhost";
	struct timespec now;
	FILE *f;
	vt_status rc;

	if (snprintf(dir, sizeof dir, "%s/%s", cfg->maildir,
		     cfg->send_sent_folder ? cfg->send_sent_folder : "Sent") >= (int)sizeof dir)
		return vt_fail(err, VT_ERR_CONFIG, "[send] sent_folder: path too long");
	for (const char *sub = "cur"; sub != NULL; sub = strcmp(sub, "cur") == 0   ? "new"
							 : strcmp(sub, "new") == 0 ? "tmp"
										   : NULL) {
		char path[4200];

		snprintf(path, sizeof path, "%s/%s", dir, sub);
		if ((rc = mail_make_dirs(path, err)) != VT_OK)
			return rc;
	}
	gethostname(host, sizeof host - 1);
	for (char *h = host; *h; h++)
		if (*h == '/' || *h == ':')
			*h = '_';
	clock_gettime(CLOCK_REALTIME, &now);
	snprintf(tmp, sizeof tmp, "%s/tmp/%lld.M%ldP%d.%s", dir, (long long)now.tv_sec,
		 now.tv_nsec / 1000, (int)getpid(), host);
	snprintf(cur, cur_len, "%s/cur/%lld.M%ldP%d.%s:2,S", dir, (long long)now.tv_sec,
		 now.tv_nsec / 1000, (int)getpid(), host);
	if ((f = fopen(tmp, "wx")) == NULL)
		return vt_fail(err, VT_ERR_IO, "%s: %s", tmp, strerror(errno));
	if (fwrite(o->text, 1, o->len, f) != o->len || fflush(f) != 0 || fsync(fileno(f)) != 0) {
		int e = errno;

		fclose(f);
		unlink(tmp);
		return vt_fail(err, VT_ERR_IO, "%s: %s", tmp, strerror(e));
	}
	fclose(f);
	if (rename(tmp, cur) != 0) {
		int e = errno;

		unlink(tmp);
		return vt_fail(err, VT_ERR_IO, "%s: %s", cur, strerror(e));
	}
	return mail_sync_parent(cur, err);
}

/* The sent copy queued for the account's server: a link in
 * <data>/outbox/<account>/, which the next sync appends to the server's
 * sent folder and then removes (imap/outbox.c). */
static vt_status
queue_for_server(const struct vt_config *cfg, const char *account, const char *copy,
		 struct vt_error *err)
{
	char dir[4096], path[8500];
	const char *base = strrchr(copy, '/');
	vt_status rc;

	snprintf(dir, sizeof dir, "%s/outbox/%s", cfg->data_dir, account);
	if ((rc = mail_make_dirs(dir, err)) != VT_OK)
		return rc;
	snprintf(path, sizeof path, "%s/%s", dir, base ? base + 1 : copy);
	if (link(copy, path) == 0)
		return VT_OK;
	/* another file system: a copy of the copy, whole or not at all (the
	 * next sync appends what is there to the server's Sent folder) */
	{
		char *text = vt_draft_read(copy);

		if (text == NULL)
			return vt_fail(err, VT_ERR_IO, "%s: %s", copy, strerror(errno));
		rc = mail_write_file(path, text, strlen(text), MAIL_WRITE_NEW, err);
		free(text);
		return rc;
	}
}

/* Tags of message id added and removed; whether it worked. */
static bool
retag(struct vt_store *store, struct mail_db *db, const char *id, const char *add,
      const char *remove, struct vt_error *err)
{
	char *quoted = mail_query_quote(id), *query = NULL;
	bool done;

	if (quoted == NULL || asprintf(&query, "id:%s", quoted) < 0) {
		query = NULL;
		done = vt_fail(err, VT_ERR_NOMEM, "out of memory") == VT_OK;
	} else {
		done = vt_tag_messages(store, db, query, add, remove, NULL, err) == VT_OK;
	}
	free(quoted);
	free(query);
	return done;
}

vt_status
vt_send(const struct vt_config *cfg, struct vt_store *store, struct mail_db *db,
	const struct mail_outgoing *o, const char *draft, struct vt_send_result *result,
	struct vt_error *err)
{
	static volatile sig_atomic_t never;
	struct vt_index_report report;
	struct vt_index_ui ui = { 0 };
	struct vt_error after = { 0 };
	char copy[4300];
	const char *account = NULL, *failed = NULL;
	vt_status rc;

	if (result != NULL)
		memset(result, 0, sizeof *result);
	if ((rc = run_command(cfg->send_command ? cfg->send_command : "sendmail -t",
			      cfg->send_timeout > 0 ? cfg->send_timeout : 300, o, err)) != VT_OK)
		return rc;
	/* Sent: from here a failure loses no mail, it only leaves no copy,
	 * and is no failed send (its draft kept, sent again on a retry). */
	if (draft != NULL && unlink(draft) == 0) {
		struct vt_error ignored = { 0 };

		mail_sync_parent(draft, &ignored);
	}
	if (save_sent(cfg, o, copy, sizeof copy, &after) != VT_OK) {
		failed = "sent, but no copy kept";
	} else if ((account = vt_sent_account(cfg, o->from)) != NULL &&
		   queue_for_server(cfg, account, copy, &after) != VT_OK) {
		failed = "sent and kept, but not queued for the server";
	} else {
		if (account != NULL && result != NULL)
			snprintf(result->account, sizeof result->account, "%s", account);
		if (db != NULL && store != NULL &&
		    vt_index(store, db, cfg, false, &never, &ui, &report, &after) != VT_OK)
			failed = "sent and kept, but not indexed";
		/* the user's own mail is no news in the inbox (notmuch's
		 * new.tags give every new file inbox): mutt keeps it in Sent */
		else if (db != NULL && store != NULL &&
			 !retag(store, db, o->message_id, NULL, "inbox", &after))
			failed = "sent and kept, but left in the inbox";
	}
	/* the answered message says so (its file's R flag, \Answered on
	 * the server at the next sync), as every other client does */
	if (failed == NULL && db != NULL && store != NULL && o->in_reply_to != NULL &&
	    !retag(store, db, o->in_reply_to, "replied", NULL, &after))
		failed = "sent, but the answered message not marked";
	if (failed != NULL && result != NULL)
		snprintf(result->warning, sizeof result->warning, "%s: %.900s", failed, after.msg);
	return VT_OK;
}

bool
vt_draft_is_ours(const struct vt_config *cfg, const char *path)
{
	char dir[4096], drafts[PATH_MAX], real[PATH_MAX];
	size_t n;

	snprintf(dir, sizeof dir, "%s/drafts", cfg->data_dir);
	if (realpath(dir, drafts) == NULL || realpath(path, real) == NULL)
		return false;
	n = strlen(drafts);
	return strncmp(real, drafts, n) == 0 && real[n] == '/' && strchr(real + n + 1, '/') == NULL;
}

/* The draft's file, kept in <data>/drafts until sent or dropped (a
 * failed send leaves it there: postponed, not lost). */
char *
vt_draft_save(const struct vt_config *cfg, const char *text, struct vt_error *err)
{
	char *path = NULL, dir[4096];
	int fd;
	size_t len = strlen(text), done = 0;

	snprintf(dir, sizeof dir, "%s/drafts", cfg->data_dir);
	if (mail_make_dirs(dir, err) != VT_OK)
		return NULL;
	if (asprintf(&path, "%s/draft-XXXXXX", dir) < 0)
		return NULL;
	if ((fd = mkstemp(path)) < 0) {
		vt_fail(err, VT_ERR_IO, "%s: %s", path, strerror(errno));
		free(path);
		return NULL;
	}
	while (done < len) {
		ssize_t n = write(fd, text + done, len - done);

		if (n <= 0) {
			vt_fail(err, VT_ERR_IO, "%s: %s", path, strerror(errno));
			close(fd);
			unlink(path);
			free(path);
			return NULL;
		}
		done += (size_t)n;
	}
	if (fsync(fd) != 0 || close(fd) != 0) {
		vt_fail(err, VT_ERR_IO, "%s: %s", path, strerror(errno));
		unlink(path);
		free(path);
		return NULL;
	}
	return path;
}

char *
vt_draft_read(const char *path)
{
	FILE *f = fopen(path, "r");
	char *text = NULL;
	size_t cap = 0, len = 0, n;
	char buf[8192];

	if (f == NULL)
		return NULL;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
		if (len + n + 1 > cap) {
			char *grown = realloc(text, (cap = (len + n + 1) * 2));

			if (grown == NULL) {
				free(text);
				fclose(f);
				return NULL;
			}
			text = grown;
		}
		memcpy(text + len, buf, n);
		len += n;
	}
	fclose(f);
	if (text == NULL)
		text = calloc(1, 1);
	else
		text[len] = '\0';
	return text;
}

const char *
vt_editor(void)
{
	const char *editor = getenv("VISUAL");

	if (editor == NULL || *editor == '\0')
		editor = getenv("EDITOR");
	return editor != NULL && *editor != '\0' ? editor : "vi";
}

vt_status
vt_draft_attach(const char *draft_path, const char *file, struct vt_error *err)
{
	char *text = vt_draft_read(draft_path), *line = NULL;
	struct stat st;
	vt_status rc;

	if (text == NULL)
		return vt_fail(err, VT_ERR_IO, "%s: %s", draft_path, strerror(errno));
	if (stat(file, &st) != 0 || !S_ISREG(st.st_mode) || strpbrk(file, "\r\n") != NULL) {
		free(text);
		return vt_fail(err, VT_ERR_USAGE, "%s: not a file to attach", file);
	}
	free(text);
	if (asprintf(&line, "Attach: %s", file) < 0)
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	rc = vt_draft_add_line(draft_path, line, err);
	free(line);
	return rc;
}

vt_status
vt_draft_add_line(const char *draft_path, const char *line, struct vt_error *err)
{
	char *text = vt_draft_read(draft_path), *fresh;
	vt_status rc;

	if (text == NULL)
		return vt_fail(err, VT_ERR_IO, "%s: %s", draft_path, strerror(errno));
	if (strpbrk(line, "\r\n") != NULL) {
		free(text);
		return vt_fail(err, VT_ERR_USAGE, "a header line may not hold a line break");
	}
	fresh = mail_draft_insert_line(text, line);
	free(text);
	if (fresh == NULL)
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	/* whole or not at all: rewritten in place, a full disk cut the
	 * draft short, and the cut draft could then be sent */
	rc = mail_write_file(draft_path, fresh, strlen(fresh), MAIL_WRITE_REPLACE, err);
	free(fresh);
	return rc;
}

bool
vt_send_lookalike(struct vt_store *s, const struct mail_outgoing *o, char *why, size_t len)
{
	sqlite3_stmt *st = vt_sql_prepare(s, "SELECT text FROM lookalikes WHERE org = ?", NULL);

	for (size_t i = 0; st != NULL && i < o->n_addresses; i++) {
		char org[256];
		bool hit;

		if (!mail_org_domain(o->addresses[i], org, sizeof org))
			continue;
		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, org, -1, SQLITE_TRANSIENT);
		hit = sqlite3_step(st) == SQLITE_ROW;
		if (hit) {
			const char *text = (const char *)sqlite3_column_text(st, 0);

			/* the judgement speaks of a sender; here it is a recipient */
			if (text != NULL && strncmp(text, "sender domain ", 14) == 0)
				text += 14;
			snprintf(why, len, "%s: %s", o->addresses[i], text ? text : org);
			sqlite3_reset(st);
			return true;
		}
	}
	if (st != NULL)
		sqlite3_reset(st);
	return false;
}

/* Each [account NAME] once, in the order the configuration names them. */
static const char *
next_account(const struct vt_config *cfg, size_t *i)
{
	for (; *i < cfg->n_entries; (*i)++) {
		const struct vt_config_entry *e = &cfg->entries[*i];

		if (strcmp(e->section, "account") == 0 && e->name != NULL &&
		    !vt_config_has_account(cfg, e->name, *i))
			return cfg->entries[(*i)++].name;
	}
	return NULL;
}

/* [account name] from, parsed into out (NULL name when none). */
static bool
account_from(const struct vt_config *cfg, const char *name, struct vt_sender *out)
{
	const char *from = vt_config_account_value(cfg, name, "from");
	struct mail_address_list list = { 0 };
	bool ok = false;

	memset(out, 0, sizeof *out);
	if (from == NULL)
		return false;
	mail_address_list_parse(from, &list);
	if (list.count == 1 && list.items[0].address != NULL) {
		out->name = *list.items[0].name ? strdup(list.items[0].name) : NULL;
		out->address = strdup(list.items[0].address);
		out->account = strdup(name);
		ok = out->address != NULL && out->account != NULL;
		if (!ok)
			vt_sender_clear(out);
	}
	mail_address_list_clear(&list);
	return ok;
}

/* Whether path lies in the account's part of the Maildir tree. */
static bool
in_account_maildir(const struct vt_config *cfg, const char *name, const char *path)
{
	const char *subdir = vt_config_account_value(cfg, name, "maildir_subdir");
	char dir[4096];
	size_t n;

	if (subdir == NULL)
		subdir = name;
	if (*subdir == '\0' || strcmp(subdir, ".") == 0)
		return false; /* the whole tree: says nothing */
	n = (size_t)snprintf(dir, sizeof dir, "%s/%s/", cfg->maildir, subdir);
	return n < sizeof dir && strncmp(path, dir, n) == 0;
}

vt_status
vt_sender_for(const struct vt_config *cfg, const char *original, struct vt_sender *out,
	      struct vt_error *err)
{
	const char *name;
	size_t i = 0;

	memset(out, 0, sizeof *out);
	if (original != NULL) {
		/* the account the answered mail came through, then the one
		 * whose address it was sent to */
		for (int pass = 0; pass < 2; pass++)
			for (i = 0; (name = next_account(cfg, &i)) != NULL;) {
				struct vt_sender s;

				if (!account_from(cfg, name, &s))
					continue;
				if (pass == 0 ? in_account_maildir(cfg, name, original)
					      : mail_file_addressed_to(original, s.address)) {
					*out = s;
					return VT_OK;
				}
				vt_sender_clear(&s);
			}
	}
	if (cfg->n_addresses > 0) {
		/* [identity]'s first address, or an account's when [identity]
		 * has none (the account's then comes first in the list) */
		for (i = 0; (name = next_account(cfg, &i)) != NULL;) {
			struct vt_sender s;

			if (!account_from(cfg, name, &s))
				continue;
			if (strcmp(s.address, cfg->addresses[0]) == 0) {
				*out = s;
				return VT_OK;
			}
			vt_sender_clear(&s);
		}
		out->name = cfg->identity_name ? strdup(cfg->identity_name) : NULL;
		out->address = strdup(cfg->addresses[0]);
		if (out->address == NULL || (cfg->identity_name && out->name == NULL)) {
			vt_sender_clear(out);
			return vt_fail(err, VT_ERR_NOMEM, "out of memory");
		}
		return VT_OK;
	}
	return vt_fail(
		err, VT_ERR_CONFIG,
		"%s: [identity] addresses (or an [account] from): needed to send (your address)",
		cfg->path ? cfg->path : "config");
}

void
vt_sender_clear(struct vt_sender *s)
{
	free(s->name);
	free(s->address);
	free(s->account);
	memset(s, 0, sizeof *s);
}

const char *
vt_sent_account(const struct vt_config *cfg, const char *address)
{
	const char *name, *chosen = NULL, *only = NULL;
	size_t i = 0, n = 0;
	bool save = true;

	while ((name = next_account(cfg, &i)) != NULL) {
		struct vt_sender s;

		n++;
		only = name;
		if (chosen == NULL && address != NULL && account_from(cfg, name, &s)) {
			if (strcasecmp(s.address, address) == 0)
				chosen = name;
			vt_sender_clear(&s);
		}
	}
	if (chosen == NULL && n == 1)
		chosen = only;
	if (chosen != NULL && vt_config_account_value(cfg, chosen, "save_sent") != NULL)
		mail_bool_parse(vt_config_account_value(cfg, chosen, "save_sent"), &save);
	return save ? chosen : NULL;
}

vt_status
vt_draft_begin(const struct vt_config *cfg, struct vt_store *store, enum vt_draft_kind kind,
	       const char *original, const char *to, const char *subject, char **out,
	       struct vt_error *err)
{
	struct vt_sender me_s;
	struct mail_sender me;
	vt_status rc;

	*out = NULL;
	if ((rc = vt_sender_for(cfg, kind == VT_DRAFT_NEW ? NULL : original, &me_s, err)) != VT_OK)
		return rc;
	me = (struct mail_sender){ me_s.name, me_s.address };
	switch (kind) {
	case VT_DRAFT_NEW:
		if ((*out = mail_draft_new(&me, to ? to : "", subject ? subject : "")) == NULL)
			rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
		break;
	case VT_DRAFT_REPLY:
	case VT_DRAFT_REPLY_ALL:
		rc = mail_draft_reply(original, &me, (const char *const *)cfg->addresses,
				      cfg->n_addresses, kind == VT_DRAFT_REPLY_ALL, out, err);
		break;
	case VT_DRAFT_FORWARD:
	case VT_DRAFT_FORWARD_ATTACHED:
		rc = mail_draft_forward(original, &me, to ? to : "",
					kind == VT_DRAFT_FORWARD_ATTACHED, out, err);
		break;
	}
	vt_sender_clear(&me_s);
	/* writing to a vendor: its account rep and billing, offered */
	if (rc == VT_OK && store != NULL) {
		char *lines = vt_draft_cc_suggestions(store, *out), *fresh;

		if (lines != NULL && (fresh = mail_draft_insert_line(*out, lines)) != NULL) {
			free(*out);
			*out = fresh;
		}
		free(lines);
	}
	return rc;
}

static int
newest_first(const void *a, const void *b)
{
	const struct vt_draft *x = a, *y = b;

	return x->modified < y->modified ? 1 : x->modified > y->modified ? -1 : 0;
}

/* A header's value in a draft's headers ("" when absent; malloc'd). */
static char *
draft_header(const char *text, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = text; *p != '\0' && *p != '\n';) {
		size_t len = strcspn(p, "\n");

		if (len > n && strncasecmp(p, name, n) == 0 && p[n] == ':') {
			const char *v = p + n + 1;

			v += strspn(v, " \t");
			return strndup(v, len - (size_t)(v - p));
		}
		p += len + (p[len] == '\n');
	}
	return strdup("");
}

vt_status
vt_drafts_list(const struct vt_config *cfg, struct vt_draft_list *out, struct vt_error *err)
{
	char dir[4096];
	DIR *d;
	struct dirent *e;

	memset(out, 0, sizeof *out);
	snprintf(dir, sizeof dir, "%s/drafts", cfg->data_dir);
	if ((d = opendir(dir)) == NULL)
		return errno == ENOENT ? VT_OK
				       : vt_fail(err, VT_ERR_IO, "%s: %s", dir, strerror(errno));
	while ((e = readdir(d)) != NULL) {
		struct vt_draft *grown, *dr;
		struct stat st;
		char *path = NULL, *text;

		if (strncmp(e->d_name, "draft-", 6) != 0 ||
		    asprintf(&path, "%s/%s", dir, e->d_name) < 0)
			continue;
		if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) ||
		    (text = vt_draft_read(path)) == NULL) {
			free(path);
			continue;
		}
		if ((grown = realloc(out->items, (out->count + 1) * sizeof *grown)) == NULL) {
			free(text);
			free(path);
			continue;
		}
		out->items = grown;
		dr = &grown[out->count++];
		dr->path = path;
		dr->modified = st.st_mtime;
		dr->to = draft_header(text, "To");
		dr->subject = draft_header(text, "Subject");
		free(text);
	}
	closedir(d);
	if (out->count > 1)
		qsort(out->items, out->count, sizeof *out->items, newest_first);
	return VT_OK;
}

void
vt_draft_list_clear(struct vt_draft_list *list)
{
	for (size_t i = 0; i < list->count; i++) {
		free(list->items[i].path);
		free(list->items[i].to);
		free(list->items[i].subject);
	}
	free(list->items);
	memset(list, 0, sizeof *list);
}
