/* Bodies and signatures: the project's fixtures, real signatures of the
 * SpamAssassin corpus (quoted as string literals, file named), and input
 * that must yield nothing. */
#include "helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mail/mail.h"

static struct mail_signature
parse(const char *body, const char *from_name, bool expect_found)
{
	struct mail_signature sig;

	assert_int_equal(mail_signature_parse(body, from_name, &sig), expect_found);
	return sig;
}

static bool
has_phone(const struct mail_signature *s, const char *phone)
{
	for (size_t i = 0; i < s->n_phones; i++)
		if (strcmp(s->phones[i], phone) == 0)
			return true;
	return false;
}

/* easy-ham-1/00086.2d36c5f829135d1fed8f88471163b240.txt (a list post; its
 * footer follows a "-- " line) */
static const char dell_quinn[] =
	"Hi all,\n\nsome question about a printer.\n\n\n\n"
	"Dell Quinn\nAccount Executive\nFleishman-Hillard Saunders\n15 Fitzwilliam Quay\n"
	"Dublin 4\nIreland\nTel: 01 6188428\nFax: 01 6602244\nMobile: 086 6048101\n \n\n\n"
	"-- \nIrish Linux Users' Group: ilug@linux.ie\n"
	"http://www.linux.ie/mailman/listinfo/ilug for (un)subscription information.\n"
	"List maintainer: listmaster@linux.ie\n";

/* easy-ham-1/01438.3bdd05f78df18d1add2e9a5afd85a6e6.txt: columns, and a
 * list footer after a rule line */
static const char larry_rosenman[] =
	"Just FYI. \n\n\n-- \n"
	"Larry Rosenman                     http://www.lerctr.org/~ler\n"
	"Phone: +1 972-414-9812                 E-Mail: ler@lerctr.org\n"
	"US Mail: 1905 Steamboat Springs Drive, Garland, TX 75044-6749\n\n\n\n"
	"-------------------------------------------------------\n"
	"This sf.net email is sponsored by: OSDN - Tired of that same old\n"
	"cell phone?  Get a new here for FREE!\n"
	"_______________________________________________\n"
	"Spamassassin-talk mailing list\nSpamassassin-talk@lists.sourceforge.net\n"
	"https://lists.sourceforge.net/lists/listinfo/spamassassin-talk\n";

/* easy-ham-1/01021.3fc1c0955f38f5873882a577f00a5f2c.txt */
static const char wendy_roberts[] =
	"Thanks, that fixed it.\n\n--\nWendy Roberts          \n"
	"HEAD System Administrator                             \n"
	"High Energy Astrophsics Division\nHarvard-Smithsonian Center for Astrophysics\n"
	"Cambridge, MA USA 02138\nwendy@cfa.harvard.edu  \nPhone:  617-495-7153  \n";

/* easy-ham-2/00435.bd3256b7121a17fdde953a72854291fd.txt (abridged) */
static const char aj_mckee[] =
	"Aj\n\n- ----------------------------------------\nAJ McKee\nNMTB media\n\n"
	"Phone: (Europe) +353 1 473 53 72\n       (North America) +1 206 339 4326\n";

static void
real_signatures_of_the_corpus(void **state)
{
	struct mail_signature s;

	(void)state;
	s = parse(dell_quinn, "Dell Quinn", true);
	assert_string_equal(s.name, "Dell Quinn");
	assert_string_equal(s.title, "Account Executive");
	assert_true(has_phone(&s, "01 6188428"));
	assert_true(has_phone(&s, "086 6048101"));
	assert_false(has_phone(&s, "01 6602244")); /* the fax */

	s = parse(larry_rosenman, NULL, true);
	assert_string_equal(s.name, "Larry Rosenman");
	assert_int_equal(s.n_phones, 1); /* not the zip code */
	assert_string_equal(s.phones[0], "+1 972-414-9812");

	s = parse(wendy_roberts, "Wendy Roberts", true);
	assert_string_equal(s.name, "Wendy Roberts");
	assert_string_equal(s.title, "HEAD System Administrator");
	assert_true(has_phone(&s, "617-495-7153"));

	s = parse(aj_mckee, NULL, true);
	assert_true(has_phone(&s, "+353 1 473 53 72"));
	assert_true(has_phone(&s, "+1 206 339 4326"));
}

static char *
fixture_body(const char *needle)
{
	char cmd[4096], path[4096];
	struct vt_error err = { 0 };
	char *text = NULL;
	FILE *p;

	snprintf(cmd, sizeof cmd, "grep -l -F '%s' '%s'/demo/Maildir/INBOX/cur/* | head -1", needle,
		 test_fixtures());
	p = popen(cmd, "r");
	assert_non_null(p);
	assert_non_null(fgets(path, sizeof path, p));
	pclose(p);
	path[strcspn(path, "\n")] = '\0';
	if (mail_body_text(path, 64 * 1024, &text, &err) != VT_OK)
		fail_msg("%s", err.msg);
	return text;
}

static void
signatures_of_the_demo_mailbox(void **state)
{
	struct mail_signature s;
	char *body;

	(void)state;
	/* the dispute reply: "-- " block, title, two phones, manager */
	body = fixture_body("case #AT-44871 with our billing");
	s = parse(body, "Dana Whitfield", true);
	assert_string_equal(s.name, "Dana Whitfield");
	assert_string_equal(s.title, "Senior Account Executive");
	assert_true(has_phone(&s, "+1 (555) 010-2233"));
	assert_true(has_phone(&s, "+1 555 010 9876"));
	assert_string_equal(s.manager, "Tom Becker");
	/* Rich's quoted mail below it gave nothing */
	assert_int_equal(s.n_phones, 2);
	free(body);

	/* the quote with its attachment: the title without the company */
	body = fixture_body("Q-2026-1187: 3,000");
	s = parse(body, "Sam Lee", true);
	assert_string_equal(s.name, "Sam Lee");
	assert_string_equal(s.title, "Regional Sales Manager");
	free(body);
}

static void
nothing_is_found_where_there_is_nothing(void **state)
{
	struct mail_signature s;

	(void)state;
	s = parse("", NULL, false);
	s = parse("just one line, no sign-off", NULL, false);
	/* a signature that is only quoted is the other writer's */
	s = parse("Agreed.\n\nOn Mon, 1 Jan 2026, Dana <d@x.example> wrote:\n> Hi\n> -- \n"
		  "> Dana Whitfield\n> Account Executive\n> Tel: +1 555 010 2233\n",
		  NULL, false);
	assert_string_equal(s.name, "");
	/* a list footer after "-- " is nobody's signature */
	s = parse("Any ideas?\n\n-- \nIrish Linux Users' Group: ilug@linux.ie\n"
		  "http://www.linux.ie/mailman/listinfo/ilug for (un)subscription information.\n",
		  NULL, false);
	/* real text that once looped the phone finder (hard-ham-1) */
	s = parse("Bye\n\nMalcolm in the Middle(TM) and (c)2002 Twentieth Century Fox Film\n",
		  NULL, false);
	/* invoices and ids are not phones; a company is not a person */
	s = parse("Invoice AT-2026-10\nTicket #TKT-1029384\nOrder ORD-77120\n\nRegards,\n"
		  "AcmeTel Business Services\nBilling Department\n",
		  NULL, false);
	assert_int_equal(s.n_phones, 0);
	assert_string_equal(s.name, "");
}

static void
manager_sentences(void **state)
{
	struct mail_signature s;

	(void)state;
	s = parse("If I am out, my manager, Jane Q Doe, can help.\n", NULL, true);
	assert_string_equal(s.manager, "Jane Q Doe");
	s = parse("My supervisor is Carlos Ruiz.\n", NULL, true);
	assert_string_equal(s.manager, "Carlos Ruiz");
	s = parse("my manager is out today\n", NULL, false);
	assert_string_equal(s.manager, "");
}

static void
bodies_are_text(void **state)
{
	char *dir = test_mkdtemp(), path[4200], *text = NULL;
	struct vt_error err = { 0 };

	(void)state;
	/* HTML only: reduced to text, scripts and styles dropped */
	text = fixture_body("Introducing Initech Cloud Vault");
	assert_non_null(strstr(text, "Introducing Initech Cloud Vault"));
	assert_null(strchr(text, '<'));
	assert_null(strstr(text, "&amp;"));
	free(text);
	/* ISO-8859-1 decoded to UTF-8 */
	text = fixture_body("Angebot");
	assert_non_null(strstr(text, "\xc3")); /* some decoded umlaut */
	free(text);
	/* broken and hostile files never fail the reader */
	snprintf(path, sizeof path, "%s/bin", dir);
	test_write_file(path, "\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16);
	assert_int_equal(mail_body_text(path, 1024, &text, &err), VT_OK);
	free(text);
	snprintf(path, sizeof path, "%s/mime", dir);
	test_write_text(path, "From: a@b.example\nSubject: x\nMIME-Version: 1.0\n"
			      "Content-Type: multipart/mixed; boundary=\"XX\"\n\n--XX\n"
			      "Content-Type: text/plain; charset=x-no-such-charset\n\ncaf\xe9 \xff\n");
	assert_int_equal(mail_body_text(path, 1024, &text, &err), VT_OK);
	assert_non_null(strstr(text, "caf"));
	free(text);
	/* CRLF folded, and the size bounded on a character boundary */
	snprintf(path, sizeof path, "%s/crlf", dir);
	test_write_text(path, "From: a@b.example\r\nSubject: x\r\n\r\nline\r\n\xc3\xa9\xc3\xa9\xc3\xa9\r\n");
	assert_int_equal(mail_body_text(path, 8, &text, &err), VT_OK);
	assert_null(strchr(text, '\r'));
	assert_true(strlen(text) <= 8);
	assert_string_equal(text, "line\n\xc3\xa9");
	free(text);
	snprintf(path, sizeof path, "%s/missing", dir);
	assert_int_equal(mail_body_text(path, 8, &text, &err), VT_ERR_IO);
	assert_non_null(strstr(err.msg, "missing"));
	test_rmdir(dir);
	free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(real_signatures_of_the_corpus),
		cmocka_unit_test(signatures_of_the_demo_mailbox),
		cmocka_unit_test(nothing_is_found_where_there_is_nothing),
		cmocka_unit_test(manager_sentences),
		cmocka_unit_test(bodies_are_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
