/**
 * The reliability tests (test/reliability/): the built daemon as a child process under load,
 * SIGKILLs, hostile input and a soak. `npm run test:reliability` runs the long profile,
 * `npm run test:reliability:ci` the short one that CI runs. One file at a time: they measure
 * time, memory and event-loop delay, so they must not share the two cores with each other.
 */
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test/reliability'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  testTimeout: 30 * 60 * 1000,
  maxWorkers: 1,
  reporters: ['default', '<rootDir>/test/reporters/summary-line.js'],
};
