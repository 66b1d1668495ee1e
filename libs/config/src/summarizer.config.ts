import { AuthConfig, readAuthConfig } from './auth.config';
import { EnvReader } from './env-reader';
import { HttpConfig, ShardsConfig, readHttpConfig, readShardsConfig } from './common.config';

export interface SummarizerConfig {
  /** API keys: every route but /healthz and /readyz needs one */
  auth: AuthConfig;
  http: HttpConfig;
  shards: ShardsConfig;
  /** pause between outbox polls when a shard has nothing to do, ms */
  pollIntervalMs: number;
  /** outbox rows claimed per transaction */
  claimLimit: number;
  /** a machine's outbox rows wait this long (ms) so that one recompute covers several snapshots */
  settleMs: number;
  /** fleet-rollup outbox rows claimed per rebuild transaction (migration 017) */
  fleetClaimLimit: number;
  /** longest a fleet bucket waits for its rebuild while per-machine work keeps coming, ms (idle shards rebuild at once) */
  fleetMaxDelayMs: number;
}

export function loadSummarizerConfig(env: Record<string, string | undefined>): Readonly<SummarizerConfig> {
  const r = new EnvReader(env);
  return r.finish({
    http: readHttpConfig(r, 'SUMMARIZER_PORT', 8083),
    auth: readAuthConfig(r),
    shards: readShardsConfig(r, 2),
    pollIntervalMs: r.int('SUMMARIZER_POLL_INTERVAL_MS', 500, { min: 10, max: 600_000 }),
    claimLimit: r.int('SUMMARIZER_CLAIM_LIMIT', 200, { min: 1, max: 100_000 }),
    settleMs: r.int('SUMMARIZER_SETTLE_MS', 2_000, { min: 0, max: 3_600_000 }),
    fleetClaimLimit: r.int('SUMMARIZER_FLEET_CLAIM_LIMIT', 5_000, { min: 1, max: 1_000_000 }),
    fleetMaxDelayMs: r.int('SUMMARIZER_FLEET_MAX_DELAY_MS', 10_000, { min: 0, max: 3_600_000 }),
  });
}
