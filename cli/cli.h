/* The scriptable command line: shared context of the cmd-*.c files. */
#ifndef VT_CLI_H
#define VT_CLI_H

#include <jansson.h>
#include <signal.h>
#include <stdio.h>

#include "../mail/mail.h"
#include "../store/store.h"

enum cli_format { CLI_TEXT, CLI_JSON, CLI_HTML /* only where the command offers it */ };

struct cli {
	const char *config_path; /* --config, or NULL for the default */
	struct vt_config *cfg;
	struct vt_store *store;
	struct mail_db *db;
	enum cli_format format;
	FILE *out;
	const char *command; /* "vendor list", for messages */
	char command_buf[128];
	/* queries match snoozed conversations too (snooze, unsnooze) */
	bool with_snoozed;
	/* ANDed with the operands' query, both translated (unsnooze's
	 * snoozed:yes); errors still quote the operands */
	const char *and_query;
};

struct cli_command {
	const char *name;
	const char *args;    /* synopsis after the name */
	const char *summary; /* one line for the command list */
	const char *help;    /* the rest of --help */
	int (*run)(struct cli *cli, const struct cli_command *self, int argc, char **argv);
	const struct cli_command *subcommands; /* NULL-name terminated */
	bool html;                             /* --format=html offered too */
};

extern volatile sig_atomic_t cli_interrupted;
/* SIGUSR1 came: `sync --watch` syncs its accounts now (cmd-sync.c). */
extern volatile sig_atomic_t cli_wake;

/* Loads the configuration (once; every section checked, accounts too). */
vt_status cli_load_config(struct cli *cli, struct vt_error *err);
/* Loads the configuration and opens the store and the index as needed. */
vt_status cli_open(struct cli *cli, enum mail_db_mode mode, struct vt_error *err);
void cli_close(struct cli *cli);

/* Opens the index and translates the operands into a notmuch query
 * (vendor:, bucket: ...), or NULL after reporting (*exit_code); *user
 * gets the query as written, for messages. */
char *cli_prepare_query(struct cli *cli, int n, char **argv, char **user, int *exit_code);
/* A query's error, naming the query as the user wrote it; the exit code. */
int cli_query_error(const struct vt_error *err, const char *query);
/* Prints "vtriage: <msg>" to stderr and returns the exit code for st. */
int cli_error(const struct vt_error *err);
/* After a failed write to standard output: a reader that closed the pipe
 * (`vtriage search x | head -1`) ends the process as SIGPIPE would, with
 * no word (SIGPIPE itself is ignored for the network's sake); any other
 * failure returns. */
void cli_stdout_failed(int saved_errno);
/* Prints a usage error for the current command and returns 2. */
int cli_usage_error(const struct cli *cli, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Parses the options every command shares (--format=text|json, --help)
 * plus the command's own long options. Only "--name[=value]" and "-h" are
 * options: anything else, "-tag:spam" included, is an operand (as in
 * notmuch), and "--" ends the options. Operands are moved to the front
 * of argv (argv[0] is the command name and is skipped). Returns their
 * number, -1 after printing a usage error (exit 2), or -2 when --help was
 * printed (exit 0).
 */
struct cli_option {
	const char *name; /* long option name, without -- */
	bool has_arg;
	const char **value; /* where the argument (or "1") goes */
};
int cli_parse_options(struct cli *cli, const struct cli_command *cmd, int argc, char **argv,
		      const struct cli_option *options);
/* Every argument of a repeated option, in order (items point into argv;
 * free items). */
struct cli_values {
	const char **items;
	size_t count;
};
/* cli_parse_options, the option named repeated (one of options) allowed
 * several times: all its arguments go to *all, the last to its value. */
int cli_parse_options_repeated(struct cli *cli, const struct cli_command *cmd, int argc,
			       char **argv, const struct cli_option *options, const char *repeated,
			       struct cli_values *all);
/* full_name: "vendor list" */
void cli_print_help(FILE *f, const struct cli_command *cmd, const char *full_name);

/* ---- output ---- */
/* A sanitised copy of mail text for the terminal or JSON (never NULL
 * unless out of memory). */
/* "vtriage: [CONTEXT: ]MESSAGE" on stderr, the message sanitised. */
void cli_print_error(const char *context, const struct vt_error *err);
char *cli_text(const char *untrusted);
/* text (UTF-8) in a column of cols characters: cut on a character, not
 * in one ("%-30.30s" cut an Ä in half), padded with spaces; into out. */
void cli_column(const char *text, size_t cols, char *out, size_t outlen);
/* Takes ownership of value; adds a sanitised string member. */
void cli_json_set_text(json_t *obj, const char *key, const char *untrusted);
/* Writes value as json_dumpf would (flags as jansson's). */
void cli_json_put(json_t *value, size_t flags, FILE *out);
/* Writes one JSON value on its own line(s). */
void cli_json_print(struct cli *cli, json_t *value);
/* cli_json_print, then value released (NULL: out of memory, said). What
 * a command that changes something says it did, in --format=json. */
void cli_json_emit(struct cli *cli, json_t *value);
/* One line of the progress protocol (mail.h) on cli->out, flushed at
 * once for the program at the other end of the pipe. */
void cli_progress(struct cli *cli, const struct mail_progress_event *ev);
/* A summary printed as text, sent as the protocol's summary line: write
 * it to the stream cli_summary_begin() returns (NULL: out of memory,
 * write nothing), then cli_summary_send() (its first line, "done" if
 * none). */
struct cli_summary {
	FILE *f;
	char *text;
	size_t len;
};
FILE *cli_summary_begin(struct cli_summary *sum);
void cli_summary_send(struct cli *cli, struct cli_summary *sum);
/* The operands joined by spaces (malloc'd), as notmuch joins a query. */
char *cli_join(int n, char **argv);
/* "2002-09-20" in local time, or "-" for 0. */
void cli_format_date(time_t t, char *buf, size_t len);

/* ---- commands ---- */
int cmd_index(struct cli *cli, const struct cli_command *self, int argc, char **argv);
int cmd_sync(struct cli *cli, const struct cli_command *self, int argc, char **argv);
int cmd_count(struct cli *cli, const struct cli_command *self, int argc, char **argv);
int cmd_search(struct cli *cli, const struct cli_command *self, int argc, char **argv);
int cmd_vendor_list(struct cli *cli, const struct cli_command *self, int argc, char **argv);
int cmd_vendor_show(struct cli *cli, const struct cli_command *self, int argc, char **argv);
int cmd_vendor_promote(struct cli *cli, const struct cli_command *self, int argc, char **argv);
int cmd_vendor_demote(struct cli *cli, const struct cli_command *self, int argc, char **argv);
int cmd_vendor_rename(struct cli *cli, const struct cli_command *self, int argc, char **argv);
int cmd_vendor_merge(struct cli *cli, const struct cli_command *self, int argc, char **argv);
int cmd_vendor_add_domain(struct cli *cli, const struct cli_command *self, int argc, char **argv);
int cmd_vendor_remove_domain(struct cli *cli, const struct cli_command *self, int argc,
			     char **argv);
int cmd_undo(struct cli *cli, const struct cli_command *self, int argc, char **argv);
int cmd_contact_list(struct cli *cli, const struct cli_command *self, int argc, char **argv);
/* One file of each message a query matches. */
struct cli_found {
	char *id, *path;
};
struct cli_found_list {
	struct cli_found *items;
	size_t count;
	bool failed;
};
/* The messages the operands' query matches, ordered by Message-ID; the
 * exit code on failure (reported), else -1. Opens the index read-only. */
int cli_find_messages(struct cli *cli, int n, char **argv, struct cli_found_list *out);
void cli_found_clear(struct cli_found_list *l);
int cmd_contact_complete(struct cli *cli, const struct cli_command *self, int argc, char **argv);
int cmd_draft_list(struct cli *cli, const struct cli_command *self, int argc, char **argv);
int cmd_contract_list(struct cli *cli, const struct cli_command *self, int argc, char **argv);
int cmd_contract_decide(struct cli *cli, const struct cli_command *self, int argc, char **argv);
int cmd_contract_set(struct cli *cli, const struct cli_command *self, int argc, char **argv);
int cmd_contract_remove(struct cli *cli, const struct cli_command *self, int argc, char **argv);
int cmd_remind(struct cli *cli, const struct cli_command *self, int argc, char **argv);
int cmd_snooze(struct cli *cli, const struct cli_command *self, int argc, char **argv);
int cmd_report(struct cli *cli, const struct cli_command *self, int argc, char **argv);
int cmd_waiting(struct cli *cli, const struct cli_command *self, int argc, char **argv);
/* a thread waiting on the vendor, as waiting and remind show it */
json_t *cli_waiting_json(const struct vt_waiting *w);
void cli_waiting_line(FILE *f, const struct vt_waiting *w);
int cmd_reply(struct cli *cli, const struct cli_command *self, int argc, char **argv);
int cmd_compose(struct cli *cli, const struct cli_command *self, int argc, char **argv);
int cmd_tag(struct cli *cli, const struct cli_command *self, int argc, char **argv);
int cmd_attachment_list(struct cli *cli, const struct cli_command *self, int argc, char **argv);
int cmd_attachment_save(struct cli *cli, const struct cli_command *self, int argc, char **argv);
int cmd_contact_show(struct cli *cli, const struct cli_command *self, int argc, char **argv);
int cmd_contact_set(struct cli *cli, const struct cli_command *self, int argc, char **argv);
int cmd_issue_open(struct cli *cli, const struct cli_command *self, int argc, char **argv);
int cmd_issue_close(struct cli *cli, const struct cli_command *self, int argc, char **argv);
int cmd_issue_link(struct cli *cli, const struct cli_command *self, int argc, char **argv);
int cmd_issue_list(struct cli *cli, const struct cli_command *self, int argc, char **argv);
int cmd_history(struct cli *cli, const struct cli_command *self, int argc, char **argv);
int cmd_check(struct cli *cli, const struct cli_command *self, int argc, char **argv);
/* The helper program name: next to this program (a build tree, or a
 * relocated install), else where `make install` put it. False when the
 * path does not fit. */
bool cli_find_program(const char *name, char *path, size_t size);
int cmd_quote_list(struct cli *cli, const struct cli_command *self, int argc, char **argv);
int cmd_bill_list(struct cli *cli, const struct cli_command *self, int argc, char **argv);
int cmd_bill_credits(struct cli *cli, const struct cli_command *self, int argc, char **argv);
int cmd_bill_check(struct cli *cli, const struct cli_command *self, int argc, char **argv);
int cmd_vendor_set(struct cli *cli, const struct cli_command *self, int argc, char **argv);
int cmd_vendor_bank(struct cli *cli, const struct cli_command *self, int argc, char **argv);

/* The interactive interface (vtriage with no command). */
int cli_run_tui(struct cli *cli);
/* Prints what a triage action did (text line or JSON object); returns 0. */
int cli_print_action(struct cli *cli, const struct vt_action *a);

#endif
