// Issue 12: SQL computes a machine's bucket exactly as the one routing function does.
import { withPgCredentialsOf } from '@pa/config';
import { Pool } from 'pg';
import { Prng } from '@pa/testing';
import { bucketOf } from './shard-routing';

const SHARD_URL = withPgCredentialsOf((process.env.PG_SHARDS ?? 'postgres://127.0.0.1:25433/pa').split(',')[0]);
const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._:-';

describe('pa_bucket_of (SQL) equals bucketOf (TypeScript)', () => {
  const pool = new Pool({ connectionString: SHARD_URL, max: 1 });
  afterAll(() => pool.end());

  it('on 20,000 ids: contract-shaped ones of every length, and any Unicode text', async () => {
    const prng = new Prng('pa_bucket_of');
    const ids = Array.from({ length: 20_000 }, (_, i) => {
      if (i % 4 === 3) return Array.from({ length: prng.int(1, 40) }, () => String.fromCodePoint(prng.pick([prng.int(32, 126), prng.int(0xa0, 0x7ff), prng.int(0x800, 0xd7ff), prng.int(0x10000, 0x10ffff)]))).join('');
      return Array.from({ length: prng.int(1, 128) }, () => prng.pick([...ALPHABET])).join('');
    });
    ids.push('a', 'host-0001', 'x'.repeat(128), 'é', '😀');
    const { rows } = await pool.query<{ b: number }>('SELECT pa_bucket_of(id) AS b FROM unnest($1::text[]) WITH ORDINALITY AS u(id, n) ORDER BY n', [ids]);
    const wrong = ids.filter((id, i) => rows[i].b !== bucketOf(id));
    expect(wrong.slice(0, 5)).toEqual([]);
    expect(rows).toHaveLength(ids.length);
  });
});
