#!/bin/sh
# Figures for posting: the cost of saving a draft on every keystroke (small and
# 25,000-character messages), and `opsdeck post` round trips against opsdeckd
# on loopback (through the outbox: write, send, remove). Prints; asserts nothing.
#   make && make build/tools/od_draftbench && sh tests/bench/post.sh
set -eu
build=${OPSDECK_BUILD:-build}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/od-postbench.XXXXXX")
srv_pid=
cleanup() {
    [ -n "$srv_pid" ] && kill "$srv_pid" 2>/dev/null && wait "$srv_pid" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
XDG_STATE_HOME="$tmp/state"
export XDG_STATE_HOME
"$build/tools/od_draftbench" 200 200
"$build/tools/od_draftbench" 200 25000

"$build/opsdeckd" --demo --db "$tmp/d.db" --listen 127.0.0.1:0 --port-file "$tmp/port" \
    --demo-token-file "$tmp/token" >/dev/null 2>&1 &
srv_pid=$!
i=0
while [ ! -s "$tmp/port" ] && [ $i -lt 100 ]; do i=$((i + 1)); sleep 0.1; done
port=$(cat "$tmp/port")
OPSDECK_BENCH_TOKEN=$(cat "$tmp/token")
export OPSDECK_BENCH_TOKEN
cat >"$tmp/config.json" <<JSON
{ "feeds": [ { "id": "mx", "url": "http://127.0.0.1:$port", "page_id": "mx2016demo01",
               "token_env": "OPSDECK_BENCH_TOKEN" } ] }
JSON
id=$("$build/opsdeck" post incident --config "$tmp/config.json" --title 'Bench' --message start)
runs=21
: >"$tmp/times"
n=0
while [ $n -lt $runs ]; do
    t0=$(date +%s%N)
    "$build/opsdeck" post update --config "$tmp/config.json" --incident "$id" \
        --status monitoring --message "bench update $n" >/dev/null
    t1=$(date +%s%N)
    echo $(( (t1 - t0) / 1000 )) >>"$tmp/times"
    n=$((n + 1))
done
sort -n "$tmp/times" | awk -v runs=$runs '{ a[NR] = $1 } END {
    printf "cli_post_update_ms n=%d median %.1f min %.1f max %.1f\n", runs, a[int((NR + 1) / 2)] / 1000,
        a[1] / 1000, a[NR] / 1000 }'
