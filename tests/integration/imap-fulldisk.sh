#!/bin/sh
# vtriage sync into a Maildir on a full disk (a 1 MiB tmpfs): the sync
# fails with a clear error, leaves no partial message behind and no state
# ahead of the mail; once there is room, the next sync brings every
# message exactly once. Needs root (to mount the tmpfs); skipped otherwise.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

[ "$(id -u)" = 0 ] || skip_all "needs root to mount a small tmpfs"
command -v mount >/dev/null || skip_all "no mount"

. "$top_srcdir/tests/lib-imap.sh"
imap_setup

cp "$FIXTURES/demo/Maildir/INBOX/cur/"* "$M/cur/"
python3 - "$M/cur" <<'EOF'
import base64, os, random, sys
rnd = random.Random(7)
for i in range(3):
    body = base64.encodebytes(bytes(rnd.getrandbits(8) for _ in range(400_000)))
    open(os.path.join(sys.argv[1], "big%d:2,S" % i), "wb").write(
        b"From: Big Vendor <sales@bigvendor.example>\nTo: rich@northwind.example\n"
        b"Subject: catalogue %d\nMessage-ID: <big%d@bigvendor.example>\n\n" % (i, i) + body)
EOF
imap_start

FS=$TMP/small
mkdir -p "$FS"
mount -t tmpfs -o size=1m tmpfs "$FS" 2>/dev/null || skip_all "cannot mount a tmpfs here"
at_exit "umount '$FS' 2>/dev/null"

write_config "$TMP/conf" "$FS/mail" "$TMP/data" "$(imap_account work "folders = INBOX")"
V="$VTRIAGE --config $TMP/conf"
L=$FS/mail/work/INBOX
total=$(IMAP count INBOX)
local_hashes() {
	find "$L/cur" "$L/new" -type f -exec sha256sum {} + 2>/dev/null | cut -d' ' -f1 | sort
}

out=$($V sync --no-index 2>&1)
rc=$?
echo "$out" | sed 's/^/# /'
is "a full disk fails the sync (exit 1)" "$rc" "1"
contains "the error says the disk is full" "$out" "No space left on device"
contains "and names the folder" "$out" "work/INBOX"
is "nothing half-written is left in tmp/" "$(find "$L/tmp" -type f ! -name '.vtriage*' | wc -l | tr -d ' ')" "0"
n=$(find "$L/cur" "$L/new" -type f | wc -l | tr -d ' ')
ok "the sync stopped short ($n of $total arrived)" test "$n" -lt "$total"
IMAP hashes INBOX | sort >"$TMP/server.hashes"
is "each local file is a message the server serves, whole" \
	"$(local_hashes | comm -23 - "$TMP/server.hashes")" ""

mount -o remount,size=64m "$FS"
out=$($V sync --no-index 2>&1)
rc=$?
echo "$out" | sed 's/^/# /'
is "with room again the sync succeeds" "$rc" "0"
is "every message is there exactly once" "$(local_hashes)" "$(cat "$TMP/server.hashes")"
out=$($V sync --no-index 2>&1)
contains "and a further sync fetches nothing" "$out" "0 new messages"

done_testing
