/*
 * tui/background.h — one child process running beside the interface
 * (`vtriage sync` in the background), its output read a line at a time.
 *
 * No curses here: the loop in tui.c polls the child between keys, and
 * the unit tests drive real children (sh -c ...) without a terminal.
 *
 * Ownership: a struct tui_bg is the caller's (on its stack or inside its
 * context); tui_bg_init() prepares it, tui_bg_stop() or
 * tui_bg_detach() leaves it idle again. Lines handed to the callback are
 * borrowed for the call only.
 */
#ifndef VT_TUI_BACKGROUND_H
#define VT_TUI_BACKGROUND_H

#include <stdbool.h>
#include <sys/types.h>

#include "../mail/mail.h"

#define TUI_BG_LINE_MAX 1024 /* longer lines are cut into pieces this long */

struct tui_bg {
	pid_t pid;   /* 0: nothing running */
	int fd;      /* read end of the child's stdout and stderr; -1: closed */
	bool reaped; /* waitpid() has collected the child */
	int status;  /* its wait status, once reaped */
	size_t len;  /* bytes of a partial line in buf */
	char buf[TUI_BG_LINE_MAX + 1];
};

typedef void (*tui_bg_line_fn)(void *ctx, const char *line);

void tui_bg_init(struct tui_bg *bg);

/*
 * Starts argv[0] (a path; no $PATH search) with argv, stdin from
 * /dev/null (so it never prompts), stdout and stderr into a pipe, in a
 * process group of its own (keys typed at the terminal never signal it),
 * with no other descriptor of ours, and SIGTERM should we die first
 * (Linux PR_SET_PDEATHSIG). A second start while one runs is
 * VT_ERR_BUSY. A program that cannot be run exits 127 after one line
 * saying so.
 */
vt_status tui_bg_start(struct tui_bg *bg, char *const argv[], struct vt_error *err);

bool tui_bg_running(const struct tui_bg *bg);

/*
 * Hands every complete line the child has written so far to fn (without
 * its newline; a NUL byte becomes '?'), never blocking. Once the child
 * has exited and its output is read, returns true with *exit_code (its
 * exit status, or 128 + the signal that ended it) and bg is idle again;
 * otherwise false. A last line without a newline is handed over then.
 */
bool tui_bg_poll(struct tui_bg *bg, tui_bg_line_fn fn, void *ctx, int *exit_code);

/*
 * Sends sig to the child and waits up to wait_ms for it to end (its
 * output is discarded). Returns true when it ended (bg is idle), false
 * when it still runs: it is then detached, left to finish on its own.
 */
bool tui_bg_stop(struct tui_bg *bg, int sig, int wait_ms);

/*
 * Sends sig to the running child and nothing more (no wait, no reaping):
 * `sync --watch` takes SIGUSR1 as "sync now". False when nothing runs,
 * when the child has been reaped already (its pid may be someone else's
 * by now), or when kill(2) fails.
 */
bool tui_bg_signal(struct tui_bg *bg, int sig);

/* Forgets the child without signalling it; it runs on by itself. */
void tui_bg_detach(struct tui_bg *bg);

/* The lines the child writes are the progress protocol of mail.h
 * (mail_progress_parse reads them). */

#endif
