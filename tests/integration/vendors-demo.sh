#!/bin/sh
# The demo mailbox (synthetic vendor threads plus the corpus's hard-ham-1
# group): commercial senders become vendors; freemail, the user's own
# domain and discussion lists do not.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

copy_maildir "$FIXTURES/demo/Maildir" "$TMP/mail"
write_config "$TMP/conf" "$TMP/mail" "$TMP/data"
V="$VTRIAGE --config $TMP/conf"

summary=$($V index 2>&1)
is "index succeeds" "$?" 0
contains "summary counts the messages" "$summary" "277 messages"
is "every message indexed" "$($V count '*')" 277

list=$($V vendor list)
for org in acmetel.example globex.example initech.example acmetel-billing.example \
	umbrella.example mueller-buero.example; do
	contains "synthetic vendor $org listed" "$list" "$org"
done
json=$($V vendor list --format=json)
names=$(printf '%s' "$json" | python3 -c 'import json,sys; print("\n".join(sorted(d for v in json.load(sys.stdin) for d in v["domains"])))')
for org in $(cat "$FIXTURES/demo/expected-vendors.txt" | grep -v '^#'); do
	contains "hard-ham-1 sender $org is a vendor" "$names" "$org"
done
for org in gmail.com hotmail.com yahoo.com aol.com msn.com northwind.example \
	opsforum.example jmason.org taint.org spamassassin.org; do
	lacks "$org is not a vendor" "$(printf '\n%s\n' "$names")" "
$org
"
done
is "JSON has the promised fields" "$(printf '%s' "$json" | python3 -c '
import json,sys
v=json.load(sys.stdin)
need={"slug","name","domains","bucket","messages","last_seen"}
print(all(need <= set(x) for x in v) and len(v) > 20)')" True
is "new vendors start in the generic bucket" \
	"$($V vendor list --bucket=trusted --format=json)" "[]"

show=$($V vendor show acmetel)
contains "vendor show names the domain" "$show" "acmetel.example"
is "vendor show of an unknown slug exits 2" "$(status $V vendor show no-such-vendor)" 2

is "vendor: query finds acmetel's mail" "$($V count vendor:acmetel)" \
	"$($V count from:acmetel.example or to:acmetel.example and not from:acmetel-billing.example)"
generic=$($V count bucket:generic)
is "every vendor message is in the generic bucket" "$generic" \
	"$($V count 'property:vtriage.kind=vendor')"
is "nothing trusted yet" "$($V count bucket:trusted)" 0
lacks "the colleague's mail is not vendor mail" "$($V search --format=json from:pat@northwind.example)" '"vendor": "northwind'
is "freemail is not vendor mail" "$($V count 'from:gmail.com and bucket:generic')" 0

# search JSON contract
first=$($V search --format=json --limit 1 vendor:acmetel)
is "search JSON has the promised fields" "$(printf '%s' "$first" | python3 -c '
import json,sys
v=json.load(sys.stdin)
need={"thread","subject","authors","date","vendor","matched","total"}
print(len(v)==1 and need <= set(v[0]) and v[0]["vendor"]=="acmetel" and isinstance(v[0]["date"],int))')" True
is "search text lists threads newest first" \
	"$($V search --format=json vendor:globex | python3 -c '
import json,sys
d=[t["date"] for t in json.load(sys.stdin)]
print(d == sorted(d, reverse=True) and len(d) > 1)')" True

# a second run is a no-op
again=$($V index 2>&1)
contains "second run adds nothing" "$again" "0 messages added"

done_testing
