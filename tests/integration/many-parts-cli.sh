#!/bin/sh
# A mail of 100,000 MIME parts read from the command line: a reply's and
# a forward's draft, and the attachment list, read only its first 5,000
# part lines (each whole parse took some 200 MB and seconds).
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

M=$TMP/mail
mkdir -p "$M/cur" "$M/new" "$M/tmp"
python3 - "$M/cur/parts:2,S" <<'PY'
import sys
out = ["From: Parts <p@parts.example>", "To: rich@northwind.example",
       "Subject: a hundred thousand parts", "Date: Mon, 2 Nov 2026 10:00:00 +0000",
       "Message-ID: <parts@test>", "MIME-Version: 1.0",
       'Content-Type: multipart/mixed; boundary="b42"', ""]
for i in range(100000):
    out += ["--b42", "Content-Type: text/plain", "", "part %d" % i]
out.append("--b42--")
open(sys.argv[1], "w").write("\n".join(out) + "\n")
PY
write_config "$TMP/conf" "$M" "$TMP/data"
V="$VTRIAGE --config $TMP/conf"
$V index --quiet

# peak_kb COMMAND...: the command's peak resident memory, in kB
peak_kb() {
	python3 -c '
import resource, subprocess, sys
subprocess.run(sys.argv[1:], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
               stderr=subprocess.DEVNULL)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)' "$@"
}
export EDITOR=true VISUAL=true
# (ASan's shadow memory and quarantine take several times the plain
# build's: there the limit is its to judge, the paths are run all the same)
limit=100000
[ "$UNDER_ASAN" -eq 1 ] && limit=2000000
kb=$(peak_kb $V reply id:parts@test)
ok "a reply's draft reads little of it ($kb kB at the peak)" test "$kb" -lt "$limit"
kb=$(peak_kb $V forward id:parts@test --to x@elsewhere.example)
ok "a forward's too ($kb kB)" test "$kb" -lt "$limit"
kb=$(peak_kb $V attachment list id:parts@test)
ok "and the attachment list ($kb kB)" test "$kb" -lt "$limit"
done_testing
