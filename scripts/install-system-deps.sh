#!/bin/sh
# System packages the test suite uses on Debian/Ubuntu: PostgreSQL 15 server (the suite starts
# its own), PgBouncer (the suite starts one in transaction mode in front of it), poppler-utils (pdftotext, pdftoppm) and the libraries Qt needs offscreen.
# Does nothing where everything is already there; needs root (or sudo) otherwise.
set -e
need=""
command -v pdftotext >/dev/null 2>&1 || need="$need poppler-utils"
if ! command -v initdb >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    need="$need postgresql postgresql-contrib"
fi
command -v pgbouncer >/dev/null 2>&1 || [ -x /usr/sbin/pgbouncer ] || need="$need pgbouncer"
dpkg -s libegl1 >/dev/null 2>&1 || need="$need libegl1"
dpkg -s libxkbcommon0 >/dev/null 2>&1 || need="$need libxkbcommon0"
dpkg -s libfontconfig1 >/dev/null 2>&1 || need="$need libfontconfig1"
dpkg -s libdbus-1-3 >/dev/null 2>&1 || need="$need libdbus-1-3"
dpkg -s libgl1 >/dev/null 2>&1 || need="$need libgl1"
[ -z "$need" ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
    echo "Install these packages with your system's package manager:$need" >&2
    exit 1
fi
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
echo "Installing:$need" >&2
$SUDO apt-get update -qq
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $need >/dev/null
