/* The interface's background child: real processes (sh -c), their lines,
 * exit status, refusal of a second start, stopping, signalling; and the
 * sync line protocol. */
#include "config.h"

#include "helpers.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tui/background.h"

struct lines {
	char *items[64];
	size_t n;
};

static void
collect(void *ctx, const char *line)
{
	struct lines *l = ctx;

	if (l->n < 64)
		l->items[l->n++] = strdup(line);
}

static void
lines_free(struct lines *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->items[i]);
	l->n = 0;
}

/* Polls until the child is done (10 s at most); returns its exit code. */
static int
run_out(struct tui_bg *bg, struct lines *l)
{
	struct timespec tick = { 0, 10 * 1000 * 1000 };
	int code = -1;

	for (int i = 0; i < 1000; i++) {
		if (tui_bg_poll(bg, collect, l, &code))
			return code;
		nanosleep(&tick, NULL);
	}
	fail_msg("the child did not end");
	return -1;
}

static void
start_sh(struct tui_bg *bg, const char *script)
{
	char *argv[] = { "/bin/sh", "-c", (char *)script, NULL };
	struct vt_error err = { 0 };

	assert_int_equal(tui_bg_start(bg, argv, &err), VT_OK);
}

static void
nothing_running_polls_false_and_stops_true(void **state)
{
	struct tui_bg bg;
	int code = 42;

	(void)state;
	tui_bg_init(&bg);
	assert_false(tui_bg_running(&bg));
	assert_false(tui_bg_poll(&bg, collect, NULL, &code));
	assert_int_equal(code, 42);
	assert_true(tui_bg_stop(&bg, SIGTERM, 0));
}

static void
empty_argv_is_refused(void **state)
{
	struct tui_bg bg;
	struct vt_error err = { 0 };
	char *argv[] = { NULL };

	(void)state;
	tui_bg_init(&bg);
	assert_int_equal(tui_bg_start(&bg, argv, &err), VT_ERR_USAGE);
	assert_false(tui_bg_running(&bg));
}

static void
lines_and_exit_status_are_collected(void **state)
{
	struct tui_bg bg;
	struct lines l = { 0 };

	(void)state;
	tui_bg_init(&bg);
	start_sh(&bg, "echo one; echo two >&2; printf 'thr\\0ee\\n'; printf 'no newline'; exit 3");
	assert_true(tui_bg_running(&bg));
	assert_int_equal(run_out(&bg, &l), 3);
	assert_false(tui_bg_running(&bg));
	assert_int_equal(l.n, 4);
	assert_string_equal(l.items[0], "one");
	assert_string_equal(l.items[1], "two"); /* stderr too */
	assert_string_equal(l.items[2], "thr?ee");
	assert_string_equal(l.items[3], "no newline");
	lines_free(&l);
}

static void
a_second_start_is_refused_while_one_runs(void **state)
{
	struct tui_bg bg;
	struct lines l = { 0 };
	struct vt_error err = { 0 };
	char *argv[] = { "/bin/sh", "-c", "echo second", NULL };

	(void)state;
	tui_bg_init(&bg);
	start_sh(&bg, "read x; echo first");
	assert_int_equal(tui_bg_start(&bg, argv, &err), VT_ERR_BUSY);
	/* stdin is /dev/null: read returns at once, nothing waits for keys */
	assert_int_equal(run_out(&bg, &l), 0);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.items[0], "first");
	lines_free(&l);
	/* and once it has ended, the next one starts */
	assert_int_equal(tui_bg_start(&bg, argv, &err), VT_OK);
	assert_int_equal(run_out(&bg, &l), 0);
	assert_string_equal(l.items[0], "second");
	lines_free(&l);
}

static void
stdin_is_not_a_terminal(void **state)
{
	struct tui_bg bg;
	struct lines l = { 0 };

	(void)state;
	tui_bg_init(&bg);
	start_sh(&bg, "if [ -t 0 ]; then echo tty; else echo notty; fi");
	assert_int_equal(run_out(&bg, &l), 0);
	assert_string_equal(l.items[0], "notty");
	lines_free(&l);
}

static void
no_descriptor_of_ours_leaks_into_the_child(void **state)
{
	struct tui_bg bg;
	struct lines l = { 0 };
	FILE *f = tmpfile(); /* an open file the child must not get */

	(void)state;
	assert_non_null(f);
	tui_bg_init(&bg);
	start_sh(&bg, "ls /proc/self/fd | wc -l");
	assert_int_equal(run_out(&bg, &l), 0);
	/* 0, 1, 2 and the one ls opens to read the directory */
	assert_string_equal(l.items[0], "4");
	lines_free(&l);
	fclose(f);
}

static void
a_missing_program_exits_127_with_a_reason(void **state)
{
	struct tui_bg bg;
	struct lines l = { 0 };
	char *argv[] = { "/nonexistent/vtriage", "sync", NULL };
	struct vt_error err = { 0 };

	(void)state;
	tui_bg_init(&bg);
	assert_int_equal(tui_bg_start(&bg, argv, &err), VT_OK);
	assert_int_equal(run_out(&bg, &l), 127);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.items[0], "vtriage: cannot run /nonexistent/vtriage");
	lines_free(&l);
}

static void
long_lines_are_cut_not_overflowed(void **state)
{
	struct tui_bg bg;
	struct lines l = { 0 };

	(void)state;
	tui_bg_init(&bg);
	start_sh(&bg, "head -c 2500 /dev/zero | tr '\\0' x; echo");
	assert_int_equal(run_out(&bg, &l), 0);
	assert_int_equal(l.n, 3);
	assert_int_equal(strlen(l.items[0]), TUI_BG_LINE_MAX);
	assert_int_equal(strlen(l.items[1]), TUI_BG_LINE_MAX);
	assert_int_equal(strlen(l.items[2]), 2500 - 2 * TUI_BG_LINE_MAX);
	lines_free(&l);
}

static void
stop_ends_a_child_with_the_signal(void **state)
{
	struct tui_bg bg;
	struct lines l = { 0 };
	int code = -1;

	(void)state;
	tui_bg_init(&bg);
	start_sh(&bg, "exec sleep 30");
	assert_false(tui_bg_poll(&bg, collect, &l, &code));
	assert_true(tui_bg_stop(&bg, SIGTERM, 5000));
	assert_false(tui_bg_running(&bg));
	/* a child that ignores the signal is left to finish on its own */
	start_sh(&bg, "trap '' TERM; sleep 0.5; echo late");
	usleep(100 * 1000);
	assert_false(tui_bg_stop(&bg, SIGTERM, 50));
	assert_false(tui_bg_running(&bg));
	lines_free(&l);
}

/* Polls until the child has said at least n lines (10 s at most). */
static void
wait_lines(struct tui_bg *bg, struct lines *l, size_t n)
{
	struct timespec tick = { 0, 10 * 1000 * 1000 };

	for (int i = 0; i < 1000 && l->n < n; i++) {
		assert_false(tui_bg_poll(bg, collect, l, NULL));
		nanosleep(&tick, NULL);
	}
	assert_true(l->n >= n);
}

static void
signal_reaches_the_child_and_leaves_it_running(void **state)
{
	struct tui_bg bg;
	struct lines l = { 0 };

	(void)state;
	tui_bg_init(&bg);
	assert_false(tui_bg_signal(&bg, SIGUSR1)); /* nothing to signal */
	/* like sync --watch: SIGUSR1 means "once more", not "stop" */
	start_sh(&bg, "n=0; trap 'n=$((n + 1)); echo round $n' USR1; trap 'exit 7' TERM; "
		      "echo ready; while :; do sleep 0.02; done");
	wait_lines(&bg, &l, 1);
	assert_string_equal(l.items[0], "ready");
	assert_true(tui_bg_signal(&bg, SIGUSR1));
	wait_lines(&bg, &l, 2);
	assert_string_equal(l.items[1], "round 1");
	assert_true(tui_bg_running(&bg)); /* neither waited for nor reaped */
	assert_true(tui_bg_signal(&bg, SIGUSR1));
	wait_lines(&bg, &l, 3);
	assert_string_equal(l.items[2], "round 2");
	assert_true(tui_bg_signal(&bg, SIGTERM));
	assert_int_equal(run_out(&bg, &l), 7);
	assert_false(tui_bg_running(&bg));
	assert_false(tui_bg_signal(&bg, SIGUSR1)); /* gone: its pid is no one's to us */
	lines_free(&l);
}

static void
a_child_killed_by_a_signal_reports_128_plus_it(void **state)
{
	struct tui_bg bg;
	struct lines l = { 0 };

	(void)state;
	tui_bg_init(&bg);
	start_sh(&bg, "kill -KILL $$");
	assert_int_equal(run_out(&bg, &l), 128 + SIGKILL);
	lines_free(&l);
}

static void
a_grandchild_holding_the_pipe_does_not_keep_us_waiting(void **state)
{
	struct tui_bg bg;
	struct lines l = { 0 };
	time_t t0 = time(NULL);

	(void)state;
	tui_bg_init(&bg);
	start_sh(&bg, "echo parent; sleep 3 & echo bye; exit 0");
	assert_int_equal(run_out(&bg, &l), 0);
	assert_true(time(NULL) - t0 < 4);
	assert_string_equal(l.items[0], "parent");
	assert_string_equal(l.items[1], "bye");
	lines_free(&l);
}

static void
the_child_ends_when_we_die(void **state)
{
	char *dir = test_mkdtemp(), pidfile[512], script[2048];
	struct timespec tick = { 0, 20 * 1000 * 1000 };
	FILE *f;
	int child = 0, status;
	pid_t mid;

	(void)state;
	snprintf(pidfile, sizeof pidfile, "%s/pid", dir);
	snprintf(script, sizeof script, "echo $$ >%s.tmp; mv %s.tmp %s; exec sleep 30", pidfile,
		 pidfile, pidfile);
	/* a stand-in for the interface, which starts the child and dies */
	if ((mid = fork()) == 0) {
		struct tui_bg bg;
		char *argv[] = { "/bin/sh", "-c", script, NULL };

		tui_bg_init(&bg);
		if (tui_bg_start(&bg, argv, NULL) != VT_OK)
			_exit(1);
		for (int i = 0; i < 250 && access(pidfile, F_OK) != 0; i++)
			nanosleep(&tick, NULL);
		_exit(0);
	}
	assert_true(mid > 0);
	assert_int_equal(waitpid(mid, &status, 0), mid);
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_non_null(f = fopen(pidfile, "r"));
	assert_int_equal(fscanf(f, "%d", &child), 1);
	fclose(f);
	for (int i = 0; i < 250 && kill(child, 0) == 0; i++)
		nanosleep(&tick, NULL);
	assert_int_not_equal(kill(child, 0), 0);
	test_rmdir(dir);
	free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(nothing_running_polls_false_and_stops_true),
		cmocka_unit_test(empty_argv_is_refused),
		cmocka_unit_test(lines_and_exit_status_are_collected),
		cmocka_unit_test(a_second_start_is_refused_while_one_runs),
		cmocka_unit_test(stdin_is_not_a_terminal),
		cmocka_unit_test(no_descriptor_of_ours_leaks_into_the_child),
		cmocka_unit_test(a_missing_program_exits_127_with_a_reason),
		cmocka_unit_test(long_lines_are_cut_not_overflowed),
		cmocka_unit_test(stop_ends_a_child_with_the_signal),
		cmocka_unit_test(signal_reaches_the_child_and_leaves_it_running),
		cmocka_unit_test(a_child_killed_by_a_signal_reports_128_plus_it),
		cmocka_unit_test(a_grandchild_holding_the_pipe_does_not_keep_us_waiting),
		cmocka_unit_test(the_child_ends_when_we_die),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
