#!/bin/sh
# vtriage index with its index on a full disk (a 2 MiB tmpfs; the store
# beside it has room, so that it is the index that fails):
# the run fails naming the disk, not the mail file it was adding (Xapian
# says only "Error writing block"), leaving the store no further than the
# index; once there is room, the next run
# indexes everything, as a fresh index of the same Maildir. Needs root (to
# mount the tmpfs); skipped otherwise.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

[ "$(id -u)" = 0 ] || skip_all "needs root to mount a small tmpfs"
command -v mount >/dev/null || skip_all "no mount"

M=$TMP/mail
python3 - "$M" 3000 <<'PY'
import os, sys
root, n = sys.argv[1], int(sys.argv[2])
for sub in ("cur", "new", "tmp"):
    os.makedirs(os.path.join(root, "INBOX", sub), exist_ok=True)
for i in range(n):
    with open(os.path.join(root, "INBOX", "cur", "m%05d:2,S" % i), "w") as out:
        out.write("From: Sales <sales@v%d.example>\nTo: rich@northwind.example\n"
                  "Subject: order %d\nDate: Mon, 2 Nov 2026 10:%02d:00 +0000\n"
                  "Message-ID: <f%d@test>\n\n%s" % (i % 30, i, i % 60, i,
                  "Order %d confirmed, words %d.\n" % (i, i) * 20))
PY
FS=$TMP/small
mkdir -p "$FS"
mount -t tmpfs -o size=2m tmpfs "$FS" 2>/dev/null || skip_all "cannot mount a tmpfs here"
at_exit "umount '$FS' 2>/dev/null"

mkdir -m 700 "$TMP/data" "$FS/notmuch"
ln -s "$FS/notmuch" "$TMP/data/notmuch"
write_config "$TMP/conf" "$M" "$TMP/data"
write_config "$TMP/ref.conf" "$M" "$TMP/ref"
V="$VTRIAGE --config $TMP/conf"

$V index >/dev/null 2>"$TMP/err"
is "indexing onto a full disk fails (exit 1)" "$?" 1
err=$(cat "$TMP/err")
contains "the error says the disk is full" "$err" "disk full"
contains "and names the index's directory" "$err" "$TMP/data/notmuch/xapian: disk full"
# till the next run, what the store shows is what the index holds: it
# committed each batch of 256 while the index committed every 2,048, so
# vendors counted, and waiting lists named, mail no search could find
in_index=$($V count '*')
is "the vendors count the mail the index holds ($in_index)" \
	"$($V vendor list --format=json | python3 -c 'import json,sys; print(sum(v["messages"] for v in json.load(sys.stdin)))')" \
	"$in_index"
lost=0
for thread in $($V waiting | sed -n 's/.*thread:\([0-9a-f]*\)$/\1/p'); do
	[ "$($V count "thread:$thread")" -gt 0 ] || lost=$((lost + 1))
done
is "no waiting conversation the index lacks" "$lost" 0

# room again: the same disk, bigger
mount -o remount,size=200m "$FS"
ok "with room, the next run indexes" $V index --quiet
$VTRIAGE --config "$TMP/ref.conf" index --quiet
summary() { # CONF: what the index and the store hold
	$VTRIAGE --config "$1" count '*'
	$VTRIAGE --config "$1" vendor list
	$VTRIAGE --config "$1" search --format=json '*' | md5sum
}
is "every message and vendor, as a fresh index of the Maildir" \
	"$(summary "$TMP/conf")" "$(summary "$TMP/ref.conf")"
done_testing
