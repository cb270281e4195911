#!/bin/sh
# Soak: the dashboard (in a tmux pane, 120x40) against opsdeckd --demo on a free
# loopback port, with one write a second for SECONDS (default 600): an update on
# the open incident, and every 30th write resolves it and opens a new one.
# Every SAMPLE seconds (default 30) it records the resident memory and the open
# descriptors of both processes, then prints the table and the growth from the
# second sample (after the warm-up) to the last. Not part of CI.
#   sh tests/bench/soak.sh [SECONDS [SAMPLE]]       (from the source tree, after make)
# SOAK_WRITES=components writes a component status each second instead (the
# data stays the same size, so any growth is the programs' own).
set -u
secs=${1:-600}
sample=${2:-30}
build=${OPSDECK_BUILD:-build}
src=$(cd "${OPSDECK_SRC:-.}" && pwd)
OD="$build/opsdeck"
ODD="$build/opsdeckd"
if [ ! -x "$OD" ] || [ ! -x "$ODD" ]; then echo "soak: build first (make)" >&2; exit 2; fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/od-soak.XXXXXX")
sock="od-soak-$$"
T() { tmux -L "$sock" -f /dev/null "$@"; }
srv_pid=
cleanup() {
    T kill-server 2>/dev/null
    if [ -n "$srv_pid" ]; then kill "$srv_pid" 2>/dev/null; wait "$srv_pid" 2>/dev/null; fi
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

"$ODD" --demo --demo-dir "$src/demo/maxmail/api/v2" --db "$tmp/d.db" --listen 127.0.0.1:0 --port-file "$tmp/port" \
    --demo-token-file "$tmp/token" >"$tmp/srv.out" 2>"$tmp/srv.log" &
srv_pid=$!
i=0
while [ ! -s "$tmp/port" ]; do
    i=$((i + 1))
    [ $i -gt 100 ] && { echo "soak: opsdeckd did not start" >&2; cat "$tmp/srv.log" >&2; exit 1; }
    sleep 0.1
done
port=$(cat "$tmp/port")
token=$(cat "$tmp/token")
api="http://127.0.0.1:$port/v1/pages/mx2016demo01"
cat >"$tmp/config.json" <<JSON
{ "title": "Soak",
  "timezones": ["America/Los_Angeles", "Europe/London"],
  "feeds": [ { "id": "maxmail", "name": "MaxMail", "url": "http://127.0.0.1:$port",
               "interval": 2, "timeout": 5 } ],
  "panes": [ { "title": "Amsterdam", "components": ["maxmail:Amsterdam*"] },
             { "title": "I-3 hosted email", "components": ["maxmail:I-3*"] },
             { "title": "MaxMail filtering", "components": ["maxmail:MaxMail filtering*"] } ] }
JSON
T new-session -d -s soak -x 120 -y 40 \
    "exec env XDG_STATE_HOME='$tmp/state' XDG_CONFIG_HOME='$tmp/cfg' '$OD' dashboard --config '$tmp/config.json'"
od_pid=$(T display-message -p -t soak '#{pane_pid}')
i=0
until T capture-pane -p -t soak | grep -q "Amsterdam"; do
    i=$((i + 1))
    [ $i -gt 100 ] && { echo "soak: the dashboard did not draw" >&2; T capture-pane -p -t soak >&2; exit 1; }
    sleep 0.1
done

rss() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo -; }
fds() { find "/proc/$1/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l; }
post() {   # post METHOD PATH JSON → status code
    curl -s -m 5 -o "$tmp/body" -w '%{http_code}' -X "$1" -H "Authorization: OAuth $token" \
        -H 'Content-Type: application/json' --data-binary "$3" "$api$2"
}
open_incident() {
    post POST /incidents "{\"incident\":{\"name\":\"Soak $1\",\"status\":\"investigating\",\"body\":\"Opened.\",\"components\":{\"mmfilter0001\":\"degraded_performance\"}}}" >/dev/null
    sed -n 's/^{"id":"\([^"]*\)".*/\1/p' "$tmp/body"
}

printf '%6s %12s %8s %12s %8s %8s\n' "t(s)" "opsdeck kB" "fds" "opsdeckd kB" "fds" "writes" >"$tmp/table"
n=0
okw=0
inc=$(open_incident 0)
start=$(date +%s)
next_sample=0
while :; do
    now=$(($(date +%s) - start))
    if [ "$now" -ge "$next_sample" ]; then
        printf '%6d %12s %8s %12s %8s %8d\n' "$now" "$(rss "$od_pid")" "$(fds "$od_pid")" \
            "$(rss "$srv_pid")" "$(fds "$srv_pid")" "$okw" >>"$tmp/table"
        next_sample=$((next_sample + sample))
    fi
    [ "$now" -ge "$secs" ] && break
    kill -0 "$od_pid" 2>/dev/null || { echo "soak: opsdeck exited at ${now}s" >&2; break; }
    kill -0 "$srv_pid" 2>/dev/null || { echo "soak: opsdeckd exited at ${now}s" >&2; break; }
    n=$((n + 1))
    if [ "${SOAK_WRITES:-updates}" = components ]; then
        case $((n % 3)) in 0) st=operational ;; 1) st=degraded_performance ;; *) st=partial_outage ;; esac
        c=$(post PATCH /components/mmfilter0001 "{\"component\":{\"status\":\"$st\"}}")
    elif [ $((n % 30)) -eq 0 ]; then
        c=$(post PATCH "/incidents/$inc" '{"incident":{"status":"resolved","body":"Resolved.","components":{"mmfilter0001":"operational"}}}')
        inc=$(open_incident "$n")
    else
        case $((n % 3)) in 0) st=identified ;; 1) st=monitoring ;; *) st=investigating ;; esac
        c=$(post PATCH "/incidents/$inc" "{\"incident\":{\"status\":\"$st\",\"body\":\"Update $n at $(date -u +%H:%M:%S).\"}}")
    fi
    case $c in 2??) okw=$((okw + 1)) ;; esac
    # one write a second: wait for the next whole second since the start
    while [ $(($(date +%s) - start)) -lt "$n" ]; do sleep 0.1; done
done

cat "$tmp/table"
# growth after the warm-up: from the second sample (the first is the start) to the last
awk 'NR == 3 { a1 = $2; f1 = $3; b1 = $4; g1 = $5; t1 = $1 } NR > 2 { a2 = $2; f2 = $3; b2 = $4; g2 = $5; t = $1 }
     END { if (t > t1) printf "growth from %d s to %d s: opsdeck %+d kB RSS, %+d fds; opsdeckd %+d kB RSS, %+d fds\n",
                  t1, t, a2 - a1, f2 - f1, b2 - b1, g2 - g1 }' "$tmp/table"
echo "writes acknowledged: $okw of $n"
screen_ok=$(T capture-pane -p -t soak | grep -c "Soak" || true)
echo "dashboard still drawing: $([ "$screen_ok" -gt 0 ] && echo yes || echo no)"
