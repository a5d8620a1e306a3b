/*
 * Internals shared by the files of the interface (tui/): its state and
 * the functions one job calls of another. Never included outside tui/.
 *
 *   draw.c     text on the screen, the frame
 *   help.c     the help overlay
 *   prompt.c   the message-row prompt and its completion
 *   sync.c     the background sync child and reloading after changes
 *   actions.c  what the keys and ':' commands do (triage, tags, search)
 *   navigate.c cursors, folders, threads, the pager, focus
 *   commands.c the one table of commands: keys, ':' line, Tab, ? help
 *   tui.c      the terminal and the loop
 *   model.c    the state without a terminal (unit-tested)
 */
#ifndef VT_TUI_PRIVATE_H
#define VT_TUI_PRIVATE_H

#include <curses.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "../keymaps/keymap.h"
#include "background.h"
#include "model.h"
#include "tui.h"

enum tui_screen { SCREEN_MAIN, SCREEN_PAGER, SCREEN_HELP, SCREEN_ATTACH, SCREEN_LINKS };
/* The folders, the thread list, then each pane of tui_pane_kinds. */
enum focus { FOCUS_FOLDERS, FOCUS_THREADS, FOCUS_PANE, FOCUS_COUNT = FOCUS_PANE + TUI_PANES };

enum colour { C_BAR = 1, C_SELECTED, C_DIM, C_HEADER, C_ERROR, C_MARK, C_TITLE };

/* What runs in the background: `vtriage sync`, `vtriage sync --watch`
 * (IDLE), or `vtriage index` when no account is configured. */
enum sync_job { SYNC_NONE, SYNC_ONCE, SYNC_WATCH, SYNC_INDEX };

struct tui_sync {
	struct tui_bg bg;
	enum sync_job job;
	bool indexing;                     /* the child writes the index: our writes wait */
	bool reload;                       /* new mail: reopen the index when it is safe */
	bool summary_seen;                 /* this run reported a finished round */
	bool quit_asked;                   /* q once while it runs: warned */
	bool waiting;                      /* SYNC_WATCH between rounds (IDLE): ,y syncs at once */
	char status[320];                  /* on the status bar: "sync: INBOX 120/400" */
	char summary[TUI_BG_LINE_MAX + 1]; /* what its last round did */
	char error[TUI_BG_LINE_MAX + 512]; /* its last complaint */
};

#define TUI_HISTORY_MAX 50

/* One attachment of the thread shown (tui/attach.c). */
struct tui_attachment {
	char *path;     /* the message's file */
	int part;       /* its number in the message */
	char *filename; /* as the mail names it, or NULL */
	char *type;
	size_t size;
	char *from; /* the message's sender */
	time_t date;
};
struct tui_attachments {
	struct tui_attachment *items;
	size_t count;
};

/* Keys that pause this long (ms) load the selected vendor's panes: longer
 * than a held key's repeat (25-30 a second), short enough to feel at once. */
#define TUI_PANES_PAUSE_MS 100
/* Messages read between keys to count a folder's threads (~10 µs each:
 * a slice well inside a frame), and at once for G before giving up. */
#define TUI_COUNT_SLICE 1000
#define TUI_UNREAD_SLICE_MS 8
#define TUI_BOTTOM_NOW 6000

struct tui {
	/* the lines entered at prompts, oldest first (Up and Down recall) */
	char *history[TUI_HISTORY_MAX];
	size_t n_history;
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
	struct tui_cursor pane_cur[TUI_PANES];
	struct tui_pager pager;
	struct tui_cursor help_cur;
	struct tui_attachments attachments;
	struct tui_cursor attach_cur;
	enum tui_screen attach_from; /* where q goes back to */
	char *open_dir;              /* private directory of opened attachments, or NULL */
	struct tui_cursor links_cur; /* over t->pager.links */
	char **help_lines;
	size_t n_help;

	enum tui_screen screen, help_from;
	enum focus focus;
	bool panes_wanted;
	struct tui_layout_prefs layout_prefs; /* [ui], and the folders key */
	bool colours;
	bool need_count;
	bool bottom_pending; /* G before the count: the end once counted */
	bool count_say;      /* say the count once known (after a search) */
	bool need_marks;     /* the marks (waiting, issues) come after the first paint */
	bool need_unread;    /* the folders' unread counts, when the keys pause */
	bool panes_pending;  /* the panes shown are not the selection's */
	bool quit;
	char *search;       /* the last / query, for n and N */
	char *folder_query; /* the query of the thread list (folder or search) */
	bool searching;     /* the list is a search: q goes back to the folder */
	char *folder_label;
	char message[512];
	bool message_is_error;
	char renewals[48]; /* "  [2 renewals due]" on the bar, or "" */
	int pending[KM_SEQ_MAX], n_pending;
	struct tui_layout layout;
	int cols;          /* width the panes default was chosen for */
	const char *vline; /* the column separator this terminal can show */
	struct tui_sync sync;
	/* the store as other processes left it (vt_store_outside_version),
	 * and when it was last looked at (ms, monotonic) */
	long long outside_version, outside_checked_ms;
};

/* A clock's time in nanoseconds (tui.c). */
long long tui_now_ns(clockid_t clock);

/* ---- draw.c ---- */

/* Draws utf8 (already safe for the terminal) at y,x in at most width
 * columns, padding with spaces; wide characters never straddle the edge. */
void tui_put_text(int y, int x, int width, const char *utf8, attr_t attr);
void tui_put_text_spans(int y, int x, int width, const char *utf8, int head_cols, attr_t head_attr,
			attr_t attr, attr_t pad_attr);
void tui_put_mail_text_spans(int y, int x, int width, const char *untrusted, int head_cols,
			     attr_t head_attr, attr_t attr, attr_t pad_attr);
/* The same for untrusted text: sanitised first. */
void tui_put_mail_text(int y, int x, int width, const char *untrusted, attr_t attr);
/* A colour pair, or mono where the terminal has no colours. */
attr_t tui_colour(struct tui *t, enum colour c, attr_t mono);
/* A message on the message line (an error in the error colour). */
void tui_say(struct tui *t, bool error, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* The thread under the cursor, or NULL. */
const struct mail_thread *tui_selected_thread(struct tui *t);
/* The slug of a thread's vendor (malloc'd), or NULL. */
char *tui_vendor_slug_of(struct tui *t, const struct mail_thread *th);
/* Repaints the whole frame into curses' buffer and refreshes. */
void tui_draw(struct tui *t);
/* The help overlay's lines, for the screen it was opened from (help.c). */
void tui_build_help(struct tui *t);
/* Draws them from help_cur's top, in the main area. */
void tui_draw_help(struct tui *t);

/* ---- prompt.c ---- */

typedef size_t (*complete_fn)(struct tui *t, const char *line, char ***out);
/* Reads a line on the message row; NULL when cancelled (Esc, C-g).
 * malloc'd. complete (may be NULL) answers Tab. */
char *tui_prompt(struct tui *t, const char *label, const char *initial, complete_fn complete);

/* ---- attach.c ---- */

/* The attachments of the thread's messages, as a screen (says so when
 * there are none). */
void tui_attachments_show(struct tui *t, const char *thread_id);
/* v (the selected thread's, or the pager's) and s, from a key or ':'. */
void tui_attachments_command(struct tui *t, enum km_action a, const char *arg);
void tui_attachments_draw(struct tui *t);
/* s: to a path prompted for (arg: given on the ':' line); an existing
 * file is overwritten only after a yes. */
void tui_attachments_save(struct tui *t, const char *arg);
/* Enter: through [ui] opener, else run-mailcap, else xdg-open, with the
 * terminal handed over. */
void tui_attachments_open(struct tui *t);
void tui_attachments_clear(struct tui_attachments *a);
/* Removes the files opened (at exit). */
void tui_attachments_cleanup(struct tui *t);
size_t tui_complete_path(struct tui *t, const char *line, char ***out);
/* contracts.c: ,e and :contract, the thread's contract dates decided */
void tui_contract_command(struct tui *t, enum km_action a, const char *arg);
/* :report [SLUG]: `vtriage report` of the vendor under the cursor, in
 * the pager */
void tui_report_command(struct tui *t, enum km_action a, const char *arg);
/* z and :snooze WHEN: the thread away until then (empty: back now) */
void tui_snooze_command(struct tui *t, enum km_action a, const char *arg);
/* "2 renewals due" (or "") for the bar, from the store, after changes */
void tui_renewals_count(struct tui *t);
/* compose.c: Tab on an address line (To:, Cc:) */
size_t tui_complete_address(struct tui *t, const char *line, char ***out);
/* Whether a program is on $PATH. */
bool tui_on_path(const char *name);
/* Runs argv (no shell) with the terminal handed over and taken back;
 * its exit status (127: could not run, 128: killed). */
int tui_run_in_terminal(char *const argv[]);
/* Opens target with "PROGRAM [WORDS...]" (words, split at blanks, the
 * target appended) or, without words, with fallback (argv); says on the
 * status line what came of it, naming [ui] key when it failed. */
void tui_open_with(struct tui *t, const char *words, char *const fallback[], const char *target,
		   const char *key);

/* ---- compose.c ---- */

/* r, R (reply to all), f (forward), m (new): the draft in the editor,
 * then send. */
void tui_compose_command(struct tui *t, enum km_action a, const char *arg);

/* ---- mouse.c ---- */

/* Asks the terminal for clicks and the wheel when [ui] mouse = yes. */
void tui_mouse_start(struct tui *t);
/* KEY_MOUSE: what the click or the wheel means here. */
void tui_mouse_event(struct tui *t);

/* ---- links.c ---- */

/* u: the thread's links, to open (Enter) or copy (y, to the terminal's
 * clipboard). */
void tui_links_command(struct tui *t, enum km_action a, const char *arg);
void tui_links_draw(struct tui *t);

/* ---- triage.c ---- */

/* issue-link, rename, merge, add-domain, tag-add, tag-remove, delete,
 * archive, toggle-read: from a key
 * (asked for) or the ':' line (arg). */
void tui_triage_command(struct tui *t, enum km_action a, const char *arg);
/* The issue number ,c and ,l offer (out: "" when none): the issue
 * selected in the issues pane, else (thread_first) the open issue the
 * thread is linked to, else the vendor's (slug) oldest open issue. */
void tui_issue_offered(struct tui *t, const char *slug, bool thread_first, char out[32]);

/* ---- sync.c ---- */

/* Shows query's threads under label. */
void tui_open_query(struct tui *t, const char *query, const char *label);
void tui_refresh_folders(struct tui *t);
/* After a triage action: buckets, marks and panes may all have moved. */
void tui_refresh_after_change(struct tui *t);
/* The index opened again and everything shown read again (C-l, a
 * sync's end, a change from outside), the message line kept. */
void tui_reload(struct tui *t);
/* When the keys pause: changes another process made to the store (the
 * command line, a sync run by cron) read again, a second at most apart.
 * Whether it did. */
bool tui_notice_outside_changes(struct tui *t);
/* Reads what the background child said; reloads (when reload_ok) once
 * it has finished writing the index. */
void tui_poll_sync(struct tui *t, bool reload_ok);
/* Whether the index is being written (by our child or anyone): says so
 * and returns true, so that a write is refused rather than frozen. */
bool tui_index_busy(struct tui *t);
void tui_start_sync(struct tui *t, enum sync_job job, const char *account);
void tui_act_sync(struct tui *t, const char *account);

/* ---- actions.c ---- */

/* The vendor (slug, malloc'd) and thread the keys act on, or NULL. */
char *tui_current_vendor(struct tui *t);
const char *tui_current_thread_id(struct tui *t);
void tui_act_bucket(struct tui *t, const char *slug_arg, enum vt_bucket bucket);
void tui_act_undo(struct tui *t);
/* After a vendor's domains changed (merge, add-domain, an undo): its
 * bills' jump and rate checks made again. */
void tui_bills_judged_again(struct tui *t);
/* Flags the thread, or unflags it (synced to the server as \\Flagged). */
void tui_act_toggle_flag(struct tui *t);
/* The selected thread, just opened, read ([ui] mark_read). */
void tui_act_mark_read_on_open(struct tui *t);
/* The pager at the next (dir 1) or previous (-1) message of its thread. */
void tui_act_message(struct tui *t, int dir);
/* To, Cc and Date in the pager (quotes: quoted text instead), shown or
 * hidden, held for the next threads. */
void tui_act_toggle_headers(struct tui *t, bool quotes);
/* Orders the list by "date", "amount", "vendor", "sender" or "subject";
 * NULL (the key): by amount, and back. */
void tui_act_sort(struct tui *t, const char *how);
void tui_act_issue_open(struct tui *t, const char *title_arg);
void tui_act_issue_close(struct tui *t, const char *number_arg);
void tui_act_role(struct tui *t, const char *role_arg);
void tui_act_tags(struct tui *t, const char *add, const char *remove, const char *what);
void tui_act_toggle_read(struct tui *t);
void tui_report(struct tui *t, vt_status rc, const struct vt_action *a, const struct vt_error *err);
/* Runs fn on the index opened for writing (the read-only handle closed
 * meanwhile, opened again after). */
vt_status tui_while_writable(struct tui *t,
			     vt_status (*fn)(struct mail_db *rw, void *ctx, struct vt_error *err),
			     void *ctx, struct vt_error *err);
/* The store refused for a likeness: its reason (cut before `cut`) and
 * question asked; true when answered yes. */
bool tui_confirm_force(struct tui *t, const char *reason, const char *cut, const char *question);
void tui_run_search(struct tui *t, const char *query);

/* ---- navigate.c ---- */

void tui_open_folder(struct tui *t, long i);
void tui_open_thread(struct tui *t);
/* ---- rows.c ---- */

/* The row of a thread in the list, as the layout sizes its columns. */
void tui_thread_row(struct tui *t, const struct mail_thread *th, char *buf, size_t len);
/* A flagged bill's amount over its row, in the error colour. */
int tui_row_authors_x(const struct tui_layout *l);
void tui_draw_amount(struct tui *t, const struct mail_thread *th, int y);

/* The pager on one thread (from a pane row); vendor_org may be NULL. */
void tui_open_thread_id(struct tui *t, const char *thread_id, const char *vendor_org);
/* Enter on the selected line of a pane (enum tui_pane): a quote's or
 * bill's thread opens; a history line of mail lists its thread, an
 * issue's line the issue's threads, a contact's their mail. */
void tui_open_pane_row(struct tui *t, int pane);
void tui_find_next(struct tui *t, int dir);
/* The thread count is known: said after a search, and a G waiting for it
 * goes to the last thread. */
void tui_counted(struct tui *t);
/* The movement actions (up, down, pages, top, bottom) on what has focus. */
void tui_move_by(struct tui *t, enum km_action a);
void tui_cycle_focus(struct tui *t, int dir);

/* ---- tui.c ---- */

/* With VTRIAGE_BENCH_LOG, notes that the interface waits for keys with
 * its screen up to date (the loop, and a prompt). */
void tui_log_quiet(void);

/* ---- commands.c ---- */

/* What a key's action does. */
void tui_handle(struct tui *t, enum km_action a);
/* Runs a ':' line ("promote acme", "sync work"). */
void tui_run_command(struct tui *t, const char *line);
/* Tab on the ':' line: command names, then their arguments (vendor
 * slugs, roles, accounts). malloc'd array of malloc'd strings. */
size_t tui_complete_command(struct tui *t, const char *line, char ***out);
/* Tab at the role prompt. */
size_t tui_complete_role(struct tui *t, const char *line, char ***out);
/* "promote [SLUG]  demote [SLUG] ...": the ':' commands, for ? help. */
void tui_commands_help(char *buf, size_t len);

#endif
