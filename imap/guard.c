/*
 * What a server may cost us. libetpan reads whatever a server sends, as
 * slowly as it sends it: its timeout starts again with every byte, a
 * response line or a literal is held whole in memory whatever its size,
 * and its parser multiplies a line's size many times over. So every
 * session's stream goes through this guard, which sees the bytes before
 * libetpan does and cuts the stream (every read fails from then on, and
 * the reason is kept for the error message) when the server:
 *
 *  - takes longer over one answer than command_timeout plus a second for
 *    every min_rate bytes it sent (a slow drip never finishes; a big
 *    message arriving at a decent rate always does);
 *  - sends a line longer than max_line (more for folders whose UID lists
 *    are longer), or more bytes in one answer than the command can need;
 *  - announces a literal bigger than the command asked for: a message
 *    body at most half again its RFC822.SIZE (plus a little), never more
 *    than max_message, a slice no more than the slice asked for;
 *  - greets with anything but OK or PREAUTH, or ends the connection.
 *
 * The guard also knows where in the answer it was (greeting, line,
 * message UID n, x of y bytes), which is what the user is told.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "private.h"

/* A greeting carries at most a capability list. */
#define GREETING_MAX 4096
/* Lines allowed in one answer beyond its literals, in max_line units:
 * bounds what many small untagged responses cost libetpan's parser. */
#define ANSWER_LINES 16
/* Bytes per message of the folder that an answer may add (a FETCH of
 * flags for every message). */
#define ANSWER_PER_MESSAGE 160
/* A UID in a list: up to 10 digits and a space or a colon. */
#define UID_LIST_BYTES 12
/* A server's word for a folder's size, as far as it makes answers
 * longer: beyond this, it has to be a lie or a folder no one reads. */
#define FOLDER_BELIEVED (1u << 20)

/* Seconds on the monotonic clock (the guard's deadlines, IDLE's waits). */
double
imap_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + t.tv_nsec / 1e9;
}

uint64_t
imap_body_allowance(const struct mail_imap_account *a, uint64_t declared)
{
	uint64_t allowed = declared + declared / 2 + 16 * 1024;

	return allowed < a->max_message ? allowed : a->max_message;
}

/* Untagged responses that list UIDs of the folder, one line for all. */
static bool
uid_list_line(const struct imap_guard *g)
{
	static const char *const lists[] = { "* SEARCH", "* ESEARCH", "* VANISHED" };

	for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++)
		if (g->head_len >= strlen(lists[i]) &&
		    strncasecmp(g->head, lists[i], strlen(lists[i])) == 0)
			return true;
	return false;
}

static uint64_t
line_cap(const struct imap_guard *g)
{
	uint64_t cap = g->acct->max_line;
	uint64_t uids = (uint64_t)g->folder_size * UID_LIST_BYTES;

	return uids > cap && uid_list_line(g) ? uids : cap;
}

/* "* 123 EXISTS": the folder's size, for what its answers may hold. */
static void
note_exists(struct imap_guard *g)
{
	uint64_t n = 0;
	size_t i = 2;

	if (g->head_len < 10 || g->head[0] != '*' || g->head[1] != ' ')
		return;
	for (; i < g->head_len && g->head[i] >= '0' && g->head[i] <= '9' && n <= UINT32_MAX; i++)
		n = n * 10 + (uint64_t)(g->head[i] - '0');
	if (i > 2 && g->head_len - i >= 7 && strncasecmp(g->head + i, " EXISTS", 7) == 0 &&
	    n > g->folder_size)
		imap_guard_folder_size(g, n);
}

static uint64_t
answer_budget(const struct imap_guard *g)
{
	return line_cap(g) * ANSWER_LINES + (uint64_t)g->folder_size * ANSWER_PER_MESSAGE +
	       g->answer.literals;
}

/* Stops the stream for good; the first reason stays. */
static void __attribute__((format(printf, 3, 4)))
cut(struct imap_guard *g, vt_status st, const char *fmt, ...)
{
	va_list ap;

	if (g->why[0])
		return;
	va_start(ap, fmt);
	vsnprintf(g->why, sizeof g->why, fmt, ap);
	va_end(ap);
	g->why_status = st;
}

/* Where the answer stopped, for the messages: "in the middle of message
 * UID 7 (120 of 1000 bytes after 30 s)". */
static void
position(const struct imap_guard *g, double elapsed, char *out, size_t len)
{
	if (g->mode == GUARD_GREETING)
		snprintf(out, len, "before a complete greeting (%llu bytes after %.0f s)",
			 (unsigned long long)g->received, elapsed);
	else if (g->mode == GUARD_LITERAL && g->literal_uid)
		snprintf(out, len,
			 "in the middle of message UID %u (%llu of %llu bytes after %.0f s)",
			 g->literal_uid, (unsigned long long)(g->literal_len - g->literal_left),
			 (unsigned long long)g->literal_len, elapsed);
	else if (g->mode == GUARD_LITERAL)
		snprintf(out, len, "in the middle of a literal (%llu of %llu bytes after %.0f s)",
			 (unsigned long long)(g->literal_len - g->literal_left),
			 (unsigned long long)g->literal_len, elapsed);
	else if (g->received)
		snprintf(out, len, "in the middle of an answer (%llu bytes after %.0f s)",
			 (unsigned long long)g->received, elapsed);
	else
		snprintf(out, len, "before answering (after %.0f s)", elapsed);
}

static void
check_greeting(struct imap_guard *g)
{
	size_t n = g->greeting_len;
	char *clean;

	while (n && (g->greeting[n - 1] == '\n' || g->greeting[n - 1] == '\r'))
		n--;
	if ((n >= 4 && strncasecmp(g->greeting, "* OK", 4) == 0) ||
	    (n >= 9 && strncasecmp(g->greeting, "* PREAUTH", 9) == 0)) {
		g->mode = GUARD_LINE;
		return;
	}
	/* Cut before libetpan parses a BYE: its parser leaks the greeting
	 * (mailimap_greeting_new, libetpan 1.9.4) when it refuses one. */
	if (n >= 5 && strncasecmp(g->greeting, "* BYE", 5) == 0) {
		clean = mail_sanitize(g->greeting + 5, n - 5 > 200 ? 200 : n - 5, false);
		cut(g, VT_ERR_NET, "server refused the connection: BYE%s", clean ? clean : "");
	} else {
		clean = mail_sanitize(g->greeting, n > 60 ? 60 : n, false);
		cut(g, VT_ERR_PROTOCOL, "not an IMAP greeting: \"%s%s\"", clean ? clean : "",
		    n > 60 ? "..." : "");
	}
	free(clean);
}

static uint64_t
literal_allowance(const struct imap_guard *g, uint32_t uid)
{
	size_t lo = 0, hi = g->answer.n_msgs;

	while (uid && lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (g->answer.msgs[mid].uid == uid)
			return g->answer.msgs[mid].max;
		if (g->answer.msgs[mid].uid < uid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return g->answer.literal_cap ? g->answer.literal_cap : g->acct->max_line;
}

/* "{123}" (or "~{123}") right before the CRLF that ends a line. */
static bool
line_literal(const struct imap_guard *g, uint64_t *len)
{
	const char *t = g->tail;
	size_t n = g->tail_len, i;
	uint64_t v = 0;

	if (n >= 1 && t[n - 1] == '\n')
		n--;
	if (n >= 1 && t[n - 1] == '\r')
		n--;
	if (n < 3 || t[n - 1] != '}')
		return false;
	i = n - 1;
	while (i > 0 && t[i - 1] >= '0' && t[i - 1] <= '9')
		i--;
	if (i == 0 || i == n - 1 || t[i - 1] != '{' || n - 1 - i > 19)
		return false;
	for (size_t k = i; k < n - 1; k++)
		v = v * 10 + (uint64_t)(t[k] - '0');
	*len = v;
	return true;
}

/* Follows "UID <n>" through an answer's lines, so that a literal can be
 * told apart from the others by the message it belongs to. */
static void
track_uid(struct imap_guard *g, char ch)
{
	bool word_char = ch != ' ' && ch != '(' && ch != ')' && ch != '\r' && ch != '\n';

	if (g->uid_digits) {
		if (ch >= '0' && ch <= '9') {
			if (g->uid_acc <= UINT32_MAX)
				g->uid_acc = g->uid_acc * 10 + (uint64_t)(ch - '0');
			return;
		}
		if (g->uid_acc && g->uid_acc <= UINT32_MAX)
			g->uid = (uint32_t)g->uid_acc;
		g->uid_digits = false;
	}
	if (word_char) {
		if (g->word_len < sizeof g->word)
			g->word[g->word_len] = ch;
		g->word_len++;
		return;
	}
	if (g->word_len == 3 && strncasecmp(g->word, "UID", 3) == 0 && ch == ' ') {
		g->uid_digits = true;
		g->uid_acc = 0;
	}
	g->word_len = 0;
}

static void
end_of_line(struct imap_guard *g)
{
	uint64_t len;

	if (g->line_len == g->head_len)
		note_exists(g);
	g->head_len = 0;
	g->line_len = 0;
	g->word_len = 0;
	g->uid_digits = false;
	if (!line_literal(g, &len)) {
		g->uid = 0; /* the response is complete */
		g->tail_len = 0;
		return;
	}
	g->tail_len = 0;
	if (len == 0)
		return;
	if (len > literal_allowance(g, g->uid)) {
		uint64_t cap = literal_allowance(g, g->uid);

		if (g->uid)
			cut(g, VT_ERR_PROTOCOL,
			    "refused message UID %u: the server announced %llu bytes where at most "
			    "%llu were expected (RFC822.SIZE, max_message)",
			    g->uid, (unsigned long long)len, (unsigned long long)cap);
		else
			cut(g, VT_ERR_PROTOCOL,
			    "refused a literal of %llu bytes where at most %llu were expected",
			    (unsigned long long)len, (unsigned long long)cap);
		return;
	}
	g->mode = GUARD_LITERAL;
	g->literal_len = g->literal_left = len;
	g->literal_uid = g->uid;
}

/* Reads through what arrived; false (and cut) at the first thing refused. */
static bool
scan(struct imap_guard *g, const char *buf, size_t len)
{
	/* the line's kind (a UID list?) is known once its head is in */
	uint64_t cap = line_cap(g);

	for (size_t i = 0; i < len && !g->why[0];) {
		if (g->mode == GUARD_LITERAL) {
			size_t k = len - i < g->literal_left ? len - i : (size_t)g->literal_left;

			g->literal_left -= k;
			i += k;
			if (g->literal_left == 0)
				g->mode = GUARD_LINE;
			continue;
		}
		char ch = buf[i++];

		if (g->mode == GUARD_GREETING) {
			if (g->greeting_len == GREETING_MAX) {
				cut(g, VT_ERR_PROTOCOL,
				    "not an IMAP greeting (no line end in its first %d bytes)",
				    GREETING_MAX);
				break;
			}
			g->greeting[g->greeting_len++] = ch;
			if (ch == '\n')
				check_greeting(g);
			continue;
		}
		if (g->head_len < sizeof g->head) {
			g->head[g->head_len++] = ch;
			cap = line_cap(g);
		}
		if (++g->line_len > cap) {
			cut(g, VT_ERR_PROTOCOL,
			    "refused a response line of more than %llu bytes "
			    "(max_line)",
			    (unsigned long long)cap);
			break;
		}
		if (g->tail_len == sizeof g->tail) {
			memmove(g->tail, g->tail + 1, sizeof g->tail - 1);
			g->tail_len--;
		}
		g->tail[g->tail_len++] = ch;
		track_uid(g, ch);
		if (ch == '\n')
			end_of_line(g);
	}
	if (!g->why[0] && g->received + len > answer_budget(g))
		cut(g, VT_ERR_PROTOCOL, "refused an answer of more than %llu bytes to one command",
		    (unsigned long long)answer_budget(g));
	return g->why[0] == '\0';
}

static void
cut_slow(struct imap_guard *g, const char *where)
{
	cut(g, VT_ERR_NET,
	    "server too slow %s; allowed: command_timeout %u s, plus 1 s per "
	    "min_rate %u bytes",
	    where, g->acct->command_timeout, g->acct->min_rate);
}

static ssize_t
guard_read(mailstream_low *s, void *buf, size_t len)
{
	struct imap_guard *g = (struct imap_guard *)s->driver;
	const struct mail_imap_account *a = g->acct;
	double before, elapsed, allowed, left;
	unsigned long wait;
	char where[160];
	ssize_t r;

	if (g->why[0])
		return -1;
	before = imap_now();
	elapsed = before - g->start;
	/* a second more for every min_rate bytes: big answers at a fair
	 * rate always finish, a drip never does */
	allowed = a->command_timeout + (double)g->received / a->min_rate;
	left = allowed - elapsed;
	if (left <= 0) {
		position(g, elapsed, where, sizeof where);
		cut_slow(g, where);
		return -1;
	}
	wait = left < a->timeout ? (unsigned long)(left + 0.999) : (unsigned long)a->timeout;
	s->timeout = wait ? wait : 1;
	r = g->orig_read(s, buf, len);
	elapsed = imap_now() - g->start;
	if (r > 0) {
		if (!scan(g, buf, (size_t)r))
			return -1;
		g->received += (uint64_t)r;
		return r;
	}
	if (len == 0)
		return r;
	position(g, elapsed, where, sizeof where);
	if (r == 0) {
		/* libetpan 1.9.4 loops forever on a read of 0 bytes in a
		 * literal: end of file is an error here */
		if (g->mode == GUARD_GREETING && g->received == 0)
			cut(g, VT_ERR_NET, "server closed the connection without a greeting");
		else
			cut(g, VT_ERR_NET, "server closed the connection %s", where);
	} else if (imap_now() - before + 0.5 >= (double)s->timeout) {
		if (elapsed + 0.5 >= allowed)
			cut_slow(g, where);
		else
			cut(g, VT_ERR_NET, "server stopped sending %s", where);
	}
	return -1;
}

static ssize_t
guard_write(mailstream_low *s, const void *buf, size_t len)
{
	struct imap_guard *g = (struct imap_guard *)s->driver;

	/* a command: its answer's time starts now */
	g->start = imap_now();
	g->received = 0;
	return g->orig_write(s, buf, len);
}

void
imap_guard_begin(struct imap_guard *g, const struct mail_imap_account *acct)
{
	memset(g, 0, sizeof *g);
	g->acct = acct;
	g->mode = GUARD_GREETING;
	g->start = imap_now();
}

void
imap_guard_install(struct imap_guard *g, mailstream *stream)
{
	mailstream_low *low = stream ? mailstream_get_low(stream) : NULL;

	if (low == NULL || low->driver == &g->drv)
		return;
	g->drv = *low->driver;
	g->orig_read = low->driver->mailstream_read;
	g->orig_write = low->driver->mailstream_write;
	g->drv.mailstream_read = guard_read;
	g->drv.mailstream_write = guard_write;
	low->driver = &g->drv;
}

void
imap_guard_expect(struct imap_guard *g, const struct imap_answer *answer)
{
	static const struct imap_answer defaults;

	g->answer = answer ? *answer : defaults;
}

void
imap_guard_restart(struct imap_guard *g)
{
	g->start = imap_now();
	g->received = 0;
}

void
imap_guard_folder_size(struct imap_guard *g, uint64_t n)
{
	g->folder_size = n < FOLDER_BELIEVED ? (uint32_t)n : FOLDER_BELIEVED;
}
