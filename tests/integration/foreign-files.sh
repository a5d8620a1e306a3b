#!/bin/sh
# A Maildir another mail program also keeps: mbsync's state in every
# folder, dovecot's and Courier's indexes, lists and quota. None of those
# files is mail: the index passes them by without a warning, in its own
# database and in a notmuch database the user brought, and the
# notmuch-config vtriage writes for its own names them in new.ignore so
# that `notmuch new` passes them by as well. A file that is no mail and
# no program's state is still warned about, until [store] ignore names it.
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
is "every message indexed" "$($V count '*')" 4
contains "one file is no mail" "$out" "1 not mail"
contains "the one no program keeps is warned about" "$out" "INBOX/notes.txt: not an email message"
for name in .mbsyncstate .uidvalidity dovecot courierimap maildirfolder maildirsize subscriptions; do
	lacks "no warning for $name" "$out" "$name"
done

# notmuch, through the config vtriage writes for it, agrees
export NOTMUCH_CONFIG="$TMP/data/notmuch-config"
nm=$(notmuch new --full-scan 2>&1)
contains "notmuch passes by the same: notes.txt is its only non-mail file" "$nm" \
	"Ignoring non-mail file: $M/INBOX/notes.txt"
is "and the only one" "$(printf '%s\n' "$nm" | grep -c 'non-mail file')" 1

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
store_config "$TMP/conf" "notes.txt; /^Vendors/.*\\.bak\$/"
state "Vendors/Acme/cur/draft.bak" "not mail either"
touch "$M/INBOX"
out=$($V index 2>&1)
is "an index with [store] ignore set" "$?" 0
lacks "a name the user ignores is passed by" "$out" "notes.txt"
lacks "and a path matching the user's pattern" "$out" "draft.bak"
contains "notmuch is told the same" "$(grep '^ignore=' "$NOTMUCH_CONFIG")" ";notes.txt;/^Vendors/.*\\.bak\$/"
lacks "so notmuch warns of none" "$(notmuch new --full-scan 2>&1)" "non-mail file"

store_config "$TMP/bad.conf" "Vendors/Acme/notes"
out=$($VTRIAGE --config "$TMP/bad.conf" index 2>&1)
is "a path where a name goes: a config error" "$?" 2
contains "naming the file, line and key" "$out" "bad.conf:4: [store] ignore: 'Vendors/Acme/notes' is neither a name nor a /regex/"

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
out=$(NOTMUCH_CONFIG=$nmconf $VTRIAGE --config "$TMP/nmdb.conf" index 2>&1)
is "the user's database: the new message in it" "$(NOTMUCH_CONFIG=$nmconf notmuch count id:a4@test)" 1
contains "notes.txt is the user's notmuch's to ignore, and it does not" "$out" "notes.txt: not an email message"
for name in .mbsyncstate dovecot courierimap; do
	lacks "no warning for $name in the user's database" "$out" "$name"
done

done_testing
