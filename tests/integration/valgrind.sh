#!/bin/sh
# The main paths under valgrind's memcheck, on the demo mailbox: index
# (the read-ahead thread, attribution, trust), search, check, history,
# contacts, a refused and a forced merge, undo, attachments listed and
# saved, a tag and its undo, a query's worth of threads snoozed (their
# marks written onto the index) and woken. Any invalid read or
# write, use of uninitialised memory or bad free fails the test (leaks
# are the sanitizer run's: GLib, GMime and Xapian keep caches by design).
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

command -v valgrind >/dev/null || skip_all "valgrind not installed"
# the sanitizer build's binaries run under ASan, which valgrind cannot host
ldd "$VTRIAGE" 2>/dev/null | grep -q libasan && skip_all "an ASan build: memcheck runs on the plain one"
copy_maildir "$FIXTURES/demo/Maildir" "$TMP/mail"
write_config "$TMP/conf" "$TMP/mail" "$TMP/data"
vg() {
	valgrind -q --error-exitcode=99 --suppressions="$top_srcdir/tests/valgrind.supp" \
		"$VTRIAGE" --config "$TMP/conf" "$@"
}
ok "index" vg index --quiet
ok "search" vg search vendor:acmetel
ok "a whole list, threads of one message written from the store" vg search --format=json '*'
ok "a vendor's first threads, from the store" vg search --limit 2 vendor:acmetel
ok "check" vg check --format=json
ok "history" vg history acmetel
ok "contacts" vg contact list acmetel
is "a refused merge" "$(status vg vendor merge acmetel-billing acmetel)" 2
ok "a forced merge" vg vendor merge acmetel-billing acmetel --force
ok "undo" vg undo
ok "a second index" vg index --quiet
ok "attachments (and an HTML body) listed" vg attachment list '*'
mkdir "$TMP/saved"
ok "an attachment saved" vg attachment save id:3DA3C96B.7050007@eecs.berkeley.edu 2 --to "$TMP/saved"
ok "a thread moved to the Trash" vg tag +deleted 'subject:"lunch thursday"'
ok "and back" vg undo
ok "every thread snoozed, the marks written" vg snooze '*' --until 2w
is "nothing left named" "$(sqlite3 "$TMP/data/vtriage.db" 'SELECT count(*) FROM snooze_changed')" 0
ok "and woken" vg unsnooze '*'
done_testing
