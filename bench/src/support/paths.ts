import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * The compiled tree the bench runs from. infra/bench.sh compiles into a private one
 * (var/bench/dist), so that a build or clean of dist/ by someone else mid-run cannot pull the apps
 * out from under a measurement; the bench starts the apps from the same tree it runs from.
 */
export const BUILD_ROOT = resolve(__dirname, '..', '..', '..');

/** main.js of one of our apps in BUILD_ROOT (or in `root`, another compiled tree). */
export function appMain(app: string, root = BUILD_ROOT): string {
  return join(root, 'apps', app, 'src', 'main.js');
}

/** The repository: the first folder above this file that holds nx.json. */
export function repoRoot(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'nx.json'))) return dir;
  }
  throw new Error(`no nx.json above ${__dirname}`);
}
