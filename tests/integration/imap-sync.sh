#!/bin/sh
# vtriage sync against a throwaway dovecot on 127.0.0.1: full and
# incremental sync, content equal to what the server serves, flags both
# ways, expunge, UIDVALIDITY change, kill -9 and resume, a connection cut
# by a proxy, wrong password, TLS (self-signed refused, pinned accepted,
# STARTTLS), a folder owned by mbsync.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

. "$top_srcdir/tests/lib-imap.sh"
imap_setup

# Mail: the demo INBOX, a corpus group, and odd messages (big, NUL byte,
# no final newline, no Message-ID, bare CR).
M=$D/mail/buyer/Maildir
mkdir -p "$M/cur" "$M/new" "$M/tmp"
cp "$FIXTURES/demo/Maildir/INBOX/cur/"* "$M/cur/"
corpus=$(corpus_dir)
if [ -n "$corpus" ]; then
	corpus_maildir "$corpus/hard-ham-1" "$M/.Corpus" 250
else
	echo "# corpus not available: demo and synthetic mail only"
	corpus_maildir "$FIXTURES/demo/Maildir/Archive/cur" "$M/.Corpus"
	cp "$FIXTURES/demo/Maildir/Archive/cur/"* "$M/.Corpus/cur/"
fi
mkdir -p "$M/.Odd/cur" "$M/.Odd/new" "$M/.Odd/tmp"
python3 - "$M/.Odd/cur" <<'EOF'
import os, random, sys, base64
d = sys.argv[1]
def put(name, data):
    open(os.path.join(d, name + ":2,S"), "wb").write(data)
hdr = b"From: Big Vendor <sales@bigvendor.example>\nTo: rich@northwind.example\n"
rnd = random.Random(5)
body = base64.encodebytes(bytes(rnd.getrandbits(8) for _ in range(3_600_000)))
put("1.big", hdr + b"Subject: catalogue\nMessage-ID: <big@bigvendor.example>\n\n" + body)
put("2.nul", hdr + b"Subject: nul\nMessage-ID: <nul@bigvendor.example>\n\nbefore\0after\n")
put("3.nonl", hdr + b"Subject: no newline\nMessage-ID: <nonl@bigvendor.example>\n\nno end")
put("4.noid", hdr + b"Subject: no id\n\nwho am I\n")
put("5.cr", hdr + b"Subject: cr\nMessage-ID: <cr@bigvendor.example>\n\na\rb\n")
EOF
imap_start

# config NAME [ACCOUNT LINES]: a config with one account on the server.
config() {
	write_config "$TMP/$1.conf" "$TMP/$1-mail" "$TMP/$1-data" "$(imap_account "$1" "${2:-}")"
}
# local_hashes DIR: sha256 of each file in a Maildir folder, sorted.
local_hashes() {
	find "$1/cur" "$1/new" -type f -exec sha256sum {} + 2>/dev/null | cut -d' ' -f1 | sort
}
server_hashes() { IMAP hashes "$1" | sort; }
nfiles() { find "$1/cur" "$1/new" -type f 2>/dev/null | wc -l | tr -d ' '; }

IMAP subscribe Corpus Odd || {
	echo "Bail out! the test server does not answer:"
	sed 's/^/# /' "$D/dovecot.log" | tail -20
	exit 1
}

# ---- full sync -----------------------------------------------------------------
config main
V="$VTRIAGE --config $TMP/main.conf"
L=$TMP/main-mail/main
out=$($V sync --no-index 2>&1)
rc=$?
echo "$out" | sed 's/^/# /'
is "full sync exits 0" "$rc" "0"
for f in INBOX Corpus Odd; do
	is "full sync: $f has every message" "$(nfiles "$L/$f")" "$(IMAP count "$f")"
	is "full sync: $f files are what the server serves (CRLF->LF)" \
		"$(local_hashes "$L/$f")" "$(server_hashes "$f")"
done
big=$(grep -l 'catalogue' "$L"/Odd/*/* | head -1)
ok "the big message arrived whole (fetched in slices)" test "$(wc -c <"$big")" -gt 4000000
ok "a NUL byte arrives as dovecot serves it (0x80)" grep -q "before$(printf '\200')after" \
	"$L"/Odd/*/*
lacks "--no-index does not index" "$out" "indexed"
ok "seen mail lands in cur/ with :2,S" sh -c "ls '$L/INBOX/cur' | grep -q ':2,S$'"

# ---- sync then index, as one command -------------------------------------------------
config idx "folders = INBOX"
out=$($VTRIAGE --config "$TMP/idx.conf" sync 2>&1)
is "sync with indexing exits 0" "$?" "0"
contains "the summary counts the indexed mail" "$out" "indexed $(IMAP count INBOX) new messages"
is "the index has the synced mail" "$($VTRIAGE --config "$TMP/idx.conf" count folder:idx/INBOX)" \
	"$(IMAP count INBOX)"

# ---- incremental ------------------------------------------------------------------
out=$($V sync --no-index 2>&1)
contains "a second sync fetches nothing" "$out" "0 new messages"
contains "a second sync changes no flags" "$out" "flags 0 up, 0 down, 0 removed"
set -- "$FIXTURES"/demo/Maildir/Archive/cur/*
IMAP append INBOX "$1" "$2" "$3"
out=$($V sync --no-index 2>&1)
contains "incremental sync fetches exactly the 3 appended" "$out" "3 new messages"
is "INBOX matches the server after appending" "$(local_hashes "$L/INBOX")" \
	"$(server_hashes INBOX)"

# ---- flags both ways ----------------------------------------------------------------
uv=$(IMAP uidvalidity INBOX)
IMAP store INBOX 2 +FLAGS '(\Flagged)'
$V sync --no-index >/dev/null 2>&1
ok "\\Flagged on the server -> F in the local name" \
	sh -c "ls '$L/INBOX/cur' | grep -q ',vt=$uv-2:2,FS$'"
f=$(ls "$L/INBOX/new" | grep ",vt=$uv-21$")
ok "an appended message is unseen (in new/)" test -n "$f"
mv "$L/INBOX/new/$f" "$L/INBOX/cur/$f:2,S"
out=$($V sync --no-index 2>&1)
contains "a local flag change goes up" "$out" "flags 1 up"
contains "the server has \\Seen" "$(IMAP flags INBOX 21)" '\Seen'
IMAP store INBOX 3 -FLAGS '(\Seen)'
mv "$L/INBOX/cur/$(ls "$L/INBOX/cur" | grep ",vt=$uv-4:")" "$L/INBOX/cur/x,vt=$uv-4:2,RS"
$V sync --no-index >/dev/null 2>&1
ok "\\Seen removed on the server -> no S locally" \
	sh -c "ls '$L/INBOX/cur' '$L/INBOX/new' | grep ',vt=$uv-3' | grep -vq 'S'"
contains "\\Answered set here -> on the server" "$(IMAP flags INBOX 4)" '\Answered'

# ---- expunge ------------------------------------------------------------------------
IMAP expunge INBOX 5
out=$($V sync --no-index 2>&1)
contains "an expunge is reported" "$out" "1 removed"
ok "the expunged message's file is gone" sh -c "! ls -R '$L/INBOX' | grep -q ',vt=$uv-5[:]*'"
is "INBOX matches the server after the expunge" "$(local_hashes "$L/INBOX")" \
	"$(server_hashes INBOX)"

# ---- two files of one UID ----------------------------------------------------------
# a copy of a message beside it (cp in a file manager) goes; a copy the
# user changed is not the server's message: the newer file stays, as
# local mail, and the older keeps the UID
six=$(ls "$L/INBOX/cur" | grep ",vt=$uv-6:")
cp "$L/INBOX/cur/$six" "$L/INBOX/cur/copy,vt=$uv-6:2,S"
seven=$(ls "$L/INBOX/cur" | grep ",vt=$uv-7:")
sed 's/^Subject: /Subject: [my notes] /' "$L/INBOX/cur/$seven" >"$L/INBOX/cur/edited,vt=$uv-7:2,S"
touch -d '1 minute' "$L/INBOX/cur/edited,vt=$uv-7:2,S"
$V sync --no-index >/dev/null 2>&1
is "the same bytes twice under one UID: one file left" \
	"$(ls "$L/INBOX/cur" "$L/INBOX/new" | grep -c ",vt=$uv-6[:]*")" "1"
ok "changed bytes under the same UID: the older file keeps it" test -f "$L/INBOX/cur/$seven"
ok "and the changed copy is still here, no longer the UID's" test -f "$L/INBOX/cur/edited:2,S"
contains "with the user's change" "$(cat "$L/INBOX/cur/edited:2,S")" "Subject: [my notes] "
rm "$L/INBOX/cur/edited:2,S"
is "INBOX matches the server again" "$(local_hashes "$L/INBOX")" "$(server_hashes INBOX)"

# ---- UIDVALIDITY change ---------------------------------------------------------------
# a flag set here and synced, then gone from the server with the
# folder's recreation (cleared there): it stays cleared
g=$(grep -l "nonl@bigvendor.example" "$L/Odd/cur/"*)
mv "$g" "${g%:2,*}:2,FS"
$V sync --no-index >/dev/null 2>&1
contains "(the flag synced)" "$(IMAP fetch Odd nonl@bigvendor.example | head -1)" "Flagged"
before=$(IMAP uidvalidity Odd)
# a flag set here and not synced yet, across the change
f=$(grep -l "nul@bigvendor.example" "$L/Odd/cur/"*)
mv "$f" "${f%:2,*}:2,FS"
IMAP recreate Odd
IMAP subscribe Odd
ok "the server gave Odd a new UIDVALIDITY" test "$(IMAP uidvalidity Odd)" != "$before"
out=$($V sync --no-index 2>&1)
echo "$out" | sed 's/^/# /'
# dovecot rewrites the bare CR of one message on APPEND: that one comes
# again (same Message-ID, new bytes) and replaces the old file
fetched=$(echo "$out" | sed -n 's/.*: \([0-9]*\) new message.*/\1/p')
replaced=$(echo "$out" | sed -n 's/.* \([0-9]*\) replaced by the server.*/\1/p')
kept=$(echo "$out" | sed -n 's/.* \([0-9]*\) kept across a UIDVALIDITY change.*/\1/p')
is "after a UIDVALIDITY change only changed mail is fetched again" "$fetched" "${replaced:-0}"
is "the other old files are kept and renumbered" "$((kept + ${replaced:-0}))" "5"
lacks "no old file is left unsynced" "$out" "no longer on the server"
is "no duplicates after the UIDVALIDITY change" "$(local_hashes "$L/Odd")" \
	"$(server_hashes Odd)"
contains "a flag set here before the UIDVALIDITY change reaches the server" \
	"$(IMAP fetch Odd nul@bigvendor.example | head -1)" "Flagged"
ok "and stays here" test -n "$(grep -l nul@bigvendor.example "$L/Odd/cur/"* | grep -F ':2,FS' || true)"
lacks "a flag synced before and cleared there stays cleared" \
	"$(IMAP fetch Odd nonl@bigvendor.example | head -1)" "Flagged"
ok "(here too)" test -z "$(grep -l nonl@bigvendor.example "$L/Odd/cur/"* | grep -F ':2,F' || true)"
out=$($V sync --no-index 2>&1)
contains "and the next sync is quiet again" "$out" "0 new messages"

# ---- a subscribed folder deleted on the server ---------------------------------------
# its subscription stays (RFC 3501): every sync after failed on its SELECT
IMAP create Gone
IMAP subscribe Gone
IMAP append Gone "$M/.Odd/cur/$(ls "$M/.Odd/cur" | head -1)"
$V sync --no-index >/dev/null 2>&1
is "(the subscribed folder is synced)" "$(nfiles "$L/Gone")" 1
IMAP delete Gone
out=$($V sync --no-index 2>&1)
is "a subscribed folder deleted on the server fails no sync" "$?" 0
lacks "(no SELECT of it)" "$out" "SELECT"
is "(its local copy is kept)" "$(nfiles "$L/Gone")" 1
contains "the user is told its local copy stays, unsynced" "$out" \
	"folder \"Gone\" is no longer on the server's list (deleted, renamed or unsubscribed there, or left out of folders =); its mail stays in $L/Gone, no longer synced"
contains "and the summary counts it" "$out" "1 folder no longer on the server (kept here, unsynced)"
out=$($V sync --no-index 2>&1)
lacks "once: the next sync says nothing of it" "$out" "Gone"
# renamed on the server: the new name is synced, the old copy said once
IMAP create Old
IMAP subscribe Old
IMAP append Old "$M/.Odd/cur/$(ls "$M/.Odd/cur" | head -1)"
$V sync --no-index >/dev/null 2>&1
IMAP rename Old New
IMAP subscribe New
out=$($V sync --no-index --format=json 2>&1)
contains "a folder renamed on the server: its old name's copy is told of" "$out" 'folder "Old" is no longer'
contains "(counted in JSON)" "$out" '"folders_gone":1'
is "(the new name is synced)" "$(nfiles "$L/New")" 1
# one that comes back is synced as before, and told of again if it goes
IMAP create Gone
IMAP subscribe Gone
out=$($V sync --no-index 2>&1)
lacks "a folder back on the server is synced, not told of" "$out" "no longer on the server's list"
IMAP delete Gone
contains "and told of again when it goes again" "$($V sync --no-index 2>&1)" 'folder "Gone" is no longer'

# ---- kill -9 mid-sync, then resume -----------------------------------------------------
start_proxy 0 2000000
config kill "port = $PROXY_PORT
folders = Corpus"
K=$TMP/kill-mail/kill/Corpus
$VTRIAGE --config "$TMP/kill.conf" sync --no-index >/dev/null 2>&1 &
spid=$!
for i in $(seq 200); do
	[ "$(nfiles "$K")" -ge 20 ] && break
	sleep 0.05
done
kill -9 $spid 2>/dev/null
wait $spid 2>/dev/null
echo "# killed with $(nfiles "$K") files down"
kill $PROXY_PID
config kill "folders = Corpus"
$VTRIAGE --config "$TMP/kill.conf" sync --no-index >/dev/null 2>&1
is "after kill -9 and a resume every message is here exactly once" "$(local_hashes "$K")" \
	"$(server_hashes Corpus)"
ok "no leftovers in tmp/" sh -c "! ls '$K/tmp' | grep -q ','"

# ---- a connection cut by the network -------------------------------------------------------
start_proxy 150000 0
config cut "port = $PROXY_PORT"
out=$($VTRIAGE --config "$TMP/cut.conf" sync --no-index 2>&1)
is "a cut connection fails the sync (exit 1)" "$?" "1"
echo "$out" | sed 's/^/# /'
contains "the folder cut off is named" "$out" "sync cut/"
contains "the error says what happened" "$out" "server closed the connection in the middle of message UID"
C=$TMP/cut-mail/cut
is "the folder before the cut was synced" "$(local_hashes "$C/INBOX")" "$(server_hashes INBOX)"
$VTRIAGE --config "$TMP/cut.conf" sync --no-index >/dev/null 2>&1
is "the next run resumes: exit 0" "$?" "0"
for f in INBOX Corpus Odd; do
	is "after the resume $f is complete, once" "$(local_hashes "$C/$f")" "$(server_hashes "$f")"
done
kill $PROXY_PID

# ---- wrong password --------------------------------------------------------------------
echo 'Wr0ng-Hunter2' >"$TMP/wrong.pw"
config wrong "password_command = cat $TMP/wrong.pw"
out=$($VTRIAGE --config "$TMP/wrong.conf" sync 2>&1)
is "a wrong password: exit 1" "$?" "1"
contains "a wrong password: the error says so" "$out" "login as buyer"
lacks "the password is not in the output" "$out" "Wr0ng-Hunter2"
ok "the password is nowhere in the data directory" sh -c \
	"! grep -r -q 'Wr0ng-Hunter2\|$PASS' '$TMP/wrong-data' '$TMP/main-data'"

# ---- TLS -------------------------------------------------------------------------------
# the account's tls and port those given (imap_account leaves out its own)
tls_config() { # NAME TLS PORT [EXTRA]
	config "$1" "tls = $2
port = $3
${4:-}"
}
tls_config tlsbad implicit "$SPORT"
out=$($VTRIAGE --config "$TMP/tlsbad.conf" sync --no-index 2>&1)
is "a self-signed certificate is refused (exit 1)" "$?" "1"
contains "the refusal explains and offers the fingerprint" "$out" "cert_fingerprint = $FP"
lacks "(one full stop after GnuTLS's reason)" "$out" ". ."
# a wrong pin, and a failing password command: the error names their line
tls_config tlswrong implicit "$SPORT" "cert_fingerprint = sha256:$(printf '%064d' 0)"
out=$($VTRIAGE --config "$TMP/tlswrong.conf" sync --no-index 2>&1)
contains "a wrong pin names its own line" "$out" \
	"tlswrong.conf:$(grep -n '^cert_fingerprint' "$TMP/tlswrong.conf" | cut -d: -f1) [account tlswrong] cert_fingerprint"
config pwfail "password_command = false"
out=$($VTRIAGE --config "$TMP/pwfail.conf" sync --no-index 2>&1)
contains "a failing password_command names its own line" "$out" \
	"pwfail.conf:$(grep -n '^password_command' "$TMP/pwfail.conf" | cut -d: -f1): [account pwfail] password_command failed"
ok "nothing was synced" test ! -d "$TMP/tlsbad-mail/tlsbad/INBOX/cur"
tls_config tlspin implicit "$SPORT" "cert_fingerprint = $FP"
out=$($VTRIAGE --config "$TMP/tlspin.conf" sync --no-index 2>&1)
is "a pinned certificate is accepted (implicit TLS)" "$?" "0"
is "implicit TLS sync gets the mail" "$(local_hashes "$TMP/tlspin-mail/tlspin/INBOX")" \
	"$(server_hashes INBOX)"
tls_config tlsstart starttls "$PORT"
out=$($VTRIAGE --config "$TMP/tlsstart.conf" sync --no-index 2>&1)
is "STARTTLS verifies the certificate too" "$?" "1"
tls_config tlsstart starttls "$PORT" "cert_fingerprint = $FP"
out=$($VTRIAGE --config "$TMP/tlsstart.conf" sync --no-index 2>&1)
is "STARTTLS with the pinned certificate works" "$?" "0"
is "STARTTLS sync gets the mail" "$(local_hashes "$TMP/tlsstart-mail/tlsstart/Odd")" \
	"$(server_hashes Odd)"
config far "host = 192.0.2.1"
out=$($VTRIAGE --config "$TMP/far.conf" sync 2>&1)
is "tls = none to a non-loopback host is a config error (exit 2)" "$?" "2"
contains "and it says why" "$out" "loopback"
lacks "and no index of a Maildir no sync made follows" "$out" "No such file or directory"

# ---- a folder mbsync manages ----------------------------------------------------------
config mb "folders = INBOX, Odd"
mkdir -p "$TMP/mb-mail/mb/INBOX"
touch "$TMP/mb-mail/mb/INBOX/.mbsyncstate"
out=$($VTRIAGE --config "$TMP/mb.conf" sync --no-index 2>&1)
is "a folder with mbsync state fails the sync (exit 2)" "$?" "2"
contains "the refusal names mbsync" "$out" "mbsync"
is "the other folder is synced" "$(nfiles "$TMP/mb-mail/mb/Odd")" "$(IMAP count Odd)"
is "the mbsync folder is untouched" "$(nfiles "$TMP/mb-mail/mb/INBOX")" "0"

done_testing
