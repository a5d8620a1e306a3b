/* Quotes and bills against a real notmuch index and store: what is
 * recorded per message (and goes with it), the bill check (the jump
 * against the vendor's usual, a reminder counted once, the threshold of
 * the configuration, the contracted rate), the vendor's habit deciding
 * an ambiguous total, and the query terms. */
#include "config.h"

#include "helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/private.h"
#include "store-fixture.h"

static void
bill(struct fixture *f, const char *name, const char *from, const char *subject, const char *date,
     const char *body)
{
	char headers[128];

	snprintf(headers, sizeof headers, "Date: %s\n", date);
	test_write_message(f->mail, name, from, "Rich Miller <rich@northwind.example>", subject,
			   name, headers, body);
}

/* The flag of the bill with message id id ("" when not flagged). */
static char *
flag_of(struct fixture *f, const char *id)
{
	struct vt_document_filter filter = { .kind = MAIL_DOC_BILL };
	struct vt_document_list list;
	struct vt_error err = { 0 };
	char *out = NULL;

	assert_int_equal(vt_documents_list(f->store, &filter, &list, &err), VT_OK);
	for (size_t i = 0; i < list.count; i++)
		if (strcmp(list.items[i].message_id, id) == 0)
			out = strdup(list.items[i].flag);
	vt_document_list_clear(&list);
	if (out == NULL)
		fail_msg("no bill %s", id);
	return out;
}

static void
monthly_bills(struct fixture *f)
{
	const char *from = "Hooli Billing <billing@hooli.example>";

	bill(f, "b1", from, "Invoice AT-1", "Mon, 03 Aug 2026 10:00:00 +0000",
	     "Amount due: $2,500.00\n");
	bill(f, "b2", from, "Invoice AT-2", "Wed, 02 Sep 2026 10:00:00 +0000",
	     "Amount due: $2,480.00\n");
	bill(f, "b3", from, "Invoice AT-3", "Fri, 02 Oct 2026 10:00:00 +0000",
	     "Amount due: $7,800.00\n");
	/* a reminder repeating the October bill's reference: counted once */
	bill(f, "b4", from, "Invoice AT-3 (reminder copy)", "Mon, 19 Oct 2026 10:00:00 +0000",
	     "Amount due: $7,800.00\n");
	bill(f, "b5", from, "Invoice AT-4", "Tue, 03 Nov 2026 10:00:00 +0000",
	     "Amount due: $2,510.00\n");
}

static void
a_bill_that_jumps_is_flagged(void **state)
{
	struct fixture *f = *state;
	struct vt_document_filter filter = { .flagged = true };
	struct vt_document_list list;
	struct vt_error err = { 0 };
	char line[160], *flag;

	monthly_bills(f);
	index_ok(f);
	assert_int_equal(vt_documents_list(f->store, &filter, &list, &err), VT_OK);
	assert_int_equal(list.count, 1);
	assert_string_equal(list.items[0].message_id, "b3");
	assert_int_equal(list.items[0].usual, 249000);
	assert_int_equal(list.items[0].usual_count, 2);
	vt_document_check_line(&list.items[0], line, sizeof line);
	assert_string_equal(line, "$7,800.00: +213% against the usual $2,490.00 (2 bills)");
	vt_document_list_clear(&list);
	/* the reminder is not a second jump, and November is usual again:
	 * the usual is the median, which one odd bill does not move */
	assert_string_equal((flag = flag_of(f, "b4")), "");
	free(flag);
	assert_string_equal((flag = flag_of(f, "b5")), "");
	free(flag);
	assert_int_equal(count(f, "bill:flagged"), 1);
	/* the fixture's own AcmeTel bill is $7,800.00 too */
	assert_int_equal(count(f, "kind:bill amount:>5000"), 3);
	assert_int_equal(count(f, "kind:bill amount:2400..2500"), 2);
	assert_int_equal(count(f, "ref:at-3"), 2);
	/* the terms answered together in sqlite, with the vendor's and with
	 * words, agree with each alone */
	assert_int_equal(count(f, "vendor:hooli kind:bill amount:>5000"), 2);
	assert_int_equal(count(f, "vendor:acmetel kind:bill amount:>5000"), 1);
	assert_int_equal(count(f, "kind:bill amount:>5000 subject:reminder"), 1);
	assert_int_equal(count(f, "(kind:bill) and (amount:>5000)"), 3);
	/* "and" written out: the same as without (a syntax error, or a
	 * word of the query left beside a term taken out) */
	assert_int_equal(count(f, "kind:bill and amount:>5000"), 3);
	assert_int_equal(count(f, "kind:bill AND amount:>5000 and subject:reminder"), 1);
	assert_int_equal(count(f, "kind:bill and tag:nosuch and amount:>5000"), 0);
	/* a bound's third decimal is kept (a currency of three decimals) */
	assert_int_equal(count(f, "kind:bill amount:7800.001.."), 0);
	assert_int_equal(count(f, "kind:bill amount:7799.999.."), 3);
	assert_int_equal(count(f, "kind:bill amount:7800.000"), 3);
	assert_int_equal(count(f, "kind:bill amount:>5000 currency:eur"), 0);
	assert_int_equal(count(f, "currency:usd"), 6);
	/* a bill sent again under its reference at another total is judged
	 * (it was taken for a reminder, never compared) */
	bill(f, "b6", "Hooli Billing <billing@hooli.example>", "Corrected invoice AT-4",
	     "Wed, 04 Nov 2026 10:00:00 +0000", "Invoice AT-4\nAmount due: $8,010.00\n");
	index_ok(f);
	assert_string_equal((flag = flag_of(f, "b6")), "jump");
	free(flag);
	assert_string_equal((flag = flag_of(f, "b5")), "");
	free(flag);
	assert_int_equal(count(f, "bill:flagged"), 2);
}

/* A prorated first bill, then the usual: of two earlier bills the median
 * is their mean, an amount never billed ($1,491.93), and the third bill,
 * the same as the second, was a jump of 67% */
static void
a_bill_like_one_of_two_before_is_no_jump(void **state)
{
	struct fixture *f = *state;
	const char *from = "MetroNet Billing <billing@metronet.example>";
	char *flag;

	(void)state;
	bill(f, "m1", from, "Invoice MN-501", "Mon, 03 Aug 2026 10:00:00 +0000",
	     "Amount due: $483.87 (26-31 July, prorated)\n");
	bill(f, "m2", from, "Invoice MN-502", "Wed, 02 Sep 2026 10:00:00 +0000",
	     "Amount due: $2,500.00\n");
	bill(f, "m3", from, "Invoice MN-503", "Fri, 02 Oct 2026 10:00:00 +0000",
	     "Amount due: $2,500.00\n");
	bill(f, "m4", from, "Invoice MN-504", "Mon, 02 Nov 2026 10:00:00 +0000",
	     "Amount due: $9,900.00\n");
	index_ok(f);
	assert_string_equal((flag = flag_of(f, "m3")), "");
	free(flag);
	/* a real jump still is one */
	assert_string_equal((flag = flag_of(f, "m4")), "jump");
	free(flag);
}

static void
the_threshold_and_the_rate_come_from_the_user(void **state)
{
	struct fixture *f = *state;
	struct mail_money rate = { 250000, "USD" };
	struct vt_error err = { 0 };
	char *flag;

	monthly_bills(f);
	close_all(f);
	load_config(f, "[bills]\njump_percent = 250\n");
	open_all(f);
	index_ok(f);
	assert_int_equal(count(f, "bill:flagged"), 0);
	/* a contracted rate: every bill 5% off it is flagged */
	assert_int_equal(vt_vendor_set_rate(f->store, "hooli", &rate, "month", &err), VT_OK);
	assert_int_equal(vt_documents_judge(f->store, f->cfg, &err), VT_OK);
	assert_string_equal((flag = flag_of(f, "b3")), "rate");
	free(flag);
	assert_string_equal((flag = flag_of(f, "b2")), "");
	free(flag);
	/* the same rate agreed per year, for monthly bills: a twelfth of
	 * it each ($30,000 a year; every bill was "not the rate") */
	rate.minor = 3000000;
	assert_int_equal(vt_vendor_set_rate(f->store, "hooli", &rate, "year", &err), VT_OK);
	assert_int_equal(vt_documents_judge(f->store, f->cfg, &err), VT_OK);
	assert_string_equal((flag = flag_of(f, "b2")), "");
	free(flag);
	assert_string_equal((flag = flag_of(f, "b5")), "");
	free(flag);
	assert_string_equal((flag = flag_of(f, "b3")), "rate");
	free(flag);
	assert_int_equal(count(f, "bill:flagged"), 1);
	/* a monthly rate every bill misses: flagged from the second bill on
	 * (the billing cycle was known only after it) */
	rate.minor = 100000;
	assert_int_equal(vt_vendor_set_rate(f->store, "hooli", &rate, "month", &err), VT_OK);
	assert_int_equal(vt_documents_judge(f->store, f->cfg, &err), VT_OK);
	assert_string_equal((flag = flag_of(f, "b1")), "");
	free(flag);
	assert_string_equal((flag = flag_of(f, "b2")), "rate");
	free(flag);
	assert_int_equal(vt_vendor_set_rate(f->store, "hooli", NULL, NULL, &err), VT_OK);
	assert_int_equal(vt_documents_judge(f->store, f->cfg, &err), VT_OK);
	assert_int_equal(count(f, "bill:flagged"), 0);
}

static void
the_vendors_habit_reads_an_ambiguous_total(void **state)
{
	struct fixture *f = *state;
	const char *from = "Müller <rechnung@mueller.example>";

	/* unambiguous German amounts first, then "12,500 EUR" */
	bill(f, "m1", from, "Rechnung 1", "Mon, 03 Aug 2026 10:00:00 +0000",
	     "Betrag: 1.234,50 EUR\nGesamtbetrag 1.234,50 EUR\n");
	bill(f, "m2", from, "Invoice 2", "Mon, 07 Sep 2026 10:00:00 +0000", "Total: 12,500 EUR\n");
	index_ok(f);
	assert_int_equal(sql_long(f, "SELECT total FROM documents WHERE message_id = 'm2'"), 1250);
	/* and an American vendor's the other way */
	bill(f, "u1", "Initech <billing@initech.example>", "Invoice 7",
	     "Mon, 03 Aug 2026 10:00:00 +0000", "Total: 1,234.50 EUR\n");
	bill(f, "u2", "Initech <billing@initech.example>", "Invoice 8",
	     "Mon, 07 Sep 2026 10:00:00 +0000", "Total: 12,500 EUR\n");
	age_mail_dirs(f, 5);
	index_ok(f);
	assert_int_equal(sql_long(f, "SELECT total FROM documents WHERE message_id = 'u2'"),
			 1250000);
}

static void
documents_go_with_their_message(void **state)
{
	struct fixture *f = *state;
	char path[4200];

	monthly_bills(f);
	index_ok(f);
	assert_int_equal(sql_long(f, "SELECT count(*) FROM documents WHERE message_id = 'b1'"), 1);
	snprintf(path, sizeof path, "%s/cur/b1", f->mail);
	assert_int_equal(unlink(path), 0);
	age_mail_dirs(f, 5);
	index_ok(f);
	assert_int_equal(sql_long(f, "SELECT count(*) FROM documents WHERE message_id = 'b1'"), 0);
	/* the user's own mail and a reply about a bill are no documents */
	assert_int_equal(sql_long(f, "SELECT count(*) FROM documents d JOIN messages m"
				     " USING (message_id) WHERE m.direction = 1"),
			 0);
	assert_int_equal(count(f, "kind:bill") + count(f, "kind:quote"),
			 (unsigned long)
				 sql_long(f,
					  "SELECT count(*) FROM documents WHERE kind IN (1, 2)"));
}

/* A bill forged in the vendor's name (failed authentication at the user's
 * server) is not the vendor's: not in its list, and it moves no usual. */
static void
a_forged_bill_is_not_the_vendors(void **state)
{
	struct fixture *f = *state;
	struct vt_document_filter filter = { .kind = MAIL_DOC_BILL, .vendor = "hooli" };
	struct vt_document_list list;
	struct vt_error err = { 0 };
	char *flag;

	close_all(f);
	load_config(f, "[trust]\nauthserv_id = mx.northwind.example\n");
	open_all(f);
	monthly_bills(f);
	test_write_message(f->mail, "forged", "Hooli Billing <billing@hooli.example>",
			   "Rich Miller <rich@northwind.example>", "Invoice AT-9", "forged",
			   "Date: Sat, 10 Oct 2026 10:00:00 +0000\n"
			   "Authentication-Results: mx.northwind.example; dkim=fail"
			   " header.d=hooli.example; dmarc=fail header.from=hooli.example\n",
			   "Amount due: $9,900.00\n");
	index_ok(f);
	assert_int_equal(vt_documents_list(f->store, &filter, &list, &err), VT_OK);
	for (size_t i = 0; i < list.count; i++)
		if (strcmp(list.items[i].message_id, "forged") == 0)
			fail_msg("the forged bill is listed as hooli's");
	vt_document_list_clear(&list);
	/* November's usual is still the real bills' median */
	assert_string_equal((flag = flag_of(f, "b5")), "");
	free(flag);
	assert_int_equal(sql_long(f, "SELECT usual FROM documents WHERE message_id = 'b5'"),
			 250000);
}

static void
bad_terms_say_what_they_take(void **state)
{
	struct fixture *f = *state;
	struct vt_error err = { 0 };
	char *out = NULL;

	index_ok(f);
	assert_int_equal(vt_query_translate(f->store, "amount:lots", &out, &err), VT_ERR_USAGE);
	assert_non_null(strstr(err.msg, "amount:500..2000"));
	assert_int_equal(vt_query_translate(f->store, "kind:invoice", &out, &err), VT_ERR_USAGE);
	assert_int_equal(vt_query_translate(f->store, "due:soon", &out, &err), VT_ERR_USAGE);
	assert_int_equal(vt_query_translate(f->store, "bill:all", &out, &err), VT_ERR_USAGE);
	assert_int_equal(vt_query_translate(f->store, "currency:euro", &out, &err), VT_ERR_USAGE);
	/* a phrase is text */
	assert_int_equal(vt_query_translate(f->store, "\"kind:quote\"", &out, &err), VT_OK);
	assert_null(strstr(out, "vtriage.doc"));
	free(out);
	/* terms answered together in sqlite fail before the rewriting:
	 * nothing is left in *out for the caller to free */
	out = (char *)"not ours";
	assert_int_not_equal(vt_query_translate(f->store, "kind:bill amount:lots", &out, &err),
			     VT_OK);
	assert_null(out);
	out = (char *)"not ours";
	assert_int_not_equal(vt_query_translate(f->store, "kind:bill vendor:nosuch", &out, &err),
			     VT_OK);
	assert_null(out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(a_bill_that_jumps_is_flagged, setup, teardown),
		cmocka_unit_test_setup_teardown(a_bill_like_one_of_two_before_is_no_jump, setup,
						teardown),
		cmocka_unit_test_setup_teardown(the_threshold_and_the_rate_come_from_the_user,
						setup, teardown),
		cmocka_unit_test_setup_teardown(the_vendors_habit_reads_an_ambiguous_total, setup,
						teardown),
		cmocka_unit_test_setup_teardown(documents_go_with_their_message, setup, teardown),
		cmocka_unit_test_setup_teardown(a_forged_bill_is_not_the_vendors, setup, teardown),
		cmocka_unit_test_setup_teardown(bad_terms_say_what_they_take, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
