#!/bin/sh
# `make run`: start `opsdeckd --demo` on a temporary database and a free
# loopback port, point opsdeck at it, stop the server when opsdeck exits.
# Usage: sh mk/run-demo.sh BUILD_DIR
# OPSDECK_DEMO_CMD picks what opsdeck runs (default: dashboard; e.g. snapshot, tail).
set -eu
build=${1:-build}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/opsdeck-demo.XXXXXX")
srv_pid=
cleanup() {
    if [ -n "$srv_pid" ]; then
        kill "$srv_pid" 2>/dev/null || true
        wait "$srv_pid" 2>/dev/null || true
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

"$build/opsdeckd" --demo --db "$tmp/opsdeckd.db" --listen 127.0.0.1:0 \
    --port-file "$tmp/port" --demo-token-file "$tmp/token" \
    >"$tmp/opsdeckd.out" 2>"$tmp/opsdeckd.log" &
srv_pid=$!
i=0
while [ ! -s "$tmp/port" ]; do                 # up to 10 s
    i=$((i + 1))
    if [ $i -gt 100 ] || ! kill -0 "$srv_pid" 2>/dev/null; then
        echo "run-demo: opsdeckd did not start:" >&2
        cat "$tmp/opsdeckd.log" >&2
        exit 1
    fi
    sleep 0.1
done
port=$(cat "$tmp/port")
OPSDECK_DEMO_TOKEN=$(cat "$tmp/token")
export OPSDECK_DEMO_TOKEN
echo "run-demo: opsdeckd on http://127.0.0.1:$port (page mx2016demo01, token in \$OPSDECK_DEMO_TOKEN)" >&2

cat >"$tmp/config.json" <<JSON
{
  "title": "MaxMail (demo)",
  "timezones": ["America/Los_Angeles", "Europe/London"],
  "feeds": [ { "id": "maxmail", "kind": "statuspage", "name": "MaxMail",
               "url": "http://127.0.0.1:$port", "page_id": "mx2016demo01",
               "token_env": "OPSDECK_DEMO_TOKEN", "interval": 10 } ],
  "panes": [
    { "title": "Amsterdam",          "components": ["maxmail:Amsterdam*"] },
    { "title": "California",         "components": ["maxmail:California*"] },
    { "title": "I-3 hosted email",   "components": ["maxmail:I-3*"] },
    { "title": "MaxMail filtering",  "components": ["maxmail:MaxMail filtering*"] },
    { "title": "Archive journaling", "components": ["maxmail:Archive*"] }
  ]
}
JSON
# What opsdeck runs on the demo server (OPSDECK_DEMO_CMD=snapshot for a one-shot view):
"$build/opsdeck" ${OPSDECK_DEMO_CMD:-dashboard} --config "$tmp/config.json"
