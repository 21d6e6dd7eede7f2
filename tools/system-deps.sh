#!/usr/bin/env bash
# Install the system packages the toolkit needs, when this machine lets us.
# Pango is required (WeasyPrint draws text with it); HarfBuzz's subsetter makes font embedding
# fast; fonts-open-sans is the kit's font, with DejaVu as the fallback. Without apt-get (macOS:
# brew install pango) we only say what is needed.
set -u
packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-open-sans fonts-dejavu-core)
missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
  done
fi
exec bash "$(dirname "$0")/apt-install.sh" "prospective-toolkit (WeasyPrint's text and fonts)" "${missing[@]}"
