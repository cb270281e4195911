#!/bin/sh
# opsdeckd's read API: the eight documents and their shapes, ETag / 304 / gzip,
# HEAD, 404 and 405, and a write read back through opsdeck's own reader.
SERVER_COMMON_SOURCED=1
. "$OPSDECK_SRC/tests/integration/server_common.sh"
start_server

get() { curl -s -m 10 "$base/api/v2/$1"; }

get summary.json >"$tmp/s.json"
got=$("$JQ" page.id status.indicator status.description components# incidents# \
    scheduled_maintenances# 'incidents[0].name' 'incidents[0].incident_updates#' \
    'incidents[0].incident_updates[0].status' 'scheduled_maintenances[0].status' <"$tmp/s.json" | tr '\n' '|')
expect "summary: page, computed status, open incident, active maintenance" \
    "$PAGE|major|Partial System Outage|14|1|1|I-3 hosted email|2|identified|in_progress|" "$got"
got=$("$JQ" 'components[6].name' 'components[6].group' 'components[6].components#' \
    'components[7].group_id' 'components[7].status' <"$tmp/s.json" | tr '\n' '|')
expect "summary: groups and members" "I-3 hosted email|true|2|i3mailgroup1|major_outage|" "$got"

get status.json >"$tmp/st.json"
expect "status.json: page and status" "$PAGE|major" \
    "$("$JQ" page.id status.indicator <"$tmp/st.json" | tr '\n' '|' | sed 's/|$//')"
"$JQ" components <"$tmp/st.json" >/dev/null 2>&1
expect "status.json: no components key" 1 $?
get components.json >"$tmp/c.json"
expect "components.json: 14 components" "14" "$("$JQ" components# <"$tmp/c.json")"
"$JQ" incidents <"$tmp/c.json" >/dev/null 2>&1
expect "components.json: no incidents key" 1 $?
get incidents.json >"$tmp/i.json"
expect "incidents.json: every incident incl. resolved" "3|resolved" \
    "$("$JQ" incidents# 'incidents[2].status' <"$tmp/i.json" | tr '\n' '|' | sed 's/|$//')"
get incidents/unresolved.json >"$tmp/u.json"
expect "unresolved.json: the open one" "1|identified" \
    "$("$JQ" incidents# 'incidents[0].status' <"$tmp/u.json" | tr '\n' '|' | sed 's/|$//')"
get scheduled-maintenances.json >"$tmp/m.json"
expect "scheduled-maintenances.json" "1|maintenance" \
    "$("$JQ" scheduled_maintenances# 'scheduled_maintenances[0].impact' <"$tmp/m.json" | tr '\n' '|' | sed 's/|$//')"
get scheduled-maintenances/active.json >"$tmp/a.json"
expect "active.json: in progress" "1" "$("$JQ" scheduled_maintenances# <"$tmp/a.json")"
get scheduled-maintenances/upcoming.json >"$tmp/up.json"
expect "upcoming.json: none scheduled" "0" "$("$JQ" scheduled_maintenances# <"$tmp/up.json")"

# the demo is shifted: its newest update is a few minutes old
now=$(date -u +%s)
newest=$("$JQ" 'incidents[0].incident_updates[0].display_at' <"$tmp/s.json")
age=$((now - $(date -u -d "$newest" +%s)))
if [ "$age" -ge 0 ] && [ "$age" -le 900 ]; then ok "demo shifted to now (${age}s)"; else fail "demo age ${age}s"; fi

# ETag, 304, gzip, HEAD
curl -s -m 10 -D "$tmp/h" -o /dev/null "$base/api/v2/summary.json"
etag=$(tr -d '\r' <"$tmp/h" | sed -n 's/^ETag: //Ip')
case $etag in \"*\") ok "strong ETag $etag" ;; *) fail "ETag [$etag]" ;; esac
code=$(curl -s -m 10 -o "$tmp/b" -w '%{http_code}' -H "If-None-Match: $etag" "$base/api/v2/summary.json")
expect "If-None-Match: 304" 304 "$code"
if [ -s "$tmp/b" ]; then fail "304 with a body"; else ok "304: no body"; fi
code=$(curl -s -m 10 -o /dev/null -w '%{http_code}' -H "If-None-Match: \"x\", W/$etag" "$base/api/v2/summary.json")
expect "If-None-Match list with a weak tag: 304" 304 "$code"
code=$(curl -s -m 10 -o /dev/null -w '%{http_code}' -H 'If-None-Match: "other"' "$base/api/v2/summary.json")
expect "other ETag: 200" 200 "$code"
curl -s -m 10 -D "$tmp/h" -o "$tmp/gz" -H 'Accept-Encoding: gzip' "$base/api/v2/summary.json"
contains "gzip: Content-Encoding" "$tmp/h" "Content-Encoding: gzip"
contains "gzip: Vary" "$tmp/h" "Vary: Accept-Encoding"
if gzip -dc <"$tmp/gz" | cmp -s - "$tmp/s.json"; then ok "gzip: same bytes"; else fail "gzip body differs"; fi
curl -s -m 10 -D "$tmp/h" -o /dev/null -H 'Accept-Encoding: gzip;q=0, identity' "$base/api/v2/summary.json"
if grep -qi 'Content-Encoding' "$tmp/h"; then fail "gzip;q=0 still gzip"; else ok "gzip;q=0: plain"; fi
code=$(curl -s -m 10 -I -o "$tmp/h" -w '%{http_code}' "$base/api/v2/status.json")
expect "HEAD: 200" 200 "$code"
contains "HEAD: Content-Length of the document" "$tmp/h" "Content-Length: $(wc -c <"$tmp/st.json" | tr -d ' ')"

code=$(curl -s -m 10 -o "$tmp/b" -w '%{http_code}' "$base/api/v2/nothing.json")
expect "unknown path: 404" 404 "$code"
contains "404: JSON" "$tmp/b" '{"message":"no such endpoint'
code=$(curl -s -m 10 -o "$tmp/b" -w '%{http_code}' -X POST -d x "$base/api/v2/summary.json")
expect "POST on the read API: 405" 405 "$code"

# a write shows up in the documents, with a new ETag, and reads back through opsdeck
code=$(jreq POST /incidents '{"incident":{"name":"Round trip <check>","status":"identified","body":"Body with & and <b>markup</b>\nsecond line","components":{"mmfilter0001":"partial_outage"}}}')
expect "write: 201" 201 "$code"
id=$("$JQ" id <"$tmp/body")
code=$(curl -s -m 10 -o /dev/null -w '%{http_code}' -H "If-None-Match: $etag" "$base/api/v2/summary.json")
expect "after a write the old ETag is stale: 200" 200 "$code"
cat >"$tmp/config.json" <<JSON
{ "timezones": ["UTC"], "feeds": [ { "id": "mm", "url": "$base", "timeout": 5 } ] }
JSON
"$OD" snapshot --config "$tmp/config.json" --json >"$tmp/snap.json" 2>"$tmp/snap.err"
expect "opsdeck snapshot against opsdeckd: exit 0" 0 $?
got=$("$JQ" 'incidents[0].id' 'incidents[0].name' 'incidents[0].status' <"$tmp/snap.json" | tr '\n' '|')
expect "round trip: opsdeck reads the new incident" "$id|Round trip <check>|identified|" "$got"
if grep -qF 'Body with & and <b>markup</b>' "$tmp/snap.json"; then ok "round trip: body text intact"; \
else fail "round trip body:"; grep -o '"body[^,]*' "$tmp/snap.json" | head -3; fi
get summary.json >"$tmp/s2.json"
expect "indicator follows the components" "major" "$("$JQ" status.indicator <"$tmp/s2.json")"

stop_server TERM
echo "server_read.sh: $fails failed"
[ "$fails" -eq 0 ]
