#!/bin/sh
# Posting from the dashboard, in tmux against opsdeckd: a new incident through
# the form shows in a second opsdeck's timeline; an update with a component
# change; a maintenance window typed in two zones; a validation error shown in
# the form; kill -9 while editing, then the draft restored; the server down
# during a post, then up: posted exactly once.
set -u
: "${OPSDECK_BUILD:?}" "${OPSDECK_SRC:?}"
OD="$OPSDECK_BUILD/opsdeck"
ODD="$OPSDECK_BUILD/opsdeckd"
PAGE=mx2016demo01
tmp=$(mktemp -d "${TMPDIR:-/tmp}/od-ptui.XXXXXX")
sock="od-post-$$"
T() { tmux -L "$sock" -f /dev/null "$@"; }
srv_pid=
fails=0
cleanup() {
    T kill-server 2>/dev/null
    if [ -n "$srv_pid" ]; then kill "$srv_pid" 2>/dev/null; wait "$srv_pid" 2>/dev/null; fi
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { echo "ok: $*"; }
screen() { T capture-pane -p -t "$1" >"$tmp/screen" 2>/dev/null; }
wait_for() {   # wait_for SESSION TEXT [SECONDS]
    n=$(( ${3:-10} * 10 ))
    while [ $n -gt 0 ]; do
        screen "$1"
        grep -qF -- "$2" "$tmp/screen" && return 0
        sleep 0.1
        n=$((n - 1))
    done
    return 1
}
step() {   # step NAME SESSION TEXT [SECONDS]
    if wait_for "$2" "$3" "${4:-10}"; then ok "$1"; else fail "$1: [$3] not on screen:"; sed 's/^/    | /' "$tmp/screen"; fi
}
keys() { T send-keys -t od "$@"; }
typed() { T send-keys -t od -l "$1"; }

start_server() {   # start_server [PORT]
    rm -f "$tmp/port"
    "$ODD" --demo --db "$tmp/d.db" --listen "127.0.0.1:${1:-0}" --port-file "$tmp/port" \
        --demo-token-file "$tmp/token.out" >>"$tmp/srv.out" 2>>"$tmp/srv.log" &
    srv_pid=$!
    i=0
    while [ ! -s "$tmp/port" ] && [ $i -lt 100 ]; do i=$((i + 1)); sleep 0.1; done
    port=$(cat "$tmp/port" 2>/dev/null)
    [ -n "$port" ] || { echo "FAIL: opsdeckd did not start"; cat "$tmp/srv.log"; exit 1; }
    # the dashboard reads the token file at every delivery; it must be owner-only
    cp "$tmp/token.out" "$tmp/token.new" && chmod 600 "$tmp/token.new" && mv "$tmp/token.new" "$tmp/token"
}
count_name() {
    curl -s -m 10 "http://127.0.0.1:$port/api/v2/incidents.json" >"$tmp/all.json"
    grep -o "\"name\":\"$1\"" "$tmp/all.json" | wc -l | tr -d ' '
}
dash() {   # dash SESSION: a dashboard in its own session (160x48)
    T new-session -d -s "$1" -x 160 -y 48 \
        "env LANG=C.UTF-8 TERM=tmux-256color XDG_STATE_HOME='$tmp/state-$1' \
         XDG_CONFIG_HOME='$tmp/xdg' EDITOR=true '$OD' --config '$tmp/config.json' --no-cache \
         2>'$tmp/$1.err'; echo \"opsdeck exited \$?\"; sleep 600"
}

start_server
mkdir -p "$tmp/xdg"
cat >"$tmp/config.json" <<JSON
{ "timezones": ["America/Los_Angeles", "Europe/London"],
  "feeds": [ { "id": "maxmail", "name": "MaxMail", "url": "http://127.0.0.1:$port",
               "page_id": "$PAGE", "token_file": "$tmp/token", "interval": 1, "timeout": 5 } ],
  "panes": [ { "title": "Amsterdam", "components": ["maxmail:Amsterdam*"] },
             { "title": "I-3 hosted email", "components": ["maxmail:I-3*"] } ] }
JSON
dash od
dash view
step "dashboard up" od "1 feed ok" 15
step "viewer up" view "1 feed ok" 15

# ---- a new incident through the form
keys n
step "n: the form" od "New incident - MaxMail" 5
typed 'TUI incident one'
keys Tab Right Tab Right Right Tab Right Right Right Right Tab
typed 'Posted from the form.'
keys C-p
step "preview: where" od "POST http://127.0.0.1:$port/v1/pages/$PAGE/incidents" 5
step "preview: component change" od "Amsterdam inbound mail (MX): Operational -> Major outage" 5
step "preview: the body" od "Posted from the form." 5
keys Enter
step "posted: footer" od "Posted TUI incident one to MaxMail" 10
step "the second opsdeck's timeline shows it" view "TUI incident one" 15
expect_one=$(count_name 'TUI incident one')
[ "$expect_one" = 1 ] && ok "one incident on the server" || fail "incidents named so: $expect_one"

# ---- an update with a component change (the new incident is selected in its pane)
step "incident in the Amsterdam pane" od "TUI incident one" 10
keys u
step "u: the update form" od "Update - MaxMail" 5
keys Right Tab Right Tab
typed 'Fix deployed, watching.'
keys C-p
step "update preview: the incident" od "TUI incident one (" 5
step "update preview: component back" od "Amsterdam inbound mail (MX): Major outage -> Operational" 5
keys Enter
step "update posted" od "Posted" 10
step "viewer: the update in the timeline" view "Fix deployed, watching." 15
curl -s -m 10 "http://127.0.0.1:$port/api/v2/incidents/unresolved.json" >"$tmp/u.json"
grep -q '"status":"monitoring"' "$tmp/u.json" && ok "update: status monitoring" || fail "update: no monitoring status"

# ---- a maintenance window typed in two zones
keys M
step "M: the maintenance form" od "Scheduled maintenance - MaxMail" 5
typed 'TUI maintenance window'
keys Tab Tab
typed '2030-05-23 08:00 PDT'
keys Tab
typed '2030-05-23 17:00 Europe/London'
keys Tab Tab
typed 'Planned disk work.'
keys C-p
step "maintenance preview: every zone" od "2030-05-23 0800 PDT / 2030-05-23 1600 BST" 5
keys Enter
step "maintenance posted" od "Posted TUI maintenance window" 10
curl -s -m 10 "http://127.0.0.1:$port/api/v2/scheduled-maintenances/upcoming.json" >"$tmp/m.json"
grep -q '"scheduled_for":"2030-05-23T15:00:00' "$tmp/m.json" && ok "maintenance: start in UTC" \
    || fail "maintenance: start not 15:00Z"

# ---- a validation error shown in the form
keys M
step "M again: a fresh form" od "Scheduled maintenance - MaxMail" 5
typed 'Backwards window'
keys Tab Tab
typed '2030-05-23 10:00 UTC'
keys Tab
typed '2030-05-23 09:00 UTC'
keys C-p
step "validation error in the form" od "the end must be after the start" 5
keys Escape
step "Esc: draft kept" od "Draft kept" 5

# ---- kill -9 while editing, then the draft restored
keys n
step "n: form" od "New incident - MaxMail" 5
typed 'Draft survives kill'
keys Tab Tab Tab Tab
typed 'half typed'
step "typed" od "half typed" 5
shell=$(T list-panes -t od -F '#{pane_pid}')
pid=$(pgrep -f -P "$shell" opsdeck)   # -f: under make valgrind the process is memcheck
[ -n "$pid" ] && kill -9 "$pid"
step "killed" od "opsdeck exited 137" 5
T kill-session -t od
dash od
step "restarted" od "1 feed ok" 15
keys n
step "draft offered" od "Restored your draft" 5
step "draft: title" od "Draft survives kill" 5
step "draft: message" od "half typed" 5

# ---- the server down during the post, then up: posted exactly once
kill "$srv_pid"
wait "$srv_pid" 2>/dev/null
srv_pid=
keys C-p
step "preview of the draft" od "Draft survives kill" 5
keys Enter
step "down: kept in the outbox, error shown" od "not sent yet" 10
step "down: the outbox on the timeline" od "outbox: 1 post not sent yet: " 5
old_port=$port
start_server "$old_port"
step "up: the outbox retried it" od "Posted Draft survives kill" 30
if wait_for od "outbox: 1 post" 0; then fail "outbox mark still shown"; else ok "outbox mark gone"; fi
n=$(count_name 'Draft survives kill')
[ "$n" = 1 ] && ok "posted exactly once" || fail "posted $n times"
step "viewer shows it" view "Draft survives kill" 15

# ---- accepted but not yet in the feed: marked pending on the timeline
# (the feed is read from a dead port; posts go to the live server via manage_url)
sed -e "s|\"url\": \"http://127.0.0.1:$port\"|\"url\": \"http://127.0.0.1:9\", \"manage_url\": \"http://127.0.0.1:$port\"|" \
    "$tmp/config.json" >"$tmp/config-pending.json"
T new-session -d -s pend -x 160 -y 48 \
    "env LANG=C.UTF-8 TERM=tmux-256color XDG_STATE_HOME='$tmp/state-pend' XDG_CONFIG_HOME='$tmp/xdg' \
     '$OD' --config '$tmp/config-pending.json' --no-cache; sleep 600"
step "pending: dashboard up (feed down)" pend "1 down" 15
T send-keys -t pend n
step "pending: form" pend "New incident - MaxMail" 5
T send-keys -t pend -l 'Awaiting the feed'
T send-keys -t pend Tab Tab Tab Tab
T send-keys -t pend -l 'Posted while the feed cannot be read.'
T send-keys -t pend C-p
step "pending: preview goes to manage_url" pend "POST http://127.0.0.1:$port/v1/pages/$PAGE/incidents" 5
T send-keys -t pend Enter
step "pending: marked on the timeline" pend "pending  Awaiting the feed: Investigating" 10
[ "$(count_name 'Awaiting the feed')" = 1 ] && ok "pending: on the server" || fail "pending: not on the server"

echo "post_tui.sh: $fails failed"
[ "$fails" -eq 0 ]
