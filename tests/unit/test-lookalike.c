/*
 * Look-alike domains: real-world imitations of each kind with the reason
 * shown to the user, what must not match (the domain itself in any
 * spelling, its hosts, short names that are other companies), display
 * forms, display names, and the index: the same pairs as comparing each
 * with each, and fast on 50,000 domains.
 */
#include "config.h"

#include "helpers.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mail/mail.h"

#define ZWJ "\xe2\x80\x8d"
#define CYR_A "\xd0\xb0" /* U+0430 */

/* Asserts that host imitates known in that way, for that reason (NULL:
 * any reason). */
static void
expect(const char *host, const char *known, enum mail_lookalike_kind kind, const char *why)
{
	struct mail_lookalike how;

	if (!mail_lookalike_compare(host, known, &how))
		fail_msg("%s should look like %s", host, known);
	if (how.kind != kind)
		fail_msg("%s vs %s: %s (%s), not %s", host, known,
			 mail_lookalike_kind_name(how.kind), how.why,
			 mail_lookalike_kind_name(kind));
	if (why != NULL && strcmp(how.why, why) != 0)
		fail_msg("%s vs %s: why \"%s\", not \"%s\"", host, known, how.why, why);
}

static void
expect_none(const char *host, const char *known)
{
	struct mail_lookalike how;

	if (mail_lookalike_compare(host, known, &how))
		fail_msg("%s vs %s: %s (%s)", host, known, mail_lookalike_kind_name(how.kind),
			 how.why);
	assert_int_equal(how.kind, MAIL_LOOKALIKE_NONE);
	assert_string_equal(how.why, "");
}

static void
expect_display(const char *domain, const char *shown)
{
	char *d = mail_domain_display(domain);

	assert_non_null(d);
	assert_string_equal(d, shown);
	free(d);
}

/* CPU time, not wall time: other builds share the machine. */
static double
elapsed_ms(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
	return (double)(now.tv_sec - start->tv_sec) * 1e3 +
	       (double)(now.tv_nsec - start->tv_nsec) / 1e6;
}

static void
kind_names_are_stable(void **state)
{
	/* the store keeps them in its database */
	assert_string_equal(mail_lookalike_kind_name(MAIL_LOOKALIKE_NONE), "none");
	assert_string_equal(mail_lookalike_kind_name(MAIL_LOOKALIKE_HOMOGLYPH), "homoglyph");
	assert_string_equal(mail_lookalike_kind_name(MAIL_LOOKALIKE_INVISIBLE), "invisible");
	assert_string_equal(mail_lookalike_kind_name(MAIL_LOOKALIKE_TLD), "tld");
	assert_string_equal(mail_lookalike_kind_name(MAIL_LOOKALIKE_HYPHENATION), "hyphenation");
	assert_string_equal(mail_lookalike_kind_name(MAIL_LOOKALIKE_REPETITION), "repetition");
	assert_string_equal(mail_lookalike_kind_name(MAIL_LOOKALIKE_TRANSPOSITION),
			    "transposition");
	assert_string_equal(mail_lookalike_kind_name(MAIL_LOOKALIKE_OMISSION), "omission");
	assert_string_equal(mail_lookalike_kind_name(MAIL_LOOKALIKE_INSERTION), "insertion");
	assert_string_equal(mail_lookalike_kind_name(MAIL_LOOKALIKE_REPLACEMENT), "replacement");
	assert_string_equal(mail_lookalike_kind_name(MAIL_LOOKALIKE_ADDITION), "addition");
	assert_string_equal(mail_lookalike_kind_name(MAIL_LOOKALIKE_SUBDOMAIN), "subdomain");
	assert_string_equal(mail_lookalike_kind_name((enum mail_lookalike_kind)99), "none");
}

static void
confusable_characters_are_homoglyphs(void **state)
{
	expect("paypa1.com", "paypal.com", MAIL_LOOKALIKE_HOMOGLYPH, "1 for l");
	expect("rnicrosoft.com", "microsoft.com", MAIL_LOOKALIKE_HOMOGLYPH, "rn for m");
	expect("arnazon.com", "amazon.com", MAIL_LOOKALIKE_HOMOGLYPH, "rn for m");
	expect("faceb00k.com", "facebook.com", MAIL_LOOKALIKE_HOMOGLYPH, "0 for o");
	expect("acme-netw0rks.example", "acme-networks.example", MAIL_LOOKALIKE_HOMOGLYPH,
	       "0 for o");
	expect("acrnetel.example", "acmetel.example", MAIL_LOOKALIKE_HOMOGLYPH, "rn for m");
	/* a sender's host: its organisation domain is compared */
	expect("mail.acrnetel.example", "acmetel.example", MAIL_LOOKALIKE_HOMOGLYPH, "rn for m");
	/* pairs ICU 72 keeps apart, from our own table */
	expect("vvalmart.com", "walmart.com", MAIL_LOOKALIKE_HOMOGLYPH, "vv for w");
	expect("clropbox.com", "dropbox.com", MAIL_LOOKALIKE_HOMOGLYPH, "cl for d");
	expect("m1crosoft.com", "microsoft.com", MAIL_LOOKALIKE_HOMOGLYPH, "1 for i");
	expect("rn1crosoft.com", "microsoft.com", MAIL_LOOKALIKE_HOMOGLYPH, "rn for m, 1 for i");
	/* at any length: no company is named with confusables */
	expect("1bm.com", "ibm.com", MAIL_LOOKALIKE_HOMOGLYPH, "1 for i");
	/* in the suffix */
	expect("paypal.corn", "paypal.com", MAIL_LOOKALIKE_HOMOGLYPH, "rn for m");
	/* and with another suffix too */
	expect("arnazon.co.uk", "amazon.com", MAIL_LOOKALIKE_HOMOGLYPH,
	       "rn for m, .co.uk for .com");
	/* i for l is no confusion in lower case: one letter replaced */
	expect("paypai.com", "paypal.com", MAIL_LOOKALIKE_REPLACEMENT, "i for l");
}

static void
other_scripts_are_named(void **state)
{
	struct mail_lookalike how;

	expect(CYR_A "pple.com", "apple.com", MAIL_LOOKALIKE_HOMOGLYPH,
	       "Cyrillic U+0430 for a, mixed scripts");
	expect(CYR_A "cme-networks.example", "acme-networks.example", MAIL_LOOKALIKE_HOMOGLYPH,
	       "Cyrillic U+0430 for a, mixed scripts");
	/* as mail carries them: punycode, either side */
	expect("xn--pple-43d.com", "apple.com", MAIL_LOOKALIKE_HOMOGLYPH,
	       "Cyrillic U+0430 for a, mixed scripts");
	expect("XN--CME-NETWORKS-W9J.example", "acme-networks.example", MAIL_LOOKALIKE_HOMOGLYPH,
	       NULL);
	/* all Cyrillic (the 2017 apple.com demonstration): one script, and
	 * a palochka for l, which ICU takes for i */
	assert_true(mail_lookalike_compare("xn--80ak6aa92e.com", "apple.com", &how));
	assert_int_equal(how.kind, MAIL_LOOKALIKE_HOMOGLYPH);
	assert_non_null(strstr(how.why, "Cyrillic U+04CF for l"));
	assert_null(strstr(how.why, "mixed"));
	/* Greek omicron */
	expect("g\xce\xbf"
	       "ogle.com",
	       "google.com", MAIL_LOOKALIKE_HOMOGLYPH, "Greek U+03BF for o, mixed scripts");
}

static void
invisible_characters_are_found(void **state)
{
	expect("acme" ZWJ "networks.example", "acmenetworks.example", MAIL_LOOKALIKE_INVISIBLE,
	       "U+200D inside");
	/* without it, a look-alike of another kind */
	expect("acme" ZWJ "networks.example", "acme-networks.example", MAIL_LOOKALIKE_INVISIBLE,
	       "U+200D inside, hyphen removed");
	expect("acm\xc2\xad"
	       "etel.example",
	       "acmetel.example", MAIL_LOOKALIKE_INVISIBLE, "U+00AD inside");
	expect("\xef\xbb\xbf"
	       "acme\xe2\x80\x8b"
	       "tel.example",
	       "acmetel.example", MAIL_LOOKALIKE_INVISIBLE, "U+FEFF, U+200B inside");
	expect("acmetel.exam" ZWJ "ple", "acmetel.example", MAIL_LOOKALIKE_INVISIBLE, NULL);
	expect("acrne" ZWJ "tel.example", "acmetel.example", MAIL_LOOKALIKE_INVISIBLE,
	       "U+200D inside, rn for m");
	/* short names too, since nothing else explains them */
	expect("i" ZWJ "bm.com", "ibm.com", MAIL_LOOKALIKE_INVISIBLE, "U+200D inside");
	/* in a host of the known domain itself it imitates nothing */
	expect_none("ma" ZWJ "il.acmetel.example", "acmetel.example");
	/* and what is left must still look like known */
	expect_none("glo" ZWJ "bex.example", "acmetel.example");
}

static void
another_suffix_is_a_tld_lookalike(void **state)
{
	expect("acme-networks.co", "acme-networks.example", MAIL_LOOKALIKE_TLD, ".co for .example");
	/* by these rules, yes: the store decides by the user's standing */
	expect("amazon.co.uk", "amazon.com", MAIL_LOOKALIKE_TLD, ".co.uk for .com");
	expect("acme.net", "acme.example", MAIL_LOOKALIKE_TLD, ".net for .example");
	expect("www.acmetel.de", "acmetel.example", MAIL_LOOKALIKE_TLD, ".de for .example");
	/* three letters: other companies */
	expect_none("sun.net", "sun.com");
	expect_none("ibm.de", "ibm.com");
}

static void
typos_are_classified(void **state)
{
	expect("acmenetworks.example", "acme-networks.example", MAIL_LOOKALIKE_HYPHENATION,
	       "hyphen removed");
	expect("acme-tel.example", "acmetel.example", MAIL_LOOKALIKE_HYPHENATION,
	       "hyphen inserted");
	expect("acmen-etworks.example", "acme-networks.example", MAIL_LOOKALIKE_HYPHENATION,
	       "hyphen moved");
	expect("gooogle.com", "google.com", MAIL_LOOKALIKE_REPETITION, "o repeated");
	expect("acmmetel.example", "acmetel.example", MAIL_LOOKALIKE_REPETITION, "m doubled");
	expect("gogle.com", "google.com", MAIL_LOOKALIKE_REPETITION, "double o made single");
	expect("amcetel.example", "acmetel.example", MAIL_LOOKALIKE_TRANSPOSITION, "mc for cm");
	expect("acmetl.example", "acmetel.example", MAIL_LOOKALIKE_OMISSION, "e left out");
	expect("acmextel.example", "acmetel.example", MAIL_LOOKALIKE_INSERTION, "x inserted");
	/* bitsquatting (e 0x65, g 0x67) and vowel swaps are replacements */
	expect("acmgtel.example", "acmetel.example", MAIL_LOOKALIKE_REPLACEMENT, "g for e");
	expect("acmetal.example", "acmetel.example", MAIL_LOOKALIKE_REPLACEMENT, "a for e");
	/* the suffix changed too */
	expect("acme-netwrks.com", "acme-networks.example", MAIL_LOOKALIKE_OMISSION,
	       "o left out, .com for .example");
	expect("acmenetworks.co", "acme-networks.example", MAIL_LOOKALIKE_HYPHENATION,
	       "hyphen removed, .co for .example");
	/* two edits from nine letters on */
	expect("acne-netvorks.example", "acme-networks.example", MAIL_LOOKALIKE_REPLACEMENT,
	       "2 letters changed");
	expect("acme-netwoks.example", "acme-networks.example", MAIL_LOOKALIKE_OMISSION, NULL);
	expect("northwind.example", "southwind.example", MAIL_LOOKALIKE_REPLACEMENT,
	       "2 letters changed");
	expect_none("acnetei.example", "acmetel.example");
	/* names that differ in their numbers only are siblings, not typos */
	expect_none("vendor13.example", "vendor12.example");
	expect_none("vendor130.example", "vendor12.example");
	expect_none("shop365.example", "shop24.example");
	expect("acmetel2.example", "acmetel.example", MAIL_LOOKALIKE_INSERTION, NULL);
}

static void
short_names_are_held_to_stricter_rules(void **state)
{
	/* under 4: homoglyphs and invisibles only */
	expect_none("ibn.com", "ibm.com");
	expect_none("ibmm.com", "ibm.com");
	expect_none("bim.com", "ibm.com");
	expect_none("i-bm.com", "ibm.com");
	expect("ibrn.com", "ibm.com", MAIL_LOOKALIKE_HOMOGLYPH, "rn for m");
	/* 4 and 5: suffix, hyphen, repetition, transposition */
	expect("acmme.example", "acme.example", MAIL_LOOKALIKE_REPETITION, "m doubled");
	expect("amce.example", "acme.example", MAIL_LOOKALIKE_TRANSPOSITION, "mc for cm");
	expect("ac-me.example", "acme.example", MAIL_LOOKALIKE_HYPHENATION, NULL);
	expect_none("acne.example", "acme.example");
	expect_none("acm.example", "acme.example");
	expect_none("acmes.example", "acme.example");
	expect_none("globe.example", "globx.example");
	/* 6 on: one letter; 7 and 8: never two */
	expect("hoo1i.example", "hooli.example", MAIL_LOOKALIKE_HOMOGLYPH, "1 for l");
	expect_none("hoali.example", "hooli.example");
	expect("contaso.com", "contoso.com", MAIL_LOOKALIKE_REPLACEMENT, "a for o");
	expect_none("cantaso.com", "contoso.com");
	/* words need 5 letters of name */
	expect_none("ibm-billing.com", "ibm.com");
	expect_none("acme-billing.example", "acme.example");
	expect_none("acme.pay.example", "acme.example");
}

static void
added_words_and_subdomains_are_found(void **state)
{
	expect("acmetel-billing.example", "acmetel.example", MAIL_LOOKALIKE_ADDITION,
	       "-billing added");
	expect("secure-acmetel.example", "acmetel.example", MAIL_LOOKALIKE_ADDITION,
	       "secure- added");
	expect("acmetel-invoices.net", "acmetel.example", MAIL_LOOKALIKE_ADDITION,
	       "-invoices added, .net for .example");
	expect("my-acmetel-portal.example", "acmetel.example", MAIL_LOOKALIKE_ADDITION,
	       "my- and -portal added");
	expect("acme-networks-billing.example", "acme-networks.example", MAIL_LOOKALIKE_ADDITION,
	       "-billing added");
	/* a scam's word run into the name */
	expect("acmetelbilling.example", "acmetel.example", MAIL_LOOKALIKE_ADDITION,
	       "billing added");
	expect("secureacmetel.example", "acmetel.example", MAIL_LOOKALIKE_ADDITION, "secure added");
	expect("acmetelpayments-portal.example", "acmetel.example", MAIL_LOOKALIKE_ADDITION,
	       "payments-portal added");
	/* a legal form run into the name is no other company's name */
	expect("acmetelinc.example", "acmetel.example", MAIL_LOOKALIKE_ADDITION, "inc added");
	expect("acmetelltd.co.uk", "acmetel.co.uk", MAIL_LOOKALIKE_ADDITION, "ltd added");
	expect("acmetelgmbh.example", "acmetel.example", MAIL_LOOKALIKE_ADDITION, "gmbh added");
	/* a word, not letters inside one */
	expect_none("acmetelco.example", "acmetel.example");
	expect_none("acmetelincubator.example", "acmetel.example");
	expect_none("acmetelevision.example", "acmetel.example");
	/* two words, on one side or both */
	expect("secureacmetelbilling.example", "acmetel.example", MAIL_LOOKALIKE_ADDITION,
	       "secure and billing added");
	expect("acmetelbillingteam.example", "acmetel.example", MAIL_LOOKALIKE_ADDITION,
	       "billingteam added");
	/* "bill" begins real names: no scam's word */
	expect_none("billboard.example", "board.example");
	expect_none("billtrust.com", "trust.com");
	expect_none("networks-billing.example", "acme-networks.example");
	expect("acme-networks.example.billing-portal.net", "acme-networks.example",
	       MAIL_LOOKALIKE_SUBDOMAIN, "inside billing-portal.net");
	expect("acmetel.secure-pay.example", "acmetel.example", MAIL_LOOKALIKE_SUBDOMAIN,
	       "inside secure-pay.example");
	expect("login.acmetel.co.uk.evil.example", "acmetel.co.uk", MAIL_LOOKALIKE_SUBDOMAIN,
	       "inside evil.example");
	expect_none("acmetelx.secure-pay.example", "acmetel.example");
}

static void
the_domain_itself_is_no_lookalike(void **state)
{
	expect_none("acmetel.example", "acmetel.example");
	expect_none("billing.acmetel.example", "acmetel.example");
	expect_none("a.b.c.acmetel.example", "acmetel.example");
	expect_none("ACMETEL.Example", "acmetel.example");
	expect_none("acmetel.example.", "acmetel.example");
	expect_none("mail.acmetel.example", "Acmetel.EXAMPLE");
	/* an IDN in punycode and in Unicode, both ways */
	expect_none("xn--mller-bro-q9ag.example", "m\xc3\xbcller-b\xc3\xbcro.example");
	expect_none("m\xc3\xbcller-b\xc3\xbcro.example", "xn--mller-bro-q9ag.example");
	expect_none("M\xc3\x9cLLER-B\xc3\x9cRO.example", "m\xc3\xbcller-b\xc3\xbcro.example");
	/* precomposed or not */
	expect_none("mu\xcc\x88ller-bu\xcc\x88ro.example", "m\xc3\xbcller-b\xc3\xbcro.example");
	/* unrelated names of similar length */
	expect_none("globex.example", "acmetel.example");
	expect_none("initech.com", "contoso.com");
	expect_none("acme-networks.example", "acme-systems.example");
}

static void
odd_input_is_no_lookalike(void **state)
{
	struct mail_lookalike how;

	expect_none("", "acmetel.example");
	expect_none("acmetel.example", "");
	expect_none(".", "acmetel.example");
	expect_none("example", "acmetel.example");
	expect_none("co.uk", "acme.co.uk");
	expect_none("acme..example", "acme.example");
	expect_none("acme tel.example", "acmetel.example");
	expect_none("acme@tel.example", "acmetel.example");
	expect_none("acme\xff"
		    "tel.example",
		    "acmetel.example");
	expect_none("xn--.example", "acmetel.example");
	assert_false(mail_lookalike_compare(NULL, "acmetel.example", &how));
	assert_false(mail_lookalike_compare("acrnetel.example", NULL, &how));
	assert_true(mail_lookalike_compare("acrnetel.example", "acmetel.example", NULL));
}

static void
display_forms_show_the_difference(void **state)
{
	char *d;

	expect_display("acmetel.example", "acmetel.example");
	expect_display("ACMETEL.Example", "ACMETEL.Example");
	expect_display("xn--pple-43d.com", "xn--pple-43d.com");
	expect_display(CYR_A "cme-networks.example", "xn--cme-networks-w9j.example");
	expect_display("m\xc3\xbcller-b\xc3\xbcro.example", "xn--mller-bro-q9ag.example");
	/* IDNA would drop or map these away: shown by number */
	expect_display("acme" ZWJ "networks.example", "acme<U+200D>networks.example");
	expect_display("acm\xc2\xad"
		       "etel.example",
		       "acm<U+00AD>etel.example");
	expect_display("\xef\xbd\x81"
		       "cme.example",
		       "<U+FF41>cme.example");
	expect_display("stra\xc3\x9f"
		       "e.example",
		       "xn--strae-oqa.example");
	/* not UTF-8, or control characters */
	expect_display("acme\xff.example", "acme<FF>.example");
	expect_display("acme\x01tel.example", "acme<U+0001>tel.example");
	expect_display("", "");
	d = mail_domain_display(NULL);
	assert_non_null(d);
	assert_string_equal(d, "");
	free(d);
}

static void
display_names_mention_organisations(void **state)
{
	assert_true(mail_name_mentions_org("AcmeTel Billing", "acmetel.example"));
	assert_true(mail_name_mentions_org("Acme Networks Accounts", "acme-networks.example"));
	assert_true(mail_name_mentions_org("ACME_NETWORKS", "acme-networks.example"));
	assert_true(
		mail_name_mentions_org("billing@acme-networks.example", "acme-networks.example"));
	assert_true(mail_name_mentions_org("Acme Tel", "mail.acmetel.example"));
	assert_true(mail_name_mentions_org("M\xc3\xbcller B\xc3\xbcro GmbH",
					   "xn--mller-bro-q9ag.example"));
	assert_false(mail_name_mentions_org("Rich", "rich.example"));
	assert_false(mail_name_mentions_org("Rich Hickey", "rich.example"));
	{
		char why[64];

		/* a Cyrillic a in a Latin name; the same letters each in a word
		 * of its own, and Japanese, are how people write */
		assert_true(mail_name_mixes_scripts("D\xd0\xb0na Reyes", why, sizeof why));
		assert_string_equal(why, "Latin and Cyrillic");
		assert_false(mail_name_mixes_scripts("Ivan \xd0\x98\xd0\xb2\xd0\xb0\xd0\xbd", why,
						     sizeof why));
		assert_false(mail_name_mixes_scripts("\xe3\x83\xa4\xe3\x83\x9e\xe3\x83\x80"
						     "\xe5\xa4\xaa\xe9\x83\x8e",
						     why, sizeof why));
		assert_false(mail_name_mixes_scripts("M\xc3\xbcller-L\xc3\xbc"
						     "denscheidt",
						     why, sizeof why));
		assert_false(mail_name_mixes_scripts("Ann Lee", why, sizeof why));
		/* Japanese companies, bilingual names */
		assert_false(mail_name_mixes_scripts("NTT\xe3\x83\x89\xe3\x82\xb3\xe3\x83\xa2", why,
						     sizeof why));
		assert_false(mail_name_mixes_scripts("\xe6\xa0\xaa\xe5\xbc\x8f\xe4\xbc\x9a"
						     "\xe7\xa4\xbe"
						     "ABC",
						     why, sizeof why));
		assert_false(mail_name_mixes_scripts("\xe5\xbc\xa0\xe4\xbc\x9f/Zhang Wei", why,
						     sizeof why));
		assert_false(mail_name_mixes_scripts("\xd0\x90\xd0\xbd\xd0\xbd\xd0\xb0/Anna", why,
						     sizeof why));
		/* a Greek capital alpha in a Latin name */
		assert_true(mail_name_mixes_scripts("\xce\x91"
						    "cmeTel Billing",
						    why, sizeof why));
		assert_string_equal(why, "Latin and Greek");
		/* ways round a word's bounds, and look-alikes of other scripts */
		assert_true(mail_name_mixes_scripts("PayP\xe2\x80\x8b\xd0\xb0\xe2\x80\x8bl", why,
						    sizeof why));
		assert_true(mail_name_mixes_scripts("\xd0\x90"
						    "1cmeTel",
						    why, sizeof why));
		assert_true(
			mail_name_mixes_scripts("G\xe3\x80\x87\xe3\x80\x87gle", why, sizeof why));
		/* a Turkish dotless i is a Latin letter; a Cyrillic one no
		 * Latin letter looks like is no disguise */
		/* CJK letters in a Latin letter's shape, which ICU's
		 * skeleton keeps CJK: a Hangul vowel for l, a Hangul ring
		 * for o; a Korean company's name stays clean */
		assert_true(mail_name_mixes_scripts("PayPa\xe3\x85\xa3", why, sizeof why));
		assert_string_equal(why, "Latin and Hangul");
		assert_true(mail_name_mixes_scripts("Micr\xe3\x85\x87soft", why, sizeof why));
		assert_true(mail_name_mixes_scripts("AcmeTe\xe3\x80\xa1", why, sizeof why));
		assert_false(
			mail_name_mixes_scripts("LG\xec\xa0\x84\xec\x9e\x90", why, sizeof why));
		assert_false(
			mail_name_mixes_scripts("KT \xe3\x85\x87\xe3\x85\x87", why, sizeof why));
		assert_false(mail_name_mixes_scripts("Y\xc4\xb1lmaz", why, sizeof why));
		assert_false(mail_name_mixes_scripts("D\xd0\xb6na", why, sizeof why));
	}
	assert_false(mail_name_mentions_org("Accounts Payable", "acmetel.example"));
	assert_false(mail_name_mentions_org("Acme", "acmetel.example"));
	assert_false(mail_name_mentions_org(NULL, "acmetel.example"));
	assert_false(mail_name_mentions_org("", "acmetel.example"));
	assert_false(mail_name_mentions_org("AcmeTel", NULL));
	assert_false(mail_name_mentions_org("AcmeTel", ""));
}

/* ---- the index ----------------------------------------------------------- */

struct found {
	char **items; /* "known kind why" */
	size_t n, cap;
};

static void
found_add(struct found *f, const char *known, const struct mail_lookalike *how)
{
	char *s;

	if (f->n == f->cap) {
		f->cap = f->cap ? f->cap * 2 : 16;
		f->items = realloc(f->items, f->cap * sizeof *f->items);
		assert_non_null(f->items);
	}
	assert_true(asprintf(&s, "%s %s %s", known, mail_lookalike_kind_name(how->kind), how->why) >
		    0);
	f->items[f->n++] = s;
}

static void
collect(void *ctx, const char *known, const struct mail_lookalike *how)
{
	found_add(ctx, known, how);
}

static int
by_text(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
found_clear(struct found *f)
{
	for (size_t i = 0; i < f->n; i++)
		free(f->items[i]);
	free(f->items);
	*f = (struct found){ 0 };
}

static struct found
find(const struct mail_lookalike_index *idx, const char *host)
{
	struct found f = { 0 };

	mail_lookalike_index_find(idx, host, collect, &f);
	if (f.n > 1)
		qsort(f.items, f.n, sizeof *f.items, by_text);
	return f;
}

static void
the_index_finds_each_kind(void **state)
{
	static const char *const known[] = {
		"acmetel.example", "acme-networks.example",
		"paypal.com",      "apple.com",
		"google.com",      "ibm.com",
		"sun.com",         "amazon.com",
	};
	static const struct {
		const char *host, *expect;
	} cases[] = {
		{ "mail.acrnetel.example", "acmetel.example homoglyph rn for m" },
		{ "xn--pple-43d.com", "apple.com homoglyph Cyrillic U+0430 for a, mixed scripts" },
		{ "acme" ZWJ "networks.example",
		  "acme-networks.example invisible U+200D inside, hyphen removed" },
		{ "acme-networks.co", "acme-networks.example tld .co for .example" },
		{ "amazon.co.uk", "amazon.com tld .co.uk for .com" },
		{ "acmenetworks.example", "acme-networks.example hyphenation hyphen removed" },
		{ "gooogle.com", "google.com repetition o repeated" },
		{ "amcetel.example", "acmetel.example transposition mc for cm" },
		{ "acmetl.example", "acmetel.example omission e left out" },
		{ "paypai.com", "paypal.com replacement i for l" },
		{ "acne-netvorks.example", "acme-networks.example replacement 2 letters changed" },
		{ "acmetel-billing.example", "acmetel.example addition -billing added" },
		{ "acmetelbilling.example", "acmetel.example addition billing added" },
		{ "secureacmetel.example", "acmetel.example addition secure added" },
		{ "acmetelpayments-portal.example",
		  "acmetel.example addition payments-portal added" },
		{ "secureacmetelbilling.example",
		  "acmetel.example addition secure and billing added" },
		{ "acmetelbillingteam.example", "acmetel.example addition billingteam added" },
		{ "acme-networks.example.billing-portal.net",
		  "acme-networks.example subdomain inside billing-portal.net" },
	};
	static const char *const nothing[] = {
		"acmetel.example",
		"billing.acmetel.example",
		"ACMETEL.EXAMPLE",
		"ibn.com",
		"sun.net",
		"globex.example",
		"",
		"not a domain",
	};
	struct mail_lookalike_index *idx = mail_lookalike_index_new();

	assert_non_null(idx);
	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
		assert_true(mail_lookalike_index_add(idx, known[i]));
	/* the same domain again, in another spelling: still one */
	assert_true(mail_lookalike_index_add(idx, "ACMETEL.example."));
	assert_true(mail_lookalike_index_add(idx, "not a domain"));
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct found f = find(idx, cases[i].host);

		if (f.n != 1 || strcmp(f.items[0], cases[i].expect) != 0)
			fail_msg("%s: %zu found, first \"%s\"", cases[i].host, f.n,
				 f.n ? f.items[0] : "");
		found_clear(&f);
	}
	for (size_t i = 0; i < sizeof nothing / sizeof nothing[0]; i++) {
		struct found f = find(idx, nothing[i]);

		if (f.n != 0)
			fail_msg("%s: found %s", nothing[i], f.items[0]);
		found_clear(&f);
	}
	mail_lookalike_index_find(idx, NULL, collect, NULL);
	mail_lookalike_index_free(&idx);
	assert_null(idx);
	mail_lookalike_index_free(&idx);
	mail_lookalike_index_free(NULL);
}

/* A deterministic stream of numbers (xorshift32). */
static uint32_t
next(uint32_t *seed)
{
	*seed ^= *seed << 13;
	*seed ^= *seed >> 17;
	*seed ^= *seed << 5;
	return *seed;
}

static const char *const suffixes[] = { "example", "com", "net", "co.uk", "de", "io" };

/* A pronounceable name of about len letters, sometimes with a hyphen. */
static void
random_name(uint32_t *seed, size_t len, char *out)
{
	static const char cons[] = "bcdfghklmnprstvwz", vow[] = "aeiou";
	size_t n = 0;

	while (n < len) {
		out[n++] = cons[next(seed) % (sizeof cons - 1)];
		if (n < len)
			out[n++] = vow[next(seed) % (sizeof vow - 1)];
		if (n + 3 < len && next(seed) % 9 == 0)
			out[n++] = '-';
	}
	out[n] = '\0';
}

/* A look-alike of name.suffix made by one of dnstwist's fuzzers (or an
 * unrelated domain, or the domain itself in some form). */
static void
mutate(uint32_t *seed, const char *name, const char *suffix, char *out, size_t cap)
{
	char n[128];
	size_t len = strlen(name), i = len > 1 ? next(seed) % (len - 1) : 0;

	snprintf(n, sizeof n, "%s", name);
	switch (next(seed) % 16) {
	case 0: /* homoglyph */
		for (size_t j = 0; j < len; j++)
			if (n[j] == 'o' || n[j] == 'l') {
				n[j] = n[j] == 'o' ? '0' : '1';
				break;
			}
		break;
	case 1:
		snprintf(out, cap, "%.*s" CYR_A "%s.%s", (int)i, name, name + i + 1, suffix);
		return;
	case 2:
		snprintf(out, cap, "%.*s" ZWJ "%s.%s", (int)i, name, name + i, suffix);
		return;
	case 3: /* another suffix */
		suffix = suffixes[next(seed) % (sizeof suffixes / sizeof suffixes[0])];
		break;
	case 4:
		snprintf(n, sizeof n, "%.*s-%s", (int)i + 1, name, name + i + 1);
		break;
	case 5:
		snprintf(n, sizeof n, "%.*s%s", (int)i + 1, name, name + i);
		break;
	case 6:
		n[i] = name[i + 1];
		n[i + 1] = name[i];
		break;
	case 7:
		memmove(n + i, n + i + 1, len - i);
		break;
	case 8:
		n[i] = (char)('a' + next(seed) % 26);
		break;
	case 9:
		n[i] = (char)('a' + next(seed) % 26);
		n[len - 1 - i / 2] = (char)('a' + next(seed) % 26);
		break;
	case 10:
		snprintf(n, sizeof n, "%s-billing", name);
		break;
	case 11:
		snprintf(out, cap, "%s.%s.secure-pay.net", name, suffix);
		return;
	case 12:
		snprintf(out, cap, "mail.%s.%s", name, suffix);
		return;
	case 13:
		snprintf(out, cap, "%s.%s", name, suffix);
		for (char *p = out; *p; p++)
			if (*p >= 'a' && *p <= 'z')
				*p = (char)(*p - 'a' + 'A');
		return;
	default: /* unrelated */
		random_name(seed, 3 + next(seed) % 10, n);
		break;
	}
	snprintf(out, cap, "%s.%s", n, suffix);
}

static char **
random_domains(uint32_t *seed, size_t count, size_t min_len, size_t spread)
{
	char **d = calloc(count, sizeof *d);
	char name[64];

	assert_non_null(d);
	for (size_t i = 0; i < count; i++) {
		random_name(seed, min_len + next(seed) % spread, name);
		assert_true(
			asprintf(&d[i], "%s.%s", name,
				 suffixes[next(seed) % (sizeof suffixes / sizeof suffixes[0])]) >
			0);
	}
	return d;
}

static void
free_domains(char **d, size_t count)
{
	for (size_t i = 0; i < count; i++)
		free(d[i]);
	free(d);
}

/* Splits a generated domain at its first dot. */
static void
split(const char *domain, char *name, const char **suffix)
{
	size_t n = strcspn(domain, ".");

	memcpy(name, domain, n);
	name[n] = '\0';
	*suffix = domain + n + 1;
}

static void
the_index_finds_what_comparing_each_with_each_finds(void **state)
{
	static const char *const real[] = {
		"acmetel.example",   "acme-networks.example",
		"paypal.com",        "microsoft.com",
		"amazon.com",        "amazon.co.uk",
		"apple.com",         "google.com",
		"facebook.com",      "ibm.com",
		"sun.com",           "sun.net",
		"contoso.com",       "northwind.example",
		"southwind.example", "hooli.io",
		"acme.example",      "acmetel-billing.example",
	};
	size_t n_random = 180, n_known = n_random + sizeof real / sizeof real[0], pairs = 0;
	uint32_t seed = 2463534242u;
	char **known = random_domains(&seed, n_random, 3, 12);
	struct mail_lookalike_index *idx = mail_lookalike_index_new();

	known = realloc(known, n_known * sizeof *known);
	assert_non_null(known);
	for (size_t i = n_random; i < n_known; i++)
		known[i] = strdup(real[i - n_random]);
	/* the index knows a domain once; so must the sample */
	for (size_t i = 0, kept = 0; i < n_known; i++) {
		bool repeat = false;

		for (size_t j = 0; j < kept && !repeat; j++)
			repeat = strcmp(known[i], known[j]) == 0;
		if (repeat)
			free(known[i]);
		else
			known[kept++] = known[i];
		if (i + 1 == n_known)
			n_known = kept;
	}
	assert_non_null(idx);
	for (size_t i = 0; i < n_known; i++)
		assert_true(mail_lookalike_index_add(idx, known[i]));
	for (size_t h = 0; h < 3 * n_known; h++) {
		struct found by_index, brute = { 0 };
		char host[256], name[128];
		const char *suffix;

		split(known[h % n_known], name, &suffix);
		mutate(&seed, name, suffix, host, sizeof host);
		for (size_t k = 0; k < n_known; k++) {
			struct mail_lookalike how;

			if (mail_lookalike_compare(host, known[k], &how))
				found_add(&brute, known[k], &how);
		}
		if (brute.n > 1)
			qsort(brute.items, brute.n, sizeof *brute.items, by_text);
		by_index = find(idx, host);
		if (by_index.n != brute.n)
			fail_msg("%s: index %zu, each with each %zu (%s)", host, by_index.n,
				 brute.n, brute.n ? brute.items[0] : by_index.items[0]);
		for (size_t i = 0; i < brute.n; i++)
			assert_string_equal(by_index.items[i], brute.items[i]);
		pairs += brute.n;
		found_clear(&by_index);
		found_clear(&brute);
	}
	/* the sample must exercise something */
	assert_true(pairs > n_known);
	mail_lookalike_index_free(&idx);
	free_domains(known, n_known);
}

static void
the_index_is_fast_on_50000_domains(void **state)
{
	enum { N = 50000 };
	uint32_t seed = 88172645u;
	char **known = random_domains(&seed, N, 5, 10);
	struct mail_lookalike_index *idx = mail_lookalike_index_new();
	struct timespec start;
	size_t found = 0;
	double ms, limit = 3000;
	char host[256], name[128];
	const char *suffix;

#if defined(__SANITIZE_ADDRESS__)
	limit *= 10; /* ASan and UBSan slow everything down */
#endif
	assert_non_null(idx);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &start);
	for (size_t i = 0; i < N; i++)
		assert_true(mail_lookalike_index_add(idx, known[i]));
	for (size_t i = 0; i < N; i++) {
		struct found f = { 0 };

		split(known[(i * 7919) % N], name, &suffix);
		mutate(&seed, name, suffix, host, sizeof host);
		mail_lookalike_index_find(idx, host, collect, &f);
		found += f.n;
		found_clear(&f);
	}
	ms = elapsed_ms(&start);
	print_message("50000 added and 50000 looked up in %.0f ms of CPU, %zu pairs\n", ms, found);
	if (ms > limit)
		fail_msg("%.0f ms", ms);
	assert_true(found > N / 2);
	mail_lookalike_index_free(&idx);
	free_domains(known, N);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(kind_names_are_stable),
		cmocka_unit_test(confusable_characters_are_homoglyphs),
		cmocka_unit_test(other_scripts_are_named),
		cmocka_unit_test(invisible_characters_are_found),
		cmocka_unit_test(another_suffix_is_a_tld_lookalike),
		cmocka_unit_test(typos_are_classified),
		cmocka_unit_test(short_names_are_held_to_stricter_rules),
		cmocka_unit_test(added_words_and_subdomains_are_found),
		cmocka_unit_test(the_domain_itself_is_no_lookalike),
		cmocka_unit_test(odd_input_is_no_lookalike),
		cmocka_unit_test(display_forms_show_the_difference),
		cmocka_unit_test(display_names_mention_organisations),
		cmocka_unit_test(the_index_finds_each_kind),
		cmocka_unit_test(the_index_finds_what_comparing_each_with_each_finds),
		cmocka_unit_test(the_index_is_fast_on_50000_domains),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
