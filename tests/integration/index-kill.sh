#!/bin/sh
# A first index killed (SIGKILL) half-way keeps what it committed: the
# index commits every 2,048 files, the store before it, so after the kill
# the index holds whole commits and the next run adds only the rest (it
# does not start over), ending with every message once in both.
. "$(dirname "$0")/../lib.sh"

M=$TMP/mail
N=6000
python3 - "$M" "$N" <<'PY'
import os, sys
root, n = sys.argv[1], int(sys.argv[2])
for f in range(6):
    d = os.path.join(root, "f%d" % f)
    for sub in ("cur", "new", "tmp"):
        os.makedirs(os.path.join(d, sub), exist_ok=True)
for i in range(n):
    body = "Order %d confirmed.\n" % i + "Lorem ipsum dolor sit amet %d.\n" % i * 20
    with open(os.path.join(root, "f%d" % (i % 6), "cur", "m%05d:2,S" % i), "w") as out:
        out.write("From: Sales <sales@v%d.example>\nTo: rich@northwind.example\n"
                  "Subject: order %d\nDate: Mon, 2 Nov 2026 10:%02d:00 +0000\n"
                  "Message-ID: <k%d@test>\n\n%s" % (i % 40, i, i % 60, i, body))
PY
write_config "$TMP/conf" "$M" "$TMP/data"
V="$VTRIAGE --config $TMP/conf"

# kill it once the index holds a commit, long before the end; on a busy
# machine the first poll may come too late, or the first count make the
# store just as the run would (the run then finds it busy and stops):
# then again, from nothing
for attempt in 1 2 3; do
	rm -rf "$TMP/data"
	$V index --quiet 2>"$TMP/index.err" &
	pid=$!
	n=0 t=0
	while [ "$t" -lt 600 ]; do
		n=$($V count '*' 2>>"$TMP/count.err" || echo 0)
		[ "${n:-0}" -ge 2048 ] && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
		t=$((t + 1))
	done
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	k=$($V count '*')
	[ "$k" -ge 2048 ] && [ "$k" -lt "$N" ] && break
done
kept=$($V count '*')
echo "# attempt $attempt: polled $t times, last count $n; $(sort -u "$TMP/count.err" 2>/dev/null | head -3) index: $(head -3 "$TMP/index.err")"
ok "killed part-way with work committed ($kept of $N messages)" \
	test "$kept" -ge 2048 -a "$kept" -lt "$N"
out=$($V index 2>&1)
is "the next run exits 0" "$?" 0
added=$(echo "$out" | sed -n 's/.*: \([0-9]*\) messages added.*/\1/p')
ok "it adds only what the kill lost ($added, with $kept kept)" \
	test "$added" -le $((N - kept))
is "every message indexed" "$($V count '*')" "$N"
is "once in the store" "$(sqlite3 "$TMP/data/vtriage.db" 'SELECT count(*), count(DISTINCT message_id) FROM messages')" "$N|$N"
is "each vendor once" "$($V vendor list --format=json | python3 -c 'import json,sys; v=json.load(sys.stdin); print(len(v), sum(x["messages"] for x in v))')" "40 $N"
done_testing
