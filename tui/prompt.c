/* The prompt on the message row, and what Tab completes in it. */
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

#include "private.h"

/* ---- prompts ---- */

static int
by_text(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The longest prefix all options share. */
static size_t
common_prefix(char **options, size_t n)
{
	size_t len = n > 0 ? strlen(options[0]) : 0;

	for (size_t i = 1; i < n; i++) {
		size_t k = 0;

		while (k < len && options[i][k] == options[0][k])
			k++;
		len = k;
	}
	return len;
}

/* Remembers a line entered at a prompt (the newest last; no repeats of
 * the last one). */
static void
remember(struct tui *t, const char *line)
{
	char *copy;

	if (*line == '\0' ||
	    (t->n_history > 0 && strcmp(t->history[t->n_history - 1], line) == 0) ||
	    (copy = strdup(line)) == NULL)
		return;
	if (t->n_history == TUI_HISTORY_MAX) {
		free(t->history[0]);
		memmove(t->history, t->history + 1, (TUI_HISTORY_MAX - 1) * sizeof *t->history);
		t->n_history--;
	}
	t->history[t->n_history++] = copy;
}

/* The line as UTF-8, always terminated ("" if a character would not
 * convert). */
static void
line_text(const wchar_t *buf, char *out, size_t len)
{
	if (wcstombs(out, buf, len) == (size_t)-1)
		out[0] = '\0';
	out[len - 1] = '\0';
}

static size_t
set_line(wchar_t *buf, size_t cap, const char *text)
{
	size_t len = mbstowcs(buf, text, cap - 1);

	if (len == (size_t)-1)
		len = 0;
	buf[len] = L'\0';
	return len;
}

/*
 * Reads a line on the message row, with the line editing readline users
 * expect: Left/Right (C-b/C-f), Home/End (C-a/C-e), Backspace and Delete
 * (C-d), C-w (the word before the cursor), C-u (all before it), C-k (all
 * after it), Up/Down through the lines entered before, and Tab: one
 * completion is taken with a space after it, several are listed and
 * their shared beginning taken. NULL when cancelled (Esc, C-g).
 */
char *
tui_prompt(struct tui *t, const char *label, const char *initial, complete_fn complete)
{
	wchar_t buf[512], saved[512] = L"";
	size_t len = 0, pos, cap = sizeof buf / sizeof buf[0];
	size_t browsing = t->n_history; /* history index; n_history: the new line */
	char *out = NULL;

	len = set_line(buf, cap, initial != NULL ? initial : "");
	pos = len;
	curs_set(1);
	leaveok(stdscr, FALSE);
	for (;;) {
		wint_t ch;
		int kind, at;
		char shown[2048], mb[2048];

		line_text(buf, mb, sizeof mb);
		snprintf(shown, sizeof shown, "%s%s", label, mb);
		tui_put_text(LINES - 1, 0, COLS, shown, A_NORMAL);
		/* by columns as drawn, not bytes: a wide or unprintable
		 * character before the cursor */
		{
			wchar_t at_cursor = buf[pos];

			buf[pos] = L'\0';
			line_text(buf, mb, sizeof mb);
			buf[pos] = at_cursor;
			snprintf(shown, sizeof shown, "%s%s", label, mb);
			at = tui_text_cols(shown);
		}
		move(LINES - 1, at < COLS ? at : COLS - 1);
		refresh();
		kind = get_wch(&ch);
		if (t->interrupted && *t->interrupted)
			break;
		if (kind == ERR) {
			/* keep the child's pipe flowing; reload after the prompt */
			tui_poll_sync(t, false);
			tui_log_quiet();
			continue;
		}
		if (kind == KEY_CODE_YES && ch == KEY_RESIZE) {
			tui_draw(t);
			continue;
		}
		if (ch == 27 || ch == 7) /* Esc, C-g */
			break;
		if (ch == '\n' || ch == '\r' || (kind == KEY_CODE_YES && ch == KEY_ENTER)) {
			line_text(buf, mb, sizeof mb);
			out = strdup(mb);
			remember(t, mb);
			break;
		}
		if (kind == KEY_CODE_YES) {
			switch (ch) {
			case KEY_LEFT:
				pos -= pos > 0;
				break;
			case KEY_RIGHT:
				pos += pos < len;
				break;
			case KEY_HOME:
				pos = 0;
				break;
			case KEY_END:
				pos = len;
				break;
			case KEY_BACKSPACE:
				if (pos > 0) {
					wmemmove(buf + pos - 1, buf + pos, len - pos + 1);
					pos--;
					len--;
				}
				break;
			case KEY_DC:
				if (pos < len) {
					wmemmove(buf + pos, buf + pos + 1, len - pos);
					len--;
				}
				break;
			case KEY_UP:
			case KEY_DOWN:
				if (ch == KEY_UP && browsing == 0)
					break;
				if (ch == KEY_DOWN && browsing >= t->n_history)
					break;
				if (browsing == t->n_history)
					wmemcpy(saved, buf, len + 1); /* the line being typed */
				browsing += ch == KEY_UP ? (size_t)-1 : 1;
				if (browsing == t->n_history) {
					wmemcpy(buf, saved, wcslen(saved) + 1);
					len = wcslen(buf);
				} else
					len = set_line(buf, cap, t->history[browsing]);
				pos = len;
				break;
			default:
				break;
			}
			continue;
		}
		switch (ch) {
		case 1:
			pos = 0;
			continue; /* C-a */
		case 5:
			pos = len;
			continue; /* C-e */
		case 2:
			pos -= pos > 0;
			continue; /* C-b */
		case 6:
			pos += pos < len;
			continue; /* C-f */
		case 4:           /* C-d */
			if (pos < len) {
				wmemmove(buf + pos, buf + pos + 1, len - pos);
				len--;
			}
			continue;
		case 11:
			buf[pos] = L'\0';
			len = pos;
			continue; /* C-k */
		case 21:          /* C-u */
			wmemmove(buf, buf + pos, len - pos + 1);
			len -= pos;
			pos = 0;
			continue;
		case 23: { /* C-w */
			size_t from = pos;

			while (from > 0 && buf[from - 1] == L' ')
				from--;
			while (from > 0 && buf[from - 1] != L' ')
				from--;
			wmemmove(buf + from, buf + pos, len - pos + 1);
			len -= pos - from;
			pos = from;
			continue;
		}
		case 127:
		case 8:
			if (pos > 0) {
				wmemmove(buf + pos - 1, buf + pos, len - pos + 1);
				pos--;
				len--;
			}
			continue;
		default:
			break;
		}
		if (ch == '\t' && complete != NULL) {
			char **options = NULL;
			size_t n;

			/* what is before the cursor is completed */
			{
				wchar_t keep = buf[pos];

				buf[pos] = L'\0';
				line_text(buf, mb, sizeof mb);
				buf[pos] = keep;
			}
			n = complete(t, mb, &options);
			if (n > 1)
				qsort(options, n, sizeof *options, by_text);
			if (n == 1) {
				char done[600];

				/* a directory goes on: no space after its '/' */
				snprintf(done, sizeof done, "%s%s", options[0],
					 options[0][0] && options[0][strlen(options[0]) - 1] == '/'
						 ? ""
						 : " ");
				len = set_line(buf, cap, done);
				pos = len;
			} else if (n > 1) {
				char list[512] = "";
				size_t shared = common_prefix(options, n);

				for (size_t i = 0; i < n && strlen(list) < 400; i++) {
					/* the last word, or a path's last part */
					size_t end = strlen(options[i]), from;

					if (end > 0 && options[i][end - 1] == '/')
						end--;
					from = end;
					while (from > 0 && options[i][from - 1] != ' ' &&
					       options[i][from - 1] != '/')
						from--;
					strncat(list, options[i] + from,
						sizeof list - strlen(list) - 2);
					strcat(list, " ");
				}
				if (shared > strlen(mb)) {
					options[0][shared] = '\0';
					len = set_line(buf, cap, options[0]);
					pos = len;
				}
				tui_say(t, false, "%s", list);
				tui_put_text(LINES - 2, 0, COLS, t->message, A_REVERSE);
			}
			for (size_t i = 0; i < n; i++)
				free(options[i]);
			free(options);
			continue;
		}
		if (kind == OK && ch >= 0x20 && len + 1 < cap) {
			wmemmove(buf + pos + 1, buf + pos, len - pos + 1);
			buf[pos++] = (wchar_t)ch;
			len++;
		}
	}
	if (curs_set(0) != ERR)
		leaveok(stdscr, TRUE);
	return out;
}
