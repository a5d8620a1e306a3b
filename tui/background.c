/*
 * A child process beside the interface: started with a pipe for its
 * output, polled without blocking between keys, reaped when it ends.
 * See background.h.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "background.h"

void
tui_bg_init(struct tui_bg *bg)
{
	memset(bg, 0, sizeof *bg);
	bg->fd = -1;
}

bool
tui_bg_running(const struct tui_bg *bg)
{
	return bg->pid != 0;
}

/* Between fork and exec: only async-signal-safe calls. */
static void
child_setup(int out, char *const argv[], pid_t parent)
{
	static const char msg[] = "vtriage: cannot run ";
	ssize_t ignored;
	int in;

	/* An interface that dies (a crash, SIGKILL) takes no one with it but
	 * must not leave a sync --watch running forever: SIGTERM, which the
	 * sync stops on cleanly. */
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != parent)
		_exit(1);
	setpgid(0, 0);
	signal(SIGPIPE, SIG_DFL); /* ignored in vtriage; a plain default for the child */
	if ((in = open("/dev/null", O_RDONLY)) >= 0 && in != STDIN_FILENO) {
		dup2(in, STDIN_FILENO);
		close(in);
	}
	if (out != STDOUT_FILENO)
		dup2(out, STDOUT_FILENO);
	if (out != STDERR_FILENO)
		dup2(out, STDERR_FILENO);
	/* None of the interface's files (index, store) go to the child. */
	if (syscall(SYS_close_range, 3U, ~0U, 0U) != 0)
		for (int fd = 3; fd < 1024; fd++)
			close(fd);
	execv(argv[0], argv);
	ignored = write(STDERR_FILENO, msg, sizeof msg - 1);
	ignored = write(STDERR_FILENO, argv[0], strlen(argv[0]));
	ignored = write(STDERR_FILENO, "\n", 1);
	(void)ignored;
	_exit(127);
}

vt_status
tui_bg_start(struct tui_bg *bg, char *const argv[], struct vt_error *err)
{
	int p[2];
	pid_t pid, parent;

	if (tui_bg_running(bg))
		return vt_fail(err, VT_ERR_BUSY, "already running");
	if (argv == NULL || argv[0] == NULL)
		return vt_fail(err, VT_ERR_USAGE, "nothing to run");
	if (pipe2(p, O_CLOEXEC) != 0)
		return vt_fail(err, VT_ERR_IO, "pipe: %s", strerror(errno));
	parent = getpid();
	pid = fork();
	if (pid < 0) {
		int e = errno;

		close(p[0]);
		close(p[1]);
		return vt_fail(err, VT_ERR_IO, "fork: %s", strerror(e));
	}
	if (pid == 0)
		child_setup(p[1], argv, parent); /* never returns */
	close(p[1]);
	fcntl(p[0], F_SETFL, fcntl(p[0], F_GETFL) | O_NONBLOCK);
	tui_bg_init(bg);
	bg->pid = pid;
	bg->fd = p[0];
	return VT_OK;
}

static void
emit(struct tui_bg *bg, tui_bg_line_fn fn, void *ctx)
{
	for (size_t i = 0; i < bg->len; i++)
		if (bg->buf[i] == '\0')
			bg->buf[i] = '?';
	bg->buf[bg->len] = '\0';
	if (fn)
		fn(ctx, bg->buf);
	bg->len = 0;
}

/* Reads what is there; returns false at end of file or a read error. */
static bool
drain(struct tui_bg *bg, tui_bg_line_fn fn, void *ctx)
{
	char chunk[4096];

	for (;;) {
		ssize_t n = read(bg->fd, chunk, sizeof chunk);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EAGAIN || errno == EWOULDBLOCK;
		if (n == 0)
			return false;
		for (ssize_t i = 0; i < n; i++) {
			if (chunk[i] == '\n') {
				emit(bg, fn, ctx);
				continue;
			}
			bg->buf[bg->len++] = chunk[i];
			if (bg->len == TUI_BG_LINE_MAX)
				emit(bg, fn, ctx);
		}
	}
}

static void
reap(struct tui_bg *bg, bool block)
{
	int status;
	pid_t r;

	if (bg->reaped || bg->pid == 0)
		return;
	do
		r = waitpid(bg->pid, &status, block ? 0 : WNOHANG);
	while (r < 0 && errno == EINTR);
	if (r == bg->pid || (r < 0 && errno == ECHILD)) {
		bg->reaped = true;
		bg->status = r == bg->pid ? status : 0;
	}
}

static void
close_pipe(struct tui_bg *bg)
{
	if (bg->fd >= 0)
		close(bg->fd);
	bg->fd = -1;
}

bool
tui_bg_poll(struct tui_bg *bg, tui_bg_line_fn fn, void *ctx, int *exit_code)
{
	int code;

	if (!tui_bg_running(bg))
		return false;
	if (bg->fd >= 0 && !drain(bg, fn, ctx))
		close_pipe(bg);
	reap(bg, false);
	/* Done when it has exited and said everything. A grandchild that
	 * keeps the pipe open does not keep us waiting once it has. */
	if (!bg->reaped)
		return false;
	if (bg->fd >= 0) {
		drain(bg, fn, ctx);
		close_pipe(bg);
	}
	if (bg->len > 0)
		emit(bg, fn, ctx);
	code = WIFEXITED(bg->status)     ? WEXITSTATUS(bg->status)
	       : WIFSIGNALED(bg->status) ? 128 + WTERMSIG(bg->status)
					 : 1;
	if (exit_code)
		*exit_code = code;
	tui_bg_init(bg);
	return true;
}

bool
tui_bg_stop(struct tui_bg *bg, int sig, int wait_ms)
{
	struct timespec tick = { 0, 20 * 1000 * 1000 };

	if (!tui_bg_running(bg))
		return true;
	kill(bg->pid, sig);
	for (int waited = 0;; waited += 20) {
		if (bg->fd >= 0 && !drain(bg, NULL, NULL))
			close_pipe(bg);
		reap(bg, false);
		if (bg->reaped)
			break;
		if (waited >= wait_ms) {
			tui_bg_detach(bg);
			return false;
		}
		nanosleep(&tick, NULL);
	}
	close_pipe(bg);
	tui_bg_init(bg);
	return true;
}

bool
tui_bg_signal(struct tui_bg *bg, int sig)
{
	if (!tui_bg_running(bg) || bg->reaped)
		return false;
	return kill(bg->pid, sig) == 0;
}

void
tui_bg_detach(struct tui_bg *bg)
{
	close_pipe(bg);
	tui_bg_init(bg);
}
