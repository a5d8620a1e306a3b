/*
 * The configuration file as raw bytes, read as vtriage reads it: the INI
 * reader and the table of keys, then the [keys] bindings and each
 * [account NAME] as the interface and the sync engine take them. A
 * config is the user's, but often copied from elsewhere; whatever it
 * holds, it is accepted or refused with a message naming the file and a
 * line, and nothing read is left half-made.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "imap/imap.h"
#include "keymaps/keymap.h"
#include "store/store.h"

#define FILE_NAME "/home/rich/.config/vtriage/config"

static void
check_error(vt_status rc, const struct vt_error *err)
{
	if (rc == VT_OK)
		return;
	if (err->msg[0] == '\0' || memchr(err->msg, '\0', sizeof err->msg) == NULL)
		abort();
	/* a configuration error names the file and its line; running out of
	 * memory need not */
	if (rc == VT_ERR_CONFIG && strstr(err->msg, FILE_NAME ":") == NULL)
		abort();
}

/* The account's folder lies below [store] maildir, and is no Maildir's
 * cur, new or tmp: no component is "..", none of those. */
static bool
below_mail_root(const char *subdir)
{
	if (subdir[0] == '/')
		return false;
	for (const char *c = subdir; *c;) {
		size_t len = strcspn(c, "/");

		if ((len == 2 && strncmp(c, "..", 2) == 0) ||
		    (len == 3 && (strncmp(c, "cur", 3) == 0 || strncmp(c, "new", 3) == 0 ||
				  strncmp(c, "tmp", 3) == 0)))
			return false;
		c += len;
		c += *c == '/';
	}
	return true;
}

/* Every [account NAME] once, as vt_sync_accounts_load hands it over. */
static void
load_accounts(const struct vt_config *cfg)
{
	struct mail_imap_setting *settings = calloc(cfg->n_entries + 1, sizeof *settings);

	if (settings == NULL)
		return;
	for (size_t i = 0; i < cfg->n_entries; i++) {
		const struct vt_config_entry *e = &cfg->entries[i];
		struct mail_imap_account *acct = NULL;
		struct vt_error err = { 0 };
		size_t n = 0;
		vt_status rc;

		if (strcmp(e->section, "account") != 0 || e->name == NULL ||
		    vt_config_has_account(cfg, e->name, i))
			continue;
		for (size_t k = i; k < cfg->n_entries; k++)
			if (strcmp(cfg->entries[k].section, "account") == 0 &&
			    cfg->entries[k].name != NULL &&
			    strcmp(cfg->entries[k].name, e->name) == 0)
				settings[n++] = (struct mail_imap_setting){ cfg->entries[k].key,
									    cfg->entries[k].value,
									    cfg->entries[k].line };
		rc = mail_imap_account_parse(cfg->path, e->name, settings, n, &acct, &err);
		check_error(rc, &err);
		if (rc == VT_OK) {
			if (acct == NULL || acct->host == NULL || acct->user == NULL ||
			    acct->maildir_subdir == NULL || acct->port == 0)
				abort();
			if (!below_mail_root(acct->maildir_subdir))
				abort();
			mail_imap_account_free(&acct);
		}
	}
	free(settings);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size);
	struct vt_config *cfg = NULL;
	struct vt_error err = { 0 };
	vt_status rc;

	if (text == NULL)
		return 0;
	rc = vt_config_parse(text, FILE_NAME, &cfg, &err);
	check_error(rc, &err);
	if (rc == VT_OK) {
		struct keymap km;
		struct mail_identity id;

		if (cfg == NULL || cfg->data_dir == NULL || cfg->maildir == NULL)
			abort();
		vt_config_identity(cfg, &id);
		for (size_t i = 0; i < id.n_addresses; i++)
			if (strchr(id.addresses[i], '@') == NULL)
				abort();
		memset(&err, 0, sizeof err);
		rc = km_load(cfg, &km, &err);
		check_error(rc, &err);
		if (rc == VT_OK)
			km_free(&km);
		load_accounts(cfg);
		vt_config_free(&cfg);
		if (cfg != NULL)
			abort();
	} else if (cfg != NULL)
		abort();
	free(text);
	return 0;
}
