#!/bin/sh
# Builds FreeXL from Debian's source of the installed version into
# OUT/freexl.o, with $CC and $CFLAGS (make fuzz-freexl passes clang with
# ASan and libFuzzer's coverage), so that fuzz_xlsin_freexl sees FreeXL's
# own memory errors: the installed library is not instrumented.
#   freexl.sh OUT
# The source tarball comes from deb.debian.org and is checked against the
# SHA-256 Debian 12's freexl 1.0.6 was built from.
set -eu
out=$1
version=1.0.6
sha256=3de8b57a3d130cb2881ea52d3aa9ce1feedb1b57b7daa4eb37f751404f90fc22
have=$(dpkg-query -W -f '${Version}' libfreexl1 2>/dev/null || echo none)
case $have in
$version-*) ;;
*) echo "freexl.sh: FreeXL $version expected, $have installed: update the version and checksum here" >&2
	exit 1 ;;
esac
[ -f "$out/freexl.o" ] && exit 0
mkdir -p "$out"
tarball=$out/freexl_$version.orig.tar.gz
if [ ! -f "$tarball" ]; then
	curl -fsS -o "$tarball.part" "http://deb.debian.org/debian/pool/main/f/freexl/freexl_$version.orig.tar.gz"
	mv "$tarball.part" "$tarball"
fi
echo "$sha256  $tarball" | sha256sum -c --quiet -
tar -xzf "$tarball" -C "$out"
src=$out/freexl-$version
(cd "$src" && ./configure -q >/dev/null)
# shellcheck disable=SC2086
${CC:-clang} ${CFLAGS:-} -w -I"$src" -I"$src/headers" -DHAVE_CONFIG_H -c -o "$out/freexl.o" "$src/src/freexl.c"
echo "freexl.sh: $out/freexl.o built from FreeXL $version"
