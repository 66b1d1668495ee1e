/**
 * Topic names derived from a snapshot topic. Each kind of topic lives under a prefix of its own so
 * that Kafka's prefixed ACLs (which match a name's start, never its end) can tell them apart:
 *
 *   snapshots  proc.snapshots.v1                   the gateway, trusted collectors
 *   DLQ        proc.dlq.snapshots.v1               the writer only (DLQ_TOPIC_PREFIX)
 *   tenant     proc.tenant.<tenant>.snapshots.v1   one tenant's collectors only (TENANT_TOPIC_PREFIX)
 *
 * A test or bench topic `proc.snapshots.v1.e2e-x` gets `proc.dlq.snapshots.v1.e2e-x` and
 * `proc.tenant.<tenant>.snapshots.v1.e2e-x`, under the same prefixes and so the same ACLs.
 */
export const DLQ_TOPIC_PREFIX = 'proc.dlq.';
export const TENANT_TOPIC_PREFIX = 'proc.tenant.';

/** A tenant name: also a machine-id prefix (whole segments) and one segment of a topic name, so no dot. */
export const TENANT_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/;

/** `snapshotTopic` without its leading `proc.`: the part the DLQ and tenant topics repeat. */
function topicTail(snapshotTopic: string): string {
  return snapshotTopic.startsWith('proc.') ? snapshotTopic.slice('proc.'.length) : snapshotTopic;
}

/** The dead-letter topic of a snapshot topic: `proc.snapshots.v1` → `proc.dlq.snapshots.v1`. */
export function deadLetterTopicOf(snapshotTopic: string): string {
  return `${DLQ_TOPIC_PREFIX}${topicTail(snapshotTopic)}`;
}

export function isTenantName(name: string): boolean {
  return TENANT_NAME.test(name);
}

/** Tenant `tenant`'s topic for `snapshotTopic`; throws on a name that is not a tenant name. */
export function tenantTopicOf(snapshotTopic: string, tenant: string): string {
  if (!isTenantName(tenant)) throw new Error(`"${tenant}" is not a tenant name (${TENANT_NAME.source})`);
  return `${TENANT_TOPIC_PREFIX}${tenant}.${topicTail(snapshotTopic)}`;
}

/** Matches every tenant topic of `snapshotTopic` (a kafkajs subscription); group 1 is the tenant. */
export function tenantTopicPattern(snapshotTopic: string): RegExp {
  const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${escape(TENANT_TOPIC_PREFIX)}([A-Za-z0-9][A-Za-z0-9_-]{0,62})\\.${escape(topicTail(snapshotTopic))}$`);
}

/** The tenant whose topic `topic` is (for `snapshotTopic`), or undefined for any other topic. */
export function tenantOfTopic(snapshotTopic: string, topic: string): string | undefined {
  return tenantTopicPattern(snapshotTopic).exec(topic)?.[1];
}

/** The Kafka principal (SCRAM user) of tenant `tenant`'s collectors: `collector-<tenant>`. */
export function tenantPrincipalOf(tenant: string): string {
  if (!isTenantName(tenant)) throw new Error(`"${tenant}" is not a tenant name (${TENANT_NAME.source})`);
  return `collector-${tenant}`;
}
