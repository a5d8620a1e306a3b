/*
 * Triage: buckets, names, merges and domains of vendors, and undo.
 *
 * Each action is one transaction that changes a few rows and writes one
 * journal entry holding what undo needs ("before"/"after"). Nothing here
 * touches the notmuch index: vendor: and bucket: are resolved through
 * these rows at query time, so a promotion costs the same for any vendor.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "private.h"

static void say(struct vt_action *out, bool changed, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
say(struct vt_action *out, bool changed, const char *fmt, ...)
{
	va_list ap;

	out->changed = changed;
	va_start(ap, fmt);
	vsnprintf(out->summary, sizeof out->summary, fmt, ap);
	va_end(ap);
}

/* The vendor for slug (following merges), without its mail counts. */
static vt_status
load(struct vt_store *s, const char *slug, struct vt_vendor *v, struct vt_error *err)
{
	return vt_vendor_get_brief(s, slug, v, err);
}

/* Runs body inside a transaction; rolls back on failure. */
#define IN_TRANSACTION(s, err, rc, body)                                                           \
	do {                                                                                       \
		if (((rc) = vt_store_begin((s), (err))) != VT_OK)                                  \
			break;                                                                     \
		body;                                                                              \
		if ((rc) == VT_OK)                                                                 \
			(rc) = vt_store_commit((s), (err));                                        \
		else                                                                               \
			vt_store_rollback(s);                                                      \
	} while (0)

/* Whether any of the vendor's domains takes part in a resemblance: only
 * then can its triage change a look-alike verdict. */
static bool
resembles_anything(struct vt_store *s, int64_t vendor_id)
{
	int64_t found = 0;

	return vt_sql_int(s,
			  "SELECT EXISTS (SELECT 1 FROM vendor_domains d WHERE d.vendor_id = ?1 AND"
			  " (EXISTS (SELECT 1 FROM domain_likeness WHERE org = d.domain)"
			  "  OR EXISTS (SELECT 1 FROM domain_likeness WHERE like_org = d.domain)))",
			  &found, NULL, "i", vendor_id) == VT_OK &&
	       found;
}

/* Refuses (VT_ERR_CONFLICT, naming the likeness and --force) to let a
 * look-alike domain into a vendor's standing without the user saying so;
 * with force, notes the likeness for the journal in forced. */
static vt_status
check_likeness(struct vt_store *s, const char *domain, int64_t vendor_id, unsigned flags,
	       const char *what, char *forced, size_t forced_len, struct vt_error *err)
{
	char why[256];
	bool resembles;
	vt_status rc =
		vt_trust_domain_resembles(s, domain, vendor_id, &resembles, why, sizeof why, err);

	if (rc == VT_OK && !resembles && vendor_id != 0)
		rc = vt_trust_domain_resembles(s, domain, 0, &resembles, why, sizeof why, err);
	if (rc != VT_OK || !resembles)
		return rc;
	if (!(flags & VT_TRIAGE_FORCE))
		return vt_fail(
			err, VT_ERR_CONFLICT,
			"%s: %s would give it that standing; if it really is who it claims to"
			" be, use --force",
			why, what);
	snprintf(forced, forced_len, " (forced: %s)", why);
	return VT_OK;
}

vt_status
vt_vendor_set_bucket(struct vt_store *s, const char *slug, enum vt_bucket bucket, unsigned flags,
		     struct vt_action *out, struct vt_error *err)
{
	const char *verb = bucket == VT_BUCKET_TRUSTED ? "promoted" : "demoted";
	struct vt_vendor v;
	char summary[1024], forced[300] = "";
	bool rejudge;
	vt_status rc;

	memset(out, 0, sizeof *out);
	if ((rc = load(s, slug, &v, err)) != VT_OK)
		return rc;
	if (v.bucket == bucket) {
		say(out, false, "%s is already %s", v.slug, vt_bucket_name(bucket));
		vt_vendor_clear(&v);
		return VT_OK;
	}
	if (bucket == VT_BUCKET_TRUSTED) {
		bool lookalike;
		char why[256];

		rc = vt_vendor_lookalike(s, v.id, &lookalike, why, sizeof why, err);
		if (rc == VT_OK && lookalike && !(flags & VT_TRIAGE_FORCE))
			rc = vt_fail(err, VT_ERR_CONFLICT,
				     "%s: promoting it would trust a look-alike; if it is a vendor"
				     " of its own, use --force",
				     why);
		else if (rc == VT_OK && lookalike)
			snprintf(forced, sizeof forced, " (forced: %s)", why);
		if (rc != VT_OK) {
			vt_vendor_clear(&v);
			return rc;
		}
	}
	snprintf(summary, sizeof summary, "%s %s: %s -> %s%s", verb, v.name,
		 vt_bucket_name(v.bucket), vt_bucket_name(bucket), forced);
	rejudge = resembles_anything(s, v.id);
	IN_TRANSACTION(s, err, rc, {
		/* as read before the write lock, or another vtriage changed it
		 * meanwhile (merged it away, moved it): a promotion of a row
		 * merged away would say done and trust nothing */
		rc = vt_sql_run(s,
				"UPDATE vendors SET bucket = ? WHERE id = ? AND bucket = ?"
				" AND merged_into IS NULL",
				"move vendor", err, "iii", (int64_t)bucket, v.id,
				(int64_t)v.bucket);
		if (rc == VT_OK && sqlite3_changes(s->db) == 0)
			rc = vt_fail(
				err, VT_ERR_CONFLICT,
				"%s changed while this ran (another vtriage merged or moved it);"
				" try again",
				v.slug);
		if (rc == VT_OK)
			rc = vt_journal_add(s, verb, v.id, v.slug, vt_bucket_name(v.bucket),
					    vt_bucket_name(bucket), summary, err);
		/* a trusted domain stops being, or starts making, look-alikes;
		 * its people's names are known or no longer */
		if (rc == VT_OK)
			rc = rejudge ? vt_trust_vendors_changed(s, err)
				     : vt_trust_names_stale(s, err);
		/* The server folder is work for sync, never for this path. */
		if (rc == VT_OK && (flags & VT_TRIAGE_QUEUE_MIRROR) && bucket == VT_BUCKET_TRUSTED)
			rc = vt_sql_run(s,
					"INSERT INTO jobs (kind, vendor_id, arg, created)"
					" VALUES ('mirror-folder', ?, ?, strftime('%s', 'now'))",
					"queue folder mirror", err, "it", v.id, v.name);
	});
	if (rc == VT_OK)
		say(out, true, "%s", summary);
	vt_vendor_clear(&v);
	return rc;
}

vt_status
vt_vendor_rename(struct vt_store *s, const char *slug, const char *name, struct vt_action *out,
		 struct vt_error *err)
{
	struct vt_vendor v;
	char summary[512];
	vt_status rc;

	memset(out, 0, sizeof *out);
	if (vt_text_blank(name) || strlen(name) > 200)
		return vt_fail(err, VT_ERR_USAGE, "a vendor name must have 1 to 200 characters");
	if ((rc = load(s, slug, &v, err)) != VT_OK)
		return rc;
	if (strcmp(v.name, name) == 0) {
		say(out, false, "%s is already named %s", v.slug, name);
		vt_vendor_clear(&v);
		return VT_OK;
	}
	snprintf(summary, sizeof summary, "renamed %s to %s", v.name, name);
	IN_TRANSACTION(s, err, rc, {
		rc = vt_sql_run(s, "UPDATE vendors SET name = ?, name_manual = 1 WHERE id = ?",
				"rename vendor", err, "ti", name, v.id);
		if (rc == VT_OK)
			rc = vt_journal_add(s, "renamed", v.id, v.slug, v.name, name, summary, err);
	});
	if (rc == VT_OK)
		say(out, true, "%s", summary);
	vt_vendor_clear(&v);
	return rc;
}

/* "a,b,c": the domains a vendor has now, for the journal. */
static char *
domain_list(const struct vt_vendor *v)
{
	size_t len = 1;
	char *out;

	for (size_t i = 0; i < v->n_domains; i++)
		len += strlen(v->domains[i]) + 1;
	if ((out = calloc(1, len)) == NULL)
		return NULL;
	for (size_t i = 0; i < v->n_domains; i++) {
		if (i)
			strcat(out, ",");
		strcat(out, v->domains[i]);
	}
	return out;
}

vt_status
vt_vendor_merge(struct vt_store *s, const char *from, const char *into, unsigned flags,
		struct vt_action *out, struct vt_error *err)
{
	struct vt_vendor a, b;
	char summary[1024], ids[64], *domains = NULL, forced[300] = "", what[300];
	vt_status rc;

	memset(out, 0, sizeof *out);
	if ((rc = load(s, from, &a, err)) != VT_OK)
		return rc;
	if ((rc = load(s, into, &b, err)) != VT_OK) {
		vt_vendor_clear(&a);
		return rc;
	}
	if (a.id == b.id) {
		rc = vt_fail(err, VT_ERR_CONFLICT, "'%s' and '%s' are the same vendor (%s) already",
			     from, into, b.slug);
		goto out;
	}
	snprintf(what, sizeof what, "merging it into %s", b.slug);
	for (size_t i = 0; i < a.n_domains && forced[0] == '\0'; i++)
		if ((rc = check_likeness(s, a.domains[i], b.id, flags, what, forced, sizeof forced,
					 err)) != VT_OK)
			goto out;
	if ((domains = domain_list(&a)) == NULL) {
		rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
		goto out;
	}
	snprintf(summary, sizeof summary, "merged %s (%s) into %s%s", a.name, domains, b.name,
		 forced);
	snprintf(ids, sizeof ids, "%lld", (long long)b.id);
	IN_TRANSACTION(s, err, rc, {
		int64_t now = -1;
		int64_t live = -1;

		/* both as read before the write lock: a domain given to the
		 * source meanwhile would move without the journal naming it,
		 * and its undo would not give it back */
		rc = vt_sql_int(s, "SELECT count(*) FROM vendor_domains WHERE vendor_id = ?", &now,
				err, "i", a.id);
		if (rc == VT_OK)
			rc = vt_sql_int(s,
					"SELECT count(*) FROM vendors WHERE id IN (?1, ?2)"
					" AND merged_into IS NULL",
					&live, err, "ii", a.id, b.id);
		if (rc == VT_OK && (now != (int64_t)a.n_domains || live != 2))
			rc = vt_fail(
				err, VT_ERR_CONFLICT,
				"%s or %s changed while this ran (another vtriage, or an index "
				"run); try again",
				a.slug, b.slug);
		if (rc == VT_OK)
			rc = vt_sql_run(
				s, "UPDATE vendor_domains SET vendor_id = ?1 WHERE vendor_id = ?2",
				"merge vendors", err, "ii", b.id, a.id);
		if (rc == VT_OK)
			rc = vt_sql_run(s, "UPDATE vendors SET merged_into = ?1 WHERE id = ?2",
					"merge vendors", err, "ii", b.id, a.id);
		if (rc == VT_OK)
			rc = vt_trust_vendors_changed(s, err);
		if (rc == VT_OK)
			rc = vt_journal_add(s, "merged", b.id, a.slug, domains, ids, summary, err);
	});
	if (rc == VT_OK)
		say(out, true, "%s", summary);
out:
	free(domains);
	vt_vendor_clear(&a);
	vt_vendor_clear(&b);
	return rc;
}

static size_t
dots(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += *s == '.';
	return n;
}

/* An organisation domain as the index records it, or an error that
 * suggests one. */
static vt_status
check_domain(const char *domain, char *org, size_t len, struct vt_error *err)
{
	char probe[MAIL_DOMAIN_MAX + 8];

	snprintf(probe, sizeof probe, "x@%s", domain);
	if (!mail_org_domain(probe, org, len))
		return vt_fail(err, VT_ERR_USAGE, "'%s' is not a domain", domain);
	/* as many labels: the same domain, whether typed in punycode or not */
	if (dots(org) != dots(domain))
		return vt_fail(err, VT_ERR_USAGE,
			       "'%s' is not an organisation domain: mail from it counts as '%s'",
			       domain, org);
	return VT_OK;
}

vt_status
vt_vendor_add_domain(struct vt_store *s, const char *slug, const char *domain, unsigned flags,
		     struct vt_action *out, struct vt_error *err)
{
	char org[MAIL_DOMAIN_MAX], before[32] = "", summary[1024], forced[300] = "", what[300];
	struct vt_vendor v;
	int64_t owner = 0;
	vt_status rc;

	memset(out, 0, sizeof *out);
	if ((rc = check_domain(domain, org, sizeof org, err)) != VT_OK)
		return rc;
	if ((rc = load(s, slug, &v, err)) != VT_OK)
		return rc;
	rc = vt_sql_int(s, "SELECT vendor_id FROM vendor_domains WHERE domain = ?", &owner, err,
			"t", org);
	if (rc == VT_OK && owner == v.id) {
		say(out, false, "%s already has %s", v.slug, org);
		goto out;
	}
	if (rc == VT_OK)
		snprintf(before, sizeof before, "%lld", (long long)owner);
	else if (rc != VT_ERR_NOT_FOUND)
		goto out;
	snprintf(what, sizeof what, "adding it to %s", v.slug);
	if ((rc = check_likeness(s, org, v.id, flags, what, forced, sizeof forced, err)) != VT_OK)
		goto out;
	snprintf(summary, sizeof summary, "added domain %s to %s%s", org, v.name, forced);
	IN_TRANSACTION(s, err, rc, {
		int64_t now = 0;

		/* the domain's owner as read before the write lock, or an
		 * index run gave it to a new vendor meanwhile, which the
		 * journal would not know to give it back to */
		rc = vt_sql_int(s, "SELECT vendor_id FROM vendor_domains WHERE domain = ?", &now,
				err, "t", org);
		if (rc == VT_ERR_NOT_FOUND)
			rc = VT_OK;
		if (rc == VT_OK && now != owner)
			rc = vt_fail(
				err, VT_ERR_CONFLICT,
				"%s changed hands while this ran (another vtriage, or an index "
				"run); try again",
				org);
		if (rc == VT_OK)
			rc = vt_sql_run(
				s,
				"INSERT OR REPLACE INTO vendor_domains (domain, vendor_id, manual)"
				" VALUES (?, ?, 1)",
				"add domain", err, "ti", org, v.id);
		/* A vendor left without domains was this one all along. */
		if (rc == VT_OK && owner != 0)
			rc = vt_sql_run(
				s,
				"UPDATE vendors SET merged_into = ?1 WHERE id = ?2 AND NOT EXISTS"
				" (SELECT 1 FROM vendor_domains WHERE vendor_id = ?2)",
				"add domain", err, "ii", v.id, owner);
		if (rc == VT_OK)
			rc = vt_journal_add(s, "domain-added", v.id, org, before, "", summary, err);
		if (rc == VT_OK)
			rc = vt_trust_vendors_changed(s, err);
	});
	if (rc == VT_OK)
		say(out, true, "%s", summary);
out:
	vt_vendor_clear(&v);
	return rc;
}

vt_status
vt_vendor_remove_domain(struct vt_store *s, const char *slug, const char *domain,
			struct vt_action *out, struct vt_error *err)
{
	char summary[512], after[32], org[MAIL_DOMAIN_MAX];
	struct vt_vendor v;
	int64_t owner = 0, new_id = 0;
	bool created = false;
	vt_status rc;

	memset(out, 0, sizeof *out);
	if (check_domain(domain, org, sizeof org, NULL) == VT_OK)
		domain = org;
	if ((rc = load(s, slug, &v, err)) != VT_OK)
		return rc;
	rc = vt_sql_int(s, "SELECT vendor_id FROM vendor_domains WHERE domain = ?", &owner, err,
			"t", domain);
	if (rc == VT_ERR_NOT_FOUND || (rc == VT_OK && owner != v.id)) {
		rc = vt_fail(err, VT_ERR_NOT_FOUND, "%s has no domain '%s'", v.slug, domain);
		goto out;
	}
	if (rc != VT_OK)
		goto out;
	if (v.n_domains == 1) {
		rc = vt_fail(err, VT_ERR_CONFLICT,
			     "%s is %s's only domain (merge the vendor instead of emptying it)",
			     domain, v.slug);
		goto out;
	}
	snprintf(summary, sizeof summary, "removed domain %s from %s", domain, v.name);
	IN_TRANSACTION(s, err, rc, {
		rc = vt_sql_run(s, "DELETE FROM vendor_domains WHERE domain = ?", "remove domain",
				err, "t", domain);
		/* The vendor it was taken from by add-domain, left empty and
		 * merged, is itself again: a new one beside it ("initech-example")
		 * left its slug naming this vendor (vendor show initech showed
		 * AcmeTel). */
		if (rc == VT_OK)
			rc = vt_sql_int(
				s,
				"SELECT o.id FROM journal j JOIN vendors o"
				" ON o.id = CAST(j.before AS INTEGER)"
				" WHERE j.action = 'domain-added' AND j.vendor_id = ?1 AND j.target = ?2"
				"  AND j.undone = 0 AND o.merged_into = ?1 AND NOT EXISTS"
				"  (SELECT 1 FROM vendor_domains d WHERE d.vendor_id = o.id)"
				" ORDER BY j.id DESC LIMIT 1",
				&new_id, err, "it", v.id, domain);
		if (rc == VT_OK)
			rc = vt_sql_run(s, "UPDATE vendors SET merged_into = NULL WHERE id = ?",
					"remove domain", err, "i", new_id);
		if (rc == VT_OK)
			rc = vt_sql_run(
				s, "INSERT INTO vendor_domains (domain, vendor_id) VALUES (?, ?)",
				"remove domain", err, "ti", domain, new_id);
		/* Else mail from it still comes from somebody: a vendor of its
		 * own. */
		if (rc == VT_ERR_NOT_FOUND) {
			if (err != NULL)
				memset(err, 0, sizeof *err);
			rc = vt_vendor_for_org(s, domain, (int64_t)time(NULL), &new_id, &created,
					       err);
		}
		if (rc == VT_OK)
			rc = vt_sql_run(s, "UPDATE vendor_domains SET manual = 1 WHERE domain = ?",
					"remove domain", err, "t", domain);
		if (rc == VT_OK) {
			snprintf(after, sizeof after, "%lld", (long long)new_id);
			rc = vt_journal_add(s, "domain-removed", v.id, domain, "", after, summary,
					    err);
		}
		if (rc == VT_OK)
			rc = vt_trust_vendors_changed(s, err);
	});
	if (rc == VT_OK)
		say(out, true, "%s", summary);
out:
	vt_vendor_clear(&v);
	return rc;
}

/* ---- undo ---- */

struct journal_entry {
	int64_t id, vendor_id;
	char *action, *target, *before, *after, *summary;
};

static void
entry_clear(struct journal_entry *e)
{
	free(e->action);
	free(e->target);
	free(e->before);
	free(e->after);
	free(e->summary);
}

static vt_status
undo_merge(struct vt_store *s, const struct journal_entry *e, struct vt_error *err)
{
	char *domains = strdup(e->before), *tok, *save = NULL;
	int64_t from_id;
	vt_status rc;

	if (domains == NULL)
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	rc = vt_sql_int(s, "SELECT id FROM vendors WHERE slug = ?", &from_id, err, "t", e->target);
	if (rc == VT_ERR_NOT_FOUND)
		rc = vt_fail(err, VT_ERR_INTERNAL, "journal names unknown vendor %s", e->target);
	if (rc == VT_OK)
		rc = vt_sql_run(s, "UPDATE vendors SET merged_into = NULL WHERE id = ?",
				"undo merge", err, "i", from_id);
	for (tok = strtok_r(domains, ",", &save); rc == VT_OK && tok;
	     tok = strtok_r(NULL, ",", &save))
		rc = vt_sql_run(s, "UPDATE vendor_domains SET vendor_id = ? WHERE domain = ?",
				"undo merge", err, "it", from_id, tok);
	free(domains);
	return rc;
}

static vt_status
undo_entry(struct vt_store *s, const struct journal_entry *e, struct vt_error *err)
{
	enum vt_bucket bucket;

	if (strcmp(e->action, "promoted") == 0 || strcmp(e->action, "demoted") == 0) {
		if (!vt_bucket_parse(e->before, &bucket))
			return vt_fail(err, VT_ERR_INTERNAL, "journal: bad bucket '%s'", e->before);
		return vt_sql_run(s, "UPDATE vendors SET bucket = ? WHERE id = ?", "undo", err,
				  "ii", (int64_t)bucket, e->vendor_id);
	}
	if (strcmp(e->action, "renamed") == 0)
		/* The name the user replaced was theirs too, or the domain. */
		return vt_sql_run(s,
				  "UPDATE vendors SET name = ?1,"
				  " name_manual = (?1 NOT IN (SELECT domain FROM vendor_domains"
				  " WHERE vendor_id = ?2)) WHERE id = ?2",
				  "undo", err, "ti", e->before, e->vendor_id);
	if (strcmp(e->action, "merged") == 0)
		return undo_merge(s, e, err);
	if (strcmp(e->action, "domain-added") == 0) {
		if (*e->before == '\0')
			return vt_sql_run(s, "DELETE FROM vendor_domains WHERE domain = ?", "undo",
					  err, "t", e->target);
		int64_t owner = (int64_t)strtoll(e->before, NULL, 10);
		vt_status rc = vt_sql_run(s, "UPDATE vendors SET merged_into = NULL WHERE id = ?",
					  "undo", err, "i", owner);

		if (rc == VT_OK)
			rc = vt_sql_run(s,
					"UPDATE vendor_domains SET vendor_id = ? WHERE domain = ?",
					"undo", err, "it", owner, e->target);
		return rc;
	}
	if (strcmp(e->action, "domain-removed") == 0) {
		vt_status rc =
			vt_sql_run(s, "UPDATE vendor_domains SET vendor_id = ? WHERE domain = ?",
				   "undo", err, "it", e->vendor_id, e->target);

		/* The vendor the domain had on its own goes back to being
		 * part of the one it came from. */
		if (rc == VT_OK)
			rc = vt_sql_run(s, "UPDATE vendors SET merged_into = ? WHERE id = ?",
					"undo", err, "ii", e->vendor_id,
					(int64_t)strtoll(e->after, NULL, 10));
		return rc;
	}
	if (strcmp(e->action, "contract-removed") == 0)
		return vt_contract_restore(s, e->vendor_id, e->target, e->before, err);
	if (strncmp(e->action, "contract-", 9) == 0) {
		/* the contract made goes; the suggestion (of every mail naming
		 * that date) is open again */
		vt_status rc = *e->after == '\0'
				       ? VT_OK
				       : vt_sql_run(s, "DELETE FROM contracts WHERE id = ?", "undo",
						    err, "i", (int64_t)strtoll(e->after, NULL, 10));

		if (rc == VT_OK && strcmp(e->action, "contract-set") != 0)
			rc = vt_sql_run(
				s,
				"UPDATE contract_suggestions SET state = 0 WHERE id IN"
				" (SELECT x.id FROM contract_suggestions x, contract_suggestions c"
				"  WHERE c.id = ? AND x.org = c.org AND x.ends = c.ends"
				"  AND x.event = c.event)",
				"undo", err, "i", (int64_t)strtoll(e->target, NULL, 10));
		return rc;
	}
	if (strcmp(e->action, "role-set") == 0) {
		if (*e->before == '\0')
			return vt_sql_run(s, "DELETE FROM contact_roles WHERE address = ?", "undo",
					  err, "t", e->target);
		return vt_sql_run(s, "UPDATE contact_roles SET role = ? WHERE address = ?", "undo",
				  err, "tt", e->before, e->target);
	}
	if (strcmp(e->action, "tagged") == 0)
		return VT_OK; /* the index side is the caller's: see vt_undo */
	if (strcmp(e->action, "bank-accepted") == 0)
		return vt_bank_unaccept(s, e->before, e->target, e->after, err);
	if (strcmp(e->action, "issue-opened") == 0)
		return vt_sql_run(s, "UPDATE issues SET withdrawn = 1 WHERE id = ?", "undo", err,
				  "i", (int64_t)strtoll(e->target, NULL, 10));
	if (strcmp(e->action, "issue-closed") == 0)
		return vt_sql_run(s, "UPDATE issues SET closed = NULL, note = ? WHERE id = ?",
				  "undo", err, "ti", e->before,
				  (int64_t)strtoll(e->target, NULL, 10));
	if (strcmp(e->action, "issue-linked") == 0) {
		char *ids = strdup(e->after), *tok, *save = NULL;
		vt_status rc = ids ? VT_OK : vt_fail(err, VT_ERR_NOMEM, "out of memory");

		for (tok = ids ? strtok_r(ids, "\n", &save) : NULL; rc == VT_OK && tok;
		     tok = strtok_r(NULL, "\n", &save))
			rc = vt_sql_run(
				s, "DELETE FROM issue_links WHERE issue_id = ? AND message_id = ?",
				"undo", err, "it", (int64_t)strtoll(e->target, NULL, 10), tok);
		free(ids);
		return rc;
	}
	return vt_fail(err, VT_ERR_INTERNAL, "journal: cannot undo '%s'", e->action);
}

vt_status
vt_undo(struct vt_store *s, struct vt_action *out, struct vt_error *err)
{
	struct journal_entry e = { 0 };
	sqlite3_stmt *st;
	vt_status rc;
	int step;

	memset(out, 0, sizeof *out);
	/* Read and revert under one write lock: two processes undoing at
	 * once must not revert the same entry twice. */
	if ((rc = vt_store_begin(s, err)) != VT_OK)
		return rc;
	st = vt_sql_prepare(
		s,
		"SELECT id, coalesce(vendor_id, 0), action, target, before, after, summary"
		" FROM journal WHERE undone = 0 AND action <> 'mirrored'"
		" ORDER BY id DESC LIMIT 1",
		err);
	if (st == NULL) {
		vt_store_rollback(s);
		return err ? err->status : VT_ERR_DB;
	}
	step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		e.id = sqlite3_column_int64(st, 0);
		e.vendor_id = sqlite3_column_int64(st, 1);
		e.action = vt_strdup0((const char *)sqlite3_column_text(st, 2));
		e.target = vt_strdup0((const char *)sqlite3_column_text(st, 3));
		e.before = vt_strdup0((const char *)sqlite3_column_text(st, 4));
		e.after = vt_strdup0((const char *)sqlite3_column_text(st, 5));
		e.summary = vt_strdup0((const char *)sqlite3_column_text(st, 6));
	}
	sqlite3_reset(st);
	if (step == SQLITE_DONE) {
		vt_store_rollback(s);
		return vt_fail(err, VT_ERR_CONFLICT, "nothing to undo");
	}
	if (step != SQLITE_ROW) {
		vt_store_rollback(s);
		return vt_sql_fail(s, err, step, "read journal");
	}
	if (e.action == NULL || e.target == NULL || e.before == NULL || e.after == NULL ||
	    e.summary == NULL)
		rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
	if (rc == VT_OK)
		rc = undo_entry(s, &e, err);
	/* a tag change is undone in the index by the caller
	 * (vt_apply_retag), which marks it undone after */
	if (rc == VT_OK && strcmp(e.action, "tagged") != 0)
		rc = vt_sql_run(s, "UPDATE journal SET undone = 1 WHERE id = ?", "undo", err, "i",
				e.id);
	/* buckets and domains are back as they were, and so are look-alikes */
	if (rc == VT_OK && strcmp(e.action, "tagged") != 0 && strncmp(e.action, "issue", 5) != 0 &&
	    strcmp(e.action, "role-set") != 0 && strncmp(e.action, "contract-", 9) != 0 &&
	    strcmp(e.action, "bank-accepted") != 0)
		rc = vt_trust_vendors_changed(s, err);
	if (rc == VT_OK)
		rc = vt_store_commit(s, err);
	else
		vt_store_rollback(s);
	if (rc == VT_OK) {
		say(out, true, "undone: %s", e.summary);
		if (strcmp(e.action, "tagged") == 0) {
			/* back: add what was removed, remove what was added */
			out->retag_add = e.before;
			out->retag_remove = e.after;
			out->retag_ids = e.target;
			out->retag_entry = e.id;
			e.before = e.after = e.target = NULL;
		}
	}
	entry_clear(&e);
	return rc;
}

void
vt_action_clear(struct vt_action *a)
{
	free(a->retag_ids);
	free(a->retag_add);
	free(a->retag_remove);
	a->retag_ids = a->retag_add = a->retag_remove = NULL;
}

vt_status
vt_tag(struct vt_store *s, struct mail_db *rw, const char *query, const char *add,
       const char *remove, const char *what, struct vt_action *out, struct vt_error *err)
{
	char *ids = NULL;
	vt_status rc;

	memset(out, 0, sizeof *out);
	/* The journal first, with every message the change will touch, and
	 * committed before any is: a change killed part-way (SIGKILL, power)
	 * is there to undo, where one journalled after its tags left the
	 * part done with no entry. rw holds the index's write lock, so the
	 * messages listed are the ones the tags change. Held by another
	 * program, the store's lock fails the change before anything. */
	if ((rc = vt_store_begin(s, err)) != VT_OK)
		return rc;
	rc = mail_tag_changes(rw, query, add, remove, &ids, err);
	if (rc == VT_OK && ids != NULL)
		rc = vt_journal_add(s, "tagged", 0, ids, remove ? remove : "", add ? add : "", what,
				    err);
	rc = rc == VT_OK ? vt_store_commit(s, err) : (vt_store_rollback(s), rc);
	/* failed part-way, the entry stays: what changed is undone by it */
	if (rc == VT_OK && ids != NULL)
		rc = vt_tag_messages(s, rw, query, add, remove, NULL, err);
	if (rc == VT_OK)
		say(out, ids != NULL, "%s", ids != NULL ? what : "nothing to change");
	free(ids);
	return rc;
}

vt_status
vt_apply_retag(struct vt_store *s, struct mail_db *db, const struct vt_action *a,
	       struct vt_error *err)
{
	const char *add = a->retag_add && a->retag_add[0] ? a->retag_add : NULL;
	const char *remove = a->retag_remove && a->retag_remove[0] ? a->retag_remove : NULL;
	char *copy, *tok, *save = NULL;
	const char *key;
	vt_status rc, ended;

	if (a->retag_ids == NULL)
		return VT_OK;
	if ((copy = strdup(a->retag_ids)) == NULL)
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	/* as vt_tag_messages: the key before the writes, renewed after */
	key = vt_mirror_token_key(s, db);
	/* One commit for them all: message by message, notmuch committed
	 * every eighth (undoing a tag of 6,000 messages, 3,777 fdatasyncs
	 * and 5 to 14 s). Killed before the end, the entry is still there
	 * to undo. */
	if ((rc = mail_db_begin_writes(db, err)) != VT_OK) {
		free(copy);
		return rc;
	}
	for (tok = strtok_r(copy, "\n", &save); rc == VT_OK && tok;
	     tok = strtok_r(NULL, "\n", &save)) {
		char *id = mail_query_quote(tok), *query = NULL;

		if (id == NULL || asprintf(&query, "id:%s", id) < 0)
			rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
		/* files renamed by a change killed before the index knew */
		else if ((rc = mail_restore_renamed(db, query, err)) == VT_OK)
			rc = mail_tag_messages(db, query, add, remove, NULL, err);
		free(id);
		free(query);
	}
	free(copy);
	ended = mail_db_end_writes(db, rc == VT_OK ? err : NULL);
	if (rc == VT_OK)
		rc = ended;
	if (rc == VT_OK && key != NULL)
		vt_mirror_token_renew(s, db, key);
	if (rc == VT_OK && a->retag_entry != 0)
		rc = vt_sql_run(s, "UPDATE journal SET undone = 1 WHERE id = ?", "undo", err, "i",
				a->retag_entry);
	return rc;
}
