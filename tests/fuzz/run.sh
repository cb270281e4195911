#!/bin/sh
# Build one libFuzzer target with clang (ASan + UBSan) and run it for a while.
#   sh tests/fuzz/run.sh sp_read|cachet_read|config [seconds]
# Seeds: tests/codec/*/input.json, tests/cachet/*.json, doc/*.json and, when
# OPSDECK_FIXTURES is set, the real captures. Output goes to build-fuzz/.
set -eu
target=${1:?usage: run.sh sp_read|cachet_read|config [seconds]}
secs=${2:-60}
out=build-fuzz
mkdir -p "$out/corpus-$target" "$out/seed-$target"
flags="-std=c17 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -Iinclude -D_GNU_SOURCE $(pkg-config --cflags jansson)"
# shellcheck disable=SC2086
clang $flags -o "$out/fuzz_$target" "tests/fuzz/fuzz_$target.c" \
    src/core/*.c src/codec/*.c $(pkg-config --libs jansson) -lm
i=0
for f in tests/codec/*/input.json tests/cachet/*.json doc/*.json ${OPSDECK_FIXTURES:+"$OPSDECK_FIXTURES"/*.json}; do
    [ -f "$f" ] || continue
    i=$((i + 1))
    # sp_read takes a kind byte first: seed with AUTO (0)
    if [ "$target" = sp_read ]; then
        { printf '\000'; cat "$f"; } > "$out/seed-$target/s$i"
    else
        cp "$f" "$out/seed-$target/s$i"
    fi
done
"./$out/fuzz_$target" -artifact_prefix="$out/" -max_total_time="$secs" -max_len=65536 -timeout=10 -rss_limit_mb=1024 \
    -print_final_stats=1 "$out/corpus-$target" "$out/seed-$target"
