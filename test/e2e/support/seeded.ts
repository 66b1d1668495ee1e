import { randomBytes } from 'node:crypto';
import { Prng } from '@pa/testing';

export { Prng };

/**
 * A seeded PRNG for a fault test's random choices (kill moments, input mixes). The seed comes
 * from FAULT_SEED when set, else at random, and is logged: a failure is replayed with
 * `FAULT_SEED=<seed> npm test -- <suite>`.
 */
export function seededPrng(suite: string): { prng: Prng; seed: string } {
  const seed = process.env.FAULT_SEED || randomBytes(4).toString('hex');
  process.stdout.write(`${suite}: seed ${seed} (replay with FAULT_SEED=${seed})\n`);
  return { prng: new Prng(seed), seed };
}
