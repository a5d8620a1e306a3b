#!/bin/sh
# The fuzz targets replay their seed corpus and 20,000 mutations of it
# (tests/fuzz/driver.c): run under ASan+UBSan by scripts/test, any crash,
# overflow or undefined behaviour fails here. Real fuzzing: scripts/fuzz
# (make fuzz). About 20 s in the plain build, a minute under ASan.
. "$(dirname "$0")/../lib.sh"

# every target there is (a list here fell behind them once)
for source in "$top_srcdir"/tests/fuzz/fuzz-*.c; do
	target=${source##*/fuzz-}
	target=${target%.c}
	bin=$top_builddir/tests/fuzz/fuzz-$target
	corpus=$top_srcdir/tests/fuzz/corpus/$target
	# fewer for the slow: those that write a file each time (a reply, a
	# message, a sync state saved with fsync) and the signature heuristics
	case $target in
	reply | message | signature | imap-state) n=5000 ;;
	*) n=20000 ;;
	esac
	ok "fuzz-$target replays its corpus and $n mutations" \
		"$bin" --mutate $n "$corpus"
done
done_testing
