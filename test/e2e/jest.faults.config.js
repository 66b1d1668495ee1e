// Fault tests (issue 6): writer/summarizer/query-api kills, shard and broker outages, bad input at
// volume, sustained load. Same stack as the e2e suites: `npm run test:faults` starts and stops it.
const e2e = require('./jest.e2e.config.js');

module.exports = {
  ...e2e,
  testMatch: ['<rootDir>/test/e2e/faults/**/*.e2e-spec.ts'],
};
