#!/bin/sh
# A Maildir tree a user (or a server's folder names) can make but
# notmuch's index cannot hold: a link back to a folder above (walked
# again inside itself until notmuch ended the program), a folder of a
# 236-byte name (every run failed, "Term too long", no mail indexed at
# all), folders nested 200 deep and a file of a 249-byte name (notmuch
# ended the program on an internal error). Each is passed by with a
# warning naming it; the rest of the mail is indexed.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

M=$TMP/mail
mkdir -p "$M/INBOX/cur" "$M/INBOX/new" "$M/INBOX/tmp"
mail() { # FILE ID
	printf 'From: Sales <sales@acme.example>\nTo: rich@northwind.example\nSubject: %s\nMessage-ID: <%s@t>\n\nhello\n' \
		"$2" "$2" >"$1"
}
mail "$M/INBOX/cur/ok:2,S" ok
ln -s .. "$M/INBOX/up"
long=$(printf 'F%.0s' $(seq 236))
mkdir -p "$M/$long/cur" "$M/$long/new" "$M/$long/tmp"
mail "$M/$long/cur/m:2,S" long-folder
deep=$M/deep
for i in $(seq 200); do deep=$deep/x; done
mkdir -p "$deep/cur" "$deep/new" "$deep/tmp"
mail "$deep/cur/m:2,S" deep
mail "$M/INBOX/cur/$(printf 'n%.0s' $(seq 245)):2,S" long-name
write_config "$TMP/conf" "$M" "$TMP/data"
V="$VTRIAGE --config $TMP/conf"

$V index >"$TMP/out" 2>"$TMP/err"
is "the index run completes (exit 0)" "$?" 0
err=$(cat "$TMP/err")
contains "the link back is named" "$err" "$M/INBOX/up: a link to a folder it is inside: not followed"
contains "the long folder too" "$err" "$M/$long: a folder's path longer than notmuch can index"
contains "the deep one" "$err" "a folder's path longer than notmuch can index"
contains "and the long file name" "$err" "a file name longer than notmuch can index: not indexed"
lacks "no internal error of notmuch's" "$err" "Internal error"
is "the rest of the mail is indexed, once" "$($V search --format=json '*' | python3 -c '
import json, sys; print(" ".join(sorted(t["subject"] for t in json.load(sys.stdin))))')" "ok"
ok "a second run too" $V index --quiet
done_testing
