#!/bin/sh
# The fuzz targets replay their seed corpus and 20,000 mutations of it
# (tests/fuzz/driver.c): run under ASan+UBSan by scripts/test, any crash,
# overflow or undefined behaviour fails here. Real fuzzing: scripts/fuzz.
. "$(dirname "$0")/../lib.sh"

for target in authres payment progress document invoice-xml attachment urls html reply contract; do
	bin=$top_builddir/tests/fuzz/fuzz-$target
	corpus=$top_srcdir/tests/fuzz/corpus/$target
	# a reply writes its message to a file each time: fewer, as slow
	n=20000
	[ "$target" = reply ] && n=5000
	ok "fuzz-$target replays its corpus and $n mutations" \
		"$bin" --mutate $n "$corpus"
done
done_testing
