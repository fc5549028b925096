#!/usr/bin/env bash
# docs/board-cfg.md is generated from the parser's schema; a key added to
# the code without regenerating the page must fail here.
set -u
. "$(dirname "$0")/../lib.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)
"$EMU" --config-reference > "$TMP/board-cfg.md"
if ! diff -u "$top/docs/board-cfg.md" "$TMP/board-cfg.md"; then
    echo "docs/board-cfg.md is stale: run build/armhv-emu --config-reference > docs/board-cfg.md"
    exit 1
fi
echo "  docs/board-cfg.md matches the schema"
