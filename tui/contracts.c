/*
 * Contracts in the interface: ,e (or :contract) asks, for each date the
 * thread's mail names and the user has not decided, accept (a contract,
 * due 30 days before its end) or reject (never offered again);
 * :contract set and remove work by hand; the bar
 * counts the contracts due, and the vendor's issues pane lists them.
 * z snoozes the thread (store/snooze.c); :report shows `vtriage report`.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "private.h"

void
tui_renewals_count(struct tui *t)
{
	struct vt_contract_list due = { 0 };
	char today[11];

	t->renewals[0] = '\0';
	vt_today(today);
	if (vt_contract_list(t->store, NULL, today, 0, &due, NULL) == VT_OK && due.count > 0)
		snprintf(t->renewals, sizeof t->renewals, "  [%zu renewal%s due]", due.count,
			 due.count == 1 ? "" : "s");
	vt_contract_list_clear(&due);
}

/*
 * :contract set YYYY-MM-DD [KIND] [NOTICE-DAYS] records a contract of the
 * selected mail's vendor by hand; :contract remove N removes one (both
 * undoable with ,u), as `vtriage contract set|remove` do.
 */
static void
contract_by_hand(struct tui *t, const char *arg)
{
	char verb[16] = "", first[64] = "", kind[32] = "", days[16] = "", extra;
	int words = sscanf(arg, "%15s %63s %31s %15s %c", verb, first, kind, days, &extra);
	struct vt_error err = { 0 };
	struct vt_action done;
	char *slug = NULL, *end = NULL;
	int64_t id = 0;
	long notice = 30;
	vt_status rc;

	if (strcmp(verb, "remove") == 0 && words == 2) {
		id = strtoll(first, &end, 10);
		if (*end != '\0' || id <= 0) {
			tui_say(t, true,
				"%.40s: a contract number (see the Issues & contracts pane)",
				first);
			return;
		}
		rc = vt_contract_remove(t->store, id, &done, &err);
	} else if (strcmp(verb, "set") == 0 && words >= 2 && words <= 4) {
		if (words == 4 && ((notice = strtol(days, &end, 10)) < 0 || *end != '\0')) {
			tui_say(t, true, "%.15s: a number of days", days);
			return;
		}
		if ((slug = tui_current_vendor(t)) == NULL) {
			tui_say(t, true, "no vendor here: select a vendor's mail first");
			return;
		}
		rc = vt_contract_set(t->store, slug, first, words >= 3 ? kind : NULL, notice, NULL,
				     &id, &done, &err);
	} else {
		tui_say(t, true, "usage: :contract [set YYYY-MM-DD [KIND] [NOTICE] | remove N]");
		return;
	}
	if (rc != VT_OK) {
		tui_say(t, true, "%s", err.msg);
		free(slug);
		return;
	}
	tui_refresh_after_change(t);
	if (slug != NULL)
		tui_say(t, false, "contract %lld of %s ends %s, due %ld days before (,u undoes)",
			(long long)id, slug, first, notice);
	else
		tui_say(t, false, "contract %lld removed (,u undoes)", (long long)id);
	free(slug);
}

void
tui_contract_command(struct tui *t, enum km_action a, const char *arg)
{
	const char *tid = tui_current_thread_id(t);
	struct vt_contract_suggestion_list list = { 0 };
	struct vt_error err = { 0 };
	char today[11];
	int accepted = 0, rejected = 0;

	(void)a;
	if (arg != NULL && arg[strspn(arg, " ")] != '\0') {
		contract_by_hand(t, arg);
		return;
	}
	vt_today(today);
	if (tid == NULL ||
	    vt_contract_suggestions_in(t->store, NULL, tid, false, today, &list, &err) != VT_OK) {
		tui_say(t, true, "%s", err.msg[0] ? err.msg : "no thread here");
		return;
	}
	if (list.count == 0) {
		tui_say(t, false, "no contract date to decide in this thread");
		return;
	}
	for (size_t i = 0; i < list.count; i++) {
		const struct vt_contract_suggestion *c = &list.items[i];
		char label[600], head[300], *phrase = mail_sanitize_str(c->phrase);
		char *name = mail_sanitize_str(c->vendor_name), *answer;
		static const char choices[] = "): a(ccept) r(eject) s(kip) ";
		size_t len = phrase ? strlen(phrase) : 0, next, fit;
		int room;
		int64_t id;
		struct vt_action done;

		snprintf(head, sizeof head, "%.*s %s %s %s%s",
			 (int)mail_utf8_prefix(name ? name : "", 80), name ? name : "", c->kind,
			 c->event, c->ends, c->ambiguous ? " (day and month may be swapped)" : "");
		/* the phrase as much as fits beside the choices on the
		 * message row, room left for the answer */
		room = COLS - tui_text_cols(head) - (int)sizeof choices - 12;
		fit = room >= 10 && len > 0 ? tui_wrap_piece(phrase, len, 0, room, &next) : 0;
		if (fit == 0)
			snprintf(label, sizeof label, "%s%s", head, choices + 1);
		else
			snprintf(label, sizeof label, "%s (\"%.*s%s\"%s", head, (int)fit, phrase,
				 fit < len ? "..." : "", choices);
		free(phrase);
		free(name);
		answer = tui_prompt(t, label, NULL, NULL);
		if (answer == NULL)
			break; /* Esc: the rest stay open */
		if (answer[0] == 'a' || answer[0] == 'r') {
			long notice = 30;

			/* how long before the end it is due: asked, 30 days by default */
			if (answer[0] == 'a') {
				char *days =
					tui_prompt(t, "Notice (days before the end; Enter: 30): ",
						   NULL, NULL);
				char *end = NULL;

				if (days == NULL) {
					free(answer);
					break;
				}
				if (*days != '\0' && ((notice = strtol(days, &end, 10)) < 0 ||
						      notice > 3650 || *end != '\0')) {
					tui_say(t, true, "%.40s: a number of days, 0 to 3650",
						days);
					free(days);
					free(answer);
					break;
				}
				if (*days == '\0')
					notice = 30;
				free(days);
			}
			if (vt_contract_decide(t->store, c->id, answer[0] == 'a', NULL, notice, &id,
					       &done, &err) != VT_OK) {
				tui_say(t, true, "%s", err.msg);
				free(answer);
				break;
			}
			if (answer[0] == 'a')
				accepted++;
			else
				rejected++;
		}
		free(answer);
	}
	vt_contract_suggestion_list_clear(&list);
	if (accepted + rejected > 0) {
		tui_refresh_after_change(t);
		tui_say(t, false, "%d contract%s accepted, %d date%s rejected", accepted,
			accepted == 1 ? "" : "s", rejected, rejected == 1 ? "" : "s");
	}
}

struct snoozing {
	struct vt_store *store;
	time_t until;
};

static vt_status
snooze_one(void *ctx, const struct mail_shown *m, struct vt_error *err)
{
	struct snoozing *z = ctx;

	return vt_snooze(z->store, m->message_id, z->until, err);
}

static vt_status
write_marks_in(struct mail_db *rw, void *ctx, struct vt_error *err)
{
	unsigned written;

	return vt_snooze_write_marks(ctx, rw, &written, err);
}

/* Threads snoozed or woken since the last index run are each named in
 * every query: from a few dozen of them (vt_snooze_marks_due; no sync
 * ran meanwhile) their marks are written now; not while another writer
 * holds the index (its run writes them). One that takes it between the
 * look and the open is waited for, as for a tag. */
static vt_status
write_marks_if_due(struct tui *t, struct vt_error *err)
{
	tui_poll_sync(t, false);
	if (!vt_snooze_marks_due(t->store) || t->sync.indexing || mail_db_writer_busy(*t->db))
		return VT_OK;
	return tui_while_writable(t, write_marks_in, t->store, err);
}

/* After the snooze's own message: what writing the marks met. */
static void
say_marks_failed(struct tui *t, vt_status marks, const struct vt_error *err)
{
	if (marks != VT_OK)
		tui_say(t, true, "marks left to the next index run: %s", err->msg);
}

void
tui_snooze_command(struct tui *t, enum km_action a, const char *arg)
{
	const char *tid = tui_current_thread_id(t);
	char *thread = tid ? strdup(tid) : NULL, *when;
	struct vt_error err = { 0 };
	struct snoozing z = { t->store, 0 };
	struct vt_error marks_err = { 0 };
	vt_status rc = VT_OK, marks;

	(void)a;
	if (thread == NULL) {
		tui_say(t, true, "no thread here");
		return;
	}
	when = arg && *arg
		       ? strdup(arg)
		       : tui_prompt(t, "Snooze until (3d, 2w, mon, YYYY-MM-DD; empty: back now): ",
				    NULL, NULL);
	if (when == NULL) { /* Esc */
		free(when);
		free(thread);
		return;
	}
	if (*when == '\0') {
		if ((rc = vt_unsnooze_thread(t->store, thread, &err)) == VT_OK) {
			marks = write_marks_if_due(t, &marks_err);
			tui_refresh_after_change(t);
			tui_say(t, false, "the thread is back");
			say_marks_failed(t, marks, &marks_err);
		}
	} else if (!vt_snooze_parse_until(when, time(NULL), &z.until)) {
		tui_say(t, true,
			"%.80s: a future date (YYYY-MM-DD), 3d, 2w, tomorrow or a weekday (mon)",
			when);
		rc = VT_ERR_USAGE;
	} else if ((rc = mail_thread_show(*t->db, thread, snooze_one, &z, &err)) == VT_OK) {
		/* kept by every message of the thread: one survives a merge */
		char date[32];
		struct tm tm;

		localtime_r(&z.until, &tm);
		strftime(date, sizeof date, "%a %Y-%m-%d %H:%M", &tm);
		marks = write_marks_if_due(t, &marks_err);
		tui_refresh_after_change(t);
		tui_say(t, false, "snoozed until %s", date);
		say_marks_failed(t, marks, &marks_err);
	}
	if (rc != VT_OK && err.msg[0])
		tui_say(t, true, "%s", err.msg);
	free(when);
	free(thread);
}

/* What `vtriage report SLUG` prints (the same program, as a child: the
 * report is the command line's), at most 4 MB; NULL when it failed (why
 * in err). */
static char *
report_text(struct tui *t, const char *slug, struct vt_error *err)
{
	char *argv[8], *text = NULL;
	size_t k = 0, len = 0, cap = 0;
	int fds[2], status = 0;
	pid_t pid;

	argv[k++] = "/proc/self/exe";
	if (t->cfg->path != NULL) {
		argv[k++] = "--config";
		argv[k++] = t->cfg->path;
	}
	argv[k++] = "report";
	argv[k++] = (char *)slug;
	argv[k] = NULL;
	if (pipe2(fds, O_CLOEXEC) != 0) {
		vt_fail(err, VT_ERR_IO, "cannot run report: %s", strerror(errno));
		return NULL;
	}
	if ((pid = fork()) == 0) {
		dup2(fds[1], 1);
		dup2(fds[1], 2);
		execv(argv[0], argv);
		_exit(127);
	}
	close(fds[1]);
	for (;;) {
		ssize_t n;

		if (len + 4096 + 1 > cap) {
			char *grown =
				cap < 4 << 20 ? realloc(text, cap = cap ? cap * 2 : 16384) : NULL;

			if (grown == NULL)
				break;
			text = grown;
		}
		n = read(fds[0], text + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(fds[0]);
	while (pid > 0 && waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (text != NULL)
		text[len] = '\0';
	if (pid < 0 || text == NULL || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		vt_fail(err, VT_ERR_IO, "%.200s", text && *text ? text : "the report failed");
		err->msg[strcspn(err->msg, "\n")] = '\0';
		free(text);
		return NULL;
	}
	return text;
}

void
tui_report_command(struct tui *t, enum km_action a, const char *arg)
{
	const char *slug = arg && *arg ? arg : t->panes.slug;
	struct vt_error err = { 0 };
	char *text;

	(void)a;
	if (slug == NULL) {
		tui_say(t, true, "no vendor here (:report SLUG)");
		return;
	}
	if ((text = report_text(t, slug, &err)) == NULL) {
		tui_say(t, true, "%s", err.msg);
		return;
	}
	tui_pager_clear(&t->pager);
	t->pager.width = COLS;
	t->pager.thread_id = strdup(""); /* no thread: r, f and the like say so */
	if (t->pager.thread_id == NULL || !tui_pager_add_text(&t->pager, TUI_LINE_BODY, 0, text))
		tui_say(t, true, "out of memory");
	free(text);
	t->pager.cursor.top = t->pager.cursor.sel = 0;
	t->screen = SCREEN_PAGER;
	t->message[0] = '\0';
}
