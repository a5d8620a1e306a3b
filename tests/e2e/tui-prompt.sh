#!/bin/sh
# The prompt's line editing, as readline users expect it: Tab takes one
# completion with a space after it and the shared beginning of several,
# Left/Right/Home/End and C-a/C-e move, Backspace, C-w and C-k edit, and
# Up recalls the lines entered before.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

. "$top_srcdir/tests/lib-tmux.sh"

copy_maildir "$FIXTURES/demo/Maildir" "$TMP/mail"
write_config "$TMP/conf" "$TMP/mail" "$TMP/data"
$VTRIAGE --config "$TMP/conf" index --quiet

prompt_line() { screen | tail -1; }

tmux_session 100 30 "env TERM=xterm-256color $VTRIAGE --config $TMP/conf"
ok "the first screen paints" wait_for "vtriage"

# Tab: one completion, with a space; several: their shared beginning
keys : p r o m Tab a c m
is "Tab completes the command and adds a space" "$(prompt_line)" ":promote acm"
keys Tab
contains "two vendors start so: their shared part is taken" "$(prompt_line)" ":promote acmetel"
contains "and both are listed" "$(screen)" "acmetel-billing"
keys C-g
lacks "C-g cancels" "$(prompt_line)" ":promote"

# moving and editing inside the line
keys : n d o Home u
is "Home goes to the start, typing inserts there" "$(prompt_line)" ":undo"
keys C-a Right Right Right Right BSpace
is "Right moves, Backspace deletes before the cursor" "$(prompt_line)" ":und"
keys C-e o
is "C-e goes to the end" "$(prompt_line)" ":undo"
keys Enter
lacks "the edited line runs as typed" "$(screen)" "unknown command"

keys : s e a r c h Space f o o Space b a r C-w
is "C-w deletes the word before the cursor" "$(prompt_line)" ":search foo"
keys C-a Right C-k
is "C-k deletes to the end" "$(prompt_line)" ":s"
keys C-g

# history
keys / v e n d o r : g l o b e x Enter
ok "a search runs" wait_for "[vendor:globex]"
keys q
keys / Up
is "Up recalls the last line" "$(prompt_line)" "Search: vendor:globex"
keys Down
is "Down comes back to the new line" "$(prompt_line)" "Search:"
keys Up Enter
ok "and the recalled line runs" wait_for "[vendor:globex]"
keys q q
ok "q quits" wait_for "EXITED 0"
done_testing
