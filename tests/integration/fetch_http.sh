#!/bin/sh
# The simple fetch over http on 127.0.0.1: the demo feed, a body over the cap
# (no Content-Length), a total timeout, a redirect to file:// refused, an HTTP
# error named, and optional documents that a server does not have.
set -u
: "${OPSDECK_BUILD:?}" "${OPSDECK_SRC:?}"
OD="$OPSDECK_BUILD/opsdeck"
JQ="$OPSDECK_BUILD/tools/od_jsonq"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/od-http.XXXXXX")
srv_pid=
cleanup() {
    [ -n "$srv_pid" ] && kill "$srv_pid" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { echo "ok: $*"; }
expect() { if [ "$2" = "$3" ]; then ok "$1"; else fail "$1: want [$2] got [$3]"; fi; }
contains() {
    if grep -qF -- "$3" "$2"; then ok "$1"; else fail "$1: [$3] not in:"; sed 's/^/    | /' "$2"; fi
}

# the server's tree: the demo, and a feed with a summary only
mkdir -p "$tmp/www/only-summary/api/v2"
cp -R "$OPSDECK_SRC/demo/maxmail" "$tmp/www/maxmail"
cp "$OPSDECK_SRC/demo/maxmail/api/v2/summary.json" "$tmp/www/only-summary/api/v2/"

"$OPSDECK_BUILD/tools/od_httpfix" "$tmp/www" >"$tmp/port" 2>"$tmp/srv.err" &
srv_pid=$!
i=0
while [ ! -s "$tmp/port" ]; do            # deadline: 10 s
    i=$((i + 1))
    [ $i -gt 100 ] && { echo "FAIL: server did not start"; exit 1; }
    sleep 0.1
done
port=$(cat "$tmp/port")
base="http://127.0.0.1:$port"

cfg() {   # cfg ID URL [extra feed keys]
    printf '{ "timezones": ["America/Los_Angeles", "Europe/London"], "feeds": [ { "id": "%s", "url": "%s"%s } ] }\n' \
        "$1" "$2" "${3:-, \"timeout\": 5}" >"$tmp/c.json"
}

cfg maxmail "$base/maxmail"
"$OD" snapshot --config "$tmp/c.json" --json >"$tmp/out.json" 2>"$tmp/err.txt"
expect "http demo: exit 0" 0 $?
got=$("$JQ" 'feeds[0].ok' 'panes[0].status' 'incidents[0].id' timeline# 'timeline[0].at_zones' \
    <"$tmp/out.json" | tr '\n' '|')
expect "http demo: values" "true|major_outage|i3disk052316|9|2016-05-23 0810 PDT / 1610 BST|" "$got"

cfg maxmail "$base/maxmail/api/v2/"
"$OD" snapshot --config "$tmp/c.json" --json >"$tmp/out.json" 2>"$tmp/err.txt"
expect "base URL may end in /api/v2" 0 $?

cfg small "$base/only-summary"
"$OD" snapshot --config "$tmp/c.json" --json >"$tmp/out.json" 2>"$tmp/err.txt"
expect "summary only (404 for the rest): exit 0" 0 $?
expect "summary only: its incident" "i3disk052316" "$("$JQ" 'incidents[0].id' <"$tmp/out.json")"

cfg huge "$base/huge" ', "max_body": 4096'
"$OD" snapshot --config "$tmp/c.json" >"$tmp/out.txt" 2>"$tmp/err.txt"
expect "huge body: exit 1" 1 $?
contains "huge body: capped in the write callback" "$tmp/err.txt" \
    "opsdeck: feed huge: $base/huge/api/v2/summary.json: body larger than 4096 bytes"

cfg slow "$base/slow" ', "timeout": 1'
"$OD" snapshot --config "$tmp/c.json" >"$tmp/out.txt" 2>"$tmp/err.txt"
expect "slow: exit 1" 1 $?
contains "slow: total timeout" "$tmp/err.txt" "summary.json: timed out after 1 s"

cfg redir "$base/redirect"
"$OD" snapshot --config "$tmp/c.json" >"$tmp/out.txt" 2>"$tmp/err.txt"
expect "redirect to file://: exit 1" 1 $?
contains "redirect to file://: refused" "$tmp/err.txt" "opsdeck: feed redir: $base/redirect/api/v2/summary.json:"
if grep -q "root:" "$tmp/out.txt" "$tmp/err.txt"; then fail "redirect: /etc/passwd leaked"; else ok "redirect: nothing leaked"; fi

cfg down "$base/e503"
"$OD" snapshot --config "$tmp/c.json" >"$tmp/out.txt" 2>"$tmp/err.txt"
expect "503: exit 1" 1 $?
contains "503: named" "$tmp/out.txt" "FAILED  $base/e503/api/v2/summary.json: HTTP 503"

cfg nohost "http://127.0.0.1:1"
"$OD" snapshot --config "$tmp/c.json" >"$tmp/out.txt" 2>"$tmp/err.txt"
expect "connection refused: exit 1" 1 $?
contains "connection refused: named" "$tmp/err.txt" "opsdeck: feed nohost: http://127.0.0.1:1/api/v2/summary.json: Couldn't connect to server"

echo "fetch_http.sh: $fails failed"
[ "$fails" -eq 0 ]
