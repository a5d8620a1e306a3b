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

size_t
tui_complete_command(struct tui *t, const char *line, char ***out)
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

size_t
tui_complete_role(struct tui *t, const char *line, char ***out)
{
	char *with = NULL;
	size_t n;

	if (asprintf(&with, "role %s", line) < 0)
		return 0;
	n = tui_complete_command(t, with, out);
	free(with);
	for (size_t i = 0; i < n; i++)
		memmove((*out)[i], (*out)[i] + 5, strlen((*out)[i] + 5) + 1);
	return n;
}
