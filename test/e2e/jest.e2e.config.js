// E2E: real Kafka, real PostgreSQL shard nodes, real app processes (built in dist/).
// infra/test.sh starts the test stack and exports KAFKA_BROKERS and PG_SHARDS.
const preset = require('../../jest.preset.js');

module.exports = {
  ...preset,
  rootDir: '../..',
  // *.integration-spec.ts beside the libs: one real node each, seconds each (STYLE.md §7, §12).
  testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts', '<rootDir>/libs/**/*.integration-spec.ts', '<rootDir>/apps/**/*.integration-spec.ts'],
  // The fault suites (test/e2e/faults/, issue 6) run here too; `npm run test:faults` runs them alone.
  globalSetup: '<rootDir>/test/e2e/global-setup.ts',
  testTimeout: 180_000,
  maxWorkers: 1,
};
