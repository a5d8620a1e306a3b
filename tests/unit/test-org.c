/* Organisation domains (libpsl) and the personal-provider list. */
#include "config.h"

#include "helpers.h"

#include <string.h>

#include "mail/mail.h"

static void
check(const char *in, const char *want)
{
	char out[MAIL_DOMAIN_MAX];
	bool ok = mail_org_domain(in, out, sizeof out);

	if (want == NULL) {
		assert_false(ok);
		assert_string_equal(out, "");
	} else {
		assert_true(ok);
		assert_string_equal(out, want);
	}
}

static void
bad_input_has_no_organisation(void **state)
{
	char out[8];

	check(NULL, NULL);
	check("", NULL);
	check("nobody@", NULL);
	check("com", NULL);
	check("rep@[192.0.2.1]", NULL);
	check("rep@192.0.2.1", NULL);
	check("a@b..com", NULL);
	check("rep@exa mple.com", NULL);
	/* too long for the caller's buffer */
	assert_false(mail_org_domain("rep@averyveryverylongname.com", out, sizeof out));
}

static void
registrable_domains_follow_the_public_suffix_list(void **state)
{
	check("rep@mail.acme.com", "acme.com");
	check("update@list.theregister.co.uk", "theregister.co.uk");
	check("news@Mail.Example.COM", "example.com");
	check("x@a.b.c.example.com.au", "example.com.au");
	check("list.theregister.co.uk", "theregister.co.uk");
	check("<rep@acme.com>", "acme.com");
	check("rep@acme.com.", "acme.com");
	check("vertrieb@mueller-buero.example", "mueller-buero.example");
}

static void
personal_providers_are_recognised(void **state)
{
	assert_true(mail_org_is_personal("gmail.com"));
	assert_true(mail_org_is_personal("hotmail.com"));
	assert_true(mail_org_is_personal("yahoo.com"));
	assert_true(mail_org_is_personal("yahoo.co.uk"));
	assert_true(mail_org_is_personal("hotmail.fr"));
	assert_true(mail_org_is_personal("gmx.net"));
	assert_true(mail_org_is_personal("mail.com"));
	assert_true(mail_org_is_personal("excite.com"));
	assert_true(mail_org_is_personal("aol.com"));
	assert_true(mail_org_is_personal("msn.com"));
	assert_true(mail_org_is_personal("comcast.net"));
	assert_false(mail_org_is_personal("acme.com"));
	assert_false(mail_org_is_personal("theregister.co.uk"));
	assert_false(mail_org_is_personal("mailchimp.com"));
	assert_false(mail_org_is_personal(""));
	assert_false(mail_org_is_personal(NULL));
}

static void
yahoo_subdomains_are_personal_through_their_organisation(void **state)
{
	char org[MAIL_DOMAIN_MAX];

	assert_true(mail_org_domain("someone@reply.yahoo.com", org, sizeof org));
	assert_true(mail_org_is_personal(org));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(bad_input_has_no_organisation),
		cmocka_unit_test(registrable_domains_follow_the_public_suffix_list),
		cmocka_unit_test(personal_providers_are_recognised),
		cmocka_unit_test(yahoo_subdomains_are_personal_through_their_organisation),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
