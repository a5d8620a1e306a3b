/*
 * A libFuzzer-compatible driver for `make check`: replays each file named
 * on the command line (or every file of a directory) through the target,
 * then, with --mutate N, N inputs made from them by byte flips, inserts,
 * deletions, splices and repeats (a fixed seed: the same run every time).
 * Prints TAP. The real fuzzing is scripts/fuzz (libFuzzer); this keeps
 * the targets building and their corpus clean under the sanitizers.
 */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

struct input {
	uint8_t *data;
	size_t len;
};

static struct input *inputs;
static size_t n_inputs;

static void
add_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	struct input in = { 0 };
	struct input *grown;
	long size;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0) {
		fprintf(stderr, "fuzz driver: cannot read %s\n", path);
		exit(2);
	}
	in.len = (size_t)size;
	in.data = malloc(in.len + 1);
	if (in.data == NULL || fread(in.data, 1, in.len, f) != in.len)
		exit(2);
	fclose(f);
	grown = realloc(inputs, (n_inputs + 1) * sizeof *grown);
	if (grown == NULL)
		exit(2);
	inputs = grown;
	inputs[n_inputs++] = in;
}

static void
add_path(const char *path)
{
	struct stat sb;
	struct dirent **entries;
	int n;

	if (stat(path, &sb) != 0) {
		fprintf(stderr, "fuzz driver: %s: no such file\n", path);
		exit(2);
	}
	if (!S_ISDIR(sb.st_mode)) {
		add_file(path);
		return;
	}
	n = scandir(path, &entries, NULL, alphasort);
	for (int i = 0; i < n; i++) {
		char *child;

		if (entries[i]->d_name[0] != '.' &&
		    asprintf(&child, "%s/%s", path, entries[i]->d_name) >= 0) {
			add_path(child);
			free(child);
		}
		free(entries[i]);
	}
	free(entries);
}

/* xorshift64*: the same sequence on every machine */
static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static uint64_t
rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ull;
}

static size_t
below(size_t n)
{
	return n ? (size_t)(rng() % n) : 0;
}

/* One mutation of a random seed (or of a previous mutant). */
static struct input
mutate(const struct input *seed)
{
	static const char interesting[] = "=;()\"\\ \t\r\n@.:-,0123456789";
	size_t cap = seed->len * 2 + 64;
	struct input out = { malloc(cap), 0 };
	int edits = 1 + (int)below(8);

	if (out.data == NULL)
		exit(2);
	memcpy(out.data, seed->data, seed->len);
	out.len = seed->len;
	for (int e = 0; e < edits; e++) {
		size_t at = below(out.len + 1);

		switch (below(6)) {
		case 0: /* flip a byte */
			if (out.len)
				out.data[below(out.len)] ^= (uint8_t)(1u << below(8));
			break;
		case 1: /* insert a character parsers care about */
			if (out.len < cap) {
				memmove(out.data + at + 1, out.data + at, out.len - at);
				out.data[at] = (uint8_t)interesting[below(sizeof interesting - 1)];
				out.len++;
			}
			break;
		case 2: /* delete a run */
			if (at < out.len) {
				size_t n = 1 + below(out.len - at < 16 ? out.len - at : 16);

				memmove(out.data + at, out.data + at + n, out.len - at - n);
				out.len -= n;
			}
			break;
		case 3: { /* splice in a piece of another input */
			const struct input *other = &inputs[below(n_inputs)];
			size_t from = below(other->len), n = below(other->len - from + 1);

			if (n > cap - out.len)
				n = cap - out.len;
			memmove(out.data + at + n, out.data + at, out.len - at);
			memcpy(out.data + at, other->data + from, n);
			out.len += n;
			break;
		}
		case 4: /* a random byte anywhere */
			if (out.len)
				out.data[below(out.len)] = (uint8_t)rng();
			break;
		default: /* repeat a piece (many results, long values) */
			if (at < out.len) {
				size_t n = 1 + below(out.len - at < 32 ? out.len - at : 32);

				while (out.len + n <= cap && below(4)) {
					memmove(out.data + at + n, out.data + at, out.len - at);
					out.len += n;
				}
			}
			break;
		}
	}
	return out;
}

int
main(int argc, char **argv)
{
	long mutations = 0;
	int i = 1, test = 0;

	if (i + 1 < argc && strcmp(argv[i], "--mutate") == 0) {
		mutations = strtol(argv[i + 1], NULL, 10);
		i += 2;
	}
	for (; i < argc; i++)
		add_path(argv[i]);
	if (n_inputs == 0) {
		fprintf(stderr, "usage: %s [--mutate N] FILE|DIR...\n", argv[0]);
		return 2;
	}
	printf("1..%zu\n", n_inputs + (mutations > 0 ? 1 : 0));
	for (size_t k = 0; k < n_inputs; k++) {
		LLVMFuzzerTestOneInput(inputs[k].data, inputs[k].len);
		printf("ok %d - seed %zu (%zu bytes)\n", ++test, k, inputs[k].len);
	}
	if (mutations > 0) {
		struct input last = { 0 };

		for (long m = 0; m < mutations; m++) {
			/* sometimes mutate the last mutant further */
			struct input next =
				mutate(last.data && below(2) ? &last : &inputs[below(n_inputs)]);

			LLVMFuzzerTestOneInput(next.data, next.len);
			free(last.data);
			last = next;
		}
		free(last.data);
		printf("ok %d - %ld mutations\n", ++test, mutations);
	}
	for (size_t k = 0; k < n_inputs; k++)
		free(inputs[k].data);
	free(inputs);
	return 0;
}
