/* Vendors: organisations with one or more domains, a name, a slug and a
 * bucket. Created by indexing; changed only by the user. */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "private.h"

const char *
vt_bucket_name(enum vt_bucket b)
{
	return b == VT_BUCKET_TRUSTED ? "trusted" : "generic";
}

bool
vt_bucket_parse(const char *s, enum vt_bucket *out)
{
	if (strcmp(s, "trusted") == 0)
		*out = VT_BUCKET_TRUSTED;
	else if (strcmp(s, "generic") == 0)
		*out = VT_BUCKET_GENERIC;
	else
		return false;
	return true;
}

static bool
slug_taken(struct vt_store *s, const char *slug, struct vt_error *err, bool *taken)
{
	sqlite3_stmt *st = vt_sql_prepare(s, "SELECT 1 FROM vendors WHERE slug = ?", err);

	if (st == NULL)
		return false;
	sqlite3_bind_text(st, 1, slug, -1, SQLITE_STATIC);
	*taken = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_reset(st);
	return true;
}

/* [a-z0-9-] only, no leading/trailing/double dashes. */
static void
slugify(const char *in, size_t len, char *out, size_t outlen)
{
	size_t o = 0;

	for (size_t i = 0; i < len && o + 1 < outlen; i++) {
		unsigned char c = (unsigned char)in[i];

		if (isalnum(c) && c < 0x80)
			out[o++] = (char)tolower(c);
		else if (o > 0 && out[o - 1] != '-')
			out[o++] = '-';
	}
	while (o > 0 && out[o - 1] == '-')
		o--;
	out[o] = '\0';
	if (o == 0)
		snprintf(out, outlen, "vendor");
}

/* "acme.com" -> "acme"; if taken, "acme-co-uk"; then "acme-2", "acme-3". */
static vt_status
unique_slug(struct vt_store *s, const char *org, char *out, size_t outlen, struct vt_error *err)
{
	char base[128];
	bool taken;

	slugify(org, strcspn(org, "."), out, outlen);
	if (!slug_taken(s, out, err, &taken))
		return err ? err->status : VT_ERR_DB;
	if (!taken)
		return VT_OK;
	slugify(org, strlen(org), out, outlen);
	if (!slug_taken(s, out, err, &taken))
		return err ? err->status : VT_ERR_DB;
	if (!taken)
		return VT_OK;
	snprintf(base, sizeof base, "%s", out);
	for (int n = 2;; n++) {
		snprintf(out, outlen, "%.100s-%d", base, n);
		if (!slug_taken(s, out, err, &taken))
			return err ? err->status : VT_ERR_DB;
		if (!taken)
			return VT_OK;
	}
}

vt_status
vt_vendor_for_org(struct vt_store *s, const char *org, int64_t made_at, int64_t *vendor_id,
		  bool *created, struct vt_error *err)
{
	sqlite3_stmt *st;
	char slug[128], *name;
	int rc;
	vt_status vs;

	*created = false;
	st = vt_sql_prepare(s, "SELECT vendor_id FROM vendor_domains WHERE domain = ?", err);
	if (st == NULL)
		return err ? err->status : VT_ERR_DB;
	sqlite3_bind_text(st, 1, org, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*vendor_id = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
		return VT_OK;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return vt_sql_fail(s, err, rc, "look up vendor domain");

	if ((vs = unique_slug(s, org, slug, sizeof slug, err)) != VT_OK)
		return vs;
	/* The organisation domain is the honest first name; the user renames.
	 * Shown as it is (punycode, U+ escapes): a Cyrillic а must not pass
	 * for an a. */
	if ((name = mail_domain_display(org)) == NULL)
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	st = vt_sql_prepare(s,
			    "INSERT INTO vendors (slug, name, bucket, created) VALUES (?, ?, 0, ?)",
			    err);
	if (st == NULL) {
		free(name);
		return err ? err->status : VT_ERR_DB;
	}
	sqlite3_bind_text(st, 1, slug, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)made_at);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	free(name);
	if (rc != SQLITE_DONE)
		return vt_sql_fail(s, err, rc, "create vendor");
	*vendor_id = sqlite3_last_insert_rowid(s->db);
	st = vt_sql_prepare(s, "INSERT INTO vendor_domains (domain, vendor_id) VALUES (?, ?)", err);
	if (st == NULL)
		return err ? err->status : VT_ERR_DB;
	sqlite3_bind_text(st, 1, org, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, *vendor_id);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return vt_sql_fail(s, err, rc, "record vendor domain");
	*created = true;
	return VT_OK;
}

static vt_status
load_domains(struct vt_store *s, struct vt_vendor *v, struct vt_error *err)
{
	sqlite3_stmt *st = vt_sql_prepare(
		s, "SELECT domain FROM vendor_domains WHERE vendor_id = ? ORDER BY domain", err);
	int rc;

	if (st == NULL)
		return err ? err->status : VT_ERR_DB;
	sqlite3_bind_int64(st, 1, v->id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		char **grown = realloc(v->domains, (v->n_domains + 1) * sizeof *grown);

		if (grown == NULL || (grown[v->n_domains] = vt_strdup0(
					      (const char *)sqlite3_column_text(st, 0))) == NULL) {
			if (grown)
				v->domains = grown;
			sqlite3_reset(st);
			return vt_fail(err, VT_ERR_NOMEM, "out of memory");
		}
		v->domains = grown;
		v->n_domains++;
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? VT_OK : vt_sql_fail(s, err, rc, "read vendor domains");
}

/* One row per vendor with its mail from its domains' rows of org_mail
 * (store/db.c, 16 -> 17), a stale row counted from the index of messages
 * by organisation; the WHERE clause goes between the joins and the
 * GROUP BY. */
/* clang-format off */
#define ORG_MAIL(what, column)                                                   \
	"CASE WHEN o.n IS NULL AND o.org IS NOT NULL THEN (SELECT " what         \
	" FROM messages x WHERE x.org = o.org AND x.kind = 1) ELSE o." column " END"
#define VENDOR_SELECT                                                            \
	"SELECT v.id, v.slug, v.name, v.bucket,"                                 \
	" coalesce(sum(" ORG_MAIL("count(*)", "n") "), 0),"                      \
	" coalesce(min(" ORG_MAIL("min(x.date)", "first") "), 0),"               \
	" coalesce(max(" ORG_MAIL("max(x.date)", "last") "), 0)"                 \
	" FROM vendors v LEFT JOIN vendor_domains d ON d.vendor_id = v.id"       \
	" LEFT JOIN org_mail o ON o.org = d.domain"
/* clang-format on */
#define VENDOR_GROUP " GROUP BY v.id"

static vt_status
read_vendor(struct vt_store *s, sqlite3_stmt *st, struct vt_vendor *v, struct vt_error *err)
{
	memset(v, 0, sizeof *v);
	v->id = sqlite3_column_int64(st, 0);
	v->slug = vt_strdup0((const char *)sqlite3_column_text(st, 1));
	v->name = vt_strdup0((const char *)sqlite3_column_text(st, 2));
	v->bucket = sqlite3_column_int(st, 3) ? VT_BUCKET_TRUSTED : VT_BUCKET_GENERIC;
	v->messages = (long)sqlite3_column_int64(st, 4);
	v->first_seen = (time_t)sqlite3_column_int64(st, 5);
	v->last_seen = (time_t)sqlite3_column_int64(st, 6);
	if (v->slug == NULL || v->name == NULL)
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	return load_domains(s, v, err);
}

static vt_status get_by_id(struct vt_store *s, int64_t id, bool brief, struct vt_vendor *out,
			   struct vt_error *err);

vt_status
vt_vendor_get(struct vt_store *s, const char *slug, struct vt_vendor *out, struct vt_error *err)
{
	int64_t id;
	vt_status vs;

	memset(out, 0, sizeof *out);
	if ((vs = vt_vendor_find(s, slug, &id, err)) != VT_OK)
		return vt_as_not_found(vs, err);
	return vt_vendor_get_by_id(s, id, out, err);
}

vt_status
vt_vendor_get_by_id(struct vt_store *s, int64_t id, struct vt_vendor *out, struct vt_error *err)
{
	return get_by_id(s, id, false, out, err);
}

vt_status
vt_vendor_get_brief(struct vt_store *s, const char *slug, struct vt_vendor *out,
		    struct vt_error *err)
{
	int64_t id;
	vt_status vs;

	memset(out, 0, sizeof *out);
	if ((vs = vt_vendor_find(s, slug, &id, err)) != VT_OK)
		return vt_as_not_found(vs, err);
	return get_by_id(s, id, true, out, err);
}

/* brief: without counting the vendor's mail, whose cost grows with it. */
static vt_status
get_by_id(struct vt_store *s, int64_t id, bool brief, struct vt_vendor *out, struct vt_error *err)
{
	sqlite3_stmt *st =
		brief ? vt_sql_prepare(s,
				       "SELECT v.id, v.slug, v.name, v.bucket, 0, 0, 0"
				       " FROM vendors v WHERE v.id = ?",
				       err)
		      : vt_sql_prepare(s, VENDOR_SELECT " WHERE v.id = ?" VENDOR_GROUP, err);
	int rc;
	vt_status vs;

	memset(out, 0, sizeof *out);
	if (st == NULL)
		return err ? err->status : VT_ERR_DB;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		sqlite3_reset(st);
		return vt_fail(err, VT_ERR_NOT_FOUND, "no vendor #%lld", (long long)id);
	}
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		return vt_sql_fail(s, err, rc, "read vendor");
	}
	vs = read_vendor(s, st, out, err);
	sqlite3_reset(st);
	if (vs != VT_OK)
		vt_vendor_clear(out);
	return vs;
}

vt_status
vt_vendor_list(struct vt_store *s, const enum vt_bucket *bucket, struct vt_vendor_list *out,
	       struct vt_error *err)
{
	/* Vendors with no mail left are shown only when trusted. */
	sqlite3_stmt *st = vt_sql_prepare(
		s,
		VENDOR_SELECT
		" WHERE v.merged_into IS NULL AND (?1 < 0 OR v.bucket = ?1)" VENDOR_GROUP
		" ORDER BY v.name COLLATE NOCASE, v.slug",
		err);
	int rc;
	vt_status vs = VT_OK;

	out->items = NULL;
	out->count = 0;
	if (st == NULL)
		return err ? err->status : VT_ERR_DB;
	sqlite3_bind_int(st, 1, bucket ? (int)*bucket : -1);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct vt_vendor *grown;

		if (sqlite3_column_int64(st, 4) == 0 && sqlite3_column_int(st, 3) == 0)
			continue;
		grown = realloc(out->items, (out->count + 1) * sizeof *grown);
		if (grown == NULL) {
			vs = vt_fail(err, VT_ERR_NOMEM, "out of memory");
			break;
		}
		out->items = grown;
		vs = read_vendor(s, st, &out->items[out->count], err);
		out->count++;
		if (vs != VT_OK)
			break;
	}
	sqlite3_reset(st);
	if (vs == VT_OK && rc != SQLITE_DONE)
		vs = vt_sql_fail(s, err, rc, "list vendors");
	if (vs != VT_OK)
		vt_vendor_list_clear(out);
	return vs;
}

void
vt_vendor_clear(struct vt_vendor *v)
{
	free(v->slug);
	free(v->name);
	for (size_t i = 0; i < v->n_domains; i++)
		free(v->domains[i]);
	free(v->domains);
	memset(v, 0, sizeof *v);
}

void
vt_vendor_list_clear(struct vt_vendor_list *list)
{
	for (size_t i = 0; i < list->count; i++)
		vt_vendor_clear(&list->items[i]);
	free(list->items);
	list->items = NULL;
	list->count = 0;
}

char *
vt_vendor_slug_for_org(struct vt_store *s, const char *org)
{
	sqlite3_stmt *st = vt_sql_prepare(
		s,
		"SELECT v.slug FROM vendor_domains d JOIN vendors v ON v.id = d.vendor_id"
		" WHERE d.domain = ?",
		NULL);
	char *out = NULL;

	if (st == NULL || org == NULL)
		return NULL;
	sqlite3_bind_text(st, 1, org, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		out = vt_strdup0((const char *)sqlite3_column_text(st, 0));
	sqlite3_reset(st);
	return out;
}

vt_status
vt_vendor_find(struct vt_store *s, const char *value, int64_t *id, struct vt_error *err)
{
	sqlite3_stmt *st;
	int rc, hops;

	st = vt_sql_prepare(s,
			    "SELECT id FROM vendors WHERE slug = ?1 UNION ALL"
			    " SELECT vendor_id FROM vendor_domains WHERE domain = ?1 LIMIT 1",
			    err);
	if (st == NULL)
		return err ? err->status : VT_ERR_DB;
	sqlite3_bind_text(st, 1, value, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return vt_fail(err, VT_ERR_USAGE, "no vendor '%s' (see: vtriage vendor list)",
			       value);
	if (rc != SQLITE_ROW)
		return vt_sql_fail(s, err, rc, "resolve vendor");
	/* A merged vendor's old slug leads to the one it was merged into. */
	for (hops = 0; hops < 32; hops++) {
		bool merged;

		st = vt_sql_prepare(s, "SELECT merged_into FROM vendors WHERE id = ?", err);
		if (st == NULL)
			return err ? err->status : VT_ERR_DB;
		sqlite3_bind_int64(st, 1, *id);
		rc = sqlite3_step(st);
		merged = rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL;
		if (merged)
			*id = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
		if (!merged)
			break;
	}
	return VT_OK;
}

vt_status
vt_as_not_found(vt_status rc, struct vt_error *err)
{
	if (rc != VT_ERR_USAGE)
		return rc;
	if (err != NULL)
		err->status = VT_ERR_NOT_FOUND;
	return VT_ERR_NOT_FOUND;
}

vt_status
vt_vendor_count(struct vt_store *s, enum vt_bucket bucket, long *out, struct vt_error *err)
{
	int64_t n = 0;
	vt_status rc = vt_sql_int(
		s,
		"SELECT count(*) FROM vendors v WHERE v.bucket = ? AND v.merged_into IS NULL"
		" AND EXISTS (SELECT 1 FROM vendor_domains d JOIN messages m ON m.org = d.domain"
		"  AND m.kind = 1 WHERE d.vendor_id = v.id)",
		&n, err, "i", (int64_t)bucket);

	*out = (long)n;
	return rc == VT_ERR_NOT_FOUND ? VT_OK : rc;
}

/* org_mail's stale rows counted again: after an index run, whose
 * forgotten mail marked them. */
vt_status
vt_vendor_counts_refresh(struct vt_store *s, struct vt_error *err)
{
	int64_t stale = 0;
	vt_status rc = vt_sql_int(
		s,
		"SELECT EXISTS (SELECT 1 FROM org_mail INDEXED BY org_mail_stale WHERE n IS NULL)",
		&stale, err, "");

	if (rc != VT_OK || !stale)
		return rc;
	return vt_sql_exec(s,
			   "UPDATE org_mail SET (n, first, last) = (SELECT count(*), min(date),"
			   " max(date) FROM messages m WHERE m.org = org_mail.org AND m.kind = 1)"
			   " WHERE n IS NULL;"
			   /* an organisation of no vendor mail left */
			   "DELETE FROM org_mail WHERE n = 0;",
			   err);
}
