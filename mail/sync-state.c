/*
 * Files other mail programs keep beside the mail of a Maildir tree: a
 * syncer's state (mbsync), a server's indexes, lists and quota (dovecot,
 * Courier), an MH folder's sequences, an indexer's markers (mu). None is
 * mail. The index walk passes them by, and vtriage's own notmuch-config
 * names them in new.ignore so that notmuch agrees: a Maildir that mbsync
 * or a server also keeps indexes without a "not an email message"
 * warning for each of them whenever its folder changes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "private.h"

static const char *const state_names[] = {
	/* mbsync (isync) */
	".uidvalidity", ".isyncuidmap.db",
	/* Maildir++ (dovecot, Courier) */
	"maildirfolder", "maildirsize", "subscriptions",
	/* nmh's sequences (an MH folder) */
	".mh_sequences",
	/* mu's markers, empty files */
	".noindex", ".noupdate",
};

/* .mbsyncstate.journal, dovecot-uidlist, dovecot.index.log,
 * dovecot-uidvalidity.5f3a1b2c, courierimapuiddb, courierimapkeywords/
 * ...: each program names its files by a prefix no Maildir file name
 * starts with (those start with their delivery time). */
static const char *const state_prefixes[] = {
	".mbsyncstate", "dovecot-", "dovecot.", "courierimap", "courierpop3d",
};

bool
mail_sync_state_name(const char *name)
{
	size_t i;

	/* a Maildir's mail: its delivery time first */
	if (name[0] >= '0' && name[0] <= '9')
		return false;
	for (i = 0; i < sizeof state_names / sizeof *state_names; i++)
		if (strcmp(name, state_names[i]) == 0)
			return true;
	for (i = 0; i < sizeof state_prefixes / sizeof *state_prefixes; i++)
		if (strncmp(name, state_prefixes[i], strlen(state_prefixes[i])) == 0)
			return true;
	return false;
}

char *
mail_sync_state_ignore(void)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	if (f == NULL)
		return NULL;
	for (size_t i = 0; i < sizeof state_names / sizeof *state_names; i++)
		fprintf(f, "%s;", state_names[i]);
	/* the prefixes as one pattern over the path below the mail root */
	fputs("/(^|/)(", f);
	for (size_t i = 0; i < sizeof state_prefixes / sizeof *state_prefixes; i++) {
		if (i > 0)
			fputc('|', f);
		for (const char *c = state_prefixes[i]; *c; c++)
			fprintf(f, *c == '.' ? "\\%c" : "%c", *c);
	}
	fputs(")[^/]*$/", f);
	if (fclose(f) != 0) {
		free(out);
		return NULL;
	}
	return out;
}
