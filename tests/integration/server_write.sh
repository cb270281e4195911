#!/bin/sh
# opsdeckd's management API: creates, updates, deletes (JSON and form bodies),
# auth failures, 404 / 405 / 413, each 422 message, Idempotency-Key, tokens.
SERVER_COMMON_SOURCED=1
. "$OPSDECK_SRC/tests/integration/server_common.sh"
start_server

# ---- auth
code=$(curl -s -m 10 -o "$tmp/body" -w '%{http_code}' "$api/incidents")
expect "no token: 401" 401 "$code"
contains "401 body" "$tmp/body" '{"error":"Could not authenticate"}'
code=$(curl -s -m 10 -o /dev/null -w '%{http_code}' -H 'Authorization: OAuth odk_wrong' "$api/incidents")
expect "wrong token: 401" 401 "$code"
code=$(curl -s -m 10 -o /dev/null -w '%{http_code}' "$api/incidents?api_key=$token")
expect "?api_key=: 200" 200 "$code"

# ---- create (JSON), then updates by PATCH and PUT
code=$(jreq POST /incidents '{"incident":{"name":"Mail delays","status":"investigating","body":"Looking into it.","components":{"mmfilter0001":"degraded_performance"},"component_ids":["mmcontinuit1"]}}')
expect "POST incident: 201" 201 "$code"
id=$("$JQ" id <"$tmp/body")
got=$("$JQ" status impact 'incident_updates#' 'incident_updates[0].affected_components[0].code' \
    'incident_updates[0].affected_components[0].old_status' 'incident_updates[0].affected_components[0].new_status' \
    'components#' <"$tmp/body" | tr '\n' '|')
expect "created: status, impact, first update, components" \
    "investigating|minor|1|mmfilter0001|operational|degraded_performance|2|" "$got"
code=$(jreq PATCH "/incidents/$id" '{"incident":{"status":"identified","body":"Found it.","components":{"mmfilter0001":"partial_outage"}}}')
expect "PATCH: 200" 200 "$code"
expect "PATCH: update added, impact raised" "identified|2|major|Found it." \
    "$("$JQ" status 'incident_updates#' impact 'incident_updates[0].body' <"$tmp/body" | tr '\n' '|' | sed 's/|$//')"
code=$(jreq PUT "/incidents/$id.json" '{"incident":{"status":"monitoring","body":"Fix deployed."}}')
expect "PUT with .json: 200" 200 "$code"
expect "PUT: monitoring_at set" "monitoring|3" \
    "$("$JQ" status 'incident_updates#' <"$tmp/body" | tr '\n' '|' | sed 's/|$//')"
"$JQ" monitoring_at <"$tmp/body" | grep -q '^20' && ok "monitoring_at set" || fail "monitoring_at not set"
code=$(jreq PATCH "/incidents/$id" '{"incident":{"name":"Mail delays (EU)"}}')
expect "PATCH name only: no new update" "Mail delays (EU)|3" \
    "$("$JQ" name 'incident_updates#' <"$tmp/body" | tr '\n' '|' | sed 's/|$//')"
code=$(req GET "/incidents/$id")
expect "GET incident: 200" 200 "$code"
code=$(req GET /incidents/unresolved)
expect "GET unresolved lists it first" "$id" "$("$JQ" '[0].id' <"$tmp/body")"
code=$(jreq PATCH "/incidents/$id" '{"incident":{"status":"resolved","body":"All good.","components":{"mmfilter0001":"operational"}}}')
expect "resolve: 200" 200 "$code"
"$JQ" resolved_at <"$tmp/body" | grep -q '^20' && ok "resolved_at set" || fail "resolved_at not set"
curl -s -m 10 "$base/api/v2/incidents/unresolved.json" >"$tmp/u.json"
expect "resolved: gone from unresolved.json" 1 "$("$JQ" incidents# <"$tmp/u.json")"
curl -s -m 10 "$base/api/v2/incidents.json" >"$tmp/i.json"
expect "resolved: first in incidents.json with 4 updates" "$id|4" \
    "$("$JQ" 'incidents[0].id' 'incidents[0].incident_updates#' <"$tmp/i.json" | tr '\n' '|' | sed 's/|$//')"

# ---- form-encoded, as the real API takes it
code=$(req POST /incidents --data-urlencode 'incident[name]=Form & friends' \
    --data-urlencode 'incident[body]=line one' -d 'incident[components][ams0inbound1]=major_outage' \
    -d 'incident[component_ids][]=ams0outbnd01')
expect "form POST: 201" 201 "$code"
fid=$("$JQ" id <"$tmp/body")
expect "form: fields" "Form & friends|critical|2" "$("$JQ" name impact 'components#' <"$tmp/body" | tr '\n' '|' | sed 's/|$//')"

# ---- maintenance
code=$(jreq POST /incidents '{"incident":{"name":"DB upgrade","status":"scheduled","scheduled_for":"2030-01-01T10:00:00Z","scheduled_until":"2030-01-01T12:00:00Z","body":"Planned."}}')
expect "maintenance: 201" 201 "$code"
mid=$("$JQ" id <"$tmp/body")
curl -s -m 10 "$base/api/v2/scheduled-maintenances/upcoming.json" >"$tmp/up.json"
expect "maintenance: in upcoming.json" "$mid|maintenance|2030-01-01T10:00:00.000Z" \
    "$("$JQ" 'scheduled_maintenances[0].id' 'scheduled_maintenances[0].impact' 'scheduled_maintenances[0].scheduled_for' <"$tmp/up.json" | tr '\n' '|' | sed 's/|$//')"
code=$(jreq PATCH "/incidents/$mid" '{"incident":{"status":"investigating"}}')
expect "incident status on a maintenance: 422" 422 "$code"
contains "422 names the kinds" "$tmp/body" "does not fit a maintenance"

# ---- each 422
long=$(printf '%0300d' 0)
check422() {   # NAME JSON EXPECTED-TEXT
    code=$(jreq POST /incidents "$2")
    expect "422 $1" 422 "$code"
    contains "422 $1 message" "$tmp/body" "$3"
}
check422 "unknown status" '{"incident":{"name":"x","status":"on_fire"}}' "incident.status 'on_fire' is not one of investigating"
check422 "name over 255" "{\"incident\":{\"name\":\"$long\"}}" "incident.name is 300 characters; the limit is 255"
check422 "missing name" '{"incident":{"status":"investigating"}}' "incident.name is required"
check422 "bad time" '{"incident":{"name":"m","status":"scheduled","scheduled_for":"tomorrow"}}' "incident.scheduled_for 'tomorrow' is not an RFC 3339 time"
check422 "unknown component" '{"incident":{"name":"x","components":{"zzzz":"major_outage"}}}' "incident.components: unknown component 'zzzz'"
check422 "bad component status" '{"incident":{"name":"x","components":{"mmfilter0001":"sad"}}}' "incident.components[mmfilter0001] 'sad' is not one of operational"
check422 "no incident object" '{"name":"x"}' "the body needs an 'incident' object"
check422 "impact_override" '{"incident":{"name":"x","impact_override":"huge"}}' "incident.impact_override 'huge' is not one of"
awk 'BEGIN { printf "{\"incident\":{\"name\":\"big\",\"body\":\""; for (i = 0; i < 25001; i++) printf "é"; printf "\"}}" }' >"$tmp/big.json"
code=$(req POST /incidents -H 'Content-Type: application/json' --data-binary @"$tmp/big.json")
expect "422 body over 25,000 characters" 422 "$code"
contains "422 body message" "$tmp/body" "incident.body is 25001 characters; the limit is 25000"
code=$(jreq POST /incidents '{"incident":')
expect "malformed JSON: 400" 400 "$code"
contains "400 says where" "$tmp/body" "body is not valid JSON"
code=$(req POST /incidents -H 'Content-Type: text/plain' --data-binary 'hello')
expect "other media type: 415" 415 "$code"

# ---- 404, 405, 413
code=$(req PATCH /incidents/nosuchincid -H 'Content-Type: application/json' --data-binary '{"incident":{"body":"x"}}')
expect "unknown incident: 404" 404 "$code"
code=$(curl -s -m 10 -o "$tmp/body" -w '%{http_code}' -H "Authorization: OAuth $token" "$base/v1/pages/otherpage/incidents")
expect "other page id: 404" 404 "$code"
contains "404 names this page" "$tmp/body" "this server's page id is $PAGE"
code=$(req DELETE /incidents)
expect "DELETE on the list: 405" 405 "$code"
head -c 300000 /dev/zero | tr '\0' 'a' >"$tmp/huge"
code=$(req POST /incidents -H 'Content-Type: application/json' --data-binary @"$tmp/huge")
expect "body over the cap: 413" 413 "$code"

# ---- components
code=$(jreq POST /components '{"component":{"name":"Webmail","description":"The web client"}}')
expect "POST component: 201" 201 "$code"
cid=$("$JQ" id <"$tmp/body")
code=$(jreq PATCH "/components/$cid" '{"component":{"status":"major_outage"}}')
expect "PATCH component" "200|major_outage" "$code|$("$JQ" status <"$tmp/body")"
code=$(jreq PATCH /components/nosuchcomp1 '{"component":{"status":"major_outage"}}')
expect "PATCH unknown component: 404" 404 "$code"
code=$(jreq PATCH "/components/$cid" '{"component":{"status":"broken"}}')
expect "PATCH component bad status: 422" 422 "$code"
code=$(req GET /components)
expect "GET components: 15, a bare array" "200|$cid" "$code|$("$JQ" '[14].id' <"$tmp/body")"
"$JQ" '[15].id' <"$tmp/body" >/dev/null 2>&1
expect "GET components: no 16th" 1 $?
curl -s -m 10 "$base/api/v2/status.json" >"$tmp/st.json"
expect "a component outage moves the indicator" "major" "$("$JQ" status.indicator <"$tmp/st.json")"

# ---- Idempotency-Key
code=$(jreq PATCH "/incidents/$fid" '{"incident":{"body":"once"}}' -H 'Idempotency-Key: k-1')
cp "$tmp/body" "$tmp/first"
code2=$(jreq PATCH "/incidents/$fid" '{"incident":{"body":"once"}}' -H 'Idempotency-Key: k-1')
expect "retried key: same status" "$code" "$code2"
if cmp -s "$tmp/first" "$tmp/body"; then ok "retried key: the first result"; else fail "retry differs"; fi
req GET "/incidents/$fid" >/dev/null
expect "retried key: one update, not two" 2 "$("$JQ" 'incident_updates#' <"$tmp/body")"
code=$(jreq PATCH "/incidents/$fid" '{"incident":{"body":"twice"}}' -H 'Idempotency-Key: k-1')
expect "key reused for another request: 422" 422 "$code"
code=$(jreq POST /incidents '{"incident":{"name":"idem create"}}' -H 'Idempotency-Key: k-2')
code=$(jreq POST /incidents '{"incident":{"name":"idem create"}}' -H 'Idempotency-Key: k-2')
curl -s -m 10 "$base/api/v2/incidents.json" >"$tmp/i.json"
expect "retried create: one incident" 1 "$(grep -o '"name":"idem create"' "$tmp/i.json" | wc -l | tr -d ' ')"
contains "replays are logged" "$tmp/srv.log" "token=demo replayed"

# ---- DELETE
code=$(req DELETE "/incidents/$fid")
expect "DELETE: 200 with the incident" "200|$fid" "$code|$("$JQ" id <"$tmp/body")"
code=$(req GET "/incidents/$fid")
expect "deleted: 404" 404 "$code"

# ---- tokens: names recorded, revoke, list
"$ODD" token add ci-bot --db "$tmp/d.db" >"$tmp/tok2" 2>"$tmp/tokerr"
expect "token add: exit 0" 0 $?
tok2=$(cat "$tmp/tok2")
code=$(curl -s -m 10 -o "$tmp/body" -w '%{http_code}' -X POST -H "Authorization: OAuth $tok2" \
    -H 'Content-Type: application/json' --data-binary '{"incident":{"name":"by the bot"}}' "$api/incidents")
expect "new token works on a running server" 201 "$code"
contains "the token name is logged" "$tmp/srv.log" '"POST /v1/pages/mx2016demo01/incidents" 201'
contains "the token name is logged" "$tmp/srv.log" "token=ci-bot"
"$ODD" token list --db "$tmp/d.db" >"$tmp/list"
contains "token list" "$tmp/list" "ci-bot"
if grep -q "$tok2" "$tmp/list" "$tmp/d.db"; then fail "token stored or listed in clear"; else ok "only hashes stored"; fi
"$ODD" token add ci-bot --db "$tmp/d.db" >/dev/null 2>"$tmp/tokerr"
expect "duplicate token name: exit 1" 1 $?
"$ODD" token add 'bad name' --db "$tmp/d.db" >/dev/null 2>"$tmp/tokerr"
expect "bad token name: exit 1" 1 $?
"$ODD" token revoke ci-bot --db "$tmp/d.db"
code=$(curl -s -m 10 -o /dev/null -w '%{http_code}' -H "Authorization: OAuth $tok2" "$api/incidents")
expect "revoked token: 401" 401 "$code"
"$ODD" token revoke ci-bot --db "$tmp/d.db" 2>/dev/null
expect "revoke unknown: exit 1" 1 $?

stop_server TERM
echo "server_write.sh: $fails failed"
[ "$fails" -eq 0 ]
