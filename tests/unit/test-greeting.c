/* mail_wrong_greeting: a mail that calls the user by another name. */
#include "config.h"

#include "helpers.h"

#include <stdio.h>
#include <string.h>

#include "mail/mail.h"

static bool
wrong(const char *body, const char *user, char *name)
{
	name[0] = '\0';
	return mail_wrong_greeting(body, user, name, 64);
}

static void
nothing_to_judge_without_a_user_name_or_body(void **state)
{
	char name[64];

	(void)state;
	assert_false(wrong("Hi Mitch,\n", NULL, name));
	assert_false(wrong("Hi Mitch,\n", "", name));
	assert_false(wrong(NULL, "Rich Miller", name));
	assert_false(wrong("", "Rich Miller", name));
	assert_false(wrong("Hello,\n", "Rich Miller", name));
	assert_false(wrong("Highlights of the week\n", "Rich Miller", name));
	assert_false(wrong("Hi\n", "Rich Miller", name));
}

static void
another_persons_name_is_wrong(void **state)
{
	char name[64];

	(void)state;
	assert_true(wrong("Hi Mitch,\n\nthe quote...", "Rich Miller", name));
	assert_string_equal(name, "Mitch");
	assert_true(wrong("\n\nDear Bob:\nhello", "Rich Miller", name));
	assert_string_equal(name, "Bob");
	assert_true(wrong("Hello Dana!\n", "Rich Miller", name));
	assert_string_equal(name, "Dana");
	assert_true(wrong("Good morning Mitch,\n", "Rich Miller", name));
	assert_string_equal(name, "Mitch");
	assert_true(wrong("Dear Mr. Smith,\n", "Rich Miller", name));
	assert_string_equal(name, "Mr. Smith");
	/* the other Robert's short form is not Rich's */
	assert_true(wrong("Hi Bob,\n", "Richard Miller", name));
}

static void
the_users_own_names_are_right(void **state)
{
	char name[64];

	(void)state;
	assert_false(wrong("Hi Rich,\n", "Rich Miller", name));
	assert_false(wrong("hello rich!\n", "Rich Miller", name));
	assert_false(wrong("Dear Miller,\n", "Rich Miller", name));
	assert_false(wrong("Dear Mr. Miller,\n", "Rich Miller", name));
	assert_false(wrong("Dear Rich Miller,\n", "Rich Miller", name));
	assert_false(wrong("Dear Mr Miller:\n", "Rich Miller", name));
	/* a title with no surname known says nothing */
	assert_false(wrong("Dear Mr. Smith,\n", "Rich", name));
}

static void
short_forms_of_the_first_name_are_the_user(void **state)
{
	static const char *const ok[] = { "Richard", "Rick", "Ricky", "Dick", "Richie", "RICH" };
	char body[64], name[64];

	(void)state;
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		snprintf(body, sizeof body, "Hi %s,\n", ok[i]);
		assert_false(wrong(body, "Rich Miller", name));
		assert_false(wrong(body, "Richard Miller", name));
	}
	assert_false(wrong("Hi Bob,\n", "Robert Jones", name));
	assert_false(wrong("Dear Robert,\n", "Bob Jones", name));
	assert_false(wrong("Hi Liz,\n", "Elizabeth Tan", name));
	/* Pat is short for Patrick and for Patricia */
	assert_false(wrong("Hi Pat,\n", "Patricia Gomez", name));
	assert_false(wrong("Hi Pat,\n", "Patrick Gomez", name));
	assert_true(wrong("Hi Patricia,\n", "Patrick Gomez", name));
}

static void
generic_greetings_name_nobody(void **state)
{
	static const char *const generic[] = {
		"Dear Valued Customer,\n",
		"Dear Sir or Madam,\n",
		"Dear Sir/Madam,\n",
		"Hello there,\n",
		"Hello There!\n",
		"Dear Customer,\n",
		"Dear customer,\n",
		"Dear Client,\n",
		"Dear Team,\n",
		"Hi team,\n",
		"Hi all,\n",
		"Hello All,\n",
		"Dear Northwind Team,\n",
		"Dear Accounts Payable,\n",
		"Hi everyone,\n",
		"Dear Friends,\n",
		"Dear Subscriber,\n",
		"Dear Valued Partner:\n",
		"Hello World,\n",
		"Dear Sirs,\n",
		"Greetings Buyer,\n",
	};
	char name[64];

	(void)state;
	for (size_t i = 0; i < sizeof generic / sizeof generic[0]; i++) {
		if (wrong(generic[i], "Rich Miller", name))
			fail_msg("'%s' taken for a wrong name (%s)", generic[i], name);
	}
}

static void
prose_that_starts_like_a_greeting_is_not_one(void **state)
{
	char name[64];

	(void)state;
	assert_false(wrong("Hello World of Buyers is our new show\n", "Rich Miller", name));
	assert_false(wrong("Dear Sam Lee wrote that the order shipped\n", "Rich Miller", name));
}

static void
a_name_of_the_recipients_is_theirs(void **state)
{
	(void)state;
	/* "Hi Mitch" to Mitch, the user in Cc: right, by name or by address */
	assert_true(mail_greeting_names_recipient("Mitch", "Mitch Jones <mj@northwind.example>"));
	assert_true(mail_greeting_names_recipient("Mitch", "mitch.jones@northwind.example"));
	assert_true(mail_greeting_names_recipient("Mike", "\"Brown, Michael\" <mb@x.example>"));
	assert_true(mail_greeting_names_recipient(
		"Mr. Jones", "rich@northwind.example, Paul Jones <pj@northwind.example>"));
	assert_true(mail_greeting_names_recipient("Mitch",
						  "=?UTF-8?Q?Mitch_J=C3=B6nes?= <m@x.example>"));
	/* nobody of that name among them: still wrong */
	assert_false(
		mail_greeting_names_recipient("Mitch", "Rich Miller <rich@northwind.example>"));
	assert_false(mail_greeting_names_recipient("Mitch", "mitchell@x.example"));
	assert_false(mail_greeting_names_recipient("Mitch", ""));
	assert_false(mail_greeting_names_recipient("Mitch", NULL));
	assert_false(mail_greeting_names_recipient("", "Mitch <m@x.example>"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(nothing_to_judge_without_a_user_name_or_body),
		cmocka_unit_test(another_persons_name_is_wrong),
		cmocka_unit_test(the_users_own_names_are_right),
		cmocka_unit_test(short_forms_of_the_first_name_are_the_user),
		cmocka_unit_test(generic_greetings_name_nobody),
		cmocka_unit_test(prose_that_starts_like_a_greeting_is_not_one),
		cmocka_unit_test(a_name_of_the_recipients_is_theirs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
