/*
 * Amounts of money as mail writes them: every format the issue lists,
 * the ambiguous ones read by the hint, and the numbers that are not
 * amounts (dates, phone numbers, references, postcodes, percentages,
 * glued columns).
 */
#include "config.h"

#include "helpers.h"

#include <stdio.h>
#include <string.h>

#include "mail/mail.h"

/* The one amount in s (currency required or not), or fails. */
static struct mail_amount
only(const char *s, bool require_currency, enum mail_decimal hint)
{
	struct mail_amount a, extra;
	size_t pos = 0;

	if (!mail_amount_next(s, strlen(s), &pos, require_currency, hint, &a))
		fail_msg("no amount in \"%s\"", s);
	if (mail_amount_next(s, strlen(s), &pos, require_currency, hint, &extra))
		fail_msg("a second amount in \"%s\" at %zu", s, extra.start);
	return a;
}

static void
expect(const char *s, int64_t minor, const char *currency)
{
	struct mail_amount a = only(s, false, MAIL_DECIMAL_UNKNOWN);

	if (a.money.minor != minor || strcmp(a.money.currency, currency) != 0)
		fail_msg("\"%s\": %lld %s, expected %lld %s", s, (long long)a.money.minor,
			 a.money.currency, (long long)minor, currency);
}

static void
expect_none(const char *s, bool require_currency)
{
	struct mail_amount a;
	size_t pos = 0;

	if (mail_amount_next(s, strlen(s), &pos, require_currency, MAIL_DECIMAL_UNKNOWN, &a))
		fail_msg("\"%s\" read as an amount: %lld %s at %zu..%zu", s,
			 (long long)a.money.minor, a.money.currency, a.start, a.end);
}

static void
the_formats_of_the_issue(void **state)
{
	(void)state;
	expect("$2,500.00", 250000, "USD");
	expect("USD 2500", 250000, "USD");
	/* "$" is every dollar: a code beside it says which */
	expect("Total $1,200.00 CAD", 120000, "CAD");
	expect("Total AUD $1,100.00", 110000, "AUD");
	expect("Total (AUD) $1,100.00", 110000, "AUD");
	expect("$5.00 USD", 500, "USD");
	expect("$5.00 EUR", 500, "USD"); /* (no dollar: a column of another) */
	/* yen written after the number, without decimals */
	expect("Total 132,000\xE5\x86\x86", 132000, "JPY");
	expect("2.500,00 €", 250000, "EUR");
	expect("1 234,56 €", 123456, "EUR");
	expect("1\xC2\xA0"
	       "234,56\xC2\xA0€",
	       123456, "EUR"); /* no-break spaces */
	expect("1\xE2\x80\xAF"
	       "234,56\xE2\x80\xAF€",
	       123456, "EUR"); /* narrow no-break */
	expect("CHF 1'049.95", 104995, "CHF");
	expect("CHF 1\xE2\x80\x99"
	       "049.95",
	       104995, "CHF");
	expect("£1,200", 120000, "GBP");
	expect("1.899,- €", 189900, "EUR");
	expect("\xE2\x82\xB9"
	       "1,23,456.00",
	       12345600, "INR");
	expect("¥12,000", 12000, "JPY");
	expect("KWD 1,250.500", 1250500, "KWD");
	expect("€2.500", 250000, "EUR");
	expect("EUR 12,50", 1250, "EUR");
	expect("12.50 EUR", 1250, "EUR");
	expect("$0.99", 99, "USD");
}

static void
negatives(void **state)
{
	(void)state;
	expect("-$1,716.96", -171696, "USD");
	expect("($1,234.56)", -123456, "USD");
	expect("$1,234.56-", -123456, "USD");
	expect("\xE2\x88\x92"
	       "45,00 €",
	       -4500, "EUR");
	expect("$108.43 cr", -10843, "USD");
	expect("$108.43CR", -10843, "USD");
	expect("USD -45.00", -4500, "USD");
}

static void
ambiguous_amounts_follow_the_hint(void **state)
{
	struct mail_amount a;

	(void)state;
	a = only("12,500 EUR", true, MAIL_DECIMAL_UNKNOWN);
	assert_true(a.ambiguous);
	assert_int_equal(a.money.minor, 1250000);
	assert_int_equal(a.alt_minor, 1250);
	a = only("12,500 EUR", true, MAIL_DECIMAL_COMMA);
	assert_true(a.ambiguous);
	assert_int_equal(a.money.minor, 1250);
	assert_int_equal(a.alt_minor, 1250000);
	a = only("$12,500", true, MAIL_DECIMAL_DOT);
	assert_int_equal(a.money.minor, 1250000);
	/* currencies written with a point everywhere ignore the hint */
	a = only("$12,500", true, MAIL_DECIMAL_COMMA);
	assert_int_equal(a.money.minor, 1250000);
	a = only("\xC2\xA5"
		 "12,526",
		 true, MAIL_DECIMAL_COMMA);
	assert_int_equal(a.money.minor, 12526);
	assert_false(a.ambiguous);
	a = only("1.899 €", true, MAIL_DECIMAL_COMMA);
	assert_int_equal(a.money.minor, 189900);
	/* what an amount shows of its writer's habit */
	assert_int_equal(only("2.500,00 €", true, MAIL_DECIMAL_UNKNOWN).decimal,
			 MAIL_DECIMAL_COMMA);
	assert_int_equal(only("$2,500.00", true, MAIL_DECIMAL_UNKNOWN).decimal, MAIL_DECIMAL_DOT);
	assert_int_equal(only("$2,500,000", true, MAIL_DECIMAL_UNKNOWN).decimal, MAIL_DECIMAL_DOT);
	assert_false(only("$2,500,000", true, MAIL_DECIMAL_UNKNOWN).ambiguous);
	assert_int_equal(only("USD 2500", true, MAIL_DECIMAL_UNKNOWN).decimal,
			 MAIL_DECIMAL_UNKNOWN);
}

static void
numbers_that_are_not_amounts(void **state)
{
	(void)state;
	expect_none("on 15.08.2017 at 10:30", false);
	expect_none("invoice INV-1007", false);
	expect_none("Q-2291 and AT-2026-10", false);
	expect_none("order #48213", false);
	expect_none("call +1 555 123 4567", true);
	expect_none("D-80331 M\xC3\xBCnchen", false);
	expect_none("19% VAT", false);
	expect_none("19,00 % MwSt", false);
	expect_none("0.005.00", false);
	expect_none("12/15/2026", false);
	expect_none("2026-12-15", false);
	expect_none("No.5 and A4", false);
	expect_none("account 8812-004417", false);
	expect_none("1234567890123456 EUR", false);
	/* fifteen digits, but rounded to sixteen */
	expect_none("999999999999999.999 EUR", false);
	expect_none("999999999999999.995", false);
	expect_none("size 24in and 3,000 x Monitor", true);
	expect_none("0171", false);
}

static void
amounts_in_running_text(void **state)
{
	const char *text = "3,000 x Monitor 24in @ $149.00 = $447,000.00, valid until 2026-12-15.";
	struct mail_amount a;
	size_t pos = 0;

	(void)state;
	assert_true(mail_amount_next(text, strlen(text), &pos, true, MAIL_DECIMAL_UNKNOWN, &a));
	assert_int_equal(a.money.minor, 14900);
	assert_string_equal(a.money.currency, "USD");
	assert_true(mail_amount_next(text, strlen(text), &pos, true, MAIL_DECIMAL_UNKNOWN, &a));
	assert_int_equal(a.money.minor, 44700000);
	assert_int_equal(a.start, strstr(text, "$447") - text);
	assert_int_equal(a.end, strstr(text, ", valid") - text);
	assert_false(mail_amount_next(text, strlen(text), &pos, true, MAIL_DECIMAL_UNKNOWN, &a));

	/* a bare number only when asked for one */
	text = "Total: 2,500.00";
	pos = 0;
	assert_false(mail_amount_next(text, strlen(text), &pos, true, MAIL_DECIMAL_UNKNOWN, &a));
	pos = 0;
	assert_true(mail_amount_next(text, strlen(text), &pos, false, MAIL_DECIMAL_UNKNOWN, &a));
	assert_int_equal(a.money.minor, 250000);
	assert_string_equal(a.money.currency, "");
	/* not NUL-terminated: the length is the end */
	assert_true(mail_amount_parse("  $12.5  ", MAIL_DECIMAL_UNKNOWN, &a));
	assert_int_equal(a.money.minor, 1250);
	assert_false(mail_amount_parse("$12.50 and more", MAIL_DECIMAL_UNKNOWN, &a));
	/* the largest amount, and the largest that rounds within it */
	assert_true(mail_amount_parse("999999999999999.99", MAIL_DECIMAL_DOT, &a));
	assert_int_equal(a.money.minor, INT64_C(99999999999999999));
	assert_true(mail_amount_parse("999999999999999.994", MAIL_DECIMAL_DOT, &a));
	assert_int_equal(a.money.minor, INT64_C(99999999999999999));
}

static void
formatting(void **state)
{
	char buf[64];
	struct mail_money m = { 780000, "USD" };

	(void)state;
	mail_money_format(&m, buf, sizeof buf);
	assert_string_equal(buf, "$7,800.00");
	m = (struct mail_money){ -4500, "EUR" };
	mail_money_format(&m, buf, sizeof buf);
	assert_string_equal(buf, "-\xE2\x82\xAC"
				 "45.00");
	m = (struct mail_money){ 104995, "CHF" };
	mail_money_format(&m, buf, sizeof buf);
	assert_string_equal(buf, "CHF 1,049.95");
	m = (struct mail_money){ 12000, "JPY" };
	mail_money_format(&m, buf, sizeof buf);
	assert_string_equal(buf, "\xC2\xA5"
				 "12,000");
	m = (struct mail_money){ 1250500, "KWD" };
	mail_money_format(&m, buf, sizeof buf);
	assert_string_equal(buf, "KWD 1,250.500");
	m = (struct mail_money){ INT64_MIN, "USD" };
	assert_true(mail_money_format(&m, buf, sizeof buf) > 0);
	assert_int_equal(mail_currency_digits("JPY"), 0);
	assert_int_equal(mail_currency_digits("KWD"), 3);
	assert_int_equal(mail_currency_digits("XXX"), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_formats_of_the_issue),
		cmocka_unit_test(negatives),
		cmocka_unit_test(ambiguous_amounts_follow_the_hint),
		cmocka_unit_test(numbers_that_are_not_amounts),
		cmocka_unit_test(amounts_in_running_text),
		cmocka_unit_test(formatting),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
