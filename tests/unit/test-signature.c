/*
 * Bodies and signatures: the project's demo mailbox, real signatures of the
 * SpamAssassin corpus (quoted as string literals, abridged, file named),
 * and input that must yield nothing.
 */
#include "config.h"

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

/* The text of the demo INBOX message whose file holds needle. */
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
	if (fgets(path, sizeof path, p) == NULL)
		fail_msg("no demo message holds \"%s\"", needle);
	pclose(p);
	path[strcspn(path, "\n")] = '\0';
	if (mail_body_text(path, 64 * 1024, &text, &err) != VT_OK)
		fail_msg("%s", err.msg);
	assert_non_null(text);
	return text;
}

/* ---- NULL, empty, nothing ---------------------------------------------- */

static void
nothing_is_found_where_there_is_nothing(void **state)
{
	struct mail_signature s;

	(void)state;
	s = parse(NULL, NULL, false);
	assert_string_equal(s.name, "");
	s = parse("", "Dana Whitfield", false);
	s = parse("\n\n\n", NULL, false);
	s = parse("just one line, no sign-off", NULL, false);
	/* a one-paragraph message is prose, however name-like its end */
	s = parse("Can you send the report\nJohn Smith\n", NULL, false);
	/* greetings, closings and companies are not people */
	s = parse("Hi all,\n\nthe build is green.\n\nHave Fun,\nJim.\n", "James McBoyle", false);
	s = parse("Invoice AT-2026-10\nTicket #TKT-1029384\nOrder ORD-77120\n\nRegards,\n"
		  "AcmeTel Business Services\nBilling Department\n",
		  NULL, false);
	assert_int_equal(s.n_phones, 0);
	/* real text that once looped the phone finder (hard-ham-1) */
	s = parse("Bye\n\nMalcolm in the Middle(TM) and (c)2002 Twentieth Century Fox Film\n", NULL,
		  false);
	/* hard-ham-1/00211.1ca67c3677fa0051ccfa27c756d32b5a.txt: "f_test(1,9)"
	 * once looped it too: a "(" right after a word */
	s = parse("Try this:\n\n-- \nselect f_test(1,9);\n", NULL, false);
}

/* ---- real signatures ----------------------------------------------------- */

/* easy-ham-1/00086.2d36c5f829135d1fed8f88471163b240.txt: no delimiter of
 * its own; a list footer follows a "-- " line */
static const char dell_quinn[] =
	"Hi all,\n\nsome question about a printer.\n\n\n\n"
	"Dell Quinn\nAccount Executive\nFleishman-Hillard Saunders\n15 Fitzwilliam Quay\n"
	"Dublin 4\nIreland\nTel: 01 6188428\nFax: 01 6602244\nMobile: 086 6048101\n \n\n\n"
	"-- \nIrish Linux Users' Group: ilug@linux.ie\n"
	"http://www.linux.ie/mailman/listinfo/ilug for (un)subscription information.\n"
	"List maintainer: listmaster@linux.ie\n";

/* easy-ham-1/01438.3bdd05f78df18d1add2e9a5afd85a6e6.txt: columns, a
 * street address with a zip code, and a sponsor's and a list's footer */
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

/* easy-ham-1/01021.3fc1c0955f38f5873882a577f00a5f2c.txt: "--" without
 * its space */
static const char wendy_roberts[] =
	"Thanks, that fixed it.\n\n--\nWendy Roberts          \n"
	"HEAD System Administrator                             \n"
	"High Energy Astrophsics Division\nHarvard-Smithsonian Center for Astrophysics\n"
	"Cambridge, MA USA 02138\nwendy@cfa.harvard.edu  \nPhone:  617-495-7153  \n";

/* easy-ham-2/00435.bd3256b7121a17fdde953a72854291fd.txt (abridged): a rule
 * line, and a second number on a continuation line */
static const char aj_mckee[] =
	"Aj\n\n- ----------------------------------------\nAJ McKee\nNMTB media\n\n"
	"Phone: (Europe) +353 1 473 53 72\n       (North America) +1 206 339 4326\n";

/* easy-ham-2/00235.8b55a8bb29e92f8db66639e36f216721.txt: name and title on
 * one line, one-letter labels, a fax among the phones */
static const char colm_buckley[] =
	"Please contact me directly if you wish to apply.\n\n           Colm\n\n-- \n"
	"Colm Buckley - Systems Architect at NewWorldIQ\n"
	"w : http://www.newworldiq.com/    e : colm@newworldiq.com\n"
	"t : +353 1 4334334    f : +353 1 4334301    m : +353 87 2469146\n"
	"Quantum mechanics: the dreams stuff is made of.\n\n\n"
	"-- \nIrish Linux Users' Group: ilug@linux.ie\n"
	"http://www.linux.ie/mailman/listinfo/ilug for (un)subscription information.\n";

/* easy-ham-1/00940.2d6167e70e2aaa01e531409f1dbdd551.txt: "|" columns */
static const char gregory_bolcer[] = "I've given up trying to report bugs and any changes to the\n"
				     "source I send always get lost.\n\nGreg\n\n\n-- \n"
				     "Gregory Alan Bolcer, CTO  | work: +1.949.833.2800\n"
				     "gbolcer at endeavors.com  | http://endeavors.com\n"
				     "Endeavors Technology, Inc.| cell: +1.714.928.5476\n";

/* easy-ham-2/00018.3b6a8c5da4043f2a6a63a1ae12bd9824.txt: a rule line,
 * trailing commas, and an Outlook "Original Message" below */
static const char graham_smith[] =
	"use a bootable zip disk with all the relevant dos utils.\n\nG.\n"
	"___________________________\n Graham Smith,\n Network Administrator,\n"
	" Department of Computing,\n Institute of Technology,\n Tallaght, Dublin 24\n"
	" Phone: + 353 (01) 4042840\n\n-----Original Message-----\n"
	"From: Ciaran Johnston [mailto:cj@nologic.org]\nSent: 21 August 2002 16:22\n"
	"To: ilug@linux.ie\nSubject: Re: [ILUG] Formatting a windows partition from Linux\n\n"
	"Ciaran Johnston\nSenior Engineer\nTel: +353 1 555 0000\n";

/* easy-ham-1/00089.c31c9b44b66c440d6b39c5f8841ed43b.txt: the From name is
 * "HAMILTON,DAVID (HP-Ireland,ex2)" */
static const char david_hamilton[] =
	"scheduled collection and either scheduled or immediate delivery would do me\n"
	"fine.\n\nThanks,\n\n\tDavid.\n\nDavid Hamilton\nSenior Technical Consultant\n"
	"HP Ireland \n\n-- \nIrish Linux Users' Group: ilug@linux.ie\n"
	"http://www.linux.ie/mailman/listinfo/ilug for (un)subscription information.\n";

/* easy-ham-2/00005.07b9d4aa9e6c596440295a5170111392.txt: an interleaved
 * reply, and a signature indented with tabs */
static const char valdis_kletnieks[] =
	"On Wed, 21 Aug 2002 15:01:07 +0700, Robert Elz said:\n"
	"> sequences) and I don't think I've ever seen a \"pseq\" ...\n\n"
	"My bad - I had 'Previous-Sequence: pseq' in my .mh_profile from long ago and\n"
	"far away.\n\n-- \n\t\t\t\tValdis Kletnieks\n\t\t\t\tComputer Systems Senior Engineer\n"
	"\t\t\t\tVirginia Tech\n";

/* easy-ham-1/00053.707c625cb618aadafe3e54544fa3ca78.txt: the name below
 * the "-- " is a quotation's author */
static const char quoted_linus[] =
	"That 1 is unneeded and is probably whats upsetting your kernel\n\nColin\n-- \n"
	"\"Design\" is like a religion - too much of it makes you inflexibly and unpopular.\n"
	"\t\tLinus Torvalds\n";

static void
real_signatures_of_the_corpus(void **state)
{
	struct mail_signature s;

	(void)state;
	s = parse(dell_quinn, "Quinn, Dell", true);
	assert_string_equal(s.name, "Dell Quinn");
	assert_string_equal(s.title, "Account Executive");
	assert_true(has_phone(&s, "01 6188428"));
	assert_true(has_phone(&s, "086 6048101"));
	assert_false(has_phone(&s, "01 6602244")); /* the fax */
	assert_int_equal(s.n_phones, 2);

	s = parse(larry_rosenman, NULL, true);
	assert_string_equal(s.name, "Larry Rosenman");
	assert_int_equal(s.n_phones, 1); /* not the zip code */
	assert_string_equal(s.phones[0], "+1 972-414-9812");

	s = parse(wendy_roberts, "Wendy P. Roberts", true);
	assert_string_equal(s.name, "Wendy Roberts");
	assert_string_equal(s.title, "HEAD System Administrator");
	assert_int_equal(s.n_phones, 1);
	assert_string_equal(s.phones[0], "617-495-7153");

	s = parse(aj_mckee, "AJ McKee", true);
	assert_string_equal(s.name, "AJ McKee");
	assert_true(has_phone(&s, "+353 1 473 53 72"));
	assert_true(has_phone(&s, "+1 206 339 4326"));

	s = parse(colm_buckley, "Colm Buckley", true);
	assert_string_equal(s.name, "Colm Buckley");
	assert_string_equal(s.title, "Systems Architect"); /* not "at NewWorldIQ" */
	assert_int_equal(s.n_phones, 2);
	assert_true(has_phone(&s, "+353 1 4334334"));
	assert_true(has_phone(&s, "+353 87 2469146"));

	s = parse(gregory_bolcer, "Gregory Alan Bolcer", true);
	assert_string_equal(s.name, "Gregory Alan Bolcer");
	assert_string_equal(s.title, "CTO");
	assert_true(has_phone(&s, "+1.949.833.2800"));
	assert_true(has_phone(&s, "+1.714.928.5476"));

	/* Ciaran's signature below the Original Message is not Graham's */
	s = parse(graham_smith, "Smith, Graham - Computing Technician", true);
	assert_string_equal(s.name, "Graham Smith");
	assert_string_equal(s.title, "Network Administrator");
	assert_int_equal(s.n_phones, 1);
	assert_string_equal(s.phones[0], "+ 353 (01) 4042840");

	s = parse(david_hamilton, "HAMILTON,DAVID (HP-Ireland,ex2)", true);
	assert_string_equal(s.name, "David Hamilton");
	assert_string_equal(s.title, "Senior Technical Consultant");
	assert_int_equal(s.n_phones, 0);

	s = parse(valdis_kletnieks, NULL, true);
	assert_string_equal(s.name, "Valdis Kletnieks");
	assert_string_equal(s.title, "Computer Systems Senior Engineer");

	s = parse(quoted_linus, "Colin Whittaker", false);
	assert_string_equal(s.name, "");
}

/* "Name | Title | Company" on one line: the title is the name's own
 * line's. */
static void
a_one_line_signature_holds_the_title(void **state)
{
	struct mail_signature s;

	(void)state;
	s = parse("Hi Rich,\n\nA short note.\n\nJane Doe | Customer Success Manager | Fabrikam\n",
		  "Jane Doe", true);
	assert_string_equal(s.name, "Jane Doe");
	assert_string_equal(s.title, "Customer Success Manager");
	s = parse("Hi Rich,\n\nA short note.\n\nBest,\nJane Doe | Fabrikam\nSales Director\n",
		  "Jane Doe", true);
	assert_string_equal(s.title, "Sales Director"); /* the line below still first */
}

/* ---- the demo mailbox ------------------------------------------------------ */

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
	/* Rich's quoted mail below it gave nothing ("+1 (555) 010-4400") */
	assert_int_equal(s.n_phones, 2);
	free(body);

	/* the quote with its attachment: the title without the company */
	body = fixture_body("Q-2026-1187: 3,000");
	s = parse(body, "Sam Lee", true);
	assert_string_equal(s.name, "Sam Lee");
	assert_string_equal(s.title, "Regional Sales Manager");
	assert_true(has_phone(&s, "+1 (555) 010-3141"));
	assert_true(has_phone(&s, "+1 (555) 010-3199"));
	free(body);

	/* the same Sam at Initech, before: "Account Manager, Initech" */
	body = fixture_body("From: Sam Lee <sam.lee@initech.example>");
	s = parse(body, "Sam Lee", true);
	assert_string_equal(s.name, "Sam Lee");
	assert_string_equal(s.title, "Account Manager");
	assert_true(has_phone(&s, "+1 (555) 010-7788"));
	free(body);

	/* no closing: the signature is the paragraph above the quote; the
	 * support line is labelled with words, not "Tel" */
	body = fixture_body("From: Priya Natarajan");
	s = parse(body, "Priya Natarajan", true);
	assert_string_equal(s.name, "Priya Natarajan");
	assert_string_equal(s.title, "Support Engineer");
	assert_int_equal(s.n_phones, 1);
	assert_string_equal(s.phones[0], "+1 (555) 010-4357");
	free(body);

	/* a desk's From name: the person who signed is taken */
	body = fixture_body("From: Globex Contract Renewals");
	s = parse(body, "Globex Contract Renewals", true);
	assert_string_equal(s.name, "Maria Ortiz");
	assert_string_equal(s.title, "Contract Renewals Specialist");
	free(body);

	/* ISO-8859-1, quoted-printable, a German closing and title; the
	 * phone shares its line with an address */
	body = fixture_body("vertrieb@mueller-buero.example");
	s = parse(body, "M\xc3\xbcller B\xc3\xbcrobedarf GmbH", true);
	assert_string_equal(s.name, "Katrin Sch\xc3\xa4"
				    "fer");
	assert_string_equal(s.title, "Vertriebsinnendienst");
	assert_int_equal(s.n_phones, 1);
	assert_string_equal(s.phones[0], "+49 711 555 0142");
	free(body);

	/* the HTML-only announcement is signed by a team, not a person */
	body = fixture_body("Introducing Initech Cloud Vault");
	s = parse(body, "Initech", false);
	free(body);
}

/* ---- whose text it is ----------------------------------------------------- */

static void
quoted_and_forwarded_text_is_not_the_writers(void **state)
{
	struct mail_signature s;

	(void)state;
	/* a signature that is only quoted is the other writer's */
	s = parse("Agreed.\n\nOn Mon, 1 Jan 2026, Dana <d@x.example> wrote:\n> Hi\n> -- \n"
		  "> Dana Whitfield\n> Account Executive\n> Tel: +1 555 010 2233\n",
		  NULL, false);
	assert_string_equal(s.name, "");
	/* even without an attribution line */
	s = parse("Agreed.\n\n> -- \n> Dana Whitfield\n> Account Executive\n", NULL, false);
	/* an attribution wrapped over two lines, then unmarked history */
	s = parse("Fine by me.\n\nOn Tue, Oct 6, 2026 at 10:14 AM, Rich Miller\n"
		  "<rich@northwind.example> wrote:\n\nRich Miller\nIT Manager\n",
		  NULL, false);
	/* Outlook's header block without an "Original Message" line */
	s = parse("See below.\n\n________________________________\nFrom: Rich Miller\n"
		  "Sent: Tuesday\nTo: Dana\nSubject: Dispute\n\nRich Miller\nIT Manager\n",
		  NULL, false);
	/* forwarded mail */
	s = parse("FYI\n\n---------- Forwarded message ---------\nFrom: Tom Becker\n\n"
		  "Best regards,\nTom Becker\nSales Director\n",
		  NULL, false);
	/* answers between the quotes: the signature at the bottom counts */
	s = parse("Jane Doe wrote:\n> Can you ship Friday?\n\nYes.\n\n> And the invoice?\n\n"
		  "Next week.\n\nBest regards,\nJohn Smith\nShipping Coordinator\n",
		  "John Smith", true);
	assert_string_equal(s.name, "John Smith");
	assert_string_equal(s.title, "Shipping Coordinator");
}

static void
footers_are_nobodys_signature(void **state)
{
	struct mail_signature s;

	(void)state;
	/* a list footer after "-- " */
	s = parse("Any ideas?\n\n-- \nIrish Linux Users' Group: ilug@linux.ie\n"
		  "http://www.linux.ie/mailman/listinfo/ilug for (un)subscription information.\n",
		  NULL, false);
	/* ... even when it names someone */
	s = parse("Any ideas?\n\n-- \nThis mailing list is run by\nJoe Bloggs\n"
		  "http://lists.example.org/mailman/listinfo/users\n",
		  NULL, false);
	assert_string_equal(s.name, "");
	/* "--" then a newsletter footer (the Globex newsletter's shape) */
	s = parse("See you next month,\nThe Globex team\n\n--\n"
		  "You are receiving this because you are a Globex customer.\n"
		  "Unsubscribe: https://news.globex.example/unsub?u=123\n",
		  NULL, false);
	/* a disclaimer right below a signature is cut, the signature kept */
	s = parse("Done.\n\nRegards,\nMary Jones\nAccount Manager\nDirect: +1 555 010 1234\n"
		  "This email is confidential and intended solely for the addressee.\n",
		  "Mary Jones", true);
	assert_string_equal(s.name, "Mary Jones");
	assert_string_equal(s.title, "Account Manager");
	assert_true(has_phone(&s, "+1 555 010 1234"));
	s = parse("ok\n\n-J\n\nSent from my phone\n", "Jordan", false);
}

static void
numbers_that_are_not_phones(void **state)
{
	struct mail_signature s;

	(void)state;
	s = parse("Hello.\n\n-- \nJane Doe\n2026-10-06\n20.10.2026\n+0100 8/22/02\n192.0.2.10\n"
		  "Account 8812-004417\nFax: +1 555 010 9999\nPager: 555-010-8888\n"
		  "Kugelschreiber (Karton 5x500)\nPhone: (+353 or 0)86 854 9268\n",
		  "Jane Doe", true);
	assert_string_equal(s.name, "Jane Doe");
	assert_int_equal(s.n_phones, 0);
	/* what is kept: as written, label gone; at most MAIL_SIGNATURE_PHONES */
	s = parse("Hello.\n\n-- \nJane Doe\nT: 555 010 0001\nM. 555-010-0002\n"
		  "Office: (555) 010-0003 | Mobile: 555.010.0004\n+44 20 7946 0005\n",
		  "Jane Doe", true);
	assert_int_equal(s.n_phones, MAIL_SIGNATURE_PHONES);
	assert_string_equal(s.phones[0], "555 010 0001");
	assert_string_equal(s.phones[1], "555-010-0002");
	assert_string_equal(s.phones[2], "(555) 010-0003");
	assert_string_equal(s.phones[3], "555.010.0004");
}

/* ---- managers ------------------------------------------------------------- */

static void
manager_sentences(void **state)
{
	struct mail_signature s;
	char body[512], *p;

	(void)state;
	s = parse("If I am out, my manager, Jane Q Doe, can help.\n", NULL, true);
	assert_string_equal(s.manager, "Jane Q Doe");
	s = parse("My supervisor is Carlos Ruiz.\n", NULL, true);
	assert_string_equal(s.manager, "Carlos Ruiz");
	s = parse("Please escalate to my manager Mr. Tom Becker's team.\n", NULL, true);
	assert_string_equal(s.manager, "Tom Becker");
	/* a sentence wrapped between the cue and the name */
	s = parse("If this is urgent: my manager is\nTom Becker, who can help.\n", NULL, true);
	assert_string_equal(s.manager, "Tom Becker");
	s = parse("my manager is out today\n", NULL, false);
	assert_string_equal(s.manager, "");
	s = parse("My manager is Tom.\n", NULL, false);
	/* the other writer's manager, quoted, is not the writer's */
	s = parse("Noted.\n\n> My manager is Tom Becker.\n", NULL, false);
	assert_string_equal(s.manager, "");

	/* fields are bounded, and cut between characters: "Z" and 60 "é"
	 * twice is 242 bytes */
	p = body + snprintf(body, sizeof body, "My manager is Z");
	for (int i = 0; i < 60; i++)
		p += sprintf(p, "\xc3\xa9");
	p += sprintf(p, " Z");
	for (int i = 0; i < 60; i++)
		p += sprintf(p, "\xc3\xa9");
	sprintf(p, ".\n");
	s = parse(body, NULL, true);
	assert_true(strlen(s.manager) < sizeof s.manager);
	assert_true(strlen(s.manager) > 100);
	assert_int_equal((unsigned char)s.manager[strlen(s.manager) - 1] & 0xC0, 0x80);
	assert_int_equal(strlen(s.manager) % 2, 1); /* "Z", then whole "é"s */
}

/* ---- bodies ---------------------------------------------------------------- */

static char *
body_of(const char *dir, const char *name, const void *data, size_t len, size_t max)
{
	char path[4200];
	struct vt_error err = { 0 };
	char *text = NULL;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	test_write_file(path, data, len);
	if (mail_body_text(path, max, &text, &err) != VT_OK)
		fail_msg("%s: %s", name, err.msg);
	assert_non_null(text);
	return text;
}

#define BODY(dir, name, literal, max) body_of(dir, name, literal, sizeof literal - 1, max)

static void
bodies_are_text(void **state)
{
	char *dir = test_mkdtemp(), path[4200], *text = NULL;
	struct vt_error err = { 0 };

	(void)state;
	/* unreadable: an error naming the file */
	snprintf(path, sizeof path, "%s/missing", dir);
	assert_int_equal(mail_body_text(path, 8, &text, &err), VT_ERR_IO);
	assert_null(text);
	assert_int_equal(err.status, VT_ERR_IO);
	assert_non_null(strstr(err.msg, path));

	/* HTML only: reduced to text, scripts and styles dropped */
	text = fixture_body("Introducing Initech Cloud Vault");
	assert_non_null(strstr(text, "Introducing Initech Cloud Vault"));
	/* no tag is left; a link's target follows its text, &amp; decoded */
	assert_null(strstr(text, "<a "));
	assert_null(strstr(text, "</"));
	assert_null(strstr(text, "&amp;"));
	assert_non_null(
		strstr(text, " <https://www.initech.example/vault?utm_source=email&utm_campaign"));
	free(text);
	text = BODY(dir, "html",
		    "Content-Type: text/html\n\n<html><head><title>T</title><style>p{color:red}"
		    "</style></head><body><!-- a > b --><p>Fish &amp; chips &lt;3 &#233;&#x263A;"
		    "&nbsp;&quot;x&quot; &bogus;<script>alert(1)</script></p>one<br>two<ul><li>a"
		    "</li><li>b</li>tail</ul><div>c</div></body></html>\n",
		    1024);
	assert_non_null(strstr(text, "Fish & chips <3 \xc3\xa9\xe2\x98\xba \"x\" &bogus;"));
	assert_non_null(strstr(text, "one\ntwo\n"));
	assert_non_null(strstr(text, "a\n"));
	assert_non_null(strstr(text, "b\ntail"));
	assert_null(strstr(text, "alert"));
	assert_null(strstr(text, "color"));
	assert_null(strchr(text, 'T'));
	free(text);
	/* a giant HTML body is read up to 8 MB: libxml2's tree stays bounded */
	{
		size_t big = 9u << 20, used;
		char *mail = malloc(big + 200), path_big[4200];

		assert_non_null(mail);
		used = (size_t)sprintf(mail, "Content-Type: text/html\n\n<p>start</p><p>");
		memset(mail + used, 'x', big);
		strcpy(mail + used + big, " tail-marker</p>\n");
		snprintf(path_big, sizeof path_big, "%s/big", dir);
		test_write_file(path_big, mail, strlen(mail));
		free(mail);
		assert_int_equal(mail_body_text(path_big, 64, &text, &err), VT_OK);
		assert_non_null(strstr(text, "start"));
		free(text);
		assert_int_equal(mail_body_text(path_big, 20u << 20, &text, &err), VT_OK);
		assert_null(strstr(text, "tail-marker"));
		free(text);
	}
	/* nested deeper than libxml2's 256 by default, or than the walk's
	 * own bound: the text after and inside is read all the same (300
	 * empty <div>s hid a bank details change a browser shows) */
	for (int deep = 0; deep < 2; deep++) {
		size_t n = deep ? 20000 : 300, used;
		char *mail = malloc(n * 11 + 400), path_deep[4200];

		assert_non_null(mail);
		used = (size_t)sprintf(mail, "Content-Type: text/html\n\n<p>start</p>");
		for (size_t i = 0; i < n; i++)
			used += (size_t)sprintf(mail + used, "<div>");
		used += (size_t)sprintf(mail + used, "deep inside");
		for (size_t i = 0; i < n; i++)
			used += (size_t)sprintf(mail + used, "</div>");
		sprintf(mail + used, "<p>Our bank details have changed</p>\n");
		snprintf(path_deep, sizeof path_deep, "%s/deep%d", dir, deep);
		test_write_file(path_deep, mail, strlen(mail));
		free(mail);
		assert_int_equal(mail_body_text(path_deep, 1u << 20, &text, &err), VT_OK);
		assert_non_null(strstr(text, "deep inside"));
		assert_non_null(strstr(text, "Our bank details have changed"));
		free(text);
	}
	/* a link's address once when its text already is the address */
	text = BODY(
		dir, "links",
		"Content-Type: text/html\n\n<p><a href=\"https://a.example/x\">a.example/x</a> and "
		"<a href='mailto:b@b.example'>write</a> and <a href=\"javascript:evil()\">no</a></p>\n",
		1024);
	assert_string_equal(text, "a.example/x and write <mailto:b@b.example> and no");
	free(text);
	/* the empty blocks of HTML mail lay-out: one blank line, not screens */
	text = BODY(dir, "blank",
		    "Content-Type: text/html\n\n<div><br><br></div><p>&nbsp;</p><p>Hello</p>"
		    "<div></div><div><br></div><p>&nbsp;&nbsp;</p><br><br><br><p>World</p>"
		    "<div><br></div><br>\n",
		    1024);
	assert_string_equal(text, "Hello\n\nWorld");
	free(text);

	/* headers and no body at all: no text, nothing read at NULL */
	text = BODY(dir, "headers-only", "From: a@acme.example\nSubject: x", 1024);
	assert_string_equal(text, "");
	free(text);
	text = BODY(dir, "headers-only-latin1",
		    "Content-Type: text/plain; charset=iso-8859-1\nSubject: x\n", 1024);
	assert_string_equal(text, "");
	free(text);

	/* ISO-8859-1 quoted-printable decoded to UTF-8 */
	text = fixture_body("vertrieb@mueller-buero.example");
	assert_non_null(strstr(text, "Mit freundlichen Gr\xc3\xbc\xc3\x9f"
				     "en"));
	assert_null(strchr(text, '='));
	free(text);

	/* an unknown charset is read as latin1/windows-1252, never fails */
	text = BODY(dir, "unknown",
		    "Content-Type: text/plain; charset=x-no-such-charset\n\ncaf\xe9 \x93q\x94\n",
		    1024);
	assert_string_equal(text, "caf\xc3\xa9 \xe2\x80\x9cq\xe2\x80\x9d\n");
	free(text);
	/* so is undeclared 8-bit text that is not UTF-8 ... */
	text = BODY(dir, "undeclared", "Subject: x\n\ncaf\xe9\n", 1024);
	assert_string_equal(text, "caf\xc3\xa9\n");
	free(text);
	/* ... but declared UTF-8 keeps its characters, bad bytes become
	 * U+FFFD, and so does a NUL */
	text = BODY(dir, "badutf8",
		    "Content-Type: text/plain; charset=utf-8\n\nok \xc3\xa9 bad \xe9 nul \0 end\n",
		    1024);
	assert_string_equal(text, "ok \xc3\xa9 bad \xef\xbf\xbd nul \xef\xbf\xbd end\n");
	free(text);
	/* transfer encodings are undone; a text attachment is not the body */
	text = BODY(dir, "multipart",
		    "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"B\"\n\n--B\n"
		    "Content-Type: text/plain; name=\"a.txt\"\n"
		    "Content-Disposition: attachment; filename=\"a.txt\"\n\nattached\n--B\n"
		    "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n"
		    "aMOpbGxvCg==\n--B--\n",
		    1024);
	assert_string_equal(text, "h\xc3\xa9llo\n");
	free(text);
	/* no text part at all: empty, not an error */
	text = BODY(
		dir, "image",
		"MIME-Version: 1.0\nContent-Type: image/png\nContent-Transfer-Encoding: base64\n\n"
		"iVBORw0KGgo=\n",
		1024);
	assert_string_equal(text, "");
	free(text);

	/* CRLF folded, and the size bounded on a character boundary */
	text = BODY(dir, "crlf",
		    "From: a@b.example\r\nSubject: x\r\n\r\nline\r\n\xc3\xa9\xc3\xa9\r\n", 8);
	assert_string_equal(text, "line\n\xc3\xa9");
	free(text);
	text = BODY(dir, "cut", "Subject: x\n\nab\xe2\x82\xac", 4);
	assert_string_equal(text, "ab"); /* the euro sign would not fit */
	free(text);
	text = BODY(dir, "zero", "Subject: x\n\nabc\n", 0);
	assert_string_equal(text, "");
	free(text);

	/* broken and hostile files never fail the reader */
	text = BODY(dir, "png", "\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 1024);
	free(text);
	text = BODY(dir, "empty", "", 1024);
	assert_string_equal(text, "");
	free(text);
	text = BODY(dir, "truncated",
		    "From: a@b.example\nMIME-Version: 1.0\n"
		    "Content-Type: multipart/mixed; boundary=\"XX\"\n\n--XX\n"
		    "Content-Type: text/plain; charset=x-no-such-charset\n\ncaf\xe9 \xff",
		    1024);
	assert_non_null(strstr(text, "caf\xc3\xa9"));
	free(text);
	text = BODY(dir, "badbase64",
		    "Content-Type: text/html\nContent-Transfer-Encoding: base64\n\n!!!!<<<<\n",
		    1024);
	free(text);
	text = BODY(dir, "opentag", "Content-Type: text/html\n\nbefore <b unclosed\n", 1024);
	assert_string_equal(text, "before"); /* nothing readable after the cut tag */
	free(text);

	test_rmdir(dir);
	free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(nothing_is_found_where_there_is_nothing),
		cmocka_unit_test(real_signatures_of_the_corpus),
		cmocka_unit_test(a_one_line_signature_holds_the_title),
		cmocka_unit_test(signatures_of_the_demo_mailbox),
		cmocka_unit_test(quoted_and_forwarded_text_is_not_the_writers),
		cmocka_unit_test(footers_are_nobodys_signature),
		cmocka_unit_test(numbers_that_are_not_phones),
		cmocka_unit_test(manager_sentences),
		cmocka_unit_test(bodies_are_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
