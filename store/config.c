/*
 * The configuration file: where mail and data live, who the user is.
 * Keys are a table; each knows its section, type and field, so
 * validation, error messages and the documentation agree.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <regex.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "private.h"

enum config_type {
	CONFIG_PATH, /* ~ and relative paths resolved */
	CONFIG_STRING,
	CONFIG_ADDRESSES, /* comma-separated mail addresses */
	CONFIG_DOMAINS,   /* comma-separated domain names */
	CONFIG_IGNORE,    /* as notmuch's new.ignore: names and /regex/, separated by ; */
	CONFIG_BOOL,
	CONFIG_NUMBER, /* a whole number in [min, max] */
	CONFIG_AUTO,   /* auto, or yes/no: -1, 1, 0 in a long */
};

struct config_key {
	const char *section;
	const char *key;
	enum config_type type;
	size_t field;       /* offset of the value in struct vt_config */
	size_t count_field; /* for lists: offset of the count */
	long min, max;      /* for numbers */
	const char *one_of; /* for numbers with a few meanings: the only values, "0|8|10" */
};

#define FIELD(f) offsetof(struct vt_config, f)

/* clang-format off */
static const struct config_key config_keys[] = {
	{ .section = "store", .key = "maildir", .type = CONFIG_PATH, .field = FIELD(maildir) },
	{ .section = "store", .key = "data", .type = CONFIG_PATH, .field = FIELD(data_dir) },
	{ .section = "store", .key = "notmuch_db", .type = CONFIG_PATH, .field = FIELD(notmuch_db) },
	{ .section = "store", .key = "ignore", .type = CONFIG_IGNORE, .field = FIELD(ignore),
	  .count_field = FIELD(n_ignore) },
	{ .section = "identity", .key = "name", .type = CONFIG_STRING, .field = FIELD(identity_name) },
	{ .section = "identity", .key = "addresses", .type = CONFIG_ADDRESSES,
	  .field = FIELD(addresses), .count_field = FIELD(n_addresses) },
	{ .section = "identity", .key = "domains", .type = CONFIG_DOMAINS,
	  .field = FIELD(own_domains), .count_field = FIELD(n_own_domains) },
	{ .section = "vendors", .key = "personal_domains", .type = CONFIG_DOMAINS,
	  .field = FIELD(personal_domains), .count_field = FIELD(n_personal_domains) },
	{ .section = "triage", .key = "mirror_folders", .type = CONFIG_BOOL,
	  .field = FIELD(mirror_folders) },
	{ .section = "triage", .key = "trash_on_server", .type = CONFIG_BOOL,
	  .field = FIELD(trash_on_server) },
	{ .section = "send", .key = "command", .type = CONFIG_STRING, .field = FIELD(send_command) },
	{ .section = "send", .key = "sent_folder", .type = CONFIG_STRING,
	  .field = FIELD(send_sent_folder) },
	{ .section = "send", .key = "timeout", .type = CONFIG_NUMBER, .field = FIELD(send_timeout),
	  .min = 1, .max = 3600 },
	{ .section = "trust", .key = "authserv_id", .type = CONFIG_DOMAINS,
	  .field = FIELD(authserv_ids), .count_field = FIELD(n_authserv_ids) },
	{ .section = "bills", .key = "jump_percent", .type = CONFIG_NUMBER,
	  .field = FIELD(bill_jump_percent), .min = 1, .max = 10000 },
	{ .section = "bills", .key = "min_history", .type = CONFIG_NUMBER,
	  .field = FIELD(bill_min_history), .min = 1, .max = 100 },
	{ .section = "bills", .key = "rate_tolerance", .type = CONFIG_NUMBER,
	  .field = FIELD(bill_rate_tolerance), .min = 0, .max = 100 },
	{ .section = "followup", .key = "days", .type = CONFIG_NUMBER,
	  .field = FIELD(followup_days), .min = 1, .max = 365 },
	{ .section = "pdf", .key = "read", .type = CONFIG_BOOL, .field = FIELD(pdf_read) },
	{ .section = "pdf", .key = "timeout", .type = CONFIG_NUMBER, .field = FIELD(pdf_timeout),
	  .min = 1, .max = 600 },
	{ .section = "pdf", .key = "memory_mb", .type = CONFIG_NUMBER,
	  .field = FIELD(pdf_memory_mb), .min = 64, .max = 65536 },
	{ .section = "pdf", .key = "run_seconds", .type = CONFIG_NUMBER,
	  .field = FIELD(pdf_run_seconds), .min = 1, .max = 86400 },
	{ .section = "ui", .key = "folders", .type = CONFIG_AUTO, .field = FIELD(ui_folders) },
	{ .section = "ui", .key = "mark_read", .type = CONFIG_BOOL, .field = FIELD(ui_mark_read) },
	{ .section = "ui", .key = "highlight_row", .type = CONFIG_BOOL,
	  .field = FIELD(ui_highlight_row) },
	{ .section = "ui", .key = "opener", .type = CONFIG_STRING, .field = FIELD(ui_opener) },
	{ .section = "ui", .key = "browser", .type = CONFIG_STRING, .field = FIELD(ui_browser) },
	{ .section = "ui", .key = "fold_quotes", .type = CONFIG_BOOL, .field = FIELD(ui_fold_quotes) },
	{ .section = "ui", .key = "mouse", .type = CONFIG_BOOL, .field = FIELD(ui_mouse) },
	{ .section = "ui", .key = "date_width", .type = CONFIG_NUMBER, .field = FIELD(ui_date_w),
	  .min = 0, .max = 10, .one_of = "0|8|10" },
	{ .section = "ui", .key = "vendor_width", .type = CONFIG_NUMBER,
	  .field = FIELD(ui_vendor_w), .min = 0, .max = 40 },
	{ .section = "ui", .key = "authors_width", .type = CONFIG_NUMBER,
	  .field = FIELD(ui_authors_w), .min = 0, .max = 60 },
};
/* clang-format on */

/* Sections whose lines belong to another module, which validates them. */
static const struct {
	const char *section;
	bool named; /* [account NAME] needs its NAME */
} passthrough_sections[] = {
	{ "keys", false },
	{ "account", true },
	{ "searches", false }, /* saved searches: "Label = query", for the TUI */
};

struct parse_state {
	struct vt_config *cfg;
	const char *file;
	char *base_dir; /* for relative paths */
	bool seen[sizeof config_keys / sizeof config_keys[0]];
	int ignore_line;
};

/* Whether v is one of the numbers of choices ("0|8|10"). */
static bool
one_of(const char *choices, long v)
{
	for (const char *p = choices; *p != '\0'; p += strcspn(p, "|"), p += *p == '|')
		if (strtol(p, NULL, 10) == v)
			return true;
	return false;
}

char *
vt_strdup0(const char *s)
{
	return s ? strdup(s) : NULL;
}

/* $HOME when it is a path to build on: unset or relative, the defaults
 * and "~" would name directories under wherever vtriage was started. */
static const char *
home_dir(void)
{
	const char *home = getenv("HOME");

	return home != NULL && home[0] == '/' ? home : NULL;
}

#define NO_HOME "HOME is not set (or not an absolute path)"

static char *
expand_path(const char *value, const char *base_dir)
{
	const char *home = home_dir();
	char *out = NULL;

	if (value[0] == '~' && (value[1] == '/' || value[1] == '\0')) {
		if (asprintf(&out, "%s%s", home ? home : "", value + 1) < 0)
			return NULL;
	} else if (value[0] != '/' && base_dir != NULL) {
		if (asprintf(&out, "%s/%s", base_dir, value) < 0)
			return NULL;
	} else
		out = strdup(value);
	return out;
}

static vt_status
list_push(char ***items, size_t *count, const char *value, bool lower)
{
	char **grown = realloc(*items, (*count + 1) * sizeof *grown);

	if (grown == NULL)
		return VT_ERR_NOMEM;
	*items = grown;
	if ((grown[*count] = strdup(value)) == NULL)
		return VT_ERR_NOMEM;
	if (lower)
		mail_ascii_lower(grown[*count]);
	(*count)++;
	return VT_OK;
}

static bool
list_has(char *const *items, size_t count, const char *value)
{
	for (size_t i = 0; i < count; i++)
		if (strcasecmp(items[i], value) == 0)
			return true;
	return false;
}

/* The next item of a list split at sep (text the first time, NULL
 * after, as strtok_r), blanks trimmed, empty items skipped; NULL at
 * the end. */
static char *
next_item(char *text, const char *sep, char **save)
{
	char *tok;

	while ((tok = strtok_r(text, sep, save)) != NULL) {
		size_t len;

		text = NULL;
		tok += strspn(tok, " \t");
		len = strlen(tok);
		while (len > 0 && (tok[len - 1] == ' ' || tok[len - 1] == '\t'))
			tok[--len] = '\0';
		if (len > 0)
			return tok;
	}
	return NULL;
}

/*
 * [store] ignore takes names and patterns as notmuch's new.ignore does,
 * and is written into it as it is (vtriage's own notmuch-config): a name
 * of a file or directory anywhere, a /regex/ over the path below the
 * mail root. Checked here so that a mistake names its line.
 */
static const char *
ignore_item_error(char *tok)
{
	size_t len = strlen(tok);
	const char *why = NULL;
	regex_t re;

	/* notmuch reads its config with GLib, which takes UTF-8 alone */
	if (!mail_utf8_valid(tok))
		return "is not UTF-8";
	if (tok[0] == '/' && len > 2 && tok[len - 1] == '/') {
		tok[len - 1] = '\0';
		if (regcomp(&re, tok + 1, REG_EXTENDED | REG_NOSUB) != 0)
			why = "is not a regular expression";
		else
			regfree(&re);
		tok[len - 1] = '/';
	} else if (strchr(tok, '/') != NULL) {
		why = "is neither a name nor a /regex/";
	} else if (strcmp(tok, "cur") == 0 || strcmp(tok, "new") == 0) {
		why = "would pass by the mail of every Maildir folder";
	}
	return why;
}

/* Why tok cannot be an item of k's list, or NULL. */
static const char *
item_error(const struct config_key *k, char *tok)
{
	char org[MAIL_DOMAIN_MAX];

	switch (k->type) {
	case CONFIG_ADDRESSES:
		return strchr(tok, '@') == NULL || strchr(tok, ' ') || tok[0] == '@' ||
				       !mail_org_domain(tok, org, sizeof org)
			       ? "is not a mail address"
			       : NULL;
	case CONFIG_DOMAINS:
		return mail_org_domain(tok, org, sizeof org) ? NULL : "is not a domain name";
	case CONFIG_IGNORE:
		return ignore_item_error(tok);
	default:
		return NULL;
	}
}

static vt_status
parse_list(struct parse_state *ps, const struct config_key *k, const char *value, int line,
	   struct vt_error *err)
{
	char ***items = (char ***)((char *)ps->cfg + k->field);
	size_t *count = (size_t *)((char *)ps->cfg + k->count_field);
	/* file names, kept as written, between ';' as notmuch's */
	bool names = k->type == CONFIG_IGNORE;
	const char *sep = names ? ";" : ",", *why;
	char *copy = strdup(value), *tok, *save = NULL;
	vt_status rc = VT_OK;

	if (copy == NULL)
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	if (names)
		ps->ignore_line = line;
	for (tok = next_item(copy, sep, &save); rc == VT_OK && tok;
	     tok = next_item(NULL, sep, &save)) {
		if ((why = item_error(k, tok)) != NULL)
			rc = vt_fail(err, VT_ERR_CONFIG, "%s:%d: [%s] %s: '%s' %s", ps->file, line,
				     k->section, k->key, tok, why);
		else if ((names || !list_has(*items, *count, tok)) &&
			 list_push(items, count, tok, !names) != VT_OK)
			rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
	}
	free(copy);
	return rc;
}

static vt_status
add_entry(struct vt_config *cfg, const char *section, const char *name, const char *key,
	  const char *value, int line)
{
	struct vt_config_entry *grown, *e;

	grown = realloc(cfg->entries, (cfg->n_entries + 1) * sizeof *grown);
	if (grown == NULL)
		return VT_ERR_NOMEM;
	cfg->entries = grown;
	e = &grown[cfg->n_entries];
	memset(e, 0, sizeof *e);
	e->section = strdup(section);
	e->name = vt_strdup0(name);
	e->key = strdup(key);
	e->value = strdup(value);
	e->line = line;
	cfg->n_entries++;
	if (!e->section || !e->key || !e->value || (name && !e->name))
		return VT_ERR_NOMEM;
	return VT_OK;
}

static vt_status
handle_line(void *ctx, const char *section, const char *name, const char *key, const char *value,
	    int line, struct vt_error *err)
{
	struct parse_state *ps = ctx;
	size_t i;

	if (key == NULL) { /* a header: a section misspelt and left empty too */
		for (i = 0; i < sizeof passthrough_sections / sizeof passthrough_sections[0]; i++)
			if (strcmp(section, passthrough_sections[i].section) == 0)
				return VT_OK;
		for (i = 0; i < sizeof config_keys / sizeof config_keys[0]; i++)
			if (strcmp(section, config_keys[i].section) == 0)
				return VT_OK;
		return vt_fail(err, VT_ERR_CONFIG, "%s:%d: [%s]: unknown section", ps->file, line,
			       section);
	}
	for (i = 0; i < sizeof passthrough_sections / sizeof passthrough_sections[0]; i++) {
		if (strcmp(section, passthrough_sections[i].section) != 0)
			continue;
		if (passthrough_sections[i].named && name == NULL)
			return vt_fail(err, VT_ERR_CONFIG, "%s:%d: [%s] needs a name: [%s NAME]",
				       ps->file, line, section, section);
		/* an account's settings as every other section's: a second
		 * host = silently won before. [keys] and [searches] are lists
		 * of lines ("none = x" then "none = y" unbinds both) */
		for (size_t j = 0; passthrough_sections[i].named && j < ps->cfg->n_entries; j++) {
			const struct vt_config_entry *e = &ps->cfg->entries[j];

			/* a named section has its name (checked above) */
			if (strcmp(e->section, section) == 0 && strcmp(e->key, key) == 0 &&
			    e->name != NULL && strcmp(e->name, name) == 0)
				return vt_fail(err, VT_ERR_CONFIG,
					       "%s:%d: [%s %s] %s: set twice (first at line %d)",
					       ps->file, line, section, name, key, e->line);
		}
		if (add_entry(ps->cfg, section, name, key, value, line) != VT_OK)
			return vt_fail(err, VT_ERR_NOMEM, "out of memory");
		return VT_OK;
	}
	for (i = 0; i < sizeof config_keys / sizeof config_keys[0]; i++) {
		const struct config_key *k = &config_keys[i];
		char **str = (char **)((char *)ps->cfg + k->field);

		if (strcmp(section, k->section) != 0 || strcmp(key, k->key) != 0)
			continue;
		if (name != NULL)
			return vt_fail(err, VT_ERR_CONFIG, "%s:%d: [%s] takes no name (got '%s')",
				       ps->file, line, section, name);
		if (ps->seen[i])
			return vt_fail(err, VT_ERR_CONFIG, "%s:%d: [%s] %s: set twice", ps->file,
				       line, section, key);
		ps->seen[i] = true;
		switch (k->type) {
		case CONFIG_PATH:
			if (*value == '\0')
				return vt_fail(err, VT_ERR_CONFIG, "%s:%d: [%s] %s: empty path",
					       ps->file, line, section, key);
			if (value[0] == '~' && home_dir() == NULL)
				return vt_fail(err, VT_ERR_CONFIG,
					       "%s:%d: [%s] %s: '~', but " NO_HOME, ps->file, line,
					       section, key);
			free(*str);
			*str = expand_path(value, ps->base_dir);
			if (str == &ps->cfg->maildir)
				ps->cfg->maildir_line = line;
			if (str == &ps->cfg->notmuch_db &&
			    asprintf(&ps->cfg->notmuch_db_origin, "%s:%d: [store] notmuch_db",
				     ps->file, line) < 0)
				ps->cfg->notmuch_db_origin = NULL;
			if (str == &ps->cfg->data_dir &&
			    asprintf(&ps->cfg->data_dir_origin, "%s:%d: [store] data", ps->file,
				     line) < 0)
				ps->cfg->data_dir_origin = NULL;
			return *str ? VT_OK : vt_fail(err, VT_ERR_NOMEM, "out of memory");
		case CONFIG_STRING:
			/* a name and a command are text: mail headers and argv
			 * are built from them (an invalid byte became
			 * "=?iso-8859-1?b?//4=?=" in a From, a control byte
			 * vanished) */
			if (!mail_utf8_valid(value))
				return vt_fail(err, VT_ERR_CONFIG, "%s:%d: [%s] %s: not UTF-8",
					       ps->file, line, section, key);
			for (const char *c = value; *c; c++)
				if (((unsigned char)*c < 0x20 && *c != '\t') || *c == 0x7f)
					return vt_fail(err, VT_ERR_CONFIG,
						       "%s:%d: [%s] %s: a control character",
						       ps->file, line, section, key);
			free(*str);
			*str = strdup(value);
			return *str ? VT_OK : vt_fail(err, VT_ERR_NOMEM, "out of memory");
		case CONFIG_ADDRESSES:
		case CONFIG_DOMAINS:
		case CONFIG_IGNORE:
			return parse_list(ps, k, value, line, err);
		case CONFIG_BOOL:
			if (!mail_bool_parse(value, (bool *)((char *)ps->cfg + k->field)))
				return vt_fail(err, VT_ERR_CONFIG,
					       "%s:%d: [%s] %s: '%s' is not yes or no", ps->file,
					       line, section, key, value);
			return VT_OK;
		case CONFIG_NUMBER: {
			char *end;
			long v = strtol(value, &end, 10);

			if (*value == '\0' || *end != '\0' || v < k->min || v > k->max)
				return vt_fail(
					err, VT_ERR_CONFIG,
					"%s:%d: [%s] %s: '%s' is not a whole number from %ld to %ld",
					ps->file, line, section, key, value, k->min, k->max);
			if (k->one_of != NULL && !one_of(k->one_of, v))
				return vt_fail(err, VT_ERR_CONFIG, "%s:%d: [%s] %s: '%s' is not %s",
					       ps->file, line, section, key, value, k->one_of);
			*(long *)((char *)ps->cfg + k->field) = v;
			return VT_OK;
		}
		case CONFIG_AUTO: {
			bool b;

			if (strcmp(value, "auto") == 0)
				*(long *)((char *)ps->cfg + k->field) = -1;
			else if (mail_bool_parse(value, &b))
				*(long *)((char *)ps->cfg + k->field) = b;
			else
				return vt_fail(err, VT_ERR_CONFIG,
					       "%s:%d: [%s] %s: '%s' is not auto, yes or no",
					       ps->file, line, section, key, value);
			return VT_OK;
		}
		}
	}
	for (i = 0; i < sizeof config_keys / sizeof config_keys[0]; i++)
		if (strcmp(section, config_keys[i].section) == 0)
			return vt_fail(err, VT_ERR_CONFIG, "%s:%d: [%s] %s: unknown key", ps->file,
				       line, section, key);
	return vt_fail(err, VT_ERR_CONFIG, "%s:%d: [%s]: unknown section", ps->file, line, section);
}

static char *
default_data_dir(void)
{
	const char *xdg = getenv("XDG_DATA_HOME");
	char *out = NULL;

	if (xdg != NULL && xdg[0] == '/')
		return asprintf(&out, "%s/vtriage", xdg) < 0 ? NULL : out;
	if (home_dir() == NULL) /* no default: said by finish() */
		return strdup("");
	return asprintf(&out, "%s/.local/share/vtriage", home_dir()) < 0 ? NULL : out;
}

/* Domains as organisation domains (mail.acme.com -> acme.com). */
static bool
normalise_domains(char **items, size_t n)
{
	char org[MAIL_DOMAIN_MAX];

	for (size_t i = 0; i < n; i++)
		if (mail_org_domain(items[i], org, sizeof org) && strcmp(org, items[i]) != 0) {
			free(items[i]);
			if ((items[i] = strdup(org)) == NULL)
				return false;
		}
	return true;
}

/* Defaults and what follows from the values read. */
static vt_status
finish(struct vt_config *cfg, struct vt_error *err)
{
	char org[MAIL_DOMAIN_MAX];
	size_t i;

	/* the defaults build on $HOME (the data directory on
	 * $XDG_DATA_HOME where it is set) */
	if (cfg->data_dir == NULL &&
	    ((cfg->data_dir = default_data_dir()) == NULL ||
	     asprintf(&cfg->data_dir_origin, "%s: no [store] data, so the default",
		      cfg->path ? cfg->path : "no config file") < 0))
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	if (*cfg->data_dir == '\0')
		return vt_fail(err, VT_ERR_CONFIG,
			       "%s: no [store] data, and " NO_HOME " to find the default",
			       cfg->path ? cfg->path : "no config file");
	if (cfg->maildir == NULL && home_dir() == NULL)
		return vt_fail(err, VT_ERR_CONFIG,
			       "%s: no [store] maildir, and " NO_HOME " to find ~/Maildir",
			       cfg->path ? cfg->path : "no config file");
	if (cfg->maildir == NULL && (cfg->maildir = expand_path("~/Maildir", NULL)) == NULL)
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	if ((cfg->maildir_line > 0
		     ? asprintf(&cfg->maildir_origin, "%s:%d: [store] maildir", cfg->path,
				cfg->maildir_line)
		     : asprintf(&cfg->maildir_origin, "%s: no [store] maildir, so ~/Maildir",
				cfg->path ? cfg->path : "no config file")) < 0) {
		cfg->maildir_origin = NULL;
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	}
	if (!normalise_domains(cfg->own_domains, cfg->n_own_domains) ||
	    !normalise_domains(cfg->personal_domains, cfg->n_personal_domains))
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	/* An account's From (from = Name <address>) is one of the user's
	 * addresses: their mail from it is theirs, a reply-all leaves it out. */
	for (i = 0; i < cfg->n_entries; i++) {
		const struct vt_config_entry *e = &cfg->entries[i];
		struct mail_address_list from = { 0 };

		if (strcmp(e->section, "account") != 0 || strcmp(e->key, "from") != 0)
			continue;
		mail_address_list_parse(e->value, &from);
		if (from.count != 1) {
			mail_address_list_clear(&from);
			return vt_fail(err, VT_ERR_CONFIG,
				       "%s:%d: [account %s] from: must be one address "
				       "(Name <you@example.com>)",
				       cfg->path ? cfg->path : "<config>", e->line,
				       e->name ? e->name : "");
		}
		if (!list_has(cfg->addresses, cfg->n_addresses, from.items[0].address) &&
		    list_push(&cfg->addresses, &cfg->n_addresses, from.items[0].address, true) !=
			    VT_OK) {
			mail_address_list_clear(&from);
			return vt_fail(err, VT_ERR_NOMEM, "out of memory");
		}
		mail_address_list_clear(&from);
	}
	/* The user's own organisations: never vendors. A webmail address
	 * says nothing about an organisation. */
	for (i = 0; i < cfg->n_addresses; i++) {
		if (!mail_org_domain(cfg->addresses[i], org, sizeof org) ||
		    mail_org_is_personal(org) ||
		    list_has(cfg->personal_domains, cfg->n_personal_domains, org) ||
		    list_has(cfg->own_domains, cfg->n_own_domains, org))
			continue;
		if (list_push(&cfg->own_domains, &cfg->n_own_domains, org, true) != VT_OK)
			return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	}
	return VT_OK;
}

vt_status
vt_config_parse(const char *text, const char *name, struct vt_config **out, struct vt_error *err)
{
	struct parse_state ps = { 0 };
	struct vt_config *cfg;
	char *slash;
	vt_status rc;

	*out = NULL;
	cfg = calloc(1, sizeof *cfg);
	if (cfg == NULL)
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	cfg->bill_jump_percent = 50;
	cfg->followup_days = 5;
	cfg->bill_min_history = 2;
	cfg->bill_rate_tolerance = 5;
	cfg->pdf_read = true;
	cfg->pdf_timeout = 10;
	cfg->send_timeout = 300;
	cfg->pdf_memory_mb = 512;
	cfg->pdf_run_seconds = 600;
	cfg->ui_folders = cfg->ui_date_w = cfg->ui_vendor_w = cfg->ui_authors_w = -1;
	cfg->ui_mark_read = true;
	cfg->trash_on_server = true;
	ps.cfg = cfg;
	ps.file = name ? name : "<config>";
	if (name != NULL) {
		cfg->path = strdup(name);
		ps.base_dir = strdup(name);
		if (ps.base_dir && (slash = strrchr(ps.base_dir, '/')) != NULL)
			*slash = '\0';
		else if (ps.base_dir) {
			free(ps.base_dir);
			ps.base_dir = strdup(".");
		}
	}
	rc = vt_ini_parse(text, ps.file, handle_line, &ps, err);
	if (rc == VT_OK && cfg->notmuch_db != NULL && cfg->n_ignore > 0)
		rc = vt_fail(err, VT_ERR_CONFIG,
			     "%s:%d: [store] ignore: with notmuch_db, what the index passes by is "
			     "notmuch's new.ignore: set it there",
			     ps.file, ps.ignore_line);
	if (rc == VT_OK)
		rc = finish(cfg, err);
	free(ps.base_dir);
	if (rc != VT_OK) {
		vt_config_free(&cfg);
		return rc;
	}
	*out = cfg;
	return VT_OK;
}

static char *
default_config_path(void)
{
	const char *env = getenv("VTRIAGE_CONFIG");
	const char *xdg = getenv("XDG_CONFIG_HOME");
	char *out = NULL;

	if (env != NULL && *env != '\0')
		return strdup(env);
	if (xdg != NULL && xdg[0] == '/')
		return asprintf(&out, "%s/vtriage/config", xdg) < 0 ? NULL : out;
	if (home_dir() == NULL) /* no default to look at: no file */
		return strdup("");
	return asprintf(&out, "%s/.config/vtriage/config", home_dir()) < 0 ? NULL : out;
}

/* A config is a few kilobytes; a bigger file is not one (and /dev/zero
 * would be read until memory runs out). */
#define CONFIG_MAX_BYTES (1 << 20)

/*
 * Only a regular file: a FIFO with no writer would hang the open (hence
 * O_NONBLOCK, cleared for the read), a device never end.
 */
static vt_status
read_file(const char *path, char **out, struct vt_error *err)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	struct stat st;
	char *text = NULL;
	size_t len = 0;
	ssize_t got;

	*out = NULL;
	if (fd < 0)
		return vt_fail(err, errno == ENOENT ? VT_ERR_NOT_FOUND : VT_ERR_CONFIG, "%s: %s",
			       path, strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return vt_fail(err, VT_ERR_CONFIG, "%s: not a regular file", path);
	}
	if (st.st_size > CONFIG_MAX_BYTES) {
		close(fd);
		return vt_fail(err, VT_ERR_CONFIG, "%s: %lld bytes, more than a config's %d", path,
			       (long long)st.st_size, CONFIG_MAX_BYTES);
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	if ((text = malloc(CONFIG_MAX_BYTES + 2)) == NULL) {
		close(fd);
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	}
	/* the size may change under us: read one byte past the cap at most */
	while (len <= CONFIG_MAX_BYTES &&
	       ((got = read(fd, text + len, CONFIG_MAX_BYTES + 1 - len)) > 0 ||
		(got < 0 && errno == EINTR)))
		len += got > 0 ? (size_t)got : 0;
	if (got < 0 || len > CONFIG_MAX_BYTES) {
		int saved = errno;

		free(text);
		close(fd);
		return got < 0 ? vt_fail(err, VT_ERR_CONFIG, "%s: %s", path, strerror(saved))
			       : vt_fail(err, VT_ERR_CONFIG, "%s: more than a config's %d bytes",
					 path, CONFIG_MAX_BYTES);
	}
	close(fd);
	if (memchr(text, '\0', len) != NULL) {
		const char *nul = memchr(text, '\0', len);
		int line = 1;

		for (const char *c = text; c < nul; c++)
			line += *c == '\n';
		free(text);
		return vt_fail(err, VT_ERR_CONFIG, "%s:%d: a NUL byte: a binary file, not a config",
			       path, line);
	}
	text[len] = '\0';
	*out = text;
	return VT_OK;
}

vt_status
vt_config_load(const char *path, struct vt_config **out, struct vt_error *err)
{
	bool explicit = path != NULL;
	char *chosen = explicit ? strdup(path) : default_config_path();
	char *text = NULL;
	char resolved[PATH_MAX];
	vt_status rc;

	*out = NULL;
	if (chosen == NULL)
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	if (explicit == false && getenv("VTRIAGE_CONFIG") && *getenv("VTRIAGE_CONFIG"))
		explicit = true;
	rc = *chosen ? read_file(chosen, &text, err) : VT_ERR_NOT_FOUND;
	if (rc == VT_ERR_NOT_FOUND && !explicit) {
		free(chosen);
		return vt_config_parse("", NULL, out, err);
	}
	if (rc == VT_ERR_NOT_FOUND)
		rc = vt_fail(err, VT_ERR_CONFIG, "config file %s: %s", chosen, strerror(ENOENT));
	if (rc == VT_OK) {
		/* Relative paths inside are relative to the file's directory. */
		const char *name = realpath(chosen, resolved) ? resolved : chosen;

		rc = vt_config_parse(text, name, out, err);
	}
	free(text);
	free(chosen);
	return rc;
}

static void
free_list(char **items, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(items[i]);
	free(items);
}

void
vt_config_free(struct vt_config **cfgp)
{
	struct vt_config *cfg = *cfgp;

	if (cfg == NULL)
		return;
	free(cfg->path);
	free(cfg->maildir);
	free(cfg->maildir_origin);
	free(cfg->notmuch_db_origin);
	free(cfg->data_dir);
	free(cfg->data_dir_origin);
	free(cfg->pdf_helper);
	free(cfg->notmuch_db);
	free(cfg->identity_name);
	free(cfg->ui_opener);
	free(cfg->send_command);
	free(cfg->send_sent_folder);
	free(cfg->ui_browser);
	free_list(cfg->addresses, cfg->n_addresses);
	free_list(cfg->own_domains, cfg->n_own_domains);
	free_list(cfg->personal_domains, cfg->n_personal_domains);
	free_list(cfg->authserv_ids, cfg->n_authserv_ids);
	free_list(cfg->ignore, cfg->n_ignore);
	for (size_t i = 0; i < cfg->n_entries; i++) {
		free(cfg->entries[i].section);
		free(cfg->entries[i].name);
		free(cfg->entries[i].key);
		free(cfg->entries[i].value);
	}
	free(cfg->entries);
	free(cfg);
	*cfgp = NULL;
}

void
vt_config_identity(const struct vt_config *cfg, struct mail_identity *out)
{
	out->addresses = (const char *const *)cfg->addresses;
	out->n_addresses = cfg->n_addresses;
	out->own_domains = (const char *const *)cfg->own_domains;
	out->n_own_domains = cfg->n_own_domains;
	out->personal_domains = (const char *const *)cfg->personal_domains;
	out->n_personal_domains = cfg->n_personal_domains;
}

void
vt_config_mail_location(const struct vt_config *cfg, struct mail_db_location *out)
{
	out->data_dir = cfg->data_dir;
	out->data_dir_origin = cfg->data_dir_origin;
	out->mail_root = cfg->maildir;
	out->mail_root_origin = cfg->maildir_origin;
	out->notmuch_db = cfg->notmuch_db;
	out->notmuch_db_origin = cfg->notmuch_db_origin;
	out->ignore = (const char *const *)cfg->ignore;
	out->n_ignore = cfg->n_ignore;
}

bool
vt_config_has_account(const struct vt_config *cfg, const char *name, size_t before)
{
	for (size_t i = 0; i < before && i < cfg->n_entries; i++) {
		const struct vt_config_entry *e = &cfg->entries[i];

		if (strcmp(e->section, "account") == 0 && e->name != NULL &&
		    (name == NULL || strcmp(e->name, name) == 0))
			return true;
	}
	return false;
}

const char *
vt_config_account_value(const struct vt_config *cfg, const char *name, const char *key)
{
	const char *value = NULL;

	for (size_t i = 0; i < cfg->n_entries; i++) {
		const struct vt_config_entry *e = &cfg->entries[i];

		if (strcmp(e->section, "account") == 0 && e->name != NULL &&
		    strcmp(e->name, name) == 0 && strcmp(e->key, key) == 0)
			value = e->value;
	}
	return value;
}

bool
vt_config_account_idle(const struct vt_config *cfg, const char *name)
{
	bool found = false;

	for (size_t i = 0; i < cfg->n_entries; i++) {
		const struct vt_config_entry *e = &cfg->entries[i];
		bool on = false;

		if (strcmp(e->section, "account") != 0 || strcmp(e->key, "idle") != 0 ||
		    (name != NULL && (e->name == NULL || strcmp(e->name, name) != 0)))
			continue;
		mail_bool_parse(e->value, &on);
		if (name == NULL && on)
			return true;
		found = on; /* the account's last idle line counts */
	}
	return found;
}
