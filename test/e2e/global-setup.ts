// Runs once before the e2e suites: waits for the test broker and migrates every shard node with
// the real migration command. Jest loads this file outside its module map, so no @pa/* imports.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Kafka, KafkaConfig, logLevel } from 'kafkajs';

/** The admin principal over TLS + SCRAM, as infra/lib/kafka-security.sh made it (unless KAFKA_SECURITY=plaintext). */
function adminSecurity(): Pick<KafkaConfig, 'ssl' | 'sasl'> {
  if (process.env.KAFKA_SECURITY === 'plaintext') return {};
  const state = resolve(process.env.PA_STATE_DIR ?? 'var');
  return {
    ssl: { ca: [readFileSync(process.env.KAFKA_CA_FILE ?? resolve(state, 'tls', 'ca.crt'), 'utf8')] },
    sasl: { mechanism: 'scram-sha-512', username: 'admin', password: readFileSync(resolve(state, 'secrets', 'kafka-admin.password'), 'utf8').trim() },
  };
}

export default async function globalSetup(): Promise<void> {
  const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:29092').split(',');
  const admin = new Kafka({ clientId: 'e2e-setup', brokers, logLevel: logLevel.NOTHING, ...adminSecurity() }).admin();
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      await admin.connect();
      await admin.describeCluster();
      break;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`Kafka test broker ${brokers} not reachable: ${(error as Error).message}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  await admin.disconnect();
  const root = resolve(__dirname, '..', '..');
  execFileSync(process.execPath, [resolve(root, 'dist/libs/catalog/src/migrate.cli.js')], { stdio: 'inherit', env: process.env });
  createTestKeys(root);
}

/**
 * Auth is on in every suite (the default): the HMAC secret every service of the run reads, and an
 * admin key (every scope, no tenant) that the support helpers send. Both reach the suites and the
 * services they start through the environment (ServiceProcess passes it on); the collector sends
 * COLLECTOR_API_KEY. The key is made by the real `npm run keys`.
 */
function createTestKeys(root: string): void {
  const dir = resolve(root, 'var', 'e2e', 'auth');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const secretFile = process.env.PA_API_KEY_SECRET_FILE ?? resolve(dir, 'api-key-hmac');
  if (!existsSync(secretFile)) writeFileSync(secretFile, randomBytes(48).toString('base64'), { mode: 0o600 });
  process.env.PA_API_KEY_SECRET_FILE = secretFile;
  const keyFile = resolve(dir, 'admin.key');
  const args = ['create', '--name', 'e2e-admin', '--scope', 'admin', '--expires', '1d', '--key-file', keyFile];
  execFileSync(process.execPath, [resolve(root, 'dist/apps/keys/src/main.js'), ...args], { stdio: ['ignore', 'ignore', 'pipe'], env: process.env });
  const key = readFileSync(keyFile, 'utf8').trim();
  process.env.E2E_ADMIN_KEY = key;
  process.env.COLLECTOR_API_KEY = key;
}
