/*
 * The TUI's state without a terminal: cursors, folders, the windowed
 * thread list, the vendor panes and the pager's lines. Drawing (draw.c)
 * reads it; the loop (tui.c) changes it through these functions. All of
 * it is unit-tested without curses.
 */
#ifndef VT_TUI_MODEL_H
#define VT_TUI_MODEL_H

#include <stdbool.h>
#include <stddef.h>

#include "../mail/mail.h"
#include "../store/store.h"

/* ---- a cursor over a list shown in a window of `height` lines ---- */
struct tui_cursor {
	long count; /* items; < 0 while unknown */
	long sel;   /* selected item */
	long top;   /* first item shown */
	int height; /* lines available */
};
/* Moves the selection by delta (clamped) and scrolls to keep it shown. */
void tui_cursor_move(struct tui_cursor *c, long delta);
void tui_cursor_set(struct tui_cursor *c, long index);
/* Re-clamps after count or height changed (a resize, a refresh). */
void tui_cursor_fix(struct tui_cursor *c);

/* ---- folders ---- */
enum tui_folder_kind {
	TUI_FOLDER_INBOX,
	TUI_FOLDER_VENDOR,  /* a trusted vendor's own folder */
	TUI_FOLDER_GENERIC, /* the generic bucket */
	TUI_FOLDER_NONE,    /* not vendor mail */
	TUI_FOLDER_SEARCH,  /* a saved or typed search */
	TUI_FOLDER_MAILDIR, /* a Maildir folder on disk (folder:"...") */
};
struct tui_folder {
	enum tui_folder_kind kind;
	char *label;  /* unsanitised (vendor names come from the user, searches too) */
	char *query;  /* vtriage query */
	char *slug;   /* TUI_FOLDER_VENDOR */
	long vendors; /* TUI_FOLDER_GENERIC: vendors in the bucket */
	long unread;  /* unread messages, -1 until counted */
};
struct tui_folders {
	struct tui_folder *items;
	size_t count;
	size_t unread_next; /* the next folder whose unread to count */
};
/* Inbox, the trusted vendors by name, Generic (n vendors), Not vendor
 * mail, then the saved searches: built-in (waiting, open issues) and the
 * [searches] of cfg (may be NULL), whose queries are checked: a bad one
 * is an error naming the file, line and label; then the Maildir folders
 * under mail_root (may be NULL: none). */
vt_status tui_folders_build(struct vt_store *s, const struct vt_config *cfg, const char *mail_root,
			    struct tui_folders *out, struct vt_error *err);
/* Adds one folder; false when out of memory. */
bool tui_folders_add(struct tui_folders *f, enum tui_folder_kind kind, const char *label,
		     const char *query, const char *slug);
/* The Maildir folders under mail_root (tui/maildirs.c). */
bool tui_folders_add_maildirs(struct tui_folders *f, const char *mail_root);
/* Each folder's unread messages (the buckets' left uncounted), for about
 * budget_ms at a time (a hundred folders of a million messages take a
 * second: counted between keys); *done when every folder is. */
vt_status tui_folders_count_unread(struct tui_folders *f, struct vt_store *s, struct mail_db *db,
				   int budget_ms, bool *done, struct vt_error *err);
/* The index of the folder with this slug or query, or -1. */
/* Whether notmuch parses every [searches] query (the build checks only
 * vtriage's part): an error naming the file, line and label. */
vt_status tui_folders_check_searches(struct vt_store *s, const struct vt_config *cfg,
				     struct mail_db *db, struct vt_error *err);
long tui_folders_find(const struct tui_folders *f, const char *slug, const char *query);
void tui_folders_clear(struct tui_folders *f);

/* ---- the thread list: a window of threads loaded on demand ---- */
enum tui_sort {
	TUI_SORT_DATE,
	TUI_SORT_AMOUNT,
	TUI_SORT_VENDOR,
	TUI_SORT_SENDER,
	TUI_SORT_SUBJECT,
	TUI_SORT_AGE,
	TUI_SORTS
};
#define TUI_THREAD_WINDOW 200
struct tui_threads {
	char *query;            /* the user's query */
	char *nm_query;         /* translated for notmuch */
	struct vt_store *store; /* translated it; a vendor's first window (borrowed) */
	long total;             /* threads matching; -1 until counted */
	long offset;            /* of cache[0] */
	size_t cached;
	struct mail_thread cache[TUI_THREAD_WINDOW];
	struct vt_thread_marks marks;
	bool at_end; /* the last load came up short: no threads after it */
	int window;  /* threads per load (<= TUI_THREAD_WINDOW); 0: the most */
	/* any order but the newest first notmuch gives: the matching
	 * threads' ids in that order, made when first needed */
	enum tui_sort sort;
	char **order;
	size_t n_order;
	/* newest first: where each thread is, read a slice at a time (the
	 * count, and any window past the first, come from it) */
	struct mail_thread_order *placed;
	/* G before the count: the last tail_want threads alone (0: not at
	 * the end), indexes from the first of them (tui/tail.c) */
	long tail_want;
	struct mail_thread *tail;
	long n_tail;
	bool tail_loaded;
};
/* Orders the list: by date (newest first, notmuch's), by the amount of the
 * quote or bill each thread holds (largest first; threads without one
 * last), by vendor, by sender or by subject (A to Z, ignoring case and
 * "Re:"), or by age (the longest quiet first: what waits longest); ties
 * newest first. The amounts are the marks as loaded. */
void tui_threads_sort(struct tui_threads *t, enum tui_sort sort);
/* The threads of the query in t->sort's order, into t->order
 * (tui/order.c). */
vt_status tui_threads_make_order(struct tui_threads *t, struct mail_db *db, struct vt_error *err);
/* "date", "amount", "vendor", "sender", "subject", "age"; and back (-1 unknown). */
const char *tui_sort_name(enum tui_sort sort);
int tui_sort_from_name(const char *name);
/* Opens a query (translating vendor:, bucket: ...); no thread is loaded,
 * nothing counted and no mark read until asked. */
vt_status tui_threads_open(struct tui_threads *t, struct vt_store *s, const char *query,
			   struct vt_error *err);
/* Reads which threads wait and which have open issues (the marks). */
vt_status tui_threads_load_marks(struct tui_threads *t, struct vt_store *s, struct vt_error *err);
/* Thread `index`, loading the window around it when needed; NULL past
 * the end. */
const struct mail_thread *tui_threads_get(struct tui_threads *t, struct mail_db *db, long index,
					  struct vt_error *err);
/* The id of thread `index` if it is loaded (nothing is read), else NULL. */
const char *tui_threads_loaded_id(const struct tui_threads *t, long index);
/* Where thread `id` is now, looked for in the window around `near` (new
 * mail above it moves it down some rows); -1 when not there (archived,
 * merged into another, or moved far). */
long tui_threads_find_near(struct tui_threads *t, struct mail_db *db, const char *id, long near,
			   struct vt_error *err);
/* Counts the matching threads, reading up to `messages` of them (about
 * 10 µs each: a folder of a million is counted over many idle slices);
 * total stays < 0 until all are read. LONG_MAX: all now. */
vt_status tui_threads_count(struct tui_threads *t, struct mail_db *db, long messages,
			    struct vt_error *err);
/* Lets go of the database (the count under way starts again): before it
 * is closed, which frees what was read from it. */
void tui_threads_release_db(struct tui_threads *t);
/* Forgets what was loaded (after a change), keeping the query. */
void tui_threads_invalidate(struct tui_threads *t);
void tui_threads_close(struct tui_threads *t);

/* The list's last `want` threads, before the count knows where they are
 * (tui/tail.c): until tui_threads_tail_end, tui_threads_get(i) is the
 * tail's thread i. Sets total when the tail took reading them all. */
vt_status tui_threads_tail(struct tui_threads *t, struct mail_db *db, long want,
			   struct vt_error *err);
const struct mail_thread *tui_threads_tail_get(struct tui_threads *t, struct mail_db *db,
					       long index, struct vt_error *err);
/* Leaves the tail: where its first thread is in the list once counted
 * (total - threads in the tail), 0 before. */
long tui_threads_tail_end(struct tui_threads *t);
/* Forgets the tail's threads, not that the list shows its end. */
void tui_threads_tail_drop(struct tui_threads *t);
/* Where thread `sel` is, for the status line: "12/340", "12/?" while
 * counting, "last-3/?" in the tail. */
void tui_threads_where(const struct tui_threads *t, long sel, char *buf, size_t len);

/* ---- the vendor side panes ---- */
/* A line of a pane: its text (unsanitised mail text) and what an action
 * on the line acts on (a contact's address), or NULL. */
struct tui_pane_row {
	char *text;
	char *ref;
};
struct tui_pane_rows {
	struct tui_pane_row *items;
	size_t count;
	size_t summaries; /* of them, sums of the others (not counted in the title) */
	char note[96];    /* in the pane's title: the history's spend sparkline */
};
/*
 * A pane is an entry of tui_pane_kinds: a title and the loader that
 * makes its lines from the store for a vendor. Drawing, focus, cursors
 * and the layout read the table: adding a pane (quotes, bills,
 * contracts) is an entry here and its loader in panes.c.
 */
enum tui_pane {
	TUI_PANE_HISTORY,
	TUI_PANE_CONTACTS,
	TUI_PANE_ISSUES,
	TUI_PANE_DOCUMENTS,
	TUI_PANES
};
struct tui_pane_kind {
	const char *title;
	vt_status (*load)(struct vt_store *s, const char *slug, struct tui_pane_rows *out,
			  struct vt_error *err);
};
extern const struct tui_pane_kind tui_pane_kinds[TUI_PANES];

struct tui_panes {
	char *slug; /* whose panes are loaded, NULL for none */
	struct vt_vendor vendor;
	struct tui_pane_rows rows[TUI_PANES];
};
/* Loads the panes of vendor slug (NULL clears); a no-op when loaded. */
vt_status tui_panes_load(struct tui_panes *p, struct vt_store *s, const char *slug, bool force,
			 struct vt_error *err);
void tui_panes_clear(struct tui_panes *p);

/* ---- the pager ---- */
enum tui_line_kind {
	TUI_LINE_HEADER,
	TUI_LINE_SUBJECT,
	TUI_LINE_BODY,
	TUI_LINE_QUOTED,
	TUI_LINE_SIGNATURE,
	TUI_LINE_ATTACHMENT,
	TUI_LINE_NOTE,    /* our own remarks: unreadable part, wrong greeting */
	TUI_LINE_WARNING, /* why the thread's mail is suspicious: first lines */
	TUI_LINE_SEPARATOR,
	TUI_LINE_TREE, /* the thread's shape, on top */
};
struct tui_line {
	enum tui_line_kind kind;
	int indent;
	char *text; /* sanitised already: safe for the terminal */
};
struct tui_pager {
	struct tui_line *lines;
	size_t count;
	struct tui_cursor cursor; /* sel is the top line */
	char *thread_id;
	char *vendor_org; /* of the thread, for the triage keys */
	int width;        /* lines are wrapped to it (0: not wrapped) */
	bool brief;       /* From and Subject only: no To, Cc, Date */
	bool fold_quotes; /* each run of quoted lines as one line saying how many */
	char **links;     /* the thread's links, each once, in reading order */
	size_t n_links;
};
/* The first line of the next (dir 1) or previous (-1) message from line
 * `from`, or -1 when there is none. */
long tui_pager_message(const struct tui_pager *p, long from, int dir);
/* Builds the lines of a thread: first a warning line for each reason its
 * mail is suspicious (store, may be NULL), then per message its headers
 * (a suspicious message's reasons above them), its body (every text
 * part, HTML as text, and attached messages: tui_pager_add_pieces),
 * quoted text and signature marked, attachments listed, and a note when
 * mail to the user greets them by another name (cfg: the user's name and
 * addresses; may be NULL). */
vt_status tui_pager_build(struct tui_pager *p, struct mail_db *db, struct vt_store *store,
			  const char *thread_id, const struct vt_config *cfg, int width,
			  struct vt_error *err);
/* The thread's messages as a tree (├─ └─ by reply depth, sender, date,
 * subject where it changes), one line each, when it has more than one
 * (tui/tree.c). */
bool tui_pager_add_tree(struct tui_pager *p, struct mail_db *db, const char *thread_id);
/* Adds the links of text (mail_url_next) not yet in p->links. */
bool tui_pager_collect_links(struct tui_pager *p, const char *text);
/* The indent of a pager line of that depth on a screen this wide. */
int tui_pager_indent(int depth, int width);
/* Where the piece of text from start that fits in room columns ends,
 * broken after a space; *next: where the next piece starts. */
size_t tui_wrap_piece(const char *text, size_t len, size_t start, int room, size_t *next);
/* Whether wc may reach the terminal as it is (tui/wrap.c). */
bool tui_char_safe(wchar_t wc);
/*
 * The columns *wc takes where the interface draws it: what may not be
 * sent becomes "?" (one column); invisible characters (zero-width spaces
 * and joiners, word joiners, variation selectors, tag characters, the
 * BOM) and a combining mark at a field's start give -1, not drawn:
 * curses and terminals disagree on where they leave the cursor, and a
 * mark at a field's start would join the field before it.
 */
int tui_char_cols(wchar_t *wc, bool field_start);
/* The columns utf8 takes when drawn (tui_char_cols; bytes that are no
 * UTF-8 as "?"). */
int tui_text_cols(const char *utf8);
/* Line index of the next (dir 1) or previous (-1) line containing needle
 * (case-insensitive) from `from`, or -1. */
long tui_pager_find(const struct tui_pager *p, const char *needle, long from, int dir);
void tui_pager_clear(struct tui_pager *p);

/* Splits text into lines, each sanitised; used by the pager and panes.
 * Appends to p. */
bool tui_pager_add_text(struct tui_pager *p, enum tui_line_kind kind, int indent, const char *text);
/* One line of len bytes, sanitised (tabs as spaces), wrapped to p->width. */
bool tui_pager_add_line(struct tui_pager *p, enum tui_line_kind kind, int indent,
			const char *untrusted, size_t len);
/* A message's text parts and attached messages (tui/pager-text.c): each
 * part's quoted text and signature marked, a mark between two parts, an
 * attached message's headers shown as a message's are, between marks;
 * the parts' links collected. */
bool tui_pager_add_pieces(struct tui_pager *p, int indent, const struct mail_pieces *pieces);
/* "From: a@xn--cme-..." : an address header with every non-ASCII domain
 * shown as mail_domain_display shows it; malloc'd, NULL out of memory. */
char *tui_pager_address_line(const char *label, const char *header);

/* ---- layout ---- */
/* Where things go on a screen of cols x lines: a top bar, the main area
 * (folders | threads | vendor panes), a status bar and a message line.
 * Below 130 columns the panes become an overlay shown on request. */
struct tui_layout {
	int main_top, main_rows; /* rows of the main area */
	int folders_w;           /* 0: folders hidden */
	int threads_x, threads_w;
	int panes_x, panes_w; /* panes_w 0: not shown */
	bool panes_overlay;   /* the whole main area, over the thread list */
	/* the thread row's columns before the subject (0: not shown); the
	 * date is YY-MM-DD when 8 wide, YYYY-MM-DD when 10 */
	int date_w, vendor_w, authors_w;
};
/* What the user chose ([ui], and the keys that toggle): -1 is "as the
 * width allows". */
struct tui_layout_prefs {
	int folders;                     /* -1, 0 hidden, 1 shown */
	int date_w, vendor_w, authors_w; /* -1, or a width (0 hides) */
	bool highlight_row;              /* the cursor's highlight spans the row, not its text */
};
#define TUI_LAYOUT_AUTO                                                                            \
	{                                                                                          \
		-1, -1, -1, -1, false                                                              \
	}
/*
 * The screen's parts at this size. Narrow screens first: at 80x24 the
 * folder list hides (a key shows it) and the row's columns narrow so that
 * the subject keeps 40 columns or more; from 120 columns the panes sit
 * beside the list, below that they take the main area when asked for.
 */
void tui_layout_compute(int cols, int lines, bool panes_wanted,
			const struct tui_layout_prefs *prefs, struct tui_layout *out);
/* Whether panes are shown by default at this width. */
bool tui_layout_panes_by_default(int cols);

#endif
