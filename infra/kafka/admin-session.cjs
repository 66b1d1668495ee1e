// The admin session the infra scripts (ensure-acls.cjs, tenant.cjs) talk to the broker with: as
// principal admin over SASL_SSL, trusting the stack's CA.
// Env: KAFKA_BROKERS, PA_STATE_DIR (CA in tls/ca.crt), PA_SECRETS_DIR (default <state>/secrets).
'use strict';
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const { Kafka, logLevel } = require('kafkajs');

/** Runs `work(admin)` on a connected kafkajs admin client named `clientId`; disconnects after. */
async function withAdmin(clientId, work) {
  const state = process.env.PA_STATE_DIR;
  const secrets = process.env.PA_SECRETS_DIR || join(state, 'secrets');
  const kafka = new Kafka({
    clientId,
    brokers: (process.env.KAFKA_BROKERS || '127.0.0.1:9092').split(','),
    ssl: { ca: [readFileSync(join(state, 'tls', 'ca.crt'), 'utf8')] },
    sasl: { mechanism: 'scram-sha-512', username: 'admin', password: readFileSync(join(secrets, 'kafka-admin.password'), 'utf8').trim() },
    logLevel: logLevel.ERROR,
    retry: { retries: 8 },
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.disconnect();
  }
}

module.exports = { withAdmin };
