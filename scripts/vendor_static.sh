#!/usr/bin/env bash
# Refreshes the vendored front-end files from the npm registry.
#
# Tashil must work offline (no CDN, no web fonts from the internet), so every asset the pages load is
# committed under tashil/static/vendor/. This script is the only way they change: edit a version
# below, run `make vendor`, review the diff, commit. VERSIONS.txt records what is there.
set -euo pipefail

BOOTSTRAP=5.3.8
HTMX=2.0.11
VAZIRMATN=33.0.3
CHARTJS=4.6.1
JALALIDATEPICKER=0.9.12

root=$(cd "$(dirname "$0")/.." && pwd)
dest="$root/tashil/static/vendor"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fetch() { # fetch PACKAGE VERSION -> unpacks into $work/PACKAGE/package
    local name=$1 version=$2 dir="$work/${1//\//_}"
    mkdir -p "$dir"
    (cd "$dir" && npm pack --silent "$name@$version" >/dev/null && tar xzf ./*.tgz)
    echo "$dir/package"
}

rm -rf "$dest" && mkdir -p "$dest"/{bootstrap,htmx,vazirmatn,chartjs,jalalidatepicker}

p=$(fetch bootstrap "$BOOTSTRAP")
cp "$p"/dist/css/bootstrap.rtl.min.css "$p"/dist/css/bootstrap.min.css "$p"/dist/js/bootstrap.bundle.min.js "$dest/bootstrap/"
cp "$p"/LICENSE "$dest/bootstrap/LICENSE"

p=$(fetch htmx.org "$HTMX")
cp "$p"/dist/htmx.min.js "$dest/htmx/"
cp "$p"/LICENSE "$dest/htmx/LICENSE"

p=$(fetch vazirmatn "$VAZIRMATN")
mkdir -p "$dest/vazirmatn/fonts"
cp "$p"/fonts/webfonts/Vazirmatn-{Regular,Medium,Bold}.woff2 "$dest/vazirmatn/fonts/"
# TTFs are what WeasyPrint embeds in PDFs; browsers use the woff2 files.
cp "$p"/fonts/ttf/Vazirmatn-{Regular,Bold}.ttf "$dest/vazirmatn/fonts/"
cp "$p"/OFL.txt "$dest/vazirmatn/OFL.txt"

p=$(fetch chart.js "$CHARTJS")
cp "$p"/dist/chart.umd.min.js "$dest/chartjs/" 2>/dev/null || cp "$p"/dist/chart.umd.js "$dest/chartjs/chart.umd.min.js"
cp "$p"/LICENSE.md "$dest/chartjs/LICENSE.md"

p=$(fetch @majidh1/jalalidatepicker "$JALALIDATEPICKER")
cp "$p"/dist/jalalidatepicker.min.js "$p"/dist/jalalidatepicker.min.css "$dest/jalalidatepicker/"
cp "$p"/LICENSE* "$dest/jalalidatepicker/" 2>/dev/null || true

cat > "$dest/VERSIONS.txt" <<TXT
# Vendored front-end assets (from the npm registry; refresh with \`make vendor\`)
bootstrap                 $BOOTSTRAP   MIT
htmx.org                  $HTMX    0BSD/BSD-2-Clause
vazirmatn                 $VAZIRMATN  OFL-1.1
chart.js                  $CHARTJS    MIT
@majidh1/jalalidatepicker $JALALIDATEPICKER   MIT
TXT
echo "vendored into $dest"
