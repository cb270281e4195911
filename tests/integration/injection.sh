#!/bin/sh
# Terminal injection: a feed whose page, component, incident and maintenance
# names and update bodies carry OSC 0/2 title changes, an OSC 52 clipboard
# write, CSI clears and cursor moves, DCS (and tmux passthrough), 8-bit C1
# CSI/OSC, bidi overrides, zero-width characters, HTML character references to
# controls, 1 MB strings, and a second feed of invalid UTF-8. Driven through
# `opsdeck snapshot` (text and --json) in a tmux pane: the pane title and the
# tmux clipboard stay untouched, the raw bytes written hold no escape
# (termscan), and the screen shows exactly the text opsdeck printed. Then
# `opsdeck tail` (text and --json) while the feed turns hostile, and the
# dashboard through its views: no title, clipboard or rename; the only escapes
# are the dashboard's own CSI; none of the feed's sequences reaches the
# terminal; and after it quits the normal screen holds nothing of the feed.
set -u
: "${OPSDECK_BUILD:?}" "${OPSDECK_SRC:?}"
OD="$OPSDECK_BUILD/opsdeck"
SCAN="$OPSDECK_BUILD/tools/termscan"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/od-inject.XXXXXX")
sock=""
socks=""
tm() { tmux -L "$sock" -f /dev/null "$@"; }
cleanup() {
    for s in $socks; do tmux -L "$s" kill-server 2>/dev/null; done
    rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { echo "ok: $*"; }
expect() { if [ "$2" = "$3" ]; then ok "$1"; else fail "$1: want [$2] got [$3]"; fi; }
has() {    # has NAME FILE REGEX
    if grep -q -- "$3" "$2"; then ok "$1"; else fail "$1: /$3/ not in $2"; fi
}
scan() {   # scan NAME FILE [--tty]
    if "$SCAN" ${3:+"$3"} <"$2" >"$tmp/scan.out" 2>&1; then
        ok "$1: $(cat "$tmp/scan.out")"
    else
        fail "$1: $(cat "$tmp/scan.out")"
    fi
}

# ---- the hostile feed (JSON escapes, so the document itself is valid) ----
# shellcheck disable=SC2016,SC1003  # literal JSON escapes
P='\u001b]0;INJ-TITLE\u0007\u001b]2;INJ-TITLE2\u001b\\\u001b]52;c;SU5KLUNMSVA=\u0007'\
'\u001b[2J\u001b[H\u001b[5;5HINJ-DRAW\u001b[?1049h\u001b[1A\u001bP+q544e\u001b\\'\
'\u001bPtmux;\u001b\u001b]0;INJ-TMUX\u0007\u001b\\\u009b2J\u009d0;INJ-C1\u009c'\
'\u001bkINJ-NAME\u001b\\\u202eevil\u202c\u2066x\u2069z\u200bw\u200d\ufeff\u2060j\u0008\r\u007f'
H='&#x1b;]0;INJ-ENT&#7;&#27;[2J&#155;2J&#x202e;&#x9d;0;INJ-ENT2&#x9c;'
export P
# a 1 MB string of payloads
BIG=$(awk 'BEGIN { s = ENVIRON["P"]; while (length(s) < 1048576) s = s s; printf "Big%s", s }')
mkdir -p "$tmp/evil/api/v2" "$tmp/bad/api/v2"
cat >"$tmp/evil/api/v2/summary.json" <<EOF
{ "page": { "id": "evil", "name": "Page$P", "url": "https://status.example",
            "time_zone": "Europe/London" },
  "status": { "indicator": "major", "description": "Desc$P" },
  "components": [
    { "id": "grp", "name": "Group$P", "status": "major_outage", "group": true,
      "group_id": null, "position": 1, "components": ["c1", "c2"] },
    { "id": "c1", "name": "Comp$P", "status": "major_outage", "group": false,
      "group_id": "grp", "position": 1 },
    { "id": "c2", "name": "$BIG", "status": "degraded_performance", "group": false,
      "group_id": "grp", "position": 2 } ],
  "incidents": [
    { "id": "i1", "name": "Incident$P", "status": "investigating", "impact": "major",
      "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:10:00Z",
      "components": [ { "id": "c1", "name": "Comp$P" } ],
      "incident_updates": [
        { "id": "u2", "status": "investigating", "body": "<p>Entities$H</p> and $P",
          "display_at": "2026-01-01T00:10:00Z", "created_at": "2026-01-01T00:10:00Z" },
        { "id": "u1", "status": "investigating", "body": "$BIG",
          "display_at": "2026-01-01T00:00:00Z", "created_at": "2026-01-01T00:00:00Z" } ] },
    { "id": "i2", "name": "$BIG", "status": "identified", "impact": "minor",
      "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z",
      "components": [], "incident_updates": [
        { "id": "u3", "status": "identified", "body": "Body$P",
          "display_at": "2026-01-01T00:05:00Z", "created_at": "2026-01-01T00:05:00Z" } ] } ],
  "scheduled_maintenances": [
    { "id": "m1", "name": "Maint$P", "status": "in_progress", "impact": "maintenance",
      "scheduled_for": "2026-01-01T00:00:00Z", "scheduled_until": "2099-01-01T00:00:00Z",
      "components": [ { "id": "c1", "name": "Comp$P" } ],
      "incident_updates": [ { "id": "u4", "status": "in_progress", "body": "M$P$H",
                              "display_at": "2026-01-01T00:00:00Z" } ] } ] }
EOF
# a benign first version with the same ids: `tail` sees the change to hostile
cat >"$tmp/benign.json" <<EOF
{ "page": { "id": "evil", "name": "Page", "url": "https://status.example", "time_zone": "Europe/London" },
  "status": { "indicator": "none", "description": "ok" },
  "components": [
    { "id": "grp", "name": "Group", "status": "operational", "group": true, "group_id": null,
      "position": 1, "components": ["c1", "c2"] },
    { "id": "c1", "name": "C1", "status": "operational", "group": false, "group_id": "grp", "position": 1 },
    { "id": "c2", "name": "C2", "status": "operational", "group": false, "group_id": "grp", "position": 2 } ],
  "incidents": [], "scheduled_maintenances": [] }
EOF
# invalid UTF-8 (raw C1 CSI, overlong NUL, a surrogate, 0xFF) inside a string
printf '{ "page": { "id": "bad", "name": "Bad\233""2J\300\200\355\240\200\377" }, "components": [] }\n' \
    >"$tmp/bad/api/v2/summary.json"
cat >"$tmp/c.json" <<EOF
{ "title": "Inject",
  "timezones": ["Europe/London"],
  "feeds": [ { "id": "evil", "url": "file://$tmp/evil" },
             { "id": "bad", "url": "file://$tmp/bad" } ],
  "panes": [ { "title": "Everything", "components": ["evil:*"] } ] }
EOF
size=$(wc -c <"$tmp/evil/api/v2/summary.json")
ok "hostile feed written ($size bytes)"

# ---- snapshot, plain files first ----
COLUMNS=100 OPSDECK_TEST_NOW=2026-01-01T00:20:00Z "$OD" snapshot --config "$tmp/c.json" \
    >"$tmp/snap.txt" 2>"$tmp/snap.err"
expect "snapshot: exit 1 (the invalid UTF-8 feed fails)" 1 $?
scan "snapshot stdout" "$tmp/snap.txt"
scan "snapshot stderr" "$tmp/snap.err"
has "snapshot: the incident is listed" "$tmp/snap.txt" "incident: Incident"
has "snapshot: the invalid UTF-8 feed is named as failed" "$tmp/snap.txt" "bad .*FAILED"
lines=$(awk 'length($0) > 8192 { n++ } END { print n + 0 }' "$tmp/snap.txt")
expect "snapshot: no line longer than 8 KB (1 MB names cut)" 0 "$lines"
COLUMNS=100 "$OD" snapshot --config "$tmp/c.json" --json >"$tmp/snap.json" 2>"$tmp/snapj.err"
expect "snapshot --json: exit 1" 1 $?
scan "snapshot --json stdout" "$tmp/snap.json"
scan "snapshot --json stderr" "$tmp/snapj.err"
if grep -qiE '\\u00(0|1|7f|8|9)|\\u20(2[a-e]|6[6-9])' "$tmp/snap.json"; then
    fail "snapshot --json: a control is escaped in a JSON string"
else
    ok "snapshot --json: no control escaped in JSON strings"
fi

# ---- the same in a tmux pane: title, clipboard, screen ----
command -v tmux >/dev/null || { fail "tmux is not installed"; exit 1; }
# run_in_pane NAME CMD: start CMD in a fresh 100x40 pane (its own tmux server)
# whose raw output goes to $tmp/NAME.raw; CMD waits until the pipe is attached.
# Sets $title0 and $name0, the pane title and window name before CMD ran.
run_in_pane() {
    sock="od-inject-$$-$1"
    socks="$socks $sock"
    tm new-session -d -s inj -x 100 -y 40 \
        "tmux -L $sock wait-for go; $2; printf '__END__\\n'; sleep 600"
    tm set-option -g set-clipboard on
    tm set-option -g allow-rename on
    tm set-option -g allow-passthrough off 2>/dev/null
    tm pipe-pane -O -t inj "cat >'$tmp/$1.raw'"
    title0=$(tm display-message -p -t inj '#{pane_title}')
    tm wait-for -S go
    i=0
    until tm capture-pane -p -t inj | grep -q '__END__'; do   # deadline: 60 s
        i=$((i + 1))
        [ $i -gt 600 ] && { fail "$1: did not finish"; return 1; }
        sleep 0.1
    done
    sleep 0.2                   # let pipe-pane's cat write the last bytes
}
check_pane() {   # check_pane NAME: title, clipboard, window name
    expect "$1: pane title unchanged" "$title0" "$(tm display-message -p -t inj '#{pane_title}')"
    expect "$1: no tmux buffer (OSC 52)" "" "$(tm list-buffers 2>/dev/null)"
    case $(tm display-message -p -t inj '#{window_name}') in
    *INJ*) fail "$1: window renamed by the feed" ;;
    *) ok "$1: window name not set by the feed" ;;
    esac
}

# control: the same checks do see a raw title change and clipboard write
if run_in_pane control "printf '\\033]2;INJ-CTRL\\033\\\\\\033]52;c;SU5KLUNMSVA=\\007'"; then
    expect "control: a raw OSC 2 does change the pane title" "INJ-CTRL" \
        "$(tm display-message -p -t inj '#{pane_title}')"
    expect "control: a raw OSC 52 does make a tmux buffer" "INJ-CLIP" "$(tm show-buffer 2>/dev/null)"
    if "$SCAN" --pty <"$tmp/control.raw" >/dev/null 2>&1; then
        fail "control: termscan missed the raw OSC"
    else
        ok "control: termscan sees the raw OSC"
    fi
fi

cmd="cd '$tmp' && COLUMNS=100 OPSDECK_TEST_NOW=2026-01-01T00:20:00Z '$OD' snapshot --config c.json"
if run_in_pane snapshot "$cmd 2>/dev/null"; then
    check_pane "snapshot in tmux"
    scan "snapshot in tmux: raw bytes" "$tmp/snapshot.raw" --pty
    # what the pane shows is the tail of what opsdeck printed: nothing moved the
    # cursor, cleared the screen or drew elsewhere (-J joins wrapped lines)
    tm capture-pane -p -J -S -300 -t inj | sed 's/ *$//' | grep -v '^__END__' | sed '/^$/d' |
        tail -n 30 >"$tmp/screen.txt"
    sed 's/ *$//' "$tmp/snap.txt" | sed '/^$/d' | tail -n 30 >"$tmp/expect.txt"
    if cmp -s "$tmp/screen.txt" "$tmp/expect.txt"; then
        ok "snapshot in tmux: the screen shows exactly opsdeck's text"
    else
        fail "snapshot in tmux: the screen differs from the printed text"
        diff "$tmp/expect.txt" "$tmp/screen.txt" | cut -c1-160 | head -20 | sed 's/^/    /'
    fi
fi
if run_in_pane json "$cmd --json 2>&1"; then
    check_pane "snapshot --json in tmux"
    scan "snapshot --json in tmux: raw bytes" "$tmp/json.raw" --pty
fi

# ---- tail: the feed turns hostile while it runs ----
mv "$tmp/evil/api/v2/summary.json" "$tmp/hostile.json"
cat >"$tmp/t.json" <<EOF
{ "timezones": ["Europe/London"],
  "feeds": [ { "id": "evil", "url": "file://$tmp/evil", "interval": 1 },
             { "id": "bad", "url": "file://$tmp/bad", "interval": 1 } ] }
EOF
for mode in text json; do
    cp "$tmp/benign.json" "$tmp/evil/api/v2/summary.json"
    flag=
    [ $mode = json ] && flag=--json
    # the feed becomes hostile 3 s in; tail gets SIGTERM after 10 s
    ( sleep 3; cp "$tmp/hostile.json" "$tmp/evil/api/v2/summary.json.new" &&
      mv "$tmp/evil/api/v2/summary.json.new" "$tmp/evil/api/v2/summary.json" ) &
    swap_pid=$!
    if run_in_pane "tail-$mode" "cd '$tmp' && XDG_STATE_HOME='$tmp/state-$mode' timeout 10 '$OD' tail $flag --config t.json 2>&1"; then
        check_pane "tail $mode in tmux"
        scan "tail $mode in tmux: raw bytes" "$tmp/tail-$mode.raw" --pty
        tm capture-pane -p -J -S -300 -t inj >"$tmp/tail-$mode.screen"
        has "tail $mode: a hostile incident was reported" "$tmp/tail-$mode.screen" "IncidentINJ-DRAW"
        has "tail $mode: a hostile component change was reported" "$tmp/tail-$mode.screen" "CompINJ-DRAW"
        has "tail $mode: the invalid UTF-8 feed's failure was reported" "$tmp/tail-$mode.screen" "bad"
    fi
    wait "$swap_pid" 2>/dev/null
done

# ---- the dashboard, through its views ----
cp "$tmp/hostile.json" "$tmp/evil/api/v2/summary.json"
# the dashboard runs in the pane; keys come from here, each view awaited on
# screen (20 s each, valgrind is slow); the views reached go to dash.steps
sock="od-inject-$$-dash"        # the pane's server, as run_in_pane names it
on_screen() {   # on_screen TEXT: wait up to 20 s
    i=0
    until tm capture-pane -p -t inj 2>/dev/null | grep -qF -- "$1"; do
        i=$((i + 1)); [ $i -gt 200 ] && return 1; sleep 0.1
    done
}
( on_screen "IncidentINJ-DRAW" && echo main
  tm send-keys -t inj Tab Tab Enter; on_screen "Updates (" && echo detail
  tm send-keys -t inj Escape; on_screen "Everything" || exit 1
  tm send-keys -t inj f; on_screen "last error" && echo feeds
  tm send-keys -t inj Escape '?'; on_screen "Keys:" && echo help
  tm send-keys -t inj x m; sleep 1; tm send-keys -t inj Escape
  tm send-keys -t inj q ) >"$tmp/dash.steps" 2>/dev/null &
keys_pid=$!
if run_in_pane dash "cd '$tmp' && XDG_STATE_HOME='$tmp/state-dash' OPSDECK_TEST_NOW=2026-01-01T00:20:00Z '$OD' dashboard --config c.json 2>'$tmp/dash.err'"; then
    check_pane "dashboard in tmux"
    scan "dashboard: raw bytes hold only the dashboard's own escapes" "$tmp/dash.raw" --tty
    esc=$(printf '\033')
    n=$(grep -c -F "${esc}[5;5HINJ" "$tmp/dash.raw")
    expect "dashboard: the feed's cursor move never reached the terminal" 0 "$n"
    n=$(grep -o -F "${esc}[?1049h" "$tmp/dash.raw" | wc -l)
    case $n in 0|1) ok "dashboard: alternate screen entered once ($n)" ;;
    *) fail "dashboard: alternate screen switched $n times (the feed's CSI ?1049h got through)" ;; esac
    # back on the normal screen after q: nothing but our own marker
    tm capture-pane -p -t inj | sed '/^$/d' >"$tmp/after.txt"
    expect "dashboard: the normal screen is untouched after quitting" "__END__" "$(cat "$tmp/after.txt")"
    scan "dashboard: stderr" "$tmp/dash.err"
    expect "dashboard: views drawn with the hostile feed" "main detail feeds help" \
        "$(tr '\n' ' ' <"$tmp/dash.steps" | sed 's/ $//')"
fi
wait "$keys_pid" 2>/dev/null

echo "injection.sh: $fails failed"
[ "$fails" -eq 0 ]
