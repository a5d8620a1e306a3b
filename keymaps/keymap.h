/*
 * keymaps/ — key bindings as data.
 *
 * The default bindings are a table (in keymaps/keymap.c); the user's
 * [keys] section rebinds actions ("promote = ,t", "pager.quit = x q");
 * the help overlay is generated from the same table. Keys are ncurses
 * key codes; sequences (a prefix key, then a key) are up to KM_SEQ_MAX
 * long. Nothing here draws: it is unit-tested without a terminal.
 *
 * Key notation: a printable character stands for itself; special keys in
 * angle brackets: <Enter> <Tab> <BTab> <Esc> <Space> <Backspace> <Up>
 * <Down> <Left> <Right> <PageUp> <PageDown> <Home> <End> <F1>..<F12>
 * <C-x> (control) and <lt> for '<'. A binding may list several keys
 * separated by spaces; a key written as two characters (",t") is a
 * sequence.
 */
#ifndef VT_KEYMAP_H
#define VT_KEYMAP_H

#include <stdbool.h>
#include <stddef.h>

#include "../mail/mail.h"
#include "../store/store.h"

enum km_context {
	KM_MAIN,      /* folders, thread list and side panes */
	KM_PAGER,     /* a thread opened */
	KM_HELP,      /* the help overlay */
	KM_ATTACH,    /* a thread's attachments */
	KM_LINK_LIST, /* a thread's links */
	KM_CONTEXTS
};

enum km_action {
	KM_NONE = 0,
	KM_UP,
	KM_DOWN,
	KM_PAGE_UP,
	KM_PAGE_DOWN,
	KM_HALF_UP,
	KM_HALF_DOWN,
	KM_TOP,
	KM_BOTTOM,
	KM_OPEN,
	KM_BACK, /* q: back one level; quits from the main screen */
	KM_QUIT, /* leave at once, from anywhere */
	KM_SEARCH,
	KM_SEARCH_NEXT,
	KM_SEARCH_PREV,
	KM_HELP_SHOW,
	KM_COMMAND,
	KM_FOCUS_NEXT,
	KM_FOCUS_PREV,
	KM_TOGGLE_PANES,
	KM_FOLDER_NEXT,
	KM_FOLDER_PREV,
	KM_PROMOTE,
	KM_DEMOTE,
	KM_ISSUE_OPEN,
	KM_ISSUE_CLOSE,
	KM_CONTACT_ROLE,
	KM_ARCHIVE,
	KM_TOGGLE_READ,
	KM_UNDO,
	KM_SYNC,
	KM_REDRAW,
	KM_SORT,
	KM_TOGGLE_FOLDERS,
	KM_TOGGLE_FLAG,
	KM_NEXT_MESSAGE,
	KM_PREV_MESSAGE,
	KM_TOGGLE_HEADERS,
	KM_ATTACHMENTS,
	KM_SAVE,
	KM_ISSUE_LINK,
	KM_RENAME,
	KM_MERGE,
	KM_ADD_DOMAIN,
	KM_TAG_ADD,
	KM_TAG_REMOVE,
	KM_TOGGLE_QUOTES,
	KM_LINKS,
	KM_COPY,
	KM_DELETE,
	KM_REPLY,
	KM_REPLY_ALL,
	KM_COMPOSE,
	KM_FORWARD,
	KM_CONTRACT,
	KM_SNOOZE,
	KM_REPORT,
	KM_BANK_ACCEPT,
	KM_ACTIONS
};

#define KM_SEQ_MAX 3

struct km_binding {
	enum km_context context;
	int keys[KM_SEQ_MAX]; /* 0-terminated when shorter */
	enum km_action action;
};

struct keymap {
	struct km_binding *bindings;
	size_t count;
};

/* Action names as the [keys] section and the ':' line know them. */
const char *km_action_name(enum km_action a);
const char *km_action_help(enum km_action a);
enum km_action km_action_parse(const char *name);
const char *km_context_name(enum km_context c);

/* The defaults, then the user's [keys] entries of cfg (may be NULL).
 * Errors name the config file, line and key. */
vt_status km_load(const struct vt_config *cfg, struct keymap *out, struct vt_error *err);
void km_free(struct keymap *km);

/* Parses one key notation ("j", ",t", "<C-d>") into codes; false if bad. */
bool km_parse_keys(const char *text, int keys[KM_SEQ_MAX]);
/* Writes the notation of a key sequence. */
void km_format_keys(const int keys[KM_SEQ_MAX], char *buf, size_t len);

/*
 * Feeds one key. *pending holds the keys typed so far of an unfinished
 * sequence (n_pending of them). Returns the action once a sequence is
 * complete, KM_NONE with *n_pending > 0 while a prefix waits for more,
 * and KM_NONE with *n_pending == 0 for an unbound key.
 */
enum km_action km_feed(const struct keymap *km, enum km_context ctx, int key,
		       int pending[KM_SEQ_MAX], int *n_pending);

/* The keys bound to action in ctx, as text ("j <Down>"), for help. */
void km_describe(const struct keymap *km, enum km_context ctx, enum km_action action, char *buf,
		 size_t len);

#endif
