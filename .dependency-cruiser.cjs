/**
 * The dependency rule (DESIGN §2): libs/domain is pure (contracts only; no Nest, no I/O
 * drivers), contracts stand alone, and no library imports a service.
 */
const IO_AND_FRAMEWORK = '(@nestjs|pg|pg-[a-z-]+|@electric-sql|kafkajs|@eventstore|prom-client|pino|testcontainers)';

module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment: 'libs/domain and libs/datagen hold pure logic: no framework, no database, no broker',
      from: { path: '(^|/)libs/(domain|datagen)/' },
      to: { path: `(^|/)node_modules/${IO_AND_FRAMEWORK}/` },
    },
    {
      name: 'domain-imports-only-contracts',
      severity: 'error',
      comment: 'libs/domain and libs/datagen may import contracts, nothing else of ours',
      from: { path: '(^|/)libs/(domain|datagen)/' },
      to: { path: '(^|/)(libs/(?!domain/|datagen/)|services/)' },
    },
    {
      name: 'contracts-stand-alone',
      severity: 'error',
      comment: 'contracts import no library and no service',
      from: { path: '(^|/)contracts/' },
      to: { path: '(^|/)(libs|services)/' },
    },
    {
      name: 'libs-never-import-services',
      severity: 'error',
      comment: 'a library never imports a service',
      from: { path: '(^|/)(libs|contracts)/' },
      to: { path: '(^|/)services/' },
    },
    {
      name: 'store-behind-its-port',
      severity: 'error',
      comment:
        'the PostgreSQL adapter of the event store is reached through the EventStore port; only the adapter itself and the composition roots (the platform module, the CLI) construct it',
      from: {
        path: '(^|/)(libs|services)/',
        pathNot: '(^|/)(libs/event-store/|libs/platform/src/(platform\\.module|metrics|privacy/open-vault)\\.ts$|services/cli/src/)',
      },
      to: { path: '(^|/)libs/event-store/src/postgres/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)dist/|\\.spec\\.ts$' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.json'] },
  },
};
