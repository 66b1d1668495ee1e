import { deadLetterTopicOf, tenantOfTopic, tenantTopicOf, tenantTopicPattern } from './topic-names';

describe('topic names', () => {
  it('puts the DLQ of any snapshot topic under proc.dlq.', () => {
    expect(deadLetterTopicOf('proc.snapshots.v1')).toBe('proc.dlq.snapshots.v1');
    expect(deadLetterTopicOf('proc.snapshots.v1.e2e-x')).toBe('proc.dlq.snapshots.v1.e2e-x');
    expect(deadLetterTopicOf('x.v1')).toBe('proc.dlq.x.v1');
  });

  it('names a tenant topic under proc.tenant.<tenant>. and refuses names with a dot or other characters', () => {
    expect(tenantTopicOf('proc.snapshots.v1', 'team-a')).toBe('proc.tenant.team-a.snapshots.v1');
    expect(tenantTopicOf('proc.snapshots.v1.e2e-x', 'team_b')).toBe('proc.tenant.team_b.snapshots.v1.e2e-x');
    for (const bad of ['team.a', '', '-a', 'a/b', 'a'.repeat(64)]) expect(() => tenantTopicOf('proc.snapshots.v1', bad)).toThrow(/not a tenant name/);
  });

  it('finds the tenant of its own tenant topics only', () => {
    expect(tenantOfTopic('proc.snapshots.v1', 'proc.tenant.team-a.snapshots.v1')).toBe('team-a');
    expect(tenantOfTopic('proc.snapshots.v1', 'proc.snapshots.v1')).toBeUndefined();
    // another snapshot topic's tenant topic (an e2e suite's) is not ours
    expect(tenantOfTopic('proc.snapshots.v1', 'proc.tenant.team-a.snapshots.v1.e2e-x')).toBeUndefined();
    expect(tenantOfTopic('proc.snapshots.v1.e2e-x', 'proc.tenant.team-a.snapshots.v1')).toBeUndefined();
    expect(tenantOfTopic('proc.snapshots.v1', 'proc.tenant.a.b.snapshots.v1')).toBeUndefined();
    expect(tenantTopicPattern('proc.snapshots.v1').test('proc.tenantXteam-a.snapshots.v1')).toBe(false);
  });
});
