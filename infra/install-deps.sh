#!/usr/bin/env bash
# Installs the npm dependencies (Node 24 included, as the devDependency node@24) when
# node_modules is missing or older than package-lock.json. Quiet when nothing is to do.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
stamp=node_modules/.package-lock.json
if [[ ! -f $stamp || package-lock.json -nt $stamp ]]; then
  echo "deps: npm ci (first run or package-lock.json changed)…"
  npm ci --no-audit --no-fund --loglevel=error
fi
