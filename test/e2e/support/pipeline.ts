import { ProcessSnapshot, deadLetterTopicOf } from '@pa/contracts';
import { ServiceProcess, freePort, uniqueSuffix } from '@pa/testing';
import { withAuth } from './auth';
import { waitCaughtUp } from './consumer-lag';
import { ndjsonBodies } from './history';
import { BROKERS, SHARD_URLS } from './test-stack';

/** A gateway and a writer of our own, on a topic and consumer group no other test uses. */
export class Pipeline {
  readonly topic = `proc.snapshots.v1.e2e-${uniqueSuffix()}`;
  readonly groupId = `proc-writer-e2e-${uniqueSuffix()}`;
  gateway!: ServiceProcess;
  writer!: ServiceProcess;
  gatewayUrl = '';
  writerUrl = '';

  constructor(
    private readonly writerEnv: Record<string, string> = {},
    private readonly gatewayEnv: Record<string, string> = {},
  ) {}

  /** where its writer dead-letters (created by its gateway at start) */
  get dlqTopic(): string {
    return deadLetterTopicOf(this.topic);
  }

  get env(): Record<string, string> {
    return {
      KAFKA_BROKERS: BROKERS.join(','),
      KAFKA_TOPIC: this.topic,
      PG_SHARDS: SHARD_URLS.join(','),
      WRITER_GROUP_ID: this.groupId,
    };
  }

  async start(): Promise<this> {
    await this.startGateway();
    await this.startWriter();
    return this;
  }

  async startGateway(): Promise<ServiceProcess> {
    const gatewayPort = await freePort();
    // HTTPS unless the suite turned it off (HTTP_PLAIN, as behind a TLS-terminating proxy).
    this.gatewayUrl = `${this.gatewayEnv.HTTP_PLAIN === 'true' ? 'http' : 'https'}://127.0.0.1:${gatewayPort}`;
    this.gateway = new ServiceProcess('ingest-gateway', {
      ...this.env,
      GATEWAY_PORT: String(gatewayPort),
      ...this.gatewayEnv,
    }).start();
    await this.gateway.waitReady(`${this.gatewayUrl}/readyz`);
    return this.gateway;
  }

  async startWriter(): Promise<ServiceProcess> {
    const writerPort = await freePort();
    this.writerUrl = `http://127.0.0.1:${writerPort}`;
    this.writer = new ServiceProcess('writer', { ...this.env, WRITER_PORT: String(writerPort), ...this.writerEnv }).start();
    await this.writer.waitReady(`${this.writerUrl}/readyz`);
    return this.writer;
  }

  async stop(): Promise<void> {
    await Promise.all([this.gateway?.stop(), this.writer?.stop()]);
  }

  /** POSTs a body to the gateway, with the run's admin key unless `headers` carry an authorization. */
  post(body: string | Buffer, headers: Record<string, string> = { 'content-type': 'application/json' }): Promise<Response> {
    return fetch(`${this.gatewayUrl}/v1/snapshots`, { method: 'POST', body, headers: withAuth(headers) });
  }

  /** POSTs `snapshots` as NDJSON, `perBody` a request, each answered 202, and waits until the writer has consumed them all. */
  async ingest(snapshots: ProcessSnapshot[], perBody = 500): Promise<void> {
    for (const body of ndjsonBodies(snapshots, perBody)) {
      const response = await this.post(body, { 'content-type': 'application/x-ndjson' });
      if (response.status !== 202) throw new Error(`gateway answered ${response.status}: ${await response.text()}`);
    }
    await waitCaughtUp(this.groupId, this.topic, 120_000);
  }
}
