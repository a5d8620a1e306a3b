#!/bin/sh
# Mail sent from vtriage reaches the server's Sent folder: sending keeps
# the local copy and queues it for the account it was sent from; the
# next sync APPENDs it (\Seen), finds it there, and only then forgets
# the queue entry. A sync killed right after the APPEND does not upload
# it twice. The account's from is the identity of replies to its mail;
# save_sent = no uploads nothing; sent_folder names the folder. Against
# a throwaway dovecot.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

command -v notmuch >/dev/null || skip_all "notmuch not installed"
. "$top_srcdir/tests/lib-imap.sh"
imap_setup
for u in buyer other; do
	imap_user $u
	cp "$FIXTURES/demo/Maildir/INBOX/cur/"* "$M/cur/"
done
imap_start
fake_mailer "Thursday works."
config() { # USER ACCOUNT-LINES
	write_config "$TMP/$1.conf" "$TMP/$1-mail" "$TMP/$1-data" "[send]
command = $TMP/sendmail
$(imap_account main "user = $1
$2")"
}
outbox() { find "$TMP/$1-data/outbox" -type f 2>/dev/null | wc -l | tr -d ' '; }

config buyer 'from = Rich at Northwind <rich@northwind.example>'
# [identity] lists another address first: a reply to this account's
# mail is still written as the account's from
sed -i 's/^addresses = /addresses = me@home.example, /' "$TMP/buyer.conf"
V="$VTRIAGE --config $TMP/buyer.conf"
$V sync >/dev/null 2>&1
is "the account's mail arrived" "$($V count 'subject:"lunch thursday"')" 1
lunch='id:CAJr8pQ+lunch-7c1e@mail.gmail.com'

out=$(EDITOR=$TMP/editor $V reply "$lunch" </dev/null)
is "reply exits 0" "$?" 0
contains "it says where the copy goes" "$out" \
	"the copy goes to the Sent folder of account main at the next sync"
is "in the one line a change is said in" "$(printf '%s\n' "$out" | wc -l | tr -d ' ')" 1
is "From: the account's identity" "$(mail_header "$TMP/sent.eml" From)" \
	"Rich at Northwind <rich@northwind.example>"
contains "its Message-ID under that address's domain" "$(mail_header "$TMP/sent.eml" Message-ID)" \
	"@northwind.example>"
is "one message queued" "$(outbox buyer)" 1
is "the server has no Sent folder yet" "$(IMAP folders)" "INBOX"

out=$($V sync 2>&1)
is "sync exits 0" "$?" 0
echo "$out" | sed 's/^/# /'
contains "the summary says it was uploaded" "$out" "1 sent here copied to the server's Sent"
is "the server's Sent folder was made" "$(IMAP folders)" "INBOX Sent"
is "and subscribed" "$(IMAP subscribed)" "Sent"
is "it holds the message" "$(IMAP count Sent)" 1
copy=$(grep -l "Thursday works." "$TMP"/buyer-mail/Sent/cur/*)
server=$(IMAP fetch Sent "Thursday works.")
contains "seen" "$(echo "$server" | head -1)" '\Seen'
is "byte for byte the local copy" "$(echo "$server" | sed 1d | sha256sum)" \
	"$(sha256sum <"$copy")"
is "the queue is empty" "$(outbox buyer)" 0
ok "the server's copy came down with the sync" \
	sh -c "grep -l 'Thursday works.' '$TMP'/buyer-mail/main/Sent/cur/* | grep -q ."
is "one message in the index for both files" \
	"$($V count 'subject:"lunch thursday" and from:rich@northwind.example')" 1
out=$($V sync 2>&1)
lacks "the next sync uploads nothing" "$out" "copied to the server's Sent"
is "still one on the server" "$(IMAP count Sent)" 1

# killed right after the APPEND: the next sync finds it there
EDITOR=$TMP/editor $V compose --to 'Sam <sam@parts.example>' --subject 'order 77' \
	</dev/null >/dev/null
VTRIAGE_TEST_OUTBOX_KILL=appended $V sync >/dev/null 2>&1
is "the sync is killed" "$?" 137
is "the entry is still queued" "$(outbox buyer)" 1
is "the server has it once" "$(IMAP count Sent)" 2
out=$($V sync 2>&1)
is "the next sync exits 0" "$?" 0
lacks "and appends nothing again" "$out" "copied to the server's Sent"
is "still once on the server" "$(IMAP count Sent)" 2
is "the queue is empty" "$(outbox buyer)" 0
is "new mail is written as [identity]'s first address" \
	"$(mail_header "$TMP/sent.eml" From)" "Rich Miller <me@home.example>"

# save_sent = no: the server keeps its own (the relay's) copy
config other 'save_sent = no'
V="$VTRIAGE --config $TMP/other.conf"
$V sync >/dev/null 2>&1
out=$(EDITOR=$TMP/editor $V reply "$lunch" </dev/null)
lacks "save_sent = no: nothing said of a server copy" "$out" "at the next sync"
is "nothing queued" "$(outbox other)" 0
is "kept here all the same" "$(ls "$TMP"/other-mail/Sent/cur | wc -l | tr -d ' ')" 1

# sent_folder: that folder, which must exist
config other 'sent_folder = Outgoing'
$V sync >/dev/null 2>&1
EDITOR=$TMP/editor $V reply "$lunch" </dev/null >/dev/null
out=$($V sync 2>&1)
is "a missing sent_folder fails the sync (a configuration error: 2)" "$?" 2
contains "naming the key" "$out" "sent_folder: the server has no folder Outgoing"
is "the message stays queued" "$(outbox other)" 1
IMAP_AS other create Outgoing
out=$($V sync 2>&1)
is "once it exists, sync exits 0" "$?" 0
is "the message is there" "$(IMAP_AS other count Outgoing)" 1
is "the queue is empty" "$(outbox other)" 0

# a bad key names file and line
printf '[account x]\nhost = h\nuser = u\nsave_sent = maybe\n' >>"$TMP/other.conf"
out=$($V sync x 2>&1)
contains "save_sent must be yes or no" "$out" "save_sent: is not yes or no"
done_testing
