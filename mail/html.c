/*
 * HTML mail as text, read by libxml2's HTML parser (the one a browser-
 * grade parser in Debian gives C): it repairs what mail generators break,
 * decodes every entity and never runs anything. The text keeps the
 * blocks' lines, list items as "* ", table cells apart, preformatted text
 * as it is, and (for reading) each link's target after its text.
 *
 * libxml2 is loaded on first use, as ICU is (mail/icu.c): it links ICU,
 * and linking it would load both into every vtriage command. Nodes are
 * read through the structures of libxml2's headers; the few functions
 * called come from the loaded library.
 */
#include "config.h"

#include <dlfcn.h>
#include <glib.h>
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "private.h"

/* Nesting beyond this is read flat (flat_text): a hostile mail of
 * 100,000 nested <div> must not take the stack. */
#define DEPTH_MAX 200

static struct {
	__typeof__(&htmlReadMemory) read;
	__typeof__(&xmlFreeDoc) free_doc;
	__typeof__(&xmlDocGetRootElement) root;
	__typeof__(&xmlInitParser) init;
} xml;
static bool xml_loaded;
static char xml_error[256];
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void
load(void)
{
	void *h = dlopen("libxml2.so.2", RTLD_NOW | RTLD_LOCAL);

	if (h == NULL) {
		snprintf(xml_error, sizeof xml_error, "cannot load libxml2: %s", dlerror());
		return;
	}
	*(void **)&xml.read = dlsym(h, "htmlReadMemory");
	*(void **)&xml.free_doc = dlsym(h, "xmlFreeDoc");
	*(void **)&xml.root = dlsym(h, "xmlDocGetRootElement");
	*(void **)&xml.init = dlsym(h, "xmlInitParser");
	if (xml.read == NULL || xml.free_doc == NULL || xml.root == NULL || xml.init == NULL) {
		snprintf(xml_error, sizeof xml_error, "libxml2 lacks its HTML parser");
		return;
	}
	/* once, before threads parse (the index reads mail on two) */
	xml.init();
	xml_loaded = true;
}

struct render {
	GString *out;
	bool links;
	bool space; /* whitespace seen since the last text */
	int pre;    /* inside <pre>: whitespace kept */
};

static bool
name_is(const xmlNode *n, const char *const *names)
{
	for (size_t i = 0; names[i] != NULL; i++)
		if (strcasecmp((const char *)n->name, names[i]) == 0)
			return true;
	return false;
}

static const char *const skipped[] = { "script",   "style",    "head", "title",
				       "template", "noscript", NULL };

/* What a style says that hides an element and all in it, without white
 * space, lower case; "font-size:0" only as a whole number (0.8em
 * shows). */
static const char *const hiding_styles[] = {
	"display:none",
	"visibility:hidden",
	"font-size:0;",
	"font-size:0!",
	"font-size:0px",
	"font-size:0pt",
	"font-size:0em",
	"font-size:0%",
	"opacity:0;",
	"opacity:0!",
	NULL,
};

/*
 * Whether a browser shows nothing of element n: the hidden attribute, or
 * a style that hides it. A forger's characters hidden inside an IBAN
 * ("GB82 WEST<span style=display:none>9</span> 1234 ...") made the one
 * the user sees no IBAN for the payment checks, and the pager showed
 * what the user does not see.
 */
static bool
hidden(const xmlNode *n)
{
	for (const xmlAttr *at = n->properties; at != NULL; at = at->next) {
		const char *value;
		char *style;
		size_t k = 0;
		bool hides = false;

		if (at->name == NULL)
			continue;
		if (strcasecmp((const char *)at->name, "hidden") == 0)
			return true;
		if (strcasecmp((const char *)at->name, "style") != 0 || at->children == NULL ||
		    at->children->content == NULL)
			continue;
		/* the declarations, packed, and a ';' to end the last (whole:
		 * a hiding one after 300 bytes of others hides too) */
		value = (const char *)at->children->content;
		style = g_malloc(strlen(value) + 2);
		for (const char *c = value; *c; c++)
			if (*c != ' ' && *c != '\t' && *c != '\r' && *c != '\n')
				style[k++] = (char)g_ascii_tolower(*c);
		style[k++] = ';';
		style[k] = '\0';
		for (size_t i = 0; !hides && hiding_styles[i] != NULL; i++)
			hides = strstr(style, hiding_styles[i]) != NULL;
		g_free(style);
		if (hides)
			return true;
	}
	return false;
}
static const char *const blocks[] = {
	"p",     "div",     "tr",      "li",     "h1",         "h2",      "h3",     "h4",   "h5",
	"h6",    "table",   "ul",      "ol",     "blockquote", "hr",      "pre",    "dl",   "dt",
	"dd",    "section", "article", "header", "footer",     "address", "center", "form", "tbody",
	"thead", "tfoot",   "nav",     "aside",  "figure",     "main",    NULL,
};

static void
newline(struct render *r)
{
	if (r->out->len > 0 && r->out->str[r->out->len - 1] != '\n')
		g_string_append_c(r->out, '\n');
	r->space = false;
}

static bool
at_line_start(const struct render *r)
{
	return r->out->len == 0 || r->out->str[r->out->len - 1] == '\n';
}

static void
text(struct render *r, const char *s)
{
	for (; *s != '\0'; s++) {
		if (r->pre) {
			g_string_append_c(r->out, *s == '\r' ? '\n' : *s);
			continue;
		}
		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || *s == '\f') {
			r->space = true;
			continue;
		}
		/* &nbsp; (U+00A0) lays out; in text it is a space */
		if ((unsigned char)s[0] == 0xC2 && (unsigned char)s[1] == 0xA0) {
			if (!at_line_start(r))
				g_string_append_c(r->out, ' ');
			r->space = false;
			s++;
			continue;
		}
		if (r->space && !at_line_start(r))
			g_string_append_c(r->out, ' ');
		r->space = false;
		g_string_append_c(r->out, *s);
	}
}

/* An <a>'s target a reader can follow (http, https, ftp, mailto). */
static const char *
link_target(const xmlNode *a)
{
	static const char *const schemes[] = { "http://", "https://", "ftp://", "mailto:" };

	for (const xmlAttr *at = a->properties; at != NULL; at = at->next) {
		const char *v;

		if (strcasecmp((const char *)at->name, "href") != 0 || at->children == NULL ||
		    at->children->content == NULL)
			continue;
		v = (const char *)at->children->content;
		v += strspn(v, " \t\r\n");
		for (size_t i = 0; i < sizeof schemes / sizeof schemes[0]; i++)
			if (strncasecmp(v, schemes[i], strlen(schemes[i])) == 0 &&
			    strlen(v) <= 2048 && strpbrk(v, " \t\r\n\"<>") == NULL)
				return v;
	}
	return NULL;
}

/* The text of everything under top, without recursion (by the nodes'
 * parent links): what is nested past DEPTH_MAX is read, flat, not
 * dropped (300 empty <div>s before a paragraph hid it from the pager
 * and from the payment checks). */
static void
flat_text(struct render *r, const xmlNode *top)
{
	const xmlNode *n = top->children;

	while (n != NULL && n != top) {
		if ((n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) &&
		    n->content != NULL)
			text(r, (const char *)n->content);
		else if (n->type == XML_ELEMENT_NODE && n->name != NULL && name_is(n, blocks))
			newline(r);
		if (n->type == XML_ELEMENT_NODE && n->children != NULL && n->name != NULL &&
		    !name_is(n, skipped) && !hidden(n)) {
			n = n->children;
			continue;
		}
		while (n != top && n->next == NULL)
			n = n->parent;
		if (n == top || n == NULL)
			break;
		n = n->next;
	}
}

static void
walk(struct render *r, const xmlNode *n, int depth)
{
	for (; n != NULL; n = n->next) {
		const char *href = NULL;
		size_t start = r->out->len;
		bool block, pre;

		if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
			if (n->content != NULL)
				text(r, (const char *)n->content);
			continue;
		}
		if (n->type != XML_ELEMENT_NODE || n->name == NULL || name_is(n, skipped) ||
		    hidden(n))
			continue;
		if (strcasecmp((const char *)n->name, "br") == 0) {
			g_string_append_c(r->out, '\n');
			r->space = false;
			continue;
		}
		block = name_is(n, blocks);
		pre = strcasecmp((const char *)n->name, "pre") == 0;
		if (block)
			newline(r);
		if (strcasecmp((const char *)n->name, "li") == 0)
			g_string_append(r->out, "* ");
		else if ((strcasecmp((const char *)n->name, "td") == 0 ||
			  strcasecmp((const char *)n->name, "th") == 0) &&
			 !at_line_start(r))
			r->space = true;
		if (r->links && strcasecmp((const char *)n->name, "a") == 0)
			href = link_target(n);
		r->pre += pre;
		if (depth < DEPTH_MAX)
			walk(r, n->children, depth + 1);
		else
			flat_text(r, n);
		r->pre -= pre;
		if (href != NULL) {
			const char *bare = strstr(href, "://") ? strstr(href, "://") + 3
							       : strchr(href, ':') + 1;

			/* a link whose text is its address says it once */
			if (strstr(r->out->str + start, bare) == NULL) {
				g_string_append(r->out, " <");
				g_string_append(r->out, href);
				g_string_append_c(r->out, '>');
			}
		}
		if (block)
			newline(r);
	}
}

GString *
mail_html_text(const char *html, size_t len, bool links, struct vt_error *err)
{
	struct render r = { .links = links };
	htmlDocPtr doc;

	pthread_once(&once, load);
	if (!xml_loaded) {
		vt_fail(err, VT_ERR_INTERNAL, "%s", xml_error);
		return NULL;
	}
	r.out = g_string_sized_new(len / 2 + 1);
	if (len > 0 && len <= (size_t)INT32_MAX) {
		/* the text is UTF-8 already: a <meta charset> must not redo it.
		 * XML_PARSE_HUGE lifts libxml2's depth of 256, past which it
		 * dropped the rest of the mail (300 empty <div>s hid a bank
		 * details change that a browser shows); its other limits are
		 * of sizes, and the part is at most 8 MB here, HTML declares
		 * no entities */
		doc = xml.read(html, (int)len, NULL, "UTF-8",
			       HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
				       HTML_PARSE_NONET | HTML_PARSE_IGNORE_ENC |
				       HTML_PARSE_COMPACT | XML_PARSE_HUGE);
		if (doc != NULL) {
			walk(&r, xml.root(doc), 0);
			xml.free_doc(doc);
		}
	}
	return r.out;
}
