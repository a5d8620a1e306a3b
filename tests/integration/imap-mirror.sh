#!/bin/sh
# [triage] mirror_folders against a throwaway dovecot on 127.0.0.1: a
# trusted vendor's mail moved into Vendors/<Name> on the server and
# locally, with MOVE (dovecot as it is), with COPY + verify + UID EXPUNGE
# (a listener whose capability list has no MOVE) and with neither (no
# MOVE, no UIDPLUS: nothing moves); off by default; --no-mirror; tags
# kept; later mail follows; kill -9 at each step, then a rerun: every
# message exactly once, on the server and here.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

DOVECOT=$(command -v dovecot || ls /usr/sbin/dovecot 2>/dev/null)
[ -n "$DOVECOT" ] || skip_all "dovecot not installed (apt-get install dovecot-imapd)"
command -v python3 >/dev/null || skip_all "python3 not installed"
command -v notmuch >/dev/null || skip_all "notmuch not installed"
command -v sqlite3 >/dev/null || skip_all "sqlite3 not installed"

D=$TMP/dovecot
chmod 755 "$TMP" # dovecot's processes walk into it
mkdir -p "$D/run" "$D/state" "$D/mail"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
PASS='S3cret-pa55word'
python3 -c "import socket; s=socket.socket(); s.bind(('127.0.0.3', $PORT))" 2>/dev/null ||
	skip_all "cannot listen on 127.0.0.2-3 (no loopback /8)"

if [ "$(id -u)" = 0 ]; then
	owner=dovecot
	id dovecot >/dev/null 2>&1 || skip_all "no dovecot user"
	userdb="uid=dovecot gid=dovecot home=$D/mail/%u"
	users=""
else
	owner=$(id -un)
	userdb="uid=$(id -u) gid=$(id -g) home=$D/mail/%u"
	users="default_internal_user = $owner
default_login_user = $owner"
fi
# 127.0.0.1: dovecot's own capabilities (MOVE, UIDPLUS); 127.0.0.2: no
# MOVE; 127.0.0.3: neither MOVE nor UIDPLUS. Same mailboxes behind all.
base_caps="IMAP4rev1 LITERAL+ SASL-IR LOGIN-REFERRALS ID ENABLE IDLE NAMESPACE CHILDREN CONDSTORE QRESYNC ESEARCH SEARCHRES LIST-EXTENDED UNSELECT"
cat >"$D/dovecot.conf" <<EOF
protocols = imap
listen = 127.0.0.1, 127.0.0.2, 127.0.0.3
base_dir = $D/run
state_dir = $D/state
log_path = $D/dovecot.log
ssl = no
disable_plaintext_auth = no
mail_location = maildir:$D/mail/%u/Maildir
first_valid_uid = 1
$users
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $D/users
}
userdb {
  driver = static
  args = $userdb
}
service imap-login {
  chroot =
  inet_listener imap {
    port = $PORT
  }
  inet_listener imaps {
    port = 0
  }
}
service anvil {
  chroot =
}
service pop3-login {
  inet_listener pop3 {
    port = 0
  }
  inet_listener pop3s {
    port = 0
  }
}
local 127.0.0.2 {
  protocol imap {
    imap_capability = $base_caps UIDPLUS
  }
}
local 127.0.0.3 {
  protocol imap {
    imap_capability = $base_caps
  }
}
EOF
: >"$D/users"
# mailbox USER: the demo INBOX, plus a Trash holding one AcmeTel message
# of its own (trash is never a source).
mailbox() {
	echo "$1:{PLAIN}$PASS" >>"$D/users"
	M=$D/mail/$1/Maildir
	mkdir -p "$M/cur" "$M/new" "$M/tmp" "$M/.Trash/cur" "$M/.Trash/new" "$M/.Trash/tmp"
	cp "$FIXTURES/demo/Maildir/INBOX/cur/"* "$M/cur/"
	f=$(grep -l '^From:.*billing@billing.acmetel.example' "$M"/cur/* | head -1)
	sed 's/^Message-ID: <\(.*\)>/Message-ID: <trashed.\1>/I' "$f" >"$M/.Trash/cur/1.trash:2,S"
	echo "Trash" >"$M/subscriptions"
}
for u in buyer off copy nouid killm killc; do mailbox $u; done
chown -R "$owner" "$D/mail"

"$DOVECOT" -F -c "$D/dovecot.conf" >"$D/stdout" 2>&1 &
DPID=$!
at_exit "kill $DPID 2>/dev/null; wait $DPID 2>/dev/null"
for i in $(seq 50); do
	python3 -c "import socket; socket.create_connection(('127.0.0.1', $PORT)).close()" \
		2>/dev/null && break
	sleep 0.1
done

# The server's side: IMAP USER CMD ARGS (host 127.0.0.1).
cat >"$TMP/imap.py" <<'EOF'
import hashlib, imaplib, re, sys
port, user, cmd, args = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4:]
m = imaplib.IMAP4("127.0.0.1", port)
m.login(user, open(sys.argv[0] + ".pw").read().strip())
def folders():
    typ, data = m.list()
    for line in data:
        line = line.decode()
        if "\\Noselect" in line or "\\NonExistent" in line:
            continue
        yield re.match(r'\(.*?\) "." "?([^"]*)"?$', line).group(1)
def uids(folder):
    m.select('"%s"' % folder)
    typ, data = m.uid("SEARCH", None, "ALL")
    return [int(u) for u in data[0].split()]
def bodies(folder):
    for u in uids(folder):
        typ, data = m.uid("FETCH", str(u), "(BODY.PEEK[])")
        yield u, data[0][1]
def h(b):
    return hashlib.sha256(b.replace(b"\r\n", b"\n")).hexdigest()
if cmd == "hashes":          # FOLDER: sha256 of each message, CRLF -> LF
    for u, b in bodies(args[0]):
        print(h(b))
elif cmd == "allhashes":     # every message of every folder
    for f in sorted(folders()):
        for u, b in bodies(f):
            print(h(b))
elif cmd == "where":         # TEXT: the folders of messages whose From has TEXT
    for f in sorted(folders()):
        for u, b in bodies(f):
            hdr = b.split(b"\r\n\r\n", 1)[0].decode("latin-1")
            if re.search(r"^From:.*" + re.escape(args[0]), hdr, re.M | re.I):
                print(f)
elif cmd == "count":
    print(len(uids(args[0])))
elif cmd == "folders":
    print(" ".join(sorted(folders())))
elif cmd == "subscribed":
    typ, data = m.lsub()
    print(" ".join(sorted(l.decode().split(' "." ')[1].strip('"') for l in data if l)))
elif cmd == "append":        # FOLDER FILE
    m.append(args[0], None, None, open(args[1], "rb").read())
elif cmd == "delete-flag":   # FOLDER TEXT: \Deleted on the messages whose From has TEXT
    for u, b in bodies(args[0]):
        if re.search(r"^From:.*" + re.escape(args[1]), b.decode("latin-1"), re.M | re.I):
            m.uid("STORE", str(u), "+FLAGS", "(\\Deleted)")
elif cmd == "deleted":       # FOLDER: how many carry \Deleted
    m.select(args[0])
    typ, data = m.uid("SEARCH", None, "DELETED")
    print(len(data[0].split()))
m.logout()
EOF
echo "$PASS" >"$TMP/imap.py.pw"
IMAP() { python3 "$TMP/imap.py" "$PORT" "$@"; }

# config USER HOST [TRIAGE LINES]: user USER's account "main" at HOST.
config() {
	write_config "$TMP/$1.conf" "$TMP/$1-mail" "$TMP/$1-data" "${3:-}
[account main]
host = $2
port = $PORT
tls = none
user = $1
password_command = cat $TMP/imap.py.pw"
}
ON='[triage]
mirror_folders = yes'
local_hashes() { # every message file of user $1, sorted
	find "$TMP/$1-mail" \( -path "*/cur/*" -o -path "*/new/*" \) -type f -print0 |
		xargs -0 -r sha256sum | cut -d' ' -f1 | sort
}
server_hashes() { IMAP "$1" allhashes | sort; }
nfiles() { find "$1/cur" "$1/new" -type f 2>/dev/null | wc -l | tr -d ' '; }
NM() { u=$1; shift; NOTMUCH_CONFIG=$TMP/$u-data/notmuch-config notmuch "$@"; }
# where USER TEXT: "N FOLDER;" for the folders of the messages from TEXT
where() { IMAP "$1" where "$2" | sort | uniq -c | awk '{ n = $1; sub(/^ *[0-9]+ /, ""); printf "%s %s;", n, $0 }'; }

IMAP buyer count INBOX >/dev/null || {
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
is "mirror off: no vendor folder is created" "$(IMAP off folders)" "INBOX Trash"
is "mirror off: no job is queued" \
	"$(sqlite3 "$TMP/off-data/vtriage.db" 'SELECT count(*) FROM jobs')" "0"

# ---- MOVE ---------------------------------------------------------------------
config buyer 127.0.0.1 "$ON"
V="$VTRIAGE --config $TMP/buyer.conf"
L=$TMP/buyer-mail/main
$V sync >/dev/null 2>&1
before=$(server_hashes buyer)
acme_before=$(IMAP buyer where "$ACME" | wc -l | tr -d ' ')
is "the demo INBOX has 6 messages from AcmeTel (and Trash one)" "$acme_before" "7"
id=$(NM buyer search --output=messages "from:billing@billing.acmetel.example" | head -1)
NM buyer tag +keepme -- "$id"
out=$($V sync 2>&1)
lacks "nothing moves before a vendor is trusted" "$out" "vendor folders"
$V vendor promote acmetel >/dev/null
is "promotion queues the first pass" \
	"$(sqlite3 "$TMP/buyer-data/vtriage.db" 'SELECT count(*) FROM jobs WHERE done IS NULL')" "1"
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
is "the rest of INBOX is untouched" "$(IMAP buyer count INBOX)" "14"
contains "the vendor folder is subscribed" "$(IMAP buyer subscribed)" "$BOX"
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
IMAP buyer append INBOX "$new"
out=$($V sync 2>&1)
contains "later mail of a trusted vendor is fetched" "$out" "1 new message"
contains "and follows into the vendor folder" "$out" "1 moved to vendor folders"
is "the vendor folder has 7 on the server" "$(IMAP buyer count "$BOX")" "7"
is "and 7 here" "$(nfiles "$L/Vendors/acmetel-example")" "7"
is "local and server agree after later mail" "$(local_hashes buyer)" "$(server_hashes buyer)"
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
IMAP copy delete-flag INBOX globex.example
is "five Globex messages carry \\Deleted" "$(IMAP copy deleted INBOX)" "5"
$V vendor promote acmetel >/dev/null
out=$($V sync 2>&1)
is "COPY path: sync exits 0" "$?" "0"
contains "COPY path: the vendor's mail moved" "$out" "6 moved to vendor folders"
is "COPY path: the vendor's mail only in its folder" \
	"$(where copy "$ACME")" "1 Trash;6 $BOX;"
is "COPY path: every message exactly once on the server" "$(server_hashes copy)" "$before"
is "COPY path: other \\Deleted mail was not expunged" "$(IMAP copy deleted INBOX)" "5"
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
is "without UIDPLUS: no copy, no folder" "$(IMAP nouid folders)" "INBOX Trash"
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
	is "after kill at '$3' nothing is left \\Deleted" "$(IMAP "$1" deleted INBOX)" "0"
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

done_testing
