# make install and the man page: the installed binary runs and the page is
# installed; the page renders without a warning and documents what the
# binary's help lists (every command, every option spelled as there, the
# exit codes, the version) and no long option that does not exist.
. "${CONTACTSYNC_TOP:-.}/tests/e2e/lib.sh"

PAGE=$TOP/doc/contactsync.1

# Installs the binary under test; -o keeps make from rebuilding it (make
# asan tests build-asan/contactsync, which must not be rebuilt without ASan).
inst() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
		make -s -C "$TOP" -o "$BIN" BIN="$BIN" install "$@"
}

check_rc "make install PREFIX=DIR" 0 inst PREFIX="$T/prefix"
check_rc "installed binary runs" 0 "$T/prefix/bin/contactsync" --version
check_eq "installed binary is the one under test" "$("$BIN" --version)" "$(cat out.txt)"
check_same "man page installed in PREFIX/share/man/man1" "$PAGE" "$T/prefix/share/man/man1/contactsync.1"
check_rc "make install DESTDIR=DIR PREFIX=/usr" 0 inst DESTDIR="$T/dest" PREFIX=/usr
check_rc "binary in DESTDIR/usr/bin" 0 test -x "$T/dest/usr/bin/contactsync"
check_same "man page in DESTDIR/usr/share/man/man1" "$PAGE" "$T/dest/usr/share/man/man1/contactsync.1"

if ! command -v groff >/dev/null 2>&1; then
	fail "groff is installed (scripts/install-deps.sh installs groff-base)"
	finish
fi
groff -man -Tutf8 -ww -z "$PAGE" >warn.txt 2>&1
check_eq "man page renders without a warning" "" "$(cat warn.txt)"

# The page as plain text, one line per paragraph (nothing wraps or
# hyphenates): sections at column 0, commands at 3, option tags at 7.
groff -man -Tascii -rLL=3000n -rHY=0 -P-c -P-b -P-u -P-o "$PAGE" >page.txt 2>/dev/null

section() { # HEADING: the text of a section (column 0) or subsection (column 3)
	awk -v h="$1" '/^[^ ]/ || /^   [^ ]/ { on = ($0 == h); next } on' page.txt
}

# Option tags of a --help on stdin, spelled as there: "--region CC",
# "-o, --output FILE", "--mode insert|update|upsert|mirror". An argument
# is the word after the option when it is upper case or holds a '|'.
help_opts() {
	awk '/^ +(-[A-Za-z], )?--[a-z]/ {
		n = split($0, w, " "); i = 1; s = ""
		if (w[1] ~ /^-[A-Za-z],$/) { s = w[1] " "; i = 2 }
		s = s w[i]
		if (i < n && (w[i + 1] ~ /^[A-Z]/ || w[i + 1] ~ /\|/)) s = s " " w[i + 1]
		print s
	}'
}

# check_tags WHAT SECTION_FILE OPTIONS_FILE: each option is an item of the
# section, its tag spelled exactly as the help spells it
check_tags() {
	missing=$(awk 'NR == FNR { tag["       " $0] = 1; next }
		{ for (t in tag) if (index($0, t) == 1 &&
		    (length($0) == length(t) || substr($0, length(t) + 1, 1) == " ")) delete tag[t] }
		END { for (t in tag) { sub(/^ +/, "", t); print t } }' "$3" "$2" | sort | tr '\n' ';')
	check_eq "$1" "" "$missing"
}

"$BIN" --help >help.txt
help_opts <help.txt >opts.global
section OPTIONS >sec.OPTIONS
check_tags "man page: every global option, as --help spells it" sec.OPTIONS opts.global
check_grep "man page: every command answers --help" "Every command also answers -h and --help" sec.OPTIONS

sed -n '/^commands:/,/^$/s/^  \([a-z][a-z]*\) .*/\1/p' help.txt >commands
check_eq "--help lists the commands" 10 "$(wc -l <commands | tr -d ' ')"
awk '/^[^ ]/ { in_c = ($0 == "COMMANDS"); next } in_c && /^   [^ ]/ { print substr($0, 4) }' page.txt >pagecmds
check_eq "man page: a subsection per command of --help, in its order" \
	"$(tr '\n' ' ' <commands)" "$(tr '\n' ' ' <pagecmds)"

for c in $(cat commands); do
	"$BIN" "$c" --help | help_opts | grep -v -x -e '-h, --help' >"opts.$c"
	section "   $c" >"sec.$c"
done
for c in $(cat commands); do
	if [ "$c" = sync ]; then
		# The page says sync takes every option of import and of push,
		# described there, and its own two (--report and pull's
		# --max-remote-shrink-percent): true only while sync's are
		# exactly those.
		# (but import's --list: a sync's list is its profile's)
		check_eq "sync's options are import's but --list, push's, --report and --max-remote-shrink-percent" \
			"$( (grep -v -x -e '--list NAME' opts.import; cat opts.push; echo '--report FILE.xlsx'
				echo '--max-remote-shrink-percent P') | sort -u | tr '\n' ';')" \
			"$(sort -u opts.sync | tr '\n' ';')"
		check_grep "man page: sync refers to import's and push's options" \
			"every option of import and of push" sec.sync
		cat sec.import sec.push sec.sync >sec.sync+
		check_tags "man page: every option of sync --help" sec.sync+ opts.sync
	elif [ "$c" = migrate ]; then
		# migrate's own two, then every option of push, as the page says
		check_eq "migrate's options are --from, --to and push's" \
			"$(printf '%s\n' '--from PROFILE' '--to PROFILE' | cat - opts.push | sort -u | tr '\n' ';')" \
			"$(sort -u opts.migrate | tr '\n' ';')"
		check_grep "man page: migrate refers to push's options" "every option of push" sec.migrate
		cat sec.push sec.migrate >sec.migrate+
		check_tags "man page: every option of migrate --help" sec.migrate+ opts.migrate
	else
		check_tags "man page: every option of $c --help, as spelled there" "sec.$c" "opts.$c"
	fi
done

# No long option the binary does not have (in any section, prose included).
cat opts.* | sed 's/^-[A-Za-z], //; s/ .*//' | sort -u >known
grep -o -e '--[a-z][a-z-]*' page.txt | sort -u >named
check_eq "man page names no option that does not exist" "" "$(comm -23 named known | tr '\n' ' ')"

sed -n '/^exit codes:/,/^$/s/^  \([0-9]\)  .*/\1/p' help.txt >codes.help
section "EXIT STATUS" | sed -n 's/^       \([0-9]\)  .*/\1/p' >codes.page
check_eq "--help lists exit codes" 7 "$(wc -l <codes.help | tr -d ' ')"
check_eq "man page: the exit codes of --help" "$(tr '\n' ' ' <codes.help)" "$(tr '\n' ' ' <codes.page)"

check_grep "man page is for this version" "^\.TH CONTACTSYNC 1 [^ ]* \"$("$BIN" --version)\"" "$PAGE"
finish
