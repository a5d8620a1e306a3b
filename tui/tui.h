/*
 * tui/ — the ncurses interface: folders, threads, vendor panes, pager.
 * A thin layer: every action calls the same store and mail functions as
 * the command line.
 */
#ifndef VT_TUI_H
#define VT_TUI_H

#include <signal.h>

#include "../mail/mail.h"
#include "../store/store.h"

/*
 * Runs the interface until the user quits. db is a read-only handle
 * (reopened by the TUI after it writes); loc says how to open a writable
 * one. The terminal is restored on every way out, signals included.
 */
vt_status tui_run(const struct vt_config *cfg, struct vt_store *store, struct mail_db **db,
		  const struct mail_db_location *loc, volatile sig_atomic_t *interrupted,
		  struct vt_error *err);

#endif
