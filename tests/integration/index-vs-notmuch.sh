#!/bin/sh
# vtriage index against `notmuch new` on the same files: the same
# messages, the same threads, the same answers to queries, after a first
# run and after files are renamed (flag changes), moved and removed.
# Mail: the demo mailbox plus corpus groups (a few hundred messages; the
# whole corpus with LONG=1, see `make check-long`).
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

command -v notmuch >/dev/null || skip_all "notmuch CLI not installed"

copy_maildir "$FIXTURES/demo/Maildir" "$TMP/mail"
corpus=$(corpus_dir)
if [ -n "$corpus" ]; then
	if [ "${LONG:-0}" = 1 ]; then
		for g in easy-ham-1 easy-ham-2 hard-ham-1 spam-1 spam-2; do
			corpus_maildir "$corpus/$g" "$TMP/mail/corpus-$g"
		done
	else
		corpus_maildir "$corpus/easy-ham-1" "$TMP/mail/corpus-easy-ham-1" 150
		corpus_maildir "$corpus/spam-2" "$TMP/mail/corpus-spam-2" 150
		# a nested folder: mail roots are trees of Maildirs
		corpus_maildir "$corpus/spam-1" "$TMP/mail/deep/er/spam-1" 60
	fi
else
	echo "# corpus not available: demo mailbox only"
fi
# Maildir flags in every form notmuch reads: each flag alone and all
# together, an empty info, none at all in cur/ and in new/, flags on a
# file in a folder that is not a Maildir, flags out of order.
mkdir -p "$TMP/mail/Flags/cur" "$TMP/mail/Flags/new" "$TMP/mail/Flags/tmp" "$TMP/mail/loose"
n=0
for name in cur/a:2,D cur/b:2,F cur/c:2,P cur/d:2,R cur/e:2,S cur/f:2,DFPRS cur/g:2, \
	cur/h cur/i:2,SF new/j new/k:2,S loose/l:2,FS loose/m; do
	n=$((n + 1))
	case $name in loose/*) dest="$TMP/mail/$name" ;; *) dest="$TMP/mail/Flags/$name" ;; esac
	printf 'From: Flag Tester <flags@example.org>\nTo: rich@northwind.example\nSubject: flags %s\nMessage-ID: <flags-%d@example.org>\nDate: Mon, 2 Sep 2002 10:00:0%d +0000\n\nflags\n' \
		"$name" "$n" "$((n % 10))" >"$dest"
done
files=$(find "$TMP/mail" -path '*/cur/*' -o -path '*/new/*' -type f | wc -l)
echo "# $files files"

write_config "$TMP/conf" "$TMP/mail" "$TMP/data"
V="$VTRIAGE --config $TMP/conf"
nmconf=$(notmuch_new "$TMP/mail" "$TMP/nm")
NM() { NOTMUCH_CONFIG=$nmconf notmuch "$@"; }

summary=$($V index --quiet 2>"$TMP/warnings"; echo "exit $?")
contains "index succeeds" "$summary" "exit 0"

queries="*
tag:unread
tag:inbox
from:amazon.com
subject:free
date:2002-08-01..2002-09-01
to:jm@jmason.org and not tag:unread
folder:INBOX
path:corpus-spam-2/**
attachment:pdf"

compare() {
	while IFS= read -r q; do
		is "$1: messages for '$q'" "$($V count "$q")" "$(NM count "$q")"
		is "$1: threads for '$q'" "$($V count --output=threads "$q")" \
			"$(NM count --output=threads "$q")"
	done <<QUERIES
$queries
QUERIES
}
compare "first run"
# every message's tags, not only counts: flags and new.tags as notmuch sets them
tag_dump() { sed -n 's/^\(+[^ ]*\( +[^ ]*\)*\) -- \(.*\)$/\3 \1/p' | sort; }
NOTMUCH_CONFIG="$TMP/data/notmuch-config" notmuch dump --format=batch-tag 2>/dev/null | tag_dump >"$TMP/tags.vt"
NM dump --format=batch-tag | tag_dump >"$TMP/tags.nm"
is "first run: every message has the tags notmuch new gives it" \
	"$(diff "$TMP/tags.nm" "$TMP/tags.vt" | head -5)" ""
is "flag tags are compared" "$(grep -c 'flags-' "$TMP/tags.nm")" 13
nm_nonmail=$(grep -c "Ignoring non-mail file" "$TMP/nm/new.log")
is "the same files are refused as not mail" "$(grep -c 'not mail' "$TMP/warnings")" "$nm_nonmail"

# --offset skips threads, not messages (threads of several messages come
# before the offset here), as notmuch's own search does
all_threads=$($V search '*' | cut -d' ' -f1)
for k in 3 17 40; do
	is "search --offset $k --limit 10 lists threads $((k + 1)) to $((k + 10))" \
		"$($V search --offset $k --limit 10 '*' | cut -d' ' -f1)" \
		"$(echo "$all_threads" | sed -n "$((k + 1)),$((k + 10))p")"
	is "search --offset $k lists as many threads as notmuch's" \
		"$($V search --offset $k '*' | wc -l)" "$(NM search --offset=$k '*' | wc -l)"
done

# --last: the end of the list, read from the oldest mail up, is the end
# notmuch lists (the corpus's dates run from undated spam to 2038)
total_threads=$(echo "$all_threads" | wc -l)
for k in 1 9 60 "$total_threads"; do
	is "search --last $k lists the last $k threads" \
		"$($V search --last "$k" '*' | cut -d' ' -f1)" "$(echo "$all_threads" | tail -n "$k")"
done
# numbers as big as a long: all there is, at once (2 * N overflowed, and
# the list went round for ever)
big=9223372036854775807
is "search --last $big lists every thread" \
	"$(timeout -k 5 60 $V search --last $big '*' | cut -d' ' -f1)" "$all_threads"
is "search --offset $big --limit $big lists none" \
	"$(timeout -k 5 60 $V search --offset $big --limit $big '*' | wc -l)" 0
is "search --offset 5 --limit $big lists all but the first five" \
	"$(timeout -k 5 60 $V search --offset 5 --limit $big '*' | cut -d' ' -f1)" \
	"$(echo "$all_threads" | tail -n +6)"
is "search --last 7 tag:unread: the list's last 7" \
	"$($V search --last 7 tag:unread | cut -d' ' -f1)" \
	"$($V search tag:unread | cut -d' ' -f1 | tail -n 7)"
is "search --last 0 prints nothing" "$($V search --last 0 '*')" ""
$V search --last -3 '*' >/dev/null 2>"$TMP/err"
is "--last needs a count" "$?:$(head -1 "$TMP/err")" "2:vtriage search: --last needs a number >= 0, not '-3'"
$V search --last 3 --offset 2 '*' >/dev/null 2>"$TMP/err"
is "--last with --offset is refused" "$?:$(cat "$TMP/err")" \
	"2:vtriage search: --last is the end of the list: not with --limit or --offset
(see: vtriage search --help)"

# vtriage's own terms, as notmuch queries on vtriage's database
VNM() { NOTMUCH_CONFIG="$TMP/data/notmuch-config" notmuch "$@"; }
slug=$($V vendor list | awk 'NR == 1 { print $1 }')
[ -n "$slug" ] || slug=none
for q in "vendor:$slug" "bucket:generic" "vendor:$slug and tag:unread"; do
	nq=$($V search --notmuch-query "$q")
	is "--notmuch-query '$q' finds the same messages with notmuch" "$(VNM count "$nq")" "$($V count "$q")"
done
is "--notmuch-query of a vendor names its mail, not all mail" \
	"$([ "$(VNM count "$($V search --notmuch-query "vendor:$slug")")" -lt "$($V count '*')" ] && echo fewer)" fewer
is "--notmuch-query of an unknown vendor is a bad query" \
	"$($V search --notmuch-query vendor:no-such-vendor >/dev/null 2>&1; echo $?)" 2
is "--notmuch-query in JSON is a string" "$($V search --format=json --notmuch-query bucket:generic | cut -c1)" '"'

# renames (flags), moves between folders, removals, additions
i=0
for f in $(find "$TMP/mail" -path '*/cur/*:2,S' -type f | sort | head -40); do
	i=$((i + 1))
	case $((i % 4)) in
	0) mv "$f" "${f%:2,S}:2,FS" ;;                     # flagged
	1) mv "$f" "${f%:2,S}:2," ;;                       # marked unread
	2) rm "$f" ;;                                      # deleted
	3) mv "$f" "$TMP/mail/Archive/cur/" 2>/dev/null ;; # moved
	esac
done
cp "$FIXTURES/demo/Maildir/INBOX/cur/"* "$TMP/mail/INBOX/new/" 2>/dev/null
for f in "$TMP/mail/INBOX/new/"*; do mv "$f" "${f%%:2,*}"; done
NM new --quiet >/dev/null 2>&1
again=$($V index 2>&1)
contains "second run notices the removals" "$again" "removed"
compare "after changes"
is "flagged files are tagged flagged" "$($V count tag:flagged)" "$(NM count tag:flagged)"

# the same state: a third run does nothing, fast
third=$($V index 2>&1)
contains "third run adds nothing" "$third" "0 messages added"
contains "third run removes nothing" "$third" "0 removed"

done_testing
