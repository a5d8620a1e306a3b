/*
 * The [account NAME] sections of the configuration as accounts (imap.h),
 * for a sync run (run.h) and for every other command, which checks them
 * without linking the IMAP engine: a mistake in an account (a password
 * written into the file) is reported by whatever the user runs first,
 * not only by the next sync.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "run.h"

/* The [account NAME] lines of one account, in file order. */
static vt_status
load_account(const struct vt_config *cfg, const char *name, struct mail_imap_account **out,
	     struct vt_error *err)
{
	struct mail_imap_setting *settings = calloc(cfg->n_entries + 1, sizeof *settings);
	size_t n = 0;
	vt_status rc;

	if (settings == NULL)
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	for (size_t i = 0; i < cfg->n_entries; i++) {
		const struct vt_config_entry *e = &cfg->entries[i];

		if (strcmp(e->section, "account") == 0 && e->name && strcmp(e->name, name) == 0)
			settings[n++] = (struct mail_imap_setting){ e->key, e->value, e->line };
	}
	rc = mail_imap_account_parse(cfg->path, name, settings, n, out, err);
	free(settings);
	return rc;
}

vt_status
vt_sync_accounts_load(const struct vt_config *cfg, char *const *names, size_t n,
		      struct mail_imap_account ***out, size_t *n_out, struct vt_error *err)
{
	const char *file = cfg->path ? cfg->path : "the configuration";
	struct mail_imap_account **accts = calloc(cfg->n_entries + n + 1, sizeof *accts);
	size_t count = 0;
	vt_status rc = VT_OK;

	*out = NULL;
	*n_out = 0;
	if (accts == NULL)
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	for (size_t i = 0; i < n && rc == VT_OK; i++) {
		if (!vt_config_has_account(cfg, names[i], cfg->n_entries)) {
			char *clean = mail_sanitize_str(names[i]);

			rc = vt_fail(err, VT_ERR_NOT_FOUND, "no [account %s] in %s",
				     clean ? clean : "?", file);
			free(clean);
		} else if ((rc = load_account(cfg, names[i], &accts[count], err)) == VT_OK)
			count++;
	}
	for (size_t i = 0; n == 0 && i < cfg->n_entries && rc == VT_OK; i++) {
		const struct vt_config_entry *e = &cfg->entries[i];

		/* each account once: at its first line */
		if (strcmp(e->section, "account") != 0 || e->name == NULL ||
		    vt_config_has_account(cfg, e->name, i))
			continue;
		if ((rc = load_account(cfg, e->name, &accts[count], err)) == VT_OK)
			count++;
	}
	if (rc == VT_OK && count == 0)
		rc = vt_fail(err, VT_ERR_CONFIG,
			     "%s has no [account NAME] section: nothing to sync "
			     "(see vtriage sync --help)",
			     file);
	if (rc != VT_OK) {
		vt_sync_accounts_free(&accts, count);
		return rc;
	}
	*out = accts;
	*n_out = count;
	return VT_OK;
}

void
vt_sync_accounts_free(struct mail_imap_account ***accts, size_t n)
{
	if (*accts == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		mail_imap_account_free(&(*accts)[i]);
	free(*accts);
	*accts = NULL;
}

vt_status
vt_accounts_check(const struct vt_config *cfg, struct vt_error *err)
{
	vt_status rc = VT_OK;

	for (size_t i = 0; i < cfg->n_entries && rc == VT_OK; i++) {
		const struct vt_config_entry *e = &cfg->entries[i];
		struct mail_imap_account *acct = NULL;

		if (strcmp(e->section, "account") != 0 || e->name == NULL ||
		    vt_config_has_account(cfg, e->name, i))
			continue;
		rc = load_account(cfg, e->name, &acct, err);
		mail_imap_account_free(&acct);
	}
	return rc;
}
