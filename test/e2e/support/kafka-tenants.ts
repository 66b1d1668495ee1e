import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = resolve(__dirname, '..', '..', '..');

/**
 * Runs the operator command `infra/kafka-tenant.sh <action> <tenant>` (npm run kafka-tenant)
 * against the test stack, for the tenant topics of `snapshotTopic` (a suite's own topic).
 * Resolves with its stdout; rejects with its output when it fails.
 */
export async function kafkaTenant(action: 'add' | 'remove', tenant: string, snapshotTopic: string): Promise<string> {
  const { stdout } = await run('bash', [resolve(ROOT, 'infra', 'kafka-tenant.sh'), action, tenant], {
    env: { ...process.env, KAFKA_TOPIC: snapshotTopic },
    timeout: 120_000,
  });
  return stdout;
}
