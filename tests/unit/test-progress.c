/*
 * The progress protocol (mail/progress.c): what `vtriage sync|index
 * --progress=lines` writes is what the interface reads, for every kind
 * of event, whatever bytes a server or a mail put in its fields.
 */
#include "config.h"

#include "helpers.h"

#include <stdlib.h>
#include <string.h>

#include "mail/mail.h"

/* Writes ev, parses the line back into out; returns the line. */
static char *
round_trip(const struct mail_progress_event *ev, struct mail_progress_event *out)
{
	char *line = mail_progress_line(ev);

	assert_non_null(line);
	assert_null(strchr(line, '\n'));
	mail_progress_parse(line, out);
	return line;
}

static void
each_kind_reads_back_as_written(void **state)
{
	struct mail_progress_event back;
	char *line;

	(void)state;
	line = round_trip(&(struct mail_progress_event){ .kind = MAIL_PROGRESS_FETCH,
							 .fetched = 120,
							 .to_fetch = 400,
							 .account = "work",
							 .folder = "INBOX" },
			  &back);
	assert_string_equal(line, "progress\t120\t400\twork\tINBOX");
	assert_int_equal(back.kind, MAIL_PROGRESS_FETCH);
	assert_int_equal(back.fetched, 120);
	assert_int_equal(back.to_fetch, 400);
	assert_string_equal(back.account, "work");
	assert_string_equal(back.folder, "INBOX");
	free(line);

	line = round_trip(&(struct mail_progress_event){ .kind = MAIL_PROGRESS_FOLDER_FAILED,
							 .status = VT_ERR_NET,
							 .account = "work",
							 .folder = "Archive/2001",
							 .text = "the connection was lost" },
			  &back);
	assert_string_equal(line,
			    "folder-failed\tnet\twork\tArchive/2001\tthe connection was lost");
	assert_int_equal(back.kind, MAIL_PROGRESS_FOLDER_FAILED);
	assert_int_equal(back.status, VT_ERR_NET);
	assert_string_equal(back.folder, "Archive/2001");
	assert_string_equal(back.text, "the connection was lost");
	free(line);

	/* an error with no account: the field is there, empty */
	line = round_trip(&(struct mail_progress_event){ .kind = MAIL_PROGRESS_ERROR,
							 .status = VT_ERR_BUSY,
							 .stage = "index",
							 .text = "the index is locked" },
			  &back);
	assert_string_equal(line, "error\tbusy\tindex\t\tthe index is locked");
	assert_int_equal(back.kind, MAIL_PROGRESS_ERROR);
	assert_int_equal(back.status, VT_ERR_BUSY);
	assert_string_equal(back.stage, "index");
	assert_string_equal(back.account, "");
	assert_string_equal(back.text, "the index is locked");
	free(line);

	line = round_trip(&(struct mail_progress_event){ .kind = MAIL_PROGRESS_INDEXING }, &back);
	assert_string_equal(line, "indexing");
	assert_int_equal(back.kind, MAIL_PROGRESS_INDEXING);
	free(line);

	line = round_trip(&(struct mail_progress_event){ .kind = MAIL_PROGRESS_SUMMARY,
							 .text = "Synced 1 folder of 1 account." },
			  &back);
	assert_int_equal(back.kind, MAIL_PROGRESS_SUMMARY);
	assert_string_equal(back.text, "Synced 1 folder of 1 account.");
	free(line);

	line = round_trip(&(struct mail_progress_event){ .kind = MAIL_PROGRESS_IDLE,
							 .account = "work" },
			  &back);
	assert_string_equal(line, "idle\twork");
	assert_int_equal(back.kind, MAIL_PROGRESS_IDLE);
	assert_string_equal(back.account, "work");
	free(line);
}

/* Every status crosses as its token and comes back the same. */
static void
every_status_crosses_as_a_token(void **state)
{
	(void)state;
	for (vt_status st = VT_OK; st <= VT_ERR_INTERNAL; st++) {
		struct mail_progress_event back;
		vt_status parsed;
		char *line;

		assert_true(vt_status_from_token(vt_status_token(st), &parsed));
		assert_int_equal(parsed, st);
		assert_null(strpbrk(vt_status_token(st), " \t"));
		line = round_trip(&(struct mail_progress_event){ .kind = MAIL_PROGRESS_ERROR,
								 .status = st,
								 .stage = "sync",
								 .account = "work",
								 .text = "why" },
				  &back);
		assert_int_equal(back.kind, MAIL_PROGRESS_ERROR);
		assert_int_equal(back.status, st);
		free(line);
	}
	assert_false(vt_status_from_token("Authentication failed", &(vt_status){ 0 }));
	assert_false(vt_status_from_token(NULL, &(vt_status){ 0 }));
}

/* A folder named by the server, a message quoting a mail: tabs, newlines
 * and escapes cannot split a field or reach the terminal. */
static void
hostile_fields_stay_in_their_field(void **state)
{
	struct mail_progress_event back;
	char *line;

	(void)state;
	line = round_trip(&(struct mail_progress_event){ .kind = MAIL_PROGRESS_FOLDER_FAILED,
							 .status = VT_ERR_PROTOCOL,
							 .account = "wo\trk",
							 .folder = "In\tbox\nsummary\tfake",
							 .text = "\033[2Jcleared\r\nidle\tx" },
			  &back);
	assert_int_equal(back.kind, MAIL_PROGRESS_FOLDER_FAILED);
	assert_int_equal(back.status, VT_ERR_PROTOCOL);
	assert_null(strpbrk(back.account, "\t\n\033"));
	assert_null(strpbrk(back.folder, "\t\n\033"));
	assert_null(strpbrk(back.text, "\t\r\n\033"));
	assert_non_null(strstr(back.folder, "summary"));
	assert_non_null(strstr(back.text, "cleared"));
	free(line);

	/* NULL text fields are written empty */
	line = round_trip(&(struct mail_progress_event){ .kind = MAIL_PROGRESS_FETCH }, &back);
	assert_string_equal(line, "progress\t0\t0\t\t");
	assert_int_equal(back.kind, MAIL_PROGRESS_FETCH);
	free(line);
}

static void
malformed_and_foreign_lines_are_other(void **state)
{
	static const char *const other[] = {
		"progress\tx\t400\twork\tINBOX",  /* not a number */
		"progress\t1\t2\twork",           /* a field short */
		"progress\t99999999999\t2\tw\tf", /* too big */
		"progress\t-1\t2\tw\tf",
		"folder-failed\twork\tArchive\twhy",       /* no status (the old form) */
		"folder-failed\tsoon\twork\tArchive\twhy", /* not a status */
		"error\tnet\tsync\twork",                  /* no WHY */
		"indexing\tnow",                           /* indexing takes nothing */
		"summary",                                 /* summary takes its text */
		"idle",
		"progressive\t1\t2\tw\tf", /* a word is a whole word */
		"vtriage: sync work: login as buyer: login refused",
		"",
	};
	struct mail_progress_event ev;

	(void)state;
	for (size_t i = 0; i < sizeof other / sizeof other[0]; i++) {
		mail_progress_parse(other[i], &ev);
		assert_int_equal(ev.kind, MAIL_PROGRESS_OTHER);
		/* passed on whole, as it came */
		assert_string_equal(ev.text, other[i]);
		assert_string_equal(ev.account, "");
		assert_string_equal(ev.folder, "");
	}
	mail_progress_parse(NULL, &ev);
	assert_int_equal(ev.kind, MAIL_PROGRESS_OTHER);
	assert_string_equal(ev.text, "");

	/* the last field runs to the end of the line */
	mail_progress_parse("summary\tSynced; 2 FAILED\textra", &ev);
	assert_int_equal(ev.kind, MAIL_PROGRESS_SUMMARY);
	assert_string_equal(ev.text, "Synced; 2 FAILED\textra");
}

/* A line longer than the event keeps is cut, never overrun. */
static void
long_lines_are_cut(void **state)
{
	struct mail_progress_event ev;
	size_t n = 3 * MAIL_PROGRESS_LINE_MAX;
	char *line = malloc(n + 1);

	(void)state;
	assert_non_null(line);
	memcpy(line, "summary\t", 8);
	memset(line + 8, 'x', n - 8);
	line[n] = '\0';
	mail_progress_parse(line, &ev);
	assert_int_equal(ev.kind, MAIL_PROGRESS_SUMMARY);
	assert_int_equal(strlen(ev.text), MAIL_PROGRESS_LINE_MAX - 1 - 8);
	free(line);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(each_kind_reads_back_as_written),
		cmocka_unit_test(every_status_crosses_as_a_token),
		cmocka_unit_test(hostile_fields_stay_in_their_field),
		cmocka_unit_test(malformed_and_foreign_lines_are_other),
		cmocka_unit_test(long_lines_are_cut),
	};

	return cmocka_run_group_tests_name("progress", tests, NULL, NULL);
}
