import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The project's version from the root package.json (found from src/ and dist/ alike). */
export function serviceVersion(): string {
  for (let dir = __dirname, i = 0; i < 8; i++, dir = resolve(dir, '..')) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'process-analyzer') return pkg.version ?? '0.0.0';
    }
  }
  return '0.0.0';
}
