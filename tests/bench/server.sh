#!/bin/sh
# opsdeckd read throughput next to nginx serving the same bytes as a static
# file (the ceiling), and the PATCH write rate. Loopback only, bounded in time:
# wrk for 10 s per run at 8 and 64 connections, three runs each alternating
# with nginx (medians), then 5 s of PATCH updates. About 2.5 minutes.
# Installs wrk and nginx (Debian packages) when missing.
# Usage: sh tests/bench/server.sh [BUILD_DIR]   (OPSDECK_BENCH_SECONDS, _RUNS to shorten,
# OPSDECK_BENCH_ARGS for extra opsdeckd options such as "--threads 2")
set -u
build=${1:-${OPSDECK_BUILD:-build}}
secs=${OPSDECK_BENCH_SECONDS:-10}
need=""
command -v wrk >/dev/null 2>&1 || need="$need wrk"
[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null 2>&1 || need="$need nginx"
if [ -n "$need" ]; then
    echo "bench: installing$need"
    SUDO=; [ "$(id -u)" -eq 0 ] || SUDO=sudo
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $need >/dev/null 2>&1 ||
        { $SUDO apt-get update -qq >/dev/null 2>&1; DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $need >/dev/null; } ||
        { echo "bench: cannot install$need" >&2; exit 1; }
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

tmp=$(mktemp -d "${TMPDIR:-/tmp}/od-bench.XXXXXX")
srv_pid=
ngx_pid=
cleanup() {
    [ -n "$srv_pid" ] && kill "$srv_pid" 2>/dev/null && wait "$srv_pid" 2>/dev/null
    [ -n "$ngx_pid" ] && kill "$ngx_pid" 2>/dev/null && wait "$ngx_pid" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

"$build/opsdeckd" --demo --db "$tmp/d.db" --listen 127.0.0.1:0 --port-file "$tmp/port" ${OPSDECK_BENCH_ARGS:-} \
    --demo-token-file "$tmp/token" >/dev/null 2>"$tmp/opsdeckd.log" &
srv_pid=$!
i=0
while [ ! -s "$tmp/port" ]; do
    i=$((i + 1)); [ $i -gt 100 ] && { echo "bench: opsdeckd did not start"; exit 1; }
    sleep 0.1
done
port=$(cat "$tmp/port")
token=$(cat "$tmp/token")
# the log goes to a file as in production; nginx logs its accesses too
mkdir -p "$tmp/www/api/v2"
chmod 755 "$tmp" "$tmp/www" "$tmp/www/api" "$tmp/www/api/v2"    # nginx workers drop root
curl -s "http://127.0.0.1:$port/api/v2/summary.json" >"$tmp/www/api/v2/summary.json"

start_nginx() {
    np=$1
    cat >"$tmp/nginx.conf" <<CONF
worker_processes auto;
daemon off;
pid $tmp/nginx.pid;
error_log $tmp/nginx.err;
events { worker_connections 1024; }
http {
    access_log $tmp/nginx.access;
    client_body_temp_path $tmp/cb; proxy_temp_path $tmp/px; fastcgi_temp_path $tmp/fc;
    uwsgi_temp_path $tmp/uw; scgi_temp_path $tmp/sc;
    types { application/json json; }
    server { listen 127.0.0.1:$np; root $tmp/www; etag on; }
}
CONF
    "$NGINX" -p "$tmp" -c "$tmp/nginx.conf" 2>>"$tmp/nginx.err" &
    ngx_pid=$!
    i=0
    while [ $i -lt 30 ]; do
        if curl -s -o /dev/null "http://127.0.0.1:$np/api/v2/summary.json"; then return 0; fi
        kill -0 "$ngx_pid" 2>/dev/null || { ngx_pid=; return 1; }
        sleep 0.1; i=$((i + 1))
    done
    return 1
}
ngx_port=
for try in 1 2 3 4 5; do
    np=$(( (($$ + try * 7919) % 30000) + 20000 ))
    if start_nginx "$np"; then ngx_port=$np; break; fi
done
[ -n "$ngx_port" ] || { echo "bench: nginx did not start"; cat "$tmp/nginx.err"; exit 1; }
curl -s "http://127.0.0.1:$ngx_port/api/v2/summary.json" | cmp -s - "$tmp/www/api/v2/summary.json" ||
    { echo "bench: nginx serves other bytes"; exit 1; }

# run_wrk URL CONNS → "req/s p99_ms"
run_wrk() {
    wrk -t2 -c"$2" -d"${secs}s" --latency "$1" >"$tmp/wrk.out" 2>&1
    rps=$(awk '/^Requests\/sec:/ { print $2 }' "$tmp/wrk.out")
    p99=$(awk '$1 == "99%" { v = $2; if (v ~ /us$/) { sub(/us$/, "", v); v /= 1000 }
        else if (v ~ /ms$/) sub(/ms$/, "", v); else if (v ~ /s$/) { sub(/s$/, "", v); v *= 1000 }
        printf "%.2f", v }' "$tmp/wrk.out")
    echo "$rps $p99"
}

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

bytes=$(wc -c <"$tmp/www/api/v2/summary.json" | tr -d ' ')
runs=${OPSDECK_BENCH_RUNS:-3}
echo "summary.json: $bytes bytes, wrk -t2, ${secs} s per run, median of $runs runs (alternating), loopback, $(nproc) CPUs"
printf '%-6s %-10s %12s %10s\n' conns server req/s p99_ms
for c in 8 64; do
    : >"$tmp/o.txt"
    : >"$tmp/n.txt"
    r=0
    while [ $r -lt "$runs" ]; do
        run_wrk "http://127.0.0.1:$port/api/v2/summary.json" "$c" >>"$tmp/o.txt"
        run_wrk "http://127.0.0.1:$ngx_port/api/v2/summary.json" "$c" >>"$tmp/n.txt"
        r=$((r + 1))
    done
    o_rps=$(cut -d' ' -f1 "$tmp/o.txt" | median); o_p99=$(cut -d' ' -f2 "$tmp/o.txt" | median)
    n_rps=$(cut -d' ' -f1 "$tmp/n.txt" | median); n_p99=$(cut -d' ' -f2 "$tmp/n.txt" | median)
    printf '%-6s %-10s %12s %10s\n' "$c" opsdeckd "$o_rps" "$o_p99"
    printf '%-6s %-10s %12s %10s\n' "$c" nginx "$n_rps" "$n_p99"
    awk -v a="$o_rps" -v b="$n_rps" -v c="$c" 'BEGIN { printf "ratio opsdeckd/nginx at %s connections: %.2f\n", c, a / b }'
done

# writes: PATCH updates on the open incident, 8 connections, 5 s
cat >"$tmp/patch.lua" <<LUA
wrk.method = "PATCH"
wrk.body = '{"incident":{"body":"bench update"}}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "OAuth $token"
LUA
wrk -t2 -c8 -d5s --latency -s "$tmp/patch.lua" \
    "http://127.0.0.1:$port/v1/pages/mx2016demo01/incidents/i3disk052316" >"$tmp/wrk.out" 2>&1
w_rps=$(awk '/^Requests\/sec:/ { print $2 }' "$tmp/wrk.out")
w_p99=$(awk '$1 == "99%" { print $2 }' "$tmp/wrk.out")
non2xx=$(awk '/Non-2xx/ { print $NF }' "$tmp/wrk.out")
n_upd=$(curl -s -H "Authorization: OAuth $token" "http://127.0.0.1:$port/v1/pages/mx2016demo01/incidents/i3disk052316" |
    grep -o '"incident_id"' | wc -l | tr -d ' ')
echo "PATCH updates (8 connections, 5 s, fsync per commit): ${w_rps} writes/s, p99 ${w_p99}, non-2xx: ${non2xx:-0}"
echo "  (every write re-renders all eight documents; the incident grew to $n_upd updates)"
