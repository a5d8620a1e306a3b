#!/bin/sh
# The sources are laid out by the tree's .clang-format (STYLE.md: "commit
# a .clang-format and keep the tree formatted"): one check a directory,
# naming each file that is not and the start of what would change.
. "$(dirname "$0")/../lib.sh"

"$top_srcdir/scripts/format" --check keymaps >/dev/null 2>&1
[ $? -eq 77 ] && skip_all "no clang-format 14 (scripts/install-deps installs it)"

for dir in cli imap keymaps mail store tests tui; do
	ok "$dir/ is formatted by .clang-format (scripts/format)" \
		"$top_srcdir/scripts/format" --check "$dir"
done
done_testing
