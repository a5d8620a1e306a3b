/* Shared by the store tests: a mail root of six messages (acmetel
 * invoice and reply, a globex quote, gmail, a kernel list post, a
 * northwind-labs report), its index and store in a temp dir. */
#ifndef VT_STORE_FIXTURE_H
#define VT_STORE_FIXTURE_H

#include "store/store.h"

struct fixture {
	char *dir;
	char mail[4096];
	char data[4096];
	struct vt_config *cfg;
	struct vt_store *store;
	struct mail_db *db;
};

void load_config(struct fixture *f, const char *extra);
void open_all(struct fixture *f);
void close_all(struct fixture *f);
int setup(void **state);
int teardown(void **state);
struct vt_index_report index_ok(struct fixture *f);
unsigned long count(struct fixture *f, const char *query);
long sql_long(struct fixture *f, const char *sql);
/* Dates every directory of the mail root `minutes` back, so that an
 * index run records their mtimes (it skips those of the last two
 * seconds); a later change needs another age to be seen as one. */
void age_mail_dirs(struct fixture *f, int minutes);
/* Runs `notmuch ARGS` on the fixture's index, as the user might, with the
 * index and store closed meanwhile; returns its exit status. */
int external_notmuch(struct fixture *f, const char *args);

#endif
