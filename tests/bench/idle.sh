#!/bin/sh
# Dashboard figures (printed, nothing asserted):
#  1. idle: bytes written to a 160x48 tmux pane in 60 s and CPU seconds used,
#     for opsdeck (the demo feed, nothing changing) and, as the anchor, htop
#     (Debian's, default settings) measured the same way in the same 60 s;
#     bytes are counted with `tmux pipe-pane`, CPU from /proc/PID/stat;
#  2. time to first frame (process start to the first doupdate), with a warm
#     cache and with none, median of 5 (OPSDECK_TIMING_LOG);
#  3. key-to-screen latency (a key read to its doupdate, OPSDECK_TIMING_LOG)
#     while 200 feeds on loopback are fetched every second and half of them
#     change every second (tests/tools/misbehave), median and p95 of 60 keys.
#
#   sh tests/bench/idle.sh        (after make; IDLE_SECONDS=60 by default)
set -u
BUILD="${OPSDECK_BUILD:-build}"
SRC="${OPSDECK_SRC:-$(pwd)}"
FIX="${OPSDECK_FIXTURES:-../shared/status-fixtures}"
SECS="${IDLE_SECONDS:-60}"
OD="$(cd "$BUILD" && pwd)/opsdeck"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/od-idle.XXXXXX")
sock="od-bench-$$"
T() { tmux -L "$sock" -f /dev/null "$@"; }
srv=
toggler=
cleanup() {
    T kill-server 2>/dev/null
    [ -n "$toggler" ] && kill "$toggler" 2>/dev/null
    [ -n "$srv" ] && kill "$srv" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
command -v htop >/dev/null || { echo "htop is not installed (apt-get install htop)"; exit 1; }
HZ=$(getconf CLK_TCK)
median() { sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
p95() { sort -n | awk '{v[NR]=$1} END {i=int(NR*0.95+0.999); if (i<1) i=1; print v[i]}'; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
wait_text() {   # wait_text WINDOW TEXT SECONDS
    n=$(( $3 * 10 ))
    while [ $n -gt 0 ]; do
        T capture-pane -p -t "$1" 2>/dev/null | grep -qF -- "$2" && return 0
        sleep 0.1; n=$((n - 1))
    done
    echo "timed out waiting for [$2] in $1"; T capture-pane -p -t "$1"; exit 1
}

mkdir -p "$tmp/state" "$tmp/www"
cp -R "$SRC/demo/maxmail" "$tmp/www/maxmail"
cat >"$tmp/demo.json" <<JSON
{ "title": "MaxMail (demo)",
  "timezones": ["America/Los_Angeles", "Europe/London"],
  "feeds": [ { "id": "maxmail", "name": "MaxMail", "url": "file://$tmp/www/maxmail", "interval": 30 } ],
  "panes": [
    { "title": "Amsterdam",          "components": ["maxmail:Amsterdam*"] },
    { "title": "California",         "components": ["maxmail:California*"] },
    { "title": "I-3 hosted email",   "components": ["maxmail:I-3*"] },
    { "title": "MaxMail filtering",  "components": ["maxmail:MaxMail filtering*"] },
    { "title": "Archive journaling", "components": ["maxmail:Archive*"] } ] }
JSON
ENVS="env LANG=C.UTF-8 TERM=tmux-256color XDG_STATE_HOME=$tmp/state XDG_CONFIG_HOME=$tmp/xdg"

# ---- 1. idle bytes and CPU, opsdeck and htop side by side ----
T new-session -d -s od -x 160 -y 48 "exec $ENVS $OD --config $tmp/demo.json"
T new-session -d -s ht -x 160 -y 48 "exec env TERM=tmux-256color HOME=$tmp htop"
wait_text od "Timeline" 10
wait_text ht "Load average" 10
sleep 3     # let both settle (the first fetch, htop's first samples)
od_pid=$(T display -p -t od '#{pane_pid}')
ht_pid=$(T display -p -t ht '#{pane_pid}')
: >"$tmp/od.bytes"; : >"$tmp/ht.bytes"
T pipe-pane -t od -o "cat >>$tmp/od.bytes"
T pipe-pane -t ht -o "cat >>$tmp/ht.bytes"
od_c0=$(cpu_ticks "$od_pid"); ht_c0=$(cpu_ticks "$ht_pid")
sleep "$SECS"
od_c1=$(cpu_ticks "$od_pid"); ht_c1=$(cpu_ticks "$ht_pid")
T pipe-pane -t od; T pipe-pane -t ht
od_b=$(wc -c <"$tmp/od.bytes"); ht_b=$(wc -c <"$tmp/ht.bytes")
echo "idle ${SECS}s, 160x48 tmux pane:"
awk -v ob="$od_b" -v hb="$ht_b" -v oc="$((od_c1 - od_c0))" -v hc="$((ht_c1 - ht_c0))" -v hz="$HZ" 'BEGIN {
    printf "  opsdeck: %d bytes written, %.2f CPU s\n", ob, oc / hz
    printf "  htop:    %d bytes written, %.2f CPU s\n", hb, hc / hz
    if (ob > 0) printf "  htop/opsdeck: %.0fx the bytes\n", hb / ob
    else printf "  htop/opsdeck: opsdeck wrote nothing\n"
    if (oc > 0) printf "  htop/opsdeck: %.0fx the CPU\n", hc / oc
}'
T send-keys -t od q
T kill-session -t ht

# ---- 2. time to first frame ----
for mode in cache nocache; do
    r=0
    while [ $r -lt 5 ]; do
        rm -f "$tmp/timing"
        if [ $mode = nocache ]; then rm -rf "$tmp/state"; mkdir -p "$tmp/state"; fi
        T new-session -d -s ff$mode$r -x 160 -y 48 \
            "exec $ENVS OPSDECK_TIMING_LOG=$tmp/timing $OD --config $tmp/demo.json"
        wait_text ff$mode$r "Timeline" 10
        wait_text ff$mode$r "1 feed ok" 10
        T send-keys -t ff$mode$r q
        sleep 0.3
        grep first_frame_ms "$tmp/timing" | awk '{print $2}' >>"$tmp/ff.$mode"
        r=$((r + 1))
    done
done
echo "time to first frame (median of 5): $(median <"$tmp/ff.cache") ms from cache," \
     "$(median <"$tmp/ff.nocache") ms with no cache (the empty grid, data follows)"

# ---- 3. key-to-screen latency while 200 feeds are fetched ----
if [ ! -x "$BUILD/tools/misbehave" ]; then echo "no $BUILD/tools/misbehave: run make test first"; exit 1; fi
SUM="$FIX/statuspage-github-summary-operational-2026-07-31.json"
ALT="$FIX/statuspage-github-summary-active-incident-2022-11-25.json"
[ -f "$ALT" ] || ALT="$SUM"
echo "* ok" >"$tmp/control"
"$BUILD/tools/misbehave" --summary "$SUM" --alt "$ALT" --control "$tmp/control" --lifetime 600 \
    >"$tmp/port" 2>/dev/null &
srv=$!
i=0
while [ ! -s "$tmp/port" ]; do i=$((i + 1)); [ $i -gt 100 ] && { echo "misbehave did not start"; exit 1; }; sleep 0.1; done
port=$(cat "$tmp/port")
{
    printf '{"timezones":["America/Los_Angeles","Europe/London"],"feeds":['
    i=0
    while [ $i -lt 200 ]; do
        [ $i -gt 0 ] && printf ','
        printf '{"id":"f%d","url":"http://127.0.0.1:%s/f%d","interval":1,"timeout":10,"summary_only":true}' $i "$port" $i
        i=$((i + 1))
    done
    printf '],"panes":[{"title":"Git","components":["Git*"]},{"title":"API","components":["API*"]},'
    printf '{"title":"Actions","components":["Actions*"]},{"title":"Pages","components":["Pages*"]},'
    printf '{"title":"Everything else","components":["*"]}]}\n'
} >"$tmp/200.json"
# half the feeds change every second: parses and state rebuilds, not only 304s
( n=0; while :; do
    if [ $((n % 2)) -eq 0 ]; then
        { echo "* ok"; i=0; while [ $i -lt 200 ]; do echo "f$i alt"; i=$((i + 2)); done; } >"$tmp/control.new"
    else
        echo "* ok" >"$tmp/control.new"
    fi
    mv "$tmp/control.new" "$tmp/control"; n=$((n + 1)); sleep 1
  done ) &
toggler=$!
rm -f "$tmp/timing"; rm -rf "$tmp/state"; mkdir -p "$tmp/state"
T new-session -d -s lat -x 160 -y 48 \
    "exec $ENVS OPSDECK_TIMING_LOG=$tmp/timing $OD --config $tmp/200.json"
wait_text lat "200 feeds ok" 30
sleep 2
k=0
while [ $k -lt 60 ]; do
    case $((k % 4)) in 0) key=j ;; 1) key=Tab ;; 2) key=k ;; *) key=BTab ;; esac
    date +%s%3N >>"$tmp/sent"
    T send-keys -t lat "$key"
    sleep 0.1
    k=$((k + 1))
done
sleep 0.5
fetches=$(curl -s "http://127.0.0.1:$port/_count/f0")
T send-keys -t lat q
grep key_ms "$tmp/timing" | awk '{print $2}' >"$tmp/keys"
grep key_ms "$tmp/timing" | awk '{print $4}' >"$tmp/done"
# sent (before tmux send-keys) to the first doupdate after it: includes tmux,
# the wait while the loop was busy with fetches, and the drawing
awk 'NR == FNR { d[n++] = $1; next } { for (i = 0; i < n; i++) if (d[i] >= $1) { print d[i] - $1; break } }' \
    "$tmp/done" "$tmp/sent" >"$tmp/e2e"
echo "key to screen with 200 feeds fetched every 1 s (half changing), $(wc -l <"$tmp/sent") keys 100 ms apart:"
echo "  sent to doupdate (tmux included): median $(median <"$tmp/e2e") ms, p95 $(p95 <"$tmp/e2e") ms"
echo "  in opsdeck (key read to doupdate): median $(median <"$tmp/keys") ms, p95 $(p95 <"$tmp/keys") ms" \
     "over $(wc -l <"$tmp/keys") reads; feed f0 was fetched $fetches times"
