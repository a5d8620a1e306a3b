/*
 * Sending: the message goes to the user's sendmail-compatible command
 * ([send] command, default "sendmail -t": msmtp -t, sendmail, ssmtp all
 * read the recipients from the headers) on its standard input, run
 * without a shell; what it says on failure is the error. Then a copy is
 * kept in the Maildir's sent folder and indexed, so that the thread
 * shows the answer (and waits on the vendor).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "private.h"

static vt_status
run_command(const char *command, const struct mail_outgoing *o, struct vt_error *err)
{
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
	while (written < o->len) {
		ssize_t n = write(in[1], o->text + written, o->len - written);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		written += (size_t)n;
	}
	close(in[1]);
	for (;;) {
		ssize_t n = read(errp[0], said + said_len, sizeof said - 1 - said_len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		said_len += (size_t)n;
		if (said_len == sizeof said - 1)
			break;
	}
	said[said_len] = '\0';
	close(errp[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
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
save_sent(const struct vt_config *cfg, const struct mail_outgoing *o, struct vt_error *err)
{
	char dir[4096], tmp[4300], cur[4300], host[128] = "localhost";
	struct timespec now;
	FILE *f;
	vt_status rc;

	if (snprintf(dir, sizeof dir, "%s/%s", cfg->maildir,
		     cfg->send_sent_folder ? cfg->send_sent_folder : "Sent") >= (int)sizeof dir)
		return vt_fail(err, VT_ERR_CONFIG, "[send] sent_folder: path too long");
	for (const char *sub = "cur"; sub != NULL;
	     sub = strcmp(sub, "cur") == 0 ? "new" : strcmp(sub, "new") == 0 ? "tmp" : NULL) {
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
	snprintf(cur, sizeof cur, "%s/cur/%lld.M%ldP%d.%s:2,S", dir, (long long)now.tv_sec,
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
	return VT_OK;
}

vt_status
vt_send(const struct vt_config *cfg, struct vt_store *store, struct mail_db *db,
	const struct mail_outgoing *o, struct vt_error *err)
{
	static volatile sig_atomic_t never;
	struct vt_index_report report;
	struct vt_index_ui ui = { 0 };
	vt_status rc;

	if ((rc = run_command(cfg->send_command ? cfg->send_command : "sendmail -t", o, err)) !=
	    VT_OK)
		return rc;
	/* sent: from here a failure loses no mail, it only leaves no copy */
	if ((rc = save_sent(cfg, o, err)) != VT_OK)
		return vt_fail(err, rc, "sent, but no copy kept: %s", err ? err->msg : "");
	if (db != NULL && store != NULL &&
	    (rc = vt_index(store, db, cfg, false, &never, &ui, &report, err)) != VT_OK)
		return vt_fail(err, rc, "sent and kept, but not indexed: %s", err ? err->msg : "");
	return VT_OK;
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
	close(fd);
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
	char *text = vt_draft_read(draft_path), *blank, *fresh = NULL;
	struct stat st;
	FILE *f;

	if (text == NULL)
		return vt_fail(err, VT_ERR_IO, "%s: %s", draft_path, strerror(errno));
	if (stat(file, &st) != 0 || !S_ISREG(st.st_mode) || strpbrk(file, "\r\n") != NULL) {
		free(text);
		return vt_fail(err, VT_ERR_USAGE, "%s: not a file to attach", file);
	}
	/* a header line of the draft, before the blank line ending them */
	blank = strstr(text, "\n\n");
	if (asprintf(&fresh, "%.*sAttach: %s\n%s", blank ? (int)(blank - text + 1) : (int)strlen(text),
		     text, file, blank ? blank + 1 : "\n") < 0)
		fresh = NULL;
	free(text);
	if (fresh == NULL)
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	if ((f = fopen(draft_path, "w")) == NULL || fputs(fresh, f) < 0 || fclose(f) != 0) {
		free(fresh);
		return vt_fail(err, VT_ERR_IO, "%s: %s", draft_path, strerror(errno));
	}
	free(fresh);
	return VT_OK;
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
