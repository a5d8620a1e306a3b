/*
 * Payment details and invoice-fraud wording: IBAN validation against the
 * SWIFT registry's examples, each detail and phrase rule with what must
 * not match, the demo mailbox's AcmeTel bill and its impostor, and
 * hostile input (NULs, line ends, 256 KB of near matches).
 */
#include "config.h"

#include "helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mail/mail.h"

static struct mail_payment_facts
scan(const char *text)
{
	struct mail_payment_facts f;

	mail_payment_scan(text, strlen(text), &f);
	return f;
}

/* The value of the detail of that kind ("" for none; the first of it). */
static const char *
detail(const struct mail_payment_facts *f, enum mail_payment_kind kind)
{
	for (size_t i = 0; i < f->n_details; i++)
		if (f->details[i].kind == kind)
			return f->details[i].value;
	return "";
}

static size_t
count(const struct mail_payment_facts *f, enum mail_payment_kind kind)
{
	size_t n = 0;

	for (size_t i = 0; i < f->n_details; i++)
		n += f->details[i].kind == kind;
	return n;
}

/* The text of the demo INBOX message whose file holds needle. The
 * fixtures are $FIXTURES (make check) or beside this file's source. */
static char *
fixture_body(const char *needle)
{
	char cmd[4096], path[4096], dir[2048];
	const char *slash = strrchr(__FILE__, '/');
	struct vt_error err = { 0 };
	char *text = NULL;
	FILE *p;

	if (getenv("FIXTURES") == NULL && slash != NULL)
		snprintf(dir, sizeof dir, "%.*s/../fixtures", (int)(slash - __FILE__), __FILE__);
	else
		snprintf(dir, sizeof dir, "%s", test_fixtures());
	snprintf(cmd, sizeof cmd, "grep -l -F '%s' '%s'/demo/Maildir/INBOX/cur/* | head -1", needle,
		 dir);
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

static double
elapsed_ms(const struct timespec *since)
{
	struct timespec now;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
	return (double)(now.tv_sec - since->tv_sec) * 1e3 +
	       (double)(now.tv_nsec - since->tv_nsec) / 1e6;
}

/* ---- NULL, empty, names ------------------------------------------------ */

static void
null_and_empty_input_yield_nothing(void **state)
{
	struct mail_payment_facts f;

	memset(&f, 0xff, sizeof f);
	mail_payment_scan(NULL, 0, &f);
	assert_int_equal(f.n_details, 0);
	assert_false(f.bank_change);
	assert_false(f.asks_payment);
	mail_payment_scan(NULL, 100, &f);
	assert_int_equal(f.n_details, 0);
	mail_payment_scan("IBAN GB82WEST12345698765432", 0, &f);
	assert_int_equal(f.n_details, 0);
	mail_payment_scan("x", 1, NULL); /* no crash */
	f = scan("");
	assert_int_equal(f.n_details, 0);
	f = scan("\n\r\n \t\n");
	assert_int_equal(f.n_details, 0);
	assert_false(f.bank_change || f.asks_payment);
	assert_false(mail_iban_valid(NULL));
	assert_false(mail_iban_valid(""));
	assert_false(mail_iban_valid("   "));
}

static void
kind_names_are_stable(void **state)
{
	/* the store keeps them in payment_details.kind */
	assert_string_equal(mail_payment_kind_name(MAIL_PAY_IBAN), "iban");
	assert_string_equal(mail_payment_kind_name(MAIL_PAY_BIC), "bic");
	assert_string_equal(mail_payment_kind_name(MAIL_PAY_ACCOUNT), "account");
	assert_string_equal(mail_payment_kind_name(MAIL_PAY_ROUTING), "routing");
	assert_string_equal(mail_payment_kind_name(MAIL_PAY_SORT_CODE), "sort-code");
	assert_string_equal(mail_payment_kind_name((enum mail_payment_kind)99), "unknown");
}

/* ---- IBAN validation ----------------------------------------------------- */

static void
registry_example_ibans_are_valid(void **state)
{
	static const char *const valid[] = {
		"GB82WEST12345698765432",
		"DE89370400440532013000",
		"FR1420041010050500013M02606",
		"NL91ABNA0417164300",
		"CH9300762011623852957",
		"BE68539007547034",
		"NO9386011117947",
		"IT60X0542811101000000123456",
		"ES9121000418450200051332",
		"AT611904300234573201",
		"DK5000400440116243",
		"FI2112345600000785",
		"IE29AIBK93115212345678",
		"LU280019400644750000",
		"PL61109010140000071219812874",
		"PT50000201231234567890154",
		"SE4550000000058398257466",
		"MT84MALT011000012345MTLCAST001S",
		"LC55HEMM000100010012001200023015",
		"RU0304452522540817810538091310419",
		"SA0380000000608010167519",
		"BR1800360305000010009795493C1",
		/* written the ways people write them */
		"GB82 WEST 1234 5698 7654 32",
		"gb82 west 1234 5698 7654 32",
		"de89-3704-0044-0532-0130-00",
		"NL91\xc2\xa0"
		"ABNA\xc2\xa0"
		"0417\xc2\xa0"
		"1643\xc2\xa0"
		"00",
		" BE68 5390 0754 7034 ",
	};

	for (size_t i = 0; i < sizeof valid / sizeof valid[0]; i++)
		if (!mail_iban_valid(valid[i]))
			fail_msg("%s should be valid", valid[i]);
}

static void
ibans_with_a_wrong_digit_length_or_country_are_invalid(void **state)
{
	static const char *const invalid[] = {
		"GB82WEST12345698765433", /* last digit changed */
		"GB83WEST12345698765432", /* check digits changed */
		"DE89370400440532013001",
		"FR1420041010050500013M02607",
		"DE8937040044053201300",   /* one short */
		"DE893704004405320130000", /* one long */
		"NO93860111179470",        /* NO is 15 */
		"BE6853900754703",         /* BE is 16 */
		"US64SVBKUS6S3300958879",  /* US has no IBAN */
		"ZZ68539007547034",
		"1234567890123456",
		"GB",
		"GB82",
		"GB82WEST1234569876543!",   /* not a letter or digit */
		"GB82\tWEST12345698765432", /* tab is no separator */
		"GB00WEST12345698765432",
		"GB01WEST12345698765432",
		"GB99WEST12345698765432",
		"GB82WEST12345698765432GB82WEST12345698765432", /* longer than any IBAN */
	};

	for (size_t i = 0; i < sizeof invalid / sizeof invalid[0]; i++)
		if (mail_iban_valid(invalid[i]))
			fail_msg("%s should be invalid", invalid[i]);
}

/* ---- details in text ------------------------------------------------------ */

static void
ibans_are_found_grouped_unbroken_and_in_lower_case(void **state)
{
	static const char *const texts[] = {
		"IBAN: GB82 WEST 1234 5698 7654 32\n",
		"Please pay to GB82WEST12345698765432.",
		"iban gb82 west 1234 5698 7654 32",
		"(GB82-WEST-1234-5698-7654-32)",
		"IBAN:GB82\xc2\xa0WEST\xc2\xa0"
		"1234\xc2\xa0"
		"5698\xc2\xa0"
		"7654\xc2\xa0"
		"32",
		"IBAN gb82.west.1234.5698.7654.32",
		/* narrow no-break and thin spaces, as typeset */
		"IBAN GB82\xe2\x80\xafWEST\xe2\x80\xaf"
		"1234\xe2\x80\x89"
		"5698\xe2\x80\x89"
		"7654\xe2\x80\xaf"
		"32",
		/* a zero-width space or soft hyphen anywhere shows nothing */
		"IBAN GB82WE\xe2\x80\x8bST12345698765432",
		"IBAN G\xe2\x80\x8b"
		"B82WEST12345698765432",
		"IBAN GB82 WE\xc2\xadST 1234 5698 7654 32",
		/* and a variation selector, a word joiner, a BOM */
		"IBAN GB82WE\xef\xb8\x8fST1234\xe2\x81\xa0"
		"5698\xef\xbb\xbf"
		"765432",
		/* groups of other sizes after digits */
		"IBAN GB82 WEST 123456 98765432",
		/* groups parted by slashes */
		"IBAN GB82/WEST/1234/5698/7654/32",
		/* by two spaces (HTML's "&nbsp; " shows as a wider one), or
		 * " - " */
		"IBAN: GB82  WEST 1234 5698 7654 32",
		"IBAN: GB82\xc2\xa0 WEST\xc2\xa0 1234\xc2\xa0 5698\xc2\xa0 7654\xc2\xa0 32",
		"IBAN: GB82 - WEST - 1234 - 5698 - 7654 - 32",
		/* the country apart, as some write it */
		"IBAN: GB 82 WEST 1234 5698 7654 32",
		/* spaced out a character at a time */
		"IBAN: G B 8 2 W E S T 1 2 3 4 5 6 9 8 7 6 5 4 3 2",
		/* fullwidth letters and digits, as a Japanese or Chinese
		 * input method writes them, and mathematical bold digits:
		 * they show as the IBAN */
		"\xef\xbc\xa7\xef\xbc\xa2\xef\xbc\x98\xef\xbc\x92 \xef\xbc\xb7\xef\xbc\xa5"
		"\xef\xbc\xb3\xef\xbc\xb4 \xef\xbc\x91\xef\xbc\x92\xef\xbc\x93\xef\xbc\x94 "
		"\xef\xbc\x95\xef\xbc\x96\xef\xbc\x99\xef\xbc\x98 \xef\xbc\x97\xef\xbc\x96"
		"\xef\xbc\x95\xef\xbc\x94 \xef\xbc\x93\xef\xbc\x92",
		"IBAN GB\xef\xbc\x98\xef\xbc\x92 WEST \xef\xbc\x91\xef\xbc\x92\xef\xbc\x93"
		"\xef\xbc\x94 \xef\xbc\x95\xef\xbc\x96\xef\xbc\x99\xef\xbc\x98 \xef\xbc\x97"
		"\xef\xbc\x96\xef\xbc\x95\xef\xbc\x94 \xef\xbc\x93\xef\xbc\x92",
		"IBAN GB82 WEST \xf0\x9d\x9f\x8f\xf0\x9d\x9f\x90\xf0\x9d\x9f\x91\xf0\x9d\x9f\x92 "
		"5698 7654 32",
	};
	struct mail_payment_facts f;

	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		f = scan(texts[i]);
		assert_int_equal(f.n_details, 1);
		assert_int_equal(f.details[0].kind, MAIL_PAY_IBAN);
		assert_string_equal(f.details[0].value, "GB82WEST12345698765432");
	}
	f = scan("Konto: DE89 3704 0044 0532 0130 00, or NO93 8601 1117 947 or "
		 "CH93 0076 2011 6238 5295 7.");
	assert_int_equal(count(&f, MAIL_PAY_IBAN), 3);
	assert_string_equal(f.details[2].value, "CH9300762011623852957");
	/* the French RIB's groups */
	f = scan("IBAN FR14 20041 01005 0500013M026 06\n");
	assert_string_equal(detail(&f, MAIL_PAY_IBAN), "FR1420041010050500013M02606");
	/* a group of letters only ends anywhere but after four: words */
	assert_int_equal(scan("GB82 WE ST12 3456 9876 5432\n").n_details, 0);
	assert_int_equal(scan("GB82 WEST 1234 5698 7654 32 BIC\n").n_details, 1);
	/* nor do they hide a phrase, or a list post's details */
	assert_true(scan("Our bank de\xe2\x80\x8btails have changed.\n").bank_change);
	assert_true(mail_payment_may_give_details("G\xe2\x80\x8b"
						  "B82WEST12345698765432",
						  25));
	assert_true(
		mail_payment_may_give_details("\xef\xbc\xa7\xef\xbc\xa2\xef\xbc\x98\xef\xbc\x92",
					      12));
	/* and the one the user accepts, written so */
	assert_true(mail_iban_valid("GB82/WEST/1234/5698/7654/32"));
	assert_true(mail_iban_valid("GB\xef\xbc\x98\xef\xbc\x92WEST12345698765432"));
}

static void
invalid_or_odd_iban_candidates_are_dropped(void **state)
{
	static const char *const texts[] = {
		"IBAN: GB82 WEST 1234 5698 7654 33",  /* mod-97 fails */
		"IBAN: GB82 WEST 1234 5698 7654 321", /* too long */
		"IBAN: GB82 WEST 1234 5698 7654",     /* too short */
		"IBAN: GB82 WE ST12 3456 9876 5432",  /* not grouped in fours */
		"IBAN: XGB82WEST12345698765432",      /* not at a word start */
		"IBAN: GB82WEST12345698765432X",
	};

	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
		if (scan(texts[i]).n_details != 0)
			fail_msg("\"%s\" gave a detail", texts[i]);
	/* "No" apart before digits is no country: its account number stays */
	struct mail_payment_facts f = scan("Bank account No 12345678\n");

	assert_int_equal(f.n_details, 1);
	assert_int_equal(f.details[0].kind, MAIL_PAY_ACCOUNT);
	assert_int_equal(scan("I paid 1 2 3 4 5 6 7 8 times, G B 8 2 too\n").n_details, 0);
	/* a rejected IBAN's digits are not an account number */
	assert_int_equal(
		scan("Bank details:\nAccount IBAN DE89 3704 0044 0532 0130 01\n").n_details, 0);
}

static void
phone_order_numbers_dates_and_amounts_are_not_ibans(void **state)
{
	struct mail_payment_facts f =
		scan("Call +1 (555) 010-2000 or +44 20 7946 0958 about order ORD-77120,\n"
		     "invoice AT-2026-10, ticket TKT-1029384, case AT44871, ref DE12345678.\n"
		     "Dated 2026-10-09, 09/10/2026 and 9 Oct 2026 at 10:15.\n"
		     "Total $7,800.00, EUR 1.250,00, GB 22 pages, NL18 shirts, ES24 boxes.\n"
		     "Part numbers: FR14 2004 1010 0505 0001 3M02 607, IT60 X054.\n");

	assert_int_equal(f.n_details, 0);
}

static void
bics_need_bic_or_swift_before_them_on_their_line(void **state)
{
	struct mail_payment_facts f;

	f = scan("SWIFT/BIC: EXTBGB2L\nBIC DEUTDEFF500\nswift code COBADEFFXXX\n");
	assert_int_equal(count(&f, MAIL_PAY_BIC), 3);
	assert_string_equal(f.details[0].value, "EXTBGB2L");
	assert_string_equal(f.details[1].value, "DEUTDEFF500");
	assert_string_equal(f.details[2].value, "COBADEFFXXX");
	/* no keyword, keyword after it, or on another line */
	assert_int_equal(scan("Bank: DEUTDEFF\n").n_details, 0);
	assert_int_equal(scan("DEUTDEFF is our BIC\n").n_details, 0);
	assert_int_equal(scan("SWIFT:\nDEUTDEFF\n").n_details, 0);
	/* prose, wrong lengths, no country, digits in the bank part */
	assert_int_equal(scan("SWIFT transfer to the beneficiary account\n").n_details, 0);
	assert_int_equal(scan("SWIFT TRANSFER PAYMENTS\n").n_details, 0);
	assert_int_equal(scan("BIC: DEUTDEF BIC: DEUTDEFF5 BIC: DEUTDEFF5000\n").n_details, 0);
	assert_int_equal(scan("BIC: DEUTQQFF, BIC: DEU1DEFF\n").n_details, 0);
	assert_int_equal(scan("SWIFTDEUTDEFF BICDEUTDEFF\n").n_details, 0);
}

static void
routing_numbers_need_a_checksum_and_a_routing_word(void **state)
{
	struct mail_payment_facts f;

	f = scan("ABA routing number: 021000021\nRTN 011000015\n");
	assert_int_equal(f.n_details, 2);
	assert_int_equal(f.details[0].kind, MAIL_PAY_ROUTING);
	assert_string_equal(f.details[0].value, "021000021");
	assert_string_equal(f.details[1].value, "011000015");
	assert_int_equal(scan("Routing: 021000022\n").n_details, 0); /* checksum */
	assert_int_equal(scan("Routing: 000000000\n").n_details, 0);
	assert_int_equal(scan("Routing: 990000000\n").n_details, 0); /* no such prefix */
	assert_int_equal(scan("Routing: 0210000210\n").n_details, 0);
	assert_int_equal(scan("Order 021000021\n").n_details, 0);
	assert_int_equal(scan("Abacus 021000021\n").n_details, 0);
}

static void
sort_codes_need_sort_code_on_their_line(void **state)
{
	static const char *const texts[] = {
		"Sort code: 20-00-00\n",
		"sort code 20 00 00\n",
		"Sort-code: 200000\n",
	};
	struct mail_payment_facts f;

	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		f = scan(texts[i]);
		assert_int_equal(f.n_details, 1);
		assert_int_equal(f.details[0].kind, MAIL_PAY_SORT_CODE);
		assert_string_equal(f.details[0].value, "200000");
	}
	assert_int_equal(scan("Code: 20-00-00\n").n_details, 0);
	assert_int_equal(scan("Sort code: 2000-00\n").n_details, 0);
	assert_int_equal(scan("Sort code: 20-00-000\n").n_details, 0);
	f = scan("Sort code 40-47-84, account number 70872490\n");
	assert_string_equal(detail(&f, MAIL_PAY_SORT_CODE), "404784");
	assert_string_equal(detail(&f, MAIL_PAY_ACCOUNT), "70872490");
}

static void
account_numbers_need_bank_words_on_their_line(void **state)
{
	static const char *const texts[] = {
		"Bank account: 12345678\n",
		"Beneficiary account no. 1234 5678\n",
		"Acct #12-345-678\n",
		"Kontonummer: 12345678\n",
		"BSB 062-000 Account 12345678\n",
		"BSB: 062000, account no. 12345678\n",
		"Numéro de compte : 12345678\n",
		"Número de cuenta: 12345678\n",
		"Rekeningnummer 12345678\n",
		"Conto 12345678\n",
		"Account 12345678 at Example Trust Bank\n",
	};
	struct mail_payment_facts f;

	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		f = scan(texts[i]);
		if (f.n_details != 1 || f.details[0].kind != MAIL_PAY_ACCOUNT ||
		    strcmp(f.details[0].value, "12345678") != 0)
			fail_msg("\"%s\" gave no account 12345678", texts[i]);
	}
	/* the first number after the account word, and only it */
	f = scan("Bank account 12345678, reference 87654321\n");
	assert_int_equal(f.n_details, 1);
	assert_int_equal(scan("Reference 87654321 for bank account\n").n_details, 0);
	/* no bank word, too short, too long, amounts, glued, phones */
	assert_int_equal(scan("Account number: 12345678\n").n_details, 0);
	assert_int_equal(scan("Bank account: 12345\n").n_details, 0);
	assert_int_equal(scan("Bank account: 123456789012345678\n").n_details, 0);
	assert_int_equal(scan("Bank account balance: $1234567.00\n").n_details, 0);
	assert_int_equal(scan("Bank account balance: 1234567,00 EUR\n").n_details, 0);
	assert_int_equal(scan("Bank account ref AB-12345678\n").n_details, 0);
	assert_int_equal(scan("Bank account questions? Call 555 010 2000\n").n_details, 0);
}

static void
a_bills_customer_account_number_is_not_a_bank_account(void **state)
{
	struct mail_payment_facts f = scan("  Invoice number:   AT-2026-08\n"
					   "  Account number:   8812-004417\n"
					   "  Account name:     Northwind Inc.\n");

	assert_int_equal(f.n_details, 0);
}

static void
accounts_in_a_bank_details_block_count_up_to_a_blank_line(void **state)
{
	struct mail_payment_facts f;

	f = scan("New bank details:\n  Bank: Example Trust Bank\n  Account: 12345678\n"
		 "  Reference: AT-2026-10 / 8812-004417\n  Tel: +44 20 7946 0958\n\n"
		 "Account number: 8812-004417\n");
	assert_int_equal(f.n_details, 1);
	assert_string_equal(detail(&f, MAIL_PAY_ACCOUNT), "12345678");
	f = scan("Wire instructions\r\nAccount: 2233445566\r\n");
	assert_string_equal(detail(&f, MAIL_PAY_ACCOUNT), "2233445566");
	f = scan("Remit to:\nAcmeTel Ltd\nAccount 99887766\n");
	assert_string_equal(detail(&f, MAIL_PAY_ACCOUNT), "99887766");
	f = scan("Bankverbindung:\nKonto 1234567890\n");
	assert_string_equal(detail(&f, MAIL_PAY_ACCOUNT), "1234567890");
	f = scan("Coordonnées bancaires :\nCompte 00012345678\n");
	assert_string_equal(detail(&f, MAIL_PAY_ACCOUNT), "00012345678");
	/* a mention in prose heads no block */
	assert_int_equal(
		scan("Our bank details are on the invoice.\nAccount: 12345678\n").n_details, 0);
	/* a line of spaces ends the block */
	assert_int_equal(scan("Payment details:\n \t\nAccount: 12345678\n").n_details, 0);
}

static void
a_sort_code_or_routing_number_makes_its_paragraph_bank_details(void **state)
{
	struct mail_payment_facts f;

	/* a UK transfer's lines in either order, a US wire's */
	f = scan("Please pay to:\nSort code: 20-00-00\nAccount number: 55779911\n");
	assert_string_equal(detail(&f, MAIL_PAY_ACCOUNT), "55779911");
	f = scan("Please pay to:\nAccount name: AcmeTel Ltd\nAccount number: 55779911\n"
		 "Sort code: 20-00-00\n");
	assert_string_equal(detail(&f, MAIL_PAY_SORT_CODE), "200000");
	assert_string_equal(detail(&f, MAIL_PAY_ACCOUNT), "55779911");
	f = scan("Routing number: 021000021\nAccount number: 123456789012\n");
	assert_string_equal(detail(&f, MAIL_PAY_ACCOUNT), "123456789012");
	/* a blank line parts them; a "routing" that gives no routing number
	 * (mail routing) says nothing of the account on the next line */
	f = scan("Account number: 8812004417\n\nSort code: 20-00-00\n");
	assert_int_equal(count(&f, MAIL_PAY_ACCOUNT), 0);
	f = scan("Sort code: 20-00-00\n\nAccount number: 8812004417\n");
	assert_int_equal(count(&f, MAIL_PAY_ACCOUNT), 0);
	f = scan("We changed the routing of your tickets.\nAccount number: 8812004417\n");
	assert_int_equal(f.n_details, 0);
}

static void
details_are_deduplicated_and_bounded(void **state)
{
	char text[4096] = "";
	struct mail_payment_facts f;

	f = scan("IBAN GB82 WEST 1234 5698 7654 32\nIBAN gb82west12345698765432\n"
		 "SWIFT EXTBGB2L, BIC EXTBGB2L\n");
	assert_int_equal(f.n_details, 2);
	/* twelve distinct accounts: the first MAIL_PAYMENT_DETAILS are kept */
	for (int i = 0; i < 12; i++)
		snprintf(text + strlen(text), sizeof text - strlen(text), "Bank account %d\n",
			 10000000 + i);
	f = scan(text);
	assert_int_equal(f.n_details, MAIL_PAYMENT_DETAILS);
	assert_string_equal(f.details[0].value, "10000000");
	assert_string_equal(f.details[MAIL_PAYMENT_DETAILS - 1].value, "10000007");
	/* the same digits as another kind are another detail */
	f = scan("Sort code: 123456\nBank account: 123456\n");
	assert_int_equal(f.n_details, 2);
}

/* ---- bank_change ------------------------------------------------------------ */

static void
bank_change_phrases_are_found_across_line_breaks(void **state)
{
	static const char *const texts[] = {
		"Please note that our bank details have changed.",
		"Our banking details\nhave been\r\nupdated.",
		"We have changed our banking details.",
		"Kindly update our bank details in your system.",
		"AcmeTel has updated its receiving bank account.",
		"We have updated the remittance instructions.",
		"Please find our NEW BANK ACCOUNT below.",
		"New bank details:",
		"Our previous account can no\nlonger receive funds.",
		"Please do not pay to the old account.",
		"Please don't pay into our old account.",
		"All payments must be made to the new account below.",
	};

	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
		if (!scan(texts[i]).bank_change)
			fail_msg("\"%s\" is no bank change", texts[i]);
}

static void
bank_change_is_found_in_each_language(void **state)
{
	static const char *const texts[] = {
		"Unsere Bankverbindung hat sich geändert.",
		"Bitte beachten Sie unsere neue Bankverbindung:",
		"Bitte notieren Sie unsere NEUE BANKVERBINDUNG.",
		"Veuillez trouver nos nouvelles coordonnées bancaires ci-dessous.",
		"Objet : changement de coordonnées bancaires",
		"Le informamos de nuestros nuevos datos bancarios.",
		"Por favor utilice nuestra nueva cuenta bancaria.",
		"Hierbij onze nieuwe bankgegevens.",
		"Let op: gewijzigde bankgegevens!",
		"Vi comunichiamo le nuove coordinate bancarie.",
		"Ecco il nostro nuovo IBAN.",
	};

	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
		if (!scan(texts[i]).bank_change)
			fail_msg("\"%s\" is no bank change", texts[i]);
}

static void
negations_and_reassurances_are_no_bank_change(void **state)
{
	static const char *const texts[] = {
		"Remittance details are unchanged and printed on your invoice.",
		"AcmeTel will never ask you to change payment details by email.",
		"If you receive a request to change bank details, call us.",
		"If you receive an email saying our bank details have changed, call us.",
		"We will never announce new bank details by email.",
		"Our bank details have not changed.",
		"Our bank details have not been changed.",
		"We won't update our bank details by email.",
		"Unsere Bankverbindung hat sich nie geändert und wird per E-Mail nie neu.",
		"Nous ne vous communiquerons jamais de nouvelles coordonnées bancaires par e-mail.",
		"Nunca le enviaremos nuevos datos bancarios por correo.",
		"Wij sturen nooit nieuwe bankgegevens per e-mail.",
		"Non invieremo mai nuove coordinate bancarie via email.",
		/* bank words without a change */
		"Our bank details are printed on the invoice.",
		"Please check the bank account you pay from.",
		"Welcome to the new account portal.",
		"Please do not use the old login page.",
		"Nuestro nuevo número de teléfono es 555 0100.",
	};

	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
		if (scan(texts[i]).bank_change)
			fail_msg("\"%s\" is a bank change", texts[i]);
	/* a negation counts in its own sentence only */
	assert_true(scan("Invoices are never late. Our bank details have changed.").bank_change);
	assert_true(scan("This never happened\n\nnew bank details").bank_change);
}

/* What an audit of the fraud checks found passing: a negation after the
 * change ("if you receive a reminder ... ignore it"), a month named May,
 * and the vendor's old IBAN quoted below the new one. */
static void
changes_an_attacker_words_around(void **state)
{
	static const char *const texts[] = {
		"Our bank details have changed, so if you receive a reminder with the old account "
		"please ignore it.",
		"Our bank details have changed and the old account should never be used again.",
		"Ab dem 1. Mai gilt unsere neue Bankverbindung.",
		"A partir du 1er mai, nouvelles coordonnées bancaires.",
		/* business e-mail compromise, as written: no "details" */
		"Please pay invoice AT-4 to our new account; details will follow.",
		"We have changed banks.",
		"We have moved our banking to Barclays.",
		"Please note that we have a new bank.",
		"Kindly update your records with our new remittance info.",
		"Kindly remit all payments to our alternative account.",
		"Please make all future payments to the account below.",
		"All future payments should be made to the account below.",
		"Our regular account is currently under audit.",
		"Due to a tax audit our account cannot receive payments.",
		"Our account can't receive payments right now.",
		"Our bank account is unable to receive transfers this week.",
		/* and what it writes most */
		"Our payment instructions have been updated.",
		"Please use the following updated wire instructions.",
		"Updated bank details",
		"Due to an audit, payments should be made to our secondary account.",
		"Our banking partner has changed.",
		"We now bank with Barclays.",
		"Please wire the payment to the account below, not the one on the invoice.",
		"Use this account rather than the one on file.",
		"Nous avons chang\xc3\xa9 de banque.",
	};
	/* and what honest mail says */
	static const char *const honest[] = {
		"Please pay to our account at Chase as usual.",
		"Your account is under review.",
		"We have a new account manager, Dana.",
		"Our account can receive payments in EUR and USD.",
		"Future invoices will be sent from billing@acmetel.example.",
		"All future payments will be collected by direct debit.",
		"We will never change our bank details by e-mail.",
		"Please use the other account to log in.",
		"Your payment details have been updated.",
		"The account on file will be charged.",
		"Shipping instructions have been updated.",
		"The refund was made to your card.",
	};
	struct mail_payment_facts f;

	(void)state;
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
		if (!scan(texts[i]).bank_change)
			fail_msg("\"%s\" is no bank change", texts[i]);
	for (size_t i = 0; i < sizeof honest / sizeof honest[0]; i++)
		if (scan(honest[i]).bank_change)
			fail_msg("\"%s\" is a bank change", honest[i]);
	f = scan("Please pay invoice AT-3 to IBAN GB82 WEST 1234 5698 7654 32 from now on.\n\n"
		 "On Fri, 04 Sep 2026 AcmeTel Billing wrote:\n"
		 "> Please pay by bank transfer to IBAN DE89 3704 0044 0532 0130 00.\n"
		 "  > > our bank details have changed\n");
	assert_int_equal(f.n_details, 1);
	assert_string_equal(detail(&f, MAIL_PAY_IBAN), "GB82WEST12345698765432");
	assert_false(f.bank_change);
	/* the customer's own account, debited, is no vendor's bank detail */
	f = scan("Invoice AT-3 of EUR 2,500.00 will be collected by SEPA direct debit from your "
		 "account IBAN FR14 2004 1010 0505 0001 3M02 606 on 2026-10-15.\n");
	assert_int_equal(f.n_details, 0);
	f = scan(
		"Ihre Rechnung wird per Lastschrift von Ihrem Konto eingezogen:\n"
		"IBAN FR14 2004 1010 0505 0001 3M02 606\n\nUnsere IBAN: DE89 3704 0044 0532 0130 00\n");
	assert_int_equal(f.n_details, 1);
	assert_string_equal(detail(&f, MAIL_PAY_IBAN), "DE89370400440532013000");
	/* a vendor's own account beside "direct debit" is its own */
	f = scan(
		"We no longer take direct debits: please pay to IBAN GB82 WEST 1234 5698 7654 32.\n");
	assert_string_equal(detail(&f, MAIL_PAY_IBAN), "GB82WEST12345698765432");
}

/* ---- asks_payment ---------------------------------------------------------- */

static void
payment_requests_need_an_amount_or_a_detail(void **state)
{
	static const char *const asks[] = {
		"Amount due: $2,500.00",
		"Please pay the balance of 120 EUR.",
		"Kindly process the payment of £7,800.00 today.",
		"Balance due 500 GBP",
		"Your invoice is overdue (€ 99,00).",
		"Total due: USD 1,200",
		"Please remit to IBAN GB82 WEST 1234 5698 7654 32.",
		"Wire transfer to ABA 021000021.",
		"Outstanding invoice: ¥12000",
		"Make payment of 1.000,00 CHF",
		"Please make a payment of $50.",
	};
	static const char *const no[] = {
		"Please pay attention to the new terms.", /* no amount */
		"We received $2,500.00, thank you.",      /* no request */
		"Amount due: see attached.",
		"Overdue? Call us on 555 0100.",
		"amount due: USD",
		"Amount due: 2,500.00 dollars",
		"Please pay by the due date. Save 20% with AutoPay.",
	};

	for (size_t i = 0; i < sizeof asks / sizeof asks[0]; i++)
		if (!scan(asks[i]).asks_payment)
			fail_msg("\"%s\" asks no payment", asks[i]);
	for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
		if (scan(no[i]).asks_payment)
			fail_msg("\"%s\" asks a payment", no[i]);
}

static void
payment_requests_are_found_in_each_language(void **state)
{
	static const char *const texts[] = {
		"Bitte überweisen Sie 1.250,00 EUR bis zum 31.10.",
		"Zahlung fällig: 99 €",
		"Veuillez régler la somme de 450,00 € sous 30 jours.",
		"Montant du paiement : 450 EUR",
		"Por favor pague 300 EUR antes del viernes.",
		"Pago pendiente: €300",
		"Betaling van € 75,00 binnen 14 dagen.",
		"Gelieve het bedrag van EUR 75,00 over te maken.",
		"Pagamento entro il 30/10: 1.200,00 EUR",
	};

	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
		if (!scan(texts[i]).asks_payment)
			fail_msg("\"%s\" asks no payment", texts[i]);
}

/* ---- the demo mailbox --------------------------------------------------------- */

static void
the_legitimate_acmetel_bill_asks_payment_and_changes_nothing(void **state)
{
	char *body = fixture_body("Subject: Invoice AT-2026-10 from AcmeTel");
	struct mail_payment_facts f;

	mail_payment_scan(body, strlen(body), &f);
	assert_int_equal(f.n_details, 0);
	assert_false(f.bank_change);
	assert_true(f.asks_payment);
	free(body);
}

static void
the_fraudulent_acmetel_mail_has_new_bank_details(void **state)
{
	char *body = fixture_body("Updated bank details for invoice AT-2026-10");
	struct mail_payment_facts f;

	mail_payment_scan(body, strlen(body), &f);
	assert_int_equal(f.n_details, 2);
	assert_int_equal(f.details[0].kind, MAIL_PAY_IBAN);
	assert_string_equal(f.details[0].value, "GB82WEST12345698765432");
	assert_int_equal(f.details[1].kind, MAIL_PAY_BIC);
	assert_string_equal(f.details[1].value, "EXTBGB2L");
	assert_true(f.bank_change);
	assert_true(f.asks_payment);
	free(body);
}

static void
the_account_executives_reply_is_no_payment_mail(void **state)
{
	char *body = fixture_body("Dispute: invoice AT-2026-10");
	struct mail_payment_facts f;

	mail_payment_scan(body, strlen(body), &f);
	assert_int_equal(f.n_details, 0);
	assert_false(f.bank_change);
	free(body);
}

/* ---- hostile input ------------------------------------------------------------ */

static void
crlf_cr_and_nul_bytes_are_handled(void **state)
{
	static const char crlf[] = "New bank details:\r\n\r\nAccount: 12345678\r\n";
	static const char cr[] = "Bank details:\rAccount: 12345678\rSort code: 20-00-00\r";
	static const char nul[] = "IBAN: GB82 WEST 1234 5698 7654 32\0SWIFT: EXTBGB2L\0"
				  "our bank\0details have changed\0Amount due: $1\0";
	struct mail_payment_facts f;

	mail_payment_scan(crlf, sizeof crlf - 1, &f);
	assert_int_equal(f.n_details, 0); /* the blank line ends the block */
	assert_true(f.bank_change);
	mail_payment_scan(cr, sizeof cr - 1, &f);
	assert_int_equal(f.n_details, 2);
	mail_payment_scan(nul, sizeof nul - 1, &f);
	assert_string_equal(detail(&f, MAIL_PAY_IBAN), "GB82WEST12345698765432");
	assert_string_equal(detail(&f, MAIL_PAY_BIC), "EXTBGB2L");
	assert_true(f.bank_change);
	assert_true(f.asks_payment);
	/* invalid UTF-8 and a lone lead byte at the end */
	f = scan("\xff\xfe IBAN GB82WEST12345698765432 \xc3\x28 \xe2\x82 \xc2");
	assert_int_equal(f.n_details, 1);
}

static void
text_is_read_up_to_len_only(void **state)
{
	static const char text[] = "IBAN GB82WEST12345698765432 our bank details have changed";
	struct mail_payment_facts f;
	char *cut = malloc(20);

	/* an exact allocation: ASan sees any read beyond it */
	memcpy(cut, text, 20);
	mail_payment_scan(cut, 20, &f);
	assert_int_equal(f.n_details, 0);
	free(cut);
	mail_payment_scan(text, 27, &f);
	assert_int_equal(f.n_details, 1);
	assert_false(f.bank_change);
}

static void
phrase_words_matched_by_prefix_may_be_long(void **state)
{
	char text[512];

	/* "coordonn*" takes the whole word however long: the phrase goes on
	 * after the text's word, not after as many bytes of the phrase (the
	 * fuzzer found that read beyond the phrase) */
	snprintf(text, sizeof text, "nos coordonn%0200d bancaires ont été modifiées", 0);
	assert_true(scan(text).bank_change);
	snprintf(text, sizeof text, "nos coordonn%0200d postales ont été modifiées", 0);
	assert_false(scan(text).bank_change);
}

static void
a_256_kb_body_of_near_matches_is_scanned_fast(void **state)
{
	static const char *const units[] = {
		"IBAN GB82 ",
		"SWIFT EXTBGB2 ",
		"Sort code 20-00-0 ",
		"Bank account 12345 ",
		"our bank details have ",
		"new bank ",
		"a",
		"1 ",
		"\n",
		"Bank details:\nAccount ",
	};
	size_t size = 256 * 1024;
	char *text = malloc(size);

	assert_non_null(text);
	for (size_t u = 0; u < sizeof units / sizeof units[0]; u++) {
		size_t len = strlen(units[u]);
		struct mail_payment_facts f;
		struct timespec start;
		double ms;

		for (size_t i = 0; i < size; i++)
			text[i] = units[u][i % len];
		clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &start);
		mail_payment_scan(text, size, &f);
		ms = elapsed_ms(&start);
		/* linear: a few ms of CPU (tens under ASan); a
		 * quadratic pass over 256 KB would take minutes */
		if (ms > 1000)
			fail_msg("\"%s\" repeated: %.0f ms", units[u], ms);
		assert_int_equal(f.n_details, 0);
	}
	free(text);
}

/* The gate before the scan of list mail: every text the scan finds a
 * detail in passes it (the fuzz target asks the same of any bytes); a
 * list post's dates, phone numbers, amounts and "my account" do not. */
static void
texts_without_bank_words_or_ibans_give_no_details(void **state)
{
	static const char *const giving[] = {
		"Please pay to DE89 3704 0044 0532 0130 00.",
		"iban: gb82west12345698765432",
		"Beneficiary: AcmeTel\nSWIFT: COBADEFFXXX",
		"Routing number 021000021, account 12345678",
		"Sort code 20-00-00, account number 55779911",
		"Our bank account: 1234567890",
		"Bank details:\nAccount 998877665",
		"Kontonummer 0532013000",
		"Acct 00123456",
	};
	static const char *const not_giving[] = {
		"It works for me with gcc 12.\nOn 2026-10-05 Ann wrote:\n> It fails.",
		"Call me at +1 555 0100 123 or on my mobile, 0171 2345678.",
		"The quote is $2,500.00 for 12 months; order 88812345.",
		"I reset my account password and the build passed (r123456).",
		"",
	};
	struct mail_payment_facts f;

	(void)state;
	for (size_t i = 0; i < sizeof giving / sizeof giving[0]; i++) {
		mail_payment_scan(giving[i], strlen(giving[i]), &f);
		if (f.n_details == 0)
			fail_msg("no detail in \"%s\"", giving[i]);
		if (!mail_payment_may_give_details(giving[i], strlen(giving[i])))
			fail_msg("the gate shuts out \"%s\"", giving[i]);
	}
	for (size_t i = 0; i < sizeof not_giving / sizeof not_giving[0]; i++)
		if (mail_payment_may_give_details(not_giving[i], strlen(not_giving[i])))
			fail_msg("the gate lets in \"%s\"", not_giving[i]);
	assert_false(mail_payment_may_give_details(NULL, 0));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(null_and_empty_input_yield_nothing),
		cmocka_unit_test(texts_without_bank_words_or_ibans_give_no_details),
		cmocka_unit_test(kind_names_are_stable),
		cmocka_unit_test(registry_example_ibans_are_valid),
		cmocka_unit_test(ibans_with_a_wrong_digit_length_or_country_are_invalid),
		cmocka_unit_test(ibans_are_found_grouped_unbroken_and_in_lower_case),
		cmocka_unit_test(invalid_or_odd_iban_candidates_are_dropped),
		cmocka_unit_test(phone_order_numbers_dates_and_amounts_are_not_ibans),
		cmocka_unit_test(bics_need_bic_or_swift_before_them_on_their_line),
		cmocka_unit_test(routing_numbers_need_a_checksum_and_a_routing_word),
		cmocka_unit_test(sort_codes_need_sort_code_on_their_line),
		cmocka_unit_test(account_numbers_need_bank_words_on_their_line),
		cmocka_unit_test(a_bills_customer_account_number_is_not_a_bank_account),
		cmocka_unit_test(accounts_in_a_bank_details_block_count_up_to_a_blank_line),
		cmocka_unit_test(a_sort_code_or_routing_number_makes_its_paragraph_bank_details),
		cmocka_unit_test(details_are_deduplicated_and_bounded),
		cmocka_unit_test(bank_change_phrases_are_found_across_line_breaks),
		cmocka_unit_test(bank_change_is_found_in_each_language),
		cmocka_unit_test(negations_and_reassurances_are_no_bank_change),
		cmocka_unit_test(changes_an_attacker_words_around),
		cmocka_unit_test(payment_requests_need_an_amount_or_a_detail),
		cmocka_unit_test(payment_requests_are_found_in_each_language),
		cmocka_unit_test(the_legitimate_acmetel_bill_asks_payment_and_changes_nothing),
		cmocka_unit_test(the_fraudulent_acmetel_mail_has_new_bank_details),
		cmocka_unit_test(the_account_executives_reply_is_no_payment_mail),
		cmocka_unit_test(crlf_cr_and_nul_bytes_are_handled),
		cmocka_unit_test(text_is_read_up_to_len_only),
		cmocka_unit_test(phrase_words_matched_by_prefix_may_be_long),
		cmocka_unit_test(a_256_kb_body_of_near_matches_is_scanned_fast),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
