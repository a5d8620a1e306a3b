/*
 * pdfgen: writes the PDFs the tests and bench/ read, so that no binary
 * fixture is needed and each layout's right answer is known.
 *
 *   pdfgen [--xml FILE] [--image] [--slow N] OUT < SPEC
 *
 * SPEC: one text draw per line, "X Y TEXT" (points from the bottom left
 * of an A4 page, Helvetica 10; TEXT in UTF-8, drawn in WinAnsi, so
 * Latin-1 letters and the euro sign survive), "---" starts a new page.
 *   --xml FILE  embed FILE as factur-x.xml (an EmbeddedFiles name tree,
 *               as Factur-X and ZUGFeRD PDFs carry their invoice)
 *   --image     a page with a small image and no text (a scan)
 *   --slow N    N overlapping draws on the first page: cheap to write,
 *               costly to lay out, as hostile PDFs are
 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OBJECTS_MAX 4096

struct pdf {
	FILE *f;
	long offsets[OBJECTS_MAX];
	int n;
};

static int
begin(struct pdf *p)
{
	p->offsets[++p->n] = ftell(p->f);
	fprintf(p->f, "%d 0 obj\n", p->n);
	return p->n;
}

static void
end(struct pdf *p)
{
	fputs("endobj\n", p->f);
}

/* A stream object holding data. */
static int
stream(struct pdf *p, const char *extra, const char *data, size_t len)
{
	int id = begin(p);

	fprintf(p->f, "<< /Length %zu %s >>\nstream\n", len, extra ? extra : "");
	fwrite(data, 1, len, p->f);
	fputs("\nendstream\n", p->f);
	end(p);
	return id;
}

/* UTF-8 to WinAnsi, PDF-string escaped, into out. */
static void
pdf_string(const char *s, char *out, size_t cap)
{
	size_t o = 0;

	while (*s && o + 5 < cap) {
		unsigned char c = (unsigned char)*s;
		unsigned cp = c;
		int n = 1;

		if (c >= 0xE0 && s[1] && s[2]) {
			cp = (unsigned)(c & 0x0F) << 12 | (unsigned)(s[1] & 0x3F) << 6 |
			     (s[2] & 0x3F);
			n = 3;
		} else if (c >= 0xC0 && s[1]) {
			cp = (unsigned)(c & 0x1F) << 6 | (s[1] & 0x3F);
			n = 2;
		}
		s += n;
		if (cp == 0x20AC)
			cp = 0x80; /* euro */
		else if (cp == 0x2019)
			cp = 0x92;
		else if (cp == 0x2013)
			cp = 0x96;
		else if (cp == 0x2212)
			cp = '-';
		else if (cp > 0xFF)
			cp = '?';
		if (cp == '(' || cp == ')' || cp == '\\')
			out[o++] = '\\';
		if (cp < 0x20 || cp >= 0x7F)
			o += (size_t)snprintf(out + o, cap - o, "\\%03o", cp);
		else
			out[o++] = (char)cp;
	}
	out[o] = '\0';
}

int
main(int argc, char **argv)
{
	const char *xml_path = NULL, *out_path = NULL;
	bool image = false;
	long slow = 0;
	char line[2048];
	char *pages[64];
	size_t page_len[64];
	int n_pages = 0;
	struct pdf p = { 0 };

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--xml") == 0 && i + 1 < argc)
			xml_path = argv[++i];
		else if (strcmp(argv[i], "--image") == 0)
			image = true;
		else if (strcmp(argv[i], "--slow") == 0 && i + 1 < argc)
			slow = atol(argv[++i]);
		else
			out_path = argv[i];
	}
	if (out_path == NULL) {
		fprintf(stderr, "usage: pdfgen [--xml FILE] [--image] [--slow N] OUT < SPEC\n");
		return 2;
	}
	/* the pages' content streams */
	FILE *page = NULL;
	char *buf = NULL;
	size_t len = 0;
	if (!image || slow > 0) {
		page = open_memstream(&buf, &len);
		while (fgets(line, sizeof line, stdin) != NULL) {
			double x, y;
			int used = 0;
			char esc[8192];

			line[strcspn(line, "\n")] = '\0';
			if (strcmp(line, "---") == 0) {
				fclose(page);
				pages[n_pages] = buf;
				page_len[n_pages++] = len;
				page = open_memstream(&buf, &len);
				continue;
			}
			if (sscanf(line, "%lf %lf %n", &x, &y, &used) < 2)
				continue;
			pdf_string(line + used, esc, sizeof esc);
			fprintf(page, "BT /F1 10 Tf %.1f %.1f Td (%s) Tj ET\n", x, y, esc);
		}
		for (long i = 0; i < slow; i++)
			fprintf(page, "BT /F1 %ld Tf %ld %ld Td (%c%c%c) Tj ET\n", 4 + i % 20,
				100 + i % 7, 400 + i % 11, 'a' + (int)(i % 26), 'A' + (int)(i % 26),
				'0' + (int)(i % 10));
		fclose(page);
		pages[n_pages] = buf;
		page_len[n_pages++] = len;
	}
	if (image) {
		/* an 8x8 grey image drawn over the page: no text layer */
		static const char img_draw[] = "q 400 0 0 400 100 300 cm /Im1 Do Q\n";

		pages[n_pages] = strdup(img_draw);
		page_len[n_pages++] = strlen(img_draw);
	}

	if ((p.f = fopen(out_path, "wb")) == NULL) {
		perror(out_path);
		return 1;
	}
	fputs("%PDF-1.7\n%\xE2\xE3\xCF\xD3\n", p.f);
	/* 1 catalog, 2 pages, 3 font, 4 image: fixed numbers */
	int catalog = begin(&p);
	fprintf(p.f, "<< /Type /Catalog /Pages 2 0 R%s >>\n",
		xml_path ? " /Names << /EmbeddedFiles << /Names [(factur-x.xml) 6 0 R] >> >>"
			   " /AF [6 0 R]"
			 : "");
	end(&p);
	int pages_id = begin(&p);
	fputs("<< /Type /Pages /Kids [", p.f);
	for (int i = 0; i < n_pages; i++)
		fprintf(p.f, "%d 0 R ", 7 + 2 * i);
	fprintf(p.f, "] /Count %d >>\n", n_pages);
	end(&p);
	begin(&p);
	fputs("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>\n",
	      p.f);
	end(&p);
	{
		char grey[64];

		memset(grey, 0x80, sizeof grey);
		stream(&p,
		       "/Type /XObject /Subtype /Image /Width 8 /Height 8 /ColorSpace /DeviceGray"
		       " /BitsPerComponent 8",
		       grey, sizeof grey);
	}
	/* 5 the embedded file's stream, 6 its file specification */
	{
		char *xml = NULL;
		size_t xml_len = 0;

		if (xml_path != NULL) {
			FILE *x = fopen(xml_path, "rb");

			if (x == NULL) {
				perror(xml_path);
				return 1;
			}
			xml = malloc(1 << 20);
			xml_len = fread(xml, 1, 1 << 20, x);
			fclose(x);
		}
		stream(&p, "/Type /EmbeddedFile /Subtype /text#2Fxml", xml ? xml : "", xml_len);
		free(xml);
	}
	begin(&p);
	fputs("<< /Type /Filespec /F (factur-x.xml) /UF (factur-x.xml) /AFRelationship /Data"
	      " /EF << /F 5 0 R >> >>\n",
	      p.f);
	end(&p);
	for (int i = 0; i < n_pages; i++) {
		begin(&p);
		fprintf(p.f,
			"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R"
			" /Resources << /Font << /F1 3 0 R >> /XObject << /Im1 4 0 R >> >> >>\n",
			8 + 2 * i);
		end(&p);
		stream(&p, NULL, pages[i], page_len[i]);
		free(pages[i]);
	}
	long xref = ftell(p.f);
	fprintf(p.f, "xref\n0 %d\n0000000000 65535 f \n", p.n + 1);
	for (int i = 1; i <= p.n; i++)
		fprintf(p.f, "%010ld 00000 n \n", p.offsets[i]);
	fprintf(p.f,
		"trailer\n<< /Size %d /Root %d 0 R /ID [<0123456789abcdef0123456789abcdef>"
		" <0123456789abcdef0123456789abcdef>] >>\nstartxref\n%ld\n%%%%EOF\n",
		p.n + 1, catalog, xref);
	(void)pages_id;
	return fclose(p.f) == 0 ? 0 : 1;
}
