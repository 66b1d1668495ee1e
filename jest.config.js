// Unit tests: *.spec.ts beside the code, no network.
const preset = require('./jest.preset.js');

module.exports = {
  ...preset,
  rootDir: '.',
  testMatch: ['<rootDir>/apps/**/*.spec.ts', '<rootDir>/libs/**/*.spec.ts', '<rootDir>/bench/**/*.spec.ts', '<rootDir>/infra/**/*.spec.ts'],
};
