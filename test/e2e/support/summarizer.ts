import { ServiceProcess, freePort } from '@pa/testing';
import { SHARD_URLS } from './test-stack';

/** A summarizer of our own on the test shards, polling fast. */
export async function startSummarizer(extraEnv: Record<string, string> = {}): Promise<ServiceProcess> {
  const port = await freePort();
  const env = { PG_SHARDS: SHARD_URLS.join(','), SUMMARIZER_PORT: String(port), SUMMARIZER_POLL_INTERVAL_MS: '100', ...extraEnv };
  return new ServiceProcess('summarizer', env).start().waitReady(`http://127.0.0.1:${port}/readyz`);
}
