/*
 * "Hi Mitch," to a user called Rich: a mail that greets the user by a
 * wrong name is a sign of a careless or mass-produced message.
 *
 * A greeting is wrong only when it names a person and that person is not
 * the user: generic greetings ("Dear Valued Customer", "Dear Sir or
 * Madam", "Hello there", "Hi team") name nobody, and the common short
 * forms of the user's first name (Rich, Rick and Dick for Richard) are
 * the user. Both live in tables below, tested in test-greeting.c.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "private.h"

static const char *const salutations[] = {
	"good morning", "good afternoon", "good evening", "greetings", "hello",   "hallo",
	"dear",         "hiya",           "hey",          "hi",        "morning",
};

/* Words that greet a role or a crowd, not a person. */
static const char *const generic_words[] = {
	"account",   "accounts",   "all",      "buyer",     "buyers",     "client",      "clients",
	"colleague", "colleagues", "customer", "customers", "everybody",  "everyone",    "folks",
	"friend",    "friends",    "guys",     "holder",    "madam",      "member",      "members",
	"partner",   "partners",   "payable",  "purchaser", "purchasing", "reader",      "readers",
	"sales",     "shopper",    "sir",      "sirs",      "subscriber", "subscribers", "supplier",
	"support",   "team",       "there",    "user",      "users",      "valued",      "whom",
	"world",
};

/*
 * One line per person: a first name and its common short forms. A name
 * in the same line as the user's first name is the user. Ambiguous short
 * forms (Pat, Chris, Alex, Sam) sit in each of their lines.
 */
static const char *const nicknames[] = {
	"richard rich rick ricky richie dick",
	"robert rob robbie bob bobby bert",
	"william will bill billy willy liam",
	"james jim jimmy jamie",
	"michael mike mikey mick mickey",
	"john jack johnny jon",
	"jonathan jon jonny",
	"thomas tom tommy",
	"daniel dan danny",
	"david dave davey",
	"joseph joe joey",
	"edward ed eddie ted teddy ned",
	"anthony tony",
	"andrew andy drew",
	"steven steve stevie",
	"stephen steve stevie",
	"matthew matt matty",
	"patrick pat paddy",
	"patricia pat patty trish tricia",
	"christopher chris kit",
	"christine chris chrissy tina",
	"christina chris tina",
	"alexander alex alec sandy",
	"alexandra alex sandra sandy lexi",
	"samuel sam sammy",
	"samantha sam sammy",
	"benjamin ben benny",
	"nicholas nick nicky",
	"timothy tim timmy",
	"gregory greg",
	"jeffrey jeff",
	"kenneth ken kenny",
	"ronald ron ronnie",
	"donald don donnie",
	"charles charlie chuck chas",
	"frederick fred freddie",
	"lawrence larry",
	"gerald gerry jerry",
	"henry hank harry",
	"harold harry hal",
	"albert al bert",
	"francis frank frankie",
	"frances fran frannie",
	"eugene gene",
	"raymond ray",
	"philip phil",
	"peter pete",
	"leonard leo len lenny",
	"douglas doug",
	"joshua josh",
	"zachary zach zack",
	"nathaniel nate nathan nat",
	"elizabeth liz lizzie beth betty eliza lisa",
	"margaret maggie meg peggy",
	"katherine kate kathy katie kat",
	"catherine cathy kate katie cat",
	"jennifer jen jenny",
	"susan sue susie",
	"deborah deb debbie",
	"rebecca becky becca",
	"victoria vicky tori",
	"abigail abby",
	"jessica jess jessie",
	"kimberly kim",
	"pamela pam",
	"barbara barb barbie",
	"dorothy dot dottie",
};

static bool
in_list(const char *word, size_t len, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(list[i]) == len && strncasecmp(word, list[i], len) == 0)
			return true;
	return false;
}

/* Whether the space-separated words of line contain word (len bytes). */
static bool
line_has(const char *line, const char *word, size_t len)
{
	for (const char *p = line; *p != '\0';) {
		size_t n = strcspn(p, " ");

		if (n == len && strncasecmp(p, word, len) == 0)
			return true;
		p += n;
		p += strspn(p, " ");
	}
	return false;
}

/* Whether a and b are the same first name, or one is the other's short form. */
static bool
same_first_name(const char *a, size_t alen, const char *b, size_t blen)
{
	if (alen == blen && strncasecmp(a, b, alen) == 0)
		return true;
	for (size_t i = 0; i < sizeof nicknames / sizeof nicknames[0]; i++)
		if (line_has(nicknames[i], a, alen) && line_has(nicknames[i], b, blen))
			return true;
	return false;
}

/* A word of a name: letters (any UTF-8 letter beyond ASCII), hyphens,
 * apostrophes; a trailing dot belongs to abbreviations ("Mr."). */
static size_t
word_length(const char *p)
{
	size_t n = 0;

	while (isalpha((unsigned char)p[n]) || (unsigned char)p[n] >= 0x80 || p[n] == '-' ||
	       p[n] == '\'')
		n++;
	return n;
}

static bool
is_title(const char *w, size_t n)
{
	static const char *const titles[] = { "mr", "mrs", "ms", "miss", "dr", "prof", "mx" };

	return in_list(w, n, titles, sizeof titles / sizeof titles[0]);
}

bool
mail_wrong_greeting(const char *body, const char *user_name, char *greeted, size_t len)
{
	const char *line = body, *p, *first_name, *last_name;
	const char *words[4];
	size_t lens[4], n_words = 0, first_len, last_len;

	if (body == NULL || user_name == NULL || *user_name == '\0')
		return false;
	first_name = user_name + strspn(user_name, " \t");
	first_len = word_length(first_name);
	if (first_len == 0)
		return false;
	last_name = strrchr(user_name, ' ');
	last_name = last_name != NULL ? last_name + 1 : NULL;
	last_len = last_name != NULL ? word_length(last_name) : 0;
	if (last_name == first_name)
		last_len = 0;
	/* the first non-empty line of the body */
	while (*line == '\n' || *line == '\r' || *line == ' ' || *line == '\t')
		line++;
	for (size_t i = 0; i < sizeof salutations / sizeof salutations[0]; i++) {
		size_t s = strlen(salutations[i]);

		if (strncasecmp(line, salutations[i], s) == 0 &&
		    (line[s] == ' ' || line[s] == ',' || line[s] == '\t')) {
			p = line + s;
			goto found;
		}
	}
	return false;
found:
	/* The words up to the punctuation that ends the greeting. */
	while (n_words < 4) {
		size_t n;

		p += strspn(p, " \t");
		n = word_length(p);
		if (n == 0)
			break;
		words[n_words] = p;
		lens[n_words++] = n;
		p += n;
		if (*p == '.')
			p++;
		if (*p != ' ' && *p != '\t')
			break;
	}
	if (n_words == 0)
		return false;
	p += strspn(p, " \t");
	/* "Hi Mitch," "Dear Bob:" "Hello Rich!" "Hi Mitch -": a greeting;
	 * "Hello world of buyers" is prose */
	if (*p != ',' && *p != '!' && *p != ':' && *p != '\n' && *p != '\r' && *p != '-' &&
	    *p != '\0')
		return false;
	/* "hi there", "hello all": a lower-case first word names nobody */
	if (isascii((unsigned char)words[0][0]) && !isupper((unsigned char)words[0][0]))
		return false;
	for (size_t i = 0; i < n_words; i++)
		if (in_list(words[i], lens[i], generic_words,
			    sizeof generic_words / sizeof generic_words[0]))
			return false;
	if (is_title(words[0], lens[0])) {
		/* "Dear Mr. Miller": the surname decides; no surname known,
		 * nothing to say */
		if (n_words < 2 || last_len == 0 ||
		    (lens[n_words - 1] == last_len &&
		     strncasecmp(words[n_words - 1], last_name, last_len) == 0))
			return false;
		snprintf(greeted, len, "%.*s",
			 (int)(words[n_words - 1] + lens[n_words - 1] - words[0]), words[0]);
		return true;
	}
	if (same_first_name(words[0], lens[0], first_name, first_len))
		return false;
	/* "Dear Miller," greets by the surname */
	if (last_len > 0 && lens[0] == last_len && strncasecmp(words[0], last_name, last_len) == 0)
		return false;
	snprintf(greeted, len, "%.*s", (int)lens[0], words[0]);
	return true;
}

/* Whether one of the words of text (split at any of seps) is word, or
 * the same first name. */
static bool
has_name_word(const char *text, const char *seps, const char *word, size_t len)
{
	for (const char *p = text; *p != '\0';) {
		size_t n = strcspn(p, seps);

		if (n > 0 && same_first_name(p, n, word, len))
			return true;
		p += n;
		p += strspn(p, seps);
	}
	return false;
}

bool
mail_greeting_names_recipient(const char *greeted, const char *recipients)
{
	const char *word = greeted, *last;
	size_t len = word_length(word);
	struct mail_address_list list;
	bool named = false;

	if (recipients == NULL || len == 0)
		return false;
	/* "Mr. Jones" names Jones */
	if (is_title(word, len) && (last = strrchr(greeted, ' ')) != NULL) {
		word = last + 1;
		len = word_length(word);
	}
	if (len == 0)
		return false;
	mail_address_list_parse(recipients, &list);
	for (size_t i = 0; !named && i < list.count; i++) {
		const struct mail_address *a = &list.items[i];
		char local[128];

		snprintf(local, sizeof local, "%.*s",
			 a->address ? (int)strcspn(a->address, "@") : 0,
			 a->address ? a->address : "");
		named = (a->name && has_name_word(a->name, " ,.\"", word, len)) ||
			has_name_word(local, "._-+", word, len);
	}
	mail_address_list_clear(&list);
	return named;
}
