# Sourced by the benchmarks that index mail as it arrives (growth,
# index-vs-notmuch): the newest files of a Maildir wait aside, then come
# back. gen-mailbox names its files in date order, so the last by name
# are the newest.

# hold_newest MAILBOX N DIR: moves the newest N files of MAILBOX/*/cur
# into DIR (same relative paths) until put_back.
hold_newest() {
	held_from=$1 held_dir=$3
	mkdir -p "$held_dir"
	(cd "$held_from" && find . -type f -path '*/cur/*' | sort -V | tail -n "$2") |
		while read -r f; do
			mkdir -p "$held_dir/$(dirname "$f")"
			mv "$held_from/$f" "$held_dir/$f"
		done
}

# put_back: the held files back where they were; nothing when none are
# held (safe in an EXIT trap).
put_back() {
	[ -n "${held_from:-}" ] || return 0
	(cd "$held_dir" && find . -type f) | while read -r f; do mv "$held_dir/$f" "$held_from/$f"; done
	held_from=
}
