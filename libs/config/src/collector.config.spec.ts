import { loadCollectorConfig } from './collector.config';

describe('loadCollectorConfig: COLLECTOR_TENANT', () => {
  it("writes the tenant's topic as the tenant's principal", () => {
    const { kafka } = loadCollectorConfig({ COLLECTOR_TENANT: 'team-a', PA_STATE_DIR: '/state' });
    expect(kafka).toMatchObject({ tenant: 'team-a', topic: 'proc.tenant.team-a.snapshots.v1', security: { username: 'collector-team-a' } });
    expect(kafka.security).toMatchObject({ passwordFile: '/state/secrets/kafka-collector-team-a.password' });
  });

  it('derives the tenant topic from KAFKA_TOPIC (a test topic) and keeps the shared principal without a tenant', () => {
    expect(loadCollectorConfig({ COLLECTOR_TENANT: 't1', KAFKA_TOPIC: 'proc.snapshots.v1.e2e-x' }).kafka.topic).toBe('proc.tenant.t1.snapshots.v1.e2e-x');
    expect(loadCollectorConfig({}).kafka).toMatchObject({ topic: 'proc.snapshots.v1', security: { username: 'collector' } });
  });

  it('refuses a tenant name with a dot, naming the variable', () => {
    expect(() => loadCollectorConfig({ COLLECTOR_TENANT: 'team.a' })).toThrow(/COLLECTOR_TENANT="team.a": must be a tenant name/);
  });
});
