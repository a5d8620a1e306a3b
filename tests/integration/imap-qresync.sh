#!/bin/sh
# vtriage sync with QRESYNC (RFC 7162) and without: the same story against
# three listeners of one dovecot that advertise QRESYNC + CONDSTORE,
# CONDSTORE only, and neither (imap_local), one user each. Every listener
# records its sessions (rawlog), so the test can say which commands went
# out: with QRESYNC, an incremental sync is one SELECT (QRESYNC ...) that
# brings VANISHED and the changed flags, and never a UID SEARCH or a
# CHANGEDSINCE fetch; a first sync and a new UIDVALIDITY list the folder,
# and so does a sync whose VANISHED response left an expunge out.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

. "$top_srcdir/tests/lib-imap.sh"
imap_setup

NOQR_CAPS=$(echo "$IMAP_BASE_CAPS" | sed 's/ QRESYNC//')
PLAIN_CAPS=$(echo "$NOQR_CAPS" | sed 's/ CONDSTORE//')
imap_local 127.0.0.2 "$IMAP_BASE_CAPS" "$D/raw-qresync"
imap_local 127.0.0.3 "$NOQR_CAPS" "$D/raw-condstore"
imap_local 127.0.0.4 "$PLAIN_CAPS" "$D/raw-plain"
for u in qresync condstore plain; do
	imap_user $u
	cp "$FIXTURES/demo/Maildir/INBOX/cur/"* "$M/cur/"
	mkdir -p "$M/.Parts/cur" "$M/.Parts/new" "$M/.Parts/tmp"
	i=0
	for f in "$FIXTURES"/demo/Maildir/Archive/cur/*; do
		i=$((i + 1))
		[ $i -gt 12 ] && break
		cp "$f" "$M/.Parts/cur/"
	done
done
imap_start

local_hashes() {
	find "$1/cur" "$1/new" -type f -exec sha256sum {} + 2>/dev/null | cut -d' ' -f1 | sort
}
nfiles() { find "$1/cur" "$1/new" -type f 2>/dev/null | wc -l | tr -d ' '; }

# story MODE ADDR: the whole story for user MODE on listener ADDR.
story() {
	mode=$1
	raw=$D/raw-$mode
	S() { IMAP_AS "$mode" "$@"; }
	S subscribe Parts
	write_config "$TMP/$mode.conf" "$TMP/$mode-mail" "$TMP/$mode-data" "$(imap_account "$mode" "host = $2
user = $mode")"
	V="$VTRIAGE --config $TMP/$mode.conf"
	L=$TMP/$mode-mail/$mode
	run_sync() {
		out=$($V sync --no-index 2>&1)
		rc=$?
		cmds=$(rawlog_commands "$raw")
	}
	uv=$(S uidvalidity INBOX)

	# ---- first sync: a full listing ----
	run_sync
	is "$mode: first sync exits 0" "$rc" "0"
	for f in INBOX Parts; do
		is "$mode: first sync: $f is what the server serves" "$(local_hashes "$L/$f")" \
			"$(S hashes "$f" | sort)"
	done
	contains "$mode: a first sync lists the folder" "$cmds" "UID SEARCH ALL"
	if [ "$mode" = qresync ]; then
		contains "$mode: QRESYNC is enabled" "$cmds" "ENABLE QRESYNC"
		lacks "$mode: a first sync has no QRESYNC data to send" "$cmds" "(QRESYNC"
	else
		lacks "$mode: QRESYNC is not enabled where not offered" "$cmds" "QRESYNC"
	fi

	# ---- nothing changed ----
	run_sync
	contains "$mode: a second sync fetches nothing" "$out" "0 new messages"
	contains "$mode: a second sync changes nothing" "$out" "flags 0 up, 0 down, 0 removed"
	lacks "$mode: a second sync sends no UID SEARCH" "$cmds" "UID SEARCH"
	lacks "$mode: nor a CHANGEDSINCE fetch" "$cmds" "CHANGEDSINCE"
	if [ "$mode" = qresync ]; then
		contains "$mode: SELECT carries the state's UIDVALIDITY and modseq" "$cmds" \
			"SELECT \"INBOX\" (QRESYNC ($uv "
	fi

	# ---- new mail ----
	set -- "$FIXTURES"/demo/Maildir/Sent/cur/*
	S append INBOX "$1" "$2" "$3"
	run_sync
	contains "$mode: incremental sync fetches exactly the 3 appended" "$out" "3 new messages"
	is "$mode: INBOX matches the server after appending" "$(local_hashes "$L/INBOX")" \
		"$(S hashes INBOX | sort)"
	[ "$mode" = qresync ] &&
		lacks "$mode: new mail is found without UID SEARCH" "$cmds" "UID SEARCH"

	# ---- flags both ways ----
	S store INBOX 2 +FLAGS '(\Flagged)'
	f=$(ls "$L/INBOX/new" | grep ",vt=$uv-21$")
	ok "$mode: an appended message is unseen (in new/)" test -n "$f"
	mv "$L/INBOX/new/$f" "$L/INBOX/cur/$f:2,S"
	run_sync
	contains "$mode: one flag goes up, one comes down" "$out" "flags 1 up, 1 down"
	ok "$mode: \\Flagged on the server -> F in the local name" \
		sh -c "ls '$L/INBOX/cur' | grep -q ',vt=$uv-2:2,FS$'"
	contains "$mode: S here -> \\Seen on the server" "$(S flags INBOX 21)" '\Seen'
	if [ "$mode" = qresync ]; then
		lacks "$mode: flags came with SELECT (no CHANGEDSINCE)" "$cmds" "CHANGEDSINCE"
		lacks "$mode: no UID SEARCH for flags" "$cmds" "UID SEARCH"
	fi
	S store INBOX 3 -FLAGS '(\Seen)'
	run_sync
	ok "$mode: \\Seen removed on the server -> no S here" \
		sh -c "ls '$L/INBOX/cur' '$L/INBOX/new' | grep ',vt=$uv-3' | grep -vq 'S'"

	# ---- expunge on the server ----
	S expunge INBOX 5
	run_sync
	contains "$mode: an expunge is reported" "$out" "1 removed"
	ok "$mode: the expunged message's file is gone" \
		sh -c "! ls -R '$L/INBOX' | grep -q ',vt=$uv-5[:]*$'"
	is "$mode: INBOX matches the server after the expunge" "$(local_hashes "$L/INBOX")" \
		"$(S hashes INBOX | sort)"
	[ "$mode" = qresync ] && lacks "$mode: VANISHED, not UID SEARCH" "$cmds" "UID SEARCH"

	# ---- all at once: two gone, one new, one flagged ----
	S expunge INBOX 6
	S expunge INBOX 22
	S append INBOX "$4"
	S store INBOX 7 +FLAGS '(\Answered)'
	run_sync
	contains "$mode: mixed changes: the new one is fetched" "$out" "1 new message"
	contains "$mode: mixed changes: two removed" "$out" "2 removed"
	is "$mode: INBOX matches the server after mixed changes" "$(local_hashes "$L/INBOX")" \
		"$(S hashes INBOX | sort)"
	ok "$mode: the answered flag came down" \
		sh -c "ls '$L/INBOX/cur' | grep -q ',vt=$uv-7:2,R'"
	is "$mode: as many files as the server has" "$(nfiles "$L/INBOX")" "$(S count INBOX)"
	[ "$mode" = qresync ] && lacks "$mode: still no UID SEARCH" "$cmds" "UID SEARCH"

	# ---- a file deleted here stays on the server ----
	rm "$L/INBOX/cur/"*",vt=$uv-8:"*
	run_sync
	is "$mode: a file deleted here is not deleted there" "$(S count INBOX)" \
		"$(($(nfiles "$L/INBOX") + 1))"

	# ---- a new UIDVALIDITY ----
	puv=$(S uidvalidity Parts)
	S recreate Parts
	S subscribe Parts
	ok "$mode: the server gave Parts a new UIDVALIDITY" test "$(S uidvalidity Parts)" != "$puv"
	run_sync
	is "$mode: sync after a new UIDVALIDITY exits 0" "$rc" "0"
	contains "$mode: the old files are kept and renumbered" "$out" \
		"12 kept across a UIDVALIDITY change"
	is "$mode: no duplicates after the UIDVALIDITY change" "$(local_hashes "$L/Parts")" \
		"$(S hashes Parts | sort)"
	if [ "$mode" = qresync ]; then
		contains "$mode: the old UIDVALIDITY went with QRESYNC" "$cmds" \
			"SELECT \"Parts\" (QRESYNC ($puv "
		contains "$mode: a new UIDVALIDITY means a full listing" "$cmds" "UID SEARCH ALL"
	fi
	run_sync
	contains "$mode: then quiet again" "$out" "0 new messages"
	contains "$mode: quiet flags too" "$out" "flags 0 up, 0 down, 0 removed"
	lacks "$mode: and no UID SEARCH" "$cmds" "UID SEARCH"
	[ "$mode" = qresync ] && contains "$mode: the new UIDVALIDITY goes with QRESYNC" "$cmds" \
		"SELECT \"Parts\" (QRESYNC ($(S uidvalidity Parts) "
}

story qresync 127.0.0.2

# ---- a server that forgets what it expunged ----
# RFC 7162 lets a server leave expunged UIDs out of VANISHED (EARLIER)
# when it no longer remembers them. vtriage counts: the messages it keeps
# plus the new ones must make EXISTS, else it lists the folder. A proxy in
# front of the QRESYNC listener drops every VANISHED response (passing
# literals through untouched) and notes what it dropped.
start_proxy 0 0 "target=127.0.0.2:$PORT" "drop=* VANISHED" "dropped=$TMP/forget.dropped"
write_config "$TMP/forget.conf" "$TMP/qresync-mail" "$TMP/qresync-data" \
	"$(imap_account qresync "port = $PROXY_PORT
user = qresync")"
L=$TMP/qresync-mail/qresync
uv=$(IMAP_AS qresync uidvalidity INBOX)
IMAP_AS qresync expunge INBOX 9
out=$($VTRIAGE --config "$TMP/forget.conf" sync --no-index 2>&1)
is "forgetful server: sync exits 0" "$?" "0"
cmds=$(rawlog_commands "$D/raw-qresync")
contains "forgetful server: the proxy dropped the VANISHED response" \
	"$(cat "$TMP/forget.dropped" 2>/dev/null)" "VANISHED (EARLIER) 9"
contains "forgetful server: SELECT still carried QRESYNC data" "$cmds" \
	"SELECT \"INBOX\" (QRESYNC ($uv "
contains "forgetful server: the count did not add up, so the folder is listed" \
	"$cmds" "UID SEARCH"
contains "forgetful server: the expunge is found all the same" "$out" "1 removed"
ok "forgetful server: the expunged message's file is gone" \
	sh -c "! ls -R '$L/INBOX' | grep -q ',vt=$uv-9[:]*$'"
# the story deleted one file here that stays on the server
IMAP_AS qresync hashes INBOX | sort >"$TMP/forget.server"
local_hashes "$L/INBOX" >"$TMP/forget.local"
is "forgetful server: nothing here that the server lacks" \
	"$(comm -23 "$TMP/forget.local" "$TMP/forget.server")" ""
is "forgetful server: all the server has but the file deleted here" \
	"$(($(nfiles "$L/INBOX") + 1))" "$(IMAP_AS qresync count INBOX)"

story condstore 127.0.0.3
story plain 127.0.0.4

done_testing
