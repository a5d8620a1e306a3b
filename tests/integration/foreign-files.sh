#!/bin/sh
# A Maildir another mail program also keeps: mbsync's state in every
# folder, dovecot's and Courier's indexes, lists and quota. None of those
# files is mail: the index passes them by without a warning, in its own
# database and in a notmuch database the user brought; folders named
# like them are mail all the same. A file that is no mail and no
# program's state is still warned about, until [store] ignore names it;
# that list, written into the notmuch-config vtriage writes for its own,
# has notmuch pass by the same, and a new list takes effect in folders
# untouched since.
. "$(dirname "$0")/../lib.sh"

command -v notmuch >/dev/null || skip_all "notmuch not installed"
M=$TMP/mail
ME="Rich Miller <rich@northwind.example>"
# msg FOLDER ID FROM SUBJECT
msg() {
	mkdir -p "$M/$1/cur" "$M/$1/new" "$M/$1/tmp"
	printf 'From: %s\nTo: %s\nSubject: %s\nDate: %s\nMessage-ID: <%s@test>\n\nHello.\n' \
		"$3" "$ME" "$4" "$(date -R -d '-2 days')" "$2" >"$M/$1/cur/1700000000.$2.host:2,S"
}
msg INBOX a1 "Ann <ann@acme.example>" "Invoice 1"
msg INBOX a2 "Ann <ann@acme.example>" "Invoice 2"
msg Archive g1 "Sam <sam@globex.example>" "Racks"
msg Vendors/Acme a3 "Ann <ann@acme.example>" "Quote"
# folders named as those programs name their files: mail all the same
msg Lists/subscriptions l1 "News <news@globex.example>" "Digest"
msg dovecot-users l2 "Timo <timo@dovecot.example>" "Release"
msg Lists/dovecot.org l3 "Timo <timo@dovecot.example>" "Release notes"
msg Lists/dovecot-acl l4 "Timo <timo@dovecot.example>" "ACL howto"
state() { printf '%s\n' "$2" >"$M/$1"; }
for f in INBOX Archive Vendors/Acme; do
	state "$f/.mbsyncstate" "FarUidValidity 1"
	state "$f/.mbsyncstate.journal" "4"
	state "$f/.uidvalidity" "1700000000"
	state "$f/dovecot-uidlist" "3 V1 N2"
	state "$f/dovecot.index.log" "binary"
	state "$f/maildirfolder" ""
	mkdir -p "$M/$f/courierimapkeywords"
	state "$f/courierimapkeywords/:list" "\$Label1"
done
state "dovecot-uidvalidity" "65a1b2c3"
state "dovecot-uidvalidity.65a1b2c3" ""
state "subscriptions" "INBOX"
state "maildirsize" "0S"
state "INBOX/notes.txt" "remember the milk"

write_config "$TMP/conf" "$M" "$TMP/data"
V="$VTRIAGE --config $TMP/conf"
out=$($V index 2>&1)
is "every message indexed, the folders named like state files' too" "$($V count '*')" 8
contains "one file is no mail" "$out" "1 not mail"
contains "the one no program keeps is warned about" "$out" "INBOX/notes.txt: not an email message"
for name in .mbsyncstate .uidvalidity dovecot courierimap maildirfolder maildirsize subscriptions; do
	lacks "no warning for $name" "$out" "$name"
done

# notmuch, through the config vtriage writes for it, indexes the same
# mail (the state files it notes as no mail: new.ignore's names would
# match the folders named like them too)
export NOTMUCH_CONFIG="$TMP/data/notmuch-config"
nm=$(notmuch new --full-scan 2>&1)
is "notmuch indexes the same mail" "$(notmuch count '*')" 8
contains "notes notes.txt as no mail" "$nm" "non-mail file: $M/INBOX/notes.txt"

# mbsync writing its state as new mail lands: one message, no warning
sleep 1.1
state "Archive/.mbsyncstate" "FarUidValidity 1
MaxPulledUid 2"
msg Archive g2 "Sam <sam@globex.example>" "Racks again"
out=$($V index 2>&1)
contains "the new message indexed" "$out" "1 message added"
lacks "and the state beside it passed by" "$out" ".mbsyncstate"

# [store] ignore: names and /regex/ as notmuch's new.ignore, written into it
# store_config FILE IGNORE: the config above with [store] ignore
store_config() {
	cat >"$1" <<EOF
[store]
maildir = $M
data = $TMP/data
ignore = $2
EOF
	write_config "$1.base" "$M" "$TMP/data"
	sed -n '/^\[identity\]/,$p' "$1.base" >>"$1"
}
# (no folder touched: a new list lists every directory again)
store_config "$TMP/conf" "notes.txt; /^Vendors/.*(\\s|\/)draft\\.bak\$/; /^Lists\/dovecot\\.org$/; /^INBOX\/cur\/1700000000\\.a1\\./"
state "Vendors/Acme/cur/draft.bak" "not mail either"
out=$($V index --format=json 2>&1)
is "an index with [store] ignore set" "$?" 0
contains "it says the list changed" "$out" '"ignore_changed":true'
lacks "a name the user ignores is passed by" "$out" "notes.txt"
lacks "and a path matching the user's pattern" "$out" "draft.bak"
is "mail under a folder the user ignores leaves the index, untouched since" \
	"$($V count id:l3@test)" 0
is "and a message file the user's pattern names, its folder untouched since" \
	"$($V count '*'),$($V count id:a1@test)" "7,0"
is "notmuch reads the list as written, backslashes and all" \
	"$(notmuch config get new.ignore | tr '\n' ' ')" \
	'notes.txt /^Vendors/.*(\s|\/)draft\.bak$/ /^Lists\/dovecot\.org$/ /^INBOX\/cur\/1700000000\.a1\./ '
nm=$(notmuch new --full-scan 2>&1)
lacks "so notmuch notes neither the name" "$nm" "notes.txt"
lacks "nor the pattern's file" "$nm" "draft.bak"
is "and lists the same mail" "$(notmuch count '*')" 7
out=$($V index --format=json 2>&1)
contains "the same list again: no directory listed for it" "$out" '"ignore_changed":false'
store_config "$TMP/conf" "notes.txt"
$V index --quiet 2>/dev/null
is "the patterns gone, what they took out comes back" "$($V count id:l3@test),$($V count id:a1@test)" "1,1"

store_config "$TMP/bad.conf" "Vendors/Acme/notes"
out=$($VTRIAGE --config "$TMP/bad.conf" index 2>&1)
is "a path where a name goes: a config error" "$?" 2
contains "naming the file, line and key" "$out" "bad.conf:4: [store] ignore: 'Vendors/Acme/notes' is neither a name nor a /regex/"
printf '[store]\nmaildir = %s\nnotmuch_db = %s\nignore = notes.txt\n' "$M" "$TMP/nm/db" >"$TMP/both.conf"
out=$($VTRIAGE --config "$TMP/both.conf" count '*' 2>&1)
is "ignore beside notmuch_db: a config error" "$?" 2
contains "saying where to set it" "$out" "both.conf:4: [store] ignore: with notmuch_db, what the index passes by is notmuch's new.ignore"

# a notmuch database the user brought: its new.ignore (empty here) holds,
# and other programs' files are passed by all the same
nmconf=$(notmuch_new "$M" "$TMP/nm")
cat >"$TMP/nmdb.conf" <<EOF
[store]
maildir = $M
data = $TMP/nmdata
notmuch_db = $TMP/nm/db
EOF
sleep 1.1
msg INBOX a4 "Ann <ann@acme.example>" "Invoice 3"
state "INBOX/cur/notes.txt" "no mail"
out=$(NOTMUCH_CONFIG=$nmconf $VTRIAGE --config "$TMP/nmdb.conf" index 2>&1)
is "the user's database: the new message in it" "$(NOTMUCH_CONFIG=$nmconf notmuch count id:a4@test)" 1
contains "notes.txt is the user's notmuch's to ignore, and it does not" "$out" "INBOX/cur/notes.txt: not an email message"
for name in .mbsyncstate dovecot courierimap; do
	lacks "no warning for $name in the user's database" "$out" "$name"
done

done_testing
