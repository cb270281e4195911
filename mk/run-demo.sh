#!/bin/sh
# `make run`: show the demo. For now, `opsdeck snapshot` of the demo feed
# (demo/maxmail, the reference history) read through a file:// URL.
# Usage: sh mk/run-demo.sh BUILD_DIR
set -eu
build=${1:-build}
src=$(pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/opsdeck-demo.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
cat >"$tmp/config.json" <<JSON
{
  "title": "MaxMail (demo)",
  "timezones": ["America/Los_Angeles", "Europe/London"],
  "feeds": [ { "id": "maxmail", "kind": "statuspage", "name": "MaxMail",
               "url": "file://$src/demo/maxmail" } ],
  "panes": [
    { "title": "Amsterdam",          "components": ["maxmail:Amsterdam*"] },
    { "title": "California",         "components": ["maxmail:California*"] },
    { "title": "I-3 hosted email",   "components": ["maxmail:I-3*"] },
    { "title": "MaxMail filtering",  "components": ["maxmail:MaxMail filtering*"] },
    { "title": "Archive journaling", "components": ["maxmail:Archive*"] }
  ]
}
JSON
"$build/opsdeck" snapshot --config "$tmp/config.json"
