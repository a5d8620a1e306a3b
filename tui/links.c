/*
 * The links of the thread in the pager (u, as urlview and mutt users
 * expect): listed once each in reading order, opened (Enter) by the
 * user's browser with the link as one argv word, never through a shell,
 * or copied (y) to the terminal's clipboard with OSC 52, base64-encoded
 * so that nothing of the mail reaches the terminal raw.
 */
#include "config.h"

#include <curses.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "private.h"

bool
tui_pager_collect_links(struct tui_pager *p, const char *text)
{
	size_t pos = 0, start, end, len = strlen(text);

	while (mail_url_next(text, len, &pos, &start, &end)) {
		/* shown, copied and opened the same: what reorders or hides
		 * text percent-encoded */
		char *link = mail_url_clean(text + start, end - start), **grown;
		bool seen = false;

		if (link == NULL)
			return false;
		for (size_t i = 0; i < p->n_links && !seen; i++)
			seen = strcmp(p->links[i], link) == 0;
		if (seen) {
			free(link);
			continue;
		}
		grown = realloc(p->links, (p->n_links + 1) * sizeof *grown);
		if (grown == NULL) {
			free(link);
			return false;
		}
		p->links = grown;
		grown[p->n_links++] = link;
	}
	return true;
}

void
tui_links_draw(struct tui *t)
{
	const struct tui_layout *l = &t->layout;
	struct tui_cursor *c = &t->links_cur;

	c->height = l->main_rows - 1;
	c->count = (long)t->pager.n_links;
	tui_cursor_fix(c);
	tui_put_text(l->main_top, 0, COLS, "  #  link  (Enter opens, y copies, q back)",
		     tui_colour(t, C_TITLE, A_BOLD));
	for (int row = 0; row < c->height; row++) {
		long i = c->top + row;
		char line[2200];

		if (i >= c->count) {
			tui_put_text(l->main_top + 1 + row, 0, COLS, "", A_NORMAL);
			continue;
		}
		snprintf(line, sizeof line, "%3ld  %s", i + 1, t->pager.links[i]);
		tui_put_mail_text_spans(l->main_top + 1 + row, 0, COLS, line, 0, A_NORMAL,
					i == c->sel ? tui_colour(t, C_SELECTED, A_REVERSE)
						    : A_NORMAL,
					A_NORMAL);
	}
}

static const char *
selected(struct tui *t)
{
	long i = t->links_cur.sel;

	return i >= 0 && i < (long)t->pager.n_links ? t->pager.links[i] : NULL;
}

/* "www.x" has no scheme a browser is sure of. */
static char *
with_scheme(const char *link)
{
	char *out = NULL;

	if (strncasecmp(link, "www.", 4) == 0) {
		if (asprintf(&out, "https://%s", link) < 0)
			out = NULL;
		return out;
	}
	return strdup(link);
}

static void
open_link(struct tui *t)
{
	const char *link = selected(t), *browser = t->cfg ? t->cfg->ui_browser : NULL;
	char *url;

	if (link == NULL || (url = with_scheme(link)) == NULL)
		return;
	/* [ui] browser, else $BROWSER (one program), else xdg-open */
	if (browser == NULL || *browser == '\0')
		browser = getenv("BROWSER");
	{
		char *xdg[] = { "xdg-open", url, NULL };

		tui_open_with(t, browser, xdg, url, "browser");
	}
	free(url);
}

/* OSC 52: the terminal (and tmux, and a terminal over SSH) puts the
 * base64 text on the clipboard; the link itself never reaches it raw. */
static void
copy_link(struct tui *t)
{
	const char *link = selected(t);
	gchar *encoded;

	if (link == NULL)
		return;
	encoded = g_base64_encode((const guchar *)link, strlen(link));
	if (encoded == NULL)
		return;
	refresh();
	printf("\033]52;c;%s\a", encoded);
	fflush(stdout);
	g_free(encoded);
	tui_say(t, false, "copied %s (to the terminal's clipboard)", link);
}

void
tui_links_command(struct tui *t, enum km_action a, const char *arg)
{
	(void)arg;
	if (a == KM_COPY) {
		if (t->screen == SCREEN_LINKS)
			copy_link(t);
		return;
	}
	if (t->screen == SCREEN_LINKS) {
		open_link(t);
		return;
	}
	if (t->screen != SCREEN_PAGER) {
		tui_say(t, true, "links: open a thread first (Enter), then u");
		return;
	}
	if (t->pager.n_links == 0) {
		tui_say(t, false, "this thread has no links");
		return;
	}
	t->links_cur.sel = t->links_cur.top = 0;
	t->screen = SCREEN_LINKS;
}
