#!/bin/sh
# The store beside an index another program writes to: `notmuch new`
# indexes a reply that joins two threads, then the reply's file goes and
# `notmuch new` runs again. The joined messages keep their new thread in
# the index (notmuch never splits a thread) though no message of
# vtriage's next run is in it; that run follows every message changed
# since its last to its thread, so lists (whose thread sizes come from
# the store) say what notmuch says. And a message of a thread of its own
# taken out of the index by another program moves no revision: when that
# program leaves the directory's mtime unrecorded (notmuch new in the
# second it runs in; here libnotmuch's remove_message, which never
# records one), the walk finds the directory changed yet already
# indexed, and the store lets the message go too. vtriage's runs tell
# another program's indexing from their own by the index's files of each
# directory they list (none else's changes them), not by its mtime: new
# mail beside a deletion, or a directory changed with nothing to index,
# does not mislead them.
. "$(dirname "$0")/../lib.sh"

command -v notmuch >/dev/null || skip_all "notmuch not installed"
M=$TMP/mail
mkdir -p "$M/cur" "$M/new" "$M/tmp"
ME="Rich Miller <rich@northwind.example>"
# msg ID FROM SUBJECT [REFERENCES]
msg() {
	printf 'From: %s\nTo: %s\nSubject: %s\nDate: %s\nMessage-ID: <%s@test>\n%s\nHello.\n' \
		"$2" "$ME" "$3" "$(date -R -d '-2 days')" "$1" \
		"${4:+References: $4
}" >"$M/cur/$1:2,S"
}
msg a1 "Ann <ann@acme.example>" "Invoice 1"
msg b1 "Ann <ann@acme.example>" "Invoice 2"
msg c1 "Sam <sam@globex.example>" "Racks"
write_config "$TMP/conf" "$M" "$TMP/data"
V="$VTRIAGE --config $TMP/conf"
export NOTMUCH_CONFIG="$TMP/data/notmuch-config"
$V index --quiet

# notmuch's own [matched/total] of the thread of a message, and vtriage's
sizes() { notmuch search --format=json "$1" | python3 -c 'import json,sys; print([(t["matched"], t["total"]) for t in json.load(sys.stdin)])'; }
vt_sizes() { $V search --format=json "$1" | python3 -c 'import json,sys; print([(t["matched"], t["total"]) for t in json.load(sys.stdin)])'; }
# libnotmuch's remove_message, which moves no revision and records no
# directory mtime
nm_remove() {
	python3 - "$1" <<'EOF2'
import ctypes, os, sys
nm = ctypes.CDLL("libnotmuch.so.5")
db = ctypes.c_void_p()
READ_WRITE = 1
if nm.notmuch_database_open_with_config(None, READ_WRITE, os.environ["NOTMUCH_CONFIG"].encode(),
                                        None, ctypes.byref(db), None) != 0:
    sys.exit("cannot open the index")
status = nm.notmuch_database_remove_message(db, sys.argv[1].encode())
nm.notmuch_database_destroy(db)
sys.exit(0 if status == 0 else "remove_message: %d" % status)
EOF2
}
is "two threads to begin with" "$(vt_sizes 'subject:"Invoice 1"')" "[(1, 1)]"

sleep 1.1
msg r1 "$ME" "Re: both invoices" "<a1@test> <b1@test>"
notmuch new --quiet
is "notmuch joins them" "$(sizes 'subject:"Invoice 1"')" "[(1, 3)]"
sleep 1.1
rm "$M/cur/r1:2,S"
notmuch new --quiet
is "and keeps them joined without the reply" "$(sizes 'subject:"Invoice 1"')" "[(1, 2)]"

$V index --quiet
is "vtriage's list says the same after its next run" "$(vt_sizes 'subject:"Invoice 1"')" "[(1, 2)]"
is "the store has the message in its new thread" \
	"$(sqlite3 "$TMP/data/vtriage.db" "SELECT count(DISTINCT thread) FROM messages WHERE message_id IN ('a1@test', 'b1@test')")" 1
is "the reply is gone from the store too" \
	"$(sqlite3 "$TMP/data/vtriage.db" "SELECT count(*) FROM messages WHERE message_id = 'r1@test'")" 0
is "a list of all mail: the same threads and sizes as notmuch's" "$(vt_sizes '*')" "$(sizes '*')"

rev=$(notmuch count --lastmod '*' | cut -f3)
# (a second after vtriage's run saw the directory: within it the change
# looks like the run's own)
sleep 1.1
rm "$M/cur/c1:2,S"
nm_remove "$M/cur/c1:2,S"
is "libnotmuch lets it go" "$(notmuch count 'id:c1@test')" 0
is "with no revision moved" "$(notmuch count --lastmod '*' | cut -f3)" "$rev"
$V index --quiet
is "the store lets it go at vtriage's next run" \
	"$(sqlite3 "$TMP/data/vtriage.db" "SELECT count(*) FROM messages WHERE message_id = 'c1@test'")" 0
is "globex's mail is none" "$($V count vendor:globex)" 0
is "all mail the same as notmuch's" "$(vt_sizes '*')" "$(sizes '*')"

# a message of a thread of several deleted by notmuch new: the revision
# moves (its ghost stays) but no message changed shows why; lists do not
# take the store for the index's mirror until vtriage's next run
sleep 1.1
rm "$M/cur/b1:2,S"
notmuch new --quiet
is "notmuch lets the second message go" "$(sizes 'subject:"Invoice 1"')" "[(1, 1)]"
is "a list says so before vtriage's next run" "$(vt_sizes 'subject:"Invoice 1"')" "[(1, 1)]"
# (these two hold with the store trusted too: a thread's size the store
# overstates sends the list to notmuch anyway, and counts are the
# index's; the mark checked next is what keeps the store out of lists)
is "so does the vendor's count" "$($V count vendor:acme)" 1
contains "having found the index changed in a way it cannot follow" \
	"$(sqlite3 "$TMP/data/vtriage.db" "SELECT value FROM meta WHERE key = 'index_token_lists'")" "unknown "
$V index --quiet
is "the run lets it go from the store" \
	"$(sqlite3 "$TMP/data/vtriage.db" "SELECT count(*) FROM messages WHERE message_id = 'b1@test'")" 0

# the same join, then `notmuch compact` (a new database id: the changes
# since vtriage's last run can no longer be read by revision) before
# vtriage's next run: every message is followed to its thread
msg d1 "Ann <ann@acme.example>" "Invoice 3"
msg e1 "Ann <ann@acme.example>" "Invoice 4"
$V index --quiet
sleep 1.1
msg r2 "$ME" "Re: invoices 3 and 4" "<d1@test> <e1@test>"
notmuch new --quiet
sleep 1.1
rm "$M/cur/r2:2,S"
notmuch new --quiet
notmuch compact --quiet >/dev/null 2>&1 || notmuch compact >/dev/null
is "notmuch keeps them joined, compacted" "$(sizes 'subject:"Invoice 3"')" "[(1, 2)]"
$V index --quiet
is "vtriage's list says the same" "$(vt_sizes 'subject:"Invoice 3"')" "[(1, 2)]"
is "all mail the same as notmuch's, after the compaction" "$(vt_sizes '*')" "$(sizes '*')"

# the same deletion, and before vtriage's next run new mail lands in the
# same directory: the directory has something to index, yet the index
# holds other files of it than vtriage's last run left there
others() { $V index --format=json | python3 -c 'import json,sys; print(json.load(sys.stdin)["others_wrote"])'; }
msg f1 "Sam <sam@globex.example>" "Racks again"
is "a run of vtriage's own arrivals finds no other writer" "$(others)" False
sleep 1.1
rm "$M/cur/f1:2,S"
nm_remove "$M/cur/f1:2,S"
msg g1 "Ann <ann@acme.example>" "Invoice 5"
is "a run with new mail in the directory still finds the other writer" "$(others)" True
is "and lets the message go" \
	"$(sqlite3 "$TMP/data/vtriage.db" "SELECT count(*) FROM messages WHERE message_id = 'f1@test'")" 0
is "the new mail is in" "$($V count id:g1@test)" 1
is "all mail the same as notmuch's, new and deleted" "$(vt_sizes '*')" "$(sizes '*')"

# a new empty folder changes its parent's mtime (as a file the index
# ignores, such as mbsync's state, would): nobody indexed anything
sleep 1.1
mkdir "$M/Archive"
is "an empty folder made is no other writer" "$(others)" False
sleep 1.1
mkdir "$M/Archive2"
msg h1 "Ann <ann@acme.example>" "Invoice 6"
is "nor with new mail beside it" "$(others)" False

# vtriage's own tag moves a message from new/ to cur/ (its flags): the
# index's files of each change with no walk to see them, and no other
# writer either
printf 'From: Ann <ann@acme.example>\nTo: %s\nSubject: Invoice 9\nDate: %s\nMessage-ID: <k1@test>\n\nHello.\n' \
	"$ME" "$(date -R -d '-2 days')" >"$M/new/k1"
$V index --quiet
$V tag +replied id:k1@test >/dev/null
is "the tag moved the file to cur/" "$(ls "$M/new" | wc -l) $(ls "$M/cur" | grep -c '^k1:2,R')" "0 1"
is "which is no other writer" "$(others)" False

# a folder with mail removed whole: no other writer
mkdir -p "$M/Old/cur" "$M/Old/new" "$M/Old/tmp"
printf 'From: Ann <ann@acme.example>\nTo: %s\nSubject: Old one\nDate: %s\nMessage-ID: <o1@test>\n\nHello.\n' \
	"$ME" "$(date -R -d '-2 days')" >"$M/Old/cur/o1:2,S"
$V index --quiet
sleep 1.1
rm -rf "$M/Old"
is "a folder removed is no other writer" "$(others)" False
is "its mail is gone from the store" \
	"$(sqlite3 "$TMP/data/vtriage.db" "SELECT count(*) FROM messages WHERE message_id = 'o1@test'")" 0

# a store without the record (made by an older version): checked once,
# whichever folder changes after
mkdir -p "$M/Lists/cur" "$M/Lists/new" "$M/Lists/tmp"
printf 'From: Sam <sam@globex.example>\nTo: %s\nSubject: List one\nDate: %s\nMessage-ID: <l1@test>\n\nHello.\n' \
	"$ME" "$(date -R -d '-2 days')" >"$M/Lists/cur/l1:2,S"
# (its mtime recorded as it is, not a second short: no run lists it again)
sleep 2.1
$V index --quiet
sqlite3 "$TMP/data/vtriage.db" "DELETE FROM meta WHERE key = 'index_dir_files'"
sleep 1.1
msg i1 "Ann <ann@acme.example>" "Invoice 7"
is "without the record, the index is checked whole once" "$(others)" True
msg j1 "Ann <ann@acme.example>" "Invoice 8"
is "and not again" "$(others)" False
sleep 1.1
printf 'From: Sam <sam@globex.example>\nTo: %s\nSubject: List two\nDate: %s\nMessage-ID: <l2@test>\n\nHello.\n' \
	"$ME" "$(date -R -d '-2 days')" >"$M/Lists/cur/l2:2,S"
is "nor when another folder changes" "$(others)" False
is "all mail the same as notmuch's at the end" "$(vt_sizes '*')" "$(sizes '*')"

done_testing
