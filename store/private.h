/* Internals shared between the files of store/; never included elsewhere. */
#ifndef VT_STORE_PRIVATE_H
#define VT_STORE_PRIVATE_H

#include <sqlite3.h>

#include "store.h"

struct vt_store {
	sqlite3 *db;
	char *path;
	int tx_depth; /* nesting of vt_store_begin()/commit() */
};

/* ---- ini.c ---- */
typedef vt_status (*vt_ini_handler)(void *ctx, const char *section, const char *name,
				    const char *key, const char *value, int line,
				    struct vt_error *err);
vt_status vt_ini_parse(const char *text, const char *file, vt_ini_handler handler, void *ctx,
		       struct vt_error *err);

/* ---- db.c: sqlite helpers ---- */

/* Translates an sqlite failure (busy, full disk, ...) into our status. */
vt_status vt_sql_fail(struct vt_store *s, struct vt_error *err, int rc, const char *what);
/* Prepares a statement (cached for the store's lifetime: do not finalize). */
sqlite3_stmt *vt_sql_prepare(struct vt_store *s, const char *sql, struct vt_error *err);
/* Runs SQL without results. */
vt_status vt_sql_exec(struct vt_store *s, const char *sql, struct vt_error *err);
/* A write transaction (BEGIN IMMEDIATE: the write lock is taken up front so
 * that two vtriage processes never deadlock upgrading a read lock). Nests. */
vt_status vt_store_begin(struct vt_store *s, struct vt_error *err);
vt_status vt_store_commit(struct vt_store *s, struct vt_error *err);
void vt_store_rollback(struct vt_store *s);

/* Reads a meta value (malloc'd, NULL when absent) / writes one. */
char *vt_meta_get(struct vt_store *s, const char *key);
vt_status vt_meta_set(struct vt_store *s, const char *key, const char *value,
		      struct vt_error *err);

/* ---- vendors.c ---- */

/* The vendor that owns org, created in the generic bucket when new
 * (*created tells). */
vt_status vt_vendor_for_org(struct vt_store *s, const char *org, int64_t *vendor_id,
			    bool *created, struct vt_error *err);

/* strdup that never returns NULL silently: NULL in, NULL out. */
char *vt_strdup0(const char *s);

#endif
