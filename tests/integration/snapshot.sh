#!/bin/sh
# `opsdeck snapshot` end to end over file:// feeds: the demo feed (text and
# --json), the real captures, a missing feed (exit 1), config and usage errors
# (exit 2), and a hostile feed that must not put a single control byte on stdout.
set -u
: "${OPSDECK_BUILD:?}" "${OPSDECK_SRC:?}"
OD="$OPSDECK_BUILD/opsdeck"
JQ="$OPSDECK_BUILD/tools/od_jsonq"
SAFE="$OPSDECK_BUILD/tools/od_safeout"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/od-snapshot.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { echo "ok: $*"; }

# expect NAME WANT ACTUAL
expect() {
    if [ "$2" = "$3" ]; then ok "$1"; else fail "$1: want [$2] got [$3]"; fi
}
# contains NAME FILE TEXT
# safe NAME FILE: FILE holds nothing that could act on a terminal
safe() {
    if "$SAFE" <"$2"; then ok "$1"; else fail "$1"; fi
}
contains() {
    if grep -qF -- "$3" "$2"; then ok "$1"; else fail "$1: [$3] not in $2"; sed 's/^/    | /' "$2"; fi
}

demo_panes='"panes": [
    { "title": "Amsterdam",          "components": ["maxmail:Amsterdam*"] },
    { "title": "California",         "components": ["maxmail:California*"] },
    { "title": "I-3 hosted email",   "components": ["maxmail:I-3*"] },
    { "title": "MaxMail filtering",  "components": ["maxmail:MaxMail filtering*"] },
    { "title": "Archive journaling", "components": ["maxmail:Archive*"] } ]'

cat >"$tmp/demo.json" <<EOF
{ "title": "MaxMail",
  "timezones": ["America/Los_Angeles", "Europe/London"],
  "feeds": [ { "id": "maxmail", "url": "file://$OPSDECK_SRC/demo/maxmail" } ],
  $demo_panes }
EOF

# ---- the demo feed, as text ----
OPSDECK_TEST_NOW=2016-05-23T15:12:00Z COLUMNS=100 "$OD" snapshot --config "$tmp/demo.json" \
    >"$tmp/out.txt" 2>"$tmp/err.txt"
expect "demo: exit 0" 0 $?
expect "demo: nothing on stderr" "" "$(cat "$tmp/err.txt")"
contains "demo: header in both zones" "$tmp/out.txt" "MaxMail snapshot, 2016-05-23 0812 PDT / 1612 BST"
contains "demo: overall" "$tmp/out.txt" "Overall: Major outage (Partial System Outage)"
contains "demo: feed ok" "$tmp/out.txt" "  maxmail       ok      MaxMail  https://status.maxmail.example"
contains "demo: I-3 pane worst status" "$tmp/out.txt" "  I-3 hosted email              Major outage"
contains "demo: Amsterdam pane" "$tmp/out.txt" "  Amsterdam                     Operational"
contains "demo: a group's child" "$tmp/out.txt" "      Amsterdam inbound mail (MX)           Operational"
contains "demo: pane incident" "$tmp/out.txt" "    incident: I-3 hosted email (Identified)"
contains "demo: pane maintenance" "$tmp/out.txt" "    maintenance: I-3 service maintenance (In progress)"
contains "demo: latest update time" "$tmp/out.txt" "    latest: 2016-05-23 0810 PDT / 1610 BST  Identified"
contains "demo: body wrapped" "$tmp/out.txt" "      Our engineers have confirmed that the restoration"
contains "demo: maintenance window" "$tmp/out.txt" \
    "    window: 2016-05-23 0500 PDT / 1300 BST  to  2016-05-23 0900 PDT / 1700 BST"
contains "demo: timeline head" "$tmp/out.txt" "TIMELINE (newest first, 9 of 9 updates)"
contains "demo: timeline 0510" "$tmp/out.txt" \
    "  2016-05-23 0510 PDT / 1310 BST  investigating I-3 hosted email: Our engineers are currently"
contains "demo: timeline Amsterdam resolved" "$tmp/out.txt" \
    "  2016-05-10 1030 PDT / 1830 BST  resolved      Networking Issue at Amsterdam Datacenter:"
contains "demo: timeline Office 365 day" "$tmp/out.txt" \
    "  2016-04-20 1300 PDT / 2100 BST  investigating Message Processing: General inbound"
contains "demo: timeline across midnight in London" "$tmp/out.txt" \
    "  2016-04-19 1945 PDT / 0345 BST  monitoring    Message Processing:"
safe "demo: text is terminal-safe" "$tmp/out.txt"
# every line fits the width
long=$(sed 's/…/./g' "$tmp/out.txt" | awk 'length($0) > 100' | wc -l)
expect "demo: no line over 100 bytes" 0 "$long"

# ---- the README shows this very output (all but the clock in its first line) ----
# (the config of mk/run-demo.sh before opsdeckd took over `make run`)
sed 's/"title": "MaxMail"/"title": "MaxMail (demo)"/' "$tmp/demo.json" >"$tmp/readme.json"
COLUMNS='' "$OD" snapshot --config "$tmp/readme.json" 2>/dev/null | sed 1d >"$tmp/run.txt"
sed -n '/^snapshot, captured as is:$/,$p' "$OPSDECK_SRC/README.md" |
    sed '1,4d' | sed '/^```$/,$d' >"$tmp/readme.txt"
if [ -s "$tmp/readme.txt" ] && cmp -s "$tmp/run.txt" "$tmp/readme.txt"; then
    ok "README: the Snapshot section shows the real output"
else
    fail "README: the Snapshot section differs from the real output:"
    diff "$tmp/readme.txt" "$tmp/run.txt" | head -20
fi

# ---- the demo feed, as JSON ----
OPSDECK_TEST_NOW=2016-05-23T15:12:00Z "$OD" snapshot --config "$tmp/demo.json" --json \
    >"$tmp/out.json" 2>"$tmp/err.txt"
expect "json: exit 0" 0 $?
safe "json: terminal-safe" "$tmp/out.json"
got=$("$JQ" feeds# 'feeds[0].id' 'feeds[0].ok' 'feeds[0].error' 'feeds[0].fetched_at' \
    panes# 'panes[0].title' 'panes[0].status' 'panes[2].title' 'panes[2].status' \
    'panes[2].components#' 'panes[2].components[1].feed' 'panes[2].components[1].id' \
    'panes[2].components[1].name' 'panes[2].components[1].status' \
    incidents# 'incidents[0].feed' 'incidents[0].id' 'incidents[0].name' 'incidents[0].status' \
    'incidents[0].impact' 'incidents[0].updates#' 'incidents[0].updates[0].status' \
    'incidents[0].updates[0].at' 'incidents[0].updates[1].status' 'incidents[0].updates[1].at' \
    maintenances# 'maintenances[0].id' 'maintenances[0].status' 'maintenances[0].impact' \
    'maintenances[0].scheduled_for' 'maintenances[0].scheduled_until' \
    'maintenances[0].updates[1].status' \
    timeline# 'timeline[0].at' 'timeline[0].at_zones' 'timeline[0].feed' \
    'timeline[0].incident_id' 'timeline[0].incident' 'timeline[0].status' \
    'timeline[8].at_zones' 'timeline[8].status' <"$tmp/out.json" | tr '\n' '|')
want="1|maxmail|true|null|2016-05-23T15:12:00.000Z|5|Amsterdam|operational|I-3 hosted email|major_outage|3|maxmail|i3mailsrv001|I-3 mail server|major_outage|1|maxmail|i3disk052316|I-3 hosted email|identified|major|2|identified|2016-05-23T15:10:31.204Z|investigating|2016-05-23T12:10:44.517Z|1|i3maint05231|in_progress|maintenance|2016-05-23T12:00:00.000Z|2016-05-23T16:00:00.000Z|scheduled|9|2016-05-23T15:10:31.204Z|2016-05-23 0810 PDT / 1610 BST|maxmail|i3disk052316|I-3 hosted email|identified|2016-04-19 1945 PDT / 0345 BST|monitoring|"
expect "json: fixed field names and values" "$want" "$got"
"$JQ" 'timeline[3].body' <"$tmp/out.json" >"$tmp/body.txt"
contains "json: body keeps its paragraphs" "$tmp/body.txt" "for essential maintenance."
expect "json: body has two paragraphs" 3 "$(wc -l <"$tmp/body.txt")"

# ---- a missing feed: exit 1, named, the rest still printed ----
cat >"$tmp/missing.json" <<EOF
{ "feeds": [ { "id": "maxmail", "url": "file://$OPSDECK_SRC/demo/maxmail" },
             { "id": "gone", "url": "file://$tmp/no-such-feed" } ],
  $demo_panes }
EOF
"$OD" snapshot --config "$tmp/missing.json" >"$tmp/out.txt" 2>"$tmp/err.txt"
expect "missing: exit 1" 1 $?
contains "missing: named on stdout" "$tmp/out.txt" \
    "  gone          FAILED  file://$tmp/no-such-feed/api/v2/summary.json: cannot open: No such file or directory"
contains "missing: overall says so" "$tmp/out.txt" "; 1 of 2 feeds failed"
contains "missing: named on stderr" "$tmp/err.txt" "opsdeck: feed gone: file://$tmp/no-such-feed/api/v2/summary.json: cannot open"
contains "missing: still shows the rest" "$tmp/out.txt" "  I-3 hosted email              Major outage"
"$OD" snapshot --config "$tmp/missing.json" --json >"$tmp/out.json" 2>/dev/null
expect "missing --json: exit 1" 1 $?
got=$("$JQ" 'feeds[0].ok' 'feeds[1].id' 'feeds[1].ok' 'feeds[1].fetched_at' 'panes[2].status' \
    <"$tmp/out.json" | tr '\n' '|')
expect "missing --json: feed state" "true|gone|false|null|major_outage|" "$got"
"$JQ" 'feeds[1].error' <"$tmp/out.json" >"$tmp/e.txt"
contains "missing --json: error text" "$tmp/e.txt" "cannot open: No such file or directory"

# a broken document is a failure too, with its position
mkdir -p "$tmp/broken/api/v2"
printf '{"page": {"id": "x"},\n "components": [\n' >"$tmp/broken/api/v2/summary.json"
printf '{ "feeds": [ { "id": "broken", "url": "file://%s/broken" } ] }\n' "$tmp" >"$tmp/broken.json"
"$OD" snapshot --config "$tmp/broken.json" >"$tmp/out.txt" 2>"$tmp/err.txt"
expect "broken: exit 1" 1 $?
contains "broken: position named" "$tmp/err.txt" "summary.json:3:"

# ---- config and usage errors: exit 2 ----
printf '{\n  "feeds": [\n    { "id": "x", "url": "file:///x", "interval": "soon" }\n  ]\n}\n' \
    >"$tmp/bad.json"
"$OD" snapshot --config "$tmp/bad.json" >"$tmp/out.txt" 2>"$tmp/err.txt"
expect "bad config: exit 2" 2 $?
expect "bad config: message" \
    "opsdeck: $tmp/bad.json:3:50: feeds[0].interval: expected a positive integer (at most 86400)" \
    "$(cat "$tmp/err.txt")"
expect "bad config: nothing on stdout" "" "$(cat "$tmp/out.txt")"
"$OD" snapshot --config "$tmp/nope.json" >/dev/null 2>"$tmp/err.txt"
expect "no such config: exit 2" 2 $?
contains "no such config: named" "$tmp/err.txt" "nope.json: cannot open: No such file or directory"
"$OD" snapshot --bogus >/dev/null 2>&1
expect "unknown option: exit 2" 2 $?
"$OD" snapshot --config >/dev/null 2>&1
expect "--config without FILE: exit 2" 2 $?
"$OD" frobnicate >/dev/null 2>"$tmp/err.txt"
expect "unknown subcommand: exit 2" 2 $?
"$OD" --help >"$tmp/out.txt"
expect "--help: exit 0" 0 $?
contains "--help lists snapshot" "$tmp/out.txt" "  snapshot"
expect "--version" "opsdeck $(cat "$OPSDECK_SRC/VERSION")" "$("$OD" --version)"
"$OD" snapshot --help >"$tmp/out.txt"
expect "snapshot --help: exit 0" 0 $?

# the built-in default when there is no config file: a local opsdeckd on 8931
# (not running here), so the feed fails but the five panes are listed
XDG_CONFIG_HOME="$tmp/xdg-empty" HOME="$tmp" "$OD" snapshot --json >"$tmp/out.json" 2>/dev/null
expect "built-in default: exit 1 without a server" 1 $?
got=$("$JQ" 'feeds[0].id' 'feeds[0].url' panes# 'panes[4].title' <"$tmp/out.json" | tr '\n' '|')
expect "built-in default: feed and panes" "maxmail|http://127.0.0.1:8931|5|Archive journaling|" "$got"

# ---- the real captures ----
if [ -n "${OPSDECK_FIXTURES:-}" ] && [ -d "$OPSDECK_FIXTURES" ]; then
    mkdir -p "$tmp/gh2022/api/v2" "$tmp/gh2026/api/v2"
    ln -s "$OPSDECK_FIXTURES/statuspage-github-summary-active-incident-2022-11-25.json" \
        "$tmp/gh2022/api/v2/summary.json"
    ln -s "$OPSDECK_FIXTURES/statuspage-github-summary-operational-2026-07-31.json" \
        "$tmp/gh2026/api/v2/summary.json"
    ln -s "$OPSDECK_FIXTURES/statuspage-github-incidents-2026-07-31.json" \
        "$tmp/gh2026/api/v2/incidents.json"
    cat >"$tmp/gh.json" <<EOF
{ "timezones": ["UTC"],
  "feeds": [ { "id": "gh2022", "url": "file://$tmp/gh2022" },
             { "id": "gh2026", "url": "file://$tmp/gh2026" } ],
  "panes": [ { "title": "Packages", "components": ["Packages"] },
             { "title": "GitHub 2022", "components": ["gh2022:*"] },
             { "title": "GitHub 2026", "components": ["gh2026:*"] } ] }
EOF
    "$OD" snapshot --config "$tmp/gh.json" --json >"$tmp/gh.out" 2>"$tmp/err.txt"
    expect "captures: exit 0" 0 $?
    safe "captures: terminal-safe" "$tmp/gh.out"
    got=$("$JQ" 'feeds[0].indicator' 'feeds[1].indicator' \
        'panes[0].components#' 'panes[0].status' 'panes[0].components[0].feed' \
        'panes[0].components[1].feed' 'panes[0].components[1].status' \
        'panes[1].status' 'panes[1].components#' 'panes[2].status' 'panes[2].components#' \
        incidents# 'incidents[0].id' 'incidents[0].name' 'incidents[0].status' \
        'incidents[0].impact' 'incidents[0].updates#' 'incidents[0].updates[0].at' \
        maintenances# timeline# <"$tmp/gh.out" | tr '\n' '|')
    want="minor|none|2|partial_outage|gh2022|gh2026|operational|partial_outage|11|operational|12|1|ljwdk6qml8z8|Incident with Packages and Pages|investigating|major|7|2022-11-25T15:50:04.967Z|0|294|"
    expect "captures: values read off the files" "$want" "$got"
    "$OD" snapshot --config "$tmp/gh.json" >"$tmp/gh.txt" 2>/dev/null
    safe "captures: text terminal-safe" "$tmp/gh.txt"
    contains "captures: text timeline cut" "$tmp/gh.txt" "TIMELINE (newest first, 20 of 294 updates)"
else
    echo "skip: OPSDECK_FIXTURES not set"
fi

# ---- a Cachet feed as a directory of captures (the codec's test pages) ----
c="$tmp/cachet/api/v1"
mkdir -p "$c/components"
cp "$OPSDECK_SRC/tests/cachet/components-p1.json" "$c/components.json"
cp "$OPSDECK_SRC/tests/cachet/groups.json" "$c/components/groups.json"
cp "$OPSDECK_SRC/tests/cachet/incidents.json" "$c/incidents.json"
cp "$OPSDECK_SRC/tests/cachet/schedules.json" "$c/schedules.json"
printf '{ "timezones": ["Europe/London"], "feeds": [ { "id": "cq", "kind": "cachet", "time_zone": "Europe/London", "url": "file://%s/cachet" } ] }\n' \
    "$tmp" >"$tmp/cachet.json"
"$OD" snapshot --config "$tmp/cachet.json" --json >"$tmp/cq.out" 2>"$tmp/err.txt"
expect "cachet: exit 0" 0 $?
got=$("$JQ" 'feeds[0].ok' 'panes[0].title' 'panes[0].status' 'maintenances#' timeline# \
    <"$tmp/cq.out" | tr '\n' '|')
expect "cachet: read through file://" "true|cq|partial_outage|2|10|" "$got"

# ---- a hostile feed: escape sequences everywhere ----
mkdir -p "$tmp/evil/api/v2"
# shellcheck disable=SC2016  # literal JSON escapes, not shell expansions
E='\u001b[2J\u001b]0;pwned\u0007\u009b31m\u001bP1$r\u001b\\\u202e\u2066\u007f\u0008\r'
cat >"$tmp/evil/api/v2/summary.json" <<EOF
{ "page": { "id": "evil", "name": "Ev${E}il", "url": "x", "time_zone": "${E}" },
  "status": { "indicator": "minor${E}", "description": "D${E}" },
  "components": [ { "id": "c${E}1", "name": "Comp${E}onent", "status": "major_outage",
                    "group_id": null, "group": false, "position": 1 } ],
  "incidents": [ { "id": "i${E}1", "name": "Inc${E}ident", "status": "investigating",
                   "impact": "critical${E}",
                   "components": [ { "id": "c${E}1", "name": "Comp${E}onent" } ],
                   "incident_updates": [ { "id": "u1", "status": "investigating",
                     "body": "<b>Bo${E}dy</b> line one\\n\\u001b[31mred\\u001b[0m line two${E}",
                     "display_at": "2026-01-01T00:00:00Z",
                     "affected_components": [ { "code": "c${E}1", "name": "N${E}",
                        "old_status": "operational", "new_status": "major_outage" } ] } ] } ],
  "scheduled_maintenances": [ { "id": "m${E}", "name": "Main${E}t", "status": "scheduled",
      "impact": "maintenance", "scheduled_for": "2026-02-01T00:00:00Z",
      "scheduled_until": "2026-02-01T01:00:00Z", "components": [],
      "incident_updates": [ { "id": "u2", "status": "scheduled", "body": "${E}\\u009b2J",
                              "display_at": "2026-01-01T00:00:00Z" } ] } ] }
EOF
cat >"$tmp/evil.json" <<EOF
{ "title": "Wall${E}board",
  "feeds": [ { "id": "evil", "name": "N${E}ame", "url": "file://$tmp/evil" },
             { "id": "evil2", "url": "file://$tmp/missing" } ],
  "panes": [ { "title": "P${E}ane", "components": ["evil:*"] },
             { "title": "Other", "components": ["Other*"] } ] }
EOF
COLUMNS=80 "$OD" snapshot --config "$tmp/evil.json" >"$tmp/evil.txt" 2>"$tmp/evil.err"
expect "hostile: exit 1 (one feed missing)" 1 $?
safe "hostile: text stdout has no control bytes" "$tmp/evil.txt"
safe "hostile: stderr has no control bytes" "$tmp/evil.err"
contains "hostile: the incident is shown" "$tmp/evil.txt" "  Inc ident  [N ame, impact unknown, Investigating]"
contains "hostile: body text survives" "$tmp/evil.txt" "      dy line one"
contains "hostile: body's second line" "$tmp/evil.txt" "      red line two"
"$OD" snapshot --config "$tmp/evil.json" --json >"$tmp/evil.out" 2>"$tmp/evil.err"
expect "hostile --json: exit 1" 1 $?
safe "hostile: json stdout has no control bytes" "$tmp/evil.out"
# and nothing escaped in JSON that would turn into a control once decoded
"$JQ" 'incidents[0].updates[0].body' 'incidents[0].name' 'panes[0].title' 'title' \
    'feeds[1].error' 'maintenances[0].updates[0].body' 'panes[0].components[0].id' \
    <"$tmp/evil.out" | tr -d '\n' >"$tmp/decoded.txt"
safe "hostile: decoded JSON strings are clean" "$tmp/decoded.txt"

# a URL with an escape in the config is refused (exit 2), and said safely
printf '{ "feeds": [ { "id": "x", "url": "file:///x\\u001b]0;t\\u0007" } ] }\n' >"$tmp/evilurl.json"
"$OD" snapshot --config "$tmp/evilurl.json" >"$tmp/out.txt" 2>"$tmp/err.txt"
expect "hostile url: exit 2" 2 $?
safe "hostile url: stderr clean" "$tmp/err.txt"
contains "hostile url: message" "$tmp/err.txt" "feeds[0].url: expected text without control"

echo "snapshot.sh: $fails failed"
[ "$fails" -eq 0 ]
