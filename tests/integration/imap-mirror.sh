#!/bin/sh
# [triage] mirror_folders against a throwaway dovecot on 127.0.0.1: a
# trusted vendor's mail moved into Vendors/<Name> on the server and
# locally, with MOVE (dovecot as it is), with COPY + verify + UID EXPUNGE
# (a listener whose capability list has no MOVE) and with neither (no
# MOVE, no UIDPLUS: nothing moves); off by default; --no-mirror; tags
# kept; later mail follows; kill -9 at each step, then a rerun: every
# message exactly once, on the server and here.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

command -v notmuch >/dev/null || skip_all "notmuch not installed"
command -v sqlite3 >/dev/null || skip_all "sqlite3 not installed"
. "$top_srcdir/tests/lib-imap.sh"
imap_setup
# 127.0.0.1: dovecot's own capabilities (MOVE, UIDPLUS); 127.0.0.2: no
# MOVE; 127.0.0.3: neither MOVE nor UIDPLUS. Same mailboxes behind all.
imap_local 127.0.0.2 "$IMAP_BASE_CAPS UIDPLUS"
imap_local 127.0.0.3 "$IMAP_BASE_CAPS"
# mailbox USER: the demo INBOX, plus a Trash holding one AcmeTel message
# of its own (trash is never a source).
mailbox() {
	imap_user "$1"
	mkdir -p "$M/.Trash/cur" "$M/.Trash/new" "$M/.Trash/tmp"
	cp "$FIXTURES/demo/Maildir/INBOX/cur/"* "$M/cur/"
	f=$(grep -l '^From:.*billing@billing.acmetel.example' "$M"/cur/* | head -1)
	sed 's/^Message-ID: <\(.*\)>/Message-ID: <trashed.\1>/I' "$f" >"$M/.Trash/cur/1.trash:2,S"
	echo "Trash" >"$M/subscriptions"
}
for u in buyer off copy nouid killm killc killd; do mailbox $u; done
imap_start

# config USER HOST [TRIAGE LINES]: user USER's account "main" at HOST.
config() {
	write_config "$TMP/$1.conf" "$TMP/$1-mail" "$TMP/$1-data" "${3:-}
$(imap_account main "host = $2
user = $1")"
}
ON='[triage]
mirror_folders = yes'
local_hashes() { # every message file of user $1, sorted
	find "$TMP/$1-mail" \( -path "*/cur/*" -o -path "*/new/*" \) -type f -print0 |
		xargs -0 -r sha256sum | cut -d' ' -f1 | sort
}
server_hashes() { IMAP_AS "$1" allhashes | sort; }
nfiles() { find "$1/cur" "$1/new" -type f 2>/dev/null | wc -l | tr -d ' '; }
NM() { u=$1; shift; NOTMUCH_CONFIG=$TMP/$u-data/notmuch-config notmuch "$@"; }
# where USER TEXT: "N FOLDER;" for the folders of the messages from TEXT
where() { IMAP_AS "$1" where "$2" | sort | uniq -c | awk '{ n = $1; sub(/^ *[0-9]+ /, ""); printf "%s %s;", n, $0 }'; }

IMAP count INBOX >/dev/null || {
	echo "Bail out! the test server does not answer:"
	sed 's/^/# /' "$D/dovecot.log" | tail -20
	exit 1
}
ACME=acmetel.example # the vendor's name as vtriage shows it, and From text
BOX=Vendors.acmetel-example

# ---- off by default ------------------------------------------------------
config off 127.0.0.1
V="$VTRIAGE --config $TMP/off.conf"
$V sync >/dev/null 2>&1
before=$(server_hashes off)
$V vendor promote acmetel >/dev/null
out=$($V sync 2>&1)
is "mirror off (the default): sync exits 0" "$?" "0"
lacks "mirror off: nothing is moved" "$out" "vendor folders"
is "mirror off: the server is untouched" "$(server_hashes off)" "$before"
is "mirror off: no vendor folder is created" "$(IMAP_AS off folders)" "INBOX Trash"
is "mirror off: no job is queued" \
	"$(sqlite3 "$TMP/off-data/vtriage.db" 'SELECT count(*) FROM jobs')" "0"

# ---- MOVE ---------------------------------------------------------------------
config buyer 127.0.0.1 "$ON"
V="$VTRIAGE --config $TMP/buyer.conf"
L=$TMP/buyer-mail/main
$V sync >/dev/null 2>&1
before=$(server_hashes buyer)
acme_before=$(IMAP_AS buyer where "$ACME" | wc -l | tr -d ' ')
is "the demo INBOX has 6 messages from AcmeTel (and Trash one)" "$acme_before" "7"
id=$(NM buyer search --output=messages "from:billing@billing.acmetel.example" | head -1)
NM buyer tag +keepme -- "$id"
out=$($V sync 2>&1)
lacks "nothing moves before a vendor is trusted" "$out" "vendor folders"
$V vendor promote acmetel >/dev/null
is "promotion queues the first pass" \
	"$(sqlite3 "$TMP/buyer-data/vtriage.db" 'SELECT count(*) FROM jobs WHERE done IS NULL')" "1"
contains "vendor show: the mail moves at the next sync" "$($V vendor show acmetel)" \
	"moved into Vendors/ by the next sync"
out=$($V sync --no-mirror 2>&1)
lacks "--no-mirror skips the mirror" "$out" "vendor folders"
is "--no-mirror: the server is untouched" "$(server_hashes buyer)" "$before"
out=$($V sync 2>&1)
is "sync with the mirror exits 0" "$?" "0"
echo "$out" | sed 's/^/# /'
contains "the summary counts the moved mail" "$out" "6 moved to vendor folders"
contains "the vendor's line names the folder" "$out" "6 moved to $BOX"
is "on the server the vendor's mail is only in its folder (Trash aside)" \
	"$(where buyer "$ACME")" "1 Trash;6 $BOX;"
is "every message still exactly once on the server" "$(server_hashes buyer)" "$before"
is "the rest of INBOX is untouched" "$(IMAP_AS buyer count INBOX)" "14"
contains "the vendor folder is subscribed" "$(IMAP_AS buyer subscribed)" "$BOX"
is "locally the files moved into Vendors/acmetel-example" \
	"$(nfiles "$L/Vendors/acmetel-example")" "6"
is "local files are what the server serves, each once" "$(local_hashes buyer)" \
	"$(server_hashes buyer)"
is "the index still counts the vendor's mail (Trash's too)" "$($V count vendor:acmetel)" "7"
is "the index sees it in its new folder" "$($V count folder:main/Vendors/acmetel-example)" "6"
is "a tag survives the move (same message, renamed file)" "$(NM buyer count tag:keepme)" "1"
contains "the tagged message's file is in the vendor folder" \
	"$(NM buyer search --output=files tag:keepme)" "/Vendors/acmetel-example/"
contains "history shows the pass" "$($V history acmetel)" "mirrored"
contains "vendor show names the server folder and the count" "$($V vendor show acmetel)" \
	"server:   $BOX, 6 moved, last"
is "vendor show --format=json: server_folder" \
	"$($V vendor show --format=json acmetel | python3 -c 'import json,sys; m=json.load(sys.stdin)["server_folder"]; print(m["mailbox"], m["moved"], m["first_pass_due"])')" \
	"$BOX 6 False"
lacks "a generic vendor has no server folder" "$($V vendor show --format=json globex)" "server_folder"
is "the queued job is done" \
	"$(sqlite3 "$TMP/buyer-data/vtriage.db" 'SELECT count(*) FROM jobs WHERE done IS NULL')" "0"
out=$($V sync 2>&1)
contains "a second sync downloads nothing" "$out" "0 new messages"
contains "a second sync changes nothing" "$out" "flags 0 up, 0 down, 0 removed"
lacks "a second sync moves nothing" "$out" "vendor folders"
is "and the server is as it was" "$(server_hashes buyer)" "$before"
# later mail of the vendor follows
new=$TMP/later.eml
f=$(grep -l '^From:.*billing@billing.acmetel.example' "$FIXTURES"/demo/Maildir/INBOX/cur/* | head -1)
sed 's/^Message-ID: <\(.*\)>/Message-ID: <later.\1>/I' "$f" >"$new"
IMAP_AS buyer append INBOX "$new"
out=$($V sync 2>&1)
contains "later mail of a trusted vendor is fetched" "$out" "1 new message"
contains "and follows into the vendor folder" "$out" "1 moved to vendor folders"
is "the vendor folder has 7 on the server" "$(IMAP_AS buyer count "$BOX")" "7"
is "and 7 here" "$(nfiles "$L/Vendors/acmetel-example")" "7"
is "local and server agree after later mail" "$(local_hashes buyer)" "$(server_hashes buyer)"
# another message under a mirrored one's Message-ID, of the same size (a
# sender reusing an ID, an invoice sent again with a figure changed): not
# the copy a killed run left in the folder, so moved there beside it, not
# expunged for a copy it never had
python3 - "$f" "$TMP/same-id.eml" <<'PY'
import sys
head, body = open(sys.argv[1], "rb").read().split(b"\n\n", 1)
changed = body.replace(b"e", b"X", 3)
assert len(changed) == len(body) and changed != body
open(sys.argv[2], "wb").write(head + b"\n\n" + changed)
PY
IMAP_AS buyer append INBOX "$TMP/same-id.eml"
before=$(server_hashes buyer)
out=$($V sync 2>&1)
contains "a message of a mirrored one's Message-ID and size is moved too" "$out" \
	"1 moved to vendor folders"
is "both are in the vendor folder on the server" "$(IMAP_AS buyer count "$BOX")" "8"
is "every message still exactly once on the server" "$(server_hashes buyer)" "$before"
is "and here" "$(local_hashes buyer)" "$(server_hashes buyer)"
# mail that borrows the vendor's name stays where it came: a forgery that
# fails authentication at the user's server, and a look-alike domain
config buyer 127.0.0.1 "$ON
[trust]
authserv_id = mx.northwind.example"
printf 'From: AcmeTel Billing <forged@acmetel.example>\nTo: Rich Miller <rich@northwind.example>\nSubject: Invoice AT-2026-12\nMessage-ID: <forged.1@acmetel.example>\nDate: Tue, 01 Dec 2026 09:00:00 +0000\nAuthentication-Results: mx.northwind.example; dkim=fail header.d=acmetel.example;\n spf=fail smtp.mailfrom=acmetel.example; dmarc=fail header.from=acmetel.example\n\nPlease pay $7,800.00 today.\n' >"$TMP/forged.eml"
printf 'From: AcmeTel Billing <billing@acrnetel.example>\nTo: Rich Miller <rich@northwind.example>\nSubject: Invoice AT-2026-12\nMessage-ID: <lookalike.1@acrnetel.example>\nDate: Tue, 01 Dec 2026 10:00:00 +0000\n\nPlease pay $7,800.00 today.\n' >"$TMP/lookalike.eml"
IMAP_AS buyer append INBOX "$TMP/forged.eml" "$TMP/lookalike.eml"
out=$($V sync 2>&1)
contains "the forgery and the look-alike are fetched" "$out" "2 new messages"
lacks "and neither is moved into the vendor's folder" "$out" "vendor folders"
is "the forgery stays in INBOX on the server" "$(where buyer forged@acmetel.example)" "1 INBOX;"
is "so does the look-alike" "$(where buyer acrnetel.example)" "1 INBOX;"
is "both are judged suspicious" "$($V count "suspicious:yes and subject:AT-2026-12")" "2"
is "the trusted vendor's folder does not list them" \
	"$($V count 'vendor:acmetel and subject:AT-2026-12')" "0"
out=$($V undo 2>&1)
contains "undo skips the mirror and reverts the promotion" "$out" "promoted"
out=$($V sync 2>&1)
lacks "a demoted vendor is no longer mirrored" "$out" "vendor folders"

# ---- COPY, verify, UID EXPUNGE (no MOVE offered) ---------------------------------
config copy 127.0.0.2 "$ON"
V="$VTRIAGE --config $TMP/copy.conf"
$V sync >/dev/null 2>&1
before=$(server_hashes copy)
# someone else's \Deleted mail must survive our UID EXPUNGE
IMAP_AS copy delete-flag INBOX globex.example
is "five Globex messages carry \\Deleted" "$(IMAP_AS copy deleted INBOX)" "5"
$V vendor promote acmetel >/dev/null
out=$($V sync 2>&1)
is "COPY path: sync exits 0" "$?" "0"
contains "COPY path: the vendor's mail moved" "$out" "6 moved to vendor folders"
is "COPY path: the vendor's mail only in its folder" \
	"$(where copy "$ACME")" "1 Trash;6 $BOX;"
is "COPY path: every message exactly once on the server" "$(server_hashes copy)" "$before"
is "COPY path: other \\Deleted mail was not expunged" "$(IMAP_AS copy deleted INBOX)" "5"
is "COPY path: local files follow, each once" "$(local_hashes copy)" "$(server_hashes copy)"
out=$($V sync 2>&1)
contains "COPY path: a second sync downloads nothing" "$out" "0 new messages"
lacks "COPY path: a second sync moves nothing" "$out" "vendor folders"

# ---- neither MOVE nor UIDPLUS: nothing moves ----------------------------------------
config nouid 127.0.0.3 "$ON"
V="$VTRIAGE --config $TMP/nouid.conf"
$V sync >/dev/null 2>&1
before=$(server_hashes nouid)
$V vendor promote acmetel >/dev/null
out=$($V sync 2>&1)
is "without UIDPLUS: sync exits 0" "$?" "0"
contains "without UIDPLUS: the mail is kept and the reason given" "$out" \
	"neither MOVE nor UIDPLUS"
is "without UIDPLUS: the server is untouched" "$(server_hashes nouid)" "$before"
is "without UIDPLUS: no copy, no folder" "$(IMAP_AS nouid folders)" "INBOX Trash"
is "without UIDPLUS: the first pass is still due" \
	"$(sqlite3 "$TMP/nouid-data/vtriage.db" 'SELECT count(*) FROM jobs WHERE done IS NULL')" "1"

# ---- kill -9 at each step, then rerun ------------------------------------------
# kill_run USER HOST POINT VENDOR: promote VENDOR, sync killed at POINT,
# sync again; every message once on the server and here, VENDOR's only
# in its folder.
kill_run() {
	V="$VTRIAGE --config $TMP/$1.conf"
	[ -f "$TMP/$1.conf" ] || { config "$1" "$2" "$ON"; $V sync >/dev/null 2>&1; }
	before=$(server_hashes "$1")
	$V vendor promote "$4" >/dev/null
	VTRIAGE_TEST_MIRROR_KILL=$3 $V sync >/dev/null 2>&1
	is "kill -9 at '$3' ($1): the process was killed" "$?" "137"
	out=$($V sync 2>&1)
	is "after kill at '$3' the rerun exits 0" "$?" "0"
	is "after kill at '$3' every message is once on the server" "$(server_hashes "$1")" \
		"$before"
	is "after kill at '$3' every message is once here" "$(local_hashes "$1")" "$before"
	is "after kill at '$3' $4's mail is only in its folder" "$(where "$1" "$5")" "$6"
	is "after kill at '$3' nothing is left \\Deleted" "$(IMAP_AS "$1" deleted INBOX)" "0"
	out=$($V sync 2>&1)
	contains "after kill at '$3' the next sync is quiet" "$out" \
		"0 new messages (0 bytes), flags 0 up, 0 down, 0 removed"
}
# (one Initech message is a discussion-list post: not vendor mail)
kill_run killm 127.0.0.1 moved acmetel "$ACME" "1 Trash;6 $BOX;"
kill_run killm 127.0.0.1 renamed globex globex.example "5 Vendors.globex-example;"
kill_run killm 127.0.0.1 target-state initech initech.example \
	"1 INBOX;4 Vendors.initech-example;"
kill_run killc 127.0.0.2 copied acmetel "$ACME" "1 Trash;6 $BOX;"
kill_run killc 127.0.0.2 flagged globex globex.example "5 Vendors.globex-example;"
kill_run killc 127.0.0.2 expunged initech initech.example "1 INBOX;4 Vendors.initech-example;"
# a name in modified UTF-7
$VTRIAGE --config "$TMP/killc.conf" vendor rename mueller-buero "Müller Bürobedarf" >/dev/null
kill_run killc 127.0.0.2 renamed mueller-buero mueller-buero.example \
	"1 Vendors.M&APw-ller B&APw-robedarf;"
ok "the UTF-7 folder is a local directory of that name" \
	test -d "$TMP/killc-mail/main/Vendors/M&APw-ller B&APw-robedarf/cur"

# a copy in the vendor folder that carries \Deleted (marked so in another
# client) is the copy only once the flag is off: else the sources went
# and the one copy left waited for anyone's EXPUNGE
config killd 127.0.0.2 "$ON"
V="$VTRIAGE --config $TMP/killd.conf"
$V sync >/dev/null 2>&1
before=$(server_hashes killd)
$V vendor promote globex >/dev/null
VTRIAGE_TEST_MIRROR_KILL=copied $V sync >/dev/null 2>&1
is "kill -9 after the COPY: the process was killed" "$?" "137"
IMAP_AS killd delete-flag Vendors.globex-example globex.example
is "the copies marked deleted elsewhere" "$(IMAP_AS killd deleted Vendors.globex-example)" "5"
$V sync >/dev/null 2>&1
is "the rerun exits 0" "$?" "0"
is "Globex's mail is only in its folder" "$(where killd globex.example)" "5 Vendors.globex-example;"
is "and none of it is left \\Deleted there" "$(IMAP_AS killd deleted Vendors.globex-example)" "0"
is "every message once on the server" "$(server_hashes killd)" "$before"

done_testing
