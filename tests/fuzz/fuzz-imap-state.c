/*
 * The IMAP engine's own parsing, from raw bytes, without a network: a
 * sync state file (a damaged disk, an older version) loads sorted, one
 * line per UID, and saves and loads back the same; UID sets as a
 * server's VANISHED names them ("*", reversed ranges) mark exactly the
 * UIDs a plain loop finds, and our own sets of sorted UIDs cover them all;
 * a Message-ID read from a server's header block is one line inside its
 * buffer; Maildir flag letters keep the flags asked for; and a server's
 * folder name becomes a directory below the account's, or an error;
 * a line the server sends while we idle is a change only when it says
 * one ("* N EXISTS", EXPUNGE, FETCH, "* VANISHED"), a goodbye only as
 * "* BYE", and neither reads past its end.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "fuzz.h"
#include "imap/private.h"

static char dir[512];

static void
remove_dir(void)
{
	char path[600];

	snprintf(path, sizeof path, "%s/in.state", dir);
	unlink(path);
	snprintf(path, sizeof path, "%s/out.state", dir);
	unlink(path);
	rmdir(dir);
}

static const char *
scratch(const char *name)
{
	static char path[600];

	if (dir[0] == '\0') {
		const char *tmp = getenv("TMPDIR");

		/* scripts/fuzz gives its own: libFuzzer ends without atexit */
		snprintf(dir, sizeof dir, "%s/fuzz-imap-state.XXXXXX", tmp && *tmp ? tmp : "/tmp");
		if (mkdtemp(dir) == NULL)
			abort();
		atexit(remove_dir);
	}
	snprintf(path, sizeof path, "%s/%s", dir, name);
	return path;
}

static void
check_state(const uint8_t *data, size_t size)
{
	struct sync_state st, back;
	struct vt_error err = { 0 };
	char in[600];
	FILE *f;

	snprintf(in, sizeof in, "%s", scratch("in.state"));
	if ((f = fopen(in, "wb")) == NULL)
		return;
	fwrite(data, 1, size, f);
	fclose(f);
	if (state_load(in, &st, &err) != VT_OK) {
		if (st.n != 0 || st.msgs != NULL || err.msg[0] == '\0')
			abort();
		return;
	}
	for (size_t i = 0; i < st.n; i++)
		if (st.msgs[i].uid == 0 || (i > 0 && st.msgs[i - 1].uid >= st.msgs[i].uid) ||
		    (st.msgs[i].flags & ~MF_SYNCED) != 0)
			abort();
	if (state_save(scratch("out.state"), &st, &err) != VT_OK ||
	    state_load(scratch("out.state"), &back, &err) != VT_OK)
		abort();
	if (back.uidvalidity != st.uidvalidity || back.uidnext != st.uidnext ||
	    back.highestmodseq != st.highestmodseq || back.n != st.n)
		abort();
	for (size_t i = 0; i < st.n; i++)
		if (back.msgs[i].uid != st.msgs[i].uid || back.msgs[i].flags != st.msgs[i].flags)
			abort();
	state_clear(&back);
	state_clear(&st);
}

static uint32_t
u32_at(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* The bytes as pairs of 32-bit numbers: a set of ranges (0 is "*") and,
 * sorted and small, the UIDs a folder holds. */
static void
check_sets(const uint8_t *data, size_t size)
{
	size_t n_pairs = size / 8 < 64 ? size / 8 : 64, n = 0, marked, runs = 0;
	struct mailimap_set *set = mailimap_set_new_empty(), *ours;
	uint32_t uids[128];
	bool in[128] = { false }, all[128] = { false };

	if (set == NULL)
		return;
	for (size_t i = 0; i < n_pairs; i++) {
		uint32_t a = u32_at(data + 8 * i), b = u32_at(data + 8 * i + 4);

		if (mailimap_set_add_interval(set, a, b) != MAILIMAP_NO_ERROR)
			goto out;
		/* UIDs near the ranges' ends, where mistakes are */
		uids[n++] = (a % 1024) + 1;
		uids[n++] = (b % 1024) + 1;
	}
	qsort(uids, n, sizeof *uids, cmp_u32);
	{
		size_t o = 0;

		for (size_t i = 0; i < n; i++)
			if (o == 0 || uids[o - 1] != uids[i])
				uids[o++] = uids[i];
		n = o;
	}
	marked = imap_set_mark(set, uids, n, in);
	for (size_t i = 0; i < n; i++) {
		bool want = false;

		for (size_t k = 0; k < n_pairs && !want; k++) {
			uint32_t a = u32_at(data + 8 * k), b = u32_at(data + 8 * k + 4);

			a = a ? a : UINT32_MAX;
			b = b ? b : UINT32_MAX;
			want = uids[i] >= (a < b ? a : b) && uids[i] <= (a < b ? b : a);
		}
		if (in[i] != want)
			abort();
		marked -= want;
	}
	if (marked != 0)
		abort();
	/* our own set of the UIDs covers each of them, one range per run */
	if ((ours = imap_uid_set(uids, n)) == NULL)
		goto out;
	if (imap_set_mark(ours, uids, n, all) != n)
		abort();
	for (size_t i = 0; i < n; i++)
		runs += i == 0 || uids[i] != uids[i - 1] + 1;
	if ((size_t)clist_count(ours->set_list) != runs)
		abort();
	mailimap_set_free(ours);
out:
	mailimap_set_free(set);
}

static void
check_message_id(const uint8_t *data, size_t size)
{
	char *copy = malloc(size ? size : 1), id[16];

	if (copy == NULL)
		return;
	if (size > 0)
		memcpy(copy, data, size);
	memset(id, 'x', sizeof id);
	md_header_message_id(copy, size, id, sizeof id - 1);
	if (id[sizeof id - 1] != 'x' || memchr(id, '\0', sizeof id - 1) == NULL ||
	    strpbrk(id, "\r\n") != NULL)
		abort();
	free(copy);
}

static void
check_flags(const char *info)
{
	for (unsigned flags = 0; flags < 32; flags += 7) {
		/* room for all it keeps: a md_entry's info[32] cuts the
		 * letters of a name with some thirty others sorting before
		 * S, and S with them (reported, imap/maildir.c) */
		char out[64];
		unsigned got;

		md_info_build(info, flags, out, sizeof out);
		got = md_info_flags(out);
		if ((got & MF_SYNCED) != (flags & MF_SYNCED) || (got & flags) != flags)
			abort();
		for (size_t i = 1; out[i - 1] && out[i]; i++)
			if ((unsigned char)out[i - 1] >= (unsigned char)out[i])
				abort(); /* sorted, each letter once */
	}
}

static void
check_folder(const char *name)
{
	static const char delims[] = { '/', '.', '\0' };
	struct mail_imap_account acct = { .name = "work", .maildir_subdir = "work" };

	for (size_t d = 0; d < sizeof delims; d++) {
		struct vt_error err = { 0 };
		char *path = NULL;

		if (imap_local_path(&acct, "/mail", name, delims[d], &path, &err) != VT_OK) {
			if (path != NULL || err.status != VT_ERR_PROTOCOL)
				abort();
			continue;
		}
		if (strncmp(path, "/mail/work/", 11) != 0)
			abort();
		for (const char *c = path + 1; *c;) {
			size_t len = strcspn(c, "/");

			if (len == 0 || (len == 1 && c[0] == '.') ||
			    (len == 2 && !strncmp(c, "..", 2)) ||
			    (len == 3 && (!strncmp(c, "cur", 3) || !strncmp(c, "new", 3) ||
					  !strncmp(c, "tmp", 3))))
				abort();
			for (size_t i = 0; i < len; i++)
				if ((unsigned char)c[i] < 0x20 || c[i] == 0x7f)
					abort();
			c += len;
			c += *c == '/';
		}
		free(path);
	}
}

static bool
starts_nocase(const char *s, const char *prefix)
{
	return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

static void
check_idle_line(const char *line)
{
	const char *p = line + 2;

	if (imap_idle_line_is_bye(line) && !starts_nocase(line, "* BYE"))
		abort();
	if (!imap_idle_line_is_change(line))
		return;
	if (strncmp(line, "* ", 2) != 0)
		abort();
	if (starts_nocase(p, "VANISHED"))
		return;
	if (*p < '0' || *p > '9')
		abort();
	p += strspn(p, "0123456789");
	if (*p++ != ' ' || !(starts_nocase(p, "EXISTS") || starts_nocase(p, "EXPUNGE") ||
			     starts_nocase(p, "FETCH")))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size);

	if (text == NULL)
		return 0;
	check_state(data, size);
	check_sets(data, size);
	check_message_id(data, size);
	check_flags(strlen(text) < 64 ? text : text + strlen(text) - 63);
	check_folder(text);
	check_idle_line(text);
	free(text);
	return 0;
}
