# Sourced by bench/sync --big-folder N (not run alone): the server holds
# one folder of $big messages. One first sync by each tool, --reps
# no-change re-syncs of each, alternating, then --reps times $arrive new
# messages dropped into the server's folder and fetched by both at once
# (bench/timeslice). Prints (and with --append records) the report, exits.
R=$W/big
vt_conf "$R/vt"
mb_conf "$R/mb"
r=1
vt_full
mb_full
: >"$W/arrive.vt"
: >"$W/arrive.mb"
: >"$W/arrive.ratio"
for r in $(seq "$reps"); do
	run "$W/vt.again" "$VT" --config "$R/vt/config" sync --no-index --quiet
	run "$W/mb.again" mbsync -c "$R/mb/mbsyncrc" -q bench
done
for r in $(seq "$reps"); do
	ls "$W/arrivals" | sort -V | head -n "$arrive" | while read -r f; do
		mv "$W/arrivals/$f" "$M/.Big/new/${f%%:*}"
	done
	chown -R "$owner" "$M/.Big/new"
	total=$((total + arrive))
	say "$arrive new on the server ($r/$reps): side by side"
	sync
	"$top/bench/timeslice" -- "$VT" --config "$R/vt/config" sync --no-index --quiet --- \
		mbsync -c "$R/mb/mbsyncrc" -q bench >"$W/slice.out" 2>"$W/run.log" ||
		{ say "side-by-side run failed"; cat "$W/run.log" >&2; exit 1; }
	for tool in vt mb; do
		n=$(count_files "$R/$tool/mail")
		[ "$n" = "$total" ] || { say "$tool has $n of $total messages after the arrivals"; exit 1; }
	done
	awk '$1 == "A" { print $2 }' "$W/slice.out" >>"$W/arrive.vt"
	awk '$1 == "B" { print $2 }' "$W/slice.out" >>"$W/arrive.mb"
	awk '$1 == "A" { a = $2 } $1 == "B" { b = $2 } END { printf "%.4f\n", a / b }' "$W/slice.out" >>"$W/arrive.ratio"
done
med() { sort -n "$1" | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
col() { cut -d' ' -f"$2" "$1" >"$W/col"; med "$W/col"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "—" }'; }
report=$(
	echo
	echo "## vtriage sync vs mbsync, one folder of $big messages — $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo
	echo "Command: \`$cmdline\`"
	echo "on $(nproc) cores, kernel $(uname -r), $(mbsync --version 2>/dev/null | head -1), dovecot $("$DOVECOT" --version | cut -d' ' -f1), vtriage $("$VT" --version | cut -d' ' -f2) at $(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo "?")."
	echo
	echo "| measurement | mbsync | vtriage | vtriage/mbsync |"
	echo "|---|---:|---:|---:|"
	echo "| first sync of the folder (s), once each | $(col "$W/mb.full" 1) | $(col "$W/vt.full" 1) | $(ratio "$(col "$W/vt.full" 1)" "$(col "$W/mb.full" 1)") |"
	echo "| first sync, peak RSS (MB) | $(col "$W/mb.full" 2) | $(col "$W/vt.full" 2) | $(ratio "$(col "$W/vt.full" 2)" "$(col "$W/mb.full" 2)") |"
	echo "| no-change re-sync (s), median of $reps | $(col "$W/mb.again" 1) | $(col "$W/vt.again" 1) | $(ratio "$(col "$W/vt.again" 1)" "$(col "$W/mb.again" 1)") |"
	echo "| no-change re-sync, peak RSS (MB) | $(col "$W/mb.again" 2) | $(col "$W/vt.again" 2) | $(ratio "$(col "$W/vt.again" 2)" "$(col "$W/mb.again" 2)") |"
	echo "| $arrive new messages fetched, side by side (s), median of $reps | $(med "$W/arrive.mb") | $(med "$W/arrive.vt") | $(med "$W/arrive.ratio" | awk '{ printf "%.2f", $1 }') |"
	echo
	echo "One folder of $big messages from \`bench/gen-mailbox\` (real mail, $((bytes / 1000000)) MB as dovecot"
	echo "stores it) on a local dovecot over plain IMAP, synced once by each tool into"
	echo "its own Maildir; then no-change re-syncs, alternating; then $arrive new messages"
	echo "dropped into the server's folder, fetched by both at once in alternating"
	echo "quarter-second turns (\`bench/timeslice\`; the ratio is the median of the runs'"
	echo "ratios: $(tr '\n' ' ' <"$W/arrive.ratio" | sed 's/ $//; s/ /, /g')). vtriage: \`sync --no-index\`;"
	echo "mbsync: Pull, Create Near, SyncState *; both fsync every message."
)
echo "$report"
[ "$append" = 1 ] && echo "$report" >>"$top/bench/RESULTS.md"
exit 0
