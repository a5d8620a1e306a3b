/*
 * Answering from the interface: r replies to the thread's newest message,
 * R to all its recipients, f forwards it inline, m writes a new message. The draft opens in the
 * user's editor with the terminal handed over; then the message row asks:
 * send, edit again, postpone (the draft stays in <data>/drafts) or
 * abandon. Sending is store/send.c's, as `vtriage reply` does it.
 */
#include "config.h"

#include <curses.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "private.h"

struct newest {
	char *path;
};

static vt_status
keep_newest(void *ctx, const struct mail_shown *m, struct vt_error *err)
{
	struct newest *n = ctx;

	(void)err;
	if (m->path != NULL) {
		free(n->path);
		n->path = strdup(m->path);
	}
	return VT_OK;
}

struct sending {
	const struct vt_config *cfg;
	struct vt_store *store;
	const struct mail_outgoing *o;
	const char *draft;
	struct vt_send_result result;
};

static vt_status
send_in(struct mail_db *rw, void *ctx, struct vt_error *err)
{
	struct sending *s = ctx;

	return vt_send(s->cfg, s->store, rw, s->o, s->draft, &s->result, err);
}

static void edit_loop(struct tui *t, char *path, const struct mail_sender *me_p);

/* Tab in To:, Cc: and Forward to: the last address of the line
 * completed from the people the index knows (vt_address_complete). */
size_t
tui_complete_address(struct tui *t, const char *line, char ***out)
{
	const char *comma = strrchr(line, ',');
	size_t head = comma ? (size_t)(comma - line) + 1 : 0, n = 0;
	const char *word = line + head;
	struct vt_address_hits hits = { 0 };

	*out = NULL;
	word += strspn(word, " ");
	if (t->store == NULL || *word == '\0' ||
	    vt_address_complete(t->store, word, 20, &hits, NULL) != VT_OK ||
	    (*out = calloc(hits.count + 1, sizeof **out)) == NULL) {
		vt_address_hits_clear(&hits);
		return 0;
	}
	for (size_t i = 0; i < hits.count; i++) {
		char name[200] = "", *clean = mail_sanitize_str(hits.items[i].name);
		size_t o = 0;

		/* a name from mail, made fit for a header: sanitised (controls
		 * and bidi overrides shown, not kept), no quotes */
		for (const char *c = clean ? clean : ""; *c && o + 1 < sizeof name; c++)
			if ((unsigned char)*c >= 0x20 && *c != '"' && *c != '\\' && *c != 0x7f)
				name[o++] = *c;
		name[o] = '\0';
		free(clean);
		if (asprintf(&(*out)[n], "%.*s%s%s%s%s<%s>", (int)head, line, head ? " " : "",
			     *name ? "\"" : "", name, *name ? "\" " : "",
			     hits.items[i].address) >= 0)
			n++;
	}
	vt_address_hits_clear(&hits);
	return n;
}

/* The editor on path, then the question, until sent, kept or dropped. */
static void
edit_and_send(struct tui *t, char *path)
{
	struct vt_sender me_s;
	struct mail_sender me;
	struct vt_error serr = { 0 };

	if (vt_sender_for(t->cfg, NULL, &me_s, &serr) != VT_OK) {
		tui_say(t, true, "%s", serr.msg);
		return;
	}
	me = (struct mail_sender){ me_s.name, me_s.address };
	edit_loop(t, path, &me);
	vt_sender_clear(&me_s);
}

static void
edit_loop(struct tui *t, char *path, const struct mail_sender *me_p)
{
	struct mail_sender me = *me_p;

	for (;;) {
		char *words = strdup(vt_editor()), *argv[40], *text, *answer, note[300], label[512];
		struct vt_error err = { 0 };
		struct mail_outgoing o;
		int argc = 0, rc;

		if (words == NULL)
			return;
		for (char *w = strtok(words, " \t"); w != NULL && argc < 38;
		     w = strtok(NULL, " \t"))
			argv[argc++] = w;
		argv[argc++] = path;
		argv[argc] = NULL;
		rc = tui_run_in_terminal(argv);
		free(words);
		if (rc != 0) {
			tui_say(t, true, "the editor ended with status %d: the draft is kept (%s)",
				rc, path);
			return;
		}
		note[0] = '\0';
ask:
		snprintf(label, sizeof label,
			 "%sSend? y(es) e(dit) a(ttach) c(c) p(ostpone) q(uit, dropped): ", note);
		answer = tui_prompt(t, label, NULL, NULL);
		if (answer == NULL || answer[0] == 'p') {
			tui_say(t, false, "postponed: %s", path);
			free(answer);
			return;
		}
		if (answer[0] == 'q') {
			unlink(path);
			tui_say(t, false, "abandoned");
			free(answer);
			return;
		}
		if (answer[0] == 'a') {
			char *file = tui_prompt(t, "Attach file: ", NULL, tui_complete_path);
			size_t len = file ? strlen(file) : 0;

			while (len > 0 && file[len - 1] == ' ') /* Tab's space */
				file[--len] = '\0';
			/* what came of it leads the question (the same row) */
			if (file != NULL && *file != '\0' &&
			    vt_draft_attach(path, file, &err) != VT_OK)
				snprintf(note, sizeof note, "%.200s. ", err.msg);
			else if (file != NULL && *file != '\0')
				snprintf(note, sizeof note, "attached %.200s. ", file);
			free(file);
			free(answer);
			goto ask;
		}
		if (answer[0] == 'c') {
			char *cc = tui_prompt(t, "Cc: ", NULL, tui_complete_address), *line = NULL;

			if (cc != NULL && *cc != '\0' && asprintf(&line, "Cc: %s", cc) >= 0 &&
			    vt_draft_add_line(path, line, &err) != VT_OK)
				snprintf(note, sizeof note, "%.200s. ", err.msg);
			else if (line != NULL)
				snprintf(note, sizeof note, "Cc %.200s. ", cc);
			free(line);
			free(cc);
			free(answer);
			goto ask;
		}
		if (answer[0] != 'y') {
			free(answer);
			continue; /* e, or anything else: the editor again */
		}
		free(answer);
		if ((text = vt_draft_read(path)) == NULL) {
			tui_say(t, true, "%s: cannot read the draft", path);
			return;
		}
		if (mail_draft_build(text, &me, &o, &err) != VT_OK) {
			/* asked again, what is wrong first: the editor at
			 * once hid it */
			free(text);
			snprintf(note, sizeof note, "%.200s. ", err.msg);
			goto ask;
		}
		free(text);
		{
			char why[VT_ERROR_MAX];

			/* mail to a look-alike of a known domain: only after a yes */
			if (vt_send_lookalike(t->store, &o, why, sizeof why) &&
			    !tui_confirm_force(t, why, "\n", " Send anyway? (type yes) ")) {
				tui_say(t, false, "not sent: the draft is kept (%s)", path);
				mail_outgoing_clear(&o);
				return;
			}
		}
		{
			struct sending s = {
				.cfg = t->cfg, .store = t->store, .o = &o, .draft = path
			};

			if (tui_index_busy(t) ||
			    (rc = (int)tui_while_writable(t, send_in, &s, &err)) != VT_OK) {
				if (err.msg[0])
					tui_say(t, true, "%s: the draft is kept (%s)", err.msg,
						path);
				mail_outgoing_clear(&o);
				return;
			}
			if (s.result.warning[0] != '\0') {
				/* sent all the same: the draft goes */
				tui_say(t, true, "%s (to %s)", s.result.warning, o.recipients);
			} else if (s.result.account[0] != '\0') {
				/* a watching sync uploads the copy now */
				if (t->sync.job == SYNC_WATCH && tui_bg_running(&t->sync.bg))
					tui_bg_signal(&t->sync.bg, SIGUSR1);
				tui_say(t, false,
					"sent to %s; its copy goes to %s's Sent at the next sync",
					o.recipients, s.result.account);
			} else {
				tui_say(t, false, "sent to %s", o.recipients);
			}
		}
		/* (the draft went as soon as it was sent: vt_send) */
		mail_outgoing_clear(&o);
		tui_refresh_after_change(t);
		return;
	}
}

/* m with postponed drafts: as mutt, offers them first (their number
 * resumes one, Enter writes a new message). True when m is done. */
static bool
recall(struct tui *t)
{
	struct vt_draft_list drafts;
	char label[1200], *pick, *end;
	size_t o = 0;
	long k;

	if (vt_drafts_list(t->cfg, &drafts, NULL) != VT_OK || drafts.count == 0)
		return false;
	o = (size_t)snprintf(label, sizeof label, "Postponed:");
	for (size_t i = 0; i < drafts.count && i < 5 && o < sizeof label - 200; i++) {
		char *subject = mail_sanitize_str(drafts.items[i].subject);
		char *to = mail_sanitize_str(drafts.items[i].to);

		const char *s = subject ? mail_subject_shown(subject) : "?", *r = to ? to : "";

		o += (size_t)snprintf(label + o, sizeof label - o, " %zu) %.*s (to %.*s)", i + 1,
				      (int)mail_utf8_prefix(s, 40), s, (int)mail_utf8_prefix(r, 40),
				      r);
		free(subject);
		free(to);
	}
	snprintf(label + o, sizeof label - o,
		 "%s. Number resumes, Enter: new message: ", drafts.count > 5 ? " ..." : "");
	pick = tui_prompt(t, label, NULL, NULL);
	if (pick == NULL) { /* Esc: nothing */
		vt_draft_list_clear(&drafts);
		return true;
	}
	k = strtol(pick, &end, 10);
	if (end != pick && k >= 1 && (size_t)k <= drafts.count) {
		char *path = strdup(drafts.items[k - 1].path);

		vt_draft_list_clear(&drafts);
		free(pick);
		if (path != NULL)
			edit_and_send(t, path);
		free(path);
		return true;
	}
	free(pick);
	vt_draft_list_clear(&drafts);
	return false;
}

void
tui_compose_command(struct tui *t, enum km_action a, const char *arg)
{
	struct vt_error err = { 0 };
	char *draft = NULL, *path;

	if (a == KM_COMPOSE && (arg == NULL || *arg == '\0') && recall(t))
		return;
	if (a == KM_COMPOSE) {
		/* as mutt asks: the recipient (Tab completes), the subject */
		bool asked = arg == NULL || *arg == '\0';
		char *to = asked ? tui_prompt(t, "To: ", NULL, tui_complete_address) : strdup(arg);
		char *subject = to == NULL ? NULL
				: asked    ? tui_prompt(t, "Subject: ", NULL, NULL)
					   : strdup("");

		if (to != NULL && subject != NULL &&
		    vt_draft_begin(t->cfg, t->store, VT_DRAFT_NEW, NULL, to, subject, &draft,
				   &err) != VT_OK)
			tui_say(t, true, "%s", err.msg);
		free(to);
		free(subject);
	} else {
		const char *tid = tui_current_thread_id(t);
		struct newest n = { 0 };

		if (tid == NULL || mail_thread_show(*t->db, tid, keep_newest, &n, &err) != VT_OK ||
		    n.path == NULL) {
			tui_say(t, true, "%s", err.msg[0] ? err.msg : "no message to answer here");
			free(n.path);
			return;
		}
		if (a == KM_FORWARD) {
			char *to = arg && *arg ? strdup(arg)
					       : tui_prompt(t, "Forward to: ", NULL,
							    tui_complete_address);

			if (to != NULL && *to != '\0' &&
			    vt_draft_begin(t->cfg, t->store, VT_DRAFT_FORWARD, n.path, to, NULL,
					   &draft, &err) != VT_OK)
				tui_say(t, true, "%s", err.msg);
			free(to);
		} else if (vt_draft_begin(t->cfg, t->store,
					  a == KM_REPLY_ALL ? VT_DRAFT_REPLY_ALL : VT_DRAFT_REPLY,
					  n.path, NULL, NULL, &draft, &err) != VT_OK) {
			tui_say(t, true, "%s", err.msg);
		}
		free(n.path);
	}
	if (draft == NULL)
		return;
	path = vt_draft_save(t->cfg, draft, &err);
	free(draft);
	if (path == NULL) {
		tui_say(t, true, "%s", err.msg);
		return;
	}
	edit_and_send(t, path);
	free(path);
}
