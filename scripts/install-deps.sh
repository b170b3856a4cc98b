#!/bin/sh
# Installs every build and test dependency of contactsync from Debian's
# package archive. Idempotent: packages already present are left alone and
# nothing is downloaded when everything is installed.
set -eu

PACKAGES="
build-essential g++ make pkg-config
libcsv-dev libpcre2-dev libxlsxwriter-dev liblmdb-dev lmdb-utils
libcurl4-openssl-dev libjansson-dev
libphonenumber-dev libicu-dev libprotobuf-dev libboost-dev
libutf8proc-dev libinih-dev
libminizip-dev zlib1g-dev libexpat1-dev libfreexl-dev libuchardet-dev libxml2-dev
libmicrohttpd-dev
libcmocka-dev
time unzip curl python3 groff-base
valgrind clang
libreoffice-calc-nogui python3-openpyxl python3-phonenumbers python3-xlwt python3-vobject
"

missing=""
for p in $PACKAGES; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
		missing="$missing $p"
	fi
done

if [ -z "$missing" ]; then
	echo "install-deps: all dependencies present"
	exit 0
fi

echo "install-deps: installing:$missing"
if [ "$(id -u)" -eq 0 ]; then
	SUDO=""
elif command -v sudo >/dev/null 2>&1; then
	SUDO="sudo"
else
	echo "install-deps: need root or sudo to install:$missing" >&2
	echo "install-deps: run as root: apt-get install -y$missing" >&2
	exit 1
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq || {
	echo "install-deps: apt-get update failed (network or permissions?)" >&2
	exit 1
}
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing || {
	echo "install-deps: apt-get install failed for:$missing" >&2
	exit 1
}
echo "install-deps: done"
