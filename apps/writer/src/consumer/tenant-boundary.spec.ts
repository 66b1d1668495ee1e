import { TenantBoundary } from './tenant-boundary';

describe('TenantBoundary', () => {
  const boundary = new TenantBoundary('proc.snapshots.v1');

  it('lets any machine through on the snapshot topic itself (the gateway checks its keys there)', () => {
    expect(boundary.refusal('proc.snapshots.v1', 'team-b-1')).toBeUndefined();
  });

  it("lets a tenant topic carry that tenant's machines, whole segments only", () => {
    for (const own of ['team-a', 'team-a-1', 'team-a.db', 'team-a_x', 'team-a:9']) {
      expect(boundary.refusal('proc.tenant.team-a.snapshots.v1', own)).toBeUndefined();
    }
  });

  it('refuses, naming machine, tenant and topic, a foreign machine or one that only looks alike', () => {
    expect(boundary.refusal('proc.tenant.team-a.snapshots.v1', 'team-b-1')).toBe(
      'machine outside tenant: machine_id team-b-1 is not a machine of tenant team-a (topic proc.tenant.team-a.snapshots.v1)',
    );
    expect(boundary.refusal('proc.tenant.team-a.snapshots.v1', 'team-ab-1')).toMatch(/^machine outside tenant/);
    expect(boundary.refusal('proc.tenant.team-a.snapshots.v1', 'TEAM-A-1')).toMatch(/^machine outside tenant/);
  });

  it('knows the tenant of its own tenant topics only', () => {
    expect(boundary.tenantOf('proc.tenant.team-a.snapshots.v1')).toBe('team-a');
    expect(boundary.tenantOf('proc.snapshots.v1')).toBeUndefined();
  });
});
