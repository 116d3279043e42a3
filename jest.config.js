const { readFileSync } = require('node:fs');

// The build's swc settings (decorators, path aliases), minus the build's exclusion of specs.
const swc = JSON.parse(readFileSync(`${__dirname}/.swcrc`, 'utf8'));
delete swc.exclude;
delete swc.$schema;

/** Nest 12 and a few of its dependencies ship ES modules only: compile them too. */
const ESM_PACKAGES = ['@nestjs', 'cookie', 'file-type', 'strtok3', 'token-types', '@tokenizer', 'uint8array-extras', '@borewit'];

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/contracts', '<rootDir>/libs', '<rootDir>/services', '<rootDir>/test'],
  testMatch: ['**/*.spec.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  transform: { '^.+\\.(t|j|mj)s$': ['@swc/jest', { ...swc, swcrc: false, jsc: { ...swc.jsc, baseUrl: __dirname } }] },
  transformIgnorePatterns: [`/node_modules/(?!(${ESM_PACKAGES.join('|')})/)`],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  maxWorkers: 2,
  testTimeout: 300_000,
};
