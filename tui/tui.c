/*
 * The interface: the terminal (curses set up and always given back) and
 * the loop (keys in, actions, repaint). The jobs it calls live beside it
 * (see tui/private.h); state lives in model.c, what it means in store/
 * and mail/.
 */
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

/* ---- measuring (bench/tui) and telling tests (tests/lib-tmux.sh) ---- */

/* With VTRIAGE_BENCH_LOG set, the loop appends when the first screen was
 * painted (wall clock, ns) and how long each key took to handle and
 * repaint, and when it waits with its screen up to date: the benchmark
 * and the tmux tests read it. */
static FILE *bench_log;

/* Nothing typed, nothing left to do, and the screen shows it all: the
 * event tests wait for after keys (tests/lib-tmux.sh) rather than for a
 * while. */
void
tui_log_quiet(void)
{
	if (bench_log != NULL) {
		fputs("quiet\n", bench_log);
		fflush(bench_log);
	}
}

long long
tui_now_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* ---- the terminal ---- */

static bool curses_active;

static void
restore_terminal(void)
{
	if (curses_active) {
		curses_active = false;
		endwin();
	}
}

/*
 * A crash must not leave the user's terminal in the alternate screen with
 * the cursor hidden. Only write(2) is safe here: it sends what endwin()
 * would (normal screen, cursor on, attributes off), then the signal's
 * default action runs.
 */
static void
on_fatal_signal(int sig)
{
	static const char reset[] = "\033[0m\033[?25h\033[?1049l\r\n";
	ssize_t ignored;

	ignored = write(STDOUT_FILENO, reset, sizeof reset - 1);
	(void)ignored;
	signal(sig, SIG_DFL);
	raise(sig);
}

static void
start_curses(struct tui *t)
{
	static const int fatal[] = { SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL };

	initscr();
	curses_active = true;
	atexit(restore_terminal);
	for (size_t i = 0; i < sizeof fatal / sizeof fatal[0]; i++)
		signal(fatal[i], on_fatal_signal);
	raw(); /* C-c arrives as a key, not a signal: q and Q quit */
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	/* Home and End as terminals and multiplexers send them whatever the
	 * terminfo entry says (tmux: \e[1~ and \e[4~ under xterm) */
	static const struct {
		const char *seq;
		int key;
	} also[] = {
		{ "\033[1~", KEY_HOME }, { "\033[4~", KEY_END }, { "\033[H", KEY_HOME },
		{ "\033[F", KEY_END },   { "\033OH", KEY_HOME }, { "\033OF", KEY_END },
		{ "\033[7~", KEY_HOME }, { "\033[8~", KEY_END },
	};
	for (size_t i = 0; i < sizeof also / sizeof also[0]; i++)
		if (key_defined(also[i].seq) == 0)
			define_key(also[i].seq, also[i].key);
	/* A hidden cursor need not be parked after each repaint: a few bytes
	 * less per key over SSH. */
	if (curs_set(0) != ERR)
		leaveok(stdscr, TRUE);
	set_escdelay(25);
	timeout(250); /* wake for signals and deferred work */
	t->colours = has_colors() && getenv("NO_COLOR") == NULL;
	if (t->colours) {
		start_color();
		use_default_colors();
		init_pair(C_BAR, COLOR_BLACK, COLOR_CYAN);
		init_pair(C_SELECTED, COLOR_BLACK, COLOR_YELLOW);
		init_pair(C_DIM, COLOR_BLUE, -1);
		init_pair(C_HEADER, COLOR_GREEN, -1);
		init_pair(C_ERROR, COLOR_RED, -1);
		init_pair(C_MARK, COLOR_MAGENTA, -1);
		init_pair(C_TITLE, COLOR_CYAN, -1);
	}
}

static int
read_key(struct tui *t)
{
	wint_t ch;
	int kind = get_wch(&ch);

	(void)t;
	if (kind == ERR)
		return ERR;
	if (kind == KEY_CODE_YES)
		return ch == KEY_ENTER ? '\n' : (int)ch;
	if (ch == '\r')
		return '\n';
	if (ch == 127 || ch == 8)
		return KEY_BACKSPACE;
	if (ch == 3) /* C-c: leave cleanly */
		return -2;
	return (int)ch;
}

vt_status
tui_run(const struct vt_config *cfg, struct vt_store *store, struct mail_db **db,
	const struct mail_db_location *loc, volatile sig_atomic_t *interrupted,
	struct vt_error *err)
{
	struct tui t = { .cfg = cfg,
			 .store = store,
			 .db = db,
			 .loc = loc,
			 .interrupted = interrupted,
			 .focus = FOCUS_THREADS };
	vt_status rc;

	tui_bg_init(&t.sync.bg);

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		return vt_fail(err, VT_ERR_USAGE,
			       "the interface needs a terminal (for scripts: vtriage --help)");
	if ((rc = km_load(cfg, &t.km, err)) != VT_OK)
		return rc;
	if ((rc = tui_folders_build(store, cfg, mail_db_mail_root(*db), &t.folders, err)) !=
	    VT_OK) {
		km_free(&t.km);
		return rc;
	}
	if ((rc = tui_folders_check_searches(store, cfg, *db, err)) != VT_OK) {
		tui_folders_clear(&t.folders);
		km_free(&t.km);
		return rc;
	}
	/* (changes from now on are another process's) */
	t.outside_version = vt_store_outside_version(store);
	t.outside_checked_ms = tui_now_ns(CLOCK_MONOTONIC) / 1000000;
	start_curses(&t);
	t.need_unread = true;
	tui_renewals_count(&t);
	t.cols = COLS;
	t.pager.fold_quotes = cfg->ui_fold_quotes;
	tui_mouse_start(&t);
	t.panes_wanted = tui_layout_panes_by_default(COLS);
	t.layout_prefs = (struct tui_layout_prefs){
		.folders = (int)cfg->ui_folders,
		.date_w = (int)cfg->ui_date_w,
		.vendor_w = (int)cfg->ui_vendor_w,
		.authors_w = (int)cfg->ui_authors_w,
		.highlight_row = cfg->ui_highlight_row,
	};
	/* A line-drawing character without the terminal's alternate charset,
	 * which survives resizes and multiplexers alike. */
	t.vline = MB_CUR_MAX > 1 ? "\xe2\x94\x82" : "|";
	tui_open_folder(&t, 0);
	/* idle = yes: new mail comes by itself while the interface is open */
	if (vt_config_account_idle(cfg, NULL))
		tui_start_sync(&t, SYNC_WATCH, NULL);
	if (getenv("VTRIAGE_BENCH_LOG") != NULL)
		bench_log = fopen(getenv("VTRIAGE_BENCH_LOG"), "a");
	long long key_start = 0, bottom_asked = 0;
	int last_key = 0;

	for (bool first = true; !t.quit && !(interrupted && *interrupted); first = false) {
		int key;
		enum km_action a;

		tui_poll_sync(&t, true);
		tui_draw(&t);
		/* Back for the panes when the keys pause (longer than a held
		 * key's repeat, so a held j never loads each vendor's panes),
		 * for the marks soon, for a sync's report at leisure. */
		timeout(t.need_marks || t.need_unread             ? 30
			: t.panes_pending                         ? TUI_PANES_PAUSE_MS
			: t.need_count && t.screen == SCREEN_MAIN ? 0 /* a slice at a time */
			: tui_bg_running(&t.sync.bg)              ? 100
								  : 250);
		if (bench_log != NULL) {
			if (first)
				fprintf(bench_log, "first-paint %lld\n",
					tui_now_ns(CLOCK_REALTIME));
			else if (key_start)
				fprintf(bench_log, "key %d %lld\n", last_key,
					tui_now_ns(CLOCK_MONOTONIC) - key_start);
			fflush(bench_log);
			key_start = 0;
		}
		key = read_key(&t);
		if (bench_log != NULL && key != ERR) {
			key_start = tui_now_ns(CLOCK_MONOTONIC);
			last_key = key;
		}
		if (key == ERR) {
			/* Idle: what the first paint and quick keys skipped. */
			if (t.need_marks) {
				struct vt_error merr = { 0 };

				t.need_marks = false;
				if (tui_threads_load_marks(&t.threads, t.store, &merr) != VT_OK)
					tui_say(&t, true, "%s", merr.msg);
				continue;
			}
			if (t.panes_pending) {
				struct vt_error perr = { 0 };
				char *slug = tui_vendor_slug_of(&t, tui_selected_thread(&t));
				long long panes_start = tui_now_ns(CLOCK_MONOTONIC);

				if (tui_panes_load(&t.panes, t.store, slug, false, &perr) != VT_OK)
					tui_say(&t, true, "%s", perr.msg);
				if (bench_log != NULL)
					fprintf(bench_log, "panes %lld\n",
						tui_now_ns(CLOCK_MONOTONIC) - panes_start);
				t.panes_pending = false;
				free(slug);
				continue;
			}
			if (t.need_unread) {
				struct vt_error uerr = { 0 };

				bool done = true;

				if (tui_folders_count_unread(&t.folders, t.store, *t.db,
							     TUI_UNREAD_SLICE_MS, &done,
							     &uerr) != VT_OK)
					tui_say(&t, true, "%s", uerr.msg); /* not again */
				t.need_unread = !done;
				continue;
			}
			if (t.need_count && t.screen == SCREEN_MAIN) {
				struct vt_error cerr = { 0 };

				if (tui_threads_count(&t.threads, *t.db, TUI_COUNT_SLICE, &cerr) !=
				    VT_OK) {
					t.need_count = t.bottom_pending = t.count_say = false;
					t.threads.total = 0;
					tui_say(&t, true, "bad query: %s", cerr.msg);
				} else if (t.threads.total >= 0) {
					bool landing = t.bottom_pending;

					t.need_count = false;
					tui_counted(&t);
					if (landing && bench_log != NULL)
						fprintf(bench_log, "bottom-landed %lld\n",
							tui_now_ns(CLOCK_MONOTONIC) - bottom_asked);
				}
				continue;
			}
			if (tui_notice_outside_changes(&t))
				continue;
			tui_log_quiet();
			continue;
		}
		if (key == -2)
			break;
		if (key == KEY_MOUSE) {
			tui_mouse_event(&t);
			continue;
		}
		if (key == KEY_RESIZE) {
			/* Crossing the wide/narrow line resets the panes. */
			if (tui_layout_panes_by_default(COLS) !=
			    tui_layout_panes_by_default(t.cols))
				t.panes_wanted = tui_layout_panes_by_default(COLS);
			t.cols = COLS;
			/* the help's and the pager's lines are wrapped to the
			 * width: again */
			if (t.screen == SCREEN_HELP)
				tui_build_help(&t);
			if (t.screen == SCREEN_PAGER && t.pager.thread_id != NULL &&
			    t.pager.width != COLS) {
				char *thread = strdup(t.pager.thread_id);
				char *org = t.pager.vendor_org ? strdup(t.pager.vendor_org) : NULL;
				long top = t.pager.cursor.top, count = (long)t.pager.count;

				if (thread != NULL) {
					tui_open_thread_id(&t, thread, org);
					/* about the same place in the text */
					if (count > 0)
						t.pager.cursor.top =
							top * (long)t.pager.count / count;
				}
				free(thread);
				free(org);
			}
			continue;
		}
		t.message[0] = '\0';
		a = km_feed(&t.km,
			    t.screen == SCREEN_PAGER    ? KM_PAGER
			    : t.screen == SCREEN_HELP   ? KM_HELP
			    : t.screen == SCREEN_ATTACH ? KM_ATTACH
			    : t.screen == SCREEN_LINKS  ? KM_LINK_LIST
							: KM_MAIN,
			    key, t.pending, &t.n_pending);
		if (a != KM_NONE) {
			bool pending = t.bottom_pending, tail = t.threads.tail_want > 0;

			tui_handle(&t, a);
			if (t.bottom_pending && !pending) {
				bottom_asked = key_start ? key_start : tui_now_ns(CLOCK_MONOTONIC);
				if (bench_log != NULL)
					fputs("bottom-pending\n", bench_log);
			}
			if (t.threads.tail_want > 0 && !tail && bench_log != NULL)
				fputs("bottom-tail\n", bench_log);
		} else if (t.n_pending == 0)
			tui_say(&t, false, "key not bound (? for help)");
		/* A sync the user started is not cut short by one stray q. */
		if (t.quit && tui_bg_running(&t.sync.bg) && t.sync.job != SYNC_WATCH &&
		    !t.sync.quit_asked) {
			t.quit = false;
			t.sync.quit_asked = true;
			tui_say(&t, true,
				"sync running: q again stops it and quits (mail already "
				"fetched is kept)");
		}
	}
	/* The sync engine and the indexer stop cleanly on SIGTERM (state and
	 * index consistent; the rest comes with the next sync). One that
	 * does not end in 3 s is left to finish by itself. */
	if (tui_bg_running(&t.sync.bg) && !tui_bg_stop(&t.sync.bg, SIGTERM, 3000))
		fprintf(stderr, "vtriage: the background sync is still finishing\n");
	restore_terminal();
	if (bench_log != NULL) {
		fclose(bench_log);
		bench_log = NULL;
	}
	tui_pager_clear(&t.pager);
	tui_attachments_clear(&t.attachments);
	tui_attachments_cleanup(&t);
	for (size_t i = 0; i < t.n_history; i++)
		free(t.history[i]);
	tui_panes_clear(&t.panes);
	tui_threads_close(&t.threads);
	tui_folders_clear(&t.folders);
	for (size_t i = 0; i < t.n_help; i++)
		free(t.help_lines[i]);
	free(t.help_lines);
	free(t.search);
	free(t.folder_query);
	free(t.folder_label);
	km_free(&t.km);
	return VT_OK;
}
