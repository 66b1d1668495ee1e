import { EnvReader } from './env-reader';
import { ShardsConfig, readShardsConfig } from './common.config';

export interface MoverConfig {
  shards: ShardsConfig;
  /**
   * Average process rows per second a bucket move may copy (MOVE_COPY_ROWS_PER_SECOND, overridden
   * by `--rate`); 0 = unlimited, the default: the copy is one COPY stream at a time per node, so it
   * takes at most about one core of source and target; limit it on nodes with few cores.
   */
  copyRowsPerSecond: number;
}

/** Config of `npm run shards` (nodes and bucket moves). */
export function loadMoverConfig(env: Record<string, string | undefined>): Readonly<MoverConfig> {
  const r = new EnvReader(env);
  return r.finish({
    shards: readShardsConfig(r, 2),
    copyRowsPerSecond: r.int('MOVE_COPY_ROWS_PER_SECOND', 0, { min: 0, max: 100_000_000 }),
  });
}
