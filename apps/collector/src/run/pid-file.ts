import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Writes our pid to `path` (infra's stop scripts read it) and removes it again at exit, but
 * only if it still holds our pid: a newer collector may have taken the file over meanwhile.
 */
export function writePidFile(path: string): void {
  const pid = String(process.pid);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${pid}\n`);
  process.once('exit', () => {
    try {
      if (readFileSync(path, 'utf8').trim() === pid) rmSync(path, { force: true });
    } catch {
      // already gone
    }
  });
}
