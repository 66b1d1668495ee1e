#!/usr/bin/env bash
# Installs a headless Chromium for the dashboard's browser tests when none is present: Debian's
# chromium-headless-shell (about 224 MB), driven by playwright-core through executablePath
# (playwright's own browser download needs the network and fails here). Prints the binary's path.
# `apt-get update` runs only when the package is not known yet. Needs root (or CHROMIUM_PATH set).
set -euo pipefail
for candidate in "${CHROMIUM_PATH:-}" /usr/bin/chromium-headless-shell /usr/lib/chromium/headless_shell /usr/bin/chromium; do
  if [[ -n $candidate && -x $candidate ]]; then echo "$candidate"; exit 0; fi
done
if [[ $(id -u) -ne 0 ]]; then
  echo "install-browser: no Chromium found; run as root or: sudo apt-get install -y chromium-headless-shell (or set CHROMIUM_PATH)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
if ! apt-cache show chromium-headless-shell >/dev/null 2>&1; then
  echo "install-browser: apt-get update (chromium-headless-shell not in the package lists)" >&2
  apt-get update -qq >&2
fi
echo "install-browser: apt-get install chromium-headless-shell…" >&2
apt-get install -y -qq --no-install-recommends chromium-headless-shell >&2
echo /usr/bin/chromium-headless-shell
