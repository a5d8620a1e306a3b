/*
 * What the triage keys and the ':' command line do. Each action calls
 * the same store and mail functions as the command line, then says what
 * happened and reloads what it changed.
 */
#include "config.h"

#include <curses.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

#include "private.h"

/* ---- actions ---- */

char *
tui_current_vendor(struct tui *t)
{
	if (t->screen == SCREEN_MAIN && t->focus == FOCUS_FOLDERS &&
	    t->fcur.sel < (long)t->folders.count && t->folders.items[t->fcur.sel].slug)
		return strdup(t->folders.items[t->fcur.sel].slug);
	if (t->screen == SCREEN_PAGER && t->pager.vendor_org)
		return vt_vendor_slug_for_org(t->store, t->pager.vendor_org);
	return tui_vendor_slug_of(t, tui_selected_thread(t));
}

const char *
tui_current_thread_id(struct tui *t)
{
	const struct mail_thread *th;

	if (t->screen == SCREEN_PAGER)
		return t->pager.thread_id;
	th = tui_selected_thread(t);
	return th ? th->thread_id : NULL;
}

/*
 * A request the store refused for a likeness (a look-alike would gain a
 * trusted vendor's standing): the reason, cut before `cut` and to leave
 * the question on the line, then the question; true when the user typed
 * yes.
 */
bool
tui_confirm_force(struct tui *t, const char *reason, const char *cut, const char *question)
{
	char label[VT_ERROR_MAX + 64], *answer, *why = mail_sanitize_str(reason);
	const char *shown = why ? why : "a look-alike";
	int room = COLS - tui_text_cols(question) - 1;
	size_t len, fit, next;
	bool yes;

	if (why != NULL && strstr(why, cut) != NULL)
		*strstr(why, cut) = '\0';
	/* by columns, on a character: a cut reason ends with "...", within
	 * the room */
	len = strlen(shown);
	if (tui_text_cols(shown) > room)
		room -= 3;
	fit = tui_wrap_piece(shown, len, 0, room > 10 ? room : 10, &next);
	snprintf(label, sizeof label, "%.*s%s%s", (int)fit, shown, fit < len ? "..." : "",
		 question);
	free(why);
	answer = tui_prompt(t, label, NULL, NULL);
	yes = answer != NULL && strcmp(answer, "yes") == 0;
	free(answer);
	return yes;
}

void
tui_report(struct tui *t, vt_status rc, const struct vt_action *a, const struct vt_error *err)
{
	if (rc != VT_OK) {
		tui_say(t, true, "%s", err->msg);
		return;
	}
	tui_say(t, false, "%s", a->summary);
	if (a->changed)
		tui_refresh_after_change(t);
}

void
tui_act_bucket(struct tui *t, const char *slug_arg, enum vt_bucket bucket)
{
	struct vt_error err = { 0 };
	struct vt_action a = { 0 };
	char *slug = slug_arg ? strdup(slug_arg) : tui_current_vendor(t);
	unsigned flags;
	vt_status rc;

	if (slug == NULL) {
		tui_say(t, true, "no vendor here: this is not vendor mail");
		return;
	}
	flags = t->cfg->mirror_folders ? VT_TRIAGE_QUEUE_MIRROR : 0;
	rc = vt_vendor_set_bucket(t->store, slug, bucket, flags, &a, &err);
	/* A look-alike is promoted only when the user says so, knowing why
	 * it was refused. */
	if (rc == VT_ERR_CONFLICT && bucket == VT_BUCKET_TRUSTED) {
		if (!tui_confirm_force(t, err.msg, ": promoting", " Promote anyway? (type yes) ")) {
			tui_say(t, false, "not promoted");
			free(slug);
			return;
		}
		memset(&err, 0, sizeof err);
		rc = vt_vendor_set_bucket(t->store, slug, bucket, flags | VT_TRIAGE_FORCE, &a,
					  &err);
	}
	tui_report(t, rc, &a, &err);
	free(slug);
}

/*
 * Runs fn on the index opened for writing. The interface holds a
 * read-only handle (a writer would lock out the background sync): it is
 * closed meanwhile and opened again after, whatever fn did.
 */
vt_status
tui_while_writable(struct tui *t,
		   vt_status (*fn)(struct mail_db *rw, void *ctx, struct vt_error *err), void *ctx,
		   struct vt_error *err)
{
	struct mail_db *rw = NULL;
	struct vt_error reopen = { 0 };
	vt_status rc;

	tui_threads_release_db(&t->threads);
	mail_db_close(t->db);
	rc = mail_db_open(t->loc, MAIL_DB_READ_WRITE, &rw, err);
	if (rc == VT_OK)
		rc = fn(rw, ctx, err);
	mail_db_close(&rw);
	if (mail_db_open(t->loc, MAIL_DB_READ_ONLY, t->db, &reopen) != VT_OK && rc == VT_OK) {
		*err = reopen;
		rc = reopen.status;
	}
	return rc;
}

struct retagging {
	struct vt_store *store;
	const struct vt_action *action;
};

static vt_status
retag_in(struct mail_db *rw, void *ctx, struct vt_error *err)
{
	const struct retagging *r = ctx;

	return vt_apply_retag(r->store, rw, r->action, err);
}

void
tui_act_undo(struct tui *t)
{
	struct vt_error err = { 0 };
	struct vt_action a = { 0 };
	vt_status rc;

	/* Undoing a tag change writes the index: never half an undo. */
	if (tui_index_busy(t))
		return;
	rc = vt_undo(t->store, &a, &err);

	if (rc == VT_OK && a.retag_ids != NULL)
		rc = tui_while_writable(t, retag_in, &(struct retagging){ t->store, &a }, &err);
	if (rc == VT_OK && a.changed)
		tui_bills_judged_again(t);
	tui_report(t, rc, &a, &err);
	vt_action_clear(&a);
}

void
tui_act_issue_open(struct tui *t, const char *title_arg)
{
	struct vt_error err = { 0 };
	struct vt_action a = { 0 };
	char *slug = tui_current_vendor(t), *title, *thread = NULL;
	const char *tid = tui_current_thread_id(t);
	int64_t id;

	if (slug == NULL) {
		tui_say(t, true, "no vendor here: open issues with a vendor's thread selected");
		return;
	}
	title = title_arg ? strdup(title_arg) : tui_prompt(t, "Issue title: ", NULL, NULL);
	if (title != NULL && *title != '\0') {
		if (tid != NULL && asprintf(&thread, "thread:%s", tid) < 0)
			thread = NULL;
		tui_report(t,
			   vt_issue_open(t->store, *t->db, slug, title,
					 (const char *const *)&thread, thread ? 1 : 0, &id, &a,
					 &err),
			   &a, &err);
	} else {
		tui_say(t, false, "cancelled");
	}
	free(thread);
	free(title);
	free(slug);
}

void
tui_act_issue_close(struct tui *t, const char *number_arg)
{
	struct vt_error err = { 0 };
	struct vt_action a = { 0 };
	char *slug = tui_current_vendor(t), *number = NULL, initial[32];

	tui_issue_offered(t, slug, true, initial);
	number = number_arg ? strdup(number_arg) : tui_prompt(t, "Close issue #: ", initial, NULL);
	if (number != NULL && *number != '\0') {
		char *end, *note = NULL;
		long long n = strtoll(number[0] == '#' ? number + 1 : number, &end, 10);

		/* ":issue-close 3 credited in full": the rest is the note;
		 * from the key it is asked for */
		if (n <= 0 || (*end != '\0' && *end != ' ')) {
			tui_say(t, true, "not an issue number: %s", number);
		} else {
			bool cancelled = false;

			if (*end == ' ') {
				note = strdup(end + strspn(end, " "));
			} else if (number_arg == NULL) {
				note = tui_prompt(t, "Closing note (Enter: none): ", NULL, NULL);
				cancelled = note == NULL;
			}
			if (cancelled)
				tui_say(t, false, "cancelled");
			else
				tui_report(t,
					   vt_issue_close(t->store, n, note && *note ? note : NULL,
							  &a, &err),
					   &a, &err);
			free(note);
		}
	} else {
		tui_say(t, false, "cancelled");
	}
	free(number);
	free(slug);
}

void
tui_act_role(struct tui *t, const char *role_arg)
{
	struct vt_error err = { 0 };
	struct vt_action a = { 0 };
	char *slug = tui_current_vendor(t), *who = NULL, *role = NULL;
	const char *initial = NULL;

	if (slug == NULL) {
		tui_say(t, true, "no vendor here: contacts belong to vendors");
		return;
	}
	tui_panes_load(&t->panes, t->store, slug, false, &err);
	/* the contact under the cursor, else the vendor's newest */
	const struct tui_pane_rows *contacts = &t->panes.rows[TUI_PANE_CONTACTS];
	long sel = t->pane_cur[TUI_PANE_CONTACTS].sel;

	if (t->focus == FOCUS_PANE + TUI_PANE_CONTACTS && sel >= 0 && sel < (long)contacts->count)
		initial = contacts->items[sel].ref;
	else if (contacts->count > 0)
		initial = contacts->items[0].ref;
	who = tui_prompt(t, "Contact: ", initial, NULL);
	if (who != NULL && *who != '\0')
		role = role_arg ? strdup(role_arg)
				: tui_prompt(t, "Role (Tab completes): ", NULL, tui_complete_role);
	if (who != NULL && *who && role != NULL && *role)
		tui_report(t, vt_contact_set_role(t->store, who, role, &a, &err), &a, &err);
	else
		tui_say(t, false, "cancelled");
	free(who);
	free(role);
	free(slug);
}

/* Tag changes need the index writable for a moment. */
/* A tag change, journalled for undo: what act_tags asks of the index. */
struct tagging {
	struct tui *t;
	const char *query, *add, *remove, *what;
	struct vt_action a;
};

static vt_status
tag_in(struct mail_db *rw, void *ctx, struct vt_error *err)
{
	struct tagging *g = ctx;

	return vt_tag(g->t->store, rw, g->query, g->add, g->remove, g->what, &g->a, err);
}

void
tui_act_tags(struct tui *t, const char *add, const char *remove, const char *what)
{
	struct vt_error err = { 0 };
	const char *tid = tui_current_thread_id(t);
	char *query = NULL, *summary = NULL;
	struct tagging g = { .t = t, .add = add, .remove = remove };

	if (tid == NULL || asprintf(&query, "thread:%s", tid) < 0) {
		tui_say(t, true, "no thread selected");
		return;
	}
	/* the journal and the status line name the thread by its subject,
	 * cut whole characters: the journal keeps it */
	const struct mail_thread *th = tui_selected_thread(t);
	const char *name = th ? mail_subject_shown(th->subject) : tid;
	if (tui_index_busy(t) ||
	    asprintf(&summary, "%s \"%.*s\"", what, (int)mail_utf8_prefix(name, 60), name) < 0) {
		free(query);
		return;
	}
	g.query = query;
	g.what = summary;
	if (tui_while_writable(t, tag_in, &g, &err) != VT_OK)
		tui_say(t, true, "%s", err.msg);
	else
		tui_say(t, false, "%s", g.a.summary);
	tui_refresh_after_change(t);
	free(query);
	free(summary);
}

void
tui_act_toggle_flag(struct tui *t)
{
	const char *tid = tui_current_thread_id(t);
	struct vt_error err = { 0 };
	unsigned long n = 0;
	char *query = NULL;
	bool flagged;

	/* the thread shown, in the pager too (opened from a pane, it is
	 * not the list's) */
	if (tid == NULL || asprintf(&query, "thread:%s and tag:flagged", tid) < 0) {
		tui_say(t, true, "no thread selected");
		return;
	}
	flagged = mail_count(*t->db, query, false, &n, &err) == VT_OK && n > 0;
	free(query);
	if (flagged)
		tui_act_tags(t, NULL, "flagged", "unflagged");
	else
		tui_act_tags(t, "flagged", NULL, "flagged");
}

struct reading {
	struct vt_store *store;
	const char *query;
};

static vt_status
read_in(struct mail_db *rw, void *ctx, struct vt_error *err)
{
	struct reading *r = ctx;

	return vt_tag_messages(r->store, rw, r->query, NULL, "unread", NULL, err);
}

void
tui_act_mark_read_on_open(struct tui *t)
{
	const struct mail_thread *th = tui_selected_thread(t);
	struct vt_error err = { 0 };
	bool unread = false;
	char *query = NULL;

	for (size_t i = 0; th && i < th->n_tags; i++)
		if (strcmp(th->tags[i], "unread") == 0)
			unread = true;
	/* quietly not while another writer holds the index: it stays unread */
	tui_poll_sync(t, false);
	if (!unread || !t->cfg->ui_mark_read || t->sync.indexing || mail_db_writer_busy(*t->db) ||
	    asprintf(&query, "thread:%s", th->thread_id) < 0)
		return;
	/* reading is not a triage action: not in the undo journal (`,s` and
	 * toggle-read mark it unread again) */
	if (tui_while_writable(t, read_in, &(struct reading){ t->store, query }, &err) != VT_OK)
		tui_say(t, true, "%s", err.msg);
	tui_refresh_after_change(t);
	free(query);
}

void
tui_act_toggle_read(struct tui *t)
{
	const struct mail_thread *th = tui_selected_thread(t);
	bool unread = false;

	for (size_t i = 0; th && i < th->n_tags; i++)
		if (strcmp(th->tags[i], "unread") == 0)
			unread = true;
	if (unread)
		tui_act_tags(t, NULL, "unread", "read");
	else
		tui_act_tags(t, "unread", NULL, "unread");
}

void
tui_run_search(struct tui *t, const char *query)
{
	struct vt_error err = { 0 };
	char *translated = NULL, *label = NULL;

	/* Check the query first: a typo must not empty the screen. */
	if (vt_query_translate(t->store, query, &translated, &err) != VT_OK) {
		tui_say(t, true, "bad query: %s", err.msg);
		return;
	}
	free(translated);
	free(t->search);
	t->search = strdup(query);
	if (asprintf(&label, "Search: %s", query) < 0)
		return;
	tui_open_query(t, query, label);
	free(label);
	t->searching = true;
	t->screen = SCREEN_MAIN;
	t->focus = FOCUS_THREADS;
	if (t->threads.nm_query) {
		/* counted between keys (a search of a million messages takes
		 * seconds to count), said when known */
		t->need_count = true;
		t->count_say = true;
	}
}

void
tui_act_sort(struct tui *t, const char *how)
{
	static const char *const said[TUI_SORTS] = {
		"newest first",      "largest quote or bill first", "by vendor, A to Z",
		"by sender, A to Z", "by subject, A to Z",          "the longest waiting first",
	};
	int sort;

	if (how == NULL || *how == '\0') /* the key: amount, and back */
		sort = t->threads.sort == TUI_SORT_DATE ? TUI_SORT_AMOUNT : TUI_SORT_DATE;
	else if ((sort = tui_sort_from_name(how)) < 0) {
		tui_say(t, true, "sort by date, amount, vendor, sender, subject or age, not '%s'",
			how);
		return;
	}
	tui_threads_sort(&t->threads, (enum tui_sort)sort);
	tui_cursor_set(&t->tcur, 0);
	t->need_count = true;
	tui_say(t, false, "%s", said[sort]);
}

/* In the pager: the next (dir 1) or previous (-1) message of the thread
 * at the top. */
void
tui_act_message(struct tui *t, int dir)
{
	long at;

	if (t->screen != SCREEN_PAGER)
		return;
	at = tui_pager_message(&t->pager, t->pager.cursor.top, dir);
	if (at < 0)
		tui_say(t, false, dir > 0 ? "the last message" : "the first message");
	else
		t->pager.cursor.top = at;
}

/* To, Cc and Date, shown or not: the thread is laid out again. */
void
tui_act_toggle_headers(struct tui *t, bool quotes)
{
	char *thread, *org;
	long top = t->pager.cursor.top, count = (long)t->pager.count;

	if (t->screen != SCREEN_PAGER || t->pager.thread_id == NULL)
		return;
	thread = strdup(t->pager.thread_id);
	org = t->pager.vendor_org ? strdup(t->pager.vendor_org) : NULL;
	if (quotes)
		t->pager.fold_quotes = !t->pager.fold_quotes;
	else
		t->pager.brief = !t->pager.brief;
	if (thread != NULL) {
		tui_open_thread_id(t, thread, org);
		if (count > 0)
			t->pager.cursor.top = top * (long)t->pager.count / count;
	}
	free(thread);
	free(org);
}
