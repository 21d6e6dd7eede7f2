#!/usr/bin/env bash
# Install the system packages the toolkit needs, when this machine lets us.
# Pango is required (WeasyPrint draws text with it); fonts-open-sans is the kit's font,
# with DejaVu as the fallback. poppler-utils lets you look at PDFs as pictures.
set -u
packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-open-sans fonts-dejavu-core)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
  echo "note: cannot check system packages here (no apt-get). WeasyPrint needs Pango:"
  echo "      macOS: brew install pango; other systems: see https://doc.courtbouillon.org/weasyprint/stable/first_steps.html"
  exit 0
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo"; else
    echo "note: missing system packages: ${missing[*]}"
    echo "      install them with: sudo apt-get install -y ${missing[*]}"
    exit 0
  fi
fi
echo "installing system packages: ${missing[*]}"
$sudo apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1 \
  || { $sudo apt-get update -qq >/dev/null 2>&1 && $sudo apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1; } \
  || echo "note: could not install ${missing[*]}; install them with: sudo apt-get install -y ${missing[*]}"
exit 0
