#!/bin/sh
# No false alarms on ordinary mail: the SpamAssassin corpus's ham
# (easy-ham-1, easy-ham-2, hard-ham-1: 4,150 real messages of 2002, no
# invoice fraud among them) indexed with its owner's identity. Every
# look-alike flag it raises is listed here with why it is raised; a new
# one fails the test until it is justified (or the rules are fixed).
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

corpus=$(corpus_dir)
[ -n "$corpus" ] || skip_all "the SpamAssassin corpus is neither in ../shared nor fetchable"
for g in easy-ham-1 easy-ham-2 hard-ham-1; do
	corpus_maildir "$corpus/$g" "$TMP/mail/$g"
done
write_config "$TMP/conf" "$TMP/mail" "$TMP/data"
vt() { "$VTRIAGE" --config "$TMP/conf" "$@"; }
ok "the ham indexes" vt index --quiet
vt check >"$TMP/check"

# Justified look-alike flags, by domain:
# - python.org (23 messages) and python.net (8) look like python.ca
#   (another TLD): three domains of the Python community under three
#   suffixes. python.ca (nas@, 5 messages) wrote first, on 2002-09-05,
#   the others from the next day, so they are the newcomers. A name under
#   another suffix is exactly what a fraudster registers, so the flag is
#   right to ask; one `vendor merge --force` answers it for good.
expected='python.net looks like python.ca (.net for .ca)
python.org looks like python.ca (.org for .ca)'
got=$(sed -n 's/^    lookalike sender domain //p' "$TMP/check" | sort -u)
is "the look-alike flags on ham are the two justified ones" "$got" "$expected"
is "in 31 of 4,150 messages" "$(vt count suspicious:lookalike)" 31

# The other signals stay as quiet. Each one raised, and why:
# - 2 name: sneakemail.com, a forwarding service, shows the original
#   sender's address in the display name (what a forger does too);
# - 1 name: Malte S. Stretz writes to the SpamAssassin lists from
#   sourceforge.net and, for the first time here, from gmx.net: a
#   freemail sender using a known correspondent's name.
is "3 messages raise other signals" "$(vt count suspicious:yes and not suspicious:lookalike)" 3
is "no bank, reply-to or authentication alarm" \
	"$(vt count suspicious:bank or suspicious:replyto or suspicious:auth)" 0
done_testing
