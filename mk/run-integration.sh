#!/bin/sh
# Run every tests/integration/*.sh (each starts and stops its own servers on
# 127.0.0.1). Each script gets a time bound; prints "integration: N passed, N failed".
set -u
dir=$1
pass=0
fail=0
failed=""
for t in "$dir"/*.sh; do
    [ -f "$t" ] || continue
    log=$(mktemp)
    if timeout 600 sh "$t" >"$log" 2>&1; then
        pass=$((pass + 1))
        echo "ok   $(basename "$t")"
    else
        fail=$((fail + 1))
        failed="$failed $(basename "$t")"
        echo "FAIL $(basename "$t")"
        sed 's/^/    /' "$log"
    fi
    rm -f "$log"
done
echo "integration: $pass passed, $fail failed"
[ $fail -eq 0 ] || { echo "failed:$failed"; exit 1; }
