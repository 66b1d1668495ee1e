import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const REPO = resolve(__dirname, '..', '..', '..');

/** A user of a test Redis: its name and the file holding its password. */
export interface RedisUser {
  name: string;
  passwordFile: string;
  password: string;
}

/** An ACL file and the users it lets in. */
export interface RedisAcl {
  aclFile: string;
  users: Record<string, RedisUser>;
}

/**
 * Writes, into `dir`, the ACL file infra/start-redis.sh writes (default user off, the users and
 * rules of infra/redis/acl-rules.txt) with fresh passwords; returns the ACL path and the users.
 */
export function writeRedisAcl(dir: string): RedisAcl {
  const users: Record<string, RedisUser> = {};
  const lines = ['user default off resetkeys -@all'];
  for (const line of readFileSync(join(REPO, 'infra', 'redis', 'acl-rules.txt'), 'utf8').split('\n')) {
    const [name, ...rules] = line.trim().split(/\s+/);
    if (!name || name.startsWith('#')) continue;
    const password = randomBytes(24).toString('hex');
    const passwordFile = join(dir, `redis-${name}.password`);
    writeFileSync(passwordFile, password, { mode: 0o600 });
    users[name] = { name, passwordFile, password };
    lines.push(`user ${name} on #${createHash('sha256').update(password).digest('hex')} ${rules.join(' ')}`);
  }
  const aclFile = join(dir, 'users.acl');
  writeFileSync(aclFile, `${lines.join('\n')}\n`, { mode: 0o600 });
  return { aclFile, users };
}
