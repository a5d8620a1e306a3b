/*
 * store/ — what vtriage knows: the configuration, the sqlite vendor
 * database, and the operations that join it with the notmuch index
 * (indexing with attribution, vendor:/bucket: queries).
 *
 * The one public header of libstore. Only store/ includes sqlite3.h.
 * Ownership follows mail/mail.h: out-parameters belong to the caller and
 * are released with the matching _free or _clear function, which also clears
 * the pointer where one is taken.
 */
#ifndef VT_STORE_H
#define VT_STORE_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "../mail/mail.h"

/* ---- configuration ------------------------------------------------------ */

/* One "key = value" line of a section we hand to another module as is
 * ([keys] for keymaps, [account NAME] for sync), with its position so
 * that module's errors can name file and line. */
struct vt_config_entry {
	char *section; /* "keys", "account" */
	char *name;    /* the NAME of [account NAME], or NULL */
	char *key;
	char *value;
	int line;
};

struct vt_config {
	char *path;       /* the file read, or NULL when none existed */
	char *maildir;    /* [store] maildir: the mail root */
	char *data_dir;   /* [store] data */
	char *notmuch_db; /* [store] notmuch_db: reuse this notmuch database */
	char *identity_name;
	char **addresses; /* [identity] addresses, lower case */
	size_t n_addresses;
	char **own_domains; /* organisations of those addresses + [identity] domains */
	size_t n_own_domains;
	char **personal_domains; /* [vendors] personal_domains */
	size_t n_personal_domains;
	bool mirror_folders; /* [triage] mirror_folders */
	struct vt_config_entry *entries; /* [keys] and [account ...] lines */
	size_t n_entries;
};

/*
 * Loads the configuration. path NULL means the default: $VTRIAGE_CONFIG,
 * else $XDG_CONFIG_HOME/vtriage/config (~/.config/vtriage/config); a
 * missing default file gives built-in defaults, a missing explicit one is
 * an error. Errors name file, line and key (VT_ERR_CONFIG).
 */
vt_status vt_config_load(const char *path, struct vt_config **out, struct vt_error *err);
/* Parses configuration text; name is used in error messages and to
 * resolve relative paths (its directory). */
vt_status vt_config_parse(const char *text, const char *name, struct vt_config **out,
			  struct vt_error *err);
void vt_config_free(struct vt_config **cfg);
/* The identity as attribution needs it (borrows from cfg). */
void vt_config_identity(const struct vt_config *cfg, struct mail_identity *out);
/* Where our notmuch index lives, from cfg (borrows from cfg). */
void vt_config_mail_location(const struct vt_config *cfg, struct mail_db_location *out);

/* ---- the vendor database ------------------------------------------------ */

struct vt_store;

/* Opens (creating and migrating as needed) the sqlite database at path. */
vt_status vt_store_open(const char *path, struct vt_store **out, struct vt_error *err);
void vt_store_close(struct vt_store **store);
/* How long a write waits for another process's write lock (default 10 s). */
void vt_store_set_busy_timeout(struct vt_store *store, int milliseconds);
/* Schema version (PRAGMA user_version) this build writes. */
int vt_store_schema_version(void);

enum vt_bucket {
	VT_BUCKET_GENERIC = 0,
	VT_BUCKET_TRUSTED = 1,
};
const char *vt_bucket_name(enum vt_bucket b);
bool vt_bucket_parse(const char *s, enum vt_bucket *out);

struct vt_vendor {
	int64_t id;
	char *slug;
	char *name;
	enum vt_bucket bucket;
	char **domains;
	size_t n_domains;
	long messages;     /* vendor mail, both directions */
	time_t first_seen; /* 0 when no mail */
	time_t last_seen;
};

struct vt_vendor_list {
	struct vt_vendor *items;
	size_t count;
};

/* Vendors with mail (and every trusted one), by name. bucket NULL: all. */
vt_status vt_vendor_list(struct vt_store *s, const enum vt_bucket *bucket,
			 struct vt_vendor_list *out, struct vt_error *err);
void vt_vendor_list_clear(struct vt_vendor_list *list);
/* One vendor by slug; VT_ERR_NOT_FOUND names the slug. */
vt_status vt_vendor_get(struct vt_store *s, const char *slug, struct vt_vendor *out,
			struct vt_error *err);
void vt_vendor_clear(struct vt_vendor *v);

/* ---- indexing: notmuch and the store together --------------------------- */

struct vt_index_report {
	struct mail_index_stats mail;
	unsigned vendors_new;  /* vendors first seen in this run */
	unsigned vendors;      /* vendors with mail after the run */
	unsigned reconciled;   /* store rows repaired after an interruption */
};

struct vt_index_ui {
	void *ctx;
	void (*warning)(void *ctx, const char *path, const char *why);
	void (*progress)(void *ctx, const struct mail_index_stats *stats);
};

/*
 * Updates the notmuch index from the mail root and the store from the
 * index: new mail attributed to vendors (new vendors created in the
 * generic bucket), contacts harvested, removed mail forgotten; then heals
 * any difference a crash left between the two.
 */
vt_status vt_index(struct vt_store *s, struct mail_db *db, const struct vt_config *cfg,
		   bool full_scan, volatile const sig_atomic_t *interrupted, const struct vt_index_ui *ui,
		   struct vt_index_report *report, struct vt_error *err);

/* ---- queries -------------------------------------------------------------- */

/*
 * Turns a vtriage query (notmuch syntax plus vendor:SLUG,
 * bucket:trusted|generic|none) into a notmuch query. Unknown vendors and
 * buckets are VT_ERR_USAGE. The cost of bucket: grows with the number of
 * trusted vendors' domains only, never with the generic bucket's size.
 * *out is malloc'd.
 */
vt_status vt_query_translate(struct vt_store *s, const char *query, char **out,
			     struct vt_error *err);

/* Vendor slug for an organisation domain, or NULL (malloc'd). */
char *vt_vendor_slug_for_org(struct vt_store *s, const char *org);

#endif
