/* mail_query_rewrite: our terms spliced into notmuch queries. */
#include "config.h"

#include "helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mail/mail.h"

static const char *const prefixes[] = { "vendor", "bucket", NULL };

static char *
expand(void *ctx, const char *prefix, const char *value, struct vt_error *err)
{
	char *out = NULL;

	if (strcmp(value, "unknown") == 0) {
		vt_fail(err, VT_ERR_USAGE, "no vendor '%s'", value);
		return NULL;
	}
	assert_true(asprintf(&out, "X-%s=%s", prefix, value) > 0);
	return out;
}

static void
check(const char *in, const char *want)
{
	struct vt_error err = { 0 };
	char *out = NULL;

	assert_int_equal(mail_query_rewrite(in, prefixes, expand, NULL, &out, &err), VT_OK);
	assert_string_equal(out, want);
	free(out);
}

static void
queries_without_our_terms_pass_unchanged(void **state)
{
	check("", "");
	check("tag:inbox and from:acme", "tag:inbox and from:acme");
	check("subject:\"vendor:acme\" (a OR b)", "subject:\"vendor:acme\" (a OR b)");
	check("\"vendor:acme is quoted\"", "\"vendor:acme is quoted\"");
	check("myvendor:acme", "myvendor:acme");
	check("-tag:spam", "-tag:spam");
}

static void
our_terms_are_expanded_in_place(void **state)
{
	check("vendor:acme", "(X-vendor=acme)");
	check("tag:inbox vendor:acme", "tag:inbox (X-vendor=acme)");
	check("(vendor:acme OR bucket:trusted)", "((X-vendor=acme) OR (X-bucket=trusted))");
	check("vendor:\"acme co\"", "(X-vendor=acme co)");
	check("vendor:\"say \"\"hi\"\"\" x", "(X-vendor=say \"hi\") x");
}

static void
signs_become_operators(void **state)
{
	check("-bucket:generic", "NOT (X-bucket=generic)");
	check("tag:inbox -vendor:acme", "tag:inbox NOT (X-vendor=acme)");
	check("+vendor:acme", "(X-vendor=acme)");
}

static void
errors_name_the_problem(void **state)
{
	struct vt_error err = { 0 };
	char *out = (char *)"untouched";

	assert_int_equal(mail_query_rewrite("vendor:", prefixes, expand, NULL, &out, &err),
			 VT_ERR_USAGE);
	assert_null(out);
	assert_non_null(strstr(err.msg, "vendor: needs a value"));
	assert_int_equal(mail_query_rewrite("tag:x vendor:unknown", prefixes, expand, NULL, &out,
					    &err),
			 VT_ERR_USAGE);
	assert_non_null(strstr(err.msg, "no vendor 'unknown'"));
}

/* Every query is wrapped ("(query) AND ..."): a ')' of its own would let
 * the rest of it out, so parentheses must pair; quoted ones are text. */
static void
parentheses_must_pair(void **state)
{
	struct vt_error err = { 0 };
	char *out = NULL;

	assert_int_equal(mail_query_rewrite("subject:a) or (from:b", prefixes, expand, NULL, &out,
					    &err),
			 VT_ERR_USAGE);
	assert_null(out);
	assert_non_null(strstr(err.msg, "')' with no '('"));
	assert_int_equal(mail_query_rewrite("(vendor:acme or tag:x", prefixes, expand, NULL, &out,
					    &err),
			 VT_ERR_USAGE);
	assert_non_null(strstr(err.msg, "'(' never closed"));
	assert_int_equal(mail_query_rewrite(")(", prefixes, expand, NULL, &out, &err),
			 VT_ERR_USAGE);
	check("subject:\"a (b\" (tag:x)", "subject:\"a (b\" (tag:x)");
	check("\"x)\" and (vendor:acme)", "\"x)\" and ((X-vendor=acme))");
}

static void
quoting_doubles_quotes(void **state)
{
	char *q = mail_query_quote("vtriage.org=a\"b");

	assert_string_equal(q, "\"vtriage.org=a\"\"b\"");
	free(q);
}

/* What a lone term is: one vendor:VALUE, nothing before or after. */
static void
a_sole_term_is_the_whole_query(void **state)
{
	static const char *const sole[][2] = {
		{ "vendor:acme", "acme" },
		{ "  vendor:acme\t", "acme" },
		{ "vendor:\"acme inc\"", "acme inc" },
		{ "vendor:\"say \"\"hi\"\"\"", "say \"hi\"" },
	};
	static const char *const not_sole[] = {
		"vendor:acme and invoice",
		"vendor:acme invoice",
		"invoice vendor:acme",
		"-vendor:acme",
		"+vendor:acme",
		"not vendor:acme",
		"(vendor:acme)",
		"vendor:acme)",
		"vendor:",
		"vendor:\"acme",
		"vendor:\"acme\"\"",
		"vendors:acme",
		"xvendor:acme",
		"bucket:generic",
		"",
		"vendor:\"a\" or b",
		"vendor:\"\"",
	};
	(void)state;
	for (size_t i = 0; i < sizeof sole / sizeof *sole; i++) {
		char *v = mail_query_sole_term(sole[i][0], "vendor");

		if (v == NULL)
			fail_msg("'%s': no sole term", sole[i][0]);
		assert_string_equal(v, sole[i][1]);
		free(v);
	}
	for (size_t i = 0; i < sizeof not_sole / sizeof *not_sole; i++)
		if (mail_query_sole_term(not_sole[i], "vendor") != NULL)
			fail_msg("'%s' read as one vendor: term", not_sole[i]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(queries_without_our_terms_pass_unchanged),
		cmocka_unit_test(our_terms_are_expanded_in_place),
		cmocka_unit_test(signs_become_operators),
		cmocka_unit_test(errors_name_the_problem),
		cmocka_unit_test(parentheses_must_pair),
		cmocka_unit_test(quoting_doubles_quotes),
		cmocka_unit_test(a_sole_term_is_the_whole_query),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
