#!/usr/bin/env node
// The broker side of one tenant of direct-producing collectors (infra/kafka-tenant.sh runs it):
//   add TENANT     creates its topic (as admin) and grants principal collector-<TENANT> WRITE,
//                  DESCRIBE and DESCRIBE_CONFIGS on topics prefixed proc.tenant.<TENANT>. (its topic
//                  for every snapshot topic: production's and the test suites' own)
//   remove TENANT  deletes those grants (the topic and its records are kept)
// Names come from libs/contracts (dist/libs/contracts/src/topic-names.js: build first).
// Env: KAFKA_BROKERS, KAFKA_TOPIC (the snapshot topic, default proc.snapshots.v1),
// KAFKA_TOPIC_PARTITIONS (12), PA_STATE_DIR, PA_SECRETS_DIR.
'use strict';
const { withAdmin } = require('./admin-session.cjs');
const { resolve } = require('node:path');
const { AclResourceTypes, ResourcePatternTypes, AclOperationTypes, AclPermissionTypes } = require('kafkajs');
const { SNAPSHOTS_TOPIC, TENANT_TOPIC_PREFIX, tenantTopicOf, tenantPrincipalOf } = require(resolve(__dirname, '..', '..', 'dist', 'libs', 'contracts', 'src', 'index.js'));

const OPERATIONS = [AclOperationTypes.WRITE, AclOperationTypes.DESCRIBE, AclOperationTypes.DESCRIBE_CONFIGS];

function grants(tenant) {
  return OPERATIONS.map((operation) => ({
    resourceType: AclResourceTypes.TOPIC,
    resourceName: `${TENANT_TOPIC_PREFIX}${tenant}.`,
    resourcePatternType: ResourcePatternTypes.PREFIXED,
    principal: `User:${tenantPrincipalOf(tenant)}`,
    host: '*',
    operation,
    permissionType: AclPermissionTypes.ALLOW,
  }));
}

async function add(admin, tenant) {
  const topic = tenantTopicOf(process.env.KAFKA_TOPIC || SNAPSHOTS_TOPIC, tenant);
  const numPartitions = Number(process.env.KAFKA_TOPIC_PARTITIONS || 12);
  // Idempotent: an existing topic is kept (kafkajs would log an error for creating it again).
  if (!(await admin.listTopics()).includes(topic)) {
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions, replicationFactor: 1 }] });
  }
  await admin.createAcls({ acl: grants(tenant) });
  return topic;
}

async function remove(admin, tenant) {
  await admin.deleteAcls({ filters: grants(tenant) });
  return tenantTopicOf(process.env.KAFKA_TOPIC || SNAPSHOTS_TOPIC, tenant);
}

async function main([action, tenant]) {
  if (!['add', 'remove'].includes(action) || !tenant) throw new Error('usage: tenant.cjs add|remove TENANT');
  tenantPrincipalOf(tenant); // throws on a bad name before anything is touched
  await withAdmin('pa-tenant', async (admin) => {
    console.log(action === 'add' ? await add(admin, tenant) : await remove(admin, tenant));
  });
}

main(process.argv.slice(2)).catch((error) => {
  console.error(`kafka tenant: ${error.message}`);
  process.exit(1);
});
