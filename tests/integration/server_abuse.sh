#!/bin/sh
# opsdeckd under abuse, on 127.0.0.1, bounded (< 60 s): writes without a token
# and with wrong ones; SQL metacharacters in every field; oversized bodies and
# headers; slow clients; 1,000 connections at once; path traversal; malformed
# HTTP; escapes in requests (the log must stay clean). Throughout, the server
# stays up, keeps answering a well-behaved client, and every write it
# acknowledged is there at the end, also after a restart.
SERVER_COMMON_SOURCED=1
. "$OPSDECK_SRC/tests/integration/server_common.sh"
RAW="$OPSDECK_BUILD/tools/rawhttp"
SCAN="$OPSDECK_BUILD/tools/termscan"
# shellcheck disable=SC3045  # dash and bash both have ulimit -n
ulimit -n 4096 2>/dev/null || true
start_server --timeout 3
acked="$tmp/acked"          # ids of every write the server acknowledged (2xx)
: >"$acked"

# well-behaved client: the read API answers 200
healthy() {   # healthy NAME
    code=$(curl -s -m 10 -o /dev/null -w '%{http_code}' "$base/api/v2/summary.json")
    expect "$1: a well-behaved client still gets 200" 200 "$code"
}
# post an incident; remember its id when acknowledged. post_incident JSON → code
post_incident() {
    c=$(jreq POST /incidents "$1")
    case $c in 2??) "$JQ" id <"$tmp/body" >>"$acked" ;; esac
    echo "$c"
}
n_incidents() { curl -s -m 10 "$base/api/v2/incidents.json" | "$JQ" 'incidents#'; }

# ---- writes without a token and with wrong ones ----
before=$(n_incidents)
body='{"incident":{"name":"should not exist","status":"investigating"}}'
code=$(curl -s -m 10 -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
    --data-binary "$body" "$api/incidents")
expect "POST without a token: 401" 401 "$code"
short=$(printf '%s' "$token" | cut -c2-)
for bad in "OAuth " "OAuth x" "OAuth $short" "OAuth ${token}x" "OAuth $(printf '%s' "$token" | tr '[:lower:]' '[:upper:]')" \
    "OAuth $token$token" "OAuth ${token%?}" "Basic $token" "OAuth $(printf '%0500d' 0)"; do
    code=$(curl -s -m 10 -o /dev/null -w '%{http_code}' -H "Authorization: $bad" \
        -H 'Content-Type: application/json' --data-binary "$body" "$api/incidents")
    case $code in 401|403) ok "wrong token [${bad%"${bad#??????????????}"}…]: $code" ;;
    *) fail "wrong token [$bad]: got $code" ;; esac
done
code=$(curl -s -m 10 -o /dev/null -w '%{http_code}' -X DELETE "$api/incidents/x?api_key=${token}x")
expect "DELETE with a wrong api_key: 401" 401 "$code"
expect "no incident was created or removed by those" "$before" "$(n_incidents)"

# ---- SQL metacharacters in every field ----
sq="x'); DROP TABLE incidents;-- \\\" OR 1=1 /* %' _ ; \\\\ \`"
code=$(post_incident "{\"incident\":{\"name\":\"$sq\",\"status\":\"investigating\",\"body\":\"$sq\",\"impact_override\":\"minor\",\"components\":{\"mmfilter0001\":\"degraded_performance\"}}}")
expect "SQL metacharacters in name and body: 201" 201 "$code"
id=$("$JQ" id <"$tmp/body")
code=$(req GET "/incidents/$id")
expect "read back by id: 200" 200 "$code"
want=$(printf '%s' "$sq" | sed 's/\\\(.\)/\1/g')
expect "name stored verbatim" "$want" "$("$JQ" name <"$tmp/body")"
for f in status impact_override; do
    code=$(jreq POST /incidents "{\"incident\":{\"name\":\"n\",\"$f\":\"$sq\"}}")
    expect "SQL metacharacters in $f: 422" 422 "$code"
done
code=$(jreq POST /incidents "{\"incident\":{\"name\":\"n\",\"components\":{\"$sq\":\"major_outage\"}}}")
case $code in 4??) ok "SQL metacharacters as a component id: $code" ;; *) fail "component id: got $code" ;; esac
code=$(jreq POST /incidents "{\"incident\":{\"name\":\"n\",\"component_ids\":[\"$sq\"]}}")
case $code in 2??) "$JQ" id <"$tmp/body" >>"$acked"; ok "SQL metacharacters in component_ids: $code" ;;
4??) ok "SQL metacharacters in component_ids: $code" ;; *) fail "component_ids: got $code" ;; esac
code=$(req POST /incidents --data-urlencode "incident[name]=$sq" --data-urlencode "incident[body]=$sq" \
    --data-urlencode "incident[$sq]=1")
case $code in 2??) "$JQ" id <"$tmp/body" >>"$acked"; ok "form with SQL metacharacters: $code" ;;
4??) ok "form with SQL metacharacters: $code" ;; *) fail "form: got $code" ;; esac
for path in "/incidents/1'%20OR%20'1'='1" "/incidents/%27;DROP%20TABLE%20incidents;--" \
    "/components/x'%20OR%201=1--"; do
    code=$(req GET "$path")
    case $code in 404|400) ok "SQL in the path $path: $code" ;; *) fail "SQL in the path $path: got $code" ;; esac
done
code=$(req PATCH "/incidents/$id'%20OR%201=1--" -H 'Content-Type: application/json' \
    --data-binary '{"incident":{"name":"all of them"}}')
case $code in 404|400) ok "PATCH with SQL in the id: $code" ;; *) fail "PATCH with SQL in the id: got $code" ;; esac
code=$(curl -s -m 10 -o /dev/null -w '%{http_code}' -H "Authorization: OAuth ' OR '1'='1" \
    -X DELETE "$api/incidents/$id")
expect "SQL in the token: 401" 401 "$code"
healthy "after SQL"

# ---- oversized bodies and headers ----
head -c 3000000 /dev/zero | tr '\0' 'a' >"$tmp/big"
code=$(curl -s -m 20 -o /dev/null -w '%{http_code}' -H "Authorization: OAuth $token" \
    -H 'Content-Type: application/json' --data-binary @"$tmp/big" "$api/incidents")
expect "3 MB body: 413" 413 "$code"
code=$(printf 'POST /v1/pages/%s/incidents HTTP/1.1\r\nHost: x\r\nAuthorization: OAuth %s\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n' "$PAGE" "$token" |
    cat - "$tmp/big" | "$RAW" send --timeout 10 "$port" | head -1 | cut -d' ' -f2)
case $code in 413|400|"") ok "3 MB of bad chunked body: ${code:-closed}" ;; *) fail "chunked flood: got $code" ;; esac
{
    printf 'GET /api/v2/status.json HTTP/1.1\r\nHost: x\r\nX-Big: '
    head -c 200000 /dev/zero | tr '\0' 'h'
    printf '\r\n\r\n'
} >"$tmp/bighdr"
code=$("$RAW" send --timeout 10 "$port" <"$tmp/bighdr" | head -1 | cut -d' ' -f2)
case $code in 431|413|400|"") ok "200 KB header: ${code:-closed}" ;; *) fail "200 KB header: got $code" ;; esac
awk 'BEGIN { printf "GET /api/v2/status.json HTTP/1.1\r\nHost: x\r\n"; for (i = 0; i < 5000; i++) printf "X-H%d: v\r\n", i; printf "\r\n" }' \
    >"$tmp/manyhdr"
code=$("$RAW" send --timeout 10 "$port" <"$tmp/manyhdr" | head -1 | cut -d' ' -f2)
case $code in 431|413|400|"") ok "5,000 headers: ${code:-closed}" ;; *) fail "5,000 headers: got $code" ;; esac
uri=$(head -c 100000 /dev/zero | tr '\0' 'u')
code=$(curl -s -m 20 -o /dev/null -w '%{http_code}' "$base/$uri")
case $code in 414|431|413|404|400|000) ok "100 KB URI: $code" ;; *) fail "100 KB URI: got $code" ;; esac
healthy "after oversized requests"

# ---- path traversal ----
for p in /../../../../etc/passwd /api/v2/../../../etc/passwd /%2e%2e/%2e%2e/etc/passwd \
    /api/v2/%2e%2e%2f%2e%2e%2fetc%2fpasswd //etc/passwd /api/v2/..%5c..%5cetc%5cpasswd \
    "/api/v2/summary.json/../../../etc/passwd" "/api/v2/%00../etc/passwd"; do
    code=$(curl -s -m 10 --path-as-is -o "$tmp/trav" -w '%{http_code}' "$base$p")
    if grep -q 'root:' "$tmp/trav"; then
        fail "path traversal $p: /etc/passwd served"
    else
        case $code in 2??) fail "path traversal $p: $code" ;; *) ok "path traversal $p: $code" ;; esac
    fi
done
printf 'GET ../../../etc/passwd HTTP/1.0\r\n\r\n' | "$RAW" send "$port" >"$tmp/trav"
if grep -q 'root:' "$tmp/trav"; then fail "relative request target: /etc/passwd served"; else ok "relative request target refused"; fi

# ---- malformed HTTP ----
i=0
while IFS= read -r line; do
    i=$((i + 1))
    line=$(printf "%s" "$line" | sed "s/PAGE/$PAGE/")
    # shellcheck disable=SC2059  # each line is a printf format on purpose
    printf "$line" | "$RAW" send --timeout 5 "$port" >"$tmp/mal" 2>&1
    code=$(head -1 "$tmp/mal" | cut -d' ' -f2)
    case $code in 2??|500) fail "malformed request $i [$line]: $code" ;; *) ok "malformed request $i: ${code:-closed}" ;; esac
done <<'EOF'
\r\n\r\n
GARBAGE\r\n\r\n
GET\r\n\r\n
GET /api/v2/status.json HTTP/9.9\r\nHost: x\r\n\r\n
GE\000T /api/v2/status.json HTTP/1.1\r\nHost: x\r\n\r\n
GET /api/v2/\033]0;x\007status.json HTTP/1.1\r\nHost: x\r\n\r\n
GET /api/v2/status.json HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n
POST /v1/pages/PAGE/incidents HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\nabc
POST /v1/pages/PAGE/incidents HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999\r\n\r\nabc
POST /v1/pages/PAGE/incidents HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n
POST /v1/pages/PAGE/incidents HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffff\r\nabc\r\n0\r\n\r\n
POST /v1/pages/PAGE/incidents HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab
\026\003\001\002\000\001\000\001\374\003\003
EOF
# escapes in what gets logged: path, method, header
printf 'GET /\033]0;INJ\007\033[2J\233x HTTP/1.1\r\nHost: x\r\nUser-Agent: \033]52;c;SU5K\007\r\n\r\n' |
    "$RAW" send --timeout 5 "$port" >/dev/null
healthy "after malformed requests"

# ---- slow clients ----
printf 'GET /api/v2/status.json HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' |
    "$RAW" send --delay-ms 20 --timeout 20 "$port" >"$tmp/slow"
expect "a slow but complete request is served" "200" "$(head -1 "$tmp/slow" | cut -d' ' -f2)"
"$RAW" hold --src 127.0.0.2 --send 'GET /api/v2/status.json HTTP/1.1\r\nHost: x\r\n' --trickle \
    "$port" 200 6 >"$tmp/hold1" &
hold_pid=$!
sleep 1
healthy "while 200 clients trickle headers"
code=$(post_incident '{"incident":{"name":"during the slow clients","status":"investigating"}}')
expect "a write during the slow clients: 201" 201 "$code"
wait "$hold_pid"
ok "slow clients: $(cat "$tmp/hold1")"
"$RAW" hold --src 127.0.0.3 --send 'GET /api/v2/status.json HTTP/1.1\r\n' "$port" 50 6 >"$tmp/hold2"
case $(cat "$tmp/hold2") in
*" 0 still open") ok "idle half-requests are dropped by the timeout: $(cat "$tmp/hold2")" ;;
*) fail "idle half-requests kept open past the 3 s timeout: $(cat "$tmp/hold2")" ;;
esac

# ---- 1,000 connections at once ----
"$RAW" hold --src 127.0.0.4 "$port" 1000 5 >"$tmp/hold3" &
hold_pid=$!
sleep 1
healthy "while 1,000 connections are open"
for k in 1 2 3 4 5; do
    code=$(post_incident "{\"incident\":{\"name\":\"during the flood $k\",\"status\":\"investigating\"}}")
    expect "write $k during the flood: 201" 201 "$code"
done
wait "$hold_pid"
ok "1,000 connections: $(cat "$tmp/hold3")"
healthy "after the flood"
if kill -0 "$srv_pid" 2>/dev/null; then ok "opsdeckd is still running"; else fail "opsdeckd died"; fi

# ---- no acknowledged write lost, also across a restart ----
check_acked() {   # check_acked NAME
    lost=0
    while read -r aid; do
        [ -n "$aid" ] || continue
        c=$(req GET "/incidents/$aid")
        [ "$c" = 200 ] || { lost=$((lost + 1)); echo "    lost: $aid ($c)"; }
    done <"$acked"
    expect "$1: all $(wc -l <"$acked") acknowledged writes are there" 0 "$lost"
}
check_acked "before restart"
stop_server TERM
expect "SIGTERM after the abuse: exit 0" 0 "$srv_rc"
start_server --timeout 3
check_acked "after restart"

# ---- the log stays plain text ----
if "$SCAN" <"$tmp/srv.log" >"$tmp/scan" 2>&1; then
    ok "server log holds no terminal escapes: $(cat "$tmp/scan")"
else
    fail "server log: $(cat "$tmp/scan")"
fi
echo "server_abuse.sh: $fails failed"
[ "$fails" -eq 0 ]
