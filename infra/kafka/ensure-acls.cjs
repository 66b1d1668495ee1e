#!/usr/bin/env node
// Grants each Kafka principal its ACLs (infra/lib/kafka-security.sh lists who gets what), as admin
// over SASL_SSL, and deletes the ones an older version granted (RETIRED). Idempotent: the broker
// keeps one copy of an ACL that is created twice.
// Env: KAFKA_BROKERS, PA_STATE_DIR (CA in tls/ca.crt, admin password in secrets/).
'use strict';
const { withAdmin } = require('./admin-session.cjs');
const { AclResourceTypes, ResourcePatternTypes, AclOperationTypes, AclPermissionTypes } = require('kafkajs');

const TOPICS = 'proc.snapshots.';
const SNAPSHOTS = 'proc.snapshots.v1';
// Under prefixes of their own (libs/contracts topic-names.ts), so the gateway and the collectors,
// which may write proc.snapshots.*, can write no DLQ and no tenant's topic.
const DLQS = 'proc.dlq.';
const TENANTS = 'proc.tenant.';
// The DLQ before it moved under proc.dlq. (ACL version 1): on a stack made before, the old topic
// stays closed to the gateway and collectors until an operator deletes it.
const LEGACY_DLQ = 'proc.snapshots.v1.dlq';
const WRITER_GROUPS = 'proc-writer';

const topic = (name, pattern = ResourcePatternTypes.PREFIXED) => ({ resourceType: AclResourceTypes.TOPIC, resourceName: name, resourcePatternType: pattern });
const group = (name) => ({ resourceType: AclResourceTypes.GROUP, resourceName: name, resourcePatternType: ResourcePatternTypes.PREFIXED });
const literal = (name) => topic(name, ResourcePatternTypes.LITERAL);
const O = AclOperationTypes;
const { ALLOW, DENY } = AclPermissionTypes;

/** [principal, resource, operations, permission]; tenant collectors get theirs from infra/kafka/tenant.cjs. */
const GRANTS = [
  ['gateway', topic(TOPICS), [O.CREATE, O.WRITE, O.DESCRIBE, O.DESCRIBE_CONFIGS], ALLOW],
  // it creates the DLQ at start (ensureTopics), and may not write it
  ['gateway', topic(DLQS), [O.CREATE, O.DESCRIBE], ALLOW],
  ['gateway', literal(LEGACY_DLQ), [O.WRITE], DENY],
  ['writer', topic(TOPICS), [O.READ, O.DESCRIBE, O.DESCRIBE_CONFIGS], ALLOW],
  ['writer', topic(TENANTS), [O.READ, O.DESCRIBE, O.DESCRIBE_CONFIGS], ALLOW],
  ['writer', topic(DLQS), [O.WRITE, O.DESCRIBE, O.DESCRIBE_CONFIGS], ALLOW],
  ['writer', group(WRITER_GROUPS), [O.READ, O.DESCRIBE], ALLOW],
  ['collector', topic(TOPICS), [O.WRITE, O.DESCRIBE, O.DESCRIBE_CONFIGS], ALLOW],
  ['collector', literal(LEGACY_DLQ), [O.WRITE], DENY],
];

/** Granted by ACL version 1 and no longer: deleted on upgrade (the writer wrote its DLQ under proc.snapshots.). */
const RETIRED = [
  ['writer', topic(TOPICS), [O.WRITE], ALLOW],
  ['writer', literal(SNAPSHOTS), [O.WRITE], DENY],
];

function acls(grants) {
  return grants.flatMap(([principal, resource, operations, permissionType]) =>
    operations.map((operation) => ({ ...resource, principal: `User:${principal}`, host: '*', operation, permissionType })),
  );
}

async function main() {
  await withAdmin('pa-acls', async (admin) => {
    await admin.deleteAcls({ filters: acls(RETIRED) });
    await admin.createAcls({ acl: acls(GRANTS) });
  });
}

main().catch((error) => {
  console.error(`kafka acls: ${error.message}`);
  process.exit(1);
});
