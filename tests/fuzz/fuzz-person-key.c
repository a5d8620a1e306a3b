/*
 * A display name of raw bytes through person_key(), the SQL function the
 * contacts pane links people by (store/contacts.c): a sender writes its
 * display name, and "Whitfield, Dana" and "Dana J. Whitfield" are one
 * person. A key is NULL (no person's name) or "n:" and lower-case words
 * one space apart, none empty, with no separator of a name left in it,
 * no longer than the name, and the name of a key is the same person.
 */
#include "config.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "store/private.h"

/* person_key(name) on db: a malloc'd key, or NULL. */
static char *
key_of(sqlite3 *db, const char *name, size_t len)
{
	sqlite3_stmt *st;
	char *key = NULL;

	if (sqlite3_prepare_v2(db, "SELECT person_key(?1)", -1, &st, NULL) != SQLITE_OK)
		abort();
	sqlite3_bind_text(st, 1, name, (int)len, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW)
		abort();
	if (sqlite3_column_type(st, 0) != SQLITE_NULL)
		key = strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return key;
}

static void
check_key(const char *key, size_t name_len)
{
	size_t len = strlen(key);

	if (strncmp(key, "n:", 2) != 0 || len > name_len + 3 || strchr(key + 2, ' ') == NULL)
		abort();
	if (key[2] == ' ' || key[len - 1] == ' ' || strstr(key, "  ") != NULL)
		abort();
	if (strpbrk(key + 2, "\t\r\n\",") != NULL)
		abort();
	for (const char *p = key + 2; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static sqlite3 *db;
	char *name = fuzz_text(data, size), *key, *again;
	size_t len;

	if (name == NULL || size > 4096) {
		free(name);
		return 0;
	}
	if (db == NULL &&
	    (sqlite3_open(":memory:", &db) != SQLITE_OK ||
	     sqlite3_create_function_v2(db, "person_key", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC,
					NULL, vt_sql_person_key, NULL, NULL, NULL) != SQLITE_OK))
		abort();
	len = strlen(name);
	if ((key = key_of(db, name, len)) != NULL) {
		check_key(key, len);
		/* the key's words, written as a name, are that person */
		again = key_of(db, key + 2, strlen(key + 2));
		if (again != NULL && strcmp(again, key) != 0)
			abort();
		free(again);
	}
	free(key);
	free(name);
	return 0;
}
