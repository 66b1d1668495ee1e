// Issue 11, "Kafka, Redis: authenticated and encrypted" and HTTPS: every hop refuses plaintext,
// a client that does not trust the local CA, a wrong password, and a role doing what it must not.
import { readFileSync } from 'node:fs';
import { get } from 'node:https';
import { rootCertificates } from 'node:tls';
import { Kafka, logLevel } from 'kafkajs';
import { Redis, RedisOptions } from 'ioredis';
import { SNAPSHOTS_DLQ_TOPIC, SNAPSHOTS_TOPIC, deadLetterTopicOf } from '@pa/contracts';
import { ServiceProcess, uniqueSuffix } from '@pa/testing';
import { tlsFiles } from '../support/local-tls';
import { Pipeline } from '../support/pipeline';
import { startQueryApi } from '../support/query-api';
import { PrivateRedis } from '../support/query-redis';
import { asPrincipal, createTopics, kafkaWith, produce, refusal } from '../support/kafka-principals';
import { BROKERS, kafkaSecurityAs } from '../support/test-stack';

async function connectAdmin(kafka: Kafka): Promise<void> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.describeCluster();
  } finally {
    await admin.disconnect();
  }
}

describe('Kafka: TLS + SASL/SCRAM-SHA-512 and ACLs', () => {
  const topic = `proc.snapshots.v1.e2e-sec-${uniqueSuffix()}`;
  const dlq = deadLetterTopicOf(topic);
  // The production names too: DLQs are under proc.dlq., where only the writer may write, for
  // every snapshot topic (a suite's own as well as production's; infra/kafka/ensure-acls.cjs).
  beforeAll(() => createTopics(topic, dlq, SNAPSHOTS_TOPIC, SNAPSHOTS_DLQ_TOPIC));

  it('refuses a plaintext connection', async () => {
    await expect(connectAdmin(kafkaWith({}))).rejects.toThrow();
  });

  it('refuses a TLS client that does not trust the local CA (only the public roots)', async () => {
    const { sasl } = kafkaSecurityAs('admin');
    await expect(connectAdmin(kafkaWith({ ssl: { ca: [...rootCertificates] }, sasl }))).rejects.toThrow(/self.signed|unable to (get|verify)|certificate/i);
  });

  it('refuses a wrong SCRAM password, and a TLS client without SASL', async () => {
    const { ssl } = kafkaSecurityAs('admin');
    await expect(connectAdmin(kafkaWith({ ssl, sasl: { mechanism: 'scram-sha-512', username: 'admin', password: 'not-the-password' } }))).rejects.toThrow(
      /SASL|authentication/i,
    );
    await expect(connectAdmin(kafkaWith({ ssl }))).rejects.toThrow();
  });

  it('lets each role do its job: the gateway and a collector write snapshots, the writer its DLQ', async () => {
    await produce(asPrincipal('gateway'), topic);
    await produce(asPrincipal('collector'), topic);
    await produce(asPrincipal('writer'), dlq);
  });

  it('refuses the gateway reading the snapshot topic or writing a DLQ (production\'s or a suite\'s own)', async () => {
    // kafkajs reports a refused FindCoordinator only as "Failed to find group coordinator"; the
    // broker's error type is in its debug log.
    const refusals: string[] = [];
    const gateway = new Kafka({
      clientId: 'e2e-security',
      brokers: BROKERS,
      connectionTimeout: 3_000,
      retry: { retries: 0 },
      ...kafkaSecurityAs('gateway'),
      logLevel: logLevel.DEBUG,
      logCreator: () => ({ log }) => {
        const type = (log as { error?: { type?: string } }).error?.type;
        if (type) refusals.push(type);
      },
    });
    const consumer = gateway.consumer({ groupId: `proc-writer-e2e-sec-${uniqueSuffix()}`, retry: { retries: 0 } });
    const crashed = new Promise<unknown>((resolve) => consumer.on(consumer.events.CRASH, (event) => resolve(event.payload.error)));
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({ eachMessage: async () => undefined });
      await crashed;
      expect(refusals).toContain('GROUP_AUTHORIZATION_FAILED');
    } finally {
      await consumer.disconnect();
    }
    for (const target of [SNAPSHOTS_DLQ_TOPIC, dlq]) await expect(refusal(produce(asPrincipal('gateway'), target))).rejects.toThrow(/TOPIC_AUTHORIZATION_FAILED/);
  });

  it('refuses the writer creating topics or writing the snapshot topic, and a collector writing the DLQ', async () => {
    const admin = asPrincipal('writer').admin();
    await admin.connect();
    try {
      const created = admin.createTopics({ topics: [{ topic: `proc.snapshots.v1.e2e-sec-new-${uniqueSuffix()}`, numPartitions: 1 }] });
      await expect(refusal(created)).rejects.toThrow(/AUTHORIZATION_FAILED/);
    } finally {
      await admin.disconnect();
    }
    for (const target of [SNAPSHOTS_TOPIC, topic]) await expect(refusal(produce(asPrincipal('writer'), target))).rejects.toThrow(/TOPIC_AUTHORIZATION_FAILED/);
    for (const target of [SNAPSHOTS_DLQ_TOPIC, dlq]) await expect(refusal(produce(asPrincipal('collector'), target))).rejects.toThrow(/TOPIC_AUTHORIZATION_FAILED/);
  });
});

describe('Redis: TLS only, ACL users, no default user', () => {
  const redis = new PrivateRedis();
  const clients: Redis[] = [];
  beforeAll(() => redis.start());
  afterAll(async () => {
    clients.forEach((c) => c.disconnect());
    await redis.stop();
  });

  /** One PING (or `command`) on a fresh connection, no retries; resolves with the answer or rejects with the error. */
  async function ask(options: RedisOptions, command: (c: Redis) => Promise<unknown> = (c) => c.ping()): Promise<unknown> {
    const client = new Redis({ host: '127.0.0.1', port: redis.port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 3_000, ...options });
    clients.push(client);
    // With no retries connect() rejects with "Connection is closed"; the reason is the first 'error'.
    let reason: Error | undefined;
    client.on('error', (error: Error) => (reason ??= error));
    await client.connect().catch((error: Error) => Promise.reject(reason ?? error));
    return command(client);
  }
  const tls = () => ({ tls: { ca: [readFileSync(tlsFiles().ca, 'utf8')] } });
  const queryApi = () => ({ ...tls(), username: 'query-api', password: redis.users['query-api'].password });

  it('answers the query API user over TLS, within its keys and commands', async () => {
    expect(await ask(queryApi())).toBe('PONG');
    expect(await ask(queryApi(), (c) => c.set('pa:query:e2e-sec', '1', 'EX', 10))).toBe('OK');
    await expect(ask(queryApi(), (c) => c.get('other:key'))).rejects.toThrow(/NOPERM/);
    await expect(ask(queryApi(), (c) => c.flushall())).rejects.toThrow(/NOPERM/);
    await expect(ask(queryApi(), (c) => c.keys('*'))).rejects.toThrow(/NOPERM/);
  });

  it('refuses plaintext', async () => {
    await expect(ask({})).rejects.toThrow();
  });

  it('refuses the default user and a wrong password', async () => {
    await expect(ask(tls())).rejects.toThrow(/NOAUTH|WRONGPASS|disabled/i);
    await expect(ask({ ...tls(), username: 'default', password: '' })).rejects.toThrow();
    await expect(ask({ ...tls(), username: 'query-api', password: 'wrong' })).rejects.toThrow(/WRONGPASS/);
  });

  it('refuses a client that does not trust the local CA', async () => {
    await expect(ask({ tls: { ca: [...rootCertificates] }, username: 'query-api', password: redis.users['query-api'].password })).rejects.toThrow(
      /self.signed|unable to (get|verify)|certificate/i,
    );
  });
});

/** GET `url` with only `ca` trusted; the status, or the error. */
function httpsStatus(url: string, ca: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    get(url, { ca }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    }).on('error', reject);
  });
}

describe('HTTPS: the gateway and the query API', () => {
  const pipeline = new Pipeline();
  let api: ServiceProcess;
  beforeAll(async () => {
    await pipeline.startGateway();
    api = await startQueryApi();
  }, 120_000);
  afterAll(() => Promise.all([pipeline.stop(), api?.stop()]));

  const origins = () => [pipeline.gatewayUrl, api.url('')];

  it('serve HTTPS with a certificate that chains to the local CA', async () => {
    const ca = [readFileSync(tlsFiles().ca, 'utf8')];
    for (const origin of origins()) {
      expect(origin).toMatch(/^https:\/\//);
      expect(await httpsStatus(`${origin}/healthz`, ca)).toBe(200);
    }
  });

  it('refuse plain HTTP', async () => {
    for (const origin of origins()) {
      await expect(fetch(`${origin.replace('https://', 'http://')}/healthz`)).rejects.toThrow();
    }
  });

  it('fail for a client that does not trust the local CA', async () => {
    for (const origin of origins()) {
      await expect(httpsStatus(`${origin}/healthz`, [...rootCertificates])).rejects.toThrow(/self.signed|unable to (get|verify)|certificate/i);
    }
  });
});
