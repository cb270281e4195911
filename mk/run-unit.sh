#!/bin/sh
# Run each cmocka unit test binary; with OPSDECK_VALGRIND=1 under memcheck.
# Prints one closing line "unit: N passed, N failed".
set -u
pass=0
fail=0
failed=""
for t in "$@"; do
    if [ "${OPSDECK_VALGRIND:-0}" = 1 ]; then
        valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
            "$t" >"$t.log" 2>&1
    else
        "$t" >"$t.log" 2>&1
    fi
    rc=$?
    if [ $rc -eq 0 ]; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        failed="$failed $t"
        cat "$t.log"
    fi
    grep -E '^\[  (PASSED|FAILED)  \]' "$t.log" | sed "s|^|$(basename "$t"): |"
done
echo "unit: $pass passed, $fail failed"
[ $fail -eq 0 ] || { echo "failed:$failed"; exit 1; }
