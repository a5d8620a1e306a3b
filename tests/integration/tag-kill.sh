#!/bin/sh
# A bulk tag change killed (SIGKILL) part-way is there to undo: notmuch
# renames each file for its new flags as it goes while the index commits
# the tags only at the end, so the kill left some files flagged on disk,
# no tag in the index, and no journal entry; the next index run then read
# those names' flags as the user's. The journal entry now comes first and
# undo gives every file back the name the index knows.
. "$(dirname "$0")/../lib.sh"

M=$TMP/mail
N=6000
python3 - "$M" "$N" <<'PY'
import os, sys
root, n = sys.argv[1], int(sys.argv[2])
for f in range(6):
    for sub in ("cur", "new", "tmp"):
        os.makedirs(os.path.join(root, "f%d" % f, sub), exist_ok=True)
for i in range(n):
    with open(os.path.join(root, "f%d" % (i % 6), "cur", "m%05d:2,S" % i), "w") as out:
        out.write("From: Sales <sales@v%d.example>\nTo: rich@northwind.example\n"
                  "Subject: order %d\nDate: Mon, 2 Nov 2026 10:%02d:00 +0000\n"
                  "Message-ID: <k%d@test>\n\nOrder %d confirmed.\n" % (i % 40, i, i % 60, i, i))
PY
write_config "$TMP/conf" "$M" "$TMP/data"
V="$VTRIAGE --config $TMP/conf"
$V index --quiet

flagged_files() { find "$M" -type f -name '*:2,*F*' | wc -l; }

# kill the tag once it has renamed some files, long before the end; on a
# busy machine it may finish first: then undo it and try again
kill_tag_midway() {
	for attempt in 1 2 3 4 5; do
		$V tag +flagged '*' >/dev/null 2>&1 &
		pid=$!
		while kill -0 "$pid" 2>/dev/null && [ "$(flagged_files)" -eq 0 ]; do
			sleep 0.02
		done
		kill -9 "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		k=$(flagged_files)
		[ "$k" -gt 0 ] && [ "$k" -lt "$N" ] && return 0
		$V undo >/dev/null 2>&1
	done
	return 1
}

kill_tag_midway
is "tag killed part-way, some files flagged ($(flagged_files) of $N)" "$?" 0
out=$($V undo 2>&1)
is "the killed change is there to undo" "$?" 0
contains "undo names it" "$out" "tagged flagged on *"
is "no file flagged after the undo" "$(flagged_files)" 0
is "no message flagged" "$($V count tag:flagged)" 0
$V index --quiet
is "nor after the next index run" "$($V count tag:flagged)" 0
is "every message still there once" "$($V count '*')" "$N"

# killed again, and an index run before the undo: the run reads the
# renamed files' flags as tags, and the undo takes them all back
kill_tag_midway
is "killed a second time part-way ($(flagged_files) of $N)" "$?" 0
$V index --quiet
is "the run reads the renamed files as flagged" "$($V count tag:flagged)" "$(flagged_files)"
out=$($V undo 2>&1)
is "then undo" "$?" 0
is "no message flagged after it" "$($V count tag:flagged)" 0
is "no file flagged" "$(flagged_files)" 0
contains "nothing left to undo" "$($V undo 2>&1)" "nothing to undo"

# an undo of many messages is one commit of the index, not one every
# eighth message (6,000: 3,777 fdatasyncs and seconds): the index's
# revision moves once
revision() { NOTMUCH_CONFIG=$TMP/data/notmuch-config notmuch count --lastmod '*' | cut -f3; }
$V tag +flagged '*' >/dev/null
before=$(revision)
$V undo >/dev/null
is "undoing the tag of $N messages is one write of the index" "$(($(revision) - before))" 1
is "and undoes it" "$($V count tag:flagged)" 0
done_testing
