#!/usr/bin/env bash
# docs/monitor.md is generated from the monitor's command table (the same
# rows `help` prints); a command or help text changed without regenerating
# the page must fail here.
set -u
. "$(dirname "$0")/../lib.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)
"$EMU" --monitor-reference > "$TMP/monitor.md"
if ! diff -u "$top/docs/monitor.md" "$TMP/monitor.md"; then
    echo "docs/monitor.md is stale: run build/armhv-emu --monitor-reference > docs/monitor.md"
    exit 1
fi
# And every command in the table is documented with its own section.
"$EMU" --monitor-reference | grep -c '^## ' > "$TMP/sections"
[ "$(cat "$TMP/sections")" -ge 20 ] || { echo "too few command sections"; exit 1; }
echo "  docs/monitor.md matches the command table ($(cat "$TMP/sections") commands)"
