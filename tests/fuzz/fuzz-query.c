/*
 * A search of raw bytes through the query rewriter: the term scanner
 * alone (mail/query-terms.c) and vtriage's whole translation against an
 * empty store (store/query.c: vendor:, bucket:, waiting:, suspicious:,
 * the quote and bill terms answered in sqlite). A query is typed by the
 * user, but also pasted, and saved in [searches] of a config copied from
 * elsewhere. The scanner with no prefixes of ours gives the
 * query back unchanged, or refuses it when its parentheses do not pair
 * (every caller wraps it); each term it hands over has a value; the
 * translation gives a query or an error that says why. A query read as
 * one vendor: term alone (the store's way to a vendor's threads) is one
 * the scanner finds that term in, with that value, and no other.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "store/store.h"

static const char *const prefixes[] = { "vendor", "bucket", "waiting", NULL };

/* The terms the scanner handed over: a lone vendor: term must be the
 * one vendor term it finds, with the same value. */
struct handed {
	int n;
	char *vendor;
};

static char *
expand(void *ctx, const char *prefix, const char *value, struct vt_error *err)
{
	struct handed *h = ctx;
	bool known = false;

	if (h != NULL && h->n++ == 0 && strcmp(prefix, "vendor") == 0)
		h->vendor = strdup(value);
	for (size_t i = 0; prefixes[i] != NULL; i++)
		known = known || strcmp(prefix, prefixes[i]) == 0;
	if (!known || value[0] == '\0')
		abort();
	if (strcmp(value, "nope") == 0) {
		vt_fail(err, VT_ERR_USAGE, "no '%s:%s'", prefix, value);
		return NULL;
	}
	return strdup("property:vtriage.org=acme.example");
}

static struct vt_store *store;
static char dir[512];

static void
remove_store(void)
{
	static const char *const files[] = { "vtriage.db", "vtriage.db-wal", "vtriage.db-shm" };
	char path[600];

	vt_store_close(&store);
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, files[i]);
		unlink(path);
	}
	rmdir(dir);
}

static struct vt_store *
empty_store(void)
{
	struct vt_error err = { 0 };
	const char *tmp = getenv("TMPDIR");
	char path[600];

	if (store != NULL || dir[0] != '\0')
		return store;
	/* scripts/fuzz gives its own: libFuzzer ends without atexit */
	snprintf(dir, sizeof dir, "%s/fuzz-query.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL)
		abort();
	snprintf(path, sizeof path, "%s/vtriage.db", dir);
	if (vt_store_open(path, &store, &err) != VT_OK)
		abort();
	atexit(remove_store);
	return store;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const none[] = { NULL };
	char *query = fuzz_text(data, size), *out = NULL;
	struct vt_error err = { 0 };
	vt_status rc;

	if (query == NULL)
		return 0;

	/* unchanged, or refused for its parentheses (they must pair) */
	rc = mail_query_rewrite(query, none, expand, NULL, &out, &err);
	if (rc == VT_OK ? strcmp(out, query) != 0
			: rc != VT_ERR_USAGE || out != NULL || strstr(err.msg, "'('") == NULL)
		abort();
	free(out);
	memset(&err, 0, sizeof err);
	struct handed h = { 0 };
	char *sole = mail_query_sole_term(query, "vendor");

	rc = mail_query_rewrite(query, prefixes, expand, &h, &out, &err);
	if ((rc == VT_OK) != (out != NULL) || (rc != VT_OK && err.msg[0] == '\0'))
		abort();
	if (rc == VT_OK && sole != NULL &&
	    (h.n != 1 || h.vendor == NULL || strcmp(h.vendor, sole) != 0))
		abort();
	free(sole);
	free(h.vendor);
	free(out);

	memset(&err, 0, sizeof err);
	out = (char *)query; /* what an error must not leave there */
	rc = vt_query_translate(empty_store(), query, &out, &err);
	if ((rc == VT_OK) != (out != NULL) || (rc != VT_OK && err.msg[0] == '\0'))
		abort();
	if (rc != VT_OK && rc != VT_ERR_USAGE && rc != VT_ERR_NOT_FOUND)
		abort(); /* the store is there: bad input is the user's error */
	free(out);
	free(query);
	return 0;
}
