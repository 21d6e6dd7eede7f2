#!/usr/bin/env bash
# Install what the browser tests of `prospective serve` need: headless Chromium and chromedriver
# (tests/test_serve.py drives them with Selenium). Installed with apt-get when we can (root, or
# password-less sudo, on Debian/Ubuntu); otherwise we say what is missing. Never fails the build:
# without them the two browser tests are skipped and say why.
set -u
have() { command -v "$1" >/dev/null 2>&1; }
missing=()
have chromium || have chromium-browser || have google-chrome || missing+=(chromium)
have chromedriver || missing+=(chromium-driver)
[ ${#missing[@]} -eq 0 ] && exit 0
if ! have apt-get; then
  echo "note: the browser tests need Chromium and chromedriver (missing: ${missing[*]}); they are skipped without them."
  echo "      install them with your package manager (macOS: brew install --cask chromium chromedriver)"
  exit 0
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if have sudo && sudo -n true 2>/dev/null; then sudo="sudo"; else
    echo "note: the browser tests need: ${missing[*]} (they are skipped without them)"
    echo "      install with: sudo apt-get install -y ${missing[*]}"
    exit 0
  fi
fi
echo "installing for the browser tests: ${missing[*]}"
$sudo apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1 \
  || { $sudo apt-get update -qq >/dev/null 2>&1 && $sudo apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1; } \
  || echo "note: could not install ${missing[*]}; install them with: sudo apt-get install -y ${missing[*]}"
exit 0
