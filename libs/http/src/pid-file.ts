import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Writes this process's pid to `path` (when given) once the service is up, and removes it on
 * exit, so `npm start` can tell a running service from a crashed one and `npm stop` finds it.
 */
export function writePidFile(path: string | undefined): void {
  if (!path) return;
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${process.pid}\n`);
  process.once('exit', () => rmSync(path, { force: true }));
}
