#!/bin/sh
# make valgrind: the unit tests and the integration tests under valgrind memcheck.
#   sh tests/valgrind/run.sh BUILD UNIT_BIN...
# Integration scripts start "$OPSDECK_BUILD/opsdeck" and ".../opsdeckd"; here
# OPSDECK_BUILD is BUILD/vg, where those two names are wrappers that run the real
# binaries under memcheck (tools/ is the real one: test helpers are not checked).
# Each process logs to BUILD/vg/logs/; any error or definite/indirect leak fails.
# Suppressions (tests/valgrind/opsdeck.supp) cover library internals only.
set -u
build=$1
shift
src=$(pwd)
real=$(cd "$build" && pwd)
vg=$real/vg
rm -rf "$vg"
mkdir -p "$vg/logs"
ln -s ../tools "$vg/tools"
VALGRIND_OPTS="--suppressions=$src/tests/valgrind/opsdeck.supp --num-callers=30"
export VALGRIND_OPTS
for b in opsdeck opsdeckd; do
    cat >"$vg/$b" <<WRAP
#!/bin/sh
exec valgrind -q --leak-check=full --show-leak-kinds=definite,indirect \\
    --errors-for-leak-kinds=definite,indirect --error-exitcode=99 \\
    --log-file="$vg/logs/$b.%p.log" "$real/$b" "\$@"
WRAP
    chmod +x "$vg/$b"
done

status=0
OPSDECK_VALGRIND=1 sh mk/run-unit.sh "$@" || status=1
OPSDECK_BUILD=$vg OPSDECK_VALGRIND=1 sh mk/run-integration.sh tests/integration || status=1

# -q leaves a log empty unless memcheck found something
n=0
bad=0
for f in "$vg"/logs/*.log; do
    [ -f "$f" ] || continue
    n=$((n + 1))
    if [ -s "$f" ]; then
        bad=$((bad + 1))
        echo "valgrind: $(basename "$f"):"
        sed 's/^/    /' "$f" | head -60
    fi
done
echo "valgrind: $n opsdeck/opsdeckd processes checked, $bad with errors or leaks"
[ $bad -eq 0 ] || status=1
exit $status
