#!/bin/sh
# opsdeckd durability: 8 concurrent writers never lose or duplicate an update,
# and every acknowledged write survives kill -9 of the server.
SERVER_COMMON_SOURCED=1
. "$OPSDECK_SRC/tests/integration/server_common.sh"
start_server

code=$(jreq POST /incidents '{"incident":{"name":"Durability","status":"investigating","body":"start"}}')
expect "create: 201" 201 "$code"
id=$("$JQ" id <"$tmp/body")

# writer W N KEYPREFIX: N PATCHes with distinct bodies; each acknowledged body to $tmp/ack.W
writer() {
    w=$1
    : >"$tmp/ack.$w"
    i=1
    while [ "$i" -le "$2" ]; do
        c=$(curl -s -m 20 -o /dev/null -w '%{http_code}' -X PATCH -H "Authorization: OAuth $token" \
            -H 'Content-Type: application/json' -H "Idempotency-Key: $3-$w-$i" \
            --data-binary "{\"incident\":{\"body\":\"$3 w$w n$i\"}}" "$api/incidents/$id")
        [ "$c" = 200 ] && echo "$3 w$w n$i" >>"$tmp/ack.$w"
        i=$((i + 1))
    done
}

bodies() {   # every update body of the incident, one a line
    curl -s -m 10 -H "Authorization: OAuth $token" "$api/incidents/$id" |
        grep -o '"body":"[^"]*"' | sed 's/^"body":"//; s/"$//'
}

# ---- concurrent writers
pids=
for w in 1 2 3 4 5 6 7 8; do writer "$w" 25 conc & pids="$pids $!"; done
for p in $pids; do wait "$p"; done
cat "$tmp"/ack.* >"$tmp/acked"
expect "concurrent: all 200 writes acknowledged" 200 "$(wc -l <"$tmp/acked" | tr -d ' ')"
bodies >"$tmp/have"
expect "concurrent: 201 updates stored" 201 "$(wc -l <"$tmp/have" | tr -d ' ')"
expect "concurrent: no duplicates" 0 "$(sort "$tmp/have" | uniq -d | wc -l | tr -d ' ')"
missing=$(sort "$tmp/have" | comm -13 - "$(sort "$tmp/acked" >"$tmp/acked.s"; echo "$tmp/acked.s")" | wc -l | tr -d ' ')
expect "concurrent: nothing lost" 0 "$missing"
curl -s -m 10 "$base/api/v2/incidents/unresolved.json" >"$tmp/u.json"
expect "read API: all 201 updates" 201 "$(grep -o "\"incident_id\":\"$id\"" "$tmp/u.json" | wc -l | tr -d ' ')"

# ---- kill -9 right after acknowledged writes
rm -f "$tmp"/ack.*
pids=
for w in 1 2 3 4; do writer "$w" 200 kill & pids="$pids $!"; done
i=0
while [ "$(cat "$tmp"/ack.* 2>/dev/null | wc -l)" -lt 40 ] && [ $i -lt 300 ]; do sleep 0.05; i=$((i + 1)); done
stop_server KILL
expect "server killed with SIGKILL" 137 "$srv_rc"
for p in $pids; do wait "$p"; done
cat "$tmp"/ack.* >"$tmp/acked"
n_acked=$(wc -l <"$tmp/acked" | tr -d ' ')
if [ "$n_acked" -ge 40 ]; then ok "writes acknowledged before the kill: $n_acked"; else fail "only $n_acked acknowledged"; fi
start_server
bodies | grep '^kill ' | sort >"$tmp/have"
sort "$tmp/acked" >"$tmp/acked.s"
expect "after kill -9: every acknowledged write is there" 0 "$(comm -13 "$tmp/have" "$tmp/acked.s" | wc -l | tr -d ' ')"
expect "after kill -9: no duplicates" 0 "$(uniq -d "$tmp/have" | wc -l | tr -d ' ')"
n_have=$(wc -l <"$tmp/have" | tr -d ' ')
# at most one write per writer was in flight (committed but not acknowledged)
if [ "$n_have" -le $((n_acked + 4)) ]; then ok "no phantom writes ($n_have stored)"; else fail "$n_have stored, $n_acked acknowledged"; fi
# a retry of an in-flight write with its key does not add it twice
last=$(tail -n 1 "$tmp/ack.1")
n=${last##* n}
code=$(jreq PATCH "/incidents/$id" "{\"incident\":{\"body\":\"kill w1 n$n\"}}" -H "Idempotency-Key: kill-1-$n")
expect "retry after restart: replayed" 200 "$code"
expect "retry after restart: still once" 1 "$(bodies | grep -c "^kill w1 n$n\$")"

stop_server TERM
echo "server_durability.sh: $fails failed"
[ "$fails" -eq 0 ]
