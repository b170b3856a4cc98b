# The provider emulator for the scripts (benchmarks, demo), sourced after
# `work` (a scratch folder) and `top` (the checkout) are set.
#   emu_start ARGS...  stops the emulator this script started last, if any,
#                      starts build/contactsync-emulator --port 0 ARGS...,
#                      and sets emu_pid and url (http://127.0.0.1:PORT)
#   emu_stop           stops it
emu_pid=

emu_stop() {
	[ -z "$emu_pid" ] || { kill "$emu_pid" 2>/dev/null; wait "$emu_pid" 2>/dev/null || true; }
	emu_pid=
}

emu_start() {
	emu_stop
	rm -f "$work/emu.out"
	"$top/build/contactsync-emulator" --port 0 "$@" >"$work/emu.out" 2>"$work/emu.err" &
	emu_pid=$!
	i=0
	while [ $i -lt 200 ] && ! grep -q '^listening on ' "$work/emu.out" 2>/dev/null; do
		sleep 0.05
		i=$((i + 1))
	done
	url=http://$(sed -n 's/^listening on //p' "$work/emu.out")
}
