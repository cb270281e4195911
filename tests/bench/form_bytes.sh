#!/bin/sh
# Bytes the dashboard writes to a 160x48 tmux pane while 60 characters are
# typed into the new-incident form (what a slow ssh link has to carry), against
# `opsdeckd --demo` on a free loopback port. Prints the figure; asserts nothing.
#
#   sh tests/bench/form_bytes.sh        (after make; OPSDECK_BUILD=build by default)
set -u
B="${OPSDECK_BUILD:-build}"
t=$(mktemp -d "${TMPDIR:-/tmp}/od-formbytes.XXXXXX")
srv=
cleanup() {
    tmux kill-session -t od-formbytes 2>/dev/null
    [ -n "$srv" ] && kill "$srv" 2>/dev/null
    rm -rf "$t"
}
trap cleanup EXIT INT TERM
export XDG_STATE_HOME="$t/state" XDG_CONFIG_HOME="$t/cfg"
"$B/opsdeckd" --demo --demo-dir demo/maxmail/api/v2 --db "$t/d.db" --listen 127.0.0.1:0 \
    --port-file "$t/port" --demo-token-file "$t/tok" --quiet >/dev/null 2>&1 &
srv=$!
i=0
while [ ! -s "$t/port" ]; do
    i=$((i + 1)); [ $i -gt 100 ] && { echo "opsdeckd did not start"; exit 1; }
    sleep 0.1
done
printf '{"feeds":[{"id":"maxmail","url":"http://127.0.0.1:%s","page_id":"mx2016demo01","token_env":"TOK"}],"timezones":["America/Los_Angeles","Europe/London"],"panes":[{"title":"All","components":["*"]}]}\n' \
    "$(cat "$t/port")" >"$t/c.json"
tmux new-session -d -s od-formbytes -x 160 -y 48 \
    "TOK=\$(cat '$t/tok') '$B/opsdeck' --config '$t/c.json' --no-cache"
sleep 2
tmux send-keys -t od-formbytes n
sleep 1
tmux pipe-pane -t od-formbytes "cat > '$t/bytes'"
sleep 0.3
i=0
while [ $i -lt 60 ]; do tmux send-keys -t od-formbytes -l x; sleep 0.05; i=$((i + 1)); done
sleep 1
tmux pipe-pane -t od-formbytes
echo "form typing: 60 characters, $(wc -c <"$t/bytes") bytes written to the pane"
tmux send-keys -t od-formbytes Escape
