#!/bin/sh
# Fetch engine benchmark: 500 Statuspage feeds on loopback, each its own
# summary.json (the GitHub capture with the page name set to the feed's id,
# so no two bodies are equal), served by tests/tools/misbehave with ETags.
#
# For each of 5 runs: engine_probe --bench (a cold cycle where every body is
# fetched and parsed, then a cycle where every answer is 304) and, as the
# anchor, `curl --parallel --parallel-max 500` fetching the same 500 URLs.
# Prints medians and ratios; asserts nothing.
#
#   sh tests/bench/fetch.sh          (after make; env as for make test)
set -u
BUILD="${OPSDECK_BUILD:-build}"
FIX="${OPSDECK_FIXTURES:-../shared/status-fixtures}"
N="${FETCH_BENCH_FEEDS:-500}"
RUNS=5
tmp=$(mktemp -d "${TMPDIR:-/tmp}/od-fetchbench.XXXXXX")
srv=
cleanup() {
    [ -n "$srv" ] && kill "$srv" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

"$BUILD/tools/misbehave" --summary "$FIX/statuspage-github-summary-operational-2026-07-31.json" \
    --lifetime 600 >"$tmp/port" &
srv=$!
i=0
while [ ! -s "$tmp/port" ]; do
    i=$((i + 1)); [ $i -gt 100 ] && { echo "server did not start"; exit 1; }
    sleep 0.1
done
port=$(cat "$tmp/port")

{
    printf '{"feeds":['
    i=0
    while [ $i -lt "$N" ]; do
        [ $i -gt 0 ] && printf ','
        printf '{"id":"f%d","url":"http://127.0.0.1:%s/f%d","interval":3600,"timeout":30,"summary_only":true}' \
            $i "$port" $i
        i=$((i + 1))
    done
    printf '],"panes":[{"title":"All","components":["*"]}]}\n'
} >"$tmp/config.json"
i=0
while [ $i -lt "$N" ]; do
    printf 'url = "http://127.0.0.1:%s/f%d/api/v2/summary.json"\noutput = "/dev/null"\n' "$port" $i
    i=$((i + 1))
done >"$tmp/curl.cfg"
body=$(wc -c <"$FIX/statuspage-github-summary-operational-2026-07-31.json")

median() { sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }

r=0
while [ $r -lt $RUNS ]; do
    "$BUILD/tools/engine_probe" --config "$tmp/config.json" --bench >"$tmp/e$r" || exit 1
    "$BUILD/tools/engine_probe" --time curl -s --no-progress-meter --parallel \
        --parallel-max 500 -K "$tmp/curl.cfg" >"$tmp/c$r" || exit 1
    r=$((r + 1))
done
val() { cat "$tmp"/e* | awk -v k="$1" '$1 == k {print $2}' | median; }
e_wall=$(val cycle1_wall_ms); e_cpu=$(val cycle1_cpu_ms)
n_wall=$(val cycle2_wall_ms); n_cpu=$(val cycle2_cpu_ms)
rss=$(val peak_rss_kb); fails=$(val cycle1_failures)
c_wall=$(cat "$tmp"/c* | awk '$1 == "wall_ms" {print $2}' | median)
c_cpu=$(cat "$tmp"/c* | awk '$1 == "cpu_ms" {print $2}' | median)

echo "fetch bench: $N feeds on 127.0.0.1, summary.json of $body bytes each, median of $RUNS"
printf '  engine full cycle:  wall %8.1f ms  cpu %8.1f ms  (failures %s)\n' "$e_wall" "$e_cpu" "$fails"
printf '  engine 304 cycle:   wall %8.1f ms  cpu %8.1f ms\n' "$n_wall" "$n_cpu"
printf '  curl --parallel:    wall %8.1f ms  cpu %8.1f ms\n' "$c_wall" "$c_cpu"
printf '  engine peak RSS:    %.1f MB\n' "$(echo "$rss" | awk '{print $1 / 1024}')"
awk -v ew="$e_wall" -v ec="$e_cpu" -v cw="$c_wall" -v cc="$c_cpu" -v nc="$n_cpu" 'BEGIN {
    printf "  ratios: wall engine/curl %.2f, cpu engine/curl %.2f, 304/full cpu %.3f\n",
        ew / cw, (cc > 0 ? ec / cc : 0), nc / ec }'
