/*
 * Finding look-alikes among many domains (see mail/lookalike.c for what a
 * look-alike is) without comparing each with each.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "lookalike.h"

/*
 * Every look-alike kind shares a key with its original, so a host is only
 * compared with the known domains its keys lead to:
 *   skeleton   homoglyphs (the loose skeleton of the name);
 *   name       another suffix, and looked up with each run of words of the
 *              host's name (addition), the name without a scam's word run
 *              into it, and each label of its subdomain part;
 *   bare name  hyphens (the name without them);
 *   deletions  one and two edits: names within edit distance k share a
 *              string made by deleting at most k code points from each
 *              (a transposition is one deletion on either side); known
 *              names keep their 1-deletions, and 2-deletions from 9 code
 *              points on.
 * Keys are 64-bit hashes, never strings: a collision only adds a
 * candidate, and every candidate is verified by lookalike_classify().
 */

struct known {
	char *org; /* as added, followed by the normalised host */
	size_t host_off, org_off, name_len;
	uint64_t loose;
};

struct entry {
	uint32_t known, next;
};

/* One cache line fetch per probe: the key, its chain, and the newest
 * known domain on it (a name's deletions repeat: google, gogle, gogle). */
struct slot {
	uint64_t key; /* 0: free */
	uint32_t head, last;
};

#define END UINT32_MAX

struct mail_lookalike_index {
	USpoofChecker *sc; /* costly to open: one per index */
	struct known *known;
	size_t n_known, cap_known;
	/* open addressing; each slot heads a chain of entries, one per known
	 * domain with that key */
	struct slot *slots;
	size_t n_slots, used;
	struct entry *entries;
	size_t n_entries, cap_entries;
};

struct keys {
	uint64_t *k;
	size_t n, cap;
	bool oom;
};

static void
key_push(struct keys *ks, uint64_t key)
{
	if (ks->n == ks->cap) {
		size_t cap = ks->cap ? ks->cap * 2 : 256;
		uint64_t *k = ks->oom ? NULL : realloc(ks->k, cap * sizeof *k);

		if (k == NULL) {
			ks->oom = true;
			return;
		}
		ks->k = k;
		ks->cap = cap;
	}
	ks->k[ks->n++] = key;
}

/* A scam's words run into the name ("secureacmetelbilling"): the name
 * without them, each way of taking them off either end. */
static void
run_in_keys(const UChar32 *c, size_t n, struct keys *ks)
{
	size_t front[17] = { 0 }, back[16], nf = 1, nb;

	nf += lookalike_added_words(c, n, false, front + 1, 16);
	for (size_t i = 0; i < nf; i++) {
		size_t rest = n - front[i];

		if (rest < MIN_WORD)
			continue;
		if (i > 0)
			key_push(ks, lookalike_hash(KEY_NAME, c + front[i], rest, NO_POS, NO_POS));
		nb = lookalike_added_words(c + front[i], rest, true, back, 16);
		for (size_t j = 0; j < nb; j++)
			if (rest - back[j] >= MIN_WORD)
				key_push(ks, lookalike_hash(KEY_NAME, c + front[i], rest - back[j],
							    NO_POS, NO_POS));
	}
}

/* The keys of a known domain, or (query) those of a host to look up. */
static void
keys_of(const struct dom *d, bool query, struct keys *ks)
{
	UChar32 x[NAME_CPS] = { 0 };
	size_t n = d->n;

	key_push(ks, d->loose);
	key_push(ks, lookalike_hash(KEY_NAME, d->cps, n, NO_POS, NO_POS));
	if (query || n >= MIN_TYPO) {
		size_t xn = lookalike_bare(d->cps, n, x);

		key_push(ks, lookalike_hash(KEY_BARE, x, xn, NO_POS, NO_POS));
		key_push(ks, lookalike_hash(KEY_DEL, d->cps, n, NO_POS, NO_POS));
		for (size_t i = 0; i < n; i++)
			key_push(ks, lookalike_hash(KEY_DEL, d->cps, n, i, NO_POS));
	}
	/* a host within two edits of a 9-letter name has 7 */
	if (n >= (query ? MIN_EDIT2 - 2 : MIN_EDIT2))
		for (size_t i = 0; i < n; i++)
			for (size_t j = i + 1; j < n; j++)
				key_push(ks, lookalike_hash(KEY_DEL, d->cps, n, i, j));
	if (!query)
		return;
	for (size_t s = 0; s < n; s++) {
		if (s > 0 && d->cps[s - 1] != '-')
			continue;
		for (size_t e = s + MIN_WORD; e <= n; e++) {
			if (e < n && d->cps[e] != '-')
				continue;
			key_push(ks, lookalike_hash(KEY_NAME, d->cps + s, e - s, NO_POS, NO_POS));
			run_in_keys(d->cps + s, e - s, ks);
		}
	}
	for (const char *p = d->host, *dot; p < d->org && (dot = strchr(p, '.')) != NULL;
	     p = dot + 1) {
		size_t ln;

		if (lookalike_decode(p, (size_t)(dot - p), x, NAME_CPS, &ln) && ln >= MIN_WORD)
			key_push(ks, lookalike_hash(KEY_NAME, x, ln, NO_POS, NO_POS));
	}
}

static struct slot *
slot_of(struct slot *slots, size_t n_slots, uint64_t key)
{
	size_t mask = n_slots - 1, i = (size_t)key & mask;

	while (slots[i].key != 0 && slots[i].key != key)
		i = (i + 1) & mask;
	return &slots[i];
}

/* Room for more keys and entries, so that inserting them cannot fail. */
static bool
reserve(struct mail_lookalike_index *idx, size_t more)
{
	if (idx->n_entries + more > idx->cap_entries) {
		size_t cap = (idx->n_entries + more) * 3 / 2;
		struct entry *e;

		if (cap >= END || (e = realloc(idx->entries, cap * sizeof *e)) == NULL)
			return false;
		idx->entries = e;
		idx->cap_entries = cap;
	}
	/* at most 3/4 full: probes stay short, and the table is half what
	 * 1/2 would take (50,000 domains: 125 MB peak, not 240) */
	if ((idx->used + more) * 4 > idx->n_slots * 3) {
		size_t n = idx->n_slots ? idx->n_slots : 1024;
		struct slot *grown;

		while ((idx->used + more) * 4 > n * 3)
			n *= 2;
		if ((grown = calloc(n, sizeof *grown)) == NULL)
			return false;
		for (size_t i = 0; i < idx->n_slots; i++)
			if (idx->slots[i].key != 0)
				*slot_of(grown, n, idx->slots[i].key) = idx->slots[i];
		free(idx->slots);
		idx->slots = grown;
		idx->n_slots = n;
	}
	return true;
}

static void
key_insert(struct mail_lookalike_index *idx, uint64_t key, uint32_t id)
{
	struct slot *s = slot_of(idx->slots, idx->n_slots, key);

	if (s->key == 0) {
		*s = (struct slot){ key, END, END };
		idx->used++;
	} else if (s->last == id)
		return;
	idx->entries[idx->n_entries] = (struct entry){ id, s->head };
	s->head = (uint32_t)idx->n_entries++;
	s->last = id;
}

static void
known_dom(const struct mail_lookalike_index *idx, uint32_t id, struct dom *d)
{
	const struct known *k = &idx->known[id];

	d->host = k->org + k->host_off;
	d->org = d->host + k->org_off;
	d->name_len = k->name_len;
	d->loose = k->loose;
	d->invisible = false; /* only a host's are looked at */
	lookalike_decode(d->org, d->name_len, d->cps, NAME_CPS, &d->n);
}

struct mail_lookalike_index *
mail_lookalike_index_new(void)
{
	struct mail_lookalike_index *idx = calloc(1, sizeof *idx);
	UErrorCode st = U_ZERO_ERROR;

	if (idx == NULL || mail_icu() == NULL) {
		free(idx);
		return NULL;
	}
	idx->sc = ICU(uspoof_open)(&st);
	if (idx->sc == NULL || U_FAILURE(st)) {
		ICU(uspoof_close)(idx->sc);
		free(idx);
		return NULL;
	}
	return idx;
}

bool
mail_lookalike_index_add(struct mail_lookalike_index *idx, const char *org)
{
	struct keys ks = { 0 };
	struct dom_buf b;
	struct known *k;
	struct slot *s;
	size_t olen, hlen;

	if (idx == NULL || !lookalike_parse(idx->sc, org, &b))
		return true; /* no domain: nothing to imitate */
	if (idx->n_slots > 0 &&
	    (s = slot_of(idx->slots, idx->n_slots,
			 lookalike_hash(KEY_NAME, b.d.cps, b.d.n, NO_POS, NO_POS)))
			    ->key != 0)
		for (uint32_t e = s->head; e != END; e = idx->entries[e].next) {
			struct dom d;

			known_dom(idx, idx->entries[e].known, &d);
			if (strcmp(d.org, b.d.org) == 0)
				return true; /* already known, in another spelling */
		}
	keys_of(&b.d, false, &ks);
	if (ks.oom || idx->n_known + 1 >= END || !reserve(idx, ks.n))
		goto fail;
	if (idx->n_known == idx->cap_known) {
		size_t cap = idx->cap_known ? idx->cap_known * 2 : 256;

		if ((k = realloc(idx->known, cap * sizeof *k)) == NULL)
			goto fail;
		idx->known = k;
		idx->cap_known = cap;
	}
	olen = strlen(org);
	hlen = strlen(b.host);
	k = &idx->known[idx->n_known];
	if ((k->org = malloc(olen + hlen + 2)) == NULL)
		goto fail;
	memcpy(k->org, org, olen + 1);
	memcpy(k->org + olen + 1, b.host, hlen + 1);
	k->host_off = olen + 1;
	k->org_off = (size_t)(b.d.org - b.host);
	k->name_len = b.d.name_len;
	k->loose = b.d.loose;
	for (size_t i = 0; i < ks.n; i++)
		key_insert(idx, ks.k[i], (uint32_t)idx->n_known);
	idx->n_known++;
	free(ks.k);
	return true;
fail:
	free(ks.k);
	return false;
}

static int
id_order(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

void
mail_lookalike_index_find(const struct mail_lookalike_index *idx, const char *host,
			  mail_lookalike_fn fn, void *ctx)
{
	struct keys ks = { 0 }, cand = { 0 };
	struct dom_buf h, stripped;
	const struct dom *q = &h.d;

	if (idx == NULL || fn == NULL || idx->n_slots == 0 || !lookalike_parse(idx->sc, host, &h))
		return;
	/* lookalike_classify() judges such a host by its stripped form */
	if (h.d.invisible) {
		if (!lookalike_strip(idx->sc, &h.d, &stripped))
			return;
		q = &stripped.d;
	}
	keys_of(q, true, &ks);
	for (size_t i = 0; i < ks.n; i++) {
		const struct slot *s = slot_of(idx->slots, idx->n_slots, ks.k[i]);

		for (uint32_t e = s->key ? s->head : END; e != END; e = idx->entries[e].next)
			key_push(&cand, idx->entries[e].known);
	}
	/* candidate ids ride in a key array; sorted, repeats are adjacent */
	if (cand.n > 1)
		qsort(cand.k, cand.n, sizeof *cand.k, id_order);
	for (size_t i = 0; i < cand.n; i++) {
		struct mail_lookalike how;
		struct dom d;

		if (i > 0 && cand.k[i] == cand.k[i - 1])
			continue;
		known_dom(idx, (uint32_t)cand.k[i], &d);
		if (lookalike_classify(idx->sc, &h.d, &d, &how))
			fn(ctx, idx->known[cand.k[i]].org, &how);
	}
	free(ks.k);
	free(cand.k);
}

void
mail_lookalike_index_free(struct mail_lookalike_index **idx)
{
	if (idx == NULL || *idx == NULL)
		return;
	for (size_t i = 0; i < (*idx)->n_known; i++)
		free((*idx)->known[i].org);
	free((*idx)->known);
	free((*idx)->slots);
	free((*idx)->entries);
	ICU(uspoof_close)((*idx)->sc);
	free(*idx);
	*idx = NULL;
}
