/*
 * vtriage-pdf: reads one PDF for vtriage's index, in a process of its
 * own (see mail/pdf.c, which starts it under rlimits in an empty
 * directory holding in.pdf, and kills it at its deadline).
 *
 *   vtriage-pdf [--memory-mb MB] in.pdf
 *
 * Writes "vtriage-pdf 1", then "status ok" or why the PDF has nothing to
 * read ("encrypted", "no text layer (scanned)", "not a PDF poppler can
 * read"), the fields of an embedded Factur-X / ZUGFeRD / XRechnung
 * invoice ("xml-total 123450 EUR", ...), and "text" followed by the text
 * layer as `pdftotext -layout` lays it out (it keeps table columns apart,
 * where the layout-less API glues them). poppler-utils does the PDF
 * work; this program only runs it and reads the XML (libxml2), so that
 * neither runs inside vtriage.
 */
#include "config.h"

#include <ctype.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mail.h"

/* pdftotext reads at most this many pages: invoices are short, and
 * a thousand-page file should not cost a thousand pages. */
#define PAGES_MAX "30"
#define XML_MAX (4 * 1024 * 1024)

/* The address space of poppler's programs (and of this one, unless it
 * is built with AddressSanitizer, which reserves terabytes of it). */
static rlim_t memory_limit = 512u << 20;

/* Runs argv (found on $PATH) with stdout to out_path and stderr to
 * err_path, under the memory limit; its exit status, or -1 when it could
 * not run or was killed. */
static int
run(char *const argv[], const char *out_path, const char *err_path)
{
	pid_t pid = fork();
	int status;

	if (pid < 0)
		return -1;
	if (pid == 0) {
		struct rlimit as = { memory_limit, memory_limit };
		int in = open("/dev/null", O_RDONLY);
		int out = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		int err = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		if (in < 0 || out < 0 || err < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 ||
		    dup2(err, 2) < 0 || setrlimit(RLIMIT_AS, &as) != 0)
			_exit(127);
		execvp(argv[0], argv);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		;
	return WIFEXITED(status) && WEXITSTATUS(status) != 127 ? WEXITSTATUS(status) : -1;
}

/* A file's bytes, at most max (NULL when unreadable). */
static char *
slurp(const char *path, size_t max, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;

	*len = 0;
	if (f == NULL)
		return NULL;
	buf = malloc(max + 1);
	if (buf != NULL) {
		*len = fread(buf, 1, max, f);
		buf[*len] = '\0';
	}
	fclose(f);
	return buf;
}

static bool
has_text(const char *text, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (isalnum((unsigned char)text[i]))
			return true;
	return false;
}

/* The embedded invoice XML, if pdfdetach lists one (mail/pdf-listing.c
 * picks which). */
static void
embedded_invoice(const char *pdf)
{
	char *const list_argv[] = { "pdfdetach", "-list", (char *)pdf, NULL };
	char *listing;
	size_t len;
	int best;

	if (run(list_argv, "list.out", "list.err") != 0 ||
	    (listing = slurp("list.out", 65536, &len)) == NULL)
		return;
	best = mail_pdf_invoice_attachment(listing, len);
	free(listing);
	if (best == 0)
		return;
	char number[16];
	snprintf(number, sizeof number, "%d", best);
	char *const save_argv[] = { "pdfdetach",   "-save",     number, "-o",
				    "invoice.xml", (char *)pdf, NULL };
	char *xml;
	struct mail_document doc;

	if (run(save_argv, "save.out", "save.err") != 0 ||
	    (xml = slurp("invoice.xml", XML_MAX, &len)) == NULL)
		return;
	if (mail_doc_read_invoice_xml(xml, len, &doc))
		mail_invoice_xml_print(stdout, &doc);
	free(xml);
}

int
main(int argc, char **argv)
{
	char *text_argv[] = { "pdftotext", "-layout", "-enc",     "UTF-8", "-l",
			      PAGES_MAX,   NULL,      "text.out", NULL };
	char *text, *errors;
	size_t text_len = 0, err_len = 0;
	int status;

	if (argc == 4 && strcmp(argv[1], "--memory-mb") == 0) {
		long mb = atol(argv[2]);

		if (mb < 16 || mb > 65536) {
			fprintf(stderr, "vtriage-pdf: --memory-mb %s: 16 to 65536\n", argv[2]);
			return 2;
		}
		memory_limit = (rlim_t)mb << 20;
		argv += 2;
		argc -= 2;
	}
	if (argc != 2) {
		fprintf(stderr,
			"usage: vtriage-pdf [--memory-mb MB] FILE (run by vtriage's index)\n");
		return 2;
	}
#ifndef __SANITIZE_ADDRESS__
	{
		struct rlimit as = { memory_limit, memory_limit };

		setrlimit(RLIMIT_AS, &as);
	}
#endif
	text_argv[6] = argv[1];
	fputs("vtriage-pdf 1\n", stdout);
	status = run(text_argv, "pdftotext.out", "pdftotext.err");
	text = slurp("text.out", 64u << 20, &text_len);
	errors = slurp("pdftotext.err", 4096, &err_len);
	if (status < 0)
		puts("status pdftotext cannot run (install poppler-utils)");
	else if (status != 0 && errors != NULL && strstr(errors, "assword") != NULL)
		puts("status encrypted");
	else if (status != 0)
		puts("status not a PDF poppler can read");
	else if (text == NULL || !has_text(text, text_len))
		puts("status no text layer (scanned)");
	else
		puts("status ok");
	if (status == 0)
		embedded_invoice(argv[1]);
	if (status == 0 && text != NULL && has_text(text, text_len)) {
		puts("text");
		fwrite(text, 1, text_len, stdout);
	}
	free(text);
	free(errors);
	return fflush(stdout) == 0 ? 0 : 1;
}
