#!/bin/sh
# System packages the test suite uses on Debian/Ubuntu: PostgreSQL 15 server (the suite starts
# its own), PgBouncer (the suite starts one in transaction mode in front of it), poppler-utils
# (pdftotext, pdftoppm), the libraries Qt needs offscreen, and Xvfb, xdotool and Qt's X11
# libraries for the real-keyboard tests; CUPS with cups-filters (the printing tests start their own
# cupsd with a PDF printer) and ZBar's zbarimg (an independent QR reader).
# Does nothing where everything is already there; needs root (or sudo) otherwise.
set -e
need=""
command -v pdftotext >/dev/null 2>&1 || need="$need poppler-utils"
command -v zbarimg >/dev/null 2>&1 || need="$need zbar-tools"
if ! command -v initdb >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    need="$need postgresql postgresql-contrib"
fi
command -v pgbouncer >/dev/null 2>&1 || [ -x /usr/sbin/pgbouncer ] || need="$need pgbouncer"
command -v cupsd >/dev/null 2>&1 || [ -x /usr/sbin/cupsd ] || need="$need cups"
command -v lpadmin >/dev/null 2>&1 || [ -x /usr/sbin/lpadmin ] || need="$need cups-client"
[ -f /usr/share/ppd/cupsfilters/Generic-PDF_Printer-PDF.ppd ] || need="$need cups-filters"
dpkg -s libegl1 >/dev/null 2>&1 || need="$need libegl1"
dpkg -s libxkbcommon0 >/dev/null 2>&1 || need="$need libxkbcommon0"
dpkg -s libfontconfig1 >/dev/null 2>&1 || need="$need libfontconfig1"
dpkg -s libdbus-1-3 >/dev/null 2>&1 || need="$need libdbus-1-3"
dpkg -s libgl1 >/dev/null 2>&1 || need="$need libgl1"
# A real X server and real key presses for the keyboard tests, and Qt's xcb platform plugin.
command -v Xvfb >/dev/null 2>&1 || need="$need xvfb"
command -v xdotool >/dev/null 2>&1 || need="$need xdotool"
for lib in libxcb-cursor0 libxkbcommon-x11-0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 \
           libxcb-render-util0 libxcb-randr0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1; do
    dpkg -s "$lib" >/dev/null 2>&1 || need="$need $lib"
done
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
