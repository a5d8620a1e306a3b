/*
 * Contacts: the people at vendors, assembled from what indexing recorded
 * (addresses seen in From/Cc and in the user's To, signatures) and what
 * the user said (roles).
 *
 * Derived on demand rather than stored: a person is the addresses seen
 * under one name, which a later message can change (a rep moving to a
 * competitor), and re-deriving keeps the store free of a second copy to
 * reconcile. The cost is one pass over the sightings, grouped by sqlite;
 * one person (contact show, a role set) reads only the addresses seen
 * under its names.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "private.h"

static const char *const roles[] = {
	"account-rep", "manager", "support", "billing", "engineering", "other", NULL,
};

const char *const *
vt_role_names(void)
{
	return roles;
}

const char *
vt_role_parse(const char *s)
{
	for (size_t i = 0; s != NULL && roles[i] != NULL; i++)
		if (strcmp(s, roles[i]) == 0)
			return roles[i];
	return NULL;
}

/* Mailboxes that are a function, not a person. */
static const char *const role_mailboxes[] = {
	"billing",    "accounts",   "invoice",
	"invoices",   "ar",         "support",
	"help",       "helpdesk",   "noc",
	"sales",      "info",       "news",
	"newsletter", "marketing",  "noreply",
	"no-reply",   "donotreply", "notifications",
	"notify",     "service",    "customerservice",
	"orders",     "shipping",   "admin",
	"webmaster",  "postmaster", "team",
	"hello",      "contact",    NULL,
};

static bool
is_role_mailbox(const char *address)
{
	size_t n = strcspn(address, "@+");

	for (size_t i = 0; role_mailboxes[i] != NULL; i++)
		if (strlen(role_mailboxes[i]) == n && strncmp(address, role_mailboxes[i], n) == 0)
			return true;
	return false;
}

/* A display name that names a person: two to four words of letters. */
static bool
is_person_name(const char *name)
{
	int words = 0;
	bool in_word = false;

	if (name == NULL)
		return false;
	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		if (isdigit(*p) || *p == '@' || *p == '|' || *p == ':' || *p == '/')
			return false;
		if (isspace(*p)) {
			in_word = false;
		} else if (!in_word) {
			in_word = true;
			words++;
		}
	}
	return words >= 2 && words <= 4;
}

/* Whether the word (len bytes) ends a name without being one of it:
 * "Dana Cole, PhD". */
static bool
name_suffix(const char *w, size_t len)
{
	static const char *const suffixes[] = { "jr",  "sr", "ii",  "iii", "iv",
						"phd", "md", "mba", "cpa", "esq" };

	if (len > 0 && w[len - 1] == '.')
		len--;
	for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++)
		if (strlen(suffixes[i]) == len && strncasecmp(w, suffixes[i], len) == 0)
			return true;
	return false;
}

/* Appends the words of text[0, len) to key at *o, lower case, a space
 * before each but the key's first; the words of a name are what its
 * spaces, double quotes and commas leave, less the single quotes around
 * them ('Dana Cole', but O'Neil). */
static void
key_words(char *key, char **o, const char *text, size_t len)
{
	static const char seps[] = " \t\r\n\",";

	for (size_t i = 0; i < len;) {
		size_t n = 0, skip;

		while (i < len && strchr(seps, text[i]) != NULL)
			i++;
		while (i + n < len && strchr(seps, text[i + n]) == NULL)
			n++;
		if (n == 0)
			break;
		skip = strspn(text + i, "'") < n ? strspn(text + i, "'") : n;
		for (size_t end = i + n; end > i + skip && text[end - 1] == '\''; end--)
			n--;
		if (n > skip) {
			if (*o > key + 2)
				*(*o)++ = ' ';
			for (size_t k = skip; k < n; k++)
				*(*o)++ = (char)tolower((unsigned char)text[i + k]);
		}
		i += n;
		while (i < len && text[i] == '\'')
			i++;
	}
}

/* "dana  WHITFIELD", "Dana Whitfield", "Whitfield, Dana" (as Outlook
 * shows names), "Dana J. Whitfield" and "Dana Whitfield, PhD" are one
 * person. */
static char *
person_key(const char *name)
{
	char *key = malloc(strlen(name) + 4), *o, *w, *next;
	const char *comma = strchr(name, ',');

	if (key == NULL)
		return NULL;
	o = key;
	*o++ = 'n';
	*o++ = ':';
	if (comma != NULL && strchr(comma + 1, ',') == NULL) {
		const char *after = comma + 1 + strspn(comma + 1, " \t\"'");
		size_t after_len = strcspn(after, " \t\"'");

		if (name_suffix(after, after_len) &&
		    after[after_len + strspn(after + after_len, " \t\"'")] == '\0') {
			key_words(key, &o, name, (size_t)(comma - name));
		} else {
			key_words(key, &o, comma + 1, strlen(comma + 1));
			key_words(key, &o, name, (size_t)(comma - name));
		}
	} else {
		key_words(key, &o, name, strlen(name));
	}
	*o = '\0';
	/* a middle initial ("j." in "dana j. whitfield") is dropped: the
	 * same person writes with it and without */
	for (w = strchr(key + 2, ' '); w != NULL; w = next) {
		size_t n = strcspn(w + 1, " ");

		next = strchr(w + 1, ' ');
		if (next != NULL && (n == 1 || (n == 2 && w[2] == '.'))) {
			memmove(w, w + 1 + n, strlen(w + 1 + n) + 1);
			next = w;
		}
	}
	return key;
}

/* person_key(NAME) in SQL: the key of a name that names a person, else
 * NULL (registered on every connection, store/db.c). */
void
vt_sql_person_key(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const char *name = (const char *)sqlite3_value_text(argv[0]);
	char *key;

	(void)argc;
	if (!is_person_name(name)) {
		sqlite3_result_null(ctx);
		return;
	}
	if ((key = person_key(name)) == NULL) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	/* a name of one word once its title is gone ("Dana, PhD", ", Jr.")
	 * is no person's: every Dana, or every such name, was one contact */
	if (strchr(key + 2, ' ') == NULL) {
		free(key);
		sqlite3_result_null(ctx);
		return;
	}
	sqlite3_result_text(ctx, key, -1, free);
}

static const char *
guess_role(const char *address, const char *title)
{
	static const struct {
		const char *word;
		const char *role;
	} by_title[] = {
		/* the first word found decides: "Accounts Receivable" is
		 * billing before it is an account */
		{ "billing", "billing" },
		{ "accounts receivable", "billing" },
		{ "invoic", "billing" },
		{ "collections", "billing" },
		{ "credit control", "billing" },
		{ "account", "account-rep" },
		{ "customer success", "account-rep" },
		{ "relationship manager", "account-rep" },
		{ "sales", "account-rep" },
		{ "support", "support" },
		{ "engineer", "engineering" },
		{ "developer", "engineering" },
		{ "architect", "engineering" },
	};
	char lower[160];
	size_t n;

	if (address != NULL) {
		n = strcspn(address, "@+");
		if ((n == 7 && strncmp(address, "billing", 7) == 0) ||
		    (n == 8 && strncmp(address, "accounts", 8) == 0) ||
		    (n == 8 && strncmp(address, "invoices", 8) == 0))
			return "billing";
		if ((n == 7 && strncmp(address, "support", 7) == 0) ||
		    (n == 8 && strncmp(address, "helpdesk", 8) == 0))
			return "support";
	}
	if (title == NULL)
		return NULL;
	snprintf(lower, sizeof lower, "%s", title);
	mail_ascii_lower(lower);
	for (size_t i = 0; i < sizeof by_title / sizeof by_title[0]; i++)
		if (strstr(lower, by_title[i].word))
			return by_title[i].role;
	return NULL;
}

/* ---- assembling ---- */

struct builder {
	struct vt_contact_list list;
	char **keys;    /* parallel to list.items */
	size_t *slots;  /* open addressing over keys: index + 1; 0 is empty */
	size_t n_slots; /* a power of two, or 0 */
	bool failed;
};

/* FNV-1a: person keys are short and ours, not an attacker's choice of
 * collisions worth a keyed hash (a collision costs a probe, never a
 * wrong answer). */
static size_t
key_hash(const char *key)
{
	uint64_t h = 14695981039346656037u;

	for (; *key != '\0'; key++)
		h = (h ^ (unsigned char)*key) * 1099511628211u;
	return (size_t)h;
}

/* key's slot: the one holding it, or the empty one where it would go */
static size_t *
slot_of(struct builder *b, const char *key)
{
	size_t mask = b->n_slots - 1, i = key_hash(key) & mask;

	while (b->slots[i] != 0 && strcmp(b->keys[b->slots[i] - 1], key) != 0)
		i = (i + 1) & mask;
	return &b->slots[i];
}

static bool
grow_slots(struct builder *b)
{
	size_t *old = b->slots, old_n = b->n_slots, n = old_n ? old_n * 2 : 64;

	if ((b->slots = calloc(n, sizeof *b->slots)) == NULL) {
		b->slots = old;
		return false;
	}
	b->n_slots = n;
	for (size_t i = 0; i < old_n; i++)
		if (old[i] != 0)
			*slot_of(b, b->keys[old[i] - 1]) = old[i];
	free(old);
	return true;
}

static bool
has(char **items, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(items[i], s) == 0)
			return true;
	return false;
}

static void
push(struct builder *b, char ***items, size_t *n, const char *s)
{
	char **grown, *copy;

	if (s == NULL || *s == '\0' || has(*items, *n, s))
		return;
	grown = realloc(*items, (*n + 1) * sizeof *grown);
	copy = strdup(s);
	if (grown == NULL || copy == NULL) {
		free(copy);
		if (grown)
			*items = grown;
		b->failed = true;
		return;
	}
	*items = grown;
	grown[(*n)++] = copy;
}

static struct vt_contact *
person(struct builder *b, const char *key, const char *name)
{
	struct vt_contact *grown;
	size_t *slot;
	char **keys;

	/* a hundred thousand people at a million messages: no list walk */
	if ((b->list.count + 1) * 2 > b->n_slots && !grow_slots(b)) {
		b->failed = true;
		return NULL;
	}
	slot = slot_of(b, key);
	if (*slot != 0)
		return &b->list.items[*slot - 1];
	grown = realloc(b->list.items, (b->list.count + 1) * sizeof *grown);
	if (grown)
		b->list.items = grown;
	keys = realloc(b->keys, (b->list.count + 1) * sizeof *keys);
	if (keys)
		b->keys = keys;
	if (grown == NULL || keys == NULL || (keys[b->list.count] = strdup(key)) == NULL) {
		b->failed = true;
		return NULL;
	}
	memset(&grown[b->list.count], 0, sizeof *grown);
	grown[b->list.count].name = strdup(name);
	if (grown[b->list.count].name == NULL)
		b->failed = true;
	*slot = b->list.count + 1;
	return &b->list.items[b->list.count++];
}

static void
set_text(struct builder *b, char **field, const char *value)
{
	if (*field != NULL || value == NULL || *value == '\0')
		return;
	if ((*field = strdup(value)) == NULL)
		b->failed = true;
}

#define NOT_IMPOSTOR(column) VT_SQL_NOT_IMPOSTOR(column)

/*
 * One row per address whose address_counts row matches cond, newest
 * first: its latest name (from a signature when the header had none),
 * counts, dates, vendor, the latest signature's title, phones and
 * manager, the role the user gave, and whether its organisation is a
 * look-alike. A row the triggers left stale (store/db.c, 15 -> 16) is
 * counted here from its sightings.
 */
/* clang-format off */
#define ADDRESS_ROWS(cond)                                                                  \
	"WITH c AS (SELECT address, org, n, first, last FROM address_counts WHERE " cond "),"  \
	" a AS (SELECT address, org, n, first, last FROM c WHERE n > 0"                     \
	"  UNION ALL SELECT c.address, c.org, count(DISTINCT g.message_id), min(g.date),"    \
	"   max(g.date) FROM c CROSS JOIN sightings g ON g.address = c.address"             \
	"   WHERE c.n IS NULL AND " NOT_IMPOSTOR("g.message_id") " GROUP BY c.address)"       \
	" SELECT a.address,"                                                                \
	"  coalesce((SELECT name FROM sightings x WHERE x.address = a.address"              \
	"   AND x.name <> '' AND " NOT_IMPOSTOR("x.message_id")                              \
	"   ORDER BY date DESC LIMIT 1),"                                                   \
	"   (SELECT name FROM signatures g WHERE g.address = a.address AND g.name <> ''"     \
	"   AND " NOT_IMPOSTOR("g.message_id") " ORDER BY date DESC LIMIT 1), ''),"          \
	"  a.n, a.first, a.last, coalesce(m.slug, v.slug),"                                 \
	"  (SELECT title FROM signatures g WHERE g.address = a.address AND g.title <> ''"    \
	"   AND " NOT_IMPOSTOR("g.message_id") " ORDER BY date DESC LIMIT 1),"               \
	"  (SELECT group_concat(phones, char(10)) FROM signatures g"                        \
	"   WHERE g.address = a.address AND g.phones <> ''"                                 \
	"   AND " NOT_IMPOSTOR("g.message_id") "),"                                         \
	"  (SELECT manager FROM signatures g WHERE g.address = a.address"                   \
	"   AND g.manager <> '' AND " NOT_IMPOSTOR("g.message_id")                           \
	"   ORDER BY date DESC LIMIT 1),"                                                   \
	"  (SELECT role FROM contact_roles r WHERE r.address = a.address),"                 \
	"  a.org IN (SELECT org FROM lookalikes)"                                           \
	" FROM a LEFT JOIN vendor_domains d ON d.domain = a.org"                            \
	" LEFT JOIN vendors v ON v.id = d.vendor_id"                                        \
	" LEFT JOIN vendors m ON m.id = v.merged_into"                                      \
	" ORDER BY a.last DESC, a.address"

static const char address_rows[] = ADDRESS_ROWS("1");
/*
 * The same for one vendor (?1): its addresses, and those of anyone seen
 * under a name also seen at the vendor (people who moved). A name seen at
 * more than MOVES_MAX organisations is a common name or a desk's, not one
 * person's trail: following it pulled in every address of every
 * namesake (74,000 of them for one vendor of a million messages, 0.9 s
 * for its pane).
 */
#define MOVES_MAX "4"
static const char vendor_address_rows[] = ADDRESS_ROWS(
	"org IN (SELECT domain FROM vendor_domains WHERE vendor_id = ?1)"
	" OR address IN (SELECT k.address FROM address_names k WHERE k.name IN"
	"  (SELECT n.name FROM (SELECT DISTINCT h.name FROM address_counts v"
	"   CROSS JOIN address_names h ON h.address = v.address"
	"   WHERE v.org IN (SELECT domain FROM vendor_domains WHERE vendor_id = ?1)) n"
	"  WHERE (SELECT count(*) FROM (SELECT DISTINCT org FROM sightings s"
	"   WHERE s.name = n.name LIMIT " MOVES_MAX " + 1)) <= " MOVES_MAX "))");

/*
 * The rows that can make up the people whose keys are in
 * temp.person_keys: the address ?1, every address seen under a name of
 * one of those keys (in a header, or in a signature), and every address
 * whose signature names the person ?2 as manager. A row's person is the
 * key of its latest name, so a candidate may turn out to be someone
 * else: harmless, the people asked for are whole.
 */
static const char person_address_rows[] = ADDRESS_ROWS(
	"address = ?1"
	" OR address IN (SELECT s.address FROM (SELECT DISTINCT name FROM sightings) n"
	"  JOIN sightings s ON s.name = n.name"
	"  WHERE person_key(n.name) IN temp.person_keys)"
	" OR address IN (SELECT address FROM signatures"
	"  WHERE (name <> '' AND person_key(name) IN temp.person_keys)"
	"  OR (manager <> '' AND person_key(manager) = ?2))");
/* clang-format on */

/*
 * The stale rows of address_counts counted again from their sightings.
 * After an index run's judging: the triggers mark a row stale when a
 * message at one of its ends goes, which a list would otherwise count
 * again each time it is read.
 */
vt_status
vt_contacts_refresh(struct vt_store *s, struct vt_error *err)
{
	int64_t stale = 0;
	vt_status rc = vt_sql_int(s,
				  "SELECT EXISTS (SELECT 1 FROM address_counts"
				  " INDEXED BY address_counts_stale WHERE n IS NULL)",
				  &stale, err, "");

	if (rc != VT_OK || !stale)
		return rc;
	if ((rc = vt_store_begin(s, err)) != VT_OK)
		return rc;
	/* clang-format off */
	rc = vt_sql_exec(
		s,
		"CREATE TEMP TABLE IF NOT EXISTS address_stale (address TEXT PRIMARY KEY);"
		"DELETE FROM temp.address_stale;"
		"INSERT INTO temp.address_stale SELECT address FROM address_counts WHERE n IS NULL;"
		"UPDATE address_counts SET (n, first, last) = (SELECT count(DISTINCT g.message_id),"
		" min(g.date), max(g.date) FROM sightings g WHERE g.address = address_counts.address"
		" AND " NOT_IMPOSTOR("g.message_id") ") WHERE n IS NULL;"
		/* an address of no mail left */
		"DELETE FROM address_counts WHERE address IN temp.address_stale AND n = 0"
		" AND NOT EXISTS (SELECT 1 FROM sightings g WHERE g.address = address_counts.address);",
		err);
	/* clang-format on */
	if (rc != VT_OK) {
		vt_store_rollback(s);
		return rc;
	}
	return vt_store_commit(s, err);
}

static void
add_address_row(struct builder *b, sqlite3_stmt *st)
{
	const char *address = (const char *)sqlite3_column_text(st, 0);
	const char *name = (const char *)sqlite3_column_text(st, 1);
	const char *vendor = (const char *)sqlite3_column_text(st, 5);
	const char *title = (const char *)sqlite3_column_text(st, 6);
	const char *phones = (const char *)sqlite3_column_text(st, 7);
	const char *manager = (const char *)sqlite3_column_text(st, 8);
	const char *role = vt_role_parse((const char *)sqlite3_column_text(st, 9));
	/* A look-alike domain's sender is not the person whose name it
	 * shows: kept apart, by address, and names no manager. */
	bool lookalike = sqlite3_column_int(st, 10) != 0;
	time_t first = (time_t)sqlite3_column_int64(st, 3),
	       last = (time_t)sqlite3_column_int64(st, 4);
	char *key = NULL, *copy, *tok, *save = NULL;
	struct vt_contact *c;

	if (lookalike)
		manager = NULL;
	if (is_person_name(name) && !is_role_mailbox(address) && !lookalike)
		key = person_key(name);
	else if (asprintf(&key, "a:%s", address) < 0)
		key = NULL;
	if (key == NULL || (c = person(b, key, *name ? name : address)) == NULL) {
		free(key);
		b->failed = true;
		return;
	}
	free(key);
	push(b, &c->addresses, &c->n_addresses, address);
	c->messages += (long)sqlite3_column_int64(st, 2);
	if (c->first_seen == 0 || first < c->first_seen)
		c->first_seen = first;
	if (last > c->last_seen)
		c->last_seen = last;
	/* Rows come newest first: the first value seen is the current one. */
	set_text(b, &c->vendor, vendor);
	set_text(b, &c->title, title);
	if (c->manager == NULL && manager != NULL && *manager != '\0')
		set_text(b, &c->manager_vendor, vendor);
	set_text(b, &c->manager, manager);
	if (role != NULL && !c->role_set_by_user) {
		c->role = role;
		c->role_set_by_user = true;
	}
	if (vendor != NULL)
		push(b, &c->vendors, &c->n_vendors, vendor);
	if (phones != NULL && (copy = strdup(phones)) != NULL) {
		for (tok = strtok_r(copy, "\n", &save); tok; tok = strtok_r(NULL, "\n", &save))
			push(b, &c->phones, &c->n_phones, tok);
		free(copy);
	}
}

/* "My manager is Tom Becker": a person named, perhaps never seen writing. */
static void
add_managers(struct builder *b)
{
	size_t n = b->list.count;

	for (size_t i = 0; i < n && !b->failed; i++) {
		struct vt_contact *c = &b->list.items[i], *m;
		char *key, *vendor;

		if (c->manager == NULL || (key = person_key(c->manager)) == NULL)
			continue;
		/* the vendor the signature naming the manager was sent from:
		 * Dana's manager at AcmeTel stays at AcmeTel when Dana moves
		 * to Globex */
		vendor = c->manager_vendor ? strdup(c->manager_vendor)
			 : c->vendor       ? strdup(c->vendor)
					   : NULL;
		m = person(b, key, b->list.items[i].manager);
		free(key);
		if (m != NULL) {
			if (m->role == NULL)
				m->role = "manager";
			set_text(b, &m->vendor, vendor);
			if (vendor != NULL)
				push(b, &m->vendors, &m->n_vendors, vendor);
		}
		free(vendor);
	}
}

static void
finish(struct builder *b)
{
	for (size_t i = 0; i < b->list.count; i++) {
		struct vt_contact *c = &b->list.items[i];
		/* vendors were pushed newest first: show them as first seen */
		for (size_t j = 0; j < c->n_vendors / 2; j++) {
			char *t = c->vendors[j];

			c->vendors[j] = c->vendors[c->n_vendors - 1 - j];
			c->vendors[c->n_vendors - 1 - j] = t;
		}
		if (c->role == NULL)
			c->role = guess_role(c->n_addresses ? c->addresses[0] : NULL, c->title);
	}
}

/* Roles set on people known only by name are kept under "name:<key>". */
static void
apply_name_roles(struct vt_store *s, struct builder *b)
{
	sqlite3_stmt *st =
		vt_sql_prepare(s,
			       "SELECT address, role FROM contact_roles WHERE address LIKE 'n:%'",
			       NULL);

	if (st == NULL)
		return;
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *key = (const char *)sqlite3_column_text(st, 0);

		for (size_t i = 0; i < b->list.count; i++)
			if (strcmp(b->keys[i], key) == 0 && !b->list.items[i].role_set_by_user) {
				b->list.items[i].role =
					vt_role_parse((const char *)sqlite3_column_text(st, 1));
				b->list.items[i].role_set_by_user = b->list.items[i].role != NULL;
			}
	}
	sqlite3_reset(st);
}

/* The people of the rows of st (its parameters bound), into a fresh b. */
static vt_status
build_from(struct vt_store *s, sqlite3_stmt *st, struct builder *b, struct vt_error *err)
{
	int rc = SQLITE_DONE;

	memset(b, 0, sizeof *b);
	while (!b->failed && (rc = sqlite3_step(st)) == SQLITE_ROW)
		add_address_row(b, st);
	sqlite3_reset(st);
	if (!b->failed && rc != SQLITE_DONE)
		return vt_sql_fail(s, err, rc, "read contacts");
	add_managers(b);
	apply_name_roles(s, b);
	finish(b);
	return b->failed ? vt_fail(err, VT_ERR_NOMEM, "out of memory") : VT_OK;
}

/* vendor_id 0: everybody. */
static vt_status
build(struct vt_store *s, int64_t vendor_id, struct builder *b, struct vt_error *err)
{
	sqlite3_stmt *st = vt_sql_prepare(s, vendor_id ? vendor_address_rows : address_rows, err);

	if (st == NULL) {
		memset(b, 0, sizeof *b);
		return err ? err->status : VT_ERR_DB;
	}
	if (vendor_id)
		sqlite3_bind_int64(st, 1, vendor_id);
	return build_from(s, st, b, err);
}

static void
builder_clear(struct builder *b)
{
	for (size_t i = 0; i < b->list.count; i++)
		free(b->keys[i]);
	free(b->keys);
	free(b->slots);
	vt_contact_list_clear(&b->list);
}

static vt_status
set_person_keys(struct vt_store *s, const struct builder *from, const char *key,
		struct vt_error *err)
{
	sqlite3_stmt *st;
	vt_status rc;

	if ((rc = vt_sql_exec(s,
			      "CREATE TEMP TABLE IF NOT EXISTS person_keys (key TEXT PRIMARY KEY);"
			      "DELETE FROM temp.person_keys",
			      err)) != VT_OK)
		return rc;
	if ((st = vt_sql_prepare(s, "INSERT OR IGNORE INTO temp.person_keys VALUES (?)", err)) ==
	    NULL)
		return err ? err->status : VT_ERR_DB;
	for (size_t i = 0; rc == VT_OK && i < (from ? from->list.count : 1); i++) {
		const char *k = from ? from->keys[i] : key;

		if (k == NULL || strncmp(k, "n:", 2) != 0)
			continue;
		sqlite3_bind_text(st, 1, k, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = vt_sql_fail(s, err, sqlite3_errcode(s->db), "contacts: keys");
		sqlite3_reset(st);
	}
	return rc;
}

/* The key of the person in b the address belongs to: NULL if none, or
 * out of memory (b->failed). */
static char *
key_of_address(struct builder *b, const char *address)
{
	for (size_t i = 0; i < b->list.count; i++)
		if (has(b->list.items[i].addresses, b->list.items[i].n_addresses, address)) {
			char *key = strdup(b->keys[i]);

			b->failed = key == NULL;
			return key;
		}
	return NULL;
}

/*
 * One person, built whole without building everybody (2.9 s at a
 * million messages), asked by key or by address. Each round reads the
 * rows that can make up the people of the round before (the address
 * alone at first when the key is not known): an address's row says
 * whose it is, the key's rows who the person is, and the keys of every
 * person those made make each of them whole too, above all those naming
 * the person as manager (a person's manager is their newest
 * signature's).
 */
static vt_status
build_person(struct vt_store *s, const char *address, const char *key, struct builder *b,
	     struct vt_error *err)
{
	sqlite3_stmt *st = NULL;
	char *found = NULL;
	vt_status rc = VT_OK;

	memset(b, 0, sizeof *b);
	for (int round = key ? 1 : 0; rc == VT_OK && round < 3; round++) {
		struct builder before = *b;

		if (round == 1 && key == NULL) {
			if ((key = found = key_of_address(&before, address)) == NULL) {
				rc = before.failed ? vt_fail(err, VT_ERR_NOMEM, "out of memory")
						   : VT_OK;
				break; /* nobody: b stays empty */
			}
		}
		/* the table before the statement that names it */
		rc = set_person_keys(s, round > 1 || found != NULL ? &before : NULL, key, err);
		if (rc == VT_OK && (st = vt_sql_prepare(s, person_address_rows, err)) == NULL)
			rc = err ? err->status : VT_ERR_DB;
		if (rc != VT_OK)
			break;
		if (address != NULL)
			sqlite3_bind_text(st, 1, address, -1, SQLITE_STATIC);
		else
			sqlite3_bind_null(st, 1);
		if (key != NULL)
			sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
		else
			sqlite3_bind_null(st, 2);
		rc = build_from(s, st, b, err);
		builder_clear(&before);
	}
	if (st != NULL)
		sqlite3_clear_bindings(st);
	free(found);
	return rc;
}

/* Moves item i of b into out. */
static bool
take(struct builder *b, size_t i, struct vt_contact_list *out)
{
	struct vt_contact *grown = realloc(out->items, (out->count + 1) * sizeof *grown);

	if (grown == NULL)
		return false;
	out->items = grown;
	grown[out->count++] = b->list.items[i];
	memset(&b->list.items[i], 0, sizeof b->list.items[i]);
	return true;
}

vt_status
vt_contact_list(struct vt_store *s, const char *slug, struct vt_contact_list *out,
		struct vt_error *err)
{
	struct builder b;
	struct vt_vendor v = { 0 };
	vt_status rc;

	memset(out, 0, sizeof *out);
	if (slug != NULL && (rc = vt_vendor_get(s, slug, &v, err)) != VT_OK)
		return rc;
	if ((rc = build(s, slug ? v.id : 0, &b, err)) == VT_OK) {
		for (size_t i = 0; i < b.list.count; i++) {
			struct vt_contact *c = &b.list.items[i];

			if (slug != NULL && !has(c->vendors, c->n_vendors, v.slug))
				continue;
			if (c->vendor == NULL && slug == NULL)
				continue; /* somebody at an organisation that never wrote */
			if (!take(&b, i, out)) {
				rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
				break;
			}
		}
	}
	builder_clear(&b);
	vt_vendor_clear(&v);
	if (rc != VT_OK)
		vt_contact_list_clear(out);
	return rc;
}

vt_status
vt_contact_get(struct vt_store *s, const char *address, struct vt_contact *out,
	       struct vt_error *err)
{
	struct vt_contact_list one = { 0 };
	struct builder b;
	char *key = strchr(address, '@') ? NULL : person_key(address);
	vt_status rc = build_person(s, key ? NULL : address, key, &b, err);

	memset(out, 0, sizeof *out);
	for (size_t i = 0; rc == VT_OK && i < b.list.count; i++) {
		struct vt_contact *c = &b.list.items[i];

		if (has(c->addresses, c->n_addresses, address) ||
		    (key != NULL && strcmp(b.keys[i], key) == 0)) {
			if (!take(&b, i, &one))
				rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
			break;
		}
	}
	if (rc == VT_OK && one.count == 0)
		rc = vt_fail(err, VT_ERR_NOT_FOUND, "no contact '%s' (see: vtriage contact list)",
			     address);
	if (rc == VT_OK) {
		*out = one.items[0];
		free(one.items);
	}
	free(key);
	builder_clear(&b);
	return rc;
}

vt_status
vt_contact_set_role(struct vt_store *s, const char *address, const char *role_s,
		    struct vt_action *out, struct vt_error *err)
{
	const char *role = vt_role_parse(role_s);
	struct vt_contact c;
	char summary[512], *key = NULL, *before = NULL;
	int64_t vendor_id = 0;
	vt_status rc;

	memset(out, 0, sizeof *out);
	if (role == NULL) {
		char names[160] = "";

		for (size_t i = 0; roles[i] != NULL; i++)
			snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s",
				 i ? ", " : "", roles[i]);
		return vt_fail(err, VT_ERR_USAGE, "no role '%s' (%s)", role_s ? role_s : "", names);
	}
	if ((rc = vt_contact_get(s, address, &c, err)) != VT_OK)
		return rc;
	key = strchr(address, '@') ? strdup(address) : person_key(address);
	if (key == NULL) {
		vt_contact_clear(&c);
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	}
	if (c.role_set_by_user && strcmp(c.role, role) == 0) {
		snprintf(out->summary, sizeof out->summary, "%s is %s already", c.name, role);
		goto out;
	}
	if (c.vendor != NULL)
		vt_vendor_find(s, c.vendor, &vendor_id, NULL);
	snprintf(summary, sizeof summary, "%s (%s): role %s -> %s", c.name, key,
		 c.role ? c.role : "none", role);
	if ((rc = vt_store_begin(s, err)) != VT_OK)
		goto out;
	{
		sqlite3_stmt *st =
			vt_sql_prepare(s, "SELECT role FROM contact_roles WHERE address = ?", err);

		if (st != NULL) {
			sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
			if (sqlite3_step(st) == SQLITE_ROW)
				before = vt_strdup0((const char *)sqlite3_column_text(st, 0));
			sqlite3_reset(st);
		}
		rc = vt_sql_run(s,
				"INSERT OR REPLACE INTO contact_roles (address, role, date)"
				" VALUES (?, ?, strftime('%s', 'now'))",
				"set role", err, "tt", key, role);
	}
	if (rc == VT_OK)
		rc = vt_journal_add(s, "role-set", vendor_id, key, before ? before : "", role,
				    summary, err);
	rc = vt_action_end(s, rc, summary, out, err);
out:
	free(before);
	free(key);
	vt_contact_clear(&c);
	return rc;
}

static void
free_strings(char **items, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(items[i]);
	free(items);
}

void
vt_contact_clear(struct vt_contact *c)
{
	free(c->name);
	free_strings(c->addresses, c->n_addresses);
	free(c->title);
	free_strings(c->phones, c->n_phones);
	free(c->manager);
	free(c->manager_vendor);
	free(c->vendor);
	free_strings(c->vendors, c->n_vendors);
	memset(c, 0, sizeof *c);
}

void
vt_contact_list_clear(struct vt_contact_list *list)
{
	for (size_t i = 0; i < list->count; i++)
		vt_contact_clear(&list->items[i]);
	free(list->items);
	list->items = NULL;
	list->count = 0;
}
