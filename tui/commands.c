/*
 * The interface's commands: one table that key bindings, the ':' line,
 * its Tab completion and the ? help all read, as tmux binds keys to
 * command names. keymaps/keymap.c names each action (the name [keys]
 * rebinds and ':' types) and binds the default keys; an entry here says
 * what the action does, whether ':' offers it and what its argument is.
 * Adding a command is a row here (and its name and help there).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "private.h"

/* What follows a command's name on the ':' line. */
enum tui_arg {
	ARG_NONE,
	ARG_TEXT,    /* free text: a query, a title */
	ARG_VENDOR,  /* a vendor slug (Tab completes) */
	ARG_ROLE,    /* a contact role (Tab completes) */
	ARG_ACCOUNT, /* an [account NAME] (Tab completes) */
	ARG_NUMBER,  /* an issue number */
	ARG_PATH,    /* a file's path (Tab completes) */
};

struct tui_command {
	enum km_action action;
	/* arg: the ':' line's argument, NULL from a key (the command asks) */
	void (*run)(struct tui *t, enum km_action a, const char *arg);
	bool colon;        /* offered on the ':' line */
	enum tui_arg arg;  /* what follows the name there */
	const char *usage; /* the argument, for ? help: "[SLUG]" */
	const char *alias; /* another ':' name, kept for old habits */
};

static void
run_move(struct tui *t, enum km_action a, const char *arg)
{
	(void)arg;
	tui_move_by(t, a);
}

static void
run_open(struct tui *t, enum km_action a, const char *arg)
{
	(void)a;
	(void)arg;
	if (t->screen == SCREEN_ATTACH) {
		tui_attachments_open(t);
	} else if (t->screen == SCREEN_LINKS) {
		tui_links_command(t, KM_OPEN, NULL);
	} else if (t->focus == FOCUS_FOLDERS) {
		tui_open_folder(t, t->fcur.sel);
		t->focus = FOCUS_THREADS;
	} else if (t->focus == FOCUS_THREADS) {
		tui_open_thread(t);
	} else if (t->focus >= FOCUS_PANE) {
		tui_open_pane_row(t, t->focus - FOCUS_PANE);
	}
}

static void
run_back(struct tui *t, enum km_action a, const char *arg)
{
	(void)a;
	(void)arg;
	if (t->screen == SCREEN_HELP)
		t->screen = t->help_from;
	else if (t->screen == SCREEN_ATTACH)
		t->screen = t->attach_from;
	else if (t->screen == SCREEN_LINKS)
		t->screen = SCREEN_PAGER;
	else if (t->screen == SCREEN_PAGER)
		t->screen = SCREEN_MAIN;
	else if (t->searching) {
		/* from a search, back to the folder it was made from */
		tui_open_folder(t, t->fcur.sel);
		t->focus = FOCUS_THREADS;
	} else
		t->quit = true;
}

static void
run_quit(struct tui *t, enum km_action a, const char *arg)
{
	(void)a;
	(void)arg;
	t->quit = true;
}

/* A search in the thread list; in the pager, a find in the thread. */
static void
run_search(struct tui *t, enum km_action a, const char *arg)
{
	char *line = arg ? strdup(arg) : tui_prompt(t, "Search: ", NULL, NULL);

	(void)a;
	if (line != NULL && *line != '\0') {
		if (t->screen == SCREEN_PAGER) {
			free(t->search);
			t->search = strdup(line);
			tui_find_next(t, 1);
		} else {
			tui_run_search(t, line);
		}
	}
	free(line);
}

static void
run_find(struct tui *t, enum km_action a, const char *arg)
{
	(void)arg;
	tui_find_next(t, a == KM_SEARCH_NEXT ? 1 : -1);
}

static void
run_help(struct tui *t, enum km_action a, const char *arg)
{
	(void)a;
	(void)arg;
	t->help_from = t->screen;
	tui_build_help(t);
	t->screen = SCREEN_HELP;
}

static void
run_command_line(struct tui *t, enum km_action a, const char *arg)
{
	char *line = tui_prompt(t, ":", NULL, tui_complete_command);

	(void)a;
	(void)arg;
	if (line != NULL)
		tui_run_command(t, line);
	free(line);
}

static void
run_focus(struct tui *t, enum km_action a, const char *arg)
{
	(void)arg;
	tui_cycle_focus(t, a == KM_FOCUS_NEXT ? 1 : -1);
}

static void
run_toggle_panes(struct tui *t, enum km_action a, const char *arg)
{
	(void)a;
	(void)arg;
	t->panes_wanted = !t->panes_wanted;
	tui_layout_compute(COLS, LINES, t->panes_wanted, &t->layout_prefs, &t->layout);
	if (!t->panes_wanted && t->focus >= FOCUS_PANE)
		t->focus = FOCUS_THREADS;
	/* over the list, the panes are what the keys move in */
	else if (t->panes_wanted && t->layout.panes_overlay)
		t->focus = FOCUS_PANE;
}

static void
run_toggle_folders(struct tui *t, enum km_action a, const char *arg)
{
	(void)a;
	(void)arg;
	t->layout_prefs.folders = t->layout.folders_w > 0 ? 0 : 1;
	tui_layout_compute(COLS, LINES, t->panes_wanted, &t->layout_prefs, &t->layout);
	if (t->layout.folders_w == 0 && t->focus == FOCUS_FOLDERS)
		t->focus = FOCUS_THREADS;
	else if (t->layout.folders_w > 0)
		t->focus = FOCUS_FOLDERS;
}

static void
run_folder(struct tui *t, enum km_action a, const char *arg)
{
	(void)arg;
	tui_open_folder(t, t->fcur.sel + (a == KM_FOLDER_NEXT ? 1 : -1));
}

static void
run_bucket(struct tui *t, enum km_action a, const char *arg)
{
	tui_act_bucket(t, arg, a == KM_PROMOTE ? VT_BUCKET_TRUSTED : VT_BUCKET_GENERIC);
}

static void
run_issue(struct tui *t, enum km_action a, const char *arg)
{
	if (a == KM_ISSUE_OPEN)
		tui_act_issue_open(t, arg);
	else
		tui_act_issue_close(t, arg);
}

/* The commands whose argument the action asks for when a key gives none. */
static void
run_asking(struct tui *t, enum km_action a, const char *arg)
{
	if (a == KM_CONTACT_ROLE)
		tui_act_role(t, arg);
	else if (a == KM_SYNC)
		tui_act_sync(t, arg);
	else
		tui_act_sort(t, arg);
}

static void
run_undo(struct tui *t, enum km_action a, const char *arg)
{
	(void)a;
	(void)arg;
	tui_act_undo(t);
}

static void
run_redraw(struct tui *t, enum km_action a, const char *arg)
{
	(void)a;
	(void)arg;
	/* what the screen shows, as the index and the store have it now
	 * (another tool's changes: notmuch tag, neomutt's flags) */
	if (!tui_bg_running(&t->sync.bg))
		tui_reload(t);
	clearok(curscr, TRUE);
}

static void
run_toggle_flag(struct tui *t, enum km_action a, const char *arg)
{
	(void)a;
	(void)arg;
	tui_act_toggle_flag(t);
}

static void
run_message(struct tui *t, enum km_action a, const char *arg)
{
	(void)arg;
	tui_act_message(t, a == KM_NEXT_MESSAGE ? 1 : -1);
}

static void
run_toggle_headers(struct tui *t, enum km_action a, const char *arg)
{
	(void)arg;
	tui_act_toggle_headers(t, a == KM_TOGGLE_QUOTES);
}

/* clang-format off */
static const struct tui_command commands[] = {
	{ .action = KM_UP, .run = run_move },
	{ .action = KM_DOWN, .run = run_move },
	{ .action = KM_PAGE_UP, .run = run_move },
	{ .action = KM_PAGE_DOWN, .run = run_move },
	{ .action = KM_HALF_UP, .run = run_move },
	{ .action = KM_HALF_DOWN, .run = run_move },
	{ .action = KM_TOP, .run = run_move },
	{ .action = KM_BOTTOM, .run = run_move },
	{ .action = KM_OPEN, .run = run_open },
	{ .action = KM_BACK, .run = run_back },
	{ .action = KM_QUIT, .run = run_quit, .colon = true, .alias = "q" },
	{ .action = KM_SEARCH, .run = run_search, .colon = true, .arg = ARG_TEXT, .usage = "QUERY" },
	{ .action = KM_SEARCH_NEXT, .run = run_find },
	{ .action = KM_SEARCH_PREV, .run = run_find },
	{ .action = KM_HELP_SHOW, .run = run_help, .colon = true },
	{ .action = KM_COMMAND, .run = run_command_line },
	{ .action = KM_FOCUS_NEXT, .run = run_focus },
	{ .action = KM_FOCUS_PREV, .run = run_focus },
	{ .action = KM_TOGGLE_PANES, .run = run_toggle_panes, .colon = true },
	{ .action = KM_TOGGLE_FOLDERS, .run = run_toggle_folders, .colon = true },
	{ .action = KM_TOGGLE_FLAG, .run = run_toggle_flag, .colon = true },
	{ .action = KM_NEXT_MESSAGE, .run = run_message },
	{ .action = KM_PREV_MESSAGE, .run = run_message },
	{ .action = KM_TOGGLE_HEADERS, .run = run_toggle_headers, .colon = true },
	{ .action = KM_TOGGLE_QUOTES, .run = run_toggle_headers, .colon = true },
	{ .action = KM_LINKS, .run = tui_links_command, .colon = true },
	{ .action = KM_COPY, .run = tui_links_command },
	{ .action = KM_ATTACHMENTS, .run = tui_attachments_command, .colon = true },
	{ .action = KM_SAVE, .run = tui_attachments_command, .colon = true, .arg = ARG_PATH,
	  .usage = "[PATH]" },
	{ .action = KM_FOLDER_NEXT, .run = run_folder },
	{ .action = KM_FOLDER_PREV, .run = run_folder },
	{ .action = KM_PROMOTE, .run = run_bucket, .colon = true, .arg = ARG_VENDOR, .usage = "[SLUG]" },
	{ .action = KM_DEMOTE, .run = run_bucket, .colon = true, .arg = ARG_VENDOR, .usage = "[SLUG]" },
	{ .action = KM_ISSUE_OPEN, .run = run_issue, .colon = true, .arg = ARG_TEXT, .usage = "[TITLE]" },
	{ .action = KM_ISSUE_CLOSE, .run = run_issue, .colon = true, .arg = ARG_NUMBER, .usage = "[N]" },
	{ .action = KM_CONTACT_ROLE, .run = run_asking, .colon = true, .arg = ARG_ROLE, .usage = "[ROLE]",
	  .alias = "role" },
	{ .action = KM_ISSUE_LINK, .run = tui_triage_command, .colon = true, .arg = ARG_NUMBER,
	  .usage = "[N]", .alias = "link" },
	{ .action = KM_RENAME, .run = tui_triage_command, .colon = true, .arg = ARG_TEXT,
	  .usage = "[NAME]" },
	{ .action = KM_MERGE, .run = tui_triage_command, .colon = true, .arg = ARG_VENDOR,
	  .usage = "[INTO-SLUG]" },
	{ .action = KM_ADD_DOMAIN, .run = tui_triage_command, .colon = true, .arg = ARG_TEXT,
	  .usage = "[DOMAIN]" },
	{ .action = KM_TAG_ADD, .run = tui_triage_command, .colon = true, .arg = ARG_TEXT,
	  .usage = "[TAG]" },
	{ .action = KM_TAG_REMOVE, .run = tui_triage_command, .colon = true, .arg = ARG_TEXT,
	  .usage = "[TAG]" },
	{ .action = KM_BANK_ACCEPT, .run = tui_triage_command, .colon = true, .arg = ARG_TEXT,
	  .usage = "[IBAN]" },
	{ .action = KM_DELETE, .run = tui_triage_command, .colon = true },
	{ .action = KM_REPLY, .run = tui_compose_command, .colon = true },
	{ .action = KM_REPLY_ALL, .run = tui_compose_command, .colon = true },
	{ .action = KM_COMPOSE, .run = tui_compose_command, .colon = true, .arg = ARG_TEXT,
	  .usage = "[ADDRESS]" },
	{ .action = KM_FORWARD, .run = tui_compose_command, .colon = true, .arg = ARG_TEXT,
	  .usage = "[ADDRESS]" },
	{ .action = KM_CONTRACT, .run = tui_contract_command, .colon = true },
	{ .action = KM_REPORT, .run = tui_report_command, .colon = true, .arg = ARG_VENDOR,
	  .usage = "[SLUG]" },
	{ .action = KM_SNOOZE, .run = tui_snooze_command, .colon = true, .arg = ARG_TEXT,
	  .usage = "[WHEN]" },
	{ .action = KM_ARCHIVE, .run = tui_triage_command, .colon = true },
	{ .action = KM_TOGGLE_READ, .run = tui_triage_command, .colon = true },
	{ .action = KM_UNDO, .run = run_undo, .colon = true },
	{ .action = KM_SYNC, .run = run_asking, .colon = true, .arg = ARG_ACCOUNT, .usage = "[ACCOUNT]" },
	{ .action = KM_REDRAW, .run = run_redraw, .colon = true },
	{ .action = KM_SORT, .run = run_asking, .colon = true, .arg = ARG_TEXT,
	  .usage = "[date|amount|vendor|sender|subject|age]" },
};
/* clang-format on */

#define N_COMMANDS (sizeof commands / sizeof commands[0])

void
tui_handle(struct tui *t, enum km_action a)
{
	for (size_t i = 0; i < N_COMMANDS; i++)
		if (commands[i].action == a) {
			commands[i].run(t, a, NULL);
			return;
		}
}

/* The ':' command called name (its action's name or its alias). */
static const struct tui_command *
find_colon(const char *name, size_t len)
{
	for (size_t i = 0; i < N_COMMANDS; i++) {
		const char *full = km_action_name(commands[i].action);
		const char *alias = commands[i].alias;

		if (!commands[i].colon)
			continue;
		if ((strlen(full) == len && strncmp(full, name, len) == 0) ||
		    (alias != NULL && strlen(alias) == len && strncmp(alias, name, len) == 0))
			return &commands[i];
	}
	return NULL;
}

void
tui_run_command(struct tui *t, const char *line)
{
	const struct tui_command *c;
	char *arg;
	size_t len, n;

	line += strspn(line, " ");
	if ((len = strcspn(line, " ")) == 0)
		return;
	if ((c = find_colon(line, len)) == NULL) {
		tui_say(t, true, "unknown command '%.*s' (Tab completes; ? for help)", (int)len,
			line);
		return;
	}
	/* completion leaves a space after the word */
	arg = strdup(line + len + strspn(line + len, " "));
	n = arg ? strlen(arg) : 0;
	while (n > 0 && arg[n - 1] == ' ')
		arg[--n] = '\0';
	c->run(t, c->action, arg != NULL && *arg != '\0' ? arg : NULL);
	free(arg);
}

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

/* "NAME WORD" for each word starting with the typed prefix. */
static void
push_words(char ***out, size_t *n, const char *name, size_t name_len, const char *prefix,
	   const char *const *words, size_t n_words)
{
	for (size_t i = 0; i < n_words; i++) {
		char *full = NULL;

		if (words[i] == NULL || strncmp(words[i], prefix, strlen(prefix)) != 0)
			continue;
		if (asprintf(&full, "%.*s %s", (int)name_len, name, words[i]) >= 0)
			push_option(out, n, full);
		free(full);
	}
}

size_t
tui_complete_command(struct tui *t, const char *line, char ***out)
{
	const char *space = strchr(line, ' ');
	const struct tui_command *c;
	size_t n = 0, len;

	*out = NULL;
	if (space == NULL) {
		for (size_t i = 0; i < N_COMMANDS; i++) {
			const char *name = km_action_name(commands[i].action);

			if (commands[i].colon && strncmp(name, line, strlen(line)) == 0)
				push_option(out, &n, name);
		}
		return n;
	}
	len = (size_t)(space - line);
	if ((c = find_colon(line, len)) == NULL)
		return 0;
	if (c->arg == ARG_VENDOR) {
		struct vt_vendor_list list;
		struct vt_error err = { 0 };

		if (vt_vendor_list(t->store, NULL, &list, &err) != VT_OK)
			return 0;
		for (size_t i = 0; i < list.count; i++)
			push_words(out, &n, line, len, space + 1,
				   (const char *const *)&list.items[i].slug, 1);
		vt_vendor_list_clear(&list);
	} else if (c->arg == ARG_PATH) {
		char **paths = NULL;
		size_t k = tui_complete_path(t, space + 1, &paths);

		for (size_t i = 0; i < k; i++) {
			push_words(out, &n, line, len, "", (const char *const *)&paths[i], 1);
			free(paths[i]);
		}
		free(paths);
	} else if (c->arg == ARG_ROLE) {
		const char *const *roles = vt_role_names();
		size_t k = 0;

		while (roles[k] != NULL)
			k++;
		push_words(out, &n, line, len, space + 1, roles, k);
	} else if (c->arg == ARG_ACCOUNT) {
		for (size_t i = 0; i < t->cfg->n_entries; i++) {
			const struct vt_config_entry *e = &t->cfg->entries[i];

			/* each account once: its first line names it */
			if (strcmp(e->section, "account") == 0 && e->name != NULL &&
			    !vt_config_has_account(t->cfg, e->name, i))
				push_words(out, &n, line, len, space + 1,
					   (const char *const *)&e->name, 1);
		}
	}
	return n;
}

void
tui_commands_help(char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < N_COMMANDS && used < len; i++) {
		int w;

		if (!commands[i].colon)
			continue;
		w = snprintf(buf + used, len - used, "%s%s%s%s", used ? "  " : "",
			     km_action_name(commands[i].action), commands[i].usage ? " " : "",
			     commands[i].usage ? commands[i].usage : "");
		if (w < 0)
			break;
		used += (size_t)w;
	}
}
