#!/bin/sh
# Boot-time benchmark against qemu-system-arm; see bench/boot.py.
exec python3 "$(dirname "$0")/boot.py" "$@"
