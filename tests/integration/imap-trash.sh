#!/bin/sh
# Mail deleted in vtriage (d, or vtriage tag +deleted) goes to the
# server's trash at the next sync, by the mirror's verified move: on the
# server and here each message is still there exactly once, in the
# trash; undone before the sync, nothing moves; [triage] trash_on_server
# = no leaves the server as it is. Against a throwaway dovecot.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

command -v notmuch >/dev/null || skip_all "notmuch not installed"
. "$top_srcdir/tests/lib-imap.sh"
imap_setup
mailbox() {
	imap_user "$1"
	mkdir -p "$M/.Trash/cur" "$M/.Trash/new" "$M/.Trash/tmp"
	cp "$FIXTURES/demo/Maildir/INBOX/cur/"* "$M/cur/"
	echo "Trash" >"$M/subscriptions"
}
for u in buyer keep; do mailbox $u; done
imap_start

config() { # USER [TRIAGE LINES]
	write_config "$TMP/$1.conf" "$TMP/$1-mail" "$TMP/$1-data" "${2:-}
$(imap_account main "user = $1")"
}
server_hashes() { IMAP_AS "$1" allhashes | sort; }
local_hashes() {
	find "$TMP/$1-mail" \( -path "*/cur/*" -o -path "*/new/*" \) -type f -print0 |
		xargs -0 -r sha256sum | cut -d' ' -f1 | sort
}
# where USER TEXT: "N FOLDER;" for the folders of the messages from TEXT
where() { IMAP_AS "$1" where "$2" | sort | uniq -c | awk '{ n = $1; sub(/^ *[0-9]+ /, ""); printf "%s %s;", n, $0 }'; }
LUNCH=jordan # the lunch mail's From

config buyer
V="$VTRIAGE --config $TMP/buyer.conf"
$V sync >/dev/null 2>&1
before=$(server_hashes buyer)
is "the lunch mail is in INBOX" "$(where buyer "$LUNCH")" "1 INBOX;"
inbox=$(IMAP_AS buyer count INBOX)

# deleted and undone before the sync: nothing moves
$V tag +deleted 'from:jordan' >/dev/null
$V undo >/dev/null
out=$($V sync 2>&1)
lacks "undone in time: nothing goes to the trash" "$out" "server's trash"
is "the server is untouched" "$(server_hashes buyer)" "$before"

# deleted: the next sync moves it
$V tag +deleted 'from:jordan' >/dev/null
out=$($V sync 2>&1)
is "sync exits 0" "$?" 0
echo "$out" | sed 's/^/# /'
contains "the summary says so" "$out" "1 deleted here moved to the server's trash"
is "on the server it is in Trash only" "$(where buyer "$LUNCH")" "1 Trash;"
is "INBOX has one message less" "$(IMAP_AS buyer count INBOX)" "$((inbox - 1))"
is "every message still exactly once on the server" "$(server_hashes buyer)" "$before"
is "and here" "$(local_hashes buyer)" "$before"
ok "its file is in the local trash folder" \
	sh -c "grep -l '^From:.*[Jj]ordan' '$TMP/buyer-mail/main/Trash/cur/'* '$TMP/buyer-mail/main/Trash/new/'* 2>/dev/null | grep -q ."
is "still tagged deleted, so still out of sight" "$($V count 'from:jordan')" 0
is "the Trash query finds it" "$($V count 'tag:deleted and from:jordan')" 1
out=$($V sync 2>&1)
lacks "the next sync moves nothing again" "$out" "server's trash"
is "and the server stays" "$(server_hashes buyer)" "$before"

# trash_on_server = no: deleted stays a local matter
config keep '[triage]
trash_on_server = no'
V="$VTRIAGE --config $TMP/keep.conf"
$V sync >/dev/null 2>&1
before=$(server_hashes keep)
$V tag +deleted 'from:jordan' >/dev/null
out=$($V sync 2>&1)
lacks "trash_on_server = no: nothing moves" "$out" "server's trash"
is "the server is untouched" "$(server_hashes keep)" "$before"
is "the mail stays in INBOX" "$(where keep "$LUNCH")" "1 INBOX;"
done_testing
