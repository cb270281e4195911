#!/bin/sh
# Figures for the Statuspage codec on the real captures: time per read and
# write, throughput, snapshot size, peak RSS. Prints; asserts nothing.
#   make && make build/tools/codec_bench && sh tests/bench/codec.sh
set -eu
build=${OPSDECK_BUILD:-build}
fx=${OPSDECK_FIXTURES:?set OPSDECK_FIXTURES to the status-fixtures directory}
for f in "$fx"/statuspage-*.json; do
    "$build/tools/codec_bench" "$f" 200
done
