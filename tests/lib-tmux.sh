# A terminal for the tests that drive a program through tmux (tests/e2e/).
# Source after tests/lib.sh; skips the whole test without tmux. Defines:
#
#   T ARGS...             tmux on this test's own server (stopped at exit)
#   tmux_session COLS ROWS COMMAND
#                         a fresh server with one pane "vt" running COMMAND,
#                         then "EXITED <status>" is printed there
#   screen                the pane's text ($SCREEN_OPTS: more capture-pane
#                         options, e.g. "-J -S -" for joined lines and the
#                         scrollback)
#   wait_for TEXT [TENTHS]  until the screen shows TEXT (default
#                         $WAIT_TENTHS or 50: 5 s)
#   keys KEYS...          send-keys, then wait until the interface has
#                         handled them and painted (its "quiet" events,
#                         VTRIAGE_BENCH_LOG), not for a while
#   settle                the same wait, after something else (a resize)

command -v tmux >/dev/null || skip_all "tmux not installed"

SOCK="$TMP/tmux.sock"
SCREEN_OPTS=
T() { tmux -S "$SOCK" "$@"; }
at_exit 'tmux -S "$SOCK" kill-server 2>/dev/null'
# shellcheck disable=SC2086
screen() { T capture-pane -p $SCREEN_OPTS -t vt; }
wait_for() {
	i=0
	while [ $i -lt "${2:-${WAIT_TENTHS:-50}}" ]; do
		screen | grep -qF -- "$1" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
# The interface logs "quiet" each time it waits with nothing typed and
# nothing left to do, the screen showing it all (tui/tui.c). Two of them
# after the keys: the first may have been written just before they came.
export VTRIAGE_BENCH_LOG="$TMP/tui.events"
quiet_events() {
	_c=$(grep -c '^quiet' "$VTRIAGE_BENCH_LOG" 2>/dev/null)
	echo "${_c:-0}"
}
# settle [N]: until the interface has said "quiet" twice more than N
# (default: now), or has exited
settle() {
	_n=${1:-$(quiet_events)}
	_i=0
	while [ "$(quiet_events)" -lt $((_n + 2)) ] && [ $_i -lt 50 ]; do
		# a program that has ended (or was never ours) tells nothing
		screen | grep -q "EXITED" && break
		sleep 0.05
		_i=$((_i + 1))
	done
}
keys() {
	_k=$(quiet_events)
	T send-keys -t vt "$@"
	settle "$_k"
}
tmux_session() {
	T kill-server 2>/dev/null
	i=0
	while [ -S "$SOCK" ] && [ $i -lt 20 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	T -f /dev/null new-session -d -s vt -x "$1" -y "$2" "$3; echo EXITED \$?; sleep 60"
}
