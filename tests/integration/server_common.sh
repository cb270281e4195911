#!/bin/sh
# Helpers for the opsdeckd integration tests (sourced with SERVER_COMMON_SOURCED=1).
# Run on its own it is a test too: start on a free port, --port-file and
# --demo-token-file appear, the server logs, and SIGTERM stops it cleanly.
set -u
: "${OPSDECK_BUILD:?}" "${OPSDECK_SRC:?}"
OD="$OPSDECK_BUILD/opsdeck"
ODD="$OPSDECK_BUILD/opsdeckd"
JQ="$OPSDECK_BUILD/tools/od_jsonq"
PAGE=mx2016demo01
tmp=$(mktemp -d "${TMPDIR:-/tmp}/od-srv.XXXXXX")
srv_pid=
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { echo "ok: $*"; }
expect() { if [ "$2" = "$3" ]; then ok "$1"; else fail "$1: want [$2] got [$3]"; fi; }
contains() {
    if grep -qF -- "$3" "$2"; then ok "$1"; else fail "$1: [$3] not in:"; sed 's/^/    | /' "$2" | head -20; fi
}
stop_server() {   # stop_server [SIGNAL]
    if [ -n "$srv_pid" ]; then
        kill "-${1:-TERM}" "$srv_pid" 2>/dev/null
        wait "$srv_pid" 2>/dev/null
        srv_rc=$?
        srv_pid=
    fi
}
cleanup() {
    stop_server KILL
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# start_server [opsdeckd args...]: demo database $tmp/d.db, sets port, token, base, api
start_server() {
    rm -f "$tmp/port" "$tmp/token"
    "$ODD" --demo --db "$tmp/d.db" --listen 127.0.0.1:0 --port-file "$tmp/port" \
        --demo-token-file "$tmp/token" "$@" >>"$tmp/srv.out" 2>>"$tmp/srv.log" &
    srv_pid=$!
    i=0
    while [ ! -s "$tmp/port" ]; do            # deadline: 10 s
        i=$((i + 1))
        if [ $i -gt 100 ] || ! kill -0 "$srv_pid" 2>/dev/null; then
            echo "FAIL: opsdeckd did not start"
            cat "$tmp/srv.log"
            exit 1
        fi
        sleep 0.1
    done
    port=$(cat "$tmp/port")
    token=$(cat "$tmp/token")
    base="http://127.0.0.1:$port"
    api="$base/v1/pages/$PAGE"
}

# req METHOD PATH [curl args...]: body to $tmp/body, prints the status code
req() {
    m=$1
    p=$2
    shift 2
    curl -s -m 10 -o "$tmp/body" -w '%{http_code}' -X "$m" -H "Authorization: OAuth $token" \
        "$@" "$api$p"
}
# jreq METHOD PATH JSON [curl args...]
jreq() {
    m=$1
    p=$2
    j=$3
    shift 3
    req "$m" "$p" -H 'Content-Type: application/json' --data-binary "$j" "$@"
}

if [ -z "${SERVER_COMMON_SOURCED:-}" ]; then
    start_server
    expect "port file holds a port" "yes" "$(case $port in ''|*[!0-9]*) echo no;; *) echo yes;; esac)"
    contains "demo token printed" "$tmp/srv.out" "opsdeckd demo: page id $PAGE, token $token"
    code=$(curl -s -m 5 -o /dev/null -w '%{http_code}' "$base/api/v2/status.json")
    expect "serves status.json" 200 "$code"
    contains "one log line per request" "$tmp/srv.log" '127.0.0.1 "GET /api/v2/status.json" 200'
    stop_server TERM
    expect "SIGTERM: exit 0" 0 "$srv_rc"
    contains "SIGTERM: logged" "$tmp/srv.log" "signal 15: shutting down"
    : >"$tmp/srv.log"
    start_server --syslog
    code=$(curl -s -m 5 -o /dev/null -w '%{http_code}' "$base/api/v2/status.json")
    expect "--syslog: serves" 200 "$code"
    stop_server TERM
    expect "--syslog: exit 0" 0 "$srv_rc"
    if grep -q 'GET /api' "$tmp/srv.log"; then fail "--syslog still logs to stderr"; else ok "--syslog: nothing on stderr"; fi
    "$ODD" --listen nonsense --db "$tmp/x.db" 2>"$tmp/err"
    expect "bad --listen: exit 2" 2 $?
    contains "bad --listen: named" "$tmp/err" "--listen 'nonsense' is not ADDR:PORT"
    rm -f "$tmp/d.db"*
    start_server --page-id status-main
    code=$(curl -s -m 5 -o /dev/null -w '%{http_code}' -H "Authorization: OAuth $token" "$base/v1/pages/status-main/incidents")
    expect "--page-id: the management API answers under it" 200 "$code"
    contains "--page-id: printed with the demo token" "$tmp/srv.out" "page id status-main, token $token"
    expect "--page-id: in the documents" status-main "$(curl -s -m 5 "$base/api/v2/status.json" | "$JQ" page.id)"
    stop_server TERM
    "$ODD" --page-id 'a/b' --db "$tmp/d.db" --listen 127.0.0.1:0 2>"$tmp/err"
    expect "bad --page-id: exit 2" 2 $?
    "$ODD" --demo --demo-dir "$tmp/nowhere" --db "$tmp/y.db" --listen 127.0.0.1:0 2>"$tmp/err"
    expect "demo data missing: exit 1" 1 $?
    contains "demo data missing: named" "$tmp/err" "demo data not found"
    "$ODD" token frobnicate --db "$tmp/y.db" 2>"$tmp/err"
    expect "token usage error: exit 2" 2 $?
    "$ODD" --bogus 2>"$tmp/err"
    expect "unknown option: exit 2" 2 $?
    echo "server_common.sh: $fails failed"
    [ "$fails" -eq 0 ]
fi
