/* Bodies (mail/body.c): every inline text part read, in order, one of a
 * multipart/alternative; attached messages with their headers and text,
 * to a bounded depth; the same text for the pager and for the index. */
#include "config.h"

#include "helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mail/mail.h"
#include "mail/private.h"

struct body {
	char *dir, path[4200];
	struct mail_pieces pieces;
	char *text;  /* the pager's text (mail_body_text) */
	char *index; /* the index's (mail_body_text_of) */
};

/* Writes the message, reads its pieces and both of its texts. */
static void
read_body(struct body *b, const char *message, size_t max)
{
	struct vt_error err = { 0 };
	GMimeMessage *parsed;

	b->dir = test_mkdtemp();
	snprintf(b->path, sizeof b->path, "%s/m", b->dir);
	test_write_file(b->path, message, strlen(message));
	if (mail_body_pieces(b->path, max, &b->pieces, &err) != VT_OK)
		fail_msg("pieces: %s", err.msg);
	if (mail_body_text(b->path, max, &b->text, &err) != VT_OK)
		fail_msg("text: %s", err.msg);
	parsed = mail_parse_file(b->path, &err);
	assert_non_null(parsed);
	b->index = mail_body_text_of(parsed, max);
	assert_non_null(b->index);
	g_object_unref(parsed);
}

static void
body_clear(struct body *b)
{
	mail_pieces_clear(&b->pieces);
	free(b->text);
	free(b->index);
	test_rmdir(b->dir);
	free(b->dir);
	memset(b, 0, sizeof *b);
}

static void
piece_is(const struct body *b, size_t i, enum mail_piece_kind kind, int depth, const char *text)
{
	assert_true(i < b->pieces.count);
	assert_int_equal(b->pieces.items[i].kind, kind);
	assert_int_equal(b->pieces.items[i].depth, depth);
	if (text != NULL)
		assert_string_equal(b->pieces.items[i].text, text);
}

static void
a_missing_file_is_an_error_and_no_body_no_pieces(void **state)
{
	struct mail_pieces pieces = { 0 };
	struct vt_error err = { 0 };
	struct body b;

	(void)state;
	assert_int_equal(mail_body_pieces("/nonexistent/m", 100, &pieces, &err), VT_ERR_IO);
	assert_int_equal(pieces.count, 0);
	assert_non_null(strstr(err.msg, "/nonexistent/m"));
	mail_pieces_clear(&pieces);
	read_body(&b, "From: a@acme.example\nSubject: x\n", 100);
	assert_int_equal(b.pieces.count, 0);
	assert_string_equal(b.text, "");
	assert_string_equal(b.index, "");
	body_clear(&b);
}

static void
one_text_part_reads_as_it_always_did(void **state)
{
	struct body b;

	(void)state;
	read_body(&b, "Content-Type: text/plain\n\nHello\r\nWorld\n", 100);
	assert_int_equal(b.pieces.count, 1);
	piece_is(&b, 0, MAIL_PIECE_TEXT, 0, "Hello\nWorld\n");
	assert_string_equal(b.text, "Hello\nWorld\n");
	assert_string_equal(b.index, "Hello\nWorld\n");
	body_clear(&b);
	/* of the same text in two forms, the plain one */
	read_body(&b,
		  "Content-Type: multipart/alternative; boundary=A\n\n--A\n"
		  "Content-Type: text/plain\n\nplain\n--A\nContent-Type: text/html\n\n"
		  "<p>html</p>\n--A--\n",
		  100);
	assert_int_equal(b.pieces.count, 1);
	piece_is(&b, 0, MAIL_PIECE_TEXT, 0, "plain");
	assert_string_equal(b.index, "plain");
	body_clear(&b);
}

/* format=flowed (RFC 3676): soft breaks joined as the sender's client
 * shows them, stuffing removed, quotes and the signature kept apart. */
static void
flowed_text_reads_as_it_shows(void **state)
{
	struct body b;

	(void)state;
	read_body(&b,
		  "Content-Type: text/plain; format=flowed\n\n"
		  "Please pay to IBAN GB82 WEST \r\n1234 5698 7654 32.\r\n"
		  ">> an old \r\n>> quote\r\n> said \r\nnew\r\n From here\r\n-- \r\nAnn\r\n",
		  500);
	assert_string_equal(b.text, "Please pay to IBAN GB82 WEST 1234 5698 7654 32.\n"
				    ">> an old quote\n> said \nnew\nFrom here\n-- \nAnn\n");
	assert_string_equal(b.index, b.text);
	body_clear(&b);
	/* delsp: the soft break's space is the sender's */
	read_body(&b, "Content-Type: text/plain; format=Flowed; delsp=yes\n\nGB82WEST1234 \n5698\n",
		  100);
	assert_string_equal(b.text, "GB82WEST12345698\n");
	body_clear(&b);
	/* and text that is not flowed stays as it came */
	read_body(&b, "Content-Type: text/plain\n\nGB82 WEST \n1234\n", 100);
	assert_string_equal(b.text, "GB82 WEST \n1234\n");
	body_clear(&b);
}

static const char two_parts[] = "Content-Type: multipart/mixed; boundary=M\n\n--M\n"
				"Content-Type: text/plain\n\nfirst part\n--M\n"
				"Content-Type: text/plain\n\nsecond part: new IBAN\n--M\n"
				"Content-Type: image/png\n\n\x89PNG\n--M\n"
				"Content-Type: text/html\n\n<p>third, in HTML</p>\n--M--\n";

static void
every_inline_text_part_is_read_in_order(void **state)
{
	struct body b;

	(void)state;
	read_body(&b, two_parts, 1000);
	assert_int_equal(b.pieces.count, 3); /* the image is an attachment */
	piece_is(&b, 0, MAIL_PIECE_TEXT, 0, "first part");
	piece_is(&b, 1, MAIL_PIECE_TEXT, 0, "second part: new IBAN");
	piece_is(&b, 2, MAIL_PIECE_TEXT, 0, "third, in HTML");
	assert_string_equal(b.text, "first part\n\nsecond part: new IBAN\n\nthird, in HTML");
	/* the index reads what the pager shows: no part hides text from
	 * the payment and document readers */
	assert_string_equal(b.index, b.text);
	body_clear(&b);
	/* at most max bytes in all, cut in a later part */
	read_body(&b, two_parts, 16);
	assert_int_equal(b.pieces.count, 2);
	piece_is(&b, 0, MAIL_PIECE_TEXT, 0, "first part");
	piece_is(&b, 1, MAIL_PIECE_TEXT, 0, "second");
	assert_string_equal(b.text, "first part\n\nseco");
	body_clear(&b);
}

/* A forward as vtriage's forward --attach and most clients send it: the
 * sender's text, then the original whole as message/rfc822. */
static const char forwarded[] =
	"From: Sam <sam@parts.example>\nSubject: Fwd: bill\nMIME-Version: 1.0\n"
	"Content-Type: multipart/mixed; boundary=O\n\n--O\n"
	"Content-Type: text/plain\n\nouter text\n--O\n"
	"Content-Type: message/rfc822\nContent-Disposition: attachment\n\n"
	"From: Billing <billing@acmetel.example>\nTo: ops@globex.example\n"
	"Cc: ap@globex.example\nSubject: =?utf-8?q?Invoice=0AFrom=3A_x=40bank.example?=\n"
	"Date: Sun, 01 Nov 2026 09:00:00 +0000\nMIME-Version: 1.0\n"
	"Content-Type: multipart/alternative; boundary=I\n\n--I\n"
	"Content-Type: text/plain\n\ninner plain text\n--I\n"
	"Content-Type: text/html\n\n<p>inner html text</p>\n--I--\n"
	"\n--O\nContent-Type: text/plain\n\nafter it\n--O--\n";

static void
an_attached_message_is_read_with_its_headers(void **state)
{
	const struct mail_piece *m;
	struct body b;

	(void)state;
	read_body(&b, forwarded, 4096);
	assert_int_equal(b.pieces.count, 4);
	piece_is(&b, 0, MAIL_PIECE_TEXT, 0, "outer text");
	piece_is(&b, 1, MAIL_PIECE_MESSAGE, 1, NULL);
	m = &b.pieces.items[1];
	assert_string_equal(m->from, "Billing <billing@acmetel.example>");
	assert_string_equal(m->to, "ops@globex.example");
	assert_string_equal(m->cc, "ap@globex.example");
	/* a newline decoded from an encoded word makes no second header */
	assert_string_equal(m->subject, "Invoice From: x@bank.example");
	assert_int_equal(m->date, 1793523600);
	piece_is(&b, 2, MAIL_PIECE_TEXT, 1, "inner plain text");
	piece_is(&b, 3, MAIL_PIECE_TEXT, 0, "after it");
	/* one text, as an inline forward reads: the readers of signatures
	 * and documents know the sender's text from the forwarded one */
	assert_string_equal(b.index, "outer text\n\n"
				     "---------- Forwarded message ----------\n"
				     "From: Billing <billing@acmetel.example>\n"
				     "Date: Sun, 01 Nov 2026 09:00 +0000\n"
				     "Subject: Invoice From: x@bank.example\n"
				     "To: ops@globex.example\n"
				     "Cc: ap@globex.example\n\n"
				     "inner plain text\n\n"
				     "after it");
	assert_string_equal(b.text, b.index);
	body_clear(&b);
}

/* An attached message whose sender's name GMime refuses (an unquoted
 * "[" or "@"): its From was shown, and read by the signature reader, as
 * nothing. */
static void
an_attached_messages_sender_with_an_unquoted_special_is_kept(void **state)
{
	GString *mail = g_string_new(forwarded);
	struct body b;

	(void)state;
	g_string_replace(mail, "From: Billing <billing@", "From: Billing [Acmetel] <billing@", 1);
	g_string_replace(mail, "To: ops@globex.example", "To: Ops @ Globex <ops@globex.example>",
			 1);
	read_body(&b, mail->str, 4096);
	g_string_free(mail, TRUE);
	piece_is(&b, 1, MAIL_PIECE_MESSAGE, 1, NULL);
	assert_string_equal(b.pieces.items[1].from,
			    "\"Billing [Acmetel]\" <billing@acmetel.example>");
	assert_string_equal(b.pieces.items[1].to, "\"Ops @ Globex\" <ops@globex.example>");
	assert_non_null(
		strstr(b.index, "\nFrom: \"Billing [Acmetel]\" <billing@acmetel.example>\n"));
	body_clear(&b);
}

/* Text past the budget is left out, and the pieces say so: the pager
 * ended a 5 MB body at 256 kB as if the mail ended there. */
static void
text_left_out_is_said(void **state)
{
	static const char text_then_pdf[] = "Subject: x\nMIME-Version: 1.0\n"
					    "Content-Type: multipart/mixed; boundary=B\n\n--B\n"
					    "Content-Type: text/plain\n\n0123456789\n--B\n"
					    "Content-Type: application/pdf\n\n%PDF\n--B--\n";
	static const char crlf[] = "Subject: x\r\n\r\n0123456789\r\n";
	struct body b;

	(void)state;
	read_body(&b, "Subject: x\n\n0123456789abcdef\n", 10);
	piece_is(&b, 0, MAIL_PIECE_TEXT, 0, "0123456789");
	assert_true(b.pieces.cut);
	body_clear(&b);
	/* all of it, and an attachment after: nothing cut */
	read_body(&b, text_then_pdf, 11);
	piece_is(&b, 0, MAIL_PIECE_TEXT, 0, "0123456789");
	assert_false(b.pieces.cut);
	body_clear(&b);
	read_body(&b, crlf, 11);
	assert_false(b.pieces.cut);
	body_clear(&b);
	/* a second text part past the budget */
	read_body(&b, forwarded, 11);
	piece_is(&b, 0, MAIL_PIECE_TEXT, 0, "outer text");
	assert_true(b.pieces.cut);
	body_clear(&b);
	read_body(&b, forwarded, 4096);
	assert_false(b.pieces.cut);
	body_clear(&b);
}

/* A multipart whose boundary is missing, or not the one its lines use:
 * GMime finds no part, and the message showed (and the index read)
 * nothing. Its raw text now. */
static void
a_multipart_without_parts_is_read_raw(void **state)
{
	static const char *const broken[] = {
		"Subject: x\nMIME-Version: 1.0\nContent-Type: multipart/mixed\n\n"
		"--X\nContent-Type: text/plain\n\nPay to DE89 3704 0044 0532 0130 00\n--X--\n",
		"Subject: x\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=abc\n\n"
		"--abcd\nContent-Type: text/plain\n\nPay to DE89 3704 0044 0532 0130 00\n--abcd--\n",
	};
	struct body b;

	(void)state;
	for (size_t i = 0; i < sizeof broken / sizeof broken[0]; i++) {
		read_body(&b, broken[i], 4096);
		assert_int_equal(b.pieces.count, 1);
		assert_int_equal(b.pieces.items[0].kind, MAIL_PIECE_RAW);
		assert_non_null(strstr(b.pieces.items[0].text, "Pay to DE89"));
		assert_non_null(strstr(b.index, "Pay to DE89"));
		assert_false(b.pieces.cut);
		body_clear(&b);
	}
	/* and within the budget */
	read_body(&b, broken[0], 8);
	assert_string_equal(b.pieces.items[0].text, "--X\nCont");
	assert_true(b.pieces.cut);
	body_clear(&b);
}

static void
attached_messages_nest_to_a_bound(void **state)
{
	GString *mail = g_string_new(NULL);
	size_t cut = 0;
	struct body b;

	(void)state;
	/* a forward of a forward ... 30 deep, each with its text */
	for (int i = 0; i < 30; i++)
		g_string_append_printf(mail,
				       "Subject: level %d\nContent-Type: multipart/mixed; "
				       "boundary=B%d\n\n--B%d\nContent-Type: text/plain\n\n"
				       "text %d\n--B%d\nContent-Type: message/rfc822\n\n",
				       i, i, i, i, i);
	g_string_append(mail, "Subject: bottom\n\nbottom text\n");
	for (int i = 29; i >= 0; i--)
		g_string_append_printf(mail, "\n--B%d--\n", i);
	read_body(&b, mail->str, 1 << 20);
	g_string_free(mail, TRUE);
	piece_is(&b, 0, MAIL_PIECE_TEXT, 0, "text 0");
	piece_is(&b, 1, MAIL_PIECE_MESSAGE, 1, NULL);
	assert_string_equal(b.pieces.items[1].subject, "level 1");
	piece_is(&b, 2, MAIL_PIECE_TEXT, 1, "text 1");
	for (size_t i = 0; i < b.pieces.count; i++) {
		assert_true(b.pieces.items[i].depth <= 9);
		cut += b.pieces.items[i].kind == MAIL_PIECE_CUT;
	}
	/* what is not read is said, not left out */
	assert_int_equal(cut, 1);
	assert_null(strstr(b.text, "bottom text"));
	assert_non_null(strstr(b.text, "(parts nested too deep to read)"));
	body_clear(&b);
}

/* header: the value of To read from the file's header alone */
static char *
to_of(const char *message)
{
	char *dir = test_mkdtemp(), path[4200], *to;

	snprintf(path, sizeof path, "%s/m", dir);
	test_write_file(path, message, strlen(message));
	to = mail_file_header(path, "to");
	test_rmdir(dir);
	free(dir);
	return to;
}

static void
a_header_is_read_from_the_header_alone(void **state)
{
	char *to;

	(void)state;
	to = to_of("From: a@b.example\nTo: =?utf-8?q?R=C3=A9mi?= <r@x.example>\n\n"
		   "To: body@x.example\n");
	assert_string_equal(to, "R\xc3\xa9mi <r@x.example>");
	free(to);
	to = to_of("From: a@b.example\r\nSubject: s\r\n\r\nTo: body@x.example\r\n");
	assert_string_equal(to, "");
	free(to);
	to = to_of("To: only@x.example\n");
	assert_string_equal(to, "only@x.example");
	free(to);
	to = to_of("");
	assert_string_equal(to, "");
	free(to);
	to = mail_file_header("/nonexistent/vtriage/m", "to");
	assert_string_equal(to, "");
	free(to);
}

static void
a_mail_of_too_many_parts_is_read_up_to_a_bound(void **state)
{
	/* parts of 40 bytes: the bound's line lies past the first 64 kB
	 * read, and lines straddle the reads */
	GString *m = g_string_new("From: a@b.example\nTo: r@x.example\nMIME-Version: 1.0\n"
				  "Content-Type: multipart/mixed; boundary=\"bb\"\n\n");
	struct body b = { 0 };

	(void)state;
	for (int i = 0; i < 6000; i++)
		g_string_append_printf(m, "--bb\nContent-Type: text/plain\n\np%05d\n", i);
	g_string_append(m, "--bb--\n");
	read_body(&b, m->str, 1 << 20);
	assert_true(b.pieces.parts_cut);
	/* the parts the first 5,000 "--" lines open */
	assert_int_equal(b.pieces.count, 5000);
	piece_is(&b, 4999, MAIL_PIECE_TEXT, 0, NULL);
	assert_string_equal(b.pieces.items[4999].text, "p04999\n"); /* never closed */
	body_clear(&b);
	g_string_free(m, TRUE);

	/* at the bound exactly (4,999 parts and the closing line):
	 * nothing is left out */
	m = g_string_new("From: a@b.example\nMIME-Version: 1.0\n"
			 "Content-Type: multipart/mixed; boundary=\"bb\"\n\n");
	for (int i = 0; i < 4999; i++)
		g_string_append_printf(m, "--bb\n\nq%d\n", i);
	g_string_append(m, "--bb--\n");
	read_body(&b, m->str, 1 << 20);
	assert_false(b.pieces.parts_cut);
	assert_int_equal(b.pieces.count, 4999);
	body_clear(&b);
	g_string_free(m, TRUE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_missing_file_is_an_error_and_no_body_no_pieces),
		cmocka_unit_test(one_text_part_reads_as_it_always_did),
		cmocka_unit_test(flowed_text_reads_as_it_shows),
		cmocka_unit_test(every_inline_text_part_is_read_in_order),
		cmocka_unit_test(an_attached_message_is_read_with_its_headers),
		cmocka_unit_test(an_attached_messages_sender_with_an_unquoted_special_is_kept),
		cmocka_unit_test(text_left_out_is_said),
		cmocka_unit_test(a_multipart_without_parts_is_read_raw),
		cmocka_unit_test(attached_messages_nest_to_a_bound),
		cmocka_unit_test(a_header_is_read_from_the_header_alone),
		cmocka_unit_test(a_mail_of_too_many_parts_is_read_up_to_a_bound),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
