#!/bin/sh
# Build libFuzzer targets with clang (ASan + UBSan) and run each for a while.
#   sh tests/fuzz/run.sh all|TARGET... [seconds]      (make fuzz FUZZ_SECONDS=N)
# TARGET is the name after fuzz_ in tests/fuzz/fuzz_*.c (sp_read, text, …).
# The libraries are built by the Makefile into build-fuzz/ with fuzzer coverage;
# seeds: tests/codec/*/input.json, tests/cachet/*.json, doc/*.json, the real
# captures ($OPSDECK_FIXTURES), themes/*.theme, tests/fuzz/seeds/TARGET/* and
# tests/fuzz/regress/TARGET/* (inputs that once crashed: they run first, every
# time). A target that finds nothing passes; a crash fails and leaves the input
# under build-fuzz/.
set -eu
out=build-fuzz
secs=60
targets=""
for a in "$@"; do
    case $a in
    *[!0-9]*) targets="$targets $a" ;;
    *) secs=$a ;;
    esac
done
[ -n "$targets" ] || { echo "usage: run.sh all|TARGET... [seconds]" >&2; exit 2; }
if [ "$targets" = " all" ]; then
    targets=$(for f in tests/fuzz/fuzz_*.c; do basename "$f" .c | sed 's/^fuzz_//'; done)
fi

san="-fsanitize=address,undefined -fno-sanitize-recover=all"
opt="-O1 -g -fno-omit-frame-pointer"
need_tui=0
need_srv=0
for t in $targets; do
    case $t in
    theme) need_tui=1 ;;
    server_*) need_srv=1 ;;
    esac
done
libs="$out/libopsdeck.a"
[ $need_tui = 1 ] && libs="$libs $out/libopsdeck-tui.a"
[ $need_srv = 1 ] && libs="$libs $out/libopsdeck-server.a"
# shellcheck disable=SC2086
${MAKE:-make} --no-print-directory -j2 BUILD=$out CC=clang WERROR=0 OPT="$opt" \
    SAN="-fsanitize=fuzzer-no-link $san" $libs

pc() { pkg-config "$@" 2>/dev/null; }
seed_into() {   # seed_into DIR PREFIX-BYTES FILE...: copy each FILE with PREFIX in front
    dir=$1 prefix=$2
    shift 2
    for f in "$@"; do
        [ -f "$f" ] || continue
        n=$(find "$dir" -type f | wc -l)
        # shellcheck disable=SC2059  # the prefix is octal escapes for printf
        { printf "$prefix"; cat "$f"; } >"$dir/s$n"
    done
}

status=0
for t in $targets; do
    src=tests/fuzz/fuzz_$t.c
    [ -f "$src" ] || { echo "fuzz: no such target: $t ($src)" >&2; exit 2; }
    bin=$out/fuzz_$t
    case $t in
    theme) link="$out/libopsdeck-tui.a $out/libopsdeck.a $(pc --libs ncursesw)" ;;
    server_*) link="$out/libopsdeck-server.a $out/libopsdeck.a $(pc --libs libmicrohttpd sqlite3 zlib)" ;;
    *) link="$out/libopsdeck.a" ;;
    esac
    # shellcheck disable=SC2086,SC2046
    clang -std=c17 $opt -fsanitize=fuzzer $san -Iinclude -D_GNU_SOURCE \
        $(pc --cflags jansson libcurl) -o "$bin" "$src" $link $(pc --libs jansson libcurl) -lm

    seeds=$out/seed-$t
    rm -rf "$seeds"
    mkdir -p "$seeds" "$out/corpus-$t"
    docs="tests/codec/*/input.json tests/cachet/*.json doc/*.json"
    [ -n "${OPSDECK_FIXTURES:-}" ] && docs="$docs $OPSDECK_FIXTURES/*.json"
    # shellcheck disable=SC2086
    case $t in
    sp_read) seed_into "$seeds" '\000' $docs ;;          # a kind byte first: AUTO
    text) seed_into "$seeds" '\001\000\120' $docs ;;     # flags, max_bytes, cols
    theme) seed_into "$seeds" '' themes/*.theme ;;
    *) seed_into "$seeds" '' $docs ;;
    esac
    [ -d "tests/fuzz/seeds/$t" ] && cp tests/fuzz/seeds/"$t"/* "$seeds/" 2>/dev/null
    regress=""
    [ -d "tests/fuzz/regress/$t" ] && regress="tests/fuzz/regress/$t"

    log=$out/fuzz_$t.log
    # shellcheck disable=SC2086
    if "./$bin" -artifact_prefix="$out/$t-" -max_total_time="$secs" -max_len=65536 -timeout=10 \
        -rss_limit_mb=1024 -print_final_stats=1 "$out/corpus-$t" "$seeds" $regress >"$log" 2>&1; then
        runs=$(sed -n 's/^Done \([0-9]*\) runs in \([0-9]*\) second.*/\1 runs in \2 s/p' "$log")
        echo "fuzz: $t: ${runs:-done}, corpus $(find "$out/corpus-$t" -type f | wc -l) inputs, no failure"
    else
        status=1
        echo "fuzz: $t: FAILED (log $log)"
        grep -E 'ERROR|SUMMARY|fuzz_|artifact|Test unit written' "$log" | head -20 | sed 's/^/    /'
    fi
done
exit $status
