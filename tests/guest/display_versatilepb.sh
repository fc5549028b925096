#!/usr/bin/env bash
# The SDL display, PS/2 keyboard and screendump on the real Linux 6.1 guest
# (Versatile PB): under Xvfb, Linux's pl111 DRM driver must light an 800x600
# RGB565 framebuffer console with the boot logo, keys typed into the window
# (xdotool) must reach a shell on tty0 through the PL050 and atkbd, and the
# monitor's screendump must write a PNG of the frame. Needs xvfb-run,
# xdotool and tmux (scripts/install-deps); skipped cleanly without them.
set -u
. "$(dirname "$0")/../lib.sh"
find_guests || exit 1
grep -q "^HAVE_SDL = yes" "$O/config.mk" 2>/dev/null || { echo "SKIP: built without SDL2"; exit 0; }
for tool in xvfb-run xdotool tmux; do
    command -v $tool > /dev/null || { echo "SKIP: $tool is not installed"; exit 0; }
done

# Under the sanitizer build: SDL's X11 and D-Bus libraries keep a few
# allocations until exit, which LeakSanitizer reports as leaks in code that
# is not ours; AddressSanitizer's other checks stay on.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
write_linux_cfg "$TMP/linux.cfg" "console=ttyAMA0"
printf '[display]\nbackend = sdl\n' >> "$TMP/linux.cfg"
[ -x "$EMU" ] || { echo "no emulator at $EMU"; exit 1; }
emu=$(realpath "$EMU")
cat > "$TMP/x.sh" <<XSH
#!/usr/bin/env bash
T="tmux -L armhv-display-\$\$"
\$T new-session -d -s d -x 160 -y 50 "$emu $TMP/linux.cfg 2>$TMP/err; echo EMU-EXIT \\\$? > $TMP/rc; sleep 60"
screen() { \$T capture-pane -p -t d -S -300 2>/dev/null; }
for _ in \$(seq 240); do
    screen | grep -q "starting shell on console" && break
    [ -s $TMP/rc ] && break     # the emulator is gone
    sleep 1
done
sleep 1
\$T send-keys -t d "setsid sh -c 'exec sh </dev/tty0 >/dev/tty0 2>&1' &" Enter
sleep 2
win=\$(xdotool search --name armhv-emu | head -1)
xdotool windowfocus --sync "\$win"
xdotool type --delay 60 'echo typed-\$((6*7)) > /dev/ttyAMA0'
xdotool key Return
for _ in \$(seq 30); do screen | grep -q "typed-42" && break; sleep 1; done
\$T send-keys -t d C-a c
sleep 1
\$T send-keys -t d "screendump $TMP/shot.png" Enter
sleep 1
\$T send-keys -t d "quit" Enter
for _ in \$(seq 30); do [ -s $TMP/rc ] && break; sleep 1; done
screen > $TMP/screen
\$T kill-server 2>/dev/null
XSH
chmod +x "$TMP/x.sh"
timeout 400 xvfb-run -a -s "-screen 0 1024x768x24" "$TMP/x.sh"

cat "$TMP/err"
expect_in "$TMP/screen" "fb0: pl111drmfb frame buffer device" "the DRM framebuffer" || exit 1
expect_in "$TMP/screen" "input: AT Raw Set 2 keyboard" "the PS/2 keyboard" || exit 1
expect_in "$TMP/screen" "input: ImExPS/2 Generic Explorer Mouse" "the PS/2 mouse" || exit 1
expect_in "$TMP/screen" "typed-42" "keys typed into the window reaching the guest" || exit 1
echo "  window keyboard -> PL050 -> atkbd -> tty0 shell: typed-42"
[ -s "$TMP/shot.png" ] || { echo "screendump wrote no file"; exit 1; }
# PNG signature, then IHDR: 800x600, 8-bit RGB.
ihdr=$(od -An -tx1 -j 8 -N 25 "$TMP/shot.png" | tr -d ' \n')
[ "${ihdr:0:40}" = "0000000d494844520000032000000258" ] || [ "${ihdr:0:32}" = "0000000d494844520000032000000258" ] ||
    { echo "screendump is not an 800x600 PNG: IHDR $ihdr"; exit 1; }
echo "  screendump: 800x600 PNG, $(stat -c %s "$TMP/shot.png") bytes"
grep -q "EMU-EXIT 0" "$TMP/rc" || { echo "emulator exit: $(cat "$TMP/rc")"; exit 1; }
