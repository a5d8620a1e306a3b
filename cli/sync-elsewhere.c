/*
 * vtriage sync, as the main program runs it: by handing the command to
 * the vtriage-sync program.
 *
 * Only sync speaks IMAP, and libetpan with GnuTLS (and what they pull in:
 * SASL, nettle, p11-kit...) takes longer to load than notmuch itself:
 * linked into every command, it doubled the start-up of `search`,
 * `count` or a no-change `index` (bench/RESULTS.md). vtriage-sync is
 * built from the same sources with the real cmd_sync (cli/cmd-sync.c);
 * this one replaces the process with it, so that the pid, the terminal
 * and the pipes the interface reads stay the same.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#define SYNC_PROGRAM "vtriage-sync"

int
cmd_sync(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	char program[PATH_MAX];
	char **args = calloc((size_t)argc + 4, sizeof *args);
	size_t n = 0;
	sigset_t usr1;

	(void)self;
	if (args == NULL) {
		fprintf(stderr, "vtriage: out of memory\n");
		return 1;
	}
	if (!cli_find_program(SYNC_PROGRAM, program, sizeof program)) {
		fprintf(stderr, "vtriage: sync: path of %s too long\n", SYNC_PROGRAM);
		free(args);
		return 1;
	}
	args[n++] = program;
	if (cli->config_path != NULL) {
		args[n++] = "--config";
		args[n++] = (char *)cli->config_path;
	}
	for (int i = 0; i < argc; i++)
		args[n++] = argv[i];
	args[n] = NULL;
	fflush(NULL);
	/* SIGUSR1 (the interface's "sync now") would kill the new program
	 * before it installs its handler: held until it does (cli/main.c). */
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, NULL);
	execv(program, args);
	sigprocmask(SIG_UNBLOCK, &usr1, NULL);
	fprintf(stderr,
		"vtriage: sync: cannot run %s: %s\n"
		"vtriage: sync is a program of its own, installed with vtriage\n",
		program, strerror(errno));
	free(args);
	return 1;
}
