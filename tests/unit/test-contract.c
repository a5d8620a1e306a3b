/*
 * Contract dates mined from vendor mail: a table of real phrasings in the
 * six languages (positive), and what must give nothing: no contract
 * named, a date in a quoted reply, an invalid date, a "term" with one
 * date, a date too far from its phrase. Slashed dates follow the order
 * given and are ambiguous without one.
 */
#include "config.h"

#include "helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mail/mail.h"

struct row {
	const char *text;
	enum mail_date_order order;
	const char *date; /* NULL: nothing found */
	enum mail_contract_event event;
	bool ambiguous;
};

static const struct row rows[] = {
	{ "Your maintenance contract expires on 31 January 2027.", MAIL_DATE_ORDER_UNKNOWN,
	  "2027-01-31", MAIL_CONTRACT_EXPIRES, false },
	{ "Subscription renewal date: 2027-01-31", MAIL_DATE_ORDER_UNKNOWN, "2027-01-31",
	  MAIL_CONTRACT_RENEWS, false },
	{ "Ihr Wartungsvertrag ist g\xC3\xBCltig bis 31.12.2026.", MAIL_DATE_ORDER_UNKNOWN,
	  "2026-12-31", MAIL_CONTRACT_EXPIRES, false },
	{ "Your licence is valid until March 3, 2027.", MAIL_DATE_ORDER_UNKNOWN, "2027-03-03",
	  MAIL_CONTRACT_EXPIRES, false },
	{ "Vertragslaufzeit: 01.02.2026 \xE2\x80\x93 31.01.2027", MAIL_DATE_ORDER_UNKNOWN,
	  "2027-01-31", MAIL_CONTRACT_TERM, false },
	{ "Contract term: 1 Feb 2026 to 31 Jan 2027", MAIL_DATE_ORDER_UNKNOWN, "2027-01-31",
	  MAIL_CONTRACT_TERM, false },
	{ "Your subscription auto-renews on 2027-02-01 unless cancelled.", MAIL_DATE_ORDER_UNKNOWN,
	  "2027-02-01", MAIL_CONTRACT_RENEWS, false },
	{ "Der Vertrag verl\xC3\xA4ngert sich automatisch am 01.03.2027 um ein Jahr.",
	  MAIL_DATE_ORDER_UNKNOWN, "2027-03-01", MAIL_CONTRACT_RENEWS, false },
	{ "Votre contrat de maintenance expire le 30 novembre 2026.", MAIL_DATE_ORDER_UNKNOWN,
	  "2026-11-30", MAIL_CONTRACT_EXPIRES, false },
	{ "Su contrato de mantenimiento vence el 15 de diciembre de 2026.", MAIL_DATE_ORDER_UNKNOWN,
	  "2026-12-15", MAIL_CONTRACT_EXPIRES, false },
	{ "Il contratto di manutenzione scade il 31 gennaio 2027.", MAIL_DATE_ORDER_UNKNOWN,
	  "2027-01-31", MAIL_CONTRACT_EXPIRES, false },
	{ "Uw onderhoudscontract verloopt op 31 januari 2027.", MAIL_DATE_ORDER_UNKNOWN,
	  "2027-01-31", MAIL_CONTRACT_EXPIRES, false },
	/* a range alone: its end */
	{ "Votre contrat de maintenance court du 1er janvier 2026 au 31 d\xC3\xA9"
	  "cembre 2026.",
	  MAIL_DATE_ORDER_UNKNOWN, "2026-12-31", MAIL_CONTRACT_TERM, false },
	{ "Abonnement valable du 01/01/2026 au 31/12/2026.", MAIL_DATE_DMY, "2026-12-31",
	  MAIL_CONTRACT_TERM, false },
	{ "Your subscription runs from January 1, 2026 to December 31, 2026.",
	  MAIL_DATE_ORDER_UNKNOWN, "2026-12-31", MAIL_CONTRACT_TERM, false },
	{ "El contrato de mantenimiento es v\xC3\xA1lido del 1 de enero de 2026 al 31 de "
	  "diciembre de 2026.",
	  MAIL_DATE_ORDER_UNKNOWN, "2026-12-31", MAIL_CONTRACT_TERM, false },
	{ "Il contratto di manutenzione dal 1 febbraio 2026 al 31 gennaio 2027.",
	  MAIL_DATE_ORDER_UNKNOWN, "2027-01-31", MAIL_CONTRACT_TERM, false },
	/* the range words' second place on the line */
	{ "Your licence, bought from us in 2025, runs from 1 March 2026 to 28 February 2027.",
	  MAIL_DATE_ORDER_UNKNOWN, "2027-02-28", MAIL_CONTRACT_TERM, false },
	/* slashed: the vendor's order, else ambiguous */
	{ "Wartungsvertrag: l\xC3\xA4uft ab am 03/04/2027", MAIL_DATE_DMY, "2027-04-03",
	  MAIL_CONTRACT_EXPIRES, false },
	{ "Support contract expires 03/04/2027", MAIL_DATE_MDY, "2027-03-04", MAIL_CONTRACT_EXPIRES,
	  false },
	{ "Support contract expires 03/04/2027", MAIL_DATE_ORDER_UNKNOWN, "2027-03-04",
	  MAIL_CONTRACT_EXPIRES, true },
	{ "Support contract expires 03/24/2027", MAIL_DATE_ORDER_UNKNOWN, "2027-03-24",
	  MAIL_CONTRACT_EXPIRES, false },
	{ "Your support contract expires on 07-Jan-2027.", MAIL_DATE_ORDER_UNKNOWN, "2027-01-07",
	  MAIL_CONTRACT_EXPIRES, false },
	{ "License term: 01-Feb-2026 - 31-Jan-2027", MAIL_DATE_ORDER_UNKNOWN, "2027-01-31",
	  MAIL_CONTRACT_TERM, false },
	{ "Your subscription renews on 12/1/26.", MAIL_DATE_MDY, "2026-12-01", MAIL_CONTRACT_RENEWS,
	  false },
	/* as renewal notices word it */
	{ "Your subscription ends 31 January 2027.", MAIL_DATE_ORDER_UNKNOWN, "2027-01-31",
	  MAIL_CONTRACT_EXPIRES, false },
	{ "Your licence is due for renewal on 1 March 2027.", MAIL_DATE_ORDER_UNKNOWN, "2027-03-01",
	  MAIL_CONTRACT_RENEWS, false },
	{ "Your support contract is up for renewal on 2 March 2027.", MAIL_DATE_ORDER_UNKNOWN,
	  "2027-03-02", MAIL_CONTRACT_RENEWS, false },
	{ "Your subscription will auto-renew on March 14, 2027.", MAIL_DATE_ORDER_UNKNOWN,
	  "2027-03-14", MAIL_CONTRACT_RENEWS, false },
	{ "Support contract renewal: 13 March 2027", MAIL_DATE_ORDER_UNKNOWN, "2027-03-13",
	  MAIL_CONTRACT_RENEWS, false },
	{ "Subscription expiry: 4 March 2027", MAIL_DATE_ORDER_UNKNOWN, "2027-03-04",
	  MAIL_CONTRACT_EXPIRES, false },
	{ "Your subscription is set to expire on March 8, 2027.", MAIL_DATE_ORDER_UNKNOWN,
	  "2027-03-08", MAIL_CONTRACT_EXPIRES, false },
	{ "Your maintenance contract has expired on 2026-11-02.", MAIL_DATE_ORDER_UNKNOWN,
	  "2026-11-02", MAIL_CONTRACT_EXPIRES, false },
	{ "Contract end: 06.03.2027", MAIL_DATE_ORDER_UNKNOWN, "2027-03-06", MAIL_CONTRACT_EXPIRES,
	  false },
	{ "Vertragsende: 07.03.2027", MAIL_DATE_ORDER_UNKNOWN, "2027-03-07", MAIL_CONTRACT_EXPIRES,
	  false },
	{ "Your subscription will end on March 10, 2027.", MAIL_DATE_ORDER_UNKNOWN, "2027-03-10",
	  MAIL_CONTRACT_EXPIRES, false },
	{ "Your agreement terminates on 11 March 2027.", MAIL_DATE_ORDER_UNKNOWN, "2027-03-11",
	  MAIL_CONTRACT_EXPIRES, false },
	{ "Your license is valid to 12 March 2027.", MAIL_DATE_ORDER_UNKNOWN, "2027-03-12",
	  MAIL_CONTRACT_EXPIRES, false },
	{ "The agreement runs until 15 March 2027.", MAIL_DATE_ORDER_UNKNOWN, "2027-03-15",
	  MAIL_CONTRACT_EXPIRES, false },
	{ "Your subscription's Black Friday sale ends 30 November 2026.", MAIL_DATE_ORDER_UNKNOWN,
	  NULL, 0, false },
	{ "A $50 rebate is available for new subscription plans. Rebate ends 8/31/26.",
	  MAIL_DATE_MDY, NULL, 0, false },
	/* nothing */
	{ "Your password expires on 31 January 2027.", MAIL_DATE_ORDER_UNKNOWN, NULL, 0, false },
	{ "Subscribers: this special offer expires on 13 December 2026.", MAIL_DATE_ORDER_UNKNOWN,
	  NULL, 0, false },
	{ "The scheduled maintenance window ends on 2026-12-06 at 04:00.", MAIL_DATE_ORDER_UNKNOWN,
	  NULL, 0, false },
	{ "This quote is valid until 15.12.2026.", MAIL_DATE_ORDER_UNKNOWN, NULL, 0, false },
	{ "Your licence expires on 29 February 2027.", MAIL_DATE_ORDER_UNKNOWN, NULL, 0, false },
	{ "Contract term: 12 months from 2026-02-01.", MAIL_DATE_ORDER_UNKNOWN, NULL, 0, false },
	{ "Your subscription is active from 1 January 2026.", MAIL_DATE_ORDER_UNKNOWN, NULL, 0,
	  false },
	/* a month's charges, an outage: ranges, not terms */
	{ "Subscription charges for your Pro plan from 1 December 2026 to 31 December 2026.",
	  MAIL_DATE_ORDER_UNKNOWN, NULL, 0, false },
	{ "Maintenance: the service is offline from 20 December 2026 to 22 December 2026.",
	  MAIL_DATE_ORDER_UNKNOWN, NULL, 0, false },
	{ "Subscription invoice. Billing period: 1 December 2026 - 31 December 2026",
	  MAIL_DATE_ORDER_UNKNOWN, NULL, 0, false },
	{ "The maintenance contract expires, as we discussed in our meeting with the whole "
	  "team last spring, on 2027-01-31.",
	  MAIL_DATE_ORDER_UNKNOWN, NULL, 0, false },
	{ "Thanks for the call.\n\nOn Mon, 2 Nov 2026, Rich wrote:\n> Our maintenance contract "
	  "expires on 31 January 2027.",
	  MAIL_DATE_ORDER_UNKNOWN, NULL, 0, false },
	{ "See below.\n> the subscription renews on 2027-02-01", MAIL_DATE_ORDER_UNKNOWN, NULL, 0,
	  false },
};

static void
the_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		const struct row *r = &rows[i];
		struct mail_contract_facts f;

		mail_contract_scan(r->text, strlen(r->text), r->order, &f);
		if (r->date == NULL) {
			if (f.count != 0)
				fail_msg("\"%s\": found %s, expected nothing", r->text,
					 f.items[0].date);
			continue;
		}
		if (f.count != 1)
			fail_msg("\"%s\": %zu dates, expected %s", r->text, f.count, r->date);
		if (strcmp(f.items[0].date, r->date) != 0 || f.items[0].event != r->event ||
		    f.items[0].ambiguous != r->ambiguous)
			fail_msg("\"%s\": %s %s%s, expected %s %s%s", r->text, f.items[0].date,
				 mail_contract_event_name(f.items[0].event),
				 f.items[0].ambiguous ? " (ambiguous)" : "", r->date,
				 mail_contract_event_name(r->event),
				 r->ambiguous ? " (ambiguous)" : "");
	}
}

static void
kind_and_phrase(void **state)
{
	static const char text[] =
		"Hello,\n\n  Your Pro subscription \x1b[31m renews on 2027-02-01.\n"
		"Our support contract with you expires on 2027-06-30.\n"
		"Your subscription renews on 2027-02-01 (again).\n";
	struct mail_contract_facts f;
	enum mail_contract_kind k;

	(void)state;
	mail_contract_scan(text, strlen(text), MAIL_DATE_ORDER_UNKNOWN, &f);
	assert_int_equal(f.kind, MAIL_CONTRACT_SUBSCRIPTION);
	assert_int_equal(f.count, 2); /* each date once */
	assert_string_equal(f.items[0].phrase, "Your Pro subscription  [31m renews on 2027-02-01.");
	assert_string_equal(f.items[1].date, "2027-06-30");
	assert_true(mail_contract_kind_parse("license", &k));
	assert_int_equal(k, MAIL_CONTRACT_LICENSE);
	assert_false(mail_contract_kind_parse("lease", &k));
}

static void
a_long_line_is_cut_whole(void **state)
{
	char text[2000];
	struct mail_contract_facts f;

	(void)state;
	memset(text, 'x', sizeof text);
	memcpy(text, "contract expires on 2027-01-31 ", 31);
	/* a UTF-8 character across the phrase's cut must not be halved */
	for (size_t i = 31; i + 1 < sizeof text; i += 2)
		memcpy(text + i, "\xC3\xA9", 2);
	mail_contract_scan(text, sizeof text, MAIL_DATE_ORDER_UNKNOWN, &f);
	assert_int_equal(f.count, 1);
	assert_true(strlen(f.items[0].phrase) < sizeof f.items[0].phrase);
	assert_true(((unsigned char)f.items[0].phrase[strlen(f.items[0].phrase) - 1] & 0xC0) !=
		    0xC0);
}

/* Found by fuzz-contract: a date at the very end of the text, followed
 * by the first byte of an en dash, made the range check read past it. */
static void
a_range_cut_at_the_end(void **state)
{
	static const char text[] = "contract term: 2026-01-01 \xE2";
	size_t n = sizeof text - 1;
	char *exact = malloc(n); /* no NUL after it: ASan sees any read beyond */
	struct mail_contract_facts f;

	(void)state;
	assert_non_null(exact);
	memcpy(exact, text, n);
	mail_contract_scan(exact, n, MAIL_DATE_ORDER_UNKNOWN, &f);
	assert_int_equal(f.count, 0); /* a term with one date */
	free(exact);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_table),
		cmocka_unit_test(kind_and_phrase),
		cmocka_unit_test(a_long_line_is_cut_whole),
		cmocka_unit_test(a_range_cut_at_the_end),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
