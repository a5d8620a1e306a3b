/*
 * Addresses for writing mail: completion of To and Cc from the people
 * the index has seen (those the user wrote to first), and the Cc a reply
 * to a vendor may want (its account rep, its billing contact).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "private.h"

/* LIKE's wildcards in what the user typed are literal. */
static char *
like_escape(const char *s, const char *before, const char *after)
{
	size_t n = strlen(s), o = 0;
	char *out = malloc(strlen(before) + 2 * n + strlen(after) + 1);

	if (out == NULL)
		return NULL;
	o = (size_t)sprintf(out, "%s", before);
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%' || s[i] == '_' || s[i] == '\\')
			out[o++] = '\\';
		out[o++] = s[i];
	}
	strcpy(out + o, after);
	return out;
}

vt_status
vt_address_complete(struct vt_store *s, const char *prefix, size_t limit,
		    struct vt_address_hits *out, struct vt_error *err)
{
	/* an address written to by the user (a sighting in To or Cc of
	 * their own mail) ranks first, then the newest; pretenders' mail
	 * (failed authentication, a borrowed name) names nobody */
	sqlite3_stmt *st = vt_sql_prepare(
		s,
		"SELECT s.address,"
		"  coalesce((SELECT name FROM sightings x WHERE x.address = s.address"
		"   AND x.name <> '' ORDER BY date DESC LIMIT 1), ''),"
		"  max(s.date), max(m.direction = 1 AND s.field <> 0),"
		"  (SELECT coalesce(w.slug, v.slug) FROM vendor_domains d"
		"   JOIN vendors v ON v.id = d.vendor_id LEFT JOIN vendors w ON w.id = v.merged_into"
		"   WHERE d.domain = s.org)"
		" FROM sightings s LEFT JOIN messages m ON m.message_id = s.message_id"
		" WHERE (s.address LIKE ?1 ESCAPE '\\' OR s.name LIKE ?1 ESCAPE '\\'"
		"  OR s.name LIKE ?2 ESCAPE '\\')"
		"  AND s.message_id NOT IN (SELECT message_id FROM suspicions"
		"   WHERE reason IN ('" VT_SUSPECT_AUTH "', '" VT_SUSPECT_NAME "'))"
		" GROUP BY s.address ORDER BY 4 DESC, 3 DESC LIMIT ?3",
		err);
	char *starts = like_escape(prefix ? prefix : "", "", "%");
	char *word = like_escape(prefix ? prefix : "", "% ", "%");
	vt_status rc = VT_OK;
	int step;

	memset(out, 0, sizeof *out);
	if (st == NULL) {
		free(starts);
		free(word);
		return err ? err->status : VT_ERR_DB;
	}
	if (starts == NULL || word == NULL) {
		free(starts);
		free(word);
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	}
	sqlite3_bind_text(st, 1, starts, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, word, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)(limit ? limit : 20));
	out->items = calloc(limit ? limit : 20, sizeof *out->items);
	while (out->items != NULL && (step = sqlite3_step(st)) == SQLITE_ROW) {
		struct vt_address_hit *h = &out->items[out->count];
		const char *vendor = (const char *)sqlite3_column_text(st, 4);

		h->address = strdup((const char *)sqlite3_column_text(st, 0));
		h->name = strdup((const char *)sqlite3_column_text(st, 1));
		h->last = (time_t)sqlite3_column_int64(st, 2);
		h->written_to = sqlite3_column_int(st, 3) != 0;
		h->vendor = vendor ? strdup(vendor) : NULL;
		out->count++;
		if (h->address == NULL || h->name == NULL) {
			rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
			break;
		}
	}
	if (out->items == NULL)
		rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
	else if (rc == VT_OK && step != SQLITE_DONE)
		rc = vt_sql_fail(s, err, step, "complete an address");
	sqlite3_reset(st);
	free(starts);
	free(word);
	if (rc != VT_OK)
		vt_address_hits_clear(out);
	return rc;
}

void
vt_address_hits_clear(struct vt_address_hits *h)
{
	for (size_t i = 0; i < h->count; i++) {
		free(h->items[i].name);
		free(h->items[i].address);
		free(h->items[i].vendor);
	}
	free(h->items);
	memset(h, 0, sizeof *h);
}

/* The addresses of the draft's To and Cc lines (its headers, up to the
 * first empty line). */
static void
draft_recipients(const char *draft, struct mail_address_list *to, struct mail_address_list *all)
{
	for (const char *p = draft; *p != '\0' && *p != '\n';) {
		size_t len = strcspn(p, "\n");
		bool is_to = strncasecmp(p, "To:", 3) == 0, is_cc = strncasecmp(p, "Cc:", 3) == 0;

		if (is_to || is_cc) {
			char *value = strndup(p + 3, len - 3);
			struct mail_address_list got = { 0 };

			if (value != NULL)
				mail_address_list_parse(value, &got);
			free(value);
			for (size_t i = 0; i < got.count; i++) {
				struct mail_address_list *lists[2] = { all, is_to ? to : NULL };

				for (int l = 0; l < 2; l++) {
					struct mail_address *grown;

					if (lists[l] == NULL ||
					    (grown = realloc(lists[l]->items,
							     (lists[l]->count + 1) *
								     sizeof *grown)) == NULL)
						continue;
					lists[l]->items = grown;
					grown[lists[l]->count].name = strdup(got.items[i].name);
					grown[lists[l]->count].address =
						strdup(got.items[i].address);
					lists[l]->count++;
				}
			}
			mail_address_list_clear(&got);
		}
		p += len + (p[len] == '\n');
	}
}

static bool
addressed(const struct mail_address_list *all, const char *address)
{
	for (size_t i = 0; i < all->count; i++)
		if (all->items[i].address && strcasecmp(all->items[i].address, address) == 0)
			return true;
	return false;
}

char *
vt_draft_cc_suggestions(struct vt_store *s, const char *draft)
{
	struct mail_address_list to = { 0 }, all = { 0 };
	char *lines = NULL, *cc = NULL, *who = NULL;
	size_t cc_len = 0, who_len = 0;
	FILE *cc_f = open_memstream(&cc, &cc_len), *who_f = open_memstream(&who, &who_len);
	int64_t seen_vendor = 0;
	unsigned n = 0;

	if (cc_f == NULL || who_f == NULL) {
		if (cc_f)
			fclose(cc_f);
		if (who_f)
			fclose(who_f);
		free(cc);
		free(who);
		return NULL;
	}
	draft_recipients(draft, &to, &all);
	for (size_t i = 0; i < to.count; i++) {
		char org[MAIL_DOMAIN_MAX];
		struct vt_vendor v = { 0 };
		struct vt_contact_list people = { 0 };
		int64_t id;

		if (to.items[i].address == NULL ||
		    !mail_org_domain(to.items[i].address, org, sizeof org) ||
		    vt_vendor_find(s, org, &id, NULL) != VT_OK || id == seen_vendor ||
		    vt_vendor_get_by_id(s, id, &v, NULL) != VT_OK)
			continue;
		seen_vendor = id;
		if (vt_contact_list(s, v.slug, &people, NULL) == VT_OK)
			for (size_t k = 0; k < people.count && n < 4; k++) {
				const struct vt_contact *c = &people.items[k];

				if (c->role == NULL || c->n_addresses == 0 ||
				    (strcmp(c->role, "account-rep") != 0 &&
				     strcmp(c->role, "billing") != 0) ||
				    addressed(&all, c->addresses[0]) ||
				    (c->vendor != NULL && strcmp(c->vendor, v.slug) != 0))
					continue;
				/* a name from mail goes into a header line: no
				 * quotes, breaks or controls of its own */
				fprintf(cc_f, "%s", n ? ", " : "");
				if (c->name && *c->name) {
					char *clean = mail_sanitize_str(c->name);

					fputc('"', cc_f);
					for (const char *q = clean ? clean : ""; *q; q++)
						if ((unsigned char)*q >= 0x20 && *q != '"' &&
						    *q != '\\' && *q != 0x7f)
							fputc(*q, cc_f);
					fputs("\" ", cc_f);
					free(clean);
				}
				fprintf(cc_f, "<%s>", c->addresses[0]);
				fprintf(who_f, "%s%s", n ? " and " : "",
					strcmp(c->role, "billing") == 0 ? "billing"
									: "account rep");
				n++;
			}
		vt_contact_list_clear(&people);
		vt_vendor_clear(&v);
	}
	fclose(cc_f);
	fclose(who_f);
	if (n > 0 && strpbrk(cc, "\r\n") == NULL &&
	    asprintf(&lines,
		     "# The vendor's %s: take the '#' off the next line to copy them.\n#Cc: %s\n",
		     who, cc) < 0)
		lines = NULL;
	free(cc);
	free(who);
	mail_address_list_clear(&to);
	mail_address_list_clear(&all);
	return lines;
}
