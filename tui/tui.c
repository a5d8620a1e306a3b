/*
 * The interface loop: screens, drawing, prompts, and the actions behind
 * the keys. State lives in model.c; what it means lives in store/ and
 * mail/. Drawing repaints the whole frame into curses' buffer and lets
 * curses send only the cells that changed (what matters over SSH).
 */
#include "config.h"

#include <curses.h>
#include <errno.h>
#include <locale.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

#include "../keymaps/keymap.h"
#include "background.h"
#include "model.h"
#include "tui.h"

enum tui_screen { SCREEN_MAIN, SCREEN_PAGER, SCREEN_HELP };
enum focus { FOCUS_FOLDERS, FOCUS_THREADS, FOCUS_HISTORY, FOCUS_CONTACTS, FOCUS_ISSUES };

enum colour { C_BAR = 1, C_SELECTED, C_DIM, C_HEADER, C_ERROR, C_MARK, C_TITLE };

/* What runs in the background: `vtriage sync`, `vtriage sync --watch`
 * (IDLE), or `vtriage index` when no account is configured. */
enum sync_job { SYNC_NONE, SYNC_ONCE, SYNC_WATCH, SYNC_INDEX };

struct tui_sync {
	struct tui_bg bg;
	enum sync_job job;
	bool indexing;      /* the child writes the index: our writes wait */
	bool reload;        /* new mail: reopen the index when it is safe */
	bool summary_seen;  /* this run reported a finished round */
	bool quit_asked;    /* q once while it runs: warned */
	bool waiting;       /* SYNC_WATCH between rounds (IDLE): ,y syncs at once */
	char status[320];   /* on the status bar: "sync: INBOX 120/400" */
	char summary[TUI_BG_LINE_MAX + 1];  /* what its last round did */
	char error[TUI_BG_LINE_MAX + 512];  /* its last complaint */
};

struct tui {
	const struct vt_config *cfg;
	struct vt_store *store;
	struct mail_db **db;
	const struct mail_db_location *loc;
	volatile sig_atomic_t *interrupted;
	struct keymap km;

	struct tui_folders folders;
	struct tui_cursor fcur;
	struct tui_threads threads;
	struct tui_cursor tcur;
	struct tui_panes panes;
	struct tui_cursor pane_cur[3];
	struct tui_pager pager;
	struct tui_cursor help_cur;
	char **help_lines;
	size_t n_help;

	enum tui_screen screen, help_from;
	enum focus focus;
	bool panes_wanted;
	bool colours;
	bool need_count;
	bool need_marks; /* the marks (waiting, issues) come after the first paint */
	bool panes_pending; /* the panes shown are not the selection's */
	bool quit;
	char *search;     /* the last / query, for n and N */
	char *folder_query; /* the query of the thread list (folder or search) */
	char *folder_label;
	char message[512];
	bool message_is_error;
	int pending[KM_SEQ_MAX], n_pending;
	struct tui_layout layout;
	int cols;          /* width the panes default was chosen for */
	const char *vline; /* the column separator this terminal can show */
	struct tui_sync sync;
};

/* ---- text ---- */

/* Draws utf8 (already safe for the terminal) at y,x in at most width
 * columns, padding with spaces; wide characters never straddle the edge. */
static void
put_text(int y, int x, int width, const char *utf8, attr_t attr)
{
	mbstate_t ps = { 0 };
	const char *p = utf8 ? utf8 : "";
	size_t left = strlen(p);
	int used = 0;

	if (width <= 0)
		return;
	attron(attr);
	move(y, x);
	while (left > 0 && used < width) {
		wchar_t wc;
		size_t n = mbrtowc(&wc, p, left, &ps);
		int w;

		if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
			memset(&ps, 0, sizeof ps);
			wc = L'?';
			n = 1;
		}
		w = wcwidth(wc);
		if (w < 0) {
			wc = L'?';
			w = 1;
		}
		if (used + w > width)
			break;
		addnwstr(&wc, 1);
		used += w;
		p += n;
		left -= n;
	}
	for (; used < width; used++)
		addch(' ');
	attroff(attr);
}

/* put_text of mail text that has not been sanitised yet. */
static void
put_mail_text(int y, int x, int width, const char *untrusted, attr_t attr)
{
	char *clean = mail_sanitize_str(untrusted);

	put_text(y, x, width, clean ? clean : "?", attr);
	free(clean);
}

static attr_t
colour(struct tui *t, enum colour c, attr_t mono)
{
	return t->colours ? COLOR_PAIR(c) : mono;
}

static void say(struct tui *t, bool error, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void
say(struct tui *t, bool error, const char *fmt, ...)
{
	va_list ap;
	char raw[sizeof t->message], *clean;

	va_start(ap, fmt);
	vsnprintf(raw, sizeof raw, fmt, ap);
	va_end(ap);
	/* Messages quote vendor names and mail text: sanitise them too. */
	clean = mail_sanitize_str(raw);
	snprintf(t->message, sizeof t->message, "%s", clean ? clean : "");
	free(clean);
	t->message_is_error = error;
}

/* ---- drawing ---- */

static const struct mail_thread *
selected_thread(struct tui *t)
{
	struct vt_error err = { 0 };

	return tui_threads_get(&t->threads, *t->db, t->tcur.sel, &err);
}

static char *
vendor_slug_of(struct tui *t, const struct mail_thread *th)
{
	return th && th->vendor_org ? vt_vendor_slug_for_org(t->store, th->vendor_org) : NULL;
}

static void
draw_folders(struct tui *t)
{
	const struct tui_layout *l = &t->layout;
	bool focused = t->focus == FOCUS_FOLDERS && t->screen == SCREEN_MAIN;

	t->fcur.height = l->main_rows;
	t->fcur.count = (long)t->folders.count;
	tui_cursor_fix(&t->fcur);
	for (int row = 0; row < l->main_rows; row++) {
		long i = t->fcur.top + row;
		attr_t attr = A_NORMAL;
		char label[256];

		if (i >= (long)t->folders.count) {
			put_text(l->main_top + row, 0, l->folders_w, "", A_NORMAL);
			continue;
		}
		if (i == t->fcur.sel)
			attr = focused ? colour(t, C_SELECTED, A_REVERSE) : A_BOLD;
		snprintf(label, sizeof label, "%s%s",
			 t->folders.items[i].kind == TUI_FOLDER_VENDOR ? "  " : "",
			 t->folders.items[i].label);
		put_mail_text(l->main_top + row, 0, l->folders_w, label, attr);
	}
	for (int row = 0; row < l->main_rows; row++)
		put_text(l->main_top + row, l->folders_w, 1, t->vline, A_NORMAL);
}

/* s cut or padded to exactly width columns (UTF-8, wide characters
 * counted as two), into out. */
static void
fit_columns(char *out, size_t outlen, const char *s, int width)
{
	mbstate_t ps = { 0 };
	size_t used = 0, left = strlen(s);
	int cols = 0;

	while (left > 0 && cols < width) {
		wchar_t wc;
		size_t n = mbrtowc(&wc, s, left, &ps);
		int w;

		if (n == (size_t)-1 || n == (size_t)-2 || n == 0)
			break;
		w = wcwidth(wc);
		if (w < 0)
			w = 1;
		if (cols + w > width || used + n + 1 >= outlen)
			break;
		memcpy(out + used, s, n);
		used += n;
		cols += w;
		s += n;
		left -= n;
	}
	for (; cols < width && used + 1 < outlen; cols++)
		out[used++] = ' ';
	out[used] = '\0';
}

static void
thread_row(struct tui *t, const struct mail_thread *th, char *buf, size_t len)
{
	char date[16], *slug = vendor_slug_of(t, th);
	struct tm tm;
	bool unread = false;
	char marks[5] = "    ";

	if (localtime_r(&th->newest, &tm) == NULL || strftime(date, sizeof date, "%Y-%m-%d", &tm) == 0)
		snprintf(date, sizeof date, "?");
	for (size_t i = 0; i < th->n_tags; i++)
		if (strcmp(th->tags[i], "unread") == 0)
			unread = true;
	marks[0] = unread ? 'N' : ' ';
	if (vt_thread_set_has(&t->threads.marks.waiting_vendor, th->thread_id))
		marks[1] = 'W';
	else if (vt_thread_set_has(&t->threads.marks.waiting_me, th->thread_id))
		marks[1] = 'R';
	if (vt_thread_set_has(&t->threads.marks.open_issue, th->thread_id))
		marks[2] = '!';
	if (vt_thread_set_has(&t->threads.marks.suspicious, th->thread_id))
		marks[3] = 'S';
	char vendor[64], authors[128];
	char *clean_authors = mail_sanitize_str(th->authors);

	/* columns by display width: "Müller" is six columns, seven bytes;
	 * the vendor gave the suspicious mark its column, so the subject
	 * starts where it did before (it matters most at 80 columns) */
	fit_columns(vendor, sizeof vendor, slug ? slug : "-", 13);
	fit_columns(authors, sizeof authors, clean_authors ? clean_authors : "", 20);
	snprintf(buf, len, "%s %s %s %s %s (%d)", date, marks, vendor, authors, th->subject,
		 th->total);
	free(clean_authors);
	free(slug);
}

static void
draw_threads(struct tui *t)
{
	const struct tui_layout *l = &t->layout;
	bool focused = t->focus == FOCUS_THREADS;
	struct vt_error err = { 0 };

	t->tcur.height = l->main_rows;
	t->tcur.count = t->threads.total;
	/* The first paint loads one screen; later loads two screens' worth
	 * around the selection, so j and k rarely wait. */
	t->threads.window = t->threads.cached == 0 && t->tcur.top == 0 ? l->main_rows + 1
									: 2 * l->main_rows + 20;
	tui_cursor_fix(&t->tcur);
	for (int row = 0; row < l->main_rows; row++) {
		long i = t->tcur.top + row;
		const struct mail_thread *th = tui_threads_get(&t->threads, *t->db, i, &err);
		char line[1024];
		attr_t attr = A_NORMAL;

		if (th == NULL) {
			put_mail_text(l->main_top + row, l->threads_x, l->threads_w,
				 row == 0 && i == 0 ? (err.msg[0] ? err.msg : "  (no mail here)") : "",
				 row == 0 && err.msg[0] ? colour(t, C_ERROR, A_BOLD) : A_NORMAL);
			continue;
		}
		thread_row(t, th, line, sizeof line);
		for (size_t k = 0; k < th->n_tags; k++)
			if (strcmp(th->tags[k], "unread") == 0)
				attr = A_BOLD;
		if (i == t->tcur.sel)
			attr = focused ? colour(t, C_SELECTED, A_REVERSE) : A_REVERSE;
		put_mail_text(l->main_top + row, l->threads_x, l->threads_w, line, attr);
	}
	/* The count of a big folder comes after the first paint. */
	if (t->threads.total < 0 && t->threads.at_end)
		t->threads.total = t->threads.offset + (long)t->threads.cached;
}

/* One of the three stacked panes; returns the rows used. */
static void
draw_pane(struct tui *t, int which, int y, int rows, const char *title)
{
	const struct tui_layout *l = &t->layout;
	struct tui_cursor *c = &t->pane_cur[which];
	bool focused = t->focus == (enum focus)(FOCUS_HISTORY + which);
	long count = which == 0   ? (long)t->panes.history.count
		     : which == 1 ? (long)t->panes.contacts.count
				  : (long)t->panes.issues.count;
	char head[128];

	snprintf(head, sizeof head, " %s (%ld)", title, count);
	put_text(y, l->panes_x, l->panes_w, head,
		 focused ? colour(t, C_SELECTED, A_REVERSE) : colour(t, C_TITLE, A_BOLD | A_UNDERLINE));
	c->height = rows - 1;
	c->count = count;
	tui_cursor_fix(c);
	for (int row = 0; row < rows - 1; row++) {
		long i = c->top + row;
		char line[1024], date[16];
		attr_t attr = A_NORMAL;
		struct tm tm;

		line[0] = '\0';
		if (i < count && which == 0) {
			const struct vt_event *e = &t->panes.history.items[i];

			if (localtime_r(&e->date, &tm) == NULL ||
			    strftime(date, sizeof date, "%Y-%m-%d", &tm) == 0)
				snprintf(date, sizeof date, "?");
			if (strcmp(e->kind, "message") == 0)
				snprintf(line, sizeof line, "%s %s %s", date,
					 e->direction == MAIL_DIR_OUT ? ">" : "<", e->summary);
			else
				snprintf(line, sizeof line, "%s [%s] %s", date, e->kind, e->summary);
		} else if (i < count && which == 1) {
			const struct vt_contact *ct = &t->panes.contacts.items[i];

			snprintf(line, sizeof line, "%s%s%s%s%s", ct->name, ct->role ? " [" : "",
				 ct->role ? ct->role : "", ct->role ? "]" : "",
				 ct->n_vendors > 1 ? " (moved)" : "");
		} else if (i < count) {
			const struct vt_issue *is = &t->panes.issues.items[i];
			long days = (long)((time(NULL) - is->opened) / 86400);

			snprintf(line, sizeof line, "#%lld %ldd %s", (long long)is->id, days,
				 is->title);
		} else if (i == 0 && count == 0) {
			snprintf(line, sizeof line, "  -");
		}
		if (focused && i == c->sel && i < count)
			attr = A_REVERSE;
		put_mail_text(y + 1 + row, l->panes_x, l->panes_w, line, attr);
	}
}

static void
draw_panes(struct tui *t)
{
	const struct tui_layout *l = &t->layout;
	int rows = l->main_rows, a = rows / 3, b = rows / 3, c = rows - a - b;
	char title[256];

	if (l->panes_w == 0)
		return;
	if (!l->panes_overlay)
		for (int row = 0; row < rows; row++)
			put_text(l->main_top + row, l->panes_x - 1, 1, t->vline, A_NORMAL);
	if (t->panes.slug == NULL || t->panes_pending) {
		for (int row = 0; row < rows; row++)
			put_text(l->main_top + row, l->panes_x, l->panes_w,
				 row > 0		? ""
				 : t->panes_pending ? " ..."
						    : " No vendor: not vendor mail",
				 A_NORMAL);
		return;
	}
	snprintf(title, sizeof title, "History: %s [%s]", t->panes.vendor.name,
		 vt_bucket_name(t->panes.vendor.bucket));
	draw_pane(t, 0, l->main_top, a, title);
	draw_pane(t, 1, l->main_top + a, b, "Contacts");
	draw_pane(t, 2, l->main_top + a + b, c, "Open issues");
}

static void
draw_pager(struct tui *t)
{
	const struct tui_layout *l = &t->layout;
	struct tui_cursor *c = &t->pager.cursor;
	int rows = l->main_rows;

	c->height = rows;
	c->count = (long)t->pager.count;
	for (int row = 0; row < rows; row++) {
		long i = c->top + row;
		const struct tui_line *line = i < (long)t->pager.count ? &t->pager.lines[i] : NULL;
		attr_t attr = A_NORMAL;
		int indent;

		if (line == NULL) {
			put_text(l->main_top + row, 0, COLS, "", A_NORMAL);
			continue;
		}
		switch (line->kind) {
		case TUI_LINE_HEADER: attr = colour(t, C_HEADER, A_BOLD); break;
		case TUI_LINE_SUBJECT: attr = colour(t, C_HEADER, A_BOLD) | A_BOLD; break;
		case TUI_LINE_QUOTED:
		case TUI_LINE_SIGNATURE: attr = colour(t, C_DIM, A_DIM); break;
		case TUI_LINE_ATTACHMENT: attr = colour(t, C_MARK, A_UNDERLINE); break;
		case TUI_LINE_NOTE: attr = colour(t, C_ERROR, A_BOLD); break;
		case TUI_LINE_WARNING: attr = colour(t, C_ERROR, A_BOLD) | A_REVERSE; break;
		default: break;
		}
		indent = line->indent * 2 < COLS / 3 ? line->indent * 2 : COLS / 3;
		put_text(l->main_top + row, 0, indent, "", A_NORMAL);
		put_text(l->main_top + row, indent, COLS - indent,
			 line->kind == TUI_LINE_SEPARATOR ? "----" : line->text, attr);
	}
}

static void
build_help(struct tui *t)
{
	enum km_context ctx = t->help_from == SCREEN_PAGER ? KM_PAGER : KM_MAIN;

	for (size_t i = 0; i < t->n_help; i++)
		free(t->help_lines[i]);
	free(t->help_lines);
	t->help_lines = NULL;
	t->n_help = 0;
	t->help_lines = calloc(KM_ACTIONS + 8, sizeof *t->help_lines);
	if (t->help_lines == NULL)
		return;
	asprintf(&t->help_lines[t->n_help++], "Keys of the %s screen (from the keymap;"
					      " rebind in [keys] of the config)",
		 km_context_name(ctx));
	asprintf(&t->help_lines[t->n_help++], "%s", "");
	for (int a = 1; a < KM_ACTIONS; a++) {
		char keys[128];

		km_describe(&t->km, ctx, (enum km_action)a, keys, sizeof keys);
		if (keys[0] == '\0')
			continue;
		asprintf(&t->help_lines[t->n_help++], "  %-18s %-16s %s", keys,
			 km_action_name((enum km_action)a), km_action_help((enum km_action)a));
	}
	asprintf(&t->help_lines[t->n_help++], "%s", "");
	asprintf(&t->help_lines[t->n_help++], "%s",
		 "Marks: N unread, W waiting on the vendor, R waiting on you, ! open issue,");
	asprintf(&t->help_lines[t->n_help++], "%s",
		 "       S suspicious: a look-alike sender domain, failed DKIM/SPF/DMARC, a name or");
	asprintf(&t->help_lines[t->n_help++], "%s",
		 "       address that is not the sender's, or new bank details (the thread's first");
	asprintf(&t->help_lines[t->n_help++], "%s",
		 "       lines say why; the Suspicious folder lists them all; `vtriage check`).");
	asprintf(&t->help_lines[t->n_help++], "%s",
		 "Commands (:): promote demote undo issue-open issue-close role search sync [ACCOUNT] quit");
	asprintf(&t->help_lines[t->n_help++], "%s",
		 "Sync runs in the background: progress on the status bar, the list reloads"
		 " when mail arrives.");
	t->help_cur.count = (long)t->n_help;
	t->help_cur.sel = t->help_cur.top = 0;
}

static void
draw_help(struct tui *t)
{
	const struct tui_layout *l = &t->layout;

	t->help_cur.height = l->main_rows;
	for (int row = 0; row < l->main_rows; row++) {
		long i = t->help_cur.top + row;

		put_text(l->main_top + row, 0, COLS,
			 i < (long)t->n_help && t->help_lines[i] ? t->help_lines[i] : "", A_NORMAL);
	}
}

static void
draw(struct tui *t)
{
	char bar[512], count[64];

	tui_layout_compute(COLS, LINES, t->panes_wanted, &t->layout);
	erase();
	snprintf(bar, sizeof bar, " vtriage  %s%s%s", t->folder_label ? t->folder_label : "",
		 t->screen == SCREEN_PAGER ? "  > thread" : t->screen == SCREEN_HELP ? "  > help" : "",
		 "      ?:help  q:back  ,t:promote  ,u:undo");
	put_mail_text(0, 0, COLS, bar, colour(t, C_BAR, A_REVERSE));
	if (t->screen == SCREEN_MAIN) {
		if (t->layout.folders_w > 0)
			draw_folders(t);
		draw_threads(t);
		if (t->layout.panes_w > 0) {
			char *slug = vendor_slug_of(t, selected_thread(t));

			/* Moving through threads of many vendors must not wait
			 * for each one's panes: they load when the keys pause. */
			t->panes_pending = !((slug == NULL && t->panes.slug == NULL) ||
					     (slug && t->panes.slug && strcmp(slug, t->panes.slug) == 0));
			free(slug);
			draw_panes(t);
		}
	} else if (t->screen == SCREEN_PAGER) {
		draw_pager(t);
	} else {
		draw_help(t);
	}
	if (t->screen == SCREEN_PAGER)
		snprintf(count, sizeof count, "line %ld/%zu", t->pager.cursor.top + 1, t->pager.count);
	else if (t->threads.total >= 0)
		snprintf(count, sizeof count, "%ld/%ld", t->threads.total ? t->tcur.sel + 1 : 0,
			 t->threads.total);
	else
		snprintf(count, sizeof count, "%ld/?", t->tcur.sel + 1);
	snprintf(bar, sizeof bar, " %s  [%s]  %s%s%s", count, t->folder_query ? t->folder_query : "",
		 t->n_pending ? "keys: " : "", t->n_pending ? ",  " : "", t->sync.status);
	put_mail_text(LINES - 2, 0, COLS, bar, colour(t, C_BAR, A_REVERSE));
	put_text(LINES - 1, 0, COLS, t->message,
		 t->message_is_error ? colour(t, C_ERROR, A_BOLD) : A_NORMAL);
	refresh();
}

/* ---- prompts ---- */

static void poll_sync(struct tui *t, bool reload_ok);

typedef size_t (*complete_fn)(struct tui *t, const char *line, char ***out);

/* Reads a line on the message row; NULL when cancelled (Esc, C-g). */
static char *
prompt(struct tui *t, const char *label, const char *initial, complete_fn complete)
{
	wchar_t buf[512];
	size_t len = 0;
	char *out = NULL;

	if (initial != NULL)
		len = mbstowcs(buf, initial, sizeof buf / sizeof buf[0] - 1);
	if (len == (size_t)-1)
		len = 0;
	buf[len] = L'\0';
	curs_set(1);
	for (;;) {
		wint_t ch;
		int kind;
		char shown[2048], mb[2048];

		wcstombs(mb, buf, sizeof mb);
		snprintf(shown, sizeof shown, "%s%s", label, mb);
		put_text(LINES - 1, 0, COLS, shown, A_NORMAL);
		move(LINES - 1, (int)strlen(label) + wcswidth(buf, len) < COLS
				   ? (int)strlen(label) + wcswidth(buf, len)
				   : COLS - 1);
		refresh();
		kind = get_wch(&ch);
		if (t->interrupted && *t->interrupted)
			break;
		if (kind == ERR) {
			/* keep the child's pipe flowing; reload after the prompt */
			poll_sync(t, false);
			continue;
		}
		if (kind == KEY_CODE_YES && ch == KEY_RESIZE) {
			draw(t);
			continue;
		}
		if (ch == 27 || ch == 7) /* Esc, C-g */
			break;
		if (ch == '\n' || ch == '\r' || (kind == KEY_CODE_YES && ch == KEY_ENTER)) {
			wcstombs(mb, buf, sizeof mb);
			out = strdup(mb);
			break;
		}
		if ((kind == KEY_CODE_YES && ch == KEY_BACKSPACE) || ch == 127 || ch == 8) {
			if (len > 0)
				buf[--len] = L'\0';
			continue;
		}
		if (ch == 21) { /* C-u */
			len = 0;
			buf[0] = L'\0';
			continue;
		}
		if (ch == '\t' && complete != NULL) {
			char **options = NULL;
			size_t n;

			wcstombs(mb, buf, sizeof mb);
			n = complete(t, mb, &options);
			if (n == 1) {
				len = mbstowcs(buf, options[0], sizeof buf / sizeof buf[0] - 1);
				if (len == (size_t)-1)
					len = 0;
				buf[len] = L'\0';
			} else if (n > 1) {
				char list[512] = "";

				for (size_t i = 0; i < n && strlen(list) < 400; i++) {
					strncat(list, options[i], sizeof list - strlen(list) - 2);
					strcat(list, " ");
				}
				say(t, false, "%s", list);
				put_text(LINES - 2, 0, COLS, t->message, A_REVERSE);
			}
			for (size_t i = 0; i < n; i++)
				free(options[i]);
			free(options);
			continue;
		}
		if (kind == OK && ch >= 0x20 && len + 1 < sizeof buf / sizeof buf[0]) {
			buf[len++] = (wchar_t)ch;
			buf[len] = L'\0';
		}
	}
	curs_set(0);
	return out;
}

static const char *const commands[] = {
	"promote", "demote", "undo", "issue-open", "issue-close", "role", "search", "sync",
	"archive", "toggle-read", "help", "quit", NULL,
};

static void
push_option(char ***out, size_t *n, const char *s)
{
	char **grown = realloc(*out, (*n + 1) * sizeof *grown);

	if (grown == NULL)
		return;
	*out = grown;
	if ((grown[*n] = strdup(s)) != NULL)
		(*n)++;
}

static size_t
complete_command(struct tui *t, const char *line, char ***out)
{
	const char *space = strchr(line, ' ');
	size_t n = 0;

	*out = NULL;
	if (space == NULL) {
		for (size_t i = 0; commands[i]; i++)
			if (strncmp(commands[i], line, strlen(line)) == 0)
				push_option(out, &n, commands[i]);
		return n;
	}
	/* vendor slugs after promote and demote */
	if ((size_t)(space - line) == 7 && (strncmp(line, "promote", 7) == 0 ||
					    strncmp(line, "demote ", 7) == 0)) {
		struct vt_vendor_list list;
		struct vt_error err = { 0 };
		const char *word = space + 1;

		if (vt_vendor_list(t->store, NULL, &list, &err) != VT_OK)
			return 0;
		for (size_t i = 0; i < list.count; i++)
			if (strncmp(list.items[i].slug, word, strlen(word)) == 0) {
				char *full = NULL;

				if (asprintf(&full, "%.*s %s", (int)(space - line), line,
					     list.items[i].slug) >= 0) {
					push_option(out, &n, full);
					free(full);
				}
			}
		vt_vendor_list_clear(&list);
	} else if (strncmp(line, "role ", 5) == 0) {
		const char *const *roles = vt_role_names();

		for (size_t i = 0; roles[i] != NULL; i++)
			if (strncmp(roles[i], space + 1, strlen(space + 1)) == 0) {
				char *full = NULL;

				if (asprintf(&full, "role %s", roles[i]) >= 0) {
					push_option(out, &n, full);
					free(full);
				}
			}
	}
	return n;
}

static size_t
complete_role(struct tui *t, const char *line, char ***out)
{
	char *with = NULL;
	size_t n;

	if (asprintf(&with, "role %s", line) < 0)
		return 0;
	n = complete_command(t, with, out);
	free(with);
	for (size_t i = 0; i < n; i++)
		memmove((*out)[i], (*out)[i] + 5, strlen((*out)[i] + 5) + 1);
	return n;
}

/* ---- refreshing after a change ---- */

static void
open_query(struct tui *t, const char *query, const char *label)
{
	struct vt_error err = { 0 };
	char *q = strdup(query), *lb = strdup(label);

	if (q == NULL || lb == NULL || tui_threads_open(&t->threads, t->store, query, &err) != VT_OK) {
		say(t, true, "%s", err.msg[0] ? err.msg : "out of memory");
		free(q);
		free(lb);
		return;
	}
	free(t->folder_query);
	free(t->folder_label);
	t->folder_query = q;
	t->folder_label = lb;
	t->tcur.sel = t->tcur.top = 0;
	t->need_count = true;
	t->need_marks = true;
}

static void
refresh_folders(struct tui *t)
{
	struct tui_folders fresh;
	struct vt_error err = { 0 };
	char *query = t->fcur.sel < (long)t->folders.count
			      ? strdup(t->folders.items[t->fcur.sel].query)
			      : NULL;

	if (tui_folders_build(t->store, t->cfg, &fresh, &err) != VT_OK) {
		say(t, true, "%s", err.msg);
		free(query);
		return;
	}
	tui_folders_clear(&t->folders);
	t->folders = fresh;
	if (query != NULL) {
		long i = tui_folders_find(&t->folders, NULL, query);

		if (i >= 0)
			t->fcur.sel = i;
	}
	free(query);
	tui_cursor_fix(&t->fcur);
}

/* After a triage action: buckets, marks and panes may all have moved. */
static void
refresh_after_change(struct tui *t)
{
	struct vt_error err = { 0 };
	long sel = t->tcur.sel;
	char *query = t->folder_query ? strdup(t->folder_query) : NULL;
	char *label = t->folder_label ? strdup(t->folder_label) : NULL;

	refresh_folders(t);
	if (query != NULL && label != NULL) {
		open_query(t, query, label);
		t->tcur.sel = sel;
	}
	free(query);
	free(label);
	tui_panes_load(&t->panes, t->store, t->panes.slug, true, &err);
}

/* notmuch shows a read-only handle the state of its last open. */
static vt_status
reopen_index(struct tui *t, struct vt_error *err)
{
	mail_db_close(t->db);
	return mail_db_open(t->loc, MAIL_DB_READ_ONLY, t->db, err);
}

/* ---- background sync ---- */


/* Starts `vtriage [--config FILE] ARGS...` (this very binary) beside us. */
static vt_status
spawn_self(struct tui *t, const char *const *args, size_t n, struct vt_error *err)
{
	char *argv[16];
	size_t k = 0;

	argv[k++] = "/proc/self/exe";
	if (t->cfg->path != NULL) {
		argv[k++] = "--config";
		argv[k++] = t->cfg->path;
	}
	for (size_t i = 0; i < n && k + 1 < sizeof argv / sizeof argv[0]; i++)
		argv[k++] = (char *)args[i];
	argv[k] = NULL;
	return tui_bg_start(&t->sync.bg, argv, err);
}

static void
on_sync_line(void *ctx, const char *line)
{
	struct tui *t = ctx;
	struct tui_sync *sy = &t->sync;
	struct tui_sync_event ev;

	tui_sync_parse(line, &ev);
	switch (ev.kind) {
	case TUI_SYNC_PROGRESS:
		sy->waiting = false;
		snprintf(sy->status, sizeof sy->status, "sync: %s %u/%u", ev.folder, ev.fetched,
			 ev.to_fetch);
		break;
	case TUI_SYNC_FOLDER_FAILED:
		snprintf(sy->error, sizeof sy->error, "%s/%s: %s", ev.account, ev.folder,
			 ev.text);
		break;
	case TUI_SYNC_INDEXING:
		sy->waiting = false;
		sy->indexing = true;
		snprintf(sy->status, sizeof sy->status, "sync: indexing");
		break;
	case TUI_SYNC_SUMMARY:
		sy->indexing = false;
		sy->reload = true;
		sy->summary_seen = true;
		sy->waiting = true; /* a SIGUSR1 now is taken before the next IDLE */
		snprintf(sy->summary, sizeof sy->summary, "%s", ev.text);
		snprintf(sy->status, sizeof sy->status, "%s",
			 sy->job == SYNC_WATCH ? "sync: watching" : "sync: finishing");
		if (sy->job == SYNC_WATCH)
			say(t, false, "%s", ev.text);
		break;
	case TUI_SYNC_IDLE:
		sy->waiting = true;
		snprintf(sy->status, sizeof sy->status, "sync: watching %s", ev.account);
		break;
	case TUI_SYNC_OTHER:
		/* "vtriage: sync work: ..." on the child's stderr, or what
		 * `vtriage index` prints: its summary */
		if (strncmp(ev.text, "vtriage: sync ", 14) == 0)
			snprintf(sy->error, sizeof sy->error, "%s", ev.text + 14);
		else if (strncmp(ev.text, "vtriage: ", 9) == 0)
			snprintf(sy->error, sizeof sy->error, "%s", ev.text + 9);
		else if (ev.text[0] != '\0')
			snprintf(sy->summary, sizeof sy->summary, "%s", ev.text);
		break;
	}
}

/*
 * Reads the child's lines; when it has ended, says how it went. Reloads
 * only when reload_ok: a prompt open over the list keeps pointers into it.
 */
static void
poll_sync(struct tui *t, bool reload_ok)
{
	struct tui_sync *sy = &t->sync;
	int code;

	if (tui_bg_running(&sy->bg) && tui_bg_poll(&sy->bg, on_sync_line, t, &code)) {
		enum sync_job job = sy->job;

		sy->job = SYNC_NONE;
		sy->indexing = false;
		sy->waiting = false;
		sy->quit_asked = false;
		sy->status[0] = '\0';
		sy->reload = true; /* whatever arrived before a failure */
		if (code == 0)
			say(t, false, "%s%s", job == SYNC_INDEX ? "indexed: " : "",
			    sy->summary[0] ? sy->summary : "done");
		else
			say(t, true, "%s: %s",
			    job == SYNC_INDEX ? "index failed"
			    : job == SYNC_WATCH ? "watching for new mail stopped"
						: "sync failed",
			    sy->error[0] ? sy->error : sy->summary[0] ? sy->summary : "no reason given");
	}
	if (sy->reload && reload_ok) {
		struct vt_error err = { 0 };
		char keep[sizeof t->message];
		bool keep_error = t->message_is_error;

		sy->reload = false;
		/* the refresh may say things; the sync's word stays */
		snprintf(keep, sizeof keep, "%s", t->message);
		if (reopen_index(t, &err) != VT_OK)
			say(t, true, "%s", err.msg);
		else {
			refresh_after_change(t);
			snprintf(t->message, sizeof t->message, "%s", keep);
			t->message_is_error = keep_error;
		}
	}
}

/* Before opening the index for writing: a sync child indexing (or any
 * other writer) would make us wait, frozen, until it is done. */
static bool
index_busy(struct tui *t)
{
	poll_sync(t, false);
	if (t->sync.indexing || mail_db_writer_busy(*t->db)) {
		say(t, true, "database busy (%s), try again",
		    tui_bg_running(&t->sync.bg) ? "sync running" : "another program is indexing");
		return true;
	}
	return false;
}

static void
start_sync(struct tui *t, enum sync_job job, const char *account)
{
	struct tui_sync *sy = &t->sync;
	struct vt_error err = { 0 };
	const char *args[4];
	size_t n = 0;

	/* The watch covers it: SIGUSR1 makes `sync --watch` sync its
	 * accounts now, or once more after the round it is in (any number of
	 * presses: one round); its progress and summary come as usual. */
	if (tui_bg_running(&sy->bg) && sy->job == SYNC_WATCH && job == SYNC_ONCE &&
	    (account == NULL || vt_config_account_idle(t->cfg, account)) &&
	    tui_bg_signal(&sy->bg, SIGUSR1)) {
		say(t, false, "sync: checking now%s",
		    sy->waiting ? "" : " (after the round in progress)");
		if (sy->waiting)
			snprintf(sy->status, sizeof sy->status, "sync: checking now");
		sy->waiting = false;
		return;
	}
	if (tui_bg_running(&sy->bg)) {
		say(t, true, "sync already running%s",
		    sy->job == SYNC_WATCH ? " (watching for new mail)" : "");
		return;
	}
	if (account != NULL && !vt_config_has_account(t->cfg, account, t->cfg->n_entries)) {
		say(t, true, "no [account %s] in the configuration", account);
		return;
	}
	if (job == SYNC_INDEX) {
		args[n++] = "index";
	} else {
		args[n++] = "sync";
		args[n++] = "--progress=lines";
		if (job == SYNC_WATCH)
			args[n++] = "--watch";
		if (account != NULL)
			args[n++] = account;
	}
	if (spawn_self(t, args, n, &err) != VT_OK) {
		say(t, true, "cannot start %s: %s", args[0], err.msg);
		return;
	}
	sy->job = job;
	sy->indexing = job == SYNC_INDEX; /* index writes from the start */
	sy->summary_seen = false;
	sy->waiting = false;
	sy->quit_asked = false;
	sy->summary[0] = sy->error[0] = '\0';
	snprintf(sy->status, sizeof sy->status, "%s",
		 job == SYNC_INDEX ? "indexing new mail..." : "sync: connecting...");
	if (job != SYNC_WATCH)
		say(t, false, "%s in the background", job == SYNC_INDEX ? "indexing" : "syncing");
}

/* ,y and :sync [ACCOUNT]: IMAP accounts when there are any, else the
 * local Maildir; in the background either way. */
static void
act_sync(struct tui *t, const char *account)
{
	start_sync(t, vt_config_has_account(t->cfg, NULL, t->cfg->n_entries) ? SYNC_ONCE : SYNC_INDEX,
		   account);
}

/* ---- actions ---- */

static char *
current_vendor(struct tui *t)
{
	if (t->screen == SCREEN_MAIN && t->focus == FOCUS_FOLDERS &&
	    t->fcur.sel < (long)t->folders.count && t->folders.items[t->fcur.sel].slug)
		return strdup(t->folders.items[t->fcur.sel].slug);
	if (t->screen == SCREEN_PAGER && t->pager.vendor_org)
		return vt_vendor_slug_for_org(t->store, t->pager.vendor_org);
	return vendor_slug_of(t, selected_thread(t));
}

static const char *
current_thread_id(struct tui *t)
{
	const struct mail_thread *th;

	if (t->screen == SCREEN_PAGER)
		return t->pager.thread_id;
	th = selected_thread(t);
	return th ? th->thread_id : NULL;
}

static void
report(struct tui *t, vt_status rc, const struct vt_action *a, const struct vt_error *err)
{
	if (rc != VT_OK) {
		say(t, true, "%s", err->msg);
		return;
	}
	say(t, false, "%s", a->summary);
	if (a->changed)
		refresh_after_change(t);
}

static void
act_bucket(struct tui *t, const char *slug_arg, enum vt_bucket bucket)
{
	struct vt_error err = { 0 };
	struct vt_action a = { 0 };
	char *slug = slug_arg ? strdup(slug_arg) : current_vendor(t);
	unsigned flags;
	vt_status rc;

	if (slug == NULL) {
		say(t, true, "no vendor here: this is not vendor mail");
		return;
	}
	flags = t->cfg->mirror_folders ? VT_TRIAGE_QUEUE_MIRROR : 0;
	rc = vt_vendor_set_bucket(t->store, slug, bucket, flags, &a, &err);
	/* A look-alike is promoted only when the user says so, knowing why
	 * it was refused. */
	if (rc == VT_ERR_CONFLICT && bucket == VT_BUCKET_TRUSTED) {
		char label[VT_ERROR_MAX + 64], *answer, *why = mail_sanitize_str(err.msg);
		const char *question = " Promote anyway? (type yes) ";
		int room = COLS - (int)strlen(question) - 1;

		/* the likeness, cut to leave the question on the line */
		if (why != NULL && strstr(why, ": promoting") != NULL)
			*strstr(why, ": promoting") = '\0';
		snprintf(label, sizeof label, "%.*s%s%s", room > 10 ? room : 10,
			 why ? why : "a look-alike", why && (int)strlen(why) > room ? "..." : "",
			 question);
		free(why);
		answer = prompt(t, label, NULL, NULL);
		if (answer == NULL || strcmp(answer, "yes") != 0) {
			say(t, false, "not promoted");
			free(answer);
			free(slug);
			return;
		}
		free(answer);
		memset(&err, 0, sizeof err);
		rc = vt_vendor_set_bucket(t->store, slug, bucket, flags | VT_TRIAGE_FORCE, &a, &err);
	}
	report(t, rc, &a, &err);
	free(slug);
}

/*
 * Runs fn on the index opened for writing. The interface holds a
 * read-only handle (a writer would lock out the background sync): it is
 * closed meanwhile and opened again after, whatever fn did.
 */
static vt_status
while_writable(struct tui *t, vt_status (*fn)(struct mail_db *rw, void *ctx, struct vt_error *err),
	       void *ctx, struct vt_error *err)
{
	struct mail_db *rw = NULL;
	struct vt_error reopen = { 0 };
	vt_status rc;

	mail_db_close(t->db);
	rc = mail_db_open(t->loc, MAIL_DB_READ_WRITE, &rw, err);
	if (rc == VT_OK)
		rc = fn(rw, ctx, err);
	mail_db_close(&rw);
	if (mail_db_open(t->loc, MAIL_DB_READ_ONLY, t->db, &reopen) != VT_OK && rc == VT_OK) {
		*err = reopen;
		rc = reopen.status;
	}
	return rc;
}

static vt_status
retag_in(struct mail_db *rw, void *ctx, struct vt_error *err)
{
	return vt_apply_retag(rw, ctx, err);
}

static void
act_undo(struct tui *t)
{
	struct vt_error err = { 0 };
	struct vt_action a = { 0 };
	vt_status rc;

	/* Undoing a tag change writes the index: never half an undo. */
	if (index_busy(t))
		return;
	rc = vt_undo(t->store, &a, &err);

	if (rc == VT_OK && a.retag_ids != NULL)
		rc = while_writable(t, retag_in, &a, &err);
	report(t, rc, &a, &err);
	vt_action_clear(&a);
}

static void
act_issue_open(struct tui *t, const char *title_arg)
{
	struct vt_error err = { 0 };
	struct vt_action a = { 0 };
	char *slug = current_vendor(t), *title, *thread = NULL;
	const char *tid = current_thread_id(t);
	int64_t id;

	if (slug == NULL) {
		say(t, true, "no vendor here: open issues with a vendor's thread selected");
		return;
	}
	title = title_arg ? strdup(title_arg) : prompt(t, "Issue title: ", NULL, NULL);
	if (title != NULL && *title != '\0') {
		if (tid != NULL && asprintf(&thread, "thread:%s", tid) < 0)
			thread = NULL;
		report(t, vt_issue_open(t->store, *t->db, slug, title, thread, &id, &a, &err), &a,
		       &err);
	} else {
		say(t, false, "cancelled");
	}
	free(thread);
	free(title);
	free(slug);
}

static void
act_issue_close(struct tui *t, const char *number_arg)
{
	struct vt_error err = { 0 };
	struct vt_action a = { 0 };
	struct vt_issue_list list = { 0 };
	char *slug = current_vendor(t), *number = NULL, initial[32] = "";

	if (slug != NULL && vt_issue_list(t->store, slug, false, &list, &err) == VT_OK &&
	    list.count > 0)
		snprintf(initial, sizeof initial, "%lld", (long long)list.items[0].id);
	vt_issue_list_clear(&list);
	number = number_arg ? strdup(number_arg) : prompt(t, "Close issue #: ", initial, NULL);
	if (number != NULL && *number != '\0') {
		char *end;
		long long n = strtoll(number[0] == '#' ? number + 1 : number, &end, 10);

		if (*end != '\0' || n <= 0)
			say(t, true, "not an issue number: %s", number);
		else
			report(t, vt_issue_close(t->store, n, NULL, &a, &err), &a, &err);
	} else {
		say(t, false, "cancelled");
	}
	free(number);
	free(slug);
}

static void
act_role(struct tui *t, const char *role_arg)
{
	struct vt_error err = { 0 };
	struct vt_action a = { 0 };
	char *slug = current_vendor(t), *who = NULL, *role = NULL;
	const char *initial = NULL;

	if (slug == NULL) {
		say(t, true, "no vendor here: contacts belong to vendors");
		return;
	}
	tui_panes_load(&t->panes, t->store, slug, false, &err);
	if (t->focus == FOCUS_CONTACTS && t->pane_cur[1].sel < (long)t->panes.contacts.count)
		initial = t->panes.contacts.items[t->pane_cur[1].sel].n_addresses
				  ? t->panes.contacts.items[t->pane_cur[1].sel].addresses[0]
				  : t->panes.contacts.items[t->pane_cur[1].sel].name;
	else if (t->panes.contacts.count > 0 && t->panes.contacts.items[0].n_addresses)
		initial = t->panes.contacts.items[0].addresses[0];
	who = prompt(t, "Contact: ", initial, NULL);
	if (who != NULL && *who != '\0')
		role = role_arg ? strdup(role_arg) : prompt(t, "Role (Tab completes): ", NULL, complete_role);
	if (who != NULL && *who && role != NULL && *role)
		report(t, vt_contact_set_role(t->store, who, role, &a, &err), &a, &err);
	else
		say(t, false, "cancelled");
	free(who);
	free(role);
	free(slug);
}

/* Tag changes need the index writable for a moment. */
/* A tag change, journalled for undo: what act_tags asks of the index. */
struct tagging {
	struct tui *t;
	const char *query, *add, *remove, *what;
	struct vt_action a;
};

static vt_status
tag_in(struct mail_db *rw, void *ctx, struct vt_error *err)
{
	struct tagging *g = ctx;

	return vt_tag(g->t->store, rw, g->query, g->add, g->remove, g->what, &g->a, err);
}

static void
act_tags(struct tui *t, const char *add, const char *remove, const char *what)
{
	struct vt_error err = { 0 };
	const char *tid = current_thread_id(t);
	char *query = NULL, *summary = NULL;
	struct tagging g = { .t = t, .add = add, .remove = remove };

	if (tid == NULL || asprintf(&query, "thread:%s", tid) < 0) {
		say(t, true, "no thread selected");
		return;
	}
	if (index_busy(t) || asprintf(&summary, "%s thread %s", what, tid) < 0) {
		free(query);
		return;
	}
	g.query = query;
	g.what = summary;
	if (while_writable(t, tag_in, &g, &err) != VT_OK)
		say(t, true, "%s", err.msg);
	else
		say(t, false, "%s", g.a.summary);
	refresh_after_change(t);
	free(query);
	free(summary);
}

static void
act_toggle_read(struct tui *t)
{
	const struct mail_thread *th = selected_thread(t);
	bool unread = false;

	for (size_t i = 0; th && i < th->n_tags; i++)
		if (strcmp(th->tags[i], "unread") == 0)
			unread = true;
	if (unread)
		act_tags(t, NULL, "unread", "read");
	else
		act_tags(t, "unread", NULL, "unread");
}

static void
run_search(struct tui *t, const char *query)
{
	struct vt_error err = { 0 };
	char *translated = NULL, *label = NULL;

	/* Check the query first: a typo must not empty the screen. */
	if (vt_query_translate(t->store, query, &translated, &err) != VT_OK) {
		say(t, true, "bad query: %s", err.msg);
		return;
	}
	free(translated);
	free(t->search);
	t->search = strdup(query);
	if (asprintf(&label, "Search: %s", query) < 0)
		return;
	open_query(t, query, label);
	free(label);
	t->screen = SCREEN_MAIN;
	t->focus = FOCUS_THREADS;
	if (t->threads.nm_query) {
		unsigned long n = 0;

		if (mail_count(*t->db, t->threads.nm_query, true, &n, &err) == VT_OK) {
			t->threads.total = (long)n;
			say(t, false, "%lu thread%s", n, n == 1 ? "" : "s");
		} else {
			say(t, true, "bad query: %s", err.msg);
		}
	}
}

static void
run_command(struct tui *t, const char *line)
{
	char *copy = strdup(line), *cmd, *arg;

	if (copy == NULL)
		return;
	cmd = copy;
	while (*cmd == ' ')
		cmd++;
	arg = strchr(cmd, ' ');
	if (arg != NULL) {
		*arg++ = '\0';
		while (*arg == ' ')
			arg++;
		if (*arg == '\0')
			arg = NULL;
	}
	if (strcmp(cmd, "promote") == 0)
		act_bucket(t, arg, VT_BUCKET_TRUSTED);
	else if (strcmp(cmd, "demote") == 0)
		act_bucket(t, arg, VT_BUCKET_GENERIC);
	else if (strcmp(cmd, "undo") == 0)
		act_undo(t);
	else if (strcmp(cmd, "issue-open") == 0)
		act_issue_open(t, arg);
	else if (strcmp(cmd, "issue-close") == 0)
		act_issue_close(t, arg);
	else if (strcmp(cmd, "role") == 0)
		act_role(t, arg);
	else if (strcmp(cmd, "search") == 0 && arg)
		run_search(t, arg);
	else if (strcmp(cmd, "sync") == 0)
		act_sync(t, arg);
	else if (strcmp(cmd, "archive") == 0)
		act_tags(t, NULL, "inbox", "archived");
	else if (strcmp(cmd, "toggle-read") == 0)
		act_toggle_read(t);
	else if (strcmp(cmd, "quit") == 0 || strcmp(cmd, "q") == 0)
		t->quit = true;
	else if (strcmp(cmd, "help") == 0) {
		t->help_from = t->screen;
		build_help(t);
		t->screen = SCREEN_HELP;
	} else if (*cmd != '\0')
		say(t, true, "unknown command '%s' (Tab completes; ? for help)", cmd);
	free(copy);
}

/* ---- navigation ---- */

static struct tui_cursor *
focused_cursor(struct tui *t)
{
	if (t->screen == SCREEN_HELP)
		return &t->help_cur;
	switch (t->focus) {
	case FOCUS_FOLDERS: return &t->fcur;
	case FOCUS_THREADS: return &t->tcur;
	default: return &t->pane_cur[t->focus - FOCUS_HISTORY];
	}
}

static void
open_folder(struct tui *t, long i)
{
	if (i < 0 || i >= (long)t->folders.count)
		return;
	t->fcur.sel = i;
	open_query(t, t->folders.items[i].query, t->folders.items[i].label);
}

static void
open_thread(struct tui *t)
{
	struct vt_error err = { 0 };
	const struct mail_thread *th = selected_thread(t);
	char *org;

	if (th == NULL) {
		say(t, true, "no thread selected");
		return;
	}
	org = th->vendor_org ? strdup(th->vendor_org) : NULL;
	if (tui_pager_build(&t->pager, *t->db, t->store, th->thread_id, t->cfg, &err) != VT_OK) {
		say(t, true, "%s", err.msg);
		free(org);
		return;
	}
	t->pager.vendor_org = org;
	t->screen = SCREEN_PAGER;
	t->message[0] = '\0';
}

static void
pager_scroll(struct tui *t, long delta)
{
	struct tui_cursor *c = &t->pager.cursor;
	long max = (long)t->pager.count - t->layout.main_rows;

	c->top += delta;
	if (c->top > max)
		c->top = max;
	if (c->top < 0)
		c->top = 0;
}

static void
find_next(struct tui *t, int dir)
{
	if (t->search == NULL) {
		say(t, true, "no search yet (/)");
		return;
	}
	if (t->screen == SCREEN_PAGER) {
		long at = tui_pager_find(&t->pager, t->search, t->pager.cursor.top + dir, dir);

		if (at < 0)
			say(t, true, "not found: %s", t->search);
		else
			t->pager.cursor.top = at;
		return;
	}
	tui_cursor_move(&t->tcur, dir);
}

static void
move_by(struct tui *t, enum km_action a)
{
	struct tui_cursor *c = focused_cursor(t);
	long page = t->layout.main_rows > 1 ? t->layout.main_rows - 1 : 1;

	if (t->screen == SCREEN_PAGER) {
		switch (a) {
		case KM_UP: pager_scroll(t, -1); break;
		case KM_DOWN: pager_scroll(t, 1); break;
		case KM_PAGE_UP: pager_scroll(t, -page); break;
		case KM_PAGE_DOWN: pager_scroll(t, page); break;
		case KM_HALF_UP: pager_scroll(t, -page / 2); break;
		case KM_HALF_DOWN: pager_scroll(t, page / 2); break;
		case KM_TOP: t->pager.cursor.top = 0; break;
		case KM_BOTTOM: pager_scroll(t, (long)t->pager.count); break;
		default: break;
		}
		return;
	}
	switch (a) {
	case KM_UP: tui_cursor_move(c, -1); break;
	case KM_DOWN: tui_cursor_move(c, 1); break;
	case KM_PAGE_UP: tui_cursor_move(c, -page); break;
	case KM_PAGE_DOWN: tui_cursor_move(c, page); break;
	case KM_HALF_UP: tui_cursor_move(c, -page / 2); break;
	case KM_HALF_DOWN: tui_cursor_move(c, page / 2); break;
	case KM_TOP: tui_cursor_set(c, 0); break;
	case KM_BOTTOM:
		if (c == &t->tcur && t->threads.total < 0) {
			struct vt_error err = { 0 };

			if (tui_threads_count(&t->threads, *t->db, &err) != VT_OK)
				say(t, true, "%s", err.msg);
			c->count = t->threads.total;
		}
		tui_cursor_set(c, c->count > 0 ? c->count - 1 : 0);
		break;
	default: break;
	}
	/* The folder under the cursor is the folder shown. */
	if (c == &t->fcur)
		open_folder(t, t->fcur.sel);
}

static void
cycle_focus(struct tui *t, int dir)
{
	int n = t->layout.panes_w > 0 ? 5 : 2;
	int f = (int)t->focus;

	do {
		f = (f + dir + 5) % 5;
	} while (f >= n || (f == FOCUS_FOLDERS && t->layout.folders_w == 0));
	t->focus = (enum focus)f;
}

static void
handle(struct tui *t, enum km_action a)
{
	char *line;

	switch (a) {
	case KM_UP:
	case KM_DOWN:
	case KM_PAGE_UP:
	case KM_PAGE_DOWN:
	case KM_HALF_UP:
	case KM_HALF_DOWN:
	case KM_TOP:
	case KM_BOTTOM:
		move_by(t, a);
		break;
	case KM_OPEN:
		if (t->focus == FOCUS_FOLDERS) {
			open_folder(t, t->fcur.sel);
			t->focus = FOCUS_THREADS;
		} else if (t->focus == FOCUS_THREADS) {
			open_thread(t);
		}
		break;
	case KM_BACK:
		if (t->screen == SCREEN_HELP)
			t->screen = t->help_from;
		else if (t->screen == SCREEN_PAGER)
			t->screen = SCREEN_MAIN;
		else
			t->quit = true;
		break;
	case KM_QUIT:
		t->quit = true;
		break;
	case KM_SEARCH:
		if ((line = prompt(t, "Search: ", NULL, NULL)) != NULL && *line != '\0') {
			if (t->screen == SCREEN_PAGER) {
				free(t->search);
				t->search = strdup(line);
				find_next(t, 1);
			} else {
				run_search(t, line);
			}
		}
		free(line);
		break;
	case KM_SEARCH_NEXT: find_next(t, 1); break;
	case KM_SEARCH_PREV: find_next(t, -1); break;
	case KM_HELP_SHOW:
		t->help_from = t->screen;
		build_help(t);
		t->screen = SCREEN_HELP;
		break;
	case KM_COMMAND:
		if ((line = prompt(t, ":", NULL, complete_command)) != NULL)
			run_command(t, line);
		free(line);
		break;
	case KM_FOCUS_NEXT: cycle_focus(t, 1); break;
	case KM_FOCUS_PREV: cycle_focus(t, -1); break;
	case KM_TOGGLE_PANES:
		t->panes_wanted = !t->panes_wanted;
		if (!t->panes_wanted && t->focus >= FOCUS_HISTORY)
			t->focus = FOCUS_THREADS;
		break;
	case KM_FOLDER_NEXT: open_folder(t, t->fcur.sel + 1); break;
	case KM_FOLDER_PREV: open_folder(t, t->fcur.sel - 1); break;
	case KM_PROMOTE: act_bucket(t, NULL, VT_BUCKET_TRUSTED); break;
	case KM_DEMOTE: act_bucket(t, NULL, VT_BUCKET_GENERIC); break;
	case KM_ISSUE_OPEN: act_issue_open(t, NULL); break;
	case KM_ISSUE_CLOSE: act_issue_close(t, NULL); break;
	case KM_CONTACT_ROLE: act_role(t, NULL); break;
	case KM_ARCHIVE: act_tags(t, NULL, "inbox", "archived"); break;
	case KM_TOGGLE_READ: act_toggle_read(t); break;
	case KM_UNDO: act_undo(t); break;
	case KM_SYNC: act_sync(t, NULL); break;
	case KM_REDRAW: clearok(curscr, TRUE); break;
	default: break;
	}
}

/* ---- measuring (bench/tui) ---- */

/* With VTRIAGE_BENCH_LOG set, the loop appends when the first screen was
 * painted (wall clock, ns) and how long each key took to handle and
 * repaint: the benchmark reads it, nothing else does. */
static FILE *bench_log;

static long long
now_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* ---- the terminal ---- */

static bool curses_active;

static void
restore_terminal(void)
{
	if (curses_active) {
		curses_active = false;
		endwin();
	}
}

/*
 * A crash must not leave the user's terminal in the alternate screen with
 * the cursor hidden. Only write(2) is safe here: it sends what endwin()
 * would (normal screen, cursor on, attributes off), then the signal's
 * default action runs.
 */
static void
on_fatal_signal(int sig)
{
	static const char reset[] = "\033[0m\033[?25h\033[?1049l\r\n";
	ssize_t ignored;

	ignored = write(STDOUT_FILENO, reset, sizeof reset - 1);
	(void)ignored;
	signal(sig, SIG_DFL);
	raise(sig);
}

static void
start_curses(struct tui *t)
{
	static const int fatal[] = { SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL };

	initscr();
	curses_active = true;
	atexit(restore_terminal);
	for (size_t i = 0; i < sizeof fatal / sizeof fatal[0]; i++)
		signal(fatal[i], on_fatal_signal);
	raw();      /* C-c arrives as a key, not a signal: q and Q quit */
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	curs_set(0);
	set_escdelay(25);
	timeout(250); /* wake for signals and deferred work */
	t->colours = has_colors() && getenv("NO_COLOR") == NULL;
	if (t->colours) {
		start_color();
		use_default_colors();
		init_pair(C_BAR, COLOR_BLACK, COLOR_CYAN);
		init_pair(C_SELECTED, COLOR_BLACK, COLOR_YELLOW);
		init_pair(C_DIM, COLOR_BLUE, -1);
		init_pair(C_HEADER, COLOR_GREEN, -1);
		init_pair(C_ERROR, COLOR_RED, -1);
		init_pair(C_MARK, COLOR_MAGENTA, -1);
		init_pair(C_TITLE, COLOR_CYAN, -1);
	}
}

static int
read_key(struct tui *t)
{
	wint_t ch;
	int kind = get_wch(&ch);

	(void)t;
	if (kind == ERR)
		return ERR;
	if (kind == KEY_CODE_YES)
		return ch == KEY_ENTER ? '\n' : (int)ch;
	if (ch == '\r')
		return '\n';
	if (ch == 127 || ch == 8)
		return KEY_BACKSPACE;
	if (ch == 3) /* C-c: leave cleanly */
		return -2;
	return (int)ch;
}

vt_status
tui_run(const struct vt_config *cfg, struct vt_store *store, struct mail_db **db,
	const struct mail_db_location *loc, volatile sig_atomic_t *interrupted,
	struct vt_error *err)
{
	struct tui t = { .cfg = cfg, .store = store, .db = db, .loc = loc,
			 .interrupted = interrupted, .focus = FOCUS_THREADS };
	vt_status rc;

	tui_bg_init(&t.sync.bg);

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		return vt_fail(err, VT_ERR_USAGE,
			       "the interface needs a terminal (for scripts: vtriage --help)");
	if ((rc = km_load(cfg, &t.km, err)) != VT_OK)
		return rc;
	if ((rc = tui_folders_build(store, cfg, &t.folders, err)) != VT_OK) {
		km_free(&t.km);
		return rc;
	}
	start_curses(&t);
	t.cols = COLS;
	t.panes_wanted = tui_layout_panes_by_default(COLS);
	/* A line-drawing character without the terminal's alternate charset,
	 * which survives resizes and multiplexers alike. */
	t.vline = MB_CUR_MAX > 1 ? "\xe2\x94\x82" : "|";
	open_folder(&t, 0);
	/* idle = yes: new mail comes by itself while the interface is open */
	if (vt_config_account_idle(cfg, NULL))
		start_sync(&t, SYNC_WATCH, NULL);
	if (getenv("VTRIAGE_BENCH_LOG") != NULL)
		bench_log = fopen(getenv("VTRIAGE_BENCH_LOG"), "a");
	long long key_start = 0;
	int last_key = 0;

	for (bool first = true; !t.quit && !(interrupted && *interrupted); first = false) {
		int key;
		enum km_action a;

		poll_sync(&t, true);
		draw(&t);
		/* Soon back for the panes when they wait or a sync reports,
		 * else at leisure. */
		timeout(t.panes_pending || t.need_marks	       ? 30
			: tui_bg_running(&t.sync.bg) ? 100
						       : 250);
		if (bench_log != NULL) {
			if (first)
				fprintf(bench_log, "first-paint %lld\n", now_ns(CLOCK_REALTIME));
			else if (key_start)
				fprintf(bench_log, "key %d %lld\n", last_key,
					now_ns(CLOCK_MONOTONIC) - key_start);
			fflush(bench_log);
			key_start = 0;
		}
		key = read_key(&t);
		if (bench_log != NULL && key != ERR) {
			key_start = now_ns(CLOCK_MONOTONIC);
			last_key = key;
		}
		if (key == ERR) {
			/* Idle: what the first paint and quick keys skipped. */
			if (t.need_marks) {
				struct vt_error merr = { 0 };

				t.need_marks = false;
				if (tui_threads_load_marks(&t.threads, t.store, &merr) != VT_OK)
					say(&t, true, "%s", merr.msg);
				continue;
			}
			if (t.panes_pending) {
				struct vt_error perr = { 0 };
				char *slug = vendor_slug_of(&t, selected_thread(&t));
				long long panes_start = now_ns(CLOCK_MONOTONIC);

				if (tui_panes_load(&t.panes, t.store, slug, false, &perr) != VT_OK)
					say(&t, true, "%s", perr.msg);
				if (bench_log != NULL)
					fprintf(bench_log, "panes %lld\n",
						now_ns(CLOCK_MONOTONIC) - panes_start);
				t.panes_pending = false;
				free(slug);
				continue;
			}
			if (t.need_count && t.screen == SCREEN_MAIN) {
				struct vt_error cerr = { 0 };

				t.need_count = false;
				if (tui_threads_count(&t.threads, *t.db, &cerr) != VT_OK)
					say(&t, true, "%s", cerr.msg);
			}
			continue;
		}
		if (key == -2)
			break;
		if (key == KEY_RESIZE) {
			/* Crossing the wide/narrow line resets the panes. */
			if (tui_layout_panes_by_default(COLS) != tui_layout_panes_by_default(t.cols))
				t.panes_wanted = tui_layout_panes_by_default(COLS);
			t.cols = COLS;
			continue;
		}
		t.message[0] = '\0';
		a = km_feed(&t.km,
			    t.screen == SCREEN_PAGER ? KM_PAGER
			    : t.screen == SCREEN_HELP ? KM_HELP
						      : KM_MAIN,
			    key, t.pending, &t.n_pending);
		if (a != KM_NONE)
			handle(&t, a);
		else if (t.n_pending == 0)
			say(&t, false, "key not bound (? for help)");
		/* A sync the user started is not cut short by one stray q. */
		if (t.quit && tui_bg_running(&t.sync.bg) && t.sync.job != SYNC_WATCH &&
		    !t.sync.quit_asked) {
			t.quit = false;
			t.sync.quit_asked = true;
			say(&t, true, "sync running: q again stops it and quits (mail already "
				      "fetched is kept)");
		}
	}
	/* The sync engine and the indexer stop cleanly on SIGTERM (state and
	 * index consistent; the rest comes with the next sync). One that
	 * does not end in 3 s is left to finish by itself. */
	if (tui_bg_running(&t.sync.bg) && !tui_bg_stop(&t.sync.bg, SIGTERM, 3000))
		fprintf(stderr, "vtriage: the background sync is still finishing\n");
	restore_terminal();
	if (bench_log != NULL) {
		fclose(bench_log);
		bench_log = NULL;
	}
	tui_pager_clear(&t.pager);
	tui_panes_clear(&t.panes);
	tui_threads_close(&t.threads);
	tui_folders_clear(&t.folders);
	for (size_t i = 0; i < t.n_help; i++)
		free(t.help_lines[i]);
	free(t.help_lines);
	free(t.search);
	free(t.folder_query);
	free(t.folder_label);
	km_free(&t.km);
	return VT_OK;
}
