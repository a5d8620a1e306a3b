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

/* Reads a line on the message row; NULL when cancelled (Esc, C-g). */
char *
tui_prompt(struct tui *t, const char *label, const char *initial, complete_fn complete)
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
		tui_put_text(LINES - 1, 0, COLS, shown, A_NORMAL);
		move(LINES - 1, (int)strlen(label) + wcswidth(buf, len) < COLS
				   ? (int)strlen(label) + wcswidth(buf, len)
				   : COLS - 1);
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
				tui_say(t, false, "%s", list);
				tui_put_text(LINES - 2, 0, COLS, t->message, A_REVERSE);
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
