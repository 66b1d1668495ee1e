import { randomBytes } from 'node:crypto';

/** A short random suffix so every test gets its own topic, group and machine ids. */
export function uniqueSuffix(): string {
  return randomBytes(4).toString('hex');
}
