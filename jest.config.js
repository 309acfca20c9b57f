// One Jest run, three projects by tier: unit specs beside the code, integration and end-to-end
// tests in test/. Only the last two start PostgreSQL (one server for the run: Jest runs the same
// globalSetup once), so a focused unit run starts at once.
// ts-jest transpiles file by file (isolatedModules): `npm run check` does the type checking.
const shared = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json', diagnostics: false }],
  },
  moduleNameMapper: {
    '^src/(.*)$': '<rootDir>/src/$1',
    '^test/(.*)$': '<rootDir>/test/$1',
    '^bench/(.*)$': '<rootDir>/bench/$1',
  },
};
const withDatabase = {
  globalSetup: '<rootDir>/test/setup/global-setup.mjs',
  globalTeardown: '<rootDir>/test/setup/global-teardown.mjs',
};

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/src/**/*.spec.ts'] },
    { ...shared, ...withDatabase, displayName: 'integration', testMatch: ['<rootDir>/test/**/*.int-spec.ts'] },
    { ...shared, ...withDatabase, displayName: 'e2e', testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'] },
  ],
  // Longest files first, by the last run's timings or by tier (test/setup/tier-sequencer.js).
  testSequencer: '<rootDir>/test/setup/tier-sequencer.js',
  testTimeout: 60000,
  // Most integration and end-to-end time is spent waiting (SSH, PostgreSQL, child processes,
  // simulated time): three workers keep two cores busy where two left them half idle.
  maxWorkers: 3,
  // A worker keeps what earlier files left on its heap; the parsers' 10 MB adversarial inputs then
  // ran one out of memory. A worker above this between files is replaced by a fresh one.
  workerIdleMemoryLimit: '1GB',
};
