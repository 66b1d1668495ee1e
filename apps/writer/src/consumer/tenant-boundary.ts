import { matchesPrefix } from '@pa/auth';
import { tenantOfTopic } from '@pa/contracts';

/**
 * Issue 11: a collector that produces directly writes only its tenant's topic (the broker's ACLs
 * see to that), and a tenant topic may carry only that tenant's machines. The tenant's name is
 * its machine-id prefix, matched by whole segments exactly as the API keys' write prefixes are
 * (libs/auth matchesPrefix): tenant `team-a` owns `team-a`, `team-a-7`, `team-a.db`, not `team-ab-1`.
 */
export class TenantBoundary {
  private readonly tenants = new Map<string, string | undefined>();

  /** `snapshotTopic`: the writer's KAFKA_TOPIC, whose tenant topics it also consumes */
  constructor(private readonly snapshotTopic: string) {}

  /** The tenant whose topic `topic` is, or undefined for the snapshot topic. */
  tenantOf(topic: string): string | undefined {
    if (!this.tenants.has(topic)) this.tenants.set(topic, tenantOfTopic(this.snapshotTopic, topic));
    return this.tenants.get(topic);
  }

  /** Why a record of `machineId` read from `topic` may not be stored, or undefined when it may. */
  refusal(topic: string, machineId: string): string | undefined {
    const tenant = this.tenantOf(topic);
    if (tenant === undefined || matchesPrefix(machineId, tenant)) return undefined;
    return `machine outside tenant: machine_id ${machineId} is not a machine of tenant ${tenant} (topic ${topic})`;
  }
}
