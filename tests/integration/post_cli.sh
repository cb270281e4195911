#!/bin/sh
# `opsdeck post` against a real opsdeckd: every kind of post, --dry-run with
# the token redacted, a 422 shown with exit 4, --readonly, and the server down
# during a post then up again: posted exactly once, with the outbox retrying
# under the same Idempotency-Key.
SERVER_COMMON_SOURCED=1
. "$OPSDECK_SRC/tests/integration/server_common.sh"
XDG_STATE_HOME="$tmp/state"
export XDG_STATE_HOME
OPSDECK_TEST_TOKEN=
export OPSDECK_TEST_TOKEN

write_config() {   # write_config PORT
    cat >"$tmp/config.json" <<JSON
{ "timezones": ["America/Los_Angeles", "Europe/London"],
  "feeds": [ { "id": "mx", "url": "http://127.0.0.1:$1", "page_id": "$PAGE",
               "token_env": "OPSDECK_TEST_TOKEN", "timeout": 5 } ],
  "panes": [ { "title": "All", "components": ["*"] } ] }
JSON
}
post() { "$OD" post "$@" --config "$tmp/config.json"; }
count_name() {   # count_name NAME: incidents + maintenances with that name
    curl -s -m 10 "$base/api/v2/incidents.json" >"$tmp/all.json"
    curl -s -m 10 "$base/api/v2/scheduled-maintenances.json" >>"$tmp/all.json"
    grep -o "\"name\":\"$1\"" "$tmp/all.json" | wc -l | tr -d ' '
}

start_server
write_config "$port"
OPSDECK_TEST_TOKEN=$token

# ---- dry run: the request, token redacted, nothing sent
post incident --feed mx --title 'Mail "delays"' --status identified --impact minor \
    --component 'mmfilter0001=degraded_performance' --message 'Looking into it.' --dry-run \
    >"$tmp/dry" 2>"$tmp/err"
expect "dry-run: exit 0" 0 $?
contains "dry-run: method and URL" "$tmp/dry" "POST http://127.0.0.1:$port/v1/pages/$PAGE/incidents"
contains "dry-run: token redacted" "$tmp/dry" "Authorization: OAuth <redacted>"
contains "dry-run: idempotency key" "$tmp/dry" "Idempotency-Key: "
contains "dry-run: JSON body" "$tmp/dry" '"name":"Mail \"delays\"","status":"identified","impact_override":"minor"'
if grep -qF "$token" "$tmp/dry" "$tmp/err"; then fail "dry-run: token printed"; else ok "dry-run: token never printed"; fi
expect "dry-run: nothing created" 0 "$(count_name 'Mail \\"delays\\"')"

# ---- incident, update with a component change, resolve
id=$(post incident --feed mx --title 'Queue delays' --impact minor \
    --component 'mmfilter0001=degraded_performance' --message 'We are investigating.' 2>"$tmp/err")
expect "incident: exit 0" 0 $?
[ -n "$id" ] && ok "incident: id printed ($id)" || { fail "incident: no id"; cat "$tmp/err"; }
curl -s -m 10 "$base/api/v2/incidents/unresolved.json" >"$tmp/u.json"
contains "incident: on the read API" "$tmp/u.json" "\"id\":\"$id\""
contains "incident: component changed" "$tmp/u.json" '"new_status":"degraded_performance"'

post update --feed mx --incident "$id" --status identified \
    --component 'mmfilter0001=partial_outage' --template identified --eta '1300 PDT' >"$tmp/out" 2>"$tmp/err"
expect "update: exit 0" 0 $?
curl -s -m 10 "$base/api/v2/incidents/unresolved.json" >"$tmp/u.json"
contains "update: template filled with the zones" "$tmp/u.json" "1300 PDT / 2100 BST"
contains "update: component change" "$tmp/u.json" '"new_status":"partial_outage"'
contains "update: status" "$tmp/u.json" '"status":"identified"'

echo 'Fixed; all queues drained.' | post resolve --feed mx --incident "$id" \
    --component 'mmfilter0001=operational' - >"$tmp/out" 2>"$tmp/err"
expect "resolve (message from stdin): exit 0" 0 $?
curl -s -m 10 "$base/api/v2/incidents.json" >"$tmp/i.json"
expect "resolve: resolved with 3 updates" "resolved|3" \
    "$("$JQ" 'incidents[0].status' 'incidents[0].incident_updates#' <"$tmp/i.json" | tr '\n' '|' | sed 's/|$//')"

# ---- maintenance in local zones, component
mid=$(post maintenance --feed mx --title 'I-3 maintenance' --start '2030-05-23 08:00 PDT' \
    --end '2030-05-23 17:00 Europe/London' --template maintenance 2>"$tmp/err")
expect "maintenance: exit 0" 0 $?
curl -s -m 10 "$base/api/v2/scheduled-maintenances/upcoming.json" >"$tmp/m.json"
contains "maintenance: start in UTC" "$tmp/m.json" '"scheduled_for":"2030-05-23T15:00:00'
contains "maintenance: end in UTC" "$tmp/m.json" '"scheduled_until":"2030-05-23T16:00:00'
contains "maintenance: times in every zone" "$tmp/m.json" "2030-05-23 0800 PDT / 2030-05-23 1600 BST"

post component --feed mx --component 'mmfilter0001=major_outage' >"$tmp/out" 2>"$tmp/err"
expect "component: exit 0" 0 $?
curl -s -m 10 "$base/api/v2/components.json" >"$tmp/c.json"
contains "component: status on the read API" "$tmp/c.json" '"status":"major_outage"'

# ---- the server says no: 422 with its message, exit 4
post update --feed mx --incident "$mid" --status identified --message 'wrong kind' \
    >"$tmp/out" 2>"$tmp/err"
expect "422: exit 4" 4 $?
contains "422: the server's message" "$tmp/err" "rejected: HTTP 422: incident.status 'identified' does not fit a maintenance"
post update --feed mx --incident nosuchincident --status identified --message x >/dev/null 2>"$tmp/err"
expect "404: exit 4" 4 $?
OPSDECK_TEST_TOKEN=odk_wrong post component --feed mx --component 'mmfilter0001=operational' \
    >/dev/null 2>"$tmp/err"
expect "bad token: exit 4" 4 $?
contains "bad token: message" "$tmp/err" "Could not authenticate"
if grep -qF odk_wrong "$tmp/err"; then fail "bad token echoed"; else ok "bad token not echoed"; fi

# ---- local validation and read-only
post incident --feed mx --title 'x' --status scheduled >/dev/null 2>"$tmp/err"
expect "invalid status: exit 2" 2 $?
contains "invalid status: message" "$tmp/err" 'status "scheduled" is not valid here'
post incident --feed mx --title 'ro' --readonly >/dev/null 2>"$tmp/err"
expect "--readonly: exit 3" 3 $?
expect "--readonly: nothing created" 0 "$(count_name ro)"
OPSDECK_TEST_TOKEN= post incident --feed mx --title 'no token' >/dev/null 2>"$tmp/err"
expect "no token: exit 1" 1 $?
contains "no token: names the variable" "$tmp/err" "OPSDECK_TEST_TOKEN"

# ---- server down during a post, then up: posted exactly once
stop_server TERM
post incident --feed mx --title 'Outage post' --message 'Posted while the server was down.' \
    >"$tmp/out" 2>"$tmp/err"
expect "down: exit 75 (queued)" 75 $?
contains "down: says it is kept" "$tmp/err" "kept in the outbox"
post outbox >"$tmp/ob"
expect "down: one entry in the outbox" 1 "$(wc -l <"$tmp/ob" | tr -d ' ')"
key=$(cut -d' ' -f1 "$tmp/ob")
start_server
write_config "$port"
OPSDECK_TEST_TOKEN=$token        # the demo token is new after a restart
# the first attempt reached the server after all (its answer was lost): send the
# same request under the same key by hand, then let the outbox retry
post incident --feed mx --title 'Outage post' --message 'Posted while the server was down.' \
    --dry-run | sed -n '/^{/p' | tr -d '\n' >"$tmp/req.json"
code=$(curl -s -m 10 -o /dev/null -w '%{http_code}' -X POST -H "Authorization: OAuth $token" \
    -H "Idempotency-Key: $key" -H 'Content-Type: application/json' --data-binary @"$tmp/req.json" \
    "$api/incidents")
expect "lost first attempt: 201" 201 "$code"
post flush --all >"$tmp/out" 2>"$tmp/err"
expect "flush: exit 0" 0 $?
post outbox >"$tmp/ob"
expect "flush: outbox empty" 0 "$(wc -l <"$tmp/ob" | tr -d ' ')"
expect "posted exactly once" 1 "$(count_name 'Outage post')"
post flush --all >/dev/null 2>&1
expect "flush again: still once" 1 "$(count_name 'Outage post')"

echo "post_cli.sh: $fails failed"
[ "$fails" -eq 0 ]
