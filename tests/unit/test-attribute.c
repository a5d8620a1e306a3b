/* mail_attribute: whose mail is this? */
#include "config.h"

#include "helpers.h"

#include <string.h>

#include "mail/mail.h"
#include "mail/private.h"

static const char *const own_addresses[] = { "rich@northwind.example" };
static const char *const own_domains[] = { "northwind.example" };
static const char *const personal[] = { "myfamily.example" };
static const struct mail_identity identity = {
	.addresses = own_addresses,
	.n_addresses = 1,
	.own_domains = own_domains,
	.n_own_domains = 1,
	.personal_domains = personal,
	.n_personal_domains = 1,
};

static struct mail_attribution
attribute(const struct mail_headers *h)
{
	struct mail_attribution a;

	mail_attribute(&identity, h, &a);
	return a;
}

static void
no_sender_is_no_vendor(void **state)
{
	struct mail_headers h = { 0 };
	struct mail_attribution a = attribute(&h);

	assert_int_equal(a.kind, MAIL_KIND_NONE);
	h.from = "undisclosed";
	a = attribute(&h);
	assert_int_equal(a.kind, MAIL_KIND_NONE);
	assert_string_equal(a.org, "");
	h.from = "root@localhost";
	assert_int_equal(attribute(&h).kind, MAIL_KIND_NONE);
	/* identity is optional */
	h.from = "rep@acme.com";
	mail_attribute(NULL, &h, &a);
	assert_int_equal(a.kind, MAIL_KIND_VENDOR);
}

static void
organisation_senders_are_vendors(void **state)
{
	struct mail_headers h = { .from = "Dana Whitfield <dana@mail.acmetel.example>" };
	struct mail_attribution a = attribute(&h);

	assert_int_equal(a.kind, MAIL_KIND_VENDOR);
	assert_int_equal(a.direction, MAIL_DIR_IN);
	assert_string_equal(a.org, "acmetel.example");
	h.from = "=?ISO-8859-1?Q?M=FCller?= <vertrieb@mueller-buero.example>";
	assert_string_equal(attribute(&h).org, "mueller-buero.example");
}

static void
personal_senders_are_not_vendors(void **state)
{
	struct mail_headers h = { .from = "Jordan <jordan.r@gmail.com>" };

	assert_int_equal(attribute(&h).kind, MAIL_KIND_PERSONAL);
	h.from = "someone@mail.yahoo.co.uk";
	assert_int_equal(attribute(&h).kind, MAIL_KIND_PERSONAL);
	h.from = "aunt@myfamily.example"; /* from the config */
	assert_int_equal(attribute(&h).kind, MAIL_KIND_PERSONAL);
}

static void
discussion_lists_are_not_vendor_mail(void **state)
{
	struct mail_headers h = {
		.from = "Intel Engineer <dev@intel.com>",
		.list_id = "Linux Kernel <linux-kernel.vger.kernel.org>",
	};
	struct mail_attribution a = attribute(&h);

	assert_int_equal(a.kind, MAIL_KIND_LIST);
	assert_string_equal(a.org, "intel.com");
	assert_string_equal(a.list_org, "kernel.org");
	/* List-Post alone says the same */
	h.list_id = NULL;
	h.list_post = "<mailto:fork@xent.com>";
	assert_int_equal(attribute(&h).kind, MAIL_KIND_LIST);
}

static void
a_vendors_own_newsletter_is_vendor_mail(void **state)
{
	struct mail_headers h = {
		.from = "Globex News <news@news.globex.example>",
		.list_id = "<weekly.lists.globex.example>",
		.list_post = "NO",
	};

	/* list on the vendor's own domain */
	assert_int_equal(attribute(&h).kind, MAIL_KIND_VENDOR);
	/* bulk mail with List-Unsubscribe and no List-Id */
	h.list_id = NULL;
	h.list_post = NULL;
	assert_int_equal(attribute(&h).kind, MAIL_KIND_VENDOR);
	/* sent through a bulk mail provider whose list ids name the provider */
	h.list_id = "Globex <a1b2c3.mcsv.net>";
	assert_int_equal(attribute(&h).kind, MAIL_KIND_VENDOR);
	/* ... but a posting address makes it a forum again */
	h.list_post = "<mailto:chat@a1b2c3.mcsv.net>";
	assert_int_equal(attribute(&h).kind, MAIL_KIND_LIST);
}

static void
mail_the_user_wrote_belongs_to_its_vendor_recipient(void **state)
{
	struct mail_headers h = {
		.from = "Rich Miller <Rich@Northwind.example>",
		.to = "Pat <pat@northwind.example>, Jordan <jordan.r@gmail.com>",
		.cc = "Dana <dana@mail.acmetel.example>",
	};
	struct mail_attribution a = attribute(&h);

	assert_int_equal(a.direction, MAIL_DIR_OUT);
	assert_int_equal(a.kind, MAIL_KIND_VENDOR);
	assert_string_equal(a.org, "acmetel.example");
	/* to colleagues and friends only: the user's own business */
	h.cc = NULL;
	a = attribute(&h);
	assert_int_equal(a.kind, MAIL_KIND_OWN);
	assert_int_equal(a.direction, MAIL_DIR_OUT);
	/* a colleague's mail counts as the user's side too */
	h.from = "pat@northwind.example";
	h.to = "sales@globex.example";
	a = attribute(&h);
	assert_int_equal(a.direction, MAIL_DIR_OUT);
	assert_string_equal(a.org, "globex.example");
}

static void
kind_names_round_trip(void **state)
{
	enum mail_kind k;

	for (int i = MAIL_KIND_NONE; i <= MAIL_KIND_OWN; i++) {
		assert_true(mail_kind_parse(mail_kind_name((enum mail_kind)i), &k));
		assert_int_equal(k, i);
	}
	assert_false(mail_kind_parse("bogus", &k));
}

static void
addresses_parse_with_groups_and_encoded_names(void **state)
{
	struct mail_address_list l;

	mail_address_list_parse("Team: A <a@x.example>, b@y.example;, \"Doe, J\" <J.Doe@Z.example>",
				&l);
	assert_int_equal(l.count, 3);
	assert_string_equal(l.items[0].address, "a@x.example");
	assert_string_equal(l.items[1].address, "b@y.example");
	assert_string_equal(l.items[2].address, "j.doe@z.example");
	assert_string_equal(l.items[2].name, "Doe, J");
	mail_address_list_clear(&l);
	assert_int_equal(l.count, 0);
	mail_address_list_parse("=?UTF-8?B?SsO2cmc=?= <jorg@x.example>", &l);
	assert_int_equal(l.count, 1);
	assert_string_equal(l.items[0].name, "Jörg");
	mail_address_list_clear(&l);
	mail_address_list_parse(NULL, &l);
	assert_int_equal(l.count, 0);
	mail_address_list_parse("not an address at all", &l);
	assert_int_equal(l.count, 0);
	mail_address_list_clear(&l);
}

/* Display names as vendors' systems write them, unquoted: GMime refuses
 * each whole, and the sender was lost (no vendor, no author). */
static void
a_name_with_an_unquoted_special_keeps_its_address(void **state)
{
	static const char *const from[][3] = {
		{ "Support [ACME] <Support@acme.example>", "Support [ACME]",
		  "support@acme.example" },
		{ "Jane @ Globex <jane@globex.example>", "Jane @ Globex", "jane@globex.example" },
		{ "Sig \033[31mPerson <sig@sig.example> ", "Sig \033[31mPerson",
		  "sig@sig.example" },
		{ "\"Ops\" \\ Team <ops@x.example>", "Ops\" \\ Team", "ops@x.example" },
		{ "=?utf-8?q?J=C3=B6rg?= [x] <j@x.example>", "J\xc3\xb6rg [x]", "j@x.example" },
	};
	struct mail_address_list l;
	char *author;

	(void)state;
	for (size_t i = 0; i < sizeof from / sizeof from[0]; i++) {
		mail_address_list_parse(from[i][0], &l);
		assert_int_equal(l.count, 1);
		assert_string_equal(l.items[0].name, from[i][1]);
		assert_string_equal(l.items[0].address, from[i][2]);
		mail_address_list_clear(&l);
		assert_int_equal(mail_summary_author(from[i][0], &author), 0);
		assert_non_null(author);
		assert_string_equal(author, from[i][1]);
		free(author);
	}
	/* what is not one name and one address stays unread */
	mail_address_list_parse("A [x] <a@x.example>, B [y] <b@y.example>", &l);
	assert_int_equal(l.count, 0);
	mail_address_list_parse("Jane [x] <no address>", &l);
	assert_int_equal(l.count, 0);
	mail_address_list_parse("Jane [x] <jane@x.example> trailing", &l);
	assert_int_equal(l.count, 0);
}

static void
auto_replies_are_told_from_answers(void **state)
{
	(void)state;
	assert_true(mail_is_auto_reply(" auto-replied (vacation)", NULL, NULL, NULL, "Re: x"));
	assert_true(mail_is_auto_reply(NULL, "yes", NULL, NULL, NULL));
	assert_true(mail_is_auto_reply(NULL, NULL, "", NULL, NULL));
	assert_true(mail_is_auto_reply(NULL, NULL, NULL, "auto_reply", NULL));
	assert_true(mail_is_auto_reply(NULL, NULL, NULL, NULL, "Automatic reply: Order 12"));
	assert_true(mail_is_auto_reply(NULL, NULL, NULL, NULL, " OUT OF OFFICE: back Monday"));
	assert_true(mail_is_auto_reply(NULL, NULL, NULL, NULL, "Abwesenheitsnotiz: Bestellung"));
	assert_true(mail_is_auto_reply(NULL, NULL, NULL, NULL, "Réponse automatique : commande"));
	/* a system's own mail, and people, answer */
	assert_false(mail_is_auto_reply("auto-generated", NULL, NULL, "bulk", "Invoice 12"));
	assert_false(mail_is_auto_reply("no", NULL, NULL, NULL, "Re: Automatic reply: Order"));
	assert_false(mail_is_auto_reply(NULL, NULL, NULL, NULL, "Out of office supplies quote"));
	assert_false(mail_is_auto_reply(NULL, NULL, NULL, NULL, NULL));
}

static void
helpdesk_receipts_are_told_from_answers(void **state)
{
	(void)state;
	assert_false(mail_receipt_opening(NULL));
	assert_false(mail_receipt_opening(""));
	assert_false(mail_receipt_desk(NULL));
	assert_false(mail_receipt_desk("support"));
	assert_true(mail_receipt_desk("Support@initech.example"));
	assert_true(mail_receipt_desk("no-reply+tickets@desk.example"));
	assert_false(mail_receipt_desk("sales@initech.example"));
	assert_false(mail_receipt_desk("supporter@initech.example"));
	/* by the subject Zendesk's and Freshdesk's triggers write, a
	 * help desk's [name] before it */
	assert_true(mail_is_auto_reply(NULL, NULL, NULL, NULL, "Your email was received: Stock"));
	assert_true(mail_is_auto_reply(NULL, NULL, NULL, NULL, "[Request received] Order 77"));
	assert_true(mail_is_auto_reply(NULL, NULL, NULL, NULL, "Ticket Received - Order 77"));
	assert_true(
		mail_is_auto_reply(NULL, NULL, NULL, NULL, "[Acme Support] Request received: x"));
	assert_false(mail_is_auto_reply(NULL, NULL, NULL, NULL, "Re: Request received: Order 77"));
	assert_false(mail_is_auto_reply(NULL, NULL, NULL, NULL, "[Acme Support] Re: Order 77"));
	assert_false(mail_is_auto_reply(NULL, NULL, NULL, NULL, "Purchase request received"));
	/* by the opening of its text, over lines and in any case */
	assert_true(mail_receipt_opening("##- Please type your reply above this line -##\n\n"
					 "Your request (12345) has been\nreceived and is being "
					 "reviewed by our support staff."));
	assert_true(mail_receipt_opening("Dear Rich,\n\nWe would like to acknowledge that we "
					 "have received your request and a ticket has been "
					 "created with Ticket ID - 4410."));
	assert_true(mail_receipt_opening("Hello,\nWe\xe2\x80\x99ve received your request #12345."));
	assert_true(mail_receipt_opening("Your request #12345 has been received."));
	/* in the languages of the out-of-office subjects too */
	assert_true(
		mail_is_auto_reply(NULL, NULL, NULL, NULL, "Eingangsbestätigung: Bestellung 12"));
	assert_true(mail_is_auto_reply(NULL, NULL, NULL, NULL, "[Acme] Accusé de réception - x"));
	assert_true(
		mail_receipt_opening("Guten Tag,\nwir haben Ihre Anfrage erhalten (Ticket 7)."));
	assert_true(mail_receipt_opening("Bonjour, nous avons bien reçu votre demande n° 88."));
	assert_true(mail_receipt_opening("Hola: hemos recibido su solicitud."));
	/* an answer, and an answer quoting the receipt far below */
	assert_false(mail_receipt_opening("Hi Rich, the two parts ship Monday.\n\nAnn"));
	assert_false(mail_receipt_opening("Your request for a quote: $1,200. It has been received "
					  "well by our team, the price has been received from "
					  "the factory."));
	{
		char answer[2048];

		memset(answer, 'x', sizeof answer);
		memcpy(answer, "The parts ship Monday. ", 23);
		strcpy(answer + 1400, "> We have received your request #12345.");
		assert_false(mail_receipt_opening(answer));
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(no_sender_is_no_vendor),
		cmocka_unit_test(auto_replies_are_told_from_answers),
		cmocka_unit_test(helpdesk_receipts_are_told_from_answers),
		cmocka_unit_test(organisation_senders_are_vendors),
		cmocka_unit_test(personal_senders_are_not_vendors),
		cmocka_unit_test(discussion_lists_are_not_vendor_mail),
		cmocka_unit_test(a_vendors_own_newsletter_is_vendor_mail),
		cmocka_unit_test(mail_the_user_wrote_belongs_to_its_vendor_recipient),
		cmocka_unit_test(kind_names_round_trip),
		cmocka_unit_test(addresses_parse_with_groups_and_encoded_names),
		cmocka_unit_test(a_name_with_an_unquoted_special_keeps_its_address),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
