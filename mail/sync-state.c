/*
 * Files other mail programs keep beside the mail of a Maildir tree: a
 * syncer's state (mbsync), a server's indexes, lists and quota (dovecot,
 * Courier), an MH folder's sequences. None is mail. The index walk passes
 * them by: a Maildir that mbsync or a server also keeps indexes without a
 * "not an email message" warning for each of them whenever its folder
 * changes.
 *
 * Files only (but two directories of Courier's), by their exact names or
 * a prefix only those programs use: a folder may be called anything
 * ("subscriptions", "dovecot-users"), and a folder passed by would take
 * its mail out of the index. So they are not in the new.ignore of the
 * notmuch-config vtriage writes, whose names match folders too (notmuch
 * run on vtriage's index notes these files as no mail, and indexes
 * none of them, as it does for every mbsync user).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "private.h"

static const char *const state_files[] = {
	/* mbsync (isync) */
	".uidvalidity",
	".isyncuidmap.db",
	/* dovecot */
	"dovecot-uidlist",
	"dovecot-keywords",
	"dovecot-uidvalidity",
	"dovecot.mailbox.log",
	"dovecot-acl",
	"dovecot-acl-list",
	/* Courier */
	"courierimapuiddb",
	"courierimapacl",
	"courierpop3dsizelist",
	/* Maildir++ (both servers) */
	"maildirfolder",
	/* nmh's sequences (an MH folder) */
	".mh_sequences",
};

/* .mbsyncstate.journal, dovecot.index.log.2, dovecot-uidvalidity.5f3a1b2c */
static const char *const state_prefixes[] = {
	".mbsyncstate",
	"dovecot.index",
	"dovecot.list.index",
	"dovecot-uidvalidity.",
};

/* At the mail root alone: the server's list of subscribed folders and
 * its quota. */
static const char *const root_files[] = {
	"subscriptions",
	"maildirsize",
	"courierimapsubscribed",
};

static const char *const state_dirs[] = {
	"courierimapkeywords",
	"courierimaphieracl",
};

static bool
among(const char *name, const char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(name, names[i]) == 0)
			return true;
	return false;
}

#define AMONG(name, names) among(name, names, sizeof names / sizeof *names)

enum mail_state_entry
mail_sync_state_entry(const char *name, bool at_root)
{
	/* a Maildir's mail: its delivery time first; MH's: a number */
	if (name[0] >= '0' && name[0] <= '9')
		return MAIL_STATE_NONE;
	if (AMONG(name, state_files) || (at_root && AMONG(name, root_files)))
		return MAIL_STATE_FILE;
	for (size_t i = 0; i < sizeof state_prefixes / sizeof *state_prefixes; i++)
		if (strncmp(name, state_prefixes[i], strlen(state_prefixes[i])) == 0)
			return MAIL_STATE_FILE;
	return AMONG(name, state_dirs) ? MAIL_STATE_DIR : MAIL_STATE_NONE;
}
