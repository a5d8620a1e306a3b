/* Authentication-Results (RFC 8601): the parser and what a header says of a From. */
#include "config.h"

#include "helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mail/mail.h"

#define GMAIL                                                                                      \
	"mx.google.com;\r\n       dkim=pass header.i=@example.com header.s=20230601 "              \
	"header.b=Abc;\r\n       spf=pass (google.com: domain of x@example.com designates "        \
	"203.0.113.5 as permitted sender) smtp.mailfrom=x@example.com;\r\n       dmarc=pass "      \
	"(p=REJECT sp=REJECT dis=NONE) header.from=example.com"
#define OFFICE365                                                                                  \
	"spf=pass (sender IP is 203.0.113.9) smtp.mailfrom=example.com; dkim=pass "                \
	"(signature was verified) header.d=example.com;dmarc=pass action=none "                    \
	"header.from=example.com;compauth=pass reason=100"
#define FASTMAIL                                                                                   \
	"mx5.messagingengine.com;\n    arc=none (no signatures found);\n"                          \
	"    dkim=pass (2048-bit rsa key sha256) header.d=example.com header.i=@example.com "      \
	"header.b=xyz header.a=rsa-sha256 header.s=fm1 x-bits=2048;\n    dmarc=pass "              \
	"policy.published-domain-policy=none policy.published-subdomain-policy=none "              \
	"policy.applied-disposition=none policy.evaluated-disposition=none "                       \
	"(p=none,sp=none,d=none,d.eval=none) policy.policy-from=p header.from=example.com;\n"      \
	"    iprev=pass smtp.remote-ip=203.0.113.7 (out.example.com);\n"                           \
	"    spf=pass smtp.mailfrom=bounce@mail.example.com smtp.helo=out.example.com;\n"          \
	"    x-aligned-from=pass (Address match);\n    x-me-sender=none;\n"                        \
	"    x-vs=clean score=-100 state=0"

static struct mail_authres
parse_ok(const char *value)
{
	struct mail_authres ar;

	assert_true(mail_authres_parse(value, strlen(value), &ar));
	return ar;
}

static void
refused(const char *value, size_t len)
{
	struct mail_authres ar;

	memset(&ar, 0xA5, sizeof ar);
	assert_false(mail_authres_parse(value, len, &ar));
	assert_string_equal(ar.authserv_id, "");
	assert_int_equal(ar.count, 0);
	assert_false(ar.truncated);
}

/* a literal, NULs and all */
#define REFUSE(lit) refused(lit, sizeof(lit) - 1)

static void
item_is(const struct mail_authres *ar, size_t i, const char *method, enum mail_auth_result result,
	const char *domain)
{
	assert_true(i < ar->count);
	assert_string_equal(ar->items[i].method, method);
	assert_int_equal(ar->items[i].result, result);
	assert_string_equal(ar->items[i].domain, domain);
}

/* The verdict of one header for a From of acme.example; why must fit. */
static enum mail_auth_verdict
judge(const char *value, const char *from_org, char why[96])
{
	struct mail_authres ar = parse_ok(value);

	return mail_authres_verdict(&ar, from_org, why, 96);
}

static void
verdict_is(const char *value, const char *from_org, enum mail_auth_verdict want,
	   const char *want_why)
{
	char why[96];

	memset(why, 'x', sizeof why);
	assert_int_equal(judge(value, from_org, why), want);
	assert_string_equal(why, want_why);
}

static void
what_is_no_header_is_refused(void **state)
{
	static const char junk[] = "\x01\x02\xff\x80\x00zz;dkim=pass";
	static const char nul_after_id[] = "mx.example.org\0; spf=pass";
	struct mail_authres ar;

	refused(NULL, 0);
	refused(NULL, 10);
	refused("", 0);
	refused("mx.example.org", 0); /* len, not the NUL, says where it ends */
	REFUSE(" \t\r\n ");
	REFUSE("(only (a) comment) \r\n\t(another");
	REFUSE("; dkim=pass");
	REFUSE("=pass");
	REFUSE("header.d=example.com; dkim=pass");
	REFUSE(junk);
	REFUSE("\x80\x81\x82; spf=pass");
	REFUSE("mx.example.org\x01\x02\x03");
	REFUSE(nul_after_id);
	REFUSE("<mx@example.org>; spf=pass");
	REFUSE("\"\"; spf=pass");
	assert_false(mail_authres_parse("mx.example.org; spf=pass", 24, NULL));
	/* the smallest headers there are */
	ar = parse_ok("mx.example.org");
	assert_string_equal(ar.authserv_id, "mx.example.org");
	assert_int_equal(ar.count, 0);
	ar = parse_ok("  (comment first) mx.example.org;");
	assert_string_equal(ar.authserv_id, "mx.example.org");
	assert_int_equal(ar.count, 0);
}

static void
nothing_to_judge_is_unknown(void **state)
{
	struct mail_authres ar = { 0 };
	char why[32];

	memset(why, 'x', sizeof why);
	assert_int_equal(mail_authres_verdict(NULL, "acme.example", why, sizeof why),
			 MAIL_AUTH_VERDICT_UNKNOWN);
	assert_string_equal(why, "");
	assert_int_equal(mail_authres_verdict(&ar, "acme.example", NULL, 0),
			 MAIL_AUTH_VERDICT_UNKNOWN);
	assert_int_equal(mail_authres_verdict(&ar, NULL, NULL, 12), MAIL_AUTH_VERDICT_UNKNOWN);
	assert_int_equal(mail_authres_verdict(&ar, "acme.example", why, sizeof why),
			 MAIL_AUTH_VERDICT_UNKNOWN);
	assert_string_equal(why, "no DKIM, SPF or DMARC verdict");
	verdict_is("mx.example.org; none", "acme.example", MAIL_AUTH_VERDICT_UNKNOWN,
		   "no DKIM, SPF or DMARC verdict");
	verdict_is("mx.example.org; dkim=none; spf=neutral smtp.mailfrom=acme.example; "
		   "dmarc=temperror header.from=acme.example; dkim=policy header.d=acme.example",
		   "acme.example", MAIL_AUTH_VERDICT_UNKNOWN, "no DKIM, SPF or DMARC verdict");
	/* DMARC's own errors are no failure */
	verdict_is("mx.example.org; dmarc=permerror header.from=acme.example", "acme.example",
		   MAIL_AUTH_VERDICT_UNKNOWN, "no DKIM, SPF or DMARC verdict");
	/* methods the verdict does not judge */
	verdict_is("mx.example.org; arc=fail; iprev=fail; auth=fail; bimi=fail", "acme.example",
		   MAIL_AUTH_VERDICT_UNKNOWN, "no DKIM, SPF or DMARC verdict");
}

static void
gmail_header_gives_each_result_and_domain(void **state)
{
	struct mail_authres ar = parse_ok(GMAIL);

	assert_string_equal(ar.authserv_id, "mx.google.com");
	assert_int_equal(ar.count, 3);
	assert_false(ar.truncated);
	item_is(&ar, 0, "dkim", MAIL_AUTH_PASS, "example.com"); /* from header.i */
	item_is(&ar, 1, "spf", MAIL_AUTH_PASS, "example.com");
	item_is(&ar, 2, "dmarc", MAIL_AUTH_PASS, "example.com");
	verdict_is(GMAIL, "example.com", MAIL_AUTH_VERDICT_PASS, "");
}

static void
office365_header_has_no_authserv_id(void **state)
{
	struct mail_authres ar = parse_ok(OFFICE365);

	assert_string_equal(ar.authserv_id, "");
	assert_int_equal(ar.count, 4);
	item_is(&ar, 0, "spf", MAIL_AUTH_PASS, "example.com");
	item_is(&ar, 1, "dkim", MAIL_AUTH_PASS, "example.com");
	item_is(&ar, 2, "dmarc", MAIL_AUTH_PASS, "example.com");
	item_is(&ar, 3, "compauth", MAIL_AUTH_PASS, "");
	ar = parse_ok(
		"  (leading comment)\r\n dkim=none (message not signed) header.d=none;"
		"dmarc=fail action=quarantine header.from=acme.example;compauth=fail reason=001");
	assert_string_equal(ar.authserv_id, "");
	assert_int_equal(ar.count, 3);
	item_is(&ar, 0, "dkim", MAIL_AUTH_NONE, "none");
	item_is(&ar, 1, "dmarc", MAIL_AUTH_FAIL, "acme.example");
}

static void
fastmail_header_keeps_results_not_properties(void **state)
{
	struct mail_authres ar = parse_ok(FASTMAIL);

	assert_string_equal(ar.authserv_id, "mx5.messagingengine.com");
	assert_int_equal(ar.count, 8);
	item_is(&ar, 0, "arc", MAIL_AUTH_NONE, "");
	item_is(&ar, 1, "dkim", MAIL_AUTH_PASS, "example.com");
	item_is(&ar, 2, "dmarc", MAIL_AUTH_PASS, "example.com");
	item_is(&ar, 3, "iprev", MAIL_AUTH_PASS, "");
	item_is(&ar, 4, "spf", MAIL_AUTH_PASS, "mail.example.com"); /* mailfrom over helo */
	item_is(&ar, 5, "x-aligned-from", MAIL_AUTH_PASS, "");
	item_is(&ar, 6, "x-me-sender", MAIL_AUTH_NONE, "");
	item_is(&ar, 7, "x-vs", MAIL_AUTH_NONE, "");
	verdict_is(FASTMAIL, "example.com", MAIL_AUTH_VERDICT_PASS, "");
}

static void
forged_header_names_the_forger_and_its_comments_say_nothing(void **state)
{
	static const char forged[] =
		"mail.attacker.example; dkim=fail (dkim=pass header.d=acme.example) "
		"header.d=acme.example; spf=fail (spf=pass; dmarc=pass) smtp.mailfrom=acme.example; "
		"dmarc=fail reason=\"dkim=pass; dmarc=pass header.from=acme.example\" "
		"header.from=acme.example";
	struct mail_authres ar = parse_ok(forged);

	assert_string_equal(ar.authserv_id, "mail.attacker.example");
	assert_int_equal(ar.count, 3);
	item_is(&ar, 0, "dkim", MAIL_AUTH_FAIL, "acme.example");
	item_is(&ar, 1, "spf", MAIL_AUTH_FAIL, "acme.example");
	item_is(&ar, 2, "dmarc", MAIL_AUTH_FAIL, "acme.example");
	/* an id in a comment is no id */
	ar = parse_ok("(mx.buyer.example) mail.attacker.example; dkim=pass header.d=acme.example");
	assert_string_equal(ar.authserv_id, "mail.attacker.example");
}

static void
milter_headers_with_reasons_parse(void **state)
{
	struct mail_authres ar =
		parse_ok("mail.buyer.example; dkim=fail reason=\"signature verification failed\" "
			 "(1024-bit key; unprotected) header.d=acme-networks.example "
			 "header.i=@acme-networks.example header.b=\"kL0p9aQ2\"");

	assert_string_equal(ar.authserv_id, "mail.buyer.example");
	assert_int_equal(ar.count, 1);
	item_is(&ar, 0, "dkim", MAIL_AUTH_FAIL, "acme-networks.example");
	ar = parse_ok("mail.buyer.example; dmarc=fail (p=reject dis=none) "
		      "header.from=acme-networks.example");
	item_is(&ar, 0, "dmarc", MAIL_AUTH_FAIL, "acme-networks.example");
	ar = parse_ok("mail.buyer.example;\n\tspf=softfail (mail.buyer.example: 198.51.100.4 is "
		      "neither permitted nor denied by domain of acme-networks.example) "
		      "smtp.mailfrom=billing@acme-networks.example smtp.helo=smtp.evil.example");
	item_is(&ar, 0, "spf", MAIL_AUTH_SOFTFAIL, "acme-networks.example");
	/* header.i first, header.d later: header.d wins */
	ar = parse_ok(
		"mail.buyer.example; dkim=pass header.i=@sub.acme.example header.d=acme.example");
	item_is(&ar, 0, "dkim", MAIL_AUTH_PASS, "acme.example");
	/* smtp.helo only when there is no mail from */
	ar = parse_ok("mail.buyer.example; spf=pass smtp.mailfrom=<> smtp.helo=Out.Acme.Example");
	item_is(&ar, 0, "spf", MAIL_AUTH_PASS, "out.acme.example");
}

static void
versions_none_and_folding_are_understood(void **state)
{
	struct mail_authres ar = parse_ok("mx.example.org 1; spf=pass smtp.mailfrom=example.org");

	assert_string_equal(ar.authserv_id, "mx.example.org");
	assert_int_equal(ar.count, 1);
	item_is(&ar, 0, "spf", MAIL_AUTH_PASS, "example.org");
	ar = parse_ok(
		"mx.example.org (version follows) 1 (done);\r\n\tdkim/1=pass header.d=example.org");
	item_is(&ar, 0, "dkim", MAIL_AUTH_PASS, "example.org");
	ar = parse_ok("mx.example.org; none");
	assert_int_equal(ar.count, 0);
	ar = parse_ok("mx.example.org 1;\r\n none (no checks run)");
	assert_int_equal(ar.count, 0);
	ar = parse_ok("mx.google.com;\r\n");
	assert_string_equal(ar.authserv_id, "mx.google.com");
	assert_int_equal(ar.count, 0);
	ar = parse_ok("mx.example.org;\r\n dkim\r\n =\r\n pass\r\n header.d\r\n =\r\n example.org");
	item_is(&ar, 0, "dkim", MAIL_AUTH_PASS, "example.org");
	ar = parse_ok("\"mx.example.org\" ; spf=pass");
	assert_string_equal(ar.authserv_id, "mx.example.org");
}

static void
results_without_semicolons_are_separated(void **state)
{
	struct mail_authres ar = parse_ok(
		"mx.example.org dkim=pass header.d=a.example spf=fail smtp.mailfrom=b.example "
		"dmarc=fail action=none header.from=b.example x-bits=1 compauth=none reason=405");

	assert_int_equal(ar.count, 4);
	item_is(&ar, 0, "dkim", MAIL_AUTH_PASS, "a.example");
	item_is(&ar, 1, "spf", MAIL_AUTH_FAIL, "b.example");
	item_is(&ar, 2, "dmarc", MAIL_AUTH_FAIL, "b.example");
	item_is(&ar, 3, "compauth", MAIL_AUTH_NONE, "");
	/* after a ';' any keyword is a method, unknown ones kept */
	ar = parse_ok("mx.example.org;;; x-custom=pass;vendor-check=fail ; ;");
	assert_int_equal(ar.count, 2);
	item_is(&ar, 0, "x-custom", MAIL_AUTH_PASS, "");
	item_is(&ar, 1, "vendor-check", MAIL_AUTH_FAIL, "");
}

static void
words_are_lower_cased_and_unknown_results_are_none(void **state)
{
	struct mail_authres ar = parse_ok(
		"MX.Example.ORG; DKIM=PASS Header.D=Example.COM; SPF=SoftFail SMTP.MailFrom=A@B.Example; "
		"dmarc=Bogus header.from=x.example; arc=pass; bimi=pass; iprev=pass; auth=pass "
		"smtp.auth=user; dkim-atps=pass; spf=hardfail; dkim=; dmarc=\"pass\"; "
		"averyveryverylongmethodname=pass");

	assert_string_equal(ar.authserv_id, "mx.example.org");
	assert_int_equal(ar.count, 12);
	item_is(&ar, 0, "dkim", MAIL_AUTH_PASS, "example.com");
	item_is(&ar, 1, "spf", MAIL_AUTH_SOFTFAIL, "b.example");
	item_is(&ar, 2, "dmarc", MAIL_AUTH_NONE, "x.example");
	item_is(&ar, 3, "arc", MAIL_AUTH_PASS, "");
	item_is(&ar, 4, "bimi", MAIL_AUTH_PASS, "");
	item_is(&ar, 5, "iprev", MAIL_AUTH_PASS, "");
	item_is(&ar, 6, "auth", MAIL_AUTH_PASS, "");
	item_is(&ar, 7, "dkim-atps", MAIL_AUTH_PASS, "");
	item_is(&ar, 8, "spf", MAIL_AUTH_FAIL, "");
	item_is(&ar, 9, "dkim", MAIL_AUTH_NONE, "");
	item_is(&ar, 10, "dmarc", MAIL_AUTH_NONE, "");
	item_is(&ar, 11, "averyveryverylo", MAIL_AUTH_PASS, ""); /* cut to fit */
	ar = parse_ok("mx.example.org; dkim=pass; dkim=neutral; dkim=temperror; dkim=permerror; "
		      "dkim=policy; dkim=none");
	assert_int_equal(ar.count, 6);
	item_is(&ar, 1, "dkim", MAIL_AUTH_NEUTRAL, "");
	item_is(&ar, 2, "dkim", MAIL_AUTH_TEMPERROR, "");
	item_is(&ar, 3, "dkim", MAIL_AUTH_PERMERROR, "");
	item_is(&ar, 4, "dkim", MAIL_AUTH_POLICY, "");
	item_is(&ar, 5, "dkim", MAIL_AUTH_NONE, "");
}

static void
values_give_clean_domains_or_none(void **state)
{
	char longer[300], exact[400];
	struct mail_authres ar =
		parse_ok("mx.example.org; dkim=pass header.d=\"Example.COM\"; "
			 "spf=pass smtp.mailfrom=\"john \\\"q\\\" smith\"@Example.NET; "
			 "spf=pass smtp.mailfrom=SRS0=abcd=XY=acme.example=bill@fwd.example; "
			 "dkim=pass header.d= header.i=@sub.example.com; "
			 "dmarc=pass header.from=; "
			 "spf=pass smtp.mailfrom=<bounce@lists.example.org>; "
			 "dkim=pass header.d=exa\\mple.com; "
			 "dkim=pass header.d=\"evil.example acme.example\"; "
			 "dmarc=pass header.from=ex(comment)ample.com");

	assert_int_equal(ar.count, 9);
	item_is(&ar, 0, "dkim", MAIL_AUTH_PASS, "example.com");
	item_is(&ar, 1, "spf", MAIL_AUTH_PASS, "example.net");
	item_is(&ar, 2, "spf", MAIL_AUTH_PASS, "fwd.example");
	item_is(&ar, 3, "dkim", MAIL_AUTH_PASS, "sub.example.com");
	item_is(&ar, 4, "dmarc", MAIL_AUTH_PASS, "");
	item_is(&ar, 5, "spf", MAIL_AUTH_PASS, "lists.example.org");
	item_is(&ar, 6, "dkim", MAIL_AUTH_PASS, "");
	item_is(&ar, 7, "dkim", MAIL_AUTH_PASS, "");
	item_is(&ar, 8, "dmarc", MAIL_AUTH_PASS, "ex");
	/* an empty value takes nothing from the next property */
	ar = parse_ok("mx.example.org; spf=pass smtp.mailfrom= smtp.helo=mail.example.com; "
		      "spf=fail smtp.mailfrom=<Lists.Example.ORG>");
	item_is(&ar, 0, "spf", MAIL_AUTH_PASS, "mail.example.com");
	item_is(&ar, 1, "spf", MAIL_AUTH_FAIL, "lists.example.org");
	/* too long for a DNS name: dropped, not cut to acme.example */
	memset(longer, 'x', sizeof longer);
	snprintf(longer + 250, sizeof longer - 250, ".acme.example.evil.net");
	snprintf(exact, sizeof exact, "mx.example.org; dkim=pass header.d=%s", longer);
	ar = parse_ok(exact);
	item_is(&ar, 0, "dkim", MAIL_AUTH_PASS, "");
	/* 255 bytes fit */
	memset(longer, 'a', sizeof longer);
	snprintf(longer + 242, sizeof longer - 242, ".acme.example");
	assert_int_equal(strlen(longer), MAIL_DOMAIN_MAX - 1);
	snprintf(exact, sizeof exact, "mx.example.org; dkim=pass header.d=%s", longer);
	ar = parse_ok(exact);
	item_is(&ar, 0, "dkim", MAIL_AUTH_PASS, longer);
}

static void
authserv_id_must_fit_or_the_header_is_refused(void **state)
{
	char id[MAIL_DOMAIN_MAX + 16], value[MAIL_DOMAIN_MAX + 32];
	struct mail_authres ar;

	memset(id, 'a', sizeof id);
	id[MAIL_DOMAIN_MAX - 1] = '\0';
	snprintf(value, sizeof value, "%s; spf=pass", id);
	ar = parse_ok(value);
	assert_string_equal(ar.authserv_id, id);
	assert_int_equal(ar.count, 1);
	id[MAIL_DOMAIN_MAX - 1] = 'a';
	id[MAIL_DOMAIN_MAX] = '\0';
	snprintf(value, sizeof value, "%s; spf=pass", id);
	refused(value, strlen(value));
}

static void
more_than_sixteen_results_are_cut_not_overflowed(void **state)
{
	char value[2048];
	size_t n = 0;
	struct mail_authres ar;

	n += (size_t)snprintf(value + n, sizeof value - n, "mx.example.org");
	for (int i = 0; i < MAIL_AUTHRES_ITEMS; i++)
		n += (size_t)snprintf(value + n, sizeof value - n,
				      "; dkim=pass header.d=d%d.example", i);
	ar = parse_ok(value);
	assert_int_equal(ar.count, MAIL_AUTHRES_ITEMS);
	assert_false(ar.truncated);
	for (int i = 0; i < 4; i++)
		n += (size_t)snprintf(value + n, sizeof value - n,
				      "; dmarc=fail header.from=x.example");
	ar = parse_ok(value);
	assert_int_equal(ar.count, MAIL_AUTHRES_ITEMS);
	assert_true(ar.truncated);
	item_is(&ar, 15, "dkim", MAIL_AUTH_PASS, "d15.example");
	/* what was cut is not judged */
	assert_int_equal(mail_authres_verdict(&ar, "x.example", NULL, 0),
			 MAIL_AUTH_VERDICT_UNKNOWN);
}

static void
unterminated_comments_and_quotes_end_the_header(void **state)
{
	struct mail_authres ar = parse_ok("mx.example.org; dkim=fail (dkim=pass; spf=pass");

	assert_int_equal(ar.count, 1);
	item_is(&ar, 0, "dkim", MAIL_AUTH_FAIL, "");
	ar = parse_ok("mx.example.org; dkim=fail reason=\"dkim=pass; spf=pass");
	assert_int_equal(ar.count, 1);
	ar = parse_ok("mx.example.org; dkim=fail (\\");
	assert_int_equal(ar.count, 1);
	ar = parse_ok("mx.example.org; dkim=fail reason=\"\\");
	assert_int_equal(ar.count, 1);
	/* nested, with quoted parentheses inside */
	ar = parse_ok("mx.example.org; spf=fail (a (b (c) \\) d) \\( (dkim=pass) e) "
		      "smtp.mailfrom=evil.example (x) ; dkim=fail");
	assert_int_equal(ar.count, 2);
	item_is(&ar, 0, "spf", MAIL_AUTH_FAIL, "evil.example");
	/* quoted-pairs do not close comments or quoted strings */
	ar = parse_ok("mx.example.org; dkim=fail (\\) dkim=pass header.d=acme.example");
	assert_int_equal(ar.count, 1);
	item_is(&ar, 0, "dkim", MAIL_AUTH_FAIL, "");
	ar = parse_ok("mx.example.org; dkim=fail reason=\"a\\\" dkim=pass\" header.d=x.example");
	assert_int_equal(ar.count, 1);
	item_is(&ar, 0, "dkim", MAIL_AUTH_FAIL, "x.example");
	/* stray closers and junk are skipped */
	ar = parse_ok("mx.example.org; ) dkim=fail \\ = ; = pass ;spf=pass ) trailing garbage =;");
	assert_int_equal(ar.count, 2);
	item_is(&ar, 1, "spf", MAIL_AUTH_PASS, "");
}

static void
nul_bytes_are_bytes_and_len_is_the_end(void **state)
{
	static const char with_nul[] =
		"mx.example.org; dkim=fail (\0dkim=pass)\0 header.d=a.example;"
		"\0spf=fail smtp.mailfrom=a.ex\0ample";
	const char *full = "mx.example.org; spf=pass smtp.mailfrom=acme.example; dkim=fail";
	struct mail_authres ar;

	assert_true(mail_authres_parse(with_nul, sizeof with_nul - 1, &ar));
	assert_int_equal(ar.count, 2);
	item_is(&ar, 0, "dkim", MAIL_AUTH_FAIL, "a.example");
	item_is(&ar, 1, "spf", MAIL_AUTH_FAIL, "a.ex");
	/* a prefix of a longer string: nothing beyond len is read */
	assert_true(mail_authres_parse(full, strlen("mx.example.org; spf=pass smtp.mailfrom=acme"),
				       &ar));
	assert_int_equal(ar.count, 1);
	item_is(&ar, 0, "spf", MAIL_AUTH_PASS, "acme");
	assert_true(mail_authres_parse(full, strlen("mx.example.org; spf=pa"), &ar));
	item_is(&ar, 0, "spf", MAIL_AUTH_NONE, "");
}

static void
huge_values_parse_quickly(void **state)
{
	const size_t size = 100 * 1024;
	char *big = malloc(size);
	const char *piece = "dkim=pass (a comment) header.d=x.example; ";
	size_t n = strlen("mx.example.org; "), k = strlen(piece);
	struct mail_authres ar;

	assert_non_null(big);
	memcpy(big, "mx.example.org; ", n);
	for (; n + k <= size; n += k)
		memcpy(big + n, piece, k);
	assert_true(mail_authres_parse(big, n, &ar));
	assert_int_equal(ar.count, MAIL_AUTHRES_ITEMS);
	assert_true(ar.truncated);
	/* one long comment, one long quoted string, one long unterminated nest */
	memset(big + 16, 'c', size - 16);
	big[16] = '(';
	assert_true(mail_authres_parse(big, size, &ar));
	assert_int_equal(ar.count, 0);
	memset(big + 16, '(', size - 16);
	assert_true(mail_authres_parse(big, size, &ar));
	memcpy(big + 16, "dkim=fail reason=\"", 18);
	memset(big + 34, 'q', size - 34);
	assert_true(mail_authres_parse(big, size, &ar));
	item_is(&ar, 0, "dkim", MAIL_AUTH_FAIL, "");
	memcpy(big + 16, "dkim=fail header.d=", 19);
	assert_true(mail_authres_parse(big, size, &ar));
	item_is(&ar, 0, "dkim", MAIL_AUTH_FAIL, "");
	/* an authserv-id of 100 KB */
	memset(big, 'a', size);
	refused(big, size);
	free(big);
}

static void
dmarc_failure_fails_naming_every_failure(void **state)
{
	verdict_is(
		"mail.buyer.example; dkim=fail header.d=acme.example; "
		"spf=fail smtp.mailfrom=billing@acme.example; dmarc=fail header.from=acme.example",
		"acme.example", MAIL_AUTH_VERDICT_FAIL, "DKIM, SPF and DMARC failed");
	verdict_is("mail.buyer.example; dkim=fail header.d=acme.example; spf=pass "
		   "smtp.mailfrom=evil.example; dmarc=fail header.from=acme.example",
		   "acme.example", MAIL_AUTH_VERDICT_FAIL, "DKIM and DMARC failed");
	verdict_is("mail.buyer.example; spf=softfail smtp.mailfrom=acme.example; dmarc=fail",
		   "acme.example", MAIL_AUTH_VERDICT_FAIL, "SPF and DMARC failed");
	/* DMARC fails even with an aligned pass beside it */
	verdict_is("mail.buyer.example; dkim=pass header.d=acme.example; dmarc=fail "
		   "header.from=acme.example",
		   "acme.example", MAIL_AUTH_VERDICT_FAIL, "DMARC failed");
	verdict_is("mail.buyer.example; dmarc=fail", NULL, MAIL_AUTH_VERDICT_FAIL, "DMARC failed");
}

static void
dmarc_pass_passes_only_for_the_from_organisation(void **state)
{
	verdict_is(GMAIL, "example.com", MAIL_AUTH_VERDICT_PASS, "");
	verdict_is("mx.example.org; dmarc=pass header.from=Mail.Example.COM", "example.com",
		   MAIL_AUTH_VERDICT_PASS, "");
	/* the server judged a From it does not name: its own check */
	verdict_is("mx.example.org; dmarc=pass", "example.com", MAIL_AUTH_VERDICT_PASS, "");
	/* the server judged another From than the one shown */
	verdict_is("mx.example.org; dkim=pass header.d=acme.example; dmarc=pass "
		   "header.from=other.example",
		   "acme.example", MAIL_AUTH_VERDICT_FAIL,
		   "DMARC passed for other.example, not acme.example");
	verdict_is("mx.example.org; dmarc=pass header.from=acme.example", "",
		   MAIL_AUTH_VERDICT_FAIL, "DMARC passed for acme.example, not the From domain");
}

static void
aligned_dkim_or_spf_pass_passes(void **state)
{
	verdict_is("mx.example.org; dkim=pass header.d=mail.acme.example", "acme.example",
		   MAIL_AUTH_VERDICT_PASS, "");
	verdict_is("mx.example.org; dkim=pass header.i=billing@eu.acme.example", "acme.example",
		   MAIL_AUTH_VERDICT_PASS, "");
	verdict_is("mx.example.org; spf=pass smtp.mailfrom=bounce@bounce.acme.example",
		   "acme.example", MAIL_AUTH_VERDICT_PASS, "");
	verdict_is("mx.example.org; spf=pass smtp.helo=out.acme.example", "ACME.example",
		   MAIL_AUTH_VERDICT_PASS, "");
	/* an aligned pass outweighs another signature's failure */
	verdict_is(
		"mx.example.org; dkim=fail header.d=esp.example; dkim=pass header.d=acme.example; "
		"spf=fail smtp.mailfrom=esp.example",
		"acme.example", MAIL_AUTH_VERDICT_PASS, "");
	/* the public suffix list decides, not string ends */
	verdict_is("mx.example.org; dkim=pass header.d=acme.example.evil.net", "acme.example",
		   MAIL_AUTH_VERDICT_UNKNOWN,
		   "DKIM passed for acme.example.evil.net, not acme.example");
	verdict_is("mx.example.org; dkim=pass header.d=evilacme.example", "acme.example",
		   MAIL_AUTH_VERDICT_UNKNOWN, "DKIM passed for evilacme.example, not acme.example");
	verdict_is("mx.example.org; spf=pass smtp.mailfrom=a@theregister.co.uk", "co.uk",
		   MAIL_AUTH_VERDICT_UNKNOWN, "SPF passed for theregister.co.uk, not co.uk");
}

static void
dkim_or_spf_failure_without_alignment_fails(void **state)
{
	verdict_is("mx.example.org; dkim=fail header.d=acme.example", "acme.example",
		   MAIL_AUTH_VERDICT_FAIL, "DKIM failed");
	verdict_is("mx.example.org; spf=softfail smtp.mailfrom=acme.example", "acme.example",
		   MAIL_AUTH_VERDICT_FAIL, "SPF failed");
	verdict_is("mx.example.org; dkim=permerror; spf=permerror", "acme.example",
		   MAIL_AUTH_VERDICT_FAIL, "DKIM and SPF failed");
	/* a third party's pass does not save a failure */
	verdict_is("mx.example.org; dkim=pass header.d=evil.example; spf=fail "
		   "smtp.mailfrom=acme.example",
		   "acme.example", MAIL_AUTH_VERDICT_FAIL, "SPF failed");
	/* softfail is no DKIM result, temperror no failure */
	verdict_is("mx.example.org; dkim=softfail; spf=temperror", "acme.example",
		   MAIL_AUTH_VERDICT_UNKNOWN, "no DKIM, SPF or DMARC verdict");
}

static void
unaligned_pass_alone_is_unknown(void **state)
{
	verdict_is("mx.example.org; dkim=pass header.d=sendgrid.example; spf=pass "
		   "smtp.mailfrom=bounces@sendgrid.example",
		   "acme.example", MAIL_AUTH_VERDICT_UNKNOWN,
		   "DKIM passed for sendgrid.example, not acme.example");
	verdict_is("mx.example.org; spf=pass smtp.mailfrom=evil.example", "acme.example",
		   MAIL_AUTH_VERDICT_UNKNOWN, "SPF passed for evil.example, not acme.example");
	verdict_is("mx.example.org; dkim=pass", "acme.example", MAIL_AUTH_VERDICT_UNKNOWN,
		   "DKIM passed for no domain, not acme.example");
	/* with no From organisation nothing aligns */
	verdict_is("mx.example.org; dkim=pass header.d=acme.example", NULL,
		   MAIL_AUTH_VERDICT_UNKNOWN, "DKIM passed for acme.example, not the From domain");
	verdict_is("mx.example.org; dkim=pass header.d=acme.example", "", MAIL_AUTH_VERDICT_UNKNOWN,
		   "DKIM passed for acme.example, not the From domain");
}

static void
invoice_fraud_from_a_trusted_vendor_fails(void **state)
{
	static const char header[] =
		"mail.buyer.example;\r\n\tdkim=fail reason=\"signature verification failed\" "
		"(2048-bit key; dkim=pass) header.d=trusted-vendor.example "
		"header.i=@trusted-vendor.example header.b=\"Zm9vYmFy\";\r\n\tspf=fail "
		"(mail.buyer.example: domain of billing@trusted-vendor.example does not designate "
		"192.0.2.66 as permitted sender) smtp.mailfrom=billing@trusted-vendor.example;\r\n"
		"\tdmarc=fail (p=quarantine dis=quarantine) header.from=trusted-vendor.example";

	verdict_is(header, "trusted-vendor.example", MAIL_AUTH_VERDICT_FAIL,
		   "DKIM, SPF and DMARC failed");
}

static void
why_is_cut_safely(void **state)
{
	struct mail_authres ar = parse_ok("mx.example.org; dkim=fail; spf=fail; dmarc=fail");
	char why[16];

	memset(why, 'x', sizeof why);
	assert_int_equal(mail_authres_verdict(&ar, "acme.example", why, 8), MAIL_AUTH_VERDICT_FAIL);
	assert_string_equal(why, "DKIM, S");
	assert_int_equal(why[8], 'x');
	memset(why, 'x', sizeof why);
	assert_int_equal(mail_authres_verdict(&ar, "acme.example", why, 1), MAIL_AUTH_VERDICT_FAIL);
	assert_string_equal(why, "");
	assert_int_equal(why[1], 'x');
	memset(why, 'x', sizeof why);
	assert_int_equal(mail_authres_verdict(&ar, "acme.example", why, 0), MAIL_AUTH_VERDICT_FAIL);
	assert_int_equal(why[0], 'x');
}

/* What a mail service signing as itself, or a forger with its own
 * domain, is known by: DKIM's organisation first, then SPF's. */
static void
passed_for_names_the_other_organisation(void **state)
{
	struct mail_authres ar = parse_ok(
		"mx.northwind.example; spf=pass smtp.mailfrom=bounce.mail.evil.example;"
		" dkim=pass header.d=sig.someone-else.example; dmarc=none header.from=acme.example");
	char org[MAIL_DOMAIN_MAX];

	(void)state;
	assert_true(mail_authres_passed_for(&ar, "acme.example", org, sizeof org));
	assert_string_equal(org, "someone-else.example");
	ar = parse_ok("mx.northwind.example; spf=pass smtp.mailfrom=x@bounce.mcsv.net; dkim=none");
	assert_true(mail_authres_passed_for(&ar, "acme.example", org, sizeof org));
	assert_string_equal(org, "mcsv.net");
	/* From's own pass, a failure, nothing: no other organisation */
	ar = parse_ok("mx.northwind.example; dkim=pass header.d=mail.acme.example;"
		      " spf=fail smtp.mailfrom=evil.example; dmarc=none");
	assert_false(mail_authres_passed_for(&ar, "acme.example", org, sizeof org));
	assert_string_equal(org, "");
	ar = parse_ok("mx.northwind.example; none");
	assert_false(mail_authres_passed_for(&ar, "acme.example", org, sizeof org));
	assert_false(mail_authres_passed_for(NULL, "acme.example", org, sizeof org));
	assert_string_equal(org, "");
	/* a pass for no domain names none */
	ar = parse_ok("mx.northwind.example; dkim=pass");
	assert_false(mail_authres_passed_for(&ar, "acme.example", org, sizeof org));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(what_is_no_header_is_refused),
		cmocka_unit_test(nothing_to_judge_is_unknown),
		cmocka_unit_test(gmail_header_gives_each_result_and_domain),
		cmocka_unit_test(office365_header_has_no_authserv_id),
		cmocka_unit_test(fastmail_header_keeps_results_not_properties),
		cmocka_unit_test(forged_header_names_the_forger_and_its_comments_say_nothing),
		cmocka_unit_test(milter_headers_with_reasons_parse),
		cmocka_unit_test(versions_none_and_folding_are_understood),
		cmocka_unit_test(results_without_semicolons_are_separated),
		cmocka_unit_test(words_are_lower_cased_and_unknown_results_are_none),
		cmocka_unit_test(values_give_clean_domains_or_none),
		cmocka_unit_test(authserv_id_must_fit_or_the_header_is_refused),
		cmocka_unit_test(more_than_sixteen_results_are_cut_not_overflowed),
		cmocka_unit_test(unterminated_comments_and_quotes_end_the_header),
		cmocka_unit_test(nul_bytes_are_bytes_and_len_is_the_end),
		cmocka_unit_test(huge_values_parse_quickly),
		cmocka_unit_test(dmarc_failure_fails_naming_every_failure),
		cmocka_unit_test(dmarc_pass_passes_only_for_the_from_organisation),
		cmocka_unit_test(aligned_dkim_or_spf_pass_passes),
		cmocka_unit_test(dkim_or_spf_failure_without_alignment_fails),
		cmocka_unit_test(unaligned_pass_alone_is_unknown),
		cmocka_unit_test(invoice_fraud_from_a_trusted_vendor_fails),
		cmocka_unit_test(why_is_cut_safely),
		cmocka_unit_test(passed_for_names_the_other_organisation),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
