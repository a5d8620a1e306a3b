/*
 * Server folders for trusted vendors: each vendor's messages moved into
 * Vendors/<Name> on the server, and their local files along with them.
 *
 * Per source folder and vendor, after the regular sync:
 *  1. The vendor's files in the folder (the index names them; their names
 *     carry UIDVALIDITY and UID) are checked against the server: the
 *     message of that UID must have the file's Message-ID.
 *  2. The target is created and subscribed if missing, and its messages'
 *     Message-IDs and sizes are read: a message that already has its copy
 *     there (a run killed between COPY and EXPUNGE; the same Message-ID,
 *     size and bytes, read back and compared with the file) is not copied
 *     again, and loses a \Deleted another client gave it.
 *  3. UID MOVE (RFC 6851) where offered. Else UID COPY, then each copy is
 *     looked up among the target's new UIDs by Message-ID and size, and
 *     only the verified sources get UID STORE +FLAGS.SILENT (\Deleted) and
 *     UID EXPUNGE (UIDPLUS) of exactly their UIDs. Without UIDPLUS nothing
 *     is copied: a plain EXPUNGE would remove other \Deleted mail too.
 *  4. Locally the file is renamed into the target's Maildir folder with
 *     the target's UIDVALIDITY and UID, and both sync states are rewritten
 *     (target first), so the next sync neither deletes nor fetches it.
 *
 * Killed at any point, the next run ends in the same place: before the
 * server step nothing happened; after a MOVE the sync removes the source
 * file (expunged there) and fetches the target's copy; after a COPY the
 * copy is found in step 2 and only the source is expunged; after the
 * rename the sync adopts the file in the target (its name says which UID)
 * and forgets the source's UID (no longer on the server). The index sees
 * a rename either way (same Message-ID), so tags are kept.
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "private.h"

#define VENDORS "Vendors"
#define NAME_MAX_BYTES 100

/* ---- mailbox names ------------------------------------------------------- */

/* One code point from UTF-8 (NUL-terminated); what mail_utf8_decode
 * refuses gives U+FFFD and consumes one byte. */
static uint32_t
utf8_next(const unsigned char **pp)
{
	uint32_t cp;
	size_t n = mail_utf8_decode(*pp, strnlen((const char *)*pp, 4), &cp);

	*pp += n ? n : 1;
	return n ? cp : 0xfffd;
}

bool
mail_imap_utf7_encode(const char *utf8, char *out, size_t len)
{
	static const char b64[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";
	const unsigned char *p = (const unsigned char *)utf8;
	size_t o = 0;

#define PUT(c)                                                                                     \
	do {                                                                                       \
		if (o + 1 >= len)                                                                  \
			return false;                                                              \
		out[o++] = (char)(c);                                                              \
	} while (0)

	if (len == 0)
		return false;
	while (*p) {
		uint32_t bits = 0;
		int nbits = 0;

		if (*p >= 0x20 && *p <= 0x7e) {
			PUT(*p);
			if (*p == '&')
				PUT('-');
			p++;
			continue;
		}
		/* a run of other characters: UTF-16BE in modified base64 */
		PUT('&');
		while (*p && !(*p >= 0x20 && *p <= 0x7e)) {
			uint32_t cp = utf8_next(&p);
			uint16_t unit[2];
			int nu = 1;

			if (cp >= 0x10000) {
				cp -= 0x10000;
				unit[0] = (uint16_t)(0xd800 | (cp >> 10));
				unit[1] = (uint16_t)(0xdc00 | (cp & 0x3ff));
				nu = 2;
			} else
				unit[0] = (uint16_t)cp;
			for (int u = 0; u < nu; u++) {
				bits = (bits << 16) | unit[u];
				nbits += 16;
				while (nbits >= 6) {
					nbits -= 6;
					PUT(b64[(bits >> nbits) & 0x3f]);
				}
				bits &= (1u << nbits) - 1;
			}
		}
		if (nbits > 0)
			PUT(b64[(bits << (6 - nbits)) & 0x3f]);
		PUT('-');
	}
	out[o] = '\0';
	return true;
#undef PUT
}

/* The name as one valid hierarchy level, still UTF-8. */
static void
clean_name(const char *name, char delim, char *out, size_t len)
{
	const unsigned char *p = (const unsigned char *)(name ? name : "");
	size_t o = 0, max = len - 1 < NAME_MAX_BYTES ? len - 1 : NAME_MAX_BYTES;

	while (*p == ' ' || *p == '.' || *p == '\t')
		p++;
	while (*p) {
		const unsigned char *start = p;
		uint32_t cp = utf8_next(&p);
		size_t n = (size_t)(p - start);

		if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0)) {
			cp = ' ';
			n = 1;
			start = (const unsigned char *)" ";
		} else if (cp == (unsigned char)delim || cp == '/' || cp == '\\' || cp == '%' ||
			   cp == '*') {
			start = (const unsigned char *)"-";
			n = 1;
		} else if (cp == 0xfffd && n == 1) {
			start = (const unsigned char *)"\xef\xbf\xbd";
			n = 3;
		}
		if (o + n > max)
			break;
		/* no runs of blanks */
		if (start[0] == ' ' && n == 1 && o > 0 && out[o - 1] == ' ')
			continue;
		memcpy(out + o, start, n);
		o += n;
	}
	while (o > 0 && out[o - 1] == ' ')
		o--;
	out[o] = '\0';
	if (!strcmp(out, "cur") || !strcmp(out, "new") || !strcmp(out, "tmp"))
		out[0] = '\0';
}

bool
mail_imap_vendor_mailbox(const char *name, const char *fallback, char delim, char *out, size_t len)
{
	char clean[NAME_MAX_BYTES + 1], enc[8 * NAME_MAX_BYTES];

	clean_name(name, delim, clean, sizeof clean);
	if (clean[0] == '\0')
		clean_name(fallback, delim, clean, sizeof clean);
	if (clean[0] == '\0')
		snprintf(clean, sizeof clean, "vendor");
	if (!mail_imap_utf7_encode(clean, enc, sizeof enc))
		return false;
	return snprintf(out, len, VENDORS "%c%s", delim ? delim : '-', enc) < (int)len;
}

/* ---- the mirror ------------------------------------------------------------ */

/*
 * A test hook: VTRIAGE_TEST_MIRROR_KILL=<point> kills the process with
 * SIGKILL at that point, to prove that a rerun finishes the work.
 */
static void
kill_point(const char *where)
{
	const char *at = getenv("VTRIAGE_TEST_MIRROR_KILL");

	if (at && strcmp(at, where) == 0)
		raise(SIGKILL);
}

struct mirror {
	struct imap_conn conn;
	const struct mail_imap_account *acct;
	const struct mail_sync_options *opts;
	char *dir;  /* the account's sync state directory */
	char delim; /* the server's hierarchy delimiter */
};

/* A message of a vendor in a source folder. */
struct cand {
	struct md_entry *e; /* the file (in the folder's scan) */
	uint32_t uid;       /* in the source */
	uint32_t size;      /* RFC822.SIZE there */
	uint32_t target;    /* UID in the target, 0: not known */
	bool had_copy;      /* the target had it before this run's COPY */
	bool gone;          /* no longer in the source on the server */
};

/* A message on the server: UID, size, Message-ID. */
struct smsg {
	uint32_t uid, size;
	char *id;
	bool claimed;
};

static void
smsgs_free(struct smsg *m, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(m[i].id);
	free(m);
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static bool
interrupted(const struct mirror *m)
{
	return m->opts->interrupted && *m->opts->interrupted;
}

static vt_status
select_box(struct mirror *m, const char *name, uint32_t *uv, uint32_t *uidnext, uint32_t *exists,
	   struct vt_error *err)
{
	struct mailimap_selection_info *sel;
	int r = mailimap_select(m->conn.imap, name);

	if (r != MAILIMAP_NO_ERROR)
		return imap_fail(&m->conn, r, err, "%s/%s: SELECT", m->acct->name, name);
	sel = m->conn.imap->imap_selection_info;
	if (sel == NULL || sel->sel_uidvalidity == 0)
		return vt_fail(err, VT_ERR_PROTOCOL, "%s/%s: the server gave no UIDVALIDITY",
			       m->acct->name, name);
	*uv = sel->sel_uidvalidity;
	if (uidnext)
		*uidnext = sel->sel_uidnext;
	if (exists)
		*exists = sel->sel_exists;
	return VT_OK;
}

/* UID, size and Message-ID of the messages in set (of the selected
 * folder) with a UID of at least min_uid. set is freed. */
static vt_status
fetch_ids(struct mirror *m, const char *folder, struct mailimap_set *set, uint32_t min_uid,
	  struct smsg **out, size_t *n, struct vt_error *err)
{
	clist *res = NULL;
	size_t cap = 0;
	vt_status rc;

	*out = NULL;
	*n = 0;
	rc = imap_uid_fetch(&m->conn, set, FW_SIZE | FW_MSGID, 0, 0, 0, &res, m->acct->name, folder,
			    err);
	if (rc != VT_OK)
		return rc;
	for (clistiter *it = clist_begin(res); it; it = clist_next(it)) {
		struct imap_fetched f;
		char id[1024];

		imap_parse_att(clist_content(it), &f);
		if (f.uid == 0 || f.uid < min_uid || !f.has_size || !f.has_body)
			continue;
		if (*n == cap) {
			size_t nc = cap ? cap * 2 : 64;
			struct smsg *g = realloc(*out, nc * sizeof *g);

			if (g == NULL)
				goto nomem;
			*out = g;
			cap = nc;
		}
		md_header_message_id(f.body, f.body_len, id, sizeof id);
		(*out)[*n] = (struct smsg){ .uid = f.uid, .size = f.size, .id = strdup(id) };
		if ((*out)[*n].id == NULL)
			goto nomem;
		(*n)++;
	}
	mailimap_fetch_list_free(res);
	return VT_OK;
nomem:
	mailimap_fetch_list_free(res);
	smsgs_free(*out, *n);
	*out = NULL;
	*n = 0;
	return vt_fail(err, VT_ERR_NOMEM, "out of memory");
}

/* The unclaimed message with this Message-ID and size. */
static struct smsg *
find_copy(struct smsg *msgs, size_t n, const char *id, uint32_t size)
{
	for (size_t i = 0; i < n; i++)
		if (!msgs[i].claimed && msgs[i].size == size && strcmp(msgs[i].id, id) == 0)
			return &msgs[i];
	return NULL;
}

/*
 * Whether the selected folder's message uid (size bytes, as the server
 * said) holds the bytes of the file e, whose digest md_entry_digest took:
 * the server's bytes read in slices and digested as a delivery would
 * keep them. Another message may carry the same Message-ID and size (a
 * sender reusing an ID, an invoice sent again with a figure changed);
 * taking it for the copy a killed run made would expunge the source with
 * no copy of it anywhere.
 */
static vt_status
holds_file(struct mirror *m, const char *box, uint32_t uid, uint32_t size, const struct md_entry *e,
	   bool *same, struct vt_error *err)
{
	const struct imap_expect slice = { .uid = uid, .max = IMAP_BODY_SLICE };
	uint64_t allowed = imap_body_allowance(m->acct, size), offset = 0;
	struct md_writer w;
	uint8_t sha256[32];
	vt_status rc;

	*same = false;
	if ((rc = md_digest_begin(&w, err)) != VT_OK)
		return rc;
	for (;;) {
		clist *res;
		bool got = false;
		size_t len = 0;

		imap_guard_expect(&m->conn.guard,
				  &(struct imap_answer){ .literal_cap = IMAP_BODY_SLICE,
							 .msgs = &slice,
							 .n_msgs = 1,
							 .literals = IMAP_BODY_SLICE });
		rc = imap_uid_fetch(&m->conn, mailimap_set_new_single(uid), FW_SLICE,
				    (uint32_t)offset, IMAP_BODY_SLICE, 0, &res, m->acct->name, box,
				    err);
		imap_guard_expect(&m->conn.guard, NULL);
		if (rc != VT_OK)
			break;
		for (clistiter *it = clist_begin(res); it && !got; it = clist_next(it)) {
			struct imap_fetched f;

			imap_parse_att(clist_content(it), &f);
			if (f.uid != uid || !f.has_body)
				continue;
			got = true;
			len = f.body_len;
			if (offset + len <= allowed)
				md_writer_write(&w, f.body, f.body_len, NULL);
		}
		mailimap_fetch_list_free(res);
		/* gone, or more than it said it is: not a copy to trust */
		if (!got || offset + len > allowed)
			break;
		offset += len;
		if (len < IMAP_BODY_SLICE) {
			md_digest_end(&w, sha256);
			*same = memcmp(sha256, e->sha256, sizeof sha256) == 0;
			return VT_OK;
		}
	}
	md_writer_abort(&w);
	return rc;
}

/* The UIDs of the candidates for which pick() holds, sorted. */
static size_t
pick_uids(const struct cand *c, size_t n, bool (*pick)(const struct cand *), uint32_t *uids)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		if (pick(&c[i]))
			uids[k++] = c[i].uid;
	if (k > 1)
		qsort(uids, k, sizeof *uids, cmp_u32);
	return k;
}

static bool
pick_all(const struct cand *c)
{
	(void)c;
	return true;
}

static bool
pick_to_copy(const struct cand *c)
{
	return !c->had_copy && !c->gone;
}

static bool
pick_verified(const struct cand *c)
{
	return c->target != 0 && !c->gone;
}

/* Creates and subscribes the target when it is missing. */
static vt_status
ensure_target(struct mirror *m, const char *box, bool *created, struct vt_error *err)
{
	clist *list = NULL;
	bool exists;
	int r = mailimap_list(m->conn.imap, "", box, &list);

	if (r != MAILIMAP_NO_ERROR)
		return imap_fail(&m->conn, r, err, "%s: LIST %s", m->acct->name, box);
	exists = list && clist_count(list) > 0;
	if (list)
		mailimap_list_result_free(list);
	if (exists)
		return VT_OK;
	if ((r = mailimap_create(m->conn.imap, box)) != MAILIMAP_NO_ERROR)
		return imap_fail(&m->conn, r, err, "%s: CREATE %s", m->acct->name, box);
	*created = true;
	/* so that the regular sync (INBOX + subscribed) keeps it in step */
	if ((r = mailimap_subscribe(m->conn.imap, box)) != MAILIMAP_NO_ERROR)
		return imap_fail(&m->conn, r, err, "%s: SUBSCRIBE %s", m->acct->name, box);
	return VT_OK;
}

/* UID STORE +FLAGS.SILENT (\Deleted) and UID EXPUNGE of exactly uids. */
static vt_status
expunge_uids(struct mirror *m, const char *folder, const uint32_t *uids, size_t n,
	     struct vt_error *err)
{
	struct mailimap_set *set = imap_uid_set(uids, n);
	vt_status rc;
	int r;

	if (set == NULL)
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	rc = imap_uid_store_flag(&m->conn, set, mailimap_flag_new_deleted(), true, m->acct->name,
				 folder, err);
	if (rc != VT_OK) {
		mailimap_set_free(set);
		return rc;
	}
	kill_point("flagged");
	r = mailimap_uid_expunge(m->conn.imap, set);
	mailimap_set_free(set);
	if (r != MAILIMAP_NO_ERROR)
		return imap_fail(&m->conn, r, err, "%s/%s: UID EXPUNGE", m->acct->name, folder);
	kill_point("expunged");
	return VT_OK;
}

static int
cmp_state_msg(const void *a, const void *b)
{
	return cmp_u32(&((const struct state_msg *)a)->uid, &((const struct state_msg *)b)->uid);
}

/* The files of the messages that left the source follow them; both sync
 * states say so. Anything unexpected leaves the work to the next sync. */
static vt_status
move_local(struct mirror *m, struct md_folder *sf, const char *source, const char *box,
	   uint32_t uvt, struct cand *c, size_t n, struct mail_mirror_result *res,
	   struct vt_error *err)
{
	struct md_folder tf;
	struct sync_state sst = { 0 }, tst = { 0 };
	struct md_entry *tfiles = NULL;
	size_t ntf = 0;
	char *tpath = NULL, *sstate = NULL, *tstate = NULL;
	bool topen = false, any = false, *drop = NULL;
	vt_status rc;

	for (size_t i = 0; i < n; i++)
		any = any || (c[i].gone && c[i].target);
	if (!any)
		return VT_OK;
	if ((rc = imap_local_path(m->acct, m->opts->mail_root, box, m->delim, &tpath, err)) !=
	    VT_OK)
		goto out;
	if ((rc = md_open(&tf, tpath, err)) != VT_OK)
		goto out;
	topen = true;
	sstate = state_folder_path(m->dir, source);
	tstate = state_folder_path(m->dir, box);
	if (sstate == NULL || tstate == NULL) {
		rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
		goto out;
	}
	if ((rc = md_check_owner(&tf, m->acct->name, err)) != VT_OK ||
	    (rc = md_scan(&tf, &tfiles, &ntf, err)) != VT_OK ||
	    (rc = state_load(tstate, &tst, err)) != VT_OK ||
	    (rc = state_load(sstate, &sst, err)) != VT_OK)
		goto out;
	if (tst.uidvalidity != 0 && tst.uidvalidity != uvt)
		goto out; /* the sync renumbers that folder first */
	if ((drop = calloc(sst.n + 1, sizeof *drop)) == NULL) {
		rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
		goto out;
	}
	if (tst.uidvalidity == 0) {
		tst.n = 0;
		tst.uidnext = 0;
		tst.highestmodseq = 0;
	}
	for (size_t i = 0; i < n; i++) {
		struct state_msg key = { .uid = c[i].uid }, *s;
		unsigned base;
		bool there = false;

		if (!c[i].gone || c[i].target == 0)
			continue;
		s = sst.n ? bsearch(&key, sst.msgs, sst.n, sizeof *sst.msgs, cmp_state_msg) : NULL;
		base = s ? s->flags : md_info_flags(c[i].e->info) & MF_SYNCED;
		for (size_t j = 0; j < ntf && !there; j++)
			there = tfiles[j].uv == uvt && tfiles[j].uid == c[i].target;
		/* the sync fetched the target's copy already: one file is enough */
		if (there)
			rc = md_remove(sf, c[i].e, err);
		else
			rc = md_move_to(sf, c[i].e, &tf, uvt, c[i].target, err);
		if (rc != VT_OK)
			break;
		kill_point("renamed");
		if (s)
			drop[s - sst.msgs] = true;
		if (state_add(&tst, c[i].target, base) != VT_OK) {
			rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
			break;
		}
		res->relocated++;
	}
	/* What was renamed is on disk before either state says so; the
	 * target's state goes first (a file listed nowhere is adopted). */
	{
		struct vt_error e2;
		vt_status rc2 = VT_OK;
		size_t o = 0;

		if ((rc2 = md_sync_dirs(&tf, &e2)) == VT_OK)
			rc2 = md_sync_dirs(sf, &e2);
		if (rc2 == VT_OK) {
			tst.uidvalidity = uvt;
			state_sort(&tst);
			rc2 = state_save(tstate, &tst, &e2);
		}
		kill_point("target-state");
		if (rc2 == VT_OK) {
			for (size_t i = 0; i < sst.n; i++)
				if (!drop[i])
					sst.msgs[o++] = sst.msgs[i];
			sst.n = o;
			rc2 = state_save(sstate, &sst, &e2);
		}
		if (rc == VT_OK && rc2 != VT_OK) {
			rc = rc2;
			if (err)
				*err = e2;
		}
	}
out:
	if (topen)
		md_close(&tf);
	md_entries_free(tfiles, ntf);
	free(drop);
	state_clear(&sst);
	state_clear(&tst);
	free(tpath);
	free(sstate);
	free(tstate);
	return rc;
}

/* One vendor's messages of one source folder into its target. */
static vt_status
mirror_group(struct mirror *m, struct md_folder *sf, const char *source, uint32_t uvs,
	     struct cand *c, size_t n, struct mail_mirror_result *res, struct vt_error *err)
{
	const char *box = res->mailbox;
	struct smsg *src = NULL, *tgt = NULL;
	size_t nsrc = 0, ntgt = 0, k = 0, nuids;
	uint32_t *uids = NULL, uv, uvt, uidnext, exists;
	bool moved = false, copied = false;
	vt_status rc;

	/* 1. the files against the server's messages of their UIDs */
	res->found += (unsigned)n;
	for (size_t i = 0; i < n; i++) {
		if ((rc = md_entry_digest(sf, c[i].e, err)) != VT_OK)
			return rc;
		if (c[i].e->message_id[0] == '\0') {
			res->kept++; /* a copy could not be recognised */
			continue;
		}
		c[k++] = c[i];
	}
	n = k;
	if (n == 0)
		return VT_OK;
	if ((uids = malloc(n * sizeof *uids)) == NULL)
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	nuids = pick_uids(c, n, pick_all, uids);
	if ((rc = select_box(m, source, &uv, NULL, NULL, err)) != VT_OK)
		goto out;
	if (uv != uvs)
		goto out; /* renumbered since the sync: the next sync first */
	if ((rc = fetch_ids(m, source, imap_uid_set(uids, nuids), 0, &src, &nsrc, err)) != VT_OK)
		goto out;
	k = 0;
	for (size_t i = 0; i < n; i++) {
		struct smsg *s = NULL;

		for (size_t j = 0; j < nsrc && s == NULL; j++)
			if (src[j].uid == c[i].uid)
				s = &src[j];
		if (s == NULL) {
			res->found--; /* gone meanwhile: the next sync removes the file */
			continue;
		}
		if (strcmp(s->id, c[i].e->message_id) != 0) {
			res->kept++; /* the file is not what the server holds there */
			continue;
		}
		c[i].size = s->size;
		c[k++] = c[i];
	}
	n = k;
	if (n == 0)
		goto out;
	if (!m->conn.move && !m->conn.uidplus) {
		/* no way to remove the sources but a plain EXPUNGE: leave all */
		res->kept += (unsigned)n;
		res->unsupported = true;
		goto out;
	}

	/* 2. the target, and the copies it has already */
	if ((rc = ensure_target(m, box, &res->created, err)) != VT_OK)
		goto out;
	if ((rc = select_box(m, box, &uvt, &uidnext, &exists, err)) != VT_OK)
		goto out;
	if (exists &&
	    (rc = fetch_ids(m, box, mailimap_set_new_interval(1, 0), 0, &tgt, &ntgt, err)) != VT_OK)
		goto out;
	for (size_t i = 0; i < n; i++) {
		/* one of the same Message-ID and size, and the file's bytes */
		for (size_t j = 0; j < ntgt; j++) {
			struct smsg *t = &tgt[j];
			bool same = false;

			if (t->claimed || t->size != c[i].size ||
			    strcmp(t->id, c[i].e->message_id) != 0)
				continue;
			if ((rc = holds_file(m, box, t->uid, t->size, c[i].e, &same, err)) != VT_OK)
				goto out;
			if (same) {
				t->claimed = true;
				c[i].target = t->uid;
				c[i].had_copy = true;
				break;
			}
		}
	}
	smsgs_free(tgt, ntgt);
	tgt = NULL;
	ntgt = 0;
	/* a copy that another client marked \Deleted would be the only one
	 * left once the source goes, there for anyone's EXPUNGE */
	nuids = 0;
	for (size_t i = 0; i < n; i++)
		if (c[i].had_copy)
			uids[nuids++] = c[i].target;
	if (nuids > 0) {
		struct mailimap_set *set;

		qsort(uids, nuids, sizeof *uids, cmp_u32);
		if ((set = imap_uid_set(uids, nuids)) == NULL) {
			rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
			goto out;
		}
		rc = imap_uid_store_flag(&m->conn, set, mailimap_flag_new_deleted(), false,
					 m->acct->name, box, err);
		mailimap_set_free(set);
		if (rc != VT_OK)
			goto out;
	}

	/* 3. move, or copy and verify */
	nuids = pick_uids(c, n, pick_to_copy, uids);
	if (nuids && (m->conn.move || m->conn.uidplus)) {
		struct mailimap_set *set;
		int r;

		if ((rc = select_box(m, source, &uv, NULL, NULL, err)) != VT_OK)
			goto out;
		if (uv != uvs)
			goto out;
		if ((set = imap_uid_set(uids, nuids)) == NULL) {
			rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
			goto out;
		}
		if (m->conn.move)
			r = mailimap_uid_move(m->conn.imap, set, box);
		else
			r = mailimap_uid_copy(m->conn.imap, set, box);
		mailimap_set_free(set);
		if (r != MAILIMAP_NO_ERROR) {
			rc = imap_fail(&m->conn, r, err, "%s/%s: UID %s to %s", m->acct->name,
				       source, m->conn.move ? "MOVE" : "COPY", box);
			goto out;
		}
		moved = m->conn.move;
		copied = !moved;
		kill_point(moved ? "moved" : "copied");
		for (size_t i = 0; i < n && moved; i++)
			if (!c[i].had_copy) {
				c[i].gone = true;
				res->moved++;
			}
	} else if (nuids) {
		res->kept += (unsigned)nuids; /* neither MOVE nor UIDPLUS */
		res->unsupported = true;
	}
	if (moved || copied) {
		/* the new arrivals in the target are the copies */
		if ((rc = select_box(m, box, &uv, NULL, NULL, err)) != VT_OK)
			goto out;
		if (uidnext == 0)
			uidnext = 1; /* no UIDNEXT given: all, the copies found are claimed */
		if (uv == uvt && (rc = fetch_ids(m, box, mailimap_set_new_interval(uidnext, 0),
						 uidnext, &tgt, &ntgt, err)) != VT_OK)
			goto out;
		for (size_t i = 0; i < n; i++) {
			struct smsg *t;

			if (c[i].had_copy)
				continue;
			if ((t = find_copy(tgt, ntgt, c[i].e->message_id, c[i].size)) != NULL) {
				t->claimed = true;
				c[i].target = t->uid;
			} else if (copied)
				res->kept++; /* the copy was not found: keep the source */
		}
	}

	/* 4. the sources whose copy is verified in the target */
	nuids = pick_uids(c, n, pick_verified, uids);
	if (nuids && m->conn.uidplus) {
		if ((rc = select_box(m, source, &uv, NULL, NULL, err)) != VT_OK)
			goto out;
		if (uv != uvs)
			goto out;
		if ((rc = expunge_uids(m, source, uids, nuids, err)) != VT_OK)
			goto out;
		for (size_t i = 0; i < n; i++)
			if (pick_verified(&c[i])) {
				c[i].gone = true;
				res->moved++;
			}
	} else if (nuids) {
		res->kept += (unsigned)nuids; /* a copy is there; no safe way to expunge */
		res->unsupported = true;
	}

	/* 5. the local files */
	rc = move_local(m, sf, source, box, uvt, c, n, res, err);
out:
	smsgs_free(src, nsrc);
	smsgs_free(tgt, ntgt);
	free(uids);
	return rc;
}

/* A vendor's file found in a source folder. */
struct hit {
	const char *name; /* file name in cur/ or new/ */
	size_t vendor;
};

static int
cmp_hit(const void *a, const void *b)
{
	const struct hit *x = a, *y = b;

	return x->vendor < y->vendor ? -1 : x->vendor > y->vendor;
}

static int
cmp_entry_name(const void *a, const void *b)
{
	return strcmp(((const struct md_entry *)a)->name, ((const struct md_entry *)b)->name);
}

static vt_status
mirror_folder(struct mirror *m, const char *source, const char *path, struct hit *hits,
	      size_t nhits, struct mail_mirror_result *results, struct vt_error *err)
{
	struct md_folder sf;
	struct sync_state sst = { 0 };
	struct md_entry *files = NULL;
	struct cand *c = NULL;
	size_t nfiles = 0;
	char *state_path = NULL;
	vt_status rc, first = VT_OK;
	struct vt_error e1 = { 0 };

	if ((rc = md_open(&sf, path, err)) != VT_OK)
		return rc;
	if ((state_path = state_folder_path(m->dir, source)) == NULL) {
		rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
		goto out;
	}
	if ((rc = md_check_owner(&sf, m->acct->name, err)) != VT_OK ||
	    (rc = state_load(state_path, &sst, err)) != VT_OK)
		goto out;
	if (sst.uidvalidity == 0)
		goto out; /* never synced */
	if ((rc = md_scan(&sf, &files, &nfiles, err)) != VT_OK)
		goto out;
	if (nfiles > 1)
		qsort(files, nfiles, sizeof *files, cmp_entry_name);
	if ((c = calloc(nhits + 1, sizeof *c)) == NULL) {
		rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
		goto out;
	}
	if (nhits > 1)
		qsort(hits, nhits, sizeof *hits, cmp_hit);
	for (size_t i = 0; i < nhits;) {
		size_t j = i, n = 0;
		struct mail_mirror_result *res = &results[hits[i].vendor];

		while (j < nhits && hits[j].vendor == hits[i].vendor) {
			struct md_entry key = { .name = (char *)hits[j].name }, *e;

			e = nfiles ? bsearch(&key, files, nfiles, sizeof *files, cmp_entry_name)
				   : NULL;
			if (e && !e->used && e->uv == sst.uidvalidity) {
				e->used = true;
				c[n++] = (struct cand){ .e = e, .uid = e->uid };
			}
			j++;
		}
		if (n && !res->failed && res->mailbox[0]) {
			if (interrupted(m)) {
				rc = vt_fail(err, VT_ERR_INTERRUPTED, "interrupted");
				goto out;
			}
			rc = mirror_group(m, &sf, source, sst.uidvalidity, c, n, res, &e1);
			if (rc != VT_OK) {
				res->failed = true;
				if (first == VT_OK) {
					first = rc;
					if (err)
						*err = e1;
				}
				if (!m->conn.alive)
					break;
			}
		}
		i = j;
	}
	rc = first;
out:
	md_close(&sf);
	md_entries_free(files, nfiles);
	state_clear(&sst);
	free(state_path);
	free(c);
	return rc;
}

/* Folders mail is never taken from: the vendors' own, and those whose
 * mail is not the user's inbox (by the usual names). */
static bool
excluded(const char *name, char delim)
{
	static const char *const skip[] = {
		"Trash",     "Deleted Messages", "Deleted Items", "Junk",          "Junk E-mail",
		"Spam",      "Drafts",           "Sent",          "Sent Messages", "Sent Items",
		"Sent Mail", "Outbox",           "Templates",
	};
	const char *last = delim ? strrchr(name, delim) : NULL;
	size_t v = strlen(VENDORS);

	if (strncasecmp(name, VENDORS, v) == 0 &&
	    (name[v] == '\0' || (delim && name[v] == delim) || (!delim && name[v] == '-')))
		return true;
	if (strncmp(name, "[Gmail]", 7) == 0 || strncmp(name, "[Google Mail]", 13) == 0)
		return true;
	last = last ? last + 1 : name;
	for (size_t i = 0; i < sizeof skip / sizeof skip[0]; i++)
		if (strcasecmp(last, skip[i]) == 0)
			return true;
	return false;
}

/* The server's trash: its folder by one of the usual names, else "Trash"
 * (created by the mirror when missing). */
static void
trash_mailbox(char **names, const char *delims, size_t n, char *out, size_t len)
{
	static const char *const usual[] = { "Trash", "Deleted Messages", "Deleted Items" };

	for (size_t u = 0; u < sizeof usual / sizeof usual[0]; u++)
		for (size_t k = 0; k < n; k++) {
			const char *last = delims[k] ? strrchr(names[k], delims[k]) : NULL;

			last = last ? last + 1 : names[k];
			if (strcasecmp(last, usual[u]) == 0 && strlen(names[k]) < len) {
				snprintf(out, len, "%s", names[k]);
				return;
			}
		}
	snprintf(out, len, "Trash");
}

struct pref {
	const char *path;
	size_t vendor;
};

static int
cmp_pref(const void *a, const void *b)
{
	return strcmp(((const struct pref *)a)->path, ((const struct pref *)b)->path);
}

/* The vendors' files inside the Maildir folder at path (its cur/ and
 * new/), as hits; refs sorted by path. */
static vt_status
folder_hits(const struct pref *refs, size_t nrefs, const char *path, struct hit **out, size_t *n,
	    struct vt_error *err)
{
	size_t len = strlen(path), lo = 0, hi = nrefs, cap = 0;

	*out = NULL;
	*n = 0;
	/* the first ref not below path */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(refs[mid].path, path) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < nrefs && strncmp(refs[i].path, path, len) == 0; i++) {
		const char *rest = refs[i].path + len;

		if ((strncmp(rest, "/cur/", 5) != 0 && strncmp(rest, "/new/", 5) != 0) ||
		    rest[5] == '\0' || strchr(rest + 5, '/'))
			continue;
		if (*n == cap) {
			size_t nc = cap ? cap * 2 : 64;
			struct hit *g = realloc(*out, nc * sizeof *g);

			if (g == NULL) {
				free(*out);
				*out = NULL;
				*n = 0;
				return vt_fail(err, VT_ERR_NOMEM, "out of memory");
			}
			*out = g;
			cap = nc;
		}
		(*out)[(*n)++] = (struct hit){ rest + 5, refs[i].vendor };
	}
	return VT_OK;
}

vt_status
mail_mirror_account(const struct mail_imap_account *acct, const struct mail_sync_options *opts,
		    const struct mail_sync_hooks *hooks, const struct mail_mirror_vendor *vendors,
		    size_t n, struct mail_mirror_result *results, struct vt_error *err)
{
	struct mirror m = { .acct = acct, .opts = opts };
	struct pref *refs = NULL;
	char **names = NULL, *delims = NULL;
	size_t nrefs = 0, nnames = 0;
	int lock = -1;
	vt_status rc, first = VT_OK;
	struct vt_error ferr = { 0 };

	for (size_t i = 0; i < n; i++) {
		memset(&results[i], 0, sizeof results[i]);
		nrefs += vendors[i].n_paths;
	}
	if (nrefs == 0)
		return VT_OK; /* nothing to do: no connection */
	if ((refs = malloc(nrefs * sizeof *refs)) == NULL)
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	nrefs = 0;
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < vendors[i].n_paths; j++)
			refs[nrefs++] = (struct pref){ vendors[i].paths[j], i };
	qsort(refs, nrefs, sizeof *refs, cmp_pref);

	if ((rc = state_account_dir(opts->data_dir, acct->name, &m.dir, err)) != VT_OK)
		goto out;
	if ((rc = state_lock(m.dir, acct->name, &lock, err)) != VT_OK)
		goto out;
	if ((rc = imap_conn_open(&m.conn, acct, hooks, err)) != VT_OK)
		goto out;
	if ((rc = imap_conn_folders(&m.conn, &names, &delims, &nnames, err)) != VT_OK)
		goto out;
	m.delim = nnames ? delims[0] : '/';
	for (size_t i = 0; i < n; i++)
		if (vendors[i].trash)
			trash_mailbox(names, delims, nnames, results[i].mailbox,
				      sizeof results[i].mailbox);
		else if (!mail_imap_vendor_mailbox(vendors[i].name, vendors[i].key, m.delim,
						   results[i].mailbox, sizeof results[i].mailbox))
			results[i].mailbox[0] = '\0';
	for (size_t k = 0; k < nnames; k++) {
		struct hit *hits = NULL;
		size_t nhits = 0;
		char *path = NULL;
		vt_status frc;

		if (interrupted(&m)) {
			rc = vt_fail(err, VT_ERR_INTERRUPTED, "interrupted");
			goto out;
		}
		if (excluded(names[k], delims[k]))
			continue;
		/* a folder that cannot be a directory is not synced either */
		if (imap_local_path(acct, opts->mail_root, names[k], delims[k], &path, NULL) !=
		    VT_OK)
			continue;
		frc = folder_hits(refs, nrefs, path, &hits, &nhits, &ferr);
		if (frc == VT_OK && nhits) {
			if (!m.conn.alive)
				frc = imap_conn_open(&m.conn, acct, hooks, &ferr);
			if (frc == VT_OK)
				frc = mirror_folder(&m, names[k], path, hits, nhits, results,
						    &ferr);
		}
		free(hits);
		free(path);
		if (frc == VT_ERR_INTERRUPTED) {
			rc = vt_fail(err, frc, "%s", ferr.msg);
			goto out;
		}
		if (frc != VT_OK && first == VT_OK) {
			first = frc;
			if (err)
				*err = ferr;
		}
		if (frc == VT_ERR_AUTH || frc == VT_ERR_TLS)
			break;
	}
	rc = first;
out:
	imap_conn_close(&m.conn);
	imap_names_free(names, nnames);
	free(delims);
	if (lock >= 0)
		close(lock);
	free(m.dir);
	free(refs);
	return rc;
}
