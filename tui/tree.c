/*
 * The thread's shape at the top of the pager, as neomutt draws it in its
 * index: one line per message, ├─ and └─ by reply depth, the sender's
 * name, the date and the subject when it changes. J and K then walk the
 * messages below it.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "model.h"

#define TREE_MAX 40

struct node {
	int depth;
	char *who, *subject;
	time_t date;
};
struct nodes {
	struct node *items;
	size_t count;
	bool failed;
};

/* "Rich Miller" of "Rich Miller <rich@x>", else the address. */
static char *
display_name(const char *from)
{
	const char *lt = strchr(from, '<');
	size_t len = lt ? (size_t)(lt - from) : strlen(from);

	while (len > 0 && (from[len - 1] == ' ' || from[len - 1] == '"'))
		len--;
	while (len > 0 && (*from == ' ' || *from == '"')) {
		from++;
		len--;
	}
	if (len == 0 && lt != NULL) {
		from = lt + 1;
		len = strcspn(from, ">");
	}
	return strndup(from, len);
}

static vt_status
collect(void *ctx, const struct mail_shown *m, struct vt_error *err)
{
	struct nodes *n = ctx;
	struct node *grown = realloc(n->items, (n->count + 1) * sizeof *grown);

	(void)err;
	if (grown == NULL) {
		n->failed = true;
		return VT_OK;
	}
	n->items = grown;
	grown[n->count].depth = m->depth;
	grown[n->count].who = display_name(m->from ? m->from : "");
	grown[n->count].subject = strdup(m->subject ? m->subject : "");
	grown[n->count].date = m->date;
	n->failed = n->failed || grown[n->count].who == NULL || grown[n->count].subject == NULL;
	n->count++;
	return VT_OK;
}

/* Whether a message after i sits at depth d before the thread climbs
 * above it: the branch at d goes on below i. */
static bool
goes_on(const struct nodes *n, size_t i, int d)
{
	for (size_t j = i + 1; j < n->count; j++) {
		if (n->items[j].depth < d)
			return false;
		if (n->items[j].depth == d)
			return true;
	}
	return false;
}

/* "Re: Re: x" and "x" are the same subject for the tree. */
static const char *
bare_subject(const char *s)
{
	while (strncasecmp(s, "re:", 3) == 0 || strncasecmp(s, "aw:", 3) == 0 ||
	       strncasecmp(s, "fwd:", 4) == 0) {
		s += s[2] == ':' ? 3 : 4;
		while (*s == ' ')
			s++;
	}
	return s;
}

bool
tui_pager_add_tree(struct tui_pager *p, struct mail_db *db, const char *thread_id)
{
	struct nodes n = { 0 };
	struct vt_error err = { 0 };
	bool ok = true;

	if (mail_thread_show(db, thread_id, collect, &n, &err) != VT_OK || n.failed)
		ok = !n.failed; /* a thread that cannot be walked shows without */
	for (size_t i = 0; ok && n.count > 1 && i < n.count; i++) {
		/* a long thread's tree stops before it buries its first message */
		if (i == TREE_MAX && n.count > TREE_MAX + 1) {
			char more[64];

			snprintf(more, sizeof more, "... and %zu more (J goes through them)",
				 n.count - TREE_MAX);
			ok = tui_pager_add_text(p, TUI_LINE_TREE, 0, more);
			break;
		}
		const struct node *m = &n.items[i];
		char prefix[128] = "", date[16] = "", line[1024];
		const char *subject;
		struct tm tm;
		int depth = m->depth < 20 ? m->depth : 20;

		for (int k = 1; k < depth; k++)
			strcat(prefix, goes_on(&n, i, k) ? "\xe2\x94\x82 " : "  ");
		if (depth > 0)
			strcat(prefix, goes_on(&n, i, m->depth) ? "\xe2\x94\x9c\xe2\x94\x80"
								: "\xe2\x94\x94\xe2\x94\x80");
		if (m->date > 0 && localtime_r(&m->date, &tm) != NULL)
			strftime(date, sizeof date, "%Y-%m-%d", &tm);
		/* the subject only where it changes from the message above */
		subject = i > 0 && strcmp(bare_subject(m->subject),
					  bare_subject(n.items[i - 1].subject)) == 0
				  ? ""
				  : mail_subject_shown(m->subject);
		snprintf(line, sizeof line, "%s%s%.*s  %s%s%.*s", prefix, depth ? " " : "",
			 (int)mail_utf8_prefix(m->who, 30), m->who, date, "  ",
			 (int)mail_utf8_prefix(subject, 200), subject);
		ok = tui_pager_add_text(p, TUI_LINE_TREE, 0, line);
	}
	for (size_t i = 0; i < n.count; i++) {
		free(n.items[i].who);
		free(n.items[i].subject);
	}
	free(n.items);
	return ok;
}
