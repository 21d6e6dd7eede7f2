#!/usr/bin/env bash
# Usage: tools/apt-install.sh "what they are for" PACKAGE...
# Install Debian packages when this machine lets us (root, or password-less sudo, with apt-get);
# otherwise say what to install. Never fails: the caller decides what a missing package means.
set -u
purpose=$1
shift
[ $# -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
  echo "note: ${purpose} need: $*; install them with your package manager"
  exit 0
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo"; else
    echo "note: ${purpose} need: $*"
    echo "      install them with: sudo apt-get install -y $*"
    exit 0
  fi
fi
echo "installing for ${purpose}: $*"
$sudo apt-get install -y -qq "$@" >/dev/null 2>&1 \
  || { $sudo apt-get update -qq >/dev/null 2>&1 && $sudo apt-get install -y -qq "$@" >/dev/null 2>&1; } \
  || echo "note: could not install $*; install them with: sudo apt-get install -y $*"
exit 0
