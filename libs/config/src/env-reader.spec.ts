import { ConfigError } from './env-reader';
import { loadGatewayConfig } from './gateway.config';
import { loadWriterConfig } from './writer.config';

describe('config loaders', () => {
  it('give the documented defaults', () => {
    const config = loadWriterConfig({});
    expect(config.kafka).toMatchObject({ brokers: ['127.0.0.1:9092'], topic: 'proc.snapshots.v1', dlqTopic: 'proc.dlq.snapshots.v1', groupId: 'proc-writer' });
    expect(config.shards.urls).toEqual(['postgres://127.0.0.1:5433/pa', 'postgres://127.0.0.1:5434/pa']);
    expect(Object.isFrozen(config.kafka)).toBe(true);
  });

  it('report every bad variable in one error', () => {
    let error: unknown;
    try {
      loadGatewayConfig({ GATEWAY_PORT: 'eighty', KAFKA_BROKERS: 'no-port', RETENTION_DAYS: '0' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toHaveLength(3);
    expect(problems.join('\n')).toMatch(/GATEWAY_PORT=.*integer/);
    expect(problems.join('\n')).toMatch(/KAFKA_BROKERS=.*host:port/);
    expect(problems.join('\n')).toMatch(/RETENTION_DAYS=.*from 1/);
  });

  it('derives the DLQ topic from an overridden topic', () => {
    expect(loadWriterConfig({ KAFKA_TOPIC: 'x.v1' }).kafka.dlqTopic).toBe('proc.dlq.x.v1');
  });

  it('rejects a shard list with something that is not a postgres URL', () => {
    expect(() => loadWriterConfig({ PG_SHARDS: 'postgres://a/b,mysql://c/d' })).toThrow(/PG_SHARDS/);
  });
});
