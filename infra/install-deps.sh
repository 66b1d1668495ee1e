#!/usr/bin/env bash
# Installs the npm dependencies (Node 24 included, as the devDependency node@24) when
# node_modules is missing or its lock differs from package-lock.json. Quiet when nothing is to do.
#
# A node_modules that is a symlink (a git worktree sharing another checkout's install) is never
# reinstalled from here: `npm ci` would empty the shared folder for every checkout using it. Such a
# checkout only warns when the lockfiles differ. (Comparing mtimes was wrong for worktrees: a fresh
# checkout's package-lock.json is always newer than the shared install's stamp.)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
stamp=node_modules/.package-lock.json
# npm writes node_modules/.package-lock.json from package-lock.json, leaving out the optional
# packages it skipped (other platforms' binaries): in sync when every installed entry has the
# locked version and every non-optional locked package is installed. Dates say nothing here.
in_sync() {
  [[ -f $stamp ]] && node -e '
    const fs = require("fs");
    const read = (f) => JSON.parse(fs.readFileSync(f, "utf8")).packages ?? {};
    const [locked, installed] = [read(process.argv[1]), read(process.argv[2])];
    const same = Object.entries(installed).every(([k, v]) => locked[k]?.version === v.version) &&
      Object.entries(locked).every(([k, v]) => k === "" || v.optional || k in installed);
    process.exit(same ? 0 : 1);' package-lock.json "$stamp" 2>/dev/null
}
if [[ -L node_modules ]]; then
  in_sync || echo "deps: node_modules is a shared symlink ($(readlink node_modules)) and does not match package-lock.json; install it there, not here" >&2
  exit 0
fi
if ! in_sync; then
  echo "deps: npm ci (first run or package-lock.json changed)…"
  npm ci --no-audit --no-fund --loglevel=error
fi
