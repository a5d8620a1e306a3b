/*
 * The help overlay: its lines built from the keymap and the command
 * table for the screen it was opened from, wrapped to the terminal's
 * width, and drawn.
 */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "private.h"

static void
help_push(struct tui *t, char *line)
{
	char **grown;

	if (line == NULL)
		return;
	grown = realloc(t->help_lines, (t->n_help + 1) * sizeof *grown);
	if (grown == NULL) {
		free(line);
		return;
	}
	t->help_lines = grown;
	t->help_lines[t->n_help++] = line;
}

/* One help entry, wrapped to the screen's width; its continuation lines
 * start at column hang, under the entry's text. */
static void
help_add(struct tui *t, int hang, const char *text)
{
	size_t len = strlen(text), start = 0;
	int width = COLS > 20 ? COLS - 1 : 20;

	if (hang > width / 2)
		hang = width / 2;
	if (len == 0)
		help_push(t, strdup(""));
	while (start < len) {
		int room = start == 0 ? width : width - hang;
		size_t next, fit = tui_wrap_piece(text, len, start, room, &next);
		char *line = NULL;

		if (asprintf(&line, "%*s%.*s", start == 0 ? 0 : hang, "", (int)(fit - start),
			     text + start) < 0)
			line = NULL;
		help_push(t, line);
		start = next;
	}
}

void
tui_build_help(struct tui *t)
{
	enum km_context ctx = t->help_from == SCREEN_PAGER    ? KM_PAGER
			      : t->help_from == SCREEN_ATTACH ? KM_ATTACH
			      : t->help_from == SCREEN_LINKS  ? KM_LINK_LIST
							      : KM_MAIN;
	char line[1024], commands[800];

	for (size_t i = 0; i < t->n_help; i++)
		free(t->help_lines[i]);
	free(t->help_lines);
	t->help_lines = NULL;
	t->n_help = 0;
	snprintf(line, sizeof line,
		 "Keys of the %s screen (from the keymap; rebind in [keys] of the config)",
		 km_context_name(ctx));
	help_add(t, 0, line);
	help_add(t, 0, "");
	/* what the list's marks mean, first: the keys follow */
	help_add(t, 7,
		 "Marks: N unread, F flagged, W waiting on the vendor, R waiting on you, "
		 "! open issue, S suspicious: a look-alike sender domain, failed "
		 "DKIM/SPF/DMARC, a name or address that is not the sender's, or new bank "
		 "details (the thread's first lines say why; the Suspicious folder lists "
		 "them all; `vtriage check`); $1,234.00 a quote's or bill's total; "
		 "!$7,800.00 a bill the bill check flagged.");
	help_add(t, 0, "");
	for (int a = 1; a < KM_ACTIONS; a++) {
		char keys[128];

		km_describe(&t->km, ctx, (enum km_action)a, keys, sizeof keys);
		if (keys[0] == '\0')
			continue;
		/* keys wider than their column ("<PageDown> <C-f> <Space>")
		 * on a line of their own: beside, they pushed their action a
		 * column apart from the others' */
		if (strlen(keys) > 18) {
			snprintf(line, sizeof line, "  %s", keys);
			help_add(t, 4, line);
			keys[0] = '\0';
		}
		snprintf(line, sizeof line, "  %-18s %-16s %s", keys,
			 km_action_name((enum km_action)a), km_action_help((enum km_action)a));
		help_add(t, 38, line);
	}
	/* the ':' commands from the command table */
	tui_commands_help(commands, sizeof commands);
	snprintf(line, sizeof line, "Commands (:): %s", commands);
	help_add(t, 14, line);
	help_add(t, 0,
		 "Sync runs in the background: progress on the status bar, the list "
		 "reloads when mail arrives.");
	t->help_cur.count = (long)t->n_help;
	t->help_cur.sel = t->help_cur.top = 0;
}

void
tui_draw_help(struct tui *t)
{
	const struct tui_layout *l = &t->layout;

	t->help_cur.height = l->main_rows;
	for (int row = 0; row < l->main_rows; row++) {
		long i = t->help_cur.top + row;

		tui_put_text(l->main_top + row, 0, COLS,
			     i < (long)t->n_help && t->help_lines[i] ? t->help_lines[i] : "",
			     A_NORMAL);
	}
}
