import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Pool } from 'pg';

export interface Migration {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

export interface MigrationResult {
  applied: string[];
  alreadyApplied: number;
}

const FILE_PATTERN = /^(\d{3})-([a-z0-9]+(?:-[a-z0-9]+)*)\.sql$/;
/** The roles' grants of a sql/ folder: run after the migrations on every migrate, not recorded. */
export const GRANTS_FILE = 'grants.sql';

/** The sql/ folder of this lib, found from both the source tree and the compiled dist/ tree. */
export function defaultMigrationsDir(): string {
  return findMigrationsDir('pg-shards');
}

/** The sql/ folder of lib `lib` (libs/<lib>/sql), searched upwards from this file (source or dist/). */
export function findMigrationsDir(lib: string): string {
  for (let dir = __dirname, i = 0; i < 8; i++, dir = resolve(dir, '..')) {
    const candidate = join(dir, 'libs', lib, 'sql');
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`libs/${lib}/sql not found above ${__dirname}`);
}

/**
 * Reads `NNN-verb-object.sql` files in version order. Throws on a misnamed file or a duplicate
 * number (twenty's clickhouse migrations had both), so CI catches them.
 */
export function readMigrations(dir: string): Migration[] {
  const migrations: Migration[] = [];
  const seen = new Map<number, string>();
  for (const file of readdirSync(dir).sort()) {
    if (file === GRANTS_FILE) continue;
    const match = FILE_PATTERN.exec(file);
    if (!match) throw new Error(`migration file ${file} must be named NNN-verb-object.sql (lowercase, kebab-case)`);
    const version = Number(match[1]);
    if (seen.has(version)) throw new Error(`migration number ${match[1]} used twice: ${seen.get(version)} and ${file}`);
    seen.set(version, file);
    const sql = readFileSync(join(dir, file), 'utf8');
    migrations.push({ version, name: file, sql, checksum: createHash('sha256').update(sql).digest('hex') });
  }
  return migrations;
}

/** The grants of folder `dir` (its grants.sql), or undefined when it has none. */
export function readGrants(dir: string): string | undefined {
  const file = join(dir, GRANTS_FILE);
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
}

/**
 * Applies the missing migrations to one database (a shard node or the catalog), each in its own transaction, under an advisory lock so
 * that two runners cannot interleave, then `grants` (every time, in one transaction: a role never
 * sees its rights half revoked). Throws when an applied migration's file has changed since.
 */
export async function migrateShard(pool: Pool, migrations: Migration[], grants?: string): Promise<MigrationResult> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock(hashtext($1))', ['pa_migrations']);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now())`);
    const { rows } = await client.query<{ version: number; name: string; checksum: string }>(
      'SELECT version, name, checksum FROM schema_migrations',
    );
    const applied = new Map(rows.map((r) => [r.version, r]));
    const result: MigrationResult = { applied: [], alreadyApplied: 0 };
    for (const migration of migrations) {
      const done = applied.get(migration.version);
      if (done) {
        if (done.checksum !== migration.checksum) {
          throw new Error(`migration ${migration.name} changed after it was applied (as ${done.name}); add a new migration instead`);
        }
        result.alreadyApplied++;
        continue;
      }
      await applyOne(client, migration);
      result.applied.push(migration.name);
    }
    if (grants) await applyOne(client, { version: 0, name: GRANTS_FILE, sql: grants, checksum: '' }, false);
    return result;
  } finally {
    await client.query('SELECT pg_advisory_unlock(hashtext($1))', ['pa_migrations']).catch(() => undefined);
    client.release();
  }
}

async function applyOne(client: import('pg').PoolClient, migration: Migration, isRecorded = true): Promise<void> {
  await client.query('BEGIN');
  try {
    await client.query(migration.sql);
    if (isRecorded) {
      await client.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [
        migration.version,
        migration.name,
        migration.checksum,
      ]);
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw new Error(`migration ${migration.name} failed: ${(error as Error).message}`, { cause: error });
  }
}
