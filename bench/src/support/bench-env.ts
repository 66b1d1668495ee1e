import { join } from 'node:path';
import { withPgCredentialsOf } from '@pa/config';

/** Where the private bench stack is; infra/bench.sh sets every one of these. */
export interface BenchEnv {
  /** host:port of the bench broker (SASL_SSL) */
  brokers: string[];
  /** its plaintext listener (item 4's TLS + SASL off variant only); undefined: that variant is skipped */
  plaintextBrokers?: string[];
  /** the shard nodes as postgres:// URLs (their database part is replaced per measurement) */
  shardNodes: string[];
  /** the Kafka classpath folder (broker + tools jars) */
  kafkaLibDir: string;
  /** Redis of the bench stack, for the query cache; undefined: none */
  redisUrl?: string;
  /** scratch files (CSV, payloads) */
  dataDir: string;
  /** the apps' logs */
  logDir: string;
  /** the stack's state (shard data directories, pid files) */
  stateDir: string;
  /** the API key server secret the apps read (PA_API_KEY_SECRET_FILE) */
  apiKeySecretFile: string;
}

/** Reads the bench stack's coordinates; throws one error naming every missing variable. */
export function loadBenchEnv(env: Record<string, string | undefined>): BenchEnv {
  const missing = ['KAFKA_BROKERS', 'PG_SHARDS', 'KAFKA_LIB_DIR', 'PA_STATE_DIR', 'PA_API_KEY_SECRET_FILE'].filter((name) => !env[name]);
  if (missing.length) throw new Error(`bench: ${missing.join(', ')} not set; run it with npm run bench (infra/bench.sh starts the stack)`);
  const state = env.PA_STATE_DIR as string;
  return {
    brokers: (env.KAFKA_BROKERS as string).split(','),
    // With the owner's credentials and TLS (PG_USER, PG_PASSWORD_FILE, PG_SSLROOTCERT of infra/bench.sh).
    shardNodes: (env.PG_SHARDS as string).split(',').map((url) => withPgCredentialsOf(url, env)),
    plaintextBrokers: env.KAFKA_PLAINTEXT_BROKERS ? env.KAFKA_PLAINTEXT_BROKERS.split(',') : undefined,
    kafkaLibDir: env.KAFKA_LIB_DIR as string,
    redisUrl: env.REDIS_URL || undefined,
    dataDir: join(state, 'data'),
    logDir: join(state, 'log'),
    stateDir: state,
    apiKeySecretFile: env.PA_API_KEY_SECRET_FILE as string,
  };
}
