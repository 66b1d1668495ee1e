import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { pollUntil } from '@pa/testing';
import { BROKERS, testKafka } from './test-stack';

const run = promisify(execFile);
const REPO = resolve(__dirname, '..', '..', '..');

/**
 * The environment infra/stop-kafka.sh and start-kafka.sh need to act on the TEST broker, taken
 * from what infra/test.sh exports. Refuses (throws) unless KAFKA_BROKERS is exactly that broker,
 * so that a suite run by hand can never stop a dev stack's Kafka on the default state dir.
 */
export function testBrokerEnv(): NodeJS.ProcessEnv {
  const { PA_STATE_DIR, KAFKA_PORT, KAFKA_CONTROLLER_PORT } = process.env;
  if (!PA_STATE_DIR || !KAFKA_PORT || !KAFKA_CONTROLLER_PORT) {
    throw new Error('PA_STATE_DIR, KAFKA_PORT and KAFKA_CONTROLLER_PORT must name the test stack (infra/test.sh exports them)');
  }
  if (BROKERS.length !== 1 || BROKERS[0] !== `127.0.0.1:${KAFKA_PORT}`) {
    throw new Error(`KAFKA_BROKERS=${BROKERS.join(',')} is not the broker of KAFKA_PORT=${KAFKA_PORT}: refusing to stop it`);
  }
  return { ...process.env, PA_STATE_DIR, KAFKA_PORT, KAFKA_CONTROLLER_PORT };
}

/** Controlled shutdown of the test broker; resolves once its process is gone. */
export async function stopTestBroker(): Promise<void> {
  await run('bash', [resolve(REPO, 'infra', 'stop-kafka.sh')], { env: testBrokerEnv() });
}

/** Starts the test broker (a no-op when it runs) and waits until it serves metadata. */
export async function startTestBroker(): Promise<void> {
  // start-kafka.sh gives up by itself after KAFKA_START_TIMEOUT_S (infra/test.sh: 300 s on a loaded machine).
  await run('bash', [resolve(REPO, 'infra', 'start-kafka.sh')], { env: testBrokerEnv() });
  await pollUntil(
    async () => {
      const admin = testKafka().admin();
      await admin.connect();
      try {
        return (await admin.describeCluster()).brokers.length;
      } finally {
        await admin.disconnect();
      }
    },
    (brokers) => brokers === 1,
    { timeoutMs: 60_000, what: 'the test broker to serve metadata' },
  );
}
