#!/bin/sh
# Dependencies point downward only (DESIGN.md). Fails on an include that points up.
set -u
rc=0
bad() { echo "layer violation: $1"; rc=1; }
for f in src/core/*.c; do
    grep -lE '#include "opsdeck/(sp_|cachet|fetch|engine|feed|cache|outbox|state|diff|alerts|tui|term|theme|pane|server|store)' "$f" >/dev/null 2>&1 && bad "$f"
done
grep -rlE '<(ncursesw/)?curses.h>' src include | grep -v 'include/opsdeck/curses.h' | while read -r f; do bad "$f includes curses directly"; done
grep -rl 'opsdeck/curses.h' src | grep -v '^src/tui/' | grep -v '^src/opsdeck.c' | while read -r f; do bad "$f uses curses outside src/tui"; done
exit $rc
