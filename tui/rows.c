/*
 * A thread's row in the list: its columns as the layout sizes them
 * (date, marks, vendor, authors with a quote's or bill's amount first, then
 * the subject), what Waiting and issue folders put before the subject,
 * and a flagged bill's amount in the error colour.
 */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>

#include "private.h"

/* s cut or padded to exactly width columns (UTF-8, wide characters
 * counted as two), into out. */
static void
fit_columns(char *out, size_t outlen, const char *s, int width)
{
	mbstate_t ps = { 0 };
	size_t used = 0, left = strlen(s);
	int cols = 0;

	while (left > 0 && cols < width) {
		wchar_t wc;
		size_t n = mbrtowc(&wc, s, left, &ps);
		int w;

		if (n == (size_t)-1 || n == (size_t)-2 || n == 0)
			break;
		/* counted as drawn: what is not drawn (-1) kept, for the
		 * drawing to drop */
		w = tui_char_cols(&wc, cols == 0);
		if (w < 0)
			w = 0;
		if (cols + w > width || used + n + 1 >= outlen)
			break;
		memcpy(out + used, s, n);
		used += n;
		cols += w;
		s += n;
		left -= n;
	}
	for (; cols < width && used + 1 < outlen; cols++)
		out[used++] = ' ';
	out[used] = '\0';
}

/* The thread row's columns, as wide as the layout says (0: not shown):
 * date, marks, vendor, authors (where a quote's or bill's amount goes
 * first), then the subject. */
#define ROW_MARKS_COLS 4
#define ROW_AMOUNT_COLS 11

/* Where the authors' column starts in a row. */
int
tui_row_authors_x(const struct tui_layout *l)
{
	return (l->date_w ? l->date_w + 1 : 0) + ROW_MARKS_COLS + 1 +
	       (l->vendor_w ? l->vendor_w + 1 : 0);
}

/* "  $7,800.00" right-aligned in ROW_AMOUNT_COLS columns, or as wide as
 * it is up to width, "!" before a bill the bill check flagged; too wide
 * even then, cut with an ellipsis ("KWD 1,234.56" read as the whole of
 * KWD 1,234.567). Its columns in *field; false when the thread has none. */
static bool
amount_text(struct tui *t, const struct mail_thread *th, int width, char *out, size_t len,
	    bool *flagged, int *field)
{
	const struct vt_thread_amount *a = vt_thread_amount_of(&t->threads.marks, th->thread_id);
	char money[48], shown[56];
	int cols = 0;
	size_t cut = 0;

	if (a == NULL || width <= 0)
		return false;
	mail_money_format(&a->total, money, sizeof money);
	snprintf(shown, sizeof shown, "%s%s", a->flagged ? "!" : "", money);
	for (const char *p = shown; *p; p++)
		cols += ((unsigned char)*p & 0xC0) != 0x80;
	*field = cols > ROW_AMOUNT_COLS ? cols : ROW_AMOUNT_COLS;
	if (*field > width)
		*field = width;
	if (cols > *field) {
		/* (amounts are one column a character) */
		for (int kept = 0; shown[cut] && kept < *field - 1; kept++)
			for (cut++; ((unsigned char)shown[cut] & 0xC0) == 0x80; cut++)
				;
		snprintf(shown + cut, sizeof shown - cut, "\xE2\x80\xA6");
		cols = *field;
	}
	snprintf(out, len, "%*s%s", cols < *field ? *field - cols : 0, "", shown);
	*flagged = a->flagged;
	return true;
}

void
tui_thread_row(struct tui *t, const struct mail_thread *th, char *buf, size_t len)
{
	const struct tui_layout *l = &t->layout;
	char date[16], *slug = tui_vendor_slug_of(t, th);
	char vendor[160] = "", authors[256] = "", marks[ROW_MARKS_COLS + 1] = "    ";
	char *clean_authors = mail_sanitize_str(th->authors);
	const char *subject = mail_subject_shown(th->subject);
	struct tm tm;
	bool unread = false, suspicious;
	size_t n = 0;
	/* how long it has waited: an out-of-office reply after the user's
	 * mail answered nothing */
	time_t quiet = vt_thread_waiting_since(&t->threads.marks, th->thread_id);

	if (quiet == 0)
		quiet = th->newest;

	if (t->threads.sort == TUI_SORT_AGE) { /* how long it has been quiet */
		int days = quiet < time(NULL) ? (int)((time(NULL) - quiet) / 86400 % 100000) : 0;

		snprintf(date, sizeof date, "%dd ago", days);
		if ((int)strlen(date) > l->date_w)
			snprintf(date, sizeof date, "%dd", days);
	} else if (localtime_r(&th->newest, &tm) == NULL ||
		   strftime(date, sizeof date, "%Y-%m-%d", &tm) == 0)
		snprintf(date, sizeof date, "?");
	else if (l->date_w < 10) /* YY-MM-DD */
		memmove(date, date + 2, strlen(date + 2) + 1);
	bool flagged = false;

	for (size_t i = 0; i < th->n_tags; i++) {
		if (strcmp(th->tags[i], "unread") == 0)
			unread = true;
		else if (strcmp(th->tags[i], "flagged") == 0)
			flagged = true;
	}
	/* a flagged thread shows it; unread rows are bold anyway */
	marks[0] = flagged ? 'F' : unread ? 'N' : ' ';
	if (vt_thread_set_has(&t->threads.marks.waiting_vendor, th->thread_id))
		marks[1] = 'W';
	else if (vt_thread_set_has(&t->threads.marks.waiting_me, th->thread_id))
		marks[1] = 'R';
	if (vt_thread_set_has(&t->threads.marks.open_issue, th->thread_id))
		marks[2] = '!';
	/* a store that fails here shows no S: the row is still drawn */
	if (vt_thread_marks_suspicious(t->store, &t->threads.marks, th, &suspicious, NULL) ==
		    VT_OK &&
	    suspicious)
		marks[3] = 'S';
	/* columns by display width: "Müller" is six columns, seven bytes */
	if (l->vendor_w > 0)
		fit_columns(vendor, sizeof vendor, slug ? slug : "-", l->vendor_w);
	if (l->authors_w > 0) {
		char amount[96], both[512];
		bool bill_flagged;
		int field;

		/* the amount takes the authors' first columns, not the subject's */
		if (amount_text(t, th, l->authors_w, amount, sizeof amount, &bill_flagged,
				&field)) {
			snprintf(both, sizeof both, "%s %s", amount,
				 clean_authors ? clean_authors : "");
			fit_columns(authors, sizeof authors, both, l->authors_w);
		} else
			fit_columns(authors, sizeof authors, clean_authors ? clean_authors : "",
				    l->authors_w);
	}
	buf[0] = '\0';
	/* as wide as the column: "3d ago" and "10d ago" keep the marks
	 * after them in one column (and the amount drawn over the row in
	 * its place) */
	if (l->date_w > 0)
		n += (size_t)snprintf(buf + n, len - n, "%*s ", l->date_w, date);
	if (n < len)
		n += (size_t)snprintf(buf + n, len - n, "%s ", marks);
	if (l->vendor_w > 0 && n < len)
		n += (size_t)snprintf(buf + n, len - n, "%s ", vendor);
	if (l->authors_w > 0 && n < len)
		n += (size_t)snprintf(buf + n, len - n, "%s ", authors);
	/* in the issues' folder: the issue, its age and title, first */
	if (n < len && t->folder_query != NULL && strncmp(t->folder_query, "issue:", 6) == 0) {
		const struct vt_thread_issue *is =
			vt_thread_issue_of(&t->threads.marks, th->thread_id);

		if (is != NULL) {
			long days = (long)((time(NULL) - is->opened) / 86400);

			n += (size_t)snprintf(buf + n, len - n, "#%lld %ldd %.*s | ",
					      (long long)is->id, days < 0 ? 0 : days,
					      (int)mail_utf8_prefix(is->title, 40), is->title);
		}
	}
	/* in a Waiting folder: how long the thread has waited, first,
	 * unless the date column says it already (sorted by age) */
	if (n < len && t->folder_query != NULL && strncmp(t->folder_query, "waiting:", 8) == 0 &&
	    (t->threads.sort != TUI_SORT_AGE || l->date_w == 0)) {
		long days = (long)((time(NULL) - quiet) / 86400);

		n += (size_t)snprintf(buf + n, len - n, "[%ldd] ", days < 0 ? 0 : days);
	}
	/* a subject longer than the row's buffer is cut whole characters */
	if (n < len)
		snprintf(buf + n, len - n, "%.*s (%d)",
			 (int)mail_utf8_prefix(subject, len - n > 16 ? len - n - 16 : 0), subject,
			 th->total);
	free(clean_authors);
	free(slug);
}

/* A flagged bill's amount again, in the error colour, on a row the cursor
 * is not on. */
void
tui_draw_amount(struct tui *t, const struct mail_thread *th, int y)
{
	const struct tui_layout *l = &t->layout;
	char amount[96];
	bool flagged;
	int x = tui_row_authors_x(l), field;

	if (l->authors_w == 0 ||
	    !amount_text(t, th, l->authors_w, amount, sizeof amount, &flagged, &field) ||
	    !flagged || l->threads_w < x + l->authors_w)
		return;
	tui_put_text(y, l->threads_x + x, field, amount, tui_colour(t, C_ERROR, A_BOLD));
}
