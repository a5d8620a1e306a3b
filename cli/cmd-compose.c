/* vtriage reply, forward, compose: a draft in $VISUAL/$EDITOR, then sent. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"

/* $VISUAL, else $EDITOR, else vi, on the draft; its exit status. */
static int
edit(const char *path)
{
	const char *editor = vt_editor();
	char *words, *argv[40];
	int argc = 0, status = 0;
	pid_t pid;

	if ((words = strdup(editor)) == NULL)
		return -1;
	for (char *w = strtok(words, " \t"); w != NULL && argc < 38; w = strtok(NULL, " \t"))
		argv[argc++] = w;
	argv[argc++] = (char *)path;
	argv[argc] = NULL;
	pid = fork();
	if (pid == 0) {
		execvp(argv[0], argv);
		fprintf(stderr, "vtriage: cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	while (pid > 0 && waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	free(words);
	return pid < 0 ? -1 : WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

/* On a terminal: send, edit again, postpone or abandon. */
static char
ask(void)
{
	char line[64];

	fprintf(stderr, "Send? [y]es, [e]dit, [a]ttach, [p]ostpone, [q]uit (dropped): ");
	fflush(stderr);
	if (fgets(line, sizeof line, stdin) == NULL)
		return 'p';
	return strchr("yeapq", line[0]) && line[0] ? line[0] : '?';
}

/* What became of the draft, in a line or (--format=json) an object:
 * changed when it was sent or kept for later, not when dropped. */
static void
say_outcome(struct cli *cli, const char *summary, bool sent, const char *kept_draft,
	    const struct mail_outgoing *o, const char *account)
{
	json_t *obj;

	if (cli->format != CLI_JSON) {
		char *shown = cli_text(summary);

		fprintf(cli->out, "%s\n", shown ? shown : "");
		free(shown);
		return;
	}
	obj = json_object();
	json_object_set_new(obj, "changed", json_boolean(sent || kept_draft != NULL));
	cli_json_set_text(obj, "summary", summary);
	json_object_set_new(obj, "sent", json_boolean(sent));
	if (sent) {
		cli_json_set_text(obj, "to", o->recipients);
		cli_json_set_text(obj, "message_id", o->message_id);
	} else {
		json_object_set_new(obj, "to", json_null());
		json_object_set_new(obj, "message_id", json_null());
	}
	if (kept_draft != NULL)
		cli_json_set_text(obj, "draft", kept_draft);
	else
		json_object_set_new(obj, "draft", json_null());
	if (account != NULL && *account != '\0')
		cli_json_set_text(obj, "account", account);
	else
		json_object_set_new(obj, "account", json_null());
	cli_json_emit(cli, obj);
}

static int edit_loop(struct cli *cli, char *path, const char *original, bool terminal,
		     const struct mail_sender *me_p);

/* Edits the draft at path until it is sent, postponed or dropped. */
static int
edit_and_send(struct cli *cli, char *path, const char *original)
{
	bool terminal = isatty(STDIN_FILENO) && isatty(STDERR_FILENO);
	struct vt_sender me_s;
	struct mail_sender me;
	int code;

	{
		struct vt_error err = { 0 };

		if (vt_sender_for(cli->cfg, NULL, &me_s, &err) != VT_OK) {
			cli_print_error(NULL, &err);
			return 2;
		}
	}
	me = (struct mail_sender){ me_s.name, me_s.address };
	code = edit_loop(cli, path, original, terminal, &me);
	vt_sender_clear(&me_s);
	return code;
}

static int
edit_loop(struct cli *cli, char *path, const char *original, bool terminal,
	  const struct mail_sender *me_p)
{
	struct mail_sender me = *me_p;

	for (;;) {
		struct vt_error err = { 0 };
		struct vt_send_result sent;
		struct mail_outgoing o;
		char *text, choice = 'y';
		int rc = edit(path);

		if (rc != 0) {
			fprintf(stderr,
				"vtriage: the editor ended with status %d: not sent (the draft is %s)\n",
				rc, path);
			return 1;
		}
		text = vt_draft_read(path);
		if (text == NULL) {
			fprintf(stderr, "vtriage: %s: %s\n", path, strerror(errno));
			return 1;
		}
		if (strcmp(text, original) == 0 && !terminal) {
			say_outcome(cli, "not sent: the draft was not changed (dropped)", false,
				    NULL, NULL, NULL);
			unlink(path);
			free(text);
			return 0;
		}
		while (terminal && (choice = ask()) == '?')
			;
		if (choice == 'e') {
			free(text);
			continue;
		}
		if (choice == 'p' || choice == 'q') {
			char said[PATH_MAX + 16];

			if (choice == 'q')
				unlink(path);
			snprintf(said, sizeof said, "postponed: %s", path);
			say_outcome(cli, choice == 'q' ? "abandoned" : said, false,
				    choice == 'q' ? NULL : path, NULL, NULL);
			free(text);
			return 0;
		}
		if (choice == 'a') {
			char file[4096];

			fprintf(stderr, "Attach file: ");
			if (fgets(file, sizeof file, stdin) != NULL) {
				file[strcspn(file, "\n")] = '\0';
				if (*file && vt_draft_attach(path, file, &err) != VT_OK)
					cli_print_error(NULL, &err);
			}
			free(text);
			continue; /* the editor shows it in the draft */
		}
		if (mail_draft_build(text, &me, &o, &err) != VT_OK) {
			free(text);
			cli_print_error(path, &err);
			if (terminal)
				continue; /* back to the editor to fix it */
			return 2;
		}
		free(text);
		/* the index is opened for writing only now, not while editing */
		if (cli_open(cli, MAIL_DB_READ_WRITE, &err) != VT_OK) {
			cli_print_error(NULL, &err);
			mail_outgoing_clear(&o);
			return 1;
		}
		/* mail to a look-alike of a known domain: asked on a terminal,
		 * refused without one */
		{
			char why[VT_ERROR_MAX], *clean, line[16] = "";

			if (vt_send_lookalike(cli->store, &o, why, sizeof why)) {
				clean = cli_text(why);
				fprintf(stderr, "vtriage: warning: %s\n", clean ? clean : why);
				free(clean);
				if (terminal) {
					fprintf(stderr, "Send anyway? (type yes) ");
					if (fgets(line, sizeof line, stdin) == NULL)
						line[0] = '\0';
				}
				if (strcmp(line, "yes\n") != 0) {
					fprintf(stderr,
						"vtriage: not sent: the draft is kept: %s\n", path);
					mail_outgoing_clear(&o);
					return 2;
				}
			}
		}
		if (vt_send(cli->cfg, cli->store, cli->db, &o, path, &sent, &err) != VT_OK) {
			cli_print_error(NULL, &err);
			fprintf(stderr, "vtriage: the draft is kept: %s\n", path);
			mail_outgoing_clear(&o);
			return 1;
		}
		{
			char *warning = cli_text(sent.warning), *said = NULL;

			/* one line, as every command that changes something says it */
			if (asprintf(&said, "sent to %s <%s>%s%s%s", o.recipients, o.message_id,
				     sent.account[0]
					     ? "; the copy goes to the Sent folder of account "
					     : "",
				     sent.account, sent.account[0] ? " at the next sync" : "") < 0)
				said = NULL;
			say_outcome(cli, said ? said : "sent", true, NULL, &o, sent.account);
			free(said);
			if (sent.warning[0])
				fprintf(stderr, "vtriage: warning: %s\n",
					warning ? warning : sent.warning);
			free(warning);
		}
		/* (the draft went as soon as it was sent: vt_send) */
		mail_outgoing_clear(&o);
		return 0;
	}
}

static int
start(struct cli *cli, const char *draft_text)
{
	struct vt_error err = { 0 };
	char *path = vt_draft_save(cli->cfg, draft_text, &err);
	int code;

	if (path == NULL)
		return cli_error(&err);
	code = edit_and_send(cli, path, draft_text);
	free(path);
	return code;
}

static vt_status
keep_newest(void *ctx, const struct mail_shown *m, struct vt_error *err)
{
	char **newest = ctx;

	(void)err;
	if (m->path != NULL) {
		free(*newest);
		*newest = strdup(m->path);
	}
	return VT_OK;
}

int
cmd_reply(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	const char *all = NULL, *to = NULL, *attach = NULL;
	const struct cli_option reply_options[] = { { "all", false, &all }, { 0 } };
	const struct cli_option forward_options[] = { { "to", true, &to },
						      { "attach", false, &attach },
						      { 0 } };
	bool forward = strcmp(self->name, "forward") == 0;
	const struct cli_option *options = forward ? forward_options : reply_options;
	struct cli_found_list found;
	struct vt_error err = { 0 };
	char *draft = NULL;
	vt_status rc;
	int n, code;

	if ((n = cli_parse_options(cli, self, argc, argv, options)) < 0)
		return n == -2 ? 0 : 2;
	if (n == 0)
		return cli_usage_error(cli, "needs the message to %s (id:MSGID)",
				       forward ? "forward" : "answer");
	if ((code = cli_find_messages(cli, n, argv, &found)) >= 0)
		return code;
	/* a thread: its newest message, as the interface's r answers */
	if (found.count > 1 && n == 1 && strncmp(argv[0], "thread:", 7) == 0) {
		char *newest = NULL;

		if (mail_thread_show(cli->db, argv[0] + 7, keep_newest, &newest, &err) == VT_OK &&
		    newest != NULL) {
			free(found.items[0].path);
			found.items[0].path = newest;
			for (size_t i = 1; i < found.count; i++) {
				free(found.items[i].id);
				free(found.items[i].path);
			}
			found.count = 1;
		} else {
			free(newest);
		}
	}
	if (found.count != 1) {
		code = cli_usage_error(
			cli, "the query matches %zu messages, not one (id:MSGID names one)",
			found.count);
		cli_found_clear(&found);
		return code;
	}
	if ((rc = vt_draft_begin(cli->cfg, cli->store,
				 forward ? (attach ? VT_DRAFT_FORWARD_ATTACHED : VT_DRAFT_FORWARD)
				 : all   ? VT_DRAFT_REPLY_ALL
					 : VT_DRAFT_REPLY,
				 found.items[0].path, to, NULL, &draft, &err)) != VT_OK) {
		cli_found_clear(&found);
		return rc == VT_ERR_CONFIG ? (cli_print_error(NULL, &err), 2) : cli_error(&err);
	}
	cli_found_clear(&found);
	/* the editor may take long: no index held open meanwhile */
	vt_store_close(&cli->store);
	mail_db_close(&cli->db);
	code = start(cli, draft);
	free(draft);
	return code;
}

int
cmd_compose(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	const char *to = NULL, *subject = NULL, *resume = NULL;
	const struct cli_option options[] = { { "to", true, &to },
					      { "subject", true, &subject },
					      { "draft", true, &resume },
					      { 0 } };
	struct vt_error err = { 0 };
	char *draft;
	int n, code;

	if ((n = cli_parse_options(cli, self, argc, argv, options)) < 0)
		return n == -2 ? 0 : 2;
	if (n != 0)
		return cli_usage_error(cli, "takes options only (--to, --subject)");
	if (cli_load_config(cli, &err) != VT_OK)
		return cli_error(&err);
	/* a postponed draft (or one a failed send kept), taken up again;
	 * a file of the user's is copied into the drafts, and left as it is
	 * (the draft's file goes once sent) */
	if (resume != NULL) {
		char *path = NULL;

		if ((draft = vt_draft_read(resume)) == NULL) {
			fprintf(stderr, "vtriage: %s: %s\n", resume, strerror(errno));
			return 1;
		}
		path = vt_draft_is_ours(cli->cfg, resume) ? strdup(resume)
							  : vt_draft_save(cli->cfg, draft, &err);
		if (path == NULL) {
			free(draft);
			return err.msg[0] ? cli_error(&err) : 1;
		}
		code = edit_and_send(cli, path, "");
		free(draft);
		free(path);
		return code;
	}
	/* the store, when there is one, offers a vendor's people for Cc */
	if (to != NULL && *to != '\0' && cli_open(cli, MAIL_DB_READ_ONLY, &err) != VT_OK)
		err = (struct vt_error){ 0 };
	if (vt_draft_begin(cli->cfg, cli->store, VT_DRAFT_NEW, NULL, to, subject, &draft, &err) !=
	    VT_OK) {
		cli_print_error(NULL, &err);
		return err.status == VT_ERR_CONFIG ? 2 : 1;
	}
	vt_store_close(&cli->store);
	mail_db_close(&cli->db);
	code = start(cli, draft);
	free(draft);
	return code;
}

/* vtriage draft list: the postponed drafts, newest first */
int
cmd_draft_list(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	struct vt_draft_list list;
	struct vt_error err = { 0 };
	int n;

	if ((n = cli_parse_options(cli, self, argc, argv, NULL)) < 0)
		return n == -2 ? 0 : 2;
	if (n != 0)
		return cli_usage_error(cli, "takes no arguments");
	if (cli_load_config(cli, &err) != VT_OK)
		return cli_error(&err);
	if (vt_drafts_list(cli->cfg, &list, &err) != VT_OK)
		return cli_error(&err);
	if (cli->format == CLI_JSON) {
		json_t *arr = json_array();

		for (size_t i = 0; i < list.count; i++) {
			json_t *o = json_object();

			json_object_set_new(o, "path", json_string(list.items[i].path));
			json_object_set_new(o, "modified",
					    json_integer((json_int_t)list.items[i].modified));
			cli_json_set_text(o, "to", list.items[i].to);
			cli_json_set_text(o, "subject", list.items[i].subject);
			json_array_append_new(arr, o);
		}
		cli_json_print(cli, arr);
		json_decref(arr);
	} else {
		for (size_t i = 0; i < list.count; i++) {
			char date[32], column[160], *to = cli_text(list.items[i].to);
			char *subject = cli_text(list.items[i].subject);

			cli_format_date(list.items[i].modified, date, sizeof date);
			cli_column(to, 30, column, sizeof column);
			fprintf(cli->out, "%-10s  %s  %s\n  %s\n", date, column,
				subject ? subject : "", list.items[i].path);
			free(to);
			free(subject);
		}
	}
	vt_draft_list_clear(&list);
	return 0;
}
