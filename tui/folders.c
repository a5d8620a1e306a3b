/*
 * The folder list: Inbox, the trusted vendors, the buckets, the built-in
 * and saved searches, then the real Maildir folders (INBOX, Sent,
 * Archive, each account's), and every folder's unread count. Maildir
 * folders are the directories under the mail root that hold a cur/
 * (Maildir++ ".Sent" shown as "Sent"); each is the notmuch query
 * folder:"..." of its path, so that a thread is in the folder its files
 * are. Counts come after the first paint, when the keys pause: a big
 * mailbox paints first.
 */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>

#include "model.h"

bool
tui_folders_add(struct tui_folders *f, enum tui_folder_kind kind, const char *label,
		const char *query, const char *slug)
{
	struct tui_folder *grown = realloc(f->items, (f->count + 1) * sizeof *grown), *n;

	if (grown == NULL)
		return false;
	f->items = grown;
	n = &grown[f->count];
	memset(n, 0, sizeof *n);
	n->kind = kind;
	n->unread = -1;
	n->label = strdup(label);
	n->query = strdup(query);
	n->slug = slug ? strdup(slug) : NULL;
	f->count++;
	return n->label && n->query && (slug == NULL || n->slug);
}

vt_status
tui_folders_build(struct vt_store *s, const struct vt_config *cfg, const char *mail_root,
		  struct tui_folders *out, struct vt_error *err)
{
	enum vt_bucket trusted = VT_BUCKET_TRUSTED;
	struct vt_vendor_list list = { 0 };
	bool ok = true;
	long generic = 0;
	vt_status rc;
	char label[64];

	memset(out, 0, sizeof *out);
	ok = tui_folders_add(out, TUI_FOLDER_INBOX, "Inbox", "tag:inbox", NULL);
	if ((rc = vt_vendor_list(s, &trusted, &list, err)) != VT_OK)
		goto fail;
	for (size_t i = 0; ok && i < list.count; i++) {
		char *query = NULL;

		if (asprintf(&query, "vendor:%s", list.items[i].slug) < 0) {
			ok = false;
			break;
		}
		ok = tui_folders_add(out, TUI_FOLDER_VENDOR, list.items[i].name, query,
				     list.items[i].slug);
		free(query);
	}
	vt_vendor_list_clear(&list);
	if ((rc = vt_vendor_count(s, VT_BUCKET_GENERIC, &generic, err)) != VT_OK)
		goto fail;
	snprintf(label, sizeof label, "Generic (%ld vendors)", generic);
	ok = ok && tui_folders_add(out, TUI_FOLDER_GENERIC, label, "bucket:generic", NULL);
	if (ok)
		out->items[out->count - 1].vendors = generic;
	ok = ok && tui_folders_add(out, TUI_FOLDER_NONE, "Not vendor mail", "bucket:none", NULL);
	ok = ok &&
	     tui_folders_add(out, TUI_FOLDER_SEARCH, "Waiting on vendors", "waiting:vendor", NULL);
	ok = ok &&
	     tui_folders_add(out, TUI_FOLDER_SEARCH, "Overdue on vendors", "waiting:overdue", NULL);
	ok = ok && tui_folders_add(out, TUI_FOLDER_SEARCH, "Waiting on me", "waiting:me", NULL);
	ok = ok && tui_folders_add(out, TUI_FOLDER_SEARCH, "Renewals",
				   "contract:due or contract:suggested", NULL);
	ok = ok && tui_folders_add(out, TUI_FOLDER_SEARCH, "Snoozed", "snoozed:yes", NULL);
	ok = ok && tui_folders_add(out, TUI_FOLDER_SEARCH, "Open issues", "issue:open", NULL);
	ok = ok && tui_folders_add(out, TUI_FOLDER_SEARCH, "Closed issues", "issue:closed", NULL);
	ok = ok && tui_folders_add(out, TUI_FOLDER_SEARCH, "Bills to check", "bill:flagged", NULL);
	ok = ok && tui_folders_add(out, TUI_FOLDER_SEARCH, "Quotes", "kind:quote", NULL);
	ok = ok && tui_folders_add(out, TUI_FOLDER_SEARCH, "Suspicious", "suspicious:yes", NULL);
	ok = ok && tui_folders_add(out, TUI_FOLDER_SEARCH, "Trash", "tag:" MAIL_TAG_DELETED, NULL);
	for (size_t i = 0; ok && cfg != NULL && i < cfg->n_entries; i++) {
		const struct vt_config_entry *e = &cfg->entries[i];
		char *translated = NULL;

		if (strcmp(e->section, "searches") != 0)
			continue;
		if (e->value[strspn(e->value, " \t")] == '\0') {
			rc = vt_fail(err, VT_ERR_CONFIG, "%s:%d: [searches] %s: no query",
				     cfg->path ? cfg->path : "config", e->line, e->key);
			goto fail;
		}
		if ((rc = vt_query_translate(s, e->value, &translated, err)) != VT_OK) {
			char why[VT_ERROR_MAX / 2];

			snprintf(why, sizeof why, "%.400s", err->msg);
			rc = vt_fail(err, VT_ERR_CONFIG, "%s:%d: [searches] %s: %s",
				     cfg->path ? cfg->path : "config", e->line, e->key, why);
			goto fail;
		}
		free(translated);
		ok = tui_folders_add(out, TUI_FOLDER_SEARCH, e->key, e->value, NULL);
	}
	ok = ok && tui_folders_add_maildirs(out, mail_root);
	if (ok)
		return VT_OK;
	rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
fail:
	tui_folders_clear(out);
	return rc;
}

/* "(query) and also", translated for notmuch. */
static vt_status
translate_within(struct vt_store *s, const char *query, const char *also, char **translated,
		 struct vt_error *err)
{
	char *both = NULL;
	vt_status rc;

	*translated = NULL;
	if (asprintf(&both, "(%s) and %s", query, also) < 0)
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	rc = vt_query_translate(s, both, translated, err);
	free(both);
	return rc;
}

vt_status
tui_folders_check_searches(struct vt_store *s, const struct vt_config *cfg, struct mail_db *db,
			   struct vt_error *err)
{
	for (size_t i = 0; cfg != NULL && i < cfg->n_entries; i++) {
		const struct vt_config_entry *e = &cfg->entries[i];
		char *translated = NULL;
		unsigned long n;
		vt_status rc;

		if (strcmp(e->section, "searches") != 0)
			continue;
		/* notmuch parses it (date:foo..bar passes our translation);
		 * the message no one has makes the count cost nothing */
		rc = translate_within(s, e->value, "id:vtriage-parse-check@invalid", &translated,
				      err);
		if (rc == VT_OK)
			rc = mail_count(db, translated, false, &n, err);
		free(translated);
		if (rc != VT_OK) {
			char why[VT_ERROR_MAX / 2];

			snprintf(why, sizeof why, "%.400s", err->msg);
			return vt_fail(err, VT_ERR_CONFIG, "%s:%d: [searches] %s: %s",
				       cfg->path ? cfg->path : "config", e->line, e->key, why);
		}
	}
	return VT_OK;
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

#define MAILDIR_DEPTH 4
#define MAILDIR_MAX 200

static bool
is_maildir(const char *path)
{
	char cur[4200];
	struct stat st;

	return snprintf(cur, sizeof cur, "%s/cur", path) < (int)sizeof cur && stat(cur, &st) == 0 &&
	       S_ISDIR(st.st_mode);
}

struct found {
	char *rel[MAILDIR_MAX];
	size_t n;
};

static void
walk(const char *root, const char *rel, int depth, struct found *f)
{
	char path[4096];
	DIR *d;
	struct dirent *e;

	if (snprintf(path, sizeof path, "%s%s%s", root, *rel ? "/" : "", rel) >= (int)sizeof path)
		return;
	if (f->n < MAILDIR_MAX && is_maildir(path) && (f->rel[f->n] = strdup(rel)) != NULL)
		f->n++;
	if (depth >= MAILDIR_DEPTH || (d = opendir(path)) == NULL)
		return;
	while ((e = readdir(d)) != NULL && f->n < MAILDIR_MAX) {
		char child[2048], full[4096];
		struct stat st;

		/* a Maildir's own parts, and notmuch's and vtriage's data */
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 ||
		    strcmp(e->d_name, "cur") == 0 || strcmp(e->d_name, "new") == 0 ||
		    strcmp(e->d_name, "tmp") == 0 || strcmp(e->d_name, ".notmuch") == 0 ||
		    strcmp(e->d_name, ".vtriage") == 0)
			continue;
		if (snprintf(child, sizeof child, "%s%s%s", rel, *rel ? "/" : "", e->d_name) >=
			    (int)sizeof child ||
		    snprintf(full, sizeof full, "%s/%s", root, child) >= (int)sizeof full)
			continue;
		if (lstat(full, &st) == 0 && S_ISDIR(st.st_mode))
			walk(root, child, depth + 1, f);
	}
	closedir(d);
}

static int
by_path(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	/* INBOX (at any depth) first among its siblings */
	bool xi = strstr(x, "INBOX") != NULL, yi = strstr(y, "INBOX") != NULL;

	if (xi != yi && strchr(x, '/') == NULL && strchr(y, '/') == NULL)
		return xi ? -1 : 1;
	return strcmp(x, y);
}

bool
tui_folders_add_maildirs(struct tui_folders *f, const char *mail_root)
{
	struct found found = { 0 };
	bool ok = true;

	if (mail_root == NULL)
		return true;
	walk(mail_root, "", 0, &found);
	qsort(found.rel, found.n, sizeof found.rel[0], by_path);
	for (size_t i = 0; i < found.n; i++) {
		const char *rel = found.rel[i], *last = strrchr(rel, '/');
		char *quoted = mail_query_quote(rel), *query = NULL, label[300];

		/* Maildir++: ".Sent" is Sent */
		last = last ? last + 1 : rel;
		snprintf(label, sizeof label, "%.*s%s", (int)(last - rel), rel,
			 *rel == '\0'     ? "INBOX"
			 : last[0] == '.' ? last + 1
					  : last);
		if (ok && quoted != NULL && asprintf(&query, "folder:%s", quoted) >= 0)
			ok = tui_folders_add(f, TUI_FOLDER_MAILDIR, label, query, NULL);
		else
			ok = false;
		free(query);
		free(quoted);
		free(found.rel[i]);
	}
	return ok;
}

/* about 1,500 thread terms */
#define TUI_UNREAD_QUERY_MAX 40000

vt_status
tui_folders_count_unread(struct tui_folders *f, struct vt_store *s, struct mail_db *db,
			 int budget_ms, bool *done, struct vt_error *err)
{
	struct timespec start, now;

	clock_gettime(CLOCK_MONOTONIC, &start);
	*done = false;
	for (; f->unread_next < f->count; f->unread_next++) {
		size_t i = f->unread_next;
		char *translated = NULL;
		unsigned long n = 0;
		vt_status rc;

		clock_gettime(CLOCK_MONOTONIC, &now);
		if ((now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000 >=
		    budget_ms)
			return VT_OK; /* the rest between the next keys */
		if (f->items[i].kind == TUI_FOLDER_GENERIC || f->items[i].kind == TUI_FOLDER_NONE)
			continue; /* buckets of strangers: their unread is no news */
		rc = translate_within(s, f->items[i].query, "tag:unread", &translated, err);
		/* a query that names its threads or messages one by one (an
		 * issue's, suspicious: until an index run wrote its verdicts
		 * onto the messages) can be tens of thousands of terms in a big
		 * mailbox, which Xapian holds open at once (a hundred megabytes
		 * for 50,000) and takes time quadratic in: such a folder shows
		 * no unread count rather than the interface that much */
		if (rc == VT_OK && strlen(translated) > TUI_UNREAD_QUERY_MAX) {
			free(translated);
			continue;
		}
		if (rc == VT_OK)
			rc = mail_count(db, translated, false, &n, err);
		free(translated);
		if (rc != VT_OK) {
			/* said once, and the folders after it counted still */
			char why[VT_ERROR_MAX / 2];

			snprintf(why, sizeof why, "%.400s", err->msg);
			f->unread_next++;
			return vt_fail(err, rc, "%s: %s", f->items[i].label, why);
		}
		f->items[i].unread = (long)n;
	}
	*done = true;
	return VT_OK;
}
