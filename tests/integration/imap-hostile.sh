#!/bin/sh
# vtriage sync against a hostile IMAP server (tests/hostile-imap.py, one
# scenario per run): servers that drip, flood, lie about sizes, leave
# messages out or greet with nonsense. Each run must end in bounded time
# and memory, say what happened in plain words, exit non-zero without
# claiming success, still sync the healthy folder where the connection
# allowed it, and leave what it missed to the next sync, which fetches it
# from a good server. Also: vtriage-sync keeps no core and is not
# dumpable while it holds a password.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

command -v python3 >/dev/null || skip_all "python3 not installed"
command -v timeout >/dev/null || skip_all "no timeout(1)"

SERVER="$top_srcdir/tests/hostile-imap.py"
echo secret >"$TMP/pw"

# serve SCENARIO: a hostile server for this scenario; sets HPORT.
serve() {
	rm -f "$TMP/port"
	python3 "$SERVER" "$1" 25 >"$TMP/port" &
	HPID=$!
	at_exit "kill $HPID 2>/dev/null"
	for i in $(seq 50); do [ -s "$TMP/port" ] && break; sleep 0.1; done
	HPORT=$(cat "$TMP/port")
}

# conf DIR: a configuration syncing Bad, then INBOX, of the server on
# HPORT into DIR, with small limits so that each scenario takes seconds.
conf() {
	write_config "$1/conf" "$1/mail" "$1/data" "[account work]
host = 127.0.0.1
port = $HPORT
tls = none
user = buyer
password_command = cat $TMP/pw
folders = Bad, INBOX
timeout = 2
command_timeout = 3
min_rate = 1K
max_line = 64K
max_message = 1M"
}

# sync SCENARIO: one sync against a fresh server of SCENARIO; sets OUT
# (stdout and stderr), RC, SECS (wall time) and RSS (max KB).
sync_against() {
	serve "$1"
	mkdir -p "$TMP/$1"
	conf "$TMP/$1"
	OUT=$(timeout 30 /usr/bin/time -f "%e %M" -o "$TMP/time" \
		"$VTRIAGE" --config "$TMP/$1/conf" sync --no-index 2>&1)
	RC=$?
	# the last line: before it, time(1) may say the command failed
	SECS=$(tail -1 "$TMP/time" | cut -d' ' -f1 | cut -d. -f1)
	RSS=$(tail -1 "$TMP/time" | cut -d' ' -f2)
	kill "$HPID" 2>/dev/null
	echo "$OUT" | sed "s/^/# $1: /"
}

# Memory: what a sync of three small messages takes, whatever the build
# (ASan's shadow memory included), and far below what the floods cost
# before (4.3 GB and 300 MB).
RSS_MAX=200000

# expect SCENARIO MESSAGE SECONDS: the run failed (exit 1) with MESSAGE,
# within SECONDS and RSS_MAX, and said so in its summary.
expect() {
	is "$1: exit 1" "$RC" "1"
	contains "$1: the error says what happened" "$OUT" "$2"
	ok "$1: done in ${SECS}s (at most $3)" test "$SECS" -le "$3"
	ok "$1: at most $RSS_MAX KB of memory (${RSS} KB)" test "$RSS" -le "$RSS_MAX"
	contains "$1: the summary says it failed" "$OUT" "FAILED"
	lacks "$1: no success is claimed" "$OUT" "0 removed."
}

# inbox_synced SCENARIO: the healthy folder after the bad one still synced.
inbox_synced() {
	is "$1: INBOX synced all the same" \
		"$(find "$TMP/$1/mail/work/INBOX/new" -type f 2>/dev/null | wc -l | tr -d ' ')" "1"
}

bad_count() {
	find "$TMP/$1/mail/work/Bad/new" "$TMP/$1/mail/work/Bad/cur" -type f 2>/dev/null |
		wc -l | tr -d ' '
}

# resync SCENARIO: the same account against a good server.
resync() {
	serve good
	conf "$TMP/$1"
	OUT=$($VTRIAGE --config "$TMP/$1/conf" sync --no-index 2>&1)
	RC=$?
	kill "$HPID" 2>/dev/null
	is "$1: a sync against a good server then succeeds" "$RC" "0"
	is "$1: and brings what was missed" "$(bad_count "$1")" "2"
}

# ---- greetings ----------------------------------------------------------------------
sync_against no-greeting
expect no-greeting "127.0.0.1 port $HPORT: server closed the connection without a greeting" 5

sync_against bye-greeting
expect bye-greeting "127.0.0.1 port $HPORT: server refused the connection: BYE Too many connections" 5
lacks "bye-greeting: the server's escape sequence is not printed" "$OUT" "$(printf '\033')"

sync_against garbage-greeting
expect garbage-greeting "127.0.0.1 port $HPORT: not an IMAP greeting: \"SSH-2.0-OpenSSH_9.2p1 Debian-2\"" 5

sync_against ok-no-text
expect ok-no-text "127.0.0.1: CAPABILITY: the server's answer is not IMAP: \"2 OK\"" 5

# A greeting one byte a second; meanwhile: the process holding the
# password is not dumpable and may write no core.
serve slow-greeting
mkdir -p "$TMP/dump"
conf "$TMP/dump"
chmod 755 "$TMP"
chmod 777 "$TMP/dump"
as_user=
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	# as root every /proc file is root's anyway: look at it as another user
	as_user="setpriv --reuid=65534 --regid=65534 --clear-groups"
fi
(ulimit -c unlimited 2>/dev/null; exec $as_user "$VTRIAGE" --config "$TMP/dump/conf" sync --no-index \
	>"$TMP/dump/out" 2>&1) &
SPID=$!
pid=
for i in $(seq 40); do
	pid=$(pgrep -f "vtriage-sync.*$TMP/dump/conf" | head -1)
	[ -n "$pid" ] && grep -q '^State:.*S' "/proc/$pid/status" 2>/dev/null && break
	sleep 0.1
done
core=$(awk '/^Max core file size/ { print $5 }' "/proc/$pid/limits" 2>/dev/null)
is "vtriage-sync may write no core (RLIMIT_CORE)" "$core" "0"
if [ -n "$as_user" ] || [ "$(id -u)" != 0 ]; then
	# a process that is not dumpable has its /proc files owned by root
	is "vtriage-sync is not dumpable" "$(stat -c %u "/proc/$pid/status" 2>/dev/null)" "0"
fi
wait $SPID
kill "$HPID" 2>/dev/null
OUT=$(cat "$TMP/dump/out")
echo "$OUT" | sed "s/^/# slow-greeting: /"
contains "slow-greeting: the error says the server is too slow" "$OUT" \
	"server too slow before a complete greeting"
contains "slow-greeting: and what was allowed" "$OUT" \
	"allowed: command_timeout 3 s, plus 1 s per min_rate 1024 bytes"

# ---- a folder's answers -------------------------------------------------------------------
sync_against slow-fetch
expect slow-fetch "work/Bad: UID FETCH: server too slow in the middle of an answer" 8
inbox_synced slow-fetch

sync_against huge-flags
expect huge-flags "work/Bad: SELECT: refused a response line of more than 65536 bytes (max_line)" 8
inbox_synced huge-flags

sync_against big-literal
expect big-literal "work/Bad: UID FETCH: refused message UID 2: the server announced 314572800 bytes where at most" 8
inbox_synced big-literal
resync big-literal

sync_against mid-literal
expect mid-literal "work/Bad: UID FETCH: server closed the connection in the middle of message UID 2 (80 of 159 bytes" 8
inbox_synced mid-literal

sync_against stall-literal
expect stall-literal "work/Bad: UID FETCH: server stopped sending in the middle of message UID 2 (80 of 159 bytes after 2 s)" 8
inbox_synced stall-literal
resync stall-literal

# ---- partial answers: what came is kept, what did not is said and fetched later -----
sync_against wrong-uid
expect wrong-uid "work/Bad: 1 new message not fetched (UID 2: the server answered with UID 99, which was not asked for); the next sync asks again" 8
contains "wrong-uid: the summary counts it" "$OUT" "1 NOT FETCHED"
is "wrong-uid: the message that came is kept" "$(bad_count wrong-uid)" "1"
inbox_synced wrong-uid
resync wrong-uid

sync_against body-nil
expect body-nil "work/Bad: 1 new message not fetched (UID 2: the server sent no body (BODY[] NIL))" 8
is "body-nil: the message that came is kept" "$(bad_count body-nil)" "1"
resync body-nil

sync_against missing-size
expect missing-size "work/Bad: 1 new message not fetched (UID 2: the server gave no size (RFC822.SIZE) for it)" 8
is "missing-size: the message that came is kept" "$(bad_count missing-size)" "1"
resync missing-size

# A SELECT without EXISTS (libetpan then says 0) after a good sync: the
# folder's messages are asked for by UID SEARCH, not taken for expunged.
mkdir -p "$TMP/no-exists"
resync no-exists
sync_against no-exists
is "no-exists: the sync succeeds" "$RC" "0"
contains "no-exists: nothing is taken for expunged" "$OUT" "0 removed"
is "no-exists: the folder's two messages stay" "$(bad_count no-exists)" "2"

done_testing
