/*
 * Triage that the command line has and the keys did not: linking a thread
 * to an issue, renaming a vendor, merging it into another, giving it a
 * domain, accepting its changed bank details, and adding or removing a
 * thread's tags. Each asks for what it
 * needs (or takes it from the ':' line), runs the store's own function
 * (journalled: ,u undoes it) and reports as the other triage keys do.
 */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "private.h"

/* Tab for a prompt that asks for the argument of a ':' command: what
 * the command line would complete after the command's name. */
static size_t
complete_argument(struct tui *t, enum km_action action, const char *line, char ***out)
{
	char *with = NULL;
	size_t n, skip = strlen(km_action_name(action)) + 1;

	if (asprintf(&with, "%s %s", km_action_name(action), line) < 0)
		return 0;
	n = tui_complete_command(t, with, out);
	free(with);
	for (size_t i = 0; i < n; i++)
		memmove((*out)[i], (*out)[i] + skip, strlen((*out)[i] + skip) + 1);
	return n;
}

size_t
tui_complete_role(struct tui *t, const char *line, char ***out)
{
	return complete_argument(t, KM_CONTACT_ROLE, line, out);
}

static size_t
complete_vendor(struct tui *t, const char *line, char ***out)
{
	return complete_argument(t, KM_MERGE, line, out);
}

/* The argument from the ':' line, else the answer to a prompt; NULL when
 * cancelled or empty (and says so). */
static char *
ask(struct tui *t, const char *arg, const char *label, const char *initial, complete_fn complete)
{
	char *answer = arg && *arg ? strdup(arg) : tui_prompt(t, label, initial, complete);
	size_t len = answer ? strlen(answer) : 0;

	/* the space Tab adds after a completed word */
	while (len > 0 && answer[len - 1] == ' ')
		answer[--len] = '\0';
	if (answer == NULL || *answer == '\0') {
		free(answer);
		tui_say(t, false, "cancelled");
		return NULL;
	}
	return answer;
}

static char *
vendor_or_say(struct tui *t)
{
	char *slug = tui_current_vendor(t);

	if (slug == NULL)
		tui_say(t, true, "no vendor here: select a vendor's thread or folder");
	return slug;
}

void
tui_issue_offered(struct tui *t, const char *slug, bool thread_first, char out[32])
{
	const struct tui_pane_rows *rows = &t->panes.rows[TUI_PANE_ISSUES];
	long sel = t->pane_cur[TUI_PANE_ISSUES].sel;
	const char *tid = tui_current_thread_id(t);
	const struct vt_thread_issue *linked =
		thread_first && tid ? vt_thread_issue_of(&t->threads.marks, tid) : NULL;
	struct vt_issue_list list = { 0 };

	out[0] = '\0';
	/* a contract's row there has no issue number */
	if (t->focus == FOCUS_PANE + TUI_PANE_ISSUES && sel >= 0 && sel < (long)rows->count &&
	    rows->items[sel].ref != NULL)
		snprintf(out, 32, "%s", rows->items[sel].ref);
	else if (linked != NULL)
		snprintf(out, 32, "%lld", (long long)linked->id);
	else if (slug != NULL && vt_issue_list(t->store, slug, false, &list, NULL) == VT_OK &&
		 list.count > 0)
		snprintf(out, 32, "%lld", (long long)list.items[0].id);
	vt_issue_list_clear(&list);
}

static void
link_issue(struct tui *t, const char *arg)
{
	struct vt_error err = { 0 };
	struct vt_action a = { 0 };
	const char *tid = tui_current_thread_id(t);
	char *slug = tui_current_vendor(t), *number, initial[32], thread[64], *end;
	long long n;

	if (tid == NULL) {
		free(slug);
		tui_say(t, true, "no thread selected");
		return;
	}
	tui_issue_offered(t, slug, false, initial);
	free(slug);
	if ((number = ask(t, arg, "Link the thread to issue #: ", initial, NULL)) == NULL)
		return;
	n = strtoll(number[0] == '#' ? number + 1 : number, &end, 10);
	if (*end != '\0' || n <= 0) {
		tui_say(t, true, "not an issue number: %s", number);
	} else {
		snprintf(thread, sizeof thread, "thread:%s", tid);
		memset(&err, 0, sizeof err);
		tui_report(t, vt_issue_link(t->store, *t->db, n, thread, &a, &err), &a, &err);
	}
	free(number);
}

static void
rename_vendor(struct tui *t, const char *arg)
{
	struct vt_error err = { 0 };
	struct vt_action a = { 0 };
	struct vt_vendor v = { 0 };
	char *slug = vendor_or_say(t), *name, label[200];

	if (slug == NULL)
		return;
	snprintf(label, sizeof label, "Rename %.60s to: ", slug);
	name = ask(t, arg, label, vt_vendor_get(t->store, slug, &v, &err) == VT_OK ? v.name : NULL,
		   NULL);
	if (name != NULL) {
		memset(&err, 0, sizeof err);
		tui_report(t, vt_vendor_rename(t->store, slug, name, &a, &err), &a, &err);
	}
	vt_vendor_clear(&v);
	free(name);
	free(slug);
}

/* merge and add-domain: the store refuses one that would lend a vendor's
 * standing to a look-alike until asked again, forced, after a yes. */
typedef vt_status (*vendor_change)(struct vt_store *s, const char *slug, const char *what,
				   unsigned flags, struct vt_action *out, struct vt_error *err);

static void
change_vendor(struct tui *t, const char *arg, const char *label_head, const char *label_tail,
	      complete_fn complete, vendor_change change, const char *cut, const char *question,
	      const char *refused)
{
	struct vt_error err = { 0 };
	struct vt_action a = { 0 };
	char *slug = vendor_or_say(t), *what, label[200];
	vt_status rc;

	if (slug == NULL)
		return;
	snprintf(label, sizeof label, "%s%.60s%s", label_head, slug, label_tail);
	if ((what = ask(t, arg, label, NULL, complete)) != NULL) {
		rc = change(t->store, slug, what, 0, &a, &err);
		if (rc == VT_ERR_CONFLICT && strstr(err.msg, "looks like") != NULL) {
			if (!tui_confirm_force(t, err.msg, cut, question)) {
				tui_say(t, false, "%s", refused);
				goto out;
			}
			memset(&err, 0, sizeof err);
			rc = change(t->store, slug, what, VT_TRIAGE_FORCE, &a, &err);
		}
		if (rc == VT_OK && a.changed)
			tui_bills_judged_again(t);
		tui_report(t, rc, &a, &err);
	}
out:
	free(what);
	free(slug);
}

/* Changed bank details the user verified with the vendor: the prompt
 * offers the vendor's newest unverified ones, and a yes is asked for
 * (accepting is what the scam wants the user to do). */
static void
accept_bank(struct tui *t, const char *arg)
{
	struct vt_error err = { 0 };
	struct vt_action a = { 0 };
	struct vt_bank_list list = { 0 };
	char *slug = vendor_or_say(t), *detail, *answer, label[200];
	const char *offered = NULL;

	if (slug == NULL)
		return;
	if (vt_bank_list(t->store, slug, &list, &err) == VT_OK)
		for (size_t i = list.count; i-- > 0 && offered == NULL;)
			if (list.items[i].state == VT_BANK_UNVERIFIED)
				offered = list.items[i].value;
	snprintf(label, sizeof label, "Accept as %.60s's bank details: ", slug);
	if ((detail = ask(t, arg, label, offered, NULL)) != NULL) {
		snprintf(label, sizeof label,
			 "Verified with %.60s at a number you had before? (type yes) ", slug);
		answer = tui_prompt(t, label, NULL, NULL);
		memset(&err, 0, sizeof err);
		if (answer != NULL && strcmp(answer, "yes") == 0) {
			vt_status rc = vt_bank_accept(t->store, slug, detail, &a, &err);

			if (rc == VT_OK && a.changed)
				tui_bills_judged_again(t);
			tui_report(t, rc, &a, &err);
		} else
			tui_say(t, false, "not accepted");
		free(answer);
	}
	free(detail);
	vt_bank_list_clear(&list);
	free(slug);
}

/* Tab in the tag prompts: the index's tags that start so. */
static size_t
complete_tag(struct tui *t, const char *line, char ***out)
{
	struct vt_error err = { 0 };
	char **tags = NULL;
	size_t n = 0, kept = 0;

	*out = NULL;
	if (mail_all_tags(*t->db, &tags, &n, &err) != VT_OK)
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (strncmp(tags[i], line, strlen(line)) == 0)
			tags[kept++] = tags[i];
		else
			free(tags[i]);
	}
	*out = tags;
	return kept;
}

static void
edit_tag(struct tui *t, enum km_action action, const char *arg)
{
	bool adding = action == KM_TAG_ADD;
	char *tag = ask(t, arg, adding ? "Add tag: " : "Remove tag: ", NULL, complete_tag),
	     what[80];

	if (tag == NULL)
		return;
	/* one word: notmuch tags have no spaces in vtriage's queries */
	if (strpbrk(tag, " \t\"()") != NULL || tag[0] == '-' || tag[0] == '+') {
		tui_say(t, true, "a tag is one word: %s", tag);
		free(tag);
		return;
	}
	snprintf(what, sizeof what, "%s %.40s", adding ? "tagged" : "untagged", tag);
	tui_act_tags(t, adding ? tag : NULL, adding ? NULL : tag, what);
	free(tag);
}

void
tui_bills_judged_again(struct tui *t)
{
	struct vt_error err = { 0 };

	/* as `vtriage vendor merge` does (cli/cmd-triage.c) */
	if (vt_documents_judge(t->store, t->cfg, &err) != VT_OK)
		tui_say(t, true, "%s", err.msg);
}

void
tui_triage_command(struct tui *t, enum km_action a, const char *arg)
{
	switch (a) {
	case KM_ISSUE_LINK:
		link_issue(t, arg);
		break;
	case KM_RENAME:
		rename_vendor(t, arg);
		break;
	case KM_MERGE:
		change_vendor(t, arg, "Merge ", " into (Tab completes): ", complete_vendor,
			      vt_vendor_merge, ": merging", " Merge anyway? (type yes) ",
			      "not merged");
		break;
	case KM_ADD_DOMAIN:
		change_vendor(t, arg, "Domain to add to ", ": ", NULL, vt_vendor_add_domain,
			      ": adding", " Add anyway? (type yes) ", "not added");
		break;
	case KM_BANK_ACCEPT:
		accept_bank(t, arg);
		break;
	case KM_TAG_ADD:
	case KM_TAG_REMOVE:
		edit_tag(t, a, arg);
		break;
	case KM_ARCHIVE:
		tui_act_tags(t, NULL, "inbox", "archived");
		break;
	case KM_TOGGLE_READ:
		tui_act_toggle_read(t);
		break;
	case KM_DELETE:
		/* from the pager, back to the list the thread has left */
		tui_act_tags(t, MAIL_TAG_DELETED, NULL, "moved to the Trash");
		if (t->screen == SCREEN_PAGER)
			t->screen = SCREEN_MAIN;
		break;
	default:
		break;
	}
}
