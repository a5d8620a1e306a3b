/*
 * [triage] mirror_folders: trusted vendors' mail moved to their server
 * folders. The index says which files are whose, the store which
 * vendors are trusted and what each pass did, the engine (mirror.c)
 * moves the mail.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run.h"

struct path_vec {
	char **items;
	size_t count, cap;
	const char *db_root;   /* the index's mail root */
	const char *mail_root; /* the configured one, as sync writes it */
};

/* Index paths are under the index's (canonical) mail root: rebuilt under
 * the configured one, which is what the sync engine's paths start with. */
static vt_status
collect_path(void *ctx, const char *id, const char *path, struct vt_error *err)
{
	struct path_vec *v = ctx;
	size_t rl = strlen(v->db_root);
	char *copy;

	(void)id;
	if (v->count == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 64;
		char **g = realloc(v->items, cap * sizeof *g);

		if (g == NULL)
			return vt_fail(err, VT_ERR_NOMEM, "out of memory");
		v->items = g;
		v->cap = cap;
	}
	if (strncmp(path, v->db_root, rl) == 0 && path[rl] == '/') {
		if (asprintf(&copy, "%s%s", v->mail_root, path + rl) < 0)
			copy = NULL;
	} else
		copy = strdup(path);
	if (copy == NULL)
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	v->items[v->count++] = copy;
	return VT_OK;
}

static void
path_vec_clear(struct path_vec *v)
{
	for (size_t i = 0; i < v->count; i++)
		free(v->items[i]);
	free(v->items);
	v->items = NULL;
	v->count = v->cap = 0;
}

/* The first failure is the run's; each is told as it happens. */
static void
fail(const struct vt_sync_request *req, vt_status *first, const char *account,
     const struct vt_error *err)
{
	const struct vt_sync_hooks *h = req->hooks;

	if (*first == VT_OK)
		*first = err->status;
	if (h->failed)
		h->failed(h->imap.ctx, VT_SYNC_STAGE_MIRROR, account, err);
}

/* One vendor's pass on one account, in its history. */
static void
record_pass(const struct vt_sync_request *req, struct vt_store *store,
	    const struct vt_mirror_vendor *v, const char *account,
	    const struct mail_mirror_result *r, vt_status *first)
{
	const struct vt_sync_hooks *h = req->hooks;
	struct vt_error err = { 0 };
	char summary[768];

	snprintf(summary, sizeof summary,
		 "mirrored %s: %u message%s moved to %s on account %s%s%s%s", v->name, r->moved,
		 r->moved == 1 ? "" : "s", r->mailbox, account, r->kept ? ", " : "",
		 r->kept ? "some kept in place" : "",
		 r->unsupported ? " (the server offers neither MOVE nor UIDPLUS)" : "");
	if (vt_mirror_record(store, v->id, r->mailbox, r->moved, summary, false, &err) != VT_OK)
		fail(req, first, NULL, &err);
	if (h->mirrored)
		h->mirrored(h->imap.ctx, account, v->name, r);
}

vt_status
vt_sync_mirror_vendors(const struct vt_sync_request *req, struct mail_db *db,
		       struct vt_store *store, struct mail_sync_stats *stats)
{
	const struct vt_sync_hooks *h = req->hooks;
	struct vt_mirror_list list = { 0 };
	struct mail_mirror_vendor *mv = NULL;
	struct mail_mirror_result *res = NULL;
	struct path_vec *paths = NULL;
	bool *failed = NULL;
	unsigned moved_total = 0;
	struct vt_error err = { 0 };
	vt_status first = VT_OK, rc;

	if (vt_mirror_vendors(store, &list, &err) != VT_OK) {
		fail(req, &first, NULL, &err);
		return first;
	}
	if (list.count == 0)
		return VT_OK;
	mv = calloc(list.count, sizeof *mv);
	res = calloc(list.count, sizeof *res);
	paths = calloc(list.count, sizeof *paths);
	failed = calloc(list.count, sizeof *failed);
	if (mv == NULL || res == NULL || paths == NULL || failed == NULL) {
		vt_fail(&err, VT_ERR_NOMEM, "out of memory");
		fail(req, &first, NULL, &err);
		goto out;
	}
	for (size_t i = 0; i < list.count; i++) {
		paths[i].db_root = mail_db_mail_root(db);
		paths[i].mail_root = req->cfg->maildir;
		if (mail_for_each_file(db, list.items[i].query, collect_path, &paths[i], &err) !=
		    VT_OK) {
			fail(req, &first, NULL, &err);
			goto out;
		}
		mv[i] = (struct mail_mirror_vendor){ .key = list.items[i].slug,
						     .name = list.items[i].name,
						     .paths = (const char *const *)paths[i].items,
						     .n_paths = paths[i].count };
	}
	for (size_t a = 0; a < req->n_accts && !*req->interrupted; a++) {
		const struct mail_imap_account *acct = req->accts[a];
		struct mail_sync_options opts = { .mail_root = req->cfg->maildir,
						  .data_dir = req->cfg->data_dir,
						  .interrupted = req->interrupted };

		rc = mail_mirror_account(acct, &opts, &h->imap, mv, list.count, res, &err);
		if (rc != VT_OK)
			fail(req, &first, acct->name, &err);
		for (size_t i = 0; i < list.count; i++) {
			const struct mail_mirror_result *r = &res[i];

			/* the first pass is done when nothing was left behind */
			failed[i] = failed[i] || r->failed || r->kept || rc == VT_ERR_INTERRUPTED ||
				    (rc != VT_OK && r->found == 0 && r->moved == 0);
			stats->mirrored += r->moved;
			stats->mirror_kept += r->kept;
			moved_total += r->moved;
			if (r->moved || r->kept || r->created)
				record_pass(req, store, &list.items[i], acct->name, r, &first);
		}
	}
	/* a first pass done everywhere: the queued job is done */
	for (size_t i = 0; i < list.count && !*req->interrupted; i++)
		if (list.items[i].queued && !failed[i] &&
		    vt_mirror_record(store, list.items[i].id, NULL, 0, NULL, true, &err) != VT_OK)
			fail(req, &first, NULL, &err);
	if (moved_total && !*req->interrupted) {
		struct vt_index_ui iui = { .ctx = h->imap.ctx, .warning = h->index_warning };
		struct vt_index_report again;

		if (vt_index(store, db, req->cfg, false, req->interrupted, &iui, &again, &err) !=
		    VT_OK)
			fail(req, &first, NULL, &err);
	}
out:
	for (size_t i = 0; paths && i < list.count; i++)
		path_vec_clear(&paths[i]);
	free(paths);
	free(mv);
	free(res);
	free(failed);
	vt_mirror_list_clear(&list);
	return first;
}

vt_status
vt_sync_trash(const struct vt_sync_request *req, struct mail_db *db, struct vt_store *store,
	      struct mail_sync_stats *stats)
{
	const struct vt_sync_hooks *h = req->hooks;
	struct path_vec paths = { .db_root = mail_db_mail_root(db),
				  .mail_root = req->cfg->maildir };
	struct mail_mirror_vendor trash = { .key = "trash", .name = "Trash", .trash = true };
	struct vt_error err = { 0 };
	vt_status first = VT_OK, rc;
	unsigned moved = 0;

	/* the query names the tag: deleted mail is not left out of it */
	if (mail_for_each_file(db, "tag:" MAIL_TAG_DELETED, collect_path, &paths, &err) != VT_OK) {
		fail(req, &first, NULL, &err);
		path_vec_clear(&paths);
		return first;
	}
	if (paths.count == 0)
		return VT_OK;
	trash.paths = (const char *const *)paths.items;
	trash.n_paths = paths.count;
	for (size_t a = 0; a < req->n_accts && !*req->interrupted; a++) {
		const struct mail_imap_account *acct = req->accts[a];
		struct mail_sync_options opts = { .mail_root = req->cfg->maildir,
						  .data_dir = req->cfg->data_dir,
						  .interrupted = req->interrupted };
		struct mail_mirror_result r = { 0 };

		rc = mail_mirror_account(acct, &opts, &h->imap, &trash, 1, &r, &err);
		if (rc != VT_OK)
			fail(req, &first, acct->name, &err);
		stats->trashed += r.moved;
		moved += r.moved;
		if ((r.moved || r.kept) && h->mirrored)
			h->mirrored(h->imap.ctx, acct->name, "Trash", &r);
	}
	/* the files moved: the index follows them */
	if (moved && !*req->interrupted) {
		struct vt_index_ui iui = { .ctx = h->imap.ctx, .warning = h->index_warning };
		struct vt_index_report again;

		if (vt_index(store, db, req->cfg, false, req->interrupted, &iui, &again, &err) !=
		    VT_OK)
			fail(req, &first, NULL, &err);
	}
	path_vec_clear(&paths);
	return first;
}
