/*
 * A thread's attachments, as mutt's `v` shows them: number, size, type,
 * name and whose message, then save (s, the path prompted with Tab
 * completion) or open (Enter) through the user's opener or mailcap.
 * Nothing from the mail reaches a shell: the opener gets a file name in
 * argv, and the file lives in a private directory under a safe name.
 */
#include "config.h"

#include <curses.h>
#include <dirent.h>
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

void
tui_attachments_clear(struct tui_attachments *a)
{
	for (size_t i = 0; i < a->count; i++) {
		free(a->items[i].path);
		free(a->items[i].from);
		free(a->items[i].filename);
		free(a->items[i].type);
	}
	free(a->items);
	a->items = NULL;
	a->count = 0;
}

struct gather {
	struct tui_attachments *a;
	bool failed;
};

static vt_status
gather_message(void *ctx, const struct mail_shown *m, struct vt_error *err)
{
	struct gather *g = ctx;
	struct mail_attachment_list list;
	struct vt_error aerr = { 0 };

	(void)err;
	if (m->path == NULL || mail_attachment_list(m->path, &list, &aerr) != VT_OK)
		return VT_OK; /* an unreadable message has none to offer */
	for (size_t i = 0; i < list.count && !g->failed; i++) {
		struct tui_attachment *grown =
			realloc(g->a->items, (g->a->count + 1) * sizeof *grown);
		struct tui_attachment *it;

		if (grown == NULL) {
			g->failed = true;
			break;
		}
		g->a->items = grown;
		it = &grown[g->a->count++];
		it->path = strdup(m->path);
		it->from = strdup(m->from ? m->from : "");
		it->date = m->date;
		it->part = list.items[i].part;
		it->size = list.items[i].size;
		it->type = list.items[i].type;
		it->filename = list.items[i].filename;
		list.items[i].type = list.items[i].filename = NULL;
		if (it->path == NULL || it->from == NULL)
			g->failed = true;
	}
	mail_attachment_list_clear(&list);
	return VT_OK;
}

void
tui_attachments_show(struct tui *t, const char *thread_id)
{
	struct gather g = { .a = &t->attachments };
	struct vt_error err = { 0 };

	tui_attachments_clear(&t->attachments);
	if (thread_id == NULL) {
		tui_say(t, true, "no thread selected");
		return;
	}
	if (mail_thread_show(*t->db, thread_id, gather_message, &g, &err) != VT_OK || g.failed) {
		tui_say(t, true, "%s", g.failed ? "out of memory" : err.msg);
		tui_attachments_clear(&t->attachments);
		return;
	}
	if (t->attachments.count == 0) {
		tui_say(t, false, "this thread has no attachments");
		return;
	}
	t->attach_cur.sel = t->attach_cur.top = 0;
	t->attach_from = t->screen;
	t->screen = SCREEN_ATTACH;
}

void
tui_attachments_command(struct tui *t, enum km_action a, const char *arg)
{
	const struct mail_thread *th;

	if (a == KM_SAVE) {
		if (t->screen == SCREEN_ATTACH)
			tui_attachments_save(t, arg);
		else
			tui_say(t, true, "save: in the attachments (v)");
		return;
	}
	if (t->screen == SCREEN_PAGER)
		tui_attachments_show(t, t->pager.thread_id);
	else if (t->screen == SCREEN_MAIN)
		tui_attachments_show(t, (th = tui_selected_thread(t)) ? th->thread_id : NULL);
}

void
tui_attachments_draw(struct tui *t)
{
	const struct tui_layout *l = &t->layout;
	struct tui_cursor *c = &t->attach_cur;

	c->height = l->main_rows - 1;
	c->count = (long)t->attachments.count;
	tui_cursor_fix(c);
	tui_put_text(
		l->main_top, 0, COLS,
		"  #       size  type                      name  (Enter opens, s saves, q back)",
		tui_colour(t, C_TITLE, A_BOLD));
	for (int row = 0; row < c->height; row++) {
		long i = c->top + row;
		const struct tui_attachment *a;
		char line[1024], size[32], date[16];
		struct tm tm;

		if (i >= c->count) {
			tui_put_text(l->main_top + 1 + row, 0, COLS, "", A_NORMAL);
			continue;
		}
		a = &t->attachments.items[i];
		mail_format_bytes(a->size, size, sizeof size);
		if (a->date > 0 && localtime_r(&a->date, &tm) != NULL)
			strftime(date, sizeof date, "%Y-%m-%d", &tm);
		else
			snprintf(date, sizeof date, "-");
		snprintf(line, sizeof line, "%3ld %10s  %-24s  %s  (%s, %s)", i + 1, size, a->type,
			 a->part == 0  ? "(the message as HTML: Enter opens it in a browser)"
			 : a->filename ? a->filename
				       : "(unnamed)",
			 a->from, date);
		tui_put_mail_text_spans(l->main_top + 1 + row, 0, COLS, line, 0, A_NORMAL,
					i == c->sel ? tui_colour(t, C_SELECTED, A_REVERSE)
						    : A_NORMAL,
					A_NORMAL);
	}
}

static const struct tui_attachment *
selected(struct tui *t)
{
	long i = t->attach_cur.sel;

	return i >= 0 && i < (long)t->attachments.count ? &t->attachments.items[i] : NULL;
}

/* Where a save starts: $XDG_DOWNLOAD_DIR, else ~/Downloads when there,
 * else the directory vtriage was started in. */
static void
default_dir(char *out, size_t len)
{
	const char *env = getenv("XDG_DOWNLOAD_DIR"), *home = getenv("HOME");
	struct stat st;

	if (env != NULL && *env == '/' && stat(env, &st) == 0 && S_ISDIR(st.st_mode)) {
		snprintf(out, len, "%s/", env);
		return;
	}
	if (home != NULL && *home == '/') {
		snprintf(out, len, "%s/Downloads", home);
		if (stat(out, &st) == 0 && S_ISDIR(st.st_mode)) {
			snprintf(out, len, "~/Downloads/");
			return;
		}
	}
	out[0] = '\0';
}

/* ~/x as $HOME/x; malloc'd. */
static char *
expand_home(const char *path)
{
	const char *home = getenv("HOME");
	char *out = NULL;

	if (path[0] == '~' && (path[1] == '/' || path[1] == '\0') && home != NULL) {
		if (asprintf(&out, "%s%s", home, path + 1) < 0)
			out = NULL;
		return out;
	}
	return strdup(path);
}

/* Tab in the save prompt: the entries of the typed path's directory that
 * start with its last part, directories with a '/'. */
size_t
tui_complete_path(struct tui *t, const char *line, char ***out)
{
	const char *slash = strrchr(line, '/');
	size_t dir_len = slash ? (size_t)(slash - line) + 1 : 0, n = 0;
	const char *base = line + dir_len;
	char *dir_typed = strndup(line, dir_len), *dir;
	DIR *d;
	struct dirent *e;

	(void)t;
	*out = NULL;
	if (dir_typed == NULL)
		return 0;
	dir = expand_home(dir_len ? dir_typed : ".");
	d = dir ? opendir(dir) : NULL;
	while (d != NULL && (e = readdir(d)) != NULL && n < 200) {
		char full[4096], *option = NULL, **grown;
		struct stat st;
		bool is_dir;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 ||
		    strncmp(e->d_name, base, strlen(base)) != 0 ||
		    (e->d_name[0] == '.' && base[0] != '.'))
			continue;
		snprintf(full, sizeof full, "%s/%s", dir, e->d_name);
		is_dir = stat(full, &st) == 0 && S_ISDIR(st.st_mode);
		if (asprintf(&option, "%s%s%s", dir_typed, e->d_name, is_dir ? "/" : "") < 0)
			break;
		grown = realloc(*out, (n + 1) * sizeof *grown);
		if (grown == NULL) {
			free(option);
			break;
		}
		*out = grown;
		grown[n++] = option;
	}
	if (d != NULL)
		closedir(d);
	free(dir);
	free(dir_typed);
	return n;
}

void
tui_attachments_save(struct tui *t, const char *arg)
{
	const struct tui_attachment *a = selected(t);
	char initial[4096], *safe, *typed, *dest;
	struct vt_error err = { 0 };
	struct stat st;
	size_t len;

	if (a == NULL)
		return;
	safe = mail_attachment_safe_name(a->filename, a->part);
	default_dir(initial, sizeof initial);
	if (safe != NULL)
		strncat(initial, safe, sizeof initial - strlen(initial) - 1);
	free(safe);
	typed = arg ? strdup(arg) : tui_prompt(t, "Save to: ", initial, tui_complete_path);
	if (typed == NULL || *typed == '\0') {
		free(typed);
		return;
	}
	/* the space Tab adds after a completed name */
	len = strlen(typed);
	while (len > 0 && typed[len - 1] == ' ')
		typed[--len] = '\0';
	dest = expand_home(typed);
	free(typed);
	if (dest == NULL)
		return;
	/* a directory: the attachment's own name in it */
	if (stat(dest, &st) == 0 && S_ISDIR(st.st_mode)) {
		char *in_dir = NULL;

		safe = mail_attachment_safe_name(a->filename, a->part);
		if (safe == NULL || asprintf(&in_dir, "%s/%s", dest, safe) < 0)
			in_dir = NULL;
		free(safe);
		free(dest);
		if ((dest = in_dir) == NULL)
			return;
	}
	if (mail_attachment_save(a->path, a->part, dest, false, &err) == VT_ERR_CONFLICT) {
		char *answer = tui_prompt(t, "The file exists. Overwrite? (type yes) ", NULL, NULL);

		memset(&err, 0, sizeof err);
		if (answer != NULL && strcmp(answer, "yes") == 0)
			mail_attachment_save(a->path, a->part, dest, true, &err);
		else
			vt_fail(&err, VT_ERR_CONFLICT, "not saved: %s exists", dest);
		free(answer);
	}
	if (err.status != VT_OK)
		tui_say(t, true, "%s", err.msg);
	else
		tui_say(t, false, "saved %s", dest);
	free(dest);
}

/* The private directory opened attachments go to (made once, 0700,
 * removed with its files when the interface ends). */
static const char *
open_dir(struct tui *t)
{
	const char *runtime = getenv("XDG_RUNTIME_DIR");
	char tmpl[4096];

	if (t->open_dir != NULL)
		return t->open_dir;
	snprintf(tmpl, sizeof tmpl, "%s/vtriage-open-XXXXXX",
		 runtime && *runtime == '/' ? runtime
		 : getenv("TMPDIR")         ? getenv("TMPDIR")
					    : "/tmp");
	if (mkdtemp(tmpl) != NULL)
		t->open_dir = strdup(tmpl);
	return t->open_dir;
}

void
tui_attachments_cleanup(struct tui *t)
{
	DIR *d;
	struct dirent *e;

	if (t->open_dir == NULL)
		return;
	if ((d = opendir(t->open_dir)) != NULL) {
		while ((e = readdir(d)) != NULL)
			if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
				unlinkat(dirfd(d), e->d_name, 0);
		closedir(d);
	}
	rmdir(t->open_dir);
	free(t->open_dir);
	t->open_dir = NULL;
}

/* ".pdf" of "bill.pdf": a dot and 1 to 8 letters or digits, else "". */
static const char *
safe_extension(const char *filename)
{
	const char *dot = filename ? strrchr(filename, '.') : NULL;
	size_t n;

	if (dot == NULL || (n = strlen(dot + 1)) == 0 || n > 8)
		return "";
	for (const char *p = dot + 1; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9')))
			return "";
	return dot;
}

/* Whether a program is on $PATH. */
bool
tui_on_path(const char *name)
{
	const char *path = getenv("PATH");
	char full[4096];

	while (path != NULL && *path != '\0') {
		size_t n = strcspn(path, ":");

		snprintf(full, sizeof full, "%.*s/%s", (int)n, path, name);
		if (access(full, X_OK) == 0)
			return true;
		path += n + (path[n] == ':');
	}
	return false;
}

/* Runs argv with the terminal handed over (a viewer may be a terminal
 * program, as mailcap's often are), and takes it back. */
int
tui_run_in_terminal(char *const argv[])
{
	pid_t pid;
	int status = -1;

	def_prog_mode();
	endwin();
	pid = fork();
	if (pid == 0) {
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		execvp(argv[0], argv);
		fprintf(stderr, "vtriage: cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	while (pid > 0 && waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	reset_prog_mode();
	clearok(curscr, TRUE);
	refresh();
	return pid < 0 ? -1 : WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

void
tui_attachments_open(struct tui *t)
{
	const struct tui_attachment *a = selected(t);
	const char *dir = open_dir(t), *opener = t->cfg ? t->cfg->ui_opener : NULL;
	char *file = NULL, *typed_file = NULL;
	struct vt_error err = { 0 };

	if (a == NULL)
		return;
	if (dir == NULL) {
		tui_say(t, true, "cannot make a private directory to open the attachment in");
		return;
	}
	/* "attachment-2.pdf": the mail's name keeps only its extension, so
	 * no mailcap entry's shell line ever sees a hostile file name */
	if (asprintf(&file, "%s/attachment-%ld%s", dir, t->attach_cur.sel + 1,
		     a->part == 0 ? ".html" : safe_extension(a->filename)) < 0)
		file = NULL;
	if (file == NULL)
		return;
	unlink(file);
	if (mail_attachment_save(a->path, a->part, file, false, &err) != VT_OK) {
		tui_say(t, true, "%s", err.msg);
		free(file);
		return;
	}
	/* [ui] opener, else mailcap by the type, else xdg-open */
	if (tui_on_path("run-mailcap") && asprintf(&typed_file, "%s:%s", a->type, file) >= 0) {
		char *mailcap[] = { "run-mailcap", "--action=view", typed_file, NULL };

		tui_open_with(t, opener, mailcap, file, "opener");
	} else {
		char *xdg[] = { "xdg-open", file, NULL };

		tui_open_with(t, opener, xdg, file, "opener");
	}
	free(typed_file);
	free(file);
}

void
tui_open_with(struct tui *t, const char *words, char *const fallback[], const char *target,
	      const char *key)
{
	char *copy = NULL, *argv[40];
	char *const *run = fallback;
	int argc = 0, rc;

	/* the configured program and its words, the target appended: always
	 * argv, never a shell line */
	if (words != NULL && *words != '\0' && (copy = strdup(words)) != NULL) {
		for (char *w = strtok(copy, " \t"); w != NULL && argc < 38; w = strtok(NULL, " \t"))
			argv[argc++] = w;
		argv[argc++] = (char *)target;
		argv[argc] = NULL;
		run = argv;
	}
	rc = tui_run_in_terminal(run);
	if (rc != 0)
		tui_say(t, true, "%s ended with status %d (set [ui] %s)", run[0], rc, key);
	else
		tui_say(t, false, "opened %s", target);
	free(copy);
}
