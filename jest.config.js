// The SDK's notice that its 2027 releases will need Node 22 is printed once per process; on Node 20
// every jest worker and local-runtime thread would repeat it into the test log.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** @type {import('jest').Config} */
// swc strips types only; `npm run typecheck` (tsc 5) is the type gate. ESM-only dependencies are
// transformed too so that unit tests can import the same modules the bundles use.
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  transform: { '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }] },
  transformIgnorePatterns: ['/node_modules/(?!(hyparquet|hyparquet-writer|commander)/)'],
  testTimeout: 60000,
  maxWorkers: 2,
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
};
