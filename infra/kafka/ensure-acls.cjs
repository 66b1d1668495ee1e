#!/usr/bin/env node
// Grants each Kafka principal its ACLs (infra/lib/kafka-security.sh lists who gets what), as admin
// over SASL_SSL. Idempotent: the broker keeps one copy of an ACL that is created twice.
// Env: KAFKA_BROKERS, PA_STATE_DIR (CA in tls/ca.crt, admin password in secrets/).
'use strict';
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const { Kafka, logLevel, AclResourceTypes, ResourcePatternTypes, AclOperationTypes, AclPermissionTypes } = require('kafkajs');

const state = process.env.PA_STATE_DIR;
const secrets = process.env.PA_SECRETS_DIR || join(state, 'secrets');
const TOPICS = 'proc.snapshots.';
const SNAPSHOTS = 'proc.snapshots.v1';
const DLQ = 'proc.snapshots.v1.dlq';
const WRITER_GROUPS = 'proc-writer';

const topic = (name, pattern = ResourcePatternTypes.PREFIXED) => ({ resourceType: AclResourceTypes.TOPIC, resourceName: name, resourcePatternType: pattern });
const group = (name) => ({ resourceType: AclResourceTypes.GROUP, resourceName: name, resourcePatternType: ResourcePatternTypes.PREFIXED });
const literal = (name) => topic(name, ResourcePatternTypes.LITERAL);
const O = AclOperationTypes;

/** [principal, resource, operations, permission] */
const GRANTS = [
  ['gateway', topic(TOPICS), [O.CREATE, O.WRITE, O.DESCRIBE, O.DESCRIBE_CONFIGS], AclPermissionTypes.ALLOW],
  ['gateway', literal(DLQ), [O.WRITE], AclPermissionTypes.DENY],
  ['writer', topic(TOPICS), [O.READ, O.WRITE, O.DESCRIBE, O.DESCRIBE_CONFIGS], AclPermissionTypes.ALLOW],
  ['writer', literal(SNAPSHOTS), [O.WRITE], AclPermissionTypes.DENY],
  ['writer', group(WRITER_GROUPS), [O.READ, O.DESCRIBE], AclPermissionTypes.ALLOW],
  ['collector', topic(TOPICS), [O.WRITE, O.DESCRIBE, O.DESCRIBE_CONFIGS], AclPermissionTypes.ALLOW],
  ['collector', literal(DLQ), [O.WRITE], AclPermissionTypes.DENY],
];

function acls() {
  return GRANTS.flatMap(([principal, resource, operations, permissionType]) =>
    operations.map((operation) => ({ ...resource, principal: `User:${principal}`, host: '*', operation, permissionType })),
  );
}

async function main() {
  const kafka = new Kafka({
    clientId: 'pa-acls',
    brokers: (process.env.KAFKA_BROKERS || '127.0.0.1:9092').split(','),
    ssl: { ca: [readFileSync(join(state, 'tls', 'ca.crt'), 'utf8')] },
    sasl: { mechanism: 'scram-sha-512', username: 'admin', password: readFileSync(join(secrets, 'kafka-admin.password'), 'utf8').trim() },
    logLevel: logLevel.ERROR,
    retry: { retries: 8 },
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createAcls({ acl: acls() });
  } finally {
    await admin.disconnect();
  }
}

main().catch((error) => {
  console.error(`kafka acls: ${error.message}`);
  process.exit(1);
});
