/*
 * Key bindings: the default table, key notation, the user's overrides
 * and sequence matching.
 *
 * Defaults follow mutt and vi: j/k, g/G, PgUp/PgDn, Enter, q, /, n/N, ?,
 * ':'. Triage keys sit behind the ',' prefix, which mutt leaves unbound,
 * so a mutt user's fingers never trigger them by accident.
 */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keymap.h"

#define CTRL(c) (0x1f & (c))

static const struct {
	const char *name;
	const char *help;
} actions[KM_ACTIONS] = {
	[KM_NONE] = { "none", "unbind the key" },
	[KM_UP] = { "up", "previous line" },
	[KM_DOWN] = { "down", "next line" },
	[KM_PAGE_UP] = { "page-up", "previous page" },
	[KM_PAGE_DOWN] = { "page-down", "next page" },
	[KM_HALF_UP] = { "half-page-up", "half a page up" },
	[KM_HALF_DOWN] = { "half-page-down", "half a page down" },
	[KM_TOP] = { "top", "first line" },
	[KM_BOTTOM] = { "bottom", "last line" },
	[KM_OPEN] = { "open", "open the selected folder or thread, or what a pane's line names" },
	[KM_BACK] = { "back", "back one level (from a search: to its folder); quit from a folder" },
	[KM_QUIT] = { "quit", "quit vtriage" },
	[KM_SEARCH] = { "search", "search (notmuch syntax, vendor:, bucket:, waiting:, issue:)" },
	[KM_SEARCH_NEXT] = { "search-next", "next match of the last search" },
	[KM_SEARCH_PREV] = { "search-prev", "previous match of the last search" },
	[KM_HELP_SHOW] = { "help", "this help" },
	[KM_COMMAND] = { "command", "command line (Tab completes)" },
	[KM_FOCUS_NEXT] = { "focus-next", "next pane" },
	[KM_FOCUS_PREV] = { "focus-prev", "previous pane" },
	[KM_TOGGLE_PANES] = { "toggle-panes", "show or hide the vendor panes" },
	[KM_FOLDER_NEXT] = { "folder-next", "next folder" },
	[KM_FOLDER_PREV] = { "folder-prev", "previous folder" },
	[KM_PROMOTE] = { "promote", "promote the vendor: trusted, own folder" },
	[KM_DEMOTE] = { "demote", "demote the vendor to the generic bucket" },
	[KM_ISSUE_OPEN] = { "issue-open", "open an issue linked to the thread" },
	[KM_ISSUE_CLOSE] = { "issue-close", "close the thread's issue (else the vendor's oldest)" },
	[KM_CONTACT_ROLE] = { "contact-role", "set the role of the thread's sender" },
	[KM_ARCHIVE] = { "archive", "archive the thread (remove tag inbox)" },
	[KM_TOGGLE_READ] = { "toggle-read", "mark the thread read or unread" },
	[KM_UNDO] = { "undo", "undo the last triage action" },
	[KM_SYNC] = { "sync", "sync IMAP accounts (else index) in the background" },
	[KM_REDRAW] = { "redraw", "read the index and the store again, and redraw the screen" },
	[KM_SORT] = { "sort",
		      "order the list by date or amount (:sort vendor, sender, subject too)" },
	[KM_TOGGLE_FOLDERS] = { "toggle-folders", "show or hide the folder list" },
	[KM_TOGGLE_FLAG] = { "toggle-flag", "flag the thread or unflag it (F in the list)" },
	[KM_NEXT_MESSAGE] = { "next-message", "the next message of the thread" },
	[KM_PREV_MESSAGE] = { "prev-message", "the previous message of the thread" },
	[KM_TOGGLE_HEADERS] = { "toggle-headers", "show or hide To, Cc and Date" },
	[KM_ATTACHMENTS] = { "attachments", "the thread's attachments: type, size; save, open" },
	[KM_SAVE] = { "save", "save the attachment to a file (Tab completes the path)" },
	[KM_ISSUE_LINK] = { "issue-link", "link the thread to an issue (:issue-link N)" },
	[KM_RENAME] = { "rename", "rename the vendor (:rename NAME)" },
	[KM_MERGE] = { "merge", "merge the vendor into another (:merge SLUG; Tab completes)" },
	[KM_ADD_DOMAIN] = { "add-domain", "add a domain to the vendor (:add-domain DOMAIN)" },
	[KM_TAG_ADD] = { "tag-add", "add a tag to the thread (Tab completes)" },
	[KM_TAG_REMOVE] = { "tag-remove", "remove a tag from the thread (Tab completes)" },
	[KM_TOGGLE_QUOTES] = { "toggle-quotes", "fold quoted text to one line, or show it" },
	[KM_LINKS] = { "links", "the thread's links: open (Enter), copy (y)" },
	[KM_COPY] = { "copy", "copy the link to the terminal's clipboard (OSC 52)" },
	[KM_DELETE] = { "delete", "move the thread to the Trash (tag deleted; ,u undoes)" },
	[KM_REPLY] = { "reply", "answer the thread's newest message (in $EDITOR, then send)" },
	[KM_REPLY_ALL] = { "reply-all", "answer it to all its recipients but you" },
	[KM_COMPOSE] = { "compose",
			 "write a new message, or resume a postponed draft (:compose ADDRESS)" },
	[KM_CONTRACT] = { "contract",
			  "accept or reject the thread's contract dates (:contract set DATE, remove N)" },
	[KM_SNOOZE] = { "snooze", "put the thread away until a date (3d, 2w, mon, YYYY-MM-DD); "
				  "empty: back now" },
	[KM_REPORT] = { "report", "the vendor's report in the pager (:report [SLUG])" },
	[KM_BANK_ACCEPT] = { "bank-accept",
			     "accept the vendor's changed bank details once you verified them "
			     "(:bank-accept IBAN)" },
	[KM_FORWARD] = { "forward",
			 "forward the thread's newest message inline (:forward ADDRESS)" },
};

static const char *const contexts[KM_CONTEXTS] = { "main", "pager", "help", "attachments",
						   "links" };

/* The defaults, as text: the same notation users write. */
static const struct {
	enum km_context context;
	enum km_action action;
	const char *keys;
} defaults[] = {
	{ KM_MAIN, KM_UP, "k <Up>" },
	{ KM_MAIN, KM_DOWN, "j <Down>" },
	{ KM_MAIN, KM_PAGE_UP, "<PageUp> <C-b>" },
	{ KM_MAIN, KM_PAGE_DOWN, "<PageDown> <C-f> <Space>" },
	{ KM_MAIN, KM_HALF_UP, "<C-u>" },
	{ KM_MAIN, KM_HALF_DOWN, "<C-d>" },
	{ KM_MAIN, KM_TOP, "g <Home>" },
	{ KM_MAIN, KM_BOTTOM, "G <End>" },
	{ KM_MAIN, KM_OPEN, "<Enter> <Right>" },
	{ KM_MAIN, KM_BACK, "q" },
	{ KM_MAIN, KM_QUIT, "Q" },
	{ KM_MAIN, KM_SEARCH, "/" },
	{ KM_MAIN, KM_SEARCH_NEXT, "n" },
	{ KM_MAIN, KM_SEARCH_PREV, "N" },
	{ KM_MAIN, KM_HELP_SHOW, "? <F1>" },
	{ KM_MAIN, KM_COMMAND, ":" },
	{ KM_MAIN, KM_FOCUS_NEXT, "<Tab>" },
	{ KM_MAIN, KM_FOCUS_PREV, "<BTab>" },
	{ KM_MAIN, KM_TOGGLE_PANES, "P" },
	{ KM_MAIN, KM_FOLDER_NEXT, "J" },
	{ KM_MAIN, KM_FOLDER_PREV, "K" },
	{ KM_MAIN, KM_PROMOTE, ",t" },
	{ KM_MAIN, KM_DEMOTE, ",g" },
	{ KM_MAIN, KM_ISSUE_OPEN, ",i" },
	{ KM_MAIN, KM_ISSUE_CLOSE, ",c" },
	{ KM_MAIN, KM_CONTACT_ROLE, ",r" },
	{ KM_MAIN, KM_ISSUE_LINK, ",l" },
	{ KM_MAIN, KM_RENAME, ",n" },
	{ KM_MAIN, KM_MERGE, ",m" },
	{ KM_MAIN, KM_ADD_DOMAIN, ",d" },
	{ KM_MAIN, KM_TAG_ADD, "+" },
	{ KM_MAIN, KM_TAG_REMOVE, "-" },
	{ KM_MAIN, KM_DELETE, "d" },
	{ KM_MAIN, KM_REPLY, "r" },
	{ KM_MAIN, KM_REPLY_ALL, "R" },
	{ KM_MAIN, KM_COMPOSE, "m" },
	{ KM_MAIN, KM_FORWARD, "f" },
	{ KM_MAIN, KM_CONTRACT, ",e" },
	{ KM_MAIN, KM_SNOOZE, "z" },
	{ KM_MAIN, KM_ARCHIVE, ",a" },
	{ KM_MAIN, KM_TOGGLE_READ, ",s" },
	{ KM_MAIN, KM_UNDO, ",u" },
	{ KM_MAIN, KM_SYNC, ",y" },
	{ KM_MAIN, KM_REDRAW, "<C-l>" },
	{ KM_MAIN, KM_SORT, "o" },
	{ KM_MAIN, KM_TOGGLE_FOLDERS, "B" },
	{ KM_MAIN, KM_TOGGLE_FLAG, "F" },
	{ KM_MAIN, KM_ATTACHMENTS, "v" },
	{ KM_PAGER, KM_UP, "k <Up>" },
	{ KM_PAGER, KM_DOWN, "j <Down> <Enter>" },
	{ KM_PAGER, KM_PAGE_UP, "<PageUp> <C-b> -" },
	{ KM_PAGER, KM_PAGE_DOWN, "<PageDown> <C-f> <Space>" },
	{ KM_PAGER, KM_HALF_UP, "<C-u>" },
	{ KM_PAGER, KM_HALF_DOWN, "<C-d>" },
	{ KM_PAGER, KM_TOP, "g <Home>" },
	{ KM_PAGER, KM_BOTTOM, "G <End>" },
	{ KM_PAGER, KM_BACK, "q <Left>" },
	{ KM_PAGER, KM_QUIT, "Q" },
	{ KM_PAGER, KM_NEXT_MESSAGE, "J" },
	{ KM_PAGER, KM_PREV_MESSAGE, "K" },
	{ KM_PAGER, KM_TOGGLE_HEADERS, "h" },
	{ KM_PAGER, KM_TOGGLE_QUOTES, "T" },
	{ KM_PAGER, KM_LINKS, "u" },
	{ KM_PAGER, KM_DELETE, "d" },
	{ KM_PAGER, KM_REPLY, "r" },
	{ KM_PAGER, KM_REPLY_ALL, "R" },
	{ KM_PAGER, KM_COMPOSE, "m" },
	{ KM_PAGER, KM_FORWARD, "f" },
	{ KM_PAGER, KM_SEARCH, "/" },
	{ KM_PAGER, KM_SEARCH_NEXT, "n" },
	{ KM_PAGER, KM_SEARCH_PREV, "N" },
	{ KM_PAGER, KM_HELP_SHOW, "? <F1>" },
	{ KM_PAGER, KM_ATTACHMENTS, "v" },
	{ KM_PAGER, KM_COMMAND, ":" },
	{ KM_PAGER, KM_PROMOTE, ",t" },
	{ KM_PAGER, KM_DEMOTE, ",g" },
	{ KM_PAGER, KM_ISSUE_OPEN, ",i" },
	{ KM_PAGER, KM_ISSUE_CLOSE, ",c" },
	{ KM_PAGER, KM_CONTACT_ROLE, ",r" },
	{ KM_PAGER, KM_ISSUE_LINK, ",l" },
	{ KM_PAGER, KM_RENAME, ",n" },
	{ KM_PAGER, KM_MERGE, ",m" },
	{ KM_PAGER, KM_ADD_DOMAIN, ",d" },
	{ KM_PAGER, KM_CONTRACT, ",e" },
	{ KM_PAGER, KM_SNOOZE, "z" },
	{ KM_PAGER, KM_TAG_ADD, "+" },
	{ KM_PAGER, KM_TOGGLE_FLAG, "F" },
	{ KM_PAGER, KM_UNDO, ",u" },
	{ KM_PAGER, KM_REDRAW, "<C-l>" },
	{ KM_HELP, KM_UP, "k <Up>" },
	{ KM_HELP, KM_DOWN, "j <Down>" },
	{ KM_HELP, KM_PAGE_UP, "<PageUp> <C-b>" },
	{ KM_HELP, KM_PAGE_DOWN, "<PageDown> <C-f> <Space>" },
	{ KM_HELP, KM_TOP, "g <Home>" },
	{ KM_HELP, KM_BOTTOM, "G <End>" },
	{ KM_HELP, KM_BACK, "q ? <Esc> <Enter>" },
	{ KM_HELP, KM_QUIT, "Q" },
	{ KM_HELP, KM_REDRAW, "<C-l>" },
	{ KM_ATTACH, KM_UP, "k <Up>" },
	{ KM_ATTACH, KM_DOWN, "j <Down>" },
	{ KM_ATTACH, KM_PAGE_UP, "<PageUp> <C-b>" },
	{ KM_ATTACH, KM_PAGE_DOWN, "<PageDown> <C-f> <Space>" },
	{ KM_ATTACH, KM_TOP, "g <Home>" },
	{ KM_ATTACH, KM_BOTTOM, "G <End>" },
	{ KM_ATTACH, KM_OPEN, "<Enter> o" },
	{ KM_ATTACH, KM_SAVE, "s" },
	{ KM_ATTACH, KM_BACK, "q <Left>" },
	{ KM_ATTACH, KM_QUIT, "Q" },
	{ KM_ATTACH, KM_HELP_SHOW, "? <F1>" },
	{ KM_ATTACH, KM_COMMAND, ":" },
	{ KM_ATTACH, KM_REDRAW, "<C-l>" },
	{ KM_LINK_LIST, KM_UP, "k <Up>" },
	{ KM_LINK_LIST, KM_DOWN, "j <Down>" },
	{ KM_LINK_LIST, KM_PAGE_UP, "<PageUp> <C-b>" },
	{ KM_LINK_LIST, KM_PAGE_DOWN, "<PageDown> <C-f> <Space>" },
	{ KM_LINK_LIST, KM_TOP, "g <Home>" },
	{ KM_LINK_LIST, KM_BOTTOM, "G <End>" },
	{ KM_LINK_LIST, KM_OPEN, "<Enter> o" },
	{ KM_LINK_LIST, KM_COPY, "y" },
	{ KM_LINK_LIST, KM_BACK, "q <Left>" },
	{ KM_LINK_LIST, KM_QUIT, "Q" },
	{ KM_LINK_LIST, KM_HELP_SHOW, "? <F1>" },
	{ KM_LINK_LIST, KM_COMMAND, ":" },
	{ KM_LINK_LIST, KM_REDRAW, "<C-l>" },
};

static const struct {
	const char *name;
	int code;
} named_keys[] = {
	{ "Enter", '\n' },      { "Tab", '\t' },         { "BTab", KEY_BTAB },
	{ "Esc", 27 },          { "Space", ' ' },        { "Backspace", KEY_BACKSPACE },
	{ "Up", KEY_UP },       { "Down", KEY_DOWN },    { "Left", KEY_LEFT },
	{ "Right", KEY_RIGHT }, { "PageUp", KEY_PPAGE }, { "PageDown", KEY_NPAGE },
	{ "Home", KEY_HOME },   { "End", KEY_END },      { "Delete", KEY_DC },
	{ "lt", '<' },
};

const char *
km_action_name(enum km_action a)
{
	return a < KM_ACTIONS ? actions[a].name : "?";
}

const char *
km_action_help(enum km_action a)
{
	return a < KM_ACTIONS ? actions[a].help : "";
}

enum km_action
km_action_parse(const char *name)
{
	for (int a = 0; a < KM_ACTIONS; a++)
		if (strcmp(actions[a].name, name) == 0)
			return (enum km_action)a;
	return KM_ACTIONS;
}

const char *
km_context_name(enum km_context c)
{
	return c < KM_CONTEXTS ? contexts[c] : "?";
}

/* One key at *s: a character or <Name>; advances *s. 0 when bad. */
static int
parse_one(const char **s)
{
	const char *p = *s, *end;
	char name[16];
	size_t n;

	if (*p != '<' || p[1] == '\0' || (end = strchr(p, '>')) == NULL || end == p + 1) {
		/* a plain character: one byte, ASCII printable */
		if ((unsigned char)*p < 0x21 || (unsigned char)*p > 0x7e)
			return 0;
		*s = p + 1;
		return (unsigned char)*p;
	}
	n = (size_t)(end - p - 1);
	if (n >= sizeof name)
		return 0;
	memcpy(name, p + 1, n);
	name[n] = '\0';
	*s = end + 1;
	if (n == 3 && (name[0] == 'C' || name[0] == 'c') && name[1] == '-') {
		char c = name[2];

		if (c >= 'a' && c <= 'z')
			return CTRL(c);
		if (c >= '@' && c <= '_')
			return CTRL(c);
		return 0;
	}
	if ((name[0] == 'F' || name[0] == 'f') && name[1] >= '1' && name[1] <= '9') {
		int f = atoi(name + 1);

		return f >= 1 && f <= 12 ? KEY_F(f) : 0;
	}
	for (size_t i = 0; i < sizeof named_keys / sizeof named_keys[0]; i++)
		if (strcasecmp(named_keys[i].name, name) == 0)
			return named_keys[i].code;
	return 0;
}

bool
km_parse_keys(const char *text, int keys[KM_SEQ_MAX])
{
	const char *p = text;
	int n = 0;

	memset(keys, 0, KM_SEQ_MAX * sizeof *keys);
	while (*p != '\0') {
		int k;

		if (n == KM_SEQ_MAX || (k = parse_one(&p)) == 0)
			return false;
		keys[n++] = k;
	}
	return n > 0;
}

void
km_format_keys(const int keys[KM_SEQ_MAX], char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (int i = 0; i < KM_SEQ_MAX && keys[i] != 0 && used < len; i++) {
		const char *name = NULL;
		char tmp[16];
		int k = keys[i];

		for (size_t j = 0; j < sizeof named_keys / sizeof named_keys[0]; j++)
			if (named_keys[j].code == k)
				name = named_keys[j].name;
		if (name != NULL)
			snprintf(tmp, sizeof tmp, "<%s>", name);
		else if (k >= KEY_F(1) && k <= KEY_F(12))
			snprintf(tmp, sizeof tmp, "<F%d>", k - KEY_F(0));
		else if (k > 0 && k < 0x20)
			snprintf(tmp, sizeof tmp, "<C-%c>", k + 'a' - 1);
		else if (k >= 0x21 && k <= 0x7e)
			snprintf(tmp, sizeof tmp, "%c", k);
		else
			snprintf(tmp, sizeof tmp, "<%d>", k);
		used += (size_t)snprintf(buf + used, len - used, "%s", tmp);
	}
}

static bool
add(struct keymap *km, enum km_context ctx, const int keys[KM_SEQ_MAX], enum km_action action)
{
	struct km_binding *grown;

	/* A new binding of the same keys replaces the old one. */
	for (size_t i = 0; i < km->count; i++)
		if (km->bindings[i].context == ctx &&
		    memcmp(km->bindings[i].keys, keys, sizeof km->bindings[i].keys) == 0) {
			km->bindings[i].action = action;
			return true;
		}
	grown = realloc(km->bindings, (km->count + 1) * sizeof *grown);
	if (grown == NULL)
		return false;
	km->bindings = grown;
	grown[km->count].context = ctx;
	memcpy(grown[km->count].keys, keys, sizeof grown[km->count].keys);
	grown[km->count].action = action;
	km->count++;
	return true;
}

/* Binds every space-separated key of text to action; the bad key is
 * copied to *bad. */
static bool
bind_all(struct keymap *km, enum km_context ctx, const char *text, enum km_action action, char *bad,
	 size_t bad_len)
{
	char *copy = strdup(text), *tok, *save = NULL;
	bool ok = copy != NULL;
	int keys[KM_SEQ_MAX];

	for (tok = ok ? strtok_r(copy, " \t", &save) : NULL; ok && tok;
	     tok = strtok_r(NULL, " \t", &save)) {
		if (!km_parse_keys(tok, keys)) {
			snprintf(bad, bad_len, "%s", tok);
			ok = false;
		} else if (!add(km, ctx, keys, action)) {
			ok = false;
		}
	}
	free(copy);
	return ok;
}

/* No binding may be a prefix of another: the longer could never fire. */
static const struct km_binding *
shadowed(const struct keymap *km, const struct km_binding **by)
{
	for (size_t i = 0; i < km->count; i++)
		for (size_t j = 0; j < km->count; j++) {
			const struct km_binding *a = &km->bindings[i], *b = &km->bindings[j];
			int n = 0;

			if (i == j || a->context != b->context || a->action == KM_NONE ||
			    b->action == KM_NONE)
				continue;
			while (n < KM_SEQ_MAX && a->keys[n] != 0 && a->keys[n] == b->keys[n])
				n++;
			if (n < KM_SEQ_MAX && a->keys[n] == 0 && b->keys[n] != 0) {
				*by = a;
				return b;
			}
		}
	return NULL;
}

vt_status
km_load(const struct vt_config *cfg, struct keymap *out, struct vt_error *err)
{
	const char *file = cfg && cfg->path ? cfg->path : "config";
	const struct km_binding *hidden, *by;
	char bad[64];

	memset(out, 0, sizeof *out);
	for (size_t i = 0; i < sizeof defaults / sizeof defaults[0]; i++)
		if (!bind_all(out, defaults[i].context, defaults[i].keys, defaults[i].action, bad,
			      sizeof bad)) {
			km_free(out);
			return vt_fail(err, VT_ERR_INTERNAL, "default key '%s' is bad", bad);
		}
	for (size_t i = 0; cfg != NULL && i < cfg->n_entries; i++) {
		const struct vt_config_entry *e = &cfg->entries[i];
		enum km_context ctx = KM_MAIN;
		const char *name = e->key, *dot = strchr(e->key, '.');
		enum km_action action;

		if (strcmp(e->section, "keys") != 0)
			continue;
		if (dot != NULL) {
			ctx = KM_CONTEXTS;
			for (int c = 0; c < KM_CONTEXTS; c++)
				if (strlen(contexts[c]) == (size_t)(dot - e->key) &&
				    strncmp(contexts[c], e->key, (size_t)(dot - e->key)) == 0)
					ctx = (enum km_context)c;
			if (ctx == KM_CONTEXTS) {
				km_free(out);
				return vt_fail(
					err, VT_ERR_CONFIG,
					"%s:%d: [keys] %s: unknown screen '%.*s' (main, pager,"
					" help)",
					file, e->line, e->key, (int)(dot - e->key), e->key);
			}
			name = dot + 1;
		}
		if ((action = km_action_parse(name)) == KM_ACTIONS) {
			km_free(out);
			return vt_fail(
				err, VT_ERR_CONFIG,
				"%s:%d: [keys] %s: unknown action '%s' (see the help screen, ?)",
				file, e->line, e->key, name);
		}
		/* a line binds its keys beside the defaults: one without keys
		 * would change nothing, though it reads as an unbinding */
		if (e->value == NULL || e->value[strspn(e->value, " \t")] == '\0') {
			km_free(out);
			return vt_fail(err, VT_ERR_CONFIG,
				       "%s:%d: [keys] %s: no keys (to unbind a key: none = KEY)",
				       file, e->line, e->key);
		}
		bad[0] = '\0';
		if (!bind_all(out, ctx, e->value, action, bad, sizeof bad)) {
			km_free(out);
			if (bad[0] == '\0')
				return vt_fail(err, VT_ERR_NOMEM, "out of memory");
			return vt_fail(err, VT_ERR_CONFIG, "%s:%d: [keys] %s: bad key '%s'", file,
				       e->line, e->key, bad);
		}
	}
	if ((hidden = shadowed(out, &by)) != NULL) {
		char a[32], b[32];

		km_format_keys(hidden->keys, a, sizeof a);
		km_format_keys(by->keys, b, sizeof b);
		vt_fail(err, VT_ERR_CONFIG,
			"%s: [keys]: '%s' (%s) can never be typed: '%s' (%s) comes first in %s",
			file, a, km_action_name(hidden->action), b, km_action_name(by->action),
			km_context_name(hidden->context));
		km_free(out);
		return VT_ERR_CONFIG;
	}
	return VT_OK;
}

void
km_free(struct keymap *km)
{
	free(km->bindings);
	km->bindings = NULL;
	km->count = 0;
}

enum km_action
km_feed(const struct keymap *km, enum km_context ctx, int key, int pending[KM_SEQ_MAX],
	int *n_pending)
{
	bool prefix = false;

	if (*n_pending >= KM_SEQ_MAX)
		*n_pending = 0;
	pending[(*n_pending)++] = key;
	for (size_t i = 0; i < km->count; i++) {
		const struct km_binding *b = &km->bindings[i];
		int n;

		if (b->context != ctx || b->action == KM_NONE)
			continue;
		for (n = 0; n < *n_pending && b->keys[n] == pending[n]; n++)
			;
		if (n < *n_pending)
			continue;
		if (n == KM_SEQ_MAX || b->keys[n] == 0) {
			*n_pending = 0;
			return b->action;
		}
		prefix = true;
	}
	if (!prefix)
		*n_pending = 0;
	return KM_NONE;
}

void
km_describe(const struct keymap *km, enum km_context ctx, enum km_action action, char *buf,
	    size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < km->count && used + 1 < len; i++) {
		char keys[32];

		if (km->bindings[i].context != ctx || km->bindings[i].action != action)
			continue;
		km_format_keys(km->bindings[i].keys, keys, sizeof keys);
		used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? " " : "", keys);
	}
}
