/* The TUI's state: see model.h. */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "model.h"

/* ---- cursor ---- */

void
tui_cursor_fix(struct tui_cursor *c)
{
	int h = c->height > 0 ? c->height : 1;

	if (c->count >= 0 && c->sel >= c->count)
		c->sel = c->count - 1;
	if (c->sel < 0)
		c->sel = 0;
	if (c->sel < c->top)
		c->top = c->sel;
	if (c->sel >= c->top + h)
		c->top = c->sel - h + 1;
	/* no empty space below the last item when there are enough to fill */
	if (c->count >= 0 && c->top > 0 && c->top + h > c->count)
		c->top = c->count > h ? c->count - h : 0;
	if (c->top < 0)
		c->top = 0;
}

void
tui_cursor_move(struct tui_cursor *c, long delta)
{
	c->sel += delta;
	tui_cursor_fix(c);
}

void
tui_cursor_set(struct tui_cursor *c, long index)
{
	c->sel = index;
	tui_cursor_fix(c);
}

/* ---- folders ---- */

static bool
add_folder(struct tui_folders *f, enum tui_folder_kind kind, const char *label, const char *query,
	   const char *slug)
{
	struct tui_folder *grown = realloc(f->items, (f->count + 1) * sizeof *grown), *n;

	if (grown == NULL)
		return false;
	f->items = grown;
	n = &grown[f->count];
	memset(n, 0, sizeof *n);
	n->kind = kind;
	n->label = strdup(label);
	n->query = strdup(query);
	n->slug = slug ? strdup(slug) : NULL;
	f->count++;
	return n->label && n->query && (slug == NULL || n->slug);
}

vt_status
tui_folders_build(struct vt_store *s, const struct vt_config *cfg, struct tui_folders *out,
		  struct vt_error *err)
{
	enum vt_bucket trusted = VT_BUCKET_TRUSTED;
	struct vt_vendor_list list = { 0 };
	bool ok = true;
	long generic = 0;
	vt_status rc;
	char label[64];

	memset(out, 0, sizeof *out);
	ok = add_folder(out, TUI_FOLDER_INBOX, "Inbox", "tag:inbox", NULL);
	if ((rc = vt_vendor_list(s, &trusted, &list, err)) != VT_OK)
		goto fail;
	for (size_t i = 0; ok && i < list.count; i++) {
		char *query = NULL;

		if (asprintf(&query, "vendor:%s", list.items[i].slug) < 0) {
			ok = false;
			break;
		}
		ok = add_folder(out, TUI_FOLDER_VENDOR, list.items[i].name, query,
				list.items[i].slug);
		free(query);
	}
	vt_vendor_list_clear(&list);
	if ((rc = vt_vendor_count(s, VT_BUCKET_GENERIC, &generic, err)) != VT_OK)
		goto fail;
	snprintf(label, sizeof label, "Generic (%ld vendors)", generic);
	ok = ok && add_folder(out, TUI_FOLDER_GENERIC, label, "bucket:generic", NULL);
	if (ok)
		out->items[out->count - 1].vendors = generic;
	ok = ok && add_folder(out, TUI_FOLDER_NONE, "Not vendor mail", "bucket:none", NULL);
	ok = ok && add_folder(out, TUI_FOLDER_SEARCH, "Waiting on vendors", "waiting:vendor", NULL);
	ok = ok && add_folder(out, TUI_FOLDER_SEARCH, "Waiting on me", "waiting:me", NULL);
	ok = ok && add_folder(out, TUI_FOLDER_SEARCH, "Open issues", "issue:open", NULL);
	ok = ok && add_folder(out, TUI_FOLDER_SEARCH, "Suspicious", "suspicious:yes", NULL);
	for (size_t i = 0; ok && cfg != NULL && i < cfg->n_entries; i++) {
		const struct vt_config_entry *e = &cfg->entries[i];
		char *translated = NULL;

		if (strcmp(e->section, "searches") != 0)
			continue;
		if ((rc = vt_query_translate(s, e->value, &translated, err)) != VT_OK) {
			char why[VT_ERROR_MAX / 2];

			snprintf(why, sizeof why, "%.400s", err->msg);
			rc = vt_fail(err, VT_ERR_CONFIG, "%s:%d: [searches] %s: %s",
				     cfg->path ? cfg->path : "config", e->line, e->key, why);
			goto fail;
		}
		free(translated);
		ok = add_folder(out, TUI_FOLDER_SEARCH, e->key, e->value, NULL);
	}
	if (ok)
		return VT_OK;
	rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
fail:
	tui_folders_clear(out);
	return rc;
}

long
tui_folders_find(const struct tui_folders *f, const char *slug, const char *query)
{
	for (size_t i = 0; i < f->count; i++) {
		if (slug != NULL && f->items[i].slug != NULL && strcmp(f->items[i].slug, slug) == 0)
			return (long)i;
		if (query != NULL && strcmp(f->items[i].query, query) == 0)
			return (long)i;
	}
	return -1;
}

void
tui_folders_clear(struct tui_folders *f)
{
	for (size_t i = 0; i < f->count; i++) {
		free(f->items[i].label);
		free(f->items[i].query);
		free(f->items[i].slug);
	}
	free(f->items);
	f->items = NULL;
	f->count = 0;
}

/* ---- threads ---- */

static void
drop_cache(struct tui_threads *t)
{
	for (size_t i = 0; i < t->cached; i++)
		mail_thread_clear(&t->cache[i]);
	t->cached = 0;
	t->offset = 0;
	t->at_end = false;
}

vt_status
tui_threads_open(struct tui_threads *t, struct vt_store *s, const char *query,
		 struct vt_error *err)
{
	char *nm = NULL, *copy;
	vt_status rc;

	if ((rc = vt_query_translate(s, query, &nm, err)) != VT_OK)
		return rc;
	if ((copy = strdup(query)) == NULL) {
		free(nm);
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	}
	tui_threads_close(t);
	t->query = copy;
	t->nm_query = nm;
	t->total = -1;
	return VT_OK;
}

vt_status
tui_threads_load_marks(struct tui_threads *t, struct vt_store *s, struct vt_error *err)
{
	struct vt_thread_marks marks;
	vt_status rc = vt_thread_marks_load(s, &marks, err);

	if (rc == VT_OK) {
		vt_thread_marks_clear(&t->marks);
		t->marks = marks;
	}
	return rc;
}

struct window_fill {
	struct tui_threads *t;
};

static vt_status
keep_thread(void *ctx, const struct mail_thread *th, struct vt_error *err)
{
	struct tui_threads *t = ctx;

	if (t->cached >= TUI_THREAD_WINDOW)
		return VT_OK;

	if (mail_thread_copy(th, &t->cache[t->cached], err) != VT_OK)
		return err ? err->status : VT_ERR_NOMEM;
	t->cached++;
	return VT_OK;
}

const struct mail_thread *
tui_threads_get(struct tui_threads *t, struct mail_db *db, long index, struct vt_error *err)
{
	long start, window = t->window > 0 && t->window < TUI_THREAD_WINDOW ? t->window
									   : TUI_THREAD_WINDOW;

	if (index < 0 || t->nm_query == NULL || (t->total >= 0 && index >= t->total))
		return NULL;
	if (index >= t->offset && index < t->offset + (long)t->cached)
		return &t->cache[index - t->offset];
	if (t->at_end && index >= t->offset + (long)t->cached && index >= t->offset)
		return NULL;
	/* Centre the window on the wanted thread: j and k both stay cheap. */
	start = index - window / 2;
	if (start < 0)
		start = 0;
	drop_cache(t);
	t->offset = start;
	if (mail_search_threads(db, t->nm_query, start, window, keep_thread, t, err) != VT_OK) {
		drop_cache(t);
		return NULL;
	}
	t->at_end = t->cached < (size_t)window;
	if (t->at_end && t->total < 0)
		t->total = start + (long)t->cached;
	if (index < t->offset + (long)t->cached)
		return &t->cache[index - t->offset];
	return NULL;
}

vt_status
tui_threads_count(struct tui_threads *t, struct mail_db *db, struct vt_error *err)
{
	unsigned long n = 0;
	vt_status rc;

	if (t->nm_query == NULL)
		return VT_OK;
	if ((rc = mail_count(db, t->nm_query, true, &n, err)) == VT_OK)
		t->total = (long)n;
	return rc;
}

void
tui_threads_invalidate(struct tui_threads *t)
{
	drop_cache(t);
	t->total = -1;
}

void
tui_threads_close(struct tui_threads *t)
{
	drop_cache(t);
	free(t->query);
	free(t->nm_query);
	vt_thread_marks_clear(&t->marks);
	t->query = t->nm_query = NULL;
	t->total = -1;
}

/* ---- panes ---- */

static void
rows_clear(struct tui_pane_rows *r)
{
	for (size_t i = 0; i < r->count; i++) {
		free(r->items[i].text);
		free(r->items[i].ref);
	}
	free(r->items);
	memset(r, 0, sizeof *r);
}

/* Appends a line (ref may be NULL); false when out of memory. */
static bool
rows_add(struct tui_pane_rows *r, const char *text, const char *ref)
{
	struct tui_pane_row *grown = realloc(r->items, (r->count + 1) * sizeof *grown);

	if (grown == NULL)
		return false;
	r->items = grown;
	grown[r->count].text = strdup(text);
	grown[r->count].ref = ref ? strdup(ref) : NULL;
	if (grown[r->count].text == NULL || (ref && grown[r->count].ref == NULL)) {
		free(grown[r->count].text);
		free(grown[r->count].ref);
		return false;
	}
	r->count++;
	return true;
}

static void
short_date(time_t t, char *buf, size_t len)
{
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL || strftime(buf, len, "%Y-%m-%d", &tm) == 0)
		snprintf(buf, len, "?");
}

/* The vendor's timeline: "< " mail in, "> " mail out, "[kind]" the rest. */
static vt_status
load_history(struct vt_store *s, const char *slug, struct tui_pane_rows *out, struct vt_error *err)
{
	struct vt_event_list list;
	vt_status rc = vt_history(s, slug, 200, &list, err);

	for (size_t i = 0; rc == VT_OK && i < list.count; i++) {
		const struct vt_event *e = &list.items[i];
		char date[16], *line = NULL;
		int n;

		short_date(e->date, date, sizeof date);
		if (strcmp(e->kind, "message") == 0)
			n = asprintf(&line, "%s %s %s", date, e->direction == MAIL_DIR_OUT ? ">" : "<",
				     e->summary);
		else
			n = asprintf(&line, "%s [%s] %s", date, e->kind, e->summary);
		if (n < 0 || !rows_add(out, line, e->ref))
			rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
		free(line);
	}
	vt_event_list_clear(&list);
	return rc;
}

/* The vendor's people, with their role; the ref is what `contact set`
 * takes: the newest address, or the name of someone only named. */
static vt_status
load_contacts(struct vt_store *s, const char *slug, struct tui_pane_rows *out, struct vt_error *err)
{
	struct vt_contact_list list;
	vt_status rc = vt_contact_list(s, slug, &list, err);

	for (size_t i = 0; rc == VT_OK && i < list.count; i++) {
		const struct vt_contact *c = &list.items[i];
		char *line = NULL;

		if (asprintf(&line, "%s%s%s%s%s", c->name, c->role ? " [" : "", c->role ? c->role : "",
			     c->role ? "]" : "", c->n_vendors > 1 ? " (moved)" : "") < 0 ||
		    !rows_add(out, line, c->n_addresses ? c->addresses[0] : c->name))
			rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
		free(line);
	}
	vt_contact_list_clear(&list);
	return rc;
}

/* Open issues with their age in days; the ref is the issue number. */
static vt_status
load_issues(struct vt_store *s, const char *slug, struct tui_pane_rows *out, struct vt_error *err)
{
	struct vt_issue_list list;
	vt_status rc = vt_issue_list(s, slug, false, &list, err);
	time_t now = time(NULL);

	for (size_t i = 0; rc == VT_OK && i < list.count; i++) {
		const struct vt_issue *is = &list.items[i];
		char *line = NULL, number[32];

		snprintf(number, sizeof number, "%lld", (long long)is->id);
		if (asprintf(&line, "#%lld %ldd %s", (long long)is->id,
			     (long)((now - is->opened) / 86400), is->title) < 0 ||
		    !rows_add(out, line, number))
			rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
		free(line);
	}
	vt_issue_list_clear(&list);
	return rc;
}

const struct tui_pane_kind tui_pane_kinds[TUI_PANES] = {
	[TUI_PANE_HISTORY] = { .title = "History", .load = load_history },
	[TUI_PANE_CONTACTS] = { .title = "Contacts", .load = load_contacts },
	[TUI_PANE_ISSUES] = { .title = "Open issues", .load = load_issues },
};

void
tui_panes_clear(struct tui_panes *p)
{
	free(p->slug);
	p->slug = NULL;
	vt_vendor_clear(&p->vendor);
	for (size_t i = 0; i < TUI_PANES; i++)
		rows_clear(&p->rows[i]);
}

vt_status
tui_panes_load(struct tui_panes *p, struct vt_store *s, const char *slug, bool force,
	       struct vt_error *err)
{
	vt_status rc;

	/* reloading the panes' own vendor: keep the name alive */
	if (slug != NULL && slug == p->slug) {
		char *copy = strdup(slug);

		if (copy == NULL)
			return vt_fail(err, VT_ERR_NOMEM, "out of memory");
		rc = tui_panes_load(p, s, copy, force, err);
		free(copy);
		return rc;
	}

	if (!force && ((slug == NULL && p->slug == NULL) ||
		       (slug != NULL && p->slug != NULL && strcmp(slug, p->slug) == 0)))
		return VT_OK;
	tui_panes_clear(p);
	if (slug == NULL)
		return VT_OK;
	rc = vt_vendor_get(s, slug, &p->vendor, err);
	for (size_t i = 0; rc == VT_OK && i < TUI_PANES; i++)
		rc = tui_pane_kinds[i].load(s, slug, &p->rows[i], err);
	if (rc != VT_OK) {
		tui_panes_clear(p);
		return rc;
	}
	if ((p->slug = strdup(slug)) == NULL) {
		tui_panes_clear(p);
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	}
	return VT_OK;
}

/* ---- pager ---- */

static bool
add_line(struct tui_pager *p, enum tui_line_kind kind, int indent, const char *untrusted,
	 size_t len)
{
	struct tui_line *grown;
	char *raw, *clean, *o;

	/* Tabs to spaces first: the sanitiser would show them as controls. */
	raw = malloc(len * 8 + 1);
	if (raw == NULL)
		return false;
	o = raw;
	for (size_t i = 0, col = 0; i < len; i++) {
		if (untrusted[i] == '\t') {
			do {
				*o++ = ' ';
			} while (++col % 8);
		} else if (untrusted[i] != '\r') {
			*o++ = untrusted[i];
			col++;
		}
	}
	*o = '\0';
	clean = mail_sanitize_str(raw);
	free(raw);
	grown = clean ? realloc(p->lines, (p->count + 1) * sizeof *grown) : NULL;
	if (grown == NULL) {
		free(clean);
		return false;
	}
	p->lines = grown;
	grown[p->count].kind = kind;
	grown[p->count].indent = indent;
	grown[p->count].text = clean;
	p->count++;
	return true;
}

bool
tui_pager_add_text(struct tui_pager *p, enum tui_line_kind kind, int indent, const char *text)
{
	const char *line = text;

	do {
		size_t len = strcspn(line, "\n");

		if (!add_line(p, kind, indent, line, len))
			return false;
		line += len;
	} while (*line++ == '\n' && *line != '\0');
	return true;
}

static bool
is_quoted(const char *line, size_t len)
{
	while (len > 0 && *line == ' ') {
		line++;
		len--;
	}
	return len > 0 && *line == '>';
}

/* Quoted history that Outlook and friends put below a reply. */
static bool
starts_history(const char *line, size_t len)
{
	static const char *const marks[] = { "-----Original Message-----",
					     "---------- Forwarded message" };

	for (size_t i = 0; i < sizeof marks / sizeof marks[0]; i++)
		if (len >= strlen(marks[i]) && strncmp(line, marks[i], strlen(marks[i])) == 0)
			return true;
	return len > 6 && strncmp(line, "On ", 3) == 0 && len >= 6 &&
	       strncmp(line + len - 6, "wrote:", 6) == 0;
}

static bool
add_body(struct tui_pager *p, int indent, const char *body)
{
	bool signature = false, history = false;
	const char *line = body;

	while (*line != '\0') {
		size_t len = strcspn(line, "\n");
		enum tui_line_kind kind = TUI_LINE_BODY;

		if ((len == 3 && strncmp(line, "-- ", 3) == 0) || (len == 2 && strncmp(line, "--", 2) == 0))
			signature = true;
		if (!signature && starts_history(line, len))
			history = true;
		if (signature)
			kind = TUI_LINE_SIGNATURE;
		else if (history || is_quoted(line, len))
			kind = TUI_LINE_QUOTED;
		if (!add_line(p, kind, indent, line, len))
			return false;
		line += len;
		if (*line == '\n')
			line++;
	}
	return true;
}

struct pager_build {
	struct tui_pager *p;
	const struct vt_config *cfg;
	const struct vt_suspect_list *suspects;
	bool failed;
};

/* "! sender domain acrnetel.example looks like acmetel.example (rn for m)":
 * each distinct reason of the thread's (or one message's) mail once. */
static bool
add_warnings(struct tui_pager *p, int indent, const struct vt_suspect_list *list,
	     const char *message_id)
{
	for (size_t i = 0; i < list->count; i++) {
		const struct vt_suspect *m = &list->items[i];

		if (message_id != NULL && strcmp(m->message_id, message_id) != 0)
			continue;
		for (size_t j = 0; j < m->n_reasons; j++) {
			char *line = NULL;
			bool seen = false;

			if (asprintf(&line, "! %s", m->reasons[j].text) < 0)
				return false;
			/* the top lines name each reason once */
			for (size_t k = 0; message_id == NULL && k < p->count; k++)
				if (p->lines[k].kind == TUI_LINE_WARNING &&
				    strcmp(p->lines[k].text, line) == 0)
					seen = true;
			if (!seen && !add_line(p, TUI_LINE_WARNING, indent, line, strlen(line))) {
				free(line);
				return false;
			}
			free(line);
		}
	}
	return true;
}

static bool
from_user(const struct vt_config *cfg, const char *from)
{
	struct mail_address_list list;
	bool mine = false;

	mail_address_list_parse(from, &list);
	for (size_t i = 0; i < list.count && list.items[i].address; i++)
		for (size_t j = 0; j < cfg->n_addresses; j++)
			if (strcasecmp(list.items[i].address, cfg->addresses[j]) == 0)
				mine = true;
	mail_address_list_clear(&list);
	return mine;
}

/*
 * An address header for the pager, with every non-ASCII domain in it
 * shown as mail_domain_display shows it (punycode, <U+200D>): a Cyrillic
 * а in "billing@аcme.example" must not pass for an a. malloc'd.
 */
static char *
visible_domains(const char *label, const char *header)
{
	struct mail_address_list list;
	char *out = NULL;

	if (asprintf(&out, "%s: %s", label, header) < 0)
		return NULL;
	mail_address_list_parse(header, &list);
	for (size_t i = 0; out != NULL && i < list.count; i++) {
		const char *at = strrchr(list.items[i].address, '@'), *p;
		char *shown, *grown = NULL;
		bool ascii = true;

		for (p = at ? at + 1 : ""; *p; p++)
			ascii = ascii && (unsigned char)*p < 0x80;
		if (at == NULL || ascii || (shown = mail_domain_display(at + 1)) == NULL)
			continue;
		/* the domain as written, once per address */
		p = strstr(out, at + 1);
		if (p != NULL && asprintf(&grown, "%.*s%s%s", (int)(p - out), out, shown,
					  p + strlen(at + 1)) >= 0) {
			free(out);
			out = grown;
		}
		free(shown);
	}
	mail_address_list_clear(&list);
	return out;
}

static vt_status
add_message(void *ctx, const struct mail_shown *m, struct vt_error *err)
{
	struct pager_build *b = ctx;
	struct tui_pager *p = b->p;
	int indent = m->depth > 8 ? 8 : m->depth;
	char date[64], *text = NULL, **attachments = NULL, *line = NULL;
	size_t n_attachments = 0;
	struct tm tm;
	struct vt_error body_err = { 0 };
	bool ok = true;

	(void)err;
	if (p->count > 0)
		ok = add_line(p, TUI_LINE_SEPARATOR, indent, "", 0);
	if (ok && b->suspects != NULL)
		ok = add_warnings(p, indent, b->suspects, m->message_id);
	if (localtime_r(&m->date, &tm) == NULL ||
	    strftime(date, sizeof date, "%a, %d %b %Y %H:%M", &tm) == 0)
		snprintf(date, sizeof date, "?");
	if (ok && (line = visible_domains("From", m->from)) != NULL) {
		ok = add_line(p, TUI_LINE_HEADER, indent, line, strlen(line));
		free(line);
	}
	if (ok && (line = visible_domains("To", m->to)) != NULL) {
		ok = add_line(p, TUI_LINE_HEADER, indent, line, strlen(line));
		free(line);
	}
	if (ok && *m->cc && (line = visible_domains("Cc", m->cc)) != NULL) {
		ok = add_line(p, TUI_LINE_HEADER, indent, line, strlen(line));
		free(line);
	}
	if (ok && asprintf(&line, "Date: %s", date) >= 0) {
		ok = add_line(p, TUI_LINE_HEADER, indent, line, strlen(line));
		free(line);
	}
	if (ok && asprintf(&line, "Subject: %s", m->subject) >= 0) {
		ok = add_line(p, TUI_LINE_SUBJECT, indent, line, strlen(line));
		free(line);
	}
	ok = ok && add_line(p, TUI_LINE_BODY, indent, "", 0);
	/* A body we cannot read is a note in the pager, not a failure. */
	if (ok && m->path != NULL && mail_body_text(m->path, 256 * 1024, &text, &body_err) == VT_OK) {
		char greeted[64], *note = NULL;

		if (b->cfg != NULL && b->cfg->identity_name != NULL && !from_user(b->cfg, m->from) &&
		    mail_wrong_greeting(text, b->cfg->identity_name, greeted, sizeof greeted) &&
		    asprintf(&note, "[this mail greets you as %s: not your name]", greeted) >= 0) {
			ok = add_line(p, TUI_LINE_NOTE, indent, note, strlen(note));
			free(note);
		}
		ok = ok && add_body(p, indent, text);
		free(text);
	} else if (ok) {
		ok = tui_pager_add_text(p, TUI_LINE_NOTE, indent,
					body_err.msg[0] ? body_err.msg : "(no readable text)");
	}
	if (ok && m->path != NULL &&
	    mail_attachments(m->path, &attachments, &n_attachments, &body_err) == VT_OK) {
		for (size_t i = 0; i < n_attachments; i++) {
			if (ok && asprintf(&line, "[attachment: %s]", attachments[i]) >= 0) {
				ok = add_line(p, TUI_LINE_ATTACHMENT, indent, line, strlen(line));
				free(line);
			}
			free(attachments[i]);
		}
		free(attachments);
	}
	if (!ok)
		b->failed = true;
	return ok ? VT_OK : vt_fail(err, VT_ERR_NOMEM, "out of memory");
}

vt_status
tui_pager_build(struct tui_pager *p, struct mail_db *db, struct vt_store *store,
		const char *thread_id, const struct vt_config *cfg, struct vt_error *err)
{
	struct vt_suspect_list suspects = { 0 };
	struct pager_build b = { .p = p, .cfg = cfg };
	vt_status rc;

	tui_pager_clear(p);
	if ((p->thread_id = strdup(thread_id)) == NULL)
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	/* A store that cannot say is no reason not to show the mail. */
	if (store != NULL && vt_check_thread(store, thread_id, &suspects, NULL) == VT_OK &&
	    suspects.count > 0) {
		unsigned long messages = 0;
		char *query = NULL;

		/* which of several messages it is, above each; one message's
		 * reasons are the top lines already */
		if (asprintf(&query, "thread:%s", thread_id) >= 0 &&
		    mail_count(db, query, false, &messages, NULL) == VT_OK && messages > 1)
			b.suspects = &suspects;
		free(query);
		if (!add_warnings(p, 0, &suspects, NULL)) {
			vt_suspect_list_clear(&suspects);
			tui_pager_clear(p);
			return vt_fail(err, VT_ERR_NOMEM, "out of memory");
		}
	}
	rc = mail_thread_show(db, thread_id, add_message, &b, err);
	vt_suspect_list_clear(&suspects);
	p->cursor.count = (long)p->count;
	p->cursor.sel = p->cursor.top = 0;
	if (rc != VT_OK)
		tui_pager_clear(p);
	return rc;
}

long
tui_pager_find(const struct tui_pager *p, const char *needle, long from, int dir)
{
	if (needle == NULL || *needle == '\0')
		return -1;
	for (long i = from; i >= 0 && i < (long)p->count; i += dir)
		if (strcasestr(p->lines[i].text, needle) != NULL)
			return i;
	return -1;
}

void
tui_pager_clear(struct tui_pager *p)
{
	for (size_t i = 0; i < p->count; i++)
		free(p->lines[i].text);
	free(p->lines);
	free(p->thread_id);
	free(p->vendor_org);
	memset(p, 0, sizeof *p);
}

/* ---- layout ---- */

#define WIDE 130

bool
tui_layout_panes_by_default(int cols)
{
	return cols >= WIDE;
}

void
tui_layout_compute(int cols, int lines, bool panes_wanted, struct tui_layout *out)
{
	memset(out, 0, sizeof *out);
	out->main_top = 1;
	out->main_rows = lines > 4 ? lines - 3 : 1;
	out->folders_w = cols >= 100 ? 26 : cols >= 60 ? 20 : 0;
	out->threads_x = out->folders_w ? out->folders_w + 1 : 0;
	out->threads_w = cols - out->threads_x;
	if (!panes_wanted || cols < 40)
		return;
	if (cols >= WIDE) {
		out->panes_w = 44;
		out->threads_w -= out->panes_w + 1;
		out->panes_x = cols - out->panes_w;
	} else {
		out->panes_overlay = true;
		out->panes_w = cols - 10 < 56 ? cols - 10 : 56;
		out->panes_x = cols - out->panes_w;
	}
	if (out->threads_w < 1)
		out->threads_w = 1;
}
