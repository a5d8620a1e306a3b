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
#   keys KEYS...          send-keys, then a moment for the screen to follow

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
keys() { T send-keys -t vt "$@"; sleep 0.3; }
tmux_session() {
	T kill-server 2>/dev/null
	i=0
	while [ -S "$SOCK" ] && [ $i -lt 20 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	T -f /dev/null new-session -d -s vt -x "$1" -y "$2" "$3; echo EXITED \$?; sleep 60"
}
