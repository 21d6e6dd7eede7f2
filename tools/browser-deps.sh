#!/usr/bin/env bash
# Install what the browser tests of `prospective serve` need: headless Chromium and chromedriver
# (tests/test_serve.py drives them with Selenium). Never fails the build: without them the two
# browser tests are skipped and say why (macOS: brew install --cask chromium chromedriver).
set -u
have() { command -v "$1" >/dev/null 2>&1; }
missing=()
have chromium || have chromium-browser || have google-chrome || missing+=(chromium)
have chromedriver || missing+=(chromium-driver)
exec bash "$(dirname "$0")/apt-install.sh" "the browser tests" "${missing[@]}"
